//! Camunda 7 / Operaton: `camunda:` attributes, JUEL conditions, generated task forms,
//! external tasks.

use super::{candidates, common_notes, outcomes, topic, Dialect, Ext, Formal};
use crate::bpmn::plan::{Node, NodeKind};
use crate::bpmn::FEEL_LANGUAGE;
use crate::expr::{parse, to_juel};
use crate::model::*;

pub const CAMUNDA_NS: &str = "http://camunda.org/schema/1.0/bpmn";
pub const MODELER_NS: &str = "http://camunda.org/schema/modeler/1.0";
/// The Camunda 7 version the export targets (Operaton is drop-in compatible with it).
pub const PLATFORM_VERSION: &str = "7.24.0";

pub(super) fn definitions_attrs() -> Vec<(&'static str, String)> {
    vec![
        ("xmlns:camunda", CAMUNDA_NS.into()),
        ("xmlns:modeler", MODELER_NS.into()),
        ("modeler:executionPlatform", "Camunda Platform".into()),
        ("modeler:executionPlatformVersion", PLATFORM_VERSION.into()),
    ]
}

pub(super) fn process_attrs(d: &mut Dialect) -> Vec<(&'static str, String)> {
    if d.w.fields.iter().any(|f| f.field_type == FieldType::Money) {
        d.note(
            None,
            "",
            "Geldbeträge: Camunda-7-Formulare kennen keinen Dezimaltyp; Geldfelder sind Textfelder, Worker und REST-Aufrufe setzen sie als Zahl (Double).".into(),
            "Money: Camunda 7 forms have no decimal type; money fields are text fields, workers and REST calls set them as numbers (Double).".into(),
        );
    }
    // Required since 7.20; days as an ISO duration, the workflow's own or the default 180.
    vec![(
        "camunda:historyTimeToLive",
        format!("P{}D", d.w.history_ttl_days()),
    )]
}

pub(super) fn node_attrs(d: &mut Dialect, n: &Node) -> Vec<(&'static str, String)> {
    common_notes(d, n);
    match n.kind {
        NodeKind::StartEvent => vec![("camunda:initiator", "initiator".into())],
        NodeKind::UserTask => {
            let (groups, users) = candidates(n);
            let mut a = Vec::new();
            if n.owners.iter().any(|o| o == "${initiator}") {
                a.push(("camunda:assignee", "${initiator}".to_string()));
            }
            if !groups.is_empty() {
                a.push(("camunda:candidateGroups", groups.join(",")));
            }
            if !users.is_empty() {
                a.push(("camunda:candidateUsers", users.join(",")));
            }
            let expressions = n.owners.iter().any(|o| {
                !(o.starts_with("group(") || o.starts_with("user(") || o == "${initiator}")
            });
            if expressions {
                d.note(
                    Some(n.block),
                    &n.id,
                    "Zuständigkeit als Ausdruck: bleibt als potentialOwner-Text in der Fachwerk-Erweiterung, die Engine weist die Aufgabe nicht zu.".into(),
                    "Assignment expression: kept as text in Fachwerk's extension, the engine does not assign the task.".into(),
                );
            }
            a
        }
        NodeKind::ServiceTask | NodeKind::SendTask => vec![
            ("camunda:type", "external".into()),
            ("camunda:topic", topic(d.w, n)),
        ],
        _ => Vec::new(),
    }
}

fn form_field(f: &Field) -> Ext {
    let ty = match f.field_type {
        FieldType::Int => "long",
        FieldType::Bool => "boolean",
        FieldType::Date => "date",
        FieldType::Enum => "enum",
        FieldType::Money | FieldType::Text => "string",
    };
    let label = if f.label.trim().is_empty() {
        f.name.clone()
    } else {
        f.label.clone()
    };
    let mut e = Ext::new(
        "camunda:formField",
        vec![
            ("id", f.name.clone()),
            ("label", label),
            ("type", ty.into()),
        ],
    );
    if f.required {
        e.children.push(Ext {
            name: "camunda:validation",
            attrs: Vec::new(),
            children: vec![Ext::new(
                "camunda:constraint",
                vec![("name", "required".into())],
            )],
        });
    }
    for v in &f.values {
        e.children.push(Ext::new(
            "camunda:value",
            vec![("id", v.clone()), ("name", v.clone())],
        ));
    }
    e
}

pub(super) fn node_ext(d: &mut Dialect, n: &Node) -> Vec<Ext> {
    if n.kind != NodeKind::UserTask {
        return Vec::new();
    }
    let mut fields: Vec<Ext> = d.w.fields.iter().map(form_field).collect();
    let outcomes = outcomes(d, n);
    if !outcomes.is_empty() {
        fields.push(Ext {
            name: "camunda:formField",
            attrs: vec![
                ("id", "outcome".into()),
                ("label", "Ergebnis / Outcome".into()),
                ("type", "enum".into()),
            ],
            children: outcomes
                .into_iter()
                .map(|o| Ext::new("camunda:value", vec![("id", o.clone()), ("name", o)]))
                .collect(),
        });
    }
    if fields.is_empty() {
        return Vec::new();
    }
    vec![Ext {
        name: "camunda:formData",
        attrs: Vec::new(),
        children: fields,
    }]
}

fn juel(feel: &str) -> Result<String, String> {
    let e = parse(feel).map_err(|e| e.to_string())?;
    to_juel(&e).map(|j| format!("${{{j}}}")).map_err(|u| u.0)
}

/// `${…}` JUEL of a FEEL condition; what JUEL cannot express stays FEEL with a note.
pub(super) fn condition(d: &mut Dialect, block: usize, element: &str, feel: &str) -> Formal {
    match juel(feel) {
        Ok(j) => (None, j),
        Err(why) => {
            d.note(
                Some(block),
                element,
                format!("Bedingung „{feel}“ hat keine JUEL-Entsprechung ({why}); sie bleibt FEEL und braucht in Camunda 7 eine FEEL-Script-Engine."),
                format!("Condition \"{feel}\" has no JUEL equivalent ({why}); it stays FEEL and needs a FEEL script engine in Camunda 7."),
            );
            (Some(FEEL_LANGUAGE), feel.to_string())
        }
    }
}

/// A timer date over a date field: Camunda 7 evaluates timer expressions only as JUEL.
pub(super) fn timer_date(d: &mut Dialect, n: &Node, feel: &str) -> Formal {
    match juel(feel) {
        Ok(j) => (None, j),
        Err(why) => {
            d.note(
                Some(n.block),
                &n.id,
                format!("Termin „{feel}“ hat keine JUEL-Entsprechung ({why}); Camunda 7 wertet Timer-Ausdrücke nur als JUEL aus: vor dem Deployment den Termin als Variable (ISO-Datum) setzen und `${{variable}}` eintragen."),
                format!("Date \"{feel}\" has no JUEL equivalent ({why}); Camunda 7 evaluates timer expressions only as JUEL: before deploying, compute the date into a variable (ISO date) and write `${{variable}}`."),
            );
            (Some(FEEL_LANGUAGE), feel.to_string())
        }
    }
}
