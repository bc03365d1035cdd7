//! Graph walks (successors, reachability, dominance), layout and port wiring checks.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use fachwerk_shared::catalog;
use fachwerk_shared::model::*;

/// Successors of each block, Eskalationen counted as successors of the task they watch.
pub(super) fn successors(w: &Workflow) -> BTreeMap<BlockId, Vec<BlockId>> {
    let mut succ: BTreeMap<BlockId, Vec<BlockId>> = BTreeMap::new();
    for e in &w.edges {
        succ.entry(e.from.clone()).or_default().push(e.to.clone());
    }
    for x in &w.blocks {
        if let BlockKind::Eskalation(p) = &x.kind {
            if let Some(a) = &p.attached_to {
                succ.entry(a.clone()).or_default().push(x.id.clone());
            }
        }
    }
    succ
}

pub(super) fn reach(
    succ: &BTreeMap<BlockId, Vec<BlockId>>,
    from: &BlockId,
    without: Option<&BTreeSet<BlockId>>,
) -> BTreeSet<BlockId> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([from.clone()]);
    while let Some(b) = queue.pop_front() {
        if without.is_some_and(|s| s.contains(&b)) || seen.contains(&b) {
            continue;
        }
        if let Some(next) = succ.get(&b) {
            queue.extend(next.iter().cloned());
        }
        seen.insert(b);
    }
    seen
}

/// True when every path from `start` to `target` passes through one of `via`.
pub(super) fn dominated(
    succ: &BTreeMap<BlockId, Vec<BlockId>>,
    start: &BlockId,
    via: &BTreeSet<BlockId>,
    target: &BlockId,
) -> bool {
    !reach(succ, start, Some(via)).contains(target)
}

/// Every block has a rect on the 20 px grid; no two rects overlap.
pub fn layout_problems(w: &Workflow) -> Vec<String> {
    let mut p = Vec::new();
    let mut rects = Vec::new();
    for b in &w.blocks {
        match w.layout.blocks.get(&b.id) {
            None => p.push(format!("{}: no layout", b.id)),
            Some(r) => {
                if r.x % 20 != 0 || r.y % 20 != 0 || r.w <= 0 || r.h <= 0 {
                    p.push(format!("{}: rect {r:?} off the 20 px grid", b.id));
                }
                rects.push((&b.id, *r));
            }
        }
    }
    for k in w.layout.blocks.keys() {
        if w.block(k).is_none() {
            p.push(format!("layout for unknown block {k}"));
        }
    }
    rects.sort_by_key(|(_, r)| (r.x, r.y));
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in rects[i + 1..]
            .iter()
            .take_while(|(_, rb)| rb.x < ra.x + ra.w)
        {
            if rb.y < ra.y + ra.h && ra.y < rb.y + rb.h {
                p.push(format!("{a} and {b} overlap"));
            }
        }
    }
    p
}

/// Every declared port has exactly one edge and no edge uses an undeclared port.
pub fn ports_wired(w: &Workflow) -> bool {
    let mut count: BTreeMap<(&BlockId, &str), usize> = BTreeMap::new();
    for e in &w.edges {
        *count.entry((&e.from, e.port.as_str())).or_default() += 1;
    }
    let mut declared = 0;
    for b in &w.blocks {
        for p in catalog::ports(&b.kind) {
            if count.get(&(&b.id, p.name.as_str())) != Some(&1) {
                return false;
            }
            declared += 1;
        }
    }
    // Each declared port has one edge; any further edge uses an undeclared port.
    declared == w.edges.len()
}
