//! SVG → Frame paths (usvg resolves the SVG into plain paths with absolute transforms), for
//! colour emoji and SVG images. Both exporters then draw them as vectors.

pub mod pack;

use std::sync::{Arc, Mutex};

use crate::frame::{Color, LineCap, Paint, PathItem, Point, Segment, Stroke};

/// An SVG drawing as paths in its own coordinates (y down), with its size.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub width: f32,
    pub height: f32,
    pub paths: Vec<PathItem>,
}

impl Drawing {
    /// The paths scaled by `scale` and moved to (x, y).
    pub fn placed(&self, x: f32, y: f32, scale: f32) -> impl Iterator<Item = PathItem> + '_ {
        self.stretched(x, y, scale, scale)
    }

    /// The paths scaled by `sx` across and `sy` down and moved to (x, y); strokes by the mean.
    pub fn stretched(&self, x: f32, y: f32, sx: f32, sy: f32) -> impl Iterator<Item = PathItem> + '_ {
        let map = move |p: Point| Point::new(x + p.x * sx, y + p.y * sy);
        let stroke_scale = if sx == sy { sx } else { (sx * sy).sqrt() };
        self.paths.iter().map(move |path| PathItem {
            segments: path
                .segments
                .iter()
                .map(|s| match *s {
                    Segment::MoveTo(p) => Segment::MoveTo(map(p)),
                    Segment::LineTo(p) => Segment::LineTo(map(p)),
                    Segment::CubicTo(a, b, c) => Segment::CubicTo(map(a), map(b), map(c)),
                    Segment::Close => Segment::Close,
                })
                .collect(),
            fill: path.fill,
            stroke: path.stroke.as_ref().map(|s| Stroke { width: s.width * stroke_scale, ..s.clone() }),
        })
    }
}

/// Parses an SVG. Gradients and patterns are drawn in their first colour (Twemoji uses none).
/// Nothing the SVG points to is read (see [`parse_svg_sandboxed`]).
pub fn parse_svg(data: &[u8]) -> Result<Drawing, String> {
    parse_svg_sandboxed(data).map(|(drawing, _)| drawing)
}

/// Parses an SVG without opening anything it refers to: every `<image href>` — a file, a
/// `file:` or `http:` URL, inline data — is refused and left out of the drawing. Returns the
/// refused references so the caller can warn about them.
pub fn parse_svg_sandboxed(data: &[u8]) -> Result<(Drawing, Vec<String>), String> {
    let refused = Arc::new(Mutex::new(Vec::new()));
    let (by_name, by_data) = (Arc::clone(&refused), Arc::clone(&refused));
    let options = usvg::Options {
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_string: Box::new(move |href: &str, _: &usvg::Options| {
                if let Ok(mut list) = by_name.lock() {
                    list.push(href.chars().take(120).collect());
                }
                None
            }),
            resolve_data: Box::new(move |mime: &str, _: Arc<Vec<u8>>, _: &usvg::Options| {
                if let Ok(mut list) = by_data.lock() {
                    list.push(format!("data:{mime}"));
                }
                None
            }),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(data, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let mut paths = Vec::new();
    collect(tree.root(), 1.0, &mut paths);
    let refused = refused.lock().map(|list| list.clone()).unwrap_or_default();
    Ok((Drawing { width: size.width(), height: size.height(), paths }, refused))
}

fn collect(group: &usvg::Group, opacity: f32, out: &mut Vec<PathItem>) {
    let opacity = opacity * group.opacity().get();
    for node in group.children() {
        match node {
            usvg::Node::Group(child) => collect(child, opacity, out),
            usvg::Node::Path(path) if path.is_visible() => {
                let t = path.abs_transform();
                let map = |p: tiny_skia::Point| {
                    let mut q = p;
                    t.map_point(&mut q);
                    Point::new(q.x, q.y)
                };
                let mut segments = Vec::new();
                let mut last = Point::new(0.0, 0.0);
                for seg in path.data().segments() {
                    match seg {
                        tiny_skia::PathSegment::MoveTo(p) => {
                            last = map(p);
                            segments.push(Segment::MoveTo(last));
                        }
                        tiny_skia::PathSegment::LineTo(p) => {
                            last = map(p);
                            segments.push(Segment::LineTo(last));
                        }
                        tiny_skia::PathSegment::QuadTo(c, p) => {
                            // A quadratic as the equivalent cubic.
                            let (c, p) = (map(c), map(p));
                            let c1 = Point::new(
                                last.x + 2.0 / 3.0 * (c.x - last.x),
                                last.y + 2.0 / 3.0 * (c.y - last.y),
                            );
                            let c2 = Point::new(p.x + 2.0 / 3.0 * (c.x - p.x), p.y + 2.0 / 3.0 * (c.y - p.y));
                            segments.push(Segment::CubicTo(c1, c2, p));
                            last = p;
                        }
                        tiny_skia::PathSegment::CubicTo(a, b, p) => {
                            last = map(p);
                            segments.push(Segment::CubicTo(map(a), map(b), last));
                        }
                        tiny_skia::PathSegment::Close => segments.push(Segment::Close),
                    }
                }
                let scale = (t.sx * t.sy - t.kx * t.ky).abs().sqrt();
                let fill = path
                    .fill()
                    .map(|f| Paint { color: paint_color(f.paint()), alpha: f.opacity().get() * opacity });
                let stroke = path.stroke().map(|s| Stroke {
                    paint: Paint { color: paint_color(s.paint()), alpha: s.opacity().get() * opacity },
                    width: s.width().get() * scale,
                    dash: Vec::new(),
                    cap: match s.linecap() {
                        usvg::LineCap::Butt => LineCap::Butt,
                        _ => LineCap::Round,
                    },
                });
                if !segments.is_empty() && (fill.is_some() || stroke.is_some()) {
                    out.push(PathItem { segments, fill, stroke });
                }
            }
            _ => {}
        }
    }
}

fn paint_color(paint: &usvg::Paint) -> Color {
    let c = match paint {
        usvg::Paint::Color(c) => *c,
        usvg::Paint::LinearGradient(g) => g.stops().first().map_or(usvg::Color::black(), |s| s.color()),
        usvg::Paint::RadialGradient(g) => g.stops().first().map_or(usvg::Color::black(), |s| s.color()),
        usvg::Paint::Pattern(_) => usvg::Color::black(),
    };
    Color { r: f32::from(c.red) / 255.0, g: f32::from(c.green) / 255.0, b: f32::from(c.blue) / 255.0 }
}
