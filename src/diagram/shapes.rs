//! Node outlines: one description per shape serves sizing (how big a node must be for its
//! label), drawing (straight or hand-drawn pieces) and edge clipping (where a ray leaves it).
//! The shapes live in families: boxes, round shapes, sheets and cylinders, symbols.

mod boxes;
mod rounds;
mod sheets;
mod symbols;

use crate::diagram::model::Shape;
use crate::frame::{Point, Rect};

/// A piece of an outline: a straight line or a cubic curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Piece {
    Line(Point, Point),
    Curve(Point, Point, Point, Point),
}

/// How a shape's contour is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Filled and stroked.
    Drawn,
    /// Filled, not stroked (the data store draws only its top and foot).
    FillOnly,
    /// Not drawn: edges still end on it (text, braces, icon and picture nodes).
    Hidden,
    /// Filled with the pen's colour (junctions, bars).
    Solid,
}

/// A closed contour (edges end on it; the node's fill and pen draw it as `body` says), closed
/// sheets drawn like it behind it (stacked shapes, an icon's form), open strokes over it (the
/// subroutine's bars, the cylinder's front rim, a brace) and dots filled with the pen colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub contour: Vec<Piece>,
    pub body: Body,
    pub behind: Vec<Vec<Piece>>,
    pub extras: Vec<Vec<Piece>>,
    pub dots: Vec<Vec<Piece>>,
}

impl Outline {
    fn drawn(contour: Vec<Piece>) -> Outline {
        Outline { contour, body: Body::Drawn, behind: Vec::new(), extras: Vec::new(), dots: Vec::new() }
    }

    fn with_body(mut self, body: Body) -> Outline {
        self.body = body;
        self
    }

    fn with_extras(mut self, extras: Vec<Vec<Piece>>) -> Outline {
        self.extras = extras;
        self
    }
}

/// Padding around a label inside a node, in points at scale 1.
pub const PAD_X: f32 = 7.0;
pub const PAD_Y: f32 = 4.0;

/// Points per mermaid pixel, for the sizes `@{ h: 60 }` gives: mermaid sets labels at 16 px,
/// Hanji's diagram labels at about 8 pt.
pub const PX: f32 = 0.5;

/// The node size that holds a `lw` × `lh` label, and the label centre's offset from the node
/// centre.
pub fn node_size(shape: Shape, lw: f32, lh: f32) -> (f32, f32, f32, f32) {
    match shape {
        Shape::Circle
        | Shape::DoubleCircle
        | Shape::Bang
        | Shape::Cloud
        | Shape::SmallCircle
        | Shape::FramedCircle
        | Shape::FilledCircle
        | Shape::CrossedCircle => rounds::size(shape, lw, lh),
        Shape::Document
        | Shape::LinedDocument
        | Shape::TaggedDocument
        | Shape::StackedDocument
        | Shape::PaperTape
        | Shape::Cylinder
        | Shape::LinedCylinder
        | Shape::HorizontalCylinder => sheets::size(shape, lw, lh),
        Shape::Diamond
        | Shape::Triangle
        | Shape::FlippedTriangle
        | Shape::Hourglass
        | Shape::Bolt
        | Shape::Fork { .. }
        | Shape::Icon { .. }
        | Shape::Image { .. } => symbols::size(shape, lw, lh),
        _ => boxes::size(shape, lw, lh),
    }
}

/// The outline of a shape filling `rect`.
pub fn outline(shape: Shape, rect: Rect) -> Outline {
    match shape {
        Shape::Circle
        | Shape::DoubleCircle
        | Shape::Bang
        | Shape::Cloud
        | Shape::SmallCircle
        | Shape::FramedCircle
        | Shape::FilledCircle
        | Shape::CrossedCircle => rounds::outline(shape, rect),
        Shape::Document
        | Shape::LinedDocument
        | Shape::TaggedDocument
        | Shape::StackedDocument
        | Shape::PaperTape
        | Shape::Cylinder
        | Shape::LinedCylinder
        | Shape::HorizontalCylinder => sheets::outline(shape, rect),
        Shape::Diamond
        | Shape::Triangle
        | Shape::FlippedTriangle
        | Shape::Hourglass
        | Shape::Bolt
        | Shape::Fork { .. }
        | Shape::Icon { .. }
        | Shape::Image { .. } => symbols::outline(shape, rect),
        _ => boxes::outline(shape, rect),
    }
}

/// Where an icon or picture node draws its icon or picture inside the node's `rect`.
pub fn media_rect(shape: Shape, rect: Rect) -> Option<Rect> {
    symbols::media_rect(shape, rect)
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

/// A half wave from `a` to `b` (level), bulging `depth` down (up when negative): a sine's
/// half period as one cubic.
fn half_wave(a: Point, b: Point, depth: f32) -> Piece {
    let k = depth * 4.0 / 3.0;
    Piece::Curve(a, p(a.x + (b.x - a.x) / 3.0, a.y + k), p(a.x + 2.0 * (b.x - a.x) / 3.0, b.y + k), b)
}

/// A straight stroke.
fn line(a: Point, b: Point) -> Vec<Piece> {
    vec![Piece::Line(a, b)]
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

    /// Every shape, with the sizes an icon and a picture node take.
    const ALL: [Shape; 51] = [
        Shape::Rect,
        Shape::Rounded,
        Shape::Stadium,
        Shape::Circle,
        Shape::DoubleCircle,
        Shape::Diamond,
        Shape::Hexagon,
        Shape::Subroutine,
        Shape::Cylinder,
        Shape::Odd,
        Shape::LeanRight,
        Shape::LeanLeft,
        Shape::Trapezoid,
        Shape::TrapezoidAlt,
        Shape::Bang,
        Shape::Cloud,
        Shape::Plain,
        Shape::Datastore,
        Shape::Text,
        Shape::NotchedRect,
        Shape::LinedRect,
        Shape::SmallCircle,
        Shape::FramedCircle,
        Shape::Fork { vertical: false },
        Shape::Fork { vertical: true },
        Shape::Hourglass,
        Shape::BraceLeft,
        Shape::BraceRight,
        Shape::Braces,
        Shape::Bolt,
        Shape::Document,
        Shape::Delay,
        Shape::HorizontalCylinder,
        Shape::LinedCylinder,
        Shape::CurvedTrapezoid,
        Shape::DividedRect,
        Shape::Triangle,
        Shape::WindowPane,
        Shape::FilledCircle,
        Shape::LinedDocument,
        Shape::NotchedPentagon,
        Shape::FlippedTriangle,
        Shape::SlopedRect,
        Shape::StackedDocument,
        Shape::StackedRect,
        Shape::BowTieRect,
        Shape::CrossedCircle,
        Shape::TaggedDocument,
        Shape::TaggedRect,
        Shape::PaperTape,
        Shape::Icon { form: crate::diagram::model::IconForm::Square, label_top: false, size: 48 },
    ];

    #[test]
    fn rays_from_the_centre_end_on_the_outline() {
        for shape in ALL {
            let (w, h, dx, dy) = node_size(shape, 60.0, 24.0);
            let rect = Rect::new(10.0, 20.0, w, h);
            let c = p(10.0 + w / 2.0 + dx, 20.0 + h / 2.0 + dy);
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
        for shape in ALL.into_iter().filter(|s| s.shows_label()) {
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
