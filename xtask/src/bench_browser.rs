//! The browser part of `cargo xtask bench`'s summary: the first load against bpmn-js's Modeler
//! and dragging while the Web Worker checks or imports, read from what
//! `e2e/tests/first_load_bench.rs` and `browser_bench.rs` wrote into `target/e2e/`.

use std::path::Path;

use crate::bench::ms;

/// The browser figures of issue #22, as `e2e/tests/browser_bench.rs` wrote them into `dir`
/// (`first-load.json`, `browser-bench.json`): first load against bpmn-js's Modeler page, and
/// dragging while the Web Worker checks the open workflow or imports a file.
pub fn browser_summary(dir: &Path) -> String {
    let read = |f: &str| -> serde_json::Value {
        std::fs::read_to_string(dir.join(f))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    };
    let (load, drag) = (read("first-load.json"), read("browser-bench.json"));
    let mut out = String::from(
        "\nBrowser (headless Chromium; e2e/tests/first_load_bench.rs, browser_bench.rs):\n",
    );
    out.push_str(&format!(
        "  {:<62} {:>12} {:>16} {:>9}   {}\n",
        "first load, cold cache, 10 Mbit/s, 40 ms RTT", "Fachwerk", "bpmn-js Modeler", "ratio", ""
    ));
    let kb = |v: Option<f64>| v.map_or_else(|| "n/a".into(), |b| format!("{:.0} KB", b / 1024.0));
    let f = |v: &serde_json::Value, k: &str| v.get(k).and_then(serde_json::Value::as_f64);
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
        _ => "n/a".into(),
    };
    let (ob, tb) = (f(&load, "fachwerkBytes"), f(&load, "bpmnJsBytes"));
    let (of, tf) = (
        f(&load, "fachwerkFirstFrameMs"),
        f(&load, "bpmnJsFirstFrameMs"),
    );
    out.push_str(&format!(
        "  {:<62} {:>12} {:>16} {:>9}\n",
        "  bytes transferred",
        kb(ob),
        kb(tb),
        ratio(ob, tb)
    ));
    out.push_str(&format!(
        "  {:<62} {:>12} {:>16} {:>9}\n",
        "  time to first frame",
        ms(of),
        ms(tf),
        ratio(of, tf)
    ));
    let (ow, tw) = (f(&load, "fachwerkWholeMs"), f(&load, "bpmnJsWholeMs"));
    out.push_str(&format!(
        "  {:<62} {:>12} {:>16} {:>9}\n",
        "  time to the whole editor (parts loaded, live check shown)",
        ms(ow),
        ms(tw),
        ratio(ow, tw)
    ));
    for (key, work) in [("dragWhileCheck", "checks"), ("dragWhileImport", "imports")] {
        for n in [2000, 5000] {
            let c = drag.get(format!("{key}-{n}")).cloned().unwrap_or_default();
            let p95 = f(&c, "p95Ms");
            // One 60 Hz frame is 16.67 ms; rAF timestamps come in steps of 0.1 ms, so one
            // frame measures 16.6 to 16.8 ms (a dropped frame 33 ms).
            let verdict = match p95 {
                Some(v) if v <= 16.85 => "<= 16.7 ms (60 fps): met",
                Some(_) => "<= 16.7 ms (60 fps): NOT met",
                None => "",
            };
            let detail = match (
                f(&c, "workMs"),
                f(&c, "framesDuring"),
                f(&c, "worstFrameDuringMs"),
                f(&c, "longestTaskMs"),
            ) {
                (Some(ms_), Some(fr), Some(worst), Some(max)) => format!(
                    " ({ms_:.0} ms in the {}, {fr:.0} frames during it, the longest \
                     {worst:.0} ms; longest task on the page {max:.0} ms)",
                    c.get("doneIn").and_then(|v| v.as_str()).unwrap_or("?")
                ),
                _ => String::new(),
            };
            out.push_str(&format!(
                "  {:<62} {:>12}   {verdict}{detail}\n",
                format!("drag p95 at {n} blocks while the worker {work}"),
                ms(p95)
            ));
        }
    }
    out
}
