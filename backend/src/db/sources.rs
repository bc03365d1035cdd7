//! Template sources (other catalogues) and the result of their last fetch. Starting a fetch
//! claims the source with a conditional `UPDATE`, so one process fetches a source at a time;
//! the progress of a running fetch is not stored.

use super::{enum_from, enum_text, json_from, json_text, with_pool, with_tx};
use super::{Database, DbError, Fields, Tx};
use crate::fsutil;
use fachwerk_shared::api::CatalogueSummary;
use fachwerk_shared::api::FetchErrorKind;
use fachwerk_shared::api::SourceRecord;

/// How a fetch ended.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    Ready {
        summary: CatalogueSummary,
        message_de: String,
    },
    Failed {
        kind: FetchErrorKind,
        message_de: String,
    },
}

/// Outcome of removing a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceRemoval {
    Gone,
    NotFound,
    /// A fetch is running.
    Busy,
}

macro_rules! select_source {
    () => {
        "SELECT s.id, s.url, a.name AS added_by, s.added_at, s.state, s.message_de, \
         s.error_kind, s.last_attempt, s.last_success, s.last_success_unix, s.catalogue \
         FROM template_sources s JOIN accounts a ON a.id = s.added_by"
    };
}

fn source_from(row: &impl Fields) -> Result<SourceRecord, DbError> {
    Ok(SourceRecord {
        id: row.text("id")?,
        url: row.text("url")?,
        added_by: row.text("added_by")?,
        added_at: row.text("added_at")?,
        state: enum_from("source state", &row.text("state")?)?,
        progress: None,
        message_de: row.text("message_de")?,
        error_kind: row
            .opt_text("error_kind")?
            .map(|k| enum_from("source error kind", &k))
            .transpose()?,
        last_attempt: row.opt_text("last_attempt")?,
        last_success: row.opt_text("last_success")?,
        last_success_unix: row.opt_int("last_success_unix")?,
        catalogue: row
            .opt_text("catalogue")?
            .map(|c| json_from("source catalogue", &c))
            .transpose()?,
    })
}

/// Inserts a source record as given (new sources, and the JSON import); `false` if a source
/// with this id exists.
pub(crate) async fn insert_source(
    tx: &mut Tx,
    record: &SourceRecord,
    added_by_id: &str,
) -> Result<bool, DbError> {
    let state = enum_text(&record.state)?;
    let kind = record.error_kind.as_ref().map(enum_text).transpose()?;
    let catalogue = record
        .catalogue
        .as_ref()
        .map(|c| json_text("source catalogue", c))
        .transpose()?;
    let inserted = with_tx!(tx, conn => sqlx::query(
        "INSERT INTO template_sources (id, url, added_by, added_at, state, message_de, \
         error_kind, last_attempt, last_success, last_success_unix, catalogue) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
    )
    .bind(&record.id)
    .bind(&record.url)
    .bind(added_by_id)
    .bind(&record.added_at)
    .bind(&state)
    .bind(&record.message_de)
    .bind(&kind)
    .bind(&record.last_attempt)
    .bind(&record.last_success)
    .bind(record.last_success_unix)
    .bind(&catalogue)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(inserted == 1)
}

impl Database {
    /// Stores a new source; returns the stored record and whether it was new (`false`: a
    /// source with this id exists).
    pub async fn insert_source(
        &self,
        record: &SourceRecord,
        added_by_id: &str,
    ) -> Result<(SourceRecord, bool), DbError> {
        let mut tx = self.begin().await?;
        let inserted = insert_source(&mut tx, record, added_by_id).await?;
        tx.commit().await?;
        let stored = self.source(&record.id).await?.ok_or_else(|| {
            DbError::corrupt("template source", format!("{} vanished", record.id))
        })?;
        Ok((stored, inserted))
    }

    pub async fn source(&self, id: &str) -> Result<Option<SourceRecord>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(select_source!(), " WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| source_from(&r))
            .transpose())
    }

    /// The id of the account that added a source.
    pub async fn source_added_by(&self, id: &str) -> Result<Option<String>, DbError> {
        with_pool!(self, pool => sqlx::query("SELECT added_by FROM template_sources WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| r.text("added_by"))
            .transpose()
            .map_err(DbError::from))
    }

    /// Every source, in the order they were added.
    pub async fn sources(&self) -> Result<Vec<SourceRecord>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(select_source!(), " ORDER BY s.added_at, s.id"))
            .fetch_all(pool)
            .await?
            .iter()
            .map(source_from)
            .collect())
    }

    /// Claims a source for fetching. `Ok(None)`: unknown id; `(record, false)`: a fetch is
    /// already running (started after `stale_before_unix`).
    pub async fn begin_fetch(
        &self,
        id: &str,
        message_de: &str,
        stale_before_unix: i64,
    ) -> Result<Option<(SourceRecord, bool)>, DbError> {
        let now = fsutil::unix_now();
        let mut tx = self.begin().await?;
        let (claimed, record) = with_tx!(&mut tx, conn => {
            let claimed = sqlx::query(
                "UPDATE template_sources SET state = 'fetching', error_kind = NULL, \
                 message_de = $1, last_attempt = $2, fetch_started_unix = $3 \
                 WHERE id = $4 AND (state <> 'fetching' OR fetch_started_unix IS NULL \
                 OR fetch_started_unix < $5)",
            )
            .bind(message_de)
            .bind(fsutil::rfc3339(now))
            .bind(now)
            .bind(id)
            .bind(stale_before_unix)
            .execute(&mut *conn)
            .await?
            .rows_affected()
                == 1;
            let record = sqlx::query(concat!(select_source!(), " WHERE s.id = $1"))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| source_from(&r))
                .transpose()?;
            (claimed, record)
        });
        tx.commit().await?;
        Ok(record.map(|r| (r, claimed)))
    }

    /// Records how a fetch ended.
    pub async fn finish_fetch(&self, id: &str, outcome: &FetchOutcome) -> Result<(), DbError> {
        let now = fsutil::unix_now();
        with_pool!(self, pool => match outcome {
            FetchOutcome::Ready { summary, message_de } => sqlx::query(
                "UPDATE template_sources SET state = 'ready', error_kind = NULL, \
                 message_de = $1, last_success = $2, last_success_unix = $3, catalogue = $4, \
                 fetch_started_unix = NULL WHERE id = $5",
            )
            .bind(message_de)
            .bind(fsutil::rfc3339(now))
            .bind(now)
            .bind(json_text("source catalogue", summary)?)
            .bind(id)
            .execute(pool)
            .await?.rows_affected(),
            FetchOutcome::Failed { kind, message_de } => sqlx::query(
                "UPDATE template_sources SET state = 'error', error_kind = $1, message_de = $2, \
                 fetch_started_unix = NULL WHERE id = $3",
            )
            .bind(enum_text(kind)?)
            .bind(message_de)
            .bind(id)
            .execute(pool)
            .await?.rows_affected(),
        });
        Ok(())
    }

    /// Marks fetches started before `started_before_unix` as interrupted (their process is
    /// gone). Returns how many.
    pub async fn interrupt_fetches(
        &self,
        started_before_unix: i64,
        message_de: &str,
    ) -> Result<u64, DbError> {
        let kind = enum_text(&FetchErrorKind::Interrupted)?;
        let done = with_pool!(self, pool => sqlx::query(
            "UPDATE template_sources SET state = 'error', error_kind = $1, message_de = $2, \
             fetch_started_unix = NULL \
             WHERE state = 'fetching' AND (fetch_started_unix IS NULL OR fetch_started_unix < $3)",
        )
        .bind(&kind)
        .bind(message_de)
        .bind(started_before_unix)
        .execute(pool)
        .await?.rows_affected());
        Ok(done)
    }

    /// Removes a source unless it is being fetched.
    pub async fn remove_source(&self, id: &str) -> Result<SourceRemoval, DbError> {
        let (deleted, exists) = with_pool!(self, pool => {
            let deleted = sqlx::query(
                "DELETE FROM template_sources WHERE id = $1 AND state <> 'fetching'",
            )
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected();
            let exists = sqlx::query("SELECT COUNT(*) AS n FROM template_sources WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await?
                .int("n")?;
            (deleted, exists)
        });
        Ok(match (deleted, exists) {
            (1, _) => SourceRemoval::Gone,
            (_, 0) => SourceRemoval::NotFound,
            _ => SourceRemoval::Busy,
        })
    }
}
