//! Crash safety of case processing: the real `fachwerk serve` gets concurrent completions and
//! is killed with SIGKILL in the middle; after the restart every acknowledged completion is
//! there and nothing is half applied. Then a restart on a later day fires the due timers, is
//! killed while firing, and the next restart fires the rest: every timer exactly once.
#![allow(clippy::unwrap_used)]

use crate::server_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use server_support::{bearer, http, start, token_for, wait_ready, ADMIN_PASSWORD};

const PASSWORD: &str = "passwort-vorgang-test";
const CASES: usize = 40;

async fn post(
    addr: std::net::SocketAddr,
    token: &str,
    path: &str,
    body: Value,
) -> server_support::Reply {
    http(addr, "POST", path, &[bearer(token)], Some(body.to_string()))
        .await
        .unwrap()
}

async fn get(addr: std::net::SocketAddr, token: &str, path: &str) -> Value {
    let r = http(addr, "GET", path, &[bearer(token)], None)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_completions_and_timers_survive_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let log = tmp.path().join("stdout.log");
    let (mut server, addr) = start(&data, &log, &["--today", "2026-03-02"]);
    wait_ready(addr).await;
    let admin = token_for(addr, "admin", ADMIN_PASSWORD).await;
    let r = post(
        addr,
        &admin,
        "/api/workflows/urlaubsantrag/versions/1.0.0/activate",
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut tokens = Vec::new();
    for (name, role) in [
        ("anna", "R-BESCH"),
        ("vera", "R-VG"),
        ("viktor", "R-VG"),
        ("vanessa", "R-VG"),
    ] {
        let body = json!({ "name": name, "role": "editor", "password": PASSWORD });
        assert_eq!(post(addr, &admin, "/api/users", body).await.status, 201);
        let body = json!({ "name": name, "account": name,
                           "roles": [{ "workflow": "urlaubsantrag", "role": role }] });
        assert_eq!(post(addr, &admin, "/api/persons", body).await.status, 201);
        tokens.push(token_for(addr, name, PASSWORD).await);
    }
    let leave = json!({ "workflow": "urlaubsantrag", "fields": {
        "personalnummer": "4711", "urlaubsbeginn": "2026-03-16",
        "urlaubsende": "2026-03-20", "arbeitstage": 5 } });
    let mut cases = Vec::new();
    for _ in 0..CASES {
        let r = post(addr, &tokens[0], "/api/cases", leave.clone()).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_string();
        let view = get(addr, &admin, &format!("/api/cases/{id}")).await;
        cases.push((id, view["tasks"][0]["id"].as_str().unwrap().to_string()));
    }

    // Three managers complete the first tasks concurrently; the plug is pulled meanwhile.
    let acked = Arc::new(Mutex::new(Vec::new()));
    let queue = Arc::new(Mutex::new(cases.clone()));
    let mut workers = Vec::new();
    for token in &tokens[1..] {
        let (acked, queue, token) = (acked.clone(), queue.clone(), token.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let Some((case, task)) = queue.lock().unwrap().pop() else {
                    return;
                };
                let h = [bearer(&token), ("If-Match", "\"1\"".to_string())];
                let body = Some(json!({ "exit": "ok" }).to_string());
                match http(
                    addr,
                    "POST",
                    &format!("/api/tasks/{task}/complete"),
                    &h,
                    body,
                )
                .await
                {
                    Ok(r) if r.ok() => acked.lock().unwrap().push(case),
                    Ok(r) => panic!("unexpected {}: {}", r.status, r.body),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < CASES / 4 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        !acked.is_empty(),
        "nothing was acknowledged before the kill"
    );

    // Restart: every acknowledged completion is there; every case is whole (revision,
    // task state and audit agree).
    let (mut server, addr) = start(&data, &log, &["--today", "2026-03-02"]);
    wait_ready(addr).await;
    let mut completed = 0;
    for (id, _) in &cases {
        let view = get(addr, &admin, &format!("/api/cases/{id}")).await;
        let revision = view["revision"].as_u64().unwrap();
        let done = view["audit"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "completed")
            .count();
        let first = view["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["block"] == "genehmigen");
        let task_done = first.unwrap()["status"] == "done";
        assert!(revision == 1 || revision == 2, "{view:#}");
        assert_eq!(done as u64, revision - 1, "{view:#}");
        assert_eq!(task_done, revision == 2, "{view:#}");
        if acked.contains(id) {
            assert_eq!(revision, 2, "acknowledged completion of {id} lost");
        }
        completed += done;
    }
    assert!(completed >= acked.len());
    server.kill().unwrap();
    server.wait().unwrap();

    // Two weeks later the escalation timers of the open first tasks are due. The worker
    // starts firing at once; it is killed meanwhile, and the next start fires the rest.
    let (mut server, _) = start(&data, &log, &["--today", "2026-03-16"]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let (mut server, addr) = start(&data, &log, &["--today", "2026-03-16"]);
    wait_ready(addr).await;
    let open: Vec<&String> = cases.iter().map(|(id, _)| id).collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut pending = 0;
        for id in &open {
            let view = get(addr, &admin, &format!("/api/cases/{id}")).await;
            let fired = view["audit"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "timer")
                .count();
            assert!(fired <= 1, "a timer fired twice: {view:#}");
            // The escalation watches the manager's task; only cases still there have one.
            let waiting = view["state"]["timers"]
                .as_array()
                .is_some_and(|t| !t.is_empty());
            if waiting {
                pending += 1;
            }
        }
        if pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{pending} timers never fired");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Exactly once: the cases whose manager had not decided got one escalation each, the
    // others (completed before the deadline) none.
    for id in &open {
        let view = get(addr, &admin, &format!("/api/cases/{id}")).await;
        let audit = view["audit"].as_array().unwrap();
        let fired = audit.iter().filter(|e| e["kind"] == "timer").count();
        let decided = audit.iter().filter(|e| e["kind"] == "completed").count();
        assert_eq!(fired, 1 - decided, "{view:#}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
