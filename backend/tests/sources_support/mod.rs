//! Helpers for the template-source tests: administration A, requests with `If-Match`,
//! adding a source and waiting for its background fetch.
#![allow(clippy::unwrap_used, dead_code)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use fachwerk_backend::repo::{CatalogMeta, Maintenance};
use serde_json::{json, Value};

use crate::common::{send, Env, Resp};

pub const PUBLISHER: &str = "Stadt Adorf, Zentrale Vergabestelle";

/// Administration A, with its own catalogue settings.
pub fn town_a() -> Env {
    Env::with(|c| {
        c.catalog = CatalogMeta {
            name: "Ablaufkatalog der Stadt Adorf".into(),
            url: "https://gitlab.opencode.de/adorf/ablaufkatalog.git".into(),
            maintenance: Maintenance::Internal,
            contact: PUBLISHER.into(),
        }
    })
}

/// A request with optional body and `If-Match`.
pub async fn call(
    env: &Env,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<Value>,
    if_match: Option<&str>,
) -> Resp {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    if let Some(m) = if_match {
        req = req.header(header::IF_MATCH, m);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    send(&env.app, req.body(body).unwrap()).await
}

/// Adds a source and waits until the background fetch has ended; returns the record.
pub async fn add_source(env: &Env, token: &str, url: &str) -> Value {
    let r = env
        .post("/api/sources", Some(token), json!({ "url": url }))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(r.header("location"), format!("/api/sources/{id}"));
    wait_fetched(env, token, &id).await
}

pub async fn wait_fetched(env: &Env, token: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = env.get(&format!("/api/sources/{id}"), Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let record = r.json();
        if record["state"] != "fetching" {
            assert!(record["progress"].is_null());
            return record;
        }
        assert!(record["progress"].is_object(), "{record}");
        assert!(Instant::now() < deadline, "fetch did not end: {record}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
