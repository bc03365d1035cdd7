//! Maps BPMN from other tools (bpmn-js, Camunda Modeler 7/8, Signavio) onto blocks.
//!
//! | BPMN | block |
//! |---|---|
//! | `startEvent` (message / timer / none) | Start (ONLINE_ANTRAG / TIMER / INTERN) |
//! | `endEvent` (terminate) | Ende (terminate) |
//! | `userTask`, `task`, `manualTask` | Sachbearbeitung (role from `potentialOwner`, Camunda candidate groups, or lane) |
//! | `serviceTask`, `scriptTask`, `businessRuleTask`, `callActivity`, `subProcess` | Sachbearbeitung placeholder + note |
//! | `userTask` with `multiInstanceLoopCharacteristics` | Mitzeichnung (PARALLEL / SEQUENTIAL) |
//! | `parallelGateway` split → one task per branch → `parallelGateway` join | Mitzeichnung PARALLEL (one participant per task); a non-interrupting timer on a branch task becomes an Eskalation of the Mitzeichnung |
//! | `exclusiveGateway` with ≥ 2 outgoing flows | Wertgrenzen-Weiche if every condition is a band over one field, else Komplexitäts-Weiche (conditions as FEEL text, default flow → `otherwise`) |
//! | condition `${…}` (JUEL, Camunda 7) / `= …` (FEEL, Camunda 8) | FEEL subset ([`crate::expr::from_juel`]); outside it: the original text and a note naming the construct |
//! | `camunda:candidateGroups` / `zeebe:assignmentDefinition candidateGroups` (`a,b`, `=["a","b"]`, `="a"`) | the role of the first group (found by id, name or slug, else created); more groups or an expression: a note |
//! | `exclusiveGateway` with one outgoing flow (merge) | none: its flows are joined |
//! | [`sendTask` →] `eventBasedGateway` → message catch + timer catch | Rückfrage (reply / timeout) |
//! | [`sendTask` →] `receiveTask` + interrupting timer boundary event | Rückfrage |
//! | `sendTask`, message `intermediateThrowEvent` | Benachrichtigung |
//! | timer `intermediateCatchEvent` | Frist (`timeDuration` → WARTEN) |
//! | timer `boundaryEvent` | Eskalation (`cancelActivity` → interrupting) |
//! | lanes | roles |
//! | DI bounds / waypoints | layout |
//!
//! Everything else (other gateways, data objects, annotations, other event types, flows that
//! lead nowhere, children such as data associations or I/O specifications) is named in an
//! [`ImportNote`]. A split that no block can represent is not connected at all, so the workflow
//! never routes differently from the file: its branches stay as unconnected blocks, each named
//! in a note, and validation reports the gap.
//!
//! `ctx` holds the reader's state and lookups, `patterns` the multi-element mappings (parallel
//! co-signing, Rückfrage, boundary timers), `singles` one element per block, `router` the
//! gateways with conditions.

use std::collections::{HashMap, HashSet};

use ctx::{is_task, slug, Unique, Used};
use patterns::{eskalations, patterns};
use router::guess_types;
use singles::singles;

use super::read::{
    di_bounds, di_waypoints, diagram, is_read_child, note, unknown_element_note, unread_child_note,
};
use super::xml::Element;
use super::{geometry::Bounds, ImportNote, BPMN_NS};
use crate::model::*;
use crate::validate::{id_map, id_set, IdMap};
use crate::values::{Duration, Money};

const CAMUNDA_NS: &str = "http://camunda.org/schema/1.0/bpmn";
const ZEEBE_NS: &str = "http://camunda.org/schema/zeebe/1.0";

/// Whether a BPMN element of this local name is a flow node.
fn is_flow_node(local: &str) -> bool {
    matches!(
        local,
        "startEvent"
            | "endEvent"
            | "task"
            | "userTask"
            | "manualTask"
            | "serviceTask"
            | "scriptTask"
            | "businessRuleTask"
            | "sendTask"
            | "receiveTask"
            | "subProcess"
            | "adHocSubProcess"
            | "transaction"
            | "callActivity"
            | "exclusiveGateway"
            | "parallelGateway"
            | "inclusiveGateway"
            | "complexGateway"
            | "eventBasedGateway"
            | "intermediateCatchEvent"
            | "intermediateThrowEvent"
            | "boundaryEvent"
    )
}

/// What a BPMN node became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Undecided,
    /// The node is (the anchor of) block `b`.
    Block(usize),
    /// The node is part of block `b` (flows into it lead to `b`).
    Absorbed(usize),
    /// The node disappears; flows into it continue along its first outgoing flow.
    Pass,
    /// The node is not imported; flows into it lead nowhere.
    Dropped,
    /// Kept for the Eskalation of boundary event `n` (a notify → end path).
    Reserved(usize),
}

struct Node<'a> {
    el: Element<'a>,
    id: &'a str,
    kind: &'a str,
    /// Trimmed.
    name: &'a str,
    incoming: Vec<usize>,
    outgoing: Vec<usize>,
    boundaries: Vec<usize>,
    host: Option<usize>,
    lane: Option<usize>,
    fate: Fate,
}

struct FlowRef<'a> {
    el: Element<'a>,
    id: &'a str,
    source: usize,
    target: usize,
    /// Trimmed.
    name: &'a str,
    condition: Option<String>,
    /// Why the condition could not be read as FEEL (German, English).
    condition_problem: Option<(String, String)>,
}

struct Draft {
    /// The node the block is anchored at (document order of blocks).
    anchor: usize,
    id: String,
    label: String,
    kind: BlockKind,
    /// Ports with the BPMN flow that leaves for them.
    ports: Vec<(String, usize)>,
    bounds: Option<Bounds>,
}

struct Ctx<'a> {
    nodes: Vec<Node<'a>>,
    flows: Vec<FlowRef<'a>>,
    drafts: Vec<Draft>,
    roles: Vec<Role>,
    role_keys: HashMap<String, usize>,
    /// What [`Ctx::role_for`] answered, by group name.
    role_of_name: HashMap<String, usize>,
    /// Why a rule's condition text is not FEEL (`None`: it is), by text.
    feel_errors: HashMap<String, Option<crate::expr::ExprError>>,
    role_ids: Unique,
    lane_roles: Vec<usize>,
    notes: Vec<ImportNote>,
    used: Used,
    shapes: IdMap<&'a str, Element<'a>>,
}

mod ctx;
mod patterns;
mod router;
mod singles;

/// Imports a BPMN file that Fachwerk did not write.
pub(crate) fn import<'a>(
    root: Element<'a>,
    processes: &[Element<'a>],
) -> (Workflow, Vec<ImportNote>) {
    let di = diagram(root);
    let mut notes: Vec<ImportNote> = Vec::new();

    // Which process: the first one that has flow nodes (pools without content are skipped).
    let has_nodes = |p: Element| {
        p.children()
            .any(|c| c.ns() == BPMN_NS && is_flow_node(c.local()))
    };
    let process = processes
        .iter()
        .copied()
        .find(|p| has_nodes(*p))
        .unwrap_or(processes[0]);
    for p in processes {
        if *p != process && has_nodes(*p) {
            notes.push(note(
                *p,
                "Die Datei enthält mehrere Prozesse; nur der erste mit Inhalt wird übernommen."
                    .into(),
                "The file contains several processes; only the first one with content is imported."
                    .into(),
            ));
        }
    }
    for el in root.children() {
        if el.is(BPMN_NS, "collaboration") {
            for mf in el.children_named(BPMN_NS, "messageFlow") {
                notes.push(note(
                    mf,
                    "Nachrichtenflüsse zwischen Pools werden nicht übernommen.".into(),
                    "Message flows between pools are not imported.".into(),
                ));
            }
        }
    }

    let mut cx = Ctx {
        nodes: Vec::new(),
        flows: Vec::new(),
        drafts: Vec::new(),
        roles: Vec::new(),
        role_keys: HashMap::new(),
        role_of_name: HashMap::new(),
        feel_errors: HashMap::new(),
        role_ids: Unique::default(),
        lane_roles: Vec::new(),
        notes,
        used: Used::default(),
        shapes: di.shapes.clone(),
    };

    // Nodes and flows.
    let mut index: IdMap<&str, usize> = id_map(0);
    let mut flow_els = Vec::new();
    for el in process.children() {
        let local = el.local();
        if el.ns() != BPMN_NS {
            cx.notes.push(unknown_element_note(el));
            continue;
        }
        if is_flow_node(local) {
            let id = el.attr("id").unwrap_or_default();
            if id.is_empty() || index.contains_key(id) {
                cx.note(
                    el,
                    "Element ohne eindeutige Id wird nicht übernommen.",
                    "Element without a unique id is not imported.",
                );
                continue;
            }
            index.insert(id, cx.nodes.len());
            cx.nodes.push(Node {
                el,
                id,
                kind: local,
                name: el.attr("name").unwrap_or_default().trim(),
                incoming: Vec::new(),
                outgoing: Vec::new(),
                boundaries: Vec::new(),
                host: None,
                lane: None,
                fate: Fate::Undecided,
            });
            note_unmapped_children(&mut cx, el);
        } else if local == "sequenceFlow" {
            flow_els.push(el);
        } else if !matches!(local, "extensionElements" | "documentation" | "laneSet") {
            cx.note(
                el,
                format!("Das Element „{local}“ hat keine Entsprechung in Fachwerk und wird nicht übernommen."),
                format!("The element “{local}” has no counterpart in Fachwerk and is not imported."),
            );
        }
    }
    for el in flow_els {
        note_unmapped_children(&mut cx, el);
        let s = el.attr("sourceRef").and_then(|s| index.get(s)).copied();
        let t = el.attr("targetRef").and_then(|t| index.get(t)).copied();
        let (Some(s), Some(t)) = (s, t) else {
            cx.note(
                el,
                "Sequenzfluss mit unbekanntem Start oder Ziel wird nicht übernommen.",
                "Sequence flow with an unknown source or target is not imported.",
            );
            continue;
        };
        let (condition, condition_problem) = el
            .child(BPMN_NS, "conditionExpression")
            .map(router::read_condition)
            .unwrap_or_default();
        let k = cx.flows.len();
        cx.flows.push(FlowRef {
            el,
            id: el.attr("id").unwrap_or_default(),
            source: s,
            target: t,
            name: el.attr("name").unwrap_or_default().trim(),
            condition,
            condition_problem,
        });
        cx.nodes[s].outgoing.push(k);
        cx.nodes[t].incoming.push(k);
    }
    for n in 0..cx.nodes.len() {
        if cx.nodes[n].kind == "boundaryEvent" {
            match cx.nodes[n]
                .el
                .attr("attachedToRef")
                .and_then(|h| index.get(h))
                .copied()
            {
                Some(h) => {
                    cx.nodes[n].host = Some(h);
                    cx.nodes[h].boundaries.push(n);
                }
                None => {
                    let el = cx.nodes[n].el;
                    cx.note(
                        el,
                        "Randereignis ohne Aktivität wird nicht übernommen.",
                        "Boundary event without an activity is not imported.",
                    );
                    cx.nodes[n].fate = Fate::Dropped;
                }
            }
        }
    }

    // Lanes → roles (nested lanes: the innermost lane wins).
    let mut lane_stack: Vec<Element> = process
        .children_named(BPMN_NS, "laneSet")
        .flat_map(|s| s.children_named(BPMN_NS, "lane"))
        .collect();
    let mut lanes: Vec<Element> = Vec::new();
    while let Some(l) = lane_stack.pop() {
        lanes.push(l);
        for cs in l.children_named(BPMN_NS, "childLaneSet") {
            lane_stack.extend(cs.children_named(BPMN_NS, "lane"));
        }
    }
    lanes.sort_by_key(|l| l.line());
    for (li, lane) in lanes.iter().enumerate() {
        let name = lane.attr("name").unwrap_or_default().trim().to_string();
        let lid = lane.attr("id").unwrap_or_default().to_string();
        let base = if name.is_empty() {
            format!("R-{}", slug(&lid).to_uppercase())
        } else {
            format!("R-{}", slug(&name).to_uppercase())
        };
        let id = cx.role_ids.take(base);
        let r = cx.push_role(Role {
            id: RoleId::new(id),
            name: if name.is_empty() { lid } else { name },
            org_unit: None,
            signing_limit: None,
        });
        cx.lane_roles.push(r);
        for r in lane.children_named(BPMN_NS, "flowNodeRef") {
            if let Some(&n) = index.get(r.text().trim()) {
                cx.nodes[n].lane = Some(li);
            }
        }
    }

    patterns(&mut cx);
    singles(&mut cx);
    eskalations(&mut cx);

    // Edges: each port's flow, followed through pass-through nodes.
    let mut edges = Vec::new();
    let mut edge_layout = Vec::new();
    let mut order: Vec<usize> = (0..cx.drafts.len()).collect();
    order.sort_by_key(|b| cx.drafts[*b].anchor);
    for &b in &order {
        let ports = std::mem::take(&mut cx.drafts[b].ports);
        for (port, f) in ports {
            let mut flow = f;
            let mut seen = id_set(0);
            let mut hops = 0;
            let target = loop {
                cx.used.insert(flow);
                let t = cx.flows[flow].target;
                match cx.nodes[t].fate {
                    Fate::Block(tb) | Fate::Absorbed(tb) => break Some(tb),
                    Fate::Pass if seen.insert(t) => match cx.nodes[t].outgoing.first() {
                        Some(next) => {
                            flow = *next;
                            hops += 1;
                        }
                        None => break None,
                    },
                    _ => break None,
                }
            };
            let fel = cx.flows[f].el;
            match target {
                Some(tb) => {
                    let id = cx.flows[f].id.to_string();
                    edges.push(Edge {
                        id: EdgeId::new(id.clone()),
                        from: BlockId::new(cx.drafts[b].id.clone()),
                        port,
                        to: BlockId::new(cx.drafts[tb].id.clone()),
                    });
                    if hops == 0 {
                        let mut pts = di
                            .edges
                            .get(id.as_str())
                            .map(|e| di_waypoints(*e))
                            .unwrap_or_default();
                        if pts.len() > 2 {
                            // The bends: without the points on the two shapes' borders.
                            pts.pop();
                            pts.remove(0);
                            edge_layout.push((EdgeId::new(id), pts));
                        }
                    }
                }
                None => cx.note(
                    fel,
                    format!(
                        "Ausgang „{port}“ führt zu keinem übernommenen Element und bleibt offen."
                    ),
                    format!("Exit “{port}” leads to no imported element and stays unconnected."),
                ),
            }
        }
    }
    for (k, f) in cx.flows.iter().enumerate() {
        if !cx.used.contains(k) {
            let de = format!(
                "Sequenzfluss von „{}“ nach „{}“ wird nicht übernommen.",
                cx.nodes[f.source].id, cx.nodes[f.target].id
            );
            let en = format!(
                "Sequence flow from “{}” to “{}” is not imported.",
                cx.nodes[f.source].id, cx.nodes[f.target].id
            );
            cx.notes.push(note(f.el, de, en));
        }
    }

    // Fields used in conditions.
    let mut fields: Vec<Field> = Vec::new();
    let mut field_names: HashSet<String> = HashSet::new();
    // A condition text read before adds no field (its fields are all known by then).
    let mut conditions_read: HashSet<&str> = HashSet::new();
    for d in &cx.drafts {
        match &d.kind {
            BlockKind::Wertgrenzen(p) if !field_names.contains(&p.amount_field) => {
                field_names.insert(p.amount_field.clone());
                fields.push(Field {
                    name: p.amount_field.clone(),
                    label: p.amount_field.clone(),
                    field_type: FieldType::Money,
                    values: Vec::new(),
                    required: false,
                });
            }
            BlockKind::Komplexitaet(p) => {
                for r in &p.rules {
                    if !conditions_read.insert(r.condition.as_str()) {
                        continue;
                    }
                    let Ok(e) = crate::expr::parse(&r.condition) else {
                        continue;
                    };
                    let types = guess_types(&e);
                    for name in crate::expr::fields_used(&e) {
                        if name == crate::expr::SYSTEM_FIELD_AKTENZEICHEN
                            || !field_names.insert(name.clone())
                        {
                            continue;
                        }
                        let field_type = types.get(&name).copied().unwrap_or(FieldType::Text);
                        fields.push(Field {
                            label: name.clone(),
                            name,
                            field_type,
                            values: Vec::new(),
                            required: false,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    if !fields.is_empty() {
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        cx.notes.push(ImportNote {
            element_id: String::new(),
            element_type: String::new(),
            line: 0,
            message_de: format!(
                "Fallvariablen aus den Bedingungen abgeleitet (Typen bitte prüfen): {}",
                names.join(", ")
            ),
            message_en: format!(
                "Case fields derived from the conditions (please check the types): {}",
                names.join(", ")
            ),
        });
    }

    let pname = process
        .attr("name")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let participant_name = root
        .children_named(BPMN_NS, "collaboration")
        .flat_map(|c| c.children_named(BPMN_NS, "participant"))
        .find(|p| p.attr("processRef") == process.attr("id"))
        .and_then(|p| p.attr("name"))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let pid = process.attr("id").unwrap_or("prozess");
    let name = pname
        .or(participant_name)
        .or(root.attr("name"))
        .unwrap_or(pid)
        .to_string();
    let key = {
        let k = slug(&name);
        if k.is_empty() {
            "importiert".to_string()
        } else {
            k
        }
    };
    let mut w = Workflow::new(key, name);
    w.description = process
        .child(BPMN_NS, "documentation")
        .map(|d| d.text().trim().to_string())
        .unwrap_or_default();
    w.fields = fields;
    w.roles = cx.roles;
    w.history_time_to_live_days = process
        .attr_ns(CAMUNDA_NS, "historyTimeToLive")
        .and_then(history_days);
    let mut drafts: Vec<Option<Draft>> = cx.drafts.into_iter().map(Some).collect();
    for d in order
        .iter()
        .filter_map(|b| drafts.get_mut(*b).and_then(Option::take))
    {
        if let Some(b) = d.bounds {
            // Other tools draw events as 36 px circles and tasks as 100 × 80 boxes; blocks get
            // the Fachwerk size (so names fit), centred where the foreign shape was.
            w.layout.blocks.insert(
                BlockId::new(d.id.clone()),
                Rect {
                    x: b.x + b.w / 2 - Rect::DEFAULT_W / 2,
                    y: b.y + b.h / 2 - Rect::DEFAULT_H / 2,
                    w: Rect::DEFAULT_W,
                    h: Rect::DEFAULT_H,
                },
            );
        }
        w.blocks.push(Block {
            id: BlockId::new(d.id),
            label: d.label,
            kind: d.kind,
        });
    }
    for (id, pts) in edge_layout {
        w.layout.edges.insert(id, pts);
    }
    w.edges = edges;
    let mut notes = cx.notes;
    notes.sort_by_key(|n| n.line);
    (w, notes)
}

/// Days of a Camunda 7 `historyTimeToLive`: `180` or `P180D`.
fn history_days(raw: &str) -> Option<u32> {
    let t = raw.trim();
    let days = t
        .strip_prefix('P')
        .and_then(|d| d.strip_suffix('D'))
        .unwrap_or(t);
    days.parse().ok()
}

/// Names every child of `el` that the mapping does not read (data associations, properties,
/// I/O specifications, loop characteristics …); the content of such a child goes with it.
/// The inner elements of a sub-process are summed up in the note on the sub-process itself.
fn note_unmapped_children(cx: &mut Ctx, el: Element) {
    let kind = el.local();
    let container = matches!(kind, "subProcess" | "adHocSubProcess" | "transaction");
    for c in el.children() {
        let inner = container
            && c.ns() == BPMN_NS
            && (is_flow_node(c.local()) || c.local() == "sequenceFlow");
        if !inner && !is_read_child(c, is_task(kind)) {
            cx.notes.push(unread_child_note(c, el));
        }
    }
}
