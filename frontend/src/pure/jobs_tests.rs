//! Tests of the worker's jobs: each answer equals what `fachwerk_shared` computes.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::pure::probelauf::CaseResult;
use fachwerk_shared::bpmn::to_bpmn;
use fachwerk_shared::generate::synthetic;

/// A reply whose output is not looked at.
type Any = serde::de::IgnoredAny;

/// A fresh worker's answer: the job's id and the reply read as a reply of output `T`.
fn answer<T: DeserializeOwned>(message: &str) -> (u64, Reply<T>) {
    let (id, text) = Worker::default().answer(message);
    (id, read_reply(&text))
}

fn answer_with_file<T: DeserializeOwned>(message: &str, text: Option<&str>) -> (u64, Reply<T>) {
    let (id, text) = Worker::default().answer_with_file(message, text);
    (id, read_reply(&text))
}

fn round_trip<T: DeserializeOwned>(id: u64, job: &Job<'_>) -> Reply<T> {
    asked(&mut Worker::default(), id, job)
}

/// `job`'s reply from `worker`, which keeps its state.
fn asked<T: DeserializeOwned>(worker: &mut Worker, id: u64, job: &Job<'_>) -> Reply<T> {
    let msg = request(id, job).unwrap();
    let (got, text) = worker.answer(&msg);
    assert_eq!(got, id);
    read_reply(&text)
}

#[test]
fn validation_in_the_worker_finds_what_validate_finds() {
    let mut w = synthetic(600, 3);
    // Break it: an exit without a connection is an error.
    w.edges.remove(5);
    let expected = validate(&w);
    assert!(expected.iter().any(Finding::is_error));
    assert_eq!(
        round_trip(
            7,
            &Job::Check {
                version: 1,
                workflow: &w
            }
        ),
        Reply::Done(expected)
    );
}

/// The live check at thousands of blocks: the whole workflow once, then the editor's ops.
#[test]
fn edits_checked_on_the_workers_copy_find_what_validate_finds_on_the_page() {
    let mut page = synthetic(600, 3);
    let mut worker = Worker::default();
    let whole = Job::Check {
        version: 1,
        workflow: &page,
    };
    assert!(matches!(
        asked::<Any>(&mut worker, 1, &whole),
        Reply::Done(_)
    ));
    let first = page.blocks[0].id.clone();
    let edge = page.edges[5].id.clone();
    let steps: Vec<Vec<Op>> = vec![
        vec![Op::RenameBlock {
            id: first.clone(),
            label: "Antrag prüfen".into(),
        }],
        // An exit without a connection: an error appears.
        vec![Op::Disconnect { id: edge }],
        vec![
            Op::MoveBlock {
                id: first.clone(),
                to: fachwerk_shared::Rect::at(40, 80),
            },
            Op::RemoveBlock { id: first },
        ],
    ];
    for (i, ops) in steps.into_iter().enumerate() {
        let version = i as u64 + 2;
        for op in ops.clone() {
            apply(&mut page, op).unwrap();
        }
        let reply = asked(
            &mut worker,
            version,
            &Job::CheckEdits {
                base: version - 1,
                version,
                ops: &ops,
            },
        );
        assert_eq!(reply, Reply::Done(validate(&page)), "after step {i}");
    }
    assert!(validate(&page).iter().any(Finding::is_error));
}

#[test]
fn edits_without_a_copy_at_their_base_ask_for_the_whole_workflow() {
    let w = synthetic(60, 2);
    let rename = |label: &str| Op::RenameBlock {
        id: w.blocks[0].id.clone(),
        label: label.into(),
    };
    let edits = |base, ops: &[Op]| {
        let ops = ops.to_vec();
        move |worker: &mut Worker| -> Reply<Vec<Finding>> {
            asked(
                worker,
                base + 1,
                &Job::CheckEdits {
                    base,
                    version: base + 1,
                    ops: &ops,
                },
            )
        }
    };
    let mut worker = Worker::default();
    // No copy yet (a new worker, or one the browser restarted).
    assert_eq!(edits(1, &[rename("a")])(&mut worker), Reply::Resend);
    let whole = Job::Check {
        version: 1,
        workflow: &w,
    };
    asked::<Any>(&mut worker, 1, &whole);
    // The copy is at 1, not 5: dropped, the page sends the whole workflow again.
    assert_eq!(edits(5, &[rename("a")])(&mut worker), Reply::Resend);
    assert_eq!(edits(1, &[rename("a")])(&mut worker), Reply::Resend);
    asked::<Any>(&mut worker, 1, &whole);
    assert!(matches!(
        edits(1, &[rename("a")])(&mut worker),
        Reply::Done(_)
    ));
    // An op that does not apply leaves no half-edited copy behind.
    let missing = Op::RenameBlock {
        id: "gibt-es-nicht".into(),
        label: "x".into(),
    };
    assert_eq!(
        edits(2, &[rename("b"), missing])(&mut worker),
        Reply::Resend
    );
    assert_eq!(edits(2, &[rename("c")])(&mut worker), Reply::Resend);
    // A stateless answer has no copy either.
    assert_eq!(
        read_reply::<Any>(&run(&Job::CheckEdits {
            base: 1,
            version: 2,
            ops: &[]
        })),
        Reply::Resend
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
        Reply::Done(Imported::Read {
            workflow,
            notes: got,
        }) => {
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
    let (id, reply) = answer_with_file::<Imported>(&msg, Some(&xml));
    assert_eq!(id, 4);
    let (_, direct) = answer(
        &request(
            4,
            &Job::Import {
                name: "a.bpmn",
                text: &xml,
            },
        )
        .unwrap(),
    );
    assert!(
        matches!(reply, Reply::Done(Imported::Read { .. })),
        "{reply:?}"
    );
    assert_eq!(reply, direct);
    // A file the worker could not read is named; without its file the job is a defect of
    // the page.
    let (_, unread) = answer_with_file::<Imported>(&msg, None);
    assert!(
        matches!(&unread, Reply::Done(Imported::Failed { de, .. }) if de.contains("„a.bpmn“")),
        "{unread:?}"
    );
    assert!(matches!(answer::<Any>(&msg).1, Reply::BadRequest { .. }));
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
    let Reply::Done(Imported::Failed { de, en }) = reply else {
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
    let Reply::Done(Imported::Failed { de, en }) = reply else {
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
        ("{\"id\": 9, \"job\": {\"fly\": {}}}", 9),
        (
            "{\"id\": 4, \"job\": {\"check\": {\"version\": 1, \"workflow\": 1}}}",
            4,
        ),
    ] {
        let (got, reply) = answer::<Any>(msg);
        assert_eq!(got, id, "{msg}");
        assert!(
            matches!(reply, Reply::BadRequest { .. }),
            "{msg}: {reply:?}"
        );
    }
    assert!(matches!(read_reply::<Any>(READY), Reply::BadRequest { .. }));
}

#[test]
fn exports_in_the_worker_are_the_exports_of_shared() {
    let w = fachwerk_shared::parse_workflow(include_str!("../../../workflows/beschaffung.json"))
        .unwrap();
    let Reply::Done(Exported { xml, notes, files }) = round_trip(
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
    let Reply::Done(Exported { xml, notes, files }) = round_trip(
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
        round_trip::<Any>(
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
        Reply::Done(Box::new(expected))
    );
}

#[test]
fn xml_is_recognised_by_name_or_content() {
    assert!(looks_like_xml("a.BPMN", "{"));
    assert!(looks_like_xml("a.txt", "\u{feff}  <?xml version=\"1.0\"?>"));
    assert!(!looks_like_xml("a.json", "{\"key\": 1}"));
}

fn procurement() -> Workflow {
    fachwerk_shared::parse_workflow(include_str!("../../../workflows/beschaffung.json")).unwrap()
}

/// The procurement template's case at `amount` (canonical, e.g. "12400.00").
fn order(amount: &str) -> CaseInput {
    let mut input = CaseInput {
        start_date: "2026-03-02".into(),
        ..Default::default()
    };
    for (k, v) in [
        ("betragNetto", amount),
        ("gegenstand", "Aktenvernichter"),
        ("haushaltsstelle", "1.11.01/783100"),
    ] {
        input.fields.insert(k.into(), v.into());
    }
    input
}

fn simulated(id: u64, w: &Workflow, input: &CaseInput) -> Trace {
    match round_trip::<Box<WireTrace>>(id, &Job::Simulate { workflow: w, input }) {
        Reply::Done(trace) => trace.into_trace(),
        other => panic!("unexpected reply {other:?}"),
    }
}

#[test]
fn a_probelauf_in_the_worker_is_the_run_of_shared_with_its_english_labels() {
    use fachwerk_shared::simulate::{Outcome, RefusedCode};
    let w = procurement();
    let input = order("12400.00");
    let trace = simulated(11, &w, &input);
    // Equal in every field, the English labels (not part of the trace's JSON) included.
    assert_eq!(trace, simulate_scripted(&w, &input));
    assert!(matches!(trace.outcome, Outcome::Ended { .. }), "{trace:?}");
    assert!(
        trace.route().contains(&"preis-pruefen"),
        "{:?}",
        trace.route()
    );
    assert!(trace.steps.iter().all(|s| !s.block_type_en.is_empty()));
    assert!(trace.steps.iter().any(|s| s.block_type_en != s.block_type));
    // The same person checks the price comparison she made herself: refused.
    let mut input = order("12400.00");
    input
        .persons
        .insert("R-SB".into(), vec!["Erika Mustermann".into()]);
    input.persons.insert(
        "R-FBL".into(),
        vec!["Erika Mustermann".into(), "Max Mustermann".into()],
    );
    input
        .actors
        .insert("preis-pruefen".into(), "Erika Mustermann".into());
    let trace = simulated(12, &w, &input);
    assert!(
        matches!(
            &trace.outcome,
            Outcome::Refused { block, code: RefusedCode::SameAsFirstCheck, .. }
                if block.as_str() == "preis-pruefen"
        ),
        "{:?}",
        trace.outcome
    );
}

#[test]
fn bad_case_input_blocks_the_probelauf_and_a_bad_job_is_a_bad_request() {
    use fachwerk_shared::simulate::{BlockedCode, Outcome};
    let w = procurement();
    let trace = simulated(13, &w, &order("zwölf Euro"));
    assert!(trace.steps.is_empty());
    assert!(
        matches!(
            &trace.outcome,
            Outcome::Blocked { code: BlockedCode::InvalidInput, message_de, .. }
                if message_de.contains("betragNetto")
        ),
        "{:?}",
        trace.outcome
    );
    let msg = request(14, &Job::RunCases { workflow: &w })
        .unwrap()
        .replace("runCases", "simulate");
    let (id, reply) = answer::<Any>(&msg);
    assert_eq!(id, 14);
    assert!(matches!(reply, Reply::BadRequest { .. }), "{reply:?}");
}

#[test]
fn saved_probefaelle_rerun_in_the_worker_pass_and_fail_as_in_shared() {
    let mut w = procurement();
    assert_eq!(w.test_cases.len(), 3);
    let Reply::Done::<Vec<CaseResult>>(results) = round_trip(15, &Job::RunCases { workflow: &w })
    else {
        panic!("no verdicts");
    };
    assert_eq!(results, run_cases(&w));
    assert!(results.iter().all(|r| r.pass), "{results:?}");
    // Without the direct order block the 800 € case fails; the others still pass.
    let gone = fachwerk_shared::BlockId::new("direktauftrag-erteilen");
    w.blocks.retain(|b| b.id != gone);
    w.edges.retain(|e| e.from != gone && e.to != gone);
    let Reply::Done::<Vec<CaseResult>>(results) = round_trip(16, &Job::RunCases { workflow: &w })
    else {
        panic!("no verdicts");
    };
    let verdicts: Vec<(&str, bool)> = results.iter().map(|r| (r.name.as_str(), r.pass)).collect();
    assert_eq!(
        verdicts,
        [
            ("Direktauftrag 800 € netto", false),
            ("Preisvergleich 12.400 € netto", true),
            ("Vergabe 80.000 € netto", true),
        ]
    );
    assert!(!results[0].detail_de.is_empty() && !results[0].detail_en.is_empty());
    w.test_cases.clear();
    assert_eq!(
        round_trip::<Vec<CaseResult>>(17, &Job::RunCases { workflow: &w }),
        Reply::Done(Vec::new())
    );
}

#[test]
fn a_case_path_in_the_worker_is_the_engines_trace() {
    use fachwerk_shared::engine::CaseStart;
    use fachwerk_shared::simulate::Land;
    use fachwerk_shared::values::Date;
    let w = procurement();
    let start = CaseStart {
        case_id: "beschaffung/2026/000001".into(),
        initiator: Some("p-bea".into()),
        fields: order("12400.00").fields.into_iter().collect(),
    };
    let (state, _) =
        engine::start(&w, &start, Date::parse("2026-03-02").unwrap(), Land::NW).unwrap();
    let value = serde_json::to_value(&state).unwrap();
    let Reply::Done::<Option<Box<WireTrace>>>(Some(trace)) = round_trip(
        18,
        &Job::CaseTrace {
            workflow: &w,
            state: &value,
        },
    ) else {
        panic!("no trace");
    };
    let trace = trace.into_trace();
    assert_eq!(trace, engine::trace(&w, &state).unwrap());
    assert!(trace.route().starts_with(&["start"]), "{:?}", trace.route());
    // A state that is none is a defect of the page, said as such.
    let junk = serde_json::json!({"nope": 1});
    assert!(matches!(
        round_trip::<Any>(
            19,
            &Job::CaseTrace {
                workflow: &w,
                state: &junk,
            },
        ),
        Reply::BadRequest { .. }
    ));
}
