//! The review scene (issue #7): what the review canvas draws for two versions of a workflow,
//! computed with `fachwerk_shared::diff` (the same code the server runs). Added blocks are
//! green, removed ones ghosted in red, changed ones amber with a badge, layout-only moves grey;
//! beside the drawing, the list of changes. Pure data: `server::review` renders it.
//!
//! Shapes use the editor's geometry (`block_rect`, `visual_height`, `port_offset`, `ports_of`),
//! so blocks look exactly as in the designer.

use std::collections::{HashMap, HashSet};

use fachwerk_shared::catalog;
use fachwerk_shared::diff::{Bump, ChangeKind, Impact, LayoutChange, WorkflowDiff};
use fachwerk_shared::{BlockId, EdgeId, Workflow};

use super::geometry::{block_rect, edge_path, port_offset, ports_of, visual_height};
use super::labels::{connection_name, place, Bbox, Want};
use super::text_fit::fit_text;
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

impl Shape {
    /// The name and the type line as drawn, shortened with "…" to the block's width.
    pub fn words(&self) -> (String, String) {
        let room = f64::from((self.w - 40).max(20));
        (
            fit_text(&self.label, room, 13.0).0,
            fit_text(&self.type_line, room + 22.0, 11.0).0,
        )
    }

    /// The accessible name: the words as drawn (so speech input can use what is seen, WCAG
    /// 2.5.3), the whole name when it was shortened, then what the comparison says of it.
    pub fn name(&self, lang: Lang) -> String {
        let (label, type_line) = self.words();
        let mut s = [label.as_str(), type_line.as_str()]
            .iter()
            .filter(|w| !w.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if label != self.label || type_line != self.type_line {
            s.push_str(", ");
            s.push_str(self.label.trim());
            if !self.type_line.is_empty() {
                s.push(' ');
                s.push_str(&self.type_line);
            }
        }
        let de = lang == Lang::De;
        s.push_str(match (self.state, de) {
            ("added", true) => ", hinzugefügt",
            ("added", false) => ", added",
            ("removed", true) => ", entfernt",
            ("removed", false) => ", removed",
            ("changed", true) => ", geändert",
            ("changed", false) => ", changed",
            ("moved", true) => ", nur verschoben",
            ("moved", false) => ", moved only",
            _ => "",
        });
        // The badge is drawn in a layer of its own above the blocks (outside the block's
        // element, hidden from assistive technology), so the name says its count at the end.
        if self.badge > 0 {
            let n = self.badge;
            s.push_str(&match (lang == Lang::De, n) {
                (true, 1) => ", 1 Änderung".to_string(),
                (true, n) => format!(", {n} Änderungen"),
                (false, 1) => ", 1 change".to_string(),
                (false, n) => format!(", {n} changes"),
            });
        }
        s
    }
}

impl Line {
    /// The accessible name: the label as drawn, where the connection leads from and to, and
    /// what the comparison (or the case's path) says of it.
    pub fn name(&self, lang: Lang) -> String {
        let de = lang == Lang::De;
        let mut s = connection_name(&self.label, &self.from, &self.exit, &self.to, lang);
        s.push_str(match (self.class, de) {
            ("rv-added", true) => ", hinzugefügt",
            ("rv-added", false) => ", added",
            ("rv-removed", true) => ", entfernt",
            ("rv-removed", false) => ", removed",
            ("rv-changed", true) => ", geändert",
            ("rv-changed", false) => ", changed",
            ("sim-taken", true) => ", durchlaufen",
            ("sim-taken", false) => ", taken",
            _ => "",
        });
        s
    }
}

/// A connection as drawn: its label placed clear of the blocks (`super::labels`).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub id: String,
    pub d: String,
    pub class: &'static str,
    /// The exit's label as drawn ("…" when shortened), at `at` (start of its baseline).
    pub label: String,
    pub at: (i32, i32),
    /// The exit's whole label and the names of the blocks it connects, for its accessible name.
    pub exit: String,
    pub from: String,
    pub to: String,
    start: (i32, i32),
    mid: (i32, i32),
}

/// How far-reaching a change is, in words (not only by colour, WCAG 1.4.1).
pub const IMPACT_BREAKING: T = T("Inkompatibel", "Breaking");
pub const IMPACT_FEATURE: T = T("Erweiterung", "Feature");
pub const IMPACT_FIX: T = T("Korrektur", "Fix");
pub const IMPACT_LAYOUT: T = T("Nur Darstellung", "Layout only");

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
    /// The impact in words: one of the `IMPACT_*` texts.
    pub impact: T,
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
    let index = w.block_indices();
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
            let start = (fr.x + fr.w, fr.y + sy);
            let (d, mid) = edge_path(start, (tr.x, tr.y + th / 2), &waypoints);
            let name = |b: &BlockId| {
                if lang == Lang::De {
                    w.block_label(b)
                } else {
                    w.block_label_en(b)
                }
            };
            Some(Line {
                id: e.id.0.clone(),
                d,
                class: marks.edge(&e.id),
                label: label.clone(),
                at: start,
                exit: label,
                from: name(&fb.id),
                to: name(&tb.id),
                start,
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

/// The scene of `new` compared with `old` and their diff (`fachwerk_shared::diff::diff(old,
/// new)`, computed in the Web Worker; `None`: `new` alone, read-only); `content_only` leaves
/// out layout changes, `side` draws both versions side by side.
pub fn scene(
    old: Option<(&Workflow, &WorkflowDiff)>,
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
    let (old, d) = (old.map(|(o, _)| o), old.map(|(_, d)| d));
    if let (Some(d), Some(old)) = (d, old) {
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
                class: format!("impact-{}", format!("{:?}", c.impact).to_ascii_lowercase()),
                kind: format!("{:?}", c.kind),
                impact: match c.impact {
                    Impact::Breaking => IMPACT_BREAKING,
                    Impact::Feature => IMPACT_FEATURE,
                    Impact::Fix => IMPACT_FIX,
                },
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
                    Some(b) if lang == Lang::De => format!("„{}“ {de}", new.block_label(b)),
                    Some(b) => format!("“{}” {en}", new.block_label_en(b)),
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
                    impact: IMPACT_LAYOUT,
                });
            }
        }
    }
    let new_shapes = |w: &Workflow| -> Vec<Shape> {
        (0..w.blocks.len())
            .filter_map(|i| shape(w, i, &marks, lang))
            .collect()
    };
    let mut panes = match old {
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
    for p in &mut panes {
        place_labels(p);
    }
    Scene {
        panes,
        items,
        bump: d.map(|d| d.bump),
        compared: old.is_some(),
    }
}

/// Puts the connection labels of a pane where they cover no block and no other label.
fn place_labels(p: &mut Pane) {
    let blocks: Vec<Bbox> = p
        .shapes
        .iter()
        .map(|b| Bbox::block(b.x, b.y, b.w, b.h))
        .collect();
    let wants: Vec<Want> = p
        .lines
        .iter()
        .map(|l| Want {
            exit: l.start,
            text: l.exit.clone(),
            middle: Some(l.mid),
        })
        .collect();
    for (l, at) in p.lines.iter_mut().zip(place(&blocks, &wants)) {
        l.at = (l.start.0 + at.dx, l.start.1 + at.dy);
        l.label = at.text;
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
mod tests;
