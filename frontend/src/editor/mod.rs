//! The designer's state. The model (`Workflow`) lives in one signal and is only changed through
//! `Op`s; everything else here is view state (viewport, selection, drags, unparsed input).

#[macro_use]
mod macros;

pub mod canvas;
pub mod checks;
pub mod commands;
pub mod connect;
pub mod edges;
pub mod engine_export;
pub mod exchange;
pub mod inspector;
pub mod interact;
pub mod menu;
pub mod minimap;
pub mod outline;
pub mod overview;
pub mod palette;
pub mod params;
pub mod pickers;
pub mod probelauf;
pub mod problems;
pub mod settings;
pub mod tables;
pub mod toolbar;
pub mod tooltip;
pub mod widgets;

use std::collections::{BTreeSet, HashMap, HashSet};

use fachwerk_shared::{apply, BlockId, BlockType, EdgeId, Finding, Op, Rect, Severity, Workflow};
use leptos::prelude::*;

use crate::api::ServerState;
use crate::i18n::{Lang, T};
use crate::pure::geometry::{block_rect, Viewport};
use crate::pure::history::{Change, Entry, History};

/// Extra area around the viewport that is rendered too, in screen pixels.
const CULL_MARGIN: f64 = 300.0;
/// Below this zoom, or with more blocks in view, the canvas draws the overview.
pub const OVERVIEW_ZOOM: f64 = 0.3;
pub const OVERVIEW_COUNT: usize = 400;

/// Ids of the blocks that intersect the viewport (plus margin).
fn visible_blocks(wf: RwSignal<Workflow>, v: Viewport, (vw, vh): (f64, f64)) -> Vec<BlockId> {
    let x0 = (-v.x - CULL_MARGIN) / v.zoom;
    let y0 = (-v.y - CULL_MARGIN) / v.zoom;
    let x1 = (vw - v.x + CULL_MARGIN) / v.zoom;
    let y1 = (vh - v.y + CULL_MARGIN) / v.zoom;
    wf.with(|w| {
        w.blocks
            .iter()
            .enumerate()
            .filter(|(i, b)| {
                let r = block_rect(w, *i, &b.id);
                // Generous height: ports can make a block taller than its rect.
                f64::from(r.x + r.w) >= x0
                    && f64::from(r.x) <= x1
                    && f64::from(r.y + r.h.max(400)) >= y0
                    && f64::from(r.y) <= y1
            })
            .map(|(_, b)| b.id.clone())
            .collect()
    })
}

/// The pointer gesture in progress. One gesture becomes at most one undo step.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Drag {
    #[default]
    None,
    /// A palette item dragged towards the canvas (client coordinates).
    Palette {
        block_type: BlockType,
        start: (f64, f64),
        cur: (f64, f64),
        moved: bool,
    },
    /// Selected blocks being moved; the offset is in `Editor::drag_delta`.
    Move {
        start: (f64, f64),
        origin: Vec<(BlockId, Rect)>,
        clicked: BlockId,
        shift: bool,
        moved: bool,
    },
    /// A new connection from a port (canvas coordinates).
    Connect {
        from: BlockId,
        port: String,
        start: (f64, f64),
        cur: (f64, f64),
    },
    /// Rubber-band selection (canvas coordinates).
    Rubber {
        start: (f64, f64),
        cur: (f64, f64),
        additive: bool,
    },
    /// Panning; `background` = started on empty canvas (a click there clears the selection).
    Pan {
        start: (f64, f64),
        origin: Viewport,
        background: bool,
        moved: bool,
    },
    /// Dragging the viewport frame in the minimap.
    Minimap,
}

/// Text typed into a parsed field (amount, number, duration) that is not committed yet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawInput {
    pub text: String,
    /// Set when the text was rejected on commit; shown at the field.
    pub error: Option<String>,
}

/// All signals of the designer; `Copy`, shared through context.
#[derive(Clone, Copy)]
pub struct Editor {
    pub wf: RwSignal<Workflow>,
    pub history: RwSignal<History>,
    pub lang: RwSignal<Lang>,
    pub view: RwSignal<Viewport>,
    /// Width and height of the canvas element in screen pixels.
    pub canvas_size: RwSignal<(f64, f64)>,
    pub selection: RwSignal<BTreeSet<BlockId>>,
    pub sel_edge: RwSignal<Option<EdgeId>>,
    pub drag: RwSignal<Drag>,
    /// Blocks moved by the current drag; kept apart from `drag` so blocks only subscribe to it.
    pub drag_ids: RwSignal<HashSet<BlockId>>,
    pub drag_delta: RwSignal<(i32, i32)>,
    pub raw: RwSignal<HashMap<String, RawInput>>,
    /// Text for the aria-live status region.
    pub announce: RwSignal<String>,
    pub settings_open: RwSignal<bool>,
    pub connect_open: RwSignal<bool>,
    /// The result of the last file import (notes or error), shown in a dialog.
    pub import_report: RwSignal<Option<exchange::ImportReport>>,
    /// The engine chosen in the open "Für eine Prozess-Engine exportieren" dialog.
    pub engine_export: RwSignal<Option<fachwerk_shared::bpmn::Engine>>,
    /// Probelauf: form, trace, canvas highlights, saved cases.
    pub sim: probelauf::Sim,
    pub server: RwSignal<ServerState>,
    pub findings: Memo<Vec<Finding>>,
    /// Where the findings are computed (page or worker) and whether a check is pending.
    pub checks: checks::Checks,
    /// Worst severity per block, for canvas markers.
    pub marks: Memo<HashMap<BlockId, Severity>>,
    pub index: Memo<HashMap<BlockId, usize>>,
    pub edge_index: Memo<HashMap<EdgeId, usize>>,
    /// Ports with an outgoing edge, per block.
    pub connected: Memo<HashMap<BlockId, Vec<String>>>,
    /// (overview, ids): the blocks inside the viewport plus a margin, the only ones in the DOM;
    /// overview = too many of them or zoomed far out, so they are drawn as one path.
    pub render: Memo<(bool, Vec<BlockId>)>,
    pub space_held: StoredValue<bool>,
    /// Set between the release of a palette drag and the click it produces.
    pub click_guard: StoredValue<bool>,
    /// The parts loaded on demand, which run the menus' commands (`Editor::run`).
    parts: crate::on_demand::Parts,
}

impl Editor {
    pub fn new(initial: Workflow, lang: RwSignal<Lang>) -> Editor {
        let wf = RwSignal::new(initial);
        let (checks, findings) = checks::Checks::new(wf);
        let marks = Memo::new(move |_| {
            findings.with(|fs| {
                let mut m: HashMap<BlockId, Severity> = HashMap::new();
                for f in fs {
                    if let Some(b) = &f.element.block {
                        let e = m.entry(b.clone()).or_insert(f.severity);
                        *e = (*e).min(f.severity);
                    }
                }
                m
            })
        });
        let index = Memo::new(move |_| {
            wf.with(|w| {
                w.blocks
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (b.id.clone(), i))
                    .collect::<HashMap<_, _>>()
            })
        });
        let edge_index = Memo::new(move |_| {
            wf.with(|w| {
                w.edges
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.id.clone(), i))
                    .collect::<HashMap<_, _>>()
            })
        });
        let connected = Memo::new(move |_| {
            wf.with(|w| {
                let mut m: HashMap<BlockId, Vec<String>> = HashMap::new();
                for e in &w.edges {
                    m.entry(e.from.clone()).or_default().push(e.port.clone());
                }
                m
            })
        });
        let view = RwSignal::new(Viewport::default());
        let canvas_size = RwSignal::new((800.0, 600.0));
        // One memo for both: separate `visible` and `overview` memos form a diamond that
        // reactive_graph 0.2 resolves wrongly (a dependent then misses a change of `visible`).
        let render = Memo::new(move |_| {
            let v = view.get();
            let ids = visible_blocks(wf, v, canvas_size.get());
            (v.zoom < OVERVIEW_ZOOM || ids.len() > OVERVIEW_COUNT, ids)
        });
        Editor {
            wf,
            history: RwSignal::new(History::default()),
            lang,
            view,
            canvas_size,
            selection: RwSignal::new(BTreeSet::new()),
            sel_edge: RwSignal::new(None),
            drag: RwSignal::new(Drag::None),
            drag_ids: RwSignal::new(HashSet::new()),
            drag_delta: RwSignal::new((0, 0)),
            raw: RwSignal::new(HashMap::new()),
            announce: RwSignal::new(String::new()),
            settings_open: RwSignal::new(false),
            connect_open: RwSignal::new(false),
            import_report: RwSignal::new(None),
            engine_export: RwSignal::new(None),
            sim: probelauf::Sim::new(wf),
            server: RwSignal::new(ServerState::NotRun),
            findings,
            checks,
            marks,
            index,
            edge_index,
            connected,
            render,
            space_held: StoredValue::new(false),
            click_guard: StoredValue::new(false),
            parts: crate::on_demand::use_parts(),
        }
    }

    /// Runs a command of the views' module (copy, paste, the exports …), once it is there.
    pub fn run(self, command: commands::Command) {
        self.parts.run(self, command);
    }

    /// Saves the workflow as a server draft (`crate::server::save_draft`, in the views' module).
    pub async fn save_draft(
        self,
        srv: crate::server::Srv,
        force_new: bool,
    ) -> Option<crate::server::DraftRef> {
        self.parts.save_draft(srv, self, force_new).await
    }

    /// Saves the workflow and requests its publication (`crate::server::submit`, in the views'
    /// module).
    pub async fn submit(
        self,
        srv: crate::server::Srv,
        note: String,
    ) -> Result<String, crate::server::Outcome> {
        self.parts.submit(srv, self, note).await
    }

    /// A UI string in the current language (tracked: re-renders on a language switch).
    pub fn t(self, s: T) -> &'static str {
        s.get(self.lang.get())
    }

    pub fn say(self, s: T) {
        self.announce
            .set(s.get(self.lang.get_untracked()).to_string());
    }

    /// Applies an edit as one undo step. Returns false (and changes nothing) if it fails.
    pub fn apply(self, op: Op) -> bool {
        // The worker's copy takes the same op (only kept when it has one).
        let for_worker = self.checks.wants_edits().then(|| op.clone());
        let mut result = None;
        self.wf.maybe_update(|w| {
            let r = apply(w, op);
            let ok = r.is_ok();
            result = Some(r);
            ok
        });
        match result {
            Some(Ok(inverse)) => {
                self.checks.edited(for_worker);
                self.history.update(|h| h.push(Entry::Op(inverse)));
                true
            }
            Some(Err(e)) => {
                self.announce.set(e.to_string());
                false
            }
            None => false,
        }
    }

    /// Replaces the whole workflow (new/open) as one undo step.
    pub fn replace(self, w: Workflow) {
        let old = self.wf.get_untracked();
        self.checks.edited(None);
        self.wf.set(w);
        self.history
            .update(|h| h.push(Entry::Replace(Box::new(old))));
        self.selection.set(BTreeSet::new());
        self.sel_edge.set(None);
        self.raw.set(HashMap::new());
    }

    pub fn undo(self) {
        self.step(true);
    }

    pub fn redo(self) {
        self.step(false);
    }

    fn step(self, undo: bool) {
        // Take the stacks out instead of cloning them (they may hold whole workflows).
        let mut h = History::default();
        self.history.update_untracked(|x| std::mem::swap(x, &mut h));
        let mut result = Ok(None);
        self.wf.maybe_update(|w| {
            result = if undo { h.undo(w) } else { h.redo(w) };
            matches!(result, Ok(Some(_)))
        });
        self.history.set(h);
        match result {
            Ok(Some(change)) => {
                self.checks.edited(match change {
                    Change::Op(op) => Some(op),
                    Change::Whole => None,
                });
                self.prune_selection();
                self.say(if undo {
                    crate::i18n::MSG_UNDONE
                } else {
                    crate::i18n::MSG_REDONE
                });
            }
            Ok(None) => {}
            Err(e) => self.announce.set(e.to_string()),
        }
    }

    /// Drops selected ids that no longer exist (after undo, delete, …).
    pub fn prune_selection(self) {
        let (ids, edges) = self.wf.with_untracked(|w| {
            let ids: HashSet<BlockId> = w.blocks.iter().map(|b| b.id.clone()).collect();
            let edges: HashSet<EdgeId> = w.edges.iter().map(|e| e.id.clone()).collect();
            (ids, edges)
        });
        if self
            .selection
            .with_untracked(|s| s.iter().any(|id| !ids.contains(id)))
        {
            self.selection.update(|s| s.retain(|id| ids.contains(id)));
        }
        if self
            .sel_edge
            .with_untracked(|e| e.as_ref().is_some_and(|e| !edges.contains(e)))
        {
            self.sel_edge.set(None);
        }
    }

    pub fn select_only(self, id: BlockId) {
        self.selection.set(BTreeSet::from([id]));
        self.sel_edge.set(None);
    }

    pub fn clear_selection(self) {
        if self.selection.with_untracked(|s| !s.is_empty()) {
            self.selection.set(BTreeSet::new());
        }
        if self.sel_edge.with_untracked(Option::is_some) {
            self.sel_edge.set(None);
        }
    }

    /// The one selected block, if exactly one is selected.
    pub fn single_selected(self) -> Option<BlockId> {
        self.selection.with(|s| {
            if s.len() == 1 {
                s.iter().next().cloned()
            } else {
                None
            }
        })
    }

    /// Canvas coordinates of a point given in client (screen) coordinates.
    pub fn overview_untracked(self) -> bool {
        self.render.with_untracked(|r| r.0)
    }

    pub fn client_to_canvas(self, cx: f64, cy: f64) -> (f64, f64) {
        let (left, top) = canvas_origin();
        let v = self.view.get_untracked();
        ((cx - left - v.x) / v.zoom, (cy - top - v.y) / v.zoom)
    }
}

pub fn use_editor() -> Editor {
    expect_context::<Editor>()
}

/// Top-left corner of the canvas element in client coordinates.
pub fn canvas_origin() -> (f64, f64) {
    canvas_client_rect()
        .map(|r| (r.0, r.1))
        .unwrap_or((0.0, 0.0))
}

/// (left, top, width, height) of the canvas element.
pub fn canvas_client_rect() -> Option<(f64, f64, f64, f64)> {
    let el = document().get_element_by_id("canvas")?;
    let r = el.get_bounding_client_rect();
    Some((r.left(), r.top(), r.width(), r.height()))
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Runs `f`; in debug builds logs its duration when it is slow enough to be felt.
pub fn timed<R>(label: &str, f: impl FnOnce() -> R) -> R {
    if !cfg!(debug_assertions) {
        return f();
    }
    let t0 = now_ms();
    let r = f();
    let dt = now_ms() - t0;
    if dt > 50.0 {
        leptos::logging::log!("[timing] {label}: {dt:.0} ms");
    }
    r
}
