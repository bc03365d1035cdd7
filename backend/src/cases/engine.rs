//! The seam to `fachwerk_shared::engine`: who acts (the organisation's facts about a person),
//! one step, and how its effects become rows (tasks, timers, audit entries).

use std::collections::BTreeMap;

use fachwerk_shared::api::{CaseStatus, CompleteTask, Person};
use fachwerk_shared::engine::{
    self as core, Actor, CaseStart, Effect, Event, Refusal, RefusalCode, State, Status, TaskKind,
};
use fachwerk_shared::simulate::CaseInput;
use fachwerk_shared::values::{Date, Money};
use fachwerk_shared::{Land, Workflow};

use super::{CaseError, RefusalKind};
use crate::db::{CaseChange, NewAudit, NewTask};

/// The engine's view of a person acting in workflow `key`: their id, the roles of that
/// workflow they hold themselves or for the absent persons they stand in for, and their
/// personal signing limit.
pub fn actor(person: &Person, represented: &[Person], key: &str) -> Actor {
    let mut roles: Vec<_> = std::iter::once(person)
        .chain(represented)
        .flat_map(|p| &p.roles)
        .filter(|r| r.workflow == key)
        .map(|r| r.role.as_str().into())
        .collect();
    roles.sort();
    roles.dedup();
    Actor {
        person: person.id.clone(),
        roles,
        signing_limit: person
            .signing_limit
            .as_deref()
            .and_then(|l| Money::parse(l).ok()),
    }
}

/// Checks and types the case fields as the Probelauf does (`fields.<name>` in errors).
pub fn check_fields(
    w: &Workflow,
    fields: &BTreeMap<String, serde_json::Value>,
    today: Date,
) -> Result<(), CaseError> {
    let input = CaseInput {
        start_date: today.to_string(),
        fields: fields.clone(),
        ..CaseInput::default()
    };
    input
        .check(w)
        .map(drop)
        .map_err(|e| CaseError::bad(e.path, e.message_de, e.message_en))
}

/// One accepted engine step.
#[derive(Debug)]
pub struct Step {
    state: State,
    effects: Vec<Effect>,
}

pub fn start(
    w: &Workflow,
    fields: &BTreeMap<String, serde_json::Value>,
    initiator: Option<&str>,
    aktenzeichen: &str,
    today: Date,
    land: Land,
) -> Result<Step, CaseError> {
    let start = CaseStart {
        case_id: aktenzeichen.to_string(),
        initiator: initiator.map(str::to_string),
        fields: fields.clone(),
    };
    let (state, effects) = core::start(w, &start, today, land).map_err(refused)?;
    Ok(Step { state, effects })
}

fn parse_state(state: &str) -> Result<State, CaseError> {
    serde_json::from_str(state).map_err(|e| CaseError::Storage(anyhow::anyhow!("case state: {e}")))
}

/// Completes task `task` of the case through `exit`; a Mitzeichnung participant's `approve`
/// or `veto` is their vote.
pub fn complete(
    w: &Workflow,
    state: &str,
    task: &str,
    by: Actor,
    req: &CompleteTask,
    today: Date,
) -> Result<Step, CaseError> {
    let exit = req.exit.as_str();
    let state = parse_state(state)?;
    let cosign = state.task(task).is_some_and(|t| t.kind == TaskKind::CoSign);
    let event = if cosign && (exit == "approve" || exit == "veto") && req.fields.is_empty() {
        Event::CoSigned {
            task: task.to_string(),
            by,
            approve: exit == "approve",
        }
    } else {
        Event::TaskCompleted {
            task: task.to_string(),
            by,
            exit: exit.to_string(),
            fields: req.fields.clone(),
        }
    };
    let (state, effects) = core::step(w, &state, &event, today).map_err(refused)?;
    Ok(Step { state, effects })
}

/// Whether `by` may take (claim) task `task`: the role and person rules of a completion,
/// without changing anything.
pub fn may_take(w: &Workflow, state: &str, task: &str, by: &Actor) -> Result<(), CaseError> {
    let state = parse_state(state)?;
    core::may_take(w, &state, task, by).map_err(refused)
}

/// Applies an event of the outside world (query sent or answered, payment received, notice
/// delivered) to the case.
pub fn event(w: &Workflow, state: &str, event: &Event, today: Date) -> Result<Step, CaseError> {
    let state = parse_state(state)?;
    let (state, effects) = core::step(w, &state, event, today).map_err(refused)?;
    Ok(Step { state, effects })
}

/// Fires timer `timer` of the case.
pub fn fire(w: &Workflow, state: &str, timer: &str, today: Date) -> Result<Step, CaseError> {
    let state = parse_state(state)?;
    let event = Event::TimerDue {
        timer: timer.to_string(),
    };
    let (state, effects) = core::step(w, &state, &event, today).map_err(refused)?;
    Ok(Step { state, effects })
}

/// The block ids the case passed.
pub fn route(state: &str) -> Result<Vec<String>, CaseError> {
    Ok(parse_state(state)?
        .route_blocks()
        .into_iter()
        .map(str::to_string)
        .collect())
}

/// A refusal of the engine: person rules → 403, a request that does not fit the task → 422,
/// everything about the state of the case → 409.
fn refused(r: Refusal) -> CaseError {
    let kind = if r.code.is_person_rule() {
        RefusalKind::Person
    } else if matches!(
        r.code,
        RefusalCode::UnknownExit | RefusalCode::WrongTask | RefusalCode::InvalidInput
    ) {
        RefusalKind::Request
    } else {
        RefusalKind::State
    };
    CaseError::refused(kind, r.code.as_str(), r.message_de, r.message_en)
}

impl Step {
    /// The rows the step changes; `by` is the acting person (finisher of closed tasks).
    pub fn into_change(self, by: Option<&str>) -> Result<CaseChange, CaseError> {
        let status = match self.state.status {
            Status::Running => CaseStatus::Open,
            Status::Ended { .. } => CaseStatus::Ended,
            Status::Blocked { .. } => CaseStatus::Blocked,
        };
        let state = serde_json::to_string(&self.state)
            .map_err(|e| CaseError::Storage(anyhow::anyhow!("case state: {e}")))?;
        let mut change = CaseChange::new(state, status);
        change.timers = Some(
            self.state
                .timers
                .iter()
                .map(|t| (t.id.clone(), t.due.to_string()))
                .collect(),
        );
        for effect in self.effects {
            let kind = match &effect {
                Effect::OpenTask { task } => {
                    change.opened.push(NewTask {
                        engine_task: task.id.clone(),
                        block: task.block.to_string(),
                        label: task.label.clone(),
                        role: task.role.as_ref().map(ToString::to_string),
                        assignee: match &task.role {
                            Some(_) => None,
                            None => task.persons.first().cloned(),
                        },
                        exits: task.exits.clone(),
                        excluded: task.excluded.iter().map(|r| r.person.clone()).collect(),
                        due: task.due.map(|d| d.to_string()),
                    });
                    continue;
                }
                Effect::CloseTask { task } => {
                    change.done.push((task.clone(), by.map(str::to_string)));
                    continue;
                }
                Effect::CancelTask { task } => {
                    change.cancelled.push(task.clone());
                    "taskCancelled"
                }
                // The pending set is taken from the state above.
                Effect::ScheduleTimer { .. } => continue,
                Effect::CancelTimer { timer } => {
                    change.cancelled_timers.push(timer.clone());
                    continue;
                }
                Effect::SendMessage { .. } => "message",
                Effect::RenderDocument { .. } => "document",
                Effect::WriteFiling { .. } => "filing",
                Effect::CaseEnded { .. } => "ended",
                Effect::CaseBlocked { .. } => "blocked",
            };
            // Written with the change, in its transaction: no output is lost or doubled.
            if let Some(delivery) = crate::delivery::outbox_row(&self.state, &effect) {
                change.deliveries.push(delivery);
            }
            // The audit trail records what is due; the outbox row (if any) delivers it.
            let detail = serde_json::to_value(&effect)
                .map_err(|e| CaseError::Storage(anyhow::anyhow!("effect: {e}")))?;
            change.audit.push(NewAudit {
                kind,
                detail,
                account_id: None,
                person_id: None,
            });
        }
        Ok(change)
    }
}
