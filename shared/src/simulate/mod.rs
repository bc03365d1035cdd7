//! Probelauf: simulate one case through a workflow, step by step, with concrete dates.
//!
//! [`simulate`] walks from the Start block along the ports the blocks choose until an Ende
//! ([`Outcome::Ended`]), a person rule refuses someone ([`Outcome::Refused`]) or nothing can go
//! on ([`Outcome::Blocked`]). What people decide comes from a [`Decisions`] implementation —
//! usually [`ScriptedDecisions`] built from the [`CaseInput`].
//!
//! # Semantics (../shared/domain/blocks.md §2)
//!
//! * **Wertgrenzen**: band *i* covers `(lower, upper]`, the first band `[lower, upper]`,
//!   `upper = null` = ∞; the value of the configured amount field decides.
//! * **Komplexität**: rules top-down, the first whose FEEL condition is `true` wins (null and
//!   false do not match), else `otherwise`.
//! * **Human tasks** (Sachbearbeitung, Vier-Augen, Mitzeichnung, Schlusszeichnung) take the
//!   number of working days [`Decisions::working_days`] says (default 1); `dueIn` gives the
//!   due date. Person rules, enforced when the person is chosen:
//!   * Vier-Augen second check: not the first checker (performer of the last visit of
//!     `firstCheckBlock`, or the block's own first check), not anyone who ever performed a block
//!     in `distinctFrom`, not the initiator if `excludeInitiator`;
//!   * Schlusszeichnung: not the initiator; the signer's role `signingLimit` must cover the value
//!     of `amountField` („Zeichnungsbefugnis 10.000 € reicht für 12.400 € nicht“);
//!   * a person forced by the case who is not eligible → [`Outcome::Refused`]; nobody eligible
//!     left → [`Outcome::Blocked`] ([`BlockedCode::NoEligiblePerson`]).
//! * **Mitzeichnung**: every participant approves or vetoes; any veto → `veto` (in PARALLEL mode
//!   the open participations are cancelled, in SEQUENTIAL mode the later ones are skipped);
//!   `ok` once all mandatory participants approved (ALL_APPROVE) or `n` approvals (QUORUM);
//!   parallel participations finish in order of their working days.
//! * **Eskalation** (timer from the attached task's start, calendar days, not moved): if the
//!   task takes longer than `after`, a non-interrupting one records a notification step for
//!   `escalateTo`, an interrupting one takes the task away and continues on `escalated`.
//! * **Rückfrage**: reply within `replyDeadline` → `reply`, else `timeout` at the deadline; the
//!   (`maxRounds`+1)-th entry leaves via `timeout` at once.
//! * **Bescheid** (§ 41 VwVfG): POSTFACH_ABRUF downloaded within `abrufFrist` (default 10 days) →
//!   `zugestellt`, Bekanntgabe the day after the download; not downloaded → `nichtAbgerufen` at
//!   the end of the period. BRIEF/EMAIL: Bekanntgabe fiction on day `fiktionTage` after dispatch,
//!   moved to the next working day like a deadline. FOERMLICHE_ZUSTELLUNG: served on the
//!   delivery day.
//! * **Zahlung**: paid within `payDeadline` → `bezahlt`, else `nichtBezahlt` at the deadline.
//! * **Frist**: WARTEN for `duration`, WIEDERVORLAGE_AM on the date field plus `offset`, in
//!   calendar or working days; a date already passed continues at once.
//! * **Veraktung**: produces the xdomea 3.1.0 messages ([`xdomea`]) and leaves via `ok` or
//!   `fehler` as decided.
//! * Every deadline (`dueIn`, reply/pay deadlines, Abruffrist, Bekanntgabe fiction, Frist)
//!   ending on a Saturday, Sunday or public holiday of the Land moves to the next working day
//!   (§ 31 Abs. 3 VwVfG) and the step says so ([`calendar`]).
//! * At most [`MAX_STEPS`] steps, then [`BlockedCode::StepLimit`].

use serde::{Deserialize, Serialize, Serializer};

use crate::model::{BlockId, EndResult, RoleId, Workflow};
use crate::values::Date;

mod automatic;
pub mod calendar;
mod cases;
mod decisions;
pub(crate) mod engine;
mod escalation;
mod external;
mod input;
mod mitzeichnung;
mod persons;
mod tasks;
mod text;
pub mod xdomea;
mod xml;

pub use crate::model::{CaseInput, Land};
pub use cases::{record_test_case, run_test_case, run_test_cases, TestCaseResult};
pub use decisions::{
    parse_entry, positive_port, ActorSlot, Decisions, PersonRule, ScriptEntry, ScriptedDecisions,
    Vote,
};
pub use input::{case_schema, decision_ports, placeholder_persons, Case, CaseError, APPLICANT};
pub use xdomea::XdomeaMessage;

/// Loop guard: a run stops after this many steps.
pub const MAX_STEPS: usize = 10_000;

/// Simulates the case `input` through `w` with the decisions `d`.
pub fn simulate(w: &Workflow, input: &CaseInput, d: &mut impl Decisions) -> Trace {
    match input.check(w) {
        Ok(case) => engine::run(w, &case, d),
        Err(e) => Trace {
            workflow_key: w.key.clone(),
            workflow_version: w.version.clone(),
            case_id: input.case_id.clone().unwrap_or_default(),
            start_date: input.start_date.clone(),
            land: input.land,
            initiator: input.initiator.clone().unwrap_or_default(),
            steps: Vec::new(),
            outcome: Outcome::Blocked {
                block: BlockId::new(""),
                code: BlockedCode::InvalidInput,
                message_de: format!("Falleingabe {}: {}", e.path, e.message_de),
                message_en: format!("Case input {}: {}", e.path, e.message_en),
            },
            geschaeftsgang: Vec::new(),
            xdomea: Vec::new(),
        },
    }
}

/// [`simulate`] with the decisions scripted by the input itself.
pub fn simulate_scripted(w: &Workflow, input: &CaseInput) -> Trace {
    simulate(w, input, &mut ScriptedDecisions::new(input))
}

/// The record of one simulated case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    pub workflow_key: String,
    pub workflow_version: String,
    pub case_id: String,
    pub start_date: String,
    pub land: Land,
    /// The person who started the case.
    pub initiator: String,
    pub steps: Vec<Step>,
    pub outcome: Outcome,
    /// Who co-signed, checked and signed (GGO § 15 Abs. 5), as filed by Veraktung.
    pub geschaeftsgang: Vec<GeschaeftsgangEntry>,
    /// The xdomea messages of every Veraktung reached, in order.
    pub xdomea: Vec<XdomeaMessage>,
}

impl Trace {
    /// The block ids of the steps, in order.
    pub fn route(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.block.as_str()).collect()
    }

    /// A German plain-text rendering (one line per step, then the outcome).
    pub fn render_de(&self) -> String {
        text::render_de(self)
    }
}

/// One block execution (or an escalation firing) in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub block: BlockId,
    pub label: String,
    /// The label for English texts: the type's English name when the block has no name.
    /// In-memory only (the designer's English view); the JSON trace stays as it was.
    #[serde(skip)]
    pub label_en: String,
    /// German name of the block type ("Vier-Augen-Prüfung").
    pub block_type: String,
    /// English name of the block type; in-memory only like `label_en`.
    #[serde(skip)]
    pub block_type_en: String,
    /// 1 for the first visit of the block, 2 for the second …
    pub visit: u32,
    /// The person acting (or notified, for an escalation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    pub decision: Decision,
    #[serde(serialize_with = "ser_date")]
    pub entered: Date,
    /// The deadline of the step, if it has one (after § 31 Abs. 3 VwVfG).
    #[serde(
        serialize_with = "ser_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub due: Option<Date>,
    #[serde(serialize_with = "ser_date")]
    pub completed: Date,
}

/// The exit a step took, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// `None` for Ende and escalation notifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    pub explanation_de: String,
    pub explanation_en: String,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// Reached an Ende.
    Ended { block: BlockId, result: EndResult },
    /// A person rule refused the person acting.
    Refused {
        block: BlockId,
        code: RefusedCode,
        message_de: String,
        message_en: String,
    },
    /// The case cannot go on.
    Blocked {
        block: BlockId,
        code: BlockedCode,
        message_de: String,
        message_en: String,
    },
}

impl Outcome {
    pub fn block(&self) -> &BlockId {
        match self {
            Outcome::Ended { block, .. }
            | Outcome::Refused { block, .. }
            | Outcome::Blocked { block, .. } => block,
        }
    }
}

/// Why a person was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefusedCode {
    /// The second check by the first checker.
    SameAsFirstCheck,
    /// A check or signature by the person who started the case.
    Initiator,
    /// The second check by someone who performed a `distinctFrom` block.
    DistinctFrom,
    /// The signer's role may not sign this amount (or the amount is unknown).
    SigningLimit,
    /// The forced person does not hold the role.
    NotInRole,
}

/// Why a run could not go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BlockedCode {
    /// The case input does not fit the workflow.
    InvalidInput,
    /// Nobody holding the role may take the task (person rules, staffing).
    NoEligiblePerson,
    /// A field the block needs has no value in this case.
    MissingValue,
    /// A condition or amount could not be evaluated with this case's values (e.g. division by zero).
    EvaluationError,
    /// More than [`MAX_STEPS`] steps (a loop the decisions never leave).
    StepLimit,
    /// No Start block.
    NoStart,
    /// The port taken has no edge, or an edge leads nowhere.
    UnwiredPort,
    /// An assignee refers to a role the workflow does not declare.
    UnknownRole,
    /// No Wertgrenzen band covers the amount.
    NoMatchingBand,
    /// The block's parameters cannot be executed (missing assignee, unparsable duration …).
    InvalidBlock,
    /// The case waits at this block for an event (a task, a reply, a timer): only a case run by
    /// the case engine ([`crate::engine`]) stops so, never a Probelauf.
    Waiting,
}

impl BlockedCode {
    /// True if the workflow itself is at fault: a validated workflow should never block so.
    pub fn is_structural(self) -> bool {
        matches!(
            self,
            BlockedCode::NoStart
                | BlockedCode::UnwiredPort
                | BlockedCode::UnknownRole
                | BlockedCode::NoMatchingBand
                | BlockedCode::InvalidBlock
        )
    }
}

/// One participation in the Geschäftsgang (xdomea Beteiligungsschritt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeschaeftsgangEntry {
    /// Running number, from 1.
    pub number: u32,
    pub block: BlockId,
    pub label: String,
    /// The Verfügung, e.g. "zur Mitzeichnung: Kämmerei (Haushaltsmittel)".
    pub verfuegung: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_unit: Option<String>,
    pub status: GgStatus,
    /// The port or vote ("ok", "reject", "approve", "veto"), if decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// What the file shows, e.g. "mitgezeichnet", "gezeichnet (QES)".
    pub vermerk: String,
    #[serde(serialize_with = "ser_date")]
    pub assigned: Date,
    #[serde(
        serialize_with = "ser_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub due: Option<Date>,
    #[serde(
        serialize_with = "ser_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub done: Option<Date>,
}

/// State of a participation (xdomea Beteiligungsstatus 003 / 004).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GgStatus {
    /// Completed (003).
    Erledigt,
    /// Cancelled or skipped: the decision was already taken, or the task was taken away (004).
    Entfallen,
}

fn ser_date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn ser_opt_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}
