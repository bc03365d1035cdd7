//! Logging in and out (`/api/session`).

use fachwerk_shared::api::{LoggedOut, LoginRequest, PasswordChange, SessionInfo, SessionState};
use gloo_net::http::Method;

use super::client::{body, get, post, send, set_csrf_token, ApiError};

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

/// Replaces the caller's password; the answer carries the new session.
pub async fn change_password(current: &str, new: &str) -> Result<SessionInfo, ApiError> {
    let request = PasswordChange {
        current_password: current.into(),
        new_password: new.into(),
    };
    send(Method::PUT, "/api/session/password", body(&request), None)
        .await?
        .json()
        .map(remember)
}

/// The logged-in account, `None` when not logged in (an answer, not an error).
pub async fn whoami() -> Result<Option<SessionInfo>, ApiError> {
    let state: SessionState = get("/api/session").await?;
    Ok(state.session.filter(|_| state.logged_in).map(remember))
}

/// How one may log in here: (single sign-on, password).
pub async fn login_options() -> Result<(bool, bool), ApiError> {
    let state: SessionState = get("/api/session").await?;
    Ok((state.sso, state.password_login))
}

/// Logs out; for a single sign-on session the provider's logout address, where the browser
/// goes next.
pub async fn logout() -> Result<Option<String>, ApiError> {
    let r = send(Method::DELETE, "/api/session", None, None).await;
    set_csrf_token(None);
    let answer = r?;
    if answer.status == 200 {
        return answer.json::<LoggedOut>().map(|l| Some(l.logout_url));
    }
    Ok(None)
}
