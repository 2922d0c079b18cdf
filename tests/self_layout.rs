//! Sheets that lay themselves out: sheets written without tuning (no sizes, `layout: auto`,
//! too little text, a wide left-to-right flowchart in a narrow box, coloured `###` boxes in an
//! inner grid, each diagram type alone in a big box) and the samples come out with no box less
//! than half full unless its text reached the style's largest scale, every word inside its box
//! and no two words on top of each other, and diagrams spanning most of their box.

mod common;

use common::{root, temp_dir, tool};
use hanji::frame::{walk, FrameItem, Rect, Role, Segment};

/// pen-notes' `fit.max_scale`: a box may stay less than half full only at it.
const MAX_SCALE: f32 = 1.6;

const SHEETS: &[&str] = &[
    "samples/pretraining-to-post-training.md",
    "samples/git-basics.md",
    "samples/characters.md",
    "samples/diagrams.md",
    "tests/fixtures/untuned-sheet.md",
    "tests/fixtures/auto-layout-sheet.md",
    "tests/fixtures/sparse-sheet.md",
    "tests/fixtures/wide-lr-sheet.md",
    "tests/fixtures/coloured-inner-sheet.md",
    "samples/ml-formulas.md",
];

fn typeset(path: &std::path::Path) -> hanji::Typeset {
    let doc = hanji::load_document(path).unwrap();
    hanji::typeset(&doc, path, None).unwrap_or_else(|f| panic!("{}: {:?}", path.display(), f.errors))
}

/// Words of a PDF's first page as pdftotext places them: (xMin, yMin, xMax, yMax, text).
fn words(pdf: &std::path::Path) -> Vec<([f32; 4], String)> {
    let xml = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let mut out = Vec::new();
    for line in xml.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let attr = |name: &str| -> f32 {
            line.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap()
                .parse()
                .unwrap()
        };
        let text = line.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("").to_string();
        out.push(([attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")], text));
    }
    out
}

/// A word's core: its box less a quarter of its height above and below (hand fonts report
/// generous ascents) and a point at either side.
fn core(b: &[f32; 4]) -> [f32; 4] {
    let h = (b[3] - b[1]) * 0.25;
    [b[0] + 1.0, b[1] + h, b[2] - 1.0, b[3] - h]
}

fn inside(word: &[f32; 4], rect: &Rect) -> bool {
    word[0] >= rect.x && word[2] <= rect.right() && word[1] >= rect.y && word[3] <= rect.bottom()
}

#[test]
fn untuned_sheets_fill_their_boxes_with_every_word_inside_and_none_overlapping() {
    let dir = temp_dir("self-layout");
    for sheet in SHEETS {
        let path = root().join(sheet);
        let t = typeset(&path);
        assert!(!t.fits.is_empty(), "{sheet}: no boxes");
        for fit in &t.fits {
            assert!(
                fit.fill >= 0.5 || fit.scale >= MAX_SCALE - 0.01,
                "{sheet}: box `{}` is {:.0} % full at {:.0} %",
                fit.id,
                fit.fill * 100.0,
                fit.scale * 100.0
            );
            assert!(fit.fill <= 1.01, "{sheet}: box `{}` overflows ({:.3})", fit.id, fit.fill);
        }
        let pdf = dir.join(format!("{}.pdf", path.file_stem().unwrap().to_str().unwrap()));
        let out = common::hanji(&["render", path.to_str().unwrap(), "-o", pdf.to_str().unwrap()], &dir);
        assert!(out.status.success(), "{sheet}: {}", String::from_utf8_lossy(&out.stderr));
        // The big quote marks of a quote card are decoration that may reach past the card.
        let all: Vec<_> = words(&pdf).into_iter().filter(|w| w.1 != "“" && w.1 != "”").collect();
        // The title band is above every box; every other word stands inside one box.
        let top = t.fits.iter().map(|f| f.rect.y).fold(f32::INFINITY, f32::min);
        for (word, text) in &all {
            let c = core(word);
            assert!(
                c[3] < top || t.fits.iter().any(|f| inside(&c, &f.rect)),
                "{sheet}: `{text}` at {word:?} is outside every box"
            );
        }
        // A formula's accents (`\\hat m`) sit on their letter by design.
        let accents = ["^", "~", "ˆ", "˜", "¯", "˙", "¨", "´", "`", "ˇ", "˘", "→", "⃗"];
        let all: Vec<_> = all.into_iter().filter(|w| !accents.contains(&w.1.as_str())).collect();
        for (i, (a, ta)) in all.iter().enumerate() {
            let a = core(a);
            for (b, tb) in &all[i + 1..] {
                let b = core(b);
                let overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
                assert!(!overlap, "{sheet}: `{ta}` {a:?} overlaps `{tb}` {b:?}");
            }
        }
    }
}

/// The bounding boxes of the figures (diagrams) of a page, in page coordinates.
fn figure_boxes(items: &[FrameItem], dx: f32, dy: f32, out: &mut Vec<[f32; 4]>) {
    for item in items {
        let FrameItem::Group(group) = item else { continue };
        let (gx, gy) = (dx + group.x, dy + group.y);
        if !matches!(group.role, Some(Role::Figure { .. })) {
            figure_boxes(&group.items, gx, gy, out);
            continue;
        }
        let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        let mut take = |x: f32, y: f32| {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        };
        walk(&group.items, gx, gy, &mut |item, x, y| match item {
            FrameItem::Path(path) => {
                for segment in &path.segments {
                    if let Segment::MoveTo(p) | Segment::LineTo(p) | Segment::CubicTo(_, _, p) = segment {
                        take(p.x + x, p.y + y);
                    }
                }
            }
            FrameItem::Text(run) => {
                for g in &run.glyphs {
                    take(g.x + x, g.y + y);
                }
            }
            _ => {}
        });
        out.push(b);
    }
}

fn one_box_sheet(diagram: &str) -> String {
    format!(
        "---\ntitle: \"Alone\"\npage: a4-landscape\nlayout:\n  - height: 12%\n    boxes: [title]\n  - height: 88%\n    boxes: [chart]\n---\n## 📊 그림 {{#chart .blue}}\n\n```mermaid\n{diagram}\n```\n"
    )
}

#[test]
fn each_diagram_type_alone_in_a_big_box_spans_most_of_it() {
    let diagrams = [
        ("flowchart TB", "flowchart TB\n  a[수집] --> b[토큰화] --> c[학습]\n  b --> d[평가]"),
        ("flowchart LR", "flowchart LR\n  a[수집] --> b[토큰화] --> c[학습] --> d[배포]"),
        ("mindmap", "mindmap\n  root((한지))\n    파싱\n      flowchart\n      mindmap\n    그리기\n      펜\n      벡터\n    배치"),
        ("pie", "pie title 학습 비용\n  \"사전학습\" : 95\n  \"SFT\" : 3\n  \"RL\" : 2"),
        (
            "xychart",
            "xychart-beta\n  title \"월별 토큰\"\n  x-axis [1월, 2월, 3월, 4월]\n  y-axis \"토큰\" 0 --> 50\n  bar [12, 18, 25, 31]\n  line [10, 15, 21, 28]",
        ),
        ("xychart horizontal", "xychart-beta horizontal\n  title \"모델 크기\"\n  x-axis [GPT-2, GPT-3, Llama]\n  bar [1.5, 175, 70]"),
    ];
    let dir = temp_dir("alone");
    for (kind, diagram) in diagrams {
        let path = dir.join("alone.md");
        std::fs::write(&path, one_box_sheet(diagram)).unwrap();
        let t = typeset(&path);
        let fit = &t.fits[0];
        let mut figures = Vec::new();
        figure_boxes(&t.laid.pages[0].items, 0.0, 0.0, &mut figures);
        assert_eq!(figures.len(), 1, "{kind}: one figure");
        let f = figures[0];
        let (wide, tall) = ((f[2] - f[0]) / fit.rect.width, (f[3] - f[1]) / fit.rect.height);
        assert!(
            wide >= 0.5 || tall >= 0.5,
            "{kind}: the diagram spans {:.0} % of the box's width and {:.0} % of its height",
            wide * 100.0,
            tall * 100.0
        );
        let inner = fit.rect;
        assert!(
            f[0] >= inner.x && f[2] <= inner.right() && f[1] >= inner.y && f[3] <= inner.bottom(),
            "{kind}: the diagram {f:?} leaves its box {inner:?}"
        );
    }
}

/// Consecutive diagrams in a wide, short box stand side by side, sharing one scale; in a tall,
/// narrow box they stack.
#[test]
fn consecutive_diagrams_stand_side_by_side_where_that_gives_them_room() {
    let two = "```mermaid\nflowchart BT\n  a[아래] --> b[위]\n  a --> c[옆] --> b\n```\n\n```mermaid\nflowchart TB\n  p[시작] --> q[다음] --> r[끝]\n```\n";
    let sheet = |widths: &str, height: u32| {
        format!(
            "---\ntitle: \"Two\"\npage: a4-landscape\nlayout:\n  - height: {}%\n    boxes: [title]\n  - height: {height}%\n    boxes: [{widths}]\n---\n## 🧭 방향 {{#pair .orange}}\n\n{two}\n## 📝 메모 {{#notes .green}}\n\n- 한 줄.\n",
            100 - height
        )
    };
    let dir = temp_dir("pair");
    let path = dir.join("pair.md");
    let figures_of = |source: String| {
        std::fs::write(&path, source).unwrap();
        let t = typeset(&path);
        let mut figures = Vec::new();
        figure_boxes(&t.laid.pages[0].items, 0.0, 0.0, &mut figures);
        assert_eq!(figures.len(), 2);
        figures
    };
    let wide = figures_of(sheet("{ id: pair, width: 75% }, notes", 40));
    let (a, b) = (wide[0], wide[1]);
    assert!(a[2] < b[0] && a[1] < b[3] && b[1] < a[3], "side by side: {a:?} {b:?}");
    let narrow = figures_of(sheet("{ id: pair, width: 22% }, notes", 90));
    let (a, b) = (narrow[0], narrow[1]);
    assert!(a[3] < b[1], "stacked: {a:?} {b:?}");
}

/// Text that grew everywhere takes the box titles with it: no title is smaller than the text
/// under it, and all titles keep one size.
#[test]
fn grown_text_takes_the_box_titles_with_it() {
    let t = typeset(&root().join("tests/fixtures/sparse-sheet.md"));
    let mut title_sizes = Vec::new();
    let mut body_sizes = Vec::new();
    // Box titles are the level-2 headings; the body is the paragraphs.
    fn sizes_of(items: &[FrameItem], titles: &mut Vec<f32>, body: &mut Vec<f32>) {
        for item in items {
            let FrameItem::Group(group) = item else { continue };
            let mut sizes = Vec::new();
            walk(std::slice::from_ref(item), 0.0, 0.0, &mut |item, _, _| {
                if let FrameItem::Text(run) = item {
                    sizes.push(run.size);
                }
            });
            match group.role {
                Some(Role::Heading(2)) => titles.push(sizes.iter().copied().fold(0.0f32, f32::max)),
                Some(Role::Paragraph) => body.extend(sizes),
                _ => sizes_of(&group.items, titles, body),
            }
        }
    }
    sizes_of(&t.laid.pages[0].items, &mut title_sizes, &mut body_sizes);
    assert_eq!(title_sizes.len(), 4, "four box titles");
    // The body's size is its most common run size (fallback fonts are sized to the hand font).
    body_sizes.sort_by(f32::total_cmp);
    let body = *body_sizes
        .chunk_by(|a, b| (a - b).abs() < 0.01)
        .max_by_key(|run| run.len())
        .and_then(|run| run.first())
        .unwrap();
    assert!(title_sizes.windows(2).all(|w| (w[0] - w[1]).abs() < 0.01), "titles {title_sizes:?}");
    assert!(title_sizes[0] >= body, "title {} pt under text of {body} pt", title_sizes[0]);
    for fit in &t.fits {
        assert!(fit.scale >= MAX_SCALE - 0.01, "box `{}` at {}", fit.id, fit.scale);
    }
}

/// `layout: auto` lays out the model's grid and its neighbours and keeps the one whose
/// smallest box scale is the largest: never worse than the model's grid, never with boxes
/// narrower than 20 ems of body text.
#[test]
fn layout_auto_keeps_the_grid_with_the_largest_smallest_scale() {
    let path = root().join("tests/fixtures/auto-layout-sheet.md");
    let doc = hanji::load_document(&path).unwrap();
    let chosen = hanji::typeset(&doc, &path, None).unwrap();
    let mut fixed = doc.clone();
    fixed.meta.auto_layout = false;
    let model = hanji::typeset(&fixed, &path, None).unwrap();
    let smallest = |t: &hanji::Typeset| t.fits.iter().map(|f| f.scale).fold(f32::INFINITY, f32::min);
    assert!(smallest(&chosen) >= smallest(&model) - 0.005, "{} < {}", smallest(&chosen), smallest(&model));
    let em = 9.3;
    for fit in &chosen.fits {
        assert!(fit.rect.width >= 20.0 * em * 0.9, "box `{}` is {:.0} pt wide", fit.id, fit.rect.width);
    }
    assert_eq!(chosen.fits.len(), 6);
}
