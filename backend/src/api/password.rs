//! Passwords: the user changes their own; an administrator forces a reset.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use fachwerk_shared::api::{PasswordChange, PasswordReset, ProblemDetails, SessionInfo};

use super::caller::session_cookies;
use super::JsonBody;
use crate::auth::{Caller, Via};
use crate::config::AppState;
use crate::error::AppError;
use crate::security::events::{self, ClientIp};

/// Changes the caller's password. Ends the caller's other sessions; a cookie session gets
/// new cookies (and a new CSRF token). API tokens stay valid.
#[utoipa::path(
    put,
    path = "/session/password",
    tag = "Anmeldung",
    security(("session" = []), ("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 200, body = SessionInfo),
        (status = 400, description = "The new password is too weak", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "The current password is wrong", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    caller: Caller,
    JsonBody(req): JsonBody<PasswordChange>,
) -> Result<Response, AppError> {
    // Guessing the current password here is throttled like a login.
    state.security.login.check(&caller.name, client.0).await?;
    if req.new_password == req.current_password {
        return Err(AppError::BadRequest {
            detail: "Das neue Passwort muss sich vom bisherigen unterscheiden.".into(),
            path: Some("newPassword".into()),
        });
    }
    // Verifying and hashing run in the bounded CPU pool (inside the user store).
    let verified = state
        .users
        .verify(&caller.name, &req.current_password)
        .await?;
    let Some(account) = verified else {
        state.security.login.failed(&caller.name, client.0).await;
        return Err(AppError::Forbidden(
            "Das bisherige Passwort stimmt nicht.".into(),
        ));
    };
    state
        .users
        .set_password(&caller.name, Some(&req.new_password), false)
        .await?;
    state.security.login.succeeded(&caller.name).await;
    state.sessions.remove_all_of(&account.id).await?;
    let route = "PUT /api/session/password";
    events::log(
        "password_changed",
        Some(&caller.name),
        client,
        route,
        "eigenes Passwort geändert",
    );
    let mut info = SessionInfo {
        username: caller.name.clone(),
        role: caller.role,
        csrf_token: None,
        must_change_password: false,
    };
    if matches!(caller.via, Via::Bearer(_)) {
        return Ok(Json(info).into_response());
    }
    let session = state.sessions.create(&account).await?;
    info.csrf_token = Some(session.csrf.clone());
    let mut res = Json(info).into_response();
    for c in session_cookies(&session, state.config.secure_cookies) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// Forces a new password: generates a one-time password (returned once), ends the user's
/// sessions and API tokens; after logging in the user can only change the password.
#[utoipa::path(
    post,
    path = "/users/{name}/password-reset",
    tag = "Benutzer",
    security(("session" = []), ("bearer" = [])),
    params(("name" = String, Path, description = "User name")),
    responses(
        (status = 200, body = PasswordReset),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "A single sign-on account (no password)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<PasswordReset>, AppError> {
    caller.require_admin()?;
    let account = state
        .users
        .get(&name)
        .await?
        .ok_or_else(|| crate::users::UserError::NotFound(name.clone()))?;
    if state
        .db
        .is_sso_account(&account.id)
        .await
        .map_err(anyhow::Error::from)?
    {
        // Such an account logs in at the identity provider; a password would be a back door.
        return Err(AppError::Conflict(format!(
            "„{name}“ meldet sich per Single Sign-on an und hat kein Passwort in Fachwerk."
        )));
    }
    let password = state
        .users
        .set_password(&name, None, true)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no password was generated"))?;
    state.sessions.remove_all_of(&account.id).await?;
    state.tokens.revoke_all_of(&account.id).await?;
    let route = format!("POST /api/users/{name}/password-reset");
    let reason = format!("Passwort von „{name}“ zurückgesetzt; Sitzungen und API-Tokens beendet");
    events::log(
        "password_reset",
        Some(&caller.name),
        client,
        &route,
        &reason,
    );
    Ok(Json(PasswordReset { name, password }))
}
