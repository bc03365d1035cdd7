//! Template exchange between two administrations, each with its own data directory: A
//! publishes, B adds A's catalogue as a source, imports a template, adapts it, publishes it,
//! and later takes in A's improvements by a three-way merge (with and without conflicts).
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::sources_support as support;

use std::path::Path;

use axum::http::{Method, StatusCode};
use common::{git, Env, Users};
use serde_json::{json, Value};
use support::{add_source, call, town_a, PUBLISHER};

fn block<'a>(w: &'a mut Value, id: &str) -> &'a mut Value {
    w["blocks"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no block {id}"))
}

/// Moves the border between the bands `preisvergleich` and `vergabeverfahren`.
fn set_threshold(w: &mut Value, amount: &str) {
    let bands = &mut block(w, "wertgrenze")["params"]["bands"];
    bands[1]["upper"] = json!(amount);
    bands[2]["lower"] = json!(amount);
}

fn threshold(w: &Value) -> String {
    let b = w["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "wertgrenze")
        .unwrap();
    b["params"]["bands"][1]["upper"]
        .as_str()
        .unwrap()
        .to_string()
}

fn deadline(w: &Value) -> String {
    let b = w["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "bedarf-pruefen")
        .unwrap();
    b["params"]["dueIn"].as_str().unwrap().to_string()
}

/// Publishes a changed version of a workflow in `env` (editor → reviewer); returns the version.
async fn publish_workflow(env: &Env, u: &Users, w: &Value, note: &str) -> String {
    let p = env
        .publish(&u.editor, &u.reviewer, &w.to_string(), note)
        .await;
    p["published"]["version"].as_str().unwrap().to_string()
}

/// Requests and approves publication of an existing draft; returns the version.
async fn publish_draft(env: &Env, u: &Users, draft: &str) -> String {
    let r = env.request(&u.editor, draft, "Angepasst").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = env
        .post(
            &format!("/api/publications/{id}/approve"),
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["published"]["version"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn published(env: &Env, key: &str) -> Value {
    let r = env.get(&format!("/api/workflows/{key}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

fn show(git_dir: &Path, what: &str) -> String {
    git(&["--git-dir", git_dir.to_str().unwrap(), "show", what])
}

fn tag_commit(git_dir: &Path, tag: &str) -> String {
    git(&[
        "--git-dir",
        git_dir.to_str().unwrap(),
        "rev-parse",
        &format!("{tag}^{{commit}}"),
    ])
    .trim()
    .to_string()
}

#[tokio::test]
async fn an_imported_template_receives_upstream_improvements_without_conflict() {
    let a = town_a();
    let b = Env::with(|c| c.source_roots = vec![a.dir.path().to_path_buf()]);
    let (ua, ub) = (a.users().await, b.users().await);
    let a_url = a.catalog().to_str().unwrap().to_string();

    // B adds A's catalogue (a local path) and sees its templates.
    let source = add_source(&b, &ub.admin, &a_url).await;
    assert_eq!(source["state"], "ready", "{source}");
    assert_eq!(source["catalogue"]["publisher"], PUBLISHER);
    assert_eq!(source["catalogue"]["licence"], "EUPL-1.2");
    let id = source["id"].as_str().unwrap().to_string();
    let list = b.get("/api/templates", Some(&ub.reviewer)).await.json();
    let list = list.as_array().unwrap();
    let theirs = list
        .iter()
        .find(|t| t["source"]["id"] == id.as_str() && t["key"] == "beschaffung")
        .unwrap();
    assert_eq!(theirs["version"], "1.0.0");
    assert_eq!(theirs["valid"], true);
    assert_eq!(theirs["publisher"], PUBLISHER);
    assert_eq!(theirs["licence"], "EUPL-1.2");
    assert_eq!(theirs["source"]["url"], a_url.as_str());
    assert!(list
        .iter()
        .any(|t| t["source"]["own"] == true && t["key"] == "beschaffung"));

    // "Übernehmen": version 1.0.0 as B's draft, with lineage.
    let r = b
        .post(
            "/api/templates/import",
            Some(&ub.editor),
            json!({ "sourceId": id, "key": "beschaffung", "version": "1.0.0" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let draft = r.json();
    let draft_id = draft["id"].as_str().unwrap().to_string();
    assert_eq!(draft["owner"], "erika");
    let lineage = &draft["workflow"]["lineage"];
    assert_eq!(lineage["source"], a_url.as_str());
    assert_eq!(lineage["key"], "beschaffung");
    assert_eq!(lineage["version"], "1.0.0");
    assert_eq!(lineage["publisher"], PUBLISHER);
    assert_eq!(
        lineage["commit"],
        tag_commit(&a.catalog(), "beschaffung/v1.0.0").as_str()
    );
    // Nothing newer yet.
    let r = b
        .get(
            &format!("/api/drafts/{draft_id}/upstream"),
            Some(&ub.editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["available"], false, "{}", r.text);

    // B lowers a threshold and publishes its adaptation.
    let mut w = draft["workflow"].clone();
    set_threshold(&mut w, "20000.00");
    let r = call(
        &b,
        Method::PUT,
        &format!("/api/drafts/{draft_id}"),
        &ub.editor,
        Some(w),
        Some("\"1\""),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let b_v1 = publish_draft(&b, &ub, &draft_id).await;
    let readme = show(&b.catalog(), "main:workflows/beschaffung/README.md");
    let short = &tag_commit(&a.catalog(), "beschaffung/v1.0.0")[..7];
    let line = format!("Basiert auf „beschaffung“ Version 1.0.0 aus {a_url} (Commit {short}), herausgegeben von {PUBLISHER}.");
    assert!(readme.contains(&line), "{readme}");

    // A improves the template: a longer deadline.
    let mut upstream = published(&a, "beschaffung").await;
    assert_eq!(deadline(&upstream), "P5D");
    block(&mut upstream, "bedarf-pruefen")["params"]["dueIn"] = json!("P7D");
    let a_v2 = publish_workflow(
        &a,
        &ua,
        &upstream,
        "Frist für die Bedarfsprüfung verlängert",
    )
    .await;
    assert_ne!(a_v2, "1.0.0");

    // B sees the update: both diffs, a merge preview with both changes and no conflict.
    let r = b
        .get(
            &format!("/api/drafts/{draft_id}/upstream"),
            Some(&ub.editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let up = r.json();
    assert_eq!(up["available"], true, "{up}");
    assert_eq!(up["baseVersion"], "1.0.0");
    assert_eq!(up["newVersion"], a_v2.as_str());
    assert!(!up["upstreamDiff"]["changes"].as_array().unwrap().is_empty());
    assert!(!up["localDiff"]["changes"].as_array().unwrap().is_empty());
    assert_eq!(up["merged"]["conflicts"], json!([]));
    assert_eq!(deadline(&up["merged"]["workflow"]), "P7D");
    assert_eq!(threshold(&up["merged"]["workflow"]), "20000.00");
    // Other people's drafts are not theirs to check.
    let r = b
        .get(&format!("/api/drafts/{draft_id}/upstream"), Some(&ub.other))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The merge needs If-Match with the current revision, like saving.
    let uri = format!("/api/drafts/{draft_id}/merge-upstream");
    let body = json!({ "choices": [], "version": a_v2 });
    let r = call(&b, Method::POST, &uri, &ub.editor, Some(body.clone()), None).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED, "{}", r.text);
    let r = call(
        &b,
        Method::POST,
        &uri,
        &ub.editor,
        Some(body.clone()),
        Some("\"1\""),
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.text);
    let r = call(
        &b,
        Method::POST,
        &uri,
        &ub.editor,
        Some(body),
        Some("\"2\""),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let merged = r.json();
    assert_eq!(merged["revision"], 3);
    assert_eq!(r.header("etag"), "\"3\"");
    assert_eq!(deadline(&merged["workflow"]), "P7D");
    assert_eq!(threshold(&merged["workflow"]), "20000.00");
    let lineage = &merged["workflow"]["lineage"];
    assert_eq!(lineage["version"], a_v2.as_str());
    let a_v2_commit = tag_commit(&a.catalog(), &format!("beschaffung/v{a_v2}"));
    assert_eq!(lineage["commit"], a_v2_commit.as_str());
    let r = b
        .get(
            &format!("/api/drafts/{draft_id}/upstream"),
            Some(&ub.editor),
        )
        .await;
    assert_eq!(r.json()["available"], false, "{}", r.text);
    let r = call(
        &b,
        Method::POST,
        &uri,
        &ub.editor,
        Some(json!({})),
        Some("\"3\""),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // The four-eyes publication follows; B's catalogue carries the new lineage.
    let b_v2 = publish_draft(&b, &ub, &draft_id).await;
    assert_ne!(b_v1, b_v2);
    let json_text = show(&b.catalog(), "main:workflows/beschaffung/workflow.json");
    let published: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(published["lineage"]["version"], a_v2.as_str());
    assert_eq!(published["lineage"]["source"], a_url.as_str());
    assert_eq!(deadline(&published), "P7D");
    assert_eq!(threshold(&published), "20000.00");
    let readme = show(&b.catalog(), "main:workflows/beschaffung/README.md");
    let line = format!(
        "Basiert auf „beschaffung“ Version {a_v2} aus {a_url} (Commit {})",
        &a_v2_commit[..7]
    );
    assert!(readme.contains(&line), "{readme}");
}

/// A's procurement template with two parameters for importing authorities.
fn parameterised(mut w: Value) -> Value {
    w["key"] = json!("einkauf");
    w["name"] = json!("Einkauf (Vorlage mit Parametern)");
    w["templateParams"] = json!([
        { "id": "fbl-limit", "label": "Zeichnungsbefugnis der Fachbereichsleitung",
          "target": { "kind": "roleSigningLimit", "role": "R-FBL" }, "default": "20000.00" },
        { "id": "preisvergleich-bis", "label": "Obergrenze Preisvergleich",
          "target": { "kind": "bandUpper", "block": "wertgrenze", "band": "preisvergleich" }, "default": "25000.00" }
    ]);
    w
}

#[tokio::test]
async fn conflicting_changes_need_a_choice_for_every_conflict() {
    let a = town_a();
    let b = Env::with(|c| c.source_roots = vec![a.dir.path().to_path_buf()]);
    let (ua, ub) = (a.users().await, b.users().await);
    let template = parameterised(published(&a, "beschaffung").await);
    assert_eq!(
        publish_workflow(&a, &ua, &template, "Vorlage").await,
        "1.0.0"
    );
    let url = format!("file://{}", a.catalog().display());
    let source = add_source(&b, &ub.admin, &url).await;
    assert_eq!(source["state"], "ready", "{source}");
    let id = source["id"].as_str().unwrap().to_string();
    let list = b.get("/api/templates", Some(&ub.editor)).await.json();
    let t = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["source"]["id"] == id.as_str() && t["key"] == "einkauf")
        .unwrap()
        .clone();
    assert_eq!(t["templateParams"].as_array().unwrap().len(), 2);

    // Bad parameter values are refused, naming the parameter.
    let import = |params: Value| json!({ "sourceId": id, "key": "einkauf", "params": params });
    for (params, names) in [
        (
            json!({ "preisvergleich-bis": "viel" }),
            "preisvergleich-bis",
        ),
        (json!({ "gibt-es-nicht": "1000.00" }), "gibt-es-nicht"),
        (
            json!({ "preisvergleich-bis": "500.00" }),
            "preisvergleich-bis",
        ),
    ] {
        let r = b
            .post("/api/templates/import", Some(&ub.editor), import(params))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(
            r.json()["detail"].as_str().unwrap().contains(names),
            "{}",
            r.text
        );
    }
    let r = b
        .post(
            "/api/templates/import",
            Some(&ub.reviewer),
            import(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Imported with B's own values.
    let params = json!({ "preisvergleich-bis": "30000.00", "fbl-limit": "15.000,00" });
    let r = b
        .post("/api/templates/import", Some(&ub.editor), import(params))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let draft = r.json();
    let draft_id = draft["id"].as_str().unwrap().to_string();
    assert_eq!(threshold(&draft["workflow"]), "30000.00");
    let fbl = draft["workflow"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "R-FBL")
        .unwrap()
        .clone();
    assert_eq!(fbl["signingLimit"], "15000.00");
    assert_eq!(draft["workflow"]["lineage"]["source"], url.as_str());
    publish_draft(&b, &ub, &draft_id).await;

    // A moves the same border the other way.
    let mut upstream = published(&a, "einkauf").await;
    set_threshold(&mut upstream, "20000.00");
    let a_v2 = publish_workflow(&a, &ua, &upstream, "Preisvergleich nur bis 20.000 €").await;

    let r = b
        .get(
            &format!("/api/drafts/{draft_id}/upstream"),
            Some(&ub.editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let up = r.json();
    assert_eq!(up["available"], true, "{up}");
    let conflicts = up["merged"]["conflicts"].as_array().unwrap().clone();
    assert!(!conflicts.is_empty(), "{up}");
    let upper = conflicts
        .iter()
        .find(|c| {
            c["location"]
                .as_str()
                .unwrap()
                .contains("bands[preisvergleich].upper")
        })
        .unwrap();
    assert_eq!(
        (
            upper["base"].as_str(),
            upper["ours"].as_str(),
            upper["theirs"].as_str()
        ),
        (Some("25000.00"), Some("30000.00"), Some("20000.00"))
    );
    assert!(upper["messageDe"].as_str().unwrap().contains("Vorlage"));

    // Without a choice for every conflict: 409 naming them; a wrong index: 400.
    let uri = format!("/api/drafts/{draft_id}/merge-upstream");
    let r = call(
        &b,
        Method::POST,
        &uri,
        &ub.editor,
        Some(json!({ "choices": [] })),
        Some("\"1\""),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let detail = r.json()["detail"].as_str().unwrap().to_string();
    assert!(
        detail.contains("bands[preisvergleich].upper") && detail.contains("Entscheidung"),
        "{detail}"
    );
    let partial = json!({ "choices": [{ "conflict": 0, "side": "theirs" }] });
    if conflicts.len() > 1 {
        let r = call(
            &b,
            Method::POST,
            &uri,
            &ub.editor,
            Some(partial),
            Some("\"1\""),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    }
    let wrong = json!({ "choices": [{ "conflict": conflicts.len(), "side": "ours" }] });
    let r = call(
        &b,
        Method::POST,
        &uri,
        &ub.editor,
        Some(wrong),
        Some("\"1\""),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let stale = json!({ "choices": [], "version": "0.0.1" });
    let r = call(
        &b,
        Method::POST,
        &uri,
        &ub.editor,
        Some(stale),
        Some("\"1\""),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // With a choice for each conflict (the template's value wins) the merge is saved.
    let choices: Vec<Value> = (0..conflicts.len())
        .map(|i| json!({ "conflict": i, "side": "theirs" }))
        .collect();
    let body = json!({ "choices": choices, "version": a_v2 });
    let r = call(
        &b,
        Method::POST,
        &uri,
        &ub.editor,
        Some(body),
        Some("\"1\""),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let merged = r.json();
    assert_eq!(merged["revision"], 2);
    assert_eq!(threshold(&merged["workflow"]), "20000.00");
    assert_eq!(merged["workflow"]["lineage"]["version"], a_v2.as_str());
    let fbl = merged["workflow"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "R-FBL")
        .unwrap()
        .clone();
    assert_eq!(
        fbl["signingLimit"], "15000.00",
        "B's own value stays where A changed nothing"
    );
    assert_eq!(
        merged["validation"]["errors"], 0,
        "{}",
        merged["validation"]
    );
}
