//! Parameter rules of the blocks that send, collect or file: Bescheid, Zahlung, Veraktung,
//! Benachrichtigung.

use super::BlockCheck;
use crate::model::{
    BenachrichtigungParams, BescheidParams, FieldType, Include, Recipient, TemplateKind,
    VeraktungParams, ZahlungParams,
};
use crate::validate::ctx::{de, en};
use crate::validate::{Element, Finding};

impl BlockCheck<'_, '_> {
    pub(super) fn bescheid(&mut self, p: &BescheidParams) {
        self.template(&p.template);
        self.duration_opt("abrufFrist", p.abruf_frist.as_ref());
        if p.fiktion_tage == 0 {
            self.push(
                Finding::new(
                    "E_FIKTION_TAGE_INVALID",
                    Element::param(self.id(), "fiktionTage"),
                    format!(
                        "In {} gilt der Bescheid nach 0 Tagen als bekannt gegeben.",
                        de(&self.label())
                    ),
                    format!(
                        "In {}, the notice counts as delivered after 0 days.",
                        en(&self.label_en())
                    ),
                )
                .hint(
                    "Üblich ist der dritte Tag (§ 41 Abs. 2 VwVfG), in manchen Ländern der vierte.",
                    "Usually the third day (§ 41(2) VwVfG), in some Länder the fourth.",
                ),
            );
        }
    }

    pub(super) fn zahlung(&mut self, p: &ZahlungParams) {
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

    pub(super) fn veraktung(&mut self, p: &VeraktungParams) {
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

    pub(super) fn benachrichtigung(&mut self, p: &BenachrichtigungParams) {
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
}
