//! Extractor for a workflow in a request body: parsed by `shared`'s canonical parser so that
//! errors name the exact path (`blocks[3].params.bands[1].upper`).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use fachwerk_shared::{parse_workflow, Workflow};

use crate::error::AppError;
use crate::security::limits::cpu;

pub struct WorkflowBody(pub Workflow);

impl<S: Send + Sync> FromRequest<S> for WorkflowBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(bytes_rejection)?;
        parse_off_thread(bytes).await.map(WorkflowBody)
    }
}

/// [`parse_workflow_bytes`] in the CPU pool (a 2 MiB workflow takes a while to parse).
pub async fn parse_off_thread(bytes: Bytes) -> Result<Workflow, AppError> {
    cpu(move || parse_workflow_bytes(&bytes)).await?
}

/// Parses a workflow from a request body, mapping errors to a 400 problem with the path.
pub fn parse_workflow_bytes(bytes: &[u8]) -> Result<Workflow, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| AppError::BadRequest {
        detail: "Der Inhalt ist kein UTF-8-Text.".into(),
        path: None,
    })?;
    parse_workflow(text).map_err(|e| {
        let at = if e.path.is_empty() {
            String::new()
        } else {
            format!(" bei „{}“", e.path)
        };
        AppError::BadRequest {
            detail: format!("Der Ablauf konnte nicht gelesen werden{at}: {}", e.message),
            path: Some(e.path),
        }
    })
}

pub fn bytes_rejection(r: BytesRejection) -> AppError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge("Die Anfrage ist größer als erlaubt.".into())
    } else {
        AppError::BadRequest {
            detail: format!("Der Inhalt konnte nicht gelesen werden: {r}"),
            path: None,
        }
    }
}
