//! Random case inputs for the property tests: one seed → field values, staffing, forced
//! persons and decisions for a workflow; and the templates of `workflows/`.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::Path;

use fachwerk_shared::model::*;
use fachwerk_shared::simulate::decision_ports;
use fachwerk_shared::{catalog, parse_workflow, validate, Finding};
use serde_json::{json, Map, Value};

/// SplitMix64, to derive a whole case from one seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
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
pub fn random_case(w: &Workflow, seed: u64, clean: bool) -> CaseInput {
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

pub fn templates() -> Vec<Workflow> {
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

pub fn valid(w: &Workflow) -> bool {
    !validate(w).iter().any(Finding::is_error)
}
