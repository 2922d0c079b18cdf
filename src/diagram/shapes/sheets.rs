//! Sheets and drums: documents with a wavy foot (plain, lined, tagged, stacked), paper tape,
//! and cylinders (upright, lined, lying on their side).

use super::boxes::{stack, stack_sheets, STACK};
use super::{half_wave, line, p, polygon, Outline, Piece, KAPPA, PAD_X, PAD_Y};
use crate::diagram::model::Shape;
use crate::frame::{Point, Rect};

/// The margin of a lined document.
const MARGIN: f32 = 5.0;

/// The depth of a document's wave for a label box `bh` high.
fn wave(bh: f32) -> f32 {
    (bh * WAVE).clamp(MIN_WAVE, MAX_WAVE)
}

/// A wave is this part of the label box's height, within these bounds.
const WAVE: f32 = 0.12;
const MIN_WAVE: f32 = 2.0;
const MAX_WAVE: f32 = 5.0;

/// The wave depth of a shape `h` high that has `waves` waves (a document one, paper tape
/// two): [`wave`] solved for the label box (h = bh + 2 × waves × a); the bounds keep it exact.
fn wave_in(h: f32, waves: f32) -> f32 {
    (h * WAVE / (1.0 + 2.0 * waves * WAVE)).clamp(MIN_WAVE, MAX_WAVE)
}

fn cylinder_ry(w: f32, h: f32) -> f32 {
    (h * 0.12).min(w * 0.12).clamp(2.0, 6.0)
}

/// How far the ends of a cylinder lying on its side bulge.
fn lying_rx(h: f32) -> f32 {
    (h * 0.15).clamp(2.0, 6.0)
}

/// The gap between a lined cylinder's two rims.
const RIM_GAP: f32 = 3.0;

pub fn size(shape: Shape, lw: f32, lh: f32) -> (f32, f32, f32, f32) {
    let (bw, bh) = (lw + 2.0 * PAD_X, lh + 2.0 * PAD_Y);
    let a = wave(bh);
    match shape {
        Shape::Document | Shape::TaggedDocument => (bw, bh + 2.0 * a, 0.0, -a),
        Shape::LinedDocument => (bw + MARGIN, bh + 2.0 * a, MARGIN / 2.0, -a),
        Shape::StackedDocument => (bw + 2.0 * STACK, bh + 2.0 * a + 2.0 * STACK, -STACK, STACK - a),
        Shape::PaperTape => (bw, bh + 4.0 * a, 0.0, 0.0),
        Shape::Cylinder => {
            let ry = cylinder_ry(bw, bh + 8.0);
            (bw, bh + 2.0 * ry, 0.0, ry * 0.5)
        }
        Shape::LinedCylinder => {
            let ry = cylinder_ry(bw, bh + 8.0);
            (bw, bh + 2.0 * ry + RIM_GAP, 0.0, (ry + RIM_GAP) * 0.5)
        }
        Shape::HorizontalCylinder => {
            let rx = lying_rx(bh);
            (bw + 2.0 * rx, bh, -rx * 0.5, 0.0)
        }
        _ => (bw, bh, 0.0, 0.0),
    }
}

pub fn outline(shape: Shape, rect: Rect) -> Outline {
    let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let (w, h) = (rect.width, rect.height);
    match shape {
        Shape::Document => Outline::drawn(document(rect, doc_wave(h))),
        Shape::LinedDocument => {
            let a = doc_wave(h);
            Outline::drawn(document(rect, a)).with_extras(vec![line(p(l + MARGIN, t), p(l + MARGIN, b - a))])
        }
        Shape::TaggedDocument => {
            let a = doc_wave(h);
            let tag = (h * 0.25).min(7.0);
            let mut outline = Outline::drawn(document(rect, a));
            outline.dots = vec![polygon(&[p(r - tag, b - a), p(r, b - a), p(r, b - a - tag)])];
            outline
        }
        Shape::StackedDocument => {
            let a = doc_wave(h - 2.0 * STACK);
            let sheets = stack_sheets(rect).map(|r| document(r, a));
            // The front sheet's wavy foot, from its right end to its left.
            let foot = sheets[2][2..4].to_vec();
            stack(rect, sheets, foot, b - a)
        }
        Shape::PaperTape => {
            let a = wave_in(h, 2.0);
            let (top, foot) = (t + a, b - a);
            let cx = l + w / 2.0;
            Outline::drawn(vec![
                half_wave(p(l, top), p(cx, top), -a),
                half_wave(p(cx, top), p(r, top), a),
                Piece::Line(p(r, top), p(r, foot)),
                half_wave(p(r, foot), p(cx, foot), a),
                half_wave(p(cx, foot), p(l, foot), -a),
                Piece::Line(p(l, foot), p(l, top)),
            ])
        }
        Shape::Cylinder | Shape::LinedCylinder => {
            let ry = cylinder_ry(w, h);
            let mut rims = vec![front_rim(l, r, t + ry, ry)];
            if shape == Shape::LinedCylinder {
                rims.push(front_rim(l, r, t + ry + RIM_GAP, ry));
            }
            Outline::drawn(upright_drum(rect, ry)).with_extras(rims)
        }
        Shape::HorizontalCylinder => {
            let rx = lying_rx(h);
            Outline::drawn(lying_drum(rect, rx)).with_extras(vec![front_face(t, b, r - rx, rx)])
        }
        _ => Outline::drawn(super::rounded(rect, 0.0)),
    }
}

/// The wave depth of a document `h` high.
fn doc_wave(h: f32) -> f32 {
    wave_in(h, 1.0)
}

/// A sheet whose foot is one wave, down on the left and up on the right.
fn document(rect: Rect, a: f32) -> Vec<Piece> {
    let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let cx = l + rect.width / 2.0;
    let foot = b - a;
    vec![
        Piece::Line(p(l, t), p(r, t)),
        Piece::Line(p(r, t), p(r, foot)),
        half_wave(p(r, foot), p(cx, foot), -a),
        half_wave(p(cx, foot), p(l, foot), a),
        Piece::Line(p(l, foot), p(l, t)),
    ]
}

/// The near half of a rim ellipse at height `y` (the cylinder's top seen from above).
fn front_rim(l: f32, r: f32, y: f32, ry: f32) -> Vec<Piece> {
    let (cx, rx, k) = ((l + r) / 2.0, (r - l) / 2.0, KAPPA);
    vec![
        Piece::Curve(p(l, y), p(l, y + ry * k), p(cx - rx * k, y + ry), p(cx, y + ry)),
        Piece::Curve(p(cx, y + ry), p(cx + rx * k, y + ry), p(r, y + ry * k), p(r, y)),
    ]
}

/// An upright cylinder's outline: sides, round foot, round top.
fn upright_drum(rect: Rect, ry: f32) -> Vec<Piece> {
    let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let (cx, rx, k) = (l + rect.width / 2.0, rect.width / 2.0, KAPPA);
    vec![
        Piece::Line(p(l, t + ry), p(l, b - ry)),
        Piece::Curve(p(l, b - ry), p(l, b - ry + ry * k), p(cx - rx * k, b), p(cx, b)),
        Piece::Curve(p(cx, b), p(cx + rx * k, b), p(r, b - ry + ry * k), p(r, b - ry)),
        Piece::Line(p(r, b - ry), p(r, t + ry)),
        Piece::Curve(p(r, t + ry), p(r, t + ry - ry * k), p(cx + rx * k, t), p(cx, t)),
        Piece::Curve(p(cx, t), p(cx - rx * k, t), p(l, t + ry - ry * k), p(l, t + ry)),
    ]
}

/// A cylinder lying on its side: top, round right end, foot, round left end.
fn lying_drum(rect: Rect, rx: f32) -> Vec<Piece> {
    let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let (cy, ry, k) = (t + rect.height / 2.0, rect.height / 2.0, KAPPA);
    vec![
        Piece::Line(p(l + rx, t), p(r - rx, t)),
        Piece::Curve(p(r - rx, t), p(r - rx + rx * k, t), p(r, cy - ry * k), p(r, cy)),
        Piece::Curve(p(r, cy), p(r, cy + ry * k), p(r - rx + rx * k, b), p(r - rx, b)),
        Piece::Line(p(r - rx, b), p(l + rx, b)),
        Piece::Curve(p(l + rx, b), p(l + rx - rx * k, b), p(l, cy + ry * k), p(l, cy)),
        Piece::Curve(p(l, cy), p(l, cy - ry * k), p(l + rx - rx * k, t), p(l + rx, t)),
    ]
}

/// The near half of the right end's face of a lying cylinder, centred at `x`.
fn front_face(t: f32, b: f32, x: f32, rx: f32) -> Vec<Piece> {
    let (cy, ry, k) = ((t + b) / 2.0, (b - t) / 2.0, KAPPA);
    let at = |px: f32, py: f32| Point::new(px, py);
    vec![
        Piece::Curve(at(x, t), at(x - rx * k, t), at(x - rx, cy - ry * k), at(x - rx, cy)),
        Piece::Curve(at(x - rx, cy), at(x - rx, cy + ry * k), at(x - rx * k, b), at(x, b)),
    ]
}
