//! Fachwerk's designer, a Leptos app for the browser.
//!
//! `i18n` and `pure` (geometry, layout, the review scene, SVG export, undo stacks) are plain
//! Rust and build on every target, so their tests run natively. The UI modules use leptos and
//! web-sys, which are dependencies for `wasm32` only; they build for the browser alone.

pub mod cases;
pub mod i18n;
pub mod pure;

#[cfg(target_arch = "wasm32")]
mod a11y;
#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod applicant;
#[cfg(target_arch = "wasm32")]
mod case_fields;
#[cfg(target_arch = "wasm32")]
mod cases_app;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
pub mod on_demand;
#[cfg(target_arch = "wasm32")]
mod organisation;
#[cfg(target_arch = "wasm32")]
mod server;
#[cfg(target_arch = "wasm32")]
mod shell;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod worker_client;

/// Mounts the designer into the page's body; `parts` are its parts loaded on demand
/// ([`on_demand`]), fetched once the first screen is up.
#[cfg(target_arch = "wasm32")]
pub fn mount(parts: on_demand::OnDemand) {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(move || {
        on_demand::provide(parts);
        app::App()
    });
    a11y::install();
}

/// Mounts the case app (`fachwerk-cases`, served for the Arbeitskorb's, the Vorgang's and the
/// organisation's paths).
#[cfg(target_arch = "wasm32")]
pub fn mount_cases() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(cases_app::CasesApp);
    a11y::install();
}

/// Mounts the publishing app (`fachwerk-publishing`, issue 22): "Meine Entwürfe", "Freigaben",
/// "Versionen", "Vergleich" and "Vorlagen" — the four-eyes work around the catalogue — without
/// the editor, which the designer's page carries. Trunk builds it from `publishing.html` into
/// `dist/katalog/`; the server serves it for the paths of
/// `fachwerk_shared::api::publishing_app_links`. Opening a draft or a version goes to the
/// designer, which opens it on arrival (`server::opening`); "Stand im Editor" is read from the
/// designer's autosave (`shell::editor_workflow`).
#[cfg(target_arch = "wasm32")]
pub fn mount_publishing() {
    use pure::route::App;
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| {
        leptos::view! { <shell::ScreensPage app=App::Publishing screen=server::publishing_screen korb=cases::Load::COUNT /> }
    });
    a11y::install();
}

/// Mounts the applicant's page for the current path (the app `fachwerk-applicant`, served for
/// the applicant's links); any other path gets a short note instead.
#[cfg(target_arch = "wasm32")]
pub fn mount_applicant() {
    console_error_panic_hook::set_once();
    match applicant::page() {
        Some(page) => leptos::mount::mount_to_body(move || {
            leptos::view! { <applicant::ApplicantApp page=page /> }
        }),
        None => leptos::mount::mount_to_body(applicant::NoPage),
    }
    a11y::install();
}
