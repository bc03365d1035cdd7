//! Property: the Probelauf and a real case run on the same engine. For every template in
//! `workflows/` and generated workflows (`generate::synthetic`) × random case input and
//! decisions, the Probelauf's route equals the route of a case started with `engine::start` and
//! driven with `engine::step` by the same decisions — completing whatever task is open with the
//! scripted person, exit and date, firing due timers — and both stop the same way (Ende,
//! refused person with the same rule, blocked with the same code); no step rewrites the route
//! or the log (checked by the driver after every step). The failure message prints
//! the workflow key and the case to reproduce it.
#![allow(clippy::unwrap_used)]

mod engine_support;

use std::path::Path;

use fachwerk_shared::engine::{self, RefusalCode, Status};
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

fn valid(w: &Workflow) -> bool {
    !validate(w).iter().any(Finding::is_error)
}

/// The Probelauf and the driven case agree on route and ending.
fn same_run(w: &Workflow, case: &CaseInput, cosign_events: bool) -> Result<(), TestCaseError> {
    let p = simulate_scripted(w, case);
    let Some(driven) = engine_support::drive(w, case, cosign_events) else {
        prop_assert!(
            matches!(
                p.outcome,
                Outcome::Blocked {
                    code: BlockedCode::InvalidInput,
                    ..
                }
            ),
            "the engine rejected an input the Probelauf accepts"
        );
        return Ok(());
    };
    let show = || {
        format!(
            "workflow {} ({} blocks), case:\n{}\nProbelauf:\n{}\nengine route: {:?}\nstatus: {:?}\nrefused: {:?}\nopen: {:?}",
            w.key,
            w.blocks.len(),
            serde_json::to_string(case).unwrap(),
            p.render_de(),
            driven.state.route_blocks(),
            driven.state.status,
            driven.refused,
            driven.state.tasks.iter().map(|t| &t.id).collect::<Vec<_>>(),
        )
    };
    prop_assert_eq!(driven.state.route_blocks(), p.route(), "{}", show());
    match &p.outcome {
        Outcome::Ended { block, result } => prop_assert_eq!(
            &driven.state.status,
            &Status::Ended {
                block: block.clone(),
                result: *result
            },
            "{}",
            show()
        ),
        Outcome::Refused { code, .. } => prop_assert_eq!(
            driven.refused.as_ref().map(|r| r.code),
            Some(RefusalCode::from(*code)),
            "{}",
            show()
        ),
        Outcome::Blocked {
            code: BlockedCode::NoEligiblePerson,
            ..
        } => prop_assert!(
            driven.state.status == Status::Running && driven.refused.is_none(),
            "{}",
            show()
        ),
        Outcome::Blocked { code, block, .. } => prop_assert!(
            matches!(&driven.state.status, Status::Blocked { code: c, block: b, .. } if c == code && b == block),
            "{}",
            show()
        ),
    }
    // The engine's own trace of the case is the Probelauf's, step by step (dates included).
    let t = engine::trace(w, &driven.state).unwrap();
    let key = |s: &Step| {
        (
            s.block.clone(),
            s.visit,
            s.decision.port.clone(),
            s.entered,
            s.completed,
            s.due,
        )
    };
    prop_assert_eq!(
        t.steps.iter().map(key).collect::<Vec<_>>(),
        p.steps.iter().map(key).collect::<Vec<_>>(),
        "{}",
        show()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn synthetic_workflows_take_the_probelauf_route(n in 3usize..60, wseed in 0u64..10_000, cseed: u64, clean: bool, cosign: bool) {
        let w = synthetic(n, wseed);
        prop_assume!(valid(&w));
        same_run(&w, &random_case(&w, cseed, clean), cosign)?;
    }

    #[test]
    fn templates_take_the_probelauf_route(which in 0usize..64, cseed: u64, clean: bool, cosign: bool) {
        let all = templates();
        let w = &all[which % all.len()];
        same_run(w, &random_case(w, cseed, clean), cosign)?;
    }
}
