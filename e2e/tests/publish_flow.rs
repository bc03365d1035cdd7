//! Issue #6 end to end: an editor logs in through the UI, saves a draft, submits it (first with
//! validation errors, then valid), cannot approve the own request; a reviewer approves it from
//! the "Freigaben" inbox and the tag `<key>/v<version>` appears in the catalogue repository.

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{catalog_tags, Session, ADMIN_PASSWORD};

const EDITOR: (&str, &str) = ("erika", "Erika-Passwort-1");
const REVIEWER: (&str, &str) = ("rolf", "Rolf-Passwort-12");

#[tokio::test]
async fn editor_submits_reviewer_approves_tag_exists() -> anyhow::Result<()> {
    let s = Session::start().await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, EDITOR.0, "editor", EDITOR.1).await?;
    s.create_user(&admin, REVIEWER.0, "reviewer", REVIEWER.1)
        .await?;

    s.open("/").await?;
    let d = &s.driver;

    // A wrong password gives a German error and no session.
    s.click_css("#btn-login").await?;
    s.click_css("#login-user").await?;
    d.find(By::Id("login-user"))
        .await?
        .send_keys(EDITOR.0)
        .await?;
    d.find(By::Id("login-password"))
        .await?
        .send_keys("falsch-falsch")
        .await?;
    d.find(By::Id("login-submit")).await?.click().await?;
    s.wait_text_in("#login-error", "Benutzername oder Passwort ist falsch", 10)
        .await?;
    d.find(By::Id("login-cancel")).await?.click().await?;

    s.ui_login(EDITOR.0, EDITOR.1).await?;
    // The header shows the name; the role is in the accessible name and tooltip.
    let who = d
        .find(By::Id("whoami"))
        .await?
        .attr("title")
        .await?
        .unwrap_or_default();
    assert!(who.contains("Bearbeitung"), "header: {who:?}");

    // The blank workflow saves as a draft but cannot be submitted: German findings.
    s.click_css("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "Entwurf gespeichert", 10)
        .await?;
    s.click_css("#btn-submit").await?;
    s.click_css("#submit-confirm").await?;
    let findings = s
        .wait_text_in(
            "#submit-findings",
            "kann so nicht zur Freigabe eingereicht werden",
            10,
        )
        .await?;
    assert!(
        d.find_all(By::Css(
            "#submit-findings li.finding[data-code='E_NO_START']"
        ))
        .await?
        .len()
            == 1,
        "findings: {findings}"
    );
    s.click_css("#submit-close").await?;

    // Open the published Urlaubsantrag from the version history into the editor.
    let before = d.find(By::Id("wf-title")).await?.text().await?;
    s.click_css("#btn-history").await?;
    s.select_value("#history-key", "urlaubsantrag").await?;
    s.click_css("#versions-table tr[data-version='1.0.0'] .version-edit")
        .await?;
    s.wait_text_in("#srv-message", "Version in den Editor geladen", 10)
        .await?;
    assert!(d.find_all(By::Css("#srv-screen")).await?.is_empty());
    // The history is another page (issue 22): the designer opened the version over the work it
    // had restored, as one undo step — Rückgängig brings that work back, Wiederholen the version.
    s.wait_text_in("#wf-title", "Urlaubsantrag", 10).await?;
    assert!(!before.contains("Urlaubsantrag"), "{before}");
    s.click_css("#btn-undo").await?;
    s.wait_text_in("#wf-title", &before, 5).await?;
    s.click_css("#btn-redo").await?;
    s.wait_text_in("#wf-title", "Urlaubsantrag", 5).await?;

    // Change it: a new name (a content change), then save and submit.
    d.find(By::Id("wf-title")).await?.click().await?;
    let name = d
        .query(By::Id("wf-name"))
        .wait(Duration::from_secs(5), Duration::from_millis(50))
        .first()
        .await?;
    name.clear().await?;
    name.send_keys("Urlaubsantrag (Test)").await?;
    name.send_keys(Key::Tab).await?;
    d.action_chain().send_keys(Key::Escape).perform().await?;
    s.wait_text_in("#wf-title", "Urlaubsantrag (Test)", 5)
        .await?;

    s.click_css("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "Entwurf gespeichert (Revision 1)", 10)
        .await?;
    s.click_css("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "Entwurf gespeichert (Revision 2)", 10)
        .await?;

    // Someone saves the same draft elsewhere: the UI reports the conflict in German, keeps the
    // work in the editor and saves it as a new draft on request.
    let editor_api = s.api_login(EDITOR.0, EDITOR.1).await?;
    let drafts = editor_api.json("GET", "/api/drafts", None, 200).await?;
    let open = drafts
        .as_array()
        .and_then(|a| a.iter().find(|x| x["key"] == "urlaubsantrag"))
        .cloned()
        .expect("the saved draft is listed");
    let id = open["id"].as_str().unwrap_or_default().to_string();
    let current = editor_api
        .json("GET", &format!("/api/drafts/{id}"), None, 200)
        .await?;
    let (status, text) = editor_api
        .call_with(
            "PUT",
            &format!("/api/drafts/{id}"),
            Some(&current["workflow"].to_string()),
            &[("If-Match", "\"2\"".to_string())],
        )
        .await?;
    assert_eq!(status, 200, "{text}");
    s.click_css("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "Ihre Änderungen sind nicht verloren", 10)
        .await?;
    assert_eq!(
        d.find(By::Id("wf-title")).await?.text().await?,
        "Urlaubsantrag (Test)"
    );
    s.click_css("#btn-save-as-new").await?;
    s.wait_text_in("#srv-message", "Entwurf gespeichert (Revision 1)", 10)
        .await?;

    s.click_css("#btn-submit").await?;
    d.find(By::Id("submit-note"))
        .await?
        .send_keys("Name präzisiert")
        .await?;
    s.click_css("#submit-confirm").await?;
    // On success the dialog closes and the message line names the version.
    let result = s
        .wait_text_in("#srv-message", "Vorgeschlagene Version", 10)
        .await?;
    assert!(d.find_all(By::Id("submit-dialog")).await?.is_empty());
    let version = result
        .split_whitespace()
        .rfind(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_string();
    assert!(
        version.starts_with("1.0.") || version.starts_with("1.1."),
        "{result}"
    );

    // My drafts lists both drafts.
    s.click_css("#btn-my-drafts").await?;
    s.wait_text_in("#drafts-table", "urlaubsantrag", 10).await?;
    // Delete the blank draft (the button asks once more), open the submitted one.
    s.click_css("#drafts-table tr[data-key='neuer-ablauf'] .draft-delete")
        .await?;
    s.wait_text_in(
        "#drafts-table tr[data-key='neuer-ablauf'] .draft-delete",
        "Wirklich löschen",
        5,
    )
    .await?;
    s.click_css("#drafts-table tr[data-key='neuer-ablauf'] .draft-delete")
        .await?;
    s.wait_text_in("#srv-message", "Entwurf gelöscht", 10)
        .await?;
    for _ in 0..50 {
        if d.find_all(By::Css("#drafts-table tr[data-key='neuer-ablauf']"))
            .await?
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(d
        .find_all(By::Css("#drafts-table tr[data-key='neuer-ablauf']"))
        .await?
        .is_empty());
    s.click_css("#drafts-table tr[data-key='urlaubsantrag'] .draft-open")
        .await?;
    s.wait_text_in("#srv-message", "Entwurf geöffnet", 10)
        .await?;
    s.wait_text_in("#wf-title", "Urlaubsantrag (Test)", 5)
        .await?;

    // The requester cannot approve the own request.
    s.click_css("#btn-inbox").await?;
    s.click_css("#inbox-list li[data-key='urlaubsantrag'] .pub-open")
        .await?;
    s.wait_text_in("#pub-title", "urlaubsantrag", 10).await?;
    // "Freigeben" is disabled on the own request, and the hint says why.
    let approve = d.find(By::Id("btn-approve")).await?;
    assert!(
        !approve.is_enabled().await?,
        "approve enabled on the own request"
    );
    assert_eq!(
        approve.attr("aria-describedby").await?.as_deref(),
        Some("pub-own-hint")
    );
    s.wait_text_in("#pub-own-hint", "Vier-Augen-Prinzip", 10)
        .await?;
    s.screenshot("publish_flow_refused").await?;
    assert!(
        !catalog_tags(&s.data_dir())?.contains(&format!("urlaubsantrag/v{version}")),
        "published by its requester"
    );
    s.click_css("#srv-close").await?;
    s.click_css("#btn-logout").await?;
    s.wait_text_in("#srv-message", "abgemeldet", 10).await?;

    // The reviewer approves from the inbox.
    s.ui_login(REVIEWER.0, REVIEWER.1).await?;
    s.click_css("#btn-inbox").await?;
    s.click_css("#inbox-list li[data-key='urlaubsantrag'] .pub-open")
        .await?;
    let requester = s.wait_text_in("#pub-requester", EDITOR.0, 10).await?;
    assert_eq!(requester, EDITOR.0);
    s.click_css("#btn-approve").await?;
    s.wait_text_in(
        "#pub-message",
        &format!("Freigegeben und veröffentlicht als {version}"),
        20,
    )
    .await?;
    s.screenshot("publish_flow_approved").await?;

    let tag = format!("urlaubsantrag/v{version}");
    let tags = catalog_tags(&s.data_dir())?;
    assert!(tags.contains(&tag), "{tag} missing in {tags:?}");

    // The version history shows the new version with author, approver and note.
    s.click_css("#srv-close").await?;
    s.click_css("#btn-history").await?;
    s.select_value("#history-key", "urlaubsantrag").await?;
    let row = s
        .wait_text_in(
            &format!("#versions-table tr[data-version='{version}']"),
            "Name präzisiert",
            10,
        )
        .await?;
    assert!(row.contains(EDITOR.0) && row.contains(REVIEWER.0), "{row}");

    // Four eyes: the admin may edit and review, but not approve a request of their own.
    let draft = admin
        .json("POST", "/api/drafts?from=gewerbeanmeldung", None, 201)
        .await?;
    let draft_id = draft["id"].as_str().unwrap_or_default().to_string();
    let mut w = draft["workflow"].clone();
    w["name"] = "Gewerbeanmeldung (geprüft)".into();
    let (status, text) = admin
        .call_with(
            "PUT",
            &format!("/api/drafts/{draft_id}"),
            Some(&w.to_string()),
            &[("If-Match", format!("\"{}\"", draft["revision"]))],
        )
        .await?;
    assert_eq!(status, 200, "{text}");
    let body = serde_json::json!({ "draftId": draft_id, "note": "Name" }).to_string();
    admin
        .json("POST", "/api/publications", Some(&body), 201)
        .await?;
    s.click_css("#srv-close").await?;
    s.click_css("#btn-logout").await?;
    s.wait_text_in("#srv-message", "abgemeldet", 10).await?;
    s.ui_login("admin", ADMIN_PASSWORD).await?;
    s.click_css("#btn-inbox").await?;
    s.click_css("#inbox-list li[data-key='gewerbeanmeldung'] .pub-open")
        .await?;
    s.wait_text_in("#pub-own-hint", "Vier-Augen-Prinzip", 10)
        .await?;
    assert!(!d.find(By::Id("btn-approve")).await?.is_enabled().await?);
    s.screenshot("publish_flow_four_eyes").await?;
    assert!(!catalog_tags(&s.data_dir())?
        .iter()
        .any(|t| t.starts_with("gewerbeanmeldung/v1.0.1")));

    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
