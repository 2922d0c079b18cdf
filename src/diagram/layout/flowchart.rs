//! Flowchart layout: nodes sized from their measured labels; subgraphs laid out inside out,
//! each one a block in its parent's layered layout (so groups never cut through other nodes);
//! then edges routed as smooth curves from border to border through their dummy points, with
//! their labels on their own dummy vertices.

use super::layered::{self, LEdge, LNode, Params, Route};
use super::{darken, Env};
use crate::diagram::label::Label;
use crate::diagram::model::{Direction, Endpoint, FlowEdge, Flowchart, LineKind, Shape};
use crate::diagram::parse::Note;
use crate::diagram::scene::{Dash, EdgeEnds, Item, NodeBox, Pen, Scene};
use crate::diagram::shapes;
use crate::frame::{Paint, Point, Rect, Segment};

const NODE_SEP: f32 = 14.0;
const RANK_SEP: f32 = 24.0;
const GROUP_PAD: f32 = 7.0;
const TITLE_GAP: f32 = 3.0;
const LOOP: f32 = 16.0;
const MARGIN: f32 = 3.0;

/// A block in a level: a node or a subgraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Block {
    Node(usize),
    Group(usize),
}

impl From<Endpoint> for Block {
    fn from(e: Endpoint) -> Block {
        match e {
            Endpoint::Node(i) => Block::Node(i),
            Endpoint::Group(j) => Block::Group(j),
        }
    }
}

/// One level (the chart, or one subgraph) laid out in its own frame.
struct Level {
    dir: Direction,
    size: (f32, f32),
    centers: Vec<(Block, (f32, f32))>,
    /// Per edge at this level: its route in the level's frame.
    routes: Vec<(usize, Route)>,
}

struct Flow<'f> {
    chart: &'f Flowchart,
    /// Node size and label centre offset.
    nodes: Vec<(f32, f32, f32, f32)>,
    /// Self-loop edges per node.
    loops: Vec<Vec<usize>>,
    titles: Vec<Label>,
    edge_labels: Vec<Option<Label>>,
    /// Blocks of level 0 (the chart) and level j + 1 (subgraph j).
    levels: Vec<Vec<Block>>,
    level_edges: Vec<Vec<(usize, Block, Block)>>,
    done: Vec<Option<Level>>,
    /// Gaps between nodes and ranks, stretched when the box has room.
    spacing: Params,
}

pub fn layout(chart: &Flowchart, env: &Env, notes: &mut Vec<Note>) -> Scene {
    let node_size = env.size * 0.92;
    let wrap = (env.max_width * 0.3).clamp(44.0, 110.0);
    let node_labels: Vec<Label> = chart
        .nodes
        .iter()
        .map(|n| {
            let round = matches!(n.shape, Shape::Circle | Shape::DoubleCircle | Shape::Diamond);
            let color = n.style.text.unwrap_or(env.ink);
            env.label(
                &n.label,
                node_size,
                n.style.bold.unwrap_or(false),
                color,
                if round { wrap * 0.7 } else { wrap },
                n.line,
            )
        })
        .collect();
    let edge_labels: Vec<Option<Label>> = chart
        .edges
        .iter()
        .map(|e| e.label.as_ref().map(|t| env.label(t, env.size * 0.8, false, env.ink, 80.0, e.line)))
        .collect();
    let titles: Vec<Label> = chart
        .subgraphs
        .iter()
        .enumerate()
        .map(|(j, s)| {
            let color = s.style.text.or(s.style.stroke).unwrap_or(darken(env.other(j), 0.1));
            env.label(&s.title, env.size * 0.82, true, color, 160.0, s.line)
        })
        .collect();
    let mut loops = vec![Vec::new(); chart.nodes.len()];
    for (i, e) in chart.edges.iter().enumerate() {
        if let (Endpoint::Node(a), Endpoint::Node(b)) = (e.from, e.to) {
            if a == b && e.kind != LineKind::Invisible {
                loops[a].push(i);
            }
        }
    }
    let nodes = node_labels
        .iter()
        .zip(&chart.nodes)
        .map(|(l, n)| shapes::node_size(n.shape, l.width, l.height))
        .collect();

    // Which level each block belongs to, in order of first mention.
    let mut levels: Vec<Vec<(usize, Block)>> = vec![Vec::new(); chart.subgraphs.len() + 1];
    for (i, n) in chart.nodes.iter().enumerate() {
        levels[n.parent.map_or(0, |p| p + 1)].push((n.line, Block::Node(i)));
    }
    for (j, s) in chart.subgraphs.iter().enumerate() {
        levels[s.parent.map_or(0, |p| p + 1)].push((s.line, Block::Group(j)));
    }
    let levels: Vec<Vec<Block>> = levels
        .into_iter()
        .map(|mut l| {
            l.sort_by_key(|&(line, _)| line);
            l.into_iter().map(|(_, b)| b).collect()
        })
        .collect();

    let mut level_edges = vec![Vec::new(); levels.len()];
    for (i, e) in chart.edges.iter().enumerate() {
        match edge_level(chart, e) {
            Some((level, a, b)) => level_edges[level].push((i, a, b)),
            None => notes.push(Note {
                line: e.line,
                message: "an edge between a subgraph and a node inside it is not drawn".into(),
            }),
        }
    }
    let mut flow = Flow {
        chart,
        nodes,
        loops,
        titles,
        edge_labels,
        levels,
        level_edges,
        done: (0..chart.subgraphs.len() + 1).map(|_| None).collect(),
        spacing: Params { node_sep: NODE_SEP * env.stretch, rank_sep: RANK_SEP * env.stretch },
    };
    flow.level(0);
    flow.scene(env, &node_labels)
}

/// The groups enclosing a block, outermost first.
fn ancestors(chart: &Flowchart, block: Block) -> Vec<usize> {
    let mut out = Vec::new();
    let mut parent = match block {
        Block::Node(i) => chart.nodes[i].parent,
        Block::Group(j) => chart.subgraphs[j].parent,
    };
    while let Some(p) = parent {
        out.push(p);
        parent = chart.subgraphs[p].parent;
    }
    out.reverse();
    out
}

/// The level an edge is laid out in and the two blocks it joins there.
fn edge_level(chart: &Flowchart, e: &FlowEdge) -> Option<(usize, Block, Block)> {
    let (a, b) = (Block::from(e.from), Block::from(e.to));
    let (pa, pb) = (ancestors(chart, a), ancestors(chart, b));
    let common = pa.iter().zip(&pb).take_while(|(x, y)| x == y).count();
    let level = if common == 0 { 0 } else { pa[common - 1] + 1 };
    let at = |path: &[usize], own: Block| path.get(common).map_or(own, |&g| Block::Group(g));
    let (ba, bb) = (at(&pa, a), at(&pb, b));
    if ba == bb && a != b {
        return None;
    }
    Some((level, ba, bb))
}

fn unit(dir: Direction) -> ((f32, f32), (f32, f32)) {
    // (main, cross) unit vectors.
    match dir {
        Direction::TopDown => ((0.0, 1.0), (1.0, 0.0)),
        Direction::BottomUp => ((0.0, -1.0), (1.0, 0.0)),
        Direction::LeftRight => ((1.0, 0.0), (0.0, 1.0)),
        Direction::RightLeft => ((-1.0, 0.0), (0.0, 1.0)),
    }
}

impl Flow<'_> {
    fn direction(&self, level: usize) -> Direction {
        let mut at = level;
        while at > 0 {
            let sub = &self.chart.subgraphs[at - 1];
            if let Some(d) = sub.direction {
                return d;
            }
            at = sub.parent.map_or(0, |p| p + 1);
        }
        self.chart.direction
    }

    /// Width and height of a block (a group's size needs its level laid out first).
    fn size(&mut self, block: Block) -> (f32, f32) {
        match block {
            Block::Node(i) => (self.nodes[i].0, self.nodes[i].1),
            Block::Group(j) => {
                let content = self.level(j + 1);
                let title = &self.titles[j];
                let w = content.0.max(title.width) + 2.0 * GROUP_PAD;
                let h = content.1 + 2.0 * GROUP_PAD + title.height + TITLE_GAP;
                (w, h)
            }
        }
    }

    /// Lays out a level (after the groups in it) and returns its content size.
    fn level(&mut self, level: usize) -> (f32, f32) {
        if let Some(done) = &self.done[level] {
            return done.size;
        }
        let dir = self.direction(level);
        let horizontal = dir.horizontal();
        let blocks = self.levels[level].clone();
        let mut lnodes = Vec::with_capacity(blocks.len());
        for &b in &blocks {
            let (w, h) = self.size(b);
            let (cross, main) = if horizontal { (h, w) } else { (w, h) };
            let (room, main_min) = match b {
                Block::Node(i) => self.loop_room(i, horizontal),
                Block::Group(_) => (0.0, 0.0),
            };
            lnodes.push(LNode { cross: cross + 2.0 * room, main: main.max(main_min) });
        }
        let index_of = |b: Block| blocks.iter().position(|&x| x == b);
        let mut ledges = Vec::new();
        let mut which = Vec::new();
        for &(i, a, b) in &self.level_edges[level] {
            let (Some(from), Some(to)) = (index_of(a), index_of(b)) else { continue };
            let label = self.edge_labels[i].as_ref().map(|l| {
                let (w, h) = (l.width + 6.0, l.height + 2.0);
                if horizontal {
                    (h, w)
                } else {
                    (w, h)
                }
            });
            ledges.push(LEdge { from, to, min_len: self.chart.edges[i].min_len, label });
            which.push(i);
        }
        let laid = layered::layout(&lnodes, &ledges, self.spacing);
        let (c, m) = (laid.cross_size, laid.main_size);
        let to_xy = |(cross, main): (f32, f32)| match dir {
            Direction::TopDown => (cross, main),
            Direction::BottomUp => (cross, m - main),
            Direction::LeftRight => (main, cross),
            Direction::RightLeft => (m - main, cross),
        };
        let size = if horizontal { (m, c) } else { (c, m) };
        let centers = blocks.iter().zip(&laid.centers).map(|(&b, &p)| (b, to_xy(p))).collect();
        let routes = which
            .iter()
            .zip(laid.routes)
            .map(|(&i, r)| {
                let points = r.points.into_iter().map(to_xy).collect();
                (i, Route { points, label: r.label.map(to_xy), reversed: r.reversed })
            })
            .collect();
        self.done[level] = Some(Level { dir, size, centers, routes });
        size
    }

    /// Each self-loop of a node: its edge, how far it reaches out of the node, and how far
    /// its label's centre sits from the node border.
    fn loop_plan(&self, node: usize, horizontal: bool) -> Vec<(usize, f32, f32)> {
        let loops = &self.loops[node];
        let outer = 0.75 * (LOOP + 2.0 + 8.0 * loops.len().saturating_sub(1) as f32);
        let mut at = outer + 2.0;
        loops
            .iter()
            .enumerate()
            .map(|(k, &e)| {
                let reach = LOOP + 2.0 + 8.0 * k as f32;
                let ext =
                    self.edge_labels[e].as_ref().map_or(0.0, |l| if horizontal { l.height } else { l.width });
                let centre = at + ext / 2.0;
                if ext > 0.0 {
                    at += ext + 2.0;
                }
                (e, reach, centre)
            })
            .collect()
    }

    /// Room a node's self-loops need beside it, and the length along the ranks their labels
    /// need.
    fn loop_room(&self, node: usize, horizontal: bool) -> (f32, f32) {
        let plan = self.loop_plan(node, horizontal);
        let Some(&(_, reach, _)) = plan.last() else { return (0.0, 0.0) };
        let mut room = 0.75 * reach + 4.0;
        let mut main: f32 = 0.0;
        for &(e, _, centre) in &plan {
            if let Some(l) = &self.edge_labels[e] {
                let (ext, along) = if horizontal { (l.height, l.width) } else { (l.width, l.height) };
                room = room.max(centre + ext / 2.0 + 2.0);
                main = main.max(along + 4.0);
            }
        }
        (room, main)
    }

    /// Absolute rectangles of every node and group, placing each level inside its group.
    fn place(&self, level: usize, origin: (f32, f32), nodes: &mut [Rect], groups: &mut [Rect]) {
        let Some(done) = &self.done[level] else { return };
        for &(block, (x, y)) in &done.centers {
            let (cx, cy) = (origin.0 + x, origin.1 + y);
            match block {
                Block::Node(i) => {
                    let (w, h, _, _) = self.nodes[i];
                    nodes[i] = Rect::new(cx - w / 2.0, cy - h / 2.0, w, h);
                }
                Block::Group(j) => {
                    let content = self.done[j + 1].as_ref().map_or((0.0, 0.0), |l| l.size);
                    let title = &self.titles[j];
                    let w = content.0.max(title.width) + 2.0 * GROUP_PAD;
                    let h = content.1 + 2.0 * GROUP_PAD + title.height + TITLE_GAP;
                    let rect = Rect::new(cx - w / 2.0, cy - h / 2.0, w, h);
                    groups[j] = rect;
                    let inner =
                        (rect.x + (w - content.0) / 2.0, rect.y + GROUP_PAD + title.height + TITLE_GAP);
                    self.place(j + 1, inner, nodes, groups);
                }
            }
        }
    }

    fn origins(&self, groups: &[Rect]) -> Vec<(f32, f32)> {
        (0..self.levels.len())
            .map(|level| {
                if level == 0 {
                    return (0.0, 0.0);
                }
                let j = level - 1;
                let content = self.done[level].as_ref().map_or((0.0, 0.0), |l| l.size);
                let title = &self.titles[j];
                let rect = groups[j];
                (rect.x + (rect.width - content.0) / 2.0, rect.y + GROUP_PAD + title.height + TITLE_GAP)
            })
            .collect()
    }

    fn scene(&self, env: &Env, node_labels: &[Label]) -> Scene {
        let chart = self.chart;
        let mut node_rects = vec![Rect::new(0.0, 0.0, 0.0, 0.0); chart.nodes.len()];
        let mut group_rects = vec![Rect::new(0.0, 0.0, 0.0, 0.0); chart.subgraphs.len()];
        self.place(0, (0.0, 0.0), &mut node_rects, &mut group_rects);
        let origins = self.origins(&group_rects);
        let geometry = |e: Endpoint| match e {
            Endpoint::Node(i) => (chart.nodes[i].shape, node_rects[i]),
            Endpoint::Group(j) => (Shape::Rect, group_rects[j]),
        };

        let mut scene = Scene::default();
        // Groups, outermost first, with their titles.
        let mut order: Vec<usize> = (0..chart.subgraphs.len()).collect();
        order.sort_by_key(|&j| ancestors(chart, Block::Group(j)).len());
        for &j in &order {
            let sub = &chart.subgraphs[j];
            let color = env.other(j);
            let rect = group_rects[j];
            scene.items.push(Item::Shape {
                shape: Shape::Rect,
                rect,
                fill: Some(Paint { color: sub.style.fill.unwrap_or(color.tint(0.86)), alpha: 0.55 }),
                pen: Some(Pen {
                    color: sub.style.stroke.unwrap_or(color),
                    alpha: 0.85,
                    width: 0.8,
                    dash: if sub.style.dashed == Some(false) { Dash::Solid } else { Dash::Dashed },
                }),
            });
        }

        // Edges: decide each end's side, spread ends that share a side, then route.
        let mut plans = Vec::new();
        for (level, done) in self.done.iter().enumerate() {
            let Some(done) = done else { continue };
            let (m, c) = unit(done.dir);
            for (i, route) in &done.routes {
                let e = &chart.edges[*i];
                let o = origins[level];
                let mids: Vec<Point> =
                    route.points.iter().map(|&(x, y)| Point::new(o.0 + x, o.1 + y)).collect();
                let label = route.label.map(|(x, y)| Point::new(o.0 + x, o.1 + y));
                let (sa, ra) = geometry(e.from);
                let (sb, rb) = geometry(e.to);
                let ca = center(ra);
                let cb = center(rb);
                let next = mids.first().copied().unwrap_or(cb);
                let prev = mids.last().copied().unwrap_or(ca);
                let exit = side(ca, next, m, c);
                let entry = side(prev, cb, m, c);
                plans.push(Plan {
                    edge: *i,
                    m,
                    c,
                    mids,
                    label,
                    sa,
                    ra,
                    sb,
                    rb,
                    exit,
                    entry,
                    next,
                    prev,
                    off: (0.0, 0.0),
                });
            }
        }
        spread_ports(&mut plans);

        let mut edge_items = Vec::new();
        let mut label_items = Vec::new();
        for plan in &plans {
            let e = &chart.edges[plan.edge];
            let perp = |d: (f32, f32)| if dot(d, plan.m).abs() > 0.5 { plan.c } else { plan.m };
            let pa = perp(plan.exit);
            let origin_a =
                Point::new(center(plan.ra).x + pa.0 * plan.off.0, center(plan.ra).y + pa.1 * plan.off.0);
            let start = shapes::boundary(plan.sa, plan.ra, origin_a, plan.exit);
            let pb = perp(plan.entry);
            let origin_b =
                Point::new(center(plan.rb).x + pb.0 * plan.off.1, center(plan.rb).y + pb.1 * plan.off.1);
            let end = shapes::boundary(plan.sb, plan.rb, origin_b, (-plan.entry.0, -plan.entry.1));
            let mut points = vec![start];
            points.extend(plan.mids.iter().copied());
            points.push(end);
            let segments = smooth(&points, plan.exit, plan.entry, plan.m);
            if e.kind != LineKind::Invisible {
                let path = scene.items.len() + edge_items.len();
                edge_items.push(Item::Path { segments, pen: edge_pen(e, env), start: e.start, end: e.end });
                scene.edges.push(EdgeEnds { from: e.from, to: e.to, start, end, path });
            }
            if let (Some(label), Some(at)) = (&self.edge_labels[plan.edge], plan.label) {
                push_edge_label(&mut label_items, label, at, env);
            }
        }
        // Self-loops: out of one side and back in, each a little wider, labels beyond them.
        for (a, node) in chart.nodes.iter().enumerate() {
            if self.loops[a].is_empty() {
                continue;
            }
            let rect = node_rects[a];
            let level =
                self.done.iter().flatten().find(|l| l.centers.iter().any(|(b, _)| *b == Block::Node(a)));
            let dir = level.map_or(chart.direction, |l| l.dir);
            let (m, c) = unit(dir);
            let ctr = center(rect);
            let quarter = if dot(m, (0.0, 1.0)).abs() > 0.5 { rect.height / 4.0 } else { rect.width / 4.0 };
            let o1 = Point::new(ctr.x - m.0 * quarter, ctr.y - m.1 * quarter);
            let o2 = Point::new(ctr.x + m.0 * quarter, ctr.y + m.1 * quarter);
            let start = shapes::boundary(node.shape, rect, o1, c);
            let end = shapes::boundary(node.shape, rect, o2, c);
            for (i, reach, label_at) in self.loop_plan(a, dir.horizontal()) {
                let e = &chart.edges[i];
                let segments = vec![
                    Segment::MoveTo(start),
                    Segment::CubicTo(
                        Point::new(start.x + c.0 * reach, start.y + c.1 * reach),
                        Point::new(end.x + c.0 * reach, end.y + c.1 * reach),
                        end,
                    ),
                ];
                let path = scene.items.len() + edge_items.len();
                edge_items.push(Item::Path { segments, pen: edge_pen(e, env), start: e.start, end: e.end });
                scene.edges.push(EdgeEnds { from: e.from, to: e.to, start, end, path });
                if let Some(label) = &self.edge_labels[i] {
                    // Measured from the node's side, so round shapes do not pull it in.
                    let half = if c.0.abs() > 0.5 { rect.width / 2.0 } else { rect.height / 2.0 };
                    let side = Point::new(ctr.x + c.0 * half, ctr.y + c.1 * half);
                    let at = Point::new(side.x + c.0 * label_at, side.y + c.1 * label_at);
                    push_edge_label(&mut label_items, label, at, env);
                }
            }
        }
        // Group titles where no edge runs through them: left, right or centred.
        let crossings: Vec<Point> = edge_items.iter().flat_map(sample).collect();
        let mut title_rects = vec![Rect::new(0.0, 0.0, 0.0, 0.0); chart.subgraphs.len()];
        for &j in &order {
            let (rect, title) = (group_rects[j], &self.titles[j]);
            let top = rect.y + GROUP_PAD * 0.7;
            let candidates = [
                rect.x + GROUP_PAD,
                rect.right() - GROUP_PAD - title.width,
                rect.x + (rect.width - title.width) / 2.0,
            ];
            let hits = |x: f32| {
                let r = Rect::new(x - 1.5, top - 1.5, title.width + 3.0, title.height + 3.0);
                crossings
                    .iter()
                    .filter(|p| p.x >= r.x && p.x <= r.right() && p.y >= r.y && p.y <= r.bottom())
                    .count()
            };
            let (x, count) = candidates
                .iter()
                .map(|&x| (x, hits(x)))
                .fold((candidates[0], usize::MAX), |best, c| if c.1 < best.1 { c } else { best });
            if count > 0 {
                let back = Rect::new(x - 2.0, top - 0.5, title.width + 4.0, title.height + 1.0);
                label_items.push(Item::Shape {
                    shape: Shape::Plain,
                    rect: back,
                    fill: Some(Paint { color: env.paper, alpha: 0.9 }),
                    pen: None,
                });
            }
            label_items.push(Item::Text { label: title.clone(), cx: x + title.width / 2.0, top });
            title_rects[j] = Rect::new(x - 1.5, top - 1.5, title.width + 3.0, title.height + 3.0);
        }
        scene.titles = title_rects;
        scene.items.extend(edge_items);
        scene.items.extend(label_items);

        for (i, node) in chart.nodes.iter().enumerate() {
            let rect = node_rects[i];
            let style = &node.style;
            let fill = style.fill.unwrap_or(env.accent.tint(0.84));
            let stroke = style.stroke.unwrap_or(env.accent);
            scene.items.push(Item::Shape {
                shape: node.shape,
                rect,
                fill: Some(Paint::solid(fill)),
                pen: Some(Pen {
                    color: stroke,
                    alpha: 1.0,
                    width: style.stroke_width.map_or(1.0, |w| (w * 0.75).clamp(0.4, 4.0)),
                    dash: if style.dashed == Some(true) { Dash::Dashed } else { Dash::Solid },
                }),
            });
            let (_, _, dx, dy) = self.nodes[i];
            let label = &node_labels[i];
            let ctr = center(rect);
            scene.items.push(Item::Text {
                label: label.clone(),
                cx: ctr.x + dx,
                top: ctr.y + dy - label.height / 2.0,
            });
            scene.nodes.push(NodeBox { id: node.id.clone(), shape: node.shape, rect });
        }
        scene.groups = chart
            .subgraphs
            .iter()
            .zip(&group_rects)
            .map(|(s, &rect)| NodeBox { id: s.id.clone(), shape: Shape::Rect, rect })
            .collect();
        scene.normalize(MARGIN);
        scene
    }
}

struct Plan {
    edge: usize,
    m: (f32, f32),
    c: (f32, f32),
    mids: Vec<Point>,
    label: Option<Point>,
    sa: Shape,
    ra: Rect,
    sb: Shape,
    rb: Rect,
    /// Direction leaving the start, and direction of travel arriving at the end.
    exit: (f32, f32),
    entry: (f32, f32),
    next: Point,
    prev: Point,
    /// Port offsets at the start and the end.
    off: (f32, f32),
}

fn center(r: Rect) -> Point {
    Point::new(r.x + r.width / 2.0, r.y + r.height / 2.0)
}

fn dot(a: (f32, f32), b: (f32, f32)) -> f32 {
    a.0 * b.0 + a.1 * b.1
}

/// The direction to leave `from` towards `to`: along the ranks when `to` is in another
/// rank, sideways when it is in the same one.
fn side(from: Point, to: Point, m: (f32, f32), c: (f32, f32)) -> (f32, f32) {
    let d = (to.x - from.x, to.y - from.y);
    let along = dot(d, m);
    if along.abs() > 1.0 {
        let s = along.signum();
        (m.0 * s, m.1 * s)
    } else {
        let s = if dot(d, c) < 0.0 { -1.0 } else { 1.0 };
        (c.0 * s, c.1 * s)
    }
}

/// Ends that leave or enter the same side of the same block are spread along that side,
/// ordered by where their other end lies, so parallel edges do not run on top of each other.
fn spread_ports(plans: &mut [Plan]) {
    #[derive(PartialEq)]
    struct End {
        plan: usize,
        is_start: bool,
        rect: (i64, i64, i64, i64),
        side: (i32, i32),
        key: f32,
        extent: f32,
    }
    let q = |r: Rect| {
        ((r.x * 100.0) as i64, (r.y * 100.0) as i64, (r.width * 100.0) as i64, (r.height * 100.0) as i64)
    };
    let mut ends = Vec::new();
    for (k, p) in plans.iter().enumerate() {
        let perp = |d: (f32, f32)| if dot(d, p.m).abs() > 0.5 { p.c } else { p.m };
        let pa = perp(p.exit);
        let pb = perp(p.entry);
        let extent = |r: Rect, v: (f32, f32)| if v.0.abs() > 0.5 { r.width } else { r.height };
        ends.push(End {
            plan: k,
            is_start: true,
            rect: q(p.ra),
            side: (p.exit.0.round() as i32, p.exit.1.round() as i32),
            key: dot((p.next.x, p.next.y), pa),
            extent: extent(p.ra, pa),
        });
        ends.push(End {
            plan: k,
            is_start: false,
            rect: q(p.rb),
            side: (-p.entry.0.round() as i32, -p.entry.1.round() as i32),
            key: dot((p.prev.x, p.prev.y), pb),
            extent: extent(p.rb, pb),
        });
    }
    let mut used = vec![false; ends.len()];
    for i in 0..ends.len() {
        if used[i] {
            continue;
        }
        let mut group: Vec<usize> = (i..ends.len())
            .filter(|&j| !used[j] && ends[j].rect == ends[i].rect && ends[j].side == ends[i].side)
            .collect();
        for &j in &group {
            used[j] = true;
        }
        if group.len() < 2 {
            continue;
        }
        group.sort_by(|&a, &b| ends[a].key.total_cmp(&ends[b].key).then(a.cmp(&b)));
        let k = group.len() as f32;
        let spacing = (ends[i].extent * 0.6 / (k - 1.0)).min(9.0);
        for (n, &j) in group.iter().enumerate() {
            let offset = (n as f32 - (k - 1.0) / 2.0) * spacing;
            let end = &ends[j];
            if end.is_start {
                plans[end.plan].off.0 = offset;
            } else {
                plans[end.plan].off.1 = offset;
            }
        }
    }
}

/// A smooth curve through `points`: cubic pieces whose tangents run along the ranks at every
/// inner point, leave along `exit` and arrive along `entry`.
fn smooth(points: &[Point], exit: (f32, f32), entry: (f32, f32), m: (f32, f32)) -> Vec<Segment> {
    let n = points.len();
    let mut tangents = Vec::with_capacity(n);
    for i in 0..n {
        let t = if i == 0 {
            exit
        } else if i == n - 1 {
            entry
        } else {
            let d = (points[i + 1].x - points[i - 1].x, points[i + 1].y - points[i - 1].y);
            let s = if dot(d, m) < 0.0 { -1.0 } else { 1.0 };
            (m.0 * s, m.1 * s)
        };
        tangents.push(t);
    }
    let mut out = vec![Segment::MoveTo(points[0])];
    for i in 0..n - 1 {
        let (a, b) = (points[i], points[i + 1]);
        let d = (b.x - a.x, b.y - a.y);
        let len = (d.0 * d.0 + d.1 * d.1).sqrt();
        if len < 0.01 {
            continue;
        }
        let (ta, tb) = (tangents[i], tangents[i + 1]);
        let h1 = (0.5 * dot(d, ta).abs()).max(0.2 * len);
        let h2 = (0.5 * dot(d, tb).abs()).max(0.2 * len);
        let straight = (ta == tb) && (d.0 * ta.1 - d.1 * ta.0).abs() < 0.01 * len;
        if straight {
            out.push(Segment::LineTo(b));
        } else {
            out.push(Segment::CubicTo(
                Point::new(a.x + ta.0 * h1, a.y + ta.1 * h1),
                Point::new(b.x - tb.0 * h2, b.y - tb.1 * h2),
                b,
            ));
        }
    }
    out
}

/// Points along a drawn path, for checking what it runs through.
fn sample(item: &Item) -> Vec<Point> {
    let Item::Path { segments, .. } = item else { return Vec::new() };
    let mut out = Vec::new();
    let mut last = Point::new(0.0, 0.0);
    for seg in segments {
        match *seg {
            Segment::MoveTo(p) => last = p,
            Segment::LineTo(p) => {
                for i in 1..=12 {
                    let t = i as f32 / 12.0;
                    out.push(Point::new(last.x + (p.x - last.x) * t, last.y + (p.y - last.y) * t));
                }
                last = p;
            }
            Segment::CubicTo(a, b, c) => {
                for i in 1..=16 {
                    let t = i as f32 / 16.0;
                    let u = 1.0 - t;
                    let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
                    out.push(Point::new(
                        w0 * last.x + w1 * a.x + w2 * b.x + w3 * c.x,
                        w0 * last.y + w1 * a.y + w2 * b.y + w3 * c.y,
                    ));
                }
                last = c;
            }
            Segment::Close => {}
        }
    }
    out
}

fn edge_pen(e: &FlowEdge, env: &Env) -> Pen {
    let (width, dash) = match e.kind {
        LineKind::Thick => (1.9, Dash::Solid),
        LineKind::Dotted => (1.0, Dash::Dotted),
        _ => (1.0, Dash::Solid),
    };
    Pen { color: env.ink, alpha: 0.8, width, dash }
}

fn push_edge_label(items: &mut Vec<Item>, label: &Label, at: Point, env: &Env) {
    let (w, h) = (label.width + 6.0, label.height + 2.0);
    items.push(Item::Shape {
        shape: Shape::Plain,
        rect: Rect::new(at.x - w / 2.0, at.y - h / 2.0, w, h),
        fill: Some(Paint { color: env.paper, alpha: 0.92 }),
        pen: None,
    });
    items.push(Item::Text { label: label.clone(), cx: at.x, top: at.y - label.height / 2.0 });
}
