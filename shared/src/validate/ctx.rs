//! Everything validation needs about a workflow, computed once in linear time: id → index maps,
//! edges by source with their resolved ports, the flow graph (edges plus Eskalation
//! attachments), reachability from Start, strongly connected components and dominators
//! (Cooper–Harvey–Kennedy). All graph algorithms are iterative: no recursion depth limits.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use crate::catalog;
use crate::model::{
    Assignee, Band, BescheidChannel, Block, BlockId, BlockKind, BlockType, Field, Role, Rule,
    Workflow, OTHERWISE_PORT,
};
use crate::values::{Duration, DurationParts, Money};

/// Marks "no node" in index arrays.
pub(super) const NONE: usize = usize::MAX;

/// Tags edge ids in the id map.
const EDGE_TAG: usize = 1 << (usize::BITS - 1);

/// Maps keyed by ids: a fast multiply-fold hasher, seeded once per process from std's
/// `RandomState` (SipHash made id lookups the largest cost of validating big workflows).
pub(crate) type Map<K, V> = HashMap<K, V, Seeded>;
pub(crate) type Set<K> = HashSet<K, Seeded>;

#[derive(Clone, Copy)]
pub(crate) struct Seeded(u64);

impl Default for Seeded {
    fn default() -> Seeded {
        static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        Seeded(*SEED.get_or_init(|| {
            std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64) | 1
        }))
    }
}

impl BuildHasher for Seeded {
    type Hasher = FoldHasher;
    fn build_hasher(&self) -> FoldHasher {
        FoldHasher {
            state: self.0,
            seed: self.0,
        }
    }
}

pub(crate) struct FoldHasher {
    state: u64,
    seed: u64,
}

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

impl FoldHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        let x = u128::from(self.state ^ word) * u128::from(self.seed ^ MUL);
        self.state = (x as u64) ^ ((x >> 64) as u64);
    }
}

impl Hasher for FoldHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(c);
            self.mix(u64::from_le_bytes(buf));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // 1–7 bytes: two overlapping 4-byte reads, or first/middle/last byte.
            let len = rest.len();
            let word = if len >= 4 {
                let lo = rest
                    .get(..4)
                    .and_then(|s| <[u8; 4]>::try_from(s).ok())
                    .map_or(0, u32::from_le_bytes);
                let hi = rest
                    .get(len - 4..)
                    .and_then(|s| <[u8; 4]>::try_from(s).ok())
                    .map_or(0, u32::from_le_bytes);
                u64::from(lo) | (u64::from(hi) << 32)
            } else {
                let b = |k: usize| u64::from(rest.get(k).copied().unwrap_or(0));
                b(0) | (b(len / 2) << 8) | (b(len - 1) << 16)
            };
            self.mix(word ^ ((len as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        let x = u128::from(self.state) * u128::from(MUL);
        (x as u64) ^ ((x >> 64) as u64)
    }
}

pub(crate) fn map<K, V>(capacity: usize) -> Map<K, V> {
    HashMap::with_capacity_and_hasher(capacity, Seeded::default())
}

pub(crate) fn set<K>(capacity: usize) -> Set<K> {
    HashSet::with_capacity_and_hasher(capacity, Seeded::default())
}

/// Compressed adjacency lists.
#[derive(Default)]
pub(super) struct Csr {
    start: Vec<usize>,
    list: Vec<usize>,
    /// Per entry of `list`: does this edge count as a way out of a cycle?
    exit: Vec<bool>,
}

impl Csr {
    /// Builds lists for nodes `0..nodes` from `(from, to, exit)` triples, keeping input order.
    /// `triples` is called twice (count, then fill), so no intermediate list is needed.
    fn build<I: Iterator<Item = (usize, usize, bool)>>(
        nodes: usize,
        triples: impl Fn() -> I,
    ) -> Csr {
        let mut start = vec![0usize; nodes + 1];
        let mut total = 0usize;
        for (f, _, _) in triples() {
            if f < nodes {
                if let Some(s) = start.get_mut(f) {
                    *s += 1;
                    total += 1;
                }
            }
        }
        // Exclusive prefix sums: start[v] = first slot of v; used as fill cursors below.
        let mut acc = 0usize;
        for s in start.iter_mut() {
            let c = *s;
            *s = acc;
            acc += c;
        }
        let mut list = vec![0usize; total];
        let mut exit = vec![false; total];
        for (f, t, x) in triples() {
            if f >= nodes {
                continue;
            }
            if let Some(pos) = start.get_mut(f) {
                if let Some(slot) = list.get_mut(*pos) {
                    *slot = t;
                }
                if let Some(slot) = exit.get_mut(*pos) {
                    *slot = x;
                }
                *pos += 1;
            }
        }
        // Cursors now point at each list's end = the next list's start; shift back by one.
        for v in (1..=nodes).rev() {
            start[v] = start[v - 1];
        }
        if let Some(s) = start.first_mut() {
            *s = 0;
        }
        Csr { start, list, exit }
    }

    fn range(&self, v: usize) -> std::ops::Range<usize> {
        let a = self.start.get(v).copied().unwrap_or(0);
        let b = self.start.get(v + 1).copied().unwrap_or(a);
        a..b
    }

    pub(super) fn get(&self, v: usize) -> &[usize] {
        self.list.get(self.range(v)).unwrap_or(&[])
    }

    /// Neighbours through edges that count as exits.
    pub(super) fn exits(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        let r = self.range(v);
        let list = self.list.get(r.clone()).unwrap_or(&[]);
        let exit = self.exit.get(r).unwrap_or(&[]);
        list.iter().zip(exit).filter(|(_, x)| **x).map(|(t, _)| *t)
    }
}

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
        // Consecutive edges often share a block (a → b, b → c, b → d): a tiny cache of the last
        // ids looked up saves most hash lookups.
        let mut edge_from = Vec::with_capacity(w.edges.len());
        let mut edge_to = Vec::with_capacity(w.edges.len());
        let mut recent: [(&str, usize); 4] = [("", NONE); 4];
        let mut next_slot = 0usize;
        let mut resolve = |id: &'a BlockId| -> usize {
            let s = id.as_str();
            if let Some(&(_, v)) = recent.iter().find(|(r, v)| *v != NONE && same(r, s)) {
                return v;
            }
            let v = lookup(id);
            if v != NONE {
                if let Some(slot) = recent.get_mut(next_slot % 4) {
                    *slot = (s, v);
                }
                next_slot += 1;
            }
            v
        };
        for e in &w.edges {
            edge_from.push(resolve(&e.from));
            edge_to.push(resolve(&e.to));
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

    /// True if `a` lies on every path from Start to `b` (and `a != b`). False when unknown.
    pub fn strictly_dominates(&self, a: usize, b: usize) -> bool {
        if a == b || !self.has_start {
            return false;
        }
        match (
            self.dom_pre.get(a),
            self.dom_pre.get(b),
            self.dom_post.get(a),
            self.dom_post.get(b),
        ) {
            (Some(&pa), Some(&pb), Some(&qa), Some(&qb)) => {
                pa != NONE && pb != NONE && pa <= pb && qb <= qa
            }
            _ => false,
        }
    }

    /// Immediate dominator of a block (`None` for the root's children and unreachable blocks).
    pub fn idom(&self, b: usize) -> Option<usize> {
        self.idom
            .get(b)
            .copied()
            .filter(|&d| d != NONE && d < self.n())
    }

    #[inline(never)]
    fn compute_reach_and_dominators(&mut self) {
        let n = self.n();
        let root = n;
        if !self.has_start {
            self.reach = vec![true; n];
            return;
        }
        // Iterative DFS from the root: post order.
        let mut visited = vec![false; n + 1];
        let mut post: Vec<usize> = Vec::with_capacity(n + 1);
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        visited[root] = true;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            let succ = self.fwd.get(v);
            if let Some(&t) = succ.get(*k) {
                *k += 1;
                if let Some(seen) = visited.get_mut(t) {
                    if !*seen {
                        *seen = true;
                        stack.push((t, 0));
                    }
                }
            } else {
                post.push(v);
                stack.pop();
            }
        }
        self.reach = visited.iter().take(n).copied().collect();
        // Dominators are only used by rules of these block types.
        let needed = self.blocks.iter().any(|b| {
            matches!(
                b.block_type(),
                BlockType::VierAugen | BlockType::Mitzeichnung | BlockType::Bescheid
            )
        });
        if !needed {
            self.rpo = post.iter().rev().copied().collect();
            return;
        }
        let mut po_num = vec![NONE; n + 1];
        for (k, &v) in post.iter().enumerate() {
            po_num[v] = k;
        }
        let rpo: Vec<usize> = post.iter().rev().copied().collect();

        // Cooper–Harvey–Kennedy.
        let mut is_start = vec![false; n];
        for &s in self.fwd.get(root) {
            if let Some(x) = is_start.get_mut(s) {
                *x = true;
            }
        }
        let mut idom = vec![NONE; n + 1];
        idom[root] = root;
        let mut changed = true;
        while changed {
            changed = false;
            for &b in rpo.iter().skip(1) {
                let mut new_idom = if is_start.get(b).copied().unwrap_or(false) {
                    root
                } else {
                    NONE
                };
                for &p in self.rev.get(b) {
                    if idom.get(p).copied().unwrap_or(NONE) == NONE {
                        continue;
                    }
                    new_idom = if new_idom == NONE {
                        p
                    } else {
                        intersect(&idom, &po_num, p, new_idom)
                    };
                }
                if new_idom != NONE && idom[b] != new_idom {
                    idom[b] = new_idom;
                    changed = true;
                }
            }
        }

        // Dominator tree numbering for O(1) dominance queries.
        let mut children_count = vec![0usize; n + 2];
        for &v in &rpo {
            if v != root && idom[v] != NONE {
                children_count[idom[v] + 1] += 1;
            }
        }
        for i in 0..=n {
            children_count[i + 1] += children_count[i];
        }
        let mut fill = children_count.clone();
        let mut children = vec![0usize; rpo.len().saturating_sub(1)];
        for &v in &rpo {
            if v != root && idom[v] != NONE {
                if let Some(slot) = children.get_mut(fill[idom[v]]) {
                    *slot = v;
                }
                fill[idom[v]] += 1;
            }
        }
        let mut pre = vec![NONE; n + 1];
        let mut postn = vec![NONE; n + 1];
        let mut clock = 0usize;
        let mut stack: Vec<(usize, usize)> = vec![(root, children_count[root])];
        pre[root] = clock;
        clock += 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < children_count[v + 1] {
                let c = children.get(*k).copied().unwrap_or(root);
                *k += 1;
                if pre[c] == NONE {
                    pre[c] = clock;
                    clock += 1;
                    stack.push((c, children_count[c]));
                }
            } else {
                postn[v] = clock;
                clock += 1;
                stack.pop();
            }
        }
        self.idom = idom;
        self.dom_pre = pre;
        self.dom_post = postn;
        self.rpo = rpo;
    }

    /// Iterative Tarjan over exit edges.
    #[inline(never)]
    fn compute_scc(&mut self) {
        let n = self.n();
        let mut index = vec![NONE; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut comp = vec![NONE; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut counter = 0usize;
        let mut comps = 0usize;
        for s in 0..n {
            if index[s] != NONE {
                continue;
            }
            let mut call: Vec<(usize, usize)> = vec![(s, self.fwd.range(s).start)];
            index[s] = counter;
            low[s] = counter;
            counter += 1;
            stack.push(s);
            on_stack[s] = true;
            while let Some(&mut (v, ref mut k)) = call.last_mut() {
                let end = self.fwd.range(v).end;
                if *k < end {
                    let pos = *k;
                    *k += 1;
                    let t = self.fwd.list.get(pos).copied().unwrap_or(NONE);
                    if t >= n || !self.fwd.exit.get(pos).copied().unwrap_or(false) {
                        continue;
                    }
                    if index[t] == NONE {
                        index[t] = counter;
                        low[t] = counter;
                        counter += 1;
                        stack.push(t);
                        on_stack[t] = true;
                        call.push((t, self.fwd.range(t).start));
                    } else if on_stack[t] {
                        low[v] = low[v].min(index[t]);
                    }
                } else {
                    call.pop();
                    if low[v] == index[v] {
                        while let Some(x) = stack.pop() {
                            on_stack[x] = false;
                            comp[x] = comps;
                            if x == v {
                                break;
                            }
                        }
                        comps += 1;
                    }
                    if let Some(&(parent, _)) = call.last() {
                        low[parent] = low[parent].min(low[v]);
                    }
                }
            }
        }
        self.scc = comp;
        self.scc_count = comps;
    }
}

const NO_PORT: u32 = u32::MAX;
const DUP_PORT: u32 = u32::MAX;

/// Resolves every edge's port name against its source block's declared ports once, and counts
/// the edges per declared port.
#[inline(never)]
fn resolve_ports(
    w: &Workflow,
    blocks: &[Block],
    out_edges: &Csr,
) -> (Vec<u32>, Vec<usize>, Vec<u32>) {
    let mut port_start = Vec::with_capacity(blocks.len() + 1);
    let mut total = 0usize;
    for b in blocks {
        port_start.push(total);
        total += Ports::of(&b.kind).len();
    }
    port_start.push(total);
    let mut port_count = vec![0u32; total];
    let mut edge_port = vec![NO_PORT; w.edges.len()];
    for (v, b) in blocks.iter().enumerate() {
        let ports = Ports::of(&b.kind);
        let start = port_start.get(v).copied().unwrap_or(0);
        let counts = port_count
            .get_mut(start..start + ports.len())
            .unwrap_or(&mut []);
        let out = out_edges.get(v);
        if ports.len() <= 16 {
            if !matches!(ports, Ports::Fixed(_)) {
                for (k, name) in ports.iter().enumerate() {
                    if ports.iter().take(k).any(|q| q == name) {
                        if let Some(c) = counts.get_mut(k) {
                            *c = DUP_PORT;
                        }
                    }
                }
            }
            for &e in out {
                let name = w.edges.get(e).map_or("", |x| x.port.as_str());
                if let Some(k) = ports.position(name) {
                    if let Some(c) = counts.get_mut(k) {
                        *c += 1;
                    }
                    if let Some(slot) = edge_port.get_mut(e) {
                        *slot = k as u32;
                    }
                }
            }
        } else {
            let mut first = map::<&str, usize>(ports.len());
            for (k, name) in ports.iter().enumerate() {
                if *first.entry(name).or_insert(k) != k {
                    if let Some(c) = counts.get_mut(k) {
                        *c = DUP_PORT;
                    }
                }
            }
            for &e in out {
                let name = w.edges.get(e).map_or("", |x| x.port.as_str());
                if let Some(&k) = first.get(name) {
                    if let Some(c) = counts.get_mut(k) {
                        *c += 1;
                    }
                    if let Some(slot) = edge_port.get_mut(e) {
                        *slot = k as u32;
                    }
                }
            }
        }
    }
    (edge_port, port_start, port_count)
}

fn intersect(idom: &[usize], po: &[usize], mut a: usize, mut b: usize) -> usize {
    let num = |x: usize| po.get(x).copied().unwrap_or(NONE);
    let mut guard = idom.len().saturating_mul(2) + 2;
    while a != b && guard > 0 {
        guard -= 1;
        while num(a) < num(b) {
            a = idom.get(a).copied().unwrap_or(b);
        }
        while num(b) < num(a) {
            b = idom.get(b).copied().unwrap_or(a);
        }
    }
    a
}

// ---------------------------------------------------------------------------------------------
// Small shared helpers

/// Exit port names of a block, as `catalog::ports` declares them, without allocating.
#[derive(Clone, Copy)]
pub(super) enum Ports<'a> {
    Fixed(&'static [&'static str]),
    Outcomes(&'a [String]),
    Bands(&'a [Band]),
    /// Rule ids, then `otherwise`.
    Rules(&'a [Rule]),
}

impl<'a> Ports<'a> {
    pub fn of(kind: &'a BlockKind) -> Ports<'a> {
        match kind {
            BlockKind::Start(_) | BlockKind::Frist(_) | BlockKind::Benachrichtigung(_) => {
                Ports::Fixed(&["next"])
            }
            BlockKind::Sachbearbeitung(p) => Ports::Outcomes(&p.outcomes),
            BlockKind::VierAugen(_) | BlockKind::Schlusszeichnung(_) => {
                Ports::Fixed(&["ok", "reject"])
            }
            BlockKind::Mitzeichnung(_) => Ports::Fixed(&["ok", "veto"]),
            BlockKind::Wertgrenzen(p) => Ports::Bands(&p.bands),
            BlockKind::Komplexitaet(p) => Ports::Rules(&p.rules),
            BlockKind::Rueckfrage(_) => Ports::Fixed(&["reply", "timeout"]),
            BlockKind::Eskalation(p) if p.interrupting => Ports::Fixed(&["escalated"]),
            BlockKind::Eskalation(_) | BlockKind::Ende(_) => Ports::Fixed(&[]),
            BlockKind::Bescheid(p) if p.channel == BescheidChannel::PostfachAbruf => {
                Ports::Fixed(&["zugestellt", "nichtAbgerufen"])
            }
            BlockKind::Bescheid(_) => Ports::Fixed(&["zugestellt"]),
            BlockKind::Zahlung(_) => Ports::Fixed(&["bezahlt", "nichtBezahlt"]),
            BlockKind::Veraktung(_) => Ports::Fixed(&["ok", "fehler"]),
        }
    }

    pub fn len(self) -> usize {
        match self {
            Ports::Fixed(f) => f.len(),
            Ports::Outcomes(o) => o.len(),
            Ports::Bands(b) => b.len(),
            Ports::Rules(r) => r.len() + 1,
        }
    }

    pub fn get(self, k: usize) -> Option<&'a str> {
        match self {
            Ports::Fixed(f) => f.get(k).copied(),
            Ports::Outcomes(o) => o.get(k).map(String::as_str),
            Ports::Bands(b) => b.get(k).map(|b| b.id.as_str()),
            Ports::Rules(r) if k == r.len() => Some(OTHERWISE_PORT),
            Ports::Rules(r) => r.get(k).map(|r| r.id.as_str()),
        }
    }

    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        (0..self.len()).filter_map(move |k| self.get(k))
    }

    /// Index of the first port called `name`.
    pub fn position(self, name: &str) -> Option<usize> {
        match self {
            Ports::Fixed(f) => f.iter().position(|p| same(p, name)),
            Ports::Outcomes(o) => o.iter().position(|p| same(p, name)),
            Ports::Bands(b) => b.iter().position(|b| same(&b.id, name)),
            Ports::Rules(r) => {
                r.iter()
                    .position(|r| same(&r.id, name))
                    .or(same(name, OTHERWISE_PORT).then_some(r.len()))
            }
        }
    }
}

/// String equality without a `memcmp` call for the short ids and port names used here.
#[inline]
pub(super) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Blocks a person works on (Eskalation may watch them).
pub(super) fn is_human_task(t: BlockType) -> bool {
    catalog::info(t).human_task
}

/// „text“
pub(super) fn de(s: &str) -> String {
    format!("„{s}“")
}

/// “text”
pub(super) fn en(s: &str) -> String {
    format!("“{s}”")
}

pub(super) fn money_de(m: Money) -> String {
    m.to_german()
}

pub(super) fn money_en(m: Money) -> String {
    m.to_english()
}

/// `Duration::parse` without allocating for the common well-formed case; anything unusual
/// (errors, non-ASCII, huge numbers) is left to `Duration::parse`, so results are identical.
pub(super) fn duration_parts(d: &Duration) -> Result<DurationParts, String> {
    fast_duration(&d.0).ok_or(()).or_else(|()| d.parse())
}

fn fast_duration(text: &str) -> Option<DurationParts> {
    let rest = text.trim().strip_prefix('P')?;
    let mut parts = DurationParts::default();
    let mut in_time = false;
    let mut num: Option<u64> = None;
    let mut seen_any = false;
    for b in rest.bytes() {
        match b {
            b'T' if !in_time && num.is_none() => in_time = true,
            b'0'..=b'9' => {
                let v = num.unwrap_or(0) * 10 + u64::from(b - b'0');
                if v > u64::from(u32::MAX) {
                    return None;
                }
                num = Some(v);
            }
            _ => {
                let n = u32::try_from(num.take()?).ok()?;
                let slot = match (in_time, b) {
                    (false, b'Y') => &mut parts.years,
                    (false, b'M') => &mut parts.months,
                    (false, b'W') => &mut parts.weeks,
                    (false, b'D') => &mut parts.days,
                    (true, b'H') => &mut parts.hours,
                    (true, b'M') => &mut parts.minutes,
                    (true, b'S') => &mut parts.seconds,
                    _ => return None,
                };
                *slot = n;
                seen_any = true;
            }
        }
    }
    (num.is_none() && seen_any).then_some(parts)
}

/// Shortest and longest possible length in seconds (months 28–31 days, years 365–366 days).
pub(super) fn duration_bounds(p: &DurationParts) -> (u64, u64) {
    let fixed = u64::from(p.weeks) * 7 * 86_400
        + u64::from(p.days) * 86_400
        + u64::from(p.hours) * 3600
        + u64::from(p.minutes) * 60
        + u64::from(p.seconds);
    let min = fixed + u64::from(p.months) * 28 * 86_400 + u64::from(p.years) * 365 * 86_400;
    let max = fixed + u64::from(p.months) * 31 * 86_400 + u64::from(p.years) * 366 * 86_400;
    (min, max)
}

/// Describes an assignee for messages: (German, English).
pub(super) fn assignee_text(ctx: &Ctx<'_>, a: &Assignee) -> (String, String) {
    match a {
        Assignee::Role(r) => {
            let name = ctx
                .role(r.as_str())
                .map_or_else(|| r.0.clone(), |role| role.name.clone());
            (
                format!("Rolle {}", de(&name)),
                format!("role {}", en(&name)),
            )
        }
        Assignee::Person(p) => (format!("Person {}", de(p)), format!("person {}", en(p))),
        Assignee::Initiator => ("die antragstellende Person".into(), "the initiator".into()),
        Assignee::Expression(x) => (
            format!("Ausdruck {}", de(x)),
            format!("expression {}", en(x)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    #[test]
    fn fast_duration_parsing_agrees_with_values() {
        let samples = [
            "P14D",
            "PT48H",
            "P1M2D",
            "P1Y2M3W4DT5H6M7S",
            "P0D",
            "PT0S",
            " P3D ",
            "P",
            "PT",
            "14D",
            "P1H",
            "PT1D",
            "P1DT",
            "P4294967295D",
            "P4294967296D",
            "P99999999999D",
            "P1D2D",
            "PTT1H",
            "P1TD",
            "P١D",
            "P1.5D",
            "p1d",
            "",
            "PT1M1M",
        ];
        for s in samples {
            let d = Duration::new(s);
            assert_eq!(duration_parts(&d), d.parse(), "{s:?}");
            if let Some(fast) = fast_duration(s) {
                assert_eq!(Ok(fast), d.parse(), "{s:?}");
            }
        }
    }

    #[test]
    fn port_names_match_the_catalogue() {
        let mut kinds: Vec<BlockKind> = BlockType::ALL.iter().map(|t| t.default_kind()).collect();
        kinds.push(BlockKind::Eskalation(EskalationParams {
            interrupting: true,
            ..Default::default()
        }));
        kinds.push(BlockKind::Bescheid(BescheidParams {
            channel: BescheidChannel::PostfachAbruf,
            ..Default::default()
        }));
        kinds.push(BlockKind::Sachbearbeitung(SachbearbeitungParams {
            outcomes: vec!["ok".into(), "reject".into(), "rueckfrage".into()],
            ..Default::default()
        }));
        kinds.push(BlockKind::Wertgrenzen(WertgrenzenParams {
            bands: vec![Band {
                id: "a".into(),
                lower: Money(0),
                upper: None,
                label: String::new(),
            }],
            ..Default::default()
        }));
        kinds.push(BlockKind::Komplexitaet(KomplexitaetParams {
            rules: vec![Rule {
                id: "r".into(),
                label: String::new(),
                condition: "x".into(),
            }],
            ..Default::default()
        }));
        for k in &kinds {
            let from_catalog: Vec<String> = catalog::ports(k).into_iter().map(|p| p.name).collect();
            assert_eq!(
                Ports::of(k).iter().collect::<Vec<_>>(),
                from_catalog,
                "{k:?}"
            );
        }
    }
}
