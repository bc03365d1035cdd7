//! Authorisation matrix: every route × {anonymous, editor (owner), reviewer, admin, other
//! editor} → expected status. Each case gets fresh fixtures so cases do not interfere, and the
//! table must list exactly the routes of the OpenAPI document.
//! The rows are in `routes_*` by area of routes; `fixtures` sets up what a row needs.
#![allow(clippy::unwrap_used)]

mod fixtures;
mod routes_accounts;
mod routes_authoring;
mod routes_operation;

use crate::common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Method, Request};
use common::{workflow, workflow_with_notice, Env};
use fixtures::{make, unique};
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

/// The whole table, in the order of its areas.
fn table() -> Vec<Row> {
    let mut rows = routes_accounts::rows();
    rows.extend(routes_authoring::rows());
    rows.extend(routes_operation::rows());
    rows
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
