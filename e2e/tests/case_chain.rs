//! Issue 20's chain in one browser run: a procurement case of 12.400 € (the procurement
//! template with a Rückfrage and a Bescheid to the applicant after the price check) comes in
//! through the intake API; clerk A (Sam) claims it in the Arbeitskorb and completes the first
//! tasks in the Vorgang, tries the Vier-Augen approval of his own price comparison and sees
//! the refusal; clerk B (Fritz) approves, writes the Rückfrage with the keyboard alone (text,
//! a document asked for; 0 pointer events) and sends it; the Bescheid preview (the PDF the
//! browser fetches) shows the amount; the applicant answers on a 360 px phone through the
//! mail's link; the Bescheid goes out, the case is filed to the E-Akte outbox and Fritz
//! confirms the Veraktung: the case has ended. axe-core 0 on every screen; screenshots
//! `target/e2e/chain-*.png`.

use std::time::Duration;

use fachwerk_e2e::axe::{self, violations};
use fachwerk_e2e::outbox;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Api, Session, ADMIN_PASSWORD};
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

const PASSWORD: &str = "Sachbearbeitung-Passwort-1";
const KEY: &str = "beschaffung-antrag";
/// Account → roles of the workflow.
const CLERKS: &[(&str, &[&str])] = &[
    ("bea", &["R-BEDARF"]),
    ("sam", &["R-SB", "R-FBL"]),
    ("fritz", &["R-FBL", "R-REG"]),
];
const QUESTION: &str = "Bitte bestätigen Sie uns den Liefertermin schriftlich.";

/// The procurement template, its price check followed by a Rückfrage to the applicant and a
/// Bescheid naming the amount before the Veraktung.
fn workflow() -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(workspace().join("workflows/beschaffung.json"))?;
    let mut w: Value = serde_json::from_str(&text)?;
    w["key"] = json!(KEY);
    w["name"] = json!("Beschaffung mit Bescheid");
    w["version"] = json!("1.0.0");
    if let Some(o) = w.as_object_mut() {
        o.remove("testCases");
    }
    let fields = w["fields"].as_array_mut().expect("fields");
    fields.push(json!({ "name": "email", "label": "E-Mail", "type": "text", "required": true }));
    fields.push(json!({ "name": "antragsteller", "label": "Antragsteller", "type": "text", "required": true }));
    let blocks = w["blocks"].as_array_mut().expect("blocks");
    blocks.push(json!({ "id": "liefertermin", "type": "rueckfrage", "label": "Liefertermin erfragen",
        "params": { "channel": "EMAIL", "template": "Bitte nennen Sie den Liefertermin für {{gegenstand}}.",
                    "replyDeadline": "P14D" } }));
    blocks.push(
        json!({ "id": "bescheid", "type": "bescheid", "label": "Auftragsbescheid",
        "params": { "template": "Der Auftrag über {{betragNetto}} für {{gegenstand}} ist erteilt.",
                    "signatureLevel": "NAME", "channel": "POSTFACH_ABRUF", "abrufFrist": "P10D",
                    "fiktionTage": 3 } }),
    );
    for e in w["edges"].as_array_mut().expect("edges") {
        if e["from"] == "preis-pruefen" && e["port"] == "ok" {
            e["to"] = json!("liefertermin");
        }
    }
    let edges = w["edges"].as_array_mut().expect("edges");
    edges.push(json!({ "id": "e90", "from": "liefertermin", "port": "reply", "to": "bescheid" }));
    edges.push(json!({ "id": "e91", "from": "liefertermin", "port": "timeout", "to": "bescheid" }));
    edges.push(json!({ "id": "e92", "from": "bescheid", "port": "zugestellt", "to": "veraktung" }));
    edges.push(
        json!({ "id": "e93", "from": "bescheid", "port": "nichtAbgerufen", "to": "veraktung" }),
    );
    w["layout"]["blocks"]["liefertermin"] = json!({ "x": 1140, "y": 40, "w": 160, "h": 64 });
    w["layout"]["blocks"]["bescheid"] = json!({ "x": 1360, "y": 40, "w": 160, "h": 64 });
    w["nextId"] = json!(100);
    Ok(w)
}

/// The text of the first element matching `css` (`textContent`).
async fn text(s: &Session, css: &str) -> anyhow::Result<String> {
    let v = s
        .js(&format!(
            "const e = document.querySelector({css:?}); return e ? e.textContent : null;"
        ))
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn wait_text(s: &Session, css: &str, needle: &str) -> anyhow::Result<String> {
    let mut last = String::new();
    for _ in 0..200 {
        last = text(s, css).await?;
        if last.contains(needle) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("{css} did not show {needle:?} (last: {last:?})")
}

async fn case(api: &Api, id: &str) -> anyhow::Result<Value> {
    api.json("GET", &format!("/api/cases/{id}"), None, 200)
        .await
}

/// Waits until the case has an open task at `block` (or, for `None`, has ended).
async fn wait_case(api: &Api, id: &str, block: Option<&str>) -> anyhow::Result<Value> {
    let mut last = Value::Null;
    for _ in 0..300 {
        last = case(api, id).await?;
        let at = last["tasks"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["status"] == "open"))
            .map(|t| t["block"].clone());
        let done = match block {
            Some(b) => at.is_some_and(|x| x == b),
            None => last["status"] == "ended",
        };
        if done {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the case did not reach {block:?}: {last:#}")
}

/// Presses Tab until the focused element matches `css` (at most `max` times).
async fn tab_to(s: &Session, css: &str, max: usize) -> anyhow::Result<()> {
    for _ in 0..max {
        let at = s
            .js(&format!(
                "return !!(document.activeElement && document.activeElement.matches({css:?}));"
            ))
            .await?;
        if at.as_bool() == Some(true) {
            return Ok(());
        }
        s.driver
            .action_chain()
            .send_keys(Key::Tab)
            .perform()
            .await?;
    }
    anyhow::bail!("Tab never reached {css}")
}

async fn keys(s: &Session, k: impl Into<TypingData>) -> anyhow::Result<()> {
    s.driver.action_chain().send_keys(k).perform().await?;
    Ok(())
}

/// Ctrl+A in the focused field.
async fn select_all(s: &Session) -> anyhow::Result<()> {
    s.driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys("a")
        .key_up(Key::Control)
        .perform()
        .await?;
    Ok(())
}

async fn logout(s: &Session) -> anyhow::Result<()> {
    s.driver.find(By::Id("btn-account")).await?.click().await?;
    s.wait_for("#btn-logout").await?.click().await?;
    s.wait_for("#btn-login").await?;
    Ok(())
}

/// The answer link of the Rückfrage mail in the server's mail outbox: (answer path, mail).
async fn query_link(s: &Session) -> anyhow::Result<(String, String)> {
    outbox::wait_for_mail(s, |text| {
        Some((outbox::link(text, "rueckfrage")?, text.to_string()))
    })
    .await
}

/// The bytes behind `href`, fetched by the page with the clerk's session.
async fn fetch_bytes(s: &Session, href: &str) -> anyhow::Result<(u16, String, Vec<u8>)> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         fetch({href:?}).then(async r => done([r.status, r.headers.get('content-type') || '',
             Array.from(new Uint8Array(await r.arrayBuffer()))]));"
    );
    let v = s
        .driver
        .execute_async(script.as_str(), Vec::new())
        .await?
        .json()
        .clone();
    let status = u16::try_from(v[0].as_u64().unwrap_or(0))?;
    let kind = v[1].as_str().unwrap_or_default().to_string();
    let bytes = v[2]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect()
        })
        .unwrap_or_default();
    Ok((status, kind, bytes))
}

/// The text of a PDF (poppler's `pdftotext`, installed by the xtask).
fn pdf_text(pdf: &[u8]) -> anyhow::Result<String> {
    let dir = tempfile::tempdir()?;
    let p = dir.path().join("vorschau.pdf");
    std::fs::write(&p, pdf)?;
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&p)
        .arg("-")
        .output()?;
    anyhow::ensure!(out.status.success(), "pdftotext failed");
    Ok(String::from_utf8(out.stdout)?)
}

#[tokio::test]
async fn a_procurement_case_from_intake_to_the_e_akte() -> anyhow::Result<()> {
    let axe = axe::source()?;
    let s = Session::start_with(|c| {
        c.runtime.today = Date::parse("2026-03-02");
        c.delivery.interval = Duration::from_millis(200);
    })
    .await?;
    s.driver
        .set_script_timeout(Duration::from_secs(120))
        .await?;
    s.window_size(1366, 768).await?;

    // The office: the workflow published and in operation, three clerks.
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    admin.create_user("erik", "editor", PASSWORD).await?;
    admin.create_user("rene", "reviewer", PASSWORD).await?;
    let editor = s.api_login("erik", PASSWORD).await?;
    let reviewer = s.api_login("rene", PASSWORD).await?;
    let version = Api::publish_as(&editor, &reviewer, &workflow()?, "Erstfassung").await?;
    reviewer
        .json(
            "POST",
            &format!("/api/workflows/{KEY}/versions/{version}/activate"),
            Some("{}"),
            200,
        )
        .await?;
    for (name, roles) in CLERKS {
        admin.create_user(name, "editor", PASSWORD).await?;
        let roles: Vec<Value> = roles
            .iter()
            .map(|r| json!({ "workflow": KEY, "role": r }))
            .collect();
        let body = json!({ "name": format!("{name} (Person)"), "account": name, "roles": roles });
        admin
            .json("POST", "/api/persons", Some(&body.to_string()), 201)
            .await?;
    }
    // The intake.
    let bea = s.api_login("bea", PASSWORD).await?;
    let intake = json!({ "workflow": KEY, "fields": {
        "betragNetto": "12400.00", "gegenstand": "Drucker für das Bürgerbüro",
        "haushaltsstelle": "1.1.1.01/0812", "email": "anna@example.org",
        "antragsteller": "Anna Antrag" } });
    let started = bea
        .json("POST", "/api/cases", Some(&intake.to_string()), 201)
        .await?;
    let id = started["id"].as_str().unwrap_or_default().to_string();
    let az = started["aktenzeichen"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // Clerk A: the Arbeitskorb, claim with one click, the Vorgang.
    s.open("/").await?;
    s.ui_login("sam", PASSWORD).await?;
    wait_text(&s, "#srv-screen-title", "Arbeitskorb").await?;
    s.click_css("#korb-tab-roles").await?;
    let row = format!("#korb-list .korb-row[data-case-id='{id}']");
    s.wait_for(&row).await?;
    // Due dates count from the server's day (its test clock), not the browser's.
    let due = text(&s, &row).await?;
    assert!(
        due.contains("noch") && !due.contains("überfällig"),
        "due from the server's day: {due}"
    );
    let mut found = violations(&s, &axe, "Arbeitskorb").await?;
    s.screenshot("chain-arbeitskorb").await?;
    s.click_css(&format!("{row} .korb-claim")).await?;
    wait_text(&s, "#btn-korb .korb-count", "1").await?;
    s.open(&format!("/vorgang/{id}")).await?;
    s.wait_for(".case-task[data-block='bedarf-pruefen']")
        .await?;
    s.click_css(".case-task[data-block='bedarf-pruefen'] .case-exit[data-exit='ok']")
        .await?;
    s.wait_for(".case-task[data-block='angebote-einholen']")
        .await?;
    s.click_css(".case-task[data-block='angebote-einholen'] .case-exit[data-exit='ok']")
        .await?;
    // Vier-Augen: Sam's own approval is refused, naming him.
    let four_eyes = ".case-task[data-block='preis-pruefen']";
    s.wait_for(four_eyes).await?;
    s.click_css(&format!("{four_eyes} .case-exit[data-exit='ok']"))
        .await?;
    wait_text(&s, "#case-refusal", "sam (Person)").await?;
    found.extend(violations(&s, &axe, "Vorgang (Vier-Augen abgelehnt)").await?);
    s.screenshot("chain-vier-augen-abgelehnt").await?;
    logout(&s).await?;

    // Clerk B approves; the Rückfrage waits for his text.
    s.ui_login("fritz", PASSWORD).await?;
    wait_text(&s, "#srv-screen-title", "Arbeitskorb").await?;
    s.open(&format!("/vorgang/{id}")).await?;
    s.wait_for(four_eyes).await?;
    s.click_css(&format!("{four_eyes} .case-exit[data-exit='ok']"))
        .await?;
    let task = ".case-task[data-block='liefertermin']";
    s.wait_for(&format!("{task} #case-query-text")).await?;
    let drafted = s
        .driver
        .find(By::Id("case-query-text"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert_eq!(
        drafted, "Bitte nennen Sie den Liefertermin für Drucker für das Bürgerbüro.",
        "drafted from the block's text with the case's fields"
    );
    let outputs = fritz_outputs(&s, &id).await?;
    assert_eq!(outputs["deliveries"][0]["held"], true, "{outputs:#}");
    wait_text(&s, "#case-deliveries", "wartet auf den Text").await?;
    found.extend(violations(&s, &axe, "Vorgang (Rückfrage schreiben)").await?);
    s.screenshot("chain-rueckfrage-schreiben").await?;

    // Written and sent with the keyboard alone.
    s.js("window.__pointerEvents = 0; for (const t of ['pointerdown', 'mousedown', 'click']) document.addEventListener(t, e => { if (e.pointerType || e.detail) window.__pointerEvents++; }, true); document.activeElement && document.activeElement.blur(); return 0;")
        .await?;
    tab_to(&s, "#case-query-text", 80).await?;
    select_all(&s).await?;
    keys(&s, QUESTION).await?;
    tab_to(&s, "#case-query-docs", 5).await?;
    select_all(&s).await?;
    keys(&s, "Lieferschein").await?;
    tab_to(&s, "#case-query-send", 10).await?;
    keys(&s, Key::Enter).await?;
    wait_text(&s, "#case-query-sent-text", QUESTION).await?;
    let pointer = s.js("return window.__pointerEvents;").await?;
    assert_eq!(pointer.as_i64(), Some(0), "no pointer events were used");
    let (answer_path, mail) = query_link(&s).await?;
    assert!(mail.contains("den Liefertermin schriftlich"), "{mail}");
    assert!(mail.contains("- Lieferschein"), "{mail}");
    assert!(mail.contains("To: anna@example.org"), "{mail}");

    // The Bescheid before it goes out: the PDF names the amount.
    s.wait_for("#case-bescheid-preview").await?;
    let href = s
        .driver
        .find(By::Id("case-bescheid-preview"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    let (status, kind, pdf) = fetch_bytes(&s, &href).await?;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    let pdf_said = pdf_text(&pdf)?;
    assert!(pdf_said.contains("12.400,00 €"), "{pdf_said}");
    assert!(pdf_said.contains("Anna Antrag"), "{pdf_said}");
    found.extend(violations(&s, &axe, "Vorgang (Rückfrage versandt)").await?);
    s.screenshot("chain-rueckfrage-versandt").await?;

    // The applicant answers on the phone.
    s.window_size(360, 740).await?;
    s.driver.goto(format!("{}{answer_path}", s.base)).await?;
    s.wait_text_in("#query-question", QUESTION, 20).await?;
    s.wait_text_in("#query-documents", "Lieferschein", 5)
        .await?;
    s.wait_text_in("#applicant-az", &az, 5).await?;
    found.extend(violations(&s, &axe, "Rückfrage (Telefon)").await?);
    s.screenshot("chain-antwort").await?;
    s.driver
        .find(By::Id("answer-text"))
        .await?
        .send_keys("Liefertermin ist der 20. März.")
        .await?;
    s.click_css("#answer-send").await?;
    s.wait_text_in("#receipt-az", &az, 20).await?;
    found.extend(violations(&s, &axe, "Bestätigung (Telefon)").await?);
    s.screenshot("chain-antwort-bestaetigt").await?;

    // The Bescheid leaves, the case is filed; Fritz confirms the Veraktung.
    s.window_size(1366, 768).await?;
    let fritz = s.api_login("fritz", PASSWORD).await?;
    wait_case(&fritz, &id, Some("veraktung")).await?;
    let outbox = s.data_dir().join("eakte-outbox");
    let mut filed = 0;
    for _ in 0..200 {
        filed = std::fs::read_dir(&outbox)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "zip"))
                    .count()
            })
            .unwrap_or(0);
        if filed > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(filed >= 1, "xdomea containers in the E-Akte outbox");
    s.open(&format!("/vorgang/{id}")).await?;
    let veraktung = ".case-task[data-block='veraktung'] .case-exit[data-exit='ok']";
    s.wait_for(veraktung).await?;
    s.click_css(veraktung).await?;
    wait_case(&fritz, &id, None).await?;
    wait_text(&s, "#case-status", "abgeschlossen").await?;
    let history = text(&s, "#case-history").await?;
    for said in [
        "fritz (Person) hat die Rückfrage geschrieben und gesendet.",
        "Die antragstellende Person hat die Rückfrage beantwortet.",
    ] {
        assert!(history.contains(said), "{said}: {history}");
    }
    found.extend(violations(&s, &axe, "Vorgang (abgeschlossen)").await?);
    s.screenshot("chain-abgeschlossen").await?;
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    let errors = s.page_errors().await?;
    assert!(errors.is_empty(), "page errors: {errors:?}");
    s.close().await
}

/// The case's outputs as the browser's session sees them.
async fn fritz_outputs(s: &Session, id: &str) -> anyhow::Result<Value> {
    let (status, _, body) = fetch_bytes(s, &format!("/api/cases/{id}/outputs")).await?;
    anyhow::ensure!(status == 200, "outputs: {status}");
    Ok(serde_json::from_slice(&body)?)
}
