//! The case state: start data, the log of answers, and the derived open tasks, timers, route
//! and status.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{BlockId, EndResult, Land, RoleId};
use crate::simulate::{BlockedCode, PersonRule};
use crate::values::{Date, Money};

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

    /// The case data now: the start values with every change made by completed tasks.
    pub fn current_fields(&self) -> BTreeMap<String, serde_json::Value> {
        let mut out = self.fields.clone();
        for e in &self.log {
            if let Entry::Done { fields, .. } = e {
                out.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        out
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
        /// Case fields the person changed (applies once the block is done).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        fields: BTreeMap<String, serde_json::Value>,
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
