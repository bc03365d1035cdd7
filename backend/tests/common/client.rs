//! Requests as a browser or API client from a fixed client address: bearer token or session
//! cookies with the CSRF header; login returns the cookies.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request};
use serde_json::{json, Value};

use super::{send, workflow, Env, Resp};

/// The client address every request of this module comes from.
pub const CLIENT: [u8; 4] = [10, 0, 0, 8];

pub enum Auth {
    None,
    Bearer(String),
    Cookies { cookie: String, csrf: String },
}

/// A request from `CLIENT`, with a bearer token or session cookies (+ CSRF header).
pub fn request(method: Method, uri: &str, auth: &Auth, body: Option<Value>) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri);
    match auth {
        Auth::None => {}
        Auth::Bearer(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
        Auth::Cookies { cookie, csrf } => {
            req = req
                .header(header::COOKIE, cookie)
                .header("x-csrf-token", csrf)
        }
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let mut req = req
        .body(
            body.map(|b| Body::from(b.to_string()))
                .unwrap_or_else(Body::empty),
        )
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((CLIENT, 50000))));
    req
}

pub async fn call(env: &Env, method: Method, uri: &str, auth: &Auth, body: Option<Value>) -> Resp {
    send(&env.app, request(method, uri, auth, body)).await
}

/// Logs in with a password; the session cookies and CSRF token come back as [`Auth::Cookies`].
pub async fn login(env: &Env, user: &str, password: &str) -> (Resp, Auth) {
    let body = json!({ "username": user, "password": password });
    let r = call(env, Method::POST, "/api/session", &Auth::None, Some(body)).await;
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let csrf = r.json()["csrfToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (r, Auth::Cookies { cookie, csrf })
}

/// Pending publication request of `requester` for a new workflow; returns its id.
pub async fn pending_request(env: &Env, requester: &str, key: &str) -> String {
    let draft = env.draft(requester, &workflow(key, "x")).await;
    let r = env.request(requester, &draft, "").await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}
