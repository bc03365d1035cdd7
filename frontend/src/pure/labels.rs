//! Where the labels of exits and connections go (issue 14, item 8): right of their exit, above
//! its line — unless a block or an earlier label is in the way. Then below the line, then (for
//! a connection) above its middle. Where the whole text is free nowhere, the label is shortened
//! with "…" at the place that keeps most of it — but never below its first word (of a long
//! first word, its first four letters): a clerk must tell the exits apart (the tooltip and the
//! accessible names have the whole words).
//! Where not even that is free, it goes where it covers least. Pure, so the editor's canvas
//! and the review's drawing place labels alike, and the tests run natively.

use std::collections::{HashMap, HashSet};

use fachwerk_shared::{BlockId, Workflow};

use super::geometry::{block_rect, edge_path, port_offset, port_text, ports_of, visual_height};
use super::text_fit::text_width;
use crate::i18n::Lang;

/// Font size of exit and connection labels (CSS `.port-label`, `.edge-label`).
pub const FONT: f64 = 11.0;
/// Horizontal distance of a label from its exit.
const GAP: i32 = 10;
/// Room the glyphs take above and below the baseline (rounded up).
const ASCENT: i32 = 10;
const DESCENT: i32 = 3;
/// Baseline offsets from the exit's line: above it, below it.
const ABOVE: i32 = -5;
const BELOW: i32 = 14;
/// Space kept between a shortened label and what stops it.
const MARGIN: i32 = 3;
/// What a shortened label keeps of a long first word, and the longest first word kept whole.
const MIN_LETTERS: usize = 4;
const LONG_WORD: usize = 6;
/// Cell size of the spatial index (canvas pixels).
const CELL: i32 = 200;

/// A box from (x0, y0) to (x1, y1) in canvas pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bbox {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Bbox {
    /// The box of a block drawn at (x, y) with width `w` and drawn height `h`.
    pub fn block(x: i32, y: i32, w: i32, h: i32) -> Bbox {
        Bbox {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
        }
    }

    /// The box of a text of `width` starting at (x, baseline y).
    pub fn text(x: i32, y: i32, width: i32) -> Bbox {
        Bbox {
            x0: x,
            y0: y - ASCENT,
            x1: x + width,
            y1: y + DESCENT,
        }
    }

    pub fn overlaps(&self, o: &Bbox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// One label to place: the exit it belongs to (the port on the right edge of its block), its
/// text, and for a connection the point halfway along it.
#[derive(Debug, Clone, PartialEq)]
pub struct Want {
    pub exit: (i32, i32),
    pub text: String,
    pub middle: Option<(i32, i32)>,
}

/// Where a label goes: the start of its baseline (text-anchor start), the text as drawn and
/// whether it was shortened. `x`, `y` are relative to the exit, so the label follows its exit
/// while a block is dragged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub dx: i32,
    pub dy: i32,
    pub text: String,
    pub cut: bool,
}

impl Placed {
    /// Where a label goes when nothing was placed for it (right of its exit, above the line).
    pub fn plain(text: &str) -> Placed {
        Placed {
            dx: GAP,
            dy: ABOVE,
            text: text.to_string(),
            cut: false,
        }
    }
}

/// Boxes bucketed by cell, so a query looks at the neighbourhood only.
#[derive(Default)]
struct Grid {
    cells: HashMap<(i32, i32), Vec<Bbox>>,
}

impl Grid {
    fn cells_of(b: &Bbox) -> impl Iterator<Item = (i32, i32)> {
        let (cx0, cx1) = (b.x0.div_euclid(CELL), (b.x1 - 1).div_euclid(CELL));
        let (cy0, cy1) = (b.y0.div_euclid(CELL), (b.y1 - 1).div_euclid(CELL));
        (cx0..=cx1.max(cx0)).flat_map(move |x| (cy0..=cy1.max(cy0)).map(move |y| (x, y)))
    }

    fn insert(&mut self, b: Bbox) {
        for c in Grid::cells_of(&b) {
            self.cells.entry(c).or_default().push(b);
        }
    }

    fn near<'a>(&'a self, b: &'a Bbox) -> impl Iterator<Item = &'a Bbox> + 'a {
        Grid::cells_of(b)
            .filter_map(|c| self.cells.get(&c))
            .flatten()
            .filter(move |o| o.overlaps(b))
    }

    fn hits(&self, b: &Bbox) -> bool {
        self.near(b).next().is_some()
    }
}

fn width(text: &str) -> i32 {
    text_width(text, FONT).ceil() as i32
}

/// How many characters of `text` a shortened label keeps at least: its first word, of a first
/// word longer than `LONG_WORD` its first `MIN_LETTERS` ("abge…" of "abgelehnt").
fn shortest(text: &str) -> usize {
    let word = text.chars().take_while(|c| !c.is_whitespace()).count();
    if word > LONG_WORD {
        MIN_LETTERS
    } else {
        word
    }
}

/// The first `keep` characters of `text`, with "…" when that is not all of it.
fn shortened(text: &str, keep: usize) -> String {
    let n = text.chars().count();
    if keep >= n {
        return text.to_string();
    }
    let mut s: String = text
        .chars()
        .take(keep)
        .collect::<String>()
        .trim_end()
        .to_string();
    s.push('…');
    s
}

/// A place for a label: beside the exit (the text starts there) or centred on a connection's
/// middle.
#[derive(Clone, Copy)]
enum Spot {
    Start(i32, i32),
    Centre(i32, i32),
}

impl Spot {
    /// The baseline start of a text of width `w`.
    fn at(self, w: i32) -> (i32, i32) {
        match self {
            Spot::Start(x, y) => (x, y),
            Spot::Centre(x, y) => (x - w / 2, y),
        }
    }
}

/// How much of `b` is covered by boxes of `g`, in square pixels.
fn covered(g: &Grid, b: &Bbox) -> i64 {
    // A box in several cells is met once per cell.
    let near: HashSet<&Bbox> = g.near(b).collect();
    near.into_iter()
        .map(|o| {
            let w = i64::from(b.x1.min(o.x1) - b.x0.max(o.x0));
            let h = i64::from(b.y1.min(o.y1) - b.y0.max(o.y0));
            w * h
        })
        .sum()
}

/// Places the labels in order: each keeps clear of every block and of the labels placed
/// before it (see the module description).
pub fn place(blocks: &[Bbox], wants: &[Want]) -> Vec<Placed> {
    let mut solid = Grid::default();
    for b in blocks {
        solid.insert(*b);
    }
    let mut labels = Grid::default();
    let mut out = Vec::with_capacity(wants.len());
    for want in wants {
        let (ex, ey) = want.exit;
        let mut spots = vec![
            Spot::Start(ex + GAP, ey + ABOVE),
            Spot::Start(ex + GAP, ey + BELOW),
        ];
        if let Some((mx, my)) = want.middle {
            spots.push(Spot::Centre(mx, my + ABOVE));
        }
        let free = |b: &Bbox| !solid.hits(b) && !labels.hits(b);
        let whole = width(&want.text);
        let at_whole = spots.iter().find_map(|s| {
            let (x, y) = s.at(whole);
            free(&Bbox::text(x, y, whole)).then_some((x, y))
        });
        let (x, y, text) = match at_whole {
            Some((x, y)) => (x, y, want.text.clone()),
            None => {
                // Shortened: where most of the text is free (a margin before what stops it).
                let n = want.text.chars().count();
                let least = shortest(&want.text);
                let fits = |s: &Spot, keep: usize| {
                    let text = shortened(&want.text, keep);
                    let w = width(&text);
                    // The shortest form may touch what stops it.
                    let room = if keep == least { w } else { w + MARGIN };
                    let (x, y) = s.at(room);
                    free(&Bbox::text(x, y, room)).then(|| {
                        let (x, y) = s.at(w);
                        (x, y, text)
                    })
                };
                let best = spots
                    .iter()
                    .filter_map(|s| (least..n).rev().find_map(|k| fits(s, k).map(|p| (k, p))))
                    .fold(
                        None::<(usize, (i32, i32, String))>,
                        |best, (k, p)| match best {
                            Some((bk, _)) if bk >= k => best,
                            _ => Some((k, p)),
                        },
                    );
                match best {
                    Some((_, p)) => p,
                    None => {
                        // Nowhere free: the shortest form where it covers least (blocks count
                        // four times as much as labels).
                        let text = shortened(&want.text, least);
                        let w = width(&text);
                        let cost = |s: &Spot| {
                            let (x, y) = s.at(w);
                            let b = Bbox::text(x, y, w);
                            4 * covered(&solid, &b) + covered(&labels, &b)
                        };
                        let s = spots
                            .iter()
                            .copied()
                            .min_by_key(cost)
                            .unwrap_or(Spot::Start(ex + GAP, ey + ABOVE));
                        let (x, y) = s.at(w);
                        (x, y, text)
                    }
                }
            }
        };
        labels.insert(Bbox::text(x, y, width(&text)));
        let cut = text != want.text;
        out.push(Placed {
            dx: x - ex,
            dy: y - ey,
            text,
            cut,
        });
    }
    out
}

/// The labels of every exit of the blocks `ids` (the ones drawn): per block, per exit in
/// order, where its label goes — the exit's own label while it is open, else the label of its
/// connection. The blocks `ids` are what the labels keep clear of.
pub fn exit_labels(w: &Workflow, ids: &[BlockId], lang: Lang) -> HashMap<BlockId, Vec<Placed>> {
    let index = w.block_indices();
    let shown: HashSet<&BlockId> = ids.iter().collect();
    // The connections leaving each block.
    let mut leaving: HashMap<&BlockId, Vec<&fachwerk_shared::Edge>> = HashMap::new();
    for e in &w.edges {
        leaving.entry(&e.from).or_default().push(e);
    }
    // The drawn box of block `i`, and the point where connections enter it.
    let drawn = |i: usize| {
        let b = &w.blocks[i];
        let r = block_rect(w, i, &b.id);
        (r, visual_height(&r, ports_of(b).len()))
    };
    let mut boxes = Vec::with_capacity(ids.len());
    let mut wants = Vec::new();
    let mut owners: Vec<(BlockId, usize)> = Vec::new();
    for (i, b) in w.blocks.iter().enumerate() {
        if !shown.contains(&b.id) {
            continue;
        }
        let (r, h) = drawn(i);
        boxes.push(Bbox::block(r.x, r.y, r.w, h));
        let ports = ports_of(b);
        let n = ports.len();
        for (k, p) in ports.iter().enumerate() {
            let exit = (r.x + r.w, r.y + port_offset(k, n, h));
            // The exit's connection (the first, should there be several).
            let middle = leaving
                .get(&b.id)
                .and_then(|out| out.iter().find(|e| e.port == p.name))
                .and_then(|e| {
                    let j = *index.get(&e.to)?;
                    let (tr, th) = drawn(j);
                    let bends = w.layout.edges.get(&e.id).map_or(&[][..], Vec::as_slice);
                    Some(edge_path(exit, (tr.x, tr.y + th / 2), bends).1)
                });
            wants.push(Want {
                exit,
                text: port_text(p, lang),
                middle,
            });
            owners.push((b.id.clone(), k));
        }
    }
    let mut out: HashMap<BlockId, Vec<Placed>> = HashMap::new();
    for ((id, _), placed) in owners.into_iter().zip(place(&boxes, &wants)) {
        out.entry(id).or_default().push(placed);
    }
    out
}

/// The accessible name of a connection: its label as drawn first (what speech input users see,
/// WCAG 2.5.3), then where it leads from and to with the exit's whole label.
pub fn connection_name(shown: &str, from: &str, exit: &str, to: &str, lang: Lang) -> String {
    match lang {
        Lang::De => format!("{shown}: Verbindung von „{from}“ ({exit}) nach „{to}“"),
        Lang::En => format!("{shown}: connection from “{from}” ({exit}) to “{to}”"),
    }
}

#[cfg(test)]
#[path = "labels_tests.rs"]
mod tests;
