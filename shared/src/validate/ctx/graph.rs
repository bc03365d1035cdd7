//! The flow graph as compressed adjacency lists; reachability, dominators
//! (Cooper–Harvey–Kennedy) and strongly connected components, all iterative.

use super::{Ctx, NONE};
use crate::model::BlockType;

/// Compressed adjacency lists.
#[derive(Default)]
pub(in crate::validate) struct Csr {
    start: Vec<usize>,
    list: Vec<usize>,
    /// Per entry of `list`: does this edge count as a way out of a cycle?
    exit: Vec<bool>,
}

impl Csr {
    /// Builds lists for nodes `0..nodes` from `(from, to, exit)` triples, keeping input order.
    /// `triples` is called twice (count, then fill), so no intermediate list is needed.
    pub(super) fn build<I: Iterator<Item = (usize, usize, bool)>>(
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

    pub(in crate::validate) fn get(&self, v: usize) -> &[usize] {
        self.list.get(self.range(v)).unwrap_or(&[])
    }

    /// Neighbours through edges that count as exits.
    pub(in crate::validate) fn exits(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        let r = self.range(v);
        let list = self.list.get(r.clone()).unwrap_or(&[]);
        let exit = self.exit.get(r).unwrap_or(&[]);
        list.iter().zip(exit).filter(|(_, x)| **x).map(|(t, _)| *t)
    }
}

impl Ctx<'_> {
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
    pub(super) fn compute_reach_and_dominators(&mut self) {
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
    pub(super) fn compute_scc(&mut self) {
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
