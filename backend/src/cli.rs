//! The `fachwerk` command line: `serve` plus tools usable in a municipality's CI pipeline.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use fachwerk_shared::{parse_workflow, validate, Finding, Severity};

use crate::config::{AppState, Config};

#[derive(Parser)]
#[command(name = "fachwerk", version, about = "Fachwerk – Abläufe der Verwaltung gestalten, prüfen und veröffentlichen")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server (designer + API).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "FACHWERK_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Data directory (created on first start).
        #[arg(long, env = "FACHWERK_DATA", default_value = "data")]
        data: PathBuf,
        /// Built frontend to serve (Trunk's dist/).
        #[arg(long, env = "FACHWERK_DIST", default_value = "dist")]
        dist: PathBuf,
    },
    /// Validate workflow files; exit 0 without errors, 1 with errors, 2 if a file cannot be read.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { addr, data, dist } => serve(addr, data, dist),
        Command::Validate { files, format } => validate_files(&files, format),
    }
}

fn serve(addr: SocketAddr, data: PathBuf, dist: PathBuf) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info")),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fachwerk: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let mut config = Config::new(data);
    if dist.join("index.html").is_file() {
        config.dist_dir = Some(dist);
    } else {
        eprintln!(
            "fachwerk: no built frontend at {}/index.html – serving the API only (build it with `cargo xtask run`)",
            dist.display()
        );
    }
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
    let state = AppState::new(config);
    println!("Fachwerk läuft auf http://{local}/  (Daten: {})", state.config.data_dir.display());
    let app = crate::api::app(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// One finding as printed by `fachwerk validate --format json`.
#[derive(serde::Serialize)]
struct FileFinding<'a> {
    file: String,
    code: &'a str,
    severity: Severity,
    element: &'a fachwerk_shared::Element,
    message_de: &'a str,
    message_en: &'a str,
}

fn validate_files(files: &[PathBuf], format: Format) -> ExitCode {
    let mut any_error = false;
    let mut unreadable = false;
    let mut json_out = Vec::new();
    let mut results: Vec<(String, Vec<Finding>)> = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{name}: cannot read: {e}");
                unreadable = true;
                continue;
            }
        };
        match parse_workflow(&text) {
            Ok(w) => {
                let findings = validate(&w);
                any_error |= findings.iter().any(Finding::is_error);
                results.push((name, findings));
            }
            Err(e) => {
                eprintln!("{name}:{}:{}: not a workflow at `{}`: {}", e.line, e.column, e.path, e.message);
                unreadable = true;
            }
        }
    }
    for (name, findings) in &results {
        match format {
            Format::Text => print_text(name, findings),
            Format::Json => json_out.extend(findings.iter().map(|f| FileFinding {
                file: name.clone(),
                code: &f.code,
                severity: f.severity,
                element: &f.element,
                message_de: &f.message_de,
                message_en: &f.message_en,
            })),
        }
    }
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&json_out).unwrap_or_default());
    }
    if unreadable {
        ExitCode::from(2)
    } else if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_text(name: &str, findings: &[Finding]) {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
    println!("{name}: {errors} Fehler, {warnings} Warnungen");
    for f in findings {
        let sev = match f.severity {
            Severity::Error => "Fehler",
            Severity::Warning => "Warnung",
            Severity::Info => "Hinweis",
        };
        let at = describe_element(&f.element);
        println!("  {sev} {} {at}: {}", f.code, f.message_de);
        if let Some(h) = &f.hint_de {
            println!("    → {h}");
        }
    }
}

fn describe_element(e: &fachwerk_shared::Element) -> String {
    let mut parts = Vec::new();
    if let Some(b) = &e.block {
        parts.push(format!("Baustein {b}"));
    }
    if let Some(p) = &e.port {
        parts.push(format!("Ausgang {p}"));
    }
    if let Some(p) = &e.param {
        parts.push(format!("Parameter {p}"));
    }
    if let Some(x) = &e.edge {
        parts.push(format!("Verbindung {x}"));
    }
    if let Some(r) = &e.role {
        parts.push(format!("Rolle {r}"));
    }
    if let Some(f) = &e.field {
        parts.push(format!("Feld {f}"));
    }
    if parts.is_empty() {
        "(Ablauf)".into()
    } else {
        format!("({})", parts.join(", "))
    }
}
