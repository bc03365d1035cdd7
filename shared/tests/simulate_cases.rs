//! Probefälle: cases saved with a workflow are rerun after edits; a changed route fails with a
//! message naming the step.
#![allow(clippy::unwrap_used)]

mod common;

use common::template;

use std::path::Path;

use fachwerk_shared::ops::{apply, Op};
use fachwerk_shared::simulate::{
    record_test_case, run_test_case, run_test_cases, simulate_scripted,
};
use fachwerk_shared::{parse_workflow, BlockId, BlockKind, ExpectedOutcome, Money};

#[test]
fn every_templates_saved_cases_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let w = parse_workflow(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for r in run_test_cases(&w) {
            assert!(r.passed, "{}: {}: {}", path.display(), r.name, r.message_de);
            total += 1;
        }
    }
    assert!(
        total >= 3,
        "the procurement template ships its three amount cases"
    );
}

#[test]
fn lowering_a_band_limit_breaks_the_saved_12400_case_at_the_router() {
    let mut w = template("beschaffung");
    let BlockKind::Wertgrenzen(p) = &mut w.block_mut(&BlockId::new("wertgrenze")).unwrap().kind
    else {
        panic!("wertgrenze is a Wertgrenzen-Weiche");
    };
    p.bands[1].upper = Some(Money::parse("10000.00").unwrap());
    p.bands[2].lower = Money::parse("10000.00").unwrap();
    let results = run_test_cases(&w);
    let names: Vec<(&str, bool)> = results
        .iter()
        .map(|r| (r.name.as_str(), r.passed))
        .collect();
    assert_eq!(
        names,
        [
            ("Direktauftrag 800 € netto", true),
            ("Preisvergleich 12.400 € netto", false),
            ("Vergabe 80.000 € netto", true)
        ]
    );
    assert_eq!(
        results[1].message_de,
        "Weg weicht bei Schritt 4 ab: erwartet „Vergleichsangebote einholen und auswerten“, jetzt „Vergabeunterlagen und Vergabevermerk erstellen“."
    );
    assert!(results[1].message_en.starts_with("Route differs at step 4"));
}

#[test]
fn a_recorded_refusal_stays_a_refusal() {
    let w = template("beschaffung");
    let mut case = w.test_cases[1].case.clone();
    // The same person does the price comparison and its second check: the four-eyes rule refuses.
    case.actors
        .insert("angebote-einholen".into(), "Frau Meier".into());
    case.actors
        .insert("preis-pruefen".into(), "Frau Meier".into());
    let trace = simulate_scripted(&w, &case);
    let tc = record_test_case("Gleiche Person prüft", &case, &trace);
    assert_eq!(tc.expect_outcome, ExpectedOutcome::Refused);
    assert!(run_test_case(&w, &tc).passed);
    // Once the case is valid again it no longer matches the expectation.
    let mut fixed = tc.clone();
    fixed.case.actors.clear();
    let r = run_test_case(&w, &fixed);
    assert!(!r.passed);
    assert!(
        r.message_de
            .starts_with("Erwartet: Fall wird abgewiesen; jetzt: Fall endet regulär"),
        "{}",
        r.message_de
    );
}

#[test]
fn saving_cases_is_an_undoable_op() {
    let mut w = template("beschaffung");
    let before = w.clone();
    let inverse = apply(&mut w, Op::SetTestCases { cases: Vec::new() }).unwrap();
    assert!(w.test_cases.is_empty());
    apply(&mut w, inverse).unwrap();
    assert_eq!(w, before);
}
