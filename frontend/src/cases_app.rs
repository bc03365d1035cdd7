//! The case app (issue 22): the Arbeitskorb, the Vorgang, "Vorgang anlegen" and the
//! organisation, for the people who work on cases every day — without the designer, which they
//! would otherwise load every morning. Trunk builds it from `cases.html` into `dist/vorgaenge/`;
//! the server serves it for the paths of `fachwerk_shared::api::case_app_links`. The header,
//! the account menu and the message line are the designer's (`crate::server`, `crate::shell`),
//! so changing the app looks like changing the screen.

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::i18n::{self, T};
use crate::pure::route::App;
use crate::server::{tr, Screen, ScreenView, Srv};

/// The app inside the router, which keeps every screen's URL.
#[component]
pub fn CasesApp() -> impl IntoView {
    view! {
        <Router>
            <Shell />
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let lang = crate::shell::provide_lang();
    crate::server::provide(App::Cases);
    let srv = crate::server::use_srv();
    crate::cases::provide(srv);
    crate::server::sync_routes(srv);
    let t = move |s: T| tr(lang, s);
    view! {
        <header id="topbar">
            <h1>{t(i18n::APP_TITLE)}</h1>
            <button type="button" id="btn-to-editor" on:click=move |_| srv.close()>{t(i18n::TO_EDITOR)}</button>
            <span class="toolbar-spacer"></span>
            <crate::server::AccountBar />
            <crate::shell::LangButton />
        </header>
        {crate::server::screens(case_screen, ().into_any())}
    }
}

/// The case app's screens.
fn case_screen(screen: Screen, srv: Srv) -> ScreenView {
    let lang = crate::shell::use_lang();
    Some(match screen {
        Screen::Korb => (
            crate::cases::KORB_TITLE,
            crate::cases::korb_screen(lang, srv).into_any(),
        ),
        Screen::Case => (
            crate::cases::CASE_TITLE,
            crate::cases::case_screen(lang, srv).into_any(),
        ),
        Screen::NewCase => (
            crate::organisation::text::NEW_CASE,
            crate::organisation::new_case_screen(lang, srv).into_any(),
        ),
        Screen::Organisation => (
            crate::organisation::text::ORGANISATION,
            crate::organisation::organisation_screen(lang, srv).into_any(),
        ),
        // The designer's screens, while their page loads.
        _ => return None,
    })
}
