//! The applicant's routes: no account, the link's token is the only key. Rate-limited per
//! address like the login; the answer route has its own body limit (the files).

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use fachwerk_shared::api::{ProblemDetails, PublicQuery, PublicStatus, QueryReceipt};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::AppState;
use crate::delivery::public::{self, PublicError, Upload, BODY_LIMIT, MAX_FILE_BYTES};
use crate::error::AppError;
use crate::security::events::ClientIp;

/// The public routes with their body limit.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_query, answer_query))
        .routes(routes!(get_status))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

impl From<PublicError> for AppError {
    fn from(e: PublicError) -> Self {
        let e = match e {
            PublicError::Case(c) => return c.into(),
            other => other,
        };
        let status = match &e {
            PublicError::Unknown => StatusCode::NOT_FOUND,
            PublicError::Used | PublicError::Expired | PublicError::Closed => StatusCode::GONE,
            PublicError::Answer | PublicError::TooManyFiles => StatusCode::UNPROCESSABLE_ENTITY,
            PublicError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            PublicError::Type { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PublicError::Case(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        AppError::Rule {
            status,
            code: e.code().to_string(),
            detail: e.to_string(),
            detail_en: e.english(),
            path: e.path(),
        }
    }
}

/// Reads a multipart form: the text field `answer` and the `file` fields (each at most
/// [`MAX_FILE_BYTES`]; the empty part of an unused file input is left out).
pub(super) async fn read_form(form: &mut Multipart) -> Result<(String, Vec<Upload>), AppError> {
    let mut answer = String::new();
    let mut files: Vec<Upload> = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("answer") => answer = field.text().await.map_err(multipart_error)?,
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let index = files.len();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    bytes.extend_from_slice(&chunk);
                    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_FILE_BYTES {
                        return Err(PublicError::TooLarge {
                            index,
                            name: public::clean_name(&name, index),
                        }
                        .into());
                    }
                }
                // An empty file input of a browser form sends a nameless empty part.
                if !(bytes.is_empty() && name.is_empty()) {
                    files.push(Upload { name, bytes });
                }
            }
            _ => {}
        }
    }
    Ok((answer, files))
}

/// A broken or oversized multipart body.
fn multipart_error(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::Rule {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "UPLOAD_TOO_LARGE".into(),
            detail:
                "Die Dateien sind zusammen zu groß (je Datei höchstens 10 MB, höchstens 5 Dateien)."
                    .into(),
            detail_en:
                "The files are too large together (at most 10 MB per file, at most 5 files).".into(),
            path: Some("file".into()),
        }
    } else {
        AppError::BadRequest {
            detail: format!("Das Formular ist nicht lesbar: {e}"),
            path: None,
        }
    }
}

/// A Rückfrage as the applicant sees it (question, documents asked for, deadline,
/// Aktenzeichen; never the names of clerks).
#[utoipa::path(
    get,
    path = "/public/queries/{token}",
    tag = "Antragstellende",
    params(("token" = String, Path, description = "The token of the mail's answer link")),
    responses(
        (status = 200, body = PublicQuery),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 410, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn get_query(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    Path(token): Path<String>,
) -> Result<Json<PublicQuery>, AppError> {
    state.security.public_links.hit(client.0).await?;
    Ok(Json(public::query(&state.db, &state.cases, &token).await?))
}

/// Answers a Rückfrage once: multipart with the field `answer` (text) and up to five fields
/// `file`. Types are checked by content (PDF, PNG, JPEG, ODT, DOCX, text); a second use →
/// 410 and nothing stored.
#[utoipa::path(
    post,
    path = "/public/queries/{token}",
    tag = "Antragstellende",
    params(("token" = String, Path, description = "The token of the mail's answer link")),
    request_body(content_type = "multipart/form-data", description = "answer: text; file: 0–5 files"),
    responses(
        (status = 201, body = QueryReceipt),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 410, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn answer_query(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    Path(token): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<QueryReceipt>), AppError> {
    state.security.public_links.hit(client.0).await?;
    let mut form = form.map_err(|e| AppError::BadRequest {
        detail: format!("Erwartet wird ein Formular (multipart/form-data): {e}"),
        path: None,
    })?;
    let (answer, files) = read_form(&mut form).await?;
    let receipt = public::answer(&state.db, &state.cases, &token, &answer, &files).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// The status of a case for the applicant: the steps done, the current step in plain German,
/// no persons. Any link of the case that has not expired opens it.
#[utoipa::path(
    get,
    path = "/public/status/{token}",
    tag = "Antragstellende",
    params(("token" = String, Path, description = "The token of a link of the case")),
    responses(
        (status = 200, body = PublicStatus),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 410, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn get_status(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    Path(token): Path<String>,
) -> Result<Json<PublicStatus>, AppError> {
    state.security.public_links.hit(client.0).await?;
    Ok(Json(public::status(&state.db, &state.cases, &token).await?))
}
