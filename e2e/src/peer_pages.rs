//! The bpmn-js pages of the interop tests and browser benchmarks, served as a web server would serve them:
//! `e2e/interop/` at `/`, `.tools/node/node_modules` at `/node_modules/`, compressed as the
//! designer's files are when the browser accepts it: brotli (quality 11, as the xtask writes the
//! designer's `.br`), else gzip (level 9, as Trunk's hook does).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

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
    let accepts = |coding: &str| {
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(coding))
    };
    let packed = if accepts("br") {
        brotli_of(&base.join(rel), bytes.clone())
            .await
            .map(|br| ("br", br))
    } else if accepts("gzip") {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&bytes)
            .ok()
            .and_then(|()| enc.finish().ok())
            .map(|gz| ("gzip", Arc::new(gz)))
    } else {
        None
    };
    match packed {
        Some((coding, body)) => (
            [
                (header::CONTENT_TYPE, ct),
                (header::CONTENT_ENCODING, coding),
            ],
            body.as_ref().clone(),
        )
            .into_response(),
        None => ([(header::CONTENT_TYPE, ct)], bytes).into_response(),
    }
}

/// The file's brotli bytes, compressed once per test process (quality 11 takes seconds for the
/// bpmn-js bundles) on a blocking thread; `None` if that failed (the file goes out plain).
async fn brotli_of(path: &Path, bytes: Vec<u8>) -> Option<Arc<Vec<u8>>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Vec<u8>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(path).cloned()) {
        return Some(hit);
    }
    let packed = tokio::task::spawn_blocking(move || {
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 24,
            ..Default::default()
        };
        let mut out = Vec::new();
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut out, &params).map(|_| out)
    })
    .await;
    let packed = Arc::new(packed.ok()?.ok()?);
    if let Ok(mut c) = cache.lock() {
        c.insert(path.to_path_buf(), packed.clone());
    }
    Some(packed)
}
