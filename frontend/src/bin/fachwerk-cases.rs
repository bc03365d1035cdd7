//! The case app: the Arbeitskorb, the Vorgang, "Vorgang anlegen" and the organisation, without
//! the designer (issue 22). Trunk builds it from `cases.html` into `dist/vorgaenge/`; the server
//! serves its page for those screens' paths.

#[cfg(target_arch = "wasm32")]
fn main() {
    fachwerk_frontend::mount_cases();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("fachwerk-cases runs in the browser: build and serve it with `cargo xtask run`.");
    std::process::exit(2);
}
