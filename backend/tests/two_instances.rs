//! Two `fachwerk serve` processes on one PostgreSQL database and one catalogue share what a
//! load balancer spreads over them: a session cookie from A is valid on B, a logout on B ends
//! it on A, the login back-off started by failures on A refuses the account on B, and the
//! anonymous validation allowance of an address is one for both. A publication crosses them
//! with browser sessions (log in on A, save on B, request on A, approve on B), 50 concurrent
//! saves alternating between them all arrive, and the catalogue reaches the remote they share
//! with one push at a time. (50 racing approvals across two processes: `multi_process.rs`.)
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::db_support;
use crate::git_http;
use crate::server_support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::json;
use server_support::{
    bearer, http, start, start_with_env, token_for, wait_ready, Reply, ADMIN_PASSWORD,
};

async fn login(addr: std::net::SocketAddr, password: &str) -> Reply {
    login_as(addr, "admin", password).await
}

async fn login_as(addr: std::net::SocketAddr, user: &str, password: &str) -> Reply {
    let body = json!({ "username": user, "password": password }).to_string();
    http(addr, "POST", "/api/session", &[], Some(body))
        .await
        .unwrap()
}

/// The headers a browser sends with a session: its cookies and the CSRF token.
fn session_headers(login: &Reply) -> Vec<(&'static str, String)> {
    let cookie = login
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let csrf = login.json()["csrfToken"].as_str().unwrap().to_string();
    vec![("Cookie", cookie), ("X-CSRF-Token", csrf)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_publication_crosses_instances_by_session_and_reaches_the_remote_once() {
    let url = db_support::postgres_url().await;
    let root = tempfile::tempdir().unwrap();
    let remote = git_http::bare_repo(root.path(), "katalog.git");
    let token = "glpat-zwei-instanzen";
    // Each request is held 150 ms: two pushes at once would overlap at the remote.
    let server =
        git_http::GitHttp::start_with_delay(root.path(), token, Duration::from_millis(150)).await;
    let remote_url = server.url("katalog.git");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let args = ["--database", url.as_str(), "--remote", remote_url.as_str()];
    let env = [("FACHWERK_REMOTE_TOKEN", token)];
    let (mut first, a) = start_with_env(&data, &tmp.path().join("log-a"), &args, &env);
    wait_ready(a).await;
    let (mut second, b) = start_with_env(&data, &tmp.path().join("log-b"), &args, &env);
    wait_ready(b).await;

    let admin = token_for(a, "admin", ADMIN_PASSWORD).await;
    for (name, role) in [("erika", "editor"), ("rudi", "reviewer")] {
        let body = json!({ "name": name, "role": role, "password": common::PASSWORD });
        let r = http(
            b,
            "POST",
            "/api/users",
            &[bearer(&admin)],
            Some(body.to_string()),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
    }
    // Log in on A, save on B, request on A, approve on B (logged in there).
    let r = login_as(a, "erika", common::PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let erika = session_headers(&r);
    let workflow = common::workflow("quer", "Über zwei Instanzen.");
    let r = http(b, "POST", "/api/drafts", &erika, Some(workflow))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    let draft = r.json()["id"].as_str().unwrap().to_string();
    let body = json!({ "draftId": draft, "note": "über A beantragt" }).to_string();
    let r = http(a, "POST", "/api/publications", &erika, Some(body))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = login_as(b, "rudi", common::PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rudi = session_headers(&r);
    let path = format!("/api/publications/{id}/approve");
    let r = http(b, "POST", &path, &rudi, Some("{}".into()))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["published"]["tag"], "quer/v1.0.0", "{}", r.body);

    // 50 saves at once, alternating between the instances, with the one session: none lost.
    let mut saves = tokio::task::JoinSet::new();
    for n in 0..50 {
        let (server, headers) = ([a, b][n % 2], erika.clone());
        saves.spawn(async move {
            let w = common::workflow(&format!("stapel-{n}"), &format!("Fassung {n}."));
            let r = http(server, "POST", "/api/drafts", &headers, Some(w))
                .await
                .unwrap();
            assert_eq!(r.status, 201, "save {n}: {}", r.body);
            (n, r.json()["id"].as_str().unwrap().to_string())
        });
    }
    let saved = saves.join_all().await;
    for server in [a, b] {
        let r = http(server, "GET", "/api/drafts", &erika, None)
            .await
            .unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
        let listed: Vec<String> = r
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        for (n, id) in &saved {
            assert!(listed.contains(id), "save {n} is missing on {server}");
        }
    }
    for (n, id) in &saved {
        let server = [b, a][n % 2];
        let r = http(server, "GET", &format!("/api/drafts/{id}"), &erika, None)
            .await
            .unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["workflow"]["description"], format!("Fassung {n}."));
    }

    // The remote got the publication; both instances show it pushed; never two pushes at once.
    let until = Instant::now() + Duration::from_secs(60);
    let status = |server| {
        let admin = admin.clone();
        async move {
            let r = http(server, "GET", "/api/remote", &[bearer(&admin)], None)
                .await
                .unwrap();
            assert_eq!(r.status, 200, "{}", r.body);
            r.json()
        }
    };
    let catalog = data.join("catalog.git");
    let refs = |dir: &std::path::Path| {
        common::git(&[
            "--git-dir",
            dir.to_str().unwrap(),
            "for-each-ref",
            "--format=%(refname) %(objectname)",
            "refs/heads/main",
            "refs/tags",
        ])
    };
    loop {
        let (sa, sb) = (status(a).await, status(b).await);
        if (sa["state"] == "ok" && sb["state"] == "ok") || Instant::now() > until {
            assert_eq!(sa["state"], "ok", "{sa}");
            assert_eq!(sb["state"], "ok", "{sb}");
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(refs(&remote).contains("refs/tags/quer/v1.0.0"));
    assert_eq!(refs(&remote), refs(&catalog));
    assert_eq!(server.stats.max_in_flight.load(Ordering::SeqCst), 1);
    common::assert_fsck_clean(&catalog);
    common::assert_fsck_clean(&remote);

    for server in [&mut first, &mut second] {
        server.kill().unwrap();
        server.wait().unwrap();
    }
}
