//! Drives a case through the engine as a real runtime would: whatever task is open is
//! completed with the person, exit and date the Probelauf's [`ScriptedDecisions`] choose for
//! it; due timers fire; events happen in date order (on the same day a refused claim first —
//! the Probelauf chooses every parallel participant's person as the participations open —
//! then completions, then timers, as the Probelauf counts them).
#![allow(dead_code, clippy::unwrap_used)]

pub mod blocks;

use fachwerk_shared::engine::*;
use fachwerk_shared::model::*;
use fachwerk_shared::simulate::calendar::add_days;
use fachwerk_shared::simulate::{ActorSlot, Case, Decisions, ScriptedDecisions, Vote};
use fachwerk_shared::values::Date;

/// Where the drive stopped.
pub struct Driven {
    pub state: State,
    /// The event the engine refused (the Probelauf refuses the same person).
    pub refused: Option<Refusal>,
    /// Every effect, in order.
    pub effects: Vec<Effect>,
}

pub fn actor(person: &str, roles: &[&str]) -> Actor {
    Actor {
        person: person.to_string(),
        roles: roles.iter().map(|r| RoleId::new(*r)).collect(),
        signing_limit: None,
    }
}

/// The roles a person holds in the checked case.
fn roles_of(case: &Case, person: &str) -> Vec<RoleId> {
    case.persons
        .iter()
        .filter(|(_, ps)| ps.iter().any(|p| p == person))
        .map(|(r, _)| r.clone())
        .collect()
}

/// Splits `block#2@3` into block, slot and visit.
fn parse_task(id: &str) -> (String, ActorSlot, u32) {
    let (key, visit) = id.rsplit_once('@').unwrap();
    let (block, slot) = ActorSlot::parse_key(key);
    (block.to_string(), slot, visit.parse().unwrap())
}

/// Same-day order of the driver's events.
const REFUSED_CLAIM: u8 = 0;
const COMPLETION: u8 = 1;
const TIMER: u8 = 2;

/// The scripted event for an open task, with its day and same-day order; `None`: nothing
/// happens (nobody takes it, or only its deadline timer ends it).
fn planned(
    w: &Workflow,
    case: &Case,
    d: &mut ScriptedDecisions,
    t: &Task,
    cosign_events: bool,
) -> Option<(Date, u8, Event)> {
    let (block, slot, visit) = parse_task(&t.id);
    let b = w.block(&BlockId::new(block.as_str())).unwrap();
    let id = t.id.clone();
    let within = |date: Date| t.due.is_none_or(|due| date <= due);
    match t.kind {
        TaskKind::Query => {
            let date = add_days(t.opened, i64::from(d.reply(b, visit)?));
            within(date).then_some((date, COMPLETION, Event::QueryAnswered { task: id }))
        }
        TaskKind::Notice => {
            let days = match (&b.kind, d.delivery(b, visit)) {
                (BlockKind::Bescheid(p), None)
                    if p.channel == BescheidChannel::FoermlicheZustellung =>
                {
                    1
                }
                (_, days) => days?,
            };
            let date = add_days(t.opened, i64::from(days));
            within(date).then_some((date, COMPLETION, Event::NoticeDelivered { task: id }))
        }
        TaskKind::Payment => {
            let date = add_days(t.opened, i64::from(d.payment(b, visit)?));
            within(date).then_some((date, COMPLETION, Event::PaymentReceived { task: id }))
        }
        TaskKind::Filing => {
            let exit = d.outcome(b, visit, &t.exits);
            let person = t
                .role
                .as_ref()
                .and_then(|r| case.persons.get(r))
                .and_then(|ps| ps.first().cloned())
                .unwrap_or_else(|| "Registratur".into());
            let by = Actor {
                roles: roles_of(case, &person),
                person,
                signing_limit: None,
            };
            Some((
                t.opened,
                COMPLETION,
                Event::TaskCompleted {
                    task: id,
                    by,
                    exit,
                    fields: Default::default(),
                },
            ))
        }
        _ => {
            let cands: Vec<String> = match &t.role {
                Some(r) => case.persons.get(r).cloned().unwrap_or_default(),
                None => t.persons.clone(),
            };
            let eligible: Vec<String> = cands
                .iter()
                .filter(|c| !t.excluded.iter().any(|x| &x.person == *c))
                .cloned()
                .collect();
            let person = d.actor(b, slot, &cands, &eligible)?;
            let participant = match slot {
                ActorSlot::Participant(i) => Some(i),
                _ => None,
            };
            let (_, mut date) = d.task_end(b, visit, participant, t.opened, case.land);
            // A person the rules refuse is refused when claiming the task, as it opens (the
            // Probelauf refuses at assignment, before an escalation could take the task away).
            let role_limit = t
                .role
                .as_ref()
                .and_then(|r| w.role(r))
                .and_then(|r| r.signing_limit);
            let over_limit = match (&b.kind, role_limit) {
                (BlockKind::Schlusszeichnung(p), Some(limit)) if p.amount_field.is_some() => {
                    t.min_signing_limit.is_none_or(|m| m > limit)
                }
                _ => false,
            };
            let refused = !eligible.contains(&person) || over_limit;
            if refused {
                date = t.opened;
            }
            let by = Actor {
                roles: roles_of(case, &person),
                person,
                signing_limit: None,
            };
            let event = match (t.kind, participant) {
                (TaskKind::CoSign, Some(i)) => {
                    let approve = d.vote(b, visit, i) == Vote::Approve;
                    if cosign_events {
                        Event::CoSigned {
                            task: id,
                            by,
                            approve,
                        }
                    } else {
                        let exit = if approve { "approve" } else { "veto" }.to_string();
                        Event::TaskCompleted {
                            task: id,
                            by,
                            exit,
                            fields: Default::default(),
                        }
                    }
                }
                (TaskKind::FirstCheck, _) => Event::TaskCompleted {
                    task: id,
                    by,
                    exit: "ok".into(),
                    fields: Default::default(),
                },
                _ => Event::TaskCompleted {
                    task: id,
                    by,
                    exit: d.outcome(b, visit, &t.exits),
                    fields: Default::default(),
                },
            };
            let order = if refused { REFUSED_CLAIM } else { COMPLETION };
            Some((date, order, event))
        }
    }
}

/// Starts and drives the case `input` through `w` until it ends, is blocked, refused or
/// nothing more happens. `None` if the input does not fit the workflow.
pub fn drive(w: &Workflow, input: &CaseInput, cosign_events: bool) -> Option<Driven> {
    let case = input.check(w).ok()?;
    let mut d = ScriptedDecisions::new(input);
    let start_data = CaseStart {
        case_id: case.case_id.clone(),
        initiator: Some(case.initiator.clone()),
        fields: input.fields.clone(),
    };
    let (mut state, mut effects) = match start(w, &start_data, case.start, case.land) {
        Ok(x) => x,
        Err(r) => {
            panic!("start refused: {r}");
        }
    };
    for _ in 0..5_000 {
        if state.status != Status::Running {
            break;
        }
        let mut next: Option<(Date, u8, Event)> = None;
        let mut consider = |date: Date, prio: u8, e: Event| {
            if next
                .as_ref()
                .is_none_or(|(d0, p0, _)| (date, prio) < (*d0, *p0))
            {
                next = Some((date, prio, e));
            }
        };
        for t in &state.tasks {
            if let Some((date, order, e)) = planned(w, &case, &mut d, t, cosign_events) {
                consider(date, order, e);
            }
        }
        for t in &state.timers {
            consider(
                t.due,
                TIMER,
                Event::TimerDue {
                    timer: t.id.clone(),
                },
            );
        }
        let Some((date, _, event)) = next else {
            break;
        };
        match step(w, &state, &event, date) {
            Ok((s, e)) => {
                // History is never rewritten: the route only grows, the log only appends.
                assert!(
                    s.route.starts_with(&state.route) && s.log.starts_with(&state.log),
                    "{event:?} on {date} rewrote the route: {:?} → {:?}",
                    state.route_blocks(),
                    s.route_blocks()
                );
                state = s;
                effects.extend(e);
            }
            Err(r) => {
                return Some(Driven {
                    state,
                    refused: Some(r),
                    effects,
                })
            }
        }
    }
    Some(Driven {
        state,
        refused: None,
        effects,
    })
}
