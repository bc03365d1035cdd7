//! For the template exchange test: a second server without a browser (another authority with
//! its own data directory), and publishing through its API.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Result;
use fachwerk_backend::{AppState, Config};

use crate::{api_login_at, Api, ADMIN_PASSWORD};

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
