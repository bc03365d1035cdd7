//! The "Gliederung" as data: the workflow's steps in flow order with their exits, for the
//! outline list (`editor::outline`). Only the rows shown are built: at thousands of blocks
//! building every row (labels, exits, their targets' names) on every edit was a large part of
//! the page's work after a change (issue 22, the long task after a drag).

use std::collections::VecDeque;

use fachwerk_shared::catalog;
use fachwerk_shared::{BlockId, BlockType, Workflow};

use crate::pure::geometry::ports_of;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exit {
    pub de: String,
    pub en: String,
    /// The connected block with its German and English label.
    pub target: Option<(BlockId, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Row {
    pub id: BlockId,
    pub label: String,
    pub type_de: &'static str,
    pub type_en: &'static str,
    pub exits: Vec<Exit>,
}

/// The first `limit` steps as rows, in flow order (breadth-first from the start, then
/// unreachable ones in document order), and how many steps there are.
pub fn rows(w: &Workflow, limit: usize) -> (Vec<Row>, usize) {
    let index = w.block_indices();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); w.blocks.len()];
    for (k, e) in w.edges.iter().enumerate() {
        if let Some(&i) = index.get(&e.from) {
            out_edges[i].push(k);
        }
    }
    let mut seen = vec![false; w.blocks.len()];
    let mut order = Vec::with_capacity(w.blocks.len());
    let starts = w
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.block_type() == BlockType::Start)
        .map(|(i, _)| i);
    for root in starts.chain(0..w.blocks.len()) {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut queue = VecDeque::from([root]);
        while let Some(i) = queue.pop_front() {
            order.push(i);
            for &k in &out_edges[i] {
                if let Some(&j) = index.get(&w.edges[k].to) {
                    if !seen[j] {
                        seen[j] = true;
                        queue.push_back(j);
                    }
                }
            }
        }
    }
    // A block without a name of its own is called by its type, in either language.
    let names = |j: usize| {
        let b = &w.blocks[j];
        if b.label.trim().is_empty() {
            let info = catalog::info(b.block_type());
            (info.name_de.to_string(), info.name_en.to_string())
        } else {
            (b.label.clone(), b.label.clone())
        }
    };
    let shown = order
        .iter()
        .take(limit)
        .map(|&i| {
            let b = &w.blocks[i];
            let info = catalog::info(b.block_type());
            let exits = ports_of(b)
                .into_iter()
                .map(|p| {
                    let target = out_edges[i]
                        .iter()
                        .map(|&k| &w.edges[k])
                        .find(|e| e.port == p.name)
                        .map(|e| {
                            let (de, en) = index
                                .get(&e.to)
                                .map_or_else(|| (e.to.0.clone(), e.to.0.clone()), |&j| names(j));
                            (e.to.clone(), de, en)
                        });
                    Exit {
                        de: p.label_de,
                        en: p.label_en,
                        target,
                    }
                })
                .collect();
            Row {
                id: b.id.clone(),
                label: b.label.trim().to_string(),
                type_de: info.name_de,
                type_en: info.name_en,
                exits,
            }
        })
        .collect();
    (shown, order.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn procurement() -> Workflow {
        fachwerk_shared::parse_workflow(include_str!("../../../workflows/beschaffung.json"))
            .unwrap()
    }

    #[test]
    fn steps_come_in_flow_order_with_their_exits() {
        let w = procurement();
        let (all, total) = rows(&w, usize::MAX);
        assert_eq!(total, w.blocks.len());
        assert_eq!(all.len(), total);
        assert_eq!(w.block(&all[0].id).unwrap().block_type(), BlockType::Start);
        // Every step once.
        let mut ids: Vec<&BlockId> = all.iter().map(|r| &r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), total);
        // Each connected exit names its target, whose row comes later or was already listed.
        for row in &all {
            for exit in &row.exits {
                if let Some((to, de, _)) = &exit.target {
                    let b = w.block(to).unwrap();
                    let name = if b.label.trim().is_empty() {
                        catalog::info(b.block_type()).name_de.to_string()
                    } else {
                        b.label.clone()
                    };
                    assert_eq!(de, &name);
                }
            }
        }
        assert!(all
            .iter()
            .any(|r| r.exits.iter().any(|x| x.target.is_some())));
    }

    #[test]
    fn only_the_rows_shown_are_built_and_the_rest_is_counted() {
        let w = fachwerk_shared::generate::synthetic(1000, 7);
        let (all, total) = rows(&w, usize::MAX);
        let (first, same_total) = rows(&w, 200);
        assert_eq!((total, same_total), (1000, 1000));
        assert_eq!(first.len(), 200);
        assert_eq!(first[..], all[..200]);
        let (none, n) = rows(&Workflow::new("leer", "Leer"), 200);
        assert!(none.is_empty());
        assert_eq!(n, 0);
    }
}
