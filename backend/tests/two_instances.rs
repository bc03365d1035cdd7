//! Two `fachwerk serve` processes on one PostgreSQL database and one catalogue share what a
//! load balancer spreads over them: a session cookie from A is valid on B, a logout on B ends
//! it on A, the login back-off started by failures on A refuses the account on B, and the
//! anonymous validation allowance of an address is one for both.
//! (Publishing across two processes: `multi_process.rs`.)
#![allow(clippy::unwrap_used)]

mod common;
mod db_support;
mod server_support;

use std::time::Duration;

use serde_json::json;
use server_support::{http, start, wait_ready, Reply, ADMIN_PASSWORD};

async fn login(addr: std::net::SocketAddr, password: &str) -> Reply {
    let body = json!({ "username": "admin", "password": password }).to_string();
    http(addr, "POST", "/api/session", &[], Some(body))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_back_off_and_rate_limit_hold_across_instances() {
    let url = db_support::postgres_url().await;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let args = ["--database", url.as_str()];
    let (mut first, a) = start(&data, &tmp.path().join("log-a"), &args);
    wait_ready(a).await;
    let (mut second, b) = start(&data, &tmp.path().join("log-b"), &args);
    wait_ready(b).await;

    // Logged in on A, the cookie works on B; logged out on B, it is gone on A.
    let r = login(a, ADMIN_PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cookie = r
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let csrf = r.json()["csrfToken"].as_str().unwrap().to_string();
    let session = [("Cookie", cookie.clone())];
    let r = http(b, "GET", "/api/session", &session, None)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["loggedIn"], true, "{}", r.body);
    let logout = [("Cookie", cookie.clone()), ("X-CSRF-Token", csrf)];
    let r = http(b, "DELETE", "/api/session", &logout, None)
        .await
        .unwrap();
    assert!(r.ok(), "{} {}", r.status, r.body);
    let r = http(a, "GET", "/api/session", &session, None)
        .await
        .unwrap();
    assert_eq!(
        r.status, 401,
        "the session ended on B still works on A: {}",
        r.body
    );

    // Three free failures on A; the fourth starts a back-off of 1 s, the fifth 2 s, the sixth 4 s.
    for n in 1..=6 {
        let r = login(a, "falsches-passwort").await;
        assert_eq!(r.status, 401, "failure {n}: {}", r.body);
        // Wait out the back-off of failures 4 (1 s) and 5 (2 s); the sixth starts 4 s.
        if n == 4 || n == 5 {
            tokio::time::sleep(Duration::from_millis(1100 << (n - 4))).await;
        }
    }
    let r = login(a, "falsches-passwort").await;
    assert_eq!(r.status, 429, "{}", r.body);
    // B has seen none of these failures itself, and still refuses — even the right password.
    let r = login(b, ADMIN_PASSWORD).await;
    assert_eq!(r.status, 429, "B does not share the back-off: {}", r.body);
    let retry: u64 = r
        .headers
        .iter()
        .find(|(k, _)| k == "retry-after")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap();
    assert!((1..=16).contains(&retry), "retry-after {retry}");

    // Anonymous validation: 30 a minute per address, whichever instance answers.
    let workflow = common::workflow("zaehlung", "Zählung");
    for n in 0..30 {
        let server = [a, b][n % 2];
        let r = http(
            server,
            "POST",
            "/api/workflows/validate",
            &[],
            Some(workflow.clone()),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200, "validation {n}: {}", r.body);
    }
    for server in [a, b] {
        let r = http(
            server,
            "POST",
            "/api/workflows/validate",
            &[],
            Some(workflow.clone()),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 429, "the allowance is not shared: {}", r.body);
    }

    first.kill().unwrap();
    second.kill().unwrap();
    first.wait().unwrap();
    second.wait().unwrap();
}
