//! A real git smart-HTTP remote for tests: git's own `git http-backend`, run as a CGI program
//! by a small HTTP/1.1 server on loopback that lets only holders of the token in — HTTP Basic
//! (any user, the token as password, as GitLab does) or `Bearer <token>`; anything else gets
//! 401 like a GitLab project. It can be stopped and started again on the same port (the
//! remote "down"), and it counts what it saw: refused requests, pushes (receive-pack POSTs)
//! and the most requests it served at the same time.
#![allow(clippy::unwrap_used, dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use tokio::io::AsyncWriteExt;

/// What the server saw (shared across restarts).
#[derive(Default, Debug)]
pub struct Stats {
    /// Requests refused for a missing or wrong token.
    pub refused: AtomicUsize,
    /// Pushes that reached `git-receive-pack`.
    pub pushes: AtomicUsize,
    /// Requests being answered now, and the most ever at once.
    in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
}

struct Ctx {
    root: PathBuf,
    token: String,
    stats: Arc<Stats>,
    /// Each request is held this long before git answers it (to make overlaps visible).
    delay: Duration,
}

pub struct GitHttp {
    pub addr: SocketAddr,
    pub stats: Arc<Stats>,
    root: PathBuf,
    token: String,
    delay: Duration,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Creates the empty bare repository `root/name` (branch `main`).
pub fn bare_repo(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    let out = std::process::Command::new("git")
        .args(["init", "--quiet", "--bare", "--initial-branch=main"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

impl GitHttp {
    /// Serves the repositories below `root` on a free loopback port.
    pub async fn start(root: &Path, token: &str) -> GitHttp {
        GitHttp::start_with_delay(root, token, Duration::ZERO).await
    }

    pub async fn start_with_delay(root: &Path, token: &str, delay: Duration) -> GitHttp {
        let mut server = GitHttp {
            addr: "127.0.0.1:0".parse().unwrap(),
            stats: Arc::new(Stats::default()),
            root: root.to_path_buf(),
            token: token.to_string(),
            delay,
            stop: None,
            task: None,
        };
        server.listen().await;
        server
    }

    /// `http://127.0.0.1:PORT/<name>` (no credentials).
    pub fn url(&self, name: &str) -> String {
        format!("http://{}/{name}", self.addr)
    }

    /// The remote is down: the port refuses connections.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }

    /// Back up on the same port.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.listen().await;
    }

    async fn listen(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.addr = listener.local_addr().unwrap();
        let ctx = Arc::new(Ctx {
            root: self.root.clone(),
            token: self.token.clone(),
            stats: Arc::clone(&self.stats),
            delay: self.delay,
        });
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        self.stop = Some(stop);
        self.task = Some(tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    a = listener.accept() => a,
                    _ = &mut stopped => break,
                };
                let Ok((stream, _)) = accepted else { continue };
                let ctx = Arc::clone(&ctx);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let ctx = Arc::clone(&ctx);
                        async move { Ok::<_, Infallible>(handle(&ctx, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        }));
    }
}

fn reply(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text.to_string())));
    *r.status_mut() = status;
    r
}

/// The user name of a request that carries the token, or `None`.
fn authorised(ctx: &Ctx, req: &Request<Incoming>) -> Option<String> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    if let Some(token) = value.strip_prefix("Bearer ") {
        return (token == ctx.token).then(|| "bearer".to_string());
    }
    let pair = base64::engine::general_purpose::STANDARD
        .decode(value.strip_prefix("Basic ")?)
        .ok()?;
    let (user, password) = std::str::from_utf8(&pair).ok()?.split_once(':')?;
    (password == ctx.token).then(|| user.to_string())
}

async fn handle(ctx: &Ctx, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let Some(user) = authorised(ctx, &req) else {
        ctx.stats.refused.fetch_add(1, Ordering::SeqCst);
        let mut r = reply(StatusCode::UNAUTHORIZED, "HTTP Basic: Access denied\n");
        r.headers_mut().insert(
            "www-authenticate",
            "Basic realm=\"GitLab\"".parse().unwrap(),
        );
        return r;
    };
    let now = ctx.stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    ctx.stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let response = cgi(ctx, &user, req).await;
    ctx.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

/// Runs `git http-backend` for one request (RFC 3875 variables, body on stdin).
async fn cgi(ctx: &Ctx, user: &str, req: Request<Incoming>) -> Response<Full<Bytes>> {
    tokio::time::sleep(ctx.delay).await;
    let (parts, body) = req.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let path = parts.uri.path().to_string();
    if parts.method == hyper::Method::POST && path.ends_with("/git-receive-pack") {
        ctx.stats.pushes.fetch_add(1, Ordering::SeqCst);
    }
    let mut child = tokio::process::Command::new("git")
        .arg("http-backend")
        .env("GIT_PROJECT_ROOT", &ctx.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", &path)
        .env("QUERY_STRING", parts.uri.query().unwrap_or_default())
        .env("REQUEST_METHOD", parts.method.as_str())
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("HTTP_CONTENT_ENCODING", header("content-encoding"))
        .env("GIT_PROTOCOL", header("git-protocol"))
        .env("REMOTE_USER", user)
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = tokio::spawn(async move {
        let _ = stdin.write_all(&body).await;
    });
    let out = child.wait_with_output().await.unwrap();
    writer.await.unwrap();
    let raw = out.stdout;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            raw.windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        });
    let Some((head_end, body_start)) = split else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return reply(StatusCode::INTERNAL_SERVER_ERROR, &format!("CGI: {stderr}"));
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
    let mut response = Response::new(Full::new(Bytes::copy_from_slice(&raw[body_start..])));
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code = value.split(' ').next().unwrap_or("500").parse().unwrap();
            *response.status_mut() = StatusCode::from_u16(code).unwrap();
        } else {
            response.headers_mut().append(
                hyper::header::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
    }
    response
}
