//! Round shapes: circles (plain, double, small, framed, filled, crossed) and the mind map's
//! bang and cloud.

use super::{ellipse, line, p, polygon, Body, Outline, Piece, PAD_X, PAD_Y};
use crate::diagram::model::Shape;
use crate::frame::{Point, Rect};

/// Side of the small, label-less circles (start, junction).
const DOT: f32 = 8.0;

pub fn size(shape: Shape, lw: f32, lh: f32) -> (f32, f32, f32, f32) {
    match shape {
        Shape::SmallCircle | Shape::FilledCircle => (DOT, DOT, 0.0, 0.0),
        Shape::FramedCircle => (DOT + 4.0, DOT + 4.0, 0.0, 0.0),
        Shape::CrossedCircle => (14.0, 14.0, 0.0, 0.0),
        Shape::Bang | Shape::Cloud => {
            let d = (lw * lw + lh * lh).sqrt() + 2.0 * PAD_Y;
            let ring = d * 0.22;
            // Wider than tall, like mermaid's bangs and clouds.
            (lw * 1.25 + 2.0 * PAD_X + ring, lh * 1.4 + 2.0 * PAD_Y + ring * 0.6, 0.0, 0.0)
        }
        _ => {
            let d = (lw * lw + lh * lh).sqrt() + 2.0 * PAD_Y;
            let ring = if shape == Shape::DoubleCircle { 6.0 } else { 0.0 };
            (d + ring, d + ring, 0.0, 0.0)
        }
    }
}

pub fn outline(shape: Shape, rect: Rect) -> Outline {
    let (w, h) = (rect.width, rect.height);
    let (cx, cy) = (rect.x + w / 2.0, rect.y + h / 2.0);
    let round = || ellipse(cx, cy, w / 2.0, h / 2.0);
    match shape {
        Shape::DoubleCircle => {
            Outline::drawn(round()).with_extras(vec![ellipse(cx, cy, w / 2.0 - 3.0, h / 2.0 - 3.0)])
        }
        Shape::SmallCircle | Shape::FilledCircle => Outline::drawn(round()).with_body(Body::Solid),
        Shape::FramedCircle => {
            let mut outline = Outline::drawn(round());
            outline.dots = vec![ellipse(cx, cy, w * 0.28, h * 0.28)];
            outline
        }
        Shape::CrossedCircle => {
            let (dx, dy) =
                (w / 2.0 * std::f32::consts::FRAC_1_SQRT_2, h / 2.0 * std::f32::consts::FRAC_1_SQRT_2);
            Outline::drawn(round()).with_extras(vec![
                line(p(cx - dx, cy - dy), p(cx + dx, cy + dy)),
                line(p(cx + dx, cy - dy), p(cx - dx, cy + dy)),
            ])
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
            Outline::drawn(polygon(&points))
        }
        Shape::Cloud => {
            let n = 9;
            let at = |i: usize, k: f32| {
                let a = i as f32 / n as f32 * std::f32::consts::TAU;
                p(cx + a.sin() * w / 2.0 * k, cy - a.cos() * h / 2.0 * k)
            };
            Outline::drawn(
                (0..n)
                    .map(|i| {
                        let (a, b2) = (at(i, 0.86), at(i + 1, 0.86));
                        let mid = (i as f32 + 0.5) / n as f32 * std::f32::consts::TAU;
                        let bulge = p(cx + mid.sin() * w / 2.0 * 1.08, cy - mid.cos() * h / 2.0 * 1.08);
                        let c1 = p(a.x + (bulge.x - a.x) * 1.1, a.y + (bulge.y - a.y) * 1.1);
                        let c2 = p(b2.x + (bulge.x - b2.x) * 1.1, b2.y + (bulge.y - b2.y) * 1.1);
                        Piece::Curve(a, c1, c2, b2)
                    })
                    .collect(),
            )
        }
        _ => Outline::drawn(round()),
    }
}
