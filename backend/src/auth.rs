//! Authentication: cookie sessions (in memory; a restart means logging in again) with a
//! double-submit CSRF token, and bearer tokens for API clients (persisted as SHA-256 hashes
//! in `tokens.json`). The HTTP side (the `Caller` extractor, the CSRF rule, cookies) is
//! `api::caller`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::users::Role;

pub const SESSION_COOKIE: &str = "fachwerk_session";
pub const CSRF_COOKIE: &str = "fachwerk_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Sessions end after this many seconds, active or not.
pub const SESSION_LIFETIME: i64 = 12 * 3600;

/// A live login session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub csrf: String,
    expires: i64,
}

/// Live login sessions, keyed by the SHA-256 of the session cookie.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

/// A new session: the cookie value and the CSRF token.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

impl Sessions {
    pub fn create(&self, user: &str) -> anyhow::Result<NewSession> {
        let token = fsutil::secret_token()?;
        let csrf = fsutil::secret_token()?;
        let now = fsutil::unix_now();
        let mut map = self
            .map
            .lock()
            .map_err(|_| anyhow::anyhow!("sessions poisoned"))?;
        map.retain(|_, s| s.expires > now);
        let session = Session {
            user: user.to_string(),
            csrf: csrf.clone(),
            expires: now + SESSION_LIFETIME,
        };
        map.insert(fsutil::sha256_hex(&token), session);
        Ok(NewSession { token, csrf })
    }

    pub fn get(&self, token: &str) -> Option<Session> {
        let map = self.map.lock().ok()?;
        map.get(&fsutil::sha256_hex(token))
            .filter(|s| s.expires > fsutil::unix_now())
            .cloned()
    }

    pub fn remove(&self, token: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(&fsutil::sha256_hex(token));
        }
    }

    /// Ends every session of `user` (after the account was deleted).
    pub fn remove_user(&self, user: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.retain(|_, s| s.user != user);
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRecord {
    pub id: String,
    pub user: String,
    pub label: String,
    /// SHA-256 of the token; the token itself is shown once and never stored.
    pub hash: String,
    pub created_at: String,
}

#[derive(Default, Serialize, Deserialize)]
struct TokensFile {
    tokens: Vec<TokenRecord>,
}

/// API tokens, persisted hashed.
pub struct Tokens {
    path: PathBuf,
    tokens: Mutex<Vec<TokenRecord>>,
}

impl Tokens {
    pub fn open(data_dir: &Path) -> anyhow::Result<Tokens> {
        let path = data_dir.join("tokens.json");
        let tokens = fsutil::read_json::<TokensFile>(&path)?
            .unwrap_or_default()
            .tokens;
        Ok(Tokens {
            path,
            tokens: Mutex::new(tokens),
        })
    }

    /// Creates a token for `user`; returns the record and the secret (shown once).
    pub fn create(&self, user: &str, label: &str) -> anyhow::Result<(TokenRecord, String)> {
        let secret = format!("fw_{}", fsutil::secret_token()?);
        let record = TokenRecord {
            id: uuid::Uuid::new_v4().to_string(),
            user: user.to_string(),
            label: label.to_string(),
            hash: fsutil::sha256_hex(&secret),
            created_at: fsutil::now_rfc3339(),
        };
        let mut tokens = self
            .tokens
            .lock()
            .map_err(|_| anyhow::anyhow!("tokens poisoned"))?;
        let mut next = tokens.clone();
        next.push(record.clone());
        fsutil::write_json(
            &self.path,
            &TokensFile {
                tokens: next.clone(),
            },
        )?;
        *tokens = next;
        Ok((record, secret))
    }

    pub fn user_of(&self, secret: &str) -> Option<String> {
        let hash = fsutil::sha256_hex(secret);
        let tokens = self.tokens.lock().ok()?;
        tokens
            .iter()
            .find(|t| fsutil::constant_time_eq(&t.hash, &hash))
            .map(|t| t.user.clone())
    }

    /// Drops every token of `user` (after the account was deleted).
    pub fn remove_user(&self, user: &str) -> anyhow::Result<()> {
        let mut tokens = self
            .tokens
            .lock()
            .map_err(|_| anyhow::anyhow!("tokens poisoned"))?;
        let next: Vec<TokenRecord> = tokens.iter().filter(|t| t.user != user).cloned().collect();
        if next.len() != tokens.len() {
            fsutil::write_json(
                &self.path,
                &TokensFile {
                    tokens: next.clone(),
                },
            )?;
            *tokens = next;
        }
        Ok(())
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
