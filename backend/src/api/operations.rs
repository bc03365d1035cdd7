//! Operations: readiness for load balancers (`/api/ready`) and the Prometheus metrics
//! (`/metrics`, outside the API and its OpenAPI document).

use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use fachwerk_shared::api::{Readiness, ReadinessCheck};

use crate::config::AppState;
use crate::error::AppError;
use crate::fsutil;
use crate::security::events::ClientIp;

/// Readiness: the database answers and the catalogue repository can be read. 200 when both
/// do, 503 with the reason of each failed check otherwise. Needs no login (load balancers).
#[utoipa::path(
    get,
    path = "/ready",
    tag = "System",
    responses(
        (status = 200, body = Readiness),
        (status = 503, body = Readiness, description = "A check failed; its reason is given"),
    )
)]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let database = ReadinessCheck::of("database", state.db.ping().await);
    let repo = state.repo.clone();
    let catalog = tokio::task::spawn_blocking(move || repo.head().map(drop))
        .await
        .map_err(|e| format!("the check did not finish: {e}"))
        .and_then(|r| r.map_err(|e| e.to_string()));
    let readiness = Readiness::of(vec![database, ReadinessCheck::of("catalog", catalog)]);
    if !readiness.is_ready() {
        tracing::warn!(checks = ?readiness.checks, "not ready");
    }
    let status = if readiness.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(readiness))
}

/// Where the metrics are served (outside `/api`, where scrapers look by default).
pub const METRICS_PATH: &str = "/metrics";

/// `GET /metrics`: the Prometheus metrics of this process. Readable from loopback (a
/// Prometheus or agent on the same host), and from anywhere with
/// `Authorization: Bearer <--metrics-token>`.
pub async fn metrics(
    state: &AppState,
    client: ClientIp,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return Ok((
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response());
    }
    if !may_read_metrics(state, client, headers) {
        return Err(AppError::Forbidden(
            "Die Messwerte sind nur vom Server selbst (Loopback) oder mit dem Messwerte-Schlüssel (--metrics-token) abrufbar. / Metrics are readable from loopback or with the metrics token only."
                .into(),
        ));
    }
    let today = crate::cases::intake::today(state.config.runtime.today).to_string();
    let body = state.metrics.render(&state.db, &today).await;
    Ok(([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], body).into_response())
}

fn may_read_metrics(state: &AppState, client: ClientIp, headers: &HeaderMap) -> bool {
    if client.0.is_some_and(|ip| ip.is_loopback()) {
        return true;
    }
    let Some(token) = state.config.metrics_token.as_deref() else {
        return false;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| fsutil::constant_time_eq(given.trim(), token))
}
