//! What clerks do with a case's outputs besides completing tasks: write and send a Rückfrage,
//! preview the Bescheid as PDF before it goes out, upload documents.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use fachwerk_shared::api::{CaseDocument, ComposeQuery, ProblemDetails, QueryDraft};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::public::read_form;
use super::JsonBody;
use crate::auth::Caller;
use crate::config::AppState;
use crate::delivery::public::BODY_LIMIT;
use crate::error::AppError;

/// The clerk's output routes (the upload with the applicant's body limit).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_query, send_query))
        .routes(routes!(bescheid_preview))
        .routes(routes!(add_documents))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// The Rückfrage of a task before it goes out (prefilled from the block: its text with the
/// case fields, the documents, the end of the reply period) or as it was sent.
#[utoipa::path(
    get,
    path = "/cases/{id}/queries/{task}",
    tag = "Ausgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path), ("task" = String, Path, description = "The engine's task id of the Rückfrage")),
    responses(
        (status = 200, body = QueryDraft),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn get_query(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, task)): Path<(String, String)>,
) -> Result<Json<QueryDraft>, AppError> {
    Ok(Json(
        state.deliveries.query_draft(&caller, &id, &task).await?,
    ))
}

/// Sends the Rückfrage as the clerk wrote it (holder of the task's role): the mail with the
/// one-time link leaves with the next round of the delivery worker. Once only (409 after).
#[utoipa::path(
    post,
    path = "/cases/{id}/queries/{task}",
    tag = "Ausgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path), ("task" = String, Path, description = "The engine's task id of the Rückfrage")),
    request_body = ComposeQuery,
    responses(
        (status = 200, body = QueryDraft),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn send_query(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, task)): Path<(String, String)>,
    JsonBody(body): JsonBody<ComposeQuery>,
) -> Result<Json<QueryDraft>, AppError> {
    Ok(Json(
        state
            .deliveries
            .send_query(&caller, &id, &task, &body)
            .await?,
    ))
}

/// The PDF the case's next Bescheid would be if it went out now (nothing is stored or sent).
#[utoipa::path(
    get,
    path = "/cases/{id}/bescheid/preview",
    tag = "Ausgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The Bescheid as PDF", content_type = "application/pdf"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn bescheid_preview(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let pdf = state.deliveries.bescheid_preview(&caller, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"Bescheid-Vorschau.pdf\"".to_string(),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        pdf.bytes,
    )
        .into_response())
}

/// Documents a clerk adds to an open case (multipart, fields `file`, one to five): checked
/// like the applicant's (10 MB each; PDF, PNG, JPEG, ODT, DOCX, text by content), listed with
/// the case's documents, each recorded in the history.
#[utoipa::path(
    post,
    path = "/cases/{id}/documents",
    tag = "Ausgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "file: 1–5 files"),
    responses(
        (status = 201, body = Vec<CaseDocument>),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn add_documents(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Vec<CaseDocument>>), AppError> {
    let mut form = form.map_err(|e| AppError::BadRequest {
        detail: format!("Erwartet wird ein Formular (multipart/form-data): {e}"),
        path: None,
    })?;
    let (_, files) = read_form(&mut form).await?;
    let docs = state.deliveries.add_documents(&caller, &id, &files).await?;
    Ok((StatusCode::CREATED, Json(docs)))
}
