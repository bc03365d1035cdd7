//! Mitzeichnung (GGO § 15): every participant approves or vetoes, in parallel or one after
//! another; ALL_APPROVE or QUORUM(n); any veto ends the block on `veto`.

use super::calendar::de;
use super::decisions::{ActorSlot, Decisions, Vote};
use super::engine::{blocked, Flow, Run};
use super::persons::Actor;
use super::text::{port_de, port_en};
use super::{BlockedCode, GgStatus};
use crate::model::*;
use crate::values::Date;

/// One Mitzeichnung participation.
struct Part {
    actor: Option<Actor>,
    assigned: Date,
    done: Date,
    vote: Option<Vote>,
}

impl<'a, D: Decisions> Run<'a, D> {
    pub(super) fn mitzeichnung(
        &mut self,
        b: &'a Block,
        visit: u32,
        p: &MitzeichnungParams,
    ) -> Flow {
        self.last_performers.insert(b.id.clone(), Vec::new());
        let n = p.participants.len();
        let label = self.w.block_label(&b.id);
        if n == 0 {
            return Err(blocked(
                &b.id,
                BlockedCode::InvalidBlock,
                format!("„{label}“ hat keine Beteiligten"),
                format!("{label:?} has no participants"),
            ));
        }
        let entered = self.now;
        let parallel = p.mode == MitzeichnungMode::Parallel;
        let mandatory = p.participants.iter().filter(|x| x.mandatory).count();
        let satisfied = |approved: &[bool]| -> bool {
            match p.decision_rule {
                DecisionRule::AllApprove if mandatory > 0 => p
                    .participants
                    .iter()
                    .zip(approved)
                    .all(|(x, a)| !x.mandatory || *a),
                DecisionRule::AllApprove => approved.iter().all(|a| *a),
                DecisionRule::Quorum { n } => approved.iter().filter(|a| **a).count() >= n as usize,
            }
        };
        let mut parts: Vec<Part> = (0..n)
            .map(|_| Part {
                actor: None,
                assigned: entered,
                done: entered,
                vote: None,
            })
            .collect();
        // Parallel: everyone is asked at once; sequential: one after another.
        let mut order: Vec<usize> = (0..n).collect();
        if parallel {
            for (i, part) in parts.iter_mut().enumerate() {
                let a = self.choose(
                    b,
                    ActorSlot::Participant(i),
                    p.participants[i].assignee.as_ref(),
                    &[],
                )?;
                let (_, done) = self.work(b, visit, Some(i), entered);
                part.actor = Some(a);
                part.done = done;
            }
            order.sort_by_key(|&i| (parts[i].done, i));
        }
        let mut approved = vec![false; n];
        let mut result: Option<(String, Date)> = None;
        let mut t = entered;
        for &i in &order {
            if !parallel {
                let a = self.choose(
                    b,
                    ActorSlot::Participant(i),
                    p.participants[i].assignee.as_ref(),
                    &[],
                )?;
                let (_, done) = self.work(b, visit, Some(i), t);
                parts[i] = Part {
                    actor: Some(a),
                    assigned: t,
                    done,
                    vote: None,
                };
            }
            let vote = self.d.vote(b, visit, i);
            parts[i].vote = Some(vote);
            t = parts[i].done;
            if vote == Vote::Veto {
                result = Some(("veto".into(), t));
                break;
            }
            approved[i] = true;
            if satisfied(&approved) {
                result = Some(("ok".into(), t));
                break;
            }
        }
        let Some((port, done)) = result else {
            return Err(blocked(
                &b.id,
                BlockedCode::InvalidBlock,
                format!(
                    "„{label}“: die Entscheidungsregel ist mit {n} Beteiligten nicht erfüllbar"
                ),
                format!("{label:?}: the decision rule cannot be met with {n} participants"),
            ));
        };
        let plan = self.escalation_plan(b, entered, done)?;
        let cut = plan.interrupt.map(|x| x.2);
        let mut latest_due: Option<Date> = None;
        let mut lines_de = Vec::new();
        let mut lines_en = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let who = part.actor.as_ref().map(|a| self.who(a));
            let plabel = if p.participants[i].label.is_empty() {
                format!("Beteiligte/r {}", i + 1)
            } else {
                p.participants[i].label.clone()
            };
            let verf = format!("zur Mitzeichnung: {plabel}");
            let due = self
                .due(b, p.due_in.as_ref(), part.assigned)?
                .map(|d| d.date);
            latest_due = latest_due.max(due);
            let counted = part.vote.filter(|_| cut.is_none_or(|c| part.done <= c));
            let (status, vermerk, line_de, line_en) = match (counted, &who) {
                (Some(Vote::Approve), Some(w)) => (
                    GgStatus::Erledigt,
                    "mitgezeichnet",
                    format!("{w}: mitgezeichnet am {}", de(part.done)),
                    format!("{w}: approved on {}", part.done),
                ),
                (Some(Vote::Veto), Some(w)) => (
                    GgStatus::Erledigt,
                    "Nichtmitzeichnung (Veto)",
                    format!("{w}: Veto am {}", de(part.done)),
                    format!("{w}: veto on {}", part.done),
                ),
                (_, Some(w)) => (
                    GgStatus::Entfallen,
                    "Beteiligung abgebrochen",
                    format!("{w}: abgebrochen"),
                    format!("{w}: cancelled"),
                ),
                (_, None) => (
                    GgStatus::Entfallen,
                    "nicht mehr beteiligt",
                    "nicht mehr beteiligt".to_string(),
                    "no longer involved".to_string(),
                ),
            };
            if let Some(a) = &part.actor {
                self.performed(b, &a.person);
            }
            let decision = counted.map(|v| {
                if v == Vote::Approve {
                    "approve"
                } else {
                    "veto"
                }
            });
            let finished = if status == GgStatus::Erledigt {
                Some(part.done)
            } else {
                part.actor.as_ref().map(|_| cut.unwrap_or(done))
            };
            self.record(
                b,
                verf,
                part.actor.as_ref(),
                status,
                decision,
                vermerk.into(),
                part.assigned,
                due,
                finished,
            );
            lines_de.push(format!("{plabel} – {line_de}"));
            lines_en.push(format!("{plabel} – {line_en}"));
        }
        let mut s = self.new_step(b, visit);
        s.completed = done;
        s.due = latest_due;
        let (mode_de, mode_en) = if parallel {
            ("parallel", "parallel")
        } else {
            ("nacheinander", "sequential")
        };
        let (rule_de, rule_en) = match p.decision_rule {
            DecisionRule::AllApprove => (
                "alle Pflichtbeteiligten müssen zustimmen".to_string(),
                "all mandatory participants must approve".to_string(),
            ),
            DecisionRule::Quorum { n } => (
                format!("mindestens {n} Zustimmungen"),
                format!("at least {n} approvals"),
            ),
        };
        let de_t = format!("Mitzeichnung {mode_de}, {rule_de}: {}", lines_de.join("; "));
        let en_t = format!("Co-signing {mode_en}, {rule_en}: {}", lines_en.join("; "));
        let (de_t, en_t) = if cut.is_some() {
            (de_t, en_t)
        } else {
            (
                format!("{de_t}; Ergebnis: {}", port_de(&port)),
                format!("{en_t}; result: {}", port_en(&port)),
            )
        };
        self.finish(b, s, plan, Some(port), de_t, en_t)
    }
}
