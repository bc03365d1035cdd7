//! Menu buttons for the header (WAI-ARIA menu-button pattern) and inline SVG icons.
//!
//! A menu's items stay in the DOM while it is closed (`hidden`), so every command keeps its id.
//! Keyboard: Enter, Space or ↓ on the button opens the menu on its first item; ↑/↓, Home/End
//! move; Escape closes and returns to the button; Tab closes. Keys inside a menu never reach
//! the canvas's shortcuts.

use leptos::callback::Callback;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::T;

/// An icon drawn from path data on a 16×16 grid (see `crate::pure::icons`).
#[component]
pub fn Icon(d: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            <path d=d></path>
        </svg>
    }
}

/// One command in a menu.
#[derive(Clone)]
pub struct Item {
    pub id: &'static str,
    pub label: T,
    /// The shortcut as shown (German, English) and as `aria-keyshortcuts`.
    pub keys: Option<(T, &'static str)>,
    pub enabled: Signal<bool>,
    pub visible: Signal<bool>,
    pub run: Callback<()>,
}

impl Item {
    pub fn new(id: &'static str, label: T, run: impl Fn() + Send + Sync + 'static) -> Item {
        Item {
            id,
            label,
            keys: None,
            enabled: Signal::from(true),
            visible: Signal::from(true),
            run: Callback::new(move |()| run()),
        }
    }

    pub fn keys(mut self, shown: T, aria: &'static str) -> Item {
        self.keys = Some((shown, aria));
        self
    }

    pub fn enabled(mut self, when: impl Fn() -> bool + Send + Sync + 'static) -> Item {
        self.enabled = Signal::derive(when);
        self
    }

    pub fn visible(mut self, when: impl Fn() -> bool + Send + Sync + 'static) -> Item {
        self.visible = Signal::derive(when);
        self
    }
}

fn menu_items(menu_id: &str) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = document().query_selector_all(&format!(
        "#{menu_id} li:not([hidden]) > [role=menuitem]:not([disabled])"
    )) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

fn focus_item(menu_id: &str, pick: impl Fn(usize, Option<usize>) -> usize + 'static) {
    let menu_id = menu_id.to_string();
    request_animation_frame(move || {
        let items = menu_items(&menu_id);
        if items.is_empty() {
            return;
        }
        let active = document().active_element();
        let current = items
            .iter()
            .position(|i| active.as_ref() == Some(i.unchecked_ref::<web_sys::Element>()));
        let next = pick(items.len(), current).min(items.len() - 1);
        let _ = items[next].focus();
    });
}

fn focus_id(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// A button that opens a menu of commands; `children`, if given, are its caption instead of
/// `label`.
#[component]
pub fn Menu(
    id: &'static str,
    label: T,
    items: Vec<Item>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let lang = crate::shell::use_lang();
    let open = RwSignal::new(false);
    let button_id = id;
    // Stored so the handlers stay `Copy`.
    let menu_id = StoredValue::new(format!("{id}-list"));
    let wrap_sel = StoredValue::new(format!("#{id}-wrap"));
    let focus = move |pick: fn(usize, Option<usize>) -> usize| {
        menu_id.with_value(|m| focus_item(m, pick));
    };
    let show = move || {
        open.set(true);
        focus(|_, _| 0);
    };
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            focus_id(button_id);
        }
    };
    // A press outside closes the menu.
    let outside = window_event_listener(ev::pointerdown, move |e| {
        if !open.try_get_untracked().unwrap_or(false) {
            return;
        }
        let inside = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| wrap_sel.with_value(|w| el.closest(w)).ok().flatten())
            .is_some();
        if !inside {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());
    let on_button_key = move |e: ev::KeyboardEvent| match e.key().as_str() {
        "ArrowDown" => {
            e.prevent_default();
            e.stop_propagation();
            show();
        }
        "ArrowUp" => {
            e.prevent_default();
            e.stop_propagation();
            open.set(true);
            focus(|n, _| n - 1);
        }
        "Escape" if open.get_untracked() => {
            e.stop_propagation();
            close(true);
        }
        _ => {}
    };
    let on_menu_key = move |e: ev::KeyboardEvent| {
        let key = e.key();
        // The canvas's shortcuts (arrows move blocks, Delete deletes) stay out of menus.
        e.stop_propagation();
        match key.as_str() {
            "ArrowDown" => {
                e.prevent_default();
                focus(|n, c| c.map_or(0, |c| (c + 1) % n));
            }
            "ArrowUp" => {
                e.prevent_default();
                focus(|n, c| c.map_or(n - 1, |c| (c + n - 1) % n));
            }
            "Home" => {
                e.prevent_default();
                focus(|_, _| 0);
            }
            "End" => {
                e.prevent_default();
                focus(|n, _| n - 1);
            }
            "Escape" => close(true),
            "Tab" => open.set(false),
            _ => {}
        }
    };
    let rows = items
        .into_iter()
        .map(|item| {
            let Item {
                id,
                label,
                keys,
                enabled,
                visible,
                run,
            } = item;
            let shown = keys.map(|(t, _)| t);
            let aria = keys.map(|(_, a)| a);
            view! {
                <li role="none" hidden=move || !visible.get()>
                    <button
                        type="button"
                        role="menuitem"
                        tabindex="-1"
                        id=id
                        class="menu-item"
                        aria-keyshortcuts=aria
                        disabled=move || !enabled.get()
                        on:click=move |_| {
                            close(true);
                            run.run(());
                        }
                    >
                        <span class="menu-label">{move || label.get(lang.get())}</span>
                        {shown.map(|t| view! { <kbd class="menu-keys">{move || t.get(lang.get())}</kbd> })}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="menu" id=format!("{id}-wrap")>
            <button
                type="button"
                id=button_id
                class="menu-button"
                aria-haspopup="menu"
                aria-controls=menu_id.get_value()
                aria-expanded=move || open.get().to_string()
                on:click=move |_| {
                    if open.get_untracked() {
                        close(false);
                    } else {
                        show();
                    }
                }
                on:keydown=on_button_key
            >
                {match children {
                    Some(c) => c(),
                    None => (move || label.get(lang.get())).into_any(),
                }}
                <Icon d=crate::pure::icons::ICON_MENU />
            </button>
            <ul class="menu-list" role="menu" id=menu_id.get_value() aria-labelledby=button_id hidden=move || !open.get() on:keydown=on_menu_key>
                {rows}
            </ul>
        </div>
    }
}
