//! Issue #8 end to end: two authorities with their own servers and data directories. A
//! publishes a procurement template with a template parameter; in B's browser an editor adds
//! A's catalogue as a source (a local path), sees the template, takes it over ("Übernehmen")
//! with an own threshold, and saves. A publishes a new version with a longer deadline; B's
//! "Vorlagen" screen offers the update, shows both change lists and merges without conflict:
//! the draft has both changes. Then a conflicting change: both sides change the same deadline,
//! the conflict is shown side by side and resolved by choosing the template's value.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{Api, Backend, Session, ADMIN_PASSWORD};
use serde_json::{json, Value};

const EDITOR: (&str, &str) = ("erika", "Erika-Passwort-1");
const REVIEWER: (&str, &str) = ("rolf", "Rolf-Passwort-12");

fn block<'a>(w: &'a mut Value, id: &str) -> Result<&'a mut Value> {
    w["blocks"]
        .as_array_mut()
        .context("blocks")?
        .iter_mut()
        .find(|b| b["id"] == id)
        .with_context(|| format!("no block {id}"))
}

fn param(w: &Value, blk: &str, pointer: &str) -> String {
    w["blocks"]
        .as_array()
        .and_then(|a| a.iter().find(|b| b["id"] == blk))
        .and_then(|b| b["params"].pointer(pointer))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn threshold(w: &Value) -> String {
    param(w, "wertgrenze", "/bands/1/upper")
}

fn deadline(w: &Value) -> String {
    param(w, "bedarf-pruefen", "/dueIn")
}

async fn set_deadline(api: &Api, key: &str, due: &str) -> Result<Value> {
    let mut w = api
        .json("GET", &format!("/api/workflows/{key}"), None, 200)
        .await?;
    block(&mut w, "bedarf-pruefen")?["params"]["dueIn"] = json!(due);
    Ok(w)
}

/// Opens the "Vorlagen" screen afresh (it reloads sources, templates and drafts on opening).
async fn open_templates(s: &Session) -> Result<()> {
    if !s.driver.find_all(By::Id("srv-close")).await?.is_empty() {
        s.click_css("#srv-close").await?;
    }
    s.click_css("#btn-templates").await?;
    s.wait_text_in("#srv-screen-title", "Vorlagen", 10).await?;
    Ok(())
}

/// B's only draft of `key`, read through B's API.
async fn draft_of(api: &Api, key: &str) -> Result<Value> {
    let list = api.json("GET", "/api/drafts", None, 200).await?;
    let d = list
        .as_array()
        .and_then(|a| a.iter().find(|d| d["key"] == key))
        .cloned()
        .with_context(|| format!("no draft {key} in {list}"))?;
    api.json(
        "GET",
        &format!("/api/drafts/{}", d["id"].as_str().unwrap_or_default()),
        None,
        200,
    )
    .await
}

async fn wait_update(s: &Session, key: &str) -> Result<()> {
    let css = format!("#tpl-drafts tr[data-key='{key}'][data-available='true']");
    for _ in 0..3 {
        if s.wait_text_in(&css, "Aktualisierung verfügbar", 10)
            .await
            .is_ok()
        {
            return Ok(());
        }
        open_templates(s).await?;
    }
    bail!("no update offered for {key}")
}

#[tokio::test]
async fn template_exchange_import_update_merge_and_conflict() -> Result<()> {
    let t0 = std::time::Instant::now();
    // Authority A: its own server and catalogue.
    let a = Backend::start().await?;
    let a_admin = a.api_login("admin", ADMIN_PASSWORD).await?;
    a_admin.create_user(EDITOR.0, "editor", EDITOR.1).await?;
    a_admin
        .create_user(REVIEWER.0, "reviewer", REVIEWER.1)
        .await?;
    let a_ed = a.api_login(EDITOR.0, EDITOR.1).await?;
    let a_rev = a.api_login(REVIEWER.0, REVIEWER.1).await?;

    // A publishes its procurement template under a new key, with a template parameter.
    let mut template = a_ed
        .json("GET", "/api/workflows/beschaffung", None, 200)
        .await?;
    template["key"] = json!("einkauf");
    template["name"] = json!("Einkauf (Vorlage der Stadt A)");
    template["templateParams"] = json!([
        { "id": "preisvergleich-bis", "label": "Obergrenze Preisvergleich",
          "target": { "kind": "bandUpper", "block": "wertgrenze", "band": "preisvergleich" },
          "default": "25000.00" }
    ]);
    let v1 = Api::publish_as(&a_ed, &a_rev, &template, "Vorlage").await?;
    assert_eq!(deadline(&template), "P5D");

    // Authority B: the browser session.
    // B may read local sources below A's catalogue only (`--source-root`).
    let a_catalog = a.catalog();
    let s = Session::start_with(|c| c.source_roots = vec![a_catalog]).await?;
    let b_admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&b_admin, EDITOR.0, "editor", EDITOR.1)
        .await?;
    s.open("/").await?;
    s.ui_login(EDITOR.0, EDITOR.1).await?;
    let b_ed = s.api_login(EDITOR.0, EDITOR.1).await?;
    let d = &s.driver;

    open_templates(&s).await?;
    // The own catalogue is listed before any source is added.
    s.wait_for("#tpl-table tr.tpl-row[data-own='true'][data-key='beschaffung']")
        .await?;

    // Adding a source is for administrators: the editor gets the server's German refusal.
    d.find(By::Id("tpl-source-url"))
        .await?
        .send_keys("ssh://example.org/katalog.git")
        .await?;
    s.click_css("#tpl-add").await?;
    let err = s.wait_text_in("#tpl-status", "HTTP 403", 10).await?;
    eprintln!("e2e: source added by an editor → {err}");

    // B's administrator adds A's catalogue by its path; then the template is listed.
    let body = json!({ "url": a.catalog().to_string_lossy() }).to_string();
    b_admin
        .json("POST", "/api/sources", Some(&body), 202)
        .await?;
    let row_css = "#tpl-table tr.tpl-row[data-own='false'][data-key='einkauf']";
    let mut listed = None;
    for _ in 0..3 {
        open_templates(&s).await?;
        if let Ok(row) = s
            .wait_text_in(row_css, "Einkauf (Vorlage der Stadt A)", 10)
            .await
        {
            listed = Some(row);
            break;
        }
    }
    let row = listed.context("A's template was not listed after adding the source")?;
    assert!(
        row.contains(&v1) && row.contains("EUPL-1.2") && row.contains("gültig"),
        "{row}"
    );
    s.screenshot("template_exchange_list").await?;

    // "Übernehmen" with an own threshold (German amount).
    s.click_css(&format!("{row_css} .tpl-import")).await?;
    let input = s.wait_for("#tpl-param-preisvergleich-bis").await?;
    assert_eq!(input.prop("value").await?.unwrap_or_default(), "25000.00");
    input.send_keys(Key::Control + "a").await?;
    input.send_keys("20.000,00").await?;
    s.screenshot("template_exchange_params").await?;
    s.click_css("#tpl-import-confirm").await?;
    s.wait_text_in("#srv-message", "Vorlage als Entwurf übernommen", 15)
        .await?;
    s.wait_text_in("#wf-title", "Einkauf", 5).await?;
    s.click_css("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "Entwurf gespeichert", 10)
        .await?;
    let draft = draft_of(&b_ed, "einkauf").await?;
    assert_eq!(threshold(&draft["workflow"]), "20000.00");
    assert_eq!(draft["workflow"]["lineage"]["version"], v1.as_str());

    // A publishes a new version with a longer deadline.
    let changed = set_deadline(&a_ed, "einkauf", "P10D").await?;
    let v2 = Api::publish_as(&a_ed, &a_rev, &changed, "Frist verlängert").await?;
    assert_ne!(v1, v2);

    // B: "Aktualisierung verfügbar", both change lists, merge without conflict.
    open_templates(&s).await?;
    wait_update(&s, "einkauf").await?;
    s.click_css("#tpl-drafts tr[data-key='einkauf'] .tpl-show-update")
        .await?;
    s.wait_text_in("#tpl-merge-message", "ohne Konflikt", 10)
        .await?;
    let upstream = d.find(By::Id("tpl-upstream-changes")).await?.text().await?;
    let local = d.find(By::Id("tpl-local-changes")).await?.text().await?;
    assert!(
        upstream.contains("Frist") || upstream.contains("P10D") || upstream.contains("10"),
        "{upstream}"
    );
    assert!(
        local.contains("20.000") || local.contains("20000"),
        "{local}"
    );
    assert!(d.find_all(By::Id("tpl-conflicts")).await?.is_empty());
    s.screenshot("template_exchange_merge").await?;
    s.click_css("#tpl-merge-apply").await?;
    s.wait_text_in("#srv-message", "Aktualisierung übernommen", 15)
        .await?;
    let merged = draft_of(&b_ed, "einkauf").await?;
    assert_eq!(
        threshold(&merged["workflow"]),
        "20000.00",
        "local change kept"
    );
    assert_eq!(
        deadline(&merged["workflow"]),
        "P10D",
        "upstream change taken in"
    );
    assert_eq!(merged["workflow"]["lineage"]["version"], v2.as_str());

    // Conflict: B shortens the deadline, A lengthens it again.
    let id = merged["id"].as_str().unwrap_or_default().to_string();
    let mut w = merged["workflow"].clone();
    block(&mut w, "bedarf-pruefen")?["params"]["dueIn"] = json!("P3D");
    let (status, text) = b_ed
        .call_with(
            "PUT",
            &format!("/api/drafts/{id}"),
            Some(&w.to_string()),
            &[("If-Match", format!("\"{}\"", merged["revision"]))],
        )
        .await?;
    assert_eq!(status, 200, "{text}");
    let changed = set_deadline(&a_ed, "einkauf", "P15D").await?;
    let v3 = Api::publish_as(&a_ed, &a_rev, &changed, "Frist nochmals verlängert").await?;

    open_templates(&s).await?;
    wait_update(&s, "einkauf").await?;
    s.click_css("#tpl-drafts tr[data-key='einkauf'] .tpl-show-update")
        .await?;
    s.wait_text_in("#tpl-merge-message", "Konflikt", 10).await?;
    let conflict = s.wait_text_in("#tpl-conflicts", "P15D", 10).await?;
    assert!(conflict.contains("P3D"), "{conflict}");
    eprintln!("e2e: conflicts shown: {conflict}");
    // Without a choice the merge is not sent.
    s.click_css("#tpl-merge-apply").await?;
    s.wait_text_in("#tpl-status", "Bitte für jeden Konflikt", 5)
        .await?;
    // Choose with the keyboard: focus the template's side of each conflict and press Space.
    for theirs in d
        .find_all(By::Css(
            "#tpl-conflicts .tpl-conflict input.tpl-choose-theirs",
        ))
        .await?
    {
        theirs.focus().await?;
        theirs.send_keys(Key::Space).await?;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(theirs.is_selected().await?);
    }
    s.screenshot("template_exchange_conflict").await?;
    s.click_css("#tpl-merge-apply").await?;
    s.wait_text_in("#srv-message", "Aktualisierung übernommen", 15)
        .await?;
    let resolved = draft_of(&b_ed, "einkauf").await?;
    assert_eq!(deadline(&resolved["workflow"]), "P15D");
    assert_eq!(threshold(&resolved["workflow"]), "20000.00");
    assert_eq!(resolved["workflow"]["lineage"]["version"], v3.as_str());

    // English through the language toggle.
    open_templates(&s).await?;
    s.click_css("#btn-lang").await?;
    s.wait_text_in("#srv-screen-title", "Templates and sources", 5)
        .await?;
    s.wait_text_in("#tpl-list-title", "Available templates", 5)
        .await?;
    s.screenshot("template_exchange_english").await?;
    s.click_css("#btn-lang").await?;
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    eprintln!(
        "e2e: template_exchange took {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    s.close().await
}
