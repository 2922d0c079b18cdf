//! An edge split into pieces, one per level it passes: the level that holds both its ends,
//! and every subgraph it leaves or enters, where it crosses the frame at a port. The levels
//! are ranked from the outside in, so that a piece inside a subgraph knows which side the edge
//! crosses: a row of ports before or after the subgraph's ranks, or straight out of a block's
//! side when the subgraph runs across its parent.

use super::layered::{self, LEdge, LEnd, Ranking, Side};
use super::{ancestors, dot, unit, Block, Flow};
use crate::diagram::model::{Direction, Endpoint, FlowEdge, Flowchart};
use crate::diagram::parse::Note;

/// An end of an edge's piece in one level: a block, or the level's border (a port where the
/// edge crosses the subgraph's frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PartEnd {
    Block(Block),
    Border(Side),
    /// Straight out of the block's side across the ranks, to the frame on that side.
    Across(Side),
}

/// The piece of an edge laid out in one level; `inner_from`/`inner_to` are the pieces inside
/// the subgraph blocks it continues into, as (level, index).
#[derive(Debug, Clone, Copy)]
pub(super) struct Part {
    pub(super) edge: usize,
    pub(super) from: PartEnd,
    pub(super) to: PartEnd,
    pub(super) common: bool,
    pub(super) inner_from: Option<(usize, usize)>,
    pub(super) inner_to: Option<(usize, usize)>,
    /// Runs along a row up to the top of the subgraph, where the title is.
    pub(super) up: bool,
}

/// A piece inside a subgraph (`part` in its level), or an edge ending on the subgraph's frame,
/// waiting for its side: `facing` is the way out of the subgraph through the side the edge
/// crosses (a unit vector), `outer` the piece in the parent level that reaches the subgraph,
/// `leaves` when the edge goes out there.
#[derive(Debug, Clone, Copy)]
struct Pending {
    part: usize,
    outer: (usize, usize),
    facing: (f32, f32),
    leaves: bool,
}

/// Where a border crossing facing `facing` lies for a level running `dir`: a row before or
/// after the ranks, or a side across them.
fn border_side(facing: (f32, f32), dir: Direction) -> PartEnd {
    let (m, c) = unit(dir);
    let along = dot(facing, m);
    if along > 0.5 {
        PartEnd::Border(Side::After)
    } else if along < -0.5 {
        PartEnd::Border(Side::Before)
    } else if dot(facing, c) > 0.0 {
        PartEnd::Across(Side::After)
    } else {
        PartEnd::Across(Side::Before)
    }
}

/// How an edge sits in the subgraph tree: the level holding both ends, and the subgraphs it
/// leaves (`out`, outermost first) and enters (`into`, outermost first) on its way.
struct Path {
    level: usize,
    out: Vec<usize>,
    into: Vec<usize>,
}

fn edge_path(chart: &Flowchart, e: &FlowEdge) -> Option<Path> {
    let (a, b) = (Block::from(e.from), Block::from(e.to));
    let (pa, pb) = (ancestors(chart, a), ancestors(chart, b));
    let common = pa.iter().zip(&pb).take_while(|(x, y)| x == y).count();
    let level = if common == 0 { 0 } else { pa[common - 1] + 1 };
    let (out, into) = (pa[common..].to_vec(), pb[common..].to_vec());
    // A subgraph linked to a node inside it: both ends are the same block at the level.
    let holds = |groups: &[usize], g: Block| matches!(g, Block::Group(j) if groups.contains(&j));
    if a != b && (holds(&pb, a) || holds(&pa, b)) {
        return None;
    }
    Some(Path { level, out, into })
}

impl Flow<'_> {
    /// Splits every edge into its pieces per level and ranks the levels from the outside in:
    /// a piece inside a subgraph needs to know which side of it the edge crosses.
    pub(super) fn plan(&mut self, notes: &mut Vec<Note>) {
        let chart = self.chart;
        let count = self.levels.len();
        for (i, e) in chart.edges.iter().enumerate() {
            let Some(path) = edge_path(chart, e) else {
                notes.push(Note {
                    line: e.line,
                    message: "an edge between a subgraph and a node inside it is not drawn".into(),
                });
                continue;
            };
            let block_at = |groups: &[usize], own: Endpoint| {
                groups.first().map_or(Block::from(own), |&g| Block::Group(g))
            };
            self.parts[path.level].push(Part {
                edge: i,
                from: PartEnd::Block(block_at(&path.out, e.from)),
                to: PartEnd::Block(block_at(&path.into, e.to)),
                common: true,
                inner_from: None,
                inner_to: None,
                up: false,
            });
        }
        self.dirs = (0..count)
            .map(|level| {
                let mut at = level;
                while at > 0 {
                    let sub = &chart.subgraphs[at - 1];
                    if let Some(d) = sub.direction {
                        return d;
                    }
                    at = sub.parent.map_or(0, |p| p + 1);
                }
                chart.direction
            })
            .collect();
        // Per level: pieces still to be given their side, and edges that end on the level's
        // frame, each with the side of the subgraph block in its parent's terms and that
        // parent's direction.
        let mut pending: Vec<Vec<Pending>> = vec![Vec::new(); count];
        let mut frame_ends: Vec<Vec<Pending>> = vec![Vec::new(); count];
        let mut order: Vec<usize> = (0..count).collect();
        order.sort_by_key(|&l| if l == 0 { 0 } else { ancestors(chart, Block::Group(l - 1)).len() + 1 });
        for level in order {
            let dir = self.dirs[level];
            let ranking = self.resolve_sides(level, &pending[level]);
            // Frame ends take their place among the ports where the border has some.
            for f in &frame_ends[level] {
                let PartEnd::Border(side) = border_side(f.facing, dir) else { continue };
                let row = match side {
                    Side::Before => ranking.before,
                    Side::After => ranking.after,
                };
                if !row {
                    continue;
                }
                let index = self.parts[level].len();
                let (l, k) = f.outer;
                let edge = self.parts[l][k].edge;
                self.parts[level].push(Part {
                    edge,
                    from: PartEnd::Border(side),
                    to: PartEnd::Border(side),
                    common: false,
                    inner_from: None,
                    inner_to: None,
                    up: false,
                });
                if f.leaves {
                    self.parts[l][k].inner_from = Some((level, index));
                } else {
                    self.parts[l][k].inner_to = Some((level, index));
                }
            }
            // Pieces on into the subgraph blocks of this level.
            let (m, c) = unit(dir);
            let row_of = |end: PartEnd| match end {
                PartEnd::Block(b) => {
                    self.levels[level].iter().position(|&x| x == b).map(|i| ranking.ranks[i])
                }
                PartEnd::Border(Side::Before) => Some(0),
                PartEnd::Border(Side::After) => Some(ranking.rows.saturating_sub(1)),
                PartEnd::Across(_) => None,
            };
            // The way out of a block towards the piece's other end.
            let facing = |end: PartEnd, other: PartEnd| match (row_of(end), other) {
                (_, PartEnd::Across(Side::After)) => Some(c),
                (_, PartEnd::Across(Side::Before)) => Some((-c.0, -c.1)),
                (Some(r), _) => row_of(other).map(|o| if r < o { m } else { (-m.0, -m.1) }),
                (None, _) => None,
            };
            for k in 0..self.parts[level].len() {
                let part = self.parts[level][k];
                let e = &chart.edges[part.edge];
                if part.from == part.to {
                    continue;
                }
                let ends = [(part.from, part.to, e.from, true), (part.to, part.from, e.to, false)];
                for (end, other, real, leaves) in ends {
                    let PartEnd::Block(Block::Group(g)) = end else { continue };
                    let Some(facing) = facing(end, other) else { continue };
                    let note = Pending { part: 0, outer: (level, k), facing, leaves };
                    if real == Endpoint::Group(g) {
                        frame_ends[g + 1].push(note);
                        continue;
                    }
                    // The block inside g that holds the edge's end.
                    let path = ancestors(chart, Block::from(real));
                    let inner = path
                        .iter()
                        .position(|&x| x == g)
                        .and_then(|at| path.get(at + 1))
                        .map_or(Block::from(real), |&h| Block::Group(h));
                    let index = self.parts[g + 1].len();
                    // The side is settled when the subgraph's level is ranked.
                    let (from, to) = if leaves {
                        (PartEnd::Block(inner), PartEnd::Border(Side::After))
                    } else {
                        (PartEnd::Border(Side::After), PartEnd::Block(inner))
                    };
                    self.parts[g + 1].push(Part {
                        edge: part.edge,
                        from,
                        to,
                        common: false,
                        inner_from: None,
                        inner_to: None,
                        up: false,
                    });
                    if leaves {
                        self.parts[level][k].inner_from = Some((g + 1, index));
                    } else {
                        self.parts[level][k].inner_to = Some((g + 1, index));
                    }
                    pending[g + 1].push(Pending { part: index, ..note });
                }
            }
            self.rankings[level] = Some(ranking);
        }
        // Every edge's pieces in its own direction: out of the innermost subgraph first.
        for (level, parts) in self.parts.iter().enumerate() {
            for (k, part) in parts.iter().enumerate() {
                if !part.common {
                    continue;
                }
                let mut seq = vec![(level, k)];
                let mut at = part.inner_from;
                while let Some((l, i)) = at {
                    seq.insert(0, (l, i));
                    at = self.parts[l][i].inner_from;
                }
                let mut at = part.inner_to;
                while let Some((l, i)) = at {
                    seq.push((l, i));
                    at = self.parts[l][i].inner_to;
                }
                self.pieces[part.edge] = seq;
            }
        }
    }

    /// Gives a piece that crosses the level's border its end there.
    fn set_end(&mut self, level: usize, p: &Pending, end: PartEnd) {
        let part = &mut self.parts[level][p.part];
        if p.leaves {
            part.to = end;
        } else {
            part.from = end;
        }
    }

    /// Settles the ends of the pieces that cross a level's border, and ranks the level. A
    /// crossing along the ranks ends in a row before or after them. One across the ranks goes
    /// straight out of its block's side when the block can be kept outermost in its rank on
    /// that side; else it ends in the nearer row and runs along it to the frame (the right one
    /// when it leaves through the top, where the title is written on the left).
    fn resolve_sides(&mut self, level: usize, pending: &[Pending]) -> Ranking {
        let dir = self.dirs[level];
        let mut across = Vec::new();
        for p in pending {
            match border_side(p.facing, dir) {
                PartEnd::Across(side) => across.push((*p, side)),
                end => self.set_end(level, p, end),
            }
        }
        if across.is_empty() {
            let edges = self.ledges(level);
            return layered::rank(self.levels[level].len(), &edges);
        }
        // Ranks without the crossings across, to see which blocks share a rank.
        for (p, _) in &across {
            let part = &mut self.parts[level][p.part];
            let inner = if p.leaves { part.from } else { part.to };
            (part.from, part.to) = (inner, inner);
        }
        let edges = self.ledges(level);
        let first = layered::rank(self.levels[level].len(), &edges);
        let low = first.ranks.iter().copied().min().unwrap_or(0);
        let high = first.ranks.iter().copied().max().unwrap_or(0);
        let mut taken: std::collections::BTreeMap<(usize, Side), usize> = std::collections::BTreeMap::new();
        let mut pinned_side: std::collections::BTreeMap<usize, Side> = std::collections::BTreeMap::new();
        for (p, side) in &across {
            let part = self.parts[level][p.part];
            let PartEnd::Block(b) = part.from else { continue };
            let Some(block) = self.levels[level].iter().position(|&x| x == b) else { continue };
            let rank = first.ranks[block];
            let owner = *taken.entry((rank, *side)).or_insert(block);
            let one_side = *pinned_side.entry(block).or_insert(*side) == *side;
            let end = if owner == block && one_side {
                PartEnd::Across(*side)
            } else if p.facing.1 < -0.5 && dir.horizontal() {
                PartEnd::Border(if dir == Direction::LeftRight { Side::After } else { Side::Before })
            } else if 2 * (rank - low) < high - low {
                PartEnd::Border(Side::Before)
            } else {
                PartEnd::Border(Side::After)
            };
            let part = &mut self.parts[level][p.part];
            part.up = matches!(end, PartEnd::Border(_)) && p.facing.1 < -0.5;
            if p.leaves {
                part.to = end;
            } else {
                part.from = end;
            }
        }
        // The ranks stay as decided on: a row must not pull a block into a taken rank.
        let edges = self.ledges(level);
        layered::with_terminal_rows(&first, &edges)
    }

    /// The pieces of a level as layered edges.
    pub(super) fn ledges(&self, level: usize) -> Vec<LEdge> {
        let horizontal = self.dirs[level].horizontal();
        let blocks = &self.levels[level];
        let end = |e: PartEnd| match e {
            PartEnd::Block(b) => LEnd::Node(blocks.iter().position(|&x| x == b).unwrap_or(usize::MAX)),
            PartEnd::Border(side) => LEnd::Border(side),
            PartEnd::Across(side) => LEnd::Across(side),
        };
        self.parts[level]
            .iter()
            .map(|part| {
                let label = if part.common {
                    self.edge_labels[part.edge].as_ref().map(|l| {
                        let (w, h) = (l.width + 6.0, l.height + 2.0);
                        if horizontal {
                            (h, w)
                        } else {
                            (w, h)
                        }
                    })
                } else {
                    None
                };
                let min_len = if part.common { self.chart.edges[part.edge].min_len } else { 1 };
                LEdge { from: end(part.from), to: end(part.to), min_len, label }
            })
            .collect()
    }
}
