//! Parameter rules of the blocks that wait on time: the Start timer, Rückfrage, Frist and
//! Eskalation.

use super::timing::check_timer;
use super::BlockCheck;
use crate::catalog;
use crate::model::{
    EskalationParams, FieldType, FristKind, FristParams, RueckfrageParams, StartParams, Trigger,
};
use crate::validate::ctx::{de, duration_bounds, en, is_human_task, NONE};
use crate::validate::{Element, Finding};
use crate::values::Duration;

impl BlockCheck<'_, '_> {
    pub(super) fn start(&mut self, p: &StartParams) {
        if p.trigger == Trigger::Timer {
            match p.timer.as_deref().map(str::trim) {
                None | Some("") => self.push(
                    Finding::new(
                        "E_TIMER_START_NO_TIMER",
                        Element::param(self.id(), "timer"),
                        format!("{} startet zeitgesteuert, aber es ist kein Zeitpunkt oder Intervall angegeben.", de(&self.label())),
                        format!("{} starts on a timer, but no time or interval is set.", en(&self.label_en())),
                    )
                    .hint("Zum Beispiel „R/P1M“ (monatlich) oder „2026-01-01“.", "For example “R/P1M” (monthly) or “2026-01-01”."),
                ),
                Some(t) => {
                    if let Err((why_de, why_en)) = check_timer(t) {
                        self.push(
                            Finding::new(
                                "E_TIMER_INVALID",
                                Element::param(self.id(), "timer"),
                                format!("Der Zeitgeber {} von {} ist ungültig: {why_de}.", de(t), de(&self.label())),
                                format!("The timer {} of {} is invalid: {why_en}.", en(t), en(&self.label_en())),
                            )
                            .hint(
                                "Erlaubt sind ein Datum („2026-01-01“), eine Dauer („P1D“) oder ein Zyklus („R/P1M“).",
                                "Allowed are a date (“2026-01-01”), a duration (“P1D”) or a cycle (“R/P1M”).",
                            ),
                        );
                    }
                }
            }
        }
    }

    pub(super) fn rueckfrage(&mut self, p: &RueckfrageParams) {
        self.template(&p.template);
        let deadline = p
            .reply_deadline
            .as_ref()
            .and_then(|d| self.duration("replyDeadline", d));
        let reminder = p
            .reminder_after
            .as_ref()
            .and_then(|d| self.duration("reminderAfter", d));
        if let (Some(dl), Some(rm)) = (deadline, reminder) {
            let (rm_min, _) = duration_bounds(&rm);
            let (_, dl_max) = duration_bounds(&dl);
            if rm_min >= dl_max {
                let rm_text = p
                    .reminder_after
                    .as_ref()
                    .map_or_else(String::new, Duration::to_german);
                let rm_en = p
                    .reminder_after
                    .as_ref()
                    .map_or_else(String::new, Duration::to_english);
                let dl_text = p
                    .reply_deadline
                    .as_ref()
                    .map_or_else(String::new, Duration::to_german);
                let dl_en = p
                    .reply_deadline
                    .as_ref()
                    .map_or_else(String::new, Duration::to_english);
                self.push(
                    Finding::new(
                        "E_REMINDER_NOT_BEFORE_DEADLINE",
                        Element::param(self.id(), "reminderAfter"),
                        format!(
                            "In {} kommt die Erinnerung ({rm_text}) nicht vor dem Fristende ({dl_text}).",
                            de(&self.label())
                        ),
                        format!("In {}, the reminder ({rm_en}) does not come before the deadline ({dl_en}).", en(&self.label_en())),
                    )
                    .hint("Wählen Sie eine kürzere Erinnerungszeit.", "Choose a shorter reminder time."),
                );
            }
        }
    }

    pub(super) fn frist(&mut self, p: &FristParams) {
        let has_duration = p.duration.is_some();
        let has_date = p
            .date_field
            .as_deref()
            .is_some_and(|f| !f.trim().is_empty());
        let ok = match p.kind {
            FristKind::Warten => has_duration && !has_date,
            FristKind::WiedervorlageAm => has_date && !has_duration,
        };
        if !ok {
            let (msg_de, msg_en, param) = match (has_duration, has_date) {
                (true, true) => (
                    "hat sowohl eine Dauer als auch ein Datumsfeld",
                    "has both a duration and a date field",
                    "duration",
                ),
                (false, false) => (
                    "hat weder eine Dauer noch ein Datumsfeld",
                    "has neither a duration nor a date field",
                    "duration",
                ),
                (true, false) => (
                    "ist eine Wiedervorlage am Datum, hat aber nur eine Dauer",
                    "is a resubmission on a date but only has a duration",
                    "dateField",
                ),
                (false, true) => (
                    "wartet eine Dauer, hat aber nur ein Datumsfeld",
                    "waits for a duration but only has a date field",
                    "duration",
                ),
            };
            self.push(
                Finding::new(
                    "E_FRIST_SPEC",
                    Element::param(self.id(), param),
                    format!("{} {msg_de}.", de(&self.label())),
                    format!("{} {msg_en}.", en(&self.label_en())),
                )
                .hint(
                    "Geben Sie genau eines an: eine Dauer (Warten) oder ein Datumsfeld (Wiedervorlage am).",
                    "Set exactly one: a duration (wait) or a date field (resubmit on).",
                ),
            );
        }
        self.duration_opt("duration", p.duration.as_ref());
        if has_date {
            if let Some(f) = &p.date_field {
                self.field_ref(
                    "dateField",
                    f,
                    &[FieldType::Date],
                    "ein Datumsfeld (date)",
                    "a date field",
                );
            }
        }
        self.duration_opt("offset", p.offset.as_ref());
    }

    pub(super) fn eskalation(&mut self, p: &EskalationParams) {
        match p.attached_to.as_ref().map(|a| a.as_str().trim()) {
            None | Some("") => self.push(
                Finding::new(
                    "E_ESKALATION_NOT_ON_TASK",
                    Element::param(self.id(), "attachedTo"),
                    format!("{} überwacht keine Aufgabe.", de(&self.label())),
                    format!("{} does not watch any task.", en(&self.label_en())),
                )
                .hint(
                    "Hängen Sie die Eskalation an eine Aufgabe (z. B. Sachbearbeitung).",
                    "Attach the escalation to a task (e.g. case work).",
                ),
            ),
            Some(_) => {
                // A missing host is E_UNKNOWN_BLOCK, reported with the other references.
                let h = self.ctx.host.get(self.i).copied().unwrap_or(NONE);
                if h != NONE && !self.ctx.block_type(h).is_some_and(is_human_task) {
                    let t = self
                        .ctx
                        .block_type(h)
                        .map_or("", |t| catalog::info(t).name_de);
                    let t_en = self
                        .ctx
                        .block_type(h)
                        .map_or("", |t| catalog::info(t).name_en);
                    self.push(
                        Finding::new(
                            "E_ESKALATION_NOT_ON_TASK",
                            Element::param(self.id(), "attachedTo"),
                            format!(
                                "{} hängt an {} ({t}); eine Eskalation kann nur Aufgaben von Personen überwachen.",
                                de(&self.label()),
                                de(&self.ctx.label(h))
                            ),
                            format!(
                                "{} is attached to {} ({t_en}); an escalation can only watch tasks done by people.",
                                en(&self.label_en()),
                                en(&self.ctx.label_en(h))
                            ),
                        )
                        .hint(
                            "Hängen Sie sie an eine Sachbearbeitung, Vier-Augen-Prüfung, Mitzeichnung oder Schlusszeichnung.",
                            "Attach it to case work, a four-eyes check, co-signing or final sign-off.",
                        ),
                    );
                }
            }
        }
        match &p.after {
            None => self.push(
                Finding::new(
                    "E_DURATION_MISSING",
                    Element::param(self.id(), "after"),
                    format!(
                        "Für {} ist nicht angegeben, nach welcher Zeit eskaliert wird.",
                        de(&self.label())
                    ),
                    format!(
                        "{} does not say after how long it escalates.",
                        en(&self.label_en())
                    ),
                )
                .hint(
                    "Zum Beispiel „P5D“ für fünf Tage.",
                    "For example “P5D” for five days.",
                ),
            ),
            Some(d) => {
                self.duration("after", d);
            }
        }
        if !p.interrupting {
            self.require_assignee(
                "escalateTo",
                p.escalate_to.is_some(),
                "niemand zum Benachrichtigen festgelegt",
                "nobody to notify",
            );
        }
    }
}
