//! Issue #4: "BPMN 2.0 exportieren" downloads `<key>.bpmn` made by `to_bpmn`; "Öffnen /
//! Importieren" reads a `.bpmn` file with `from_bpmn` and lists the import notes in German;
//! a broken file gives a German error and leaves the open workflow alone.

use std::time::Duration;

use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::{workspace, Session};
use fachwerk_shared::bpmn::{from_bpmn, to_bpmn};
use fachwerk_shared::parse_workflow;

#[tokio::test]
async fn bpmn_export_and_import_buttons() -> anyhow::Result<()> {
    let root = workspace();
    let json_path = root.join("workflows/beschaffung.json");
    let template = parse_workflow(&std::fs::read_to_string(&json_path)?)?;
    let foreign_src = root.join("shared/tests/fixtures/bpmn/camunda7-urlaubsantrag.bpmn");
    let foreign_xml = std::fs::read_to_string(&foreign_src)?;
    let (foreign, notes) = from_bpmn(&foreign_xml)?;
    assert!(!notes.is_empty(), "the fixture should produce import notes");

    let dir = tempfile::tempdir()?;
    let foreign_path = dir.path().join("urlaubsantrag.bpmn");
    std::fs::write(&foreign_path, &foreign_xml)?;
    let broken_path = dir.path().join("kaputt.bpmn");
    std::fs::write(
        &broken_path,
        "<?xml version=\"1.0\"?>\n<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n  <bpmn:process id=\"p\">\n</bpmn:definitions>\n",
    )?;

    let t0 = std::time::Instant::now();
    let s = Session::start().await?;
    eprintln!("session after {:.1} s", t0.elapsed().as_secs_f64());
    s.open("/").await?;
    let d = &s.driver;

    // Open the JSON template, export it as BPMN.
    s.open_workflow_file(&json_path, template.blocks.len())
        .await?;
    eprintln!("template open after {:.1} s", t0.elapsed().as_secs_f64());
    s.capture_downloads().await?;
    // Datei → BPMN 2.0 exportieren (click_css opens the menu first).
    s.click_css("#btn-export-bpmn").await?;
    let mut downloads = Vec::new();
    for _ in 0..50 {
        downloads = s.downloads().await?;
        if !downloads.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(downloads.len(), 1, "one download");
    let dl = &downloads[0];
    assert_eq!(dl.name, "beschaffung.bpmn");
    assert!(dl.mime.contains("xml"), "mime {}", dl.mime);
    assert!(dl.text.starts_with("<?xml"), "starts {:?}", &dl.text[..40]);
    assert_eq!(
        dl.text,
        to_bpmn(&template),
        "the download is exactly to_bpmn of the open workflow"
    );
    let (back, back_notes) = from_bpmn(&dl.text)?;
    assert_eq!(back, template, "the exported BPMN reads back identically");
    assert!(back_notes.is_empty(), "{back_notes:?}");

    eprintln!("export checked after {:.1} s", t0.elapsed().as_secs_f64());
    // Import a foreign BPMN file over the open one (asked first): the notes dialog names
    // element, type and line in German.
    s.replace_with_file(&foreign_path).await?;
    s.wait_for("#import-dialog").await?;
    s.wait_blocks(foreign.blocks.len()).await?;
    let title = d.find(By::Id("import-title")).await?.text().await?;
    assert_eq!(title, "Hinweise zum Import");
    let items = d.find_all(By::Css("#import-notes li.import-note")).await?;
    assert_eq!(items.len(), notes.len());
    let dialog_text = d.find(By::Id("import-dialog")).await?.text().await?;
    for n in &notes {
        if !n.element_id.is_empty() {
            assert!(
                dialog_text.contains(&n.element_id),
                "note for {} missing",
                n.element_id
            );
        }
        if n.line > 0 {
            assert!(
                dialog_text.contains(&format!("Zeile {}", n.line)),
                "line {} missing",
                n.line
            );
        }
        assert!(
            dialog_text.contains(&n.message_de),
            "message {:?} missing",
            n.message_de
        );
    }
    let shot = s.screenshot("bpmn-import-notes").await?;
    assert!(std::fs::metadata(&shot)?.len() > 1000);
    d.find(By::Id("import-close")).await?.click().await?;
    d.query(By::Id("import-dialog"))
        .wait(Duration::from_secs(5), Duration::from_millis(50))
        .not_exists()
        .await?;
    let name_before = d.find(By::Id("wf-title")).await?.text().await?;
    assert_eq!(name_before, foreign.name);

    // A broken file: German error, the open workflow stays.
    s.choose_file(&broken_path).await?;
    let err = s.wait_for("#import-error").await?.text().await?;
    assert!(
        err.contains("„kaputt.bpmn“ konnte nicht importiert werden")
            && err.contains("kein wohlgeformtes XML"),
        "error text {err:?}"
    );
    assert_eq!(
        d.find(By::Id("import-dialog"))
            .await?
            .attr("role")
            .await?
            .as_deref(),
        Some("alertdialog")
    );
    // Escape closes the dialog; the foreign workflow is still open.
    d.action_chain().send_keys(Key::Escape).perform().await?;
    d.query(By::Id("import-dialog"))
        .wait(Duration::from_secs(5), Duration::from_millis(50))
        .not_exists()
        .await?;
    assert_eq!(s.block_count().await?, foreign.blocks.len());
    assert_eq!(
        d.find(By::Id("wf-title")).await?.text().await?,
        foreign.name
    );

    // The import was one undo step: undo brings the template back.
    d.find(By::Id("btn-undo")).await?.click().await?;
    s.wait_blocks(template.blocks.len()).await?;
    assert_eq!(
        d.find(By::Id("wf-title")).await?.text().await?,
        template.name
    );

    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
