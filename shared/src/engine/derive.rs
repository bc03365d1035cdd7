//! Deriving a case's route, status, open tasks and timers from its start data and log.

use std::collections::{BTreeMap, BTreeSet};

use super::replay::{parts, replay, timer_id, Pending};
use super::{
    refusal, BlockVisit, Entry, Refusal, RefusalCode, RouteStep, State, Status, Task, TaskKind,
    Timer, TimerKind, UNASSIGNED,
};
use crate::expr::Value;
use crate::model::*;
use crate::simulate::calendar;
use crate::simulate::engine::Paused;
use crate::simulate::{ActorSlot, BlockedCode, Case, Outcome, Trace, XdomeaMessage};
use crate::values::Date;

/// A replayed state, with everything the effects need.
pub(super) struct Derived {
    pub state: State,
    /// Every xdomea message the route produced (including a waiting Veraktung's).
    pub xdomea: Vec<XdomeaMessage>,
    /// The case data now (for expressions in effects).
    pub case: Case,
}

/// The Probelauf input equivalent to a case with the field values `fields`, with the persons
/// the log knows per role.
pub(super) fn case_of(
    w: &Workflow,
    s: &State,
    fields: &BTreeMap<String, serde_json::Value>,
) -> Result<Case, Refusal> {
    let mut persons: BTreeMap<RoleId, Vec<String>> = w
        .roles
        .iter()
        .map(|r| (r.id.clone(), vec![UNASSIGNED.to_string()]))
        .collect();
    for e in &s.log {
        if let Entry::Done {
            person: Some(p),
            role: Some(r),
            ..
        } = e
        {
            if let Some(list) = persons.get_mut(r) {
                if !list.contains(p) {
                    list.push(p.clone());
                }
            }
        }
    }
    let input = CaseInput {
        case_id: Some(s.case_id.clone()),
        start_date: s.started.to_string(),
        land: s.land,
        fields: fields.clone(),
        persons,
        initiator: Some(s.initiator.clone()),
        ..CaseInput::default()
    };
    input.check(w).map_err(|e| {
        refusal(
            RefusalCode::InvalidInput,
            format!("Falldaten {}: {}", e.path, e.message_de),
            format!("Case data {}: {}", e.path, e.message_en),
        )
    })
}

/// Replays the case: the route so far and, unless it ended, where it waits.
fn run(w: &Workflow, s: &State) -> Result<(Trace, Option<Paused>, Vec<Pending>, Case), Refusal> {
    let case = case_of(w, s, &s.fields)?;
    // The case data after each completion that changed fields, in log order.
    let mut fields = s.fields.clone();
    let mut versions = vec![case.clone()];
    for e in &s.log {
        if let Entry::Done { fields: f, .. } = e {
            if !f.is_empty() {
                fields.extend(f.iter().map(|(k, v)| (k.clone(), v.clone())));
                versions.push(case_of(w, s, &fields)?);
            }
        }
    }
    let (trace, paused, pending) = replay(w, s, &case, &versions);
    let last = versions.pop().unwrap_or(case);
    Ok((trace, paused, pending, last))
}

/// The Probelauf trace of a case so far (outcome [`BlockedCode::Waiting`] while it runs).
pub fn trace(w: &Workflow, s: &State) -> Result<Trace, Refusal> {
    Ok(run(w, s)?.0)
}

/// Recomputes the derived parts of `s` from its start data and log.
pub(super) fn derive(w: &Workflow, s: &State) -> Result<Derived, Refusal> {
    let (trace, paused, pending, case) = run(w, s)?;
    let mut out = s.clone();
    out.route = trace
        .steps
        .iter()
        .map(|x| RouteStep {
            block: x.block.clone(),
            visit: x.visit,
            person: x.person.clone(),
            role: x.role.clone(),
            port: x.decision.port.clone(),
            entered: x.entered,
            due: x.due,
            completed: x.completed,
        })
        .collect();
    out.tasks = Vec::new();
    out.timers = Vec::new();
    out.waiting_at = None;
    let mut xdomea = trace.xdomea.clone();
    out.status = match trace.outcome.clone() {
        Outcome::Ended { block, result } => Status::Ended { block, result },
        Outcome::Refused {
            code,
            message_de,
            message_en,
            ..
        } => return Err(refusal(code.into(), message_de, message_en)),
        Outcome::Blocked {
            block,
            code: BlockedCode::Waiting,
            ..
        } if paused.is_some() => {
            if let (Some(p), Some(b)) = (paused, w.block(&block)) {
                xdomea.extend(p.xdomea.iter().cloned());
                positions(w, &case, &trace, b, &p, pending, &mut out);
                out.waiting_at = Some(BlockVisit {
                    block: block.clone(),
                    visit: p.visit,
                });
            }
            Status::Running
        }
        Outcome::Blocked {
            block,
            code,
            message_de,
            message_en,
        } => Status::Blocked {
            block,
            code,
            message_de,
            message_en,
        },
    };
    out.filed = u32::try_from(xdomea.len()).unwrap_or(u32::MAX);
    Ok(Derived {
        state: out,
        xdomea,
        case,
    })
}

/// The open tasks and pending timers of a walk paused at `b`.
fn positions(
    w: &Workflow,
    case: &Case,
    trace: &Trace,
    b: &Block,
    p: &Paused,
    pending: Vec<Pending>,
    out: &mut State,
) {
    let land = case.land;
    let step_due = p.steps.first().and_then(|s| s.due);
    let visit = p.visit;
    let label = w.block_label(&b.id);
    // The manual tasks go to the role that last worked on the case.
    let last_role = trace
        .steps
        .iter()
        .rev()
        .find(|s| {
            s.role.is_some()
                && w.block(&s.block).is_some_and(|x| {
                    matches!(
                        x.kind,
                        BlockKind::Sachbearbeitung(_)
                            | BlockKind::VierAugen(_)
                            | BlockKind::Mitzeichnung(_)
                            | BlockKind::Schlusszeichnung(_)
                    )
                })
        })
        .and_then(|s| s.role.clone());
    let fired: BTreeSet<&str> = out
        .log
        .iter()
        .filter_map(|e| match e {
            Entry::Fired { timer, .. } => Some(timer.as_str()),
            _ => None,
        })
        .collect();
    let mut timers = Vec::new();
    let mut timer = |kind: TimerKind,
                     block: &BlockId,
                     due: Option<Date>,
                     task: Option<String>,
                     interrupting: bool| {
        let id = timer_id(block, visit, kind);
        if let Some(due) = due {
            if !fired.contains(id.as_str()) {
                timers.push(Timer {
                    id,
                    block: block.clone(),
                    visit,
                    kind,
                    due,
                    task,
                    interrupting,
                });
            }
        }
    };
    let first_task = pending.first().map(|x| x.id.clone());
    match &b.kind {
        BlockKind::Sachbearbeitung(_)
        | BlockKind::VierAugen(_)
        | BlockKind::Mitzeichnung(_)
        | BlockKind::Schlusszeichnung(_) => {
            for e in &w.blocks {
                if let BlockKind::Eskalation(x) = &e.kind {
                    if x.attached_to.as_ref() == Some(&b.id) {
                        let due = parts(x.after.as_ref())
                            .map(|a| calendar::end_of(p.entered, &a, Calendar::Kalendertage, land));
                        timer(
                            TimerKind::Eskalation,
                            &e.id,
                            due,
                            first_task.clone(),
                            x.interrupting,
                        );
                    }
                }
            }
        }
        BlockKind::Rueckfrage(x) => {
            timer(
                TimerKind::Antwortfrist,
                &b.id,
                step_due,
                first_task.clone(),
                false,
            );
            let reminder = parts(x.reminder_after.as_ref())
                .map(|r| calendar::end_of(p.entered, &r, Calendar::Kalendertage, land))
                .filter(|r| step_due.is_some_and(|d| *r < d));
            timer(
                TimerKind::Erinnerung,
                &b.id,
                reminder,
                first_task.clone(),
                false,
            );
        }
        BlockKind::Bescheid(x) => {
            let kind = match x.channel {
                BescheidChannel::PostfachAbruf => Some(TimerKind::Abruffrist),
                BescheidChannel::Brief | BescheidChannel::Email => Some(TimerKind::Bekanntgabe),
                BescheidChannel::FoermlicheZustellung => None,
            };
            if let Some(kind) = kind {
                timer(kind, &b.id, step_due, first_task.clone(), false);
            }
        }
        BlockKind::Zahlung(_) => {
            timer(
                TimerKind::Zahlungsfrist,
                &b.id,
                step_due,
                first_task.clone(),
                false,
            );
        }
        BlockKind::Frist(_) => {
            let due = p.steps.first().map(|s| s.completed);
            timer(TimerKind::Frist, &b.id, due, None, false);
        }
        _ => {}
    }
    for t in pending {
        let opened = t.opened.unwrap_or(p.entered);
        let participant = match t.slot {
            Some(ActorSlot::Participant(i)) => Some(i),
            _ => None,
        };
        let due_in = match &b.kind {
            BlockKind::Sachbearbeitung(x) => x.due_in.as_ref(),
            BlockKind::Mitzeichnung(x) => x.due_in.as_ref(),
            _ => None,
        };
        let due = match t.kind {
            TaskKind::Query | TaskKind::Notice | TaskKind::Payment => step_due,
            _ => parts(due_in)
                .map(|d| calendar::deadline(opened, &d, Calendar::Kalendertage, land).date),
        };
        let task_label = match (&b.kind, participant) {
            (BlockKind::Mitzeichnung(x), Some(i)) => match x.participants.get(i) {
                Some(pp) if !pp.label.is_empty() => format!("{label}: {}", pp.label),
                _ => format!("{label}: Beteiligte/r {}", i + 1),
            },
            _ => label.clone(),
        };
        let min_signing_limit = match (&b.kind, t.kind) {
            (BlockKind::Schlusszeichnung(x), TaskKind::Sign) => {
                x.amount_field.as_ref().and_then(|f| match case.value(f) {
                    Value::Number(n) => n.to_money(),
                    _ => None,
                })
            }
            _ => None,
        };
        let manual = t.slot.is_none();
        out.tasks.push(Task {
            id: t.id,
            block: b.id.clone(),
            visit,
            participant: participant.and_then(|i| u32::try_from(i + 1).ok()),
            kind: t.kind,
            label: task_label,
            role: if manual { last_role.clone() } else { t.role },
            persons: t.persons,
            excluded: t.rules,
            min_signing_limit,
            exits: t.exits,
            opened,
            due,
        });
    }
    out.timers = timers;
}
