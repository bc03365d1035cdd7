//! Per-block parameter rules (blocks.md §2) that need no graph: assignees, roles, field
//! references, durations, templates and block-specific parameter constraints.

mod outputs;
mod refs;
mod tasks;
mod timing;
mod waits;

pub(super) use refs::{field_ref, field_type_de, field_type_en, unknown_field};
use timing::escalation_order;

use super::ctx::Ctx;
use super::Finding;
use crate::model::{Assignee, BlockKind, Recipient};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for i in 0..ctx.n() {
        let Some(kind) = ctx.kind(i) else { continue };
        let c = BlockCheck {
            ctx,
            i,
            out: &mut *out,
        };
        c.run(kind);
    }
    escalation_order(ctx, out);
}

/// Calls `f` with every role id a block refers to (assignees and recipients).
pub(super) fn for_each_role_ref<'k>(kind: &'k BlockKind, mut f: impl FnMut(&'k str)) {
    for_each_assignee(kind, |_, a| {
        if let Assignee::Role(r) = a {
            f(r.as_str());
        }
    });
    if let BlockKind::Benachrichtigung(p) = kind {
        if let Some(Recipient::Role(r)) = &p.recipient {
            f(r.as_str());
        }
    }
}

/// Where an assignee sits in a block's parameters (the path is only built for findings).
#[derive(Clone, Copy)]
pub(super) enum AssigneeParam {
    Named(&'static str),
    Participant(usize),
}

impl AssigneeParam {
    pub(super) fn path(self) -> String {
        match self {
            AssigneeParam::Named(p) => p.to_string(),
            AssigneeParam::Participant(k) => format!("participants[{k}].assignee"),
        }
    }
}

/// Calls `f` with every assignee a block holds and where it sits.
pub(super) fn for_each_assignee<'k>(
    kind: &'k BlockKind,
    mut f: impl FnMut(AssigneeParam, &'k Assignee),
) {
    let mut one = |path: &'static str, a: &'k Option<Assignee>| {
        if let Some(a) = a {
            f(AssigneeParam::Named(path), a);
        }
    };
    match kind {
        BlockKind::Start(p) => one("initiatorRole", &p.initiator_role),
        BlockKind::Sachbearbeitung(p) => one("assignee", &p.assignee),
        BlockKind::VierAugen(p) => {
            one("firstCheck", &p.first_check);
            one("secondCheck", &p.second_check);
        }
        BlockKind::Mitzeichnung(p) => {
            for (k, part) in p.participants.iter().enumerate() {
                if let Some(a) = &part.assignee {
                    f(AssigneeParam::Participant(k), a);
                }
            }
        }
        BlockKind::Schlusszeichnung(p) => one("signer", &p.signer),
        BlockKind::Frist(p) => one("notify", &p.notify),
        BlockKind::Eskalation(p) => one("escalateTo", &p.escalate_to),
        _ => {}
    }
}

/// Fixed persons that certainly perform a block (for four-eyes checks).
pub(super) fn fixed_performers<'k>(kind: &'k BlockKind) -> Vec<&'k str> {
    let person = |a: &'k Option<Assignee>| -> Option<&'k str> {
        match a {
            Some(Assignee::Person(p)) if !p.trim().is_empty() => Some(p.as_str()),
            _ => None,
        }
    };
    match kind {
        BlockKind::Sachbearbeitung(p) => person(&p.assignee).into_iter().collect(),
        BlockKind::VierAugen(p) => person(&p.first_check)
            .into_iter()
            .chain(person(&p.second_check))
            .collect(),
        BlockKind::Schlusszeichnung(p) => person(&p.signer).into_iter().collect(),
        BlockKind::Mitzeichnung(p) => p
            .participants
            .iter()
            .filter(|x| x.mandatory)
            .filter_map(|x| person(&x.assignee))
            .collect(),
        _ => Vec::new(),
    }
}

struct BlockCheck<'c, 'a> {
    ctx: &'c Ctx<'a>,
    i: usize,
    out: &'c mut Vec<Finding>,
}

impl BlockCheck<'_, '_> {
    fn id(&self) -> &crate::model::BlockId {
        self.ctx.id(self.i)
    }

    fn label(&self) -> String {
        self.ctx.label(self.i)
    }

    fn label_en(&self) -> String {
        self.ctx.label_en(self.i)
    }

    fn push(&mut self, f: Finding) {
        self.out.push(f);
    }

    fn run(mut self, kind: &BlockKind) {
        // Assignees and their roles.
        for_each_assignee(kind, |param, a| self.assignee(param, a));
        self.block_refs(kind);
        match kind {
            BlockKind::Start(p) => self.start(p),
            BlockKind::Sachbearbeitung(p) => self.sachbearbeitung(p),
            BlockKind::VierAugen(p) => self.vier_augen(p),
            BlockKind::Mitzeichnung(p) => self.mitzeichnung(p),
            BlockKind::Schlusszeichnung(p) => self.schlusszeichnung(p),
            BlockKind::Wertgrenzen(_) | BlockKind::Komplexitaet(_) => {
                // thresholds.rs / rules.rs
            }
            BlockKind::Rueckfrage(p) => self.rueckfrage(p),
            BlockKind::Frist(p) => self.frist(p),
            BlockKind::Eskalation(p) => self.eskalation(p),
            BlockKind::Bescheid(p) => self.bescheid(p),
            BlockKind::Zahlung(p) => self.zahlung(p),
            BlockKind::Veraktung(p) => self.veraktung(p),
            BlockKind::Benachrichtigung(p) => self.benachrichtigung(p),
            BlockKind::Ende(_) => {}
        }
    }
}
