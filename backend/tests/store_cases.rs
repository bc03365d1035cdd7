//! Case processing on both drivers, with the concurrency of several server processes on one
//! database: racing completions apply once, due timers fire once with two workers, the same
//! idempotency key gives one case. Every case runs against SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

use crate::db_support;

use std::collections::BTreeMap;

use db_support::account;
use fachwerk_backend::auth::{Caller, Via};
use fachwerk_backend::cases::{CaseError, CaseRuntime, RuntimeConfig};
use fachwerk_backend::db::Database;
use fachwerk_backend::users::Role;
use fachwerk_shared::api::{CompleteTask, PersonInput, RoleMembership, StartCase};
use fachwerk_shared::values::Date;
use serde_json::json;

const KEY: &str = "urlaubsantrag";

fn runtime(db: &Database, today: &str) -> CaseRuntime {
    CaseRuntime::new(
        db.clone(),
        RuntimeConfig {
            today: Date::parse(today),
            ..RuntimeConfig::default()
        },
    )
}

fn caller(id: &str, name: &str) -> Caller {
    Caller {
        id: id.to_string(),
        name: name.to_string(),
        role: Role::Editor,
        via: Via::CommandLine,
        csrf: None,
        must_change_password: false,
    }
}

/// The leave-request template in operation; `anna` (employee), `vera` and `viktor`
/// (managers) as persons. Returns their callers.
async fn office(db: &Database) -> BTreeMap<&'static str, Caller> {
    let admin = account(db, "admin", Role::Admin).await;
    let text = include_str!("../../workflows/urlaubsantrag.json");
    let w = fachwerk_shared::parse_workflow(text).unwrap();
    let json = serde_json::to_string(&w).unwrap();
    db.activate_workflow(KEY, "1.0.0", &json, &admin)
        .await
        .unwrap();
    let mut callers = BTreeMap::new();
    for (name, role) in [("anna", "R-BESCH"), ("vera", "R-VG"), ("viktor", "R-VG")] {
        let id = account(db, name, Role::Editor).await;
        let input = PersonInput {
            name: name.to_string(),
            account: Some(name.to_string()),
            roles: vec![RoleMembership {
                workflow: KEY.into(),
                role: role.into(),
            }],
            ..PersonInput::default()
        };
        db.save_person(None, &input).await.unwrap();
        callers.insert(name, caller(&id, name));
    }
    callers
}

fn leave() -> StartCase {
    let fields = json!({ "personalnummer": "4711", "urlaubsbeginn": "2026-03-16",
                         "urlaubsende": "2026-03-20", "arbeitstage": 5 });
    StartCase {
        workflow: KEY.into(),
        fields: serde_json::from_value(fields).unwrap(),
    }
}

async fn racing_completions_apply_once(db: &Database) {
    let people = office(db).await;
    let rt = runtime(db, "2026-03-02");
    for _ in 0..8 {
        let case = rt
            .start(&people["anna"], &leave(), None)
            .await
            .unwrap()
            .case;
        let task = db.tasks_of_case(&case.id).await.unwrap().remove(0);
        let ok = CompleteTask {
            exit: "ok".into(),
            ..CompleteTask::default()
        };
        let reject = CompleteTask {
            exit: "reject".into(),
            ..CompleteTask::default()
        };
        let (a, b) = tokio::join!(
            rt.complete(&people["vera"], &task.id, 1, &ok),
            rt.complete(&people["viktor"], &task.id, 1, &reject)
        );
        let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{a:?} / {b:?}");
        let loser = if a.is_err() { a } else { b };
        assert!(
            matches!(
                loser,
                Err(CaseError::Stale { .. }) | Err(CaseError::Refused { .. })
            ),
            "{loser:?}"
        );
        let audit = db.audit(&case.id).await.unwrap();
        assert_eq!(audit.iter().filter(|e| e.kind == "completed").count(), 1);
        let after = db.case(&case.id).await.unwrap().unwrap();
        assert_eq!(after.summary.revision, 2);
    }
}

async fn due_timers_fire_once_with_two_workers(db: &Database) {
    let people = office(db).await;
    let rt = runtime(db, "2026-03-02");
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            rt.start(&people["anna"], &leave(), None)
                .await
                .unwrap()
                .case
                .id,
        );
    }
    assert_eq!(rt.fire_due_timers(100).await.unwrap(), 0);
    let (a, b) = (runtime(db, "2026-03-20"), runtime(db, "2026-03-20"));
    let (x, y) = tokio::join!(a.fire_due_timers(100), b.fire_due_timers(100));
    assert_eq!(x.unwrap() + y.unwrap(), 5);
    // Restarted later: nothing fires twice.
    assert_eq!(
        runtime(db, "2026-04-01")
            .fire_due_timers(100)
            .await
            .unwrap(),
        0
    );
    for id in ids {
        let audit = db.audit(&id).await.unwrap();
        assert_eq!(
            audit.iter().filter(|e| e.kind == "timer").count(),
            1,
            "{audit:#?}"
        );
    }
}

async fn one_case_per_idempotency_key(db: &Database) {
    let people = office(db).await;
    let rt = runtime(db, "2026-03-02");
    let (anna, body) = (&people["anna"], leave());
    let (a, b, c) = tokio::join!(
        rt.start(anna, &body, Some("formular-7")),
        rt.start(anna, &body, Some("formular-7")),
        rt.start(anna, &body, Some("formular-7"))
    );
    let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
    assert_eq!(a.case.id, b.case.id);
    assert_eq!(a.case.id, c.case.id);
    assert_eq!(
        [a.created, b.created, c.created]
            .iter()
            .filter(|x| **x)
            .count(),
        1
    );
    assert_eq!(db.cases(Some(KEY), 10).await.unwrap().len(), 1);
}

both_drivers!(
    racing_completions_apply_once,
    due_timers_fire_once_with_two_workers,
    one_case_per_idempotency_key
);
