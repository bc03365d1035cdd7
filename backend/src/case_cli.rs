//! `fachwerk case start|list|show|complete`: case processing from the command line, on the
//! same database and through the same runtime as the server, acting as a named account (for
//! scripts and tests on the server's machine).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use fachwerk_shared::api::{CompleteTask, StartCase};
use fachwerk_shared::model::FieldType;
use fachwerk_shared::Workflow;

use crate::auth::{Caller, Via};
use crate::cases::{AktenzeichenPattern, CaseError, CaseRuntime, RuntimeConfig};
use crate::db::{Database, Target};

/// Where the state is and who acts.
#[derive(Args)]
pub struct CaseTarget {
    /// The account acting (it must belong to a person of the organisation to start cases and
    /// work on tasks).
    #[arg(long = "as", value_name = "ACCOUNT")]
    account: String,
    #[arg(long, env = "FACHWERK_DATA", default_value = "data")]
    data: PathBuf,
    /// Database: postgres://… or sqlite:PATH (default: fachwerk.sqlite3 in the data
    /// directory).
    #[arg(long, env = "FACHWERK_DATABASE")]
    database: Option<String>,
}

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Start a case on the active version of WORKFLOW; prints it as JSON.
    Start {
        workflow: String,
        /// A case field, `name=value` (repeatable); numbers and true/false as such, the rest
        /// as text (money as text: betragNetto=12400.00).
        #[arg(long = "field", value_name = "NAME=VALUE")]
        fields: Vec<String>,
        /// The same key again gives the same case.
        #[arg(long)]
        idempotency_key: Option<String>,
        #[arg(long, env = "FACHWERK_AKTENZEICHEN", default_value = crate::cases::intake::DEFAULT_AKTENZEICHEN, value_parser = AktenzeichenPattern::parse)]
        aktenzeichen: AktenzeichenPattern,
        /// The Land whose public holidays count for the case's deadlines.
        #[arg(long, env = "FACHWERK_LAND", default_value = "NW", value_parser = crate::cli::parse_land)]
        land: fachwerk_shared::Land,
        #[command(flatten)]
        target: CaseTarget,
    },
    /// List the newest cases the account may see (Aktenzeichen, status, id).
    List {
        #[command(flatten)]
        target: CaseTarget,
    },
    /// Print a case with its tasks and audit trail as JSON.
    Show {
        id: String,
        #[command(flatten)]
        target: CaseTarget,
    },
    /// Complete task TASK with an exit (the case's current revision unless --revision).
    Complete {
        task: String,
        #[arg(long)]
        exit: String,
        /// Complete only if the case is still at this revision.
        #[arg(long)]
        revision: Option<u64>,
        #[command(flatten)]
        target: CaseTarget,
    },
}

/// `name=value` → field, typed as the workflow declares it (int and bool as JSON, the rest as
/// text: money `12400.00`, dates `2026-03-16`).
fn field(w: &Workflow, arg: &str) -> Result<(String, serde_json::Value), String> {
    let (name, value) = arg
        .split_once('=')
        .ok_or_else(|| format!("„{arg}“: erwartet NAME=WERT"))?;
    let name = name.trim();
    let text = || serde_json::Value::String(value.to_string());
    let json = match w
        .fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.field_type)
    {
        Some(FieldType::Int | FieldType::Bool) => serde_json::from_str(value.trim())
            .map_err(|_| format!("{name}: „{value}“ ist keine Zahl bzw. kein true/false"))?,
        _ => text(),
    };
    Ok((name.to_string(), json))
}

async fn open(
    target: &CaseTarget,
    config: RuntimeConfig,
) -> Result<(CaseRuntime, Caller, Database), String> {
    let t = Target::parse(target.database.as_deref(), &target.data).map_err(|e| e.to_string())?;
    let db = Database::open(&t)
        .await
        .map_err(|e| format!("{}: {e}", t.describe()))?;
    let account = db
        .account_by_name(&target.account)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("Ein Konto „{}“ gibt es nicht.", target.account))?;
    let caller = Caller {
        id: account.id,
        name: account.name,
        role: account.role,
        via: Via::CommandLine,
        csrf: None,
        must_change_password: false,
    };
    Ok((CaseRuntime::new(db.clone(), config), caller, db))
}

fn problem(e: CaseError) -> String {
    match e {
        CaseError::BadValue { path, de, .. } => format!("{path}: {de}"),
        CaseError::Refused { code, de, .. } => format!("{code}: {de}"),
        other => other.to_string(),
    }
}

fn json(value: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value).map_err(|e| e.to_string())
}

async fn run(command: CaseCommand) -> Result<String, String> {
    let today = std::env::var("FACHWERK_TODAY")
        .ok()
        .and_then(|d| fachwerk_shared::values::Date::parse(d.trim()));
    let config = |aktenzeichen| RuntimeConfig {
        aktenzeichen,
        today,
        ..RuntimeConfig::default()
    };
    match command {
        CaseCommand::Start {
            workflow,
            fields,
            idempotency_key,
            aktenzeichen,
            land,
            target,
        } => {
            let config = RuntimeConfig {
                land,
                ..config(aktenzeichen)
            };
            let (runtime, caller, db) = open(&target, config).await?;
            let (_, w) = crate::cases::active_workflow(&db, &workflow)
                .await
                .map_err(problem)?;
            let fields: BTreeMap<_, _> = fields
                .iter()
                .map(|f| field(&w, f))
                .collect::<Result<_, _>>()?;
            let req = StartCase { workflow, fields };
            let started = runtime
                .start(&caller, &req, idempotency_key.as_deref())
                .await
                .map_err(problem)?;
            json(&started.case)
        }
        CaseCommand::List { target } => {
            let (runtime, caller, _) =
                open(&target, config(AktenzeichenPattern::default())).await?;
            let cases = runtime.list(&caller).await.map_err(problem)?;
            Ok(cases
                .iter()
                .map(|c| {
                    let status = serde_json::to_value(c.status).unwrap_or_default();
                    format!(
                        "{}\t{}\t{}\t{}",
                        c.aktenzeichen,
                        status.as_str().unwrap_or_default(),
                        c.version,
                        c.id
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        CaseCommand::Show { id, target } => {
            let (runtime, caller, _) =
                open(&target, config(AktenzeichenPattern::default())).await?;
            json(&runtime.view(&caller, &id).await.map_err(problem)?)
        }
        CaseCommand::Complete {
            task,
            exit,
            revision,
            target,
        } => {
            let (runtime, caller, _) =
                open(&target, config(AktenzeichenPattern::default())).await?;
            let revision = match revision {
                Some(r) => r,
                None => runtime.task_revision(&task).await.map_err(problem)?,
            };
            let done = runtime
                .complete(
                    &caller,
                    &task,
                    revision,
                    &CompleteTask {
                        exit,
                        ..CompleteTask::default()
                    },
                )
                .await
                .map_err(problem)?;
            json(&done.case)
        }
    }
}

pub fn main(command: CaseCommand) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fachwerk: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(command)) {
        Ok(out) => {
            if !out.is_empty() {
                println!("{out}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fachwerk: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn field_values_are_typed_as_declared() {
        let text = include_str!("../../workflows/urlaubsantrag.json");
        let w = fachwerk_shared::parse_workflow(text).unwrap();
        let typed = |arg: &str| field(&w, arg).unwrap().1;
        assert_eq!(typed("arbeitstage=5"), serde_json::json!(5));
        assert_eq!(typed("personalnummer=4711"), serde_json::json!("4711"));
        assert_eq!(
            typed("urlaubsbeginn=2026-03-16"),
            serde_json::json!("2026-03-16")
        );
        assert!(field(&w, "arbeitstage=fünf").is_err());
        assert!(field(&w, "ohne-gleich").is_err());
    }
}
