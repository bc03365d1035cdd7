//! What a clerk adds to a case's outputs (issue 20): the Bescheid as PDF before it goes out
//! (the amount in German format, nothing stored), documents uploaded in the Vorgang (checked
//! like the applicant's, listed with the case's documents, in the history with the person),
//! and the server's day in the task list's header.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::outputs::{multipart, pdf_text};
use common::Env;
use fachwerk_backend::users::Role;
use fachwerk_shared::values::Date;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const TODAY: &str = "2026-03-02";
const KEY: &str = "zuschuss";

fn workflow() -> String {
    let w = json!({
        "schemaVersion": 1, "key": KEY, "name": "Zuschuss", "description": "Test der Bescheid-Vorschau.",
        "version": "1.0.0", "nextId": 10,
        "fields": [
            { "name": "gegenstand", "label": "Gegenstand", "type": "text", "required": true },
            { "name": "betrag", "label": "Betrag", "type": "money", "required": true },
            { "name": "antragsteller", "label": "Antragsteller", "type": "text", "required": true },
            { "name": "email", "label": "E-Mail", "type": "text", "required": false }
        ],
        "roles": [{ "id": "R-SB", "name": "Sachbearbeitung", "orgUnit": "Bürgeramt" }],
        "blocks": [
            { "id": "b1", "type": "start", "label": "Antrag eingegangen", "params": { "trigger": "ONLINE_ANTRAG" } },
            { "id": "b2", "type": "sachbearbeitung", "label": "Antrag prüfen",
              "params": { "assignee": { "kind": "role", "ref": "R-SB" }, "instructions": "prüfen", "outcomes": ["ok"] } },
            { "id": "b3", "type": "bescheid", "label": "Zuschuss bewilligen",
              "params": { "template": "Wir bewilligen Ihnen einen Zuschuss von {{betrag}} für {{gegenstand}}.",
                          "signatureLevel": "NAME", "channel": "EMAIL", "fiktionTage": 3 } },
            { "id": "b4", "type": "ende", "label": "Erledigt", "params": { "result": "ERLEDIGT" } }
        ],
        "edges": [
            { "id": "e1", "from": "b1", "port": "next", "to": "b2" },
            { "id": "e2", "from": "b2", "port": "ok", "to": "b3" },
            { "id": "e3", "from": "b3", "port": "zugestellt", "to": "b4" }
        ],
        "layout": { "blocks": {
            "b1": { "x": 0, "y": 0, "w": 160, "h": 64 }, "b2": { "x": 240, "y": 0, "w": 160, "h": 64 },
            "b3": { "x": 480, "y": 0, "w": 160, "h": 64 }, "b4": { "x": 720, "y": 0, "w": 160, "h": 64 }
        } }
    });
    common::valid_workflow(&w)
}

struct Office {
    env: Env,
    clerk: String,
    /// An editor who is no person of the organisation.
    outsider: String,
}

async fn office() -> Office {
    let env = Env::with(|c| c.runtime.today = Date::parse(TODAY));
    let admin = env.token("admin", Role::Admin).await;
    let admin_id = env.state.users.get("admin").await.unwrap().unwrap().id;
    env.state
        .db
        .activate_workflow(KEY, "1.0.0", &workflow(), &admin_id)
        .await
        .unwrap();
    let clerk = env.token("sabine", Role::Editor).await;
    let outsider = env.token("otto", Role::Editor).await;
    let r = env
        .post(
            "/api/persons",
            Some(&admin),
            json!({ "name": "Sabine Sachbearbeiterin", "account": "sabine",
                    "roles": [{ "workflow": KEY, "role": "R-SB" }] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    Office {
        env,
        clerk,
        outsider,
    }
}

async fn start(o: &Office) -> String {
    let fields = json!({ "gegenstand": "den Dorfbrunnen", "betrag": "12400.00",
                         "antragsteller": "Erika Mustermann", "email": "erika@example.org" });
    let r = o
        .env
        .post(
            "/api/cases",
            Some(&o.clerk),
            json!({ "workflow": KEY, "fields": fields }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}

/// GET with the body as bytes (a PDF is no text).
async fn get_bytes(o: &Office, uri: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let req = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = o.env.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, kind, bytes)
}

async fn upload(o: &Office, id: &str, token: &str, files: &[(&str, &[u8])]) -> common::Resp {
    let (content_type, body) = multipart("", files);
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/cases/{id}/documents"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    common::send(&o.env.app, req).await
}

async fn documents(o: &Office, id: &str) -> Vec<Value> {
    let r = o
        .env
        .get(&format!("/api/cases/{id}/outputs"), Some(&o.clerk))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["documents"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bescheid_preview_shows_the_amount_before_it_goes_out() {
    let o = office().await;
    let id = start(&o).await;
    let uri = format!("/api/cases/{id}/bescheid/preview");
    // At "Antrag prüfen" the Bescheid is the next block on the path.
    let (status, kind, pdf) = get_bytes(&o, &uri, &o.clerk).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(kind, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    for said in [
        "12.400,00 €",
        "den Dorfbrunnen",
        "Erika Mustermann",
        "Zuschuss bewilligen",
    ] {
        assert!(text.contains(said), "{said} missing in:\n{text}");
    }
    // Nothing stored, nothing sent.
    assert!(documents(&o, &id).await.is_empty());
    assert_eq!(o.env.state.deliveries.run_once(10).await.unwrap(), 0);
    // Only who may see the case.
    let (status, _, _) = get_bytes(&o, &uri, &o.outsider).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = get_bytes(&o, "/api/cases/nope/bescheid/preview", &o.clerk).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clerks_add_documents_checked_like_the_applicants() {
    let o = office().await;
    let id = start(&o).await;
    let pdf: &[u8] = b"%PDF-1.4\n% Vermerk\n";
    let r = upload(&o, &id, &o.clerk, &[("C:\\akten\\vermerk.pdf", pdf)]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let stored = r.json();
    assert_eq!(stored[0]["name"], "vermerk.pdf");
    assert_eq!(stored[0]["mediaType"], "application/pdf");
    let docs = documents(&o, &id).await;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], stored[0]["id"]);
    let (status, _, bytes) = get_bytes(
        &o,
        &format!(
            "/api/cases/{id}/documents/{}",
            docs[0]["id"].as_str().unwrap()
        ),
        &o.clerk,
    )
    .await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, pdf));
    // In the history with the person.
    let view = o
        .env
        .get(&format!("/api/cases/{id}"), Some(&o.clerk))
        .await
        .json();
    let added = view["audit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "documentAdded")
        .expect("documentAdded in the history")
        .clone();
    assert_eq!(added["person"], "Sabine Sachbearbeiterin", "{added:#}");
    assert_eq!(added["detail"]["name"], "vermerk.pdf");

    // By content, not by name: a program called .pdf is refused, and nothing is stored.
    let r = upload(
        &o,
        &id,
        &o.clerk,
        &[("rechnung.pdf", b"MZ\x90\x00\x03\x00\x00\x00")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text);
    assert_eq!(r.json()["code"], "UPLOAD_TYPE");
    let six: Vec<(&str, &[u8])> = (0..6).map(|_| ("a.txt", b"Notiz" as &[u8])).collect();
    let r = upload(&o, &id, &o.clerk, &six).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = upload(&o, &id, &o.clerk, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["path"], "file");
    // Someone outside the workflow adds nothing.
    let r = upload(&o, &id, &o.outsider, &[("b.txt", b"Notiz")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(documents(&o, &id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_lists_name_the_servers_day() {
    let o = office().await;
    let _ = start(&o).await;
    let r = o.env.get("/api/tasks?scope=roles", Some(&o.clerk)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.header("x-fachwerk-today"), TODAY);
}
