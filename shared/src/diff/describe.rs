//! Plain-language rendering of values and parameter names for change sentences.

use serde_json::Value;

use super::names::Names;
use super::Impact;
use crate::model::BlockId;
use crate::values::{Duration, Money};

/// Parameters that hold durations.
pub(super) const DURATION_KEYS: &[&str] = &[
    "dueIn",
    "replyDeadline",
    "reminderAfter",
    "duration",
    "offset",
    "after",
    "abrufFrist",
    "payDeadline",
];
/// Parameters that hold money.
pub(super) const MONEY_KEYS: &[&str] = &["lower", "upper"];
/// Parameters that are only text for people.
pub(super) const TEXT_KEYS: &[&str] = &["instructions", "template", "label", "formRef"];

/// German and English name of a parameter key.
pub(super) fn param_name(key: &str) -> (&str, &str) {
    match key {
        "assignee" => ("Zuständigkeit", "assignee"),
        "instructions" => ("Verfügungstext", "instructions"),
        "outcomes" => ("Ausgänge", "outcomes"),
        "dueIn" => ("Bearbeitungsfrist", "processing deadline"),
        "formRef" => ("Formular", "form"),
        "trigger" => ("Auslöser", "trigger"),
        "timer" => ("Zeitplan", "timer"),
        "eingangsbestaetigung" => ("Eingangsbestätigung", "acknowledgement of receipt"),
        "initiatorRole" => ("Antragstellende Rolle", "initiator role"),
        "firstCheck" => ("Erstprüfung", "first check"),
        "firstCheckBlock" => ("Erstprüfung durch Schritt", "first check by step"),
        "secondCheck" => ("Zweitprüfung", "second check"),
        "distinctFrom" => ("Personentrennung", "separation of duties"),
        "excludeInitiator" => ("Antragsteller ausgeschlossen", "initiator excluded"),
        "participants" => ("Mitzeichnende", "co-signers"),
        "mode" => ("Reihenfolge der Mitzeichnung", "co-signing mode"),
        "decisionRule" => ("Entscheidungsregel", "decision rule"),
        "comment" => ("Begründungspflicht", "comment rule"),
        "signer" => ("Zeichnungsberechtigte", "signer"),
        "amountField" => ("Betragsfeld", "amount field"),
        "signatureLevel" => ("Signaturniveau", "signature level"),
        "zeichnungszusatz" => ("Zeichnungszusatz", "signing annotation"),
        "basis" => ("Bemessung (netto/brutto)", "basis (net/gross)"),
        "currency" => ("Währung", "currency"),
        "bands" => ("Wertgrenzen", "value bands"),
        "lower" => ("Untergrenze", "lower bound"),
        "upper" => ("Wertgrenze", "threshold"),
        "rules" => ("Regeln", "rules"),
        "condition" => ("Bedingung", "condition"),
        "evaluation" => ("Auswertung", "evaluation"),
        "channel" => ("Kanal", "channel"),
        "template" => ("Vorlage", "template"),
        "replyDeadline" => ("Antwortfrist", "reply deadline"),
        "reminderAfter" => ("Erinnerung nach", "reminder after"),
        "maxRounds" => ("Höchstzahl der Rückfragen", "maximum rounds"),
        "kind" => ("Art", "kind"),
        "duration" => ("Dauer", "duration"),
        "dateField" => ("Datumsfeld", "date field"),
        "offset" => ("Versatz", "offset"),
        "calendar" => ("Kalender", "calendar"),
        "notify" => ("Wiedervorlage an", "notify"),
        "attachedTo" => ("überwachter Schritt", "watched step"),
        "after" => ("Eskalationsfrist", "escalation deadline"),
        "interrupting" => ("Aufgabe entziehen", "interrupting"),
        "escalateTo" => ("Eskalation an", "escalate to"),
        "abrufFrist" => ("Abruffrist", "download period"),
        "fiktionTage" => ("Bekanntgabefiktion (Tage)", "deemed notification (days)"),
        "amount" => ("Betrag", "amount"),
        "kassenzeichenField" => ("Kassenzeichen", "payment reference"),
        "methods" => ("Zahlarten", "payment methods"),
        "timing" => ("Zahlungszeitpunkt", "payment timing"),
        "payDeadline" => ("Zahlungsfrist", "payment deadline"),
        "target" => ("DMS-Ziel", "DMS target"),
        "aktenplanKennzeichen" => ("Aktenplan-Kennzeichen", "file plan reference"),
        "containerRule" => ("Ablageort", "filing location"),
        "include" => ("Umfang der Ablage", "filing scope"),
        "zda" => ("zdA-Verfügung", "close file (zdA)"),
        "aufbewahrungsdauerJahre" => ("Aufbewahrungsdauer (Jahre)", "retention (years)"),
        "aussonderungsart" => ("Aussonderungsart", "disposal type"),
        "recipient" => ("Empfänger", "recipient"),
        "templateKind" => ("Art der Nachricht", "message kind"),
        "result" => ("Ergebnis", "result"),
        "terminate" => ("beendet alle Zweige", "terminates all branches"),
        "mandatory" => ("Pflicht", "mandatory"),
        "n" => ("Quorum", "quorum"),
        "rule" => ("Regel", "rule"),
        "field" => ("Feld", "field"),
        other => (other, other),
    }
}

/// Parameters that hold a block id.
pub(super) const BLOCK_KEYS: &[&str] = &["distinctFrom", "firstCheckBlock", "attachedTo"];
/// Parameters that hold the name of a case field.
const FIELD_KEYS: &[&str] = &["amountField", "dateField", "field", "kassenzeichenField"];
/// Parameters that hold an expression over case fields.
const EXPRESSION_KEYS: &[&str] = &["condition", "amount"];

/// Text in German („…“) or English (“…”) quotation marks.
pub(super) fn quote(german: bool, s: &str) -> String {
    if german {
        format!("„{s}“")
    } else {
        format!("“{s}”")
    }
}

fn lang(german: bool, de: &str, en: &str) -> String {
    if german { de } else { en }.to_string()
}

/// A value as people read it, in German (`true`) or English: ids become labels and names,
/// lists and objects become words (never JSON).
pub(super) fn show(names: &Names, key: &str, v: Option<&Value>, german: bool) -> String {
    let Some(v) = v else {
        return lang(german, "(nicht gesetzt)", "(not set)");
    };
    match v {
        Value::Null if MONEY_KEYS.contains(&key) => lang(german, "unbegrenzt", "unlimited"),
        Value::Null => lang(german, "(nicht gesetzt)", "(not set)"),
        Value::Bool(b) => match (german, b) {
            (true, true) => "ja".into(),
            (true, false) => "nein".into(),
            (false, true) => "yes".into(),
            (false, false) => "no".into(),
        },
        Value::String(s) if MONEY_KEYS.contains(&key) => match Money::parse(s) {
            Ok(m) if german => m.to_german(),
            Ok(m) => m.to_english(),
            Err(_) => s.clone(),
        },
        Value::String(s) if DURATION_KEYS.contains(&key) => {
            let d = Duration::new(s.clone());
            if german {
                d.to_german()
            } else {
                d.to_english()
            }
        }
        Value::String(s) if BLOCK_KEYS.contains(&key) => {
            let id = BlockId::new(s.as_str());
            let name = if german {
                names.block(&id)
            } else {
                names.block_en(&id)
            };
            quote(german, &name)
        }
        Value::String(s) if FIELD_KEYS.contains(&key) => quote(german, &names.field(s)),
        Value::String(s) if EXPRESSION_KEYS.contains(&key) => quote(german, &names.expression(s)),
        Value::String(s) => quote(german, s),
        Value::Array(items) if items.is_empty() => lang(german, "(keine)", "(none)"),
        Value::Array(items) => items
            .iter()
            .map(|x| show(names, key, Some(x), german))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) if o.contains_key("mandatory") => participant(names, v, german),
        Value::Object(o) if o.contains_key("rule") => match o.get("n").and_then(Value::as_u64) {
            Some(n) if german => format!("mindestens {n} Zustimmungen"),
            Some(n) => format!("at least {n} approvals"),
            None => lang(
                german,
                "alle Pflichtbeteiligten stimmen zu",
                "all mandatory participants approve",
            ),
        },
        Value::Object(o) if o.contains_key("ref") || (o.len() == 1 && o.contains_key("kind")) => {
            // Assignee / recipient: {"kind":"role","ref":"R-TL"}
            let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
            let r = o.get("ref").and_then(Value::as_str).unwrap_or("");
            match (kind, german) {
                ("role", true) => format!("Rolle „{}“", names.role(r)),
                ("role", false) => format!("role “{}”", names.role(r)),
                ("person", true) => format!("Person „{r}“"),
                ("person", false) => format!("person “{r}”"),
                ("expression", true) => format!("Ausdruck „{}“", names.expression(r)),
                ("expression", false) => format!("expression “{}”", names.expression(r)),
                ("initiator", true) => "Antragsteller/in".into(),
                ("initiator", false) => "initiator".into(),
                ("applicant", true) => "Antragsteller/in".into(),
                ("applicant", false) => "applicant".into(),
                _ => quote(german, r),
            }
        }
        Value::Object(o) => o
            .iter()
            .map(|(k, x)| {
                let (de, en) = param_name(k);
                let name = if german { de } else { en };
                format!("{name} {}", show(names, k, Some(x), german))
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// A Mitzeichnung participant by its label, else by who performs it.
pub(super) fn participant(names: &Names, v: &Value, german: bool) -> String {
    let label = v.get("label").and_then(Value::as_str).unwrap_or("").trim();
    if !label.is_empty() {
        return quote(german, label);
    }
    match v.get("assignee") {
        Some(Value::Object(o)) if o.get("kind").and_then(Value::as_str) == Some("role") => {
            let r = o.get("ref").and_then(Value::as_str).unwrap_or("");
            quote(german, &names.role(r))
        }
        Some(a @ Value::Object(_)) => show(names, "assignee", Some(a), german),
        _ => lang(german, "(ohne Bezeichnung)", "(unnamed)"),
    }
}

/// Sentence and impact for a changed Zeichnungsbefugnis.
pub(super) fn signing_limit(
    role: &str,
    old: Option<Money>,
    new: Option<Money>,
) -> (String, String, Impact) {
    let de = |m: Option<Money>| m.map_or("unbegrenzt".to_string(), Money::to_german);
    let en = |m: Option<Money>| m.map_or("unlimited".to_string(), Money::to_english);
    // None = unlimited, so a lower Some is a tightening.
    let raised = match (old, new) {
        (Some(o), Some(n)) => n > o,
        (Some(_), None) => true,
        _ => false,
    };
    let (verb_de, verb_en, impact) = if raised {
        ("angehoben", "raised", Impact::Feature)
    } else {
        ("gesenkt", "lowered", Impact::Breaking)
    };
    (
        format!(
            "Zeichnungsbefugnis der Rolle „{role}“ von {} auf {} {verb_de}",
            de(old),
            de(new)
        ),
        format!(
            "Signing limit of role “{role}” {verb_en} from {} to {}",
            en(old),
            en(new)
        ),
        impact,
    )
}
