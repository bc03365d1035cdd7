//! Prometheus metrics of one server process: requests and their latency per matched route,
//! publications, failed logins, and — read from the database at each scrape — open cases and
//! overdue tasks. The registry belongs to the [`crate::config::AppState`], not to the process,
//! so every app (and every test) counts only its own requests.
//!
//! Served as OpenMetrics text at `GET /metrics` (see `api::operations`); only loopback clients
//! and holders of the `--metrics-token` may read it.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::config::AppState;
use crate::db::Database;

/// Content type of the exposition (OpenMetrics 1.0 text; Prometheus reads it natively).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Route label of requests no route matched: unknown API addresses.
pub const UNMATCHED: &str = "unmatched";
/// Route label of the designer's and the handbook's files (outside `/api`).
pub const STATIC: &str = "static";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// Request latency buckets: 1 ms … about 16 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The metrics of one app.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    publications: Counter,
    login_failures: Counter,
    open_cases: Gauge,
    overdue_tasks: Gauge,
    database_up: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("fachwerk");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let (publications, login_failures) = (Counter::default(), Counter::default());
        let (open_cases, overdue_tasks, database_up) =
            (Gauge::default(), Gauge::default(), Gauge::default());
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, matched route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (until the response head), by method and matched route",
            latency.clone(),
        );
        registry.register(
            "publications",
            "Workflow versions published (approved requests) by this process",
            publications.clone(),
        );
        registry.register(
            "login_failures",
            "Logins refused for a wrong user name or password by this process",
            login_failures.clone(),
        );
        registry.register(
            "open_cases",
            "Cases in progress (status open), read from the database at each scrape",
            open_cases.clone(),
        );
        registry.register(
            "overdue_tasks",
            "Open tasks whose due date lies before today, read from the database at each scrape",
            overdue_tasks.clone(),
        );
        registry.register(
            "database_up",
            "1 when the database answered the last scrape's queries, else 0",
            database_up.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            publications,
            login_failures,
            open_cases,
            overdue_tasks,
            database_up,
        }
    }

    /// One published version.
    pub fn published(&self) {
        self.publications.inc();
    }

    /// One refused login (wrong name or password).
    pub fn login_failed(&self) {
        self.login_failures.inc();
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status: status.to_string(),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// Reads the gauges from the database and writes the exposition. When the database does
    /// not answer, `database_up` is 0 and the case gauges keep their last values.
    pub async fn render(&self, db: &Database, today: &str) -> String {
        let counts = async {
            let open = db.open_case_count().await?;
            let overdue = db.overdue_task_count(today).await?;
            Ok::<_, crate::db::DbError>((open, overdue))
        };
        match counts.await {
            Ok((open, overdue)) => {
                self.open_cases.set(open);
                self.overdue_tasks.set(overdue);
                self.database_up.set(1);
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics: the database did not answer");
                self.database_up.set(0);
            }
        }
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            // Writing into a String cannot fail; keep what was written.
            tracing::error!(error = %e, "metrics: cannot encode");
        }
        out
    }
}

/// Middleware (on every route): counts the request and times it under its matched route
/// (`/api/drafts/{id}`, never the concrete address, so the number of series stays bounded).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_string();
    let route = route_label(
        req.extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
        req.uri().path(),
    );
    let res = next.run(req).await;
    let seconds = start.elapsed().as_secs_f64();
    state
        .metrics
        .observe(&method, &route, res.status().as_u16(), seconds);
    res
}

fn route_label(matched: Option<&str>, path: &str) -> String {
    match matched {
        // A nested router's catch-all (the API's 404 fallback) is no route of its own.
        Some(m) if !m.contains("__private__") && !m.contains("{*") => m.to_string(),
        // Served by the fallback (outside the API router), so no matched path.
        _ if path == crate::api::METRICS_PATH => path.to_string(),
        _ if path == "/api" || path.starts_with("/api/") => UNMATCHED.to_string(),
        _ => STATIC.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_labels_are_bounded() {
        assert_eq!(
            route_label(Some("/api/drafts/{id}"), "/api/drafts/abc"),
            "/api/drafts/{id}"
        );
        assert_eq!(route_label(None, "/api/nope/123"), UNMATCHED);
        assert_eq!(
            route_label(Some("/api/{*__private__axum_nest_tail_param}"), "/api/x"),
            UNMATCHED
        );
        assert_eq!(route_label(None, "/metrics"), "/metrics");
        assert_eq!(route_label(None, "/pkg/fachwerk-abc.wasm"), STATIC);
        assert_eq!(route_label(None, "/hilfe/index.html"), STATIC);
    }
}
