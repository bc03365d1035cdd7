//! What the screens of the accessibility walk show: a case with an open Rückfrage and two
//! publication requests.

use fachwerk_e2e::outbox::applicant_links;
use fachwerk_e2e::{workspace, Api, Session, ADMIN_PASSWORD};
use serde_json::{json, Value};

const EDITOR: (&str, &str) = ("erika", "Erika-Passwort-1");
const REVIEWER: (&str, &str) = ("rita", "Rita-Passwort-1");

/// What the screens show: a case with an open Rückfrage (its applicant links) and two open
/// publication requests.
pub(super) struct Fixtures {
    pub(super) case_id: String,
    pub(super) answer: String,
    pub(super) status: String,
    pub(super) request_a: String,
    pub(super) request_b: String,
}

/// A small workflow from the Gewerbeanmeldung's blocks with a Rückfrage to the applicant.
fn rueckfrage_workflow(key: &str, name: &str) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(workspace().join("workflows/gewerbeanmeldung.json"))?;
    let g: Value = serde_json::from_str(&text)?;
    let block = |id: &str| -> Value {
        g["blocks"]
            .as_array()
            .and_then(|b| b.iter().find(|b| b["id"] == id))
            .cloned()
            .unwrap_or_default()
    };
    let mut query = block("nachfrage");
    query["params"]["template"] = json!("Bitte senden Sie uns den Versicherungsnachweis.");
    Ok(json!({
        "schemaVersion": g["schemaVersion"], "key": key, "name": name, "version": "1.0.0",
        "nextId": 10,
        "fields": [
            { "name": "name", "label": "Name", "type": "text", "required": true },
            { "name": "email", "label": "E-Mail", "type": "text", "required": true }
        ],
        "roles": [g["roles"][0]],
        "blocks": [block("start"), block("anzeige-pruefen"), query, block("ende")],
        "edges": [
            { "id": "e1", "from": "start", "port": "next", "to": "anzeige-pruefen" },
            { "id": "e2", "from": "anzeige-pruefen", "port": "ok", "to": "ende" },
            { "id": "e3", "from": "anzeige-pruefen", "port": "rueckfrage", "to": "nachfrage" },
            { "id": "e4", "from": "nachfrage", "port": "reply", "to": "anzeige-pruefen" },
            { "id": "e5", "from": "nachfrage", "port": "timeout", "to": "anzeige-pruefen" }
        ]
    }))
}

/// Publishes and activates the Rückfrage workflow, makes the admin its clerk, starts a case and
/// asks the Rückfrage; files two publication requests the admin may decide.
pub(super) async fn fixtures(s: &Session) -> anyhow::Result<Fixtures> {
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, EDITOR.0, "editor", EDITOR.1).await?;
    s.create_user(&admin, REVIEWER.0, "reviewer", REVIEWER.1)
        .await?;
    let editor = s.api_login(EDITOR.0, EDITOR.1).await?;
    let reviewer = s.api_login(REVIEWER.0, REVIEWER.1).await?;
    let w = rueckfrage_workflow("nachweis", "Gewerbe: Nachweis")?;
    let version = Api::publish_as(&editor, &reviewer, &w, "Erstfassung").await?;
    let activate = format!("/api/workflows/nachweis/versions/{version}/activate");
    reviewer.json("POST", &activate, Some("{}"), 200).await?;
    let clerk = json!({ "name": "Gerd Gewerbeamt", "account": "admin",
        "roles": [{ "workflow": "nachweis", "role": w["roles"][0]["id"] }] });
    admin
        .json("POST", "/api/persons", Some(&clerk.to_string()), 201)
        .await?;
    let start = json!({ "workflow": "nachweis",
        "fields": { "name": "Anna Antrag", "email": "anna@example.org" } });
    let case = admin
        .json("POST", "/api/cases", Some(&start.to_string()), 201)
        .await?;
    let case_id = case["id"].as_str().unwrap_or_default().to_string();
    let view = admin
        .json("GET", &format!("/api/cases/{case_id}"), None, 200)
        .await?;
    let task = view["tasks"][0]["id"].as_str().unwrap_or_default();
    let claimed = admin
        .json("POST", &format!("/api/tasks/{task}/claim"), Some("{}"), 200)
        .await?;
    let revision = claimed["caseRevision"].as_u64().unwrap_or_default();
    let (status, text) = admin
        .call_with(
            "POST",
            &format!("/api/tasks/{task}/complete"),
            Some(r#"{"exit":"rueckfrage"}"#),
            &[("If-Match", format!("\"{revision}\""))],
        )
        .await?;
    anyhow::ensure!(status == 200, "Rückfrage: {status} {text}");
    // The Rückfrage waits for the clerk's text; sent here as the block drafts it.
    let view = admin
        .json("GET", &format!("/api/cases/{case_id}"), None, 200)
        .await?;
    let query_task = view["state"]["tasks"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["block"] == "nachfrage"))
        .and_then(|t| t["id"].as_str())
        .unwrap_or_default()
        .to_string();
    let query = format!("/api/cases/{case_id}/queries/{query_task}");
    let draft = admin.json("GET", &query, None, 200).await?;
    admin
        .json("POST", &query, Some(&draft.to_string()), 200)
        .await?;
    let (answer, status_page) = applicant_links(s).await?;

    let request = |w: Value| {
        let editor = &editor;
        async move {
            let draft = editor
                .json("POST", "/api/drafts", Some(&w.to_string()), 201)
                .await?;
            let body = json!({ "draftId": draft["id"], "note": "Bitte prüfen" }).to_string();
            let p = editor
                .json("POST", "/api/publications", Some(&body), 201)
                .await?;
            anyhow::Ok(p["id"].as_str().unwrap_or_default().to_string())
        }
    };
    let mut changed = w.clone();
    changed["name"] = json!("Gewerbe: Nachweis der Versicherung");
    let request_a = request(changed).await?;
    let request_b = request(rueckfrage_workflow("nachweis-zwei", "Zweiter Nachweis")?).await?;
    Ok(Fixtures {
        case_id,
        answer,
        status: status_page,
        request_a,
        request_b,
    })
}
