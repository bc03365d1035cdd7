//! Reads BPMN 2.0 XML into a workflow.
//!
//! A Fachwerk export (recognised by `fw:workflow` in the process' extension elements) is read
//! back from the extension data, so the result equals the exported workflow. Two edits made in
//! another modeler are picked up: a changed element name becomes the block's label, and moved
//! or resized block shapes move/resize the block. Elements added in another tool are named in
//! notes. Any other BPMN file goes through the mapping in `foreign`.

use std::collections::HashMap;

use super::export::FwWorkflow;
use super::foreign;
use super::plan::{display_name, primary_bounds};
use super::xml::{self, Element};
use super::{geometry::Shape, ImportError, ImportNote, BPMNDI_NS, BPMN_NS, DC_NS, DI_NS, FW_NS};
use crate::model::*;

/// Imports BPMN 2.0 XML. See the module documentation of [`crate::bpmn`].
pub fn from_bpmn(xml: &str) -> Result<(Workflow, Vec<ImportNote>), ImportError> {
    let root = xml::parse(xml)?;
    if !root.is(BPMN_NS, "definitions") {
        let detail = if root.local == "definitions" {
            format!(
                "the root element <definitions> is in namespace {:?}, expected {BPMN_NS}",
                &*root.ns
            )
        } else {
            format!(
                "the root element is <{}>, expected <definitions> in namespace {BPMN_NS}",
                root.local
            )
        };
        return Err(ImportError::NotBpmn { detail });
    }
    let processes: Vec<&Element> = root.children_named(BPMN_NS, "process").collect();
    if processes.is_empty() {
        return Err(ImportError::NoProcess);
    }
    let mut notes = Vec::new();
    for p in &processes {
        let Some(fw) = p
            .child(BPMN_NS, "extensionElements")
            .and_then(|x| x.child(FW_NS, "workflow"))
        else {
            continue;
        };
        match fachwerk(&root, p, fw) {
            Ok(r) => return Ok(r),
            Err(e) => notes.push(note(
                fw,
                format!("Die Fachwerk-Erweiterung ist beschädigt ({e}); die Datei wird wie BPMN aus einem anderen Werkzeug gelesen."),
                format!("The Fachwerk extension is damaged ({e}); the file is read like BPMN from another tool."),
            )),
        }
    }
    let (w, more) = foreign::import(&root, &processes);
    notes.extend(more);
    Ok((w, notes))
}

pub(crate) fn note(el: &Element, de: String, en: String) -> ImportNote {
    ImportNote {
        element_id: el.attr("id").unwrap_or_default().to_string(),
        element_type: el.local.clone(),
        line: el.line,
        message_de: de,
        message_en: en,
    }
}

/// `dc:Bounds` of a shape, rounded.
pub(crate) fn di_bounds(shape: &Element) -> Option<super::geometry::Bounds> {
    let b = shape.child(DC_NS, "Bounds")?;
    let num = |k: &str| -> Option<i32> {
        let v: f64 = b.attr(k)?.trim().parse().ok()?;
        v.is_finite()
            .then(|| v.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32)
    };
    Some(super::geometry::Bounds {
        x: num("x")?,
        y: num("y")?,
        w: num("width")?,
        h: num("height")?,
    })
}

pub(crate) fn di_waypoints(edge: &Element) -> Vec<Point> {
    edge.children_named(DI_NS, "waypoint")
        .filter_map(|p| {
            let x: f64 = p.attr("x")?.trim().parse().ok()?;
            let y: f64 = p.attr("y")?.trim().parse().ok()?;
            (x.is_finite() && y.is_finite()).then(|| Point {
                x: x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32,
                y: y.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32,
            })
        })
        .collect()
}

/// Shapes and edges of all diagrams, by the id of the BPMN element they draw.
pub(crate) struct Diagram<'a> {
    pub shapes: HashMap<&'a str, &'a Element>,
    pub edges: HashMap<&'a str, &'a Element>,
    pub planes: Vec<&'a Element>,
}

pub(crate) fn diagram(root: &Element) -> Diagram<'_> {
    let mut d = Diagram {
        shapes: HashMap::new(),
        edges: HashMap::new(),
        planes: Vec::new(),
    };
    for diag in root.children_named(BPMNDI_NS, "BPMNDiagram") {
        for plane in diag.children_named(BPMNDI_NS, "BPMNPlane") {
            d.planes.push(plane);
            for el in &plane.children {
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

fn ext_child<'a>(el: &'a Element, local: &str) -> Option<&'a Element> {
    el.child(BPMN_NS, "extensionElements")
        .and_then(|x| x.child(FW_NS, local))
}

fn occurrence(el: &Element) -> usize {
    el.attr("n").and_then(|n| n.parse().ok()).unwrap_or(0)
}

fn parse_rect(s: &str) -> Option<Rect> {
    let v: Vec<i32> = s
        .split_whitespace()
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<i32>>>()?;
    match v.as_slice() {
        [x, y, w, h] => Some(Rect {
            x: *x,
            y: *y,
            w: *w,
            h: *h,
        }),
        _ => None,
    }
}

/// Reads a Fachwerk export back. Errors only when the workflow extension itself is unusable.
fn fachwerk(
    root: &Element,
    process: &Element,
    fw: &Element,
) -> Result<(Workflow, Vec<ImportNote>), String> {
    let meta: FwWorkflow = serde_json::from_str(&fw.text).map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    let mut blocks: HashMap<(BlockId, usize), (Block, &Element)> = HashMap::new();
    let mut block_xml_order: Vec<(BlockId, usize)> = Vec::new();
    let mut edges: HashMap<(EdgeId, usize), (Edge, &Element)> = HashMap::new();
    for el in &process.children {
        if &*el.ns != BPMN_NS
            || matches!(
                el.local.as_str(),
                "extensionElements" | "documentation" | "laneSet"
            )
        {
            continue;
        }
        let id = el.attr("id").unwrap_or_default();
        if let Some(fb) = ext_child(el, "block") {
            match serde_json::from_str::<Block>(&fb.text) {
                Ok(b) => {
                    let key = (b.id.clone(), occurrence(fb));
                    block_xml_order.push(key.clone());
                    blocks.insert(key, (b, el));
                }
                Err(e) => notes.push(note(
                    el,
                    format!("Die Baustein-Daten sind beschädigt und wurden übersprungen: {e}"),
                    format!("The block data are damaged and were skipped: {e}"),
                )),
            }
        } else if let Some(fe) = ext_child(el, "edge") {
            match serde_json::from_str::<Edge>(&fe.text) {
                Ok(e) => {
                    edges.insert((e.id.clone(), occurrence(fe)), (e, el));
                }
                Err(e) => notes.push(note(
                    el,
                    format!("Die Kanten-Daten sind beschädigt und wurden übersprungen: {e}"),
                    format!("The edge data are damaged and were skipped: {e}"),
                )),
            }
        } else if !(id.starts_with("Helper_") || id.starts_with("HelperFlow_")) {
            notes.push(note(
                el,
                "Dieses Element wurde außerhalb von Fachwerk hinzugefügt und wird nicht übernommen.".into(),
                "This element was added outside Fachwerk and is not imported.".into(),
            ));
        }
    }
    let di = diagram(root);

    let mut w = Workflow {
        schema_version: meta.schema_version,
        key: meta.key,
        name: meta.name,
        description: meta.description,
        version: meta.version,
        next_id: meta.next_id,
        fields: meta.fields,
        roles: meta.roles,
        blocks: Vec::with_capacity(meta.block_order.len()),
        edges: Vec::with_capacity(meta.edge_order.len()),
        layout: Layout::default(),
        lineage: meta.lineage.clone(),
        template_params: meta.template_params.clone(),
        test_cases: meta.test_cases.clone(),
    };

    let mut counter: HashMap<&BlockId, usize> = HashMap::new();
    let mut placed: Vec<(Block, &Element, usize)> = Vec::with_capacity(meta.block_order.len());
    for id in &meta.block_order {
        let c = counter.entry(id).or_insert(0);
        let n = *c;
        *c += 1;
        match blocks.remove(&(id.clone(), n)) {
            Some((b, el)) => placed.push((b, el, n)),
            None => notes.push(ImportNote {
                element_id: super::block_element_id(&id.0),
                element_type: String::new(),
                line: 0,
                message_de: format!("Baustein „{id}“ fehlt in der Datei."),
                message_en: format!("Block “{id}” is missing from the file."),
            }),
        }
    }
    for key in block_xml_order {
        if let Some((b, el)) = blocks.remove(&key) {
            placed.push((b, el, key.1));
        }
    }
    for (mut b, el, n) in placed {
        let exported = b.clone();
        if let Some(name) = el.attr("name") {
            if name != display_name(&b) {
                b.label = name.to_string();
            }
        }
        if n == 0 {
            let shape = el.attr("id").and_then(|id| di.shapes.get(id));
            if let Some(mut rect) = shape
                .and_then(|s| s.attr_ns(FW_NS, "rect"))
                .and_then(parse_rect)
            {
                if let (Some(actual), Some((expected, kind))) = (
                    shape.and_then(|s| di_bounds(s)),
                    primary_bounds(&exported, rect),
                ) {
                    if actual != expected {
                        rect.x = rect.x.saturating_add(actual.x.saturating_sub(expected.x));
                        rect.y = rect.y.saturating_add(actual.y.saturating_sub(expected.y));
                        if kind == Shape::Task {
                            rect.w = rect
                                .w
                                .saturating_add(actual.w.saturating_sub(expected.w))
                                .max(1);
                            rect.h = rect
                                .h
                                .saturating_add(actual.h.saturating_sub(expected.h))
                                .max(1);
                        }
                    }
                }
                w.layout.blocks.insert(b.id.clone(), rect);
            }
        }
        w.blocks.push(b);
    }

    let mut dangling: HashMap<EdgeId, std::collections::VecDeque<Edge>> = HashMap::new();
    for e in meta.dangling_edges {
        dangling.entry(e.id.clone()).or_default().push_back(e);
    }
    let mut counter: HashMap<&EdgeId, usize> = HashMap::new();
    for id in &meta.edge_order {
        let c = counter.entry(id).or_insert(0);
        let n = *c;
        *c += 1;
        if let Some((e, el)) = edges.remove(&(id.clone(), n)) {
            if n == 0 {
                let routed = el
                    .attr("id")
                    .and_then(|fid| di.edges.get(fid))
                    .filter(|de| de.attr_ns(FW_NS, "routed") == Some("true"));
                if let Some(de) = routed {
                    let pts = di_waypoints(de);
                    let inner = if pts.len() >= 2 {
                        pts[1..pts.len() - 1].to_vec()
                    } else {
                        Vec::new()
                    };
                    w.layout.edges.insert(e.id.clone(), inner);
                }
            }
            w.edges.push(e);
        } else if let Some(e) = dangling.get_mut(id).and_then(|q| q.pop_front()) {
            w.edges.push(e);
        } else {
            notes.push(ImportNote {
                element_id: format!("Flow_{}", super::escape_id(&id.0)),
                element_type: "sequenceFlow".into(),
                line: 0,
                message_de: format!("Kante „{id}“ fehlt in der Datei."),
                message_en: format!("Edge “{id}” is missing from the file."),
            });
        }
    }
    let mut rest: Vec<(Edge, &Element)> = edges.into_values().collect();
    rest.sort_by_key(|(_, el)| el.line);
    w.edges.extend(rest.into_iter().map(|(e, _)| e));

    for plane in &di.planes {
        if let Some(o) = plane.attr_ns(FW_NS, "orphanLayout") {
            if let Ok(l) = serde_json::from_str::<Layout>(o) {
                for (k, v) in l.blocks {
                    w.layout.blocks.entry(k).or_insert(v);
                }
                for (k, v) in l.edges {
                    w.layout.edges.entry(k).or_insert(v);
                }
            }
        }
    }
    Ok((w, notes))
}
