//! One error type for every route, rendered as RFC 9457 problem+json with a German `detail`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use fachwerk_shared::api::{FindingCounts, ProblemDetails};
use fachwerk_shared::Finding;

use crate::auth::Denied;
use crate::drafts::DraftError;
use crate::publications::PublicationError;
use crate::sources::SourceError;

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
    /// A case-processing refusal: its own status, a stable code, German and English text.
    #[error("{detail}")]
    Rule {
        status: StatusCode,
        code: String,
        detail: String,
        detail_en: String,
        path: Option<String>,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<Denied> for AppError {
    fn from(e: Denied) -> Self {
        AppError::Forbidden(e.to_string())
    }
}

impl From<DraftError> for AppError {
    fn from(e: DraftError) -> Self {
        match e {
            DraftError::NotFound => AppError::NotFound(e.to_string()),
            DraftError::NotYours | DraftError::Denied(_) => AppError::Forbidden(e.to_string()),
            DraftError::Stale { .. } => AppError::PreconditionFailed(e.to_string()),
            DraftError::Storage(e) => AppError::Internal(e),
        }
    }
}

impl From<PublicationError> for AppError {
    fn from(e: PublicationError) -> Self {
        use PublicationError as P;
        match e {
            P::NotFound => AppError::NotFound(e.to_string()),
            P::OwnRequest => AppError::FourEyes(e.to_string()),
            P::NotYourDraft | P::NotVisible | P::Denied(_) => AppError::Forbidden(e.to_string()),
            P::Decided(_) | P::Outdated(_) | P::Conflict(_) => AppError::Conflict(e.to_string()),
            P::NoComment => AppError::BadRequest {
                detail: e.to_string(),
                path: Some("comment".into()),
            },
            P::Invalid(findings) => AppError::Invalid { findings },
            P::Unchanged(_) | P::KeyTaken(_) => AppError::Unprocessable(e.to_string()),
            P::Draft(e) => e.into(),
            P::Storage(e) => AppError::Internal(e),
        }
    }
}

impl From<SourceError> for AppError {
    fn from(e: SourceError) -> Self {
        use SourceError as S;
        match e {
            S::NotFound | S::Missing(_) => AppError::NotFound(e.to_string()),
            S::BadUrl(detail) => AppError::BadRequest {
                detail,
                path: Some("url".into()),
            },
            S::BadValue { detail, path } => AppError::BadRequest {
                detail,
                path: Some(path),
            },
            S::Conflict(_) => AppError::Conflict(e.to_string()),
            S::Unusable(_) => AppError::Unprocessable(e.to_string()),
            S::Invalid(findings) => AppError::Invalid { findings },
            S::Stale(_) => AppError::PreconditionFailed(e.to_string()),
            S::Denied(e) => e.into(),
            S::Draft(e) => e.into(),
            S::Storage(e) => AppError::Internal(e),
        }
    }
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

impl From<crate::cases::CaseError> for AppError {
    fn from(e: crate::cases::CaseError) -> Self {
        use crate::cases::{CaseError as C, RefusalKind};
        let rule = |status, code: &str, detail: String, detail_en: String, path| AppError::Rule {
            status,
            code: code.to_string(),
            detail,
            detail_en,
            path,
        };
        match e {
            C::NotFound(m) => AppError::NotFound(m),
            C::NoPerson => rule(
                StatusCode::FORBIDDEN,
                "NO_PERSON",
                e.to_string(),
                "Your account belongs to no person of the organisation.".into(),
                None,
            ),
            C::Denied(d) => d.into(),
            C::Forbidden(m) => AppError::Forbidden(m),
            C::BadValue { path, de, en } => rule(
                StatusCode::UNPROCESSABLE_ENTITY,
                "BAD_VALUE",
                de,
                en,
                Some(path),
            ),
            C::Refused { code, de, en, kind } => {
                let status = match kind {
                    RefusalKind::Person => StatusCode::FORBIDDEN,
                    RefusalKind::State => StatusCode::CONFLICT,
                    RefusalKind::Request => StatusCode::UNPROCESSABLE_ENTITY,
                };
                rule(status, &code, de, en, None)
            }
            C::Stale { current } => rule(
                StatusCode::CONFLICT,
                "STALE_REVISION",
                e.to_string(),
                format!("The case changed meanwhile (now revision {current}); please reload."),
                None,
            ),
            C::IfMatchMissing => AppError::PreconditionRequired(e.to_string()),
            C::Storage(e) => AppError::Internal(e),
        }
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::Rule { status, .. } => *status,
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
            AppError::Rule { .. } => "Nicht zulässig",
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
            AppError::Rule { .. } => "case-rule",
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
                let errors = FindingCounts::of(findings).errors;
                format!("Der Ablauf enthält {errors} Fehler und kann so nicht übernommen werden.")
            }
            other => other.to_string(),
        };
        let kind = format!("https://fachwerk.opencode.de/probleme/{}", self.slug());
        let title = self.title().to_string();
        let retry_after = match &self {
            AppError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let event = self.security_event();
        let (path, findings, detail_en, code) = match self {
            AppError::BadRequest { path, .. } => (path, None, None, None),
            AppError::Invalid { findings } => (None, Some(findings), None, None),
            AppError::Rule {
                path,
                detail_en,
                code,
                ..
            } => (path, None, Some(detail_en), Some(code)),
            _ => (None, None, None, None),
        };
        let body = ProblemDetails {
            kind,
            title,
            status: status.as_u16(),
            detail,
            path,
            findings,
            detail_en,
            code,
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
        if let Some(seconds) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(event) = event {
            res.extensions_mut()
                .insert(crate::security::events::Refusal { event, reason });
        }
        res
    }
}
