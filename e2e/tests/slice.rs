//! The walking skeleton end to end: drag a block onto the canvas, ask the server to check the
//! workflow, see its answer.

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::Session;

#[tokio::test]
async fn drag_block_then_server_validates() -> anyhow::Result<()> {
    let s = Session::start().await?;
    s.open("/").await?;
    let d = &s.driver;

    let before = d.find_all(By::Css("#canvas g.block")).await?.len();
    let item = d
        .find(By::Css(".palette-item[data-block-type='sachbearbeitung']"))
        .await?;
    let canvas = d.find(By::Css("#canvas")).await?;
    d.action_chain()
        .move_to_element_center(&item)
        .click_and_hold()
        .move_by_offset(40, 10)
        .move_to_element_center(&canvas)
        .move_by_offset(30, 20)
        .release()
        .perform()
        .await?;
    let blocks = d
        .query(By::Css(
            "#canvas g.block[data-block-type='sachbearbeitung']",
        ))
        .wait(Duration::from_secs(5), Duration::from_millis(50))
        .all_from_selector_required()
        .await?;
    assert_eq!(blocks.len(), 1, "one Sachbearbeitung block after the drag");
    assert_eq!(
        d.find_all(By::Css("#canvas g.block")).await?.len(),
        before + 1
    );

    d.find(By::Id("btn-validate")).await?.click().await?;
    let status = d
        .query(By::Id("validate-status"))
        .with_text(
            fachwerk_e2e::thirtyfour::stringmatch::StringMatch::new("Server-Prüfung").partial(),
        )
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .first()
        .await?;
    let text = status.text().await?;
    // A lone Sachbearbeitung without assignee, start or end has errors the server must report.
    assert!(text.contains("Fehler"), "status was {text:?}");
    let codes: Vec<String> = {
        let mut v = Vec::new();
        for li in d.find_all(By::Css("#server-findings li.finding")).await? {
            v.push(li.attr("data-code").await?.unwrap_or_default());
        }
        v
    };
    assert!(
        codes.iter().any(|c| c == "E_NO_START"),
        "server findings: {codes:?}"
    );
    assert!(
        codes.iter().any(|c| c == "E_NO_END"),
        "server findings: {codes:?}"
    );

    let shot = s.screenshot("slice").await?;
    assert!(std::fs::metadata(&shot)?.len() > 1000);
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
