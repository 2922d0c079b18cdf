//! Drawing an edge: its runs through all its pieces (straight along its lanes through the
//! ranks), smooth S-bends in the gaps between them, and its two ends on ports spread along the
//! sides of their nodes.

use super::pieces::{Part, PartEnd};
use super::{dot, level_xy, unit, with_cross, Block, Flow};
use crate::diagram::model::Shape;
use crate::diagram::shapes;
use crate::frame::{Point, Rect, Segment};

/// Largest distance between neighbouring ports on one side, in points.
const PORT_STEP: f32 = 12.0;

/// A straight stretch of an edge (along the ranks), or one of its ends, still to be placed.
#[derive(Debug, Clone, Copy)]
pub enum Run {
    Line(Point, Point),
    Slot(Slot),
}

impl Run {
    pub fn slot(&mut self) -> Option<&mut Slot> {
        match self {
            Run::Slot(slot) => Some(slot),
            Run::Line(..) => None,
        }
    }
}

/// An edge's end on a block: it runs from the block's outline straight to the edge of the
/// block's rank (`rank_edge`), at the port's position across the ranks.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    block: Block,
    shape: Shape,
    rect: Rect,
    rank_edge: Point,
    /// Main and cross unit vectors of the level.
    m: (f32, f32),
    c: (f32, f32),
    /// The edge starts here (else it ends here).
    start: bool,
    /// The port, across the ranks from the block's centre.
    pub offset: f32,
    /// Where the edge goes on from here, across the ranks: ports are ordered by it.
    neighbour: f32,
    /// Tie-break for parallel edges: the same order at both ends.
    order: usize,
}

impl Slot {
    pub fn new(
        block: Block,
        shape: Shape,
        rect: Rect,
        rank_edge: Point,
        m: (f32, f32),
        c: (f32, f32),
        start: bool,
    ) -> Slot {
        let centre = center(rect);
        Slot {
            block,
            shape,
            rect,
            rank_edge,
            m,
            c,
            start,
            offset: 0.0,
            neighbour: dot((centre.x, centre.y), c),
            order: 0,
        }
    }

    /// Which way the edge leaves the block, along the ranks: +1 or -1.
    fn side(&self) -> i8 {
        let centre = center(self.rect);
        let d = (self.rank_edge.x - centre.x, self.rank_edge.y - centre.y);
        if dot(d, self.m) < 0.0 {
            -1
        } else {
            1
        }
    }

    /// Room for ports along the side: most of a box's side, less of a round or pointed one.
    fn usable(&self) -> f32 {
        let extent = if self.c.0.abs() > 0.5 { self.rect.width } else { self.rect.height };
        let share = match self.shape {
            Shape::Circle | Shape::DoubleCircle | Shape::Diamond | Shape::Bang | Shape::Cloud => 0.45,
            Shape::Hexagon => 0.6,
            _ => 0.75,
        };
        extent * share
    }

    /// The straight run from the outline to the rank's edge (or back), and the point on the
    /// outline. The line is cast from beyond the block's far side, so that its outermost
    /// crossing is found even where the port's line misses the centre (a bolt, a triangle);
    /// a port whose line misses the outline altogether moves towards the centre.
    fn place(&self) -> (Point, Point) {
        let centre = center(self.rect);
        let s = f32::from(self.side());
        let out = (self.m.0 * s, self.m.1 * s);
        let reach = self.rect.width + self.rect.height;
        let mut offset = self.offset;
        let (cross, on_outline) = loop {
            let cross = dot((centre.x, centre.y), self.c) + offset;
            let behind = with_cross(centre, cross, self.c);
            let behind = Point::new(behind.x - out.0 * reach, behind.y - out.1 * reach);
            let hit = shapes::boundary(self.shape, self.rect, behind, out);
            if hit != behind {
                break (cross, hit);
            }
            if offset == 0.0 {
                break (cross, shapes::boundary(self.shape, self.rect, centre, out));
            }
            offset = if offset.abs() < 1.0 { 0.0 } else { offset / 2.0 };
        };
        let edge = with_cross(self.rank_edge, cross, self.c);
        if self.start {
            (on_outline, edge)
        } else {
            (edge, on_outline)
        }
    }
}

/// Notes for every slot where its edge goes on (the neighbouring run across the ranks) and
/// the edge's index, which orders ports.
pub fn prepare(runs: &mut [Run], edge: usize) {
    let n = runs.len();
    if n < 2 {
        return;
    }
    let cross_of = |run: &Run, at_start: bool| match run {
        Run::Line(a, b) => {
            let p = if at_start { a } else { b };
            (p.x, p.y)
        }
        Run::Slot(s) => {
            let c = center(s.rect);
            (c.x, c.y)
        }
    };
    let first_next = cross_of(&runs[1], true);
    let last_prev = cross_of(&runs[n - 2], false);
    if let Run::Slot(s) = &mut runs[0] {
        s.neighbour = dot(first_next, s.c);
        s.order = edge;
    }
    if let Run::Slot(s) = &mut runs[n - 1] {
        s.neighbour = dot(last_prev, s.c);
        s.order = edge;
    }
}

/// Spreads the ends that share a side of a block evenly along it, ordered by where their
/// edges go on, so that they neither bunch at one point nor cross.
pub fn spread(slots: &mut [&mut Slot]) {
    // Keyed by the side's outward direction: ends of edges laid out in different levels
    // (a straight exit out of a subgraph) share a side only when they leave the same way.
    let facing = |s: &Slot| {
        let k = f32::from(s.side());
        ((s.m.0 * k).round() as i8, (s.m.1 * k).round() as i8)
    };
    let mut keys: Vec<(Block, (i8, i8), usize)> =
        slots.iter().enumerate().map(|(i, s)| (s.block, facing(s), i)).collect();
    keys.sort_by(|a, b| {
        (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| {
            let (x, y) = (&slots[a.2], &slots[b.2]);
            x.neighbour.total_cmp(&y.neighbour).then(x.order.cmp(&y.order))
        })
    });
    let mut start = 0;
    while start < keys.len() {
        let mut end = start + 1;
        while end < keys.len() && (keys[end].0, keys[end].1) == (keys[start].0, keys[start].1) {
            end += 1;
        }
        let k = end - start;
        if k > 1 {
            let step = (slots[keys[start].2].usable() / (k - 1) as f32).min(PORT_STEP);
            for (n, key) in keys[start..end].iter().enumerate() {
                slots[key.2].offset = (n as f32 - (k - 1) as f32 / 2.0) * step;
            }
        }
        start = end;
    }
}

/// The edge as a path: its runs drawn straight, joined by S-bends that leave and arrive along
/// the ranks (`m`); with its first and last points.
pub fn draw(runs: &[Run], m: (f32, f32)) -> (Vec<Segment>, Point, Point) {
    let lines: Vec<(Point, Point)> = runs
        .iter()
        .map(|run| match run {
            Run::Line(a, b) => (*a, *b),
            Run::Slot(s) => s.place(),
        })
        .collect();
    let Some(&(first, _)) = lines.first() else {
        return (Vec::new(), Point::new(0.0, 0.0), Point::new(0.0, 0.0));
    };
    let mut out = vec![Segment::MoveTo(first)];
    let mut at = first;
    for &(a, b) in &lines {
        if dist(at, a) > 0.01 {
            let along = dot((a.x - at.x, a.y - at.y), m);
            let across = dist(at, a).powi(2) - along * along;
            if across < 0.3 * 0.3 {
                out.push(Segment::LineTo(a));
            } else {
                let h = along / 2.0;
                out.push(Segment::CubicTo(
                    Point::new(at.x + m.0 * h, at.y + m.1 * h),
                    Point::new(a.x - m.0 * h, a.y - m.1 * h),
                    a,
                ));
            }
        }
        if dist(a, b) > 0.01 {
            out.push(Segment::LineTo(b));
        }
        at = b;
    }
    // A path that is a single point still needs a piece to carry its heads.
    if out.len() == 1 {
        out.push(Segment::LineTo(at));
    }
    (out, first, at)
}

fn center(r: Rect) -> Point {
    Point::new(r.x + r.width / 2.0, r.y + r.height / 2.0)
}

fn dist(a: Point, b: Point) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

impl Flow<'_> {
    /// An edge's runs through all its pieces in absolute coordinates, its real ends left as
    /// slots for the port spreading, and where its label goes.
    pub(super) fn runs(
        &self,
        pieces: &[(usize, usize)],
        origins: &[(f32, f32)],
        geometry: &dyn Fn(Block) -> (Shape, Rect),
    ) -> Option<(Vec<Run>, Option<Point>)> {
        let mut runs: Vec<Run> = Vec::new();
        let mut label = None;
        let count = pieces.len();
        // Pieces with nothing to draw of their own: a frame end's place, a straight exit.
        let shown =
            |i: usize| self.parts[pieces[i].0].get(pieces[i].1).is_some_and(|p| !lone(p) && !direct(p));
        let end_block = |i: usize, from: bool| {
            let part = self.parts[pieces[i].0].get(pieces[i].1)?;
            match if from { part.from } else { part.to } {
                PartEnd::Block(b) => Some(b),
                _ => None,
            }
        };
        for (n, &(level, k)) in pieces.iter().enumerate() {
            let done = self.done[level].as_ref()?;
            let part = self.parts[level].get(k)?;
            let route = done.routes.get(k)?;
            let (m, c) = unit(done.dir);
            let to_xy = level_xy(done.dir, done.main_size);
            let o = origins[level];
            let at = |cross: f32, main: f32| {
                let (x, y) = to_xy((cross, main));
                Point::new(o.0 + x, o.1 + y)
            };
            if part.common {
                label = route.label.map(|(cross, main)| at(cross, main));
            }
            if !shown(n) {
                continue;
            }
            if let PartEnd::Block(block) = part.from {
                let edge = at(0.0, route.from_edge);
                if (0..n).any(shown) {
                    if let Some(Run::Line(_, last)) = runs.last().copied() {
                        // Out of a subgraph's port: on along the same line to the rank's edge.
                        runs.push(Run::Line(last, with_cross(edge, dot((last.x, last.y), c), c)));
                    }
                } else if let Some(port) = self.lone_port(pieces[0], origins) {
                    // From its place among the ports of the subgraph it starts on.
                    let edge = with_cross(edge, dot((port.x, port.y), c), c);
                    let frame = geometry(Block::Group(pieces[0].0.saturating_sub(1))).1;
                    runs.push(Run::Line(frame_point(frame, port, edge), edge));
                } else {
                    // From the real start, maybe straight out of subgraphs around it.
                    let start = end_block(0, true).unwrap_or(block);
                    let (shape, rect) = geometry(start);
                    runs.push(Run::Slot(Slot::new(start, shape, rect, edge, m, c, true)));
                }
            }
            for lane in &route.lanes {
                runs.push(Run::Line(at(lane.cross, lane.from), at(lane.cross, lane.to)));
            }
            if let PartEnd::Block(block) = part.to {
                let edge = at(0.0, route.to_edge);
                if let Some(next) = (n + 1..count).find(|&i| shown(i)) {
                    if let Some(port) = self.next_port(pieces[next], origins) {
                        // Into a subgraph's port: from the rank's edge along the port's line.
                        runs.push(Run::Line(with_cross(edge, dot((port.x, port.y), c), c), port));
                    }
                } else if let Some(port) = self.lone_port(pieces[count - 1], origins) {
                    // To its place among the ports of the subgraph it ends on.
                    let edge = with_cross(edge, dot((port.x, port.y), c), c);
                    let frame = geometry(Block::Group(pieces[count - 1].0.saturating_sub(1))).1;
                    runs.push(Run::Line(edge, frame_point(frame, port, edge)));
                } else {
                    let end = end_block(count - 1, false).unwrap_or(block);
                    let (shape, rect) = geometry(end);
                    runs.push(Run::Slot(Slot::new(end, shape, rect, edge, m, c, false)));
                }
            }
        }
        Some((runs, label))
    }

    /// The port of a lone terminal piece (an edge ending on a subgraph's frame).
    fn lone_port(&self, (level, k): (usize, usize), origins: &[(f32, f32)]) -> Option<Point> {
        lone(self.parts[level].get(k)?).then(|| self.next_port((level, k), origins)).flatten()
    }

    /// Where the piece inside a subgraph starts: its port lane at the content's border.
    fn next_port(&self, (level, k): (usize, usize), origins: &[(f32, f32)]) -> Option<Point> {
        let done = self.done[level].as_ref()?;
        let lane = done.routes.get(k)?.lanes.first()?;
        let (x, y) = level_xy(done.dir, done.main_size)((lane.cross, lane.from));
        Some(Point::new(origins[level].0 + x, origins[level].1 + y))
    }
}

/// A piece that goes straight out of its block's side: drawn as part of its outer piece.
fn direct(part: &Part) -> bool {
    matches!(part.from, PartEnd::Across(_)) || matches!(part.to, PartEnd::Across(_))
}

/// A piece that only keeps an edge's place among a subgraph's ports.
fn lone(part: &Part) -> bool {
    matches!((part.from, part.to), (PartEnd::Border(a), PartEnd::Border(b)) if a == b)
}

/// Where the line from a port inside a group's rectangle towards `outside` meets its frame.
fn frame_point(rect: Rect, port: Point, outside: Point) -> Point {
    let (dx, dy) = (outside.x - port.x, outside.y - port.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-4 {
        return port;
    }
    shapes::boundary(Shape::Rect, rect, port, (dx / len, dy / len))
}
