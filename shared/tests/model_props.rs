//! Property tests of the model: canonical JSON round trip, every op has an exact inverse, parse
//! errors name the path of the offending value, and the synthetic generator's guarantees.
#![allow(clippy::unwrap_used)]

mod common;

use fachwerk_shared::generate::{modify, synthetic};
use fachwerk_shared::model::*;
use fachwerk_shared::values::Money;
use fachwerk_shared::{
    apply, parse_workflow, to_canonical_json, validate, write_canonical_json, Finding, Op,
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// (a) Canonical JSON round trip over arbitrary workflows, and the canonical text is a fixpoint.
    #[test]
    fn canonical_round_trip(w in common::workflow()) {
        let text = to_canonical_json(&w);
        let back = parse_workflow(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &w);
        prop_assert_eq!(&to_canonical_json(&back), &text);
        // Written to a stream (as `fachwerk import` does), the bytes are the same.
        let mut streamed = Vec::new();
        write_canonical_json(&w, &mut streamed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(String::from_utf8(streamed).ok(), Some(text));
    }

    /// Each block kind alone survives JSON (also outside a workflow, as used by `Op::SetParams`).
    #[test]
    fn block_kind_round_trip(kind in common::block_kind()) {
        let text = serde_json::to_string(&kind).unwrap();
        let back: BlockKind = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, kind);
    }

    /// (b) Every op has an inverse that restores the workflow exactly; a failing op changes nothing.
    #[test]
    fn ops_are_invertible(w in common::workflow(), specs in prop::collection::vec(common::op_spec(), 1..12)) {
        let mut cur = w.clone();
        let mut fresh = 0;
        let mut undo: Vec<(Op, Workflow)> = Vec::new();
        for spec in &specs {
            let op = common::resolve(spec, &cur, &mut fresh);
            let before = cur.clone();
            match apply(&mut cur, op.clone()) {
                Ok(inverse) => {
                    // The inverse undoes this one step …
                    let mut check = cur.clone();
                    apply(&mut check, inverse.clone()).map_err(|e| TestCaseError::fail(format!("inverse of {op:?} failed: {e}")))?;
                    prop_assert_eq!(&check, &before, "inverse of {:?} is {:?}", op, inverse);
                    undo.push((inverse, before));
                }
                Err(_) => prop_assert_eq!(&cur, &before, "failed op {:?} changed the workflow", op),
            }
        }
        // … and the whole sequence unwinds back to the start.
        while let Some((inverse, before)) = undo.pop() {
            apply(&mut cur, inverse).unwrap();
            prop_assert_eq!(&cur, &before);
        }
        prop_assert_eq!(cur, w);
    }

    /// Applying an op's inverse's inverse redoes the op (redo after undo).
    #[test]
    fn redo_after_undo(w in common::workflow(), spec in common::op_spec()) {
        let mut cur = w.clone();
        let op = common::resolve(&spec, &cur, &mut 0);
        if let Ok(inverse) = apply(&mut cur, op) {
            let after = cur.clone();
            let redo = apply(&mut cur, inverse).unwrap();
            prop_assert_eq!(&cur, &w);
            apply(&mut cur, redo).unwrap();
            prop_assert_eq!(cur, after);
        }
    }

    /// (d) The synthetic generator: exactly n blocks, every port wired once, deterministic, valid.
    #[test]
    fn synthetic_workflows_are_valid(n in 3usize..160, seed in any::<u64>()) {
        let w = synthetic(n, seed);
        prop_assert_eq!(w.blocks.len(), n);
        prop_assert!(common::ports_wired(&w));
        prop_assert_eq!(&synthetic(n, seed), &w);
        let problems = common::convention_problems(&w, true);
        prop_assert!(problems.is_empty(), "n={} seed={}: {:?}", n, seed, problems);
        let errors: Vec<Finding> = validate(&w).into_iter().filter(Finding::is_error).collect();
        prop_assert!(errors.is_empty(), "n={} seed={}: {:#?}", n, seed, errors);
        prop_assert_eq!(parse_workflow(&to_canonical_json(&w)).unwrap(), w);
    }

    /// `modify` keeps synthetic workflows valid and wired, and is deterministic.
    #[test]
    fn modified_workflows_stay_valid(n in 3usize..120, seed in any::<u64>(), percent in 1u32..60) {
        let w = synthetic(n, seed);
        let m = modify(&w, percent, seed ^ 0xABCD);
        prop_assert!(common::ports_wired(&m));
        prop_assert_eq!(&modify(&w, percent, seed ^ 0xABCD), &m);
        let problems = common::convention_problems(&m, false);
        prop_assert!(problems.is_empty(), "n={} seed={} percent={}: {:?}", n, seed, percent, problems);
        let errors: Vec<Finding> = validate(&m).into_iter().filter(Finding::is_error).collect();
        prop_assert!(errors.is_empty(), "n={} seed={} percent={}: {:#?}", n, seed, percent, errors);
    }
}

#[test]
fn synthetic_large_sizes_are_exact_and_wired() {
    for n in [1_000, 10_000] {
        let w = synthetic(n, 42);
        assert_eq!(w.blocks.len(), n);
        assert!(common::ports_wired(&w));
        let errors: Vec<Finding> = validate(&w).into_iter().filter(Finding::is_error).collect();
        assert!(errors.is_empty(), "n={n}: {errors:#?}");
        let m = modify(&w, 10, 42);
        assert!(common::ports_wired(&m));
        let errors: Vec<Finding> = validate(&m).into_iter().filter(Finding::is_error).collect();
        assert!(errors.is_empty(), "modified n={n}: {errors:#?}");
    }
}

#[test]
fn synthetic_mixes_all_block_types() {
    let w = synthetic(300, 1);
    for t in BlockType::ALL {
        assert!(
            w.blocks.iter().any(|b| b.block_type() == *t),
            "{t:?} missing"
        );
    }
}

#[test]
fn modify_changes_about_the_requested_share() {
    let w = synthetic(1_000, 3);
    let m = modify(&w, 10, 3);
    let changed = m
        .blocks
        .iter()
        .filter(|b| {
            w.block(&b.id) != Some(b) || w.layout.blocks.get(&b.id) != m.layout.blocks.get(&b.id)
        })
        .count();
    let removed = w.blocks.iter().filter(|b| m.block(&b.id).is_none()).count();
    let touched = changed + removed;
    assert!(
        (50..=150).contains(&touched),
        "touched {touched} of 1000 blocks for 10 %"
    );
    assert_eq!(modify(&w, 0, 3), w);
}

// ---------------------------------------------------------------------------------------------
// (c) Parse errors name the path of the offending value.

fn fixture() -> serde_json::Value {
    let mut w = Workflow::new("fixture", "Fixture");
    w.fields.push(Field {
        name: "betragNetto".into(),
        label: String::new(),
        field_type: FieldType::Money,
        values: vec![],
        required: true,
    });
    w.roles.push(Role {
        id: RoleId::new("R-SB"),
        name: "Sachbearbeitung".into(),
        org_unit: None,
        signing_limit: Some(Money::euros(1000)),
    });
    w.blocks.push(Block::new(
        "start",
        "Start",
        BlockType::Start.default_kind(),
    ));
    w.blocks.push(Block::new(
        "a",
        "Prüfen",
        BlockType::Sachbearbeitung.default_kind(),
    ));
    w.blocks.push(Block::new(
        "b",
        "Nochmal prüfen",
        BlockType::Sachbearbeitung.default_kind(),
    ));
    w.blocks.push(Block::new(
        "wg",
        "Wertgrenze",
        BlockKind::Wertgrenzen(WertgrenzenParams {
            amount_field: "betragNetto".into(),
            basis: AmountBasis::Netto,
            currency: "EUR".into(),
            bands: vec![
                Band {
                    id: "bis1000".into(),
                    lower: Money(0),
                    upper: Some(Money::euros(1000)),
                    label: String::new(),
                },
                Band {
                    id: "bis25000".into(),
                    lower: Money::euros(1000),
                    upper: Some(Money::euros(25000)),
                    label: String::new(),
                },
                Band {
                    id: "ueber25000".into(),
                    lower: Money::euros(25000),
                    upper: None,
                    label: String::new(),
                },
            ],
        }),
    ));
    w.blocks
        .push(Block::new("ende", "Ende", BlockType::Ende.default_kind()));
    w.edges.push(Edge {
        id: EdgeId::new("e1"),
        from: BlockId::new("start"),
        port: "next".into(),
        to: BlockId::new("a"),
    });
    w.layout
        .blocks
        .insert(BlockId::new("start"), Rect::at(40, 40));
    serde_json::from_str(&to_canonical_json(&w)).unwrap()
}

/// Sets the value at a JSON pointer in the fixture and returns the parse error. The document
/// is parsed twice: with each block's `type` before its `params` (as Fachwerk writes it; the
/// parameters are read straight from the text) and after them (`serde_json` sorts the keys; the
/// parameters are buffered until the type is known). Both must name the same value.
fn parse_error_with(pointer: &str, value: serde_json::Value) -> fachwerk_shared::ParseError {
    let mut doc = fixture();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent} in fixture"))
    {
        serde_json::Value::Object(map) => {
            map.insert(key.to_string(), value);
        }
        serde_json::Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("{parent} is {other}"),
    }
    let sorted = serde_json::to_string_pretty(&doc).unwrap();
    let e = parse_workflow(&type_first(&doc)).expect_err("must not parse");
    let buffered = parse_workflow(&sorted).expect_err("must not parse, keys sorted");
    assert_eq!(
        (&e.path, &e.message),
        (&buffered.path, &buffered.message),
        "{pointer}"
    );
    e
}

/// `doc` as JSON text with every object's `type` key first.
fn type_first(doc: &serde_json::Value) -> String {
    match doc {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| k.as_str() != "type");
            let members: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        serde_json::Value::from(k.as_str()),
                        type_first(&map[k])
                    )
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(type_first).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

#[test]
fn fixture_parses() {
    let text = serde_json::to_string_pretty(&fixture()).unwrap();
    let w = parse_workflow(&text).unwrap();
    assert_eq!(parse_workflow(&type_first(&fixture())).unwrap(), w);
    assert!(
        text.find("\"params\"") < text.find("\"type\""),
        "keys sorted"
    );
}

#[test]
fn parse_error_names_band_bound() {
    let e = parse_error_with("/blocks/3/params/bands/1/upper", "abc".into());
    assert_eq!(e.path, "blocks[3].params.bands[1].upper", "{e}");
    assert!(e.message.contains("abc"), "{e}");
    assert!(e.line > 0, "{e:?}");
}

#[test]
fn parse_error_paths() {
    let cases: &[(&str, serde_json::Value, &str)] = &[
        (
            "/blocks/3/params/bands/0/lower",
            serde_json::json!(12.5),
            "blocks[3].params.bands[0].lower",
        ),
        (
            "/blocks/3/params/basis",
            "NETTTO".into(),
            "blocks[3].params.basis",
        ),
        (
            "/blocks/1/params/dueIn",
            serde_json::json!(14),
            "blocks[1].params.dueIn",
        ),
        (
            "/blocks/1/params/outcomes",
            "ok".into(),
            "blocks[1].params.outcomes",
        ),
        (
            "/roles/0/signingLimit",
            "1.000,00".into(),
            "roles[0].signingLimit",
        ),
        ("/fields/0/type", "float".into(), "fields[0].type"),
        ("/edges/0/port", serde_json::json!(null), "edges[0].port"),
        (
            "/layout/blocks/start/x",
            "links".into(),
            "layout.blocks.start.x",
        ),
        ("/nextId", serde_json::json!(-1), "nextId"),
    ];
    for (pointer, value, path) in cases {
        let e = parse_error_with(pointer, value.clone());
        assert_eq!(&e.path, path, "{pointer}: {e}");
    }
}

#[test]
fn parse_error_unknown_block_type_and_param() {
    let e = parse_error_with("/blocks/2/type", "unbekannt".into());
    assert_eq!(e.path, "blocks[2]", "{e}");
    assert!(e.message.contains("unbekannt"), "{e}");

    let mut doc = fixture();
    doc.pointer_mut("/blocks/1/params")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert("assigne".into(), serde_json::json!(null));
    let e = parse_workflow(&doc.to_string()).expect_err("unknown parameter");
    assert!(e.path.starts_with("blocks[1].params"), "{e}");
    assert!(e.message.contains("assigne"), "{e}");
}

#[test]
fn parse_error_newer_schema_version() {
    let e = parse_error_with("/schemaVersion", serde_json::json!(SCHEMA_VERSION + 1));
    assert_eq!(e.path, "schemaVersion");
}

/// The designer takes ids from an allocator (the workflow stays unchanged) and records the
/// counter with `Op::SetNextId` in the same batch; undo restores counter and elements together.
#[test]
fn ids_are_allocated_through_an_op() {
    let mut w = Workflow::new("t", "T");
    w.blocks
        .push(Block::new("b1", "", BlockType::Ende.default_kind()));
    let before = w.clone();
    let mut ids = w.id_allocator();
    let (b, e) = (ids.fresh("b"), ids.fresh("e"));
    assert_eq!(
        (b.as_str(), e.as_str()),
        ("b2", "e3"),
        "b1 is taken, so skipped"
    );
    let next_id = ids.next_id();
    assert_eq!(w, before, "allocating changes nothing");
    let batch = Op::Batch(vec![
        Op::SetNextId { next_id },
        Op::AddBlock {
            block: Block::new(b.as_str(), "", BlockType::Ende.default_kind()),
            rect: None,
            index: None,
        },
    ]);
    let undo = apply(&mut w, batch).unwrap();
    assert_eq!(w.next_id, 3);
    assert_eq!(w.id_allocator().fresh("b"), "b4");
    apply(&mut w, undo).unwrap();
    assert_eq!(w, before);
}
