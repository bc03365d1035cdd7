//! Case processing: versions in operation, the organisation, cases and tasks.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use fachwerk_shared::api::{
    CaseSummary, CaseView, CompleteTask, Person, PersonInput, ProblemDetails, RuntimeWorkflow,
    StartCase, Task, TaskQuery,
};

use super::JsonBody;
use crate::auth::Caller;
use crate::cases::{self, CaseError};
use crate::config::AppState;
use crate::error::AppError;

/// Header of the intake: the same key twice gives the same case.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

fn etag(revision: u64) -> [(header::HeaderName, HeaderValue); 1] {
    let value = HeaderValue::from_str(&format!("\"{revision}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    [(header::ETAG, value)]
}

/// Header of the task list and the case: today on the server's clock (`--today` in tests and
/// training systems), so due dates count from the same day as the engine's deadlines.
pub const TODAY_HEADER: &str = "x-fachwerk-today";

fn today(state: &AppState) -> [(header::HeaderName, HeaderValue); 1] {
    let value = HeaderValue::from_str(&state.cases.clock_today().to_string())
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    [(header::HeaderName::from_static(TODAY_HEADER), value)]
}

/// `If-Match: "7"` (or `7`) → 7.
fn if_match(headers: &HeaderMap) -> Result<u64, CaseError> {
    let value = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .ok_or(CaseError::IfMatchMissing)?;
    value
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map_err(|_| {
            CaseError::bad(
                "If-Match",
                format!("„{value}“ ist kein Stand eines Vorgangs."),
                format!("{value:?} is not a case revision."),
            )
        })
}

/// Takes a published version into operation: new cases start on it, running cases keep
/// their version. Reviewers and administrators.
#[utoipa::path(
    post,
    path = "/workflows/{key}/versions/{version}/activate",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    params(("key" = String, Path), ("version" = String, Path)),
    responses(
        (status = 200, body = RuntimeWorkflow),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn activate_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((key, version)): Path<(String, String)>,
) -> Result<Json<RuntimeWorkflow>, AppError> {
    Ok(Json(
        cases::activate(&state.db, &state.repo, &caller, &key, &version).await?,
    ))
}

/// Every version taken into operation, which of them is active.
#[utoipa::path(
    get,
    path = "/runtime/workflows",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<RuntimeWorkflow>),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn list_runtime_workflows(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<RuntimeWorkflow>>, AppError> {
    Ok(Json(
        state
            .db
            .runtime_workflows()
            .await
            .map_err(CaseError::from)?,
    ))
}

/// The JSON Schema of `POST /api/cases` bodies for the active version of `key` (public: an
/// online form builds on it).
#[utoipa::path(
    get,
    path = "/runtime/workflows/{key}/case-schema",
    tag = "Vorgänge",
    params(("key" = String, Path)),
    responses(
        (status = 200, description = "JSON Schema (draft 2020-12)", body = Object),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn case_schema(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let (_, w) = cases::active_workflow(&state.db, &key).await?;
    let schema = cases::case_body_schema(&w);
    Ok((
        [(header::CONTENT_TYPE, "application/schema+json")],
        schema.to_string(),
    )
        .into_response())
}

/// The persons of the organisation with their roles (administrators).
#[utoipa::path(
    get,
    path = "/persons",
    tag = "Organisation",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<Person>),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn list_persons(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Person>>, AppError> {
    caller.require_admin()?;
    Ok(Json(state.db.persons().await.map_err(CaseError::from)?))
}

/// Adds a person: account, roles of workflows in operation, signing limit, deputy.
#[utoipa::path(
    post,
    path = "/persons",
    tag = "Organisation",
    security(("session" = []), ("bearer" = [])),
    request_body = PersonInput,
    responses(
        (status = 201, body = Person),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn create_person(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<PersonInput>,
) -> Result<(StatusCode, Json<Person>), AppError> {
    let p = cases::save_person(&state.db, &caller, None, &input).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Replaces a person's data and roles (e.g. marks them absent, names a deputy).
#[utoipa::path(
    put,
    path = "/persons/{id}",
    tag = "Organisation",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path)),
    request_body = PersonInput,
    responses(
        (status = 200, body = Person),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn update_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<PersonInput>,
) -> Result<Json<Person>, AppError> {
    Ok(Json(
        cases::save_person(&state.db, &caller, Some(&id), &input).await?,
    ))
}

/// Starts a case on the active version of a workflow: by a clerk, or by an online form
/// (OZG portal) with an `Idempotency-Key`. The fields are checked against the case schema
/// (422 naming the field). 201 for a new case, 200 when the key was used before.
#[utoipa::path(
    post,
    path = "/cases",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    request_body = StartCase,
    params(("Idempotency-Key" = Option<String>, Header, description = "The same key again gives the same case")),
    responses(
        (status = 201, body = CaseSummary),
        (status = 200, description = "The case this key started before", body = CaseSummary),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn start_case(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<StartCase>,
) -> Result<Response, AppError> {
    let key = headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    if key.as_ref().is_some_and(|k| k.len() > 200) {
        return Err(CaseError::bad(
            "Idempotency-Key",
            "Der Idempotency-Key ist länger als 200 Zeichen.",
            "The Idempotency-Key is longer than 200 characters.",
        )
        .into());
    }
    let started = state.cases.start(&caller, &req, key.as_deref()).await?;
    let status = if started.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, etag(started.case.revision), Json(started.case)).into_response())
}

/// The newest cases the caller may see.
#[utoipa::path(
    get,
    path = "/cases",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Vec<CaseSummary>),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<CaseSummary>>, AppError> {
    Ok(Json(state.cases.list(&caller).await?))
}

/// A case with its engine state, tasks and audit trail (the export of the case).
#[utoipa::path(
    get,
    path = "/cases/{id}",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = CaseView),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = state.cases.view(&caller, &id).await?;
    Ok((etag(view.summary.revision), today(&state), Json(view)).into_response())
}

/// Tasks: `scope=mine` those the caller claimed, `scope=roles` the open tasks of the
/// caller's roles and of the absent persons they stand in for.
#[utoipa::path(
    get,
    path = "/tasks",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    params(TaskQuery),
    responses(
        (status = 200, body = Vec<Task>),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn list_tasks(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TaskQuery>,
) -> Result<Response, AppError> {
    let tasks = state
        .cases
        .tasks(&caller, q.scope.as_deref(), q.limit)
        .await?;
    Ok((today(&state), Json(tasks)).into_response())
}

/// Claims an open task of the caller's roles (409 if someone else has it).
#[utoipa::path(
    post,
    path = "/tasks/{id}/claim",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Task),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn claim_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Task>, AppError> {
    Ok(Json(state.cases.claim(&caller, &id, true).await?))
}

/// Gives a claimed task back to the role.
#[utoipa::path(
    post,
    path = "/tasks/{id}/release",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Task),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn release_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Task>, AppError> {
    Ok(Json(state.cases.claim(&caller, &id, false).await?))
}

/// Completes a task with an exit (`If-Match`: the case revision). The engine checks every
/// person rule; a refusal names the rule (403/409/422) and changes nothing. Of two clerks
/// completing with the same revision one wins, the other gets 409.
#[utoipa::path(
    post,
    path = "/tasks/{id}/complete",
    tag = "Vorgänge",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = String, Header, description = "Case revision")),
    request_body = CompleteTask,
    responses(
        (status = 200, body = CaseSummary),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn complete_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CompleteTask>,
) -> Result<Response, AppError> {
    let revision = if_match(&headers)?;
    let done = state.cases.complete(&caller, &id, revision, &req).await?;
    Ok((etag(done.case.revision), Json(done.case)).into_response())
}
