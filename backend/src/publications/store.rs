//! Publication requests in the database. Status changes are conditional there; within one
//! process they also take turns (`one_at_a_time`), so the git publish and the status update of
//! one approval are not interleaved with another decision.

use std::collections::HashMap;

use fachwerk_shared::api::{Publication, PublicationSummary, Published};
use tokio::sync::{Mutex, MutexGuard};

use super::PublicationError;
use crate::auth::Caller;
use crate::db::{Database, Transition};
use crate::repo::Repo;

pub struct PublicationStore {
    db: Database,
    /// Held for every status change and publish: one at a time per process.
    transitions: Mutex<()>,
}

fn storage(e: crate::db::DbError) -> PublicationError {
    PublicationError::Storage(e.into())
}

impl PublicationStore {
    pub fn new(db: Database) -> PublicationStore {
        PublicationStore {
            db,
            transitions: Mutex::new(()),
        }
    }

    /// A request and the id of the account that made it.
    pub async fn get(&self, id: &str) -> Result<Option<(Publication, String)>, PublicationError> {
        self.db.request_with_requester(id).await.map_err(storage)
    }

    /// Stores a new request of `requester`, unless a pending request for the same draft
    /// revision exists: then that one is returned (`false`: not new).
    pub async fn insert_once(
        &self,
        p: &Publication,
        requester: &Caller,
    ) -> Result<(Publication, bool), PublicationError> {
        self.db
            .insert_request_once(p, &requester.id)
            .await
            .map_err(storage)
    }

    /// The pending request for this draft revision, if any.
    pub async fn open_request_for(
        &self,
        draft_id: &str,
        revision: u64,
    ) -> Result<Option<Publication>, PublicationError> {
        self.db
            .open_request_for(draft_id, revision)
            .await
            .map_err(storage)
    }

    /// Whether a request made from this draft was published under `key`.
    pub async fn draft_published_as(
        &self,
        draft_id: &str,
        key: &str,
    ) -> Result<bool, PublicationError> {
        self.db
            .draft_published_as(draft_id, key)
            .await
            .map_err(storage)
    }

    pub async fn mark_published(
        &self,
        id: &str,
        approver: &Caller,
        published: &Published,
    ) -> Result<Transition, PublicationError> {
        self.db
            .mark_published(id, &approver.id, published)
            .await
            .map_err(storage)
    }

    pub async fn mark_outdated(&self, id: &str) -> Result<Transition, PublicationError> {
        self.db.mark_outdated(id).await.map_err(storage)
    }

    pub async fn reject(
        &self,
        id: &str,
        reviewer: &Caller,
        comment: &str,
    ) -> Result<Transition, PublicationError> {
        self.db
            .reject_request(id, &reviewer.id, comment)
            .await
            .map_err(storage)
    }

    /// Held for every status change and publish, so that they happen one at a time.
    pub async fn one_at_a_time(&self) -> MutexGuard<'_, ()> {
        self.transitions.lock().await
    }

    /// Requests the caller may list: its own, and every pending one for reviewers.
    pub async fn visible_to(
        &self,
        caller: &Caller,
    ) -> Result<Vec<PublicationSummary>, PublicationError> {
        self.db
            .requests_visible_to(&caller.id, caller.role.can_review())
            .await
            .map_err(storage)
    }

    /// Every request, oldest first.
    pub async fn all(&self) -> Result<Vec<Publication>, PublicationError> {
        self.db.all_requests().await.map_err(storage)
    }

    /// After a crash between the git publish and the status update: marks requests whose
    /// commit is on `main` as published (at start and before each approval).
    pub async fn reconcile(&self, repo: &std::sync::Arc<Repo>) -> Result<(), PublicationError> {
        let repo = std::sync::Arc::clone(repo);
        let published: HashMap<String, Published> =
            crate::fsutil::blocking(move || Ok(repo.published_requests()?)).await?;
        self.db
            .reconcile_requests(&published)
            .await
            .map_err(storage)?;
        Ok(())
    }

    /// Whether the catalogue already has request `p` (published before an interruption); then
    /// it is recorded as published. One tag lookup, not a walk of the history.
    pub async fn reconcile_one(
        &self,
        repo: &std::sync::Arc<Repo>,
        p: &Publication,
    ) -> Result<bool, PublicationError> {
        let repo = std::sync::Arc::clone(repo);
        let (key, version) = (p.key.clone(), p.suggested_version.clone());
        let tagged =
            crate::fsutil::blocking(move || Ok(repo.request_of_tag(&key, &version)?)).await?;
        match tagged {
            Some((id, published)) if id == p.id => {
                let one = HashMap::from([(id, published)]);
                let changed = self.db.reconcile_requests(&one).await.map_err(storage)?;
                Ok(!changed.is_empty())
            }
            _ => Ok(false),
        }
    }

    /// Whether a pending request refers to draft `id` (reviewers may then read it).
    pub async fn draft_under_review(&self, draft_id: &str) -> Result<bool, PublicationError> {
        self.db.draft_under_review(draft_id).await.map_err(storage)
    }
}
