//! The typesetter: shapes, breaks and draws styled text with a style's fonts, caching what
//! shaping found. Block layout and diagram labels both set text through it, so neither needs
//! the other.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::Warning;
use crate::frame::{FontId, FrameItem};
use crate::style::Style;
use crate::text::breaking::natural_widths;
use crate::text::fonts::FontBook;
use crate::text::place::{draw_paragraph, layout_paragraph};
use crate::text::shape::{shape, FontSetup};
use crate::text::{Align, ShapedText, StyledText, TextStyle};

/// The read-only inputs of setting text (fonts, style), the current scale, what shaping
/// noticed, and the shaping cache.
pub struct Typesetter<'a> {
    pub book: &'a FontBook,
    pub style: &'a Style,
    /// The scale content is set at (fitting a box tries several).
    pub scale: f32,
    /// Missing glyphs and other findings, with their source lines.
    pub warnings: Vec<Warning>,
    /// When set, where text may be cut between its lines (see `log_lines`).
    pub line_log: Option<Vec<f32>>,
    /// Above 0, text is set without logging its lines (headings, labels, cells, diagrams).
    pub mute: u32,
    /// Only heights are wanted (a sheet trying scales for a box): nothing is drawn.
    pub measuring: bool,
    shape_cache: HashMap<(u64, usize), Rc<ShapedText>, std::hash::BuildHasherDefault<FxHasher>>,
    keep_shapes: bool,
}

/// The result of laying out something: its height and the baseline of its first line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub height: f32,
    pub first_baseline: Option<f32>,
}

/// The font selection of a style: its fallbacks, its symbol font, its code font and the
/// code fallbacks.
pub fn font_setup<'a>(
    book: &'a FontBook,
    style: &'a Style,
    size_factor: &'a dyn Fn(FontId) -> f32,
) -> FontSetup<'a> {
    FontSetup {
        book,
        fallbacks: &style.fonts.fallbacks,
        size_factor,
        symbols: &style.fonts.symbols,
        ascii_symbols: crate::text::shape::ascii_set(&style.fonts.symbols),
        symbol_font: Some(style.fonts.symbol_font),
        code_font: Some(style.fonts.code),
        code_fallbacks: &style.fonts.code_fallbacks,
    }
}

impl<'a> Typesetter<'a> {
    pub fn new(book: &'a FontBook, style: &'a Style) -> Typesetter<'a> {
        Typesetter {
            book,
            style,
            scale: 1.0,
            warnings: Vec::new(),
            line_log: None,
            mute: 0,
            shape_cache: HashMap::default(),
            keep_shapes: true,
            measuring: false,
        }
    }

    pub fn body_style(&self) -> TextStyle {
        TextStyle::plain(self.style.fonts.body, self.style.text.size, self.style.page.ink)
    }

    /// Headings (titles, box titles, subsections): the heading face, thickened when the style
    /// says so.
    pub fn heading_style(&self, size: f32, color: crate::frame::Color) -> TextStyle {
        let fonts = &self.style.fonts;
        TextStyle { font: fonts.heading, fake_bold: fonts.heading_bold, size, color, ..self.body_style() }
    }

    /// Shapes, breaks and draws styled text at (x, y) within `width`.
    pub fn text(
        &mut self,
        text: StyledText,
        x: f32,
        y: f32,
        width: f32,
        align: Align,
        out: &mut Vec<FrameItem>,
    ) -> Extent {
        let style = self.style;
        let shaped = self.shaped(text);
        let layout = layout_paragraph(self.book, &shaped, width, self.scale, style.text.line_height, align);
        if !self.measuring {
            draw_paragraph(self.book, &shaped, &layout, x, y, out);
        }
        self.log_lines(&layout.lines, y);
        Extent { height: layout.height, first_baseline: layout.lines.first().map(|l| l.baseline) }
    }

    /// Records where a paragraph set at `y` may be cut: between its lines, never leaving one
    /// line alone before or after the cut, and after its last line.
    pub fn log_lines(&mut self, lines: &[crate::text::place::LineBox], y: f32) {
        if self.mute > 0 {
            return;
        }
        let Some(log) = self.line_log.as_mut() else { return };
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            let last = i + 1 == n;
            if last || (i >= 1 && i + 3 <= n) {
                log.push(y + line.top + line.height);
            }
        }
    }

    /// Shapes text once per layout: fitting a box lays it out at several scales, and shaped
    /// advances do not depend on the scale, so each attempt only re-breaks lines.
    pub fn shaped(&mut self, text: StyledText) -> Rc<ShapedText> {
        let key = self.keep_shapes.then(|| cache_key(&text));
        if let Some(shaped) = key.and_then(|key| self.shape_cache.get(&key)) {
            return Rc::clone(shaped);
        }
        let style = self.style;
        let factor = |f| style.fonts.size_factor(f);
        let setup = font_setup(self.book, style, &factor);
        let shaped = Rc::new(shape(text, &setup, &mut self.warnings));
        if let Some(key) = key {
            self.shape_cache.insert(key, Rc::clone(&shaped));
        }
        shaped
    }

    /// Stops keeping shaped paragraphs: a flowing document sets each paragraph once, at one
    /// scale, and keeping them all held most of its memory (a sheet tries several scales).
    pub fn forget_shapes(&mut self) {
        self.keep_shapes = false;
        self.shape_cache.clear();
    }

    /// The narrowest and the one-line width of styled text, at the current scale.
    pub fn measure(&mut self, text: StyledText) -> (f32, f32) {
        let shaped = self.shaped(text);
        let (min, max) = natural_widths(&shaped);
        (min * self.scale, max * self.scale)
    }
}

/// A cache key for shaped text: a hash of everything shaping depends on, and the length.
fn cache_key(text: &StyledText) -> (u64, usize) {
    use std::hash::{Hash, Hasher};
    let mut h = FxHasher::default();
    text.text.hash(&mut h);
    text.line.hash(&mut h);
    text.base.map(|(font, size, em)| (font, size.to_bits(), em.to_bits())).hash(&mut h);
    text.no_hyphens.hash(&mut h);
    for span in &text.spans {
        span.range.hash(&mut h);
        let s = &span.style;
        s.font.hash(&mut h);
        s.size.to_bits().hash(&mut h);
        [s.color.r, s.color.g, s.color.b].map(f32::to_bits).hash(&mut h);
        s.fake_bold.hash(&mut h);
        s.mark.map(|(c, a)| [c.r, c.g, c.b, a].map(f32::to_bits)).hash(&mut h);
        s.background.map(|c| [c.r, c.g, c.b].map(f32::to_bits)).hash(&mut h);
        (s.strike, s.underline, &s.link).hash(&mut h);
        s.formula.as_ref().map(|f| (&f.tex, f.width.to_bits(), f.height.to_bits())).hash(&mut h);
    }
    (h.finish(), text.text.len())
}

/// A fast non-cryptographic hasher (the multiply-rotate of rustc's FxHash): shaping keys are
/// hashed on every layout attempt, and SipHash was 4 % of a sheet's render.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ rest.len() as u64);
        }
    }

    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}
