//! BPMN export/import: lossless round trips (templates, hand-made fixtures, generated
//! workflows), imports of BPMN written by other tools (insta snapshots of workflow + notes),
//! and hostile input.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use fachwerk_shared::bpmn::{
    block_element_id, from_bpmn, to_bpmn, ImportError, ImportNote, MAX_DEPTH, MAX_INPUT_BYTES,
};
use fachwerk_shared::model::*;
use fachwerk_shared::{parse_workflow, to_canonical_json};
use proptest::prelude::*;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(manifest().join("tests/fixtures/bpmn").join(name)).unwrap()
}

/// Export, check the export's own invariants, import, compare.
fn assert_round_trip(w: &Workflow, what: &str) {
    let xml = to_bpmn(w);
    assert_eq!(xml, to_bpmn(w), "{what}: export is not deterministic");
    // Exactly one element per block carries the Block_ prefix.
    for (i, b) in w.blocks.iter().enumerate() {
        if w.blocks[..i].iter().any(|o| o.id == b.id) {
            continue;
        }
        let id = format!("id=\"{}\"", block_element_id(&b.id.0));
        assert_eq!(
            xml.matches(&id).count(),
            1,
            "{what}: block {:?} has not exactly one element",
            b.id
        );
    }
    let (back, notes) = from_bpmn(&xml).unwrap_or_else(|e| panic!("{what}: import failed: {e}"));
    assert!(notes.is_empty(), "{what}: unexpected notes {notes:#?}");
    if back != *w {
        // Show the first difference as canonical JSON.
        let (a, b) = (to_canonical_json(w), to_canonical_json(&back));
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "{what}: round trip differs at line {line}:\n  original: {:?}\n  imported: {:?}",
            a.lines().nth(line),
            b.lines().nth(line)
        );
    }
}

#[test]
fn templates_round_trip() {
    let files = json_files(&manifest().join("../workflows"));
    for f in &files {
        let w = parse_workflow(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_round_trip(&w, &f.display().to_string());
    }
    eprintln!("{} templates round-tripped", files.len());
}

#[test]
fn hand_made_fixtures_round_trip() {
    let files = json_files(&manifest().join("tests/fixtures/bpmn"));
    assert!(files.len() >= 2);
    for f in &files {
        let w = parse_workflow(&std::fs::read_to_string(f).unwrap()).unwrap();
        assert_round_trip(&w, &f.display().to_string());
    }
}

#[test]
fn export_follows_the_mapping() {
    let w = parse_workflow(&fixture("alle-bausteine.json")).unwrap();
    let xml = to_bpmn(&w);
    for needle in [
        r#"<bpmn:process id="Process_alle-bausteine" name="Alle Bausteine (Testablauf)" isExecutable="true">"#,
        r#"<bpmn:lane id="Lane_R-SB" name="Sachbearbeitung">"#,
        "<bpmn:formalExpression>group(R-TL)</bpmn:formalExpression>",
        // Wertgrenzen: FEEL conditions, top band as default flow.
        r#"<bpmn:exclusiveGateway id="Block_wertgrenze" name="Betrag" default="Flow_e12">"#,
        r#"<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="https://www.omg.org/spec/DMN/20191111/FEEL/">betrag &lt;= 1000</bpmn:conditionExpression>"#,
        // Komplexität: rules in canonical FEEL, otherwise = default.
        r#"<bpmn:exclusiveGateway id="Block_weiche" name="Eilfall?" default="Flow_e8">"#,
        ">eilig = true</bpmn:conditionExpression>",
        // Outcome gateway after a user task.
        r#">outcome = "reject"</bpmn:conditionExpression>"#,
        // Eskalation: boundary timer on the attached task.
        r#"<bpmn:boundaryEvent id="Block_erinnerung" name="Teamleitung erinnern" attachedToRef="Block_pruefen" cancelActivity="false">"#,
        // Rückfrage: send task, event-based gateway, message and timer catch.
        r#"<bpmn:eventBasedGateway id="Helper_wait_nachfrage""#,
        r#"<bpmn:messageEventDefinition id="Helper_reply_nachfrage_message" messageRef="Message_reply_nachfrage"/>"#,
        r#"<bpmn:message id="Message_reply_nachfrage""#,
        // Mitzeichnung: multi-instance.
        r#"<bpmn:multiInstanceLoopCharacteristics isSequential="false">"#,
        // Ende with terminate.
        r#"<bpmn:terminateEventDefinition id="Block_ende-abgelehnt_terminate"/>"#,
        // Extension data and diagram.
        r#"<fw:block id="pruefen" type="sachbearbeitung">"#,
        r#"<bpmndi:BPMNShape id="Block_pruefen_di" bpmnElement="Block_pruefen" fw:rect="260 160 160 64">"#,
        r#"<bpmndi:BPMNShape id="Lane_R-SB_di" bpmnElement="Lane_R-SB" isHorizontal="true">"#,
    ] {
        assert!(xml.contains(needle), "missing in export: {needle}");
    }
    // Layout lives only in the diagram section (blocks.md §4 rule 3).
    let mut moved = w.clone();
    for r in moved.layout.blocks.values_mut() {
        r.x += 20;
    }
    let (a, b) = (to_bpmn(&w), to_bpmn(&moved));
    let process_part = |x: &str| x[..x.find("<bpmndi:BPMNDiagram").unwrap()].to_string();
    assert_eq!(process_part(&a), process_part(&b));
}

#[test]
fn ids_are_ncnames_and_originals_survive() {
    let w = parse_workflow(&fixture("sonderfaelle.json")).unwrap();
    let xml = to_bpmn(&w);
    let is_ncname = |id: &str| {
        id.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    // Every id and id reference outside the fw: extension elements (which keep the originals).
    for line in xml.lines().filter(|l| !l.contains("<fw:")) {
        for attr in [
            " id=\"",
            "sourceRef=\"",
            "targetRef=\"",
            "bpmnElement=\"",
            "attachedToRef=\"",
            "default=\"",
            "messageRef=\"",
            "errorRef=\"",
        ] {
            for cap in line.split(attr).skip(1) {
                let id = &cap[..cap.find('"').unwrap()];
                assert!(is_ncname(id), "not an NCName: {id:?} in {line}");
            }
        }
        for el in ["<bpmn:incoming>", "<bpmn:outgoing>", "<bpmn:flowNodeRef>"] {
            if let Some(rest) = line.trim().strip_prefix(el) {
                let id = &rest[..rest.find('<').unwrap()];
                assert!(is_ncname(id), "not an NCName: {id:?}");
            }
        }
    }
    assert!(xml.contains(r#"id="Block_Start_20_1""#));
    assert!(xml.contains(r#"<fw:block id="Start 1" type="start">"#));
}

#[test]
fn edits_in_other_modelers_are_picked_up() {
    let w = parse_workflow(&fixture("alle-bausteine.json")).unwrap();
    let xml = to_bpmn(&w);
    // Rename a task and move it by (+30, +10) like Camunda Modeler would.
    let renamed = xml.replace(
        r#"<bpmn:userTask id="Block_pruefen" name="Antrag prüfen">"#,
        r#"<bpmn:userTask id="Block_pruefen" name="Antrag sorgfältig prüfen">"#,
    );
    assert_ne!(renamed, xml);
    let moved = renamed.replace(
        r#"bpmnElement="Block_pruefen" fw:rect="260 160 160 64">
        <dc:Bounds x="260" y="160""#,
        r#"bpmnElement="Block_pruefen" fw:rect="260 160 160 64">
        <dc:Bounds x="290" y="170""#,
    );
    assert_ne!(moved, renamed);
    let (back, notes) = from_bpmn(&moved).unwrap();
    assert!(notes.is_empty());
    let b = back.block(&BlockId::new("pruefen")).unwrap();
    assert_eq!(b.label, "Antrag sorgfältig prüfen");
    assert_eq!(
        back.layout.blocks[&BlockId::new("pruefen")],
        Rect {
            x: 290,
            y: 170,
            w: 160,
            h: 64
        }
    );
    // An element added in another tool is reported, not silently dropped.
    let added = xml.replace(
        "</bpmn:process>",
        "  <bpmn:task id=\"Activity_neu\" name=\"Neu\"/>\n  </bpmn:process>",
    );
    let (_, notes) = from_bpmn(&added).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].element_id, "Activity_neu");
    assert_eq!(notes[0].element_type, "task");
    assert!(notes[0].line > 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_workflows_round_trip(n in 3usize..120, seed in any::<u64>()) {
        let w = fachwerk_shared::generate::synthetic(n, seed);
        assert_round_trip(&w, &format!("synthetic({n}, {seed})"));
    }

    #[test]
    fn arbitrary_workflows_round_trip(w in common::workflow()) {
        assert_round_trip(&w, "arbitrary workflow");
    }
}

/// Writes the seed corpus for the fuzzer (`shared/fuzz`): the exports of all templates and
/// fixtures plus the foreign fixtures. Does nothing unless FACHWERK_BPMN_SEEDS names a folder.
#[test]
fn write_fuzz_seeds() {
    let Some(dir) = std::env::var_os("FACHWERK_BPMN_SEEDS").map(PathBuf::from) else {
        return;
    };
    std::fs::create_dir_all(&dir).unwrap();
    let mut sources = json_files(&manifest().join("../workflows"));
    sources.extend(json_files(&manifest().join("tests/fixtures/bpmn")));
    for f in sources {
        let w = parse_workflow(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        std::fs::write(dir.join(format!("{name}.bpmn")), to_bpmn(&w)).unwrap();
    }
    std::fs::write(
        dir.join("synthetic-40.bpmn"),
        to_bpmn(&fachwerk_shared::generate::synthetic(40, 3)),
    )
    .unwrap();
    for e in std::fs::read_dir(manifest().join("tests/fixtures/bpmn")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "bpmn") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Foreign files

fn snapshot_text(w: &Workflow, notes: &[ImportNote]) -> String {
    let mut s = to_canonical_json(w);
    s.push_str("\n--- notes ---\n");
    for n in notes {
        s.push_str(&format!(
            "{}:{} [{}] {}\n    {}\n",
            n.line, n.element_id, n.element_type, n.message_de, n.message_en
        ));
    }
    s
}

fn import_foreign(name: &str) -> (Workflow, Vec<ImportNote>) {
    let (w, notes) = from_bpmn(&fixture(name)).unwrap();
    // What was imported exports again and round-trips.
    assert_round_trip(&w, name);
    (w, notes)
}

fn block<'a>(w: &'a Workflow, id: &str) -> &'a Block {
    w.block(&BlockId::new(id))
        .unwrap_or_else(|| panic!("no block {id}"))
}

#[test]
fn camunda7_file_maps_tasks_lanes_timer_and_parallel_cosigning() {
    let (w, notes) = import_foreign("camunda7-urlaubsantrag.bpmn");
    assert_eq!(w.name, "Urlaubsantrag");
    assert!(w.roles.iter().any(|r| r.name == "Teamleitung"));
    match &block(&w, "Activity_0pruef").kind {
        BlockKind::Sachbearbeitung(p) => assert_eq!(
            p.assignee,
            Some(Assignee::Role(RoleId::new("R-TEAMLEITUNG")))
        ),
        k => panic!("{k:?}"),
    }
    match &block(&w, "Event_1frist").kind {
        BlockKind::Eskalation(p) => {
            assert_eq!(p.attached_to, Some(BlockId::new("Activity_0pruef")));
            assert!(p.interrupting);
            assert_eq!(p.after.as_ref().map(|d| d.0.as_str()), Some("P3D"));
        }
        k => panic!("{k:?}"),
    }
    match &block(&w, "Gateway_1split").kind {
        BlockKind::Mitzeichnung(p) => {
            assert_eq!(p.mode, MitzeichnungMode::Parallel);
            assert_eq!(p.participants.len(), 2);
        }
        k => panic!("{k:?}"),
    }
    assert!(matches!(
        block(&w, "Gateway_0genehm").kind,
        BlockKind::Komplexitaet(_)
    ));
    assert!(matches!(
        block(&w, "Activity_0ablehn").kind,
        BlockKind::Benachrichtigung(_)
    ));
    for unmapped in [
        "DataObjectReference_0kto",
        "DataObject_1kto",
        "TextAnnotation_0tz8",
        "Association_1a2b",
    ] {
        assert!(
            notes.iter().any(|n| n.element_id == unmapped),
            "{unmapped} not named in a note"
        );
    }
    // The 100 × 80 task (at 330, 270) gets the Fachwerk size around the same centre.
    assert_eq!(
        w.layout.blocks[&BlockId::new("Activity_0pruef")],
        Rect {
            x: 300,
            y: 278,
            w: 160,
            h: 64
        }
    );
    insta::assert_snapshot!("camunda7_urlaubsantrag", snapshot_text(&w, &notes));
}

#[test]
fn camunda8_file_maps_bands_rueckfrage_and_frist() {
    let (w, notes) = import_foreign("camunda8-vergabe.bpmn");
    match &block(&w, "Gateway_0wert").kind {
        BlockKind::Wertgrenzen(p) => {
            assert_eq!(p.amount_field, "betragNetto");
            let bounds: Vec<(i64, Option<i64>)> = p
                .bands
                .iter()
                .map(|b| (b.lower.cents() / 100, b.upper.map(|u| u.cents() / 100)))
                .collect();
            assert_eq!(
                bounds,
                vec![(0, Some(1000)), (1000, Some(25000)), (25000, None)]
            );
        }
        k => panic!("{k:?}"),
    }
    match &block(&w, "Activity_0anford").kind {
        BlockKind::Rueckfrage(p) => assert_eq!(
            p.reply_deadline.as_ref().map(|d| d.0.as_str()),
            Some("P14D")
        ),
        k => panic!("{k:?}"),
    }
    let ports: Vec<(&str, &str)> = w
        .edges
        .iter()
        .filter(|e| e.from.0 == "Activity_0anford")
        .map(|e| (e.port.as_str(), e.to.0.as_str()))
        .collect();
    assert_eq!(
        ports,
        vec![("reply", "Event_0wv"), ("timeout", "Event_1abbruch")]
    );
    match &block(&w, "Event_0wv").kind {
        BlockKind::Frist(p) => assert_eq!(p.duration.as_ref().map(|d| d.0.as_str()), Some("P7D")),
        k => panic!("{k:?}"),
    }
    assert!(
        matches!(&block(&w, "StartEvent_1").kind, BlockKind::Start(p) if p.trigger == Trigger::OnlineAntrag)
    );
    assert!(matches!(&block(&w, "Event_0fertig").kind, BlockKind::Ende(p) if p.terminate));
    assert!(notes
        .iter()
        .any(|n| n.element_id == "Activity_0vergabe" && n.message_en.contains("inner elements")));
    assert!(notes.iter().any(|n| n.element_id == "TextAnnotation_1vg"));
    // The merge gateway disappears: all three branches lead to the Rückfrage.
    assert_eq!(
        w.edges
            .iter()
            .filter(|e| e.to.0 == "Activity_0anford")
            .count(),
        3
    );
    insta::assert_snapshot!("camunda8_vergabe", snapshot_text(&w, &notes));
}

#[test]
fn bpmnjs_collaboration_maps_receive_task_escalation_and_notes_the_rest() {
    let (w, notes) = import_foreign("bpmnjs-gewerbe.bpmn");
    assert_eq!(w.name, "Gewerbeamt");
    match &block(&w, "Activity_0nachw").kind {
        BlockKind::Rueckfrage(p) => {
            assert_eq!(
                p.reply_deadline.as_ref().map(|d| d.0.as_str()),
                Some("P14D")
            );
            assert_eq!(p.reminder_after.as_ref().map(|d| d.0.as_str()), Some("P7D"));
        }
        k => panic!("{k:?}"),
    }
    match &block(&w, "Event_0mahn").kind {
        BlockKind::Eskalation(p) => {
            assert!(!p.interrupting);
            assert_eq!(p.attached_to, Some(BlockId::new("Activity_0schein")));
            assert!(p.escalate_to.is_some());
        }
        k => panic!("{k:?}"),
    }
    assert!(
        w.block(&BlockId::new("Activity_0info")).is_none(),
        "notify path absorbed into the Eskalation"
    );
    match &block(&w, "Activity_0schein").kind {
        BlockKind::Sachbearbeitung(p) => assert!(
            matches!(&p.assignee, Some(Assignee::Role(r)) if w.role(r).is_some_and(|r| r.name == "Amtsleitung"))
        ),
        k => panic!("{k:?}"),
    }
    assert!(matches!(
        block(&w, "Event_0fa").kind,
        BlockKind::Benachrichtigung(_)
    ));
    for unmapped in [
        "MessageFlow_0nw",
        "Group_0pr",
        "Gateway_0art",
        "Activity_1reg",
        "ErrorEventDefinition_0un",
    ] {
        assert!(
            notes.iter().any(|n| n.element_id == unmapped),
            "{unmapped} not named in a note"
        );
    }
    insta::assert_snapshot!("bpmnjs_gewerbe", snapshot_text(&w, &notes));
}

#[test]
fn foreign_shapes_get_the_fachwerk_size_centred_where_they_were() {
    // bpmn.io draws events as 36 px circles and tasks as 100 × 80 boxes: names would be cut.
    for name in ["bpmnjs-gewerbe.bpmn", "camunda7-urlaubsantrag.bpmn"] {
        let (w, _) = import_foreign(name);
        assert!(!w.layout.blocks.is_empty(), "{name}");
        for (id, r) in &w.layout.blocks {
            assert_eq!(
                (r.w, r.h),
                (Rect::DEFAULT_W, Rect::DEFAULT_H),
                "{name}: {id}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile input

fn err(xml: &str) -> ImportError {
    match from_bpmn(xml) {
        Err(e) => e,
        Ok((w, _)) => panic!("accepted: {}", w.name),
    }
}

#[test]
fn refuses_dtds_and_entities() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p" name="&lol9;"/></bpmn:definitions>"#;
    let e = err(billion_laughs);
    assert!(matches!(e, ImportError::DtdForbidden { line: 2 }), "{e:?}");
    assert!(e.message_de().contains("DOCTYPE") && e.message_en().contains("refused"));

    let external = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p" name="&xxe;"/></bpmn:definitions>"#;
    assert!(matches!(err(external), ImportError::DtdForbidden { .. }));
    let public =
        r#"<!DOCTYPE definitions PUBLIC "-//x//y" "http://example.org/x.dtd"><definitions/>"#;
    assert!(matches!(err(public), ImportError::DtdForbidden { .. }));
    // An entity without any DTD is simply undefined.
    let undefined = r#"<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">&xxe;</bpmn:process></bpmn:definitions>"#;
    assert!(matches!(err(undefined), ImportError::NotXml { .. }));
}

#[test]
fn refuses_deep_nesting_huge_input_and_garbage() {
    let deep = format!(
        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">{}",
        "<bpmn:extensionElements>".repeat(MAX_DEPTH + 10)
    );
    assert!(matches!(err(&deep), ImportError::TooDeep { .. }));

    let huge = "x".repeat(MAX_INPUT_BYTES + 1);
    assert!(matches!(err(&huge), ImportError::TooLarge { .. }));

    // A huge (16 MiB) attribute within the limit is fine (and not a process).
    let attr = format!(
        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" name=\"{}\"/>",
        "a".repeat(16 * 1024 * 1024)
    );
    assert!(matches!(err(&attr), ImportError::NoProcess));

    for garbage in [
        "",
        "   ",
        "garbage",
        "{\"json\": true}",
        "\u{0}\u{1}\u{2}",
        "<",
        "<<>>",
        "<a",
        "<a></b>",
        "<a x=1/>",
        "<?xml version=\"1.0\"?>",
        "\u{feff}",
    ] {
        assert!(
            matches!(err(garbage), ImportError::NotXml { .. }),
            "{garbage:?}"
        );
    }
}

#[test]
fn refuses_truncated_and_non_bpmn_documents() {
    let w = parse_workflow(&fixture("alle-bausteine.json")).unwrap();
    let xml = to_bpmn(&w);
    for cut in [10, xml.len() / 3, xml.len() / 2, xml.len() - 3] {
        let mut end = cut;
        while !xml.is_char_boundary(end) {
            end -= 1;
        }
        assert!(
            matches!(err(&xml[..end]), ImportError::NotXml { .. }),
            "cut at {cut}"
        );
    }
    assert!(matches!(
        err("<html><body/></html>"),
        ImportError::NotBpmn { .. }
    ));
    assert!(matches!(
        err("<definitions xmlns=\"http://example.org/other\"/>"),
        ImportError::NotBpmn { .. }
    ));
    assert!(matches!(err("<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><collaboration/></definitions>"), ImportError::NoProcess));
}

#[test]
fn tolerates_odd_but_wellformed_bpmn() {
    // Flows to nowhere, unknown elements, an empty process, unbound prefixes: notes, no panic.
    let odd = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:x="urn:x">
  <process id="p">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="nirgends"/>
    <sequenceFlow id="f2" sourceRef="s" targetRef="s"/>
    <exclusiveGateway id="g1"/><exclusiveGateway id="g2"/>
    <sequenceFlow id="f3" sourceRef="g1" targetRef="g2"/><sequenceFlow id="f4" sourceRef="g2" targetRef="g1"/>
    <sequenceFlow id="f5" sourceRef="s" targetRef="g1"/>
    <boundaryEvent id="b" attachedToRef="fehlt"/>
    <y:unknown id="u"/>
    <x:thing/>
  </process>
</definitions>"#;
    let (w, notes) = from_bpmn(odd).unwrap();
    assert_eq!(w.blocks.len(), 1);
    assert!(notes.iter().any(|n| n.element_id == "f1"));
    assert!(notes.iter().any(|n| n.element_id == "b"));
}
