//! Issue 23, single sign-on in Chromium against a real OpenID provider (`oidc-provider` from
//! npm, started by the test): the login dialog offers SSO, the provider's own login page
//! signs in, the groups become roles (an editor cannot approve, a reviewer can; the
//! case-processing role lands on the person), logging out goes through the provider (which
//! then asks for the login again), and a user without a mapped group is refused with a page.
//! axe-core finds nothing on the dialog and on the refusal page.

use std::time::Duration;

use anyhow::{bail, Result};
use fachwerk_backend::oidc::OidcConfig;
use fachwerk_e2e::oidc::{Provider, CLIENT_ID, CLIENT_SECRET};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{axe, Session, ADMIN_PASSWORD};
use fachwerk_shared::api::{Role, RoleMembership};
use serde_json::{json, Value};

/// Signs in on the provider's login page as `name` (any password) and gives consent.
async fn provider_login(s: &Session, name: &str) -> Result<()> {
    let d = &s.driver;
    let login = match d
        .query(By::Css("input[name='login']"))
        .wait(Duration::from_secs(15), Duration::from_millis(100))
        .first()
        .await
    {
        Ok(l) => l,
        Err(e) => {
            let url = d.current_url().await?;
            let body = s
                .js("return document.body ? document.body.innerText : '';")
                .await?;
            bail!("no provider login form at {url}: {e}; page says: {body}");
        }
    };
    login.send_keys(name).await?;
    d.find(By::Css("input[name='password']"))
        .await?
        .send_keys("beliebig")
        .await?;
    d.find(By::Css("button.login-submit"))
        .await?
        .click()
        .await?;
    d.query(By::Css("input[name='prompt'][value='consent']"))
        .wait(Duration::from_secs(15), Duration::from_millis(100))
        .first()
        .await?;
    d.find(By::Css("button.login-submit"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// A request from the page, with the session's cookies and CSRF token: (status, body).
async fn page_fetch(s: &Session, method: &str, path: &str) -> Result<(u16, String)> {
    let ret = s
        .driver
        .execute_async(
            "const [path, method, done] = arguments;
             const csrf = (document.cookie.match(/fachwerk_csrf=([^;]+)/) || [])[1] || '';
             fetch(path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
                           body: method === 'GET' ? undefined : '{}' })
               .then(r => r.text().then(t => done([r.status, t])), e => done([0, String(e)]));",
            vec![json!(path), json!(method)],
        )
        .await?;
    let (status, body): (u16, String) = serde_json::from_value(ret.json().clone())?;
    Ok((status, body))
}

/// Logs out through the account menu and confirms on the provider's logout page.
async fn logout_via_provider(s: &Session) -> Result<()> {
    s.click_css("#btn-logout").await?;
    s.click_css("button[name='logout'][value='yes']").await?;
    s.driver
        .query(By::Id("btn-login"))
        .wait(Duration::from_secs(15), Duration::from_millis(100))
        .first()
        .await?;
    let (_, text) = page_fetch(s, "GET", "/api/session").await?;
    let state: Value = serde_json::from_str(&text)?;
    if state["loggedIn"] != json!(false) {
        bail!("still logged in after the logout: {text}");
    }
    Ok(())
}

/// A pending publication request of the local admin (four eyes: someone else decides).
async fn pending_request(s: &Session) -> Result<String> {
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    let draft = admin
        .json("POST", "/api/drafts?from=gewerbeanmeldung", None, 201)
        .await?;
    let id = draft["id"].as_str().unwrap_or_default().to_string();
    let mut w = draft["workflow"].clone();
    w["name"] = "Gewerbeanmeldung (SSO)".into();
    let (status, text) = admin
        .call_with(
            "PUT",
            &format!("/api/drafts/{id}"),
            Some(&w.to_string()),
            &[("If-Match", format!("\"{}\"", draft["revision"]))],
        )
        .await?;
    assert_eq!(status, 200, "{text}");
    let body = json!({ "draftId": id, "note": "Freigabe per SSO" }).to_string();
    let request = admin
        .json("POST", "/api/publications", Some(&body), 201)
        .await?;
    Ok(request["id"].as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn single_sign_on_maps_groups_and_logs_out_at_the_provider() -> Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let provider = Provider::start(&base).await?;
    let issuer = provider.issuer.clone();
    let s = Session::start_on(listener, |c| {
        let mut sso = OidcConfig::new(&issuer, CLIENT_ID, &base);
        sso.client_secret = Some(CLIENT_SECRET.into());
        sso.roles = vec![
            ("fachwerk-redaktion".into(), Role::Editor),
            ("fachwerk-freigabe".into(), Role::Reviewer),
            ("fachwerk-admin".into(), Role::Admin),
        ];
        sso.org_roles = vec![(
            "sachbearbeitung".into(),
            RoleMembership {
                workflow: "beschaffung".into(),
                role: "R-SB".into(),
            },
        )];
        c.oidc = Some(sso);
    })
    .await?;
    let request = pending_request(&s).await?;
    let axe_source = axe::source()?;

    // The login dialog offers single sign-on beside the password form.
    s.open("/").await?;
    s.click_css("#btn-login").await?;
    s.wait_text_in("#login-sso", "Mit Single Sign-on anmelden", 10)
        .await?;
    let found = axe::violations(&s, &axe_source, "login dialog with SSO").await?;
    assert!(found.is_empty(), "{found:#?}");
    s.screenshot("sso_login_dialog").await?;

    // Erika (group fachwerk-redaktion) signs in on the provider's page: an editor.
    s.click_css("#login-sso").await?;
    provider_login(&s, "erika").await?;
    s.wait_text_in("#whoami", "erika", 15).await?;
    let (status, text) = page_fetch(&s, "GET", "/api/session").await?;
    let me: Value = serde_json::from_str(&text)?;
    assert_eq!(
        (status, me["role"].clone()),
        (200, json!("editor")),
        "{text}"
    );
    let approve = format!("/api/publications/{request}/approve");
    let (status, text) = page_fetch(&s, "POST", &approve).await?;
    assert_eq!(status, 403, "an editor must not approve: {text}");

    // Logging out ends the session at the provider too: Rita gets its login page again.
    logout_via_provider(&s).await?;
    s.click_css("#btn-login").await?;
    s.click_css("#login-sso").await?;
    provider_login(&s, "rita").await?;
    s.wait_text_in("#whoami", "rita", 15).await?;
    // Her group made her a person of the organisation: she starts in the Arbeitskorb, the case
    // app's page (a page load; the request below must not race it).
    s.wait_text_in("#srv-screen-title", "Arbeitskorb", 15)
        .await?;
    s.wait_text_in("#whoami", "rita", 15).await?;
    let (status, text) = page_fetch(&s, "POST", &approve).await?;
    assert_eq!(status, 200, "a reviewer approves: {text}");

    // Rita's group `sachbearbeitung` made her person a holder of beschaffung's R-SB.
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    let persons = admin.json("GET", "/api/persons", None, 200).await?;
    let rita = persons
        .as_array()
        .and_then(|all| all.iter().find(|p| p["account"] == json!("rita")))
        .cloned()
        .unwrap_or_default();
    assert_eq!(rita["name"], json!("Rita Muster"), "{persons}");
    assert_eq!(
        rita["roles"],
        json!([{ "workflow": "beschaffung", "role": "R-SB" }]),
        "{persons}"
    );

    // Otto's only group maps to nothing: refused with a page that says why.
    logout_via_provider(&s).await?;
    s.click_css("#btn-login").await?;
    s.click_css("#login-sso").await?;
    provider_login(&s, "otto").await?;
    s.wait_text_in("#sso-error", "keine Rolle", 15).await?;
    let found = axe::violations(&s, &axe_source, "SSO refusal page").await?;
    assert!(found.is_empty(), "{found:#?}");
    let (_, text) = page_fetch(&s, "GET", "/api/session").await?;
    assert!(text.contains("\"loggedIn\":false"), "{text}");
    drop(provider);
    s.close().await
}
