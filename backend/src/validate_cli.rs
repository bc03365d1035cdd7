//! `fachwerk validate FILE…`: the findings of workflow files, as text for people or JSON for
//! a CI pipeline; the exit code says whether any error was found (1) or a file was unreadable (2).

use std::path::PathBuf;
use std::process::ExitCode;

use fachwerk_shared::api::FindingCounts;
use fachwerk_shared::{parse_workflow, validate, Finding, Severity};

use crate::tools::Format;

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

pub fn validate_files(files: &[PathBuf], format: Format) -> ExitCode {
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
                eprintln!(
                    "{name}:{}:{}: not a workflow at `{}`: {}",
                    e.line, e.column, e.path, e.message
                );
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
        println!(
            "{}",
            serde_json::to_string_pretty(&json_out).unwrap_or_default()
        );
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
    let FindingCounts { errors, warnings } = FindingCounts::of(findings);
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
