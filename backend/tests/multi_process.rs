//! Several processes on one state: `fachwerk user add` racing the API of a running server, and
//! two `fachwerk serve` processes sharing one PostgreSQL database and one catalogue.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::db_support;
use crate::server_support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;

use serde_json::{json, Value};
use server_support::{bearer, http, start, token_for, wait_ready, ADMIN_PASSWORD};
use tokio::io::AsyncWriteExt;

const PASSWORD: &str = "passwort-mehrere-prozesse";

/// `fachwerk user add NAME --role editor --password-stdin` on `data` (and `extra` arguments).
async fn cli_add_user(data: &Path, name: &str, extra: &[String]) -> std::process::Output {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fachwerk"))
        .args(["user", "add", name, "--role", "editor", "--password-stdin"])
        .arg("--data")
        .arg(data)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    child.wait_with_output().await.unwrap()
}

async fn api_add_user(addr: SocketAddr, admin: &str, name: &str) -> u16 {
    let body = json!({ "name": name, "role": "editor", "password": PASSWORD }).to_string();
    http(addr, "POST", "/api/users", &[bearer(admin)], Some(body))
        .await
        .unwrap()
        .status
}

/// 20 accounts added with the command line and 20 through the API at the same time.
async fn user_add_races_the_api(extra: Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let args: Vec<&str> = extra.iter().map(String::as_str).collect();
    let (mut server, addr) = start(&data, &tmp.path().join("log"), &args);
    wait_ready(addr).await;
    let admin = token_for(addr, "admin", ADMIN_PASSWORD).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (data, extra) = (data.clone(), extra.clone());
        tasks.spawn(async move {
            let out = cli_add_user(&data, &format!("cli{i}"), &extra).await;
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        });
        let admin = admin.clone();
        tasks.spawn(async move {
            assert_eq!(api_add_user(addr, &admin, &format!("api{i}")).await, 201);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let r = http(addr, "GET", "/api/users", &[bearer(&admin)], None)
        .await
        .unwrap();
    let names: BTreeSet<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect();
    let mut expected: BTreeSet<String> = (0..20)
        .flat_map(|i| [format!("cli{i}"), format!("api{i}")])
        .collect();
    expected.insert("admin".into());
    assert_eq!(names, expected);
    // Every one of them can log in.
    token_for(addr, "cli7", PASSWORD).await;
    token_for(addr, "api7", PASSWORD).await;
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn user_add_races_the_api_on_sqlite() {
    user_add_races_the_api(Vec::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn user_add_races_the_api_on_postgres() {
    let url = db_support::postgres_url().await;
    user_add_races_the_api(vec!["--database".into(), url]).await;
}

fn small_workflow(key: &str, description: &str) -> String {
    common::workflow(key, description)
}

async fn post(addr: SocketAddr, token: &str, path: &str, body: Value) -> server_support::Reply {
    http(addr, "POST", path, &[bearer(token)], Some(body.to_string()))
        .await
        .unwrap()
}

/// 50 publication requests for 10 new workflows (5 competing drafts each), approved all at
/// once, spread over two servers that share one PostgreSQL database and one catalogue: each
/// workflow gets version 1.0.0 exactly once, every other approval gets 409, the history is
/// linear and `git fsck` clean, and the stored statuses match the tags.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_postgres_publish_each_version_once() {
    let url = db_support::postgres_url().await;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let args = ["--database", url.as_str()];
    let (mut first, a) = start(&data, &tmp.path().join("log-a"), &args);
    wait_ready(a).await;
    let (mut second, b) = start(&data, &tmp.path().join("log-b"), &args);
    wait_ready(b).await;
    let servers = [a, b];

    let admin = token_for(b, "admin", ADMIN_PASSWORD).await;
    for (name, role) in [("erika", "editor"), ("rudi", "reviewer")] {
        let body = json!({ "name": name, "role": role, "password": PASSWORD });
        assert_eq!(post(a, &admin, "/api/users", body).await.status, 201);
    }
    // Logged in on one server, known to both.
    let editor = token_for(a, "erika", PASSWORD).await;
    let reviewer = token_for(b, "rudi", PASSWORD).await;

    let mut requests = Vec::new();
    for n in 0..50 {
        let (key, server) = (format!("parallel-{}", n % 10), servers[n % 2]);
        let r = http(
            server,
            "POST",
            "/api/drafts",
            &[bearer(&editor)],
            Some(small_workflow(&key, &format!("Fassung {n}."))),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
        let draft = r.json()["id"].as_str().unwrap().to_string();
        let body = json!({ "draftId": draft, "note": format!("Antrag {n}") });
        let r = post(servers[(n + 1) % 2], &editor, "/api/publications", body).await;
        assert_eq!(r.status, 201, "{}", r.body);
        requests.push((r.json()["id"].as_str().unwrap().to_string(), key));
    }

    let mut approvals = tokio::task::JoinSet::new();
    for (n, (id, key)) in requests.iter().cloned().enumerate() {
        let (server, reviewer) = (servers[n % 2], reviewer.clone());
        approvals.spawn(async move {
            let path = format!("/api/publications/{id}/approve");
            let r = post(server, &reviewer, &path, json!({})).await;
            (id, key, r.status)
        });
    }
    let mut approved: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut refused = 0;
    while let Some(done) = approvals.join_next().await {
        let (id, key, status) = done.unwrap();
        match status {
            200 => approved.entry(key).or_default().push(id),
            409 => refused += 1,
            other => panic!("approval of {id} answered {other}"),
        }
    }
    eprintln!(
        "{} workflows published, {refused} approvals answered 409",
        approved.len()
    );
    assert!(!approved.is_empty(), "nothing was published");

    let catalog = data.join("catalog.git");
    let git = |args: &[&str]| {
        let mut all = vec!["--git-dir", catalog.to_str().unwrap()];
        all.extend_from_slice(args);
        common::git(&all)
    };
    let tags: BTreeSet<String> = git(&["tag", "--list", "parallel-*"])
        .lines()
        .map(str::to_string)
        .collect();
    for (key, ids) in &approved {
        assert_eq!(ids.len(), 1, "{key} was published {} times", ids.len());
        assert!(tags.contains(&format!("{key}/v1.0.0")), "{key}: no tag");
    }
    assert_eq!(tags.len(), approved.len(), "{tags:?}");
    assert!(git(&["rev-list", "--merges", "main"]).trim().is_empty());
    common::assert_fsck_clean(&catalog);

    // Both servers report the same statuses, and they match the tags.
    for server in servers {
        let mut published = BTreeSet::new();
        for (id, key) in &requests {
            let path = format!("/api/publications/{id}");
            let r = http(server, "GET", &path, &[bearer(&reviewer)], None)
                .await
                .unwrap();
            let p = r.json();
            match p["status"].as_str().unwrap() {
                "published" => {
                    assert_eq!(p["published"]["tag"], format!("{key}/v1.0.0"));
                    assert!(published.insert(key.clone()), "{key} published twice");
                    assert!(approved[key].contains(id));
                }
                "outdated" => assert!(tags.contains(&format!("{key}/v1.0.0"))),
                "pending" => {}
                other => panic!("{id}: {other}"),
            }
        }
        let expected: BTreeSet<String> = approved.keys().cloned().collect();
        assert_eq!(published, expected);
    }
    for server in [&mut first, &mut second] {
        server.kill().unwrap();
        server.wait().unwrap();
    }
}
