//! Editing commands shared by mouse, keyboard and buttons. Each is one undo step.
//!
//! The direct ones (insert, connect, delete, nudge, zoom) run in the first screen's module; the
//! menus' others ([`Command`]: the clipboard, "Anordnen", the exports, opening a file, the
//! server's check) run from
//! the module of the editor's parts (issue 22, first load: `crate::on_demand`), which arrives
//! right after the first screen; one given before waits for it (`Editor::run`).

use std::collections::{BTreeSet, HashMap};

use fachwerk_shared::{Block, BlockId, BlockKind, BlockType, Edge, EdgeId, Op, Rect, Workflow};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::interact::single_or_batch;
use super::Editor;
use crate::i18n::{self, Lang};
use crate::pure::geometry::{
    block_rect, bounds_with_labels, ports_of, snap, type_name, visual_height, Viewport, GRID,
};
use crate::storage;

const MIN_ZOOM: f64 = 0.02;
const MAX_ZOOM: f64 = 3.0;

/// Inserts a block at `at` (top-left, canvas px) or at a free spot, and selects it.
pub fn insert_block(ed: Editor, t: BlockType, at: Option<(i32, i32)>) -> Option<BlockId> {
    let (id, next_id) = ed.wf.with_untracked(|w| {
        let mut ids = w.id_allocator();
        (BlockId(ids.fresh("b")), ids.next_id())
    });
    let (x, y) = at.unwrap_or_else(|| free_spot(ed));
    let op = Op::Batch(vec![
        Op::SetNextId { next_id },
        Op::AddBlock {
            block: Block::new(id.clone(), "", t.default_kind()),
            rect: Some(Rect::at(x, y)),
            index: None,
        },
    ]);
    if !ed.apply(op) {
        return None;
    }
    ed.select_only(id.clone());
    ensure_visible(ed, &id);
    let lang = ed.lang.get_untracked();
    ed.announce.set(match lang {
        Lang::De => format!("Baustein „{}“ eingefügt.", type_name(t, lang)),
        Lang::En => format!("Block “{}” inserted.", type_name(t, lang)),
    });
    Some(id)
}

fn overlaps(w: &Workflow, r: &Rect) -> bool {
    w.blocks.iter().enumerate().any(|(i, b)| {
        let o = block_rect(w, i, &b.id);
        let oh = visual_height(&o, ports_of(b).len());
        r.x < o.x + o.w + GRID
            && r.x + r.w + GRID > o.x
            && r.y < o.y + oh + GRID
            && r.y + r.h + GRID > o.y
    })
}

/// Right of the selected block if free, else the first free grid slot in view.
fn free_spot(ed: Editor) -> (i32, i32) {
    let selected = ed
        .selection
        .with_untracked(|s| s.iter().next_back().cloned());
    let v = ed.view.get_untracked();
    let (vw, vh) = ed.canvas_size.get_untracked();
    ed.wf.with_untracked(|w| {
        if let Some(sel) = selected {
            if let Some(i) = w.blocks.iter().position(|b| b.id == sel) {
                let r = block_rect(w, i, &sel);
                for dy in 0..20 {
                    let c = Rect::at(r.x + r.w + 60, r.y + dy * 80);
                    if !overlaps(w, &c) {
                        return (c.x, c.y);
                    }
                }
            }
        }
        let x0 = snap((-v.x) / v.zoom + 40.0);
        let y0 = snap((-v.y) / v.zoom + 40.0);
        let cols = (((vw / v.zoom) - 80.0) / 220.0).max(1.0) as i32;
        let rows = (((vh / v.zoom) - 80.0) / 100.0).max(1.0) as i32;
        for row in 0..rows.max(1) * 4 {
            for col in 0..cols {
                let c = Rect::at(x0 + col * 220, y0 + row * 100);
                if !overlaps(w, &c) {
                    return (c.x, c.y);
                }
            }
        }
        (x0, y0)
    })
}

/// Connects `port` of `from` to `to`; an existing edge on that port is re-targeted instead.
pub fn connect(ed: Editor, from: &BlockId, port: &str, to: &BlockId) -> bool {
    let existing = ed.wf.with_untracked(|w| {
        w.outgoing(from)
            .find(|e| e.port == port)
            .map(|e| (e.id.clone(), e.to.clone()))
    });
    let ok = match existing {
        Some((_, old_to)) if &old_to == to => return true,
        Some((id, _)) => ed.apply(Op::Retarget { id, to: to.clone() }),
        None => {
            let (id, next_id) = ed.wf.with_untracked(|w| {
                let mut ids = w.id_allocator();
                (EdgeId(ids.fresh("e")), ids.next_id())
            });
            let edge = Edge {
                id,
                from: from.clone(),
                port: port.to_string(),
                to: to.clone(),
            };
            ed.apply(Op::Batch(vec![
                Op::SetNextId { next_id },
                Op::Connect {
                    edge,
                    waypoints: Vec::new(),
                    index: None,
                },
            ]))
        }
    };
    if ok {
        ed.say(i18n::MSG_CONNECTED);
    }
    ok
}

/// Deletes the selected blocks (with their edges) or the selected edge.
pub fn delete_selection(ed: Editor) -> bool {
    let blocks = ed.selection.get_untracked();
    if !blocks.is_empty() {
        let ops = blocks
            .into_iter()
            .map(|id| Op::RemoveBlock { id })
            .collect();
        ed.apply(single_or_batch(ops));
        ed.prune_selection();
        ed.say(i18n::MSG_DELETED);
        return true;
    }
    if let Some(id) = ed.sel_edge.get_untracked() {
        ed.apply(Op::Disconnect { id });
        ed.sel_edge.set(None);
        ed.say(i18n::MSG_DELETED);
        return true;
    }
    false
}

/// Moves the selection by a grid step (arrow keys).
pub fn nudge(ed: Editor, dx: i32, dy: i32) -> bool {
    let ids = ed.selection.get_untracked();
    if ids.is_empty() {
        return false;
    }
    let ops: Vec<Op> = ed.wf.with_untracked(|w| {
        w.blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| ids.contains(&b.id))
            .map(|(i, b)| {
                let r = block_rect(w, i, &b.id);
                Op::MoveBlock {
                    id: b.id.clone(),
                    to: Rect {
                        x: r.x + dx,
                        y: r.y + dy,
                        ..r
                    },
                }
            })
            .collect()
    });
    ed.apply(single_or_batch(ops));
    true
}

/// Selected blocks, their positions and the edges among them, in a form that survives
/// localStorage and a trip to another workflow.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Clip {
    fachwerk_clipboard: u32,
    blocks: Vec<(Block, Rect)>,
    edges: Vec<Edge>,
}

fn selection_clip(ed: Editor) -> Option<Clip> {
    let ids = ed.selection.get_untracked();
    if ids.is_empty() {
        return None;
    }
    ed.wf.with_untracked(|w| {
        let blocks: Vec<(Block, Rect)> = w
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| ids.contains(&b.id))
            .map(|(i, b)| (b.clone(), block_rect(w, i, &b.id)))
            .collect();
        let edges = w
            .edges
            .iter()
            .filter(|e| ids.contains(&e.from) && ids.contains(&e.to))
            .cloned()
            .collect();
        Some(Clip {
            fachwerk_clipboard: 1,
            blocks,
            edges,
        })
    })
}

fn copy(ed: Editor) -> bool {
    let Some(clip) = selection_clip(ed) else {
        return false;
    };
    if let Ok(json) = serde_json::to_string(&clip) {
        storage::set(storage::CLIPBOARD_KEY, &json);
        ed.say(i18n::MSG_COPIED);
    }
    true
}

fn paste(ed: Editor) {
    let clip =
        storage::get(storage::CLIPBOARD_KEY).and_then(|s| serde_json::from_str::<Clip>(&s).ok());
    match clip {
        Some(c) if !c.blocks.is_empty() => insert_clip(ed, c, 40),
        _ => ed.say(i18n::MSG_NOTHING_TO_PASTE),
    }
}

fn duplicate(ed: Editor) {
    if let Some(c) = selection_clip(ed) {
        insert_clip(ed, c, 40);
    }
}

/// Re-points block references inside parameters to the pasted copies.
fn remap_refs(kind: &mut BlockKind, map: &HashMap<BlockId, BlockId>) {
    for id in kind.block_refs_mut() {
        if let Some(n) = map.get(id) {
            *id = n.clone();
        }
    }
}

/// Adds copies of the clip with fresh ids, shifted by `offset`, as one step, and selects them.
fn insert_clip(ed: Editor, clip: Clip, offset: i32) {
    let mut map = HashMap::new();
    let mut ops = Vec::new();
    ed.wf.with_untracked(|w| {
        let mut ids = w.id_allocator();
        for (b, _) in &clip.blocks {
            map.insert(b.id.clone(), BlockId(ids.fresh("b")));
        }
        for (mut b, r) in clip.blocks {
            b.id = map.get(&b.id).cloned().unwrap_or(b.id);
            remap_refs(&mut b.kind, &map);
            let rect = Rect {
                x: r.x + offset,
                y: r.y + offset,
                ..r
            };
            ops.push(Op::AddBlock {
                block: b,
                rect: Some(rect),
                index: None,
            });
        }
        for e in clip.edges {
            let (Some(from), Some(to)) = (map.get(&e.from), map.get(&e.to)) else {
                continue;
            };
            let edge = Edge {
                id: EdgeId(ids.fresh("e")),
                from: from.clone(),
                port: e.port,
                to: to.clone(),
            };
            ops.push(Op::Connect {
                edge,
                waypoints: Vec::new(),
                index: None,
            });
        }
        ops.insert(
            0,
            Op::SetNextId {
                next_id: ids.next_id(),
            },
        );
    });
    if ed.apply(Op::Batch(ops)) {
        ed.selection.set(map.into_values().collect::<BTreeSet<_>>());
        ed.sel_edge.set(None);
    }
}

/// Zooms by `factor` keeping the screen point `at` (relative to the canvas) fixed.
pub fn zoom_at(ed: Editor, factor: f64, at: (f64, f64)) {
    ed.view
        .update(|v| *v = v.zoomed(factor, at, (MIN_ZOOM, MAX_ZOOM)));
}

pub fn zoom_center(ed: Editor, factor: f64) {
    let (w, h) = ed.canvas_size.get_untracked();
    zoom_at(ed, factor, (w / 2.0, h / 2.0));
}

/// "Einpassen": zoom and pan so that every block is visible.
pub fn fit(ed: Editor) {
    let Some((x0, y0, x1, y1)) = ed.wf.with_untracked(bounds_with_labels) else {
        ed.view.set(Viewport::default());
        return;
    };
    let (x0, y0, x1, y1) = (f64::from(x0), f64::from(y0), f64::from(x1), f64::from(y1));
    let size = ed.canvas_size.get_untracked();
    // Keep clear of the overlays either beside the drawing or above and below it, whichever
    // leaves the larger zoom (a wide workflow goes between top and bottom).
    let best = overlay_insets()
        .into_iter()
        .map(|insets| Viewport::fitting_within((x0, y0, x1, y1), size, insets, (MIN_ZOOM, 1.5)))
        .max_by(|a, b| a.zoom.total_cmp(&b.zoom))
        .unwrap_or_default();
    ed.view.set(best);
}

/// Two ways to keep clear of the canvas overlays (zoom tools top right, minimap bottom right,
/// help line at the bottom): a strip on the right, or strips at the top and the bottom.
fn overlay_insets() -> [(f64, f64, f64, f64); 2] {
    let rect = |sel: &str| {
        document()
            .query_selector(sel)
            .ok()
            .flatten()
            .map(|e| e.get_bounding_client_rect())
    };
    let Some(canvas) = rect("#canvas") else {
        return [(0.0, 0.0, 0.0, 0.0); 2];
    };
    // How far each overlay reaches into the canvas from the canvas's edge.
    let from_right = |sel: &str| rect(sel).map_or(0.0, |r| canvas.right() - r.left());
    let from_top = |sel: &str| rect(sel).map_or(0.0, |r| r.bottom() - canvas.top());
    let from_bottom = |sel: &str| rect(sel).map_or(0.0, |r| canvas.bottom() - r.top());
    let right = from_right(".minimap-wrap").max(from_right(".canvas-tools"));
    let bottom = from_bottom(".minimap-wrap").max(from_bottom("#canvas-help"));
    [
        (0.0, 0.0, right + 8.0, from_bottom("#canvas-help") + 4.0),
        (0.0, from_top(".canvas-tools") + 8.0, 0.0, bottom + 8.0),
    ]
}

/// Pans so that the block is in the middle of the canvas.
pub fn center_on(ed: Editor, id: &BlockId) {
    let Some(r) = ed.wf.with_untracked(|w| {
        w.blocks
            .iter()
            .position(|b| &b.id == id)
            .map(|i| block_rect(w, i, id))
    }) else {
        return;
    };
    let (vw, vh) = ed.canvas_size.get_untracked();
    ed.view.update(|v| {
        v.x = vw / 2.0 - f64::from(r.x + r.w / 2) * v.zoom;
        v.y = vh / 2.0 - f64::from(r.y + r.h / 2) * v.zoom;
    });
}

/// Centres on the block only if it is (partly) outside the view.
pub fn ensure_visible(ed: Editor, id: &BlockId) {
    let Some(r) = ed.wf.with_untracked(|w| {
        w.blocks
            .iter()
            .position(|b| &b.id == id)
            .map(|i| block_rect(w, i, id))
    }) else {
        return;
    };
    let v = ed.view.get_untracked();
    let (vw, vh) = ed.canvas_size.get_untracked();
    let sx = f64::from(r.x) * v.zoom + v.x;
    let sy = f64::from(r.y) * v.zoom + v.y;
    let inside = sx >= 0.0
        && sy >= 0.0
        && sx + f64::from(r.w) * v.zoom <= vw
        && sy + f64::from(r.h) * v.zoom <= vh;
    if !inside {
        center_on(ed, id);
    }
}

/// "Anordnen": one undo step moving every block to its computed place.
fn arrange(ed: Editor) {
    let moves = ed.wf.with_untracked(crate::pure::layout::arrange);
    // Old bend points would drag edges through the previous places: they go too.
    let ops: Vec<Op> = ed.wf.with_untracked(|w| {
        let bends = w
            .layout
            .edges
            .iter()
            .filter(|(_, points)| !points.is_empty())
            .map(|(id, _)| Op::SetWaypoints {
                id: id.clone(),
                points: Vec::new(),
            });
        moves
            .into_iter()
            .filter(|(id, r)| w.layout.blocks.get(id) != Some(r))
            .map(|(id, to)| Op::MoveBlock { id, to })
            .chain(bends)
            .collect()
    });
    if !ops.is_empty() {
        ed.apply(Op::Batch(ops));
    }
    fit(ed);
    ed.say(i18n::MSG_ARRANGED);
}

/// A command run from the module of the editor's parts (`Editor::run`).
pub enum Command {
    Copy,
    /// Copy, then delete.
    Cut,
    Paste,
    Duplicate,
    /// "Anordnen".
    Arrange,
    ExportJson,
    ExportBpmn,
    ExportSvg,
    /// Opens (imports) a file the person chose.
    Open(web_sys::File),
    /// "Prüfen": the server's validation.
    ServerCheck,
}

/// Runs `command` (the split point's function, `crate::on_demand`).
pub fn run(ed: Editor, command: Command) {
    use super::exchange;
    match command {
        Command::Copy => {
            copy(ed);
        }
        Command::Cut => {
            if copy(ed) {
                delete_selection(ed);
            }
        }
        Command::Paste => paste(ed),
        Command::Duplicate => duplicate(ed),
        Command::Arrange => arrange(ed),
        Command::ExportJson => exchange::export_json(ed),
        Command::ExportBpmn => exchange::export_bpmn(ed),
        Command::ExportSvg => exchange::export_svg(ed),
        Command::Open(file) => exchange::open(ed, file),
        Command::ServerCheck => super::problems::run_server_check(ed),
    }
}
