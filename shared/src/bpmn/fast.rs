//! The streaming reader of Fachwerk's own exports: one pass over the XML events, no element
//! tree, text borrowed from the input wherever possible.
//!
//! It gives up (returns `None`) on anything outside what `to_bpmn` writes — namespace
//! declarations below the root, comments, CDATA, processing instructions, unbound prefixes,
//! several processes, a missing or unreadable `fw:workflow`, and every XML error — and
//! `from_bpmn` then takes the general path over the element tree, which reports errors and
//! notes. When it does answer, the answer equals the general path's: both feed the same
//! [`Gathered`] with the same data and assemble the workflow with the same code.

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::export::FwWorkflow;
use super::gather::{occurrence, ElInfo, Gathered, ShapeDi};
use super::read::{bounds_of, is_read_child_name, point_of};
use super::xml::{append, keep, reborrow, split_qname};
use super::{BPMNDI_NS, BPMN_NS, DC_NS, DI_NS, FW_NS, MAX_DEPTH, MAX_ELEMENTS, MAX_INPUT_BYTES};
use crate::model::{Point, Workflow};
use crate::validate::{id_map, IdMap};

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Namespaces the reader tells apart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ns {
    None,
    Bpmn,
    BpmnDi,
    Dc,
    Di,
    Fw,
    Other,
}

fn ns_of(uri: &str) -> Ns {
    match uri {
        BPMN_NS => Ns::Bpmn,
        BPMNDI_NS => Ns::BpmnDi,
        DC_NS => Ns::Dc,
        DI_NS => Ns::Di,
        FW_NS => Ns::Fw,
        "" => Ns::None,
        _ => Ns::Other,
    }
}

/// What an open element is to the reader.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Root,
    Process,
    /// The first `extensionElements` of the process.
    ProcessExt,
    /// The first `fw:workflow` in it (text collected).
    Workflow,
    /// A BPMN child of the process (a flow element).
    Child,
    /// The child's first `extensionElements`.
    ChildExt,
    /// The first `fw:block` / `fw:edge` in it (text collected).
    BlockData,
    EdgeData,
    Diagram,
    Plane,
    /// A `BPMNShape` that is the first for its element.
    Shape,
    /// A routed `BPMNEdge` that is the first for its element (waypoints collected).
    RoutedEdge,
    Skip,
}

/// Counts lines up to increasing positions (each byte is looked at once).
struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos > self.pos {
            let chunk = self.text.get(self.pos..pos).unwrap_or_default();
            // Byte-wide counters over runs of 255 bytes let the compiler compare many bytes at
            // once (`filter().count()` looked at one byte per step).
            self.line += chunk
                .chunks(255)
                .map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
                .sum::<usize>();
            self.pos = pos;
        }
        self.line
    }
}

/// The attributes of one start tag the import reads.
#[derive(Default)]
struct Attrs<'a> {
    id: Option<Cow<'a, str>>,
    name: Option<Cow<'a, str>>,
    n: Option<Cow<'a, str>>,
    bpmn_element: Option<Cow<'a, str>>,
    fw_rect: Option<Cow<'a, str>>,
    fw_routed: Option<Cow<'a, str>>,
    fw_orphans: Option<Cow<'a, str>>,
    x: Option<Cow<'a, str>>,
    y: Option<Cow<'a, str>>,
    width: Option<Cow<'a, str>>,
    height: Option<Cow<'a, str>>,
}

fn set<'a>(slot: &mut Option<Cow<'a, str>>, v: Cow<'a, str>) {
    if slot.is_none() {
        *slot = Some(v);
    }
}

struct Prefixes<'a> {
    /// Root declarations: (prefix, namespace); prefix "" = default namespace.
    decls: Vec<(&'a str, Ns)>,
}

impl Prefixes<'_> {
    fn resolve(&self, prefix: &str) -> Option<Ns> {
        if prefix == "xml" {
            return Some(ns_of(XML_NS));
        }
        self.decls
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|(_, n)| *n)
    }
}

/// Checks and reads the attributes of a start tag as the tree reader would accept them;
/// `None` if the tag has something the streaming reader leaves to the tree reader.
/// `raw` is scratch space kept across calls (one allocation for the whole file, not one per
/// element).
fn attributes<'a>(
    text: &'a str,
    s: &BytesStart<'_>,
    prefixes: &mut Prefixes<'a>,
    is_root: bool,
    raw: &mut Vec<(&'a str, Cow<'a, str>)>,
) -> Option<Attrs<'a>> {
    let mut out = Attrs::default();
    let mut it = s.attributes();
    it.with_checks(false);
    raw.clear();
    // Namespace declarations (only on the root; no allocation elsewhere).
    let mut decl_keys: Vec<&str> = Vec::new();
    for (seen, a) in it.enumerate() {
        let a = a.ok()?;
        let key: &str = a.key.0;
        // At most 32 attributes, none twice (namespace declarations included).
        if seen >= 32 || raw.iter().any(|(k, _)| *k == key) || decl_keys.contains(&key) {
            return None;
        }
        // Entities resolved and white space normalized as in the tree reader (borrowed from
        // the input when nothing changes).
        let value = keep(
            text,
            a.normalized_value_with(XmlVersion::Implicit1_0, 1, resolve_predefined_entity)
                .ok()?,
        );
        if key == "xmlns" || key.starts_with("xmlns:") {
            if !is_root {
                return None;
            }
            let prefix = key.strip_prefix("xmlns:").unwrap_or("");
            let prefix = reborrow(text, prefix)?;
            prefixes.decls.push((prefix, ns_of(&value)));
            decl_keys.push(key);
            continue;
        }
        raw.push((reborrow(text, key)?, value));
    }
    for (key, value) in raw.drain(..) {
        let (p, local) = split_qname(key);
        let ns = if p.is_empty() {
            Ns::None
        } else {
            prefixes.resolve(p)?
        };
        match (ns, local) {
            (Ns::None, "id") => set(&mut out.id, value),
            (Ns::None, "name") => set(&mut out.name, value),
            (Ns::None, "n") => set(&mut out.n, value),
            (Ns::None, "bpmnElement") => set(&mut out.bpmn_element, value),
            (Ns::None, "x") => set(&mut out.x, value),
            (Ns::None, "y") => set(&mut out.y, value),
            (Ns::None, "width") => set(&mut out.width, value),
            (Ns::None, "height") => set(&mut out.height, value),
            (Ns::Fw, "rect") => set(&mut out.fw_rect, value),
            (Ns::Fw, "routed") => set(&mut out.fw_routed, value),
            (Ns::Fw, "orphanLayout") => set(&mut out.fw_orphans, value),
            _ => {}
        }
    }
    Some(out)
}

/// A process child read completely: its element data, the texts and occurrences of its
/// `fw:block` / `fw:edge`.
type Child<'a> = (
    ElInfo<'a>,
    Option<(Cow<'a, str>, usize)>,
    Option<(Cow<'a, str>, usize)>,
);

/// Data of the process child being read.
struct Current<'a> {
    info: ElInfo<'a>,
    block: Option<usize>,
    edge: Option<usize>,
    seen_ext: bool,
}

/// Reads a Fachwerk export in one pass; `None` hands the file to the general path.
pub(crate) fn import(xml: &str) -> Option<(Workflow, Vec<crate::bpmn::ImportNote>)> {
    if xml.len() > MAX_INPUT_BYTES {
        return None;
    }
    let text = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let mut reader = Reader::from_str(text);
    {
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
    }
    let mut lines = LineCounter {
        text: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut prefixes = Prefixes { decls: Vec::new() };
    let mut stack: Vec<Frame> = Vec::with_capacity(16);
    let mut root_done = false;
    let mut count = 0usize;
    let mut processes = 0usize;
    let mut process_ext_seen = false;
    let mut workflow_seen = false;
    let mut workflow_text = String::new();
    // Texts of fw:block / fw:edge of the current child.
    let mut block_text: Cow<'_, str> = Cow::Borrowed("");
    let mut edge_text: Cow<'_, str> = Cow::Borrowed("");
    let mut current: Option<Current<'_>> = None;
    let mut gathered: Vec<Child<'_>> = Vec::new();
    let mut shapes: IdMap<Cow<'_, str>, ShapeDi<'_>> = id_map(1024);
    let mut edges: IdMap<Cow<'_, str>, Option<Vec<Point>>> = id_map(1024);
    let mut edge_points: Vec<Point> = Vec::new();
    let mut edge_key: Option<Cow<'_, str>> = None;
    let mut shape_key: Option<Cow<'_, str>> = None;
    let mut orphans: Vec<Cow<'_, str>> = Vec::new();
    let mut raw_attrs: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(32);

    loop {
        let before = reader.buffer_position();
        let event = reader.read_event().ok()?;
        match event {
            Event::Decl(_) => {}
            Event::DocType(_) | Event::PI(_) | Event::Comment(_) | Event::CData(_) => return None,
            Event::Start(ref s) | Event::Empty(ref s) => {
                let empty = matches!(event, Event::Empty(_));
                if root_done || stack.len() >= MAX_DEPTH {
                    return None;
                }
                count += 1;
                if count > MAX_ELEMENTS {
                    return None;
                }
                let is_root = stack.is_empty();
                let attrs = attributes(text, s, &mut prefixes, is_root, &mut raw_attrs)?;
                let (p, local) = split_qname(s.name().0);
                let ns = match prefixes.resolve(p) {
                    Some(ns) => ns,
                    None if p.is_empty() => Ns::None,
                    None => return None,
                };
                let parent = stack.last().copied();
                let frame = match parent {
                    None => {
                        if (ns, local) != (Ns::Bpmn, "definitions") {
                            return None;
                        }
                        Frame::Root
                    }
                    Some(Frame::Root) => match (ns, local) {
                        (Ns::Bpmn, "process") => {
                            processes += 1;
                            if processes > 1 {
                                return None;
                            }
                            Frame::Process
                        }
                        (Ns::BpmnDi, "BPMNDiagram") => Frame::Diagram,
                        _ => Frame::Skip,
                    },
                    Some(Frame::Process) => match (ns, local) {
                        (Ns::Bpmn, "extensionElements") if !process_ext_seen => {
                            process_ext_seen = true;
                            Frame::ProcessExt
                        }
                        (Ns::Bpmn, "extensionElements" | "documentation" | "laneSet") => {
                            Frame::Skip
                        }
                        // An export has its `fw:workflow` before the first flow element; a
                        // file without one is given up here, not after reading it to the end.
                        (Ns::Bpmn, _) if !workflow_seen => return None,
                        (Ns::Bpmn, _) => {
                            let line = lines.line(usize::try_from(before).ok()?);
                            current = Some(Current {
                                info: ElInfo {
                                    id: attrs.id,
                                    name: attrs.name,
                                    local: reborrow(text, local)?,
                                    line,
                                },
                                block: None,
                                edge: None,
                                seen_ext: false,
                            });
                            block_text = Cow::Borrowed("");
                            edge_text = Cow::Borrowed("");
                            Frame::Child
                        }
                        // Elements of other namespaces are named in notes by the tree reader.
                        _ => return None,
                    },
                    Some(Frame::ProcessExt) => match (ns, local) {
                        (Ns::Fw, "workflow") if !workflow_seen => {
                            workflow_seen = true;
                            Frame::Workflow
                        }
                        _ => Frame::Skip,
                    },
                    Some(Frame::Child) => {
                        let c = current.as_mut()?;
                        match (ns, local) {
                            (Ns::Bpmn, "extensionElements") if !c.seen_ext => {
                                c.seen_ext = true;
                                Frame::ChildExt
                            }
                            (Ns::Bpmn, l) if is_read_child_name(l) => Frame::Skip,
                            // Anything else was added in another tool: the tree reader names it.
                            _ => return None,
                        }
                    }
                    Some(Frame::ChildExt) => {
                        let c = current.as_mut()?;
                        match (ns, local) {
                            (Ns::Fw, "block") if c.block.is_none() => {
                                c.block = Some(occurrence(attrs.n.as_deref()));
                                Frame::BlockData
                            }
                            (Ns::Fw, "edge") if c.edge.is_none() => {
                                c.edge = Some(occurrence(attrs.n.as_deref()));
                                Frame::EdgeData
                            }
                            _ => Frame::Skip,
                        }
                    }
                    // Data elements have only text in an export.
                    Some(Frame::Workflow | Frame::BlockData | Frame::EdgeData) => return None,
                    Some(Frame::Diagram) => match (ns, local) {
                        (Ns::BpmnDi, "BPMNPlane") => {
                            if let Some(o) = attrs.fw_orphans {
                                orphans.push(o);
                            }
                            Frame::Plane
                        }
                        _ => Frame::Skip,
                    },
                    Some(Frame::Plane) => match (ns, local, attrs.bpmn_element) {
                        (Ns::BpmnDi, "BPMNShape", Some(target)) => {
                            if shapes.contains_key(target.as_ref()) {
                                Frame::Skip
                            } else {
                                shapes.insert(
                                    target.clone(),
                                    ShapeDi {
                                        rect: attrs.fw_rect,
                                        bounds: None,
                                    },
                                );
                                shape_key = Some(target);
                                Frame::Shape
                            }
                        }
                        (Ns::BpmnDi, "BPMNEdge", Some(target)) => {
                            if edges.contains_key(target.as_ref()) {
                                Frame::Skip
                            } else if attrs.fw_routed.as_deref() == Some("true") {
                                edges.insert(target.clone(), Some(Vec::new()));
                                edge_points.clear();
                                edge_key = Some(target);
                                Frame::RoutedEdge
                            } else {
                                edges.insert(target, None);
                                Frame::Skip
                            }
                        }
                        _ => Frame::Skip,
                    },
                    Some(Frame::Shape) => {
                        if (ns, local) == (Ns::Dc, "Bounds") {
                            if let Some(shape) =
                                shape_key.take().and_then(|k| shapes.get_mut(k.as_ref()))
                            {
                                shape.bounds = bounds_of(|k| match k {
                                    "x" => attrs.x.as_deref(),
                                    "y" => attrs.y.as_deref(),
                                    "width" => attrs.width.as_deref(),
                                    "height" => attrs.height.as_deref(),
                                    _ => None,
                                });
                            }
                        }
                        Frame::Skip
                    }
                    Some(Frame::RoutedEdge) => {
                        if (ns, local) == (Ns::Di, "waypoint") {
                            if let Some(p) = point_of(attrs.x.as_deref(), attrs.y.as_deref()) {
                                edge_points.push(p);
                            }
                        }
                        Frame::Skip
                    }
                    Some(Frame::Skip) => Frame::Skip,
                };
                if empty {
                    close(
                        frame,
                        &mut current,
                        &mut gathered,
                        &mut block_text,
                        &mut edge_text,
                        &mut edges,
                        &mut edge_key,
                        &mut edge_points,
                        &mut shape_key,
                    );
                    if frame == Frame::Root {
                        root_done = true;
                    }
                } else {
                    stack.push(frame);
                }
            }
            Event::End(_) => {
                let frame = stack.pop()?;
                close(
                    frame,
                    &mut current,
                    &mut gathered,
                    &mut block_text,
                    &mut edge_text,
                    &mut edges,
                    &mut edge_key,
                    &mut edge_points,
                    &mut shape_key,
                );
                if stack.is_empty() {
                    root_done = true;
                }
            }
            Event::Text(t) => {
                // The text is only decoded where it is kept (or must be white space).
                let content = || t.xml_content(XmlVersion::Implicit1_0);
                match stack.last() {
                    None if content().trim().is_empty() => {}
                    None => return None,
                    Some(Frame::Workflow) => workflow_text.push_str(&content()),
                    Some(Frame::BlockData) => append(&mut block_text, keep(text, content())),
                    Some(Frame::EdgeData) => append(&mut edge_text, keep(text, content())),
                    Some(_) => {}
                }
            }
            Event::GeneralRef(r) => {
                let mut buf = [0u8; 4];
                let resolved: &str = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) if super::is_xml_char(c) => c.encode_utf8(&mut buf),
                        _ => return None,
                    }
                } else {
                    resolve_predefined_entity(&r.xml_content(XmlVersion::Implicit1_0))?
                };
                match stack.last() {
                    None => return None,
                    Some(Frame::Workflow) => workflow_text.push_str(resolved),
                    Some(Frame::BlockData) => block_text.to_mut().push_str(resolved),
                    Some(Frame::EdgeData) => edge_text.to_mut().push_str(resolved),
                    Some(_) => {}
                }
            }
            Event::Eof => break,
        }
    }
    if !stack.is_empty() || !root_done || processes != 1 || !workflow_seen {
        return None;
    }
    let meta: FwWorkflow = serde_json::from_str(&workflow_text).ok()?;
    let mut g = Gathered::new(meta);
    for (info, block, edge) in gathered {
        g.element(
            info,
            block.as_ref().map(|(t, n)| (t.as_ref(), *n)),
            edge.as_ref().map(|(t, n)| (t.as_ref(), *n)),
        );
    }
    let orphans: Vec<&str> = orphans.iter().map(|o| o.as_ref()).collect();
    let shape = |id: &str| {
        shapes.get(id).map(|s| ShapeDi {
            rect: s.rect.clone(),
            bounds: s.bounds,
        })
    };
    let routed = |id: &str| edges.get(id).and_then(Clone::clone);
    Some(g.assemble(shape, routed, &orphans))
}

/// Finishes an element: a process child goes to `gathered`, a routed edge gets its waypoints.
#[allow(clippy::too_many_arguments)]
fn close<'a>(
    frame: Frame,
    current: &mut Option<Current<'a>>,
    gathered: &mut Vec<Child<'a>>,
    block_text: &mut Cow<'a, str>,
    edge_text: &mut Cow<'a, str>,
    edges: &mut IdMap<Cow<'a, str>, Option<Vec<Point>>>,
    edge_key: &mut Option<Cow<'a, str>>,
    edge_points: &mut Vec<Point>,
    shape_key: &mut Option<Cow<'a, str>>,
) {
    match frame {
        Frame::Child => {
            if let Some(c) = current.take() {
                let block = c.block.map(|n| (std::mem::take(block_text), n));
                let edge = c.edge.map(|n| (std::mem::take(edge_text), n));
                gathered.push((c.info, block, edge));
            }
        }
        Frame::RoutedEdge => {
            if let Some(slot) = edge_key.take().and_then(|k| edges.get_mut(k.as_ref())) {
                *slot = Some(std::mem::take(edge_points));
            }
        }
        Frame::Shape => *shape_key = None,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bpmn::to_bpmn;
    use crate::generate::synthetic;

    #[test]
    fn leaves_unusual_files_to_the_tree_reader() {
        let xml = to_bpmn(&synthetic(10, 1));
        assert!(import(&xml.replacen("<bpmn:process", "<!-- c --><bpmn:process", 1)).is_none());
        assert!(
            import(&xml.replacen("<bpmn:process ", "<bpmn:process xmlns:x=\"urn:x\" ", 1))
                .is_none()
        );
        assert!(import(&xml[..xml.len() / 2]).is_none());
        assert!(import("<x/>").is_none());
        assert!(import(&xml.replacen("fw:workflow", "fw:workflox", 2)).is_none());
        // A repeated attribute, on an inner element and among the root's declarations.
        assert!(import(&xml.replacen("<bpmn:process ", "<bpmn:process id=\"x\" ", 1)).is_none());
        assert!(import(&xml.replacen(" xmlns:fw=", " xmlns:dc=\"urn:x\" xmlns:fw=", 1)).is_none());
        assert!(import(&xml).is_some());
    }
}
