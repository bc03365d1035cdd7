//! Draft saves and reads over real loopback HTTP against real `fachwerk serve` processes
//! (`cargo xtask bench` runs it): the database on SQLite, the database on PostgreSQL (a
//! throwaway cluster started like the store tests do) and the predecessor, the last revision
//! with the JSON file store (built by the xtask, path in `FACHWERK_BENCH_PREDECESSOR`). The same
//! load on each, one after another, on the same machine in the same run:
//!
//! - draft save: 20 concurrent clients, each saving its own draft `SAVES` times with If-Match
//!   (PUT /api/drafts/{id}); latency p50/p99 of the saves;
//! - GET throughput: 20 concurrent clients reading their drafts (GET /api/drafts/{id}) for
//!   `GET_SECONDS`, with keep-alive.
//!
//! Every store syncs its writes: SQLite with `synchronous=FULL`, the JSON files with fsync, and
//! PostgreSQL with its defaults when `FACHWERK_TEST_PG_DURABLE=1` (the xtask sets it; without it
//! the test cluster runs with fsync off and the PostgreSQL figure is not comparable).
//!
//! Plain harness: it prints its figures and writes them to `$FACHWERK_BENCH_OUT/backend-store.json`
//! for the xtask's summary; no pass/fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/db_support/mod.rs"]
mod db_support;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CLIENTS: usize = 20;
const SAVES: usize = 40;
const GET_SECONDS: u64 = 5;
const ADMIN_PASSWORD: &str = "Bank-Stuhl-Wolke-Regen-47";
const PASSWORD: &str = "Fenster-Garten-Lampe-Fluss-83";

struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

async fn start(binary: &Path, data: &Path, extra: &[&str]) -> Server {
    let addr = free_addr();
    let child = Command::new(binary)
        .args(["serve", "--addr", &addr.to_string(), "--data"])
        .arg(data)
        .args(["--dist", "/nonexistent"])
        .args(extra)
        .env("FACHWERK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let server = Server {
        child,
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = server.http.get(server.url("/api/health")).send().await {
            if r.status().is_success() {
                return server;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{} did not come up",
            binary.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request with a bearer token (and If-Match); status and JSON body.
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        if_match: Option<u64>,
        body: Option<String>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(rev) = if_match {
            req = req.header("if-match", format!("\"{rev}\""));
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Logs in (session cookie + CSRF token) and creates an API token, as the designer's
    /// settings do; the predecessor speaks the same protocol.
    async fn token(&self, user: &str, password: &str) -> String {
        let res = self
            .http
            .post(self.url("/api/session"))
            .header("content-type", "application/json")
            .body(json!({ "username": user, "password": password }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "login of {user}");
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
            .join("; ");
        let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
        let csrf = body["csrfToken"].as_str().unwrap().to_string();
        let res = self
            .http
            .post(self.url("/api/tokens"))
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201, "token of {user}");
        let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
        body["token"].as_str().unwrap().to_string()
    }
}

fn workflow(key: &str, description: &str) -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/reisekostenantrag.json"
    ))
    .expect("template");
    let mut w: Value = serde_json::from_str(&text).unwrap();
    w["key"] = json!(key);
    w["description"] = json!(description);
    w.to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The load on one server: returns `{savePerClient, saveP50Ms, saveP99Ms, getPerSecond}`.
async fn load(label: &str, server: Server) -> Value {
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let mut editors = Vec::new();
    for i in 0..CLIENTS {
        let name = format!("bearbeitung{i}");
        let body = json!({ "name": name, "role": "editor", "password": PASSWORD });
        let (s, r) = server
            .send(
                reqwest::Method::POST,
                "/api/users",
                &admin,
                None,
                Some(body.to_string()),
            )
            .await;
        assert_eq!(s, 201, "{label}: user {name}: {r}");
        editors.push(server.token(&name, PASSWORD).await);
    }
    let server = std::sync::Arc::new(server);
    let mut drafts = Vec::new();
    for (i, editor) in editors.iter().enumerate() {
        let body = workflow(&format!("entwurf-{i}"), "0");
        let (s, r) = server
            .send(
                reqwest::Method::POST,
                "/api/drafts",
                editor,
                None,
                Some(body),
            )
            .await;
        assert_eq!(s, 201, "{label}: {r}");
        let id = r["id"].as_str().unwrap().to_string();
        drafts.push((editor.clone(), id, r["revision"].as_u64().unwrap()));
    }

    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (editor, id, rev)) in drafts.iter().cloned().enumerate() {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let mut rev = rev;
            let mut out = Vec::new();
            for n in 1..=SAVES {
                let body = workflow(&format!("entwurf-{i}"), &format!("Fassung {n}"));
                let t = Instant::now();
                let (s, r) = server
                    .send(
                        reqwest::Method::PUT,
                        &format!("/api/drafts/{id}"),
                        &editor,
                        Some(rev),
                        Some(body),
                    )
                    .await;
                out.push(t.elapsed());
                assert_eq!(s, 200, "{r}");
                rev = r["revision"].as_u64().unwrap();
            }
            out
        }));
    }
    let mut saves = Vec::new();
    for t in tasks {
        saves.extend(t.await.unwrap());
    }
    let wall = started.elapsed();
    saves.sort();

    let deadline = Instant::now() + Duration::from_secs(GET_SECONDS);
    let mut tasks = Vec::new();
    for (editor, id, _) in drafts {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let res = server
                    .http
                    .get(server.url(&format!("/api/drafts/{id}")))
                    .bearer_auth(&editor)
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
    let mut gets = 0;
    for t in tasks {
        gets += t.await.unwrap();
    }
    let (p50, p99) = (ms(percentile(&saves, 0.5)), ms(percentile(&saves, 0.99)));
    let per_second = gets as f64 / GET_SECONDS as f64;
    println!(
        "{label:<28} draft save ({CLIENTS} clients × {SAVES}): p50 {p50:.1} ms  p99 {p99:.1} ms  ({:.0} saves/s)   GET /api/drafts/{{id}}: {per_second:.0} requests/s",
        saves.len() as f64 / wall.as_secs_f64()
    );
    json!({ "saveP50Ms": p50, "saveP99Ms": p99, "getPerSecond": per_second })
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    let current = Path::new(env!("CARGO_BIN_EXE_fachwerk"));
    let mut results = serde_json::Map::new();

    let dir = tempfile::tempdir().unwrap();
    let server = start(current, &dir.path().join("sqlite"), &[]).await;
    results.insert("sqlite".into(), load("database, SQLite", server).await);

    if std::env::var("FACHWERK_TEST_PG_DURABLE").as_deref() != Ok("1") {
        println!("PostgreSQL below runs with fsync off (FACHWERK_TEST_PG_DURABLE is not 1): not comparable");
    }
    let url = db_support::postgres_url().await;
    let server = start(current, &dir.path().join("postgres"), &["--database", &url]).await;
    results.insert(
        "postgres".into(),
        load("database, PostgreSQL", server).await,
    );

    match std::env::var_os("FACHWERK_BENCH_PREDECESSOR") {
        Some(binary) => {
            let revision = std::env::var("FACHWERK_BENCH_PREDECESSOR_REV").unwrap_or_default();
            let server = start(Path::new(&binary), &dir.path().join("files"), &[]).await;
            let label = format!("JSON files ({revision:.7})");
            let mut figures = load(&label, server).await;
            figures["revision"] = json!(revision);
            results.insert("files".into(), figures);
        }
        None => println!(
            "JSON file store: not measured (FACHWERK_BENCH_PREDECESSOR is not set; `cargo xtask bench` builds the predecessor and sets it)"
        ),
    }

    if let Some(out) = std::env::var_os("FACHWERK_BENCH_OUT") {
        let out = Path::new(&out);
        std::fs::create_dir_all(out).unwrap();
        let text = serde_json::to_string_pretty(&Value::Object(results)).unwrap();
        std::fs::write(out.join("backend-store.json"), text).unwrap();
    }
}
