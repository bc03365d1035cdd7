//! The SVG canvas. Only blocks inside the viewport (plus a margin) are in the DOM; each block
//! and edge has its own memos so a change re-renders only what it touches.

use std::collections::HashSet;

use fachwerk_shared::catalog;
use fachwerk_shared::{BlockId, EdgeId, Point, Severity};
use leptos::prelude::*;

use super::{interact, use_editor, Drag};
use crate::i18n::{self, Lang};
use crate::pure::geometry::{
    block_rect, edge_path, port_offset, port_text, ports_of, visual_height, GRID,
};
use crate::pure::icons::block_icon;
use crate::pure::text_fit::{fit_lines, fit_text};

#[component]
pub fn Canvas() -> impl IntoView {
    let ed = use_editor();
    // Above a few hundred blocks in view, blocks are drawn as one path (see `overview`).
    let visible_edges = Memo::new(move |_| {
        ed.render.with(|(overview, vis)| {
            if *overview {
                return Vec::new();
            }
            let vis: HashSet<&BlockId> = vis.iter().collect();
            ed.wf.with(|w| {
                w.edges
                    .iter()
                    .filter(|e| vis.contains(&e.from) || vis.contains(&e.to))
                    .map(|e| e.id.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    let transform = move || {
        let v = ed.view.get();
        format!("translate({:.1} {:.1}) scale({:.4})", v.x, v.y, v.zoom)
    };
    let empty = move || ed.wf.with(|w| w.blocks.is_empty());

    view! {
        <svg
            id="canvas"
            xmlns="http://www.w3.org/2000/svg"
            tabindex="0"
            role="group"
            aria-label=move || ed.t(i18n::CANVAS_LABEL)
            aria-describedby="canvas-help"
            style:background-position=move || {
                let v = ed.view.get();
                format!("{:.1}px {:.1}px", v.x, v.y)
            }
            style:background-size=move || {
                let g = f64::from(GRID) * ed.view.get().zoom;
                format!("{g:.2}px {g:.2}px")
            }
            on:pointerdown=move |ev| interact::canvas_pointer_down(ed, ev)
            on:wheel=move |ev| interact::wheel(ed, ev)
        >
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"></path>
                </marker>
            </defs>
            <g class="viewport" transform=transform>
                <g class="edges">
                    <For each=move || visible_edges.get() key=|id| id.clone() let:id>
                        <EdgeView id=id />
                    </For>
                </g>
                <g class="blocks">
                    <For
                        each=move || ed.render.with(|(overview, ids)| if *overview { Vec::new() } else { ids.clone() })
                        key=|id| id.clone()
                        let:id
                    >
                        <BlockView id=id />
                    </For>
                </g>
                <super::overview::OverviewLayer />
                <Overlay />
            </g>
            {move || {
                empty()
                    .then(|| {
                        view! {
                            <text class="canvas-empty" x="50%" y="45%" text-anchor="middle" pointer-events="none">
                                {move || ed.t(i18n::PALETTE_HINT)}
                            </text>
                        }
                    })
            }}
        </svg>
    }
}

/// What a block shows, apart from its position.
#[derive(Debug, Clone, PartialEq)]
struct BlockContent {
    tag: &'static str,
    icon: &'static str,
    label: String,
    /// False when the label is only the type name; the type line is then left out.
    has_label: bool,
    type_de: &'static str,
    type_en: &'static str,
    width: i32,
    height: i32,
    /// (name, label de, label en, connected)
    ports: Vec<(String, String, String, bool)>,
}

#[component]
fn BlockView(id: BlockId) -> impl IntoView {
    let ed = use_editor();
    let content = Memo::new({
        let id = id.clone();
        move |_| {
            let i = ed.index.with(|m| m.get(&id).copied())?;
            ed.wf.with(|w| {
                let b = w.blocks.get(i)?;
                let r = block_rect(w, i, &b.id);
                let ports = ports_of(b);
                let info = catalog::info(b.block_type());
                let connected: Vec<String> = ed
                    .connected
                    .with(|c| c.get(&b.id).cloned().unwrap_or_default());
                Some(BlockContent {
                    tag: b.block_type().tag(),
                    icon: block_icon(b.block_type()),
                    label: w.block_label(&b.id),
                    has_label: !b.label.trim().is_empty(),
                    type_de: info.name_de,
                    type_en: info.name_en,
                    width: r.w,
                    height: visual_height(&r, ports.len()),
                    ports: ports
                        .into_iter()
                        .map(|p| {
                            let c = connected.contains(&p.name);
                            (p.name, p.label_de, p.label_en, c)
                        })
                        .collect(),
                })
            })
        }
    });
    let rect = Memo::new({
        let id = id.clone();
        move |_| {
            let i = ed.index.with(|m| m.get(&id).copied()).unwrap_or(0);
            ed.wf.with(|w| block_rect(w, i, &id))
        }
    });
    let dragged = Memo::new({
        let id = id.clone();
        move |_| ed.drag_ids.with(|s| s.contains(&id))
    });
    let pos = Memo::new(move |_| {
        let r = rect.get();
        let (dx, dy) = if dragged.get() {
            ed.drag_delta.get()
        } else {
            (0, 0)
        };
        (r.x + dx, r.y + dy)
    });
    let selected = Memo::new({
        let id = id.clone();
        move |_| ed.selection.with(|s| s.contains(&id))
    });
    let severity = Memo::new({
        let id = id.clone();
        move |_| ed.marks.with(|m| m.get(&id).copied())
    });
    // Probelauf: (current step, on the taken path).
    let sim = Memo::new({
        let id = id.clone();
        move |_| {
            ed.sim
                .marks
                .with(|m| (m.current.as_ref() == Some(&id), m.visited.contains(&id)))
        }
    });
    let c = move |f: fn(&BlockContent) -> String| {
        content.with(|c| c.as_ref().map(f).unwrap_or_default())
    };
    let num = move |f: fn(&BlockContent) -> i32| content.with(|c| c.as_ref().map_or(0, f));
    let lang = ed.lang;
    // The visible words; the block's accessible name is computed from them (name from
    // content), so what sighted and speech-input users see is what it is called (WCAG 2.5.3).
    let words = Memo::new(move |_| {
        let l = lang.get();
        content.with(|c| {
            let Some(c) = c else {
                return (String::new(), String::new(), Vec::new());
            };
            let type_name = if l == Lang::De { c.type_de } else { c.type_en };
            let (label, type_line) = if c.has_label {
                (c.label.clone(), type_name.to_string())
            } else {
                (type_name.to_string(), String::new())
            };
            let free = c
                .ports
                .iter()
                .filter(|p| !p.3)
                .map(|p| {
                    if l == Lang::De {
                        p.1.clone()
                    } else {
                        p.2.clone()
                    }
                })
                .collect();
            (label, type_line, free)
        })
    });
    let status = move || {
        let de = lang.get() == Lang::De;
        match severity.get() {
            Some(Severity::Error) => {
                if de {
                    ", hat Fehler"
                } else {
                    ", has errors"
                }
            }
            Some(Severity::Warning) => {
                if de {
                    ", hat Warnungen"
                } else {
                    ", has warnings"
                }
            }
            _ => "",
        }
    };
    let ports = move || {
        let l = lang.get();
        content.with(|c| {
            let Some(c) = c else { return Vec::new() };
            let n = c.ports.len();
            c.ports
                .iter()
                .enumerate()
                .map(|(i, (name, de, en, connected))| {
                    let y = port_offset(i, n, c.height);
                    let w = c.width;
                    // A connected exit is labelled on its edge instead.
                    let label = (!connected).then(|| {
                        let text = format!("{} ", if l == Lang::De { de } else { en });
                        view! {
                            <text class="port-label" x=w + 11 y=y - 5 pointer-events="none" aria-hidden="true">
                                {text}
                            </text>
                        }
                    });
                    view! {
                        <g class="port-group">
                            <circle class="port" class:connected=*connected data-port=name.clone() cx=w cy=y r="7"></circle>
                            {label}
                        </g>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let marker = move || {
        match severity.get() {
        Some(Severity::Error) => Some(
            view! { <text class="marker marker-error" x="-8" y="-4" pointer-events="none" aria-hidden="true">"!"</text> }
                .into_any(),
        ),
        Some(Severity::Warning) => Some(
            view! { <text class="marker marker-warning" x="-8" y="-4" pointer-events="none" aria-hidden="true">"⚠"</text> }
                .into_any(),
        ),
        _ => None,
    }
    };
    // The name is given explicitly (the drawn words are hidden from assistive technology:
    // text in nested <svg> clips is not read reliably); it says the visible words in their
    // order, so speech input can use what is seen (WCAG 2.5.3), then the state.
    let aria_label = move || {
        // The visible words in document order (shortened as drawn), the full name when it was
        // shortened, then the state.
        let (label, type_line, free) = words.get();
        let room = f64::from(num(|c| c.width - 40).max(20));
        let lines = if type_line.is_empty() { 2 } else { 1 };
        let (shown, cut) = fit_lines(&label, room, 13.0, lines);
        let (shown_type, type_cut) = fit_text(&type_line, room + 22.0, 11.0);
        let mut s = shown.join(" ");
        for w in std::iter::once(shown_type).chain(free) {
            if !w.is_empty() {
                s.push(' ');
                s.push_str(&w);
            }
        }
        if cut || type_cut {
            s.push_str(", ");
            s.push_str(&label);
            if !type_line.is_empty() {
                s.push(' ');
                s.push_str(&type_line);
            }
        }
        s.push_str(status());
        s
    };
    // Names too long for the block end in "…"; the full name is the block's tooltip (<title>)
    // and its accessible name. Each text ends in a space so the words stay apart where
    // checkers join the text nodes.
    let text_width = move || f64::from(num(|c| c.width - 40).max(20));
    // Without a type line (no own name) the name may take two lines.
    let shown_label = move || {
        words.with(|w| {
            let lines = if w.1.is_empty() { 2 } else { 1 };
            fit_lines(&w.0, text_width(), 13.0, lines)
                .0
                .into_iter()
                .enumerate()
                .map(|(i, l)| {
                    let dy = if i == 0 { "0" } else { "17" };
                    view! { <tspan x="32" dy=dy>{l + " "}</tspan> }
                })
                .collect::<Vec<_>>()
        })
    };
    let shown_type = move || {
        words.with(|w| {
            if w.1.is_empty() {
                String::new()
            } else {
                fit_text(&w.1, text_width() + 22.0, 11.0).0 + " "
            }
        })
    };

    view! {
        <g
            class="block"
            class:selected=move || selected.get()
            class:has-error=move || severity.get() == Some(Severity::Error)
            class:has-warning=move || severity.get() == Some(Severity::Warning)
            class:sim-current=move || sim.get().0
            class:sim-visited=move || sim.get().1
            data-block-id=id.0.clone()
            data-block-type=move || content.with(|c| c.as_ref().map(|c| c.tag).unwrap_or_default())
            transform=move || {
                let (x, y) = pos.get();
                format!("translate({x} {y})")
            }
            tabindex="0"
            role="button"
            aria-label=aria_label
            aria-pressed=move || selected.get().to_string()
        >
            <rect class="block-body" x="0" y="0" rx="6" width=move || num(|c| c.width) height=move || num(|c| c.height)></rect>
            <circle class="in-port" cx="0" cy=move || num(|c| c.height / 2) r="5" pointer-events="none"></circle>
            // The shortened words are drawn in a nested <svg>, which checkers do not read as the
            // block's content; the full name is the accessible name (and shown by the inspector
            // and the outline). A <title> tooltip would add its text to the block's content and
            // break WCAG 2.5.3's label-in-name check (axe, e2e accessibility).
            <path class="block-icon" transform="translate(10 10)" d=move || c(|c| c.icon.to_string()) pointer-events="none" aria-hidden="true"></path>
            <svg class="block-words" x="0" y="0" width=move || num(|c| c.width) height=move || num(|c| c.height) overflow="visible" aria-hidden="true">
                <text class="block-label" x="32" y="24" pointer-events="none">{shown_label}</text>
                <text class="block-type" x="10" y="44" pointer-events="none">{shown_type}</text>
            </svg>
            {ports}
            {marker}
        </g>
    }
}

/// Geometry of an edge in canvas coordinates.
#[derive(Debug, Clone, PartialEq)]
struct EdgeGeom {
    from: BlockId,
    to: BlockId,
    port: String,
    start: (i32, i32),
    end: (i32, i32),
    waypoints: Vec<Point>,
    label_de: String,
    label_en: String,
}

fn edge_geom(ed: super::Editor, id: &EdgeId) -> Option<EdgeGeom> {
    let ei = ed.edge_index.with(|m| m.get(id).copied())?;
    let (fi, ti) = ed.wf.with(|w| {
        let e = w.edges.get(ei)?;
        ed.index
            .with(|m| Some((m.get(&e.from).copied()?, m.get(&e.to).copied()?)))
    })?;
    ed.wf.with(|w| {
        let e = w.edges.get(ei)?;
        let (fb, tb) = (w.blocks.get(fi)?, w.blocks.get(ti)?);
        let fr = block_rect(w, fi, &fb.id);
        let tr = block_rect(w, ti, &tb.id);
        let fports = ports_of(fb);
        let th = visual_height(&tr, ports_of(tb).len());
        let fh = visual_height(&fr, fports.len());
        let pi = fports.iter().position(|p| p.name == e.port);
        let sy = match pi {
            Some(i) => port_offset(i, fports.len(), fh),
            None => fh / 2,
        };
        let (label_de, label_en) = match pi.and_then(|i| fports.get(i)) {
            Some(p) => (port_text(p, Lang::De), port_text(p, Lang::En)),
            None => (e.port.clone(), e.port.clone()),
        };
        Some(EdgeGeom {
            from: e.from.clone(),
            to: e.to.clone(),
            port: e.port.clone(),
            start: (fr.x + fr.w, fr.y + sy),
            end: (tr.x, tr.y + th / 2),
            waypoints: w.layout.edges.get(&e.id).cloned().unwrap_or_default(),
            label_de,
            label_en,
        })
    })
}

#[component]
fn EdgeView(id: EdgeId) -> impl IntoView {
    let ed = use_editor();
    let geom = Memo::new({
        let id = id.clone();
        move |_| {
            let mut g = edge_geom(ed, &id)?;
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
        }
    });
    let path = Memo::new(move |_| {
        geom.with(|g| g.as_ref().map(|g| edge_path(g.start, g.end, &g.waypoints)))
    });
    let d = move || {
        path.with(|p| {
            p.as_ref()
                .map_or_else(|| "M 0 0".to_string(), |p| p.0.clone())
        })
    };
    // The label sits at the exit, where the exit's own label was before it was connected: clear
    // of the source block and apart from the labels of other edges into the same target.
    let label_at = move || geom.with(|g| g.as_ref().map(|g| g.start).unwrap_or_default());
    let selected = Memo::new({
        let id = id.clone();
        move |_| ed.sel_edge.with(|s| s.as_ref() == Some(&id))
    });
    let taken = Memo::new({
        let id = id.clone();
        move |_| ed.sim.marks.with(|m| m.edges.contains(&id))
    });
    let label = move || {
        let l = ed.lang.get();
        geom.with(|g| {
            g.as_ref()
                .map(|g| {
                    if l == Lang::De {
                        g.label_de.clone()
                    } else {
                        g.label_en.clone()
                    }
                })
                .unwrap_or_default()
        })
    };
    let attr =
        move |f: fn(&EdgeGeom) -> String| geom.with(|g| g.as_ref().map(f).unwrap_or_default());
    view! {
        <g
            class="edge"
            class:selected=move || selected.get()
            class:sim-taken=move || taken.get()
            data-edge-id=id.0.clone()
            data-from=move || attr(|g| g.from.0.clone())
            data-to=move || attr(|g| g.to.0.clone())
            data-port=move || attr(|g| g.port.clone())
        >
            <path class="edge-hit" d=d></path>
            <path class="edge-line" d=d marker-end="url(#arrow)"></path>
            <text class="edge-label" x=move || label_at().0 + 10 y=move || label_at().1 - 5 pointer-events="none">
                {label}
            </text>
        </g>
    }
}

/// Transient drawing of the current gesture: connection line, rubber band.
#[component]
fn Overlay() -> impl IntoView {
    let ed = use_editor();
    move || {
        ed.drag.with(|d| match d {
            Drag::Connect { start, cur, .. } => {
                let d = format!("M {:.0} {:.0} L {:.0} {:.0}", start.0, start.1, cur.0, cur.1);
                Some(view! { <path class="connect-preview" d=d pointer-events="none"></path> }.into_any())
            }
            Drag::Rubber { start, cur, .. } => {
                let (x, y) = (start.0.min(cur.0), start.1.min(cur.1));
                let (w, h) = ((start.0 - cur.0).abs(), (start.1 - cur.1).abs());
                Some(
                    view! { <rect class="rubber-band" x=x y=y width=w height=h pointer-events="none"></rect> }
                        .into_any(),
                )
            }
            _ => None,
        })
    }
}
