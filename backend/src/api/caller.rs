//! The [`Caller`] extractor: bearer token or session cookie, with the double-submit CSRF rule
//! for state-changing requests; and the session cookies.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};

use crate::auth::{
    Caller, NewSession, Via, CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, SESSION_LIFETIME,
};
use crate::config::AppState;
use crate::error::AppError;
use crate::fsutil;
use crate::security::events::AuditUser;
use crate::users::Account;

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Inside the nested `/api` router `parts.uri` lacks the prefix.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_string(), |u| u.path().to_string());
        let audit = parts.extensions.get::<AuditUser>().cloned();
        authenticate(&parts.method, &path, &parts.headers, state, |name| {
            if let Some(audit) = audit {
                audit.set(name);
            }
        })
        .await
    }
}

/// `identified` is told the user name as soon as it is known (for the security log).
pub(super) async fn authenticate(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    state: &AppState,
    identified: impl FnOnce(&str),
) -> Result<Caller, AppError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let secret = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or(AppError::Unauthorized)?;
        let (token_id, user) = state
            .tokens
            .use_secret(secret.trim())
            .await?
            .ok_or(AppError::Unauthorized)?;
        identified(&user.name);
        must_change_first(&user, method, path)?;
        return Ok(Caller {
            id: user.id,
            name: user.name,
            role: user.role,
            via: Via::Bearer(token_id),
            csrf: None,
            must_change_password: user.must_change_password,
        });
    }
    let token = cookie(headers, SESSION_COOKIE).ok_or(AppError::Unauthorized)?;
    let session = state
        .sessions
        .get(&token)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let user = session.account;
    identified(&user.name);
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        // Double submit: the header must repeat the cookie, and both must be this session's.
        let header = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let cookie = cookie(headers, CSRF_COOKIE).unwrap_or_default();
        let ok = !header.is_empty()
            && fsutil::constant_time_eq(header, &cookie)
            && fsutil::constant_time_eq(header, &session.csrf);
        if !ok {
            return Err(AppError::Csrf(
                "CSRF-Schutz: Der Kopf „X-CSRF-Token“ fehlt oder passt nicht zur Sitzung. Bitte die Seite neu laden.".into(),
            ));
        }
    }
    must_change_first(&user, method, path)?;
    Ok(Caller {
        id: user.id,
        name: user.name,
        role: user.role,
        via: Via::Session(token),
        csrf: Some(session.csrf),
        must_change_password: user.must_change_password,
    })
}

/// After an administrator's reset, only "who am I", logout and the password change work.
fn must_change_first(user: &Account, method: &Method, path: &str) -> Result<(), AppError> {
    let allowed = matches!(
        (method, path),
        (&Method::GET | &Method::DELETE, "/api/session") | (&Method::PUT, "/api/session/password")
    );
    if user.must_change_password && !allowed {
        return Err(AppError::Forbidden(
            "Ihr Passwort wurde von der Administration zurückgesetzt. Bitte zuerst ein neues Passwort wählen.".into(),
        ));
    }
    Ok(())
}

/// Whether the request carries credentials at all (a bearer token or a session cookie),
/// valid or not.
pub(super) fn has_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION) || cookie(headers, SESSION_COOKIE).is_some()
}

/// Whether the request carries valid credentials (without the CSRF rule).
pub async fn is_authenticated(headers: &HeaderMap, state: &AppState) -> bool {
    authenticate(&Method::GET, "", headers, state, |_| {})
        .await
        .is_ok()
}

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_string())
}

/// `Set-Cookie` values for a new session (session cookie HttpOnly, CSRF cookie readable by JS).
pub fn session_cookies(session: &NewSession, secure: bool) -> Vec<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = SESSION_LIFETIME;
    [
        format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
            session.token
        ),
        format!(
            "{CSRF_COOKIE}={}; Path=/; SameSite=Strict; Max-Age={max_age}{secure}",
            session.csrf
        ),
    ]
    .into_iter()
    .filter_map(|c| HeaderValue::from_str(&c).ok())
    .collect()
}

/// `Set-Cookie` values that delete both cookies.
pub fn clear_cookies(secure: bool) -> Vec<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    [
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
        format!("{CSRF_COOKIE}=; Path=/; SameSite=Strict; Max-Age=0{secure}"),
    ]
    .into_iter()
    .filter_map(|c| HeaderValue::from_str(&c).ok())
    .collect()
}
