//! `engine::step` on the human tasks and routers (Sachbearbeitung, Vier-Augen, Mitzeichnung,
//! Schlusszeichnung, Wertgrenzen, Komplexität, Ende): the tasks it opens, the effects, the
//! refusals — and that a refused event leaves the state as it was (`refused` compares the
//! serialised state; the tests go on from the unchanged state).
#![allow(clippy::unwrap_used)]

mod engine_support;

use engine_support::blocks::*;
use fachwerk_shared::engine::*;
use fachwerk_shared::model::*;
use serde_json::{json, Value};

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

#[test]
fn events_parse_from_the_documented_json() {
    let e: Event = serde_json::from_value(json!({
        "kind": "taskCompleted", "task": "sb@1",
        "by": {"person": "Herr A", "roles": ["R-A"], "signingLimit": "5000.00"},
        "exit": "ok"
    }))
    .unwrap();
    assert!(
        matches!(&e, Event::TaskCompleted { by, fields, .. } if by.signing_limit == Some(fachwerk_shared::Money(500_000)) && fields.is_empty())
    );
    let w = sachbearbeitung();
    let (s, _) = begin(&w, json!({}), "2026-05-13");
    let (s, _) = go(&w, &s, &e, "2026-05-14");
    assert!(ended(&s, "ende"));
    let t: Event =
        serde_json::from_value(json!({"kind": "timerDue", "timer": "x@1/frist"})).unwrap();
    assert_eq!(
        t,
        Event::TimerDue {
            timer: "x@1/frist".into()
        }
    );
    let v: Event = serde_json::from_value(
        json!({"kind": "coSigned", "task": "mz#2@1", "by": {"person": "B"}, "approve": false}),
    )
    .unwrap();
    assert!(matches!(v, Event::CoSigned { approve: false, .. }));
    assert!(
        serde_json::from_value::<Event>(json!({"kind": "taskCompleted", "task": "sb@1"})).is_err()
    );
}
