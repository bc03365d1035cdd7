//! Authorisation matrix: every route × {anonymous, editor (owner), reviewer, admin, other
//! editor} → expected status. Each case gets fresh fixtures so cases do not interfere, and the
//! table must list exactly the routes of the OpenAPI document.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{header, Method, Request};
use common::{workflow, workflow_with_notice, Env, Users};
use fachwerk_backend::db::{
    token_hash, Applied, CaseChange, LinkPurpose, NewDelivery, NewDocument,
};
use fachwerk_shared::api::{CaseStatus, DeliveryKind, DocumentSource};
use serde_json::json;

#[derive(Clone, Copy, Debug)]
enum Fixture {
    None,
    /// A draft of the editor, not under review.
    Draft,
    /// A draft of the editor with a pending publication request.
    DraftUnderReview,
    /// A pending publication request of the editor (new workflow).
    Publication,
    /// A fresh user account.
    User,
    /// A template source added by the admin (its fetch has ended).
    Source,
    /// A draft of the editor imported from the own catalogue's `matrix` 1.0.0 (1.1.0 exists).
    ImportedDraft,
    /// An API token of the editor.
    Token,
    /// `matrix` 1.0.0 in operation and the editor a person holding its role `R-SB`.
    Clerk,
    /// `Clerk`, and a case the editor started (its first task open).
    Case,
    /// `Case` with the task claimed by the editor.
    ClaimedTask,
    /// A person of the organisation.
    Person,
    /// `Case` with an outbox row (the path's `{id}`).
    Delivery,
    /// `Case` with a stored document (`{id}` the case, `{doc}` the document).
    Document,
    /// `Case` with a payment request for its first task (`{task}`); the task is no Zahlung,
    /// so paying it is refused by the engine after the role check.
    Payment,
    /// `Case` with an applicant's one-time link (`{token}`; its task is no Rückfrage, so an
    /// answer finds the query closed).
    Link,
}

#[derive(Clone, Copy)]
enum Payload {
    Empty,
    Workflow,
    Json(&'static str),
    /// `{"draftId": <fixture draft>}`.
    DraftRef,
    /// A new user with a unique name.
    NewUser,
    /// A new template source with a unique address.
    NewSource,
    /// A login with a wrong password, each for another account (no back-off kicks in).
    WrongLogin,
    /// An applicant's answer (multipart: `answer`).
    Answer,
}

struct Row {
    method: Method,
    path: &'static str,
    fixture: Fixture,
    payload: Payload,
    /// anonymous, editor (owner), reviewer, admin, other editor
    expect: [u16; 5],
}

const CALLERS: [&str; 5] = ["anonymous", "editor", "reviewer", "admin", "other editor"];

fn row(
    method: Method,
    path: &'static str,
    fixture: Fixture,
    payload: Payload,
    expect: [u16; 5],
) -> Row {
    Row {
        method,
        path,
        fixture,
        payload,
        expect,
    }
}

fn table() -> Vec<Row> {
    use Fixture as F;
    use Payload as P;
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    vec![
        row(
            get.clone(),
            "/api/health",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/ready",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/openapi.json",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/workflows/validate",
            F::None,
            P::Workflow,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/workflows",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/workflows/{key}",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/workflows/{key}/versions",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/workflows/{key}/versions/{version}",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/session",
            F::None,
            P::WrongLogin,
            [401, 401, 401, 401, 401],
        ),
        row(
            get.clone(),
            "/api/session",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            delete.clone(),
            "/api/session",
            F::None,
            P::Empty,
            [401, 204, 204, 204, 204],
        ),
        // Single sign-on is browser navigation for anyone; not configured here, so not found.
        row(
            get.clone(),
            "/api/oidc/login",
            F::None,
            P::Empty,
            [404, 404, 404, 404, 404],
        ),
        row(
            get.clone(),
            "/api/oidc/callback",
            F::None,
            P::Empty,
            [404, 404, 404, 404, 404],
        ),
        // Everyone changes their own password; the admin's is not the test password (403).
        row(
            put.clone(),
            "/api/session/password",
            F::None,
            P::Json(
                r#"{"currentPassword":"passwort-fuer-tests","newPassword":"Neues-Passwort-fuer-Tests-1"}"#,
            ),
            [401, 200, 200, 403, 200],
        ),
        row(
            post.clone(),
            "/api/users/{name}/password-reset",
            F::User,
            P::Empty,
            [401, 403, 403, 200, 403],
        ),
        row(
            post.clone(),
            "/api/tokens",
            F::None,
            P::Json(r#"{"label":"x"}"#),
            [401, 201, 201, 201, 201],
        ),
        row(
            get.clone(),
            "/api/tokens",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        // Someone else's token is not confirmed to exist (404), except to the admin.
        row(
            delete.clone(),
            "/api/tokens/{id}",
            F::Token,
            P::Empty,
            [401, 204, 404, 204, 404],
        ),
        // Pushing the catalogue is the admins' concern (no remote configured here: 409).
        row(
            get.clone(),
            "/api/remote",
            F::None,
            P::Empty,
            [401, 403, 403, 200, 403],
        ),
        row(
            post.clone(),
            "/api/remote/push",
            F::None,
            P::Empty,
            [401, 403, 403, 409, 403],
        ),
        row(
            get.clone(),
            "/api/drafts",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/drafts",
            F::None,
            P::Workflow,
            [401, 201, 403, 201, 201],
        ),
        row(
            get.clone(),
            "/api/drafts/{id}",
            F::Draft,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            get.clone(),
            "/api/drafts/{id}",
            F::DraftUnderReview,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            put.clone(),
            "/api/drafts/{id}",
            F::Draft,
            P::Workflow,
            [401, 200, 403, 403, 403],
        ),
        row(
            delete.clone(),
            "/api/drafts/{id}",
            F::Draft,
            P::Empty,
            [401, 204, 403, 403, 403],
        ),
        row(
            get.clone(),
            "/api/publications",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/publications",
            F::Draft,
            P::DraftRef,
            [401, 201, 403, 403, 403],
        ),
        row(
            get.clone(),
            "/api/publications/{id}",
            F::Publication,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            post.clone(),
            "/api/publications/{id}/approve",
            F::Publication,
            P::Empty,
            [401, 403, 200, 200, 403],
        ),
        row(
            post.clone(),
            "/api/publications/{id}/reject",
            F::Publication,
            P::Json(r#"{"comment":"Nein."}"#),
            [401, 403, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/users",
            F::None,
            P::Empty,
            [401, 403, 403, 200, 403],
        ),
        row(
            post.clone(),
            "/api/users",
            F::None,
            P::NewUser,
            [401, 403, 403, 201, 403],
        ),
        row(
            delete.clone(),
            "/api/users/{name}",
            F::User,
            P::Empty,
            [401, 403, 403, 204, 403],
        ),
        row(
            get.clone(),
            "/api/sources",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/sources",
            F::None,
            P::NewSource,
            [401, 403, 403, 202, 403],
        ),
        row(
            get.clone(),
            "/api/sources/{id}",
            F::Source,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            delete.clone(),
            "/api/sources/{id}",
            F::Source,
            P::Empty,
            [401, 403, 403, 204, 403],
        ),
        row(
            post.clone(),
            "/api/sources/{id}/fetch",
            F::Source,
            P::Empty,
            [401, 202, 403, 202, 202],
        ),
        row(
            get.clone(),
            "/api/templates",
            F::None,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/templates/import",
            F::None,
            P::Json(r#"{"sourceId":"own","key":"matrix","version":"1.0.0"}"#),
            [401, 201, 403, 201, 201],
        ),
        row(
            get.clone(),
            "/api/drafts/{id}/upstream",
            F::ImportedDraft,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/drafts/{id}/merge-upstream",
            F::ImportedDraft,
            P::Json(r#"{"choices":[]}"#),
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/workflows/{key}/versions/{version}/activate",
            F::None,
            P::Empty,
            [401, 403, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/runtime/workflows",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/runtime/workflows/{key}/case-schema",
            F::Clerk,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/persons",
            F::None,
            P::Empty,
            [401, 403, 403, 200, 403],
        ),
        row(
            post.clone(),
            "/api/persons",
            F::None,
            P::Json(r#"{"name":"Neue Person"}"#),
            [401, 403, 403, 201, 403],
        ),
        row(
            put.clone(),
            "/api/persons/{id}",
            F::Person,
            P::Json(r#"{"name":"Umbenannt"}"#),
            [401, 403, 403, 200, 403],
        ),
        // Only persons of the organisation start cases and work on tasks.
        row(
            post.clone(),
            "/api/cases",
            F::Clerk,
            P::Json(r#"{"workflow":"matrix","fields":{"antragsteller":"A. Muster"}}"#),
            [401, 201, 403, 403, 403],
        ),
        row(
            get.clone(),
            "/api/cases",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            get.clone(),
            "/api/cases/{id}",
            F::Case,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/tasks",
            F::Clerk,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/tasks/{id}/claim",
            F::Case,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/tasks/{id}/release",
            F::ClaimedTask,
            P::Empty,
            [401, 200, 403, 403, 403],
        ),
        row(
            post.clone(),
            "/api/tasks/{id}/complete",
            F::Case,
            P::Json(r#"{"exit":"ok"}"#),
            [401, 200, 403, 403, 403],
        ),
        // Outputs: participants of the workflow, reviewers and admins see and retry them.
        row(
            get.clone(),
            "/api/deliveries",
            F::None,
            P::Empty,
            [401, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/deliveries/{id}/retry",
            F::Delivery,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/cases/{id}/outputs",
            F::Case,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        row(
            get.clone(),
            "/api/cases/{id}/documents/{doc}",
            F::Document,
            P::Empty,
            [401, 200, 200, 200, 403],
        ),
        // Only persons holding the task's role get past the role check (the fixture's task is
        // no Zahlung, so the engine then refuses the payment: 422).
        row(
            post.clone(),
            "/api/cases/{id}/payments/{task}/paid",
            F::Payment,
            P::Empty,
            [401, 422, 403, 403, 403],
        ),
        // The Rückfrage of a task: who may see the case reads it (the fixture's task has
        // none: 404); only the holder of the task's role writes it (then 404 likewise).
        row(
            get.clone(),
            "/api/cases/{id}/queries/{task}",
            F::Payment,
            P::Empty,
            [401, 404, 404, 404, 403],
        ),
        row(
            post.clone(),
            "/api/cases/{id}/queries/{task}",
            F::Payment,
            P::Json(r#"{"text":"Bitte das Angebot nachreichen."}"#),
            [401, 404, 403, 403, 403],
        ),
        // The Bescheid preview: who may see the case (its workflow has no Bescheid: 404).
        row(
            get.clone(),
            "/api/cases/{id}/bescheid/preview",
            F::Case,
            P::Empty,
            [401, 404, 404, 404, 403],
        ),
        // Documents are added by persons with a role in the workflow (no file sent: 422).
        row(
            post.clone(),
            "/api/cases/{id}/documents",
            F::Case,
            P::Answer,
            [401, 422, 403, 403, 403],
        ),
        // A payment provider reports with an API token (any account); unknown Kassenzeichen.
        row(
            post.clone(),
            "/api/payments/callback",
            F::None,
            P::Json(r#"{"kassenzeichen":"00000000000000000"}"#),
            [401, 404, 404, 404, 404],
        ),
        // The applicant's links: no account, the token is the key.
        row(
            get.clone(),
            "/api/public/queries/{token}",
            F::Link,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
        row(
            post.clone(),
            "/api/public/queries/{token}",
            F::Link,
            P::Answer,
            [410, 410, 410, 410, 410],
        ),
        row(
            get.clone(),
            "/api/public/status/{token}",
            F::Link,
            P::Empty,
            [200, 200, 200, 200, 200],
        ),
    ]
}

/// `matrix` 1.0.0 in operation, and the editor `erika` a person holding its role `R-SB`.
async fn clerk(env: &Env, u: &Users) {
    let r = env
        .post(
            "/api/workflows/matrix/versions/1.0.0/activate",
            Some(&u.admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let erika = env.state.users.get("erika").await.unwrap().unwrap();
    if env
        .state
        .db
        .person_of_account(&erika.id)
        .await
        .unwrap()
        .is_none()
    {
        let body = json!({ "name": "Erika Muster", "account": "erika",
                           "roles": [{ "workflow": "matrix", "role": "R-SB" }] });
        let r = env.post("/api/persons", Some(&u.admin), body).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", COUNTER.fetch_add(1, Ordering::SeqCst))
}

/// Fixture values substituted into the path.
#[derive(Default)]
struct Made {
    id: String,
    draft: String,
    name: String,
    doc: String,
}

async fn make(env: &Env, u: &Users, fixture: Fixture, path: &str) -> Made {
    let mut m = Made::default();
    match fixture {
        Fixture::None => {}
        Fixture::Draft => {
            m.draft = env
                .draft(&u.editor, &workflow(&unique("entwurf-"), "x"))
                .await;
            m.id = m.draft.clone();
        }
        Fixture::DraftUnderReview | Fixture::Publication => {
            m.draft = env
                .draft(&u.editor, &workflow(&unique("antrag-"), "x"))
                .await;
            let r = env.request(&u.editor, &m.draft, "").await;
            assert_eq!(r.status, 201, "{}", r.text);
            let publication = r.json()["id"].as_str().unwrap().to_string();
            m.id = if matches!(fixture, Fixture::Publication) {
                publication
            } else {
                m.draft.clone()
            };
        }
        Fixture::Source => {
            let url = format!("/nichtda/{}", unique("quelle-"));
            let r = env
                .post("/api/sources", Some(&u.admin), json!({ "url": url }))
                .await;
            assert_eq!(r.status, 202, "{}", r.text);
            m.id = r.json()["id"].as_str().unwrap().to_string();
            // Wait for the (failing) fetch to end, so the source can be removed.
            while env
                .get(&format!("/api/sources/{}", m.id), Some(&u.admin))
                .await
                .json()["state"]
                == "fetching"
            {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
        Fixture::ImportedDraft => {
            let body = json!({ "sourceId": "own", "key": "matrix", "version": "1.0.0" });
            let r = env
                .post("/api/templates/import", Some(&u.editor), body)
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
            m.id = r.json()["id"].as_str().unwrap().to_string();
        }
        Fixture::Token => {
            let erika = env.state.users.get("erika").await.unwrap().unwrap();
            m.id = env
                .state
                .tokens
                .create(&erika.id, "matrix")
                .await
                .unwrap()
                .0
                .id;
        }
        Fixture::Clerk => clerk(env, u).await,
        Fixture::Payment => {
            clerk(env, u).await;
            let body = json!({ "workflow": "matrix", "fields": { "antragsteller": "A. Muster" } });
            let r = env.post("/api/cases", Some(&u.editor), body).await;
            assert_eq!(r.status, 201, "{}", r.text);
            let case = r.json()["id"].as_str().unwrap().to_string();
            let db = &env.state.db;
            let stored = db.case(&case).await.unwrap().unwrap();
            let state: serde_json::Value = serde_json::from_str(&stored.state).unwrap();
            let task = state["tasks"][0]["id"].as_str().unwrap().to_string();
            db.insert_payment(&case, &task, "10.00", &unique("KZ-"))
                .await
                .unwrap();
            m.id = case;
            m.doc = task;
        }
        Fixture::Delivery | Fixture::Document | Fixture::Link => {
            clerk(env, u).await;
            let body = json!({ "workflow": "matrix", "fields": { "antragsteller": "A. Muster" } });
            let r = env.post("/api/cases", Some(&u.editor), body).await;
            assert_eq!(r.status, 201, "{}", r.text);
            let case = r.json()["id"].as_str().unwrap().to_string();
            let db = &env.state.db;
            match fixture {
                Fixture::Delivery => {
                    let stored = db.case(&case).await.unwrap().unwrap();
                    let mut change = CaseChange::new(stored.state, CaseStatus::Open);
                    change.deliveries.push(NewDelivery {
                        kind: DeliveryKind::Mail,
                        label: "Benachrichtigung".into(),
                        payload: json!({}),
                    });
                    let applied = db
                        .apply_case_change(&case, "matrix", stored.summary.revision, &change)
                        .await
                        .unwrap();
                    assert!(matches!(applied, Applied::Done(_)));
                    m.id = db.deliveries(None, Some(&case), 1).await.unwrap()[0]
                        .id
                        .clone();
                }
                Fixture::Document => {
                    let doc = NewDocument {
                        name: "a.txt".into(),
                        media_type: "text/plain".into(),
                        source: DocumentSource::Upload,
                        data: b"Antwort".to_vec(),
                    };
                    m.doc = db.insert_document(&case, &doc).await.unwrap();
                    m.id = case;
                }
                _ => {
                    m.name = format!("{:0>64}", unique(""));
                    db.insert_link(
                        &token_hash(&m.name),
                        &case,
                        Some("t1"),
                        LinkPurpose::Query,
                        &json!({ "question": "?" }),
                        "2999-01-01T00:00:00Z",
                    )
                    .await
                    .unwrap();
                }
            }
        }
        Fixture::Case | Fixture::ClaimedTask => {
            clerk(env, u).await;
            let body = json!({ "workflow": "matrix", "fields": { "antragsteller": "A. Muster" } });
            let r = env.post("/api/cases", Some(&u.editor), body).await;
            assert_eq!(r.status, 201, "{}", r.text);
            let case = r.json()["id"].as_str().unwrap().to_string();
            let view = env
                .get(&format!("/api/cases/{case}"), Some(&u.admin))
                .await
                .json();
            let task = view["tasks"][0]["id"].as_str().unwrap().to_string();
            if matches!(fixture, Fixture::ClaimedTask) {
                let r = env
                    .post(
                        &format!("/api/tasks/{task}/claim"),
                        Some(&u.editor),
                        json!({}),
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.text);
            }
            m.id = if path.starts_with("/api/cases/") {
                case
            } else {
                task
            };
        }
        Fixture::Person => {
            let r = env
                .post(
                    "/api/persons",
                    Some(&u.admin),
                    json!({ "name": unique("person") }),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
            m.id = r.json()["id"].as_str().unwrap().to_string();
        }
        Fixture::User => {
            m.name = unique("konto");
            env.state
                .users
                .add(
                    &m.name,
                    fachwerk_backend::users::Role::Editor,
                    Some(common::PASSWORD),
                    None,
                )
                .await
                .unwrap();
        }
    }
    m
}

#[tokio::test]
async fn every_route_for_every_kind_of_caller() {
    let env = Env::with(|c| c.source_roots = vec!["/nichtda".into()]);
    let u = env.users().await;
    env.publish(&u.editor, &u.reviewer, &workflow("matrix", "x"), "")
        .await;
    // 1.1.0, so that a draft imported from 1.0.0 has an upstream update.
    env.publish(&u.editor, &u.reviewer, &workflow_with_notice("matrix"), "")
        .await;
    let mut failures = Vec::new();
    let mut cases = 0;
    for r in table() {
        for (i, caller) in CALLERS.iter().enumerate() {
            // Fresh tokens: logging out or deleting must not affect later cases.
            let token = match i {
                0 => None,
                1 => Some(
                    env.token("erika", fachwerk_backend::users::Role::Editor)
                        .await,
                ),
                2 => Some(
                    env.token("rudi", fachwerk_backend::users::Role::Reviewer)
                        .await,
                ),
                3 => Some(
                    env.token("admin", fachwerk_backend::users::Role::Admin)
                        .await,
                ),
                _ => Some(
                    env.token("otto", fachwerk_backend::users::Role::Editor)
                        .await,
                ),
            };
            let m = make(&env, &u, r.fixture, r.path).await;
            let uri = r
                .path
                .replace("{id}", &m.id)
                .replace("{key}", "matrix")
                .replace("{version}", "1.0.0")
                .replace("{name}", &m.name)
                .replace("{token}", &m.name)
                .replace("{doc}", &m.doc)
                .replace("{task}", &m.doc);
            let body = match r.payload {
                Payload::Empty => None,
                Payload::Workflow => Some(workflow(&unique("neu-"), "x")),
                Payload::Json(j) => Some(j.to_string()),
                Payload::DraftRef => Some(json!({ "draftId": m.draft, "note": "" }).to_string()),
                Payload::NewUser => {
                    Some(json!({ "name": unique("neu"), "role": "editor" }).to_string())
                }
                Payload::WrongLogin => Some(
                    json!({ "username": unique("konto"), "password": "falsch-falsch" }).to_string(),
                ),
                Payload::NewSource => {
                    Some(json!({ "url": format!("/nichtda/{}", unique("neu-")) }).to_string())
                }
                Payload::Answer => Some(
                    "--x\r\nContent-Disposition: form-data; name=\"answer\"\r\n\r\nAnbei.\r\n--x--\r\n"
                        .to_string(),
                ),
            };
            let mut req = Request::builder().method(r.method.clone()).uri(&uri);
            if let Some(t) = &token {
                req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
            }
            if matches!(r.payload, Payload::Answer) {
                req = req.header(header::CONTENT_TYPE, "multipart/form-data; boundary=x");
            } else if body.is_some() {
                req = req.header(header::CONTENT_TYPE, "application/json");
            }
            if r.method == Method::PUT
                || r.path.ends_with("/merge-upstream")
                || r.path.ends_with("/complete")
            {
                req = req.header(header::IF_MATCH, "\"1\"");
            }
            let res = common::send(
                &env.app,
                req.body(body.map(Body::from).unwrap_or_else(Body::empty))
                    .unwrap(),
            )
            .await;
            cases += 1;
            if res.status.as_u16() != r.expect[i] {
                failures.push(format!(
                    "{} {} ({:?}) as {caller}: expected {}, got {} {}",
                    r.method, r.path, r.fixture, r.expect[i], res.status, res.text
                ));
            }
            if res.status.as_u16() >= 400 {
                assert_eq!(
                    res.header("content-type"),
                    "application/problem+json",
                    "{} {}",
                    r.method,
                    r.path
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_matrix_covers_every_documented_route() {
    let doc = serde_json::to_value(fachwerk_backend::openapi::document()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let tested: BTreeSet<(String, String)> = table()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(documented, tested);
}
