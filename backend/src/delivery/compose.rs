//! The mail of an outbox row, from the case and the effect, rendered by
//! [`crate::outputs::compose_message`].

use std::collections::BTreeMap;

use fachwerk_shared::engine::Effect;
use fachwerk_shared::model::BlockKind;
use fachwerk_shared::values::Date;
use fachwerk_shared::Workflow;

use crate::outputs::{
    compose_message, fill_placeholders, Authority, MessageInput, OutputError, PaymentRequest,
};

/// What a Rückfrage asks: its text (the block's template with `{{feld}}` filled in, else the
/// block's label) and the documents it asks for (the block's label) — or what the clerk wrote
/// ([`Question::of_payload`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub text: String,
    pub documents: Vec<String>,
}

impl Question {
    /// The clerk's Rückfrage stored in an outbox row's payload (`question`, `documents`).
    pub fn of_payload(payload: &serde_json::Value) -> Option<Question> {
        let text = payload["question"].as_str()?.to_string();
        let documents = payload["documents"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Some(Question { text, documents })
    }

    /// The text of the mail: the question, then the documents asked for.
    fn mail_text(&self) -> String {
        if self.documents.is_empty() {
            return self.text.clone();
        }
        let list: Vec<String> = self.documents.iter().map(|d| format!("- {d}")).collect();
        format!(
            "{}\n\nBitte reichen Sie ein / Please submit:\n{}",
            self.text.trim_end(),
            list.join("\n")
        )
    }
}

pub fn question(
    w: &Workflow,
    effect: &Effect,
    fields: &BTreeMap<String, serde_json::Value>,
) -> Result<Question, OutputError> {
    let Effect::SendMessage {
        block, template, ..
    } = effect
    else {
        return Ok(Question {
            text: String::new(),
            documents: Vec::new(),
        });
    };
    let b = w.block(block);
    let label = b.map(|b| b.label.clone()).unwrap_or_default();
    let text = if template.trim().is_empty() {
        label.clone()
    } else {
        fill_placeholders(template, w, fields)?
    };
    let documents = match b.map(|b| &b.kind) {
        Some(BlockKind::Rueckfrage(_)) if !label.is_empty() => vec![label],
        _ => Vec::new(),
    };
    Ok(Question { text, documents })
}

pub struct Input<'a> {
    pub workflow: &'a Workflow,
    pub authority: &'a str,
    pub aktenzeichen: &'a str,
    pub effect: &'a Effect,
    pub fields: &'a BTreeMap<String, serde_json::Value>,
    pub status_url: &'a str,
    pub answer_url: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub deadline: Option<&'a str>,
    /// A Zahlungsaufforderung's request.
    pub payment: Option<PaymentRequest>,
    /// A Bescheid's Bekanntgabe date.
    pub bekanntgabe: Option<Date>,
    /// What the clerk wrote (a Rückfrage composed in the Vorgang); none: the block's text.
    pub question: Option<&'a Question>,
}

/// Subject and text of the mail.
pub fn message(i: &Input<'_>) -> Result<(String, String), OutputError> {
    let Effect::SendMessage { block, message, .. } = i.effect else {
        return Err(OutputError::InvalidInput {
            field: "effect".into(),
            message_de: "keine Nachricht".into(),
            message_en: "not a message".into(),
        });
    };
    let text = match i.question {
        Some(q) => q.mail_text(),
        None => question(i.workflow, i.effect, i.fields)?.text,
    };
    let composed = compose_message(&MessageInput {
        kind: *message,
        authority: Authority {
            name: i.authority.to_string(),
            ..Authority::default()
        },
        workflow_name: i.workflow.name.clone(),
        reference: i.aktenzeichen.to_string(),
        recipient_name: None,
        step_label: i
            .workflow
            .block(block)
            .map(|b| b.label.clone())
            .unwrap_or_default(),
        text: Some(text).filter(|t| !t.trim().is_empty()),
        status_link: i.status_url.to_string(),
        answer_link: i.answer_url.map(str::to_string),
        due: i.deadline.and_then(Date::parse),
        bekanntgabe: i.bekanntgabe,
        payment: i.payment.clone(),
        attachments: Vec::new(),
    })?;
    Ok((composed.subject, composed.text))
}
