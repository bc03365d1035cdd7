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
///
/// Compact serialization, then [`indent`]: the browser's page also writes compact JSON (the
/// messages to its Web Worker), so it links one serializer of the model instead of two (issue
/// 22, first load). [`write_canonical_json`] writes the same text (`canonical_round_trip`).
pub fn to_canonical_json(w: &Workflow) -> String {
    let mut s = indent(&serde_json::to_string(w).unwrap_or_default());
    s.push('\n');
    s
}

/// Compact JSON as `serde_json`'s pretty printer writes it: two spaces per level, `": "`
/// between key and value, empty objects and arrays as `{}` and `[]`. Expects the output of a
/// compact serializer (no whitespace between tokens); text inside strings is kept as it is.
pub fn indent(compact: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
    let bytes = compact.as_bytes();
    let mut out = String::with_capacity(compact.len() + compact.len() / 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    // Start of the bytes not yet copied: structural characters are ASCII, so every cut is a
    // char boundary.
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        // What follows the character: a space, and a new line at some depth.
        let (space, line): (&str, Option<usize>) = match b {
            b'"' => {
                in_string = true;
                continue;
            }
            b'{' | b'[' => {
                let empty = matches!(bytes.get(i + 1), Some(b'}' | b']'));
                if !empty {
                    depth += 1;
                }
                ("", (!empty).then_some(depth))
            }
            b'}' | b']' => {
                let empty = i > 0 && matches!(bytes[i - 1], b'{' | b'[');
                out.push_str(&compact[from..i]);
                from = i;
                if !empty {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                continue;
            }
            b',' => ("", Some(depth)),
            b':' => (" ", None),
            _ => continue,
        };
        out.push_str(&compact[from..=i]);
        out.push_str(space);
        if let Some(d) = line {
            newline(&mut out, d);
        }
        from = i + 1;
    }
    out.push_str(&compact[from..]);
    out
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

/// serde's message without the " at line L column C" that serde_json appends to an error
/// with a position.
pub(crate) fn message_without_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) if e.line() > 0 => msg[..i].to_string(),
        _ => msg,
    }
}

/// The error for serde's `inner` at the value `outer` (a path, or empty for the document).
fn error_at(outer: &str, inner: &serde_json::Error) -> ParseError {
    let (line, column) = (inner.line(), inner.column());
    // The path already locates the value.
    let msg = message_without_position(inner);
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
    use proptest::prelude::*;

    fn json() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            // Quotes, backslashes, brackets, commas and colons inside strings stay as they are.
            "[a-z\"\\\\{}\\[\\],: äß\\n\u{1F600}]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
                prop::collection::btree_map("[a-z\":{}\\[\\],]{0,4}", inner, 0..5)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The page's way to canonical JSON writes what `serde_json`'s pretty printer writes.
        #[test]
        fn indent_matches_the_pretty_printer(v in json()) {
            let compact = serde_json::to_string(&v).unwrap();
            prop_assert_eq!(indent(&compact), serde_json::to_string_pretty(&v).unwrap());
        }
    }

    #[test]
    fn indent_keeps_empty_containers_and_strings() {
        let compact = r#"{"a":[],"b":{},"c":[{"d":"x,\\\"{:}"}]}"#;
        let v: serde_json::Value = serde_json::from_str(compact).unwrap();
        assert_eq!(indent(compact), serde_json::to_string_pretty(&v).unwrap());
        for text in ["", "1", "\"s\"", "[]", "{}"] {
            assert_eq!(indent(text), text);
        }
    }

    #[test]
    fn every_template_is_canonical_by_either_way() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../workflows");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let w = parse_workflow(&text).unwrap();
            let pretty = serde_json::to_string_pretty(&w).unwrap() + "\n";
            assert_eq!(to_canonical_json(&w), pretty);
            // The templates are stored canonically.
            assert_eq!(pretty, text);
            seen += 1;
        }
        assert!(seen >= 7, "{seen} templates");
    }
}
