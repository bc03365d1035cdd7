//! Writes a [`Plan`](super::plan::Plan) as BPMN 2.0 XML with quick-xml's writer.
//!
//! Determinism (blocks.md §4 rule 3): root elements, lanes, flow elements, shapes and edges are
//! sorted by id, attributes are written in a fixed order, and the layout appears only in the
//! `bpmndi:` section (the `fw:rect`/`fw:routed` attributes there included), so that a move in
//! the designer changes only diagram lines.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;
use serde::{Deserialize, Serialize};

use super::dialect::{CamundaForm, Dialect, Engine, ExportNote, Ext, Formal};
use super::geometry::Bounds;
use super::plan::{self, EventDef, Node, NodeKind, Readable, Timer};
use super::{escape_id, json_for_xml, xml_safe, BPMNDI_NS, BPMN_NS, DC_NS, DI_NS, FW_NS, XSI_NS};
use crate::model::*;

/// Workflow-level data kept in `fw:workflow` (everything except blocks, edges and layout).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FwWorkflow {
    pub schema_version: u32,
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub version: String,
    #[serde(default)]
    pub next_id: u64,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Block ids in model order (the XML is sorted by id).
    #[serde(default)]
    pub block_order: Vec<BlockId>,
    /// Edge ids in model order.
    #[serde(default)]
    pub edge_order: Vec<EdgeId>,
    /// Edges whose source or target block does not exist: no sequence flow can carry them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dangling_edges: Vec<Edge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage: Option<Lineage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub template_params: Vec<TemplateParam>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_cases: Vec<TestCase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_time_to_live_days: Option<u32>,
}

/// Attribute value escaping that survives XML attribute-value normalisation: besides the
/// markup characters, tab, newline and carriage return are written as character references.
fn escape_attr(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if super::is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Text content escaping; carriage returns as references so that end-of-line handling keeps them.
fn escape_text(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if super::is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

struct Out {
    w: Writer<Vec<u8>>,
}

impl Out {
    fn tag<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut s = BytesStart::new(name);
        for (k, v) in attrs {
            s.push_attribute(Attribute {
                key: QName(k),
                value: Cow::Owned(escape_attr(v)),
            });
        }
        s
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let _ = self.w.write_event(Event::Start(Out::tag(name, attrs)));
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let _ = self.w.write_event(Event::Empty(Out::tag(name, attrs)));
    }

    fn end(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    fn text_el(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        let _ = self
            .w
            .write_event(Event::Text(BytesText::from_escaped(escape_text(text))));
        self.end(name);
    }

    fn ext(&mut self, e: &Ext) {
        let attrs: Vec<(&str, &str)> = e.attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        if e.children.is_empty() {
            self.empty(e.name, &attrs);
        } else {
            self.start(e.name, &attrs);
            for c in &e.children {
                self.ext(c);
            }
            self.end(e.name);
        }
    }

    /// A `tFormalExpression` element with an optional `language`.
    fn formal(&mut self, name: &str, (language, text): &Formal) {
        let mut attrs = vec![("xsi:type", "bpmn:tFormalExpression")];
        if let Some(l) = language {
            attrs.push(("language", l));
        }
        self.text_el(name, &attrs, text);
    }

    fn readable(&mut self, r: &Readable) {
        let name = format!("fw:{}", r.name);
        let attrs: Vec<(&str, &str)> = r.attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.empty(&name, &attrs);
    }
}

fn timer(out: &mut Out, d: &mut Dialect, n: &Node, t: &Timer) {
    let def_id = format!("{}_timer", n.id);
    match t {
        Timer::Unset => out.empty("bpmn:timerEventDefinition", &[("id", &def_id)]),
        Timer::Duration(v) | Timer::Cycle(v) => {
            out.start("bpmn:timerEventDefinition", &[("id", &def_id)]);
            let el = if matches!(t, Timer::Duration(_)) {
                "bpmn:timeDuration"
            } else {
                "bpmn:timeCycle"
            };
            out.text_el(el, &[("xsi:type", "bpmn:tFormalExpression")], v);
            out.end("bpmn:timerEventDefinition");
        }
        Timer::Date(v) => {
            out.start("bpmn:timerEventDefinition", &[("id", &def_id)]);
            let date = d.timer_date(n, v);
            out.formal("bpmn:timeDate", &date);
            out.end("bpmn:timerEventDefinition");
        }
    }
}

fn write_node(out: &mut Out, d: &mut Dialect, n: &Node) {
    let (w, p) = (d.w, d.p);
    let tag = format!("bpmn:{}", n.kind.tag());
    let cancel = if n.cancel_activity { "true" } else { "false" };
    let mut attrs: Vec<(&str, &str)> = vec![("id", &n.id)];
    if !n.name.is_empty() {
        attrs.push(("name", &n.name));
    }
    if let Some(d) = &n.default_flow {
        attrs.push(("default", d));
    }
    if let Some(a) = &n.attached_to {
        attrs.push(("attachedToRef", a));
        attrs.push(("cancelActivity", cancel));
    }
    if let Some(m) = &n.message_ref {
        attrs.push(("messageRef", m));
    }
    let extra = d.node_attrs(n);
    attrs.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
    out.start(&tag, &attrs);
    let ext = d.node_ext(n);
    if n.primary || !n.readable.is_empty() || !ext.is_empty() {
        out.start("bpmn:extensionElements", &[]);
        if n.primary {
            let b = &w.blocks[n.block];
            let json = json_for_xml(serde_json::to_string(b).unwrap_or_default());
            let occurrence = p.block_n.get(n.block).copied().unwrap_or(0).to_string();
            let (id, ty) = (xml_safe(&b.id.0), b.block_type().tag());
            let mut a: Vec<(&str, &str)> = vec![("id", &id), ("type", ty)];
            if occurrence != "0" {
                a.push(("n", &occurrence));
            }
            out.text_el("fw:block", &a, &json);
        }
        for r in &n.readable {
            out.readable(r);
        }
        for e in &ext {
            out.ext(e);
        }
        out.end("bpmn:extensionElements");
    }
    for i in &n.incoming {
        out.text_el("bpmn:incoming", &[], i);
    }
    for o in &n.outgoing {
        out.text_el("bpmn:outgoing", &[], o);
    }
    let owners = if d.keeps_potential_owners() {
        n.owners.as_slice()
    } else {
        &[]
    };
    for owner in owners {
        out.start("bpmn:potentialOwner", &[]);
        out.start("bpmn:resourceAssignmentExpression", &[]);
        out.text_el("bpmn:formalExpression", &[], owner);
        out.end("bpmn:resourceAssignmentExpression");
        out.end("bpmn:potentialOwner");
    }
    if let Some(m) = &n.multi {
        out.start(
            "bpmn:multiInstanceLoopCharacteristics",
            &[("isSequential", if m.sequential { "true" } else { "false" })],
        );
        let ext = d.loop_ext(m.cardinality);
        if !ext.is_empty() {
            out.start("bpmn:extensionElements", &[]);
            for e in &ext {
                out.ext(e);
            }
            out.end("bpmn:extensionElements");
        }
        if d.keeps_loop_cardinality() {
            out.text_el(
                "bpmn:loopCardinality",
                &[("xsi:type", "bpmn:tFormalExpression")],
                &m.cardinality.to_string(),
            );
        }
        let completion = d.condition(n.block, &n.id, &m.completion);
        out.formal("bpmn:completionCondition", &completion);
        out.end("bpmn:multiInstanceLoopCharacteristics");
    }
    match &n.event {
        None => {}
        Some(EventDef::Message(m)) => out.empty(
            "bpmn:messageEventDefinition",
            &[("id", &format!("{}_message", n.id)), ("messageRef", m)],
        ),
        Some(EventDef::Timer(t)) => timer(out, d, n, t),
        Some(EventDef::Terminate) => out.empty(
            "bpmn:terminateEventDefinition",
            &[("id", &format!("{}_terminate", n.id))],
        ),
        Some(EventDef::Error(e)) => out.empty(
            "bpmn:errorEventDefinition",
            &[("id", &format!("{}_error", n.id)), ("errorRef", e)],
        ),
    }
    out.end(&tag);
}

fn write_flow(out: &mut Out, d: &mut Dialect, f: &plan::Flow) {
    let w = d.w;
    let mut attrs: Vec<(&str, &str)> = vec![("id", &f.id)];
    if let Some(n) = &f.name {
        attrs.push(("name", n));
    }
    attrs.push(("sourceRef", &f.source));
    attrs.push(("targetRef", &f.target));
    let has_ext = f.edge.is_some() || !f.readable.is_empty();
    if !has_ext && f.condition.is_none() {
        out.empty("bpmn:sequenceFlow", &attrs);
        return;
    }
    out.start("bpmn:sequenceFlow", &attrs);
    if has_ext {
        out.start("bpmn:extensionElements", &[]);
        if let Some((k, n)) = f.edge {
            let e = &w.edges[k];
            let json = json_for_xml(serde_json::to_string(e).unwrap_or_default());
            let (id, port) = (xml_safe(&e.id.0), xml_safe(&e.port));
            let occurrence = n.to_string();
            let mut a: Vec<(&str, &str)> = vec![("id", &id), ("port", &port)];
            if n != 0 {
                a.push(("n", &occurrence));
            }
            out.text_el("fw:edge", &a, &json);
        }
        for r in &f.readable {
            out.readable(r);
        }
        out.end("bpmn:extensionElements");
    }
    if let Some(c) = &f.condition {
        let block = d.block_of(&f.source).unwrap_or(0);
        let condition = d.condition(block, &f.id, c);
        out.formal("bpmn:conditionExpression", &condition);
    }
    out.end("bpmn:sequenceFlow");
}

fn bounds(out: &mut Out, b: &Bounds) {
    let (x, y, w, h) = (
        b.x.to_string(),
        b.y.to_string(),
        b.w.to_string(),
        b.h.to_string(),
    );
    out.empty(
        "dc:Bounds",
        &[("x", &x), ("y", &y), ("width", &w), ("height", &h)],
    );
}

/// The process id of a workflow.
pub(crate) fn process_id(w: &Workflow) -> String {
    format!("Process_{}", escape_id(&w.key))
}

/// Exports a workflow as BPMN 2.0 XML (see the module documentation of [`crate::bpmn`]).
pub fn to_bpmn(w: &Workflow) -> String {
    to_bpmn_for(w, Engine::Plain).0
}

/// Exports a workflow as BPMN 2.0 XML for an engine, with a note for everything the engine
/// cannot express (see [`super::dialect`]).
pub fn to_bpmn_for(w: &Workflow, engine: Engine) -> (String, Vec<ExportNote>) {
    let e = to_bpmn_export(w, engine);
    (e.xml, e.notes)
}

/// An export for an engine: the BPMN, the notes, and (Camunda 8) the forms of its user tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct BpmnExport {
    pub xml: String,
    pub notes: Vec<ExportNote>,
    /// Camunda Forms to deploy with the BPMN (Camunda 8 only; empty otherwise).
    pub forms: Vec<CamundaForm>,
}

/// [`to_bpmn_for`] with the generated forms.
pub fn to_bpmn_export(w: &Workflow, engine: Engine) -> BpmnExport {
    let p = plan::build(w);
    let mut d = Dialect::new(engine, w, &p);
    let mut out = Out {
        w: Writer::new_with_indent(Vec::with_capacity(4096 + w.blocks.len() * 2500), b' ', 2),
    };
    let _ = out
        .w
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let defs_id = format!("Definitions_{}", escape_id(&w.key));
    let target_ns = format!(
        "https://fachwerk.opencode.de/workflows/{}",
        escape_id(&w.key)
    );
    let mut defs: Vec<(&str, &str)> = vec![
        ("xmlns:bpmn", BPMN_NS),
        ("xmlns:bpmndi", BPMNDI_NS),
        ("xmlns:dc", DC_NS),
        ("xmlns:di", DI_NS),
        ("xmlns:xsi", XSI_NS),
        ("xmlns:fw", FW_NS),
    ];
    let engine_defs = d.definitions_attrs();
    defs.extend(engine_defs.iter().map(|(k, v)| (*k, v.as_str())));
    defs.extend([
        ("id", defs_id.as_str()),
        ("targetNamespace", target_ns.as_str()),
        ("exporter", "Fachwerk"),
        ("exporterVersion", env!("CARGO_PKG_VERSION")),
    ]);
    out.start("bpmn:definitions", &defs);

    // Global elements, sorted by id.
    let mut globals: Vec<(&str, &str, Option<&str>)> = p
        .errors
        .iter()
        .map(|(id, name, code)| (id.as_str(), name.as_str(), Some(code.as_str())))
        .chain(
            p.messages
                .iter()
                .map(|(id, name)| (id.as_str(), name.as_str(), None)),
        )
        .collect();
    globals.sort();
    for (id, name, code) in globals {
        match code {
            Some(code) => out.empty(
                "bpmn:error",
                &[("id", id), ("name", name), ("errorCode", code)],
            ),
            None => {
                let ext = d.message_ext(id);
                if ext.is_empty() {
                    out.empty("bpmn:message", &[("id", id), ("name", name)]);
                } else {
                    out.start("bpmn:message", &[("id", id), ("name", name)]);
                    out.start("bpmn:extensionElements", &[]);
                    for e in &ext {
                        out.ext(e);
                    }
                    out.end("bpmn:extensionElements");
                    out.end("bpmn:message");
                }
            }
        }
    }

    let pid = process_id(w);
    let pname = if w.name.trim().is_empty() {
        xml_safe(&w.key)
    } else {
        xml_safe(&w.name)
    };
    let mut process: Vec<(&str, &str)> =
        vec![("id", &pid), ("name", &pname), ("isExecutable", "true")];
    let engine_process = d.process_attrs();
    process.extend(engine_process.iter().map(|(k, v)| (*k, v.as_str())));
    out.start("bpmn:process", &process);
    if !w.description.trim().is_empty() {
        out.text_el("bpmn:documentation", &[], &xml_safe(&w.description));
    }
    let fw = FwWorkflow {
        schema_version: w.schema_version,
        key: w.key.clone(),
        name: w.name.clone(),
        description: w.description.clone(),
        version: w.version.clone(),
        next_id: w.next_id,
        fields: w.fields.clone(),
        roles: w.roles.clone(),
        block_order: w.blocks.iter().map(|b| b.id.clone()).collect(),
        edge_order: w.edges.iter().map(|e| e.id.clone()).collect(),
        dangling_edges: p.dangling.iter().map(|k| w.edges[*k].clone()).collect(),
        lineage: w.lineage.clone(),
        template_params: w.template_params.clone(),
        test_cases: w.test_cases.clone(),
        history_time_to_live_days: w.history_time_to_live_days,
    };
    out.start("bpmn:extensionElements", &[]);
    let (key, version) = (xml_safe(&w.key), xml_safe(&w.version));
    let json = json_for_xml(serde_json::to_string_pretty(&fw).unwrap_or_default());
    out.text_el(
        "fw:workflow",
        &[("key", &key), ("version", &version)],
        &json,
    );
    out.end("bpmn:extensionElements");

    if !p.lanes.is_empty() {
        out.start(
            "bpmn:laneSet",
            &[("id", &format!("LaneSet_{}", escape_id(&w.key)))],
        );
        let mut lanes: Vec<&plan::Lane> = p.lanes.iter().collect();
        lanes.sort_by(|a, b| a.id.cmp(&b.id));
        for l in lanes {
            if l.nodes.is_empty() {
                out.empty("bpmn:lane", &[("id", &l.id), ("name", &l.name)]);
            } else {
                out.start("bpmn:lane", &[("id", &l.id), ("name", &l.name)]);
                for n in &l.nodes {
                    out.text_el("bpmn:flowNodeRef", &[], n);
                }
                out.end("bpmn:lane");
            }
        }
        out.end("bpmn:laneSet");
    }

    let mut nodes: Vec<&Node> = p.nodes.iter().collect();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    for n in &nodes {
        write_node(&mut out, &mut d, n);
    }
    let mut flows: Vec<&plan::Flow> = p.flows.iter().collect();
    flows.sort_by(|a, b| a.id.cmp(&b.id));
    for f in &flows {
        write_flow(&mut out, &mut d, f);
    }
    out.end("bpmn:process");

    // Diagram.
    out.start(
        "bpmndi:BPMNDiagram",
        &[("id", &format!("BPMNDiagram_{}", escape_id(&w.key)))],
    );
    let plane_id = format!("BPMNPlane_{}", escape_id(&w.key));
    let orphans = if p.orphan_layout.blocks.is_empty() && p.orphan_layout.edges.is_empty() {
        None
    } else {
        Some(json_for_xml(
            serde_json::to_string(&p.orphan_layout).unwrap_or_default(),
        ))
    };
    let mut plane_attrs: Vec<(&str, &str)> = vec![("id", &plane_id), ("bpmnElement", &pid)];
    if let Some(o) = &orphans {
        plane_attrs.push(("fw:orphanLayout", o));
    }
    out.start("bpmndi:BPMNPlane", &plane_attrs);
    enum Di<'a> {
        Lane(&'a plan::Lane),
        Node(&'a Node),
    }
    let mut shapes: Vec<(&str, Di)> = p
        .lanes
        .iter()
        .map(|l| (l.id.as_str(), Di::Lane(l)))
        .collect();
    shapes.extend(p.nodes.iter().map(|n| (n.id.as_str(), Di::Node(n))));
    shapes.sort_by(|a, b| a.0.cmp(b.0));
    for (id, di) in shapes {
        let shape_id = format!("{id}_di");
        let mut attrs: Vec<(&str, &str)> = vec![("id", &shape_id), ("bpmnElement", id)];
        let rect;
        let b = match di {
            Di::Lane(l) => {
                attrs.push(("isHorizontal", "true"));
                l.bounds
            }
            Di::Node(n) => {
                if n.kind == NodeKind::ExclusiveGateway {
                    attrs.push(("isMarkerVisible", "true"));
                }
                if let Some(r) = n.rect_attr {
                    rect = format!("{} {} {} {}", r.x, r.y, r.w, r.h);
                    attrs.push(("fw:rect", &rect));
                }
                n.bounds
            }
        };
        out.start("bpmndi:BPMNShape", &attrs);
        bounds(&mut out, &b);
        out.end("bpmndi:BPMNShape");
    }
    for f in &flows {
        let edge_id = format!("{}_di", f.id);
        let mut attrs: Vec<(&str, &str)> = vec![("id", &edge_id), ("bpmnElement", &f.id)];
        if f.routed {
            attrs.push(("fw:routed", "true"));
        }
        out.start("bpmndi:BPMNEdge", &attrs);
        for (x, y) in &f.waypoints {
            let (x, y) = (x.to_string(), y.to_string());
            out.empty("di:waypoint", &[("x", &x), ("y", &y)]);
        }
        out.end("bpmndi:BPMNEdge");
    }
    out.end("bpmndi:BPMNPlane");
    out.end("bpmndi:BPMNDiagram");
    out.end("bpmn:definitions");
    let mut bytes = out.w.into_inner();
    bytes.push(b'\n');
    let (notes, forms) = d.finish();
    BpmnExport {
        xml: String::from_utf8(bytes).unwrap_or_default(),
        notes,
        forms,
    }
}
