//! Queries for operations: the readiness probe and the gauges of the metrics endpoint.

use super::{with_pool, Database, DbError};

impl Database {
    /// One round trip to the database (`SELECT 1`): fails when it cannot be reached.
    pub async fn ping(&self) -> Result<(), DbError> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Cases still in progress (status `open`).
    pub async fn open_case_count(&self) -> Result<i64, DbError> {
        let sql = "SELECT COUNT(*) FROM cases WHERE status = 'open'";
        Ok(with_pool!(self, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await?))
    }

    /// Open tasks whose due date (`YYYY-MM-DD`) lies before `today`. Tasks without a due
    /// date are stored with one far in the future, so they never count.
    pub async fn overdue_task_count(&self, today: &str) -> Result<i64, DbError> {
        let sql = "SELECT COUNT(*) FROM tasks WHERE status = 'open' AND due < $1";
        Ok(
            with_pool!(self, pool => sqlx::query_scalar::<_, i64>(sql).bind(today).fetch_one(pool).await?),
        )
    }
}
