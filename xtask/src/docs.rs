//! `cargo xtask docs`: generates the reference pages of the handbook (docs/) from `shared`,
//! builds it with mdBook and checks every internal link offline.
//!
//! Generated (and committed, so reviewers see them): one page per block type from the catalogue
//! and the workflow JSON Schema merged with docs/bausteine.toml, one page per finding code from
//! `validate::CODES` merged with docs/befunde.toml and the validation fixtures (before/after),
//! copies of the JSON Schemas, and the generated parts of SUMMARY.md. `--check` fails when any of
//! them is stale instead of writing it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use fachwerk_shared::catalog::{self, BlockInfo};
use fachwerk_shared::validate::{CodeInfo, CODES};
use fachwerk_shared::{diff, parse_workflow, validate, Severity};
use serde::Deserialize;
use serde_json::Value;

use crate::{linkcheck, tools};

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
    check_tutorial_sentences(&root.join("docs/src/erste-schritte"))?;
    build_book(root)
}

/// Longest sentence allowed in the tutorial: it is written for clerks in plain German, with
/// Leichte Sprache as the yardstick (short sentences, one statement each).
const TUTORIAL_MAX_WORDS: usize = 25;

fn check_tutorial_sentences(dir: &Path) -> Result<()> {
    let mut too_long = Vec::new();
    let mut count = 0;
    let mut words_total = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path)?;
        for sentence in sentences(&text) {
            let words = sentence.split_whitespace().count();
            count += 1;
            words_total += words;
            if words > TUTORIAL_MAX_WORDS {
                too_long.push(format!("{}: {words} words: {sentence}", path.display()));
            }
        }
    }
    if !too_long.is_empty() {
        bail!(
            "tutorial sentences longer than {TUTORIAL_MAX_WORDS} words:\n  {}",
            too_long.join("\n  ")
        );
    }
    eprintln!(
        "xtask: tutorial: {count} sentences, {:.1} words on average, none over {TUTORIAL_MAX_WORDS}",
        words_total as f64 / count.max(1) as f64
    );
    Ok(())
}

/// The prose sentences of a Markdown page: paragraphs and list items, without headings, tables,
/// images, code blocks and link targets.
fn sentences(markdown: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let item = t.strip_prefix("- ").or_else(|| {
            t.split_once(". ")
                .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                .map(|(_, rest)| rest)
        });
        let is_item = item.is_some();
        let skip = in_code || t.starts_with('#') || t.starts_with('|') || t.starts_with("![");
        if skip || t.is_empty() || is_item {
            units.push(std::mem::take(&mut current));
        }
        if !skip {
            current.push(' ');
            current.push_str(item.unwrap_or(t).trim_start_matches('>'));
        }
    }
    units.push(current);
    let mut out = Vec::new();
    for unit in units {
        let plain = strip_link_targets(&unit);
        let mut sentence = String::new();
        let mut chars = plain.chars().peekable();
        while let Some(c) = chars.next() {
            sentence.push(c);
            let ends = matches!(c, '.' | '!' | '?' | ':')
                && chars.peek().is_none_or(|n| n.is_whitespace());
            if ends {
                out.push(std::mem::take(&mut sentence));
            }
        }
        out.push(sentence);
    }
    out.into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.split_whitespace().count() > 1)
        .collect()
}

/// `[text](target)` → `text`.
fn strip_link_targets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i]);
        match rest[i..].find(')') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out.replace('[', "")
}

/// Builds the handbook from docs/ as committed (no generation) and checks its links; used by
/// `docs`, `run` and `dist` so the server can offer it under /hilfe/.
pub fn build_book(root: &Path) -> Result<()> {
    tools::ensure_mdbook(root)?;
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
    Ok(())
}

/// Everything `generate` writes, relative to docs/.
fn generated_dirs() -> [&'static str; 3] {
    [
        "src/referenz/bausteine",
        "src/referenz/befunde",
        "src/referenz/schema",
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
        let order = param_order(&block_toml, tag);
        let page = block_page(info, text, &order, &schema, &code_texts)
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
        blocks_index(),
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
        let page = code_page(info, text, &blocks, &fixtures)
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
        codes_index(&code_texts),
    );

    for name in ["workflow.schema.json", "case.schema.json"] {
        let text = std::fs::read_to_string(root.join("shared/schema").join(name))
            .with_context(|| format!("shared/schema/{name}"))?;
        files.insert(PathBuf::from("src/referenz/schema").join(name), text);
    }

    let summary = std::fs::read_to_string(docs.join("src/SUMMARY.md"))?;
    let summary = replace_region(&summary, "bausteine", &block_entries.join("\n"))?;
    let summary = replace_region(&summary, "befunde", &code_entries.join("\n"))?;
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

fn severity_de(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Fehler",
        Severity::Warning => "Warnung",
        Severity::Info => "Hinweis",
    }
}

fn severity_meaning(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Ein Fehler verhindert das Veröffentlichen.",
        Severity::Warning => "Eine Warnung verhindert das Veröffentlichen nicht. Prüfen Sie trotzdem, ob sie zutrifft.",
        Severity::Info => "Ein Hinweis ist weder Fehler noch Warnung; er macht auf etwas aufmerksam.",
    }
}

// ---------------------------------------------------------------------------------------------
// Block pages

/// Parameter names of a block in the order docs/bausteine.toml lists them (the designer's order;
/// TOML tables themselves are unordered).
fn param_order(toml_text: &str, tag: &str) -> Vec<String> {
    let prefix = format!("[{tag}.parameter.");
    toml_text
        .lines()
        .filter_map(|l| l.trim().strip_prefix(&prefix)?.strip_suffix(']'))
        .map(str::to_string)
        .collect()
}

fn block_page(
    info: &BlockInfo,
    text: &BlockText,
    order: &[String],
    schema: &Value,
    codes: &BTreeMap<String, CodeText>,
) -> Result<String> {
    let tag = info.block_type.tag();
    let params = params_schema(schema, tag)?;
    let props = params
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    check_keys(
        &format!("docs/bausteine.toml [{tag}.parameter]"),
        text.parameter.keys().map(String::as_str),
        props.keys().map(String::as_str),
    )?;
    check_keys(
        &format!("docs/bausteine.toml [{tag}.parameter.*] headers"),
        order.iter().map(String::as_str),
        props.keys().map(String::as_str),
    )?;

    let mut out = format!("{GENERATED}\n\n# {}\n\n", info.name_de);
    out += &format!(
        "*{} · Englisch: {} · Palettengruppe: {} · im JSON: `\"type\": \"{tag}\"`*\n\n",
        info.icon,
        info.name_en,
        info.group.name_de()
    );
    out += &format!(
        "> **Hilfetext in der Palette:** {}\n\n## Wozu\n\n{}\n",
        info.help_de,
        text.zweck.trim()
    );
    if info.human_task {
        out += "\nDiesen Baustein bearbeiten Menschen. Sie können eine \
                [Eskalation](eskalation.md) anhängen, die seine Bearbeitungszeit überwacht.\n";
    }

    out += "\n## Parameter\n\n";
    if props.is_empty() {
        out += "Dieser Baustein hat keine Parameter.\n";
    } else {
        out += "| Feld im Designer | Name im JSON | Typ | Vorgabe | Bedeutung |\n|---|---|---|---|---|\n";
        let defs = &schema["definitions"];
        for name in order {
            let (Some(prop), Some(p)) = (props.get(name), text.parameter.get(name)) else {
                bail!("docs/bausteine.toml: parameter {name} of {tag} is not in the schema");
            };
            let typ = param_type(prop, defs, p.typ.as_deref());
            let default = prop.get("default").map_or("—".to_string(), show_default);
            out += &format!(
                "| {} | `{name}` | {} | {} | {} |\n",
                cell(&p.feld),
                cell(&typ),
                cell(&default),
                cell(&p.text)
            );
        }
    }

    out += &format!("\n## Ausgänge\n\n{}\n\n", text.ausgaenge.trim());
    let ports = catalog::ports(&info.block_type.default_kind());
    if ports.is_empty() {
        out += "Ein neu eingefügter Baustein dieses Typs hat keine Ausgänge.\n";
    } else {
        out += "Ein neu eingefügter Baustein hat diese Ausgänge:\n\n| Beschriftung | Name im JSON |\n|---|---|\n";
        for p in ports {
            out += &format!("| {} | `{}` |\n", cell(&p.label_de), p.name);
        }
    }
    if let Some(recht) = &text.recht {
        out += &format!("\n## Rechtsgrundlage\n\n{}\n", recht.trim());
    }
    out += &format!("\n## BPMN 2.0\n\n{}\n", text.bpmn.trim());
    out += "\n## Befunde der Prüfung\n\n";
    for code in &text.befunde {
        out += &format!(
            "- [`{code}`](../befunde/{code}.md) – {}\n",
            codes[code].titel
        );
    }
    Ok(out)
}

/// The JSON Schema of a block type's `params` (resolved from the `Block` definition).
fn params_schema<'a>(schema: &'a Value, tag: &str) -> Result<&'a Value> {
    let defs = &schema["definitions"];
    let variants = defs["Block"]["oneOf"]
        .as_array()
        .context("schema: Block.oneOf missing")?;
    let variant = variants
        .iter()
        .find(|v| v["properties"]["type"]["const"] == tag)
        .with_context(|| format!("schema: no Block variant for {tag}"))?;
    resolve(&variant["properties"]["params"], defs)
        .with_context(|| format!("schema: params of {tag} not resolvable"))
}

fn resolve<'a>(v: &'a Value, defs: &'a Value) -> Option<&'a Value> {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => defs.get(r.strip_prefix("#/definitions/")?),
        None => Some(v),
    }
}

/// The referenced definition behind `$ref`, `allOf: [$ref]` or `anyOf: [$ref, null]`.
fn referenced<'a>(prop: &'a Value, defs: &'a Value) -> Option<(&'a str, &'a Value)> {
    let direct = prop.get("$ref").map(|_| prop);
    let wrapped = ["allOf", "anyOf"].iter().find_map(|k| {
        prop.get(*k)?
            .as_array()?
            .iter()
            .find(|v| v.get("$ref").is_some())
    });
    let r = direct.or(wrapped)?.get("$ref")?.as_str()?;
    let name = r.strip_prefix("#/definitions/")?;
    Some((name, defs.get(name)?))
}

fn enum_values(def: &Value) -> Option<String> {
    let values: Vec<String> = def
        .get("enum")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(|s| format!("`{s}`"))
        .collect();
    Some(values.join(", "))
}

/// A German type description from the schema; `own` overrides the name, enum values stay.
fn param_type(prop: &Value, defs: &Value, own: Option<&str>) -> String {
    let item = prop.get("items").unwrap_or(prop);
    let is_list = prop.get("type").and_then(Value::as_str) == Some("array");
    let values = referenced(item, defs).and_then(|(_, d)| enum_values(d));
    let from_schema = || {
        if let Some((name, _)) = referenced(prop, defs) {
            return match name {
                "Assignee" => "Zuständigkeit".to_string(),
                "Money" => "Betrag".to_string(),
                _ if values.is_some() => "Auswahl".to_string(),
                other => other.to_string(),
            };
        }
        let ty = match &prop["type"] {
            Value::Array(ts) => ts
                .iter()
                .find(|t| *t != "null")
                .cloned()
                .unwrap_or_default(),
            t => t.clone(),
        };
        match ty.as_str() {
            Some("boolean") => "Ja/Nein".to_string(),
            Some("integer") => "Ganzzahl".to_string(),
            Some("array") if values.is_some() => "Liste".to_string(),
            Some("array") => "Liste".to_string(),
            _ => "Text".to_string(),
        }
    };
    let name = own.map_or_else(from_schema, str::to_string);
    match values {
        Some(v) if is_list => format!("{name} aus {v}"),
        Some(v) => format!("{name}: {v}"),
        None => name,
    }
}

fn show_default(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "ja".into(),
        Value::Bool(false) => "nein".into(),
        Value::String(s) if s.is_empty() => "leer".into(),
        Value::Array(a) if a.is_empty() => "leer".into(),
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn blocks_index() -> String {
    let mut out = format!(
        "{GENERATED}\n\n# Bausteine\n\nFachwerk hat {} Bausteine. Sie stehen in der Palette links, \
         nach Gruppen geordnet. Jede Seite erklärt einen Baustein: wozu er dient, seine Parameter, \
         seine Ausgänge, die Rechtsgrundlage und wie er in BPMN 2.0 exportiert wird.\n",
        catalog::all().len()
    );
    for group in catalog::PaletteGroup::ALL {
        out += &format!(
            "\n## {}\n\n| Baustein | Wozu |\n|---|---|\n",
            group.name_de()
        );
        for info in catalog::all().iter().filter(|i| i.group == group) {
            out += &format!(
                "| {} [{}]({}.md) | {} |\n",
                info.icon,
                info.name_de,
                info.block_type.tag(),
                cell(info.help_de)
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Finding pages

fn code_page(
    info: &CodeInfo,
    text: &CodeText,
    blocks: &[&BlockInfo],
    fixtures: &Path,
) -> Result<String> {
    let code = info.code;
    let mut out = format!("{GENERATED}\n\n# {code}: {}\n\n", text.titel);
    out += &format!(
        "*{}* · {} · Kurz (englisch): {}\n\n",
        severity_de(info.severity),
        severity_meaning(info.severity),
        info.meaning
    );
    if !blocks.is_empty() {
        let links: Vec<String> = blocks
            .iter()
            .map(|b| format!("[{}](../bausteine/{}.md)", b.name_de, b.block_type.tag()))
            .collect();
        out += &format!("Betrifft: {}\n\n", links.join(", "));
    }
    out += &format!(
        "## Was bedeutet das?\n\n{}\n\n## Warum ist das wichtig?\n\n{}\n\n## Was tun?\n\n{}\n\n",
        text.bedeutung.trim(),
        text.warum.trim(),
        text.behebung.trim()
    );
    out += &example(code, fixtures)?;
    Ok(out)
}

/// Before/after from the fixture pair that the validation tests check (`CODE.json` triggers
/// exactly this code, `CODE.ok.json` is clean), so the example cannot go stale.
fn example(code: &str, fixtures: &Path) -> Result<String> {
    let load = |name: String| -> Result<fachwerk_shared::Workflow> {
        let path = fixtures.join(&name);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        parse_workflow(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))
    };
    let before = load(format!("{code}.json"))?;
    let mut after = load(format!("{code}.ok.json"))?;
    let findings: Vec<_> = validate(&before)
        .into_iter()
        .filter(|f| f.code == code)
        .collect();
    let Some(finding) = findings.first() else {
        bail!("fixture {code}.json does not trigger {code}");
    };
    if !validate(&after).is_empty() {
        bail!("fixture {code}.ok.json is not clean");
    }
    // The fixtures differ in their name ("… (near miss)"); that is not part of the example.
    after.name = before.name.clone();
    let changes = diff::diff(&before, &after).changes;

    let mut out = format!(
        "## Beispiel\n\nDas Beispiel stammt aus den Prüftests von Fachwerk \
         (`shared/tests/fixtures/validate/{code}.json` und `{code}.ok.json`).\n\n\
         **Vorher** meldet die Prüfung unter „Probleme“:\n\n> {} `{code}`: {}\n",
        severity_de(finding.severity),
        finding.message_de
    );
    if let Some(hint) = &finding.hint_de {
        out += &format!(">\n> *Tipp:* {hint}\n");
    }
    out += "\n**Die Änderung** – so beschreibt sie der Versionsvergleich:\n\n";
    const SHOWN: usize = 6;
    for c in changes.iter().take(SHOWN) {
        out += &format!("- {}\n", c.message_de);
    }
    if changes.len() > SHOWN {
        out += &format!("- … und {} weitere Änderungen\n", changes.len() - SHOWN);
    }
    if changes.is_empty() {
        out += "- (nur Angaben zum Ablauf selbst, zum Beispiel Schlüssel oder Version)\n";
    }
    out += "\n**Nachher** meldet die Prüfung keine Probleme.\n";
    Ok(out)
}

fn codes_index(texts: &BTreeMap<String, CodeText>) -> String {
    let mut out = format!(
        "{GENERATED}\n\n# Befunde der Prüfung\n\nFachwerk prüft den Ablauf bei jeder Änderung. \
         Was die Prüfung findet, steht im Designer unter „Probleme“. Jeder Befund hat einen Code, \
         zum Beispiel `E_THRESHOLD_GAP`. Der erste Buchstabe sagt, wie schwer er wiegt:\n\n\
         - **E** – Fehler: Der Ablauf kann so nicht veröffentlicht werden.\n\
         - **W** – Warnung: Veröffentlichen ist möglich, aber prüfen Sie die Stelle.\n\
         - **I** – Hinweis: nur zur Information.\n\n\
         Es gibt {} Codes.\n\n| Code | Schwere | Bedeutung |\n|---|---|---|\n",
        CODES.len()
    );
    for info in CODES {
        out += &format!(
            "| [`{0}`]({0}.md) | {1} | {2} |\n",
            info.code,
            severity_de(info.severity),
            cell(&texts[info.code].titel)
        );
    }
    out
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
    fn sentences_skip_tables_code_and_link_targets() {
        let md = "# Titel\n\nErster Satz. Zweiter [Satz](a/b.md) hier!\n\n| a | b |\n\n\
                  ```sh\nnicht zählen\n```\n- Punkt eins\n- Punkt zwei: weiter\n";
        assert_eq!(
            sentences(md),
            vec![
                "Erster Satz.",
                "Zweiter Satz hier!",
                "Punkt eins",
                "Punkt zwei:"
            ]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
        );
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
