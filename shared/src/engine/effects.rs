//! The effects of a step: the difference between the state before and after, plus the
//! messages of the timers that fired.

use std::collections::BTreeSet;

use super::derive::Derived;
use super::{Effect, MessageKind, State, Status, Timer, TimerKind};
use crate::expr::{self, EvalContext, Value};
use crate::model::*;
use crate::simulate::Case;
use crate::values::Date;

/// What the step itself did: the task it completed, the timers it fired.
#[derive(Debug, Default)]
pub(super) struct Cause {
    pub completed: Option<String>,
    pub fired: Vec<Timer>,
}

/// Whom an assignee stands for; an expression is evaluated over the case data on `today`.
fn recipient(a: Option<&Assignee>, case: &Case, today: Date) -> Recipient {
    match a {
        Some(Assignee::Role(r)) => Recipient::Role(r.clone()),
        Some(Assignee::Person(p)) => Recipient::Person(p.clone()),
        Some(Assignee::Initiator) => Recipient::Initiator,
        Some(Assignee::Expression(x)) => {
            let person = expr::parse(x)
                .ok()
                .and_then(|e| expr::eval(&e, &EvalContext::on(today, &|f| case.lookup(f))).ok());
            match person {
                Some(Value::Text(t)) if !t.trim().is_empty() => Recipient::Person(t.trim().into()),
                // Yields nobody in this case: the expression as written, for a person to read.
                _ => Recipient::External(x.clone()),
            }
        }
        None => Recipient::Applicant,
    }
}

fn message(
    block: &BlockId,
    visit: u32,
    message: MessageKind,
    to: Recipient,
    channel: Option<&str>,
    template: &str,
) -> Effect {
    Effect::SendMessage {
        block: block.clone(),
        visit,
        message,
        to,
        channel: channel.map(str::to_string),
        template: template.to_string(),
    }
}

/// Messages of a fired timer.
fn fired(w: &Workflow, t: &Timer, case: &Case) -> Option<Effect> {
    let b = w.block(&t.block)?;
    match (&b.kind, t.kind) {
        (BlockKind::Eskalation(p), TimerKind::Eskalation) => Some(message(
            &t.block,
            t.visit,
            MessageKind::Eskalation,
            recipient(p.escalate_to.as_ref(), case, t.due),
            None,
            "",
        )),
        (BlockKind::Rueckfrage(p), TimerKind::Erinnerung) => Some(message(
            &t.block,
            t.visit,
            MessageKind::Erinnerung,
            Recipient::Applicant,
            Some(p.channel.tag()),
            &p.template,
        )),
        (BlockKind::Frist(p), TimerKind::Frist) => p.notify.as_ref().map(|a| {
            message(
                &t.block,
                t.visit,
                MessageKind::Wiedervorlage,
                recipient(Some(a), case, t.due),
                None,
                "",
            )
        }),
        _ => None,
    }
}

/// What entering a block visit sends or renders.
fn entered(w: &Workflow, block: &BlockId, visit: u32, waits: bool, due: bool) -> Vec<Effect> {
    let Some(b) = w.block(block) else {
        return Vec::new();
    };
    match &b.kind {
        BlockKind::Benachrichtigung(p) => vec![message(
            block,
            visit,
            MessageKind::Benachrichtigung,
            p.recipient.clone().unwrap_or(Recipient::Applicant),
            Some(p.channel.tag()),
            &p.template,
        )],
        BlockKind::Rueckfrage(p) if p.max_rounds.is_none_or(|m| visit <= m) => vec![message(
            block,
            visit,
            MessageKind::Rueckfrage,
            Recipient::Applicant,
            Some(p.channel.tag()),
            &p.template,
        )],
        BlockKind::Bescheid(p) => vec![
            Effect::RenderDocument {
                block: block.clone(),
                visit,
                template: p.template.clone(),
                signature_level: p.signature_level,
            },
            message(
                block,
                visit,
                MessageKind::Bescheid,
                Recipient::Applicant,
                Some(p.channel.tag()),
                &p.template,
            ),
        ],
        BlockKind::Zahlung(_) if waits || due => vec![message(
            block,
            visit,
            MessageKind::Zahlungsaufforderung,
            Recipient::Applicant,
            None,
            "",
        )],
        _ => Vec::new(),
    }
}

/// The effects of going from `old` to `new`.
pub(super) fn diff(w: &Workflow, old: &State, new: &Derived, cause: &Cause) -> Vec<Effect> {
    let s = &new.state;
    let mut out = Vec::new();
    for t in &old.tasks {
        if s.task(&t.id).is_none() {
            out.push(if cause.completed.as_deref() == Some(t.id.as_str()) {
                Effect::CloseTask { task: t.id.clone() }
            } else {
                Effect::CancelTask { task: t.id.clone() }
            });
        }
    }
    let fired_ids: BTreeSet<&str> = cause.fired.iter().map(|t| t.id.as_str()).collect();
    for t in &old.timers {
        if s.timer(&t.id).is_none() && !fired_ids.contains(t.id.as_str()) {
            out.push(Effect::CancelTimer {
                timer: t.id.clone(),
            });
        }
    }
    out.extend(cause.fired.iter().filter_map(|t| fired(w, t, &new.case)));
    let mut seen: BTreeSet<(BlockId, u32)> = old
        .route
        .iter()
        .map(|r| (r.block.clone(), r.visit))
        .chain(old.waiting_at.iter().map(|x| (x.block.clone(), x.visit)))
        .collect();
    for r in &s.route {
        if seen.insert((r.block.clone(), r.visit)) {
            out.extend(entered(w, &r.block, r.visit, false, r.due.is_some()));
        }
    }
    if let Some(x) = &s.waiting_at {
        if seen.insert((x.block.clone(), x.visit)) {
            out.extend(entered(w, &x.block, x.visit, true, false));
        }
    }
    let from = usize::try_from(old.filed).unwrap_or(usize::MAX);
    if let Some(msgs) = new.xdomea.get(from..).filter(|m| !m.is_empty()) {
        out.push(Effect::WriteFiling {
            messages: msgs.to_vec(),
        });
    }
    for t in &s.tasks {
        if old.task(&t.id).is_none() {
            out.push(Effect::OpenTask { task: t.clone() });
        }
    }
    for t in &s.timers {
        if old.timer(&t.id).is_none() {
            out.push(Effect::ScheduleTimer { timer: t.clone() });
        }
    }
    if old.status == Status::Running {
        match &s.status {
            Status::Ended { block, result } => out.push(Effect::CaseEnded {
                block: block.clone(),
                result: *result,
            }),
            Status::Blocked {
                block,
                code,
                message_de,
                message_en,
            } => out.push(Effect::CaseBlocked {
                block: block.clone(),
                code: *code,
                message_de: message_de.clone(),
                message_en: message_en.clone(),
            }),
            Status::Running => {}
        }
    }
    out
}
