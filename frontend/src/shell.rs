//! What the apps share around their screens: the page of the apps that show screens only
//! (`ScreensPage`), the language (the applicant's page too) and its switch, and the hand-over
//! when a route of another app is a page load (issue 22): the keyboard focus and the message
//! line go along, so changing the app feels like changing the screen.

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::i18n::{Lang, APP_TITLE, TO_EDITOR};
use crate::pure::route::App;
use crate::server::{tr, Screen, ScreenView, Srv};
use crate::storage;

/// The whole page of an app that shows screens only (the case app, the publishing app), inside
/// the router that keeps every screen's URL: the header with "Zum Editor", the account bar and
/// the language switch, then the route's screen drawn by `screen`; `korb` is what the
/// Arbeitskorb loads after a login.
#[component]
pub fn ScreensPage(
    app: App,
    screen: fn(Screen, Srv) -> ScreenView,
    korb: crate::cases::Load,
) -> impl IntoView {
    view! {
        <Router>
            <ScreensShell app=app screen=screen korb=korb />
        </Router>
    }
}

#[component]
fn ScreensShell(
    app: App,
    screen: fn(Screen, Srv) -> ScreenView,
    korb: crate::cases::Load,
) -> impl IntoView {
    let lang = provide_lang();
    crate::server::provide(app);
    let srv = crate::server::use_srv();
    crate::server::restore_session(srv);
    // The account bar's Arbeitskorb button counts the open tasks.
    crate::cases::provide(srv, korb);
    crate::server::sync_routes(srv);
    view! {
        <header id="topbar">
            <h1>{tr(lang, APP_TITLE)}</h1>
            <button type="button" id="btn-to-editor" on:click=move |_| srv.close()>{tr(lang, TO_EDITOR)}</button>
            <span class="toolbar-spacer"></span>
            <crate::server::AccountBar />
            <LangButton />
        </header>
        {crate::server::screens(screen, ().into_any())}
    }
}

/// The language of the page, shared through context (a newtype: never mistaken for another
/// `RwSignal<Lang>`).
#[derive(Clone, Copy)]
struct PageLang(RwSignal<Lang>);

/// Creates the page's language from the stored choice, keeps `<html lang>` and the stored
/// choice in step with it and provides it. Call once, before the app's view.
pub fn provide_lang() -> RwSignal<Lang> {
    let start = if storage::get(storage::LANG_KEY).as_deref() == Some("en") {
        Lang::En
    } else {
        Lang::De
    };
    let lang = RwSignal::new(start);
    provide_context(PageLang(lang));
    Effect::new(move |_| {
        let lang = lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
        storage::set(storage::LANG_KEY, lang.code());
    });
    lang
}

/// The page's language (see [`provide_lang`]).
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<PageLang>().0
}

/// The header's language switch.
#[component]
pub fn LangButton() -> impl IntoView {
    let lang = use_lang();
    view! {
        <button type="button" id="btn-lang" lang=move || if lang.get() == Lang::De { "en" } else { "de" }
            aria-label=move || crate::i18n::LANG_SWITCH_LABEL.get(lang.get())
            on:click=move |_| lang.update(|l| *l = if *l == Lang::De { Lang::En } else { Lang::De })>
            {move || crate::i18n::LANG_SWITCH.get(lang.get())}
        </button>
    }
}

const FOCUS_KEY: &str = "fachwerk.handoff.focus";
const MESSAGE_KEY: &str = "fachwerk.handoff.message";

/// Loads `path` as a new page (the other app's route), leaving the element to focus and the
/// message line's text for it in this tab's session storage.
pub fn leave(path: &str, replace: bool, focus: Option<&str>, message: Option<(bool, String)>) {
    storage::session_set(FOCUS_KEY, focus);
    let message = message.map(|(error, text)| format!("{}{text}", if error { '!' } else { ' ' }));
    storage::session_set(MESSAGE_KEY, message.as_deref());
    let location = window().location();
    let _ = if replace {
        location.replace(path)
    } else {
        location.assign(path)
    };
}

/// What the page before left for this one (see [`leave`]): the element to focus and the
/// message, each taken once.
pub fn arrive() -> (Option<String>, Option<(bool, String)>) {
    let focus = storage::session_get(FOCUS_KEY);
    let message = storage::session_get(MESSAGE_KEY).and_then(|m| {
        let mut chars = m.chars();
        let error = chars.next()? == '!';
        Some((error, chars.as_str().to_string()))
    });
    storage::session_set(FOCUS_KEY, None);
    storage::session_set(MESSAGE_KEY, None);
    (focus, message)
}

/// The designer's workflow as its autosave holds it (written on every change and when its page
/// is left), for the publishing app's "Stand im Editor"; `None` if there is none or it does not
/// read.
pub fn editor_workflow() -> Option<fachwerk_shared::Workflow> {
    storage::get(storage::AUTOSAVE_KEY).and_then(|t| fachwerk_shared::parse_workflow(&t).ok())
}
