//! Camunda 8 / Zeebe: `zeebe:` extension elements, FEEL with the leading `=`, job types,
//! message subscriptions.

use super::{candidates, common_notes, forms, outcomes, topic, Dialect, Ext};
use crate::bpmn::plan::{EventDef, Node, NodeKind};
use crate::expr::SYSTEM_FIELD_AKTENZEICHEN;

pub const ZEEBE_NS: &str = "http://camunda.org/schema/zeebe/1.0";
pub const MODELER_NS: &str = "http://camunda.org/schema/modeler/1.0";
/// The Camunda 8 version the export targets.
pub const PLATFORM_VERSION: &str = "8.8.0";

pub(super) fn definitions_attrs() -> Vec<(&'static str, String)> {
    vec![
        ("xmlns:zeebe", ZEEBE_NS.into()),
        ("xmlns:modeler", MODELER_NS.into()),
        ("modeler:executionPlatform", "Camunda Cloud".into()),
        ("modeler:executionPlatformVersion", PLATFORM_VERSION.into()),
    ]
}

pub(super) fn node_ext(d: &mut Dialect, n: &Node) -> Vec<Ext> {
    common_notes(d, n);
    let mut v = Vec::new();
    match n.kind {
        NodeKind::UserTask => {
            v.push(Ext::new("zeebe:userTask", Vec::new()));
            let (groups, users) = candidates(n);
            let mut a = Vec::new();
            if !groups.is_empty() {
                a.push(("candidateGroups", groups.join(",")));
            }
            if !users.is_empty() {
                a.push(("candidateUsers", users.join(",")));
            }
            if !a.is_empty() {
                v.push(Ext::new("zeebe:assignmentDefinition", a));
            }
            let outcomes = outcomes(d, n);
            if !d.w.fields.is_empty() || !outcomes.is_empty() {
                let label =
                    d.w.blocks
                        .get(n.block)
                        .map(|b| b.label.clone())
                        .unwrap_or_default();
                let form = forms::task_form(d.w, &n.id, &label, &outcomes);
                v.push(Ext::new(
                    "zeebe:formDefinition",
                    vec![("formId", form.id.clone())],
                ));
                d.add_form(form);
            }
        }
        NodeKind::ServiceTask | NodeKind::SendTask => {
            v.push(Ext::new(
                "zeebe:taskDefinition",
                vec![("type", topic(d.w, n))],
            ));
        }
        _ => {}
    }
    v
}

/// Zeebe loops over a collection: one element per participant.
pub(super) fn loop_ext(cardinality: usize) -> Vec<Ext> {
    vec![Ext::new(
        "zeebe:loopCharacteristics",
        vec![
            (
                "inputCollection",
                format!("=for i in 1..{} return i", cardinality.max(1)),
            ),
            ("inputElement", "teilnahme".into()),
        ],
    )]
}

/// Messages caught inside a running instance are correlated by the Aktenzeichen.
pub(super) fn message_ext(d: &Dialect, message_id: &str) -> Vec<Ext> {
    let caught_inside = d.p.nodes.iter().any(|n| {
        n.kind != NodeKind::StartEvent
            && (n.message_ref.as_deref() == Some(message_id)
                || matches!(&n.event, Some(EventDef::Message(m)) if m == message_id))
    });
    if !caught_inside {
        return Vec::new();
    }
    vec![Ext::new(
        "zeebe:subscription",
        vec![("correlationKey", format!("={SYSTEM_FIELD_AKTENZEICHEN}"))],
    )]
}
