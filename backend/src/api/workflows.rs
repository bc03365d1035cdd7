//! The published catalogue (read-only, public like the repository itself).

use std::collections::BTreeSet;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use fachwerk_shared::api::{ProblemDetails, Status, VersionInfo, WorkflowStatus, WorkflowSummary};

use crate::config::AppState;
use crate::error::AppError;
use crate::fsutil::blocking;
use crate::repo::valid_key;

fn not_found(key: &str) -> AppError {
    AppError::NotFound(format!(
        "Einen veröffentlichten Ablauf „{key}“ gibt es nicht."
    ))
}

fn json_text(text: String, version: Option<&str>) -> Response {
    let mut res = ([(header::CONTENT_TYPE, "application/json")], text).into_response();
    if let Some(v) = version.and_then(|v| header::HeaderValue::from_str(&format!("\"{v}\"")).ok()) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// All published workflows with their latest version.
#[utoipa::path(get, path = "/workflows", tag = "Abläufe", responses((status = 200, body = Vec<WorkflowSummary>)))]
pub async fn list_workflows(
    State(state): State<AppState>,
) -> Result<Json<Vec<WorkflowSummary>>, AppError> {
    let repo = state.repo.clone();
    let entries = blocking(move || repo.list().map_err(anyhow::Error::from)).await?;
    let pending: BTreeSet<String> = state
        .publications
        .all()
        .await?
        .into_iter()
        .filter(|p| p.status == Status::Pending)
        .map(|p| p.key)
        .collect();
    Ok(Json(
        entries
            .into_iter()
            .map(|e| WorkflowSummary {
                status: if pending.contains(&e.key) {
                    WorkflowStatus::InReview
                } else {
                    WorkflowStatus::Published
                },
                key: e.key,
                name: e.name,
                description: e.description,
                latest_version: e.version,
            })
            .collect(),
    ))
}

/// The latest published version of a workflow (canonical JSON; ETag = version).
#[utoipa::path(
    get,
    path = "/workflows/{key}",
    tag = "Abläufe",
    params(("key" = String, Path, description = "Workflow key")),
    responses(
        (status = 200, description = "The workflow in canonical JSON", body = Object),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn latest_workflow(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    if !valid_key(&key) {
        return Err(not_found(&key));
    }
    let repo = state.repo.clone();
    let k = key.clone();
    let text = blocking(move || repo.latest(&k).map_err(anyhow::Error::from))
        .await?
        .ok_or_else(|| not_found(&key))?;
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["version"].as_str().map(String::from));
    Ok(json_text(text, version.as_deref()))
}

/// The version history of a workflow, oldest first; empty for a key never published (a first
/// version under review has no history yet, which is no error).
#[utoipa::path(
    get,
    path = "/workflows/{key}/versions",
    tag = "Abläufe",
    params(("key" = String, Path, description = "Workflow key")),
    responses(
        (status = 200, body = Vec<VersionInfo>),
        (status = 404, description = "Not a workflow key", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn list_versions(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<Vec<VersionInfo>>, AppError> {
    if !valid_key(&key) {
        return Err(not_found(&key));
    }
    let repo = state.repo.clone();
    let k = key.clone();
    let versions = blocking(move || repo.versions(&k).map_err(anyhow::Error::from)).await?;
    Ok(Json(versions))
}

/// One published version of a workflow, read from its tag.
#[utoipa::path(
    get,
    path = "/workflows/{key}/versions/{version}",
    tag = "Abläufe",
    params(("key" = String, Path, description = "Workflow key"), ("version" = String, Path, description = "Semantic version, e.g. 1.1.0")),
    responses(
        (status = 200, description = "The workflow in canonical JSON", body = Object),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn get_version(
    State(state): State<AppState>,
    Path((key, version)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let well_formed = valid_key(&key)
        && version.split('.').count() == 3
        && version
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let missing = || AppError::NotFound(format!("Version {version} von „{key}“ gibt es nicht."));
    if !well_formed {
        return Err(missing());
    }
    let repo = state.repo.clone();
    let (k, v) = (key.clone(), version.clone());
    let text = blocking(move || repo.version(&k, &v).map_err(anyhow::Error::from))
        .await?
        .ok_or_else(missing)?;
    Ok(json_text(text, Some(&version)))
}
