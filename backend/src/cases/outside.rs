//! Events of the outside world: a Rückfrage went out or was answered through its link; and
//! what the applicant may see of a case (its status, in plain German, without persons).

use std::sync::Arc;

use fachwerk_shared::api::{CaseStatus, PublicStatus, PublicStep};
use fachwerk_shared::engine::{Event, State};
use fachwerk_shared::Workflow;
use serde_json::json;

use super::{engine, CaseError, CaseRuntime};
use crate::db::{Answered, NewAudit, NewDocument};
use crate::security::limits::cpu;

/// How often a step is tried again when the case changed in between.
const STALE_RETRIES: usize = 5;

/// An applicant's answer to a Rückfrage.
#[derive(Debug, Clone)]
pub struct QueryAnswer {
    /// SHA-256 of the link's token.
    pub token_hash: String,
    pub case_id: String,
    /// The engine's Rückfrage task.
    pub task: String,
    pub text: String,
    pub documents: Vec<NewDocument>,
}

/// Outcome of an answer.
#[derive(Debug)]
pub enum AnswerOutcome {
    /// Stored: the ids of the stored documents.
    Done(Vec<String>),
    /// The link was used before (nothing stored).
    Used,
    /// The Rückfrage is no longer open (its period ended, the case moved on): nothing stored.
    Closed,
}

fn parse(state: &str) -> Result<State, CaseError> {
    serde_json::from_str(state).map_err(|e| CaseError::Storage(anyhow::anyhow!("case state: {e}")))
}

impl CaseRuntime {
    /// Now as RFC 3339 on the runtime's clock: the test clock's day (`--today`, at noon UTC)
    /// or the system time. Link expiries follow it, like deadlines do.
    pub fn clock_now(&self) -> String {
        match self.config.today {
            Some(day) => format!("{day}T12:00:00Z"),
            None => crate::fsutil::now_rfc3339(),
        }
    }

    /// The workflow of a version in operation (parsed once per process).
    pub async fn workflow_of(&self, key: &str, version: &str) -> Result<Arc<Workflow>, CaseError> {
        self.workflow(key, version).await
    }

    /// Applies an event of the outside world (query sent, payment received …) to a case,
    /// with an audit entry of `kind`; tried again when the case changed in between. A refusal
    /// of the engine is returned unchanged.
    pub async fn outside_event(
        &self,
        case_id: &str,
        event: &Event,
        kind: &'static str,
    ) -> Result<(), CaseError> {
        for _ in 0..STALE_RETRIES {
            let stored = self
                .db
                .case(case_id)
                .await?
                .ok_or_else(|| CaseError::NotFound("Diesen Vorgang gibt es nicht.".into()))?;
            let w = self
                .workflow(&stored.summary.workflow, &stored.summary.version)
                .await?;
            let (state, ev, today) = (stored.state.clone(), event.clone(), self.today());
            let step = cpu(move || engine::event(&w, &state, &ev, today)).await??;
            let mut change = step.into_change(None)?;
            change.audit.insert(
                0,
                NewAudit {
                    kind,
                    detail: serde_json::to_value(event)
                        .map_err(|e| CaseError::Storage(e.into()))?,
                    account_id: None,
                    person_id: None,
                },
            );
            let applied = self
                .db
                .apply_case_change(
                    case_id,
                    &stored.summary.workflow,
                    stored.summary.revision,
                    &change,
                )
                .await?;
            match applied {
                crate::db::Applied::Done(_) => return Ok(()),
                crate::db::Applied::Stale(_) => continue,
                _ => return Err(CaseError::NotFound("Diesen Vorgang gibt es nicht.".into())),
            }
        }
        Err(CaseError::Stale { current: 0 })
    }

    /// Answers a Rückfrage: the engine takes the "answered" exit, the answer's text goes into
    /// the audit and the files into the case's documents, the link is used up — all in one
    /// transaction, or nothing.
    pub async fn answer_query(&self, a: &QueryAnswer) -> Result<AnswerOutcome, CaseError> {
        for _ in 0..STALE_RETRIES {
            let stored = self
                .db
                .case(&a.case_id)
                .await?
                .ok_or_else(|| CaseError::NotFound("Diesen Vorgang gibt es nicht.".into()))?;
            let w = self
                .workflow(&stored.summary.workflow, &stored.summary.version)
                .await?;
            let event = Event::QueryAnswered {
                task: a.task.clone(),
            };
            let (state, today) = (stored.state.clone(), self.today());
            let step = match cpu(move || engine::event(&w, &state, &event, today)).await? {
                Ok(step) => step,
                Err(CaseError::Refused { .. }) => return Ok(AnswerOutcome::Closed),
                Err(e) => return Err(e),
            };
            let mut change = step.into_change(None)?;
            let files: Vec<_> = a
                .documents
                .iter()
                .map(|d| json!({ "name": d.name, "mediaType": d.media_type, "size": d.data.len() }))
                .collect();
            change.audit.insert(
                0,
                NewAudit {
                    kind: "queryAnswered",
                    detail: json!({ "task": a.task, "answer": a.text, "files": files }),
                    account_id: None,
                    person_id: None,
                },
            );
            match self
                .db
                .answer_query(
                    &a.token_hash,
                    stored.summary.revision,
                    &stored.summary.workflow,
                    &a.documents,
                    &change,
                )
                .await?
            {
                Answered::Done(_, ids) => return Ok(AnswerOutcome::Done(ids)),
                Answered::Used => return Ok(AnswerOutcome::Used),
                Answered::Stale => continue,
            }
        }
        Err(CaseError::Stale { current: 0 })
    }

    /// The case if the caller may see it (participants of its workflow, reviewers, admins).
    pub async fn visible_case(
        &self,
        caller: &crate::auth::Caller,
        id: &str,
    ) -> Result<fachwerk_shared::api::CaseSummary, CaseError> {
        let stored = self
            .db
            .case(id)
            .await?
            .ok_or_else(|| CaseError::NotFound("Diesen Vorgang gibt es nicht.".into()))?;
        if !self.may_see(caller, &stored.summary.workflow).await? {
            return Err(CaseError::Forbidden(
                "Diesen Vorgang dürfen nur Beteiligte seines Ablaufs sehen.".into(),
            ));
        }
        Ok(stored.summary)
    }

    /// The case as the applicant sees it: the steps done and the current one by their block
    /// labels, no persons, no roles.
    pub async fn public_status(&self, case_id: &str) -> Result<PublicStatus, CaseError> {
        let stored = self
            .db
            .case(case_id)
            .await?
            .ok_or_else(|| CaseError::NotFound("Diesen Vorgang gibt es nicht.".into()))?;
        let w = self
            .workflow(&stored.summary.workflow, &stored.summary.version)
            .await?;
        let state = parse(&stored.state)?;
        let label = |block: &str| {
            w.blocks
                .iter()
                .find(|b| b.id.as_str() == block)
                .map(|b| b.label.clone())
                .filter(|l| !l.trim().is_empty())
        };
        let steps_done = state
            .route
            .iter()
            .filter_map(|s| label(s.block.as_str()))
            .map(|label| PublicStep { label })
            .collect();
        let current_step = match stored.summary.status {
            CaseStatus::Ended => None,
            _ => state
                .waiting_at
                .as_ref()
                .map(|x| x.block.as_str())
                .or_else(|| state.tasks.first().map(|t| t.block.as_str()))
                .and_then(label)
                .map(|label| PublicStep { label }),
        };
        Ok(PublicStatus {
            aktenzeichen: stored.summary.aktenzeichen,
            workflow_name: w.name.clone(),
            status: stored.summary.status,
            steps_done,
            current_step,
            updated_at: stored.summary.updated_at,
        })
    }
}
