//! What happens to a case ([`Event`]), what the runtime must do ([`Effect`]), and why an
//! event is refused ([`Refusal`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Task, Timer};
use crate::model::{BlockId, EndResult, Recipient, RoleId, SignatureLevel};
use crate::simulate::{BlockedCode, RefusedCode, XdomeaMessage};
use crate::values::Money;

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
        /// Case fields the person sets or changes (declared fields, typed as at the intake);
        /// the blocks after this task see the new values.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        fields: BTreeMap<String, serde_json::Value>,
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
