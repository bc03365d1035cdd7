//! "Gliederung": the workflow as an ordered list of steps with their exits, for keyboard and
//! screen-reader users. The rows shown are computed in one pass (`pure::outline::rows`) and
//! keyed by content, so a move on the canvas re-renders nothing here.

use fachwerk_shared::BlockId;
use leptos::prelude::*;

use super::{commands, use_editor};
use crate::i18n::{self, Lang};
use crate::pure::outline::rows;

/// Rows rendered at first and per "more" click; thousands of rows would slow every edit.
const CHUNK: usize = 200;

#[component]
pub fn Outline() -> impl IntoView {
    let ed = use_editor();
    let limit = RwSignal::new(CHUNK);
    let outline = Memo::new(move |_| {
        let limit = limit.get();
        ed.wf.with(|w| rows(w, limit))
    });
    let shown = move || outline.with(|(r, _)| r.clone());
    let hidden_count = move || outline.with(|(r, total)| total - r.len());
    let go = move |id: BlockId| {
        ed.select_only(id.clone());
        commands::center_on(ed, &id);
        // Selecting opens the block's form above this list, which pushes the entry down: keep
        // the entry that was used in view (WCAG 2.4.7).
        request_animation_frame(|| {
            if let Some(el) = document().active_element() {
                let opts = web_sys::ScrollIntoViewOptions::new();
                opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
                el.scroll_into_view_with_scroll_into_view_options(&opts);
            }
        });
    };
    view! {
        <nav id="outline" aria-labelledby="outline-title">
            <h2 id="outline-title">{move || ed.t(i18n::OUTLINE)}</h2>
            <p class="empty" hidden=move || outline.with(|(_, total)| *total > 0)>{move || ed.t(i18n::OUTLINE_EMPTY)}</p>
            <ol>
                <For each=shown key=|r| r.clone() let:row>
                    {
                        let id = row.id.clone();
                        let selected = Memo::new({
                            let id = id.clone();
                            move |_| ed.selection.with(|s| s.contains(&id))
                        });
                        let lang = ed.lang;
                        let exits = row
                            .exits
                            .iter()
                            .cloned()
                            .map(|x| {
                                let name = move || if lang.get() == Lang::De { x.de.clone() } else { x.en.clone() };
                                let target = match x.target.clone() {
                                    Some((tid, de, en)) => {
                                        view! {
                                            <button type="button" class="link" on:click=move |_| go(tid.clone())>
                                                {move || if lang.get() == Lang::De { de.clone() } else { en.clone() }}
                                            </button>
                                        }
                                            .into_any()
                                    }
                                    None => {
                                        view! { <span class="unconnected">{move || ed.t(i18n::NOT_CONNECTED)}</span> }
                                            .into_any()
                                    }
                                };
                                view! { <li class="outline-exit">{name}" → "{target}</li> }
                            })
                            .collect_view();
                        let (type_de, type_en) = (row.type_de, row.type_en);
                        view! {
                            <li class="outline-item" data-block-id=id.0.clone() class:selected=move || selected.get()>
                                <button
                                    type="button"
                                    class="link step"
                                    aria-current=move || selected.get().then_some("true")
                                    on:click={
                                        let id = id.clone();
                                        move |_| go(id.clone())
                                    }
                                >
                                    {
                                        let label = row.label.clone();
                                        move || {
                                            let t = if lang.get() == Lang::De { type_de } else { type_en };
                                            if label.is_empty() { t.to_string() } else { format!("{label} ({t})") }
                                        }
                                    }
                                </button>
                                <ul class="exits">{exits}</ul>
                            </li>
                        }
                    }
                </For>
            </ol>
            {move || {
                let n = hidden_count();
                (n > 0)
                    .then(|| {
                        view! {
                            <button type="button" id="outline-more" on:click=move |_| limit.update(|l| *l += CHUNK)>
                                {move || {
                                    if ed.lang.get() == Lang::De {
                                        format!("Weitere Schritte anzeigen ({n} verborgen)")
                                    } else {
                                        format!("Show more steps ({n} hidden)")
                                    }
                                }}
                            </button>
                        }
                    })
            }}
        </nav>
    }
}
