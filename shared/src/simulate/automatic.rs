//! The blocks nobody works on that the walk runs itself: Start, the routers (Wertgrenzen,
//! Komplexität), Veraktung and Benachrichtigung.

use super::calendar::de;
use super::decisions::Decisions;
use super::engine::{blocked, Flow, Run};
use super::text::{field_values, money_de, money_en};
use super::xdomea;
use super::BlockedCode;
use crate::catalog::band_label;
use crate::expr::{self, EvalContext, Value};
use crate::model::*;
use crate::values::Money;

impl<D: Decisions> Run<'_, D> {
    pub(super) fn start(&mut self, b: &Block, visit: u32, p: &StartParams) -> Flow {
        let s = self.new_step(b, visit);
        let az = match self.case.value(expr::SYSTEM_FIELD_AKTENZEICHEN) {
            Value::Text(t) => t,
            _ => self.case.case_id.clone(),
        };
        let form = p.form_ref.clone().unwrap_or_else(|| "Antrag".into());
        self.doc(
            b,
            format!("Eingang „{form}“ ({})", self.w.block_label(&b.id)),
            "Antrag",
            true,
            None,
        );
        let (mut de_t, mut en_t) = (
            format!(
                "Fall {} angelegt am {} (Aktenzeichen {az}), angestoßen von {}",
                self.case.case_id,
                de(self.now),
                self.case.initiator
            ),
            format!(
                "Case {} created on {} (file number {az}), started by {}",
                self.case.case_id,
                self.now,
                // The external applicant by an English word, a named person as named.
                if self.case.initiator == super::APPLICANT {
                    "the applicant"
                } else {
                    self.case.initiator.as_str()
                }
            ),
        );
        if p.eingangsbestaetigung {
            de_t.push_str("; Eingangsbestätigung versandt");
            en_t.push_str("; acknowledgement of receipt sent");
            self.doc(
                b,
                "Eingangsbestätigung".into(),
                "Eingangsbestätigung",
                false,
                None,
            );
        }
        self.leave(s, "next", de_t, en_t)
    }

    pub(super) fn wertgrenzen(&mut self, b: &Block, visit: u32, p: &WertgrenzenParams) -> Flow {
        let s = self.new_step(b, visit);
        let field = self
            .w
            .field(&p.amount_field)
            .filter(|f| f.field_type == FieldType::Money);
        let Some(field) = field else {
            return Err(blocked(
                &b.id,
                BlockedCode::InvalidBlock,
                format!(
                    "„{}“: „{}“ ist kein deklariertes Betragsfeld",
                    s.label, p.amount_field
                ),
                format!(
                    "{:?}: {:?} is not a declared money field",
                    s.label, p.amount_field
                ),
            ));
        };
        let amount = match self.case.value(&field.name) {
            Value::Number(n) => n.to_money().unwrap_or(Money(0)),
            _ => {
                return Err(blocked(
                    &b.id,
                    BlockedCode::MissingValue,
                    format!(
                        "„{}“: das Feld „{}“ hat in diesem Fall keinen Wert",
                        s.label, field.name
                    ),
                    format!(
                        "{:?}: the field {:?} has no value in this case",
                        s.label, field.name
                    ),
                ))
            }
        };
        let band = p.bands.iter().enumerate().find(|(i, band)| {
            let above_lower = if *i == 0 {
                amount >= band.lower
            } else {
                amount > band.lower
            };
            above_lower && band.upper.is_none_or(|u| amount <= u)
        });
        let Some((_, band)) = band else {
            return Err(blocked(
                &b.id,
                BlockedCode::NoMatchingBand,
                format!("„{}“: kein Band umfasst {}", s.label, money_de(amount)),
                format!("{:?}: no band covers {}", s.label, money_en(amount)),
            ));
        };
        let (range_de, range_en) = band_label(band.lower, band.upper, "");
        let (basis_de, basis_en) = match p.basis {
            AmountBasis::Netto => ("netto", "net"),
            AmountBasis::Brutto => ("brutto", "gross"),
        };
        let label = if field.label.is_empty() {
            field.name.as_str()
        } else {
            field.label.as_str()
        };
        let de_t = format!(
            "{} ({label}, {basis_de}) liegt im Band „{range_de}“",
            money_de(amount)
        );
        let en_t = format!(
            "{} ({label}, {basis_en}) lies in the band “{range_en}”",
            money_en(amount)
        );
        self.leave(s, &band.id.clone(), de_t, en_t)
    }

    pub(super) fn komplexitaet(&mut self, b: &Block, visit: u32, p: &KomplexitaetParams) -> Flow {
        let s = self.new_step(b, visit);
        let case = self.case;
        let lookup = |f: &str| case.lookup(f);
        let mut no_de = Vec::new();
        let mut no_en = Vec::new();
        for rule in &p.rules {
            let e = expr::parse(&rule.condition).map_err(|e| {
                blocked(
                    &b.id,
                    BlockedCode::InvalidBlock,
                    format!("„{}“: Regel „{}“: {}", s.label, rule.id, e.message_de),
                    format!("{:?}: rule {:?}: {}", s.label, rule.id, e.message_en),
                )
            })?;
            let v = expr::eval(&e, &EvalContext::on(self.now, &lookup))
                .map_err(|err| self.value_error(b, &err, &format!("Regel „{}“", rule.id)))?;
            let name = if rule.label.is_empty() {
                &rule.id
            } else {
                &rule.label
            };
            let (mut vals_de, mut vals_en) = field_values(self.w, case, &expr::fields_used(&e));
            if expr::uses_today(&e) {
                let with = |vals: String, today: String| {
                    if vals.is_empty() {
                        today
                    } else {
                        format!("{vals}, {today}")
                    }
                };
                vals_de = with(vals_de, format!("today() = {}", de(self.now)));
                vals_en = with(vals_en, format!("today() = {}", self.now));
            }
            if v == Value::Bool(true) {
                let de_t = format!("Regel „{name}“ trifft zu ({}; {vals_de})", rule.condition);
                let en_t = format!("Rule {name:?} matches ({}; {vals_en})", rule.condition);
                return self.leave(s, &rule.id.clone(), de_t, en_t);
            }
            no_de.push(format!("„{name}“ ({vals_de})"));
            no_en.push(format!("{name:?} ({vals_en})"));
        }
        let (de_t, en_t) = if no_de.is_empty() {
            (
                "Keine Regeln: sonst".to_string(),
                "No rules: otherwise".to_string(),
            )
        } else {
            (
                format!("Keine Regel trifft zu ({}): sonst", no_de.join(", ")),
                format!("No rule matches ({}): otherwise", no_en.join(", ")),
            )
        };
        self.leave(s, OTHERWISE_PORT, de_t, en_t)
    }

    pub(super) fn veraktung(&mut self, b: &Block, visit: u32, p: &VeraktungParams) -> Flow {
        let s = self.new_step(b, visit);
        let msgs = xdomea::messages(&xdomea::Filing {
            w: self.w,
            case: self.case,
            block: b,
            params: p,
            visit,
            date: self.now,
            steps: &self.steps,
            gg: &self.gg,
            docs: &self.docs,
        });
        let codes: Vec<String> = msgs
            .iter()
            .map(|m| format!("{} ({})", m.code, m.name))
            .collect();
        self.xdomea.extend(msgs);
        let port = self
            .d
            .outcome(b, visit, &["ok".to_string(), "fehler".to_string()]);
        let (res_de, res_en) = if port == "ok" {
            (
                "Importbestätigung 0630: erfolgreich",
                "import confirmation 0630: success",
            )
        } else {
            (
                "Importbestätigung 0630: Fehler",
                "import confirmation 0630: failure",
            )
        };
        let de_t = format!(
            "An „{}“ übermittelt (Aktenplan {}): {}; {res_de}",
            p.target,
            p.aktenplan_kennzeichen,
            codes.join(", ")
        );
        let en_t = format!(
            "Sent to {:?} (filing plan {}): {}; {res_en}",
            p.target,
            p.aktenplan_kennzeichen,
            codes.join(", ")
        );
        self.leave(s, &port, de_t, en_t)
    }

    pub(super) fn benachrichtigung(
        &mut self,
        b: &Block,
        visit: u32,
        p: &BenachrichtigungParams,
    ) -> Flow {
        let s = self.new_step(b, visit);
        let (to_de, to_en) = match &p.recipient {
            Some(Recipient::Applicant) | None => (
                "die Antragstellerin / den Antragsteller".to_string(),
                "the applicant".to_string(),
            ),
            Some(Recipient::Role(r)) => {
                let name = self.w.role(r).map_or(r.0.clone(), |x| x.name.clone());
                (format!("die Rolle „{name}“"), format!("the role {name:?}"))
            }
            Some(Recipient::Person(x)) | Some(Recipient::External(x)) => (x.clone(), x.clone()),
            Some(Recipient::Initiator) => {
                (self.case.initiator.clone(), self.case.initiator.clone())
            }
        };
        self.doc(
            b,
            format!("Mitteilung „{}“", p.template),
            "Mitteilung",
            false,
            None,
        );
        let ch = p.channel.tag();
        self.leave(
            s,
            "next",
            format!("Nachricht „{}“ an {to_de} über {ch} gesendet", p.template),
            format!("Message {:?} sent to {to_en} via {ch}", p.template),
        )
    }
}
