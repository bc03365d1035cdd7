//! Drafts, each owned by an account (by id) and with a revision number that grows by one per
//! save (the HTTP ETag). Stored in the database; a save is conditional on the revision.

pub use fachwerk_shared::api::BasedOn;
use fachwerk_shared::Workflow;

use crate::auth::{Caller, Denied};
pub use crate::db::Draft;
use crate::db::{Database, DraftUpdate};

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

#[derive(Clone)]
pub struct DraftStore {
    db: Database,
}

impl DraftStore {
    pub fn new(db: Database) -> DraftStore {
        DraftStore { db }
    }

    /// A new draft of the caller at revision 1.
    pub async fn create(
        &self,
        owner: &Caller,
        workflow: Workflow,
        based_on: Option<BasedOn>,
    ) -> Result<Draft, DraftError> {
        Ok(self
            .db
            .create_draft(&owner.id, workflow, based_on)
            .await
            .map_err(anyhow::Error::from)?)
    }

    pub async fn get(&self, id: &str) -> Result<Option<Draft>, DraftError> {
        Ok(self.db.draft(id).await.map_err(anyhow::Error::from)?)
    }

    /// The one guard for changing a draft: the caller may edit and owns it (by account id, so
    /// a later account of the same name owns nothing of an earlier one).
    pub async fn owned(&self, id: &str, caller: &Caller) -> Result<Draft, DraftError> {
        caller.require_editor()?;
        let draft = self.get(id).await?.ok_or(DraftError::NotFound)?;
        if draft.owner_id != caller.id {
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
        match self
            .db
            .update_draft(id, expected, workflow)
            .await
            .map_err(anyhow::Error::from)?
        {
            DraftUpdate::Saved(draft) => Ok(*draft),
            DraftUpdate::Stale { current } => Err(DraftError::Stale { current, expected }),
            DraftUpdate::NotFound => Err(DraftError::NotFound),
        }
    }

    /// Removes a draft.
    pub async fn delete(&self, id: &str) -> Result<(), DraftError> {
        let removed = self
            .db
            .delete_draft(id)
            .await
            .map_err(anyhow::Error::from)?;
        removed.then_some(()).ok_or(DraftError::NotFound)
    }

    /// Drafts of the caller, most recently changed first.
    pub async fn list(&self, owner: &Caller) -> Result<Vec<Draft>, DraftError> {
        Ok(self
            .db
            .drafts_of(&owner.id)
            .await
            .map_err(anyhow::Error::from)?)
    }
}
