//! A frontend compiled into the binary is served like a `dist/` folder: the entry page at `/`
//! and for every client-side route, assets with their content type and their precompressed
//! `.br` or `.gz` twin, `favicon.ico` as the SVG icon, ETags, and a Content-Security-Policy that allows
//! exactly the entry page's inline script. The test embeds a small fixture with the same
//! mechanism the `embed-frontend` feature uses for the real `dist/`.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use base64::Engine;
use common::{send, Env, Resp};
use fachwerk_backend::frontend::EmbeddedDist;
use sha2::Digest;

#[derive(rust_embed::RustEmbed)]
#[folder = "tests/fixtures/embedded-dist"]
struct Fixture;

fn env() -> Env {
    Env::with(|c| {
        c.dist_dir = None;
        c.embedded_dist = Some(EmbeddedDist { get: Fixture::get });
    })
}

async fn get(env: &Env, uri: &str, headers: &[(header::HeaderName, &str)]) -> Resp {
    let mut req = Request::builder().method(Method::GET).uri(uri);
    for (k, v) in headers {
        req = req.header(k, *v);
    }
    send(&env.app, req.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn the_embedded_frontend_is_served_like_dist() {
    let env = env();
    let index = std::fs::read_to_string("tests/fixtures/embedded-dist/index.html").unwrap();

    let r = get(&env, "/", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.header("content-type").starts_with("text/html"),
        "{:?}",
        r.headers
    );
    assert_eq!(r.text, index);
    // A client-side route survives a reload; the API stays the API.
    let r = get(&env, "/entwurf/123", &[]).await;
    assert_eq!(
        (r.status, r.text.as_str()),
        (StatusCode::OK, index.as_str())
    );
    let r = get(&env, "/api/gibt-es-nicht", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.header("content-type").contains("problem+json"));

    let js = std::fs::read("tests/fixtures/embedded-dist/fachwerk-test.js").unwrap();
    let gz = std::fs::read("tests/fixtures/embedded-dist/fachwerk-test.js.gz").unwrap();
    let plain = get(&env, "/fachwerk-test.js", &[]).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(
        plain.header("content-type").contains("javascript"),
        "{:?}",
        plain.headers
    );
    assert_eq!(plain.text.as_bytes(), js.as_slice());
    assert_eq!(plain.header("content-encoding"), "");
    // Brotli where the client takes it (browsers over HTTPS), else gzip.
    let br = std::fs::read("tests/fixtures/embedded-dist/fachwerk-test.js.br").unwrap();
    let brotli = get(
        &env,
        "/fachwerk-test.js",
        &[(header::ACCEPT_ENCODING, "gzip, deflate, br")],
    )
    .await;
    assert_eq!(brotli.header("content-encoding"), "br");
    assert_eq!(
        brotli.text.as_bytes(),
        String::from_utf8_lossy(&br).as_bytes()
    );
    let zipped = get(
        &env,
        "/fachwerk-test.js",
        &[(header::ACCEPT_ENCODING, "br;q=0, gzip")],
    )
    .await;
    assert_eq!(zipped.header("content-encoding"), "gzip");
    assert_eq!(zipped.header("vary"), "accept-encoding");
    assert_eq!(
        zipped.text.as_bytes(),
        String::from_utf8_lossy(&gz).as_bytes()
    );
    let refused = get(
        &env,
        "/fachwerk-test.js",
        &[(header::ACCEPT_ENCODING, "gzip;q=0")],
    )
    .await;
    assert_eq!(refused.header("content-encoding"), "");

    // Revalidation: the same content answers 304.
    let etag = plain.header("etag");
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
    let again = get(
        &env,
        "/fachwerk-test.js",
        &[(header::IF_NONE_MATCH, etag.as_str())],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());

    let icon = get(&env, "/favicon.ico", &[]).await;
    assert_eq!(icon.status, StatusCode::OK);
    assert!(icon.header("content-type").starts_with("image/svg+xml"));

    // The designer's policy allows the entry page's inline script, and only by its hash.
    let script = "import init from '/fachwerk-test.js'; init();";
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
    let csp = get(&env, "/", &[]).await.header("content-security-policy");
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
}

/// The applicant's links get the applicant's own app (`frontend/applicant.html`, built into
/// `dist/antrag/`), the Arbeitskorb, a Vorgang and the organisation the case app
/// (`frontend/cases.html`, `dist/vorgaenge/`), drafts, requests, versions, the comparison and
/// templates the publishing app (`frontend/publishing.html`, `dist/katalog/`), from the
/// embedded frontend and from a `dist/` folder alike; the policy allows all four entry pages'
/// inline scripts.
#[tokio::test]
async fn applicant_links_and_case_screens_get_their_own_apps() {
    let read =
        |p: &str| std::fs::read_to_string(format!("tests/fixtures/embedded-dist/{p}")).unwrap();
    let (index, applicant, cases, publishing) = (
        read("index.html"),
        read("antrag/index.html"),
        read("vorgaenge/index.html"),
        read("katalog/index.html"),
    );
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        ("index.html", &index),
        ("antrag/index.html", &applicant),
        ("vorgaenge/index.html", &cases),
        ("katalog/index.html", &publishing),
    ] {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let from_disk = Env::with(|c| c.dist_dir = Some(dir.path().to_path_buf()));
    let hash = |s: &str| base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s));
    for env in [&env(), &from_disk] {
        let expected = [
            ("/antwort/aB3-x_9", &applicant),
            ("/rueckfrage/aB3", &applicant),
            ("/status/St4tus?lang=en", &applicant),
            ("/arbeitskorb", &cases),
            ("/vorgang/neu", &cases),
            ("/vorgang/c-17", &cases),
            ("/organisation", &cases),
            ("/entwuerfe", &publishing),
            ("/freigaben/p-1/vergleich", &publishing),
            ("/versionen/urlaubsantrag/1.0.0", &publishing),
            ("/vergleich", &publishing),
            ("/vorlagen", &publishing),
            ("/vorlagenliste", &index),
            ("/", &index),
            ("/vorgangsliste", &index),
            ("/antworten", &index),
            ("/status", &index),
            ("/entwurf/vorgang", &index),
        ];
        for (uri, page) in expected {
            let r = get(env, uri, &[]).await;
            assert_eq!(
                (r.status, r.text.as_str()),
                (StatusCode::OK, page.as_str()),
                "{uri}"
            );
        }
        let csp = get(env, "/status/x", &[])
            .await
            .header("content-security-policy");
        for script in [
            "import init from '/fachwerk-test.js'; init();",
            "import init from '/antrag/fachwerk-applicant-test.js'; init();",
            "import init from '/vorgaenge/fachwerk-cases-test.js'; init();",
            "import init from '/katalog/fachwerk-publishing-test.js'; init();",
        ] {
            assert!(csp.contains(&format!("'sha256-{}'", hash(script))), "{csp}");
        }
    }
}

#[tokio::test]
async fn without_any_frontend_only_the_api_answers() {
    let env = Env::new();
    assert_eq!(get(&env, "/", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&env, "/api/health", &[]).await.status, StatusCode::OK);
}

/// Normal builds have no built-in frontend (the feature is for `cargo xtask dist`), so tests
/// and `cargo build` never need a built `dist/`.
#[test]
fn normal_builds_embed_nothing() {
    assert!(fachwerk_backend::frontend::built_in().is_none());
}
