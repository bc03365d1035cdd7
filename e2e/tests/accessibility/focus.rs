//! Dialogs and the focus: Tab kept inside, the rest inert, the focus back to the opener and
//! never lost to `<body>`; the toolbar's Tab stop; Probelauf's required fields.

use std::time::Duration;

use fachwerk_e2e::a11y::{self, ctrl, focus_after, focus_matches, focus_on, press};
use fachwerk_e2e::axe::violations;
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};

use super::fixtures::Fixtures;

/// With the dialog `dialog` opening: axe finds nothing, the rest is inert, Tab stays inside,
/// Escape closes it and the focus returns to `opener`.
async fn dialog_round(
    s: &Session,
    axe: &str,
    dialog: &str,
    opener: &str,
    tabs: usize,
    problems: &mut Vec<String>,
) -> anyhow::Result<()> {
    if let Err(e) = s.wait_for(dialog).await {
        problems.push(format!("{dialog} did not open: {e}"));
        return Ok(());
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    problems.extend(violations(s, axe, dialog).await?);
    problems.extend(a11y::rest_is_inert(s, dialog).await?);
    problems.extend(a11y::tab_stays_in(s, dialog, tabs, 3).await?);
    press(s, Key::Escape, false).await?;
    if s.driver
        .query(By::Css(dialog))
        .wait(Duration::from_secs(3), Duration::from_millis(50))
        .not_exists()
        .await
        .is_err()
    {
        problems.push(format!("Escape did not close {dialog}"));
    }
    problems.extend(focus_after(s, &format!("Escape in {dialog}"), Some(opener)).await?);
    Ok(())
}

/// Rückgängig becomes disabled (on an empty designer): by Enter on the button, then by Ctrl+Z
/// on it; the focus moves on.
pub(super) async fn undo_focus(s: &Session, problems: &mut Vec<String>) -> anyhow::Result<()> {
    for (how, by_ctrl) in [
        ("Enter on Rückgängig", false),
        ("Ctrl+Z on Rückgängig", true),
    ] {
        focus_on(s, "button.palette-item[data-block-type='ende']").await?;
        press(s, Key::Enter, false).await?;
        s.wait_blocks(1).await?;
        focus_on(s, "#btn-undo").await?;
        if by_ctrl {
            ctrl(s, "z").await?;
        } else {
            press(s, Key::Enter, false).await?;
        }
        s.wait_blocks(0).await?;
        problems.extend(focus_after(s, how, None).await?);
    }
    Ok(())
}

/// The designer's focus rules with the procurement template open (`n` blocks), 1366×768.
pub(super) async fn designer_focus(
    s: &Session,
    axe: &str,
    n: usize,
    problems: &mut Vec<String>,
) -> anyhow::Result<()> {
    let block = "#canvas g.block[data-block-id='wertgrenze']";

    // Delete on a focused block (Enter selects it); the inspector's Löschen.
    focus_on(s, block).await?;
    press(s, Key::Enter, false).await?;
    press(s, Key::Delete, false).await?;
    s.wait_blocks(n - 1).await?;
    problems.extend(focus_after(s, "Delete on a block", None).await?);
    ctrl(s, "z").await?;
    s.wait_blocks(n).await?;
    s.click_css("#outline li.outline-item[data-block-id='wertgrenze'] > button")
        .await?;
    s.wait_for("#canvas g.block.selected").await?;
    problems.extend(violations(s, axe, "Inspektor").await?);
    s.click_css("#inspector .actions button.danger").await?;
    s.wait_blocks(n - 1).await?;
    problems.extend(focus_after(s, "the inspector's Löschen", Some("#canvas")).await?);
    ctrl(s, "z").await?;
    s.wait_blocks(n).await?;

    // The toolbar: one Tab stop, arrow keys, Home and End.
    let stops = a11y::toolbar_tab_stops(s).await?;
    if stops.len() != 1 {
        problems.push(format!(
            "the toolbar has {} Tab stops: {stops:?}",
            stops.len()
        ));
    }
    focus_on(s, "#menu-file").await?;
    for (key, want) in [
        (Key::Right, "#menu-edit"),
        (Key::End, "#btn-settings"),
        (Key::Home, "#menu-file"),
        (Key::Left, "#btn-settings"),
    ] {
        press(s, key, false).await?;
        if !focus_matches(s, want).await? {
            problems.push(format!(
                "an arrow key in the toolbar went to {}, not {want}",
                a11y::focused(s).await?
            ));
        }
    }
    if a11y::toolbar_tab_stops(s).await? != vec!["btn-settings".to_string()] {
        problems.push("the toolbar's Tab stop does not follow the arrow keys".into());
    }

    // Dialogs: Einstellungen from the title, Verbinden by Ctrl+K and from the toolbar, the
    // engine export from the Datei menu, the question before an import.
    focus_on(s, "#wf-title").await?;
    press(s, Key::Enter, false).await?;
    dialog_round(s, axe, "#settings-dialog", "#wf-title", 30, problems).await?;
    focus_on(s, block).await?;
    ctrl(s, "k").await?;
    dialog_round(s, axe, "#connect-dialog", block, 8, problems).await?;
    focus_on(s, "#btn-connect").await?;
    press(s, Key::Enter, false).await?;
    dialog_round(s, axe, "#connect-dialog", "#btn-connect", 8, problems).await?;
    s.click_css("#btn-export-engine").await?;
    // Checked once the worker made the export (the dialog is busy until then).
    s.wait_for("#engine-export-dialog[aria-busy='false']")
        .await?;
    dialog_round(s, axe, "#engine-export-dialog", "#menu-file", 12, problems).await?;
    focus_on(s, "#menu-file").await?;
    let foreign = workspace().join("shared/tests/fixtures/bpmn/camunda7-urlaubsantrag.bpmn");
    s.choose_file(&foreign).await?;
    dialog_round(s, axe, "#import-dialog", "#menu-file", 6, problems).await?;

    // Probelauf: required fields are marked; the message names the label, the field gets
    // the focus.
    s.click_css("#btn-probelauf").await?;
    s.wait_for("#probelauf").await?;
    let marked = s
        .js("const i = document.getElementById('sim-field-betragNetto');
             return !!i && i.getAttribute('aria-required') === 'true'
               && document.querySelector('label[for=sim-field-betragNetto]').textContent.includes('*');")
        .await?;
    if marked.as_bool() != Some(true) {
        problems.push("Probelauf: the required field is not marked".into());
    }
    s.click_css("#btn-sim-run").await?;
    match s.wait_for("#sim-error").await {
        Ok(el) => {
            let error = el.text().await?;
            if !error.contains("Geschätzter Auftragswert netto") || error.contains("betragNetto") {
                problems.push(format!("Probelauf names the field by its key: {error:?}"));
            }
        }
        Err(e) => problems.push(format!("Probelauf runs without its required fields: {e}")),
    }
    problems.extend(
        focus_after(
            s,
            "a Probelauf without a required field",
            Some("#sim-field-betragNetto[aria-invalid=true]"),
        )
        .await?,
    );
    s.click_css("#btn-probelauf").await?;
    Ok(())
}

/// Focus after actions on the server's screens (logged in as the admin, 1366×768).
pub(super) async fn screens_focus(
    s: &Session,
    axe: &str,
    f: &Fixtures,
    problems: &mut Vec<String>,
) -> anyhow::Result<()> {
    // A covered designer is not reachable: Tab on Meine Entwürfe never enters it.
    s.driver.goto(format!("{}/entwuerfe", s.base)).await?;
    s.wait_for("#srv-screen-title").await?;
    for i in 0..40 {
        press(s, Key::Tab, false).await?;
        let hidden = s
            .js("const a = document.activeElement;
                 return !!a && a !== document.body && (!!a.closest('#workspace') || !a.getClientRects().length);")
            .await?;
        if hidden.as_bool() == Some(true) {
            problems.push(format!(
                "Tab no. {} on Meine Entwürfe reached the hidden {}",
                i + 1,
                a11y::focused(s).await?
            ));
            break;
        }
    }

    // Zur Freigabe einreichen (from the account menu, once the page knows the login).
    s.open("/").await?;
    s.wait_text_in("#whoami", "admin", 10).await?;
    s.click_css("#btn-submit").await?;
    dialog_round(s, axe, "#submit-dialog", "#btn-account", 10, problems).await?;

    // The Vorlagen import panel: Escape and Abbrechen return to its button. (Opened from the
    // account menu: the screen knows the login by then and offers "Übernehmen".)
    s.click_css("#btn-templates").await?;
    let opener = s.wait_for(".tpl-import:not([disabled])").await?;
    s.driver
        .execute(
            "arguments[0].setAttribute('data-opener', '');",
            vec![opener.to_json()?],
        )
        .await?;
    for close in ["Escape", "Abbrechen"] {
        focus_on(s, "[data-opener]").await?;
        press(s, Key::Enter, false).await?;
        s.wait_for("#tpl-import-form").await?;
        // The panel takes the focus in the next frame; Escape before that belongs to the screen
        // (a person sees the panel first; a loaded test machine may press sooner).
        s.wait_for("#tpl-import-form :focus").await?;
        if close == "Escape" {
            press(s, Key::Escape, false).await?;
        } else {
            s.click_css("#tpl-import-cancel").await?;
        }
        problems.extend(
            focus_after(
                s,
                &format!("{close} in the import panel"),
                Some("[data-opener]"),
            )
            .await?,
        );
    }

    // Freigeben and Ablehnen.
    s.driver
        .goto(format!("{}/freigaben/{}", s.base, f.request_a))
        .await?;
    s.click_css("#btn-approve").await?;
    s.driver
        .query(By::Id("btn-approve"))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .not_exists()
        .await?;
    problems.extend(focus_after(s, "Freigeben", None).await?);
    s.driver
        .goto(format!("{}/freigaben/{}", s.base, f.request_b))
        .await?;
    s.wait_for("#reject-comment")
        .await?
        .send_keys("Bitte den Namen ändern.")
        .await?;
    s.click_css("#btn-reject").await?;
    s.driver
        .query(By::Id("btn-reject"))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .not_exists()
        .await?;
    problems.extend(focus_after(s, "Ablehnen", None).await?);

    // German server text in the English UI is marked as German.
    s.click_css("#btn-lang").await?;
    s.click_css("#btn-templates").await?;
    s.wait_for("#tpl-source-url")
        .await?
        .send_keys("kein-url")
        .await?;
    s.click_css("#tpl-add").await?;
    if let Err(e) = s.wait_for("#tpl-status span[lang=de]").await {
        let shown = s.wait_for("#tpl-status").await?.text().await?;
        problems.push(format!(
            "German server text not marked in English ({shown:?}): {e}"
        ));
    }
    s.click_css("#btn-lang").await?;

    // Abmelden: the focus goes to Anmelden.
    s.click_css("#btn-logout").await?;
    problems.extend(focus_after(s, "Abmelden", Some("#btn-login")).await?);

    // Anmelden: Tab stays in the dialog (it used to reach the page behind).
    s.click_css("#btn-login").await?;
    dialog_round(s, axe, "#login-dialog", "#btn-login", 10, problems).await?;
    Ok(())
}
