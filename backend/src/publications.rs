//! Four-eyes publishing. An editor requests publication of a draft: the server validates it,
//! diffs it against the latest published version and suggests the next semantic version; the
//! request (with a snapshot of the workflow) is stored durably. A different person with the
//! reviewer role approves (→ commit + tag) or rejects it.
//!
//! Every status change happens under one mutex, and the publish itself is conditional in git
//! (expected base version and expected `main`), so racing approvals end in exactly one
//! publish and 409 for the rest.

use std::path::{Path, PathBuf};

use fachwerk_shared::diff::{diff, Bump, WorkflowDiff};
use fachwerk_shared::{parse_workflow, Element, Finding, Workflow};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Caller;
use crate::config::AppState;
use crate::error::AppError;
use crate::fsutil;
use crate::fsutil::blocking;
use crate::repo::{self, Publish, Published, RepoError};
use crate::security::limits::cpu;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for a reviewer.
    Pending,
    Published,
    Rejected,
    /// Another version was published after this request was made; request again.
    Outdated,
}

impl Status {
    fn name_de(self) -> &'static str {
        match self {
            Status::Pending => "wartet auf Freigabe",
            Status::Published => "bereits veröffentlicht",
            Status::Rejected => "abgelehnt",
            Status::Outdated => "veraltet",
        }
    }
}

/// A publication request as stored and as returned by `GET /api/publications/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Publication {
    pub id: String,
    pub draft_id: String,
    /// Revision of the draft the request was made from.
    pub draft_revision: u64,
    pub key: String,
    pub name: String,
    pub requester: String,
    /// Who created the requester's account (filled when read, never stored), so reviewers
    /// see accounts made by the approver.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub requester_created_by: Option<String>,
    pub note: String,
    pub status: Status,
    pub created_at: String,
    /// Latest published version when the request was made (`null`: new workflow).
    pub base_version: Option<String>,
    /// The version approval will publish.
    pub suggested_version: String,
    /// Suggested semver step: none, patch, minor or major.
    #[schema(value_type = String)]
    pub bump: Bump,
    /// German change sentences (for CHANGELOG and commit).
    pub changes_de: Vec<String>,
    /// Semantic diff against the base version (`fachwerk_shared::diff::WorkflowDiff`).
    #[schema(value_type = Option<Object>)]
    pub diff: Option<WorkflowDiff>,
    /// Snapshot of the workflow to be published (canonical model).
    #[schema(value_type = Object)]
    pub workflow: Workflow,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    pub published: Option<Published>,
}

/// A request in lists (without workflow and diff).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicationSummary {
    pub id: String,
    pub draft_id: String,
    pub key: String,
    pub name: String,
    pub requester: String,
    pub note: String,
    pub status: Status,
    pub created_at: String,
    pub base_version: Option<String>,
    pub suggested_version: String,
    pub decided_by: Option<String>,
}

impl From<&Publication> for PublicationSummary {
    fn from(p: &Publication) -> Self {
        PublicationSummary {
            id: p.id.clone(),
            draft_id: p.draft_id.clone(),
            key: p.key.clone(),
            name: p.name.clone(),
            requester: p.requester.clone(),
            note: p.note.clone(),
            status: p.status,
            created_at: p.created_at.clone(),
            base_version: p.base_version.clone(),
            suggested_version: p.suggested_version.clone(),
            decided_by: p.decided_by.clone(),
        }
    }
}

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

    pub async fn get(&self, id: &str) -> Result<Option<Publication>, AppError> {
        let Some(path) = self.path(id) else {
            return Ok(None);
        };
        Ok(blocking(move || fsutil::read_json::<Publication>(&path)).await?)
    }

    async fn save(&self, p: &Publication) -> Result<(), AppError> {
        let path = self
            .path(&p.id)
            .ok_or_else(|| anyhow::anyhow!("bad publication id"))?;
        let p = p.clone();
        Ok(blocking(move || fsutil::write_json(&path, &p)).await?)
    }

    /// All requests (blocking), oldest first.
    pub fn all_blocking(&self) -> anyhow::Result<Vec<Publication>> {
        read_all(&self.dir)
    }

    pub async fn all(&self) -> Result<Vec<Publication>, AppError> {
        let dir = self.dir.clone();
        Ok(blocking(move || read_all(&dir)).await?)
    }

    /// After a crash between the git publish and saving the request: marks requests whose
    /// commit is on `main` as published.
    pub fn reconcile(&self, repo: &repo::Repo) -> anyhow::Result<()> {
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
    pub async fn draft_under_review(&self, draft_id: &str) -> Result<bool, AppError> {
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

/// The latest published version of `key`, parsed.
pub async fn latest_published(state: &AppState, key: &str) -> Result<Option<Workflow>, AppError> {
    let repo = state.repo.clone();
    let k = key.to_string();
    let text = blocking(move || repo.latest(&k).map_err(anyhow::Error::from)).await?;
    match text {
        None => Ok(None),
        Some(t) => parse_workflow(&t).map(Some).map_err(|e| {
            AppError::Internal(anyhow::anyhow!("published {key} does not parse: {e}"))
        }),
    }
}

/// `POST /api/publications`: validate, diff, suggest a version, store the request.
pub async fn request(
    state: &AppState,
    caller: &Caller,
    draft_id: &str,
    note: &str,
) -> Result<Publication, AppError> {
    caller.require_editor()?;
    let draft = state
        .drafts
        .get(draft_id)
        .await?
        .ok_or_else(|| AppError::NotFound("Diesen Entwurf gibt es nicht.".into()))?;
    if draft.owner != caller.name {
        return Err(AppError::Forbidden(
            "Nur die Eigentümerin oder der Eigentümer kann diesen Entwurf veröffentlichen lassen."
                .into(),
        ));
    }
    let mut w = draft.workflow.clone();
    let mut findings = cpu({
        let w = w.clone();
        move || fachwerk_shared::validate(&w)
    })
    .await?;
    if !repo::valid_key(&w.key) && !findings.iter().any(|f| f.code == "E_KEY_INVALID") {
        findings.push(Finding::new(
            "E_KEY_FORMAT",
            Element::field("key"),
            format!(
                "Der Schlüssel „{}“ ist ungültig: erlaubt sind Kleinbuchstaben, Ziffern und „-“.",
                w.key
            ),
            format!(
                "The key “{}” is invalid: use lowercase letters, digits and '-'.",
                w.key
            ),
        ));
    }
    if findings.iter().any(Finding::is_error) {
        return Err(AppError::Invalid { findings });
    }
    let latest = latest_published(state, &w.key).await?;
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
                return Err(AppError::Unprocessable(format!(
                    "Der Entwurf unterscheidet sich nicht von der veröffentlichten Version {}; es gibt nichts zu veröffentlichen.",
                    old.version
                )));
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
    state.publications.save(&p).await?;
    tracing::info!(id = %p.id, key = %p.key, version = %p.suggested_version, requester = %p.requester, "publication requested");
    Ok(p)
}

fn not_found() -> AppError {
    AppError::NotFound("Diesen Veröffentlichungsantrag gibt es nicht.".into())
}

fn not_pending(p: &Publication) -> AppError {
    AppError::Conflict(format!(
        "Der Antrag ist {}; er kann nicht mehr entschieden werden.",
        p.status.name_de()
    ))
}

/// `POST /api/publications/{id}/approve`: publish with the suggested version.
pub async fn approve(state: &AppState, caller: &Caller, id: &str) -> Result<Publication, AppError> {
    caller.require_reviewer()?;
    let store = &state.publications;
    let _one_at_a_time = store.transitions.lock().await;
    let mut p = store.get(id).await?.ok_or_else(not_found)?;
    crate::security::four_eyes::check(&state.users, &p.requester, &caller.name)?;
    if p.status != Status::Pending {
        return Err(not_pending(&p));
    }
    let repo = state.repo.clone();
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
        Ok(repo.publish(&publish))
    })
    .await?;
    match result {
        Ok(published) => {
            p.status = Status::Published;
            p.decided_by = Some(caller.name.clone());
            p.decided_at = Some(fsutil::now_rfc3339());
            p.published = Some(published);
            store.save(&p).await?;
            tracing::info!(id = %p.id, key = %p.key, version = %p.suggested_version, approver = %caller.name, "published");
            state.pusher.request();
            Ok(p)
        }
        Err(RepoError::Outdated(msg)) => {
            p.status = Status::Outdated;
            store.save(&p).await?;
            Err(AppError::Conflict(msg))
        }
        Err(RepoError::Conflict(msg)) => Err(AppError::Conflict(msg)),
        Err(e) => Err(AppError::Internal(e.into())),
    }
}

/// `POST /api/publications/{id}/reject`.
pub async fn reject(
    state: &AppState,
    caller: &Caller,
    id: &str,
    comment: &str,
) -> Result<Publication, AppError> {
    caller.require_reviewer()?;
    if comment.trim().is_empty() {
        return Err(AppError::BadRequest {
            detail: "Bitte eine Begründung für die Ablehnung angeben.".into(),
            path: Some("comment".into()),
        });
    }
    let store = &state.publications;
    let _one_at_a_time = store.transitions.lock().await;
    let mut p = store.get(id).await?.ok_or_else(not_found)?;
    if !matches!(p.status, Status::Pending | Status::Outdated) {
        return Err(not_pending(&p));
    }
    p.status = Status::Rejected;
    p.decided_by = Some(caller.name.clone());
    p.decided_at = Some(fsutil::now_rfc3339());
    p.comment = Some(comment.trim().to_string());
    store.save(&p).await?;
    Ok(p)
}

/// Who may see a request: its requester and everyone with the reviewer role.
pub fn may_read(caller: &Caller, p: &Publication) -> bool {
    caller.role.can_review() || p.requester == caller.name
}

/// `GET /api/publications`: reviewers see every pending request, editors their own.
pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<PublicationSummary>, AppError> {
    let all = state.publications.all().await?;
    Ok(all
        .iter()
        .filter(|p| {
            (caller.role.can_review() && p.status == Status::Pending) || p.requester == caller.name
        })
        .map(PublicationSummary::from)
        .collect())
}
