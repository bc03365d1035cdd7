//! Case processing at scale (`cargo xtask bench`): 10,000 open cases with 50,000 tasks on
//! SQLite and on PostgreSQL, "my tasks" and "my roles' tasks" p50/p95 (target p95 ≤ 50 ms);
//! then 20 concurrent clerks completing tasks through the engine on PostgreSQL (target
//! ≥ 200 completions/s), checked afterwards: none lost, none applied twice.
//!
//! PostgreSQL comes from the tests' throwaway cluster (`tests/db_support`).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "../tests/db_support/mod.rs"]
mod db_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fachwerk_backend::auth::{Caller, Via};
use fachwerk_backend::cases::{CaseError, CaseRuntime, RuntimeConfig};
use fachwerk_backend::db::{CaseChange, Database, NewCase, NewTask};
use fachwerk_backend::users::Role;
use fachwerk_shared::api::{CaseStatus, CompleteTask, PersonInput, RoleMembership, StartCase};
use fachwerk_shared::values::Date;

const CASES: usize = 10_000;
const TASKS_PER_CASE: usize = 5;
const ROLES: usize = 20;
const PERSONS: usize = 200;
const QUERIES: usize = 300;
const CLERKS: usize = 20;
const COMPLETIONS: usize = 1_000;
const KEY: &str = "urlaubsantrag";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

async fn activate(db: &Database) -> String {
    let admin = db_support::account(db, "admin", Role::Admin).await;
    let w = fachwerk_shared::parse_workflow(include_str!("../../workflows/urlaubsantrag.json"))
        .unwrap();
    db.activate_workflow(KEY, "1.0.0", &serde_json::to_string(&w).unwrap(), &admin)
        .await
        .unwrap();
    admin
}

/// 10,000 cases with five open tasks each: four of one of 20 roles, one assigned to a person.
/// Written through the store (the engine's state is not needed for the lists).
async fn seed(db: &Database) -> Vec<String> {
    let admin = activate(db).await;
    let mut persons = Vec::new();
    for p in 0..PERSONS {
        let roles = (0..2)
            .map(|k| RoleMembership {
                workflow: KEY.into(),
                role: format!("R-{}", (p + k * 7) % ROLES),
            })
            .collect();
        let input = PersonInput {
            name: format!("Person {p}"),
            roles,
            ..PersonInput::default()
        };
        // Roles are written as given (the service checks them against the workflow).
        match db.save_person(None, &input).await.unwrap() {
            fachwerk_backend::db::PersonSave::Saved(person) => persons.push(person.id),
            other => panic!("{other:?}"),
        }
    }
    let next = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for _ in 0..4 {
        let (db, next, persons, admin) = (db.clone(), next.clone(), persons.clone(), admin.clone());
        writers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= CASES {
                    break;
                }
                let mut start = CaseChange::new("{}".into(), CaseStatus::Open);
                for t in 0..TASKS_PER_CASE {
                    let assigned = t == TASKS_PER_CASE - 1;
                    start.opened.push(NewTask {
                        engine_task: format!("b{t}@1"),
                        block: format!("b{t}"),
                        label: format!("Aufgabe {t}"),
                        role: (!assigned).then(|| format!("R-{}", (i + t) % ROLES)),
                        assignee: assigned.then(|| persons[i % PERSONS].clone()),
                        exits: vec!["ok".into()],
                        excluded: Vec::new(),
                        due: Some(format!("2026-03-{:02}", 1 + (i + t) % 28)),
                    });
                }
                db.insert_case(&NewCase {
                    id: format!("case-{i}"),
                    aktenzeichen: format!("{KEY}/2026/{i:06}"),
                    workflow_key: KEY.into(),
                    version: "1.0.0".into(),
                    initiator_id: None,
                    created_by: admin.clone(),
                    idempotency_key: None,
                    start,
                })
                .await
                .unwrap();
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    persons
}

async fn lists(name: &str, db: &Database) {
    let started = Instant::now();
    let persons = seed(db).await;
    println!(
        "{name}: seeded {CASES} cases / {} tasks in {:.1} s",
        CASES * TASKS_PER_CASE,
        started.elapsed().as_secs_f64()
    );
    let (mut mine, mut roles) = (Vec::new(), Vec::new());
    let mut sizes = (0, 0);
    for q in 0..QUERIES {
        let person = &persons[(q * 37) % persons.len()];
        let t = Instant::now();
        sizes.0 += db.my_tasks(person, 100).await.unwrap().len();
        mine.push(t.elapsed());
        let t = Instant::now();
        sizes.1 += db.role_tasks(person, 100).await.unwrap().len();
        roles.push(t.elapsed());
    }
    mine.sort();
    roles.sort();
    println!(
        "{name}: my tasks       p50 {}  p95 {}  ({} rows per list on average)",
        ms(percentile(&mine, 0.5)),
        ms(percentile(&mine, 0.95)),
        sizes.0 / QUERIES
    );
    println!(
        "{name}: my roles' tasks p50 {}  p95 {}  ({} rows per list, at most 100)",
        ms(percentile(&roles, 0.5)),
        ms(percentile(&roles, 0.95)),
        sizes.1 / QUERIES
    );
}

/// 20 clerks take open tasks from one shared list and complete them through the engine;
/// collisions (two clerks, one task) must end in exactly one completion.
async fn completions(db: &Database) {
    activate(db).await;
    let mut callers = Vec::new();
    for (name, role) in std::iter::once(("anna".to_string(), "R-BESCH"))
        .chain((0..CLERKS).map(|c| (format!("clerk{c}"), "R-VG")))
    {
        let id = db_support::account(db, &name, Role::Editor).await;
        let input = PersonInput {
            name: name.clone(),
            account: Some(name.clone()),
            roles: vec![RoleMembership {
                workflow: KEY.into(),
                role: role.into(),
            }],
            ..PersonInput::default()
        };
        db.save_person(None, &input).await.unwrap();
        callers.push(Caller {
            id,
            name,
            role: Role::Editor,
            via: Via::CommandLine,
            csrf: None,
            must_change_password: false,
        });
    }
    let runtime = CaseRuntime::new(
        db.clone(),
        RuntimeConfig {
            today: Date::parse("2026-03-02"),
            ..RuntimeConfig::default()
        },
    );
    let fields = serde_json::json!({ "personalnummer": "4711", "urlaubsbeginn": "2026-03-16",
                                     "urlaubsende": "2026-03-20", "arbeitstage": 5 });
    let body = StartCase {
        workflow: KEY.into(),
        fields: serde_json::from_value(fields).unwrap(),
    };
    let mut tasks = Vec::new();
    for _ in 0..COMPLETIONS {
        let case = runtime.start(&callers[0], &body, None).await.unwrap().case;
        tasks.push(db.tasks_of_case(&case.id).await.unwrap().remove(0).id);
    }
    let tasks = Arc::new(tasks);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut clerks = Vec::new();
    for c in 0..CLERKS {
        let (runtime, tasks, next) = (runtime.clone(), tasks.clone(), next.clone());
        let caller = callers[c + 1].clone();
        clerks.push(tokio::spawn(async move {
            let (mut won, mut lost) = (0usize, 0usize);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= tasks.len() {
                    break;
                }
                // Every fifth pick also tries the task before: a collision with the clerk
                // who took it (or a double click after the completion).
                let picks = if i % 5 == 0 && i > 0 {
                    vec![i, i - 1]
                } else {
                    vec![i]
                };
                for k in picks {
                    let ok = CompleteTask {
                        exit: "ok".into(),
                        ..CompleteTask::default()
                    };
                    match runtime.complete(&caller, &tasks[k], 1, &ok).await {
                        Ok(_) => won += 1,
                        Err(CaseError::Stale { .. } | CaseError::Refused { .. }) => lost += 1,
                        Err(e) => panic!("{e}"),
                    }
                }
            }
            (won, lost)
        }));
    }
    let (mut won, mut lost) = (0, 0);
    for c in clerks {
        let (w, l) = c.await.unwrap();
        won += w;
        lost += l;
    }
    let wall = started.elapsed();
    // None lost, none doubled: every task completed exactly once, every case at revision 2.
    let mut completed = 0;
    for case in db.cases(Some(KEY), 100_000).await.unwrap() {
        assert_eq!(case.revision, 2, "{case:?}");
        let audit = db.audit(&case.id).await.unwrap();
        completed += audit.iter().filter(|e| e.kind == "completed").count();
    }
    assert_eq!(completed, COMPLETIONS);
    assert_eq!(won, COMPLETIONS);
    println!(
        "postgres: {CLERKS} clerks, {won} completions in {:.2} s = {:.0}/s ({lost} collisions refused, none lost or doubled)",
        wall.as_secs_f64(),
        won as f64 / wall.as_secs_f64()
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sqlite = db_support::sqlite().await;
        lists("sqlite", &sqlite.db).await;
        let pg = db_support::postgres().await;
        lists("postgres", &pg.db).await;
        let pg = db_support::postgres().await;
        completions(&pg.db).await;
    });
}
