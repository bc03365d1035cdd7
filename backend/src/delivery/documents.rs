//! The outputs that are documents: the Bescheid PDF of a mail, the payment request of a
//! Zahlungsaufforderung, the xdomea containers of a Veraktung (E-Akte outbox).

use std::sync::Arc;

use fachwerk_shared::engine::{Effect, State};
use serde_json::json;

use super::{Deliveries, DeliveryError};
use crate::db::{ClaimedDelivery, NewAudit, SentOutput};
use crate::fsutil;

impl Deliveries {
    /// The xdomea containers of a Veraktung (the case's documents with the 0605), written to
    /// the E-Akte outbox directory, each complete or not at all (written aside, then renamed).
    pub(super) async fn deliver_filing(
        &self,
        row: &ClaimedDelivery,
    ) -> Result<bool, DeliveryError> {
        let effect: Effect = serde_json::from_value(row.payload["effect"].clone())
            .map_err(|e| DeliveryError::Permanent(format!("Ausgang unlesbar: {e}")))?;
        let Effect::WriteFiling { messages } = effect else {
            return Err(DeliveryError::Permanent(
                "Ausgang ist keine Veraktung.".into(),
            ));
        };
        let stored =
            self.db.case(&row.case_id).await?.ok_or_else(|| {
                DeliveryError::Permanent("Den Vorgang gibt es nicht mehr.".into())
            })?;
        let w = self
            .cases
            .workflow_of(&stored.summary.workflow, &stored.summary.version)
            .await?;
        let mut documents = Vec::new();
        for d in self.db.documents(&row.case_id).await? {
            let Some((_, bytes)) = self.db.document(&row.case_id, &d.id).await? else {
                continue;
            };
            let upload = d.source == fachwerk_shared::api::DocumentSource::Upload;
            documents.push(crate::outputs::StoredDocument {
                date: d
                    .created_at
                    .get(..10)
                    .and_then(fachwerk_shared::values::Date::parse)
                    .unwrap_or_else(|| self.cases.clock_today()),
                betreff: d.name.clone(),
                typ: if upload { "Anlage" } else { "Bescheid" }.into(),
                incoming: upload,
                pdfa: !upload && d.media_type == "application/pdf",
                signed: false,
                id: d.id,
                name: d.name,
                media_type: d.media_type,
                bytes,
            });
        }
        let date = self.cases.clock_today();
        let containers = tokio::task::spawn_blocking(move || {
            crate::outputs::filing_container(&crate::outputs::FilingInput {
                workflow: &w,
                messages,
                documents,
                date,
            })
        })
        .await
        .map_err(|e| DeliveryError::Transient(e.to_string()))?
        .map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        let dir = self.config.eakte_dir.clone();
        let files: Vec<_> = containers
            .iter()
            .map(|c| json!({ "file": c.file_name, "sha256": c.sha256, "size": c.bytes.len() }))
            .collect();
        let (first_sha, total) = (
            containers
                .first()
                .map(|c| c.sha256.clone())
                .unwrap_or_default(),
            containers.iter().map(|c| c.bytes.len() as u64).sum::<u64>(),
        );
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            fsutil::ensure_dir(&dir)?;
            for c in &containers {
                // The renderer's names are safe file names; never a path from input.
                let name = crate::outputs::safe_file_name(&c.file_name);
                fsutil::write_atomic(&dir.join(name), &c.bytes)?;
            }
            Ok(())
        })
        .await
        .map_err(|e| DeliveryError::Transient(e.to_string()))?
        .map_err(|e| DeliveryError::Transient(format!("E-Akte-Ausgang: {e}")))?;
        let audit = NewAudit {
            kind: "filingWritten",
            detail: json!({ "delivery": row.id, "files": files }),
            account_id: None,
            person_id: None,
        };
        Ok(self
            .db
            .delivery_sent(
                &row.id,
                row.revision,
                &SentOutput {
                    sha256: first_sha,
                    size: total,
                    audit,
                },
            )
            .await?)
    }

    /// The Bescheid of the block as PDF (rendered off the async workers), stored with the case
    /// once (the renderer is deterministic: a retry renders the same bytes), and its
    /// Bekanntgabe date as the Probelauf computes it.
    pub(super) async fn bescheid(
        &self,
        stored: &crate::db::StoredCase,
        state: &State,
        w: &Arc<fachwerk_shared::Workflow>,
        effect: &Effect,
    ) -> Result<(crate::outputs::Document, fachwerk_shared::values::Date), DeliveryError> {
        let Effect::SendMessage { block, .. } = effect else {
            return Err(DeliveryError::Permanent(
                "Ausgang ist keine Nachricht.".into(),
            ));
        };
        let (pdf, bekanntgabe) = self
            .render_bescheid(stored, state, w, block.as_str())
            .await?;
        let known = self.db.documents(&stored.summary.id).await?;
        if !known.iter().any(|d| d.sha256 == pdf.sha256) {
            self.db
                .insert_document(
                    &stored.summary.id,
                    &crate::db::NewDocument {
                        name: pdf.file_name.clone(),
                        media_type: pdf.media_type.clone(),
                        source: fachwerk_shared::api::DocumentSource::Rendered,
                        data: pdf.bytes.clone(),
                    },
                )
                .await?;
        }
        Ok((pdf, bekanntgabe))
    }

    /// The PDF the Bescheid block `block` produces for the case today (nothing stored), and
    /// its Bekanntgabe date.
    pub(super) async fn render_bescheid(
        &self,
        stored: &crate::db::StoredCase,
        state: &State,
        w: &Arc<fachwerk_shared::Workflow>,
        block: &str,
    ) -> Result<(crate::outputs::Document, fachwerk_shared::values::Date), DeliveryError> {
        use fachwerk_shared::model::BlockKind;
        let b = w
            .blocks
            .iter()
            .find(|b| b.id.as_str() == block)
            .ok_or_else(|| DeliveryError::Permanent(format!("Baustein „{block}“ fehlt.")))?;
        let BlockKind::Bescheid(p) = &b.kind else {
            return Err(DeliveryError::Permanent(format!(
                "„{}“ ist kein Bescheid-Baustein.",
                b.label
            )));
        };
        let fields = state.current_fields();
        let applicant = ["antragsteller", "name"]
            .iter()
            .find_map(|f| fields.get(*f).and_then(|v| v.as_str()))
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Antragstellende Person".into());
        // The block's template is its text when it reads like one (an id has no spaces).
        let body = if p.template.trim().contains(char::is_whitespace) {
            p.template.clone()
        } else {
            format!(
                "Über Ihren Antrag „{}“ ist entschieden. Die Entscheidung teilt Ihnen dieser Bescheid mit.",
                w.name
            )
        };
        let today = self.cases.clock_today();
        let (channel, fiktion_tage, land) = (p.channel, p.fiktion_tage, state.land);
        let bekanntgabe =
            fachwerk_shared::simulate::calendar::bekanntgabe_fiktion(today, fiktion_tage, land)
                .date;
        let (w, title) = (Arc::clone(w), b.label.clone());
        let (case_id, aktenzeichen) = (
            stored.summary.id.clone(),
            stored.summary.aktenzeichen.clone(),
        );
        let authority = self.config.authority.clone();
        let pdf = crate::security::limits::cpu(move || {
            crate::outputs::render_bescheid(&crate::outputs::BescheidInput {
                authority: crate::outputs::Authority {
                    name: authority,
                    ..crate::outputs::Authority::default()
                },
                workflow: &w,
                case_id,
                aktenzeichen: Some(aktenzeichen),
                applicant: crate::outputs::Addressee {
                    name: applicant,
                    address: Vec::new(),
                },
                date: today,
                land,
                channel,
                fiktion_tage,
                title,
                body,
                fields,
                rechtsbehelfsbelehrung: None,
                verwaltungsgericht: None,
                signer: None,
                // A fee due with the Bescheid gets its own Zahlungsaufforderung when the case
                // reaches the Zahlung block (after the Bescheid in the templates); its
                // Kassenzeichen does not exist yet here.
                payment: None,
            })
        })
        .await
        .map_err(|e| DeliveryError::Transient(e.to_string()))?
        .map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        Ok((pdf, bekanntgabe))
    }

    /// The payment request of a Zahlung's task: recorded once (the same again on a retry),
    /// amount from the block's expression, Kassenzeichen from its field or generated.
    pub(super) async fn payment_request(
        &self,
        stored: &crate::db::StoredCase,
        effect: &Effect,
        task: &str,
        due: Option<&str>,
    ) -> Result<crate::outputs::PaymentRequest, DeliveryError> {
        let Effect::SendMessage { block, .. } = effect else {
            return Err(DeliveryError::Permanent(
                "Ausgang ist keine Nachricht.".into(),
            ));
        };
        let (amount, kassenzeichen) = self
            .cases
            .payment_terms(&stored.summary.id, block.as_str())
            .await
            .map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        let kassenzeichen = kassenzeichen
            .unwrap_or_else(|| crate::outputs::kassenzeichen(&stored.summary.id, task));
        let recorded = self
            .db
            .insert_payment(
                &stored.summary.id,
                task,
                &amount.to_canonical(),
                &kassenzeichen,
            )
            .await?;
        Ok(crate::outputs::PaymentRequest {
            amount: fachwerk_shared::values::Money::parse(&recorded.amount)
                .map_err(|e| DeliveryError::Permanent(format!("Betrag: {e}")))?,
            kassenzeichen: recorded.kassenzeichen,
            due: due.and_then(fachwerk_shared::values::Date::parse),
            purpose: format!("Aktenzeichen {}", stored.summary.aktenzeichen),
            account: None,
        })
    }
}
