//! The bpmn-js pages of the interop tests and browser benchmarks, served as a web server would serve them:
//! `e2e/interop/` at `/`, `.tools/node/node_modules` at `/node_modules/`, gzip-compressed
//! (level 9, as Trunk's hook compresses the designer) when the browser accepts it.

use std::io::Write;
use std::path::{Component, Path};

use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::workspace;

/// Answers one request (an axum fallback handler).
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let root = workspace();
    let path = uri.path().trim_start_matches('/');
    let (base, rest) = match path.strip_prefix("node_modules/") {
        Some(rest) => (root.join(".tools/node/node_modules"), rest),
        None => (root.join("e2e/interop"), path),
    };
    let rel = Path::new(rest);
    if rest.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let ct = match rel.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "eot" => "application/vnd.ms-fontobject",
        _ => "application/octet-stream",
    };
    let Ok(bytes) = tokio::fs::read(base.join(rel)).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("gzip"));
    if gzip {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        if enc.write_all(&bytes).is_ok() {
            if let Ok(packed) = enc.finish() {
                return (
                    [
                        (header::CONTENT_TYPE, ct),
                        (header::CONTENT_ENCODING, "gzip"),
                    ],
                    packed,
                )
                    .into_response();
            }
        }
    }
    ([(header::CONTENT_TYPE, ct)], bytes).into_response()
}
