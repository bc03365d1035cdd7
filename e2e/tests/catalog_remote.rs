//! Issue 23 in the browser: an admin sees on the "Freigaben" screen that the catalogue could
//! not be pushed to its remote (the error and the next try), asks for a new attempt with the
//! keyboard, and the screen has no axe violations; an editor sees no such line.

use std::time::Duration;

use fachwerk_e2e::axe::{self, violations};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{Session, ADMIN_PASSWORD};

const EDITOR: (&str, &str) = ("erika", "Erika-Passwort-1");

#[tokio::test]
async fn admins_see_a_failed_push_and_retry_it() -> anyhow::Result<()> {
    let axe = axe::source()?;
    let gone = tempfile::tempdir()?;
    let remote = gone.path().join("gibt-es-nicht.git");
    let s = Session::start_with(|c| c.remote = Some(remote.display().to_string())).await?;
    s.driver
        .set_script_timeout(Duration::from_secs(120))
        .await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    admin.create_user(EDITOR.0, "editor", EDITOR.1).await?;
    // The first push (at start) fails: the remote does not exist.
    let mut attempts = 0;
    for _ in 0..100 {
        let status = admin.json("GET", "/api/remote", None, 200).await?;
        if status["state"] == "failed" {
            attempts = status["attempts"].as_u64().unwrap_or(0);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(attempts >= 1, "the push did not fail");

    s.open("/").await?;
    s.ui_login(EDITOR.0, EDITOR.1).await?;
    s.click_css("#btn-inbox").await?;
    s.wait_for("#inbox-empty").await?;
    assert!(
        s.driver.find_all(By::Id("remote-status")).await?.is_empty(),
        "an editor sees the remote"
    );
    s.click_css("#srv-close").await?;
    s.click_css("#btn-logout").await?;
    s.wait_text_in("#srv-message", "abgemeldet", 10).await?;

    s.ui_login("admin", ADMIN_PASSWORD).await?;
    s.click_css("#btn-inbox").await?;
    let line = s
        .wait_text_in("#remote-status", "fehlgeschlagen", 10)
        .await?;
    assert!(line.contains("gibt-es-nicht.git"), "{line}");
    assert!(line.contains("Nächster Versuch"), "{line}");
    assert!(line.contains("gespeichert"), "{line}");
    let state = s
        .driver
        .find(By::Id("remote-status"))
        .await?
        .attr("data-state")
        .await?;
    assert_eq!(state.as_deref(), Some("failed"));
    let found = violations(&s, &axe, "Freigaben mit Übertragungsfehler").await?;
    assert!(found.is_empty(), "{found:#?}");

    // Right after an automatic attempt failed (the 4th or later: the next one is at least
    // 16 s away), the button is pressed with the keyboard: the server tries again at once.
    let mut seen = attempts;
    let until = std::time::Instant::now() + Duration::from_secs(60);
    let before = loop {
        let status = admin.json("GET", "/api/remote", None, 200).await?;
        let now = status["attempts"].as_u64().unwrap_or(0);
        if now != seen && now >= 4 {
            break now;
        }
        assert!(
            std::time::Instant::now() < until,
            "no 4th attempt: {status}"
        );
        seen = now;
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let button = s.driver.find(By::Id("btn-push-now")).await?;
    button.focus().await?;
    button.send_keys(Key::Enter).await?;
    let mut again = before;
    for _ in 0..60 {
        let status = admin.json("GET", "/api/remote", None, 200).await?;
        again = status["attempts"].as_u64().unwrap_or(0);
        if again > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again > before, "no new attempt after the button");
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
