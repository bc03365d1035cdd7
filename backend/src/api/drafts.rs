//! Drafts: private to their owner (reviewers may read drafts under review), saved with
//! optimistic concurrency (`If-Match: "<revision>"`).

use super::workflow_body::parse_off_thread;
use crate::auth::Caller;
use crate::config::AppState;
use crate::drafts::{Draft, DraftError};
use crate::error::AppError;
use crate::publications::{check_key_is_own, latest_published};
use crate::repo::valid_key;
use crate::security::limits::cpu;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use fachwerk_shared::api::{
    BasedOn, CreateDraftQuery, DraftSummary, DraftView, ProblemDetails, ValidationReport,
};

/// A draft as `/api/drafts/{id}` answers it: body, ETag, and `Location` when created.
pub(super) async fn draft_response(d: Draft, status: StatusCode) -> Result<Response, AppError> {
    let etag = HeaderValue::from_str(&format!("\"{}\"", d.revision)).ok();
    let location = HeaderValue::from_str(&format!("/api/drafts/{}", d.id)).ok();
    // Validation is CPU work: in the pool, not on the async workers.
    let (d, validation) = cpu(move || {
        let report = ValidationReport::validate(&d.workflow);
        (d, report)
    })
    .await?;
    let body = DraftView {
        id: d.id,
        owner: d.owner,
        revision: d.revision,
        created_at: d.created_at,
        updated_at: d.updated_at,
        based_on: d.based_on,
        workflow: d.workflow,
        validation,
    };
    let mut res = (status, Json(body)).into_response();
    if let Some(etag) = etag {
        res.headers_mut().insert(header::ETAG, etag);
    }
    if let Some(l) = location.filter(|_| status == StatusCode::CREATED) {
        res.headers_mut().insert(header::LOCATION, l);
    }
    Ok(res)
}

/// The caller's drafts, most recently changed first.
#[utoipa::path(
    get,
    path = "/drafts",
    tag = "Entwürfe",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, body = Vec<DraftSummary>), (status = 401, body = ProblemDetails, content_type = "application/problem+json"))
)]
pub async fn list_drafts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<DraftSummary>>, AppError> {
    let drafts = state.drafts.list(&caller).await?;
    Ok(Json(
        drafts
            .into_iter()
            .map(|d| DraftSummary {
                id: d.id,
                key: d.workflow.key,
                name: d.workflow.name,
                revision: d.revision,
                updated_at: d.updated_at,
                based_on: d.based_on,
            })
            .collect(),
    ))
}

/// Creates a draft from the body (a workflow) or from a published workflow (`?from=<key>`).
/// A key the catalogue has for another workflow is refused (422).
#[utoipa::path(
    post,
    path = "/drafts",
    tag = "Entwürfe",
    security(("session" = []), ("bearer" = [])),
    params(CreateDraftQuery),
    request_body(content = Object, description = "A workflow in canonical JSON (optional with ?from)"),
    responses(
        (status = 201, body = DraftView, headers(("etag" = String), ("location" = String))),
        (status = 400, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The catalogue has the key for another workflow", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn create_draft(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CreateDraftQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    caller.require_editor()?;
    let (workflow, based_on) = match q.from {
        Some(key) => {
            if !valid_key(&key) {
                return Err(AppError::NotFound(
                    "Einen veröffentlichten Ablauf mit diesem Schlüssel gibt es nicht.".into(),
                ));
            }
            let published = latest_published(&state.repo, &key).await?.ok_or_else(|| {
                AppError::NotFound(format!(
                    "Einen veröffentlichten Ablauf „{key}“ gibt es nicht."
                ))
            })?;
            let based_on = Some(BasedOn {
                key,
                version: published.version.clone(),
            });
            let workflow = if body.iter().all(u8::is_ascii_whitespace) {
                published
            } else {
                parse_off_thread(body).await?
            };
            (workflow, based_on)
        }
        None => (parse_off_thread(body).await?, None),
    };
    check_key_is_own(
        &state.repo,
        &state.publications,
        &workflow,
        None,
        based_on.as_ref(),
    )
    .await?;
    let draft = state.drafts.create(&caller, workflow, based_on).await?;
    draft_response(draft, StatusCode::CREATED).await
}

/// A draft (ETag = revision). Owners only; reviewers also while it is under review.
#[utoipa::path(
    get,
    path = "/drafts/{id}",
    tag = "Entwürfe",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Draft id")),
    responses(
        (status = 200, body = DraftView, headers(("etag" = String))),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn get_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let d = state.drafts.get(&id).await?.ok_or(DraftError::NotFound)?;
    if d.owner_id != caller.id
        && !(caller.role.can_review() && state.publications.draft_under_review(&d.id).await?)
    {
        return Err(DraftError::NotYours.into());
    }
    draft_response(d, StatusCode::OK).await
}

/// The draft revision in `If-Match` (`"3"`, `W/"3"` or `3`; `None` for `*`); `purpose` names the action in the
/// error ("Speichern", "Zusammenführen").
pub(super) fn if_match(headers: &HeaderMap, purpose: &str) -> Result<Option<u64>, AppError> {
    let raw = headers.get(header::IF_MATCH).ok_or_else(|| {
        AppError::PreconditionRequired(format!(
            "Zum {purpose} wird der Kopf „If-Match“ mit der Revision des Entwurfs benötigt."
        ))
    })?;
    let text = raw.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse().map(Some).map_err(|_| {
        AppError::PreconditionFailed(format!(
            "„If-Match: {text}“ ist keine Revision dieses Entwurfs."
        ))
    })
}

/// Saves a draft; requires `If-Match` with the current revision (412 if it moved on, 428 if
/// missing). A new key that the catalogue has for another workflow is refused (422).
#[utoipa::path(
    put,
    path = "/drafts/{id}",
    tag = "Entwürfe",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Draft id"), ("If-Match" = String, Header, description = "\"<revision>\"")),
    request_body(content = Object, description = "The workflow in canonical JSON"),
    responses(
        (status = 200, body = DraftView, headers(("etag" = String))),
        (status = 400, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The catalogue has the new key for another workflow", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn update_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let current = state.drafts.owned(&id, &caller).await?;
    let expected = if_match(&headers, "Speichern")?.unwrap_or(current.revision);
    let workflow = parse_off_thread(body).await?;
    if workflow.key != current.workflow.key {
        check_key_is_own(
            &state.repo,
            &state.publications,
            &workflow,
            Some(&current.id),
            current.based_on.as_ref(),
        )
        .await?;
    }
    let saved = state.drafts.update(&id, expected, workflow).await?;
    draft_response(saved, StatusCode::OK).await
}

/// Deletes a draft (owner only).
#[utoipa::path(
    delete,
    path = "/drafts/{id}",
    tag = "Entwürfe",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Draft id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn delete_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    state.drafts.owned(&id, &caller).await?;
    state.drafts.delete(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}
