//! Template sources that cannot be used: unsupported addresses, missing paths, folders that
//! are no repositories, repositories without publiccode.yml, broken workflows next to good
//! ones, and a fetch interrupted by a restart. Every problem is explained in German.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::sources_support as support;

use std::path::Path;

use axum::http::{Method, StatusCode};
use common::{git, Env};
use serde_json::{json, Value};
use support::{add_source, call, town_a, wait_fetched};

/// Commits `files` in a new work repository at `dir`; returns the commit.
fn repo_with(dir: &Path, files: &[(&str, &str)]) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let d = dir.to_str().unwrap();
    git(&["-C", d, "init", "-q", "-b", "main"]);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    git(&["-C", d, "add", "."]);
    let id = [
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.invalid",
    ];
    git(&[
        &["-C", d][..],
        &id[..],
        &["commit", "-q", "-m", "Katalog"][..],
    ]
    .concat());
    git(&["-C", d, "rev-parse", "HEAD"]).trim().to_string()
}

const PUBLICCODE: &str = "publiccodeYmlVersion: \"0.4\"\nname: Vorlagen des Landkreises\nlegal:\n  license: EUPL-1.2\n  repoOwner: Landkreis Beispiel\nmaintenance:\n  type: internal\n  contacts:\n    - name: Frau Muster\n";

#[tokio::test]
async fn broken_sources_are_explained_in_german() {
    let tmp = tempfile::tempdir().unwrap();
    let env = Env::with(|c| c.source_roots = vec![tmp.path().to_path_buf()]);
    let u = env.users().await;

    for url in [
        "ssh://git@gitlab.opencode.de/a/b.git",
        "http://example.org/a.git",
        "katalog.git",
    ] {
        let r = env
            .post("/api/sources", Some(&u.admin), json!({ "url": url }))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.header("content-type"), "application/problem+json");
        assert!(
            r.json()["detail"]
                .as_str()
                .unwrap()
                .contains("nicht unterstützt"),
            "{}",
            r.text
        );
    }
    let r = env
        .post(
            "/api/sources",
            Some(&u.reviewer),
            json!({ "url": "/srv/x.git" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let missing = add_source(
        &env,
        &u.admin,
        tmp.path().join("gibt-es-nicht").to_str().unwrap(),
    )
    .await;
    assert_eq!(
        (missing["state"].as_str(), missing["errorKind"].as_str()),
        (Some("error"), Some("notFound"))
    );
    assert!(
        missing["messageDe"]
            .as_str()
            .unwrap()
            .contains("gibt es auf dem Server nicht"),
        "{missing}"
    );

    let plain = tmp.path().join("ordner");
    std::fs::create_dir_all(&plain).unwrap();
    let r = add_source(&env, &u.admin, plain.to_str().unwrap()).await;
    assert_eq!(r["errorKind"], "notARepository", "{r}");
    assert!(
        r["messageDe"]
            .as_str()
            .unwrap()
            .contains("kein Git-Repository"),
        "{r}"
    );

    let no_pc = tmp.path().join("ohne-publiccode");
    repo_with(&no_pc, &[("README.md", "# Irgendein Projekt\n")]);
    let r = add_source(&env, &u.admin, no_pc.to_str().unwrap()).await;
    assert_eq!(r["errorKind"], "noPubliccode", "{r}");
    assert_eq!(
        r["messageDe"],
        "Das Repository enthält keine publiccode.yml – es ist kein Open-CoDE-Vorlagenkatalog."
    );

    // One good, one invalid and one unreadable workflow, and a flat file without tags.
    let mut broken: Value = serde_json::from_str(&common::workflow("kaputt", "x")).unwrap();
    broken["edges"] = json!([]);
    let parsed = fachwerk_shared::parse_workflow(&broken.to_string()).unwrap();
    assert!(fachwerk_shared::validate(&parsed)
        .iter()
        .any(|f| f.is_error()));
    let mixed = tmp.path().join("gemischt");
    let good = common::workflow("gut", "Ein guter Ablauf.");
    let flat = common::workflow("flach", "Flach abgelegt.");
    let broken = broken.to_string();
    repo_with(
        &mixed,
        &[
            ("publiccode.yml", PUBLICCODE),
            ("workflows/gut/workflow.json", &good),
            ("workflows/kaputt/workflow.json", &broken),
            ("workflows/unlesbar/workflow.json", "{ kein json"),
            ("workflows/flach.json", &flat),
        ],
    );
    let m = mixed.to_str().unwrap();
    git(&["-C", m, "tag", "gut/v1.0.0"]);
    let tagged = git(&["-C", m, "rev-parse", "HEAD"]).trim().to_string();
    let r = add_source(&env, &u.admin, m).await;
    assert_eq!(r["state"], "ready", "{r}");
    let message = r["messageDe"].as_str().unwrap();
    assert!(
        message.contains("„kaputt“") && message.contains("„unlesbar“"),
        "{message}"
    );
    let id = r["id"].as_str().unwrap().to_string();
    let list = env.get("/api/templates", Some(&u.editor)).await.json();
    let of = |key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|t| t["source"]["id"] == id.as_str() && t["key"] == key)
            .unwrap()
            .clone()
    };
    let (gut, kaputt, unlesbar, flach) = (of("gut"), of("kaputt"), of("unlesbar"), of("flach"));
    assert_eq!(
        (gut["valid"].as_bool(), gut["version"].as_str()),
        (Some(true), Some("1.0.0"))
    );
    assert_eq!(gut["publisher"], "Landkreis Beispiel");
    assert_eq!(kaputt["valid"], false);
    assert!(kaputt["errors"]["count"].as_u64().unwrap() > 0);
    assert!(!kaputt["errors"]["messages"].as_array().unwrap().is_empty());
    assert_eq!(unlesbar["valid"], false);
    assert_eq!(
        (flach["valid"].as_bool(), flach["version"].as_str()),
        (Some(true), Some("0.1.0"))
    );

    // The valid ones can be imported, the broken ones not.
    let import = |key: &str| json!({ "sourceId": id, "key": key });
    let r = env
        .post("/api/templates/import", Some(&u.editor), import("gut"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["workflow"]["lineage"]["commit"], tagged.as_str());
    assert_eq!(
        r.json()["workflow"]["lineage"]["publisher"],
        "Landkreis Beispiel"
    );
    let r = env
        .post("/api/templates/import", Some(&u.editor), import("flach"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    for key in ["kaputt", "unlesbar"] {
        let r = env
            .post("/api/templates/import", Some(&u.editor), import(key))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{key}: {}",
            r.text
        );
    }
    let r = env
        .post(
            "/api/templates/import",
            Some(&u.editor),
            import("gibt-es-nicht"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let missing_id = missing["id"].as_str().unwrap();
    let r = env
        .post(
            "/api/templates/import",
            Some(&u.editor),
            json!({ "sourceId": missing_id, "key": "gut" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // Refetch, re-adding the same address, listing, removing.
    let r = env
        .post(
            &format!("/api/sources/{id}/fetch"),
            Some(&u.admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(wait_fetched(&env, &u.editor, &id).await["state"], "ready");
    let r = env
        .post("/api/sources", Some(&u.admin), json!({ "url": m }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["id"], id.as_str());
    let all = env.get("/api/sources", Some(&u.reviewer)).await.json();
    assert_eq!(all.as_array().unwrap().len(), 4);
    let mirror = env.data().join("sources").join(&id);
    assert!(mirror.join("HEAD").exists());
    let uri = format!("/api/sources/{id}");
    let r = call(&env, Method::DELETE, &uri, &u.other, None, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = call(&env, Method::DELETE, &uri, &u.admin, None, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(!mirror.exists());
    assert_eq!(
        env.get(&uri, Some(&u.editor)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = env
        .post("/api/templates/import", Some(&u.editor), import("gut"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    // A draft from a removed source is told to add it again.
    let drafts = env.get("/api/drafts", Some(&u.editor)).await.json();
    let from_gut = drafts
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == "gut")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env
        .get(&format!("/api/drafts/{from_gut}/upstream"), Some(&u.editor))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .contains("nicht eingerichtet"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn a_fetch_interrupted_by_a_restart_is_reported_and_can_be_repeated() {
    let a = town_a();
    let url = a.catalog().to_str().unwrap().to_string();
    let id = fachwerk_backend::sources::SourceUrl::parse(&url)
        .unwrap()
        .id();
    // sources.json as a crash in the middle of a fetch left it.
    let record = json!({ "sources": [{
        "id": id, "url": url, "addedBy": "erika", "addedAt": "2026-11-26T10:00:00Z",
        "state": "fetching", "messageDe": "Wird abgerufen …"
    }] });
    let env = Env::with(|c| {
        c.source_roots = vec![a.dir.path().to_path_buf()];
        std::fs::create_dir_all(&c.data_dir).unwrap();
        std::fs::write(c.data_dir.join("sources.json"), record.to_string()).unwrap();
    });
    let u = env.users().await;
    let r = env
        .get(&format!("/api/sources/{id}"), Some(&u.editor))
        .await
        .json();
    assert_eq!(
        (r["state"].as_str(), r["errorKind"].as_str()),
        (Some("error"), Some("interrupted")),
        "{r}"
    );
    assert!(r["messageDe"].as_str().unwrap().contains("unterbrochen"));
    let r = env
        .post(
            &format!("/api/sources/{id}/fetch"),
            Some(&u.editor),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(wait_fetched(&env, &u.editor, &id).await["state"], "ready");
    let saved = env.state.db.source(&id).await.unwrap().unwrap();
    assert_eq!(saved.state, fachwerk_shared::api::FetchState::Ready);

    // A draft that was not imported has no upstream.
    let draft = env.draft(&u.editor, &common::workflow("eigen", "x")).await;
    let r = env
        .get(&format!("/api/drafts/{draft}/upstream"), Some(&u.editor))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["available"], false);
    assert!(r.json()["messageDe"]
        .as_str()
        .unwrap()
        .contains("nicht aus einer Vorlage"));
}
