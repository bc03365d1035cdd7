//! One error type for every route, rendered as RFC 9457 problem+json with a German `detail`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use fachwerk_shared::Finding;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not valid JSON or not a workflow; `path` locates the problem.
    #[error("{detail}")]
    BadRequest { detail: String, path: Option<String> },
    /// The workflow parses but has validation errors.
    #[error("Der Ablauf enthält Fehler")]
    Invalid { findings: Vec<Finding> },
    #[error("nicht gefunden: {0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("Anmeldung erforderlich")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<&'a [Finding]>,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest { .. } => "Ungültige Anfrage",
            AppError::Invalid { .. } => "Ablauf ungültig",
            AppError::NotFound(_) => "Nicht gefunden",
            AppError::Conflict(_) => "Konflikt",
            AppError::Unauthorized => "Nicht angemeldet",
            AppError::Forbidden(_) => "Keine Berechtigung",
            AppError::PayloadTooLarge(_) => "Anfrage zu groß",
            AppError::Internal(_) => "Interner Fehler",
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            AppError::BadRequest { .. } => "bad-request",
            AppError::Invalid { .. } => "invalid-workflow",
            AppError::NotFound(_) => "not-found",
            AppError::Conflict(_) => "conflict",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::PayloadTooLarge(_) => "payload-too-large",
            AppError::Internal(_) => "internal",
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                "Ein interner Fehler ist aufgetreten; er wurde protokolliert.".to_string()
            }
            AppError::Invalid { findings } => {
                let errors = findings.iter().filter(|f| f.is_error()).count();
                format!("Der Ablauf enthält {errors} Fehler und kann so nicht übernommen werden.")
            }
            other => other.to_string(),
        };
        let kind = format!("https://fachwerk.opencode.de/probleme/{}", self.slug());
        let (path, findings) = match &self {
            AppError::BadRequest { path, .. } => (path.as_deref(), None),
            AppError::Invalid { findings } => (None, Some(findings.as_slice())),
            _ => (None, None),
        };
        let body = Problem { kind: &kind, title: self.title(), status: status.as_u16(), detail, path, findings };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/problem+json")], json).into_response()
    }
}
