//! Crash safety: the real `fachwerk serve` binary gets a burst of draft saves and
//! publications, is killed with SIGKILL in the middle, and restarted on the same data
//! directory. Every acknowledged (2xx) write must be there, and `git fsck` must be clean. On
//! SQLite (the default) and on PostgreSQL.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::db_support;
use crate::server_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use server_support::{bearer, http, start, token_for, wait_ready, ADMIN_PASSWORD};

const PASSWORD: &str = "passwort-dauer-test";

#[derive(Default)]
struct Acked {
    /// draft id → (revision, description) of the last acknowledged save.
    drafts: Vec<(String, u64, String)>,
    /// (publication id, key) of acknowledged approvals.
    published: Vec<(String, String)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9() {
    acknowledged_writes_survive_kill_9_on(&[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9_on_postgres() {
    let url = db_support::postgres_url().await;
    acknowledged_writes_survive_kill_9_on(&["--database", &url]).await;
}

/// The burst, the kill and the checks with `extra` server arguments (the database).
async fn acknowledged_writes_survive_kill_9_on(extra: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let log = tmp.path().join("stdout.log");
    let (mut server, addr) = start(&data, &log, extra);
    wait_ready(addr).await;

    let admin = token_for(addr, "admin", ADMIN_PASSWORD).await;
    for (name, role) in [("erika", "editor"), ("rudi", "reviewer")] {
        let r = http(
            addr,
            "POST",
            "/api/users",
            &[bearer(&admin)],
            Some(json!({ "name": name, "role": role, "password": PASSWORD }).to_string()),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let editor = token_for(addr, "erika", PASSWORD).await;
    let reviewer = token_for(addr, "rudi", PASSWORD).await;

    let acked = Arc::new(Mutex::new(Acked::default()));
    let mut tasks = Vec::new();
    // Draft savers: create a draft, then save it again and again with If-Match.
    for t in 0..4 {
        let (acked, editor) = (acked.clone(), editor.clone());
        tasks.push(tokio::spawn(async move {
            let body = common::workflow(&format!("entwurf-{t}"), "0");
            let Ok(r) = http(addr, "POST", "/api/drafts", &[bearer(&editor)], Some(body)).await
            else {
                return;
            };
            if !r.ok() {
                return;
            }
            let id = r.json()["id"].as_str().unwrap().to_string();
            let mut rev = r.json()["revision"].as_u64().unwrap();
            acked
                .lock()
                .unwrap()
                .drafts
                .push((id.clone(), rev, "0".into()));
            for n in 1.. {
                let description = format!("{t}-{n}");
                let h = [bearer(&editor), ("If-Match", format!("\"{rev}\""))];
                let body = common::workflow(&format!("entwurf-{t}"), &description);
                match http(addr, "PUT", &format!("/api/drafts/{id}"), &h, Some(body)).await {
                    Ok(r) if r.ok() => {
                        rev = r.json()["revision"].as_u64().unwrap();
                        let mut a = acked.lock().unwrap();
                        let entry = a.drafts.iter_mut().find(|d| d.0 == id).unwrap();
                        *entry = (id.clone(), rev, description);
                    }
                    Ok(r) => panic!("unexpected {}: {}", r.status, r.body),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    // Publishers: new workflows, requested by the editor, approved by the reviewer.
    for t in 0..2 {
        let (acked, editor, reviewer) = (acked.clone(), editor.clone(), reviewer.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let key = format!("dauer-{t}-{i}");
                let Ok(r) = http(
                    addr,
                    "POST",
                    "/api/drafts",
                    &[bearer(&editor)],
                    Some(common::workflow(&key, "x")),
                )
                .await
                else {
                    return;
                };
                let draft = r.json()["id"].as_str().unwrap_or_default().to_string();
                let body = json!({ "draftId": draft, "note": "Dauertest" }).to_string();
                let Ok(r) = http(
                    addr,
                    "POST",
                    "/api/publications",
                    &[bearer(&editor)],
                    Some(body),
                )
                .await
                else {
                    return;
                };
                let id = r.json()["id"].as_str().unwrap_or_default().to_string();
                match http(
                    addr,
                    "POST",
                    &format!("/api/publications/{id}/approve"),
                    &[bearer(&reviewer)],
                    Some("{}".into()),
                )
                .await
                {
                    Ok(r) if r.ok() => acked.lock().unwrap().published.push((id, key)),
                    Ok(r) => panic!("unexpected {}: {}", r.status, r.body),
                    Err(_) => return,
                }
            }
        }));
    }
    // Let the burst run until enough has been acknowledged, then pull the plug.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let enough = {
            let a = acked.lock().unwrap();
            a.published.len() >= 3 && a.drafts.iter().map(|d| d.1).sum::<u64>() >= 20
        };
        if enough || Instant::now() > deadline {
            break;
        }
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = Arc::try_unwrap(acked).ok().unwrap().into_inner().unwrap();
    let saves: u64 = acked.drafts.iter().map(|d| d.1).sum();
    eprintln!(
        "acknowledged before the kill: {} drafts with {saves} revisions, {} publications",
        acked.drafts.len(),
        acked.published.len()
    );
    assert!(
        !acked.published.is_empty() && !acked.drafts.is_empty(),
        "the burst acknowledged nothing"
    );

    // Restart on the same data directory: everything acknowledged is there.
    let (mut server, addr) = start(&data, &log, extra);
    wait_ready(addr).await;
    for (id, rev, description) in &acked.drafts {
        let r = http(
            addr,
            "GET",
            &format!("/api/drafts/{id}"),
            &[bearer(&editor)],
            None,
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200, "draft {id}: {}", r.body);
        let stored = r.json()["revision"].as_u64().unwrap();
        // The save in flight at the kill may have landed without being acknowledged.
        assert!(
            stored == *rev || stored == rev + 1,
            "draft {id}: acknowledged revision {rev}, stored {stored}"
        );
        if stored == *rev {
            assert_eq!(r.json()["workflow"]["description"], description.as_str());
        }
    }
    for (id, key) in &acked.published {
        let r = http(
            addr,
            "GET",
            &format!("/api/workflows/{key}/versions/1.0.0"),
            &[],
            None,
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200, "{key}: {}", r.body);
        let r = http(
            addr,
            "GET",
            &format!("/api/publications/{id}"),
            &[bearer(&editor)],
            None,
        )
        .await
        .unwrap();
        assert_eq!(r.json()["status"], "published", "{key}");
    }
    // Every version on main has its tag (a tag lost in the kill is repaired at start).
    let catalog = data.join("catalog.git");
    let versions: usize = common::git(&[
        "--git-dir",
        catalog.to_str().unwrap(),
        "rev-list",
        "--count",
        "main",
    ])
    .trim()
    .parse()
    .unwrap();
    let tags = common::git(&["--git-dir", catalog.to_str().unwrap(), "tag", "--list"])
        .lines()
        .count();
    assert_eq!(
        tags,
        versions - 1,
        "one tag per commit after the initial one"
    );
    common::assert_fsck_clean(&catalog);
    // The state is in the database, not in files a kill could leave half-written.
    let sqlite = data.join(fachwerk_backend::db::SQLITE_FILE);
    assert_eq!(
        sqlite.is_file(),
        extra.is_empty(),
        "SQLite file only by default"
    );
    assert!(!data.join("drafts").exists() && !data.join("users.json").exists());
    server.kill().unwrap();
    server.wait().unwrap();

    // The bootstrap admin was announced once, never again.
    let out = std::fs::read_to_string(&log).unwrap();
    assert_eq!(out.matches("Anmeldung: admin").count(), 1, "{out}");
}
