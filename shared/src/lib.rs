//! `fachwerk-shared`: the workflow model shared by browser and server.
//!
//! Pure functions over a small closed vocabulary of types. No IO, no knowledge of leptos or
//! axum — the same code validates in the designer and again in the backend.

pub mod api;
pub mod bpmn;
pub mod canonical;
pub mod catalog;
pub mod diff;
pub mod engine;
pub mod expr;
pub mod generate;
pub mod lowercase;
pub mod merge;
pub mod model;
pub mod ops;
pub mod simulate;
pub mod template;
pub mod validate;
pub mod values;

/// The block types and their parameters, part of the model (`model::blocks`).
pub use model::blocks;

pub use canonical::{
    parse_workflow, to_canonical_json, workflow_schema, write_canonical_json, ParseError,
};
pub use model::*;
pub use ops::{apply, Op, OpError};
pub use validate::{validate, Element, Finding, Severity};
pub use values::{Duration, Money};
