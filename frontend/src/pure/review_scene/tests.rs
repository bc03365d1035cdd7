//! The review scene's tests: marks, the first version, the changed region, labels and words.

use fachwerk_shared::diff::diff;
use fachwerk_shared::{parse_workflow, BlockId, Rect, Workflow};

use super::Scene;
use crate::i18n::Lang;

/// The scene with the diff computed here (on the page it comes from the Web Worker).
fn scene(
    old: Option<&Workflow>,
    new: Option<&Workflow>,
    content_only: bool,
    side: bool,
    lang: Lang,
) -> Scene {
    let d = old.zip(new).map(|(o, n)| diff(o, n));
    super::scene(old.zip(d.as_ref()), new, content_only, side, lang)
}

fn template() -> Workflow {
    parse_workflow(include_str!("../../../../workflows/beschaffung.json")).expect("template")
}

fn class_of(s: &Scene, pane: &str, id: &str) -> Option<&'static str> {
    s.panes
        .iter()
        .find(|p| p.id == pane)?
        .shapes
        .iter()
        .find(|b| b.id == id)
        .map(|b| b.class)
}

#[test]
fn changed_removed_and_moved_blocks_are_marked() {
    let old = template();
    let mut new = old.clone();
    let wg = new
        .blocks
        .iter_mut()
        .find(|b| b.id.0 == "wertgrenze")
        .expect("wertgrenze");
    let mut json = serde_json::to_value(&*wg).expect("json");
    json["params"]["bands"][0]["upper"] = "3000.00".into();
    json["params"]["bands"][1]["lower"] = "3000.00".into();
    *wg = serde_json::from_value(json).expect("block");
    let gone = new.blocks.last().expect("a block").id.clone();
    new.blocks.retain(|b| b.id != gone);
    new.edges.retain(|e| e.from != gone && e.to != gone);
    new.layout.blocks.remove(&gone);
    let start = BlockId("start".into());
    let r = new
        .layout
        .blocks
        .get(&start)
        .copied()
        .unwrap_or(Rect::at(0, 0));
    new.layout.blocks.insert(start, Rect { x: r.x + 40, ..r });

    let s = scene(Some(&old), Some(&new), false, false, Lang::De);
    assert_eq!(
        class_of(&s, "rv-canvas-new", "wertgrenze"),
        Some("rv-changed")
    );
    let badge = s.panes[0]
        .shapes
        .iter()
        .find(|b| b.id == "wertgrenze")
        .map(|b| b.badge);
    assert_eq!(badge, Some(2));
    assert_eq!(class_of(&s, "rv-canvas-new", &gone.0), Some("rv-removed"));
    assert_eq!(class_of(&s, "rv-canvas-new", "start"), Some("rv-moved"));
    assert!(s.items.iter().any(|i| i.kind == "LAYOUT"));
    assert!(s.items.iter().any(|i| i.text.contains("3.000")));

    // Content only: no layout entries, the moved block is plain.
    let s = scene(Some(&old), Some(&new), true, false, Lang::De);
    assert!(s.items.iter().all(|i| i.kind != "LAYOUT"));
    assert_eq!(class_of(&s, "rv-canvas-new", "start"), Some("rv-same"));

    // Side by side: the removed block is on the old side only.
    let s = scene(Some(&old), Some(&new), false, true, Lang::De);
    assert_eq!(s.panes.len(), 2);
    assert_eq!(class_of(&s, "rv-canvas-old", &gone.0), Some("rv-removed"));
    assert_eq!(class_of(&s, "rv-canvas-new", &gone.0), None);
    assert_eq!(
        class_of(&s, "rv-canvas-old", "wertgrenze"),
        Some("rv-changed")
    );
}

#[test]
fn a_single_version_is_drawn_plain() {
    let w = template();
    let s = scene(None, Some(&w), false, false, Lang::En);
    assert_eq!(s.panes.len(), 1);
    assert!(!s.compared);
    assert!(s.panes[0].shapes.iter().all(|b| b.class == "rv-same"));
    assert_eq!(s.panes[0].shapes.len(), w.blocks.len());
}

#[test]
fn a_first_version_shows_every_block_as_added() {
    let w = template();
    let s = scene(
        Some(&super::first_version_base(&w)),
        Some(&w),
        false,
        false,
        Lang::De,
    );
    assert!(s.compared);
    assert_eq!(s.panes[0].shapes.len(), w.blocks.len());
    assert!(
        s.panes[0].shapes.iter().all(|b| b.class == "rv-added"),
        "every block is new in a first version"
    );
    let added = s.items.iter().filter(|i| i.kind == "BlockAdded").count();
    assert_eq!(added, w.blocks.len());
}

#[test]
fn the_changed_region_is_smaller_than_the_whole() {
    let old = template();
    let mut new = old.clone();
    let first = new.blocks[0].id.clone();
    new.blocks[0].label = "Neu benannt".into();
    let s = scene(Some(&old), Some(&new), true, true, Lang::De);
    let changed = super::changed_bounds(&s).expect("a change");
    let all = super::bounds(&s).expect("blocks");
    assert!(
        changed.2 - changed.0 < all.2 - all.0,
        "{changed:?} vs {all:?}"
    );
    let r = new.layout.blocks[&first];
    assert_eq!(changed.0, f64::from(r.x));
    assert!(super::changed_bounds(&scene(Some(&old), Some(&old), true, true, Lang::De)).is_none());
}

#[test]
fn connection_labels_cover_no_block_and_name_their_ends() {
    let w = template();
    // Crowd the drawing: every block 60 px right of the one before, in one row.
    let mut tight = w.clone();
    for (i, b) in w.blocks.iter().enumerate() {
        let x = i32::try_from(i).unwrap_or(0) * 220;
        tight.layout.blocks.insert(b.id.clone(), Rect::at(x, 0));
    }
    tight.layout.edges.clear();
    let s = scene(None, Some(&tight), false, false, Lang::De);
    let p = &s.panes[0];
    let boxes: Vec<super::Bbox> = p
        .shapes
        .iter()
        .map(|b| super::Bbox::block(b.x, b.y, b.w, b.h))
        .collect();
    for l in &p.lines {
        let width = crate::pure::text_fit::text_width(&l.label, crate::pure::labels::FONT);
        let label = super::Bbox::text(l.at.0, l.at.1, width.ceil() as i32);
        let hit = boxes.iter().find(|b| b.overlaps(&label));
        assert!(
            hit.is_none(),
            "label {:?} of {} covers {hit:?}",
            l.label,
            l.id
        );
        assert!(!l.from.is_empty() && !l.to.is_empty() && !l.exit.is_empty());
    }
    let ok = p
        .lines
        .iter()
        .find(|l| l.exit == "ok" && l.from == "Vergabe schlusszeichnen")
        .map(|l| l.name(Lang::De));
    assert_eq!(
        ok.as_deref(),
        Some("ok: Verbindung von „Vergabe schlusszeichnen“ (ok) nach „Zuschlag erteilen und bestellen“")
    );
}

#[test]
fn blocks_are_named_by_their_drawn_words_then_the_whole_name_and_their_state() {
    let old = template();
    let mut new = old.clone();
    let wg = new
        .blocks
        .iter_mut()
        .find(|b| b.id.0 == "wertgrenze")
        .expect("wertgrenze");
    wg.label = "Wertgrenze nach dem geschätzten Auftragswert ohne Umsatzsteuer".into();
    let s = scene(Some(&old), Some(&new), false, false, Lang::De);
    let shape = s.panes[0]
        .shapes
        .iter()
        .find(|b| b.id == "wertgrenze")
        .expect("drawn");
    let (shown, _) = shape.words();
    assert!(shown.ends_with('…'), "{shown}");
    let name = shape.name(Lang::De);
    assert!(name.starts_with(&shown), "{name}");
    assert!(
        name.ends_with("Wertgrenze nach dem geschätzten Auftragswert ohne Umsatzsteuer Wertgrenzen-Weiche, geändert, 1 Änderung"),
        "the whole name, the change, then the badge's count: {name}"
    );
    let start = s.panes[0]
        .shapes
        .iter()
        .find(|b| b.id == "start")
        .expect("drawn");
    let (shown, type_shown) = start.words();
    assert_eq!(type_shown, "Antragseingang");
    assert_eq!(
        start.name(Lang::De),
        format!("{shown} Antragseingang, Bedarfsmeldung eingegangen Antragseingang")
    );
}

#[test]
fn changes_say_their_impact_in_words() {
    let old = template();
    let mut new = old.clone();
    new.blocks[0].label = "Neu benannt".into();
    let gone = new.blocks.last().expect("a block").id.clone();
    new.blocks.retain(|b| b.id != gone);
    new.edges.retain(|e| e.from != gone && e.to != gone);
    let s = scene(Some(&old), Some(&new), false, false, Lang::De);
    let impact = |kind: &str| {
        s.items
            .iter()
            .find(|i| i.kind == kind)
            .map(|i| (i.class.clone(), i.impact.get(Lang::De)))
    };
    assert_eq!(
        impact("BlockLabelChanged"),
        Some(("impact-fix".into(), "Korrektur"))
    );
    assert_eq!(
        impact("BlockRemoved"),
        Some(("impact-breaking".into(), "Inkompatibel"))
    );
}

#[test]
fn layout_sentences_call_unnamed_blocks_by_their_english_name() {
    let old = template();
    let mut new = old.clone();
    let start = BlockId("start".into());
    if let Some(b) = new.blocks.iter_mut().find(|b| b.id == start) {
        b.label.clear();
    }
    let r = new
        .layout
        .blocks
        .get(&start)
        .copied()
        .unwrap_or(Rect::at(0, 0));
    new.layout.blocks.insert(start, Rect { x: r.x + 40, ..r });
    let s = scene(Some(&old), Some(&new), false, false, Lang::En);
    let moved = s
        .items
        .iter()
        .find(|i| i.kind == "LAYOUT")
        .map(|i| i.text.clone())
        .unwrap_or_default();
    assert_eq!(moved, "“Application received” was moved (layout only).");
}
