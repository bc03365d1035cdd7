//! Everything outside `/api`: the built designer (a single-page app) and the built handbook
//! under `/hilfe/`. Plain files, so they are not part of the OpenAPI document.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::frontend::{other_app_index, EmbeddedDist};

/// Where the handbook is mounted; its links are relative, so pages must be read below it.
const HANDBOOK: &str = "/hilfe";

/// The designer's icon in the built frontend (copied there by Trunk).
const FAVICON: &str = "favicon.svg";

/// Serves a request that no API route took.
pub async fn serve(
    docs: Option<PathBuf>,
    dist: Option<PathBuf>,
    embedded: Option<EmbeddedDist>,
    req: Request<Body>,
) -> Response {
    let path = req.uri().path().to_string();
    if let Some(docs) = &docs {
        if path == HANDBOOK {
            return Redirect::permanent("/hilfe/").into_response();
        }
        if let Some(rest) = path.strip_prefix(HANDBOOK).filter(|r| r.starts_with('/')) {
            return handbook(docs, rest, req).await;
        }
    }
    match (&dist, other_app_index(&path)) {
        // Browsers ask for `/favicon.ico` whatever the page links; the designer's icon is SVG.
        (Some(dist), _) if path == "/favicon.ico" => ServeFile::new(dist.join(FAVICON))
            .oneshot(req)
            .await
            .into_response(),
        // The applicant's links and the case app's screens get their app's page.
        (Some(dist), Some(page)) => ServeFile::new(dist.join(page))
            .oneshot(req)
            .await
            .into_response(),
        // SPA: unknown paths get index.html so client-side routes survive a reload.
        // The xtask writes a `.gz` and a `.br` beside each asset (xtask/src/compress.rs);
        // each client gets what it prefers (brotli: browsers over HTTPS).
        (Some(dist), None) => ServeDir::new(dist)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(ServeFile::new(dist.join("index.html")))
            .oneshot(req)
            .await
            .into_response(),
        (None, _) => match embedded {
            Some(embedded) => embedded.serve(&req),
            None => StatusCode::NOT_FOUND.into_response(),
        },
    }
}

/// Said under /hilfe/ while there is no built book (`cargo xtask run` builds it after the
/// server started; a server may also run without one).
const NO_HANDBOOK: &str = "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Handbuch nicht verfügbar</title></head><body><main>\
<h1>Das Handbuch ist noch nicht da</h1>\
<p>Es wird gerade gebaut oder ist auf diesem Server nicht installiert. \
Bitte laden Sie die Seite in einigen Minuten neu.</p>\
<p lang=\"en\">The handbook is being built or not installed on this server. \
Please reload in a few minutes.</p>\
<p><a href=\"/\">Zurück zum Designer</a></p></main></body></html>";

/// A handbook page; a missing one gets the book's own 404 page with status 404, a book not
/// (yet) built a page saying so, with status 503.
async fn handbook(docs: &Path, rest: &str, mut req: Request<Body>) -> Response {
    if !docs.join("index.html").is_file() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::RETRY_AFTER, "60"),
            ],
            NO_HANDBOOK,
        )
            .into_response();
    }
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    match format!("{rest}{query}").parse::<Uri>() {
        Ok(uri) => *req.uri_mut() = uri,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    }
    ServeDir::new(docs)
        .not_found_service(ServeFile::new(docs.join("404.html")))
        .oneshot(req)
        .await
        .into_response()
}
