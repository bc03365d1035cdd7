//! Publication requests and their four-eyes approval (`/api/publications`).

use fachwerk_shared::api::{
    CreatePublication, Publication, PublicationSummary, PublicationVersion, PushStatus, Rejection,
};

use super::client::{get, post, ApiError};

/// Requests the publication of a saved draft; reads only the version fields of the answer
/// (see [`PublicationVersion`]).
pub async fn request_publication(
    draft_id: &str,
    note: &str,
) -> Result<PublicationVersion, ApiError> {
    let request = CreatePublication {
        draft_id: draft_id.into(),
        note: note.into(),
    };
    post("/api/publications", &request).await
}

pub async fn list_publications() -> Result<Vec<PublicationSummary>, ApiError> {
    get("/api/publications").await
}

pub async fn get_publication(id: &str) -> Result<Publication, ApiError> {
    get(&format!("/api/publications/{id}")).await
}

pub async fn approve_publication(id: &str) -> Result<Publication, ApiError> {
    post(
        &format!("/api/publications/{id}/approve"),
        &serde_json::json!({}),
    )
    .await
}

pub async fn reject_publication(id: &str, comment: &str) -> Result<Publication, ApiError> {
    let rejection = Rejection {
        comment: comment.into(),
    };
    post(&format!("/api/publications/{id}/reject"), &rejection).await
}

/// The state of pushing the catalogue to its remote (administrators).
pub async fn push_status() -> Result<PushStatus, ApiError> {
    get("/api/remote").await
}

/// Push the catalogue now instead of waiting for the next retry (administrators).
pub async fn push_now() -> Result<PushStatus, ApiError> {
    post("/api/remote/push", &serde_json::json!({})).await
}
