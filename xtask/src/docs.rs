//! `cargo xtask docs`: generates the reference pages of the handbook (docs/) from `shared`,
//! builds it with mdBook and checks every internal link offline.
//!
//! Generated (and committed, so reviewers see them): one page per block type from the catalogue
//! and the workflow JSON Schema merged with docs/bausteine.toml, one page per finding code from
//! `validate::CODES` merged with docs/befunde.toml and the validation fixtures (before/after),
//! copies of the JSON Schemas, the HTTP API reference from the server's OpenAPI document
//! (`api`), and the generated parts of SUMMARY.md. `--check` fails when any of
//! them is stale instead of writing it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use fachwerk_shared::catalog::{self, BlockInfo};
use fachwerk_shared::validate::CODES;
use serde::Deserialize;
use serde_json::Value;

use crate::tools;

mod api;
mod linkcheck;
mod pages;
mod plain_language;

/// Marks every generated file; the handbook test in `shared` relies on it too.
const GENERATED: &str = "<!-- Generiert von `cargo xtask docs` – nicht von Hand ändern. -->";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockText {
    zweck: String,
    ausgaenge: String,
    #[serde(default)]
    recht: Option<String>,
    bpmn: String,
    befunde: Vec<String>,
    parameter: BTreeMap<String, ParamText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamText {
    feld: String,
    text: String,
    #[serde(default)]
    typ: Option<String>,
}

/// A screenshot the tutorial's browser test produces (docs/bilder.toml).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Screenshot {
    seite: String,
    zeigt: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeText {
    titel: String,
    bedeutung: String,
    warum: String,
    behebung: String,
}

/// `cargo xtask docs [--check]`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let check = args.iter().any(|a| a == "--check");
    let files = generate(root)?;
    if check {
        check_fresh(root, &files)?;
    } else {
        write_all(root, &files)?;
    }
    plain_language::check_tutorial_sentences(&root.join("docs/src/erste-schritte"))?;
    build_book(root)
}

/// What `mdbook build docs` reads (for `crate::fingerprint`).
pub const BOOK_SOURCES: (&[&str], &[&str]) = (&["docs/src"], &["docs/book.toml"]);

/// The fingerprint of the handbook's sources, written by every build.
pub const BOOK_STAMP: &str = "docs/book/.xtask-fingerprint";

/// Builds the handbook from docs/ as committed (no generation) and checks its links; used by
/// `docs`, `run` and `dist` so the server can offer it under /hilfe/.
pub fn build_book(root: &Path) -> Result<()> {
    tools::ensure_mdbook(root)?;
    // Read before the build: a page changed meanwhile makes the next `run` build again.
    let sources = crate::fingerprint(root, BOOK_SOURCES)?;
    build(root)?;
    let shots: BTreeMap<String, Screenshot> = read_toml(&root.join("docs/bilder.toml"))?;
    let pending: BTreeSet<String> = shots.keys().map(|n| format!("bilder/{n}.png")).collect();
    let report = linkcheck::check(&root.join("docs/book"), &pending)?;
    eprintln!(
        "xtask: handbook: {} pages, {} internal links checked, all resolve",
        report.pages, report.links
    );
    if !report.missing_pending.is_empty() {
        eprintln!(
            "xtask: handbook: {} screenshots not produced yet (docs/bilder.toml; the tutorial's browser test makes them):",
            report.missing_pending.len()
        );
        for (name, shot) in &shots {
            if report
                .missing_pending
                .contains(&format!("bilder/{name}.png"))
            {
                eprintln!("  bilder/{name}.png ({}): {}", shot.seite, shot.zeigt);
            }
        }
    }
    std::fs::write(root.join(BOOK_STAMP), sources)?;
    Ok(())
}

/// Everything `generate` writes, relative to docs/.
fn generated_dirs() -> [&'static str; 4] {
    [
        "src/referenz/bausteine",
        "src/referenz/befunde",
        "src/referenz/schema",
        api::DIR,
    ]
}

fn generate(root: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let docs = root.join("docs");
    let block_texts: BTreeMap<String, BlockText> = read_toml(&docs.join("bausteine.toml"))?;
    let block_toml = std::fs::read_to_string(docs.join("bausteine.toml"))?;
    let code_texts: BTreeMap<String, CodeText> = read_toml(&docs.join("befunde.toml"))?;
    let schema: Value = serde_json::from_str(&fachwerk_shared::workflow_schema())?;
    check_keys(
        "docs/bausteine.toml",
        block_texts.keys().map(String::as_str),
        catalog::all().iter().map(|i| i.block_type.tag()),
    )?;
    check_keys(
        "docs/befunde.toml",
        code_texts.keys().map(String::as_str),
        CODES.iter().map(|c| c.code),
    )?;

    let mut files = BTreeMap::new();
    let mut block_entries = Vec::new();
    for info in catalog::all() {
        let tag = info.block_type.tag();
        let text = &block_texts[tag];
        for code in &text.befunde {
            if !code_texts.contains_key(code) {
                bail!("docs/bausteine.toml: [{tag}] lists unknown finding code {code}");
            }
        }
        let order = pages::param_order(&block_toml, tag);
        let page = pages::block_page(info, text, &order, &schema, &code_texts)
            .with_context(|| format!("block page {tag}"))?;
        files.insert(
            PathBuf::from(format!("src/referenz/bausteine/{tag}.md")),
            page,
        );
        block_entries.push(format!(
            "  - [{}](referenz/bausteine/{tag}.md)",
            info.name_de
        ));
    }
    files.insert(
        PathBuf::from("src/referenz/bausteine/index.md"),
        pages::blocks_index(),
    );

    let fixtures = root.join("shared/tests/fixtures/validate");
    let mut code_entries = Vec::new();
    for info in CODES {
        let text = &code_texts[info.code];
        let blocks: Vec<&BlockInfo> = catalog::all()
            .iter()
            .filter(|b| {
                block_texts[b.block_type.tag()]
                    .befunde
                    .iter()
                    .any(|c| c == info.code)
            })
            .collect();
        let page = pages::code_page(info, text, &blocks, &fixtures)
            .with_context(|| format!("finding page {}", info.code))?;
        files.insert(
            PathBuf::from(format!("src/referenz/befunde/{}.md", info.code)),
            page,
        );
        code_entries.push(format!(
            "  - [{}](referenz/befunde/{}.md)",
            info.code, info.code
        ));
    }
    files.insert(
        PathBuf::from("src/referenz/befunde/index.md"),
        pages::codes_index(&code_texts),
    );

    for name in ["workflow.schema.json", "case.schema.json"] {
        let text = std::fs::read_to_string(root.join("shared/schema").join(name))
            .with_context(|| format!("shared/schema/{name}"))?;
        files.insert(PathBuf::from("src/referenz/schema").join(name), text);
    }

    let api = api::pages(&api::document(root)?)?;
    files.extend(api.files);

    let summary = std::fs::read_to_string(docs.join("src/SUMMARY.md"))?;
    let summary = replace_region(&summary, "bausteine", &block_entries.join("\n"))?;
    let summary = replace_region(&summary, "befunde", &code_entries.join("\n"))?;
    let summary = replace_region(&summary, "api", &api.summary.join("\n"))?;
    files.insert(PathBuf::from("src/SUMMARY.md"), summary);
    Ok(files)
}

fn read_toml<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{}", path.display()))
}

/// Both directions: every expected key has a text and every text belongs to an expected key.
fn check_keys<'a>(
    what: &str,
    have: impl Iterator<Item = &'a str>,
    want: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let have: BTreeSet<&str> = have.collect();
    let want: BTreeSet<&str> = want.collect();
    let missing: Vec<&&str> = want.difference(&have).collect();
    let unknown: Vec<&&str> = have.difference(&want).collect();
    if !missing.is_empty() || !unknown.is_empty() {
        bail!("{what}: missing entries {missing:?}, entries for unknown keys {unknown:?}");
    }
    Ok(())
}

/// Replaces the lines between `<!-- generiert: NAME -->` and `<!-- /generiert: NAME -->`.
fn replace_region(text: &str, name: &str, body: &str) -> Result<String> {
    let open = format!("<!-- generiert: {name} -->");
    let close = format!("<!-- /generiert: {name} -->");
    let (Some(a), Some(b)) = (text.find(&open), text.find(&close)) else {
        bail!("docs/src/SUMMARY.md: markers {open} … {close} missing");
    };
    let start = a + open.len();
    if b < start {
        bail!("docs/src/SUMMARY.md: {close} before {open}");
    }
    Ok(format!("{}\n{body}\n{}", &text[..start], &text[b..]))
}

// ---------------------------------------------------------------------------------------------
// Writing, staleness, building

fn write_all(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<()> {
    let docs = root.join("docs");
    for stale in stale_files(root, files)? {
        if !files.contains_key(&stale) {
            std::fs::remove_file(docs.join(&stale))?;
        }
    }
    for (rel, text) in files {
        let path = docs.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, text)?;
            eprintln!("xtask: wrote docs/{}", rel.display());
        }
    }
    Ok(())
}

/// Generated files that differ from what is on disk, plus files in the generated folders that
/// the generator no longer produces.
fn stale_files(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Vec<PathBuf>> {
    let docs = root.join("docs");
    let mut stale = Vec::new();
    for (rel, text) in files {
        if std::fs::read_to_string(docs.join(rel)).ok().as_deref() != Some(text.as_str()) {
            stale.push(rel.clone());
        }
    }
    for dir in generated_dirs() {
        let Ok(entries) = std::fs::read_dir(docs.join(dir)) else {
            continue;
        };
        for entry in entries {
            let rel = Path::new(dir).join(entry?.file_name());
            if !files.contains_key(&rel) {
                stale.push(rel);
            }
        }
    }
    Ok(stale)
}

fn check_fresh(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<()> {
    let stale = stale_files(root, files)?;
    if !stale.is_empty() {
        let list: Vec<String> = stale
            .iter()
            .map(|p| format!("  docs/{}", p.display()))
            .collect();
        bail!(
            "generated handbook pages are stale; run `cargo xtask docs` and commit:\n{}",
            list.join("\n")
        );
    }
    Ok(())
}

/// `mdbook build docs`; any warning mdBook prints fails the build.
fn build(root: &Path) -> Result<()> {
    eprintln!("xtask: $ mdbook build docs");
    let out = Command::new("mdbook")
        .args(["build", "docs"])
        .current_dir(root)
        .env("PATH", tools::path_with_tools(root))
        .output()
        .context("cannot start mdbook")?;
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprint!("{log}");
    if !out.status.success() {
        bail!("mdbook build failed with {}", out.status);
    }
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect();
    if !warnings.is_empty() {
        bail!("mdbook printed warnings:\n{}", warnings.join("\n"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_replacement_keeps_the_markers() {
        let text = "a\n<!-- generiert: x -->\nold\n<!-- /generiert: x -->\nb\n";
        let out = replace_region(text, "x", "new").unwrap_or_default();
        assert_eq!(
            out,
            "a\n<!-- generiert: x -->\nnew\n<!-- /generiert: x -->\nb\n"
        );
        assert!(replace_region("no markers", "x", "new").is_err());
    }

    #[test]
    fn key_check_names_both_directions() {
        let err = check_keys("t", ["a", "b"].into_iter(), ["b", "c"].into_iter())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("\"c\"") && err.contains("\"a\""), "{err}");
    }
}
