//! Issue 20, the applicant's side: a clerk asks a Rückfrage, the mail (an .eml in the server's
//! mail outbox) carries the one-time link; on a 360 × 740 phone the applicant reads what is
//! asked and the deadline, answers with a PDF, gets the Aktenzeichen back; the answer and the
//! file reach the case, the link refuses a second use, and the status page shows the steps in
//! plain words without any clerk's name. No designer on these pages; axe-core finds nothing.
//! Screenshots `applicant-*.png`.

use std::time::Duration;

use fachwerk_e2e::axe::{source as axe_source, violations};
use fachwerk_e2e::outbox::applicant_links;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{out_dir, workspace, Api, Session, ADMIN_PASSWORD};
use serde_json::{json, Value};

const EDITOR: (&str, &str) = ("erika", "Erika-Passwort-1");
const REVIEWER: (&str, &str) = ("rita", "Rita-Passwort-1");
const CLERK_NAME: &str = "Gerd Gewerbeamt";
const ANSWER: &str = "Der Nachweis der Haftpflichtversicherung liegt bei.";

/// A small workflow from the Gewerbeanmeldung's blocks: the application is checked, the check
/// may ask a Rückfrage, the answer goes back to the check.
fn workflow() -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(workspace().join("workflows/gewerbeanmeldung.json"))?;
    let g: Value = serde_json::from_str(&text)?;
    let block = |id: &str| -> Value {
        g["blocks"]
            .as_array()
            .and_then(|b| b.iter().find(|b| b["id"] == id))
            .cloned()
            .unwrap_or_default()
    };
    let mut start = block("start");
    start["label"] = json!("Antrag eingegangen");
    let mut check = block("anzeige-pruefen");
    check["label"] = json!("Antrag prüfen");
    let mut query = block("nachfrage");
    query["label"] = json!("Versicherungsnachweis");
    query["params"]["template"] =
        json!("Bitte senden Sie uns den Nachweis Ihrer Betriebshaftpflicht, {{name}}.");
    let mut end = block("ende");
    end["label"] = json!("Erledigt");
    Ok(json!({
        "schemaVersion": g["schemaVersion"],
        "key": "nachweis",
        "name": "Gewerbe: Nachweis",
        "version": "1.0.0",
        "nextId": 10,
        "fields": [
            { "name": "name", "label": "Name", "type": "text", "required": true },
            { "name": "email", "label": "E-Mail", "type": "text", "required": true }
        ],
        "roles": [g["roles"][0]],
        "blocks": [start, check, query, end],
        "edges": [
            { "id": "e1", "from": "start", "port": "next", "to": "anzeige-pruefen" },
            { "id": "e2", "from": "anzeige-pruefen", "port": "ok", "to": "ende" },
            { "id": "e3", "from": "anzeige-pruefen", "port": "rueckfrage", "to": "nachfrage" },
            { "id": "e4", "from": "nachfrage", "port": "reply", "to": "anzeige-pruefen" },
            { "id": "e5", "from": "nachfrage", "port": "timeout", "to": "anzeige-pruefen" }
        ]
    }))
}

async fn page_text(s: &Session) -> anyhow::Result<String> {
    Ok(s.js("return document.body.innerText;")
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// The page fits the phone: nothing wider than the viewport.
async fn fits_width(s: &Session) -> anyhow::Result<()> {
    let w = s
        .js("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await?;
    assert!(w[0].as_f64() <= w[1].as_f64(), "wider than the phone: {w}");
    Ok(())
}

#[tokio::test]
async fn an_applicant_answers_a_rueckfrage_on_the_phone_once_and_sees_the_status(
) -> anyhow::Result<()> {
    let axe = axe_source()?;
    let s = Session::start_with(|c| c.delivery.interval = Duration::from_millis(200)).await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, EDITOR.0, "editor", EDITOR.1).await?;
    s.create_user(&admin, REVIEWER.0, "reviewer", REVIEWER.1)
        .await?;
    let editor = s.api_login(EDITOR.0, EDITOR.1).await?;
    let reviewer = s.api_login(REVIEWER.0, REVIEWER.1).await?;
    let version = Api::publish_as(&editor, &reviewer, &workflow()?, "Erstfassung").await?;
    reviewer
        .json(
            "POST",
            &format!("/api/workflows/nachweis/versions/{version}/activate"),
            Some("{}"),
            200,
        )
        .await?;
    let role = workflow()?["roles"][0]["id"].clone();
    let clerk = json!({ "name": CLERK_NAME, "account": "admin",
        "roles": [{ "workflow": "nachweis", "role": role }] });
    admin
        .json("POST", "/api/persons", Some(&clerk.to_string()), 201)
        .await?;
    let start = json!({ "workflow": "nachweis",
        "fields": { "name": "Anna Antrag", "email": "anna@example.org" } });
    let case = admin
        .json("POST", "/api/cases", Some(&start.to_string()), 201)
        .await?;
    let (id, az) = (
        case["id"].as_str().unwrap_or_default().to_string(),
        case["aktenzeichen"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    );
    // The clerk asks the Rückfrage.
    let view = admin
        .json("GET", &format!("/api/cases/{id}"), None, 200)
        .await?;
    let task = view["tasks"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
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
    assert_eq!(status, 200, "{text}");
    // It waits until the clerk has written it; here as the block drafts it.
    let view = admin
        .json("GET", &format!("/api/cases/{id}"), None, 200)
        .await?;
    let query_task = view["state"]["tasks"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["block"] == "nachfrage"))
        .and_then(|t| t["id"].as_str())
        .unwrap_or_default()
        .to_string();
    let query = format!("/api/cases/{id}/queries/{query_task}");
    let draft = admin.json("GET", &query, None, 200).await?;
    admin
        .json("POST", &query, Some(&draft.to_string()), 200)
        .await?;
    let (answer_path, status_path) = applicant_links(&s).await?;

    // The phone.
    s.window_size(360, 740).await?;
    s.driver.goto(format!("{}{answer_path}", s.base)).await?;
    let question = s
        .wait_text_in("#query-question", "Betriebshaftpflicht", 20)
        .await?;
    assert!(question.contains("Anna Antrag"), "{question}");
    s.wait_text_in("#applicant-az", &az, 5).await?;
    s.wait_text_in("#query-deadline", "Bitte antworten Sie bis zum", 5)
        .await?;
    let designer = s
        .js("return document.querySelectorAll('#topbar, .palette-item, #canvas').length;")
        .await?;
    assert_eq!(designer, 0, "the applicant page shows no designer");
    // … and loads none: its own small app from /antrag/ (issue 22).
    let loaded: Vec<String> = serde_json::from_value(
        s.js("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.endsWith('.wasm'));")
            .await?,
    )?;
    assert!(
        !loaded.is_empty()
            && loaded
                .iter()
                .all(|p| p.starts_with("/antrag/fachwerk-applicant-")),
        "{loaded:?}"
    );
    fits_width(&s).await?;
    let mut found = violations(&s, &axe, "Rückfrage").await?;
    s.screenshot("applicant-query").await?;

    // Sending without an answer names the field; nothing leaves.
    s.click_css("#answer-send").await?;
    s.wait_text_in("#answer-text-error", "Ihre Antwort", 5)
        .await?;
    s.driver
        .find(By::Id("answer-text"))
        .await?
        .send_keys(ANSWER)
        .await?;
    let pdf = out_dir().join("versicherung.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    )?;
    s.driver
        .find(By::Id("answer-files"))
        .await?
        .send_keys(pdf.display().to_string())
        .await?;
    // A double click sends once.
    s.js("const b = document.getElementById('answer-send'); b.click(); b.click(); return true;")
        .await?;
    s.wait_text_in("#receipt-az", &az, 20).await?;
    s.wait_text_in("#receipt-files", "versicherung.pdf", 5)
        .await?;
    fits_width(&s).await?;
    found.extend(violations(&s, &axe, "Bestätigung").await?);
    s.screenshot("applicant-receipt").await?;

    // The answer and the file reach the case; the check is open again.
    let outputs = admin
        .json("GET", &format!("/api/cases/{id}/outputs"), None, 200)
        .await?;
    let docs = outputs["documents"].as_array().cloned().unwrap_or_default();
    assert_eq!(docs.len(), 1, "{outputs}");
    assert_eq!(docs[0]["name"], "versicherung.pdf");
    assert_eq!(docs[0]["mediaType"], "application/pdf");
    let view = admin
        .json("GET", &format!("/api/cases/{id}"), None, 200)
        .await?;
    assert!(view.to_string().contains(ANSWER), "{view}");
    let open: Vec<&Value> = view["tasks"]
        .as_array()
        .map(|t| t.iter().filter(|t| t["status"] == "open").collect())
        .unwrap_or_default();
    assert_eq!(open.len(), 1, "{view}");
    assert_eq!(open[0]["block"], "anzeige-pruefen");

    // The link works once.
    s.driver.goto(format!("{}{answer_path}", s.base)).await?;
    s.wait_text_in("#applicant-refused", "bereits beantwortet", 20)
        .await?;
    s.screenshot("applicant-used").await?;

    // The status page: steps in plain words, no clerk's name.
    s.driver.goto(format!("{}{status_path}", s.base)).await?;
    s.wait_text_in("#status-steps", "Antrag eingegangen", 20)
        .await?;
    s.wait_text_in("#status-current", "Antrag prüfen", 5)
        .await?;
    let text = page_text(&s).await?;
    assert!(text.contains(&az), "{text}");
    for name in [CLERK_NAME, "admin"] {
        assert!(!text.contains(name), "the status page names {name}: {text}");
    }
    fits_width(&s).await?;
    found.extend(violations(&s, &axe, "Status").await?);
    s.screenshot("applicant-status").await?;
    s.click_css("#applicant-lang").await?;
    s.wait_text_in("h1", "Where your application stands", 5)
        .await?;
    found.extend(violations(&s, &axe, "Status (English)").await?);
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    s.close().await
}
