//! Replaying the Probelauf walk over a case's log: [`LogDecisions`] answers from the log and
//! pauses the walk where an answer is missing; the questions it asked there are the pending
//! tasks (turned into open tasks and timers by `derive.rs`).

use std::collections::{BTreeMap, BTreeSet};

use super::{Entry, State, TaskKind, TimerKind};
use crate::model::*;
use crate::simulate::calendar::{self, add_days, days_between, is_working_day};
use crate::simulate::engine::{run_until, Paused};
use crate::simulate::{positive_port, ActorSlot, Case, Decisions, PersonRule, Step, Trace, Vote};
use crate::values::{Date, DurationParts};

/// `<block>@<visit>`, `<block>#first@<visit>`, `<block>#<n>@<visit>`.
pub(super) fn task_id(block: &BlockId, slot: ActorSlot, visit: u32) -> String {
    format!("{}@{visit}", slot.key(block.as_str()))
}

/// `<block>@<visit>/<kind>`.
pub(super) fn timer_id(block: &BlockId, visit: u32, kind: TimerKind) -> String {
    format!("{block}@{visit}/{}", kind.tag())
}

/// Working days in `(from, to]`.
fn working_days_between(from: Date, to: Date, land: Land) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d = add_days(d, 1);
        if is_working_day(d, land) {
            n += 1;
        }
    }
    n
}

pub(super) fn parts(d: Option<&crate::values::Duration>) -> Option<DurationParts> {
    d.and_then(|d| d.parse().ok())
}

/// The assignee of a person slot.
fn assignee(b: &Block, slot: ActorSlot) -> Option<&Assignee> {
    match (&b.kind, slot) {
        (BlockKind::Sachbearbeitung(p), ActorSlot::Task) => p.assignee.as_ref(),
        (BlockKind::VierAugen(p), ActorSlot::FirstCheck) => p.first_check.as_ref(),
        (BlockKind::VierAugen(p), ActorSlot::Task) => p.second_check.as_ref(),
        (BlockKind::Schlusszeichnung(p), ActorSlot::Task) => p.signer.as_ref(),
        (BlockKind::Mitzeichnung(p), ActorSlot::Participant(i)) => {
            p.participants.get(i).and_then(|x| x.assignee.as_ref())
        }
        _ => None,
    }
}

/// The kind and exits of a person slot.
fn slot_kind(b: &Block, slot: ActorSlot) -> (TaskKind, Vec<String>) {
    let two = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
    match (&b.kind, slot) {
        (BlockKind::Sachbearbeitung(p), _) => (TaskKind::Work, p.outcomes.clone()),
        (BlockKind::VierAugen(_), ActorSlot::FirstCheck) => {
            (TaskKind::FirstCheck, vec!["ok".into()])
        }
        (BlockKind::VierAugen(_), _) => (TaskKind::SecondCheck, two("ok", "reject")),
        (BlockKind::Mitzeichnung(_), _) => (TaskKind::CoSign, two("approve", "veto")),
        _ => (TaskKind::Sign, two("ok", "reject")),
    }
}

fn parallel_participant(b: &Block, slot: ActorSlot) -> bool {
    matches!(
        (&b.kind, slot),
        (BlockKind::Mitzeichnung(p), ActorSlot::Participant(_)) if p.mode == MitzeichnungMode::Parallel
    )
}

/// A task the walk asked about without an answer in the log.
pub(super) struct Pending {
    pub id: String,
    pub slot: Option<ActorSlot>,
    pub kind: TaskKind,
    pub exits: Vec<String>,
    pub opened: Option<Date>,
    pub role: Option<RoleId>,
    pub persons: Vec<String>,
    pub rules: Vec<PersonRule>,
}

/// An answer from the log.
struct Answer {
    person: Option<String>,
    exit: String,
    on: Date,
}

/// [`Decisions`] from a case's log.
struct LogDecisions<'a> {
    w: &'a Workflow,
    land: Land,
    done: BTreeMap<String, Answer>,
    fired: BTreeSet<String>,
    block: BlockId,
    visit: u32,
    entered: Date,
    rules: BTreeMap<String, Vec<PersonRule>>,
    last_slot: ActorSlot,
    /// An answer the block needs is missing: the walk pauses after it.
    suspended: bool,
    /// An interrupting escalation of the current task fired on this day: missing answers come
    /// "later", so the walk takes the task away.
    late: Option<Date>,
    pending: Vec<Pending>,
    /// Task id → the version of the case data its completion produced.
    versions: BTreeMap<String, usize>,
    /// The version to switch to once the current block is done.
    switch: Option<usize>,
}

impl<'a> LogDecisions<'a> {
    fn new(w: &'a Workflow, s: &State) -> LogDecisions<'a> {
        let mut done = BTreeMap::new();
        let mut fired = BTreeSet::new();
        let mut versions = BTreeMap::new();
        for e in &s.log {
            match e {
                Entry::Done {
                    task,
                    person,
                    exit,
                    on,
                    fields,
                    ..
                } => {
                    if !fields.is_empty() {
                        let n = versions.len() + 1;
                        versions.insert(task.clone(), n);
                    }
                    done.insert(
                        task.clone(),
                        Answer {
                            person: person.clone(),
                            exit: exit.clone(),
                            on: *on,
                        },
                    );
                }
                Entry::Fired { timer, .. } => {
                    fired.insert(timer.clone());
                }
                Entry::Sent { .. } => {}
            }
        }
        LogDecisions {
            w,
            land: s.land,
            done,
            fired,
            block: BlockId::new(""),
            visit: 0,
            entered: s.started,
            rules: BTreeMap::new(),
            last_slot: ActorSlot::Task,
            suspended: false,
            late: None,
            pending: Vec::new(),
            versions,
            switch: None,
        }
    }

    /// The answer to task `id`, noting the case data it changed.
    fn answer(&mut self, id: &str) -> Option<&Answer> {
        if let Some(v) = self.versions.get(id) {
            self.switch = self.switch.max(Some(*v));
        }
        self.done.get(id)
    }

    fn fired(&self, block: &BlockId, visit: u32, kind: TimerKind) -> bool {
        self.fired.contains(&timer_id(block, visit, kind))
    }

    /// The manual task of Rückfrage, Bescheid, Zahlung, Veraktung: its answer, or it is pending.
    fn manual(&mut self, b: &Block, visit: u32, kind: TaskKind, exits: &[&str]) -> Option<&Answer> {
        let id = task_id(&b.id, ActorSlot::Task, visit);
        if !self.done.contains_key(&id) {
            if !self.suspended {
                self.pending.push(Pending {
                    id: id.clone(),
                    slot: None,
                    kind,
                    exits: exits.iter().map(|x| x.to_string()).collect(),
                    opened: Some(self.entered),
                    role: None,
                    persons: Vec::new(),
                    rules: Vec::new(),
                });
            }
            self.suspended = true;
        }
        self.answer(&id)
    }

    /// Calendar days from the block's start to an answer's day.
    fn days_to(&self, on: Date) -> u32 {
        u32::try_from(days_between(self.entered, on).max(0)).unwrap_or(u32::MAX)
    }

    /// The latest answer among the participants of the current Mitzeichnung visit.
    fn latest_vote(&self, b: &Block, visit: u32) -> Option<Date> {
        let BlockKind::Mitzeichnung(p) = &b.kind else {
            return None;
        };
        (0..p.participants.len())
            .filter_map(|i| {
                self.done
                    .get(&task_id(&b.id, ActorSlot::Participant(i), visit))
                    .map(|a| a.on)
            })
            .max()
    }
}

impl Decisions for LogDecisions<'_> {
    fn enter(&mut self, b: &Block, visit: u32, today: Date) {
        self.block = b.id.clone();
        self.visit = visit;
        self.entered = today;
        self.rules.clear();
        self.pending.clear();
        self.suspended = false;
        self.switch = None;
        self.last_slot = ActorSlot::Task;
        self.late = self
            .w
            .blocks
            .iter()
            .filter_map(|e| match &e.kind {
                BlockKind::Eskalation(p)
                    if p.interrupting
                        && p.attached_to.as_ref() == Some(&b.id)
                        && self.fired(&e.id, visit, TimerKind::Eskalation) =>
                {
                    parts(p.after.as_ref())
                        .map(|x| calendar::end_of(today, &x, Calendar::Kalendertage, self.land))
                }
                _ => None,
            })
            .min();
    }

    fn person_rules(&mut self, b: &Block, slot: ActorSlot, rules: &[PersonRule]) {
        self.rules.insert(slot.key(b.id.as_str()), rules.to_vec());
    }

    fn actor(
        &mut self,
        b: &Block,
        slot: ActorSlot,
        candidates: &[String],
        eligible: &[String],
    ) -> Option<String> {
        self.last_slot = slot;
        let id = task_id(&b.id, slot, self.visit);
        if let Some(a) = self.answer(&id) {
            return a.person.clone().or_else(|| eligible.first().cloned());
        }
        if self.late.is_some() {
            return eligible.first().or(candidates.first()).cloned();
        }
        // Nobody eligible at all (a fixed person excluded): the case is really blocked.
        let first = eligible.first().cloned()?;
        if !self.suspended {
            let (kind, exits) = slot_kind(b, slot);
            let (role, persons) = match assignee(b, slot) {
                Some(Assignee::Role(r)) => (Some(r.clone()), Vec::new()),
                _ => (None, candidates.to_vec()),
            };
            self.pending.push(Pending {
                id,
                slot: Some(slot),
                kind,
                exits,
                opened: None,
                role,
                persons,
                rules: self
                    .rules
                    .get(&slot.key(b.id.as_str()))
                    .cloned()
                    .unwrap_or_default(),
            });
        }
        if !parallel_participant(b, slot) {
            self.suspended = true;
        }
        Some(first)
    }

    fn task_end(
        &mut self,
        b: &Block,
        visit: u32,
        participant: Option<usize>,
        from: Date,
        land: Land,
    ) -> (u32, Date) {
        let slot = participant.map_or(self.last_slot, ActorSlot::Participant);
        let id = task_id(&b.id, slot, visit);
        if let Some(a) = self.done.get(&id) {
            let on = a.on.max(from);
            return (working_days_between(from, on, land), on);
        }
        if let Some(p) = self.pending.iter_mut().find(|p| p.id == id) {
            p.opened.get_or_insert(from);
        }
        let later = match self.late {
            Some(l) => Some(l),
            None if participant.is_some() => self.latest_vote(b, visit),
            None => None,
        };
        match later {
            Some(l) => {
                let on = add_days(l.max(from), 1);
                (working_days_between(from, on, land), on)
            }
            None => (0, from),
        }
    }

    fn outcome(&mut self, b: &Block, visit: u32, ports: &[String]) -> String {
        if matches!(b.kind, BlockKind::Veraktung(_)) {
            return match self.manual(b, visit, TaskKind::Filing, &["ok", "fehler"]) {
                Some(a) => a.exit.clone(),
                None => "ok".into(),
            };
        }
        match self.answer(&task_id(&b.id, ActorSlot::Task, visit)) {
            Some(a) => a.exit.clone(),
            None => positive_port(ports),
        }
    }

    fn vote(&mut self, b: &Block, visit: u32, participant: usize) -> Vote {
        match self.answer(&task_id(&b.id, ActorSlot::Participant(participant), visit)) {
            Some(a) if a.exit == "veto" => Vote::Veto,
            Some(_) => Vote::Approve,
            None => {
                if self.late.is_none() {
                    self.suspended = true;
                }
                Vote::Approve
            }
        }
    }

    fn reply(&mut self, b: &Block, visit: u32) -> Option<u32> {
        if self.fired(&b.id, visit, TimerKind::Antwortfrist) {
            return None;
        }
        let a = self.manual(b, visit, TaskKind::Query, &["reply", "timeout"])?;
        let (exit, on) = (a.exit.clone(), a.on);
        (exit == "reply").then(|| self.days_to(on))
    }

    fn delivery(&mut self, b: &Block, visit: u32) -> Option<u32> {
        let exits: &[&str] = match &b.kind {
            BlockKind::Bescheid(p) if p.channel == BescheidChannel::PostfachAbruf => {
                if self.fired(&b.id, visit, TimerKind::Abruffrist) {
                    return None;
                }
                &["zugestellt", "nichtAbgerufen"]
            }
            _ => &["zugestellt"],
        };
        let a = self.manual(b, visit, TaskKind::Notice, exits)?;
        let (exit, on) = (a.exit.clone(), a.on);
        (exit == "zugestellt").then(|| self.days_to(on))
    }

    fn payment(&mut self, b: &Block, visit: u32) -> Option<u32> {
        if self.fired(&b.id, visit, TimerKind::Zahlungsfrist) {
            return None;
        }
        let a = self.manual(b, visit, TaskKind::Payment, &["bezahlt", "nichtBezahlt"])?;
        let (exit, on) = (a.exit.clone(), a.on);
        (exit == "bezahlt").then(|| self.days_to(on))
    }

    fn working_days(&mut self, _block: &Block, _visit: u32, _participant: Option<usize>) -> u32 {
        0
    }

    fn case_version(&mut self) -> Option<usize> {
        self.switch.take()
    }

    fn pause(&mut self, b: &Block, visit: u32, steps: &[Step]) -> bool {
        let timer = match &b.kind {
            BlockKind::Frist(_) => Some(TimerKind::Frist),
            BlockKind::Bescheid(p)
                if matches!(p.channel, BescheidChannel::Brief | BescheidChannel::Email) =>
            {
                Some(TimerKind::Bekanntgabe)
            }
            _ => None,
        };
        if let (Some(kind), Some(s)) = (timer, steps.first()) {
            if s.completed > self.entered && !self.fired(&b.id, visit, kind) {
                self.pending.clear();
                return true;
            }
        }
        if !self.suspended {
            self.pending.clear();
        }
        self.suspended
    }
}

/// Runs the walk over `case` answering from the log of `s`; `versions` are the case data after
/// each completion that changed fields.
pub(super) fn replay(
    w: &Workflow,
    s: &State,
    case: &Case,
    versions: &[Case],
) -> (Trace, Option<Paused>, Vec<Pending>) {
    let mut d = LogDecisions::new(w, s);
    let (trace, paused) = run_until(w, case, versions, &mut d);
    (trace, paused, d.pending)
}
