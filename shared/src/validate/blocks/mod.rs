//! Per-block parameter rules (blocks.md §2) that need no graph: assignees, roles, field
//! references, durations, templates and block-specific parameter constraints.

mod refs;
mod timing;

pub(super) use refs::{field_ref, field_type_de, field_type_en, unknown_field};
use timing::{check_timer, escalation_order};

use super::ctx::{assignee_text, de, duration_bounds, en, is_human_task, map, Ctx, NONE};
use super::{Element, Finding};
use crate::catalog;
use crate::model::{
    Assignee, BlockKind, FieldType, FristKind, Include, Recipient, TemplateKind, Trigger,
};
use crate::values::Duration;

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for i in 0..ctx.n() {
        let Some(kind) = ctx.kind(i) else { continue };
        let c = BlockCheck {
            ctx,
            i,
            out: &mut *out,
        };
        c.run(kind);
    }
    escalation_order(ctx, out);
}

/// Calls `f` with every role id a block refers to (assignees and recipients).
pub(super) fn for_each_role_ref<'k>(kind: &'k BlockKind, mut f: impl FnMut(&'k str)) {
    for_each_assignee(kind, |_, a| {
        if let Assignee::Role(r) = a {
            f(r.as_str());
        }
    });
    if let BlockKind::Benachrichtigung(p) = kind {
        if let Some(Recipient::Role(r)) = &p.recipient {
            f(r.as_str());
        }
    }
}

/// Where an assignee sits in a block's parameters (the path is only built for findings).
#[derive(Clone, Copy)]
pub(super) enum AssigneeParam {
    Named(&'static str),
    Participant(usize),
}

impl AssigneeParam {
    pub(super) fn path(self) -> String {
        match self {
            AssigneeParam::Named(p) => p.to_string(),
            AssigneeParam::Participant(k) => format!("participants[{k}].assignee"),
        }
    }
}

/// Calls `f` with every assignee a block holds and where it sits.
pub(super) fn for_each_assignee<'k>(
    kind: &'k BlockKind,
    mut f: impl FnMut(AssigneeParam, &'k Assignee),
) {
    let mut one = |path: &'static str, a: &'k Option<Assignee>| {
        if let Some(a) = a {
            f(AssigneeParam::Named(path), a);
        }
    };
    match kind {
        BlockKind::Start(p) => one("initiatorRole", &p.initiator_role),
        BlockKind::Sachbearbeitung(p) => one("assignee", &p.assignee),
        BlockKind::VierAugen(p) => {
            one("firstCheck", &p.first_check);
            one("secondCheck", &p.second_check);
        }
        BlockKind::Mitzeichnung(p) => {
            for (k, part) in p.participants.iter().enumerate() {
                if let Some(a) = &part.assignee {
                    f(AssigneeParam::Participant(k), a);
                }
            }
        }
        BlockKind::Schlusszeichnung(p) => one("signer", &p.signer),
        BlockKind::Frist(p) => one("notify", &p.notify),
        BlockKind::Eskalation(p) => one("escalateTo", &p.escalate_to),
        _ => {}
    }
}

/// Fixed persons that certainly perform a block (for four-eyes checks).
pub(super) fn fixed_performers<'k>(kind: &'k BlockKind) -> Vec<&'k str> {
    let person = |a: &'k Option<Assignee>| -> Option<&'k str> {
        match a {
            Some(Assignee::Person(p)) if !p.trim().is_empty() => Some(p.as_str()),
            _ => None,
        }
    };
    match kind {
        BlockKind::Sachbearbeitung(p) => person(&p.assignee).into_iter().collect(),
        BlockKind::VierAugen(p) => person(&p.first_check)
            .into_iter()
            .chain(person(&p.second_check))
            .collect(),
        BlockKind::Schlusszeichnung(p) => person(&p.signer).into_iter().collect(),
        BlockKind::Mitzeichnung(p) => p
            .participants
            .iter()
            .filter(|x| x.mandatory)
            .filter_map(|x| person(&x.assignee))
            .collect(),
        _ => Vec::new(),
    }
}

struct BlockCheck<'c, 'a> {
    ctx: &'c Ctx<'a>,
    i: usize,
    out: &'c mut Vec<Finding>,
}

impl BlockCheck<'_, '_> {
    fn id(&self) -> &crate::model::BlockId {
        self.ctx.id(self.i)
    }

    fn label(&self) -> String {
        self.ctx.label(self.i)
    }

    fn label_en(&self) -> String {
        self.ctx.label_en(self.i)
    }

    fn push(&mut self, f: Finding) {
        self.out.push(f);
    }

    fn run(mut self, kind: &BlockKind) {
        // Assignees and their roles.
        for_each_assignee(kind, |param, a| self.assignee(param, a));
        self.block_refs(kind);
        match kind {
            BlockKind::Start(p) => {
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
            BlockKind::Sachbearbeitung(p) => {
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
            BlockKind::VierAugen(p) => {
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
            BlockKind::Mitzeichnung(p) => {
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
            BlockKind::Schlusszeichnung(p) => {
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
            BlockKind::Wertgrenzen(_) | BlockKind::Komplexitaet(_) => {
                // thresholds.rs / rules.rs
            }
            BlockKind::Rueckfrage(p) => {
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
            BlockKind::Frist(p) => {
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
            BlockKind::Eskalation(p) => {
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
            BlockKind::Bescheid(p) => {
                self.template(&p.template);
                self.duration_opt("abrufFrist", p.abruf_frist.as_ref());
                if p.fiktion_tage == 0 {
                    self.push(
                        Finding::new(
                            "E_FIKTION_TAGE_INVALID",
                            Element::param(self.id(), "fiktionTage"),
                            format!("In {} gilt der Bescheid nach 0 Tagen als bekannt gegeben.", de(&self.label())),
                            format!("In {}, the notice counts as delivered after 0 days.", en(&self.label_en())),
                        )
                        .hint("Üblich ist der dritte Tag (§ 41 Abs. 2 VwVfG), in manchen Ländern der vierte.", "Usually the third day (§ 41(2) VwVfG), in some Länder the fourth."),
                    );
                }
            }
            BlockKind::Zahlung(p) => {
                if p.methods.is_empty() {
                    self.push(
                        Finding::new(
                            "E_PAYMENT_NO_METHOD",
                            Element::param(self.id(), "methods"),
                            format!("{} bietet keine Zahlungsart an.", de(&self.label())),
                            format!("{} offers no payment method.", en(&self.label_en())),
                        )
                        .hint(
                            "Wählen Sie mindestens eine Zahlungsart (z. B. Überweisung).",
                            "Choose at least one payment method (e.g. transfer).",
                        ),
                    );
                }
                self.duration_opt("payDeadline", p.pay_deadline.as_ref());
                if let Some(f) = &p.kassenzeichen_field {
                    if f.trim() != "AUTO" {
                        self.field_ref(
                            "kassenzeichenField",
                            f,
                            &[FieldType::Text, FieldType::Int],
                            "ein Text- oder Zahlenfeld",
                            "a text or int field",
                        );
                    }
                }
            }
            BlockKind::Veraktung(p) => {
                if p.target.trim().is_empty() {
                    self.push(
                        Finding::new(
                            "E_VERAKTUNG_NO_TARGET",
                            Element::param(self.id(), "target"),
                            format!("Für {} ist kein Ziel-DMS angegeben.", de(&self.label())),
                            format!("{} has no target DMS.", en(&self.label_en())),
                        )
                        .hint(
                            "Wählen Sie das DMS, in dem die E-Akte liegt.",
                            "Choose the DMS holding the e-file.",
                        ),
                    );
                }
                if p.aktenplan_kennzeichen.trim().is_empty() {
                    self.push(
                        Finding::new(
                            "E_AKTENPLAN_MISSING",
                            Element::param(self.id(), "aktenplanKennzeichen"),
                            format!("Für {} fehlt das Aktenplan-Kennzeichen.", de(&self.label())),
                            format!(
                                "{} has no file plan code (Aktenplan-Kennzeichen).",
                                en(&self.label_en())
                            ),
                        )
                        .hint("Zum Beispiel „32.10.01“.", "For example “32.10.01”."),
                    );
                }
                if p.zda && !p.include.contains(&Include::Protokoll) {
                    self.push(
                        Finding::new(
                            "E_ZDA_WITHOUT_GESAMTPROTOKOLL",
                            Element::param(self.id(), "include"),
                            format!("{} verfügt „zu den Akten“, übergibt aber kein Gesamtprotokoll.", de(&self.label())),
                            format!("{} sends the zdA disposal without the complete protocol.", en(&self.label_en())),
                        )
                        .hint(
                            "Nehmen Sie „Protokoll“ in den Umfang auf (xdomea 0623 ist immer mit der zdA-Verfügung zu übermitteln).",
                            "Include “protocol” (xdomea 0623 must always accompany the zdA disposal).",
                        ),
                    );
                }
                self.field_ref(
                    "containerRule.field",
                    &p.container_rule.field,
                    &[FieldType::Text, FieldType::Int, FieldType::Enum],
                    "ein Text- oder Zahlenfeld",
                    "a text or int field",
                );
            }
            BlockKind::Benachrichtigung(p) => {
                match &p.recipient {
                    None => self.require_assignee(
                        "recipient",
                        false,
                        "kein Empfänger festgelegt",
                        "no recipient",
                    ),
                    Some(Recipient::Role(r)) => self.role_ref("recipient", r.as_str()),
                    Some(Recipient::Person(s) | Recipient::External(s)) if s.trim().is_empty() => {
                        self.require_assignee(
                            "recipient",
                            false,
                            "kein Empfänger festgelegt",
                            "no recipient",
                        );
                    }
                    Some(_) => {}
                }
                self.template(&p.template);
                if p.template_kind == TemplateKind::Entscheidung
                    && p.recipient == Some(Recipient::Applicant)
                {
                    self.push(
                        Finding::new(
                            "W_DECISION_AS_NOTIFICATION",
                            Element::param(self.id(), "templateKind"),
                            format!("{} schickt eine Entscheidung als einfache Nachricht an die antragstellende Person.", de(&self.label())),
                            format!("{} sends a decision to the applicant as a plain notification.", en(&self.label_en())),
                        )
                        .hint(
                            "Verwenden Sie den Baustein „Bescheid“: ein Verwaltungsakt braucht die Regeln der Bekanntgabe (§ 41 VwVfG).",
                            "Use the “Decision notice” block: an administrative act needs the delivery rules (§ 41 VwVfG).",
                        ),
                    );
                }
            }
            BlockKind::Ende(_) => {}
        }
    }
}
