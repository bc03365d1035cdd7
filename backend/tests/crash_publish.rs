//! `kill -9` between the catalogue commit and the status update of an approval: afterwards the
//! request statuses in the database and the tags in the catalogue agree (reconciled at start and
//! before each approval), and `git fsck --strict` is clean.
//!
//! Two ways to reach that window: deterministically, with the test-only pause point
//! (`FACHWERK_CRASH_TEST_PAUSE=after-commit` stops an approval right after the commit and tag),
//! and by killing a server at pseudo-random moments during bursts of approvals.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::db_support;
use crate::server_support;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use fachwerk_backend::publications::CRASH_TEST_PAUSE_ENV;
use serde_json::{json, Value};
use server_support::{
    bearer, http, start, start_with_env, token_for, wait_ready, Reply, ADMIN_PASSWORD,
};

const PASSWORD: &str = "passwort-absturz-test";

struct Tokens {
    editor: String,
    reviewer: String,
}

async fn post(addr: SocketAddr, token: &str, path: &str, body: Value) -> std::io::Result<Reply> {
    http(addr, "POST", path, &[bearer(token)], Some(body.to_string())).await
}

/// An editor and a reviewer, created through the admin.
async fn accounts(addr: SocketAddr) -> Tokens {
    let admin = token_for(addr, "admin", ADMIN_PASSWORD).await;
    for (name, role) in [("erika", "editor"), ("rudi", "reviewer")] {
        let body = json!({ "name": name, "role": role, "password": PASSWORD });
        let r = post(addr, &admin, "/api/users", body).await.unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
    }
    Tokens {
        editor: token_for(addr, "erika", PASSWORD).await,
        reviewer: token_for(addr, "rudi", PASSWORD).await,
    }
}

/// A draft of the new workflow `key` and its publication request; the request id.
async fn request(addr: SocketAddr, t: &Tokens, key: &str) -> String {
    let body = common::workflow(key, "Absturztest");
    let r = http(
        addr,
        "POST",
        "/api/drafts",
        &[bearer(&t.editor)],
        Some(body),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    let draft = r.json()["id"].as_str().unwrap().to_string();
    let body = json!({ "draftId": draft, "note": "Absturztest" });
    let r = post(addr, &t.editor, "/api/publications", body)
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

async fn approve(addr: SocketAddr, t: &Tokens, id: &str) -> std::io::Result<Reply> {
    let path = format!("/api/publications/{id}/approve");
    post(addr, &t.reviewer, &path, json!({})).await
}

async fn status(addr: SocketAddr, t: &Tokens, id: &str) -> Value {
    let r = http(
        addr,
        "GET",
        &format!("/api/publications/{id}"),
        &[bearer(&t.reviewer)],
        None,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn git(catalog: &Path, args: &[&str]) -> String {
    let mut all = vec!["--git-dir", catalog.to_str().unwrap()];
    all.extend_from_slice(args);
    common::git(&all)
}

/// The commit of `tag`, if the tag exists.
fn tagged_commit(catalog: &Path, tag: &str) -> Option<String> {
    if git(catalog, &["tag", "--list", tag]).trim().is_empty() {
        return None;
    }
    Some(
        git(catalog, &["rev-parse", &format!("{tag}^{{commit}}")])
            .trim()
            .to_string(),
    )
}

/// Every request (id, key of a new workflow) is either published — with the tag
/// `<key>/v1.0.0` on the commit whose trailer names the request — or pending without a tag.
/// Returns how many are published.
async fn assert_statuses_match_tags(
    addr: SocketAddr,
    t: &Tokens,
    catalog: &Path,
    requests: &[(String, String)],
) -> usize {
    let mut published = 0;
    for (id, key) in requests {
        let p = status(addr, t, id).await;
        let tag = format!("{key}/v1.0.0");
        let commit = tagged_commit(catalog, &tag);
        match p["status"].as_str().unwrap() {
            "published" => {
                let commit = commit.unwrap_or_else(|| panic!("{id} published, but no tag {tag}"));
                assert_eq!(p["published"]["tag"], tag.as_str());
                assert_eq!(p["published"]["commit"], commit.as_str(), "{id}");
                let message = git(catalog, &["log", "-1", "--format=%B", &commit]);
                assert!(
                    message.contains(&format!("Fachwerk-Antrag: {id}\n")),
                    "{message}"
                );
                published += 1;
            }
            "pending" => assert_eq!(commit, None, "{id} pending, but {tag} exists"),
            other => panic!("{id}: unexpected status {other}"),
        }
    }
    published
}

/// Waits until the server's log says the approval stopped at the pause point.
async fn wait_for_pause(log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let marker = format!("{CRASH_TEST_PAUSE_ENV}: paused after-commit");
    while !std::fs::read_to_string(log)
        .unwrap_or_default()
        .contains(&marker)
    {
        assert!(
            Instant::now() < deadline,
            "the approval did not reach the pause point"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn kill_9(mut server: Child) {
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
}

/// Killed after the commit and tag, before the status update; the restarted server has
/// reconciled at start: the request is published with that commit, a second approval is
/// refused, the next request publishes normally.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_after_the_commit_is_reconciled_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let catalog = data.join("catalog.git");
    let log = tmp.path().join("stdout.log");
    let (server, addr) = start(&data, &log, &[]);
    wait_ready(addr).await;
    let t = accounts(addr).await;
    let requests = vec![
        (
            request(addr, &t, "absturz-a").await,
            "absturz-a".to_string(),
        ),
        (
            request(addr, &t, "absturz-b").await,
            "absturz-b".to_string(),
        ),
    ];
    kill_9(server);

    let (server, addr) =
        start_with_env(&data, &log, &[], &[(CRASH_TEST_PAUSE_ENV, "after-commit")]);
    wait_ready(addr).await;
    let id = requests[0].0.clone();
    let approving = tokio::spawn({
        let t = Tokens {
            editor: t.editor.clone(),
            reviewer: t.reviewer.clone(),
        };
        async move { approve(addr, &t, &id).await }
    });
    wait_for_pause(&log).await;
    // The window: commit and tag are in the catalogue, the database still says pending.
    assert!(tagged_commit(&catalog, "absturz-a/v1.0.0").is_some());
    assert_eq!(status(addr, &t, &requests[0].0).await["status"], "pending");
    kill_9(server);
    assert!(
        approving.await.unwrap().is_err(),
        "the killed approval was answered"
    );

    let (server, addr) = start(&data, &log, &[]);
    wait_ready(addr).await;
    assert_eq!(
        assert_statuses_match_tags(addr, &t, &catalog, &requests).await,
        1
    );
    let again = approve(addr, &t, &requests[0].0).await.unwrap();
    assert_eq!(again.status, 409, "{}", again.body);
    let next = approve(addr, &t, &requests[1].0).await.unwrap();
    assert_eq!(next.status, 200, "{}", next.body);
    assert_eq!(
        assert_statuses_match_tags(addr, &t, &catalog, &requests).await,
        2
    );
    common::assert_fsck_clean(&catalog);
    kill_9(server);
}

/// Two servers on one PostgreSQL database and one catalogue: the first is killed in the
/// window; the second, which started before and never reconciled at start since, reconciles
/// before the approval of that request: 409, and the request is recorded as published.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_after_the_commit_is_reconciled_before_the_next_approval() {
    let url = db_support::postgres_url().await;
    let args = ["--database", url.as_str()];
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let catalog = data.join("catalog.git");
    let log = tmp.path().join("stdout-a.log");
    let pause = [(CRASH_TEST_PAUSE_ENV, "after-commit")];
    let (first, a) = start_with_env(&data, &log, &args, &pause);
    wait_ready(a).await;
    let (second, b) = start(&data, &tmp.path().join("stdout-b.log"), &args);
    wait_ready(b).await;
    let t = accounts(b).await;
    let requests = vec![
        (request(b, &t, "absturz-c").await, "absturz-c".to_string()),
        (request(b, &t, "absturz-d").await, "absturz-d".to_string()),
    ];

    let id = requests[0].0.clone();
    let reviewer = t.reviewer.clone();
    let approving = tokio::spawn(async move {
        let path = format!("/api/publications/{id}/approve");
        post(a, &reviewer, &path, json!({})).await
    });
    wait_for_pause(&log).await;
    kill_9(first);
    assert!(
        approving.await.unwrap().is_err(),
        "the killed approval was answered"
    );
    // The second server sees the window's state until something reconciles.
    assert!(tagged_commit(&catalog, "absturz-c/v1.0.0").is_some());
    assert_eq!(status(b, &t, &requests[0].0).await["status"], "pending");

    let again = approve(b, &t, &requests[0].0).await.unwrap();
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(
        assert_statuses_match_tags(b, &t, &catalog, &requests).await,
        1
    );
    let next = approve(b, &t, &requests[1].0).await.unwrap();
    assert_eq!(next.status, 200, "{}", next.body);
    assert_eq!(
        assert_statuses_match_tags(b, &t, &catalog, &requests).await,
        2
    );
    common::assert_fsck_clean(&catalog);
    kill_9(second);
}

/// Pseudo-random delay below `max` (no seed to manage: the clock's nanoseconds).
fn random_delay(max: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    max.mul_f64(f64::from(nanos % 1_000_000) / 1_000_000.0)
}

/// Rounds of: a burst of concurrent approvals, `kill -9` at a random moment, restart. After
/// every restart statuses and tags agree; at the end every request is decided exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_at_random_moments_of_approval_bursts() {
    const ROUNDS: usize = 6;
    const PER_ROUND: usize = 5;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let catalog = data.join("catalog.git");
    let log = tmp.path().join("stdout.log");
    let (mut server, mut addr) = start(&data, &log, &[]);
    wait_ready(addr).await;
    let t = accounts(addr).await;
    // How long one approval takes here, to aim the kills into the burst.
    let warm_up = request(addr, &t, "absturz-einlauf").await;
    let started = Instant::now();
    assert_eq!(approve(addr, &t, &warm_up).await.unwrap().status, 200);
    let one = started.elapsed();

    let mut requests: Vec<(String, String)> = Vec::new();
    let mut acknowledged = Vec::new();
    for round in 0..ROUNDS {
        let mut burst = Vec::new();
        for i in 0..PER_ROUND {
            let key = format!("absturz-{round}-{i}");
            burst.push((request(addr, &t, &key).await, key));
        }
        requests.extend(burst.iter().cloned());
        let mut approvals = tokio::task::JoinSet::new();
        for (id, _) in &burst {
            let (id, reviewer) = (id.clone(), t.reviewer.clone());
            approvals.spawn(async move {
                let path = format!("/api/publications/{id}/approve");
                (id, post(addr, &reviewer, &path, json!({})).await)
            });
        }
        tokio::time::sleep(random_delay(one * PER_ROUND as u32)).await;
        kill_9(server);
        while let Some(done) = approvals.join_next().await {
            if let (id, Ok(r)) = done.unwrap() {
                assert_eq!(r.status, 200, "{}", r.body);
                acknowledged.push(id);
            }
        }
        (server, addr) = start(&data, &log, &[]);
        wait_ready(addr).await;
        assert_statuses_match_tags(addr, &t, &catalog, &requests).await;
        common::assert_fsck_clean(&catalog);
    }
    let log_text = std::fs::read_to_string(&log).unwrap();
    eprintln!(
        "{ROUNDS} kills: {} of {} approvals acknowledged; found at restart: {} commits without their status update, {} tags missing, {} ref lock files left",
        acknowledged.len(),
        requests.len(),
        log_text.matches("published before an interruption").count(),
        log_text.matches("re-creating a tag lost").count(),
        log_text.matches("removed the lock file").count(),
    );
    // Acknowledged approvals are published; the rest can be approved now, exactly once.
    for id in &acknowledged {
        assert_eq!(status(addr, &t, id).await["status"], "published");
    }
    for (id, _) in &requests {
        let before = status(addr, &t, id).await["status"].clone();
        let r = approve(addr, &t, id).await.unwrap();
        let expected = if before == "pending" { 200 } else { 409 };
        assert_eq!(r.status, expected, "{id} ({before}): {}", r.body);
    }
    assert_eq!(
        assert_statuses_match_tags(addr, &t, &catalog, &requests).await,
        requests.len()
    );
    assert!(git(&catalog, &["rev-list", "--merges", "main"])
        .trim()
        .is_empty());
    common::assert_fsck_clean(&catalog);
    kill_9(server);
}
