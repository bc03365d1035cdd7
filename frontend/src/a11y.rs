//! Keyboard focus for the whole page (issue 25), watched in one place instead of in every
//! dialog:
//!
//! - **Modal dialogs** (`[aria-modal="true"]`): while one is open everything else in the body
//!   is `inert`, Tab and Shift+Tab wrap inside it, and when it closes the focus returns to the
//!   element that opened it (a dialog's own code may still move it elsewhere afterwards, e.g.
//!   to the block just connected).
//! - **Focus never stays lost:** when the focused element is removed, disabled or hidden (a
//!   deleted block, Rückgängig at the end of the history, a closed panel), the focus moves to
//!   the nearest sensible element: the next control in the same group, else the first one in
//!   the nearest part of the page that still shows.
//! - **Toolbars** (`[role="toolbar"]`) are one Tab stop; ←/→, Home and End move between their
//!   controls (roving `tabindex`, WAI-ARIA toolbar pattern).
//!
//! A `MutationObserver` on the body sees every change; its callback runs before the next
//! frame, so explicit focus moves made with `focus_later` (next frame) win.

use std::cell::RefCell;

use leptos::prelude::document;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent, SvgElement};

/// What counts as a Tab stop (before visibility and `disabled` are checked).
const TABBABLE: &str = "a[href], button, input:not([type=hidden]), select, textarea, \
     [tabindex]:not([tabindex='-1']), summary";
/// The controls of a toolbar (the buttons of its menus' lists are not).
const TOOLBAR_ITEMS: &str = "button, input, select, [tabindex]";

#[derive(Default)]
struct State {
    /// The open modal dialog.
    modal: Option<Element>,
    /// Who had the focus when it opened.
    opener: Option<Element>,
    /// The body's children made inert for it.
    inerted: Vec<Element>,
    /// The last focused element and its ancestors at that moment (nearest first).
    last: Option<Element>,
    ancestors: Vec<Element>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
    /// Who opened an inline panel (not a dialog), by the panel's name.
    static OPENERS: RefCell<Vec<(&'static str, Element)>> = const { RefCell::new(Vec::new()) };
}

/// Notes the focused element as the opener of the inline panel `panel`.
pub fn note_opener(panel: &'static str) {
    if let Some(a) = active().filter(|a| a.tag_name() != "BODY") {
        OPENERS.with(|o| {
            let mut o = o.borrow_mut();
            o.retain(|(p, _)| *p != panel);
            o.push((panel, a));
        });
    }
}

/// After the inline panel `panel` closed: the focus returns to its opener (next frame, after
/// the panel is gone), or to the nearest sensible element when the opener went away too.
pub fn return_focus(panel: &'static str) {
    let opener = OPENERS.with(|o| {
        let mut o = o.borrow_mut();
        let at = o.iter().position(|(p, _)| *p == panel)?;
        Some(o.remove(at).1)
    });
    leptos::prelude::request_animation_frame(move || match opener.filter(usable) {
        Some(el) => {
            focus(&el);
        }
        None if focus_lost() => refocus(),
        None => {}
    });
}

/// Installs the listeners and the observer; call once after mounting.
pub fn install() {
    let doc = document();
    let on_focus = Closure::<dyn Fn(web_sys::FocusEvent)>::new(|e: web_sys::FocusEvent| {
        // The hidden file input takes the focus only while a file is chosen.
        if let Some(el) = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .filter(|el| el.get_attribute("aria-hidden").as_deref() != Some("true"))
        {
            remember(&el);
            if let Some(bar) = toolbar_of(&el) {
                rove(&bar, &el);
            }
        }
    });
    let _ = doc.add_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref());
    on_focus.forget();
    let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(key_down);
    let _ = doc.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();
    let on_change = Closure::<dyn Fn(js_sys::Array, web_sys::MutationObserver)>::new(
        |_: js_sys::Array, _: web_sys::MutationObserver| changed(),
    );
    if let (Ok(observer), Some(body)) = (
        web_sys::MutationObserver::new(on_change.as_ref().unchecked_ref()),
        doc.body(),
    ) {
        let init = web_sys::MutationObserverInit::new();
        init.set_child_list(true);
        init.set_subtree(true);
        init.set_attributes(true);
        let filter = js_sys::Array::of3(&"disabled".into(), &"hidden".into(), &"aria-modal".into());
        init.set_attribute_filter(&filter);
        let _ = observer.observe_with_options(&body, &init);
    }
    on_change.forget();
    changed();
}

/// Moves the focus to the element `id` (HTML or SVG, e.g. the canvas) after the next render.
pub fn focus_later(id: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(id) {
            focus(&el);
        }
    });
}

/// Whether a modal dialog is open (the editor's shortcuts stay out of it).
pub fn modal_open() -> bool {
    top_modal().is_some()
}

fn top_modal() -> Option<Element> {
    let list = document().query_selector_all("[aria-modal='true']").ok()?;
    list.item(list.length().checked_sub(1)?)?.dyn_into().ok()
}

/// Focuses an HTML or SVG element.
fn focus(el: &Element) -> bool {
    if let Some(h) = el.dyn_ref::<HtmlElement>() {
        return h.focus().is_ok();
    }
    if let Some(s) = el.dyn_ref::<SvgElement>() {
        return s.focus().is_ok();
    }
    false
}

fn tab_index(el: &Element) -> i32 {
    if let Some(h) = el.dyn_ref::<HtmlElement>() {
        return h.tab_index();
    }
    el.dyn_ref::<SvgElement>().map_or(-1, SvgElement::tab_index)
}

fn remember(el: &Element) {
    let mut ancestors = Vec::new();
    let mut cur = el.parent_element();
    while let Some(a) = cur {
        cur = a.parent_element();
        ancestors.push(a);
    }
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.last = Some(el.clone());
        s.ancestors = ancestors;
    });
}

/// In the page, not switched off and not in a hidden or inert part (no layout needed).
fn present(el: &Element) -> bool {
    el.is_connected()
        && !el.has_attribute("disabled")
        && el.closest("[inert], [hidden]").ok().flatten().is_none()
}

/// Present and shown: it could take the focus.
fn usable(el: &Element) -> bool {
    present(el) && el.get_client_rects().length() > 0
}

fn in_menu(el: &Element) -> bool {
    el.closest("[role=menu]").ok().flatten().is_some()
}

/// The Tab stops inside `root` (a toolbar's controls count, whichever of them is its stop).
fn tabbables(root: &Element) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(TABBABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .filter(|e| usable(e) && !in_menu(e))
        .filter(|e| tab_index(e) >= 0 || toolbar_of(e).is_some())
        .collect()
}

fn active() -> Option<Element> {
    document().active_element()
}

fn is_same(a: &Option<Element>, b: &Element) -> bool {
    a.as_ref().is_some_and(|a| a == b)
}

/// Tab and Shift+Tab wrap inside the open modal; arrow keys move inside a toolbar.
fn key_down(e: KeyboardEvent) {
    match e.key().as_str() {
        "Tab" => {
            if let Some(dialog) = top_modal() {
                trap(&e, &dialog);
            }
        }
        "ArrowLeft" | "ArrowRight" | "Home" | "End" if !e.ctrl_key() && !e.alt_key() => {
            let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let Some(bar) = toolbar_of(&target) else {
                return;
            };
            let items = toolbar_items(&bar);
            let Some(at) = items.iter().position(|i| *i == target) else {
                return;
            };
            let n = items.len();
            let next = match e.key().as_str() {
                "ArrowLeft" => (at + n - 1) % n,
                "ArrowRight" => (at + 1) % n,
                "Home" => 0,
                _ => n - 1,
            };
            // Arrow keys on the canvas move blocks: not from here.
            e.prevent_default();
            e.stop_propagation();
            rove(&bar, &items[next]);
            focus(&items[next]);
        }
        _ => {}
    }
}

fn trap(e: &KeyboardEvent, dialog: &Element) {
    let items = tabbables(dialog);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        e.prevent_default();
        return;
    };
    let now = active();
    let inside = now.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    let to = if !inside {
        Some(if e.shift_key() { last } else { first })
    } else if e.shift_key() && is_same(&now, first) {
        Some(last)
    } else if !e.shift_key() && is_same(&now, last) {
        Some(first)
    } else {
        None
    };
    if let Some(to) = to {
        e.prevent_default();
        focus(to);
    }
}

/// The toolbar `el` is a control of (not inside one of its menus).
fn toolbar_of(el: &Element) -> Option<Element> {
    if in_menu(el) {
        return None;
    }
    el.closest("[role=toolbar]").ok().flatten()
}

fn toolbar_items(bar: &Element) -> Vec<Element> {
    let Ok(list) = bar.query_selector_all(TOOLBAR_ITEMS) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .filter(|e| usable(e) && !in_menu(e))
        .collect()
}

/// Makes `current` the toolbar's one Tab stop.
fn rove(bar: &Element, current: &Element) {
    for item in toolbar_items(bar) {
        let want = if item == *current { "0" } else { "-1" };
        if item.get_attribute("tabindex").as_deref() != Some(want) {
            let _ = item.set_attribute("tabindex", want);
        }
    }
}

/// Every toolbar keeps exactly one usable Tab stop: its current one, else its first control.
fn keep_toolbars() {
    let Ok(bars) = document().query_selector_all("[role=toolbar]") else {
        return;
    };
    for bar in (0..bars.length()).filter_map(|i| bars.item(i)) {
        let Ok(bar) = bar.dyn_into::<Element>() else {
            continue;
        };
        let stop = bar
            .query_selector("[tabindex='0']")
            .ok()
            .flatten()
            .filter(|s| present(s) && !in_menu(s));
        // Controls rendered since the last look have no tabindex yet.
        let fresh = bar.query_selector_all(TOOLBAR_ITEMS).is_ok_and(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i))
                .filter_map(|n| n.dyn_into::<Element>().ok())
                .any(|i| !i.has_attribute("tabindex") && !in_menu(&i))
        });
        if stop.is_some() && !fresh {
            continue;
        }
        let items = toolbar_items(&bar);
        if let Some(current) = stop.or_else(|| items.first().cloned()) {
            rove(&bar, &current);
        }
    }
}

/// After any change of the page: the modal state, the toolbars, lost focus.
fn changed() {
    let modal = top_modal();
    let closed = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let was_open = s.modal.is_some();
        match &modal {
            Some(dialog) => {
                if !was_open {
                    let outside = |a: &Element| {
                        !dialog.contains(Some(a))
                            && a.tag_name() != "BODY"
                            && a.get_attribute("aria-hidden").as_deref() != Some("true")
                    };
                    let last = s.last.clone();
                    s.opener = active().filter(outside).or_else(|| last.filter(outside));
                }
                make_inert(&mut s, dialog);
                s.modal = Some(dialog.clone());
                None
            }
            None if was_open => {
                for el in s.inerted.drain(..) {
                    let _ = el.remove_attribute("inert");
                }
                s.modal = None;
                Some(s.opener.take())
            }
            None => None,
        }
    });
    keep_toolbars();
    if let Some(Some(opener)) = closed {
        if usable(&opener) && focus(&opener) {
            return;
        }
    }
    if focus_lost() {
        refocus();
    }
}

/// Everything in the body beside the dialog becomes inert (also what appears later).
fn make_inert(s: &mut State, dialog: &Element) {
    let Some(body) = document().body() else {
        return;
    };
    let children = body.children();
    for child in (0..children.length()).filter_map(|i| children.item(i)) {
        if child.contains(Some(dialog)) {
            if s.inerted.contains(&child) {
                let _ = child.remove_attribute("inert");
                s.inerted.retain(|e| *e != child);
            }
            continue;
        }
        if !child.has_attribute("inert") {
            let _ = child.set_attribute("inert", "");
            s.inerted.push(child);
        }
    }
}

/// The focus is on nothing, or on something that can no longer have it.
fn focus_lost() -> bool {
    let last = STATE.with(|s| s.borrow().last.clone());
    match active() {
        None => last.is_some(),
        Some(a) if a.tag_name() == "BODY" => last.is_some_and(|l| !usable(&l)),
        Some(a) => !present(&a) && a.tag_name() != "HTML",
    }
}

/// Moves the focus to the next sensible element after the focused one went away.
fn refocus() {
    if let Some(dialog) = top_modal() {
        if let Some(first) = tabbables(&dialog).first() {
            focus(first);
        }
        return;
    }
    let (last, ancestors) = STATE.with(|s| {
        let s = s.borrow();
        (s.last.clone(), s.ancestors.clone())
    });
    let groups: Vec<&Element> = ancestors
        .iter()
        .filter(|g| g.tag_name() != "BODY" && g.tag_name() != "HTML" && usable(g))
        .collect();
    // Still in the page (disabled or hidden): the next control after it in the nearest group
    // that has one, else the one before.
    if let Some(last) = last.filter(|l| l.is_connected()) {
        for group in &groups {
            let items = tabbables(group);
            let after = items.iter().find(|i| {
                last.compare_document_position(i) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0
            });
            if let Some(to) = after.or(items.last()) {
                focus(to);
                return;
            }
        }
    }
    // Removed: the nearest part of the page that can take the focus itself (the canvas for a
    // deleted block), else the first control of the nearest part that still shows.
    if let Some(to) = groups.iter().find(|g| tab_index(g) >= 0) {
        focus(to);
        return;
    }
    for group in &groups {
        if let Some(to) = tabbables(group).first() {
            focus(to);
            return;
        }
    }
    if let Some(title) = document().get_element_by_id("srv-screen-title") {
        focus(&title);
    }
}

/// A text of the UI that may carry German parts (`crate::pure::lang_parts`): those are shown
/// in `<span lang="de">`, so that screen readers pronounce them as German in the English UI.
pub fn marked(text: String) -> impl leptos::IntoView {
    use leptos::prelude::*;
    crate::pure::lang_parts::parts(&text)
        .into_iter()
        .map(|(de, part)| {
            if de {
                view! { <span lang="de">{part}</span> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}
