//! HTTP routes. `app(state)` builds the whole router so tests can drive it with `oneshot`.
//!
//! Every API route is registered through utoipa-axum's `routes!`, which adds it to the router
//! and to the OpenAPI document in one step, so the two cannot drift apart.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, Request};
use axum::{Extension, Json, Router};
use fachwerk_shared::api::{Health, ProblemDetails, ValidationReport};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::AppState;
use crate::error::AppError;
use crate::security::events::ClientIp;
use crate::security::limits::cpu;

mod caller;
mod cases;
mod clerk;
mod drafts;
mod json;
mod oidc;
pub mod openapi;
mod operations;
mod outputs;
mod password;
mod public;
mod publications;
mod remote;
mod session;
mod sources;
mod static_files;
mod tokens;
mod users;
mod workflow_body;
mod workflows;

pub use json::JsonBody;
pub use operations::METRICS_PATH;
pub use workflow_body::WorkflowBody;

/// The API routes (under `/api`) together with their OpenAPI description.
pub fn routes() -> OpenApiRouter<AppState> {
    let api = OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(operations::ready))
        .routes(routes!(openapi_json))
        .routes(routes!(validate_workflow))
        .routes(routes!(workflows::list_workflows))
        .routes(routes!(workflows::latest_workflow))
        .routes(routes!(workflows::list_versions))
        .routes(routes!(workflows::get_version))
        .routes(routes!(session::login, session::whoami, session::logout))
        .routes(routes!(oidc::start))
        .routes(routes!(oidc::callback))
        .routes(routes!(password::change_password))
        .routes(routes!(password::reset_password))
        .routes(routes!(tokens::create_token, tokens::list_tokens))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(remote::push_status))
        .routes(routes!(remote::push_now))
        .routes(routes!(drafts::list_drafts, drafts::create_draft))
        .routes(routes!(
            drafts::get_draft,
            drafts::update_draft,
            drafts::delete_draft
        ))
        .routes(routes!(
            publications::list_publications,
            publications::create_publication
        ))
        .routes(routes!(publications::get_publication))
        .routes(routes!(publications::approve_publication))
        .routes(routes!(publications::reject_publication))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::delete_user))
        .routes(routes!(sources::list_sources, sources::add_source))
        .routes(routes!(sources::get_source, sources::delete_source))
        .routes(routes!(sources::fetch_source))
        .routes(routes!(sources::list_templates))
        .routes(routes!(sources::import_template))
        .routes(routes!(sources::draft_upstream))
        .routes(routes!(sources::merge_upstream))
        .routes(routes!(cases::activate_version))
        .routes(routes!(cases::list_runtime_workflows))
        .routes(routes!(cases::case_schema))
        .routes(routes!(cases::list_persons, cases::create_person))
        .routes(routes!(cases::update_person))
        .routes(routes!(cases::start_case, cases::list_cases))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::list_tasks))
        .routes(routes!(cases::claim_task))
        .routes(routes!(cases::release_task))
        .routes(routes!(cases::complete_task))
        .routes(routes!(outputs::list_deliveries))
        .routes(routes!(outputs::retry_delivery))
        .routes(routes!(outputs::case_outputs))
        .routes(routes!(outputs::case_document))
        .routes(routes!(outputs::mark_paid))
        .routes(routes!(outputs::payment_callback))
        .merge(clerk::routes())
        .merge(public::routes())
        .fallback(api_not_found);
    OpenApiRouter::with_openapi(openapi::base()).nest("/api", api)
}

pub fn app(state: AppState) -> Router {
    let (api, _) = routes().split_for_parts();
    let request_id = HeaderName::from_static("x-request-id");
    let router = api
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid));
    router
        .fallback(outside_api)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::guard,
        ))
        // Outermost: requests the guard refuses are counted too.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::track,
        ))
        .with_state(state)
}

/// Liveness check.
#[utoipa::path(get, path = "/health", tag = "System", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// This OpenAPI 3 document.
#[utoipa::path(get, path = "/openapi.json", tag = "System", responses((status = 200, description = "OpenAPI 3.1 document")))]
async fn openapi_json() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(openapi::document())
}

/// Everything outside `/api`: the metrics, the handbook and the designer. Not API routes, so
/// not in the OpenAPI document.
async fn outside_api(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    req: Request<Body>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if req.uri().path() == operations::METRICS_PATH {
        let (parts, _) = req.into_parts();
        return operations::metrics(&state, client, &parts.method, &parts.headers)
            .await
            .into_response();
    }
    let (docs, dist) = (state.config.docs_dir.clone(), state.config.dist_dir.clone());
    static_files::serve(docs, dist, state.config.embedded_dist, req).await
}

async fn api_not_found() -> AppError {
    AppError::NotFound("Diese API-Adresse gibt es nicht.".into())
}

/// Validates a workflow with exactly the rules the designer runs in the browser.
#[utoipa::path(
    post,
    path = "/workflows/validate",
    tag = "Abläufe",
    request_body(content = Object, description = "A workflow in canonical JSON"),
    responses(
        (status = 200, body = ValidationReport),
        (status = 400, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
async fn validate_workflow(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ValidationReport>, AppError> {
    // Anonymous callers share a per-address allowance; logged-in ones only the CPU pool.
    if !caller::is_authenticated(&headers, &state).await {
        state.security.anonymous_validation.hit(client.0).await?;
    }
    let body = body.map_err(workflow_body::bytes_rejection)?;
    let workflow = workflow_body::parse_off_thread(body).await?;
    let report = cpu(move || ValidationReport::validate(&workflow)).await?;
    Ok(Json(report))
}
