//! Drawing a scene into Frame items: scaled and placed, lines hand-drawn with a seeded wobble
//! in pen-notes (straight in the clean style, whose wobble is 0), arrowheads drawn by hand,
//! labels as real shaped text.

use super::model::Head;
use super::scene::{Dash, Item, Pen, Scene};
use super::shapes::{self, Body, Piece};
use crate::frame::{Color, FrameItem, ImageItem, LineCap, Paint, PathItem, Point, Rect, Segment, Stroke};
use crate::image::Picture;
use crate::pen::{wobbly_line, Jitter};
use crate::typesetter::Typesetter;

/// Page placement: `x`, `y` of the scene origin and its scale.
#[derive(Clone, Copy)]
struct Place {
    x: f32,
    y: f32,
    s: f32,
}

impl Place {
    fn at(&self, p: Point) -> Point {
        Point::new(self.x + p.x * self.s, self.y + p.y * self.s)
    }

    fn rect(&self, r: Rect) -> Rect {
        let at = self.at(Point::new(r.x, r.y));
        Rect::new(at.x, at.y, r.width * self.s, r.height * self.s)
    }
}

/// The largest `aspect` (width over height) rectangle centred in `rect`.
fn contained(rect: Rect, aspect: f32) -> Rect {
    if !(aspect > 0.0 && aspect.is_finite()) {
        return rect;
    }
    let (w, h) = if rect.width / rect.height.max(1e-6) > aspect {
        (rect.height * aspect, rect.height)
    } else {
        (rect.width, rect.width / aspect)
    };
    Rect::new(rect.x + (rect.width - w) / 2.0, rect.y + (rect.height - h) / 2.0, w, h)
}

/// A Font Awesome icon fitted into `rect` in one colour.
fn icon(name: &str, rect: Rect, color: Color, out: &mut Vec<FrameItem>) {
    let Some(drawing) = crate::icons::drawing(name) else { return };
    let fit = contained(rect, drawing.width / drawing.height.max(1e-6));
    let scale = fit.width / drawing.width.max(1e-6);
    out.extend(drawing.placed(fit.x, fit.y, scale).map(|mut path| {
        path.fill = path.fill.map(|f| Paint { color, alpha: f.alpha });
        path.stroke = path.stroke.map(|s| Stroke { paint: Paint { color, alpha: s.paint.alpha }, ..s });
        FrameItem::Path(path)
    }));
}

/// A picture filling `rect`, as mermaid draws it (`preserveAspectRatio: none`): the node's
/// size already has the picture's proportions unless `w` and `h` say otherwise.
fn picture_item(picture: &Picture, rect: Rect, out: &mut Vec<FrameItem>) {
    match picture {
        Picture::Vector(drawing) => {
            let (sx, sy) = (rect.width / drawing.width.max(1e-6), rect.height / drawing.height.max(1e-6));
            out.extend(drawing.stretched(rect.x, rect.y, sx, sy).map(FrameItem::Path));
        }
        Picture::Raster(image) => {
            out.push(FrameItem::Image(ImageItem { rect, image: std::sync::Arc::clone(image) }));
        }
    }
}

pub fn draw(
    scene: &Scene,
    ctx: &mut Typesetter,
    x: f32,
    y: f32,
    scale: f32,
    seed: &str,
    out: &mut Vec<FrameItem>,
) {
    let place = Place { x, y, s: scale };
    let wobble = ctx.style.boxes.wobble;
    for (i, item) in scene.items.iter().enumerate() {
        let mut jitter = Jitter::from_key(&format!("{seed}/{i}"));
        match item {
            Item::Shape { shape, rect, fill, pen } => {
                let outline = shapes::outline(*shape, *rect);
                let size = rect.width.min(rect.height) * scale;
                let w = wobble * (size / 24.0).clamp(0.25, 1.0);
                let closed = |list: &[Piece], jitter: &mut Jitter| {
                    let mut segments = pieces(list, place, w, jitter);
                    segments.push(Segment::Close);
                    segments
                };
                let pen_paint = pen.map(|p| Paint { color: p.color, alpha: p.alpha });
                for sheet in &outline.behind {
                    let segments = closed(sheet, &mut jitter);
                    out.push(FrameItem::Path(PathItem {
                        segments,
                        fill: *fill,
                        stroke: pen.map(|p| stroke(p, scale)),
                    }));
                }
                let (body_fill, body_pen) = match outline.body {
                    Body::Drawn => (*fill, *pen),
                    Body::FillOnly => (*fill, None),
                    Body::Hidden => (None, None),
                    Body::Solid => (pen_paint.or(*fill), *pen),
                };
                if body_fill.is_some() || body_pen.is_some() {
                    let segments = closed(&outline.contour, &mut jitter);
                    out.push(FrameItem::Path(PathItem {
                        segments,
                        fill: body_fill,
                        stroke: body_pen.map(|p| stroke(p, scale)),
                    }));
                }
                if let Some(pen) = pen {
                    for extra in &outline.extras {
                        let segments = pieces(extra, place, w, &mut jitter);
                        out.push(FrameItem::Path(PathItem {
                            segments,
                            fill: None,
                            stroke: Some(stroke(*pen, scale)),
                        }));
                    }
                    for dot in &outline.dots {
                        let segments = closed(dot, &mut jitter);
                        out.push(FrameItem::Path(PathItem {
                            segments,
                            fill: pen_paint,
                            stroke: Some(stroke(Pen { dash: Dash::Solid, ..*pen }, scale)),
                        }));
                    }
                }
            }
            Item::Icon { name, rect, color } => icon(name, place.rect(*rect), *color, out),
            Item::Picture { picture, rect } => picture_item(picture, place.rect(*rect), out),
            Item::Path { segments, pen, start, end } => {
                path(segments, *pen, *start, *end, place, wobble, &mut jitter, out);
            }
            Item::Wedge { center, radius, start, end, fill, pen } => {
                let segments = wedge(place.at(*center), radius * scale, *start, *end);
                out.push(FrameItem::Path(PathItem {
                    segments,
                    fill: Some(*fill),
                    stroke: pen.map(|p| stroke(p, scale)),
                }));
            }
            Item::Text { label, cx, top } => {
                let at = place.at(Point::new(*cx, *top));
                label.draw(ctx, at.x, at.y, scale, out);
            }
        }
    }
}

fn stroke(pen: Pen, scale: f32) -> Stroke {
    let width = pen.width * scale;
    let (dash, cap) = match pen.dash {
        Dash::Solid => (Vec::new(), LineCap::Round),
        Dash::Dashed => (vec![3.2 * scale, 2.2 * scale], LineCap::Butt),
        Dash::Dotted => (vec![0.01, 2.6 * scale.max(0.5)], LineCap::Round),
    };
    Stroke { paint: Paint { color: pen.color, alpha: pen.alpha }, width, dash, cap }
}

/// Outline pieces as path segments: lines wobble, curves get their control points nudged.
fn pieces(list: &[Piece], place: Place, wobble: f32, jitter: &mut Jitter) -> Vec<Segment> {
    let mut out = Vec::with_capacity(list.len() * 2 + 1);
    for (i, piece) in list.iter().enumerate() {
        match *piece {
            Piece::Line(a, b) => wobbly_line(place.at(a), place.at(b), wobble, jitter, &mut out, i == 0),
            Piece::Curve(a, b, c, d) => {
                if i == 0 {
                    out.push(Segment::MoveTo(place.at(a)));
                }
                let mut nudge = |p: Point| {
                    let q = place.at(p);
                    Point::new(q.x + jitter.signed() * wobble * 0.6, q.y + jitter.signed() * wobble * 0.6)
                };
                let (b, c) = (nudge(b), nudge(c));
                out.push(Segment::CubicTo(b, c, place.at(d)));
            }
        }
    }
    out
}

/// An open path with heads. The line stops short of an arrow's tip so its round cap does
/// not poke through; the tip itself sits exactly on the node border.
#[allow(clippy::too_many_arguments)]
fn path(
    segments: &[Segment],
    pen: Pen,
    start: Head,
    end: Head,
    place: Place,
    wobble: f32,
    jitter: &mut Jitter,
    out: &mut Vec<FrameItem>,
) {
    let mut pts: Vec<Segment> = segments
        .iter()
        .map(|s| match *s {
            Segment::MoveTo(p) => Segment::MoveTo(place.at(p)),
            Segment::LineTo(p) => Segment::LineTo(place.at(p)),
            Segment::CubicTo(a, b, c) => Segment::CubicTo(place.at(a), place.at(b), place.at(c)),
            Segment::Close => Segment::Close,
        })
        .collect();
    let s = place.s;
    let head_len = (4.3 + pen.width * 1.5) * s;
    let mut heads = Vec::new();
    if end != Head::None {
        if let Some((tip, dir)) = end_direction(&pts) {
            heads.push((end, tip, dir));
            trim(&mut pts, head_len * trim_factor(end));
        }
    }
    if start != Head::None {
        let mut reversed = reverse(&pts);
        if let Some((tip, dir)) = end_direction(&reversed) {
            heads.push((start, tip, dir));
            trim(&mut reversed, head_len * trim_factor(start));
            pts = reverse(&reversed);
        }
    }
    // Hand-drawn: curves get nudged control points, straight runs a gentle wobble.
    let mut drawn = Vec::with_capacity(pts.len() * 2);
    let mut last = Point::new(0.0, 0.0);
    for seg in &pts {
        match *seg {
            Segment::MoveTo(p) => {
                drawn.push(Segment::MoveTo(p));
                last = p;
            }
            Segment::LineTo(p) => {
                wobbly_line(last, p, wobble * 0.7, jitter, &mut drawn, false);
                last = p;
            }
            Segment::CubicTo(a, b, c) => {
                let k = wobble * 1.2;
                let a = Point::new(a.x + jitter.signed() * k, a.y + jitter.signed() * k);
                let b = Point::new(b.x + jitter.signed() * k, b.y + jitter.signed() * k);
                drawn.push(Segment::CubicTo(a, b, c));
                last = c;
            }
            Segment::Close => drawn.push(Segment::Close),
        }
    }
    out.push(FrameItem::Path(PathItem { segments: drawn, fill: None, stroke: Some(stroke(pen, s)) }));
    for (kind, tip, dir) in heads {
        out.push(head(kind, tip, dir, head_len, pen, s, wobble, jitter));
    }
}

fn trim_factor(head: Head) -> f32 {
    match head {
        Head::Arrow => 0.7,
        Head::Circle => 0.9,
        _ => 0.0,
    }
}

/// The last point of a path and the unit direction it arrives in.
fn end_direction(segs: &[Segment]) -> Option<(Point, (f32, f32))> {
    let mut prev: Option<Point> = None;
    let mut result = None;
    for seg in segs {
        match *seg {
            Segment::MoveTo(p) => prev = Some(p),
            Segment::LineTo(p) => {
                if let Some(a) = prev {
                    result = Some((p, a));
                }
                prev = Some(p);
            }
            Segment::CubicTo(a, b, c) => {
                let from = if dist(b, c) > 0.01 {
                    b
                } else if dist(a, c) > 0.01 {
                    a
                } else {
                    prev.unwrap_or(a)
                };
                result = Some((c, from));
                prev = Some(c);
            }
            Segment::Close => {}
        }
    }
    let (tip, from) = result?;
    let d = dist(tip, from);
    (d > 1e-4).then(|| (tip, ((tip.x - from.x) / d, (tip.y - from.y) / d)))
}

fn dist(a: Point, b: Point) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// Pulls the path's last point (and its last control point) back by `by` along its end.
fn trim(segs: &mut [Segment], by: f32) {
    let Some((_, dir)) = end_direction(segs) else { return };
    let back = |p: Point| Point::new(p.x - dir.0 * by, p.y - dir.1 * by);
    if let Some(last) = segs.iter_mut().rev().find(|s| !matches!(s, Segment::Close | Segment::MoveTo(_))) {
        match last {
            Segment::LineTo(p) => *p = back(*p),
            Segment::CubicTo(_, b, c) => {
                *b = back(*b);
                *c = back(*c);
            }
            _ => {}
        }
    }
}

/// The same path walked backwards.
fn reverse(segs: &[Segment]) -> Vec<Segment> {
    let mut points: Vec<(Point, Option<(Point, Point)>)> = Vec::new();
    for seg in segs {
        match *seg {
            Segment::MoveTo(p) | Segment::LineTo(p) => points.push((p, None)),
            Segment::CubicTo(a, b, c) => points.push((c, Some((a, b)))),
            Segment::Close => {}
        }
    }
    let mut out = Vec::with_capacity(points.len());
    if let Some(&(last, _)) = points.last() {
        out.push(Segment::MoveTo(last));
    }
    for i in (1..points.len()).rev() {
        let to = points[i - 1].0;
        match points[i].1 {
            Some((a, b)) => out.push(Segment::CubicTo(b, a, to)),
            None => out.push(Segment::LineTo(to)),
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn head(
    kind: Head,
    tip: Point,
    d: (f32, f32),
    len: f32,
    pen: Pen,
    s: f32,
    wobble: f32,
    jitter: &mut Jitter,
) -> FrameItem {
    let n = (-d.1, d.0);
    let at = |along: f32, side: f32| {
        Point::new(tip.x - d.0 * along + n.0 * side, tip.y - d.1 * along + n.1 * side)
    };
    let paint = Paint { color: pen.color, alpha: pen.alpha.max(0.9) };
    match kind {
        Head::Circle => {
            let r = len * 0.42;
            let c = at(r, 0.0);
            let segments = shapes::ellipse(c.x, c.y, r, r)
                .into_iter()
                .enumerate()
                .flat_map(|(i, p)| match p {
                    Piece::Curve(a, b, c2, e) => {
                        let mut v = Vec::new();
                        if i == 0 {
                            v.push(Segment::MoveTo(a));
                        }
                        v.push(Segment::CubicTo(b, c2, e));
                        v
                    }
                    Piece::Line(a, _) => vec![Segment::LineTo(a)],
                })
                .chain(std::iter::once(Segment::Close))
                .collect();
            FrameItem::Path(PathItem {
                segments,
                // Hollow-looking on any paper: the edge colour, nearly white.
                fill: Some(Paint::solid(pen.color.tint(0.9))),
                stroke: Some(stroke(Pen { dash: Dash::Solid, ..pen }, s)),
            })
        }
        Head::Cross => {
            let r = len * 0.4;
            let c = at(r, 0.0);
            let a = |dx: f32, dy: f32| Point::new(c.x + dx * r, c.y + dy * r);
            let (u, v) = ((d.0 + n.0) * 0.7, (d.1 + n.1) * 0.7);
            let (p, q) = ((d.0 - n.0) * 0.7, (d.1 - n.1) * 0.7);
            FrameItem::Path(PathItem {
                segments: vec![
                    Segment::MoveTo(a(u, v)),
                    Segment::LineTo(a(-u, -v)),
                    Segment::MoveTo(a(p, q)),
                    Segment::LineTo(a(-p, -q)),
                ],
                fill: None,
                stroke: Some(stroke(Pen { dash: Dash::Solid, ..pen }, s)),
            })
        }
        _ => {
            // A dart: two wings and a notch; by hand the wings come out a little uneven.
            let hw = len * 0.42;
            let hand = wobble > 0.0;
            let j = |jitter: &mut Jitter| if hand { jitter.signed() * 0.12 * len } else { 0.0 };
            let left = at(len + j(jitter), hw + j(jitter));
            let right = at(len + j(jitter), -hw + j(jitter));
            let notch = at(if hand { len * 0.72 } else { len }, 0.0);
            FrameItem::Path(PathItem {
                segments: vec![
                    Segment::MoveTo(tip),
                    Segment::LineTo(left),
                    Segment::LineTo(notch),
                    Segment::LineTo(right),
                    Segment::Close,
                ],
                fill: Some(paint),
                stroke: Some(Stroke {
                    paint,
                    width: (pen.width * 0.5 * s).max(0.2),
                    dash: Vec::new(),
                    cap: LineCap::Round,
                }),
            })
        }
    }
}

/// A pie slice (or a full disc) as a path; angles run clockwise from twelve o'clock.
fn wedge(c: Point, r: f32, start: f32, end: f32) -> Vec<Segment> {
    let at = |a: f32| Point::new(c.x + r * a.sin(), c.y - r * a.cos());
    let sweep = end - start;
    let full = sweep >= std::f32::consts::TAU - 1e-3;
    let mut out = Vec::new();
    if full {
        out.push(Segment::MoveTo(at(start)));
    } else {
        out.push(Segment::MoveTo(c));
        out.push(Segment::LineTo(at(start)));
    }
    let pieces = (sweep / std::f32::consts::FRAC_PI_2).ceil().max(1.0) as usize;
    let step = sweep / pieces as f32;
    for i in 0..pieces {
        let (a0, a1) = (start + step * i as f32, start + step * (i + 1) as f32);
        let k = 4.0 / 3.0 * (step / 4.0).tan() * r;
        let (p0, p3) = (at(a0), at(a1));
        out.push(Segment::CubicTo(
            Point::new(p0.x + k * a0.cos(), p0.y + k * a0.sin()),
            Point::new(p3.x - k * a1.cos(), p3.y - k * a1.sin()),
            p3,
        ));
    }
    out.push(Segment::Close);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversing_twice_gives_the_path_back() {
        let segs = vec![
            Segment::MoveTo(Point::new(0.0, 0.0)),
            Segment::CubicTo(Point::new(1.0, 0.0), Point::new(2.0, 1.0), Point::new(3.0, 3.0)),
            Segment::LineTo(Point::new(5.0, 3.0)),
        ];
        assert_eq!(reverse(&reverse(&segs)), segs);
        let (tip, dir) = end_direction(&segs).unwrap();
        assert_eq!(tip, Point::new(5.0, 3.0));
        assert!((dir.0 - 1.0).abs() < 1e-6 && dir.1.abs() < 1e-6);
    }

    #[test]
    fn wedge_points_lie_on_the_circle() {
        let segs = wedge(Point::new(10.0, 10.0), 5.0, 0.3, 2.9);
        for s in segs {
            if let Segment::CubicTo(_, _, p) = s {
                let r = ((p.x - 10.0).powi(2) + (p.y - 10.0).powi(2)).sqrt();
                assert!((r - 5.0).abs() < 1e-4, "{p:?}");
            }
        }
    }
}
