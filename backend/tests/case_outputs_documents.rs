//! The document outputs of a case over the mail outbox (no mail server: `.eml` files): the
//! Zahlungsaufforderung with its payment request, marked paid by the provider's callback and a
//! clerk exactly once; the Bescheid as PDF attachment with the Probelauf's Bekanntgabe date.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::Env;
use fachwerk_backend::cases::{CaseRuntime, RuntimeConfig};
use fachwerk_backend::users::Role;
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

const TODAY: &str = "2026-03-02";
const PUBLIC_URL: &str = "https://fachwerk.test";

/// start → Zahlung (the fee field, 14 days) → "Antrag prüfen" → end; not paid → other end.
fn fee_workflow() -> String {
    let w = json!({
        "schemaVersion": 1, "key": "gebuehr", "name": "Gebührenpflichtiger Antrag",
        "description": "Test der Zahlung.", "version": "1.0.0", "nextId": 10,
        "fields": [
            { "name": "email", "label": "E-Mail", "type": "text", "required": true },
            { "name": "gebuehr", "label": "Gebühr", "type": "money", "required": true }
        ],
        "roles": [{ "id": "R-SB", "name": "Sachbearbeitung", "orgUnit": "Bürgeramt" }],
        "blocks": [
            { "id": "b1", "type": "start", "label": "Antrag eingegangen", "params": { "trigger": "ONLINE_ANTRAG" } },
            { "id": "b2", "type": "zahlung", "label": "Gebühr bezahlen",
              "params": { "amount": "gebuehr", "methods": ["GIROPAY"], "timing": "VOR_BEARBEITUNG", "payDeadline": "P14D" } },
            { "id": "b3", "type": "sachbearbeitung", "label": "Antrag prüfen",
              "params": { "assignee": { "kind": "role", "ref": "R-SB" }, "instructions": "prüfen", "outcomes": ["ok"] } },
            { "id": "b4", "type": "ende", "label": "Erledigt", "params": { "result": "ERLEDIGT" } },
            { "id": "b5", "type": "ende", "label": "Nicht bezahlt", "params": { "result": "ABGELEHNT" } }
        ],
        "edges": [
            { "id": "e1", "from": "b1", "port": "next", "to": "b2" },
            { "id": "e2", "from": "b2", "port": "bezahlt", "to": "b3" },
            { "id": "e3", "from": "b2", "port": "nichtBezahlt", "to": "b5" },
            { "id": "e4", "from": "b3", "port": "ok", "to": "b4" }
        ],
        "layout": { "blocks": {
            "b1": { "x": 0, "y": 0, "w": 160, "h": 64 }, "b2": { "x": 240, "y": 0, "w": 160, "h": 64 },
            "b3": { "x": 480, "y": 0, "w": 160, "h": 64 }, "b4": { "x": 720, "y": 0, "w": 160, "h": 64 },
            "b5": { "x": 480, "y": 120, "w": 160, "h": 64 }
        } }
    });
    common::valid_workflow(&w)
}

/// Without a mail server the Zahlungsaufforderung is an `.eml` file in the mail outbox; the
/// payment request (amount, Kassenzeichen) is recorded once; the provider's callback (API
/// token) with a wrong amount is refused, with the right one the case goes on — exactly once,
/// however often it is repeated or a clerk clicks "paid" afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zahlung_by_mail_file_and_callback() {
    let env = Env::with(|c| {
        c.runtime.today = Date::parse(TODAY);
        c.delivery.public_url = PUBLIC_URL.into();
    });
    let admin = env.token("admin", Role::Admin).await;
    let admin_id = env.state.users.get("admin").await.unwrap().unwrap().id;
    env.state
        .db
        .activate_workflow("gebuehr", "1.0.0", &fee_workflow(), &admin_id)
        .await
        .unwrap();
    let clerk = env.token("sabine", Role::Editor).await;
    let r = env
        .post(
            "/api/persons",
            Some(&admin),
            json!({ "name": "Sabine", "account": "sabine",
                    "roles": [{ "workflow": "gebuehr", "role": "R-SB" }] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = env
        .post(
            "/api/cases",
            Some(&clerk),
            json!({ "workflow": "gebuehr", "fields": { "email": "zahler@example.org", "gebuehr": "1234.50" } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(env.state.deliveries.run_once(10).await.unwrap(), 1);

    let out = env
        .get(&format!("/api/cases/{id}/outputs"), Some(&clerk))
        .await
        .json();
    let delivery = out["deliveries"][0].clone();
    assert_eq!(delivery["status"], "sent", "{out:#}");
    let payment = out["payments"][0].clone();
    assert_eq!(payment["amount"], "1234.50", "{out:#}");
    let kz = payment["kassenzeichen"].as_str().unwrap().to_string();
    assert!(
        fachwerk_backend::outputs::kassenzeichen_is_valid(&kz),
        "{kz}"
    );
    let eml = env
        .data()
        .join("outbox/mail")
        .join(format!("{}.eml", delivery["id"].as_str().unwrap()));
    let raw = std::fs::read(&eml).unwrap();
    let text = common::outputs::unquote(&raw);
    assert!(text.contains("To: zahler@example.org"), "{text}");
    assert!(
        text.replace(' ', "").contains(&kz),
        "grouped in the mail: {text}"
    );
    assert!(text.contains("1.234,50"), "{text}");
    assert!(text.contains(&format!("{PUBLIC_URL}/status/")), "{text}");
    // The checksum in the audit is the file's.
    let digest = fachwerk_backend::outputs::sha256_hex(&raw);
    assert_eq!(delivery["sha256"], digest.as_str());

    let callback = |body: Value| {
        let (env, clerk) = (&env, clerk.clone());
        async move { env.post("/api/payments/callback", Some(&clerk), body).await }
    };
    let r = callback(json!({ "kassenzeichen": kz, "amount": "1234.00" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = callback(json!({ "kassenzeichen": "nicht-da" })).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = callback(json!({ "kassenzeichen": kz, "amount": "1234.50" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let paid = r.json();
    assert_eq!(paid["source"], "callback");
    assert!(paid["paidAt"].as_str().is_some());
    let again = callback(json!({ "kassenzeichen": kz })).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["paidAt"], paid["paidAt"]);
    let task = payment["task"].as_str().unwrap();
    let r = env
        .post(
            &format!("/api/cases/{id}/payments/{task}/paid"),
            Some(&clerk),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["source"], "callback", "unchanged");

    let view = env
        .get(&format!("/api/cases/{id}"), Some(&clerk))
        .await
        .json();
    let received = view["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "paymentReceived")
        .count();
    assert_eq!(received, 1, "{view:#}");
    assert!(
        view["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["block"] == "b3" && t["status"] == "open"),
        "{view:#}"
    );
}

/// start → Bescheid by e-mail → "Akte schließen" → end.
fn notice_workflow() -> String {
    let w = json!({
        "schemaVersion": 1, "key": "erlaubnis", "name": "Erlaubnis",
        "description": "Test des Bescheids.", "version": "1.0.0", "nextId": 10,
        "fields": [
            { "name": "email", "label": "E-Mail", "type": "text", "required": true },
            { "name": "antragsteller", "label": "Antragsteller", "type": "text", "required": true },
            { "name": "gegenstand", "label": "Gegenstand", "type": "text", "required": true }
        ],
        "roles": [{ "id": "R-SB", "name": "Sachbearbeitung", "orgUnit": "Bürgeramt" }],
        "blocks": [
            { "id": "b1", "type": "start", "label": "Antrag eingegangen", "params": { "trigger": "ONLINE_ANTRAG" } },
            { "id": "b2", "type": "bescheid", "label": "Erlaubnisbescheid versenden",
              "params": { "template": "Ihrem Antrag auf {{gegenstand}} wird stattgegeben.", "signatureLevel": "NAME", "channel": "EMAIL", "fiktionTage": 3 } },
            { "id": "b3", "type": "sachbearbeitung", "label": "Akte schließen",
              "params": { "assignee": { "kind": "role", "ref": "R-SB" }, "instructions": "schließen", "outcomes": ["ok"] } },
            { "id": "b4", "type": "ende", "label": "Erledigt", "params": { "result": "ERLEDIGT" } }
        ],
        "edges": [
            { "id": "e1", "from": "b1", "port": "next", "to": "b2" },
            { "id": "e2", "from": "b2", "port": "zugestellt", "to": "b3" },
            { "id": "e3", "from": "b3", "port": "ok", "to": "b4" }
        ],
        "layout": { "blocks": {
            "b1": { "x": 0, "y": 0, "w": 160, "h": 64 }, "b2": { "x": 240, "y": 0, "w": 160, "h": 64 },
            "b3": { "x": 480, "y": 0, "w": 160, "h": 64 }, "b4": { "x": 720, "y": 0, "w": 160, "h": 64 }
        } }
    });
    common::valid_workflow(&w)
}

/// The Bescheid leaves as a PDF attached to the mail, is stored with the case, its text names
/// the applicant and the Rechtsbehelfsbelehrung; the audit records the Bekanntgabe date the
/// Probelauf computes, and on that day the case takes the "zugestellt" exit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bescheid_as_pdf_attachment() {
    let env = Env::with(|c| {
        c.runtime.today = Date::parse(TODAY);
        c.delivery.public_url = PUBLIC_URL.into();
        c.delivery.authority = "Stadt Musterstadt".into();
    });
    let admin = env.token("admin", Role::Admin).await;
    let admin_id = env.state.users.get("admin").await.unwrap().unwrap().id;
    env.state
        .db
        .activate_workflow("erlaubnis", "1.0.0", &notice_workflow(), &admin_id)
        .await
        .unwrap();
    let clerk = env.token("sabine", Role::Editor).await;
    let r = env
        .post(
            "/api/persons",
            Some(&admin),
            json!({ "name": "Sabine", "account": "sabine",
                    "roles": [{ "workflow": "erlaubnis", "role": "R-SB" }] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let fields = json!({ "email": "erika@example.org", "antragsteller": "Erika Mustermann",
                         "gegenstand": "Sondernutzung" });
    let r = env
        .post(
            "/api/cases",
            Some(&clerk),
            json!({ "workflow": "erlaubnis", "fields": fields }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(env.state.deliveries.run_once(10).await.unwrap(), 1);
    assert_eq!(env.state.deliveries.run_once(10).await.unwrap(), 0);

    let out = env
        .get(&format!("/api/cases/{id}/outputs"), Some(&clerk))
        .await
        .json();
    let doc = out["documents"][0].clone();
    assert_eq!(doc["source"], "rendered", "{out:#}");
    assert_eq!(doc["mediaType"], "application/pdf");
    let name = doc["name"].as_str().unwrap().to_string();
    let pdf = env
        .get(
            &format!("/api/cases/{id}/documents/{}", doc["id"].as_str().unwrap()),
            Some(&clerk),
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    let delivery = out["deliveries"][0]["id"].as_str().unwrap().to_string();
    let eml = std::fs::read(
        env.data()
            .join("outbox/mail")
            .join(format!("{delivery}.eml")),
    )
    .unwrap();
    let eml = String::from_utf8_lossy(&eml);
    assert!(eml.contains("Content-Disposition: attachment"), "{eml}");
    assert!(eml.contains(&name), "{eml}");

    let bytes = env
        .state
        .db
        .document(&id, doc["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap()
        .1;
    let text = common::outputs::pdf_text(&bytes);
    assert!(text.contains("Erika Mustermann"), "{text}");
    assert!(text.contains("Rechtsbehelfsbelehrung"), "{text}");
    assert!(text.contains("Sondernutzung"), "{text}");

    let view = env
        .get(&format!("/api/cases/{id}"), Some(&clerk))
        .await
        .json();
    let audit = view["audit"].as_array().unwrap();
    let sent = audit
        .iter()
        .find(|e| e["kind"] == "mailSent")
        .expect("mailSent");
    let expected = fachwerk_shared::simulate::calendar::bekanntgabe_fiktion(
        Date::parse(TODAY).unwrap(),
        3,
        fachwerk_shared::Land::NW,
    )
    .date;
    assert_eq!(
        sent["detail"]["bekanntgabe"],
        expected.to_string(),
        "{sent:#}"
    );
    assert_eq!(sent["detail"]["attachments"][0]["sha256"], doc["sha256"]);
    // By e-mail the notice counts as announced on the Bekanntgabe date (§ 41 Abs. 2a VwVfG):
    // the case waits for that day, then takes the "zugestellt" exit.
    let timers = view["state"]["timers"].as_array().unwrap();
    assert!(
        timers
            .iter()
            .any(|t| t["kind"] == "bekanntgabe" && t["due"] == expected.to_string()),
        "{view:#}"
    );
    let on_the_day = CaseRuntime::new(
        env.state.db.clone(),
        RuntimeConfig {
            today: Some(expected),
            ..RuntimeConfig::default()
        },
    );
    assert_eq!(on_the_day.fire_due_timers(10).await.unwrap(), 1);
    let view = env
        .get(&format!("/api/cases/{id}"), Some(&clerk))
        .await
        .json();
    assert!(
        view["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["block"] == "b3" && t["status"] == "open"),
        "{view:#}"
    );
}
