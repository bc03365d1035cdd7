//! Validation rules (blocks.md §2, §3): one fixture pair per code, snapshots of the findings,
//! precedence, messages, robustness (proptest) and size.
//!
//! Fixtures live in `tests/fixtures/validate/`: `<CODE>.json` triggers exactly that code,
//! `<CODE>.ok.json` is a near miss that validates clean.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fachwerk_shared::validate::{is_publishable, CODES};
use fachwerk_shared::*;
use proptest::prelude::*;

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
    let doc = include_str!("../src/validate/mod.rs");
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
    for c in CODES {
        let findings = validate(&load(&format!("{}.json", c.code)));
        insta::assert_json_snapshot!(c.code.to_string(), findings);
    }
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

#[test]
fn base_is_clean_and_publishable() {
    let f = validate(&base());
    assert!(f.is_empty(), "{f:?}");
    assert!(is_publishable(&f));
}

#[test]
fn the_sample_document_is_validated() {
    let text = r#"{"schemaVersion":1,"key":"beispiel","name":"Beispiel","version":"0.1.0",
      "fields":[{"name":"betragNetto","type":"money"}],
      "roles":[{"id":"R-SB","name":"Sachbearbeitung","signingLimit":"1000.00"}],
      "blocks":[{"id":"start","type":"start","label":"Antrag eingegangen"},
        {"id":"pruefen","type":"sachbearbeitung","label":"Antrag prüfen","params":{"assignee":{"kind":"role","ref":"R-SB"},"dueIn":"P14D"}},
        {"id":"wg","type":"wertgrenzen","label":"Wertgrenze","params":{"amountField":"betragNetto","bands":[
          {"id":"bis1000","lower":"0.00","upper":"1000.00"},{"id":"ueber1000","lower":"1000.00","upper":null}]}},
        {"id":"ende","type":"ende","label":"Erledigt"}],
      "edges":[{"id":"e1","from":"start","port":"next","to":"pruefen"}]}"#;
    let w = parse_workflow(text).unwrap();
    let f = validate(&w);
    // pruefen has no outgoing edge (dead end), wg and ende are unreachable.
    assert_eq!(codes(&f), set(&["E_DEAD_END", "E_UNREACHABLE"]));
    assert_eq!(f.iter().filter(|f| f.code == "E_UNREACHABLE").count(), 2);
    assert!(!is_publishable(&f));
}

#[test]
fn duplicate_ids_of_every_kind() {
    let mut w = base();
    w.roles.push(role("R-SB", None));
    w.fields = vec![field("x", FieldType::Int), field("x", FieldType::Int)];
    w.edges.push(edge("pruefen", "pruefen", "ok", "ende"));
    let f = validate(&w);
    let dups: Vec<&Finding> = f.iter().filter(|f| f.code == "E_DUPLICATE_ID").collect();
    assert_eq!(dups.len(), 3, "{f:#?}");
    assert!(dups.iter().any(|f| f.element.role.is_some()));
    assert!(dups.iter().any(|f| f.element.field.as_deref() == Some("x")));
    assert!(dups.iter().any(|f| f
        .element
        .edge
        .as_ref()
        .is_some_and(|e| e.as_str() == "pruefen")));

    // Blocks with the same id: reported once, the copy gets no graph findings.
    let mut w = base();
    w.blocks.push(sb("pruefen", &["ok"]));
    assert_eq!(codes_of(&w), set(&["E_DUPLICATE_ID"]));

    // Band ids, rule ids (incl. one named like the otherwise port), outcomes.
    let mut w = base();
    w.fields.push(field("betrag", FieldType::Money));
    w.blocks[1] = sb("pruefen", &["ok", "ok"]);
    w.blocks.push(Block::new(
        "wg",
        "WG",
        BlockKind::Wertgrenzen(WertgrenzenParams {
            amount_field: "betrag".into(),
            bands: vec![
                Band {
                    id: "a".into(),
                    lower: Money(0),
                    upper: Some(Money::euros(10)),
                    label: String::new(),
                },
                Band {
                    id: "a".into(),
                    lower: Money::euros(10),
                    upper: None,
                    label: String::new(),
                },
            ],
            ..Default::default()
        }),
    ));
    w.blocks.push(Block::new(
        "kx",
        "KX",
        BlockKind::Komplexitaet(KomplexitaetParams {
            rules: vec![
                Rule {
                    id: "otherwise".into(),
                    label: String::new(),
                    condition: "betrag > 1".into(),
                },
                Rule {
                    id: "r".into(),
                    label: String::new(),
                    condition: "betrag > 2".into(),
                },
                Rule {
                    id: "r".into(),
                    label: String::new(),
                    condition: "betrag < 1".into(),
                },
            ],
            ..Default::default()
        }),
    ));
    let f = validate(&w);
    let params: BTreeSet<String> = f
        .iter()
        .filter(|f| f.code == "E_DUPLICATE_ID")
        .filter_map(|f| f.element.param.clone())
        .collect();
    assert_eq!(
        params,
        set(&["bands[1].id", "outcomes[1]", "rules[0].id", "rules[2].id"]),
        "{f:#?}"
    );
}

#[test]
fn unreachable_blocks_only_get_e_unreachable_among_graph_findings() {
    let mut w = base();
    // An island with unwired ports, a multiple port and a missing template.
    w.blocks.push(Block::new(
        "insel",
        "Insel",
        BlockKind::Rueckfrage(RueckfrageParams {
            reply_deadline: Some(Duration::days(14)),
            ..Default::default()
        }),
    ));
    w.blocks.push(ende("ende2"));
    w.edges.push(edge("e3", "insel", "reply", "ende"));
    w.edges.push(edge("e4", "insel", "reply", "ende2"));
    let f = validate(&w);
    let on_island: BTreeSet<String> = f
        .iter()
        .filter(|f| {
            f.element
                .block
                .as_ref()
                .is_some_and(|b| b.as_str() == "insel")
        })
        .map(|f| f.code.clone())
        .collect();
    // Parameter finding stays; no E_PORT_MULTIPLE, no E_RUECKFRAGE_NO_TIMEOUT (port part).
    assert_eq!(
        on_island,
        set(&["E_TEMPLATE_MISSING", "E_UNREACHABLE"]),
        "{f:#?}"
    );

    // The parameter part of a composite code survives unreachability.
    w.blocks[3] = Block::new(
        "insel",
        "Insel",
        BlockKind::Rueckfrage(RueckfrageParams {
            template: "t".into(),
            ..Default::default()
        }),
    );
    let f = validate(&w);
    let rf: Vec<&Finding> = f
        .iter()
        .filter(|f| f.code == "E_RUECKFRAGE_NO_TIMEOUT")
        .collect();
    assert_eq!(rf.len(), 1);
    assert_eq!(rf[0].element.param.as_deref(), Some("replyDeadline"));
    assert_eq!(rf[0].element.port, None);
}

#[test]
fn dead_end_suppresses_unwired_ports_and_no_end_suppresses_dead_ends() {
    let mut w = base();
    w.blocks[1] = sb("pruefen", &["ok", "reject"]);
    w.blocks
        .push(sb("sackgasse", &["ok", "reject", "rueckfrage"]));
    w.edges.push(edge("e3", "pruefen", "reject", "sackgasse"));
    assert_eq!(codes_of(&w), set(&["E_DEAD_END"]));
    // Without any Ende, E_NO_END stands for the dead ends.
    let mut w = base();
    w.blocks = vec![start(), sb("pruefen", &["ok", "reject"])];
    w.edges.truncate(1);
    assert_eq!(codes_of(&w), set(&["E_NO_END"]));
}

#[test]
fn specific_port_codes_replace_e_port_unwired() {
    // Rückfrage without deadline and without timeout edge: one finding.
    let mut w = base();
    w.blocks[1] = sb("pruefen", &["ok", "rueckfrage"]);
    w.blocks.push(Block::new(
        "rf",
        "Rückfrage",
        BlockKind::Rueckfrage(RueckfrageParams {
            template: "t".into(),
            max_rounds: Some(2),
            ..Default::default()
        }),
    ));
    w.edges.push(edge("e3", "pruefen", "rueckfrage", "rf"));
    w.edges.push(edge("e4", "rf", "reply", "pruefen"));
    let f = validate(&w);
    assert_eq!(codes(&f), set(&["E_RUECKFRAGE_NO_TIMEOUT"]), "{f:#?}");
    assert_eq!(f[0].element.port.as_deref(), Some("timeout"));
    assert_eq!(f[0].element.param.as_deref(), Some("replyDeadline"));

    // Komplexitäts-Weiche without any edge: dead end plus the router's own code, no E_PORT_UNWIRED.
    let mut w = base();
    w.fields.push(field("x", FieldType::Int));
    w.blocks[1] = sb("pruefen", &["ok", "reject"]);
    w.blocks.push(Block::new(
        "kx",
        "KX",
        BlockKind::Komplexitaet(KomplexitaetParams {
            rules: vec![Rule {
                id: "r".into(),
                label: String::new(),
                condition: "x > 1".into(),
            }],
            ..Default::default()
        }),
    ));
    w.edges.push(edge("e3", "pruefen", "reject", "kx"));
    assert_eq!(codes_of(&w), set(&["E_DEAD_END", "E_ROUTER_NO_DEFAULT"]));
    // With the rule port wired only: E_ROUTER_NO_DEFAULT alone.
    w.edges.push(edge("e4", "kx", "r", "ende"));
    assert_eq!(codes_of(&w), set(&["E_ROUTER_NO_DEFAULT"]));
}

#[test]
fn exitless_cycle_with_an_unwired_port_reports_the_port() {
    let mut w = base();
    w.blocks[1] = sb("pruefen", &["ok", "reject"]);
    w.blocks.push(sb("nochmal", &["ok", "reject"]));
    w.edges = vec![
        edge("e1", "start", "next", "pruefen"),
        edge("e2", "pruefen", "ok", "nochmal"),
        edge("e3", "nochmal", "ok", "pruefen"),
        edge("e4", "pruefen", "reject", "nochmal"),
    ];
    // The Ende is unreachable, the cycle's missing exit is nochmal.reject.
    assert_eq!(codes_of(&w), set(&["E_PORT_UNWIRED", "E_UNREACHABLE"]));
    w.edges.push(edge("e5", "nochmal", "reject", "pruefen"));
    assert_eq!(codes_of(&w), set(&["E_NO_EXIT_CYCLE", "E_UNREACHABLE"]));
    // A self-loop without exit is a cycle too.
    let mut w = base();
    w.edges[1] = edge("e2", "pruefen", "ok", "pruefen");
    assert_eq!(codes_of(&w), set(&["E_NO_EXIT_CYCLE", "E_UNREACHABLE"]));
}

#[test]
fn eskalation_reachability_and_dead_end_exemption() {
    let mut w = base();
    w.roles.push(role("R-TL", None));
    let esk = |interrupting: bool, attached: Option<&str>| {
        BlockKind::Eskalation(EskalationParams {
            attached_to: attached.map(BlockId::new),
            after: Some(Duration::days(3)),
            interrupting,
            escalate_to: Some(Assignee::Role(RoleId::new("R-TL"))),
        })
    };
    w.blocks
        .push(Block::new("esk", "Eskalation", esk(false, Some("pruefen"))));
    assert!(validate(&w).is_empty());
    // Interrupting without an escalated edge: the block is a dead end.
    w.blocks[3].kind = esk(true, Some("pruefen"));
    assert_eq!(codes_of(&w), set(&["E_DEAD_END"]));
    w.edges.push(edge("e3", "esk", "escalated", "ende"));
    assert!(validate(&w).is_empty());
    // Attached to nothing / to a missing block: the specific codes, not E_UNREACHABLE.
    w.blocks[3].kind = esk(true, None);
    assert_eq!(codes_of(&w), set(&["E_ESKALATION_NOT_ON_TASK"]));
    w.blocks[3].kind = esk(true, Some("weg"));
    assert_eq!(codes_of(&w), set(&["E_UNKNOWN_BLOCK"]));
    // Non-interrupting with an outgoing edge: that port does not exist.
    w.blocks[3].kind = esk(false, Some("pruefen"));
    assert_eq!(codes_of(&w), set(&["E_PORT_UNKNOWN"]));
}

#[test]
fn threshold_messages_use_german_money_formatting() {
    let w = load("E_THRESHOLD_GAP.json");
    let f = validate(&w);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message_de
            .contains("Die Wertgrenzen 1.000 € und 1.200 € lassen eine Lücke"),
        "{}",
        f[0].message_de
    );
    assert!(
        f[0].message_en.contains("€1,000 and €1,200"),
        "{}",
        f[0].message_en
    );
    assert_eq!(f[0].element.param.as_deref(), Some("bands[1].lower"));
    assert!(f[0]
        .hint_de
        .as_deref()
        .is_some_and(|h| h.contains("1.000 €")));
}

fn router_with(conds: &[&str], fields: Vec<Field>) -> Workflow {
    let mut w = base();
    w.fields = fields;
    w.blocks[1] = sb("pruefen", &["ok"]);
    let rules: Vec<Rule> = conds
        .iter()
        .enumerate()
        .map(|(k, c)| Rule {
            id: format!("r{k}"),
            label: String::new(),
            condition: c.to_string(),
        })
        .collect();
    w.blocks.push(Block::new(
        "kx",
        "KX",
        BlockKind::Komplexitaet(KomplexitaetParams {
            rules: rules.clone(),
            ..Default::default()
        }),
    ));
    w.edges[1] = edge("e2", "pruefen", "ok", "kx");
    for r in &rules {
        w.edges
            .push(edge(&format!("e-{}", r.id), "kx", &r.id, "ende"));
    }
    w.edges.push(edge("e-o", "kx", "otherwise", "ende"));
    w
}

#[test]
fn conditions_report_unknown_fields_types_and_positions() {
    let fields = || {
        vec![
            field("x", FieldType::Int),
            field("flag", FieldType::Bool),
            field("name", FieldType::Text),
        ]
    };
    let f = validate(&router_with(&["y > 1"], fields()));
    assert_eq!(codes(&f), set(&["E_UNKNOWN_FIELD"]));
    assert_eq!(f[0].element.field.as_deref(), Some("y"));
    assert_eq!(f[0].element.param.as_deref(), Some("rules[0].condition"));

    let f = validate(&router_with(&["name"], fields()));
    assert_eq!(codes(&f), set(&["E_FIELD_TYPE"]));

    let f = validate(&router_with(&["x + 1"], fields()));
    assert_eq!(codes(&f), set(&["E_CONDITION_INVALID"]));

    let f = validate(&router_with(&["x > \"a\""], fields()));
    assert_eq!(codes(&f), set(&["E_CONDITION_INVALID"]));
    assert!(f[0].message_de.contains("Zeichen 1"), "{}", f[0].message_de);

    let f = validate(&router_with(&["flag = true and x > > 3"], fields()));
    assert_eq!(codes(&f), set(&["E_CONDITION_INVALID"]));
    assert!(
        f[0].message_de.contains("Zeichen 21"),
        "{}",
        f[0].message_de
    );
    assert!(
        f[0].message_en.contains("character 21"),
        "{}",
        f[0].message_en
    );

    // The system field is always available; `==` is accepted.
    assert!(validate(&router_with(&["aktenzeichen == \"A-1\"", "flag"], fields())).is_empty());
}

#[test]
fn shadowing_is_only_reported_when_certain() {
    let fields = || {
        vec![
            field("x", FieldType::Int),
            field("y", FieldType::Int),
            field("flag", FieldType::Bool),
        ]
    };
    let shadowed = |conds: &[&str]| {
        validate(&router_with(conds, fields()))
            .into_iter()
            .filter(|f| f.code == "W_RULE_SHADOWED")
            .filter_map(|f| f.element.param)
            .collect::<Vec<_>>()
    };
    assert_eq!(shadowed(&["x > 30", "x > 50"]), vec!["rules[1].condition"]);
    assert_eq!(
        shadowed(&["x > 30", "y > 1", "x > 40 and flag"]),
        vec!["rules[2].condition"]
    );
    assert!(shadowed(&["x > 50", "x > 30"]).is_empty());
    assert!(shadowed(&["x > 30", "y > 50"]).is_empty());
    assert!(shadowed(&["x > 30 and y > 1", "x > 50"]).is_empty());
    assert!(
        shadowed(&["x < 10", "x >= 10", "x > 3"]).is_empty(),
        "unions are not claimed"
    );
    // A constant-true rule is reported as such; the rules after it are not also "shadowed".
    let f = validate(&router_with(&["true", "x > 1", "x > 2"], fields()));
    assert_eq!(codes(&f), set(&["W_RULE_CONSTANT_TRUE"]));
}

#[test]
fn payment_amounts() {
    let with_amount = |amount: &str| {
        let mut w = load("E_PAYMENT_NO_METHOD.ok.json");
        w.fields = vec![
            field("gebuehr", FieldType::Money),
            field("flaecheQm", FieldType::Int),
            field("name", FieldType::Text),
        ];
        if let Some(BlockKind::Zahlung(p)) =
            w.block_mut(&BlockId::new("zahlung")).map(|b| &mut b.kind)
        {
            p.amount = amount.into();
        }
        codes_of(&w)
    };
    assert!(with_amount("50.00").is_empty());
    assert!(with_amount("gebuehr").is_empty());
    assert!(with_amount("flaecheQm * 2.5").is_empty());
    assert_eq!(with_amount(""), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("0"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("-5"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(
        with_amount("10 / 3"),
        set(&["E_AMOUNT_INVALID"]),
        "fractions of a cent"
    );
    assert_eq!(with_amount("1 / 0"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("50 €"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("name"), set(&["E_FIELD_TYPE"]));
    assert_eq!(with_amount("gebuehr > 1"), set(&["E_AMOUNT_INVALID"]));
    assert_eq!(with_amount("gebuehrr"), set(&["E_UNKNOWN_FIELD"]));
}

#[test]
fn signing_limit_uses_the_highest_band_and_stops_at_the_next_router() {
    let mut w = load("E_SIGNING_LIMIT_BELOW_BAND.ok.json");
    assert!(validate(&w).is_empty());
    // R-TL limited to 25.000 € behind an unbounded band: error, naming the band.
    w.roles[1].signing_limit = Some(Money::euros(25_000));
    let f = validate(&w);
    assert_eq!(codes(&f), set(&["E_SIGNING_LIMIT_BELOW_BAND"]));
    assert!(f[0].message_de.contains("25.000 €"), "{}", f[0].message_de);
    assert!(
        f[0].message_de.contains("„über 1.000 €“"),
        "{}",
        f[0].message_de
    );
    assert_eq!(
        f[0].element.block.as_ref().map(BlockId::as_str),
        Some("sz_tl")
    );
    assert_eq!(f[0].element.role.as_ref().map(RoleId::as_str), Some("R-TL"));
    // A limit equal to the band's upper bound is enough ("bis zu").
    w.roles[0].signing_limit = Some(Money::euros(1_000));
    assert_eq!(validate(&w).len(), 1);
    w.roles[0].signing_limit = Some(Money::euros(999));
    assert_eq!(
        validate(&w)
            .iter()
            .filter(|f| f.code == "E_SIGNING_LIMIT_BELOW_BAND")
            .count(),
        2
    );
    w.roles[0].signing_limit = Some(Money::euros(1_000));

    // A second router behind the unbounded band: only its own bands count for sz_tl.
    w.roles.push(role("R-AL", None));
    w.blocks.push(Block::new(
        "wg2",
        "Zweite Wertgrenze",
        BlockKind::Wertgrenzen(WertgrenzenParams {
            amount_field: "betragNetto".into(),
            bands: vec![
                Band {
                    id: "bis20000".into(),
                    lower: Money(0),
                    upper: Some(Money::euros(20_000)),
                    label: String::new(),
                },
                Band {
                    id: "ueber20000".into(),
                    lower: Money::euros(20_000),
                    upper: None,
                    label: String::new(),
                },
            ],
            ..Default::default()
        }),
    ));
    w.blocks.push(Block::new(
        "sz_al",
        "Zeichnung Amtsleitung",
        BlockKind::Schlusszeichnung(SchlusszeichnungParams {
            signer: Some(Assignee::Role(RoleId::new("R-AL"))),
            ..Default::default()
        }),
    ));
    for e in &mut w.edges {
        if e.port == "ueber1000" {
            e.to = BlockId::new("wg2");
        }
    }
    w.edges.push(edge("x1", "wg2", "bis20000", "sz_tl"));
    w.edges.push(edge("x2", "wg2", "ueber20000", "sz_al"));
    w.edges.push(edge("x3", "sz_al", "ok", "ende"));
    w.edges.push(edge("x4", "sz_al", "reject", "pruefen"));
    let f = validate(&w);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn four_eyes_same_person_variants() {
    let mut w = load("E_FOUR_EYES_SAME_PERSON.ok.json");
    let set_va = |w: &mut Workflow, f: &dyn Fn(&mut VierAugenParams)| {
        if let Some(BlockKind::VierAugen(p)) = w.block_mut(&BlockId::new("va")).map(|b| &mut b.kind)
        {
            f(p);
        }
    };
    set_va(&mut w, &|p| p.second_check = Some(Assignee::Initiator));
    assert_eq!(codes_of(&w), set(&["E_FOUR_EYES_SAME_PERSON"]));
    set_va(&mut w, &|p| p.exclude_initiator = false);
    assert!(validate(&w).is_empty());
    // Second check fixed to the person who performs a block in distinctFrom.
    if let Some(BlockKind::Sachbearbeitung(p)) =
        w.block_mut(&BlockId::new("pruefen")).map(|b| &mut b.kind)
    {
        p.assignee = Some(Assignee::Person("k.schulz".into()));
    }
    set_va(&mut w, &|p| {
        p.second_check = Some(Assignee::Person("k.schulz".into()));
        p.distinct_from = vec![BlockId::new("pruefen")];
    });
    w.roles.clear();
    assert_eq!(codes_of(&w), set(&["E_FOUR_EYES_SAME_PERSON"]));
}

#[test]
fn duration_findings_name_the_value() {
    let mut w = base();
    if let BlockKind::Sachbearbeitung(p) = &mut w.blocks[1].kind {
        p.due_in = Some(Duration::new("14 Tage"));
    }
    let f = validate(&w);
    assert_eq!(codes(&f), set(&["E_DURATION_NOT_POSITIVE"]));
    assert!(f[0].message_de.contains("14 Tage"), "{}", f[0].message_de);
    assert!(f[0].message_en.contains("“14 Tage”"), "{}", f[0].message_en);
    assert_eq!(f[0].element.param.as_deref(), Some("dueIn"));
}

#[test]
fn reminder_comparison_is_certain_only() {
    let mut w = load("E_REMINDER_NOT_BEFORE_DEADLINE.ok.json");
    let set_rf = |w: &mut Workflow, reminder: &str, deadline: &str| {
        if let Some(BlockKind::Rueckfrage(p)) =
            w.block_mut(&BlockId::new("rf")).map(|b| &mut b.kind)
        {
            p.reminder_after = Some(Duration::new(reminder));
            p.reply_deadline = Some(Duration::new(deadline));
        }
    };
    set_rf(&mut w, "P1M", "P30D"); // a month may have 31 days: not certain
    assert!(validate(&w).is_empty());
    set_rf(&mut w, "P1M", "P27D");
    assert_eq!(codes_of(&w), set(&["E_REMINDER_NOT_BEFORE_DEADLINE"]));
    set_rf(&mut w, "PT336H", "P14D");
    assert_eq!(codes_of(&w), set(&["E_REMINDER_NOT_BEFORE_DEADLINE"]));
}

#[test]
fn findings_are_sorted_and_deterministic() {
    let mut w = base();
    w.key = "Falsch!".into();
    w.version = "x".into();
    w.blocks.push(sb("a", &["ok"]));
    w.blocks.push(sb("b", &["ok"]));
    w.edges.push(edge("e9", "nirgends", "ok", "ende"));
    let f1 = validate(&w);
    let f2 = validate(&w);
    assert_eq!(f1, f2);
    let keys: Vec<(String, Element)> = f1
        .iter()
        .map(|f| (f.code.clone(), f.element.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for f in &f1 {
        assert!(!f.message_de.is_empty() && !f.message_en.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Large workflows

/// A valid workflow of about `n` blocks: segments of case work, routers, checks and timers.
fn large(n: usize) -> Workflow {
    let mut w = Workflow::new("gross", "Groß");
    w.version = "1.0.0".into();
    w.roles = vec![
        role("R-SB", Some(1_000)),
        role("R-TL", None),
        role("R-KA", None),
    ];
    w.fields = vec![
        field("betrag", FieldType::Money),
        field("dauerTage", FieldType::Int),
    ];
    w.blocks.push(start());
    let mut prevs = vec![("start".to_string(), "next".to_string())];
    let mut k = 0usize;
    let mut e = 0usize;
    let mut connect = |w: &mut Workflow, from: &str, port: &str, to: &str| {
        e += 1;
        w.edges.push(edge(&format!("e{e}"), from, port, to));
    };
    while w.blocks.len() + 8 < n {
        k += 1;
        let sbid = format!("sb{k}");
        let kx = format!("kx{k}");
        let wg = format!("wg{k}");
        let sz_lo = format!("szlo{k}");
        let sz_hi = format!("szhi{k}");
        let mz = format!("mz{k}");
        let rf = format!("rf{k}");
        w.blocks.push(Block::new(
            &*sbid,
            "Prüfen",
            BlockKind::Sachbearbeitung(SachbearbeitingDefaults::with(&["ok", "rueckfrage"])),
        ));
        w.blocks.push(Block::new(
            &*rf,
            "Rückfrage",
            BlockKind::Rueckfrage(RueckfrageParams {
                template: "t".into(),
                reply_deadline: Some(Duration::days(14)),
                max_rounds: Some(3),
                ..Default::default()
            }),
        ));
        w.blocks.push(Block::new(
            &*kx,
            "Komplex?",
            BlockKind::Komplexitaet(KomplexitaetParams {
                rules: vec![Rule {
                    id: "lang".into(),
                    label: String::new(),
                    condition: "dauerTage > 30".into(),
                }],
                ..Default::default()
            }),
        ));
        w.blocks.push(Block::new(
            &*mz,
            "Mitzeichnung",
            BlockKind::Mitzeichnung(MitzeichnungParams {
                participants: vec![Participant {
                    assignee: Some(Assignee::Role(RoleId::new("R-KA"))),
                    label: "Kämmerei".into(),
                    mandatory: true,
                }],
                ..Default::default()
            }),
        ));
        w.blocks.push(Block::new(
            &*wg,
            "Wertgrenze",
            BlockKind::Wertgrenzen(WertgrenzenParams {
                amount_field: "betrag".into(),
                bands: vec![
                    Band {
                        id: "lo".into(),
                        lower: Money(0),
                        upper: Some(Money::euros(1_000)),
                        label: String::new(),
                    },
                    Band {
                        id: "hi".into(),
                        lower: Money::euros(1_000),
                        upper: None,
                        label: String::new(),
                    },
                ],
                ..Default::default()
            }),
        ));
        let signer = |r: &str| {
            BlockKind::Schlusszeichnung(SchlusszeichnungParams {
                signer: Some(Assignee::Role(RoleId::new(r))),
                ..Default::default()
            })
        };
        w.blocks
            .push(Block::new(&*sz_lo, "Zeichnung SB", signer("R-SB")));
        w.blocks
            .push(Block::new(&*sz_hi, "Zeichnung TL", signer("R-TL")));
        for (from, port) in &prevs {
            connect(&mut w, from, port, &sbid);
        }
        connect(&mut w, &sbid, "rueckfrage", &rf);
        connect(&mut w, &rf, "reply", &sbid);
        connect(&mut w, &sbid, "ok", &kx);
        connect(&mut w, &kx, "lang", &mz);
        connect(&mut w, &kx, "otherwise", &wg);
        connect(&mut w, &mz, "ok", &wg);
        connect(&mut w, &mz, "veto", &sbid);
        connect(&mut w, &wg, "lo", &sz_lo);
        connect(&mut w, &wg, "hi", &sz_hi);
        connect(&mut w, &sz_lo, "reject", &sbid);
        connect(&mut w, &sz_hi, "reject", &sbid);
        // Rückfrage timeouts end the case.
        let end = format!("ende{k}");
        w.blocks.push(ende(&end));
        connect(&mut w, &rf, "timeout", &end);
        prevs = vec![(sz_lo, "ok".into()), (sz_hi, "ok".into())];
    }
    w.blocks.push(ende("ende"));
    for (from, port) in &prevs {
        connect(&mut w, from, port, "ende");
    }
    w
}

#[test]
fn a_large_workflow_validates_clean() {
    let w = large(10_000);
    assert!(w.blocks.len() > 9_900);
    let f = validate(&w);
    assert!(f.is_empty(), "{:?}", f.iter().take(5).collect::<Vec<_>>());
}

#[test]
fn long_chains_and_deep_cycles_do_not_overflow_the_stack() {
    // 50.000 blocks in one chain and one big cycle: everything is iterative.
    let mut w = base();
    w.blocks.truncate(1);
    let n = 50_000;
    for i in 0..n {
        w.blocks.push(Block::new(
            format!("f{i}"),
            "Warten",
            BlockKind::Frist(FristParams {
                duration: Some(Duration::days(1)),
                ..Default::default()
            }),
        ));
    }
    w.edges = vec![edge("e-start", "start", "next", "f0")];
    for i in 0..n {
        w.edges.push(edge(
            &format!("e{i}"),
            &format!("f{i}"),
            "next",
            &format!("f{}", (i + 1) % n),
        ));
    }
    w.blocks.push(ende("ende"));
    let f = validate(&w);
    assert_eq!(
        codes(&f),
        set(&["E_NO_EXIT_CYCLE", "E_UNREACHABLE", "W_ROLE_UNUSED"])
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness: arbitrary workflows never make validate panic.

const IDS: &[&str] = &[
    "start",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "",
    "initiator",
    "ghost",
];
const ROLE_IDS: &[&str] = &["R1", "R2", "R3", "", "RX"];
const FIELD_NAMES: &[&str] = &[
    "betrag",
    "datum",
    "flag",
    "x",
    "aktenzeichen",
    "",
    "and",
    "a b",
];
const PORTS: &[&str] = &[
    "next",
    "ok",
    "reject",
    "veto",
    "reply",
    "timeout",
    "escalated",
    "zugestellt",
    "nichtAbgerufen",
    "bezahlt",
    "nichtBezahlt",
    "fehler",
    "otherwise",
    "r0",
    "r1",
    "b0",
    "b1",
    "rueckfrage",
    "",
    "xyz",
];
const DURATIONS: &[&str] = &[
    "P14D",
    "P0D",
    "PT48H",
    "P1M",
    "",
    "P",
    "PT",
    "14D",
    "P99999999999D",
    "P1Y2M3W4DT5H6M7S",
    "PT0S",
    "P1H",
];
const CONDITIONS: &[&str] = &[
    "betrag > 100",
    "x =",
    "true",
    "(((",
    "datum < date(\"2026-01-01\")",
    "flag",
    "x > 30",
    "x > 50 and flag",
    "not(flag) or x != null",
    "betrag * 2 > x / 0",
    "\"a\" + 1",
    "",
    "50,00",
    "1 / 3",
    "-5",
];

#[derive(Debug, Clone)]
struct RawBlock {
    id: usize,
    t: usize,
    s: Vec<usize>,
    n: Vec<u32>,
    flags: Vec<bool>,
    money: Vec<i64>,
    free: String,
}

fn pick<'a>(pool: &[&'a str], i: usize) -> &'a str {
    pool.get(i % pool.len().max(1)).copied().unwrap_or("")
}

impl RawBlock {
    fn s(&self, k: usize) -> usize {
        self.s.get(k % self.s.len().max(1)).copied().unwrap_or(k)
    }
    fn n(&self, k: usize) -> u32 {
        self.n.get(k % self.n.len().max(1)).copied().unwrap_or(0)
    }
    fn flag(&self, k: usize) -> bool {
        self.flags
            .get(k % self.flags.len().max(1))
            .copied()
            .unwrap_or(false)
    }
    fn money(&self, k: usize) -> Money {
        Money(
            self.money
                .get(k % self.money.len().max(1))
                .copied()
                .unwrap_or(0),
        )
    }
    fn dur(&self, k: usize) -> Option<Duration> {
        let i = self.s(k);
        if i.checked_rem(5) == Some(0) {
            None
        } else if i.checked_rem(7) == Some(0) {
            Some(Duration::new(self.free.clone()))
        } else {
            Some(Duration::new(pick(DURATIONS, i)))
        }
    }
    fn text(&self, k: usize) -> String {
        if self.flag(k) {
            self.free.clone()
        } else {
            pick(CONDITIONS, self.s(k)).to_string()
        }
    }
    fn assignee(&self, k: usize) -> Option<Assignee> {
        match self.s(k) % 6 {
            0 => None,
            1 | 2 => Some(Assignee::Role(RoleId::new(pick(ROLE_IDS, self.s(k + 1))))),
            3 => Some(Assignee::Person(
                pick(&["u1", "u2", ""], self.s(k + 1)).into(),
            )),
            4 => Some(Assignee::Initiator),
            _ => Some(Assignee::Expression(self.free.clone())),
        }
    }
    fn kind(&self) -> BlockKind {
        let t = BlockType::ALL[self.t % BlockType::ALL.len()];
        let field = |k: usize| pick(FIELD_NAMES, self.s(k)).to_string();
        match t {
            BlockType::Start => BlockKind::Start(StartParams {
                trigger: Trigger::ALL[self.s(0) % Trigger::ALL.len()],
                form_ref: None,
                initiator_role: self.assignee(1),
                timer: self.flag(2).then(|| self.text(3)),
                eingangsbestaetigung: self.flag(4),
            }),
            BlockType::Sachbearbeitung => BlockKind::Sachbearbeitung(SachbearbeitungParams {
                assignee: self.assignee(0),
                instructions: String::new(),
                outcomes: (0..self.s(1) % 4)
                    .map(|k| pick(PORTS, self.s(k + 2)).to_string())
                    .collect(),
                due_in: self.dur(3),
                form_ref: None,
            }),
            BlockType::VierAugen => BlockKind::VierAugen(VierAugenParams {
                first_check: self.assignee(0),
                first_check_block: self.flag(1).then(|| BlockId::new(pick(IDS, self.s(2)))),
                second_check: self.assignee(3),
                distinct_from: (0..self.s(4) % 3)
                    .map(|k| BlockId::new(pick(IDS, self.s(k + 5))))
                    .collect(),
                exclude_initiator: self.flag(5),
            }),
            BlockType::Mitzeichnung => BlockKind::Mitzeichnung(MitzeichnungParams {
                participants: (0..self.s(0) % 4)
                    .map(|k| Participant {
                        assignee: self.assignee(k + 1),
                        label: String::new(),
                        mandatory: self.flag(k),
                    })
                    .collect(),
                mode: MitzeichnungMode::ALL[self.s(1) % 2],
                decision_rule: if self.flag(2) {
                    DecisionRule::Quorum { n: self.n(3) % 5 }
                } else {
                    DecisionRule::AllApprove
                },
                due_in: self.dur(4),
                comment: CommentRule::Optional,
            }),
            BlockType::Schlusszeichnung => BlockKind::Schlusszeichnung(SchlusszeichnungParams {
                signer: self.assignee(0),
                amount_field: self.flag(1).then(|| field(2)),
                ..Default::default()
            }),
            BlockType::Wertgrenzen => BlockKind::Wertgrenzen(WertgrenzenParams {
                amount_field: field(0),
                basis: AmountBasis::Netto,
                currency: if self.flag(1) {
                    "EUR".into()
                } else {
                    self.free.clone()
                },
                bands: (0..self.s(2) % 5)
                    .map(|k| Band {
                        id: pick(PORTS, self.s(k + 3)).to_string(),
                        lower: self.money(k),
                        upper: self.flag(k + 1).then(|| self.money(k + 1)),
                        label: String::new(),
                    })
                    .collect(),
            }),
            BlockType::Komplexitaet => BlockKind::Komplexitaet(KomplexitaetParams {
                rules: (0..self.s(0) % 5)
                    .map(|k| Rule {
                        id: pick(PORTS, self.s(k + 1)).to_string(),
                        label: String::new(),
                        condition: self.text(k + 2),
                    })
                    .collect(),
                evaluation: Evaluation::FirstMatch,
            }),
            BlockType::Rueckfrage => BlockKind::Rueckfrage(RueckfrageParams {
                channel: RueckfrageChannel::Postfach,
                template: if self.flag(0) {
                    "t".into()
                } else {
                    String::new()
                },
                reply_deadline: self.dur(1),
                reminder_after: self.dur(2),
                max_rounds: self.flag(3).then(|| self.n(4)),
            }),
            BlockType::Frist => BlockKind::Frist(FristParams {
                kind: FristKind::ALL[self.s(0) % 2],
                duration: self.dur(1),
                date_field: self.flag(2).then(|| field(3)),
                offset: self.dur(4),
                calendar: Calendar::Arbeitstage,
                notify: self.assignee(5),
            }),
            BlockType::Eskalation => BlockKind::Eskalation(EskalationParams {
                attached_to: self.flag(0).then(|| BlockId::new(pick(IDS, self.s(1)))),
                after: self.dur(2),
                interrupting: self.flag(3),
                escalate_to: self.assignee(4),
            }),
            BlockType::Bescheid => BlockKind::Bescheid(BescheidParams {
                template: if self.flag(0) {
                    "t".into()
                } else {
                    String::new()
                },
                signature_level: SignatureLevel::ALL[self.s(1) % 4],
                channel: BescheidChannel::ALL[self.s(2) % 4],
                abruf_frist: self.dur(3),
                fiktion_tage: self.n(4) % 5,
            }),
            BlockType::Zahlung => BlockKind::Zahlung(ZahlungParams {
                amount: self.text(0),
                kassenzeichen_field: self.flag(1).then(|| field(2)),
                methods: (0..self.s(3) % 3)
                    .map(|k| PaymentMethod::ALL[self.s(k) % PaymentMethod::ALL.len()])
                    .collect(),
                timing: PaymentTiming::MitBescheid,
                pay_deadline: self.dur(4),
            }),
            BlockType::Veraktung => BlockKind::Veraktung(VeraktungParams {
                target: if self.flag(0) {
                    "dms".into()
                } else {
                    String::new()
                },
                aktenplan_kennzeichen: if self.flag(1) {
                    "1.2".into()
                } else {
                    String::new()
                },
                container_rule: ContainerRule {
                    kind: ContainerKind::BestehendeAkte,
                    field: field(2),
                },
                include: if self.flag(3) {
                    vec![Include::Protokoll]
                } else {
                    Vec::new()
                },
                zda: self.flag(4),
                aufbewahrungsdauer_jahre: None,
                aussonderungsart: None,
            }),
            BlockType::Benachrichtigung => BlockKind::Benachrichtigung(BenachrichtigungParams {
                recipient: match self.s(0) % 4 {
                    0 => None,
                    1 => Some(Recipient::Applicant),
                    2 => Some(Recipient::Role(RoleId::new(pick(ROLE_IDS, self.s(1))))),
                    _ => Some(Recipient::External(String::new())),
                },
                channel: NotifyChannel::Inbox,
                template: if self.flag(2) {
                    "t".into()
                } else {
                    String::new()
                },
                template_kind: TemplateKind::ALL[self.s(3) % 3],
            }),
            BlockType::Ende => BlockKind::Ende(EndeParams {
                result: EndResult::ALL[self.s(0) % 4],
                terminate: self.flag(1),
            }),
        }
    }
}

fn raw_block() -> impl Strategy<Value = RawBlock> {
    (
        0..IDS.len(),
        0..30usize,
        prop::collection::vec(0..40usize, 1..8),
        prop::collection::vec(any::<u32>(), 1..4),
        prop::collection::vec(any::<bool>(), 1..8),
        prop::collection::vec(
            prop_oneof![
                any::<i64>(),
                -3i64..3,
                Just(100_000i64),
                Just(i64::MIN),
                Just(i64::MAX)
            ],
            1..5,
        ),
        "[ -~äöü€„“]{0,12}",
    )
        .prop_map(|(id, t, s, n, flags, money, free)| RawBlock {
            id,
            t,
            s,
            n,
            flags,
            money,
            free,
        })
}

fn arbitrary_workflow() -> impl Strategy<Value = Workflow> {
    (
        prop::collection::vec(raw_block(), 0..25),
        prop::collection::vec(
            (0..IDS.len(), 0..PORTS.len(), 0..IDS.len(), 0..4usize),
            0..40,
        ),
        prop::collection::vec((0..ROLE_IDS.len(), prop::option::of(-5i64..100_000)), 0..4),
        prop::collection::vec((0..FIELD_NAMES.len(), 0..6usize), 0..5),
        "[a-zA-Z0-9 .-]{0,8}",
    )
        .prop_map(|(blocks, edges, roles, fields, version)| {
            let mut w = Workflow::new("prop", "Prop");
            w.version = version;
            w.blocks = blocks
                .iter()
                .map(|b| Block::new(pick(IDS, b.id), b.free.clone(), b.kind()))
                .collect();
            w.edges = edges
                .iter()
                .enumerate()
                .map(|(k, &(f, p, t, dup))| {
                    edge(
                        &format!("e{}", if dup == 0 { 0 } else { k }),
                        pick(IDS, f),
                        pick(PORTS, p),
                        pick(IDS, t),
                    )
                })
                .collect();
            w.roles = roles
                .iter()
                .map(|&(r, l)| role(pick(ROLE_IDS, r), l))
                .collect();
            let types = [
                FieldType::Money,
                FieldType::Date,
                FieldType::Int,
                FieldType::Bool,
                FieldType::Enum,
                FieldType::Text,
            ];
            w.fields = fields
                .iter()
                .map(|&(f, t)| field(pick(FIELD_NAMES, f), types[t % types.len()]))
                .collect();
            w
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn validate_never_panics_and_is_well_formed(w in arbitrary_workflow()) {
        let findings = validate(&w);
        let known: BTreeSet<&str> = CODES.iter().map(|c| c.code).collect();
        for f in &findings {
            prop_assert!(known.contains(f.code.as_str()), "unknown code {}", f.code);
            let expected = CODES.iter().find(|c| c.code == f.code).map(|c| c.severity);
            prop_assert_eq!(Some(f.severity), expected);
            prop_assert!(!f.message_de.is_empty() && !f.message_en.is_empty());
        }
        let keys: Vec<(&String, &Element)> = findings.iter().map(|f| (&f.code, &f.element)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        prop_assert_eq!(keys, sorted);
        prop_assert_eq!(validate(&w), findings);
    }
}

#[test]
fn template_params_must_target_a_declared_role_or_an_existing_band() {
    let mut w = base();
    w.template_params = vec![
        TemplateParam {
            id: "limit-sb".into(),
            label: "Zeichnungsbefugnis Sachbearbeitung".into(),
            target: ParamTarget::RoleSigningLimit {
                role: RoleId::new("R-SB"),
            },
            default: Money::parse("1000.00").unwrap(),
        },
        TemplateParam {
            id: "limit-fbl".into(),
            label: "Zeichnungsbefugnis Fachbereichsleitung".into(),
            target: ParamTarget::RoleSigningLimit {
                role: RoleId::new("R-FBL"),
            },
            default: Money::parse("5000.00").unwrap(),
        },
        TemplateParam {
            id: "grenze".into(),
            label: "Grenze Direktauftrag".into(),
            target: ParamTarget::BandUpper {
                block: BlockId::new("pruefen"),
                band: "bis1000".into(),
            },
            default: Money::parse("1000.00").unwrap(),
        },
    ];
    let f = validate(&w);
    assert_eq!(
        codes(&f),
        set(&["E_UNKNOWN_ROLE", "E_UNKNOWN_BLOCK"]),
        "{f:?}"
    );
    let role = f.iter().find(|f| f.code == "E_UNKNOWN_ROLE").unwrap();
    assert!(
        role.message_de
            .contains("„Zeichnungsbefugnis Fachbereichsleitung“"),
        "{}",
        role.message_de
    );
    assert!(role.message_de.contains("R-FBL"), "{}", role.message_de);
    let band = f.iter().find(|f| f.code == "E_UNKNOWN_BLOCK").unwrap();
    assert!(band.message_de.contains("bis1000"), "{}", band.message_de);
    // The templates' own parameters all resolve.
    w.template_params.truncate(1);
    assert!(validate(&w).is_empty());
}
