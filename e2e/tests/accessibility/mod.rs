//! Issues #5 and #25: accessibility beyond axe. One browser walks every screen — designer with
//! Probelauf, Meine Entwürfe, Freigaben and one request, Vergleich, Vorlagen, Versionen,
//! Arbeitskorb, Vorgang, Organisation, Vorgang anlegen, the applicant's Rückfrage and Status —
//! at 1366×768, at 200 % zoom (683×384 CSS px, device pixel ratio 2) and at 320 px, and finds:
//! axe-core 0 violations (no rule disabled), no horizontal scroll outside the canvas, the screen
//! or canvas gets at least half the window (the header does not eat it). Modal dialogs keep
//! Tab inside, make the rest inert and give the focus back to their opener on Escape; a covered
//! designer is not reachable by Tab; the toolbar is one Tab stop with arrow keys; the focus is
//! never lost to `<body>` after deleting a block, Rückgängig becoming disabled, the Vorlagen
//! import panel closing, Freigeben/Ablehnen or Abmelden. Probelauf marks required fields and
//! names the missing one by its label; German server text in the English UI is marked
//! `lang="de"`. Screenshots of every screen at 200 %: `target/e2e/a11y/*-200.png`.
//!
//! Problems are collected and reported together at the end, so one run lists all of them.
//!
//! `fixtures` sets up the data the screens show, `screens` walks them at each size, `focus`
//! checks dialogs and where the focus goes.

mod fixtures;
mod focus;
mod screens;

use std::time::Duration;

use fachwerk_e2e::a11y::{emulate, DESKTOP, NARROW, ZOOM_200};
use fachwerk_e2e::axe::{source as axe_source, violations};
use fachwerk_e2e::{workspace, Session, ADMIN_PASSWORD};
use fachwerk_shared::parse_workflow;

use fixtures::fixtures;
use focus::{designer_focus, screens_focus, undo_focus};
use screens::{screens, walk};

#[tokio::test]
async fn every_screen_is_accessible_at_three_sizes() -> anyhow::Result<()> {
    let axe = axe_source()?;
    let s = Session::start_with(|c| c.delivery.interval = Duration::from_millis(200)).await?;
    s.driver
        .set_script_timeout(Duration::from_secs(120))
        .await?;
    let f = fixtures(&s).await?;
    let mut problems = Vec::new();

    emulate(&s, DESKTOP).await?;
    s.open("/").await?;
    problems.extend(violations(&s, &axe, "leer").await?);
    undo_focus(&s, &mut problems).await?;
    let path = workspace().join("workflows/beschaffung.json");
    let n = parse_workflow(&std::fs::read_to_string(&path)?)?
        .blocks
        .len();
    s.open_workflow_file(&path, n).await?;

    // Logged in, the admin (a clerk too) starts in the Arbeitskorb; a saved draft keeps the
    // designer open on later visits of `/`.
    s.ui_login("admin", ADMIN_PASSWORD).await?;
    if s.wait_text_in("#srv-screen-title", "Arbeitskorb", 10)
        .await
        .is_ok()
    {
        s.click_css("#btn-to-editor").await?;
    }
    s.click_css("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "gespeichert", 10).await?;
    let list = screens(&f);
    for v in [DESKTOP, ZOOM_200, NARROW] {
        walk(&s, &axe, v, &list, &mut problems).await?;
    }
    emulate(&s, DESKTOP).await?;
    s.open("/").await?;
    // A step that cannot go on is reported with what was found before it.
    if let Err(e) = designer_focus(&s, &axe, n, &mut problems).await {
        problems.push(format!("the designer's focus checks stopped: {e}"));
    }
    s.open("/").await?;
    if let Err(e) = screens_focus(&s, &axe, &f, &mut problems).await {
        problems.push(format!("the screens' focus checks stopped: {e}"));
    }

    assert!(
        problems.is_empty(),
        "{} accessibility problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
