//! The registered sources (in the database) and their fetch jobs. A fetch runs on its own
//! thread; its progress is kept in memory and shown by `GET /api/sources/{id}`, its result is
//! written to the database. A fetch claims its source in the database first, so one fetch per
//! source runs at a time, also across server processes.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use fachwerk_shared::api::CatalogueSummary;
pub use fachwerk_shared::api::{FetchState, SourceRecord};
use tokio::sync::Notify;

use super::SourceError;
use super::{summarize, SourceUrl};
use crate::db::{Database, FetchOutcome, SourceRemoval};
use crate::fsutil;
use crate::repo::sources::{self as git_sources, FetchError, FetchErrorKind, Progress, Transport};
use crate::security::sources::SourcePolicy;

/// An https source counts as current for this long; local sources are re-read every time.
const FRESH_SECONDS: i64 = 300;
/// A fetch that has not ended after this long is taken as interrupted (its process is gone).
const FETCH_STALE_SECONDS: i64 = 3600;

/// Fetches running in this process, with their progress.
#[derive(Default)]
struct Running {
    progress: HashMap<String, Progress>,
    ids: HashSet<String>,
}

pub struct SourceStore {
    db: Database,
    policy: SourcePolicy,
    mirrors: PathBuf,
    running: Mutex<Running>,
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

fn storage(e: crate::db::DbError) -> SourceError {
    SourceError::Storage(e.into())
}

impl SourceStore {
    /// The store of a data directory, opened on first use and then shared by every
    /// `AppState` on that directory (so running fetches and their progress are seen by all).
    pub fn of(
        data_dir: &Path,
        db: &Database,
        policy: &SourcePolicy,
    ) -> Result<Arc<SourceStore>, SourceError> {
        let dir = data_dir.to_path_buf();
        let mut map = stores()
            .lock()
            .map_err(|_| anyhow::anyhow!("source stores poisoned"))?;
        if let Some(s) = map.get(&dir) {
            return Ok(Arc::clone(s));
        }
        let mirrors = dir.join("sources");
        fsutil::ensure_dir(&mirrors)?;
        let store = Arc::new(SourceStore {
            db: db.clone(),
            policy: policy.clone(),
            mirrors,
            running: Mutex::new(Running::default()),
            done: Notify::new(),
        });
        map.insert(dir, Arc::clone(&store));
        Ok(store)
    }

    /// At start: fetches left "running" by a stopped process are marked interrupted.
    pub async fn interrupt_stale_fetches(db: &Database) -> Result<u64, crate::db::DbError> {
        db.interrupt_fetches(
            fsutil::unix_now() - FETCH_STALE_SECONDS,
            "Der Abruf wurde durch einen Neustart des Servers unterbrochen; bitte erneut abrufen.",
        )
        .await
    }

    fn lock(&self) -> Result<MutexGuard<'_, Running>, SourceError> {
        self.running
            .lock()
            .map_err(|_| SourceError::Storage(anyhow::anyhow!("sources poisoned")))
    }

    /// A stored record with the progress of its fetch: as far as known here while the fetch
    /// runs (nothing received yet, or run by another process: zero), none otherwise.
    fn with_progress(&self, mut r: SourceRecord) -> SourceRecord {
        r.progress = (r.state == FetchState::Fetching).then(|| {
            self.running
                .lock()
                .ok()
                .and_then(|running| running.progress.get(&r.id).cloned())
                .unwrap_or_default()
        });
        r
    }

    /// The bare mirror of source `id` (a checked id: hex digits only).
    pub fn mirror_path(&self, id: &str) -> PathBuf {
        self.mirrors.join(id)
    }

    pub async fn list(&self) -> Result<Vec<SourceRecord>, SourceError> {
        let records = self.db.sources().await.map_err(storage)?;
        Ok(records.into_iter().map(|r| self.with_progress(r)).collect())
    }

    pub async fn get(&self, id: &str) -> Result<Option<SourceRecord>, SourceError> {
        let record = self.db.source(id).await.map_err(storage)?;
        Ok(record.map(|r| self.with_progress(r)))
    }

    /// The id of the account that added source `id`.
    pub async fn added_by(&self, id: &str) -> Result<Option<String>, SourceError> {
        self.db.source_added_by(id).await.map_err(storage)
    }

    /// Registers `url` (added by the account `by_id`) and starts fetching it; an already
    /// registered address is returned as it is (`false`).
    pub async fn add(
        self: &Arc<Self>,
        url: &SourceUrl,
        by_id: &str,
    ) -> Result<(SourceRecord, bool), SourceError> {
        let record = SourceRecord {
            id: url.id(),
            url: url.url.clone(),
            added_by: String::new(),
            added_at: fsutil::now_rfc3339(),
            state: FetchState::Error,
            progress: None,
            message_de: "Noch nicht abgerufen.".into(),
            error_kind: None,
            last_attempt: None,
            last_success: None,
            last_success_unix: None,
            catalogue: None,
        };
        let (stored, created) = self
            .db
            .insert_source(&record, by_id)
            .await
            .map_err(storage)?;
        if !created {
            return Ok((self.with_progress(stored), false));
        }
        let record = self
            .start_fetch(&record.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("source vanished"))?;
        Ok((record, true))
    }

    /// Starts a fetch of `id` unless one is running; returns the record (`None`: unknown id).
    pub async fn start_fetch(
        self: &Arc<Self>,
        id: &str,
    ) -> Result<Option<SourceRecord>, SourceError> {
        let stale_before = fsutil::unix_now() - FETCH_STALE_SECONDS;
        let Some((record, claimed)) = self
            .db
            .begin_fetch(id, "Wird abgerufen …", stale_before)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        if !claimed {
            return Ok(Some(self.with_progress(record)));
        }
        // Stored addresses were checked when added; re-checking keeps that true.
        let url = SourceUrl::parse(&record.url)?;
        {
            let mut running = self.lock()?;
            running.ids.insert(id.to_string());
            running.progress.insert(id.to_string(), Progress::default());
        }
        let store = Arc::clone(self);
        let job_id = id.to_string();
        let runtime = tokio::runtime::Handle::current();
        let spawned = std::thread::Builder::new()
            .name("fachwerk-source-fetch".into())
            .spawn(move || {
                let result = store.run(&job_id, &url.transport);
                runtime.block_on(store.finish(&job_id, result));
            });
        if let Err(e) = spawned {
            let failed = FetchError::new(
                FetchErrorKind::Other,
                format!("Der Abruf konnte nicht gestartet werden: {e}"),
            );
            self.finish(id, Err(failed)).await;
        }
        self.get(id).await
    }

    fn run(&self, id: &str, transport: &Transport) -> Result<CatalogueSummary, FetchError> {
        // Checked again right before each fetch: roots change, names resolve anew.
        let allowed = match transport {
            Transport::Local(path) => self.policy.check_local(path).map(|()| Vec::new()),
            Transport::Cli(url) => self.policy.check_remote(url),
        };
        let resolve = allowed
            .map_err(|message_de| FetchError::new(FetchErrorKind::NotAllowed, message_de))?;
        let mirror = self.mirror_path(id);
        let progress = |p: Progress| {
            if let Ok(mut running) = self.running.lock() {
                running.progress.insert(id.to_string(), p);
            }
        };
        let result = git_sources::fetch_pinned(transport, &mirror, &progress, &resolve)
            .and_then(|()| summarize(&mirror));
        if let Err(e) = &result {
            tracing::warn!(source = %id, error = %e, "fetching a template source failed");
        }
        result
    }

    async fn finish(&self, id: &str, result: Result<CatalogueSummary, FetchError>) {
        let outcome = match result {
            Ok(summary) => FetchOutcome::Ready {
                message_de: ready_message(&summary),
                summary,
            },
            Err(e) => FetchOutcome::Failed {
                kind: e.kind,
                message_de: e.message_de,
            },
        };
        if let Err(e) = self.db.finish_fetch(id, &outcome).await {
            tracing::error!(error = %e, source = %id, "cannot record the end of a fetch");
        }
        if let Ok(mut running) = self.running.lock() {
            running.ids.remove(id);
            running.progress.remove(id);
        }
        self.done.notify_waiters();
    }

    /// Waits until no fetch of `id` runs in this process.
    pub async fn wait_idle(&self, id: &str) {
        loop {
            let notified = self.done.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let running = self
                .running
                .lock()
                .map(|r| r.ids.contains(id))
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
        let Some(r) = self.get(id).await? else {
            return Ok(None);
        };
        let local = matches!(SourceUrl::parse(&r.url)?.transport, Transport::Local(_));
        let fresh = r
            .last_success_unix
            .is_some_and(|t| fsutil::unix_now() - t < FRESH_SECONDS);
        if local || !fresh || r.state != FetchState::Ready {
            self.start_fetch(id).await?;
        }
        self.wait_idle(id).await;
        self.get(id).await
    }

    /// Removes a source and its mirror (refused while it is being fetched).
    pub async fn remove(&self, id: &str) -> Result<Removed, SourceError> {
        match self.db.remove_source(id).await.map_err(storage)? {
            SourceRemoval::Busy => Ok(Removed::Busy),
            SourceRemoval::NotFound => Ok(Removed::NotFound),
            SourceRemoval::Gone => {
                let mirror = self.mirror_path(id);
                if mirror.exists() {
                    std::fs::remove_dir_all(&mirror).map_err(anyhow::Error::from)?;
                }
                Ok(Removed::Gone)
            }
        }
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
