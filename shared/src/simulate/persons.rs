//! Who acts in a human task: the persons an assignee stands for and the person rules
//! (Vier-Augen first checker, distinctFrom, initiator); a forced ineligible person is refused.

use super::decisions::{ActorSlot, Decisions, PersonRule};
use super::engine::{blocked, Run};
use super::{BlockedCode, Outcome, RefusedCode, Step};
use crate::expr::{self, EvalContext, Value};
use crate::model::*;

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

impl<D: Decisions> Run<'_, D> {
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
                match expr::eval(&e, &EvalContext::on(self.now, &|f| self.case.lookup(f))) {
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
        let rules: Vec<PersonRule> = excluded
            .iter()
            .map(|(person, x)| {
                let (reason_de, reason_en) = x.reason();
                PersonRule {
                    person: person.clone(),
                    code: x.code(),
                    reason_de,
                    reason_en,
                }
            })
            .collect();
        self.d.person_rules(b, slot, &rules);
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
}
