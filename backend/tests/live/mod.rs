//! The real `fachwerk serve` binary on a loopback port and a raw HTTP/1.1 client, for tests
//! that need the socket: timeouts, client addresses, hostile bytes.
#![allow(clippy::unwrap_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    /// What the server printed on standard output before it was ready.
    pub stdout: String,
    pub data: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `fachwerk serve --addr <listen> --data <tmp>/data <extra…>` and waits for its
    /// "läuft auf" line; `env` is set, `FACHWERK_ADMIN_PASSWORD` removed unless given.
    pub fn start(listen: &str, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fachwerk"));
        cmd.args(["serve", "--addr", listen, "--data"])
            .arg(&data)
            .args(["--dist", "/nonexistent"])
            .args(extra)
            .env_remove("FACHWERK_ADMIN_PASSWORD")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut stdout = String::new();
        let addr = loop {
            let line = lines
                .next()
                .expect("server exited before it was ready")
                .unwrap();
            stdout.push_str(&line);
            stdout.push('\n');
            if let Some(rest) = line.split("läuft auf http://").nth(1) {
                let port = rest.split('/').next().unwrap().rsplit(':').next().unwrap();
                break format!("127.0.0.1:{port}").parse().unwrap();
            }
        };
        Server {
            child,
            addr,
            stdout,
            data,
            _dir: dir,
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Sends raw bytes and reads the answer until the server closes (at most 20 s).
pub async fn raw(addr: SocketAddr, request: &[u8]) -> Option<Reply> {
    let fut = async {
        let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
        s.write_all(request).await.ok()?;
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out).await;
        parse(&out)
    };
    tokio::time::timeout(Duration::from_secs(20), fut)
        .await
        .ok()
        .flatten()
}

/// One request with `Connection: close`; JSON bodies get their content type.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Option<&str>,
) -> Reply {
    let body = body.unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty()
        && !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        req.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    raw(addr, req.as_bytes())
        .await
        .unwrap_or_else(|| panic!("no answer to {method} {path}"))
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
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        let mut out = String::new();
        let mut rest = rest;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            if n == 0 {
                break;
            }
            out.push_str(after.get(..n)?);
            rest = after.get(n + 2..)?;
        }
        out
    } else {
        rest.to_string()
    };
    Some(Reply {
        status,
        headers,
        body,
    })
}

/// Logs in; returns the reply (cookies in `set-cookie`).
pub async fn login(addr: SocketAddr, user: &str, password: &str) -> Reply {
    let body = serde_json::json!({ "username": user, "password": password }).to_string();
    http(addr, "POST", "/api/session", &[], Some(&body)).await
}
