//! HTTP routes. `app(state)` builds the whole router so tests can drive it with `oneshot`.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Json, Router};
use fachwerk_shared::{Finding, Severity};
use serde::Serialize;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::config::AppState;
use crate::error::AppError;

mod workflow_body;

pub use workflow_body::WorkflowBody;

pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/workflows/validate", post(validate_workflow))
        .fallback(api_not_found);
    let mut router = Router::new()
        .nest("/api", api)
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(TraceLayer::new_for_http());
    if let Some(dist) = &state.config.dist_dir {
        // SPA: unknown paths get index.html so client-side routes survive a reload.
        let spa = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
        router = router.fallback_service(spa);
    }
    router.with_state(state)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

async fn health() -> Json<Health> {
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
}

async fn api_not_found() -> AppError {
    AppError::NotFound("Diese API-Adresse gibt es nicht.".into())
}

/// Findings of a validation run, with counts for a quick summary.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ValidationReport {
    pub findings: Vec<Finding>,
    pub errors: usize,
    pub warnings: usize,
}

impl ValidationReport {
    pub fn of(findings: Vec<Finding>) -> ValidationReport {
        let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
        let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
        ValidationReport { findings, errors, warnings }
    }
}

/// Validates a workflow with exactly the rules the designer runs in the browser.
async fn validate_workflow(WorkflowBody(workflow): WorkflowBody) -> Json<ValidationReport> {
    Json(ValidationReport::of(fachwerk_shared::validate(&workflow)))
}
