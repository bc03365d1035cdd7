//! Canvas geometry shared by the editor's canvas, the review canvas and the SVG export: where a
//! block is drawn, how tall it is, where its ports sit, how an edge runs, and viewport math.

use fachwerk_shared::catalog::{self, Port};
use fachwerk_shared::{Block, BlockId, BlockType, Point, Rect, Workflow};

use crate::i18n::Lang;

/// Grid size in canvas pixels; positions snap to it.
pub const GRID: i32 = 20;
/// Vertical distance between two exit ports.
pub const PORT_GAP: i32 = 20;

pub fn snap(v: f64) -> i32 {
    ((v / f64::from(GRID)).round() as i32) * GRID
}

/// Pan (screen pixels) and zoom of a canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            x: 0.0,
            y: 0.0,
            zoom: 1.0,
        }
    }
}

impl Viewport {
    /// Zoomed by `factor` (the zoom clamped to `range`), keeping the screen point `at` fixed.
    pub fn zoomed(self, factor: f64, at: (f64, f64), range: (f64, f64)) -> Viewport {
        let zoom = (self.zoom * factor).clamp(range.0, range.1);
        let k = zoom / self.zoom;
        Viewport {
            x: at.0 - (at.0 - self.x) * k,
            y: at.1 - (at.1 - self.y) * k,
            zoom,
        }
    }

    /// The viewport that centres the box (x0, y0, x1, y1) in a screen of `size` with a margin of
    /// 40 canvas pixels, the zoom clamped to `range`.
    pub fn fitting(
        (x0, y0, x1, y1): (f64, f64, f64, f64),
        (vw, vh): (f64, f64),
        range: (f64, f64),
    ) -> Viewport {
        let zoom = (vw / (x1 - x0 + 80.0))
            .min(vh / (y1 - y0 + 80.0))
            .clamp(range.0, range.1);
        Viewport {
            x: vw / 2.0 - (x0 + x1) / 2.0 * zoom,
            y: vh / 2.0 - (y0 + y1) / 2.0 * zoom,
            zoom,
        }
    }
}

/// Room the label of an exit takes right of its block (canvas pixels).
pub const LABEL_ROOM: i32 = 80;

impl Viewport {
    /// Like [`Viewport::fitting`], but the box goes into the screen minus `insets` (left, top,
    /// right, bottom screen pixels taken by overlays such as the minimap).
    pub fn fitting_within(
        bbox: (f64, f64, f64, f64),
        (vw, vh): (f64, f64),
        (left, top, right, bottom): (f64, f64, f64, f64),
        range: (f64, f64),
    ) -> Viewport {
        let inner = ((vw - left - right).max(1.0), (vh - top - bottom).max(1.0));
        let v = Viewport::fitting(bbox, inner, range);
        Viewport {
            x: v.x + left,
            y: v.y + top,
            zoom: v.zoom,
        }
    }
}

/// A block's rectangle; blocks without a stored position get a stable fallback slot.
pub fn block_rect(w: &Workflow, index: usize, id: &BlockId) -> Rect {
    match w.layout.blocks.get(id) {
        Some(r) => *r,
        None => {
            let i = index as i32;
            Rect::at(40 + (i % 8) * 220, 40 + (i / 8) * 140)
        }
    }
}

/// Drawn height: grows with the number of exits so every port has its own row.
pub fn visual_height(rect: &Rect, ports: usize) -> i32 {
    rect.h.max(24 + ports as i32 * PORT_GAP)
}

/// Vertical offset of port `i` of `n` inside a block of height `h`.
pub fn port_offset(i: usize, n: usize, h: i32) -> i32 {
    h / 2 + (2 * i as i32 - (n as i32 - 1)) * PORT_GAP / 2
}

pub fn ports_of(b: &Block) -> Vec<Port> {
    catalog::ports(&b.kind)
}

/// The block under a canvas point, topmost first.
pub fn block_at(w: &Workflow, x: f64, y: f64) -> Option<BlockId> {
    w.blocks.iter().enumerate().rev().find_map(|(i, b)| {
        let r = block_rect(w, i, &b.id);
        let h = visual_height(&r, ports_of(b).len());
        let inside = x >= f64::from(r.x)
            && x <= f64::from(r.x + r.w)
            && y >= f64::from(r.y)
            && y <= f64::from(r.y + h);
        inside.then(|| b.id.clone())
    })
}

/// Bounding box (x0, y0, x1, y1) of all blocks.
pub fn bounds(w: &Workflow) -> Option<(i32, i32, i32, i32)> {
    w.blocks.iter().enumerate().fold(None, |acc, (i, b)| {
        let r = block_rect(w, i, &b.id);
        let h = visual_height(&r, ports_of(b).len());
        let (x0, y0, x1, y1) = acc.unwrap_or((r.x, r.y, r.x + r.w, r.y + h));
        Some((x0.min(r.x), y0.min(r.y), x1.max(r.x + r.w), y1.max(r.y + h)))
    })
}

/// Like [`bounds`], with room for the labels of exits right of their blocks ("Einpassen"
/// keeps them in view); connected exits are labelled on their edge, which ends at its target.
pub fn bounds_with_labels(w: &Workflow) -> Option<(i32, i32, i32, i32)> {
    let (x0, y0, mut x1, y1) = bounds(w)?;
    for (i, b) in w.blocks.iter().enumerate() {
        let open = ports_of(b)
            .iter()
            .any(|p| !w.outgoing(&b.id).any(|e| e.port == p.name));
        if open {
            let r = block_rect(w, i, &b.id);
            x1 = x1.max(r.x + r.w + LABEL_ROOM);
        }
    }
    Some((x0, y0, x1, y1))
}

/// SVG path of an edge: through its waypoints, else a horizontal S-curve. Also returns the
/// point where its label goes.
pub fn edge_path(start: (i32, i32), end: (i32, i32), waypoints: &[Point]) -> (String, (i32, i32)) {
    if !waypoints.is_empty() {
        let mut d = format!("M {} {}", start.0, start.1);
        for p in waypoints {
            d.push_str(&format!(" L {} {}", p.x, p.y));
        }
        d.push_str(&format!(" L {} {}", end.0, end.1));
        let mid = waypoints[waypoints.len() / 2];
        return (d, (mid.x, mid.y));
    }
    let dx = ((end.0 - start.0).abs() / 2).max(40);
    let d = format!(
        "M {} {} C {} {}, {} {}, {} {}",
        start.0,
        start.1,
        start.0 + dx,
        start.1,
        end.0 - dx,
        end.1,
        end.0,
        end.1
    );
    (d, ((start.0 + end.0) / 2, (start.1 + end.1) / 2))
}

/// Label of a port in the given language.
pub fn port_text(p: &Port, lang: Lang) -> String {
    match lang {
        Lang::De => p.label_de.clone(),
        Lang::En => p.label_en.clone(),
    }
}

/// Display name of a block type.
pub fn type_name(t: BlockType, lang: Lang) -> &'static str {
    let info = catalog::info(t);
    match lang {
        Lang::De => info.name_de,
        Lang::En => info.name_en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_spread_evenly_around_the_middle() {
        assert_eq!(port_offset(0, 1, 60), 30);
        assert_eq!(port_offset(0, 2, 60), 20);
        assert_eq!(port_offset(1, 2, 60), 40);
        assert_eq!(visual_height(&Rect::at(0, 0), 5), 124);
    }

    #[test]
    fn edges_without_waypoints_curve_and_label_in_the_middle() {
        let (d, mid) = edge_path((0, 0), (200, 100), &[]);
        assert_eq!(d, "M 0 0 C 100 0, 100 100, 200 100");
        assert_eq!(mid, (100, 50));
        let (d, mid) = edge_path((0, 0), (200, 100), &[Point { x: 50, y: 80 }]);
        assert_eq!(d, "M 0 0 L 50 80 L 200 100");
        assert_eq!(mid, (50, 80));
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let v = Viewport {
            x: 10.0,
            y: 20.0,
            zoom: 1.0,
        };
        let z = v.zoomed(2.0, (110.0, 120.0), (0.1, 4.0));
        assert_eq!(z.zoom, 2.0);
        // The canvas point under (110, 120) is (100, 100) before and after.
        assert_eq!(
            ((110.0 - z.x) / z.zoom, (120.0 - z.y) / z.zoom),
            (100.0, 100.0)
        );
        assert_eq!(v.zoomed(100.0, (0.0, 0.0), (0.1, 4.0)).zoom, 4.0);
    }

    #[test]
    fn fitting_centres_the_box() {
        let v = Viewport::fitting((0.0, 0.0, 720.0, 520.0), (800.0, 600.0), (0.1, 1.5));
        assert_eq!(v.zoom, 1.0);
        assert_eq!((v.x, v.y), (40.0, 40.0));
        let far = Viewport::fitting((0.0, 0.0, 1e6, 10.0), (800.0, 600.0), (0.1, 1.5));
        assert_eq!(far.zoom, 0.1);
    }

    #[test]
    fn the_topmost_block_is_hit_and_bounds_cover_all() {
        let mut w = Workflow::new("t", "T");
        for (id, x) in [("a", 0), ("b", 40)] {
            fachwerk_shared::apply(
                &mut w,
                fachwerk_shared::Op::AddBlock {
                    block: Block::new(id, "", BlockType::Ende.default_kind()),
                    rect: Some(Rect::at(x, 0)),
                    index: None,
                },
            )
            .expect("add");
        }
        assert_eq!(block_at(&w, 50.0, 10.0), Some(BlockId("b".into())));
        assert_eq!(block_at(&w, 5.0, 10.0), Some(BlockId("a".into())));
        assert_eq!(block_at(&w, 5.0, 1000.0), None);
        assert_eq!(bounds(&w), Some((0, 0, 200, 64)));
    }

    #[test]
    fn fitting_within_keeps_the_box_out_of_the_insets() {
        let bbox = (0.0, 0.0, 1000.0, 400.0);
        let v =
            Viewport::fitting_within(bbox, (1000.0, 600.0), (0.0, 0.0, 200.0, 0.0), (0.02, 1.5));
        // The right edge of the box (plus margin) ends left of the 200 px inset.
        let right = 1000.0 * v.zoom + v.x;
        assert!(right <= 800.0 + 0.01, "right edge at {right}");
        assert!(v.x >= 0.0);
        let plain = Viewport::fitting(bbox, (1000.0, 600.0), (0.02, 1.5));
        assert!(v.zoom < plain.zoom);
    }

    #[test]
    fn open_exits_widen_the_fitted_box_for_their_labels() {
        let mut w = Workflow::new("k", "n");
        w.blocks.push(Block::new(
            BlockId("a".into()),
            "",
            fachwerk_shared::BlockType::Sachbearbeitung.default_kind(),
        ));
        w.layout.blocks.insert(BlockId("a".into()), Rect::at(0, 0));
        let plain = bounds(&w).expect("a block");
        let with = bounds_with_labels(&w).expect("a block");
        assert_eq!(with.2, plain.2 + LABEL_ROOM, "the open exit's label");
        w.blocks[0] = Block::new(
            BlockId("a".into()),
            "",
            fachwerk_shared::BlockType::Ende.default_kind(),
        );
        assert_eq!(bounds_with_labels(&w), bounds(&w), "an Ende has no exits");
    }
}
