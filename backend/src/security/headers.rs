//! Response headers every answer carries: a Content-Security-Policy without inline script
//! (Trunk's generated loader is allowed by its hash only), no framing, no MIME sniffing, no
//! referrer.

use std::path::Path;

use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy for the frontend in `dist` (hashes of the inline scripts of every app's entry
/// page, `crate::frontend::ENTRY_PAGES`).
pub fn content_security_policy(dist: Option<&Path>) -> String {
    let pages: String = dist
        .map(|d| {
            crate::frontend::ENTRY_PAGES
                .iter()
                .filter_map(|p| std::fs::read_to_string(d.join(p)).ok())
                .collect()
        })
        .unwrap_or_default();
    content_security_policy_for(&pages)
}

/// The designer's policy for this entry page (its inline scripts allowed by hash).
pub fn content_security_policy_for(index: &str) -> String {
    let hashes: String = inline_scripts(index)
        .iter()
        .map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy for the handbook under `/hilfe/`: mdBook's pages carry small inline scripts
/// (theme, path to the book's root) that differ per page, so inline script is allowed there —
/// the handbook is static, built from the repository, and shows no user data. Everything else
/// stays as strict as the designer's policy.
pub const HANDBOOK_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The bodies of `<script>` elements without `src` in `html`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = &after[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            out.push(&body_start[..close]);
        }
        rest = &body_start[close..];
    }
    out
}

/// Sets the security headers on a response.
pub fn apply(headers: &mut HeaderMap, csp: &HeaderValue) {
    headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let html = r#"<head><script src="/errors.js"></script><script type="module">import init from '/a.js';</script></head>"#;
        assert_eq!(inline_scripts(html), ["import init from '/a.js';"]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), html).unwrap();
        let csp = content_security_policy(Some(dir.path()));
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/a.js';"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
