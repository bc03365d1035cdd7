//! The publishing app (issue 22): "Meine Entwürfe", "Freigaben", "Versionen", "Vergleich" and
//! "Vorlagen" — the four-eyes work around the catalogue — without the editor, which the
//! designer's page carries. Trunk builds it from `publishing.html` into `dist/katalog/`; the
//! server serves it for the paths of `fachwerk_shared::api::publishing_app_links`. Opening a
//! draft or a version goes to the designer, which opens it on arrival
//! (`crate::server::opening`); "Stand im Editor" is read from the designer's autosave.

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::i18n::{self, T};
use crate::pure::route::App;
use crate::server::tr;

/// The app inside the router, which keeps every screen's URL.
#[component]
pub fn PublishingApp() -> impl IntoView {
    view! {
        <Router>
            <Shell />
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let lang = crate::shell::provide_lang();
    crate::server::provide(App::Publishing);
    let srv = crate::server::use_srv();
    // The account bar's Arbeitskorb button counts the open tasks.
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
        {crate::server::screens(crate::server::publishing_screen, ().into_any())}
    }
}
