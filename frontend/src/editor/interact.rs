//! Pointer and keyboard handling. The canvas decides on pointerdown what a gesture is; moves
//! and the release are handled on the window so a gesture survives leaving the canvas.

use std::collections::{BTreeSet, HashSet};

use fachwerk_shared::{BlockId, BlockType, EdgeId, Op, Rect};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, PointerEvent, WheelEvent};

use super::commands::{self, Command};
use super::{Drag, Editor};
use crate::pure::geometry::{block_at, block_rect, ports_of, snap, visual_height, GRID};

/// Pointer travel (screen px) below which a press counts as a click.
const CLICK_SLOP: f64 = 4.0;

fn target_element(ev: &web_sys::Event) -> Option<Element> {
    ev.target().and_then(|t| t.dyn_into::<Element>().ok())
}

fn closest(el: &Option<Element>, selector: &str) -> Option<Element> {
    el.as_ref().and_then(|e| e.closest(selector).ok().flatten())
}

/// Commits a half-typed inspector field before the selection (and with it the form) changes.
pub fn blur_active_input() {
    let Some(active) = document().active_element() else {
        return;
    };
    let tag = active.tag_name().to_ascii_lowercase();
    if matches!(tag.as_str(), "input" | "textarea" | "select") {
        if let Ok(h) = active.dyn_into::<web_sys::HtmlElement>() {
            let _ = h.blur();
        }
    }
}

pub fn canvas_pointer_down(ed: Editor, ev: PointerEvent) {
    let button = ev.button();
    if button != 0 && button != 1 {
        return;
    }
    blur_active_input();
    let target = target_element(&ev);
    let client = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    if let Some(svg) = document().get_element_by_id("canvas") {
        let _ = svg.set_pointer_capture(ev.pointer_id());
    }
    let pan_mode = button == 1 || ed.space_held.get_value();
    let block_el = closest(&target, "g.block");
    let mut block_id = block_el
        .as_ref()
        .and_then(|b| b.get_attribute("data-block-id"))
        .map(BlockId);
    if block_id.is_none() && ed.overview_untracked() {
        let (x, y) = ed.client_to_canvas(client.0, client.1);
        block_id = ed.wf.with_untracked(|w| block_at(w, x, y));
    }
    if pan_mode {
        ev.prevent_default();
        ed.drag.set(Drag::Pan {
            start: client,
            origin: ed.view.get_untracked(),
            background: false,
            moved: false,
        });
        return;
    }
    if let (Some(port), Some(from)) = (closest(&target, ".port"), block_id.clone()) {
        ev.prevent_default();
        let name = port.get_attribute("data-port").unwrap_or_default();
        let start = ed.client_to_canvas(client.0, client.1);
        ed.select_only(from.clone());
        ed.drag.set(Drag::Connect {
            from,
            port: name,
            start,
            cur: start,
        });
        return;
    }
    if let Some(id) = block_id {
        let shift = ev.shift_key() || ev.ctrl_key() || ev.meta_key();
        let was_selected = ed.selection.with_untracked(|s| s.contains(&id));
        if shift {
            ed.selection.update(|s| {
                if !s.remove(&id) {
                    s.insert(id.clone());
                }
            });
        } else if !was_selected {
            ed.select_only(id.clone());
        }
        ed.sel_edge.set(None);
        let ids = ed.selection.get_untracked();
        if !ids.contains(&id) {
            // Shift-click removed it from the selection: nothing to drag.
            return;
        }
        let origin: Vec<(BlockId, Rect)> = ed.wf.with_untracked(|w| {
            ed.index.with_untracked(|m| {
                ids.iter()
                    .filter_map(|b| m.get(b).map(|i| (b.clone(), block_rect(w, *i, b))))
                    .collect()
            })
        });
        ed.drag_ids.set(ids.into_iter().collect());
        ed.drag_delta.set((0, 0));
        ed.drag.set(Drag::Move {
            start: client,
            origin,
            clicked: id,
            shift,
            moved: false,
        });
        return;
    }
    if let Some(edge) =
        closest(&target, "g.edge-back").and_then(|e| e.get_attribute("data-edge-id"))
    {
        ed.selection.set(BTreeSet::new());
        ed.sel_edge.set(Some(EdgeId(edge)));
        return;
    }
    if ev.shift_key() {
        let p = ed.client_to_canvas(client.0, client.1);
        ed.drag.set(Drag::Rubber {
            start: p,
            cur: p,
            additive: ev.ctrl_key() || ev.meta_key(),
        });
    } else {
        ed.drag.set(Drag::Pan {
            start: client,
            origin: ed.view.get_untracked(),
            background: true,
            moved: false,
        });
    }
}

pub fn palette_pointer_down(ed: Editor, ev: PointerEvent, block_type: BlockType) {
    if ev.button() != 0 {
        return;
    }
    // Capture on the button itself: its inner spans are re-rendered on a language switch.
    if let Some(el) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<Element>().ok())
    {
        let _ = el.set_pointer_capture(ev.pointer_id());
    }
    let p = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    ed.drag.set(Drag::Palette {
        block_type,
        start: p,
        cur: p,
        moved: false,
    });
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

pub fn pointer_move(ed: Editor, ev: PointerEvent) {
    let client = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    let kind = ed.drag.with_untracked(std::mem::discriminant);
    if kind == std::mem::discriminant(&Drag::None) {
        return;
    }
    ev.prevent_default();
    let zoom = ed.view.get_untracked().zoom;
    let mut delta = None;
    let mut view = None;
    let mut minimap = false;
    ed.drag.update(|d| match d {
        Drag::Palette {
            start, cur, moved, ..
        } => {
            *cur = client;
            *moved |= dist(*start, client) > CLICK_SLOP;
        }
        Drag::Move { start, moved, .. } => {
            *moved |= dist(*start, client) > CLICK_SLOP;
            if *moved {
                let dx = f64::from(snap((client.0 - start.0) / zoom));
                let dy = f64::from(snap((client.1 - start.1) / zoom));
                delta = Some((dx as i32, dy as i32));
            }
        }
        Drag::Connect { cur, .. } | Drag::Rubber { cur, .. } => {
            *cur = ed.client_to_canvas(client.0, client.1);
        }
        Drag::Pan {
            start,
            origin,
            moved,
            ..
        } => {
            *moved |= dist(*start, client) > CLICK_SLOP;
            let mut v = *origin;
            v.x += client.0 - start.0;
            v.y += client.1 - start.1;
            view = Some(v);
        }
        Drag::Minimap => minimap = true,
        Drag::None => {}
    });
    if let Some(d) = delta {
        if ed.drag_delta.get_untracked() != d {
            ed.drag_delta.set(d);
        }
    }
    if let Some(v) = view {
        ed.view.set(v);
    }
    if minimap {
        super::minimap::center_at_client(ed, client);
    }
}

pub fn pointer_up(ed: Editor, ev: PointerEvent) {
    let client = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    let drag = ed.drag.get_untracked();
    if drag == Drag::None {
        return;
    }
    ed.drag.set(Drag::None);
    match drag {
        Drag::Palette {
            block_type, moved, ..
        } => {
            if moved {
                // The click that follows this release belongs to the drag; it is dispatched
                // in the same task, so clearing the guard in a zero timeout comes after it.
                ed.click_guard.set_value(true);
                set_timeout(
                    move || ed.click_guard.set_value(false),
                    std::time::Duration::ZERO,
                );
                if over_canvas(client) {
                    let (x, y) = ed.client_to_canvas(client.0, client.1);
                    let at = (
                        snap(x - f64::from(Rect::DEFAULT_W) / 2.0),
                        snap(y - f64::from(Rect::DEFAULT_H) / 2.0),
                    );
                    commands::insert_block(ed, block_type, Some(at));
                }
            }
        }
        Drag::Move {
            origin,
            clicked,
            shift,
            moved,
            ..
        } => {
            let (dx, dy) = ed.drag_delta.get_untracked();
            ed.drag_ids.set(HashSet::new());
            ed.drag_delta.set((0, 0));
            if moved && (dx != 0 || dy != 0) {
                let ops: Vec<Op> = origin
                    .into_iter()
                    .map(|(id, r)| {
                        let to = Rect {
                            x: snap(f64::from(r.x + dx)),
                            y: snap(f64::from(r.y + dy)),
                            ..r
                        };
                        Op::MoveBlock { id, to }
                    })
                    .collect();
                ed.apply(single_or_batch(ops));
            } else if !moved && !shift {
                ed.select_only(clicked);
            }
        }
        Drag::Connect {
            from, port, cur, ..
        } => {
            let target = ed.wf.with_untracked(|w| block_at(w, cur.0, cur.1));
            if let Some(to) = target.filter(|t| *t != from) {
                commands::connect(ed, &from, &port, &to);
            }
        }
        Drag::Rubber {
            start,
            cur,
            additive,
        } => {
            let (x0, y0) = (start.0.min(cur.0), start.1.min(cur.1));
            let (x1, y1) = (start.0.max(cur.0), start.1.max(cur.1));
            let hits: Vec<BlockId> = ed.wf.with_untracked(|w| {
                w.blocks
                    .iter()
                    .enumerate()
                    .filter(|(i, b)| {
                        let r = block_rect(w, *i, &b.id);
                        let h = visual_height(&r, ports_of(b).len());
                        f64::from(r.x) < x1
                            && f64::from(r.x + r.w) > x0
                            && f64::from(r.y) < y1
                            && f64::from(r.y + h) > y0
                    })
                    .map(|(_, b)| b.id.clone())
                    .collect()
            });
            ed.sel_edge.set(None);
            ed.selection.update(|s| {
                if !additive {
                    s.clear();
                }
                s.extend(hits);
            });
        }
        Drag::Pan {
            background, moved, ..
        } => {
            if background && !moved {
                ed.clear_selection();
            }
        }
        Drag::Minimap | Drag::None => {}
    }
}

pub fn pointer_cancel(ed: Editor) {
    ed.drag.set(Drag::None);
    ed.drag_ids.set(HashSet::new());
    ed.drag_delta.set((0, 0));
}

/// Several ops as one undo step; a single op stays itself.
pub fn single_or_batch(mut ops: Vec<Op>) -> Op {
    if ops.len() == 1 {
        ops.remove(0)
    } else {
        Op::Batch(ops)
    }
}

fn over_canvas(client: (f64, f64)) -> bool {
    super::canvas_client_rect().is_some_and(|(l, t, w, h)| {
        client.0 >= l && client.0 <= l + w && client.1 >= t && client.1 <= t + h
    })
}

pub fn wheel(ed: Editor, ev: WheelEvent) {
    ev.prevent_default();
    let factor = if ev.delta_y() < 0.0 { 1.15 } else { 1.0 / 1.15 };
    let (l, t) = super::canvas_origin();
    commands::zoom_at(
        ed,
        factor,
        (f64::from(ev.client_x()) - l, f64::from(ev.client_y()) - t),
    );
}

fn is_text_target(ev: &web_sys::Event) -> bool {
    target_element(ev).is_some_and(|el| {
        let tag = el.tag_name().to_ascii_lowercase();
        matches!(tag.as_str(), "input" | "textarea" | "select")
            || el.closest("[contenteditable]").ok().flatten().is_some()
    })
}

pub fn key_down(ed: Editor, ev: KeyboardEvent) {
    let key = ev.key();
    // Tab inside a modal dialog is kept there by `crate::a11y`.
    let dialog_open = crate::a11y::modal_open();
    if key == "Escape" {
        if ed.import_report.with_untracked(Option::is_some) {
            super::exchange::close(ed);
        } else if ed.settings_open.get_untracked() {
            super::settings::close(ed);
        } else if ed.connect_open.get_untracked() {
            super::connect::close(ed);
        } else if ed.drag.with_untracked(|d| *d != Drag::None) {
            pointer_cancel(ed);
        } else {
            ed.clear_selection();
        }
        return;
    }
    if is_text_target(&ev) || dialog_open {
        return;
    }
    let target = target_element(&ev);
    let ctrl = ev.ctrl_key() || ev.meta_key();
    // A focused connection: Enter or Space selects it, Delete removes it.
    let edge = closest(&target, "#canvas g.edge")
        .and_then(|e| e.get_attribute("data-edge-id"))
        .map(EdgeId);
    if let (false, Some(edge)) = (ctrl, edge) {
        let handled = match key.as_str() {
            "Enter" | " " => {
                ed.selection.set(BTreeSet::new());
                ed.sel_edge.set(Some(edge));
                true
            }
            "Delete" | "Backspace" => delete_edge(ed, edge),
            _ => false,
        };
        if handled {
            ev.prevent_default();
            return;
        }
    }
    let handled = match (ctrl, key.as_str()) {
        (true, "z" | "Z") if ev.shift_key() => {
            ed.redo();
            true
        }
        (true, "z" | "Z") => {
            ed.undo();
            true
        }
        (true, "y" | "Y") => {
            ed.redo();
            true
        }
        // Without a selection the browser's own copy and cut stay.
        (true, "c" | "C") => run_on_selection(ed, Command::Copy),
        (true, "x" | "X") => run_on_selection(ed, Command::Cut),
        (true, "v" | "V") => {
            ed.run(Command::Paste);
            true
        }
        (true, "k" | "K") => {
            // The focused block is the one to connect, whatever was selected before.
            if let Some(id) =
                closest(&target, "g.block").and_then(|b| b.get_attribute("data-block-id"))
            {
                ed.select_only(BlockId(id));
            }
            super::connect::open_connect(ed);
            true
        }
        (true, "d" | "D") => {
            ed.run(Command::Duplicate);
            true
        }
        (true, "a" | "A") => {
            let all: BTreeSet<BlockId> = ed
                .wf
                .with_untracked(|w| w.blocks.iter().map(|b| b.id.clone()).collect());
            ed.selection.set(all);
            true
        }
        (false, "Delete" | "Backspace") => commands::delete_selection(ed),
        (false, "ArrowLeft") => commands::nudge(ed, -GRID, 0),
        (false, "ArrowRight") => commands::nudge(ed, GRID, 0),
        (false, "ArrowUp") => commands::nudge(ed, 0, -GRID),
        (false, "ArrowDown") => commands::nudge(ed, 0, GRID),
        (false, "Enter") => {
            match closest(&target, "g.block").and_then(|b| b.get_attribute("data-block-id")) {
                Some(id) => {
                    ed.select_only(BlockId(id));
                    true
                }
                None => false,
            }
        }
        (false, " ") => {
            // Space+drag pans; on buttons Space must keep activating them.
            let on_canvas = closest(&target, "#canvas").is_some()
                || target.as_ref().is_some_and(|t| t.tag_name() == "BODY");
            if on_canvas {
                ed.space_held.set_value(true);
            }
            on_canvas
        }
        (false, "+") => {
            commands::zoom_center(ed, 1.2);
            true
        }
        (false, "-") => {
            commands::zoom_center(ed, 1.0 / 1.2);
            true
        }
        _ => false,
    };
    if handled {
        ev.prevent_default();
    }
}

/// Runs `command` if blocks are selected; whether it did.
fn run_on_selection(ed: Editor, command: Command) -> bool {
    let any = ed.selection.with_untracked(|s| !s.is_empty());
    if any {
        ed.run(command);
    }
    any
}

/// Removes a connection from the keyboard; the focus goes to the block it came from, so it is
/// not lost to the page (WCAG 2.4.3).
fn delete_edge(ed: Editor, id: EdgeId) -> bool {
    let from = ed
        .wf
        .with_untracked(|w| w.edge(&id).map(|e| e.from.0.clone()));
    ed.selection.set(BTreeSet::new());
    ed.sel_edge.set(Some(id));
    let done = commands::delete_selection(ed);
    request_animation_frame(move || {
        let block = document()
            .query_selector_all("#canvas g.block")
            .ok()
            .and_then(|list| {
                (0..list.length())
                    .filter_map(|i| list.item(i))
                    .filter_map(|n| n.dyn_into::<web_sys::SvgElement>().ok())
                    .find(|g| g.get_attribute("data-block-id") == from)
            });
        match block {
            Some(g) => {
                let _ = g.focus();
            }
            None => {
                if let Some(c) = document()
                    .get_element_by_id("canvas")
                    .and_then(|c| c.dyn_into::<web_sys::SvgElement>().ok())
                {
                    let _ = c.focus();
                }
            }
        }
    });
    done
}

pub fn key_up(ed: Editor, ev: KeyboardEvent) {
    if ev.key() == " " {
        ed.space_held.set_value(false);
    }
}
