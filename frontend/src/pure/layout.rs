//! Automatic layout ("Anordnen"): layers left to right by longest path from the start, loops
//! ignored (their back edges), blocks in a layer ordered by their predecessors' places.

use std::collections::{HashMap, VecDeque};

use fachwerk_shared::{BlockId, BlockType, Rect, Workflow};

use super::geometry::{block_rect, ports_of, snap, visual_height};

const COL_GAP: i32 = 100;
const ROW_GAP: i32 = 40;
const ORIGIN: i32 = 40;

/// New rectangles for all blocks.
pub fn arrange(w: &Workflow) -> Vec<(BlockId, Rect)> {
    let n = w.blocks.len();
    if n == 0 {
        return Vec::new();
    }
    let index = w.block_indices();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &w.edges {
        if let (Some(&a), Some(&b)) = (index.get(&e.from), index.get(&e.to)) {
            if a != b {
                succ[a].push(b);
            }
        }
    }
    // Roots: start blocks first, then blocks without incoming edges, then the rest (cycles).
    let mut has_in = vec![false; n];
    for s in &succ {
        for &j in s {
            has_in[j] = true;
        }
    }
    let mut roots: Vec<usize> = (0..n)
        .filter(|&i| w.blocks[i].block_type() == BlockType::Start)
        .collect();
    roots.extend((0..n).filter(|&i| !has_in[i] && w.blocks[i].block_type() != BlockType::Start));
    roots.extend(0..n);

    // Iterative DFS: discovery order, and back edges (to a block still on the stack) dropped.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    let mut dag: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &r in &roots {
        if state[r] != 0 {
            continue;
        }
        let mut stack = vec![(r, 0usize)];
        state[r] = 1;
        order.push(r);
        while let Some(top) = stack.last_mut() {
            let v = top.0;
            if let Some(&u) = succ[v].get(top.1) {
                top.1 += 1;
                match state[u] {
                    0 => {
                        dag[v].push(u);
                        state[u] = 1;
                        order.push(u);
                        stack.push((u, 0));
                    }
                    2 => dag[v].push(u),
                    _ => {} // back edge
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }

    // Longest path layering over the DAG (Kahn).
    let mut indeg = vec![0usize; n];
    for s in &dag {
        for &j in s {
            indeg[j] += 1;
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: VecDeque<usize> = order.iter().copied().filter(|&i| indeg[i] == 0).collect();
    while let Some(v) = queue.pop_front() {
        for &u in &dag[v] {
            layer[u] = layer[u].max(layer[v] + 1);
            indeg[u] -= 1;
            if indeg[u] == 0 {
                queue.push_back(u);
            }
        }
    }

    let layers = layer.iter().copied().max().unwrap_or(0) + 1;
    let rank: HashMap<usize, usize> = order.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for &i in &order {
        columns[layer[i]].push(i);
    }
    // One barycentre sweep: order each layer by the mean row of its predecessors.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (v, s) in dag.iter().enumerate() {
        for &u in s {
            preds[u].push(v);
        }
    }
    let mut row = vec![0f64; n];
    for col in columns.iter_mut() {
        let key = |i: usize| -> f64 {
            if preds[i].is_empty() {
                rank.get(&i).copied().unwrap_or(0) as f64
            } else {
                preds[i].iter().map(|&p| row[p]).sum::<f64>() / preds[i].len() as f64
            }
        };
        let mut keyed: Vec<(f64, usize, usize)> = col
            .iter()
            .map(|&i| (key(i), rank.get(&i).copied().unwrap_or(0), i))
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        *col = keyed.into_iter().map(|k| k.2).collect();
        for (r, &i) in col.iter().enumerate() {
            row[i] = r as f64;
        }
    }

    let rects: Vec<Rect> = (0..n).map(|i| block_rect(w, i, &w.blocks[i].id)).collect();
    let heights: Vec<i32> = (0..n)
        .map(|i| visual_height(&rects[i], ports_of(&w.blocks[i]).len()))
        .collect();
    let col_width: Vec<i32> = columns
        .iter()
        .map(|c| c.iter().map(|&i| rects[i].w).max().unwrap_or(0))
        .collect();
    let col_height: Vec<i32> = columns
        .iter()
        .map(|c| c.iter().map(|&i| heights[i] + ROW_GAP).sum::<i32>() - ROW_GAP)
        .collect();
    let tallest = col_height.iter().copied().max().unwrap_or(0);

    let mut out = Vec::with_capacity(n);
    let mut x = ORIGIN;
    for (c, col) in columns.iter().enumerate() {
        let mut y = ORIGIN + (tallest - col_height[c]) / 2;
        for &i in col {
            let r = rects[i];
            out.push((
                w.blocks[i].id.clone(),
                Rect {
                    x: snap(f64::from(x)),
                    y: snap(f64::from(y)),
                    w: r.w,
                    h: r.h,
                },
            ));
            y += heights[i] + ROW_GAP;
        }
        x += col_width[c] + COL_GAP;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fachwerk_shared::{apply, Block, Edge, EdgeId, Op};

    fn add(w: &mut Workflow, id: &str, t: BlockType) {
        let op = Op::AddBlock {
            block: Block::new(id, "", t.default_kind()),
            rect: Some(Rect::at(0, 0)),
            index: None,
        };
        apply(w, op).expect("add");
    }

    fn link(w: &mut Workflow, id: &str, from: &str, port: &str, to: &str) {
        let edge = Edge {
            id: EdgeId::new(id),
            from: from.into(),
            port: port.into(),
            to: to.into(),
        };
        apply(
            w,
            Op::Connect {
                edge,
                waypoints: Vec::new(),
                index: None,
            },
        )
        .expect("connect");
    }

    #[test]
    fn layers_follow_longest_path_and_survive_loops() {
        let mut w = Workflow::new("t", "T");
        add(&mut w, "s", BlockType::Start);
        add(&mut w, "a", BlockType::Sachbearbeitung);
        add(&mut w, "r", BlockType::Rueckfrage);
        add(&mut w, "e", BlockType::Ende);
        link(&mut w, "e1", "s", "next", "a");
        link(&mut w, "e2", "a", "ok", "r");
        link(&mut w, "e3", "r", "reply", "a"); // loop back
        link(&mut w, "e4", "r", "timeout", "e");
        link(&mut w, "e5", "s", "next", "e");
        let pos: HashMap<String, Rect> = arrange(&w).into_iter().map(|(id, r)| (id.0, r)).collect();
        assert!(pos["s"].x < pos["a"].x);
        assert!(pos["a"].x < pos["r"].x);
        assert!(pos["r"].x < pos["e"].x, "end after the longest path");
        assert!(pos.values().all(|r| r.x % 20 == 0 && r.y % 20 == 0));
    }
}
