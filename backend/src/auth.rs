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
}

/// API tokens, stored hashed.
#[derive(Clone)]
pub struct Tokens {
    db: Database,
}

impl Tokens {
    pub fn new(db: Database) -> Tokens {
        Tokens { db }
    }

    /// Creates a token for an account; returns the record and the secret (shown once).
    pub async fn create(
        &self,
        account_id: &str,
        label: &str,
    ) -> anyhow::Result<(ApiToken, String)> {
        let secret = format!("fw_{}", fsutil::secret_token()?);
        let record = self
            .db
            .create_token(account_id, label, &fsutil::sha256_hex(&secret), None)
            .await?;
        Ok((record, secret))
    }

    /// The live account a token belongs to.
    pub async fn account_of(&self, secret: &str) -> anyhow::Result<Option<Account>> {
        Ok(self
            .db
            .account_for_token(&fsutil::sha256_hex(secret))
            .await?)
    }
}

/// How the caller authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Session cookie; the value is the cookie (needed to log out).
    Session(String),
    Bearer,
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
