//! Wording of explanations and the plain-text rendering of a trace.

use super::calendar::de;
use super::input::Case;
use super::{Outcome, Trace};
use crate::catalog;
use crate::expr::{Decimal, Value};
use crate::model::{EndResult, FieldType, Workflow};
use crate::values::Money;

pub(super) fn money_de(m: Money) -> String {
    m.to_german()
}

pub(super) fn money_en(m: Money) -> String {
    m.to_english()
}

pub(super) fn port_de(port: &str) -> String {
    catalog::port_label(port).0
}

pub(super) fn port_en(port: &str) -> String {
    catalog::port_label(port).1
}

pub(super) fn days_de(n: u32) -> String {
    if n == 1 {
        "1 Arbeitstag".into()
    } else {
        format!("{n} Arbeitstagen")
    }
}

pub(super) fn days_en(n: u32) -> String {
    if n == 1 {
        "1 working day".into()
    } else {
        format!("{n} working days")
    }
}

pub(super) fn end_result_de(r: EndResult) -> &'static str {
    match r {
        EndResult::Erledigt => "erledigt",
        EndResult::Abgelehnt => "abgelehnt",
        EndResult::Zurueckgenommen => "zurückgenommen",
        EndResult::Eingestellt => "eingestellt",
    }
}

pub(super) fn end_result_en(r: EndResult) -> &'static str {
    match r {
        EndResult::Erledigt => "done",
        EndResult::Abgelehnt => "rejected",
        EndResult::Zurueckgenommen => "withdrawn",
        EndResult::Eingestellt => "discontinued",
    }
}

fn decimal_money(n: Decimal) -> Option<Money> {
    n.to_money()
}

/// "fahrbahnBetroffen = ja, dauerTage = 40" (German) and the English counterpart.
pub(super) fn field_values(w: &Workflow, case: &Case, fields: &[String]) -> (String, String) {
    let mut de_v = Vec::new();
    let mut en_v = Vec::new();
    for f in fields {
        let money = w.field(f).is_some_and(|x| x.field_type == FieldType::Money);
        let (d, e) = match case.value(f) {
            Value::Null => ("leer".to_string(), "empty".to_string()),
            Value::Bool(b) => (if b { "ja" } else { "nein" }.to_string(), b.to_string()),
            Value::Number(n) if money => match decimal_money(n) {
                Some(m) => (m.to_german(), m.to_english()),
                None => (n.to_german(), n.to_string()),
            },
            Value::Number(n) => (n.to_german(), n.to_string()),
            Value::Text(t) => (format!("„{t}“"), format!("{t:?}")),
            Value::Date(d) => (de(d), d.to_string()),
            Value::Duration(d) => (d.to_german(), d.to_english()),
        };
        de_v.push(format!("{f} = {d}"));
        en_v.push(format!("{f} = {e}"));
    }
    (de_v.join(", "), en_v.join(", "))
}

/// One line per step, then the outcome.
pub(super) fn render_de(t: &Trace) -> String {
    let mut out = format!(
        "Probelauf {} (Ablauf {} v{}), Start {}, Land {:?}\n",
        t.case_id, t.workflow_key, t.workflow_version, t.start_date, t.land
    );
    for (i, s) in t.steps.iter().enumerate() {
        let who = match (&s.person, &s.role_name) {
            (Some(p), Some(r)) => format!(" – {p} ({r})"),
            (Some(p), None) => format!(" – {p}"),
            _ => String::new(),
        };
        let due = s
            .due
            .map(|d| format!(", Frist {}", de(d)))
            .unwrap_or_default();
        let port = s
            .decision
            .port
            .as_ref()
            .map(|p| format!(" [{p}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:>3}. {}–{}{due} „{}“ ({}){who}{port}: {}\n",
            i + 1,
            de(s.entered),
            de(s.completed),
            s.label,
            s.block_type,
            s.decision.explanation_de
        ));
    }
    match &t.outcome {
        Outcome::Ended { block, result } => out.push_str(&format!(
            "Ergebnis: beendet in „{block}“ – {}\n",
            end_result_de(*result)
        )),
        Outcome::Refused {
            block, message_de, ..
        } => out.push_str(&format!(
            "Ergebnis: verweigert in „{block}“ – {message_de}\n"
        )),
        Outcome::Blocked {
            block, message_de, ..
        } => out.push_str(&format!(
            "Ergebnis: blockiert in „{block}“ – {message_de}\n"
        )),
    }
    if !t.geschaeftsgang.is_empty() {
        out.push_str("Geschäftsgang:\n");
        for g in &t.geschaeftsgang {
            let who = g.person.clone().unwrap_or_else(|| "–".into());
            let done = g.done.map(de).unwrap_or_else(|| "–".into());
            out.push_str(&format!(
                "{:>3}. {} – {who}: {} ({done})\n",
                g.number, g.verfuegung, g.vermerk
            ));
        }
    }
    for m in &t.xdomea {
        out.push_str(&format!("xdomea {}: {}\n", m.code, m.file_name));
    }
    out
}
