//! Parameter rules of the tasks people work on: Sachbearbeitung, Vier-Augen-Prüfung,
//! Mitzeichnung, Schlusszeichnung.

use super::BlockCheck;
use crate::model::{
    Assignee, FieldType, MitzeichnungParams, SachbearbeitungParams, SchlusszeichnungParams,
    VierAugenParams,
};
use crate::validate::ctx::{assignee_text, de, en, map};
use crate::validate::{Element, Finding};

impl BlockCheck<'_, '_> {
    pub(super) fn sachbearbeitung(&mut self, p: &SachbearbeitungParams) {
        self.require_assignee(
            "assignee",
            p.assignee.is_some(),
            "keine Bearbeitung zugewiesen",
            "no assignee",
        );
        if p.outcomes.iter().all(|o| o.trim().is_empty()) {
            self.push(
                Finding::new(
                    "E_NO_OUTCOMES",
                    Element::param(self.id(), "outcomes"),
                    format!(
                        "{} hat kein Ergebnis und damit keinen Ausgang.",
                        de(&self.label())
                    ),
                    format!(
                        "{} has no outcome and therefore no exit.",
                        en(&self.label_en())
                    ),
                )
                .hint(
                    "Fügen Sie mindestens das Ergebnis „ok“ hinzu.",
                    "Add at least the outcome “ok”.",
                ),
            );
        }
        self.duration_opt("dueIn", p.due_in.as_ref());
    }

    pub(super) fn vier_augen(&mut self, p: &VierAugenParams) {
        if p.first_check.is_none() && p.first_check_block.is_none() {
            self.require_assignee(
                "firstCheck",
                false,
                "keine erste Prüfung festgelegt",
                "no first check",
            );
        }
        self.require_assignee(
            "secondCheck",
            p.second_check.is_some(),
            "keine zweite Prüfung festgelegt",
            "no second check",
        );
        self.four_eyes_same_person(p);
    }

    pub(super) fn mitzeichnung(&mut self, p: &MitzeichnungParams) {
        if p.participants.is_empty() {
            self.push(
                Finding::new(
                    "E_MITZEICHNUNG_NO_PARTICIPANTS",
                    Element::param(self.id(), "participants"),
                    format!("{} hat keine Beteiligten.", de(&self.label())),
                    format!("{} has no participants.", en(&self.label_en())),
                )
                .hint(
                    "Fügen Sie die mitzeichnenden Stellen hinzu (z. B. Kämmerei).",
                    "Add the co-signing units (e.g. treasury).",
                ),
            );
        } else if let crate::model::DecisionRule::Quorum { n } = p.decision_rule {
            let total = p.participants.len();
            if n == 0 || usize::try_from(n).map_or(true, |n| n > total) {
                self.push(
                    Finding::new(
                        "E_QUORUM_INVALID",
                        Element::param(self.id(), "decisionRule.n"),
                        format!(
                            "{} verlangt {n} Zustimmungen, hat aber {total} Beteiligte.",
                            de(&self.label())
                        ),
                        format!(
                            "{} requires {n} approvals but has {total} participants.",
                            en(&self.label_en())
                        ),
                    )
                    .hint(
                        format!("Wählen Sie eine Zahl von 1 bis {total}."),
                        format!("Choose a number from 1 to {total}."),
                    ),
                );
            }
        }
        for (k, part) in p.participants.iter().enumerate() {
            if part.assignee.is_none() {
                let who = if part.label.trim().is_empty() {
                    format!("Nr. {}", k + 1)
                } else {
                    de(&part.label)
                };
                let who_en = if part.label.trim().is_empty() {
                    format!("no. {}", k + 1)
                } else {
                    en(&part.label)
                };
                self.push(
                    Finding::new(
                        "E_ASSIGNEE_MISSING",
                        Element::param(self.id(), format!("participants[{k}].assignee")),
                        format!(
                            "In {} ist für Beteiligte {who} niemand zugewiesen.",
                            de(&self.label())
                        ),
                        format!(
                            "In {}, participant {who_en} has no assignee.",
                            en(&self.label_en())
                        ),
                    )
                    .hint("Wählen Sie eine Rolle.", "Choose a role."),
                );
            }
        }
        let mut seen = map::<&Assignee, usize>(p.participants.len());
        for (k, part) in p.participants.iter().enumerate() {
            let Some(a) = &part.assignee else { continue };
            if let Some(&first) = seen.get(a) {
                let (who_de, who_en) = assignee_text(self.ctx, a);
                self.push(
                    Finding::new(
                        "W_MITZEICHNUNG_DUPLICATE",
                        Element::param(self.id(), format!("participants[{k}].assignee")),
                        format!(
                            "In {} zeichnet {who_de} doppelt mit (Beteiligte {} und {}).",
                            de(&self.label()),
                            first + 1,
                            k + 1
                        ),
                        format!(
                            "In {}, {who_en} co-signs twice (participants {} and {}).",
                            en(&self.label_en()),
                            first + 1,
                            k + 1
                        ),
                    )
                    .hint(
                        "Entfernen Sie die doppelte Beteiligung.",
                        "Remove the duplicate participant.",
                    ),
                );
            } else {
                seen.insert(a, k);
            }
        }
        self.duration_opt("dueIn", p.due_in.as_ref());
    }

    pub(super) fn schlusszeichnung(&mut self, p: &SchlusszeichnungParams) {
        self.require_assignee(
            "signer",
            p.signer.is_some(),
            "keine zeichnende Person festgelegt",
            "no signer",
        );
        if let Some(f) = &p.amount_field {
            self.field_ref(
                "amountField",
                f,
                &[FieldType::Money],
                "ein Betragsfeld (money)",
                "a money field",
            );
        }
    }
}
