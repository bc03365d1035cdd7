//! `cargo xtask bench`: every benchmark, then one plain table comparing Fachwerk with the
//! JavaScript peers on the same generated workflows.
//!
//! 1. `cargo bench -p fachwerk-shared`: the criterion benches (validate, canonical JSON,
//!    BPMN export/import at 1k/10k, diff at 2k/10k with 5 % changes) and `peer_inputs`, which
//!    writes the generated workflows the peers read.
//! 2. `e2e/interop/bench-peers.mjs` (node peers installed like `cargo xtask test` does):
//!    bpmn-moddle `fromXML` and bpmnlint (recommended, fresh Linter per run) on the 10k export,
//!    bpmn-js-differ on the 2k and 10k pairs. A failing peer is reported as it happened: with
//!    node's default stack bpmn-js-differ runs out of stack already at 2k, so it is run once
//!    more at 2k with `node --stack-size=7000` to get a figure at all. Right after the peers,
//!    the whole `fachwerk import` process (release binary, 7 runs after one warm-up, output to
//!    /dev/null) on the same 10k export: the conservative pairing with bpmn-moddle's
//!    in-process `fromXML`; the same for `foreign-10000.bpmn`, that export without any Fachwerk
//!    data (what another tool writes; its import takes the general path), with bpmn-moddle run
//!    on it in a node process of its own.
//! 3. The backend benches (`bench_backend.rs`): publishing with approvals at 1,000 workflows,
//!    and draft saves/reads on SQLite, PostgreSQL and the predecessor's JSON files;
//!    `backend/benches/cases.rs` (case lists at 10,000 cases / 50,000 tasks on SQLite and
//!    PostgreSQL, 20 clerks completing on PostgreSQL); `backend/benches/outputs.rs` (Bescheid
//!    PDF and Veraktung container); then, if present, the browser timings
//!    `e2e/tests/browser_bench.rs` (with dragging while the Web Worker checks),
//!    `e2e/tests/first_load_bench.rs` (throttled cold first load against bpmn-js's Modeler) and
//!    the Arbeitskorb with 5,000 tasks `e2e/tests/korb_bench.rs`.
//! 4. The summary table: our median, the peer's median, the ratio; the backend's figures.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::bench_browser::browser_summary;
use crate::{bench_backend, build_frontend, build_release_server, cargo, e2e_env, sh, tools};

/// Where cargo puts build output (criterion writes its estimates below it).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let target = target_dir(root);
    let inputs = target.join("bench-peers");
    let backend_out = target.join("bench-backend");
    if args.iter().any(|a| a == "--summary-only") {
        // The table again, from the last run's files.
        println!(
            "{}{}{}",
            PeerRun::read(&inputs).table(&target),
            bench_backend::summary(&backend_out),
            browser_summary(&root.join("target/e2e"))
        );
        return Ok(());
    }
    if args.iter().any(|a| a == "--backend-only") {
        // Only the server's benches (publishing, storage) and their part of the table.
        let problems = bench_backend::run(root, &target, &backend_out);
        println!("{}", bench_backend::summary(&backend_out));
        for p in &problems {
            println!("problem: {p}");
        }
        anyhow::ensure!(
            problems.is_empty(),
            "{} bench step(s) failed",
            problems.len()
        );
        return Ok(());
    }
    let mut problems: Vec<String> = Vec::new();

    let peers_only = args.iter().any(|a| a == "--peers-only");
    if peers_only {
        // Only the JS side again (the inputs of the last full run are reused).
        anyhow::ensure!(
            inputs.join("synthetic-10000.bpmn").exists(),
            "no peer inputs in {}: run `cargo xtask bench` once",
            inputs.display()
        );
    } else {
        eprintln!("xtask: ── criterion benches of fachwerk-shared");
        sh(cargo()
            .args(["bench", "-p", "fachwerk-shared"])
            .env("FACHWERK_BENCH_OUT", &inputs))?;
    }

    eprintln!("xtask: ── node peers");
    tools::ensure_node_peers(root)?;
    let (mut peers, big_pair, big_stack) = run_peers(root, &inputs);
    // The 10k differ ran alone; its result joins the defaults' output.
    peers.push_str(&big_pair);

    // The file without Fachwerk data: bpmn-moddle once more, in a process of its own.
    let mut foreign = node_command(root, None);
    foreign
        .arg(inputs.join("foreign-10000.bpmn"))
        .args(["7", "2"]);
    let foreign_peers = capture(&mut foreign).unwrap_or_else(|e| {
        format!(
            "{{\"moddleFromXmlMs\": {{\"error\": \"{}\"}}}}\n",
            json_text(&e)
        )
    });
    eprintln!("xtask: ── `fachwerk import` as a whole process (release binary)");
    let process = import_process(&target, &inputs);
    eprintln!("{process}");
    let peer_run = PeerRun {
        peers,
        big_stack,
        process,
        foreign: foreign_peers,
    };
    peer_run.write(&inputs);

    if peers_only {
        println!("{}", peer_run.table(&target));
        return Ok(());
    }
    problems.extend(bench_backend::run(root, &target, &backend_out));

    eprintln!("xtask: ── backend case processing bench (SQLite and PostgreSQL)");
    tools::ensure_postgres()?;
    if let Err(e) = sh(cargo().args(["bench", "-p", "fachwerk-backend", "--bench", "cases"])) {
        problems.push(format!("backend case bench: {e:#}"));
    }
    eprintln!("xtask: ── renderers bench (Bescheid PDF, Veraktung container)");
    if let Err(e) = sh(cargo().args(["bench", "-p", "fachwerk-backend", "--bench", "outputs"])) {
        problems.push(format!("renderers bench: {e:#}"));
    }

    if root.join("e2e/tests/browser_bench.rs").exists() {
        eprintln!("xtask: ── browser timings");
        let browser = (|| -> Result<()> {
            tools::ensure_frontend_tools(root)?;
            build_frontend(root)?;
            tools::ensure_chromium()?;
            // The designer and bpmn-js (opening, dragging, first load), then the Arbeitskorb
            // with 5,000 tasks.
            sh(e2e_env(
                cargo().args([
                    "test",
                    "-p",
                    "fachwerk-e2e",
                    "--release",
                    "--test",
                    "browser",
                    "--",
                    "--ignored",
                    "--nocapture",
                    "--test-threads",
                    "1",
                    "browser_bench::",
                    "first_load_bench::",
                    "korb_bench::",
                ]),
                root,
            ))
        })();
        if let Err(e) = browser {
            problems.push(format!("browser bench: {e:#}"));
        }
    } else {
        eprintln!("xtask: (e2e/tests/browser_bench.rs does not exist; skipped)");
    }

    println!(
        "{}{}{}",
        peer_run.table(&target),
        bench_backend::summary(&backend_out),
        browser_summary(&root.join("target/e2e"))
    );
    for p in &problems {
        println!("problem: {p}");
    }
    if problems.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} bench step(s) failed (see above)", problems.len())
    }
}

/// Node's stack for the second bpmn-js-differ run: with node's default stack (984 KB)
/// bpmn-js-differ dies with a stack overflow already on the 2,000-block pair.
const BIG_STACK_KB: &str = "7000";

/// Wall-clock limit of one peer process: bpmn-js-differ on the 10,000-block pair ran for
/// about 13 minutes here before node died with "JavaScript heap out of memory".
const PEER_LIMIT: Duration = Duration::from_secs(900);

/// `node [--stack-size=KB] e2e/interop/bench-peers.mjs` with the installed peers.
fn node_command(root: &Path, stack: Option<&str>) -> Command {
    let mut cmd = Command::new(std::env::var("NODE").unwrap_or_else(|_| "node".into()));
    if let Some(kb) = stack {
        cmd.arg(format!("--stack-size={kb}"));
    }
    cmd.arg(root.join("e2e/interop/bench-peers.mjs"))
        .env("NODE_PATH", tools::node_dir(root).join("node_modules"))
        .current_dir(root);
    cmd
}

/// Runs the peers script in separate node processes (so that one peer dying does not lose the
/// others' figures): bpmn-moddle + bpmnlint on the 10k export and bpmn-js-differ at 2k with
/// node's defaults, bpmn-js-differ at 10k with node's defaults, bpmn-js-differ at 2k with a
/// larger stack. Returns (defaults, 10k differ, big stack) outputs; a failed process yields
/// `{"differ-…": {"error": …}}` so that the summary shows what happened.
fn run_peers(root: &Path, inputs: &Path) -> (String, String, String) {
    let file = |name: &str| inputs.join(name).to_string_lossy().into_owned();
    let node = |stack: Option<&str>| node_command(root, stack);
    let differ = |cmd: &mut Command, n: &str, runs: &str, warmup: &str| {
        cmd.args(["--differ", n])
            .arg(file(&format!("diff-{n}-old.bpmn")))
            .arg(file(&format!("diff-{n}-new.bpmn")))
            .args([runs, warmup]);
    };
    let failed = |keys: &[&str], e: anyhow::Error| {
        let msg = format!("{e:#}").replace(['"', '\\', '\n'], " ");
        let entries: Vec<String> = keys
            .iter()
            .map(|k| format!("\"{k}\": {{\"error\": \"{msg}\"}}"))
            .collect();
        format!("{{{}}}\n", entries.join(", "))
    };
    let mut first = node(None);
    first.arg(file("synthetic-10000.bpmn")).args(["7", "2"]);
    differ(&mut first, "2000", "5", "1");
    let defaults = capture(&mut first)
        .unwrap_or_else(|e| failed(&["moddleFromXmlMs", "bpmnlintMs", "differ-2000"], e));
    let mut big = node(None);
    big.arg("-");
    differ(&mut big, "10000", "1", "0");
    let big_pair = capture(&mut big).unwrap_or_else(|e| failed(&["differ-10000"], e));
    let mut second = node(Some(BIG_STACK_KB));
    second.arg("-");
    differ(&mut second, "2000", "3", "1");
    let big_stack = capture(&mut second).unwrap_or_else(|e| failed(&["differ-2000"], e));
    (defaults, big_pair, big_stack)
}

/// What the peers and the `fachwerk import` process printed in one run; kept in the peer
/// inputs' folder, so that `--summary-only` shows the last table again.
struct PeerRun {
    /// bpmn-moddle, bpmnlint and bpmn-js-differ with node's defaults (the 10k differ joined).
    peers: String,
    /// bpmn-js-differ with a larger stack.
    big_stack: String,
    /// The process timings of `fachwerk import`.
    process: String,
    /// bpmn-moddle (and bpmnlint) on the file without Fachwerk data.
    foreign: String,
}

impl PeerRun {
    const FILES: [&'static str; 4] = [
        "peers.json",
        "peers-big-stack.json",
        "import-process.json",
        "peers-foreign.json",
    ];

    fn parts(&self) -> [&String; 4] {
        [&self.peers, &self.big_stack, &self.process, &self.foreign]
    }

    fn write(&self, inputs: &Path) {
        for (file, text) in PeerRun::FILES.iter().zip(self.parts()) {
            let _ = std::fs::write(inputs.join(file), text);
        }
    }

    fn read(inputs: &Path) -> PeerRun {
        let [peers, big_stack, process, foreign] =
            PeerRun::FILES.map(|f| std::fs::read_to_string(inputs.join(f)).unwrap_or_default());
        PeerRun {
            peers,
            big_stack,
            process,
            foreign,
        }
    }

    /// Fachwerk's criterion figures beside the peers'.
    fn table(&self, target: &Path) -> String {
        summary(
            &target.join("criterion"),
            &self.peers,
            &self.big_stack,
            &self.process,
            &self.foreign,
        )
    }
}

/// Timed runs of the whole `fachwerk import` process (after one untimed warm-up run).
const IMPORT_RUNS: usize = 7;

/// Builds the release `fachwerk` binary and times `fachwerk import FILE` as a whole process
/// (start, reading the file, the import, printing the canonical JSON to /dev/null, exit) on
/// the 10k export and on the same file without Fachwerk data (what another tool writes).
/// Returns `{"importProcessMs": {…}, "importProcessForeignMs": {…}}`, each `{median, min,
/// max, runs}` or `{error}`.
fn import_process(target: &Path, inputs: &Path) -> String {
    let built = build_release_server(&[]);
    let binary = target.join("release").join("fachwerk");
    let time = |file: &Path| -> Result<String> {
        let run = || -> Result<f64> {
            let started = Instant::now();
            let status = Command::new(&binary)
                .arg("import")
                .arg(file)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .with_context(|| format!("cannot start {}", binary.display()))?;
            let ms = started.elapsed().as_secs_f64() * 1e3;
            anyhow::ensure!(status.success(), "fachwerk import exited with {status}");
            Ok(ms)
        };
        run()?;
        let mut samples = (0..IMPORT_RUNS)
            .map(|_| run())
            .collect::<Result<Vec<f64>>>()?;
        samples.sort_by(f64::total_cmp);
        let at = |i: usize| samples.get(i).copied().unwrap_or(f64::NAN);
        let (min, median, max) = (at(0), at(samples.len() / 2), at(samples.len() - 1));
        Ok(format!(
            "{{\"median\": {median:.3}, \"min\": {min:.3}, \"max\": {max:.3}, \"runs\": {IMPORT_RUNS}}}"
        ))
    };
    let entry = |file: &str| {
        built
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{e:#}"))
            .and_then(|()| time(&inputs.join(file)))
            .unwrap_or_else(|e| format!("{{\"error\": \"{}\"}}", json_text(&e)))
    };
    format!(
        "{{\"importProcessMs\": {}, \"importProcessForeignMs\": {}}}\n",
        entry("synthetic-10000.bpmn"),
        entry("foreign-10000.bpmn")
    )
}

/// `e` as the inside of a JSON string (quotes, backslashes and line breaks replaced).
fn json_text(e: &anyhow::Error) -> String {
    format!("{e:#}").replace(['"', '\\', '\n'], " ")
}

/// Runs a command with [`PEER_LIMIT`], echoing it and its output; its stdout, or an error
/// naming how it ended (exit status and the last line of its stderr, or the time limit).
fn capture(cmd: &mut Command) -> Result<String> {
    eprintln!("xtask: $ {}", format!("{cmd:?}").replace('"', ""));
    let dir = std::env::temp_dir().join(format!("fachwerk-peer-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = cmd
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?)
        .spawn()
        .context("cannot start node")?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > PEER_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    eprint!("{stderr}");
    eprintln!("{stdout}");
    match status {
        Some(s) if s.success() => Ok(stdout),
        Some(s) => {
            let why = stderr
                .lines()
                .find(|l| l.contains("FATAL ERROR") || l.contains("Error"))
                .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
                .unwrap_or("")
                .trim()
                .to_string();
            anyhow::bail!(
                "node exited with {s} after {:.0} s: {why}",
                started.elapsed().as_secs_f64()
            )
        }
        None => anyhow::bail!(
            "node did not finish within {} s and was stopped",
            PEER_LIMIT.as_secs()
        ),
    }
}

/// The raw JSON value after `"key":` in `text` (an object up to its closing brace, or a
/// scalar up to the next `,`/`}`); enough for the flat output of criterion and the peers script.
fn json_value<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let pat = format!("\"{key}\"");
    let at = text.find(&pat)? + pat.len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start();
    if rest.starts_with('{') {
        let mut depth = 0usize;
        let mut in_str = false;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_str => escaped = true,
                '"' => in_str = !in_str,
                '{' if !in_str => depth += 1,
                '}' if !in_str => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&rest[..=i]);
                    }
                }
                _ => {}
            }
        }
        None
    } else if let Some(body) = rest.strip_prefix('"') {
        // A string: up to the closing quote (the quotes stay).
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return Some(&rest[..i + 2]),
                _ => {}
            }
        }
        None
    } else {
        let end = rest.find([',', '}', '\n']).unwrap_or(rest.len());
        Some(rest[..end].trim())
    }
}

fn number(text: &str, key: &str) -> Option<f64> {
    json_value(text, key)?.parse().ok()
}

/// Median of a criterion benchmark in milliseconds (`criterion/<id>/new/estimates.json`).
fn criterion_ms(dir: &Path, id: &str) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join(id).join("new/estimates.json")).ok()?;
    let median = json_value(&text, "median")?;
    number(median, "point_estimate").map(|ns| ns / 1e6)
}

/// A peer figure: median in ms, or the error it reported.
fn peer_ms(peers: &str, key: &str) -> Result<f64, String> {
    let v = json_value(peers, key).ok_or_else(|| "not run".to_string())?;
    if let Some(e) = json_value(v, "error") {
        return Err(e.trim_matches('"').to_string());
    }
    number(v, "median").ok_or_else(|| "no figure".to_string())
}

pub(crate) fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v < 10.0 => format!("{v:.2} ms"),
        Some(v) => format!("{v:.1} ms"),
        None => "n/a".into(),
    }
}

/// One comparison of the summary: name, our median, the peer's median or its failure, the
/// required ratio (0: none).
type Row<'a> = (&'a str, Option<f64>, Result<f64, String>, f64);

fn summary(
    criterion: &Path,
    peers: &str,
    big_stack: &str,
    import_process: &str,
    foreign_peers: &str,
) -> String {
    let c = |id: &str| criterion_ms(criterion, id);
    let mut out = String::from("\nFachwerk benchmark summary (medians; criterion for Fachwerk, bench-peers.mjs for the peers)\n\n");
    out.push_str("Fachwerk alone:\n");
    // (name, criterion id, upper limit in ms from the performance issues)
    let alone: [(&str, &str, Option<f64>); 9] = [
        ("validate 10k", "model/validate/10000", Some(5.0)),
        ("parse_workflow 10k", "model/parse_workflow/10000", None),
        (
            "to_canonical_json 10k",
            "model/to_canonical_json/10000",
            None,
        ),
        ("to_bpmn 1k", "bpmn/to_bpmn/1000", None),
        ("to_bpmn 10k", "bpmn/to_bpmn/10000", None),
        ("from_bpmn 1k", "bpmn/from_bpmn/1000", None),
        ("from_bpmn 10k", "bpmn/from_bpmn/10000", Some(100.0)),
        ("diff 2k (5 %)", "diff/2000", None),
        ("diff 10k (5 %)", "diff/10000", Some(50.0)),
    ];
    for (name, id, limit) in alone {
        let v = c(id);
        let target = match (limit, v) {
            (Some(l), Some(v)) if v <= l => format!("target <= {l} ms: met"),
            (Some(l), _) => format!("target <= {l} ms: NOT met"),
            (None, _) => String::new(),
        };
        out.push_str(&format!("  {name:<24} {:>12}   {target}\n", ms(v)));
    }
    let parse_validate = match (c("model/parse_workflow/10000"), c("model/validate/10000")) {
        (Some(a), Some(b)) => Some(a + b),
        _ => None,
    };
    out.push_str(&format!(
        "\n  {:<72} {:>12} {:>16} {:>9}   {}\n",
        "comparison", "Fachwerk", "peer", "ratio", "target"
    ));
    // The whole `fachwerk import` process; its failure is listed below the table.
    let process = peer_ms(import_process, "importProcessMs");
    let foreign_process = peer_ms(import_process, "importProcessForeignMs");
    let rows: [Row; 7] = [
        (
            "BPMN import 10k: from_bpmn vs bpmn-moddle fromXML",
            c("bpmn/from_bpmn/10000"),
            peer_ms(peers, "moddleFromXmlMs"),
            10.0,
        ),
        (
            "BPMN import 10k: `fachwerk import` process vs bpmn-moddle fromXML",
            process.as_ref().ok().copied(),
            peer_ms(peers, "moddleFromXmlMs"),
            10.0,
        ),
        (
            "BPMN import 10k, other tool's file: `fachwerk import` process vs fromXML",
            foreign_process.as_ref().ok().copied(),
            peer_ms(foreign_peers, "moddleFromXmlMs"),
            10.0,
        ),
        (
            "file->findings 10k: parse+validate vs bpmnlint",
            parse_validate,
            peer_ms(peers, "bpmnlintMs"),
            50.0,
        ),
        (
            "diff 2k (5 %): diff vs bpmn-js-differ",
            c("diff/2000"),
            peer_ms(peers, "differ-2000"),
            100.0,
        ),
        (
            "diff 2k (5 %): diff vs bpmn-js-differ, node --stack-size=7000",
            c("diff/2000"),
            peer_ms(big_stack, "differ-2000"),
            100.0,
        ),
        (
            "diff 10k (5 %): diff vs bpmn-js-differ",
            c("diff/10000"),
            peer_ms(peers, "differ-10000"),
            0.0,
        ),
    ];
    let mut errors = Vec::new();
    for (what, r) in [
        ("export", &process),
        ("other tool's file", &foreign_process),
    ] {
        if let Err(e) = r {
            errors.push(format!("  `fachwerk import` process ({what}): {e}"));
        }
    }
    for (name, ours, peer, target) in rows {
        let (peer_text, ratio, verdict) = match (&peer, ours) {
            (Ok(p), Some(o)) if o > 0.0 => {
                let r = p / o;
                let verdict = if target == 0.0 {
                    String::new()
                } else if r >= target {
                    format!(">= {target:.0}x: met")
                } else {
                    format!(">= {target:.0}x: NOT met")
                };
                (ms(Some(*p)), format!("{r:.1}x"), verdict)
            }
            (Ok(p), _) => (ms(Some(*p)), "n/a".into(), String::new()),
            (Err(e), _) => {
                errors.push(format!("  {name}: the peer failed: {e}"));
                ("failed".into(), "n/a".into(), String::new())
            }
        };
        out.push_str(&format!(
            "  {name:<72} {:>12} {peer_text:>16} {ratio:>9}   {verdict}\n",
            ms(ours)
        ));
    }
    if !errors.is_empty() {
        out.push('\n');
        out.push_str(&errors.join("\n"));
        out.push('\n');
    }
    out
}
