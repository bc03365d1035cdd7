//! The builder the block mappings write into: nodes, flows, messages and errors of the plan,
//! with the primitives every mapping uses, and the mapping of Eskalation blocks (which need
//! their host first).

use std::collections::HashMap;

use super::text::*;
use super::*;

/// One exit of a block: the element a port's flow leaves from.
#[derive(Debug, Clone)]
pub(super) struct Exit {
    pub port: String,
    pub node: usize,
    pub condition: Option<String>,
    pub default: bool,
    pub name: Option<String>,
    pub readable: Vec<Readable>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct BlockMap {
    pub entry: usize,
    pub exits: Vec<Exit>,
    pub fallback: usize,
}

/// What the elements of one block are named after.
pub(super) struct BlockKeys {
    pub i: usize,
    /// The escaped block id (with `_dup<n>` for a repeated id).
    pub esc: String,
    pub primary_id: String,
    pub name: String,
    /// Name and original id, for messages.
    pub label_ref: String,
}

/// One entry of a column: a shape and its size parameter.
type Entry = (Shape, i32);

/// Column entries: task, event, gateway of a helper, gateway that is the block itself.
pub(super) const SHAPES: (Entry, Entry, Entry, Entry) = (
    (Shape::Task, 0),
    (Shape::Event, EVENT),
    (Shape::Gateway, GATEWAY),
    (Shape::Gateway, BLOCK_GATEWAY),
);

pub(super) fn exit(port: &str, node: usize) -> Exit {
    Exit {
        port: port.to_string(),
        node,
        condition: None,
        default: false,
        name: None,
        readable: Vec::new(),
    }
}

pub(super) fn cond_exit(port: &str, node: usize, condition: String) -> Exit {
    Exit {
        port: port.to_string(),
        node,
        condition: Some(condition),
        default: false,
        name: Some(port_name_de(port)),
        readable: Vec::new(),
    }
}

/// Node indices of one column with their shapes.
pub(super) type PlacedColumn = (Vec<usize>, Vec<(Shape, i32)>);

pub(super) struct Builder<'w> {
    pub w: &'w Workflow,
    pub nodes: Vec<Node>,
    pub flows: Vec<Flow>,
    pub messages: Vec<(String, String)>,
    pub errors: Vec<(String, String, String)>,
    pub boundaries: HashMap<usize, usize>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn node(
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

    pub(super) fn helper_flow(&mut self, id: String, from: usize, to: usize) {
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

    pub(super) fn message(&mut self, id: &str, name: String) -> String {
        // Message ids derive from unique element ids, so each is added once.
        self.messages.push((id.to_string(), name));
        id.to_string()
    }

    pub(super) fn place(&mut self, rect: Rect, cols: &[PlacedColumn]) {
        let shapes: Vec<Column> = cols.iter().map(|(_, s)| s.clone()).collect();
        let placed = geometry::columns(rect, &shapes);
        for ((ids, _), bounds) in cols.iter().zip(placed) {
            for (i, b) in ids.iter().zip(bounds) {
                self.nodes[*i].bounds = b;
            }
        }
    }

    pub(super) fn attach(&mut self, node: usize, host: usize, cancel: bool) {
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
    pub(super) fn block(&mut self, i: usize, n: usize, rect: Rect) -> BlockMap {
        let w = self.w;
        let b = &w.blocks[i];
        let esc = if n == 0 {
            escape_id(&b.id.0)
        } else {
            format!("{}_dup{n}", escape_id(&b.id.0))
        };
        let name = display_name(b);
        let keys = BlockKeys {
            i,
            primary_id: format!("Block_{esc}"),
            label_ref: format!("{name} ({})", xml_safe(&b.id.0)),
            name,
            esc,
        };
        let mut map = BlockMap::default();
        match &b.kind {
            BlockKind::Start(_)
            | BlockKind::Sachbearbeitung(_)
            | BlockKind::VierAugen(_)
            | BlockKind::Mitzeichnung(_)
            | BlockKind::Schlusszeichnung(_) => self.task_block(keys, rect, &mut map),
            BlockKind::Wertgrenzen(_)
            | BlockKind::Komplexitaet(_)
            | BlockKind::Rueckfrage(_)
            | BlockKind::Frist(_) => self.routing_block(keys, rect, &mut map),
            BlockKind::Bescheid(_)
            | BlockKind::Zahlung(_)
            | BlockKind::Veraktung(_)
            | BlockKind::Benachrichtigung(_)
            | BlockKind::Ende(_) => self.service_block(keys, rect, &mut map),
            BlockKind::Eskalation(_) => {
                // Placed by `eskalation` once every host exists; a placeholder keeps indices.
                let BlockKeys {
                    primary_id, name, ..
                } = keys;
                let e = self.node(primary_id, NodeKind::BoundaryEvent, name, i, true, None);
                map.entry = e;
                map.fallback = e;
            }
        }
        map
    }

    /// Completes an Eskalation block: a timer boundary event on its host's task, or a free
    /// timer catch event if there is no host to attach to.
    pub(super) fn eskalation(
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
