//! A test aid: where the drawn edges of a laid-out flowchart run through things they must not
//! (nodes other than their ends, subgraph title bands, subgraphs that hold neither end) and
//! where labels sit on nodes. Purely geometric: curves are flattened finely and every piece is
//! tested against the rectangles, shrunk by a tolerance so that touching is allowed.

use super::model::Endpoint;
use super::scene::{Item, Scene};
use crate::frame::{Point, Rect, Segment};

/// How far (points) a path may reach into a rectangle before it counts as running through it.
pub const TOLERANCE: f32 = 1.0;

/// Flattening step for curves, in points of control-polygon length.
const STEP: f32 = 0.5;

/// One problem found; `edge` indexes `Scene::edges`, `node` `Scene::nodes`, `group`
/// `Scene::groups`, `label` the text items in drawing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The edge's path enters the outline rectangle of a node that is not one of its ends.
    EdgeThroughNode { edge: usize, node: usize },
    /// The edge's path crosses the band a subgraph's title is written in.
    EdgeThroughTitle { edge: usize, group: usize },
    /// The edge's path enters a subgraph that holds neither of its ends.
    EdgeThroughGroup { edge: usize, group: usize },
    /// A label outside every node overlaps a node.
    LabelOnNode { label: usize, node: usize },
}

/// Every fault of a laid-out flowchart scene (see [`Fault`]); empty when the routing is clean.
pub fn faults(scene: &Scene) -> Vec<Fault> {
    let mut out = Vec::new();
    let inner: Vec<Rect> = scene.nodes.iter().map(|n| n.rect.inset(TOLERANCE)).collect();
    let groups: Vec<Rect> = scene.groups.iter().map(|g| g.rect.inset(TOLERANCE)).collect();
    let titles: Vec<Rect> = scene.titles.iter().map(|t| t.inset(TOLERANCE)).collect();
    for (k, edge) in scene.edges.iter().enumerate() {
        let Some(Item::Path { segments, .. }) = scene.items.get(edge.path) else { continue };
        let points = flatten(segments);
        let ends = [edge.from, edge.to];
        for (i, rect) in inner.iter().enumerate() {
            if !ends.contains(&Endpoint::Node(i)) && polyline_enters(&points, *rect) {
                out.push(Fault::EdgeThroughNode { edge: k, node: i });
            }
        }
        for (j, rect) in titles.iter().enumerate() {
            if polyline_enters(&points, *rect) {
                out.push(Fault::EdgeThroughTitle { edge: k, group: j });
            }
        }
        for (j, rect) in groups.iter().enumerate() {
            let holds = |end: Endpoint| match end {
                Endpoint::Node(i) => {
                    scene.nodes.get(i).is_some_and(|n| contains(scene.groups[j].rect, n.rect))
                }
                Endpoint::Group(g) => {
                    g != j && scene.groups.get(g).is_some_and(|h| contains(scene.groups[j].rect, h.rect))
                }
            };
            if !ends.iter().any(|&e| holds(e)) && polyline_enters(&points, *rect) {
                out.push(Fault::EdgeThroughGroup { edge: k, group: j });
            }
        }
    }
    let labels = scene.label_rects();
    for (l, label) in labels.iter().enumerate() {
        if scene.nodes.iter().any(|n| contains(n.rect.inset(-TOLERANCE), *label)) {
            continue;
        }
        for (i, rect) in inner.iter().enumerate() {
            if overlap(*label, *rect) {
                out.push(Fault::LabelOnNode { label: l, node: i });
            }
        }
    }
    out
}

/// The faults as one line each, naming nodes and groups by id: for test messages.
pub fn describe(scene: &Scene, faults: &[Fault]) -> String {
    let name = |e: Endpoint| match e {
        Endpoint::Node(i) => scene.nodes.get(i).map_or("?", |n| n.id.as_str()).to_string(),
        Endpoint::Group(j) => format!("subgraph {}", scene.groups.get(j).map_or("?", |g| g.id.as_str())),
    };
    let edge =
        |k: usize| scene.edges.get(k).map_or("?".into(), |e| format!("{}→{}", name(e.from), name(e.to)));
    faults
        .iter()
        .map(|f| match *f {
            Fault::EdgeThroughNode { edge: k, node } => {
                format!("edge {} runs through node {}", edge(k), name(Endpoint::Node(node)))
            }
            Fault::EdgeThroughTitle { edge: k, group } => {
                format!("edge {} crosses the title of {}", edge(k), name(Endpoint::Group(group)))
            }
            Fault::EdgeThroughGroup { edge: k, group } => {
                format!("edge {} runs through {}", edge(k), name(Endpoint::Group(group)))
            }
            Fault::LabelOnNode { label, node } => {
                format!("label {label} sits on node {}", name(Endpoint::Node(node)))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn contains(outer: Rect, inner: Rect) -> bool {
    inner.x >= outer.x
        && inner.right() <= outer.right()
        && inner.y >= outer.y
        && inner.bottom() <= outer.bottom()
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
}

/// The path as a polyline, curves cut into pieces of at most about [`STEP`] points.
pub fn flatten(segments: &[Segment]) -> Vec<Vec<Point>> {
    let mut lines: Vec<Vec<Point>> = Vec::new();
    let mut last = Point::new(0.0, 0.0);
    for seg in segments {
        match *seg {
            Segment::MoveTo(p) => {
                lines.push(vec![p]);
                last = p;
            }
            Segment::LineTo(p) => {
                current(&mut lines, last).push(p);
                last = p;
            }
            Segment::CubicTo(a, b, c) => {
                let length = dist(last, a) + dist(a, b) + dist(b, c);
                let steps = ((length / STEP).ceil() as usize).clamp(1, 4096);
                let line = current(&mut lines, last);
                for i in 1..=steps {
                    let t = i as f32 / steps as f32;
                    let u = 1.0 - t;
                    let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
                    line.push(Point::new(
                        w0 * last.x + w1 * a.x + w2 * b.x + w3 * c.x,
                        w0 * last.y + w1 * a.y + w2 * b.y + w3 * c.y,
                    ));
                }
                last = c;
            }
            Segment::Close => {
                if let Some(first) = lines.last().and_then(|l| l.first()).copied() {
                    current(&mut lines, last).push(first);
                    last = first;
                }
            }
        }
    }
    lines
}

fn current(lines: &mut Vec<Vec<Point>>, last: Point) -> &mut Vec<Point> {
    if lines.is_empty() {
        lines.push(vec![last]);
    }
    let end = lines.len() - 1;
    &mut lines[end]
}

fn dist(a: Point, b: Point) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// True when some piece of the polylines passes through the open interior of `rect`.
pub fn polyline_enters(lines: &[Vec<Point>], rect: Rect) -> bool {
    if rect.width <= 0.0 || rect.height <= 0.0 {
        return false;
    }
    lines.iter().any(|line| line.windows(2).any(|w| segment_enters(w[0], w[1], rect)))
}

/// Liang–Barsky clipping: does the segment `a`–`b` have a stretch of positive length strictly
/// inside `rect`?
fn segment_enters(a: Point, b: Point, rect: Rect) -> bool {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in
        [(-dx, a.x - rect.x), (dx, rect.right() - a.x), (-dy, a.y - rect.y), (dy, rect.bottom() - a.y)]
    {
        if p == 0.0 {
            if q <= 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 >= t1 {
        return false;
    }
    // A degenerate segment (a point) inside counts too.
    let mid = Point::new(a.x + dx * (t0 + t1) / 2.0, a.y + dy * (t0 + t1) / 2.0);
    mid.x > rect.x && mid.x < rect.right() && mid.y > rect.y && mid.y < rect.bottom()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::model::{Head, Shape};
    use crate::diagram::scene::{EdgeEnds, NodeBox, Pen};
    use crate::frame::Color;

    #[test]
    fn segments_are_clipped_against_the_open_rectangle() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        let p = Point::new;
        assert!(segment_enters(p(-5.0, 5.0), p(15.0, 5.0), r), "straight through");
        assert!(segment_enters(p(-3.0, 5.0), p(5.0, -3.0), r), "clips a corner");
        assert!(!segment_enters(p(-5.0, 1.0), p(1.0, -5.0), r), "passes the corner");
        assert!(!segment_enters(p(-5.0, 0.0), p(15.0, 0.0), r), "runs along the top edge");
        assert!(!segment_enters(p(-5.0, -1.0), p(15.0, -1.0), r), "passes above");
        assert!(!segment_enters(p(-5.0, -5.0), p(-1.0, 20.0), r), "passes left");
        assert!(segment_enters(p(5.0, 5.0), p(5.0, 20.0), r), "starts inside");
        assert!(!segment_enters(p(5.0, 10.0), p(5.0, 20.0), r), "starts on the border, leaves");
    }

    fn node(id: &str, x: f32, y: f32) -> NodeBox {
        NodeBox { id: id.into(), shape: Shape::Rect, rect: Rect::new(x, y, 40.0, 20.0) }
    }

    fn edge_path(scene: &mut Scene, from: usize, to: usize, segments: Vec<Segment>) {
        let (start, end) = (Point::new(0.0, 0.0), Point::new(0.0, 0.0));
        scene.items.push(Item::Path {
            segments,
            pen: Pen::new(Color::BLACK, 1.0),
            start: Head::None,
            end: Head::None,
        });
        let path = scene.items.len() - 1;
        scene.edges.push(EdgeEnds { from: Endpoint::Node(from), to: Endpoint::Node(to), start, end, path });
    }

    #[test]
    fn edges_within_a_rank_and_self_loops_are_checked_like_any_edge() {
        // Three nodes in one row: a straight edge from the first to the third crosses the
        // second; a self-loop of the first that swings into the second is caught too.
        let mut scene = Scene {
            nodes: vec![node("a", 0.0, 0.0), node("b", 60.0, 0.0), node("c", 120.0, 0.0)],
            ..Scene::default()
        };
        let p = Point::new;
        edge_path(&mut scene, 0, 2, vec![Segment::MoveTo(p(40.0, 10.0)), Segment::LineTo(p(120.0, 10.0))]);
        edge_path(
            &mut scene,
            0,
            0,
            vec![
                Segment::MoveTo(p(40.0, 5.0)),
                Segment::CubicTo(p(90.0, -10.0), p(90.0, 30.0), p(40.0, 15.0)),
            ],
        );
        // A loop that keeps beside its node, and an edge between neighbours, are clean.
        edge_path(
            &mut scene,
            2,
            2,
            vec![
                Segment::MoveTo(p(160.0, 5.0)),
                Segment::CubicTo(p(175.0, 5.0), p(175.0, 15.0), p(160.0, 15.0)),
            ],
        );
        edge_path(&mut scene, 0, 1, vec![Segment::MoveTo(p(40.0, 12.0)), Segment::LineTo(p(60.0, 12.0))]);
        assert_eq!(
            faults(&scene),
            [Fault::EdgeThroughNode { edge: 0, node: 1 }, Fault::EdgeThroughNode { edge: 1, node: 1 }]
        );
        assert_eq!(
            describe(&scene, &faults(&scene)),
            "edge a→c runs through node b\nedge a→a runs through node b"
        );
    }

    #[test]
    fn curves_are_flattened_finely_and_keep_their_ends() {
        let segs = [
            Segment::MoveTo(Point::new(0.0, 0.0)),
            Segment::CubicTo(Point::new(0.0, 50.0), Point::new(100.0, 50.0), Point::new(100.0, 100.0)),
        ];
        let lines = flatten(&segs);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.last(), Some(&Point::new(100.0, 100.0)));
        assert!(line.windows(2).all(|w| dist(w[0], w[1]) <= STEP + 1e-3), "pieces of at most {STEP} pt");
        // The S-curve passes the centre: a small box there is entered, one off the curve is not.
        assert!(polyline_enters(&lines, Rect::new(48.0, 48.0, 4.0, 4.0)));
        assert!(!polyline_enters(&lines, Rect::new(70.0, 10.0, 10.0, 10.0)));
    }
}
