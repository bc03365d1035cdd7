//! Synthetic valid workflows of N blocks, for benchmarks and property tests.
//!
//! [`synthetic`] strings together small, realistic fragments ("segments") between a Start and a
//! final Veraktung → Ende: plain case work, Rückfrage loops, Vier-Augen checks, Mitzeichnung,
//! Schlusszeichnung with Bescheid, Wertgrenzen with three contiguous bands, Komplexitäts rules,
//! Zahlung, Frist, Eskalation and rejection branches that are filed before their own Ende.
//! Every segment has one entry block; all its open exits are wired to the next segment's entry,
//! loops only ever point back into the same segment. The design follows blocks.md §2/§3
//! conservatively so that the result has no validation errors:
//!
//! * every declared port has exactly one edge, every block is reachable and reaches an Ende;
//! * Veraktung is always the last activity before an Ende and sends zdA with Gesamtprotokoll;
//! * a Schlusszeichnung with a signing limit only sits inside a band of the *first*
//!   Wertgrenzen-Weiche, whose upper bound it covers; all others are signed by an unlimited role;
//! * Bescheide follow a Schlusszeichnung; Vier-Augen references a block that dominates it;
//! * Mitzeichnung participants never do case work themselves; Rückfragen carry `maxRounds`.
//!
//! [`modify`] derives a changed version of a workflow (labels, parameters, moves, inserted and
//! removed blocks) that keeps those properties, for diff benchmarks.

mod modify;
mod segments;

pub use modify::modify;
use segments::Gen;

use std::collections::BTreeSet;

use crate::catalog;
use crate::model::*;
use crate::values::{Duration, Money};

/// A tiny deterministic PRNG (SplitMix64), so the library needs no `rand` dependency.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const GRID_X: i32 = 220;
const GRID_Y: i32 = 120;
const MARGIN: i32 = 40;
/// Rows reserved per line of the layered layout; segments use rows 0..=4.
const ROWS_PER_LINE: i32 = 6;
/// Columns per line before the layout wraps to the next line.
const LINE_COLUMNS: i32 = 40;

/// The roles the generator may use; only those actually used are declared.
const ROLES: &[(&str, &str, Option<i64>)] = &[
    ("R-SB", "Sachbearbeitung", Some(1_000)),
    ("R-FP", "Sachbearbeitung Fachprüfung", None),
    ("R-TL", "Teamleitung", Some(10_000)),
    ("R-AL", "Amtsleitung", Some(25_000)),
    ("R-BM", "Bürgermeisterin / Bürgermeister", None),
    ("R-KAEM", "Kämmerei", None),
    ("R-RECHT", "Rechtsamt", None),
    ("R-VST", "Zentrale Vergabestelle", None),
    ("R-KASSE", "Stadtkasse", None),
    ("R-VT", "Vertretung der Amtsleitung", None),
];

/// The declared case fields (Fallvariablen).
const FIELDS: &[(&str, &str, FieldType)] = &[
    ("betragNetto", "Auftragswert netto", FieldType::Money),
    ("gebuehr", "Gebühr", FieldType::Money),
    ("fahrbahnBetroffen", "Fahrbahn betroffen", FieldType::Bool),
    ("erlaubnispflichtig", "Erlaubnispflichtig", FieldType::Bool),
    ("dauerTage", "Dauer in Tagen", FieldType::Int),
    ("flaecheQm", "Fläche in m²", FieldType::Int),
    ("wiedervorlageAm", "Wiedervorlage am", FieldType::Date),
];

/// Rule sets for Komplexitäts-Weichen: no rule shadows another, all fields declared.
const RULE_SETS: &[&[(&str, &str, &str)]] = &[
    &[(
        "komplex",
        "Fahrbahn betroffen oder länger als 30 Tage",
        "fahrbahnBetroffen = true or dauerTage > 30",
    )],
    &[
        (
            "erlaubnis",
            "Erlaubnispflichtig",
            "erlaubnispflichtig = true",
        ),
        ("grossflaechig", "Mehr als 50 m²", "flaecheQm > 50"),
    ],
    &[
        ("langfristig", "Länger als 90 Tage", "dauerTage > 90"),
        ("fahrbahn", "Fahrbahn betroffen", "fahrbahnBetroffen = true"),
    ],
];

fn role(r: &str) -> Option<Assignee> {
    Some(Assignee::Role(RoleId::new(r)))
}

fn days(n: u32) -> Option<Duration> {
    Some(Duration::days(n))
}

fn sb_kind(assignee: &str, instructions: &str, outcomes: &[&str], due: u32) -> BlockKind {
    BlockKind::Sachbearbeitung(SachbearbeitungParams {
        assignee: role(assignee),
        instructions: instructions.to_string(),
        outcomes: outcomes.iter().map(|o| o.to_string()).collect(),
        due_in: days(due),
        form_ref: None,
    })
}

fn sz_kind(signer: &str, amount_field: Option<&str>, level: SignatureLevel) -> BlockKind {
    BlockKind::Schlusszeichnung(SchlusszeichnungParams {
        signer: role(signer),
        amount_field: amount_field.map(str::to_string),
        signature_level: level,
        zeichnungszusatz: Zeichnungszusatz::Ohne,
    })
}

fn veraktung_kind() -> BlockKind {
    BlockKind::Veraktung(VeraktungParams {
        target: "dms".into(),
        aktenplan_kennzeichen: "10.20.30".into(),
        container_rule: ContainerRule::default(),
        include: vec![
            Include::Dokumente,
            Include::Geschaeftsgang,
            Include::Protokoll,
        ],
        zda: true,
        aufbewahrungsdauer_jahre: Some(10),
        aussonderungsart: None,
    })
}

/// The roles a block refers to (assignees, signers, participants, recipients).
fn role_refs<'a>(kind: &'a BlockKind) -> Vec<&'a RoleId> {
    let mut out = Vec::new();
    let mut add = |a: &'a Option<Assignee>| {
        if let Some(Assignee::Role(r)) = a {
            out.push(r);
        }
    };
    match kind {
        BlockKind::Start(p) => add(&p.initiator_role),
        BlockKind::Sachbearbeitung(p) => add(&p.assignee),
        BlockKind::VierAugen(p) => {
            add(&p.first_check);
            add(&p.second_check);
        }
        BlockKind::Mitzeichnung(p) => p.participants.iter().for_each(|x| add(&x.assignee)),
        BlockKind::Schlusszeichnung(p) => add(&p.signer),
        BlockKind::Frist(p) => add(&p.notify),
        BlockKind::Eskalation(p) => add(&p.escalate_to),
        BlockKind::Benachrichtigung(p) => {
            if let Some(Recipient::Role(r)) = &p.recipient {
                out.push(r);
            }
        }
        _ => {}
    }
    out
}

/// A synthetic, valid workflow of exactly `n` blocks (at least 3: Start, Veraktung, Ende),
/// deterministic for `(n, seed)`.
pub fn synthetic(n: usize, seed: u64) -> Workflow {
    let n = n.max(3);
    let mut g = Gen {
        w: Workflow::new(
            format!("synthetisch-{n}"),
            format!("Synthetischer Ablauf ({n} Bausteine)"),
        ),
        rng: Rng::new(seed),
        counter: 0,
        col: 0,
        line: 0,
        pending: Vec::new(),
        wertgrenzen: 0,
        roles: BTreeSet::new(),
    };
    g.w.description = format!(
        "Erzeugt von generate::synthetic(n = {n}, seed = {seed}) für Benchmarks und Tests."
    );
    g.w.version = "1.0.0".into();
    g.w.blocks.reserve(n);

    let start = g.block(
        "Antrag eingegangen",
        BlockKind::Start(StartParams {
            trigger: Trigger::OnlineAntrag,
            form_ref: Some("antrag".into()),
            initiator_role: None,
            timer: None,
            eingangsbestaetigung: true,
        }),
        0,
        1,
    );
    g.end(1);
    g.pending.push((start, "next".into()));
    let mut remaining = n - 3;
    if remaining > 0 {
        // Case work right after intake, so every later Schlusszeichnung is preceded by it.
        g.begin(1);
        let b = g.block(
            "Antrag prüfen",
            sb_kind("R-SB", "Antrag prüfen.", &["ok"], 5),
            0,
            1,
        );
        g.enter(&b);
        g.pending.push((b, "ok".into()));
        g.end(1);
        remaining -= 1;
    }
    while remaining > 0 {
        remaining -= g.segment(remaining);
    }
    g.begin(2);
    let ver = g.block("Vorgang veraktet (zdA)", veraktung_kind(), 0, 1);
    let end = g.block(
        "Erledigt",
        BlockKind::Ende(EndeParams {
            result: EndResult::Erledigt,
            terminate: false,
        }),
        1,
        1,
    );
    g.enter(&ver);
    g.edge(&ver, "ok", &end);
    g.edge(&ver, "fehler", &end);

    let mut w = g.w;
    w.next_id = g.counter;
    w.roles = ROLES
        .iter()
        .filter(|(id, _, _)| g.roles.contains(id))
        .map(|(id, name, limit)| Role {
            id: RoleId::new(*id),
            name: name.to_string(),
            org_unit: None,
            signing_limit: limit.map(Money::euros),
        })
        .collect();
    w.fields = FIELDS
        .iter()
        .map(|(name, label, t)| Field {
            name: name.to_string(),
            label: label.to_string(),
            field_type: *t,
            values: Vec::new(),
            required: true,
        })
        .collect();
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wired(w: &Workflow) -> bool {
        w.blocks.iter().all(|b| {
            catalog::ports(&b.kind)
                .iter()
                .all(|p| w.outgoing(&b.id).filter(|e| e.port == p.name).count() == 1)
                && w.outgoing(&b.id)
                    .all(|e| catalog::ports(&b.kind).iter().any(|p| p.name == e.port))
        })
    }

    #[test]
    fn exact_size_and_wired() {
        for n in [3, 4, 5, 6, 7, 10, 37, 100, 1000] {
            for seed in 0..5 {
                let w = synthetic(n, seed);
                assert_eq!(w.blocks.len(), n, "n={n} seed={seed}");
                assert!(wired(&w), "n={n} seed={seed}");
                let m = modify(&w, 20, seed);
                assert!(wired(&m), "modified n={n} seed={seed}");
            }
        }
    }

    #[test]
    fn deterministic() {
        assert_eq!(synthetic(200, 7), synthetic(200, 7));
        assert_ne!(synthetic(200, 7), synthetic(200, 8));
        let w = synthetic(200, 7);
        assert_eq!(modify(&w, 10, 1), modify(&w, 10, 1));
    }
}
