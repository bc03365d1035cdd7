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

/// Open exits of the segment built so far, to be wired to the next segment's entry.
type Pending = Vec<(BlockId, String)>;

struct Gen {
    w: Workflow,
    rng: Rng,
    /// Shared counter for block and edge ids, like [`Workflow::allocate_id`].
    counter: u64,
    col: i32,
    line: i32,
    pending: Pending,
    wertgrenzen: usize,
    roles: BTreeSet<&'static str>,
}

impl Gen {
    fn id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// Adds a block at column offset `dc` of the current segment and row `row` of the line.
    fn block(&mut self, label: &str, kind: BlockKind, dc: i32, row: i32) -> BlockId {
        self.note_roles(&kind);
        let id = BlockId(self.id("b"));
        let x = MARGIN + (self.col + dc) * GRID_X;
        let y = MARGIN + (self.line * ROWS_PER_LINE + row) * GRID_Y;
        self.w.layout.blocks.insert(id.clone(), Rect::at(x, y));
        self.w.blocks.push(Block {
            id: id.clone(),
            label: label.to_string(),
            kind,
        });
        id
    }

    fn edge(&mut self, from: &BlockId, port: &str, to: &BlockId) {
        let id = EdgeId(self.id("e"));
        self.w.edges.push(Edge {
            id,
            from: from.clone(),
            port: port.to_string(),
            to: to.clone(),
        });
    }

    /// Wires all pending exits to `entry`.
    fn enter(&mut self, entry: &BlockId) {
        for (from, port) in std::mem::take(&mut self.pending) {
            self.edge(&from, &port, entry);
        }
    }

    /// Starts a segment `width` columns wide, wrapping to a new line when needed.
    fn begin(&mut self, width: i32) {
        if self.col + width > LINE_COLUMNS {
            self.line += 1;
            self.col = 0;
        }
    }

    fn end(&mut self, width: i32) {
        self.col += width;
    }

    fn note_roles(&mut self, kind: &BlockKind) {
        for r in role_refs(kind) {
            if let Some((id, _, _)) = ROLES.iter().find(|(id, _, _)| *id == r.0) {
                self.roles.insert(id);
            }
        }
    }

    // --- segments -------------------------------------------------------------------------

    fn seg_task(&mut self) {
        self.begin(1);
        let due = self.rng.range(2, 20);
        let label = *self.rng.pick(&[
            "Unterlagen prüfen",
            "Stellungnahme einholen",
            "Sachverhalt ermitteln",
            "Vermerk fertigen",
        ]);
        let b = self.block(
            label,
            sb_kind("R-SB", "Zur Bearbeitung.", &["ok"], due),
            0,
            1,
        );
        self.enter(&b);
        self.pending.push((b, "ok".into()));
        self.end(1);
    }

    fn seg_notify(&mut self) {
        self.begin(1);
        let (recipient, label) = match self.rng.below(3) {
            0 => (
                Recipient::External("Finanzamt".into()),
                "Finanzamt unterrichten",
            ),
            1 => (
                Recipient::External("Industrie- und Handelskammer".into()),
                "IHK unterrichten",
            ),
            _ => (Recipient::Applicant, "Zwischennachricht senden"),
        };
        let channel = if matches!(recipient, Recipient::Applicant) {
            NotifyChannel::Email
        } else {
            NotifyChannel::Xta
        };
        let kind = BlockKind::Benachrichtigung(BenachrichtigungParams {
            recipient: Some(recipient),
            channel,
            template: "mitteilung".into(),
            template_kind: TemplateKind::Info,
        });
        let b = self.block(label, kind, 0, 1);
        self.enter(&b);
        self.pending.push((b, "next".into()));
        self.end(1);
    }

    fn seg_frist(&mut self) {
        self.begin(1);
        let kind = if self.rng.chance(50) {
            BlockKind::Frist(FristParams {
                kind: FristKind::Warten,
                duration: days(self.rng.range(7, 30)),
                date_field: None,
                offset: None,
                calendar: Calendar::Kalendertage,
                notify: None,
            })
        } else {
            BlockKind::Frist(FristParams {
                kind: FristKind::WiedervorlageAm,
                duration: None,
                date_field: Some("wiedervorlageAm".into()),
                offset: days(self.rng.range(1, 14)),
                calendar: Calendar::Arbeitstage,
                notify: role("R-SB"),
            })
        };
        let b = self.block("Wiedervorlage", kind, 0, 1);
        self.enter(&b);
        self.pending.push((b, "next".into()));
        self.end(1);
    }

    fn seg_rueckfrage(&mut self) {
        self.begin(1);
        let due = self.rng.range(3, 10);
        let check = self.block(
            "Vollständigkeit prüfen",
            sb_kind(
                "R-SB",
                "Antrag auf Vollständigkeit prüfen.",
                &["ok", "rueckfrage"],
                due,
            ),
            0,
            1,
        );
        let channel = *self.rng.pick(RueckfrageChannel::ALL);
        let deadline = self.rng.range(14, 30);
        let max_rounds = self.rng.range(1, 3);
        let rf = self.block(
            "Unterlagen nachfordern",
            BlockKind::Rueckfrage(RueckfrageParams {
                channel,
                template: "unterlagen-nachfordern".into(),
                reply_deadline: days(deadline),
                reminder_after: days(7),
                max_rounds: Some(max_rounds),
            }),
            0,
            0,
        );
        self.enter(&check);
        self.edge(&check, "rueckfrage", &rf);
        self.edge(&rf, "reply", &check);
        self.pending.push((check, "ok".into()));
        self.pending.push((rf, "timeout".into()));
        self.end(1);
    }

    fn seg_vier_augen(&mut self) {
        self.begin(2);
        let first = self.block(
            "Sachlich und rechnerisch richtig",
            sb_kind("R-SB", "Feststellen.", &["ok"], 5),
            0,
            1,
        );
        let va = self.block(
            "Gegenprüfung",
            BlockKind::VierAugen(VierAugenParams {
                first_check: None,
                first_check_block: Some(first.clone()),
                second_check: role("R-TL"),
                distinct_from: vec![first.clone()],
                exclude_initiator: true,
            }),
            1,
            1,
        );
        self.enter(&first);
        self.edge(&first, "ok", &va);
        self.edge(&va, "reject", &first);
        self.pending.push((va, "ok".into()));
        self.end(2);
    }

    fn seg_mitzeichnung(&mut self) {
        self.begin(2);
        let draft = self.block(
            "Entwurf fertigen",
            sb_kind("R-SB", "Entwurf zur Mitzeichnung fertigen.", &["ok"], 10),
            0,
            1,
        );
        let pool = [
            ("R-KAEM", "Kämmerei"),
            ("R-RECHT", "Rechtsamt"),
            ("R-VST", "Vergabestelle"),
        ];
        let skip = self.rng.below(pool.len());
        let participants = pool
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, (r, l))| Participant {
                assignee: role(r),
                label: l.to_string(),
                mandatory: true,
            })
            .collect();
        let mode = if self.rng.chance(70) {
            MitzeichnungMode::Parallel
        } else {
            MitzeichnungMode::Sequential
        };
        let due = self.rng.range(3, 10);
        let mz = self.block(
            "Mitzeichnung",
            BlockKind::Mitzeichnung(MitzeichnungParams {
                participants,
                mode,
                decision_rule: DecisionRule::AllApprove,
                due_in: days(due),
                comment: CommentRule::RequiredOnVeto,
            }),
            1,
            1,
        );
        self.enter(&draft);
        self.edge(&draft, "ok", &mz);
        self.edge(&mz, "veto", &draft);
        self.pending.push((mz, "ok".into()));
        self.end(2);
    }

    /// Sachbearbeitung → Schlusszeichnung → Bescheid (download with postal fallback, or letter).
    fn seg_bescheid(&mut self, with_fallback: bool) {
        let width = if with_fallback { 4 } else { 3 };
        self.begin(width);
        let draft = self.block(
            "Bescheid entwerfen",
            sb_kind(
                "R-SB",
                "Bescheid mit Rechtsbehelfsbelehrung entwerfen.",
                &["ok"],
                5,
            ),
            0,
            1,
        );
        let level = *self.rng.pick(&[
            SignatureLevel::Name,
            SignatureLevel::Fortgeschritten,
            SignatureLevel::Qes,
        ]);
        let sz = self.block(
            "Bescheid schlusszeichnen",
            sz_kind("R-BM", None, level),
            1,
            1,
        );
        self.enter(&draft);
        self.edge(&draft, "ok", &sz);
        self.edge(&sz, "reject", &draft);
        let bescheid = |channel: BescheidChannel, level: SignatureLevel| {
            BlockKind::Bescheid(BescheidParams {
                template: "bescheid".into(),
                signature_level: level,
                channel,
                abruf_frist: (channel == BescheidChannel::PostfachAbruf)
                    .then(|| Duration::days(10)),
                fiktion_tage: 3,
            })
        };
        if with_fallback {
            let b = self.block(
                "Bescheid bereitstellen",
                bescheid(BescheidChannel::PostfachAbruf, SignatureLevel::Qes),
                2,
                1,
            );
            let brief = self.block(
                "Bescheid per Brief",
                bescheid(BescheidChannel::Brief, SignatureLevel::Name),
                3,
                2,
            );
            self.edge(&sz, "ok", &b);
            self.edge(&b, "nichtAbgerufen", &brief);
            self.pending.push((b, "zugestellt".into()));
            self.pending.push((brief, "zugestellt".into()));
        } else {
            let b = self.block(
                "Bescheid versenden",
                bescheid(BescheidChannel::Brief, SignatureLevel::Name),
                2,
                1,
            );
            self.edge(&sz, "ok", &b);
            self.pending.push((b, "zugestellt".into()));
        }
        self.end(width);
    }

    /// Wertgrenzen-Weiche with the three procurement bands (UVgO § 14; Komm. Vergabegrundsätze NRW 5.2).
    fn seg_wertgrenzen(&mut self) {
        self.begin(2);
        let first = self.wertgrenzen == 0;
        self.wertgrenzen += 1;
        let bands = vec![
            Band {
                id: "bis1000".into(),
                lower: Money::euros(0),
                upper: Some(Money::euros(1_000)),
                label: "Direktauftrag".into(),
            },
            Band {
                id: "bis25000".into(),
                lower: Money::euros(1_000),
                upper: Some(Money::euros(25_000)),
                label: String::new(),
            },
            Band {
                id: "ueber25000".into(),
                lower: Money::euros(25_000),
                upper: None,
                label: String::new(),
            },
        ];
        let wg = self.block(
            "Wertgrenze",
            BlockKind::Wertgrenzen(WertgrenzenParams {
                amount_field: "betragNetto".into(),
                basis: AmountBasis::Netto,
                currency: "EUR".into(),
                bands,
            }),
            0,
            1,
        );
        self.enter(&wg);
        let low = self.block(
            "Direktauftrag erteilen",
            sb_kind("R-SB", "Direktauftrag erteilen.", &["ok"], 3),
            1,
            0,
        );
        // Only the first Weiche has a limited signer in its middle band: no other band lies
        // upstream of it, so the signer is checked against this band only.
        let mid_signer = if first { "R-AL" } else { "R-BM" };
        let mid = self.block(
            "Vergabe zeichnen",
            sz_kind(mid_signer, Some("betragNetto"), SignatureLevel::Name),
            1,
            1,
        );
        let high = self.block(
            "Vergabe zeichnen (über 25.000 €)",
            sz_kind("R-BM", Some("betragNetto"), SignatureLevel::Qes),
            1,
            2,
        );
        self.edge(&wg, "bis1000", &low);
        self.edge(&wg, "bis25000", &mid);
        self.edge(&wg, "ueber25000", &high);
        self.pending.push((low, "ok".into()));
        for b in [mid, high] {
            self.pending.push((b.clone(), "ok".into()));
            self.pending.push((b, "reject".into()));
        }
        self.end(2);
    }

    fn seg_komplexitaet(&mut self, rule_set: usize) {
        self.begin(2);
        let rules_src = RULE_SETS[rule_set % RULE_SETS.len()];
        let rules: Vec<Rule> = rules_src
            .iter()
            .map(|(id, label, cond)| Rule {
                id: id.to_string(),
                label: label.to_string(),
                condition: cond.to_string(),
            })
            .collect();
        let k = self.block(
            "Komplexität",
            BlockKind::Komplexitaet(KomplexitaetParams {
                rules,
                evaluation: Evaluation::FirstMatch,
            }),
            0,
            1,
        );
        self.enter(&k);
        for (i, (id, label, _)) in rules_src.iter().enumerate() {
            let b = self.block(
                label,
                sb_kind("R-FP", "Vertieft prüfen.", &["ok"], 10),
                1,
                i as i32 * 2 + 2,
            );
            self.edge(&k, id, &b);
            self.pending.push((b, "ok".into()));
        }
        let simple = self.block(
            "Standardprüfung",
            sb_kind("R-SB", "Im Standardverfahren prüfen.", &["ok"], 5),
            1,
            1,
        );
        self.edge(&k, OTHERWISE_PORT, &simple);
        self.pending.push((simple, "ok".into()));
        self.end(2);
    }

    fn seg_zahlung(&mut self) {
        self.begin(2);
        let methods = match self.rng.below(3) {
            0 => vec![
                PaymentMethod::OnlineUeberweisung,
                PaymentMethod::Kreditkarte,
            ],
            1 => vec![PaymentMethod::Paypal, PaymentMethod::Lastschrift],
            _ => vec![PaymentMethod::Rechnung],
        };
        let timing = *self.rng.pick(PaymentTiming::ALL);
        let amount = if self.rng.chance(50) {
            "gebuehr".to_string()
        } else {
            format!("{}.00", self.rng.range(10, 200))
        };
        let pay_deadline = days(self.rng.range(7, 30));
        let z = self.block(
            "Gebühr erheben",
            BlockKind::Zahlung(ZahlungParams {
                amount,
                kassenzeichen_field: None,
                methods,
                timing,
                pay_deadline,
            }),
            0,
            1,
        );
        let n = self.block(
            "Offene Forderung melden",
            BlockKind::Benachrichtigung(BenachrichtigungParams {
                recipient: Some(Recipient::Role(RoleId::new("R-KASSE"))),
                channel: NotifyChannel::Inbox,
                template: "forderung-offen".into(),
                template_kind: TemplateKind::Hinweis,
            }),
            1,
            2,
        );
        self.enter(&z);
        self.edge(&z, "nichtBezahlt", &n);
        self.pending.push((z, "bezahlt".into()));
        self.pending.push((n, "next".into()));
        self.end(2);
    }

    fn seg_eskalation(&mut self) {
        self.begin(1);
        let due = self.rng.range(5, 10);
        let task = self.block(
            "Stellungnahme Fachamt",
            sb_kind("R-SB", "Stellungnahme abgeben.", &["ok"], due),
            0,
            1,
        );
        let interrupting = self.rng.chance(40);
        let after = days(due + self.rng.range(1, 10));
        let esk = self.block(
            if interrupting {
                "Aufgabe entziehen"
            } else {
                "Erinnerung an Vertretung"
            },
            BlockKind::Eskalation(EskalationParams {
                attached_to: Some(task.clone()),
                after,
                interrupting,
                escalate_to: role("R-VT"),
            }),
            0,
            0,
        );
        self.enter(&task);
        self.pending.push((task, "ok".into()));
        if interrupting {
            self.pending.push((esk, "escalated".into()));
        }
        self.end(1);
    }

    /// A decision with a rejection branch that is filed and ends on its own.
    fn seg_ablehnung(&mut self) {
        self.begin(3);
        let check = self.block(
            "Entscheiden",
            sb_kind(
                "R-SB",
                "Über den Antrag entscheiden.",
                &["ok", "reject"],
                10,
            ),
            0,
            1,
        );
        let ver = self.block("Ablehnung veraktet", veraktung_kind(), 1, 3);
        let end = self.block(
            "Abgelehnt",
            BlockKind::Ende(EndeParams {
                result: EndResult::Abgelehnt,
                terminate: false,
            }),
            2,
            3,
        );
        self.enter(&check);
        self.edge(&check, "reject", &ver);
        self.edge(&ver, "ok", &end);
        self.edge(&ver, "fehler", &end);
        self.pending.push((check, "ok".into()));
        self.end(3);
    }

    /// Adds one segment of at most `budget` blocks; returns its size.
    fn segment(&mut self, budget: usize) -> usize {
        // (size, weight) per segment kind, in the order of the match below.
        const KINDS: [(usize, usize); 13] = [
            (1, 14), // task
            (1, 6),  // notify
            (1, 5),  // frist
            (2, 9),  // rueckfrage
            (2, 8),  // vier-augen
            (2, 7),  // mitzeichnung
            (4, 6),  // bescheid with fallback
            (3, 4),  // bescheid by letter
            (4, 6),  // wertgrenzen
            (3, 5),  // komplexitaet, one rule
            (4, 4),  // komplexitaet, two rules
            (2, 6),  // zahlung
            (2, 6),  // eskalation
        ];
        const ABLEHNUNG: (usize, usize) = (3, 4);
        let fits: Vec<usize> = (0..=KINDS.len())
            .filter(|&i| KINDS.get(i).copied().unwrap_or(ABLEHNUNG).0 <= budget)
            .collect();
        let total: usize = fits
            .iter()
            .map(|&i| KINDS.get(i).copied().unwrap_or(ABLEHNUNG).1)
            .sum();
        let mut roll = self.rng.below(total);
        let mut choice = fits[0];
        for &i in &fits {
            let w = KINDS.get(i).copied().unwrap_or(ABLEHNUNG).1;
            if roll < w {
                choice = i;
                break;
            }
            roll -= w;
        }
        match choice {
            0 => self.seg_task(),
            1 => self.seg_notify(),
            2 => self.seg_frist(),
            3 => self.seg_rueckfrage(),
            4 => self.seg_vier_augen(),
            5 => self.seg_mitzeichnung(),
            6 => self.seg_bescheid(true),
            7 => self.seg_bescheid(false),
            8 => self.seg_wertgrenzen(),
            9 => self.seg_komplexitaet(0),
            10 => {
                let set = 1 + self.rng.below(RULE_SETS.len() - 1);
                self.seg_komplexitaet(set)
            }
            11 => self.seg_zahlung(),
            12 => self.seg_eskalation(),
            _ => self.seg_ablehnung(),
        }
        KINDS.get(choice).copied().unwrap_or(ABLEHNUNG).0
    }
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

// ---------------------------------------------------------------------------------------------

/// A changed copy of `w` in which about `percent` % of the blocks were touched: renamed labels,
/// changed parameters (Wertgrenzen bounds only move down, deadlines change), moved blocks, a few
/// inserted Sachbearbeitung steps and removed pass-through steps. Deterministic for the seed.
/// A workflow that satisfies the generator's invariants keeps them (no validation errors).
pub fn modify(w: &Workflow, percent: u32, seed: u64) -> Workflow {
    let mut out = w.clone();
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    let n = out.blocks.len();
    if n == 0 || percent == 0 {
        return out;
    }
    let changes = ((n as u64 * u64::from(percent)).div_ceil(100)).max(1);
    for round in 0..changes {
        let roll = rng.below(100);
        let i = rng.below(out.blocks.len());
        if roll < 40 {
            let b = &mut out.blocks[i];
            b.label = format!(
                "{} (geändert {round})",
                b.label.split(" (geändert").next().unwrap_or_default()
            );
        } else if roll < 70 {
            if !change_params(&mut out.blocks[i].kind, &mut rng) {
                out.blocks[i].label.push_str(" – überarbeitet");
            }
        } else if roll < 85 {
            let id = out.blocks[i].id.clone();
            let r = out
                .layout
                .blocks
                .entry(id)
                .or_insert_with(|| Rect::at(MARGIN, MARGIN));
            match rng.below(4) {
                0 => r.x += 20,
                1 => r.x = (r.x - 20).max(0),
                2 => r.y += 20,
                _ => r.y = (r.y - 20).max(0),
            }
        } else {
            // 10 % insertions, 5 % removals (an insertion when nothing can be removed).
            let removed = roll >= 95 && remove_pass_through(&mut out, &mut rng);
            if !removed {
                insert_task(&mut out, &mut rng);
            }
        }
    }
    let minor = out
        .version
        .split('.')
        .nth(1)
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(0);
    let major = out.version.split('.').next().unwrap_or("1").to_string();
    out.version = format!("{major}.{}.0", minor + 1);
    out
}

fn longer(d: &Option<Duration>, rng: &mut Rng) -> Option<Duration> {
    let base = d
        .as_ref()
        .and_then(|d| d.parse().ok())
        .map_or(0, |p| (p.approx_seconds() / 86_400) as u32);
    days(base + rng.range(1, 14))
}

/// Changes one parameter in a way that keeps the block valid; false when nothing fit.
fn change_params(kind: &mut BlockKind, rng: &mut Rng) -> bool {
    match kind {
        BlockKind::Start(p) => p.eingangsbestaetigung = !p.eingangsbestaetigung,
        BlockKind::Sachbearbeitung(p) => p.due_in = days(rng.range(1, 30)),
        BlockKind::VierAugen(p) => p.exclude_initiator = !p.exclude_initiator,
        BlockKind::Mitzeichnung(p) => p.due_in = days(rng.range(2, 15)),
        BlockKind::Schlusszeichnung(p) => {
            p.signature_level = *rng.pick(&[
                SignatureLevel::Name,
                SignatureLevel::Fortgeschritten,
                SignatureLevel::Qes,
            ])
        }
        BlockKind::Wertgrenzen(p) => {
            // Move the boundary between band i and i+1 down (never up: a signer's limit that
            // covers a band still covers it when the band shrinks).
            let pairs: Vec<usize> = (0..p.bands.len().saturating_sub(1))
                .filter(|&i| {
                    let b = &p.bands[i];
                    b.upper.is_some_and(|u| u.cents() - b.lower.cents() >= 200)
                        && p.bands[i + 1].lower == b.upper.unwrap_or_default()
                })
                .collect();
            if pairs.is_empty() {
                return false;
            }
            let i = *rng.pick(&pairs);
            let (lo, up) = (
                p.bands[i].lower.cents(),
                p.bands[i].upper.map_or(0, Money::cents),
            );
            let mid = Money((lo + (up - lo) / 2) / 100 * 100);
            p.bands[i].upper = Some(mid);
            p.bands[i + 1].lower = mid;
        }
        BlockKind::Komplexitaet(p) => match p.rules.first_mut() {
            Some(r) => r.label = format!("{} (präzisiert)", r.label),
            None => return false,
        },
        BlockKind::Rueckfrage(p) => {
            // Stays longer than the reminder (reminderAfter < replyDeadline).
            let floor = p.reminder_after.clone().or_else(|| days(0));
            p.reply_deadline = longer(&floor, rng);
        }
        BlockKind::Frist(p) => match p.kind {
            FristKind::Warten if p.duration.is_some() => p.duration = days(rng.range(3, 60)),
            FristKind::WiedervorlageAm if p.date_field.is_some() => {
                p.offset = days(rng.range(1, 30))
            }
            _ => return false,
        },
        BlockKind::Eskalation(p) => p.after = longer(&p.after, rng),
        BlockKind::Bescheid(p) => p.fiktion_tage = if p.fiktion_tage == 3 { 4 } else { 3 },
        BlockKind::Zahlung(p) => p.pay_deadline = days(rng.range(7, 45)),
        BlockKind::Veraktung(p) => p.aufbewahrungsdauer_jahre = Some(rng.range(5, 30)),
        BlockKind::Benachrichtigung(p) => p.template = format!("{}-v2", p.template),
        BlockKind::Ende(_) => return false,
    }
    true
}

/// Tries per insertion/removal before giving up (candidates are drawn at random and checked,
/// which keeps `modify` linear per change even on 10,000 blocks).
const TRIES: usize = 64;

/// Inserts a Sachbearbeitung step into a random edge that does not leave a Veraktung.
fn insert_task(w: &mut Workflow, rng: &mut Rng) {
    if w.edges.is_empty() {
        return;
    }
    let Some(ei) = (0..TRIES).map(|_| rng.below(w.edges.len())).find(|&i| {
        let e = &w.edges[i];
        w.block(&e.from)
            .is_some_and(|b| b.block_type() != BlockType::Veraktung)
            && w.block(&e.to).is_some()
    }) else {
        return;
    };
    let role_id = if w.role(&RoleId::new("R-SB")).is_some() {
        RoleId::new("R-SB")
    } else if let Some(r) = w.roles.first() {
        r.id.clone()
    } else {
        w.roles.push(Role {
            id: RoleId::new("R-SB"),
            name: "Sachbearbeitung".into(),
            org_unit: None,
            signing_limit: None,
        });
        RoleId::new("R-SB")
    };
    let id = BlockId(w.allocate_id("b"));
    let edge_id = EdgeId(w.allocate_id("e"));
    let (from, to) = (w.edges[ei].from.clone(), w.edges[ei].to.clone());
    let a = w.layout.blocks.get(&from).copied().unwrap_or_default();
    let b = w.layout.blocks.get(&to).copied().unwrap_or_default();
    let x = (a.x + b.x) / 2 / 20 * 20;
    let y = (a.y.max(b.y) + 80) / 20 * 20;
    w.layout.blocks.insert(id.clone(), Rect::at(x, y));
    w.blocks.push(Block::new(
        id.clone(),
        "Zusätzliche Prüfung",
        BlockKind::Sachbearbeitung(SachbearbeitungParams {
            assignee: Some(Assignee::Role(role_id)),
            instructions: "Neu eingefügter Prüfschritt.".into(),
            outcomes: vec!["ok".into()],
            due_in: days(rng.range(1, 10)),
            form_ref: None,
        }),
    ));
    w.edges[ei].to = id.clone();
    w.edges.push(Edge {
        id: edge_id,
        from: id,
        port: "ok".into(),
        to,
    });
}

/// Whether block `i` is a pass-through step that can go without breaking anything: one exit,
/// not referenced by a Vier-Augen or Eskalation, not the first step after the start (it precedes
/// every Schlusszeichnung), its roles used elsewhere too, and its successor not feeding back.
fn removable(w: &Workflow, i: usize) -> Option<BlockId> {
    let b = &w.blocks[i];
    if !matches!(
        b.block_type(),
        BlockType::Sachbearbeitung | BlockType::Benachrichtigung | BlockType::Frist
    ) || catalog::ports(&b.kind).len() != 1
    {
        return None;
    }
    let mut out = w.outgoing(&b.id);
    let succ = out.next()?.to.clone();
    if out.next().is_some() || succ == b.id {
        return None;
    }
    for e in w.incoming(&b.id) {
        let from_start = w
            .block(&e.from)
            .is_some_and(|x| x.block_type() == BlockType::Start);
        if e.from == succ || from_start {
            return None;
        }
    }
    let roles = role_refs(&b.kind);
    for other in w.blocks.iter().filter(|o| o.id != b.id) {
        if other.kind.block_refs().any(|r| r.id == &b.id) {
            return None;
        }
    }
    let shared = roles.iter().all(|r| {
        w.blocks
            .iter()
            .filter(|o| o.id != b.id)
            .any(|o| role_refs(&o.kind).contains(r))
    });
    shared.then_some(succ)
}

/// Removes a pass-through step and reconnects its predecessors to its successor; false when no
/// block qualified.
fn remove_pass_through(w: &mut Workflow, rng: &mut Rng) -> bool {
    let Some((bi, succ)) = (0..TRIES).find_map(|_| {
        let i = rng.below(w.blocks.len());
        removable(w, i).map(|succ| (i, succ))
    }) else {
        return false;
    };
    let id = w.blocks[bi].id.clone();
    w.edges.retain(|e| e.from != id);
    for e in w.edges.iter_mut().filter(|e| e.to == id) {
        e.to = succ.clone();
    }
    let live: BTreeSet<&EdgeId> = w.edges.iter().map(|e| &e.id).collect();
    let stale: Vec<EdgeId> = w
        .layout
        .edges
        .keys()
        .filter(|k| !live.contains(k))
        .cloned()
        .collect();
    for k in stale {
        w.layout.edges.remove(&k);
    }
    w.blocks.remove(bi);
    w.layout.blocks.remove(&id);
    true
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
