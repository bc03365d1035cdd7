//! Issue #22's first-load benchmark, run by `cargo xtask bench`, not by the test suite
//! (`#[ignore]`): loads the designer and bpmn-js's Modeler page
//! (`e2e/interop/bpmn-js-modeler.html`: the production build, served gzip like the designer)
//! with a cold cache over a network throttled through the DevTools protocol (10 Mbit/s both
//! ways, 40 ms round trip): the bytes transferred for the first frame (the document and every
//! resource requested before it, headers included; the designer's parts, which it fetches
//! after that frame, are printed per load beside it) and the time from the start of navigation
//! to the first frame that shows the palette (bpmn-js: palette and diagram), and the time to
//! the whole editor: the designer's parts loaded and the live check's findings shown (the
//! Probleme panel no longer busy; bpmn-js has everything at its first frame). Median of three
//! loads each; the figures go to `target/e2e/first-load.json` for the table of
//! `cargo xtask bench`.
//! Build the frontend in release mode first (`cargo xtask dist`).

use std::time::Duration;

use axum::Router;
use fachwerk_e2e::thirtyfour::cdp::Cdp;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{out_dir, peer_pages, Session};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Marks the first frame that shows a palette (the designer's, or bpmn-js's with its diagram)
/// and the first that shows the whole editor (the designer: its live check's findings; bpmn-js:
/// that same first frame): installed before any page script runs, so it sees the page from
/// its start.
const FIRST_FRAME: &str = "(() => {
  const shown = () => document.querySelector('.palette-item')
    || (document.querySelector('.djs-palette .entry') && document.querySelector('.djs-shape'));
  const whole = () => !document.querySelector('.palette-item')
    || document.querySelector('#problems-panel[aria-busy=\"false\"]');
  const tick = () => {
    const now = performance.now();
    if (window.__firstFrame === undefined && shown()) { window.__firstFrame = now; }
    if (window.__firstFrame !== undefined && whole()) { window.__whole = now; return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();";

/// Bytes the page transferred for its first frame with a palette (document and the resources
/// requested before that frame, headers included), the time of that frame from the start of
/// navigation, the bytes of everything it loaded within a second after it, and the time of the
/// whole editor: its first frame with the findings, and not before its parts' module arrived
/// (and, printed per load, the frame with the findings alone).
const LOAD_FIGURES: &str = "const done = arguments[arguments.length - 1];
  const f = () => { if (window.__whole === undefined) { setTimeout(f, 20); return; }
    setTimeout(() => {
      let first = 0, all = 0, whole = window.__whole;
      for (const e of performance.getEntriesByType('navigation')) { first += e.transferSize; all += e.transferSize; }
      for (const e of performance.getEntriesByType('resource')) {
        all += e.transferSize;
        if (e.startTime < window.__firstFrame) first += e.transferSize;
        if (e.name.includes('split_')) whole = Math.max(whole, e.responseEnd);
      }
      done([first, window.__firstFrame, all, whole, window.__whole]);
    }, 1000); };
  f();";

/// Median (bytes, first frame ms, whole editor ms) of `runs` cold loads of `url`.
async fn cold_loads(
    d: &WebDriver,
    cdp: &Cdp,
    url: &str,
    runs: usize,
) -> anyhow::Result<(f64, f64, f64)> {
    let (mut bytes, mut ms, mut whole) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        d.goto("about:blank").await?;
        cdp.send_raw("Network.clearBrowserCache", ()).await?;
        d.goto(url).await?;
        let v = d
            .execute_async(LOAD_FIGURES, Vec::new())
            .await?
            .json()
            .clone();
        bytes.push(v[0].as_f64().unwrap_or(f64::NAN));
        ms.push(v[1].as_f64().unwrap_or(f64::NAN));
        whole.push(v[3].as_f64().unwrap_or(f64::NAN));
        eprintln!("first load {url}: {v}");
    }
    Ok((median(bytes), median(ms), median(whole)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "browser benchmark: run by `cargo xtask bench`"]
async fn first_load() -> anyhow::Result<()> {
    let s = Session::start().await?;
    let d = &s.driver;
    d.set_script_timeout(Duration::from_secs(120)).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().fallback(peer_pages::serve)).await;
    });
    let cdp = d.cdp();
    cdp.send_raw("Network.enable", ()).await?;
    cdp.send_raw(
        "Network.setCacheDisabled",
        serde_json::json!({ "cacheDisabled": true }),
    )
    .await?;
    // 10 Mbit/s both ways, 40 ms round trip.
    cdp.send_raw(
        "Network.emulateNetworkConditions",
        serde_json::json!({
            "offline": false, "latency": 40,
            "downloadThroughput": 1_250_000, "uploadThroughput": 1_250_000,
        }),
    )
    .await?;
    cdp.send_raw(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": FIRST_FRAME }),
    )
    .await?;
    let runs = 3;
    let ours = cold_loads(d, &cdp, &format!("{}/", s.base), runs).await?;
    let theirs = cold_loads(
        d,
        &cdp,
        &format!("http://{addr}/bpmn-js-modeler.html"),
        runs,
    )
    .await?;
    println!();
    println!("first load, cold cache, 10 Mbit/s, 40 ms RTT (DevTools protocol); median of {runs}");
    println!(
        "{:<10} | {:>10} | {:>16} | {:>16}",
        "page", "KB", "first frame ms", "whole editor ms"
    );
    for (name, (bytes, ms, whole)) in [("Fachwerk", ours), ("bpmn-js", theirs)] {
        println!(
            "{name:<10} | {:>10.1} | {ms:>16.0} | {whole:>16.0}",
            bytes / 1024.0
        );
    }
    println!(
        "{:<10} | {:>10.2} | {:>16.2} | {:>16.2}",
        "ratio",
        ours.0 / theirs.0,
        ours.1 / theirs.1,
        ours.2 / theirs.2
    );
    std::fs::write(
        out_dir().join("first-load.json"),
        serde_json::json!({
            "fachwerkBytes": ours.0, "fachwerkFirstFrameMs": ours.1, "fachwerkWholeMs": ours.2,
            "bpmnJsBytes": theirs.0, "bpmnJsFirstFrameMs": theirs.1, "bpmnJsWholeMs": theirs.2,
        })
        .to_string(),
    )?;
    server.abort();
    s.close().await
}
