//! Single sign-on routes: `GET /api/oidc/login` sends the browser to the identity provider,
//! `GET /api/oidc/callback` is where the provider sends it back. Both are browser navigations
//! (no JSON): errors are a small German/English page with a way back.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;

use super::caller::{cookie, session_cookies};
use crate::config::AppState;
use crate::fsutil;
use crate::oidc::{Oidc, OidcError, FLOW_COOKIE, FLOW_LIFETIME};
use crate::security::events::{AuditUser, ClientIp};

/// Starts a single sign-on login: redirects to the identity provider (authorization code
/// flow with PKCE) and sets the cookie that ties the login to this browser.
#[utoipa::path(
    get,
    path = "/oidc/login",
    tag = "Anmeldung",
    responses(
        (status = 303, description = "To the identity provider's login"),
        (status = 404, description = "Single sign-on is not configured", content_type = "text/html"),
        (status = 502, description = "The identity provider cannot be reached", content_type = "text/html"),
    )
)]
pub async fn start(State(state): State<AppState>) -> Response {
    let Some(oidc) = state.oidc.as_deref() else {
        return not_configured();
    };
    match oidc.start(&state.db).await {
        Ok(started) => {
            let flow = flow_cookie(&started.state, FLOW_LIFETIME, state.config.secure_cookies);
            let mut res = see_other(&started.authorize_url);
            res.headers_mut().append(header::SET_COOKIE, flow);
            res
        }
        Err(e) => {
            tracing::warn!(target: "security", event = "sso_unavailable", error = %e, "single sign-on cannot start");
            page(StatusCode::BAD_GATEWAY, &e.to_string())
        }
    }
}

/// What the identity provider sends back.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Callback {
    /// The authorization code.
    code: Option<String>,
    /// The state the login was started with.
    state: Option<String>,
    /// The provider's error code, if the login failed there.
    error: Option<String>,
}

/// Finishes a single sign-on login: checks the state against the browser's cookie, redeems
/// the code, verifies the ID token, maps the groups to roles, opens a session and redirects
/// to the designer.
#[utoipa::path(
    get,
    path = "/oidc/callback",
    tag = "Anmeldung",
    params(Callback),
    responses(
        (status = 303, description = "Logged in: to the designer", headers(("set-cookie" = String, description = "fachwerk_session and fachwerk_csrf"))),
        (status = 400, description = "Unknown, expired or foreign login", content_type = "text/html"),
        (status = 401, description = "The provider refused, or its ID token is invalid", content_type = "text/html"),
        (status = 403, description = "No Fachwerk role for the user's groups", content_type = "text/html"),
        (status = 404, description = "Single sign-on is not configured", content_type = "text/html"),
    )
)]
pub async fn callback(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    Extension(audit): Extension<AuditUser>,
    Query(query): Query<Callback>,
    headers: HeaderMap,
) -> Response {
    let Some(oidc) = state.oidc.as_deref() else {
        return not_configured();
    };
    let mut res = match finish(&state, oidc, &query, &headers).await {
        Ok((res, name)) => {
            audit.set(&name);
            res
        }
        Err(e) => {
            state.metrics.login_failed();
            tracing::warn!(target: "security", event = "sso_refused", client = %client, error = %e, "single sign-on login refused");
            page(status_of(&e), &e.to_string())
        }
    };
    // The login is used up either way.
    res.headers_mut().append(
        header::SET_COOKIE,
        flow_cookie("", 0, state.config.secure_cookies),
    );
    res
}

async fn finish(
    state: &AppState,
    oidc: &Oidc,
    query: &Callback,
    headers: &HeaderMap,
) -> Result<(Response, String), OidcError> {
    if let Some(error) = &query.error {
        return Err(OidcError::Denied(error.chars().take(80).collect()));
    }
    let (Some(code), Some(flow_state)) = (&query.code, &query.state) else {
        return Err(OidcError::UnknownFlow);
    };
    // The login must come back to the browser that started it (no foreign login forced on it).
    let ours = cookie(headers, FLOW_COOKIE).unwrap_or_default();
    if ours.is_empty() || !fsutil::constant_time_eq(&ours, flow_state) {
        return Err(OidcError::UnknownFlow);
    }
    let logged_in = oidc.finish(&state.db, flow_state, code).await?;
    let session = state.sessions.create(&logged_in.account).await?;
    state
        .db
        .store_sso_session(&fsutil::sha256_hex(&session.token), &logged_in.id_token)
        .await?;
    tracing::info!(user = %logged_in.account.name, role = ?logged_in.account.role, "logged in by single sign-on");
    let mut res = see_other("/");
    for c in session_cookies(&session, state.config.secure_cookies) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok((res, logged_in.account.name))
}

fn status_of(e: &OidcError) -> StatusCode {
    match e {
        OidcError::UnknownFlow => StatusCode::BAD_REQUEST,
        OidcError::Denied(_) | OidcError::InvalidToken(_) => StatusCode::UNAUTHORIZED,
        OidcError::NoRole | OidcError::Refused(_) => StatusCode::FORBIDDEN,
        OidcError::Provider(_) => StatusCode::BAD_GATEWAY,
        OidcError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The cookie holding a started login's state, for the callback only. `SameSite=Lax`: the
/// provider's redirect back is a cross-site navigation.
fn flow_cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{FLOW_COOKIE}={value}; Path=/api/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("fachwerk_oidc=; Max-Age=0"))
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

fn not_configured() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Single Sign-on ist für diesen Server nicht eingerichtet.",
    )
}

/// A small page for a failed login (German, with the English gist), linking back.
fn page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Anmeldung fehlgeschlagen – Fachwerk</title></head><body><main>\
         <h1>Anmeldung fehlgeschlagen</h1><p id=\"sso-error\">{}</p>\
         <p lang=\"en\">Single sign-on failed.</p>\
         <p><a href=\"/\">Zurück zu Fachwerk</a></p></main></body></html>\n",
        escape(message)
    );
    (status, Html(body)).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
