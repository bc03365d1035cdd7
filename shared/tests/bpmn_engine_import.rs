//! Import of files written by Camunda Modeler for Camunda 7 (JUEL) and Camunda 8 (FEEL), not
//! by Fachwerk: candidate groups become roles, conditions become Fachwerk conditions (value
//! bands a Wertgrenzen-Weiche), and what lies outside the FEEL subset is named in a note and
//! kept as text, so that validation reports it. The fixtures are hand-written in the vendors'
//! style.
#![allow(clippy::unwrap_used)]

use fachwerk_shared::bpmn::{from_bpmn, to_bpmn_for, Engine, ImportNote};
use fachwerk_shared::model::*;
use fachwerk_shared::validate;

fn import(name: &str) -> (Workflow, Vec<ImportNote>) {
    let path = format!("{}/tests/fixtures/bpmn/{name}", env!("CARGO_MANIFEST_DIR"));
    from_bpmn(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn block<'a>(w: &'a Workflow, id: &str) -> &'a BlockKind {
    &w.block(&BlockId::new(id))
        .unwrap_or_else(|| panic!("no block {id}"))
        .kind
}

fn assignee(w: &Workflow, id: &str) -> Option<Assignee> {
    match block(w, id) {
        BlockKind::Sachbearbeitung(p) => p.assignee.clone(),
        k => panic!("{id}: {k:?}"),
    }
}

fn role(w: &Workflow, id: &str) -> Option<Assignee> {
    let r = w.roles.iter().find(|r| r.id.0 == id).map(|r| r.id.clone());
    r.map(Assignee::Role)
}

/// (rule id, condition) of a Komplexitäts-Weiche.
fn rules(w: &Workflow, id: &str) -> Vec<(String, String)> {
    match block(w, id) {
        BlockKind::Komplexitaet(p) => p
            .rules
            .iter()
            .map(|r| (r.id.clone(), r.condition.clone()))
            .collect(),
        k => panic!("{id}: {k:?}"),
    }
}

/// Upper band limits in euros of a Wertgrenzen-Weiche.
fn bands(w: &Workflow, id: &str) -> (String, Vec<Option<i64>>) {
    match block(w, id) {
        BlockKind::Wertgrenzen(p) => (
            p.amount_field.clone(),
            p.bands
                .iter()
                .map(|b| b.upper.map(|u| u.cents() / 100))
                .collect(),
        ),
        k => panic!("{id}: {k:?}"),
    }
}

fn notes_on<'a>(notes: &'a [ImportNote], element: &str) -> Vec<&'a ImportNote> {
    notes.iter().filter(|n| n.element_id == element).collect()
}

#[test]
fn camunda7_juel_conditions_and_candidate_groups() {
    let (w, notes) = import("camunda7-sondernutzung.bpmn");
    assert_eq!(w.name, "Sondernutzung Straßenraum");
    assert_eq!(w.history_time_to_live_days, Some(365));

    // Candidate groups → roles; the first of several, with a note naming all.
    assert_eq!(
        assignee(&w, "Activity_0pruefen"),
        role(&w, "strassenverkehr")
    );
    assert_eq!(assignee(&w, "Activity_1sachb"), role(&w, "strassenverkehr"));
    let several = notes_on(&notes, "Activity_0pruefen");
    assert!(
        several
            .iter()
            .any(|n| n.message_de.contains("strassenverkehr, tiefbau")
                && n.message_en.contains("“strassenverkehr” is taken")),
        "{several:#?}"
    );
    // A group expression stays an expression, with a note.
    assert_eq!(
        assignee(&w, "Activity_1leitung"),
        Some(Assignee::Expression("${zustaendigeGruppe}".into()))
    );
    assert!(notes_on(&notes, "Activity_1leitung").iter().any(|n| n
        .message_en
        .contains("candidate groups as an expression")
        || n.message_en.contains("Candidate groups as an expression")));

    // `${gebuehr <= 1000}`, `#{gebuehr gt 1000 and gebuehr le 25000}`, default: value bands.
    assert_eq!(
        bands(&w, "Gateway_0gebuehr"),
        ("gebuehr".into(), vec![Some(1000), Some(25000), None])
    );

    // JUEL rules translated; the property access is kept as text with a note naming it.
    assert_eq!(
        rules(&w, "Gateway_1art"),
        vec![
            ("baustelle".into(), "art = \"Baustelle\" or fahrbahn".into()),
            (
                "lange-nutzung".into(),
                "not(fahrbahn) and dauerTage > 30".into()
            ),
            ("grosse-flaeche".into(), "${antrag.flaeche > 100}".into()),
        ]
    );
    let outside = notes_on(&notes, "Flow_gross");
    assert_eq!(outside.len(), 1, "{notes:#?}");
    assert!(outside[0]
        .message_de
        .contains("außerhalb der FEEL-Teilmenge"));
    assert!(outside[0]
        .message_de
        .contains("Eigenschaften oder Methoden"));
    assert!(outside[0].message_en.contains("Property or method access"));
    // The translated conditions need no note.
    for flow in ["Flow_klein", "Flow_mittel", "Flow_baustelle", "Flow_lang"] {
        assert!(notes_on(&notes, flow).is_empty(), "{flow}: {notes:#?}");
    }

    // Fields come from the conditions with their guessed types.
    let field = |n: &str| w.fields.iter().find(|f| f.name == n).map(|f| f.field_type);
    assert_eq!(field("gebuehr"), Some(FieldType::Money));
    assert_eq!(field("fahrbahn"), Some(FieldType::Bool));
    assert_eq!(field("art"), Some(FieldType::Text));
    assert_eq!(field("dauerTage"), Some(FieldType::Int));

    // Validation reports exactly the untranslated condition (and the expression assignee is
    // accepted as an expression).
    let invalid: Vec<_> = validate(&w)
        .into_iter()
        .filter(|f| f.code == "E_CONDITION_INVALID")
        .collect();
    assert_eq!(invalid.len(), 1, "{invalid:#?}");
    assert_eq!(
        invalid[0].element.block.as_ref().map(|b| b.0.as_str()),
        Some("Gateway_1art")
    );
}

#[test]
fn camunda8_feel_conditions_and_candidate_group_lists() {
    let (w, notes) = import("camunda8-foerderung.bpmn");
    assert_eq!(w.history_time_to_live_days, None);
    // `=["foerderstelle", "teamleitung"]`: the first, with a note.
    assert_eq!(
        assignee(&w, "Activity_0vorpruefung"),
        role(&w, "foerderstelle")
    );
    assert!(notes_on(&notes, "Activity_0vorpruefung")
        .iter()
        .any(|n| n.message_de.contains("foerderstelle, teamleitung")));
    assert_eq!(
        assignee(&w, "Activity_1bewilligen"),
        role(&w, "foerderstelle")
    );
    assert_eq!(
        assignee(&w, "Activity_2gremium"),
        Some(Assignee::Expression("=gremium".into()))
    );
    assert_eq!(w.roles.len(), 1, "{:?}", w.roles);

    assert_eq!(
        bands(&w, "Gateway_0betrag"),
        ("foerdersumme".into(), vec![Some(5000), None])
    );
    assert_eq!(
        rules(&w, "Gateway_1pruefung"),
        vec![
            (
                "erstantrag".into(),
                "antragsart = \"Neu\" and not(vorjahresfoerderung)".into()
            ),
            ("belege-fehlen".into(), "count(belege) < 3".into()),
        ]
    );
    let outside = notes_on(&notes, "Flow_belege");
    assert_eq!(outside.len(), 1, "{notes:#?}");
    assert!(outside[0]
        .message_en
        .contains("not in the supported FEEL subset"));
    assert!(notes_on(&notes, "Flow_neu").is_empty(), "{notes:#?}");
}

/// What was imported from Camunda Modeler exports back to its engine with the same decisions:
/// the translated conditions come out as the JUEL / FEEL they were read from.
#[test]
fn imported_conditions_export_back_to_their_dialect() {
    let (w, _) = import("camunda7-sondernutzung.bpmn");
    let (c7, _) = to_bpmn_for(&w, Engine::Camunda7);
    let text = unescape(&c7);
    for juel in [
        "${gebuehr <= 1000}",
        "${gebuehr > 1000 && gebuehr <= 25000}",
        "${art == 'Baustelle' || fahrbahn}",
        "${!(fahrbahn) && dauerTage > 30}",
    ] {
        assert!(text.contains(juel), "{juel} missing in\n{c7}");
    }
    assert!(c7.contains("camunda:historyTimeToLive=\"P365D\""));
    let (w8, _) = import("camunda8-foerderung.bpmn");
    let (c8, _) = to_bpmn_for(&w8, Engine::Camunda8);
    assert!(unescape(&c8).contains("=antragsart = \"Neu\" and not(vorjahresfoerderung)"));
    assert!(unescape(&c8).contains("=foerdersumme <= 5000"));
}

fn unescape(xml: &str) -> String {
    xml.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
