//! Issue 14, the designer's shell at 1366×768: the header is one row (menus Datei, Bearbeiten,
//! Ansicht with their shortcuts, the frequent commands as icon buttons) and does not move when
//! the problem count changes; the menus work with the keyboard; every screen has a URL, so a
//! reviewer opens a first version from a link and sees it as "Erstfassung" with every block
//! added, without the editor's tools; Back returns.

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session, ADMIN_PASSWORD};

const EDITOR: (&str, &str) = ("erika", "Erika-Passwort-1");
const REVIEWER: (&str, &str) = ("rolf", "Rolf-Passwort-12");

async fn focused_id(s: &Session) -> anyhow::Result<String> {
    let v = s
        .js("return document.activeElement ? document.activeElement.id : '';")
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn wait_focus(s: &Session, id: &str) -> anyhow::Result<()> {
    for _ in 0..50 {
        if focused_id(s).await? == id {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("focus is on {:?}, not {id}", focused_id(s).await?)
}

async fn press(s: &Session, k: Key) -> anyhow::Result<()> {
    s.driver.action_chain().send_keys(k).perform().await?;
    Ok(())
}

/// Left edges of the header's controls, by id.
async fn header_positions(s: &Session) -> anyhow::Result<serde_json::Value> {
    s.js("const o = {}; for (const b of document.querySelectorAll('#topbar button[id]')) { if (b.getClientRects().length && !b.closest('[role=menu]')) o[b.id] = Math.round(b.getBoundingClientRect().left); } return o;")
        .await
}

#[tokio::test]
async fn the_header_is_one_row_at_1366_and_its_menus_work_by_keyboard() -> anyhow::Result<()> {
    let s = Session::start().await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, EDITOR.0, "editor", EDITOR.1).await?;
    s.window_size(1366, 768).await?;
    s.open("/").await?;
    let d = &s.driver;

    let header = d.find(By::Id("topbar")).await?;
    header
        .screenshot(&fachwerk_e2e::out_dir().join("header-1366-logged-out.png"))
        .await?;
    let (height, spread, outside) = s.header_layout().await?;
    assert!(
        spread < 6.0 && height < 56.0,
        "logged out: {height} px, spread {spread}"
    );
    assert!(outside.is_empty(), "logged out, outside: {outside:?}");

    s.ui_login(EDITOR.0, EDITOR.1).await?;
    header
        .screenshot(&fachwerk_e2e::out_dir().join("header-1366-logged-in.png"))
        .await?;
    let (height, spread, outside) = s.header_layout().await?;
    assert!(
        spread < 6.0 && height < 56.0,
        "logged in: {height} px, spread {spread}"
    );
    assert!(outside.is_empty(), "logged in, outside: {outside:?}");
    let canvas = s
        .js("const r = document.getElementById('canvas').getBoundingClientRect(); return [r.width, r.height];")
        .await?;
    eprintln!("canvas at 1366×768, logged in: {canvas}");

    // A change of the problem count moves nothing in the header.
    let before = header_positions(&s).await?;
    let errors_before = s.error_count().await?;
    s.click_css(".palette-item[data-block-type='wertgrenzen']")
        .await?;
    for _ in 0..50 {
        if s.error_count().await? != errors_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_ne!(s.error_count().await?, errors_before, "the count changed");
    assert_eq!(header_positions(&s).await?, before, "the header moved");

    // Menus: ↓ opens on the first item, ↓ moves, Escape closes back to the button.
    d.find(By::Id("menu-file")).await?.focus().await?;
    press(&s, Key::Down).await?;
    wait_focus(&s, "btn-new").await?;
    assert_eq!(
        d.find(By::Id("menu-file"))
            .await?
            .attr("aria-expanded")
            .await?,
        Some("true".into())
    );
    press(&s, Key::Down).await?;
    wait_focus(&s, "btn-open").await?;
    press(&s, Key::Escape).await?;
    wait_focus(&s, "menu-file").await?;
    assert!(
        !d.find(By::Id("menu-file-list"))
            .await?
            .is_displayed()
            .await?
    );
    // Bearbeiten shows the shortcuts; a command runs from the menu (Duplizieren: one block more).
    s.click_css("#menu-edit").await?;
    let undo = d
        .find(By::Css("#menu-undo .menu-keys"))
        .await?
        .text()
        .await?;
    assert_eq!(undo, "Strg+Z");
    press(&s, Key::Escape).await?;
    let blocks = s.block_count().await?;
    s.click_css("#btn-duplicate").await?;
    s.wait_blocks(blocks + 1).await?;
    // Arrow keys inside a menu never move the selected block.
    let model = s
        .js("return localStorage.getItem('fachwerk.autosave');")
        .await?;
    d.find(By::Id("menu-view")).await?.focus().await?;
    press(&s, Key::Down).await?;
    wait_focus(&s, "btn-layout").await?;
    press(&s, Key::Down).await?;
    press(&s, Key::Escape).await?;
    assert_eq!(
        s.js("return localStorage.getItem('fachwerk.autosave');")
            .await?,
        model,
        "keys in the menu changed the workflow"
    );
    s.screenshot("designer-shell-header").await?;

    // Ctrl+K connects the focused block, not the one selected before (the copy).
    let first = s
        .js("const g = document.querySelector('#canvas g.block:not(.selected)'); g.focus(); return g.getAttribute('data-block-id');")
        .await?;
    let first = first.as_str().unwrap_or_default().to_string();
    assert!(!first.is_empty(), "an unselected block to focus");
    d.action_chain()
        .key_down(Key::Control)
        .send_keys("k")
        .key_up(Key::Control)
        .perform()
        .await?;
    s.wait_for("#connect-dialog").await?;
    let selected = s
        .js("return [...document.querySelectorAll('#canvas g.block.selected')].map(g => g.getAttribute('data-block-id'));")
        .await?;
    assert_eq!(
        selected,
        serde_json::json!([first]),
        "Ctrl+K took the focused block"
    );
    press(&s, Key::Escape).await?;

    // A server message sits over the status bar, not the canvas, and can be dismissed.
    s.click_css("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "Entwurf gespeichert", 10)
        .await?;
    let (msg_top, canvas_bottom) = {
        let v = s
            .js("return [document.getElementById('srv-message').getBoundingClientRect().top, document.getElementById('canvas').getBoundingClientRect().bottom];")
            .await?;
        (
            v[0].as_f64().unwrap_or(0.0),
            v[1].as_f64().unwrap_or(f64::MAX),
        )
    };
    assert!(
        msg_top >= canvas_bottom - 1.0,
        "message at {msg_top} over the canvas (ends {canvas_bottom})"
    );
    s.click_css("#srv-message-close").await?;
    for _ in 0..50 {
        if d.find(By::Id("srv-message"))
            .await?
            .text()
            .await?
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(d.find(By::Id("srv-message")).await?.text().await?, "");
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}

#[tokio::test]
async fn a_reviewer_opens_a_first_version_from_its_url() -> anyhow::Result<()> {
    let s = Session::start().await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, EDITOR.0, "editor", EDITOR.1).await?;
    s.create_user(&admin, REVIEWER.0, "reviewer", REVIEWER.1)
        .await?;
    s.window_size(1366, 768).await?;

    // A workflow never published before, submitted by the editor.
    let text = std::fs::read_to_string(workspace().join("workflows/beschaffung.json"))?;
    let mut w: serde_json::Value = serde_json::from_str(&text)?;
    w["key"] = "beschaffung-neu".into();
    w["name"] = "Beschaffung (neu)".into();
    let blocks = w["blocks"].as_array().map_or(0, Vec::len);
    let editor = s.api_login(EDITOR.0, EDITOR.1).await?;
    let draft = editor
        .json("POST", "/api/drafts", Some(&w.to_string()), 201)
        .await?;
    let body = serde_json::json!({ "draftId": draft["id"], "note": "Erstfassung" }).to_string();
    let request = editor
        .json("POST", "/api/publications", Some(&body), 201)
        .await?;
    let id = request["id"].as_str().unwrap_or_default().to_string();
    // No history yet: an empty list, not an error.
    let versions = editor
        .json("GET", "/api/workflows/beschaffung-neu/versions", None, 200)
        .await?;
    assert_eq!(versions, serde_json::json!([]));

    s.open("/").await?;
    s.ui_login(REVIEWER.0, REVIEWER.1).await?;
    // The link a notification would carry.
    s.open(&format!("/freigaben/{id}/vergleich")).await?;
    let d = &s.driver;
    let mut added = 0;
    for _ in 0..100 {
        added = d
            .find_all(By::Css("#rv-change-list li[data-kind='BlockAdded']"))
            .await?
            .len();
        if added > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        added, blocks,
        "every block of a first version is listed as added"
    );
    let old = s
        .js("return document.getElementById('review-old').value;")
        .await?;
    assert_eq!(old, "first", "the old side is the Erstfassung");
    let shapes = d.find_all(By::Css(".rv-panes g.rv-block")).await?;
    assert_eq!(
        shapes.len(),
        blocks,
        "the snapshot is drawn, not the reviewer's editor"
    );
    for g in &shapes {
        assert!(
            g.class_name()
                .await?
                .unwrap_or_default()
                .contains("rv-added"),
            "a block not marked as added"
        );
    }
    // The reviewer's screen is the publishing app's: no editor, no editor tools, no problem
    // count (issue 22).
    for id in [
        "menu-file",
        "btn-undo",
        "problem-count",
        "btn-validate",
        "workspace",
    ] {
        assert!(
            d.find_all(By::Id(id)).await?.is_empty(),
            "#{id} on the review screen"
        );
    }
    s.screenshot("review-first-version").await?;

    // The request has its own URL; its button opens the comparison, Back returns.
    s.open(&format!("/freigaben/{id}")).await?;
    s.wait_text_in("#pub-title", "beschaffung-neu", 10).await?;
    s.click_css("#btn-pub-review").await?;
    s.wait_for("#rv-change-list li").await?;
    assert!(d.current_url().await?.path().ends_with("/vergleich"));
    d.back().await?;
    s.wait_text_in("#pub-title", "beschaffung-neu", 10).await?;
    assert_eq!(d.current_url().await?.path(), format!("/freigaben/{id}"));
    d.back().await?;
    s.wait_text_in("#srv-screen-title", "vergleichen", 10)
        .await?;
    s.click_css("#btn-to-editor").await?;
    s.wait_for("#menu-file").await?;
    assert_eq!(d.current_url().await?.path(), "/");
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
