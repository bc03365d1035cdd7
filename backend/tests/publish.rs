//! The publishing flow against a real catalogue repository: editor requests, reviewer
//! approves, the bare repository is cloned with the git CLI and inspected.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::Path;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{assert_fsck_clean, git, workflow, workflow_with_notice, Env};
use serde_json::json;

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test]
async fn editor_requests_reviewer_approves_and_the_repository_shows_it() {
    let env = Env::new();
    let u = env.users().await;

    // 1.0.0: a new workflow.
    let draft = env
        .draft(&u.editor, &workflow("testablauf", "Ein Ablauf für Tests."))
        .await;
    let r = env.request(&u.editor, &draft, "Erste Fassung").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let req = r.json();
    assert_eq!(req["status"], "pending");
    assert_eq!(req["suggestedVersion"], "1.0.0");
    assert!(req["baseVersion"].is_null());
    // A first version under review has no history yet: an empty list, no error (the review
    // screen shows it as "Erstfassung"); a malformed key is still not found.
    let none = env.get("/api/workflows/testablauf/versions", None).await;
    assert_eq!(none.status, StatusCode::OK, "{}", none.text);
    assert_eq!(none.json(), json!([]));
    let bad = env
        .get("/api/workflows/Kein%20Schl%C3%BCssel/versions", None)
        .await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND, "{}", bad.text);
    let id = req["id"].as_str().unwrap();
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["status"], "published");
    assert_eq!(r.json()["published"]["tag"], "testablauf/v1.0.0");

    // 1.1.0: a step added (a feature) → minor version, with the diff in the request.
    let draft = env
        .draft(&u.editor, &workflow_with_notice("testablauf"))
        .await;
    let r = env
        .request(
            &u.editor,
            &draft,
            "Antragsteller wird informiert.\n\nMit Absatz.",
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let req = r.json();
    assert_eq!(req["baseVersion"], "1.0.0");
    assert_eq!(req["suggestedVersion"], "1.1.0", "{}", r.text);
    assert_eq!(req["bump"], "minor");
    assert!(!req["diff"]["changes"].as_array().unwrap().is_empty());
    let id = req["id"].as_str().unwrap();
    // The reviewer sees it in the queue and may read the draft under review.
    let queue = env.get("/api/publications", Some(&u.reviewer)).await.json();
    assert!(queue.as_array().unwrap().iter().any(|p| p["id"] == id));
    assert_eq!(
        env.get(&format!("/api/drafts/{draft}"), Some(&u.reviewer))
            .await
            .status,
        StatusCode::OK
    );
    let list = env.get("/api/workflows", None).await.json();
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["key"] == "testablauf")
        .unwrap()
        .clone();
    assert_eq!(entry["status"], "inReview");
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // The API shows the history.
    let latest = env.get("/api/workflows/testablauf", None).await;
    assert_eq!(latest.status, StatusCode::OK);
    assert_eq!(latest.json()["version"], "1.1.0");
    assert_eq!(latest.header("etag"), "\"1.1.0\"");
    let versions = env
        .get("/api/workflows/testablauf/versions", None)
        .await
        .json();
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], "1.0.0");
    assert_eq!(versions[0]["author"], "erika");
    assert_eq!(versions[0]["approver"], "rudi");
    assert_eq!(versions[0]["note"], "Erste Fassung");
    assert_eq!(versions[1]["approver"], "admin");
    assert_eq!(
        versions[1]["note"],
        "Antragsteller wird informiert.\nMit Absatz."
    );
    let old = env
        .get("/api/workflows/testablauf/versions/1.0.0", None)
        .await;
    assert_eq!(old.json()["version"], "1.0.0");
    assert_eq!(old.json()["blocks"].as_array().unwrap().len(), 3);
    assert_eq!(
        env.get("/api/workflows/testablauf/versions/9.9.9", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The repository, as anyone would see it after cloning.
    let clone = tempfile::tempdir().unwrap();
    let target = clone.path().join("katalog");
    git(&[
        "clone",
        "--quiet",
        env.catalog().to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
    let dir = target.as_path();
    let wf = read(dir, "workflows/testablauf/workflow.json");
    let parsed = fachwerk_shared::parse_workflow(&wf).unwrap();
    assert_eq!(parsed.version, "1.1.0");
    assert_eq!(
        wf,
        fachwerk_shared::to_canonical_json(&parsed),
        "workflow.json is canonical"
    );
    let readme = read(dir, "workflows/testablauf/README.md");
    for needle in [
        "# Testablauf",
        "## Zweck",
        "## Rollen",
        "Zeichnungsbefugnis",
        "## Schritte",
        "Antragsteller informieren",
        "Version **1.1.0**",
    ] {
        assert!(readme.contains(needle), "README lacks {needle}:\n{readme}");
    }
    let changelog = read(dir, "workflows/testablauf/CHANGELOG.md");
    assert!(
        changelog.find("## 1.1.0").unwrap() < changelog.find("## 1.0.0").unwrap(),
        "{changelog}"
    );
    assert!(
        changelog.contains("hinzugefügt"),
        "diff sentences in the changelog:\n{changelog}"
    );
    assert!(read(dir, "CHANGELOG.md").contains("Testablauf 1.1.0"));
    if repo_has_bpmn_exporter() {
        assert!(read(dir, "workflows/testablauf/workflow.bpmn").contains("definitions"));
    }
    let publiccode = read(dir, "publiccode.yml");
    for key in [
        "publiccodeYmlVersion: \"0.4\"",
        "\nname: ",
        "\nurl: ",
        "\nreleaseDate: ",
        "\nplatforms:\n  - web",
        "\nsoftwareType: configurationFiles",
        "\ndevelopmentStatus: ",
        "\ndescription:\n  de:\n    shortDescription: ",
        "    longDescription: ",
        "    features:",
        "\n  en:\n",
        "\nlegal:\n  license: EUPL-1.2",
        "\nmaintenance:\n  type: internal\n  contacts:\n    - name: ",
        "\nlocalisation:\n  localisationReady: ",
        "  availableLanguages:\n    - de",
        "Testablauf 1.1.0",
    ] {
        assert!(
            publiccode.contains(key),
            "publiccode.yml lacks {key:?}:\n{publiccode}"
        );
    }

    // Tags, one commit per publish, linear history, fsck clean.
    let tags = git(&["-C", dir.to_str().unwrap(), "tag", "--list"]);
    assert!(tags.lines().any(|t| t == "testablauf/v1.0.0"), "{tags}");
    assert!(tags.lines().any(|t| t == "testablauf/v1.1.0"), "{tags}");
    let kind = git(&[
        "-C",
        dir.to_str().unwrap(),
        "cat-file",
        "-t",
        "testablauf/v1.1.0",
    ]);
    assert_eq!(kind.trim(), "tag", "annotated tag");
    let tagged = git(&[
        "-C",
        dir.to_str().unwrap(),
        "rev-parse",
        "testablauf/v1.1.0^{commit}",
    ]);
    let head = git(&["-C", dir.to_str().unwrap(), "rev-parse", "HEAD"]);
    assert_eq!(tagged, head);
    let seeds = fachwerk_backend::repo::seed_count();
    let commits = git(&["-C", dir.to_str().unwrap(), "rev-list", "--count", "HEAD"]);
    assert_eq!(commits.trim().parse::<usize>().unwrap(), 1 + seeds + 2);
    let merges = git(&[
        "-C",
        dir.to_str().unwrap(),
        "rev-list",
        "--min-parents=2",
        "HEAD",
    ]);
    assert!(merges.trim().is_empty());
    let last = git(&[
        "-C",
        dir.to_str().unwrap(),
        "log",
        "-1",
        "--format=%an|%cn|%B",
    ]);
    assert!(
        last.starts_with("erika|admin|testablauf 1.1.0: Testablauf"),
        "{last}"
    );
    assert_fsck_clean(&env.catalog());
    assert_fsck_clean(&dir.join(".git"));
}

fn repo_has_bpmn_exporter() -> bool {
    let w = fachwerk_shared::parse_workflow(&workflow("x", "")).unwrap();
    fachwerk_backend::repo::bpmn_for(&w).is_some()
}

#[tokio::test]
async fn templates_are_seeded_as_version_1_0_0_by_the_system() {
    let env = Env::new();
    let list = env.get("/api/workflows", None).await.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), fachwerk_backend::repo::seed_count());
    for w in list {
        assert_eq!(w["latestVersion"], "1.0.0");
        let key = w["key"].as_str().unwrap();
        let v = env
            .get(&format!("/api/workflows/{key}/versions"), None)
            .await
            .json();
        assert_eq!(v[0]["author"], "Fachwerk");
        assert_eq!(v[0]["tag"], format!("{key}/v1.0.0"));
    }
    assert_fsck_clean(&env.catalog());
    // A second start finds the repository and does not seed again.
    let head = env.state.repo.head().unwrap();
    let again = fachwerk_backend::AppState::new({
        let mut c = fachwerk_backend::Config::new(env.data());
        c.hash_cost = fachwerk_backend::users::HashCost::TESTING;
        c
    });
    assert_eq!(again.repo.head().unwrap(), head);
}

#[tokio::test]
async fn a_requester_never_approves_their_own_request() {
    let env = Env::new();
    let u = env.users().await;
    // An admin may request (editor rights) and review, but not both for the same request.
    let draft = env
        .draft(&u.admin, &workflow("eigenes", "Selbst beantragt."))
        .await;
    let r = env.request(&u.admin, &draft, "").await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with("Vier-Augen-Prinzip:"),
        "{}",
        r.text
    );
    // Still pending, nothing published; another reviewer can approve.
    assert_eq!(
        env.get(&format!("/api/publications/{id}"), Some(&u.admin))
            .await
            .json()["status"],
        "pending"
    );
    assert_eq!(
        env.get("/api/workflows/eigenes", None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Approving twice: 409, nothing duplicated.
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn invalid_drafts_are_saved_but_not_published() {
    let env = Env::new();
    let u = env.users().await;
    let empty = fachwerk_shared::to_canonical_json(&fachwerk_shared::Workflow::new("leer", "Leer"));
    let r = env
        .call(Method::POST, "/api/drafts", Some(&u.editor), Some(empty))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.json()["validation"]["errors"].as_u64().unwrap() > 0);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = env.request(&u.editor, &id, "").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.header("content-type"), "application/problem+json");
    let codes: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.contains(&"E_NO_START".to_string()), "{codes:?}");
    // Unparseable bodies are not stored at all.
    let r = env
        .call(
            Method::POST,
            "/api/drafts",
            Some(&u.editor),
            Some("{\"schemaVersion\":1}".into()),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        env.get("/api/drafts", Some(&u.editor))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Unchanged against the published version: nothing to publish.
    env.publish(&u.editor, &u.reviewer, &workflow("gleich", "x"), "")
        .await;
    let same = env.draft(&u.editor, &workflow("gleich", "x")).await;
    assert_eq!(
        env.request(&u.editor, &same, "").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Rejecting needs a comment and ends the request.
    let changed = env.draft(&u.editor, &workflow("gleich", "y")).await;
    let id = env.request(&u.editor, &changed, "").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env
        .post(
            &format!("/api/publications/{id}/reject"),
            Some(&u.reviewer),
            json!({ "comment": " " }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = env
        .post(
            &format!("/api/publications/{id}/reject"),
            Some(&u.reviewer),
            json!({ "comment": "Bitte Frist ergänzen." }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "rejected");
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn drafts_use_revisions_for_optimistic_concurrency() {
    let env = Env::new();
    let u = env.users().await;
    let id = env.draft(&u.editor, &workflow("rev", "a")).await;
    let r = env.get(&format!("/api/drafts/{id}"), Some(&u.editor)).await;
    assert_eq!(r.header("etag"), "\"1\"");
    let put = |rev: Option<&str>, body: String| {
        let mut req = axum::http::Request::put(format!("/api/drafts/{id}"))
            .header("authorization", format!("Bearer {}", u.editor))
            .header("content-type", "application/json");
        if let Some(rev) = rev {
            req = req.header("if-match", rev);
        }
        req.body(axum::body::Body::from(body)).unwrap()
    };
    let r = common::send(&env.app, put(None, workflow("rev", "b"))).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let r = common::send(&env.app, put(Some("\"1\""), workflow("rev", "b"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.header("etag"), "\"2\"");
    let r = common::send(&env.app, put(Some("\"1\""), workflow("rev", "c"))).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        env.get(&format!("/api/drafts/{id}"), Some(&u.editor))
            .await
            .json()["workflow"]["description"],
        "b"
    );
    // Starting from a published workflow records the lineage.
    env.publish(&u.editor, &u.reviewer, &workflow("basis", "v1"), "")
        .await;
    let r = env
        .call(Method::POST, "/api/drafts?from=basis", Some(&u.other), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.json()["basedOn"],
        json!({ "key": "basis", "version": "1.0.0" })
    );
    assert_eq!(r.json()["workflow"]["key"], "basis");
}

#[tokio::test]
async fn publishes_are_pushed_to_a_configured_remote() {
    let remote = tempfile::tempdir().unwrap();
    let remote_git = remote.path().join("mirror.git");
    git(&[
        "init",
        "--quiet",
        "--bare",
        "--initial-branch=main",
        remote_git.to_str().unwrap(),
    ]);
    let url = remote_git.to_str().unwrap().to_string();
    let env = Env::with(|c| c.remote = Some(url.clone()));
    let u = env.users().await;
    env.publish(&u.editor, &u.reviewer, &workflow("gespiegelt", "x"), "")
        .await;
    let mut status = serde_json::Value::Null;
    for _ in 0..100 {
        status = env.get("/api/remote", Some(&u.admin)).await.json();
        let tags = git(&["--git-dir", remote_git.to_str().unwrap(), "tag", "--list"]);
        if status["state"] == "ok" && tags.contains("gespiegelt/v1.0.0") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["state"], "ok", "{status}");
    let remote_head = git(&[
        "--git-dir",
        remote_git.to_str().unwrap(),
        "rev-parse",
        "main",
    ]);
    assert_eq!(remote_head.trim(), env.state.repo.head().unwrap().unwrap());
    assert_fsck_clean(&remote_git);
}

#[tokio::test]
async fn a_failing_remote_is_reported_and_never_loses_the_publish() {
    let gone = tempfile::tempdir().unwrap();
    let url = gone
        .path()
        .join("does-not-exist.git")
        .to_str()
        .unwrap()
        .to_string();
    let env = Env::with(|c| c.remote = Some(url.clone()));
    let u = env.users().await;
    env.publish(&u.editor, &u.reviewer, &workflow("lokal", "x"), "")
        .await;
    let mut status = serde_json::Value::Null;
    for _ in 0..100 {
        status = env.get("/api/remote", Some(&u.admin)).await.json();
        if status["state"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["state"], "failed", "{status}");
    assert!(
        status["lastError"].as_str().unwrap().contains("git push"),
        "{status}"
    );
    assert!(status["nextRetry"].is_string());
    assert_eq!(
        env.get("/api/workflows/lokal", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_interrupted_publish_is_completed_at_the_next_start() {
    let env = Env::new();
    let u = env.users().await;
    let draft = env.draft(&u.editor, &workflow("abgebrochen", "x")).await;
    let r = env.request(&u.editor, &draft, "Vermerk").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let id = id.as_str();
    // Simulate a crash after `main` moved: the commit is there (as the approval writes it),
    // the tag and the request's new status are missing.
    let (stored, _) = env.state.publications.get(id).await.unwrap().unwrap();
    env.state
        .repo
        .publish(&fachwerk_backend::repo::Publish {
            workflow: &stored.workflow,
            base_version: None,
            requester: "erika",
            approver: "rudi",
            note: &stored.note,
            changes: &stored.changes_de,
            publication_id: Some(id),
        })
        .unwrap();
    let catalog = env.catalog();
    git(&[
        "--git-dir",
        catalog.to_str().unwrap(),
        "tag",
        "-d",
        "abgebrochen/v1.0.0",
    ]);

    let mut config = fachwerk_backend::Config::new(env.data());
    config.hash_cost = fachwerk_backend::users::HashCost::TESTING;
    let state = fachwerk_backend::AppState::new(config);
    let restarted = fachwerk_backend::app(state);
    let tags = git(&[
        "--git-dir",
        catalog.to_str().unwrap(),
        "tag",
        "--list",
        "abgebrochen/*",
    ]);
    assert_eq!(tags.trim(), "abgebrochen/v1.0.0");
    let req = axum::http::Request::get(format!("/api/publications/{id}"))
        .header("authorization", format!("Bearer {}", u.editor))
        .body(axum::body::Body::empty())
        .unwrap();
    let r = common::send(&restarted, req).await;
    assert_eq!(r.json()["status"], "published", "{}", r.text);
    assert_eq!(r.json()["published"]["tag"], "abgebrochen/v1.0.0");
    let versions = common::send(
        &restarted,
        axum::http::Request::get("/api/workflows/abgebrochen/versions")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(versions.json()[0]["note"], "Vermerk");
    assert_fsck_clean(&catalog);
}

#[tokio::test]
async fn an_approval_after_an_interrupted_publish_records_it_instead_of_publishing_again() {
    let env = Env::new();
    let u = env.users().await;
    let draft = env.draft(&u.editor, &workflow("unterbrochen", "x")).await;
    let r = env.request(&u.editor, &draft, "Vermerk").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    // The catalogue got commit and tag, the database never heard of it (a crash in between).
    let (stored, _) = env.state.publications.get(&id).await.unwrap().unwrap();
    let published = env
        .state
        .repo
        .publish(&fachwerk_backend::repo::Publish {
            workflow: &stored.workflow,
            base_version: None,
            requester: "erika",
            approver: "rudi",
            note: &stored.note,
            changes: &stored.changes_de,
            publication_id: Some(&id),
        })
        .unwrap();
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = env
        .get(&format!("/api/publications/{id}"), Some(&u.reviewer))
        .await;
    assert_eq!(r.json()["status"], "published", "{}", r.text);
    assert_eq!(r.json()["published"]["commit"], published.commit.as_str());
    let versions = env
        .get("/api/workflows/unterbrochen/versions", None)
        .await
        .json();
    assert_eq!(versions.as_array().unwrap().len(), 1, "{versions}");
    assert_fsck_clean(&env.catalog());
}
