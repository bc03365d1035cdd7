//! What clerks add to a case's outputs: the Rückfrage they write before it goes out (text,
//! documents asked for, deadline), and documents they upload. Both recorded in the case's
//! audit with the person.

use fachwerk_shared::api::{CaseDocument, CaseStatus, ComposeQuery, QueryDraft};
use fachwerk_shared::engine::{Effect, State};
use fachwerk_shared::values::Date;
use serde_json::json;

use super::public::{check_files, PublicError, Upload};
use super::{compose, Deliveries};
use crate::auth::Caller;
use crate::cases::{CaseError, RefusalKind};
use crate::db::{NewAudit, QueryRow};

/// Longest Rückfrage text (characters).
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Most documents a Rückfrage asks for, and the longest name of one.
pub const MAX_QUERY_DOCUMENTS: usize = 20;
pub const MAX_DOCUMENT_NAME: usize = 200;

fn already_sent() -> CaseError {
    CaseError::refused(
        RefusalKind::State,
        "ALREADY_SENT",
        "Diese Rückfrage ist schon versandt; sie lässt sich nicht mehr ändern.",
        "This query was sent already; it cannot be changed any more.",
    )
}

fn no_query() -> CaseError {
    CaseError::NotFound(
        "Zu dieser Aufgabe gibt es keine Rückfrage an die antragstellende Person.".into(),
    )
}

fn text(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The checked Rückfrage: trimmed text, documents, deadline within `[today, latest]`.
fn checked(
    body: &ComposeQuery,
    today: Date,
    latest: Option<Date>,
) -> Result<(String, Vec<String>, Option<Date>), CaseError> {
    let question = body.text.trim().to_string();
    if question.is_empty() || question.chars().count() > MAX_QUERY_CHARS {
        return Err(CaseError::bad(
            "text",
            format!("Bitte schreiben Sie, was Sie fragen (höchstens {MAX_QUERY_CHARS} Zeichen)."),
            format!("Please write what you ask (at most {MAX_QUERY_CHARS} characters)."),
        ));
    }
    let documents: Vec<String> = body
        .documents
        .iter()
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    if documents.len() > MAX_QUERY_DOCUMENTS {
        return Err(CaseError::bad(
            "documents",
            format!("Höchstens {MAX_QUERY_DOCUMENTS} Unterlagen je Rückfrage."),
            format!("At most {MAX_QUERY_DOCUMENTS} documents per query."),
        ));
    }
    if let Some(i) = documents
        .iter()
        .position(|d| d.chars().count() > MAX_DOCUMENT_NAME)
    {
        return Err(CaseError::bad(
            format!("documents[{i}]"),
            format!("Die Bezeichnung der Unterlage ist länger als {MAX_DOCUMENT_NAME} Zeichen."),
            format!("The document's name is longer than {MAX_DOCUMENT_NAME} characters."),
        ));
    }
    let deadline = match body
        .deadline
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => latest,
        Some(d) => {
            let day = Date::parse(d).ok_or_else(|| {
                CaseError::bad(
                    "deadline",
                    format!("„{d}“ ist kein Datum (JJJJ-MM-TT)."),
                    format!("{d:?} is not a date (YYYY-MM-DD)."),
                )
            })?;
            if day < today {
                return Err(CaseError::bad(
                    "deadline",
                    format!("Die Frist {day} liegt vor heute ({today})."),
                    format!("The deadline {day} is before today ({today})."),
                ));
            }
            if let Some(latest) = latest.filter(|l| day > *l) {
                return Err(CaseError::bad(
                    "deadline",
                    format!("Die Frist darf nicht nach dem Ende der Antwortfrist des Bausteins liegen ({latest}); danach nimmt der Vorgang den Ausgang „Frist abgelaufen“."),
                    format!("The deadline may not be after the end of the block's reply period ({latest}); then the case takes the timeout exit."),
                ));
            }
            Some(day)
        }
    };
    Ok((question, documents, deadline))
}

impl Deliveries {
    /// The newest Rückfrage row of task `task`.
    async fn query_row(&self, case_id: &str, task: &str) -> Result<QueryRow, CaseError> {
        self.db
            .query_rows(case_id, task)
            .await?
            .pop()
            .ok_or_else(no_query)
    }

    /// The Rückfrage of task `task` as written (sent) or as the block suggests it (held), for
    /// a caller who may see the case.
    pub async fn query_draft(
        &self,
        caller: &Caller,
        case_id: &str,
        task: &str,
    ) -> Result<QueryDraft, CaseError> {
        self.cases.visible_case(caller, case_id).await?;
        let row = self.query_row(case_id, task).await?;
        let p = &row.payload;
        let latest_deadline = text(&p["latestDeadline"]).or_else(|| text(&p["deadline"]));
        if let Some(q) = compose::Question::of_payload(p) {
            return Ok(QueryDraft {
                text: q.text,
                documents: q.documents,
                deadline: text(&p["deadline"]),
                latest_deadline,
                sent: !row.held,
            });
        }
        let effect: Effect = serde_json::from_value(p["effect"].clone())
            .map_err(|e| CaseError::Storage(anyhow::anyhow!("delivery payload: {e}")))?;
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
        let q = compose::question(&w, &effect, &state.current_fields())
            .map_err(|e| CaseError::Storage(anyhow::anyhow!("{e}")))?;
        Ok(QueryDraft {
            text: q.text,
            documents: q.documents,
            deadline: latest_deadline.clone(),
            latest_deadline,
            sent: !row.held,
        })
    }

    /// Sends the Rückfrage of task `task` as the clerk wrote it: the held outbox row gets the
    /// text, documents and deadline and is due now (the worker mails it with the one-time
    /// link); the caller must hold the task's role. Sent before → 409, nothing changed.
    pub async fn send_query(
        &self,
        caller: &Caller,
        case_id: &str,
        task: &str,
        body: &ComposeQuery,
    ) -> Result<QueryDraft, CaseError> {
        let (person, _) = self.cases.task_holder(caller, case_id, task, true).await?;
        let row = self.query_row(case_id, task).await?;
        if !row.held {
            return Err(already_sent());
        }
        let latest = row.payload["deadline"].as_str().and_then(Date::parse);
        let (question, documents, deadline) = checked(body, self.cases.clock_today(), latest)?;
        let deadline = deadline.map(|d| d.to_string());
        let mut payload = row.payload.clone();
        payload["question"] = json!(question);
        payload["documents"] = json!(documents);
        payload["latestDeadline"] = row.payload["deadline"].clone();
        payload["deadline"] = json!(deadline);
        payload["held"] = json!(false);
        let audit = NewAudit {
            kind: "queryComposed",
            detail: json!({ "task": task, "question": question, "documents": documents,
                            "deadline": deadline }),
            account_id: Some(caller.id.clone()),
            person_id: Some(person.id.clone()),
        };
        if !self
            .db
            .release_query(case_id, &row, &payload, &audit)
            .await?
        {
            return Err(already_sent());
        }
        Ok(QueryDraft {
            text: question,
            documents,
            deadline,
            latest_deadline: text(&row.payload["deadline"]),
            sent: true,
        })
    }

    /// Stores documents a clerk uploads to an open case (checked like the applicant's:
    /// at most five, 10 MB each, type by content), each with an audit entry.
    pub async fn add_documents(
        &self,
        caller: &Caller,
        case_id: &str,
        files: &[Upload],
    ) -> Result<Vec<CaseDocument>, PublicError> {
        let (person, stored) = self.cases.case_worker(caller, case_id).await?;
        if stored.summary.status == CaseStatus::Ended {
            return Err(PublicError::Case(CaseError::refused(
                RefusalKind::State,
                "CASE_CLOSED",
                "Der Vorgang ist abgeschlossen; Dokumente lassen sich nicht mehr hinzufügen.",
                "The case has ended; documents can no longer be added.",
            )));
        }
        if files.is_empty() {
            return Err(PublicError::Case(CaseError::bad(
                "file",
                "Bitte wählen Sie eine Datei.",
                "Please choose a file.",
            )));
        }
        let documents = check_files(files)?;
        let mut ids = Vec::with_capacity(documents.len());
        for d in &documents {
            let audit = NewAudit {
                kind: "documentAdded",
                detail: json!({ "name": d.name, "mediaType": d.media_type, "size": d.data.len() }),
                account_id: Some(caller.id.clone()),
                person_id: Some(person.id.clone()),
            };
            ids.push(
                self.db
                    .add_document(case_id, d, &audit)
                    .await
                    .map_err(CaseError::from)?,
            );
        }
        Ok(self
            .db
            .documents(case_id)
            .await
            .map_err(CaseError::from)?
            .into_iter()
            .filter(|d| ids.contains(&d.id))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn body(text: &str, docs: &[&str], deadline: Option<&str>) -> ComposeQuery {
        ComposeQuery {
            text: text.into(),
            documents: docs.iter().map(|d| d.to_string()).collect(),
            deadline: deadline.map(str::to_string),
        }
    }

    #[test]
    fn a_query_is_checked_before_it_is_sent() {
        let today = Date::parse("2026-12-03").unwrap();
        let latest = Date::parse("2026-12-17");
        let (q, d, due) = checked(
            &body("  Bitte das Angebot. ", &["Angebot", " "], None),
            today,
            latest,
        )
        .unwrap();
        assert_eq!(
            (q.as_str(), d, due),
            ("Bitte das Angebot.", vec!["Angebot".to_string()], latest)
        );
        let (_, _, due) = checked(&body("x", &[], Some("2026-12-10")), today, latest).unwrap();
        assert_eq!(due, Date::parse("2026-12-10"));
        let path = |r: Result<_, CaseError>| match r {
            Err(CaseError::BadValue { path, .. }) => path,
            _ => "accepted".into(),
        };
        assert_eq!(path(checked(&body(" ", &[], None), today, latest)), "text");
        assert_eq!(
            path(checked(&body("x", &[], Some("2026-12-02")), today, latest)),
            "deadline"
        );
        assert_eq!(
            path(checked(&body("x", &[], Some("2026-12-18")), today, latest)),
            "deadline"
        );
        assert_eq!(
            path(checked(&body("x", &[], Some("18.12.2026")), today, latest)),
            "deadline"
        );
        let long = "a".repeat(MAX_DOCUMENT_NAME + 1);
        assert_eq!(
            path(checked(&body("x", &["a", &long], None), today, latest)),
            "documents[1]"
        );
        // Without a reply period any day from today on.
        assert!(checked(&body("x", &[], Some("2030-01-01")), today, None).is_ok());
    }
}
