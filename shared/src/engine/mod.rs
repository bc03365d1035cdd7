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

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{BlockId, EndResult, Land, Recipient, RoleId, SignatureLevel, Workflow};
use crate::simulate::{BlockedCode, PersonRule, RefusedCode, XdomeaMessage};
use crate::values::{Date, Money};

mod check;
mod effects;
mod replay;

pub use replay::trace;

/// The version of the [`State`] layout.
pub const SCHEMA: u32 = 1;

/// The person shown for a task nobody had claimed when an escalation took it away.
pub const UNASSIGNED: &str = "N. N.";

/// A case: start data, the log of answers, and what is derived from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// [`SCHEMA`].
    pub schema: u32,
    pub workflow_key: String,
    pub workflow_version: String,
    pub case_id: String,
    /// The calendar (public holidays) of the case, fixed at the start.
    pub land: Land,
    pub started: Date,
    pub initiator: String,
    /// Case data: declared field name → value, as at the intake (money as decimal string).
    pub fields: BTreeMap<String, serde_json::Value>,
    /// The accepted answers, in order.
    pub log: Vec<Entry>,
    // --- derived by replaying the log ---------------------------------------------------------
    /// Open tasks.
    pub tasks: Vec<Task>,
    /// Pending timers.
    pub timers: Vec<Timer>,
    /// The blocks passed so far, in order (the Probelauf's route).
    pub route: Vec<RouteStep>,
    /// The block the case waits at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_at: Option<BlockVisit>,
    pub status: Status,
    /// xdomea messages written so far (their effects were emitted).
    pub filed: u32,
}

impl State {
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    pub fn timer(&self, id: &str) -> Option<&Timer> {
        self.timers.iter().find(|t| t.id == id)
    }

    /// The block ids of the route, in order.
    pub fn route_blocks(&self) -> Vec<&str> {
        self.route.iter().map(|s| s.block.as_str()).collect()
    }
}

/// One accepted answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Entry {
    /// A task was completed through `exit` (a Mitzeichnung vote: `approve` / `veto`; a reply,
    /// delivery or payment: its positive exit, without a person).
    Done {
        task: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        person: Option<String>,
        /// The role the person acted in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<RoleId>,
        exit: String,
        on: Date,
    },
    /// A timer fired.
    Fired { timer: String, on: Date },
    /// The query of a Rückfrage task went out.
    Sent { task: String, on: Date },
}

/// A block and its visit (from 1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockVisit {
    pub block: BlockId,
    pub visit: u32,
}

/// What kind of work a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TaskKind {
    /// Sachbearbeitung.
    Work,
    /// The first check of a Vier-Augen-Prüfung with its own first checker.
    FirstCheck,
    /// The second check of a Vier-Augen-Prüfung.
    SecondCheck,
    /// One participation in a Mitzeichnung (exits `approve`, `veto`).
    CoSign,
    /// Schlusszeichnung.
    Sign,
    /// Rückfrage: record the reply (`reply`) or the end of the period (`timeout`).
    Query,
    /// Bescheid: record the delivery (`zugestellt`) or that it was not downloaded.
    Notice,
    /// Zahlung: record the payment (`bezahlt`) or that it was not paid.
    Payment,
    /// Veraktung: record the import confirmation (`ok`) or the failure (`fehler`).
    Filing,
}

impl TaskKind {
    /// Whether the exit may only be taken once the task's deadline has passed.
    pub fn deadline_exit(self, exit: &str) -> bool {
        matches!(
            (self, exit),
            (TaskKind::Query, "timeout")
                | (TaskKind::Notice, "nichtAbgerufen")
                | (TaskKind::Payment, "nichtBezahlt")
        )
    }
}

/// An open task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    pub block: BlockId,
    pub visit: u32,
    /// The Mitzeichnung participant (from 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<u32>,
    pub kind: TaskKind,
    pub label: String,
    /// Who may take it: anyone holding this role …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleId>,
    /// … or, without a role, exactly these persons (fixed person, initiator, expression).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<String>,
    /// Who may not take it, and why (Vier-Augen, distinctFrom, initiator).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<PersonRule>,
    /// Schlusszeichnung: the personal signing limit must cover this amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_signing_limit: Option<Money>,
    /// The exits the person may choose.
    pub exits: Vec<String>,
    pub opened: Date,
    /// Due date (after § 31 Abs. 3 VwVfG: moved to the next working day of the Land).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
}

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TimerKind {
    /// Eskalation of a task: notify, or (interrupting) take the task away.
    Eskalation,
    /// Frist (WARTEN, WIEDERVORLAGE_AM): the case goes on.
    Frist,
    /// Rückfrage: the reply deadline ends (`timeout`).
    Antwortfrist,
    /// Rückfrage: remind the applicant.
    Erinnerung,
    /// Bescheid via Postfach: the download period ends (`nichtAbgerufen`).
    Abruffrist,
    /// Bescheid by letter or e-mail: the day it counts as announced (§ 41 VwVfG).
    Bekanntgabe,
    /// Zahlung: the pay deadline ends (`nichtBezahlt`).
    Zahlungsfrist,
}

impl TimerKind {
    pub fn tag(self) -> &'static str {
        match self {
            TimerKind::Eskalation => "eskalation",
            TimerKind::Frist => "frist",
            TimerKind::Antwortfrist => "antwortfrist",
            TimerKind::Erinnerung => "erinnerung",
            TimerKind::Abruffrist => "abruffrist",
            TimerKind::Bekanntgabe => "bekanntgabe",
            TimerKind::Zahlungsfrist => "zahlungsfrist",
        }
    }
}

/// A pending timer: the runtime sends [`Event::TimerDue`] on or after `due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Timer {
    pub id: String,
    pub block: BlockId,
    /// The visit of the block the timer belongs to (for an Eskalation: of the watched task).
    pub visit: u32,
    pub kind: TimerKind,
    pub due: Date,
    /// The task the timer watches or ends, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// Eskalation: whether it takes the task away.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupting: bool,
}

/// One block passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteStep {
    pub block: BlockId,
    pub visit: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleId>,
    /// The exit taken (none for an Ende or an escalation notification).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    pub entered: Date,
    /// The deadline of the step, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    pub completed: Date,
}

/// Where the case stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Status {
    /// Waiting for tasks or timers.
    Running,
    /// Reached an Ende.
    Ended { block: BlockId, result: EndResult },
    /// Cannot go on (a value the block needs is missing, a condition cannot be evaluated …).
    Blocked {
        block: BlockId,
        code: BlockedCode,
        message_de: String,
        message_en: String,
    },
}

/// The start of a case (intake or a clerk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseStart {
    /// The case id (Aktenzeichen / FachverfahrenObjektID), assigned by the runtime.
    pub case_id: String,
    /// Who started the case; none: the external applicant ([`crate::simulate::APPLICANT`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<String>,
    /// Values of the declared case fields (as in the Probelauf's `CaseInput.fields`).
    #[serde(default)]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// The acting person, with the facts the person rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// The person's id (user name); compared with initiator and earlier performers.
    pub person: String,
    /// The workflow roles the person holds (after the organisation's mapping, deputies
    /// included).
    #[serde(default)]
    pub roles: Vec<RoleId>,
    /// Personal signing limit (Zeichnungsbefugnis); none: the role's limit alone counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_limit: Option<Money>,
}

/// Something that happened to a case; the day is the `now` passed to [`step`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// A person completed an open task through one of its exits.
    TaskCompleted {
        task: String,
        by: Actor,
        exit: String,
    },
    /// A Mitzeichnung participant co-signed (`approve: true`) or refused (veto).
    CoSigned {
        task: String,
        by: Actor,
        approve: bool,
    },
    /// The query of a Rückfrage task went out (recorded; the reply period runs from the
    /// block's start).
    QuerySent { task: String },
    /// The applicant answered a Rückfrage.
    QueryAnswered { task: String },
    /// The reply period of a Rückfrage ended (same as its `antwortfrist` timer).
    QueryTimedOut { task: String },
    /// A timer is due.
    TimerDue { timer: String },
    /// The fee of a Zahlung task was paid.
    PaymentReceived { task: String },
    /// The Bescheid of a task was delivered (downloaded, served).
    NoticeDelivered { task: String },
}

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MessageKind {
    Benachrichtigung,
    Rueckfrage,
    Erinnerung,
    Bescheid,
    Zahlungsaufforderung,
    Eskalation,
    Wiedervorlage,
}

/// What the runtime must do after a step (in this order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Effect {
    /// The task of the event was completed.
    CloseTask {
        task: String,
    },
    /// A task was dropped (veto or quorum ended the Mitzeichnung, an escalation took it
    /// away, a deadline passed).
    CancelTask {
        task: String,
    },
    /// A timer is no longer needed.
    CancelTimer {
        timer: String,
    },
    SendMessage {
        block: BlockId,
        visit: u32,
        message: MessageKind,
        to: Recipient,
        /// The channel tag of the block (`POSTFACH`, `EMAIL`, …), if it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        /// The template (empty if the block has none).
        template: String,
    },
    RenderDocument {
        block: BlockId,
        visit: u32,
        template: String,
        signature_level: SignatureLevel,
    },
    /// xdomea messages to hand to the E-Akte.
    WriteFiling {
        messages: Vec<XdomeaMessage>,
    },
    OpenTask {
        task: Task,
    },
    ScheduleTimer {
        timer: Timer,
    },
    CaseEnded {
        block: BlockId,
        result: EndResult,
    },
    CaseBlocked {
        block: BlockId,
        code: BlockedCode,
        message_de: String,
        message_en: String,
    },
}

/// Why an event was refused (stable [`RefusalCode`]; the state stays as it was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{code}: {message_en}")]
pub struct Refusal {
    pub code: RefusalCode,
    pub message_de: String,
    pub message_en: String,
}

/// Stable codes of [`Refusal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefusalCode {
    /// Vier-Augen: the second check by the first checker.
    SameAsFirstCheck,
    /// A check or signature by the person who started the case.
    Initiator,
    /// Vier-Augen: by someone who performed a `distinctFrom` block.
    DistinctFrom,
    /// Schlusszeichnung: the signing limit does not cover the amount (or it is unknown).
    SigningLimit,
    /// The person does not hold the task's role (or is not the task's person).
    NotInRole,
    /// The exit is not one of the task's exits.
    UnknownExit,
    /// The task is not open (completed, cancelled, never opened).
    TaskNotOpen,
    /// The event does not fit this task (a vote on a task that is no Mitzeichnung …).
    WrongTask,
    /// The timer is not pending.
    TimerNotPending,
    /// The timer is not due yet.
    TimerNotDue,
    /// The exit needs the deadline to have passed.
    DeadlineNotReached,
    /// The query was already sent.
    AlreadySent,
    /// The case has ended or is blocked.
    CaseClosed,
    /// The start data or the acting person's data do not fit.
    InvalidInput,
    /// The state belongs to another workflow version or schema.
    WrongWorkflow,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::SameAsFirstCheck => "SAME_AS_FIRST_CHECK",
            RefusalCode::Initiator => "INITIATOR",
            RefusalCode::DistinctFrom => "DISTINCT_FROM",
            RefusalCode::SigningLimit => "SIGNING_LIMIT",
            RefusalCode::NotInRole => "NOT_IN_ROLE",
            RefusalCode::UnknownExit => "UNKNOWN_EXIT",
            RefusalCode::TaskNotOpen => "TASK_NOT_OPEN",
            RefusalCode::WrongTask => "WRONG_TASK",
            RefusalCode::TimerNotPending => "TIMER_NOT_PENDING",
            RefusalCode::TimerNotDue => "TIMER_NOT_DUE",
            RefusalCode::DeadlineNotReached => "DEADLINE_NOT_REACHED",
            RefusalCode::AlreadySent => "ALREADY_SENT",
            RefusalCode::CaseClosed => "CASE_CLOSED",
            RefusalCode::InvalidInput => "INVALID_INPUT",
            RefusalCode::WrongWorkflow => "WRONG_WORKFLOW",
        }
    }

    /// True for the person rules (Vier-Augen, initiator, distinctFrom, signing limit, role).
    pub fn is_person_rule(self) -> bool {
        matches!(
            self,
            RefusalCode::SameAsFirstCheck
                | RefusalCode::Initiator
                | RefusalCode::DistinctFrom
                | RefusalCode::SigningLimit
                | RefusalCode::NotInRole
        )
    }
}

impl std::fmt::Display for RefusalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<RefusedCode> for RefusalCode {
    fn from(c: RefusedCode) -> RefusalCode {
        match c {
            RefusedCode::SameAsFirstCheck => RefusalCode::SameAsFirstCheck,
            RefusedCode::Initiator => RefusalCode::Initiator,
            RefusedCode::DistinctFrom => RefusalCode::DistinctFrom,
            RefusedCode::SigningLimit => RefusalCode::SigningLimit,
            RefusedCode::NotInRole => RefusalCode::NotInRole,
        }
    }
}

pub(crate) fn refusal(code: RefusalCode, de: impl Into<String>, en: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message_de: de.into(),
        message_en: en.into(),
    }
}

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
    let derived = replay::derive(w, &blank)?;
    let effects = effects::diff(w, &blank, &derived, &effects::Cause::default());
    Ok((derived.state, effects))
}

/// Applies `event`, happening on `now`, to the case `state` of `w`.
///
/// Timers due before `now` fire first (a task taken away by an escalation cannot be completed
/// afterwards; a reply after the deadline comes too late), then the event is checked against
/// the open positions and the person rules and applied.
pub fn step(
    w: &Workflow,
    state: &State,
    event: &Event,
    now: Date,
) -> Result<(State, Vec<Effect>), Refusal> {
    check::fits_workflow(w, state)?;
    let mut cause = effects::Cause::default();
    let mut cur = state.clone();
    // Overdue timers first, earliest first.
    while matches!(cur.status, Status::Running) {
        let Some(t) = cur
            .timers
            .iter()
            .filter(|t| t.due < now)
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
        cur = replay::derive(w, &cur)?.state;
    }
    let entry = check::accept(w, &cur, event, now, &mut cause)?;
    let mut next = cur;
    next.log.push(entry);
    let derived = replay::derive(w, &next)?;
    let effects = effects::diff(w, state, &derived, &cause);
    Ok((derived.state, effects))
}
