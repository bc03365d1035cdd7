//! Security of the web surface: login CSRF (issue 16 item 6), response headers, cookies, file
//! permissions and the bootstrap password (item 9), and invalid keys (item 10).
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{send, Env, ADMIN_PASSWORD};
use serde_json::json;

fn login_request(content_type: &str, origin: Option<&str>) -> Request<Body> {
    let body = json!({ "username": "admin", "password": ADMIN_PASSWORD }).to_string();
    let mut req = Request::post("/api/session")
        .header(header::HOST, "fachwerk.example:8080")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(o) = origin {
        req = req.header(header::ORIGIN, o);
    }
    req.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn login_from_a_foreign_form_sets_no_cookie() {
    let env = Env::new();
    // A cross-site form can only send text/plain (no preflight): refused before the password.
    let r = send(&env.app, login_request("text/plain", None)).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.header("set-cookie").is_empty());

    let evil = Some("https://evil.example");
    let r = send(&env.app, login_request("application/json", evil)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("fremden Seite"));
    assert!(r.header("set-cookie").is_empty());
    let r = send(&env.app, login_request("application/json", Some("null"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // The designer itself (same origin) and API clients without Origin log in.
    let own = Some("http://fachwerk.example:8080");
    let r = send(&env.app, login_request("application/json", own)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!r.header("set-cookie").is_empty());
    let r = send(
        &env.app,
        login_request("application/json; charset=utf-8", None),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_foreign_origin_cannot_change_anything_even_with_a_token() {
    let env = Env::new();
    let u = env.users();
    let req = Request::post("/api/drafts")
        .header(header::HOST, "fachwerk.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::AUTHORIZATION, format!("Bearer {}", u.editor))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(common::workflow("fremd", "x")))
        .unwrap();
    let r = send(&env.app, req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}
