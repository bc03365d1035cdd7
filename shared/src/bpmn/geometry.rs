//! Shapes and routes for the diagram: where the elements of one block go inside the block's
//! rectangle, where boundary events sit on their host, and how sequence flows are drawn.

use crate::model::{Point, Rect};

/// A shape's bounds in diagram coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Bounds {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Bounds {
    pub fn cx(&self) -> i32 {
        self.x.saturating_add(self.w / 2)
    }
    pub fn cy(&self) -> i32 {
        self.y.saturating_add(self.h / 2)
    }
    pub fn right(&self) -> i32 {
        self.x.saturating_add(self.w)
    }
    pub fn bottom(&self) -> i32 {
        self.y.saturating_add(self.h)
    }
    pub fn union(&self, o: &Bounds) -> Bounds {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        let r = self.right().max(o.right());
        let b = self.bottom().max(o.bottom());
        Bounds {
            x,
            y,
            w: r.saturating_sub(x),
            h: b.saturating_sub(y),
        }
    }
}

/// How an element is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Task,
    Event,
    Gateway,
}

/// Size of a single event in a column.
pub(crate) const EVENT: i32 = 36;
/// Size of a helper gateway.
pub(crate) const GATEWAY: i32 = 40;
/// Size of a gateway that represents a block (bpmn-js' default size).
pub(crate) const BLOCK_GATEWAY: i32 = 50;
/// Size of two events or gateways stacked in one column.
const STACKED: i32 = 28;
const GAP: i32 = 8;
const MIN_TASK: i32 = 20;

/// One column of a block's internal layout: one or two shapes stacked.
pub(crate) type Column = Vec<(Shape, i32)>;

/// Distributes the columns left to right inside `rect`: events and gateways keep their size,
/// tasks share the remaining width and take the full height. Returns bounds per column item.
pub(crate) fn columns(rect: Rect, cols: &[Column]) -> Vec<Vec<Bounds>> {
    let w = rect.w.max(1);
    let h = rect.h.max(1);
    let cy = rect.y.saturating_add(h / 2);
    let fixed_width = |c: &Column| -> Option<i32> {
        if c.iter().any(|(s, _)| *s == Shape::Task) {
            None
        } else if c.len() > 1 {
            Some(STACKED)
        } else {
            Some(c.first().map_or(EVENT, |(_, size)| *size))
        }
    };
    let n = i32::try_from(cols.len()).unwrap_or(i32::MAX);
    let tasks =
        i32::try_from(cols.iter().filter(|c| fixed_width(c).is_none()).count()).unwrap_or(0);
    let fixed: i32 = cols
        .iter()
        .filter_map(fixed_width)
        .fold(0i32, |a, b| a.saturating_add(b));
    let gaps = GAP.saturating_mul((n - 1).max(0));
    let rest = w.saturating_sub(fixed).saturating_sub(gaps);
    let task_w = if tasks > 0 {
        (rest / tasks).max(MIN_TASK)
    } else {
        0
    };
    let total = fixed
        .saturating_add(gaps)
        .saturating_add(task_w.saturating_mul(tasks));
    let mut x = if tasks == 0 {
        rect.x.saturating_add((w - total) / 2)
    } else {
        rect.x
    };
    let mut out = Vec::with_capacity(cols.len());
    for c in cols {
        let cw = fixed_width(c).unwrap_or(task_w);
        let mut items = Vec::with_capacity(c.len());
        if c.len() <= 1 {
            let (shape, size) = c.first().copied().unwrap_or((Shape::Event, EVENT));
            items.push(match shape {
                Shape::Task => Bounds {
                    x,
                    y: rect.y,
                    w: cw,
                    h,
                },
                _ => Bounds {
                    x: x.saturating_add((cw - size) / 2),
                    y: cy.saturating_sub(size / 2),
                    w: size,
                    h: size,
                },
            });
        } else {
            let k = i32::try_from(c.len()).unwrap_or(2);
            let item_h = if c.iter().any(|(s, _)| *s == Shape::Task) {
                ((h - GAP * (k - 1)) / k).max(10)
            } else {
                STACKED
            };
            let block_h = item_h * k + 4 * (k - 1);
            let mut y = cy.saturating_sub(block_h / 2);
            for (shape, _) in c {
                items.push(match shape {
                    Shape::Task => Bounds {
                        x,
                        y,
                        w: cw,
                        h: item_h,
                    },
                    _ => Bounds {
                        x: x.saturating_add((cw - STACKED) / 2),
                        y,
                        w: STACKED,
                        h: STACKED,
                    },
                });
                y = y.saturating_add(item_h + 4);
            }
        }
        out.push(items);
        x = x.saturating_add(cw).saturating_add(GAP);
    }
    out
}

/// The `k`-th boundary event on `host`: along the bottom border from the right, then along the
/// top border; events shrink on narrow hosts so that they stay within the host's width.
pub(crate) fn boundary(host: Bounds, k: usize) -> Bounds {
    let size = if host.w >= EVENT + 8 {
        EVENT
    } else {
        24.min(host.w.max(12))
    };
    let step = size + 4;
    let per_row = usize::try_from((host.w.saturating_sub(8) / step).max(1)).unwrap_or(1);
    let row = k / per_row;
    let col = i32::try_from(k % per_row).unwrap_or(0);
    let x = host
        .right()
        .saturating_sub(4)
        .saturating_sub(size)
        .saturating_sub(col.saturating_mul(step));
    let on_bottom = row & 1 == 0;
    let y = if on_bottom { host.bottom() } else { host.y };
    let shift = i32::try_from(row / 2).unwrap_or(0).saturating_mul(size + 4);
    Bounds {
        x,
        y: y.saturating_sub(size / 2)
            .saturating_add(if on_bottom { shift } else { -shift }),
        w: size,
        h: size,
    }
}

/// The merge gateway in front of a block: in the gap left of its rectangle.
pub(crate) fn merge(rect: Rect) -> Bounds {
    let cy = rect.y.saturating_add(rect.h / 2);
    Bounds {
        x: rect.x.saturating_sub(GATEWAY + 8),
        y: cy.saturating_sub(GATEWAY / 2),
        w: GATEWAY,
        h: GATEWAY,
    }
}

/// Where the straight line from the centre of `b` towards `p` leaves the shape.
pub(crate) fn border_towards(b: Bounds, shape: Shape, p: (i32, i32)) -> (i32, i32) {
    let (cx, cy) = (
        f64::from(b.x) + f64::from(b.w) / 2.0,
        f64::from(b.y) + f64::from(b.h) / 2.0,
    );
    let (dx, dy) = (f64::from(p.0) - cx, f64::from(p.1) - cy);
    let (hw, hh) = (f64::from(b.w.max(1)) / 2.0, f64::from(b.h.max(1)) / 2.0);
    if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
        return (b.cx(), b.y);
    }
    let t = match shape {
        Shape::Task => {
            let tx = if dx.abs() > 1e-9 {
                hw / dx.abs()
            } else {
                f64::INFINITY
            };
            let ty = if dy.abs() > 1e-9 {
                hh / dy.abs()
            } else {
                f64::INFINITY
            };
            tx.min(ty)
        }
        Shape::Event => {
            let len = (dx * dx + dy * dy).sqrt();
            hw.min(hh) / len
        }
        Shape::Gateway => 1.0 / (dx.abs() / hw + dy.abs() / hh),
    };
    let t = t.min(1.0);
    (round(cx + dx * t), round(cy + dy * t))
}

fn round(v: f64) -> i32 {
    if v.is_finite() {
        v.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
    } else {
        0
    }
}

/// Waypoints of a flow from shape `s` to shape `t`: through the layout's points if given,
/// else an orthogonal route. `from_bottom` starts at the bottom (boundary events).
pub(crate) fn route(
    s: Bounds,
    s_shape: Shape,
    t: Bounds,
    t_shape: Shape,
    points: Option<&[Point]>,
    from_bottom: bool,
) -> Vec<(i32, i32)> {
    if let Some(points) = points {
        if points.is_empty() {
            // A routed edge without bends: straight between the borders.
            return vec![
                border_towards(s, s_shape, (t.cx(), t.cy())),
                border_towards(t, t_shape, (s.cx(), s.cy())),
            ];
        }
        let first = points.first().map_or((t.cx(), t.cy()), |p| (p.x, p.y));
        let last = points.last().map_or((s.cx(), s.cy()), |p| (p.x, p.y));
        let mut out = Vec::with_capacity(points.len() + 2);
        out.push(border_towards(s, s_shape, first));
        out.extend(points.iter().map(|p| (p.x, p.y)));
        out.push(border_towards(t, t_shape, last));
        return out;
    }
    if from_bottom {
        let start = (s.cx(), s.bottom());
        if t.cy() > s.bottom() {
            let end = if t.x > s.cx() {
                (t.x, t.cy())
            } else if t.right() < s.cx() {
                (t.right(), t.cy())
            } else {
                (t.cx(), t.y)
            };
            if end.1 == t.y {
                return vec![start, end];
            }
            return vec![start, (s.cx(), t.cy()), end];
        }
        let below = s.bottom().saturating_add(20);
        return vec![
            start,
            (s.cx(), below),
            (t.cx(), below),
            (t.cx(), t.bottom()),
        ];
    }
    if t.x > s.right() {
        let start = (s.right(), s.cy());
        let end = (t.x, t.cy());
        if start.1 == end.1 {
            return vec![start, end];
        }
        let mx = start.0.saturating_add(end.0) / 2;
        return vec![start, (mx, start.1), (mx, end.1), end];
    }
    if t.bottom() < s.y {
        let start = (s.cx(), s.y);
        let end = (t.cx(), t.bottom());
        let my = start.1.saturating_add(end.1) / 2;
        return vec![start, (start.0, my), (end.0, my), end];
    }
    if t.y > s.bottom() {
        let start = (s.cx(), s.bottom());
        let end = (t.cx(), t.y);
        let my = start.1.saturating_add(end.1) / 2;
        return vec![start, (start.0, my), (end.0, my), end];
    }
    // Same band, target to the left (or overlapping): over the top.
    let top = s.y.min(t.y).saturating_sub(30);
    vec![(s.cx(), s.y), (s.cx(), top), (t.cx(), top), (t.cx(), t.y)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fill_the_rectangle() {
        let r = Rect {
            x: 0,
            y: 0,
            w: 160,
            h: 64,
        };
        let cols = columns(
            r,
            &[vec![(Shape::Task, 0)], vec![(Shape::Gateway, GATEWAY)]],
        );
        assert_eq!(
            cols[0][0],
            Bounds {
                x: 0,
                y: 0,
                w: 112,
                h: 64
            }
        );
        assert_eq!(
            cols[1][0],
            Bounds {
                x: 120,
                y: 12,
                w: 40,
                h: 40
            }
        );
        let single = columns(r, &[vec![(Shape::Event, EVENT)]]);
        assert_eq!(
            single[0][0],
            Bounds {
                x: 62,
                y: 14,
                w: 36,
                h: 36
            }
        );
    }

    #[test]
    fn border_points() {
        let b = Bounds {
            x: 0,
            y: 0,
            w: 100,
            h: 50,
        };
        assert_eq!(border_towards(b, Shape::Task, (200, 25)), (100, 25));
        assert_eq!(border_towards(b, Shape::Task, (50, -100)), (50, 0));
        let e = Bounds {
            x: 0,
            y: 0,
            w: 36,
            h: 36,
        };
        assert_eq!(border_towards(e, Shape::Event, (100, 18)), (36, 18));
    }
}
