//! Single sign-on state (migration 0013): logins in progress, the accounts single sign-on
//! created (by issuer and subject), and the ID tokens of SSO sessions for the provider's logout.

use super::accounts::{account_columns, account_from, insert_account, lock_and_count_admins};
use super::{enum_text, with_pool, with_tx, Account, Database, DbError, Fields};
use crate::fsutil;
use fachwerk_shared::api::Role;

/// Marks accounts without a password: no argon2 hash, so a password never matches.
pub const NO_PASSWORD: &str = "!sso";

/// What the callback needs to finish a login the browser started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcFlow {
    pub nonce: String,
    pub pkce_verifier: String,
}

/// A verified single sign-on login, to be matched to its account.
#[derive(Debug, Clone)]
pub struct SsoLogin<'a> {
    /// The account's id, derived from `issuer` and `subject`.
    pub account_id: &'a str,
    pub issuer: &'a str,
    pub subject: &'a str,
    /// Names to give a new account, the first one that is free.
    pub names: &'a [String],
    /// The role the provider's groups map to.
    pub role: Role,
}

/// Why a verified login still gets no session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SsoRefused {
    #[error("Das Konto „{0}“ wurde in Fachwerk gelöscht.")]
    Deleted(String),
    #[error("„{0}“ ist der letzte Administrator; die Gruppen beim Identitätsanbieter nehmen ihm diese Rolle. Bitte zuerst eine weitere Person zur Administration machen.")]
    LastAdmin(String),
}

impl Database {
    /// Records a login the browser starts (dropping expired ones on the way).
    pub async fn store_oidc_flow(
        &self,
        state_hash: &str,
        flow: &OidcFlow,
        expires_unix: i64,
    ) -> Result<(), DbError> {
        let mut tx = self.begin().await?;
        with_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM oidc_flows WHERE expires_unix <= $1")
                .bind(fsutil::unix_now())
                .execute(&mut *conn)
                .await?
                .rows_affected();
            sqlx::query(
                "INSERT INTO oidc_flows (state_hash, nonce, pkce_verifier, expires_unix) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(state_hash)
            .bind(&flow.nonce)
            .bind(&flow.pkce_verifier)
            .bind(expires_unix)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        });
        tx.commit().await
    }

    /// Takes the unexpired login with this state: once only, on whichever process.
    pub async fn take_oidc_flow(&self, state_hash: &str) -> Result<Option<OidcFlow>, DbError> {
        with_pool!(self, pool => {
            let row = sqlx::query(
                "DELETE FROM oidc_flows WHERE state_hash = $1 \
                 RETURNING nonce, pkce_verifier, expires_unix",
            )
            .bind(state_hash)
            .fetch_optional(pool)
            .await?;
            match row {
                Some(r) if r.int("expires_unix")? > fsutil::unix_now() => Ok(Some(OidcFlow {
                    nonce: r.text("nonce")?,
                    pkce_verifier: r.text("pkce_verifier")?,
                })),
                _ => Ok(None),
            }
        })
    }

    /// The account of a verified login: created on the first one (with the first free name
    /// and no password), given the mapped role on every one.
    pub async fn sso_login(
        &self,
        login: &SsoLogin<'_>,
    ) -> Result<Result<Account, SsoRefused>, DbError> {
        let mut tx = self.begin().await?;
        let admins = lock_and_count_admins(&mut tx).await?;
        let existing = with_tx!(&mut tx, conn => sqlx::query(concat!(
            "SELECT ", account_columns!(), " FROM accounts WHERE id = $1"
        ))
        .bind(login.account_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| account_from(&r))
        .transpose()?);
        let account = match existing {
            Some(a) if a.deleted_at.is_some() => return Ok(Err(SsoRefused::Deleted(a.name))),
            Some(a) if a.role == Role::Admin && login.role != Role::Admin && admins <= 1 => {
                return Ok(Err(SsoRefused::LastAdmin(a.name)))
            }
            Some(mut a) => {
                if a.role != login.role {
                    let role = enum_text(&login.role)?;
                    with_tx!(&mut tx, conn => sqlx::query("UPDATE accounts SET role = $1 WHERE id = $2")
                        .bind(&role)
                        .bind(&a.id)
                        .execute(&mut *conn)
                        .await?
                        .rows_affected());
                    a.role = login.role;
                }
                a
            }
            None => {
                let mut name = login.account_id.to_string();
                for candidate in login.names {
                    let taken = with_tx!(&mut tx, conn => sqlx::query(
                        "SELECT id FROM accounts WHERE name = $1 AND deleted_at IS NULL"
                    )
                    .bind(candidate)
                    .fetch_optional(&mut *conn)
                    .await?
                    .is_some());
                    if !taken {
                        name.clone_from(candidate);
                        break;
                    }
                }
                let account = Account {
                    id: login.account_id.to_string(),
                    name,
                    role: login.role,
                    password_hash: NO_PASSWORD.to_string(),
                    must_change_password: false,
                    created_at: fsutil::now_rfc3339(),
                    created_by: None,
                    password_changed_at: None,
                    deleted_at: None,
                };
                insert_account(&mut tx, &account).await?;
                with_tx!(&mut tx, conn => sqlx::query(
                    "INSERT INTO oidc_accounts (account_id, issuer, subject) VALUES ($1, $2, $3)"
                )
                .bind(&account.id)
                .bind(login.issuer)
                .bind(login.subject)
                .execute(&mut *conn)
                .await?
                .rows_affected());
                account
            }
        };
        tx.commit().await?;
        Ok(Ok(account))
    }

    /// Whether single sign-on created this account (it has no password then).
    pub async fn is_sso_account(&self, account_id: &str) -> Result<bool, DbError> {
        with_pool!(self, pool => Ok(sqlx::query("SELECT account_id FROM oidc_accounts WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(pool)
            .await?
            .is_some()))
    }

    /// Remembers the ID token of a session opened by single sign-on.
    pub async fn store_sso_session(
        &self,
        session_hash: &str,
        id_token: &str,
    ) -> Result<(), DbError> {
        with_pool!(self, pool => sqlx::query(
            "INSERT INTO oidc_sessions (token_hash, id_token) VALUES ($1, $2)"
        )
        .bind(session_hash)
        .bind(id_token)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The ID token of an SSO session (`None`: a password session).
    pub async fn sso_id_token(&self, session_hash: &str) -> Result<Option<String>, DbError> {
        with_pool!(self, pool => sqlx::query("SELECT id_token FROM oidc_sessions WHERE token_hash = $1")
            .bind(session_hash)
            .fetch_optional(pool)
            .await?
            .map(|r| r.text("id_token"))
            .transpose()
            .map_err(DbError::from))
    }
}
