//! Flowchart edge routing over random graphs (proptest, fixed seed): DAGs and graphs with
//! cycles, 2–25 nodes, long edges, self-loops, nested subgraphs, edges to whole subgraphs, all
//! four directions and labels of any length. No edge runs through a node other than its ends,
//! through a subgraph's title or through a subgraph that holds neither end; no label sits on a
//! node; nodes do not overlap; and ends that share a side of a node are spread along it.

use std::path::Path;

use hanji::diagram::check::{self, Fault};
use hanji::diagram::model::{Endpoint, Shape};
use hanji::diagram::scene::{overlaps, Scene};
use hanji::diagram::{build, shapes, Diagram};
use hanji::layout::blocks::Ctx;
use hanji::style::Style;
use hanji::text::fonts::FontBook;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed};

fn style() -> (FontBook, Style) {
    let mut book = FontBook::new();
    let style = hanji::style::load("pen-notes", Path::new("."), &mut book).expect("style loads");
    (book, style)
}

fn diagram(book: &FontBook, style: &Style, source: &str, width: f32) -> Diagram {
    let mut ctx = Ctx::new(book, style, Path::new("."));
    let accent = style.color("purple").expect("purple");
    build(&mut ctx, source, 1, accent, width).unwrap_or_else(|e| panic!("{e}\n{source}"))
}

const WORDS: [&str; 10] = [
    "데이터",
    "x",
    "Pretraining",
    "SFT + RL",
    "베이스 모델",
    "평가",
    "ChatGPT 어시스턴트",
    "긴 이름의 노드 라벨",
    "a",
    "loss",
];
const SHAPES: [(&str, &str); 9] = [
    ("[", "]"),
    ("(", ")"),
    ("([", "])"),
    ("((", "))"),
    ("{", "}"),
    ("{{", "}}"),
    ("[[", "]]"),
    ("[(", ")]"),
    (">", "]"),
];
/// Mermaid 11 shapes (`A@{ shape: … }`) whose outlines are far from their boxes.
const NEW_SHAPES: [&str; 16] = [
    "tri",
    "flip-tri",
    "hourglass",
    "bolt",
    "docs",
    "st-rect",
    "lin-cyl",
    "h-cyl",
    "curv-trap",
    "fork",
    "sm-circ",
    "fr-circ",
    "brace",
    "text",
    "notch-pent",
    "cross-circ",
];
const ARROWS: [&str; 8] = ["-->", "---", "-.->", "==>", "--o", "--x", "<-->", "~~~"];
const DIRS: [&str; 4] = ["TB", "BT", "LR", "RL"];

#[derive(Debug, Clone)]
struct Node {
    words: Vec<Index>,
    shape: Index,
    group: Option<Index>,
}

#[derive(Debug, Clone)]
struct Group {
    parent: Option<Index>,
    direction: Option<Index>,
    words: Vec<Index>,
}

#[derive(Debug, Clone)]
struct Edge {
    from: Index,
    to: Index,
    arrow: Index,
    extra: usize,
    label: Option<Vec<Index>>,
    /// Ends on a subgraph instead of a node (the from end, the to end).
    groups: (bool, bool),
}

#[derive(Debug, Clone)]
struct Graph {
    direction: Index,
    acyclic: bool,
    nodes: Vec<Node>,
    groups: Vec<Group>,
    edges: Vec<Edge>,
}

fn words() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 1..5)
}

fn node() -> impl Strategy<Value = Node> {
    (words(), any::<Index>(), prop::option::weighted(0.5, any::<Index>()))
        .prop_map(|(words, shape, group)| Node { words, shape, group })
}

fn group() -> impl Strategy<Value = Group> {
    (prop::option::weighted(0.4, any::<Index>()), prop::option::weighted(0.3, any::<Index>()), words())
        .prop_map(|(parent, direction, words)| Group { parent, direction, words })
}

fn edge() -> impl Strategy<Value = Edge> {
    (
        any::<Index>(),
        any::<Index>(),
        any::<Index>(),
        prop_oneof![6 => Just(0usize), 2 => Just(1), 1 => Just(3)],
        prop::option::weighted(0.3, words()),
        (prop::bool::weighted(0.08), prop::bool::weighted(0.08)),
    )
        .prop_map(|(from, to, arrow, extra, label, groups)| Edge {
            from,
            to,
            arrow,
            extra,
            label,
            groups,
        })
}

fn graph() -> impl Strategy<Value = Graph> {
    (2usize..=25, 0usize..=4).prop_flat_map(|(n, g)| {
        (
            any::<Index>(),
            any::<bool>(),
            prop::collection::vec(node(), n),
            prop::collection::vec(group(), g),
            prop::collection::vec(edge(), 1..=2 * n + 2),
        )
            .prop_map(|(direction, acyclic, nodes, groups, edges)| Graph {
                direction,
                acyclic,
                nodes,
                groups,
                edges,
            })
    })
}

fn text(words: &[Index]) -> String {
    words.iter().map(|w| *w.get(&WORDS)).collect::<Vec<_>>().join(" ")
}

impl Graph {
    fn group_of(&self, node: &Node) -> Option<usize> {
        node.group.filter(|_| !self.groups.is_empty()).map(|i| i.index(self.groups.len()))
    }

    /// Group `i`'s parent: always an earlier group, so the nesting is a tree.
    fn parent(&self, i: usize) -> Option<usize> {
        self.groups[i].parent.filter(|_| i > 0).map(|p| p.index(i))
    }

    fn emit_group(&self, i: usize, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        out.push_str(&format!("{pad}subgraph g{i} [{}]\n", text(&self.groups[i].words)));
        if let Some(d) = &self.groups[i].direction {
            out.push_str(&format!("{pad}  direction {}\n", d.get(&DIRS)));
        }
        for (k, node) in self.nodes.iter().enumerate() {
            if self.group_of(node) == Some(i) {
                out.push_str(&format!("{pad}  {}\n", self.node_text(k)));
            }
        }
        for child in 0..self.groups.len() {
            if self.parent(child) == Some(i) {
                self.emit_group(child, depth + 1, out);
            }
        }
        out.push_str(&format!("{pad}end\n"));
    }

    fn node_text(&self, k: usize) -> String {
        let node = &self.nodes[k];
        let pick = node.shape.index(SHAPES.len() + NEW_SHAPES.len());
        match SHAPES.get(pick) {
            Some((open, close)) => format!("n{k}{open}\"{}\"{close}", text(&node.words)),
            None => {
                let name = NEW_SHAPES[pick - SHAPES.len()];
                format!("n{k}@{{ shape: {name}, label: \"{}\" }}", text(&node.words))
            }
        }
    }

    fn source(&self) -> String {
        let mut out = format!("flowchart {}\n", self.direction.get(&DIRS));
        for i in 0..self.groups.len() {
            if self.parent(i).is_none() {
                self.emit_group(i, 1, &mut out);
            }
        }
        for (k, node) in self.nodes.iter().enumerate() {
            if self.group_of(node).is_none() {
                out.push_str(&format!("  {}\n", self.node_text(k)));
            }
        }
        let n = self.nodes.len();
        for e in &self.edges {
            let (mut a, mut b) = (e.from.index(n), e.to.index(n));
            if self.acyclic {
                if a == b {
                    continue;
                }
                (a, b) = (a.min(b), a.max(b));
            }
            let end = |k: usize, group: bool, pick: &Index| {
                if group && !self.groups.is_empty() {
                    format!("g{}", pick.index(self.groups.len()))
                } else {
                    format!("n{k}")
                }
            };
            let arrow = *e.arrow.get(&ARROWS);
            let arrow = if e.extra > 0 && arrow.len() == 3 && arrow.starts_with("--") {
                format!("{}{}", "-".repeat(e.extra), arrow)
            } else {
                arrow.to_string()
            };
            let label = e.label.as_ref().map_or(String::new(), |w| format!("|\"{}\"|", text(w)));
            out.push_str(&format!(
                "  {} {arrow}{label} {}\n",
                end(a, e.groups.0, &e.to),
                end(b, e.groups.1, &e.from)
            ));
        }
        out
    }
}

/// Nodes apart, nodes inside or clear of every group, sibling groups apart, edges ending on
/// their outlines, labels apart.
fn placement_problems(scene: &Scene) -> Vec<String> {
    let eps = 0.5;
    let mut out = Vec::new();
    for (i, a) in scene.nodes.iter().enumerate() {
        for b in &scene.nodes[i + 1..] {
            if overlaps(a.rect, b.rect, eps) {
                out.push(format!("nodes {} and {} overlap", a.id, b.id));
            }
        }
    }
    let inside = |a: hanji::frame::Rect, b: hanji::frame::Rect| {
        a.x >= b.x - eps && a.right() <= b.right() + eps && a.y >= b.y - eps && a.bottom() <= b.bottom() + eps
    };
    for g in &scene.groups {
        for n in &scene.nodes {
            if !inside(n.rect, g.rect) && overlaps(n.rect, g.rect, eps) {
                out.push(format!("node {} cuts subgraph {}", n.id, g.id));
            }
        }
        for h in &scene.groups {
            if g.id < h.id
                && !inside(g.rect, h.rect)
                && !inside(h.rect, g.rect)
                && overlaps(g.rect, h.rect, eps)
            {
                out.push(format!("subgraphs {} and {} overlap", g.id, h.id));
            }
        }
    }
    for e in &scene.edges {
        for (end, point) in [(e.from, e.start), (e.to, e.end)] {
            let (shape, rect, id) = match end {
                Endpoint::Node(i) => (scene.nodes[i].shape, scene.nodes[i].rect, &scene.nodes[i].id),
                Endpoint::Group(j) => (Shape::Rect, scene.groups[j].rect, &scene.groups[j].id),
            };
            let d = shapes::distance_to_outline(shape, rect, point);
            if d >= 0.6 {
                out.push(format!("an edge ends {d:.2} pt away from the outline of {id} at {point:?}"));
            }
        }
    }
    let labels = scene.label_rects();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            if overlaps(*a, *b, eps) {
                out.push(format!("labels at {a:?} and {b:?} overlap"));
            }
        }
    }
    out
}

/// A fixed seed, so that every run checks the same graphs; `ROUTING_CASES` and `ROUTING_SEED`
/// run more or other ones.
fn config(cases: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("ROUTING_CASES").map_or(cases, |n| n as u32),
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(env("ROUTING_SEED").unwrap_or(0x4a61_6e6a_6920)),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn random_flowcharts_route_clear_of_nodes_and_titles(graph in graph(), width in prop_oneof![Just(200.0f32), Just(480.0)]) {
        let (book, style) = style();
        let source = graph.source();
        let d = diagram(&book, &style, &source, width);
        let scene = d.scene();
        let faults = check::faults(scene);
        prop_assert!(faults.is_empty(), "{}\n{source}", check::describe(scene, &faults));
        let problems = placement_problems(scene);
        prop_assert!(problems.is_empty(), "{}\n{source}", problems.join("\n"));
    }
}

/// The mermaid documentation's subgraph example: c1 → a2 used to run straight through c2 and
/// a1.
const DOCS_SUBGRAPHS: &str = "flowchart TB
    c1-->a2
    subgraph one
    a1-->a2
    end
    subgraph two
    b1-->b2
    end
    subgraph three
    c1-->c2
    end
";

#[test]
fn the_checker_finds_an_edge_drawn_through_a_node() {
    let (book, style) = style();
    let d = diagram(&book, &style, DOCS_SUBGRAPHS, 400.0);
    let mut scene = d.scene().clone();
    assert_eq!(check::faults(&scene), [], "{}", check::describe(&scene, &check::faults(&scene)));
    // Move node a1 onto the middle of edge c1 → a2: the checker must see it.
    let index = |id: &str| scene.nodes.iter().position(|n| n.id == id).expect(id);
    let (c1, a2, a1, c2) = (index("c1"), index("a2"), index("a1"), index("c2"));
    let k = scene
        .edges
        .iter()
        .position(|e| (e.from, e.to) == (Endpoint::Node(c1), Endpoint::Node(a2)))
        .expect("c1 → a2");
    let hanji::diagram::scene::Item::Path { segments, .. } = &scene.items[scene.edges[k].path] else {
        panic!("the edge is a path")
    };
    let lines = check::flatten(segments);
    let middle = lines[0][lines[0].len() / 2];
    let r = &mut scene.nodes[a1].rect;
    (r.x, r.y) = (middle.x - r.width / 2.0, middle.y - r.height / 2.0);
    assert!(
        check::faults(&scene).contains(&Fault::EdgeThroughNode { edge: k, node: a1 }),
        "{:?}",
        check::faults(&scene)
    );
    // And a title band across it.
    scene.titles[0] = scene.nodes[a1].rect;
    assert!(check::faults(&scene).contains(&Fault::EdgeThroughTitle { edge: k, group: 0 }));
    // c2 is c1's neighbour, not on the edge's way.
    assert!(!check::faults(&scene).contains(&Fault::EdgeThroughNode { edge: k, node: c2 }));
}

#[test]
fn edges_into_subgraphs_pass_beside_the_nodes_in_their_way() {
    let (book, style) = style();
    let d = diagram(&book, &style, DOCS_SUBGRAPHS, 400.0);
    let scene = d.scene();
    let rect = |id: &str| scene.nodes.iter().find(|n| n.id == id).expect(id).rect;
    let (c1, c2, a1, a2) = (rect("c1"), rect("c2"), rect("a1"), rect("a2"));
    // Top down: c1 over c2, a1 over a2, and the two subgraphs one above the other.
    assert!(c1.bottom() < c2.y && a1.bottom() < a2.y && c2.bottom() < a1.y, "{c1:?} {c2:?} {a1:?} {a2:?}");
    let index = |id: &str| scene.nodes.iter().position(|n| n.id == id).expect(id);
    let k = scene
        .edges
        .iter()
        .position(|e| (e.from, e.to) == (Endpoint::Node(index("c1")), Endpoint::Node(index("a2"))))
        .expect("c1 → a2");
    let hanji::diagram::scene::Item::Path { segments, .. } = &scene.items[scene.edges[k].path] else {
        panic!("the edge is a path")
    };
    let points: Vec<_> = check::flatten(segments).concat();
    // Level with c2 and with a1, the edge runs beside them with a clear gap.
    for node in [c2, a1] {
        for p in points.iter().filter(|p| p.y > node.y && p.y < node.bottom()) {
            let gap = (p.x - node.right()).max(node.x - p.x);
            assert!(gap >= 6.0, "the edge passes {gap:.1} pt from {node:?} at {p:?}");
        }
    }
}

#[test]
fn ends_sharing_a_side_are_spread_along_it() {
    let (book, style) = style();
    let source = "flowchart TB\n  A[a wide node label] --> B & C & D\n  E --> B\n  F --> B\n";
    let d = diagram(&book, &style, source, 400.0);
    let scene = d.scene();
    let id = |k: usize| scene.nodes[k].id.as_str();
    for (node, outgoing) in [("A", true), ("B", false)] {
        let mut ends: Vec<(f32, f32)> = scene
            .edges
            .iter()
            .filter_map(|e| {
                let (end, at, other) = if outgoing { (e.from, e.start, e.to) } else { (e.to, e.end, e.from) };
                let (Endpoint::Node(k), Endpoint::Node(o)) = (end, other) else { return None };
                (id(k) == node).then(|| (at.x, scene.nodes[o].rect.x))
            })
            .collect();
        assert_eq!(ends.len(), 3, "{node}: {ends:?}");
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in ends.windows(2) {
            assert!(w[1].0 - w[0].0 >= 5.0, "{node}: ports too close: {ends:?}");
            assert!(w[1].1 >= w[0].1, "{node}: ports cross their edges: {ends:?}");
        }
    }
}
