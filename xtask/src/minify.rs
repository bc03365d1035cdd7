//! The pages' JS and CSS, minified by esbuild (issue 22, first load): wasm-bindgen's JS glue and
//! the style sheet are written for people to read (the designer's glue 70 KB, its style sheet
//! 38 KB); minified, the designer's first load is 4.8 KB smaller in gzip. Trunk's own `--minify`
//! fails on wasm-bindgen's glue and leaves it as it is.
//!
//! esbuild keeps what other files rely on: the names a module exports and imports, the global
//! `wasm_bindgen` of the Web Worker's glue (a classic script, whose top-level names it does not
//! rename) and the keys of the import object the wasm reads. The files are minified in place
//! after Trunk has written its pages, which is why Trunk builds them without subresource
//! integrity (`--no-sri`): the hashes would name the unminified files. The files come from the
//! page's own origin, so the integrity attributes added nothing that HTTPS does not.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::{sh, tools};

/// Minifies the JS and CSS files directly in `dir` (not in its subfolders), in place.
pub fn in_place(root: &Path, dir: &Path) -> Result<()> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("{} missing", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && minified(&path) {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Ok(());
    }
    files.sort();
    sh(Command::new("esbuild")
        .args(&files)
        .arg("--minify")
        .arg(format!("--outdir={}", dir.display()))
        .arg(format!("--outbase={}", dir.display()))
        .arg("--allow-overwrite")
        .arg("--log-level=warning")
        // wasm-split's glue names the loader module twice in the import object; the later key
        // wins before and after minifying.
        .arg("--log-override:duplicate-object-key=silent")
        .env("PATH", tools::path_with_tools(root)))
}

/// Whether [`in_place`] minifies this file: JS and CSS, not their precompressed copies.
fn minified(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("js" | "css")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_and_css_are_minified_their_copies_and_the_wasm_not() {
        for (name, wanted) in [
            ("fachwerk-frontend.js", true),
            ("style-10fd.css", true),
            ("__wasm_split.js", true),
            ("style-10fd.css.gz", false),
            ("fachwerk-frontend.js.br", false),
            ("fachwerk-frontend_bg.wasm", false),
            ("index.html", false),
        ] {
            assert_eq!(minified(Path::new(name)), wanted, "{name}");
        }
    }
}
