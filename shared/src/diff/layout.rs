//! Drawing-only changes: moved or resized blocks, changed waypoints.

use std::collections::BTreeSet;

use super::LayoutChange;
use crate::model::{BlockId, EdgeId, Workflow};
use crate::validate::IdSet as HashSet;

pub(super) fn layout_changes(old: &Workflow, new: &Workflow) -> Vec<LayoutChange> {
    let mut out = Vec::new();
    let old_blocks: HashSet<&BlockId> = old.blocks.iter().map(|b| &b.id).collect();
    let old_edges: HashSet<&EdgeId> = old.edges.iter().map(|e| &e.id).collect();
    let new_edges: HashSet<&EdgeId> = new.edges.iter().map(|e| &e.id).collect();
    for b in &new.blocks {
        if !old_blocks.contains(&b.id) {
            continue;
        }
        let (o, n) = (old.layout.blocks.get(&b.id), new.layout.blocks.get(&b.id));
        match (o, n) {
            (Some(o), Some(n)) if (o.x, o.y) != (n.x, n.y) => out.push(LayoutChange::BlockMoved {
                block: b.id.clone(),
                from: Some(*o),
                to: Some(*n),
            }),
            (Some(o), Some(n)) if o != n => out.push(LayoutChange::BlockResized {
                block: b.id.clone(),
                from: *o,
                to: *n,
            }),
            (None, Some(_)) | (Some(_), None) => out.push(LayoutChange::BlockMoved {
                block: b.id.clone(),
                from: o.copied(),
                to: n.copied(),
            }),
            _ => {}
        }
    }
    let empty = Vec::new();
    let ids: BTreeSet<&EdgeId> = old
        .layout
        .edges
        .keys()
        .chain(new.layout.edges.keys())
        .collect();
    for id in ids {
        if !old_edges.contains(id) || !new_edges.contains(id) {
            continue;
        }
        let (o, n) = (
            old.layout.edges.get(id).unwrap_or(&empty),
            new.layout.edges.get(id).unwrap_or(&empty),
        );
        if o != n {
            out.push(LayoutChange::EdgeWaypointsChanged {
                edge: id.clone(),
                from: o.clone(),
                to: n.clone(),
            });
        }
    }
    out
}
