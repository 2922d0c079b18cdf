//! Layered (Sugiyama) layout of one graph level: break cycles, assign ranks, put a dummy
//! vertex on every rank a long edge crosses (one of them holds its label), order each rank to
//! reduce crossings, then place vertices across the ranks so that dummies keep clear of nodes
//! like nodes do: every edge gets a lane of its own through the ranks it crosses.
//!
//! A level can be the inside of a subgraph that edges enter or leave: such an edge ends on a
//! terminal in an extra row before or after every rank ([`Side`]), where it crosses the
//! subgraph's border. Works in rank space: `main` runs along the ranks, `cross` across them;
//! the caller turns that into a direction.

/// A vertex to place: its size across and along the ranks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LNode {
    pub cross: f32,
    pub main: f32,
}

/// The border of a level an edge crosses: before its first rank or after its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Before,
    After,
}

/// An edge end: a node of the level, or a terminal on its border. An edge from a border to
/// the same border is a lone terminal: an edge that ends on the level's frame keeps its place
/// among the ports there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LEnd {
    Node(usize),
    Border(Side),
    /// Straight out of the node's side across the ranks (`Before`: the low side): the node
    /// is kept outermost in its rank on that side, so nothing stands in the way.
    Across(Side),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LEdge {
    pub from: LEnd,
    pub to: LEnd,
    pub min_len: usize,
    /// Label size (cross, main), placed on a dummy vertex halfway.
    pub label: Option<(f32, f32)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub node_sep: f32,
    pub rank_sep: f32,
}

/// Cross size of an edge's lane: what a dummy vertex takes in its rank.
pub const LANE: f32 = 2.0;

/// The ranks of a level, which depend on its edges only: subgraphs are ranked before their
/// insides are measured, so that an edge knows which side of a subgraph it crosses.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Row of every node; row 0 holds the `Before` terminals when there are any.
    pub ranks: Vec<usize>,
    /// Rows in all, terminal rows included.
    pub rows: usize,
    /// Per edge: it runs against the rows (from a higher row to a lower one).
    pub reversed: Vec<bool>,
    /// Rows of terminals before and after the ranks exist.
    pub before: bool,
    pub after: bool,
    labelled: bool,
}

/// A straight stretch of an edge at one cross position, from main `from` to main `to` in the
/// edge's direction: through the rank of a dummy vertex, or a terminal (`from == to`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lane {
    pub cross: f32,
    pub from: f32,
    pub to: f32,
}

/// An edge's way through the level, in the edge's own direction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Route {
    /// Lanes between the ends (dummies), with a terminal end's lane first or last.
    pub lanes: Vec<Lane>,
    pub label: Option<(f32, f32)>,
    pub reversed: bool,
    /// For node ends: the main coordinate where the edge leaves the `from` node's rank and
    /// where it enters the `to` node's rank.
    pub from_edge: f32,
    pub to_edge: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layered {
    /// Centre (cross, main) of every node.
    pub centers: Vec<(f32, f32)>,
    pub routes: Vec<Route>,
    /// Where the reserved title room sits across the ranks (left edge), when asked for.
    pub title: Option<f32>,
    pub cross_size: f32,
    pub main_size: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Node,
    Dummy,
    Label,
    Terminal,
    Title,
}

struct Vertex {
    cross: f32,
    main: f32,
    kind: Kind,
    rank: usize,
}

impl Vertex {
    /// Nodes, labels and titles are kept a full node gap apart; lanes come closer.
    fn solid(&self) -> bool {
        matches!(self.kind, Kind::Node | Kind::Label | Kind::Title)
    }
}

/// Ranks `n` nodes by `edges`: cycles broken, longest paths, then sources pulled down next to
/// their successors so that edges stay short (an edge out through the `After` border counts as
/// leading to a rank after all others).
pub fn rank(n: usize, edges: &[LEdge]) -> Ranking {
    let labelled = edges.iter().any(|e| e.label.is_some() && e.from != e.to);
    let factor = if labelled { 2 } else { 1 };
    let reversed_inner = break_cycles(n, edges);
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut inc: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut leaves = vec![false; n];
    let mut enters = vec![false; n];
    let mut reversed = vec![false; edges.len()];
    let (mut before, mut after) = (false, false);
    for (i, e) in edges.iter().enumerate() {
        let len = e.min_len.max(1) * factor;
        match (e.from, e.to) {
            (LEnd::Node(a), LEnd::Node(b)) if a != b && a < n && b < n => {
                let (u, v) = if reversed_inner[i] { (b, a) } else { (a, b) };
                reversed[i] = reversed_inner[i];
                out[u].push((v, len));
                inc[v].push((u, len));
            }
            (LEnd::Border(side), LEnd::Node(z)) | (LEnd::Node(z), LEnd::Border(side)) if z < n => {
                reversed[i] =
                    matches!(e.to, LEnd::Border(Side::Before)) || matches!(e.from, LEnd::Border(Side::After));
                match side {
                    Side::Before => {
                        before = true;
                        enters[z] = true;
                    }
                    Side::After => {
                        after = true;
                        leaves[z] = true;
                    }
                }
            }
            _ => {}
        }
    }
    let mut indegree: Vec<usize> = inc.iter().map(Vec::len).collect();
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(v) = ready.pop_first() {
        order.push(v);
        for &(w, _) in &out[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.insert(w);
            }
        }
    }
    let mut rank = vec![0i64; n];
    for &v in &order {
        for &(u, len) in &inc[v] {
            rank[v] = rank[v].max(rank[u] + len as i64);
        }
    }
    let top = rank.iter().copied().max().unwrap_or(0) + factor as i64;
    for &v in order.iter().rev() {
        if inc[v].is_empty() && !enters[v] && (!out[v].is_empty() || leaves[v]) {
            let exit = if leaves[v] { Some(top - factor as i64) } else { None };
            let pulled = out[v].iter().map(|&(w, len)| rank[w] - len as i64).chain(exit).min();
            rank[v] = pulled.unwrap_or(rank[v]);
        }
    }
    let low = rank.iter().copied().min().unwrap_or(0);
    let shift = i64::from(before);
    let ranks: Vec<usize> = rank.iter().map(|r| (r - low + shift) as usize).collect();
    let last = ranks.iter().copied().max().map_or(0, |m| m + 1);
    let rows = last.max(usize::from(before)) + usize::from(after);
    Ranking { ranks, rows, reversed, before, after, labelled }
}

/// `ranking` of the nodes alone, with rows added for the terminals of `edges` and the nodes'
/// ranks kept: a crossing decided on those ranks stays valid.
pub fn with_terminal_rows(ranking: &Ranking, edges: &[LEdge]) -> Ranking {
    let touches =
        |side: Side| edges.iter().any(|e| e.from == LEnd::Border(side) || e.to == LEnd::Border(side));
    let (before, after) = (touches(Side::Before), touches(Side::After));
    let low = ranking.ranks.iter().copied().min().unwrap_or(0);
    let ranks: Vec<usize> = ranking.ranks.iter().map(|r| r - low + usize::from(before)).collect();
    let last = ranks.iter().copied().max().map_or(0, |m| m + 1);
    let rows = last.max(usize::from(before)) + usize::from(after);
    let reversed = edges
        .iter()
        .enumerate()
        .map(|(i, e)| match (e.from, e.to) {
            (LEnd::Node(_), LEnd::Node(_)) => ranking.reversed.get(i).copied().unwrap_or(false),
            _ => e.to == LEnd::Border(Side::Before) || e.from == LEnd::Border(Side::After),
        })
        .collect();
    Ranking { ranks, rows, reversed, before, after, labelled: ranking.labelled }
}

/// Lays out a ranked level. `title`: room of this cross size to keep free at the start of the
/// `Side` terminal row (a subgraph's title, written where edges cross its border).
pub fn layout(
    nodes: &[LNode],
    edges: &[LEdge],
    ranking: &Ranking,
    title: Option<(Side, f32)>,
    params: Params,
) -> Layered {
    let n = nodes.len();
    let Some(last_row) = ranking.rows.checked_sub(1) else {
        return Layered {
            centers: Vec::new(),
            routes: vec![Route::default(); edges.len()],
            title: None,
            cross_size: 0.0,
            main_size: 0.0,
        };
    };
    let row_of = |side: Side| match side {
        Side::Before => 0,
        Side::After => last_row,
    };
    let mut vertices: Vec<Vertex> = nodes
        .iter()
        .zip(&ranking.ranks)
        .map(|(node, &rank)| Vertex { cross: node.cross, main: node.main, kind: Kind::Node, rank })
        .collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    let mut label_vertex: Vec<Option<usize>> = vec![None; edges.len()];
    let mut pins: Vec<(usize, Side)> = Vec::new();
    for (i, e) in edges.iter().enumerate() {
        let mut end = |end: LEnd| match end {
            LEnd::Node(v) => (v < n).then_some(v),
            LEnd::Across(_) => None,
            LEnd::Border(side) => {
                let terminal = Vertex { cross: LANE, main: 0.0, kind: Kind::Terminal, rank: row_of(side) };
                Some(add(&mut vertices, &mut succ, &mut pred, terminal))
            }
        };
        if let (LEnd::Border(side), true) = (e.from, e.from == e.to) {
            let row = match side {
                Side::Before => ranking.before,
                Side::After => ranking.after,
            };
            chains.push(if row { end(e.from).into_iter().collect() } else { Vec::new() });
            continue;
        }
        if let (LEnd::Node(v), LEnd::Across(side)) | (LEnd::Across(side), LEnd::Node(v)) = (e.from, e.to) {
            if v < n {
                pins.push((v, side));
            }
            chains.push(Vec::new());
            continue;
        }
        if e.from == e.to {
            chains.push(Vec::new());
            continue;
        }
        let (Some(a), Some(b)) = (end(e.from), end(e.to)) else {
            chains.push(Vec::new());
            continue;
        };
        let rev = ranking.reversed.get(i).copied().unwrap_or(false);
        let (u, v) = if rev { (b, a) } else { (a, b) };
        let (ru, rv) = (vertices[u].rank, vertices[v].rank);
        if ru >= rv {
            // Not expected from a ranking; such an edge is left without a route.
            chains.push(Vec::new());
            continue;
        }
        let labelled = e.label.is_some() && matches!((e.from, e.to), (LEnd::Node(_), LEnd::Node(_)));
        let mid = ru + (rv - ru) / 2;
        let mut chain = vec![u];
        for r in ru + 1..rv {
            let label = if labelled && r == mid { e.label } else { None };
            let vertex = match label {
                Some((cross, main)) => Vertex { cross, main, kind: Kind::Label, rank: r },
                None => Vertex { cross: LANE, main: 0.0, kind: Kind::Dummy, rank: r },
            };
            let id = add(&mut vertices, &mut succ, &mut pred, vertex);
            if label.is_some() {
                label_vertex[i] = Some(id);
            }
            chain.push(id);
        }
        chain.push(v);
        for w in chain.windows(2) {
            succ[w[0]].push(w[1]);
            pred[w[1]].push(w[0]);
        }
        chains.push(chain);
    }
    let title_vertex = title.and_then(|(side, width)| {
        let row = row_of(side);
        let used = vertices.iter().any(|v| v.kind == Kind::Terminal && v.rank == row);
        let room = Vertex { cross: width, main: 0.0, kind: Kind::Title, rank: row };
        used.then(|| add(&mut vertices, &mut succ, &mut pred, room))
    });
    compact_ranks(&mut vertices);
    let rank_count = vertices.iter().map(|v| v.rank).max().unwrap_or(0) + 1;

    let mut layers = initial_order(&vertices, &succ, rank_count, n);
    if let Some(t) = title_vertex {
        pins.insert(0, (t, Side::Before));
    }
    let pins = Pins::new(pins, &vertices);
    pins.apply(&mut layers);
    reduce_crossings(&mut layers, &succ, &pred, &pins);
    let cross = place_across(&layers, &vertices, &succ, &pred, params.node_sep);

    // Along the ranks: each rank as thick as its thickest vertex.
    let gap = if ranking.labelled { params.rank_sep / 2.0 } else { params.rank_sep };
    let mut thickness = vec![0.0f32; rank_count];
    for v in &vertices {
        thickness[v.rank] = thickness[v.rank].max(v.main);
    }
    let mut centre = vec![0.0f32; rank_count];
    let mut at = 0.0;
    for r in 0..rank_count {
        if r > 0 {
            at += gap;
        }
        centre[r] = at + thickness[r] / 2.0;
        at += thickness[r];
    }
    let main_size = at;
    let left = vertices.iter().enumerate().map(|(i, v)| cross[i] - v.cross / 2.0).fold(f32::MAX, f32::min);
    let right = vertices.iter().enumerate().map(|(i, v)| cross[i] + v.cross / 2.0).fold(f32::MIN, f32::max);
    let pos = |i: usize| (cross[i] - left, centre[vertices[i].rank]);
    let band = |i: usize| {
        let r = vertices[i].rank;
        (centre[r] - thickness[r] / 2.0, centre[r] + thickness[r] / 2.0)
    };

    let centers = (0..n).map(pos).collect();
    let routes = chains
        .iter()
        .enumerate()
        .map(|(i, chain)| {
            let (Some(&first), Some(&last)) = (chain.first(), chain.last()) else {
                return Route::default();
            };
            // In rank order first: every vertex but real nodes is a lane.
            let mut lanes: Vec<Lane> = chain
                .iter()
                .filter(|&&v| vertices[v].kind != Kind::Node)
                .map(|&v| {
                    let (lo, hi) = band(v);
                    Lane { cross: cross[v] - left, from: lo, to: hi }
                })
                .collect();
            let (tail_edge, head_edge) = (band(first).1, band(last).0);
            let rev = ranking.reversed.get(i).copied().unwrap_or(false);
            let (from_edge, to_edge) = if rev {
                lanes.reverse();
                for lane in &mut lanes {
                    std::mem::swap(&mut lane.from, &mut lane.to);
                }
                (band(last).0, band(first).1)
            } else {
                (tail_edge, head_edge)
            };
            Route { lanes, label: label_vertex[i].map(pos), reversed: rev, from_edge, to_edge }
        })
        .collect();
    let title = title_vertex.map(|t| cross[t] - left - vertices[t].cross / 2.0);
    Layered { centers, routes, title, cross_size: (right - left).max(0.0), main_size }
}

/// Adds a vertex without neighbours yet and returns its index.
fn add(
    vertices: &mut Vec<Vertex>,
    succ: &mut Vec<Vec<usize>>,
    pred: &mut Vec<Vec<usize>>,
    v: Vertex,
) -> usize {
    vertices.push(v);
    succ.push(Vec::new());
    pred.push(Vec::new());
    vertices.len() - 1
}

/// Drops ranks that hold no vertex, so that no double gaps open up.
fn compact_ranks(vertices: &mut [Vertex]) {
    let count = vertices.iter().map(|v| v.rank).max().map_or(0, |m| m + 1);
    let mut used = vec![false; count];
    for v in vertices.iter() {
        used[v.rank] = true;
    }
    let mut new_rank = vec![0; count];
    let mut next = 0;
    for r in 0..count {
        new_rank[r] = next;
        if used[r] {
            next += 1;
        }
    }
    for v in vertices.iter_mut() {
        v.rank = new_rank[v.rank];
    }
}

/// Marks the edges that close a cycle (found by depth-first search in node order); turning
/// them around makes the graph acyclic.
fn break_cycles(n: usize, edges: &[LEdge]) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, e) in edges.iter().enumerate() {
        if let (LEnd::Node(a), LEnd::Node(b)) = (e.from, e.to) {
            if a != b && a < n && b < n {
                out[a].push(i);
            }
        }
    }
    let to = |e: usize| match edges[e].to {
        LEnd::Node(b) => b,
        LEnd::Border(_) | LEnd::Across(_) => 0,
    };
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    let mut reversed = vec![false; edges.len()];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&e) = out[v].get(*next) {
                *next += 1;
                let w = to(e);
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => reversed[e] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    reversed
}

/// A first order per rank from a depth-first walk, so connected vertices start close.
fn initial_order(vertices: &[Vertex], succ: &[Vec<usize>], ranks: usize, real: usize) -> Vec<Vec<usize>> {
    let mut layers = vec![Vec::new(); ranks];
    let mut seen = vec![false; vertices.len()];
    let mut has_pred = vec![false; vertices.len()];
    for s in succ {
        for &w in s {
            has_pred[w] = true;
        }
    }
    let roots = (0..real).filter(|&v| !has_pred[v]).chain(0..vertices.len());
    for root in roots {
        if seen[root] {
            continue;
        }
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            layers[vertices[v].rank].push(v);
            for &w in succ[v].iter().rev() {
                if !seen[w] {
                    stack.push(w);
                }
            }
        }
    }
    layers
}

/// Vertices kept first or last in their rank: the title room, and nodes an edge leaves
/// straight across the ranks. One per end of a rank; later requests for a taken end are
/// dropped.
struct Pins {
    /// Per rank: the vertex kept first and the one kept last.
    ends: Vec<(Option<usize>, Option<usize>)>,
    pinned: Vec<bool>,
}

impl Pins {
    fn new(requests: Vec<(usize, Side)>, vertices: &[Vertex]) -> Pins {
        let ranks = vertices.iter().map(|v| v.rank + 1).max().unwrap_or(0);
        let mut ends = vec![(None, None); ranks];
        let mut pinned = vec![false; vertices.len()];
        for (v, side) in requests {
            let end = &mut ends[vertices[v].rank];
            let slot = match side {
                Side::Before => &mut end.0,
                Side::After => &mut end.1,
            };
            if slot.is_none() && !pinned[v] {
                *slot = Some(v);
                pinned[v] = true;
            }
        }
        Pins { ends, pinned }
    }

    fn apply(&self, layers: &mut [Vec<usize>]) {
        for (r, layer) in layers.iter_mut().enumerate() {
            self.apply_rank(r, layer);
        }
    }

    fn apply_rank(&self, r: usize, layer: &mut Vec<usize>) {
        let Some(&(first, last)) = self.ends.get(r) else { return };
        if let Some(at) = first.and_then(|p| layer.iter().position(|&v| v == p)) {
            let v = layer.remove(at);
            layer.insert(0, v);
        }
        if let Some(at) = last.and_then(|p| layer.iter().position(|&v| v == p)) {
            let v = layer.remove(at);
            layer.push(v);
        }
    }
}

/// Edge crossings between two adjacent ranks: inversions of the edges' lower ends once they
/// are sorted by their upper ends, counted with a Fenwick tree in O(E log E).
fn crossings_between(upper: &[usize], succ: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for &u in upper {
        for &w in &succ[u] {
            pairs.push((pos[u], pos[w]));
        }
    }
    pairs.sort_unstable();
    let width = pairs.iter().map(|p| p.1 + 1).max().unwrap_or(0);
    let mut tree = vec![0usize; width + 1];
    let mut count = 0;
    for (seen, &(_, low)) in pairs.iter().enumerate() {
        // Earlier edges whose lower end lies strictly right of this one cross it.
        let mut at_most = 0;
        let mut i = low + 1;
        while i > 0 {
            at_most += tree[i];
            i -= i & i.wrapping_neg();
        }
        count += seen - at_most;
        let mut i = low + 1;
        while i <= width {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

fn total_crossings(layers: &[Vec<usize>], succ: &[Vec<usize>], pos: &[usize]) -> usize {
    layers.iter().map(|layer| crossings_between(layer, succ, pos)).sum()
}

fn positions(layers: &[Vec<usize>], count: usize) -> Vec<usize> {
    let mut pos = vec![0; count];
    for layer in layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    pos
}

/// Barycentre sweeps down and up with adjacent swaps, keeping the best order seen.
fn reduce_crossings(layers: &mut [Vec<usize>], succ: &[Vec<usize>], pred: &[Vec<usize>], pins: &Pins) {
    let count = succ.len();
    let mut pos = positions(layers, count);
    let mut best = layers.to_vec();
    let mut best_crossings = total_crossings(layers, succ, &pos);
    for iteration in 0..12 {
        if best_crossings == 0 {
            break;
        }
        let down = iteration % 2 == 0;
        let order: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for r in order {
            let neighbours = if down { pred } else { succ };
            let mut keyed: Vec<(usize, f32)> = layers[r]
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        pos[v] as f32
                    } else {
                        ns.iter().map(|&w| pos[w] as f32).sum::<f32>() / ns.len() as f32
                    };
                    (v, key)
                })
                .collect();
            keyed.sort_by(|a, b| a.1.total_cmp(&b.1));
            layers[r] = keyed.into_iter().map(|(v, _)| v).collect();
            pins.apply_rank(r, &mut layers[r]);
            for (i, &v) in layers[r].iter().enumerate() {
                pos[v] = i;
            }
        }
        transpose(layers, succ, pred, &mut pos, &pins.pinned);
        let crossings = total_crossings(layers, succ, &pos);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Pairs (a from `left`, b from `right`) with a right of b: crossings between the edges of two
/// neighbouring vertices towards one rank.
fn pair_crossings(
    left: &[usize],
    right: &[usize],
    pos: &[usize],
    scratch: &mut (Vec<usize>, Vec<usize>),
) -> usize {
    let (a, b) = scratch;
    a.clear();
    b.clear();
    a.extend(left.iter().map(|&w| pos[w]));
    b.extend(right.iter().map(|&w| pos[w]));
    a.sort_unstable();
    b.sort_unstable();
    let mut count = 0;
    let mut below = 0;
    for &x in a.iter() {
        while below < b.len() && b[below] < x {
            below += 1;
        }
        count += below;
    }
    count
}

/// Swaps neighbours in a rank while that removes crossings; each swap is judged by the
/// crossings between the two vertices' own edges only, so a pass costs O(E log E).
fn transpose(
    layers: &mut [Vec<usize>],
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
    pos: &mut [usize],
    pinned: &[bool],
) {
    let mut scratch = (Vec::new(), Vec::new());
    for _ in 0..8 {
        let mut improved = false;
        for layer in layers.iter_mut() {
            for i in 0..layer.len().saturating_sub(1) {
                let (u, v) = (layer[i], layer[i + 1]);
                if pinned[u] || pinned[v] {
                    continue;
                }
                let now = pair_crossings(&pred[u], &pred[v], pos, &mut scratch)
                    + pair_crossings(&succ[u], &succ[v], pos, &mut scratch);
                let swapped = pair_crossings(&pred[v], &pred[u], pos, &mut scratch)
                    + pair_crossings(&succ[v], &succ[u], pos, &mut scratch);
                if swapped < now {
                    layer.swap(i, i + 1);
                    pos[u] = i + 1;
                    pos[v] = i;
                    improved = true;
                }
            }
        }
        if !improved {
            return;
        }
    }
}

/// Cross coordinates: every vertex pulled towards the weighted mean of its neighbours in
/// the rank before (sweeping down) or after (sweeping up), solved per rank exactly under the
/// spacing constraints. Long edges weigh more, so they run straight.
fn place_across(
    layers: &[Vec<usize>],
    vertices: &[Vertex],
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
    node_sep: f32,
) -> Vec<f32> {
    let count = vertices.len();
    let sep = |a: usize, b: usize| {
        let (va, vb) = (&vertices[a], &vertices[b]);
        let gap = match (va.solid(), vb.solid()) {
            (true, true) => node_sep,
            (false, false) => node_sep * 0.35,
            _ => node_sep * 0.6,
        };
        (va.cross + vb.cross) / 2.0 + gap
    };
    let weight = |a: usize, b: usize| match (vertices[a].kind == Kind::Node, vertices[b].kind == Kind::Node) {
        (true, true) => 1.0,
        (false, false) => 8.0,
        _ => 2.0,
    };
    let mut x = vec![0.0f32; count];
    for layer in layers {
        let mut at = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                at += sep(layer[i - 1], v);
            }
            x[v] = at;
        }
        let shift = at / 2.0;
        for &v in layer {
            x[v] -= shift;
        }
    }
    let rounds = 10;
    for round in 0..rounds + 2 {
        let both = round >= rounds;
        let down = round % 2 == 0;
        let order: Vec<usize> =
            if down { (0..layers.len()).collect() } else { (0..layers.len()).rev().collect() };
        for r in order {
            let layer = &layers[r];
            let mut desired = Vec::with_capacity(layer.len());
            let mut weights = Vec::with_capacity(layer.len());
            for &v in layer {
                let mut sum = 0.0;
                let mut total = 0.0;
                let sources: [&[usize]; 2] = if both {
                    [&pred[v], &succ[v]]
                } else if down {
                    [&pred[v], &[]]
                } else {
                    [&succ[v], &[]]
                };
                for &w in sources.iter().flat_map(|s| s.iter()) {
                    let k = weight(v, w);
                    sum += k * x[w];
                    total += k;
                }
                if total > 0.0 {
                    desired.push(sum / total);
                    weights.push(total);
                } else {
                    desired.push(x[v]);
                    weights.push(0.05);
                }
            }
            let seps: Vec<f32> = layer.windows(2).map(|w| sep(w[0], w[1])).collect();
            let placed = place_in_order(&desired, &weights, &seps);
            for (&v, p) in layer.iter().zip(placed) {
                x[v] = p;
            }
        }
    }
    x
}

/// The positions closest (weighted least squares) to `desired` that keep the order and at
/// least `seps[i]` between neighbours: isotonic regression by pooling adjacent violators.
pub fn place_in_order(desired: &[f32], weights: &[f32], seps: &[f32]) -> Vec<f32> {
    let n = desired.len();
    let mut offset = vec![0.0f32; n];
    for i in 1..n {
        offset[i] = offset[i - 1] + seps[i - 1];
    }
    // Blocks of (weight, weighted mean, count).
    let mut blocks: Vec<(f32, f32, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        let mut block = (weights[i], desired[i] - offset[i], 1usize);
        while let Some(&last) = blocks.last() {
            if last.1 <= block.1 {
                break;
            }
            blocks.pop();
            let w = last.0 + block.0;
            block = (w, (last.0 * last.1 + block.0 * block.1) / w, last.2 + block.2);
        }
        blocks.push(block);
    }
    let mut out = Vec::with_capacity(n);
    for (_, mean, count) in blocks {
        for _ in 0..count {
            let i = out.len();
            out.push(mean + offset[i]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_are_counted_as_pairs_of_edges_that_swap_sides() {
        // Upper 0,1,2 and lower 3,4,5 with every edge crossing every edge of the others.
        let succ: Vec<Vec<usize>> = vec![vec![5], vec![4], vec![3], vec![], vec![], vec![]];
        let pos = vec![0, 1, 2, 0, 1, 2];
        assert_eq!(crossings_between(&[0, 1, 2], &succ, &pos), 3);
        // Fans from one node and edges to one node never cross each other.
        let fan = vec![vec![3, 4, 5], vec![3], vec![], vec![], vec![], vec![]];
        assert_eq!(crossings_between(&[0, 1, 2], &fan, &pos), 2);
        // The same count from the pairs of neighbours, as transposing judges a swap.
        let mut scratch = (Vec::new(), Vec::new());
        assert_eq!(pair_crossings(&fan[0], &fan[1], &pos, &mut scratch), 2);
        assert_eq!(pair_crossings(&fan[1], &fan[0], &pos, &mut scratch), 0);
    }

    fn node() -> LNode {
        LNode { cross: 40.0, main: 20.0 }
    }

    fn edge(from: usize, to: usize) -> LEdge {
        LEdge { from: LEnd::Node(from), to: LEnd::Node(to), min_len: 1, label: None }
    }

    const P: Params = Params { node_sep: 10.0, rank_sep: 20.0 };

    fn lay(nodes: &[LNode], edges: &[LEdge]) -> Layered {
        layout(nodes, edges, &rank(nodes.len(), edges), None, P)
    }

    #[test]
    fn ranks_follow_edges_and_cycles_are_broken() {
        let nodes = vec![node(); 4];
        let edges = vec![edge(0, 1), edge(1, 2), edge(2, 0), edge(2, 3)];
        let l = lay(&nodes, &edges);
        let main: Vec<f32> = l.centers.iter().map(|c| c.1).collect();
        assert!(main[0] < main[1] && main[1] < main[2] && main[2] < main[3], "{main:?}");
        assert!(l.routes[2].reversed && !l.routes[0].reversed);
        // The reversed edge 2 → 0 runs up through its lane: from rank 2 back to rank 0.
        let lanes = &l.routes[2].lanes;
        assert_eq!(lanes.len(), 1, "{lanes:?}");
        assert!(lanes[0].from > lanes[0].to, "travels against the ranks: {lanes:?}");
        assert!(l.routes[2].from_edge < main[2] && l.routes[2].to_edge > main[0]);
    }

    #[test]
    fn long_edges_get_lanes_clear_of_the_nodes_they_pass() {
        // 0 → 1 → 2 → 3 and 4 → 3: node 4 is pulled down next to 3.
        let nodes = vec![node(); 5];
        let edges = vec![edge(0, 1), edge(1, 2), edge(2, 3), edge(4, 3), edge(0, 3)];
        let l = lay(&nodes, &edges);
        assert!((l.centers[4].1 - l.centers[2].1).abs() < 0.01, "{:?}", l.centers);
        let lanes = &l.routes[4].lanes;
        assert_eq!(lanes.len(), 2, "two dummies between ranks 0 and 3");
        for (lane, passed) in lanes.iter().zip([1, 2]) {
            let gap = (lane.cross - l.centers[passed].0).abs() - 20.0 - LANE / 2.0;
            assert!(gap >= 6.0 - 0.01, "lane {lane:?} only {gap} from node {passed}");
            assert!(
                lane.from < l.centers[passed].1 - 10.0 + 0.01 && lane.to > l.centers[passed].1 + 10.0 - 0.01
            );
        }
    }

    #[test]
    fn nodes_in_a_rank_do_not_overlap() {
        let nodes = vec![node(); 7];
        let edges: Vec<LEdge> = (1..7).map(|i| edge(0, i)).collect();
        let l = lay(&nodes, &edges);
        let mut xs: Vec<f32> = l.centers[1..].iter().map(|c| c.0).collect();
        xs.sort_by(f32::total_cmp);
        for w in xs.windows(2) {
            assert!(w[1] - w[0] >= 50.0 - 0.01, "{xs:?}");
        }
        // The parent sits over the middle of its children.
        let mid = (xs[0] + xs[5]) / 2.0;
        assert!((l.centers[0].0 - mid).abs() < 1.0, "{} vs {mid}", l.centers[0].0);
    }

    #[test]
    fn crossings_are_removed_when_possible() {
        // K2,2 drawn with swapped order must end uncrossed: 0→3, 1→2.
        let nodes = vec![node(); 4];
        let edges = vec![edge(0, 3), edge(1, 2)];
        let l = lay(&nodes, &edges);
        let (a, b) = ((l.centers[0].0, l.centers[3].0), (l.centers[1].0, l.centers[2].0));
        assert!((a.0 < b.0) == (a.1 < b.1), "{:?}", l.centers);
    }

    #[test]
    fn labels_get_their_own_space() {
        let nodes = vec![node(); 2];
        let edges = vec![LEdge { label: Some((30.0, 12.0)), ..edge(0, 1) }];
        let l = lay(&nodes, &edges);
        let label = l.routes[0].label.unwrap();
        assert!(label.1 - 6.0 >= l.centers[0].1 + 10.0 && label.1 + 6.0 <= l.centers[1].1 - 10.0, "{l:?}");
    }

    #[test]
    fn border_terminals_sit_in_rows_before_and_after_every_rank() {
        // Inside a subgraph: 0 → 1, an edge in from outside to 1, one out from 0.
        let nodes = vec![node(); 2];
        let edges = vec![
            edge(0, 1),
            LEdge { from: LEnd::Border(Side::Before), ..edge(0, 1) },
            LEdge { to: LEnd::Border(Side::After), ..edge(0, 1) },
        ];
        let ranking = rank(2, &edges);
        assert_eq!(ranking.ranks, [1, 2]);
        assert_eq!(ranking.rows, 4);
        let l = layout(&nodes, &edges, &ranking, Some((Side::Before, 30.0)), P);
        // In: a terminal at the top, then a lane past node 0, clear of it.
        let lanes = &l.routes[1].lanes;
        assert_eq!(lanes.len(), 2, "{lanes:?}");
        assert_eq!(lanes[0].from, 0.0);
        assert!((lanes[1].cross - l.centers[0].0).abs() >= 20.0 + LANE / 2.0 + 6.0 - 0.01);
        // The title room comes first in the top row, and the terminal keeps clear of it.
        let title = l.title.expect("title room");
        assert!(title + 30.0 + 6.0 <= lanes[0].cross - LANE / 2.0 + 0.01, "{title} {lanes:?}");
        // Out: node 0's lane down past node 1 to the bottom row.
        let out = &l.routes[2].lanes;
        assert_eq!(out.len(), 2, "{out:?}");
        assert!((out[1].to - l.main_size).abs() < 0.01);
    }

    #[test]
    fn terminal_rows_keep_the_ranks_they_were_decided_on() {
        // 0 → 1 alone puts 2 in rank 0; an edge out of 2 through the after border would pull it
        // down next to the border when ranked again, but keeps its rank here.
        let edges = vec![edge(0, 1), LEdge { to: LEnd::Border(Side::After), ..edge(2, 2) }];
        let alone = rank(3, &edges[..1]);
        assert_eq!(alone.ranks, [0, 1, 0]);
        assert_eq!(rank(3, &edges).ranks, [0, 1, 1], "ranked again, 2 is pulled down");
        let kept = with_terminal_rows(&alone, &edges);
        assert_eq!(kept.ranks, [0, 1, 0]);
        assert_eq!((kept.rows, kept.before, kept.after), (3, false, true));
        assert!(!kept.reversed[1], "out through the after border runs with the ranks");
        let into = [LEdge { from: LEnd::Border(Side::After), to: LEnd::Node(2), ..edge(0, 0) }];
        let turned = with_terminal_rows(&rank(3, &[]), &into);
        assert!(turned.reversed[0], "in from the after border runs against the ranks");
    }

    #[test]
    fn transposing_a_thousand_edges_is_fast() {
        let nodes = vec![node(); 400];
        let mut seed = 1u64;
        let edges: Vec<LEdge> = (0..1000)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                edge(((seed >> 33) % 200) as usize, 200 + ((seed >> 17) % 200) as usize)
            })
            .collect();
        let started = std::time::Instant::now();
        let l = lay(&nodes, &edges);
        assert_eq!(l.centers.len(), 400);
        assert!(started.elapsed().as_secs_f32() < 1.0, "{:?}", started.elapsed());
    }

    #[test]
    fn isotonic_placement_respects_order_and_spacing() {
        let placed = place_in_order(&[5.0, 0.0, 0.0], &[1.0, 1.0, 1.0], &[10.0, 10.0]);
        assert!(placed[1] - placed[0] >= 9.999 && placed[2] - placed[1] >= 9.999, "{placed:?}");
        let free = place_in_order(&[0.0, 50.0], &[1.0, 1.0], &[10.0]);
        assert_eq!(free, [0.0, 50.0]);
    }
}
