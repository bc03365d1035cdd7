//! One-time import of the JSON files that earlier releases kept in the data directory
//! (`users.json`, `tokens.json`, `sources.json`, `drafts/`, `publications/`). Everything goes
//! into the database in one transaction; afterwards the files are moved, unchanged, into
//! `json-backup-<time>/` in the data directory.
//!
//! The files name accounts by name. Each account gets an id; a name that drafts, requests or
//! sources mention but `users.json` no longer has (a deleted account) becomes a deleted
//! account, so what it owned is kept and no new account of that name inherits it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use fachwerk_shared::Workflow;
use serde::Deserialize;

use super::accounts::{insert_account, Account};
use super::auth::{insert_token, ApiToken};
use super::drafts::{insert_draft, Draft};
use super::publications::insert_request;
use super::sources::insert_source;
use super::{new_id, with_pool, with_tx, Database, DbError, Fields, Tx};
use crate::fsutil;
use fachwerk_shared::api::BasedOn;
use fachwerk_shared::api::Publication;
use fachwerk_shared::api::Role;
use fachwerk_shared::api::SourceRecord;

/// `fachwerk_meta` key recording when the import ran.
const MARKER: &str = "json-import";
const FILES: [&str; 3] = ["users.json", "tokens.json", "sources.json"];
const DIRS: [&str; 2] = ["drafts", "publications"];
/// Stored for accounts that existed only as names: a hash no password matches.
const NO_PASSWORD: &str = "!";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyUser {
    name: String,
    role: Role,
    password_hash: String,
    created_at: String,
    /// Written by releases that record the creator (a name) and forced resets.
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    must_change_password: bool,
}

#[derive(Deserialize, Default)]
struct LegacyUsers {
    users: Vec<LegacyUser>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyToken {
    id: String,
    user: String,
    label: String,
    hash: String,
    created_at: String,
    /// Written by releases with expiring tokens (Unix seconds).
    #[serde(default)]
    expires: Option<i64>,
    #[serde(default)]
    last_used: Option<i64>,
}

#[derive(Deserialize, Default)]
struct LegacyTokens {
    tokens: Vec<LegacyToken>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyDraft {
    id: String,
    owner: String,
    revision: u64,
    created_at: String,
    updated_at: String,
    #[serde(default)]
    based_on: Option<BasedOn>,
    workflow: Workflow,
}

#[derive(Deserialize, Default)]
struct LegacySources {
    sources: Vec<SourceRecord>,
}

/// Everything read from the files.
#[derive(Default)]
struct Legacy {
    users: Vec<LegacyUser>,
    tokens: Vec<LegacyToken>,
    drafts: Vec<LegacyDraft>,
    requests: Vec<Publication>,
    sources: Vec<SourceRecord>,
}

/// What the import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub accounts: usize,
    /// Names that only drafts, requests or sources still mentioned, imported as deleted
    /// accounts.
    pub former_accounts: Vec<String>,
    pub tokens: usize,
    /// Tokens of accounts that no longer existed (they did not work before either).
    pub tokens_dropped: usize,
    pub drafts: usize,
    pub requests: usize,
    pub sources: usize,
    /// Where the original files are now.
    pub backup: PathBuf,
}

/// The JSON files and folders of an earlier release present in `data_dir`.
fn legacy_paths(data_dir: &Path) -> Vec<PathBuf> {
    let files = FILES
        .iter()
        .map(|f| data_dir.join(f))
        .filter(|p| p.is_file());
    let dirs = DIRS.iter().map(|d| data_dir.join(d)).filter(|p| p.is_dir());
    files.chain(dirs).collect()
}

/// JSON documents in a folder, skipping temporary files of interrupted writes.
fn read_folder<T: serde::de::DeserializeOwned>(dir: &Path) -> anyhow::Result<Vec<T>> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    paths.sort();
    paths
        .iter()
        .filter_map(|p| fsutil::read_json::<T>(p).transpose())
        .collect()
}

fn read_legacy(data_dir: &Path) -> anyhow::Result<Legacy> {
    let mut requests: Vec<Publication> = read_folder(&data_dir.join("publications"))?;
    requests.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
    Ok(Legacy {
        users: fsutil::read_json::<LegacyUsers>(&data_dir.join("users.json"))?
            .unwrap_or_default()
            .users,
        tokens: fsutil::read_json::<LegacyTokens>(&data_dir.join("tokens.json"))?
            .unwrap_or_default()
            .tokens,
        drafts: read_folder(&data_dir.join("drafts"))?,
        requests,
        sources: fsutil::read_json::<LegacySources>(&data_dir.join("sources.json"))?
            .unwrap_or_default()
            .sources,
    })
}

/// Moves the files into a new backup folder in `data_dir`.
fn move_to_backup(data_dir: &Path, paths: &[PathBuf]) -> anyhow::Result<PathBuf> {
    let stamp = fsutil::now_rfc3339().replace([':', '-'], "");
    let mut backup = data_dir.join(format!("json-backup-{stamp}"));
    let mut n = 1;
    while backup.exists() {
        n += 1;
        backup = data_dir.join(format!("json-backup-{stamp}-{n}"));
    }
    fsutil::ensure_dir(&backup)?;
    for path in paths {
        if let Some(name) = path.file_name() {
            std::fs::rename(path, backup.join(name))?;
        }
    }
    fsutil::sync_dir(&backup)?;
    fsutil::sync_dir(data_dir)?;
    Ok(backup)
}

/// Name → account id, creating deleted accounts for names that have none.
struct Names {
    ids: HashMap<String, String>,
    former: Vec<String>,
    now: String,
}

impl Names {
    async fn id(&mut self, tx: &mut Tx, name: &str) -> Result<String, DbError> {
        if let Some(id) = self.ids.get(name) {
            return Ok(id.clone());
        }
        let account = Account {
            id: new_id(),
            name: name.to_string(),
            role: Role::Editor,
            password_hash: NO_PASSWORD.into(),
            must_change_password: false,
            created_at: self.now.clone(),
            created_by: None,
            password_changed_at: None,
            deleted_at: Some(self.now.clone()),
        };
        insert_account(tx, &account).await?;
        self.former.push(name.to_string());
        self.ids.insert(name.to_string(), account.id.clone());
        Ok(account.id)
    }
}

/// Imports the JSON files of `data_dir` unless the database has been imported into before.
/// `Ok(None)`: nothing to import. Fails, changing nothing, if a file cannot be read or the
/// database already has accounts from elsewhere.
pub async fn import_json_files(
    db: &Database,
    data_dir: &Path,
) -> Result<Option<ImportReport>, DbError> {
    let paths = legacy_paths(data_dir);
    if paths.is_empty() {
        return Ok(None);
    }
    let imported_before = with_pool!(db, pool => sqlx::query(
        "SELECT value FROM fachwerk_meta WHERE key = $1",
    )
    .bind(MARKER)
    .fetch_optional(pool)
    .await?
    .map(|r| r.text("value"))
    .transpose()?);
    if let Some(when) = imported_before {
        // An earlier start imported them and stopped before moving them away.
        let dir = data_dir.to_path_buf();
        let backup = fsutil::blocking(move || move_to_backup(&dir, &paths))
            .await
            .map_err(|e| DbError::Import(format!("{e:#}")))?;
        tracing::warn!(imported = %when, backup = %backup.display(), "JSON files were imported before; moved them to the backup folder");
        return Ok(None);
    }
    let dir = data_dir.to_path_buf();
    let legacy = fsutil::blocking(move || read_legacy(&dir))
        .await
        .map_err(|e| DbError::Import(format!("{e:#}")))?;
    let mut tx = db.begin().await?;
    let now = fsutil::now_rfc3339();
    let claimed = with_tx!(&mut tx, conn => sqlx::query(
        "INSERT INTO fachwerk_meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(MARKER)
    .bind(&now)
    .execute(&mut *conn)
    .await?
    .rows_affected());
    if claimed == 0 {
        return Ok(None);
    }
    let existing = with_tx!(&mut tx, conn => sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(conn)
        .await?
        .int("n")?);
    if existing > 0 {
        return Err(DbError::Import(format!(
            "the database already has {existing} accounts; the JSON files in {} were not imported \
             (import them into an empty database, or move them away)",
            data_dir.display()
        )));
    }
    let report = import_in(&mut tx, legacy, now).await?;
    tx.commit().await?;
    let dir = data_dir.to_path_buf();
    let backup = fsutil::blocking(move || move_to_backup(&dir, &paths))
        .await
        .map_err(|e| DbError::Import(format!("{e:#}")))?;
    let report = ImportReport { backup, ..report };
    tracing::info!(
        accounts = report.accounts,
        former_accounts = report.former_accounts.len(),
        tokens = report.tokens,
        tokens_dropped = report.tokens_dropped,
        drafts = report.drafts,
        requests = report.requests,
        sources = report.sources,
        backup = %report.backup.display(),
        "imported the JSON files of the data directory into the database; the originals are in the backup folder"
    );
    Ok(Some(report))
}

async fn import_in(tx: &mut Tx, legacy: Legacy, now: String) -> Result<ImportReport, DbError> {
    let mut names = Names {
        ids: HashMap::new(),
        former: Vec::new(),
        now,
    };
    // Creators before the accounts they created (the creator is a reference); a creator that
    // is not in the file is forgotten.
    let mut pending: Vec<&LegacyUser> = legacy.users.iter().collect();
    while !pending.is_empty() {
        let known = |u: &&LegacyUser| {
            u.created_by
                .as_ref()
                .is_none_or(|c| names.ids.contains_key(c) || !pending.iter().any(|p| &p.name == c))
        };
        let (ready, waiting): (Vec<&LegacyUser>, Vec<&LegacyUser>) =
            pending.iter().copied().partition(known);
        // A cycle of creators cannot come from the server; break it rather than loop.
        let (ready, waiting) = if ready.is_empty() {
            (waiting, Vec::new())
        } else {
            (ready, waiting)
        };
        for u in ready {
            let account = Account {
                id: new_id(),
                name: u.name.clone(),
                role: u.role,
                password_hash: u.password_hash.clone(),
                must_change_password: u.must_change_password,
                created_at: u.created_at.clone(),
                created_by: u
                    .created_by
                    .as_ref()
                    .and_then(|c| names.ids.get(c).cloned()),
                password_changed_at: None,
                deleted_at: None,
            };
            insert_account(tx, &account).await?;
            names.ids.insert(u.name.clone(), account.id);
        }
        pending = waiting;
    }
    let mut tokens = 0;
    for t in &legacy.tokens {
        let Some(account_id) = names.ids.get(&t.user) else {
            continue;
        };
        let token = ApiToken {
            id: t.id.clone(),
            account_id: account_id.clone(),
            name: t.label.clone(),
            created_at: t.created_at.clone(),
            expires_unix: t.expires,
            last_used_at: t.last_used.map(fsutil::rfc3339),
        };
        insert_token(tx, &token, &t.hash).await?;
        tokens += 1;
    }
    for d in &legacy.drafts {
        let draft = Draft {
            id: d.id.clone(),
            owner_id: names.id(tx, &d.owner).await?,
            owner: d.owner.clone(),
            revision: d.revision,
            created_at: d.created_at.clone(),
            updated_at: d.updated_at.clone(),
            based_on: d.based_on.clone(),
            workflow: d.workflow.clone(),
        };
        insert_draft(tx, &draft).await?;
    }
    for p in &legacy.requests {
        let requester = names.id(tx, &p.requester).await?;
        let decided_by = match &p.decided_by {
            Some(name) => Some(names.id(tx, name).await?),
            None => None,
        };
        insert_request(tx, p, &requester, decided_by.as_deref()).await?;
    }
    for s in &legacy.sources {
        let added_by = names.id(tx, &s.added_by).await?;
        insert_source(tx, s, &added_by).await?;
    }
    Ok(ImportReport {
        accounts: legacy.users.len(),
        former_accounts: names.former,
        tokens,
        tokens_dropped: legacy.tokens.len() - tokens,
        drafts: legacy.drafts.len(),
        requests: legacy.requests.len(),
        sources: legacy.sources.len(),
        backup: PathBuf::new(),
    })
}
