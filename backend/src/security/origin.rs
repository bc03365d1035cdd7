//! Login CSRF: a cross-site form can post `text/plain` and a browser always names the page's
//! origin in `Origin`. State-changing requests with a foreign `Origin` are refused, and the
//! login only accepts `application/json` (which a form cannot send without a CORS preflight).

use axum::http::{header, HeaderMap};

use crate::error::AppError;

/// Whether `Origin` (if sent) names this server: its scheme-less authority equals `Host`, or
/// the whole origin is configured in `allowed` (for a proxy that rewrites `Host`).
pub fn same_origin(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Not a browser (curl, CI): it cannot be a cross-site request.
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim().trim_end_matches('/');
    if allowed
        .iter()
        .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let authority = match origin.split_once("://") {
        Some(("http" | "https", rest)) => rest,
        _ => return false, // "null", file:, extensions …
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let strip_default = |a: &str| -> String {
        a.trim_end_matches(":80")
            .trim_end_matches(":443")
            .to_ascii_lowercase()
    };
    !host.is_empty() && strip_default(authority) == strip_default(host)
}

/// The refusal for a foreign origin.
pub fn foreign_origin() -> AppError {
    AppError::Csrf(
        "CSRF-Schutz: Die Anfrage kommt von einer fremden Seite (Kopf „Origin“) und wurde abgewiesen."
            .into(),
    )
}

/// The login body must be declared `application/json`.
pub fn require_json(headers: &HeaderMap) -> Result<(), AppError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if json {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(
            "Die Anmeldung erwartet „Content-Type: application/json“.".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, host.parse().unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, o.parse().unwrap());
        }
        h
    }

    #[test]
    fn origins() {
        assert!(same_origin(&headers(None, "a:8080"), &[]));
        assert!(same_origin(&headers(Some("http://a:8080"), "a:8080"), &[]));
        assert!(same_origin(&headers(Some("https://A"), "a"), &[]));
        assert!(!same_origin(
            &headers(Some("http://evil.example"), "a:8080"),
            &[]
        ));
        assert!(!same_origin(&headers(Some("null"), "a:8080"), &[]));
        let allowed = ["https://fachwerk.example".to_string()];
        assert!(same_origin(
            &headers(Some("https://fachwerk.example"), "127.0.0.1:8080"),
            &allowed
        ));
    }
}
