//! Issue #22: heavy work off the page's thread. A large workflow (2,000 generated blocks) gets
//! its findings from the Web Worker — the same findings `validate` gives — and the page handles
//! a click while the worker checks; a BPMN import runs in the worker too.

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::api::FindingCounts;
use fachwerk_shared::bpmn::from_bpmn;
use fachwerk_shared::generate::synthetic;
use fachwerk_shared::{parse_workflow, to_canonical_json, validate};

const BLOCKS: usize = 2000;

/// Deletes the selected block through the menu command and, as soon as the Probleme panel says
/// "wird geprüft", clicks the Ansicht menu. Returns what happened, in the order the page's DOM
/// changed: the menu must open before the check's result arrives. (Watched by one observer on
/// both elements; a timer would race the worker, whose reply can come before a 0 ms timeout.)
const DELETE_AND_CLICK: &str = r#"
const done = arguments[arguments.length - 1];
const panel = document.getElementById('problems-panel');
const menu = document.getElementById('menu-view');
const log = [];
let clicked = false;
let opened = false;
const obs = new MutationObserver(() => {
  const busy = panel.getAttribute('aria-busy');
  if (!clicked && busy === 'true') {
    clicked = true;
    log.push('checking: ' + !document.getElementById('problems-checking').hidden);
    menu.click();
  }
  if (clicked && !opened && menu.getAttribute('aria-expanded') === 'true') {
    opened = true;
    log.push('menu open, still checking: ' + panel.getAttribute('aria-busy'));
  }
  if (clicked && busy === 'false') {
    log.push('result');
    obs.disconnect();
    done(log);
  }
});
obs.observe(panel, { attributes: true, attributeFilter: ['aria-busy'] });
obs.observe(menu, { attributes: true, attributeFilter: ['aria-expanded'] });
document.getElementById('btn-delete').click();
"#;

async fn attr(s: &Session, css: &str, name: &str) -> anyhow::Result<String> {
    let el = s.driver.find(By::Css(css)).await?;
    Ok(el.attr(name).await?.unwrap_or_default())
}

/// Waits until the Probleme panel is not checking any more.
async fn wait_checked(s: &Session) -> anyhow::Result<()> {
    for _ in 0..400 {
        if attr(s, "#problems-panel", "aria-busy").await? == "false" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("the Probleme panel kept checking")
}

/// The codes of the listed findings, in order.
async fn listed_codes(s: &Session) -> anyhow::Result<Vec<String>> {
    let v = s
        .js("return [...document.querySelectorAll('#problems li.problem')].map(li => li.getAttribute('data-code'));")
        .await?;
    Ok(serde_json::from_value(v)?)
}

#[tokio::test]
async fn large_workflows_are_checked_in_the_worker() -> anyhow::Result<()> {
    let mut w = synthetic(BLOCKS, 7);
    // Two exits without a connection: errors to find.
    w.edges.remove(10);
    w.edges.remove(100);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("gross.json");
    std::fs::write(&path, to_canonical_json(&w))?;

    let s = Session::start().await?;
    s.open("/").await?;
    s.open_workflow_file(&path, BLOCKS).await?;
    wait_checked(&s).await?;
    assert_eq!(
        attr(&s, "#problems-panel", "data-checked-in").await?,
        "worker"
    );
    // An opened workflow travels whole; the worker keeps it for the edits to come.
    assert_eq!(
        attr(&s, "#problems-panel", "data-worker-sent").await?,
        "workflow"
    );
    assert_eq!(attr(&s, "html", "data-worker").await?, "running");
    let expected = validate(&w);
    let counts = FindingCounts::of(&expected);
    assert!(counts.errors > 0);
    assert_eq!(s.error_count().await?, counts.errors);
    let codes: Vec<String> = expected.iter().take(200).map(|f| f.code.clone()).collect();
    assert_eq!(listed_codes(&s).await?, codes);

    // Select a block through the Gliederung (the outline's first step).
    s.js("document.querySelector('li.outline-item button.step').click(); return 0;")
        .await?;
    s.wait_for("li.outline-item.selected").await?;

    // Delete it: the worker checks, and meanwhile a click opens the Ansicht menu.
    s.driver.set_script_timeout(Duration::from_secs(60)).await?;
    let log: Vec<String> = serde_json::from_value(
        s.driver
            .execute_async(DELETE_AND_CLICK, Vec::new())
            .await?
            .json()
            .clone(),
    )?;
    assert_eq!(
        log,
        [
            "checking: true",
            "menu open, still checking: true",
            "result"
        ],
        "the click was handled while the worker checked"
    );
    s.wait_blocks(BLOCKS - 1).await?;
    let autosave = s
        .js("return localStorage.getItem('fachwerk.autosave');")
        .await?;
    let now = parse_workflow(autosave.as_str().unwrap_or_default())?;
    let expected = validate(&now);
    assert_eq!(s.error_count().await?, FindingCounts::of(&expected).errors);
    let codes: Vec<String> = expected.iter().take(200).map(|f| f.code.clone()).collect();
    assert_eq!(listed_codes(&s).await?, codes);
    // Only the edit went to the worker, which applied it to its copy.
    assert_eq!(
        attr(&s, "#problems-panel", "data-worker-sent").await?,
        "edits"
    );

    // Undo: the op undo applied goes the same way, and the findings are the opened file's.
    s.js("document.getElementById('btn-undo').click(); return 0;")
        .await?;
    s.wait_blocks(BLOCKS).await?;
    wait_checked(&s).await?;
    let codes: Vec<String> = validate(&w)
        .iter()
        .take(200)
        .map(|f| f.code.clone())
        .collect();
    assert_eq!(listed_codes(&s).await?, codes);
    assert_eq!(s.error_count().await?, counts.errors);
    assert_eq!(
        attr(&s, "#problems-panel", "data-worker-sent").await?,
        "edits"
    );
    assert!(
        s.page_errors().await?.is_empty(),
        "{:?}",
        s.page_errors().await?
    );
    s.close().await
}

#[tokio::test]
async fn a_bpmn_import_runs_in_the_worker() -> anyhow::Result<()> {
    let src = workspace().join("shared/tests/fixtures/bpmn/camunda7-urlaubsantrag.bpmn");
    let xml = std::fs::read_to_string(&src)?;
    let (w, notes) = from_bpmn(&xml)?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("urlaubsantrag.bpmn");
    std::fs::write(&path, &xml)?;

    let s = Session::start().await?;
    s.open("/").await?;
    // A small workflow is checked on the page: no worker yet.
    assert_eq!(
        attr(&s, "#problems-panel", "data-checked-in").await?,
        "page"
    );
    assert_eq!(
        s.js("return document.documentElement.dataset.worker || null;")
            .await?,
        serde_json::Value::Null
    );
    s.choose_file(&path).await?;
    s.wait_for("#import-dialog #import-notes").await?;
    s.wait_blocks(w.blocks.len()).await?;
    assert_eq!(attr(&s, "html", "data-worker").await?, "running");
    let items = s
        .driver
        .find_all(By::Css("#import-notes li.import-note"))
        .await?;
    assert_eq!(items.len(), notes.len());
    let autosave = s
        .js("return localStorage.getItem('fachwerk.autosave');")
        .await?;
    assert_eq!(parse_workflow(autosave.as_str().unwrap_or_default())?, w);
    assert!(
        s.page_errors().await?.is_empty(),
        "{:?}",
        s.page_errors().await?
    );
    s.close().await
}
