//! The backend's benches in `cargo xtask bench`: publishing (`backend/benches/publish.rs`,
//! including approvals at 1,000 workflows) and the storage comparison
//! (`backend/benches/store.rs`): the database on SQLite and PostgreSQL against the
//! predecessor, the last revision with the JSON file store, built here from git into
//! `target/bench-predecessor/` (once; the binary is kept there).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::{cargo, sh, tools};

/// The predecessor: `main` just before the database was merged (`3a9683a^1`, the parent of
/// "Merge branch 'i17-db'"), the last revision whose state lived in JSON files.
pub const PREDECESSOR: &str = "be29db1d8b7ae268be2f4693d9f8046f9aefc715";

/// The predecessor's `fachwerk` binary, built once into `target/bench-predecessor/`. Its
/// sources are exported with `git archive`; it builds in the shared target folder, so that the
/// dependencies both revisions share are compiled once, and the binary is copied away at once.
pub fn predecessor(root: &Path, target: &Path) -> Result<PathBuf> {
    let dir = target.join("bench-predecessor");
    let binary = dir.join(format!("fachwerk-{}", &PREDECESSOR[..7]));
    if binary.is_file() {
        return Ok(binary);
    }
    let src = dir.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src)?;
    }
    std::fs::create_dir_all(&src)?;
    let archive = Command::new("git")
        .args(["-C"])
        .arg(root)
        .args(["archive", "--format=tar", PREDECESSOR])
        .output()
        .context("cannot run git archive")?;
    anyhow::ensure!(
        archive.status.success(),
        "git archive {PREDECESSOR} failed: {}",
        String::from_utf8_lossy(&archive.stderr)
    );
    let tar = dir.join("src.tar");
    std::fs::write(&tar, &archive.stdout)?;
    sh(Command::new("tar").arg("-xf").arg(&tar).arg("-C").arg(&src))?;
    std::fs::remove_file(&tar)?;
    sh(cargo()
        .args(["build", "--release", "--locked", "--manifest-path"])
        .arg(src.join("Cargo.toml"))
        .args(["-p", "fachwerk-backend", "--bin", "fachwerk"])
        .env("CARGO_TARGET_DIR", target))?;
    std::fs::copy(target.join("release/fachwerk"), &binary)?;
    Ok(binary)
}

/// Runs both backend benches; failures are returned as problems for the summary.
pub fn run(root: &Path, target: &Path, out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    eprintln!("xtask: ── backend publish bench");
    if let Err(e) = sh(cargo()
        .args(["bench", "-p", "fachwerk-backend", "--bench", "publish"])
        .env("FACHWERK_BENCH_OUT", out))
    {
        problems.push(format!("backend publish bench: {e:#}"));
    }
    eprintln!(
        "xtask: ── backend storage bench (SQLite, PostgreSQL, JSON files of {PREDECESSOR:.7})"
    );
    let store = (|| {
        tools::ensure_postgres()?;
        let binary = predecessor(root, target)?;
        sh(cargo()
            .args(["bench", "-p", "fachwerk-backend", "--bench", "store"])
            .env("FACHWERK_BENCH_OUT", out)
            .env("FACHWERK_BENCH_PREDECESSOR", binary)
            .env("FACHWERK_BENCH_PREDECESSOR_REV", PREDECESSOR)
            // PostgreSQL with its default durability (fsync, synchronous commit), like the others.
            .env("FACHWERK_TEST_PG_DURABLE", "1"))
    })();
    if let Err(e) = store {
        problems.push(format!("backend storage bench: {e:#}"));
    }
    problems
}

fn figure(text: &str, path: &[&str]) -> Option<f64> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    path.iter().try_fold(&v, |v, k| v.get(k))?.as_f64()
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |v| format!("{v:.1} ms"))
}

/// The backend part of the summary table, from the benches' JSON files in `out`.
pub fn summary(out: &Path) -> String {
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap_or_default();
    let (store, publish) = (read("backend-store.json"), read("backend-publish.json"));
    let mut s = String::from(
        "\nBackend storage (20 concurrent clients, real `fachwerk serve` processes on loopback):\n",
    );
    s.push_str(&format!(
        "  {:<30} {:>14} {:>14} {:>16} {:>12}   {}\n",
        "store", "save p50", "save p99", "GET drafts/s", "p50 vs files", "target"
    ));
    let files_p50 = figure(&store, &["files", "saveP50Ms"]);
    for (label, key) in [
        ("database, SQLite", "sqlite"),
        ("database, PostgreSQL", "postgres"),
        ("JSON files (predecessor)", "files"),
    ] {
        let p50 = figure(&store, &[key, "saveP50Ms"]);
        let (ratio, verdict) = match (p50, files_p50) {
            (Some(p), Some(f)) if key != "files" && f > 0.0 => {
                let r = p / f;
                let met = if r <= 2.0 { "met" } else { "NOT met" };
                (format!("{r:.2}x"), format!("<= 2x: {met}"))
            }
            _ => (String::new(), String::new()),
        };
        let gets = figure(&store, &[key, "getPerSecond"])
            .map_or_else(|| "n/a".into(), |g| format!("{g:.0}"));
        s.push_str(&format!(
            "  {label:<30} {:>14} {:>14} {gets:>16} {ratio:>12}   {verdict}\n",
            ms(p50),
            ms(figure(&store, &[key, "saveP99Ms"])),
        ));
    }
    let small = figure(&publish, &["smallCatalogue"]).unwrap_or(0.0);
    let large = figure(&publish, &["largeCatalogue"]).unwrap_or(0.0);
    let large_p50 = figure(&publish, &["largeApproveP50Ms"]);
    let verdict = match large_p50 {
        Some(v) if v <= 300.0 => "target <= 300 ms: met",
        _ => "target <= 300 ms: NOT met",
    };
    s.push_str("\nBackend publishing (one approval at a time):\n");
    s.push_str(&format!(
        "  approval p50, catalogue of {small:>5.0} workflows {:>12}\n",
        ms(figure(&publish, &["smallApproveP50Ms"]))
    ));
    s.push_str(&format!(
        "  approval p50, catalogue of {large:>5.0} workflows {:>12}   {verdict}\n",
        ms(large_p50)
    ));
    s
}
