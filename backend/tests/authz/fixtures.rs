//! What each `Fixture` of the authorisation matrix sets up before a call.

use std::sync::atomic::{AtomicUsize, Ordering};

use fachwerk_backend::db::{
    token_hash, Applied, CaseChange, LinkPurpose, NewDelivery, NewDocument,
};
use fachwerk_shared::api::{CaseStatus, DeliveryKind, DocumentSource};
use serde_json::json;

use super::Fixture;
use crate::common::{self, workflow, Env, Users};

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

pub(super) fn unique(prefix: &str) -> String {
    format!("{prefix}{}", COUNTER.fetch_add(1, Ordering::SeqCst))
}

/// Fixture values substituted into the path.
#[derive(Default)]
pub(super) struct Made {
    pub(super) id: String,
    pub(super) draft: String,
    pub(super) name: String,
    pub(super) doc: String,
}

pub(super) async fn make(env: &Env, u: &Users, fixture: Fixture, path: &str) -> Made {
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
