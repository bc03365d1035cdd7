//! Issue 14, part 1: what got in a first-time clerk's way — a visitor without login browses the
//! templates and the page logs no error; a new workflow gets its key from its name (not
//! `neuer-ablauf`, never the key of another workflow); import asks before replacing the open
//! work; a double click on "Einreichen" files one request, shown as "Erstfassung 1.0.0";
//! the problem list speaks clerk words; in English no German default name shows in the
//! problems, the outline, the Probelauf's trace and a first version's change list.

use std::path::PathBuf;
use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{http, out_dir, workspace, Session, ADMIN_PASSWORD};
use serde_json::{json, Value};

const EDITOR: (&str, &str) = ("erika", "Erika-Passwort-1");

/// Writes a workflow as a file to import: the Urlaubsantrag template under another name and
/// with the key of a new, blank workflow.
fn workflow_file(file: &str, name: &str) -> anyhow::Result<PathBuf> {
    let text = std::fs::read_to_string(workspace().join("workflows/urlaubsantrag.json"))?;
    let mut w: Value = serde_json::from_str(&text)?;
    w["key"] = json!("neuer-ablauf");
    w["name"] = json!(name);
    w["version"] = json!("0.1.0");
    let path = out_dir().join(file);
    std::fs::create_dir_all(out_dir())?;
    std::fs::write(&path, serde_json::to_string_pretty(&w)?)?;
    Ok(path)
}

/// The text of an element, hidden or not (`textContent`).
async fn text_of(s: &Session, id: &str) -> anyhow::Result<String> {
    let v = s
        .js(&format!(
            "const e = document.getElementById('{id}'); return e ? e.textContent : null;"
        ))
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

async fn wait_text(s: &Session, id: &str, needle: &str) -> anyhow::Result<String> {
    let mut last = String::new();
    for _ in 0..100 {
        last = text_of(s, id).await?;
        if last.contains(needle) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("#{id} did not show {needle:?} (last: {last:?})")
}

#[tokio::test]
async fn a_visitor_browses_the_templates_and_the_page_logs_no_error() -> anyhow::Result<()> {
    let s = Session::start().await?;
    s.open("/").await?;
    // What the page asks on load: "who am I" answers 200 while logged out.
    let session = s
        .js(
            "const x = new XMLHttpRequest(); x.open('GET', '/api/session', false); x.send(); \
             return [x.status, x.responseText];",
        )
        .await?;
    assert_eq!(session[0], 200, "{session}");
    assert_eq!(
        serde_json::from_str::<Value>(session[1].as_str().unwrap_or_default())?,
        json!({ "loggedIn": false, "passwordLogin": true, "sso": false })
    );
    // The icon is an icon, not the app.
    let icon = s
        .js("const l = document.querySelector('link[rel=icon]'); return l ? l.getAttribute('href') : null;")
        .await?;
    assert_eq!(icon, json!("/favicon.svg"));
    for path in ["/favicon.ico", "/favicon.svg"] {
        let (status, headers, body) = http(&s.addr(), "GET", path, &[], None).await?;
        assert_eq!(status, 200, "{path}");
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "content-type" && v.starts_with("image/svg+xml")),
            "{path}: {headers:?}"
        );
        assert!(body.trim_start().starts_with("<svg"), "{path}: {body}");
    }

    // "Vorlagen" without login: the list, read only.
    s.click_css("#btn-templates-public").await?;
    s.wait_text_in("#tpl-read-only", "bitte anmelden", 10)
        .await?;
    s.wait_text_in("#tpl-table", "Beschaffung", 10).await?;
    assert!(s.driver.find_all(By::Css(".tpl-import")).await?.is_empty());
    assert!(s.driver.find_all(By::Id("tpl-add-form")).await?.is_empty());
    s.screenshot("first_day_templates_logged_out").await?;

    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}

#[tokio::test]
async fn a_new_workflow_gets_its_key_and_a_double_click_files_one_request() -> anyhow::Result<()> {
    let s = Session::start().await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, EDITOR.0, "editor", EDITOR.1).await?;
    // The common office laptop (issue 14): the header stays one row, logged in.
    s.window_size(1366, 768).await?;
    s.open("/").await?;
    let d = &s.driver;
    s.ui_login(EDITOR.0, EDITOR.1).await?;
    let (height, spread, outside) = s.header_layout().await?;
    assert!(
        spread < 6.0 && height < 56.0 && outside.is_empty(),
        "header at 1366: {height} px, spread {spread}, outside {outside:?}"
    );

    // Import into the blank workflow: nothing to lose, no question.
    let first = workflow_file("first_day_urlaub.json", "Urlaub für Außendienst")?;
    s.choose_file(&first).await?;
    s.wait_text_in("#wf-title", "Urlaub für Außendienst", 10)
        .await?;
    assert!(d.find_all(By::Id("import-replace")).await?.is_empty());
    // Import over it: asked first; "Abbrechen" keeps the open work.
    let second = workflow_file("first_day_beschaffung.json", "Beschaffung")?;
    s.choose_file(&second).await?;
    s.wait_text_in("#import-dialog", "Urlaub für Außendienst", 10)
        .await?;
    s.screenshot("first_day_import_asks").await?;
    s.click_css("#import-cancel").await?;
    assert_eq!(
        d.find(By::Id("wf-title")).await?.text().await?,
        "Urlaub für Außendienst"
    );
    s.choose_file(&second).await?;
    s.click_css("#import-replace").await?;
    s.wait_text_in("#wf-title", "Beschaffung", 10).await?;

    // First save: the key comes from the name; the catalogue's `beschaffung` is another
    // workflow (the template), so this one is `beschaffung-2`.
    s.click_css("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "Entwurf gespeichert", 10)
        .await?;
    // The header as an editor with a draft sees it (issue 14's closing picture).
    d.find(By::Id("topbar"))
        .await?
        .screenshot(&out_dir().join("header-1366.png"))
        .await?;
    let requests = admin.json("GET", "/api/publications", None, 200).await?;
    assert_eq!(requests, json!([]));
    s.click_css("#wf-title").await?;
    let key = s.wait_for("#wf-key").await?;
    // The dialog reads the catalogue to check keys against it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(key.prop("value").await?.as_deref(), Some("beschaffung-2"));
    assert!(
        key.attr("readonly").await?.is_none(),
        "editable while unpublished"
    );
    // The template's key is refused, with the key named.
    key.send_keys(Key::Control + "a").await?;
    key.send_keys("beschaffung").await?;
    key.send_keys(Key::Tab).await?;
    s.wait_text_in("#wf-key-error", "„beschaffung“ hat im Katalog schon", 10)
        .await?;
    s.screenshot("first_day_key_taken").await?;
    s.click_css("#btn-settings-close").await?;

    // "Einreichen" double-clicked: one request, the dialog closes, "Erstfassung 1.0.0".
    s.click_css("#btn-submit").await?;
    let confirm = s.wait_for("#submit-confirm").await?;
    d.action_chain()
        .double_click_element(&confirm)
        .perform()
        .await?;
    let message = s
        .wait_text_in("#srv-message", "Zur Freigabe eingereicht", 15)
        .await?;
    assert!(message.contains("Erstfassung 1.0.0"), "{message}");
    assert!(!message.contains("Major"), "{message}");
    assert!(d.find_all(By::Id("submit-dialog")).await?.is_empty());
    s.screenshot("first_day_submitted_once").await?;
    let pending = admin.json("GET", "/api/publications", None, 200).await?;
    let mine: Vec<&Value> = pending
        .as_array()
        .map(|a| a.iter().filter(|p| p["key"] == "beschaffung-2").collect())
        .unwrap_or_default();
    assert_eq!(mine.len(), 1, "{pending}");
    // A second submission of the unchanged draft is the same request, not a new one.
    s.click_css("#btn-submit").await?;
    s.click_css("#submit-confirm").await?;
    s.wait_text_in("#srv-message", "Erstfassung 1.0.0", 15)
        .await?;
    let pending = admin.json("GET", "/api/publications", None, 200).await?;
    assert_eq!(pending.as_array().map(Vec::len), Some(1), "{pending}");

    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}

/// Start → case work with an open exit "reject" → end; none of the blocks is named.
fn unnamed_file() -> anyhow::Result<PathBuf> {
    let w = json!({
        "schemaVersion": 1, "key": "namenlos", "name": "Namenlos", "description": "",
        "version": "0.1.0", "nextId": 10,
        "fields": [{ "name": "betragNetto", "label": "Betrag netto", "type": "money", "required": true }],
        "roles": [{ "id": "R-SB", "name": "Bürgerbüro-Team", "orgUnit": "Bürgeramt" }],
        "blocks": [
            { "id": "b1", "type": "start", "label": "", "params": { "trigger": "ONLINE_ANTRAG" } },
            { "id": "b2", "type": "sachbearbeitung", "label": "",
              "params": { "assignee": { "kind": "role", "ref": "R-SB" }, "instructions": "prüfen", "outcomes": ["ok", "reject"] } },
            { "id": "b3", "type": "ende", "label": "", "params": { "result": "ERLEDIGT" } }
        ],
        "edges": [
            { "id": "e1", "from": "b1", "port": "next", "to": "b2" },
            { "id": "e2", "from": "b2", "port": "ok", "to": "b3" }
        ],
        "layout": { "blocks": {
            "b1": { "x": 0, "y": 0, "w": 160, "h": 64 },
            "b2": { "x": 240, "y": 0, "w": 160, "h": 64 },
            "b3": { "x": 480, "y": 0, "w": 160, "h": 64 }
        } }
    });
    let path = out_dir().join("first_day_unnamed.json");
    std::fs::create_dir_all(out_dir())?;
    std::fs::write(&path, serde_json::to_string_pretty(&w)?)?;
    Ok(path)
}

#[tokio::test]
async fn problems_speak_clerk_words_and_english_names_unnamed_blocks_in_english(
) -> anyhow::Result<()> {
    let s = Session::start().await?;
    s.open("/").await?;
    s.open_workflow_file(&unnamed_file()?, 3).await?;

    // German: the open exit by its label, not its technical name.
    let problems = wait_text(&s, "problems", "Ausgang „abgelehnt“").await?;
    assert!(!problems.contains("Ausgang reject"), "{problems}");
    assert!(problems.contains("Sachbearbeitung"), "{problems}");

    // English: the unnamed blocks are named in English in problems, outline and Probelauf.
    s.click_css("#btn-lang").await?;
    let problems = wait_text(&s, "problems", "Exit “rejected”").await?;
    assert!(problems.contains("Case work"), "{problems}");
    assert!(!problems.contains("Sachbearbeitung"), "{problems}");
    let outline = wait_text(&s, "outline", "Case work").await?;
    for german in ["Sachbearbeitung", "Antragseingang", "Ende"] {
        assert!(
            !outline.contains(german),
            "{german} in the outline: {outline}"
        );
    }
    s.click_css("#btn-probelauf").await?;
    s.wait_for("#btn-sim-run").await?;
    let choices = s
        .js("return Array.from(document.querySelectorAll('select[id^=sim-choice] option')).map(o => o.textContent);")
        .await?;
    let choices: Vec<String> = serde_json::from_value(choices)?;
    assert!(
        choices.iter().any(|c| c == "rejected") && !choices.iter().any(|c| c == "reject"),
        "{choices:?}"
    );
    // The Probelauf's trace names the unnamed blocks and the applicant in English.
    let field = s.wait_for("#sim-field-betragNetto").await?;
    field.send_keys("500").await?;
    field.send_keys(Key::Tab).await?;
    s.click_css("#btn-sim-run").await?;
    s.wait_for("#sim-outcome").await?;
    let trace = wait_text(&s, "sim-steps", "Case work").await?;
    assert_no_german_default(&trace, "the Probelauf trace");
    s.screenshot("first_day_english_names").await?;

    // The change list of a first version (all blocks added), as a reviewer sees it.
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, EDITOR.0, "editor", EDITOR.1).await?;
    s.create_user(&admin, "rolf", "reviewer", "Rolf-Passwort-12")
        .await?;
    let editor = s.api_login(EDITOR.0, EDITOR.1).await?;
    let mut w: Value = serde_json::from_str(&std::fs::read_to_string(unnamed_file()?)?)?;
    // Publishable: the open exit leads to the end as well.
    w["edges"]
        .as_array_mut()
        .expect("edges")
        .push(json!({ "id": "e3", "from": "b2", "port": "reject", "to": "b3" }));
    let draft = editor
        .json("POST", "/api/drafts", Some(&w.to_string()), 201)
        .await?;
    let body = json!({ "draftId": draft["id"], "note": "first" }).to_string();
    let request = editor
        .json("POST", "/api/publications", Some(&body), 201)
        .await?;
    s.ui_login("rolf", "Rolf-Passwort-12").await?;
    s.open(&format!(
        "/freigaben/{}/vergleich",
        request["id"].as_str().unwrap_or_default()
    ))
    .await?;
    let diff = wait_text(&s, "rv-change-list", "Case work").await?;
    assert_no_german_default(&diff, "the change list");
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}

/// The German default names of the unnamed blocks and of the applicant, as words.
fn assert_no_german_default(text: &str, what: &str) {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '/')
        .collect();
    for german in [
        "Sachbearbeitung",
        "Antragseingang",
        "Ende",
        "Antragsteller/in",
        "Antragsteller",
    ] {
        assert!(!words.contains(&german), "{german} in {what}: {text}");
    }
}
