//! The `fachwerk` command line: `serve` plus tools usable in a municipality's CI pipeline.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{AppState, Config};
use crate::maintenance;
use crate::repo::push::redact;
use crate::tools::{self, Format};
use crate::users::Role;
use crate::validate_cli;

#[derive(Parser)]
#[command(
    name = "fachwerk",
    version,
    about = "Fachwerk – Abläufe der Verwaltung gestalten, prüfen und veröffentlichen"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FACHWERK_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Data directory (created on first start).
    #[arg(long, env = "FACHWERK_DATA", default_value = "data")]
    data: PathBuf,
    /// Database: postgres://… or sqlite:PATH (default: fachwerk.sqlite3 in the data
    /// directory).
    #[arg(long, env = "FACHWERK_DATABASE")]
    database: Option<String>,
    /// Built frontend to serve (Trunk's dist/), for development. Default: the frontend built
    /// into the binary (`cargo xtask dist`), else dist/ if it exists.
    #[arg(long, env = "FACHWERK_DIST")]
    dist: Option<PathBuf>,
    /// Built handbook to serve under /hilfe/ (mdBook's docs/book, `cargo xtask docs`).
    #[arg(long, env = "FACHWERK_DOCS", default_value = "docs/book")]
    docs: PathBuf,
    #[command(flatten)]
    remote: crate::catalog_cli::RemoteArgs,
    /// Mark cookies `Secure` (default unless listening on loopback only).
    #[arg(long, conflicts_with = "no_secure_cookies")]
    secure_cookies: bool,
    /// Send cookies without `Secure` even when not on loopback (plain http in a closed
    /// network; not recommended).
    #[arg(long)]
    no_secure_cookies: bool,
    /// An origin besides the server's own `Host` that may send changes (repeatable), for
    /// a proxy that rewrites `Host`, e.g. https://fachwerk.example.de.
    #[arg(long = "allowed-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,
    /// A reverse proxy whose `X-Forwarded-For` names the client (repeatable).
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// A folder below which local template sources may lie (repeatable; without it only
    /// the server's own catalogue).
    #[arg(long = "source-root", value_name = "DIR")]
    source_roots: Vec<PathBuf>,
    /// A host that may serve template sources although it resolves to an internal
    /// address (repeatable), e.g. git.intern.example.de.
    #[arg(long = "source-allow-host", value_name = "HOST")]
    source_allow_hosts: Vec<String>,
    /// Lifetime of new API tokens in days (and the longest a user may ask for).
    #[arg(long, env = "FACHWERK_TOKEN_LIFETIME_DAYS", default_value_t = crate::auth::DEFAULT_TOKEN_LIFETIME_DAYS, value_parser = clap::value_parser!(u32).range(1..=3650))]
    token_lifetime_days: u32,
    /// Public URL of the catalogue repository (publiccode.yml `url`); defaults to an
    /// http(s) remote.
    #[arg(long, env = "FACHWERK_CATALOG_URL")]
    catalog_url: Option<String>,
    /// Pattern of the Aktenzeichen of new cases: {key}, {year}, {seq} or {seq:N} (the
    /// running number, N digits).
    #[arg(long, env = "FACHWERK_AKTENZEICHEN", default_value = crate::cases::intake::DEFAULT_AKTENZEICHEN, value_parser = crate::cases::AktenzeichenPattern::parse)]
    aktenzeichen: crate::cases::AktenzeichenPattern,
    /// The date the case engine takes as today, YYYY-MM-DD (for tests and training
    /// systems only: deadlines and timers follow it).
    #[arg(long, env = "FACHWERK_TODAY", value_parser = parse_date)]
    today: Option<fachwerk_shared::values::Date>,
    /// The Land whose public holidays count for deadlines of new cases (BW, BY, …, NW).
    #[arg(long, env = "FACHWERK_LAND", default_value = "NW", value_parser = parse_land)]
    land: fachwerk_shared::Land,
    /// Mail server for outgoing mail, smtp://host:port (plain SMTP to a relay); without it
    /// mails are written as .eml files to <data>/outbox/mail/.
    #[arg(long, env = "FACHWERK_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender address of outgoing mail.
    #[arg(long, env = "FACHWERK_MAIL_FROM", default_value = "fachwerk@localhost")]
    mail_from: String,
    /// The authority that sends the mails (their signature), e.g. "Stadt Musterstadt".
    #[arg(long, env = "FACHWERK_AUTHORITY", default_value = "Ihre Verwaltung")]
    authority: String,
    /// Public address of this server, the base of the links in mails to applicants
    /// (answer a Rückfrage, see the status), e.g. https://fachwerk.example.de.
    #[arg(long, env = "FACHWERK_PUBLIC_URL")]
    public_url: Option<String>,
    /// Bearer token with which other hosts than loopback may read /metrics (without it only
    /// loopback may).
    #[arg(long, env = "FACHWERK_METRICS_TOKEN")]
    metrics_token: Option<String>,
    /// Log lines as plain text or as one JSON object per line (for log collectors).
    #[arg(long, env = "FACHWERK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(flatten)]
    oidc: crate::oidc::OidcArgs,
}

/// `--log-format` of `fachwerk serve`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server (designer + API).
    Serve(Box<ServeArgs>),
    /// Process cases: start, list, show, complete (on the server's database).
    Case {
        #[command(subcommand)]
        command: crate::case_cli::CaseCommand,
    },
    /// The catalogue's remote: `fachwerk catalog push` pushes now.
    Catalog {
        #[command(subcommand)]
        command: crate::catalog_cli::CatalogCommand,
    },
    /// Manage local accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Copy the database (SQLite) and the catalogue into DIR, also while the server runs.
    Backup {
        dir: PathBuf,
        #[arg(long, env = "FACHWERK_DATA", default_value = "data")]
        data: PathBuf,
        /// Database: postgres://… or sqlite:PATH (default: fachwerk.sqlite3 in the data
        /// directory).
        #[arg(long, env = "FACHWERK_DATABASE")]
        database: Option<String>,
    },
    /// Put a backup made by `fachwerk backup` into a data directory without database and
    /// catalogue (the server is stopped).
    Restore {
        dir: PathBuf,
        #[arg(long, env = "FACHWERK_DATA", default_value = "data")]
        data: PathBuf,
    },
    /// Validate workflow files; exit 0 without errors, 1 with errors, 2 if a file cannot be read.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Semantic diff of two versions; exit 0 without content changes, 1 with, 2 on error.
    /// `fachwerk diff OLD.json NEW.json` or `fachwerk diff --repo DIR KEY 1.0.0 1.1.0`.
    Diff {
        /// Read both versions from this git repository (tags `<key>/v<version>`).
        #[arg(long)]
        repo: Option<PathBuf>,
        /// Two files, or KEY OLD-VERSION NEW-VERSION with --repo.
        #[arg(required = true, num_args = 2..=3)]
        args: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Export a workflow file to BPMN 2.0 (written to standard output).
    Export {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ExportFormat::Bpmn)]
        to: ExportFormat,
        /// The engine the BPMN is meant for; export notes go to standard error.
        #[arg(long, value_enum, default_value_t = EngineArg::Plain)]
        engine: EngineArg,
        /// Camunda 8: the folder the generated forms of the user tasks are written to
        /// (`<form id>.form`, deploy them with the BPMN). Without it the forms' file names are
        /// listed on standard error.
        #[arg(long)]
        forms_dir: Option<PathBuf>,
    },
    /// Import a BPMN 2.0 file: prints the workflow as canonical JSON to standard output and
    /// the import notes to standard error (or everything as JSON with --format json).
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Probelauf: run a case through a workflow and print the trace (route, actors, dates,
    /// refusals). Exit 0 when the case reaches an Ende, 1 when it is refused or blocked (or a
    /// saved case no longer matches), 2 on bad input. The case format is
    /// shared/schema/case.schema.json.
    Simulate {
        file: PathBuf,
        /// The case to run (JSON).
        #[arg(long, required_unless_present = "saved", conflicts_with = "saved")]
        case: Option<PathBuf>,
        /// Rerun the Probefälle saved in the workflow (`testCases`) instead.
        #[arg(long)]
        saved: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the OpenAPI 3.1 document of the HTTP API, as the server serves it at
    /// /api/openapi.json (the handbook's API reference is generated from it).
    Openapi,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    Bpmn,
    Json,
}

/// `--engine` of `fachwerk export`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    /// A faithful drawing, no engine specifics.
    Plain,
    /// Camunda 7 / Operaton.
    Camunda7,
    /// Camunda 8 (Zeebe).
    Camunda8,
}

/// `--role` of `fachwerk user add` (the API's `Role`, which knows nothing of clap).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RoleArg {
    /// Edits drafts and requests publication.
    Editor,
    /// Approves or rejects publication requests.
    Reviewer,
    /// Manages users and settings; may also edit and review.
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Editor => Role::Editor,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account; prints a generated password unless --password-stdin is given.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Data directory.
        #[arg(long, env = "FACHWERK_DATA", default_value = "data")]
        data: PathBuf,
        /// Database: postgres://… or sqlite:PATH (default: fachwerk.sqlite3 in the data
        /// directory).
        #[arg(long, env = "FACHWERK_DATABASE")]
        database: Option<String>,
    },
}

fn parse_date(text: &str) -> Result<fachwerk_shared::values::Date, String> {
    fachwerk_shared::values::Date::parse(text.trim())
        .ok_or_else(|| format!("„{text}“ ist kein Datum der Form JJJJ-MM-TT"))
}

pub(crate) fn parse_land(text: &str) -> Result<fachwerk_shared::Land, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_uppercase()))
        .map_err(|_| format!("„{text}“ ist kein Länderkürzel (BW, BY, BE, …, NW, …, TH)"))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            let ServeArgs {
                addr,
                data,
                database,
                dist,
                docs,
                remote,
                secure_cookies,
                no_secure_cookies,
                allowed_origins,
                trusted_proxies,
                source_roots,
                source_allow_hosts,
                token_lifetime_days,
                catalog_url,
                aktenzeichen,
                today,
                land,
                smtp_url,
                mail_from,
                authority,
                public_url,
                metrics_token,
                log_format,
                oidc,
            } = *args;
            let mut config = Config::new(data);
            config.database = database;
            config.remote_auth = match remote.auth() {
                Ok(auth) => auth,
                Err(e) => {
                    eprintln!("fachwerk: {e}");
                    return ExitCode::from(2);
                }
            };
            let remote = remote.remote;
            if let Some(url) = catalog_url.or_else(|| {
                remote
                    .clone()
                    .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
            }) {
                config.catalog.url = redact(&url);
            }
            config.remote = remote;
            config.secure_cookies = if secure_cookies || no_secure_cookies {
                secure_cookies
            } else {
                crate::server::secure_cookies_by_default(addr)
            };
            config.allowed_origins = allowed_origins;
            config.trusted_proxies = trusted_proxies;
            config.source_roots = source_roots;
            config.source_allow_hosts = source_allow_hosts;
            config.token_lifetime_days = token_lifetime_days;
            config.runtime = crate::cases::RuntimeConfig {
                aktenzeichen,
                today,
                land,
            };
            config.delivery.smtp_url = smtp_url;
            config.delivery.mail_from = mail_from;
            config.delivery.authority = authority;
            config.delivery.public_url = public_url
                .unwrap_or_else(|| format!("http://{addr}"))
                .trim_end_matches('/')
                .to_string();
            config.metrics_token = metrics_token.filter(|t| !t.trim().is_empty());
            match oidc.resolve(&config.delivery.public_url) {
                Ok((sso, local)) => (config.oidc, config.local_accounts) = (sso, local),
                Err(e) => {
                    eprintln!("Fehler: {e:#}");
                    return ExitCode::from(2);
                }
            }
            serve(addr, config, dist, docs, log_format)
        }
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    password_stdin,
                    data,
                    database,
                },
        } => maintenance::add_user(
            &name,
            role.into(),
            password_stdin,
            &data,
            database.as_deref(),
        ),
        Command::Case { command } => crate::case_cli::main(command),
        Command::Catalog { command } => crate::catalog_cli::main(command),
        Command::Backup {
            dir,
            data,
            database,
        } => maintenance::backup(&dir, &data, database.as_deref()),
        Command::Restore { dir, data } => maintenance::restore(&dir, &data),
        Command::Validate { files, format } => validate_cli::validate_files(&files, format),
        Command::Diff { repo, args, format } => diff_command(repo.as_deref(), &args, format),
        Command::Export {
            file,
            to,
            engine,
            forms_dir,
        } => export_command(&file, to, engine, forms_dir.as_deref()),
        Command::Import { file, format } => tools::import_bpmn(&file, format),
        Command::Simulate {
            file,
            case,
            saved,
            format,
        } => match (case, saved) {
            (Some(case), _) => tools::simulate_case(&file, &case, format),
            (None, _) => tools::run_saved_cases(&file, format),
        },
        Command::Openapi => tools::print_openapi(),
    }
}

fn diff_command(repo: Option<&std::path::Path>, args: &[String], format: Format) -> ExitCode {
    let (old, new) = match (repo, args) {
        (None, [a, b]) => match (
            tools::read_workflow(a.as_ref()),
            tools::read_workflow(b.as_ref()),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(code), _) | (_, Err(code)) => return code,
        },
        (Some(dir), [key, v1, v2]) => {
            let read = |v: &str| -> Result<fachwerk_shared::Workflow, String> {
                let repo = crate::repo::Repo::open_existing(dir).map_err(|e| format!("{e:#}"))?;
                let v = v.trim_start_matches('v');
                let text = repo
                    .version(key, v)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("{key} has no version {v} in {}", dir.display()))?;
                fachwerk_shared::parse_workflow(&text).map_err(|e| format!("{key} {v}: {e}"))
            };
            match (read(v1), read(v2)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("fachwerk diff: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        _ => {
            eprintln!("fachwerk diff: expected OLD NEW, or --repo DIR KEY OLD-VERSION NEW-VERSION");
            return ExitCode::from(2);
        }
    };
    tools::diff_workflows(&old, &new, format)
}

fn export_command(
    file: &std::path::Path,
    to: ExportFormat,
    engine: EngineArg,
    forms_dir: Option<&std::path::Path>,
) -> ExitCode {
    use fachwerk_shared::bpmn::Engine;
    match to {
        ExportFormat::Bpmn => {
            let engine = match engine {
                EngineArg::Plain => Engine::Plain,
                EngineArg::Camunda7 => Engine::Camunda7,
                EngineArg::Camunda8 => Engine::Camunda8,
            };
            tools::export_bpmn(file, engine, forms_dir)
        }
        ExportFormat::Json => tools::export_json(file),
    }
}

fn serve(
    addr: SocketAddr,
    mut config: Config,
    dist: Option<PathBuf>,
    docs: PathBuf,
    log_format: LogFormat,
) -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match log_format {
        LogFormat::Text => logs.init(),
        // One JSON object per line, the span fields (request id, route) flattened into it.
        LogFormat::Json => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fachwerk: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match (dist, crate::frontend::built_in()) {
        (None, Some(built_in)) => config.embedded_dist = Some(built_in),
        (dist, _) => {
            let dist = dist.unwrap_or_else(|| PathBuf::from("dist"));
            if dist.join("index.html").is_file() {
                config.dist_dir = Some(dist);
            } else {
                eprintln!(
                    "fachwerk: no built frontend at {}/index.html and none built in – serving the API only (build it with `cargo xtask run`, or the one-file server with `cargo xtask dist`)",
                    dist.display()
                );
            }
        }
    }
    // Mounted even when not built yet: `cargo xtask run` builds the book after the server
    // starts, and /hilfe/ says so until then.
    if !docs.join("index.html").is_file() {
        eprintln!(
            "fachwerk: no built handbook at {}/index.html yet – /hilfe/ answers once it is there (build it with `cargo xtask docs`)",
            docs.display()
        );
    }
    config.docs_dir = Some(docs);
    match runtime.block_on(run_server(addr, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fachwerk: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run_server(addr: SocketAddr, config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    let state = tokio::task::block_in_place(|| AppState::open(config))?;
    println!(
        "Fachwerk läuft auf http://{local}/  (Daten: {})",
        state.config.data_dir.display()
    );
    let timers = tokio::spawn(state.cases.clone().timer_worker());
    let deliveries = tokio::spawn(state.deliveries.clone().worker());
    let app = crate::api::app(state);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    crate::server::serve(listener, app, crate::server::HEADER_READ_TIMEOUT, shutdown).await?;
    timers.abort();
    deliveries.abort();
    Ok(())
}
