//! Everything outside `/api`: the built designer (a single-page app) and the built handbook
//! under `/hilfe/`. Plain files, so they are not part of the OpenAPI document.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode, Uri};
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
        // Trunk's post-build hook writes `.gz` beside each asset (see Trunk.toml), the xtask a
        // `.br` (smaller; browsers accept it over HTTPS); each client gets what it prefers.
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

/// A handbook page; a missing one gets the book's own 404 page with status 404.
async fn handbook(docs: &Path, rest: &str, mut req: Request<Body>) -> Response {
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
