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
//! * drag while the worker checks (issue #22): one gesture that drags the block, releases it
//!   (the move is committed, so the Web Worker starts checking the whole workflow) and drags it
//!   on at once; frame intervals over the whole gesture, how long the check took and how many
//!   frames it overlapped, and the page's long tasks (> 50 ms) meanwhile.
//!
//! * drag while the worker imports (issue #22): the workflow's BPMN export is chosen in the
//!   file input and a long drag starts at once; the import runs in the Web Worker, the page
//!   only hands the text over and reads the reply. Frame intervals over the gesture, the import's
//!   time (file input `change` to the "replace?" dialog) and the page's long tasks meanwhile.
//!
//! The figures go to `target/e2e/browser-bench.json` for the table of `cargo xtask bench`
//! (`first_load_bench.rs` adds the first load).
//!
//! Targets: open ≤ 0.5 × bpmn-js; drag p95 ≤ 16.7 ms at 2,000 and ≤ 33 ms at 5,000 blocks;
//! while the worker checks or imports, 60 fps (p95 ≤ 16.7 ms; the table also shows the longest
//! frame that overlapped the work).
//! Build the frontend in release mode first (`cargo xtask dist`): a debug build is much slower.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use axum::Router;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{out_dir, peer_pages, Session};
use fachwerk_shared::bpmn::{block_element_id, to_bpmn};
use fachwerk_shared::generate::synthetic;
use fachwerk_shared::to_canonical_json;

const START_FRAMES: &str = "window.__frames = []; window.__rec = true; const loop = (ts) => { if (!window.__rec) return; window.__frames.push(ts); requestAnimationFrame(loop); }; requestAnimationFrame(loop); return 0;";
const STOP_FRAMES: &str = "window.__rec = false; const f = window.__frames; const d = []; for (let i = 1; i < f.length; i++) d.push(f[i] - f[i - 1]); return d;";

/// Frames, the Probleme panel's checking state (`aria-busy`), and the page's long tasks.
const START_WATCH: &str = "window.__frames = []; window.__busy = []; window.__long = []; window.__rec = true;
  const loop = (ts) => { if (!window.__rec) return; window.__frames.push(ts); requestAnimationFrame(loop); }; requestAnimationFrame(loop);
  const panel = document.getElementById('problems-panel');
  window.__busyObs = new MutationObserver(() => window.__busy.push([performance.now(), panel.getAttribute('aria-busy')]));
  window.__busyObs.observe(panel, { attributes: true, attributeFilter: ['aria-busy'] });
  try { window.__longObs = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }); window.__longObs.observe({ type: 'longtask' }); } catch (e) {}
  return 0;";
/// Waits until the Probleme panel is not checking.
const WAIT_CHECKED: &str = "const done = arguments[arguments.length - 1]; const p = document.getElementById('problems-panel');
  const f = () => { if (p.getAttribute('aria-busy') === 'true') setTimeout(f, 20); else done(0); }; f();";
/// Stops the frames, waits until the check is done, returns what was recorded.
const READ_WATCH: &str = "const done = arguments[arguments.length - 1]; window.__rec = false;
  const panel = document.getElementById('problems-panel');
  const finish = () => { if (panel.getAttribute('aria-busy') === 'true') { setTimeout(finish, 20); return; }
    window.__busyObs.disconnect(); if (window.__longObs) window.__longObs.disconnect();
    done({ frames: window.__frames, busy: window.__busy, long: window.__long, checkedIn: panel.getAttribute('data-checked-in') }); };
  finish();";

/// Frames and long tasks from now on; the import's start (the file input's `change`) and end
/// (the "replace?" dialog).
const START_IMPORT_WATCH: &str = "window.__frames = []; window.__long = []; window.__imp = [0, 0]; window.__rec = true;
  const loop = (ts) => { if (!window.__rec) return; window.__frames.push(ts); requestAnimationFrame(loop); }; requestAnimationFrame(loop);
  document.getElementById('file-open').addEventListener('change', () => { window.__imp[0] = performance.now(); }, { capture: true, once: true });
  window.__impObs = new MutationObserver(() => { if (!window.__imp[1] && document.getElementById('import-dialog')) window.__imp[1] = performance.now(); });
  window.__impObs.observe(document.body, { childList: true, subtree: true });
  try { window.__longObs = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }); window.__longObs.observe({ type: 'longtask' }); } catch (e) {}
  return 0;";
/// Stops the frames once the import is done; returns frames, long tasks and the import's span
/// as `busy` marks (the shape `Watch` reads).
const READ_IMPORT_WATCH: &str = "const done = arguments[arguments.length - 1];
  const finish = () => { if (!window.__imp[1]) { setTimeout(finish, 20); return; }
    window.__rec = false; window.__impObs.disconnect(); if (window.__longObs) window.__longObs.disconnect();
    done({ frames: window.__frames, busy: [[window.__imp[0], 'true'], [window.__imp[1], 'false']], long: window.__long, checkedIn: 'worker' }); };
  finish();";

/// Drag while the worker checks or imports: frame intervals over the gesture, the work's
/// duration and the frames it overlapped, long tasks of the page meanwhile.
#[derive(Debug, Clone, Default)]
struct WhileWorking {
    median_ms: f64,
    p95_ms: f64,
    frames: usize,
    /// The longest frame interval overlapping the work.
    worst_during_ms: f64,
    work_ms: f64,
    frames_during: usize,
    long_tasks: usize,
    longest_task_ms: f64,
    done_in: String,
}

/// What `READ_WATCH` returned.
struct Watch {
    frames: Vec<f64>,
    busy: Vec<(f64, String)>,
    long: Vec<f64>,
    done_in: String,
}

impl Watch {
    fn read(v: &serde_json::Value) -> Watch {
        let nums = |k: &str| -> Vec<f64> {
            v[k].as_array()
                .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
                .unwrap_or_default()
        };
        let busy = v["busy"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e[0].as_f64().unwrap_or(f64::NAN),
                            e[1].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Watch {
            frames: nums("frames"),
            busy,
            long: nums("long"),
            done_in: v["checkedIn"].as_str().unwrap_or_default().to_string(),
        }
    }
}

fn while_working(w: Watch) -> WhileWorking {
    let deltas: Vec<f64> = w.frames.windows(2).map(|p| p[1] - p[0]).collect();
    let (median_ms, p95_ms, frames) = stats(deltas);
    let mut spans: Vec<(f64, f64)> = Vec::new();
    let mut open: Option<f64> = None;
    for (t, state) in &w.busy {
        match (state.as_str(), open) {
            ("true", None) => open = Some(*t),
            ("false", Some(t0)) => {
                spans.push((t0, *t));
                open = None;
            }
            _ => {}
        }
    }
    // The longest frame interval that overlaps the work (the page stalls when a job is handed
    // over or its result lands, even though the work itself runs in the worker).
    let worst_during_ms = w
        .frames
        .windows(2)
        .filter(|p| spans.iter().any(|(a, b)| p[0] <= *b && p[1] >= *a))
        .map(|p| p[1] - p[0])
        .fold(0.0, f64::max);
    WhileWorking {
        median_ms,
        p95_ms,
        frames,
        worst_during_ms,
        work_ms: spans.iter().map(|(a, b)| b - a).sum(),
        frames_during: w
            .frames
            .iter()
            .skip(1)
            .filter(|t| spans.iter().any(|(a, b)| (*a..=*b).contains(*t)))
            .count(),
        long_tasks: w.long.len(),
        longest_task_ms: w.long.iter().copied().fold(0.0, f64::max),
        done_in: w.done_in,
    }
}

/// One gesture: drag the block, release it (the move is committed and checked), press it again
/// at once and drag on.
async fn drag_twice(d: &WebDriver, el: &WebElement) -> anyhow::Result<()> {
    let mut chain = d
        .action_chain()
        .move_to_element_with_offset(el, 0, 0)
        .click_and_hold();
    for _ in 0..10 {
        chain = chain.move_by_offset(4, 2);
    }
    chain = chain.release().click_and_hold();
    for _ in 0..40 {
        chain = chain.move_by_offset(-4, -2);
    }
    chain.release().perform().await?;
    Ok(())
}

/// A long drag (120 small steps, back and forth), long enough to overlap an import.
async fn drag_long(d: &WebDriver, el: &WebElement) -> anyhow::Result<()> {
    let mut chain = d
        .action_chain()
        .move_to_element_with_offset(el, 0, 0)
        .click_and_hold();
    for i in 0..120 {
        let dx = if (i / 20) % 2 == 0 { 3 } else { -3 };
        chain = chain.move_by_offset(dx, 1);
    }
    chain.release().perform().await?;
    Ok(())
}

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

async fn designer(s: &Session, n: usize) -> anyhow::Result<(Figures, [WhileWorking; 2], String)> {
    let d = &s.driver;
    let w = synthetic(n, 7);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(format!("synthetic-{n}.json"));
    std::fs::write(&path, to_canonical_json(&w))?;
    // Start blank: with the last size's workflow restored, the designer would first ask
    // before replacing it.
    s.open("/").await?;
    d.execute(
        "localStorage.removeItem('fachwerk.autosave'); return 0;",
        Vec::new(),
    )
    .await?;
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
    // The middle of a generated layout may be empty: bring a block into the middle through
    // the Gliederung (a step's button selects and centres it), then let go of the selection.
    d.execute(
        "const steps = document.querySelectorAll('li.outline-item button.step'); steps[Math.min(steps.length - 1, 20)].click(); return 0;",
        Vec::new(),
    )
    .await?;
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
    // Drag again while the worker checks: the release in the middle of the gesture commits
    // a move, which starts a check of the whole workflow.
    d.execute_async(WAIT_CHECKED, Vec::new()).await?;
    let body = d
        .find(By::Css(format!(
            "#canvas g.block[data-block-id='{id}'] .block-body"
        )))
        .await?;
    d.execute(START_WATCH, Vec::new()).await?;
    drag_twice(d, &body).await?;
    let watch = Watch::read(d.execute_async(READ_WATCH, Vec::new()).await?.json());
    let during = while_working(watch);
    eprintln!("designer {n}: drag while checking: {during:?}");

    // Drag while the worker imports the same workflow's BPMN (the page asks before replacing
    // the open workflow; the dialog marks the import's end and is then cancelled).
    d.execute_async(WAIT_CHECKED, Vec::new()).await?;
    let bpmn = dir.path().join(format!("synthetic-{n}.bpmn"));
    std::fs::write(&bpmn, to_bpmn(&w))?;
    let body = d
        .find(By::Css(format!(
            "#canvas g.block[data-block-id='{id}'] .block-body"
        )))
        .await?;
    d.execute(START_IMPORT_WATCH, Vec::new()).await?;
    s.choose_file(&bpmn).await?;
    drag_long(d, &body).await?;
    let importing = while_working(Watch::read(
        d.execute_async(READ_IMPORT_WATCH, Vec::new()).await?.json(),
    ));
    eprintln!("designer {n}: drag while importing: {importing:?}");
    s.click_css("#import-cancel").await?;
    Ok((
        Figures {
            open_ms: open,
            median_ms,
            p95_ms,
            frames,
        },
        [during, importing],
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
        let _ = axum::serve(listener, Router::new().fallback(peer_pages::serve)).await;
    });
    let base = format!("http://{addr}");
    let sizes: Vec<usize> = std::env::var("FACHWERK_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![2000, 5000]);
    let mut rows = Vec::new();
    let mut checks = Vec::new();
    for &n in &sizes {
        let (ours, during, id) = designer(&s, n).await?;
        let theirs = bpmn_js(&s.driver, &base, n, &id).await?;
        rows.push((n, ours, theirs));
        checks.push((n, during));
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
            // rAF timestamps come in 0.1 ms steps: one 60 Hz frame measures 16.6 to 16.8 ms.
            if ours.open_ms <= 0.5 * theirs.open_ms && ours.p95_ms <= target + 0.15 {
                "met"
            } else {
                "missed"
            }
        );
    }
    let mut json = serde_json::Map::new();
    for (k, key, work) in [
        (0, "dragWhileCheck", "checks the open workflow"),
        (1, "dragWhileImport", "imports the workflow's BPMN"),
    ] {
        println!();
        println!("drag while the Web Worker {work} (target: 60 fps, p95 ≤ 16.7 ms)");
        println!(
            "{:>6} | {:>11} | {:>9} | {:>6} | {:>9} | {:>13} | {:>12} | {:>10} | done in",
            "blocks",
            "drag median",
            "drag p95",
            "frames",
            "work ms",
            "frames during",
            "worst during",
            "long tasks"
        );
        for (n, both) in &checks {
            let c = &both[k];
            println!(
                "{n:>6} | {:>11.1} | {:>9.1} | {:>6} | {:>9.1} | {:>13} | {:>12.1} | {:>4} (max {:.0} ms) | {}",
                c.median_ms,
                c.p95_ms,
                c.frames,
                c.work_ms,
                c.frames_during,
                c.worst_during_ms,
                c.long_tasks,
                c.longest_task_ms,
                c.done_in,
            );
            json.insert(
                format!("{key}-{n}"),
                serde_json::json!({
                    "medianMs": c.median_ms, "p95Ms": c.p95_ms, "frames": c.frames,
                    "workMs": c.work_ms, "framesDuring": c.frames_during,
                    "worstFrameDuringMs": c.worst_during_ms,
                    "longTasks": c.long_tasks, "longestTaskMs": c.longest_task_ms,
                    "doneIn": c.done_in,
                }),
            );
        }
    }
    for (n, ours, theirs) in &rows {
        json.insert(
            format!("drag-{n}"),
            serde_json::json!({
                "fachwerkOpenMs": ours.open_ms, "fachwerkP95Ms": ours.p95_ms,
                "bpmnJsOpenMs": theirs.open_ms, "bpmnJsP95Ms": theirs.p95_ms,
            }),
        );
    }
    std::fs::write(
        out_dir().join("browser-bench.json"),
        serde_json::Value::Object(json).to_string(),
    )?;
    server.abort();
    s.close().await
}
