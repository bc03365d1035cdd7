//! Publication requests and their status. Every status change is one conditional `UPDATE`
//! (`… WHERE status = 'pending'`), so of two racing decisions exactly one takes effect, on one
//! server process or several.

use std::collections::HashMap;

use super::{enum_from, enum_text, json_from, json_text, with_pool, with_tx};
use super::{Database, DbError, Fields, Tx};
use crate::fsutil;
use fachwerk_shared::api::Published;
use fachwerk_shared::api::{Publication, PublicationSummary, Status};

/// Outcome of a status change.
#[derive(Debug)]
pub enum Transition {
    /// The change was made; the request as it is now.
    Done(Box<Publication>),
    /// The request is in a status that does not allow the change.
    Refused(Status),
    NotFound,
}

macro_rules! summary_columns {
    () => {
        "p.id, p.draft_id, p.workflow_key, p.name, r.name AS requester, p.note, p.status, \
         p.created_at, p.base_version, p.suggested_version, dby.name AS decided_by_name"
    };
}

macro_rules! select_request {
    () => {
        concat!(
            "SELECT ",
            summary_columns!(),
            ", p.requester_id, p.draft_revision, p.bump, p.changes_de, p.diff, p.workflow, p.decided_at, \
             p.comment, p.published_version, p.published_commit, p.published_tag \
             FROM publication_requests p JOIN accounts r ON r.id = p.requester_id \
             LEFT JOIN accounts dby ON dby.id = p.decided_by"
        )
    };
}

fn summary_from(row: &impl Fields) -> Result<PublicationSummary, DbError> {
    Ok(PublicationSummary {
        id: row.text("id")?,
        draft_id: row.text("draft_id")?,
        key: row.text("workflow_key")?,
        name: row.text("name")?,
        requester: row.text("requester")?,
        note: row.text("note")?,
        status: enum_from("request status", &row.text("status")?)?,
        created_at: row.text("created_at")?,
        base_version: row.opt_text("base_version")?,
        suggested_version: row.text("suggested_version")?,
        decided_by: row.opt_text("decided_by_name")?,
    })
}

fn request_from(row: &impl Fields) -> Result<Publication, DbError> {
    let s = summary_from(row)?;
    let published = match (
        row.opt_text("published_version")?,
        row.opt_text("published_commit")?,
        row.opt_text("published_tag")?,
    ) {
        (Some(version), Some(commit), Some(tag)) => Some(Published {
            version,
            commit,
            tag,
        }),
        _ => None,
    };
    let diff = row
        .opt_text("diff")?
        .map(|d| json_from("request diff", &d))
        .transpose()?;
    Ok(Publication {
        id: s.id,
        draft_id: s.draft_id,
        draft_revision: u64::try_from(row.int("draft_revision")?)
            .map_err(|e| DbError::corrupt("request draft revision", e))?,
        key: s.key,
        name: s.name,
        requester: s.requester,
        // Filled by the approval view (the creator's current name).
        requester_created_by: None,
        note: s.note,
        status: s.status,
        created_at: s.created_at,
        base_version: s.base_version,
        suggested_version: s.suggested_version,
        bump: enum_from("request bump", &row.text("bump")?)?,
        changes_de: json_from("request changes", &row.text("changes_de")?)?,
        diff,
        workflow: json_from("request workflow", &row.text("workflow")?)?,
        decided_by: s.decided_by,
        decided_at: row.opt_text("decided_at")?,
        comment: row.opt_text("comment")?,
        published,
    })
}

/// Runs a conditional `UPDATE` of request `$id` and reads the request back in the same
/// transaction.
macro_rules! transition {
    ($db:expr, $id:expr, $update:expr) => {{
        let mut tx = $db.begin().await?;
        let (changed, current) = with_tx!(&mut tx, conn => {
            let changed = $update.execute(&mut *conn).await?.rows_affected() == 1;
            let current = sqlx::query(concat!(select_request!(), " WHERE p.id = $1"))
                .bind($id)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| request_from(&r))
                .transpose()?;
            (changed, current)
        });
        tx.commit().await?;
        Ok(match current {
            None => Transition::NotFound,
            Some(p) if changed => Transition::Done(Box::new(p)),
            Some(p) => Transition::Refused(p.status),
        })
    }};
}

/// Inserts a request as given; `decided_by_id` is only set by the JSON import.
pub(crate) async fn insert_request(
    tx: &mut Tx,
    p: &Publication,
    requester_id: &str,
    decided_by_id: Option<&str>,
) -> Result<(), DbError> {
    let status = enum_text(&p.status)?;
    let bump = enum_text(&p.bump)?;
    let changes = json_text("request changes", &p.changes_de)?;
    let diff = p
        .diff
        .as_ref()
        .map(|d| json_text("request diff", d))
        .transpose()?;
    let workflow = json_text("request workflow", &p.workflow)?;
    let revision = i64::try_from(p.draft_revision)
        .map_err(|e| DbError::corrupt("request draft revision", e))?;
    let published = p.published.as_ref();
    with_tx!(tx, conn => sqlx::query(
        "INSERT INTO publication_requests (id, draft_id, draft_revision, workflow_key, name, \
         requester_id, note, status, created_at, base_version, suggested_version, bump, \
         changes_de, diff, workflow, decided_by, decided_at, comment, published_version, \
         published_commit, published_tag) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
    )
    .bind(&p.id)
    .bind(&p.draft_id)
    .bind(revision)
    .bind(&p.key)
    .bind(&p.name)
    .bind(requester_id)
    .bind(&p.note)
    .bind(&status)
    .bind(&p.created_at)
    .bind(&p.base_version)
    .bind(&p.suggested_version)
    .bind(&bump)
    .bind(&changes)
    .bind(&diff)
    .bind(&workflow)
    .bind(decided_by_id)
    .bind(&p.decided_at)
    .bind(&p.comment)
    .bind(published.map(|x| x.version.as_str()))
    .bind(published.map(|x| x.commit.as_str()))
    .bind(published.map(|x| x.tag.as_str()))
    .execute(conn)
    .await?.rows_affected());
    Ok(())
}

impl Database {
    /// Stores a request made by `requester_id` (`p.requester` is not stored: names come from
    /// the account).
    pub async fn insert_request(&self, p: &Publication, requester_id: &str) -> Result<(), DbError> {
        let mut tx = self.begin().await?;
        insert_request(&mut tx, p, requester_id, None).await?;
        tx.commit().await
    }

    /// Stores a request made by `requester_id` unless a pending request of the same draft is
    /// for the same revision or the same workflow (saved again, unchanged, before submitting
    /// again); returns the stored request and whether it is new. Submissions of one
    /// draft take turns (a transaction-scoped advisory lock on the draft id in PostgreSQL;
    /// SQLite transactions start with `BEGIN IMMEDIATE`, one writer at a time), so two racing
    /// submissions file one request.
    pub async fn insert_request_once(
        &self,
        p: &Publication,
        requester_id: &str,
    ) -> Result<(Publication, bool), DbError> {
        let mut tx = self.begin().await?;
        if let Tx::Postgres(t) = &mut tx {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext('publication-request:' || $1))")
                .bind(&p.draft_id)
                .execute(&mut **t)
                .await?;
        }
        let pending: Vec<Publication> = with_tx!(&mut tx, conn => {
            sqlx::query(concat!(select_request!(), " WHERE p.draft_id = $1 \
                 AND p.status = 'pending' ORDER BY p.created_at, p.id"))
                .bind(&p.draft_id)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(request_from)
                .collect::<Result<_, _>>()?
        });
        let open = pending
            .into_iter()
            .find(|o| o.draft_revision == p.draft_revision || o.workflow == p.workflow);
        let stored = match open {
            Some(existing) => (existing, false),
            None => {
                insert_request(&mut tx, p, requester_id, None).await?;
                (p.clone(), true)
            }
        };
        tx.commit().await?;
        Ok(stored)
    }

    /// The pending request for revision `revision` of draft `draft_id`, if any.
    pub async fn open_request_for(
        &self,
        draft_id: &str,
        revision: u64,
    ) -> Result<Option<Publication>, DbError> {
        let revision =
            i64::try_from(revision).map_err(|e| DbError::corrupt("request draft revision", e))?;
        with_pool!(self, pool => sqlx::query(concat!(select_request!(), " WHERE p.draft_id = $1 \
             AND p.draft_revision = $2 AND p.status = 'pending' ORDER BY p.created_at, p.id"))
            .bind(draft_id)
            .bind(revision)
            .fetch_optional(pool)
            .await?
            .map(|r| request_from(&r))
            .transpose())
    }

    /// Whether a request made from draft `draft_id` was published under `key` (the key is
    /// then this draft's own).
    pub async fn draft_published_as(&self, draft_id: &str, key: &str) -> Result<bool, DbError> {
        let n = with_pool!(self, pool => sqlx::query(
            "SELECT COUNT(*) AS n FROM publication_requests \
             WHERE draft_id = $1 AND workflow_key = $2 AND status = 'published'",
        )
        .bind(draft_id)
        .bind(key)
        .fetch_one(pool)
        .await?
        .int("n")?);
        Ok(n > 0)
    }

    /// A request and the id of the account that made it.
    pub async fn request_with_requester(
        &self,
        id: &str,
    ) -> Result<Option<(Publication, String)>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(select_request!(), " WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| Ok((request_from(&r)?, r.text("requester_id")?)))
            .transpose())
    }

    pub async fn request(&self, id: &str) -> Result<Option<Publication>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(select_request!(), " WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|r| request_from(&r))
        .transpose())
    }

    /// Requests an account may list, oldest first: its own, and every pending one for
    /// reviewers.
    pub async fn requests_visible_to(
        &self,
        account_id: &str,
        reviewer: bool,
    ) -> Result<Vec<PublicationSummary>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(
        "SELECT ", summary_columns!(),
        " FROM publication_requests p JOIN accounts r ON r.id = p.requester_id \
         LEFT JOIN accounts dby ON dby.id = p.decided_by \
         WHERE p.requester_id = $1 OR ($2 AND p.status = 'pending') \
         ORDER BY p.created_at, p.id"
    ))
    .bind(account_id)
    .bind(reviewer)
    .fetch_all(pool)
    .await?
    .iter()
    .map(summary_from)
    .collect())
    }

    /// Every request, oldest first.
    pub async fn all_requests(&self) -> Result<Vec<Publication>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(
        select_request!(), " ORDER BY p.created_at, p.id"
    ))
    .fetch_all(pool)
    .await?
    .iter()
    .map(request_from)
    .collect())
    }

    /// Whether a pending request refers to the draft (its reviewers may then read it).
    pub async fn draft_under_review(&self, draft_id: &str) -> Result<bool, DbError> {
        let n = with_pool!(self, pool => sqlx::query(
        "SELECT COUNT(*) AS n FROM publication_requests \
         WHERE draft_id = $1 AND status = 'pending'",
    )
    .bind(draft_id)
    .fetch_one(pool)
    .await?
    .int("n")?);
        Ok(n > 0)
    }

    /// Pending → published, recording the approver and where the catalogue has the version.
    pub async fn mark_published(
        &self,
        id: &str,
        approver_id: &str,
        published: &Published,
    ) -> Result<Transition, DbError> {
        transition!(
            self,
            id,
            sqlx::query(
                "UPDATE publication_requests SET status = 'published', decided_by = $1, \
         decided_at = $2, published_version = $3, published_commit = $4, \
         published_tag = $5 WHERE id = $6 AND status = 'pending'",
            )
            .bind(approver_id)
            .bind(fsutil::now_rfc3339())
            .bind(&published.version)
            .bind(&published.commit)
            .bind(&published.tag)
            .bind(id)
        )
    }

    /// Pending → outdated (another version was published since the request was made).
    pub async fn mark_outdated(&self, id: &str) -> Result<Transition, DbError> {
        transition!(
            self,
            id,
            sqlx::query(
                "UPDATE publication_requests SET status = 'outdated' \
         WHERE id = $1 AND status = 'pending'",
            )
            .bind(id)
        )
    }

    /// Pending or outdated → rejected, with the reviewer's reason.
    pub async fn reject_request(
        &self,
        id: &str,
        reviewer_id: &str,
        comment: &str,
    ) -> Result<Transition, DbError> {
        transition!(
            self,
            id,
            sqlx::query(
                "UPDATE publication_requests SET status = 'rejected', decided_by = $1, \
         decided_at = $2, comment = $3 \
         WHERE id = $4 AND status IN ('pending', 'outdated')",
            )
            .bind(reviewer_id)
            .bind(fsutil::now_rfc3339())
            .bind(comment)
            .bind(id)
        )
    }

    /// After an interruption between the catalogue commit and the status update: marks
    /// every request that the catalogue has (request id → version, from the commit
    /// trailers) as published. Returns the ids changed.
    pub async fn reconcile_requests(
        &self,
        in_catalogue: &HashMap<String, Published>,
    ) -> Result<Vec<String>, DbError> {
        let open: Vec<String> = with_pool!(self, pool => sqlx::query(
        "SELECT id FROM publication_requests WHERE status <> 'published'",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| r.text("id"))
    .collect::<Result<_, _>>()?);
        let mut changed = Vec::new();
        for id in open {
            let Some(published) = in_catalogue.get(&id) else {
                continue;
            };
            let done = with_pool!(self, pool => sqlx::query(
            "UPDATE publication_requests SET status = 'published', published_version = $1, \
             published_commit = $2, published_tag = $3 \
             WHERE id = $4 AND status <> 'published'",
        )
        .bind(&published.version)
        .bind(&published.commit)
        .bind(&published.tag)
        .bind(&id)
        .execute(pool)
        .await?.rows_affected());
            if done == 1 {
                tracing::warn!(id = %id, version = %published.version, "request was published before an interruption; recorded it");
                changed.push(id);
            }
        }
        Ok(changed)
    }
}
