//! Where the labels of exits and connections go (issue 14, item 8): right of their exit, above
//! its line — unless a block or an earlier label is in the way. Then below the line, then (for
//! a connection) above its middle; where no place is free, the label is shortened with "…" to
//! the room it has beside its exit. Pure, so the editor's canvas and the review's drawing place
//! labels alike, and the tests run natively.

use std::collections::{HashMap, HashSet};

use fachwerk_shared::{BlockId, Workflow};

use super::geometry::{block_rect, edge_path, port_offset, port_text, ports_of, visual_height};
use super::text_fit::{fit_text, text_width};
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
/// Cell size of the spatial index (canvas pixels).
const CELL: i32 = 200;

/// A box from (x0, y0) to (x1, y1) in canvas pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// How wide a text starting at `b.x0` may be before it runs into a box of the band of `b`
    /// (`b` spans the whole text).
    fn room(&self, b: &Bbox) -> i32 {
        let full = b.x1 - b.x0;
        self.near(b)
            .map(|o| o.x0 - b.x0 - MARGIN)
            .fold(full, i32::min)
            .max(0)
    }
}

fn width(text: &str) -> i32 {
    text_width(text, FONT).ceil() as i32
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
        let w = width(&want.text);
        let mut spots = vec![(ex + GAP, ey + ABOVE), (ex + GAP, ey + BELOW)];
        if let Some((mx, my)) = want.middle {
            spots.push((mx - w / 2, my + ABOVE));
        }
        let free = spots.iter().copied().find(|&(x, y)| {
            let b = Bbox::text(x, y, w);
            !solid.hits(&b) && !labels.hits(&b)
        });
        let placed = match free {
            Some((x, y)) => {
                labels.insert(Bbox::text(x, y, w));
                Placed {
                    dx: x - ex,
                    dy: y - ey,
                    text: want.text.clone(),
                    cut: false,
                }
            }
            None => {
                // Beside the exit, where more of the text fits.
                let room = |&(x, y): &(i32, i32)| {
                    let b = Bbox::text(x, y, w);
                    solid.room(&b).min(labels.room(&b))
                };
                let (x, y) = spots[..2]
                    .iter()
                    .copied()
                    .max_by_key(|s| (room(s), -s.1))
                    .unwrap_or((ex + GAP, ey + ABOVE));
                let (text, cut) = fit_text(&want.text, f64::from(room(&(x, y))), FONT);
                labels.insert(Bbox::text(x, y, width(&text)));
                Placed {
                    dx: x - ex,
                    dy: y - ey,
                    text,
                    cut,
                }
            }
        };
        out.push(placed);
    }
    out
}

/// The labels of every exit of the blocks `ids` (the ones drawn): per block, per exit in
/// order, where its label goes — the exit's own label while it is open, else the label of its
/// connection. The blocks `ids` are what the labels keep clear of.
pub fn exit_labels(w: &Workflow, ids: &[BlockId], lang: Lang) -> HashMap<BlockId, Vec<Placed>> {
    let index: HashMap<&BlockId, usize> = w
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (&b.id, i))
        .collect();
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
mod tests {
    use super::*;

    fn want(exit: (i32, i32), text: &str) -> Want {
        Want {
            exit,
            text: text.into(),
            middle: None,
        }
    }

    fn drawn(w: &Want, p: &Placed) -> Bbox {
        Bbox::text(w.exit.0 + p.dx, w.exit.1 + p.dy, width(&p.text))
    }

    #[test]
    fn a_label_with_room_stays_beside_its_exit() {
        let own = Bbox::block(0, 0, 160, 64);
        let p = place(&[own], &[want((160, 32), "Rückfrage")]);
        assert_eq!(p, vec![Placed::plain("Rückfrage")]);
    }

    #[test]
    fn a_block_above_right_moves_the_label_below_the_line() {
        let own = Bbox::block(0, 0, 160, 64);
        // A neighbour 40 px right of the exit, reaching down to just above the exit's line.
        let neighbour = Bbox::block(200, -60, 160, 90);
        let w = want((160, 32), "über 25.000 €");
        let p = place(&[own, neighbour], std::slice::from_ref(&w));
        assert_eq!((p[0].dx, p[0].dy, p[0].cut), (10, 14, false), "{p:?}");
        assert!(!drawn(&w, &p[0]).overlaps(&neighbour));
    }

    #[test]
    fn a_connection_label_moves_to_the_middle_when_its_exit_is_crowded() {
        let own = Bbox::block(0, 0, 160, 64);
        let neighbour = Bbox::block(190, 0, 160, 64);
        let w = Want {
            exit: (160, 32),
            text: "Vergleichsangebote".into(),
            middle: Some((300, 200)),
        };
        let p = place(&[own, neighbour], std::slice::from_ref(&w));
        assert!(!p[0].cut, "{p:?}");
        let b = drawn(&w, &p[0]);
        assert!(!b.overlaps(&neighbour) && !b.overlaps(&own), "{b:?}");
        assert_eq!(w.exit.1 + p[0].dy, 195);
    }

    #[test]
    fn without_a_free_place_the_label_is_shortened_to_its_room() {
        let own = Bbox::block(0, 0, 160, 64);
        // 70 px between the exit and the next block, over the whole height.
        let neighbour = Bbox::block(230, -100, 160, 300);
        let w = want((160, 32), "Direktauftrag nach Preisvergleich");
        let p = place(&[own, neighbour], std::slice::from_ref(&w));
        assert!(p[0].cut, "{p:?}");
        assert!(
            p[0].text.ends_with('…') && p[0].text.starts_with("Dire"),
            "{p:?}"
        );
        assert!(!drawn(&w, &p[0]).overlaps(&neighbour), "{p:?}");
    }

    #[test]
    fn labels_keep_apart_from_each_other() {
        let own = Bbox::block(0, 0, 160, 104);
        // Three exits 20 px apart; a block right of the lower two pushes their labels down,
        // where they must not cover each other.
        let neighbour = Bbox::block(200, 30, 160, 40);
        let wants = [
            want((160, 32), "bis 1.000 €"),
            want((160, 52), "bis 25.000 €"),
            want((160, 72), "über 25.000 €"),
        ];
        let placed = place(&[own, neighbour], &wants);
        let boxes: Vec<Bbox> = wants
            .iter()
            .zip(&placed)
            .map(|(w, p)| drawn(w, p))
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(!a.overlaps(&neighbour), "{i}: {a:?}");
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn far_apart_boxes_share_no_cell_query() {
        let mut g = Grid::default();
        g.insert(Bbox::block(-1000, -1000, 10, 10));
        assert!(!g.hits(&Bbox::block(1000, 1000, 10, 10)));
        assert!(g.hits(&Bbox::block(-995, -995, 10, 10)));
    }
}

#[cfg(test)]
mod workflow_tests {
    use fachwerk_shared::{parse_workflow, BlockId, Rect};

    use super::*;

    #[test]
    fn no_exit_label_of_a_crowded_template_covers_a_block() {
        let mut w =
            parse_workflow(include_str!("../../../workflows/beschaffung.json")).expect("template");
        // Four blocks a row, 50 px apart: too close for the band labels.
        let ids: Vec<BlockId> = w.blocks.iter().map(|b| b.id.clone()).collect();
        for (i, id) in ids.iter().enumerate() {
            let i = i32::try_from(i).unwrap_or(0);
            w.layout
                .blocks
                .insert(id.clone(), Rect::at((i % 4) * 210, (i / 4) * 160));
        }
        w.layout.edges.clear();
        let placed = exit_labels(&w, &ids, Lang::De);
        let boxes: Vec<(BlockId, Bbox)> = w
            .blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let r = block_rect(&w, i, &b.id);
                let h = visual_height(&r, ports_of(b).len());
                (b.id.clone(), Bbox::block(r.x, r.y, r.w, h))
            })
            .collect();
        let mut labels = 0;
        let mut cut = 0;
        for (i, b) in w.blocks.iter().enumerate() {
            let r = block_rect(&w, i, &b.id);
            let h = visual_height(&r, ports_of(b).len());
            let n = ports_of(b).len();
            let at = placed.get(&b.id).cloned().unwrap_or_default();
            assert_eq!(at.len(), n, "one label per exit of {}", b.id.0);
            for (k, p) in at.iter().enumerate() {
                let (x, y) = (r.x + r.w + p.dx, r.y + port_offset(k, n, h) + p.dy);
                let label = Bbox::text(x, y, width(&p.text));
                for (other, bbox) in &boxes {
                    assert!(
                        !label.overlaps(bbox),
                        "label {:?} of {} covers {}",
                        p.text,
                        b.id.0,
                        other.0
                    );
                }
                labels += 1;
                cut += usize::from(p.cut);
            }
        }
        assert!(labels > 20, "{labels} labels");
        assert!(cut < labels, "some labels keep their whole text");
        let sz = placed
            .get(&BlockId("schlusszeichnung".into()))
            .expect("drawn");
        assert_eq!(sz.len(), 2, "ok and abgelehnt");
    }

    #[test]
    fn connections_are_named_by_label_ends_and_exit() {
        assert_eq!(
            connection_name(
                "bis 1.0…",
                "Wertgrenze",
                "bis 1.000 €",
                "Direktauftrag",
                Lang::De
            ),
            "bis 1.0…: Verbindung von „Wertgrenze“ (bis 1.000 €) nach „Direktauftrag“"
        );
        assert_eq!(
            connection_name("ok", "Check", "ok", "End", Lang::En),
            "ok: connection from “Check” (ok) to “End”"
        );
    }
}
