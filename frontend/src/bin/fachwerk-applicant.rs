//! The applicant's pages (`/antwort/{token}`, `/status/{token}`) as an app of their own: no
//! designer, no clerk screens, so a phone on a slow network loads only what these pages need
//! (issue 22). Trunk builds it from `applicant.html` into `dist/antrag/`; the server serves its
//! page for the applicant's paths.

#[cfg(target_arch = "wasm32")]
fn main() {
    fachwerk_frontend::mount_applicant();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("fachwerk-applicant runs in the browser: build and serve it with `cargo xtask run`.");
    std::process::exit(2);
}
