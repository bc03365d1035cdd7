//! The designer's wasm, split at the `wasm_split` functions of `frontend/src/main.rs` (issue 22,
//! first load). Trunk cannot split a wasm, so this builds the designer's files and Trunk the
//! page around them (`frontend/index.html`: style sheet, error script, Web Worker); the page's
//! marker comment becomes the designer's loader.
//!
//! The steps are cargo-leptos' for `--split`: the binary is linked with `--emit-relocs`
//! (`frontend/build.rs`); `wasm-split-cli` cuts the code reachable only from a `wasm_split`
//! function into modules of its own plus a JS loader (`__wasm_split.js`); wasm-bindgen (keeping
//! the linker's exports the parts import), `wasm-opt -Oz` on every module and esbuild on the JS
//! (`crate::minify`). The files go
//! into `dist/designer-<hash>/`, where they refer to each other by relative names, so one hash
//! over all of them renames them at once for the browser's cache.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{sh, tools};

/// Where Trunk leaves the designer's loader to this build (`frontend/index.html`).
const MARKER: &str = "<!-- xtask: the designer's loader -->";

/// The binary and its JS module's name.
const NAME: &str = "fachwerk-frontend";

/// `wasm-opt`'s arguments for every wasm of the page: `-Oz` and the wasm features the page may
/// use, with two size options (issue 22, first load; each measured on the designer's main
/// module, `gzip -9`, 5 December 2026). `--low-memory-unused` folds constant address offsets
/// into loads and stores (−2.6 KB): it assumes the first KB of memory is never used, and in a
/// Rust wasm that is the bottom of the 1 MB stack (linked stack-first, it grows down from 1 MB),
/// reached only at an overflow. Inlining a function with one caller only up to 40 instructions
/// (by default any size) leaves fewer near-copies of the same code (−3.4 KB; 0, 20 or 100
/// are within 0.4 KB of it). The Trunk-built pages (`frontend/*.html`, `data-wasm-opt="z"`
/// and `data-wasm-opt-params`) take the same arguments (test below).
const WASM_OPT_ARGS: [&str; 10] = [
    "-Oz",
    "--low-memory-unused",
    "--one-caller-inline-max-function-size=40",
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Whether the designer's page loads this file of its folder only on demand: the split-off
/// parts (`split_*.wasm`) and the code several of them share (`chunk_*.wasm`).
pub fn loaded_on_demand(name: &str) -> bool {
    name.starts_with("split_") || name.starts_with("chunk_")
}

/// Builds the designer from the wasm of `cargo build --profile wasm-release --bin
/// fachwerk-frontend` into `dist/designer-<hash>/` and writes its loader into
/// `dist/index.html` (which Trunk has built).
pub fn build(root: &Path) -> Result<()> {
    // Where cargo put the wasm (`CARGO_TARGET_DIR`, relative to the workspace, or target/).
    let target = root.join(std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into()));
    let input = target.join("wasm32-unknown-unknown/wasm-release/fachwerk-frontend.wasm");
    let work = target.join("designer-split");
    // The finished files are gathered in dist/ (renamed there once their hash is known; the
    // next Trunk build replaces dist/, so a failed build leaves nothing behind for long).
    let out = root.join("dist/designer-unhashed");
    for dir in [&work, &out] {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
    }
    let (split, bound) = (work.join("split"), work.join("bindgen"));
    std::fs::create_dir_all(&out)?;
    sh(Command::new(tools::wasm_split_cli(root))
        .args(["--target", "web", "--out-name", NAME])
        .arg(&input)
        .arg(&split))?;
    sh(Command::new("wasm-bindgen")
        .args(["--target", "web", "--keep-lld-exports", "--no-demangle"])
        .args(["--out-name", NAME, "--out-dir"])
        .arg(&bound)
        .arg(split.join(format!("{NAME}.wasm")))
        .env("PATH", tools::path_with_tools(root)))?;

    // (input, output) of wasm-opt: the main module and every part.
    let mut modules = vec![(
        bound.join(format!("{NAME}_bg.wasm")),
        out.join(format!("{NAME}_bg.wasm")),
    )];
    for entry in std::fs::read_dir(&split)? {
        let path = entry?.path();
        let file = file_name(&path);
        if loaded_on_demand(&file) && file.ends_with(".wasm") {
            modules.push((path, out.join(file)));
        }
    }
    optimise(root, modules)?;
    std::fs::copy(
        bound.join(format!("{NAME}.js")),
        out.join(format!("{NAME}.js")),
    )?;
    std::fs::copy(split.join("__wasm_split.js"), out.join("__wasm_split.js"))?;
    // Before the hash, which then names the files as sent.
    crate::minify::in_place(root, &out)?;

    let folder = format!("designer-{}", content_hash(&out)?);
    let dest = root.join("dist").join(&folder);
    if dest.exists() {
        std::fs::remove_dir_all(&dest)?;
    }
    std::fs::rename(&out, &dest)
        .with_context(|| format!("cannot move the designer to {}", dest.display()))?;

    let index = root.join("dist/index.html");
    let page = std::fs::read_to_string(&index).context("dist/index.html missing")?;
    if !page.contains(MARKER) {
        bail!("dist/index.html has no `{MARKER}` (frontend/index.html)");
    }
    std::fs::write(
        &index,
        without_skipped_link(&page).replace(MARKER, &loader(&folder)),
    )?;
    Ok(())
}

/// The page without the designer's `<link data-trunk rel="rust" … data-trunk-skip>`, which
/// Trunk leaves in (it is there so that Trunk builds no Rust app of its own for the page).
fn without_skipped_link(page: &str) -> String {
    page.lines()
        .filter(|line| !(line.contains("<link data-trunk") && line.contains("data-trunk-skip")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page's tags that load the designer from `/<folder>/`: preloads for what the first
/// screen needs, and the module script that starts it (inline like Trunk's; the server allows
/// the entry pages' inline scripts by their hash, `backend/src/frontend.rs`).
fn loader(folder: &str) -> String {
    let js = format!("/{folder}/{NAME}.js");
    let wasm = format!("/{folder}/{NAME}_bg.wasm");
    format!(
        "<link rel=\"modulepreload\" href=\"{js}\" crossorigin=\"anonymous\">\
         <link rel=\"modulepreload\" href=\"/{folder}/__wasm_split.js\" crossorigin=\"anonymous\">\
         <link rel=\"preload\" href=\"{wasm}\" crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\">\
         <script type=\"module\">import init from '{js}'; await init({{ module_or_path: '{wasm}' }});</script>"
    )
}

/// `wasm-opt` ([`WASM_OPT_ARGS`]) over each (input, output), two at a time (the main module first: it is by far
/// the largest, the parts share the other core).
fn optimise(root: &Path, modules: Vec<(PathBuf, PathBuf)>) -> Result<()> {
    let path = tools::path_with_tools(root);
    let run = |(input, output): &(PathBuf, PathBuf)| {
        sh(Command::new("wasm-opt")
            .args(WASM_OPT_ARGS)
            .arg(input)
            .arg("-o")
            .arg(output)
            .env("PATH", &path))
    };
    let (main, parts) = modules.split_first().context("no designer wasm")?;
    std::thread::scope(|s| {
        let others = s.spawn(|| parts.iter().try_for_each(run));
        let mine = run(main);
        others
            .join()
            .map_err(|_| anyhow::anyhow!("wasm-opt thread panicked"))?
            .and(mine)
    })
}

/// A hash over the names and contents of the files in `dir` (16 hex digits).
fn content_hash(dir: &Path) -> Result<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    files.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    for file in &files {
        file_name(file).hash(&mut hasher);
        std::fs::read(file)?.hash(&mut hasher);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_are_loaded_on_demand_the_main_module_and_the_loader_first() {
        assert!(loaded_on_demand("split_block_form_113965.wasm"));
        assert!(loaded_on_demand("chunk_12.wasm"));
        assert!(!loaded_on_demand("fachwerk-frontend_bg.wasm"));
        assert!(!loaded_on_demand("fachwerk-frontend.js"));
        assert!(!loaded_on_demand("__wasm_split.js"));
    }

    #[test]
    fn trunk_optimises_the_other_pages_as_the_designer() {
        let frontend = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend");
        let (level, params) = WASM_OPT_ARGS.split_first().expect("-Oz first");
        let wanted = format!("data-wasm-opt=\"{}\"", level.trim_start_matches("-O"));
        let wanted_params = format!("data-wasm-opt-params=\"{}\"", params.join(" "));
        let mut rust_links = 0;
        for page in [
            "index.html",
            "cases.html",
            "publishing.html",
            "applicant.html",
        ] {
            let html = std::fs::read_to_string(frontend.join(page)).expect("the page");
            for link in html.lines().filter(|l| l.contains("rel=\"rust\"")) {
                if link.contains("data-trunk-skip") {
                    continue;
                }
                rust_links += 1;
                assert!(link.contains(&wanted), "{page}: {link}");
                assert!(link.contains(&wanted_params), "{page}: {link}");
            }
        }
        // The Web Worker and the three other apps.
        assert_eq!(rust_links, 4);
    }

    #[test]
    fn the_skipped_link_leaves_the_page() {
        let page = "<head>\n<link data-trunk rel=\"rust\" data-bin=\"x\" data-trunk-skip data-trunk-id=\"3\" />\n<!-- xtask: the designer's loader -->\n</head>";
        assert_eq!(
            without_skipped_link(page),
            "<head>\n<!-- xtask: the designer's loader -->\n</head>"
        );
    }

    #[test]
    fn the_loader_starts_the_designer_from_its_folder() {
        let html = loader("designer-00ff");
        assert!(html.contains("import init from '/designer-00ff/fachwerk-frontend.js'"));
        assert!(html.contains("module_or_path: '/designer-00ff/fachwerk-frontend_bg.wasm'"));
        assert!(html.contains("href=\"/designer-00ff/__wasm_split.js\""));
    }
}
