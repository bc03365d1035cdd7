//! Minimap: all blocks as one SVG path (one DOM node even for thousands of blocks) and the
//! visible area as a frame; pressing or dragging in it moves the view there.

use std::fmt::Write as _;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{use_editor, Drag, Editor};
use crate::i18n;
use crate::pure::geometry::{block_rect, bounds};

const MW: f64 = 200.0;
const MH: f64 = 130.0;
const MARGIN: f64 = 200.0;

/// The part of the canvas (x, y, w, h) the minimap shows.
fn world(ed: Editor, tracked: bool) -> (f64, f64, f64, f64) {
    let b = if tracked {
        ed.wf.with(bounds)
    } else {
        ed.wf.with_untracked(bounds)
    };
    let (x0, y0, x1, y1) = b.unwrap_or((0, 0, 800, 600));
    (
        f64::from(x0) - MARGIN,
        f64::from(y0) - MARGIN,
        f64::from(x1 - x0) + 2.0 * MARGIN,
        f64::from(y1 - y0) + 2.0 * MARGIN,
    )
}

/// Centres the main view on the canvas point under a client position in the minimap.
pub fn center_at_client(ed: Editor, client: (f64, f64)) {
    let Some(el) = document().get_element_by_id("minimap") else {
        return;
    };
    let r = el.get_bounding_client_rect();
    let (x0, y0, w, h) = world(ed, false);
    // preserveAspectRatio="xMidYMid meet"
    let s = (r.width() / w).min(r.height() / h);
    let ox = (r.width() - w * s) / 2.0;
    let oy = (r.height() - h * s) / 2.0;
    let cx = x0 + (client.0 - r.left() - ox) / s;
    let cy = y0 + (client.1 - r.top() - oy) / s;
    let (vw, vh) = ed.canvas_size.get_untracked();
    ed.view.update(|v| {
        v.x = vw / 2.0 - cx * v.zoom;
        v.y = vh / 2.0 - cy * v.zoom;
    });
}

#[component]
pub fn Minimap() -> impl IntoView {
    let ed = use_editor();
    let path = Memo::new(move |_| {
        ed.wf.with(|w| {
            let mut d = String::with_capacity(w.blocks.len() * 28);
            for (i, b) in w.blocks.iter().enumerate() {
                let r = block_rect(w, i, &b.id);
                let _ = write!(d, "M{} {}h{}v{}h{}z", r.x, r.y, r.w, r.h, -r.w);
            }
            d
        })
    });
    let view_box = move || {
        let (x, y, w, h) = world(ed, true);
        format!("{x:.0} {y:.0} {w:.0} {h:.0}")
    };
    let frame = move || {
        let v = ed.view.get();
        let (vw, vh) = ed.canvas_size.get();
        (-v.x / v.zoom, -v.y / v.zoom, vw / v.zoom, vh / v.zoom)
    };
    let stroke = move || {
        let (_, _, w, h) = world(ed, true);
        format!("{:.1}", (w / MW).max(h / MH) * 1.5)
    };
    view! {
        <svg
            id="minimap"
            xmlns="http://www.w3.org/2000/svg"
            width=MW
            height=MH
            viewBox=view_box
            preserveAspectRatio="xMidYMid meet"
            aria-hidden="true"
            data-label=move || ed.t(i18n::MINIMAP)
            on:pointerdown=move |ev| {
                if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    let _ = t.set_pointer_capture(ev.pointer_id());
                }
                ev.prevent_default();
                ed.drag.set(Drag::Minimap);
                center_at_client(ed, (f64::from(ev.client_x()), f64::from(ev.client_y())));
            }
        >
            <path class="minimap-blocks" d=move || path.get()></path>
            <rect
                class="minimap-frame"
                x=move || frame().0
                y=move || frame().1
                width=move || frame().2
                height=move || frame().3
                stroke-width=stroke
            ></rect>
        </svg>
    }
}
