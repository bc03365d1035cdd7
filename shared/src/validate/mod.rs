//! Validation: every finding at once, in a deterministic order, one finding per defect.

use serde::{Deserialize, Serialize};

use crate::model::{BlockId, EdgeId, RoleId, Workflow};

mod graph;

/// How bad a finding is. Errors block publishing; warnings and infos do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// The element a finding concerns. Unset parts are omitted in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Element {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<BlockId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge: Option<EdgeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Exit port of `block`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// Parameter path inside `block`, e.g. `bands[1].upper`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

impl Element {
    pub fn workflow() -> Element {
        Element::default()
    }
    pub fn block(id: &BlockId) -> Element {
        Element { block: Some(id.clone()), ..Default::default() }
    }
    pub fn port(id: &BlockId, port: &str) -> Element {
        Element { block: Some(id.clone()), port: Some(port.to_string()), ..Default::default() }
    }
    pub fn param(id: &BlockId, param: impl Into<String>) -> Element {
        Element { block: Some(id.clone()), param: Some(param.into()), ..Default::default() }
    }
    pub fn edge(id: &EdgeId) -> Element {
        Element { edge: Some(id.clone()), ..Default::default() }
    }
    pub fn role(id: &RoleId) -> Element {
        Element { role: Some(id.clone()), ..Default::default() }
    }
    pub fn field(name: &str) -> Element {
        Element { field: Some(name.to_string()), ..Default::default() }
    }
}

/// One defect or hint, with a stable code and a message in German and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable code, e.g. `E_THRESHOLD_GAP`.
    pub code: String,
    pub severity: Severity,
    pub element: Element,
    pub message_de: String,
    pub message_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_de: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_en: Option<String>,
}

impl Finding {
    pub fn new(code: &str, element: Element, de: impl Into<String>, en: impl Into<String>) -> Finding {
        let severity = match code.as_bytes().first() {
            Some(b'W') => Severity::Warning,
            Some(b'I') => Severity::Info,
            _ => Severity::Error,
        };
        Finding {
            code: code.to_string(),
            severity,
            element,
            message_de: de.into(),
            message_en: en.into(),
            hint_de: None,
            hint_en: None,
        }
    }

    pub fn hint(mut self, de: impl Into<String>, en: impl Into<String>) -> Finding {
        self.hint_de = Some(de.into());
        self.hint_en = Some(en.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Validates a workflow: all findings, sorted by code, then element.
pub fn validate(w: &Workflow) -> Vec<Finding> {
    let mut out = Vec::new();
    graph::check(w, &mut out);
    out.sort_by(|a, b| (&a.code, &a.element).cmp(&(&b.code, &b.element)));
    out.dedup();
    out
}

/// True when no finding is an error (publishing allowed).
pub fn is_publishable(findings: &[Finding]) -> bool {
    !findings.iter().any(Finding::is_error)
}
