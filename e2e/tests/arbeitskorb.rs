//! Issue 20, the clerk's side: a procurement case of 12.400 € comes in through the intake API;
//! clerk A (Sam, Sachbearbeitung and deputy head of department) starts in the Arbeitskorb,
//! claims the first task with one click and completes it and the price comparison in the
//! Vorgang; he then tries the Vier-Augen approval of his own price comparison and sees the
//! server's refusal naming him; clerk B (Fritz) approves — with the keyboard alone (0 pointer
//! events). axe-core finds no violation on Arbeitskorb and Vorgang at 1366×768; screenshots
//! `target/e2e/arbeitskorb-*.png`.

use std::time::Duration;

use fachwerk_e2e::axe::{self, violations};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{Api, Session, ADMIN_PASSWORD};
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

const PASSWORD: &str = "Sachbearbeitung-Passwort-1";
/// Account → roles of `beschaffung`.
const CLERKS: &[(&str, &[&str])] = &[
    ("bea", &["R-BEDARF"]),
    ("sam", &["R-SB", "R-FBL"]),
    ("fritz", &["R-FBL"]),
    ("berta", &["R-BM"]),
];

/// The text of the first element matching `css` (`textContent`, hidden or not).
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
    for _ in 0..150 {
        last = text(s, css).await?;
        if last.contains(needle) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("{css} did not show {needle:?} (last: {last:?})")
}

/// The case as the server has it.
async fn case(admin: &Api, id: &str) -> anyhow::Result<Value> {
    admin
        .json("GET", &format!("/api/cases/{id}"), None, 200)
        .await
}

/// Waits until the case's revision passes `after`; returns the case.
async fn wait_revision(admin: &Api, id: &str, after: u64) -> anyhow::Result<Value> {
    for _ in 0..100 {
        let c = case(admin, id).await?;
        if c["revision"].as_u64().unwrap_or(0) > after {
            return Ok(c);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the case stayed at revision {after}")
}

/// The open task of the case.
fn open_task(c: &Value) -> Value {
    c["tasks"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["status"] == "open"))
        .cloned()
        .unwrap_or(Value::Null)
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

async fn logout(s: &Session) -> anyhow::Result<()> {
    s.driver.find(By::Id("btn-account")).await?.click().await?;
    s.wait_for("#btn-logout").await?.click().await?;
    s.wait_for("#btn-login").await?;
    Ok(())
}

#[tokio::test]
async fn clerks_work_a_procurement_case_in_the_arbeitskorb() -> anyhow::Result<()> {
    let axe = axe::source()?;
    let s = Session::start_with(|c| c.runtime.today = Date::parse("2026-03-02")).await?;
    s.driver
        .set_script_timeout(Duration::from_secs(120))
        .await?;
    s.window_size(1366, 768).await?;

    // The office: the procurement template published and in operation, four clerks.
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    // The catalogue comes with the procurement template published as 1.0.0; a reviewer takes
    // it into operation.
    admin.create_user("rene", "reviewer", PASSWORD).await?;
    let reviewer = s.api_login("rene", PASSWORD).await?;
    reviewer
        .json(
            "POST",
            "/api/workflows/beschaffung/versions/1.0.0/activate",
            Some("{}"),
            200,
        )
        .await?;
    for (name, roles) in CLERKS {
        admin.create_user(name, "editor", PASSWORD).await?;
        let roles: Vec<Value> = roles
            .iter()
            .map(|r| json!({ "workflow": "beschaffung", "role": r }))
            .collect();
        let body = json!({ "name": format!("{name} (Person)"), "account": name, "roles": roles });
        admin
            .json("POST", "/api/persons", Some(&body.to_string()), 201)
            .await?;
    }
    // The intake: an online form sends the case.
    let bea = s.api_login("bea", PASSWORD).await?;
    let intake = json!({ "workflow": "beschaffung", "fields": {
        "betragNetto": "12400.00", "gegenstand": "Drucker für das Bürgerbüro",
        "haushaltsstelle": "1.1.1.01/0812" } });
    let (status, body) = bea
        .call_with(
            "POST",
            "/api/cases",
            Some(&intake.to_string()),
            &[("Idempotency-Key", "e2e-korb-1".to_string())],
        )
        .await?;
    assert_eq!(status, 201, "{body}");
    let started: Value = serde_json::from_str(&body)?;
    let case_id = started["id"].as_str().unwrap_or_default().to_string();
    let az = started["aktenzeichen"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // Sam logs in at / and starts in the Arbeitskorb (he is a person and not designing).
    s.open("/").await?;
    s.ui_login("sam", PASSWORD).await?;
    wait_text(&s, "#srv-screen-title", "Arbeitskorb").await?;
    let url = s.driver.current_url().await?;
    assert_eq!(url.path(), "/arbeitskorb");
    // The navigation counts his own tasks: none yet.
    wait_text(&s, "#btn-korb .korb-count", "0").await?;
    // "Aufgaben meiner Rollen": the new case's first task, claimed with one click.
    s.click_css("#korb-tab-roles").await?;
    let row = format!("#korb-list .korb-row[data-case-id='{case_id}']");
    s.wait_for(&row).await?;
    let row_text = text(&s, &row).await?;
    assert!(row_text.contains(&az), "{row_text}");
    assert!(
        row_text.contains("Arbeitstag"),
        "due in working days: {row_text}"
    );
    // Search by Aktenzeichen: the row stays; a search for something else hides it.
    let search = s.driver.find(By::Id("korb-search")).await?;
    search.send_keys("gibt-es-nicht").await?;
    wait_text(&s, "#korb-summary", "Keine Aufgabe passt").await?;
    search.send_keys(Key::Control + "a").await?;
    search.send_keys(az.as_str()).await?;
    wait_text(&s, "#korb-summary", "1 Aufgabe").await?;
    s.screenshot("arbeitskorb-rollen").await?;
    let mut all = violations(&s, &axe, "Arbeitskorb").await?;
    s.click_css(&format!("{row} .korb-claim")).await?;
    wait_text(&s, "#btn-korb .korb-count", "1").await?;
    s.click_css("#korb-tab-mine").await?;
    s.wait_for(&row).await?;
    s.screenshot("arbeitskorb-meine").await?;
    // The designer's header counts his tasks too (it reads no list, only their number), and
    // its button leads back.
    s.click_css("#btn-to-editor").await?;
    s.wait_for("#canvas").await?;
    wait_text(&s, "#btn-korb .korb-count", "1").await?;
    s.click_css("#btn-korb").await?;
    wait_text(&s, "#srv-screen-title", "Arbeitskorb").await?;
    s.wait_for(&row).await?;

    // The Vorgang: data as a typed form, the path, the task with its exits.
    s.click_css(&format!("{row} .korb-open")).await?;
    s.wait_for("#case-view").await?;
    assert_eq!(
        s.driver.current_url().await?.path(),
        format!("/vorgang/{case_id}")
    );
    let money = s
        .driver
        .find(By::Id("case-field-betragNetto"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert_eq!(money, "12.400 €");
    let required = s
        .js("const e = document.getElementById('case-field-betragNetto'); return [e.required, e.readOnly];")
        .await?;
    assert_eq!(
        required,
        json!([true, true]),
        "a required field, read-only here"
    );
    // The drawing: the case waits at "Bedarf prüfen", which glows.
    s.wait_for("#rv-canvas-new g.block.sim-current[data-block-id='bedarf-pruefen']")
        .await?;
    let rev = case(&admin, &case_id).await?["revision"]
        .as_u64()
        .unwrap_or(0);
    s.click_css(".case-task[data-block='bedarf-pruefen'] .case-exit[data-exit='ok']")
        .await?;
    let after = wait_revision(&admin, &case_id, rev).await?;
    // The Wertgrenze decided by itself; the steps say why.
    assert_eq!(open_task(&after)["block"], "angebote-einholen", "{after:#}");
    s.wait_for(".case-task[data-block='angebote-einholen']")
        .await?;
    let steps = text(&s, "#case-steps").await?;
    assert!(
        steps.contains("1.000"),
        "the Wertgrenze's band is the reason: {steps}"
    );
    let rev = after["revision"].as_u64().unwrap_or(0);
    s.click_css(".case-task[data-block='angebote-einholen'] .case-exit[data-exit='ok']")
        .await?;
    let after = wait_revision(&admin, &case_id, rev).await?;
    assert_eq!(open_task(&after)["block"], "preis-pruefen", "{after:#}");

    // Vier-Augen: the screen says who checked first; Sam's own approval is refused, with
    // the server's words naming him, and changes nothing.
    let four_eyes = ".case-task[data-block='preis-pruefen']";
    s.wait_for(four_eyes).await?;
    let rule = wait_text(&s, &format!("{four_eyes} .case-rule"), "sam (Person)").await?;
    assert!(rule.contains("Vier-Augen"), "{rule}");
    let rev = after["revision"].as_u64().unwrap_or(0);
    s.click_css(&format!("{four_eyes} .case-exit[data-exit='ok']"))
        .await?;
    let refusal = wait_text(&s, "#case-refusal", "sam (Person)").await?;
    assert!(!refusal.is_empty());
    assert_eq!(
        case(&admin, &case_id).await?["revision"].as_u64(),
        Some(rev),
        "a refusal changes nothing"
    );
    // History in plain German with names.
    let history = text(&s, "#case-history").await?;
    assert!(
        history.contains(
            "sam (Person) hat „Bedarf und Haushaltsmittel prüfen“ abgeschlossen: Erledigt."
        ),
        "{history}"
    );
    assert!(!history.contains(&case_id));
    s.screenshot("arbeitskorb-vorgang-abgelehnt").await?;
    all.extend(violations(&s, &axe, "Vorgang").await?);
    logout(&s).await?;

    // Fritz approves with the keyboard alone.
    s.ui_login("fritz", PASSWORD).await?;
    wait_text(&s, "#srv-screen-title", "Arbeitskorb").await?;
    s.js("window.__pointerEvents = 0; for (const t of ['pointerdown', 'mousedown', 'click']) document.addEventListener(t, e => { if (e.pointerType || e.detail) window.__pointerEvents++; }, true); return 0;")
        .await?;
    tab_to(&s, "#korb-tab-mine", 30).await?;
    s.driver
        .action_chain()
        .send_keys(Key::Right)
        .perform()
        .await?;
    s.wait_for(&row).await?;
    tab_to(&s, &format!("{row} .korb-open"), 30).await?;
    s.driver
        .action_chain()
        .send_keys(Key::Enter)
        .perform()
        .await?;
    s.wait_for(four_eyes).await?;
    tab_to(&s, &format!("{four_eyes} .case-exit[data-exit='ok']"), 60).await?;
    s.driver
        .action_chain()
        .send_keys(Key::Enter)
        .perform()
        .await?;
    let after = wait_revision(&admin, &case_id, rev).await?;
    assert_eq!(open_task(&after)["block"], "schlusszeichnung", "{after:#}");
    let pointer = s.js("return window.__pointerEvents;").await?;
    assert_eq!(pointer.as_i64(), Some(0), "no pointer events were used");
    // Schlusszeichnung: the signing limit is shown.
    let sign = ".case-task[data-block='schlusszeichnung']";
    s.wait_for(sign).await?;
    wait_text(&s, &format!("{sign} .case-rule"), "12.400 €").await?;
    s.screenshot("arbeitskorb-vorgang-freigegeben").await?;
    all.extend(violations(&s, &axe, "Vorgang (Schlusszeichnung)").await?);
    assert!(all.is_empty(), "axe violations:\n{}", all.join("\n"));
    let errors = s.page_errors().await?;
    assert!(errors.is_empty(), "page errors: {errors:?}");
    s.close().await?;
    Ok(())
}
