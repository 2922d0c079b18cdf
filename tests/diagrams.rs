//! Mermaid diagrams drawn by Hanji: layout properties over the samples and over generated
//! graphs (no overlaps, edges end on their nodes, everything inside the box, deterministic),
//! reference images per diagram type, labels back from the PDF text layer, and errors that
//! point into the source file.

mod common;

use std::path::Path;

use common::{check_reference, hanji, root, temp_dir, tool};
use hanji::diagram::model::Endpoint;
use hanji::diagram::scene::{overlaps, Scene};
use hanji::diagram::{build, shapes, Diagram};
use hanji::frame::{Color, Frame, FrameItem, Paint, PathItem, Rect, Segment};
use hanji::layout::blocks::{rect_path, Ctx};
use hanji::model::Block;
use hanji::style::Style;
use hanji::text::fonts::FontBook;

fn style(name: &str) -> (FontBook, Style) {
    let mut book = FontBook::new();
    let style = hanji::style::load(name, Path::new("."), &mut book).expect("style loads");
    (book, style)
}

fn accent(style: &Style) -> Color {
    style.color("purple").expect("purple")
}

/// Builds a diagram with the pen-notes style.
fn diagram(source: &str, width: f32) -> Diagram {
    let (book, style) = style("pen-notes");
    let mut ctx = Ctx::new(&book, &style, Path::new("."));
    build(&mut ctx, source, 1, accent(&style), width).unwrap_or_else(|e| panic!("{e}\n{source}"))
}

/// Every mermaid block of a sample, with its line.
fn mermaid_blocks(sample: &str) -> Vec<(String, usize)> {
    fn walk(blocks: &[Block], out: &mut Vec<(String, usize)>) {
        for block in blocks {
            match block {
                Block::Mermaid { text, line } => out.push((text.clone(), *line)),
                Block::List { items, .. } => items.iter().for_each(|i| walk(&i.blocks, out)),
                Block::Quote { blocks, .. } => walk(blocks, out),
                _ => {}
            }
        }
    }
    let doc = hanji::load_document(&root().join(sample)).expect("sample parses");
    let mut out = Vec::new();
    for section in &doc.sections {
        walk(&section.blocks, &mut out);
        for sub in &section.subsections {
            walk(&sub.blocks, &mut out);
        }
    }
    out
}

/// The layout properties every diagram must have.
fn check_scene(scene: &Scene, what: &str) {
    let eps = 0.5;
    for (i, a) in scene.nodes.iter().enumerate() {
        for b in &scene.nodes[i + 1..] {
            assert!(!overlaps(a.rect, b.rect, eps), "{what}: nodes `{}` and `{}` overlap", a.id, b.id);
        }
    }
    // A node overlaps a group only when it is inside it.
    for g in &scene.groups {
        for n in &scene.nodes {
            let inside = n.rect.x >= g.rect.x
                && n.rect.right() <= g.rect.right()
                && n.rect.y >= g.rect.y
                && n.rect.bottom() <= g.rect.bottom();
            assert!(
                inside || !overlaps(n.rect, g.rect, eps),
                "{what}: node `{}` cuts group `{}`",
                n.id,
                g.id
            );
        }
    }
    let labels = scene.label_rects();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(!overlaps(*a, *b, eps), "{what}: labels at {a:?} and {b:?} overlap");
        }
    }
    // A label sits inside its own node or clear of every node.
    for l in &labels {
        let inside = |r: &Rect| {
            l.x >= r.x - eps
                && l.right() <= r.right() + eps
                && l.y >= r.y - eps
                && l.bottom() <= r.bottom() + eps
        };
        if scene.nodes.iter().any(|n| inside(&n.rect)) {
            continue;
        }
        for n in &scene.nodes {
            assert!(!overlaps(*l, n.rect, eps), "{what}: the label at {l:?} covers node `{}`", n.id);
        }
    }
    let geometry = |e: Endpoint| match e {
        Endpoint::Node(i) => (scene.nodes[i].shape, scene.nodes[i].rect, scene.nodes[i].id.clone()),
        Endpoint::Group(j) => {
            (hanji::diagram::model::Shape::Rect, scene.groups[j].rect, scene.groups[j].id.clone())
        }
    };
    for e in &scene.edges {
        for (end, point) in [(e.from, e.start), (e.to, e.end)] {
            let (shape, rect, id) = geometry(end);
            let d = shapes::distance_to_outline(shape, rect, point);
            assert!(d < 0.6, "{what}: an edge ends {d:.2} pt away from `{id}` ({point:?}, {rect:?})");
        }
    }
    let bounds = scene.bounds().expect("something drawn");
    assert!(
        bounds.x >= -0.01
            && bounds.y >= -0.01
            && bounds.right() <= scene.width + 0.01
            && bounds.bottom() <= scene.height + 0.01,
        "{what}: {bounds:?} outside {}×{}",
        scene.width,
        scene.height
    );
}

/// Points along everything drawn (curves sampled, not their control points), for checking
/// that the ink stays in the box.
fn item_points(items: &[FrameItem]) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    hanji::frame::walk(items, 0.0, 0.0, &mut |item, dx, dy| {
        let start = out.len();
        match item {
            FrameItem::Path(p) => {
                let mut last = (0.0, 0.0);
                for s in &p.segments {
                    match *s {
                        Segment::MoveTo(a) | Segment::LineTo(a) => {
                            last = (a.x, a.y);
                            out.push(last);
                        }
                        Segment::CubicTo(a, b, c) => {
                            for i in 1..=16 {
                                let t = i as f32 / 16.0;
                                let u = 1.0 - t;
                                let (w0, w1, w2, w3) =
                                    (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
                                out.push((
                                    w0 * last.0 + w1 * a.x + w2 * b.x + w3 * c.x,
                                    w0 * last.1 + w1 * a.y + w2 * b.y + w3 * c.y,
                                ));
                            }
                            last = (c.x, c.y);
                        }
                        Segment::Close => {}
                    }
                }
            }
            FrameItem::Text(run) => out.extend(run.glyphs.iter().map(|g| (g.x, g.y))),
            _ => {}
        }
        out[start..].iter_mut().for_each(|p| *p = (p.0 + dx, p.1 + dy));
    });
    out
}

#[test]
fn sample_diagrams_keep_the_layout_properties() {
    let mut count = 0;
    for sample in ["samples/pretraining-to-post-training.md", "samples/diagrams.md"] {
        for (source, line) in mermaid_blocks(sample) {
            for width in [180.0, 300.0, 520.0] {
                let d = diagram(&source, width);
                check_scene(d.scene(), &format!("{sample}:{line} at {width} pt"));
                count += 1;
            }
        }
    }
    assert!(count >= 3 * 14, "{count} diagrams checked");
}

#[test]
fn drawn_diagrams_stay_inside_their_box_at_any_scale() {
    let (book, style) = style("pen-notes");
    for (source, line) in mermaid_blocks("samples/diagrams.md") {
        let mut ctx = Ctx::new(&book, &style, Path::new("."));
        let d = build(&mut ctx, &source, line, accent(&style), 400.0).unwrap();
        let (w, h) = d.size();
        for scale in [1.0, 0.8] {
            let mut items = Vec::new();
            let (x, y) = (50.0, 70.0);
            d.draw(&mut ctx, x, y, scale, &mut items);
            assert!(items.iter().any(|i| matches!(i, FrameItem::Text(_))), "line {line}: labels are text");
            // Glyph origins and path points (wobble included) stay in the box.
            for (px, py) in item_points(&items) {
                let slack = 1.0;
                assert!(
                    px >= x - slack
                        && px <= x + w * scale + slack
                        && py >= y - slack
                        && py <= y + h * scale + slack,
                    "line {line} at scale {scale}: ({px}, {py}) outside ({x}, {y}, {}, {})",
                    w * scale,
                    h * scale
                );
            }
        }
    }
}

#[test]
fn same_input_gives_the_same_coordinates() {
    for (source, _) in mermaid_blocks("samples/diagrams.md") {
        let (a, b) = (diagram(&source, 300.0), diagram(&source, 300.0));
        assert_eq!(a.scene(), b.scene());
        let (book, style) = style("pen-notes");
        let mut ctx = Ctx::new(&book, &style, Path::new("."));
        let (mut first, mut second) = (Vec::new(), Vec::new());
        a.draw(&mut ctx, 10.0, 10.0, 0.9, &mut first);
        b.draw(&mut ctx, 10.0, 10.0, 0.9, &mut second);
        assert_eq!(first, second, "the hand-drawn wobble is seeded");
    }
}

/// A small deterministic generator for random graphs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random flowchart: any direction, shapes, edge kinds, labels, cycles and subgraphs.
fn random_flowchart(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let dirs = ["TB", "TD", "BT", "LR", "RL"];
    let shapes = [
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
    let words = [
        "데이터",
        "토큰화",
        "Pretraining",
        "SFT + RL",
        "베이스 모델",
        "평가",
        "ChatGPT 어시스턴트",
        "x",
        "긴 이름의 노드 라벨",
    ];
    let edges = ["-->", "---", "-.->", "==>", "--o", "--x", "<-->", "--->"];
    let n = 3 + rng.below(10);
    let mut out = format!("flowchart {}\n", dirs[rng.below(dirs.len())]);
    let groups = rng.below(3);
    let mut member = vec![None; n];
    for node in member.iter_mut() {
        if groups > 0 && rng.below(2) == 0 {
            *node = Some(rng.below(groups));
        }
    }
    for g in 0..groups {
        out += &format!("  subgraph g{g} [그룹 {g}]\n");
        if rng.below(2) == 0 {
            out += &format!("    direction {}\n", dirs[rng.below(dirs.len())]);
        }
        for (i, m) in member.iter().enumerate() {
            if *m == Some(g) {
                let (o, c) = shapes[rng.below(shapes.len())];
                out += &format!("    n{i}{o}{}{c}\n", words[rng.below(words.len())]);
            }
        }
        out += "  end\n";
    }
    for (i, m) in member.iter().enumerate() {
        if m.is_none() {
            let (o, c) = shapes[rng.below(shapes.len())];
            out += &format!("  n{i}{o}{}{c}\n", words[rng.below(words.len())]);
        }
    }
    for _ in 0..n + rng.below(n + 1) {
        let (a, b) = (rng.below(n), rng.below(n));
        let edge = edges[rng.below(edges.len())];
        let label =
            if rng.below(3) == 0 { format!("|{}|", words[rng.below(words.len())]) } else { String::new() };
        out += &format!("  n{a} {edge}{label} n{b}\n");
    }
    if groups > 1 {
        out += "  g0 --> g1\n";
    }
    out
}

#[test]
fn random_flowcharts_keep_the_layout_properties() {
    for seed in 1..=80 {
        let source = random_flowchart(seed);
        for width in [200.0, 480.0] {
            let d = diagram(&source, width);
            check_scene(d.scene(), &format!("seed {seed}:\n{source}"));
        }
    }
}

#[test]
fn random_mind_maps_keep_the_layout_properties() {
    for seed in 1..=30 {
        let mut rng = Rng(seed * 7919 + 1);
        let mut source = String::from("mindmap\n  root((중심 주제))\n");
        let words = ["사전학습", "Base Model", "대화 데이터", "RL", "질문 응답과 긴 설명", "$$$$ 비용"];
        for b in 0..1 + rng.below(7) {
            source += &format!("    branch{b}[{}]\n", words[rng.below(words.len())]);
            for _ in 0..rng.below(5) {
                source += &format!("      {}\n", words[rng.below(words.len())]);
                if rng.below(3) == 0 {
                    source += &format!("        {}\n", words[rng.below(words.len())]);
                }
            }
        }
        for width in [190.0, 600.0] {
            check_scene(diagram(&source, width).scene(), &format!("seed {seed}:\n{source}"));
        }
    }
}

#[test]
fn narrow_mind_maps_list_children_under_their_branch() {
    let source = &mermaid_blocks("samples/pretraining-to-post-training.md")[1].0;
    assert!(source.starts_with("mindmap"));
    let (wide, narrow) = (diagram(source, 600.0), diagram(source, 190.0));
    assert!(narrow.size().0 < wide.size().0 * 0.85, "{:?} vs {:?}", narrow.size(), wide.size());
    // Branches sit left and right of the root, balanced two and two.
    let scene = wide.scene();
    let root = scene.nodes[0].rect;
    let sides: Vec<bool> = scene.nodes[1..]
        .iter()
        .filter(|n| ["Pretraining", "Base Model", "Post-Training", "Assistant"].contains(&n.id.as_str()))
        .map(|n| n.rect.x > root.right())
        .collect();
    assert_eq!(sides.iter().filter(|r| **r).count(), 2, "{sides:?}");
}

#[test]
fn min_scale_keeps_labels_at_the_minimum_size() {
    let (book, style) = style("pen-notes");
    for (source, _) in mermaid_blocks("samples/diagrams.md") {
        let mut ctx = Ctx::new(&book, &style, Path::new("."));
        let d = build(&mut ctx, &source, 1, accent(&style), 300.0).unwrap();
        let mut items = Vec::new();
        d.draw(&mut ctx, 0.0, 0.0, d.min_scale(), &mut items);
        for item in &items {
            if let FrameItem::Text(run) = item {
                let factor = style.fonts.size_factor(run.font);
                assert!(
                    run.size / factor >= style.text.min_size - 0.01,
                    "{} pt text in\n{source}",
                    run.size / factor
                );
            }
        }
    }
}

/// A diagram alone on paper, rasterised: the reference image of one diagram type.
fn diagram_png(source: &str, style_name: &str, width: f32, dpi: f32) -> Vec<u8> {
    let (book, style) = style(style_name);
    let mut ctx = Ctx::new(&book, &style, Path::new("."));
    let d = build(&mut ctx, source, 1, accent(&style), width).unwrap();
    let (w, h) = d.size();
    let pad = 6.0;
    let mut items = vec![FrameItem::Path(PathItem {
        segments: rect_path(Rect::new(0.0, 0.0, w + 2.0 * pad, h + 2.0 * pad)),
        fill: Some(Paint::solid(style.page.paper)),
        stroke: None,
    })];
    d.draw(&mut ctx, pad, pad, 1.0, &mut items);
    let frame = Frame { width: w + 2.0 * pad, height: h + 2.0 * pad, items };
    let pixmap = hanji::export::png::rasterize(&frame, &book, dpi).unwrap();
    hanji::export::png::encode(&pixmap, dpi).unwrap()
}

#[test]
fn reference_images_per_diagram_type() {
    let blocks = mermaid_blocks("samples/diagrams.md");
    let find = |head: &str| blocks.iter().find(|(s, _)| s.starts_with(head)).map(|(s, _)| s.clone()).unwrap();
    let sample = mermaid_blocks("samples/pretraining-to-post-training.md");
    let cases = [
        ("diagram-flowchart", sample[0].0.clone(), "pen-notes", 380.0),
        ("diagram-flowchart-clean", sample[0].0.clone(), "clean", 380.0),
        ("diagram-flowchart-shapes", find("flowchart TB"), "pen-notes", 420.0),
        ("diagram-flowchart-edges", find("flowchart LR\n  A[시작]"), "pen-notes", 420.0),
        ("diagram-flowchart-subgraphs", find("flowchart LR\n  subgraph"), "pen-notes", 420.0),
        ("diagram-mindmap", sample[1].0.clone(), "pen-notes", 190.0),
        ("diagram-mindmap-wide", find("mindmap"), "pen-notes", 420.0),
        ("diagram-pie", find("pie"), "pen-notes", 300.0),
        ("diagram-xychart", find("xychart-beta\n  title \"월별"), "pen-notes", 300.0),
        ("diagram-xychart-horizontal", sample[2].0.clone(), "pen-notes", 250.0),
    ];
    for (name, source, style_name, width) in cases {
        check_reference(name, &diagram_png(&source, style_name, width, 100.0));
    }
}

#[test]
fn labels_come_back_from_the_pdf_text_layer() {
    let dir = temp_dir("diagram-text");
    for (sample, needles) in [
        (
            "samples/pretraining-to-post-training.md",
            &[
                "인터넷 문서",
                "신경망 학습",
                "결과물",
                "대화 데이터",
                "어시스턴트",
                "ChatGPT",
                "사전학습 · Pretraining",
                "문서 시뮬레이터",
                "직접 대화 불가",
                "Pretraining to",
                "계산 비용 (상대 비교, 개략)",
                "상대 비용",
            ][..],
        ),
        (
            "samples/diagrams.md",
            &[
                "스타디움 stadium",
                "데이터베이스 DB",
                "텍스트 라벨",
                "파이프 라벨",
                "줄바꿈",
                "따옴표 (quoted) [label]",
                "학습 비용 비율",
                "사전학습 Pretraining [95]",
                "월별 학습 토큰 (억)",
                "Llama 3",
                "손실 곡선 loss",
            ][..],
        ),
    ] {
        let pdf = dir.join("out.pdf");
        let out = hanji(
            &["render", root().join(sample).to_str().unwrap(), "-o", pdf.to_str().unwrap(), "-q"],
            &dir,
        );
        assert!(out.status.success(), "{sample}: {}", String::from_utf8_lossy(&out.stderr));
        // In reading order of the content, whitespace aside: a label wrapped onto two lines
        // still reads as one.
        let text = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
        let squeezed: String = text.split_whitespace().collect();
        for needle in needles {
            let needle: String = needle.split_whitespace().collect();
            assert!(squeezed.contains(&needle), "{sample}: `{needle}` is not in the text layer:\n{text}");
        }
        // Diagrams are vector paths and text: no raster image in the PDF.
        let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
        assert!(images.lines().count() <= 2, "{sample} has images:\n{images}");
    }
}

#[test]
fn mermaid_errors_point_into_the_source_file() {
    let dir = temp_dir("diagram-errors");
    let cases = [
        ("flowchart LR\n  A[open --> B", 11, "mermaid line 2, column 15: expected `]` to close the label of node `A`"),
        ("sequenceDiagram\n  A->>B: hi", 10, "`sequenceDiagram` diagrams are not supported: use one of flowchart (or graph), mindmap, pie, xychart-beta"),
        ("pie\n  \"a\" : lots", 11, "mermaid line 2, column 9: expected a number"),
        ("xychart-beta\n  x-axis [a, b]\n  bar [1, 2, 3]", 12, "2 categories"),
        ("mindmap\n  root\n  second", 12, "one root"),
    ];
    for (diagram, line, needle) in cases {
        let source = format!(
            "---\ntitle: t\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n## A {{#a}}\n\n```mermaid\n{diagram}\n```\n"
        );
        let file = dir.join("bad.md");
        std::fs::write(&file, source).unwrap();
        let out = hanji(&["render", "bad.md", "-o", "bad.pdf"], &dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(&format!("bad.md:{line}:")), "{diagram:?}: {stderr}");
        assert!(stderr.contains(needle), "{diagram:?}: {stderr}");
        assert!(!dir.join("bad.pdf").exists());
    }
}

#[test]
fn a_diagram_too_wide_for_its_box_is_an_error_naming_the_box() {
    let dir = temp_dir("diagram-wide");
    // Sixteen children side by side: too wide top to bottom (and not a left-to-right chart that
    // could be turned).
    let children: Vec<String> = (0..16).map(|i| format!("n{i}[노드 번호 {i}]")).collect();
    let source = format!(
        "---\ntitle: t\nlayout:\n  - height: 100%\n    boxes: [{{ id: narrow, width: 20% }}, rest]\n---\n## N {{#narrow}}\n\n```mermaid\nflowchart TB\n  root --> {}\n```\n\n## R {{#rest}}\n\nx\n",
        children.join(" & ")
    );
    std::fs::write(dir.join("wide.md"), source).unwrap();
    let out = hanji(&["render", "wide.md", "-o", "wide.pdf"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("wide.md:10:") && stderr.contains("box `narrow`") && stderr.contains("mm"),
        "{stderr}"
    );
}

#[test]
fn undefined_classes_are_warnings_with_their_line() {
    let (book, style) = style("pen-notes");
    let mut ctx = Ctx::new(&book, &style, Path::new("."));
    build(&mut ctx, "flowchart LR\n  A --> B\n  class A missing", 40, accent(&style), 300.0).unwrap();
    assert!(
        ctx.warnings.iter().any(|w| w.line == Some(42) && w.message.contains("missing")),
        "{:?}",
        ctx.warnings
    );
}
