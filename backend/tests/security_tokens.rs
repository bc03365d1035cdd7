//! API tokens expire, have a name and a last use, can be listed and revoked, and die with
//! logging out (issue 16 item 4).
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use common::Env;
use serde_json::json;

fn days_from_now(rfc3339: &str) -> i64 {
    // Compare dates only: YYYY-MM-DD of now + n days.
    let today = fachwerk_backend::fsutil::unix_now();
    (0..400)
        .find(|d| fachwerk_backend::fsutil::date(today + d * 86_400) == rfc3339[..10])
        .unwrap()
}

#[tokio::test]
async fn tokens_have_a_name_an_expiry_and_a_last_use() {
    let env = Env::new();
    let u = env.users().await;
    let r = env
        .post(
            "/api/tokens",
            Some(&u.editor),
            json!({ "name": "CI-Pipeline" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let created = r.json();
    assert_eq!(created["name"], "CI-Pipeline");
    assert_eq!(days_from_now(created["expiresAt"].as_str().unwrap()), 90);
    let ci = created["token"].as_str().unwrap().to_string();

    let list = env.get("/api/tokens", Some(&ci)).await.json();
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "CI-Pipeline")
        .unwrap()
        .clone();
    assert_eq!(mine["user"], "erika");
    assert_eq!(mine["expired"], false);
    assert!(
        mine["lastUsedAt"].as_str().unwrap().starts_with("20"),
        "{mine}"
    );
    assert!(mine.get("hash").is_none() && mine.get("token").is_none());
    // Shorter lifetimes on request; never longer than the server allows.
    let r = env
        .post(
            "/api/tokens",
            Some(&u.editor),
            json!({ "name": "kurz", "expiresInDays": 7 }),
        )
        .await;
    assert_eq!(days_from_now(r.json()["expiresAt"].as_str().unwrap()), 7);
    let r = env
        .post(
            "/api/tokens",
            Some(&u.editor),
            json!({ "name": "lang", "expiresInDays": 3650 }),
        )
        .await;
    assert_eq!(days_from_now(r.json()["expiresAt"].as_str().unwrap()), 90);
}

#[tokio::test]
async fn users_revoke_their_own_tokens_and_admins_anyones() {
    let env = Env::new();
    let u = env.users().await;
    // Erika has one token: the one she calls with.
    let own = env.get("/api/tokens", Some(&u.editor)).await.json();
    assert_eq!(own.as_array().unwrap().len(), 1, "{own}");
    let erika_id = own[0]["id"].as_str().unwrap().to_string();
    // Others neither see nor revoke it.
    assert_eq!(
        env.get("/api/tokens?user=erika", Some(&u.other))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let uri = format!("/api/tokens/{erika_id}");
    let r = env.call(Method::DELETE, &uri, Some(&u.other), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The admin lists anyone's.
    let all = env.get("/api/tokens?user=*", Some(&u.admin)).await.json();
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == erika_id.as_str()));
    let erikas = env
        .get("/api/tokens?user=erika", Some(&u.admin))
        .await
        .json();
    assert!(erikas
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["user"] == "erika"));
    // Erika revokes her own; it stops working at once.
    let r = env.call(Method::DELETE, &uri, Some(&u.editor), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        env.get("/api/drafts", Some(&u.editor)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The admin revokes Otto's.
    let otto = env.get("/api/tokens", Some(&u.other)).await.json();
    let otto_uri = format!("/api/tokens/{}", otto[0]["id"].as_str().unwrap());
    let r = env
        .call(Method::DELETE, &otto_uri, Some(&u.admin), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        env.get("/api/drafts", Some(&u.other)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logging_out_with_a_token_revokes_it() {
    let env = Env::new();
    let token = env.users().await.editor;
    let r = env
        .call(Method::DELETE, "/api/session", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        env.get("/api/drafts", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn expired_tokens_are_refused_and_old_ones_get_an_expiry() {
    let sha = fachwerk_backend::fsutil::sha256_hex;
    let file = json!({ "tokens": [
        { "id": "abgelaufen", "user": "admin", "label": "alt", "hash": sha("fw_abgelaufen"),
          "createdAt": "2026-01-01T00:00:00Z", "expires": 1_767_225_600 },
        { "id": "vorher", "user": "admin", "label": "von früher", "hash": sha("fw_vorher"),
          "createdAt": "2026-01-01T00:00:00Z" }
    ] });
    // Files of an earlier release, imported into the database at the first start.
    let users = json!({ "users": [
        { "name": "admin", "role": "admin", "passwordHash": "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$0Xh1ANi2a9Lc/vjeAdqEP4AWQZNqtqtrx6T0gbdwZmM",
          "createdAt": "2026-01-01T00:00:00Z" }
    ] });
    let env = Env::with(|c| {
        std::fs::create_dir_all(&c.data_dir).unwrap();
        std::fs::write(c.data_dir.join("users.json"), users.to_string()).unwrap();
        std::fs::write(c.data_dir.join("tokens.json"), file.to_string()).unwrap();
    });
    let r = env.get("/api/drafts", Some("fw_abgelaufen")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let list = env.get("/api/tokens", Some("fw_vorher")).await.json();
    let by_id = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("abgelaufen")["expired"], true);
    assert_eq!(
        days_from_now(by_id("vorher")["expiresAt"].as_str().unwrap()),
        90
    );
    let saved = std::fs::read(env.data().join("fachwerk.sqlite3")).unwrap();
    let saved = String::from_utf8_lossy(&saved);
    assert!(!saved.contains("fw_vorher"), "secrets are never stored");
}
