//! Line breaking: UAX #14 opportunities filtered to Korean keep-all, English hyphenation with
//! an exception list, and a greedy line filler over shaped glyphs.

use unicode_linebreak::{linebreaks, BreakOpportunity};
use unicode_segmentation::UnicodeSegmentation;

use super::script::is_hangul;
pub use super::shape::BreakPoint;
use super::shape::ShapedText;

/// Break opportunities with Korean set keep-all: UAX #14 allows a break between any two Hangul
/// syllables; Korean breaks only at spaces (and after punctuation), so an opportunity between
/// two non-space characters next to Hangul is dropped.
pub fn break_points(text: &str) -> Vec<BreakPoint> {
    if is_plain_prose(text) {
        return plain_break_points(text);
    }
    uax14_break_points(text)
}

/// Text of Hangul syllables, ASCII letters and digits, spaces and `.,:;'"` only — most of
/// running text. Among these UAX #14 allows a break after spaces alone once Korean is kept
/// together (the test `plain_prose_breaks_as_uax14_does` checks it), so no state machine is
/// run over them.
fn is_plain_prose(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, ' ' | '.' | ',' | ':' | ';' | '\'' | '"')
            || ('\u{AC00}'..='\u{D7A3}').contains(&c)
    })
}

/// After each run of spaces, unless punctuation that never starts a line follows (UAX #14
/// LB13: `.,:;`), and at the end.
fn plain_break_points(text: &str) -> Vec<BreakPoint> {
    let bytes = text.as_bytes();
    let mut points: Vec<BreakPoint> = (1..bytes.len())
        .filter(|&i| bytes[i - 1] == b' ' && !matches!(bytes[i], b' ' | b'.' | b',' | b':' | b';'))
        .map(|offset| BreakPoint { offset, mandatory: false })
        .collect();
    points.push(BreakPoint { offset: text.len(), mandatory: false });
    points
}

fn uax14_break_points(text: &str) -> Vec<BreakPoint> {
    linebreaks(text)
        .filter(|&(offset, kind)| kind == BreakOpportunity::Mandatory || keeps_all(text, offset))
        .map(|(offset, kind)| BreakPoint {
            offset,
            mandatory: kind == BreakOpportunity::Mandatory && offset < text.len(),
        })
        .collect()
}

fn keeps_all(text: &str, offset: usize) -> bool {
    if after_free_dash(&text[..offset]) {
        return false;
    }
    let before = text[..offset].chars().next_back();
    let after = text[offset..].chars().next();
    match (before, after) {
        (Some(b), Some(a)) => b.is_whitespace() || !(is_hangul(b) || is_hangul(a)),
        _ => true,
    }
}

/// The break points of shaped text: inside inline code (a span with a panel) only at its
/// spaces, so `C:\\Windows\\System32` or `task->next` stays whole unless it is wider than a line.
fn shaped_break_points(shaped: &ShapedText) -> &[BreakPoint] {
    shaped.breaks.0.get_or_init(|| find_shaped_break_points(shaped))
}

fn find_shaped_break_points(shaped: &ShapedText) -> Vec<BreakPoint> {
    let mut points = break_points(&shaped.text);
    // The spans of inline code, in order, looked up by bisection: a highlighted code block
    // has a span per token and a break point per word, and none of them is inline code.
    let code: Vec<&std::ops::Range<usize>> =
        shaped.spans.iter().filter(|s| s.style.background.is_some()).map(|s| &s.range).collect();
    let in_code = |offset: usize| {
        let next = code.partition_point(|r| r.end <= offset);
        code.get(next).is_some_and(|r| r.start < offset)
    };
    if !code.is_empty() {
        points.retain(|p| {
            p.mandatory
                || !in_code(p.offset)
                || shaped.text[..p.offset].chars().next_back().is_some_and(char::is_whitespace)
        });
    }
    // Next to a formula a line ends only at a space, or after a piece of it that ends in a
    // relation or an operator.
    let formula_ending = |offset: usize| {
        shaped.spans.iter().find(|s| s.range.end == offset).and_then(|s| s.style.formula.as_ref())
    };
    let formula_starting =
        |offset: usize| shaped.spans.iter().any(|s| s.range.start == offset && s.style.formula.is_some());
    if shaped.spans.iter().any(|s| s.style.formula.is_some()) {
        points.retain(|p| {
            let after_space = shaped.text[..p.offset].chars().next_back().is_some_and(char::is_whitespace);
            match formula_ending(p.offset) {
                Some(formula) => p.mandatory || formula.breaks_after,
                None => p.mandatory || after_space || !formula_starting(p.offset),
            }
        });
        // Between two pieces UAX #14 may offer no break: add those a piece allows.
        for span in shaped.spans.iter().filter(|s| s.style.formula.as_ref().is_some_and(|f| f.breaks_after)) {
            if !points.iter().any(|p| p.offset == span.range.end) {
                points.push(BreakPoint { offset: span.range.end, mandatory: false });
            }
        }
        points.sort_by_key(|p| p.offset);
    }
    points
}

/// True when `before` ends in a dash standing free between spaces (`… — `): the dash
/// introduces what follows (a quote's attribution, an aside), so it stays with it rather
/// than ending a line alone.
fn after_free_dash(before: &str) -> bool {
    let trimmed = before.trim_end();
    if trimmed.len() == before.len() {
        return false;
    }
    let mut chars = trimmed.chars().rev();
    matches!(chars.next(), Some('—' | '–' | '―')) && chars.next().is_none_or(char::is_whitespace)
}

/// Words the en-us patterns split badly, with the breaks we want (byte offsets).
const HYPHENATION_EXCEPTIONS: &[(&str, &str)] = &[
    ("tokenization", "to-ken-iza-tion"),
    ("tokenizer", "to-ken-izer"),
    ("tokenize", "to-ken-ize"),
    ("tokens", "to-kens"),
    ("pretraining", "pre-train-ing"),
    ("posttraining", "post-train-ing"),
    ("assistant", "as-sis-tant"),
    ("transformer", "trans-former"),
];

/// No English word is longer; a longer run of letters (a hash, a joke) only costs time.
const LONGEST_WORD: usize = 64;

/// Hyphenation points (byte offsets inside `word`) for an ASCII-letter word; none for others.
/// Both parts keep at least two letters, the rest at least three.
pub fn hyphenation_points(word: &str) -> Vec<usize> {
    if word.len() < 5 || word.len() > LONGEST_WORD {
        return Vec::new();
    }
    let camel_or_acronym = word.bytes().skip(1).any(|b| b.is_ascii_uppercase());
    if !word.bytes().all(|b| b.is_ascii_alphabetic()) || camel_or_acronym {
        return Vec::new();
    }
    let lower = word.to_ascii_lowercase();
    let points = match HYPHENATION_EXCEPTIONS.iter().find(|(w, _)| *w == lower) {
        Some((_, pattern)) => pattern
            .split('-')
            .scan(0, |at, part| {
                *at += part.len();
                Some(*at)
            })
            .filter(|&at| at < word.len())
            .collect(),
        None => super::hyphenation::breaks(&lower),
    };
    points.into_iter().filter(|&p| p >= 2 && word.len() - p >= 3).collect()
}

/// One line: a range of glyph indices, whether it ends with an inserted hyphen, and its width
/// (without trailing spaces, with the hyphen).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub glyphs: std::ops::Range<usize>,
    pub hyphen: bool,
    pub width: f32,
}

/// Fills lines of at most `max_width` points at `scale`; `hyphen_width` is the width of a hyphen
/// at scale 1. A word wider than the line is broken between graphemes (emergency break).
pub fn fill_lines(shaped: &ShapedText, max_width: f32, scale: f32, hyphen_width: f32) -> Vec<Line> {
    fill(shaped, max_width, scale, hyphen_width, true)
}

/// How a paragraph was last filled: the lines, and the widths that decided them, so that a
/// later filling at another scale or width can tell whether every comparison would come out
/// the same, and so the same lines. Fitting a sheet fills each paragraph at scale after scale
/// a fraction of a percent apart.
#[derive(Debug, Clone)]
pub struct FilledLines {
    hyphen_width: f32,
    /// The widest (at scale 1) of the widths that fitted, and the narrowest that did not.
    fitted: f32,
    overflowed: f32,
    lines: Vec<(std::ops::Range<usize>, bool)>,
}

/// Widths compared with the line's, at scale 1: each decides alike at every scale that keeps
/// `fitted` fitting and `overflowed` overflowing.
struct Compared {
    limit: f32,
    scale: f32,
    fitted: f32,
    overflowed: f32,
}

impl Compared {
    /// Whether `width` (at scale 1) fits at the scale.
    fn fits(&mut self, width: f32) -> bool {
        let fits = width * self.scale <= self.limit;
        if fits {
            self.fitted = self.fitted.max(width);
        } else {
            self.overflowed = self.overflowed.min(width);
        }
        fits
    }
}

/// [`fill_lines`]; `shortcuts: false` walks every break point every time (the tests compare
/// the two): no one-line shortcut, no reuse of the last filling.
fn fill(shaped: &ShapedText, max_width: f32, scale: f32, hyphen_width: f32, shortcuts: bool) -> Vec<Line> {
    let glyphs = &shaped.glyphs;
    let text = &shaped.text;
    // Widths at scale 1: a width fits when it times the scale fits, so each comparison turns
    // once as the scale grows, and a filling holds for a range of scales.
    let (prefix, widths_grow) = shaped.advance_sums.0.get_or_init(|| {
        let mut prefix = Vec::with_capacity(glyphs.len() + 1);
        prefix.push(0.0f32);
        for g in glyphs {
            prefix.push(prefix[prefix.len() - 1] + g.advance);
        }
        (prefix, glyphs.iter().all(|g| g.advance >= 0.0))
    });
    let widths_grow = *widths_grow;
    // Width of glyphs a..b without trailing whitespace, at scale 1.
    let width = |a: usize, b: usize| {
        let mut end = b;
        while end > a && text[glyphs[end - 1].cluster..].starts_with(char::is_whitespace) {
            end -= 1;
        }
        prefix[end] - prefix[a]
    };
    let line = |range: std::ops::Range<usize>, hyphen: bool| {
        let width = if hyphen {
            (prefix[range.end] - prefix[range.start] + hyphen_width) * scale
        } else {
            width(range.start, range.end) * scale
        };
        Line { glyphs: range, hyphen, width }
    };
    let limit = max_width + 0.01;

    let points = shaped_break_points(shaped);
    if shortcuts {
        // Most paragraphs of a sheet are one line that fits. Then, as no advance is negative,
        // every break point fits too, and the loop below would end with that one line.
        if widths_grow
            && width(0, glyphs.len()) * scale <= limit
            && !points.iter().any(|p| p.mandatory && p.offset < text.len())
        {
            return vec![line(0..glyphs.len(), false)];
        }
        if let Some(last) = shaped.filled.0.borrow().as_ref() {
            // Every width compared decides alike, whatever the line's width and scale were.
            if last.hyphen_width == hyphen_width
                && last.fitted * scale <= limit
                && last.overflowed * scale > limit
            {
                return last.lines.iter().map(|(range, hyphen)| line(range.clone(), *hyphen)).collect();
            }
        }
    }
    let mut compared = Compared { limit, scale, fitted: f32::NEG_INFINITY, overflowed: f32::INFINITY };
    let glyph_at = |offset: usize| glyphs.partition_point(|g| g.cluster < offset);
    let mut lines: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    let mut start = 0usize; // glyph index where the current line starts
    let mut last_fit: Option<usize> = None; // glyph index of the last break that fits
    let mut i = 0;
    while i < points.len() {
        let point = points[i];
        // A break an emergency cut already passed ends an empty segment.
        let end = glyph_at(point.offset).max(start);
        if end == start && !point.mandatory {
            i += 1;
            continue;
        }
        if end == start || compared.fits(width(start, end)) {
            if point.mandatory {
                lines.push((start..end, false));
                start = end;
                last_fit = None;
            } else {
                last_fit = Some(end);
            }
            i += 1;
            continue;
        }
        // The segment up to this break overflows.
        let word_start = last_fit.unwrap_or(start);
        let hyphenated = if shaped.no_hyphens {
            None
        } else {
            hyphenate_into(shaped, word_start, end, start, hyphen_width, prefix, &mut compared)
        };
        if let Some(cut) = hyphenated {
            lines.push((start..cut, true));
            start = cut;
            last_fit = None;
            continue;
        }
        if let Some(fit) = last_fit {
            lines.push((start..fit, false));
            start = fit;
            last_fit = None;
            continue;
        }
        // One word wider than the line: break between graphemes.
        let cut = emergency_cut(shaped, start, end, prefix, &mut compared);
        lines.push((start..cut, false));
        start = cut;
    }
    if start < glyphs.len() || lines.is_empty() {
        lines.push((start..glyphs.len(), false));
    }
    let filled: Vec<Line> = lines.iter().map(|(range, hyphen)| line(range.clone(), *hyphen)).collect();
    if shortcuts {
        let Compared { fitted, overflowed, .. } = compared;
        *shaped.filled.0.borrow_mut() = Some(FilledLines { hyphen_width, fitted, overflowed, lines });
    }
    filled
}

/// The glyph index to break a Latin word at with a hyphen so that the line fits, if any.
fn hyphenate_into(
    shaped: &ShapedText,
    word_start: usize,
    word_end: usize,
    line_start: usize,
    hyphen_width: f32,
    prefix: &[f32],
    compared: &mut Compared,
) -> Option<usize> {
    let glyphs = &shaped.glyphs;
    if word_start >= word_end {
        return None;
    }
    let byte_start = glyphs[word_start].cluster;
    let byte_end = glyphs.get(word_end).map_or(shaped.text.len(), |g| g.cluster);
    if byte_end - byte_start > 2 * LONGEST_WORD {
        // Far longer than any word the dictionary knows: not worth scanning on every line.
        return None;
    }
    let segment = &shaped.text[byte_start..byte_end];
    let core = segment.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
    let points = hyphenation_points(core);
    points.into_iter().rev().find_map(|p| {
        let cut = glyphs.partition_point(|g| g.cluster < byte_start + p);
        let fits = compared.fits(prefix[cut] - prefix[line_start] + hyphen_width);
        (fits && cut > line_start).then_some(cut)
    })
}

/// The furthest grapheme boundary after `start` that fits, at least one grapheme.
fn emergency_cut(
    shaped: &ShapedText,
    start: usize,
    end: usize,
    prefix: &[f32],
    compared: &mut Compared,
) -> usize {
    let glyphs = &shaped.glyphs;
    let Some(first) = glyphs.get(start) else { return end };
    let from = first.cluster;
    let to = glyphs.get(end).map_or(shaped.text.len(), |g| g.cluster).max(from);
    let mut best = None;
    for (offset, _) in shaped.text[from..to].grapheme_indices(true).skip(1) {
        let cut = glyphs.partition_point(|g| g.cluster < from + offset);
        if !compared.fits(prefix[cut] - prefix[start]) {
            break;
        }
        best = Some(cut);
    }
    let cut = best.filter(|&c| c > start).unwrap_or_else(|| {
        // Not even one grapheme fits: take one anyway so that layout moves on.
        let next = shaped.text[from..to].grapheme_indices(true).nth(1).map_or(to, |(o, _)| from + o);
        glyphs.partition_point(|g| g.cluster < next)
    });
    // Always inside the word, and always at least one glyph, so every line moves on.
    cut.clamp(start + 1, end.max(start + 1))
}

/// The narrowest width a paragraph can take without breaking inside a word, and its width
/// set on one line (per hard line), at scale 1. Tables size their columns from these.
pub fn natural_widths(shaped: &ShapedText) -> (f32, f32) {
    let glyphs = &shaped.glyphs;
    let glyph_at = |offset: usize| glyphs.partition_point(|g| g.cluster < offset);
    let trimmed = |a: usize, b: usize| {
        let mut end = b;
        while end > a && shaped.text[glyphs[end - 1].cluster..].starts_with(char::is_whitespace) {
            end -= 1;
        }
        glyphs[a..end].iter().map(|g| g.advance).sum::<f32>()
    };
    let (mut min, mut max) = (0.0f32, 0.0f32);
    let (mut segment_start, mut line_start) = (0, 0);
    for point in shaped_break_points(shaped) {
        let end = glyph_at(point.offset);
        min = min.max(trimmed(segment_start, end));
        segment_start = end;
        if point.mandatory || point.offset == shaped.text.len() {
            max = max.max(trimmed(line_start, end));
            line_start = end;
        }
    }
    max = max.max(trimmed(line_start, glyphs.len()));
    (min, max.max(min))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_prose_breaks_as_uax14_does() {
        let alphabet: Vec<char> = "가나 한글 AI model 1 0 . , : ; ' \"  x".chars().collect();
        // A deterministic walk over many short strings of the plain alphabet.
        let mut state = 7u64;
        for _ in 0..4000 {
            let len = (state % 14) as usize + 1;
            let mut text = String::new();
            for _ in 0..len {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            assert!(is_plain_prose(&text));
            assert_eq!(plain_break_points(&text), uax14_break_points(&text), "{text:?}");
        }
        for text in ["베이스 모델은 AI가 아니다. 정말 'quote' \"q\" 1,000 a.b", "  leading", "trailing  "]
        {
            assert_eq!(plain_break_points(text), uax14_break_points(text), "{text:?}");
        }
    }

    fn segments(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut last = 0;
        for p in break_points(text) {
            if p.offset > last {
                out.push(&text[last..p.offset]);
                last = p.offset;
            }
        }
        out
    }

    #[test]
    fn korean_breaks_only_at_spaces() {
        let text =
            "베이스 모델은 인터넷 문서 시뮬레이터이다. Base Model은 next-token prediction으로 학습된다.";
        assert_eq!(
            segments(text),
            vec![
                "베이스 ",
                "모델은 ",
                "인터넷 ",
                "문서 ",
                "시뮬레이터이다. ",
                "Base ",
                "Model은 ",
                "next-",
                "token ",
                "prediction으로 ",
                "학습된다."
            ]
        );
    }

    #[test]
    fn hard_breaks_are_mandatory() {
        let points = break_points("가나\n다라");
        assert!(points.iter().any(|p| p.mandatory && p.offset == "가나\n".len()));
        assert!(!points.iter().any(|p| p.offset == "가".len()));
    }

    #[test]
    fn inline_code_breaks_only_at_its_spaces() {
        use crate::text::shape::{Span, TextStyle};
        let text = "경로 C:\\Windows\\System32 task->next 끝".to_string();
        let code = text.find("C:").unwrap().."끝".len() + text.find("끝").unwrap() - " 끝".len();
        let mut style = TextStyle::plain(crate::frame::FontId(0), 10.0, crate::frame::Color::BLACK);
        let plain = Span { range: 0..code.start, style: style.clone() };
        style.background = Some(crate::frame::Color::BLACK);
        let spans = vec![plain, Span { range: code.clone(), style }];
        let shaped = ShapedText { text: text.clone(), spans, ..ShapedText::default() };
        let inside: Vec<usize> = shaped_break_points(&shaped)
            .iter()
            .map(|p| p.offset)
            .filter(|&o| o > code.start && o < code.end)
            .collect();
        assert_eq!(inside, [text.find("task").unwrap()], "only after the space inside the code");
    }

    /// Paragraphs of words of every width, with spaces, hard breaks and Korean, set in widths
    /// from too narrow for a word to wider than the whole, each at scales close together: the
    /// one-line shortcut and the reused last filling give what walking every break point gives.
    #[test]
    fn shortcuts_change_no_line() {
        use crate::text::shape::ShapedGlyph;
        let words =
            ["모델은 ", "AI ", "tokenization ", "a", "\n", "x ", "인터넷 ", "문서", "  ", "well-known "];
        let mut state = 11u64;
        let mut next = |n: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        let mut shortcuts = 0;
        for _ in 0..600 {
            let mut text = String::new();
            for _ in 0..next(6) + 1 {
                text.push_str(words[next(words.len())]);
            }
            let glyphs = text
                .char_indices()
                .map(|(cluster, c)| ShapedGlyph {
                    gid: 1,
                    font: crate::frame::FontId(0),
                    cluster,
                    advance: if c.is_ascii() { 0.55 } else { 1.0 },
                    x_offset: 0.0,
                    y_offset: 0.0,
                    span: 0,
                    missing: false,
                    emoji: None,
                    em: 1.0,
                })
                .collect();
            let shaped = ShapedText { text: text.clone(), glyphs, ..ShapedText::default() };
            for width in [0.5f32, 2.0, 4.0, 7.5, 12.0, 30.0, 100.0] {
                // Scales close together, as fitting a box tries them: the last filling is
                // reused whenever it still holds.
                for _ in 0..4 {
                    let scale = 0.9 + next(60) as f32 * 0.005;
                    let width = width - next(3) as f32 * 0.05;
                    let fast = fill(&shaped, width, scale, 0.4, true);
                    let walked = fill(&shaped, width, scale, 0.4, false);
                    assert_eq!(fast, walked, "{text:?} in {width} at {scale}");
                    shortcuts += usize::from(fast.len() == 1);
                }
            }
        }
        assert!(shortcuts > 2000, "{shortcuts} one-line fillings");
    }

    #[test]
    fn a_free_dash_stays_with_what_follows() {
        let offsets: Vec<usize> = break_points("인용문입니다 — 홍길동").iter().map(|p| p.offset).collect();
        let dash = "인용문입니다 ".len();
        assert!(offsets.contains(&dash), "a break before the dash: {offsets:?}");
        assert!(!offsets.contains(&(dash + "— ".len())), "no break after it: {offsets:?}");
        assert!(break_points("— 홍길동").iter().all(|p| p.offset != "— ".len()));
        // A dash inside a word is not free.
        assert!(break_points("well-known word").iter().any(|p| p.offset == "well-known ".len()));
    }

    #[test]
    fn hyphenation_uses_the_exception_list_and_the_dictionary() {
        let split = |w: &str| {
            let mut parts = Vec::new();
            let mut last = 0;
            for p in hyphenation_points(w) {
                parts.push(&w[last..p]);
                last = p;
            }
            parts.push(&w[last..]);
            parts.join("-")
        };
        assert_eq!(split("tokenization"), "to-ken-iza-tion");
        assert_eq!(split("typesetting"), "type-set-ting");
        assert_eq!(split("Pretraining"), "Pre-train-ing");
        assert_eq!(split("model"), "model", "short words stay whole");
        assert_eq!(split("ChatGPT"), "ChatGPT", "names in camel case stay whole");
        assert!(hyphenation_points("모델입니다요").is_empty());
    }
}
