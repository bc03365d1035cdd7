//! Everything validation needs about a workflow, computed once in linear time: id → index maps,
//! edges by source with their resolved ports, the flow graph (edges plus Eskalation
//! attachments), reachability from Start, strongly connected components and dominators
//! (Cooper–Harvey–Kennedy). All graph algorithms are iterative: no recursion depth limits.

mod graph;
mod index;
mod messages;

pub(super) use graph::Csr;
pub(super) use index::Ports;
pub(crate) use index::{map, set, Map, Set};
pub(super) use messages::{
    assignee_text, de, duration_bounds, duration_parts, en, is_human_task, money_de, money_en,
};

use index::{resolve_ports, DUP_PORT, EDGE_TAG, NO_PORT};

use crate::catalog;
use crate::model::{Block, BlockId, BlockKind, BlockType, Field, Role, Workflow, OTHERWISE_PORT};

/// Marks "no node" in index arrays.
pub(super) const NONE: usize = usize::MAX;

pub(super) struct Ctx<'a> {
    pub w: &'a Workflow,
    pub blocks: &'a [Block],
    /// Block type per block (compact, for hot loops).
    types: Vec<BlockType>,
    /// Block id → index of the first block with that id; also edge ids, tagged with `EDGE_TAG`.
    index: Map<&'a str, usize>,
    /// Some edge id repeats, or equals a block id.
    pub edge_id_clash: bool,
    /// False for a block whose id an earlier block already has.
    pub primary: Vec<bool>,
    pub roles: Map<&'a str, &'a Role>,
    pub fields: Map<&'a str, &'a Field>,
    /// Per edge: source / target block index, `NONE` if it does not exist.
    pub edge_from: Vec<usize>,
    pub edge_to: Vec<usize>,
    /// Edges by source block (incl. edges to missing targets), in document order.
    out_edges: Csr,
    /// Per edge: index of its port among the source block's declared ports (`NO_PORT` if the
    /// block does not declare it or the source is missing).
    edge_port: Vec<u32>,
    /// Per block: offset into `port_count`, one slot per declared port.
    port_start: Vec<usize>,
    /// Edges per declared port; `DUP_PORT` marks a repeated port name (counted at its first).
    port_count: Vec<u32>,
    /// For each Eskalation: the block it is attached to (if that exists).
    pub host: Vec<usize>,
    /// Flow graph over blocks `0..n` plus the virtual root `n` (→ every Start): edges with both
    /// ends present, plus host → Eskalation. `exit` marks edges that leave a block on the
    /// case's own path (all but attachments of non-interrupting Eskalationen).
    pub fwd: Csr,
    /// `fwd` reversed (without the root).
    pub rev: Csr,
    pub has_start: bool,
    pub has_end: bool,
    /// Reachable from a Start (all true when there is no Start).
    pub reach: Vec<bool>,
    /// Immediate dominator per node (`NONE` if unreachable); root = n.
    idom: Vec<usize>,
    dom_pre: Vec<usize>,
    dom_post: Vec<usize>,
    /// Nodes in reverse post order from the root (reachable only).
    pub rpo: Vec<usize>,
    /// Strongly connected component per block over `exit` edges.
    pub scc: Vec<usize>,
    pub scc_count: usize,
}

impl<'a> Ctx<'a> {
    pub fn new(w: &'a Workflow) -> Ctx<'a> {
        let blocks = w.blocks.as_slice();
        let n = blocks.len();
        let mut index = map(n + w.edges.len());
        let mut primary = vec![true; n];
        for (i, (b, p)) in blocks.iter().zip(primary.iter_mut()).enumerate() {
            if *index.entry(b.id.as_str()).or_insert(i) != i {
                *p = false;
            }
        }
        let mut roles = map(w.roles.len());
        for r in &w.roles {
            roles.entry(r.id.as_str()).or_insert(r);
        }
        let mut fields = map(w.fields.len());
        for f in &w.fields {
            fields.entry(f.name.as_str()).or_insert(f);
        }
        // Edge ids go into the same map (tagged), so that repeated edge ids and edge ids equal
        // to a block id are noticed here without a second map.
        let mut edge_id_clash = false;
        for (e, edge) in w.edges.iter().enumerate() {
            match index.entry(edge.id.as_str()) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(EDGE_TAG | e);
                }
                std::collections::hash_map::Entry::Occupied(_) => edge_id_clash = true,
            }
        }
        let lookup = |id: &BlockId| {
            index
                .get(id.as_str())
                .copied()
                .filter(|v| v & EDGE_TAG == 0)
                .unwrap_or(NONE)
        };
        let mut edge_from = Vec::with_capacity(w.edges.len());
        let mut edge_to = Vec::with_capacity(w.edges.len());
        for e in &w.edges {
            edge_from.push(lookup(&e.from));
            edge_to.push(lookup(&e.to));
        }
        let types: Vec<BlockType> = blocks.iter().map(Block::block_type).collect();

        // Edges by source (counting sort keeps document order).
        let out_edges = Csr::build(n, || {
            edge_from
                .iter()
                .enumerate()
                .filter(|&(_, &f)| f != NONE)
                .map(|(e, &f)| (f, e, false))
        });
        let (edge_port, port_start, port_count) = resolve_ports(w, blocks, &out_edges);

        let mut host = vec![NONE; n];
        for (i, b) in blocks.iter().enumerate() {
            if let BlockKind::Eskalation(p) = &b.kind {
                if let Some(h) = p.attached_to.as_ref().map(&lookup).filter(|&h| h != NONE) {
                    host[i] = h;
                }
            }
        }
        let interrupting = |i: usize| match blocks.get(i).map(|b| &b.kind) {
            Some(BlockKind::Eskalation(p)) => p.interrupting,
            _ => false,
        };
        // Flow edges: edges with both ends present, then host → Eskalation attachments.
        let flow = || {
            edge_from
                .iter()
                .zip(&edge_to)
                .filter(|&(&f, &t)| f != NONE && t != NONE)
                .map(|(&f, &t)| (f, t, true))
                .chain(
                    host.iter()
                        .enumerate()
                        .filter(|&(_, &h)| h != NONE)
                        .map(|(i, &h)| (h, i, interrupting(i))),
                )
        };
        let is_start = |i: usize| {
            blocks
                .get(i)
                .is_some_and(|b| b.block_type() == BlockType::Start)
        };
        let has_start = (0..n).any(is_start);
        let has_end = blocks.iter().any(|b| b.block_type() == BlockType::Ende);
        let rev = Csr::build(n, || flow().map(|(f, t, x)| (t, f, x)));
        let fwd = Csr::build(n + 1, || {
            flow().chain((0..n).filter(|&i| is_start(i)).map(|s| (n, s, true)))
        });

        let mut ctx = Ctx {
            w,
            blocks,
            types,
            index,
            edge_id_clash,
            primary,
            roles,
            fields,
            edge_from,
            edge_to,
            out_edges,
            edge_port,
            port_start,
            port_count,
            host,
            fwd,
            rev,
            has_start,
            has_end,
            reach: Vec::new(),
            idom: Vec::new(),
            dom_pre: Vec::new(),
            dom_post: Vec::new(),
            rpo: Vec::new(),
            scc: Vec::new(),
            scc_count: 0,
        };
        ctx.compute_reach_and_dominators();
        ctx.compute_scc();
        ctx
    }

    pub fn n(&self) -> usize {
        self.blocks.len()
    }

    pub fn block_index(&self, id: &BlockId) -> Option<usize> {
        self.block_index_str(id.as_str())
    }

    pub fn block_index_str(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied().filter(|v| v & EDGE_TAG == 0)
    }

    pub fn kind(&self, i: usize) -> Option<&'a BlockKind> {
        self.blocks.get(i).map(|b| &b.kind)
    }

    pub fn block_type(&self, i: usize) -> Option<BlockType> {
        self.types.get(i).copied()
    }

    pub fn id(&self, i: usize) -> &'a BlockId {
        static EMPTY: std::sync::OnceLock<BlockId> = std::sync::OnceLock::new();
        self.blocks
            .get(i)
            .map_or_else(|| EMPTY.get_or_init(|| BlockId::new("")), |b| &b.id)
    }

    /// Reachable and the first block with its id: graph findings apply.
    pub fn live(&self, i: usize) -> bool {
        self.reach.get(i).copied().unwrap_or(false) && self.primary.get(i).copied().unwrap_or(false)
    }

    /// The block's label, or its type's German name (like `Workflow::block_label`, in O(1)).
    pub fn label(&self, i: usize) -> String {
        match self.blocks.get(i) {
            Some(b) if !b.label.trim().is_empty() => b.label.clone(),
            Some(b) => catalog::info(b.block_type()).name_de.to_string(),
            None => String::new(),
        }
    }

    /// [`Ctx::label`] for English messages: the type's English name when the block has none.
    pub fn label_en(&self, i: usize) -> String {
        match self.blocks.get(i) {
            Some(b) if !b.label.trim().is_empty() => b.label.clone(),
            Some(b) => catalog::info(b.block_type()).name_en.to_string(),
            None => String::new(),
        }
    }

    /// Edges (indices into `w.edges`) leaving block `i`, in document order.
    pub fn out_edges(&self, i: usize) -> &[usize] {
        self.out_edges.get(i)
    }

    /// Index of edge `e`'s port among its source block's declared ports.
    pub fn edge_port(&self, e: usize) -> Option<usize> {
        self.edge_port
            .get(e)
            .copied()
            .filter(|&k| k != NO_PORT)
            .map(|k| k as usize)
    }

    /// Number of edges on block `i`'s `k`-th declared port; `None` for a repeated port name.
    pub fn port_count(&self, i: usize, k: usize) -> Option<u32> {
        let start = self.port_start.get(i).copied()?;
        self.port_count
            .get(start + k)
            .copied()
            .filter(|&c| c != DUP_PORT)
    }

    /// Index of the declared port `name` of block `i`.
    fn port_index(&self, i: usize, name: &str) -> Option<usize> {
        Ports::of(self.kind(i)?).position(name)
    }

    /// Edges leaving block `i` through `port`.
    pub fn edges_on_port<'s>(
        &'s self,
        i: usize,
        port: &'s str,
    ) -> impl Iterator<Item = usize> + 's {
        let k = self.port_index(i, port);
        self.out_edges(i).iter().copied().filter(move |&e| match k {
            Some(k) => self.edge_port(e) == Some(k),
            None => self.w.edges.get(e).is_some_and(|x| x.port == port),
        })
    }

    pub fn port_wired(&self, i: usize, port: &str) -> bool {
        match self.port_index(i, port) {
            Some(k) => self.port_count(i, k).is_some_and(|c| c > 0),
            None => self.edges_on_port(i, port).next().is_some(),
        }
    }

    /// Target block of the first edge on `port`, if it exists.
    pub fn port_target(&self, i: usize, port: &str) -> Option<usize> {
        self.edges_on_port(i, port)
            .map(|e| self.edge_to.get(e).copied().unwrap_or(NONE))
            .find(|&t| t != NONE)
    }

    pub fn role(&self, id: &str) -> Option<&'a Role> {
        self.roles.get(id).copied()
    }

    pub fn field(&self, name: &str) -> Option<&'a Field> {
        self.fields.get(name).copied()
    }

    /// German and English label of a block's port.
    pub fn port_label(&self, i: usize, port: &str) -> (String, String) {
        match self.kind(i) {
            Some(BlockKind::Wertgrenzen(p)) => {
                if let Some(b) = p.bands.iter().find(|b| b.id == port) {
                    return catalog::band_label(b.lower, b.upper, &b.label);
                }
            }
            Some(BlockKind::Komplexitaet(p)) if port != OTHERWISE_PORT => {
                if let Some(r) = p.rules.iter().find(|r| r.id == port) {
                    let l = if r.label.trim().is_empty() {
                        r.id.clone()
                    } else {
                        r.label.clone()
                    };
                    return (l.clone(), l);
                }
            }
            _ => {}
        }
        catalog::port_label(port)
    }
}
