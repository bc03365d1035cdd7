//! Semantic diff: sentences, impact, semver, layout kept apart.
#![allow(clippy::unwrap_used)]

use fachwerk_shared::diff::{
    apply_content, diff, semantics, Bump, ChangeKind, Impact, LayoutChange,
};
use fachwerk_shared::*;

fn base() -> Workflow {
    parse_workflow(include_str!("fixtures/diff/base.json")).unwrap()
}

fn bands(w: &mut Workflow) -> &mut Vec<Band> {
    match &mut w.block_mut(&"wg".into()).unwrap().kind {
        BlockKind::Wertgrenzen(p) => &mut p.bands,
        _ => unreachable!(),
    }
}

#[test]
fn identical_versions_have_no_changes() {
    let d = diff(&base(), &base());
    assert!(d.changes.is_empty() && d.layout.is_empty());
    assert_eq!(d.bump, Bump::None);
}

#[test]
fn raised_threshold_reads_as_a_sentence_and_is_breaking() {
    let old = base();
    let mut new = base();
    bands(&mut new)[0].upper = Some(Money::euros(2000));
    bands(&mut new)[1].lower = Money::euros(2000);
    let d = diff(&old, &new);
    assert_eq!(d.changes.len(), 2, "{:#?}", d.changes);
    let c = &d.changes[0];
    assert_eq!(c.kind, ChangeKind::ParamChanged);
    assert_eq!(c.path.as_deref(), Some("bands[bis1000].upper"));
    assert_eq!(c.message_de, "„Wertgrenze“: Wertgrenzen-Band „bis 1.000 €“ – Wertgrenze von 1.000 € auf 2.000 € angehoben");
    assert_eq!(c.impact, Impact::Breaking);
    assert_eq!(d.bump, Bump::Major);
    assert_eq!(Bump::Major.apply("1.4.2").as_deref(), Some("2.0.0"));
}

#[test]
fn a_move_is_layout_only() {
    let old = base();
    let mut new = base();
    new.layout.blocks.insert("start".into(), Rect::at(400, 100));
    let d = diff(&old, &new);
    assert!(d.changes.is_empty());
    assert!(matches!(
        d.layout.as_slice(),
        [LayoutChange::BlockMoved { .. }]
    ));
    assert_eq!(d.bump, Bump::Patch);
}

#[test]
fn role_rename_is_one_change() {
    let old = base();
    let mut new = base();
    new.roles[0].name = "Sachbearbeitung Vergabe".into();
    let d = diff(&old, &new);
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].kind, ChangeKind::RoleRenamed);
    assert_eq!(
        d.changes[0].message_de,
        "Rolle „Sachbearbeitung“ umbenannt in „Sachbearbeitung Vergabe“"
    );
    assert_eq!(d.bump, Bump::Patch);
}

#[test]
fn signing_limit_raise_is_a_feature() {
    let old = base();
    let mut new = base();
    new.roles[0].signing_limit = Some(Money::euros(10_000));
    let d = diff(&old, &new);
    assert_eq!(
        d.changes[0].message_de,
        "Zeichnungsbefugnis der Rolle „Sachbearbeitung“ von 1.000 € auf 10.000 € angehoben"
    );
    assert_eq!(d.bump, Bump::Minor);
}

#[test]
fn added_and_removed_blocks_and_edges_are_named() {
    let old = base();
    let mut new = base();
    apply(
        &mut new,
        Op::RemoveBlock {
            id: "pruefen".into(),
        },
    )
    .unwrap();
    let notify = Block::new(
        "info",
        "Antragsteller informieren",
        BlockType::Benachrichtigung.default_kind(),
    );
    apply(
        &mut new,
        Op::AddBlock {
            block: notify,
            rect: Some(Rect::at(200, 200)),
            index: None,
        },
    )
    .unwrap();
    apply(
        &mut new,
        Op::Connect {
            edge: Edge {
                id: "e9".into(),
                from: "start".into(),
                port: "next".into(),
                to: "info".into(),
            },
            waypoints: vec![],
            index: None,
        },
    )
    .unwrap();
    let d = diff(&old, &new);
    let sentences: Vec<&str> = d.changes.iter().map(|c| c.message_de.as_str()).collect();
    assert!(
        sentences.contains(&"Schritt „Antrag prüfen“ (Sachbearbeitung) entfernt"),
        "{sentences:?}"
    );
    assert!(
        sentences.contains(&"Schritt „Antragsteller informieren“ (Benachrichtigung) hinzugefügt"),
        "{sentences:?}"
    );
    assert!(
        sentences.contains(
            &"Verbindung von „Antrag eingegangen“ (weiter) nach „Antrag prüfen“ entfernt"
        ),
        "{sentences:?}"
    );
    assert_eq!(d.bump, Bump::Major);
    assert_eq!(
        semantics(&apply_content(&old, &d).unwrap()),
        semantics(&new)
    );
}

#[test]
fn payment_methods_are_a_set() {
    let mut old = base();
    let z = ZahlungParams {
        methods: vec![PaymentMethod::Paypal, PaymentMethod::Kreditkarte],
        ..Default::default()
    };
    old.blocks
        .push(Block::new("z", "Gebühr", BlockKind::Zahlung(z.clone())));
    let mut new = old.clone();
    let reordered = ZahlungParams {
        methods: vec![PaymentMethod::Kreditkarte, PaymentMethod::Paypal],
        ..z
    };
    new.block_mut(&"z".into()).unwrap().kind = BlockKind::Zahlung(reordered);
    assert!(diff(&old, &new).changes.is_empty());
}

#[test]
fn shortened_deadline_is_breaking_longer_is_feature() {
    let old = base();
    let set_due = |d: &str| {
        let mut w = base();
        if let BlockKind::Sachbearbeitung(p) = &mut w.block_mut(&"pruefen".into()).unwrap().kind {
            p.due_in = Some(Duration::new(d));
        }
        w
    };
    let shorter = diff(&old, &set_due("P7D"));
    assert_eq!(
        shorter.changes[0].message_de,
        "„Antrag prüfen“: Bearbeitungsfrist von 14 Tage auf 7 Tage verkürzt"
    );
    assert_eq!(shorter.bump, Bump::Major);
    assert_eq!(diff(&old, &set_due("P1M")).bump, Bump::Minor);
}
