//! The heavy work the designer hands to its Web Worker (`src/bin/fachwerk-worker.rs`):
//! validating a large workflow, importing a file, the BPMN exports, comparing two versions,
//! the Probelauf (one case, the saved Probefälle) and the path of a case on the Vorgang screen.
//! A job travels as JSON text, its reply as the job's id and the reply's JSON text, which the
//! page reads as the job's output type ([`Reply`]); [`Worker::answer`] is the whole of the
//! worker's logic, so it is unit-tested here natively. Browser, worker and server run the same
//! `fachwerk_shared` code.
//!
//! The live check keeps a copy of the edited workflow in the worker ([`Job::Check`]); after
//! that the page sends only the edits ([`Job::CheckEdits`], the same `Op`s the editor applied),
//! not thousands of blocks per keystroke. A copy that is not where the edits start is dropped
//! and the page sends the whole workflow again ([`Reply::Resend`]).
//!
//! Only the worker links [`Worker::answer`]: BPMN import and export (with quick-xml), the engine
//! dialects, the diff and the simulation engine (`fachwerk_shared::simulate`, also behind
//! `engine::trace`) stay out of the page's first load (issue 22). When the worker cannot
//! run, every job is [`Reply::Unavailable`]; the page then validates itself
//! (`editor::checks`), the other jobs are not available.
//!
//! The enums travel in serde's default form (`{"validate": {"workflow": …}}`), not with a
//! `"kind"` field inside: reading an internally tagged enum buffers the value first, which
//! linked a second deserializer of the workflow, the trace and the diff into the page (−41 KB
//! gzip). Page and worker are built from this file together, so the form is private to them.

use fachwerk_shared::bpmn::{from_bpmn, to_bpmn_export, Engine, ImportNote};
use fachwerk_shared::diff::diff;
use fachwerk_shared::engine::{self, State};
use fachwerk_shared::simulate::{simulate_scripted, CaseInput, Trace};
use fachwerk_shared::{apply, parse_workflow, validate, Finding, Op, Workflow};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::pure::probelauf::run_cases;

/// Workflows with at least this many blocks are validated in the worker; smaller ones on the
/// page at once (instant feedback, no round trip).
pub const WORKER_MIN_BLOCKS: usize = 500;

/// The worker's first message: it is listening (messages sent before would be lost).
pub const READY: &str = "\"ready\"";

/// A job as the page sends it (borrowing the workflow it serializes).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Job<'a> {
    /// Validates `workflow`; the worker keeps it as its copy at `version`. Output:
    /// `Vec<Finding>` (also of `CheckEdits`).
    Check {
        version: u64,
        workflow: &'a Workflow,
    },
    /// Applies `ops` to the worker's copy at `base` and validates the result, which becomes
    /// the copy at `version`.
    CheckEdits {
        base: u64,
        version: u64,
        ops: &'a [Op],
    },
    /// Output: [`Imported`] (also of `ImportFile`).
    Import { name: &'a str, text: &'a str },
    /// A file to import that travels beside the message as a `File` and is read by the worker
    /// (see [`Worker::answer_with_file`]): the page never copies a large file's text.
    ImportFile { name: &'a str },
    /// BPMN for `engine` (`plain`, `camunda7`, `camunda8`; see `Engine::from_name`). Output:
    /// [`Exported`].
    Export {
        workflow: &'a Workflow,
        engine: &'a str,
    },
    /// What changed from `old` to `new`. Output: `Box<WorkflowDiff>`.
    Diff {
        old: &'a Workflow,
        new: &'a Workflow,
    },
    /// A Probelauf: `input` through `workflow`, the decisions scripted by the input. Output:
    /// `Box<WireTrace>`.
    Simulate {
        workflow: &'a Workflow,
        input: &'a CaseInput,
    },
    /// Reruns the saved Probefälle of `workflow`. Output: `Vec<CaseResult>`, in their order.
    RunCases { workflow: &'a Workflow },
    /// The path of a case so far: `state` is the case engine's state as the server sent it.
    /// Output: `Option<Box<WireTrace>>`, `None` when the engine cannot replay the state
    /// against the workflow.
    CaseTrace {
        workflow: &'a Workflow,
        state: &'a serde_json::Value,
    },
}

/// The same job as the worker reads it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum OwnedJob {
    Check {
        version: u64,
        workflow: Workflow,
    },
    CheckEdits {
        base: u64,
        version: u64,
        ops: Vec<Op>,
    },
    Import {
        name: String,
        text: String,
    },
    ImportFile {
        name: String,
    },
    Export {
        workflow: Workflow,
        engine: String,
    },
    Diff {
        old: Box<Workflow>,
        new: Box<Workflow>,
    },
    Simulate {
        workflow: Box<Workflow>,
        input: Box<CaseInput>,
    },
    RunCases {
        workflow: Box<Workflow>,
    },
    CaseTrace {
        workflow: Box<Workflow>,
        state: serde_json::Value,
    },
}

impl OwnedJob {
    fn as_job(&self) -> Job<'_> {
        match self {
            OwnedJob::Check { version, workflow } => Job::Check {
                version: *version,
                workflow,
            },
            OwnedJob::CheckEdits { base, version, ops } => Job::CheckEdits {
                base: *base,
                version: *version,
                ops,
            },
            OwnedJob::Import { name, text } => Job::Import { name, text },
            OwnedJob::ImportFile { name } => Job::ImportFile { name },
            OwnedJob::Export { workflow, engine } => Job::Export { workflow, engine },
            OwnedJob::Diff { old, new } => Job::Diff { old, new },
            OwnedJob::Simulate { workflow, input } => Job::Simulate { workflow, input },
            OwnedJob::RunCases { workflow } => Job::RunCases { workflow },
            OwnedJob::CaseTrace { workflow, state } => Job::CaseTrace { workflow, state },
        }
    }
}

/// A note of an engine export on the wire: the block concerned (empty: the whole workflow)
/// and what the engine cannot enforce there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportNote {
    pub block_id: String,
    pub message_de: String,
    pub message_en: String,
}

/// A file that goes with an export (a Camunda 8 form): its name and content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub name: String,
    pub text: String,
}

/// An import note on the wire (`ImportNote` is only `Serialize`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub element_id: String,
    pub element_type: String,
    pub line: usize,
    pub message_de: String,
    pub message_en: String,
}

impl From<ImportNote> for Note {
    fn from(n: ImportNote) -> Note {
        Note {
            element_id: n.element_id,
            element_type: n.element_type,
            line: n.line,
            message_de: n.message_de,
            message_en: n.message_en,
        }
    }
}

impl From<Note> for ImportNote {
    fn from(n: Note) -> ImportNote {
        ImportNote {
            element_id: n.element_id,
            element_type: n.element_type,
            line: n.line,
            message_de: n.message_de,
            message_en: n.message_en,
        }
    }
}

/// A trace on the wire. `Trace` serializes without the English labels of its steps (the JSON
/// trace of the server and the CLI stays as it was), so they travel beside it, one
/// (label, block type) pair per step; [`WireTrace::into_trace`] puts them back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireTrace {
    pub trace: Trace,
    pub english: Vec<(String, String)>,
}

impl From<Trace> for WireTrace {
    fn from(trace: Trace) -> WireTrace {
        let english = trace
            .steps
            .iter()
            .map(|s| (s.label_en.clone(), s.block_type_en.clone()))
            .collect();
        WireTrace { trace, english }
    }
}

impl WireTrace {
    /// The trace with its English labels, as the worker computed it.
    pub fn into_trace(self) -> Trace {
        let mut trace = self.trace;
        for (step, (label, block_type)) in trace.steps.iter_mut().zip(self.english) {
            step.label_en = label;
            step.block_type_en = block_type;
        }
        trace
    }
}

/// What the worker answers to a job: its output `T`, or why there is none. Each job has its
/// own output (see [`Job`]), and the page reads a reply as the output of the job it sent: the
/// code that reads a Probelauf's trace is in the Probelauf panel, not in the page's first load
/// (issue 22).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Reply<T> {
    Done(T),
    /// The message itself could not be read (a defect of the page, not of the user's input).
    BadRequest {
        message: String,
    },
    /// The worker cannot run in this browser.
    Unavailable,
    /// The worker's copy is not at the edits' base, or an edit did not apply to it: send the
    /// whole workflow ([`Job::Check`]).
    Resend,
}

/// The output of an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Imported {
    Read {
        workflow: Box<Workflow>,
        notes: Vec<Note>,
    },
    /// The file is no workflow: why, in German and English.
    Failed { de: String, en: String },
}

/// The output of an export: the BPMN, its notes and the files that go with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exported {
    pub xml: String,
    pub notes: Vec<ExportNote>,
    pub files: Vec<ExportFile>,
}

/// What the page says when a job found no worker (German, English).
pub const UNAVAILABLE: (&str, &str) = (
    "Diese Funktion braucht einen Web Worker, den der Browser nicht starten konnte. Bitte die Seite neu laden oder einen anderen Browser verwenden.",
    "This needs a Web Worker, which the browser could not start. Please reload the page or use another browser.",
);

#[derive(Serialize)]
struct RequestOut<'a> {
    id: u64,
    job: &'a Job<'a>,
}

#[derive(Deserialize)]
struct RequestIn {
    id: u64,
    job: OwnedJob,
}

/// Only the id of a request that could not be read as a whole.
#[derive(Deserialize)]
struct IdOnly {
    id: u64,
}

/// The message for job `id`.
pub fn request(id: u64, job: &Job<'_>) -> Result<String, String> {
    serde_json::to_string(&RequestOut { id, job }).map_err(|e| e.to_string())
}

/// The worker's state between messages: its copy of the workflow being edited, at a version
/// the page counts.
#[derive(Debug, Default)]
pub struct Worker {
    copy: Option<(u64, Workflow)>,
}

impl Worker {
    /// The answer to one message: the job's id (0 when unreadable) and its reply's text.
    /// Never panics, whatever the text.
    pub fn answer(&mut self, message: &str) -> (u64, String) {
        match serde_json::from_str::<RequestIn>(message) {
            Ok(r) => (r.id, self.run(r.job)),
            Err(e) => (
                serde_json::from_str::<IdOnly>(message).map_or(0, |r| r.id),
                bad_request(e.to_string()),
            ),
        }
    }

    /// The answer to a message whose job is [`Job::ImportFile`], with the file's `text` as the
    /// worker read it (`None`: it could not be read); any other job is answered as by
    /// [`Worker::answer`].
    pub fn answer_with_file(&mut self, message: &str, text: Option<&str>) -> (u64, String) {
        match serde_json::from_str::<RequestIn>(message) {
            Ok(RequestIn {
                id,
                job: OwnedJob::ImportFile { name },
            }) => {
                let reply = match text {
                    Some(text) => return (id, run(&Job::Import { name: &name, text })),
                    None => Imported::Failed {
                        de: format!("Die Datei „{name}“ konnte nicht gelesen werden."),
                        en: format!("The file “{name}” could not be read."),
                    },
                };
                (id, reply_text(&Reply::Done(reply)))
            }
            _ => self.answer(message),
        }
    }

    fn run(&mut self, job: OwnedJob) -> String {
        match job {
            OwnedJob::Check { version, workflow } => {
                let findings = validate(&workflow);
                self.copy = Some((version, workflow));
                reply_text(&Reply::Done(findings))
            }
            OwnedJob::CheckEdits { base, version, ops } => {
                reply_text(&self.check_edits(base, version, ops))
            }
            other => run(&other.as_job()),
        }
    }

    fn check_edits(&mut self, base: u64, version: u64, ops: Vec<Op>) -> Reply<Vec<Finding>> {
        // Taken out: a copy an edit fails on is half-edited and must not stay.
        let Some((at, mut workflow)) = self.copy.take() else {
            return Reply::Resend;
        };
        if at != base || ops.into_iter().any(|op| apply(&mut workflow, op).is_err()) {
            return Reply::Resend;
        }
        let findings = validate(&workflow);
        self.copy = Some((version, workflow));
        Reply::Done(findings)
    }
}

fn reply_text<T: Serialize>(reply: &Reply<T>) -> String {
    serde_json::to_string(reply).unwrap_or_else(|e| bad_request(e.to_string()))
}

fn bad_request(message: String) -> String {
    reply_text(&Reply::<()>::BadRequest { message })
}

/// Reads a reply's text as the reply to a job whose output is `T`.
pub fn read_reply<T: DeserializeOwned>(text: &str) -> Reply<T> {
    serde_json::from_str(text).unwrap_or_else(|e| Reply::BadRequest {
        message: e.to_string(),
    })
}

/// The reply's text to a job that needs no state of the worker (edits to check need its copy:
/// [`Reply::Resend`]).
pub fn run(job: &Job<'_>) -> String {
    match job {
        Job::Check { workflow, .. } => reply_text(&Reply::Done(validate(workflow))),
        Job::CheckEdits { .. } => reply_text(&Reply::<Vec<Finding>>::Resend),
        Job::Import { name, text } => reply_text(&Reply::Done(match import_text(name, text) {
            Ok((workflow, notes)) => Imported::Read {
                workflow: Box::new(workflow),
                notes: notes.into_iter().map(Note::from).collect(),
            },
            Err((de, en)) => Imported::Failed { de, en },
        })),
        Job::ImportFile { .. } => {
            bad_request("the file to import did not come with the job".into())
        }
        Job::Export { workflow, engine } => match Engine::from_name(engine) {
            Some(engine) => reply_text(&Reply::Done(export(workflow, engine))),
            None => bad_request(format!("unknown engine {engine:?}")),
        },
        Job::Diff { old, new } => reply_text(&Reply::Done(Box::new(diff(old, new)))),
        Job::Simulate { workflow, input } => reply_text(&Reply::Done(Box::new(WireTrace::from(
            simulate_scripted(workflow, input),
        )))),
        Job::RunCases { workflow } => reply_text(&Reply::Done(run_cases(workflow))),
        Job::CaseTrace { workflow, state } => match State::deserialize(*state) {
            Ok(state) => reply_text(&Reply::Done(
                engine::trace(workflow, &state)
                    .ok()
                    .map(|t| Box::new(WireTrace::from(t))),
            )),
            Err(e) => bad_request(format!("case state: {e}")),
        },
    }
}

fn export(w: &Workflow, engine: Engine) -> Exported {
    let e = to_bpmn_export(w, engine);
    Exported {
        xml: e.xml,
        notes: e
            .notes
            .into_iter()
            .map(|n| ExportNote {
                block_id: n.block_id,
                message_de: n.message_de,
                message_en: n.message_en,
            })
            .collect(),
        files: e
            .forms
            .into_iter()
            .map(|f| ExportFile {
                name: f.file_name(),
                text: f.json,
            })
            .collect(),
    }
}

/// BPMN if the text looks like XML, else canonical JSON.
pub fn looks_like_xml(name: &str, text: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".bpmn")
        || lower.ends_with(".xml")
        || text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('<')
}

/// Parses a chosen file into a workflow and the import notes; else why not (German, English).
pub fn import_text(
    name: &str,
    text: &str,
) -> Result<(Workflow, Vec<ImportNote>), (String, String)> {
    if looks_like_xml(name, text) {
        from_bpmn(text).map_err(|e| (e.message_de(), e.message_en()))
    } else {
        import_json(text).map(|w| (w, Vec::new()))
    }
}

/// Parses a chosen JSON file (the page does this itself: it is as fast there, without a copy,
/// and links no BPMN code).
pub fn import_json(text: &str) -> Result<Workflow, (String, String)> {
    parse_workflow(text).map_err(|e| {
        let at = if e.path.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.path)
        };
        (
            format!(
                "Die Datei ist kein gültiger Ablauf (JSON): {}{at}",
                e.message
            ),
            format!("The file is not a valid workflow (JSON): {}{at}", e.message),
        )
    })
}

#[cfg(test)]
#[path = "jobs_tests.rs"]
mod tests;
