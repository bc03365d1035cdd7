//! Replaying the Probelauf walk over a case's log: [`LogDecisions`] answers from the log and
//! pauses the walk where an answer is missing; [`derive`] turns the pause into open tasks and
//! timers.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    refusal, BlockVisit, Entry, Refusal, RefusalCode, RouteStep, State, Status, Task, TaskKind,
    Timer, TimerKind, UNASSIGNED,
};
use crate::expr::Value;
use crate::model::*;
use crate::simulate::calendar::{self, add_days, days_between, is_working_day};
use crate::simulate::engine::{run_until, Paused};
use crate::simulate::{
    positive_port, ActorSlot, BlockedCode, Case, Decisions, Outcome, PersonRule, Step, Trace, Vote,
    XdomeaMessage,
};
use crate::values::{Date, DurationParts};

/// A replayed state, with everything the effects need.
pub(super) struct Derived {
    pub state: State,
    /// Every xdomea message the route produced (including a waiting Veraktung's).
    pub xdomea: Vec<XdomeaMessage>,
}

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

fn parts(d: Option<&crate::values::Duration>) -> Option<DurationParts> {
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
struct Pending {
    id: String,
    slot: Option<ActorSlot>,
    kind: TaskKind,
    exits: Vec<String>,
    opened: Option<Date>,
    role: Option<RoleId>,
    persons: Vec<String>,
    rules: Vec<PersonRule>,
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
}

impl<'a> LogDecisions<'a> {
    fn new(w: &'a Workflow, s: &State) -> LogDecisions<'a> {
        let mut done = BTreeMap::new();
        let mut fired = BTreeSet::new();
        for e in &s.log {
            match e {
                Entry::Done {
                    task,
                    person,
                    exit,
                    on,
                    ..
                } => {
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
        }
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
        self.done.get(&id)
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
        if let Some(a) = self.done.get(&id) {
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
        match self.done.get(&task_id(&b.id, ActorSlot::Task, visit)) {
            Some(a) => a.exit.clone(),
            None => positive_port(ports),
        }
    }

    fn vote(&mut self, b: &Block, visit: u32, participant: usize) -> Vote {
        match self
            .done
            .get(&task_id(&b.id, ActorSlot::Participant(participant), visit))
        {
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

/// The Probelauf input equivalent to a case's start, with the persons the log knows per role.
fn case_of(w: &Workflow, s: &State) -> Result<Case, Refusal> {
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
        fields: s.fields.clone(),
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
    let case = case_of(w, s)?;
    let mut d = LogDecisions::new(w, s);
    let (trace, paused) = run_until(w, &case, &mut d);
    Ok((trace, paused, d.pending, case))
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
    Ok(Derived { state: out, xdomea })
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
