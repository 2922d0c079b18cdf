//! The font book: the fonts shipped in `fonts/`, embedded in the binary so a render never
//! depends on what the machine has installed.

use harfbuzz_rs::{Face as HbFace, Font as HbFont, Owned};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::{BoundingBox, GlyphMetrics};
use skrifa::outline::pen::{PathElement, PathStyle};
use skrifa::outline::{DrawSettings, OutlineGlyphCollection, OutlinePen};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, GlyphId, MetadataProvider};

use crate::error::{HanjiError, Result};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// Font files compiled into the binary, by file name (as styles name them).
pub const EMBEDDED_FONTS: &[(&str, &[u8])] = &[
    ("NanumPen.ttf", include_bytes!("../../fonts/NanumPen.ttf")),
    ("NanumSquareRoundEB.ttf", include_bytes!("../../fonts/NanumSquareRoundEB.ttf")),
    ("NanumGothic.ttf", include_bytes!("../../fonts/NanumGothic.ttf")),
    ("NanumGothicBold.ttf", include_bytes!("../../fonts/NanumGothicBold.ttf")),
    ("NanumGothicCoding.ttf", include_bytes!("../../fonts/NanumGothicCoding.ttf")),
    ("DejaVuSans.ttf", include_bytes!("../../fonts/DejaVuSans.ttf")),
    ("DejaVuSansMono.ttf", include_bytes!("../../fonts/DejaVuSansMono.ttf")),
    // The KaTeX fonts, for math (loaded only by documents with formulas).
    ("KaTeX_AMS-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_AMS-Regular.ttf")),
    ("KaTeX_Caligraphic-Bold.ttf", include_bytes!("../../fonts/katex/KaTeX_Caligraphic-Bold.ttf")),
    ("KaTeX_Caligraphic-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Caligraphic-Regular.ttf")),
    ("KaTeX_Fraktur-Bold.ttf", include_bytes!("../../fonts/katex/KaTeX_Fraktur-Bold.ttf")),
    ("KaTeX_Fraktur-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Fraktur-Regular.ttf")),
    ("KaTeX_Main-Bold.ttf", include_bytes!("../../fonts/katex/KaTeX_Main-Bold.ttf")),
    ("KaTeX_Main-BoldItalic.ttf", include_bytes!("../../fonts/katex/KaTeX_Main-BoldItalic.ttf")),
    ("KaTeX_Main-Italic.ttf", include_bytes!("../../fonts/katex/KaTeX_Main-Italic.ttf")),
    ("KaTeX_Main-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Main-Regular.ttf")),
    ("KaTeX_Math-BoldItalic.ttf", include_bytes!("../../fonts/katex/KaTeX_Math-BoldItalic.ttf")),
    ("KaTeX_Math-Italic.ttf", include_bytes!("../../fonts/katex/KaTeX_Math-Italic.ttf")),
    ("KaTeX_SansSerif-Bold.ttf", include_bytes!("../../fonts/katex/KaTeX_SansSerif-Bold.ttf")),
    ("KaTeX_SansSerif-Italic.ttf", include_bytes!("../../fonts/katex/KaTeX_SansSerif-Italic.ttf")),
    ("KaTeX_SansSerif-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_SansSerif-Regular.ttf")),
    ("KaTeX_Script-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Script-Regular.ttf")),
    ("KaTeX_Size1-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Size1-Regular.ttf")),
    ("KaTeX_Size2-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Size2-Regular.ttf")),
    ("KaTeX_Size3-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Size3-Regular.ttf")),
    ("KaTeX_Size4-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Size4-Regular.ttf")),
    ("KaTeX_Typewriter-Regular.ttf", include_bytes!("../../fonts/katex/KaTeX_Typewriter-Regular.ttf")),
];

pub use crate::frame::FontId;

/// One loaded font: raw bytes for the exporters, a parsed face for metrics, coverage and
/// outlines, and a HarfBuzz font for shaping.
pub struct LoadedFont {
    pub name: &'static str,
    pub data: &'static [u8],
    /// The parsed views borrow the embedded bytes, so loading copies nothing and builds no
    /// tables: each is a handful of offsets found once here instead of per character.
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    outlines: OutlineGlyphCollection<'static>,
    pub shaper: Owned<HbFont<'static>>,
    pub units_per_em: f32,
    /// Vertical centre of the font's letters above the baseline, in em (of 한, or H for fonts
    /// without Hangul): lines are centred on it so fonts with different ascenders sit alike.
    pub visual_center: f32,
    /// Where the font's letters stand and how tall its capitals are, in em (the ink of `H`,
    /// and of `한` for where they stand): Nanum Pen's letters float 0.04–0.15 em above the
    /// baseline and its capitals are 0.41 em tall, DejaVu's stand on it and are 0.73 em tall.
    /// Mixed fonts are sized and set by these.
    pub cap_bottom: f32,
    pub cap_height: f32,
    /// Height of the ink of `한` in em, for sizing a Hangul or Han fallback; `cap_height`
    /// scaled as Latin fonts draw Hangul when the font has none.
    pub hangul_height: f32,
    /// What `covers` found for each character of the Basic Multilingual Plane, two bits each
    /// (0 not asked yet, 1 covered, 2 not): shaping asks for every character of every run.
    /// In blocks of 1,024 characters made when first asked: a sheet uses a dozen, and clearing
    /// the whole plane for every font was 24 page faults of a fresh render.
    coverage: [OnceLock<Box<[AtomicU8]>>; COVERAGE_BLOCKS],
    /// The hyphen's glyph and advance, looked up once: every paragraph laid out asks for it.
    hyphen: OnceLock<Option<(u16, f32)>>,
}

/// Characters per block of `LoadedFont::coverage`, and blocks in the Basic Multilingual Plane.
const COVERAGE_BLOCK: usize = 1024;
const COVERAGE_BLOCKS: usize = 0x10000 / COVERAGE_BLOCK;

impl LoadedFont {
    fn load(name: &'static str, data: &'static [u8]) -> Result<LoadedFont> {
        let unreadable = |why: String| {
            HanjiError::new(format!("font {name} cannot be read ({why}); restore it from fonts/"))
        };
        let font = FontRef::new(data).map_err(|e| unreadable(e.to_string()))?;
        // The tables every font needs; ttf-parser refused a font without them, and so do we.
        let head = font.head().map_err(|e| unreadable(format!("head: {e}")))?;
        font.hhea().map_err(|e| unreadable(format!("hhea: {e}")))?;
        font.maxp().map_err(|e| unreadable(format!("maxp: {e}")))?;
        // Metrics are divided by it: the range is the one the OpenType spec allows.
        if !(16..=16384).contains(&head.units_per_em()) {
            return Err(unreadable(format!("{} units per em", head.units_per_em())));
        }
        let units_per_em = f32::from(head.units_per_em());
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let outlines = font.outline_glyphs();
        let shaper = HbFont::new(HbFace::from_bytes(data, 0));
        let probe = charmap.map('한').or_else(|| charmap.map('H'));
        // An empty glyph has no box (skrifa reports it as all zeros).
        let visual_center = probe
            .and_then(|g| metrics.bounds(g))
            .filter(|b| *b != BoundingBox::default())
            .map_or(0.35, |b| (b.y_max + b.y_min) / 2.0 / units_per_em);
        let ink = |c: char| {
            charmap
                .map(c)
                .and_then(|g| metrics.bounds(g))
                .filter(|b| b.y_max > b.y_min)
                .map(|b| (b.y_min / units_per_em, (b.y_max - b.y_min) / units_per_em))
        };
        let (h_bottom, cap_height) = ink('H').unwrap_or((0.0, 0.7));
        let hangul = ink('한');
        let hangul_height = hangul.map_or(cap_height * 1.25, |(_, h)| h);
        // Korean and English stand on the line together: between the two bottoms.
        let cap_bottom = hangul.map_or(h_bottom, |(bottom, _)| (h_bottom + bottom) / 2.0);
        Ok(LoadedFont {
            name,
            data,
            charmap,
            metrics,
            outlines,
            shaper,
            units_per_em,
            visual_center,
            cap_bottom,
            cap_height,
            hangul_height,
            coverage: std::array::from_fn(|_| OnceLock::new()),
            hyphen: OnceLock::new(),
        })
    }

    /// Whether the font draws this character: it maps it to a glyph with ink. Fonts map
    /// characters to empty glyphs (Nanum Pen: every Hanja), which must fall through to the
    /// next font; spaces and invisible characters need no ink.
    pub fn covers(&self, c: char) -> bool {
        // Two bits a character, four to a byte.
        let index = c as usize;
        let Some(block) = self.coverage.get(index / COVERAGE_BLOCK) else { return self.find_coverage(c) };
        let block = block.get_or_init(|| (0..COVERAGE_BLOCK / 4).map(|_| AtomicU8::new(0)).collect());
        let Some(known) = block.get(index % COVERAGE_BLOCK / 4) else { return self.find_coverage(c) };
        let shift = (index % 4) * 2;
        match (known.load(Ordering::Relaxed) >> shift) & 3 {
            1 => true,
            2 => false,
            _ => {
                let covered = self.find_coverage(c);
                known.fetch_or((if covered { 1 } else { 2 }) << shift, Ordering::Relaxed);
                covered
            }
        }
    }

    fn find_coverage(&self, c: char) -> bool {
        match self.charmap.map(c) {
            None => false,
            Some(_) if c.is_whitespace() || crate::text::script::is_invisible(c) => true,
            Some(gid) => self.metrics.bounds(gid).is_some_and(|b| b != BoundingBox::default()),
        }
    }

    /// [`LoadedFont::glyph_for`] of `-`.
    pub fn hyphen(&self) -> Option<(u16, f32)> {
        *self.hyphen.get_or_init(|| self.glyph_for('-'))
    }

    /// The glyph and its advance (in em) for a character, if the font has it.
    pub fn glyph_for(&self, c: char) -> Option<(u16, f32)> {
        let gid = self.charmap.map(c)?;
        let advance = self.metrics.advance_width(gid).unwrap_or(0.0) / self.units_per_em;
        Some((u16::try_from(gid.to_u32()).ok()?, advance))
    }

    /// The ink box of a glyph in em (y up), `None` for a glyph without outline: a font may map
    /// a character to an empty glyph (Nanum Pen does so for Hanja).
    pub fn glyph_bounds(&self, gid: u16) -> Option<[f32; 4]> {
        let b = self.metrics.bounds(GlyphId::new(u32::from(gid)))?;
        if b == BoundingBox::default() || b.x_max <= b.x_min || b.y_max <= b.y_min {
            return None;
        }
        let u = self.units_per_em;
        Some([b.x_min / u, b.y_min / u, b.x_max / u, b.y_max / u])
    }

    /// A glyph's advance in em.
    pub fn advance(&self, gid: u16) -> f32 {
        self.metrics.advance_width(GlyphId::new(u32::from(gid))).unwrap_or(0.0) / self.units_per_em
    }

    /// Ascent, descent (negative) and the font's box (x0, y0, x1, y1), in em, for a PDF font
    /// descriptor.
    pub fn vertical_metrics(&self) -> (f32, f32, [f32; 4]) {
        let Ok(font) = FontRef::new(self.data) else { return (0.8, -0.2, [0.0, -0.2, 1.0, 0.8]) };
        let u = self.units_per_em;
        let (ascent, descent) = font.hhea().map_or((0.8, -0.2), |h| {
            (f32::from(h.ascender().to_i16()) / u, f32::from(h.descender().to_i16()) / u)
        });
        let bbox = font.head().map_or([0.0, descent, 1.0, ascent], |h| {
            [
                f32::from(h.x_min()) / u,
                f32::from(h.y_min()) / u,
                f32::from(h.x_max()) / u,
                f32::from(h.y_max()) / u,
            ]
        });
        (ascent, descent, bbox)
    }

    /// Number of glyphs in the font (`maxp`), which bounds the glyph ids it can use.
    pub fn glyph_count(&self) -> u16 {
        u16::try_from(self.metrics.glyph_count()).unwrap_or(u16::MAX)
    }

    /// Draws a glyph's outline into `pen` in font units, y up; `None` when the glyph has no
    /// outline or it cannot be read.
    ///
    /// The outline is the glyf table's as it stands, as ttf-parser drew it: contours start
    /// where HarfBuzz starts them, and it is not moved horizontally. skrifa (like FreeType)
    /// moves an outline so its left edge sits at the `hmtx` side bearing, which some glyphs
    /// (82 in NanumPen) disagree with by a unit or more; that move is undone here.
    pub fn draw_glyph(&self, gid: u16, pen: &mut impl OutlinePen) -> Option<()> {
        let glyph = self.outlines.get(GlyphId::new(u32::from(gid)))?;
        let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default())
            .with_path_style(PathStyle::HarfBuzz);
        // The move is known only once drawn, so the path is kept and replayed.
        let mut path: Vec<PathElement> = Vec::new();
        let moved = glyph.draw(settings, &mut path).ok()?;
        let dx = moved.lsb.unwrap_or(0.0);
        for element in path {
            match element {
                PathElement::MoveTo { x, y } => pen.move_to(x + dx, y),
                PathElement::LineTo { x, y } => pen.line_to(x + dx, y),
                PathElement::QuadTo { cx0, cy0, x, y } => pen.quad_to(cx0 + dx, cy0, x + dx, y),
                PathElement::CurveTo { cx0, cy0, cx1, cy1, x, y } => {
                    pen.curve_to(cx0 + dx, cy0, cx1 + dx, cy1, x + dx, y)
                }
                PathElement::Close => pen.close(),
            }
        }
        Some(())
    }
}

/// The fonts a render uses, loaded once and addressed by [`FontId`].
#[derive(Default)]
pub struct FontBook {
    fonts: Vec<LoadedFont>,
}

impl FontBook {
    pub fn new() -> Self {
        FontBook::default()
    }

    /// Loads an embedded font by file name (once) and returns its id.
    pub fn load(&mut self, name: &str) -> Result<FontId> {
        if let Some(index) = self.fonts.iter().position(|f| f.name == name) {
            return Ok(FontId(index as u16));
        }
        let Some((name, data)) = EMBEDDED_FONTS.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = EMBEDDED_FONTS.iter().map(|(n, _)| *n).collect();
            return Err(HanjiError::new(format!("unknown font `{name}`: use one of {}", known.join(", "))));
        };
        self.fonts.push(LoadedFont::load(name, data)?);
        Ok(FontId((self.fonts.len() - 1) as u16))
    }

    /// Loads the KaTeX fonts math is drawn with.
    pub fn load_math(&mut self) -> Result<()> {
        for name in crate::math::KATEX_FONTS {
            self.load(&format!("KaTeX_{name}.ttf"))?;
        }
        Ok(())
    }

    pub fn get(&self, id: FontId) -> &LoadedFont {
        &self.fonts[usize::from(id.0)]
    }

    /// All loaded fonts with their ids, in load order.
    pub fn iter(&self) -> impl Iterator<Item = (FontId, &LoadedFont)> {
        self.fonts.iter().enumerate().map(|(i, f)| (FontId(i as u16), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanum_pen_covers_every_hangul_syllable_and_ascii() {
        let mut book = FontBook::new();
        let pen = book.load("NanumPen.ttf").unwrap();
        let font = book.get(pen);
        let missing = ('\u{AC00}'..='\u{D7A3}').filter(|c| !font.covers(*c)).count();
        assert_eq!(missing, 0);
        assert!((' '..='~').all(|c| font.covers(c)));
        assert!(font.covers('→'));
        assert!(!font.covers('✓'), "NanumPen has no check mark: the fallback must supply it");
        // The cmap sends U+FFFF to .notdef, which is no glyph: it gets the missing-glyph warning.
        assert!(!font.covers('\u{FFFF}'));
    }

    #[test]
    fn loading_twice_gives_the_same_id_and_unknown_names_fail() {
        let mut book = FontBook::new();
        let a = book.load("DejaVuSans.ttf").unwrap();
        let b = book.load("DejaVuSans.ttf").unwrap();
        assert_eq!(a, b);
        let err = book.load("Comic.ttf").err().unwrap();
        assert!(err.message.contains("NanumPen.ttf"), "{}", err.message);
    }

    #[test]
    fn outlines_keep_the_glyf_positions() {
        use skrifa::outline::pen::ControlBoundsPen;
        // NanumPen's Latin letters and digits have `hmtx` side bearings that differ from their
        // outlines' left edges: the outline must still come out where the glyf table puts it.
        let mut book = FontBook::new();
        let pen = book.load("NanumPen.ttf").unwrap();
        let font = book.get(pen);
        for c in ('!'..='~').chain("한글".chars()) {
            let (gid, _) = font.glyph_for(c).unwrap();
            let mut bounds = ControlBoundsPen::default();
            font.draw_glyph(gid, &mut bounds).unwrap();
            let drawn = bounds.bounding_box();
            assert_eq!(drawn, font.metrics.bounds(GlyphId::from(gid)), "{c}");
        }
    }

    #[test]
    fn metrics_match_the_font_tables() {
        let mut book = FontBook::new();
        let pen = book.load("NanumPen.ttf").unwrap();
        let font = book.get(pen);
        assert_eq!(font.units_per_em, 1000.0);
        assert_eq!(font.glyph_count(), 20770);
        assert_eq!(font.visual_center, 0.3405);
        let (gid, advance) = font.glyph_for('한').unwrap();
        assert!(gid > 0 && advance > 0.5 && advance <= 1.0, "{gid} {advance}");
        // The last glyph is drawable; one past it is not a glyph.
        assert!(font.draw_glyph(font.glyph_count() - 1, &mut Vec::<PathElement>::new()).is_some());
        assert!(font.draw_glyph(font.glyph_count(), &mut Vec::<PathElement>::new()).is_none());
    }
}
