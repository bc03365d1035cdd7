//! Case processing for clerks (`/api/tasks`, `/api/cases`): the
//! Arbeitskorb's task lists, claiming and completing tasks, one case with its history.

use fachwerk_shared::api::{CaseSummary, CaseView, CompleteTask, Task};
use gloo_net::http::Method;

use super::client::{body, get, post, send, ApiError};

/// Which list of tasks: `mine` (claimed by me or assigned to me), `roles` (open tasks of my
/// roles and of the absent persons I stand in for), `deputy` (only those); the first `limit` by
/// due date.
pub async fn list_tasks(scope: &str, limit: u32) -> Result<Vec<Task>, ApiError> {
    get(&format!("/api/tasks?scope={scope}&limit={limit}")).await
}

/// How many tasks `list_tasks` would return, without reading them (a page that only counts
/// then links no reader of `Task`).
pub async fn count_tasks(scope: &str, limit: u32) -> Result<usize, ApiError> {
    let tasks: Vec<serde::de::IgnoredAny> =
        get(&format!("/api/tasks?scope={scope}&limit={limit}")).await?;
    Ok(tasks.len())
}

pub async fn claim_task(id: &str) -> Result<Task, ApiError> {
    post(&format!("/api/tasks/{id}/claim"), &serde_json::json!({})).await
}

pub async fn release_task(id: &str) -> Result<Task, ApiError> {
    post(&format!("/api/tasks/{id}/release"), &serde_json::json!({})).await
}

/// Completes a task through `exit`; `revision` is the case revision the clerk saw (If-Match),
/// so a second click or a second clerk gets 409 instead of completing twice.
pub async fn complete_task(
    id: &str,
    revision: u64,
    req: &CompleteTask,
) -> Result<CaseSummary, ApiError> {
    send(
        Method::POST,
        &format!("/api/tasks/{id}/complete"),
        body(req),
        Some(revision),
    )
    .await?
    .json()
}

pub async fn get_case(id: &str) -> Result<CaseView, ApiError> {
    get(&format!("/api/cases/{id}")).await
}
