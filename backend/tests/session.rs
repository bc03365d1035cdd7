//! Login with cookies, the double-submit CSRF rule, bearer tokens, logout, deleted accounts.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{send, workflow, Env, Resp, PASSWORD};
use fachwerk_backend::users::Role;
use serde_json::json;

async fn login(env: &Env, user: &str, password: &str) -> Resp {
    let body = json!({ "username": user, "password": password }).to_string();
    send(
        &env.app,
        Request::post("/api/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// `name=value` of each Set-Cookie header, plus the full header lines.
fn cookies(r: &Resp) -> Vec<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn cookie_value(set_cookies: &[String], name: &str) -> String {
    let line = set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap();
    line.split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string()
}

fn with_cookies(
    method: Method,
    uri: &str,
    session: &str,
    csrf_cookie: &str,
    csrf_header: Option<&str>,
    body: Option<String>,
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri).header(
        header::COOKIE,
        format!("fachwerk_session={session}; fachwerk_csrf={csrf_cookie}"),
    );
    if let Some(h) = csrf_header {
        req = req.header("x-csrf-token", h);
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    req.body(body.map(Body::from).unwrap_or_else(Body::empty))
        .unwrap()
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_for_writes() {
    let env = Env::new();
    env.token("erika", Role::Editor).await;
    let r = login(&env, "erika", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let set = cookies(&r);
    let session_line = set
        .iter()
        .find(|c| c.starts_with("fachwerk_session="))
        .unwrap();
    assert!(
        session_line.contains("HttpOnly")
            && session_line.contains("SameSite=Strict")
            && session_line.contains("Path=/")
    );
    assert!(!session_line.contains("Secure"));
    let csrf_line = set
        .iter()
        .find(|c| c.starts_with("fachwerk_csrf="))
        .unwrap();
    assert!(
        !csrf_line.contains("HttpOnly"),
        "the CSRF cookie must be readable by the app"
    );
    let (session, csrf) = (
        cookie_value(&set, "fachwerk_session"),
        cookie_value(&set, "fachwerk_csrf"),
    );
    assert_eq!(r.json()["csrfToken"], csrf.as_str());
    assert_eq!(r.json()["role"], "editor");

    // Reads need no CSRF header.
    let r = send(
        &env.app,
        with_cookies(Method::GET, "/api/session", &session, &csrf, None, None),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["username"], "erika");

    // A state-changing request authenticated by cookie without the header: 403.
    let body = Some(workflow("csrf", "x"));
    let r = send(
        &env.app,
        with_cookies(
            Method::POST,
            "/api/drafts",
            &session,
            &csrf,
            None,
            body.clone(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.json()["detail"].as_str().unwrap().contains("CSRF"));
    // A wrong header, or header and cookie agreeing on a value that is not the session's: 403.
    let r = send(
        &env.app,
        with_cookies(
            Method::POST,
            "/api/drafts",
            &session,
            &csrf,
            Some("falsch"),
            body.clone(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &env.app,
        with_cookies(
            Method::POST,
            "/api/drafts",
            &session,
            "gleich",
            Some("gleich"),
            body.clone(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(env
        .get("/api/drafts", Some(&env.token("erika", Role::Editor).await))
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    // With the header: accepted.
    let r = send(
        &env.app,
        with_cookies(
            Method::POST,
            "/api/drafts",
            &session,
            &csrf,
            Some(&csrf),
            body.clone(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // A bearer token (created in the session) needs no CSRF header.
    let r = send(
        &env.app,
        with_cookies(
            Method::POST,
            "/api/tokens",
            &session,
            &csrf,
            Some(&csrf),
            Some(r#"{"label":"CLI"}"#.into()),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let token = r.json()["token"].as_str().unwrap().to_string();
    let r = env
        .call(Method::POST, "/api/drafts", Some(&token), body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // Tokens are stored hashed only.
    let stored = stored_state(&env.data());
    assert!(!stored.contains(&token));

    // Logout ends the session.
    let r = send(
        &env.app,
        with_cookies(
            Method::DELETE,
            "/api/session",
            &session,
            &csrf,
            Some(&csrf),
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(cookies(&r).iter().all(|c| c.contains("Max-Age=0")));
    let r = send(
        &env.app,
        with_cookies(Method::GET, "/api/session", &session, &csrf, None, None),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.header("content-type"), "application/problem+json");
}

#[tokio::test]
async fn wrong_credentials_secure_cookies_and_deleted_accounts() {
    let env = Env::with(|c| c.secure_cookies = true);
    let u = env.users().await;
    for (user, pw) in [
        ("erika", "falsches-passwort"),
        ("niemand", PASSWORD),
        ("erika", ""),
    ] {
        let r = login(&env, user, pw).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{user}");
        assert_eq!(r.json()["detail"], "Benutzername oder Passwort ist falsch.");
    }
    let r = login(&env, "admin", common::ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(cookies(&r).iter().all(|c| c.contains("; Secure")));
    assert_eq!(
        env.get("/api/session", Some("fw_unbekannt")).await.status,
        StatusCode::UNAUTHORIZED
    );

    // An admin creates an account with a generated password; it can log in.
    let r = env
        .post(
            "/api/users",
            Some(&u.admin),
            json!({ "name": "neu", "role": "reviewer" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let pw = r.json()["password"].as_str().unwrap().to_string();
    assert_eq!(login(&env, "neu", &pw).await.json()["role"], "reviewer");
    assert_eq!(
        env.post(
            "/api/users",
            Some(&u.admin),
            json!({ "name": "neu", "role": "editor" })
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let r = env
        .post(
            "/api/users",
            Some(&u.admin),
            json!({ "name": "kurz", "role": "editor", "password": "kurz" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let stored = stored_state(&env.data());
    assert!(!stored.contains(&pw) && stored.contains("$argon2id$"));

    // Deleting an account ends its tokens; the last admin cannot be deleted.
    assert_eq!(
        env.call(Method::DELETE, "/api/users/otto", Some(&u.admin), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        env.get("/api/session", Some(&u.other)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        env.call(Method::DELETE, "/api/users/admin", Some(&u.admin), None)
            .await
            .status,
        StatusCode::CONFLICT
    );
    let names: Vec<String> = env
        .get("/api/users", Some(&u.admin))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"admin".to_string()) && !names.contains(&"otto".to_string()));
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let env = Env::new();
    let r = env.get("/api/health", None).await;
    assert_eq!(r.header("x-request-id").len(), 36, "a UUID");
    let r = send(
        &env.app,
        Request::get("/api/health")
            .header("x-request-id", "abc-123")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.header("x-request-id"), "abc-123");
}

/// Everything the database keeps on disk (the SQLite file and its write-ahead log), as text.
fn stored_state(data: &std::path::Path) -> String {
    let db = data.join(fachwerk_backend::db::SQLITE_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    let mut wal = db.into_os_string();
    wal.push("-wal");
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn not_being_logged_in_is_an_answer_not_an_error() {
    let env = Env::new();
    let u = env.users().await;
    // A page load while logged out: 200, no console error.
    let r = env.get("/api/session", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Beside it, how one may log in (password form, single sign-on).
    assert_eq!(
        r.json(),
        json!({ "loggedIn": false, "passwordLogin": true, "sso": false })
    );
    // Logged in: the account beside `loggedIn`.
    let r = env.get("/api/session", Some(&u.editor)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["loggedIn"], true);
    assert_eq!(r.json()["username"], "erika");
    assert_eq!(r.json()["role"], "editor");
    // Credentials that are wrong stay an error.
    assert_eq!(
        env.get("/api/session", Some("fw_unbekannt")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = send(
        &env.app,
        with_cookies(Method::GET, "/api/session", "abgelaufen", "x", None, None),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The templates are browsable without login, without the sources' addresses.
    let r = env.get("/api/templates", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let templates = r.json();
    let list = templates.as_array().unwrap();
    assert!(
        list.iter().any(|t| t["key"] == "beschaffung"),
        "{templates}"
    );
    assert!(list.iter().all(|t| t["source"]["url"] == ""), "{templates}");
}
