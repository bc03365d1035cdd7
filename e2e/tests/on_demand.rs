//! Issue #22: the editor's parts that the first screen does not show (the inspector's block
//! forms, the Probelauf panel, the dialogs, the menus' commands that are no direct
//! manipulation, saving a draft) are a wasm module of their own, the page's validation
//! another, the regions whose content waits for the server or the validation (the account
//! bar, the findings, the outline) a third (`frontend/src/on_demand.rs`, split off by `cargo
//! xtask`, `xtask/src/designer.rs`). The page fetches them once after its first screen; a
//! module that cannot be fetched leaves a message in the part's place (a command's in the
//! message line), and the rest of the page keeps working. Without the validation's module the
//! worker checks even small workflows.

use std::time::Duration;

use fachwerk_e2e::a11y::{ctrl, focus_on, press};
use fachwerk_e2e::thirtyfour::cdp::Cdp;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use serde_json::json;

/// The page's requests for the modules loaded on demand (and the code they share).
const MODULE_REQUESTS: &str = "return performance.getEntriesByType('resource').map(e => e.name.split('/').pop()).filter(n => n.startsWith('split_') || n.startsWith('chunk_'));";

const MODULES: [&str; 3] = ["split_parts.wasm", "split_check.wasm", "split_regions.wasm"];

const BLOCK: &str = "#canvas g.block[data-block-id='start']";
/// A block of the workflow once its start is deleted.
const BLOCK_2: &str = "#canvas g.block[data-block-id='genehmigen']";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_parts_arrive_after_the_first_screen_and_a_failed_load_says_so() -> anyhow::Result<()> {
    let s = Session::start().await?;
    s.open("/").await?;
    // Fetched without a click asking for them, each once.
    let mut requests: Vec<String> = Vec::new();
    for _ in 0..100 {
        requests = serde_json::from_value(s.js(MODULE_REQUESTS).await?)?;
        if MODULES.iter().all(|m| requests.iter().any(|r| r == m)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut once = requests.clone();
    once.sort();
    once.dedup();
    assert_eq!(once.len(), requests.len(), "each module once: {requests:?}");
    assert!(
        MODULES.iter().all(|m| requests.iter().any(|r| r == m)),
        "{requests:?}"
    );
    s.open_workflow_file(&workspace().join("workflows/urlaubsantrag.json"), 9)
        .await?;
    s.click_css(BLOCK).await?;
    s.wait_for("#inspector .block-form[data-block-id='start']")
        .await?;
    s.wait_for("#problems-panel[data-checked-in='page'][aria-busy='false']")
        .await?;
    assert_eq!(s.page_errors().await?, Vec::<String>::new());

    // The connection breaks after the page arrived: the views' module cannot be fetched.
    let cdp = s.driver.cdp();
    cdp.send_raw("Network.enable", ()).await?;
    cdp.send_raw("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
        .await?;
    block(&cdp, &["*split_parts.wasm"]).await?;
    s.open("/").await?;
    // The autosave brought the workflow back, checked on the page; selecting works, the form
    // says it is missing.
    s.wait_blocks(9).await?;
    s.wait_for("#problems-panel[data-checked-in='page'][aria-busy='false']")
        .await?;
    assert_eq!(s.error_count().await?, 0);
    s.click_css(BLOCK).await?;
    s.wait_for("#canvas g.block.selected[data-block-id='start']")
        .await?;
    let message = s
        .wait_text_in("#inspector [role=alert]", "konnte nicht geladen werden", 20)
        .await?;
    assert!(message.contains("Seite neu"), "{message}");
    assert!(s
        .driver
        .find_all(By::Css("#inspector .block-form"))
        .await?
        .is_empty());
    // Another part says the same; the page did not break (no panic, still editing).
    s.click_css("#btn-probelauf").await?;
    s.wait_text_in("#sidebar [role=alert]", "konnte nicht geladen werden", 10)
        .await?;
    s.driver.find(By::Css(BLOCK)).await?.click().await?;
    s.driver
        .action_chain()
        .send_keys(Key::Delete)
        .perform()
        .await?;
    s.wait_blocks(8).await?;
    // A workflow without its start is an error.
    wait_for_errors(&s).await?;
    // A menu command of the views' module ("Anordnen") says so in the message line.
    s.click_css("#btn-layout").await?;
    let said = s
        .wait_text_in("#status-message", "konnte nicht geladen werden", 10)
        .await?;
    assert!(said.contains("Seite neu"), "{said}");
    s.wait_blocks(8).await?;
    let errors = s.page_errors().await?;
    assert!(
        errors
            .iter()
            .all(|e| !e.contains("panicked") && !e.contains("unreachable")),
        "{errors:?}"
    );

    // Without the validation's module either, the worker checks.
    block(&cdp, &["*split_parts.wasm", "*split_check.wasm"]).await?;
    s.open("/").await?;
    s.wait_blocks(8).await?;
    s.wait_for("#problems-panel[data-checked-in='worker']")
        .await?;
    wait_for_errors(&s).await?;

    // Without any module: the regions say so in their places (the header's account bar, the
    // sidebar); the canvas still edits.
    block(&cdp, &["*split_*", "*chunk_*"]).await?;
    s.open_first_screen("/").await?;
    s.wait_blocks(8).await?;
    s.wait_text_in("#topbar [role=alert]", "konnte nicht geladen werden", 20)
        .await?;
    s.wait_text_in("#sidebar [role=alert]", "konnte nicht geladen werden", 10)
        .await?;
    // One message in each place, not one per region.
    let said: i64 = serde_json::from_value(
        s.js("return [...document.querySelectorAll('[role=alert]')].filter(e => e.textContent.includes('konnte nicht geladen werden')).length;")
            .await?,
    )?;
    assert_eq!(said, 2);
    s.driver.find(By::Css(BLOCK_2)).await?.click().await?;
    press(&s, Key::Delete, false).await?;
    s.wait_blocks(7).await?;
    ctrl(&s, "z").await?;
    s.wait_blocks(8).await?;
    block(&cdp, &["*split_parts.wasm", "*split_check.wasm"]).await?;

    // Neither the modules nor a worker (a browser without one): the Probleme panel says it
    // cannot check.
    cdp.send_raw(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "delete window.Worker;" }),
    )
    .await?;
    s.open("/").await?;
    s.wait_blocks(8).await?;
    let message = s
        .wait_text_in(
            "#problems-unavailable",
            "Prüfung konnte nicht geladen werden",
            20,
        )
        .await?;
    assert!(message.contains("Seite neu"), "{message}");
    s.close().await
}

/// Makes the browser fail the requests for files matching `urls` (replacing the last list).
async fn block(cdp: &Cdp, urls: &[&str]) -> anyhow::Result<()> {
    cdp.send_raw("Network.setBlockedURLs", json!({ "urls": urls }))
        .await?;
    Ok(())
}

/// Waits until the page reports an error in the open workflow.
async fn wait_for_errors(s: &Session) -> anyhow::Result<()> {
    for _ in 0..100 {
        if s.error_count().await? > 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("no error found in a workflow without its start")
}

/// A keyboard user who opens a dialog before its part arrived (here on a slow line) finds the
/// focus in it once it appears, as when it opens at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dialog_opened_before_its_part_arrived_gets_the_focus() -> anyhow::Result<()> {
    let s = Session::start().await?;
    let cdp = s.driver.cdp();
    cdp.send_raw("Network.enable", ()).await?;
    cdp.send_raw("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
        .await?;
    // 150 KB/s: the parts' module takes more than a second after the first screen.
    cdp.send_raw(
        "Network.emulateNetworkConditions",
        json!({
            "offline": false, "latency": 20,
            "downloadThroughput": 150_000, "uploadThroughput": 150_000,
        }),
    )
    .await?;
    s.open("/").await?;
    focus_on(&s, "#wf-title").await?;
    press(&s, Key::Enter, false).await?;
    assert!(
        s.driver.find_all(By::Id("wf-name")).await?.is_empty(),
        "the settings' part was there already: nothing to wait for"
    );
    s.wait_for("#wf-name").await?;
    let mut focused = String::new();
    for _ in 0..40 {
        focused = fachwerk_e2e::a11y::focused(&s).await?;
        if focused.contains("wf-name") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(focused.contains("wf-name"), "focus on {focused}");
    s.close().await
}
