//! Issue 25 items 5 and 7, issue 14 item 8 (f) on the designer's canvas, at 1366 × 768 with
//! the procurement template: the focused canvas shows its outline (not clipped), a focused
//! block its focus ring; connections are reached by Tab after the blocks, selected with Enter
//! and deleted with Delete (the focus then goes to the block the connection came from); a
//! shortened name shows whole in a tooltip on hover and on focus, which Escape dismisses;
//! Enter on a Gliederung entry keeps the entry in view; axe finds nothing meanwhile.

use std::time::Duration;

use fachwerk_e2e::axe::{source as axe_source, violations};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::parse_workflow;

async fn key(s: &Session, k: Key) -> anyhow::Result<()> {
    s.driver.action_chain().send_keys(k).perform().await?;
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

/// Presses Tab until the focused element matches `css`; returns how many presses it took.
async fn tab_until(s: &Session, css: &str) -> anyhow::Result<usize> {
    for n in 0..120 {
        if focused_matches(s, css).await? {
            return Ok(n);
        }
        key(s, Key::Tab).await?;
    }
    anyhow::bail!("Tab never reached {css}")
}

/// The focused element's outline, as drawn: (style, width, whether all of it lies inside the
/// nearest ancestor that clips).
const OUTLINE_JS: &str = r#"
const el = document.activeElement;
const cs = getComputedStyle(el);
const w = parseFloat(cs.outlineWidth) || 0, o = parseFloat(cs.outlineOffset) || 0;
let clip = el.parentElement;
while (clip && getComputedStyle(clip).overflow === 'visible') clip = clip.parentElement;
const r = el.getBoundingClientRect(), p = (clip || document.documentElement).getBoundingClientRect();
const reach = o + w;
const inside = r.left - reach >= p.left - 0.5 && r.top - reach >= p.top - 0.5
  && r.right + reach <= p.right + 0.5 && r.bottom + reach <= p.bottom + 0.5;
return [cs.outlineStyle, w, inside];
"#;

/// The focus ring of the focused block: [stroke colour, stroke width].
const RING_JS: &str = r#"
const ring = document.activeElement.querySelector('.focus-ring');
if (!ring) return ['no ring', 0];
const cs = getComputedStyle(ring);
return [cs.stroke, parseFloat(cs.strokeWidth) || 0];
"#;

async fn model(s: &Session) -> anyhow::Result<serde_json::Value> {
    s.js("return JSON.parse(localStorage.getItem('fachwerk.autosave') || 'null');")
        .await
}

#[tokio::test]
async fn canvas_focus_connections_and_names_work_by_keyboard() -> anyhow::Result<()> {
    let axe = axe_source()?;
    let path = workspace().join("workflows/beschaffung.json");
    let w = parse_workflow(&std::fs::read_to_string(&path)?)?;
    let s = Session::start().await?;
    s.driver
        .set_script_timeout(Duration::from_secs(120))
        .await?;
    s.window_size(1366, 768).await?;
    s.open("/").await?;
    s.open_workflow_file(&path, w.blocks.len()).await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let d = &s.driver;

    // The canvas: from the last palette entry, Tab reaches it; its outline is all visible.
    s.js("const items = document.querySelectorAll('.palette-item'); items[items.length - 1].focus();")
        .await?;
    tab_until(&s, "#canvas").await?;
    let outline = s.js(OUTLINE_JS).await?;
    assert_eq!(outline[0], "solid", "canvas outline {outline}");
    assert!(outline[1].as_f64().unwrap_or(0.0) >= 2.0, "{outline}");
    assert_eq!(
        outline[2], true,
        "the canvas's focus outline is clipped: {outline}"
    );

    // A block: its focus ring in the focus colour.
    tab_until(&s, "#canvas g.block").await?;
    let ring = s.js(RING_JS).await?;
    assert_eq!(ring[0], "rgb(29, 78, 216)", "focus ring {ring}");
    assert!(ring[1].as_f64().unwrap_or(0.0) >= 2.0, "{ring}");
    s.screenshot("canvas-a11y-block-focus").await?;

    // Connections come after the blocks; each says where it leads.
    let blocks = d.find_all(By::Css("#canvas g.block")).await?.len();
    let presses = tab_until(&s, "#canvas g.edge").await?;
    assert!(presses >= blocks - 1, "{presses} Tabs for {blocks} blocks");
    let edge = d.active_element().await?;
    let name = edge.attr("aria-label").await?.unwrap_or_default();
    assert!(name.contains(": Verbindung von „"), "{name}");
    let id = edge.attr("data-edge-id").await?.unwrap_or_default();
    let from = edge.attr("data-from").await?.unwrap_or_default();
    let focus = s
        .js("return getComputedStyle(document.activeElement.querySelector('.edge-focus')).stroke;")
        .await?;
    assert_eq!(focus, "rgb(29, 78, 216)", "focused connection");
    key(&s, Key::Enter).await?;
    s.wait_for(&format!("#canvas g.edge.selected[data-edge-id='{id}']"))
        .await?;
    s.wait_for(&format!(".edge-form[data-edge-id='{id}']"))
        .await?;
    let before = model(&s).await?["edges"].as_array().map_or(0, Vec::len);
    // Delete removes the focused connection, not a block, and the focus stays on the canvas.
    key(&s, Key::Delete).await?;
    for _ in 0..50 {
        if model(&s).await?["edges"].as_array().map_or(0, Vec::len) == before - 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let m = model(&s).await?;
    assert_eq!(m["blocks"].as_array().map_or(0, Vec::len), w.blocks.len());
    let edges = m["edges"].as_array().cloned().unwrap_or_default();
    assert_eq!(edges.len(), before - 1);
    assert!(edges.iter().all(|e| e["id"] != id.as_str()), "{id} is gone");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        focused_matches(&s, &format!("#canvas g.block[data-block-id='{from}']")).await?,
        "the focus went to the block the connection came from"
    );
    // Undo brings it back.
    s.driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys("z")
        .key_up(Key::Control)
        .perform()
        .await?;
    s.wait_for(&format!("#canvas g.edge[data-edge-id='{id}']"))
        .await?;

    // A shortened name shows whole above its block, on hover ...
    let cut = s
        .js("const g = [...document.querySelectorAll('#canvas g.block')].find(g => g.querySelector('.block-label').textContent.includes('…')); return g ? g.getAttribute('data-block-id') : null;")
        .await?;
    let cut = cut.as_str().unwrap_or_default().to_string();
    assert!(!cut.is_empty(), "the template has a shortened name");
    let whole = w
        .blocks
        .iter()
        .find(|b| b.id.0 == cut)
        .map(|b| b.label.clone())
        .unwrap_or_default();
    let block = d
        .find(By::Css(format!(
            "#canvas g.block[data-block-id='{cut}'] .block-body"
        )))
        .await?;
    d.action_chain()
        .move_to_element_center(&block)
        .perform()
        .await?;
    let tip = s.wait_for("#canvas-tip:not([hidden])").await?;
    assert_eq!(
        tip.find(By::Css(".canvas-tip-label")).await?.text().await?,
        whole
    );
    s.screenshot("canvas-a11y-tooltip").await?;
    let mut all = violations(&s, &axe, "Tooltip").await?;
    // ... moving away hides it ...
    let help = d.find(By::Id("canvas-help")).await?;
    d.action_chain()
        .move_to_element_center(&help)
        .perform()
        .await?;
    s.wait_for("#canvas-tip[hidden]").await?;
    // ... and on focus, until Escape.
    s.js(&format!(
        "document.querySelector(\"#canvas g.block[data-block-id='{cut}']\").focus();"
    ))
    .await?;
    s.wait_for("#canvas-tip:not([hidden])").await?;
    key(&s, Key::Escape).await?;
    s.wait_for("#canvas-tip[hidden]").await?;

    // A connection focused: axe is content with the names.
    tab_until(&s, "#canvas g.edge").await?;
    all.extend(violations(&s, &axe, "Verbindung im Fokus").await?);

    // Enter on a late Gliederung entry keeps it in view (the block's form opens above it).
    let entry = "#outline li.outline-item[data-block-id='ende-abgelehnt'] > button";
    s.js(&format!("document.querySelector(\"{entry}\").focus();"))
        .await?;
    key(&s, Key::Enter).await?;
    s.wait_for("#canvas g.block.selected[data-block-id='ende-abgelehnt']")
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = s
        .js(&format!(
            "const b = document.querySelector(\"{entry}\"), a = document.getElementById('sidebar');
             const r = b.getBoundingClientRect(), p = a.getBoundingClientRect();
             return [document.activeElement === b, r.top >= p.top - 0.5 && r.bottom <= p.bottom + 0.5];"
        ))
        .await?;
    assert_eq!(
        seen,
        serde_json::json!([true, true]),
        "the entry stays focused and in view"
    );

    assert!(all.is_empty(), "axe violations:\n{}", all.join("\n"));
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
