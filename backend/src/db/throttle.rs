//! Failed logins shared by all server processes on the database (`login_failures`). The
//! policy (free attempts, doubling waits) is the caller's; this only counts atomically.

use super::{with_pool, Database, DbError};

impl Database {
    /// The latest end of a running back-off among `scopes` (milliseconds since the epoch;
    /// 0 when none).
    pub async fn login_blocked_until(&self, scopes: [&str; 2]) -> Result<i64, DbError> {
        let sql = "SELECT COALESCE(MAX(blocked_until_ms), 0) FROM login_failures \
                   WHERE scope = $1 OR scope = $2";
        Ok(with_pool!(self, pool => sqlx::query_scalar::<_, i64>(sql)
            .bind(scopes[0]).bind(scopes[1]).fetch_one(pool).await?))
    }

    /// Counts one failure of `scope` at `now_ms` (a count older than `forget_ms` starts
    /// over) in one atomic statement, so concurrent failures on several processes all count;
    /// returns the new count. Rows forgotten for long are removed on the way.
    pub async fn count_login_failure(
        &self,
        scope: &str,
        now_ms: i64,
        forget_ms: i64,
    ) -> Result<i64, DbError> {
        let upsert =
            "INSERT INTO login_failures (scope, failures, last_failure_ms, blocked_until_ms) \
                      VALUES ($1, 1, $2, 0) \
                      ON CONFLICT (scope) DO UPDATE SET \
                        failures = CASE WHEN $2 - login_failures.last_failure_ms >= $3 THEN 1 \
                                        ELSE login_failures.failures + 1 END, \
                        last_failure_ms = $2 \
                      RETURNING failures";
        let sweep = "DELETE FROM login_failures WHERE last_failure_ms < $1";
        with_pool!(self, pool => {
            sqlx::query(sweep).bind(now_ms - forget_ms).execute(pool).await?;
            Ok(sqlx::query_scalar::<_, i64>(upsert)
                .bind(scope).bind(now_ms).bind(forget_ms).fetch_one(pool).await?)
        })
    }

    /// Starts a back-off of `scope` until `until_ms` (never shortens a running one).
    pub async fn block_login(&self, scope: &str, until_ms: i64) -> Result<(), DbError> {
        let sql = "UPDATE login_failures SET blocked_until_ms = $2 \
                   WHERE scope = $1 AND blocked_until_ms < $2";
        with_pool!(self, pool => sqlx::query(sql).bind(scope).bind(until_ms).execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Forgets the failures of `scope` (a successful login).
    pub async fn clear_login_failures(&self, scope: &str) -> Result<(), DbError> {
        let sql = "DELETE FROM login_failures WHERE scope = $1";
        with_pool!(self, pool => sqlx::query(sql).bind(scope).execute(pool).await.map(drop)?);
        Ok(())
    }

    /// Counts one hit of `scope` in its fixed window of `window_ms` (a window that has run out
    /// starts over at `now_ms`), atomically; returns the hits and the window's start. Windows
    /// long past are removed on the way.
    pub async fn count_rate_hit(
        &self,
        scope: &str,
        now_ms: i64,
        window_ms: i64,
    ) -> Result<(i64, i64), DbError> {
        let upsert = "INSERT INTO rate_limits (scope, window_start_ms, hits) VALUES ($1, $2, 1) \
                      ON CONFLICT (scope) DO UPDATE SET \
                        hits = CASE WHEN $2 - rate_limits.window_start_ms >= $3 THEN 1 \
                                    ELSE rate_limits.hits + 1 END, \
                        window_start_ms = CASE WHEN $2 - rate_limits.window_start_ms >= $3 THEN $2 \
                                               ELSE rate_limits.window_start_ms END \
                      RETURNING hits, window_start_ms";
        let sweep = "DELETE FROM rate_limits WHERE window_start_ms < $1";
        with_pool!(self, pool => {
            sqlx::query(sweep).bind(now_ms - 2 * window_ms).execute(pool).await?;
            Ok(sqlx::query_as::<_, (i64, i64)>(upsert)
                .bind(scope).bind(now_ms).bind(window_ms).fetch_one(pool).await?)
        })
    }
}
