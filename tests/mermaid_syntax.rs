//! Mermaid 11's node syntax drawn by Hanji: every shape of the `@{ shape: … }` table as its
//! own outline, icon nodes and Font Awesome icons in labels, picture nodes under the sheet's
//! image rules, markdown strings.

mod common;

use std::path::Path;

use common::{hanji, root, temp_dir};
use hanji::diagram::model::{Model, Shape};
use hanji::diagram::scene::{overlaps, Item, Scene};
use hanji::diagram::{build, shapes, Diagram};
use hanji::layout::blocks::Ctx;
use hanji::text::fonts::FontBook;

fn diagram(source: &str) -> Diagram {
    let mut book = FontBook::new();
    let style = hanji::style::load("pen-notes", Path::new("."), &mut book).expect("style loads");
    let mut ctx = Ctx::new(&book, &style, Path::new("."));
    let accent = style.color("purple").expect("purple");
    build(&mut ctx, source, 1, accent, 500.0).unwrap_or_else(|e| panic!("{e}\n{source}"))
}

/// A flowchart of every shape the table names, each labelled with its name, in rows of six
/// joined by edges.
fn every_shape() -> String {
    let mut source = String::from("flowchart LR\n");
    let names: Vec<&str> = hanji::diagram::parse::shape_names::SHAPES.iter().map(|s| s.0).collect();
    for (row, chunk) in names.chunks(6).enumerate() {
        for (k, name) in chunk.iter().enumerate() {
            source.push_str(&format!("  n{row}_{k}@{{ shape: {name}, label: \"{name}\" }}\n"));
        }
        let ids: Vec<String> = (0..chunk.len()).map(|k| format!("n{row}_{k}")).collect();
        source.push_str(&format!("  {}\n", ids.join(" --> ")));
    }
    source
}

/// Nodes apart, edges ending on their outlines, labels inside their own node.
fn check(scene: &Scene) {
    for (i, a) in scene.nodes.iter().enumerate() {
        for b in &scene.nodes[i + 1..] {
            assert!(!overlaps(a.rect, b.rect, 0.5), "`{}` and `{}` overlap", a.id, b.id);
        }
    }
    for e in &scene.edges {
        for (end, point) in [(e.from, e.start), (e.to, e.end)] {
            let hanji::diagram::model::Endpoint::Node(i) = end else { continue };
            let node = &scene.nodes[i];
            let d = shapes::distance_to_outline(node.shape, node.rect, point);
            assert!(d < 0.6, "an edge ends {d:.2} pt away from `{}`", node.id);
        }
    }
}

#[test]
fn every_shape_of_the_table_is_drawn_as_its_own_outline() {
    let source = every_shape();
    let d = diagram(&source);
    let Model::Flowchart(chart) = d.model() else { panic!("a flowchart") };
    assert_eq!(chart.nodes.len(), 48);
    let scene = d.scene();
    check(scene);
    // Each node is drawn with its shape, and the shapes mermaid draws without a label have
    // none.
    for (node, placed) in chart.nodes.iter().zip(&scene.nodes) {
        let shape = placed.shape;
        assert!(
            scene.items.iter().any(
                |i| matches!(i, Item::Shape { shape: s, rect, .. } if *s == shape && *rect == placed.rect)
            ),
            "`{}` is not drawn",
            node.id
        );
        let label = node.label.as_str();
        let shown = scene.items.iter().any(|i| matches!(i, Item::Text { label: l, .. } if l.text == label));
        assert_eq!(shown, shape.shows_label(), "`{label}`: label shown {shown}");
    }
    // Two shapes share an outline only where mermaid draws them alike.
    let outline = |shape: Shape| {
        let (w, h, _, _) = shapes::node_size(shape, 40.0, 10.0);
        shapes::outline(shape, hanji::frame::Rect::new(0.0, 0.0, w, h))
    };
    let all: Vec<Shape> = hanji::diagram::parse::shape_names::SHAPES.iter().map(|s| s.2).collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            let alike = matches!((a, b), (Shape::SmallCircle, Shape::FilledCircle));
            assert!(alike || outline(*a) != outline(*b), "{a:?} and {b:?} look the same");
        }
    }
}

#[test]
fn forks_lie_across_the_flow() {
    let lr = diagram("flowchart LR\n A --> F@{ shape: fork } --> B");
    let td = diagram("flowchart TD\n A --> F@{ shape: fork } --> B");
    let fork = |d: &Diagram| d.scene().nodes[1].rect;
    assert!(fork(&lr).height > fork(&lr).width * 3.0, "{:?}", fork(&lr));
    assert!(fork(&td).width > fork(&td).height * 3.0, "{:?}", fork(&td));
}

#[test]
fn icon_nodes_draw_the_icon_on_its_form_with_the_label_where_pos_says() {
    let d = diagram("flowchart TD\n A@{ icon: \"fa:user\", form: \"square\", label: \"User Icon\", pos: \"t\", h: 60 }\n A --> B@{ icon: \"fab:fa-github\" }");
    let scene = d.scene();
    let icons: Vec<(&str, hanji::frame::Rect)> = scene
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Icon { name, rect, .. } => Some((*name, *rect)),
            _ => None,
        })
        .collect();
    assert_eq!(icons.iter().map(|i| i.0).collect::<Vec<_>>(), ["solid/user", "brands/github"]);
    let node = scene.nodes[0].rect;
    let icon = icons[0].1;
    assert!((icon.height - 60.0 * shapes::PX).abs() < 0.01, "h: 60 → {icon:?}");
    let label = scene
        .items
        .iter()
        .find_map(|i| match i {
            Item::Text { label, cx, top } if label.text == "User Icon" => Some((*cx, *top, label.height)),
            _ => None,
        })
        .expect("the label");
    assert!(label.1 + label.2 <= icon.y, "pos: t puts the label above the icon");
    assert!(icon.x >= node.x && icon.right() <= node.right() && icon.bottom() <= node.bottom());
    // The form is drawn behind the icon: a square around it.
    let outline = shapes::outline(scene.nodes[0].shape, node);
    assert_eq!(outline.behind.len(), 1);
    assert_eq!(scene.nodes[1].rect.height, scene.nodes[1].rect.width, "no label, no room for one");
    check(scene);
}

#[test]
fn icons_in_labels_are_drawn_and_unknown_ones_are_placeholders() {
    let d = diagram("flowchart TD\n B[\"fa:fa-twitter for peace\"] --> C[fab:fa-truck-bold custom]");
    let texts: Vec<&str> = d
        .scene()
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text { label, .. } => Some(label.text.as_str()),
            _ => None,
        })
        .collect();
    let twitter = hanji::icons::char_for("fa:fa-twitter");
    let placeholder = hanji::icons::char_for("fab:fa-truck-bold");
    assert_eq!(hanji::icons::lookup(&placeholder.to_string()), Some(hanji::icons::PLACEHOLDER));
    assert_eq!(texts, [format!("{twitter} for peace"), format!("{placeholder} custom")]);
    assert!(d.describe("en").contains("twitter for peace"), "{}", d.describe("en"));
}

#[test]
fn markdown_strings_set_bold_and_emphasis_runs() {
    let d = diagram("flowchart LR\n A[\"`This **is** _Markdown_`\"]");
    let Some(Item::Text { label, .. }) = d.scene().items.iter().find(|i| matches!(i, Item::Text { .. }))
    else {
        panic!("a label")
    };
    let looks: Vec<(&str, bool, bool)> =
        label.runs.iter().map(|r| (r.text.as_str(), r.bold, r.emphasis)).collect();
    assert_eq!(
        looks,
        [("This ", false, false), ("is", true, false), (" ", false, false), ("Markdown", false, true)]
    );
    assert_eq!(label.text, "This is Markdown");
}

/// A folder with the fixture PNG and a one-box sheet holding `diagram`.
fn picture_sheet(name: &str, diagram: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::copy(root().join("tests/fixtures/checker.png"), dir.join("checker.png")).expect("fixture");
    let sheet = format!("---\ntitle: Pictures\nlayout:\n  - boxes: [d]\n---\n\n## Diagram {{#d}}\n\n```mermaid\n{diagram}\n```\n");
    std::fs::write(dir.join("sheet.md"), sheet).expect("sheet");
    dir
}

fn raster_images(pdf: &[u8]) -> usize {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    doc.objects
        .values()
        .filter(|o| matches!(o, lopdf::Object::Stream(s) if s.dict.get(b"Subtype").ok().and_then(|v| v.as_name().ok()) == Some(b"Image")))
        .count()
}

#[test]
fn picture_nodes_read_local_files_and_never_the_network() {
    let dir = picture_sheet(
        "mermaid-img",
        "flowchart TD\n  A@{ img: \"checker.png\", label: \"Local\", pos: \"t\", h: 60, constraint: \"on\" }\n  A --> B@{ img: \"https://mermaid.js.org/favicon.svg\", label: \"Remote\" }",
    );
    let out = hanji(&["render", "sheet.md", "-o", "sheet.pdf"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sheet.md:12:")
            && stderr.contains("https://mermaid.js.org/favicon.svg")
            && stderr.contains("not fetched"),
        "{stderr}"
    );
    let pdf = std::fs::read(dir.join("sheet.pdf")).expect("the PDF");
    assert_eq!(raster_images(&pdf), 1, "the local picture is embedded; the remote one is a placeholder");
    // The picture is one of the files the render reads: `-o` refuses to write over it.
    let out = hanji(&["render", "sheet.md", "-o", "checker.png"], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn picture_nodes_follow_the_image_rules() {
    for (name, src, needle) in [
        ("mermaid-img-missing", "nope.png", "image `nope.png` cannot be opened"),
        ("mermaid-img-outside", "../checker.png", "outside the source's folder"),
    ] {
        // The sheet stands in a folder inside the one holding the picture.
        let dir = picture_sheet(name, "");
        let inner = dir.join("inner");
        std::fs::create_dir_all(&inner).expect("a folder");
        let sheet = format!("---\ntitle: Pictures\nlayout:\n  - boxes: [d]\n---\n\n## Diagram {{#d}}\n\n```mermaid\nflowchart TD\n  A --> B@{{ img: \"{src}\" }}\n```\n");
        std::fs::write(inner.join("sheet.md"), sheet).expect("sheet");
        let out = hanji(&["render", "sheet.md"], &inner);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("sheet.md:11:") && stderr.contains(needle), "{stderr}");
    }
}

#[test]
fn unknown_shapes_name_the_line_and_the_closest_shape() {
    let dir = temp_dir("mermaid-shape");
    std::fs::write(
        dir.join("sheet.md"),
        "---\ntitle: Shapes\n---\n\n## Box\n\n```mermaid\nflowchart TD\n  A --> B\n  B@{ shape: recatngle }\n```\n",
    )
    .expect("sheet");
    let out = hanji(&["render", "sheet.md"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("sheet.md:10:") && stderr.contains("did you mean `rectangle`?"), "{stderr}");
}

#[test]
fn markdown_strings_wrap_between_korean_words_only() {
    let words = [
        "한국어",
        "문장이",
        "길게",
        "이어지는",
        "마크다운",
        "문자열은",
        "낱말",
        "안에서",
        "끊기지",
        "않습니다",
    ];
    let dir = temp_dir("mermaid-keep-all");
    let label = format!("`{} **{}** {}`", words[..2].join(" "), words[2], words[3..].join(" "));
    std::fs::write(
        dir.join("sheet.md"),
        format!("---\ntitle: Wrap\nlayout:\n  - boxes: [d]\n---\n\n## Box {{#d}}\n\n```mermaid\nflowchart LR\n  A[\"{label}\"] --> B\n```\n"),
    )
    .expect("sheet");
    let out = hanji(&["render", "sheet.md", "-o", "sheet.pdf"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = common::tool("pdftotext", &[dir.join("sheet.pdf").to_str().expect("a path"), "-"]);
    let lines: Vec<&str> = text.lines().filter(|l| l.chars().any(|c| ('가'..='힣').contains(&c))).collect();
    assert!(lines.len() >= 2, "the label wraps: {lines:?}");
    for line in &lines {
        for token in line.split_whitespace() {
            assert!(words.contains(&token), "`{token}` is a broken word: {lines:?}");
        }
    }
    let all: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    assert_eq!(all, words, "every word, in order");
}
