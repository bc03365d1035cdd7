//! `cargo xtask` — Fachwerk's build, run, test and bench driver.
//!
//! Installs what is missing (wasm32 target, trunk, wasm-bindgen-cli matching Cargo.lock,
//! wasm-opt and esbuild from npm, Chromium for the browser tests), so that the README's two
//! commands work on a machine with only the Rust toolchain, git, node/npm and apt.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{bail, Context, Result};

mod bench;
mod bench_backend;
mod bench_browser;
mod compress;
mod designer;
mod docs;
mod first_load;
mod minify;
mod tools;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run   [--addr HOST:PORT] [--data DIR]   install tools, build the frontend and the handbook,
                                          start the server
  test  [--skip-e2e]                      fmt, clippy, unit tests, handbook, browser tests
  bench [--peers-only|--summary-only|--backend-only]
                                          all benchmarks (criterion, JS peers, server, browser
                                          timings) and a summary table; --peers-only: the JS
                                          peers again; --summary-only: the last table;
                                          --backend-only: the server's benches (publishing,
                                          storage vs. the JSON-file predecessor)
  dist                                    build the frontend (release), the handbook, and the
                                          release server with the frontend built in
                                          (target/release/fachwerk, feature embed-frontend)
  docs  [--check]                         generate the handbook's reference pages, build it
                                          with mdBook into docs/book, check its links;
                                          --check: fail on stale pages instead of writing";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("docs") => docs::run(&root(), &args[1..]),
        Some("dist") => dist(&root()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (parent of xtask/).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command in the workspace root, echoing it; fails on a non-zero exit.
pub fn sh(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}").replace('"', "");
    eprintln!("xtask: $ {shown}");
    let status = cmd
        .current_dir(root())
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("`{shown}` failed with {status}");
    }
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn flag_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The deliverable: the frontend and the handbook, then the release server with the
/// frontend compiled in (one file to deploy).
fn dist(root: &Path) -> Result<()> {
    tools::ensure_frontend_tools(root)?;
    build_frontend(root)?;
    docs::build_book(root)?;
    build_release_server(&["embed-frontend"])?;
    eprintln!(
        "xtask: one-file server with the designer built in: {}",
        root.join("target/release/fachwerk").display()
    );
    Ok(())
}

/// The release `fachwerk` binary with the given cargo features of the backend.
pub fn build_release_server(features: &[&str]) -> Result<()> {
    let mut cmd = cargo();
    cmd.args([
        "build",
        "--release",
        "-p",
        "fachwerk-backend",
        "--bin",
        "fachwerk",
    ]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    sh(&mut cmd)
}

/// The apps beside the designer: their entry page in `frontend/`, their binary, their folder in
/// `dist/` (the server's paths for them: `backend/src/frontend.rs`) and their first-load budget
/// in KB gzip, a ratchet a little above the size measured when it was set (December 2026: the
/// applicant's page 139 KB, the case app 458 KB, the publishing app 416 KB).
const OTHER_APPS: [(&str, &str, &str, u64); 3] = [
    ("applicant.html", "fachwerk-applicant", "antrag", 142),
    ("cases.html", "fachwerk-cases", "vorgaenge", 464),
    ("publishing.html", "fachwerk-publishing", "katalog", 422),
];

/// Builds the frontend (release) and prints its first load; returns that line and whether it
/// keeps the budget (`cargo xtask test` fails when not; `run`, `dist` and `bench` only warn).
fn build_frontend(root: &Path) -> Result<(String, bool)> {
    // Read before the build: a source changed meanwhile makes the next `run` build again.
    let sources = fingerprint(root, FRONTEND_SOURCES)?;
    // One cargo run compiles the library once and links the page apps side by side: each link
    // is a single-threaded whole-program optimisation (profile `wasm-release`), so one after
    // the other, as Trunk would, leaves a core idle. Trunk then finds them built; the designer's
    // wasm is split and finished by `designer::build`. (The worker has its own features and is
    // left to Trunk.)
    let mut prebuild = cargo();
    prebuild.args([
        "build",
        "--profile",
        "wasm-release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "fachwerk-frontend",
        "--bin",
        "fachwerk-frontend",
    ]);
    for (_, bin, _, _) in OTHER_APPS {
        prebuild.args(["--bin", bin]);
    }
    sh(&mut prebuild)?;
    // Without subresource integrity: the JS and CSS are minified afterwards (`minify`).
    sh(Command::new("trunk")
        .args(["build", "--release", "--no-sri"])
        .env("PATH", tools::path_with_tools(root)))?;
    // The applicant's pages, the case app and the publishing app are apps of their own (no
    // designer), in dist/antrag/, dist/vorgaenge/ and dist/katalog/; built after the designer,
    // whose build replaces dist/, and side by side (wasm-bindgen and wasm-opt per app).
    let mut builds = Vec::new();
    for (page, _, dir, _) in OTHER_APPS {
        let mut cmd = Command::new("trunk");
        cmd.args([
            "build",
            "--release",
            "--no-sri",
            "--dist",
            &format!("dist/{dir}"),
            "--public-url",
            &format!("/{dir}/"),
            &format!("frontend/{page}"),
        ])
        .env("PATH", tools::path_with_tools(root))
        .current_dir(root);
        eprintln!("xtask: $ trunk build --release … frontend/{page} (beside the others)");
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start trunk for {page}"))?;
        builds.push((page, child));
    }
    let designer = designer::build(root);
    let mut failed = Vec::new();
    for (page, mut child) in builds {
        if !child.wait()?.success() {
            failed.push(page);
        }
    }
    designer.context("the designer's build failed")?;
    if !failed.is_empty() {
        bail!("trunk build failed for {}", failed.join(", "));
    }
    let dist = root.join("dist");
    // Trunk's JS and CSS (the designer's are minified by its build).
    let mut trunk_dirs: Vec<PathBuf> = OTHER_APPS
        .iter()
        .map(|(_, _, dir, _)| dist.join(dir))
        .collect();
    trunk_dirs.push(dist.clone());
    for dir in &trunk_dirs {
        minify::in_place(root, dir)?;
    }
    let mut dirs = first_load::designer_dirs(&dist)?;
    dirs.extend(trunk_dirs);
    let started = Instant::now();
    compress::write_copies(&dirs)?;
    eprintln!(
        "xtask: gzip (zopfli) and brotli copies written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    std::fs::write(root.join(FRONTEND_STAMP), sources)?;
    first_load::report(root)
}

fn run(args: &[String]) -> Result<()> {
    let root = root();
    tools::ensure_wasm_target(&root)?;
    // The server needs none of the tools: its dev build runs while they compile, and beside
    // the frontend's build (another profile and target, so another cargo build directory lock).
    let mut server = tools::in_background(|| sh(&mut server_dev_build("build")));
    tools::ensure_cargo_tools(&root)?;
    tools::ensure_npm_build_tools(&root)?;
    if unchanged(&root, FRONTEND_SOURCES, FRONTEND_STAMP)? {
        eprintln!("xtask: frontend unchanged since the last build (dist/)");
    } else {
        build_frontend(&root)?;
    }
    server.wait()?;
    // The handbook (and on a fresh machine mdBook's compile) after the page is up: the server
    // answers /hilfe/ with "being built" until then (api/static_files.rs). Not again when
    // nothing it reads changed (mdBook empties docs/book/ while it builds).
    let _book = tools::in_background({
        let root = root.clone();
        move || {
            if unchanged(&root, docs::BOOK_SOURCES, docs::BOOK_STAMP)? {
                eprintln!("xtask: handbook unchanged since the last build (docs/book/)");
                return Ok(());
            }
            let built = docs::build_book(&root);
            if let Err(e) = &built {
                eprintln!("xtask: the handbook could not be built ({e:#}); /hilfe/ stays empty");
            }
            built
        }
    });
    let addr = flag_value(args, "--addr").unwrap_or_else(|| {
        std::env::var("FACHWERK_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into())
    });
    let data = flag_value(args, "--data")
        .unwrap_or_else(|| std::env::var("FACHWERK_DATA").unwrap_or_else(|_| "data".into()));
    eprintln!("xtask: starting Fachwerk on http://{addr}/ (data directory: {data})");
    // The dev profile (argon2 and blake2 optimised, see Cargo.toml): the first start compiles
    // far less than a release build and shares its artefacts with `cargo xtask test`. Deploy
    // with `cargo xtask dist`.
    sh(server_dev_build("run").args([
        "--", "serve", "--addr", &addr, "--data", &data, "--dist", "dist",
    ]))
}

/// `cargo <verb>` of the `fachwerk` binary in the dev profile (`build` or `run`).
fn server_dev_build(verb: &str) -> Command {
    let mut cmd = cargo();
    cmd.args([verb, "-p", "fachwerk-backend", "--bin", "fachwerk"]);
    cmd
}

/// What the frontend build reads: folders and single files.
const FRONTEND_SOURCES: (&[&str], &[&str]) = (
    &["frontend", "shared/src", "shared/schema"],
    &[
        "Cargo.lock",
        "Cargo.toml",
        "Trunk.toml",
        "shared/Cargo.toml",
    ],
);

/// The [`fingerprint`] of the sources of the frontend in dist/, written by every build.
const FRONTEND_STAMP: &str = "dist/.xtask-fingerprint";

/// Whether the build whose [`fingerprint`] is in `stamp` was made from `sources` as they are.
fn unchanged(root: &Path, sources: (&[&str], &[&str]), stamp: &str) -> Result<bool> {
    let now = fingerprint(root, sources)?;
    Ok(std::fs::read_to_string(root.join(stamp)).ok().as_deref() == Some(now.as_str()))
}

/// Names, sizes and modification times of everything a build reads (`sources`: folders, files):
/// when equal to the last build's, `run` serves the existing build instead of building again.
pub(crate) fn fingerprint(root: &Path, sources: (&[&str], &[&str])) -> Result<String> {
    use std::hash::{Hash, Hasher};
    fn walk(dir: &Path, hasher: &mut std::collections::hash_map::DefaultHasher) -> Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let meta = entry.metadata()?;
            if meta.is_dir() {
                walk(&path, hasher)?;
            } else {
                path.hash(hasher);
                meta.len().hash(hasher);
                meta.modified()?.hash(hasher);
            }
        }
        Ok(())
    }
    let (dirs, files) = sources;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for dir in dirs {
        walk(&root.join(dir), &mut hasher)?;
    }
    for file in files {
        let meta = std::fs::metadata(root.join(file))?;
        file.hash(&mut hasher);
        meta.len().hash(&mut hasher);
        meta.modified()?.hash(&mut hasher);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

struct Steps {
    started: Instant,
    done: Vec<(String, f64)>,
}

impl Steps {
    fn step(&mut self, name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
        let t = Instant::now();
        eprintln!("xtask: ── {name}");
        f().with_context(|| format!("step `{name}` failed"))?;
        self.done
            .push((name.to_string(), t.elapsed().as_secs_f64()));
        Ok(())
    }

    fn summary(&self) -> String {
        let parts: Vec<String> = self
            .done
            .iter()
            .map(|(n, s)| format!("{n} {s:.0}s"))
            .collect();
        format!(
            "{} steps passed in {:.0}s ({})",
            self.done.len(),
            self.started.elapsed().as_secs_f64(),
            parts.join(", ")
        )
    }
}

fn test(args: &[String]) -> Result<()> {
    let root = root();
    let skip_e2e = args.iter().any(|a| a == "--skip-e2e");
    let mut steps = Steps {
        started: Instant::now(),
        done: Vec::new(),
    };
    let result = (|| {
        steps.step("fmt", || sh(cargo().args(["fmt", "--all", "--check"])))?;
        // Tools download and compile while the workspace compiles (two cores stay busy through
        // the serial phases of both); each is awaited right before the first step needing it.
        tools::ensure_wasm_target(&root)?;
        let mut rust_tools = tools::in_background({
            let root = root.clone();
            move || {
                tools::ensure_cargo_tools(&root)?;
                tools::ensure_mdbook(&root)
            }
        });
        // apt and npm one after another: each holds a lock (dpkg, the npm prefix).
        let mut system_tools = tools::in_background({
            let root = root.clone();
            move || {
                tools::ensure_test_tools()?;
                tools::ensure_postgres()?;
                tools::ensure_npm_build_tools(&root)?;
                if !skip_e2e {
                    tools::ensure_chromium()?;
                    tools::ensure_node_peers(&root)?;
                }
                Ok(())
            }
        });
        steps.step("clippy", || {
            sh(cargo().args([
                "clippy",
                "--workspace",
                "--exclude",
                "fachwerk-frontend",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))?;
            sh(cargo().args([
                "clippy",
                "-p",
                "fachwerk-frontend",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        })?;
        // The frontend's pure core (frontend/src/pure) is tested natively here too.
        steps.step("system tools (waited)", || system_tools.wait())?;
        // A failing unit test does not stop the run: the browser tests still run, so one CI
        // run shows every failure (`--no-fail-fast` likewise within each step).
        let unit = steps.step("unit tests", || {
            sh(cargo().args([
                "test",
                "--workspace",
                "--exclude",
                "fachwerk-e2e",
                "--no-fail-fast",
            ]))
        });
        steps.step("rust tools (waited)", || rust_tools.wait())?;
        steps.step("handbook", || docs::run(&root, &["--check".to_string()]))?;
        if skip_e2e {
            return unit;
        }
        let mut load_line = (String::new(), true);
        steps.step("frontend build", || {
            load_line = build_frontend(&root)?;
            Ok(())
        })?;
        // Above the budget the browser tests still run; the run fails at the end.
        let budget = steps.step("first-load budget", || match &load_line {
            (_, true) => Ok(()),
            (line, false) => {
                bail!(
                    "{line}: above a budget (designer {} KB gzip)",
                    first_load::FIRST_LOAD_BUDGET_KB
                )
            }
        });
        steps.step("e2e", || {
            sh(e2e_env(
                cargo().args([
                    "test",
                    "-p",
                    "fachwerk-e2e",
                    "--no-fail-fast",
                    "--",
                    "--test-threads",
                    "1",
                ]),
                &root,
            ))
        })?;
        unit.and(budget)
    })();
    match result {
        Ok(()) => {
            println!("cargo xtask test: PASSED — {}", steps.summary());
            Ok(())
        }
        Err(e) => {
            println!("cargo xtask test: FAILED — {}", steps.summary());
            Err(e)
        }
    }
}

/// The environment of the browser and interop tests: built frontend, node peers, output dir.
fn e2e_env<'c>(cmd: &'c mut Command, root: &Path) -> &'c mut Command {
    cmd.env("FACHWERK_DIST", root.join("dist"))
        .env("NODE_PATH", tools::node_dir(root).join("node_modules"))
        .env("FACHWERK_E2E_OUT", root.join("target/e2e"))
}

fn bench(args: &[String]) -> Result<()> {
    bench::run(&root(), args)
}
