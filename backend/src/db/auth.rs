//! Login sessions and API tokens. Both are stored as SHA-256 hashes of their secret, so a copy
//! of the database does not let anyone log in. Every server process sharing the database sees
//! every session.

use super::accounts::{account_columns, account_from, Account};
use super::{new_id, with_pool, with_tx, Database, DbError, Fields, Tx};
use crate::fsutil;

/// A live session with its account.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub account: Account,
    pub csrf: String,
    pub expires_unix: i64,
}

/// An API token (without its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub created_at: String,
    pub expires_unix: Option<i64>,
    pub last_used_at: Option<String>,
}

/// A token's use is recorded at most this often (it costs a write per request otherwise).
const LAST_USED_GRANULARITY: i64 = 60;

fn token_from(row: &impl Fields) -> Result<ApiToken, DbError> {
    Ok(ApiToken {
        id: row.text("id")?,
        account_id: row.text("account_id")?,
        name: row.text("name")?,
        created_at: row.text("created_at")?,
        expires_unix: row.opt_int("expires_unix")?,
        last_used_at: row.opt_text("last_used_at")?,
    })
}

/// Inserts a token as given (new tokens, and the JSON import).
pub(crate) async fn insert_token(
    tx: &mut Tx,
    token: &ApiToken,
    token_hash: &str,
) -> Result<(), DbError> {
    with_tx!(tx, conn => sqlx::query(
        "INSERT INTO api_tokens (id, account_id, name, token_hash, created_at, expires_unix, \
         last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&token.id)
    .bind(&token.account_id)
    .bind(&token.name)
    .bind(token_hash)
    .bind(&token.created_at)
    .bind(token.expires_unix)
    .bind(&token.last_used_at)
    .execute(conn)
    .await?.rows_affected());
    Ok(())
}

impl Database {
    /// Stores a session for `account_id` (dropping expired ones on the way).
    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: &str,
        csrf: &str,
        expires_unix: i64,
    ) -> Result<(), DbError> {
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM sessions WHERE expires_unix <= $1")
                .bind(fsutil::unix_now())
                .execute(&mut *conn)
                .await?.rows_affected();
            sqlx::query(
                "INSERT INTO sessions (token_hash, account_id, csrf, created_at, expires_unix) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(account_id)
            .bind(csrf)
            .bind(fsutil::now_rfc3339())
            .bind(expires_unix)
            .execute(conn)
            .await?.rows_affected();
        });
        tx.commit().await
    }

    /// The unexpired session with this hash, if its account is live.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, DbError> {
        let found = with_pool!(self, pool => {
            let Some(row) = sqlx::query(
                "SELECT account_id, csrf, expires_unix FROM sessions \
                 WHERE token_hash = $1 AND expires_unix > $2",
            )
            .bind(token_hash)
            .bind(fsutil::unix_now())
            .fetch_optional(pool)
            .await?
            else {
                return Ok(None);
            };
            let account = sqlx::query(concat!(
                "SELECT ", account_columns!(), " FROM accounts WHERE id = $1 AND deleted_at IS NULL"
            ))
            .bind(row.text("account_id")?)
            .fetch_optional(pool)
            .await?;
            (row.text("csrf")?, row.int("expires_unix")?, account.map(|a| account_from(&a)))
        });
        let (csrf, expires_unix, account) = found;
        Ok(account.transpose()?.map(|account| SessionRecord {
            account,
            csrf,
            expires_unix,
        }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), DbError> {
        with_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(pool)
            .await?.rows_affected());
        Ok(())
    }

    /// Ends every session of an account (after a password change, say).
    pub async fn delete_sessions_of(&self, account_id: &str) -> Result<u64, DbError> {
        let done = with_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(account_id)
            .execute(pool)
            .await?.rows_affected());
        Ok(done)
    }

    /// Stores a token whose secret hashes to `token_hash`.
    pub async fn create_token(
        &self,
        account_id: &str,
        name: &str,
        token_hash: &str,
        expires_unix: Option<i64>,
    ) -> Result<ApiToken, DbError> {
        let token = ApiToken {
            id: new_id(),
            account_id: account_id.to_string(),
            name: name.to_string(),
            created_at: fsutil::now_rfc3339(),
            expires_unix,
            last_used_at: None,
        };
        let mut tx = self.begin().await?;
        insert_token(&mut tx, &token, token_hash).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The live account of an unexpired token, recording that the token was used.
    pub async fn account_for_token(&self, token_hash: &str) -> Result<Option<Account>, DbError> {
        Ok(self
            .use_token(token_hash)
            .await?
            .map(|(_, account)| account))
    }

    /// The id of an unexpired token and its live account, recording that the token was used.
    pub async fn use_token(&self, token_hash: &str) -> Result<Option<(String, Account)>, DbError> {
        let now = fsutil::unix_now();
        let found = with_pool!(self, pool => {
            let Some(row) = sqlx::query(
                "SELECT id, account_id, last_used_at FROM api_tokens \
                 WHERE token_hash = $1 AND (expires_unix IS NULL OR expires_unix > $2)",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
            else {
                return Ok(None);
            };
            let recent = fsutil::rfc3339(now - LAST_USED_GRANULARITY);
            if row.opt_text("last_used_at")?.is_none_or(|t| t < recent) {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                    .bind(fsutil::rfc3339(now))
                    .bind(token_hash)
                    .execute(pool)
                    .await?.rows_affected();
            }
            sqlx::query(concat!(
                "SELECT ", account_columns!(), " FROM accounts WHERE id = $1 AND deleted_at IS NULL"
            ))
            .bind(row.text("account_id")?)
            .fetch_optional(pool)
            .await?
            .map(|a| Ok((row.text("id")?, account_from(&a)?)))
        });
        found.transpose()
    }

    /// Tokens of an account, oldest first.
    pub async fn tokens_of(&self, account_id: &str) -> Result<Vec<ApiToken>, DbError> {
        with_pool!(self, pool => sqlx::query(
            "SELECT id, account_id, name, created_at, expires_unix, last_used_at \
             FROM api_tokens WHERE account_id = $1 ORDER BY created_at, id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(token_from)
        .collect())
    }

    /// Revokes a token of `account_id`; `false` if it has no such token.
    pub async fn delete_token(&self, account_id: &str, id: &str) -> Result<bool, DbError> {
        let done = with_pool!(self, pool => sqlx::query(
            "DELETE FROM api_tokens WHERE id = $1 AND account_id = $2",
        )
        .bind(id)
        .bind(account_id)
        .execute(pool)
        .await?.rows_affected());
        Ok(done == 1)
    }

    /// Every token with its account's name (`account_id = None`: of every account), oldest
    /// first.
    pub async fn tokens_with_names(
        &self,
        account_id: Option<&str>,
    ) -> Result<Vec<(ApiToken, String)>, DbError> {
        with_pool!(self, pool => sqlx::query(
            "SELECT t.id, t.account_id, t.name, t.created_at, t.expires_unix, t.last_used_at, \
             a.name AS account_name FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
             WHERE $1 IS NULL OR t.account_id = $1 ORDER BY t.created_at, t.id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| Ok((token_from(row)?, row.text("account_name")?)))
        .collect())
    }

    /// Revokes token `id` whoever owns it; `false` if there is none.
    pub async fn delete_token_by_id(&self, id: &str) -> Result<bool, DbError> {
        let done = with_pool!(self, pool => sqlx::query("DELETE FROM api_tokens WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// Revokes every token of an account (after a forced password reset).
    pub async fn delete_tokens_of(&self, account_id: &str) -> Result<u64, DbError> {
        Ok(
            with_pool!(self, pool => sqlx::query("DELETE FROM api_tokens WHERE account_id = $1")
            .bind(account_id)
            .execute(pool)
            .await?
            .rows_affected()),
        )
    }

    /// Gives tokens without an expiry (imported from before tokens expired) one.
    pub async fn expire_unlimited_tokens(&self, expires_unix: i64) -> Result<u64, DbError> {
        Ok(with_pool!(self, pool => sqlx::query(
            "UPDATE api_tokens SET expires_unix = $1 WHERE expires_unix IS NULL",
        )
        .bind(expires_unix)
        .execute(pool)
        .await?
        .rows_affected()))
    }
}
