//! `fachwerk backup DIR` and `fachwerk restore DIR`: a copy of the SQLite database and of the
//! catalogue, taken while the server runs. The database is copied first (`VACUUM INTO`, one
//! snapshot), the catalogue second, so the catalogue copy is at least as new; a request
//! published in between is recorded by the reconciliation at the next start. PostgreSQL is
//! backed up with `pg_dump` (see README).

use std::path::Path;

use super::{Database, DbError, SQLITE_FILE};
use crate::fsutil;
use crate::repo::copy::copy_repository;

/// Folder name of the catalogue in the data directory and in a backup.
pub const CATALOGUE_DIR: &str = "catalog.git";

fn failed(what: &str, e: impl std::fmt::Display) -> DbError {
    DbError::Backup(format!("{what}: {e:#}"))
}

/// Writes `DIR/fachwerk.sqlite3` and `DIR/catalog.git`; `DIR` must not exist or be empty.
pub async fn backup(db: &Database, catalogue: &Path, dir: &Path) -> Result<(), DbError> {
    let empty = std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none());
    if !empty {
        return Err(DbError::Backup(format!(
            "{} ist nicht leer; bitte einen neuen Ordner angeben.",
            dir.display()
        )));
    }
    fsutil::ensure_dir(dir).map_err(|e| failed("Sicherungsordner", e))?;
    db.backup_into(&dir.join(SQLITE_FILE)).await?;
    let (from, to) = (catalogue.to_path_buf(), dir.join(CATALOGUE_DIR));
    fsutil::blocking(move || copy_repository(&from, &to))
        .await
        .map_err(|e| failed("Katalog", e))?;
    fsutil::sync_dir(dir).map_err(|e| failed("Sicherungsordner", e))
}

/// Puts a backup into `data_dir`, which must hold no database and no catalogue yet (the
/// server is stopped; move the old data directory away first).
pub fn restore(backup: &Path, data_dir: &Path) -> Result<(), DbError> {
    let (db, catalogue) = (backup.join(SQLITE_FILE), backup.join(CATALOGUE_DIR));
    if !db.is_file() || !catalogue.is_dir() {
        return Err(DbError::Backup(format!(
            "{} ist keine Sicherung (erwartet: {SQLITE_FILE} und {CATALOGUE_DIR}/).",
            backup.display()
        )));
    }
    for existing in [data_dir.join(SQLITE_FILE), data_dir.join(CATALOGUE_DIR)] {
        if existing.exists() {
            return Err(DbError::Backup(format!(
                "{} gibt es schon; die Sicherung wird nur in ein Datenverzeichnis ohne Datenbank \
                 und Katalog zurückgespielt.",
                existing.display()
            )));
        }
    }
    fsutil::ensure_dir(data_dir).map_err(|e| failed("Datenverzeichnis", e))?;
    let bytes = std::fs::read(&db).map_err(|e| failed("Datenbank", e))?;
    fsutil::write_atomic(&data_dir.join(SQLITE_FILE), &bytes)
        .map_err(|e| failed("Datenbank", e))?;
    copy_repository(&catalogue, &data_dir.join(CATALOGUE_DIR)).map_err(|e| failed("Katalog", e))
}
