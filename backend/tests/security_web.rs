//! Security of the web surface: login CSRF (issue 16 item 6), response headers, cookies, file
//! permissions and the bootstrap password (item 9), and invalid keys (item 10).
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::live;

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{send, Env, ADMIN_PASSWORD};
use serde_json::json;

fn login_request(content_type: &str, origin: Option<&str>) -> Request<Body> {
    let body = json!({ "username": "admin", "password": ADMIN_PASSWORD }).to_string();
    let mut req = Request::post("/api/session")
        .header(header::HOST, "fachwerk.example:8080")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(o) = origin {
        req = req.header(header::ORIGIN, o);
    }
    req.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn login_from_a_foreign_form_sets_no_cookie() {
    let env = Env::new();
    // A cross-site form can only send text/plain (no preflight): refused before the password.
    let r = send(&env.app, login_request("text/plain", None)).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.header("set-cookie").is_empty());

    let evil = Some("https://evil.example");
    let r = send(&env.app, login_request("application/json", evil)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("fremden Seite"));
    assert!(r.header("set-cookie").is_empty());
    let r = send(&env.app, login_request("application/json", Some("null"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // The designer itself (same origin) and API clients without Origin log in.
    let own = Some("http://fachwerk.example:8080");
    let r = send(&env.app, login_request("application/json", own)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!r.header("set-cookie").is_empty());
    let r = send(
        &env.app,
        login_request("application/json; charset=utf-8", None),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_foreign_origin_cannot_change_anything_even_with_a_token() {
    let env = Env::new();
    let u = env.users().await;
    let req = Request::post("/api/drafts")
        .header(header::HOST, "fachwerk.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::AUTHORIZATION, format!("Bearer {}", u.editor))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(common::workflow("fremd", "x")))
        .unwrap();
    let r = send(&env.app, req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let dist = tempfile::tempdir().unwrap();
    let env = Env::with(|c| {
        // What Trunk writes: an external script and its inline module loader.
        std::fs::write(
            dist.path().join("index.html"),
            "<html><head><script src=\"/errors.js\"></script><script type=\"module\">import init from '/app.js';await init();</script></head></html>",
        )
        .unwrap();
        c.dist_dir = Some(dist.path().to_path_buf());
    });
    for uri in ["/api/health", "/api/nichts", "/", "/entwuerfe"] {
        let r = env.get(uri, None).await;
        let csp = r.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(csp.contains("default-src 'self'"), "{uri}: {csp}");
        let script_src = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{uri}: {csp}");
        // Only the loader's hash (sha256 of its exact text) is allowed inline.
        assert!(script_src.contains("'sha256-"), "{uri}: {csp}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(r.header("referrer-policy"), "no-referrer", "{uri}");
    }
}

#[test]
fn the_frontend_pages_have_no_inline_script() {
    for page in [
        "index.html",
        "applicant.html",
        "cases.html",
        "publishing.html",
    ] {
        let html =
            std::fs::read_to_string(format!("{}/../frontend/{page}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        for tag in html.split("<script").skip(1) {
            let open = tag.split('>').next().unwrap();
            assert!(
                open.contains("src="),
                "inline script in frontend/{page}: <script{open}>"
            );
        }
    }
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn data_files_are_private_to_the_server_account() {
    let env = Env::new();
    let u = env.users().await;
    env.draft(&u.editor, &common::workflow("privat", "x")).await;
    let data = env.data();
    assert_eq!(mode(&data), 0o700);
    // The state is in the database (with its write-ahead log).
    let mut database_files = 0;
    for e in std::fs::read_dir(&data).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("fachwerk.sqlite3") {
            assert_eq!(mode(&path), 0o600, "{name}");
            database_files += 1;
        }
    }
    assert!(database_files >= 1);
}

#[tokio::test]
async fn the_generated_admin_password_goes_to_a_private_file_not_stdout() {
    let server = live::Server::start("127.0.0.1:0", &[], &[]);
    let file = server.data_dir().join("admin-passwort.txt");
    assert_eq!(mode(&file), 0o600);
    let password = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert_eq!(password.len(), 20);
    assert!(!server.stdout.contains(&password), "{}", server.stdout);
    assert!(
        server.stdout.contains("admin-passwort.txt"),
        "{}",
        server.stdout
    );
    let r = live::login(server.addr, "admin", &password).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // On loopback, cookies need no `Secure` (plain http to localhost).
    assert!(r.all("set-cookie").iter().all(|c| !c.contains("Secure")));
}

#[tokio::test]
async fn cookies_are_secure_unless_the_server_listens_on_loopback_only() {
    let env = [("FACHWERK_ADMIN_PASSWORD", ADMIN_PASSWORD)];
    let server = live::Server::start("0.0.0.0:0", &[], &env);
    let r = live::login(server.addr, "admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cookies = r.all("set-cookie");
    assert_eq!(cookies.len(), 2);
    assert!(
        cookies.iter().all(|c| c.contains("; Secure")),
        "{cookies:?}"
    );

    let server = live::Server::start("0.0.0.0:0", &["--no-secure-cookies"], &env);
    let r = live::login(server.addr, "admin", ADMIN_PASSWORD).await;
    assert!(r.all("set-cookie").iter().all(|c| !c.contains("Secure")));
    let server = live::Server::start("127.0.0.1:0", &["--secure-cookies"], &env);
    let r = live::login(server.addr, "admin", ADMIN_PASSWORD).await;
    assert!(r.all("set-cookie").iter().all(|c| c.contains("; Secure")));
}

#[tokio::test]
async fn a_half_sent_request_is_cut_off() {
    let env = Env::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let timeout = Duration::from_secs(1);
    let server = tokio::spawn(fachwerk_backend::server::serve(
        listener,
        env.app.clone(),
        timeout,
        std::future::pending(),
    ));
    let started = Instant::now();
    // The head never ends (no empty line).
    let reply = live::raw(
        addr,
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n",
    )
    .await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "connection held for {took:?}"
    );
    if let Some(r) = reply {
        assert_eq!(r.status, 408);
    }
    // Whole requests are answered as before.
    let r = live::http(addr, "GET", "/api/health", &[], None).await;
    assert_eq!(r.status, 200);
    server.abort();
}

#[tokio::test]
async fn drafts_from_an_invalid_key_are_not_found() {
    let env = Env::new();
    let u = env.users().await;
    for key in [
        "urlaubsantrag%00",
        "..%2Fetc",
        "a%20b",
        "%C3%BC",
        "validate",
        "-x",
    ] {
        let r = env
            .call(
                axum::http::Method::POST,
                &format!("/api/drafts?from={key}"),
                Some(&u.editor),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{key}: {}", r.text);
        assert_eq!(r.header("content-type"), "application/problem+json");
    }
}
