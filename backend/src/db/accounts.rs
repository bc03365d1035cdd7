//! Accounts. Each has a stable id that everything else refers to; a name belongs to at most
//! one live account. Deleting an account keeps its row (marked deleted) so that what it owned
//! still shows who it was, while its name is free for a new account that inherits nothing.

use super::{enum_from, enum_text, is_unique_violation, new_id, with_pool, with_tx};
use super::{Database, DbError, Fields, Tx};
use crate::fsutil;
use fachwerk_shared::api::Role;

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Set for accounts created by someone else with an initial password.
    pub must_change_password: bool,
    pub created_at: String,
    /// Id of the account that created this one (`None`: bootstrap, CLI or import).
    pub created_by: Option<String>,
    pub password_changed_at: Option<String>,
    pub deleted_at: Option<String>,
}

/// What is needed to create an account (the password already hashed).
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub created_by: Option<&'a str>,
}

macro_rules! account_columns {
    () => {
        "id, name, role, password_hash, must_change_password, created_at, created_by, \
         password_changed_at, deleted_at"
    };
}
pub(crate) use account_columns;

pub(crate) fn account_from(row: &impl Fields) -> Result<Account, DbError> {
    Ok(Account {
        id: row.text("id")?,
        name: row.text("name")?,
        role: enum_from("account role", &row.text("role")?)?,
        password_hash: row.text("password_hash")?,
        must_change_password: row.flag("must_change_password")?,
        created_at: row.text("created_at")?,
        created_by: row.opt_text("created_by")?,
        password_changed_at: row.opt_text("password_changed_at")?,
        deleted_at: row.opt_text("deleted_at")?,
    })
}

/// First statement of a transaction that checks accounts before changing them: it serializes
/// such transactions (a row lock in PostgreSQL; SQLite has one writer anyway).
const LOCK_ACCOUNTS: &str = "UPDATE fachwerk_meta SET value = $1 WHERE key = 'accounts-lock'";

const LIVE_ADMINS: &str =
    "SELECT COUNT(*) AS n FROM accounts WHERE role = 'admin' AND deleted_at IS NULL";

/// Inserts an account row as given (new accounts, and the JSON import).
pub(crate) async fn insert_account(tx: &mut Tx, a: &Account) -> Result<(), DbError> {
    let role = enum_text(&a.role)?;
    let inserted = with_tx!(tx, conn => sqlx::query(concat!(
        "INSERT INTO accounts (", account_columns!(), ") ",
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(&a.id)
    .bind(&a.name)
    .bind(&role)
    .bind(&a.password_hash)
    .bind(a.must_change_password)
    .bind(&a.created_at)
    .bind(&a.created_by)
    .bind(&a.password_changed_at)
    .bind(&a.deleted_at)
    .execute(conn)
    .await.map(|r| r.rows_affected()));
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(DbError::NameTaken(a.name.clone())),
        Err(e) => Err(e.into()),
    }
}

/// Takes the accounts lock (see [`LOCK_ACCOUNTS`]) and counts the live administrators.
pub(super) async fn lock_and_count_admins(tx: &mut Tx) -> Result<i64, DbError> {
    with_tx!(tx, conn => {
        sqlx::query(LOCK_ACCOUNTS)
            .bind(fsutil::now_rfc3339())
            .execute(&mut *conn)
            .await?.rows_affected();
        Ok(sqlx::query(LIVE_ADMINS).fetch_one(&mut *conn).await?.int("n")?)
    })
}

async fn live_account_in(tx: &mut Tx, name: &str) -> Result<Option<Account>, DbError> {
    with_tx!(tx, conn => sqlx::query(concat!(
        "SELECT ", account_columns!(), " FROM accounts WHERE name = $1 AND deleted_at IS NULL"
    ))
    .bind(name)
    .fetch_optional(conn)
    .await?
    .map(|r| account_from(&r))
    .transpose())
}

fn new_account(new: &NewAccount<'_>) -> Account {
    Account {
        id: new_id(),
        name: new.name.to_string(),
        role: new.role,
        password_hash: new.password_hash.to_string(),
        must_change_password: new.must_change_password,
        created_at: fsutil::now_rfc3339(),
        created_by: new.created_by.map(str::to_string),
        password_changed_at: None,
        deleted_at: None,
    }
}

impl Database {
    /// Creates an account; [`DbError::NameTaken`] if a live account has the name.
    pub async fn create_account(&self, new: &NewAccount<'_>) -> Result<Account, DbError> {
        let account = new_account(new);
        let mut tx = self.begin().await?;
        insert_account(&mut tx, &account).await?;
        tx.commit().await?;
        Ok(account)
    }

    /// Creates the first administrator unless a live one exists (`None` then). Several
    /// processes starting at once create one.
    pub async fn create_first_admin(
        &self,
        new: &NewAccount<'_>,
    ) -> Result<Option<Account>, DbError> {
        let account = Account {
            role: Role::Admin,
            created_by: None,
            ..new_account(new)
        };
        let mut tx = self.begin().await?;
        if lock_and_count_admins(&mut tx).await? > 0 {
            return Ok(None);
        }
        insert_account(&mut tx, &account).await?;
        tx.commit().await?;
        Ok(Some(account))
    }

    /// The live account called `name`.
    pub async fn account_by_name(&self, name: &str) -> Result<Option<Account>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(
            "SELECT ", account_columns!(), " FROM accounts WHERE name = $1 AND deleted_at IS NULL"
        ))
        .bind(name)
        .fetch_optional(pool)
        .await?
        .map(|r| account_from(&r))
        .transpose())
    }

    /// The account with this id, deleted or not.
    pub async fn account(&self, id: &str) -> Result<Option<Account>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(
            "SELECT ", account_columns!(), " FROM accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|r| account_from(&r))
        .transpose())
    }

    /// Live accounts by name.
    pub async fn accounts(&self) -> Result<Vec<Account>, DbError> {
        with_pool!(self, pool => sqlx::query(concat!(
            "SELECT ", account_columns!(), " FROM accounts WHERE deleted_at IS NULL ORDER BY name"
        ))
        .fetch_all(pool)
        .await?
        .iter()
        .map(account_from)
        .collect())
    }

    /// Renames a live account; `false` if there is none with this id.
    pub async fn rename_account(&self, id: &str, name: &str) -> Result<bool, DbError> {
        let renamed = with_pool!(self, pool => sqlx::query(
            "UPDATE accounts SET name = $1 WHERE id = $2 AND deleted_at IS NULL"
        )
        .bind(name)
        .bind(id)
        .execute(pool)
        .await.map(|r| r.rows_affected()));
        match renamed {
            Ok(done) => Ok(done == 1),
            Err(e) if is_unique_violation(&e) => Err(DbError::NameTaken(name.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces the password hash; `must_change` marks it as an initial password.
    pub async fn set_password(
        &self,
        id: &str,
        password_hash: &str,
        must_change: bool,
    ) -> Result<bool, DbError> {
        let done = with_pool!(self, pool => sqlx::query(
            "UPDATE accounts SET password_hash = $1, must_change_password = $2, \
             password_changed_at = $3 WHERE id = $4 AND deleted_at IS NULL"
        )
        .bind(password_hash)
        .bind(must_change)
        .bind(fsutil::now_rfc3339())
        .bind(id)
        .execute(pool)
        .await?.rows_affected());
        Ok(done == 1)
    }

    /// Changes the role of the live account `name`; `false` if there is none. Refuses to
    /// demote the last administrator.
    pub async fn set_role(&self, name: &str, role: Role) -> Result<bool, DbError> {
        let mut tx = self.begin().await?;
        let admins = lock_and_count_admins(&mut tx).await?;
        let Some(account) = live_account_in(&mut tx, name).await? else {
            return Ok(false);
        };
        if account.role == Role::Admin && role != Role::Admin && admins <= 1 {
            return Err(DbError::LastAdmin(account.name));
        }
        let role = enum_text(&role)?;
        with_tx!(&mut tx, conn => sqlx::query("UPDATE accounts SET role = $1 WHERE id = $2")
            .bind(&role)
            .bind(&account.id)
            .execute(conn)
            .await?.rows_affected());
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes the live account `name` with its sessions and tokens; `None` if there is none.
    /// Refuses to delete the last administrator.
    pub async fn delete_account(&self, name: &str) -> Result<Option<Account>, DbError> {
        let now = fsutil::now_rfc3339();
        let mut tx = self.begin().await?;
        let admins = lock_and_count_admins(&mut tx).await?;
        let Some(mut account) = live_account_in(&mut tx, name).await? else {
            return Ok(None);
        };
        if account.role == Role::Admin && admins <= 1 {
            return Err(DbError::LastAdmin(account.name));
        }
        with_tx!(&mut tx, conn => {
            sqlx::query("UPDATE accounts SET deleted_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(&account.id)
                .execute(&mut *conn)
                .await?.rows_affected();
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(&account.id)
                .execute(&mut *conn)
                .await?.rows_affected();
            sqlx::query("DELETE FROM api_tokens WHERE account_id = $1")
                .bind(&account.id)
                .execute(&mut *conn)
                .await?.rows_affected();
        });
        tx.commit().await?;
        account.deleted_at = Some(now);
        Ok(Some(account))
    }
}
