//! The font book: the fonts shipped in `fonts/`, embedded in the binary so a render never
//! depends on what the machine has installed.

use harfbuzz_rs::{Face as HbFace, Font as HbFont, Owned};

use crate::error::{HanjiError, Result};

/// Font files compiled into the binary, by file name (as styles name them).
pub const EMBEDDED_FONTS: &[(&str, &[u8])] = &[
    ("NanumPen.ttf", include_bytes!("../../fonts/NanumPen.ttf")),
    ("NanumSquareRoundEB.ttf", include_bytes!("../../fonts/NanumSquareRoundEB.ttf")),
    ("NanumGothic.ttf", include_bytes!("../../fonts/NanumGothic.ttf")),
    ("NanumGothicBold.ttf", include_bytes!("../../fonts/NanumGothicBold.ttf")),
    ("NanumGothicCoding.ttf", include_bytes!("../../fonts/NanumGothicCoding.ttf")),
    ("DejaVuSans.ttf", include_bytes!("../../fonts/DejaVuSans.ttf")),
];

/// Index of a font in the [`FontBook`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FontId(pub u16);

/// One loaded font: raw bytes for the exporters, a parsed face for metrics and coverage,
/// and a HarfBuzz font for shaping.
pub struct LoadedFont {
    pub name: &'static str,
    pub data: &'static [u8],
    pub face: ttf_parser::Face<'static>,
    pub shaper: Owned<HbFont<'static>>,
    pub units_per_em: f32,
    /// Vertical centre of the font's letters above the baseline, in em (of 한, or H for fonts
    /// without Hangul): lines are centred on it so fonts with different ascenders sit alike.
    pub visual_center: f32,
}

impl LoadedFont {
    fn load(name: &'static str, data: &'static [u8]) -> Result<LoadedFont> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| {
            HanjiError::new(format!("font {name} cannot be read ({e}); restore it from fonts/"))
        })?;
        let units_per_em = f32::from(face.units_per_em());
        let shaper = HbFont::new(HbFace::from_bytes(data, 0));
        let probe = face.glyph_index('한').or_else(|| face.glyph_index('H'));
        let visual_center = probe
            .and_then(|g| face.glyph_bounding_box(g))
            .map_or(0.35, |b| (f32::from(b.y_max) + f32::from(b.y_min)) / 2.0 / units_per_em);
        Ok(LoadedFont { name, data, units_per_em, visual_center, face, shaper })
    }

    /// Whether the font has a glyph for this character.
    pub fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    /// The glyph and its advance (in em) for a character, if the font has it.
    pub fn glyph_for(&self, c: char) -> Option<(u16, f32)> {
        let gid = self.face.glyph_index(c)?;
        let advance = f32::from(self.face.glyph_hor_advance(gid).unwrap_or(0)) / self.units_per_em;
        Some((gid.0, advance))
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
}
