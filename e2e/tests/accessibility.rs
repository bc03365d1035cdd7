//! Issue #5: axe-core (4.14, from NODE_PATH) finds no violations in the designer with the
//! procurement template open — neither in the plain designer nor with the Probelauf panel, a
//! selected block's inspector, the settings dialog, the engine export or the import-notes dialog
//! open. No rule is
//! disabled.

use std::time::Duration;

use fachwerk_e2e::axe::{source as axe_source, violations};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::parse_workflow;

#[tokio::test]
async fn designer_has_no_axe_violations() -> anyhow::Result<()> {
    let axe = axe_source()?;
    let path = workspace().join("workflows/beschaffung.json");
    let w = parse_workflow(&std::fs::read_to_string(&path)?)?;
    let s = Session::start().await?;
    s.driver
        .set_script_timeout(Duration::from_secs(120))
        .await?;
    s.open("/").await?;
    let d = &s.driver;
    let mut all = violations(&s, &axe, "leer").await?;

    s.open_workflow_file(&path, w.blocks.len()).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let shot = s.screenshot("template-open").await?;
    eprintln!("screenshot: {}", shot.display());
    all.extend(violations(&s, &axe, "Vorlage").await?);

    // A selected block: the inspector with its typed form.
    d.find(By::Css(
        "#outline li.outline-item[data-block-id='wertgrenze'] > button",
    ))
    .await?
    .click()
    .await?;
    s.wait_for("#canvas g.block.selected").await?;
    all.extend(violations(&s, &axe, "Inspektor").await?);

    // The Probelauf panel with a finished run.
    d.find(By::Id("btn-probelauf")).await?.click().await?;
    s.wait_for("#probelauf").await?;
    for summary in d.find_all(By::Css("#probelauf details > summary")).await? {
        summary.click().await?;
    }
    d.find(By::Id("btn-sim-run")).await?.click().await?;
    s.wait_for("#sim-outcome").await?;
    all.extend(violations(&s, &axe, "Probelauf").await?);
    d.find(By::Id("btn-probelauf")).await?.click().await?;

    // The settings dialog.
    d.find(By::Id("btn-settings")).await?.click().await?;
    s.wait_for("#settings-dialog").await?;
    all.extend(violations(&s, &axe, "Einstellungen").await?);
    d.action_chain().send_keys(Key::Escape).perform().await?;

    // The export for a process engine, with its notes (Camunda 8: plus the forms).
    s.click_css("#btn-export-engine").await?;
    s.wait_for("#engine-export-dialog").await?;
    s.click_css("#engine-camunda8").await?;
    s.wait_for("#engine-export-forms").await?;
    all.extend(violations(&s, &axe, "Export für Prozess-Engine").await?);
    d.action_chain().send_keys(Key::Escape).perform().await?;

    // The question before an import replaces the open workflow, then the import notes.
    let foreign = workspace().join("shared/tests/fixtures/bpmn/camunda7-urlaubsantrag.bpmn");
    s.choose_file(&foreign).await?;
    s.wait_for("#import-replace").await?;
    all.extend(violations(&s, &axe, "Import ersetzen?").await?);
    s.click_css("#import-replace").await?;
    s.wait_for("#import-notes").await?;
    all.extend(violations(&s, &axe, "Import").await?);

    assert!(all.is_empty(), "axe violations:\n{}", all.join("\n"));
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
