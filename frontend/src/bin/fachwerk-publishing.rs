//! The publishing app: drafts, publication requests, versions, the comparison and templates,
//! without the editor (issue 22). Trunk builds it from `publishing.html` into `dist/katalog/`;
//! the server serves its page for those screens' paths.

#[cfg(target_arch = "wasm32")]
fn main() {
    fachwerk_frontend::mount_publishing();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "fachwerk-publishing runs in the browser: build and serve it with `cargo xtask run`."
    );
    std::process::exit(2);
}
