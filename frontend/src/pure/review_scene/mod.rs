//! The review scene (issue #7): what the review canvas draws for two versions of a workflow,
//! computed with `fachwerk_shared::diff` (the same code the server runs). Added blocks are
//! green, removed ones ghosted in red, changed ones amber with a badge, layout-only moves grey;
//! beside the drawing, the list of changes. Pure data: `server::review` renders it.
//!
//! Shapes use the editor's geometry (`block_rect`, `visual_height`, `port_offset`, `ports_of`),
//! so blocks look exactly as in the designer.

use std::collections::{HashMap, HashSet};

use fachwerk_shared::catalog;
use fachwerk_shared::diff::{diff, Bump, ChangeKind, LayoutChange};
use fachwerk_shared::{BlockId, EdgeId, Workflow};

use super::geometry::{block_rect, edge_path, port_offset, ports_of, visual_height};
use crate::i18n::{Lang, T};

pub const READ_ONLY: T = T("Nur-Lese-Ansicht", "Read-only view");
pub const REVIEW_CANVAS: T = T("Vergleichsansicht", "Comparison view");
pub const OLD_PANE: T = T("Ältere Fassung (Zeichnung)", "Older version (drawing)");
pub const NEW_PANE: T = T("Neuere Fassung (Zeichnung)", "Newer version (drawing)");

/// A block as drawn: geometry, texts and its diff class (`rv-added`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub id: String,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub icon: &'static str,
    pub label: String,
    pub type_line: String,
    pub ports: Vec<(i32, String)>,
    pub class: &'static str,
    pub badge: usize,
    pub state: &'static str,
}

/// A connection as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub id: String,
    pub d: String,
    pub class: &'static str,
    pub label: String,
    pub mid: (i32, i32),
}

/// One drawing (`id` is the id of its SVG element).
#[derive(Debug, Clone, PartialEq)]
pub struct Pane {
    pub id: &'static str,
    pub label: T,
    pub shapes: Vec<Shape>,
    pub lines: Vec<Line>,
}

/// One entry of the change list; `block` is the block it selects.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub text: String,
    pub block: Option<String>,
    pub class: String,
    pub kind: String,
}

/// Everything the review screen shows for one comparison.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    pub panes: Vec<Pane>,
    pub items: Vec<Item>,
    pub bump: Option<Bump>,
    pub compared: bool,
}

#[derive(Default)]
struct Marks {
    added: HashSet<BlockId>,
    removed: HashSet<BlockId>,
    changed: HashMap<BlockId, usize>,
    moved: HashSet<BlockId>,
    edges_added: HashSet<EdgeId>,
    edges_removed: HashSet<EdgeId>,
    edges_changed: HashSet<EdgeId>,
}

impl Marks {
    fn block(&self, id: &BlockId) -> (&'static str, usize, &'static str) {
        if self.added.contains(id) {
            ("rv-added", 0, "added")
        } else if self.removed.contains(id) {
            ("rv-removed", 0, "removed")
        } else if let Some(n) = self.changed.get(id) {
            ("rv-changed", *n, "changed")
        } else if self.moved.contains(id) {
            ("rv-moved", 0, "moved")
        } else {
            ("rv-same", 0, "")
        }
    }

    fn edge(&self, id: &EdgeId) -> &'static str {
        if self.edges_added.contains(id) {
            "rv-added"
        } else if self.edges_removed.contains(id) {
            "rv-removed"
        } else if self.edges_changed.contains(id) {
            "rv-changed"
        } else {
            "rv-same"
        }
    }
}

fn shape(w: &Workflow, i: usize, marks: &Marks, lang: Lang) -> Option<Shape> {
    let b = w.blocks.get(i)?;
    let r = block_rect(w, i, &b.id);
    let ports = ports_of(b);
    let h = visual_height(&r, ports.len());
    let info = catalog::info(b.block_type());
    let type_name = if lang == Lang::De {
        info.name_de
    } else {
        info.name_en
    };
    let has_label = !b.label.trim().is_empty();
    let (class, badge, state) = marks.block(&b.id);
    let n = ports.len();
    Some(Shape {
        id: b.id.0.clone(),
        x: r.x,
        y: r.y,
        w: r.w,
        h,
        icon: crate::pure::icons::block_icon(info.block_type),
        label: if has_label {
            w.block_label(&b.id)
        } else {
            type_name.to_string()
        },
        type_line: if has_label {
            type_name.to_string()
        } else {
            String::new()
        },
        ports: ports
            .iter()
            .enumerate()
            .map(|(pi, p)| {
                let l = if lang == Lang::De {
                    p.label_de.clone()
                } else {
                    p.label_en.clone()
                };
                (port_offset(pi, n, h), l)
            })
            .collect(),
        class,
        badge,
        state,
    })
}

fn lines(w: &Workflow, marks: &Marks, lang: Lang, only: Option<&HashSet<EdgeId>>) -> Vec<Line> {
    let index: HashMap<&BlockId, usize> = w
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (&b.id, i))
        .collect();
    w.edges
        .iter()
        .filter(|e| only.is_none_or(|o| o.contains(&e.id)))
        .filter_map(|e| {
            let (fi, ti) = (*index.get(&e.from)?, *index.get(&e.to)?);
            let (fb, tb) = (&w.blocks[fi], &w.blocks[ti]);
            let (fr, tr) = (block_rect(w, fi, &fb.id), block_rect(w, ti, &tb.id));
            let fports = ports_of(fb);
            let fh = visual_height(&fr, fports.len());
            let th = visual_height(&tr, ports_of(tb).len());
            let pi = fports.iter().position(|p| p.name == e.port);
            let sy = pi.map_or(fh / 2, |i| port_offset(i, fports.len(), fh));
            let label = pi
                .and_then(|i| fports.get(i))
                .map(|p| {
                    if lang == Lang::De {
                        p.label_de.clone()
                    } else {
                        p.label_en.clone()
                    }
                })
                .unwrap_or_else(|| e.port.clone());
            let waypoints = w.layout.edges.get(&e.id).cloned().unwrap_or_default();
            let (d, mid) = edge_path((fr.x + fr.w, fr.y + sy), (tr.x, tr.y + th / 2), &waypoints);
            Some(Line {
                id: e.id.0.clone(),
                d,
                class: marks.edge(&e.id),
                label,
                mid,
            })
        })
        .collect()
}

/// The old side of a first version ("Erstfassung"): the same workflow with nothing in it, so
/// the comparison lists every block, role and field as added.
pub fn first_version_base(new: &Workflow) -> Workflow {
    let mut base = Workflow::new(new.key.clone(), new.name.clone());
    base.description = new.description.clone();
    base
}

/// The scene of `new` compared with `old` (`None`: `new` alone, read-only); `content_only`
/// leaves out layout changes, `side` draws both versions side by side.
pub fn scene(
    old: Option<&Workflow>,
    new: Option<&Workflow>,
    content_only: bool,
    side: bool,
    lang: Lang,
) -> Scene {
    let Some(new) = new else {
        return Scene::default();
    };
    let mut marks = Marks::default();
    let mut items = Vec::new();
    let d = old.map(|o| diff(o, new));
    if let (Some(d), Some(old)) = (&d, old) {
        for c in &d.changes {
            let block = c.block.clone();
            match (c.kind, &block) {
                (ChangeKind::BlockAdded, Some(b)) => {
                    marks.added.insert(b.clone());
                }
                (ChangeKind::BlockRemoved, Some(b)) => {
                    marks.removed.insert(b.clone());
                }
                (_, Some(b)) => *marks.changed.entry(b.clone()).or_default() += 1,
                _ => {}
            }
            if let Some(e) = &c.edge {
                match c.kind {
                    ChangeKind::EdgeAdded => marks.edges_added.insert(e.clone()),
                    ChangeKind::EdgeRemoved => marks.edges_removed.insert(e.clone()),
                    _ => marks.edges_changed.insert(e.clone()),
                };
            }
            let block = block.or_else(|| {
                c.edge.as_ref().and_then(|e| {
                    new.edges
                        .iter()
                        .chain(old.edges.iter())
                        .find(|x| &x.id == e)
                        .map(|x| x.from.clone())
                })
            });
            items.push(Item {
                text: if lang == Lang::De {
                    c.message_de.clone()
                } else {
                    c.message_en.clone()
                },
                block: block.map(|b| b.0),
                class: format!("impact-{}", format!("{:?}", c.impact).to_lowercase()),
                kind: format!("{:?}", c.kind),
            });
        }
        // Edges of removed blocks go with them.
        for e in &old.edges {
            if marks.removed.contains(&e.from) || marks.removed.contains(&e.to) {
                marks.edges_removed.insert(e.id.clone());
            }
        }
        if !content_only {
            for l in &d.layout {
                let (block, de, en) = match l {
                    LayoutChange::BlockMoved { block, .. } => (
                        Some(block),
                        "wurde verschoben (nur Darstellung).",
                        "was moved (layout only).",
                    ),
                    LayoutChange::BlockResized { block, .. } => (
                        Some(block),
                        "hat eine neue Größe (nur Darstellung).",
                        "was resized (layout only).",
                    ),
                    LayoutChange::EdgeWaypointsChanged { .. } => (
                        None,
                        "Der Verlauf einer Verbindung wurde geändert (nur Darstellung).",
                        "The route of a connection changed (layout only).",
                    ),
                };
                let text = match block {
                    Some(b) => {
                        let name = new.block_label(b);
                        if lang == Lang::De {
                            format!("„{name}“ {de}")
                        } else {
                            format!("“{name}” {en}")
                        }
                    }
                    None => (if lang == Lang::De { de } else { en }).to_string(),
                };
                if let Some(b) = block {
                    if !marks.added.contains(b) && !marks.changed.contains_key(b) {
                        marks.moved.insert(b.clone());
                    }
                }
                items.push(Item {
                    text,
                    block: block.map(|b| b.0.clone()),
                    class: "layout".into(),
                    kind: "LAYOUT".into(),
                });
            }
        }
    }
    let new_shapes = |w: &Workflow| -> Vec<Shape> {
        (0..w.blocks.len())
            .filter_map(|i| shape(w, i, &marks, lang))
            .collect()
    };
    let panes = match old {
        Some(old) if side => {
            let old_marks = Marks {
                removed: marks.removed.clone(),
                changed: marks.changed.clone(),
                edges_removed: marks.edges_removed.clone(),
                edges_changed: marks.edges_changed.clone(),
                ..Default::default()
            };
            vec![
                Pane {
                    id: "rv-canvas-old",
                    label: OLD_PANE,
                    shapes: (0..old.blocks.len())
                        .filter_map(|i| shape(old, i, &old_marks, lang))
                        .collect(),
                    lines: lines(old, &old_marks, lang, None),
                },
                Pane {
                    id: "rv-canvas-new",
                    label: NEW_PANE,
                    shapes: new_shapes(new),
                    lines: lines(new, &marks, lang, None),
                },
            ]
        }
        Some(old) => {
            // One drawing: the newer version plus ghosts of what was removed.
            let mut ghosts: Vec<Shape> = old
                .blocks
                .iter()
                .enumerate()
                .filter(|(_, b)| marks.removed.contains(&b.id))
                .filter_map(|(i, _)| shape(old, i, &marks, lang))
                .collect();
            let mut ghost_lines = lines(old, &marks, lang, Some(&marks.edges_removed));
            ghost_lines.extend(lines(new, &marks, lang, None));
            ghosts.extend(new_shapes(new));
            vec![Pane {
                id: "rv-canvas-new",
                label: REVIEW_CANVAS,
                shapes: ghosts,
                lines: ghost_lines,
            }]
        }
        None => vec![Pane {
            id: "rv-canvas-new",
            label: READ_ONLY,
            shapes: new_shapes(new),
            lines: lines(new, &marks, lang, None),
        }],
    };
    Scene {
        panes,
        items,
        bump: d.map(|d| d.bump),
        compared: old.is_some(),
    }
}

/// Bounding box (x0, y0, x1, y1) of every shape in every pane.
pub fn bounds(s: &Scene) -> Option<(f64, f64, f64, f64)> {
    s.panes
        .iter()
        .flat_map(|p| p.shapes.iter())
        .fold(None, |acc, b| {
            let (x0, y0, x1, y1) = acc.unwrap_or((b.x, b.y, b.x + b.w, b.y + b.h));
            Some((
                x0.min(b.x),
                y0.min(b.y),
                x1.max(b.x + b.w),
                y1.max(b.y + b.h),
            ))
        })
        .map(|(a, b, c, d)| (f64::from(a), f64::from(b), f64::from(c), f64::from(d)))
}

/// The box around what changed (blocks not drawn plain), for the first view side by side: at
/// 1366 px the whole of two drawings is too small to read; `None` when nothing changed.
pub fn changed_bounds(s: &Scene) -> Option<(f64, f64, f64, f64)> {
    let changed: Vec<&Shape> = s
        .panes
        .iter()
        .flat_map(|p| p.shapes.iter())
        .filter(|b| b.class != "rv-same")
        .collect();
    let first = changed.first()?;
    let (x0, y0, x1, y1) = changed.iter().fold(
        (first.x, first.y, first.x + first.w, first.y + first.h),
        |(x0, y0, x1, y1), b| {
            (
                x0.min(b.x),
                y0.min(b.y),
                x1.max(b.x + b.w),
                y1.max(b.y + b.h),
            )
        },
    );
    Some((f64::from(x0), f64::from(y0), f64::from(x1), f64::from(y1)))
}

#[cfg(test)]
mod tests {
    use fachwerk_shared::{parse_workflow, BlockId, Rect, Workflow};

    use super::{scene, Scene};
    use crate::i18n::Lang;

    fn template() -> Workflow {
        parse_workflow(include_str!("../../../workflows/beschaffung.json")).expect("template")
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
        assert!(
            super::changed_bounds(&scene(Some(&old), Some(&old), true, true, Lang::De)).is_none()
        );
    }
}
