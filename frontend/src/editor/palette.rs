//! The block palette: grouped buttons. Drag onto the canvas (pointer events) or activate
//! (Enter/Space/click) to insert at a free spot.

use fachwerk_shared::catalog::{self, BlockInfo, PaletteGroup};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::menu::Icon;
use super::{commands, interact, use_editor};
use crate::i18n::{self, Lang};
use crate::pure::icons::block_icon;
use crate::pure::palette_search::{best_match, matches};

#[component]
pub fn Palette() -> impl IntoView {
    let ed = use_editor();
    let query = RwSignal::new(String::new());
    let lang = ed.lang;
    let groups = PaletteGroup::ALL
        .iter()
        .map(|&g| {
            let infos: Vec<&'static BlockInfo> = catalog::all().iter().filter(|i| i.group == g).collect();
            let any_visible = move || query.with(|q| catalog::all().iter().any(|i| i.group == g && matches(i, q)));
            let heading_id = format!("palette-group-{g:?}").to_ascii_lowercase();
            let items = infos
                .into_iter()
                .map(|info| {
                    let t = info.block_type;
                    let tag = t.tag();
                    let help_id = format!("help-{tag}");
                    let described_by = help_id.clone();
                    view! {
                        <li hidden=move || query.with(|q| !matches(info, q))>
                            <button
                                type="button"
                                class="palette-item"
                                data-block-type=tag
                                aria-describedby=described_by
                                on:pointerdown=move |ev| interact::palette_pointer_down(ed, ev, t)
                                on:click=move |_| {
                                    if !ed.click_guard.get_value() {
                                        commands::insert_block(ed, t, None);
                                    }
                                }
                            >
                                <span class="palette-icon" aria-hidden="true"><Icon d=block_icon(t) /></span>
                                <span class="palette-text">
                                    <span class="palette-name">
                                        {move || if lang.get() == Lang::De { info.name_de } else { info.name_en }}
                                    </span>
                                    <span class="palette-help" id=help_id>
                                        {move || if lang.get() == Lang::De { info.help_de } else { info.help_en }}
                                    </span>
                                </span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="palette-group" hidden=move || !any_visible() aria-labelledby=heading_id.clone()>
                    <h3 id=heading_id.clone()>{move || if lang.get() == Lang::De { g.name_de() } else { g.name_en() }}</h3>
                    <ul>{items}</ul>
                </section>
            }
        })
        .collect_view();
    let none_visible = move || query.with(|q| !catalog::all().iter().any(|i| matches(i, q)));
    view! {
        <aside id="palette" aria-labelledby="palette-title">
            <h2 id="palette-title">{move || ed.t(i18n::PALETTE)}</h2>
            <input
                id="palette-search"
                type="search"
                autocomplete="off"
                placeholder=move || ed.t(i18n::PALETTE_SEARCH)
                aria-label=move || ed.t(i18n::PALETTE_SEARCH)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| {
                    // Enter inserts the best match, also when several blocks match.
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        if let Some(t) = best_match(&query.get_untracked(), lang.get_untracked()) {
                            commands::insert_block(ed, t, None);
                        }
                    }
                }
            />
            <p class="hint">{move || ed.t(i18n::PALETTE_HINT)}</p>
            <p class="hint" hidden=move || !none_visible()>{move || ed.t(i18n::PALETTE_EMPTY)}</p>
            {groups}
        </aside>
    }
}
