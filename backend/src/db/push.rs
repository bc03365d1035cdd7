//! The state of pushing the catalogue to its remote (`catalog_push`), shared by all server
//! processes and `fachwerk catalog push`. The policy (when to retry, what to push) is in
//! `repo::push`; this only reads and changes the row, each change one conditional statement.

use super::{with_pool, Database, DbError, Fields};

/// The stored state of one remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRecord {
    /// Digest of `main` and the tags at the last successful push.
    pub pushed_refs: Option<String>,
    /// Failed attempts since the last success.
    pub attempts: i64,
    pub last_attempt_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
    pub last_error: Option<String>,
    /// The earliest time of the next automatic attempt.
    pub next_attempt_ms: i64,
    /// While a push runs: until when its process holds the lease.
    pub lease_until_ms: i64,
}

/// How a leased push ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushResult {
    /// Pushed; the refs had this digest.
    Pushed(String),
    /// Failed with this (credential-free) message; the next automatic try at `retry_at_ms`.
    Failed { error: String, retry_at_ms: i64 },
}

fn record(row: &impl Fields) -> Result<PushRecord, sqlx::Error> {
    Ok(PushRecord {
        pushed_refs: row.opt_text("pushed_refs")?,
        attempts: row.int("attempts")?,
        last_attempt_ms: row.opt_int("last_attempt_ms")?,
        last_success_ms: row.opt_int("last_success_ms")?,
        last_error: row.opt_text("last_error")?,
        next_attempt_ms: row.int("next_attempt_ms")?,
        lease_until_ms: row.int("lease_until_ms")?,
    })
}

impl Database {
    /// The row of `remote`, created (due at once) if there is none.
    pub async fn push_record(&self, remote: &str) -> Result<PushRecord, DbError> {
        let insert =
            "INSERT INTO catalog_push (remote, attempts, next_attempt_ms, lease_until_ms) \
                      VALUES ($1, 0, 0, 0) ON CONFLICT (remote) DO NOTHING";
        let select = "SELECT pushed_refs, attempts, last_attempt_ms, last_success_ms, last_error, \
                      next_attempt_ms, lease_until_ms FROM catalog_push WHERE remote = $1";
        with_pool!(self, pool => {
            sqlx::query(insert).bind(remote).execute(pool).await?;
            let row = sqlx::query(select).bind(remote).fetch_one(pool).await?;
            Ok(record(&row)?)
        })
    }

    /// Makes the next attempt due at once (after a publication, or an admin's "retry now").
    pub async fn push_due_now(&self, remote: &str) -> Result<(), DbError> {
        self.push_record(remote).await?;
        let sql = "UPDATE catalog_push SET next_attempt_ms = 0 WHERE remote = $1";
        with_pool!(self, pool => sqlx::query(sql).bind(remote).execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Takes the lease of `remote` for `holder` until `until_ms`, if no other lease runs at
    /// `now_ms` and (unless `force`) the next attempt is due. True: taken; the caller pushes
    /// and then calls [`Database::finish_push`].
    pub async fn lease_push(
        &self,
        remote: &str,
        holder: &str,
        now_ms: i64,
        until_ms: i64,
        force: bool,
    ) -> Result<bool, DbError> {
        self.push_record(remote).await?;
        let sql = "UPDATE catalog_push SET lease_until_ms = $3, lease_holder = $2, \
                   last_attempt_ms = $4 \
                   WHERE remote = $1 AND lease_until_ms <= $4 AND ($5 OR next_attempt_ms <= $4)";
        let done = with_pool!(self, pool => sqlx::query(sql)
            .bind(remote).bind(holder).bind(until_ms).bind(now_ms).bind(force)
            .execute(pool).await?.rows_affected());
        Ok(done == 1)
    }

    /// Records how the push of `holder` ended and gives the lease back. False: the lease was
    /// no longer `holder`'s (it ran out and another process took it); nothing written.
    pub async fn finish_push(
        &self,
        remote: &str,
        holder: &str,
        now_ms: i64,
        result: &PushResult,
    ) -> Result<bool, DbError> {
        let done = match result {
            PushResult::Pushed(refs) => {
                let sql = "UPDATE catalog_push SET pushed_refs = $3, attempts = 0, \
                           last_success_ms = $4, last_error = NULL, next_attempt_ms = 0, \
                           lease_until_ms = 0, lease_holder = NULL \
                           WHERE remote = $1 AND lease_holder = $2";
                with_pool!(self, pool => sqlx::query(sql)
                    .bind(remote).bind(holder).bind(refs).bind(now_ms)
                    .execute(pool).await?.rows_affected())
            }
            PushResult::Failed { error, retry_at_ms } => {
                let sql = "UPDATE catalog_push SET attempts = attempts + 1, last_error = $3, \
                           next_attempt_ms = $4, lease_until_ms = 0, lease_holder = NULL \
                           WHERE remote = $1 AND lease_holder = $2";
                with_pool!(self, pool => sqlx::query(sql)
                    .bind(remote).bind(holder).bind(error).bind(retry_at_ms)
                    .execute(pool).await?.rows_affected())
            }
        };
        Ok(done == 1)
    }
}
