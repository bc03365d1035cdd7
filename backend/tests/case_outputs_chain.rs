//! Issue 19's done-test on a real template: the Sondernutzungserlaubnis (the procurement
//! template has no applicant-facing blocks) runs "vom Kunden über den Workflow bis zur
//! Veraktung" over HTTP — intake, a Rückfrage mailed to the applicant and answered once by its
//! link with a file, the decision signed, the Bescheid rendered as PDF and mailed, the fee's
//! payment request paid by the provider's callback, and the Veraktung's xdomea container in
//! the E-Akte outbox, valid against the official XSD and holding the Bescheid and the upload.
//! Without a mail server the mails are `.eml` files in the mail outbox.
//!
//! The template declares no contact of the applicant; the test adds the fields the outputs
//! read (`email`, `antragsteller`), as an authority adopting the template would.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::PathBuf;

use axum::http::{Method, StatusCode};
use common::outputs::{
    answer, assert_qpdf_check, assert_valid_xdomea, pdf_text, referenced_files, unquote, unzip,
};
use common::Env;
use fachwerk_backend::cases::{CaseRuntime, RuntimeConfig};
use fachwerk_backend::users::Role;
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

const TODAY: &str = "2026-03-02";
const KEY: &str = "sondernutzungserlaubnis";
const PUBLIC_URL: &str = "https://fachwerk.test";

/// The template with the applicant's contact fields.
fn workflow() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/sondernutzungserlaubnis.json"
    );
    let mut w: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fields = w["fields"].as_array_mut().unwrap();
    fields.push(json!({ "name": "email", "label": "E-Mail", "type": "text", "required": true }));
    fields.push(json!({ "name": "antragsteller", "label": "Antragsteller", "type": "text", "required": true }));
    common::valid_workflow(&w)
}

struct Office {
    env: Env,
    /// account → token: sam (Sachbearbeitung), gerda (Sachgebietsleitung)
    tokens: Vec<(&'static str, String)>,
}

impl Office {
    fn token(&self, who: &str) -> &str {
        &self.tokens.iter().find(|(n, _)| *n == who).unwrap().1
    }

    async fn case(&self, id: &str) -> Value {
        let r = self
            .env
            .get(&format!("/api/cases/{id}"), Some(self.token("sam")))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()
    }

    async fn outputs(&self, id: &str) -> Value {
        let r = self
            .env
            .get(&format!("/api/cases/{id}/outputs"), Some(self.token("sam")))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()
    }

    /// Completes the open task of `block` through `exit` as `who`.
    async fn complete(&self, id: &str, block: &str, who: &str, exit: &str) {
        let case = self.case(id).await;
        let task = case["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["block"] == block && t["status"] == "open")
            .unwrap_or_else(|| panic!("no open task at {block}: {case:#}"))
            .clone();
        let req = common::client::request(
            Method::POST,
            &format!("/api/tasks/{}/complete", task["id"].as_str().unwrap()),
            &common::client::Auth::Bearer(self.token(who).to_string()),
            Some(json!({ "exit": exit })),
        );
        let mut req = req;
        req.headers_mut().insert(
            "if-match",
            format!("\"{}\"", case["revision"]).parse().unwrap(),
        );
        let r = common::send(&self.env.app, req).await;
        assert_eq!(r.status, StatusCode::OK, "{block} by {who}: {}", r.text);
    }

    /// Runs the delivery worker until nothing is due; returns how many rows left.
    async fn deliver(&self) -> usize {
        let mut total = 0;
        loop {
            let n = self.env.state.deliveries.run_once(10).await.unwrap();
            if n == 0 {
                return total;
            }
            total += n;
        }
    }

    /// The mail files of the outbox, decoded, oldest first.
    fn mails(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.env.data().join("outbox/mail"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|f| unquote(&std::fs::read(f).unwrap()))
            .collect()
    }
}

async fn office() -> Office {
    let env = Env::with(|c| {
        c.runtime.today = Date::parse(TODAY);
        c.delivery.public_url = PUBLIC_URL.into();
        c.delivery.authority = "Stadt Musterstadt".into();
    });
    let admin = env.token("admin", Role::Admin).await;
    let admin_id = env.state.users.get("admin").await.unwrap().unwrap().id;
    env.state
        .db
        .activate_workflow(KEY, "1.0.0", &workflow(), &admin_id)
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for (who, role) in [("sam", "R-SN"), ("gerda", "R-SGL")] {
        tokens.push((who, env.token(who, Role::Editor).await));
        let r = env
            .post(
                "/api/persons",
                Some(&admin),
                json!({ "name": format!("{who} (Person)"), "account": who,
                        "roles": [{ "workflow": KEY, "role": role }] }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    Office { env, tokens }
}

/// The token of the first link `{PUBLIC_URL}/{page}/…` in `text`.
fn link(text: &str, page: &str) -> String {
    let prefix = format!("{PUBLIC_URL}/{page}/");
    let at = text.find(&prefix).expect(&prefix) + prefix.len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sondernutzung_from_intake_to_the_e_akte() {
    let o = office().await;
    let r = o
        .env
        .post(
            "/api/cases",
            Some(o.token("sam")),
            json!({ "workflow": KEY, "fields": {
                "fahrbahnBetroffen": false, "dauerTage": 10, "flaecheQm": 12,
                "beginn": "2026-04-01", "gebuehr": "150.00",
                "email": "erika@example.org", "antragsteller": "Erika Mustermann" } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let az = r.json()["aktenzeichen"].as_str().unwrap().to_string();

    // Sachbearbeitung asks back: the Rückfrage waits until sam has written it (text, the
    // documents asked for, a deadline within the reply period), then leaves as a mail with a
    // one-time link.
    o.complete(&id, "antrag-pruefen", "sam", "rueckfrage").await;
    assert_eq!(o.deliver().await, 0, "held for the clerk");
    let case = o.case(&id).await;
    let task = case["state"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["block"] == "nachforderung")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let query = format!("/api/cases/{id}/queries/{task}");
    let written = json!({ "text": "Bitte senden Sie uns einen Lageplan der Fläche.",
                          "documents": ["Lageplan (PDF)"], "deadline": "2026-03-10" });
    let r = o
        .env
        .post(&query, Some(o.token("gerda")), written.clone())
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "not gerda's role: {}",
        r.text
    );
    let r = o
        .env
        .post(&query, Some(o.token("sam")), written.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = o.env.post(&query, Some(o.token("sam")), written).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "sent once: {}", r.text);
    assert_eq!(o.deliver().await, 1);
    let mails = o.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: erika@example.org"), "{}", mails[0]);
    assert!(mails[0].contains(&az), "{}", mails[0]);
    for said in ["einen Lageplan der Fl", "- Lageplan (PDF)", "10.03.2026"] {
        assert!(mails[0].contains(said), "{said}: {}", mails[0]);
    }
    let token = link(&mails[0], "rueckfrage");
    let page = o
        .env
        .get(&format!("/api/public/queries/{token}"), None)
        .await
        .json();
    assert_eq!(
        page["question"],
        "Bitte senden Sie uns einen Lageplan der Fläche."
    );
    assert_eq!(page["requestedDocuments"], json!(["Lageplan (PDF)"]));
    assert_eq!(page["deadline"], "2026-03-10");
    let plan: &[u8] = b"%PDF-1.4\n% Lageplan\n";
    let r = answer(
        &o.env,
        &token,
        "Anbei der Lageplan.",
        &[("lageplan.pdf", plan)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let again = answer(&o.env, &token, "Noch einmal.", &[]).await;
    assert_eq!(again.status, StatusCode::GONE, "{}", again.text);

    // Back at the check: the simple path (no Fahrbahn, 10 days), drafted and signed.
    o.complete(&id, "antrag-pruefen", "sam", "ok").await;
    o.complete(&id, "erlaubnis-entwerfen", "sam", "ok").await;
    o.complete(&id, "schlusszeichnung", "gerda", "ok").await;

    // The Bescheid: rendered, stored with the case and mailed; then the fee is requested.
    // Whatever the engine still waits for (Bekanntgabe, Abruffrist) passes on the test clock.
    let mut payment = None;
    for days in [0, 5, 15, 40] {
        o.deliver().await;
        if days > 0 {
            let later = CaseRuntime::new(
                o.env.state.db.clone(),
                RuntimeConfig {
                    today: Some(fachwerk_shared::simulate::calendar::add_days(
                        Date::parse(TODAY).unwrap(),
                        days,
                    )),
                    ..RuntimeConfig::default()
                },
            );
            later.fire_due_timers(10).await.unwrap();
            o.deliver().await;
        }
        let out = o.outputs(&id).await;
        if let Some(p) = out["payments"].as_array().unwrap().first() {
            payment = Some(p.clone());
            break;
        }
    }
    let Some(payment) = payment else {
        panic!("no payment request: {:#}", o.case(&id).await);
    };
    assert_eq!(payment["amount"], "150.00");
    let out = o.outputs(&id).await;
    let bescheid = out["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["source"] == "rendered")
        .unwrap_or_else(|| panic!("no Bescheid: {out:#}"))
        .clone();
    let pdf = o
        .env
        .state
        .db
        .document(&id, bescheid["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap()
        .1;
    assert_qpdf_check(&pdf);
    let text = pdf_text(&pdf);
    assert!(text.contains("Erika Mustermann"), "{text}");
    assert!(text.contains("Rechtsbehelfsbelehrung"), "{text}");
    assert!(
        o.mails()
            .iter()
            .any(|m| m.contains(&bescheid["name"].as_str().unwrap().to_string())),
        "the Bescheid went out as attachment"
    );

    // The provider reports the payment; the case goes on to the Veraktung.
    let r = o
        .env
        .post(
            "/api/payments/callback",
            Some(o.token("sam")),
            json!({ "kassenzeichen": payment["kassenzeichen"], "amount": "150.00" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    o.deliver().await;

    // The E-Akte outbox: valid xdomea, the Bescheid and the applicant's upload inside.
    let dir = o.env.data().join("eakte-outbox");
    let Ok(listing) = std::fs::read_dir(&dir) else {
        panic!("no {}: {:#}", dir.display(), o.outputs(&id).await);
    };
    let mut files: Vec<PathBuf> = listing.flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(!files.is_empty());
    let mut messages = Vec::new();
    let mut carried: Vec<Vec<u8>> = Vec::new();
    for f in &files {
        let entries = unzip(&std::fs::read(f).unwrap());
        for (name, xml) in entries.iter().filter(|(n, _)| n.ends_with(".xml")) {
            for referenced in referenced_files(&String::from_utf8(xml.clone()).unwrap()) {
                carried.push(entries[&referenced].clone());
            }
            messages.push((name.clone(), xml.clone()));
        }
    }
    assert_valid_xdomea(&messages, None);
    assert!(carried.contains(&pdf), "the Bescheid is in the container");
    assert!(
        carried.iter().any(|d| d == plan),
        "the upload is in the container"
    );

    // The import confirmation is given by hand, by the role whose lane the block is in
    // (Sachgebietsleitung in this template); the case ends.
    o.complete(&id, "veraktung", "gerda", "ok").await;
    let case = o.case(&id).await;
    assert_eq!(case["status"], "ended", "{case:#}");
    for f in &files {
        eprintln!(
            "{}: {} bytes",
            f.file_name().unwrap().to_string_lossy(),
            std::fs::metadata(f).unwrap().len()
        );
    }
    eprintln!("{}: {} bytes", bescheid["name"], pdf.len());
}
