//! Template sources can no longer reach the server's own files and network (issue 16 item 1):
//! adding is for administrators, local paths only below `--source-root`, remote hosts only
//! public or allow-listed, and refusals read the same whether a path exists or a port is open.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::sources_support;

use axum::http::StatusCode;
use common::Env;
use serde_json::json;
use sources_support::wait_fetched;

#[tokio::test]
async fn only_administrators_add_sources() {
    let env = Env::new();
    let u = env.users().await;
    let own = env.catalog().to_str().unwrap().to_string();
    for token in [&u.editor, &u.reviewer] {
        let r = env
            .post("/api/sources", Some(token), json!({ "url": own }))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    }
    // The server's own catalogue is always allowed.
    let r = env
        .post("/api/sources", Some(&u.admin), json!({ "url": own }))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(wait_fetched(&env, &u.admin, &id).await["state"], "ready");
}

#[tokio::test]
async fn local_paths_outside_the_roots_are_refused_without_telling_whether_they_exist() {
    let root = tempfile::tempdir().unwrap();
    let env = Env::with(|c| c.source_roots = vec![root.path().to_path_buf()]);
    let u = env.users().await;
    let mut details = Vec::new();
    let traversal = format!("{}/../../etc", root.path().display());
    for url in ["/etc", "/nonexistent/x", "file:///etc/passwd", &traversal] {
        let r = env
            .post("/api/sources", Some(&u.admin), json!({ "url": url }))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.text);
        assert_eq!(r.json()["path"], "url");
        details.push(r.json()["detail"].as_str().unwrap().to_string());
    }
    assert!(details.iter().all(|d| *d == details[0]), "{details:#?}");
    assert!(details[0].contains("--source-root"), "{}", details[0]);
    assert!(!details[0].contains("/etc"));
    // Inside a root, a path is accepted (its fetch then says what is wrong).
    let inside = root.path().join("katalog.git");
    let r = env
        .post(
            "/api/sources",
            Some(&u.admin),
            json!({ "url": inside.to_str().unwrap() }),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
}

#[tokio::test]
async fn internal_hosts_are_refused_alike_unless_allowed() {
    let env = Env::new();
    let u = env.users().await;
    let mut details = Vec::new();
    for url in [
        "https://127.0.0.1:1/x.git",
        "https://127.0.0.1:8383/x.git",
        "https://localhost/x.git",
        "https://169.254.169.254/latest",
        "https://10.0.0.1/x.git",
        "https://[::1]/x.git",
        "https://[::ffff:127.0.0.1]/x.git",
    ] {
        let r = env
            .post("/api/sources", Some(&u.admin), json!({ "url": url }))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.text);
        let detail = r.json()["detail"].as_str().unwrap().to_string();
        assert!(detail.contains("internen Netz"), "{detail}");
        details.push(detail);
    }
    // The two loopback ports get the very same answer.
    assert_eq!(details[0], details[1]);

    let allowed = Env::with(|c| c.source_allow_hosts = vec!["127.0.0.1".into()]);
    let admin = allowed.users().await.admin;
    let r = allowed
        .post(
            "/api/sources",
            Some(&admin),
            json!({ "url": "https://127.0.0.1:1/x.git" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
}

#[tokio::test]
async fn a_source_registered_before_is_checked_again_when_fetched() {
    let elsewhere = tempfile::tempdir().unwrap();
    let url = elsewhere.path().to_str().unwrap().to_string();
    let id = fachwerk_backend::sources::SourceUrl::parse(&url)
        .unwrap()
        .id();
    let record = json!({ "sources": [{
        "id": id, "url": url, "addedBy": "erika", "addedAt": "2026-11-26T10:00:00Z",
        "state": "error", "messageDe": "Noch nicht abgerufen."
    }] });
    let env = Env::with(|c| {
        std::fs::create_dir_all(&c.data_dir).unwrap();
        std::fs::write(c.data_dir.join("sources.json"), record.to_string()).unwrap();
    });
    let u = env.users().await;
    let r = env
        .post(
            &format!("/api/sources/{id}/fetch"),
            Some(&u.editor),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let r = wait_fetched(&env, &u.editor, &id).await;
    assert_eq!(r["errorKind"], "notAllowed", "{r}");
}
