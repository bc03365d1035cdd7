//! The published catalogue (`/api/workflows`): workflows, their versions and one version's
//! document.

use fachwerk_shared::api::{VersionInfo, WorkflowSummary};
use fachwerk_shared::{parse_workflow, Workflow};
use gloo_net::http::Method;

use super::client::{get, send, ApiError};

pub async fn list_workflows() -> Result<Vec<WorkflowSummary>, ApiError> {
    get("/api/workflows").await
}

pub async fn list_versions(key: &str) -> Result<Vec<VersionInfo>, ApiError> {
    get(&format!("/api/workflows/{key}/versions")).await
}

/// The workflow document of one version, read by the canonical parser.
pub async fn get_version(key: &str, version: &str) -> Result<Workflow, ApiError> {
    let url = format!("/api/workflows/{key}/versions/{version}");
    let a = send(Method::GET, &url, None, None).await?;
    parse_workflow(&a.text).map_err(|e| {
        ApiError::unexpected(
            a.status,
            format!("Der Ablauf vom Server ist nicht lesbar: {}", e.message),
        )
    })
}
