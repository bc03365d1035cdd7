//! Publication requests and their four-eyes approval.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use fachwerk_shared::api::{
    CreatePublication, ProblemDetails, Publication, PublicationSummary, Rejection,
};

use super::JsonBody;
use crate::auth::Caller;
use crate::config::AppState;
use crate::error::AppError;
use crate::publications;

/// Requests publication of one of the caller's drafts. Validation errors → 422 with findings;
/// a key the catalogue has for another workflow → 422. An open request for the same draft
/// revision is answered (200) instead of filing a second one.
#[utoipa::path(
    post,
    path = "/publications",
    tag = "Veröffentlichung",
    security(("session" = []), ("bearer" = [])),
    request_body = CreatePublication,
    responses(
        (status = 201, body = Publication),
        (status = 200, description = "The open request for this draft revision (not filed twice)", body = Publication),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The workflow has errors (findings), nothing changed, or the key belongs to another workflow", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn create_publication(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(req): JsonBody<CreatePublication>,
) -> Result<(StatusCode, Json<Publication>), AppError> {
    let (p, new) = publications::request(
        &state.drafts,
        &state.publications,
        &state.repo,
        &caller,
        &req.draft_id,
        &req.note,
    )
    .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(p)))
}

/// Requests visible to the caller: reviewers see all pending ones, editors their own.
#[utoipa::path(
    get,
    path = "/publications",
    tag = "Veröffentlichung",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, body = Vec<PublicationSummary>), (status = 401, body = ProblemDetails, content_type = "application/problem+json"))
)]
pub async fn list_publications(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<PublicationSummary>>, AppError> {
    Ok(Json(
        publications::list(&state.publications, &caller).await?,
    ))
}

/// One request with its semantic diff and workflow snapshot.
#[utoipa::path(
    get,
    path = "/publications/{id}",
    tag = "Veröffentlichung",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = Publication),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn get_publication(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Publication>, AppError> {
    let mut p = publications::get(&state.publications, &caller, &id).await?;
    // The creator is stored by id; the approval view shows the name.
    let creator = state
        .users
        .get(&p.requester)
        .await?
        .and_then(|u| u.created_by);
    p.requester_created_by = match creator {
        Some(id) => state.users.name_of(&id).await?,
        None => None,
    };
    Ok(Json(p))
}

/// Approves and publishes (commit + tag `<key>/v<version>`). Not by the requester (403);
/// 409 if another version was published meanwhile or the request was already decided.
#[utoipa::path(
    post,
    path = "/publications/{id}/approve",
    tag = "Veröffentlichung",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = Publication),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn approve_publication(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Publication>, AppError> {
    // Four eyes beyond "not the requester": not an account the requester created.
    if caller.role.can_review() {
        if let Some((p, requester_id)) = state.publications.get(&id).await? {
            crate::security::four_eyes::check(&state.users, &p.requester, &requester_id, &caller)
                .await?;
        }
    }
    let p = publications::approve(
        &state.publications,
        &state.repo,
        &state.pusher,
        &caller,
        &id,
    )
    .await?;
    state.metrics.published();
    Ok(Json(p))
}

/// Rejects a request with a comment.
#[utoipa::path(
    post,
    path = "/publications/{id}/reject",
    tag = "Veröffentlichung",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    request_body = Rejection,
    responses(
        (status = 200, body = Publication),
        (status = 400, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn reject_publication(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<Rejection>,
) -> Result<Json<Publication>, AppError> {
    Ok(Json(
        publications::reject(&state.publications, &caller, &id, &req.comment).await?,
    ))
}
