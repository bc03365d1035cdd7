//! Mail texts of every [`MessageKind`]: German first, English below, plain language. Mails to
//! the applicant carry the status link, a Rückfrage and its reminder the one-time answer link.

use fachwerk_shared::engine::MessageKind;
use fachwerk_shared::values::Date;

use super::kasse::payment_text;
use super::{date_de, Authority, Document, OutputError, PaymentRequest};

/// Everything a mail says; the caller fills it from the case and the effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageInput {
    pub kind: MessageKind,
    pub authority: Authority,
    /// "Sondernutzungserlaubnis".
    pub workflow_name: String,
    /// The Aktenzeichen, else the case id: how the applicant refers to the case.
    pub reference: String,
    /// Name for the salutation; none → "Guten Tag,".
    pub recipient_name: Option<String>,
    /// Label of the block that sends (for clerk messages: the overdue task).
    pub step_label: String,
    /// The message's own text: the question of a Rückfrage, the content of a Benachrichtigung.
    pub text: Option<String>,
    /// Link to the applicant's status page of the case (clerk messages: to the case).
    pub status_link: String,
    /// One-time answer link of a Rückfrage or Erinnerung (required there).
    pub answer_link: Option<String>,
    /// Answer deadline (Rückfrage, Erinnerung), due date (Eskalation, Wiedervorlage).
    pub due: Option<Date>,
    /// The Bekanntgabe date of a Bescheid sent by e-mail, when known.
    pub bekanntgabe: Option<Date>,
    /// Required for a Zahlungsaufforderung.
    pub payment: Option<PaymentRequest>,
    /// Attached as they are (the Bescheid PDF).
    pub attachments: Vec<Document>,
}

/// A mail ready for the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedMessage {
    pub subject: String,
    /// Plain text, German then English.
    pub text: String,
    pub attachments: Vec<Document>,
}

fn need<'a>(v: Option<&'a String>, field: &str, kind: &str) -> Result<&'a str, OutputError> {
    v.map(String::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            OutputError::invalid(
                field,
                &format!("eine Nachricht „{kind}“ braucht ihn"),
                &format!("a {kind} message needs it"),
            )
        })
}

/// The mail of `m`. A Rückfrage or Erinnerung without answer link, or a Zahlungsaufforderung
/// without payment, is refused (naming the field).
pub fn compose_message(m: &MessageInput) -> Result<ComposedMessage, OutputError> {
    let hello_de = match &m.recipient_name {
        Some(n) if !n.trim().is_empty() => format!("Guten Tag {},", n.trim()),
        _ => "Guten Tag,".to_string(),
    };
    let hello_en = match &m.recipient_name {
        Some(n) if !n.trim().is_empty() => format!("Dear {},", n.trim()),
        _ => "Hello,".to_string(),
    };
    let what = format!("„{}“ (Aktenzeichen {})", m.workflow_name, m.reference);
    let what_en = format!("\"{}\" (reference {})", m.workflow_name, m.reference);
    let due_de = m.due.map(date_de);
    let due_en = m.due.map(|d| d.to_string());
    let text = m.text.as_deref().map(str::trim).unwrap_or("");
    let (subject, de, en) = match m.kind {
        MessageKind::Rueckfrage | MessageKind::Erinnerung => {
            let link = need(m.answer_link.as_ref(), "answerLink", "Rückfrage")?;
            let reminder = m.kind == MessageKind::Erinnerung;
            let (subj_de, subj_en, lead_de, lead_en) = if reminder {
                (
                    "Erinnerung: Rückfrage",
                    "Reminder: query",
                    format!("wir erinnern Sie an unsere Rückfrage zu Ihrem Antrag {what}. Wir haben noch keine Antwort erhalten."),
                    format!("this is a reminder of our query about your application {what_en}. We have not received an answer yet."),
                )
            } else {
                (
                    "Rückfrage",
                    "Query",
                    format!("zu Ihrem Antrag {what} haben wir eine Rückfrage."),
                    format!("we have a question about your application {what_en}."),
                )
            };
            let until_de = due_de
                .as_ref()
                .map(|d| format!(" bis zum {d}"))
                .unwrap_or_default();
            let until_en = due_en
                .as_ref()
                .map(|d| format!(" by {d}"))
                .unwrap_or_default();
            let q = if text.is_empty() {
                String::new()
            } else {
                format!("\n\n{text}")
            };
            (
                format!("{subj_de} zu Ihrem Antrag {} / {subj_en}", m.reference),
                format!("{lead_de}{q}\n\nBitte antworten Sie{until_de} über diesen Link. Sie brauchen dafür kein Konto; der Link gilt für eine Antwort, Dateien können Sie anhängen:\n{link}"),
                format!("{lead_en}{q}\n\nPlease answer{until_en} using this link. You need no account; the link works for one answer, and you can attach files:\n{link}"),
            )
        }
        MessageKind::Bescheid => {
            let known_de = m
                .bekanntgabe
                .map(|d| {
                    format!(
                        " Er gilt am {} als bekannt gegeben (§ 41 Abs. 2 VwVfG).",
                        date_de(d)
                    )
                })
                .unwrap_or_default();
            let known_en = m
                .bekanntgabe
                .map(|d| format!(" It counts as notified on {d} (§ 41(2) VwVfG)."))
                .unwrap_or_default();
            (
                format!("Bescheid zu Ihrem Antrag {} / Decision notice", m.reference),
                format!("zu Ihrem Antrag {what} haben wir entschieden. Den Bescheid finden Sie im Anhang dieser E-Mail (PDF).{known_de} Bitte lesen Sie auch die Rechtsbehelfsbelehrung am Ende des Bescheids."),
                format!("we have decided on your application {what_en}. The decision notice is attached to this e-mail (PDF, in German).{known_en} Please also read the information on legal remedies at its end."),
            )
        }
        MessageKind::Zahlungsaufforderung => {
            let p = m.payment.as_ref().ok_or_else(|| {
                OutputError::invalid(
                    "payment",
                    "eine Zahlungsaufforderung braucht Betrag und Kassenzeichen",
                    "a payment request needs amount and Kassenzeichen",
                )
            })?;
            let body = payment_text(p);
            let (pay_de, pay_en) = body
                .split_once("\n--- English ---\n")
                .unwrap_or((body.as_str(), ""));
            (
                format!(
                    "Zahlungsaufforderung zu Ihrem Antrag {} / Payment request",
                    m.reference
                ),
                format!(
                    "für Ihren Antrag {what} ist eine Zahlung fällig.\n\n{}",
                    pay_de.trim_end()
                ),
                format!(
                    "a payment is due for your application {what_en}.\n\n{}",
                    pay_en.trim_end()
                ),
            )
        }
        MessageKind::Benachrichtigung => {
            let body_de = if text.is_empty() {
                format!(
                    "es gibt Neuigkeiten zu Ihrem Antrag {what}: „{}“.",
                    m.step_label
                )
            } else {
                format!("es gibt Neuigkeiten zu Ihrem Antrag {what}:\n\n{text}")
            };
            let body_en = if text.is_empty() {
                format!(
                    "there is news about your application {what_en}: \"{}\".",
                    m.step_label
                )
            } else {
                format!("there is news about your application {what_en}:\n\n{text}")
            };
            (
                format!(
                    "Neuigkeiten zu Ihrem Antrag {} / News about your application",
                    m.reference
                ),
                body_de,
                body_en,
            )
        }
        MessageKind::Eskalation | MessageKind::Wiedervorlage => {
            let esc = m.kind == MessageKind::Eskalation;
            let since_de = due_de
                .as_ref()
                .map(|d| format!(" (fällig am {d})"))
                .unwrap_or_default();
            let since_en = due_en
                .as_ref()
                .map(|d| format!(" (due on {d})"))
                .unwrap_or_default();
            if esc {
                (
                    format!("Eskalation: „{}“ im Fall {} / Escalation", m.step_label, m.reference),
                    format!("die Aufgabe „{}“ im Fall {what} ist nicht rechtzeitig erledigt worden{since_de}. Bitte kümmern Sie sich darum.", m.step_label),
                    format!("the task \"{}\" of case {what_en} was not done in time{since_en}. Please take care of it.", m.step_label),
                )
            } else {
                (
                    format!("Wiedervorlage: Fall {} / Resubmission", m.reference),
                    format!(
                        "der Fall {what} liegt Ihnen zur Wiedervorlage vor: „{}“{since_de}.",
                        m.step_label
                    ),
                    format!(
                        "case {what_en} is resubmitted to you: \"{}\"{since_en}.",
                        m.step_label
                    ),
                )
            }
        }
    };
    let internal = matches!(m.kind, MessageKind::Eskalation | MessageKind::Wiedervorlage);
    let (link_de, link_en) = if internal {
        ("Zum Fall", "The case")
    } else {
        (
            "Den Stand Ihres Antrags sehen Sie jederzeit hier",
            "See the status of your application at any time here",
        )
    };
    let sign = &m.authority.name;
    let text = format!(
        "{hello_de}\n\n{de}\n\n{link_de}:\n{status}\n\nMit freundlichen Grüßen\n{sign}\n\n--- English ---\n\n{hello_en}\n\n{en}\n\n{link_en}:\n{status}\n\nKind regards\n{sign}\n",
        status = m.status_link,
    );
    Ok(ComposedMessage {
        subject,
        text,
        attachments: m.attachments.clone(),
    })
}
