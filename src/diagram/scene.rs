//! The laid-out diagram at scale 1: shapes, curves, wedges and labels in diagram coordinates
//! (points, origin top-left). Layout produces it; drawing only scales, strokes and places it.

use super::label::Label;
use super::model::{Endpoint, Head, Shape};
use crate::frame::{Color, Paint, Point, Rect, Segment};
use crate::image::Picture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pen {
    pub color: Color,
    pub alpha: f32,
    pub width: f32,
    pub dash: Dash,
}

impl Pen {
    pub fn new(color: Color, width: f32) -> Pen {
        Pen { color, alpha: 1.0, width, dash: Dash::Solid }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Shape {
        shape: Shape,
        rect: Rect,
        fill: Option<Paint>,
        pen: Option<Pen>,
    },
    /// An open path (edges, connectors, axes) with optional heads at its ends.
    Path {
        segments: Vec<Segment>,
        pen: Pen,
        start: Head,
        end: Head,
    },
    /// A pie slice; angles in radians clockwise from twelve o'clock.
    Wedge {
        center: Point,
        radius: f32,
        start: f32,
        end: f32,
        fill: Paint,
        pen: Option<Pen>,
    },
    /// A label centred on `cx` with its top at `top`.
    Text {
        label: Label,
        cx: f32,
        top: f32,
    },
    /// A Font Awesome icon (`style/name`) fitted into `rect`, in one colour.
    Icon {
        name: &'static str,
        rect: Rect,
        color: Color,
    },
    /// A picture filling `rect`.
    Picture {
        picture: Picture,
        rect: Rect,
    },
}

/// A node as placed, for checks (overlaps, edges touching their nodes).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    pub id: String,
    pub shape: Shape,
    pub rect: Rect,
}

/// An edge as routed: what it joins (`Node` indexes `nodes`, `Group` indexes `groups`), its
/// two ends and which of `items` draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeEnds {
    pub from: Endpoint,
    pub to: Endpoint,
    pub start: Point,
    pub end: Point,
    /// Index of the edge's `Item::Path` in `Scene::items`.
    pub path: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
    pub nodes: Vec<NodeBox>,
    /// Subgraphs (they hold nodes, so they are not checked for overlaps with them).
    pub groups: Vec<NodeBox>,
    /// Per group, the band its title is written in: edges keep out of it.
    pub titles: Vec<Rect>,
    pub edges: Vec<EdgeEnds>,
}

impl Scene {
    /// The rectangles of every label.
    pub fn label_rects(&self) -> Vec<Rect> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Text { label, cx, top } => {
                    Some(Rect::new(cx - label.width / 2.0, *top, label.width, label.height))
                }
                _ => None,
            })
            .collect()
    }

    /// The smallest label size, which bounds how far the diagram may shrink.
    pub fn smallest_text(&self) -> Option<f32> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Text { label, .. } if !label.text.trim().is_empty() => Some(label.size),
                _ => None,
            })
            .reduce(f32::min)
    }

    /// Bounds of everything drawn (strokes not included).
    pub fn bounds(&self) -> Option<Rect> {
        let mut pts: Vec<Point> = Vec::new();
        for item in &self.items {
            match item {
                Item::Shape { rect, .. } | Item::Icon { rect, .. } | Item::Picture { rect, .. } => {
                    pts.push(Point::new(rect.x, rect.y));
                    pts.push(Point::new(rect.right(), rect.bottom()));
                }
                Item::Path { segments, .. } => {
                    for s in segments {
                        match *s {
                            Segment::MoveTo(p) | Segment::LineTo(p) => pts.push(p),
                            Segment::CubicTo(a, b, c) => pts.extend([a, b, c]),
                            Segment::Close => {}
                        }
                    }
                }
                Item::Wedge { center, radius, .. } => {
                    pts.push(Point::new(center.x - radius, center.y - radius));
                    pts.push(Point::new(center.x + radius, center.y + radius));
                }
                Item::Text { label, cx, top } => {
                    pts.push(Point::new(cx - label.width / 2.0, *top));
                    pts.push(Point::new(cx + label.width / 2.0, top + label.height));
                }
            }
        }
        let first = pts.first()?;
        let (mut l, mut t, mut r, mut b) = (first.x, first.y, first.x, first.y);
        for p in &pts {
            l = l.min(p.x);
            t = t.min(p.y);
            r = r.max(p.x);
            b = b.max(p.y);
        }
        Some(Rect::new(l, t, r - l, b - t))
    }

    /// Moves everything so that the bounds start at (`margin`, `margin`) and sets the size.
    pub fn normalize(&mut self, margin: f32) {
        let Some(bounds) = self.bounds() else {
            self.width = 2.0 * margin;
            self.height = 2.0 * margin;
            return;
        };
        let (dx, dy) = (margin - bounds.x, margin - bounds.y);
        self.translate(dx, dy);
        self.width = bounds.width + 2.0 * margin;
        self.height = bounds.height + 2.0 * margin;
    }

    pub fn translate(&mut self, dx: f32, dy: f32) {
        let mv = |p: &mut Point| {
            p.x += dx;
            p.y += dy;
        };
        for item in &mut self.items {
            match item {
                Item::Shape { rect, .. } | Item::Icon { rect, .. } | Item::Picture { rect, .. } => {
                    rect.x += dx;
                    rect.y += dy;
                }
                Item::Path { segments, .. } => {
                    for s in segments {
                        match s {
                            Segment::MoveTo(p) | Segment::LineTo(p) => mv(p),
                            Segment::CubicTo(a, b, c) => {
                                mv(a);
                                mv(b);
                                mv(c);
                            }
                            Segment::Close => {}
                        }
                    }
                }
                Item::Wedge { center, .. } => mv(center),
                Item::Text { cx, top, .. } => {
                    *cx += dx;
                    *top += dy;
                }
            }
        }
        for n in self.nodes.iter_mut().chain(self.groups.iter_mut()) {
            n.rect.x += dx;
            n.rect.y += dy;
        }
        for t in &mut self.titles {
            t.x += dx;
            t.y += dy;
        }
        for e in &mut self.edges {
            mv(&mut e.start);
            mv(&mut e.end);
        }
    }
}

/// True when two rectangles overlap by more than `tolerance` in both directions.
pub fn overlaps(a: Rect, b: Rect, tolerance: f32) -> bool {
    a.x + tolerance < b.right()
        && b.x + tolerance < a.right()
        && a.y + tolerance < b.bottom()
        && b.y + tolerance < a.bottom()
}
