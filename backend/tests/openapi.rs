//! The OpenAPI document and the router describe the same routes.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{send, Env};

#[tokio::test]
async fn every_documented_route_is_routed_and_served() {
    let env = Env::new();
    let served = env.get("/api/openapi.json", None).await;
    assert_eq!(served.status, StatusCode::OK);
    let doc = served.json();
    assert_eq!(
        doc,
        serde_json::to_value(fachwerk_backend::openapi::document()).unwrap()
    );
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "{:?}", paths.keys());
    for (path, item) in paths {
        assert!(path.starts_with("/api/"), "{path}");
        for method in item.as_object().unwrap().keys() {
            let uri = path
                .replace("{key}", "k")
                .replace("{version}", "1.0.0")
                .replace("{id}", "00000000-0000-4000-8000-000000000000")
                .replace("{name}", "n");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = send(
                &env.app,
                Request::builder()
                    .method(m)
                    .uri(&uri)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_ne!(
                r.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed"
            );
            let unrouted = r.status == StatusCode::NOT_FOUND
                && r.json()["detail"] == "Diese API-Adresse gibt es nicht.";
            assert!(!unrouted, "{method} {path} is documented but not routed");
            let op = &item[method];
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} documents no responses"
            );
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "ProblemDetails",
        "DraftView",
        "Publication",
        "VersionInfo",
        "SessionInfo",
        "PushStatus",
        "WorkflowSummary",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    let security = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(security.contains_key("bearer") && security.contains_key("session"));
}

/// Routes enter the router only through utoipa-axum's `routes!`, which documents them in the
/// same step; a plain `.route(` would bypass the document, so none may exist.
#[test]
fn routes_are_only_registered_through_the_documented_list() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for bad in [".route(", ".route_service(", ".nest_service("] {
                    assert!(
                        !text.contains(bad),
                        "{} registers a route with {bad} outside the OpenAPI list",
                        p.display()
                    );
                }
            }
        }
    }
}

/// Parameters are documented where they are read: a path parameter names a `{segment}` of its
/// path and every `{segment}` has one; the query structs are query parameters, optional when
/// their field is (found when the handbook's API reference was first rendered: `?from=`,
/// `?scope=`, `?limit=`, `?user=`, `?status=` were listed as required path parameters).
#[test]
fn parameters_are_documented_where_they_are_read() {
    let doc = serde_json::to_value(fachwerk_backend::openapi::document()).unwrap();
    let mut queries = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let segments: Vec<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            for s in &segments {
                assert!(
                    params.iter().any(|p| p["in"] == "path" && p["name"] == *s),
                    "{method} {path}: {{{s}}} is not documented"
                );
            }
            for p in &params {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str().unwrap() {
                    "path" => assert!(
                        segments.contains(&name),
                        "{method} {path}: path parameter {name} is not in the path"
                    ),
                    "query" => queries.push((
                        format!("{method} {path}"),
                        name.to_string(),
                        p["required"].as_bool().unwrap_or(false),
                    )),
                    _ => {}
                }
            }
        }
    }
    for (op, name) in [
        ("post /api/drafts", "from"),
        ("get /api/tasks", "scope"),
        ("get /api/tasks", "limit"),
        ("get /api/tokens", "user"),
        ("get /api/deliveries", "status"),
    ] {
        assert!(
            queries
                .iter()
                .any(|(o, n, required)| o == op && n == name && !required),
            "{op}: ?{name} should be an optional query parameter: {queries:?}"
        );
    }
}
