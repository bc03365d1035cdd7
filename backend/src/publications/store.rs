//! Publication requests: one JSON file per request under `publications/`.

use std::path::{Path, PathBuf};

use fachwerk_shared::api::{Publication, Status};
use tokio::sync::{Mutex, MutexGuard};
use uuid::Uuid;

use super::PublicationError;
use crate::fsutil::{self, blocking};
use crate::repo::Repo;

pub struct PublicationStore {
    dir: PathBuf,
    /// Held for every status change and publish: one at a time per repository.
    transitions: Mutex<()>,
}

impl PublicationStore {
    pub fn open(data_dir: &Path) -> anyhow::Result<PublicationStore> {
        let dir = data_dir.join("publications");
        fsutil::ensure_dir(&dir)?;
        fsutil::remove_stale_temp_files(&dir);
        Ok(PublicationStore {
            dir,
            transitions: Mutex::new(()),
        })
    }

    fn path(&self, id: &str) -> Option<PathBuf> {
        Uuid::parse_str(id)
            .ok()
            .map(|u| self.dir.join(format!("{}.json", u.hyphenated())))
    }

    pub async fn get(&self, id: &str) -> Result<Option<Publication>, PublicationError> {
        let Some(path) = self.path(id) else {
            return Ok(None);
        };
        Ok(blocking(move || fsutil::read_json::<Publication>(&path)).await?)
    }

    pub async fn save(&self, p: &Publication) -> Result<(), PublicationError> {
        let path = self
            .path(&p.id)
            .ok_or_else(|| anyhow::anyhow!("bad publication id"))?;
        let p = p.clone();
        Ok(blocking(move || fsutil::write_json(&path, &p)).await?)
    }

    /// Held for every status change and publish, so that they happen one at a time.
    pub async fn one_at_a_time(&self) -> MutexGuard<'_, ()> {
        self.transitions.lock().await
    }

    /// All requests (blocking), oldest first.
    pub fn all_blocking(&self) -> anyhow::Result<Vec<Publication>> {
        read_all(&self.dir)
    }

    pub async fn all(&self) -> Result<Vec<Publication>, PublicationError> {
        let dir = self.dir.clone();
        Ok(blocking(move || read_all(&dir)).await?)
    }

    /// After a crash between the git publish and saving the request: marks requests whose
    /// commit is on `main` as published.
    pub fn reconcile(&self, repo: &Repo) -> anyhow::Result<()> {
        let published = repo.published_requests()?;
        for mut p in self.all_blocking()? {
            if p.status == Status::Published {
                continue;
            }
            if let Some(done) = published.get(&p.id) {
                tracing::warn!(id = %p.id, version = %done.version, "request was published before an interruption; recording it");
                p.status = Status::Published;
                p.published = Some(done.clone());
                let path = self
                    .path(&p.id)
                    .ok_or_else(|| anyhow::anyhow!("bad publication id"))?;
                fsutil::write_json(&path, &p)?;
            }
        }
        Ok(())
    }

    /// Whether a pending request refers to draft `id` (reviewers may then read it).
    pub async fn draft_under_review(&self, draft_id: &str) -> Result<bool, PublicationError> {
        Ok(self
            .all()
            .await?
            .iter()
            .any(|p| p.status == Status::Pending && p.draft_id == draft_id))
    }
}

fn read_all(dir: &Path) -> anyhow::Result<Vec<Publication>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "json")
            && !entry.file_name().to_string_lossy().starts_with('.')
        {
            match fsutil::read_json::<Publication>(&path) {
                Ok(Some(p)) => out.push(p),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "skipping unreadable publication request"),
            }
        }
    }
    out.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(out)
}
