//! What a clerk adds to a case's outputs: a Rückfrage written and released from the outbox,
//! a document uploaded. Each with its audit entry, in one transaction.

use super::cases::append_audit;
use super::outputs::{insert_document, HELD};
use super::{json_from, with_pool, with_tx};
use super::{Database, DbError, Fields, NewAudit, NewDocument};
use crate::fsutil;

/// An outbox row of a case's Rückfrage task (`payload.task`).
#[derive(Debug, Clone)]
pub struct QueryRow {
    pub id: String,
    pub payload: serde_json::Value,
    pub revision: i64,
    /// Still waiting for the clerk's text.
    pub held: bool,
}

impl Database {
    /// The Rückfrage rows (mail to the applicant) of task `task` of a case, oldest first.
    pub async fn query_rows(&self, case_id: &str, task: &str) -> Result<Vec<QueryRow>, DbError> {
        let rows = with_pool!(self, pool => sqlx::query(
            "SELECT id, payload, revision, status, next_attempt FROM deliveries \
             WHERE case_id = $1 AND kind = 'mail' ORDER BY created_at, id")
            .bind(case_id).fetch_all(pool).await?
            .iter().map(|r| Ok(QueryRow {
                id: r.text("id")?,
                payload: json_from("delivery payload", &r.text("payload")?)?,
                revision: r.int("revision")?,
                held: r.text("status")? == "pending" && r.int("next_attempt")? >= HELD,
            })).collect::<Result<Vec<_>, DbError>>()?);
        Ok(rows
            .into_iter()
            .filter(|r| {
                r.payload["task"].as_str() == Some(task)
                    && r.payload["effect"]["message"].as_str() == Some("rueckfrage")
            })
            .collect())
    }

    /// Releases a held Rückfrage row with the clerk's `payload` (due now) and appends `audit`
    /// to the case. False: the row is no longer held at `revision` (sent meanwhile by another
    /// click); nothing written.
    pub async fn release_query(
        &self,
        case_id: &str,
        row: &QueryRow,
        payload: &serde_json::Value,
        audit: &NewAudit,
    ) -> Result<bool, DbError> {
        let now = fsutil::now_rfc3339();
        let mut tx = self.begin().await?;
        let n = with_tx!(&mut tx, conn => sqlx::query(
            "UPDATE deliveries SET payload = $3, next_attempt = $4, revision = revision + 1 \
             WHERE id = $1 AND revision = $2 AND status = 'pending' AND next_attempt >= $5")
            .bind(&row.id).bind(row.revision).bind(payload.to_string())
            .bind(fsutil::unix_now()).bind(HELD)
            .execute(&mut *conn).await?.rows_affected());
        if n != 1 {
            return Ok(false);
        }
        touch(&mut tx, case_id, &now).await?;
        append_audit(&mut tx, case_id, std::slice::from_ref(audit), &now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores a clerk's document with its audit entry; its id.
    pub async fn add_document(
        &self,
        case_id: &str,
        doc: &NewDocument,
        audit: &NewAudit,
    ) -> Result<String, DbError> {
        let now = fsutil::now_rfc3339();
        let mut tx = self.begin().await?;
        touch(&mut tx, case_id, &now).await?;
        let id = insert_document(&mut tx, case_id, doc, &now).await?;
        let mut audit = audit.clone();
        audit.detail["document"] = serde_json::Value::String(id.clone());
        append_audit(&mut tx, case_id, std::slice::from_ref(&audit), &now).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The case row first: it serializes the audit numbering with changes of the case.
async fn touch(tx: &mut super::Tx, case_id: &str, now: &str) -> Result<(), DbError> {
    with_tx!(tx, conn => sqlx::query("UPDATE cases SET updated_at = $2 WHERE id = $1")
        .bind(case_id).bind(now).execute(&mut *conn).await.map(drop)?);
    Ok(())
}
