//! Accounts: password policy, own password change and forced reset (issue 16 item 5), the
//! security log (item 7), account creators and the four-eyes rule (item 8).
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use common::client::{call, login, pending_request, Auth};
use common::Env;
use serde_json::json;

#[tokio::test]
async fn weak_passwords_are_refused() {
    let env = Env::new();
    let admin = Auth::Bearer(env.users().await.admin);
    for weak in ["1234567890", "password12", "passwort2026"] {
        let body = json!({ "name": "neu", "role": "editor", "password": weak });
        let r = call(&env, Method::POST, "/api/users", &admin, Some(body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{weak}: {}", r.text);
        assert!(
            r.json()["detail"].as_str().unwrap().contains("Passwort"),
            "{}",
            r.text
        );
    }
    let body = json!({ "name": "neu", "role": "editor", "password": "Eichhörnchen-Nusskuchen-9" });
    let r = call(&env, Method::POST, "/api/users", &admin, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn users_change_their_own_password() {
    let env = Env::new();
    let u = env.users().await;
    let erika = Auth::Bearer(u.editor);
    let change =
        |current: &str, new: &str| json!({ "currentPassword": current, "newPassword": new });
    let uri = "/api/session/password";
    let new = "Laubfrosch-Regenschirm-31";
    let r = call(
        &env,
        Method::PUT,
        uri,
        &erika,
        Some(change("falsch-falsch-falsch", new)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = call(
        &env,
        Method::PUT,
        uri,
        &erika,
        Some(change(common::PASSWORD, "password12")),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = call(
        &env,
        Method::PUT,
        uri,
        &erika,
        Some(change(common::PASSWORD, new)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        login(&env, "erika", common::PASSWORD).await.0.status,
        StatusCode::UNAUTHORIZED
    );
    // With a cookie session, the answer carries a fresh session.
    let (r, session) = login(&env, "erika", new).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = call(
        &env,
        Method::PUT,
        uri,
        &session,
        Some(change(new, "Gartenzaun-Mondlicht-77")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!r.header("set-cookie").is_empty());
    // The old session ended with the change.
    let r = call(&env, Method::GET, "/api/drafts", &session, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_admin_forces_a_new_password() {
    let env = Env::new();
    let u = env.users().await;
    let admin = Auth::Bearer(u.admin);
    let uri = "/api/users/otto/password-reset";
    let r = call(
        &env,
        Method::POST,
        uri,
        &Auth::Bearer(u.editor.clone()),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = call(&env, Method::POST, uri, &admin, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let one_time = r.json()["password"].as_str().unwrap().to_string();
    // Otto's token and password are gone.
    let r = call(
        &env,
        Method::GET,
        "/api/drafts",
        &Auth::Bearer(u.other),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        login(&env, "otto", common::PASSWORD).await.0.status,
        StatusCode::UNAUTHORIZED
    );
    let (r, otto) = login(&env, "otto", &one_time).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["mustChangePassword"], true);
    // Nothing but the password change until it is done.
    let r = call(&env, Method::GET, "/api/drafts", &otto, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap()
        .contains("zurückgesetzt"));
    let body = json!({ "currentPassword": one_time, "newPassword": "Brombeerhecke-Sturmvogel-5" });
    let r = call(
        &env,
        Method::PUT,
        "/api/session/password",
        &otto,
        Some(body),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (r, otto) = login(&env, "otto", "Brombeerhecke-Sturmvogel-5").await;
    assert_eq!(r.json()["mustChangePassword"], false);
    let r = call(&env, Method::GET, "/api/drafts", &otto, None).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn an_account_created_by_the_requester_cannot_approve() {
    let env = Env::new();
    let u = env.users().await;
    let admin = Auth::Bearer(u.admin.clone());
    // The admin creates a second reviewer account for themselves …
    let body = json!({ "name": "zweitkonto", "role": "reviewer", "password": "Kastanienallee-Wetterhahn-8" });
    let r = call(&env, Method::POST, "/api/users", &admin, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = call(&env, Method::GET, "/api/users", &admin, None).await;
    let second = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "zweitkonto")
        .cloned()
        .unwrap();
    assert_eq!(second["createdBy"], "admin");
    // … requests a publication and tries to approve it with the second account.
    let id = pending_request(&env, &u.admin, "selbst").await;
    let (_, second) = login(&env, "zweitkonto", "Kastanienallee-Wetterhahn-8").await;
    let approve = format!("/api/publications/{id}/approve");
    let r = call(&env, Method::POST, &approve, &second, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(
        r.json()["detail"].as_str().unwrap().contains("angelegt"),
        "{}",
        r.text
    );
    // An independent reviewer can.
    let r = call(
        &env,
        Method::POST,
        &approve,
        &Auth::Bearer(u.reviewer.clone()),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // The approval view names who created the requester's account.
    let body =
        json!({ "name": "neuling", "role": "editor", "password": "Kastanienallee-Wetterhahn-9" });
    call(&env, Method::POST, "/api/users", &admin, Some(body)).await;
    let neuling = env
        .token("neuling", fachwerk_backend::users::Role::Editor)
        .await;
    let id = pending_request(&env, &neuling, "neuling").await;
    let r = call(
        &env,
        Method::GET,
        &format!("/api/publications/{id}"),
        &Auth::Bearer(u.reviewer),
        None,
    )
    .await;
    assert_eq!(r.json()["requester"], "neuling");
    assert_eq!(r.json()["requesterCreatedBy"], "admin");
}
