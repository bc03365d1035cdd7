//! The server check of the open workflow (`POST /api/workflows/validate`).

use fachwerk_shared::api::ValidationReport;
use fachwerk_shared::{to_canonical_json, Workflow};
use gloo_net::http::Method;

use super::client::{send, ApiError};

/// State of the last server-side check.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ServerState {
    #[default]
    NotRun,
    Running,
    Done(ValidationReport),
    Failed(ApiError),
}

/// POSTs the canonical JSON of `w` and returns the server's findings with their counts.
pub async fn validate_on_server(w: &Workflow) -> Result<ValidationReport, ApiError> {
    let body = Some(to_canonical_json(w));
    send(Method::POST, "/api/workflows/validate", body, None)
        .await?
        .json()
}
