//! The outputs of cases for clerks: the delivery outbox (failed rows, retry), a case's
//! outputs and documents.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use fachwerk_shared::api::{CaseOutputs, Delivery, DeliveryQuery, ProblemDetails};

use crate::auth::Caller;
use crate::cases::CaseError;
use crate::config::AppState;
use crate::error::AppError;

/// Longest list answered at once.
const LIST_LIMIT: i64 = 500;

/// The outbox: everything that leaves or left the server, newest first (`?status=failed`:
/// what a clerk must look at). Rows of cases the caller may not see are left out.
#[utoipa::path(
    get,
    path = "/deliveries",
    tag = "Ausgänge",
    security(("session" = []), ("bearer" = [])),
    params(DeliveryQuery),
    responses(
        (status = 200, body = Vec<Delivery>),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DeliveryQuery>,
) -> Result<Json<Vec<Delivery>>, AppError> {
    let rows = state
        .db
        .deliveries(q.status, None, LIST_LIMIT)
        .await
        .map_err(CaseError::from)?;
    let mut out = Vec::with_capacity(rows.len());
    let mut seen: Vec<(String, bool)> = Vec::new();
    for d in rows {
        let ok = match seen.iter().find(|(c, _)| *c == d.case_id) {
            Some((_, ok)) => *ok,
            None => {
                let ok = state.cases.visible_case(&caller, &d.case_id).await.is_ok();
                seen.push((d.case_id.clone(), ok));
                ok
            }
        };
        if ok {
            out.push(d);
        }
    }
    Ok(Json(out))
}

/// Tries a failed delivery again (due now). A row that is not failed stays as it is, so a
/// second click changes nothing.
#[utoipa::path(
    post,
    path = "/deliveries/{id}/retry",
    tag = "Ausgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Delivery),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn retry_delivery(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Delivery>, AppError> {
    let not_found = || AppError::NotFound("Diesen Ausgang gibt es nicht.".into());
    let row = state
        .db
        .delivery(&id)
        .await
        .map_err(CaseError::from)?
        .ok_or_else(not_found)?;
    state.cases.visible_case(&caller, &row.case_id).await?;
    let row = state
        .db
        .retry_delivery(&id)
        .await
        .map_err(CaseError::from)?
        .ok_or_else(not_found)?;
    Ok(Json(row))
}

/// What left or will leave a case: deliveries, documents, payment requests.
#[utoipa::path(
    get,
    path = "/cases/{id}/outputs",
    tag = "Ausgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = CaseOutputs),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn case_outputs(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CaseOutputs>, AppError> {
    state.cases.visible_case(&caller, &id).await?;
    let db = &state.db;
    Ok(Json(CaseOutputs {
        deliveries: db
            .deliveries(None, Some(&id), LIST_LIMIT)
            .await
            .map_err(CaseError::from)?,
        documents: db.documents(&id).await.map_err(CaseError::from)?,
        payments: db.payments(&id).await.map_err(CaseError::from)?,
    }))
}

/// A document of a case (its bytes, as a download).
#[utoipa::path(
    get,
    path = "/cases/{id}/documents/{doc}",
    tag = "Ausgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path), ("doc" = String, Path)),
    responses(
        (status = 200, description = "The document's bytes"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn case_document(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, AppError> {
    state.cases.visible_case(&caller, &id).await?;
    let (meta, bytes) = state
        .db
        .document(&id, &doc)
        .await
        .map_err(CaseError::from)?
        .ok_or_else(|| AppError::NotFound("Dieses Dokument gibt es nicht.".into()))?;
    // The stored name is a display name; only safe characters go into the header.
    let ascii: String = meta
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, meta.media_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
