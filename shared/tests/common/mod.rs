//! Shared test helpers: proptest strategies for the whole model, an op-sequence generator and an
//! independent checker for the conventions that templates and synthetic workflows follow.
//! Include with `mod common;` from any test file.
#![allow(dead_code, clippy::unwrap_used)]

mod conventions;
mod ops;
mod params;
mod structure;
mod values;
mod workflow;

// Every `use common::...` keeps working; each test file uses only some of these.
#[allow(unused_imports)]
pub use conventions::*;
#[allow(unused_imports)]
pub use ops::*;
#[allow(unused_imports)]
pub use params::*;
#[allow(unused_imports)]
pub use structure::*;
#[allow(unused_imports)]
pub use values::*;
#[allow(unused_imports)]
pub use workflow::*;

use fachwerk_shared::model::*;

/// A template from `workflows/`, parsed.
pub fn template(name: &str) -> Workflow {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../workflows/{name}.json"));
    fachwerk_shared::parse_workflow(&std::fs::read_to_string(path).unwrap()).unwrap()
}
