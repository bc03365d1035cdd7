//! Login, logout, "who am I" and API tokens.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use fachwerk_shared::api::{LoggedOut, LoginRequest, ProblemDetails, SessionInfo, SessionState};

use super::caller::{authenticate, clear_cookies, has_credentials, session_cookies};
use super::JsonBody;
use crate::auth::{Caller, Via};
use crate::config::AppState;
use crate::error::AppError;
use crate::fsutil;
use crate::security::events::{AuditUser, ClientIp};
use crate::security::origin;

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
        (status = 403, description = "Password login is switched off (single sign-on only)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    Extension(audit): Extension<AuditUser>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    origin::require_json(&headers)?;
    let JsonBody(req) = JsonBody::<LoginRequest>::from_bytes(&body)?;
    audit.set(&req.username);
    if !state.config.local_accounts {
        return Err(AppError::Forbidden(
            "Die Anmeldung mit Passwort ist abgeschaltet. Bitte mit Single Sign-on anmelden."
                .into(),
        ));
    }
    state.security.login.check(&req.username, client.0).await?;
    // Verifying runs in the bounded CPU pool (inside the user store).
    let verified = state.users.verify(&req.username, &req.password).await?;
    let Some(user) = verified else {
        let name = &req.username;
        state.metrics.login_failed();
        let wait = state.security.login.failed(name, client.0).await;
        if !wait.is_zero() {
            tracing::warn!(target: "security", event = "login_backoff", user = %name, client = %client, wait_secs = wait.as_secs(), "login back-off started");
        }
        return Err(AppError::BadCredentials);
    };
    state.security.login.succeeded(&req.username).await;
    let session = state.sessions.create(&user).await?;
    tracing::info!(user = %user.name, "logged in");
    let mut res = Json(SessionInfo {
        username: user.name,
        role: user.role,
        csrf_token: Some(session.csrf.clone()),
        must_change_password: user.must_change_password,
    })
    .into_response();
    for c in session_cookies(&session, state.config.secure_cookies) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// Whether the request is logged in, and as whom. Without any credentials (no session
/// cookie, no `Authorization`) the answer is 200 with `loggedIn: false`, so a page load while
/// logged out is no error; credentials that are wrong or expired are still refused (401).
#[utoipa::path(
    get,
    path = "/session",
    tag = "Anmeldung",
    security((), ("session" = []), ("bearer" = [])),
    responses((status = 200, body = SessionState), (status = 401, body = ProblemDetails, content_type = "application/problem+json"))
)]
pub async fn whoami(
    State(state): State<AppState>,
    Extension(audit): Extension<AuditUser>,
    headers: HeaderMap,
) -> Result<Json<SessionState>, AppError> {
    let (sso, password_login) = (state.oidc.is_some(), state.config.local_accounts);
    if !has_credentials(&headers) {
        return Ok(Json(SessionState {
            logged_in: false,
            session: None,
            sso,
            password_login,
        }));
    }
    let caller = authenticate(&Method::GET, "/api/session", &headers, &state, |name| {
        audit.set(name)
    })
    .await?;
    Ok(Json(SessionState {
        logged_in: true,
        session: Some(SessionInfo {
            username: caller.name,
            role: caller.role,
            csrf_token: caller.csrf,
            must_change_password: caller.must_change_password,
        }),
        sso,
        password_login,
    }))
}

/// Logs out: ends the cookie session, or revokes the API token the request was sent with.
/// A session opened by single sign-on answers 200 with the provider's logout address, where
/// the browser goes next (RP-initiated logout).
#[utoipa::path(
    delete,
    path = "/session",
    tag = "Anmeldung",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 200, body = LoggedOut, description = "Logged out here; log out at the identity provider too"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    let mut provider_logout = None;
    match &caller.via {
        Via::Session(token) => {
            let id_token = state
                .db
                .sso_id_token(&fsutil::sha256_hex(token))
                .await
                .map_err(anyhow::Error::from)?;
            state.sessions.remove(token).await?;
            if let (Some(oidc), Some(id_token)) = (&state.oidc, id_token) {
                match oidc.logout_url(&id_token).await {
                    Ok(url) => provider_logout = url,
                    Err(e) => {
                        tracing::warn!(error = %e, "no logout at the identity provider")
                    }
                }
            }
        }
        Via::Bearer(id) => {
            state.tokens.revoke(id).await?;
        }
        Via::CommandLine => {}
    }
    let mut res = match provider_logout {
        Some(logout_url) => Json(LoggedOut { logout_url }).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    };
    for c in clear_cookies(state.config.secure_cookies) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}
