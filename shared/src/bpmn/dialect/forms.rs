//! Camunda Forms (the form-js JSON that Camunda Modeler writes and Tasklist renders), generated
//! for the user tasks of a Camunda 8 export: one input per declared case field, typed, with
//! the field's label and required mark, and the task's outcome as a choice where its gateways
//! test one. A user task links to its form with `zeebe:formDefinition formId`; the forms are
//! deployed together with the BPMN (`zbctl deploy resource workflow.bpmn *.form`).

use serde::Serialize;
use serde_json::{json, Value};

use super::camunda8::PLATFORM_VERSION;
use crate::model::{Field, FieldType, Workflow};

/// The form-js schema version written (understood by Camunda 8.5 and later).
pub const FORM_SCHEMA_VERSION: u32 = 16;

/// A generated form: deploy it as `<id>.form` next to the BPMN.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CamundaForm {
    /// The form id the user task refers to (`fachwerk-<workflow key>-<element id>`).
    pub id: String,
    /// The BPMN user task the form belongs to.
    pub element_id: String,
    /// The form as pretty-printed JSON.
    pub json: String,
}

impl CamundaForm {
    /// The file name to deploy it under.
    pub fn file_name(&self) -> String {
        format!("{}.form", self.id)
    }
}

/// The form id of a user task.
pub(crate) fn form_id(w: &Workflow, element_id: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("fachwerk-{}-{}", clean(&w.key), clean(element_id))
}

fn field_component(f: &Field) -> Value {
    let mut c = json!({
        "id": format!("Field_{}", f.name),
        "key": f.name,
        "label": f.caption(),
    });
    let extra = match f.field_type {
        FieldType::Money => json!({
            "type": "number",
            "decimalDigits": 2,
            "appearance": { "suffixAdornment": "€" },
        }),
        FieldType::Int => json!({ "type": "number", "decimalDigits": 0 }),
        FieldType::Date => json!({
            "type": "datetime",
            "subtype": "date",
            "dateLabel": f.caption(),
        }),
        FieldType::Bool => json!({ "type": "checkbox" }),
        FieldType::Enum => json!({
            "type": "select",
            "values": f.values.iter().map(|v| json!({ "label": v, "value": v })).collect::<Vec<_>>(),
        }),
        FieldType::Text => json!({ "type": "textfield" }),
    };
    if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(extra.clone());
        if f.field_type == FieldType::Date {
            // A date input shows `dateLabel`; `label` is not part of the datetime component.
            c.remove("label");
        }
        if f.required {
            c.insert("validate".into(), json!({ "required": true }));
        }
    }
    c
}

/// The form of the user task `element_id`; `outcomes` are the values its gateways test.
pub(crate) fn task_form(
    w: &Workflow,
    element_id: &str,
    task_label: &str,
    outcomes: &[String],
) -> CamundaForm {
    let id = form_id(w, element_id);
    let mut components = vec![json!({
        "id": "Text_heading",
        "type": "text",
        "text": format!("## {}\n{}", markdown_text(task_label), markdown_text(&w.name)),
    })];
    components.extend(w.fields.iter().map(field_component));
    if !outcomes.is_empty() {
        components.push(json!({
            "id": "Field_outcome",
            "key": "outcome",
            "label": "Ergebnis / Outcome",
            "type": "radio",
            "values": outcomes.iter().map(|o| json!({ "label": o, "value": o })).collect::<Vec<_>>(),
            "validate": { "required": true },
        }));
    }
    let form = json!({
        "id": id,
        "type": "default",
        "schemaVersion": FORM_SCHEMA_VERSION,
        "executionPlatform": "Camunda Cloud",
        "executionPlatformVersion": PLATFORM_VERSION,
        "exporter": { "name": "Fachwerk", "version": env!("CARGO_PKG_VERSION") },
        "components": components,
    });
    CamundaForm {
        id,
        element_id: element_id.to_string(),
        json: serde_json::to_string_pretty(&sorted(form)).unwrap_or_default() + "\n",
    }
}

/// The value with every object's keys in sorted order, whether or not serde_json keeps
/// insertion order (its `preserve_order` feature differs between the server and the wasm build,
/// and both must write the same bytes).
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Text shown in a form's markdown heading: markdown's active characters escaped.
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}
