//! Flowing documents (DESIGN.md §1.1): the two flow samples read back with lopdf and poppler —
//! pages, outline, links, running footers, repeated table headers, continued boxes, margins,
//! overlaps and the text layer — and the errors and warnings of bad flow input.

mod common;

use common::{check_reference, hanji, root, squeeze, temp_dir, tool};
use lopdf::{Document, Object, ObjectId};

const NOTES: &str = "samples/lecture-notes.md";
const HANDOUT: &str = "samples/handout.md";

/// Renders a sample (optionally in another style) into a temp folder; returns the PDF path.
fn render(sample: &str, style: Option<&str>) -> std::path::PathBuf {
    let dir = temp_dir("flow");
    let pdf = dir.join("out.pdf");
    let source = root().join(sample);
    let mut args = vec!["render", source.to_str().unwrap(), "-o", pdf.to_str().unwrap()];
    if let Some(style) = style {
        args.extend(["--style", style]);
    }
    let out = hanji(&args, &dir);
    assert!(out.status.success(), "{sample}: {}", String::from_utf8_lossy(&out.stderr));
    pdf
}

fn page_text(pdf: &std::path::Path, page: usize) -> String {
    let n = page.to_string();
    tool("pdftotext", &["-raw", "-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"])
}

/// The outline as (depth, title, page number), in order.
fn outline(doc: &Document) -> Vec<(usize, String, usize)> {
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let mut out = Vec::new();
    let catalog = doc.catalog().unwrap();
    let root = catalog.get(b"Outlines").and_then(Object::as_reference).unwrap();
    let first = doc.get_dictionary(root).unwrap().get(b"First").and_then(Object::as_reference).ok();
    walk_outline(doc, first, 0, &pages, &mut out);
    out
}

fn walk_outline(
    doc: &Document,
    mut node: Option<ObjectId>,
    depth: usize,
    pages: &[ObjectId],
    out: &mut Vec<(usize, String, usize)>,
) {
    while let Some(id) = node {
        let dict = doc.get_dictionary(id).unwrap();
        let title = match dict.get(b"Title").unwrap() {
            Object::String(bytes, _) => decode_pdf_string(bytes),
            other => panic!("title {other:?}"),
        };
        let dest = dict.get(b"Dest").and_then(Object::as_array).unwrap();
        let page = dest[0].as_reference().unwrap();
        let number = pages.iter().position(|p| *p == page).unwrap() + 1;
        out.push((depth, title, number));
        let child = dict.get(b"First").and_then(Object::as_reference).ok();
        walk_outline(doc, child, depth + 1, pages, out);
        node = dict.get(b"Next").and_then(Object::as_reference).ok();
    }
}

fn decode_pdf_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn lecture_notes_pages_outline_and_footers() {
    let pdf = render(NOTES, None);
    let doc = Document::load(&pdf).unwrap();
    let pages = doc.get_pages();
    assert!(pages.len() >= 5, "{} pages", pages.len());
    for id in pages.values() {
        let media = doc.get_dictionary(*id).unwrap().get(b"MediaBox").and_then(Object::as_array).unwrap();
        let size: Vec<f32> = media.iter().map(|o| o.as_float().unwrap()).collect();
        assert!((size[2] - 595.28).abs() < 0.1 && (size[3] - 841.89).abs() < 0.1, "A4 portrait: {size:?}");
    }
    let count = pages.len();
    for page in 1..=count {
        let text = page_text(&pdf, page);
        assert!(text.contains(&format!("{page} / {count}")), "page {page} footer:\n{text}");
    }
    // Parts are level 1, sections nest under them, subsections under those; each entry
    // jumps to the page whose text has the heading.
    let entries = outline(&doc);
    let find = |title: &str| {
        entries.iter().find(|e| e.1 == title).unwrap_or_else(|| panic!("{title} in {entries:?}"))
    };
    assert_eq!(find("1부. 사전학습").0, 0);
    assert_eq!(find("1\u{2002}데이터 수집").0, 1);
    assert_eq!(find("1.1\u{2002}데이터 규모 비교").0, 2);
    assert_eq!(find("2부. 후속학습").0, 0);
    assert_eq!(find("4\u{2002}지도 미세조정").0, 1);
    for (_, title, page) in &entries {
        let heading = title.split('\u{2002}').next_back().unwrap();
        assert!(
            squeeze(&page_text(&pdf, *page)).contains(&squeeze(heading)),
            "`{title}` is not on page {page}"
        );
    }
    // Parts start a new page.
    let part_two = find("2부. 후속학습").2;
    assert!(squeeze(&page_text(&pdf, part_two)).contains(&squeeze("베이스 모델은 인터넷 문서를 이어 쓰는")));
    assert!(!squeeze(&page_text(&pdf, part_two - 1)).contains("2부"));
}

#[test]
fn contents_lines_are_links_to_their_headings_with_page_numbers() {
    let pdf = render(NOTES, None);
    let doc = Document::load(&pdf).unwrap();
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let first = doc.get_dictionary(pages[0]).unwrap();
    let annots = first.get(b"Annots").and_then(Object::as_array).unwrap();
    let mut targets = Vec::new();
    for annot in annots {
        let dict = match annot {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            Object::Dictionary(d) => d,
            other => panic!("{other:?}"),
        };
        let Ok(action) = dict.get(b"A").and_then(Object::as_dict) else { continue };
        if action.get(b"S").and_then(Object::as_name).ok() != Some(b"GoTo".as_slice()) {
            continue;
        }
        let dest = action.get(b"D").and_then(Object::as_array).unwrap();
        let page = dest[0].as_reference().unwrap();
        targets.push(pages.iter().position(|p| *p == page).unwrap() + 1);
    }
    // One link per contents line (12 headings) and one for the footnote mark.
    assert!(targets.len() >= 12, "{targets:?}");
    let entries = outline(&doc);
    let expected: Vec<usize> = entries.iter().map(|e| e.2).collect();
    assert_eq!(&targets[..expected.len()], &expected[..], "contents links go where the outline goes");
    // The printed page numbers are the same.
    let text = page_text(&pdf, 1);
    let printed: Vec<usize> = text.lines().filter_map(|l| l.trim().parse().ok()).collect();
    assert_eq!(&printed[..expected.len()], &expected[..], "{text}");
}

#[test]
fn a_table_longer_than_a_page_repeats_its_header_row() {
    let pdf = render(NOTES, None);
    let count = Document::load(&pdf).unwrap().get_pages().len();
    let pages_with_rows: Vec<usize> = (1..=count)
        .filter(|&p| {
            let t = page_text(&pdf, p);
            t.contains("토큰 token") || t.contains("토크나이저 tokenizer")
        })
        .collect();
    assert_eq!(pages_with_rows.len(), 2, "the glossary spans two pages: {pages_with_rows:?}");
    for page in pages_with_rows {
        let text = page_text(&pdf, page);
        let header = text.lines().position(|l| squeeze(l) == "용어뜻");
        assert!(header.is_some(), "page {page} has the header row:\n{text}");
    }
}

#[test]
fn a_box_longer_than_a_column_continues_with_its_title_and_mark() {
    for style in [None, Some("clean")] {
        let pdf = render(HANDOUT, style);
        let doc = Document::load(&pdf).unwrap();
        assert!(doc.get_pages().len() >= 2);
        let all = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
        assert!(all.contains("알고리즘 고르기 가이드 (계속)"), "{style:?}:\n{all}");
        assert!(all.contains("1 / 2") && all.contains("2 / 2"), "footer with placeholders: {all}");
        tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    }
}

/// Every word's box on every page, from poppler.
fn words(pdf: &std::path::Path) -> Vec<(usize, [f32; 4], String)> {
    let html = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let mut page = 0;
    let mut out = Vec::new();
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page") {
            page += 1;
        }
        if !line.starts_with("<word") {
            continue;
        }
        let attr = |name: &str| -> f32 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        };
        let text = line.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("").to_string();
        out.push((page, [attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")], text));
    }
    out
}

#[test]
fn no_text_outside_the_margins_and_no_two_words_overlap() {
    for (sample, style) in [(NOTES, None), (HANDOUT, None), (HANDOUT, Some("clean")), (NOTES, Some("clean"))]
    {
        let pdf = render(sample, style);
        let doc = Document::load(&pdf).unwrap();
        let (width, height) = (doc.get_pages().len(), 0);
        let _ = (width, height);
        let all = words(&pdf);
        assert!(all.len() > 300, "{sample}: {} words", all.len());
        let page_size = if sample == NOTES { (595.28, 841.89) } else { (841.89, 595.28) };
        let margin = 7.0 * 72.0 / 25.4; // the style's sheet margin; flow keeps more.
        for (page, [x0, y0, x1, y1], text) in &all {
            assert!(
                *x0 >= margin
                    && *y0 >= margin - 3.0
                    && *x1 <= page_size.0 - margin
                    && *y1 <= page_size.1 - margin + 3.0,
                "{sample} {style:?} page {page}: `{text}` at {x0},{y0}–{x1},{y1} is in the margin"
            );
        }
        // Words overlap when their cores intersect: boxes less a quarter of their height above
        // and below (hand fonts report generous ascents) and a point at either side (a
        // bullet's advance is wider than its dot).
        let core = |b: &[f32; 4]| {
            let h = (b[3] - b[1]) * 0.25;
            [b[0] + 1.0, b[1] + h, b[2] - 1.0, b[3] - h]
        };
        // The big quote marks of a quote card are decoration that may reach past the card.
        let all: Vec<_> = all.into_iter().filter(|w| w.2 != "“" && w.2 != "”").collect();
        for (i, (page, a, ta)) in all.iter().enumerate() {
            let a = core(a);
            for (page_b, b, tb) in &all[i + 1..] {
                if page_b != page {
                    break;
                }
                let b = core(b);
                let overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
                assert!(!overlap, "{sample} {style:?} page {page}: `{ta}` {a:?} overlaps `{tb}` {b:?}");
            }
        }
    }
}

/// The model's text: every paragraph, list item, heading and table cell.
fn typed_texts(source: &str) -> Vec<String> {
    let doc = hanji::load_document(&root().join(source)).unwrap();
    let mut texts = Vec::new();
    hanji::model::visit_blocks(&doc, &mut |block| match block {
        hanji::model::Block::Paragraph { inlines, .. } | hanji::model::Block::Heading { inlines, .. } => {
            texts.push(hanji::model::plain_text(inlines))
        }
        hanji::model::Block::Table { header, rows, .. } => {
            texts.extend(header.iter().chain(rows.iter().flatten()).map(|c| hanji::model::plain_text(c)))
        }
        hanji::model::Block::Code { text, .. } => texts.extend(text.lines().map(str::to_string)),
        _ => {}
    });
    for section in doc.sections.iter().flat_map(|s| std::iter::once(s).chain(&s.subsections)) {
        texts.push(hanji::model::plain_text(&section.title));
    }
    texts
}

#[test]
fn the_text_layer_gives_back_the_source() {
    for sample in [NOTES, HANDOUT] {
        let pdf = render(sample, None);
        let text = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
        // Footnote marks are superscript digits; a hyphen added at a line end is not typed.
        let flat: String = squeeze(&text).replace("-\u{0}", "");
        let flat: String = flat.chars().filter(|c| !"⁰¹²³⁴⁵⁶⁷⁸⁹".contains(*c)).collect();
        for typed in typed_texts(sample) {
            let typed = squeeze(&typed);
            if typed.is_empty() {
                continue;
            }
            let found = flat.contains(&typed) || flat.replace('-', "").contains(&typed.replace('-', ""));
            assert!(found, "{sample}: `{typed}` is not in the text layer");
        }
    }
}

#[test]
fn the_same_source_gives_the_same_bytes() {
    let a = std::fs::read(render(NOTES, None)).unwrap();
    let b = std::fs::read(render(NOTES, None)).unwrap();
    assert!(a == b, "two renders differ");
}

/// A flowing document written in a temp folder; returns (folder, output of `hanji render`).
fn render_source(name: &str, source: &str) -> (std::path::PathBuf, std::process::Output) {
    let dir = temp_dir(name);
    std::fs::write(dir.join("notes.md"), source).unwrap();
    let out = hanji(&["render", "notes.md", "-o", "notes.pdf"], &dir);
    (dir, out)
}

#[test]
fn the_last_page_columns_are_balanced() {
    let mut source = String::from("---\ntitle: 균형\ncolumns: 2\nsections: plain\n---\n\n## 하나\n\n");
    for i in 0..9 {
        source.push_str(&format!("문단 {i}: 한 페이지의 단을 고르게 채우는지 보려고 쓴 문장이다. 이 문장은 여러 줄로 이어진다. Balanced columns end at about the same height.\n\n"));
    }
    let (dir, out) = render_source("balance", &source);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let all = words(&dir.join("notes.pdf"));
    let page_width = 841.89;
    let lowest = |left: bool| {
        all.iter()
            .filter(|(_, b, t)| (b[0] < page_width / 2.0) == left && !t.contains('/') && b[3] < 540.0)
            .map(|(_, b, _)| b[3])
            .fold(0.0f32, f32::max)
    };
    let (left, right) = (lowest(true), lowest(false));
    assert!(right > 0.0, "the second column is used");
    assert!((left - right).abs() < 30.0, "columns end at {left} and {right}");
}

#[test]
fn footnotes_sit_at_the_foot_of_the_column_that_references_them() {
    let source = "---\ntitle: 각주\npage: a5-portrait\nsections: plain\n---\n\n## 절\n\n본문에 각주가 있다.[^a] 그리고 또 하나.[^b]\n\n[^a]: 첫째 각주.\n[^b]: 둘째 각주.\n\n참조 없는 각주[^none] 표시.\n";
    let (dir, out) = render_source("notes", source);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("notes.md:14:") && stderr.contains("[^none]"),
        "a missing footnote text is a warning: {stderr}"
    );
    let all = words(&dir.join("notes.pdf"));
    let y = |needle: &str| {
        all.iter().find(|w| w.2.contains(needle)).map(|w| w.1[1]).unwrap_or_else(|| panic!("{needle}"))
    };
    assert!(y("첫째") > y("본문에") + 100.0, "the footnote is at the foot, far below its reference");
    assert!(y("둘째") > y("첫째"), "footnotes in order");
    let text = tool("pdftotext", &["-raw", dir.join("notes.pdf").to_str().unwrap(), "-"]);
    assert!(text.contains("1 첫째 각주.") || text.contains("1\u{2002}첫째"), "{text}");
}

#[test]
fn bad_flow_input_is_an_error_with_its_line() {
    let cases = [
        ("---\ntitle: t\ncolumns: 7\n---\n## a\n", "notes.md:3:", "columns"),
        ("---\ntitle: t\ncolumns: 0\n---\n## a\n", "notes.md:3:", "columns"),
        ("---\ntitle: t\nsections: fancy\n---\n## a\n", "notes.md:3:", "sections"),
        ("---\ntitle: t\n---\n## a\n\n[여기](#nowhere)\n", "notes.md:6:", "nowhere"),
    ];
    for (source, at, needle) in cases {
        let (dir, out) = render_source("bad", source);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{source}: {stderr}");
        assert!(stderr.contains(at) && stderr.contains(needle), "{source}: {stderr}");
        assert!(!dir.join("notes.pdf").exists());
    }
    // A diagram taller than a column even at the smallest size.
    let mut chain =
        String::from("---\ntitle: t\npage: a5-landscape\n---\n## a\n\n```mermaid\nflowchart TB\n");
    for i in 0..60 {
        chain.push_str(&format!("  n{i}[긴 이름의 단계 {i}] --> n{}[긴 이름의 단계 {}]\n", i + 1, i + 1));
    }
    chain.push_str("```\n");
    let (_, out) = render_source("tall", &chain);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("notes.md:8:") && stderr.contains("taller than a column"), "{stderr}");
}

#[test]
fn check_reports_pages_and_a_diagram_scaled_to_a_column() {
    let mut source =
        String::from("---\ntitle: t\npage: a5-landscape\n---\n## a\n\n```mermaid\nflowchart TB\n");
    for i in 0..7 {
        source.push_str(&format!("  n{i}[단계 {i}] --> n{}[단계 {}]\n", i + 1, i + 1));
    }
    source.push_str("```\n");
    let (dir, _) = render_source("check", &source);
    let out = hanji(&["check", "notes.md"], &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let all = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("1 page,"), "{all}");
    assert!(all.contains("notes.md:8:") && all.contains("scaled to") && all.contains("column"), "{all}");
}

fn typeset(sample: &str, style: Option<&str>) -> hanji::Typeset {
    let source = root().join(sample);
    let doc = hanji::load_document(&source).unwrap();
    hanji::typeset(&doc, &source, style).unwrap_or_else(|f| panic!("{:?}", f.errors))
}

#[test]
fn reference_images_of_flow_pages_in_both_styles() {
    for (style, name) in [(None, "pen-notes"), (Some("clean"), "clean")] {
        let handout = typeset(HANDOUT, style).pngs(40.0).unwrap();
        check_reference(&format!("flow-handout-1-{name}"), &handout[0]);
        let notes = typeset(NOTES, style).pngs(40.0).unwrap();
        check_reference(&format!("flow-notes-2-{name}"), &notes[1]);
    }
}

/// The JSON model carries everything flow mode uses (parts, footnotes, page breaks, the front
/// matter's flow keys): rendered from `hanji parse`'s output, each sample gives the same bytes.
#[test]
fn the_json_model_of_a_flow_document_renders_the_same_pdf() {
    for sample in [NOTES, HANDOUT] {
        let dir = temp_dir("flow-json");
        let source = root().join(sample);
        let parsed = hanji(&["parse", source.to_str().unwrap()], &dir);
        assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
        let model = String::from_utf8_lossy(&parsed.stdout).into_owned();
        assert!(model.contains("\"footnote\"") || sample == HANDOUT, "footnotes are in the model");
        let json = root().join("samples").join(format!(".test-flow-{}.json", std::process::id()));
        std::fs::write(&json, &parsed.stdout).unwrap();
        let from_json = dir.join("json.pdf");
        let out =
            hanji(&["render", json.to_str().unwrap(), "-o", from_json.to_str().unwrap(), "--quiet"], &dir);
        std::fs::remove_file(&json).ok();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let from_markdown = render(sample, None);
        assert!(std::fs::read(from_json).unwrap() == std::fs::read(from_markdown).unwrap(), "{sample}");
    }
}

/// Every baseline of every page, with the text of each glyph.
fn page_lines(typeset: &hanji::Typeset) -> Vec<Vec<(f32, String)>> {
    typeset
        .laid
        .pages
        .iter()
        .map(|page| {
            let mut lines: Vec<(f32, String)> = Vec::new();
            hanji::frame::walk(&page.items, 0.0, 0.0, &mut |item, _, dy| {
                if let hanji::frame::FrameItem::Text(run) = item {
                    for g in &run.glyphs {
                        let y = g.y + dy;
                        match lines.iter_mut().find(|(b, _)| (*b - y).abs() < 1.0) {
                            Some((_, text)) => text.push_str(&g.text),
                            None => lines.push((y, g.text.to_string())),
                        }
                    }
                }
            });
            lines.sort_by(|a, b| a.0.total_cmp(&b.0));
            lines
        })
        .collect()
}

#[test]
fn a_heading_stays_with_two_lines_of_what_follows_wherever_the_page_ends() {
    let dir = temp_dir("keep");
    for fillers in 0..36 {
        let mut source = String::from("---\ntitle: 제목 유지\npage: a5-landscape\ncolumns: 1\nsections: plain\nfooter: \"\"\n---\n\n## 절\n\n");
        for i in 0..fillers {
            source.push_str(&format!("채움 문장 {i}.\n\n"));
        }
        source.push_str("#### 붙어 있는 제목\n\n");
        source.push_str(&"제목 다음의 문단은 여러 줄로 이어진다. ".repeat(12));
        source.push('\n');
        let path = dir.join(format!("keep{fillers}.md"));
        std::fs::write(&path, &source).unwrap();
        let doc = hanji::load_document(&path).unwrap();
        let typeset = hanji::typeset(&doc, &path, None).unwrap_or_else(|f| panic!("{:?}", f.errors));
        let pages = page_lines(&typeset);
        let (page, at) = pages
            .iter()
            .enumerate()
            .find_map(|(p, lines)| {
                lines
                    .iter()
                    .position(|(_, t)| t.contains("붙어있는제목") || t.contains("붙어 있는 제목"))
                    .map(|i| (p, i))
            })
            .unwrap_or_else(|| panic!("{fillers}: heading not found"));
        let after = pages[page].len() - at - 1;
        assert!(
            after >= 2,
            "{fillers} fillers: the heading ends page {} with {after} lines after it",
            page + 1
        );
    }
}
