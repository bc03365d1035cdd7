//! Tests of the worker's jobs: each answer equals what `fachwerk_shared` computes.
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
fn a_file_read_by_the_worker_is_imported_like_its_text() {
    let w = synthetic(40, 2);
    let xml = to_bpmn(&w);
    let msg = request(4, &Job::ImportFile { name: "a.bpmn" }).unwrap();
    assert!(msg.len() < 200, "the text does not travel in the message");
    let (id, reply) = read_reply(&answer_with_file(&msg, Some(&xml))).unwrap();
    assert_eq!(id, 4);
    let (_, direct) = read_reply(&answer(
        &request(
            4,
            &Job::Import {
                name: "a.bpmn",
                text: &xml,
            },
        )
        .unwrap(),
    ))
    .unwrap();
    assert!(matches!(reply, Reply::Imported { .. }), "{reply:?}");
    assert_eq!(reply, direct);
    // A file the worker could not read is named; without its file the job is a defect of
    // the page.
    let (_, unread) = read_reply(&answer_with_file(&msg, None)).unwrap();
    assert!(
        matches!(&unread, Reply::ImportFailed { de, .. } if de.contains("„a.bpmn“")),
        "{unread:?}"
    );
    assert!(matches!(
        read_reply(&answer(&msg)).unwrap().1,
        Reply::BadRequest { .. }
    ));
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
fn exports_in_the_worker_are_the_exports_of_shared() {
    let w = fachwerk_shared::parse_workflow(include_str!("../../../workflows/beschaffung.json"))
        .unwrap();
    let Reply::Exported { xml, notes, files } = round_trip(
        5,
        &Job::Export {
            workflow: &w,
            engine: "plain",
        },
    ) else {
        panic!("no export");
    };
    assert_eq!(xml, to_bpmn(&w));
    assert!(notes.is_empty() && files.is_empty());
    let direct = to_bpmn_export(&w, Engine::Camunda8);
    let Reply::Exported { xml, notes, files } = round_trip(
        6,
        &Job::Export {
            workflow: &w,
            engine: "camunda8",
        },
    ) else {
        panic!("no export");
    };
    assert_eq!(xml, direct.xml);
    assert!(
        !files.is_empty(),
        "Camunda 8 gets the forms of its user tasks"
    );
    let names: Vec<String> = direct.forms.iter().map(|f| f.file_name()).collect();
    assert_eq!(
        files.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        names
    );
    assert_eq!(notes.len(), direct.notes.len());
    assert!(matches!(
        round_trip(
            7,
            &Job::Export {
                workflow: &w,
                engine: "activiti"
            }
        ),
        Reply::BadRequest { .. }
    ));
}

#[test]
fn a_diff_in_the_worker_is_the_diff_of_shared() {
    let old = synthetic(300, 7);
    let new = fachwerk_shared::generate::modify(&old, 5, 11);
    let mut expected = diff(&old, &new);
    assert!(!expected.changes.is_empty());
    // The ops that would turn `old` into `new` do not travel (not serialized); the review
    // screen does not use them.
    expected.ops.clear();
    assert_eq!(
        round_trip(
            8,
            &Job::Diff {
                old: &old,
                new: &new
            }
        ),
        Reply::Compared {
            diff: Box::new(expected)
        }
    );
}

#[test]
fn without_a_worker_the_page_validates_and_refuses_the_rest() {
    let mut w = synthetic(50, 3);
    w.edges.remove(2);
    let msg = request(1, &Job::Validate { workflow: &w }).unwrap();
    assert_eq!(
        validate_here(&msg),
        Reply::Findings {
            findings: validate(&w)
        }
    );
    let msg = request(
        2,
        &Job::Import {
            name: "a.bpmn",
            text: "<definitions/>",
        },
    )
    .unwrap();
    assert_eq!(validate_here(&msg), Reply::Unavailable);
    assert_eq!(validate_here("garbage"), Reply::Unavailable);
}

#[test]
fn xml_is_recognised_by_name_or_content() {
    assert!(looks_like_xml("a.BPMN", "{"));
    assert!(looks_like_xml("a.txt", "\u{feff}  <?xml version=\"1.0\"?>"));
    assert!(!looks_like_xml("a.json", "{\"key\": 1}"));
}
