//! Filing publication requests: a double click files one request, and a workflow cannot take
//! the key another workflow has in the catalogue (issue 14).
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{workflow, Env, Resp};
use serde_json::{json, Value};

/// Saves `body` over draft `id` whatever its revision (`If-Match: *`).
async fn save(env: &Env, token: &str, id: &str, body: String) -> Resp {
    let req = Request::put(format!("/api/drafts/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::IF_MATCH, "*")
        .body(Body::from(body))
        .unwrap();
    common::send(&env.app, req).await
}

#[tokio::test]
async fn a_double_submit_files_one_request() {
    let env = Env::new();
    let u = env.users().await;
    let draft = env.draft(&u.editor, &workflow("doppelklick", "x")).await;
    let first = env.request(&u.editor, &draft, "Bitte freigeben").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    // The second click of a double click: the same draft revision, an empty note.
    let second = env.request(&u.editor, &draft, "").await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.json()["id"], first.json()["id"]);
    assert_eq!(second.json()["note"], "Bitte freigeben");
    let queue = env.get("/api/publications", Some(&u.reviewer)).await.json();
    let mine: Vec<&Value> = queue
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["draftId"] == draft.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{queue}");

    // A new revision of the draft is a new request.
    let r = save(&env, &u.editor, &draft, workflow("doppelklick", "y")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let third = env.request(&u.editor, &draft, "Neue Fassung").await;
    assert_eq!(third.status, StatusCode::CREATED, "{}", third.text);
    assert_ne!(third.json()["id"], first.json()["id"]);
}

/// `workflow(key, …)` under another name ("Testablauf" is the name of `workflow`).
fn named(key: &str, name: &str) -> String {
    let mut w: Value = serde_json::from_str(&workflow(key, "x")).unwrap();
    w["name"] = json!(name);
    w.to_string()
}

#[tokio::test]
async fn the_key_of_another_workflow_in_the_catalogue_is_refused() {
    let env = Env::new();
    let u = env.users().await;
    // `beschaffung` is a seeded template ("Beschaffung von Liefer- und Dienstleistungen").
    let r = env
        .call(
            Method::POST,
            "/api/drafts",
            Some(&u.editor),
            Some(named("beschaffung", "Beschaffung")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let detail = r.json()["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("„beschaffung“"), "{detail}");
    assert!(detail.contains("another key"), "{detail}");

    // A draft with a free key may not be renamed to the taken one …
    let draft = env
        .draft(&u.editor, &named("beschaffung-2", "Beschaffung"))
        .await;
    let r = save(&env, &u.editor, &draft, named("beschaffung", "Beschaffung")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // … and is published under its own key.
    let r = env.request(&u.editor, &draft, "").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["key"], "beschaffung-2");

    // The catalogue's own workflow: from the catalogue (`?from`), or carrying its published
    // version (opened from the version history), it keeps its key.
    let r = env
        .call(
            Method::POST,
            "/api/drafts?from=beschaffung",
            Some(&u.editor),
            Some(named("beschaffung", "Beschaffung")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let published = env.get("/api/workflows/beschaffung", None).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text);
    let r = env
        .call(
            Method::POST,
            "/api/drafts",
            Some(&u.editor),
            Some(published.text.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // A workflow published from a draft keeps its key in that draft, whatever its name.
    let own = env
        .draft(&u.editor, &named("eigener-ablauf", "Eigener Ablauf"))
        .await;
    let id = env.request(&u.editor, &own, "").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = save(
        &env,
        &u.editor,
        &own,
        named("eigener-ablauf", "Eigener Ablauf, umbenannt"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = env.request(&u.editor, &own, "Umbenannt").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Another editor's new workflow of that name cannot take the key.
    let r = env
        .call(
            Method::POST,
            "/api/drafts",
            Some(&u.other),
            Some(named("eigener-ablauf", "Ganz anderer Ablauf")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
}
