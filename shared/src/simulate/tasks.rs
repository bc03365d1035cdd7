//! Human tasks: who acts (person rules), how long it takes, escalations, and the Geschäftsgang
//! record of Sachbearbeitung, Vier-Augen-Prüfung, Mitzeichnung and Schlusszeichnung.

use super::calendar::{self, add_working_days, de};
use super::decisions::{ActorSlot, Decisions, Vote};
use super::engine::{blocked, Exit, Flow, Run};
use super::text::{days_de, days_en, money_de, money_en, port_de, port_en};
use super::{BlockedCode, GeschaeftsgangEntry, GgStatus, Outcome, RefusedCode, Step};
use crate::expr::{self, Date, Value};
use crate::model::*;
use crate::values::Money;

/// The person acting and the role they act in (none for fixed persons and the initiator).
#[derive(Debug, Clone)]
pub(super) struct Actor {
    pub person: String,
    pub role: Option<RoleId>,
}

/// Why a person may not act.
#[derive(Debug, Clone)]
pub(super) enum Exclusion {
    /// Did the first check (label of the block or "Erstprüfung").
    FirstCheck(String),
    /// Performed this `distinctFrom` block.
    DistinctFrom(String),
    Initiator,
}

impl Exclusion {
    fn code(&self) -> RefusedCode {
        match self {
            Exclusion::FirstCheck(_) => RefusedCode::SameAsFirstCheck,
            Exclusion::DistinctFrom(_) => RefusedCode::DistinctFrom,
            Exclusion::Initiator => RefusedCode::Initiator,
        }
    }

    fn reason(&self) -> (String, String) {
        match self {
            Exclusion::FirstCheck(l) => (
                format!("dieselbe Person hat bereits die Erstprüfung („{l}“) erledigt – Vier-Augen-Prinzip"),
                format!("the same person already did the first check ({l:?}) – four-eyes principle"),
            ),
            Exclusion::DistinctFrom(l) => (
                format!("dieselbe Person hat „{l}“ bearbeitet; das muss eine andere Person übernehmen"),
                format!("the same person performed {l:?}; another person must do this"),
            ),
            Exclusion::Initiator => (
                "wer den Fall angestoßen hat, darf ihn nicht selbst prüfen oder zeichnen".to_string(),
                "whoever started the case may not check or sign it".to_string(),
            ),
        }
    }
}

/// Escalations that fire while a task runs.
pub(super) struct EscPlan<'a> {
    /// Non-interrupting escalations with their firing date, in order.
    pub notify: Vec<(&'a Block, &'a EskalationParams, Date)>,
    /// The interrupting escalation that takes the task away, if it fires first.
    pub interrupt: Option<(&'a Block, &'a EskalationParams, Date)>,
}

impl<'a, D: Decisions> Run<'a, D> {
    /// The persons an assignee stands for, with the role if it is a role.
    pub(super) fn candidates(
        &self,
        b: &Block,
        a: Option<&Assignee>,
    ) -> Result<(Vec<String>, Option<RoleId>), Outcome> {
        let label = self.w.block_label(&b.id);
        let missing = || {
            blocked(
                &b.id,
                BlockedCode::InvalidBlock,
                format!("„{label}“: niemand ist zuständig (keine Rolle oder Person festgelegt)"),
                format!("{label:?}: nobody is assigned (no role or person set)"),
            )
        };
        match a {
            None => Err(missing()),
            Some(Assignee::Role(r)) => match self.case.persons.get(r) {
                Some(people) if self.w.role(r).is_some() => Ok((people.clone(), Some(r.clone()))),
                _ => Err(blocked(
                    &b.id,
                    BlockedCode::UnknownRole,
                    format!("„{label}“: die Rolle „{r}“ ist im Ablauf nicht deklariert"),
                    format!("{label:?}: the role {r:?} is not declared by the workflow"),
                )),
            },
            Some(Assignee::Person(p)) if !p.trim().is_empty() => {
                Ok((vec![p.trim().to_string()], None))
            }
            Some(Assignee::Person(_)) => Err(missing()),
            Some(Assignee::Initiator) => Ok((vec![self.case.initiator.clone()], None)),
            Some(Assignee::Expression(x)) => {
                let e = expr::parse(x).map_err(|_| missing())?;
                match expr::eval(&e, &|f| self.case.lookup(f)) {
                    Ok(Value::Text(t)) if !t.trim().is_empty() => {
                        Ok((vec![t.trim().to_string()], None))
                    }
                    Ok(Value::Null) => Err(blocked(
                        &b.id,
                        BlockedCode::MissingValue,
                        format!("„{label}“: der Ausdruck „{x}“ ergibt in diesem Fall keine Person"),
                        format!("{label:?}: the expression {x:?} yields no person in this case"),
                    )),
                    _ => Err(missing()),
                }
            }
        }
    }

    /// Chooses the person for `slot` under the exclusions; refuses a forced ineligible person.
    pub(super) fn choose(
        &mut self,
        b: &Block,
        slot: ActorSlot,
        a: Option<&Assignee>,
        excluded: &[(String, Exclusion)],
    ) -> Result<Actor, Outcome> {
        let (cands, role) = self.candidates(b, a)?;
        let eligible: Vec<String> = cands
            .iter()
            .filter(|c| !excluded.iter().any(|(p, _)| p == *c))
            .cloned()
            .collect();
        let label = self.w.block_label(&b.id);
        let Some(person) = self.d.actor(b, slot, &cands, &eligible) else {
            let why: Vec<(String, String)> = cands
                .iter()
                .map(|c| match excluded.iter().find(|(p, _)| p == c) {
                    Some((_, x)) => {
                        let (de_r, en_r) = x.reason();
                        (format!("{c}: {de_r}"), format!("{c}: {en_r}"))
                    }
                    None => (
                        format!("{c}: übernimmt nicht"),
                        format!("{c}: does not take it"),
                    ),
                })
                .collect();
            return Err(blocked(
                &b.id,
                BlockedCode::NoEligiblePerson,
                format!(
                    "Niemand darf „{label}“ übernehmen ({})",
                    why.iter()
                        .map(|w| w.0.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                format!(
                    "Nobody may take {label:?} ({})",
                    why.iter()
                        .map(|w| w.1.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ));
        };
        if !cands.contains(&person) {
            let role_name = role
                .as_ref()
                .and_then(|r| self.w.role(r))
                .map_or_else(|| "zuständig".to_string(), |r| r.name.clone());
            return Err(Outcome::Refused {
                block: b.id.clone(),
                code: RefusedCode::NotInRole,
                message_de: format!("{person} darf „{label}“ nicht übernehmen: nicht in der Rolle „{role_name}“ (laut Fall: {})", cands.join(", ")),
                message_en: format!("{person} may not take {label:?}: does not hold the role {role_name:?} (per case: {})", cands.join(", ")),
            });
        }
        if let Some((_, x)) = excluded.iter().find(|(p, _)| *p == person) {
            let (de_r, en_r) = x.reason();
            return Err(Outcome::Refused {
                block: b.id.clone(),
                code: x.code(),
                message_de: format!("{person} darf „{label}“ nicht übernehmen: {de_r}"),
                message_en: format!("{person} may not take {label:?}: {en_r}"),
            });
        }
        Ok(Actor { person, role })
    }

    pub(super) fn performed(&mut self, b: &Block, person: &str) {
        for list in [
            self.performers.entry(b.id.clone()).or_default(),
            self.last_performers.entry(b.id.clone()).or_default(),
        ] {
            if !list.iter().any(|p| p == person) {
                list.push(person.to_string());
            }
        }
    }

    pub(super) fn role_name(&self, r: &Option<RoleId>) -> Option<String> {
        r.as_ref()
            .and_then(|r| self.w.role(r))
            .map(|r| r.name.clone())
    }

    pub(super) fn with_actor(&self, mut s: Step, a: &Actor) -> Step {
        s.person = Some(a.person.clone());
        s.role_name = self.role_name(&a.role);
        s.role = a.role.clone();
        s
    }

    /// "Frau Meier (Sachbearbeitung)".
    pub(super) fn who(&self, a: &Actor) -> String {
        match self.role_name(&a.role) {
            Some(r) => format!("{} ({r})", a.person),
            None => a.person.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn record(
        &mut self,
        b: &Block,
        verfuegung: String,
        a: Option<&Actor>,
        status: GgStatus,
        decision: Option<&str>,
        vermerk: String,
        assigned: Date,
        due: Option<Date>,
        done: Option<Date>,
    ) {
        let role = a.and_then(|a| a.role.clone());
        let org_unit = role
            .as_ref()
            .and_then(|r| self.w.role(r))
            .and_then(|r| r.org_unit.clone());
        self.gg.push(GeschaeftsgangEntry {
            number: u32::try_from(self.gg.len() + 1).unwrap_or(u32::MAX),
            block: b.id.clone(),
            label: self.w.block_label(&b.id),
            verfuegung,
            person: a.map(|a| a.person.clone()),
            role_name: self.role_name(&role),
            role,
            org_unit,
            status,
            decision: decision.map(str::to_string),
            vermerk,
            assigned,
            due,
            done,
        });
    }

    /// Working days of a task (part) and its end.
    pub(super) fn work(
        &mut self,
        b: &Block,
        visit: u32,
        part: Option<usize>,
        from: Date,
    ) -> (u32, Date) {
        let days = self.d.working_days(b, visit, part);
        (days, add_working_days(from, days, self.case.land))
    }

    pub(super) fn escalation_plan(
        &self,
        task: &Block,
        entered: Date,
        done: Date,
    ) -> Result<EscPlan<'a>, Outcome> {
        let mut fired = Vec::new();
        for e in &self.w.blocks {
            let BlockKind::Eskalation(p) = &e.kind else {
                continue;
            };
            if p.attached_to.as_ref() != Some(&task.id) {
                continue;
            }
            let parts = self.duration(e, p.after.as_ref(), "after")?;
            let fire = calendar::end_of(entered, &parts, Calendar::Kalendertage, self.case.land);
            if fire < done {
                fired.push((e, p, fire));
            }
        }
        fired.sort_by_key(|(_, p, fire)| (*fire, p.interrupting));
        let interrupt = fired.iter().find(|(_, p, _)| p.interrupting).copied();
        let notify = fired
            .into_iter()
            .filter(|(_, p, fire)| {
                !p.interrupting && interrupt.is_none_or(|(_, _, cut)| *fire <= cut)
            })
            .collect();
        Ok(EscPlan { notify, interrupt })
    }

    /// Pushes the step of an escalation that fired; returns its index.
    pub(super) fn push_escalation(
        &mut self,
        task: &Block,
        entered: Date,
        e: &Block,
        p: &EskalationParams,
        fire: Date,
    ) -> usize {
        let visit = self.visit(&e.id);
        let mut s = self.new_step(e, visit);
        s.entered = fire;
        s.completed = fire;
        let target = self.candidates(e, p.escalate_to.as_ref()).ok();
        if let Some((people, role)) = target {
            s.person = people.first().cloned();
            s.role_name = self.role_name(&role);
            s.role = role;
        }
        let to = match (&s.person, &s.role_name) {
            (Some(p), Some(r)) => format!("{p} ({r})"),
            (Some(p), None) => p.clone(),
            _ => "–".to_string(),
        };
        let after = p
            .after
            .as_ref()
            .map_or((String::new(), String::new()), |a| {
                (a.to_german(), a.to_english())
            });
        let task_label = self.w.block_label(&task.id);
        s.decision.explanation_de = format!(
            "„{task_label}“ dauert seit {} länger als {}: ",
            de(entered),
            after.0
        );
        s.decision.explanation_en = format!(
            "{task_label:?} has been open since {entered} for longer than {}: ",
            after.1
        );
        if p.interrupting {
            s.decision.port = Some("escalated".into());
            s.decision
                .explanation_de
                .push_str(&format!("Aufgabe entzogen, weiter mit {to}"));
            s.decision
                .explanation_en
                .push_str(&format!("task taken away, continues with {to}"));
        } else {
            s.decision.explanation_de.push_str(&format!(
                "{to} wird benachrichtigt, die Aufgabe bleibt offen"
            ));
            s.decision
                .explanation_en
                .push_str(&format!("{to} is notified, the task stays open"));
        }
        self.steps.push(s);
        self.steps.len() - 1
    }

    /// Finishes a human task step that ran from `s.entered` to `s.completed`: either an
    /// interrupting escalation takes it away (exit through the Eskalation) or it leaves via
    /// `port`. Non-interrupting escalations that fired are recorded after the task step.
    pub(super) fn finish(
        &mut self,
        task: &Block,
        mut s: Step,
        plan: EscPlan<'a>,
        port: Option<String>,
        de_t: String,
        en_t: String,
    ) -> Flow {
        let entered = s.entered;
        let task_idx = self.steps.len();
        if let Some((e, p, cut)) = plan.interrupt {
            s.completed = cut;
            s.decision.explanation_de = format!(
                "{de_t}; am {} durch Eskalation „{}“ entzogen",
                de(cut),
                self.w.block_label(&e.id)
            );
            s.decision.explanation_en = format!(
                "{en_t}; taken away on {cut} by escalation {:?}",
                self.w.block_label(&e.id)
            );
            self.steps.push(s);
            for (ne, np, fire) in &plan.notify {
                self.push_escalation(task, entered, ne, np, *fire);
            }
            let idx = self.push_escalation(task, entered, e, p, cut);
            self.now = cut;
            return Ok(Exit {
                from: e.id.clone(),
                port: "escalated".into(),
                step: idx,
            });
        }
        let port = port.unwrap_or_default();
        s.decision.port = Some(port.clone());
        s.decision.explanation_de = de_t;
        s.decision.explanation_en = en_t;
        self.now = s.completed;
        self.steps.push(s);
        for (ne, np, fire) in &plan.notify {
            self.push_escalation(task, entered, ne, np, *fire);
        }
        Ok(Exit {
            from: task.id.clone(),
            port,
            step: task_idx,
        })
    }

    /// The port a person decides, which must be one of `ports`.
    pub(super) fn decide(
        &mut self,
        b: &Block,
        visit: u32,
        ports: &[String],
    ) -> Result<String, Outcome> {
        let port = self.d.outcome(b, visit, ports);
        if ports.contains(&port) {
            return Ok(port);
        }
        Err(blocked(
            &b.id,
            BlockedCode::InvalidInput,
            format!(
                "Entscheidung „{port}“ ist kein Ausgang von „{}“ (möglich: {})",
                self.w.block_label(&b.id),
                ports.join(", ")
            ),
            format!(
                "Decision {port:?} is not an exit of {:?} (possible: {})",
                self.w.block_label(&b.id),
                ports.join(", ")
            ),
        ))
    }

    pub(super) fn due(
        &self,
        b: &Block,
        d: Option<&crate::values::Duration>,
        from: Date,
    ) -> Result<Option<calendar::Deadline>, Outcome> {
        match d {
            None => Ok(None),
            Some(d) => {
                let parts = self.duration(b, Some(d), "dueIn")?;
                Ok(Some(calendar::deadline(
                    from,
                    &parts,
                    Calendar::Kalendertage,
                    self.case.land,
                )))
            }
        }
    }

    pub(super) fn due_text(due: &Option<calendar::Deadline>, done: Date) -> (String, String) {
        match due {
            None => (String::new(), String::new()),
            Some(dl) => {
                let late = done > dl.date;
                (
                    format!(
                        "; Frist bis {}{}{}",
                        de(dl.date),
                        dl.note_de(),
                        if late { " – überschritten" } else { "" }
                    ),
                    format!(
                        "; due {}{}{}",
                        dl.date,
                        dl.note_en(),
                        if late { " – overdue" } else { "" }
                    ),
                )
            }
        }
    }

    // --- blocks -------------------------------------------------------------------------------

    pub(super) fn sachbearbeitung(
        &mut self,
        b: &'a Block,
        visit: u32,
        p: &SachbearbeitungParams,
    ) -> Flow {
        self.last_performers.insert(b.id.clone(), Vec::new());
        let actor = self.choose(b, ActorSlot::Task, p.assignee.as_ref(), &[])?;
        self.performed(b, &actor.person);
        let entered = self.now;
        let (days, done) = self.work(b, visit, None, entered);
        let due = self.due(b, p.due_in.as_ref(), entered)?;
        let plan = self.escalation_plan(b, entered, done)?;
        let mut s = self.with_actor(self.new_step(b, visit), &actor);
        s.completed = done;
        s.due = due.as_ref().map(|d| d.date);
        let verf = format!("zur Bearbeitung: {}", self.w.block_label(&b.id));
        let who = self.who(&actor);
        if plan.interrupt.is_some() {
            let cut = plan.interrupt.map_or(done, |x| x.2);
            self.record(
                b,
                verf,
                Some(&actor),
                GgStatus::Entfallen,
                None,
                "Aufgabe entzogen (Eskalation)".into(),
                entered,
                s.due,
                Some(cut),
            );
            let (dd, de_) = Self::due_text(&due, cut);
            return self.finish(
                b,
                s,
                plan,
                None,
                format!("{who} bearbeitet ab {}{dd}", de(entered)),
                format!("{who} works on it from {entered}{de_}"),
            );
        }
        let ports: Vec<String> = p.outcomes.clone();
        let port = self.decide(b, visit, &ports)?;
        self.record(
            b,
            verf,
            Some(&actor),
            GgStatus::Erledigt,
            Some(&port),
            format!("erledigt: {}", port_de(&port)),
            entered,
            s.due,
            Some(done),
        );
        let (dd, den) = Self::due_text(&due, done);
        let de_t = format!(
            "{who} entscheidet nach {} am {}: „{}“{dd}",
            days_de(days),
            de(done),
            port_de(&port)
        );
        let en_t = format!(
            "{who} decides after {} on {done}: {:?}{den}",
            days_en(days),
            port_en(&port)
        );
        self.finish(b, s, plan, Some(port), de_t, en_t)
    }

    pub(super) fn vier_augen(&mut self, b: &'a Block, visit: u32, p: &VierAugenParams) -> Flow {
        let entered = self.now;
        let mut start_second = entered;
        let (first_people, first_label) = if let Some(fb) = &p.first_check_block {
            (
                self.last_performers.get(fb).cloned().unwrap_or_default(),
                self.w.block_label(fb),
            )
        } else if p.first_check.is_some() {
            self.last_performers.insert(b.id.clone(), Vec::new());
            let a1 = self.choose(b, ActorSlot::FirstCheck, p.first_check.as_ref(), &[])?;
            self.performed(b, &a1.person);
            let (_, done1) = self.work(b, visit, None, entered);
            let verf = format!("zur Prüfung (Erstprüfung): {}", self.w.block_label(&b.id));
            self.record(
                b,
                verf,
                Some(&a1),
                GgStatus::Erledigt,
                Some("ok"),
                "Erstprüfung erledigt".into(),
                entered,
                None,
                Some(done1),
            );
            start_second = done1;
            (vec![a1.person], "Erstprüfung".to_string())
        } else {
            (Vec::new(), String::new())
        };
        if p.first_check_block.is_some() || p.first_check.is_none() {
            self.last_performers.insert(b.id.clone(), Vec::new());
        }
        let mut excluded: Vec<(String, Exclusion)> = first_people
            .iter()
            .map(|x| (x.clone(), Exclusion::FirstCheck(first_label.clone())))
            .collect();
        for db in &p.distinct_from {
            for x in self.performers.get(db).cloned().unwrap_or_default() {
                excluded.push((x, Exclusion::DistinctFrom(self.w.block_label(db))));
            }
        }
        if p.exclude_initiator {
            excluded.push((self.case.initiator.clone(), Exclusion::Initiator));
        }
        let actor = self.choose(b, ActorSlot::Task, p.second_check.as_ref(), &excluded)?;
        self.performed(b, &actor.person);
        let (days, done) = self.work(b, visit, None, start_second);
        let plan = self.escalation_plan(b, entered, done)?;
        let mut s = self.with_actor(self.new_step(b, visit), &actor);
        s.completed = done;
        let verf = format!("zur Prüfung und Freigabe: {}", self.w.block_label(&b.id));
        let first = if first_people.is_empty() {
            "–".to_string()
        } else {
            first_people.join(", ")
        };
        let who = self.who(&actor);
        let (ctx_de, ctx_en) = (
            format!("{who} prüft als zweite Person (Erstprüfung: {first})"),
            format!("{who} checks as the second person (first check: {first})"),
        );
        if let Some((_, _, cut)) = plan.interrupt {
            self.record(
                b,
                verf,
                Some(&actor),
                GgStatus::Entfallen,
                None,
                "Aufgabe entzogen (Eskalation)".into(),
                start_second,
                None,
                Some(cut),
            );
            return self.finish(b, s, plan, None, ctx_de, ctx_en);
        }
        let port = self.decide(b, visit, &["ok".to_string(), "reject".to_string()])?;
        let vermerk = if port == "ok" {
            "geprüft und freigegeben (Vier-Augen-Prinzip)"
        } else {
            "Prüfung: zurückgewiesen"
        };
        self.record(
            b,
            verf,
            Some(&actor),
            GgStatus::Erledigt,
            Some(&port),
            vermerk.into(),
            start_second,
            None,
            Some(done),
        );
        let de_t = format!(
            "{ctx_de} nach {} am {}: „{}“",
            days_de(days),
            de(done),
            port_de(&port)
        );
        let en_t = format!(
            "{ctx_en} after {} on {done}: {:?}",
            days_en(days),
            port_en(&port)
        );
        self.finish(b, s, plan, Some(port), de_t, en_t)
    }

    pub(super) fn schlusszeichnung(
        &mut self,
        b: &'a Block,
        visit: u32,
        p: &SchlusszeichnungParams,
    ) -> Flow {
        self.last_performers.insert(b.id.clone(), Vec::new());
        let excluded = vec![(self.case.initiator.clone(), Exclusion::Initiator)];
        let actor = self.choose(b, ActorSlot::Task, p.signer.as_ref(), &excluded)?;
        let label = self.w.block_label(&b.id);
        let mut limit_de = String::new();
        let mut limit_en = String::new();
        let limit = actor
            .role
            .as_ref()
            .and_then(|r| self.w.role(r))
            .and_then(|r| r.signing_limit.map(|l| (l, r.name.clone())));
        if let (Some(field), Some((limit, role_name))) = (&p.amount_field, limit) {
            if self
                .w
                .field(field)
                .is_none_or(|f| f.field_type != FieldType::Money)
            {
                return Err(blocked(
                    &b.id,
                    BlockedCode::InvalidBlock,
                    format!("„{label}“: „{field}“ ist kein deklariertes Betragsfeld"),
                    format!("{label:?}: {field:?} is not a declared money field"),
                ));
            }
            let amount = match self.case.value(field) {
                Value::Number(n) => n.to_money().unwrap_or(Money(i64::MAX)),
                _ => {
                    return Err(Outcome::Refused {
                        block: b.id.clone(),
                        code: RefusedCode::SigningLimit,
                        message_de: format!("„{label}“: der Betrag im Feld „{field}“ fehlt; die Zeichnungsbefugnis von {} lässt sich nicht prüfen", actor.person),
                        message_en: format!("{label:?}: the amount in field {field:?} is missing; {}'s signing authority cannot be checked", actor.person),
                    })
                }
            };
            if amount > limit {
                return Err(Outcome::Refused {
                    block: b.id.clone(),
                    code: RefusedCode::SigningLimit,
                    message_de: format!(
                        "Zeichnungsbefugnis {} reicht für {} nicht ({}, Rolle „{role_name}“, Feld {field})",
                        money_de(limit),
                        money_de(amount),
                        actor.person
                    ),
                    message_en: format!(
                        "Signing authority {} does not cover {} ({}, role {role_name:?}, field {field})",
                        money_en(limit),
                        money_en(amount),
                        actor.person
                    ),
                });
            }
            limit_de = format!(
                "; Zeichnungsbefugnis {} deckt {}",
                money_de(limit),
                money_de(amount)
            );
            limit_en = format!(
                "; signing authority {} covers {}",
                money_en(limit),
                money_en(amount)
            );
        }
        self.performed(b, &actor.person);
        let entered = self.now;
        let (days, done) = self.work(b, visit, None, entered);
        let plan = self.escalation_plan(b, entered, done)?;
        let mut s = self.with_actor(self.new_step(b, visit), &actor);
        s.completed = done;
        let verf = format!("zur Schlusszeichnung: {label}");
        let who = self.who(&actor);
        if let Some((_, _, cut)) = plan.interrupt {
            self.record(
                b,
                verf,
                Some(&actor),
                GgStatus::Entfallen,
                None,
                "Aufgabe entzogen (Eskalation)".into(),
                entered,
                None,
                Some(cut),
            );
            return self.finish(
                b,
                s,
                plan,
                None,
                format!("{who} zeichnet ab {}", de(entered)),
                format!("{who} signs from {entered}"),
            );
        }
        let port = self.decide(b, visit, &["ok".to_string(), "reject".to_string()])?;
        let zusatz = match p.zeichnungszusatz {
            Zeichnungszusatz::Ohne => "",
            Zeichnungszusatz::Iv => " i. V.",
            Zeichnungszusatz::Ia => " i. A.",
        };
        let level = match p.signature_level {
            SignatureLevel::Name => "Namenswiedergabe",
            SignatureLevel::Fortgeschritten => "fortgeschrittene elektronische Signatur",
            SignatureLevel::Qes => "qualifizierte elektronische Signatur",
            SignatureLevel::Siegel => "elektronisches Siegel",
        };
        let vermerk = if port == "ok" {
            format!("gezeichnet{zusatz} ({level})")
        } else {
            "Zeichnung abgelehnt".to_string()
        };
        self.record(
            b,
            verf,
            Some(&actor),
            GgStatus::Erledigt,
            Some(&port),
            vermerk.clone(),
            entered,
            None,
            Some(done),
        );
        let de_t = format!(
            "{who} nach {} am {}: {vermerk}{limit_de}",
            days_de(days),
            de(done)
        );
        let en_t = format!(
            "{who} after {} on {done}: {:?}{limit_en}",
            days_en(days),
            port_en(&port)
        );
        self.finish(b, s, plan, Some(port), de_t, en_t)
    }
}
