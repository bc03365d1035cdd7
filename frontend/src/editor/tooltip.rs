//! The whole name of a block whose name or exit labels are shortened on the canvas, shown
//! above it while the pointer is over it or it has the focus (issue 14 item 8; WCAG 1.4.13: it
//! stays while the pointer moves onto it, Escape dismisses it), with the whole words of its
//! shortened exit labels. HTML beside the SVG, so it is never clipped by a block and wraps
//! long names. Assistive technology hears the whole words already (the block's accessible
//! name), so the tooltip is hidden from it.

use fachwerk_shared::BlockId;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::use_editor;
use crate::i18n;
use crate::pure::geometry::{block_rect, ports_of, visual_height};

/// The block whose name the tooltip shows, with its whole name and type line, and the whole
/// labels of its exits that are drawn shortened.
#[derive(Debug, Clone, PartialEq)]
pub struct Tip {
    pub block: BlockId,
    pub label: String,
    pub type_line: String,
    pub exits: Vec<String>,
}

const TIP_ID: &str = "canvas-tip";
/// Below this distance from the canvas's top (screen px) the tooltip goes under the block.
const ROOM_ABOVE: f64 = 56.0;

/// True when a pointer leaving a block moves onto the tooltip.
pub fn entering_tip(ev: &web_sys::PointerEvent) -> bool {
    ev.related_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(&format!("#{TIP_ID}")).ok().flatten())
        .is_some()
}

/// True when a pointer leaving the tooltip moves back onto its block.
fn entering_block(ev: &web_sys::PointerEvent, block: &BlockId) -> bool {
    ev.related_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("g.block").ok().flatten())
        .and_then(|g| g.get_attribute("data-block-id"))
        .is_some_and(|id| id == block.0)
}

#[component]
pub fn CanvasTip(tip: RwSignal<Option<Tip>>) -> impl IntoView {
    let ed = use_editor();
    // (left, top, above) in screen pixels relative to the canvas.
    let place = Memo::new(move |_| {
        let block = tip.with(|t| t.as_ref().map(|t| t.block.clone()))?;
        let v = ed.view.get();
        let (r, h) = ed.wf.with(|w| {
            let i = w.blocks.iter().position(|b| b.id == block)?;
            let r = block_rect(w, i, &block);
            Some((r, visual_height(&r, ports_of(&w.blocks[i]).len())))
        })?;
        let left = f64::from(r.x) * v.zoom + v.x;
        let top = f64::from(r.y) * v.zoom + v.y;
        if top >= ROOM_ABOVE {
            Some((left, top, true))
        } else {
            Some((left, f64::from(r.y + h) * v.zoom + v.y, false))
        }
    });
    let style = move || {
        place.get().map_or_else(String::new, |(left, top, above)| {
            let shift = if above { "translateY(-100%)" } else { "none" };
            format!("left:{left:.0}px;top:{top:.0}px;transform:{shift}")
        })
    };
    let text = move |f: fn(&Tip) -> String| tip.with(|t| t.as_ref().map(f).unwrap_or_default());
    let exits = move || {
        let exits = text(|t| t.exits.join(", "));
        if exits.is_empty() {
            exits
        } else {
            format!("{} {exits}", ed.t(i18n::EXITS))
        }
    };
    view! {
        <div
            id=TIP_ID
            class="canvas-tip"
            aria-hidden="true"
            hidden=move || place.with(Option::is_none)
            style=style
            on:pointerleave=move |ev| {
                let back = tip.with_untracked(|t| t.as_ref().is_some_and(|t| entering_block(&ev, &t.block)));
                if !back {
                    tip.set(None);
                }
            }
        >
            <span class="canvas-tip-label">{move || text(|t| t.label.clone())}</span>
            <span class="canvas-tip-type">{move || text(|t| t.type_line.clone())}</span>
            <span class="canvas-tip-exits">{exits}</span>
        </div>
    }
}
