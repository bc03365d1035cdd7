//! Validation rules (blocks.md §2, §3): one fixture pair per code, snapshots of the findings,
//! precedence, messages, robustness (proptest) and size.
//!
//! Fixtures live in `tests/fixtures/validate/`: `<CODE>.json` triggers exactly that code,
//! `<CODE>.ok.json` is a near miss that validates clean.
//!
//! This file holds the fixture tests and the builders the topic modules share.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod conditions;
mod graph;
mod large;
mod params;
mod robust;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fachwerk_shared::validate::CODES;
use fachwerk_shared::*;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")
}

fn load(name: &str) -> Workflow {
    let path = fixture_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_workflow(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn codes(findings: &[Finding]) -> BTreeSet<String> {
    findings.iter().map(|f| f.code.clone()).collect()
}

fn codes_of(w: &Workflow) -> BTreeSet<String> {
    codes(&validate(w))
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// Fixtures

#[test]
fn every_code_has_a_fixture_pair_and_a_table_row() {
    let doc = include_str!("../../src/validate/mod.rs");
    let mut missing = Vec::new();
    for c in CODES {
        for suffix in ["", ".ok"] {
            let p = fixture_dir().join(format!("{}{suffix}.json", c.code));
            if !p.exists() {
                missing.push(p.display().to_string());
            }
        }
        assert!(
            doc.contains(&format!("//! | `{}`", c.code)),
            "{} is missing in the doc table",
            c.code
        );
        let sev = match c.code.as_bytes()[0] {
            b'W' => Severity::Warning,
            b'I' => Severity::Info,
            _ => Severity::Error,
        };
        assert_eq!(c.severity, sev, "{}", c.code);
    }
    assert!(
        missing.is_empty(),
        "missing fixtures:\n{}",
        missing.join("\n")
    );
    let unique: BTreeSet<&str> = CODES.iter().map(|c| c.code).collect();
    assert_eq!(unique.len(), CODES.len(), "duplicate code in CODES");
    // Every fixture belongs to a known code.
    for entry in std::fs::read_dir(fixture_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let code = name.trim_end_matches(".json").trim_end_matches(".ok");
        assert!(unique.contains(code), "fixture {name} has no code in CODES");
    }
}

#[test]
fn fixtures_trigger_exactly_their_code_and_near_misses_are_clean() {
    let mut failures = Vec::new();
    for c in CODES {
        let bad = load(&format!("{}.json", c.code));
        let got = codes_of(&bad);
        if got != set(&[c.code]) {
            failures.push(format!(
                "{}.json: expected exactly {{{}}}, got {got:?}",
                c.code, c.code
            ));
        }
        let ok = load(&format!("{}.ok.json", c.code));
        let findings = validate(&ok);
        if !findings.is_empty() {
            failures.push(format!(
                "{}.ok.json: expected no findings, got {:?}",
                c.code,
                findings
                    .iter()
                    .map(|f| format!("{} {}", f.code, f.message_en))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn fixture_findings_snapshots() {
    // The snapshots stay in `tests/snapshots/`, named `validate__<CODE>`.
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        for c in CODES {
            let findings = validate(&load(&format!("{}.json", c.code)));
            insta::assert_json_snapshot!(c.code.to_string(), findings);
        }
    });
}

#[test]
fn fixtures_stay_valid_after_a_canonical_round_trip() {
    for c in CODES {
        for suffix in ["", ".ok"] {
            let w = load(&format!("{}{suffix}.json", c.code));
            let again = parse_workflow(&to_canonical_json(&w)).unwrap();
            assert_eq!(validate(&w), validate(&again), "{}{suffix}", c.code);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Programmatic cases

fn role(id: &str, limit: Option<i64>) -> Role {
    Role {
        id: RoleId::new(id),
        name: id.to_string(),
        org_unit: None,
        signing_limit: limit.map(Money::euros),
    }
}

fn field(name: &str, t: FieldType) -> Field {
    Field {
        name: name.into(),
        label: String::new(),
        field_type: t,
        values: Vec::new(),
        required: false,
    }
}

fn edge(id: &str, from: &str, port: &str, to: &str) -> Edge {
    Edge {
        id: EdgeId::new(id),
        from: BlockId::new(from),
        port: port.into(),
        to: BlockId::new(to),
    }
}

fn sb(id: &str, outcomes: &[&str]) -> Block {
    Block::new(
        id,
        id,
        BlockKind::Sachbearbeitung(SachbearbeitingDefaults::with(outcomes)),
    )
}

/// Small helper so the tests read well.
struct SachbearbeitingDefaults;
impl SachbearbeitingDefaults {
    fn with(outcomes: &[&str]) -> SachbearbeitungParams {
        SachbearbeitungParams {
            assignee: Some(Assignee::Role(RoleId::new("R-SB"))),
            outcomes: outcomes.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }
}

fn start() -> Block {
    Block::new("start", "Start", BlockKind::Start(StartParams::default()))
}

fn ende(id: &str) -> Block {
    Block::new(id, id, BlockKind::Ende(EndeParams::default()))
}

/// Start → pruefen → ende, role R-SB.
fn base() -> Workflow {
    let mut w = Workflow::new("test", "Test");
    w.version = "1.0.0".into();
    w.roles.push(role("R-SB", None));
    w.blocks = vec![start(), sb("pruefen", &["ok"]), ende("ende")];
    w.edges = vec![
        edge("e1", "start", "next", "pruefen"),
        edge("e2", "pruefen", "ok", "ende"),
    ];
    w
}
