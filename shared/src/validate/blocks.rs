//! Per-block parameter rules (blocks.md §2) that need no graph: assignees, roles, field
//! references, durations, templates and block-specific parameter constraints.

use super::ctx::{
    assignee_text, de, duration_bounds, duration_parts, en, is_human_task, map, Ctx, NONE,
};
use super::{Element, Finding};
use crate::catalog;
use crate::expr::SYSTEM_FIELD_AKTENZEICHEN;
use crate::model::{
    Assignee, BlockKind, BlockType, FieldType, FristKind, Include, Recipient, TemplateKind, Trigger,
};
use crate::values::{Duration, DurationParts};

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
                                format!("{} starts on a timer, but no time or interval is set.", en(&self.label())),
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
                                        format!("The timer {} of {} is invalid: {why_en}.", en(t), en(&self.label())),
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
                                en(&self.label())
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
                            format!("{} has no participants.", en(&self.label())),
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
                                    en(&self.label())
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
                                    en(&self.label())
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
                                    en(&self.label()),
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
                                format!("In {}, the reminder ({rm_en}) does not come before the deadline ({dl_en}).", en(&self.label())),
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
                            format!("{} {msg_en}.", en(&self.label())),
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
                            format!("{} does not watch any task.", en(&self.label())),
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
                                        en(&self.label()),
                                        en(&self.ctx.label(h))
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
                                en(&self.label())
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
                            format!("In {}, the notice counts as delivered after 0 days.", en(&self.label())),
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
                            format!("{} offers no payment method.", en(&self.label())),
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
                            format!("{} has no target DMS.", en(&self.label())),
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
                                en(&self.label())
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
                            format!("{} sends the zdA disposal without the complete protocol.", en(&self.label())),
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
                            format!("{} sends a decision to the applicant as a plain notification.", en(&self.label())),
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

    fn require_assignee(&mut self, path: &str, present: bool, what_de: &str, what_en: &str) {
        if present {
            return;
        }
        self.push(
            Finding::new(
                "E_ASSIGNEE_MISSING",
                Element::param(self.id(), path),
                format!("{}: {what_de}.", de(&self.label())),
                format!("{}: {what_en}.", en(&self.label())),
            )
            .hint("Wählen Sie eine Rolle.", "Choose a role."),
        );
    }

    fn assignee(&mut self, param: AssigneeParam, a: &Assignee) {
        match a {
            Assignee::Role(r) if !r.as_str().trim().is_empty() => {
                if self.ctx.role(r.as_str()).is_none() {
                    self.role_ref(&param.path(), r.as_str());
                }
            }
            Assignee::Role(_) | Assignee::Person(_) | Assignee::Expression(_) => {
                let empty = match a {
                    Assignee::Role(r) => r.as_str().trim().is_empty(),
                    Assignee::Person(p) | Assignee::Expression(p) => p.trim().is_empty(),
                    Assignee::Initiator => false,
                };
                if empty {
                    let path = param.path();
                    let path = path.as_str();
                    self.push(
                        Finding::new(
                            "E_ASSIGNEE_MISSING",
                            Element::param(self.id(), path),
                            format!(
                                "{}: die Zuweisung {} ist leer.",
                                de(&self.label()),
                                de(path)
                            ),
                            format!(
                                "{}: the assignment {} is empty.",
                                en(&self.label()),
                                en(path)
                            ),
                        )
                        .hint("Wählen Sie eine Rolle.", "Choose a role."),
                    );
                }
            }
            Assignee::Initiator => {}
        }
    }

    fn role_ref(&mut self, path: &str, role: &str) {
        if self.ctx.role(role).is_some() {
            return;
        }
        let known: Vec<&str> = self
            .ctx
            .w
            .roles
            .iter()
            .map(|r| r.id.as_str())
            .take(8)
            .collect();
        let list = if known.is_empty() {
            "keine".to_string()
        } else {
            known.join(", ")
        };
        let list_en = if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        };
        self.push(
            Finding::new(
                "E_UNKNOWN_ROLE",
                Element::param(self.id(), path).with_role(&role.into()),
                format!(
                    "{} verweist auf die Rolle {}, die nicht angelegt ist.",
                    de(&self.label()),
                    de(role)
                ),
                format!(
                    "{} refers to the role {}, which is not declared.",
                    en(&self.label()),
                    en(role)
                ),
            )
            .hint(
                format!(
                    "Legen Sie die Rolle an oder wählen Sie eine vorhandene (angelegt: {list})."
                ),
                format!("Declare the role or choose an existing one (declared: {list_en})."),
            ),
        );
    }

    /// E_UNKNOWN_BLOCK for every parameter naming a block that does not exist.
    fn block_refs(&mut self, kind: &BlockKind) {
        for r in kind.block_refs() {
            // A blank `attachedTo` is E_ESKALATION_NOT_ON_TASK; `initiator` in `distinctFrom` is
            // the domain reference's spelling of `excludeInitiator`, not a block.
            let blank_host = r.param == "attachedTo" && r.id.as_str().trim().is_empty();
            let initiator = r.param == "distinctFrom" && r.id.as_str() == "initiator";
            if !blank_host && !initiator {
                self.block_ref(&r.path(), r.id.as_str());
            }
        }
    }

    fn block_ref(&mut self, path: &str, target: &str) {
        if self.ctx.block_index_str(target).is_some() {
            return;
        }
        self.push(
            Finding::new(
                "E_UNKNOWN_BLOCK",
                Element::param(self.id(), path),
                format!(
                    "{} verweist auf den Baustein {}, den es nicht gibt.",
                    de(&self.label()),
                    de(target)
                ),
                format!(
                    "{} refers to the block {}, which does not exist.",
                    en(&self.label()),
                    en(target)
                ),
            )
            .hint(
                "Wählen Sie einen vorhandenen Baustein.",
                "Choose an existing block.",
            ),
        );
    }

    fn template(&mut self, t: &str) {
        if t.trim().is_empty() {
            self.push(
                Finding::new(
                    "E_TEMPLATE_MISSING",
                    Element::param(self.id(), "template"),
                    format!("Für {} ist keine Vorlage gewählt.", de(&self.label())),
                    format!("{} has no template.", en(&self.label())),
                )
                .hint("Wählen Sie eine Vorlage aus.", "Choose a template."),
            );
        }
    }

    fn duration_opt(&mut self, path: &str, d: Option<&Duration>) {
        if let Some(d) = d {
            self.duration(path, d);
        }
    }

    /// Reports an unparsable or zero duration; returns the parts if it is positive.
    fn duration(&mut self, path: &str, d: &Duration) -> Option<DurationParts> {
        match duration_parts(d) {
            Ok(p) if !p.is_zero() => Some(p),
            Ok(_) => {
                self.push(
                    Finding::new(
                        "E_DURATION_NOT_POSITIVE",
                        Element::param(self.id(), path),
                        format!("In {} ist die Dauer {} null.", de(&self.label()), de(&d.0)),
                        format!(
                            "In {}, the duration {} is zero.",
                            en(&self.label()),
                            en(&d.0)
                        ),
                    )
                    .hint(
                        "Geben Sie eine Dauer größer als null an, z. B. „P14D“.",
                        "Enter a duration greater than zero, e.g. “P14D”.",
                    ),
                );
                None
            }
            Err(why) => {
                self.push(
                    Finding::new(
                        "E_DURATION_NOT_POSITIVE",
                        Element::param(self.id(), path),
                        format!("In {} ist die Dauer ungültig: {why}.", de(&self.label())),
                        format!(
                            "In {}, the duration {} is not a valid ISO 8601 duration.",
                            en(&self.label()),
                            en(&d.0)
                        ),
                    )
                    .hint(
                        "Schreiben Sie die Dauer wie „P14D“ (14 Tage) oder „PT48H“ (48 Stunden).",
                        "Write the duration like “P14D” (14 days) or “PT48H” (48 hours).",
                    ),
                );
                None
            }
        }
    }

    fn field_ref(
        &mut self,
        path: &str,
        name: &str,
        allowed: &[FieldType],
        want_de: &str,
        want_en: &str,
    ) {
        field_ref(
            self.ctx, self.out, self.i, path, name, allowed, want_de, want_en,
        );
    }

    fn four_eyes_same_person(&mut self, p: &crate::model::VierAugenParams) {
        let (why_de, why_en) = match &p.second_check {
            Some(Assignee::Initiator) if p.exclude_initiator => (
                "die zweite Prüfung soll die antragstellende Person machen, die aber ausgeschlossen ist".to_string(),
                "the second check is assigned to the initiator, who is excluded".to_string(),
            ),
            Some(Assignee::Person(second)) if !second.trim().is_empty() => {
                let first_same = matches!(&p.first_check, Some(Assignee::Person(f)) if f == second);
                let refs = p.first_check_block.iter().chain(p.distinct_from.iter());
                let in_ref = refs
                    .filter_map(|r| self.ctx.block_index(r))
                    .find(|&r| self.ctx.kind(r).is_some_and(|k| fixed_performers(k).contains(&second.as_str())));
                if first_same {
                    (
                        format!("erste und zweite Prüfung sind fest derselben Person {} zugewiesen", de(second)),
                        format!("first and second check are both fixed to the same person {}", en(second)),
                    )
                } else if let Some(r) = in_ref {
                    (
                        format!("die zweite Prüfung ist fest {} zugewiesen, die schon {} bearbeitet", de(second), de(&self.ctx.label(r))),
                        format!("the second check is fixed to {}, who already performs {}", en(second), en(&self.ctx.label(r))),
                    )
                } else {
                    return;
                }
            }
            _ => return,
        };
        self.push(
            Finding::new(
                "E_FOUR_EYES_SAME_PERSON",
                Element::param(self.id(), "secondCheck"),
                format!(
                    "{} kann nie von zwei verschiedenen Personen erledigt werden: {why_de}.",
                    de(&self.label())
                ),
                format!(
                    "{} can never be done by two different persons: {why_en}.",
                    en(&self.label())
                ),
            )
            .hint(
                "Weisen Sie die zweite Prüfung einer Rolle zu (z. B. Teamleitung).",
                "Assign the second check to a role (e.g. team lead).",
            ),
        );
    }
}

/// Checks a reference to a declared field of one of the `allowed` types.
#[allow(clippy::too_many_arguments)]
pub(super) fn field_ref(
    ctx: &Ctx<'_>,
    out: &mut Vec<Finding>,
    i: usize,
    path: &str,
    name: &str,
    allowed: &[FieldType],
    want_de: &str,
    want_en: &str,
) {
    let id = ctx.id(i);
    let name = name.trim();
    if name.is_empty() {
        out.push(
            Finding::new(
                "E_UNKNOWN_FIELD",
                Element::param(id, path),
                format!(
                    "In {} ist kein Feld gewählt ({path}); erwartet wird {want_de}.",
                    de(&ctx.label(i))
                ),
                format!(
                    "In {}, no field is chosen ({path}); expected {want_en}.",
                    en(&ctx.label(i))
                ),
            )
            .hint("Wählen Sie eine Fallvariable aus.", "Choose a case field."),
        );
        return;
    }
    let field_type = match ctx.field(name) {
        Some(f) => f.field_type,
        None if name == SYSTEM_FIELD_AKTENZEICHEN => FieldType::Text,
        None => {
            out.push(unknown_field(
                ctx,
                Element::param(id, path).with_field(name),
                &ctx.label(i),
                name,
            ));
            return;
        }
    };
    if !allowed.contains(&field_type) {
        out.push(
            Finding::new(
                "E_FIELD_TYPE",
                Element::param(id, path).with_field(name),
                format!(
                    "In {} ist {} vom Typ {}, erwartet wird {want_de}.",
                    de(&ctx.label(i)),
                    de(name),
                    field_type_de(field_type)
                ),
                format!(
                    "In {}, {} is of type {}, expected {want_en}.",
                    en(&ctx.label(i)),
                    en(name),
                    field_type_en(field_type)
                ),
            )
            .hint(
                "Wählen Sie ein passendes Feld oder ändern Sie den Typ der Fallvariable.",
                "Choose a matching field or change the field's type.",
            ),
        );
    }
}

/// `E_UNKNOWN_FIELD` with a did-you-mean hint.
pub(super) fn unknown_field(ctx: &Ctx<'_>, element: Element, label: &str, name: &str) -> Finding {
    let lower = name.to_lowercase();
    let similar = ctx
        .w
        .fields
        .iter()
        .find(|f| f.name.to_lowercase() == lower)
        .map(|f| f.name.clone());
    let f = Finding::new(
        "E_UNKNOWN_FIELD",
        element,
        format!(
            "{} verwendet die Fallvariable {}, die nicht deklariert ist.",
            de(label),
            de(name)
        ),
        format!(
            "{} uses the case field {}, which is not declared.",
            en(label),
            en(name)
        ),
    );
    match similar {
        Some(s) => f.hint(
            format!("Meinten Sie {}?", de(&s)),
            format!("Did you mean {}?", en(&s)),
        ),
        None => f.hint(
            "Legen Sie die Fallvariable unter „Fallvariablen“ an oder korrigieren Sie den Namen.",
            "Declare the case field or correct the name.",
        ),
    }
}

pub(super) fn field_type_de(t: FieldType) -> &'static str {
    match t {
        FieldType::Money => "Betrag",
        FieldType::Date => "Datum",
        FieldType::Int => "Ganzzahl",
        FieldType::Bool => "Ja/Nein",
        FieldType::Enum => "Auswahl",
        FieldType::Text => "Text",
    }
}

pub(super) fn field_type_en(t: FieldType) -> &'static str {
    match t {
        FieldType::Money => "money",
        FieldType::Date => "date",
        FieldType::Int => "int",
        FieldType::Bool => "bool",
        FieldType::Enum => "enum",
        FieldType::Text => "text",
    }
}

/// Start timers: an ISO 8601 date/date-time, a positive duration, or a cycle `R[n]/…`.
fn check_timer(t: &str) -> Result<(), (String, String)> {
    let positive = |d: &str| -> Result<(), (String, String)> {
        match Duration::new(d).parse() {
            Ok(p) if !p.is_zero() => Ok(()),
            Ok(_) => Err((
                format!("die Dauer {} ist null", de(d)),
                format!("the duration {} is zero", en(d)),
            )),
            Err(e) => Err((e, format!("{} is not an ISO 8601 duration", en(d)))),
        }
    };
    if let Some(rest) = t.strip_prefix('R') {
        let Some((count, spec)) = rest.split_once('/') else {
            return Err((
                "nach „R“ fehlt „/“".into(),
                "“/” is missing after “R”".into(),
            ));
        };
        if !count.bytes().all(|b| b.is_ascii_digit()) {
            return Err((
                format!("{} ist keine Anzahl", de(count)),
                format!("{} is not a count", en(count)),
            ));
        }
        let parts: Vec<&str> = spec.split('/').collect();
        return match parts.as_slice() {
            [d] => positive(d),
            [a, b] if a.starts_with('P') => {
                positive(a)?;
                datetime(b)
            }
            [a, b] => {
                datetime(a)?;
                positive(b)
            }
            _ => Err(("zu viele „/“".into(), "too many “/”".into())),
        };
    }
    if t.starts_with('P') {
        return positive(t);
    }
    datetime(t)
}

/// `YYYY-MM-DD` optionally followed by `Thh:mm[:ss[.fff]][Z|±hh:mm]`.
fn datetime(s: &str) -> Result<(), (String, String)> {
    let bad = || {
        (
            format!("{} ist kein Datum (JJJJ-MM-TT)", de(s)),
            format!("{} is not a date (YYYY-MM-DD)", en(s)),
        )
    };
    let date = s.get(..10).ok_or_else(bad)?;
    crate::expr::Date::parse(date).ok_or_else(bad)?;
    let rest = s.get(10..).ok_or_else(bad)?;
    if rest.is_empty() {
        return Ok(());
    }
    let time = rest.strip_prefix('T').ok_or_else(bad)?;
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(k) => (time.get(..k).unwrap_or(""), time.get(k..).unwrap_or("")),
        None => (time, ""),
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, "0"));
    let nums: Vec<&str> = hms.split(':').collect();
    let two = |x: &str, max: u32| {
        x.len() == 2
            && x.bytes().all(|b| b.is_ascii_digit())
            && x.parse::<u32>().is_ok_and(|v| v <= max)
    };
    let clock_ok = matches!(nums.as_slice(), [h, m] if two(h, 23) && two(m, 59))
        || matches!(nums.as_slice(), [h, m, sec] if two(h, 23) && two(m, 59) && two(sec, 60));
    let frac_ok = !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit());
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || zone.get(1..).is_some_and(|z| matches!(z.split(':').collect::<Vec<_>>().as_slice(), [h, m] if two(h, 23) && two(m, 59)));
    if clock_ok && frac_ok && zone_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// `W_ESKALATION_NEVER_FIRES`: an interrupting Eskalation on the same task always fires first.
fn escalation_order(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // Per host: the interrupting escalation with the smallest longest-possible `after`.
    let mut first = map::<usize, (u64, usize)>(0);
    let mut all: Vec<(usize, usize, u64)> = Vec::new();
    for i in 0..ctx.n() {
        let Some(BlockKind::Eskalation(p)) = ctx.kind(i) else {
            continue;
        };
        let h = ctx.host.get(i).copied().unwrap_or(NONE);
        if h == NONE || ctx.block_type(i) != Some(BlockType::Eskalation) {
            continue;
        }
        let Some(parts) = p
            .after
            .as_ref()
            .and_then(|d| duration_parts(d).ok())
            .filter(|x| !x.is_zero())
        else {
            continue;
        };
        let (min, max) = duration_bounds(&parts);
        all.push((i, h, min));
        if p.interrupting {
            let e = first.entry(h).or_insert((max, i));
            if max < e.0 {
                *e = (max, i);
            }
        }
    }
    for (i, h, min) in all {
        let Some(&(max, e1)) = first.get(&h) else {
            continue;
        };
        if e1 == i || min <= max {
            continue;
        }
        let after = |k: usize| match ctx.kind(k) {
            Some(BlockKind::Eskalation(p)) => p
                .after
                .as_ref()
                .map(|d| (d.to_german(), d.to_english()))
                .unwrap_or_default(),
            _ => Default::default(),
        };
        let (mine_de, mine_en) = after(i);
        let (other_de, other_en) = after(e1);
        out.push(
            Finding::new(
                "W_ESKALATION_NEVER_FIRES",
                Element::param(ctx.id(i), "after"),
                format!(
                    "{} (Frist: {mine_de}) greift nie: {} nimmt die Aufgabe {} schon früher weg (Frist: {other_de}).",
                    de(&ctx.label(i)),
                    de(&ctx.label(e1)),
                    de(&ctx.label(h))
                ),
                format!(
                    "{} (after {mine_en}) never fires: {} takes the task {} away earlier (after {other_en}).",
                    en(&ctx.label(i)),
                    en(&ctx.label(e1)),
                    en(&ctx.label(h))
                ),
            )
            .hint("Wählen Sie eine kürzere Zeit oder entfernen Sie die Eskalation.", "Choose a shorter time or remove the escalation."),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::check_timer;

    #[test]
    fn timers() {
        for ok in [
            "R/P1M",
            "R5/P1D",
            "R/2026-01-01T08:00:00Z/P1D",
            "R/P1D/2026-01-01",
            "2026-01-01",
            "2026-01-01T08:00",
            "2026-01-01T08:00:00.5+01:00",
            "P1D",
        ] {
            assert!(check_timer(ok).is_ok(), "{ok}");
        }
        for bad in [
            "R",
            "R/P0D",
            "Rx/P1D",
            "R/P1D/x",
            "2026-13-01",
            "2026-01-01T25:00",
            "tomorrow",
            "P0D",
            "R/a/b/c",
            "2026-01-01X",
            "2026-01-01T08:00+1",
        ] {
            assert!(check_timer(bad).is_err(), "{bad}");
        }
    }
}
