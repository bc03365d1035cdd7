//! Pushing the catalogue to a real git smart-HTTP remote (`git http-backend` behind a token,
//! `git_http`): commits and tags arrive; with the remote down, publishing still works, the
//! failure is shown to admins, and the retry pushes once the remote is back; a wrong token is
//! refused visibly and never shows up anywhere; `fachwerk catalog push` pushes by hand and
//! its outcome is what the server shows; one push at a time across processes.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::git_http;
use crate::server_support;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::{assert_fsck_clean, git, workflow, Env};
use fachwerk_backend::repo::push::{Pusher, RemoteAuth};
use git_http::{bare_repo, GitHttp};
use serde_json::Value;

const TOKEN: &str = "glpat-Katalog-4711-geheim";

/// Polls `GET /api/remote` as admin until `done` holds (at most `secs`); returns the last
/// status.
async fn wait_status(env: &Env, admin: &str, secs: u64, done: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(secs);
    loop {
        let r = env.get("/api/remote", Some(admin)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let status = r.json();
        if done(&status) || Instant::now() > until {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn refs(git_dir: &Path) -> String {
    git(&[
        "--git-dir",
        git_dir.to_str().unwrap(),
        "for-each-ref",
        "--format=%(refname) %(objectname)",
        "refs/heads/main",
        "refs/tags",
    ])
}

/// Every file below `dir` (the database and its WAL) as lossy text.
fn all_text(dir: &Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_file() {
            out.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn secrets() -> [String; 2] {
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("oauth2:{TOKEN}"));
    [TOKEN.to_string(), basic]
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(&secret), "{what} shows the token: {text}");
    }
    assert!(!text.contains("geheim"), "{what} shows the token: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publications_arrive_at_a_git_http_remote_with_the_token() {
    let root = tempfile::tempdir().unwrap();
    let remote = bare_repo(root.path(), "katalog.git");
    let server = GitHttp::start(root.path(), TOKEN).await;
    let url = server.url("katalog.git");
    let env = Env::with(|c| {
        c.remote = Some(url.clone());
        c.remote_auth = Some(RemoteAuth::basic("oauth2", TOKEN));
    });
    let u = env.users().await;
    // At start the seeded catalogue goes out.
    let status = wait_status(&env, &u.admin, 30, |s| s["state"] == "ok").await;
    assert_eq!(status["state"], "ok", "{status}");
    assert_eq!(status["remote"], url.as_str());
    assert_eq!(refs(&remote), refs(&env.catalog()));

    let mut tag = String::new();
    for text in ["Erste Fassung.", "Zweite Fassung."] {
        let published = env
            .publish(&u.editor, &u.reviewer, &workflow("gespiegelt", text), "")
            .await;
        tag = published["published"]["tag"].as_str().unwrap().to_string();
        let status = wait_status(&env, &u.admin, 30, |s| {
            s["state"] == "ok" && refs(&remote).contains(&tag)
        })
        .await;
        assert_eq!(status["state"], "ok", "{status}");
        assert!(status["lastSuccess"].is_string(), "{status}");
        assert_eq!(status["attempts"], 0);
        // Commits and tags as in the catalogue: `main` at the same commit, the same tags.
        assert_eq!(refs(&remote), refs(&env.catalog()));
    }
    let remote_dir = remote.to_str().unwrap();
    let spec = format!("{tag}:workflows/gespiegelt/workflow.json");
    let shown = git(&["--git-dir", remote_dir, "show", &spec]);
    assert!(shown.contains("Zweite Fassung."), "{shown}");
    assert_fsck_clean(&remote);
    // Every request carried the token (none was refused); at least three pushes.
    assert_eq!(server.stats.refused.load(Ordering::SeqCst), 0);
    assert!(server.stats.pushes.load(Ordering::SeqCst) >= 3);
    // Neither the status nor the database holds the token.
    assert_no_secret("the status", &status_text(&env, &u.admin).await);
    assert_no_secret("the database", &all_text(&env.data()));
    // Only admins see the remote.
    for who in [&u.editor, &u.reviewer] {
        assert_eq!(
            env.get("/api/remote", Some(who)).await.status,
            StatusCode::FORBIDDEN
        );
    }
}

async fn status_text(env: &Env, admin: &str) -> String {
    env.get("/api/remote", Some(admin)).await.text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_that_is_down_never_blocks_publishing_and_gets_it_once_back() {
    let root = tempfile::tempdir().unwrap();
    let remote = bare_repo(root.path(), "katalog.git");
    let mut server = GitHttp::start(root.path(), TOKEN).await;
    server.stop().await;
    let url = server.url("katalog.git");
    let env = Env::with(|c| {
        c.remote = Some(url.clone());
        c.remote_auth = Some(RemoteAuth::bearer(TOKEN));
    });
    let u = env.users().await;

    let published = env
        .publish(
            &u.editor,
            &u.reviewer,
            &workflow("offline", "Während der Störung."),
            "",
        )
        .await;
    assert_eq!(published["status"], "published", "{published}");
    assert_eq!(
        env.get("/api/workflows/offline", None).await.status,
        StatusCode::OK
    );
    let status = wait_status(&env, &u.admin, 30, |s| s["state"] == "failed").await;
    assert_eq!(status["state"], "failed", "{status}");
    assert!(status["attempts"].as_u64().unwrap() >= 1, "{status}");
    assert!(status["nextRetry"].is_string(), "{status}");
    let error = status["lastError"].as_str().unwrap();
    assert!(error.contains("git push"), "{status}");
    assert_no_secret("the error", error);
    assert!(
        !refs(&remote).contains("offline/"),
        "nothing can have arrived"
    );

    // Back up: the next automatic retry (2 s, 4 s, … after the failures) pushes it.
    server.restart().await;
    let status = wait_status(&env, &u.admin, 60, |s| s["state"] == "ok").await;
    assert_eq!(status["state"], "ok", "{status}");
    assert!(status["lastError"].is_null(), "{status}");
    assert!(refs(&remote).contains("refs/tags/offline/v1.0.0"));
    assert_eq!(refs(&remote), refs(&env.catalog()));
    assert_fsck_clean(&remote);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_can_ask_for_a_push_now_and_only_with_a_remote() {
    let env = Env::new();
    let u = env.users().await;
    let r = env
        .post("/api/remote/push", Some(&u.admin), serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(
        env.get("/api/remote", Some(&u.admin)).await.json()["state"],
        "disabled"
    );

    let root = tempfile::tempdir().unwrap();
    let remote = bare_repo(root.path(), "k.git");
    let server = GitHttp::start(root.path(), TOKEN).await;
    let env = Env::with(|c| {
        c.remote = Some(server.url("k.git"));
        c.remote_auth = Some(RemoteAuth::basic("oauth2", "falsch-1234"));
    });
    let u = env.users().await;
    let failed = wait_status(&env, &u.admin, 30, |s| s["state"] == "failed").await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert!(server.stats.refused.load(Ordering::SeqCst) >= 1);
    let r = env
        .post("/api/remote/push", Some(&u.editor), serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Right after the third automatic failure the next one is 8 s away; asked now, the server
    // tries again at once.
    let mut seen = failed["attempts"].as_u64().unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    let attempts = loop {
        let now = wait_status(&env, &u.admin, 0, |_| true).await["attempts"]
            .as_u64()
            .unwrap();
        if now != seen && now >= 3 {
            break now;
        }
        assert!(Instant::now() < until, "no third attempt");
        seen = now;
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let asked = Instant::now();
    let r = env
        .post("/api/remote/push", Some(&u.admin), serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let again = wait_status(&env, &u.admin, 10, |s| {
        s["attempts"].as_u64().unwrap_or(0) > attempts
    })
    .await;
    assert!(again["attempts"].as_u64().unwrap() > attempts, "{again}");
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "not at once: {:?}",
        asked.elapsed()
    );
    assert!(refs(&remote).is_empty());
}

/// One push at a time, whoever asks: two pushers (as two processes would be: each its own
/// lease holder) on one database push at once to a remote that answers slowly; the remote
/// never serves both at the same time, and both end pushed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_pushers_on_one_database_take_turns() {
    let root = tempfile::tempdir().unwrap();
    let remote = bare_repo(root.path(), "k.git");
    let server = GitHttp::start_with_delay(root.path(), TOKEN, Duration::from_millis(300)).await;
    let env = Env::new();
    let pusher = || {
        Pusher::new(
            env.state.db.clone(),
            env.catalog(),
            server.url("k.git"),
            Some(RemoteAuth::basic("oauth2", TOKEN)),
        )
    };
    let (a, b) = (pusher(), pusher());
    let wait = Duration::from_secs(60);
    let (ra, rb) = tokio::join!(a.push_now(wait), b.push_now(wait));
    assert_eq!(ra.unwrap().state, fachwerk_shared::api::PushState::Ok);
    assert_eq!(rb.unwrap().state, fachwerk_shared::api::PushState::Ok);
    assert_eq!(server.stats.max_in_flight.load(Ordering::SeqCst), 1);
    assert_eq!(refs(&remote), refs(&env.catalog()));
}

/// A served instance with a wrong token: the failure is shown, the token is in no log line;
/// `fachwerk catalog push` with the right one pushes, and the server then shows success (the
/// state is in the database they share).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_push_by_hand_fixes_what_the_server_could_not() {
    let root = tempfile::tempdir().unwrap();
    let remote = bare_repo(root.path(), "katalog.git");
    let server = GitHttp::start(root.path(), TOKEN).await;
    let url = server.url("katalog.git");
    let tmp = tempfile::tempdir().unwrap();
    let (data, log) = (tmp.path().join("data"), tmp.path().join("serve.log"));
    let wrong = "glpat-falsch-0815-geheim";
    let (mut child, addr) = server_support::start_with_env(
        &data,
        &log,
        &["--remote", &url],
        &[("FACHWERK_REMOTE_TOKEN", wrong), ("RUST_LOG", "info")],
    );
    server_support::wait_ready(addr).await;
    let admin = server_support::token_for(addr, "admin", server_support::ADMIN_PASSWORD).await;
    let status = |addr| {
        let admin = admin.clone();
        async move {
            let r = server_support::http(
                addr,
                "GET",
                "/api/remote",
                &[server_support::bearer(&admin)],
                None,
            )
            .await
            .unwrap();
            assert_eq!(r.status, 200, "{}", r.body);
            r.json()
        }
    };
    let until = Instant::now() + Duration::from_secs(30);
    let mut shown = status(addr).await;
    while shown["state"] != "failed" && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
        shown = status(addr).await;
    }
    assert_eq!(shown["state"], "failed", "{shown}");
    assert!(refs(&remote).is_empty());

    let token_file = tmp.path().join("remote-token");
    let catalog_push = |token: &str| {
        std::fs::write(&token_file, format!("{token}\n")).unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_fachwerk"))
            .args([
                "catalog",
                "push",
                "--data",
                data.to_str().unwrap(),
                "--remote",
                &url,
            ])
            .arg("--remote-token-file")
            .arg(&token_file)
            .env_remove("FACHWERK_REMOTE_TOKEN")
            .output()
            .unwrap()
    };
    let out = catalog_push(wrong);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("git push"), "{stderr}");
    assert!(!stderr.contains(wrong), "{stderr}");

    let out = catalog_push(TOKEN);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("übertragen"));
    assert_eq!(refs(&remote), refs(&data.join("catalog.git")));
    assert_fsck_clean(&remote);
    let shown = status(addr).await;
    assert_eq!(shown["state"], "ok", "{shown}");
    assert!(shown["lastError"].is_null(), "{shown}");

    child.kill().unwrap();
    child.wait().unwrap();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("push failed"), "{logged}");
    assert!(!logged.contains(wrong), "the log shows the token: {logged}");
    assert_no_secret("the log", &logged);
    assert_no_secret("the database", &all_text(&data));
}
