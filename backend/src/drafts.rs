//! Drafts: one JSON file per draft under `drafts/`, replaced atomically on every save, each
//! with an owner and a revision number that grows by one per save (the HTTP ETag).

use std::path::{Path, PathBuf};

pub use fachwerk_shared::api::BasedOn;
use fachwerk_shared::Workflow;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::auth::{Caller, Denied};
use crate::fsutil::{self, blocking};

/// Why a draft cannot be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("Diesen Entwurf gibt es nicht.")]
    NotFound,
    #[error("Dieser Entwurf gehört einer anderen Person.")]
    NotYours,
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The draft is at another revision than the caller expected.
    #[error("Der Entwurf wurde inzwischen geändert (Revision {current}, erwartet {expected}). Bitte neu laden und die Änderungen zusammenführen.")]
    Stale { current: u64, expected: u64 },
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

/// A stored draft.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub id: String,
    pub owner: String,
    pub revision: u64,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub based_on: Option<BasedOn>,
    pub workflow: Workflow,
}

pub struct DraftStore {
    dir: PathBuf,
    /// Serializes read-check-write cycles (revision checks).
    write: Mutex<()>,
}

impl DraftStore {
    pub fn open(data_dir: &Path) -> anyhow::Result<DraftStore> {
        let dir = data_dir.join("drafts");
        fsutil::ensure_dir(&dir)?;
        fsutil::remove_stale_temp_files(&dir);
        Ok(DraftStore {
            dir,
            write: Mutex::new(()),
        })
    }

    fn path(&self, id: &str) -> Option<PathBuf> {
        // Only well-formed ids reach the file system (no path tricks).
        Uuid::parse_str(id)
            .ok()
            .map(|u| self.dir.join(format!("{}.json", u.hyphenated())))
    }

    pub async fn create(
        &self,
        owner: &str,
        workflow: Workflow,
        based_on: Option<BasedOn>,
    ) -> Result<Draft, DraftError> {
        let now = fsutil::now_rfc3339();
        let draft = Draft {
            id: Uuid::new_v4().hyphenated().to_string(),
            owner: owner.to_string(),
            revision: 1,
            created_at: now.clone(),
            updated_at: now,
            based_on,
            workflow,
        };
        let path = self
            .path(&draft.id)
            .ok_or_else(|| anyhow::anyhow!("bad draft id"))?;
        let _guard = self.write.lock().await;
        write(path, draft.clone()).await?;
        Ok(draft)
    }

    pub async fn get(&self, id: &str) -> Result<Option<Draft>, DraftError> {
        let Some(path) = self.path(id) else {
            return Ok(None);
        };
        Ok(blocking(move || fsutil::read_json::<Draft>(&path)).await?)
    }

    /// The one guard for changing a draft: the caller may edit and owns it.
    pub async fn owned(&self, id: &str, caller: &Caller) -> Result<Draft, DraftError> {
        caller.require_editor()?;
        let draft = self.get(id).await?.ok_or(DraftError::NotFound)?;
        if draft.owner != caller.name {
            return Err(DraftError::NotYours);
        }
        Ok(draft)
    }

    /// Saves `workflow` if the draft is still at `expected` revision.
    pub async fn update(
        &self,
        id: &str,
        expected: u64,
        workflow: Workflow,
    ) -> Result<Draft, DraftError> {
        let path = self.path(id).ok_or(DraftError::NotFound)?;
        let _guard = self.write.lock().await;
        let mut draft = self.get(id).await?.ok_or(DraftError::NotFound)?;
        if draft.revision != expected {
            return Err(DraftError::Stale {
                current: draft.revision,
                expected,
            });
        }
        draft.revision += 1;
        draft.updated_at = fsutil::now_rfc3339();
        draft.workflow = workflow;
        write(path, draft.clone()).await?;
        Ok(draft)
    }

    /// Removes a draft.
    pub async fn delete(&self, id: &str) -> Result<(), DraftError> {
        let path = self.path(id).ok_or(DraftError::NotFound)?;
        let dir = self.dir.clone();
        let _guard = self.write.lock().await;
        let removed = blocking(move || match std::fs::remove_file(&path) {
            Ok(()) => {
                fsutil::sync_dir(&dir)?;
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        })
        .await?;
        removed.then_some(()).ok_or(DraftError::NotFound)
    }

    /// Drafts of `owner`, most recently changed first.
    pub async fn list(&self, owner: &str) -> Result<Vec<Draft>, DraftError> {
        let dir = self.dir.clone();
        let owner = owner.to_string();
        let mut drafts = blocking(move || {
            let mut out = Vec::new();
            for entry in std::fs::read_dir(&dir)?.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|x| x == "json")
                    && !entry.file_name().to_string_lossy().starts_with('.')
                {
                    match fsutil::read_json::<Draft>(&path) {
                        Ok(Some(d)) if d.owner == owner => out.push(d),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "skipping unreadable draft"),
                    }
                }
            }
            Ok(out)
        })
        .await?;
        drafts.sort_by(|a, b| {
            b.updated_at
                .cmp(&a.updated_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(drafts)
    }
}

async fn write(path: PathBuf, draft: Draft) -> anyhow::Result<()> {
    blocking(move || fsutil::write_json(&path, &draft)).await
}
