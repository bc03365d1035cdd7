//! The generator of `synthetic`: id and layout bookkeeping and the choice of the next segment;
//! the segments themselves are in `work`, `routers` and `outbound`.

mod outbound;
mod routers;
mod work;

use std::collections::BTreeSet;

use super::*;

/// Open exits of the segment built so far, to be wired to the next segment's entry.
pub(super) type Pending = Vec<(BlockId, String)>;

pub(super) struct Gen {
    pub(super) w: Workflow,
    pub(super) rng: Rng,
    /// Shared counter for block and edge ids, like [`Workflow::allocate_id`].
    pub(super) counter: u64,
    pub(super) col: i32,
    pub(super) line: i32,
    pub(super) pending: Pending,
    pub(super) wertgrenzen: usize,
    pub(super) roles: BTreeSet<&'static str>,
}

impl Gen {
    fn id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// Adds a block at column offset `dc` of the current segment and row `row` of the line.
    pub(super) fn block(&mut self, label: &str, kind: BlockKind, dc: i32, row: i32) -> BlockId {
        self.note_roles(&kind);
        let id = BlockId(self.id("b"));
        let x = MARGIN + (self.col + dc) * GRID_X;
        let y = MARGIN + (self.line * ROWS_PER_LINE + row) * GRID_Y;
        self.w.layout.blocks.insert(id.clone(), Rect::at(x, y));
        self.w.blocks.push(Block {
            id: id.clone(),
            label: label.to_string(),
            kind,
        });
        id
    }

    pub(super) fn edge(&mut self, from: &BlockId, port: &str, to: &BlockId) {
        let id = EdgeId(self.id("e"));
        self.w.edges.push(Edge {
            id,
            from: from.clone(),
            port: port.to_string(),
            to: to.clone(),
        });
    }

    /// Wires all pending exits to `entry`.
    pub(super) fn enter(&mut self, entry: &BlockId) {
        for (from, port) in std::mem::take(&mut self.pending) {
            self.edge(&from, &port, entry);
        }
    }

    /// Starts a segment `width` columns wide, wrapping to a new line when needed.
    pub(super) fn begin(&mut self, width: i32) {
        if self.col + width > LINE_COLUMNS {
            self.line += 1;
            self.col = 0;
        }
    }

    pub(super) fn end(&mut self, width: i32) {
        self.col += width;
    }

    fn note_roles(&mut self, kind: &BlockKind) {
        for r in role_refs(kind) {
            if let Some((id, _, _)) = ROLES.iter().find(|(id, _, _)| *id == r.0) {
                self.roles.insert(id);
            }
        }
    }

    /// Adds one segment of at most `budget` blocks; returns its size.
    pub(super) fn segment(&mut self, budget: usize) -> usize {
        // (size, weight) per segment kind, in the order of the match below.
        const KINDS: [(usize, usize); 13] = [
            (1, 14), // task
            (1, 6),  // notify
            (1, 5),  // frist
            (2, 9),  // rueckfrage
            (2, 8),  // vier-augen
            (2, 7),  // mitzeichnung
            (4, 6),  // bescheid with fallback
            (3, 4),  // bescheid by letter
            (4, 6),  // wertgrenzen
            (3, 5),  // komplexitaet, one rule
            (4, 4),  // komplexitaet, two rules
            (2, 6),  // zahlung
            (2, 6),  // eskalation
        ];
        const ABLEHNUNG: (usize, usize) = (3, 4);
        let fits: Vec<usize> = (0..=KINDS.len())
            .filter(|&i| KINDS.get(i).copied().unwrap_or(ABLEHNUNG).0 <= budget)
            .collect();
        let total: usize = fits
            .iter()
            .map(|&i| KINDS.get(i).copied().unwrap_or(ABLEHNUNG).1)
            .sum();
        let mut roll = self.rng.below(total);
        let mut choice = fits[0];
        for &i in &fits {
            let w = KINDS.get(i).copied().unwrap_or(ABLEHNUNG).1;
            if roll < w {
                choice = i;
                break;
            }
            roll -= w;
        }
        match choice {
            0 => self.seg_task(),
            1 => self.seg_notify(),
            2 => self.seg_frist(),
            3 => self.seg_rueckfrage(),
            4 => self.seg_vier_augen(),
            5 => self.seg_mitzeichnung(),
            6 => self.seg_bescheid(true),
            7 => self.seg_bescheid(false),
            8 => self.seg_wertgrenzen(),
            9 => self.seg_komplexitaet(0),
            10 => {
                let set = 1 + self.rng.below(RULE_SETS.len() - 1);
                self.seg_komplexitaet(set)
            }
            11 => self.seg_zahlung(),
            12 => self.seg_eskalation(),
            _ => self.seg_ablehnung(),
        }
        KINDS.get(choice).copied().unwrap_or(ABLEHNUNG).0
    }
}
