//! Calls to the Fachwerk backend.

use fachwerk_shared::{to_canonical_json, Finding, Severity, Workflow};
use gloo_net::http::Request;
use serde::Deserialize;

use crate::i18n::Lang;

pub const VALIDATE_URL: &str = "/api/workflows/validate";

/// State of the last server-side check.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ServerState {
    #[default]
    NotRun,
    Running,
    Done {
        findings: Vec<Finding>,
        errors: usize,
        warnings: usize,
    },
    Failed(ServerError),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ServerError {
    /// No answer at all (server down, offline).
    Network(String),
    /// 4xx/5xx, with the RFC 9457 problem details if the body had them.
    Http {
        status: u16,
        title: String,
        detail: String,
    },
    /// 2xx but not the expected JSON.
    BadResponse(String),
}

impl ServerError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ServerError::Network(e), Lang::De) => format!("Server nicht erreichbar: {e}"),
            (ServerError::Network(e), Lang::En) => format!("Server not reachable: {e}"),
            (
                ServerError::Http {
                    status,
                    title,
                    detail,
                },
                lang,
            ) => {
                let head = match lang {
                    Lang::De => format!("Der Server hat die Prüfung abgelehnt (HTTP {status})"),
                    Lang::En => format!("The server rejected the check (HTTP {status})"),
                };
                [head, title.clone(), detail.clone()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(": ")
            }
            (ServerError::BadResponse(e), Lang::De) => {
                format!("Unerwartete Antwort des Servers: {e}")
            }
            (ServerError::BadResponse(e), Lang::En) => format!("Unexpected server response: {e}"),
        }
    }
}

#[derive(Deserialize)]
struct ValidateResponse {
    findings: Vec<Finding>,
    #[serde(default)]
    errors: Option<usize>,
    #[serde(default)]
    warnings: Option<usize>,
}

#[derive(Deserialize, Default)]
struct Problem {
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
}

/// POSTs the canonical JSON of `w` and returns (findings, errors, warnings).
pub async fn validate_on_server(w: &Workflow) -> Result<(Vec<Finding>, usize, usize), ServerError> {
    let body = to_canonical_json(w);
    let request = Request::post(VALIDATE_URL)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, application/problem+json")
        .body(body)
        .map_err(|e| ServerError::Network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ServerError::Network(e.to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ServerError::Network(e.to_string()))?;
    if !(200..300).contains(&status) {
        let problem: Problem = serde_json::from_str(&text).unwrap_or_default();
        let detail = if !problem.title.is_empty() || !problem.detail.is_empty() {
            problem.detail
        } else if text.trim_start().starts_with('<') {
            String::new() // an HTML error page says nothing useful here
        } else {
            text.chars().take(200).collect()
        };
        return Err(ServerError::Http {
            status,
            title: problem.title,
            detail,
        });
    }
    let parsed: ValidateResponse =
        serde_json::from_str(&text).map_err(|e| ServerError::BadResponse(e.to_string()))?;
    let errors = parsed.errors.unwrap_or_else(|| {
        parsed
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    });
    let warnings = parsed.warnings.unwrap_or_else(|| {
        parsed
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    });
    Ok((parsed.findings, errors, warnings))
}

// ---------------------------------------------------------------------------------------------
// Accounts, drafts, publications and the published catalogue (issues #6 and #7).

use std::cell::RefCell;

use fachwerk_shared::diff::{Bump, WorkflowDiff};
use fachwerk_shared::parse_workflow;

thread_local! {
    /// CSRF token of the cookie session; sent as `X-CSRF-Token` with every change.
    static CSRF: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A failed call to the server, with what the problem+json said.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApiError {
    /// 0 = no answer at all.
    pub status: u16,
    pub title: String,
    pub detail: String,
    pub findings: Vec<Finding>,
}

#[derive(Deserialize, Default)]
struct ProblemBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    findings: Vec<Finding>,
}

impl ApiError {
    fn network(e: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            detail: e.to_string(),
            ..Default::default()
        }
    }
}

/// The logged-in account.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub username: String,
    /// editor, reviewer or admin.
    pub role: String,
    #[serde(default)]
    pub csrf_token: Option<String>,
    /// An administrator reset the password: it must be changed before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

impl SessionInfo {
    pub fn can_edit(&self) -> bool {
        matches!(self.role.as_str(), "editor" | "admin")
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BasedOn {
    pub key: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftSummary {
    pub id: String,
    pub key: String,
    pub name: String,
    pub revision: u64,
    pub updated_at: String,
    #[serde(default)]
    pub based_on: Option<BasedOn>,
}

/// A draft as loaded or saved: id, revision (for `If-Match`) and the workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftData {
    pub id: String,
    pub revision: u64,
    pub workflow: Workflow,
}

#[derive(Deserialize)]
struct DraftBody {
    id: String,
    revision: u64,
    workflow: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicationSummary {
    pub id: String,
    pub draft_id: String,
    pub key: String,
    pub name: String,
    pub requester: String,
    #[serde(default)]
    pub note: String,
    pub status: String,
    pub created_at: String,
    #[serde(default)]
    pub base_version: Option<String>,
    pub suggested_version: String,
    #[serde(default)]
    pub decided_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub summary: PublicationSummary,
    pub bump: Bump,
    pub changes_de: Vec<String>,
    pub diff: Option<WorkflowDiff>,
    pub workflow: Option<Workflow>,
    pub comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublicationBody {
    #[serde(flatten)]
    summary: PublicationSummary,
    bump: Bump,
    #[serde(default)]
    changes_de: Vec<String>,
    #[serde(default)]
    diff: Option<WorkflowDiff>,
    workflow: serde_json::Value,
    #[serde(default)]
    comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSummary {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub latest_version: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VersionInfo {
    pub version: String,
    pub author: String,
    pub approver: String,
    pub date: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub tag: String,
}

struct Answer {
    status: u16,
    etag: Option<String>,
    text: String,
}

async fn call(
    method: &str,
    url: &str,
    body: Option<String>,
    if_match: Option<u64>,
) -> Result<Answer, ApiError> {
    use gloo_net::http::RequestBuilder;
    let mut b = RequestBuilder::new(url)
        .method(match method {
            "POST" => gloo_net::http::Method::POST,
            "PUT" => gloo_net::http::Method::PUT,
            "DELETE" => gloo_net::http::Method::DELETE,
            _ => gloo_net::http::Method::GET,
        })
        .header("Accept", "application/json, application/problem+json");
    if method != "GET" {
        if let Some(t) = CSRF.with(|c| c.borrow().clone()) {
            b = b.header("X-CSRF-Token", &t);
        }
    }
    if let Some(r) = if_match {
        b = b.header("If-Match", &format!("\"{r}\""));
    }
    let request = match body {
        Some(text) => b
            .header("Content-Type", "application/json")
            .body(text)
            .map_err(ApiError::network)?,
        None => b.build().map_err(ApiError::network)?,
    };
    let response = request.send().await.map_err(ApiError::network)?;
    let status = response.status();
    let etag = response.headers().get("etag");
    let text = response.text().await.map_err(ApiError::network)?;
    if !(200..300).contains(&status) {
        let p: ProblemBody = serde_json::from_str(&text).unwrap_or_default();
        return Err(ApiError {
            status,
            title: p.title,
            detail: p.detail,
            findings: p.findings,
        });
    }
    Ok(Answer { status, etag, text })
}

fn json<T: serde::de::DeserializeOwned>(a: &Answer) -> Result<T, ApiError> {
    serde_json::from_str(&a.text).map_err(|e| ApiError {
        status: a.status,
        title: String::new(),
        detail: format!("Unerwartete Antwort des Servers: {e}"),
        findings: Vec::new(),
    })
}

fn workflow_of(v: &serde_json::Value) -> Result<Workflow, ApiError> {
    parse_workflow(&v.to_string()).map_err(|e| ApiError {
        status: 200,
        detail: format!("Der Ablauf vom Server ist nicht lesbar: {}", e.message),
        ..Default::default()
    })
}

fn remember(s: &SessionInfo) {
    CSRF.with(|c| *c.borrow_mut() = s.csrf_token.clone());
}

pub async fn login(username: &str, password: &str) -> Result<SessionInfo, ApiError> {
    let body = serde_json::json!({ "username": username, "password": password }).to_string();
    let s: SessionInfo = json(&call("POST", "/api/session", Some(body), None).await?)?;
    remember(&s);
    Ok(s)
}

/// Replaces the caller's password; the answer carries the new session.
pub async fn change_password(current: &str, new: &str) -> Result<SessionInfo, ApiError> {
    let body = serde_json::json!({ "currentPassword": current, "newPassword": new }).to_string();
    let s: SessionInfo = json(&call("PUT", "/api/session/password", Some(body), None).await?)?;
    remember(&s);
    Ok(s)
}

pub async fn whoami() -> Result<SessionInfo, ApiError> {
    let s: SessionInfo = json(&call("GET", "/api/session", None, None).await?)?;
    remember(&s);
    Ok(s)
}

pub async fn logout() -> Result<(), ApiError> {
    let r = call("DELETE", "/api/session", None, None).await.map(|_| ());
    CSRF.with(|c| *c.borrow_mut() = None);
    r
}

pub async fn list_drafts() -> Result<Vec<DraftSummary>, ApiError> {
    json(&call("GET", "/api/drafts", None, None).await?)
}

fn draft_of(a: &Answer) -> Result<DraftData, ApiError> {
    let d: DraftBody = json(a)?;
    let _ = &a.etag;
    Ok(DraftData {
        id: d.id,
        revision: d.revision,
        workflow: workflow_of(&d.workflow)?,
    })
}

pub async fn get_draft(id: &str) -> Result<DraftData, ApiError> {
    draft_of(&call("GET", &format!("/api/drafts/{id}"), None, None).await?)
}

pub async fn create_draft(w: &Workflow) -> Result<DraftData, ApiError> {
    draft_of(&call("POST", "/api/drafts", Some(to_canonical_json(w)), None).await?)
}

/// Saves over revision `revision`; 412/409 when someone saved in between.
pub async fn update_draft(id: &str, revision: u64, w: &Workflow) -> Result<DraftData, ApiError> {
    draft_of(
        &call(
            "PUT",
            &format!("/api/drafts/{id}"),
            Some(to_canonical_json(w)),
            Some(revision),
        )
        .await?,
    )
}

pub async fn delete_draft(id: &str) -> Result<(), ApiError> {
    call("DELETE", &format!("/api/drafts/{id}"), None, None)
        .await
        .map(|_| ())
}

fn publication_of(a: &Answer) -> Result<Publication, ApiError> {
    let p: PublicationBody = json(a)?;
    Ok(Publication {
        summary: p.summary,
        bump: p.bump,
        changes_de: p.changes_de,
        diff: p.diff,
        workflow: workflow_of(&p.workflow).ok(),
        comment: p.comment,
    })
}

pub async fn request_publication(draft_id: &str, note: &str) -> Result<Publication, ApiError> {
    let body = serde_json::json!({ "draftId": draft_id, "note": note }).to_string();
    publication_of(&call("POST", "/api/publications", Some(body), None).await?)
}

pub async fn list_publications() -> Result<Vec<PublicationSummary>, ApiError> {
    json(&call("GET", "/api/publications", None, None).await?)
}

pub async fn get_publication(id: &str) -> Result<Publication, ApiError> {
    publication_of(&call("GET", &format!("/api/publications/{id}"), None, None).await?)
}

pub async fn approve_publication(id: &str) -> Result<Publication, ApiError> {
    publication_of(
        &call(
            "POST",
            &format!("/api/publications/{id}/approve"),
            Some("{}".into()),
            None,
        )
        .await?,
    )
}

pub async fn reject_publication(id: &str, comment: &str) -> Result<Publication, ApiError> {
    let body = serde_json::json!({ "comment": comment }).to_string();
    publication_of(
        &call(
            "POST",
            &format!("/api/publications/{id}/reject"),
            Some(body),
            None,
        )
        .await?,
    )
}

pub async fn list_workflows() -> Result<Vec<WorkflowSummary>, ApiError> {
    json(&call("GET", "/api/workflows", None, None).await?)
}

pub async fn list_versions(key: &str) -> Result<Vec<VersionInfo>, ApiError> {
    json(&call("GET", &format!("/api/workflows/{key}/versions"), None, None).await?)
}

pub async fn get_version(key: &str, version: &str) -> Result<Workflow, ApiError> {
    let a = call(
        "GET",
        &format!("/api/workflows/{key}/versions/{version}"),
        None,
        None,
    )
    .await?;
    parse_workflow(&a.text).map_err(|e| ApiError {
        status: a.status,
        detail: format!("Der Ablauf vom Server ist nicht lesbar: {}", e.message),
        ..Default::default()
    })
}

// ---------------------------------------------------------------------------------------------
// Template exchange: sources, templates, "Übernehmen" and upstream updates (issue #8).

/// Objects received while a source is fetched.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FetchProgress {
    #[serde(default)]
    pub received_objects: u64,
    #[serde(default)]
    pub total_objects: u64,
    #[serde(default)]
    pub percent: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct ErrorSummary {
    #[serde(default)]
    pub count: usize,
    #[serde(default)]
    pub messages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct SourceCatalogue {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub licence: String,
}

/// A template source with the state of its last fetch.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceRecord {
    pub id: String,
    pub url: String,
    #[serde(default)]
    pub added_by: String,
    /// fetching, ready or error.
    pub state: String,
    #[serde(default)]
    pub progress: Option<FetchProgress>,
    #[serde(default)]
    pub message_de: String,
    #[serde(default)]
    pub catalogue: Option<SourceCatalogue>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TemplateSource {
    pub id: String,
    pub url: String,
    pub name: String,
    pub own: bool,
}

/// A template parameter as the import form asks for it (`default` is an amount, "25000.00").
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TemplateParamInfo {
    pub id: String,
    pub label: String,
    pub default: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    pub source: TemplateSource,
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub version: String,
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub licence: String,
    pub valid: bool,
    #[serde(default)]
    pub errors: ErrorSummary,
    #[serde(default)]
    pub template_params: Vec<TemplateParamInfo>,
}

/// A merge conflict of the upstream preview.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeConflict {
    pub index: usize,
    pub location: String,
    #[serde(default)]
    pub base: Option<serde_json::Value>,
    #[serde(default)]
    pub ours: Option<serde_json::Value>,
    #[serde(default)]
    pub theirs: Option<serde_json::Value>,
    #[serde(default)]
    pub message_de: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MergePreview {
    #[serde(default)]
    pub conflicts: Vec<MergeConflict>,
}

/// Whether a draft's template has a newer version, with both diffs and a merge preview.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamView {
    pub available: bool,
    #[serde(default)]
    pub message_de: String,
    #[serde(default)]
    pub warning_de: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub base_version: Option<String>,
    #[serde(default)]
    pub new_version: Option<String>,
    #[serde(default)]
    pub upstream_diff: Option<WorkflowDiff>,
    #[serde(default)]
    pub local_diff: Option<WorkflowDiff>,
    #[serde(default)]
    pub merged: Option<MergePreview>,
}

pub async fn list_sources() -> Result<Vec<SourceRecord>, ApiError> {
    json(&call("GET", "/api/sources", None, None).await?)
}

/// Registers a source (the server starts fetching it); an existing address answers its record.
pub async fn add_source(url: &str) -> Result<SourceRecord, ApiError> {
    let body = serde_json::json!({ "url": url }).to_string();
    json(&call("POST", "/api/sources", Some(body), None).await?)
}

pub async fn get_source(id: &str) -> Result<SourceRecord, ApiError> {
    json(&call("GET", &format!("/api/sources/{id}"), None, None).await?)
}

pub async fn refetch_source(id: &str) -> Result<SourceRecord, ApiError> {
    json(
        &call(
            "POST",
            &format!("/api/sources/{id}/fetch"),
            Some("{}".into()),
            None,
        )
        .await?,
    )
}

pub async fn list_templates() -> Result<Vec<TemplateView>, ApiError> {
    json(&call("GET", "/api/templates", None, None).await?)
}

/// "Übernehmen": a new draft of the template's latest version with the parameter values.
pub async fn import_template(
    source_id: &str,
    key: &str,
    version: &str,
    params: &std::collections::BTreeMap<String, String>,
) -> Result<DraftData, ApiError> {
    let body = serde_json::json!({
        "sourceId": source_id,
        "key": key,
        "version": version,
        "params": params,
    })
    .to_string();
    draft_of(&call("POST", "/api/templates/import", Some(body), None).await?)
}

pub async fn draft_upstream(id: &str) -> Result<UpstreamView, ApiError> {
    json(&call("GET", &format!("/api/drafts/{id}/upstream"), None, None).await?)
}

/// Takes in the new template version; `choices` are (conflict index, "ours" | "theirs").
pub async fn merge_upstream(
    id: &str,
    revision: u64,
    version: Option<&str>,
    choices: &[(usize, &'static str)],
) -> Result<DraftData, ApiError> {
    let choices: Vec<serde_json::Value> = choices
        .iter()
        .map(|(c, s)| serde_json::json!({ "conflict": c, "side": s }))
        .collect();
    let body = serde_json::json!({ "choices": choices, "version": version }).to_string();
    draft_of(
        &call(
            "POST",
            &format!("/api/drafts/{id}/merge-upstream"),
            Some(body),
            Some(revision),
        )
        .await?,
    )
}
