//! Issue #5: axe-core (4.14, from NODE_PATH) finds no violations in the designer with the
//! procurement template open — neither in the plain designer nor with the Probelauf panel, a
//! selected block's inspector, the settings dialog, the engine export or the import-notes dialog
//! open. No rule is
//! disabled.

use std::path::PathBuf;
use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::parse_workflow;

fn axe_source() -> anyhow::Result<String> {
    let base = std::env::var_os("NODE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".tools/node/node_modules"));
    let path = base.join("axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("{}: {e} (npm i axe-core@4.14.1)", path.display()))
}

/// Runs axe on the whole document; returns "rule: target" lines of every violation.
async fn violations(s: &Session, axe: &str, label: &str) -> anyhow::Result<Vec<String>> {
    // The page's Content-Security-Policy forbids inline script elements, so axe is not added
    // as one: WebDriver evaluates the source itself, which the policy does not govern.
    s.driver
        .execute(
            format!("if (!window.axe) {{ {axe}\n; window.axe = window.axe || axe; }} return !!window.axe;"),
            Vec::new(),
        )
        .await?;
    let ret = s
        .driver
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v =>
               v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\n/g, ' ')).join(' | ')
             )), e => done(['axe failed: ' + e]));",
            Vec::new(),
        )
        .await?;
    let list: Vec<String> = serde_json::from_value(ret.json().clone())?;
    eprintln!("axe [{label}]: {} violations", list.len());
    for v in &list {
        eprintln!("  {v}");
    }
    Ok(list.into_iter().map(|v| format!("[{label}] {v}")).collect())
}

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
