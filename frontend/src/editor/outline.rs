//! "Gliederung": the workflow as an ordered list of steps with their exits, for keyboard and
//! screen-reader users. Rows are computed in one pass and keyed by content, so a move on the
//! canvas re-renders nothing here.

use std::collections::{HashMap, VecDeque};

use fachwerk_shared::catalog;
use fachwerk_shared::{BlockId, BlockType, Workflow};
use leptos::prelude::*;

use super::{commands, use_editor};
use crate::i18n::{self, Lang};
use crate::pure::geometry::ports_of;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Exit {
    de: String,
    en: String,
    /// The connected block with its German and English label.
    target: Option<(BlockId, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Row {
    id: BlockId,
    label: String,
    type_de: &'static str,
    type_en: &'static str,
    exits: Vec<Exit>,
}

/// Rows rendered at first and per "more" click; thousands of rows would slow every edit.
const CHUNK: usize = 200;

/// Steps in flow order: breadth-first from the start, then unreachable ones in document order.
fn rows(w: &Workflow) -> Vec<Row> {
    let index: HashMap<&BlockId, usize> = w
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (&b.id, i))
        .collect();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); w.blocks.len()];
    for (k, e) in w.edges.iter().enumerate() {
        if let Some(&i) = index.get(&e.from) {
            out_edges[i].push(k);
        }
    }
    // Labels once, not per edge: block_label searches the block list.
    // A block without a name of its own is called by its type, in either language.
    let labels: Vec<(String, String)> = w
        .blocks
        .iter()
        .map(|b| {
            let info = catalog::info(b.block_type());
            if b.label.trim().is_empty() {
                (info.name_de.to_string(), info.name_en.to_string())
            } else {
                (b.label.clone(), b.label.clone())
            }
        })
        .collect();
    let mut seen = vec![false; w.blocks.len()];
    let mut order = Vec::with_capacity(w.blocks.len());
    let starts = w
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.block_type() == BlockType::Start)
        .map(|(i, _)| i);
    let all: Vec<usize> = starts.chain(0..w.blocks.len()).collect();
    for root in all {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut queue = VecDeque::from([root]);
        while let Some(i) = queue.pop_front() {
            order.push(i);
            for &k in &out_edges[i] {
                if let Some(&j) = index.get(&w.edges[k].to) {
                    if !seen[j] {
                        seen[j] = true;
                        queue.push_back(j);
                    }
                }
            }
        }
    }
    order
        .into_iter()
        .map(|i| {
            let b = &w.blocks[i];
            let info = catalog::info(b.block_type());
            let exits = ports_of(b)
                .into_iter()
                .map(|p| {
                    let target = out_edges[i]
                        .iter()
                        .map(|&k| &w.edges[k])
                        .find(|e| e.port == p.name)
                        .map(|e| {
                            let (de, en) = index.get(&e.to).map_or_else(
                                || (e.to.0.clone(), e.to.0.clone()),
                                |&j| labels[j].clone(),
                            );
                            (e.to.clone(), de, en)
                        });
                    Exit {
                        de: p.label_de,
                        en: p.label_en,
                        target,
                    }
                })
                .collect();
            Row {
                id: b.id.clone(),
                label: b.label.trim().to_string(),
                type_de: info.name_de,
                type_en: info.name_en,
                exits,
            }
        })
        .collect()
}

#[component]
pub fn Outline() -> impl IntoView {
    let ed = use_editor();
    let all_rows = Memo::new(move |_| ed.wf.with(rows));
    let limit = RwSignal::new(CHUNK);
    let shown = move || all_rows.with(|r| r.iter().take(limit.get()).cloned().collect::<Vec<_>>());
    let hidden_count = move || all_rows.with(|r| r.len().saturating_sub(limit.get()));
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
            <p class="empty" hidden=move || all_rows.with(|r| !r.is_empty())>{move || ed.t(i18n::OUTLINE_EMPTY)}</p>
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
