//! Publishing and reading over real loopback HTTP (`cargo xtask bench` runs it):
//! publish latency p50/p99 with 20 concurrent clients (each: draft → request → approve by a
//! reviewer, one commit + tag per publish), GET throughput of a published workflow, and the
//! latency of one approval at a time with the seeded catalogue and after a generated
//! catalogue of 1,000 more workflows (publishing must not grow with the catalogue).
//! Plain harness: it prints its figures and writes them to
//! `$FACHWERK_BENCH_OUT/backend-publish.json` for the xtask's summary; no pass/fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use fachwerk_backend::repo::{Publish, Repo};
use fachwerk_backend::users::{HashCost, Role};
use fachwerk_backend::{app, AppState, Config};
use serde_json::{json, Value};

const CLIENTS: usize = 20;
const PUBLISHES_PER_CLIENT: usize = 10;
const GET_SECONDS: u64 = 5;
/// Workflows added to the catalogue before the second series of single approvals.
const LARGE_CATALOGUE: usize = 1_000;
/// Approvals, one at a time, per series.
const SINGLE_APPROVALS: usize = 30;

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn workflow(key: &str, description: &str) -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/reisekostenantrag.json"
    ))
    .expect("template");
    let mut w: Value = serde_json::from_str(&text).unwrap();
    w["key"] = json!(key);
    w["description"] = json!(description);
    w
}

/// Publishes `w` through the four-eyes flow; returns the latency of the approval (the publish
/// itself: validate, diff, commit, tag) and of the whole flow.
async fn publish(c: &Client, editor: &str, reviewer: &str, w: Value) -> (Duration, Duration) {
    let t0 = Instant::now();
    let (s, draft) = c
        .send(reqwest::Method::POST, "/api/drafts", editor, Some(w))
        .await;
    assert_eq!(s, 201, "{draft}");
    let body = json!({"draftId": draft["id"], "note": "Bench"});
    let (s, req) = c
        .send(
            reqwest::Method::POST,
            "/api/publications",
            editor,
            Some(body),
        )
        .await;
    assert_eq!(s, 201, "{req}");
    let id = req["id"].as_str().unwrap();
    let t1 = Instant::now();
    let (s, r) = c
        .send(
            reqwest::Method::POST,
            &format!("/api/publications/{id}/approve"),
            reviewer,
            Some(json!({})),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    (t1.elapsed(), t0.elapsed())
}

/// `SINGLE_APPROVALS` publications of new versions of `key`, one at a time; the approval
/// latencies, sorted.
async fn single_approvals(c: &Client, editor: &str, reviewer: &str, key: &str) -> Vec<Duration> {
    let mut out = Vec::new();
    for n in 0..SINGLE_APPROVALS {
        let w = workflow(key, &format!("Einzelne Freigabe {n}"));
        out.push(publish(c, editor, reviewer, w).await.0);
    }
    out.sort();
    out
}

/// Publishes `n` generated workflows straight into the catalogue (one commit and tag each, as
/// an approval writes them).
fn generate_catalogue(repo: &Repo, n: usize) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/reisekostenantrag.json"
    ))
    .expect("template");
    let changes = vec!["Erste veröffentlichte Fassung.".to_string()];
    for i in 0..n {
        let mut w = fachwerk_shared::parse_workflow(&text).unwrap();
        w.key = format!("katalog-{i:04}");
        w.name = format!("Generierter Ablauf {i}");
        w.version = "1.0.0".into();
        let p = Publish {
            workflow: &w,
            base_version: None,
            requester: "generator",
            approver: "generator",
            note: "Generierter Katalog des Benchmarks",
            changes: &changes,
            publication_id: None,
        };
        repo.publish(&p).unwrap();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("data"));
    config.admin_password = Some("bench-Admin-Passwort-1".into());
    config.hash_cost = HashCost::TESTING;
    let state = AppState::open(config).unwrap();
    let token = |name: String, role: Role| {
        let state = state.clone();
        async move {
            let (account, _) = state
                .users
                .add(&name, role, Some("bench-passwort-123"), None)
                .await
                .unwrap();
            state.tokens.create(&account.id, "bench").await.unwrap().1
        }
    };
    let mut editors = Vec::new();
    for i in 0..CLIENTS {
        editors.push(token(format!("editor{i}"), Role::Editor).await);
    }
    let reviewer = token("reviewer".into(), Role::Reviewer).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app(state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = Arc::new(Client {
        http: reqwest::Client::new(),
        base,
    });

    // Warm-up: one publish per client's workflow, so every later publish is an update.
    for (i, e) in editors.iter().enumerate() {
        publish(
            &client,
            e,
            &reviewer,
            workflow(&format!("bench-{i}"), "Ausgangsfassung"),
        )
        .await;
    }

    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, editor) in editors.iter().enumerate() {
        let (c, editor, reviewer) = (client.clone(), editor.clone(), reviewer.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for n in 0..PUBLISHES_PER_CLIENT {
                let w = workflow(&format!("bench-{i}"), &format!("Fassung {n}"));
                out.push(publish(&c, &editor, &reviewer, w).await);
            }
            out
        }));
    }
    let mut approve = Vec::new();
    let mut flow = Vec::new();
    for t in tasks {
        for (a, f) in t.await.unwrap() {
            approve.push(a);
            flow.push(f);
        }
    }
    let wall = started.elapsed();
    approve.sort();
    flow.sort();
    println!(
        "backend publish, {CLIENTS} concurrent clients, {} publications in {:.2} s ({:.1}/s)",
        approve.len(),
        wall.as_secs_f64(),
        approve.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "  approve (= commit + tag)  p50 {}  p99 {}  max {}",
        ms(percentile(&approve, 0.5)),
        ms(percentile(&approve, 0.99)),
        ms(*approve.last().unwrap())
    );
    println!(
        "  draft → request → approve p50 {}  p99 {}",
        ms(percentile(&flow, 0.5)),
        ms(percentile(&flow, 0.99))
    );

    let deadline = Instant::now() + Duration::from_secs(GET_SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let res = c
                    .http
                    .get(format!("{}/api/workflows/bench-0", c.base))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status().as_u16(), 200);
                res.bytes().await.unwrap();
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    println!(
        "backend GET /api/workflows/{{key}}, {CLIENTS} concurrent clients: {:.0} requests/s ({total} in {GET_SECONDS} s)",
        total as f64 / GET_SECONDS as f64
    );

    // One approval at a time: with the catalogue as it is, then with 1,000 more workflows.
    let small_size = state.repo.list().unwrap().len();
    let small = single_approvals(&client, &editors[0], &reviewer, "einzeln-klein").await;
    let repo = state.repo.clone();
    let t = Instant::now();
    tokio::task::spawn_blocking(move || generate_catalogue(&repo, LARGE_CATALOGUE))
        .await
        .unwrap();
    let generated = t.elapsed();
    let large_size = state.repo.list().unwrap().len();
    let large = single_approvals(&client, &editors[0], &reviewer, "einzeln-gross").await;
    println!(
        "  ({LARGE_CATALOGUE} workflows generated in {:.1} s, {:.1} ms each)",
        generated.as_secs_f64(),
        generated.as_secs_f64() * 1e3 / LARGE_CATALOGUE as f64
    );
    for (size, series) in [(small_size, &small), (large_size, &large)] {
        println!(
            "backend approval, one at a time, catalogue of {size} workflows: p50 {}  p99 {}",
            ms(percentile(series, 0.5)),
            ms(percentile(series, 0.99))
        );
    }

    if let Some(out) = std::env::var_os("FACHWERK_BENCH_OUT") {
        let out = std::path::Path::new(&out);
        std::fs::create_dir_all(out).unwrap();
        let f = |d: Duration| d.as_secs_f64() * 1e3;
        let figures = json!({
            "concurrentApproveP50Ms": f(percentile(&approve, 0.5)),
            "getWorkflowPerSecond": total as f64 / GET_SECONDS as f64,
            "smallCatalogue": small_size,
            "smallApproveP50Ms": f(percentile(&small, 0.5)),
            "largeCatalogue": large_size,
            "largeApproveP50Ms": f(percentile(&large, 0.5)),
            "largeApproveP99Ms": f(percentile(&large, 0.99)),
        });
        std::fs::write(out.join("backend-publish.json"), figures.to_string()).unwrap();
    }
}
