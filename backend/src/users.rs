//! Local accounts with argon2id password hashes, stored in the database: `fachwerk user add`
//! and a running server write through the same layer, so neither loses the other's accounts.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
pub use fachwerk_shared::api::Role;

pub use crate::db::Account;
use crate::db::{Database, DbError, NewAccount};
use crate::security::limits::cpu;
use crate::security::password;

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

impl From<DbError> for UserError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NameTaken(name) => UserError::Exists(name),
            DbError::LastAdmin(name) => UserError::LastAdmin(name),
            other => UserError::Io(other.into()),
        }
    }
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

#[derive(Clone)]
pub struct UserStore {
    db: Database,
    cost: HashCost,
}

impl UserStore {
    pub fn new(db: Database, cost: HashCost) -> UserStore {
        UserStore { db, cost }
    }

    /// All live accounts by name.
    pub async fn users(&self) -> Result<Vec<Account>, UserError> {
        Ok(self.db.accounts().await?)
    }

    pub async fn get(&self, name: &str) -> Result<Option<Account>, UserError> {
        Ok(self.db.account_by_name(name).await?)
    }

    /// Adds an account; `password = None` generates one, which is returned. `created_by` is
    /// the id of the administrator who created it (`None`: command line, first start).
    pub async fn add(
        &self,
        name: &str,
        role: Role,
        password: Option<&str>,
        created_by: Option<&str>,
    ) -> Result<(Account, Option<String>), UserError> {
        check_name(name)?;
        let (hash, generated) = self.new_hash(name, password).await?;
        let new = NewAccount {
            name,
            role,
            password_hash: &hash,
            must_change_password: false,
            created_by,
        };
        Ok((self.db.create_account(&new).await?, generated))
    }

    /// Checks `password` of user `name` against the policy (or generates one, returned) and
    /// hashes it in the bounded CPU pool.
    async fn new_hash(
        &self,
        name: &str,
        password: Option<&str>,
    ) -> Result<(String, Option<String>), UserError> {
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
        let cost = self.cost;
        let hash = cpu(move || hash_password(&password, cost)).await??;
        Ok((hash, generated))
    }

    /// Sets a new password (checked against the policy unless generated here, then
    /// returned). `reset`: an administrator's reset, the user must change it at the next
    /// login.
    pub async fn set_password(
        &self,
        name: &str,
        password: Option<&str>,
        reset: bool,
    ) -> Result<Option<String>, UserError> {
        let account = self
            .get(name)
            .await?
            .ok_or_else(|| UserError::NotFound(name.to_string()))?;
        let (hash, generated) = self.new_hash(name, password).await?;
        if !self.db.set_password(&account.id, &hash, reset).await? {
            return Err(UserError::NotFound(name.to_string()));
        }
        Ok(generated)
    }

    /// The account with this id (also a deleted one).
    pub async fn by_id(&self, id: &str) -> Result<Option<Account>, UserError> {
        Ok(self.db.account(id).await?)
    }

    /// The current name of the account with this id.
    pub async fn name_of(&self, id: &str) -> Result<Option<String>, UserError> {
        Ok(self.by_id(id).await?.map(|a| a.name))
    }

    /// Deletes an account with its sessions and tokens (not the last administrator).
    pub async fn remove(&self, name: &str) -> Result<Account, UserError> {
        self.db
            .delete_account(name)
            .await?
            .ok_or_else(|| UserError::NotFound(name.to_string()))
    }

    /// Checks a password; `None` for an unknown user or a wrong password (same cost for both,
    /// so response times do not reveal which names exist).
    pub async fn verify(&self, name: &str, password: &str) -> Result<Option<Account>, UserError> {
        let user = self.get(name).await?;
        let hash = match &user {
            Some(u) => u.password_hash.clone(),
            None => dummy_hash(self.cost),
        };
        let password = password.to_string();
        let ok = cpu(move || {
            PasswordHash::new(&hash).is_ok_and(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
        })
        .await?;
        Ok(user.filter(|_| ok))
    }

    /// First start: creates `admin` unless a live admin exists (one, even if several
    /// processes start at once).
    pub async fn bootstrap_admin(&self, password: Option<&str>) -> Result<Bootstrap, UserError> {
        if self.users().await?.iter().any(|u| u.role.is_admin()) {
            return Ok(Bootstrap::Existing);
        }
        let (hash, generated) = self.new_hash("admin", password).await?;
        let new = NewAccount {
            name: "admin",
            role: Role::Admin,
            password_hash: &hash,
            must_change_password: false,
            created_by: None,
        };
        Ok(match self.db.create_first_admin(&new).await? {
            None => Bootstrap::Existing,
            Some(_) => generated.map_or(Bootstrap::Created, Bootstrap::Generated),
        })
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

    #[tokio::test]
    async fn add_verify_remove() {
        let dir = tempfile::tempdir().unwrap();
        let target = crate::db::Target::Sqlite(dir.path().join("fachwerk.sqlite3"));
        let db = Database::open(&target).await.unwrap();
        let store = UserStore::new(db.clone(), HashCost::TESTING);
        let Bootstrap::Generated(pw) = store.bootstrap_admin(None).await.unwrap() else {
            panic!("no password")
        };
        assert_eq!(
            store.bootstrap_admin(None).await.unwrap(),
            Bootstrap::Existing
        );
        assert!(store.verify("admin", &pw).await.unwrap().is_some());
        assert!(store
            .verify("admin", "falsch-falsch")
            .await
            .unwrap()
            .is_none());
        assert!(store.verify("niemand", &pw).await.unwrap().is_none());
        let admin = store.get("admin").await.unwrap().unwrap();
        assert!(admin
            .password_hash
            .starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        let (erika, _) = store
            .add(
                "erika",
                Role::Editor,
                Some("Kirschbaum-Laterne-42"),
                Some(&admin.id),
            )
            .await
            .unwrap();
        assert_eq!(erika.created_by.as_deref(), Some(admin.id.as_str()));
        assert!(matches!(
            store.add("erika", Role::Editor, None, None).await,
            Err(UserError::Exists(_))
        ));
        assert!(matches!(
            store.add("Erika!", Role::Editor, None, None).await,
            Err(UserError::InvalidName(_))
        ));
        assert!(matches!(
            store
                .add("otto", Role::Editor, Some("password12"), None)
                .await,
            Err(UserError::WeakPassword(_))
        ));
        store
            .set_password("erika", None, true)
            .await
            .unwrap()
            .unwrap();
        assert!(
            store
                .get("erika")
                .await
                .unwrap()
                .unwrap()
                .must_change_password
        );
        assert!(store
            .verify("erika", "Kirschbaum-Laterne-42")
            .await
            .unwrap()
            .is_none());
        assert!(matches!(
            store.remove("admin").await,
            Err(UserError::LastAdmin(_))
        ));
        // A second handle (another process) sees the change.
        let other = UserStore::new(Database::open(&target).await.unwrap(), HashCost::TESTING);
        assert_eq!(
            other.get("erika").await.unwrap().unwrap().role,
            Role::Editor
        );
        other.remove("erika").await.unwrap();
        assert!(store.get("erika").await.unwrap().is_none());
        assert!(matches!(
            store.remove("erika").await,
            Err(UserError::NotFound(_))
        ));
    }
}
