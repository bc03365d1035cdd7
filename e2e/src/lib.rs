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
mod api;
pub mod axe;
mod backend;
mod designer;
pub mod oidc;
pub mod outbox;
mod page;
pub mod peer_pages;
pub mod user;

pub use api::{api_login_at, catalog_tags, http, Api};
pub use backend::Backend;
pub use designer::{workspace, Download};

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

    /// Opens a page of the app and waits until it is complete: its first screen
    /// (`open_first_screen`) and the account bar, which the designer draws with its findings
    /// and outline from a module loaded after the first screen (`frontend/src/on_demand.rs`).
    pub async fn open(&self, path: &str) -> Result<()> {
        self.open_first_screen(path).await?;
        self.wait_for("#topbar .srv-bar").await?;
        Ok(())
    }

    /// Opens a page of the app and waits until the wasm app has rendered: the designer its
    /// palette, the case app its screen.
    pub async fn open_first_screen(&self, path: &str) -> Result<()> {
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
