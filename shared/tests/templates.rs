//! The municipal template workflows in `workflows/*.json`: canonical, valid, conventional, and
//! their remaining findings (warnings/infos) pinned as insta snapshots. Also keeps the published
//! JSON Schema `shared/schema/workflow.schema.json` in step with the types.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use fachwerk_shared::{
    parse_workflow, to_canonical_json, validate, workflow_schema, Finding, Workflow,
};

fn workflows_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows")
}

/// All templates as (file stem, text), sorted by stem.
fn templates() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(workflows_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn parsed() -> Vec<(String, Workflow)> {
    templates()
        .into_iter()
        .map(|(stem, text)| {
            let w = parse_workflow(&text).unwrap_or_else(|e| panic!("{stem}.json: {e}"));
            (stem, w)
        })
        .collect()
}

fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("  {} {:?} {}", f.code, f.element, f.message_de))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn there_are_at_least_six_templates() {
    let stems: Vec<String> = templates().into_iter().map(|(s, _)| s).collect();
    for required in [
        "beschaffung",
        "gewerbeanmeldung",
        "reisekostenantrag",
        "sondernutzungserlaubnis",
        "foerderantrag",
    ] {
        assert!(
            stems.iter().any(|s| s == required),
            "missing workflows/{required}.json"
        );
    }
    assert!(stems.len() >= 6, "{stems:?}");
}

#[test]
fn templates_are_in_canonical_form() {
    for (stem, text) in templates() {
        let w = parse_workflow(&text).unwrap_or_else(|e| panic!("{stem}.json: {e}"));
        let canonical = to_canonical_json(&w);
        assert!(
            canonical == text,
            "{stem}.json is not canonical; first difference at byte {}",
            canonical
                .bytes()
                .zip(text.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(canonical.len().min(text.len()))
        );
    }
}

#[test]
fn templates_have_no_validation_errors() {
    let mut failures = Vec::new();
    for (stem, w) in parsed() {
        let findings = validate(&w);
        if findings.iter().any(Finding::is_error) {
            failures.push(format!("{stem}:\n{}", show(&findings)));
        }
    }
    assert!(
        failures.is_empty(),
        "templates with errors:\n{}",
        failures.join("\n")
    );
}

/// Warnings and infos of each template, pinned so that a change in validation or in a template
/// shows up in review. Update with `INSTA_UPDATE=always cargo test -p fachwerk-shared --test templates`.
#[test]
fn template_findings_snapshots() {
    for (stem, w) in parsed() {
        let findings: Vec<serde_json::Value> = validate(&w)
            .iter()
            .map(|f| {
                serde_json::json!({
                    "code": f.code,
                    "severity": f.severity,
                    "element": f.element,
                    "messageDe": f.message_de,
                })
            })
            .collect();
        insta::assert_json_snapshot!(format!("findings_{stem}"), findings);
    }
}

#[test]
fn templates_follow_the_house_conventions() {
    let mut failures = Vec::new();
    for (stem, w) in parsed() {
        let mut problems = common::convention_problems(&w, true);
        if w.key != stem {
            problems.push(format!("key {:?} is not the file stem", w.key));
        }
        if w.version != "1.0.0" {
            problems.push(format!("version {:?}", w.version));
        }
        if w.name.trim().is_empty() || w.description.trim().len() < 80 {
            problems.push("name or description (with sources) missing".into());
        }
        // nextId is strictly larger than any numeric id suffix.
        for id in w
            .blocks
            .iter()
            .map(|b| b.id.0.clone())
            .chain(w.edges.iter().map(|e| e.id.0.clone()))
        {
            let digits: String = id.chars().skip_while(|c| !c.is_ascii_digit()).collect();
            if let Ok(n) = digits.parse::<u64>() {
                if n >= w.next_id {
                    problems.push(format!("id {id} not below nextId {}", w.next_id));
                }
            }
        }
        // Regular filing: zdA with documents, Geschäftsgang and Gesamtprotokoll.
        for b in &w.blocks {
            if let fachwerk_shared::BlockKind::Veraktung(v) = &b.kind {
                use fachwerk_shared::Include::*;
                if v.zda
                    && !(v.include.contains(&Dokumente)
                        && v.include.contains(&Geschaeftsgang)
                        && v.include.contains(&Protokoll))
                {
                    problems.push(format!("{}: zdA without full include", b.id));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{stem}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_schema_file_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/workflow.schema.json");
    let schema = workflow_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &schema).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == schema,
        "{} is stale: regenerate with `UPDATE_SCHEMA=1 cargo test -p fachwerk-shared --test templates json_schema_file_is_current`",
        path.display()
    );
}
