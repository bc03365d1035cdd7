//! Authentication: cookie sessions with a double-submit CSRF token, and bearer tokens for API
//! clients. Both are stored in the database as SHA-256 hashes of their secret, so every server
//! process sharing the database knows them and a restart keeps them. The HTTP side (the
//! `Caller` extractor, the CSRF rule, cookies) is `api::caller`.

use crate::db::{Account, ApiToken, Database, SessionRecord};
use crate::fsutil;
use crate::users::Role;

pub const SESSION_COOKIE: &str = "fachwerk_session";
pub const CSRF_COOKIE: &str = "fachwerk_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Sessions end after this many seconds, active or not.
pub const SESSION_LIFETIME: i64 = 12 * 3600;

/// Login sessions, keyed by the SHA-256 of the session cookie.
#[derive(Clone)]
pub struct Sessions {
    db: Database,
}

/// A new session: the cookie value and the CSRF token.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

impl Sessions {
    pub fn new(db: Database) -> Sessions {
        Sessions { db }
    }

    pub async fn create(&self, account: &Account) -> anyhow::Result<NewSession> {
        let token = fsutil::secret_token()?;
        let csrf = fsutil::secret_token()?;
        let expires = fsutil::unix_now() + SESSION_LIFETIME;
        self.db
            .create_session(&fsutil::sha256_hex(&token), &account.id, &csrf, expires)
            .await?;
        Ok(NewSession { token, csrf })
    }

    /// The unexpired session of a live account for this cookie value.
    pub async fn get(&self, token: &str) -> anyhow::Result<Option<SessionRecord>> {
        Ok(self.db.session(&fsutil::sha256_hex(token)).await?)
    }

    pub async fn remove(&self, token: &str) -> anyhow::Result<()> {
        Ok(self.db.delete_session(&fsutil::sha256_hex(token)).await?)
    }

    /// Ends every session of an account.
    pub async fn remove_all_of(&self, account_id: &str) -> anyhow::Result<u64> {
        Ok(self.db.delete_sessions_of(account_id).await?)
    }
}

/// Default lifetime of API tokens.
pub const DEFAULT_TOKEN_LIFETIME_DAYS: u32 = 90;

/// An API token with the name of its account.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub token: ApiToken,
    /// The account's name.
    pub user: String,
}

impl TokenRecord {
    pub fn expired(&self, now: i64) -> bool {
        self.token.expires_unix.is_some_and(|e| e <= now)
    }
}

/// API tokens, stored hashed, each with an expiry.
#[derive(Clone)]
pub struct Tokens {
    db: Database,
    lifetime_days: u32,
}

impl Tokens {
    pub fn new(db: Database, lifetime_days: u32) -> Tokens {
        Tokens { db, lifetime_days }
    }

    /// Gives tokens from before tokens expired (imported files) the default lifetime.
    pub async fn expire_unlimited(&self) -> anyhow::Result<u64> {
        let expires = fsutil::unix_now() + i64::from(self.lifetime_days) * 86_400;
        Ok(self.db.expire_unlimited_tokens(expires).await?)
    }

    /// The longest lifetime a token may get.
    pub fn lifetime_days(&self) -> u32 {
        self.lifetime_days
    }

    /// Creates a token for an account with the default lifetime; returns the record and the
    /// secret (shown once).
    pub async fn create(
        &self,
        account_id: &str,
        label: &str,
    ) -> anyhow::Result<(ApiToken, String)> {
        self.create_for(account_id, label, self.lifetime_days).await
    }

    /// Creates a token valid for `days` (at most the configured lifetime).
    pub async fn create_for(
        &self,
        account_id: &str,
        label: &str,
        days: u32,
    ) -> anyhow::Result<(ApiToken, String)> {
        let secret = format!("fw_{}", fsutil::secret_token()?);
        let days = days.clamp(1, self.lifetime_days.max(1));
        let expires = fsutil::unix_now() + i64::from(days) * 86_400;
        let record = self
            .db
            .create_token(
                account_id,
                label,
                &fsutil::sha256_hex(&secret),
                Some(expires),
            )
            .await?;
        Ok((record, secret))
    }

    /// The id of a valid token with this secret and its live account; records the use.
    pub async fn use_secret(&self, secret: &str) -> anyhow::Result<Option<(String, Account)>> {
        Ok(self.db.use_token(&fsutil::sha256_hex(secret)).await?)
    }

    /// Tokens of an account, or of every account for `None`, oldest first.
    pub async fn list(&self, account_id: Option<&str>) -> anyhow::Result<Vec<TokenRecord>> {
        Ok(self
            .db
            .tokens_with_names(account_id)
            .await?
            .into_iter()
            .map(|(token, user)| TokenRecord { token, user })
            .collect())
    }

    pub async fn get(&self, id: &str) -> anyhow::Result<Option<TokenRecord>> {
        Ok(self
            .list(None)
            .await?
            .into_iter()
            .find(|t| t.token.id == id))
    }

    /// Revokes token `id`; `false` if there was none.
    pub async fn revoke(&self, id: &str) -> anyhow::Result<bool> {
        Ok(self.db.delete_token_by_id(id).await?)
    }

    /// Revokes every token of an account.
    pub async fn revoke_all_of(&self, account_id: &str) -> anyhow::Result<u64> {
        Ok(self.db.delete_tokens_of(account_id).await?)
    }
}

/// How the caller authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Session cookie; the value is the cookie (needed to log out).
    Session(String),
    /// API token; the value is its id (logging out revokes it).
    Bearer(String),
    /// `fachwerk case …` on the server's machine, acting as the named account.
    CommandLine,
}

/// The authenticated user of a request. Extracting it answers 401 without valid credentials
/// and 403 for a cookie-authenticated state-changing request without the matching CSRF header.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account's stable id (what drafts and requests refer to).
    pub id: String,
    pub name: String,
    pub role: Role,
    pub via: Via,
    /// CSRF token of the session (cookie sessions only).
    pub csrf: Option<String>,
    /// An administrator reset the password: only changing it is allowed.
    pub must_change_password: bool,
}

/// The caller lacks the role an action needs; the message names the role (German).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Dafür ist die Rolle „{}“ nötig.", .0.name_de())]
pub struct Denied(pub Role);

impl Caller {
    pub fn require_editor(&self) -> Result<(), Denied> {
        self.role
            .can_edit()
            .then_some(())
            .ok_or(Denied(Role::Editor))
    }
    pub fn require_reviewer(&self) -> Result<(), Denied> {
        self.role
            .can_review()
            .then_some(())
            .ok_or(Denied(Role::Reviewer))
    }
    pub fn require_admin(&self) -> Result<(), Denied> {
        self.role
            .is_admin()
            .then_some(())
            .ok_or(Denied(Role::Admin))
    }
}
