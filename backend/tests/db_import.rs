//! The one-time import of a release 0.1 data directory (JSON files, `tests/fixtures/data-0.1`)
//! into SQLite and PostgreSQL: every account, token, draft, request and source arrives, the
//! originals are kept in a backup folder, and a second start imports nothing.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use fachwerk_backend::db::{import_json_files, Database, DbError, NewAccount};
use fachwerk_backend::users::Role;
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/data-0.1");
const LEGACY: [&str; 5] = [
    "users.json",
    "tokens.json",
    "sources.json",
    "drafts",
    "publications",
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn folder(path: &Path) -> Vec<Value> {
    let mut paths: Vec<_> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read(p)).collect()
}

fn password_matches(hash: &str, password: &str) -> bool {
    let hash = PasswordHash::new(hash).unwrap();
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), &hash)
        .is_ok()
}

async fn imports_every_record(db: &Database) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(Path::new(FIXTURE), &data);
    let fixture = Path::new(FIXTURE);

    let report = import_json_files(db, &data).await.unwrap().unwrap();
    assert_eq!(
        (report.accounts, report.tokens, report.tokens_dropped),
        (3, 3, 0)
    );
    assert_eq!(report.former_accounts, ["otto"]);
    assert_eq!((report.drafts, report.requests, report.sources), (7, 6, 1));

    // The originals, unchanged, in the backup folder; none left where the server looks.
    assert!(report.backup.starts_with(&data));
    for name in LEGACY {
        assert!(!data.join(name).exists(), "{name} left in place");
    }
    for name in ["users.json", "tokens.json", "sources.json"] {
        assert_eq!(
            std::fs::read(report.backup.join(name)).unwrap(),
            std::fs::read(fixture.join(name)).unwrap()
        );
    }
    for name in ["drafts", "publications"] {
        assert_eq!(
            folder(&report.backup.join(name)),
            folder(&fixture.join(name))
        );
    }

    // Every account, with its role and its password.
    let users = read(&fixture.join("users.json"));
    let users = users["users"].as_array().unwrap();
    assert_eq!(db.accounts().await.unwrap().len(), users.len());
    for u in users {
        let name = u["name"].as_str().unwrap();
        let a = db.account_by_name(name).await.unwrap().unwrap();
        assert_eq!(serde_json::to_value(a.role).unwrap(), u["role"]);
        assert_eq!(a.password_hash, u["passwordHash"].as_str().unwrap());
        assert_eq!(a.created_at, u["createdAt"].as_str().unwrap());
        let password = if name == "admin" {
            "admin-passwort-123"
        } else {
            "passwort-fuer-tests"
        };
        assert!(password_matches(&a.password_hash, password), "{name}");
    }
    // The deleted account is kept as deleted: it owns its draft, nobody can use its name's
    // history.
    assert!(db.account_by_name("otto").await.unwrap().is_none());

    // Every token, under its account.
    let tokens = read(&fixture.join("tokens.json"));
    for t in tokens["tokens"].as_array().unwrap() {
        let owner = db
            .account_by_name(t["user"].as_str().unwrap())
            .await
            .unwrap()
            .unwrap();
        let stored = db.tokens_of(&owner.id).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].id, t["id"].as_str().unwrap());
        assert_eq!(stored[0].name, t["label"].as_str().unwrap());
        assert_eq!(stored[0].created_at, t["createdAt"].as_str().unwrap());
    }

    // Every draft, field by field.
    let drafts = folder(&fixture.join("drafts"));
    for f in &drafts {
        let d = db.draft(f["id"].as_str().unwrap()).await.unwrap().unwrap();
        assert_eq!(d.owner, f["owner"].as_str().unwrap());
        assert_eq!(d.revision, f["revision"].as_u64().unwrap());
        assert_eq!(d.created_at, f["createdAt"].as_str().unwrap());
        assert_eq!(d.updated_at, f["updatedAt"].as_str().unwrap());
        assert_eq!(
            d.based_on.map(|b| serde_json::to_value(b).unwrap()),
            f.get("basedOn").cloned()
        );
        assert_eq!(serde_json::to_value(&d.workflow).unwrap(), f["workflow"]);
    }
    let erika = db.account_by_name("erika").await.unwrap().unwrap();
    let owned = drafts.iter().filter(|d| d["owner"] == "erika").count();
    assert_eq!(db.drafts_of(&erika.id).await.unwrap().len(), owned);
    assert!(drafts.iter().any(|d| d["workflow"]["lineage"].is_object()));

    // Every request, exactly as the API showed it.
    let requests = folder(&fixture.join("publications"));
    for f in &requests {
        let p = db
            .request(f["id"].as_str().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&serde_json::to_value(&p).unwrap(), f);
    }
    assert_eq!(db.all_requests().await.unwrap().len(), requests.len());

    // Every source.
    let sources = read(&fixture.join("sources.json"));
    let sources = sources["sources"].as_array().unwrap();
    let stored = db.sources().await.unwrap();
    assert_eq!(stored.len(), sources.len());
    for (s, f) in stored.iter().zip(sources) {
        assert_eq!(&serde_json::to_value(s).unwrap(), f);
    }

    // A second start imports nothing; files that reappear (a start that stopped between the
    // import and the move) go to a backup folder without being imported twice.
    assert!(import_json_files(db, &data).await.unwrap().is_none());
    copy_dir(Path::new(FIXTURE), &data);
    assert!(import_json_files(db, &data).await.unwrap().is_none());
    assert!(!data.join("users.json").exists());
    assert_eq!(db.all_requests().await.unwrap().len(), requests.len());
    let backups = std::fs::read_dir(&data)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("json-backup-")
        })
        .count();
    assert_eq!(backups, 2);
}

async fn refuses_a_database_in_use(db: &Database) {
    let new = NewAccount {
        name: "admin",
        role: Role::Admin,
        password_hash: "h",
        must_change_password: false,
        created_by: None,
    };
    db.create_account(&new).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(Path::new(FIXTURE), tmp.path());
    let e = import_json_files(db, tmp.path()).await.unwrap_err();
    assert!(matches!(e, DbError::Import(_)), "{e}");
    // Nothing imported, nothing moved.
    assert_eq!(db.accounts().await.unwrap().len(), 1);
    assert!(db.all_requests().await.unwrap().is_empty());
    assert!(tmp.path().join("users.json").exists());
}

async fn nothing_to_import(db: &Database) {
    let tmp = tempfile::tempdir().unwrap();
    assert!(import_json_files(db, tmp.path()).await.unwrap().is_none());
    assert!(db.accounts().await.unwrap().is_empty());
}

/// Files written by the security release (issue 16) before the database: the creator of an
/// account (a name, listed after the account it created), a forced reset, token expiry and
/// last use all arrive.
async fn imports_creators_resets_and_token_expiry(db: &Database) {
    let tmp = tempfile::tempdir().unwrap();
    let hash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    let users = serde_json::json!({ "users": [
        { "name": "rudi", "role": "reviewer", "passwordHash": hash,
          "createdAt": "2026-11-02T00:00:00Z", "createdBy": "admin", "mustChangePassword": true },
        { "name": "admin", "role": "admin", "passwordHash": hash,
          "createdAt": "2026-11-01T00:00:00Z" }
    ] });
    let tokens = serde_json::json!({ "tokens": [
        { "id": "t1", "user": "rudi", "label": "CI", "hash": "h1",
          "createdAt": "2026-11-03T00:00:00Z", "expires": 1_900_000_000, "lastUsed": 1_800_000_000 }
    ] });
    std::fs::write(tmp.path().join("users.json"), users.to_string()).unwrap();
    std::fs::write(tmp.path().join("tokens.json"), tokens.to_string()).unwrap();
    import_json_files(db, tmp.path()).await.unwrap().unwrap();
    let admin = db.account_by_name("admin").await.unwrap().unwrap();
    let rudi = db.account_by_name("rudi").await.unwrap().unwrap();
    assert_eq!(rudi.created_by.as_deref(), Some(admin.id.as_str()));
    assert!(rudi.must_change_password);
    assert!(admin.created_by.is_none() && !admin.must_change_password);
    let t = &db.tokens_of(&rudi.id).await.unwrap()[0];
    assert_eq!(t.expires_unix, Some(1_900_000_000));
    assert_eq!(
        t.last_used_at.as_deref(),
        Some(fachwerk_backend::fsutil::rfc3339(1_800_000_000).as_str())
    );
}

both_drivers!(
    imports_every_record,
    imports_creators_resets_and_token_expiry,
    refuses_a_database_in_use,
    nothing_to_import
);
