//! The BPMN elements of a workflow, before they are written: which element(s) each block
//! becomes (blocks.md §2 "BPMN:", §5), how edges become sequence flows, lanes, messages, and
//! where every shape goes. `export` writes a plan; `import` uses the same geometry to see
//! whether a Fachwerk export was rearranged in another tool.

use std::collections::{BTreeMap, HashMap};

use super::geometry::{self, Bounds, Column, Shape, BLOCK_GATEWAY, EVENT, GATEWAY};
use super::{escape_id, xml_safe};
use crate::catalog;
use crate::model::*;
use crate::values::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    StartEvent,
    EndEvent,
    UserTask,
    SendTask,
    ReceiveTask,
    ServiceTask,
    ExclusiveGateway,
    EventBasedGateway,
    IntermediateCatchEvent,
    BoundaryEvent,
}

impl NodeKind {
    pub fn tag(self) -> &'static str {
        match self {
            NodeKind::StartEvent => "startEvent",
            NodeKind::EndEvent => "endEvent",
            NodeKind::UserTask => "userTask",
            NodeKind::SendTask => "sendTask",
            NodeKind::ReceiveTask => "receiveTask",
            NodeKind::ServiceTask => "serviceTask",
            NodeKind::ExclusiveGateway => "exclusiveGateway",
            NodeKind::EventBasedGateway => "eventBasedGateway",
            NodeKind::IntermediateCatchEvent => "intermediateCatchEvent",
            NodeKind::BoundaryEvent => "boundaryEvent",
        }
    }

    pub fn shape(self) -> Shape {
        match self {
            NodeKind::UserTask
            | NodeKind::SendTask
            | NodeKind::ReceiveTask
            | NodeKind::ServiceTask => Shape::Task,
            NodeKind::ExclusiveGateway | NodeKind::EventBasedGateway => Shape::Gateway,
            _ => Shape::Event,
        }
    }

    pub fn is_activity(self) -> bool {
        self.shape() == Shape::Task
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Timer {
    Duration(String),
    Date(String),
    Cycle(String),
    Unset,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EventDef {
    Message(String),
    Timer(Timer),
    Terminate,
    Error(String),
}

/// A readable extension element: `fw:<name>` with attributes (informational only; the import
/// reads the JSON of `fw:block`/`fw:edge`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Readable {
    pub name: &'static str,
    pub attrs: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct MultiInstance {
    pub sequential: bool,
    pub cardinality: usize,
    pub completion: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
    /// Index of the block this element belongs to.
    pub block: usize,
    /// Whether this is the element that represents the block (carries `fw:block`).
    pub primary: bool,
    pub event: Option<EventDef>,
    pub attached_to: Option<String>,
    pub cancel_activity: bool,
    pub default_flow: Option<String>,
    pub message_ref: Option<String>,
    /// `potentialOwner` formal expressions.
    pub owners: Vec<String>,
    pub multi: Option<MultiInstance>,
    pub readable: Vec<Readable>,
    pub incoming: Vec<String>,
    pub outgoing: Vec<String>,
    pub bounds: Bounds,
    /// The block's layout rectangle, written as `fw:rect` on the primary shape.
    pub rect_attr: Option<Rect>,
    pub lane: Option<RoleId>,
}

#[derive(Debug, Clone)]
pub(crate) struct Flow {
    pub id: String,
    pub source: String,
    pub target: String,
    pub name: Option<String>,
    pub condition: Option<String>,
    /// The Fachwerk edge this flow represents (index into `Workflow::edges`) and the
    /// occurrence number of its id (0 unless ids repeat).
    pub edge: Option<(usize, usize)>,
    pub readable: Vec<Readable>,
    pub routed: bool,
    pub waypoints: Vec<(i32, i32)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Lane {
    pub id: String,
    pub name: String,
    pub nodes: Vec<String>,
    pub bounds: Bounds,
}

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub nodes: Vec<Node>,
    pub flows: Vec<Flow>,
    /// (id, name)
    pub messages: Vec<(String, String)>,
    /// (id, name, errorCode)
    pub errors: Vec<(String, String, String)>,
    pub lanes: Vec<Lane>,
    /// Occurrence number of each block's id (0 unless ids repeat).
    pub block_n: Vec<usize>,
    /// Edges whose source or target block does not exist (kept in the workflow extension).
    pub dangling: Vec<usize>,
    /// Layout entries that belong to no block / no exported edge.
    pub orphan_layout: Layout,
}

/// One exit of a block: the element a port's flow leaves from.
#[derive(Debug, Clone)]
struct Exit {
    port: String,
    node: usize,
    condition: Option<String>,
    default: bool,
    name: Option<String>,
    readable: Vec<Readable>,
}

#[derive(Debug, Clone, Default)]
struct BlockMap {
    entry: usize,
    exits: Vec<Exit>,
    fallback: usize,
}

/// The name a block's element shows: its label, or the type's German name.
pub(crate) fn display_name(b: &Block) -> String {
    if b.label.trim().is_empty() {
        catalog::info(b.block_type()).name_de.to_string()
    } else {
        xml_safe(&b.label)
    }
}

/// A FEEL string literal.
pub(crate) fn feel_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A money amount as a FEEL number in euros: `1000`, `1000.5`, `-3.25`.
pub(crate) fn feel_money(m: Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    match a % 100 {
        0 => format!("{sign}{}", a / 100),
        f if f % 10 == 0 => format!("{sign}{}.{}", a / 100, f / 10),
        f => format!("{sign}{}.{f:02}", a / 100),
    }
}

/// The FEEL condition of a value band (blocks.md §2.6: `(lower, upper]`, first band `[0, upper]`).
pub(crate) fn band_condition(field: &str, band: &Band, first: bool) -> String {
    let lower = if first && band.lower.cents() == 0 {
        None
    } else {
        Some(band.lower)
    };
    match (lower, band.upper) {
        (None, Some(u)) => format!("{field} <= {}", feel_money(u)),
        (Some(l), Some(u)) => format!(
            "{field} > {} and {field} <= {}",
            feel_money(l),
            feel_money(u)
        ),
        (Some(l), None) => format!("{field} > {}", feel_money(l)),
        (None, None) => format!("{field} >= 0"),
    }
}

/// A rule's condition in canonical FEEL when it parses, else as written.
pub(crate) fn rule_condition(text: &str) -> String {
    match crate::expr::parse(text) {
        Ok(e) => crate::expr::to_feel(&e),
        Err(_) => text.trim().to_string(),
    }
}

fn owner_expr(a: &Assignee) -> String {
    match a {
        Assignee::Role(r) => format!("group({})", xml_safe(&r.0)),
        Assignee::Person(p) => format!("user({})", xml_safe(p)),
        Assignee::Initiator => "${initiator}".to_string(),
        Assignee::Expression(e) => xml_safe(e),
    }
}

fn role_of(a: &Option<Assignee>) -> Option<RoleId> {
    match a {
        Some(Assignee::Role(r)) => Some(r.clone()),
        _ => None,
    }
}

fn outcome_condition(port: &str) -> String {
    format!("outcome = {}", feel_string(port))
}

fn port_name_de(port: &str) -> String {
    xml_safe(&catalog::port_label(port).0)
}

/// Node indices of one column with their shapes.
type PlacedColumn = (Vec<usize>, Vec<(Shape, i32)>);

struct Builder<'w> {
    w: &'w Workflow,
    nodes: Vec<Node>,
    flows: Vec<Flow>,
    messages: Vec<(String, String)>,
    errors: Vec<(String, String, String)>,
    boundaries: HashMap<usize, usize>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        id: String,
        kind: NodeKind,
        name: String,
        block: usize,
        primary: bool,
        lane: Option<RoleId>,
    ) -> usize {
        self.nodes.push(Node {
            id,
            kind,
            name,
            block,
            primary,
            event: None,
            attached_to: None,
            cancel_activity: true,
            default_flow: None,
            message_ref: None,
            owners: Vec::new(),
            multi: None,
            readable: Vec::new(),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            bounds: Bounds::default(),
            rect_attr: None,
            lane,
        });
        self.nodes.len() - 1
    }

    fn helper_flow(&mut self, id: String, from: usize, to: usize) {
        let (s, t) = (self.nodes[from].id.clone(), self.nodes[to].id.clone());
        self.nodes[from].outgoing.push(id.clone());
        self.nodes[to].incoming.push(id.clone());
        self.flows.push(Flow {
            id,
            source: s,
            target: t,
            name: None,
            condition: None,
            edge: None,
            readable: Vec::new(),
            routed: false,
            waypoints: Vec::new(),
        });
    }

    fn message(&mut self, id: &str, name: String) -> String {
        // Message ids derive from unique element ids, so each is added once.
        self.messages.push((id.to_string(), name));
        id.to_string()
    }

    fn place(&mut self, rect: Rect, cols: &[PlacedColumn]) {
        let shapes: Vec<Column> = cols.iter().map(|(_, s)| s.clone()).collect();
        let placed = geometry::columns(rect, &shapes);
        for ((ids, _), bounds) in cols.iter().zip(placed) {
            for (i, b) in ids.iter().zip(bounds) {
                self.nodes[*i].bounds = b;
            }
        }
    }

    fn attach(&mut self, node: usize, host: usize, cancel: bool) {
        let k = self.boundaries.entry(host).or_insert(0);
        let bounds = geometry::boundary(self.nodes[host].bounds, *k);
        *k += 1;
        let host_id = self.nodes[host].id.clone();
        let lane = self.nodes[host].lane.clone();
        let n = &mut self.nodes[node];
        n.attached_to = Some(host_id);
        n.cancel_activity = cancel;
        n.bounds = bounds;
        if n.lane.is_none() {
            n.lane = lane;
        }
    }

    /// Builds the elements of block `i` (all but Eskalation, which needs its host first).
    fn block(&mut self, i: usize, n: usize, rect: Rect) -> BlockMap {
        let w = self.w;
        let b = &w.blocks[i];
        let esc = if n == 0 {
            escape_id(&b.id.0)
        } else {
            format!("{}_dup{n}", escape_id(&b.id.0))
        };
        let primary_id = format!("Block_{esc}");
        let h = |kind: &str| format!("Helper_{kind}_{esc}");
        let hf = |kind: &str| format!("HelperFlow_{kind}_{esc}");
        let name = display_name(b);
        let label_ref = format!("{name} ({})", xml_safe(&b.id.0));
        let exit = |port: &str, node: usize| Exit {
            port: port.to_string(),
            node,
            condition: None,
            default: false,
            name: None,
            readable: Vec::new(),
        };
        let cond_exit = |port: &str, node: usize, condition: String| Exit {
            port: port.to_string(),
            node,
            condition: Some(condition),
            default: false,
            name: Some(port_name_de(port)),
            readable: Vec::new(),
        };
        let task = (Shape::Task, 0);
        let event = (Shape::Event, EVENT);
        let gw = (Shape::Gateway, GATEWAY);
        let bgw = (Shape::Gateway, BLOCK_GATEWAY);

        let mut map = BlockMap::default();
        match &b.kind {
            BlockKind::Start(p) => {
                let s = self.node(
                    primary_id,
                    NodeKind::StartEvent,
                    name.clone(),
                    i,
                    true,
                    role_of(&p.initiator_role),
                );
                self.nodes[s].event = match p.trigger {
                    Trigger::OnlineAntrag | Trigger::Posteingang => {
                        let what = if p.trigger == Trigger::OnlineAntrag {
                            "Online-Antrag"
                        } else {
                            "Posteingang"
                        };
                        let m = self.message(
                            &format!("Message_start_{esc}"),
                            format!("{what}: {label_ref}"),
                        );
                        Some(EventDef::Message(m))
                    }
                    Trigger::Timer => {
                        Some(EventDef::Timer(match p.timer.as_deref().map(str::trim) {
                            Some(t) if t.starts_with('R') => Timer::Cycle(t.to_string()),
                            Some(t) if !t.is_empty() => Timer::Date(t.to_string()),
                            _ => Timer::Unset,
                        }))
                    }
                    Trigger::Intern => None,
                };
                if let Some(f) = &p.form_ref {
                    self.nodes[s].readable.push(Readable {
                        name: "form",
                        attrs: vec![("ref", xml_safe(f))],
                    });
                }
                map.entry = s;
                if p.eingangsbestaetigung {
                    let r = self.node(
                        h("receipt"),
                        NodeKind::SendTask,
                        "Eingangsbestätigung senden".into(),
                        i,
                        false,
                        None,
                    );
                    self.helper_flow(hf("receipt"), s, r);
                    self.place(rect, &[(vec![s], vec![event]), (vec![r], vec![task])]);
                    map.exits.push(exit("next", r));
                    map.fallback = r;
                } else {
                    self.place(rect, &[(vec![s], vec![event])]);
                    map.exits.push(exit("next", s));
                    map.fallback = s;
                }
            }
            BlockKind::Sachbearbeitung(p) => {
                let t = self.node(
                    primary_id,
                    NodeKind::UserTask,
                    name,
                    i,
                    true,
                    role_of(&p.assignee),
                );
                self.nodes[t]
                    .owners
                    .extend(p.assignee.iter().map(owner_expr));
                if let Some(d) = &p.due_in {
                    self.nodes[t].readable.push(Readable {
                        name: "dueDate",
                        attrs: vec![("duration", xml_safe(&d.0))],
                    });
                }
                map.entry = t;
                if p.outcomes.len() >= 2 {
                    let g = self.node(
                        h("outcome"),
                        NodeKind::ExclusiveGateway,
                        "Ergebnis?".into(),
                        i,
                        false,
                        role_of(&p.assignee),
                    );
                    self.helper_flow(hf("outcome"), t, g);
                    for o in &p.outcomes {
                        map.exits.push(cond_exit(o, g, outcome_condition(o)));
                    }
                    self.place(rect, &[(vec![t], vec![task]), (vec![g], vec![gw])]);
                    map.fallback = g;
                } else {
                    for o in &p.outcomes {
                        map.exits.push(exit(o, t));
                    }
                    self.place(rect, &[(vec![t], vec![task])]);
                    map.fallback = t;
                }
            }
            BlockKind::VierAugen(p) => {
                let mut cols = Vec::new();
                let first = if p.first_check_block.is_none() && p.first_check.is_some() {
                    let f = self.node(
                        h("first"),
                        NodeKind::UserTask,
                        "Erstprüfung".into(),
                        i,
                        false,
                        role_of(&p.first_check),
                    );
                    self.nodes[f]
                        .owners
                        .extend(p.first_check.iter().map(owner_expr));
                    cols.push((vec![f], vec![task]));
                    Some(f)
                } else {
                    None
                };
                let t = self.node(
                    primary_id,
                    NodeKind::UserTask,
                    name,
                    i,
                    true,
                    role_of(&p.second_check),
                );
                self.nodes[t]
                    .owners
                    .extend(p.second_check.iter().map(owner_expr));
                let mut distinct: Vec<String> =
                    p.distinct_from.iter().map(|d| xml_safe(&d.0)).collect();
                if let Some(fb) = &p.first_check_block {
                    distinct.insert(0, xml_safe(&fb.0));
                }
                if p.exclude_initiator {
                    distinct.push("initiator".into());
                }
                self.nodes[t].readable.push(Readable {
                    name: "separationOfDuties",
                    attrs: vec![("distinctFrom", distinct.join(" "))],
                });
                if let Some(f) = first {
                    self.helper_flow(hf("first"), f, t);
                }
                let g = self.node(
                    h("outcome"),
                    NodeKind::ExclusiveGateway,
                    "Ergebnis?".into(),
                    i,
                    false,
                    role_of(&p.second_check),
                );
                self.helper_flow(hf("outcome"), t, g);
                cols.push((vec![t], vec![task]));
                cols.push((vec![g], vec![gw]));
                self.place(rect, &cols);
                map.entry = first.unwrap_or(t);
                map.exits.push(cond_exit("ok", g, outcome_condition("ok")));
                map.exits
                    .push(cond_exit("reject", g, outcome_condition("reject")));
                map.fallback = g;
            }
            BlockKind::Mitzeichnung(p) => {
                let lane = p.participants.iter().find_map(|x| role_of(&x.assignee));
                let t = self.node(primary_id, NodeKind::UserTask, name, i, true, lane.clone());
                self.nodes[t].owners.extend(
                    p.participants
                        .iter()
                        .filter_map(|x| x.assignee.as_ref())
                        .map(owner_expr),
                );
                self.nodes[t].multi = Some(MultiInstance {
                    sequential: p.mode == MitzeichnungMode::Sequential,
                    cardinality: p.participants.len(),
                    completion: match p.decision_rule {
                        DecisionRule::AllApprove => "vetos > 0".into(),
                        DecisionRule::Quorum { n } => format!("approvals >= {n}"),
                    },
                });
                let g = self.node(
                    h("outcome"),
                    NodeKind::ExclusiveGateway,
                    "Ergebnis?".into(),
                    i,
                    false,
                    lane,
                );
                self.helper_flow(hf("outcome"), t, g);
                self.place(rect, &[(vec![t], vec![task]), (vec![g], vec![gw])]);
                map.entry = t;
                map.exits.push(cond_exit("ok", g, outcome_condition("ok")));
                map.exits
                    .push(cond_exit("veto", g, outcome_condition("veto")));
                map.fallback = g;
            }
            BlockKind::Schlusszeichnung(p) => {
                let t = self.node(
                    primary_id,
                    NodeKind::UserTask,
                    name,
                    i,
                    true,
                    role_of(&p.signer),
                );
                self.nodes[t].owners.extend(p.signer.iter().map(owner_expr));
                self.nodes[t].readable.push(Readable {
                    name: "signature",
                    attrs: vec![
                        ("level", p.signature_level.tag().into()),
                        ("zusatz", p.zeichnungszusatz.tag().into()),
                    ],
                });
                let g = self.node(
                    h("outcome"),
                    NodeKind::ExclusiveGateway,
                    "Ergebnis?".into(),
                    i,
                    false,
                    role_of(&p.signer),
                );
                self.helper_flow(hf("outcome"), t, g);
                self.place(rect, &[(vec![t], vec![task]), (vec![g], vec![gw])]);
                map.entry = t;
                map.exits.push(cond_exit("ok", g, outcome_condition("ok")));
                map.exits
                    .push(cond_exit("reject", g, outcome_condition("reject")));
                map.fallback = g;
            }
            BlockKind::Wertgrenzen(p) => {
                let g = self.node(primary_id, NodeKind::ExclusiveGateway, name, i, true, None);
                self.place(rect, &[(vec![g], vec![bgw])]);
                let last = p.bands.len().saturating_sub(1);
                for (k, band) in p.bands.iter().enumerate() {
                    let label =
                        xml_safe(&catalog::band_label(band.lower, band.upper, &band.label).0);
                    let mut attrs = vec![
                        ("id", xml_safe(&band.id)),
                        ("lower", band.lower.to_canonical()),
                    ];
                    if let Some(u) = band.upper {
                        attrs.push(("upper", u.to_canonical()));
                    }
                    attrs.push(("basis", p.basis.tag().into()));
                    let default = k == last && band.upper.is_none();
                    map.exits.push(Exit {
                        port: band.id.clone(),
                        node: g,
                        condition: if default {
                            None
                        } else {
                            Some(band_condition(&p.amount_field, band, k == 0))
                        },
                        default,
                        name: Some(label),
                        readable: vec![Readable {
                            name: "band",
                            attrs,
                        }],
                    });
                }
                map.entry = g;
                map.fallback = g;
            }
            BlockKind::Komplexitaet(p) => {
                let g = self.node(primary_id, NodeKind::ExclusiveGateway, name, i, true, None);
                self.place(rect, &[(vec![g], vec![bgw])]);
                for r in &p.rules {
                    let label = if r.label.trim().is_empty() {
                        xml_safe(&r.id)
                    } else {
                        xml_safe(&r.label)
                    };
                    map.exits.push(Exit {
                        port: r.id.clone(),
                        node: g,
                        condition: Some(rule_condition(&r.condition)),
                        default: false,
                        name: Some(label),
                        readable: vec![Readable {
                            name: "rule",
                            attrs: vec![("id", xml_safe(&r.id))],
                        }],
                    });
                }
                map.exits.push(Exit {
                    port: OTHERWISE_PORT.to_string(),
                    node: g,
                    condition: None,
                    default: true,
                    name: Some(port_name_de(OTHERWISE_PORT)),
                    readable: Vec::new(),
                });
                map.entry = g;
                map.fallback = g;
            }
            BlockKind::Rueckfrage(p) => {
                let t = self.node(primary_id, NodeKind::SendTask, name, i, true, None);
                let g = self.node(
                    h("wait"),
                    NodeKind::EventBasedGateway,
                    "Antwort oder Fristablauf?".into(),
                    i,
                    false,
                    None,
                );
                let r = self.node(
                    h("reply"),
                    NodeKind::IntermediateCatchEvent,
                    "Antwort eingegangen".into(),
                    i,
                    false,
                    None,
                );
                let m = self.message(
                    &format!("Message_reply_{esc}"),
                    format!("Antwort auf Rückfrage: {label_ref}"),
                );
                self.nodes[r].event = Some(EventDef::Message(m));
                let o = self.node(
                    h("timeout"),
                    NodeKind::IntermediateCatchEvent,
                    "Antwortfrist abgelaufen".into(),
                    i,
                    false,
                    None,
                );
                self.nodes[o].event = Some(EventDef::Timer(
                    p.reply_deadline
                        .as_ref()
                        .map_or(Timer::Unset, |d| Timer::Duration(xml_safe(&d.0))),
                ));
                self.nodes[t].readable.push(Readable {
                    name: "channel",
                    attrs: vec![("value", p.channel.tag().into())],
                });
                self.helper_flow(hf("wait"), t, g);
                self.helper_flow(hf("reply"), g, r);
                self.helper_flow(hf("timeout"), g, o);
                self.place(
                    rect,
                    &[
                        (vec![t], vec![task]),
                        (vec![g], vec![gw]),
                        (vec![r, o], vec![event, event]),
                    ],
                );
                map.entry = t;
                map.exits.push(exit("reply", r));
                map.exits.push(exit("timeout", o));
                map.fallback = o;
            }
            BlockKind::Frist(p) => {
                let e = self.node(
                    primary_id,
                    NodeKind::IntermediateCatchEvent,
                    name,
                    i,
                    true,
                    role_of(&p.notify),
                );
                let timer = match p.kind {
                    FristKind::Warten => p
                        .duration
                        .as_ref()
                        .map_or(Timer::Unset, |d| Timer::Duration(xml_safe(&d.0))),
                    FristKind::WiedervorlageAm => match (&p.date_field, &p.offset) {
                        (Some(f), Some(o)) => Timer::Date(format!(
                            "{} + duration({})",
                            xml_safe(f),
                            feel_string(&xml_safe(&o.0))
                        )),
                        (Some(f), None) => Timer::Date(xml_safe(f)),
                        _ => Timer::Unset,
                    },
                };
                self.nodes[e].event = Some(EventDef::Timer(timer));
                self.nodes[e].readable.push(Readable {
                    name: "calendar",
                    attrs: vec![("value", p.calendar.tag().into())],
                });
                self.place(rect, &[(vec![e], vec![event])]);
                map.entry = e;
                map.exits.push(exit("next", e));
                map.fallback = e;
            }
            BlockKind::Bescheid(p) => {
                let r = self.node(
                    h("render"),
                    NodeKind::ServiceTask,
                    "Bescheid erstellen".into(),
                    i,
                    false,
                    None,
                );
                let s = self.node(primary_id, NodeKind::SendTask, name, i, true, None);
                self.nodes[s].readable.push(Readable {
                    name: "channel",
                    attrs: vec![("value", p.channel.tag().into())],
                });
                self.helper_flow(hf("render"), r, s);
                map.entry = r;
                if p.channel == BescheidChannel::PostfachAbruf {
                    let a = self.node(
                        h("abruf"),
                        NodeKind::ReceiveTask,
                        "Abruf abwarten".into(),
                        i,
                        false,
                        None,
                    );
                    let m = self.message(
                        &format!("Message_abruf_{esc}"),
                        format!("Abrufquittung: {label_ref}"),
                    );
                    self.nodes[a].message_ref = Some(m);
                    self.helper_flow(hf("abruf"), s, a);
                    self.place(
                        rect,
                        &[
                            (vec![r], vec![task]),
                            (vec![s], vec![task]),
                            (vec![a], vec![task]),
                        ],
                    );
                    let t = self.node(
                        h("abruffrist"),
                        NodeKind::BoundaryEvent,
                        "Abruffrist abgelaufen".into(),
                        i,
                        false,
                        None,
                    );
                    let frist = p
                        .abruf_frist
                        .as_ref()
                        .map_or_else(|| "P10D".to_string(), |d| xml_safe(&d.0));
                    self.nodes[t].event = Some(EventDef::Timer(Timer::Duration(frist)));
                    self.attach(t, a, true);
                    map.exits.push(exit("zugestellt", a));
                    map.exits.push(exit("nichtAbgerufen", t));
                    map.fallback = a;
                } else {
                    self.place(rect, &[(vec![r], vec![task]), (vec![s], vec![task])]);
                    map.exits.push(exit("zugestellt", s));
                    map.fallback = s;
                }
            }
            BlockKind::Zahlung(p) => {
                let s = self.node(primary_id, NodeKind::ServiceTask, name, i, true, None);
                let r = self.node(
                    h("payment"),
                    NodeKind::ReceiveTask,
                    "Zahlungseingang abwarten".into(),
                    i,
                    false,
                    None,
                );
                let m = self.message(
                    &format!("Message_payment_{esc}"),
                    format!("Zahlungseingang: {label_ref}"),
                );
                self.nodes[r].message_ref = Some(m);
                self.helper_flow(hf("payment"), s, r);
                self.place(rect, &[(vec![s], vec![task]), (vec![r], vec![task])]);
                let t = self.node(
                    h("paydeadline"),
                    NodeKind::BoundaryEvent,
                    "Zahlungsfrist abgelaufen".into(),
                    i,
                    false,
                    None,
                );
                self.nodes[t].event = Some(EventDef::Timer(
                    p.pay_deadline
                        .as_ref()
                        .map_or(Timer::Unset, |d| Timer::Duration(xml_safe(&d.0))),
                ));
                self.attach(t, r, true);
                map.entry = s;
                map.exits.push(exit("bezahlt", r));
                map.exits.push(exit("nichtBezahlt", t));
                map.fallback = r;
            }
            BlockKind::Veraktung(p) => {
                let s = self.node(primary_id, NodeKind::ServiceTask, name, i, true, None);
                self.nodes[s].readable.push(Readable {
                    name: "xdomea",
                    attrs: vec![
                        ("aktenplanKennzeichen", xml_safe(&p.aktenplan_kennzeichen)),
                        ("zdA", p.zda.to_string()),
                    ],
                });
                self.place(rect, &[(vec![s], vec![task])]);
                let e = self.node(
                    h("fehler"),
                    NodeKind::BoundaryEvent,
                    "Übernahme fehlgeschlagen".into(),
                    i,
                    false,
                    None,
                );
                if !self.errors.iter().any(|(id, _, _)| id == "Error_xdomea") {
                    self.errors.push((
                        "Error_xdomea".into(),
                        "xdomea-Übernahme fehlgeschlagen".into(),
                        "FVDaten.ImportBestaetigen.0630".into(),
                    ));
                }
                self.nodes[e].event = Some(EventDef::Error("Error_xdomea".into()));
                self.attach(e, s, true);
                map.entry = s;
                map.exits.push(exit("ok", s));
                map.exits.push(exit("fehler", e));
                map.fallback = s;
            }
            BlockKind::Benachrichtigung(p) => {
                let lane = match &p.recipient {
                    Some(Recipient::Role(r)) => Some(r.clone()),
                    _ => None,
                };
                let s = self.node(primary_id, NodeKind::SendTask, name, i, true, lane);
                self.place(rect, &[(vec![s], vec![task])]);
                map.entry = s;
                map.exits.push(exit("next", s));
                map.fallback = s;
            }
            BlockKind::Ende(p) => {
                let e = self.node(primary_id, NodeKind::EndEvent, name, i, true, None);
                if p.terminate {
                    self.nodes[e].event = Some(EventDef::Terminate);
                }
                self.nodes[e].readable.push(Readable {
                    name: "result",
                    attrs: vec![("value", p.result.tag().into())],
                });
                self.place(rect, &[(vec![e], vec![event])]);
                map.entry = e;
                map.fallback = e;
            }
            BlockKind::Eskalation(_) => {
                // Placed by `eskalation` once every host exists; a placeholder keeps indices.
                let e = self.node(primary_id, NodeKind::BoundaryEvent, name, i, true, None);
                map.entry = e;
                map.fallback = e;
            }
        }
        map
    }

    /// Completes an Eskalation block: a timer boundary event on its host's task, or a free
    /// timer catch event if there is no host to attach to.
    fn eskalation(
        &mut self,
        i: usize,
        n: usize,
        rect: Rect,
        map: &mut BlockMap,
        host: Option<usize>,
    ) {
        let b = &self.w.blocks[i];
        let BlockKind::Eskalation(p) = &b.kind else {
            return;
        };
        let esc = if n == 0 {
            escape_id(&b.id.0)
        } else {
            format!("{}_dup{n}", escape_id(&b.id.0))
        };
        let e = map.entry;
        let timer = p
            .after
            .as_ref()
            .map_or(Timer::Unset, |d| Timer::Duration(xml_safe(&d.0)));
        self.nodes[e].event = Some(EventDef::Timer(timer));
        match host {
            Some(host) => {
                self.attach(e, host, p.interrupting);
                if p.interrupting {
                    map.exits.push(Exit {
                        port: "escalated".into(),
                        node: e,
                        condition: None,
                        default: false,
                        name: None,
                        readable: Vec::new(),
                    });
                } else {
                    let lane = role_of(&p.escalate_to).or_else(|| self.nodes[e].lane.clone());
                    let s = self.node(
                        format!("Helper_notify_{esc}"),
                        NodeKind::SendTask,
                        "Eskalation melden".into(),
                        i,
                        false,
                        lane.clone(),
                    );
                    let d = self.node(
                        format!("Helper_end_{esc}"),
                        NodeKind::EndEvent,
                        "Eskalation gemeldet".into(),
                        i,
                        false,
                        lane,
                    );
                    self.helper_flow(format!("HelperFlow_notify_{esc}"), e, s);
                    self.helper_flow(format!("HelperFlow_end_{esc}"), s, d);
                    self.place(
                        rect,
                        &[
                            (vec![s], vec![(Shape::Task, 0)]),
                            (vec![d], vec![(Shape::Event, EVENT)]),
                        ],
                    );
                    map.fallback = e;
                }
            }
            None => {
                self.nodes[e].kind = NodeKind::IntermediateCatchEvent;
                self.place(rect, &[(vec![e], vec![(Shape::Event, EVENT)])]);
                map.exits.push(Exit {
                    port: "escalated".into(),
                    node: e,
                    condition: None,
                    default: false,
                    name: None,
                    readable: Vec::new(),
                });
            }
        }
    }
}

/// Where blocks without a layout entry are drawn: a grid below everything else.
fn auto_rect(w: &Workflow, k: usize) -> Rect {
    let bottom = w
        .layout
        .blocks
        .values()
        .map(|r| r.y.saturating_add(r.h))
        .max()
        .unwrap_or(0);
    let col = i32::try_from(k % 10).unwrap_or(0);
    let row = i32::try_from(k / 10).unwrap_or(0);
    Rect {
        x: 40 + col * 220,
        y: bottom
            .saturating_add(80)
            .saturating_add(row.saturating_mul(120)),
        w: Rect::DEFAULT_W,
        h: Rect::DEFAULT_H,
    }
}

/// Builds the complete plan of a workflow.
pub(crate) fn build(w: &Workflow) -> Plan {
    let mut b = Builder {
        w,
        nodes: Vec::new(),
        flows: Vec::new(),
        messages: Vec::new(),
        errors: Vec::new(),
        boundaries: HashMap::new(),
    };

    // Occurrence numbers of block ids, first index per id.
    let mut first_block: HashMap<&BlockId, usize> = HashMap::new();
    let mut seen: HashMap<&BlockId, usize> = HashMap::new();
    let mut block_n = Vec::with_capacity(w.blocks.len());
    for (i, blk) in w.blocks.iter().enumerate() {
        let c = seen.entry(&blk.id).or_insert(0);
        block_n.push(*c);
        *c += 1;
        first_block.entry(&blk.id).or_insert(i);
    }

    let mut unplaced = 0usize;
    let rects: Vec<(Rect, bool)> = w
        .blocks
        .iter()
        .map(|blk| match w.layout.blocks.get(&blk.id) {
            Some(r) => (*r, true),
            None => {
                unplaced += 1;
                (auto_rect(w, unplaced - 1), false)
            }
        })
        .collect();

    let mut maps: Vec<BlockMap> = Vec::with_capacity(w.blocks.len());
    for i in 0..w.blocks.len() {
        let m = b.block(i, block_n[i], rects[i].0);
        maps.push(m);
    }
    let mut primary_of: HashMap<usize, usize> = HashMap::with_capacity(w.blocks.len());
    for (k, n) in b.nodes.iter().enumerate() {
        if n.primary {
            primary_of.insert(n.block, k);
        }
    }
    for (i, blk) in w.blocks.iter().enumerate() {
        if let BlockKind::Eskalation(p) = &blk.kind {
            let host = p
                .attached_to
                .as_ref()
                .and_then(|h| first_block.get(h))
                .filter(|h| !matches!(w.blocks[**h].kind, BlockKind::Eskalation(_)))
                .and_then(|h| primary_of.get(h).copied())
                .filter(|n| b.nodes[*n].kind.is_activity());
            let mut m = std::mem::take(&mut maps[i]);
            b.eskalation(i, block_n[i], rects[i].0, &mut m, host);
            maps[i] = m;
        }
    }
    for (i, (rect, placed)) in rects.iter().enumerate() {
        if *placed && block_n[i] == 0 {
            if let Some(&n) = primary_of.get(&i) {
                b.nodes[n].rect_attr = Some(*rect);
            }
        }
    }

    // Edges become flows from the port's exit to the target's entry.
    struct Pending {
        edge: usize,
        n: usize,
        from: usize,
        to_block: usize,
        exit: Option<Exit>,
    }
    let mut dangling = Vec::new();
    let mut pending = Vec::new();
    let mut edge_seen: HashMap<&EdgeId, usize> = HashMap::new();
    for (k, e) in w.edges.iter().enumerate() {
        let c = edge_seen.entry(&e.id).or_insert(0);
        let n = *c;
        *c += 1;
        match (first_block.get(&e.from), first_block.get(&e.to)) {
            (Some(&f), Some(&t)) => {
                let exit = maps[f].exits.iter().find(|x| x.port == e.port).cloned();
                pending.push(Pending {
                    edge: k,
                    n,
                    from: f,
                    to_block: t,
                    exit,
                });
            }
            _ => dangling.push(k),
        }
    }
    // Merge gateways in front of entries with more than one incoming edge.
    let mut incoming: BTreeMap<usize, usize> = BTreeMap::new();
    for p in &pending {
        *incoming.entry(maps[p.to_block].entry).or_insert(0) += 1;
    }
    let mut merge_of: HashMap<usize, usize> = HashMap::new();
    for (&entry, &count) in &incoming {
        if count < 2 {
            continue;
        }
        let blk = b.nodes[entry].block;
        let esc = if block_n[blk] == 0 {
            escape_id(&w.blocks[blk].id.0)
        } else {
            format!("{}_dup{}", escape_id(&w.blocks[blk].id.0), block_n[blk])
        };
        let lane = b.nodes[entry].lane.clone();
        let g = b.node(
            format!("Helper_merge_{esc}"),
            NodeKind::ExclusiveGateway,
            String::new(),
            blk,
            false,
            lane,
        );
        b.nodes[g].bounds = geometry::merge(rects[blk].0);
        b.helper_flow(format!("HelperFlow_merge_{esc}"), g, entry);
        merge_of.insert(entry, g);
    }
    for p in pending {
        let e = &w.edges[p.edge];
        let exit = p.exit.unwrap_or(Exit {
            port: e.port.clone(),
            node: maps[p.from].fallback,
            condition: None,
            default: false,
            name: None,
            readable: Vec::new(),
        });
        let entry = maps[p.to_block].entry;
        let target = merge_of.get(&entry).copied().unwrap_or(entry);
        let id = if p.n == 0 {
            format!("Flow_{}", escape_id(&e.id.0))
        } else {
            format!("Flow_{}_dup{}", escape_id(&e.id.0), p.n)
        };
        let source_id = b.nodes[exit.node].id.clone();
        let target_id = b.nodes[target].id.clone();
        b.nodes[exit.node].outgoing.push(id.clone());
        b.nodes[target].incoming.push(id.clone());
        if exit.default && b.nodes[exit.node].default_flow.is_none() {
            b.nodes[exit.node].default_flow = Some(id.clone());
        }
        b.flows.push(Flow {
            id,
            source: source_id,
            target: target_id,
            name: exit.name.clone(),
            condition: exit.condition.clone(),
            edge: Some((p.edge, p.n)),
            readable: exit.readable.clone(),
            routed: w.layout.edges.contains_key(&e.id),
            waypoints: Vec::new(),
        });
    }

    // Waypoints.
    let index: HashMap<&str, usize> = b
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut routes = Vec::with_capacity(b.flows.len());
    for f in &b.flows {
        let (Some(&s), Some(&t)) = (index.get(f.source.as_str()), index.get(f.target.as_str()))
        else {
            routes.push(Vec::new());
            continue;
        };
        let (sn, tn) = (&b.nodes[s], &b.nodes[t]);
        let points = f
            .edge
            .and_then(|(k, _)| w.layout.edges.get(&w.edges[k].id))
            .map(Vec::as_slice);
        routes.push(geometry::route(
            sn.bounds,
            sn.kind.shape(),
            tn.bounds,
            tn.kind.shape(),
            points,
            sn.kind == NodeKind::BoundaryEvent,
        ));
    }
    for (f, r) in b.flows.iter_mut().zip(routes) {
        f.waypoints = r;
    }

    // Lanes: one per role, around the shapes of the role's elements.
    let mut lanes = Vec::new();
    let mut lane_seen: HashMap<&RoleId, usize> = HashMap::new();
    let diagram_bottom = b.nodes.iter().map(|n| n.bounds.bottom()).max().unwrap_or(0);
    let diagram_left = b.nodes.iter().map(|n| n.bounds.x).min().unwrap_or(0);
    let mut empty_lanes = 0;
    let mut by_lane: HashMap<&RoleId, Vec<usize>> = HashMap::new();
    for (k, n) in b.nodes.iter().enumerate() {
        if let Some(l) = &n.lane {
            by_lane.entry(l).or_default().push(k);
        }
    }
    for role in &w.roles {
        let c = lane_seen.entry(&role.id).or_insert(0);
        let n = *c;
        *c += 1;
        let id = if n == 0 {
            format!("Lane_{}", escape_id(&role.id.0))
        } else {
            format!("Lane_{}_dup{n}", escape_id(&role.id.0))
        };
        let members: Vec<&Node> = if n == 0 {
            by_lane
                .get(&role.id)
                .map(|v| v.iter().map(|k| &b.nodes[*k]).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let bounds = match members.split_first() {
            Some((first, rest)) => {
                let bb = rest
                    .iter()
                    .fold(first.bounds, |acc, x| acc.union(&x.bounds));
                Bounds {
                    x: bb.x.saturating_sub(40),
                    y: bb.y.saturating_sub(20),
                    w: bb.w.saturating_add(60),
                    h: bb.h.saturating_add(40),
                }
            }
            None => {
                empty_lanes += 1;
                Bounds {
                    x: diagram_left.saturating_sub(40),
                    y: diagram_bottom
                        .saturating_add(60)
                        .saturating_add((empty_lanes - 1) * 80),
                    w: 400,
                    h: 60,
                }
            }
        };
        let mut refs: Vec<String> = members.iter().map(|x| x.id.clone()).collect();
        refs.sort();
        let name = if role.name.trim().is_empty() {
            xml_safe(&role.id.0)
        } else {
            xml_safe(&role.name)
        };
        lanes.push(Lane {
            id,
            name,
            nodes: refs,
            bounds,
        });
    }

    // Layout entries that no exported element carries.
    let block_ids: std::collections::HashSet<&BlockId> = w.blocks.iter().map(|x| &x.id).collect();
    let flow_edges: std::collections::HashSet<&EdgeId> = b
        .flows
        .iter()
        .filter_map(|f| f.edge)
        .map(|(k, _)| &w.edges[k].id)
        .collect();
    let orphan_layout = Layout {
        blocks: w
            .layout
            .blocks
            .iter()
            .filter(|(k, _)| !block_ids.contains(k))
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        edges: w
            .layout
            .edges
            .iter()
            .filter(|(k, _)| !flow_edges.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };

    Plan {
        nodes: b.nodes,
        flows: b.flows,
        messages: b.messages,
        errors: b.errors,
        lanes,
        block_n,
        dangling,
        orphan_layout,
    }
}

/// Bounds of the element that represents `block` when drawn in `rect` (None for Eskalation,
/// whose element sits on its host).
pub(crate) fn primary_bounds(block: &Block, rect: Rect) -> Option<(Bounds, Shape)> {
    if matches!(block.kind, BlockKind::Eskalation(_)) {
        return None;
    }
    let mut w = Workflow::new("x", "x");
    w.blocks.push(block.clone());
    let mut b = Builder {
        w: &w,
        nodes: Vec::new(),
        flows: Vec::new(),
        messages: Vec::new(),
        errors: Vec::new(),
        boundaries: HashMap::new(),
    };
    b.block(0, 0, rect);
    b.nodes
        .iter()
        .find(|n| n.primary)
        .map(|n| (n.bounds, n.kind.shape()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_conditions_follow_the_interval_convention() {
        let b = |l: i64, u: Option<i64>| Band {
            id: "x".into(),
            lower: Money::euros(l),
            upper: u.map(Money::euros),
            label: String::new(),
        };
        assert_eq!(
            band_condition("betragNetto", &b(0, Some(1000)), true),
            "betragNetto <= 1000"
        );
        assert_eq!(
            band_condition("betragNetto", &b(1000, Some(25000)), false),
            "betragNetto > 1000 and betragNetto <= 25000"
        );
        assert_eq!(
            band_condition("betragNetto", &b(25000, None), false),
            "betragNetto > 25000"
        );
        assert_eq!(feel_money(Money(100_050)), "1000.5");
        assert_eq!(feel_money(Money(-325)), "-3.25");
    }
}
