//! The storage layer: every piece of state (accounts, sessions, API tokens, drafts,
//! publication requests, template sources) in one database, SQLite embedded in the data
//! directory by default or PostgreSQL shared by several server processes.
//!
//! Both drivers run the same SQL with `$1`-style parameters (SQLite accepts them too) and the
//! same migrations (`backend/migrations/`). Queries are checked at run time (`sqlx::query` with
//! `bind`), never assembled from input. [`with_pool!`] runs one block of code against whichever
//! pool is open; inside it the pool is concretely typed, so there is no `Any` driver and no
//! dynamic dispatch per row.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Postgres, Row, Sqlite, Transaction};

mod accounts;
mod auth;
pub mod backup;
mod cases;
mod clerk;
mod drafts;
mod import;
mod oidc;
mod operations;
mod organisation;
mod outputs;
mod publications;
mod push;
mod sources;
mod throttle;

pub use accounts::{Account, NewAccount};
pub use auth::{ApiToken, SessionRecord};
pub use cases::{
    Applied, CaseChange, CaseInsert, NewAudit, NewCase, NewTask, StoredCase, StoredTask,
};
pub use clerk::QueryRow;
pub use drafts::{Draft, DraftUpdate};
pub use import::{import_json_files, ImportReport};
pub use oidc::{OidcFlow, SsoLogin, SsoRefused};
pub use organisation::{PersonRejected, PersonSave, StoredRuntimeWorkflow};
pub use outputs::{
    token_hash, Answered, ClaimedDelivery, LinkPurpose, NewDelivery, NewDocument, Paid, SentOutput,
    StoredLink,
};
pub use publications::Transition;
pub use push::{PushRecord, PushResult};
pub use sources::{FetchOutcome, SourceRemoval};

/// File name of the embedded database in the data directory.
pub const SQLITE_FILE: &str = "fachwerk.sqlite3";

/// How long a SQLite writer waits for another one before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The migrations, in order. Each file is compiled in; a test checks that none is left out.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "state", include_str!("../../migrations/0001_state.sql")),
    (10, "cases", include_str!("../../migrations/0010_cases.sql")),
    (
        11,
        "outputs",
        include_str!("../../migrations/0011_outputs.sql"),
    ),
    (
        12,
        "operations",
        include_str!("../../migrations/0012_operations.sql"),
    ),
    (13, "oidc", include_str!("../../migrations/0013_oidc.sql")),
    (
        14,
        "catalog_push",
        include_str!("../../migrations/0014_catalog_push.sql"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored {what} is not valid: {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error("the database address is not valid: {0}")]
    BadAddress(String),
    /// A live account with this name exists.
    #[error("Den Benutzer „{0}“ gibt es bereits.")]
    NameTaken(String),
    /// The change would leave no administrator.
    #[error("„{0}“ ist der letzte Administrator.")]
    LastAdmin(String),
    #[error("{0}")]
    Import(String),
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("{0}")]
    Backup(String),
}

impl DbError {
    fn corrupt(what: &'static str, detail: impl ToString) -> DbError {
        DbError::Corrupt {
            what,
            detail: detail.to_string(),
        }
    }
}

/// Where the state lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An SQLite file (created on first start).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://user@127.0.0.1:5432/fachwerk`).
    Postgres(String),
}

impl Target {
    /// `--database`: a `postgres://`/`postgresql://` URL, `sqlite:PATH`, or nothing for the
    /// SQLite file in the data directory.
    pub fn parse(arg: Option<&str>, data_dir: &Path) -> Result<Target, DbError> {
        match arg.map(str::trim).filter(|a| !a.is_empty()) {
            None => Ok(Target::Sqlite(data_dir.join(SQLITE_FILE))),
            Some(a) if a.starts_with("postgres://") || a.starts_with("postgresql://") => {
                Ok(Target::Postgres(a.to_string()))
            }
            Some(a) => match a
                .strip_prefix("sqlite://")
                .or_else(|| a.strip_prefix("sqlite:"))
            {
                Some(path) if !path.is_empty() => Ok(Target::Sqlite(PathBuf::from(path))),
                _ => Err(DbError::BadAddress(
                    "expected postgres://…, postgresql://… or sqlite:PATH".into(),
                )),
            },
        }
    }

    /// For logs: the URL without a password.
    pub fn describe(&self) -> String {
        match self {
            Target::Sqlite(path) => format!("SQLite {}", path.display()),
            Target::Postgres(url) => format!("PostgreSQL {}", crate::repo::push::redact(url)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Creates the SQLite file readable by the server's account only (SQLite gives its `-wal`
/// and `-shm` files the same mode); an existing file is made so.
fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        options.open(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
    }
    #[cfg(not(unix))]
    options.open(path).map(drop)
}

/// Runs `$body` with `$pool` bound to the open pool (`&SqlitePool` or `&PgPool`). The body is
/// compiled once per driver, so everything in it is statically typed.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match &$db.pool {
            $crate::db::Pool::Sqlite($pool) => $body,
            $crate::db::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// An open write transaction on either driver; dropped without [`Tx::commit`] it rolls back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the transaction's connection (`&mut SqliteConnection`
/// or `&mut PgConnection`), like [`with_pool!`].
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use with_tx;

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The open database. Cheap to clone (a pool handle).
#[derive(Clone)]
pub struct Database {
    pub(crate) pool: Pool,
}

impl Database {
    /// Connects (creating the SQLite file if needed) and applies pending migrations.
    pub async fn open(target: &Target) -> Result<Database, DbError> {
        let db = Database::lazy(target)?;
        // For PostgreSQL the migrator takes an advisory lock: concurrent starts migrate once.
        with_pool!(db, pool => migrator().run(pool).await?);
        Ok(db)
    }

    /// Opens the database from synchronous code, also from inside an async runtime (server
    /// start-up, tests): migrations and `prepare` (import, bootstrap, reconcile) run to the end
    /// on a helper thread with a runtime of its own. The returned handle connects lazily, on
    /// first use, in the runtime that uses it.
    pub fn open_blocking<T, E, F, Fut>(target: &Target, prepare: F) -> Result<(Database, T), E>
    where
        T: Send,
        E: From<DbError> + Send,
        F: FnOnce(Database) -> Fut + Send,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let prepared = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| DbError::BadAddress(format!("no runtime: {e}")))?;
                    runtime.block_on(async {
                        let db = Database::open(target).await?;
                        let out = prepare(db.clone()).await;
                        db.close().await;
                        out
                    })
                })
                .join()
        });
        let prepared = match prepared {
            Ok(result) => result?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        Ok((Database::lazy(target).map_err(E::from)?, prepared))
    }

    /// A pool that connects on first use. No background tasks (they would need a runtime
    /// now): connections live until the pool closes.
    fn lazy(target: &Target) -> Result<Database, DbError> {
        let pool = match target {
            Target::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    crate::fsutil::ensure_dir(dir)
                        .map_err(|e| DbError::BadAddress(format!("{e:#}")))?;
                }
                private_file(path).map_err(|e| DbError::BadAddress(format!("{e:#}")))?;
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    // Readers do not block the writer; every commit is on disk when it returns.
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT);
                Pool::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(8)
                        .max_lifetime(None)
                        .idle_timeout(None)
                        .connect_lazy_with(options),
                )
            }
            Target::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| DbError::BadAddress(e.to_string()))?;
                Pool::Postgres(
                    PgPoolOptions::new()
                        .max_connections(16)
                        .acquire_timeout(Duration::from_secs(10))
                        .max_lifetime(None)
                        .idle_timeout(None)
                        .connect_lazy_with(options),
                )
            }
        };
        Ok(Database { pool })
    }

    pub fn driver(&self) -> Driver {
        match self.pool {
            Pool::Sqlite(_) => Driver::Sqlite,
            Pool::Postgres(_) => Driver::Postgres,
        }
    }

    /// Starts a write transaction. SQLite takes the write lock at `BEGIN IMMEDIATE`, so a
    /// transaction that reads before it writes cannot fail halfway on a lock upgrade.
    pub(crate) async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Writes a consistent copy of the SQLite database to `dest` (a new file) while the
    /// server may keep writing: `VACUUM INTO` copies one snapshot. PostgreSQL is backed up
    /// with `pg_dump`.
    pub async fn backup_into(&self, dest: &Path) -> Result<(), DbError> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(DbError::Unsupported(
                "PostgreSQL wird mit pg_dump gesichert (siehe README).",
            ));
        };
        let dest = dest
            .to_str()
            .ok_or(DbError::Unsupported("Der Sicherungspfad ist kein UTF-8."))?;
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Waits for open connections to finish and closes them.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

fn migrator() -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// Typed column access shared by both drivers' rows, so records are decoded by one function.
pub(crate) trait Fields {
    fn text(&self, column: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, column: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>, sqlx::Error>;
    fn flag(&self, column: &str) -> Result<bool, sqlx::Error>;
    fn bytes(&self, column: &str) -> Result<Vec<u8>, sqlx::Error>;
}

macro_rules! impl_fields {
    ($row:ty) => {
        impl Fields for $row {
            fn text(&self, column: &str) -> Result<String, sqlx::Error> {
                self.try_get(column)
            }
            fn opt_text(&self, column: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(column)
            }
            fn int(&self, column: &str) -> Result<i64, sqlx::Error> {
                self.try_get(column)
            }
            fn opt_int(&self, column: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(column)
            }
            fn flag(&self, column: &str) -> Result<bool, sqlx::Error> {
                self.try_get(column)
            }
            fn bytes(&self, column: &str) -> Result<Vec<u8>, sqlx::Error> {
                self.try_get(column)
            }
        }
    };
}
impl_fields!(SqliteRow);
impl_fields!(PgRow);

/// A unit enum as stored: its serde name (`"pending"`, `"editor"`, …).
pub(crate) fn enum_text<T: Serialize>(value: &T) -> Result<String, DbError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        other => Err(DbError::corrupt("enum", format!("{other:?}"))),
    }
}

pub(crate) fn enum_from<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T, DbError> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|e| DbError::corrupt(what, format!("{text:?}: {e}")))
}

pub(crate) fn json_text<T: Serialize>(what: &'static str, value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::corrupt(what, e))
}

pub(crate) fn json_from<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T, DbError> {
    serde_json::from_str(text).map_err(|e| DbError::corrupt(what, e))
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// Whether an error is a violated unique constraint (a name or id taken meanwhile).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_migration_file_is_compiled_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len(), "{files:?}");
        for (file, (version, description, _)) in files.iter().zip(MIGRATIONS) {
            assert_eq!(file, &format!("{version:04}_{description}.sql"));
        }
    }

    #[test]
    fn targets() {
        let data = Path::new("/srv/fachwerk");
        assert_eq!(
            Target::parse(None, data).unwrap(),
            Target::Sqlite(data.join(SQLITE_FILE))
        );
        assert_eq!(
            Target::parse(Some("postgres://fw@127.0.0.1/fw"), data).unwrap(),
            Target::Postgres("postgres://fw@127.0.0.1/fw".into())
        );
        assert_eq!(
            Target::parse(Some("sqlite:/tmp/x.db"), data).unwrap(),
            Target::Sqlite("/tmp/x.db".into())
        );
        assert!(Target::parse(Some("mysql://x"), data).is_err());
        assert_eq!(
            Target::Postgres("postgres://fw:geheim@db/fw".into()).describe(),
            "PostgreSQL postgres://***@db/fw"
        );
    }
}
