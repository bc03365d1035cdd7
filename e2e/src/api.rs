//! A small HTTP client for setting up accounts and versions through the API: [`http`], the
//! logged-in [`Api`], and the `Session`'s server as the API sees it (data directory, address).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::Session;

/// A logged-in API session (cookie + CSRF token), for setting up test data.
pub struct Api {
    addr: String,
    cookie: String,
    csrf: String,
}

/// One HTTP/1.1 exchange over a fresh connection: (status, headers, body).
pub async fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Option<&str>,
) -> Result<(u16, Vec<(String, String)>, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let body = body.unwrap_or("");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .context("HTTP answer without header end")?;
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .context("HTTP answer without status")?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Ok((status, headers, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

impl Api {
    /// `method path` with an optional JSON body; (status, body).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<(u16, String)> {
        self.call_with(method, path, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        extra: &[(&str, String)],
    ) -> Result<(u16, String)> {
        let mut headers = vec![
            ("Cookie", self.cookie.clone()),
            ("X-CSRF-Token", self.csrf.clone()),
        ];
        headers.extend(extra.iter().cloned());
        let (status, _, body) = http(&self.addr, method, path, &headers, body).await?;
        Ok((status, body))
    }

    /// Like `call`, but fails unless the status is `expected`; returns the JSON body.
    pub async fn json(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        expected: u16,
    ) -> Result<serde_json::Value> {
        let (status, text) = self.call(method, path, body).await?;
        if status != expected {
            bail!("{method} {path}: expected {expected}, got {status}: {text}");
        }
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }
}

impl Session {
    /// The server's data directory (the catalogue is its `catalog.git`).
    pub fn data_dir(&self) -> PathBuf {
        self._data.path().join("data")
    }

    /// host:port of the server.
    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    /// Logs in through the API.
    pub async fn api_login(&self, user: &str, password: &str) -> Result<Api> {
        api_login_at(&self.addr(), user, password).await
    }

    /// The admin creates an account with `role` (editor, reviewer, admin).
    pub async fn create_user(
        &self,
        admin: &Api,
        name: &str,
        role: &str,
        password: &str,
    ) -> Result<()> {
        let body =
            serde_json::json!({ "name": name, "role": role, "password": password }).to_string();
        admin.json("POST", "/api/users", Some(&body), 201).await?;
        Ok(())
    }
}

/// Tags of the catalogue repository (`git tag -l`).
pub fn catalog_tags(data_dir: &std::path::Path) -> Result<Vec<String>> {
    let out = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(data_dir.join("catalog.git"))
        .args(["tag", "-l"])
        .output()
        .context("git")?;
    if !out.status.success() {
        bail!(
            "git tag -l failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

/// Logs in at the server `addr` through the API.
pub async fn api_login_at(addr: &str, user: &str, password: &str) -> Result<Api> {
    let body = serde_json::json!({ "username": user, "password": password }).to_string();
    let (status, headers, text) = http(addr, "POST", "/api/session", &[], Some(&body)).await?;
    if status != 200 {
        bail!("login of {user} failed with {status}: {text}");
    }
    let cookie = headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .filter_map(|(_, v)| v.split(';').next())
        .map(str::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    let v: serde_json::Value = serde_json::from_str(&text)?;
    Ok(Api {
        addr: addr.to_string(),
        cookie,
        csrf: v["csrfToken"].as_str().unwrap_or_default().to_string(),
    })
}
