//! Workflow templates embedded at build time (see `build.rs`).

use fachwerk_shared::{parse_workflow, Workflow};

use super::valid_key;

include!(concat!(env!("OUT_DIR"), "/seeds.rs"));

/// The embedded templates that a new catalogue starts with (version 1.0.0 each): those that
/// parse, have no validation errors and a valid, unique key.
pub(super) fn seed_workflows() -> Vec<Workflow> {
    let mut out: Vec<Workflow> = Vec::new();
    for (file, text) in SEEDS {
        let mut w = match parse_workflow(text) {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(file, error = %e, "template skipped: not a workflow");
                continue;
            }
        };
        let errors = fachwerk_shared::validate(&w)
            .into_iter()
            .filter(|f| f.is_error())
            .count();
        if errors > 0 || !valid_key(&w.key) || out.iter().any(|o| o.key == w.key) {
            tracing::warn!(file, errors, key = %w.key, "template skipped: validation errors or invalid/duplicate key");
            continue;
        }
        w.version = "1.0.0".into();
        out.push(w);
    }
    out
}

/// How many templates a new catalogue is seeded with.
pub fn seed_count() -> usize {
    seed_workflows().len()
}
