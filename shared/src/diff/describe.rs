//! Plain-language rendering of values and parameter names for change sentences.

use serde_json::Value;

use super::Impact;
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

/// A value as people read it, in German (`true`) or English.
pub(super) fn show(key: &str, v: Option<&Value>, german: bool) -> String {
    let Some(v) = v else {
        return if german {
            "(nicht gesetzt)".into()
        } else {
            "(not set)".into()
        };
    };
    match v {
        Value::Null => {
            if MONEY_KEYS.contains(&key) {
                if german {
                    "unbegrenzt".into()
                } else {
                    "unlimited".into()
                }
            } else if german {
                "(nicht gesetzt)".into()
            } else {
                "(not set)".into()
            }
        }
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
        Value::String(s) => format!("„{s}“"),
        Value::Object(o) if o.contains_key("kind") => {
            // Assignee / recipient: {"kind":"role","ref":"R-TL"}
            let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
            let r = o.get("ref").and_then(Value::as_str).unwrap_or("");
            match (kind, german) {
                ("role", true) => format!("Rolle {r}"),
                ("role", false) => format!("role {r}"),
                ("person", true) => format!("Person {r}"),
                ("person", false) => format!("person {r}"),
                ("initiator", true) => "Antragsteller/in".into(),
                ("initiator", false) => "initiator".into(),
                ("applicant", true) => "Antragsteller/in".into(),
                ("applicant", false) => "applicant".into(),
                _ => format!("{kind} {r}"),
            }
        }
        other => other.to_string(),
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
