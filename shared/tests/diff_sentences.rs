//! The change sentences of the semantic diff are plain German and English: no JSON, no lists in
//! brackets, no internal ids. Checked over generated workflows with every kind of edit the
//! model allows (the generator's own `modify` plus edits of assignees, participants, linked
//! blocks, fields, roles, sets and block types).
#![allow(clippy::unwrap_used)]

use fachwerk_shared::catalog;
use fachwerk_shared::diff::diff;
use fachwerk_shared::generate::{modify, synthetic};
use fachwerk_shared::model::*;
use fachwerk_shared::values::{Duration, Money};
use proptest::prelude::*;

/// One edit: what to do (`what`), to which block / role / field (`at`), with which value
/// (`pick`).
#[derive(Debug, Clone, Copy)]
struct Edit {
    what: u8,
    at: usize,
    pick: usize,
}

const EDITS: u8 = 16;

fn edit() -> impl Strategy<Value = Edit> {
    (0..EDITS, any::<usize>(), any::<usize>()).prop_map(|(what, at, pick)| Edit { what, at, pick })
}

fn role(w: &Workflow, pick: usize) -> Option<Assignee> {
    let r = w.roles.get(pick % w.roles.len().max(1))?;
    Some(Assignee::Role(r.id.clone()))
}

fn assignee(w: &Workflow, pick: usize) -> Option<Assignee> {
    match pick % 5 {
        0 => None,
        1 => Some(Assignee::Initiator),
        2 => Some(Assignee::Person("m.mustermann".into())),
        _ => role(w, pick / 5),
    }
}

fn field_name(w: &Workflow, pick: usize) -> String {
    w.fields[pick % w.fields.len()].name.clone()
}

fn participant(w: &Workflow, pick: usize) -> Participant {
    Participant {
        assignee: role(w, pick),
        label: ["Rechnungsprüfung", "Kämmerei", "", "Rechtsamt"][pick % 4].into(),
        mandatory: !pick.is_multiple_of(3),
    }
}

/// Applies one edit; edits that do not fit the chosen block change nothing.
fn apply(w: &mut Workflow, e: Edit) {
    let n = w.blocks.len();
    let i = e.at % n;
    let other = w.blocks[e.pick % n].id.clone();
    let who = assignee(w, e.pick);
    let field = field_name(w, e.pick);
    let part = participant(w, e.pick);
    let roles = w.roles.len();
    match e.what {
        0 => match &mut w.blocks[i].kind {
            BlockKind::Sachbearbeitung(p) => p.assignee = who,
            BlockKind::VierAugen(p) => p.second_check = who,
            BlockKind::Schlusszeichnung(p) => p.signer = who,
            BlockKind::Eskalation(p) => p.escalate_to = who,
            BlockKind::Frist(p) => p.notify = who,
            BlockKind::Start(p) => p.initiator_role = who,
            BlockKind::Mitzeichnung(p) => match p.participants.first_mut() {
                Some(first) => first.assignee = who,
                None => p.participants.push(part),
            },
            _ => {}
        },
        1 => match &mut w.blocks[i].kind {
            BlockKind::Mitzeichnung(p) => p
                .participants
                .insert(e.pick % (p.participants.len() + 1), part),
            BlockKind::VierAugen(p) => p.distinct_from.push(other),
            BlockKind::Zahlung(p) => p.methods.retain(|m| *m != PaymentMethod::ALL[e.pick % 3]),
            BlockKind::Veraktung(p) => p.include.retain(|m| *m != Include::ALL[e.pick % 3]),
            _ => {}
        },
        2 => match &mut w.blocks[i].kind {
            BlockKind::Mitzeichnung(p) => p.participants.reverse(),
            BlockKind::VierAugen(p) => p.first_check_block = Some(other),
            BlockKind::Eskalation(p) => p.attached_to = Some(other),
            BlockKind::Zahlung(p) => p.methods = PaymentMethod::ALL.to_vec(),
            _ => {}
        },
        3 => match &mut w.blocks[i].kind {
            BlockKind::Mitzeichnung(p) if !p.participants.is_empty() => {
                let k = e.pick % p.participants.len();
                p.participants.remove(k);
            }
            BlockKind::Mitzeichnung(p) => p.mode = MitzeichnungMode::Sequential,
            BlockKind::Wertgrenzen(p) => p.amount_field = field,
            BlockKind::Schlusszeichnung(p) => p.amount_field = Some(field),
            BlockKind::Frist(p) => p.date_field = Some(field),
            BlockKind::Veraktung(p) => p.container_rule.field = field,
            BlockKind::Zahlung(p) => p.kassenzeichen_field = Some(field),
            _ => {}
        },
        4 => match &mut w.blocks[i].kind {
            BlockKind::Mitzeichnung(p) => {
                p.mode = MitzeichnungMode::ALL[e.pick % 2];
                p.decision_rule = DecisionRule::Quorum {
                    n: (e.pick % 3) as u32,
                };
                for q in &mut p.participants {
                    q.mandatory = !q.mandatory;
                }
            }
            BlockKind::Komplexitaet(p) => {
                if let Some(r) = p.rules.first_mut() {
                    r.condition = format!("{field} != null and {}", r.condition);
                }
            }
            BlockKind::Zahlung(p) => p.amount = format!("{field} * 2"),
            BlockKind::Benachrichtigung(p) => {
                p.recipient = match e.pick % 4 {
                    0 => Some(Recipient::Applicant),
                    1 => Some(Recipient::External("Finanzamt".into())),
                    _ => w_role_recipient(who.clone()),
                }
            }
            _ => {}
        },
        5 => match &mut w.blocks[i].kind {
            BlockKind::Wertgrenzen(p) if !p.bands.is_empty() => {
                let k = e.pick % p.bands.len();
                p.bands[k].label = format!("{} (neu)", p.bands[k].label);
                p.bands[k].lower = Money::euros((e.pick % 50) as i64);
            }
            BlockKind::Komplexitaet(p) => p.rules.push(Rule {
                id: format!("regel-{}", e.pick % 7),
                label: String::new(),
                condition: format!("{field} = true"),
            }),
            BlockKind::Bescheid(p) => p.channel = BescheidChannel::ALL[e.pick % 4],
            BlockKind::Sachbearbeitung(p) => p.outcomes.push("reject".into()),
            _ => {}
        },
        6 if roles > 0 => {
            let r = &mut w.roles[e.at % roles];
            r.name = format!("{} (neu)", r.name);
            r.signing_limit = Some(Money::euros((e.pick % 9_000) as i64));
            r.org_unit = Some("Amt 20".into());
        }
        7 if roles > 0 => {
            w.roles.remove(e.at % roles);
        }
        8 => w.roles.push(Role {
            id: RoleId::new(format!("R-NEU{}", e.pick % 5)),
            name: "Neue Stelle".into(),
            org_unit: None,
            signing_limit: None,
        }),
        9 => {
            let k = e.at % w.fields.len();
            w.fields[k].label = format!("{} (neu)", w.fields[k].label);
            w.fields[k].required = !w.fields[k].required;
        }
        10 => {
            w.fields.remove(e.at % w.fields.len());
        }
        11 => w.fields.push(Field {
            name: format!("feld{}", e.pick % 5),
            label: "Neues Feld".into(),
            field_type: FieldType::Text,
            values: Vec::new(),
            required: e.pick.is_multiple_of(2),
        }),
        12 => {
            // Another block's type (and parameters) at this block.
            w.blocks[i].kind = w.blocks[e.pick % n].kind.clone();
        }
        13 if n > 3 => {
            let id = w.blocks.remove(i).id;
            w.edges.retain(|x| x.from != id);
        }
        14 => {
            let k = e.pick % w.edges.len().max(1);
            if let Some(x) = w.edges.get_mut(k) {
                x.to = other;
            }
        }
        15 => {
            w.blocks[i].label = String::new();
            if let BlockKind::Sachbearbeitung(p) = &mut w.blocks[i].kind {
                p.due_in = Some(Duration::days((e.pick % 20) as u32 + 1));
            }
        }
        _ => {}
    }
}

fn w_role_recipient(a: Option<Assignee>) -> Option<Recipient> {
    match a {
        Some(Assignee::Role(r)) => Some(Recipient::Role(r)),
        _ => Some(Recipient::Person("p.beispiel".into())),
    }
}

/// Ids that are not also the element's label, i.e. that people would not recognise.
fn internal_ids(w: &Workflow) -> Vec<String> {
    let mut ids = Vec::new();
    for b in &w.blocks {
        let name = catalog::info(b.block_type()).name_de;
        if b.id.0 != b.label && !(b.label.trim().is_empty() && b.id.0 == name) {
            ids.push(b.id.0.clone());
        }
    }
    ids.extend(
        w.roles
            .iter()
            .filter(|r| r.id.0 != r.name)
            .map(|r| r.id.0.clone()),
    );
    ids.extend(
        w.fields
            .iter()
            .filter(|f| f.name != f.label && !f.label.is_empty())
            .map(|f| f.name.clone()),
    );
    ids
}

/// Whether `id` occurs in `text` as a whole word (not as part of a longer name).
fn mentions(text: &str, id: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    text.match_indices(id).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + id.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sentences_contain_no_json_brackets_or_internal_ids(
        n in 15usize..60,
        seed in any::<u64>(),
        pct in 0u32..30,
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        let a = synthetic(n, seed);
        let mut b = modify(&a, pct, seed ^ 0x5eed);
        for e in edits {
            apply(&mut b, e);
        }
        let d = diff(&a, &b);
        let mut ids = internal_ids(&a);
        ids.extend(internal_ids(&b));
        for c in &d.changes {
            for s in [&c.message_de, &c.message_en] {
                prop_assert!(!s.contains('{') && !s.contains('['), "{:?}: {}", c.kind, s);
                for id in &ids {
                    prop_assert!(!mentions(s, id), "{:?}: id {} in {}", c.kind, id, s);
                }
            }
        }
    }
}

#[test]
fn mitzeichnung_participants_are_told_in_words() {
    let mut a = Workflow::new("w", "W");
    a.roles.push(Role {
        id: RoleId::new("R-RP"),
        name: "Rechnungsprüfungsamt".into(),
        org_unit: None,
        signing_limit: None,
    });
    let kaemmerei = Participant {
        assignee: None,
        label: "Kämmerei".into(),
        mandatory: true,
    };
    let rechtsamt = Participant {
        label: "Rechtsamt".into(),
        ..kaemmerei.clone()
    };
    a.blocks.push(Block::new(
        BlockId::new("mz"),
        "Mitzeichnung",
        BlockKind::Mitzeichnung(MitzeichnungParams {
            participants: vec![kaemmerei.clone(), rechtsamt.clone()],
            mode: MitzeichnungMode::Sequential,
            ..MitzeichnungParams::default()
        }),
    ));
    let mut b = a.clone();
    let BlockKind::Mitzeichnung(p) = &mut b.blocks[0].kind else {
        unreachable!()
    };
    p.participants = vec![
        rechtsamt,
        Participant {
            assignee: Some(Assignee::Role(RoleId::new("R-RP"))),
            label: String::new(),
            mandatory: true,
        },
        kaemmerei,
    ];
    let d = diff(&a, &b);
    let sentences: Vec<(&str, &str)> = d
        .changes
        .iter()
        .map(|c| (c.message_de.as_str(), c.message_en.as_str()))
        .collect();
    assert_eq!(
        sentences,
        [(
            "„Mitzeichnung“: Mitzeichnung durch „Rechnungsprüfungsamt“ hinzugekommen, Reihenfolge geändert",
            "“Mitzeichnung”: co-signing by “Rechnungsprüfungsamt” added, order changed"
        )]
    );
}
