//! The registered sources (`data/sources.json`) and their fetch jobs. A fetch runs on its own
//! thread; its progress is kept in memory and shown by `GET /api/sources/{id}`, its result is
//! written to `sources.json`. One fetch per source at a time.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use fachwerk_shared::api::CatalogueSummary;
pub use fachwerk_shared::api::{FetchState, SourceRecord};

use super::SourceError;
use super::{summarize, SourceUrl};
use crate::fsutil;
use crate::repo::sources::{self as git_sources, FetchError, FetchErrorKind, Progress, Transport};
use crate::security::sources::SourcePolicy;

/// An https source counts as current for this long; local sources are re-read every time.
const FRESH_SECONDS: i64 = 300;

#[derive(Default, Serialize, Deserialize)]
struct SourcesFile {
    sources: Vec<SourceRecord>,
}

struct Inner {
    records: Vec<SourceRecord>,
    running: HashSet<String>,
}

pub struct SourceStore {
    policy: SourcePolicy,
    file: PathBuf,
    mirrors: PathBuf,
    inner: Mutex<Inner>,
    /// Woken whenever a fetch ends.
    done: Notify,
}

/// Outcome of removing a source.
pub enum Removed {
    Gone,
    NotFound,
    /// A fetch is running.
    Busy,
}

fn stores() -> &'static Mutex<HashMap<PathBuf, Arc<SourceStore>>> {
    static STORES: OnceLock<Mutex<HashMap<PathBuf, Arc<SourceStore>>>> = OnceLock::new();
    STORES.get_or_init(Default::default)
}

impl SourceStore {
    /// The store of a data directory, opened on first use and then shared by every
    /// `AppState` on that directory (so running fetches and their progress are seen by all).
    pub fn of(data_dir: &Path, policy: &SourcePolicy) -> Result<Arc<SourceStore>, SourceError> {
        let dir = data_dir.to_path_buf();
        let mut map = stores()
            .lock()
            .map_err(|_| anyhow::anyhow!("source stores poisoned"))?;
        if let Some(s) = map.get(&dir) {
            return Ok(Arc::clone(s));
        }
        let store = Arc::new(SourceStore::open(&dir, policy.clone())?);
        map.insert(dir, Arc::clone(&store));
        Ok(store)
    }

    fn open(data_dir: &Path, policy: SourcePolicy) -> anyhow::Result<SourceStore> {
        let file = data_dir.join("sources.json");
        let mirrors = data_dir.join("sources");
        fsutil::ensure_dir(&mirrors)?;
        let mut records = fsutil::read_json::<SourcesFile>(&file)?
            .unwrap_or_default()
            .sources;
        for r in records
            .iter_mut()
            .filter(|r| r.state == FetchState::Fetching)
        {
            r.state = FetchState::Error;
            r.progress = None;
            r.error_kind = Some(FetchErrorKind::Interrupted);
            r.message_de = "Der Abruf wurde durch einen Neustart des Servers unterbrochen; bitte erneut abrufen.".into();
        }
        Ok(SourceStore {
            policy,
            file,
            mirrors,
            inner: Mutex::new(Inner {
                records,
                running: HashSet::new(),
            }),
            done: Notify::new(),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, SourceError> {
        self.inner
            .lock()
            .map_err(|_| SourceError::Storage(anyhow::anyhow!("sources poisoned")))
    }

    fn persist(&self, records: &[SourceRecord]) -> anyhow::Result<()> {
        let sources = records
            .iter()
            .cloned()
            .map(|mut r| {
                r.progress = None;
                r
            })
            .collect();
        fsutil::write_json(&self.file, &SourcesFile { sources })
    }

    /// The bare mirror of source `id` (a checked id: hex digits only).
    pub fn mirror_path(&self, id: &str) -> PathBuf {
        self.mirrors.join(id)
    }

    pub fn list(&self) -> Result<Vec<SourceRecord>, SourceError> {
        Ok(self.lock()?.records.clone())
    }

    pub fn get(&self, id: &str) -> Result<Option<SourceRecord>, SourceError> {
        Ok(self.lock()?.records.iter().find(|r| r.id == id).cloned())
    }

    /// Registers `url` and starts fetching it; an already registered address is returned
    /// as it is (`false`).
    pub fn add(
        self: &Arc<Self>,
        url: &SourceUrl,
        by: &str,
    ) -> Result<(SourceRecord, bool), SourceError> {
        let id = url.id();
        {
            let mut inner = self.lock()?;
            if let Some(r) = inner.records.iter().find(|r| r.id == id) {
                return Ok((r.clone(), false));
            }
            let now = fsutil::now_rfc3339();
            let record = SourceRecord {
                id: id.clone(),
                url: url.url.clone(),
                added_by: by.to_string(),
                added_at: now,
                state: FetchState::Error,
                progress: None,
                message_de: "Noch nicht abgerufen.".into(),
                error_kind: None,
                last_attempt: None,
                last_success: None,
                last_success_unix: None,
                catalogue: None,
            };
            let mut next = inner.records.clone();
            next.push(record);
            self.persist(&next)?;
            inner.records = next;
        }
        let record = self
            .start_fetch(&id)?
            .ok_or_else(|| anyhow::anyhow!("source vanished"))?;
        Ok((record, true))
    }

    /// Starts a fetch of `id` unless one is running; returns the record (`None`: unknown id).
    pub fn start_fetch(self: &Arc<Self>, id: &str) -> Result<Option<SourceRecord>, SourceError> {
        let (record, url) = {
            let mut inner = self.lock()?;
            let Some(pos) = inner.records.iter().position(|r| r.id == id) else {
                return Ok(None);
            };
            if inner.running.contains(id) {
                return Ok(Some(inner.records[pos].clone()));
            }
            // Stored addresses were checked when added; re-checking keeps that true.
            let url = SourceUrl::parse(&inner.records[pos].url)?;
            let mut next = inner.records.clone();
            let r = &mut next[pos];
            r.state = FetchState::Fetching;
            r.progress = Some(Progress::default());
            r.error_kind = None;
            r.message_de = "Wird abgerufen …".into();
            r.last_attempt = Some(fsutil::now_rfc3339());
            let record = r.clone();
            self.persist(&next)?;
            inner.records = next;
            inner.running.insert(id.to_string());
            (record, url)
        };
        let store = Arc::clone(self);
        let job_id = id.to_string();
        let spawned = std::thread::Builder::new()
            .name("fachwerk-source-fetch".into())
            .spawn(move || store.run(&job_id, &url.transport));
        if let Err(e) = spawned {
            self.finish(
                id,
                Err(FetchError::new(
                    FetchErrorKind::Other,
                    format!("Der Abruf konnte nicht gestartet werden: {e}"),
                )),
            );
        }
        Ok(Some(record))
    }

    fn run(&self, id: &str, transport: &Transport) {
        // Checked again right before each fetch: roots change, names resolve anew.
        let allowed = match transport {
            Transport::Local(path) => self.policy.check_local(path).map(|()| Vec::new()),
            Transport::Cli(url) => self.policy.check_remote(url),
        };
        let resolve = match allowed {
            Ok(resolve) => resolve,
            Err(message_de) => {
                let refused = FetchError::new(FetchErrorKind::NotAllowed, message_de);
                self.finish(id, Err(refused));
                return;
            }
        };
        let mirror = self.mirror_path(id);
        let progress = |p: Progress| {
            if let Ok(mut inner) = self.inner.lock() {
                if let Some(r) = inner.records.iter_mut().find(|r| r.id == id) {
                    r.progress = Some(p);
                }
            }
        };
        let result = git_sources::fetch_pinned(transport, &mirror, &progress, &resolve)
            .and_then(|()| summarize(&mirror));
        if let Err(e) = &result {
            tracing::warn!(source = %id, error = %e, "fetching a template source failed");
        }
        self.finish(id, result);
    }

    fn finish(&self, id: &str, result: Result<CatalogueSummary, FetchError>) {
        if let Ok(mut inner) = self.inner.lock() {
            let mut next = inner.records.clone();
            if let Some(r) = next.iter_mut().find(|r| r.id == id) {
                r.progress = None;
                match result {
                    Ok(summary) => {
                        r.state = FetchState::Ready;
                        r.error_kind = None;
                        r.message_de = ready_message(&summary);
                        r.last_success = Some(fsutil::now_rfc3339());
                        r.last_success_unix = Some(fsutil::unix_now());
                        r.catalogue = Some(summary);
                    }
                    Err(e) => {
                        r.state = FetchState::Error;
                        r.error_kind = Some(e.kind);
                        r.message_de = e.message_de;
                    }
                }
            }
            if let Err(e) = self.persist(&next) {
                tracing::error!(error = %e, "cannot save sources.json");
            }
            inner.records = next;
            inner.running.remove(id);
        }
        self.done.notify_waiters();
    }

    /// Waits until no fetch of `id` is running.
    pub async fn wait_idle(&self, id: &str) {
        loop {
            let notified = self.done.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let running = self
                .inner
                .lock()
                .map(|i| i.running.contains(id))
                .unwrap_or(false);
            if !running {
                return;
            }
            notified.await;
        }
    }

    /// Fetches `id` now if its data may be outdated (local sources: always; https: after
    /// five minutes) and waits for the result.
    pub async fn refresh_if_stale(
        self: &Arc<Self>,
        id: &str,
    ) -> Result<Option<SourceRecord>, SourceError> {
        let Some(r) = self.get(id)? else {
            return Ok(None);
        };
        let local = matches!(SourceUrl::parse(&r.url)?.transport, Transport::Local(_));
        let fresh = r
            .last_success_unix
            .is_some_and(|t| fsutil::unix_now() - t < FRESH_SECONDS);
        if local || !fresh || r.state != FetchState::Ready {
            self.start_fetch(id)?;
        }
        self.wait_idle(id).await;
        self.get(id)
    }

    /// Removes a source and its mirror (refused while it is being fetched).
    pub fn remove(&self, id: &str) -> Result<Removed, SourceError> {
        {
            let mut inner = self.lock()?;
            if inner.running.contains(id) {
                return Ok(Removed::Busy);
            }
            if !inner.records.iter().any(|r| r.id == id) {
                return Ok(Removed::NotFound);
            }
            let next: Vec<SourceRecord> = inner
                .records
                .iter()
                .filter(|r| r.id != id)
                .cloned()
                .collect();
            self.persist(&next)?;
            inner.records = next;
        }
        let mirror = self.mirror_path(id);
        if mirror.exists() {
            std::fs::remove_dir_all(&mirror).map_err(anyhow::Error::from)?;
        }
        Ok(Removed::Gone)
    }
}

fn ready_message(s: &CatalogueSummary) -> String {
    if s.templates.is_empty() {
        return "Abgerufen; der Katalog enthält keine Abläufe unter workflows/.".into();
    }
    let invalid: Vec<String> = s
        .templates
        .iter()
        .filter(|t| !t.valid)
        .map(|t| format!("„{}“ ({} Fehler)", t.key, t.errors.count))
        .collect();
    let n = s.templates.len();
    let mut m = format!(
        "Abgerufen: {n} {} von {}.",
        if n == 1 { "Vorlage" } else { "Vorlagen" },
        if s.publisher.is_empty() {
            "unbekannter Herkunft"
        } else {
            &s.publisher
        }
    );
    if !invalid.is_empty() {
        m.push_str(&format!(
            " Fehlerhaft und nicht übernehmbar: {}; die übrigen können übernommen werden.",
            invalid.join(", ")
        ));
    }
    m
}
