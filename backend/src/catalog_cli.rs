//! The catalogue's remote on the command line: the options `serve` and `fachwerk catalog push`
//! share (remote, token, how it is sent) and `fachwerk catalog push`, which pushes by hand
//! and records the outcome where the servers show it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Subcommand, ValueEnum};

use crate::db::backup::CATALOGUE_DIR;
use crate::repo::push::{redact, PushError, Pusher, RemoteAuth};
use crate::repo::Repo;

/// Environment variable with the remote's access token (instead of `--remote-token-file`).
pub const REMOTE_TOKEN_ENV: &str = "FACHWERK_REMOTE_TOKEN";

/// How the token is sent to the remote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuthKind {
    /// HTTP Basic: `--remote-user` and the token as password (GitLab, Open CoDE).
    Basic,
    /// `Authorization: Bearer <token>`.
    Bearer,
}

/// Where the catalogue is pushed after each publish, and with which token.
#[derive(clap::Args, Clone, Debug)]
pub struct RemoteArgs {
    /// Push the catalogue (main and tags) to this git remote after each publish: an https
    /// URL without credentials (e.g. an Open CoDE project) or a path.
    #[arg(long, env = "FACHWERK_REMOTE", hide_env_values = true)]
    pub remote: Option<String>,
    /// File whose first line is the remote's access token (e.g. a GitLab project access
    /// token with write_repository); or the token in FACHWERK_REMOTE_TOKEN.
    #[arg(long, env = "FACHWERK_REMOTE_TOKEN_FILE", value_name = "FILE")]
    pub remote_token_file: Option<PathBuf>,
    /// How the token is sent: basic (user and token; GitLab) or bearer.
    #[arg(long, env = "FACHWERK_REMOTE_AUTH", value_enum, default_value_t = AuthKind::Basic)]
    pub remote_auth: AuthKind,
    /// User name sent with the token (basic; GitLab accepts any).
    #[arg(long, env = "FACHWERK_REMOTE_USER", default_value = "oauth2")]
    pub remote_user: String,
}

impl RemoteArgs {
    /// The token from `--remote-token-file` or `FACHWERK_REMOTE_TOKEN`, if any, as the header
    /// to send. Errors name the file, never the token.
    pub fn auth(&self) -> Result<Option<RemoteAuth>, String> {
        let from_env = std::env::var(REMOTE_TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty());
        let token = match (&self.remote_token_file, from_env) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "--remote-token-file and {REMOTE_TOKEN_ENV} are both set; please use one"
                ))
            }
            (Some(file), None) => Some(read_token(file)?),
            (None, env) => env.map(|t| t.trim().to_string()),
        };
        let Some(token) = token else { return Ok(None) };
        if self.remote.is_none() {
            return Err("a token for the remote is set, but no --remote".into());
        }
        if let Some(url) = &self.remote {
            if redact(url) != *url {
                eprintln!(
                    "fachwerk: the remote URL {} carries credentials besides the token; please remove them from the URL",
                    redact(url)
                );
            }
        }
        Ok(Some(match self.remote_auth {
            AuthKind::Basic => RemoteAuth::basic(&self.remote_user, &token),
            AuthKind::Bearer => RemoteAuth::bearer(&token),
        }))
    }
}

fn read_token(file: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read the token file {}: {e}", file.display()))?;
    let token = text.lines().next().unwrap_or_default().trim().to_string();
    if token.is_empty() {
        return Err(format!("the token file {} is empty", file.display()));
    }
    Ok(token)
}

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// Push the catalogue (main and all tags) to the remote now, also while servers run; the
    /// outcome is recorded where the servers show it to admins. Exit 0 when pushed, 1 when
    /// the push failed, 2 on a configuration error.
    Push {
        #[arg(long, env = "FACHWERK_DATA", default_value = "data")]
        data: PathBuf,
        /// Database: postgres://… or sqlite:PATH (default: fachwerk.sqlite3 in the data
        /// directory).
        #[arg(long, env = "FACHWERK_DATABASE")]
        database: Option<String>,
        #[command(flatten)]
        remote: RemoteArgs,
        /// Seconds to wait for a push of a running server to end first.
        #[arg(long, default_value_t = 150)]
        wait: u64,
    },
}

pub fn main(command: CatalogCommand) -> ExitCode {
    let CatalogCommand::Push {
        data,
        database,
        remote,
        wait,
    } = command;
    let (url, auth) = match (remote.remote.clone(), remote.auth()) {
        (Some(url), Ok(auth)) => (url, auth),
        (None, _) => {
            eprintln!("fachwerk catalog push: no remote (--remote or FACHWERK_REMOTE)");
            return ExitCode::from(2);
        }
        (_, Err(e)) => {
            eprintln!("fachwerk catalog push: {e}");
            return ExitCode::from(2);
        }
    };
    let git_dir = data.join(CATALOGUE_DIR);
    if let Err(e) = Repo::open_existing(&git_dir) {
        eprintln!("fachwerk catalog push: {e:#}");
        return ExitCode::from(2);
    }
    let runtime = match crate::maintenance::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fachwerk catalog push: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let db = match crate::maintenance::open(&data, database.as_deref()).await {
            Ok(db) => db,
            Err(e) => {
                eprintln!("fachwerk catalog push: {e}");
                return ExitCode::from(2);
            }
        };
        let shown = redact(&url);
        let pushed = Pusher::new(db.clone(), git_dir, url, auth)
            .push_now(Duration::from_secs(wait))
            .await;
        db.close().await;
        match pushed {
            Ok(_) => {
                println!("Katalog nach {shown} übertragen.");
                ExitCode::SUCCESS
            }
            Err(e @ (PushError::Failed(_) | PushError::Busy)) => {
                eprintln!("fachwerk catalog push: {e}");
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("fachwerk catalog push: {e}");
                ExitCode::from(2)
            }
        }
    })
}
