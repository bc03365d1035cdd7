//! The canonical JSON format: pretty-printed, stable key and element order, `schemaVersion`.

use crate::blocks::PARAMS_PATH_MARK;
use crate::model::{Workflow, SCHEMA_VERSION};

/// Why a document is not a workflow; `path` points at the offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ParseError {
    /// E.g. `blocks[3].params.bands[1].upper`; empty for the document itself.
    pub path: String,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Serializes to canonical JSON (two-space indent, trailing newline).
pub fn to_canonical_json(w: &Workflow) -> String {
    let mut s = serde_json::to_string_pretty(w).unwrap_or_default();
    s.push('\n');
    s
}

/// Writes [`to_canonical_json`]'s text to `out` without building it in memory first (the
/// JSON of a 10,000-block workflow is about 10 MB).
pub fn write_canonical_json(w: &Workflow, mut out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, w)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Parses canonical (or any equivalent) JSON into a workflow.
pub fn parse_workflow(text: &str) -> Result<Workflow, ParseError> {
    let w = serde_json::from_str::<Workflow>(text).map_err(|e| explain(text, &e))?;
    check_schema_version(w)
}

/// The error of a document that failed to parse. The fast parse above tracks no path; only a
/// failing document is parsed a second time, with `serde_path_to_error`, to name the value.
#[cfg(feature = "error-paths")]
fn explain(text: &str, fast: &serde_json::Error) -> ParseError {
    let de = &mut serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, Workflow>(de) {
        Err(e) => {
            let outer = e.path().to_string();
            error_at(if outer == "." { "" } else { &outer }, e.inner())
        }
        Ok(_) => error_at("", fast),
    }
}

/// Without the feature `error-paths` (the designer's page, whose wasm is smaller without it)
/// the error gives the line and column, not the path to the value.
#[cfg(not(feature = "error-paths"))]
fn explain(_text: &str, fast: &serde_json::Error) -> ParseError {
    error_at("", fast)
}

/// The error for serde's `inner` at the value `outer` (a path, or empty for the document).
fn error_at(outer: &str, inner: &serde_json::Error) -> ParseError {
    let (line, column) = (inner.line(), inner.column());
    // serde_json appends " at line L column C"; the path already locates the value.
    let msg = inner.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    let (path, message) = match msg.strip_prefix(PARAMS_PATH_MARK) {
        Some(rest) => {
            let (sub, m) = rest.split_once(": ").unwrap_or((rest, ""));
            let dot = if outer.is_empty() { "" } else { "." };
            (format!("{outer}{dot}params{sub}"), m.to_string())
        }
        None => (outer.to_string(), msg),
    };
    ParseError {
        path,
        message,
        line,
        column,
    }
}

fn check_schema_version(w: Workflow) -> Result<Workflow, ParseError> {
    if w.schema_version > SCHEMA_VERSION {
        return Err(ParseError {
            path: "schemaVersion".into(),
            message: format!(
                "schema version {} is newer than this Fachwerk understands ({SCHEMA_VERSION})",
                w.schema_version
            ),
            line: 0,
            column: 0,
        });
    }
    Ok(w)
}

/// The JSON Schema of the canonical format, generated from the types.
pub fn workflow_schema() -> String {
    let schema = schemars::schema_for!(Workflow);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The designer's page builds without `error-paths`: its errors start at the block's
    /// parameters, not at `.params` (what `explain` returns there).
    #[test]
    fn an_error_without_the_outer_path_starts_at_params() {
        let text = include_str!("../../workflows/beschaffung.json").replacen(
            "\"params\": {",
            "\"params\": { \"unbekannt\": 1,",
            1,
        );
        let fast = serde_json::from_str::<Workflow>(&text).unwrap_err();
        let e = error_at("", &fast);
        assert!(e.path.starts_with("params"), "{e}");
        assert!(e.message.contains("unbekannt"), "{e}");
        assert!(e.line > 0, "{e:?}");
        let with_outer = error_at("blocks[0]", &fast);
        assert!(
            with_outer.path.starts_with("blocks[0].params"),
            "{with_outer}"
        );
    }
}
