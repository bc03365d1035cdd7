//! The HTTP contract: request and response bodies of the API under `/api`, written once and
//! used by the backend's handlers and OpenAPI document and by the frontend's client.
//!
//! Serde only (no IO, no axum). With the feature `openapi` every type also derives
//! `utoipa::ToSchema`, which the backend uses for its OpenAPI document.

use serde::{Deserialize, Serialize};

use crate::diff::{Bump, WorkflowDiff};
use crate::{Finding, Severity, Workflow};

mod accounts;
mod cases;
mod operations;
mod outputs;
mod sources;

/// The first path segment of the links an applicant gets by mail (`/{segment}/{token}`): the
/// server answers them with the applicant's app, which reads the page from the path.
pub mod applicant_links {
    /// Answering a Rückfrage once; the links in mails are made with this segment.
    pub const RUECKFRAGE: &str = "rueckfrage";
    /// The same page under its other name (the page's own links use it).
    pub const ANTWORT: &str = "antwort";
    /// The state of one's case.
    pub const STATUS: &str = "status";
    pub const ALL: [&str; 3] = [RUECKFRAGE, ANTWORT, STATUS];
}

/// The first path segment of the clerk's and the organisation's screens (`/arbeitskorb`,
/// `/vorgang/…`, `/organisation`): the server answers them with the case app (issue 22: the
/// designer's first load carries none of these screens, the clerk's none of the designer).
pub mod case_app_links {
    pub const ARBEITSKORB: &str = "arbeitskorb";
    pub const VORGANG: &str = "vorgang";
    pub const ORGANISATION: &str = "organisation";
    pub const ALL: [&str; 3] = [ARBEITSKORB, VORGANG, ORGANISATION];
}

/// The first path segment of the screens around publishing (`/entwuerfe`, `/freigaben/…`,
/// `/versionen/…`, `/vergleich/…`, `/vorlagen`): the server answers them with the publishing
/// app (issue 22: the designer's first load carries the editor, not these lists and the
/// comparison). The editor with a draft (`/entwurf/{id}`) stays the designer's.
pub mod publishing_app_links {
    pub const ENTWUERFE: &str = "entwuerfe";
    pub const FREIGABEN: &str = "freigaben";
    pub const VERSIONEN: &str = "versionen";
    pub const VERGLEICH: &str = "vergleich";
    pub const VORLAGEN: &str = "vorlagen";
    pub const ALL: [&str; 5] = [ENTWUERFE, FREIGABEN, VERSIONEN, VERGLEICH, VORLAGEN];
}

pub use accounts::*;
pub use cases::*;
pub use operations::*;
pub use outputs::*;
pub use sources::*;

// ---------------------------------------------------------------------------------------------
// Findings and problems

/// How many findings are errors and how many warnings: the one place that counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingCounts {
    pub errors: usize,
    pub warnings: usize,
}

impl FindingCounts {
    pub fn of(findings: &[Finding]) -> FindingCounts {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        FindingCounts {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        }
    }
}

/// Findings of a validation run, with counts for a quick summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationReport {
    /// `fachwerk_shared::Finding`s: code, severity, element, messageDe, messageEn, hints.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub findings: Vec<Finding>,
    pub errors: usize,
    pub warnings: usize,
}

impl ValidationReport {
    pub fn of(findings: Vec<Finding>) -> ValidationReport {
        let FindingCounts { errors, warnings } = FindingCounts::of(&findings);
        ValidationReport {
            findings,
            errors,
            warnings,
        }
    }

    /// Validates `workflow` with the rules the designer runs.
    pub fn validate(workflow: &Workflow) -> ValidationReport {
        ValidationReport::of(crate::validate(workflow))
    }

    pub fn counts(&self) -> FindingCounts {
        FindingCounts {
            errors: self.errors,
            warnings: self.warnings,
        }
    }
}

/// RFC 9457 problem details: the body of every error answer (`application/problem+json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemDetails {
    /// URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// German explanation for people.
    pub detail: String,
    /// Location of the offending value in the request body, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Validation findings (422 for an invalid workflow).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub findings: Option<Vec<Finding>>,
    /// English explanation, where the server words one (case processing refusals).
    #[serde(default, rename = "detailEn", skip_serializing_if = "Option::is_none")]
    pub detail_en: Option<String>,
    /// Stable code of the rule that refused the request (e.g. `VIER_AUGEN_SAME_PERSON`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

// ---------------------------------------------------------------------------------------------
// Sessions, tokens, users

/// What a user may do. `admin` implies everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Edits drafts and requests publication.
    Editor,
    /// Approves or rejects publication requests.
    Reviewer,
    /// Manages users and settings; may also edit and review.
    Admin,
}

impl Role {
    pub fn can_edit(self) -> bool {
        matches!(self, Role::Editor | Role::Admin)
    }
    pub fn can_review(self) -> bool {
        matches!(self, Role::Reviewer | Role::Admin)
    }
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
    pub fn name_de(self) -> &'static str {
        match self {
            Role::Editor => "Bearbeitung",
            Role::Reviewer => "Freigabe",
            Role::Admin => "Administration",
        }
    }
}

/// `POST /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The logged-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub username: String,
    pub role: Role,
    /// Send this as `X-CSRF-Token` with every state-changing request (cookie sessions only).
    pub csrf_token: Option<String>,
    /// An administrator reset the password: change it (`PUT /api/session/password`) first.
    #[serde(default)]
    pub must_change_password: bool,
}

/// `GET /api/session`: whether the request is logged in, and as whom (the fields of
/// [`SessionInfo`] beside `loggedIn`). Not being logged in is an answer, not an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionState {
    pub logged_in: bool,
    #[serde(flatten)]
    pub session: Option<SessionInfo>,
    /// Single sign-on is configured: `GET /api/oidc/login` starts it.
    #[serde(default)]
    pub sso: bool,
    /// Local accounts may log in with a password (`POST /api/session`).
    #[serde(default = "yes")]
    pub password_login: bool,
}

fn yes() -> bool {
    true
}

/// `DELETE /api/session` of a session opened by single sign-on: the provider's logout, where
/// the browser goes next to end the session there too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoggedOut {
    pub logout_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    /// Who created the account (`null`: the command line or the first start).
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub must_change_password: bool,
}

/// `POST /api/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    /// At least 12 characters and not easy to guess; omitted: a password is generated and
    /// returned once.
    pub password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserCreated {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    /// The generated password (only if none was given).
    pub password: Option<String>,
}

/// State of mirroring the catalogue to a remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PushState {
    /// No remote configured.
    Disabled,
    /// Waiting for the first push.
    Idle,
    /// A push is running or due.
    Pending,
    /// The last push succeeded.
    Ok,
    /// The last push failed; it will be retried.
    Failed,
}

/// `GET /api/remote`: what the server reports about mirroring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushStatus {
    /// The remote, with any credentials masked.
    pub remote: Option<String>,
    pub state: PushState,
    /// Attempts since the last success.
    pub attempts: u32,
    pub last_attempt: Option<String>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    pub next_retry: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The published catalogue

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum WorkflowStatus {
    /// Published, no request pending.
    Published,
    /// Published, and a new version waits for approval.
    InReview,
}

/// `GET /api/workflows`: a published workflow with its latest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSummary {
    pub key: String,
    pub name: String,
    pub description: String,
    pub latest_version: String,
    pub status: WorkflowStatus,
}

/// One published version as listed in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    pub version: String,
    /// Who requested the publication (commit author).
    pub author: String,
    /// Who approved it (committer and tagger).
    pub approver: String,
    /// RFC 3339.
    pub date: String,
    /// The change note given with the request.
    pub note: String,
    pub commit: String,
    pub tag: String,
}

// ---------------------------------------------------------------------------------------------
// Drafts

/// The published version a draft was started from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BasedOn {
    pub key: String,
    pub version: String,
}

/// `GET /api/drafts`: a draft in the owner's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DraftSummary {
    pub id: String,
    pub key: String,
    pub name: String,
    pub revision: u64,
    pub updated_at: String,
    pub based_on: Option<BasedOn>,
}

/// Query of `POST /api/drafts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CreateDraftQuery {
    /// Start from the latest published version of this workflow (the body may then be empty).
    pub from: Option<String>,
}

/// A draft as loaded, created or saved (also sent as `ETag: "<revision>"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    pub id: String,
    pub owner: String,
    /// Also sent as `ETag: "<revision>"`; send it back as `If-Match` when saving.
    pub revision: u64,
    pub created_at: String,
    pub updated_at: String,
    pub based_on: Option<BasedOn>,
    /// The workflow in canonical JSON.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub workflow: Workflow,
    /// Findings of the server-side validation (they never block saving a draft).
    pub validation: ValidationReport,
}

/// The id and revision of a [`DraftView`], for a client that has the workflow already (the
/// designer, after saving it): serde skips the rest of the answer, so a save of a large
/// workflow does not parse it, and its findings, once more.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DraftRevision {
    pub id: String,
    pub revision: u64,
}

// ---------------------------------------------------------------------------------------------
// Publications

/// Where a publication request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// German state as a predicate ("Der Antrag ist …").
    pub fn name_de(self) -> &'static str {
        match self {
            Status::Pending => "wartet auf Freigabe",
            Status::Published => "bereits veröffentlicht",
            Status::Rejected => "abgelehnt",
            Status::Outdated => "veraltet",
        }
    }
}

/// `POST /api/publications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatePublication {
    pub draft_id: String,
    /// Change note (Änderungsvermerk) for CHANGELOG, commit and tag.
    #[serde(default)]
    pub note: String,
}

/// `POST /api/publications/{id}/reject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// Why the request is rejected (required).
    pub comment: String,
}

/// Where an approved request was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Published {
    pub version: String,
    pub commit: String,
    pub tag: String,
}

/// A publication request as stored and as returned by `GET /api/publications/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Publication {
    pub id: String,
    pub draft_id: String,
    /// Revision of the draft the request was made from.
    pub draft_revision: u64,
    pub key: String,
    pub name: String,
    pub requester: String,
    /// Who created the requester's account (filled when a request is read, never stored), so
    /// reviewers see accounts made by the approver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_created_by: Option<String>,
    pub note: String,
    pub status: Status,
    pub created_at: String,
    /// Latest published version when the request was made (`null`: new workflow).
    pub base_version: Option<String>,
    /// The version approval will publish.
    pub suggested_version: String,
    /// Suggested semver step: none, patch, minor or major.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub bump: Bump,
    /// German change sentences (for CHANGELOG and commit).
    pub changes_de: Vec<String>,
    /// Semantic diff against the base version (`fachwerk_shared::diff::WorkflowDiff`).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub diff: Option<WorkflowDiff>,
    /// Snapshot of the workflow to be published (canonical model).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub workflow: Workflow,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    pub published: Option<Published>,
}

/// The version fields of a [`Publication`], for a client that shows only them (the designer,
/// after it made a request): serde skips the rest of the answer, so such a client links no
/// reader of a diff and does not parse the workflow it has just sent once more.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicationVersion {
    pub base_version: Option<String>,
    pub suggested_version: String,
    pub bump: Bump,
}

/// A request in lists (without workflow and diff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Element;

    #[test]
    fn counts_errors_and_warnings_apart() {
        let finding = |code| Finding::new(code, Element::field("key"), "de", "en");
        let findings = [
            finding("E_A"),
            finding("W_B"),
            finding("I_C"),
            finding("E_D"),
        ];
        let counts = FindingCounts::of(&findings);
        assert_eq!(
            counts,
            FindingCounts {
                errors: 2,
                warnings: 1
            }
        );
        assert_eq!(ValidationReport::of(findings.to_vec()).counts(), counts);
    }

    #[test]
    fn publication_status_is_an_enum_on_the_wire() {
        let json = serde_json::to_string(&Status::Outdated).unwrap();
        assert_eq!(json, "\"outdated\"");
        assert_eq!(
            serde_json::from_str::<Status>("\"pending\"").unwrap(),
            Status::Pending
        );
        assert!(serde_json::from_str::<Status>("\"unbekannt\"").is_err());
    }

    #[test]
    fn problems_without_optional_members_parse() {
        let p: ProblemDetails = serde_json::from_str(
            r#"{"type":"https://fachwerk.opencode.de/probleme/conflict","title":"Konflikt","status":409,"detail":"Schon entschieden."}"#,
        )
        .unwrap();
        assert_eq!(
            (p.status, p.path.clone(), p.findings.clone()),
            (409, None, None)
        );
        let text = serde_json::to_string(&p).unwrap();
        assert!(
            !text.contains("findings") && !text.contains("path"),
            "{text}"
        );
    }

    #[test]
    fn the_version_fields_of_a_publication_are_read_alone() {
        let publication = Publication {
            id: "p1".into(),
            draft_id: "d1".into(),
            draft_revision: 3,
            key: "beschaffung".into(),
            name: "Beschaffung".into(),
            requester: "ede".into(),
            requester_created_by: None,
            note: String::new(),
            status: Status::Pending,
            created_at: "2026-12-05T10:00:00Z".into(),
            base_version: Some("1.2.0".into()),
            suggested_version: "1.3.0".into(),
            bump: Bump::Minor,
            changes_de: vec!["Block „Prüfen“ hinzugefügt.".into()],
            diff: Some(crate::diff::diff(
                &Workflow::new("beschaffung", "Beschaffung"),
                &Workflow::new("beschaffung", "Beschaffung neu"),
            )),
            workflow: Workflow::new("beschaffung", "Beschaffung"),
            decided_by: None,
            decided_at: None,
            comment: None,
            published: None,
        };
        let read = |p: &Publication| {
            serde_json::from_str::<PublicationVersion>(&serde_json::to_string(p).unwrap()).unwrap()
        };
        assert_eq!(
            read(&publication),
            PublicationVersion {
                base_version: Some("1.2.0".into()),
                suggested_version: "1.3.0".into(),
                bump: Bump::Minor,
            }
        );
        let first = Publication {
            base_version: None,
            bump: Bump::Major,
            ..publication
        };
        assert_eq!(
            (read(&first).base_version, read(&first).bump),
            (None, Bump::Major)
        );
    }

    #[test]
    fn the_id_and_revision_of_a_draft_are_read_alone() {
        let view = DraftView {
            id: "d7".into(),
            owner: "ede".into(),
            revision: 12,
            created_at: "2026-12-05T10:00:00Z".into(),
            updated_at: "2026-12-05T11:00:00Z".into(),
            based_on: None,
            workflow: Workflow::new("beschaffung", "Beschaffung"),
            validation: ValidationReport::of(vec![Finding::new(
                "E_A",
                Element::field("key"),
                "de",
                "en",
            )]),
        };
        let read: DraftRevision =
            serde_json::from_str(&serde_json::to_string(&view).unwrap()).unwrap();
        assert_eq!(
            read,
            DraftRevision {
                id: "d7".into(),
                revision: 12
            }
        );
    }
}
