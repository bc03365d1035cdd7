//! Issue #7: the review screen compares two published versions of the procurement template.
//! Version 1.0.0 is the seeded template; the next version raises the Direktauftrag threshold of
//! the Wertgrenze block. The change list carries the sentence from `fachwerk_shared::diff` and
//! the changed block is amber on the canvas.

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{catalog_tags, Session, ADMIN_PASSWORD};
use fachwerk_shared::diff::diff;
use fachwerk_shared::parse_workflow;

#[tokio::test]
async fn review_shows_threshold_change() -> anyhow::Result<()> {
    let s = Session::start().await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, "erika", "editor", "Erika-Passwort-1")
        .await?;
    s.create_user(&admin, "rolf", "reviewer", "Rolf-Passwort-12")
        .await?;
    let editor = s.api_login("erika", "Erika-Passwort-1").await?;
    let reviewer = s.api_login("rolf", "Rolf-Passwort-12").await?;

    // v1.0.0 is seeded; publish the next version with a changed band limit.
    let draft = editor
        .json("POST", "/api/drafts?from=beschaffung", None, 201)
        .await?;
    let id = draft["id"].as_str().unwrap_or_default().to_string();
    let revision = draft["revision"].as_u64().unwrap_or(1);
    let mut w = draft["workflow"].clone();
    let blocks = w["blocks"].as_array_mut().expect("blocks");
    let wg = blocks
        .iter_mut()
        .find(|b| b["id"] == "wertgrenze")
        .expect("the Wertgrenze block");
    wg["params"]["bands"][0]["upper"] = "3000.00".into();
    wg["params"]["bands"][1]["lower"] = "3000.00".into();
    let (status, text) = editor
        .call_with(
            "PUT",
            &format!("/api/drafts/{id}"),
            Some(&w.to_string()),
            &[("If-Match", format!("\"{revision}\""))],
        )
        .await?;
    assert_eq!(status, 200, "{text}");
    let body =
        serde_json::json!({ "draftId": id, "note": "Direktauftrag bis 3.000 €" }).to_string();
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
    assert!(catalog_tags(&s.data_dir())?.contains(&format!("beschaffung/v{v2}")));

    // The sentence the shared diff writes for the threshold change.
    let (_, old_text) = editor
        .call("GET", "/api/workflows/beschaffung/versions/1.0.0", None)
        .await?;
    let (_, new_text) = editor
        .call(
            "GET",
            &format!("/api/workflows/beschaffung/versions/{v2}"),
            None,
        )
        .await?;
    let (old, new) = (parse_workflow(&old_text)?, parse_workflow(&new_text)?);
    let d = diff(&old, &new);
    let change = d
        .changes
        .iter()
        .find(|c| c.path.as_deref().is_some_and(|p| p.ends_with(".upper")))
        .expect("a threshold change");
    let (sentence, sentence_en) = (change.message_de.clone(), change.message_en.clone());

    s.open("/").await?;
    s.ui_login("rolf", "Rolf-Passwort-12").await?;
    s.click_css("#btn-review").await?;
    s.select_value("#review-key", "beschaffung").await?;
    s.select_value("#review-old", "1.0.0").await?;
    s.select_value("#review-new", &v2).await?;
    s.click_css("#btn-compare").await?;

    let list = s.wait_text_in("#rv-change-list", &sentence, 15).await?;
    assert!(list.contains(&sentence), "{list}");
    let bump = s.driver.find(By::Id("rv-bump")).await?.text().await?;
    assert!(bump.contains("Versionssprung"), "{bump}");
    let block = s
        .driver
        .find(By::Css(
            "#rv-canvas-new g.rv-block[data-block-id='wertgrenze']",
        ))
        .await?;
    let class = block.attr("class").await?.unwrap_or_default();
    assert!(
        class.contains("rv-changed"),
        "class of the Wertgrenze block: {class}"
    );
    assert!(
        !s.driver
            .find_all(By::Css(
                "#rv-canvas-new g.rv-badge[data-badge-for='wertgrenze']"
            ))
            .await?
            .is_empty(),
        "changed block has a badge"
    );
    // Unchanged blocks stay plain.
    let start = s
        .driver
        .find(By::Css("#rv-canvas-new g.rv-block[data-block-id='start']"))
        .await?;
    assert!(start
        .attr("class")
        .await?
        .unwrap_or_default()
        .contains("rv-same"));

    // Clicking the change selects the block.
    s.click_css("#rv-change-list li[data-block-id='wertgrenze'] button")
        .await?;
    s.driver
        .query(By::Css(
            "#rv-canvas-new g.rv-selected[data-block-id='wertgrenze']",
        ))
        .wait(Duration::from_secs(5), Duration::from_millis(50))
        .first()
        .await?;
    let shot = s.screenshot("review_diff").await?;
    // Blocks are keyboard reachable: Enter selects the focused block.
    s.driver
        .find(By::Css("#rv-canvas-new g.rv-block[data-block-id='start']"))
        .await?
        .send_keys(Key::Enter)
        .await?;
    s.driver
        .query(By::Css(
            "#rv-canvas-new g.rv-selected[data-block-id='start']",
        ))
        .wait(Duration::from_secs(5), Duration::from_millis(50))
        .first()
        .await?;
    assert!(std::fs::metadata(&shot)?.len() > 1000);

    // Side by side: two drawings sharing one viewport.
    s.click_css("#rv-side-by-side").await?;
    s.driver
        .query(By::Css(
            "#rv-canvas-old g.rv-block[data-block-id='wertgrenze'].rv-changed",
        ))
        .wait(Duration::from_secs(5), Duration::from_millis(50))
        .first()
        .await?;
    s.click_css("#rv-zoom-in").await?;
    let t_old = s
        .driver
        .find(By::Css("#rv-canvas-old > g.viewport"))
        .await?
        .attr("transform")
        .await?;
    let t_new = s
        .driver
        .find(By::Css("#rv-canvas-new > g.viewport"))
        .await?
        .attr("transform")
        .await?;
    assert_eq!(t_old, t_new, "zoom and pan are synchronised");
    s.screenshot("review_diff_side_by_side").await?;

    // The language toggle switches the screen and the change sentences to English.
    s.click_css("#btn-lang").await?;
    s.wait_text_in("#rv-changes-title", "List of changes", 5)
        .await?;
    s.wait_text_in("#rv-change-list", &sentence_en, 5).await?;

    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
