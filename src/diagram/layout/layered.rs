//! Layered (Sugiyama) layout of one graph level: break cycles, assign ranks, insert dummy
//! vertices on long edges (and one per edge label), order each rank to reduce crossings, then
//! place vertices across ranks. Works in rank space: `main` runs along the ranks, `cross`
//! across them; the caller turns that into a direction.

/// A vertex to place: its size across and along the ranks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LNode {
    pub cross: f32,
    pub main: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LEdge {
    pub from: usize,
    pub to: usize,
    pub min_len: usize,
    /// Label size (cross, main), placed on a dummy vertex halfway.
    pub label: Option<(f32, f32)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub node_sep: f32,
    pub rank_sep: f32,
}

/// An edge's way through the ranks: the dummy vertices between its ends, in the edge's own
/// direction, and where its label goes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Route {
    pub points: Vec<(f32, f32)>,
    pub label: Option<(f32, f32)>,
    pub reversed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layered {
    /// Centre (cross, main) of every node.
    pub centers: Vec<(f32, f32)>,
    pub routes: Vec<Route>,
    pub cross_size: f32,
    pub main_size: f32,
}

struct Vertex {
    cross: f32,
    main: f32,
    real: bool,
    label: bool,
    rank: usize,
}

pub fn layout(nodes: &[LNode], edges: &[LEdge], params: Params) -> Layered {
    let n = nodes.len();
    if n == 0 {
        return Layered {
            centers: Vec::new(),
            routes: vec![Route::default(); edges.len()],
            cross_size: 0.0,
            main_size: 0.0,
        };
    }
    let reversed = break_cycles(n, edges);
    let labelled = edges.iter().any(|e| e.label.is_some() && e.from != e.to);
    let factor = if labelled { 2 } else { 1 };
    // Edges as the acyclic graph sees them: (tail, head, length); self-loops are left out.
    let acyclic: Vec<Option<(usize, usize, usize)>> = edges
        .iter()
        .zip(&reversed)
        .map(|(e, &rev)| {
            (e.from != e.to).then(|| {
                let (u, v) = if rev { (e.to, e.from) } else { (e.from, e.to) };
                (u, v, e.min_len.max(1) * factor)
            })
        })
        .collect();
    let ranks = assign_ranks(n, &acyclic);

    // Vertices: the nodes, then dummies along every edge.
    let mut vertices: Vec<Vertex> = nodes
        .iter()
        .zip(&ranks)
        .map(|(node, &rank)| Vertex { cross: node.cross, main: node.main, real: true, label: false, rank })
        .collect();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    let mut label_vertex: Vec<Option<usize>> = vec![None; edges.len()];
    for (i, e) in acyclic.iter().enumerate() {
        let Some(&(u, v, _)) = e.as_ref() else {
            chains.push(Vec::new());
            continue;
        };
        let (ru, rv) = (ranks[u], ranks[v]);
        let mid = ru + (rv - ru) / 2;
        let mut chain = vec![u];
        for r in ru + 1..rv {
            let label = if r == mid { edges[i].label } else { None };
            let (cross, main) = label.unwrap_or((0.0, 0.0));
            vertices.push(Vertex { cross, main, real: false, label: label.is_some(), rank: r });
            succ.push(Vec::new());
            pred.push(Vec::new());
            let id = vertices.len() - 1;
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
    let rank_count = vertices.iter().map(|v| v.rank).max().unwrap_or(0) + 1;

    let mut layers = initial_order(&vertices, &succ, rank_count, n);
    reduce_crossings(&mut layers, &succ, &pred);
    let cross = place_across(&layers, &vertices, &succ, &pred, params.node_sep);

    // Along the ranks: each rank as thick as its thickest vertex.
    let gap = if labelled { params.rank_sep / 2.0 } else { params.rank_sep };
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

    let centers = (0..n).map(pos).collect();
    let routes = chains
        .iter()
        .enumerate()
        .map(|(i, chain)| {
            let mut points: Vec<(f32, f32)> =
                chain.iter().skip(1).take(chain.len().saturating_sub(2)).map(|&v| pos(v)).collect();
            if reversed[i] {
                points.reverse();
            }
            Route { points, label: label_vertex[i].map(pos), reversed: reversed[i] }
        })
        .collect();
    Layered { centers, routes, cross_size: (right - left).max(0.0), main_size }
}

/// Marks the edges that close a cycle (found by depth-first search in node order); turning
/// them around makes the graph acyclic.
fn break_cycles(n: usize, edges: &[LEdge]) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, e) in edges.iter().enumerate() {
        if e.from != e.to {
            out[e.from].push(i);
        }
    }
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
                let w = edges[e].to;
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

/// Longest-path ranks, then sources pulled down next to their first successor so that
/// edges stay short.
fn assign_ranks(n: usize, edges: &[Option<(usize, usize, usize)>]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut inc: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for &(u, v, len) in edges.iter().flatten() {
        indegree[v] += 1;
        out[u].push((v, len));
        inc[v].push((u, len));
    }
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
    for &v in order.iter().rev() {
        if inc[v].is_empty() && !out[v].is_empty() {
            rank[v] = out[v].iter().map(|&(w, len)| rank[w] - len as i64).min().unwrap_or(rank[v]);
        }
    }
    let low = rank.iter().copied().min().unwrap_or(0);
    rank.iter().map(|r| (r - low) as usize).collect()
}

/// A first order per rank from a depth-first walk, so connected vertices start close.
fn initial_order(vertices: &[Vertex], succ: &[Vec<usize>], ranks: usize, real: usize) -> Vec<Vec<usize>> {
    let mut layers = vec![Vec::new(); ranks];
    let mut seen = vec![false; vertices.len()];
    let has_pred = {
        let mut p = vec![false; vertices.len()];
        for s in succ {
            for &w in s {
                p[w] = true;
            }
        }
        p
    };
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

/// Edge crossings between two adjacent ranks: inversions of the edges' lower ends once they
/// are sorted by their upper ends, counted with a Fenwick tree in O(E log E) — transposing
/// asks for this once per swap, so a quadratic count made large graphs take minutes.
fn crossings_between(upper: &[usize], lower: &[usize], succ: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut in_lower: Vec<usize> = lower.to_vec();
    in_lower.sort_unstable();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for &u in upper {
        for &w in &succ[u] {
            if in_lower.binary_search(&w).is_ok() {
                pairs.push((pos[u], pos[w]));
            }
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
    layers.windows(2).map(|w| crossings_between(&w[0], &w[1], succ, pos)).sum()
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
fn reduce_crossings(layers: &mut [Vec<usize>], succ: &[Vec<usize>], pred: &[Vec<usize>]) {
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
            let keys: Vec<(usize, f32)> = layers[r]
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
            let mut sorted = keys;
            sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
            layers[r] = sorted.into_iter().map(|(v, _)| v).collect();
            for (i, &v) in layers[r].iter().enumerate() {
                pos[v] = i;
            }
        }
        // Adjacent swaps cost a crossing count per swap: worth it for sheet-sized graphs only.
        if count <= 400 {
            transpose(layers, succ, &mut pos);
        }
        let crossings = total_crossings(layers, succ, &pos);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Swaps neighbours in a rank while that removes crossings.
fn transpose(layers: &mut [Vec<usize>], succ: &[Vec<usize>], pos: &mut [usize]) {
    for _ in 0..8 {
        let mut improved = false;
        for r in 0..layers.len() {
            for i in 0..layers[r].len().saturating_sub(1) {
                let local = |layers: &[Vec<usize>], pos: &[usize]| {
                    let above =
                        if r > 0 { crossings_between(&layers[r - 1], &layers[r], succ, pos) } else { 0 };
                    let below = if r + 1 < layers.len() {
                        crossings_between(&layers[r], &layers[r + 1], succ, pos)
                    } else {
                        0
                    };
                    above + below
                };
                let before = local(layers, pos);
                layers[r].swap(i, i + 1);
                pos[layers[r][i]] = i;
                pos[layers[r][i + 1]] = i + 1;
                if local(layers, pos) < before {
                    improved = true;
                } else {
                    layers[r].swap(i, i + 1);
                    pos[layers[r][i]] = i;
                    pos[layers[r][i + 1]] = i + 1;
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
        let solid = |v: &Vertex| v.real || v.label;
        let gap = match (solid(va), solid(vb)) {
            (true, true) => node_sep,
            (false, false) => node_sep * 0.35,
            _ => node_sep * 0.6,
        };
        (va.cross + vb.cross) / 2.0 + gap
    };
    let weight = |a: usize, b: usize| match (vertices[a].real, vertices[b].real) {
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
    #[test]
    fn crossings_are_counted_as_pairs_of_edges_that_swap_sides() {
        // Upper 0,1,2 and lower 3,4,5 with every edge crossing every edge of the others.
        let succ = vec![vec![5], vec![4], vec![3], vec![], vec![], vec![]];
        let pos = vec![0, 1, 2, 0, 1, 2];
        assert_eq!(super::crossings_between(&[0, 1, 2], &[3, 4, 5], &succ, &pos), 3);
        // Fans from one node and edges to one node never cross each other.
        let fan = vec![vec![3, 4, 5], vec![3], vec![], vec![], vec![], vec![]];
        assert_eq!(super::crossings_between(&[0, 1, 2], &[3, 4, 5], &fan, &pos), 2);
        // Edges to nodes of other ranks are not counted.
        let other = vec![vec![5], vec![2], vec![], vec![], vec![], vec![]];
        assert_eq!(super::crossings_between(&[0, 1], &[3, 4, 5], &other, &pos), 0);
    }

    use super::*;

    fn node() -> LNode {
        LNode { cross: 40.0, main: 20.0 }
    }

    fn edge(from: usize, to: usize) -> LEdge {
        LEdge { from, to, min_len: 1, label: None }
    }

    const P: Params = Params { node_sep: 10.0, rank_sep: 20.0 };

    #[test]
    fn ranks_follow_edges_and_cycles_are_broken() {
        let nodes = vec![node(); 4];
        let edges = vec![edge(0, 1), edge(1, 2), edge(2, 0), edge(2, 3)];
        let l = layout(&nodes, &edges, P);
        let main: Vec<f32> = l.centers.iter().map(|c| c.1).collect();
        assert!(main[0] < main[1] && main[1] < main[2] && main[2] < main[3], "{main:?}");
        assert!(l.routes[2].reversed && !l.routes[0].reversed);
    }

    #[test]
    fn long_edges_get_dummies_and_sources_sit_near_their_targets() {
        // 0 → 1 → 2 → 3 and 4 → 3: node 4 is pulled down next to 3.
        let nodes = vec![node(); 5];
        let edges = vec![edge(0, 1), edge(1, 2), edge(2, 3), edge(4, 3), edge(0, 3)];
        let l = layout(&nodes, &edges, P);
        assert!((l.centers[4].1 - l.centers[2].1).abs() < 0.01, "{:?}", l.centers);
        assert_eq!(l.routes[4].points.len(), 2, "two dummies between ranks 0 and 3");
    }

    #[test]
    fn nodes_in_a_rank_do_not_overlap() {
        let nodes = vec![node(); 7];
        let edges: Vec<LEdge> = (1..7).map(|i| edge(0, i)).collect();
        let l = layout(&nodes, &edges, P);
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
        let l = layout(&nodes, &edges, P);
        let (a, b) = ((l.centers[0].0, l.centers[3].0), (l.centers[1].0, l.centers[2].0));
        assert!((a.0 < b.0) == (a.1 < b.1), "{:?}", l.centers);
    }

    #[test]
    fn labels_get_their_own_space() {
        let nodes = vec![node(); 2];
        let edges = vec![LEdge { from: 0, to: 1, min_len: 1, label: Some((30.0, 12.0)) }];
        let l = layout(&nodes, &edges, P);
        let label = l.routes[0].label.unwrap();
        assert!(label.1 - 6.0 >= l.centers[0].1 + 10.0 && label.1 + 6.0 <= l.centers[1].1 - 10.0, "{l:?}");
    }

    #[test]
    fn isotonic_placement_respects_order_and_spacing() {
        let placed = place_in_order(&[5.0, 0.0, 0.0], &[1.0, 1.0, 1.0], &[10.0, 10.0]);
        assert!(placed[1] - placed[0] >= 9.999 && placed[2] - placed[1] >= 9.999, "{placed:?}");
        let free = place_in_order(&[0.0, 50.0], &[1.0, 1.0], &[10.0]);
        assert_eq!(free, [0.0, 50.0]);
    }
}
