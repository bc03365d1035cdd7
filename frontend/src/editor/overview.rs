//! Level of detail for large or far-zoomed views: visible blocks and edges drawn as a handful
//! of paths instead of thousands of elements. Pointer input is hit-tested on the model.

use std::collections::HashMap;

use fachwerk_shared::{Severity, Workflow};
use leptos::prelude::*;

use super::use_editor;
use crate::pure::geometry::block_rect;

#[derive(Debug, Clone, PartialEq, Default)]
struct Paths {
    blocks: String,
    errors: String,
    warnings: String,
    selected: String,
    edges: String,
}

fn rect_path(d: &mut String, x: i32, y: i32, w: i32, h: i32) {
    d.push_str(&format!("M{x} {y}h{w}v{h}h{}z", -w));
}

#[component]
pub fn OverviewLayer() -> impl IntoView {
    let ed = use_editor();
    let paths = Memo::new(move |_| {
        let mut p = Paths::default();
        let shown = ed.render.with(|(overview, vis)| {
            if !*overview {
                return false;
            }
            ed.selection.with(|sel| {
                ed.marks.with(|marks| {
                    ed.wf.with(|w: &Workflow| {
                        ed.index.with(|index| {
                            let mut centre: HashMap<&str, (i32, i32, i32)> =
                                HashMap::with_capacity(vis.len());
                            for id in vis {
                                let Some(&i) = index.get(id) else { continue };
                                let r = block_rect(w, i, id);
                                centre.insert(id.as_str(), (r.x, r.y + r.h / 2, r.w));
                                let target = if sel.contains(id) {
                                    &mut p.selected
                                } else {
                                    match marks.get(id) {
                                        Some(Severity::Error) => &mut p.errors,
                                        Some(Severity::Warning) => &mut p.warnings,
                                        _ => &mut p.blocks,
                                    }
                                };
                                rect_path(target, r.x, r.y, r.w, r.h);
                            }
                            for e in &w.edges {
                                if let (Some(a), Some(b)) =
                                    (centre.get(e.from.as_str()), centre.get(e.to.as_str()))
                                {
                                    p.edges.push_str(&format!(
                                        "M{} {}L{} {}",
                                        a.0 + a.2,
                                        a.1,
                                        b.0,
                                        b.1
                                    ));
                                }
                            }
                        })
                    })
                })
            });
            true
        });
        shown.then_some(p)
    });
    let delta = move || {
        let (dx, dy) = ed.drag_delta.get();
        format!("translate({dx} {dy})")
    };
    move || {
        paths.with(|p| {
            p.as_ref().map(|p| {
                view! {
                    <g class="overview" aria-hidden="true">
                        <path class="ov-edges" d=p.edges.clone()></path>
                        <path class="ov-blocks" d=p.blocks.clone()></path>
                        <path class="ov-warnings" d=p.warnings.clone()></path>
                        <path class="ov-errors" d=p.errors.clone()></path>
                        <path class="ov-selected" d=p.selected.clone() transform=delta></path>
                    </g>
                }
            })
        })
    }
}
