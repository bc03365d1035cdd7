//! Helpers shared by the integration tests: an app on a temporary data directory with one
//! user per role, a request helper, and small valid workflows.
#![allow(clippy::unwrap_used, dead_code)]

use std::process::Command;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use fachwerk_backend::users::{HashCost, Role};
use fachwerk_backend::{app, AppState, Config};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

pub mod client;
pub mod outputs;

pub const ADMIN_PASSWORD: &str = "admin-passwort-123";
pub const PASSWORD: &str = "passwort-fuer-tests";

/// A running app on a temporary data directory with bearer tokens for
/// `admin`, `erika` (editor), `rudi` (reviewer) and `otto` (another editor).
pub struct Env {
    pub dir: tempfile::TempDir,
    pub state: AppState,
    pub app: axum::Router,
}

pub struct Users {
    pub admin: String,
    pub editor: String,
    pub reviewer: String,
    pub other: String,
}

impl Env {
    pub fn new() -> Env {
        Env::with(|_| {})
    }

    pub fn with(adjust: impl FnOnce(&mut Config)) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().join("data"));
        config.admin_password = Some(ADMIN_PASSWORD.into());
        config.hash_cost = HashCost::TESTING;
        adjust(&mut config);
        let state = AppState::new(config);
        let app = app(state.clone());
        Env { dir, state, app }
    }

    pub fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    pub fn catalog(&self) -> std::path::PathBuf {
        self.data().join("catalog.git")
    }

    /// Creates a user (if needed) and returns a bearer token for them.
    pub async fn token(&self, name: &str, role: Role) -> String {
        let account = match self.state.users.get(name).await.unwrap() {
            Some(account) => account,
            None => {
                let users = &self.state.users;
                users.add(name, role, Some(PASSWORD), None).await.unwrap().0
            }
        };
        self.state
            .tokens
            .create(&account.id, "test")
            .await
            .unwrap()
            .1
    }

    pub async fn users(&self) -> Users {
        Users {
            admin: self.token("admin", Role::Admin).await,
            editor: self.token("erika", Role::Editor).await,
            reviewer: self.token("rudi", Role::Reviewer).await,
            other: self.token("otto", Role::Editor).await,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        send(
            &self.app,
            req.body(body.map(Body::from).unwrap_or_else(Body::empty))
                .unwrap(),
        )
        .await
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Resp {
        self.call(Method::GET, uri, token, None).await
    }

    pub async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::POST, uri, token, Some(body.to_string()))
            .await
    }

    /// Creates a draft from `workflow`; returns its id.
    pub async fn draft(&self, token: &str, workflow: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/drafts",
                Some(token),
                Some(workflow.to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()["id"].as_str().unwrap().to_string()
    }

    /// Requests publication of a draft; returns the request.
    pub async fn request(&self, token: &str, draft: &str, note: &str) -> Resp {
        self.post(
            "/api/publications",
            Some(token),
            json!({ "draftId": draft, "note": note }),
        )
        .await
    }

    /// Draft + request + approval; returns the approved publication.
    pub async fn publish(&self, editor: &str, reviewer: &str, workflow: &str, note: &str) -> Value {
        let draft = self.draft(editor, workflow).await;
        let r = self.request(editor, &draft, note).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let id = r.json()["id"].as_str().unwrap().to_string();
        let r = self
            .post(
                &format!("/api/publications/{id}/approve"),
                Some(reviewer),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

pub async fn send(app: &axum::Router, req: Request<Body>) -> Resp {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        headers,
        text: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A small valid workflow: start → check → end.
/// A workflow written as JSON by a test, parsed and checked free of validation errors; the
/// JSON to activate.
pub fn valid_workflow(w: &Value) -> String {
    let parsed = fachwerk_shared::parse_workflow(&w.to_string()).unwrap();
    let errors: Vec<_> = fachwerk_shared::validate(&parsed)
        .into_iter()
        .filter(|f| f.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    serde_json::to_string(&parsed).unwrap()
}

pub fn workflow(key: &str, description: &str) -> String {
    let w = json!({
        "schemaVersion": 1,
        "key": key,
        "name": "Testablauf",
        "description": description,
        "version": "0.1.0",
        "nextId": 10,
        "fields": [{ "name": "antragsteller", "label": "Antragsteller", "type": "text", "required": true }],
        "roles": [{ "id": "R-SB", "name": "Sachbearbeitung", "orgUnit": "Bürgeramt" }],
        "blocks": [
            { "id": "b1", "type": "start", "label": "Antrag eingegangen", "params": { "trigger": "ONLINE_ANTRAG" } },
            { "id": "b2", "type": "sachbearbeitung", "label": "Antrag prüfen",
              "params": { "assignee": { "kind": "role", "ref": "R-SB" }, "instructions": "zur Bearbeitung", "outcomes": ["ok"] } },
            { "id": "b3", "type": "ende", "label": "Erledigt", "params": { "result": "ERLEDIGT" } }
        ],
        "edges": [
            { "id": "e1", "from": "b1", "port": "next", "to": "b2" },
            { "id": "e2", "from": "b2", "port": "ok", "to": "b3" }
        ],
        "layout": { "blocks": {
            "b1": { "x": 0, "y": 0, "w": 160, "h": 64 },
            "b2": { "x": 240, "y": 0, "w": 160, "h": 64 },
            "b3": { "x": 480, "y": 0, "w": 160, "h": 64 }
        } }
    });
    checked(w)
}

/// `workflow` with a notification step inserted before the end (a feature: minor version).
pub fn workflow_with_notice(key: &str) -> String {
    let mut w: Value = serde_json::from_str(&workflow(key, "Ein Ablauf für Tests.")).unwrap();
    w["blocks"].as_array_mut().unwrap().insert(
        2,
        json!({ "id": "b4", "type": "benachrichtigung", "label": "Antragsteller informieren",
                "params": { "recipient": { "kind": "applicant" }, "channel": "EMAIL", "template": "Ihr Antrag ist bearbeitet.", "templateKind": "INFO" } }),
    );
    w["edges"] = json!([
        { "id": "e1", "from": "b1", "port": "next", "to": "b2" },
        { "id": "e2", "from": "b2", "port": "ok", "to": "b4" },
        { "id": "e3", "from": "b4", "port": "next", "to": "b3" }
    ]);
    w["layout"]["blocks"]["b4"] = json!({ "x": 480, "y": 120, "w": 160, "h": 64 });
    checked(w)
}

/// Canonical JSON of `w`, asserting that it parses and has no validation errors.
fn checked(w: Value) -> String {
    let parsed = fachwerk_shared::parse_workflow(&w.to_string()).unwrap();
    let errors: Vec<_> = fachwerk_shared::validate(&parsed)
        .into_iter()
        .filter(|f| f.is_error())
        .collect();
    assert!(errors.is_empty(), "test workflow is invalid: {errors:#?}");
    fachwerk_shared::to_canonical_json(&parsed)
}

/// Runs git and returns stdout; panics with stderr on failure.
pub fn git(args: &[&str]) -> String {
    let out = Command::new("git").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `git fsck --strict` on a repository; asserts a clean result.
pub fn assert_fsck_clean(git_dir: &std::path::Path) {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(["fsck", "--strict", "--no-dangling"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains("core.fsyncObjectFiles"))
        .collect();
    assert!(
        out.status.success() && problems.is_empty(),
        "git fsck: {stderr}\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
