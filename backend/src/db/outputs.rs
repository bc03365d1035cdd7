//! The outputs of a case: the delivery outbox, the applicant's links, case documents and
//! payment requests (migration 0011).
//!
//! Outbox rows are written by [`super::cases`] in the transaction of the case change that
//! produced them ([`CaseChange::deliveries`]). A worker claims a due row with a conditional
//! update of its `revision` that also sets a lease; what it reports afterwards (sent, failed)
//! is applied only while it still holds that revision, so a row leaves at most once per lease
//! even with several server processes on one database.

use fachwerk_shared::api::{
    CaseDocument, Delivery, DeliveryKind, DeliveryStatus, DocumentSource, PaymentRequest,
    PaymentSource,
};

use super::cases::{append_audit, write_effects};
use super::{enum_from, enum_text, is_unique_violation, json_from, new_id, with_pool, with_tx};
use super::{Applied, CaseChange, Database, DbError, Fields, NewAudit};
use crate::fsutil;

/// An outbox row to write with a case change.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub kind: DeliveryKind,
    /// Plain German, e.g. „Rückfrage an die antragstellende Person“.
    pub label: String,
    /// What the worker needs to deliver it.
    pub payload: serde_json::Value,
}

/// A row the worker claimed: it may deliver it while it holds `revision`.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: String,
    pub case_id: String,
    pub kind: DeliveryKind,
    pub payload: serde_json::Value,
    /// Attempts made before this one.
    pub attempts: u32,
    pub revision: i64,
}

/// What left the server, for the row and the case's audit.
#[derive(Debug, Clone)]
pub struct SentOutput {
    pub sha256: String,
    pub size: u64,
    /// The audit entry of the case (kind e.g. `mailSent`), written in the same transaction.
    pub audit: NewAudit,
}

/// A document to store with a case.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub name: String,
    pub media_type: String,
    pub source: DocumentSource,
    pub data: Vec<u8>,
}

/// Purpose of an applicant's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Answer a Rückfrage, once.
    Query,
    /// See the case's status, as often as wanted until it expires.
    Status,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Query => "query",
            LinkPurpose::Status => "status",
        }
    }
}

/// A stored link (found by the SHA-256 of its token).
#[derive(Debug, Clone)]
pub struct StoredLink {
    pub case_id: String,
    pub task: Option<String>,
    pub purpose: LinkPurpose,
    pub detail: serde_json::Value,
    pub expires_at: String,
    pub used_at: Option<String>,
}

/// Outcome of answering a Rückfrage through its link.
#[derive(Debug, PartialEq, Eq)]
pub enum Answered {
    /// Stored; the case's new revision and the stored documents' ids.
    Done(u64, Vec<String>),
    /// The link was used before (or the task answered through another link): nothing stored.
    Used,
    /// The case is at another revision; nothing stored.
    Stale,
}

/// A payment to record: request (case, task), by whom, through which way.
#[derive(Debug, Clone, Copy)]
pub struct Paid<'a> {
    pub case_id: &'a str,
    pub task: &'a str,
    /// The clerk's name, or the API token's name of the callback.
    pub paid_by: &'a str,
    pub source: PaymentSource,
}

/// The hash under which a link token is stored.
pub fn token_hash(token: &str) -> String {
    fsutil::sha256_hex(token)
}

const DELIVERY_COLUMNS: &str = "d.id, d.case_id, c.aktenzeichen, d.kind, d.label, d.status, \
     d.attempts, d.next_attempt, d.last_error, d.sha256, d.size, d.created_at, d.sent_at";

fn delivery_from(row: &impl Fields) -> Result<Delivery, DbError> {
    let status: DeliveryStatus = enum_from("delivery status", &row.text("status")?)?;
    Ok(Delivery {
        id: row.text("id")?,
        case_id: row.text("case_id")?,
        aktenzeichen: row.text("aktenzeichen")?,
        kind: enum_from("delivery kind", &row.text("kind")?)?,
        label: row.text("label")?,
        status,
        attempts: u32::try_from(row.int("attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: (status == DeliveryStatus::Pending)
            .then(|| row.int("next_attempt"))
            .transpose()?
            .filter(|n| *n < HELD)
            .map(fsutil::rfc3339),
        last_error: row.opt_text("last_error")?,
        sha256: row.opt_text("sha256")?,
        size: row.opt_int("size")?.and_then(|s| u64::try_from(s).ok()),
        created_at: row.text("created_at")?,
        sent_at: row.opt_text("sent_at")?,
        held: status == DeliveryStatus::Pending && row.int("next_attempt")? >= HELD,
    })
}

const DOCUMENT_COLUMNS: &str = "id, name, media_type, size, sha256, source, created_at";

fn document_from(row: &impl Fields) -> Result<CaseDocument, DbError> {
    Ok(CaseDocument {
        id: row.text("id")?,
        name: row.text("name")?,
        media_type: row.text("media_type")?,
        size: u64::try_from(row.int("size")?).map_err(|e| DbError::corrupt("document size", e))?,
        sha256: row.text("sha256")?,
        source: enum_from("document source", &row.text("source")?)?,
        created_at: row.text("created_at")?,
    })
}

const PAYMENT_COLUMNS: &str =
    "case_id, task, amount, kassenzeichen, created_at, paid_at, paid_by, source";

fn payment_from(row: &impl Fields) -> Result<PaymentRequest, DbError> {
    Ok(PaymentRequest {
        case_id: row.text("case_id")?,
        task: row.text("task")?,
        amount: row.text("amount")?,
        kassenzeichen: row.text("kassenzeichen")?,
        created_at: row.text("created_at")?,
        paid_at: row.opt_text("paid_at")?,
        paid_by: row.opt_text("paid_by")?,
        source: row
            .opt_text("source")?
            .map(|s| enum_from::<PaymentSource>("payment source", &s))
            .transpose()?,
    })
}

/// `next_attempt` of a row held for a clerk (9999-12-31T23:59:59Z): never due until released.
pub const HELD: i64 = 253_402_300_799;

/// Writes the outbox rows of a change (inside the case change's transaction); a row whose
/// payload says `"held": true` waits for a clerk ([`HELD`]).
pub(super) async fn write_deliveries(
    tx: &mut super::Tx,
    case_id: &str,
    deliveries: &[NewDelivery],
    now: &str,
) -> Result<(), DbError> {
    let due = fsutil::unix_now();
    for d in deliveries {
        let kind = enum_text(&d.kind)?;
        let payload = d.payload.to_string();
        let due = if d.payload["held"] == serde_json::Value::Bool(true) {
            HELD
        } else {
            due
        };
        with_tx!(tx, conn => sqlx::query("INSERT INTO deliveries (id, case_id, kind, label, \
             payload, status, attempts, next_attempt, revision, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, 1, $7)")
            .bind(new_id()).bind(case_id).bind(&kind).bind(&d.label).bind(&payload)
            .bind(due).bind(now).execute(&mut *conn).await.map(drop)?);
    }
    Ok(())
}

impl Database {
    /// Claims up to `limit` pending rows due at `now` (unix seconds) whose lease (if any) ran
    /// out, leasing each for `lease_secs`. A row another worker claimed meanwhile is skipped.
    pub async fn claim_deliveries(
        &self,
        now: i64,
        lease_secs: i64,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>, DbError> {
        let candidates = with_pool!(self, pool => sqlx::query(
            "SELECT id, case_id, kind, payload, attempts, revision FROM deliveries \
             WHERE status = 'pending' AND next_attempt <= $1 \
             AND (lease_until IS NULL OR lease_until <= $1) ORDER BY next_attempt, created_at LIMIT $2")
            .bind(now).bind(limit).fetch_all(pool).await?
            .iter().map(|r| Ok(ClaimedDelivery {
                id: r.text("id")?,
                case_id: r.text("case_id")?,
                kind: enum_from("delivery kind", &r.text("kind")?)?,
                payload: json_from("delivery payload", &r.text("payload")?)?,
                attempts: u32::try_from(r.int("attempts")?).unwrap_or(u32::MAX),
                revision: r.int("revision")?,
            })).collect::<Result<Vec<_>, DbError>>()?);
        let mut claimed = Vec::with_capacity(candidates.len());
        for mut c in candidates {
            let taken = with_pool!(self, pool => sqlx::query(
                "UPDATE deliveries SET revision = revision + 1, lease_until = $3 \
                 WHERE id = $1 AND revision = $2 AND status = 'pending'")
                .bind(&c.id).bind(c.revision).bind(now + lease_secs)
                .execute(pool).await?.rows_affected());
            if taken == 1 {
                c.revision += 1;
                claimed.push(c);
            }
        }
        Ok(claimed)
    }

    /// Records that a claimed row left the server, with its audit entry in the case, if the
    /// worker still holds the lease (`revision`). False: it does not (nothing written).
    pub async fn delivery_sent(
        &self,
        id: &str,
        revision: i64,
        sent: &SentOutput,
    ) -> Result<bool, DbError> {
        let now = fsutil::now_rfc3339();
        let size = i64::try_from(sent.size).map_err(|e| DbError::corrupt("size", e))?;
        let mut tx = self.begin().await?;
        let case_id = with_tx!(&mut tx, conn => sqlx::query(
            "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, sha256 = $3, \
             size = $4, sent_at = $5, lease_until = NULL, last_error = NULL, \
             revision = revision + 1 WHERE id = $1 AND revision = $2 AND status = 'pending' \
             RETURNING case_id")
            .bind(id).bind(revision).bind(&sent.sha256).bind(size).bind(&now)
            .fetch_optional(&mut *conn).await?.map(|r| r.text("case_id")).transpose()?);
        let Some(case_id) = case_id else {
            return Ok(false);
        };
        // The case row first: it serializes the audit numbering with changes of the case.
        with_tx!(&mut tx, conn => sqlx::query("UPDATE cases SET updated_at = $2 WHERE id = $1")
            .bind(&case_id).bind(&now).execute(&mut *conn).await.map(drop)?);
        append_audit(&mut tx, &case_id, std::slice::from_ref(&sent.audit), &now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a failed attempt of a claimed row: pending again at `retry_at` (unix seconds),
    /// or `failed` for good when `None`. False: the lease was lost (nothing written).
    pub async fn delivery_failed(
        &self,
        id: &str,
        revision: i64,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<bool, DbError> {
        let status = if retry_at.is_some() {
            "pending"
        } else {
            "failed"
        };
        let n = with_pool!(self, pool => sqlx::query(
            "UPDATE deliveries SET status = $3, attempts = attempts + 1, last_error = $4, \
             next_attempt = COALESCE($5, next_attempt), lease_until = NULL, \
             revision = revision + 1 WHERE id = $1 AND revision = $2 AND status = 'pending'")
            .bind(id).bind(revision).bind(status).bind(error).bind(retry_at)
            .execute(pool).await?.rows_affected());
        Ok(n == 1)
    }

    /// Makes a failed row pending again, due now. A row that is not failed stays as it is
    /// (a second click changes nothing). `None`: no such row.
    pub async fn retry_delivery(&self, id: &str) -> Result<Option<Delivery>, DbError> {
        with_pool!(self, pool => sqlx::query(
            "UPDATE deliveries SET status = 'pending', next_attempt = $2, lease_until = NULL, \
             revision = revision + 1 WHERE id = $1 AND status = 'failed'")
            .bind(id).bind(fsutil::unix_now()).execute(pool).await.map(drop)?);
        self.delivery(id).await
    }

    pub async fn delivery(&self, id: &str) -> Result<Option<Delivery>, DbError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries d JOIN cases c ON c.id = d.case_id \
             WHERE d.id = $1"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(id).fetch_optional(pool).await?
            .map(|r| delivery_from(&r)).transpose())
    }

    /// Outbox rows, newest first: all, or of one status, or of one case.
    pub async fn deliveries(
        &self,
        status: Option<DeliveryStatus>,
        case_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Delivery>, DbError> {
        let status = status.map(|s| enum_text(&s)).transpose()?;
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries d JOIN cases c ON c.id = d.case_id \
             WHERE ($1 IS NULL OR d.status = $1) AND ($2 IS NULL OR d.case_id = $2) \
             ORDER BY d.created_at DESC, d.id LIMIT $3"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(&status).bind(case_id).bind(limit)
            .fetch_all(pool).await?.iter().map(delivery_from).collect())
    }

    /// Stores a link for the applicant (only the hash of its token).
    pub async fn insert_link(
        &self,
        token_hash: &str,
        case_id: &str,
        task: Option<&str>,
        purpose: LinkPurpose,
        detail: &serde_json::Value,
        expires_at: &str,
    ) -> Result<(), DbError> {
        let now = fsutil::now_rfc3339();
        with_pool!(self, pool => sqlx::query("INSERT INTO case_links (token_hash, case_id, task, \
             purpose, detail, expires_at, used_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)")
            .bind(token_hash).bind(case_id).bind(task).bind(purpose.as_str())
            .bind(detail.to_string()).bind(expires_at).bind(&now).execute(pool).await.map(drop)?);
        Ok(())
    }

    pub async fn link(&self, token_hash: &str) -> Result<Option<StoredLink>, DbError> {
        with_pool!(self, pool => sqlx::query("SELECT case_id, task, purpose, detail, expires_at, \
             used_at FROM case_links WHERE token_hash = $1")
            .bind(token_hash).fetch_optional(pool).await?
            .map(|r| Ok(StoredLink {
                case_id: r.text("case_id")?,
                task: r.opt_text("task")?,
                purpose: match r.text("purpose")?.as_str() {
                    "query" => LinkPurpose::Query,
                    "status" => LinkPurpose::Status,
                    other => return Err(DbError::corrupt("link purpose", other)),
                },
                detail: json_from("link detail", &r.text("detail")?)?,
                expires_at: r.text("expires_at")?,
                used_at: r.opt_text("used_at")?,
            })).transpose())
    }

    /// Answers a Rückfrage through its one-time link in one transaction: marks the link (and
    /// every other link of the same task) used, stores the documents, applies the engine step
    /// `change` if the case is still at `expected`. A used link or a stale case → nothing
    /// stored.
    pub async fn answer_query(
        &self,
        token_hash: &str,
        expected: u64,
        workflow_key: &str,
        documents: &[NewDocument],
        change: &CaseChange,
    ) -> Result<Answered, DbError> {
        let now = fsutil::now_rfc3339();
        let expected = i64::try_from(expected).map_err(|e| DbError::corrupt("revision", e))?;
        let status = enum_text(&change.status)?;
        let mut tx = self.begin().await?;
        let taken = with_tx!(&mut tx, conn => sqlx::query(
            "UPDATE case_links SET used_at = $2 WHERE token_hash = $1 AND purpose = 'query' \
             AND used_at IS NULL RETURNING case_id, task")
            .bind(token_hash).bind(&now).fetch_optional(&mut *conn).await?
            .map(|r| Ok::<_, DbError>((r.text("case_id")?, r.opt_text("task")?))).transpose()?);
        let Some((case_id, task)) = taken else {
            return Ok(Answered::Used);
        };
        let revision = with_tx!(&mut tx, conn => {
            sqlx::query("UPDATE case_links SET used_at = $3 WHERE case_id = $1 AND task = $2 \
                 AND purpose = 'query' AND used_at IS NULL")
                .bind(&case_id).bind(&task).bind(&now).execute(&mut *conn).await?;
            sqlx::query("UPDATE cases SET state = $3, status = $4, revision = revision + 1, \
                 updated_at = $5 WHERE id = $1 AND revision = $2 RETURNING revision")
                .bind(&case_id).bind(expected).bind(&change.state).bind(&status).bind(&now)
                .fetch_optional(&mut *conn).await?.map(|r| r.int("revision")).transpose()?
        });
        let Some(revision) = revision else {
            return Ok(Answered::Stale);
        };
        let mut ids = Vec::with_capacity(documents.len());
        for d in documents {
            ids.push(insert_document(&mut tx, &case_id, d, &now).await?);
        }
        write_effects(&mut tx, &case_id, workflow_key, change, &now).await?;
        tx.commit().await?;
        let revision = u64::try_from(revision).map_err(|e| DbError::corrupt("revision", e))?;
        Ok(Answered::Done(revision, ids))
    }

    /// Stores a document of a case; its id.
    pub async fn insert_document(&self, case_id: &str, d: &NewDocument) -> Result<String, DbError> {
        let now = fsutil::now_rfc3339();
        let mut tx = self.begin().await?;
        let id = insert_document(&mut tx, case_id, d, &now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn documents(&self, case_id: &str) -> Result<Vec<CaseDocument>, DbError> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM case_documents WHERE case_id = $1 \
             ORDER BY created_at, id"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(case_id).fetch_all(pool).await?
            .iter().map(document_from).collect())
    }

    /// A document of a case with its bytes.
    pub async fn document(
        &self,
        case_id: &str,
        id: &str,
    ) -> Result<Option<(CaseDocument, Vec<u8>)>, DbError> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS}, data FROM case_documents WHERE case_id = $1 AND id = $2"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(case_id).bind(id)
            .fetch_optional(pool).await?
            .map(|r| Ok((document_from(&r)?, r.bytes("data")?))).transpose())
    }

    /// Records a payment request; the same (case, task) again returns the stored one.
    pub async fn insert_payment(
        &self,
        case_id: &str,
        task: &str,
        amount: &str,
        kassenzeichen: &str,
    ) -> Result<PaymentRequest, DbError> {
        let now = fsutil::now_rfc3339();
        let inserted = with_pool!(self, pool => sqlx::query("INSERT INTO payment_requests \
             (case_id, task, amount, kassenzeichen, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(case_id).bind(task).bind(amount).bind(kassenzeichen).bind(&now)
            .execute(pool).await.map(drop));
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
        self.payment(case_id, task)
            .await?
            .ok_or_else(|| DbError::corrupt("payment request", "Kassenzeichen taken"))
    }

    pub async fn payment(
        &self,
        case_id: &str,
        task: &str,
    ) -> Result<Option<PaymentRequest>, DbError> {
        let sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payment_requests WHERE case_id = $1 AND task = $2"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(case_id).bind(task)
            .fetch_optional(pool).await?.map(|r| payment_from(&r)).transpose())
    }

    pub async fn payment_by_kassenzeichen(
        &self,
        kassenzeichen: &str,
    ) -> Result<Option<PaymentRequest>, DbError> {
        let sql =
            format!("SELECT {PAYMENT_COLUMNS} FROM payment_requests WHERE kassenzeichen = $1");
        with_pool!(self, pool => sqlx::query(&sql).bind(kassenzeichen)
            .fetch_optional(pool).await?.map(|r| payment_from(&r)).transpose())
    }

    pub async fn payments(&self, case_id: &str) -> Result<Vec<PaymentRequest>, DbError> {
        let sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payment_requests WHERE case_id = $1 ORDER BY created_at"
        );
        with_pool!(self, pool => sqlx::query(&sql).bind(case_id).fetch_all(pool).await?
            .iter().map(payment_from).collect())
    }

    /// Marks a payment request paid and applies the engine step `change` (PaymentReceived) in
    /// one transaction, if the request is unpaid and the case still at `expected`. A request
    /// paid before → `TaskNotOpen` (nothing written).
    pub async fn pay(
        &self,
        paid: &Paid<'_>,
        expected: u64,
        workflow_key: &str,
        change: &CaseChange,
    ) -> Result<Applied, DbError> {
        let Paid {
            case_id,
            task,
            paid_by,
            source,
        } = *paid;
        let now = fsutil::now_rfc3339();
        let source = enum_text(&source)?;
        let expected_i = i64::try_from(expected).map_err(|e| DbError::corrupt("revision", e))?;
        let status = enum_text(&change.status)?;
        let mut tx = self.begin().await?;
        let paid = with_tx!(&mut tx, conn => sqlx::query("UPDATE payment_requests SET paid_at = $3, \
             paid_by = $4, source = $5 WHERE case_id = $1 AND task = $2 AND paid_at IS NULL")
            .bind(case_id).bind(task).bind(&now).bind(paid_by).bind(&source)
            .execute(&mut *conn).await?.rows_affected());
        if paid != 1 {
            return Ok(Applied::TaskNotOpen);
        }
        let revision = with_tx!(&mut tx, conn => sqlx::query("UPDATE cases SET state = $3, \
             status = $4, revision = revision + 1, updated_at = $5 WHERE id = $1 AND revision = $2 \
             RETURNING revision")
            .bind(case_id).bind(expected_i).bind(&change.state).bind(&status).bind(&now)
            .fetch_optional(&mut *conn).await?.map(|r| r.int("revision")).transpose()?);
        let Some(revision) = revision else {
            return Ok(Applied::Stale(expected));
        };
        write_effects(&mut tx, case_id, workflow_key, change, &now).await?;
        tx.commit().await?;
        Ok(Applied::Done(
            u64::try_from(revision).map_err(|e| DbError::corrupt("revision", e))?,
        ))
    }
}

pub(super) async fn insert_document(
    tx: &mut super::Tx,
    case_id: &str,
    d: &NewDocument,
    now: &str,
) -> Result<String, DbError> {
    let id = new_id();
    let size = i64::try_from(d.data.len()).map_err(|e| DbError::corrupt("document size", e))?;
    let sha = fsutil::hex(&sha256(&d.data));
    let source = enum_text(&d.source)?;
    with_tx!(tx, conn => sqlx::query("INSERT INTO case_documents (id, case_id, name, media_type, \
         size, sha256, source, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(&id).bind(case_id).bind(&d.name).bind(&d.media_type).bind(size).bind(&sha)
        .bind(&source).bind(&d.data).bind(now).execute(&mut *conn).await.map(drop)?);
    Ok(id)
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
