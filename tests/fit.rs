//! Auto-fit: content taller than its box is shrunk to the largest scale that fits, down to the
//! style's minimum; past that the error names the box. Content with room grows, up to the
//! style's maximum and within its spread of the sheet's smallest box. `hanji check` reports both.

mod common;

use common::{hanji, temp_dir};

/// A sheet with boxes `a` and `b` side by side in one row under a title band; `a` holds
/// `items` list items, `b` holds `items_b`.
fn sheet(items: usize, items_b: usize, style: &str) -> String {
    let list = |n: usize| {
        (1..=n).map(|i| format!("- {i}번째 항목: 베이스 모델은 인터넷 문서 시뮬레이터\n")).collect::<String>()
    };
    format!(
        "---\ntitle: \"Fit\"\nstyle: {style}\nlayout:\n  - height: 15%\n    boxes: [title]\n  - height: 85%\n    boxes: [a, b]\n---\n## 📦 A {{#a .blue}}\n{}\n## 🎯 B {{#b .green}}\n{}\n",
        list(items),
        list(items_b.max(1))
    )
}

fn typeset(name: &str, source: &str) -> Result<hanji::Typeset, hanji::Failure> {
    let dir = temp_dir(name);
    let path = dir.join("sheet.md");
    std::fs::write(&path, source).unwrap();
    if source.contains("style: harmony.toml") {
        std::fs::write(dir.join("harmony.toml"), "[fit]\nharmony = true\n").unwrap();
    }
    let doc = hanji::load_document(&path).unwrap();
    hanji::typeset(&doc, &path, None)
}

fn scale_of(t: &hanji::Typeset, id: &str) -> f32 {
    t.fits.iter().find(|f| f.id == id).map(|f| f.scale).unwrap()
}

/// The most list items box `a` holds at full size, found by trying.
fn capacity() -> usize {
    (1..200)
        .find(|&n| scale_of(&typeset("capacity", &sheet(n + 1, 1, "pen-notes")).unwrap(), "a") < 1.0)
        .unwrap()
}

#[test]
fn a_box_exactly_full_keeps_its_size_and_one_more_line_shrinks_it() {
    let full = capacity();
    let at_capacity = typeset("full", &sheet(full, 1, "pen-notes")).unwrap();
    // Full at its size: it grows by less than a line's worth at most.
    let scale = scale_of(&at_capacity, "a");
    assert!((1.0..1.1).contains(&scale), "{scale}");
    assert!(at_capacity.warnings.iter().all(|w| !w.message.contains("shrunk")));
    let over = typeset("over", &sheet(full + 1, 1, "pen-notes")).unwrap();
    let scale = scale_of(&over, "a");
    assert!(scale < 1.0 && scale > 0.9, "one line over shrinks a little: {scale}");
}

#[test]
fn a_box_needing_80_percent_gets_about_80_percent() {
    let full = capacity();
    let t = typeset("eighty", &sheet(full * 5 / 4, 1, "pen-notes")).unwrap();
    let scale = scale_of(&t, "a");
    assert!((0.74..0.86).contains(&scale), "scale {scale}");
    let b = scale_of(&t, "b");
    assert!(
        b >= 1.0 && b <= scale * 1.25 + 0.005,
        "without harmony the other box keeps its size or grows, within 1.25× of `a`: {b}"
    );
    let warning = t.warnings.iter().find(|w| w.message.contains("box `a` was shrunk to")).expect("a warning");
    assert_eq!(warning.line, Some(10));
    assert!(warning.message.contains(&format!("{} %", (scale * 100.0).floor())), "{}", warning.message);
}

#[test]
fn a_box_that_cannot_fit_is_an_error_naming_it() {
    let full = capacity();
    let errors =
        typeset("impossible", &sheet(full * 3, full * 3, "pen-notes")).err().expect("it cannot fit").errors;
    assert_eq!(errors.len(), 2, "both boxes are reported: {errors:?}");
    assert_eq!(errors[0].line, Some(10));
    assert!(
        errors[0].message.contains("box `a` overflows") && errors[0].message.contains("70 %"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0].message.contains(" mm ") && errors[0].message.contains("lines"),
        "{}",
        errors[0].message
    );
    assert!(errors[1].message.contains("box `b` overflows"), "{}", errors[1].message);
}

#[test]
fn a_row_shares_its_scale_when_the_style_asks() {
    let full = capacity();
    let t = typeset("harmony", &sheet(full * 5 / 4, 2, "harmony.toml")).unwrap();
    let (a, b) = (scale_of(&t, "a"), scale_of(&t, "b"));
    assert!(a < 0.9, "{a}");
    assert_eq!(a, b, "boxes of one row share the smallest scale");
}

#[test]
fn a_sheet_whose_every_box_shrinks_still_renders() {
    let full = capacity();
    let t = typeset("every", &sheet(full + 3, full + 3, "pen-notes")).unwrap();
    assert!(scale_of(&t, "a") < 1.0 && scale_of(&t, "b") < 1.0);
    assert!(t.pdf().unwrap().starts_with(b"%PDF"));
}

#[test]
fn check_reports_errors_and_warnings_as_text_and_json() {
    let full = capacity();
    let dir = temp_dir("check");
    std::fs::write(dir.join("ok.md"), sheet(full + 2, 1, "pen-notes")).unwrap();
    std::fs::write(dir.join("bad.md"), sheet(full * 3, 1, "pen-notes").replace(".green", ".chartreuse"))
        .unwrap();
    let ok = hanji(&["check", "ok.md"], &dir);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{text}");
    assert!(text.contains("warning: ok.md:10: box `a` was shrunk to"), "{text}");
    assert!(text.contains("1 page, 0 errors, 1 warnings"), "{text}");
    let bad = hanji(&["check", "bad.md", "--format", "json"], &dir);
    assert_eq!(bad.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(report["pages"], serde_json::Value::Null, "a sheet that fails has no pages");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["line"], 10);
    assert!(errors[0]["message"].as_str().unwrap().contains("box `a` overflows"));
    let warnings = report["warnings"].as_array().unwrap();
    assert!(warnings
        .iter()
        .any(|w| w["message"].as_str().unwrap().contains("unknown heading class `.chartreuse`")));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2, "check writes nothing");
}

#[test]
fn boxes_with_room_grow_to_the_maximum_and_stay_within_the_spread() {
    // One line each: both grow to `fit.max_scale`.
    let t = typeset("grow", &sheet(1, 1, "pen-notes")).unwrap();
    assert!((scale_of(&t, "a") - 1.6).abs() < 0.01 && (scale_of(&t, "b") - 1.6).abs() < 0.01);
    assert!(t.warnings.iter().all(|w| !w.message.contains("shrunk")), "{:?}", t.warnings);
    // A full box holds the other one back to 1.25× its own scale.
    let full = capacity();
    let t = typeset("spread", &sheet(full, 1, "pen-notes")).unwrap();
    let (a, b) = (scale_of(&t, "a"), scale_of(&t, "b"));
    assert!(b > a && b <= a * 1.25 + 0.005, "a {a}, b {b}");
}

#[test]
fn check_reports_every_box_with_its_scale_and_fill() {
    let full = capacity();
    let dir = temp_dir("boxes");
    std::fs::write(dir.join("sheet.md"), sheet(full, 1, "pen-notes")).unwrap();
    let out = hanji(&["check", "sheet.md", "--format", "json"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let boxes = report["boxes"].as_array().expect("boxes");
    assert_eq!(boxes.iter().map(|b| b["id"].as_str().unwrap()).collect::<Vec<_>>(), ["a", "b"]);
    let fill = |i: usize| boxes[i]["fill"].as_f64().unwrap();
    assert!(fill(0) > 0.9 && fill(0) <= 1.0, "the full box is full: {}", fill(0));
    assert!(
        fill(1) < 0.5,
        "one line in a big box, grown within the spread, is still mostly empty: {}",
        fill(1)
    );
    assert_eq!(boxes[0]["line"], 10);
    let text = hanji(&["check", "sheet.md"], &dir);
    let table = String::from_utf8_lossy(&text.stdout);
    assert!(
        table.lines().any(|l| l.starts_with("box") && l.contains("scale") && l.contains("fill")),
        "{table}"
    );
    assert!(table.lines().any(|l| l.starts_with("a ") && l.trim_end().ends_with('%')), "{table}");
}

/// A sheet with no `height` and no `width` at all lays itself out: rows and boxes share the
/// page by what their content needs, so every box comes out at least half full.
#[test]
fn a_sheet_without_sizes_shares_the_page_by_need() {
    let path = common::root().join("tests/fixtures/untuned-sheet.md");
    let doc = hanji::load_document(&path).unwrap();
    assert!(doc.meta.layout.as_ref().unwrap().iter().all(|r| r.height.is_none()));
    let t = hanji::typeset(&doc, &path, None).unwrap_or_else(|f| panic!("{:?}", f.errors));
    assert_eq!(t.fits.len(), 6);
    for fit in &t.fits {
        assert!(fit.fill >= 0.5, "box `{}` is {:.0} % full", fit.id, fit.fill * 100.0);
        assert!((0.7..=1.6).contains(&fit.scale), "{}: {}", fit.id, fit.scale);
    }
    let smallest = t.fits.iter().map(|f| f.scale).fold(f32::INFINITY, f32::min);
    let largest = t.fits.iter().map(|f| f.scale).fold(0.0f32, f32::max);
    assert!(largest <= smallest * 1.25 + 0.005, "scales {smallest}–{largest}");
}

#[test]
fn given_heights_must_leave_room_for_rows_without_one() {
    let source = "---\ntitle: t\nlayout:\n  - height: 60%\n    boxes: [title]\n  - height: 40%\n    boxes: [a]\n  - boxes: [b]\n---\n## A {#a}\n\nx\n\n## B {#b}\n\ny\n";
    let dir = temp_dir("no-room");
    std::fs::write(dir.join("sheet.md"), source).unwrap();
    let err = hanji::load_document(&dir.join("sheet.md")).expect_err("an error");
    assert_eq!(err.line, Some(4), "{err:?}");
    assert!(err.message.contains("leaving nothing"), "{}", err.message);
    let fine = source.replace("height: 60%", "height: 20%");
    let t = typeset("room", &fine).unwrap_or_else(|f| panic!("{:?}", f.errors));
    assert_eq!(t.fits.len(), 2);
}

/// A diagram alone in a big box grows into it (text keeps its scale; the diagram is drawn up
/// to twice its natural size, never wider than the box).
#[test]
fn a_diagram_alone_in_a_big_box_takes_the_room() {
    let source = "---\ntitle: \"Pie\"\nlayout:\n  - height: 12%\n    boxes: [title]\n  - height: 88%\n    boxes: [{ id: pie, width: 50% }, words]\n---\n## 🥧 비율 {#pie .orange}\n\n```mermaid\npie title 학습 비용\n  \"사전학습\" : 95\n  \"SFT\" : 3\n  \"RL\" : 2\n```\n\n## 📝 메모 {#words .blue}\n\n한 줄 메모.\n";
    let t = typeset("pie", source).unwrap_or_else(|f| panic!("{:?}", f.errors));
    // The pie and its legend span most of the box's width (their proportions keep them from
    // the height): the box is half the page less the margins and gap.
    let (x0, x1) = figure_span(&t.laid.pages[0].items, 0.0);
    let box_width = (841.89 - 2.0 * 7.0 * 72.0 / 25.4 - 3.2 * 72.0 / 25.4) / 2.0;
    assert!(x1 - x0 > 0.7 * box_width, "the pie spans {:.0} of {box_width:.0} pt", x1 - x0);
}

/// The horizontal extent of the paths inside the first figure group.
fn figure_span(items: &[hanji::frame::FrameItem], dx: f32) -> (f32, f32) {
    use hanji::frame::{FrameItem, Role, Segment};
    for item in items {
        if let FrameItem::Group(group) = item {
            if matches!(group.role, Some(Role::Figure { .. })) {
                let (mut lo, mut hi) = (f32::MAX, f32::MIN);
                hanji::frame::walk(&group.items, dx + group.x, 0.0, &mut |item, gx, _| {
                    match item {
                        FrameItem::Path(path) => {
                            for segment in &path.segments {
                                if let Segment::MoveTo(p) | Segment::LineTo(p) | Segment::CubicTo(_, _, p) =
                                    segment
                                {
                                    lo = lo.min(p.x + gx);
                                    hi = hi.max(p.x + gx);
                                }
                            }
                        }
                        // A glyph reaches about half an em past where it starts.
                        FrameItem::Text(run) => {
                            for g in &run.glyphs {
                                lo = lo.min(g.x + gx);
                                hi = hi.max(g.x + gx + run.size * 0.5);
                            }
                        }
                        _ => {}
                    }
                });
                return (lo, hi);
            }
            let found = figure_span(&group.items, dx + group.x);
            if found.1 > found.0 {
                return found;
            }
        }
    }
    (0.0, 0.0)
}

/// `layout: auto` chooses the grid: the title band, then the sections in source order in rows
/// of about equal count, sized by need.
#[test]
fn layout_auto_places_the_sections_in_source_order() {
    let path = common::root().join("tests/fixtures/auto-layout-sheet.md");
    let doc = hanji::load_document(&path).unwrap();
    let rows = doc.meta.layout.as_ref().expect("rows chosen");
    let ids: Vec<Vec<&str>> = rows.iter().map(|r| r.boxes.iter().map(|b| b.id.as_str()).collect()).collect();
    assert_eq!(ids, [vec!["title"], vec!["setup", "daily", "branch"], vec!["undo", "remote", "tips"]]);
    let t = hanji::typeset(&doc, &path, None).unwrap_or_else(|f| panic!("{:?}", f.errors));
    for fit in &t.fits {
        assert!(fit.fill >= 0.5, "box `{}` is {:.0} % full", fit.id, fit.fill * 100.0);
    }
    // The chosen rows are in the JSON model: it renders the same without `auto`.
    let json = serde_json::to_string(&doc).unwrap();
    assert!(!json.contains("auto_layout") && json.contains("\"setup\""));
}

/// `--draft` writes a sheet whose boxes cannot fit: each is cut at its edge and marked, and the
/// warning says which row height would fit; without it nothing is written.
#[test]
fn a_draft_shows_the_overflow_and_says_which_height_would_fit() {
    let full = capacity();
    let dir = temp_dir("draft");
    std::fs::write(dir.join("sheet.md"), sheet(full * 3, 1, "pen-notes")).unwrap();
    let plain = hanji(&["render", "sheet.md", "-o", "sheet.pdf"], &dir);
    assert_eq!(plain.status.code(), Some(1));
    assert!(!dir.join("sheet.pdf").exists());
    let draft = hanji(&["render", "sheet.md", "-o", "sheet.pdf", "--draft"], &dir);
    let stderr = String::from_utf8_lossy(&draft.stderr);
    assert_eq!(draft.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("sheet.md:10: draft: box `a` overflows") && stderr.contains("give row 2 about"),
        "{stderr}"
    );
    let text = common::tool("pdftotext", &[dir.join("sheet.pdf").to_str().unwrap(), "-"]);
    assert!(text.contains("mm more"), "the overflow is marked on the page: {text}");
    // Nothing is drawn below the box: its last items stay inside the page's margin.
    let words = common::tool("pdftotext", &["-bbox", dir.join("sheet.pdf").to_str().unwrap(), "-"]);
    let lowest = words
        .lines()
        .filter_map(|l| l.split("yMax=\"").nth(1)?.split('"').next()?.parse::<f32>().ok())
        .fold(0.0f32, f32::max);
    assert!(lowest < 595.28 - 7.0 * 72.0 / 25.4 + 1.0, "text reaches {lowest}");
}

/// A left-to-right flowchart too wide for a narrow box is drawn top to bottom, with a warning,
/// instead of failing.
#[test]
fn a_wide_lr_flowchart_in_a_narrow_box_turns_top_to_bottom() {
    let source = r#"---
title: "LR"
layout:
  - height: 12%
    boxes: [title]
  - height: 88%
    boxes: [{ id: flow, width: 30% }, notes]
---
## 🔀 흐름 {#flow .blue}

```mermaid
flowchart LR
  a[인터넷 문서 수집] --> b[토큰화 단계] --> c[신경망 학습]
  subgraph post [후속학습]
    d[지도 미세조정] --> e[강화학습]
  end
  c --> d
```

## 📝 메모 {#notes .green}

- 왼쪽 흐름도는 좁은 상자에 있다.
"#;
    let t = typeset("lr", source).unwrap_or_else(|f| panic!("{:?}", f.errors));
    let warning = t.warnings.iter().find(|w| w.message.contains("drawn top to bottom")).expect("a warning");
    assert_eq!(warning.line, Some(12));
    // Written `TB`, the same chart renders without the warning.
    let tb = typeset("tb", &source.replace("flowchart LR", "flowchart TB")).unwrap();
    assert!(tb.warnings.iter().all(|w| !w.message.contains("top to bottom")));
}

/// A flowchart too wide for its box closes up its gaps first; only when even that is too wide
/// at the smallest text size is it turned top to bottom.
#[test]
fn a_diagram_too_wide_closes_up_its_spacing_before_turning() {
    use hanji::diagram::build_stretched;
    let chain =
        "flowchart LR\n  a[인터넷 문서] --> b[토큰화] --> c[사전학습] --> d[지도 미세조정] --> e[강화학습]";
    let mut book = hanji::text::fonts::FontBook::new();
    let style = hanji::style::load("pen-notes", std::path::Path::new("."), &mut book).unwrap();
    let accent = style.color("blue").unwrap();
    let (mut natural_kept, mut tight_kept, mut turned_seen) = (false, false, false);
    for percent in (8..=80).step_by(2) {
        let source = format!(
            "---\ntitle: \"Chain\"\nlayout:\n  - height: 12%\n    boxes: [title]\n  - height: 88%\n    boxes: [{{ id: flow, width: {percent}% }}, notes]\n---\n## 🔀 흐름 {{#flow .blue}}\n\n```mermaid\n{chain}\n```\n\n## 📝 메모 {{#notes .green}}\n\n- 메모.\n"
        );
        let t = typeset("chain", &source).unwrap_or_else(|f| panic!("{percent}%: {:?}", f.errors));
        let fit = t.fits.iter().find(|f| f.id == "flow").unwrap();
        let inner = fit.rect.width - 2.0 * style.boxes.padding;
        let mut ctx = hanji::layout::blocks::Ctx::new(&book, &style, std::path::Path::new("."));
        let natural = build_stretched(&mut ctx, chain, 12, accent, inner, 1.0).unwrap();
        let tight = build_stretched(&mut ctx, chain, 12, accent, inner, 0.55).unwrap();
        let turned = t.warnings.iter().any(|w| w.message.contains("top to bottom"));
        if inner >= natural.size().0 * natural.min_scale() + 1.0 {
            assert!(!turned, "{percent}%: fits as it is, yet turned");
            natural_kept = true;
        } else if inner >= tight.size().0 * tight.min_scale() + 1.0 {
            assert!(!turned, "{percent}%: fits closed up, yet turned");
            tight_kept = true;
        } else if inner < tight.size().0 * tight.min_scale() - 1.0 {
            assert!(turned, "{percent}%: too wide even closed up, yet not turned");
            turned_seen = true;
        }
    }
    assert!(natural_kept && tight_kept && turned_seen, "{natural_kept} {tight_kept} {turned_seen}");
}
