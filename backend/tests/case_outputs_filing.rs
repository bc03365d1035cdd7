//! Veraktung over the E-Akte outbox: a case reaching its Veraktung block leaves an xdomea
//! container in `<data>/eakte-outbox/` holding the message and the case's documents; the XML
//! validates against the official xdomea 3.1.0 XSD (python3-xmlschema; the test fails without
//! it), every referenced document is in the container, and the audit records the checksum.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::outputs::{assert_valid_xdomea, referenced_files, unzip};
use common::Env;
use fachwerk_backend::db::NewDocument;
use fachwerk_backend::users::Role;
use fachwerk_shared::api::DocumentSource;
use fachwerk_shared::values::Date;
use serde_json::json;

fn workflow() -> String {
    let w = json!({
        "schemaVersion": 1, "key": "akte", "name": "Antrag zu den Akten",
        "description": "Test der Veraktung.", "version": "1.0.0", "nextId": 10,
        "fields": [{ "name": "gegenstand", "label": "Gegenstand", "type": "text", "required": true }],
        "roles": [{ "id": "R-REG", "name": "Registratur", "orgUnit": "Hauptamt" }],
        "blocks": [
            { "id": "b1", "type": "start", "label": "Antrag eingegangen", "params": { "trigger": "ONLINE_ANTRAG" } },
            { "id": "b2", "type": "veraktung", "label": "Vorgang veraktet",
              "params": { "target": "dms", "aktenplanKennzeichen": "11.04.02",
                          "containerRule": { "kind": "NEUER_VORGANG_IN_AKTE", "field": "aktenzeichen" },
                          "include": ["DOKUMENTE", "GESCHAEFTSGANG", "PROTOKOLL"], "zda": true } },
            { "id": "b3", "type": "ende", "label": "Erledigt", "params": { "result": "ERLEDIGT" } },
            { "id": "b4", "type": "sachbearbeitung", "label": "Importfehler klären",
              "params": { "assignee": { "kind": "role", "ref": "R-REG" }, "instructions": "klären", "outcomes": ["ok"] } }
        ],
        "edges": [
            { "id": "e1", "from": "b1", "port": "next", "to": "b2" },
            { "id": "e2", "from": "b2", "port": "ok", "to": "b3" },
            { "id": "e3", "from": "b2", "port": "fehler", "to": "b4" },
            { "id": "e4", "from": "b4", "port": "ok", "to": "b2" }
        ],
        "layout": { "blocks": {
            "b1": { "x": 0, "y": 0, "w": 160, "h": 64 }, "b2": { "x": 240, "y": 0, "w": 160, "h": 64 },
            "b3": { "x": 480, "y": 0, "w": 160, "h": 64 }, "b4": { "x": 240, "y": 120, "w": 160, "h": 64 }
        } }
    });
    common::valid_workflow(&w)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn veraktung_lands_in_the_eakte_outbox_valid_against_the_xsd() {
    let env = Env::with(|c| c.runtime.today = Date::parse("2026-03-02"));
    let admin = env.token("admin", Role::Admin).await;
    let admin_id = env.state.users.get("admin").await.unwrap().unwrap().id;
    env.state
        .db
        .activate_workflow("akte", "1.0.0", &workflow(), &admin_id)
        .await
        .unwrap();
    let clerk = env.token("rita", Role::Editor).await;
    let r = env
        .post(
            "/api/persons",
            Some(&admin),
            json!({ "name": "Rita", "account": "rita", "roles": [{ "workflow": "akte", "role": "R-REG" }] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = env
        .post(
            "/api/cases",
            Some(&clerk),
            json!({ "workflow": "akte", "fields": { "gegenstand": "Akte" } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    // An uploaded file of the case (its name is untrusted).
    let pdf = b"%PDF-1.4\n% Anlage\n".to_vec();
    env.state
        .db
        .insert_document(
            &id,
            &NewDocument {
                name: "../Anlage Übersicht.pdf".into(),
                media_type: "application/pdf".into(),
                source: DocumentSource::Upload,
                data: pdf.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(env.state.deliveries.run_once(10).await.unwrap(), 1);

    let out = env
        .get(&format!("/api/cases/{id}/outputs"), Some(&clerk))
        .await
        .json();
    let row = out["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "filing")
        .expect("a filing row")
        .clone();
    assert_eq!(row["status"], "sent", "{out:#}");
    let dir = env.data().join("eakte-outbox");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    assert!(
        files
            .iter()
            .all(|f| f.extension().is_some_and(|e| e == "zip")),
        "{files:?}"
    );
    let mut messages = Vec::new();
    let mut with_document = false;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let entries = unzip(&bytes);
        for (name, xml) in entries.iter().filter(|(n, _)| n.ends_with(".xml")) {
            let text = String::from_utf8(xml.clone()).unwrap();
            for referenced in referenced_files(&text) {
                let doc = entries.get(&referenced).unwrap_or_else(|| {
                    panic!(
                        "{referenced} referenced by {name} is not in {}",
                        f.display()
                    )
                });
                assert_eq!(doc, &pdf);
                with_document = true;
            }
            messages.push((name.clone(), xml.clone()));
        }
    }
    assert!(with_document, "the case's document went along");
    assert_valid_xdomea(&messages, None);
    let first = std::fs::read(&files[0]).unwrap();
    let view = env
        .get(&format!("/api/cases/{id}"), Some(&clerk))
        .await
        .json();
    let written = view["audit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "filingWritten")
        .expect("filingWritten in the audit")
        .clone();
    let shas: Vec<_> = written["detail"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["sha256"].as_str().unwrap().to_string())
        .collect();
    assert!(
        shas.contains(&fachwerk_backend::outputs::sha256_hex(&first)),
        "{written:#}"
    );
    // Delivered once: nothing more to do.
    assert_eq!(env.state.deliveries.run_once(10).await.unwrap(), 0);
}
