//! The security log (issue 16 item 7): one structured line per refusal and account change,
//! with user, client address, route and reason, never a password. Alone in its binary: the
//! test installs a log subscriber for its thread.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use common::client::{call, login, pending_request, Auth};
use common::{Env, ADMIN_PASSWORD};
use serde_json::json;

/// Collects everything logged while it is the default subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self, event: &str) -> Vec<String> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .filter(|l| l.contains(" security:") && l.contains(&format!("event=\"{event}\"")))
            .map(String::from)
            .collect()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn security_events_are_logged_once_each_without_passwords() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let env = Env::new();
    let u = env.users().await;

    let secret = "Geheimnis-das-nie-im-Log-steht";
    assert_eq!(
        login(&env, "erika", secret).await.0.status,
        StatusCode::UNAUTHORIZED
    );
    call(&env, Method::GET, "/api/drafts", &Auth::None, None).await;
    call(
        &env,
        Method::GET,
        "/api/users",
        &Auth::Bearer(u.editor.clone()),
        None,
    )
    .await;
    let (_, session) = login(&env, "erika", common::PASSWORD).await;
    let Auth::Cookies { cookie, .. } = session else {
        unreachable!()
    };
    let forged = Auth::Cookies {
        cookie,
        csrf: "gefälscht".into(),
    };
    call(&env, Method::DELETE, "/api/session", &forged, None).await;
    let body =
        json!({ "name": "neu", "role": "reviewer", "password": "Kastanienallee-Wetterhahn-8" });
    call(
        &env,
        Method::POST,
        "/api/users",
        &Auth::Bearer(u.admin.clone()),
        Some(body),
    )
    .await;
    call(
        &env,
        Method::DELETE,
        "/api/users/neu",
        &Auth::Bearer(u.admin.clone()),
        None,
    )
    .await;
    let id = pending_request(&env, &u.admin, "eigen").await;
    call(
        &env,
        Method::POST,
        &format!("/api/publications/{id}/approve"),
        &Auth::Bearer(u.admin.clone()),
        None,
    )
    .await;

    let expect = [
        ("login_failed", "erika", "POST /api/session"),
        ("unauthorized", "-", "GET /api/drafts"),
        ("forbidden", "erika", "GET /api/users"),
        ("csrf_rejected", "erika", "DELETE /api/session"),
        ("account_created", "admin", "POST /api/users"),
        ("account_deleted", "admin", "DELETE /api/users/neu"),
        ("four_eyes_refused", "admin", "/approve"),
    ];
    for (event, user, route) in expect {
        let lines = log.lines(event);
        assert_eq!(lines.len(), 1, "{event}: {lines:#?}");
        let line = &lines[0];
        assert!(line.contains(&format!("user=\"{user}\"")), "{line}");
        assert!(line.contains("client=10.0.0.8"), "{line}");
        assert!(line.contains(route), "{line}");
        assert!(line.contains("reason="), "{line}");
    }
    let all = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(!all.contains(secret));
    assert!(!all.contains(common::PASSWORD));
    assert!(!all.contains(ADMIN_PASSWORD));
}
