//! One error type for every route, rendered as RFC 9457 problem+json with a German `detail`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use fachwerk_shared::Finding;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not valid JSON or not a workflow; `path` locates the problem.
    #[error("{detail}")]
    BadRequest {
        detail: String,
        path: Option<String>,
    },
    /// The workflow parses but has validation errors.
    #[error("Der Ablauf enthält Fehler")]
    Invalid { findings: Vec<Finding> },
    #[error("nicht gefunden: {0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("Anmeldung erforderlich")]
    Unauthorized,
    #[error("Benutzername oder Passwort ist falsch.")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// A state-changing request failed the CSRF rules (token, Origin, content type).
    #[error("{0}")]
    Csrf(String),
    /// The four-eyes rule refused a decision.
    #[error("{0}")]
    FourEyes(String),
    /// Throttled (login back-off, rate limit); `retry_after` in seconds.
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Well-formed, but cannot be carried out (e.g. nothing to publish).
    #[error("{0}")]
    Unprocessable(String),
    /// `If-Match` does not match the current revision.
    #[error("{0}")]
    PreconditionFailed(String),
    /// `If-Match` is required but missing.
    #[error("{0}")]
    PreconditionRequired(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// RFC 9457 problem details, as documented in the OpenAPI description.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ProblemDetails {
    /// URI naming the kind of problem.
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    /// German explanation for people.
    detail: String,
    /// Location of the offending value in the request body, if any.
    path: Option<String>,
    /// Validation findings (422 for an invalid workflow).
    #[schema(value_type = Option<Vec<Object>>)]
    findings: Option<Vec<Finding>>,
}

impl From<crate::users::UserError> for AppError {
    fn from(e: crate::users::UserError) -> Self {
        use crate::users::UserError as U;
        match e {
            U::Exists(_) | U::LastAdmin(_) => AppError::Conflict(e.to_string()),
            U::NotFound(_) => AppError::NotFound(e.to_string()),
            U::InvalidName(_) | U::WeakPassword(_) => AppError::BadRequest {
                detail: e.to_string(),
                path: None,
            },
            U::Io(e) => AppError::Internal(e),
        }
    }
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
            AppError::Unauthorized | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf(_) | AppError::FourEyes(_) => {
                StatusCode::FORBIDDEN
            }
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
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
            AppError::BadCredentials => "Anmeldung fehlgeschlagen",
            AppError::Forbidden(_) | AppError::FourEyes(_) => "Keine Berechtigung",
            AppError::Csrf(_) => "Anfrage abgewiesen",
            AppError::TooManyRequests { .. } => "Zu viele Anfragen",
            AppError::UnsupportedMediaType(_) => "Falscher Inhaltstyp",
            AppError::PayloadTooLarge(_) => "Anfrage zu groß",
            AppError::Unprocessable(_) => "Nicht durchführbar",
            AppError::PreconditionFailed(_) => "Veralteter Stand",
            AppError::PreconditionRequired(_) => "Vorbedingung fehlt",
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
            AppError::BadCredentials => "bad-credentials",
            AppError::Forbidden(_) => "forbidden",
            AppError::Csrf(_) => "csrf",
            AppError::FourEyes(_) => "four-eyes",
            AppError::TooManyRequests { .. } => "too-many-requests",
            AppError::UnsupportedMediaType(_) => "unsupported-media-type",
            AppError::PayloadTooLarge(_) => "payload-too-large",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::PreconditionFailed(_) => "precondition-failed",
            AppError::PreconditionRequired(_) => "precondition-required",
            AppError::Internal(_) => "internal",
        }
    }
}

impl AppError {
    /// The security event a refusal stands for (logged by `security::guard`).
    fn security_event(&self) -> Option<&'static str> {
        Some(match self {
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "login_failed",
            AppError::Forbidden(_) => "forbidden",
            AppError::Csrf(_) | AppError::UnsupportedMediaType(_) => "csrf_rejected",
            AppError::FourEyes(_) => "four_eyes_refused",
            AppError::TooManyRequests { .. } => "throttled",
            _ => return None,
        })
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
        let body = Problem {
            kind: &kind,
            title: self.title(),
            status: status.as_u16(),
            detail,
            path,
            findings,
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let reason = body.detail;
        let mut res = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"fachwerk\""),
            );
        }
        if let AppError::TooManyRequests { retry_after, .. } = &self {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        if let Some(event) = self.security_event() {
            res.extensions_mut()
                .insert(crate::security::events::Refusal { event, reason });
        }
        res
    }
}
