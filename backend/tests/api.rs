//! The HTTP API driven in-process with `tower::ServiceExt::oneshot`.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use fachwerk_backend::{app, AppState, Config};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn test_app(dir: &tempfile::TempDir) -> axum::Router {
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Fachwerk</title>",
    )
    .unwrap();
    let mut config = Config::new(dir.path().join("data"));
    config.dist_dir = Some(dist);
    config.hash_cost = fachwerk_backend::users::HashCost::TESTING;
    app(AppState::new(config))
}

async fn send(app: axum::Router, req: Request<Body>) -> (StatusCode, String, String) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, ctype, String::from_utf8_lossy(&body).into_owned())
}

fn post_json(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .unwrap()
}

#[tokio::test]
async fn health_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _, body) = send(
        test_app(&dir),
        Request::get("/api/health").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "ok");
}

#[tokio::test]
async fn validate_returns_findings_of_shared() {
    let dir = tempfile::tempdir().unwrap();
    let w = fachwerk_shared::Workflow::new("leer", "Leerer Ablauf");
    let json = fachwerk_shared::to_canonical_json(&w);
    let (status, _, body) = send(test_app(&dir), post_json("/api/workflows/validate", json)).await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E_NO_START"), "{codes:?}");
    assert!(codes.contains(&"E_NO_END"), "{codes:?}");
    assert_eq!(
        v["errors"].as_u64().unwrap() as usize,
        fachwerk_shared::validate(&w)
            .iter()
            .filter(|f| f.is_error())
            .count()
    );
}

#[tokio::test]
async fn malformed_json_is_a_problem_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (status, ctype, body) = send(
        test_app(&dir),
        post_json("/api/workflows/validate", "{ nope"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(ctype, "application/problem+json");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], 400);
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("konnte nicht gelesen werden"),
        "{body}"
    );
}

#[tokio::test]
async fn wrong_parameter_type_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let body = r#"{"schemaVersion":1,"key":"k","name":"n","version":"1.0.0",
        "blocks":[{"id":"a","type":"start"},{"id":"w","type":"wertgrenzen","params":{"bands":[{"id":"x","lower":"0","upper":"abc"}]}}]}"#;
    let (status, _, text) = send(test_app(&dir), post_json("/api/workflows/validate", body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["path"], "blocks[1].params.bands[0].upper", "{text}");
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![b' '; Config::DEFAULT_BODY_LIMIT + 10];
    let (status, ctype, _) = send(test_app(&dir), post_json("/api/workflows/validate", big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(ctype, "application/problem+json");
}

#[tokio::test]
async fn unknown_api_path_is_404_problem_and_pages_fall_back_to_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let (status, ctype, _) = send(
        test_app(&dir),
        Request::get("/api/nope").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(ctype, "application/problem+json");
    // Every screen has a URL (issue 14); a reload or a link serves its app: the designer's
    // editor, the publishing app's lists (issue 22).
    let app = test_app(&dir);
    let katalog = dir.path().join("dist/katalog");
    std::fs::create_dir_all(&katalog).unwrap();
    std::fs::write(
        katalog.join("index.html"),
        "<!doctype html><title>Fachwerk-Katalog</title>",
    )
    .unwrap();
    for (path, title) in [
        ("/entwurf/3f2a", "Fachwerk"),
        ("/ablauf/unbekannt", "Fachwerk"),
        ("/entwuerfe/123", "Fachwerk-Katalog"),
        ("/freigaben", "Fachwerk-Katalog"),
        ("/freigaben/p-1/vergleich", "Fachwerk-Katalog"),
        ("/vergleich/beschaffung/1.0.0/1.1.0", "Fachwerk-Katalog"),
        ("/versionen/urlaubsantrag", "Fachwerk-Katalog"),
        ("/vorlagen", "Fachwerk-Katalog"),
    ] {
        let (status, _, body) =
            send(app.clone(), Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains(&format!("<title>{title}</title>")), "{path}");
    }
}

#[tokio::test]
async fn assets_go_out_precompressed_to_browsers_that_accept_brotli_or_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let app = test_app(&dir);
    let dist = dir.path().join("dist");
    std::fs::write(dist.join("app_bg.wasm"), b"\0asm-raw").unwrap();
    std::fs::write(dist.join("app_bg.wasm.gz"), b"gzipped-bytes").unwrap();
    std::fs::write(dist.join("app_bg.wasm.br"), b"brotli-bytes").unwrap();
    for (accepted, coding, bytes) in [
        ("gzip, deflate, br", "br", &b"brotli-bytes"[..]),
        ("gzip, deflate", "gzip", &b"gzipped-bytes"[..]),
    ] {
        let res = app
            .clone()
            .oneshot(
                Request::get("/app_bg.wasm")
                    .header(header::ACCEPT_ENCODING, accepted)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers()[header::CONTENT_ENCODING],
            coding,
            "{accepted}"
        );
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], bytes, "{accepted}");
    }
    // Without Accept-Encoding the plain file is sent.
    let res = app
        .oneshot(Request::get("/app_bg.wasm").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"\0asm-raw");
}

#[tokio::test]
async fn the_favicon_is_the_designers_icon_not_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let app = test_app(&dir);
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    std::fs::write(dir.path().join("dist/favicon.svg"), svg).unwrap();
    for path in ["/favicon.ico", "/favicon.svg"] {
        let (status, ctype, body) =
            send(app.clone(), Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(ctype, "image/svg+xml", "{path}");
        assert_eq!(body, svg, "{path}");
    }
    // The icon the frontend links is the one Trunk copies into the build.
    let index = include_str!("../../frontend/index.html");
    assert!(index.contains(r#"<link data-trunk rel="copy-file" href="favicon.svg" />"#));
    assert!(index.contains(r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml" />"#));
    let icon = include_str!("../../frontend/favicon.svg");
    assert!(icon.starts_with("<svg"));
}
