//! The SVG canvas. Only blocks inside the viewport (plus a margin) are in the DOM; each block
//! and edge has its own memos so a change re-renders only what it touches. Layers, bottom up:
//! connection lines, blocks, connection labels (focusable, `edges`), the gesture overlay; the
//! tooltip with a shortened name's whole text is HTML beside the SVG (`tooltip`).

use std::collections::{HashMap, HashSet};

use fachwerk_shared::catalog;
use fachwerk_shared::{BlockId, Severity};
use leptos::prelude::*;

use super::edges::{geometries, EdgeFront, EdgeLine, Layers};
use super::tooltip::{CanvasTip, Tip};
use super::{interact, use_editor, Drag};
use crate::i18n::{self, Lang};
use crate::pure::geometry::{block_rect, port_offset, ports_of, visual_height, GRID};
use crate::pure::icons::block_icon;
use crate::pure::labels::{exit_labels, Placed};
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
    let layers = Layers {
        geoms: geometries(ed, visible_edges),
        labels: Memo::new(move |_| {
            let lang = ed.lang.get();
            ed.render.with(|(overview, ids)| {
                if *overview {
                    HashMap::new()
                } else {
                    ed.wf.with(|w| exit_labels(w, ids, lang))
                }
            })
        }),
    };
    let tip = RwSignal::new(None::<Tip>);
    let transform = move || {
        let v = ed.view.get();
        format!("translate({:.1} {:.1}) scale({:.4})", v.x, v.y, v.zoom)
    };
    let empty = move || ed.wf.with(|w| w.blocks.is_empty());
    let blocks = move || {
        ed.render
            .with(|(overview, ids)| if *overview { Vec::new() } else { ids.clone() })
    };

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
                        <EdgeLine id=id layers=layers />
                    </For>
                </g>
                <g class="blocks">
                    <For each=blocks key=|id| id.clone() let:id>
                        <BlockView id=id layers=layers tip=tip />
                    </For>
                </g>
                <g class="edge-labels">
                    <For each=move || visible_edges.get() key=|id| id.clone() let:id>
                        <EdgeFront id=id layers=layers />
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
        <CanvasTip tip=tip />
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
fn BlockView(id: BlockId, layers: Layers, tip: RwSignal<Option<Tip>>) -> impl IntoView {
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
                return (String::new(), String::new());
            };
            let type_name = if l == Lang::De { c.type_de } else { c.type_en };
            if c.has_label {
                (c.label.clone(), type_name.to_string())
            } else {
                (type_name.to_string(), String::new())
            }
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
    // Where this block's exit labels go (`pure::labels`); a block outside the drawn set, or
    // before the placement ran, puts them plainly beside their exits.
    let placed = Memo::new({
        let id = id.clone();
        move |_| layers.labels.with(|m| m.get(&id).cloned())
    });
    let ports = move || {
        let l = lang.get();
        content.with(|c| {
            let Some(c) = c else { return Vec::new() };
            let n = c.ports.len();
            let at = placed.get().unwrap_or_default();
            c.ports
                .iter()
                .enumerate()
                .map(|(i, (name, de, en, connected))| {
                    let y = port_offset(i, n, c.height);
                    let w = c.width;
                    // A connected exit is labelled on its edge instead.
                    let label = (!connected).then(|| {
                        let p = at
                            .get(i)
                            .cloned()
                            .unwrap_or_else(|| Placed::plain(if l == Lang::De { de } else { en }));
                        view! {
                            <text class="port-label" x=w + p.dx y=y + p.dy pointer-events="none" aria-hidden="true">
                                {p.text + " "}
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
    // The words as drawn: the name in one or two lines (two without a type line, i.e. no own
    // name), the type line, each shortened with "…" to the block's width; and whether anything
    // was shortened (then the tooltip shows the whole name).
    let drawn = Memo::new(move |_| {
        let (label, type_line) = words.get();
        let room = f64::from(num(|c| c.width - 40).max(20));
        let lines = if type_line.is_empty() { 2 } else { 1 };
        let (shown, cut) = fit_lines(&label, room, 13.0, lines);
        let (shown_type, type_cut) = fit_text(&type_line, room + 22.0, 11.0);
        (shown, shown_type, cut || type_cut)
    });
    // The whole words of the exit labels drawn shortened (open exits here, connected ones on
    // their connection): the tooltip and the block's name say them in full.
    let cut_exits = Memo::new(move |_| {
        let l = lang.get();
        let at = placed.get().unwrap_or_default();
        content.with(|c| {
            c.iter()
                .flat_map(|c| c.ports.iter())
                .zip(&at)
                .filter(|(_, p)| p.cut)
                .map(|((_, de, en, _), _)| {
                    if l == Lang::De {
                        de.clone()
                    } else {
                        en.clone()
                    }
                })
                .collect::<Vec<String>>()
        })
    });
    // The name is given explicitly (the drawn words are hidden from assistive technology:
    // text in nested <svg> clips is not read reliably); it says the visible words in their
    // order, so speech input can use what is seen (WCAG 2.5.3), the whole name when it was
    // shortened, then the state.
    let aria_label = move || {
        let (label, type_line) = words.get();
        let (shown, shown_type, cut) = drawn.get();
        let free: Vec<String> = content.with(|c| {
            let at = placed.get().unwrap_or_default();
            c.iter()
                .flat_map(|c| c.ports.iter().enumerate())
                .filter(|(_, p)| !p.3)
                .map(|(i, p)| {
                    at.get(i).map_or_else(
                        || {
                            if lang.get() == Lang::De {
                                p.1.clone()
                            } else {
                                p.2.clone()
                            }
                        },
                        |x| x.text.clone(),
                    )
                })
                .collect()
        });
        let mut s = shown.join(" ");
        for w in std::iter::once(shown_type).chain(free) {
            if !w.is_empty() {
                s.push(' ');
                s.push_str(&w);
            }
        }
        if cut {
            s.push_str(", ");
            s.push_str(&label);
            if !type_line.is_empty() {
                s.push(' ');
                s.push_str(&type_line);
            }
        }
        cut_exits.with(|exits| {
            if !exits.is_empty() {
                s.push_str(", ");
                s.push_str(ed.t(i18n::EXITS));
                s.push(' ');
                s.push_str(&exits.join(", "));
            }
        });
        s.push_str(status());
        s
    };
    // Names too long for the block end in "…"; the whole name is the block's accessible name
    // and its tooltip on hover and focus. Each text ends in a space so the words stay apart
    // where checkers join the text nodes.
    let shown_label = move || {
        drawn.with(|d| {
            d.0.iter()
                .enumerate()
                .map(|(i, l)| {
                    let dy = if i == 0 { "0" } else { "17" };
                    view! { <tspan x="32" dy=dy>{l.clone() + " "}</tspan> }
                })
                .collect::<Vec<_>>()
        })
    };
    let shown_type = move || {
        drawn.with(|d| {
            if d.1.is_empty() {
                String::new()
            } else {
                d.1.clone() + " "
            }
        })
    };
    // The tooltip: only when something was shortened, the name or an exit's label.
    let show_tip = {
        let id = id.clone();
        move || {
            let shortened = drawn.with(|d| d.2) || cut_exits.with(|e| !e.is_empty());
            if shortened && ed.drag.with_untracked(|d| *d == Drag::None) {
                let (label, type_line) = words.get_untracked();
                tip.set(Some(Tip {
                    block: id.clone(),
                    label,
                    type_line,
                    exits: cut_exits.get_untracked(),
                }));
            }
        }
    };
    let hide_tip = {
        let id = id.clone();
        move || {
            if tip.with_untracked(|t| t.as_ref().is_some_and(|t| t.block == id)) {
                tip.set(None);
            }
        }
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
            on:pointerenter={
                let show = show_tip.clone();
                move |_| show()
            }
            on:pointerleave={
                let hide = hide_tip.clone();
                move |ev| {
                    // Moving onto the tooltip keeps it (WCAG 1.4.13: hoverable).
                    if !super::tooltip::entering_tip(&ev) {
                        hide();
                    }
                }
            }
            on:pointerdown={
                let hide = hide_tip.clone();
                move |_| hide()
            }
            on:focus={
                let show = show_tip.clone();
                move |_| show()
            }
            on:blur={
                let hide = hide_tip.clone();
                move |_| hide()
            }
            on:keydown=move |ev| {
                // Escape dismisses the tooltip (WCAG 1.4.13).
                if ev.key() == "Escape" {
                    hide_tip();
                }
            }
        >
            // The focus ring is drawn apart from the body, so an error's or a selection's
            // outline and the focus show together (WCAG 2.4.7).
            <rect class="focus-ring" x="-6" y="-6" rx="9" width=move || num(|c| c.width + 12) height=move || num(|c| c.height + 12)></rect>
            <rect class="block-body" x="0" y="0" rx="6" width=move || num(|c| c.width) height=move || num(|c| c.height)></rect>
            <circle class="in-port" cx="0" cy=move || num(|c| c.height / 2) r="5" pointer-events="none"></circle>
            // The shortened words are drawn in a nested <svg>, which checkers do not read as the
            // block's content; the full name is the accessible name (and shown by the tooltip,
            // the inspector and the outline). A <title> tooltip would add its text to the
            // block's content and break WCAG 2.5.3's label-in-name check (axe).
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
