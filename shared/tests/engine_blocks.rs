//! `engine::step` per block kind on small workflows: the tasks and timers it opens, the
//! effects, the refusals — and that a refused event leaves the state as it was (`step` takes
//! the state by reference; the test goes on from the unchanged state and checks it still
//! works, and compares the serialised state).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use fachwerk_shared::engine::*;
use fachwerk_shared::model::*;
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A workflow from blocks `(id, type, params)` and edges `(from, port, to)`, with roles
/// R-A, R-B, R-C and the fields `betrag` (money) and `datum` (date).
fn workflow(blocks: &[(&str, &str, Value)], edges: &[(&str, &str, &str)]) -> Workflow {
    let blocks: Vec<Value> = blocks
        .iter()
        .map(|(id, t, p)| json!({"id": id, "type": t, "label": id, "params": p}))
        .collect();
    let edges: Vec<Value> = edges
        .iter()
        .enumerate()
        .map(|(i, (f, p, t))| json!({"id": format!("e{i}"), "from": f, "port": p, "to": t}))
        .collect();
    let w = json!({
        "schemaVersion": 1, "key": "test", "name": "Test", "version": "1.0.0",
        "fields": [
            {"name": "betrag", "label": "Betrag", "type": "money", "required": false},
            {"name": "datum", "label": "Datum", "type": "date", "required": false}
        ],
        "roles": [
            {"id": "R-A", "name": "Sachbearbeitung"},
            {"id": "R-B", "name": "Leitung", "signingLimit": "5000.00"},
            {"id": "R-C", "name": "Kasse"}
        ],
        "blocks": blocks, "edges": edges
    });
    fachwerk_shared::parse_workflow(&w.to_string()).unwrap()
}

fn start_block() -> (&'static str, &'static str, Value) {
    ("start", "start", json!({"trigger": "INTERN"}))
}

fn ende(id: &'static str, result: &str) -> (&'static str, &'static str, Value) {
    (id, "ende", json!({"result": result}))
}

fn role(r: &str) -> Value {
    json!({"kind": "role", "ref": r})
}

fn begin(w: &Workflow, fields: Value, on: &str) -> (State, Vec<Effect>) {
    let fields: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
    let s = CaseStart {
        case_id: "T-1".into(),
        initiator: Some("Frau Start".into()),
        fields,
    };
    start(w, &s, day(on), Land::NW).unwrap()
}

fn by(person: &str, roles: &[&str]) -> Actor {
    Actor {
        person: person.into(),
        roles: roles.iter().map(|r| RoleId::new(*r)).collect(),
        signing_limit: None,
    }
}

fn done(task: &str, who: Actor, exit: &str) -> Event {
    Event::TaskCompleted {
        task: task.into(),
        by: who,
        exit: exit.into(),
        fields: BTreeMap::new(),
    }
}

/// Steps or panics.
fn go(w: &Workflow, s: &State, e: &Event, on: &str) -> (State, Vec<Effect>) {
    step(w, s, e, day(on)).unwrap_or_else(|r| panic!("{e:?}: {r}"))
}

/// Asserts the event is refused with `code` and the state is unchanged.
fn refused(w: &Workflow, s: &State, e: &Event, on: &str, code: RefusalCode) -> Refusal {
    let before = serde_json::to_string(s).unwrap();
    let r = step(w, s, e, day(on)).expect_err("must be refused");
    assert_eq!(r.code, code, "{r}");
    assert!(!r.message_de.is_empty() && !r.message_en.is_empty());
    assert_eq!(serde_json::to_string(s).unwrap(), before);
    r
}

fn ids(s: &State) -> Vec<&str> {
    s.tasks.iter().map(|t| t.id.as_str()).collect()
}

fn timers(s: &State) -> Vec<&str> {
    s.timers.iter().map(|t| t.id.as_str()).collect()
}

fn ended(s: &State, block: &str) -> bool {
    matches!(&s.status, Status::Ended { block: b, .. } if b.as_str() == block)
}

fn sachbearbeitung() -> Workflow {
    workflow(
        &[
            start_block(),
            (
                "sb",
                "sachbearbeitung",
                json!({"assignee": role("R-A"), "outcomes": ["ok", "reject"], "dueIn": "P5D"}),
            ),
            ende("ende", "ERLEDIGT"),
            ende("nein", "ABGELEHNT"),
        ],
        &[
            ("start", "next", "sb"),
            ("sb", "ok", "ende"),
            ("sb", "reject", "nein"),
        ],
    )
}

#[test]
fn sachbearbeitung_opens_a_task_and_refusals_change_nothing() {
    let w = sachbearbeitung();
    let (s, effects) = begin(&w, json!({}), "2026-05-13");
    assert_eq!(ids(&s), ["sb@1"]);
    let t = &s.tasks[0];
    assert_eq!(
        (t.kind, t.role.clone()),
        (TaskKind::Work, Some(RoleId::new("R-A")))
    );
    assert_eq!(t.exits, ["ok", "reject"]);
    // 13 May + 5 days = 18 May 2026 (Monday; Pfingstmontag is 25 May).
    assert_eq!(t.due, Some(day("2026-05-18")));
    assert!(matches!(&effects[..], [Effect::OpenTask { task }] if task.id == "sb@1"));

    refused(
        &w,
        &s,
        &done("sb@1", by("Herr A", &["R-A"]), "vielleicht"),
        "2026-05-14",
        RefusalCode::UnknownExit,
    );
    let r = refused(
        &w,
        &s,
        &done("sb@1", by("Herr B", &["R-B"]), "ok"),
        "2026-05-14",
        RefusalCode::NotInRole,
    );
    assert!(r.message_de.contains("Sachbearbeitung"), "{}", r.message_de);
    refused(
        &w,
        &s,
        &done("sb@2", by("Herr A", &["R-A"]), "ok"),
        "2026-05-14",
        RefusalCode::TaskNotOpen,
    );
    refused(
        &w,
        &s,
        &done("sb@1", by(UNASSIGNED, &["R-A"]), "ok"),
        "2026-05-14",
        RefusalCode::InvalidInput,
    );
    refused(
        &w,
        &s,
        &Event::QueryAnswered {
            task: "sb@1".into(),
        },
        "2026-05-14",
        RefusalCode::WrongTask,
    );

    // The JSON round trip keeps the state.
    let back: State = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);

    let (s2, effects) = go(
        &w,
        &back,
        &done("sb@1", by("Herr A", &["R-A"]), "reject"),
        "2026-05-14",
    );
    assert!(ended(&s2, "nein"));
    assert_eq!(s2.route_blocks(), ["start", "sb", "nein"]);
    assert_eq!(s2.route[1].person.as_deref(), Some("Herr A"));
    assert!(matches!(
        &effects[..],
        [Effect::CloseTask { task }, Effect::CaseEnded { result: EndResult::Abgelehnt, .. }] if task == "sb@1"
    ));
    // A double click: the second completion is refused, the first counted once.
    refused(
        &w,
        &s2,
        &done("sb@1", by("Herr A", &["R-A"]), "reject"),
        "2026-05-14",
        RefusalCode::CaseClosed,
    );
    // Another workflow version does not fit.
    let mut w2 = w.clone();
    w2.version = "2.0.0".into();
    refused(
        &w2,
        &s,
        &done("sb@1", by("Herr A", &["R-A"]), "ok"),
        "2026-05-14",
        RefusalCode::WrongWorkflow,
    );
}

#[test]
fn start_refuses_bad_field_values_naming_the_field() {
    let w = sachbearbeitung();
    let s = CaseStart {
        case_id: "T-1".into(),
        initiator: None,
        fields: [("betrag".to_string(), json!("zwölf"))]
            .into_iter()
            .collect(),
    };
    let r = start(&w, &s, day("2026-05-13"), Land::NW).unwrap_err();
    assert_eq!(r.code, RefusalCode::InvalidInput);
    assert!(r.message_de.contains("fields.betrag"), "{}", r.message_de);
}

#[test]
fn vier_augen_with_its_own_first_check_excludes_the_first_checker_and_initiator() {
    let w = workflow(
        &[
            start_block(),
            (
                "va",
                "vierAugen",
                json!({"firstCheck": role("R-A"), "secondCheck": role("R-A"), "distinctFrom": [], "excludeInitiator": true}),
            ),
            ende("ende", "ERLEDIGT"),
            ende("nein", "ABGELEHNT"),
        ],
        &[
            ("start", "next", "va"),
            ("va", "ok", "ende"),
            ("va", "reject", "nein"),
        ],
    );
    let (s, _) = begin(&w, json!({}), "2026-05-13");
    assert_eq!(ids(&s), ["va#first@1"]);
    assert_eq!(s.tasks[0].kind, TaskKind::FirstCheck);
    assert_eq!(s.tasks[0].exits, ["ok"]);
    let (s, _) = go(
        &w,
        &s,
        &done("va#first@1", by("Frau Eins", &["R-A"]), "ok"),
        "2026-05-14",
    );
    assert_eq!(ids(&s), ["va@1"]);
    let t = &s.tasks[0];
    assert_eq!(t.kind, TaskKind::SecondCheck);
    assert_eq!(t.opened, day("2026-05-14"));
    let excluded: Vec<&str> = t.excluded.iter().map(|x| x.person.as_str()).collect();
    assert_eq!(excluded, ["Frau Eins", "Frau Start"]);
    refused(
        &w,
        &s,
        &done("va@1", by("Frau Eins", &["R-A"]), "ok"),
        "2026-05-15",
        RefusalCode::SameAsFirstCheck,
    );
    refused(
        &w,
        &s,
        &done("va@1", by("Frau Start", &["R-A"]), "ok"),
        "2026-05-15",
        RefusalCode::Initiator,
    );
    let (s, _) = go(
        &w,
        &s,
        &done("va@1", by("Herr Zwei", &["R-A"]), "ok"),
        "2026-05-15",
    );
    assert!(ended(&s, "ende"));
}

fn mitzeichnung(mode: &str, rule: Value) -> Workflow {
    workflow(
        &[
            start_block(),
            (
                "mz",
                "mitzeichnung",
                json!({"participants": [
                    {"assignee": role("R-A"), "label": "Amt A", "mandatory": true},
                    {"assignee": role("R-B"), "label": "Amt B", "mandatory": true},
                    {"assignee": role("R-C"), "label": "Amt C", "mandatory": true}
                ], "mode": mode, "decisionRule": rule, "dueIn": "P3D"}),
            ),
            ende("ende", "ERLEDIGT"),
            ende("veto", "ABGELEHNT"),
        ],
        &[
            ("start", "next", "mz"),
            ("mz", "ok", "ende"),
            ("mz", "veto", "veto"),
        ],
    )
}

fn vote(task: &str, who: Actor, approve: bool) -> Event {
    Event::CoSigned {
        task: task.into(),
        by: who,
        approve,
    }
}

#[test]
fn parallel_mitzeichnung_opens_all_participations_and_a_veto_cancels_the_rest() {
    let w = mitzeichnung("PARALLEL", json!({"rule": "ALL_APPROVE"}));
    let (s, _) = begin(&w, json!({}), "2026-05-13");
    assert_eq!(ids(&s), ["mz#1@1", "mz#2@1", "mz#3@1"]);
    assert_eq!(s.tasks[1].label, "mz: Amt B");
    assert_eq!(s.tasks[1].participant, Some(2));
    assert_eq!(s.tasks[1].exits, ["approve", "veto"]);
    // Votes in any order: C approves first, then B vetoes.
    let (s, _) = go(
        &w,
        &s,
        &vote("mz#3@1", by("Frau C", &["R-C"]), true),
        "2026-05-14",
    );
    assert_eq!(ids(&s), ["mz#1@1", "mz#2@1"]);
    refused(
        &w,
        &s,
        &vote("mz#3@1", by("Frau C", &["R-C"]), true),
        "2026-05-14",
        RefusalCode::TaskNotOpen,
    );
    let (s, effects) = go(
        &w,
        &s,
        &vote("mz#2@1", by("Herr B", &["R-B"]), false),
        "2026-05-15",
    );
    assert!(ended(&s, "veto"));
    assert!(effects.contains(&Effect::CloseTask {
        task: "mz#2@1".into()
    }));
    assert!(effects.contains(&Effect::CancelTask {
        task: "mz#1@1".into()
    }));
}

#[test]
fn parallel_mitzeichnung_with_all_approvals_and_quorum() {
    let w = mitzeichnung("PARALLEL", json!({"rule": "ALL_APPROVE"}));
    let (mut s, _) = begin(&w, json!({}), "2026-05-13");
    for (t, p, r) in [
        ("mz#2@1", "B", "R-B"),
        ("mz#1@1", "A", "R-A"),
        ("mz#3@1", "C", "R-C"),
    ] {
        assert!(!ended(&s, "ende"));
        s = go(&w, &s, &vote(t, by(p, &[r]), true), "2026-05-14").0;
    }
    assert!(ended(&s, "ende"));

    let w = mitzeichnung("PARALLEL", json!({"rule": "QUORUM", "n": 2}));
    let (s, _) = begin(&w, json!({}), "2026-05-13");
    let (s, _) = go(
        &w,
        &s,
        &vote("mz#3@1", by("C", &["R-C"]), true),
        "2026-05-14",
    );
    let (s, effects) = go(
        &w,
        &s,
        &done("mz#1@1", by("A", &["R-A"]), "approve"),
        "2026-05-15",
    );
    assert!(ended(&s, "ende"), "two approvals reach the quorum");
    assert!(effects.contains(&Effect::CancelTask {
        task: "mz#2@1".into()
    }));
}

#[test]
fn sequential_mitzeichnung_asks_one_participant_after_another() {
    let w = mitzeichnung("SEQUENTIAL", json!({"rule": "ALL_APPROVE"}));
    let (s, _) = begin(&w, json!({}), "2026-05-13");
    assert_eq!(ids(&s), ["mz#1@1"]);
    refused(
        &w,
        &s,
        &vote("mz#2@1", by("B", &["R-B"]), true),
        "2026-05-14",
        RefusalCode::TaskNotOpen,
    );
    let (s, _) = go(
        &w,
        &s,
        &vote("mz#1@1", by("A", &["R-A"]), true),
        "2026-05-14",
    );
    assert_eq!(ids(&s), ["mz#2@1"]);
    assert_eq!(s.tasks[0].opened, day("2026-05-14"));
    assert_eq!(
        s.tasks[0].due,
        Some(day("2026-05-18")),
        "P3D from 14 May, Sunday → Monday"
    );
    let (s, _) = go(
        &w,
        &s,
        &vote("mz#2@1", by("B", &["R-B"]), false),
        "2026-05-15",
    );
    assert!(ended(&s, "veto"));
}

#[test]
fn schlusszeichnung_checks_role_and_personal_signing_limits() {
    let w = workflow(
        &[
            start_block(),
            (
                "sz",
                "schlusszeichnung",
                json!({"signer": role("R-B"), "amountField": "betrag", "signatureLevel": "QES", "zeichnungszusatz": "OHNE"}),
            ),
            ende("ende", "ERLEDIGT"),
            ende("nein", "ABGELEHNT"),
        ],
        &[
            ("start", "next", "sz"),
            ("sz", "ok", "ende"),
            ("sz", "reject", "nein"),
        ],
    );
    let (s, _) = begin(&w, json!({"betrag": "4000.00"}), "2026-05-13");
    let t = &s.tasks[0];
    assert_eq!(t.kind, TaskKind::Sign);
    assert_eq!(t.min_signing_limit.map(|m| m.cents()), Some(400_000));
    refused(
        &w,
        &s,
        &done("sz@1", by("Frau Start", &["R-B"]), "ok"),
        "2026-05-14",
        RefusalCode::Initiator,
    );
    let mut low = by("Herr Klein", &["R-B"]);
    low.signing_limit = Some(fachwerk_shared::Money(300_000));
    refused(
        &w,
        &s,
        &done("sz@1", low, "ok"),
        "2026-05-14",
        RefusalCode::SigningLimit,
    );
    let (s2, _) = go(
        &w,
        &s,
        &done("sz@1", by("Frau Groß", &["R-B"]), "ok"),
        "2026-05-14",
    );
    assert!(ended(&s2, "ende"));
    // 6.000 € exceed the role's limit of 5.000 € (workflow): refused by the walk itself.
    let (s, _) = begin(&w, json!({"betrag": "6000.00"}), "2026-05-13");
    let r = refused(
        &w,
        &s,
        &done("sz@1", by("Frau Groß", &["R-B"]), "ok"),
        "2026-05-14",
        RefusalCode::SigningLimit,
    );
    assert!(r.message_de.contains("5.000 €"), "{}", r.message_de);
}

fn routed() -> Workflow {
    workflow(
        &[
            start_block(),
            (
                "erfassen",
                "sachbearbeitung",
                json!({"assignee": role("R-A"), "outcomes": ["ok"]}),
            ),
            (
                "wg",
                "wertgrenzen",
                json!({"amountField": "betrag", "basis": "NETTO", "currency": "EUR", "bands": [
                    {"id": "klein", "lower": "0.00", "upper": "1000.00", "label": "klein"},
                    {"id": "gross", "lower": "1000.00", "upper": null, "label": "groß"}
                ]}),
            ),
            (
                "kx",
                "komplexitaet",
                json!({"rules": [{"id": "eilig", "label": "eilig", "condition": "betrag > 50000"}], "evaluation": "FIRST_MATCH"}),
            ),
            ende("ende-klein", "ERLEDIGT"),
            ende("ende-gross", "ERLEDIGT"),
            ende("ende-eilig", "ERLEDIGT"),
        ],
        &[
            ("start", "next", "erfassen"),
            ("erfassen", "ok", "wg"),
            ("wg", "klein", "ende-klein"),
            ("wg", "gross", "kx"),
            ("kx", "eilig", "ende-eilig"),
            ("kx", "otherwise", "ende-gross"),
        ],
    )
}

#[test]
fn wertgrenzen_and_komplexitaet_route_by_the_case_data_a_task_changed() {
    let w = routed();
    let complete = |s: &State, fields: Value| -> Result<(State, Vec<Effect>), Refusal> {
        let e = Event::TaskCompleted {
            task: "erfassen@1".into(),
            by: by("A", &["R-A"]),
            exit: "ok".into(),
            fields: serde_json::from_value(fields).unwrap(),
        };
        step(&w, s, &e, day("2026-05-14"))
    };
    let (s, _) = begin(&w, json!({"betrag": "800.00"}), "2026-05-13");
    assert!(ended(&complete(&s, json!({})).unwrap().0, "ende-klein"));
    let (s2, _) = complete(&s, json!({"betrag": "12400.00"})).unwrap();
    assert!(ended(&s2, "ende-gross"));
    assert_eq!(s2.current_fields()["betrag"], json!("12400.00"));
    assert_eq!(
        s2.fields["betrag"],
        json!("800.00"),
        "the intake values stay"
    );
    assert!(ended(
        &complete(&s, json!({"betrag": "80000"})).unwrap().0,
        "ende-eilig"
    ));
    let r = complete(&s, json!({"betrag": "viel"})).unwrap_err();
    assert_eq!(r.code, RefusalCode::InvalidInput);
    assert!(r.message_de.contains("fields.betrag"), "{}", r.message_de);
    let r = complete(&s, json!({"unbekannt": 1})).unwrap_err();
    assert_eq!(r.code, RefusalCode::InvalidInput);
}

#[test]
fn a_missing_amount_blocks_the_case_with_a_reason() {
    let w = routed();
    let (s, _) = begin(&w, json!({}), "2026-05-13");
    let (s, effects) = go(
        &w,
        &s,
        &done("erfassen@1", by("A", &["R-A"]), "ok"),
        "2026-05-14",
    );
    assert!(matches!(
        &s.status,
        Status::Blocked { block, code: fachwerk_shared::simulate::BlockedCode::MissingValue, .. } if block.as_str() == "wg"
    ));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::CaseBlocked { .. })));
    refused(
        &w,
        &s,
        &done("erfassen@1", by("A", &["R-A"]), "ok"),
        "2026-05-14",
        RefusalCode::CaseClosed,
    );
}

fn rueckfrage() -> Workflow {
    workflow(
        &[
            start_block(),
            (
                "sb",
                "sachbearbeitung",
                json!({"assignee": role("R-A"), "outcomes": ["ok"]}),
            ),
            (
                "rf",
                "rueckfrage",
                json!({"channel": "PORTAL", "template": "nachfrage", "replyDeadline": "P14D", "reminderAfter": "P7D"}),
            ),
            ende("ende", "ERLEDIGT"),
            ende("zu-spaet", "ABGELEHNT"),
        ],
        &[
            ("start", "next", "sb"),
            ("sb", "ok", "rf"),
            ("rf", "reply", "ende"),
            ("rf", "timeout", "zu-spaet"),
        ],
    )
}

#[test]
fn rueckfrage_waits_for_the_reply_or_its_deadline() {
    let w = rueckfrage();
    let (s, _) = begin(&w, json!({}), "2026-05-04");
    let (s, effects) = go(&w, &s, &done("sb@1", by("A", &["R-A"]), "ok"), "2026-05-05");
    assert_eq!(ids(&s), ["rf@1"]);
    let t = &s.tasks[0];
    assert_eq!(
        (t.kind, t.role.clone()),
        (TaskKind::Query, Some(RoleId::new("R-A")))
    );
    assert_eq!(t.due, Some(day("2026-05-19")));
    assert_eq!(timers(&s), ["rf@1/antwortfrist", "rf@1/erinnerung"]);
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SendMessage { message: MessageKind::Rueckfrage, to: Recipient::Applicant, template, .. } if template == "nachfrage"
    )));
    let sent = Event::QuerySent {
        task: "rf@1".into(),
    };
    let (s, _) = go(&w, &s, &sent, "2026-05-05");
    refused(&w, &s, &sent, "2026-05-05", RefusalCode::AlreadySent);
    refused(
        &w,
        &s,
        &done("rf@1", by("A", &["R-A"]), "timeout"),
        "2026-05-06",
        RefusalCode::DeadlineNotReached,
    );
    refused(
        &w,
        &s,
        &Event::QueryTimedOut {
            task: "rf@1".into(),
        },
        "2026-05-06",
        RefusalCode::TimerNotDue,
    );

    // Reply on day 10: the reminder (day 7) fired before, then the reply counts.
    let (s1, effects) = go(
        &w,
        &s,
        &Event::QueryAnswered {
            task: "rf@1".into(),
        },
        "2026-05-15",
    );
    assert!(ended(&s1, "ende"));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SendMessage {
            message: MessageKind::Erinnerung,
            ..
        }
    )));
    assert!(effects.contains(&Effect::CancelTimer {
        timer: "rf@1/antwortfrist".into()
    }));

    // No reply: the deadline timer ends it via timeout; a late reply finds no task.
    let (s2, _) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "rf@1/antwortfrist".into(),
        },
        "2026-05-19",
    );
    assert!(ended(&s2, "zu-spaet"));
    // A reply after the deadline: the overdue timer fires first, the case has ended.
    refused(
        &w,
        &s,
        &Event::QueryAnswered {
            task: "rf@1".into(),
        },
        "2026-05-20",
        RefusalCode::CaseClosed,
    );
    let r = step(
        &w,
        &s,
        &Event::TimerDue {
            timer: "rf@1/antwortfrist".into(),
        },
        day("2026-05-20"),
    )
    .unwrap();
    assert!(ended(&r.0, "zu-spaet"));
    let r = step(
        &w,
        &s,
        &Event::QueryTimedOut {
            task: "rf@1".into(),
        },
        day("2026-05-21"),
    )
    .unwrap();
    assert!(ended(&r.0, "zu-spaet"));
}

#[test]
fn bescheid_renders_the_document_and_waits_for_delivery_or_announcement() {
    let w = workflow(
        &[
            start_block(),
            (
                "b",
                "bescheid",
                json!({"template": "bescheid", "signatureLevel": "QES", "channel": "POSTFACH_ABRUF", "abrufFrist": "P10D", "fiktionTage": 3}),
            ),
            (
                "brief",
                "bescheid",
                json!({"template": "brief", "signatureLevel": "NAME", "channel": "BRIEF", "fiktionTage": 3}),
            ),
            ende("ende", "ERLEDIGT"),
        ],
        &[
            ("start", "next", "b"),
            ("b", "zugestellt", "ende"),
            ("b", "nichtAbgerufen", "brief"),
            ("brief", "zugestellt", "ende"),
        ],
    );
    let (s, effects) = begin(&w, json!({}), "2026-05-04");
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::RenderDocument { template, .. } if template == "bescheid")));
    assert_eq!(ids(&s), ["b@1"]);
    assert_eq!(s.tasks[0].kind, TaskKind::Notice);
    assert_eq!(timers(&s), ["b@1/abruffrist"]);
    let (s1, _) = go(
        &w,
        &s,
        &Event::NoticeDelivered { task: "b@1".into() },
        "2026-05-08",
    );
    assert!(ended(&s1, "ende"));

    // Not downloaded within 10 days (4 May + 10 = 14 May, Christi Himmelfahrt → 15 May): the
    // letter goes out and counts as announced on day 3 (a timer).
    let (s2, effects) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "b@1/abruffrist".into(),
        },
        "2026-05-15",
    );
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::RenderDocument { template, .. } if template == "brief")));
    assert!(s2.tasks.is_empty());
    assert_eq!(timers(&s2), ["brief@1/bekanntgabe"]);
    let due = s2.timers[0].due;
    assert_eq!(due, day("2026-05-18"), "15 May + 3 days");
    refused(
        &w,
        &s2,
        &Event::TimerDue {
            timer: "brief@1/bekanntgabe".into(),
        },
        "2026-05-15",
        RefusalCode::TimerNotDue,
    );
    let (s3, _) = go(
        &w,
        &s2,
        &Event::TimerDue {
            timer: "brief@1/bekanntgabe".into(),
        },
        "2026-05-18",
    );
    assert!(ended(&s3, "ende"));
    assert_eq!(s3.route_blocks(), ["start", "b", "brief", "ende"]);
    refused(
        &w,
        &s3,
        &Event::TimerDue {
            timer: "brief@1/bekanntgabe".into(),
        },
        "2026-05-18",
        RefusalCode::CaseClosed,
    );
}

#[test]
fn zahlung_waits_for_the_payment_or_the_deadline_and_frist_for_its_timer() {
    let w = workflow(
        &[
            start_block(),
            (
                "z",
                "zahlung",
                json!({"amount": "26.00", "methods": ["PAYPAL"], "timing": "VOR_BEARBEITUNG", "payDeadline": "P14D"}),
            ),
            (
                "warten",
                "frist",
                json!({"kind": "WARTEN", "duration": "P1M", "calendar": "KALENDERTAGE"}),
            ),
            ende("ende", "ERLEDIGT"),
            ende("offen", "ABGELEHNT"),
        ],
        &[
            ("start", "next", "z"),
            ("z", "bezahlt", "warten"),
            ("z", "nichtBezahlt", "offen"),
            ("warten", "next", "ende"),
        ],
    );
    let (s, effects) = begin(&w, json!({}), "2026-05-04");
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SendMessage {
            message: MessageKind::Zahlungsaufforderung,
            ..
        }
    )));
    assert_eq!(ids(&s), ["z@1"]);
    assert_eq!(timers(&s), ["z@1/zahlungsfrist"]);
    refused(
        &w,
        &s,
        &Event::PaymentReceived { task: "z@2".into() },
        "2026-05-05",
        RefusalCode::TaskNotOpen,
    );
    let (paid, _) = go(
        &w,
        &s,
        &Event::PaymentReceived { task: "z@1".into() },
        "2026-05-05",
    );
    assert!(paid.tasks.is_empty());
    assert_eq!(timers(&paid), ["warten@1/frist"]);
    assert_eq!(paid.timers[0].due, day("2026-06-05"));
    let (done_, _) = go(
        &w,
        &paid,
        &Event::TimerDue {
            timer: "warten@1/frist".into(),
        },
        "2026-06-05",
    );
    assert!(ended(&done_, "ende"));
    let (unpaid, _) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "z@1/zahlungsfrist".into(),
        },
        "2026-05-18",
    );
    assert!(ended(&unpaid, "offen"));
}

#[test]
fn eskalation_notifies_or_takes_the_task_away() {
    let w = workflow(
        &[
            start_block(),
            (
                "sb",
                "sachbearbeitung",
                json!({"assignee": role("R-A"), "outcomes": ["ok"]}),
            ),
            (
                "erinnern",
                "eskalation",
                json!({"attachedTo": "sb", "after": "P3D", "interrupting": false, "escalateTo": role("R-B")}),
            ),
            (
                "entziehen",
                "eskalation",
                json!({"attachedTo": "sb", "after": "P7D", "interrupting": true, "escalateTo": role("R-B")}),
            ),
            (
                "leitung",
                "sachbearbeitung",
                json!({"assignee": role("R-B"), "outcomes": ["ok"]}),
            ),
            ende("ende", "ERLEDIGT"),
        ],
        &[
            ("start", "next", "sb"),
            ("sb", "ok", "ende"),
            ("entziehen", "escalated", "leitung"),
            ("leitung", "ok", "ende"),
        ],
    );
    let (s, _) = begin(&w, json!({}), "2026-05-04");
    assert_eq!(
        timers(&s),
        ["erinnern@1/eskalation", "entziehen@1/eskalation"]
    );
    let (s1, effects) = go(
        &w,
        &s,
        &Event::TimerDue {
            timer: "erinnern@1/eskalation".into(),
        },
        "2026-05-07",
    );
    assert_eq!(ids(&s1), ["sb@1"], "a notification leaves the task open");
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SendMessage { message: MessageKind::Eskalation, to: Recipient::Role(r), .. } if r.as_str() == "R-B"
    )));
    let (s2, effects) = go(
        &w,
        &s1,
        &done("sb@1", by("A", &["R-A"]), "ok"),
        "2026-05-08",
    );
    assert!(ended(&s2, "ende"));
    assert_eq!(s2.route_blocks(), ["start", "sb", "erinnern", "ende"]);
    assert!(effects.contains(&Effect::CancelTimer {
        timer: "entziehen@1/eskalation".into()
    }));

    // Completed only after the interrupting escalation was due: the timers fire first, the
    // task was taken away, the Leitung gets it.
    refused(
        &w,
        &s1,
        &done("sb@1", by("A", &["R-A"]), "ok"),
        "2026-05-12",
        RefusalCode::TaskNotOpen,
    );
    let (s3, _) = go(
        &w,
        &s1,
        &Event::TimerDue {
            timer: "entziehen@1/eskalation".into(),
        },
        "2026-05-11",
    );
    assert_eq!(ids(&s3), ["leitung@1"]);
    assert_eq!(s3.route_blocks(), ["start", "sb", "erinnern", "entziehen"]);
    assert_eq!(s3.route[1].person.as_deref(), Some(UNASSIGNED));
}
