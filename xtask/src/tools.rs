//! Finding and installing the tools the build needs, idempotently and fast when present.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::sh;

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132";
/// esbuild, the minifier of the page's JS and CSS (`crate::minify`).
const ESBUILD_VERSION: &str = "0.28.2";
const MDBOOK_VERSION: &str = "0.5.4";
/// `wasm_split_cli_support`, whose `wasm-split-cli` splits the designer's wasm
/// (`crate::designer`); the protocol of the `wasm_split_helpers` Leptos brings (0.2).
const WASM_SPLIT_VERSION: &str = "0.2.4";

/// `wasm-split-cli`, installed into a folder named after its version (it has no `--version`).
pub fn wasm_split_cli(root: &Path) -> PathBuf {
    root.join(format!(
        ".tools/wasm-split-{WASM_SPLIT_VERSION}/bin/wasm-split-cli"
    ))
}

/// Folder (git-ignored) for npm-installed tools and test peers.
pub fn node_dir(root: &Path) -> PathBuf {
    root.join(".tools/node")
}

/// PATH with the npm tools (wasm-opt, esbuild) and cargo's bin dir first.
pub fn path_with_tools(root: &Path) -> String {
    let mut parts = vec![node_dir(root).join("node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        parts.push(home.join("bin"));
    }
    let old = std::env::var_os("PATH").unwrap_or_default();
    parts.extend(std::env::split_paths(&old));
    std::env::join_paths(parts)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn output_of(program: &str, args: &[&str], root: &Path) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("PATH", path_with_tools(root))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The wasm-bindgen version locked in Cargo.lock; the CLI must match it exactly.
fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("Cargo.lock missing")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen not found in Cargo.lock")
}

pub fn ensure_frontend_tools(root: &Path) -> Result<()> {
    ensure_wasm_target(root)?;
    ensure_cargo_tools(root)?;
    ensure_npm_build_tools(root)
}

pub fn ensure_wasm_target(root: &Path) -> Result<()> {
    let installed =
        output_of("rustup", &["target", "list", "--installed"], root).unwrap_or_default();
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        sh(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// trunk and the wasm-bindgen CLI, built by `cargo install`, side by side: each has a serial
/// tail (its largest crates, the link) that the other's compile fills on two cores.
pub fn ensure_cargo_tools(root: &Path) -> Result<()> {
    let wbg = locked_wasm_bindgen(root)?;
    let trunk_toml = std::fs::read_to_string(root.join("Trunk.toml")).unwrap_or_default();
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wbg}\"")) {
        bail!("Trunk.toml pins another wasm_bindgen than Cargo.lock ({wbg}); update Trunk.toml");
    }
    let mut bindgen = in_background({
        let root = root.to_path_buf();
        move || {
            let have = output_of("wasm-bindgen", &["--version"], &root).unwrap_or_default();
            if have == format!("wasm-bindgen {wbg}") {
                return Ok(());
            }
            eprintln!("xtask: installing wasm-bindgen-cli {wbg} (found: {have:?})");
            // Not --locked: its lock pins a webpki-roots version the registry no longer serves.
            // Only the `wasm-bindgen` binary: the test runner beside it brings an HTTP stack.
            cargo_install("wasm-bindgen-cli", &wbg, "1", &["--bin", "wasm-bindgen"])
        }
    });
    let mut split = in_background({
        let root = root.to_path_buf();
        move || {
            if wasm_split_cli(&root).is_file() {
                return Ok(());
            }
            eprintln!("xtask: installing wasm-split-cli {WASM_SPLIT_VERSION}");
            let dir = root.join(format!(".tools/wasm-split-{WASM_SPLIT_VERSION}"));
            let dir = dir.to_string_lossy();
            cargo_install(
                "wasm_split_cli_support",
                WASM_SPLIT_VERSION,
                "1",
                &["--locked", "--features", "build-binary", "--root", &dir],
            )
        }
    });
    let trunk = output_of("trunk", &["--version"], root).unwrap_or_default();
    let installed = if trunk != format!("trunk {TRUNK_VERSION}") {
        eprintln!("xtask: installing trunk {TRUNK_VERSION} (found: {trunk:?}); this takes a few minutes once");
        // Without its default features (TLS for downloading tools, the update check): Trunk.toml
        // keeps trunk offline, the xtask installs the tools.
        cargo_install(
            "trunk",
            TRUNK_VERSION,
            "0",
            &["--locked", "--no-default-features"],
        )
    } else {
        Ok(())
    };
    let bindgen_installed = bindgen.wait();
    let split_installed = split.wait();
    installed.and(bindgen_installed).and(split_installed)
}

/// The build's tools from npm, into `.tools/node`: binaryen's wasm-opt and esbuild (never at the
/// same time as `ensure_node_peers`, both run npm on that folder).
pub fn ensure_npm_build_tools(root: &Path) -> Result<()> {
    let opt = output_of("wasm-opt", &["--version"], root).unwrap_or_default();
    let esbuild = output_of("esbuild", &["--version"], root).unwrap_or_default();
    if !opt.contains(&format!("version {BINARYEN_VERSION}")) || esbuild != ESBUILD_VERSION {
        let dir = node_dir(root);
        std::fs::create_dir_all(&dir)?;
        eprintln!(
            "xtask: installing binaryen@{BINARYEN_VERSION} (wasm-opt) and esbuild@{ESBUILD_VERSION} from npm into {}",
            dir.display()
        );
        sh(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("binaryen@{BINARYEN_VERSION}"))
            .arg(format!("esbuild@{ESBUILD_VERSION}")))?;
    }
    Ok(())
}

/// Runs `install` on its own thread, so that downloading and compiling tools overlaps with
/// compiling the workspace; `Background::wait` returns its result.
pub fn in_background(install: impl FnOnce() -> Result<()> + Send + 'static) -> Background {
    Background(Some(std::thread::spawn(install)))
}

pub struct Background(Option<std::thread::JoinHandle<Result<()>>>);

impl Background {
    pub fn wait(&mut self) -> Result<()> {
        match self.0.take() {
            Some(handle) => handle
                .join()
                .map_err(|_| anyhow::anyhow!("a tool installation panicked"))?,
            None => Ok(()),
        }
    }
}

/// `cargo install` with a light release profile. trunk ships `lto = "fat"` and
/// `codegen-units = 1`: on two cores that alone was most of the 18 minutes a fresh machine spent
/// on tools. Without LTO, with 16 codegen units and the given `opt_level`: trunk only
/// orchestrates (hashing a few MB, rewriting HTML), so `0` builds it in 128 s instead of 193 s at
/// `1` and its builds take as long (23.2 s for the designer either way, 5 December 2026);
/// wasm-bindgen rewrites each wasm file, 3× slower at `0` (2.4 s instead of 0.8 s), so `1`.
fn cargo_install(krate: &str, version: &str, opt_level: &str, extra: &[&str]) -> Result<()> {
    let mut cmd = Command::new("cargo");
    cmd.args(["install", krate, "--version", version])
        .args(extra)
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", opt_level)
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false");
    sh(&mut cmd)
}

/// mdBook for the handbook (docs/); only the docs commands and the handbook test step need it.
pub fn ensure_mdbook(root: &Path) -> Result<()> {
    let have = output_of("mdbook", &["--version"], root).unwrap_or_default();
    if have != format!("mdbook v{MDBOOK_VERSION}") {
        eprintln!("xtask: installing mdbook {MDBOOK_VERSION} (found: {have:?}); this takes a few minutes once");
        // Only what `mdbook build` needs (search included): no server, no file watcher.
        cargo_install(
            "mdbook",
            MDBOOK_VERSION,
            "1",
            &["--locked", "--no-default-features", "--features", "search"],
        )?;
    }
    Ok(())
}

/// npm packages the interop and browser tests run against (real BPMN consumers, axe-core).
pub const NODE_PEERS: &[&str] = &[
    "bpmn-moddle@10.3.1",
    "bpmnlint@11.15.0",
    "bpmn-js@18.31.1",
    "bpmn-js-differ@3.2.0",
    "bpmn-engine@25.0.1",
    "@bpmn-io/feelin@6.1.1",
    "axe-core@4.14.1",
    "bpmnlint-plugin-camunda-compat@2.61.0",
    "camunda-bpmn-moddle@8.0.1",
    "zeebe-bpmn-moddle@2.0.0",
    "@bpmn-io/form-js@1.23.0",
    // The OpenID provider of the single sign-on tests (e2e/oidc/provider.mjs), certified.
    "oidc-provider@9.13.3",
];

/// Installs `NODE_PEERS` into `.tools/node` once (a stamp file remembers the exact list).
pub fn ensure_node_peers(root: &Path) -> Result<()> {
    let dir = node_dir(root);
    let stamp = dir.join(".peers-installed");
    let wanted = NODE_PEERS.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    std::fs::create_dir_all(&dir)?;
    eprintln!(
        "xtask: installing test peers from npm into {}",
        dir.display()
    );
    sh(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .args(NODE_PEERS))?;
    std::fs::write(&stamp, wanted)?;
    Ok(())
}

/// Chromium and chromedriver for the browser tests (Debian packages).
pub fn ensure_chromium() -> Result<()> {
    let present =
        Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists();
    ensure_apt(present, &["chromium", "chromium-driver"])
}

/// What the native test suite needs besides Rust: Python's `xmlschema`, which validates the
/// xdomea messages against the official XSD (shared/tests/simulate_xdomea.rs fails without it),
/// and `aiosmtpd`, the SMTP sink of the mail tests (backend/tests/case_outputs_mail.rs), and
/// poppler-utils and qpdf for the Bescheid PDF (backend/tests/outputs_bescheid.rs).
pub fn ensure_test_tools() -> Result<()> {
    // Debian's interpreter, the one the test uses (a pyenv python3 on PATH would not see it).
    let python = |module: &str| {
        Command::new("/usr/bin/python3")
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    ensure_apt(python("xmlschema"), &["python3-xmlschema"])?;
    ensure_apt(python("aiosmtpd"), &["python3-aiosmtpd"])?;
    // poppler's pdftotext and qpdf check the rendered Bescheid (backend/tests/outputs_bescheid.rs).
    let on_path = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    ensure_apt(on_path("pdftotext"), &["poppler-utils"])?;
    ensure_apt(on_path("qpdf"), &["qpdf"])
}

/// PostgreSQL for the storage tests (backend/tests/db_support starts a throwaway cluster from
/// `/usr/lib/postgresql/<version>/bin` and fails without it): Debian's `postgresql` package.
pub fn ensure_postgres() -> Result<()> {
    let present = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .any(|version| version.path().join("bin/initdb").is_file());
    ensure_apt(present, &["postgresql"])
}

/// Installs Debian packages unless `present`; as root via apt-get, otherwise it prints the
/// command to run and fails.
fn ensure_apt(present: bool, packages: &[&str]) -> Result<()> {
    if present {
        return Ok(());
    }
    let cmd = format!(
        "apt-get update && apt-get install -y {}",
        packages.join(" ")
    );
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !is_root {
        bail!(
            "{} missing. Install with:\n    sudo sh -c '{cmd}'",
            packages.join(", ")
        );
    }
    eprintln!("xtask: installing {} (apt)", packages.join(", "));
    sh(Command::new("sh").args(["-c", &format!("DEBIAN_FRONTEND=noninteractive {cmd}")]))
}
