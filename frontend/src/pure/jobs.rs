//! The heavy work the designer hands to its Web Worker (`src/bin/fachwerk-worker.rs`):
//! validating a large workflow and importing a file. Jobs and replies travel as JSON text;
//! [`answer`] is the whole of the worker's logic, so it is unit-tested here natively, and the
//! page runs the very same function when the worker cannot start. Browser, worker and server
//! run the same `fachwerk_shared` code.

use fachwerk_shared::bpmn::{from_bpmn, ImportNote};
use fachwerk_shared::{parse_workflow, validate, Finding, Workflow};
use serde::{Deserialize, Serialize};

/// Workflows with at least this many blocks are validated in the worker; smaller ones on the
/// page at once (instant feedback, no round trip).
pub const WORKER_MIN_BLOCKS: usize = 500;

/// The worker's first message: it is listening (messages sent before would be lost).
pub const READY: &str = "\"ready\"";

/// A job as the page sends it (borrowing the workflow it serializes).
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Job<'a> {
    Validate { workflow: &'a Workflow },
    Import { name: &'a str, text: &'a str },
}

/// The same job as the worker reads it.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum OwnedJob {
    Validate { workflow: Workflow },
    Import { name: String, text: String },
}

impl OwnedJob {
    fn as_job(&self) -> Job<'_> {
        match self {
            OwnedJob::Validate { workflow } => Job::Validate { workflow },
            OwnedJob::Import { name, text } => Job::Import { name, text },
        }
    }
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

/// What a job produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Reply {
    Findings {
        findings: Vec<Finding>,
    },
    Imported {
        workflow: Box<Workflow>,
        notes: Vec<Note>,
    },
    /// The file is no workflow: why, in German and English.
    ImportFailed {
        de: String,
        en: String,
    },
    /// The message itself could not be read (a defect of the page, not of the user's input).
    BadRequest {
        message: String,
    },
}

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

#[derive(Serialize)]
struct ReplyOut<'a> {
    id: u64,
    reply: &'a Reply,
}

#[derive(Deserialize)]
struct ReplyIn {
    id: u64,
    reply: Reply,
}

/// The message for job `id`.
pub fn request(id: u64, job: &Job<'_>) -> Result<String, String> {
    serde_json::to_string(&RequestOut { id, job }).map_err(|e| e.to_string())
}

/// The worker's answer to one message: never panics, whatever the text.
pub fn answer(message: &str) -> String {
    let (id, reply) = match serde_json::from_str::<RequestIn>(message) {
        Ok(r) => (r.id, run(&r.job.as_job())),
        Err(e) => (
            serde_json::from_str::<IdOnly>(message).map_or(0, |r| r.id),
            Reply::BadRequest {
                message: e.to_string(),
            },
        ),
    };
    serde_json::to_string(&ReplyOut { id, reply: &reply }).unwrap_or_else(|e| {
        let bad = Reply::BadRequest {
            message: e.to_string(),
        };
        serde_json::to_string(&ReplyOut { id, reply: &bad }).unwrap_or_default()
    })
}

/// Reads a reply message: (job id, reply).
pub fn read_reply(message: &str) -> Result<(u64, Reply), String> {
    serde_json::from_str::<ReplyIn>(message)
        .map(|r| (r.id, r.reply))
        .map_err(|e| e.to_string())
}

/// Does the job.
pub fn run(job: &Job<'_>) -> Reply {
    match job {
        Job::Validate { workflow } => Reply::Findings {
            findings: validate(workflow),
        },
        Job::Import { name, text } => match import_text(name, text) {
            Ok((workflow, notes)) => Reply::Imported {
                workflow: Box::new(workflow),
                notes: notes.into_iter().map(Note::from).collect(),
            },
            Err((de, en)) => Reply::ImportFailed { de, en },
        },
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
        parse_workflow(text).map(|w| (w, Vec::new())).map_err(|e| {
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
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use fachwerk_shared::bpmn::to_bpmn;
    use fachwerk_shared::generate::synthetic;

    fn round_trip(id: u64, job: &Job<'_>) -> Reply {
        let msg = request(id, job).unwrap();
        let (got, reply) = read_reply(&answer(&msg)).unwrap();
        assert_eq!(got, id);
        reply
    }

    #[test]
    fn validation_in_the_worker_finds_what_validate_finds() {
        let mut w = synthetic(600, 3);
        // Break it: an exit without a connection is an error.
        w.edges.remove(5);
        let expected = validate(&w);
        assert!(expected.iter().any(Finding::is_error));
        assert_eq!(
            round_trip(7, &Job::Validate { workflow: &w }),
            Reply::Findings { findings: expected }
        );
    }

    #[test]
    fn a_bpmn_import_in_the_worker_gives_the_workflow_and_its_notes() {
        let w = synthetic(40, 2);
        let xml = to_bpmn(&w);
        let (direct, notes) = from_bpmn(&xml).unwrap();
        match round_trip(
            1,
            &Job::Import {
                name: "a.bpmn",
                text: &xml,
            },
        ) {
            Reply::Imported {
                workflow,
                notes: got,
            } => {
                assert_eq!(*workflow, direct);
                let got: Vec<ImportNote> = got.into_iter().map(ImportNote::from).collect();
                assert_eq!(got, notes);
            }
            other => panic!("unexpected reply {other:?}"),
        }
    }

    #[test]
    fn a_broken_file_is_reported_in_both_languages() {
        let reply = round_trip(
            2,
            &Job::Import {
                name: "kaputt.bpmn",
                text: "<definitions><process",
            },
        );
        let Reply::ImportFailed { de, en } = reply else {
            panic!("unexpected reply {reply:?}");
        };
        assert!(!de.is_empty() && !en.is_empty());
        let reply = round_trip(
            3,
            &Job::Import {
                name: "kaputt.json",
                text: "{\"blocks\": 3}",
            },
        );
        let Reply::ImportFailed { de, en } = reply else {
            panic!("unexpected reply {reply:?}");
        };
        assert!(
            de.starts_with("Die Datei ist kein gültiger Ablauf (JSON)"),
            "{de}"
        );
        assert!(
            en.starts_with("The file is not a valid workflow (JSON)"),
            "{en}"
        );
    }

    #[test]
    fn garbage_gets_a_bad_request_reply_with_the_id_when_readable() {
        for (msg, id) in [
            ("", 0),
            ("not json", 0),
            ("{\"id\": 9, \"job\": {\"kind\": \"fly\"}}", 9),
            (
                "{\"id\": 4, \"job\": {\"kind\": \"validate\", \"workflow\": 1}}",
                4,
            ),
        ] {
            let (got, reply) = read_reply(&answer(msg)).unwrap();
            assert_eq!(got, id, "{msg}");
            assert!(
                matches!(reply, Reply::BadRequest { .. }),
                "{msg}: {reply:?}"
            );
        }
        assert_eq!(read_reply(READY).ok(), None);
    }

    #[test]
    fn xml_is_recognised_by_name_or_content() {
        assert!(looks_like_xml("a.BPMN", "{"));
        assert!(looks_like_xml("a.txt", "\u{feff}  <?xml version=\"1.0\"?>"));
        assert!(!looks_like_xml("a.json", "{\"key\": 1}"));
    }
}
