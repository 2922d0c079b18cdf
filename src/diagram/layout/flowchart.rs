//! Flowchart layout: nodes sized from their measured labels; subgraphs laid out inside out,
//! each one a block in its parent's layered layout (so groups never cut through other nodes).
//! An edge between nodes of different subgraphs is laid out in pieces: one in the level that
//! holds both ends, and one inside every subgraph it enters or leaves, from a port on the
//! subgraph's border to the node. Each piece gets its own lane through the ranks it crosses;
//! the edge is drawn straight along its lanes and bends only in the gaps between ranks, where
//! no node is, so it never runs through a node.

use super::layered::{self, LNode, Params, Ranking, Route, Side};
use super::{darken, Env};
use crate::diagram::label::Label;
use crate::diagram::model::{Direction, Endpoint, FlowEdge, Flowchart, LineKind, Shape};
use crate::diagram::parse::Note;
use crate::diagram::scene::{Dash, EdgeEnds, Item, NodeBox, Pen, Scene};
use crate::diagram::shapes;
use crate::frame::{Paint, Point, Rect, Segment};

mod pieces;
mod route;

use pieces::{Part, PartEnd};
use route::{Run, Slot};

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
    /// Main size in rank space, to turn level coordinates into x and y.
    main_size: f32,
    centers: Vec<(Block, (f32, f32))>,
    /// Per piece of `Flow::parts[level]`: its route in rank space.
    routes: Vec<Route>,
    /// Where the subgraph's title starts, in content x, when it has a place of its own: in the
    /// room kept for it among the ports, or clear of edges leaving through the top.
    title_x: Option<f32>,
}

struct Flow<'f> {
    chart: &'f Flowchart,
    /// Node size and label centre offset.
    nodes: Vec<(f32, f32, f32, f32)>,
    /// Self-loop edges per node and per subgraph.
    loops: Vec<Vec<usize>>,
    group_loops: Vec<Vec<usize>>,
    titles: Vec<Label>,
    edge_labels: Vec<Option<Label>>,
    /// Blocks of level 0 (the chart) and level j + 1 (subgraph j).
    levels: Vec<Vec<Block>>,
    dirs: Vec<Direction>,
    parts: Vec<Vec<Part>>,
    /// Per edge, its pieces in the edge's direction as (level, index).
    pieces: Vec<Vec<(usize, usize)>>,
    rankings: Vec<Option<Ranking>>,
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
    let mut group_loops = vec![Vec::new(); chart.subgraphs.len()];
    for (i, e) in chart.edges.iter().enumerate() {
        if e.from == e.to && e.kind != LineKind::Invisible {
            match e.from {
                Endpoint::Node(a) => loops[a].push(i),
                Endpoint::Group(j) => group_loops[j].push(i),
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

    let mut flow = Flow {
        chart,
        nodes,
        loops,
        group_loops,
        titles,
        edge_labels,
        levels,
        dirs: Vec::new(),
        parts: vec![Vec::new(); chart.subgraphs.len() + 1],
        pieces: vec![Vec::new(); chart.edges.len()],
        rankings: (0..chart.subgraphs.len() + 1).map(|_| None).collect(),
        done: (0..chart.subgraphs.len() + 1).map(|_| None).collect(),
        spacing: Params { node_sep: NODE_SEP * env.stretch, rank_sep: RANK_SEP * env.stretch },
    };
    flow.plan(notes);
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
    /// Width and height of a block (a group's size needs its level laid out first).
    fn size(&mut self, block: Block) -> (f32, f32) {
        match block {
            Block::Node(i) => (self.nodes[i].0, self.nodes[i].1),
            Block::Group(j) => {
                let content = self.level(j + 1);
                self.group_size(j, content)
            }
        }
    }

    /// Size of group `j` around its laid-out content, and its title's place.
    fn group_size(&self, j: usize, content: (f32, f32)) -> (f32, f32) {
        let title = &self.titles[j];
        let title_x = self.done[j + 1].as_ref().and_then(|l| l.title_x);
        let w = content.0.max(title_x.unwrap_or(0.0) + title.width) + 2.0 * GROUP_PAD;
        let h = content.1 + 2.0 * GROUP_PAD + title.height + TITLE_GAP;
        (w, h)
    }

    /// Where the content of group `j` starts inside its rectangle: centred, or at the left
    /// when the title has its own place.
    fn content_offset(&self, j: usize, size: (f32, f32), content: (f32, f32)) -> (f32, f32) {
        let fixed = self.done[j + 1].as_ref().is_some_and(|l| l.title_x.is_some());
        let x = if fixed { GROUP_PAD } else { (size.0 - content.0) / 2.0 };
        (x, GROUP_PAD + self.titles[j].height + TITLE_GAP)
    }

    /// Where the title of a subgraph laid out across (left to right or back) goes: left, or
    /// right of where edges leave through the top, so that none crosses it.
    fn title_place(&self, level: usize, laid: &layered::Layered, lnodes: &[LNode]) -> f32 {
        let Some(title) = level.checked_sub(1).map(|j| &self.titles[j]) else { return 0.0 };
        let to_xy = level_xy(self.dirs[level], laid.main_size);
        let mut blocked: Vec<(f32, f32)> = Vec::new();
        for (k, part) in self.parts[level].iter().enumerate() {
            let up =
                [(part.from, part.to), (part.to, part.from)].into_iter().find_map(|(end, other)| match end {
                    PartEnd::Across(Side::Before) => Some(other),
                    _ => None,
                });
            if let Some(PartEnd::Block(b)) = up {
                if let Some(i) = self.levels[level].iter().position(|&x| x == b) {
                    let x = to_xy(laid.centers[i]).0;
                    blocked.push((x - lnodes[i].main / 2.0, x + lnodes[i].main / 2.0));
                }
            } else if part.up {
                let lane = laid.routes.get(k).and_then(|r| r.lanes.first().zip(r.lanes.last()));
                if let Some((a, b)) = lane {
                    for lane in [a, b] {
                        let x = to_xy((lane.cross, lane.from)).0;
                        blocked.push((x - 3.0, x + 3.0));
                    }
                }
            }
        }
        blocked.sort_by(|a, b| a.0.total_cmp(&b.0));
        let gap = 3.0;
        let fits = |t: f32| blocked.iter().all(|&(a, b)| t + title.width + gap <= a || t - gap >= b - 0.01);
        let last = blocked.iter().map(|&(_, b)| b + gap).fold(0.0, f32::max);
        std::iter::once(0.0).chain(blocked.iter().map(|&(_, b)| b + gap)).find(|&t| fits(t)).unwrap_or(last)
    }

    /// Lays out a level (after the groups in it) and returns its content size.
    fn level(&mut self, level: usize) -> (f32, f32) {
        if let Some(done) = &self.done[level] {
            return done.size;
        }
        let dir = self.dirs[level];
        let horizontal = dir.horizontal();
        let blocks = self.levels[level].clone();
        let mut lnodes = Vec::with_capacity(blocks.len());
        for &b in &blocks {
            let (w, h) = self.size(b);
            let (cross, main) = if horizontal { (h, w) } else { (w, h) };
            let (room, main_min) = self.loop_room(b, horizontal);
            lnodes.push(LNode { cross: cross + 2.0 * room, main: main.max(main_min) });
        }
        let edges = self.ledges(level);
        let title = (level > 0).then(|| {
            let side = match dir {
                Direction::TopDown => Some(Side::Before),
                Direction::BottomUp => Some(Side::After),
                _ => None,
            };
            side.map(|s| (s, self.titles[level - 1].width + 4.0))
        });
        let ranking = match &self.rankings[level] {
            Some(r) => r.clone(),
            None => layered::rank(blocks.len(), &edges),
        };
        let laid = layered::layout(&lnodes, &edges, &ranking, title.flatten(), self.spacing);
        let (c, m) = (laid.cross_size, laid.main_size);
        let size = if horizontal { (m, c) } else { (c, m) };
        let to_xy = level_xy(dir, m);
        let centers = blocks.iter().zip(&laid.centers).map(|(&b, &p)| (b, to_xy(p))).collect();
        let title_x = if level == 0 {
            None
        } else if horizontal {
            Some(self.title_place(level, &laid, &lnodes))
        } else {
            laid.title.map(|t| t + 2.0)
        };
        self.done[level] = Some(Level { dir, size, main_size: m, centers, routes: laid.routes, title_x });
        size
    }

    /// Self-loop edges of a block.
    fn loops_of(&self, block: Block) -> &[usize] {
        match block {
            Block::Node(i) => &self.loops[i],
            Block::Group(j) => &self.group_loops[j],
        }
    }

    /// Each self-loop of a block: its edge, how far it reaches out of the block, and how far
    /// its label's centre sits from the block border.
    fn loop_plan(&self, block: Block, horizontal: bool) -> Vec<(usize, f32, f32)> {
        let loops = self.loops_of(block);
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

    /// Room a block's self-loops need beside it, and the length along the ranks their labels
    /// need.
    fn loop_room(&self, block: Block, horizontal: bool) -> (f32, f32) {
        let plan = self.loop_plan(block, horizontal);
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

    /// Absolute rectangles of every node and group and the origin of every level's content,
    /// placing each level inside its group.
    fn place(
        &self,
        level: usize,
        origin: (f32, f32),
        nodes: &mut [Rect],
        groups: &mut [Rect],
        origins: &mut [(f32, f32)],
    ) {
        origins[level] = origin;
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
                    let (w, h) = self.group_size(j, content);
                    let rect = Rect::new(cx - w / 2.0, cy - h / 2.0, w, h);
                    groups[j] = rect;
                    let offset = self.content_offset(j, (w, h), content);
                    self.place(j + 1, (rect.x + offset.0, rect.y + offset.1), nodes, groups, origins);
                }
            }
        }
    }

    fn scene(&self, env: &Env, node_labels: &[Label]) -> Scene {
        let chart = self.chart;
        let mut node_rects = vec![Rect::new(0.0, 0.0, 0.0, 0.0); chart.nodes.len()];
        let mut group_rects = vec![Rect::new(0.0, 0.0, 0.0, 0.0); chart.subgraphs.len()];
        let mut origins = vec![(0.0, 0.0); self.levels.len()];
        self.place(0, (0.0, 0.0), &mut node_rects, &mut group_rects, &mut origins);
        let geometry = |b: Block| match b {
            Block::Node(i) => (chart.nodes[i].shape, node_rects[i]),
            Block::Group(j) => (Shape::Rect, group_rects[j]),
        };

        let mut scene = Scene::default();
        // Groups, outermost first.
        let mut order: Vec<usize> = (0..chart.subgraphs.len()).collect();
        order.sort_by_key(|&j| ancestors(chart, Block::Group(j)).len());
        for &j in &order {
            let sub = &chart.subgraphs[j];
            let color = env.other(j);
            scene.items.push(Item::Shape {
                shape: Shape::Rect,
                rect: group_rects[j],
                fill: Some(Paint { color: sub.style.fill.unwrap_or(color.tint(0.86)), alpha: 0.55 }),
                pen: Some(Pen {
                    color: sub.style.stroke.unwrap_or(color),
                    alpha: 0.85,
                    width: 0.8,
                    dash: if sub.style.dashed == Some(false) { Dash::Solid } else { Dash::Dashed },
                }),
            });
        }

        // Edges: each one's runs through its pieces, then ports spread along the sides.
        let mut routed: Vec<(usize, Vec<Run>, Option<Point>)> = Vec::new();
        for (i, pieces) in self.pieces.iter().enumerate() {
            if pieces.is_empty() || chart.edges[i].from == chart.edges[i].to {
                continue;
            }
            if let Some((mut runs, label)) = self.runs(pieces, &origins, &geometry) {
                route::prepare(&mut runs, i);
                routed.push((i, runs, label));
            }
        }
        let mut slots: Vec<&mut Slot> =
            routed.iter_mut().flat_map(|(_, runs, _)| runs.iter_mut()).filter_map(Run::slot).collect();
        route::spread(&mut slots);

        let mut edge_items = Vec::new();
        let mut label_items = Vec::new();
        for (i, runs, label_at) in &routed {
            let e = &chart.edges[*i];
            let (m, _) = unit(self.dirs[self.pieces[*i][0].0]);
            let (segments, start, end) = route::draw(runs, m);
            if e.kind != LineKind::Invisible {
                let path = scene.items.len() + edge_items.len();
                edge_items.push(Item::Path { segments, pen: edge_pen(e, env), start: e.start, end: e.end });
                scene.edges.push(EdgeEnds { from: e.from, to: e.to, start, end, path });
            }
            if let (Some(label), Some(at)) = (&self.edge_labels[*i], label_at) {
                push_edge_label(&mut label_items, label, *at, env);
            }
        }
        // Self-loops: out of one side and back in, each a little wider, labels beyond them.
        let blocks =
            (0..chart.nodes.len()).map(Block::Node).chain((0..chart.subgraphs.len()).map(Block::Group));
        for block in blocks {
            if self.loops_of(block).is_empty() {
                continue;
            }
            let (shape, rect) = geometry(block);
            let level = match block {
                Block::Node(i) => chart.nodes[i].parent,
                Block::Group(j) => chart.subgraphs[j].parent,
            }
            .map_or(0, |p| p + 1);
            let dir = self.dirs[level];
            let (m, c) = unit(dir);
            let ctr = center(rect);
            let quarter = if dot(m, (0.0, 1.0)).abs() > 0.5 { rect.height / 4.0 } else { rect.width / 4.0 };
            let o1 = Point::new(ctr.x - m.0 * quarter, ctr.y - m.1 * quarter);
            let o2 = Point::new(ctr.x + m.0 * quarter, ctr.y + m.1 * quarter);
            let start = shapes::boundary(shape, rect, o1, c);
            let end = shapes::boundary(shape, rect, o2, c);
            for (i, reach, label_at) in self.loop_plan(block, dir.horizontal()) {
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
                    // Measured from the block's side, so round shapes do not pull it in.
                    let half = if c.0.abs() > 0.5 { rect.width / 2.0 } else { rect.height / 2.0 };
                    let side = Point::new(ctr.x + c.0 * half, ctr.y + c.1 * half);
                    let at = Point::new(side.x + c.0 * label_at, side.y + c.1 * label_at);
                    push_edge_label(&mut label_items, label, at, env);
                }
            }
        }
        // Group titles where their level placed them (clear of the edges crossing the top),
        // else at the top left, where no edge crosses.
        let mut title_rects = vec![Rect::new(0.0, 0.0, 0.0, 0.0); chart.subgraphs.len()];
        for &j in &order {
            let (rect, title) = (group_rects[j], &self.titles[j]);
            let top = rect.y + GROUP_PAD * 0.7;
            let placed = self.done[j + 1].as_ref().and_then(|l| l.title_x).map(|t| origins[j + 1].0 + t);
            let x = placed.unwrap_or(rect.x + GROUP_PAD);
            label_items.push(Item::Text { label: title.clone(), cx: x + title.width / 2.0, top });
            title_rects[j] = Rect::new(x - 1.0, top - 1.0, title.width + 2.0, title.height + 2.0);
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

/// Turns rank-space (cross, main) of a level into x and y of its content.
fn level_xy(dir: Direction, m: f32) -> impl Fn((f32, f32)) -> (f32, f32) {
    move |(cross, main)| match dir {
        Direction::TopDown => (cross, main),
        Direction::BottomUp => (cross, m - main),
        Direction::LeftRight => (main, cross),
        Direction::RightLeft => (m - main, cross),
    }
}

/// `p` with its coordinate across the ranks set to `cross`.
fn with_cross(p: Point, cross: f32, c: (f32, f32)) -> Point {
    if c.0.abs() > 0.5 {
        Point::new(cross, p.y)
    } else {
        Point::new(p.x, cross)
    }
}

fn center(r: Rect) -> Point {
    Point::new(r.x + r.width / 2.0, r.y + r.height / 2.0)
}

fn dot(a: (f32, f32), b: (f32, f32)) -> f32 {
    a.0 * b.0 + a.1 * b.1
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
