//! Fachwerk designer (browser): mounts the Leptos app. Trunk builds this binary for wasm32.

#[cfg(target_arch = "wasm32")]
fn main() {
    fachwerk_frontend::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("fachwerk-frontend runs in the browser: build and serve it with `cargo xtask run`.");
    std::process::exit(2);
}
