//! Drafts: one JSON file per draft under `drafts/`, replaced atomically on every save, each
//! with an owner and a revision number that grows by one per save (the HTTP ETag).

use std::path::{Path, PathBuf};

pub use fachwerk_shared::api::BasedOn;
use fachwerk_shared::Workflow;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::error::AppError;
use crate::fsutil::{self, blocking};

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

/// Outcome of a conditional update.
pub enum Update {
    Saved(Box<Draft>),
    /// The draft is at another revision than the caller expected.
    Stale {
        current: u64,
    },
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
    ) -> Result<Draft, AppError> {
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

    pub async fn get(&self, id: &str) -> Result<Option<Draft>, AppError> {
        let Some(path) = self.path(id) else {
            return Ok(None);
        };
        Ok(blocking(move || fsutil::read_json::<Draft>(&path)).await?)
    }

    /// Saves `workflow` if the draft is still at `expected` revision.
    pub async fn update(
        &self,
        id: &str,
        expected: u64,
        workflow: Workflow,
    ) -> Result<Option<Update>, AppError> {
        let Some(path) = self.path(id) else {
            return Ok(None);
        };
        let _guard = self.write.lock().await;
        let Some(mut draft) = self.get(id).await? else {
            return Ok(None);
        };
        if draft.revision != expected {
            return Ok(Some(Update::Stale {
                current: draft.revision,
            }));
        }
        draft.revision += 1;
        draft.updated_at = fsutil::now_rfc3339();
        draft.workflow = workflow;
        write(path, draft.clone()).await?;
        Ok(Some(Update::Saved(Box::new(draft))))
    }

    /// Removes a draft; `false` if there was none.
    pub async fn delete(&self, id: &str) -> Result<bool, AppError> {
        let Some(path) = self.path(id) else {
            return Ok(false);
        };
        let dir = self.dir.clone();
        let _guard = self.write.lock().await;
        Ok(blocking(move || match std::fs::remove_file(&path) {
            Ok(()) => {
                fsutil::sync_dir(&dir)?;
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        })
        .await?)
    }

    /// Drafts of `owner`, most recently changed first.
    pub async fn list(&self, owner: &str) -> Result<Vec<Draft>, AppError> {
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
