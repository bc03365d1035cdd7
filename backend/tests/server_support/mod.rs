//! Real `fachwerk serve` processes for tests: start one on a data directory, wait until it
//! answers, log in, and a minimal HTTP/1.1 client (one request per connection) that tells an
//! acknowledged reply from a cut-off one.
#![allow(clippy::unwrap_used, dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const ADMIN_PASSWORD: &str = "admin-passwort-dauer";

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A minimal HTTP/1.1 client (one request per connection).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Option<String>,
) -> std::io::Result<Reply> {
    let fut = async {
        let mut s = tokio::net::TcpStream::connect(addr).await?;
        let body = body.unwrap_or_default();
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(&body);
        s.write_all(req.as_bytes()).await?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).await?;
        parse(&raw).ok_or_else(|| std::io::Error::other("incomplete response"))
    };
    tokio::time::timeout(Duration::from_secs(60), fut)
        .await
        .map_err(|_| std::io::Error::other("timeout"))?
}

fn parse(raw: &[u8]) -> Option<Reply> {
    let text = String::from_utf8_lossy(raw);
    let (head, rest) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let body = if get("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        let mut out = String::new();
        let mut rest = rest;
        loop {
            let (size, after) = rest.split_once("\r\n")?;
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            if n == 0 {
                break;
            }
            out.push_str(after.get(..n)?);
            rest = after.get(n + 2..)?;
        }
        out
    } else {
        let len: usize = get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(rest.len());
        if rest.len() < len {
            return None; // cut off: not acknowledged
        }
        rest[..len].to_string()
    };
    Some(Reply {
        status,
        headers,
        body,
    })
}

pub fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// Starts `fachwerk serve` on `data` (stdout appended to `log`) with `extra` arguments.
pub fn start(data: &Path, log: &Path, extra: &[&str]) -> (Child, SocketAddr) {
    start_with_env(data, log, extra, &[])
}

/// [`start`] with extra environment variables.
pub fn start_with_env(
    data: &Path,
    log: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Child, SocketAddr) {
    let addr = free_addr();
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_fachwerk"))
        .args([
            "serve",
            "--addr",
            &addr.to_string(),
            "--data",
            data.to_str().unwrap(),
            "--dist",
            "/nonexistent",
        ])
        .args(extra)
        .env("FACHWERK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    (child, addr)
}

pub async fn wait_ready(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(r) = http(addr, "GET", "/api/health", &[], None).await {
            if r.status == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server did not come up on {addr}");
}

/// Logs in and returns a bearer token.
pub async fn token_for(addr: SocketAddr, user: &str, password: &str) -> String {
    let r = http(
        addr,
        "POST",
        "/api/session",
        &[],
        Some(json!({ "username": user, "password": password }).to_string()),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let cookie = r
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let csrf = r.json()["csrfToken"].as_str().unwrap().to_string();
    let h = [("Cookie", cookie), ("X-CSRF-Token", csrf)];
    let r = http(addr, "POST", "/api/tokens", &h, Some("{}".into()))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_string()
}

pub fn bearer(t: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {t}"))
}
