//! Mind map layout: the root in the centre, its branches split between the right and the
//! left so both sides are about as tall, placed clockwise, each branch in its own colour.
//! Two arrangements: the classic one (children in columns beside their parent) and a
//! compact one (children listed under their branch) for narrow boxes; the wider one that
//! fits wins.

use super::Env;
use crate::diagram::label::Label;
use crate::diagram::model::{Endpoint, Head, MindNode, Mindmap, Shape};
use crate::diagram::scene::{Dash, EdgeEnds, Item, NodeBox, Pen, Scene};
use crate::diagram::shapes;
use crate::frame::{Color, Paint, Point, Rect, Segment};

const ROOT_GAP: f32 = 20.0;
const COLUMN_GAP: f32 = 14.0;
const COMPACT_ROOT_GAP: f32 = 10.0;
const INDENT: f32 = 9.0;
const MARGIN: f32 = 3.0;

struct Node {
    label: Label,
    shape: Shape,
    w: f32,
    h: f32,
    depth: usize,
    /// Index of the top-level branch it belongs to.
    branch: usize,
    children: Vec<usize>,
}

pub fn layout(map: &Mindmap, env: &Env) -> Scene {
    let mut nodes = Vec::new();
    collect(&map.root, 0, 0, env, &mut nodes);
    let branches = nodes[0].children.clone();
    // Right side: the first branches, as long as that keeps the sides balanced.
    let weights: Vec<f32> = branches.iter().map(|&b| subtree_height(&nodes, b)).collect();
    let total: f32 = weights.iter().sum();
    let mut split = branches.len();
    let mut best = f32::MAX;
    let mut acc = 0.0;
    for (k, w) in weights.iter().enumerate() {
        acc += w;
        let diff = (acc - (total - acc)).abs();
        if diff < best - 0.01 {
            best = diff;
            split = k + 1;
        }
    }
    let right: Vec<usize> = branches[..split].to_vec();
    // Clockwise: the left side reads from the bottom up.
    let left: Vec<usize> = branches[split..].iter().rev().copied().collect();

    let classic = arrange(&nodes, &right, &left, false);
    let compact = arrange(&nodes, &right, &left, true);
    let width = |rects: &[Rect]| {
        let l = rects.iter().map(|r| r.x).fold(f32::MAX, f32::min);
        let r = rects.iter().map(|r| r.right()).fold(f32::MIN, f32::max);
        r - l + 2.0 * MARGIN
    };
    let (cw, kw) = (width(&classic), width(&compact));
    let use_compact = cw > env.max_width && (env.max_width / kw).min(1.0) > (env.max_width / cw) * 1.1;
    let rects = if use_compact { compact } else { classic };
    scene(&nodes, &rects, use_compact, env)
}

fn collect(node: &MindNode, depth: usize, branch: usize, env: &Env, out: &mut Vec<Node>) -> usize {
    let (size, bold) = match depth {
        0 => (env.size * 1.0, true),
        1 => (env.size * 0.95, true),
        _ => (env.size * 0.9, false),
    };
    let label = env.label(&node.label, size, bold, env.ink, 78.0, node.line);
    let shape = match (node.shape, depth) {
        (Shape::Plain, 0 | 1) => Shape::Rounded,
        (shape, _) => shape,
    };
    let (w, h, _, _) = shapes::node_size(shape, label.width, label.height);
    let index = out.len();
    out.push(Node { label, shape, w, h, depth, branch, children: Vec::new() });
    for (i, child) in node.children.iter().enumerate() {
        let b = if depth == 0 { i } else { branch };
        let c = collect(child, depth + 1, b, env, out);
        out[index].children.push(c);
    }
    index
}

fn sibling_gap(depth: usize) -> f32 {
    if depth <= 1 {
        8.0
    } else {
        3.0
    }
}

/// Height of a subtree in the classic arrangement.
fn subtree_height(nodes: &[Node], v: usize) -> f32 {
    let n = &nodes[v];
    if n.children.is_empty() {
        return n.h;
    }
    let kids: f32 = n.children.iter().map(|&c| subtree_height(nodes, c)).sum::<f32>()
        + sibling_gap(n.depth + 1) * (n.children.len() - 1) as f32;
    kids.max(n.h)
}

/// Height of a branch block in the compact arrangement (the branch, then its descendants).
fn compact_height(nodes: &[Node], v: usize) -> f32 {
    let mut h = nodes[v].h;
    for &c in &nodes[v].children {
        h += 2.5 + compact_height(nodes, c);
    }
    h
}

/// Rectangles of every node, the root centred on the origin.
fn arrange(nodes: &[Node], right: &[usize], left: &[usize], compact: bool) -> Vec<Rect> {
    let mut rects = vec![Rect::new(0.0, 0.0, 0.0, 0.0); nodes.len()];
    let root = &nodes[0];
    rects[0] = Rect::new(-root.w / 2.0, -root.h / 2.0, root.w, root.h);
    for (side, branches) in [(1.0f32, right), (-1.0f32, left)] {
        if branches.is_empty() {
            continue;
        }
        if compact {
            let heights: Vec<f32> = branches.iter().map(|&b| compact_height(nodes, b)).collect();
            let total = heights.iter().sum::<f32>() + sibling_gap(1) * (branches.len() - 1) as f32;
            let mut top = -total / 2.0;
            let inner = root.w / 2.0 + COMPACT_ROOT_GAP;
            for (&b, h) in branches.iter().zip(heights) {
                let mut cursor = top;
                place_compact(nodes, b, inner, 0.0, side, &mut cursor, &mut rects);
                top += h + sibling_gap(1);
            }
        } else {
            // Columns per depth, as wide as their widest node on this side.
            let mut widths: Vec<f32> = Vec::new();
            let mut stack: Vec<usize> = branches.to_vec();
            while let Some(v) = stack.pop() {
                let d = nodes[v].depth;
                if widths.len() < d + 1 {
                    widths.resize(d + 1, 0.0);
                }
                widths[d] = widths[d].max(nodes[v].w);
                stack.extend(&nodes[v].children);
            }
            let mut inner = vec![0.0f32; widths.len() + 1];
            if inner.len() > 1 {
                inner[1] = root.w / 2.0 + ROOT_GAP;
            }
            for d in 2..inner.len() {
                inner[d] = inner[d - 1] + widths[d - 1] + COLUMN_GAP;
            }
            let heights: Vec<f32> = branches.iter().map(|&b| subtree_height(nodes, b)).collect();
            let total = heights.iter().sum::<f32>() + sibling_gap(1) * (branches.len() - 1) as f32;
            let mut top = -total / 2.0;
            for (&b, h) in branches.iter().zip(heights) {
                place_classic(nodes, b, top, side, &inner, &mut rects);
                top += h + sibling_gap(1);
            }
        }
    }
    rects
}

fn place_classic(nodes: &[Node], v: usize, top: f32, side: f32, inner: &[f32], rects: &mut [Rect]) {
    let n = &nodes[v];
    let height = subtree_height(nodes, v);
    let cy = top + height / 2.0;
    let x = if side > 0.0 { inner[n.depth] } else { -inner[n.depth] - n.w };
    rects[v] = Rect::new(x, cy - n.h / 2.0, n.w, n.h);
    let kids: f32 = n.children.iter().map(|&c| subtree_height(nodes, c)).sum::<f32>()
        + sibling_gap(n.depth + 1) * n.children.len().saturating_sub(1) as f32;
    let mut at = top + (height - kids) / 2.0;
    for &c in &n.children {
        place_classic(nodes, c, at, side, inner, rects);
        at += subtree_height(nodes, c) + sibling_gap(n.depth + 1);
    }
}

fn place_compact(
    nodes: &[Node],
    v: usize,
    inner: f32,
    indent: f32,
    side: f32,
    cursor: &mut f32,
    rects: &mut [Rect],
) {
    let n = &nodes[v];
    let x = if side > 0.0 { inner + indent } else { -inner - indent - n.w };
    rects[v] = Rect::new(x, *cursor, n.w, n.h);
    *cursor += n.h;
    for &c in &n.children {
        *cursor += 2.5;
        place_compact(
            nodes,
            c,
            inner,
            indent + INDENT + if n.depth == 1 { 0.0 } else { 2.0 },
            side,
            cursor,
            rects,
        );
    }
}

fn center(r: Rect) -> Point {
    Point::new(r.x + r.width / 2.0, r.y + r.height / 2.0)
}

fn scene(nodes: &[Node], rects: &[Rect], compact: bool, env: &Env) -> Scene {
    let mut scene = Scene::default();
    let color = |v: usize| env.other(nodes[v].branch);
    let mut links = Vec::new();
    for (v, n) in nodes.iter().enumerate() {
        let side = if center(rects[v]).x >= center(rects[0]).x { 1.0 } else { -1.0 };
        if n.depth == 0 {
            for &c in &n.children {
                let (start, segments, end) = root_link(nodes, rects, c);
                links.push(Item::Path {
                    segments,
                    pen: Pen::new(color(c), 1.7),
                    start: Head::None,
                    end: Head::None,
                });
                scene.edges.push(EdgeEnds {
                    from: Endpoint::Node(0),
                    to: Endpoint::Node(c),
                    start,
                    end,
                    path: links.len() - 1,
                });
            }
            continue;
        }
        if n.children.is_empty() {
            continue;
        }
        let r = rects[v];
        let pen = Pen { color: color(v), alpha: 0.9, width: 1.05, dash: Dash::Solid };
        if compact {
            // A trunk down from the parent, and a rounded elbow into each child.
            let trunk_x = if side > 0.0 { r.x + INDENT * 0.55 } else { r.right() - INDENT * 0.55 };
            let bend = 3.5;
            let top = shapes::boundary(n.shape, r, Point::new(trunk_x, center(r).y), (0.0, 1.0));
            let last = *n.children.last().unwrap_or(&v);
            let last_y = center(rects[last]).y - bend;
            links.push(Item::Path {
                segments: vec![Segment::MoveTo(top), Segment::LineTo(Point::new(trunk_x, last_y))],
                pen,
                start: Head::None,
                end: Head::None,
            });
            for &c in &n.children {
                let rc = rects[c];
                let cy = center(rc).y;
                let end = shapes::boundary(nodes[c].shape, rc, center(rc), (-side, 0.0));
                let from = Point::new(trunk_x, cy - bend);
                let corner = Point::new(trunk_x + side * bend, cy);
                let segments = vec![
                    Segment::MoveTo(from),
                    Segment::CubicTo(
                        Point::new(trunk_x, cy - bend * 0.45),
                        Point::new(trunk_x + side * bend * 0.45, cy),
                        corner,
                    ),
                    Segment::LineTo(end),
                ];
                links.push(Item::Path { segments, pen, start: Head::None, end: Head::None });
                scene.edges.push(EdgeEnds {
                    from: Endpoint::Node(v),
                    to: Endpoint::Node(c),
                    start: top,
                    end,
                    path: links.len() - 1,
                });
            }
        } else {
            for &c in &n.children {
                let rc = rects[c];
                let start = shapes::boundary(n.shape, r, center(r), (side, 0.0));
                let end = shapes::boundary(nodes[c].shape, rc, center(rc), (-side, 0.0));
                let dx = (end.x - start.x) * 0.5;
                let segments = vec![
                    Segment::MoveTo(start),
                    Segment::CubicTo(Point::new(start.x + dx, start.y), Point::new(end.x - dx, end.y), end),
                ];
                links.push(Item::Path { segments, pen, start: Head::None, end: Head::None });
                scene.edges.push(EdgeEnds {
                    from: Endpoint::Node(v),
                    to: Endpoint::Node(c),
                    start,
                    end,
                    path: links.len() - 1,
                });
            }
        }
    }
    scene.items.extend(links);
    for (v, n) in nodes.iter().enumerate() {
        let r = rects[v];
        let (fill, pen) = node_paint(n, color(v), env);
        scene.items.push(Item::Shape { shape: n.shape, rect: r, fill, pen });
        let (_, _, dx, dy) = shapes::node_size(n.shape, n.label.width, n.label.height);
        let c = center(r);
        scene.items.push(Item::Text {
            label: n.label.clone(),
            cx: c.x + dx,
            top: c.y + dy - n.label.height / 2.0,
        });
        scene.nodes.push(NodeBox { id: n.label.text.replace('\n', " "), shape: n.shape, rect: r });
    }
    scene.normalize(MARGIN);
    scene
}

fn node_paint(n: &Node, color: Color, env: &Env) -> (Option<Paint>, Option<Pen>) {
    match (n.depth, n.shape) {
        (0, _) => (Some(Paint::solid(env.root_fill)), Some(Pen::new(env.root_stroke, 1.3))),
        (1, _) => (Some(Paint::solid(color.tint(0.8))), Some(Pen::new(color, 1.1))),
        (_, Shape::Plain) => (Some(Paint { color: color.tint(0.78), alpha: 0.5 }), None),
        _ => (Some(Paint::solid(color.tint(0.88))), Some(Pen::new(color, 0.8))),
    }
}

/// The curve from the root's border to a branch's inner side.
fn root_link(nodes: &[Node], rects: &[Rect], branch: usize) -> (Point, Vec<Segment>, Point) {
    let root = rects[0];
    let rb = rects[branch];
    let right = center(rb).x >= center(root).x;
    let end = shapes::boundary(nodes[branch].shape, rb, center(rb), (if right { -1.0 } else { 1.0 }, 0.0));
    let c = center(root);
    let d = (end.x - c.x, end.y - c.y);
    let len = (d.0 * d.0 + d.1 * d.1).sqrt().max(0.01);
    let dir = (d.0 / len, d.1 / len);
    let start = shapes::boundary(nodes[0].shape, root, c, dir);
    let span = ((end.x - start.x).powi(2) + (end.y - start.y).powi(2)).sqrt();
    let side = if right { 1.0 } else { -1.0 };
    let segments = vec![
        Segment::MoveTo(start),
        Segment::CubicTo(
            Point::new(start.x + dir.0 * span * 0.35, start.y + dir.1 * span * 0.35),
            Point::new(end.x - side * span * 0.45, end.y),
            end,
        ),
    ];
    (start, segments, end)
}
