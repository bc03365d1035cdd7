//! The done-test of case processing: the procurement template (`workflows/beschaffung.json`)
//! in operation, driven over HTTP like clerks would, on SQLite and on PostgreSQL — intake,
//! tasks for the right roles, a refused self-approval at the Vier-Augen-Prüfung, the approval
//! by a second person, the end — and the route equals the Probelauf's for the same decisions.
#![allow(clippy::unwrap_used)]

use crate::common;
use crate::db_support;

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use common::{Env, Resp};
use fachwerk_backend::users::Role;
use fachwerk_shared::simulate::{positive_port, simulate_scripted, CaseInput};
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

const TODAY: &str = "2026-03-02";

/// The clerks: account name → roles of `beschaffung`. `sam` works in the central purchasing
/// and is also deputy head of department, so he could approve his own price comparison.
const CLERKS: &[(&str, &[&str])] = &[
    ("bea", &["R-BEDARF"]),
    ("sam", &["R-SB", "R-FBL"]),
    ("fritz", &["R-FBL"]),
    ("berta", &["R-BM"]),
    ("vera", &["R-VST"]),
    ("kai", &["R-KAEM"]),
    ("regina", &["R-REG"]),
];

struct Office {
    env: Env,
    admin: String,
    /// account name → bearer token
    tokens: BTreeMap<&'static str, String>,
    /// account name → the person's stable id
    persons: BTreeMap<&'static str, String>,
}

async fn office(database: Option<String>) -> Office {
    let env = Env::with(|c| {
        c.database = database;
        c.runtime.today = Date::parse(TODAY);
    });
    let u = env.users().await;
    let r = env
        .post(
            "/api/workflows/beschaffung/versions/1.0.0/activate",
            Some(&u.editor),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "editors do not activate");
    let r = env
        .post(
            "/api/workflows/beschaffung/versions/1.0.0/activate",
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["active"], true);
    let mut tokens = BTreeMap::new();
    let mut persons = BTreeMap::new();
    for (name, roles) in CLERKS {
        tokens.insert(*name, env.token(name, Role::Editor).await);
        let roles: Vec<Value> = roles
            .iter()
            .map(|r| json!({ "workflow": "beschaffung", "role": r }))
            .collect();
        let r = env
            .post(
                "/api/persons",
                Some(&u.admin),
                json!({ "name": format!("{name} (Person)"), "account": name, "roles": roles }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        persons.insert(*name, r.json()["id"].as_str().unwrap().to_string());
    }
    Office {
        env,
        admin: u.admin,
        tokens,
        persons,
    }
}

impl Office {
    fn token(&self, name: &str) -> &str {
        &self.tokens[name]
    }

    async fn case(&self, id: &str) -> Value {
        let r = self
            .env
            .get(&format!("/api/cases/{id}"), Some(&self.admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()
    }

    async fn complete(&self, who: &str, task: &str, revision: u64, exit: &str) -> Resp {
        let body = json!({ "exit": exit }).to_string();
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri(format!("/api/tasks/{task}/complete"))
            .header("authorization", format!("Bearer {}", self.token(who)))
            .header("content-type", "application/json")
            .header("if-match", format!("\"{revision}\""))
            .body(axum::body::Body::from(body))
            .unwrap();
        common::send(&self.env.app, req).await
    }
}

/// The clerks who hold `role`, in the order they try.
fn holders(role: &str) -> Vec<&'static str> {
    CLERKS
        .iter()
        .filter(|(_, roles)| role == "*" || roles.contains(&role))
        .map(|(name, _)| *name)
        .collect()
}

/// A refused attempt: block, clerk, rule code.
type Refusal = (String, String, String);

/// Works the case to its end: each open task is taken by the first holder of its role who
/// may (a refusal must change nothing), through the positive exit. Returns the refusals.
async fn work_off(o: &Office, case_id: &str) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    for _ in 0..50 {
        let case = o.case(case_id).await;
        if case["status"] != "open" {
            return refusals;
        }
        let task = case["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["status"] == "open")
            .cloned()
            .unwrap_or_else(|| panic!("an open case without open tasks: {case:#}"));
        // A task of no particular role goes to anyone working on procurements.
        let role = task["role"].as_str().unwrap_or("*");
        let exits: Vec<String> = serde_json::from_value(task["exits"].clone()).unwrap();
        let exit = if exits.iter().any(|e| e == "approve") {
            "approve".to_string()
        } else {
            positive_port(&exits)
        };
        let id = task["id"].as_str().unwrap();
        let mut done = false;
        for who in holders(role) {
            let listed = o
                .env
                .get("/api/tasks?scope=roles", Some(o.token(who)))
                .await
                .json()
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["id"] == id);
            let revision = o.case(case_id).await["revision"].as_u64().unwrap();
            let r = o.complete(who, id, revision, &exit).await;
            if r.status == StatusCode::OK {
                assert!(listed, "{who} holds {role} but does not see {id}");
                done = true;
                break;
            }
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
            let problem = r.json();
            // Whom a person rule keeps from the task does not find it in their roles' list.
            let kept_out = ["SAME_AS_FIRST_CHECK", "DISTINCT_FROM", "INITIATOR"]
                .contains(&problem["code"].as_str().unwrap_or_default());
            assert_eq!(listed, !kept_out, "{who} and {id}: {}", r.text);
            assert!(problem["detailEn"].as_str().is_some_and(|d| !d.is_empty()));
            // The refusal names the clerk, not their internal id.
            let detail = problem["detail"].as_str().unwrap();
            assert!(detail.contains(&format!("{who} (Person)")), "{detail}");
            assert!(!detail.contains(&o.persons[who]), "{detail}");
            let after = o.case(case_id).await;
            assert_eq!(
                after["revision"].as_u64().unwrap(),
                revision,
                "a refusal changed the case"
            );
            // Claiming is refused by the same rule.
            let claim = o
                .env
                .post(
                    &format!("/api/tasks/{id}/claim"),
                    Some(o.token(who)),
                    json!({}),
                )
                .await;
            assert_eq!(claim.status, StatusCode::FORBIDDEN, "{}", claim.text);
            assert_eq!(claim.json()["code"], problem["code"]);
            refusals.push((
                task["block"].as_str().unwrap().to_string(),
                who.to_string(),
                problem["code"].as_str().unwrap().to_string(),
            ));
        }
        assert!(done, "nobody could complete {task:#}");
    }
    panic!("the case did not end in 50 tasks");
}

/// The Probelauf's route for the same case with the positive decisions.
fn probelauf_route(amount: &str) -> Vec<String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/beschaffung.json"
    ))
    .unwrap();
    let w = fachwerk_shared::parse_workflow(&text).unwrap();
    let input = CaseInput {
        start_date: TODAY.into(),
        fields: fields(amount).into_iter().collect(),
        ..CaseInput::default()
    };
    let trace = simulate_scripted(&w, &input);
    trace.route().into_iter().map(str::to_string).collect()
}

fn fields(amount: &str) -> BTreeMap<String, Value> {
    [
        ("betragNetto", json!(amount)),
        ("gegenstand", json!("Dienstfahrräder")),
        ("haushaltsstelle", json!("1.1.1.01.7831")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn procurement(o: &Office, amount: &str, key: &str) -> (Vec<String>, Vec<Refusal>) {
    let body = json!({ "workflow": "beschaffung", "fields": fields(amount) }).to_string();
    let start = |key: &'static str| {
        axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/cases")
            .header("authorization", format!("Bearer {}", o.token("bea")))
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(axum::body::Body::from(body.clone()))
            .unwrap()
    };
    let key: &'static str = Box::leak(key.to_string().into_boxed_str());
    let r = common::send(&o.env.app, start(key)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let case = r.json();
    let id = case["id"].as_str().unwrap().to_string();
    assert!(case["aktenzeichen"]
        .as_str()
        .unwrap()
        .starts_with("beschaffung/2026/"));
    // The same key again: the same case, nothing new.
    let again = common::send(&o.env.app, start(key)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.json()["id"], case["id"]);

    // The first task belongs to the central purchasing.
    let view = o.case(&id).await;
    let open: Vec<&Value> = view["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "open")
        .collect();
    assert_eq!(open.len(), 1, "{view:#}");
    assert_eq!(open[0]["block"], "bedarf-pruefen");
    assert_eq!(open[0]["role"], "R-SB");
    // Someone without the role may not take it (and learns which rule says so).
    let r = o
        .complete("bea", open[0]["id"].as_str().unwrap(), 1, "ok")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(r.json()["code"], "NOT_IN_ROLE");

    let refusals = work_off(o, &id).await;
    let done = o.case(&id).await;
    assert_eq!(done["status"], "ended", "{done:#}");
    let route: Vec<String> = serde_json::from_value(done["route"].clone()).unwrap();
    assert_eq!(route, probelauf_route(amount), "amount {amount}");
    // The audit trail names who did what, in order.
    let audit = done["audit"].as_array().unwrap();
    assert_eq!(audit[0]["kind"], "started");
    assert_eq!(audit[0]["person"], "bea (Person)");
    assert!(audit
        .windows(2)
        .all(|w| w[0]["seq"].as_u64() < w[1]["seq"].as_u64()));
    let completions = audit.iter().filter(|a| a["kind"] == "completed").count();
    let tasks_done = done["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "done")
        .count();
    assert_eq!(completions, tasks_done, "{audit:#?}");
    (route, refusals)
}

async fn three_amounts(database: Option<String>) {
    let o = office(database).await;

    let (route, refusals) = procurement(&o, "12400.00", "antrag-12400").await;
    assert!(route.contains(&"preis-pruefen".to_string()), "{route:?}");
    assert!(route.contains(&"schlusszeichnung".to_string()), "{route:?}");
    assert_eq!(route.last().unwrap(), "ende");
    // Sam compared the prices, so he may not check them himself; Fritz does.
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(refusals[0].0, "preis-pruefen");
    assert_eq!(refusals[0].1, "sam");
    assert!(
        ["SAME_AS_FIRST_CHECK", "DISTINCT_FROM"].contains(&refusals[0].2.as_str()),
        "{refusals:?}"
    );

    let (route, refusals) = procurement(&o, "800.00", "antrag-800").await;
    assert!(
        route.contains(&"direktauftrag-erteilen".to_string()),
        "{route:?}"
    );
    assert!(!route.iter().any(|b| b == "schlusszeichnung"), "{route:?}");
    assert!(refusals.is_empty(), "{refusals:?}");

    let (route, refusals) = procurement(&o, "80000.00", "antrag-80000").await;
    for block in [
        "vergabe-vorbereiten",
        "vermerk-pruefen",
        "mitzeichnung",
        "schlusszeichnung",
    ] {
        assert!(
            route.iter().any(|b| b == block),
            "{block} missing in {route:?}"
        );
    }
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(refusals[0].0, "vermerk-pruefen");

    // Three cases, numbered in order.
    let r = o.env.get("/api/cases", Some(&o.admin)).await;
    let mut numbers: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["aktenzeichen"].as_str().unwrap().to_string())
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        [
            "beschaffung/2026/000001",
            "beschaffung/2026/000002",
            "beschaffung/2026/000003"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procurement_on_sqlite() {
    three_amounts(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procurement_on_postgres() {
    three_amounts(Some(db_support::postgres_url().await)).await;
}
