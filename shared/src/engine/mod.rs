//! The case engine: real cases (and the Probelauf) as a pure function of events.
//!
//! ```text
//! start(workflow, CaseStart, now, land)      -> Result<(State, Vec<Effect>), Refusal>
//! step(workflow, &State, &Event, now)        -> Result<(State, Vec<Effect>), Refusal>
//! ```
//!
//! No IO and no clock: `now` is the day the event happens, the calendar is the Land's
//! working-day calendar ([`crate::simulate::calendar`]), pinned in the state at the start so a
//! running case's deadlines never move. A refused event changes nothing (the caller keeps its
//! state).
//!
//! # Design: event sourcing over the Probelauf walk
//!
//! The [`State`] keeps the case's start data and a log of accepted answers ([`Entry`]: task
//! completions, votes, replies, fired timers). [`step`] checks the event against the open
//! positions, appends it and *replays* the Probelauf's deterministic walk
//! ([`crate::simulate`]) with a [`crate::simulate::Decisions`] that answers from the log. Where
//! the log has no answer yet the walk pauses ([`crate::simulate::Decisions::pause`]); the
//! questions it asked there become the open tasks and timers. So a real case takes exactly
//! the route the Probelauf computes for the same decisions (tested in
//! `shared/tests/engine_props.rs`), and the route, open positions and status stored in the
//! state are derived data, recomputed on every step.
//!
//! # Ids
//!
//! * Task: `<block>@<visit>` (a Sachbearbeitung, the second check of a Vier-Augen-Prüfung, a
//!   Schlusszeichnung, and the manual tasks of Rückfrage, Bescheid, Zahlung, Veraktung),
//!   `<block>#first@<visit>` (a Vier-Augen first check of its own), `<block>#<n>@<visit>` (the
//!   n-th Mitzeichnung participant, from 1). Visits count from 1.
//! * Timer: `<block>@<visit>/<kind>` ([`TimerKind::tag`]); for an Eskalation `<block>` is the
//!   Eskalation and `<visit>` the visit of the task it watches.
//!
//! Ids are stable: completing a task twice refuses the second time ([`RefusalCode::TaskNotOpen`]).

use crate::model::{Land, Workflow};
use crate::values::Date;

mod ahead;
mod check;
mod derive;
mod effects;
mod events;
mod replay;
mod state;

pub use ahead::pending_bescheid;
pub use derive::trace;
pub(crate) use events::refusal;
pub use events::{Actor, CaseStart, Effect, Event, MessageKind, Refusal, RefusalCode};
pub use state::{BlockVisit, Entry, RouteStep, State, Status, Task, TaskKind, Timer, TimerKind};

/// The version of the [`State`] layout.
pub const SCHEMA: u32 = 1;

/// The person shown for a task nobody had claimed when an escalation took it away.
pub const UNASSIGNED: &str = "N. N.";

/// Starts a case of `w` on `now`, with the holidays of `land`.
pub fn start(
    w: &Workflow,
    start: &CaseStart,
    now: Date,
    land: Land,
) -> Result<(State, Vec<Effect>), Refusal> {
    let blank = State {
        schema: SCHEMA,
        workflow_key: w.key.clone(),
        workflow_version: w.version.clone(),
        case_id: start.case_id.trim().to_string(),
        land,
        started: now,
        initiator: start
            .initiator
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .unwrap_or(crate::simulate::APPLICANT)
            .to_string(),
        fields: start.fields.clone(),
        log: Vec::new(),
        tasks: Vec::new(),
        timers: Vec::new(),
        route: Vec::new(),
        waiting_at: None,
        status: Status::Running,
        filed: 0,
    };
    if blank.case_id.is_empty() {
        return Err(refusal(
            RefusalCode::InvalidInput,
            "Die Fallnummer ist leer",
            "The case id is empty",
        ));
    }
    let derived = derive::derive(w, &blank)?;
    let effects = effects::diff(w, &blank, &derived, &effects::Cause::default());
    Ok((derived.state, effects))
}

/// Applies `event`, happening on `now`, to the case `state` of `w`.
///
/// Timers due before `now` fire first (a task taken away by an escalation cannot be completed
/// afterwards; a reply after the deadline comes too late; for [`Event::TimerDue`] the timers
/// due before that timer), then the event is checked against the open positions and the
/// person rules and applied.
pub fn step(
    w: &Workflow,
    state: &State,
    event: &Event,
    now: Date,
) -> Result<(State, Vec<Effect>), Refusal> {
    check::fits_workflow(w, state)?;
    let mut cause = effects::Cause::default();
    let mut cur = state.clone();
    // Overdue timers first, earliest first; for a timer event, those due before it.
    let before = match event {
        Event::TimerDue { timer } => state.timer(timer).map_or(now, |t| t.due.min(now)),
        Event::QueryTimedOut { task } => state
            .timers
            .iter()
            .find(|t| t.kind == TimerKind::Antwortfrist && t.task.as_deref() == Some(task))
            .map_or(now, |t| t.due.min(now)),
        _ => now,
    };
    while matches!(cur.status, Status::Running) {
        let Some(t) = cur
            .timers
            .iter()
            .filter(|t| t.due < before)
            .min_by_key(|t| t.due)
            .cloned()
        else {
            break;
        };
        cur.log.push(Entry::Fired {
            timer: t.id.clone(),
            on: t.due,
        });
        cause.fired.push(t);
        cur = derive::derive(w, &cur)?.state;
    }
    let entry = check::accept(w, &cur, event, now, &mut cause)?;
    let mut next = cur;
    next.log.push(entry);
    let derived = derive::derive(w, &next)?;
    let effects = effects::diff(w, state, &derived, &cause);
    Ok((derived.state, effects))
}

/// Whether `by` may take the open task `task` (claim): the same role and person rules as a
/// completion, without changing anything. A completion checks them again.
pub fn may_take(w: &Workflow, state: &State, task: &str, by: &Actor) -> Result<(), Refusal> {
    check::fits_workflow(w, state)?;
    if !matches!(state.status, Status::Running) {
        return Err(refusal(
            RefusalCode::CaseClosed,
            format!(
                "Der Fall {} ist abgeschlossen oder blockiert",
                state.case_id
            ),
            format!("The case {} has ended or is blocked", state.case_id),
        ));
    }
    check::person_rules(w, check::open(state, task)?, by)
}
