//! Single sign-on seen from the API, without a provider (the full flow against a real one is
//! e2e/tests/sso.rs): what `/api/session` tells the login dialog, password logins switched
//! off, the callback's refusals before any provider is asked, the login start with the
//! provider down, and no password reset for accounts of single sign-on.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{send, Env, ADMIN_PASSWORD};
use fachwerk_backend::db::SsoLogin;
use fachwerk_backend::oidc::{account_id, OidcConfig};
use fachwerk_backend::users::Role;
use fachwerk_backend::Config;
use serde_json::json;

/// A provider nobody listens at.
const ISSUER: &str = "http://127.0.0.1:9";

fn sso(c: &mut Config) {
    c.oidc = Some(OidcConfig::new(ISSUER, "fachwerk", "http://fachwerk.test"));
}

#[tokio::test]
async fn the_session_state_tells_how_to_log_in() {
    let plain = Env::new();
    let s = plain.get("/api/session", None).await.json();
    assert_eq!(
        (&s["sso"], &s["passwordLogin"]),
        (&json!(false), &json!(true))
    );

    let env = Env::with(|c| {
        sso(c);
        c.local_accounts = false;
    });
    let s = env.get("/api/session", None).await.json();
    assert_eq!(
        (&s["sso"], &s["passwordLogin"]),
        (&json!(true), &json!(false))
    );
    // The right password does not help when password logins are off.
    let body = json!({ "username": "admin", "password": ADMIN_PASSWORD }).to_string();
    let r = env
        .call(Method::POST, "/api/session", None, Some(body))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("Single Sign-on"));
    assert!(r.header("set-cookie").is_empty());
}

/// The callback as the browser calls it (a navigation: `Accept: text/html`).
async fn callback(env: &Env, query: &str, cookie: Option<&str>) -> common::Resp {
    let mut req = Request::builder()
        .uri(format!("/api/oidc/callback?{query}"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    send(&env.app, req.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn the_callback_refuses_foreign_and_unknown_logins() {
    let env = Env::with(sso);
    // Not started in this browser (no cookie), or started with another state.
    for cookie in [None, Some("fachwerk_oidc=anderer-state")] {
        let r = callback(&env, "code=c&state=mein-state", cookie).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert!(r.header("content-type").starts_with("text/html"));
        assert!(
            r.text.contains("in einem anderen Browser begonnen"),
            "{}",
            r.text
        );
        assert!(!r.text.contains("fachwerk_session"));
    }
    // Matching cookie, but no such login was started (or it was used already).
    let r = callback(&env, "code=c&state=s1", Some("fachwerk_oidc=s1")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    // The provider refused; its error text is not echoed as markup.
    let r = callback(&env, "error=%3Cb%3Eaccess_denied", Some("fachwerk_oidc=s1")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert!(r.text.contains("&lt;b&gt;access_denied"), "{}", r.text);
    // Every answer of the callback ends the browser's login cookie.
    assert!(r.header("set-cookie").starts_with("fachwerk_oidc=;"));
    // A client that does not ask for HTML gets problem+json, as from every API route.
    let r = env.get("/api/oidc/callback?code=c&state=s1", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.json()["detail"].as_str().unwrap().contains("abgelaufen"));
}

#[tokio::test]
async fn the_login_start_reports_an_unreachable_provider() {
    let env = Env::with(sso);
    let r = env.get("/api/oidc/login", None).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.text);
    let detail = r.json()["detail"].as_str().unwrap().to_string();
    assert!(
        detail.contains("Identitätsanbieter ist nicht erreichbar"),
        "{detail}"
    );
    assert!(r.header("set-cookie").is_empty());
    // Without single sign-on the routes do not exist.
    let plain = Env::new();
    assert_eq!(
        plain.get("/api/oidc/login", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn accounts_of_single_sign_on_get_no_password() {
    let env = Env::with(sso);
    let admin = env.token("admin", Role::Admin).await;
    let id = account_id(ISSUER, "s-1");
    let names = vec!["sso-user".to_string()];
    let login = SsoLogin {
        account_id: &id,
        issuer: ISSUER,
        subject: "s-1",
        names: &names,
        role: Role::Editor,
    };
    env.state.db.sso_login(&login).await.unwrap().unwrap();
    let r = env
        .post(
            "/api/users/sso-user/password-reset",
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let body = json!({ "username": "sso-user", "password": "!sso" }).to_string();
    let r = env
        .call(Method::POST, "/api/session", None, Some(body))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
}
