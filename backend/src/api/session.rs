//! Login, logout, "who am I", API tokens and the mirroring status.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use fachwerk_shared::api::{
    LoginRequest, ProblemDetails, PushStatus, SessionInfo, TokenCreated, TokenRequest,
};

use super::caller::{clear_cookies, session_cookies};
use super::JsonBody;
use crate::auth::{Caller, Via};
use crate::config::AppState;
use crate::error::AppError;

/// Logs in with username and password: sets the session cookie (HttpOnly) and the CSRF
/// cookie `fachwerk_csrf` (readable by scripts).
#[utoipa::path(
    post,
    path = "/session",
    tag = "Anmeldung",
    request_body = LoginRequest,
    responses(
        (status = 200, body = SessionInfo, headers(("set-cookie" = String, description = "fachwerk_session and fachwerk_csrf"))),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Response, AppError> {
    let user = state
        .users
        .verify(&req.username, &req.password)
        .await?
        .ok_or(AppError::BadCredentials)?;
    let session = state.sessions.create(&user).await?;
    tracing::info!(user = %user.name, "logged in");
    let mut res = Json(SessionInfo {
        username: user.name,
        role: user.role,
        csrf_token: Some(session.csrf.clone()),
    })
    .into_response();
    for c in session_cookies(&session, state.config.secure_cookies) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// The logged-in user.
#[utoipa::path(
    get,
    path = "/session",
    tag = "Anmeldung",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, body = SessionInfo), (status = 401, body = ProblemDetails, content_type = "application/problem+json"))
)]
pub async fn whoami(caller: Caller) -> Json<SessionInfo> {
    Json(SessionInfo {
        username: caller.name,
        role: caller.role,
        csrf_token: caller.csrf,
    })
}

/// Logs out (ends the cookie session; a no-op for bearer tokens).
#[utoipa::path(
    delete,
    path = "/session",
    tag = "Anmeldung",
    security(("session" = []), ("bearer" = [])),
    responses((status = 204, description = "Logged out"), (status = 401, body = ProblemDetails, content_type = "application/problem+json"))
)]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Response {
    if let Via::Session(token) = &caller.via {
        if let Err(e) = state.sessions.remove(token).await {
            tracing::error!(error = %e, "cannot end a session");
        }
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    for c in clear_cookies(state.config.secure_cookies) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// Creates an API token for the caller.
#[utoipa::path(
    post,
    path = "/tokens",
    tag = "Anmeldung",
    security(("session" = []), ("bearer" = [])),
    request_body = TokenRequest,
    responses(
        (status = 201, body = TokenCreated),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(req): JsonBody<TokenRequest>,
) -> Result<(StatusCode, Json<TokenCreated>), AppError> {
    let (record, secret) = state.tokens.create(&caller.id, req.label.trim()).await?;
    tracing::info!(user = %caller.name, token = %record.id, "API token created");
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            id: record.id,
            token: secret,
            label: record.name,
            created_at: record.created_at,
        }),
    ))
}

/// Status of mirroring the catalogue to the configured remote.
#[utoipa::path(
    get,
    path = "/remote",
    tag = "Veröffentlichung",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, body = PushStatus), (status = 401, body = ProblemDetails, content_type = "application/problem+json"))
)]
pub async fn push_status(State(state): State<AppState>, _caller: Caller) -> Json<PushStatus> {
    Json(state.pusher.status())
}
