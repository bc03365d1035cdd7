//! Issue #5: undo and redo of a mouse drag and of a parameter change; then a reload finds the
//! unsaved work restored from the autosave.

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::parse_workflow;

const BLOCK: &str = "bedarf-pruefen";

/// (x, y, label, instructions) of the block in the autosaved workflow.
async fn saved(s: &Session) -> anyhow::Result<(i64, i64, String, String)> {
    let v = s
        .js(&format!(
            "const w = JSON.parse(localStorage.getItem('fachwerk.autosave'));
             const b = w.blocks.find(b => b.id === '{BLOCK}');
             const r = w.layout.blocks['{BLOCK}'];
             return [r.x, r.y, b.label, b.params.instructions || ''];"
        ))
        .await?;
    Ok((
        v[0].as_i64().unwrap_or(-1),
        v[1].as_i64().unwrap_or(-1),
        v[2].as_str().unwrap_or_default().to_string(),
        v[3].as_str().unwrap_or_default().to_string(),
    ))
}

async fn wait_saved(
    s: &Session,
    want: &(i64, i64, String, String),
    what: &str,
) -> anyhow::Result<()> {
    let mut got = saved(s).await?;
    for _ in 0..100 {
        if &got == want {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        got = saved(s).await?;
    }
    anyhow::bail!("{what}: autosave has {got:?}, wanted {want:?}")
}

async fn click(s: &Session, id: &str) -> anyhow::Result<()> {
    s.driver.find(By::Id(id)).await?.click().await?;
    Ok(())
}

#[tokio::test]
async fn undo_redo_then_reload_restores_autosave() -> anyhow::Result<()> {
    let path = workspace().join("workflows/beschaffung.json");
    let w = parse_workflow(&std::fs::read_to_string(&path)?)?;
    let s = Session::start().await?;
    s.open("/").await?;
    let d = &s.driver;
    s.open_workflow_file(&path, w.blocks.len()).await?;
    let original = saved(&s).await?;

    // Drag the block with the mouse.
    let body = d
        .find(By::Css(format!(
            "#canvas g.block[data-block-id='{BLOCK}'] .block-body"
        )))
        .await?;
    d.action_chain()
        .move_to_element_center(&body)
        .click_and_hold()
        .move_by_offset(20, 10)
        .move_by_offset(40, 30)
        .move_by_offset(40, 30)
        .release()
        .perform()
        .await?;
    let mut moved = saved(&s).await?;
    for _ in 0..100 {
        if moved.0 != original.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        moved = saved(&s).await?;
    }
    assert!(
        moved.0 > original.0 && moved.1 > original.1,
        "{original:?} → {moved:?}"
    );
    assert_eq!((&moved.2, &moved.3), (&original.2, &original.3));
    assert_eq!(moved.0 % 20, 0, "snapped to the grid");

    click(&s, "btn-undo").await?;
    wait_saved(&s, &original, "undo of the drag").await?;
    click(&s, "btn-redo").await?;
    wait_saved(&s, &moved, "redo of the drag").await?;

    // Change a parameter (the Verfügungstext) and the label in the inspector.
    s.wait_for(&format!("#inspector .block-form[data-block-id='{BLOCK}']"))
        .await?;
    let text = "Bedarf prüfen – geändert im Test.";
    let area = d.find(By::Css("#inspector .block-form textarea")).await?;
    // Select the old text and type over it: one change event, one undo step.
    area.click().await?;
    d.action_chain()
        .key_down(Key::Control)
        .send_keys("a")
        .key_up(Key::Control)
        .send_keys(text)
        .send_keys(Key::Tab)
        .perform()
        .await?;
    let changed = (moved.0, moved.1, moved.2.clone(), text.to_string());
    wait_saved(&s, &changed, "parameter change").await?;
    click(&s, "btn-undo").await?;
    wait_saved(&s, &moved, "undo of the parameter change").await?;
    click(&s, "btn-redo").await?;
    wait_saved(&s, &changed, "redo of the parameter change").await?;
    // The inspector shows the value again after redo.
    let shown = d
        .find(By::Css("#inspector .block-form textarea"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert_eq!(shown, text);

    // Reload: the unsaved work comes back from the autosave.
    d.refresh().await?;
    d.query(By::Css(".palette-item"))
        .wait(Duration::from_secs(20), Duration::from_millis(100))
        .first()
        .await?;
    assert_eq!(s.block_count().await?, w.blocks.len());
    assert_eq!(saved(&s).await?, changed);
    assert_eq!(d.find(By::Id("wf-title")).await?.text().await?, w.name);
    let status = d.find(By::Id("status-message")).await?.text().await?;
    assert_eq!(status, "Gespeicherter Ablauf wiederhergestellt.");
    let g = s
        .wait_for(&format!("#canvas g.block[data-block-id='{BLOCK}']"))
        .await?;
    let transform = g.attr("transform").await?.unwrap_or_default();
    assert_eq!(
        transform,
        format!("translate({} {})", changed.0, changed.1),
        "the block is drawn where it was dragged"
    );

    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
