//! Symbols: the diamond, triangles, hourglass, lightning bolt and fork bar, and the icon and
//! picture nodes (an icon or picture with its label above or below).

use super::{ellipse, p, polygon, rounded, Body, Outline, PAD_X, PAD_Y, PX};
use crate::diagram::model::{IconForm, Shape};
use crate::frame::Rect;

/// The gap between an icon or picture and its label, and the margin beyond the label (edges
/// end at the node's edge: the letters keep clear of them).
const LABEL_GAP: f32 = 3.0;
const LABEL_MARGIN: f32 = 2.5;

pub fn size(shape: Shape, lw: f32, lh: f32) -> (f32, f32, f32, f32) {
    let (bw, bh) = (lw + 2.0 * PAD_X, lh + 2.0 * PAD_Y);
    match shape {
        Shape::Diamond => {
            // Half-diagonals a, b with (lw/2)/a + (lh/2)/b <= 1: the label fits inside.
            let b = lh / 2.0 + PAD_Y + lw * 0.18;
            let a = (lw / 2.0) / (1.0 - (lh / 2.0) / b) + PAD_Y;
            (2.0 * a, 2.0 * b + 2.0, 0.0, 0.0)
        }
        Shape::Triangle | Shape::FlippedTriangle => {
            // The label stands in a band `bh` high at the base, as wide as its box.
            let height = (2.2 * bh).max(bh + 0.5 * bw);
            let base = bw * height / (height - bh);
            let dy = height / 2.0 - bh / 2.0;
            (base, height, 0.0, if shape == Shape::Triangle { dy } else { -dy })
        }
        Shape::Hourglass => (14.0, 14.0, 0.0, 0.0),
        Shape::Bolt => (12.0, 22.0, 0.0, 0.0),
        Shape::Fork { vertical: false } => (35.0, 5.0, 0.0, 0.0),
        Shape::Fork { vertical: true } => (5.0, 35.0, 0.0, 0.0),
        Shape::Icon { label_top, .. } | Shape::Image { label_top, .. } => {
            let (mw, mh) = media_size(shape);
            if lw <= 0.0 {
                return (mw, mh, 0.0, 0.0);
            }
            let (w, h) = (mw.max(lw + 4.0), mh + LABEL_GAP + lh + LABEL_MARGIN);
            let dy = h / 2.0 - LABEL_MARGIN - lh / 2.0;
            (w, h, 0.0, if label_top { -dy } else { dy })
        }
        _ => (bw, bh, 0.0, 0.0),
    }
}

/// The room an icon (with its form) or a picture takes.
fn media_size(shape: Shape) -> (f32, f32) {
    match shape {
        Shape::Icon { form, size, .. } => {
            let side = f32::from(size) * PX;
            let pad = if form == IconForm::None { 0.0 } else { side * 0.2 };
            (side + 2.0 * pad, side + 2.0 * pad)
        }
        Shape::Image { width, height, .. } => (f32::from(width) * PX, f32::from(height) * PX),
        _ => (0.0, 0.0),
    }
}

/// The icon's form or the picture's frame in the node's rectangle: at its top when the label
/// is below, at its foot when the label is above.
fn media_box(shape: Shape, rect: Rect) -> Option<Rect> {
    let label_top = match shape {
        Shape::Icon { label_top, .. } | Shape::Image { label_top, .. } => label_top,
        _ => return None,
    };
    let (w, h) = media_size(shape);
    let x = rect.x + (rect.width - w) / 2.0;
    let y = if label_top { rect.bottom() - h } else { rect.y };
    Some(Rect::new(x, y, w, h))
}

/// Where the icon or the picture itself goes.
pub fn media_rect(shape: Shape, rect: Rect) -> Option<Rect> {
    let frame = media_box(shape, rect)?;
    match shape {
        Shape::Icon { form, size, .. } if form != IconForm::None => {
            let pad = f32::from(size) * PX * 0.2;
            Some(Rect::new(frame.x + pad, frame.y + pad, frame.width - 2.0 * pad, frame.height - 2.0 * pad))
        }
        _ => Some(frame),
    }
}

pub fn outline(shape: Shape, rect: Rect) -> Outline {
    let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let (w, h) = (rect.width, rect.height);
    let (cx, cy) = (l + w / 2.0, t + h / 2.0);
    match shape {
        Shape::Triangle => Outline::drawn(polygon(&[p(cx, t), p(r, b), p(l, b)])),
        Shape::FlippedTriangle => Outline::drawn(polygon(&[p(l, t), p(r, t), p(cx, b)])),
        Shape::Hourglass => {
            // Two triangles meeting at a narrow waist (a closed outline edges can end on).
            let waist = (w * 0.05).max(0.3);
            Outline::drawn(polygon(&[
                p(l, t),
                p(r, t),
                p(cx + waist, cy),
                p(r, b),
                p(l, b),
                p(cx - waist, cy),
            ]))
        }
        Shape::Bolt => {
            // Mermaid's lightning bolt: a zig-zag through a gap around the middle.
            let (gx, gy) = (w * 0.2, h * 0.05);
            Outline::drawn(polygon(&[
                p(r, t),
                p(l, cy + gy),
                p(r - 2.0 * gx, cy + gy),
                p(l, b),
                p(r, cy - gy),
                p(l + 2.0 * gx, cy - gy),
            ]))
        }
        Shape::Fork { .. } => Outline::drawn(rounded(rect, 0.0)).with_body(Body::Solid),
        Shape::Icon { form, .. } => {
            let mut outline = Outline::drawn(rounded(rect, 0.0)).with_body(Body::Hidden);
            if let Some(frame) = media_box(shape, rect) {
                let side = frame.width.min(frame.height);
                match form {
                    IconForm::None => {}
                    IconForm::Square => outline.behind.push(rounded(frame, 0.0)),
                    IconForm::Rounded => outline.behind.push(rounded(frame, side * 0.2)),
                    IconForm::Circle => outline.behind.push(ellipse(
                        frame.x + frame.width / 2.0,
                        frame.y + frame.height / 2.0,
                        frame.width / 2.0,
                        frame.height / 2.0,
                    )),
                }
            }
            outline
        }
        Shape::Image { .. } => {
            let mut outline = Outline::drawn(rounded(rect, 0.0)).with_body(Body::Hidden);
            outline.behind.extend(media_box(shape, rect).map(|frame| rounded(frame, 0.0)));
            outline
        }
        _ => Outline::drawn(polygon(&[p(cx, t), p(r, cy), p(cx, b), p(l, cy)])),
    }
}
