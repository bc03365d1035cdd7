//! The storage layer's test suite, part 1: accounts, sessions and tokens, drafts, publication
//! requests. Every case runs against SQLite and against a real PostgreSQL (`both_drivers!`).
#![allow(clippy::unwrap_used)]

use crate::db_support;

use std::collections::HashMap;
use std::sync::Arc;

use db_support::{account, workflow};
use fachwerk_backend::db::{Database, DbError, DraftUpdate, NewAccount, Transition};
use fachwerk_backend::drafts::BasedOn;
use fachwerk_backend::publications::{Publication, Status};
use fachwerk_backend::repo::Published;
use fachwerk_backend::users::Role;
use fachwerk_shared::diff::Bump;
use fachwerk_shared::Lineage;

fn request(id: &str, draft_id: &str, key: &str) -> Publication {
    Publication {
        id: id.to_string(),
        draft_id: draft_id.to_string(),
        draft_revision: 1,
        key: key.to_string(),
        name: "Urlaubsantrag".into(),
        requester: String::new(),
        requester_created_by: None,
        note: "Bitte freigeben".into(),
        status: Status::Pending,
        created_at: "2026-12-01T10:00:00Z".into(),
        base_version: None,
        suggested_version: "1.0.0".into(),
        bump: Bump::Major,
        changes_de: vec!["Erste veröffentlichte Fassung.".into()],
        diff: None,
        workflow: workflow(key),
        decided_by: None,
        decided_at: None,
        comment: None,
        published: None,
    }
}

fn published(key: &str, version: &str) -> Published {
    Published {
        version: version.into(),
        commit: "0123456789abcdef0123456789abcdef01234567".into(),
        tag: format!("{key}/v{version}"),
    }
}

async fn accounts_have_stable_ids(db: &Database) {
    let admin = account(db, "admin", Role::Admin).await;
    let erika = account(db, "erika", Role::Editor).await;
    let again = NewAccount {
        name: "erika",
        role: Role::Reviewer,
        password_hash: "x",
        must_change_password: true,
        created_by: Some(&admin),
    };
    assert!(matches!(
        db.create_account(&again).await,
        Err(DbError::NameTaken(n)) if n == "erika"
    ));
    let draft = db.create_draft(&erika, workflow("a"), None).await.unwrap();
    assert_eq!(draft.owner, "erika");

    // Renamed: the draft follows the account, not the name.
    assert!(db.rename_account(&erika, "erika.muster").await.unwrap());
    assert_eq!(
        db.draft(&draft.id).await.unwrap().unwrap().owner,
        "erika.muster"
    );
    assert!(db.account_by_name("erika").await.unwrap().is_none());
    assert!(matches!(
        db.rename_account(&erika, "admin").await,
        Err(DbError::NameTaken(_))
    ));

    // Deleted, then the name is taken again: a new id that owns nothing.
    let gone = db.delete_account("erika.muster").await.unwrap().unwrap();
    assert_eq!(gone.id, erika);
    assert!(db.delete_account("erika.muster").await.unwrap().is_none());
    let successor = db
        .create_account(&NewAccount {
            name: "erika.muster",
            ..again
        })
        .await;
    let successor = successor.unwrap();
    assert_ne!(successor.id, erika);
    assert!(successor.must_change_password);
    assert_eq!(successor.created_by.as_deref(), Some(admin.as_str()));
    assert!(db.drafts_of(&successor.id).await.unwrap().is_empty());
    let kept = db.draft(&draft.id).await.unwrap().unwrap();
    assert_eq!(kept.owner_id, erika);
    let former = db.account(&erika).await.unwrap().unwrap();
    assert!(former.deleted_at.is_some());
    let names: Vec<String> = db
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["admin", "erika.muster"]);

    assert!(db.set_password(&admin, "neu", false).await.unwrap());
    let a = db.account_by_name("admin").await.unwrap().unwrap();
    assert_eq!(a.password_hash, "neu");
    assert!(a.password_changed_at.is_some());
}

async fn the_last_admin_stays(db: &Database) {
    let new = NewAccount {
        name: "admin",
        role: Role::Editor,
        password_hash: "h",
        must_change_password: false,
        created_by: None,
    };
    let first = db.create_first_admin(&new).await.unwrap().unwrap();
    assert_eq!(first.role, Role::Admin);
    assert!(db
        .create_first_admin(&NewAccount {
            name: "zweiter",
            ..new.clone()
        })
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        db.delete_account("admin").await,
        Err(DbError::LastAdmin(_))
    ));
    assert!(matches!(
        db.set_role("admin", Role::Editor).await,
        Err(DbError::LastAdmin(_))
    ));
    account(db, "chefin", Role::Admin).await;
    // Two admins deleted at once: one deletion must be refused.
    let (a, b) = tokio::join!(db.delete_account("admin"), db.delete_account("chefin"));
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let admins = db.accounts().await.unwrap();
    assert_eq!(admins.iter().filter(|a| a.role == Role::Admin).count(), 1);
}

async fn concurrent_account_creation_loses_nothing(db: &Database) {
    let db = Arc::new(db.clone());
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let db = Arc::clone(&db);
            tokio::spawn(async move {
                // Half of them race for the same name.
                let name = if i % 2 == 0 {
                    format!("nutzer{i}")
                } else {
                    "gleich".into()
                };
                let new = NewAccount {
                    name: &name,
                    role: Role::Editor,
                    password_hash: "h",
                    must_change_password: false,
                    created_by: None,
                };
                db.create_account(&new).await.map(|_| ())
            })
        })
        .collect();
    let mut taken = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => {}
            Err(DbError::NameTaken(n)) => {
                assert_eq!(n, "gleich");
                taken += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(taken, 19);
    assert_eq!(db.accounts().await.unwrap().len(), 21);
}

async fn sessions_and_tokens(db: &Database) {
    let erika = account(db, "erika", Role::Editor).await;
    let now = fachwerk_backend::fsutil::unix_now();
    db.create_session("hash-1", &erika, "csrf-1", now + 3600)
        .await
        .unwrap();
    db.create_session("hash-old", &erika, "csrf-2", now - 1)
        .await
        .unwrap();
    let s = db.session("hash-1").await.unwrap().unwrap();
    assert_eq!(
        (s.account.name.as_str(), s.csrf.as_str()),
        ("erika", "csrf-1")
    );
    assert!(db.session("hash-old").await.unwrap().is_none());
    assert!(db.session("unbekannt").await.unwrap().is_none());
    db.delete_session("hash-1").await.unwrap();
    assert!(db.session("hash-1").await.unwrap().is_none());

    let t = db
        .create_token(&erika, "CI", "token-hash", None)
        .await
        .unwrap();
    db.create_token(&erika, "alt", "old-hash", Some(now - 1))
        .await
        .unwrap();
    assert!(t.last_used_at.is_none());
    assert_eq!(
        db.account_for_token("token-hash")
            .await
            .unwrap()
            .unwrap()
            .id,
        erika
    );
    assert!(db.account_for_token("old-hash").await.unwrap().is_none());
    let tokens = db.tokens_of(&erika).await.unwrap();
    assert_eq!(tokens.len(), 2);
    assert!(tokens
        .iter()
        .find(|x| x.id == t.id)
        .unwrap()
        .last_used_at
        .is_some());
    assert!(db.delete_token(&erika, &t.id).await.unwrap());
    assert!(!db.delete_token(&erika, &t.id).await.unwrap());
    assert!(db.account_for_token("token-hash").await.unwrap().is_none());

    // A deleted account's sessions and tokens end with it.
    db.create_session("hash-3", &erika, "c", now + 3600)
        .await
        .unwrap();
    db.create_token(&erika, "neu", "new-hash", None)
        .await
        .unwrap();
    assert_eq!(db.delete_sessions_of("nobody").await.unwrap(), 0);
    db.delete_account("erika").await.unwrap().unwrap();
    assert!(db.session("hash-3").await.unwrap().is_none());
    assert!(db.account_for_token("new-hash").await.unwrap().is_none());
}

async fn drafts_save_conditionally(db: &Database) {
    let erika = account(db, "erika", Role::Editor).await;
    let based_on = BasedOn {
        key: "urlaub".into(),
        version: "1.2.0".into(),
    };
    let mut w = workflow("urlaub");
    w.lineage = Some(Lineage {
        source: "https://example.org/katalog.git".into(),
        key: "urlaub".into(),
        version: "1.2.0".into(),
        commit: "abc".into(),
        publisher: "Stadt Adorf".into(),
    });
    let d = db
        .create_draft(&erika, w.clone(), Some(based_on.clone()))
        .await
        .unwrap();
    assert_eq!(d.revision, 1);
    let stored = db.draft(&d.id).await.unwrap().unwrap();
    assert_eq!(stored.workflow, w);
    assert_eq!(stored.based_on, Some(based_on));

    w.name = "Urlaub, geändert".into();
    let DraftUpdate::Saved(saved) = db.update_draft(&d.id, 1, w.clone()).await.unwrap() else {
        panic!("not saved")
    };
    assert_eq!(saved.revision, 2);
    assert_eq!(saved.workflow.name, "Urlaub, geändert");
    assert!(matches!(
        db.update_draft(&d.id, 1, w.clone()).await.unwrap(),
        DraftUpdate::Stale { current: 2 }
    ));
    assert!(matches!(
        db.update_draft("00000000-0000-0000-0000-000000000000", 1, w.clone())
            .await
            .unwrap(),
        DraftUpdate::NotFound
    ));
    assert!(matches!(
        db.update_draft(&d.id, u64::MAX, w.clone()).await.unwrap(),
        DraftUpdate::Stale { current: 2 }
    ));

    // Ten saves from revision 2 at once: exactly one wins.
    let db2 = Arc::new(db.clone());
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (db, id, w) = (Arc::clone(&db2), d.id.clone(), w.clone());
            tokio::spawn(async move { db.update_draft(&id, 2, w).await.unwrap() })
        })
        .collect();
    let mut saved = 0;
    for t in tasks {
        match t.await.unwrap() {
            DraftUpdate::Saved(d) => {
                assert_eq!(d.revision, 3);
                saved += 1;
            }
            DraftUpdate::Stale { current } => assert_eq!(current, 3),
            DraftUpdate::NotFound => panic!("draft vanished"),
        }
    }
    assert_eq!(saved, 1);

    let other = db
        .create_draft(&erika, workflow("zweiter"), None)
        .await
        .unwrap();
    let list = db.drafts_of(&erika).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list[0].updated_at >= list[1].updated_at);
    assert!(db.delete_draft(&other.id).await.unwrap());
    assert!(!db.delete_draft(&other.id).await.unwrap());
    assert_eq!(db.drafts_of(&erika).await.unwrap().len(), 1);
}

async fn request_transitions_are_conditional(db: &Database) {
    let erika = account(db, "erika", Role::Editor).await;
    let rudi = account(db, "rudi", Role::Reviewer).await;
    let otto = account(db, "otto", Role::Editor).await;
    let p = request("11111111-1111-1111-1111-111111111111", "d1", "urlaub");
    db.insert_request(&p, &erika).await.unwrap();
    let stored = db.request(&p.id).await.unwrap().unwrap();
    assert_eq!(stored.requester, "erika");
    assert_eq!(stored.workflow, p.workflow);
    assert_eq!(stored.changes_de, p.changes_de);
    assert!(db.draft_under_review("d1").await.unwrap());
    assert_eq!(db.requests_visible_to(&rudi, true).await.unwrap().len(), 1);
    assert_eq!(db.requests_visible_to(&otto, false).await.unwrap().len(), 0);
    assert_eq!(
        db.requests_visible_to(&erika, false).await.unwrap().len(),
        1
    );

    // Ten approvals at once: one publishes, the others are refused.
    let shared = Arc::new(db.clone());
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (db, id, rudi) = (Arc::clone(&shared), p.id.clone(), rudi.clone());
            tokio::spawn(async move {
                db.mark_published(&id, &rudi, &published("urlaub", "1.0.0"))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut done = 0;
    for t in tasks {
        match t.await.unwrap() {
            Transition::Done(p) => {
                assert_eq!(p.status, Status::Published);
                assert_eq!(p.decided_by.as_deref(), Some("rudi"));
                assert_eq!(p.published.unwrap().tag, "urlaub/v1.0.0");
                done += 1;
            }
            Transition::Refused(status) => assert_eq!(status, Status::Published),
            Transition::NotFound => panic!("request vanished"),
        }
    }
    assert_eq!(done, 1);
    assert!(!db.draft_under_review("d1").await.unwrap());
    assert!(matches!(
        db.reject_request(&p.id, &rudi, "zu spät").await.unwrap(),
        Transition::Refused(Status::Published)
    ));
    assert!(matches!(
        db.mark_outdated("22222222-2222-2222-2222-222222222222")
            .await
            .unwrap(),
        Transition::NotFound
    ));

    // Pending → outdated → rejected.
    let q = request("33333333-3333-3333-3333-333333333333", "d2", "urlaub");
    db.insert_request(&q, &erika).await.unwrap();
    assert!(matches!(
        db.mark_outdated(&q.id).await.unwrap(),
        Transition::Done(_)
    ));
    assert!(matches!(
        db.mark_published(&q.id, &rudi, &published("urlaub", "2.0.0"))
            .await
            .unwrap(),
        Transition::Refused(Status::Outdated)
    ));
    let Transition::Done(r) = db.reject_request(&q.id, &rudi, "Bitte neu").await.unwrap() else {
        panic!("not rejected")
    };
    assert_eq!(
        (r.status, r.comment.as_deref()),
        (Status::Rejected, Some("Bitte neu"))
    );

    // A tag is recorded for one request only.
    let twin = request("44444444-4444-4444-4444-444444444444", "d3", "urlaub");
    db.insert_request(&twin, &erika).await.unwrap();
    assert!(db
        .mark_published(&twin.id, &rudi, &published("urlaub", "1.0.0"))
        .await
        .is_err());
    let all = db.all_requests().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].status, Status::Pending);
}

async fn racing_submissions_of_one_draft_revision_file_one_request(db: &Database) {
    let erika = account(db, "erika", Role::Editor).await;
    let rudi = account(db, "rudi", Role::Reviewer).await;
    let shared = Arc::new(db.clone());
    // A double click (and eight more): ten submissions of revision 1 of draft d1 at once.
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let (db, erika) = (Arc::clone(&shared), erika.clone());
            tokio::spawn(async move {
                let p = request(
                    &format!("aaaaaaaa-0000-0000-0000-00000000000{i}"),
                    "d1",
                    "urlaub",
                );
                db.insert_request_once(&p, &erika).await.unwrap()
            })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    let mut new = 0;
    for t in tasks {
        let (p, created) = t.await.unwrap();
        ids.insert(p.id);
        new += usize::from(created);
    }
    assert_eq!((ids.len(), new), (1, 1), "one request, filed once: {ids:?}");
    assert_eq!(db.all_requests().await.unwrap().len(), 1);
    let first = ids.into_iter().next().unwrap();
    assert_eq!(
        db.open_request_for("d1", 1).await.unwrap().map(|p| p.id),
        Some(first.clone())
    );
    assert!(db.open_request_for("d1", 2).await.unwrap().is_none());

    // A later revision with the same content (saved again before submitting again) is the
    // same request; a changed one is another request.
    let mut same = request("dddddddd-0000-0000-0000-000000000000", "d1", "urlaub");
    same.draft_revision = 2;
    let (stored, created) = db.insert_request_once(&same, &erika).await.unwrap();
    assert!(!created);
    assert_eq!(stored.id, first);
    let mut next = request("bbbbbbbb-0000-0000-0000-000000000000", "d1", "urlaub");
    next.draft_revision = 3;
    next.workflow.description = "geändert".into();
    let (stored, created) = db.insert_request_once(&next, &erika).await.unwrap();
    assert!(created);
    assert_eq!(stored.id, next.id);

    // Once decided, the same revision may be submitted again.
    db.reject_request(&first, &rudi, "Bitte ergänzen")
        .await
        .unwrap();
    let again = request("cccccccc-0000-0000-0000-000000000000", "d1", "urlaub");
    let (stored, created) = db.insert_request_once(&again, &erika).await.unwrap();
    assert!(created);
    assert_eq!(stored.id, again.id);
    assert!(!db.draft_published_as("d1", "urlaub").await.unwrap());
    db.mark_published(&again.id, &rudi, &published("urlaub", "1.0.0"))
        .await
        .unwrap();
    assert!(db.draft_published_as("d1", "urlaub").await.unwrap());
    assert!(!db.draft_published_as("d1", "reise").await.unwrap());
    assert!(!db.draft_published_as("d2", "urlaub").await.unwrap());
}

async fn reconcile_records_what_the_catalogue_has(db: &Database) {
    let erika = account(db, "erika", Role::Editor).await;
    let p = request("55555555-5555-5555-5555-555555555555", "d1", "urlaub");
    let q = request("66666666-6666-6666-6666-666666666666", "d2", "reise");
    db.insert_request(&p, &erika).await.unwrap();
    db.insert_request(&q, &erika).await.unwrap();
    let in_catalogue = HashMap::from([
        (p.id.clone(), published("urlaub", "1.0.0")),
        (
            "77777777-7777-7777-7777-777777777777".to_string(),
            published("x", "1.0.0"),
        ),
    ]);
    assert_eq!(
        db.reconcile_requests(&in_catalogue).await.unwrap(),
        std::slice::from_ref(&p.id)
    );
    assert!(db
        .reconcile_requests(&in_catalogue)
        .await
        .unwrap()
        .is_empty());
    let p = db.request(&p.id).await.unwrap().unwrap();
    assert_eq!(p.status, Status::Published);
    assert_eq!(p.published.unwrap().tag, "urlaub/v1.0.0");
    assert_eq!(
        db.request(&q.id).await.unwrap().unwrap().status,
        Status::Pending
    );
}

both_drivers!(
    accounts_have_stable_ids,
    the_last_admin_stays,
    concurrent_account_creation_loses_nothing,
    sessions_and_tokens,
    drafts_save_conditionally,
    request_transitions_are_conditional,
    racing_submissions_of_one_draft_revision_file_one_request,
    reconcile_records_what_the_catalogue_has,
);
