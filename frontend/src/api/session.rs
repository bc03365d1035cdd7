//! Logging in and out (`/api/session`).

use fachwerk_shared::api::{LoginRequest, SessionInfo};
use gloo_net::http::Method;

use super::client::{get, post, send, set_csrf_token, ApiError};

fn remember(s: SessionInfo) -> SessionInfo {
    set_csrf_token(s.csrf_token.clone());
    s
}

pub async fn login(username: &str, password: &str) -> Result<SessionInfo, ApiError> {
    let request = LoginRequest {
        username: username.into(),
        password: password.into(),
    };
    post("/api/session", &request).await.map(remember)
}

pub async fn whoami() -> Result<SessionInfo, ApiError> {
    get("/api/session").await.map(remember)
}

pub async fn logout() -> Result<(), ApiError> {
    let r = send(Method::DELETE, "/api/session", None, None)
        .await
        .map(|_| ());
    set_csrf_token(None);
    r
}
