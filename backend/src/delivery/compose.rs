//! The text of a mail: subject and plain text, German first with English below, carrying the
//! status link and, for a Rückfrage, the one-time answer link.

use std::collections::BTreeMap;

use fachwerk_shared::engine::{Effect, MessageKind};
use fachwerk_shared::model::BlockKind;
use fachwerk_shared::Workflow;

pub struct Input<'a> {
    pub workflow: &'a Workflow,
    pub aktenzeichen: &'a str,
    pub effect: &'a Effect,
    pub fields: &'a BTreeMap<String, serde_json::Value>,
    pub status_url: &'a str,
    pub answer_url: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub deadline: Option<&'a str>,
}

pub struct Composed {
    pub subject: String,
    pub text: String,
}

/// What a Rückfrage asks: its text (the block's template, `{feld}` replaced by the case
/// field's value) and the documents it asks for (the block's label when the text names none).
pub struct Question {
    pub text: String,
    pub documents: Vec<String>,
}

/// Replaces `{name}` by the value of case field `name` (unknown names stay as written).
fn fill(text: &str, fields: &BTreeMap<String, serde_json::Value>) -> String {
    let mut out = text.to_string();
    for (name, value) in fields {
        let v = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out = out.replace(&format!("{{{name}}}"), &v);
    }
    out
}

pub fn question(
    w: &Workflow,
    effect: &Effect,
    fields: &BTreeMap<String, serde_json::Value>,
) -> Question {
    let Effect::SendMessage {
        block, template, ..
    } = effect
    else {
        return Question {
            text: String::new(),
            documents: Vec::new(),
        };
    };
    let b = w.block(block);
    let label = b.map(|b| b.label.clone()).unwrap_or_default();
    let text = if template.trim().is_empty() {
        label.clone()
    } else {
        fill(template, fields)
    };
    let documents = match b.map(|b| &b.kind) {
        Some(BlockKind::Rueckfrage(_)) if !label.is_empty() => vec![label],
        _ => Vec::new(),
    };
    Question { text, documents }
}

/// German date `TT.MM.JJJJ` of `YYYY-MM-DD`.
fn german_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

pub fn message(i: &Input<'_>) -> Composed {
    let Effect::SendMessage { message, .. } = i.effect else {
        return Composed {
            subject: i.aktenzeichen.to_string(),
            text: String::new(),
        };
    };
    let name = &i.workflow.name;
    let (what_de, what_en) = match message {
        MessageKind::Rueckfrage => (
            "Rückfrage zu Ihrem Antrag",
            "A question about your application",
        ),
        MessageKind::Erinnerung => (
            "Erinnerung: Rückfrage zu Ihrem Antrag",
            "Reminder: a question about your application",
        ),
        MessageKind::Bescheid => (
            "Bescheid zu Ihrem Antrag",
            "The decision on your application",
        ),
        MessageKind::Zahlungsaufforderung => ("Zahlungsaufforderung", "Request for payment"),
        _ => ("Nachricht zu Ihrem Antrag", "News about your application"),
    };
    let subject = format!("{what_de} „{name}“ – Aktenzeichen {}", i.aktenzeichen);
    let mut de = format!(
        "Guten Tag,\n\n{what_de} „{name}“ (Aktenzeichen {}).\n",
        i.aktenzeichen
    );
    let mut en = format!("{what_en} \"{name}\" (file number {}).\n", i.aktenzeichen);
    if matches!(message, MessageKind::Rueckfrage | MessageKind::Erinnerung) {
        let q = question(i.workflow, i.effect, i.fields);
        de.push_str(&format!("\n{}\n", q.text));
        if let Some(url) = i.answer_url {
            de.push_str(&format!(
                "\nBitte antworten Sie über diesen Link (er gilt für eine Antwort):\n{url}\n"
            ));
            en.push_str(&format!(
                "Please answer using this link (it takes one answer):\n{url}\n"
            ));
        }
        if let Some(d) = i.deadline {
            de.push_str(&format!(
                "\nBitte antworten Sie bis zum {}.\n",
                german_date(d)
            ));
            en.push_str(&format!("Please answer by {d}.\n"));
        }
    }
    de.push_str(&format!(
        "\nDen Stand Ihres Antrags sehen Sie hier:\n{}\n",
        i.status_url
    ));
    en.push_str(&format!(
        "You can see the status of your application here:\n{}\n",
        i.status_url
    ));
    de.push_str("\nMit freundlichen Grüßen\nIhre Verwaltung\n");
    Composed {
        subject,
        text: format!("{de}\n-- English --\n\n{en}"),
    }
}
