//! The designer's pure core: no leptos, no browser API, so it compiles natively and its unit
//! tests run in `cargo test -p fachwerk-frontend --lib` (and `cargo xtask test`).

pub mod applicant;
pub mod case_values;
pub mod geometry;
pub mod help;
pub mod history;
pub mod icons;
pub mod jobs;
pub mod labels;
pub mod lang_parts;
pub mod layout;
pub mod outline;
pub mod palette_search;
pub mod params;
pub mod probelauf;
pub mod review_scene;
pub mod route;
pub mod svg_export;
pub mod text_fit;
