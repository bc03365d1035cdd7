//! Three-way merge: local adaptation + upstream update.
#![allow(clippy::unwrap_used)]

use fachwerk_shared::merge::{merge, resolve, PathSeg, Side};
use fachwerk_shared::*;

fn base() -> Workflow {
    parse_workflow(include_str!("fixtures/diff/base.json")).unwrap()
}

fn band_upper(w: &mut Workflow, i: usize, euros: i64) {
    if let BlockKind::Wertgrenzen(p) = &mut w.block_mut(&"wg".into()).unwrap().kind {
        p.bands[i].upper = Some(Money::euros(euros));
        if let Some(next) = p.bands.get_mut(i + 1) {
            next.lower = Money::euros(euros);
        }
    }
}

fn set_due(w: &mut Workflow, d: &str) {
    if let BlockKind::Sachbearbeitung(p) = &mut w.block_mut(&"pruefen".into()).unwrap().kind {
        p.due_in = Some(Duration::new(d));
    }
}

#[test]
fn independent_changes_combine() {
    let base = base();
    let mut ours = base.clone();
    band_upper(&mut ours, 0, 1500);
    let mut theirs = base.clone();
    set_due(&mut theirs, "P10D");
    theirs.version = "1.1.0".into();
    let m = merge(&base, &ours, &theirs).unwrap();
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    let mut expected = ours.clone();
    set_due(&mut expected, "P10D");
    assert_eq!(m.workflow, expected);
}

#[test]
fn additions_on_both_sides_are_kept() {
    let base = base();
    let mut ours = base.clone();
    ours.roles.push(Role {
        id: "R-KAEM".into(),
        name: "Kämmerei".into(),
        org_unit: None,
        signing_limit: None,
    });
    let mut theirs = base.clone();
    theirs.blocks.push(Block::new(
        "info",
        "Informieren",
        BlockType::Benachrichtigung.default_kind(),
    ));
    theirs.next_id = 7;
    let m = merge(&base, &ours, &theirs).unwrap();
    assert!(m.conflicts.is_empty());
    assert!(m.workflow.role(&"R-KAEM".into()).is_some());
    assert!(m.workflow.block(&"info".into()).is_some());
    assert_eq!(m.workflow.next_id, 7);
}

#[test]
fn same_parameter_changed_on_both_sides_is_a_conflict() {
    let base = base();
    let mut ours = base.clone();
    band_upper(&mut ours, 0, 1500);
    let mut theirs = base.clone();
    band_upper(&mut theirs, 0, 2000);
    let m = merge(&base, &ours, &theirs).unwrap();
    let locations: Vec<&str> = m.conflicts.iter().map(|c| c.location.as_str()).collect();
    assert_eq!(
        locations,
        [
            "blocks[wg].params.bands[bis1000].upper",
            "blocks[wg].params.bands[ueber1000].lower"
        ]
    );
    assert_eq!(m.conflicts[0].path[0], PathSeg::Key("blocks".into()));
    assert_eq!(m.workflow, ours, "unresolved conflicts keep ours");
    let resolved = resolve(&m, &[(0, Side::Theirs), (1, Side::Theirs)]).unwrap();
    let mut expected = ours.clone();
    band_upper(&mut expected, 0, 2000);
    assert_eq!(resolved, expected);
}

#[test]
fn removed_here_changed_there_is_a_conflict() {
    let base = base();
    let mut ours = base.clone();
    apply(
        &mut ours,
        Op::RemoveBlock {
            id: "pruefen".into(),
        },
    )
    .unwrap();
    let mut theirs = base.clone();
    set_due(&mut theirs, "P3D");
    let m = merge(&base, &ours, &theirs).unwrap();
    assert_eq!(m.conflicts.len(), 1);
    assert_eq!(m.conflicts[0].location, "blocks[pruefen]");
    assert!(m.conflicts[0].ours.is_none());
    assert!(m.workflow.block(&"pruefen".into()).is_none());
}

#[test]
fn layout_never_conflicts() {
    let base = base();
    let mut ours = base.clone();
    ours.layout
        .blocks
        .insert("start".into(), Rect::at(100, 100));
    let mut theirs = base.clone();
    theirs
        .layout
        .blocks
        .insert("start".into(), Rect::at(300, 300));
    let m = merge(&base, &ours, &theirs).unwrap();
    assert!(m.conflicts.is_empty());
    assert_eq!(m.workflow.layout, ours.layout);
}

#[test]
fn version_and_id_counter_never_conflict_after_an_earlier_merge() {
    // After merging upstream 1.1.0 the local draft still says 1.0.0 and has allocated ids of
    // its own; the next upstream update (1.2.0) must not report either as a conflict.
    let mut base = base();
    base.version = "1.1.0".into();
    let mut ours = base.clone();
    ours.version = "1.0.0".into();
    ours.next_id = base.next_id + 5;
    let mut theirs = base.clone();
    theirs.version = "1.2.0".into();
    theirs.next_id = base.next_id + 2;
    set_due(&mut theirs, "P15D");
    let m = merge(&base, &ours, &theirs).unwrap();
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    assert_eq!(m.workflow.version, "1.0.0");
    assert_eq!(m.workflow.next_id, base.next_id + 5);
    let mut expected = ours.clone();
    set_due(&mut expected, "P15D");
    assert_eq!(m.workflow, expected);
}
