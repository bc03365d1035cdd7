//! BPMN from other tools that Fachwerk can only partly map: the import keeps the routing of the
//! original or refuses to route at all (validation then reports the workflow as incomplete),
//! and names every element it does not map in an import note.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use fachwerk_shared::bpmn::{from_bpmn, to_bpmn, ImportNote};
use fachwerk_shared::model::*;
use fachwerk_shared::{validate, Severity};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bpmn");
    std::fs::read_to_string(path.join(name)).unwrap()
}

fn block<'a>(w: &'a Workflow, id: &str) -> &'a Block {
    w.block(&BlockId::new(id))
        .unwrap_or_else(|| panic!("no block {id}"))
}

/// (port, target) of every edge leaving `from`.
fn exits<'a>(w: &'a Workflow, from: &str) -> Vec<(&'a str, &'a str)> {
    w.edges
        .iter()
        .filter(|e| e.from.0 == from)
        .map(|e| (e.port.as_str(), e.to.0.as_str()))
        .collect()
}

/// The 1-based line of the start tag that declares `id`.
fn line_of(xml: &str, id: &str) -> usize {
    let needle = format!("id=\"{id}\"");
    xml.lines().position(|l| l.contains(&needle)).unwrap() + 1
}

fn notes_on<'a>(notes: &'a [ImportNote], id: &str) -> Vec<&'a ImportNote> {
    notes.iter().filter(|n| n.element_id == id).collect()
}

#[test]
fn parallel_branch_with_a_reminder_timer_becomes_cosigning_with_an_eskalation() {
    let (w, notes) = from_bpmn(&fixture("bpmnjs-widerspruch.bpmn")).unwrap();
    match &block(&w, "Gateway_0split").kind {
        BlockKind::Mitzeichnung(p) => {
            assert_eq!(p.mode, MitzeichnungMode::Parallel);
            let labels: Vec<&str> = p.participants.iter().map(|p| p.label.as_str()).collect();
            assert_eq!(labels, ["Abhilfe prüfen", "Stellungnahme abgeben"]);
        }
        k => panic!("{k:?}"),
    }
    match &block(&w, "Event_0frist").kind {
        BlockKind::Eskalation(p) => {
            assert_eq!(p.attached_to, Some(BlockId::new("Gateway_0split")));
            assert!(!p.interrupting);
            assert_eq!(p.after.as_ref().map(|d| d.0.as_str()), Some("P14D"));
            let fachamt = w.roles.iter().find(|r| r.name == "Fachamt").unwrap();
            assert_eq!(p.escalate_to, Some(Assignee::Role(fachamt.id.clone())));
        }
        k => panic!("{k:?}"),
    }
    // The notify path belongs to the Eskalation; the branch tasks belong to the Mitzeichnung.
    for absorbed in [
        "Activity_0abhilfe",
        "Activity_1stellung",
        "Gateway_1join",
        "Activity_0erinnern",
        "Event_0erinnert",
    ] {
        assert!(w.block(&BlockId::new(absorbed)).is_none(), "{absorbed}");
    }
    // Same routing as the original: start → both branches → Bescheid → end.
    assert_eq!(exits(&w, "Event_0eingang"), [("next", "Gateway_0split")]);
    assert_eq!(exits(&w, "Gateway_0split"), [("ok", "Activity_1bescheid")]);
    assert_eq!(exits(&w, "Activity_1bescheid"), [("ok", "Event_1erledigt")]);
    // Nothing is left without an incoming edge but the start and the attached Eskalation.
    for b in &w.blocks {
        let entered = w.edges.iter().any(|e| e.to == b.id);
        let attached = matches!(b.kind, BlockKind::Start(_) | BlockKind::Eskalation(_));
        assert!(entered || attached, "{} is not reached", b.id);
    }
    // The reminder now watches the whole Mitzeichnung: the note says so.
    assert!(
        notes_on(&notes, "Event_0frist")
            .iter()
            .any(|n| n.message_en.contains("whole co-signing")),
        "{notes:#?}"
    );
    // What was imported exports and imports again unchanged.
    let (back, again) = from_bpmn(&to_bpmn(&w)).unwrap();
    assert!(again.is_empty(), "{again:#?}");
    assert_eq!(back, w);
}

#[test]
fn parallel_branch_with_an_interrupting_timer_is_kept_but_not_rerouted() {
    let xml = fixture("bpmnjs-widerspruch-frist.bpmn");
    let (w, notes) = from_bpmn(&xml).unwrap();
    // No faithful mapping: the start does not lead into one of the branches …
    assert_eq!(exits(&w, "Event_0eingang"), []);
    assert!(!w.edges.iter().any(|e| e.to.0 == "Activity_0abhilfe"));
    assert!(!w.edges.iter().any(|e| e.to.0 == "Activity_1stellung"));
    // … the branch elements are kept as blocks …
    assert!(matches!(
        block(&w, "Activity_0abhilfe").kind,
        BlockKind::Sachbearbeitung(_)
    ));
    assert!(matches!(
        block(&w, "Activity_1stellung").kind,
        BlockKind::Sachbearbeitung(_)
    ));
    assert!(matches!(
        &block(&w, "Event_0frist").kind,
        BlockKind::Eskalation(p) if p.interrupting
    ));
    // … every element of the split region is named in a note with its line …
    for id in [
        "Gateway_0split",
        "Activity_0abhilfe",
        "Activity_1stellung",
        "Event_0frist",
        "Gateway_1join",
    ] {
        let on = notes_on(&notes, id);
        assert!(
            on.iter().any(|n| n.line == line_of(&xml, id)
                && n.message_de.contains("parallel")
                && n.message_en.contains("parallel")),
            "{id} not named: {notes:#?}"
        );
    }
    // … and validation reports the result as incomplete (it cannot be published).
    let findings = validate(&w);
    let error_on = |code: &str, id: &str| {
        findings.iter().any(|f| {
            f.severity == Severity::Error
                && f.code == code
                && f.element.block.as_ref().is_some_and(|b| b.0 == id)
        })
    };
    assert!(
        error_on("E_UNREACHABLE", "Activity_0abhilfe"),
        "{findings:#?}"
    );
    assert!(
        error_on("E_UNREACHABLE", "Activity_1stellung"),
        "{findings:#?}"
    );
    assert!(error_on("E_DEAD_END", "Event_0eingang"), "{findings:#?}");
}

#[test]
fn every_unmapped_element_is_named_once() {
    let xml = fixture("bpmnjs-datenobjekte.bpmn");
    let (w, notes) = from_bpmn(&xml).unwrap();
    assert_eq!(w.blocks.len(), 3);
    let unmapped = [
        ("InputOutputSpecification_0proc", "ioSpecification"),
        ("Property_0proc", "property"),
        ("InputOutputSpecification_0pruef", "ioSpecification"),
        ("Property_0pruef", "property"),
        ("DataInputAssociation_0antrag", "dataInputAssociation"),
        ("DataOutputAssociation_0vermerk", "dataOutputAssociation"),
        (
            "StandardLoopCharacteristics_0pruef",
            "standardLoopCharacteristics",
        ),
        ("DataObjectReference_0antrag", "dataObjectReference"),
        ("DataObject_0antrag", "dataObject"),
        ("DataObjectReference_1vermerk", "dataObjectReference"),
        ("DataObject_1vermerk", "dataObject"),
        ("DataStoreReference_0reg", "dataStoreReference"),
    ];
    for (id, element_type) in unmapped {
        let on = notes_on(&notes, id);
        assert_eq!(on.len(), 1, "{id}: {notes:#?}");
        assert_eq!(on[0].element_type, element_type);
        assert_eq!(on[0].line, line_of(&xml, id), "{id}");
        assert!(!on[0].message_de.is_empty() && !on[0].message_en.is_empty());
    }
    // Nothing else is noted: the content of an unmapped element goes with it.
    assert_eq!(notes.len(), unmapped.len(), "{notes:#?}");
}

#[test]
fn elements_added_to_an_export_in_another_tool_are_named() {
    let w = fachwerk_shared::parse_workflow(&fixture("alle-bausteine.json")).unwrap();
    let xml = to_bpmn(&w);
    let task = r#"<bpmn:userTask id="Block_pruefen" name="Antrag prüfen">"#;
    assert!(xml.contains(task));
    let edited = xml
        .replacen(
            task,
            &format!(
                "{task}\n      <bpmn:dataInputAssociation id=\"DataInputAssociation_1\">\
                 <bpmn:targetRef>x</bpmn:targetRef></bpmn:dataInputAssociation>"
            ),
            1,
        )
        .replacen(
            "</bpmn:process>",
            "  <fw:fremd id=\"Fremd_1\"/>\n  </bpmn:process>",
            1,
        );
    let (back, notes) = from_bpmn(&edited).unwrap();
    assert_eq!(back, w, "the workflow itself is read as exported");
    for (id, element_type) in [
        ("DataInputAssociation_1", "dataInputAssociation"),
        ("Fremd_1", "fremd"),
    ] {
        let on = notes_on(&notes, id);
        assert_eq!(on.len(), 1, "{id}: {notes:#?}");
        assert_eq!(on[0].element_type, element_type);
        assert_eq!(on[0].line, line_of(&edited, id));
    }
    assert_eq!(notes.len(), 2, "{notes:#?}");
}
