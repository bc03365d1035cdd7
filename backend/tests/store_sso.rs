//! The single sign-on store (migration 0013) on both drivers: accounts from issuer + subject
//! keep their id and follow the provider's groups at every login (never taking a local
//! account's name, never demoting the last administrator, never reviving a deleted account),
//! have no password, and cannot be reset to one; started logins are taken once; the ID
//! token of an SSO session goes with the session.
#![allow(clippy::unwrap_used)]

use crate::db_support;

use db_support::account;
use fachwerk_backend::db::{Database, OidcFlow, SsoLogin, SsoRefused};
use fachwerk_backend::fsutil;
use fachwerk_backend::oidc::account_id;
use fachwerk_backend::users::{HashCost, Role, UserStore};

const ISSUER: &str = "https://login.example.de/realms/verwaltung";

async fn sso_accounts_keep_their_id_and_follow_the_groups(db: &Database) {
    let admin = account(db, "admin", Role::Admin).await;
    // A local account already has the provider's user name.
    account(db, "erika", Role::Editor).await;
    let id = account_id(ISSUER, "f81d4fae-7dec");
    let names = vec!["erika".to_string(), "sso-f81d".to_string()];
    let login = SsoLogin {
        account_id: &id,
        issuer: ISSUER,
        subject: "f81d4fae-7dec",
        names: &names,
        role: Role::Editor,
    };
    let first = db.sso_login(&login).await.unwrap().unwrap();
    assert_eq!(
        (first.id.as_str(), first.name.as_str()),
        (id.as_str(), "sso-f81d")
    );
    assert_eq!(first.role, Role::Editor);
    assert!(db.is_sso_account(&id).await.unwrap());
    assert!(!db.is_sso_account(&admin).await.unwrap());
    // No password matches an SSO account.
    let users = UserStore::new(db.clone(), HashCost::TESTING);
    assert!(users.verify("sso-f81d", "").await.unwrap().is_none());
    assert!(users.verify("sso-f81d", "!sso").await.unwrap().is_none());

    // The next login with other groups: the same account, the new role.
    let again = SsoLogin {
        role: Role::Reviewer,
        ..login.clone()
    };
    let second = db.sso_login(&again).await.unwrap().unwrap();
    assert_eq!(
        (second.id.as_str(), second.role),
        (id.as_str(), Role::Reviewer)
    );
    assert_eq!(db.account(&id).await.unwrap().unwrap().role, Role::Reviewer);
    assert_eq!(db.accounts().await.unwrap().len(), 3);

    // Made admin by the groups, then the only admin: losing the group is refused.
    let boss = SsoLogin {
        role: Role::Admin,
        ..login.clone()
    };
    db.sso_login(&boss).await.unwrap().unwrap();
    db.delete_account("admin").await.unwrap().unwrap();
    assert_eq!(
        db.sso_login(&login).await.unwrap().unwrap_err(),
        SsoRefused::LastAdmin("sso-f81d".into())
    );
    assert_eq!(db.account(&id).await.unwrap().unwrap().role, Role::Admin);

    // Deleted in Fachwerk: the provider's login does not bring it back.
    account(db, "admin2", Role::Admin).await;
    db.delete_account("sso-f81d").await.unwrap().unwrap();
    assert_eq!(
        db.sso_login(&boss).await.unwrap().unwrap_err(),
        SsoRefused::Deleted("sso-f81d".into())
    );

    // Another subject of the same provider is another account, with its own name.
    let other_id = account_id(ISSUER, "0b7c");
    let names = vec!["otto".to_string()];
    let other = SsoLogin {
        account_id: &other_id,
        subject: "0b7c",
        names: &names,
        ..login.clone()
    };
    let otto = db.sso_login(&other).await.unwrap().unwrap();
    assert_eq!((otto.name.as_str(), otto.role), ("otto", Role::Editor));
    assert_ne!(otto.id, id);
}

async fn started_logins_are_taken_once(db: &Database) {
    let flow = OidcFlow {
        nonce: "n-0S6".into(),
        pkce_verifier: "v".repeat(43),
    };
    let now = fsutil::unix_now();
    db.store_oidc_flow("live", &flow, now + 600).await.unwrap();
    db.store_oidc_flow("old", &flow, now - 1).await.unwrap();
    assert_eq!(db.take_oidc_flow("live").await.unwrap(), Some(flow.clone()));
    assert_eq!(db.take_oidc_flow("live").await.unwrap(), None);
    assert_eq!(db.take_oidc_flow("old").await.unwrap(), None);
    assert_eq!(db.take_oidc_flow("unknown").await.unwrap(), None);
}

async fn the_id_token_goes_with_its_session(db: &Database) {
    let id = account(db, "erika", Role::Editor).await;
    let expires = fsutil::unix_now() + 3600;
    db.create_session("hash-a", &id, "csrf", expires)
        .await
        .unwrap();
    db.create_session("hash-b", &id, "csrf", expires)
        .await
        .unwrap();
    db.store_sso_session("hash-a", "eyJ.id.token")
        .await
        .unwrap();
    assert_eq!(
        db.sso_id_token("hash-a").await.unwrap().as_deref(),
        Some("eyJ.id.token")
    );
    assert_eq!(db.sso_id_token("hash-b").await.unwrap(), None);
    db.delete_session("hash-a").await.unwrap();
    assert_eq!(db.sso_id_token("hash-a").await.unwrap(), None);
}

both_drivers!(
    sso_accounts_keep_their_id_and_follow_the_groups,
    started_logins_are_taken_once,
    the_id_token_goes_with_its_session,
);
