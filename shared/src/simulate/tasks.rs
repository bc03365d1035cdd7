//! Human tasks: who acts (person rules), how long it takes, escalations, and the Geschäftsgang
//! record of Sachbearbeitung, Vier-Augen-Prüfung, Mitzeichnung and Schlusszeichnung.

use super::calendar::{self, de};
use super::decisions::{ActorSlot, Decisions};
use super::engine::{blocked, Flow, Run};
use super::persons::{Actor, Exclusion};
use super::text::{days_de, days_en, money_de, money_en, port_de, port_en};
use super::{BlockedCode, GeschaeftsgangEntry, GgStatus, Outcome, RefusedCode};
use crate::expr::{Date, Value};
use crate::model::*;
use crate::values::Money;

impl<'a, D: Decisions> Run<'a, D> {
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
        self.d.task_end(b, visit, part, from, self.case.land)
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
