//! Itemize and shape: styled text → glyphs with advances, split into runs by span, script and
//! font coverage so that each run is shaped by HarfBuzz with one font and one script.

use std::cell::{OnceCell, RefCell};
use std::ops::Range;

use harfbuzz_rs::UnicodeBuffer;
use unicode_segmentation::UnicodeSegmentation;

use super::fonts::{FontBook, FontId};
use super::script::{is_invisible, script_class, ScriptClass};
use crate::error::Warning;
use crate::frame::Color;

/// How a span of text looks.
#[derive(Debug, Clone, PartialEq)]
pub struct TextStyle {
    /// The preferred font; the fallbacks are tried after it.
    pub font: FontId,
    /// Nominal size in points, before the font's size factor.
    pub size: f32,
    pub color: Color,
    /// Thicken glyphs with an outline stroke (for fonts without a bold face).
    pub fake_bold: bool,
    /// Highlighter colour and opacity behind the text.
    pub mark: Option<(Color, f32)>,
    pub strike: bool,
    pub underline: bool,
    pub link: Option<String>,
    /// A tinted panel behind the text (code spans).
    pub background: Option<Color>,
    /// A formula set in the text: the span's one character stands for it.
    pub formula: Option<std::sync::Arc<crate::math::Formula>>,
}

impl TextStyle {
    /// Plain text: no bold, marks, lines, links or panel.
    pub fn plain(font: FontId, size: f32, color: Color) -> TextStyle {
        TextStyle {
            font,
            size,
            color,
            fake_bold: false,
            mark: None,
            strike: false,
            underline: false,
            link: None,
            background: None,
            formula: None,
        }
    }
}

/// A byte range of the text and its style.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub range: Range<usize>,
    pub style: TextStyle,
}

/// A paragraph's text with its spans, ready to shape. `'\n'` is a hard line break.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StyledText {
    pub text: String,
    pub spans: Vec<Span>,
    /// Source line, for warnings.
    pub line: usize,
    /// The paragraph's body text (font, nominal size, em size): a line of only code or
    /// symbols is measured and set as if it held body text too, so it lines up with its
    /// neighbours (a table row, a list of commands).
    pub base: Option<(FontId, f32, f32)>,
    /// Table cells are not hyphenated: their columns are at least as wide as their longest
    /// word, so a word that does not fit moves to the next line whole.
    pub no_hyphens: bool,
}

impl StyledText {
    /// Makes the first grapheme `scale` times larger when it is an emoji: a heading's icon
    /// stands out beside its title, as on a hand-made sheet.
    pub fn enlarge_leading_icon(&mut self, scale: f32) {
        use unicode_segmentation::UnicodeSegmentation;
        let Some(first) = self.text.graphemes(true).next() else { return };
        if crate::emoji::lookup(first).is_none() {
            return;
        }
        let end = first.len();
        let Some(span) = self.spans.first().cloned() else { return };
        if span.range.start != 0 || span.range.end < end {
            return;
        }
        let icon =
            Span { range: 0..end, style: TextStyle { size: span.style.size * scale, ..span.style.clone() } };
        if span.range.end == end {
            self.spans[0] = icon;
        } else {
            self.spans[0].range.start = end;
            self.spans.insert(0, icon);
        }
    }

    pub fn push(&mut self, text: &str, style: &TextStyle) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        match self.spans.last_mut() {
            Some(last) if last.style == *style && last.range.end == start => last.range.end = self.text.len(),
            _ => self.spans.push(Span { range: start..self.text.len(), style: style.clone() }),
        }
    }
}

/// A shaped glyph. Advances and offsets are in points at scale 1.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedGlyph {
    pub gid: u16,
    pub font: FontId,
    /// Byte offset of the glyph's cluster in the paragraph text.
    pub cluster: usize,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// Index of the span the glyph belongs to.
    pub span: usize,
    /// No font has this character: drawn as a visible box.
    pub missing: bool,
    /// A colour emoji (its Twemoji name) or an icon (its Font Awesome `style/name`), drawn as
    /// vector paths instead of a font glyph.
    pub emoji: Option<&'static str>,
    /// Em size in points (nominal size × the font's size factor).
    pub em: f32,
}

/// A place a line may end: the byte offset where the next line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakPoint {
    pub offset: usize,
    pub mandatory: bool,
}

/// A cache kept beside a paragraph (see the fields that hold one): what was found about it
/// on first use, or how it was last laid out. Not part of the paragraph's identity, so equal
/// whether filled yet or not.
#[derive(Debug, Clone, Default)]
pub struct Memo<C>(pub C);

impl<C> PartialEq for Memo<C> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A shaped paragraph: the text, its spans and the glyphs in logical order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShapedText {
    pub text: String,
    pub spans: Vec<Span>,
    pub glyphs: Vec<ShapedGlyph>,
    pub line: usize,
    /// See [`StyledText::base`].
    pub base: Option<(FontId, f32, f32)>,
    /// See [`StyledText::no_hyphens`].
    pub no_hyphens: bool,
    /// The break opportunities: they depend on the text alone, and fitting a sheet breaks the
    /// same paragraph into lines at every scale it tries.
    pub breaks: Memo<OnceCell<Vec<BreakPoint>>>,
    /// The height-giving measures of the paragraph set on one line (see `text::place`): most
    /// paragraphs of a sheet are one line at every scale tried.
    pub one_line: Memo<OnceCell<[f32; 4]>>,
    /// The running sum of the advances at scale 1 (see `text::breaking`), and whether none is
    /// negative.
    pub advance_sums: Memo<OnceCell<(Vec<f32>, bool)>>,
    /// How the paragraph was last filled into lines (see `text::breaking`).
    pub filled: Memo<RefCell<Option<super::breaking::FilledLines>>>,
}

impl ShapedText {
    /// The byte range of the cluster a glyph belongs to.
    pub fn cluster_range(&self, index: usize) -> Range<usize> {
        let start = self.glyphs[index].cluster;
        let end = self.glyphs[index + 1..]
            .iter()
            .map(|g| g.cluster)
            .find(|&c| c > start)
            .unwrap_or_else(|| self.next_cluster_after(start));
        start..end
    }

    fn next_cluster_after(&self, start: usize) -> usize {
        // The last cluster of the text may be followed by glyph-less characters ('\n').
        let rest = &self.text[start..];
        let first = rest.graphemes(true).next().map_or(0, str::len);
        start + first
    }
}

/// Font selection: the size factor of each font and the fallback chain.
pub struct FontSetup<'a> {
    pub book: &'a FontBook,
    pub fallbacks: &'a [FontId],
    /// Size factor per font id (fonts like Nanum Pen draw small).
    pub size_factor: &'a dyn Fn(FontId) -> f32,
    /// Characters drawn from `symbol_font` first, whatever the span's font has (outside code).
    pub symbols: &'a str,
    /// The ASCII characters of `symbols`, one bit each.
    pub ascii_symbols: u128,
    pub symbol_font: Option<FontId>,
    /// Spans in this font are code: what is not Hangul or Han comes from `code_fallbacks`
    /// when the code font lacks it or draws it full-width, so columns stay aligned.
    pub code_font: Option<FontId>,
    pub code_fallbacks: &'a [FontId],
}

impl<'a> FontSetup<'a> {
    /// Just the fonts given, tried in order (tests, and callers without a style).
    pub fn plain(
        book: &'a FontBook,
        fallbacks: &'a [FontId],
        size_factor: &'a dyn Fn(FontId) -> f32,
    ) -> Self {
        FontSetup {
            book,
            fallbacks,
            size_factor,
            symbols: "",
            ascii_symbols: 0,
            symbol_font: None,
            code_font: None,
            code_fallbacks: &[],
        }
    }

    /// The em size of `font` standing in for `primary` at nominal `size`: the same cap
    /// height (the same Hangul height for Hangul and Han), or in code the same advance, so
    /// a fallback is neither larger nor smaller than the letters around it.
    fn em(&self, primary: FontId, font: FontId, size: f32, wide: bool) -> f32 {
        let primary_em = size * (self.size_factor)(primary);
        if font == primary {
            return primary_em;
        }
        let (p, f) = (self.book.get(primary), self.book.get(font));
        if Some(primary) == self.code_font && !wide {
            let advance = |font: &super::fonts::LoadedFont| font.glyph_for('0').map_or(0.6, |(_, a)| a);
            return primary_em * advance(p) / advance(f).max(0.1);
        }
        let (ours, theirs) =
            if wide { (p.hangul_height, f.hangul_height) } else { (p.cap_height, f.cap_height) };
        primary_em * ours / theirs.max(0.1)
    }
}

/// The ASCII characters of `symbols` as a set of bits, for a quick test of each character.
pub fn ascii_set(symbols: &str) -> u128 {
    symbols.bytes().filter(u8::is_ascii).fold(0u128, |m, b| m | 1 << b)
}

/// Hangul, Han and other characters set on a full-width square.
fn is_wide(c: char) -> bool {
    super::script::is_hangul(c)
        || matches!(c, '\u{2E80}'..='\u{303F}' | '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FF60}' | '\u{20000}'..='\u{3FFFF}')
}

/// Shapes a paragraph. Characters no font has become `missing` glyphs and a warning each.
pub fn shape(text: StyledText, fonts: &FontSetup, warnings: &mut Vec<Warning>) -> ShapedText {
    let mut glyphs = Vec::new();
    for (span_index, span) in text.spans.iter().enumerate() {
        if let Some(formula) = &span.style.formula {
            glyphs.push(ShapedGlyph {
                gid: 0,
                font: span.style.font,
                cluster: span.range.start,
                advance: formula.width,
                x_offset: 0.0,
                y_offset: 0.0,
                span: span_index,
                missing: false,
                emoji: None,
                em: span.style.size,
            });
            continue;
        }
        let span_text = &text.text[span.range.clone()];
        for run in itemize(span_text, span.style.font, fonts) {
            let absolute = span.range.start + run.range.start..span.range.start + run.range.end;
            if let Some(name) = run.emoji {
                glyphs.push(ShapedGlyph {
                    gid: 0,
                    font: span.style.font,
                    cluster: absolute.start,
                    advance: EMOJI_ADVANCE * span.style.size,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    span: span_index,
                    missing: false,
                    emoji: Some(name),
                    em: span.style.size,
                });
                continue;
            }
            match run.font {
                Some(font) => {
                    let wide = text.text[absolute.clone()].chars().any(is_wide);
                    let em = fonts.em(span.style.font, font, span.style.size, wide);
                    shape_run(&text.text, absolute, font, em, span_index, fonts, &mut glyphs)
                }
                None => {
                    let missing = &text.text[absolute.clone()];
                    warnings.push(Warning {
                        line: Some(text.line),
                        message: format!(
                            "no font has {} ({}): drawn as a box; use another character or add a font with it",
                            missing.chars().map(|c| format!("U+{:04X}", c as u32)).collect::<Vec<_>>().join(" "),
                            missing
                        ),
                    });
                    let em = span.style.size;
                    glyphs.push(ShapedGlyph {
                        gid: 0,
                        font: span.style.font,
                        cluster: absolute.start,
                        advance: 0.6 * em,
                        x_offset: 0.0,
                        y_offset: 0.0,
                        span: span_index,
                        missing: true,
                        emoji: None,
                        em,
                    });
                }
            }
        }
    }
    ShapedText {
        text: text.text,
        spans: text.spans,
        glyphs,
        line: text.line,
        base: text.base,
        no_hyphens: text.no_hyphens,
        breaks: Memo::default(),
        one_line: Memo::default(),
        advance_sums: Memo::default(),
        filled: Memo::default(),
    }
}

/// Advance of a colour emoji, as a multiple of the nominal size.
pub const EMOJI_ADVANCE: f32 = 1.18;

/// A piece of one span that one font shapes; `font: None` for a grapheme no font has; an
/// emoji is a run of its own.
struct Run {
    range: Range<usize>,
    font: Option<FontId>,
    emoji: Option<&'static str>,
}

/// Splits by font coverage per grapheme cluster and by script (Hangul / other), so neutral
/// characters such as spaces join the run they stand in.
fn itemize(text: &str, primary: FontId, fonts: &FontSetup) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut run_script = ScriptClass::Neutral;
    let ascii_symbols = fonts.ascii_symbols;
    // Text of ASCII and precomposed Hangul only (most of it) has one character per grapheme:
    // no need to run the grapheme rules over it.
    let simple = text.chars().all(|c| (c.is_ascii() && c != '\r') || ('\u{AC00}'..='\u{D7A3}').contains(&c));
    if simple
        && Some(primary) != fonts.code_font
        && !text.bytes().any(|b| b < b' ' || ascii_symbols & (1u128 << (b & 0x7F)) != 0 && b < 0x80)
        && text.chars().all(|c| fonts.book.get(primary).covers(c))
    {
        return script_runs(text, primary);
    }
    let clusters: Box<dyn Iterator<Item = (usize, &str)>> = if simple {
        Box::new(text.char_indices().map(|(i, c)| (i, &text[i..i + c.len_utf8()])))
    } else {
        Box::new(text.grapheme_indices(true))
    };
    for (offset, grapheme) in clusters {
        if grapheme == "\n" || grapheme == "\r\n" {
            continue; // hard breaks take no glyph
        }
        let end = offset + grapheme.len();
        // ASCII and Hangul syllables are never emoji.
        let drawn = || crate::emoji::lookup(grapheme).or_else(|| crate::icons::lookup(grapheme));
        if let Some(name) = (!simple).then(drawn).flatten() {
            runs.push(Run { range: offset..end, font: None, emoji: Some(name) });
            run_script = ScriptClass::Neutral;
            continue;
        }
        let font = font_for(grapheme, primary, fonts, ascii_symbols);
        let script = grapheme.chars().next().map_or(ScriptClass::Neutral, script_class);
        if let Some(last) = runs.last_mut() {
            let same_script =
                script == ScriptClass::Neutral || run_script == ScriptClass::Neutral || script == run_script;
            let joins = last.emoji.is_none() && last.font.is_some() && last.font == font;
            if joins && same_script && last.range.end == offset {
                last.range.end = end;
                if script != ScriptClass::Neutral {
                    run_script = script;
                }
                continue;
            }
        }
        run_script = script;
        runs.push(Run { range: offset..end, font, emoji: None });
    }
    runs
}

fn font_for(grapheme: &str, primary: FontId, fonts: &FontSetup, ascii_symbols: u128) -> Option<FontId> {
    let covers = |id: FontId| {
        let font = fonts.book.get(id);
        grapheme.chars().filter(|c| !is_invisible(*c)).all(|c| font.covers(c))
    };
    let Some(first) = grapheme.chars().find(|c| !is_invisible(*c)) else {
        return Some(primary);
    };
    // The common case, a letter or syllable the primary font has: no fallback chain.
    let single = grapheme.len() == first.len_utf8();
    let plain = first.is_ascii_alphanumeric() || super::script::is_hangul(first) || first == ' ';
    if single
        && plain
        && Some(primary) != fonts.code_font
        && ascii_symbols & 1u128.checked_shl(first as u32).unwrap_or(0) == 0
        && fonts.book.get(primary).covers(first)
    {
        return Some(primary);
    }
    let rest = fonts.fallbacks.iter().copied();
    if Some(primary) == fonts.code_font {
        let code = fonts.code_fallbacks.iter().copied();
        // ASCII and full-width characters are the code font's own; the rest (Greek, arrows,
        // math) it draws full-width or not at all, so a monospaced face goes first.
        if first.is_ascii() || is_wide(first) {
            return std::iter::once(primary).chain(code).chain(rest).find(|&id| covers(id));
        }
        return code.chain(std::iter::once(primary)).chain(rest).find(|&id| covers(id));
    }
    // Letters and Hangul syllables are never symbols: skip searching the list for them.
    let listed = if first.is_ascii() {
        ascii_symbols & (1u128 << (first as u32)) != 0
    } else {
        !super::script::is_hangul(first) && fonts.symbols.contains(first)
    };
    let symbol = fonts.symbol_font.filter(|_| listed);
    symbol.into_iter().chain(std::iter::once(primary)).chain(rest).find(|&id| covers(id))
}

fn shape_run(
    text: &str,
    range: Range<usize>,
    font_id: FontId,
    em: f32,
    span: usize,
    fonts: &FontSetup,
    out: &mut Vec<ShapedGlyph>,
) {
    let font = fonts.book.get(font_id);
    let scale = em / font.units_per_em;
    // Shaped word by word (a word with the spaces after it): words repeat, and each is
    // shaped once per thread. Fonts do not kern or ligate across a space.
    let mut start = range.start;
    for word in text[range.clone()].split_inclusive(' ') {
        let glyphs = shaped_word(font, word);
        for g in glyphs.iter() {
            out.push(ShapedGlyph {
                gid: g.gid,
                font: font_id,
                cluster: start + g.cluster as usize,
                advance: g.advance * scale,
                x_offset: g.x_offset * scale,
                y_offset: g.y_offset * scale,
                span,
                missing: false,
                emoji: None,
                em,
            });
        }
        start += word.len();
    }
}

/// Runs of text the primary font covers entirely: split only where the script changes
/// (Hangul / other), neutral characters joining the run they stand in.
fn script_runs(text: &str, primary: FontId) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut run_script = ScriptClass::Neutral;
    let mut start = 0;
    for (offset, c) in text.char_indices() {
        let script = script_class(c);
        if script == ScriptClass::Neutral || run_script == ScriptClass::Neutral || script == run_script {
            if script != ScriptClass::Neutral {
                run_script = script;
            }
            continue;
        }
        runs.push(Run { range: start..offset, font: Some(primary), emoji: None });
        start = offset;
        run_script = script;
    }
    if start < text.len() {
        runs.push(Run { range: start..text.len(), font: Some(primary), emoji: None });
    }
    runs
}

/// A glyph as HarfBuzz gives it, in font units, its cluster relative to the word.
#[derive(Clone, Copy)]
struct WordGlyph {
    gid: u16,
    cluster: u32,
    advance: f32,
    x_offset: f32,
    y_offset: f32,
}

/// Words shaped so far, per font (by its data's address: the same file is the same font
/// whichever book loaded it). Bounded: cleared when it grows past `WORD_CACHE_LIMIT`.
type WordCache =
    std::collections::HashMap<usize, std::collections::HashMap<Box<str>, std::rc::Rc<[WordGlyph]>, Fnv>>;

/// FNV-1a: words are short, and the standard SipHash costs more than shaping some of them.
#[derive(Default, Clone, Copy)]
struct Fnv;

impl std::hash::BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

const WORD_CACHE_LIMIT: usize = 100_000;

/// Glyphs cached in one thread, all fonts together: a thread that lives for many documents
/// (`hanji serve`'s workers) keeps at most about 20 MB of shaped words, however long or varied
/// the words it was sent.
const WORD_CACHE_GLYPHS: usize = 1_000_000;

/// A word of more glyphs than this is shaped each time, never cached: such words hardly
/// repeat, and each would hold a large share of the cache.
const CACHED_WORD_GLYPHS: usize = 256;

thread_local! {
    static SPARE_BUFFER: std::cell::RefCell<Option<UnicodeBuffer>> = const { std::cell::RefCell::new(None) };
    static WORDS: std::cell::RefCell<WordCache> = std::cell::RefCell::new(WordCache::new());
    /// Glyphs held in `WORDS`.
    static CACHED_GLYPHS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn shaped_word(font: &super::fonts::LoadedFont, word: &str) -> std::rc::Rc<[WordGlyph]> {
    let font_key = font.data.as_ptr() as usize;
    let hit = WORDS.with(|words| words.borrow().get(&font_key).and_then(|w| w.get(word)).cloned());
    if let Some(hit) = hit {
        return hit;
    }
    // One HarfBuzz buffer per thread, cleared between words: creating one each time was a
    // zeroed allocation for each of thousands of words.
    let buffer = SPARE_BUFFER.with(|spare| spare.borrow_mut().take()).unwrap_or_default();
    let buffer = buffer.add_str(word).guess_segment_properties();
    let shaped = harfbuzz_rs::shape(&font.shaper, buffer, &[]);
    let glyphs: std::rc::Rc<[WordGlyph]> = shaped
        .get_glyph_infos()
        .iter()
        .zip(shaped.get_glyph_positions())
        .map(|(info, pos)| WordGlyph {
            gid: info.codepoint as u16,
            cluster: info.cluster,
            advance: pos.x_advance as f32,
            x_offset: pos.x_offset as f32,
            y_offset: pos.y_offset as f32,
        })
        .collect();
    SPARE_BUFFER.with(|spare| *spare.borrow_mut() = Some(shaped.clear()));
    if glyphs.len() > CACHED_WORD_GLYPHS {
        return glyphs;
    }
    WORDS.with(|words| {
        let mut words = words.borrow_mut();
        if CACHED_GLYPHS.get() + glyphs.len() > WORD_CACHE_GLYPHS {
            words.clear();
            CACHED_GLYPHS.set(0);
        }
        let of_font = words.entry(font_key).or_default();
        if of_font.len() >= WORD_CACHE_LIMIT {
            let dropped: usize = of_font.values().map(|g| g.len()).sum();
            CACHED_GLYPHS.set(CACHED_GLYPHS.get().saturating_sub(dropped));
            of_font.clear();
        }
        if let Some(replaced) = of_font.insert(word.into(), std::rc::Rc::clone(&glyphs)) {
            CACHED_GLYPHS.set(CACHED_GLYPHS.get().saturating_sub(replaced.len()));
        }
        CACHED_GLYPHS.set(CACHED_GLYPHS.get() + glyphs.len());
    });
    glyphs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::breaking::{fill_lines, natural_widths};

    fn setup(book: &mut FontBook) -> (FontId, FontId) {
        (book.load("NanumPen.ttf").unwrap(), book.load("DejaVuSans.ttf").unwrap())
    }

    fn styled(text: &str, font: FontId) -> StyledText {
        let style = TextStyle::plain(font, 10.0, Color::BLACK);
        let mut out = StyledText { line: 7, ..StyledText::default() };
        out.push(text, &style);
        out
    }

    #[test]
    fn fallback_font_per_grapheme_and_boxes_for_the_rest() {
        let mut book = FontBook::new();
        let (pen, dejavu) = setup(&mut book);
        let fallbacks = [dejavu];
        let factor = |f: FontId| if f == pen { 1.5 } else { 1.0 };
        let fonts = FontSetup::plain(&book, &fallbacks, &factor);
        let mut warnings = Vec::new();
        let shaped = shape(styled("확인 ✓ 끝 \u{1D11E}", pen), &fonts, &mut warnings);
        let font_of = |needle: &str| {
            let at = shaped.text.find(needle).unwrap();
            shaped.glyphs.iter().find(|g| g.cluster == at).unwrap()
        };
        assert_eq!(font_of("확").font, pen);
        assert_eq!(font_of("✓").font, dejavu, "NanumPen has no ✓: the fallback draws it");
        assert!(font_of("\u{1D11E}").missing);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(7));
        assert!(warnings[0].message.contains("U+1D11E"), "{}", warnings[0].message);
        // The span's font takes its size factor; a fallback is sized to the same cap height.
        assert!((font_of("확").em - 15.0).abs() < 1e-4);
        let cap = |font: FontId, em: f32| book.get(font).cap_height * em;
        assert!((cap(dejavu, font_of("✓").em) - cap(pen, 15.0)).abs() < 1e-3);
        assert!(font_of("✓").em < 10.0, "Nanum Pen's capitals are short: {}", font_of("✓").em);
    }

    #[test]
    fn keep_all_lines_break_at_spaces_and_long_words_break_anyway() {
        let mut book = FontBook::new();
        let (pen, dejavu) = setup(&mut book);
        let fallbacks = [dejavu];
        let factor = |_: FontId| 1.0;
        let fonts = FontSetup::plain(&book, &fallbacks, &factor);
        let shaped =
            shape(styled("베이스 모델은 인터넷 문서 시뮬레이터입니다", pen), &fonts, &mut Vec::new());
        let (min, max) = natural_widths(&shaped);
        assert!(min > 0.0 && min < max);
        let lines = fill_lines(&shaped, max * 0.6, 1.0, 3.0);
        assert!(lines.len() >= 2);
        for line in &lines {
            assert!(line.width <= max * 0.6 + 0.01, "{line:?}");
            // Every line but the last ends at a space: no Hangul word is split.
            let end = line.glyphs.end;
            if end < shaped.glyphs.len() {
                assert!(shaped.text[..shaped.glyphs[end].cluster].ends_with(' '), "{line:?}");
            }
        }
        // Narrower than the longest word: an emergency break inside it, never an endless loop.
        let narrow = fill_lines(&shaped, min * 0.5, 1.0, 3.0);
        assert!(narrow.len() > lines.len());
        let covered: usize = narrow.iter().map(|l| l.glyphs.len()).sum();
        assert_eq!(covered, shaped.glyphs.len(), "every glyph is on exactly one line");
    }

    #[test]
    fn english_words_are_hyphenated_when_they_overflow() {
        let mut book = FontBook::new();
        let (pen, dejavu) = setup(&mut book);
        let fallbacks = [dejavu];
        let factor = |_: FontId| 1.0;
        let fonts = FontSetup::plain(&book, &fallbacks, &factor);
        let shaped = shape(styled("typesetting tokenization", pen), &fonts, &mut Vec::new());
        let total: f32 = shaped.glyphs.iter().map(|g| g.advance).sum();
        let lines = fill_lines(&shaped, total * 0.62, 1.0, 3.0);
        assert!(lines.iter().any(|l| l.hyphen), "{lines:?}");
        let first_break = &shaped.text[..shaped.glyphs[lines[0].glyphs.end].cluster];
        assert!(first_break.starts_with("typesetting to"), "{first_break}");
    }
}
