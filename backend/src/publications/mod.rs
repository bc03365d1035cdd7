//! Four-eyes publishing. An editor requests publication of a draft: the server validates it,
//! diffs it against the latest published version and suggests the next semantic version; the
//! request (with a snapshot of the workflow) is stored durably. A different person with the
//! reviewer role approves (→ commit + tag) or rejects it.
//!
//! Every status change is a conditional update in the database and, within one process,
//! happens under one mutex; the publish itself is conditional in git (expected base version
//! and expected `main`), so racing approvals end in exactly one publish and 409 for the rest.

use std::sync::Arc;

pub use fachwerk_shared::api::{Publication, PublicationSummary, Status};
use fachwerk_shared::diff::{diff, Bump};
use fachwerk_shared::{parse_workflow, Finding, Workflow};
use uuid::Uuid;

use crate::auth::{Caller, Denied};
use crate::db::Transition;
use crate::drafts::{BasedOn, DraftError, DraftStore};
use crate::fsutil::{self, blocking};
use crate::repo::push::Pusher;
use crate::repo::{Publish, Repo, RepoError};
use crate::security::limits::cpu;

mod store;

pub use store::PublicationStore;

/// Why a publication request cannot be made, read or decided.
#[derive(Debug, thiserror::Error)]
pub enum PublicationError {
    #[error("Diesen Veröffentlichungsantrag gibt es nicht.")]
    NotFound,
    #[error(
        "Nur die Eigentümerin oder der Eigentümer kann diesen Entwurf veröffentlichen lassen."
    )]
    NotYourDraft,
    #[error("Diesen Antrag sehen nur die antragstellende Person und die Freigabe.")]
    NotVisible,
    #[error("Vier-Augen-Prinzip: Wer eine Veröffentlichung beantragt hat, kann sie nicht selbst freigeben. Bitte eine andere Person mit Freigaberecht bitten.")]
    OwnRequest,
    #[error("Der Antrag ist {}; er kann nicht mehr entschieden werden.", .0.name_de())]
    Decided(Status),
    #[error("Bitte eine Begründung für die Ablehnung angeben.")]
    NoComment,
    /// The workflow has validation errors.
    #[error("Der Ablauf enthält Fehler")]
    Invalid(Vec<Finding>),
    /// The draft equals the published version `.0`.
    #[error("Der Entwurf unterscheidet sich nicht von der veröffentlichten Version {0}; es gibt nichts zu veröffentlichen.")]
    Unchanged(String),
    /// Another version was published since the request was made (or `main` moved).
    #[error("{0}")]
    Outdated(String),
    #[error("{0}")]
    Conflict(String),
    /// The catalogue has the key for another workflow.
    #[error("Den Schlüssel „{0}“ hat im Katalog schon ein anderer Ablauf. Bitte in den Einstellungen einen anderen Schlüssel wählen. (The catalogue already has a different workflow with the key “{0}”; please choose another key in the settings.)")]
    KeyTaken(String),
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

/// The latest published version of `key`, parsed.
pub async fn latest_published(repo: &Arc<Repo>, key: &str) -> anyhow::Result<Option<Workflow>> {
    let repo = Arc::clone(repo);
    let k = key.to_string();
    let text = blocking(move || repo.latest(&k).map_err(anyhow::Error::from)).await?;
    match text {
        None => Ok(None),
        Some(t) => parse_workflow(&t)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("published {key} does not parse: {e}")),
    }
}

/// Refuses `w.key` when the catalogue has it for another workflow. The key is this
/// workflow's own when the draft was made from that catalogue entry (`based_on`), when a
/// request from this very draft was published under it, when `w` carries a version the
/// catalogue published under the key (opened from the history or an export), or when `w` has
/// the catalogue entry's name (the next version of it, sent by an API client). A new workflow
/// "Beschaffung" is thus refused the key of the template "Beschaffung von Liefer- und
/// Dienstleistungen".
pub async fn check_key_is_own(
    repo: &Arc<Repo>,
    store: &PublicationStore,
    w: &Workflow,
    draft_id: Option<&str>,
    based_on: Option<&BasedOn>,
) -> Result<(), PublicationError> {
    if based_on.is_some_and(|b| b.key == w.key) || !crate::repo::valid_key(&w.key) {
        return Ok(());
    }
    let git = Arc::clone(repo);
    let (key, version, name) = (w.key.clone(), w.version.clone(), w.name.clone());
    let taken = blocking(move || {
        let Some(text) = git.latest(&key)? else {
            return Ok(false);
        };
        let same_name = parse_workflow(&text).is_ok_and(|published| published.name == name);
        Ok(!same_name && git.version(&key, &version)?.is_none())
    })
    .await?;
    if !taken {
        return Ok(());
    }
    if let Some(id) = draft_id {
        if store.draft_published_as(id, &w.key).await? {
            return Ok(());
        }
    }
    Err(PublicationError::KeyTaken(w.key.clone()))
}

/// `POST /api/publications`: validate, diff, suggest a version, store the request. A pending
/// request for the same draft revision is returned instead of filing a second one (`false`:
/// not new), so a double click files one request.
pub async fn request(
    drafts: &DraftStore,
    store: &PublicationStore,
    repo: &Arc<Repo>,
    caller: &Caller,
    draft_id: &str,
    note: &str,
) -> Result<(Publication, bool), PublicationError> {
    let draft = drafts.owned(draft_id, caller).await.map_err(|e| match e {
        DraftError::NotYours => PublicationError::NotYourDraft,
        other => other.into(),
    })?;
    if let Some(open) = store.open_request_for(&draft.id, draft.revision).await? {
        return Ok((open, false));
    }
    check_key_is_own(
        repo,
        store,
        &draft.workflow,
        Some(&draft.id),
        draft.based_on.as_ref(),
    )
    .await?;
    let mut w = draft.workflow.clone();
    // Validation includes the key rule (E_KEY_FORMAT) the repository relies on; it is CPU
    // work, so it runs in the pool.
    let findings = cpu({
        let w = w.clone();
        move || fachwerk_shared::validate(&w)
    })
    .await?;
    if findings.iter().any(Finding::is_error) {
        return Err(PublicationError::Invalid(findings));
    }
    let latest = latest_published(repo, &w.key).await?;
    let (base_version, version, bump, diff_out, changes) = match latest {
        None => {
            let changes = vec!["Erste veröffentlichte Fassung.".to_string()];
            (None, "1.0.0".to_string(), Bump::Major, None, changes)
        }
        Some(old) => {
            w.version = old.version.clone();
            let d = cpu({
                let (old, w) = (old.clone(), w.clone());
                move || diff(&old, &w)
            })
            .await?;
            if d.bump == Bump::None {
                return Err(PublicationError::Unchanged(old.version));
            }
            let version = d.bump.apply(&old.version).ok_or_else(|| {
                anyhow::anyhow!(
                    "published version {:?} of {} is not x.y.z",
                    old.version,
                    w.key
                )
            })?;
            let mut changes: Vec<String> = d.changes.iter().map(|c| c.message_de.clone()).collect();
            if changes.is_empty() {
                changes.push("Nur die Darstellung (Anordnung im Diagramm) wurde geändert.".into());
            }
            (Some(old.version), version, d.bump, Some(d), changes)
        }
    };
    w.version = version.clone();
    let p = Publication {
        id: Uuid::new_v4().hyphenated().to_string(),
        draft_id: draft.id.clone(),
        draft_revision: draft.revision,
        key: w.key.clone(),
        name: w.name.clone(),
        requester: caller.name.clone(),
        requester_created_by: None,
        note: note.trim().to_string(),
        status: Status::Pending,
        created_at: fsutil::now_rfc3339(),
        base_version,
        suggested_version: version,
        bump,
        changes_de: changes,
        diff: diff_out,
        workflow: w,
        decided_by: None,
        decided_at: None,
        comment: None,
        published: None,
    };
    let (p, new) = store.insert_once(&p, caller).await?;
    if new {
        tracing::info!(id = %p.id, key = %p.key, version = %p.suggested_version, requester = %p.requester, "publication requested");
    }
    Ok((p, new))
}

/// `POST /api/publications/{id}/approve`: publish with the suggested version.
pub async fn approve(
    store: &PublicationStore,
    repo: &Arc<Repo>,
    pusher: &Pusher,
    caller: &Caller,
    id: &str,
) -> Result<Publication, PublicationError> {
    caller.require_reviewer()?;
    let _one_at_a_time = store.one_at_a_time().await;
    let (p, requester_id) = store.get(id).await?.ok_or(PublicationError::NotFound)?;
    if requester_id == caller.id {
        return Err(PublicationError::OwnRequest);
    }
    if p.status != Status::Pending {
        return Err(PublicationError::Decided(p.status));
    }
    // Published before an interruption (commit and tag there, status not updated).
    if store.reconcile_one(repo, &p).await? {
        return Err(PublicationError::Decided(Status::Published));
    }
    let git = Arc::clone(repo);
    let (snapshot, approver) = (p.clone(), caller.name.clone());
    let result = blocking(move || {
        let publish = Publish {
            workflow: &snapshot.workflow,
            base_version: snapshot.base_version.as_deref(),
            requester: &snapshot.requester,
            approver: &approver,
            note: &snapshot.note,
            changes: &snapshot.changes_de,
            publication_id: Some(&snapshot.id),
        };
        Ok(git.publish(&publish))
    })
    .await?;
    if result.is_ok() {
        crash_test_pause("after-commit").await;
    }
    match result {
        Ok(published) => match store.mark_published(id, caller, &published).await? {
            Transition::Done(p) => {
                tracing::info!(id = %p.id, key = %p.key, version = %p.suggested_version, approver = %caller.name, "published");
                pusher.request().await;
                Ok(*p)
            }
            // Another process reconciled it first: recorded with this very commit.
            Transition::Refused(Status::Published) => {
                let (p, _) = store.get(id).await?.ok_or(PublicationError::NotFound)?;
                if p.published.as_ref().map(|x| &x.commit) == Some(&published.commit) {
                    pusher.request().await;
                    Ok(p)
                } else {
                    Err(PublicationError::Decided(Status::Published))
                }
            }
            // Decided meanwhile by another process; the catalogue has the version, so the
            // next reconciliation records it as published.
            Transition::Refused(status) => Err(PublicationError::Decided(status)),
            Transition::NotFound => Err(PublicationError::NotFound),
        },
        Err(RepoError::Outdated(msg)) => {
            // Another process may just have published this very request.
            store.reconcile(repo).await?;
            if let Transition::Refused(Status::Published) = store.mark_outdated(id).await? {
                return Err(PublicationError::Decided(Status::Published));
            }
            Err(PublicationError::Outdated(msg))
        }
        Err(RepoError::Conflict(msg)) => Err(PublicationError::Conflict(msg)),
        Err(e) => Err(PublicationError::Storage(e.into())),
    }
}

/// Environment variable of the crash test (`backend/tests/crash_publish.rs`): with the value
/// `after-commit`, an approval stops between the catalogue commit (and tag) and the status
/// update in the database, says so on stdout, and waits there for the test's `kill -9`. No
/// other value and no other place; unset, it costs one lookup per approval.
pub const CRASH_TEST_PAUSE_ENV: &str = "FACHWERK_CRASH_TEST_PAUSE";

async fn crash_test_pause(point: &str) {
    if std::env::var(CRASH_TEST_PAUSE_ENV).is_ok_and(|v| v == point) {
        println!("{CRASH_TEST_PAUSE_ENV}: paused {point}");
        std::future::pending::<()>().await;
    }
}

/// `POST /api/publications/{id}/reject`.
pub async fn reject(
    store: &PublicationStore,
    caller: &Caller,
    id: &str,
    comment: &str,
) -> Result<Publication, PublicationError> {
    caller.require_reviewer()?;
    if comment.trim().is_empty() {
        return Err(PublicationError::NoComment);
    }
    let _one_at_a_time = store.one_at_a_time().await;
    match store.reject(id, caller, comment.trim()).await? {
        Transition::Done(p) => Ok(*p),
        Transition::Refused(status) => Err(PublicationError::Decided(status)),
        Transition::NotFound => Err(PublicationError::NotFound),
    }
}

/// `GET /api/publications/{id}`: its requester and everyone with the reviewer role.
pub async fn get(
    store: &PublicationStore,
    caller: &Caller,
    id: &str,
) -> Result<Publication, PublicationError> {
    let (p, requester_id) = store.get(id).await?.ok_or(PublicationError::NotFound)?;
    if caller.role.can_review() || requester_id == caller.id {
        Ok(p)
    } else {
        Err(PublicationError::NotVisible)
    }
}

/// `GET /api/publications`: reviewers see every pending request, editors their own.
pub async fn list(
    store: &PublicationStore,
    caller: &Caller,
) -> Result<Vec<PublicationSummary>, PublicationError> {
    store.visible_to(caller).await
}
