//! Issue 21: Datei → "Für Prozess-Engine exportieren …" shows the export notes of the chosen
//! engine before anything is downloaded, is operable by keyboard (arrow keys switch the engine,
//! Escape closes and returns focus to the Datei menu), and downloads exactly
//! `to_bpmn_export` — for Camunda 8 the BPMN and one form per user task.

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::bpmn::{to_bpmn_export, Engine};
use fachwerk_shared::parse_workflow;

#[tokio::test]
async fn engine_export_shows_the_notes_and_downloads_bpmn_and_forms() -> anyhow::Result<()> {
    let path = workspace().join("workflows/beschaffung.json");
    let w = parse_workflow(&std::fs::read_to_string(&path)?)?;
    let c7 = to_bpmn_export(&w, Engine::Camunda7);
    let c8 = to_bpmn_export(&w, Engine::Camunda8);
    assert!(!c8.forms.is_empty());

    let s = Session::start().await?;
    s.open("/").await?;
    let d = &s.driver;
    s.open_workflow_file(&path, w.blocks.len()).await?;
    s.capture_downloads().await?;

    s.click_css("#btn-export-engine").await?;
    s.wait_for("#engine-export-dialog").await?;
    // The export is made in the Web Worker; the dialog is busy until it is there.
    s.wait_for("#engine-export-dialog[aria-busy='false'] #engine-export-summary")
        .await?;
    // Camunda 7 is chosen first and has the focus; its notes are listed, nothing downloaded.
    let focused = s
        .js("return document.activeElement && document.activeElement.id")
        .await?;
    assert_eq!(focused, "engine-camunda7");
    let notes = d
        .find_all(By::Css("#engine-export-notes li.export-note"))
        .await?;
    assert_eq!(notes.len(), c7.notes.len());
    let text = d.find(By::Id("engine-export-dialog")).await?.text().await?;
    assert!(text.contains("Vier-Augen"), "{text}");
    assert!(s.downloads().await?.is_empty());
    s.screenshot("engine-export-camunda7").await?;

    // The arrow key chooses Camunda 8: its notes and the forms line replace the list.
    d.action_chain().send_keys(Key::Down).perform().await?;
    s.wait_for("#engine-export-dialog[aria-busy='false'] #engine-export-forms")
        .await?;
    let focused = s
        .js("return document.activeElement && document.activeElement.id")
        .await?;
    assert_eq!(focused, "engine-camunda8");
    let notes = d
        .find_all(By::Css("#engine-export-notes li.export-note"))
        .await?;
    assert_eq!(notes.len(), c8.notes.len());
    let forms_line = d.find(By::Id("engine-export-forms")).await?.text().await?;
    assert!(
        forms_line.contains(&format!("{} Formulardatei", c8.forms.len())),
        "{forms_line}"
    );
    s.screenshot("engine-export-camunda8").await?;

    d.find(By::Id("engine-export-download"))
        .await?
        .click()
        .await?;
    let mut downloads = Vec::new();
    for _ in 0..100 {
        downloads = s.downloads().await?;
        if downloads.len() > c8.forms.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        downloads.len(),
        1 + c8.forms.len(),
        "BPMN and one file per form"
    );
    assert_eq!(downloads[0].name, "beschaffung.camunda8.bpmn");
    assert_eq!(downloads[0].text, c8.xml);
    for (dl, form) in downloads[1..].iter().zip(&c8.forms) {
        assert_eq!(dl.name, form.file_name());
        assert_eq!(dl.text, form.json);
    }
    assert!(d.find_all(By::Id("engine-export-dialog")).await?.is_empty());

    // Escape closes without downloading and gives the focus back to the Datei menu.
    s.click_css("#btn-export-engine").await?;
    s.wait_for("#engine-export-dialog").await?;
    d.action_chain().send_keys(Key::Escape).perform().await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(d.find_all(By::Id("engine-export-dialog")).await?.is_empty());
    let focused = s
        .js("return document.activeElement && document.activeElement.id")
        .await?;
    assert_eq!(focused, "menu-file");
    assert_eq!(s.downloads().await?.len(), 1 + c8.forms.len());
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}

/// The history time to live is set in Einstellungen (refused outside 1 to 10,950 days), shown
/// in the Camunda 7 dialog and written into the download as `camunda:historyTimeToLive`.
#[tokio::test]
async fn history_time_to_live_is_set_in_the_settings_and_exported() -> anyhow::Result<()> {
    let path = workspace().join("workflows/urlaubsantrag.json");
    let mut w = parse_workflow(&std::fs::read_to_string(&path)?)?;
    assert_eq!(w.history_time_to_live_days, None);

    let s = Session::start().await?;
    s.open("/").await?;
    let d = &s.driver;
    s.open_workflow_file(&path, w.blocks.len()).await?;
    s.capture_downloads().await?;

    s.click_css("#btn-settings").await?;
    s.wait_for("#settings-dialog").await?;
    let input = d.find(By::Css(".history-ttl input")).await?;
    assert_eq!(
        input.attr("placeholder").await?.as_deref(),
        Some("180 (Vorgabe)")
    );
    // Out of range: refused with a message, nothing applied.
    input.send_keys("0").await?;
    input.send_keys(Key::Tab).await?;
    s.wait_for(".history-ttl [aria-invalid='true']").await?;
    let error = d
        .find(By::Css(".history-ttl .field-error"))
        .await?
        .text()
        .await?;
    assert!(error.contains("1 bis 10.950"), "{error}");
    let input = d.find(By::Css(".history-ttl input")).await?;
    input.clear().await?;
    input.send_keys("365").await?;
    input.send_keys(Key::Tab).await?;
    s.wait_for(".history-ttl [aria-invalid='false']").await?;
    s.click_css("#btn-settings-close").await?;

    s.click_css("#btn-export-engine").await?;
    s.wait_for("#engine-export-history").await?;
    s.wait_for("#engine-export-dialog[aria-busy='false']")
        .await?;
    let line = d
        .find(By::Id("engine-export-history"))
        .await?
        .text()
        .await?;
    assert!(line.contains("365 Tage"), "{line}");
    d.find(By::Id("engine-export-download"))
        .await?
        .click()
        .await?;
    let mut downloads = Vec::new();
    for _ in 0..100 {
        downloads = s.downloads().await?;
        if !downloads.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    w.history_time_to_live_days = Some(365);
    let c7 = to_bpmn_export(&w, Engine::Camunda7);
    assert!(c7.xml.contains("camunda:historyTimeToLive=\"P365D\""));
    assert_eq!(downloads.len(), 1);
    assert_eq!(downloads[0].name, "urlaubsantrag.camunda7.bpmn");
    assert_eq!(downloads[0].text, c7.xml);
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
