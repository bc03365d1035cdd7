//! Whether an event fits the case: the task or timer is open, the exit exists, the person
//! rules allow the person. Refused events change nothing.

use std::collections::BTreeMap;

use super::derive;
use super::effects::Cause;
use super::{refusal, Actor, Entry, Event, Refusal, RefusalCode, State, Status, Task, TaskKind};
use super::{TimerKind, SCHEMA, UNASSIGNED};
use crate::model::Workflow;
use crate::values::Date;

pub(super) fn fits_workflow(w: &Workflow, s: &State) -> Result<(), Refusal> {
    if s.schema != SCHEMA {
        return Err(refusal(
            RefusalCode::WrongWorkflow,
            format!(
                "Der Fallzustand hat das Format {}, erwartet {SCHEMA}",
                s.schema
            ),
            format!("The case state has schema {}, expected {SCHEMA}", s.schema),
        ));
    }
    if s.workflow_key != w.key || s.workflow_version != w.version {
        return Err(refusal(
            RefusalCode::WrongWorkflow,
            format!(
                "Der Fall läuft auf „{}“ Version {}, nicht auf „{}“ Version {}",
                s.workflow_key, s.workflow_version, w.key, w.version
            ),
            format!(
                "The case runs on {:?} version {}, not on {:?} version {}",
                s.workflow_key, s.workflow_version, w.key, w.version
            ),
        ));
    }
    Ok(())
}

/// Checks `event` against the open positions of `s` and returns the log entry it becomes.
pub(super) fn accept(
    w: &Workflow,
    s: &State,
    event: &Event,
    now: Date,
    cause: &mut Cause,
) -> Result<Entry, Refusal> {
    if !matches!(s.status, Status::Running) {
        return Err(refusal(
            RefusalCode::CaseClosed,
            format!("Der Fall {} ist abgeschlossen oder blockiert", s.case_id),
            format!("The case {} has ended or is blocked", s.case_id),
        ));
    }
    let done = |task: &Task, person: Option<&Actor>, exit: &str, cause: &mut Cause| {
        cause.completed = Some(task.id.clone());
        Entry::Done {
            task: task.id.clone(),
            person: person.map(|a| a.person.trim().to_string()),
            role: person.and(task.role.clone()),
            exit: exit.to_string(),
            on: now,
            fields: BTreeMap::new(),
        }
    };
    match event {
        Event::TaskCompleted {
            task,
            by,
            exit,
            fields,
        } => {
            let t = open(s, task)?;
            person_rules(w, t, by)?;
            exit_fits(t, exit, now)?;
            let mut entry = done(t, Some(by), exit, cause);
            if !fields.is_empty() {
                let mut all = s.current_fields();
                all.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                derive::case_of(w, s, &all)?;
                if let Entry::Done { fields: f, .. } = &mut entry {
                    f.clone_from(fields);
                }
            }
            Ok(entry)
        }
        Event::CoSigned { task, by, approve } => {
            let t = of_kind(open(s, task)?, TaskKind::CoSign)?;
            person_rules(w, t, by)?;
            Ok(done(
                t,
                Some(by),
                if *approve { "approve" } else { "veto" },
                cause,
            ))
        }
        Event::QuerySent { task } => {
            let t = of_kind(open(s, task)?, TaskKind::Query)?;
            if s.log
                .iter()
                .any(|e| matches!(e, Entry::Sent { task, .. } if *task == t.id))
            {
                return Err(refusal(
                    RefusalCode::AlreadySent,
                    format!("Die Rückfrage „{}“ ist schon versandt", t.id),
                    format!("The query {:?} was already sent", t.id),
                ));
            }
            Ok(Entry::Sent {
                task: t.id.clone(),
                on: now,
            })
        }
        Event::QueryAnswered { task } => {
            let t = of_kind(open(s, task)?, TaskKind::Query)?;
            Ok(done(t, None, "reply", cause))
        }
        Event::PaymentReceived { task } => {
            let t = of_kind(open(s, task)?, TaskKind::Payment)?;
            Ok(done(t, None, "bezahlt", cause))
        }
        Event::NoticeDelivered { task } => {
            let t = of_kind(open(s, task)?, TaskKind::Notice)?;
            Ok(done(t, None, "zugestellt", cause))
        }
        Event::QueryTimedOut { task } => {
            let t = of_kind(open(s, task)?, TaskKind::Query)?;
            let timer = s
                .timers
                .iter()
                .find(|x| x.kind == TimerKind::Antwortfrist && x.task.as_deref() == Some(&t.id))
                .map(|x| x.id.clone())
                .unwrap_or_default();
            fire(s, &timer, now, cause)
        }
        Event::TimerDue { timer } => fire(s, timer, now, cause),
    }
}

fn fire(s: &State, id: &str, now: Date, cause: &mut Cause) -> Result<Entry, Refusal> {
    let Some(t) = s.timer(id) else {
        return Err(refusal(
            RefusalCode::TimerNotPending,
            format!("Die Frist „{id}“ läuft nicht (abgelaufen, entfallen oder unbekannt)"),
            format!("The timer {id:?} is not pending (fired, cancelled or unknown)"),
        ));
    };
    if t.due > now {
        return Err(refusal(
            RefusalCode::TimerNotDue,
            format!("Die Frist „{id}“ endet erst am {}", t.due),
            format!("The timer {id:?} is only due on {}", t.due),
        ));
    }
    cause.fired.push(t.clone());
    Ok(Entry::Fired {
        timer: t.id.clone(),
        on: now,
    })
}

pub(super) fn open<'s>(s: &'s State, id: &str) -> Result<&'s Task, Refusal> {
    s.task(id).ok_or_else(|| {
        refusal(
            RefusalCode::TaskNotOpen,
            format!("Die Aufgabe „{id}“ ist nicht offen (erledigt, entfallen oder unbekannt)"),
            format!("The task {id:?} is not open (completed, cancelled or unknown)"),
        )
    })
}

fn of_kind(t: &Task, kind: TaskKind) -> Result<&Task, Refusal> {
    if t.kind == kind {
        return Ok(t);
    }
    Err(refusal(
        RefusalCode::WrongTask,
        format!(
            "Dieses Ereignis passt nicht zur Aufgabe „{}“ ({})",
            t.id, t.label
        ),
        format!("This event does not fit the task {:?} ({})", t.id, t.label),
    ))
}

fn exit_fits(t: &Task, exit: &str, now: Date) -> Result<(), Refusal> {
    if !t.exits.iter().any(|x| x == exit) {
        return Err(refusal(
            RefusalCode::UnknownExit,
            format!(
                "„{exit}“ ist kein Ausgang von „{}“ (möglich: {})",
                t.label,
                t.exits.join(", ")
            ),
            format!(
                "{exit:?} is not an exit of {:?} (possible: {})",
                t.label,
                t.exits.join(", ")
            ),
        ));
    }
    if let (true, Some(due)) = (t.kind.deadline_exit(exit), t.due) {
        if now < due {
            return Err(refusal(
                RefusalCode::DeadlineNotReached,
                format!("„{}“: „{exit}“ erst nach Fristende am {due}", t.label),
                format!("{:?}: {exit:?} only after the deadline on {due}", t.label),
            ));
        }
    }
    Ok(())
}

/// Role, fixed persons, Vier-Augen / distinctFrom / initiator, personal signing limit.
pub(super) fn person_rules(w: &Workflow, t: &Task, by: &Actor) -> Result<(), Refusal> {
    let p = by.person.trim();
    let label = &t.label;
    if p.is_empty() || p == UNASSIGNED {
        return Err(refusal(
            RefusalCode::InvalidInput,
            format!("„{p}“ ist kein Personenname"),
            format!("{p:?} is not a person's name"),
        ));
    }
    if let Some(r) = &t.role {
        if !by.roles.contains(r) {
            let name = w.role(r).map_or(r.0.clone(), |x| x.name.clone());
            return Err(refusal(
                RefusalCode::NotInRole,
                format!("{p} darf „{label}“ nicht übernehmen: nicht in der Rolle „{name}“"),
                format!("{p} may not take {label:?}: does not hold the role {name:?}"),
            ));
        }
    } else if !t.persons.is_empty() && !t.persons.iter().any(|x| x == p) {
        let who = t.persons.join(", ");
        return Err(refusal(
            RefusalCode::NotInRole,
            format!("{p} darf „{label}“ nicht übernehmen: zuständig ist {who}"),
            format!("{p} may not take {label:?}: it is assigned to {who}"),
        ));
    }
    if let Some(rule) = t.excluded.iter().find(|x| x.person == p) {
        return Err(refusal(
            rule.code.into(),
            format!("{p} darf „{label}“ nicht übernehmen: {}", rule.reason_de),
            format!("{p} may not take {label:?}: {}", rule.reason_en),
        ));
    }
    if let (Some(min), Some(limit)) = (t.min_signing_limit, by.signing_limit) {
        if limit < min {
            return Err(refusal(
                RefusalCode::SigningLimit,
                format!(
                    "Zeichnungsbefugnis {} reicht für {} nicht ({p}, „{label}“)",
                    limit.to_german(),
                    min.to_german()
                ),
                format!(
                    "Signing authority {} does not cover {} ({p}, {label:?})",
                    limit.to_english(),
                    min.to_english()
                ),
            ));
        }
    }
    Ok(())
}
