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
    // Fast path without path tracking; only a document that fails is parsed a second time,
    // with `serde_path_to_error`, to name the offending value.
    let w = match serde_json::from_str::<Workflow>(text) {
        Ok(w) => w,
        Err(_) => parse_with_path(text)?,
    };
    check_schema_version(w)
}

/// The slow parse that tracks the path of the value being read, for the error message.
fn parse_with_path(text: &str) -> Result<Workflow, ParseError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let w: Workflow = serde_path_to_error::deserialize(de).map_err(|e| {
        let outer = e.path().to_string();
        let inner = e.inner();
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
                (format!("{outer}.params{sub}"), m.to_string())
            }
            None => (if outer == "." { String::new() } else { outer }, msg),
        };
        ParseError {
            path,
            message,
            line,
            column,
        }
    })?;
    Ok(w)
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
