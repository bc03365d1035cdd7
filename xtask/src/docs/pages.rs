//! Rendering of the generated reference pages: one per block type, one per finding code, and
//! their two index pages.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use fachwerk_shared::catalog::{self, BlockInfo};
use fachwerk_shared::validate::{CodeInfo, CODES};
use fachwerk_shared::{diff, parse_workflow, validate, Severity};
use serde_json::Value;

use super::{check_keys, BlockText, CodeText, GENERATED};

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
pub(super) fn param_order(toml_text: &str, tag: &str) -> Vec<String> {
    let prefix = format!("[{tag}.parameter.");
    toml_text
        .lines()
        .filter_map(|l| l.trim().strip_prefix(&prefix)?.strip_suffix(']'))
        .map(str::to_string)
        .collect()
}

pub(super) fn block_page(
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

pub(super) fn blocks_index() -> String {
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

pub(super) fn code_page(
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
    let mut changes: Vec<String> = diff::diff(&before, &after)
        .changes
        .into_iter()
        .map(|c| c.message_de)
        .collect();
    // The version is set when publishing, so the diff does not report it.
    if before.version != after.version {
        changes.push(format!(
            "Version von „{}“ in „{}“ geändert",
            before.version, after.version
        ));
    }

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
    out += "\n**Die Änderung:**\n\n";
    const SHOWN: usize = 6;
    for c in changes.iter().take(SHOWN) {
        out += &format!("- {c}\n");
    }
    if changes.len() > SHOWN {
        out += &format!("- … und {} weitere Änderungen\n", changes.len() - SHOWN);
    }
    if changes.is_empty() {
        bail!("fixtures {code}.json and {code}.ok.json differ in nothing the example can show");
    }
    out += "\n**Nachher** meldet die Prüfung keine Probleme.\n";
    Ok(out)
}

pub(super) fn codes_index(texts: &BTreeMap<String, CodeText>) -> String {
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
