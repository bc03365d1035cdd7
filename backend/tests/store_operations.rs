//! The queries behind `/api/ready` and the gauges of `/metrics` on both drivers: the ping,
//! the number of open cases and of overdue tasks (due before today, tasks without a due date
//! never count); and the login failures several server processes share (counted atomically).
#![allow(clippy::unwrap_used)]

use crate::db_support;

use db_support::account;
use fachwerk_backend::auth::{Caller, Via};
use fachwerk_backend::cases::{CaseRuntime, RuntimeConfig};
use fachwerk_backend::db::Database;
use fachwerk_backend::users::Role;
use fachwerk_shared::api::{PersonInput, RoleMembership, StartCase};
use fachwerk_shared::values::Date;
use serde_json::json;

const KEY: &str = "urlaubsantrag";

/// The leave-request template in operation and `anna` holding its employee role; returns
/// her caller.
async fn anna(db: &Database) -> Caller {
    let admin = account(db, "admin", Role::Admin).await;
    let w = fachwerk_shared::parse_workflow(include_str!("../../workflows/urlaubsantrag.json"))
        .unwrap();
    let json = serde_json::to_string(&w).unwrap();
    db.activate_workflow(KEY, "1.0.0", &json, &admin)
        .await
        .unwrap();
    let id = account(db, "anna", Role::Editor).await;
    let input = PersonInput {
        name: "anna".into(),
        account: Some("anna".into()),
        roles: vec![RoleMembership {
            workflow: KEY.into(),
            role: "R-BESCH".into(),
        }],
        ..PersonInput::default()
    };
    db.save_person(None, &input).await.unwrap();
    Caller {
        id,
        name: "anna".into(),
        role: Role::Editor,
        via: Via::CommandLine,
        csrf: None,
        must_change_password: false,
    }
}

async fn gauges_count_open_cases_and_overdue_tasks(db: &Database) {
    db.ping().await.unwrap();
    assert_eq!(db.open_case_count().await.unwrap(), 0);
    assert_eq!(db.overdue_task_count("2026-03-02").await.unwrap(), 0);
    let anna = anna(db).await;
    let rt = CaseRuntime::new(
        db.clone(),
        RuntimeConfig {
            today: Date::parse("2026-03-02"),
            ..RuntimeConfig::default()
        },
    );
    let fields = json!({ "personalnummer": "4711", "urlaubsbeginn": "2026-03-16",
                         "urlaubsende": "2026-03-20", "arbeitstage": 5 });
    let start = StartCase {
        workflow: KEY.into(),
        fields: serde_json::from_value(fields).unwrap(),
    };
    let case = rt.start(&anna, &start, None).await.unwrap().case;
    assert_eq!(db.open_case_count().await.unwrap(), 1);
    let tasks = db.tasks_of_case(&case.id).await.unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let due = tasks[0].due.clone().expect("the first task has a Frist");
    // On its due day a task is not overdue yet; the day after it is.
    assert_eq!(db.overdue_task_count(&due).await.unwrap(), 0);
    let next_day = fachwerk_shared::simulate::calendar::add_days(Date::parse(&due).unwrap(), 1);
    assert_eq!(
        db.overdue_task_count(&next_day.to_string()).await.unwrap(),
        1
    );
}

async fn ping_fails_on_a_closed_database(db: &Database) {
    db.ping().await.unwrap();
    db.close().await;
    assert!(db.ping().await.is_err());
}

const HOUR_MS: i64 = 3_600_000;

async fn login_failures_count_atomically(db: &Database) {
    let (scope, now) = ("account:erika", 1_000_000_000);
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let db = db.clone();
        racing.spawn(async move { db.count_login_failure(scope, now, HOUR_MS).await.unwrap() });
    }
    let mut counts = racing.join_all().await;
    counts.sort_unstable();
    assert_eq!(counts, (1..=20).collect::<Vec<i64>>());
    let other = "client:10.0.0.1";
    assert_eq!(db.login_blocked_until([scope, other]).await.unwrap(), 0);
    db.block_login(scope, now + 5000).await.unwrap();
    db.block_login(scope, now + 1000).await.unwrap(); // never shortens
    assert_eq!(
        db.login_blocked_until([other, scope]).await.unwrap(),
        now + 5000
    );
    // An hour after the last failure the count starts over.
    assert_eq!(
        db.count_login_failure(scope, now + HOUR_MS, HOUR_MS)
            .await
            .unwrap(),
        1
    );
    db.clear_login_failures(scope).await.unwrap();
    assert_eq!(db.login_blocked_until([scope, other]).await.unwrap(), 0);
}

async fn rate_windows_count_atomically_and_start_over(db: &Database) {
    let (scope, now, minute) = ("validate:10.0.0.1", 1_000_000_000, 60_000);
    let mut racing = tokio::task::JoinSet::new();
    for n in 0..20 {
        let db = db.clone();
        racing.spawn(async move { db.count_rate_hit(scope, now + n, minute).await.unwrap() });
    }
    let mut hits: Vec<i64> = racing
        .join_all()
        .await
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    hits.sort_unstable();
    assert_eq!(hits, (1..=20).collect::<Vec<i64>>());
    // The window keeps its start until it has run out, then starts over.
    assert_eq!(
        db.count_rate_hit(scope, now + 59_999, minute)
            .await
            .unwrap()
            .0,
        21
    );
    let (hits, start) = db
        .count_rate_hit(scope, now + 70_000, minute)
        .await
        .unwrap();
    assert_eq!((hits, start), (1, now + 70_000));
}

both_drivers!(
    rate_windows_count_atomically_and_start_over,
    gauges_count_open_cases_and_overdue_tasks,
    ping_fails_on_a_closed_database,
    login_failures_count_atomically,
);
