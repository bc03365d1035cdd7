//! What a Fachwerk export's process holds, gathered element by element by either reader (the
//! element tree in `import` or the streaming reader in `fast`) and assembled into the workflow
//! with the same code, so both readers give the same answer.

use std::borrow::Cow;
use std::collections::HashMap;

use super::export::FwWorkflow;
use super::geometry::{Bounds, Shape};
use super::plan::{display_name, primary_bounds};
use super::ImportNote;
use crate::model::*;

/// What the import needs of a process child: its id, name, element name and line.
pub(crate) struct ElInfo<'a> {
    pub id: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    pub local: &'a str,
    pub line: usize,
}

impl ElInfo<'_> {
    pub(crate) fn note(&self, de: String, en: String) -> ImportNote {
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
    pub bounds: Option<Bounds>,
}

/// The process children of a Fachwerk export, collected by either reader, then assembled into
/// the workflow.
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

    /// A note about the file that is not about one block or edge.
    pub(crate) fn note(&mut self, note: ImportNote) {
        self.notes.push(note);
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
            history_time_to_live_days: meta.history_time_to_live_days,
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
