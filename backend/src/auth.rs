//! Authentication: cookie sessions (in memory; a restart means logging in again) with a
//! double-submit CSRF token, and bearer tokens for API clients (persisted as SHA-256 hashes
//! in `tokens.json`). The HTTP side (the `Caller` extractor, the CSRF rule, cookies) is
//! `api::caller`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    /// The name the user gave the token ("CI-Pipeline").
    pub label: String,
    /// SHA-256 of the token; the token itself is shown once and never stored.
    pub hash: String,
    pub created_at: String,
    /// Unix seconds after which the token is refused (`None` only in files written before
    /// tokens expired; they get the default lifetime from the first start on).
    #[serde(default)]
    pub expires: Option<i64>,
    /// Unix seconds of the last request with the token (saved at most every few minutes).
    #[serde(default)]
    pub last_used: Option<i64>,
}

impl TokenRecord {
    pub fn expired(&self, now: i64) -> bool {
        self.expires.is_some_and(|e| e <= now)
    }
}

/// Default lifetime of API tokens.
pub const DEFAULT_TOKEN_LIFETIME_DAYS: u32 = 90;
/// `lastUsed` is written to disk at most this often per token.
const LAST_USED_SAVE_INTERVAL: i64 = 600;

#[derive(Default, Serialize, Deserialize)]
struct TokensFile {
    tokens: Vec<TokenRecord>,
}

/// API tokens, persisted hashed.
pub struct Tokens {
    path: PathBuf,
    lifetime_days: u32,
    tokens: Mutex<Vec<TokenRecord>>,
}

impl Tokens {
    /// Opens `tokens.json`; tokens without an expiry get `lifetime_days` from now.
    pub fn open(data_dir: &Path, lifetime_days: u32) -> anyhow::Result<Tokens> {
        let path = data_dir.join("tokens.json");
        let mut tokens = fsutil::read_json::<TokensFile>(&path)?
            .unwrap_or_default()
            .tokens;
        let expires = fsutil::unix_now() + i64::from(lifetime_days) * 86_400;
        let mut changed = false;
        for t in tokens.iter_mut().filter(|t| t.expires.is_none()) {
            t.expires = Some(expires);
            changed = true;
        }
        if changed {
            fsutil::write_json(
                &path,
                &TokensFile {
                    tokens: tokens.clone(),
                },
            )?;
        }
        Ok(Tokens {
            path,
            lifetime_days,
            tokens: Mutex::new(tokens),
        })
    }

    /// The longest lifetime a token may get.
    pub fn lifetime_days(&self) -> u32 {
        self.lifetime_days
    }

    /// Creates a token for `user` with the default lifetime; returns the record and the
    /// secret (shown once).
    pub fn create(&self, user: &str, label: &str) -> anyhow::Result<(TokenRecord, String)> {
        self.create_for(user, label, self.lifetime_days)
    }

    /// Creates a token valid for `days` (at most the configured lifetime).
    pub fn create_for(
        &self,
        user: &str,
        label: &str,
        days: u32,
    ) -> anyhow::Result<(TokenRecord, String)> {
        let secret = format!("fw_{}", fsutil::secret_token()?);
        let now = fsutil::unix_now();
        let days = days.clamp(1, self.lifetime_days.max(1));
        let record = TokenRecord {
            id: uuid::Uuid::new_v4().to_string(),
            user: user.to_string(),
            label: label.to_string(),
            hash: fsutil::sha256_hex(&secret),
            created_at: fsutil::rfc3339(now),
            expires: Some(now + i64::from(days) * 86_400),
            last_used: None,
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

    /// The token with this secret if it is still valid: (id, user). Records the use.
    pub fn use_secret(self: &Arc<Self>, secret: &str) -> Option<(String, String)> {
        let hash = fsutil::sha256_hex(secret);
        let now = fsutil::unix_now();
        let mut tokens = self.tokens.lock().ok()?;
        let token = tokens
            .iter_mut()
            .find(|t| fsutil::constant_time_eq(&t.hash, &hash))
            .filter(|t| !t.expired(now))?;
        let save = token
            .last_used
            .is_none_or(|t| now - t >= LAST_USED_SAVE_INTERVAL);
        token.last_used = Some(now);
        let found = (token.id.clone(), token.user.clone());
        drop(tokens);
        if save {
            let me = Arc::clone(self);
            let persist = move || {
                if let Err(e) = me.save_current() {
                    tracing::warn!(error = %e, "cannot save the last use of an API token");
                }
            };
            match tokio::runtime::Handle::try_current() {
                Ok(rt) => drop(rt.spawn_blocking(persist)),
                Err(_) => persist(),
            }
        }
        Some(found)
    }

    /// Writes the current records (under the lock, so no older state can overwrite a newer).
    fn save_current(&self) -> anyhow::Result<()> {
        let tokens = self
            .tokens
            .lock()
            .map_err(|_| anyhow::anyhow!("tokens poisoned"))?;
        fsutil::write_json(
            &self.path,
            &TokensFile {
                tokens: tokens.clone(),
            },
        )
    }

    /// Tokens of `user`, or of everyone for `None`, oldest first.
    pub fn list(&self, user: Option<&str>) -> anyhow::Result<Vec<TokenRecord>> {
        let tokens = self
            .tokens
            .lock()
            .map_err(|_| anyhow::anyhow!("tokens poisoned"))?;
        Ok(tokens
            .iter()
            .filter(|t| user.is_none_or(|u| t.user == u))
            .cloned()
            .collect())
    }

    pub fn get(&self, id: &str) -> anyhow::Result<Option<TokenRecord>> {
        Ok(self.list(None)?.into_iter().find(|t| t.id == id))
    }

    /// Revokes token `id`; `false` if there was none.
    pub fn revoke(&self, id: &str) -> anyhow::Result<bool> {
        let mut tokens = self
            .tokens
            .lock()
            .map_err(|_| anyhow::anyhow!("tokens poisoned"))?;
        let next: Vec<TokenRecord> = tokens.iter().filter(|t| t.id != id).cloned().collect();
        if next.len() == tokens.len() {
            return Ok(false);
        }
        fsutil::write_json(
            &self.path,
            &TokensFile {
                tokens: next.clone(),
            },
        )?;
        *tokens = next;
        Ok(true)
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
    /// API token; the value is its id (logging out revokes it).
    Bearer(String),
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
