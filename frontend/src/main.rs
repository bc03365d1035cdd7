//! Fachwerk designer (browser): mounts the Leptos app.

mod api;
mod app;
mod editor;
mod i18n;
mod server;
mod storage;
mod svg_export;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
