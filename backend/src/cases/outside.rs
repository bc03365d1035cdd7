//! Events of the outside world: a Rückfrage went out or was answered through its link; and
//! what the applicant may see of a case (its status, in plain German, without persons).

use std::sync::Arc;

use fachwerk_shared::api::{CaseStatus, PublicStatus, PublicStep};
use fachwerk_shared::engine::{Event, State};
use fachwerk_shared::Workflow;
use serde_json::json;

use super::{engine, CaseError, CaseRuntime};
use crate::db::{Answered, CaseChange, NewAudit, NewDocument, StoredCase};
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

    /// Today on the runtime's clock.
    pub fn clock_today(&self) -> fachwerk_shared::values::Date {
        self.today()
    }

    /// The workflow of a version in operation (parsed once per process).
    pub async fn workflow_of(&self, key: &str, version: &str) -> Result<Arc<Workflow>, CaseError> {
        self.workflow(key, version).await
    }

    /// The rows an event of the outside world changes, its audit entry (`kind`, `detail`)
    /// first; the engine's refusal is returned unchanged.
    async fn outside_change(
        &self,
        w: Arc<Workflow>,
        stored: &StoredCase,
        event: Event,
        kind: &'static str,
        detail: serde_json::Value,
    ) -> Result<CaseChange, CaseError> {
        let (state, today) = (stored.state.clone(), self.today());
        let step = cpu(move || engine::event(&w, &state, &event, today)).await??;
        let mut change = step.into_change(None)?;
        change.audit.insert(
            0,
            NewAudit {
                kind,
                detail,
                account_id: None,
                person_id: None,
            },
        );
        Ok(change)
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
            let (stored, w) = self.stored_with_workflow(case_id).await?;
            let detail = serde_json::to_value(event).map_err(|e| CaseError::Storage(e.into()))?;
            let change = self
                .outside_change(w, &stored, event.clone(), kind, detail)
                .await?;
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
                _ => return Err(CaseError::no_case()),
            }
        }
        Err(CaseError::Stale { current: 0 })
    }

    /// Answers a Rückfrage: the engine takes the "answered" exit, the answer's text goes into
    /// the audit and the files into the case's documents, the link is used up — all in one
    /// transaction, or nothing.
    pub async fn answer_query(&self, a: &QueryAnswer) -> Result<AnswerOutcome, CaseError> {
        for _ in 0..STALE_RETRIES {
            let (stored, w) = self.stored_with_workflow(&a.case_id).await?;
            let event = Event::QueryAnswered {
                task: a.task.clone(),
            };
            let files: Vec<_> = a
                .documents
                .iter()
                .map(|d| json!({ "name": d.name, "mediaType": d.media_type, "size": d.data.len() }))
                .collect();
            let detail = json!({ "task": a.task, "answer": a.text, "files": files });
            let change = match self
                .outside_change(w, &stored, event, "queryAnswered", detail)
                .await
            {
                Ok(change) => change,
                Err(CaseError::Refused { .. }) => return Ok(AnswerOutcome::Closed),
                Err(e) => return Err(e),
            };
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

    /// The amount and (if the block names a field) the Kassenzeichen a Zahlung block asks
    /// of case `case_id`.
    pub async fn payment_terms(
        &self,
        case_id: &str,
        block: &str,
    ) -> Result<(fachwerk_shared::values::Money, Option<String>), CaseError> {
        let (stored, w) = self.stored_with_workflow(case_id).await?;
        let (state, block, today) = (stored.state, block.to_string(), self.today());
        cpu(move || engine::payment_terms(&w, &state, &block, today)).await?
    }

    /// Records the payment of request (case, task) and lets the case go on (`PaymentReceived`),
    /// in one transaction. Paid before → `Ok(false)`, nothing changed (a second click, a
    /// repeated callback).
    pub async fn pay(
        &self,
        case_id: &str,
        task: &str,
        paid_by: &str,
        source: fachwerk_shared::api::PaymentSource,
    ) -> Result<bool, CaseError> {
        for _ in 0..STALE_RETRIES {
            let (stored, w) = self.stored_with_workflow(case_id).await?;
            let event = Event::PaymentReceived {
                task: task.to_string(),
            };
            let detail = json!({ "task": task, "paidBy": paid_by, "source": source });
            let change = self
                .outside_change(w, &stored, event, "paymentReceived", detail)
                .await?;
            let paid = crate::db::Paid {
                case_id,
                task,
                paid_by,
                source,
            };
            match self
                .db
                .pay(
                    &paid,
                    stored.summary.revision,
                    &stored.summary.workflow,
                    &change,
                )
                .await?
            {
                crate::db::Applied::Done(_) => return Ok(true),
                crate::db::Applied::Stale(_) => continue,
                _ => return Ok(false),
            }
        }
        Err(CaseError::Stale { current: 0 })
    }

    /// A clerk marks the payment request of Zahlung task `task` paid: the clerk must hold the
    /// task's role. Paid before → the request as it is (nothing changes twice).
    pub async fn mark_paid(
        &self,
        caller: &crate::auth::Caller,
        case_id: &str,
        task: &str,
    ) -> Result<fachwerk_shared::api::PaymentRequest, CaseError> {
        let person = self.person(caller).await?;
        let not_found = || {
            CaseError::NotFound("Eine Zahlungsaufforderung dieser Aufgabe gibt es nicht.".into())
        };
        let request = self
            .db
            .payment(case_id, task)
            .await?
            .ok_or_else(not_found)?;
        let row = self
            .db
            .task_of_case(case_id, task)
            .await?
            .ok_or_else(not_found)?;
        if !self.holds_role(&person, &row.task).await? {
            return Err(Self::not_in_role(&row.task));
        }
        if request.paid_at.is_none() {
            self.pay(
                case_id,
                task,
                &person.name,
                fachwerk_shared::api::PaymentSource::Clerk,
            )
            .await?;
        }
        self.db.payment(case_id, task).await?.ok_or_else(not_found)
    }

    /// The payment provider reports a payment by Kassenzeichen (idempotent: reported again →
    /// the request as it is). A given amount must equal the requested one.
    pub async fn payment_callback(
        &self,
        caller: &crate::auth::Caller,
        body: &fachwerk_shared::api::PaymentCallback,
    ) -> Result<fachwerk_shared::api::PaymentRequest, CaseError> {
        if !matches!(caller.via, crate::auth::Via::Bearer(_)) {
            return Err(CaseError::Forbidden(
                "Zahlungseingänge meldet ein Programm mit API-Schlüssel, nicht eine Anmeldung im Browser."
                    .into(),
            ));
        }
        let kz = body.kassenzeichen.trim();
        let request = self.db.payment_by_kassenzeichen(kz).await?.ok_or_else(|| {
            CaseError::NotFound(format!("Das Kassenzeichen „{kz}“ gibt es nicht."))
        })?;
        if let Some(amount) = &body.amount {
            let given = fachwerk_shared::values::Money::parse(amount).map_err(|e| {
                CaseError::bad(
                    "amount",
                    format!("„{amount}“ ist kein Eurobetrag: {e}"),
                    format!("{amount:?} is not a euro amount: {e}"),
                )
            })?;
            if given.to_canonical() != request.amount {
                return Err(CaseError::bad(
                    "amount",
                    format!(
                        "Gezahlt wurden {}, verlangt sind {} (Kassenzeichen {kz}).",
                        given.to_canonical(),
                        request.amount
                    ),
                    format!(
                        "{} was paid, {} is requested (Kassenzeichen {kz}).",
                        given.to_canonical(),
                        request.amount
                    ),
                ));
            }
        }
        if request.paid_at.is_none() {
            self.pay(
                &request.case_id,
                &request.task,
                &caller.name,
                fachwerk_shared::api::PaymentSource::Callback,
            )
            .await?;
        }
        Ok(self
            .db
            .payment(&request.case_id, &request.task)
            .await?
            .unwrap_or(request))
    }

    /// The case if the caller may see it (participants of its workflow, reviewers, admins).
    pub async fn visible_case(
        &self,
        caller: &crate::auth::Caller,
        id: &str,
    ) -> Result<fachwerk_shared::api::CaseSummary, CaseError> {
        Ok(self.visible_stored(caller, id).await?.summary)
    }

    /// The case as the applicant sees it: the steps done and the current one by their block
    /// labels, no persons, no roles.
    pub async fn public_status(&self, case_id: &str) -> Result<PublicStatus, CaseError> {
        let (stored, w) = self.stored_with_workflow(case_id).await?;
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
