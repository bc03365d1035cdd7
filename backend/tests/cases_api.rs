//! Case processing over HTTP, the rules around the engine: activation pins versions, the
//! intake checks its body against the case schema and numbers cases, claims and completions
//! with the case revision (two clerks → one wins), deputies, and timers fired exactly once.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::{Method, Request, StatusCode};
use common::{Env, Resp};
use fachwerk_backend::cases::{CaseRuntime, RuntimeConfig};
use fachwerk_backend::users::Role;
use fachwerk_shared::values::Date;
use serde_json::{json, Value};

const TODAY: &str = "2026-03-02";

struct Office {
    env: Env,
    admin: String,
    reviewer: String,
}

/// The leave-request template in operation, with `anna` (employee), `vera` and `viktor`
/// (managers), `paul` (personnel office) and `rita` (registry) as persons.
async fn office() -> Office {
    let env = Env::with(|c| c.runtime.today = Date::parse(TODAY));
    let u = env.users().await;
    let r = env
        .post(
            "/api/workflows/urlaubsantrag/versions/1.0.0/activate",
            Some(&u.reviewer),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for (name, role) in [
        ("anna", "R-BESCH"),
        ("vera", "R-VG"),
        ("viktor", "R-VG"),
        ("paul", "R-PA"),
        ("rita", "R-REG"),
    ] {
        env.token(name, Role::Editor).await;
        let r = env
            .post(
                "/api/persons",
                Some(&u.admin),
                json!({ "name": name, "account": name,
                        "roles": [{ "workflow": "urlaubsantrag", "role": role }] }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    Office {
        env,
        admin: u.admin,
        reviewer: u.reviewer,
    }
}

fn leave() -> Value {
    json!({ "workflow": "urlaubsantrag", "fields": {
        "personalnummer": "4711", "urlaubsbeginn": "2026-03-16",
        "urlaubsende": "2026-03-20", "arbeitstage": 5 } })
}

impl Office {
    async fn token(&self, name: &str) -> String {
        self.env.token(name, Role::Editor).await
    }

    async fn start(&self, who: &str, body: Value) -> Resp {
        let t = self.token(who).await;
        self.env.post("/api/cases", Some(&t), body).await
    }

    async fn case(&self, id: &str) -> Value {
        let r = self
            .env
            .get(&format!("/api/cases/{id}"), Some(&self.admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()
    }

    async fn open_task(&self, case: &str) -> Value {
        self.case(case).await["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["status"] == "open")
            .cloned()
            .unwrap()
    }

    /// Paul completes `task` (at revision 1) through `ok`, setting `fields`.
    async fn complete_with(&self, task: &Value, fields: Value) -> Resp {
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!(
                "/api/tasks/{}/complete",
                task["id"].as_str().unwrap()
            ))
            .header(
                "authorization",
                format!("Bearer {}", self.token("paul").await),
            )
            .header("content-type", "application/json")
            .header("if-match", "\"1\"");
        let body = json!({ "exit": "ok", "fields": fields }).to_string();
        common::send(
            &self.env.app,
            req.body(axum::body::Body::from(body)).unwrap(),
        )
        .await
    }

    async fn complete(&self, who: &str, task: &Value, revision: Option<u64>, exit: &str) -> Resp {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(format!(
                "/api/tasks/{}/complete",
                task["id"].as_str().unwrap()
            ))
            .header("authorization", format!("Bearer {}", self.token(who).await))
            .header("content-type", "application/json");
        if let Some(r) = revision {
            req = req.header("if-match", format!("\"{r}\""));
        }
        let body = axum::body::Body::from(json!({ "exit": exit }).to_string());
        common::send(&self.env.app, req.body(body).unwrap()).await
    }
}

#[tokio::test]
async fn the_intake_checks_the_body_against_the_case_schema() {
    let o = office().await;
    // The schema is public and names the declared fields.
    let r = o
        .env
        .get("/api/runtime/workflows/urlaubsantrag/case-schema", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let schema = r.json();
    assert_eq!(schema["properties"]["workflow"]["const"], "urlaubsantrag");
    assert_eq!(
        schema["properties"]["fields"]["properties"]["arbeitstage"]["type"],
        "integer"
    );
    let required = schema["properties"]["fields"]["required"]
        .as_array()
        .unwrap();
    assert!(required.contains(&json!("personalnummer")));

    let mut body = leave();
    body["fields"]["arbeitstage"] = json!("fünf");
    let r = o.start("anna", body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["path"], "fields.arbeitstage");
    let mut body = leave();
    body["fields"]
        .as_object_mut()
        .unwrap()
        .remove("urlaubsbeginn");
    let r = o.start("anna", body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["path"], "fields.urlaubsbeginn");
    let mut body = leave();
    body["fields"]["hobby"] = json!("Segeln");
    let r = o.start("anna", body).await;
    assert_eq!(r.json()["path"], "fields.hobby", "{}", r.text);
    // An unknown workflow, or one not in operation.
    let r = o
        .start("anna", json!({ "workflow": "beschaffung", "fields": {} }))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    // Nothing was started, no number was used up by the refused bodies.
    let r = o.start("anna", leave()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["aktenzeichen"], "urlaubsantrag/2026/000001");
    assert_eq!(r.header("etag"), "\"1\"");
}

#[tokio::test]
async fn the_same_idempotency_key_gives_the_same_case() {
    let o = office().await;
    let t = o.token("anna").await;
    let send = |key: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/cases")
            .header("authorization", format!("Bearer {t}"))
            .header("content-type", "application/json")
            .header("idempotency-key", key.to_string())
            .body(axum::body::Body::from(leave().to_string()))
            .unwrap()
    };
    let (a, b) = tokio::join!(
        common::send(&o.env.app, send("portal-1")),
        common::send(&o.env.app, send("portal-1"))
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201], "{} / {}", a.text, b.text);
    assert_eq!(a.json()["id"], b.json()["id"]);
    let other = common::send(&o.env.app, send("portal-2")).await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert_ne!(other.json()["id"], a.json()["id"]);
    let r = o.env.get("/api/cases", Some(&o.admin)).await;
    assert_eq!(r.json().as_array().unwrap().len(), 2, "{}", r.text);
}

#[tokio::test]
async fn two_clerks_completing_the_same_task_one_wins() {
    let o = office().await;
    let case = o.start("anna", leave()).await.json();
    let id = case["id"].as_str().unwrap();
    let task = o.open_task(id).await;
    assert_eq!(task["role"], "R-VG");
    // Without If-Match: 428, nothing changed.
    let r = o.complete("vera", &task, None, "ok").await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED, "{}", r.text);
    // An exit the task does not have: 422 naming the rule.
    let r = o.complete("vera", &task, Some(1), "vielleicht").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["code"], "UNKNOWN_EXIT");
    // A task of another role: 403.
    let r = o.complete("paul", &task, Some(1), "ok").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(o.case(id).await["revision"], 1);

    let (a, b) = tokio::join!(
        o.complete("vera", &task, Some(1), "ok"),
        o.complete("viktor", &task, Some(1), "reject")
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    let after = o.case(id).await;
    assert_eq!(after["revision"], 2);
    let completions = after["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "completed")
        .count();
    assert_eq!(completions, 1);
    // The completed task again: 409, whatever revision.
    let r = o.complete("vera", &task, Some(2), "ok").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
}

#[tokio::test]
async fn claims_and_deputies() {
    let o = office().await;
    let id = o.start("anna", leave()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let task = o.open_task(&id).await;
    let task_id = task["id"].as_str().unwrap();
    let vera = o.token("vera").await;
    let viktor = o.token("viktor").await;
    let paul = o.token("paul").await;
    let r = o
        .env
        .post(
            &format!("/api/tasks/{task_id}/claim"),
            Some(&vera),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["claimedBy"], "vera");
    let r = o
        .env
        .post(
            &format!("/api/tasks/{task_id}/claim"),
            Some(&viktor),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json()["code"], "TASK_CLAIMED");
    let mine = o.env.get("/api/tasks", Some(&vera)).await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert!(o
        .env
        .get("/api/tasks", Some(&viktor))
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    // Viktor cannot complete what Vera claimed; after her release he can.
    let r = o.complete("viktor", &task, Some(1), "ok").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = o
        .env
        .post(
            &format!("/api/tasks/{task_id}/release"),
            Some(&vera),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json()["claimedBy"].is_null());

    // Paul stands in for the absent Vera: he sees and may take her role's tasks.
    assert!(o
        .env
        .get("/api/tasks?scope=roles", Some(&paul))
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    let persons = o.env.get("/api/persons", Some(&o.admin)).await.json();
    let id_of = |name: &str| {
        persons
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let r = o
        .env
        .call(
            Method::PUT,
            &format!("/api/persons/{}", id_of("vera")),
            Some(&o.admin),
            Some(
                json!({ "name": "vera", "account": "vera", "absent": true, "deputy": id_of("paul"),
                    "roles": [{ "workflow": "urlaubsantrag", "role": "R-VG" }] })
                .to_string(),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let listed = o
        .env
        .get("/api/tasks?scope=roles", Some(&paul))
        .await
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed:#}");
    // "Vertretung" (scope=deputy) lists only what Paul has as Vera's deputy; Viktor, who
    // holds the role himself and stands in for nobody, has nothing there.
    let deputy = o
        .env
        .get("/api/tasks?scope=deputy", Some(&paul))
        .await
        .json();
    assert_eq!(deputy.as_array().unwrap().len(), 1, "{deputy:#}");
    assert_eq!(deputy[0]["id"], task["id"]);
    let r = o.env.get("/api/tasks?scope=deputy", Some(&viktor)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json().as_array().unwrap().is_empty(), "{}", r.text);
    assert_eq!(
        o.env
            .get("/api/tasks?scope=roles", Some(&viktor))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // `limit` bounds the list: 1 to 5000, anything else names the parameter.
    let r = o
        .env
        .get("/api/tasks?scope=roles&limit=5000", Some(&paul))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for bad in ["0", "5001"] {
        let r = o
            .env
            .get(&format!("/api/tasks?scope=roles&limit={bad}"), Some(&paul))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json()["path"], "limit", "{}", r.text);
    }
    // Field values set at completion are typed like the intake's.
    let r = o
        .complete_with(&task, json!({ "arbeitstage": "vier" }))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = o.complete_with(&task, json!({ "arbeitstage": 4 })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let audit = o.case(&id).await["audit"].clone();
    let done = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "completed")
        .unwrap();
    assert_eq!(done["detail"]["fields"]["arbeitstage"], 4);
    assert_eq!(done["person"], "paul");
    // Bad organisation data: a role the workflow does not declare, a deputy that is none.
    let r = o
        .env
        .post(
            "/api/persons",
            Some(&o.admin),
            json!({ "name": "x", "roles": [{ "workflow": "urlaubsantrag", "role": "R-NIX" }] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["path"], "roles[0]");
    let r = o
        .env
        .post(
            "/api/persons",
            Some(&o.admin),
            json!({ "name": "x", "deputy": "nobody" }),
        )
        .await;
    assert_eq!(r.json()["path"], "deputy", "{}", r.text);
    let r = o
        .env
        .post(
            "/api/persons",
            Some(&o.admin),
            json!({ "name": "x", "signingLimit": "viel" }),
        )
        .await;
    assert_eq!(r.json()["path"], "signingLimit", "{}", r.text);
    // Only persons see task lists.
    let r = o.env.get("/api/tasks", Some(&o.reviewer)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(r.json()["code"], "NO_PERSON");
}

#[tokio::test]
async fn a_newer_version_in_operation_leaves_running_cases_alone() {
    let o = office().await;
    let u = o.env.users().await;
    let old = o.start("anna", leave()).await.json();
    // Publish 1.1.0 (a notice before the end) and take it into operation.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../workflows/urlaubsantrag.json"
    ))
    .unwrap();
    let mut w: Value = serde_json::from_str(&text).unwrap();
    w["description"] = json!("Mit geändertem Text.");
    w["blocks"][1]["params"]["instructions"] = json!("Dienstliche Belange prüfen.");
    let w = fachwerk_shared::to_canonical_json(
        &fachwerk_shared::parse_workflow(&w.to_string()).unwrap(),
    );
    o.env.publish(&u.editor, &u.reviewer, &w, "").await;
    let versions = o
        .env
        .get("/api/workflows/urlaubsantrag/versions", None)
        .await
        .json();
    let newest = versions.as_array().unwrap().last().unwrap()["version"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(newest, "1.0.0");
    let r = o
        .env
        .post(
            &format!("/api/workflows/urlaubsantrag/versions/{newest}/activate"),
            Some(&o.admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let new = o.start("anna", leave()).await.json();
    assert_eq!(new["version"], newest.as_str());
    assert_eq!(
        o.case(old["id"].as_str().unwrap()).await["version"],
        "1.0.0"
    );
    let listed = o
        .env
        .get("/api/runtime/workflows", Some(&o.admin))
        .await
        .json();
    let active: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["active"] == true)
        .collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["version"], newest.as_str());
    // The old case still completes on 1.0.0.
    let task = o.open_task(old["id"].as_str().unwrap()).await;
    let r = o.complete("vera", &task, Some(1), "ok").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timers_fire_once_also_with_two_workers() {
    let o = office().await;
    let id = o.start("anna", leave()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let runtime = |day: &str| {
        CaseRuntime::new(
            o.env.state.db.clone(),
            RuntimeConfig {
                today: Date::parse(day),
                ..RuntimeConfig::default()
            },
        )
    };
    // Not due yet on the day of the start.
    assert_eq!(runtime(TODAY).fire_due_timers(100).await.unwrap(), 0);
    // Two weeks later two workers race for the escalation; it fires once.
    let (a, b) = (runtime("2026-03-16"), runtime("2026-03-16"));
    let (x, y) = tokio::join!(a.fire_due_timers(100), b.fire_due_timers(100));
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(runtime("2026-03-17").fire_due_timers(100).await.unwrap(), 0);
    let case = o.case(&id).await;
    let fired: Vec<&Value> = case["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "timer")
        .collect();
    assert_eq!(fired.len(), 1, "{case:#}");
    // The escalation notified the deputy role; the task itself stays open.
    assert!(
        case["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "message"),
        "{case:#}"
    );
    assert_eq!(case["status"], "open");
}

fn fachwerk(data: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fachwerk"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env("FACHWERK_TODAY", TODAY)
        .env_remove("FACHWERK_DATABASE")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_starts_lists_shows_and_completes() {
    let o = office().await;
    let data = o.env.data();
    let (code, out, err) = fachwerk(
        &data,
        &[
            "case",
            "start",
            "urlaubsantrag",
            "--as",
            "anna",
            "--field",
            "personalnummer=4711",
            "--field",
            "urlaubsbeginn=2026-03-16",
            "--field",
            "urlaubsende=2026-03-20",
            "--field",
            "arbeitstage=5",
            "--idempotency-key",
            "cli-1",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let case: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(case["aktenzeichen"], "urlaubsantrag/2026/000001");
    let id = case["id"].as_str().unwrap();
    let (code, out, _) = fachwerk(&data, &["case", "list", "--as", "vera"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("urlaubsantrag/2026/000001\topen\t1.0.0"),
        "{out}"
    );
    let (code, out, _) = fachwerk(&data, &["case", "show", id, "--as", "vera"]);
    assert_eq!(code, 0);
    let view: Value = serde_json::from_str(&out).unwrap();
    let task = view["tasks"][0]["id"].as_str().unwrap().to_string();
    // Paul is not a manager: refused with the rule's code, exit code 1.
    let (code, _, err) = fachwerk(
        &data,
        &["case", "complete", &task, "--exit", "ok", "--as", "paul"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("NOT_IN_ROLE"), "{err}");
    let (code, out, err) = fachwerk(
        &data,
        &["case", "complete", &task, "--exit", "ok", "--as", "vera"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["revision"], 2);
    // The server sees what the command line did.
    let after = o.case(id).await;
    assert_eq!(after["route"][1], "genehmigen");
    let (code, _, err) = fachwerk(
        &data,
        &[
            "case",
            "start",
            "urlaubsantrag",
            "--as",
            "anna",
            "--field",
            "arbeitstage=fünf",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("arbeitstage"), "{err}");
}
