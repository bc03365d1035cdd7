//! Single sign-on routes: `GET /api/oidc/login` sends the browser to the identity provider,
//! `GET /api/oidc/callback` is where the provider sends it back. Both are browser navigations:
//! a refusal is a small German/English page with a way back for a browser (`Accept:
//! text/html`), problem+json like every other API error for anything else.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Json};
use fachwerk_shared::api::ProblemDetails;
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
        (status = 404, description = "Single sign-on is not configured (for a browser: an HTML page, as for every refusal)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 502, description = "The identity provider cannot be reached", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn start(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let html = wants_html(&headers);
    let Some(oidc) = state.oidc.as_deref() else {
        return not_configured(html);
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
            refusal(StatusCode::BAD_GATEWAY, &e.to_string(), html)
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
        (status = 400, description = "Unknown, expired or foreign login", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "The provider refused, or its ID token is invalid", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "No Fachwerk role for the user's groups", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Single sign-on is not configured", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn callback(
    State(state): State<AppState>,
    Extension(client): Extension<ClientIp>,
    Extension(audit): Extension<AuditUser>,
    Query(query): Query<Callback>,
    headers: HeaderMap,
) -> Response {
    let html = wants_html(&headers);
    let Some(oidc) = state.oidc.as_deref() else {
        return not_configured(html);
    };
    let mut res = match finish(&state, oidc, &query, &headers).await {
        Ok((res, name)) => {
            audit.set(&name);
            res
        }
        Err(e) => {
            state.metrics.login_failed();
            tracing::warn!(target: "security", event = "sso_refused", client = %client, error = %e, "single sign-on login refused");
            refusal(status_of(&e), &e.to_string(), html)
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

fn not_configured(html: bool) -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        "Single Sign-on ist für diesen Server nicht eingerichtet.",
        html,
    )
}

/// Whether the request is a browser's navigation (it asks for HTML).
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// A refused login: the page for a browser, problem+json for other clients.
fn refusal(status: StatusCode, message: &str, html: bool) -> Response {
    if html {
        return page(status, message);
    }
    let problem = ProblemDetails {
        kind: "https://fachwerk.opencode.de/probleme/sso".into(),
        title: "Anmeldung per Single Sign-on fehlgeschlagen".into(),
        status: status.as_u16(),
        detail: message.to_string(),
        path: None,
        findings: None,
        detail_en: Some("Single sign-on failed.".into()),
        code: None,
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        Json(problem),
    )
        .into_response()
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
