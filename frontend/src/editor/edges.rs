//! Connections on the canvas, drawn in two layers: the line under the blocks (with a wide
//! invisible path that takes clicks), and above the blocks the label and the connection as a
//! focusable element, so Tab reaches the connections after the blocks (issue 25, item 7) and
//! labels are never hidden under a block. Where a label goes is decided once for all drawn
//! exits (`crate::pure::labels`).

use std::collections::HashMap;

use fachwerk_shared::catalog;
use fachwerk_shared::{Block, BlockId, EdgeId, Point};
use leptos::prelude::*;

use super::{use_editor, Editor};
use crate::i18n::Lang;
use crate::pure::geometry::{
    block_rect, edge_path, port_offset, port_text, ports_of, visual_height,
};
use crate::pure::labels::{connection_name, Placed};

/// Geometry and names of a connection, in canvas coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeGeom {
    pub from: BlockId,
    pub to: BlockId,
    pub port: String,
    /// Index of the port among its block's exits (its label's place is kept per exit).
    port_index: usize,
    pub start: (i32, i32),
    pub end: (i32, i32),
    waypoints: Vec<Point>,
    /// (German, English) of the exit's label and of the two blocks' names.
    exit: (String, String),
    from_name: (String, String),
    to_name: (String, String),
}

/// A block's name in both languages: its own, else its type's.
fn names(b: &Block) -> (String, String) {
    if b.label.trim().is_empty() {
        let info = catalog::info(b.block_type());
        (info.name_de.to_string(), info.name_en.to_string())
    } else {
        (b.label.clone(), b.label.clone())
    }
}

fn pick(pair: &(String, String), lang: Lang) -> &str {
    if lang == Lang::De {
        &pair.0
    } else {
        &pair.1
    }
}

fn edge_geom(ed: Editor, id: &EdgeId) -> Option<EdgeGeom> {
    let ei = ed.edge_index.with(|m| m.get(id).copied())?;
    ed.wf.with(|w| {
        let e = w.edges.get(ei)?;
        let (fi, ti) = ed
            .index
            .with(|m| Some((m.get(&e.from).copied()?, m.get(&e.to).copied()?)))?;
        let (fb, tb) = (w.blocks.get(fi)?, w.blocks.get(ti)?);
        let fr = block_rect(w, fi, &fb.id);
        let tr = block_rect(w, ti, &tb.id);
        let fports = ports_of(fb);
        let th = visual_height(&tr, ports_of(tb).len());
        let fh = visual_height(&fr, fports.len());
        let pi = fports.iter().position(|p| p.name == e.port);
        let sy = pi.map_or(fh / 2, |i| port_offset(i, fports.len(), fh));
        let exit = match pi.and_then(|i| fports.get(i)) {
            Some(p) => (port_text(p, Lang::De), port_text(p, Lang::En)),
            None => (e.port.clone(), e.port.clone()),
        };
        Some(EdgeGeom {
            from: e.from.clone(),
            to: e.to.clone(),
            port: e.port.clone(),
            port_index: pi.unwrap_or(usize::MAX),
            start: (fr.x + fr.w, fr.y + sy),
            end: (tr.x, tr.y + th / 2),
            waypoints: w.layout.edges.get(&e.id).cloned().unwrap_or_default(),
            exit,
            from_name: names(fb),
            to_name: names(tb),
        })
    })
}

/// The geometry of every drawn connection, computed once per change of the workflow.
pub fn geometries(ed: Editor, ids: Memo<Vec<EdgeId>>) -> Memo<HashMap<EdgeId, EdgeGeom>> {
    Memo::new(move |_| {
        ids.with(|ids| {
            ids.iter()
                .filter_map(|id| Some((id.clone(), edge_geom(ed, id)?)))
                .collect()
        })
    })
}

/// Where the labels of the drawn exits go (per block, per exit).
#[derive(Clone, Copy)]
pub struct Layers {
    pub geoms: Memo<HashMap<EdgeId, EdgeGeom>>,
    pub labels: Memo<HashMap<BlockId, Vec<Placed>>>,
}

/// One connection's geometry, moved with its blocks while they are dragged.
fn live_geom(ed: Editor, layers: Layers, id: EdgeId) -> Memo<Option<EdgeGeom>> {
    Memo::new(move |_| {
        let mut g = layers.geoms.with(|m| m.get(&id).cloned())?;
        let (fd, td) = ed
            .drag_ids
            .with(|s| (s.contains(&g.from), s.contains(&g.to)));
        if fd || td {
            let (dx, dy) = ed.drag_delta.get();
            if fd {
                g.start = (g.start.0 + dx, g.start.1 + dy);
            }
            if td {
                g.end = (g.end.0 + dx, g.end.1 + dy);
            }
        }
        Some(g)
    })
}

fn path_of(g: &Option<EdgeGeom>) -> String {
    g.as_ref().map_or_else(
        || "M 0 0".to_string(),
        |g| edge_path(g.start, g.end, &g.waypoints).0,
    )
}

/// The line of a connection, under the blocks; its wide invisible twin takes the clicks.
#[component]
pub fn EdgeLine(id: EdgeId, layers: Layers) -> impl IntoView {
    let ed = use_editor();
    let geom = live_geom(ed, layers, id.clone());
    let d = Memo::new(move |_| geom.with(path_of));
    let selected = Memo::new({
        let id = id.clone();
        move |_| ed.sel_edge.with(|s| s.as_ref() == Some(&id))
    });
    let taken = Memo::new({
        let id = id.clone();
        move |_| ed.sim.marks.with(|m| m.edges.contains(&id))
    });
    view! {
        <g class="edge-back" class:selected=move || selected.get() class:sim-taken=move || taken.get() data-edge-id=id.0.clone()>
            <path class="edge-hit" d=move || d.get()></path>
            <path class="edge-line" d=move || d.get() marker-end="url(#arrow)"></path>
        </g>
    }
}

/// The label and the focusable connection, over the blocks: Enter or Space selects it, Delete
/// removes it (`interact::key_down`); its name says where it leads.
#[component]
pub fn EdgeFront(id: EdgeId, layers: Layers) -> impl IntoView {
    let ed = use_editor();
    let geom = live_geom(ed, layers, id.clone());
    let d = Memo::new(move |_| geom.with(path_of));
    // The label's place beside its exit, else the plain one.
    let label = Memo::new(move |_| {
        let lang = ed.lang.get();
        let g = geom.get()?;
        let placed = layers
            .labels
            .with(|m| m.get(&g.from).and_then(|v| v.get(g.port_index)).cloned())
            .unwrap_or_else(|| Placed::plain(pick(&g.exit, lang)));
        let name = connection_name(
            &placed.text,
            pick(&g.from_name, lang),
            pick(&g.exit, lang),
            pick(&g.to_name, lang),
            lang,
        );
        Some((
            g.start.0 + placed.dx,
            g.start.1 + placed.dy,
            placed.text,
            name,
        ))
    });
    let selected = Memo::new({
        let id = id.clone();
        move |_| ed.sel_edge.with(|s| s.as_ref() == Some(&id))
    });
    let taken = Memo::new({
        let id = id.clone();
        move |_| ed.sim.marks.with(|m| m.edges.contains(&id))
    });
    let attr =
        move |f: fn(&EdgeGeom) -> String| geom.with(|g| g.as_ref().map(f).unwrap_or_default());
    let part = move |f: fn(&(i32, i32, String, String)) -> String| {
        label.with(|l| l.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <g
            class="edge"
            class:selected=move || selected.get()
            class:sim-taken=move || taken.get()
            data-edge-id=id.0.clone()
            data-from=move || attr(|g| g.from.0.clone())
            data-to=move || attr(|g| g.to.0.clone())
            data-port=move || attr(|g| g.port.clone())
            tabindex="0"
            role="button"
            aria-label=move || part(|l| l.3.clone())
            aria-pressed=move || selected.get().to_string()
        >
            <path class="edge-focus" d=move || d.get() pointer-events="none"></path>
            <text class="edge-label" x=move || part(|l| l.0.to_string()) y=move || part(|l| l.1.to_string()) pointer-events="none">
                {move || part(|l| l.2.clone())}
            </text>
        </g>
    }
}
