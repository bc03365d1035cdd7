//! The caller's drafts (`/api/drafts`) and upstream updates of imported templates.

use fachwerk_shared::api::{
    Choice, DraftRevision, DraftSummary, DraftView, MergeRequest, UpstreamView,
};
use fachwerk_shared::{to_canonical_json, Workflow};
use gloo_net::http::Method;

use super::client::{body, get, send, ApiError};

pub async fn list_drafts() -> Result<Vec<DraftSummary>, ApiError> {
    get("/api/drafts").await
}

pub async fn get_draft(id: &str) -> Result<DraftView, ApiError> {
    get(&format!("/api/drafts/{id}")).await
}

/// Saves `w` as a new draft; reads only the id and revision of the answer.
pub async fn create_draft(w: &Workflow) -> Result<DraftRevision, ApiError> {
    send(
        Method::POST,
        "/api/drafts",
        Some(to_canonical_json(w)),
        None,
    )
    .await?
    .json()
}

/// Saves over revision `revision`; 412/409 when someone saved in between. Reads only the id
/// and the new revision of the answer.
pub async fn update_draft(
    id: &str,
    revision: u64,
    w: &Workflow,
) -> Result<DraftRevision, ApiError> {
    let url = format!("/api/drafts/{id}");
    send(
        Method::PUT,
        &url,
        Some(to_canonical_json(w)),
        Some(revision),
    )
    .await?
    .json()
}

pub async fn delete_draft(id: &str) -> Result<(), ApiError> {
    send(Method::DELETE, &format!("/api/drafts/{id}"), None, None)
        .await
        .map(|_| ())
}

pub async fn draft_upstream(id: &str) -> Result<UpstreamView, ApiError> {
    get(&format!("/api/drafts/{id}/upstream")).await
}

/// Takes in the new template version with one choice per conflict of the preview.
pub async fn merge_upstream(
    id: &str,
    revision: u64,
    version: Option<&str>,
    choices: Vec<Choice>,
) -> Result<DraftView, ApiError> {
    let request = MergeRequest {
        choices,
        version: version.map(str::to_string),
    };
    let url = format!("/api/drafts/{id}/merge-upstream");
    send(Method::POST, &url, body(&request), Some(revision))
        .await?
        .json()
}
