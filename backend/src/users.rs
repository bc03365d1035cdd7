//! Local accounts: `users.json` in the data directory with argon2id password hashes, written
//! atomically. The file is re-read when it changes on disk, so `fachwerk user add` takes effect
//! in a running server.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
pub use fachwerk_shared::api::Role;
use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::security::password;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: String,
    /// Who created the account (`None`: the command line or the first start). The four-eyes
    /// rule refuses approvals between an account and its creator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Set by an administrator's reset: the user must choose a new password before anything
    /// else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_change_password: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct UsersFile {
    users: Vec<User>,
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("Den Benutzer „{0}“ gibt es bereits.")]
    Exists(String),
    #[error("Den Benutzer „{0}“ gibt es nicht.")]
    NotFound(String),
    #[error("„{0}“ ist der letzte Administrator und kann nicht gelöscht werden.")]
    LastAdmin(String),
    #[error("Ungültiger Benutzername „{0}“: erlaubt sind 1–64 Kleinbuchstaben, Ziffern, „.“, „_“ und „-“.")]
    InvalidName(String),
    /// The password policy refused it; the German reason.
    #[error("{0}")]
    WeakPassword(String),
    #[error(transparent)]
    Io(#[from] anyhow::Error),
}

/// Cost of new argon2id password hashes (verification uses the cost stored in each hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl HashCost {
    /// OWASP's recommendation for argon2id: 19 MiB, 2 iterations, 1 lane.
    pub const STANDARD: HashCost = HashCost {
        memory_kib: 19 * 1024,
        iterations: 2,
    };
    /// Cheap hashes for tests (unoptimized builds are slow); never for real accounts.
    pub const TESTING: HashCost = HashCost {
        memory_kib: 64,
        iterations: 1,
    };

    fn argon2(self) -> anyhow::Result<Argon2<'static>> {
        let params = Params::new(self.memory_kib, self.iterations, 1, None)
            .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for HashCost {
    fn default() -> Self {
        HashCost::STANDARD
    }
}

/// Result of the first-start bootstrap.
#[derive(Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// An admin exists already; nothing happened.
    Existing,
    /// `admin` was created with the given password (from the environment).
    Created,
    /// `admin` was created with this generated password (to be shown once).
    Generated(String),
}

/// Modification time and length of `users.json` when it was read.
type Stamp = (SystemTime, u64);

pub struct UserStore {
    path: PathBuf,
    cost: HashCost,
    /// Cached content and the (modified, length) stamp it was read at.
    cache: Mutex<(Option<Stamp>, Vec<User>)>,
    /// Serializes read-modify-write cycles within this process.
    write: Mutex<()>,
}

impl UserStore {
    pub fn open(data_dir: &Path, cost: HashCost) -> anyhow::Result<UserStore> {
        fsutil::ensure_dir(data_dir)?;
        let store = UserStore {
            path: data_dir.join("users.json"),
            cost,
            cache: Mutex::new((None, Vec::new())),
            write: Mutex::new(()),
        };
        store.users()?;
        Ok(store)
    }

    fn stamp(&self) -> Option<Stamp> {
        let m = std::fs::metadata(&self.path).ok()?;
        Some((m.modified().ok()?, m.len()))
    }

    fn read_file(&self) -> anyhow::Result<Vec<User>> {
        Ok(fsutil::read_json::<UsersFile>(&self.path)?
            .unwrap_or_default()
            .users)
    }

    /// All users, re-read if the file changed.
    pub fn users(&self) -> Result<Vec<User>, UserError> {
        let stamp = self.stamp();
        let mut cache = self
            .cache
            .lock()
            .map_err(|_| anyhow::anyhow!("user cache poisoned"))?;
        if cache.0.is_none() || cache.0 != stamp {
            cache.1 = self.read_file()?;
            cache.0 = stamp;
        }
        Ok(cache.1.clone())
    }

    pub fn get(&self, name: &str) -> Result<Option<User>, UserError> {
        Ok(self.users()?.into_iter().find(|u| u.name == name))
    }

    fn modify<T>(
        &self,
        f: impl FnOnce(&mut Vec<User>) -> Result<T, UserError>,
    ) -> Result<T, UserError> {
        let _guard = self
            .write
            .lock()
            .map_err(|_| anyhow::anyhow!("user store poisoned"))?;
        let mut users = self.read_file()?;
        let out = f(&mut users)?;
        fsutil::write_json(
            &self.path,
            &UsersFile {
                users: users.clone(),
            },
        )?;
        if let Ok(mut cache) = self.cache.lock() {
            *cache = (self.stamp(), users);
        }
        Ok(out)
    }

    /// Adds a user; `password = None` generates one, which is returned.
    /// Hashing is deliberately slow: call from a blocking context.
    pub fn add(
        &self,
        name: &str,
        role: Role,
        password: Option<&str>,
        created_by: Option<&str>,
    ) -> Result<(User, Option<String>), UserError> {
        check_name(name)?;
        let (password, generated) = match password {
            Some(p) => {
                password::check(p, name).map_err(UserError::WeakPassword)?;
                (p.to_string(), None)
            }
            None => {
                let p = generate_password()?;
                (p.clone(), Some(p))
            }
        };
        let user = User {
            name: name.to_string(),
            role,
            password_hash: hash_password(&password, self.cost)?,
            created_at: fsutil::now_rfc3339(),
            created_by: created_by.map(String::from),
            must_change_password: false,
        };
        self.modify(|users| {
            if users.iter().any(|u| u.name == name) {
                return Err(UserError::Exists(name.to_string()));
            }
            users.push(user.clone());
            Ok(())
        })?;
        Ok((user, generated))
    }

    /// Sets a new password (checked against the policy unless generated here). `reset`:
    /// an administrator's reset, the user must change it at the next login. Blocking.
    pub fn set_password(
        &self,
        name: &str,
        password: Option<&str>,
        reset: bool,
    ) -> Result<Option<String>, UserError> {
        let (password, generated) = match password {
            Some(p) => {
                password::check(p, name).map_err(UserError::WeakPassword)?;
                (p.to_string(), None)
            }
            None => {
                let p = generate_password()?;
                (p.clone(), Some(p))
            }
        };
        let hash = hash_password(&password, self.cost)?;
        self.modify(|users| {
            let user = users
                .iter_mut()
                .find(|u| u.name == name)
                .ok_or_else(|| UserError::NotFound(name.to_string()))?;
            user.password_hash = hash;
            user.must_change_password = reset;
            Ok(())
        })?;
        Ok(generated)
    }

    pub fn remove(&self, name: &str) -> Result<(), UserError> {
        self.modify(|users| {
            let i = users
                .iter()
                .position(|u| u.name == name)
                .ok_or_else(|| UserError::NotFound(name.to_string()))?;
            let admins = users.iter().filter(|u| u.role.is_admin()).count();
            if users[i].role.is_admin() && admins == 1 {
                return Err(UserError::LastAdmin(name.to_string()));
            }
            users.remove(i);
            Ok(())
        })
    }

    /// Checks a password; `None` for an unknown user or a wrong password (same cost for both,
    /// so response times do not reveal which names exist). Blocking.
    pub fn verify(&self, name: &str, password: &str) -> Result<Option<User>, UserError> {
        let user = self.get(name)?;
        let hash = match &user {
            Some(u) => u.password_hash.clone(),
            None => dummy_hash(self.cost),
        };
        let ok = PasswordHash::new(&hash).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        });
        Ok(user.filter(|_| ok))
    }

    /// First start: creates `admin` unless an admin exists. Blocking.
    pub fn bootstrap_admin(&self, password: Option<&str>) -> Result<Bootstrap, UserError> {
        if self.users()?.iter().any(|u| u.role.is_admin()) {
            return Ok(Bootstrap::Existing);
        }
        let (_, generated) = self.add("admin", Role::Admin, password, None)?;
        Ok(generated.map_or(Bootstrap::Created, Bootstrap::Generated))
    }
}

fn check_name(name: &str) -> Result<(), UserError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && !name.starts_with(['.', '-']);
    if ok {
        Ok(())
    } else {
        Err(UserError::InvalidName(name.to_string()))
    }
}

fn hash_password(password: &str, cost: HashCost) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = cost
        .argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(hash.to_string())
}

/// A well-formed hash that matches no password, at the store's cost: verifying against it
/// takes as long for an unknown user as for a known one.
fn dummy_hash(cost: HashCost) -> String {
    format!(
        "$argon2id$v=19$m={},t={},p=1$c29tZXNhbHRzb21lc2FsdA$0Xh1ANi2a9Lc/vjeAdqEP4AWQZNqtqtrx6T0gbdwZmM",
        cost.memory_kib, cost.iterations
    )
}

/// 20 characters from an alphabet without look-alikes (about 115 bits).
pub fn generate_password() -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::new();
    while out.len() < 20 {
        let mut buf = [0u8; 32];
        getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
        // Rejection sampling keeps the distribution uniform.
        let limit = 256 - 256 % ALPHABET.len();
        for b in buf.iter().map(|&b| b as usize).filter(|&b| b < limit) {
            if out.len() < 20 {
                out.push(ALPHABET[b % ALPHABET.len()] as char);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn add_verify_remove() {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path(), HashCost::TESTING).unwrap();
        let Bootstrap::Generated(pw) = store.bootstrap_admin(None).unwrap() else {
            panic!("no password")
        };
        assert_eq!(store.bootstrap_admin(None).unwrap(), Bootstrap::Existing);
        assert!(store.verify("admin", &pw).unwrap().is_some());
        assert!(store.verify("admin", "falsch-falsch").unwrap().is_none());
        assert!(store.verify("niemand", &pw).unwrap().is_none());
        assert!(store
            .get("admin")
            .unwrap()
            .unwrap()
            .password_hash
            .starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        store
            .add(
                "erika",
                Role::Editor,
                Some("Kirschbaum-Laterne-42"),
                Some("admin"),
            )
            .unwrap();
        assert!(matches!(
            store.add("erika", Role::Editor, None, None),
            Err(UserError::Exists(_))
        ));
        assert!(matches!(
            store.add("Erika!", Role::Editor, None, None),
            Err(UserError::InvalidName(_))
        ));
        assert!(matches!(
            store.add("otto", Role::Editor, Some("password12"), None),
            Err(UserError::WeakPassword(_))
        ));
        store.set_password("erika", None, true).unwrap().unwrap();
        assert!(store.get("erika").unwrap().unwrap().must_change_password);
        assert!(store
            .verify("erika", "Kirschbaum-Laterne-42")
            .unwrap()
            .is_none());
        assert!(matches!(
            store.remove("admin"),
            Err(UserError::LastAdmin(_))
        ));
        // A second store (another process) sees the change.
        let other = UserStore::open(dir.path(), HashCost::TESTING).unwrap();
        assert_eq!(other.get("erika").unwrap().unwrap().role, Role::Editor);
        other.remove("erika").unwrap();
        assert!(store.get("erika").unwrap().is_none());
    }
}
