//! Writes the inputs of the peer comparison (`cargo xtask bench`, e2e/interop/bench-peers.mjs):
//! the same generated workflows the criterion benches measure, exported to files.
//!
//! * `synthetic-10000.json` / `.bpmn`: `synthetic(10_000, 42)` (the model and bpmn benches),
//! * `foreign-10000.bpmn`: the same export without any Fachwerk data (every `fw:` element,
//!   attribute and namespace declaration removed), i.e. what another tool would write: its
//!   import takes the general path (element tree, mapping of foreign BPMN),
//! * `diff-{2000,10000}-{old,new}.bpmn`: `synthetic(n, 7)` and `modify(_, 5, 11)` (the diff bench).
//!
//! Output directory: `$FACHWERK_BENCH_OUT`, else `fachwerk-bench-peers` in the temp directory.
//! Not a measurement itself; it prints the directory it wrote.

use std::path::PathBuf;

use fachwerk_shared::bpmn::to_bpmn;
use fachwerk_shared::generate::{modify, synthetic};
use fachwerk_shared::to_canonical_json;

#[path = "support/foreign.rs"]
mod foreign;
use foreign::without_fachwerk_data;

fn main() {
    // `cargo bench` passes `--bench`; a filter that names other benches skips this one.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args
        .iter()
        .any(|a| !a.starts_with("--") && !"peer_inputs".contains(a.as_str()))
    {
        return;
    }
    let dir = std::env::var_os("FACHWERK_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("fachwerk-bench-peers"));
    if let Err(e) = write_all(&dir) {
        eprintln!("peer_inputs: cannot write {}: {e}", dir.display());
        std::process::exit(1);
    }
    println!("peer_inputs: wrote {}", dir.display());
}

fn write_all(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let w = synthetic(10_000, 42);
    std::fs::write(dir.join("synthetic-10000.json"), to_canonical_json(&w))?;
    let xml = to_bpmn(&w);
    std::fs::write(dir.join("foreign-10000.bpmn"), without_fachwerk_data(&xml)?)?;
    std::fs::write(dir.join("synthetic-10000.bpmn"), xml)?;
    for n in [2_000usize, 10_000] {
        let a = synthetic(n, 7);
        let b = modify(&a, 5, 11);
        std::fs::write(dir.join(format!("diff-{n}-old.bpmn")), to_bpmn(&a))?;
        std::fs::write(dir.join(format!("diff-{n}-new.bpmn")), to_bpmn(&b))?;
    }
    Ok(())
}
