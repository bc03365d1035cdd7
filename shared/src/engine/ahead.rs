//! What lies ahead of a case: the Bescheid it is at or reaches next (the clerk's preview).

use std::collections::{BTreeSet, VecDeque};

use super::State;
use crate::model::{BlockId, BlockKind, Workflow};

/// The Bescheid block the case is at or reaches next: the block it waits at or whose tasks are
/// open, else the first Bescheid block forward along the edges (breadth first, in the order
/// the edges are listed). None when the case has ended or no Bescheid lies ahead.
pub fn pending_bescheid(w: &Workflow, state: &State) -> Option<BlockId> {
    let mut queue: VecDeque<&BlockId> = state
        .waiting_at
        .iter()
        .map(|x| &x.block)
        .chain(state.tasks.iter().map(|t| &t.block))
        .collect();
    let mut seen: BTreeSet<&BlockId> = BTreeSet::new();
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        if matches!(w.block(id).map(|b| &b.kind), Some(BlockKind::Bescheid(_))) {
            return Some(id.clone());
        }
        queue.extend(w.edges.iter().filter(|e| e.from == *id).map(|e| &e.to));
    }
    None
}
