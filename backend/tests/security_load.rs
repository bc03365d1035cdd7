//! CPU-heavy work off the async workers and anonymous validation rate-limited (issue 16
//! item 2); login back-off (item 3).
#![allow(clippy::unwrap_used)]

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::{send, Env, ADMIN_PASSWORD};
use serde_json::json;

fn from(ip: [u8; 4], req: Request<Body>) -> Request<Body> {
    let mut req = req;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    req
}

fn validate(ip: [u8; 4], token: Option<&str>, body: String) -> Request<Body> {
    let mut req =
        Request::post("/api/workflows/validate").header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    from(ip, req.body(Body::from(body)).unwrap())
}

#[tokio::test]
async fn anonymous_validation_is_limited_per_client_address() {
    let env = Env::new();
    let u = env.users().await;
    let w = common::workflow("pruefung", "x");
    let limit = fachwerk_backend::security::ANONYMOUS_VALIDATIONS_PER_MINUTE;
    for _ in 0..limit {
        let r = send(&env.app, validate([10, 0, 0, 1], None, w.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = send(&env.app, validate([10, 0, 0, 1], None, w.clone())).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(r.header("content-type"), "application/problem+json");
    let retry: u64 = r.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(
        r.json()["detail"].as_str().unwrap().contains("Sekunden"),
        "{}",
        r.text
    );
    // Another address, and logged-in users, are not affected.
    let r = send(&env.app, validate([10, 0, 0, 2], None, w.clone())).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(
        &env.app,
        validate([10, 0, 0, 1], Some(&u.editor), w.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

/// On a single async worker, a health check must be answered while a large validation runs:
/// only possible if the validation runs elsewhere (the CPU pool).
#[tokio::test(flavor = "current_thread")]
async fn health_is_answered_while_a_large_validation_runs() {
    let env = Env::new();
    let big = fachwerk_shared::to_canonical_json(&fachwerk_shared::generate::synthetic(3000, 7));
    assert!(big.len() > 1_000_000, "{}", big.len());
    let app = env.app.clone();
    let started = Instant::now();
    let validation = tokio::spawn(async move {
        let r = send(&app, validate([10, 0, 0, 3], None, big)).await;
        (r.status, started.elapsed())
    });
    // Let the validation start first.
    tokio::task::yield_now().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let health = send(
        &env.app,
        Request::get("/api/health").body(Body::empty()).unwrap(),
    )
    .await;
    let health_at = started.elapsed();
    assert_eq!(health.status, StatusCode::OK);
    let (status, validation_at) = validation.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(
        health_at < validation_at,
        "health answered after {health_at:?}, the validation after {validation_at:?}"
    );
}

fn login(ip: [u8; 4], user: &str, password: &str) -> Request<Body> {
    let body = json!({ "username": user, "password": password }).to_string();
    from(
        ip,
        Request::post("/api/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap(),
    )
}

#[tokio::test]
async fn wrong_passwords_make_the_account_wait_longer_and_longer() {
    let env = Env::new();
    let attacker = [10, 0, 0, 5];
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(
            send(&env.app, login(attacker, "admin", "falsch-falsch-falsch"))
                .await
                .status,
        );
    }
    assert_eq!(statuses[..4], [StatusCode::UNAUTHORIZED; 4]);
    assert!(
        statuses[4..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Now even the right password waits, from any address: the back-off is per account.
    for ip in [attacker, [10, 0, 0, 9]] {
        let r = send(&env.app, login(ip, "admin", ADMIN_PASSWORD)).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        assert_eq!(r.header("retry-after"), "1");
        assert_eq!(
            r.json()["detail"],
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte in 1 Sekunde erneut versuchen."
        );
        assert!(r.header("set-cookie").is_empty());
    }
    // Other accounts from the attacker's address are not yet blocked (4 failures of 10).
    let r = send(&env.app, login(attacker, "niemand", "falsch-falsch-falsch")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // After the wait, the right password works and clears the account's count.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = send(&env.app, login(attacker, "admin", ADMIN_PASSWORD)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = send(&env.app, login(attacker, "admin", "falsch-falsch-falsch")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_slowed_down() {
    let env = Env::new();
    let sprayer = [10, 0, 0, 6];
    for i in 0..11 {
        let r = send(
            &env.app,
            login(sprayer, &format!("konto{i}"), "Sommer2026!"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = send(&env.app, login(sprayer, "admin", ADMIN_PASSWORD)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    // The account itself is fine from elsewhere.
    let r = send(&env.app, login([10, 0, 0, 7], "admin", ADMIN_PASSWORD)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}
