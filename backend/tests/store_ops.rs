//! The storage layer's test suite, part 2: template sources, token administration, migrations, opening from
//! synchronous code, backup and restore. Every case runs against SQLite and against a real
//! PostgreSQL (`both_drivers!`).
#![allow(clippy::unwrap_used)]

use crate::db_support;

use db_support::{account, workflow};
use fachwerk_backend::db::{Database, DbError, FetchOutcome, SourceRemoval};
use fachwerk_backend::repo::sources::FetchErrorKind;
use fachwerk_backend::users::Role;
use fachwerk_shared::api::{CatalogueSummary, FetchState, SourceRecord};
use serde_json::json;

fn source(id: &str) -> SourceRecord {
    SourceRecord {
        id: id.into(),
        url: format!("https://example.org/{id}.git"),
        added_by: String::new(),
        added_at: "2026-12-01T10:00:00Z".into(),
        state: FetchState::Error,
        progress: None,
        message_de: "Noch nicht abgerufen.".into(),
        error_kind: None,
        last_attempt: None,
        last_success: None,
        last_success_unix: None,
        catalogue: None,
    }
}

async fn sources_fetch_one_at_a_time(db: &Database) {
    let admin = account(db, "admin", Role::Admin).await;
    let (s, created) = db.insert_source(&source("aaaa"), &admin).await.unwrap();
    assert!(created);
    assert_eq!(s.added_by, "admin");
    assert!(!db.insert_source(&source("aaaa"), &admin).await.unwrap().1);
    let now = fachwerk_backend::fsutil::unix_now();
    let (r, claimed) = db
        .begin_fetch("aaaa", "Wird abgerufen …", now - 600)
        .await
        .unwrap()
        .unwrap();
    assert!(claimed);
    assert_eq!(r.state, FetchState::Fetching);
    assert!(
        !db.begin_fetch("aaaa", "x", now - 600)
            .await
            .unwrap()
            .unwrap()
            .1
    );
    assert!(db.begin_fetch("bbbb", "x", now).await.unwrap().is_none());
    assert_eq!(db.remove_source("aaaa").await.unwrap(), SourceRemoval::Busy);

    let summary: CatalogueSummary = serde_json::from_value(json!({
        "name": "Katalog", "publisher": "Stadt Adorf", "licence": "EUPL-1.2",
        "commit": "abc", "templates": []
    }))
    .unwrap();
    let ready = FetchOutcome::Ready {
        summary,
        message_de: "Abgerufen.".into(),
    };
    db.finish_fetch("aaaa", &ready).await.unwrap();
    let r = db.source("aaaa").await.unwrap().unwrap();
    assert_eq!(
        (r.state, r.message_de.as_str()),
        (FetchState::Ready, "Abgerufen.")
    );
    assert_eq!(r.catalogue.unwrap().publisher, "Stadt Adorf");
    assert!(r.last_success_unix.is_some());

    // A fetch whose process is gone: interrupted at the next start (a second after it began;
    // `now` from the test's start can be seconds old on a busy machine).
    db.begin_fetch("aaaa", "Wird abgerufen …", now - 600)
        .await
        .unwrap();
    let restart = fachwerk_backend::fsutil::unix_now() + 1;
    assert_eq!(
        db.interrupt_fetches(restart, "Unterbrochen.")
            .await
            .unwrap(),
        1
    );
    let r = db.source("aaaa").await.unwrap().unwrap();
    assert_eq!(r.error_kind, Some(FetchErrorKind::Interrupted));
    assert!(r.catalogue.is_some(), "the last good result stays");
    let failed = FetchOutcome::Failed {
        kind: FetchErrorKind::Unreachable,
        message_de: "Nicht erreichbar.".into(),
    };
    db.finish_fetch("aaaa", &failed).await.unwrap();
    assert_eq!(
        db.sources().await.unwrap()[0].error_kind,
        Some(FetchErrorKind::Unreachable)
    );
    assert_eq!(db.remove_source("aaaa").await.unwrap(), SourceRemoval::Gone);
    assert_eq!(
        db.remove_source("aaaa").await.unwrap(),
        SourceRemoval::NotFound
    );
}

async fn migrations_run_once(db: &Database, target: &fachwerk_backend::db::Target) {
    account(db, "admin", Role::Admin).await;
    let again = Database::open(target).await.unwrap();
    assert_eq!(again.accounts().await.unwrap().len(), 1);
    again.close().await;
}

async fn opens_from_synchronous_code(db: &Database, target: &fachwerk_backend::db::Target) {
    account(db, "admin", Role::Admin).await;
    // As the server does at start-up: from inside a runtime, without awaiting.
    let (opened, admins) = Database::open_blocking(target, |db| async move {
        let n = db.accounts().await?.len();
        account(&db, "erika", Role::Editor).await;
        Ok::<_, DbError>(n)
    })
    .unwrap();
    assert_eq!(admins, 1);
    let names: Vec<String> = opened
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["admin", "erika"]);
}

async fn backs_up_sqlite_while_in_use(db: &Database, target: &fachwerk_backend::db::Target) {
    let erika = account(db, "erika", Role::Editor).await;
    let draft = db.create_draft(&erika, workflow("a"), None).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("kopie.sqlite3");
    match target {
        fachwerk_backend::db::Target::Sqlite(_) => {
            db.backup_into(&copy).await.unwrap();
            let restored = Database::open(&fachwerk_backend::db::Target::Sqlite(copy)).await;
            let restored = restored.unwrap();
            assert_eq!(
                restored.draft(&draft.id).await.unwrap().unwrap().owner,
                "erika"
            );
            assert!(
                matches!(
                    restored
                        .backup_into(&dir.path().join("kopie.sqlite3"))
                        .await,
                    Err(DbError::Sql(_))
                ),
                "an existing file is never overwritten"
            );
        }
        fachwerk_backend::db::Target::Postgres(_) => {
            assert!(matches!(
                db.backup_into(&copy).await,
                Err(DbError::Unsupported(_))
            ));
        }
    }
}

async fn backup_and_restore(db: &Database, target: &fachwerk_backend::db::Target) {
    use fachwerk_backend::db::backup;
    use fachwerk_backend::repo::{CatalogMeta, Repo};
    let erika = account(db, "erika", Role::Editor).await;
    let draft = db.create_draft(&erika, workflow("a"), None).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("data/catalog.git");
    let repo = Repo::open_or_init(&catalogue, CatalogMeta::default()).unwrap();
    let saved = dir.path().join("sicherung");
    let result = backup::backup(db, &catalogue, &saved).await;
    match target {
        fachwerk_backend::db::Target::Postgres(_) => {
            assert!(matches!(result, Err(DbError::Unsupported(_))), "{result:?}");
        }
        fachwerk_backend::db::Target::Sqlite(_) => {
            result.unwrap();
            assert!(
                matches!(
                    backup::backup(db, &catalogue, &saved).await,
                    Err(DbError::Backup(_))
                ),
                "a backup never overwrites another"
            );
            let restored = dir.path().join("neu");
            backup::restore(&saved, &restored).unwrap();
            assert!(matches!(
                backup::restore(&saved, &restored),
                Err(DbError::Backup(_))
            ));
            let file = restored.join(fachwerk_backend::db::SQLITE_FILE);
            let db2 = Database::open(&fachwerk_backend::db::Target::Sqlite(file))
                .await
                .unwrap();
            assert_eq!(db2.draft(&draft.id).await.unwrap().unwrap().owner, "erika");
            let copy = Repo::open_existing(&restored.join(backup::CATALOGUE_DIR)).unwrap();
            assert_eq!(copy.head().unwrap(), repo.head().unwrap());
            assert_eq!(copy.list().unwrap().len(), repo.list().unwrap().len());
        }
    }
}

/// What the token API of issue 16 needs: listing with names (one account or all), revoking
/// by id whoever owns it, revoking all of an account, and an expiry for imported tokens.
async fn tokens_are_listed_revoked_and_expire(db: &Database) {
    let erika = account(db, "erika", Role::Editor).await;
    let otto = account(db, "otto", Role::Editor).await;
    let now = fachwerk_backend::fsutil::unix_now();
    let e1 = db.create_token(&erika, "CI", "e1", None).await.unwrap();
    db.create_token(&erika, "Laptop", "e2", Some(now + 60))
        .await
        .unwrap();
    let o1 = db.create_token(&otto, "Skript", "o1", None).await.unwrap();
    let (id, used_by) = db.use_token("e1").await.unwrap().unwrap();
    assert_eq!(
        (id.as_str(), used_by.id.as_str()),
        (e1.id.as_str(), erika.as_str())
    );
    let all = db.tokens_with_names(None).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().any(|(t, name)| t.id == o1.id && name == "otto"));
    let own = db.tokens_with_names(Some(&erika)).await.unwrap();
    assert_eq!(own.len(), 2);
    assert!(own
        .iter()
        .all(|(t, name)| t.account_id == erika && name == "erika"));
    // Imported tokens without an expiry get one; the others keep theirs.
    assert_eq!(db.expire_unlimited_tokens(now + 3600).await.unwrap(), 2);
    let all = db.tokens_with_names(None).await.unwrap();
    assert!(all.iter().all(|(t, _)| t.expires_unix.is_some()));
    assert!(db.delete_token_by_id(&o1.id).await.unwrap());
    assert!(!db.delete_token_by_id(&o1.id).await.unwrap());
    assert!(db.use_token("o1").await.unwrap().is_none());
    assert_eq!(db.delete_tokens_of(&erika).await.unwrap(), 2);
    assert!(db.tokens_with_names(None).await.unwrap().is_empty());
}

both_drivers!(
    sources_fetch_one_at_a_time,
    tokens_are_listed_revoked_and_expire;
    migrations_run_once,
    opens_from_synchronous_code,
    backs_up_sqlite_while_in_use,
    backup_and_restore,
);
