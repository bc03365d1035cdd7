//! Issue 14 item 8 and leftovers (a) and (c): exit and connection labels never cover a block or
//! each other, also where blocks stand close (the procurement template crowded into rows 50 px
//! apart), and none shrinks to "…" alone; "Anordnen" removes old bend points, so connections
//! run straight to their new places again. Checked on the drawn page (the labels' and blocks'
//! boxes as the browser lays them out).

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};

/// Pairs of drawn boxes that overlap by more than a pixel: a label over a block, or two labels.
const OVERLAPS_JS: &str = r#"
const boxes = (sel, words) => [...document.querySelectorAll(sel)]
  .filter(e => !words || e.textContent.trim())
  .map(e => [e.closest('[data-block-id],[data-edge-id]'), e.getBoundingClientRect(), e.textContent.trim()]);
const blocks = boxes('#canvas g.block .block-body', false);
const labels = boxes('#canvas text.edge-label, #canvas text.port-label', true);
const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
const name = x => (x[0] ? (x[0].getAttribute('data-block-id') || x[0].getAttribute('data-edge-id')) : '?') + ' ' + JSON.stringify(x[2]);
const out = [];
labels.forEach((l, i) => {
  blocks.forEach(b => { if (hit(l[1], b[1])) out.push(name(l) + ' covers block ' + name(b)); });
  labels.slice(i + 1).forEach(m => { if (hit(l[1], m[1])) out.push(name(l) + ' covers label ' + name(m)); });
});
return [labels.length, out];
"#;

async fn overlaps(s: &Session) -> anyhow::Result<(u64, Vec<String>)> {
    let v = s.js(OVERLAPS_JS).await?;
    Ok((
        v[0].as_u64().unwrap_or(0),
        serde_json::from_value(v[1].clone())?,
    ))
}

#[tokio::test]
async fn labels_keep_clear_of_blocks_and_anordnen_drops_bend_points() -> anyhow::Result<()> {
    let text = std::fs::read_to_string(workspace().join("workflows/beschaffung.json"))?;
    let mut w: serde_json::Value = serde_json::from_str(&text)?;
    // Four blocks a row, 50 px apart: too close for the longer labels beside their exits.
    let ids: Vec<String> = w["blocks"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|b| b["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for (i, id) in ids.iter().enumerate() {
        let (x, y) = ((i % 4) * 210, (i / 4) * 160);
        w["layout"]["blocks"][id] = serde_json::json!({ "x": x, "y": y, "w": 160, "h": 64 });
    }
    // One connection keeps a bend point far away, from an earlier drawing.
    let bent = w["edges"][0]["id"].as_str().unwrap_or_default().to_string();
    let mut bends = serde_json::Map::new();
    bends.insert(bent.clone(), serde_json::json!([{ "x": 1000, "y": 1200 }]));
    w["layout"]["edges"] = serde_json::Value::Object(bends);
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("eng.json");
    std::fs::write(&file, serde_json::to_string_pretty(&w)?)?;

    let s = Session::start().await?;
    s.window_size(1920, 1080).await?;
    s.open("/").await?;
    s.open_workflow_file(&file, ids.len()).await?;
    s.click_css("#btn-fit").await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    s.screenshot("labels-crowded").await?;
    let (count, bad) = overlaps(&s).await?;
    assert!(count > 20, "only {count} labels drawn");
    assert!(
        bad.is_empty(),
        "labels over blocks or labels:\n{}",
        bad.join("\n")
    );
    // Labels that had no room end in "…" but keep their first word: never "…" alone.
    let bare = s
        .js("return [...document.querySelectorAll('#canvas text.edge-label, #canvas text.port-label')].map(t => t.textContent.trim()).filter(t => t === '…' || t === '');")
        .await?;
    assert_eq!(bare, serde_json::json!([]), "labels without a word");
    // The connection still names its whole exit.
    let cut = s
        .js("const t = [...document.querySelectorAll('#canvas g.edge')].find(g => g.querySelector('.edge-label').textContent.includes('…')); return t ? t.getAttribute('aria-label') : null;")
        .await?;
    if let Some(name) = cut.as_str() {
        assert!(name.contains("Verbindung von „"), "{name}");
    }

    // The bent connection runs through its old bend point ...
    let line = format!("#canvas g.edge-back[data-edge-id='{bent}'] .edge-line");
    let d = s.driver.find(By::Css(&line)).await?.attr("d").await?;
    assert!(
        d.as_deref().is_some_and(|d| d.contains("L 1000 1200")),
        "{d:?}"
    );
    // ... until "Anordnen": every block moves, every bend point goes.
    s.click_css("#btn-layout").await?;
    let mut bends = usize::MAX;
    for _ in 0..100 {
        let m = s
            .js("return JSON.parse(localStorage.getItem('fachwerk.autosave') || 'null');")
            .await?;
        bends = m["layout"]["edges"].as_object().map_or(0, |e| {
            e.values()
                .filter(|p| p.as_array().is_some_and(|p| !p.is_empty()))
                .count()
        });
        if bends == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(bends, 0, "bend points left after Anordnen");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let d = s.driver.find(By::Css(&line)).await?.attr("d").await?;
    assert!(
        d.as_deref()
            .is_some_and(|d| d.contains(" C ") && !d.contains("1200")),
        "{d:?}"
    );
    s.screenshot("labels-arranged").await?;
    let (_, bad) = overlaps(&s).await?;
    assert!(bad.is_empty(), "after Anordnen:\n{}", bad.join("\n"));

    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
