//! Box-like shapes: rectangles and their variants (rounded, framed, lined, divided, notched,
//! tagged, stacked), slanted boxes (lean, trapezoid, sloped), the hexagon, the `odd` flag,
//! the delay, the display, stored data, text and braces.

use super::{line, p, polygon, radius, rounded, Body, Outline, Piece, KAPPA, PAD_X, PAD_Y};
use crate::diagram::model::Shape;
use crate::frame::{Point, Rect};

/// How far stacked sheets stand out behind the front one.
pub const STACK: f32 = 4.0;
/// The width of a window pane's bands and a lined box's margin.
const BAND: f32 = 5.0;

pub fn size(shape: Shape, lw: f32, lh: f32) -> (f32, f32, f32, f32) {
    let (bw, bh) = (lw + 2.0 * PAD_X, lh + 2.0 * PAD_Y);
    match shape {
        Shape::Rect | Shape::Rounded | Shape::Subroutine => {
            let extra = if shape == Shape::Subroutine { 10.0 } else { 0.0 };
            (bw.max(28.0) + extra, bh, 0.0, 0.0)
        }
        Shape::Plain => (lw + 8.0, lh + 3.0, 0.0, 0.0),
        Shape::Text => (lw + 6.0, lh + 4.0, 0.0, 0.0),
        Shape::Stadium => (lw + bh + PAD_X * 0.6, bh, 0.0, 0.0),
        Shape::Hexagon => (lw + 2.0 * PAD_X + bh * 0.5, bh, 0.0, 0.0),
        Shape::Odd => (bw + bh * 0.3, bh, bh * 0.15, 0.0),
        Shape::LeanRight | Shape::LeanLeft | Shape::Trapezoid | Shape::TrapezoidAlt => {
            (bw + bh * 0.6, bh, 0.0, 0.0)
        }
        Shape::Datastore | Shape::TaggedRect => (bw.max(28.0) + 4.0, bh, 0.0, 0.0),
        Shape::NotchedRect => (bw + 6.0, bh, 0.0, 0.0),
        Shape::LinedRect => (bw + BAND + 1.0, bh, (BAND + 1.0) / 2.0, 0.0),
        Shape::DividedRect => {
            let band = divided_band(bh);
            (bw, bh + band, 0.0, band / 2.0)
        }
        Shape::WindowPane => (bw + BAND, bh + BAND, BAND / 2.0, BAND / 2.0),
        Shape::NotchedPentagon => (bw * 1.1 + 2.0, bh + 3.0, 0.0, 1.5),
        Shape::SlopedRect => (bw, bh * 1.5, 0.0, bh * 0.25),
        Shape::StackedRect => (bw + 2.0 * STACK, bh + 2.0 * STACK, -STACK, STACK),
        Shape::Delay => (bw + bh * 0.35, bh, -bh * 0.12, 0.0),
        Shape::CurvedTrapezoid => (bw + bh * 0.5, bh, 0.0, 0.0),
        Shape::BowTieRect => (bw + 2.0 * bow(bh), bh, 0.0, 0.0),
        Shape::BraceLeft => (bw + 8.0, bh, 4.0, 0.0),
        Shape::BraceRight => (bw + 8.0, bh, -4.0, 0.0),
        Shape::Braces => (bw + 16.0, bh, 0.0, 0.0),
        _ => (bw.max(28.0), bh, 0.0, 0.0),
    }
}

fn divided_band(h: f32) -> f32 {
    (h * 0.25).max(4.0)
}

/// How deep stored data's ends curve.
fn bow(h: f32) -> f32 {
    h * 0.12
}

pub fn outline(shape: Shape, rect: Rect) -> Outline {
    let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let (w, h) = (rect.width, rect.height);
    let cy = t + h / 2.0;
    let plain = || rounded(rect, 0.0);
    match shape {
        Shape::Subroutine => {
            let inset = 5.0f32.min(w / 4.0);
            Outline::drawn(rounded(rect, radius(shape, rect))).with_extras(vec![
                line(p(l + inset, t), p(l + inset, b)),
                line(p(r - inset, t), p(r - inset, b)),
            ])
        }
        Shape::Hexagon => {
            let m = (h * 0.3).min(w / 3.0);
            Outline::drawn(polygon(&[p(l + m, t), p(r - m, t), p(r, cy), p(r - m, b), p(l + m, b), p(l, cy)]))
        }
        Shape::Odd => {
            let n = h * 0.3;
            Outline::drawn(polygon(&[p(l, t), p(r, t), p(r, b), p(l, b), p(l + n, cy)]))
        }
        Shape::LeanRight => {
            let m = h * 0.3;
            Outline::drawn(polygon(&[p(l + m, t), p(r, t), p(r - m, b), p(l, b)]))
        }
        Shape::LeanLeft => {
            let m = h * 0.3;
            Outline::drawn(polygon(&[p(l, t), p(r - m, t), p(r, b), p(l + m, b)]))
        }
        Shape::Trapezoid => {
            let m = h * 0.3;
            Outline::drawn(polygon(&[p(l + m, t), p(r - m, t), p(r, b), p(l, b)]))
        }
        Shape::TrapezoidAlt => {
            let m = h * 0.3;
            Outline::drawn(polygon(&[p(l, t), p(r, t), p(r - m, b), p(l + m, b)]))
        }
        Shape::Text => Outline::drawn(plain()).with_body(Body::Hidden),
        Shape::Datastore => Outline::drawn(plain())
            .with_body(Body::FillOnly)
            .with_extras(vec![line(p(l, t), p(r, t)), line(p(l, b), p(r, b))]),
        Shape::NotchedRect => {
            let n = (h * 0.4).min(9.0);
            Outline::drawn(polygon(&[p(l + n, t), p(r, t), p(r, b), p(l, b), p(l, t + n)]))
        }
        Shape::LinedRect => Outline::drawn(plain()).with_extras(vec![line(p(l + BAND, t), p(l + BAND, b))]),
        Shape::DividedRect => {
            // The band `size` added: a quarter of the label's box, so a fifth of the whole.
            let band = (h * 0.2).max(4.0);
            Outline::drawn(plain()).with_extras(vec![line(p(l, t + band), p(r, t + band))])
        }
        Shape::WindowPane => Outline::drawn(plain())
            .with_extras(vec![line(p(l, t + BAND), p(r, t + BAND)), line(p(l + BAND, t), p(l + BAND, b))]),
        Shape::NotchedPentagon => {
            let (mx, my) = (w * 0.1, h * 0.1);
            Outline::drawn(polygon(&[
                p(l + mx, t),
                p(r - mx, t),
                p(r, t + my),
                p(r, b),
                p(l, b),
                p(l, t + my),
            ]))
        }
        Shape::SlopedRect => Outline::drawn(polygon(&[p(l, t + h / 3.0), p(r, t), p(r, b), p(l, b)])),
        Shape::StackedRect => {
            let sheets = stack_sheets(rect).map(|r| rounded(r, 0.0));
            stack(rect, sheets, vec![Piece::Line(p(r - 2.0 * STACK, b), p(l, b))], b)
        }
        Shape::TaggedRect => {
            let tag = (h * 0.3).min(7.0);
            let mut outline = Outline::drawn(plain());
            outline.dots = vec![polygon(&[p(r - tag, b), p(r, b), p(r, b - tag)])];
            outline
        }
        Shape::Delay => {
            let rr = (h / 2.0).min(w / 2.0);
            let mut v = vec![Piece::Line(p(l, t), p(r - rr, t))];
            v.extend(half_circle_right(p(r - rr, cy), rr, h / 2.0));
            v.push(Piece::Line(p(r - rr, b), p(l, b)));
            v.push(Piece::Line(p(l, b), p(l, t)));
            Outline::drawn(v)
        }
        Shape::CurvedTrapezoid => {
            let rr = (h / 2.0).min(w / 2.0);
            let tip = h / 4.0;
            let mut v = vec![
                Piece::Line(p(r - rr, b), p(l + tip, b)),
                Piece::Line(p(l + tip, b), p(l, cy)),
                Piece::Line(p(l, cy), p(l + tip, t)),
                Piece::Line(p(l + tip, t), p(r - rr, t)),
            ];
            v.extend(half_circle_right(p(r - rr, cy), rr, h / 2.0));
            Outline::drawn(v)
        }
        Shape::BowTieRect => {
            let d = bow(h).min(w / 4.0);
            let k = d * 4.0 / 3.0;
            Outline::drawn(vec![
                Piece::Line(p(l + d, t), p(r, t)),
                // The right end is hollowed, the left end round: stored data.
                Piece::Curve(p(r, t), p(r - k, t + h * 0.1), p(r - k, b - h * 0.1), p(r, b)),
                Piece::Line(p(r, b), p(l + d, b)),
                Piece::Curve(p(l + d, b), p(l + d - k, b - h * 0.1), p(l + d - k, t + h * 0.1), p(l + d, t)),
            ])
        }
        Shape::BraceLeft => {
            Outline::drawn(plain()).with_body(Body::Hidden).with_extras(vec![brace(l, l + 6.0, t, b)])
        }
        Shape::BraceRight => {
            Outline::drawn(plain()).with_body(Body::Hidden).with_extras(vec![brace(r, r - 6.0, t, b)])
        }
        Shape::Braces => Outline::drawn(plain())
            .with_body(Body::Hidden)
            .with_extras(vec![brace(l, l + 6.0, t, b), brace(r, r - 6.0, t, b)]),
        _ => Outline::drawn(rounded(rect, radius(shape, rect))),
    }
}

/// The three sheets of a stack in `rect`, back to front, each `STACK` lower and to the left.
pub fn stack_sheets(rect: Rect) -> [Rect; 3] {
    let (w, h) = (rect.width - 2.0 * STACK, rect.height - 2.0 * STACK);
    [2.0, 1.0, 0.0].map(|k| Rect::new(rect.x + k * STACK, rect.y + (2.0 - k) * STACK, w, h))
}

/// Stacked sheets drawn back to front; edges end on the outline of the whole stack: the
/// sheets' steps above and to the right, the front sheet's `foot` (from its right end at
/// height `foot_y` to its left) below.
pub fn stack(rect: Rect, sheets: [Vec<Piece>; 3], foot: Vec<Piece>, foot_y: f32) -> Outline {
    let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let o = STACK;
    let mut contour = polygon(&[
        p(l, foot_y),
        p(l, t + 2.0 * o),
        p(l + o, t + 2.0 * o),
        p(l + o, t + o),
        p(l + 2.0 * o, t + o),
        p(l + 2.0 * o, t),
        p(r, t),
        p(r, b - 2.0 * o),
        p(r - o, b - 2.0 * o),
        p(r - o, b - o),
        p(r - 2.0 * o, b - o),
        p(r - 2.0 * o, foot_y),
    ]);
    // The polygon's closing side is the foot.
    contour.pop();
    contour.extend(foot);
    let mut outline = Outline::drawn(contour).with_body(Body::Hidden);
    outline.behind = sheets.into();
    outline
}

/// The right half of an ellipse centred on `c`, from its top to its bottom.
fn half_circle_right(c: Point, rx: f32, ry: f32) -> [Piece; 2] {
    let (kx, ky) = (rx * KAPPA, ry * KAPPA);
    [
        Piece::Curve(p(c.x, c.y - ry), p(c.x + kx, c.y - ry), p(c.x + rx, c.y - ky), p(c.x + rx, c.y)),
        Piece::Curve(p(c.x + rx, c.y), p(c.x + rx, c.y + ky), p(c.x + kx, c.y + ry), p(c.x, c.y + ry)),
    ]
}

/// A curly brace from `t` to `b`: its ends at `inner`, its tip at `outer` half way down.
fn brace(outer: f32, inner: f32, t: f32, b: f32) -> Vec<Piece> {
    let mid = (outer + inner) / 2.0;
    let cy = (t + b) / 2.0;
    let k = ((b - t) / 5.0).min(5.0);
    vec![
        Piece::Curve(p(inner, t), p(mid, t), p(mid, t), p(mid, t + k)),
        Piece::Line(p(mid, t + k), p(mid, cy - k)),
        Piece::Curve(p(mid, cy - k), p(mid, cy), p(mid, cy), p(outer, cy)),
        Piece::Curve(p(outer, cy), p(mid, cy), p(mid, cy), p(mid, cy + k)),
        Piece::Line(p(mid, cy + k), p(mid, b - k)),
        Piece::Curve(p(mid, b - k), p(mid, b), p(mid, b), p(inner, b)),
    ]
}
