//! One pane of the review screen: a read-only SVG drawing of a scene pane, with pan and zoom
//! on the viewport that all panes share.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::Lang;
use crate::pure::geometry::Viewport;
use crate::pure::review_scene::{bounds, changed_bounds, Pane, Scene};

/// Size of the (newer) review canvas in screen pixels.
pub(super) fn pane_size() -> (f64, f64) {
    document()
        .get_element_by_id("rv-canvas-new")
        .map(|e| {
            let r = e.get_bounding_client_rect();
            (r.width(), r.height())
        })
        .unwrap_or((800.0, 600.0))
}

/// "Einpassen" for the review: every shape of every pane in view.
pub(crate) fn fit(vp: RwSignal<Viewport>, s: &Scene) {
    vp.set(bounds(s).map_or_else(Viewport::default, |b| {
        Viewport::fitting(b, pane_size(), (0.1, 1.5))
    }));
}

/// The first view: side by side, each pane shows the changed region (the shared viewport keeps
/// both in step); otherwise the whole drawing.
pub(super) fn fit_first(vp: RwSignal<Viewport>, s: &Scene) {
    match changed_bounds(s).filter(|_| s.panes.len() == 2) {
        Some(b) => vp.set(Viewport::fitting(b, pane_size(), (0.1, 1.0))),
        None => fit(vp, s),
    }
}

pub(super) fn zoom_by(vp: RwSignal<Viewport>, factor: f64, at: (f64, f64)) {
    vp.update(|v| *v = v.zoomed(factor, at, (0.1, 4.0)));
}

/// Pointer gesture on a review canvas: (client start, viewport at start, captured).
type Pan = Option<((f64, f64), Viewport, bool)>;

/// One read-only drawing of the review, panned and zoomed with the shared viewport.
pub(crate) fn pane_view(
    ui_lang: RwSignal<Lang>,
    p: Pane,
    vp: RwSignal<Viewport>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let pan = StoredValue::new(None as Pan);
    let transform = move || {
        let v = vp.get();
        format!("translate({:.1} {:.1}) scale({:.4})", v.x, v.y, v.zoom)
    };
    // Connections are named by their label, ends and change (the drawn text is hidden from
    // assistive technology: the name says it).
    let lines = p
        .lines
        .iter()
        .map(|l| {
            let name = {
                let l = l.clone();
                move || l.name(ui_lang.get())
            };
            view! {
                <g class=format!("edge rv-edge {}", l.class) data-edge-id=l.id.clone() role="img" aria-label=name>
                    <path class="edge-line" d=l.d.clone() marker-end="url(#rv-arrow)"></path>
                    <text class="edge-label" x=l.at.0 y=l.at.1 pointer-events="none" aria-hidden="true">{l.label.clone()}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let shapes = p
        .shapes
        .iter()
        .map(|b| {
            let id = b.id.clone();
            let id2 = b.id.clone();
            let is_sel = move || selected.get().as_deref() == Some(id2.as_str());
            let name = {
                let b = b.clone();
                move || b.name(ui_lang.get())
            };
            let ports = b
                .ports
                .iter()
                .map(|(y, _)| view! { <circle class="port" cx=b.w cy=*y r="6" pointer-events="none"></circle> })
                .collect::<Vec<_>>();
            let (label, type_line) = b.words();
            view! {
                <g
                    class=format!("block rv-block {}", b.class)
                    class:rv-selected=is_sel.clone()
                    class:selected=is_sel
                    data-block-id=b.id.clone()
                    data-state=b.state
                    transform=format!("translate({} {})", b.x, b.y)
                    tabindex="0"
                    role="button"
                    aria-label=name
                    on:click={
                        let id = id.clone();
                        move |_| selected.set(Some(id.clone()))
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            selected.set(Some(id.clone()));
                        }
                    }
                >
                    // The focus ring is drawn apart from the body, so the colour of a change
                    // and the focus show together (WCAG 2.4.7).
                    <rect class="focus-ring" x="-6" y="-6" rx="9" width=b.w + 12 height=b.h + 12></rect>
                    <rect class="block-body" x="0" y="0" rx="6" width=b.w height=b.h></rect>
                    <svg class="block-words" x="0" y="0" width=b.w height=b.h overflow="visible" aria-hidden="true">
                        <path class="block-icon" transform="translate(10 10)" d=b.icon pointer-events="none"></path>
                        <text class="block-label" x="32" y="24" pointer-events="none">{label}</text>
                        <text class="block-type" x="10" y="44" pointer-events="none">{type_line}</text>
                        {ports}
                    </svg>
                </g>
            }
        })
        .collect::<Vec<_>>();
    // Change counts in a layer above the blocks, outside their focusable elements: checkers
    // compare a control's drawn text with its name (WCAG 2.5.3), and the name says the count.
    let badges = p
        .shapes
        .iter()
        .filter(|b| b.badge > 0)
        .map(|b| {
            view! {
                <g class="rv-badge" data-badge-for=b.id.clone() transform=format!("translate({} {})", b.x + b.w, b.y) aria-hidden="true">
                    <circle cx="0" cy="0" r="11"></circle>
                    <text x="0" y="4" text-anchor="middle" pointer-events="none">{b.badge}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let local = |ev: &web_sys::MouseEvent| -> (f64, f64) {
        ev.current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| {
                let r = el.get_bounding_client_rect();
                (
                    f64::from(ev.client_x()) - r.left(),
                    f64::from(ev.client_y()) - r.top(),
                )
            })
            .unwrap_or_default()
    };
    view! {
        <div class="rv-pane">
            <p class="rv-pane-label">{move || p.label.get(ui_lang.get())}</p>
            <svg
                id=p.id
                class="rv-canvas"
                xmlns="http://www.w3.org/2000/svg"
                tabindex="0"
                role="group"
                aria-label=move || p.label.get(ui_lang.get())
                aria-describedby="rv-help"
                on:pointerdown=move |ev| {
                    if ev.button() == 0 {
                        pan.set_value(Some(((f64::from(ev.client_x()), f64::from(ev.client_y())), vp.get_untracked(), false)));
                    }
                }
                on:pointermove=move |ev| {
                    let Some((start, origin, captured)) = pan.get_value() else { return };
                    let (dx, dy) = (f64::from(ev.client_x()) - start.0, f64::from(ev.client_y()) - start.1);
                    if !captured && dx.abs() + dy.abs() < 4.0 {
                        return;
                    }
                    if !captured {
                        if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                            let _ = el.set_pointer_capture(ev.pointer_id());
                        }
                        pan.set_value(Some((start, origin, true)));
                    }
                    vp.set(Viewport { x: origin.x + dx, y: origin.y + dy, zoom: origin.zoom });
                }
                on:pointerup=move |_| pan.set_value(None)
                on:pointercancel=move |_| pan.set_value(None)
                on:wheel=move |ev| {
                    ev.prevent_default();
                    let at = local(&ev);
                    zoom_by(vp, if ev.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 }, at);
                }
                on:keydown=move |ev| {
                    let step = 40.0;
                    let (w, h) = pane_size();
                    let handled = match ev.key().as_str() {
                        "ArrowLeft" => { vp.update(|v| v.x += step); true }
                        "ArrowRight" => { vp.update(|v| v.x -= step); true }
                        "ArrowUp" => { vp.update(|v| v.y += step); true }
                        "ArrowDown" => { vp.update(|v| v.y -= step); true }
                        "+" | "=" => { zoom_by(vp, 1.2, (w / 2.0, h / 2.0)); true }
                        "-" => { zoom_by(vp, 1.0 / 1.2, (w / 2.0, h / 2.0)); true }
                        _ => false,
                    };
                    if handled {
                        ev.prevent_default();
                    }
                }
            >
                <defs>
                    <marker id="rv-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"></path>
                    </marker>
                </defs>
                <g class="viewport" transform=transform>
                    <g class="edges">{lines}</g>
                    <g class="blocks">{shapes}</g>
                    <g class="badges" pointer-events="none">{badges}</g>
                </g>
            </svg>
        </div>
    }
}
