//! Issue #5: a small workflow (Antragseingang → Sachbearbeitung → Ende) built with the keyboard
//! only: skip link, palette search, Enter to insert, Ctrl+K to connect, arrow keys to move,
//! Ctrl+Z to undo. No pointer event reaches the page (counted in the page).

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::Session;

async fn keys(s: &Session, text: &str) -> anyhow::Result<()> {
    s.driver.action_chain().send_keys(text).perform().await?;
    Ok(())
}

async fn key(s: &Session, k: Key) -> anyhow::Result<()> {
    s.driver.action_chain().send_keys(k).perform().await?;
    Ok(())
}

async fn ctrl(s: &Session, c: &str) -> anyhow::Result<()> {
    s.driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys(c)
        .key_up(Key::Control)
        .perform()
        .await?;
    Ok(())
}

async fn focused_matches(s: &Session, css: &str) -> anyhow::Result<bool> {
    let v = s
        .js(&format!(
            "const a = document.activeElement; return !!(a && a.matches({}));",
            serde_json::Value::String(css.to_string())
        ))
        .await?;
    Ok(v.as_bool().unwrap_or(false))
}

/// Presses Tab (or Shift+Tab) until the focused element matches `css`.
async fn tab_until(s: &Session, css: &str, back: bool) -> anyhow::Result<()> {
    for _ in 0..80 {
        if focused_matches(s, css).await? {
            return Ok(());
        }
        if back {
            s.driver
                .action_chain()
                .key_down(Key::Shift)
                .send_keys(Key::Tab)
                .key_up(Key::Shift)
                .perform()
                .await?;
        } else {
            key(s, Key::Tab).await?;
        }
    }
    anyhow::bail!("Tab never reached {css}")
}

/// The autosaved workflow.
async fn model(s: &Session) -> anyhow::Result<serde_json::Value> {
    s.js("return JSON.parse(localStorage.getItem('fachwerk.autosave') || 'null');")
        .await
}

async fn insert(s: &Session, search: &str, tag: &str) -> anyhow::Result<()> {
    tab_until(s, "#palette-search", true).await?;
    ctrl(s, "a").await?;
    keys(s, search).await?;
    tab_until(
        s,
        &format!("button.palette-item[data-block-type='{tag}']"),
        false,
    )
    .await?;
    let before = model(s).await?["blocks"].as_array().map_or(0, |a| a.len());
    key(s, Key::Enter).await?;
    for _ in 0..100 {
        let n = model(s).await?["blocks"].as_array().map_or(0, |a| a.len());
        if n == before + 1 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("Enter on the {tag} palette item inserted nothing")
}

async fn connect_dialog_apply(s: &Session) -> anyhow::Result<()> {
    tab_until(s, "#connect-apply", false).await?;
    key(s, Key::Enter).await?;
    s.driver
        .query(By::Id("connect-dialog"))
        .wait(Duration::from_secs(5), Duration::from_millis(50))
        .not_exists()
        .await?;
    Ok(())
}

fn block_id(m: &serde_json::Value, ty: &str) -> String {
    m["blocks"]
        .as_array()
        .and_then(|bs| bs.iter().find(|b| b["type"] == ty))
        .and_then(|b| b["id"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn build_small_workflow_with_keyboard_only() -> anyhow::Result<()> {
    let s = Session::start().await?;
    s.open("/").await?;
    let d = &s.driver;
    s.js("window.__pointerEvents = 0; for (const t of ['pointerdown', 'mousedown', 'click']) document.addEventListener(t, e => { if (e.pointerType || e.detail) window.__pointerEvents++; }, true); return 0;")
        .await?;

    // Skip link → palette search.
    tab_until(&s, "button.skip-link", false).await?;
    key(&s, Key::Enter).await?;
    for _ in 0..50 {
        if focused_matches(&s, "#palette-search").await? {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(focused_matches(&s, "#palette-search").await?, "skip link");

    insert(&s, "Ende", "ende").await?;
    insert(&s, "Sachbearbeitung", "sachbearbeitung").await?;
    // Ctrl+K connects the selected Sachbearbeitung; the only other block is the Ende.
    ctrl(&s, "k").await?;
    s.wait_for("#connect-dialog").await?;
    connect_dialog_apply(&s).await?;

    insert(&s, "Antragseingang", "start").await?;
    let m = model(&s).await?;
    let (start, sb, end) = (
        block_id(&m, "start"),
        block_id(&m, "sachbearbeitung"),
        block_id(&m, "ende"),
    );
    ctrl(&s, "k").await?;
    s.wait_for("#connect-dialog").await?;
    tab_until(&s, "#connect-target", false).await?;
    // Choose the Sachbearbeitung as target with the arrow keys.
    for _ in 0..3 {
        let v = s
            .js("return document.getElementById('connect-target').value;")
            .await?;
        if v.as_str() == Some(sb.as_str()) {
            break;
        }
        key(&s, Key::Down).await?;
    }
    connect_dialog_apply(&s).await?;

    let m = model(&s).await?;
    let mut edges: Vec<(String, String)> = m["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap_or_default().to_string(),
                e["to"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    edges.sort();
    let mut want = vec![(start.clone(), sb.clone()), (sb.clone(), end.clone())];
    want.sort();
    assert_eq!(edges, want, "edges built with Ctrl+K");
    assert_eq!(m["blocks"].as_array().map(|a| a.len()), Some(3));

    // After connecting, focus stays on the canvas, on the block just connected (issue 14).
    let mut on_block = false;
    for _ in 0..50 {
        on_block =
            focused_matches(&s, &format!("#canvas g.block[data-block-id='{start}']")).await?;
        if on_block {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(on_block, "focus stays on the connected block");
    // Arrow keys move the selected block (the Antragseingang) by one grid step; Ctrl+Z undoes.
    let x0 = m["layout"]["blocks"][&start]["x"].as_i64().unwrap_or(0);
    key(&s, Key::Right).await?;
    let mut x1 = x0;
    for _ in 0..50 {
        x1 = model(&s).await?["layout"]["blocks"][&start]["x"]
            .as_i64()
            .unwrap_or(0);
        if x1 != x0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(x1, x0 + 20, "ArrowRight nudges by one grid step");
    ctrl(&s, "z").await?;
    for _ in 0..50 {
        x1 = model(&s).await?["layout"]["blocks"][&start]["x"]
            .as_i64()
            .unwrap_or(0);
        if x1 == x0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(x1, x0, "Ctrl+Z undoes the nudge");

    // Focus is visible: the focused toolbar button has an outline. The toolbar is one Tab
    // stop (issue 25): Shift+Tab reaches its current button.
    tab_until(&s, "#topbar [role=toolbar] button[tabindex='0']", true).await?;
    let outline = s
        .js("const a = document.activeElement; return getComputedStyle(a).outlineStyle + ' ' + getComputedStyle(a).outlineWidth;")
        .await?;
    assert!(
        outline.as_str().is_some_and(|o| o.starts_with("solid")),
        "focus outline {outline}"
    );

    let pointer = s.js("return window.__pointerEvents;").await?;
    assert_eq!(pointer.as_i64(), Some(0), "no pointer events were used");
    let shot = s.screenshot("designer-keyboard").await?;
    assert!(std::fs::metadata(&shot)?.len() > 1000);
    assert_eq!(
        d.find_all(By::Css("#canvas g.edge")).await?.len(),
        2,
        "both edges drawn"
    );

    // Enter in the block search inserts the best match, also when several blocks match.
    tab_until(&s, "#palette-search", true).await?;
    ctrl(&s, "a").await?;
    keys(&s, "zeichnung").await?;
    let shown = d
        .find_all(By::Css("#palette li:not([hidden]) button.palette-item"))
        .await?
        .len();
    assert!(shown >= 2, "the search shows {shown} blocks");
    key(&s, Key::Enter).await?;
    let mut inserted = String::new();
    for _ in 0..100 {
        inserted = block_id(&model(&s).await?, "mitzeichnung");
        if !inserted.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !inserted.is_empty(),
        "Enter in the search inserted the Mitzeichnung"
    );
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
