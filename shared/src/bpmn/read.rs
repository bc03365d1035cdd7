//! Helpers both readers share: import notes on elements and the diagram (BPMNDI) lookups.

use super::geometry::Bounds;
use super::xml::Element;
use super::{ImportNote, BPMNDI_NS, BPMN_NS, DC_NS, DI_NS};
use crate::model::Point;
use crate::validate::{id_map, IdMap};

/// A note on element `el` (its id, element name and line).
pub(crate) fn note(el: Element, de: String, en: String) -> ImportNote {
    ImportNote {
        element_id: el.attr("id").unwrap_or_default().to_string(),
        element_type: el.local().to_string(),
        line: el.line(),
        message_de: de,
        message_en: en,
    }
}

/// `dc:Bounds` of a shape, rounded.
pub(crate) fn di_bounds(shape: Element) -> Option<Bounds> {
    let b = shape.child(DC_NS, "Bounds")?;
    bounds_of(|k| b.attr(k))
}

/// Bounds from the attributes `x`, `y`, `width`, `height` (numbers, rounded).
pub(crate) fn bounds_of<'v>(attr: impl Fn(&str) -> Option<&'v str>) -> Option<Bounds> {
    let num = |k: &str| -> Option<i32> {
        let v: f64 = attr(k)?.trim().parse().ok()?;
        v.is_finite()
            .then(|| v.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32)
    };
    Some(Bounds {
        x: num("x")?,
        y: num("y")?,
        w: num("width")?,
        h: num("height")?,
    })
}

/// A waypoint from its `x` and `y` attributes (rounded).
pub(crate) fn point_of(x: Option<&str>, y: Option<&str>) -> Option<Point> {
    let x: f64 = x?.trim().parse().ok()?;
    let y: f64 = y?.trim().parse().ok()?;
    (x.is_finite() && y.is_finite()).then(|| Point {
        x: x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32,
        y: y.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32,
    })
}

pub(crate) fn di_waypoints(edge: Element) -> Vec<Point> {
    edge.children_named(DI_NS, "waypoint")
        .filter_map(|p| point_of(p.attr("x"), p.attr("y")))
        .collect()
}

/// Shapes and edges of all diagrams, by the id of the BPMN element they draw.
pub(crate) struct Diagram<'a> {
    pub shapes: IdMap<&'a str, Element<'a>>,
    pub edges: IdMap<&'a str, Element<'a>>,
    pub planes: Vec<Element<'a>>,
}

pub(crate) fn diagram<'a>(root: Element<'a>) -> Diagram<'a> {
    let mut d = Diagram {
        shapes: id_map(0),
        edges: id_map(0),
        planes: Vec::new(),
    };
    for diag in root.children_named(BPMNDI_NS, "BPMNDiagram") {
        for plane in diag.children_named(BPMNDI_NS, "BPMNPlane") {
            d.planes.push(plane);
            for el in plane.children() {
                let Some(target) = el.attr("bpmnElement") else {
                    continue;
                };
                if el.is(BPMNDI_NS, "BPMNShape") {
                    d.shapes.entry(target).or_insert(el);
                } else if el.is(BPMNDI_NS, "BPMNEdge") {
                    d.edges.entry(target).or_insert(el);
                }
            }
        }
    }
    d
}

/// Children of a flow node or sequence flow that the readers read, besides event definitions
/// and multi-instance characteristics.
const READ_CHILDREN: &[&str] = &[
    "incoming",
    "outgoing",
    "documentation",
    "extensionElements",
    "potentialOwner",
    "humanPerformer",
    "performer",
    "conditionExpression",
];

/// Whether the readers read a BPMN child of this name in a flow node or sequence flow.
pub(crate) fn is_read_child_name(local: &str) -> bool {
    READ_CHILDREN.contains(&local)
        || local.ends_with("EventDefinition")
        || local == "multiInstanceLoopCharacteristics"
}

/// Whether the readers read child `c` of a flow node or sequence flow; `multi_instance` says
/// whether a `multiInstanceLoopCharacteristics` counts.
pub(crate) fn is_read_child(c: Element, multi_instance: bool) -> bool {
    c.ns() == BPMN_NS
        && if c.local() == "multiInstanceLoopCharacteristics" {
            multi_instance
        } else {
            is_read_child_name(c.local())
        }
}

/// The note for child `c` of `parent` that is not read; its content goes with it.
pub(crate) fn unread_child_note(c: Element, parent: Element) -> ImportNote {
    let (local, id) = (c.local(), parent.attr("id").unwrap_or_default());
    note(
        c,
        format!("Das Element „{local}“ in „{id}“ hat keine Entsprechung in Fachwerk und wird samt Inhalt nicht übernommen."),
        format!("The element “{local}” in “{id}” has no counterpart in Fachwerk and is not imported, nor is its content."),
    )
}

/// The note for an element of another namespace directly in the process.
pub(crate) fn unknown_element_note(el: Element) -> ImportNote {
    let local = el.local();
    note(
        el,
        format!("Unbekanntes Element „{local}“ wird nicht übernommen."),
        format!("Unknown element “{local}” is not imported."),
    )
}
