//! Browser benchmark (issue #5), run by `cargo xtask bench`, not by the test suite (`#[ignore]`):
//! opens generated workflows (`fachwerk_shared::generate::synthetic`) of 2,000 and 5,000 blocks
//! in the designer and their BPMN export in the bpmn-js Modeler, in the same headless Chromium,
//! and prints a table:
//!
//! * open: from the file input's `change` (designer) / the `importXML` call (bpmn-js) to the
//!   second animation frame after the diagram is in the DOM, i.e. the first fully rendered frame;
//! * drag: frame intervals (requestAnimationFrame timestamps, in the page) while one block is
//!   dragged with real WebDriver mouse events at 100 % zoom (the block nearest the middle of
//!   the view); median and 95th percentile.
//!
//! Targets: open ≤ 0.5 × bpmn-js; drag p95 ≤ 16.7 ms at 2,000 and ≤ 33 ms at 5,000 blocks.
//! Build the frontend in release mode first (`cargo xtask dist`): a debug build is much slower.
#![allow(clippy::unwrap_used)]

use std::path::{Component, Path};
use std::time::Duration;

use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::bpmn::{block_element_id, to_bpmn};
use fachwerk_shared::generate::synthetic;
use fachwerk_shared::to_canonical_json;

/// Static files for the bpmn-js page: `e2e/interop/` at `/`, node_modules at `/node_modules/`.
async fn serve(uri: Uri) -> Response {
    let root = workspace();
    let path = uri.path().trim_start_matches('/');
    let (base, rest) = match path.strip_prefix("node_modules/") {
        Some(rest) => (root.join(".tools/node/node_modules"), rest),
        None => (root.join("e2e/interop"), path),
    };
    let rel = Path::new(rest);
    if rest.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let ct = match rel.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
    match tokio::fs::read(base.join(rel)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, ct)], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

const START_FRAMES: &str = "window.__frames = []; window.__rec = true; const loop = (ts) => { if (!window.__rec) return; window.__frames.push(ts); requestAnimationFrame(loop); }; requestAnimationFrame(loop); return 0;";
const STOP_FRAMES: &str = "window.__rec = false; const f = window.__frames; const d = []; for (let i = 1; i < f.length; i++) d.push(f[i] - f[i - 1]); return d;";

#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    open_ms: f64,
    median_ms: f64,
    p95_ms: f64,
    frames: usize,
}

fn stats(mut d: Vec<f64>) -> (f64, f64, usize) {
    if d.is_empty() {
        return (f64::NAN, f64::NAN, 0);
    }
    d.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| d[((d.len() as f64 - 1.0) * p).round() as usize];
    (q(0.5), q(0.95), d.len())
}

/// Drags with the mouse from the canvas-centre offset `(x, y)` in 40 small steps.
async fn drag_at(d: &WebDriver, container: &WebElement, x: i64, y: i64) -> anyhow::Result<()> {
    let mut chain = d
        .action_chain()
        .move_to_element_with_offset(container, x, y)
        .click_and_hold();
    for _ in 0..40 {
        chain = chain.move_by_offset(4, 2);
    }
    chain.release().perform().await?;
    Ok(())
}

async fn designer(s: &Session, n: usize) -> anyhow::Result<(Figures, String)> {
    let d = &s.driver;
    let w = synthetic(n, 7);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(format!("synthetic-{n}.json"));
    std::fs::write(&path, to_canonical_json(&w))?;
    s.open("/").await?;
    d.execute(
        "window.__t0 = 0; document.getElementById('file-open').addEventListener('change', () => { window.__t0 = performance.now(); }, { capture: true, once: true }); return 0;",
        Vec::new(),
    )
    .await?;
    s.choose_file(&path).await?;
    let open = d
        .execute_async(
            "const done = arguments[arguments.length - 1]; const name = arguments[0];
             const check = () => {
               const t = document.getElementById('wf-title');
               const drawn = document.querySelector('#canvas g.block') || document.querySelector('#canvas .ov-blocks[d]:not([d=\"\"])');
               if (window.__t0 && t && t.textContent.trim() === name && drawn) {
                 requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - window.__t0)));
               } else { requestAnimationFrame(check); }
             };
             check();",
            vec![serde_json::Value::String(w.name.clone())],
        )
        .await?
        .json()
        .as_f64()
        .unwrap_or(f64::NAN);
    // Zoom in to about 100 % (the editing zoom) with the zoom button, then drag the block
    // nearest to the middle of the canvas.
    let z = d
        .execute(
            "const vp = document.querySelector('#canvas g.viewport').getAttribute('transform'); return parseFloat(vp.match(/scale\\(([-\\d.]+)\\)/)[1]);",
            Vec::new(),
        )
        .await?
        .json()
        .as_f64()
        .unwrap_or(1.0);
    let clicks = ((1.0 / z).ln() / 1.2f64.ln()).round().max(0.0) as usize;
    let zoom_in = d.find(By::Id("btn-zoom-in")).await?;
    for _ in 0..clicks {
        zoom_in.click().await?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let id = d
        .execute(
            "const c = document.getElementById('canvas').getBoundingClientRect();
             let best = null, dist = Infinity;
             for (const g of document.querySelectorAll('#canvas g.block')) {
               const r = g.querySelector('.block-body').getBoundingClientRect();
               const dd = Math.hypot(r.x + r.width / 2 - c.x - c.width / 2, r.y + r.height / 2 - c.y - c.height / 2);
               if (dd < dist) { dist = dd; best = g.getAttribute('data-block-id'); }
             }
             return best;",
            Vec::new(),
        )
        .await?
        .json()
        .as_str()
        .unwrap_or_default()
        .to_string();
    let r = w
        .layout
        .blocks
        .get(&fachwerk_shared::BlockId(id.clone()))
        .copied()
        .unwrap_or_default();
    let body = d
        .find(By::Css(format!(
            "#canvas g.block[data-block-id='{id}'] .block-body"
        )))
        .await?;
    d.execute(START_FRAMES, Vec::new()).await?;
    drag_at(d, &body, 0, 0).await?;
    let deltas: Vec<f64> =
        serde_json::from_value(d.execute(STOP_FRAMES, Vec::new()).await?.json().clone())?;
    let moved = d
        .execute(
            "const w = JSON.parse(localStorage.getItem('fachwerk.autosave') || 'null'); const g = document.querySelector('#canvas g.block[data-block-id=\"' + arguments[0] + '\"]'); return [w ? w.layout.blocks[arguments[0]] : null, g ? g.getAttribute('transform') : null, document.getElementById('status-message').textContent];",
            vec![serde_json::Value::String(id.clone())],
        )
        .await?
        .json()
        .clone();
    eprintln!("designer {n}: dragged block {id} from {r:?}: {moved}");
    // The drawn position must have followed the pointer.
    let drawn = moved[1].as_str().unwrap_or_default().to_string();
    anyhow::ensure!(
        drawn != format!("translate({} {})", r.x, r.y),
        "the drag did not move block {id}"
    );
    let (median_ms, p95_ms, frames) = stats(deltas);
    Ok((
        Figures {
            open_ms: open,
            median_ms,
            p95_ms,
            frames,
        },
        id,
    ))
}

async fn bpmn_js(d: &WebDriver, base: &str, n: usize, block_id: &str) -> anyhow::Result<Figures> {
    let w = synthetic(n, 7);
    let xml = to_bpmn(&w);
    d.goto(format!("{base}/bpmn-js.html")).await?;
    for _ in 0..400 {
        if d.execute("return window.__ready === true;", Vec::new())
            .await?
            .json()
            .as_bool()
            == Some(true)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let open = d
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const t0 = performance.now();
             window.importXml(arguments[0]).then((r) => {
               requestAnimationFrame(() => requestAnimationFrame(() => done([performance.now() - t0, r.error])));
             });",
            vec![serde_json::Value::String(xml)],
        )
        .await?
        .json()
        .clone();
    assert!(open[1].is_null(), "bpmn-js import failed: {open}");
    // The same block the designer dragged, centred at 100 %.
    let block = block_element_id(block_id);
    let found = d
        .execute(
            "const cv = window.modeler.get('canvas');
             const e = window.modeler.get('elementRegistry').get(arguments[0]);
             const c = document.getElementById('canvas').getBoundingClientRect();
             cv.viewbox({ x: e.x + e.width / 2 - c.width / 2, y: e.y + e.height / 2 - c.height / 2, width: c.width, height: c.height });
             const vb = cv.viewbox();
             return [e.id, (e.x + e.width / 2 - vb.x) * vb.scale - c.width / 2, (e.y + e.height / 2 - vb.y) * vb.scale - c.height / 2];",
            vec![serde_json::Value::String(block.clone())],
        )
        .await?
        .json()
        .clone();
    tokio::time::sleep(Duration::from_millis(500)).await;
    eprintln!("bpmn-js {n}: drag target {found}");
    let pos = serde_json::json!([found[1], found[2]]);
    let container = d.find(By::Id("canvas")).await?;
    d.execute(START_FRAMES, Vec::new()).await?;
    drag_at(
        d,
        &container,
        pos[0].as_f64().unwrap_or(0.0).round() as i64,
        pos[1].as_f64().unwrap_or(0.0).round() as i64,
    )
    .await?;
    let deltas: Vec<f64> =
        serde_json::from_value(d.execute(STOP_FRAMES, Vec::new()).await?.json().clone())?;
    let moved = d
        .execute(
            "const e = window.modeler.get('elementRegistry').get(arguments[0]); return [e.x, e.y];",
            vec![serde_json::Value::String(block.clone())],
        )
        .await?
        .json()
        .clone();
    eprintln!("bpmn-js {n}: dragged {block}, now at {moved}");
    let (median_ms, p95_ms, frames) = stats(deltas);
    Ok(Figures {
        open_ms: open[0].as_f64().unwrap_or(f64::NAN),
        median_ms,
        p95_ms,
        frames,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "browser benchmark: run by `cargo xtask bench`"]
async fn designer_vs_bpmn_js() -> anyhow::Result<()> {
    let s = Session::start().await?;
    s.driver
        .set_script_timeout(Duration::from_secs(300))
        .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().fallback(serve)).await;
    });
    let base = format!("http://{addr}");
    let sizes: Vec<usize> = std::env::var("FACHWERK_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![2000, 5000]);
    let mut rows = Vec::new();
    for &n in &sizes {
        let (ours, id) = designer(&s, n).await?;
        let theirs = bpmn_js(&s.driver, &base, n, &id).await?;
        rows.push((n, ours, theirs));
    }
    println!();
    println!("browser benchmark (headless Chromium, same browser; times in ms)");
    println!(
        "{:>6} | {:<9} | {:>9} | {:>11} | {:>9} | {:>6}",
        "blocks", "editor", "open", "drag median", "drag p95", "frames"
    );
    for (n, ours, theirs) in &rows {
        for (name, f) in [("Fachwerk", ours), ("bpmn-js", theirs)] {
            println!(
                "{n:>6} | {name:<9} | {:>9.1} | {:>11.1} | {:>9.1} | {:>6}",
                f.open_ms, f.median_ms, f.p95_ms, f.frames
            );
        }
        let target = if *n <= 2000 { 16.7 } else { 33.0 };
        println!(
            "{n:>6} | ratio     | {:>9.2} | {:>11.2} | {:>9.2} |  (Fachwerk / bpmn-js; targets: open ≤ 0.50, drag p95 ≤ {target} ms: {})",
            ours.open_ms / theirs.open_ms,
            ours.median_ms / theirs.median_ms,
            ours.p95_ms / theirs.p95_ms,
            if ours.open_ms <= 0.5 * theirs.open_ms && ours.p95_ms <= target {
                "met"
            } else {
                "missed"
            }
        );
    }
    server.abort();
    s.close().await
}
