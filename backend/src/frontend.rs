//! The designer compiled into the binary (cargo feature `embed-frontend`, used by
//! `cargo xtask dist`), so one file is all an operator deploys. Normal builds and tests do not
//! need a built `dist/`: without the feature there is no built-in frontend and `--dist` serves
//! one from disk as before.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};

/// Files compiled into the binary: a lookup by path relative to the `dist/` root (what
/// `rust_embed::RustEmbed::get` offers).
#[derive(Clone, Copy)]
pub struct EmbeddedDist {
    pub get: fn(&str) -> Option<rust_embed::EmbeddedFile>,
}

impl std::fmt::Debug for EmbeddedDist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmbeddedDist")
    }
}

#[cfg(feature = "embed-frontend")]
#[derive(rust_embed::RustEmbed)]
#[folder = "../dist"]
struct BuiltIn;

/// The frontend this binary was built with, if any.
pub fn built_in() -> Option<EmbeddedDist> {
    #[cfg(feature = "embed-frontend")]
    {
        Some(EmbeddedDist { get: BuiltIn::get })
    }
    #[cfg(not(feature = "embed-frontend"))]
    {
        None
    }
}

/// The SPA's entry page.
const INDEX: &str = "index.html";

/// The applicant's app's entry page (`frontend/applicant.html`, built into `dist/antrag/`).
pub const APPLICANT_INDEX: &str = "antrag/index.html";

/// The case app's entry page (`frontend/cases.html`, built into `dist/vorgaenge/`).
pub const CASES_INDEX: &str = "vorgaenge/index.html";

/// The publishing app's entry page (`frontend/publishing.html`, built into `dist/katalog/`).
pub const PUBLISHING_INDEX: &str = "katalog/index.html";

/// Every app's entry page: their inline loaders go into the Content-Security-Policy.
pub const ENTRY_PAGES: [&str; 4] = [INDEX, APPLICANT_INDEX, CASES_INDEX, PUBLISHING_INDEX];

/// Whether the first segment of `path` is one of `segments`, followed by `/` or nothing.
fn first_segment_in(path: &str, segments: &[&str]) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    !first.is_empty() && segments.contains(&first)
}

/// The entry page of the app other than the designer that serves `path`, if any: the
/// applicant's for the applicant's links, the case app's for the Arbeitskorb, a Vorgang and
/// the organisation (`fachwerk_shared::api::case_app_links`), the publishing app's for drafts,
/// requests, versions, the comparison and templates (`publishing_app_links`).
pub fn other_app_index(path: &str) -> Option<&'static str> {
    if is_applicant_path(path) {
        Some(APPLICANT_INDEX)
    } else if first_segment_in(path, &fachwerk_shared::api::case_app_links::ALL) {
        Some(CASES_INDEX)
    } else if first_segment_in(path, &fachwerk_shared::api::publishing_app_links::ALL) {
        Some(PUBLISHING_INDEX)
    } else {
        None
    }
}

/// Paths of the applicant's links (`/rueckfrage/{token}` or `/antwort/{token}`,
/// `/status/{token}`, made by `delivery::new_link`): they get the applicant's app, not the
/// designer.
pub fn is_applicant_path(path: &str) -> bool {
    fachwerk_shared::api::applicant_links::ALL
        .iter()
        .any(|segment| {
            path.strip_prefix('/')
                .and_then(|p| p.strip_prefix(segment))
                .is_some_and(|rest| rest.starts_with('/'))
        })
}

impl EmbeddedDist {
    /// The entry pages' text, every app's (their inline scripts go into the
    /// Content-Security-Policy).
    pub fn index_html(&self) -> String {
        ENTRY_PAGES
            .iter()
            .filter_map(|p| (self.get)(p))
            .map(|f| String::from_utf8_lossy(&f.data).into_owned())
            .collect()
    }

    /// Serves `req` like `ServeDir` serves `dist/`: the file at the path (its `.br` twin when
    /// the client accepts brotli, else its `.gz` twin when it accepts gzip), `favicon.svg` for `/favicon.ico`, the applicant's app for the
    /// applicant's links, the case app for its screens, and `index.html` for every other path so client-side routes survive
    /// a reload. ETags from the content hash.
    pub fn serve(&self, req: &Request<Body>) -> Response {
        let full = req.uri().path();
        let path = match (other_app_index(full), full.trim_start_matches('/')) {
            (Some(page), _) => page,
            (None, "") => INDEX,
            (None, "favicon.ico") => "favicon.svg",
            (None, p) => p,
        };
        let (path, file) = match (self.get)(path) {
            Some(file) => (path, file),
            None => match (self.get)(INDEX) {
                Some(file) => (INDEX, file),
                None => return StatusCode::NOT_FOUND.into_response(),
            },
        };
        let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()));
        let mime = file.metadata.mimetype().to_string();
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&mime) {
            headers.insert(header::CONTENT_TYPE, v);
        }
        if let Ok(v) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, v);
        }
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        let unchanged = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
        if unchanged {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        let compressed = [("br", "br"), ("gzip", "gz")]
            .into_iter()
            .filter(|(coding, _)| accepts(req.headers(), coding))
            .find_map(|(coding, ext)| Some((coding, (self.get)(&format!("{path}.{ext}"))?)));
        let body = match compressed {
            Some((coding, twin)) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
                twin.data
            }
            None => file.data,
        };
        (StatusCode::OK, headers, body.into_owned()).into_response()
    }
}

/// Whether the client accepts the content coding (`gzip`, `br`) and did not refuse it (`q=0`).
fn accepts(headers: &HeaderMap, wanted: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case(wanted) && !refused
        })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
