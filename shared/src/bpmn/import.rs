//! Reads BPMN 2.0 XML into a workflow.
//!
//! A Fachwerk export (recognised by `fw:workflow` in the process' extension elements) is read
//! back from the extension data, so the result equals the exported workflow. Two edits made in
//! another modeler are picked up: a changed element name becomes the block's label, and moved
//! or resized block shapes move/resize the block. Elements added in another tool are named in
//! notes. Any other BPMN file goes through the mapping in `foreign`.

use std::borrow::Cow;
use std::collections::HashMap;

use super::export::FwWorkflow;
use super::foreign;
use super::plan::{display_name, primary_bounds};
use super::xml::{self, Element};
use super::{geometry::Shape, ImportError, ImportNote, BPMNDI_NS, BPMN_NS, DC_NS, DI_NS, FW_NS};
use crate::model::*;

/// Imports BPMN 2.0 XML. See the module documentation of [`crate::bpmn`].
pub fn from_bpmn(xml: &str) -> Result<(Workflow, Vec<ImportNote>), ImportError> {
    // A well-formed Fachwerk export is read in one streaming pass; anything else (errors,
    // other tools' files, unusual XML) takes the general path over the element tree.
    if let Some(r) = super::fast::import(xml) {
        return Ok(r);
    }
    from_bpmn_tree(xml)
}

/// The general path of [`from_bpmn`]: the element tree of [`xml::parse`].
pub(crate) fn from_bpmn_tree(xml: &str) -> Result<(Workflow, Vec<ImportNote>), ImportError> {
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
    bounds_of(|k| b.attr(k))
}

/// Bounds from the attributes `x`, `y`, `width`, `height` (numbers, rounded).
pub(crate) fn bounds_of<'v>(
    attr: impl Fn(&str) -> Option<&'v str>,
) -> Option<super::geometry::Bounds> {
    let num = |k: &str| -> Option<i32> {
        let v: f64 = attr(k)?.trim().parse().ok()?;
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

/// A waypoint from its `x` and `y` attributes (rounded).
pub(crate) fn point_of(x: Option<&str>, y: Option<&str>) -> Option<Point> {
    let x: f64 = x?.trim().parse().ok()?;
    let y: f64 = y?.trim().parse().ok()?;
    (x.is_finite() && y.is_finite()).then(|| Point {
        x: x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32,
        y: y.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32,
    })
}

pub(crate) fn di_waypoints(edge: &Element) -> Vec<Point> {
    edge.children_named(DI_NS, "waypoint")
        .filter_map(|p| point_of(p.attr("x"), p.attr("y")))
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
    let mut g = Gathered::new(meta);
    for el in &process.children {
        if &*el.ns != BPMN_NS
            || matches!(
                el.local.as_str(),
                "extensionElements" | "documentation" | "laneSet"
            )
        {
            continue;
        }
        let info = ElInfo {
            id: el.attr("id").map(Cow::Borrowed),
            name: el.attr("name").map(Cow::Borrowed),
            local: &el.local,
            line: el.line,
        };
        let ext = el.child(BPMN_NS, "extensionElements");
        let block = ext.and_then(|x| x.child(FW_NS, "block"));
        let edge = ext.and_then(|x| x.child(FW_NS, "edge"));
        g.element(
            info,
            block.map(|b| (b.text.as_str(), occurrence(b.attr("n")))),
            edge.map(|e| (e.text.as_str(), occurrence(e.attr("n")))),
        );
    }
    let di = diagram(root);
    let shape = |id: &str| {
        di.shapes.get(id).map(|s| ShapeDi {
            rect: s.attr_ns(FW_NS, "rect").map(Cow::Borrowed),
            bounds: di_bounds(s),
        })
    };
    let routed = |id: &str| {
        di.edges
            .get(id)
            .filter(|de| de.attr_ns(FW_NS, "routed") == Some("true"))
            .map(|de| di_waypoints(de))
    };
    let orphans: Vec<&str> = di
        .planes
        .iter()
        .filter_map(|p| p.attr_ns(FW_NS, "orphanLayout"))
        .collect();
    Ok(g.assemble(shape, routed, &orphans))
}

/// What the import needs of a process child: its id, name, element name and line.
pub(crate) struct ElInfo<'a> {
    pub id: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    pub local: &'a str,
    pub line: usize,
}

impl ElInfo<'_> {
    fn note(&self, de: String, en: String) -> ImportNote {
        ImportNote {
            element_id: self.id.as_deref().unwrap_or_default().to_string(),
            element_type: self.local.to_string(),
            line: self.line,
            message_de: de,
            message_en: en,
        }
    }
}

/// The diagram data of a block's shape: `fw:rect` and the `dc:Bounds`.
pub(crate) struct ShapeDi<'a> {
    pub rect: Option<Cow<'a, str>>,
    pub bounds: Option<super::geometry::Bounds>,
}

/// The process children of a Fachwerk export, collected by either reader (the tree of
/// [`xml::parse`] or the streaming reader in `fast`), then assembled into the workflow.
pub(crate) struct Gathered<'a> {
    meta: FwWorkflow,
    notes: Vec<ImportNote>,
    blocks: HashMap<(BlockId, usize), (Block, ElInfo<'a>)>,
    block_xml_order: Vec<(BlockId, usize)>,
    edges: HashMap<(EdgeId, usize), (Edge, ElInfo<'a>)>,
}

pub(crate) fn occurrence(n: Option<&str>) -> usize {
    n.and_then(|n| n.parse().ok()).unwrap_or(0)
}

impl<'a> Gathered<'a> {
    pub(crate) fn new(meta: FwWorkflow) -> Gathered<'a> {
        let (nb, ne) = (meta.block_order.len(), meta.edge_order.len());
        Gathered {
            meta,
            notes: Vec::new(),
            blocks: HashMap::with_capacity(nb),
            block_xml_order: Vec::with_capacity(nb),
            edges: HashMap::with_capacity(ne),
        }
    }

    /// One BPMN child of the process (not `extensionElements`, `documentation`, `laneSet`),
    /// with the text and occurrence of its first `fw:block` / `fw:edge` (both looked up in its
    /// first `extensionElements`).
    pub(crate) fn element(
        &mut self,
        el: ElInfo<'a>,
        block: Option<(&str, usize)>,
        edge: Option<(&str, usize)>,
    ) {
        if let Some((text, n)) = block {
            match serde_json::from_str::<Block>(text) {
                Ok(b) => {
                    let key = (b.id.clone(), n);
                    self.block_xml_order.push(key.clone());
                    self.blocks.insert(key, (b, el));
                }
                Err(e) => self.notes.push(el.note(
                    format!("Die Baustein-Daten sind beschädigt und wurden übersprungen: {e}"),
                    format!("The block data are damaged and were skipped: {e}"),
                )),
            }
        } else if let Some((text, n)) = edge {
            match serde_json::from_str::<Edge>(text) {
                Ok(e) => {
                    self.edges.insert((e.id.clone(), n), (e, el));
                }
                Err(e) => self.notes.push(el.note(
                    format!("Die Kanten-Daten sind beschädigt und wurden übersprungen: {e}"),
                    format!("The edge data are damaged and were skipped: {e}"),
                )),
            }
        } else {
            let id = el.id.as_deref().unwrap_or_default();
            if !(id.starts_with("Helper_") || id.starts_with("HelperFlow_")) {
                self.notes.push(el.note(
                    "Dieses Element wurde außerhalb von Fachwerk hinzugefügt und wird nicht übernommen.".into(),
                    "This element was added outside Fachwerk and is not imported.".into(),
                ));
            }
        }
    }

    /// The workflow: blocks and edges in model order, layout from the diagram (`shape`: the
    /// shape drawing an element id; `routed`: the waypoints of a routed edge), orphaned layout
    /// entries from the planes.
    pub(crate) fn assemble<'s>(
        self,
        shape: impl Fn(&str) -> Option<ShapeDi<'s>>,
        routed: impl Fn(&str) -> Option<Vec<Point>>,
        orphans: &[&str],
    ) -> (Workflow, Vec<ImportNote>) {
        let Gathered {
            meta,
            mut notes,
            mut blocks,
            block_xml_order,
            mut edges,
        } = self;
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
        let mut placed: Vec<(Block, ElInfo<'_>, usize)> =
            Vec::with_capacity(meta.block_order.len());
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
            // The layout is read against the block as exported (before a renamed label is
            // taken over).
            if n == 0 {
                let shape = el.id.as_deref().and_then(&shape);
                if let Some(mut rect) = shape
                    .as_ref()
                    .and_then(|s| s.rect.as_deref())
                    .and_then(parse_rect)
                {
                    if let (Some(actual), Some((expected, kind))) = (
                        shape.as_ref().and_then(|s| s.bounds),
                        primary_bounds(&b, rect),
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
            if let Some(name) = el.name.as_deref() {
                if name != display_name(&b) {
                    b.label = name.to_string();
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
                    if let Some(pts) = el.id.as_deref().and_then(&routed) {
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
        let mut rest: Vec<(Edge, ElInfo<'_>)> = edges.into_values().collect();
        rest.sort_by_key(|(_, el)| el.line);
        w.edges.extend(rest.into_iter().map(|(e, _)| e));

        for o in orphans {
            if let Ok(l) = serde_json::from_str::<Layout>(o) {
                for (k, v) in l.blocks {
                    w.layout.blocks.entry(k).or_insert(v);
                }
                for (k, v) in l.edges {
                    w.layout.edges.entry(k).or_insert(v);
                }
            }
        }
        (w, notes)
    }
}
