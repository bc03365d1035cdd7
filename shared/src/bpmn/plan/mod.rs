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

mod builder;
mod routing;
mod services;
mod tasks;
mod text;

use builder::{BlockMap, Builder, Exit};
pub(crate) use text::{display_name, rule_condition};

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
    use super::text::{band_condition, feel_money};
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
