//! FEEL date arithmetic in conditions (issue 15, item 1): the travel-expense rule "filed within
//! six months of the trip's end" validates, routes on both sides of the boundary (with month-end
//! clamping), `today()` is the Probelauf's case date, mistakes are `E_CONDITION_INVALID` with a
//! helpful message, and the condition leaves for BPMN unchanged.
//! Fixture: `tests/fixtures/expr/reisekosten_ausschlussfrist.json` (the Reisekostenantrag
//! template with a field `antragsDatum` and a Komplexitäts-Weiche before the check).
#![allow(clippy::unwrap_used)]

use std::path::Path;

use fachwerk_shared::bpmn::{from_bpmn, to_bpmn};
use fachwerk_shared::expr::{
    eval, parse, temporal, to_feel, BinOp, Date, EvalContext, Expr, ExprKind, FeelDuration, Span,
    Value,
};
use fachwerk_shared::model::*;
use fachwerk_shared::simulate::{simulate_scripted, CaseInput, Outcome, Trace};
use fachwerk_shared::{parse_workflow, validate, EndResult, Finding};
use proptest::prelude::*;
use serde_json::json;

const RULE: &str = "antragsDatum <= reiseEnde + duration(\"P6M\")";

fn fixture() -> Workflow {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/expr/reisekosten_ausschlussfrist.json");
    parse_workflow(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fixture with another condition for the Weiche's only rule.
fn with_condition(condition: &str) -> Workflow {
    let mut w = fixture();
    for b in &mut w.blocks {
        if let BlockKind::Komplexitaet(p) = &mut b.kind {
            p.rules[0].condition = condition.to_string();
        }
    }
    w
}

fn run(w: &Workflow, start: &str, reise_ende: &str, antrag: &str) -> Trace {
    let input: CaseInput = serde_json::from_value(json!({
        "startDate": start,
        "fields": {
            "erstattungsbetrag": "312.40",
            "reiseEnde": reise_ende,
            "antragsDatum": antrag,
            "reiseziel": "Berlin"
        }
    }))
    .unwrap();
    simulate_scripted(w, &input)
}

/// The block after the Weiche and how the case ended.
#[track_caller]
fn routed(t: &Trace) -> (String, EndResult) {
    let route = t.route();
    let i = route.iter().position(|b| *b == "ausschlussfrist").unwrap();
    let Outcome::Ended { result, .. } = &t.outcome else {
        panic!("not ended: {:?}\n{}", t.outcome, t.render_de());
    };
    (route[i + 1].to_string(), *result)
}

const CHECKED: (&str, EndResult) = ("antrag-pruefen", EndResult::Erledigt);
const REJECTED: (&str, EndResult) = ("ablehnung-mitteilen", EndResult::Abgelehnt);

#[track_caller]
fn assert_routed(t: &Trace, want: (&str, EndResult)) {
    let (next, result) = routed(t);
    assert_eq!((next.as_str(), result), want, "\n{}", t.render_de());
}

#[test]
fn the_travel_expense_rule_validates_clean() {
    let findings = validate(&fixture());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn claims_route_by_the_six_month_boundary_with_month_end_clamping() {
    let w = fixture();
    let cases = [
        // Trip ends 31 Jan: six months later is 31 Jul.
        ("2026-01-31", "2026-07-31", CHECKED),
        ("2026-01-31", "2026-08-01", REJECTED),
        // Trip ends 31 Aug: February has no 31st, the deadline is 28 Feb (29 in a leap year).
        ("2025-08-31", "2026-02-28", CHECKED),
        ("2025-08-31", "2026-03-01", REJECTED),
        ("2023-08-31", "2024-02-29", CHECKED),
        ("2023-08-31", "2024-03-01", REJECTED),
        // Seven months after the trip: rejected (the acceptance case).
        ("2026-03-15", "2026-10-15", REJECTED),
        ("2026-03-15", "2026-03-16", CHECKED),
    ];
    for (reise_ende, antrag, want) in cases {
        let t = run(&w, antrag, reise_ende, antrag);
        assert_routed(&t, want);
    }
    // The Probelauf says which rule matched and with which values.
    let t = run(&w, "2026-07-31", "2026-01-31", "2026-07-31");
    assert!(
        t.render_de().contains(&format!(
            "Regel „Innerhalb der Ausschlussfrist“ trifft zu ({RULE}"
        )),
        "{}",
        t.render_de()
    );
}

#[test]
fn today_is_the_case_date_in_the_probelauf() {
    let w = with_condition("today() <= reiseEnde + duration(\"P6M\")");
    assert!(validate(&w).is_empty(), "{:#?}", validate(&w));
    // antragsDatum is ignored here: the case's start date decides.
    assert_routed(&run(&w, "2026-07-31", "2026-01-31", "2020-01-01"), CHECKED);
    assert_routed(&run(&w, "2026-08-01", "2026-01-31", "2020-01-01"), REJECTED);
    assert_routed(&run(&w, "2026-02-28", "2025-08-31", "2020-01-01"), CHECKED);
    assert_routed(&run(&w, "2026-03-01", "2025-08-31", "2020-01-01"), REJECTED);
    let t = run(&w, "2026-03-01", "2025-08-31", "2020-01-01");
    assert!(
        t.render_de()
            .contains("(reiseEnde = 31.08.2025, today() = 01.03.2026)"),
        "{}",
        t.render_de()
    );
    // The distance of two dates is a days-and-time duration.
    let w = with_condition("today() - reiseEnde <= duration(\"P180D\")");
    assert!(validate(&w).is_empty(), "{:#?}", validate(&w));
    assert_routed(&run(&w, "2026-07-30", "2026-01-31", "2026-07-30"), CHECKED);
    assert_routed(&run(&w, "2026-07-31", "2026-01-31", "2026-07-31"), REJECTED);
}

fn condition_findings(condition: &str) -> Vec<Finding> {
    validate(&with_condition(condition))
}

#[test]
fn date_mistakes_are_condition_invalid_with_help() {
    let cases: [(&str, &str, &str); 7] = [
        (
            "antragsDatum <= reiseEnde + antragsDatum",
            "„reiseEnde + antragsDatum“: „+“ passt nicht zu Datum und Datum – zwei Daten lassen sich nicht addieren",
            "the distance is reiseEnde - antragsDatum",
        ),
        (
            "antragsDatum - reiseEnde <= duration(\"P6M\")",
            "vergleichen Sie die Daten selbst: antragsDatum <= reiseEnde + duration(\"P6M\")",
            "is a duration in days",
        ),
        (
            "antragsDatum <= reiseEnde + duration(\"bogus\")",
            "„bogus“ ist keine FEEL-Dauer",
            "is not a FEEL duration",
        ),
        (
            "antragsDatum <= reiseEnde + duration(\"P6M14D\")",
            "mischt Jahre/Monate mit Tagen/Zeit",
            "mixes years/months with days/time",
        ),
        (
            "antragsDatum <= reiseEnde + 180",
            "keine Zahl, sondern eine Dauer",
            "not a number",
        ),
        (
            "duration(\"P6M\") >= today() - reiseEnde",
            "vergleichen Sie die Daten selbst: reiseEnde + duration(\"P6M\") >= today()",
            "compare the dates themselves: reiseEnde + duration(\"P6M\") >= today()",
        ),
        (
            "duration(\"P6M\") < duration(\"P180D\")",
            "Dauer in Jahren/Monaten und eine in Tagen/Zeit lassen sich nicht vergleichen",
            "cannot be compared because months differ in length",
        ),
    ];
    for (condition, de, en) in cases {
        let findings = condition_findings(condition);
        assert_eq!(findings.len(), 1, "{condition}: {findings:#?}");
        let f = &findings[0];
        assert_eq!(f.code, "E_CONDITION_INVALID", "{condition}");
        assert!(f.message_de.contains(de), "{condition}: {}", f.message_de);
        assert!(f.message_en.contains(en), "{condition}: {}", f.message_en);
    }
    // A condition that yields a date instead of true/false.
    let findings = condition_findings("reiseEnde + duration(\"P6M\")");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].code, "E_CONDITION_INVALID");
    assert!(
        findings[0]
            .message_de
            .contains("ergibt Datum statt wahr/falsch"),
        "{}",
        findings[0].message_de
    );
}

#[test]
fn the_condition_leaves_for_bpmn_as_feel_and_comes_back() {
    let w = fixture();
    let xml = to_bpmn(&w);
    assert!(
        xml.contains("antragsDatum &lt;= reiseEnde + duration(&quot;P6M&quot;)")
            || xml.contains("antragsDatum &lt;= reiseEnde + duration(\"P6M\")"),
        "{xml}"
    );
    let (back, notes) = from_bpmn(&xml).unwrap();
    assert!(notes.is_empty(), "{notes:#?}");
    assert_eq!(back, w);
}

// ---------------------------------------------------------------------------------------------
// Properties

fn date_strategy() -> impl Strategy<Value = Date> {
    (1900u16..2200, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
        (28..=d)
            .rev()
            .chain(d..=d)
            .find_map(|d| Date::new(y, m, d))
            .unwrap()
    })
}

fn leaf() -> impl Strategy<Value = ExprKind> {
    prop_oneof![
        date_strategy().prop_map(ExprKind::Date),
        (-1200i64..1200).prop_map(|m| ExprKind::Duration(FeelDuration::YearsMonths(m))),
        (-10_000_000i64..10_000_000).prop_map(|s| ExprKind::Duration(FeelDuration::DaysTime(s))),
        Just(ExprKind::Today),
        prop_oneof![Just("reiseEnde"), Just("antragsDatum"), Just("today")]
            .prop_map(|f| ExprKind::Field(f.to_string())),
    ]
}

fn node(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

/// Date expressions as trees (spans left empty): leaves combined with `+ - < <= = and or`,
/// unary minus and `not(…)`.
fn date_expr() -> impl Strategy<Value = Expr> {
    leaf().prop_map(node).prop_recursive(4, 24, 2, |inner| {
        let ops = prop_oneof![
            Just(BinOp::Add),
            Just(BinOp::Sub),
            Just(BinOp::Lt),
            Just(BinOp::Le),
            Just(BinOp::Eq),
            Just(BinOp::And),
            Just(BinOp::Or),
        ];
        prop_oneof![
            (ops, inner.clone(), inner.clone()).prop_map(|(op, l, r)| node(ExprKind::Binary(
                op,
                Box::new(l),
                Box::new(r)
            ))),
            inner.clone().prop_map(|e| node(ExprKind::Neg(Box::new(e)))),
            inner.prop_map(|e| node(ExprKind::Not(Box::new(e)))),
        ]
    })
}

fn without_spans(e: &Expr) -> Expr {
    let kind = match &e.kind {
        ExprKind::Neg(i) => ExprKind::Neg(Box::new(without_spans(i))),
        ExprKind::Not(i) => ExprKind::Not(Box::new(without_spans(i))),
        ExprKind::Binary(op, l, r) => {
            ExprKind::Binary(*op, Box::new(without_spans(l)), Box::new(without_spans(r)))
        }
        other => other.clone(),
    };
    node(kind)
}

proptest! {
    #[test]
    fn adding_and_taking_away_months_stays_within_three_days(d in date_strategy(), n in 0i64..600) {
        let src = format!("date(\"{d}\") + duration(\"P{n}M\") - duration(\"P{n}M\")");
        let Value::Date(back) = eval(&parse(&src).unwrap(), &EvalContext::without_today(&|_| None)).unwrap() else {
            return Err(TestCaseError::fail(format!("{src} is not a date")));
        };
        let moved = temporal::day_number(d) - temporal::day_number(back);
        // Clamping to a month's end can only move the date back, by at most 3 days (31 → 28).
        prop_assert!((0..=3).contains(&moved), "{src} = {back}");
    }

    #[test]
    fn parse_after_print_is_identity_for_date_expressions(e in date_expr()) {
        let text = to_feel(&e);
        let back = parse(&text).map_err(|err| TestCaseError::fail(format!("{text}: {err}")))?;
        prop_assert_eq!(without_spans(&back), e, "{}", text);
    }
}
