//! Eskalation timers on human tasks: which fire while the task runs, the notification steps,
//! and taking the task away (interrupting).

use super::calendar::{self, de};
use super::decisions::Decisions;
use super::engine::{Exit, Flow, Run};
use super::{Outcome, Step};
use crate::model::*;
use crate::values::Date;

/// Escalations that fire while a task runs.
pub(super) struct EscPlan<'a> {
    /// Non-interrupting escalations with their firing date, in order.
    pub notify: Vec<(&'a Block, &'a EskalationParams, Date)>,
    /// The interrupting escalation that takes the task away, if it fires first.
    pub interrupt: Option<(&'a Block, &'a EskalationParams, Date)>,
}

impl<'a, D: Decisions> Run<'a, D> {
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
}
