//! The case engine on the procurement template (`workflows/beschaffung.json`): the routes for
//! 800 €, 12.400 € and 80.000 € equal the Probelauf's, a self-approval at the Vier-Augen check
//! is refused and changes nothing, and the per-block behaviour (tasks, timers, refusals).
#![allow(clippy::unwrap_used)]

mod common;
mod engine_support;

use std::collections::BTreeMap;

use engine_support::{actor, drive};
use fachwerk_shared::engine::*;
use fachwerk_shared::model::*;
use fachwerk_shared::simulate::simulate_scripted;
use fachwerk_shared::values::{Date, Money};
use serde_json::json;

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn procurement(amount: &str) -> (Workflow, CaseStart) {
    let w = common::template("beschaffung");
    let fields: BTreeMap<String, serde_json::Value> = [
        ("betragNetto", json!(amount)),
        ("gegenstand", json!("Bürostühle")),
        ("haushaltsstelle", json!("1.1.1.01 / 5211")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let start = CaseStart {
        case_id: "BS-2026-1".into(),
        initiator: Some("Frau Bedarf".into()),
        fields,
    };
    (w, start)
}

fn open_ids(s: &State) -> Vec<&str> {
    s.tasks.iter().map(|t| t.id.as_str()).collect()
}

/// Completes `task` or panics with the refusal.
fn complete(w: &Workflow, s: &State, task: &str, by: Actor, exit: &str, on: &str) -> State {
    let e = Event::TaskCompleted {
        task: task.into(),
        by,
        exit: exit.into(),
        fields: Default::default(),
    };
    match step(w, s, &e, day(on)) {
        Ok((next, _)) => next,
        Err(r) => panic!("{task}: {r}"),
    }
}

#[test]
fn procurement_12400_runs_with_a_refused_self_approval_and_ends_like_the_probelauf() {
    let (w, start_data) = procurement("12400.00");
    let (s, effects) = start(&w, &start_data, day("2026-03-02"), Land::NW).unwrap();
    assert_eq!(open_ids(&s), ["bedarf-pruefen@1"]);
    let t = &s.tasks[0];
    assert_eq!(t.role, Some(RoleId::new("R-SB")));
    assert_eq!(
        t.due,
        Some(day("2026-03-09")),
        "P5D from Monday 2 March, moved off Saturday"
    );
    assert!(matches!(&effects[..], [Effect::OpenTask { .. }]));

    let meier = || actor("Frau Meier", &["R-SB", "R-FBL"]);
    let s = complete(&w, &s, "bedarf-pruefen@1", meier(), "ok", "2026-03-03");
    assert_eq!(
        open_ids(&s),
        ["angebote-einholen@1"],
        "12.400 € → Preisvergleich"
    );
    let s = complete(&w, &s, "angebote-einholen@1", meier(), "ok", "2026-03-05");
    assert_eq!(open_ids(&s), ["preis-pruefen@1"]);
    let check = &s.tasks[0];
    assert_eq!(check.role, Some(RoleId::new("R-FBL")));
    assert!(check.excluded.iter().any(|x| x.person == "Frau Meier"));
    assert!(check.excluded.iter().any(|x| x.person == "Frau Bedarf"));

    // Claiming is checked like completing.
    assert_eq!(
        may_take(&w, &s, "preis-pruefen@1", &meier())
            .unwrap_err()
            .code,
        RefusalCode::SameAsFirstCheck
    );
    assert!(may_take(&w, &s, "preis-pruefen@1", &actor("Herr Schulz", &["R-FBL"])).is_ok());
    assert_eq!(
        may_take(&w, &s, "preis-pruefen@1", &actor("Herr Schulz", &["R-SB"]))
            .unwrap_err()
            .code,
        RefusalCode::NotInRole
    );
    // Frau Meier holds R-FBL too but did the first check: refused, nothing changed.
    let e = Event::TaskCompleted {
        task: "preis-pruefen@1".into(),
        by: meier(),
        exit: "ok".into(),
        fields: Default::default(),
    };
    let r = step(&w, &s, &e, day("2026-03-06")).unwrap_err();
    assert_eq!(r.code, RefusalCode::SameAsFirstCheck);
    assert!(r.message_de.contains("Vier-Augen"), "{}", r.message_de);
    assert!(r.message_en.contains("four-eyes"), "{}", r.message_en);
    // The initiator is refused too.
    let e = Event::TaskCompleted {
        task: "preis-pruefen@1".into(),
        by: actor("Frau Bedarf", &["R-FBL"]),
        exit: "ok".into(),
        fields: Default::default(),
    };
    assert_eq!(
        step(&w, &s, &e, day("2026-03-06")).unwrap_err().code,
        RefusalCode::Initiator
    );

    let s = complete(
        &w,
        &s,
        "preis-pruefen@1",
        actor("Herr Schulz", &["R-FBL"]),
        "ok",
        "2026-03-06",
    );
    assert_eq!(open_ids(&s), ["schlusszeichnung@1"]);
    assert_eq!(s.tasks[0].min_signing_limit, Some(Money(1_240_000)));
    let mut low = actor("Frau Klein", &["R-BM"]);
    low.signing_limit = Some(Money(1_000_000));
    let e = Event::TaskCompleted {
        task: "schlusszeichnung@1".into(),
        by: low,
        exit: "ok".into(),
        fields: Default::default(),
    };
    let r = step(&w, &s, &e, day("2026-03-09")).unwrap_err();
    assert_eq!(r.code, RefusalCode::SigningLimit);
    assert!(r.message_de.contains("10.000 €") && r.message_de.contains("12.400 €"));

    let s = complete(
        &w,
        &s,
        "schlusszeichnung@1",
        actor("Frau Bürgermeisterin", &["R-BM"]),
        "ok",
        "2026-03-09",
    );
    let s = complete(&w, &s, "auftrag-erteilen@1", meier(), "ok", "2026-03-10");
    assert_eq!(open_ids(&s), ["veraktung@1"]);
    assert_eq!(s.tasks[0].kind, TaskKind::Filing);
    let e = Event::TaskCompleted {
        task: "veraktung@1".into(),
        by: meier(),
        exit: "ok".into(),
        fields: Default::default(),
    };
    let (s, effects) = step(&w, &s, &e, day("2026-03-10")).unwrap();
    assert_eq!(
        s.status,
        Status::Ended {
            block: BlockId::new("ende"),
            result: EndResult::Erledigt
        }
    );
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::CaseEnded { .. })));

    let mut input = CaseInput {
        start_date: "2026-03-02".into(),
        fields: start_data.fields.clone(),
        initiator: Some("Frau Bedarf".into()),
        ..CaseInput::default()
    };
    input
        .persons
        .insert(RoleId::new("R-SB"), vec!["Frau Meier".into()]);
    let probelauf = simulate_scripted(&w, &input);
    assert_eq!(s.route_blocks(), probelauf.route());
}

#[test]
fn procurement_routes_for_800_12400_80000_equal_the_probelauf() {
    let expected: [(&str, &[&str]); 3] = [
        (
            "800.00",
            &[
                "start",
                "bedarf-pruefen",
                "wertgrenze",
                "direktauftrag-erteilen",
                "bedarfsstelle-informieren",
                "veraktung",
                "ende",
            ],
        ),
        (
            "12400.00",
            &[
                "start",
                "bedarf-pruefen",
                "wertgrenze",
                "angebote-einholen",
                "preis-pruefen",
                "schlusszeichnung",
                "auftrag-erteilen",
                "bedarfsstelle-informieren",
                "veraktung",
                "ende",
            ],
        ),
        (
            "80000.00",
            &[
                "start",
                "bedarf-pruefen",
                "wertgrenze",
                "vergabe-vorbereiten",
                "vermerk-pruefen",
                "mitzeichnung",
                "schlusszeichnung",
                "auftrag-erteilen",
                "bedarfsstelle-informieren",
                "veraktung",
                "ende",
            ],
        ),
    ];
    for (amount, route) in expected {
        let (w, start_data) = procurement(amount);
        let input = CaseInput {
            start_date: "2026-03-02".into(),
            fields: start_data.fields.clone(),
            initiator: Some("Frau Bedarf".into()),
            ..CaseInput::default()
        };
        let probelauf = simulate_scripted(&w, &input);
        let driven = drive(&w, &input, true).unwrap();
        assert!(driven.refused.is_none(), "{amount}: {:?}", driven.refused);
        assert_eq!(driven.state.route_blocks(), route, "{amount}");
        assert_eq!(probelauf.route(), route, "{amount}");
        assert!(
            matches!(driven.state.status, Status::Ended { .. }),
            "{amount}"
        );
    }
}

/// The stored state and the effects of one step, as the runtime persists and applies them:
/// 80.000 € up to the parallel Mitzeichnung (the JSON layout is a contract with the backend).
#[test]
fn procurement_80000_state_and_effects_snapshot() {
    let (w, start_data) = procurement("80000.00");
    let (s, _) = start(&w, &start_data, day("2026-03-02"), Land::NW).unwrap();
    let sb = || actor("Frau Meier", &["R-SB"]);
    let s = complete(&w, &s, "bedarf-pruefen@1", sb(), "ok", "2026-03-03");
    let s = complete(&w, &s, "vergabe-vorbereiten@1", sb(), "ok", "2026-03-20");
    let e = Event::TaskCompleted {
        task: "vermerk-pruefen@1".into(),
        by: actor("Herr Schulz", &["R-FBL"]),
        exit: "ok".into(),
        fields: Default::default(),
    };
    let (s, effects) = step(&w, &s, &e, day("2026-03-23")).unwrap();
    insta::assert_json_snapshot!("engine_procurement_80000_effects", effects);
    insta::assert_json_snapshot!("engine_procurement_80000_state", s);
}
