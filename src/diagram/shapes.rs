//! Node outlines: one description per shape serves sizing (how big a node must be for its
//! label), drawing (straight or hand-drawn pieces) and edge clipping (where a ray leaves it).

use crate::diagram::model::Shape;
use crate::frame::{Point, Rect};

/// A piece of an outline: a straight line or a cubic curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Piece {
    Line(Point, Point),
    Curve(Point, Point, Point, Point),
}

/// A closed contour plus open strokes drawn over it (the subroutine's bars, the cylinder's
/// front rim, the double circle's inner ring).
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub contour: Vec<Piece>,
    pub extras: Vec<Vec<Piece>>,
}

/// Padding around a label inside a node, in points at scale 1.
pub const PAD_X: f32 = 7.0;
pub const PAD_Y: f32 = 4.0;

/// The node size that holds a `lw` × `lh` label, and the label centre's offset from the node
/// centre.
pub fn node_size(shape: Shape, lw: f32, lh: f32) -> (f32, f32, f32, f32) {
    let (bw, bh) = (lw + 2.0 * PAD_X, lh + 2.0 * PAD_Y);
    match shape {
        Shape::Rect | Shape::Rounded | Shape::Subroutine => {
            let extra = if shape == Shape::Subroutine { 10.0 } else { 0.0 };
            (bw.max(28.0) + extra, bh, 0.0, 0.0)
        }
        Shape::Plain => (lw + 8.0, lh + 3.0, 0.0, 0.0),
        Shape::Stadium => (lw + bh + PAD_X * 0.6, bh, 0.0, 0.0),
        Shape::Circle | Shape::DoubleCircle | Shape::Bang | Shape::Cloud => {
            let d = (lw * lw + lh * lh).sqrt() + 2.0 * PAD_Y;
            let ring = match shape {
                Shape::DoubleCircle => 6.0,
                Shape::Bang | Shape::Cloud => d * 0.22,
                _ => 0.0,
            };
            if matches!(shape, Shape::Bang | Shape::Cloud) {
                // Wider than tall, like mermaid's bangs and clouds.
                (lw * 1.25 + 2.0 * PAD_X + ring, lh * 1.4 + 2.0 * PAD_Y + ring * 0.6, 0.0, 0.0)
            } else {
                (d + ring, d + ring, 0.0, 0.0)
            }
        }
        Shape::Diamond => {
            // Half-diagonals a, b with (lw/2)/a + (lh/2)/b <= 1: the label fits inside.
            let b = lh / 2.0 + PAD_Y + lw * 0.18;
            let a = (lw / 2.0) / (1.0 - (lh / 2.0) / b) + PAD_Y;
            (2.0 * a, 2.0 * b + 2.0, 0.0, 0.0)
        }
        Shape::Hexagon => (lw + 2.0 * PAD_X + bh * 0.5, bh, 0.0, 0.0),
        Shape::Cylinder => {
            let ry = cylinder_ry(bw, bh + 8.0);
            (bw, bh + 2.0 * ry, 0.0, ry * 0.5)
        }
        Shape::Flag => (bw + bh * 0.3, bh, bh * 0.15, 0.0),
        Shape::LeanRight | Shape::LeanLeft | Shape::Trapezoid | Shape::TrapezoidAlt => {
            (bw + bh * 0.6, bh, 0.0, 0.0)
        }
    }
}

fn cylinder_ry(w: f32, h: f32) -> f32 {
    (h * 0.12).min(w * 0.12).clamp(2.0, 6.0)
}

/// Corner radius of box-like shapes.
pub fn radius(shape: Shape, rect: Rect) -> f32 {
    let h = rect.height.min(rect.width);
    match shape {
        Shape::Rect | Shape::Subroutine => (h * 0.2).min(3.5),
        Shape::Rounded => (h * 0.38).min(9.0),
        Shape::Plain => (h * 0.5).min(6.0),
        Shape::Stadium => h / 2.0,
        _ => 0.0,
    }
}

const KAPPA: f32 = 0.552_284_8;

fn p(x: f32, y: f32) -> Point {
    Point::new(x, y)
}

fn polygon(points: &[Point]) -> Vec<Piece> {
    (0..points.len()).map(|i| Piece::Line(points[i], points[(i + 1) % points.len()])).collect()
}

/// An ellipse as four cubic quarter arcs, clockwise from the top.
pub fn ellipse(cx: f32, cy: f32, rx: f32, ry: f32) -> Vec<Piece> {
    let (kx, ky) = (rx * KAPPA, ry * KAPPA);
    vec![
        Piece::Curve(p(cx, cy - ry), p(cx + kx, cy - ry), p(cx + rx, cy - ky), p(cx + rx, cy)),
        Piece::Curve(p(cx + rx, cy), p(cx + rx, cy + ky), p(cx + kx, cy + ry), p(cx, cy + ry)),
        Piece::Curve(p(cx, cy + ry), p(cx - kx, cy + ry), p(cx - rx, cy + ky), p(cx - rx, cy)),
        Piece::Curve(p(cx - rx, cy), p(cx - rx, cy - ky), p(cx - kx, cy - ry), p(cx, cy - ry)),
    ]
}

/// A rounded rectangle, clockwise from the top-left corner's end.
pub fn rounded(rect: Rect, r: f32) -> Vec<Piece> {
    let r = r.min(rect.width / 2.0).min(rect.height / 2.0).max(0.0);
    let k = KAPPA * r;
    let (l, t, rt, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let mut v = Vec::with_capacity(8);
    v.push(Piece::Line(p(l + r, t), p(rt - r, t)));
    if r > 0.0 {
        v.push(Piece::Curve(p(rt - r, t), p(rt - r + k, t), p(rt, t + r - k), p(rt, t + r)));
    }
    v.push(Piece::Line(p(rt, t + r), p(rt, b - r)));
    if r > 0.0 {
        v.push(Piece::Curve(p(rt, b - r), p(rt, b - r + k), p(rt - r + k, b), p(rt - r, b)));
    }
    v.push(Piece::Line(p(rt - r, b), p(l + r, b)));
    if r > 0.0 {
        v.push(Piece::Curve(p(l + r, b), p(l + r - k, b), p(l, b - r + k), p(l, b - r)));
    }
    v.push(Piece::Line(p(l, b - r), p(l, t + r)));
    if r > 0.0 {
        v.push(Piece::Curve(p(l, t + r), p(l, t + r - k), p(l + r - k, t), p(l + r, t)));
    }
    v.retain(|piece| !matches!(piece, Piece::Line(a, b) if a == b));
    v
}

/// The outline of a shape filling `rect`.
pub fn outline(shape: Shape, rect: Rect) -> Outline {
    let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let (w, h) = (rect.width, rect.height);
    let (cx, cy) = (l + w / 2.0, t + h / 2.0);
    let mut extras = Vec::new();
    let contour = match shape {
        Shape::Rect | Shape::Rounded | Shape::Stadium | Shape::Plain => rounded(rect, radius(shape, rect)),
        Shape::Subroutine => {
            let inset = 5.0f32.min(w / 4.0);
            extras.push(vec![Piece::Line(p(l + inset, t), p(l + inset, b))]);
            extras.push(vec![Piece::Line(p(r - inset, t), p(r - inset, b))]);
            rounded(rect, radius(shape, rect))
        }
        Shape::Circle => ellipse(cx, cy, w / 2.0, h / 2.0),
        Shape::DoubleCircle => {
            extras.push(ellipse(cx, cy, w / 2.0 - 3.0, h / 2.0 - 3.0));
            ellipse(cx, cy, w / 2.0, h / 2.0)
        }
        Shape::Diamond => polygon(&[p(cx, t), p(r, cy), p(cx, b), p(l, cy)]),
        Shape::Hexagon => {
            let m = (h * 0.3).min(w / 3.0);
            polygon(&[p(l + m, t), p(r - m, t), p(r, cy), p(r - m, b), p(l + m, b), p(l, cy)])
        }
        Shape::Cylinder => {
            let ry = cylinder_ry(w, h);
            let k = KAPPA;
            let rx = w / 2.0;
            extras.push(vec![
                Piece::Curve(
                    p(l, t + ry),
                    p(l, t + ry + ry * k),
                    p(cx - rx * k, t + 2.0 * ry),
                    p(cx, t + 2.0 * ry),
                ),
                Piece::Curve(
                    p(cx, t + 2.0 * ry),
                    p(cx + rx * k, t + 2.0 * ry),
                    p(r, t + ry + ry * k),
                    p(r, t + ry),
                ),
            ]);
            vec![
                Piece::Line(p(l, t + ry), p(l, b - ry)),
                Piece::Curve(p(l, b - ry), p(l, b - ry + ry * k), p(cx - rx * k, b), p(cx, b)),
                Piece::Curve(p(cx, b), p(cx + rx * k, b), p(r, b - ry + ry * k), p(r, b - ry)),
                Piece::Line(p(r, b - ry), p(r, t + ry)),
                Piece::Curve(p(r, t + ry), p(r, t + ry - ry * k), p(cx + rx * k, t), p(cx, t)),
                Piece::Curve(p(cx, t), p(cx - rx * k, t), p(l, t + ry - ry * k), p(l, t + ry)),
            ]
        }
        Shape::Flag => {
            let n = h * 0.3;
            polygon(&[p(l, t), p(r, t), p(r, b), p(l, b), p(l + n, cy)])
        }
        Shape::LeanRight => {
            let m = h * 0.3;
            polygon(&[p(l + m, t), p(r, t), p(r - m, b), p(l, b)])
        }
        Shape::LeanLeft => {
            let m = h * 0.3;
            polygon(&[p(l, t), p(r - m, t), p(r, b), p(l + m, b)])
        }
        Shape::Trapezoid => {
            let m = h * 0.3;
            polygon(&[p(l + m, t), p(r - m, t), p(r, b), p(l, b)])
        }
        Shape::TrapezoidAlt => {
            let m = h * 0.3;
            polygon(&[p(l, t), p(r, t), p(r - m, b), p(l + m, b)])
        }
        Shape::Bang => {
            let n = 14;
            let points: Vec<Point> = (0..n)
                .map(|i| {
                    let a = i as f32 / n as f32 * std::f32::consts::TAU;
                    let k = if i % 2 == 0 { 1.0 } else { 0.78 };
                    p(cx + a.sin() * w / 2.0 * k, cy - a.cos() * h / 2.0 * k)
                })
                .collect();
            polygon(&points)
        }
        Shape::Cloud => {
            let n = 9;
            let at = |i: usize, k: f32| {
                let a = i as f32 / n as f32 * std::f32::consts::TAU;
                p(cx + a.sin() * w / 2.0 * k, cy - a.cos() * h / 2.0 * k)
            };
            (0..n)
                .map(|i| {
                    let (a, b2) = (at(i, 0.86), at(i + 1, 0.86));
                    let mid = (i as f32 + 0.5) / n as f32 * std::f32::consts::TAU;
                    let bulge = p(cx + mid.sin() * w / 2.0 * 1.08, cy - mid.cos() * h / 2.0 * 1.08);
                    let c1 = p(a.x + (bulge.x - a.x) * 1.1, a.y + (bulge.y - a.y) * 1.1);
                    let c2 = p(b2.x + (bulge.x - b2.x) * 1.1, b2.y + (bulge.y - b2.y) * 1.1);
                    Piece::Curve(a, c1, c2, b2)
                })
                .collect()
        }
    };
    Outline { contour, extras }
}

fn cubic(a: Point, b: Point, c: Point, d: Point, t: f32) -> Point {
    let u = 1.0 - t;
    let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    p(w0 * a.x + w1 * b.x + w2 * c.x + w3 * d.x, w0 * a.y + w1 * b.y + w2 * c.y + w3 * d.y)
}

/// The contour as a closed polygon (curves flattened).
pub fn flatten(pieces: &[Piece]) -> Vec<Point> {
    let mut out = Vec::new();
    for piece in pieces {
        match *piece {
            Piece::Line(a, _) => out.push(a),
            Piece::Curve(a, b, c, d) => {
                for i in 0..8 {
                    out.push(cubic(a, b, c, d, i as f32 / 8.0));
                }
            }
        }
    }
    out
}

/// Where a ray from `origin` (inside the shape) in direction `dir` leaves the outline.
pub fn boundary(shape: Shape, rect: Rect, origin: Point, dir: (f32, f32)) -> Point {
    let poly = flatten(&outline(shape, rect).contour);
    let mut best: Option<f32> = None;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        let (ex, ey) = (b.x - a.x, b.y - a.y);
        let denom = dir.0 * ey - dir.1 * ex;
        if denom.abs() < 1e-9 {
            continue;
        }
        let (ax, ay) = (a.x - origin.x, a.y - origin.y);
        let t = (ax * ey - ay * ex) / denom;
        let u = (ax * dir.1 - ay * dir.0) / denom;
        if t >= 0.0 && (-1e-4..=1.0 + 1e-4).contains(&u) && best.is_none_or(|b| t > b) {
            // The farthest crossing: a ray from inside a non-convex outline (the flag's
            // notch) leaves it at the last one.
            best = Some(t);
        }
    }
    match best {
        Some(t) => p(origin.x + dir.0 * t, origin.y + dir.1 * t),
        None => origin,
    }
}

/// Distance from a point to the outline (for tests and checks).
pub fn distance_to_outline(shape: Shape, rect: Rect, point: Point) -> f32 {
    let poly = flatten(&outline(shape, rect).contour);
    let mut best = f32::MAX;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        let (ex, ey) = (b.x - a.x, b.y - a.y);
        let len2 = ex * ex + ey * ey;
        let t = if len2 > 0.0 {
            (((point.x - a.x) * ex + (point.y - a.y) * ey) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (qx, qy) = (a.x + ex * t - point.x, a.y + ey * t - point.y);
        best = best.min((qx * qx + qy * qy).sqrt());
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Shape; 17] = [
        Shape::Rect,
        Shape::Rounded,
        Shape::Stadium,
        Shape::Circle,
        Shape::DoubleCircle,
        Shape::Diamond,
        Shape::Hexagon,
        Shape::Subroutine,
        Shape::Cylinder,
        Shape::Flag,
        Shape::LeanRight,
        Shape::LeanLeft,
        Shape::Trapezoid,
        Shape::TrapezoidAlt,
        Shape::Bang,
        Shape::Cloud,
        Shape::Plain,
    ];

    #[test]
    fn rays_from_the_centre_end_on_the_outline() {
        for shape in ALL {
            let rect = Rect::new(10.0, 20.0, 80.0, 30.0);
            let c = p(50.0, 35.0);
            for k in 0..16 {
                let a = k as f32 / 16.0 * std::f32::consts::TAU;
                let hit = boundary(shape, rect, c, (a.cos(), a.sin()));
                assert!(distance_to_outline(shape, rect, hit) < 0.01, "{shape:?} {k}");
                assert!(hit != c, "{shape:?} ray {k} found no border");
            }
        }
    }

    #[test]
    fn labels_fit_inside_their_shapes() {
        // The label's corners lie inside the outline: a ray from the centre through each
        // corner leaves the shape beyond the corner.
        for shape in ALL {
            let (lw, lh) = (60.0, 24.0);
            let (w, h, dx, dy) = node_size(shape, lw, lh);
            let rect = Rect::new(0.0, 0.0, w, h);
            let c = p(w / 2.0 + dx, h / 2.0 + dy);
            for (sx, sy) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
                let corner = (sx * lw / 2.0, sy * lh / 2.0);
                let len = (corner.0 * corner.0 + corner.1 * corner.1).sqrt();
                let hit = boundary(shape, rect, c, (corner.0 / len, corner.1 / len));
                let reach = ((hit.x - c.x).powi(2) + (hit.y - c.y).powi(2)).sqrt();
                assert!(reach >= len - 0.5, "{shape:?}: corner {corner:?} outside ({reach} < {len})");
            }
        }
    }
}
