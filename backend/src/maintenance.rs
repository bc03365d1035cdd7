//! Commands that work on the state of a data directory while the server may run:
//! `fachwerk user add`, `fachwerk backup DIR` and `fachwerk restore DIR`. They go through the
//! same storage layer as the server (after the same one-time JSON import), so nothing they
//! write can overwrite what the server writes.

use std::path::Path;
use std::process::ExitCode;

use crate::db::{backup, import_json_files, Database, Target};
use crate::repo::Repo;
use crate::users::{HashCost, Role, UserStore};

/// A runtime for one command.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// The database of `data` (migrated, JSON files of earlier releases imported).
pub(crate) async fn open(data: &Path, database: Option<&str>) -> Result<Database, String> {
    let target = Target::parse(database, data).map_err(|e| e.to_string())?;
    let db = Database::open(&target)
        .await
        .map_err(|e| format!("{}: {e}", target.describe()))?;
    import_json_files(&db, data)
        .await
        .map_err(|e| e.to_string())?;
    Ok(db)
}

fn report(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fachwerk: {e}");
            ExitCode::from(1)
        }
    }
}

pub fn add_user(
    name: &str,
    role: Role,
    password_stdin: bool,
    data: &Path,
    database: Option<&str>,
) -> ExitCode {
    let password = if password_stdin {
        let mut line = String::new();
        if let Err(e) = std::io::stdin().read_line(&mut line) {
            eprintln!("fachwerk: cannot read the password: {e}");
            return ExitCode::from(2);
        }
        Some(line.trim_end_matches(['\n', '\r']).to_string())
    } else {
        None
    };
    report(runtime().and_then(|rt| {
        rt.block_on(async {
            let db = open(data, database).await?;
            let users = UserStore::new(db.clone(), HashCost::STANDARD);
            let added = users.add(name, role, password.as_deref(), None).await;
            db.close().await;
            let (user, generated) = added.map_err(|e| e.to_string())?;
            let role = user.role.name_de();
            Ok(match generated {
                Some(pw) => format!("Benutzer {} ({role}) angelegt. Passwort: {pw}", user.name),
                None => format!("Benutzer {} ({role}) angelegt.", user.name),
            })
        })
    }))
}

pub fn backup(dir: &Path, data: &Path, database: Option<&str>) -> ExitCode {
    report(runtime().and_then(|rt| {
        rt.block_on(async {
            let catalogue = data.join(backup::CATALOGUE_DIR);
            Repo::open_existing(&catalogue).map_err(|e| format!("{e:#}"))?;
            let db = open(data, database).await?;
            let done = backup::backup(&db, &catalogue, dir).await;
            db.close().await;
            done.map_err(|e| e.to_string())?;
            Ok(format!(
                "Datenbank und Katalog gesichert in {}.",
                dir.display()
            ))
        })
    }))
}

pub fn restore(dir: &Path, data: &Path) -> ExitCode {
    report(
        backup::restore(dir, data)
            .map(|()| {
                format!(
                    "Sicherung aus {} nach {} zurückgespielt.",
                    dir.display(),
                    data.display()
                )
            })
            .map_err(|e| e.to_string()),
    )
}
