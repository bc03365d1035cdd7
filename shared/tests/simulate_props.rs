//! Property: on a VALID workflow (generate::synthetic of many sizes and seeds, and every
//! template) any case input with random field values, staffing, forced persons and decisions
//! ends in an Ende, or is refused / blocked only for a reason that depends on the case (person
//! rules, staffing, a missing optional value) — never for a structural reason (unwired port,
//! unknown role, no matching band, unexecutable block). A structural block here is a validation
//! bug; the failure message prints the workflow and the case to reproduce it.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use fachwerk_shared::generate::synthetic;
use fachwerk_shared::model::*;
use fachwerk_shared::simulate::*;
use fachwerk_shared::{catalog, parse_workflow, validate, Finding};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// SplitMix64, to derive a whole case from one seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const POOL: &[&str] = &[
    "Frau Meier",
    "Herr Schulz",
    "Frau Yilmaz",
    "Herr Klein",
    "Frau Groß",
];
const LANDS: &[&str] = &[
    "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH",
];

fn date(r: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        2020 + r.below(11),
        1 + r.below(12),
        1 + r.below(28)
    )
}

fn field_value(r: &mut Rng, f: &Field) -> Value {
    match f.field_type {
        FieldType::Money => match r.below(4) {
            0 => json!(r.below(2_000)),
            1 => json!(format!("{}.{:02}", r.below(100_000), r.below(100))),
            2 => {
                json!(*r
                    .pick(&["0", "1000.00", "1000.01", "25000.00", "25000.01", "7500", "10000.00"]))
            }
            _ => json!(format!("{}.00", r.below(200_000))),
        },
        FieldType::Int => json!(r.below(200) as i64 - 20),
        FieldType::Bool => json!(r.chance(50)),
        FieldType::Date => json!(date(r)),
        FieldType::Enum => json!(r.pick(&f.values).clone()),
        FieldType::Text => json!(format!("Text <{}> & \"{}\"", r.below(1000), r.pick(POOL))),
    }
}

/// A random but well-formed case for `w`. `clean`: default staffing, nothing forced.
fn random_case(w: &Workflow, seed: u64, clean: bool) -> CaseInput {
    let mut r = Rng(seed);
    let mut fields = Map::new();
    for f in &w.fields {
        if f.required || r.chance(60) {
            fields.insert(f.name.clone(), field_value(&mut r, f));
        }
    }
    let mut persons = Map::new();
    let mut actors = Map::new();
    let mut initiator = Value::Null;
    if !clean {
        for role in &w.roles {
            if r.chance(60) {
                let n = 1 + r.below(3);
                let people: Vec<&str> = (0..n).map(|_| *r.pick(POOL)).collect();
                persons.insert(role.id.0.clone(), json!(people));
            }
        }
        if r.chance(40) {
            initiator = json!(r.pick(POOL));
        }
    }
    let mut choices = Map::new();
    let mut durations = Map::new();
    for b in &w.blocks {
        let ports = decision_ports(&b.kind);
        if !ports.is_empty() && r.chance(50) {
            let n = r.below(4);
            let entries: Vec<String> = (0..n)
                .map(|_| {
                    let days = if r.chance(50) {
                        format!(":{}", r.below(40))
                    } else {
                        String::new()
                    };
                    match &b.kind {
                        BlockKind::Mitzeichnung(p) => (0..p.participants.len())
                            .map(|_| {
                                format!("{}{}", if r.chance(70) { "approve" } else { "veto" }, days)
                            })
                            .collect::<Vec<_>>()
                            .join(","),
                        _ => format!("{}{days}", r.pick(&ports)),
                    }
                })
                .collect();
            choices.insert(b.id.0.clone(), json!(entries));
        }
        if catalog::info(b.block_type()).human_task && r.chance(30) {
            durations.insert(b.id.0.clone(), json!(r.below(30)));
        }
        if !clean && catalog::info(b.block_type()).human_task && r.chance(5) {
            let key = match &b.kind {
                BlockKind::Mitzeichnung(p) if !p.participants.is_empty() => {
                    format!("{}#{}", b.id, 1 + r.below(p.participants.len() as u64))
                }
                BlockKind::Mitzeichnung(_) => continue,
                _ => b.id.0.clone(),
            };
            actors.insert(key, json!(r.pick(POOL)));
        }
    }
    let mut v = json!({
        "caseId": format!("prop-{seed}"),
        "startDate": date(&mut r),
        "land": r.pick(LANDS),
        "fields": fields,
        "persons": persons,
        "actors": actors,
        "choices": choices,
        "durations": durations,
    });
    if !initiator.is_null() {
        v["initiator"] = initiator;
    }
    serde_json::from_value(v).unwrap()
}

fn templates() -> Vec<Workflow> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| parse_workflow(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

/// Checks the trace's shape: consecutive steps follow edges, dates never go back, an Ended
/// outcome matches the last step.
fn check_shape(w: &Workflow, t: &Trace) -> Result<(), String> {
    let start = w
        .blocks
        .iter()
        .find(|b| b.block_type() == BlockType::Start)
        .unwrap();
    if t.steps.first().map(|s| &s.block) != Some(&start.id) {
        return Err("does not begin at the Start".into());
    }
    let mut expected: Option<BlockId> = None;
    let mut last_done = None;
    for s in &t.steps {
        let b = w.block(&s.block).ok_or("unknown block in trace")?;
        if s.entered > s.completed {
            return Err(format!("{} completed before it was entered", s.block));
        }
        let is_escalation = b.block_type() == BlockType::Eskalation;
        if !is_escalation {
            if let Some(x) = expected.take() {
                if x != s.block {
                    return Err(format!("{} follows, but the edge leads to {x}", s.block));
                }
            }
            if last_done.is_some_and(|d| s.entered < d) {
                return Err(format!(
                    "{} entered before the previous step was done",
                    s.block
                ));
            }
            last_done = Some(s.completed);
        }
        if let Some(port) = &s.decision.port {
            expected = w
                .outgoing(&s.block)
                .find(|e| &e.port == port)
                .map(|e| e.to.clone());
            if is_escalation {
                last_done = Some(s.completed);
            }
        }
    }
    if let Outcome::Ended { block, result } = &t.outcome {
        let last = t.steps.last().ok_or("no steps")?;
        match w.block(block).map(|b| &b.kind) {
            Some(BlockKind::Ende(p)) if &last.block == block && p.result == *result => {}
            _ => return Err("Ended does not match the last step".into()),
        }
    }
    let veraktungen = t
        .steps
        .iter()
        .filter(|s| {
            matches!(
                w.block(&s.block).map(|b| b.block_type()),
                Some(BlockType::Veraktung)
            )
        })
        .count();
    if t.xdomea.iter().filter(|m| m.code == "0605").count() != veraktungen {
        return Err("one 0605 per Veraktung expected".into());
    }
    serde_json::to_string(t).map_err(|e| e.to_string())?;
    Ok(())
}

fn check(w: &Workflow, case: &CaseInput, clean: bool) -> Result<(), TestCaseError> {
    let t = simulate_scripted(w, case);
    let show = || {
        format!(
            "workflow {} ({} blocks), case:\n{}\n{}",
            w.key,
            w.blocks.len(),
            serde_json::to_string(case).unwrap(),
            t.render_de()
        )
    };
    if let Err(e) = check_shape(w, &t) {
        return Err(TestCaseError::fail(format!("{e}\n{}", show())));
    }
    match &t.outcome {
        Outcome::Ended { .. } => {}
        Outcome::Refused { code, .. } => prop_assert!(
            !clean,
            "refused ({code:?}) with default staffing\n{}",
            show()
        ),
        Outcome::Blocked { code, .. } => {
            prop_assert!(
                !code.is_structural(),
                "STRUCTURAL block on a valid workflow (validation bug?)\n{}",
                show()
            );
            prop_assert!(
                *code != BlockedCode::InvalidInput,
                "generated input rejected\n{}",
                show()
            );
            prop_assert!(
                *code != BlockedCode::StepLimit,
                "step limit with bounded choices\n{}",
                show()
            );
            if clean {
                prop_assert!(
                    *code == BlockedCode::MissingValue,
                    "blocked ({code:?}) with default staffing\n{}",
                    show()
                );
            }
        }
    }
    Ok(())
}

fn valid(w: &Workflow) -> bool {
    !validate(w).iter().any(Finding::is_error)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn synthetic_workflows_end_or_stop_for_case_reasons(n in 3usize..80, wseed in 0u64..10_000, cseed: u64, clean: bool) {
        let w = synthetic(n, wseed);
        prop_assume!(valid(&w));
        check(&w, &random_case(&w, cseed, clean), clean)?;
    }

    #[test]
    fn templates_end_or_stop_for_case_reasons(which in 0usize..64, cseed: u64, clean: bool) {
        let all = templates();
        let w = &all[which % all.len()];
        check(w, &random_case(w, cseed, clean), clean)?;
    }
}

/// Generated workflows must be valid in the first place (else the property above skips them).
#[test]
fn synthetic_workflows_are_valid() {
    let mut invalid = Vec::new();
    for n in [3, 5, 10, 25, 60, 150] {
        for seed in 0..20 {
            let w = synthetic(n, seed);
            if !valid(&w) {
                invalid.push(format!("synthetic({n}, {seed})"));
            }
        }
    }
    assert!(invalid.is_empty(), "{invalid:?}");
}

/// Large synthetic workflows run to an Ende with default staffing and random decisions.
#[test]
fn default_runs_of_large_synthetic_workflows_end() {
    for seed in 0..30 {
        let w = synthetic(120, seed);
        let case = random_case(&w, seed, true);
        let t = simulate_scripted(&w, &case);
        assert!(
            matches!(t.outcome, Outcome::Ended { .. }),
            "synthetic(120, {seed}): {:?}\n{}",
            t.outcome,
            t.render_de()
        );
    }
}
