//! The organisation (`/api/persons`, accounts from `/api/users`), the workflows in operation
//! (`/api/runtime/workflows`) and starting a case by hand (`POST /api/cases`).

use fachwerk_shared::api::{
    CaseSummary, Person, PersonInput, RuntimeWorkflow, StartCase, UserInfo,
};
use gloo_net::http::Method;

use super::client::{body, get, post, send, send_with, ApiError};

pub async fn list_persons() -> Result<Vec<Person>, ApiError> {
    get("/api/persons").await
}

pub async fn create_person(p: &PersonInput) -> Result<Person, ApiError> {
    post("/api/persons", p).await
}

pub async fn update_person(id: &str, p: &PersonInput) -> Result<Person, ApiError> {
    let url = format!("/api/persons/{id}");
    send(Method::PUT, &url, body(p), None).await?.json()
}

/// The accounts a person can be linked to (administrators).
pub async fn list_users() -> Result<Vec<UserInfo>, ApiError> {
    get("/api/users").await
}

/// Every version taken into operation; `active` marks the one new cases start on.
pub async fn runtime_workflows() -> Result<Vec<RuntimeWorkflow>, ApiError> {
    get("/api/runtime/workflows").await
}

/// Starts a case; `idempotency_key` makes a repeated send (double click, retry) give the same
/// case.
pub async fn start_case(req: &StartCase, idempotency_key: &str) -> Result<CaseSummary, ApiError> {
    send_with(
        Method::POST,
        "/api/cases",
        body(req),
        None,
        &[("Idempotency-Key", idempotency_key)],
    )
    .await?
    .json()
}
