//! Robustness: findings are sorted and deterministic, and arbitrary workflows never make
//! validate panic (proptest).

use fachwerk_shared::validate::CODES;
use proptest::prelude::*;

use super::*;

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
