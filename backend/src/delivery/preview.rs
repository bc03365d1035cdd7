//! The Bescheid before it goes out: the PDF the case's next Bescheid block would produce now,
//! for the clerk to check (`GET /api/cases/{id}/bescheid/preview`). Nothing is stored.

use fachwerk_shared::engine::{pending_bescheid, State};

use super::{Deliveries, DeliveryError};
use crate::auth::Caller;
use crate::cases::CaseError;

impl Deliveries {
    /// The PDF of the case's pending Bescheid ([`pending_bescheid`]) as it would be
    /// rendered today, for a caller who may see the case.
    pub async fn bescheid_preview(
        &self,
        caller: &Caller,
        case_id: &str,
    ) -> Result<crate::outputs::Document, CaseError> {
        self.cases.visible_case(caller, case_id).await?;
        let stored = self
            .db
            .case(case_id)
            .await?
            .ok_or_else(CaseError::no_case)?;
        let state: State = serde_json::from_str(&stored.state)
            .map_err(|e| CaseError::Storage(anyhow::anyhow!("case state: {e}")))?;
        let w = self
            .cases
            .workflow_of(&stored.summary.workflow, &stored.summary.version)
            .await?;
        let block = pending_bescheid(&w, &state).ok_or_else(|| {
            CaseError::NotFound("Dieser Vorgang erreicht keinen Bescheid (mehr).".into())
        })?;
        let (pdf, _) = self
            .render_bescheid(&stored, &state, &w, block.as_str())
            .await
            .map_err(|e| match e {
                DeliveryError::Transient(m) => CaseError::Storage(anyhow::anyhow!(m)),
                DeliveryError::Permanent(m) => CaseError::refused(
                    crate::cases::RefusalKind::Request,
                    "BESCHEID_PREVIEW",
                    format!("Der Bescheid lässt sich nicht erstellen: {m}"),
                    format!("The Bescheid cannot be rendered: {m}"),
                ),
            })?;
        Ok(pdf)
    }
}
