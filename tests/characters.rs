//! What you type is what prints: `samples/characters.md` (backslashes, Hanja, math signs,
//! arrows, code with Greek, a long code line, inline code, emoji, an attribution) in both
//! styles. Every character is drawn with ink, sized to the line, and copies back as typed.

mod common;

use common::{check_reference, root, temp_dir, tool};
use hanji::frame::{FrameItem, GlyphRun, PlacedGlyph};
use hanji::text::fonts::FontBook;

const SHEET: &str = "samples/characters.md";

fn typeset(style: Option<&str>) -> hanji::Typeset {
    let source = root().join(SHEET);
    let doc = hanji::load_document(&source).expect("the sheet parses");
    hanji::typeset(&doc, &source, style).expect("the sheet renders")
}

/// Every placed glyph with the run it belongs to, at its place on the page (the offsets of
/// the groups it is in added).
fn glyphs(typeset: &hanji::Typeset) -> Vec<(&GlyphRun, &PlacedGlyph)> {
    let mut out = Vec::new();
    for page in &typeset.laid.pages {
        hanji::frame::walk(&page.items, 0.0, 0.0, &mut |item, dx, dy| {
            if let FrameItem::Text(run) = item {
                let moved = |g: &PlacedGlyph| PlacedGlyph { x: g.x + dx, y: g.y + dy, ..g.clone() };
                let leaked: &'static [PlacedGlyph] = Box::leak(run.glyphs.iter().map(moved).collect());
                out.extend(leaked.iter().map(|g| (run, g)));
            }
        });
    }
    out
}

/// The glyph that starts the first cluster equal to `text`.
fn find<'a>(all: &'a [(&'a GlyphRun, &'a PlacedGlyph)], text: &str) -> (&'a GlyphRun, &'a PlacedGlyph) {
    *all.iter().find(|(_, g)| g.text == text).unwrap_or_else(|| panic!("no glyph for {text:?}"))
}

fn font_name(book: &FontBook, run: &GlyphRun) -> &'static str {
    book.get(run.font).name
}

#[test]
fn every_character_is_drawn_with_ink_and_nothing_is_missing() {
    for style in [None, Some("clean")] {
        let t = typeset(style);
        assert!(t.warnings.iter().all(|w| !w.message.contains("no font has")), "{style:?}: {:?}", t.warnings);
        for (run, glyph) in glyphs(&t) {
            let visible = glyph.text.chars().any(|c| !c.is_whitespace());
            if visible {
                let ink = t.book.get(run.font).glyph_bounds(glyph.gid);
                assert!(
                    ink.is_some(),
                    "{style:?}: `{}` has an empty glyph in {}",
                    glyph.text,
                    font_name(&t.book, run)
                );
            }
        }
    }
}

#[test]
fn backslash_hanja_and_minus_come_from_faces_that_draw_them() {
    let t = typeset(None);
    let all = glyphs(&t);
    // Nanum Pen draws U+005C as ₩: the backslash comes from the symbol font, the won sign not.
    assert_eq!(font_name(&t.book, find(&all, "\\").0), "DejaVuSans.ttf");
    assert_eq!(font_name(&t.book, find(&all, "₩").0), "NanumPen.ttf");
    assert_eq!(font_name(&t.book, find(&all, "−").0), "DejaVuSans.ttf");
    // Nanum Pen maps Hanja to empty glyphs: they fall through to NanumGothic.
    assert_eq!(font_name(&t.book, find(&all, "脈").0), "NanumGothic.ttf");
    // Greek in code comes from a monospaced face, as wide as the code font's digits.
    let (alpha, alpha_glyph) = find(&all, "α");
    assert_eq!(font_name(&t.book, alpha), "DejaVuSansMono.ttf");
    let code = all
        .iter()
        .find(|(r, g)| font_name(&t.book, r) == "NanumGothicCoding.ttf" && (g.y - alpha_glyph.y).abs() < 1.0)
        .map(|(r, _)| *r)
        .expect("code glyphs on the line of α");
    let advance = |run: &GlyphRun| t.book.get(run.font).glyph_for('0').unwrap().1 * run.size;
    assert!((advance(alpha) - advance(code)).abs() < 0.01, "{} vs {}", advance(alpha), advance(code));
}

#[test]
fn fallback_glyphs_match_the_hand_font_and_stay_in_the_line() {
    let t = typeset(None);
    let all = glyphs(&t);
    let book = &t.book;
    // Where a glyph's letters stand: its baseline lifted by the face's letter bottom.
    let stand = |run: &GlyphRun, g: &PlacedGlyph| g.y - book.get(run.font).cap_bottom * run.size;
    let cap = |run: &GlyphRun| book.get(run.font).cap_height * run.size;
    for symbol in ["∩", "⋈", "≤", "→", "✓", "−", "\\", "脈"] {
        let at = all.iter().position(|(_, g)| g.text == symbol).unwrap_or_else(|| panic!("{symbol}"));
        let (run, glyph) = all[at];
        assert_ne!(font_name(book, run), "NanumPen.ttf", "{symbol}");
        // The nearest hand-written glyph before it on the same line.
        let (hand_run, hand) = all[..at]
            .iter()
            .rev()
            .find(|(r, g)| font_name(book, r) == "NanumPen.ttf" && (g.y - glyph.y).abs() < 6.0)
            .copied()
            .unwrap_or_else(|| panic!("no hand glyph before {symbol}"));
        assert!((stand(run, glyph) - stand(hand_run, hand)).abs() < 0.05, "{symbol} stands apart");
        if symbol != "脈" {
            assert!(
                (cap(run) - cap(hand_run)).abs() < 0.05,
                "{symbol}: cap {} vs {}",
                cap(run),
                cap(hand_run)
            );
        }
        // Its ink stays inside the line: no taller than the line's nominal height.
        let ink = book.get(run.font).glyph_bounds(glyph.gid).unwrap();
        let height = (ink[3] - ink[1]) * run.size;
        assert!(height < 9.3 * 1.22, "{symbol}: {height} pt of ink");
    }
    // Inline code stands where the hand-written letters around it stand.
    let spelled = |at: usize| all[at..].iter().take(5).map(|(_, g)| g.text.as_str()).collect::<String>();
    let at = (0..all.len()).find(|&i| spelled(i) == "code와").expect("inline `code` before 와");
    let (code_run, code) = all[at];
    let (word_run, word) = all[at + 4];
    assert_eq!(font_name(book, code_run), "NanumGothicCoding.ttf");
    assert_eq!(font_name(book, word_run), "NanumPen.ttf");
    assert!((stand(code_run, code) - stand(word_run, word)).abs() < 0.05);
}

#[test]
fn code_is_never_hyphenated_and_a_dash_stays_with_the_name() {
    let t = typeset(None);
    let all = glyphs(&t);
    // The long code line breaks at a space: the words stay whole (a hyphen would be a glyph
    // of its own between their letters).
    let text: String = all.iter().map(|(_, g)| g.text.as_str()).collect();
    for word in ["(terminated", "skipped)", "scheduler:", "TASK_RUNNING)"] {
        assert!(text.contains(word), "{word} in {text}");
    }
    // `— 다익스트라` and `— Andrew` share a line.
    for (dash_then, name) in [("다", "다익스트라"), ("A", "Andrew")] {
        let at = all
            .iter()
            .position(|(_, g)| g.text == dash_then && text_after(&all, g).starts_with(name))
            .unwrap_or_else(|| panic!("{name}"));
        let name_glyph = all[at].1;
        // The dash is the glyph set just before the name (a space may stand between).
        let dash = all[..at]
            .iter()
            .rev()
            .find(|(_, g)| !g.text.trim().is_empty())
            .map(|(_, g)| *g)
            .filter(|g| g.text == "—")
            .unwrap_or_else(|| panic!("no dash before {name}"));
        assert!((dash.y - name_glyph.y).abs() < 3.0, "{name}: dash at {} name at {}", dash.y, name_glyph.y);
    }
}

fn text_after(all: &[(&GlyphRun, &PlacedGlyph)], glyph: &PlacedGlyph) -> String {
    let start = all.iter().position(|(_, g)| std::ptr::eq(*g, glyph)).unwrap_or(0);
    all[start..].iter().take(12).map(|(_, g)| g.text.as_str()).collect()
}

#[test]
fn the_pdf_text_layer_gives_back_what_was_typed() {
    for style in ["pen-notes", "clean"] {
        let dir = temp_dir(&format!("characters-{style}"));
        let pdf = dir.join("characters.pdf");
        let t = typeset(Some(style));
        std::fs::write(&pdf, t.pdf().unwrap()).unwrap();
        let text = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
        let squeezed = common::squeeze(&text);
        for typed in [
            "C:\\Users\\me\\문서",
            "\\frac,\\sum,\\alpha",
            "₩1,000",
            "(n−1)",
            "A∩B∪C,R⋈S",
            "문맥교환(文脈交換)多",
            "//αβγ→λ",
            "printf(\"path:C:\\\\Users\\\\me\\n\");",
            "✓완료✗실패",
        ] {
            assert!(squeezed.contains(&common::squeeze(typed)), "{style}: `{typed}` not in:\n{text}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn reference_images_in_both_styles() {
    check_reference("characters-pen-notes", &typeset(None).pngs(60.0).unwrap()[0]);
    check_reference("characters-clean", &typeset(Some("clean")).pngs(60.0).unwrap()[0]);
}
