//! Harness for the browser tests: a real Fachwerk server (in-process, ephemeral loopback port,
//! temporary data directory) and a real headless Chromium driven through chromedriver.
//! Everything is torn down on drop, also when a test fails.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use fachwerk_backend::{AppState, Config};
use thirtyfour::prelude::*;
use thirtyfour::ChromiumLikeCapabilities;

pub use thirtyfour;

pub mod a11y;
pub mod axe;
pub mod oidc;
pub mod outbox;
pub mod peer_pages;
pub mod user;

/// Password of the bootstrap admin in every test server.
pub const ADMIN_PASSWORD: &str = "e2e-Admin-Passwort-1";

/// A running server plus a browser session.
pub struct Session {
    pub driver: WebDriver,
    pub base: String,
    _server: tokio::task::JoinHandle<()>,
    _chromedriver: tokio::process::Child,
    _data: tempfile::TempDir,
    _profile: tempfile::TempDir,
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The built frontend; set by `cargo xtask test`.
pub fn dist_dir() -> Result<PathBuf> {
    let dist = std::env::var_os("FACHWERK_DIST")
        .map(PathBuf::from)
        .context("FACHWERK_DIST is not set: run the browser tests through `cargo xtask test`")?;
    if !dist.join("index.html").is_file() {
        bail!(
            "{} has no index.html: build the frontend first (`cargo xtask dist`)",
            dist.display()
        );
    }
    Ok(dist)
}

/// Where screenshots go (`target/e2e/`).
pub fn out_dir() -> PathBuf {
    let dir = std::env::var_os("FACHWERK_E2E_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/e2e"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

impl Session {
    pub async fn start() -> Result<Session> {
        Session::start_with(|_| {}).await
    }

    /// Like [`Session::start`], with the server configuration adjusted (e.g. source roots).
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Result<Session> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        Session::start_on(listener, adjust).await
    }

    /// Like [`Session::start_with`], on a listener bound beforehand (its address known to
    /// what the configuration needs, e.g. an identity provider's redirect URI).
    pub async fn start_on(
        listener: tokio::net::TcpListener,
        adjust: impl FnOnce(&mut Config),
    ) -> Result<Session> {
        let data = tempfile::tempdir()?;
        let mut config = Config::new(data.path().join("data"));
        config.dist_dir = Some(dist_dir()?);
        config.admin_password = Some(ADMIN_PASSWORD.into());
        config.hash_cost = fachwerk_backend::users::HashCost::TESTING;
        adjust(&mut config);
        let addr: SocketAddr = listener.local_addr()?;
        let state = AppState::open(config)?;
        // As `serve` does: the delivery worker sends what cases put into the outbox (without
        // SMTP, mails land as .eml files in the data directory's mail outbox).
        let deliveries = state.deliveries.clone();
        let app = fachwerk_backend::app(state);
        let server = tokio::spawn(async move {
            let worker = tokio::spawn(deliveries.worker());
            let _ = axum::serve(listener, app).await;
            worker.abort();
        });

        let port = free_port()?;
        let chromedriver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromedriver = tokio::process::Command::new(&chromedriver_bin)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {chromedriver_bin}"))?;
        wait_for_port(port).await?;

        let profile = tempfile::tempdir()?;
        let mut caps = DesiredCapabilities::chrome();
        for arg in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1400,900",
        ] {
            caps.add_arg(arg)?;
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))?;
        if let Ok(bin) = std::env::var("CHROMIUM") {
            caps.set_binary(&bin)?;
        }
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await?;
        Ok(Session {
            driver,
            base: format!("http://{addr}"),
            _server: server,
            _chromedriver: chromedriver,
            _data: data,
            _profile: profile,
        })
    }

    /// Opens a page of the app and waits until the wasm app has rendered: the designer its
    /// palette, the case app its screen.
    pub async fn open(&self, path: &str) -> Result<()> {
        let t0 = std::time::Instant::now();
        self.driver.goto(format!("{}{path}", self.base)).await?;
        self.driver
            .query(By::Css(".palette-item, #srv-screen"))
            .wait(Duration::from_secs(20), Duration::from_millis(100))
            .first()
            .await
            .context("the app did not render (blank page: broken wasm build?)")?;
        eprintln!(
            "e2e: {path} rendered after {:.1} s",
            t0.elapsed().as_secs_f64()
        );
        Ok(())
    }

    /// JavaScript errors the page recorded (index.html installs the recorder).
    pub async fn page_errors(&self) -> Result<Vec<String>> {
        let ret = self
            .driver
            .execute(
                "return (window.__fachwerkErrors || []).map(String);",
                Vec::new(),
            )
            .await?;
        Ok(ret.convert()?)
    }

    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let path = out_dir().join(format!("{name}.png"));
        self.driver.screenshot(&path).await?;
        Ok(path)
    }

    pub async fn close(self) -> Result<()> {
        self.driver.clone().quit().await?;
        Ok(())
    }
}

async fn wait_for_port(port: u16) -> Result<()> {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("chromedriver did not start listening on port {port}")
}

// ---------------------------------------------------------------------------------------------
// Helpers for the designer tests (file input, captured downloads, counts).

/// Replaces file downloads by a capture: every `<a download>` click records the file name and
/// its blob instead of saving it; [`Session::downloads`] reads them back.
const CAPTURE_DOWNLOADS_JS: &str = r#"
window.__downloads = [];
window.__blobByUrl = {};
const origCreate = URL.createObjectURL;
URL.createObjectURL = function (b) { const u = origCreate.call(URL, b); window.__blobByUrl[u] = b; return u; };
const origClick = HTMLAnchorElement.prototype.click;
HTMLAnchorElement.prototype.click = function () {
  if (this.download) { window.__downloads.push({ name: this.download, blob: window.__blobByUrl[this.href] }); return; }
  return origClick.call(this);
};
"#;

/// A file the page offered for download.
#[derive(Debug, Clone)]
pub struct Download {
    pub name: String,
    pub mime: String,
    pub text: String,
}

/// Where the repository's files are (templates, fixtures, node tools).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Session {
    /// Chooses `path` in the designer's (hidden) file input, as "Öffnen / Importieren" does.
    pub async fn choose_file(&self, path: &std::path::Path) -> Result<()> {
        let path = std::fs::canonicalize(path)
            .with_context(|| format!("cannot find {}", path.display()))?;
        let input = self.driver.find(By::Id("file-open")).await?;
        input
            .send_keys(path.to_string_lossy().to_string())
            .await
            .context("file input")?;
        Ok(())
    }

    /// Opens a file over the open workflow: the designer asks before replacing it; confirms
    /// "Ersetzen".
    pub async fn replace_with_file(&self, path: &std::path::Path) -> Result<()> {
        self.choose_file(path).await?;
        self.wait_for("#import-replace").await?.click().await?;
        Ok(())
    }

    /// Opens a workflow file and waits until the canvas shows `blocks` blocks.
    pub async fn open_workflow_file(&self, path: &std::path::Path, blocks: usize) -> Result<()> {
        self.choose_file(path).await?;
        self.wait_blocks(blocks).await
    }

    /// Waits until the workflow has `n` blocks (counted in the outline of the model, not only
    /// the ones rendered in view).
    pub async fn wait_blocks(&self, n: usize) -> Result<()> {
        for _ in 0..200 {
            let count = self.block_count().await?;
            if count == n {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!(
            "expected {n} blocks on the canvas, found {}",
            self.block_count().await?
        )
    }

    /// Blocks of the open workflow, read from the autosave copy in localStorage (the canvas
    /// only renders the blocks in view).
    pub async fn block_count(&self) -> Result<usize> {
        let v = self
            .js("const t = localStorage.getItem('fachwerk.autosave'); return t ? JSON.parse(t).blocks.length : 0;")
            .await?;
        Ok(v.as_u64().unwrap_or(0) as usize)
    }

    /// Blocks rendered on the canvas right now.
    pub async fn rendered_blocks(&self) -> Result<usize> {
        Ok(self
            .driver
            .find_all(By::Css("#canvas g.block"))
            .await?
            .len())
    }

    pub async fn capture_downloads(&self) -> Result<()> {
        self.driver
            .execute(CAPTURE_DOWNLOADS_JS, Vec::new())
            .await?;
        Ok(())
    }

    /// Files offered for download since [`Session::capture_downloads`].
    pub async fn downloads(&self) -> Result<Vec<Download>> {
        let ret = self
            .driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 Promise.all((window.__downloads || []).map(d => d.blob.text().then(t => ({ name: d.name, mime: d.blob.type, text: t }))))
                   .then(done, e => done({ error: String(e) }));",
                Vec::new(),
            )
            .await?;
        let v = ret.json().clone();
        let Some(list) = v.as_array() else {
            bail!("reading downloads failed: {v}");
        };
        Ok(list
            .iter()
            .map(|d| Download {
                name: d["name"].as_str().unwrap_or_default().to_string(),
                mime: d["mime"].as_str().unwrap_or_default().to_string(),
                text: d["text"].as_str().unwrap_or_default().to_string(),
            })
            .collect())
    }

    /// The number of errors the page reports in `#problem-count` (its `data-errors`).
    pub async fn error_count(&self) -> Result<usize> {
        let el = self.driver.find(By::Id("problem-count")).await?;
        let n = el.attr("data-errors").await?.unwrap_or_default();
        n.parse()
            .with_context(|| format!("#problem-count data-errors = {n:?}"))
    }

    /// Waits for an element with the CSS selector and returns it.
    pub async fn wait_for(&self, css: &str) -> Result<WebElement> {
        self.driver
            .query(By::Css(css))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    /// Runs a script and returns its JSON result.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self
            .driver
            .execute(script, Vec::new())
            .await?
            .json()
            .clone())
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers for the publishing and review tests: the data directory, a small HTTP client for
// setting up accounts and versions through the API, and logging in through the UI.

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
        let body = serde_json::json!({ "username": user, "password": password }).to_string();
        let (status, headers, text) =
            http(&self.addr(), "POST", "/api/session", &[], Some(&body)).await?;
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
            addr: self.addr(),
            cookie,
            csrf: v["csrfToken"].as_str().unwrap_or_default().to_string(),
        })
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

    /// Logs in through the UI's login dialog and waits for the header to name the user.
    pub async fn ui_login(&self, user: &str, password: &str) -> Result<()> {
        let d = &self.driver;
        d.find(By::Id("btn-login")).await?.click().await?;
        let u = d
            .query(By::Id("login-user"))
            .wait(Duration::from_secs(5), Duration::from_millis(50))
            .first()
            .await?;
        // The dialog keeps the last user name: replace it.
        u.send_keys(Key::Control + "a").await?;
        u.send_keys(user).await?;
        d.find(By::Id("login-password"))
            .await?
            .send_keys(password)
            .await?;
        d.find(By::Id("login-submit")).await?.click().await?;
        if let Err(e) = self.wait_text_in("#whoami", user, 10).await {
            let shown = match d.find(By::Id("login-error")).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::from("(no login dialog)"),
            };
            let _ = self.screenshot("login-failed").await;
            bail!("{e}; login dialog says {shown:?}");
        }
        Ok(())
    }

    /// Waits until the element matching `css` contains `needle`; returns its text.
    pub async fn wait_text_in(&self, css: &str, needle: &str, secs: u64) -> Result<String> {
        let mut last = String::new();
        for _ in 0..(secs * 10) {
            if let Ok(el) = self.driver.find(By::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css} did not show {needle:?} within {secs} s (last text: {last:?})")
    }

    /// Waits for an element and clicks it. A command inside a closed header menu is reached
    /// as a user would: the menu's button is clicked first.
    pub async fn click_css(&self, css: &str) -> Result<()> {
        let el = self
            .driver
            .query(By::Css(css))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await
            .with_context(|| format!("no {css}"))?;
        let menu_button = self
            .driver
            .execute(
                "const m = arguments[0].closest('[role=menu]');
                 return m && m.hidden ? m.getAttribute('aria-labelledby') : null;",
                vec![el.to_json()?],
            )
            .await?
            .json()
            .as_str()
            .map(str::to_string);
        if let Some(button) = menu_button {
            self.driver.find(By::Id(&button)).await?.click().await?;
        }
        el.click().await?;
        Ok(())
    }

    /// Sets the browser window to `w` × `h` CSS pixels (the viewport, headless).
    pub async fn window_size(&self, w: u32, h: u32) -> Result<()> {
        self.driver.set_window_rect(0, 0, w, h).await?;
        Ok(())
    }

    /// The header's layout: (height, spread of the tops of its visible controls, controls
    /// that stick out of the window). One row: a small spread and nothing sticking out.
    pub async fn header_layout(&self) -> Result<(f64, f64, Vec<String>)> {
        let v = self.js(HEADER_LAYOUT_JS).await?;
        let outside = v["outside"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok((
            v["height"].as_f64().unwrap_or(0.0),
            v["spread"].as_f64().unwrap_or(f64::MAX),
            outside,
        ))
    }

    /// Block names and type lines on the canvas that run past their block's edge (cut by a
    /// clip, or drawn over the border) instead of being shortened with "…".
    pub async fn labels_cut_without_ellipsis(&self) -> Result<Vec<String>> {
        let v = self.js(CUT_LABELS_JS).await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits until `select_css` offers `value`, then selects it.
    pub async fn select_value(&self, select_css: &str, value: &str) -> Result<()> {
        let option = format!("{select_css} option[value='{value}']");
        self.driver
            .query(By::Css(&option))
            .wait(Duration::from_secs(10), Duration::from_millis(50))
            .first()
            .await
            .with_context(|| format!("no option {value} in {select_css}"))?;
        let el = self.driver.find(By::Css(select_css)).await?;
        thirtyfour::components::SelectElement::new(&el)
            .await?
            .select_by_value(value)
            .await?;
        Ok(())
    }
}

const HEADER_LAYOUT_JS: &str = r#"
const bar = document.getElementById('topbar').getBoundingClientRect();
const controls = [...document.querySelectorAll('#topbar button, #topbar h1')]
  .filter(e => e.getClientRects().length > 0 && !e.closest('[role=menu]') && !e.classList.contains('skip-link'));
const tops = controls.map(e => e.getBoundingClientRect().top);
const outside = controls
  .filter(e => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 0.5 || r.bottom > bar.bottom + 0.5; })
  .map(e => e.id || e.textContent.trim());
return { height: bar.height, spread: Math.max(...tops) - Math.min(...tops), outside };
"#;

const CUT_LABELS_JS: &str = r#"
const cut = [];
for (const g of document.querySelectorAll('#canvas g.block')) {
  const body = g.querySelector('.block-body').getBoundingClientRect();
  for (const t of g.querySelectorAll('text.block-label, text.block-type')) {
    const text = t.textContent.trim();
    if (!text) continue;
    // The whole text box (a clip does not shrink it) must end inside the block: a long name
    // is shortened with "…", never cut by the block's edge.
    if (t.getBoundingClientRect().right > body.right + 0.5) cut.push(text);
  }
}
return cut;
"#;

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

// ---------------------------------------------------------------------------------------------
// Helpers for the template exchange test: a second server without a browser (another
// authority with its own data directory), and publishing through its API.

/// A Fachwerk server in-process with its own temporary data directory, no browser.
pub struct Backend {
    addr: String,
    _server: tokio::task::JoinHandle<()>,
    _data: tempfile::TempDir,
}

impl Backend {
    pub async fn start() -> Result<Backend> {
        let data = tempfile::tempdir()?;
        let mut config = Config::new(data.path().join("data"));
        config.admin_password = Some(ADMIN_PASSWORD.into());
        config.hash_cost = fachwerk_backend::users::HashCost::TESTING;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr: SocketAddr = listener.local_addr()?;
        let app = fachwerk_backend::app(AppState::open(config)?);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Backend {
            addr: addr.to_string(),
            _server: server,
            _data: data,
        })
    }

    /// The bare catalogue repository (what other authorities add as a source).
    pub fn catalog(&self) -> PathBuf {
        self._data.path().join("data").join("catalog.git")
    }

    pub async fn api_login(&self, user: &str, password: &str) -> Result<Api> {
        api_login_at(&self.addr, user, password).await
    }
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

impl Api {
    /// Creates an account (the caller must be an admin).
    pub async fn create_user(&self, name: &str, role: &str, password: &str) -> Result<()> {
        let body =
            serde_json::json!({ "name": name, "role": role, "password": password }).to_string();
        self.json("POST", "/api/users", Some(&body), 201).await?;
        Ok(())
    }

    /// Saves `workflow` as a draft of `editor`, requests publication and lets `reviewer`
    /// approve it; returns the published version.
    pub async fn publish_as(
        editor: &Api,
        reviewer: &Api,
        workflow: &serde_json::Value,
        note: &str,
    ) -> Result<String> {
        let draft = editor
            .json("POST", "/api/drafts", Some(&workflow.to_string()), 201)
            .await?;
        let body = serde_json::json!({ "draftId": draft["id"], "note": note }).to_string();
        let p = editor
            .json("POST", "/api/publications", Some(&body), 201)
            .await?;
        let id = p["id"].as_str().unwrap_or_default().to_string();
        let done = reviewer
            .json(
                "POST",
                &format!("/api/publications/{id}/approve"),
                Some("{}"),
                200,
            )
            .await?;
        Ok(done["published"]["version"]
            .as_str()
            .unwrap_or_default()
            .to_string())
    }
}
