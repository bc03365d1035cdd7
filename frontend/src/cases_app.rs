//! The case app (issue 22): the Arbeitskorb, the Vorgang, "Vorgang anlegen" and the
//! organisation, for the people who work on cases every day — without the designer, which they
//! would otherwise load every morning. Trunk builds it from `cases.html` into `dist/vorgaenge/`;
//! the server serves it for the paths of `fachwerk_shared::api::case_app_links`. The header,
//! the account menu and the message line are the designer's (`crate::server`, `crate::shell`),
//! so changing the app looks like changing the screen.

use leptos::prelude::*;

use crate::pure::route::App;
use crate::server::{Screen, ScreenView, Srv};

/// The case app's page (`crate::shell::ScreensPage` with the screens below).
#[component]
pub fn CasesApp() -> impl IntoView {
    view! { <crate::shell::ScreensPage app=App::Cases screen=case_screen korb=crate::cases::Load::LISTS /> }
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
