//! Command-line tools over workflow files: diff, BPMN export/import, Probelauf.
//! Exit codes follow the CLI convention: 0 = nothing to report, 1 = findings/changes/refusal,
//! 2 = bad input.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use fachwerk_shared::diff::{diff, Impact, LayoutChange, WorkflowDiff};
use fachwerk_shared::simulate::{run_test_cases, simulate_scripted, CaseInput, Outcome};
use fachwerk_shared::{parse_workflow, Workflow};

/// Output format of the tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Reads and parses a workflow file, printing a precise error on failure.
pub fn read_workflow(path: &Path) -> Result<Workflow, ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("{}: cannot read: {e}", path.display());
        ExitCode::from(2)
    })?;
    parse_workflow(&text).map_err(|e| {
        eprintln!(
            "{}:{}:{}: not a workflow at `{}`: {}",
            path.display(),
            e.line,
            e.column,
            e.path,
            e.message
        );
        ExitCode::from(2)
    })
}

/// `fachwerk diff OLD NEW`: exit 0 without content changes, 1 with content changes.
pub fn diff_workflows(old: &Workflow, new: &Workflow, format: Format) -> ExitCode {
    let d = diff(old, new);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&d).unwrap_or_default()),
        Format::Text => print_diff(old, new, &d),
    }
    if d.has_content_changes() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_diff(old: &Workflow, new: &Workflow, d: &WorkflowDiff) {
    let next = d.bump.apply(&old.version).unwrap_or_else(|| "?".into());
    println!(
        "{} {} → {}: {} inhaltliche Änderungen, {} Layout-Änderungen",
        new.key,
        old.version,
        new.version,
        d.changes.len(),
        d.layout.len()
    );
    println!("Vorschlag: {} → Version {next}", d.bump.name_de());
    for c in &d.changes {
        let mark = match c.impact {
            Impact::Breaking => "!",
            Impact::Feature => "+",
            Impact::Fix => "~",
        };
        println!("  {mark} {}", c.message_de);
    }
    if !d.layout.is_empty() {
        println!("  Layout (nicht inhaltlich):");
        for l in &d.layout {
            match l {
                LayoutChange::BlockMoved { block, .. } => {
                    println!("    · „{}“ verschoben", new.block_label(block))
                }
                LayoutChange::BlockResized { block, .. } => {
                    println!("    · „{}“ in der Größe geändert", new.block_label(block))
                }
                LayoutChange::EdgeWaypointsChanged { edge, .. } => {
                    println!("    · Verbindung {edge} anders geführt")
                }
            }
        }
    }
}

/// `fachwerk import FILE.bpmn`: exit 0 when imported (notes or not), 2 when the file is refused.
pub fn import_bpmn(path: &Path, format: Format) -> ExitCode {
    let xml = match std::fs::read_to_string(path) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    match fachwerk_shared::bpmn::from_bpmn(&xml) {
        Ok((w, notes)) => {
            match format {
                Format::Json => {
                    let out = serde_json::json!({ "workflow": w, "notes": notes });
                    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
                }
                Format::Text => {
                    // Buffered: a 10,000-element file gives 10 MB of JSON and thousands of
                    // notes (unbuffered standard error took several system calls a note).
                    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
                    if let Err(e) = fachwerk_shared::write_canonical_json(&w, stdout) {
                        eprintln!("{}: cannot write the workflow: {e}", path.display());
                        return ExitCode::from(2);
                    }
                    let mut stderr = std::io::BufWriter::new(std::io::stderr().lock());
                    for n in &notes {
                        // Standard error going away only loses notes.
                        let _ = writeln!(
                            stderr,
                            "{}:{}: Hinweis zu {} „{}“: {}",
                            path.display(),
                            n.line,
                            n.element_type,
                            n.element_id,
                            n.message_de
                        );
                    }
                    let _ = stderr.flush();
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {}", path.display(), e.message_de());
            ExitCode::from(2)
        }
    }
}

/// `fachwerk simulate FILE --case CASE.json`: exit 0 when the case reaches an Ende, 1 when it
/// is refused or blocked, 2 when the workflow or the case cannot be read or does not fit.
pub fn simulate_case(file: &Path, case: &Path, format: Format) -> ExitCode {
    let w = match read_workflow(file) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let text = match std::fs::read_to_string(case) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", case.display());
            return ExitCode::from(2);
        }
    };
    let input: CaseInput = match serde_json::from_str(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "{}:{}:{}: kein Probefall (not a case): {e}",
                case.display(),
                e.line(),
                e.column()
            );
            return ExitCode::from(2);
        }
    };
    if let Err(e) = input.check(&w) {
        eprintln!(
            "{}: {}: {} / {}",
            case.display(),
            e.path,
            e.message_de,
            e.message_en
        );
        return ExitCode::from(2);
    }
    let trace = simulate_scripted(&w, &input);
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&trace).unwrap_or_default()
        ),
        Format::Text => print!("{}", trace.render_de()),
    }
    match trace.outcome {
        Outcome::Ended { .. } => ExitCode::SUCCESS,
        Outcome::Refused { .. } | Outcome::Blocked { .. } => ExitCode::from(1),
    }
}

/// `fachwerk simulate FILE --saved`: reruns the workflow's Probefälle; exit 1 when one no
/// longer takes its recorded route or outcome.
pub fn run_saved_cases(file: &Path, format: Format) -> ExitCode {
    let w = match read_workflow(file) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let results = run_test_cases(&w);
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&results).unwrap_or_default()
        ),
        Format::Text => {
            if results.is_empty() {
                println!("{}: keine Probefälle gespeichert", file.display());
            }
            for r in &results {
                if r.passed {
                    println!("ok      {}", r.name);
                } else {
                    println!("FEHLER  {}: {}", r.name, r.message_de);
                }
            }
        }
    }
    if results.iter().all(|r| r.passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `fachwerk export --to bpmn`: the BPMN on standard output, the export notes on standard
/// error; Camunda 8's forms into `forms_dir` (without it their names are listed, so nothing is
/// left out silently).
pub fn export_bpmn(
    file: &Path,
    engine: fachwerk_shared::bpmn::Engine,
    forms_dir: Option<&Path>,
) -> ExitCode {
    let w = match read_workflow(file) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let export = fachwerk_shared::bpmn::to_bpmn_export(&w, engine);
    if let Some(dir) = forms_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!(
                "Ordner {} nicht anlegbar / cannot create: {e}",
                dir.display()
            );
            return ExitCode::from(2);
        }
        for form in &export.forms {
            let path = dir.join(form.file_name());
            if let Err(e) = std::fs::write(&path, &form.json) {
                eprintln!("{} nicht schreibbar / cannot write: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    } else if !export.forms.is_empty() {
        let names: Vec<String> = export.forms.iter().map(|f| f.file_name()).collect();
        eprintln!(
            "Formulare (mit --forms-dir schreiben) / forms (write them with --forms-dir): {}",
            names.join(", ")
        );
    }
    print!("{}", export.xml);
    for n in export.notes {
        eprintln!("{}: {} / {}", n.block_id, n.message_de, n.message_en);
    }
    ExitCode::SUCCESS
}

/// `fachwerk export --to json`: the canonical JSON on standard output.
pub fn export_json(file: &Path) -> ExitCode {
    match read_workflow(file) {
        Ok(w) => {
            print!("{}", fachwerk_shared::to_canonical_json(&w));
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// `fachwerk openapi`: the served OpenAPI document on standard output.
pub fn print_openapi() -> ExitCode {
    match serde_json::to_string_pretty(crate::openapi::document()) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("OpenAPI-Dokument nicht schreibbar / cannot write the OpenAPI document: {e}");
            ExitCode::from(2)
        }
    }
}
