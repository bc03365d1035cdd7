//! Issue 20, the administration's side: with the procurement workflow in operation, the admin
//! sets up the organisation on the Organisation screen (persons, linked accounts, roles of the
//! workflow, a signing limit typed in German, a deputy for an absent clerk), a bad amount is
//! refused naming the field, and a case is started by hand on "Vorgang anlegen" — a missing
//! required field is named, a double click starts one case, the browser goes to the case.
//! axe-core finds no violations on both screens; screenshots `organisation-*.png`.

use std::time::Duration;

use fachwerk_e2e::axe::{source as axe_source, violations};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{Api, Session, ADMIN_PASSWORD};
use serde_json::Value;

const REVIEWER: (&str, &str) = ("rita", "Rita-Passwort-1");

/// The procurement template (in the catalogue from the start) taken into operation; the
/// clerks' accounts exist.
async fn office(s: &Session) -> anyhow::Result<Api> {
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, REVIEWER.0, "reviewer", REVIEWER.1)
        .await?;
    for clerk in ["sam", "fritz"] {
        s.create_user(&admin, clerk, "editor", "Sachbearbeitung-1")
            .await?;
    }
    let reviewer = s.api_login(REVIEWER.0, REVIEWER.1).await?;
    reviewer
        .json(
            "POST",
            "/api/workflows/beschaffung/versions/1.0.0/activate",
            Some("{}"),
            200,
        )
        .await?;
    // Whoever starts a case is a person of the organisation: here the administrator, who
    // takes applications on paper for the Bedarfsstelle.
    let me = serde_json::json!({ "name": "Anna Admin", "account": "admin",
        "roles": [{ "workflow": "beschaffung", "role": "R-BEDARF" }] });
    admin
        .json("POST", "/api/persons", Some(&me.to_string()), 201)
        .await?;
    Ok(admin)
}

async fn persons(admin: &Api) -> anyhow::Result<Vec<Value>> {
    let v = admin.json("GET", "/api/persons", None, 200).await?;
    Ok(v.as_array().cloned().unwrap_or_default())
}

async fn type_into(s: &Session, id: &str, text: &str) -> anyhow::Result<()> {
    let el = s.driver.find(By::Id(id)).await?;
    el.send_keys(Key::Control + "a").await?;
    el.send_keys(Key::Delete).await?;
    el.send_keys(text).await?;
    Ok(())
}

async fn wait_persons(admin: &Api, n: usize) -> anyhow::Result<Vec<Value>> {
    for _ in 0..100 {
        let list = persons(admin).await?;
        if list.len() == n {
            return Ok(list);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the organisation did not reach {n} persons")
}

#[tokio::test]
async fn admin_sets_up_the_organisation_and_starts_a_case_by_hand() -> anyhow::Result<()> {
    let axe = axe_source()?;
    let s = Session::start().await?;
    let admin = office(&s).await?;
    s.window_size(1366, 768).await?;
    s.open("/").await?;
    s.ui_login("admin", ADMIN_PASSWORD).await?;
    // The admin is a person of the organisation: the start screen is the Arbeitskorb, in the
    // case app (a page of its own since issue 22), where the organisation is too.
    s.wait_text_in("#srv-screen-title", "Arbeitskorb", 10)
        .await?;
    assert_eq!(s.driver.current_url().await?.path(), "/arbeitskorb");
    s.click_css("#btn-organisation").await?;
    s.wait_text_in("#srv-screen-title", "Organisation", 10)
        .await?;
    s.wait_text_in("#org-persons", "Anna Admin", 10).await?;
    s.driver
        .query(By::Css("#person-role-beschaffung-R-SB"))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?;

    // A bad amount is named and nothing is stored.
    type_into(&s, "person-name", "Sam Sommer").await?;
    type_into(&s, "person-limit", "zwölf Euro").await?;
    s.click_css("#person-save").await?;
    let e = s
        .wait_text_in("#person-limit-error", "Zeichnungsbefugnis", 5)
        .await?;
    assert!(e.contains("zwölf Euro"), "{e}");
    assert_eq!(persons(&admin).await?.len(), 1);

    // Sam: account, role Sachbearbeitung, 25.000 € typed the German way.
    type_into(&s, "person-limit", "25.000").await?;
    s.select_value("#person-account", "sam").await?;
    s.click_css("#person-role-beschaffung-R-SB").await?;
    s.click_css("#person-save").await?;
    let sam = wait_persons(&admin, 2)
        .await?
        .into_iter()
        .find(|p| p["name"] == "Sam Sommer")
        .unwrap_or_default();
    assert_eq!(sam["name"], "Sam Sommer");
    assert_eq!(sam["account"], "sam");
    assert_eq!(sam["signingLimit"], "25000.00");
    assert_eq!(
        sam["roles"],
        serde_json::json!([{ "workflow": "beschaffung", "role": "R-SB" }])
    );
    let row = s.wait_text_in("#org-persons", "25.000 €", 10).await?;
    assert!(
        row.contains(
            "Sachbearbeitung Zentraler Einkauf (Beschaffung von Liefer- und Dienstleistungen)"
        ),
        "{row}"
    );

    // Fritz, entered with the keyboard alone: Fachbereichsleitung.
    type_into(&s, "person-name", "Fritz Falk").await?;
    s.select_value("#person-account", "fritz").await?;
    let role = s
        .driver
        .find(By::Id("person-role-beschaffung-R-FBL"))
        .await?;
    role.send_keys(" ").await?;
    s.driver
        .find(By::Id("person-name"))
        .await?
        .send_keys(Key::Enter)
        .await?;
    let list = wait_persons(&admin, 3).await?;
    let fritz = list
        .iter()
        .find(|p| p["name"] == "Fritz Falk")
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no Fritz: {list:?}"))?;
    assert_eq!(fritz["roles"][0]["role"], "R-FBL");

    // Sam is absent; Fritz stands in.
    s.wait_text_in("#org-persons", "Fritz Falk", 10).await?;
    let sam_id = sam["id"].as_str().unwrap_or_default().to_string();
    s.click_css(&format!("tr[data-person-id='{sam_id}'] .person-edit"))
        .await?;
    s.wait_text_in("#person-form-title", "Person bearbeiten", 5)
        .await?;
    let fritz_id = fritz["id"].as_str().unwrap_or_default().to_string();
    s.select_value("#person-deputy", &fritz_id).await?;
    s.click_css("#person-absent").await?;
    s.click_css("#person-save").await?;
    let mut sam = Value::Null;
    for _ in 0..100 {
        sam = persons(&admin)
            .await?
            .into_iter()
            .find(|p| p["id"] == sam_id.as_str())
            .unwrap_or_default();
        if sam["absent"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sam["absent"], true, "{sam}");
    assert_eq!(sam["deputy"], fritz_id.as_str());
    assert_eq!(sam["signingLimit"], "25000.00", "editing keeps the limit");
    let row = s
        .wait_text_in(&format!("tr[data-person-id='{sam_id}']"), "abwesend", 10)
        .await?;
    assert!(row.contains("Fritz Falk"), "{row}");
    let mut found = violations(&s, &axe, "Organisation").await?;
    s.screenshot("organisation-persons").await?;

    // Vorgang anlegen: the typed form of the procurement's case fields.
    s.click_css("#btn-new-case").await?;
    s.wait_text_in("#srv-screen-title", "Vorgang anlegen", 10)
        .await?;
    s.select_value("#newcase-workflow", "beschaffung").await?;
    s.driver
        .query(By::Id("newcase-betragNetto"))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?;
    let help = s
        .wait_text_in("#newcase-betragNetto-help", "Pflichtfeld", 5)
        .await?;
    assert!(help.contains("12.400,50"), "{help}");
    type_into(&s, "newcase-betragNetto", "12.400,50").await?;
    type_into(&s, "newcase-gegenstand", "Dokumentenkameras").await?;
    type_into(&s, "newcase-liefertermin", "31.12.2026").await?;
    s.click_css("#newcase-start").await?;
    let e = s
        .wait_text_in("#newcase-haushaltsstelle-error", "Produkt / Sachkonto", 5)
        .await?;
    assert!(e.contains("Pflichtfeld"), "{e}");
    let focused = s
        .js("return document.activeElement ? document.activeElement.id : null;")
        .await?;
    assert_eq!(focused, "newcase-haushaltsstelle");
    found.extend(violations(&s, &axe, "Vorgang anlegen").await?);
    s.screenshot("organisation-new-case").await?;
    type_into(&s, "newcase-haushaltsstelle", "11.10.01 / 5431").await?;
    // The money field shows the amount the German way after leaving it.
    assert_eq!(
        s.js("return document.getElementById('newcase-betragNetto').value;")
            .await?,
        "12.400,50 €"
    );
    // A double click starts one case.
    s.js("const b = document.getElementById('newcase-start'); b.click(); b.click(); return true;")
        .await?;
    let mut path = String::new();
    for _ in 0..100 {
        path = s
            .js("return location.pathname;")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string();
        if path.starts_with("/vorgang/") && path != "/vorgang/neu" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cases = admin.json("GET", "/api/cases", None, 200).await?;
    let cases = cases.as_array().cloned().unwrap_or_default();
    assert_eq!(cases.len(), 1, "{cases:?}");
    let id = cases[0]["id"].as_str().unwrap_or_default();
    assert_eq!(path, format!("/vorgang/{id}"));
    let case = admin
        .json("GET", &format!("/api/cases/{id}"), None, 200)
        .await?;
    let fields = &case["state"]["fields"];
    assert_eq!(fields["betragNetto"], "12400.50", "{case}");
    assert_eq!(fields["liefertermin"], "2026-12-31", "{case}");
    assert_eq!(fields["haushaltsstelle"], "11.10.01 / 5431");

    // To the designer: a page load from the case app, the keyboard focus lands on the
    // workflow's title as it would within one app, and the Arbeitskorb (already chosen as the
    // start screen in this tab) does not take the page back.
    s.click_css("#btn-to-editor").await?;
    s.wait_for(".palette-item").await?;
    let mut focused = serde_json::Value::Null;
    for _ in 0..50 {
        focused = s
            .js("return document.activeElement ? document.activeElement.id : null;")
            .await?;
        if focused == "wf-title" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(focused, "wf-title");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(s.driver.current_url().await?.path(), "/");
    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    let errors = s.page_errors().await?;
    assert!(errors.is_empty(), "page errors: {errors:?}");
    s.close().await
}
