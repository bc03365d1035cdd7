//! The comparison screen for keyboard and screen-reader users and as links (issue 25 items 5,
//! 8, 9; issue 14's leftovers (c) and (e)). Version 1.0.0 of the procurement template is seeded;
//! the next version raises a band limit and leads the "abgelehnt" exit of the
//! Schlusszeichnung elsewhere.
//! - A link to two versions opens their comparison; every block has a name that says what
//!   changed, every connection where it leads; a changed connection's label is marked; the
//!   change list says each impact in words, with a legend; a focused changed block shows the
//!   focus ring beside its change colour; side by side, the first view fits the changed region
//!   (larger than "Einpassen"); axe finds nothing.
//! - Comparing by choosing versions writes the pair into the address; "Ansehen" in the version
//!   history opens an address of its own, which works as a link.
//! - A link to a draft while logged out says to log in, and opens the draft after the login.

use std::time::Duration;

use fachwerk_e2e::axe::{source as axe_source, violations};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{Session, ADMIN_PASSWORD};

async fn path(s: &Session) -> anyhow::Result<String> {
    Ok(s.js("return location.pathname;")
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

async fn wait_path(s: &Session, want: &str) -> anyhow::Result<()> {
    for _ in 0..100 {
        if path(s).await? == want {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("the address is {} instead of {want}", path(s).await?)
}

async fn focused_matches(s: &Session, css: &str) -> anyhow::Result<bool> {
    let v = s
        .js(&format!(
            "const a = document.activeElement; return !!(a && a.matches({}));",
            serde_json::Value::String(css.to_string())
        ))
        .await?;
    Ok(v.as_bool().unwrap_or(false))
}

#[tokio::test]
async fn the_comparison_is_named_marked_and_linkable() -> anyhow::Result<()> {
    let axe = axe_source()?;
    let s = Session::start().await?;
    s.driver
        .set_script_timeout(Duration::from_secs(120))
        .await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, "erika", "editor", "Erika-Passwort-1")
        .await?;
    s.create_user(&admin, "rolf", "reviewer", "Rolf-Passwort-12")
        .await?;
    let editor = s.api_login("erika", "Erika-Passwort-1").await?;
    let reviewer = s.api_login("rolf", "Rolf-Passwort-12").await?;

    let draft = editor
        .json("POST", "/api/drafts?from=beschaffung", None, 201)
        .await?;
    let id = draft["id"].as_str().unwrap_or_default().to_string();
    let mut w = draft["workflow"].clone();
    for b in w["blocks"].as_array_mut().expect("blocks") {
        if b["id"] == "wertgrenze" {
            b["params"]["bands"][0]["upper"] = "3000.00".into();
            b["params"]["bands"][1]["lower"] = "3000.00".into();
        }
    }
    for e in w["edges"].as_array_mut().expect("edges") {
        if e["from"] == "schlusszeichnung" && e["port"] == "reject" {
            e["to"] = "veraktung-ablehnung".into();
        }
    }
    let changed_edge = w["edges"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|e| e["from"] == "schlusszeichnung" && e["port"] == "reject")
        })
        .and_then(|e| e["id"].as_str())
        .unwrap_or_default()
        .to_string();
    let (status, text) = editor
        .call_with(
            "PUT",
            &format!("/api/drafts/{id}"),
            Some(&w.to_string()),
            &[("If-Match", "\"1\"".to_string())],
        )
        .await?;
    assert_eq!(status, 200, "{text}");
    let body = serde_json::json!({ "draftId": id, "note": "3.000 €" }).to_string();
    let p = editor
        .json("POST", "/api/publications", Some(&body), 201)
        .await?;
    let pid = p["id"].as_str().unwrap_or_default().to_string();
    let v2 = p["suggestedVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    reviewer
        .json(
            "POST",
            &format!("/api/publications/{pid}/approve"),
            Some("{}"),
            200,
        )
        .await?;

    // A link to the comparison, at 1366 × 768.
    s.window_size(1366, 768).await?;
    s.open("/").await?;
    s.ui_login("rolf", "Rolf-Passwort-12").await?;
    let compare = format!("/vergleich/beschaffung/1.0.0/{v2}");
    s.open(&compare).await?;
    s.wait_for("#rv-change-list li").await?;
    let d = &s.driver;
    let changed = "#rv-canvas-new g.rv-block[data-block-id='wertgrenze']";
    let name = d
        .find(By::Css(changed))
        .await?
        .attr("aria-label")
        .await?
        .unwrap_or_default();
    assert!(
        name.ends_with("Wertgrenzen-Weiche, geändert, 2 Änderungen"),
        "{name}"
    );
    let names: Vec<String> = serde_json::from_value(
        s.js("return [...document.querySelectorAll('#rv-canvas-new g.rv-block')].map(g => g.getAttribute('aria-label') || '');")
            .await?,
    )?;
    assert!(
        names.len() > 10 && names.iter().all(|n| n.len() > 3),
        "{names:?}"
    );
    let edge = d
        .find(By::Css(format!(
            "#rv-canvas-new g.rv-edge.rv-changed[data-edge-id='{changed_edge}']"
        )))
        .await?;
    assert_eq!(edge.attr("role").await?.as_deref(), Some("img"));
    let edge_name = edge.attr("aria-label").await?.unwrap_or_default();
    assert!(
        edge_name.contains(
            "Verbindung von „Vergabe schlusszeichnen“ (abgelehnt) nach „Ablehnung veraktet (zdA)“"
        ) && edge_name.ends_with(", geändert"),
        "{edge_name}"
    );
    // The changed connection's label is marked, not only its line.
    let mark = s
        .js(&format!(
            "const t = document.querySelector(\"#rv-canvas-new g.rv-edge[data-edge-id='{changed_edge}'] .edge-label\");
             const cs = getComputedStyle(t); return [cs.fontWeight, cs.textDecorationLine];"
        ))
        .await?;
    assert_eq!(
        mark,
        serde_json::json!(["700", "underline"]),
        "label of the changed connection"
    );

    // The change list says the impact in words; the legend explains them.
    let words: Vec<(String, String)> = serde_json::from_value(
        s.js("return [...document.querySelectorAll('#rv-change-list li')].map(li => [li.className, li.querySelector('.rv-impact') ? li.querySelector('.rv-impact').textContent : '']);")
            .await?,
    )?;
    for (class, word) in &words {
        let want = if class.contains("impact-breaking") {
            "Inkompatibel"
        } else if class.contains("impact-feature") {
            "Erweiterung"
        } else if class.contains("impact-fix") {
            "Korrektur"
        } else {
            "Nur Darstellung"
        };
        assert!(word.starts_with(want), "{class}: {word:?}");
    }
    let legend = d.find(By::Id("rv-impact-legend")).await?.text().await?;
    for w in [
        "Inkompatibel",
        "Erweiterung",
        "Korrektur",
        "Nur Darstellung",
    ] {
        assert!(legend.contains(w), "{legend}");
    }

    // A changed block focused by keyboard: the focus ring and the change colour both show.
    s.js("document.getElementById('rv-canvas-new').focus();")
        .await?;
    for _ in 0..60 {
        if focused_matches(&s, changed).await? {
            break;
        }
        d.action_chain().send_keys(Key::Tab).perform().await?;
    }
    assert!(
        focused_matches(&s, changed).await?,
        "Tab reaches the changed block"
    );
    let strokes = s
        .js("const g = document.activeElement; return [getComputedStyle(g.querySelector('.focus-ring')).stroke, getComputedStyle(g.querySelector('.block-body')).stroke];")
        .await?;
    assert_eq!(
        strokes,
        serde_json::json!(["rgb(29, 78, 216)", "rgb(180, 83, 9)"]),
        "focus ring and change outline"
    );
    s.screenshot("review-a11y-focus").await?;
    let mut all = violations(&s, &axe, "Vergleich").await?;

    // Side by side, the first view fits the changed region: closer than "Einpassen".
    s.click_css("#rv-side-by-side").await?;
    s.wait_for("#rv-canvas-old g.rv-block").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let zoom = |t: String| {
        t.trim_end_matches(" %")
            .trim()
            .parse::<f64>()
            .unwrap_or(0.0)
    };
    let first = zoom(d.find(By::Id("rv-zoom-level")).await?.text().await?);
    let inside = s
        .js(&format!(
            "const b = document.querySelector(\"{changed} .block-body\").getBoundingClientRect();
             const p = document.getElementById('rv-canvas-new').getBoundingClientRect();
             return b.left >= p.left && b.right <= p.right && b.top >= p.top && b.bottom <= p.bottom;"
        ))
        .await?;
    assert_eq!(inside, true, "the changed block is in view side by side");
    s.click_css("#rv-fit").await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let whole = zoom(d.find(By::Id("rv-zoom-level")).await?.text().await?);
    assert!(
        first > whole,
        "changed region at {first} %, the whole at {whole} %"
    );
    all.extend(violations(&s, &axe, "Vergleich nebeneinander").await?);

    // Choosing versions writes them into the address.
    s.open("/").await?;
    s.click_css("#btn-review").await?;
    s.select_value("#review-key", "beschaffung").await?;
    s.select_value("#review-old", "1.0.0").await?;
    s.select_value("#review-new", &v2).await?;
    s.click_css("#btn-compare").await?;
    s.wait_for("#rv-change-list li").await?;
    wait_path(&s, &compare).await?;

    // "Ansehen" in the version history has an address of its own, which works as a link.
    s.open("/versionen/beschaffung").await?;
    s.wait_for("#versions-table tr[data-version='1.0.0'] .version-view")
        .await?
        .click()
        .await?;
    wait_path(&s, "/versionen/beschaffung/1.0.0").await?;
    s.wait_for("#rv-canvas-new g.rv-block").await?;
    s.open("/versionen/beschaffung/1.0.0").await?;
    s.wait_for("#rv-canvas-new g.rv-block[data-block-id='wertgrenze']")
        .await?;
    assert!(
        d.find_all(By::Css("#rv-canvas-new g.rv-changed"))
            .await?
            .is_empty(),
        "one version alone is drawn plain"
    );
    all.extend(violations(&s, &axe, "Version allein").await?);

    // A link to a draft, logged out: the page says to log in, then opens it.
    d.delete_all_cookies().await?;
    let mine = editor
        .json("POST", "/api/drafts?from=beschaffung", None, 201)
        .await?;
    let mine = mine["id"].as_str().unwrap_or_default().to_string();
    s.open(&format!("/entwurf/{mine}")).await?;
    let said = s
        .wait_text_in("#srv-message", "Bitte melden Sie sich an", 10)
        .await?;
    assert!(said.contains("Entwurf"), "{said}");
    s.ui_login("erika", "Erika-Passwort-1").await?;
    s.wait_text_in("#srv-message", "Entwurf geöffnet", 10)
        .await?;
    wait_path(&s, &format!("/entwurf/{mine}")).await?;

    assert!(all.is_empty(), "axe violations:\n{}", all.join("\n"));
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
