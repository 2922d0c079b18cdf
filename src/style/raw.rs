//! The style file as written (TOML), before colours, lengths and fonts are resolved.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    color, mm, BoxStyle, FitStyle, FontStyle, GridStyle, HighlightStyle, PageStyle, QuoteStyle, Style,
    TextSettings, TitleStyle,
};
use crate::error::{HanjiError, Result};
use crate::frame::Color;
use crate::highlight::Class;
use crate::text::fonts::{FontBook, FontId};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStyle {
    page: RawPage,
    grid: RawGrid,
    fonts: RawFonts,
    text: TextRaw,
    fit: RawFit,
    #[serde(rename = "box")]
    boxes: RawBox,
    title: RawTitle,
    mark: RawMark,
    quote: RawQuote,
    code: RawCode,
    palette: RawPalette,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    paper: String,
    ink: String,
    margin_mm: f32,
    gap_mm: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    enabled: bool,
    pitch_mm: f32,
    color: String,
    line_width: f32,
    major_every: i64,
    major_color: String,
    major_line_width: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFonts {
    body: String,
    heading: String,
    /// Thicken the heading face with a stroke (a hand font has no bold).
    heading_bold: bool,
    bold: String,
    fake_bold: bool,
    fallbacks: Vec<String>,
    symbol_font: String,
    symbols: String,
    size_factor: BTreeMap<String, f32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRaw {
    size: f32,
    line_height: f32,
    paragraph_gap: f32,
    list_indent: f32,
    min_size: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFit {
    min_scale: f32,
    max_scale: f32,
    spread: f32,
    harmony: bool,
    diagram_max_scale: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBox {
    radius_mm: f32,
    stroke_width: f32,
    wobble: f32,
    padding_mm: f32,
    fill_tint: f32,
    fill_alpha: f32,
    header_size: f32,
    header_rule: bool,
    subsection_size: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitle {
    size: f32,
    subtitle_size: f32,
    color: String,
    fill: String,
    stroke: String,
    accent: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMark {
    color: String,
    alpha: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuote {
    tint: f32,
    size: f32,
    mark_color_tint: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    font: String,
    fallbacks: Vec<String>,
    tint: f32,
    highlight: RawHighlight,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHighlight {
    enabled: bool,
    keyword: String,
    string: String,
    comment: String,
    number: String,
    function: String,
    #[serde(rename = "type")]
    type_: String,
    constant: String,
    operator: String,
    punctuation: String,
    property: String,
}

impl RawHighlight {
    /// The colour written for a token class.
    fn hex(&self, class: Class) -> &str {
        match class {
            Class::Keyword => &self.keyword,
            Class::String => &self.string,
            Class::Comment => &self.comment,
            Class::Number => &self.number,
            Class::Function => &self.function,
            Class::Type => &self.type_,
            Class::Constant => &self.constant,
            Class::Operator => &self.operator,
            Class::Punctuation => &self.punctuation,
            Class::Property => &self.property,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPalette {
    order: Vec<String>,
    colors: BTreeMap<String, String>,
}

/// Where a style key was written, so an error can name the file and line.
pub type Locate<'a> = &'a dyn Fn(&str) -> (Option<std::path::PathBuf>, Option<usize>);

/// Checks values against the ranges a page can use and loads fonts, with errors at the key.
struct Check<'a> {
    locate: Locate<'a>,
}

impl Check<'_> {
    fn error(&self, key: &str, message: String) -> HanjiError {
        let (file, line) = (self.locate)(key);
        HanjiError { file, line, message }
    }

    /// A finite number within `lo..=hi` (in the key's own unit).
    fn num(&self, key: &str, value: f32, lo: f32, hi: f32) -> Result<f32> {
        if value.is_finite() && (lo..=hi).contains(&value) {
            Ok(value)
        } else {
            Err(self
                .error(key, format!("style key `{key}` is {value:?}; it must be a number from {lo} to {hi}")))
        }
    }

    /// A share from 0 to 1 (tints, opacities).
    fn unit(&self, key: &str, value: f32) -> Result<f32> {
        self.num(key, value, 0.0, 1.0)
    }

    fn color(&self, key: &str, hex: &str) -> Result<Color> {
        color(key, hex).map_err(|e| self.error(key, e.message))
    }

    fn font(&self, book: &mut FontBook, key: &str, name: &str) -> Result<FontId> {
        book.load(name).map_err(|e| self.error(key, format!("style key `{key}`: {}", e.message)))
    }
}

impl RawStyle {
    pub fn resolve(self, name: &str, book: &mut FontBook, locate: Locate) -> Result<Style> {
        let check = Check { locate };
        let c = &check;
        let f = &self.fonts;
        let mut size_factors = Vec::new();
        for (font, factor) in &f.size_factor {
            let key = format!("fonts.size_factor.{font}");
            size_factors.push((c.font(book, &key, font)?, c.num(&key, *factor, 0.2, 5.0)?));
        }
        let fonts = FontStyle {
            body: c.font(book, "fonts.body", &f.body)?,
            heading: c.font(book, "fonts.heading", &f.heading)?,
            heading_bold: f.heading_bold,
            bold: c.font(book, "fonts.bold", &f.bold)?,
            fake_bold: f.fake_bold,
            code: c.font(book, "code.font", &self.code.font)?,
            fallbacks: f
                .fallbacks
                .iter()
                .map(|n| c.font(book, "fonts.fallbacks", n))
                .collect::<Result<_>>()?,
            symbols: f.symbols.clone(),
            symbol_font: c.font(book, "fonts.symbol_font", &f.symbol_font)?,
            code_fallbacks: self
                .code
                .fallbacks
                .iter()
                .map(|n| c.font(book, "code.fallbacks", n))
                .collect::<Result<_>>()?,
            size_factors,
        };
        let mut palette = Vec::new();
        for (key, hex) in &self.palette.colors {
            palette.push((key.clone(), c.color(&format!("palette.colors.{key}"), hex)?));
        }
        if self.palette.order.is_empty() {
            return Err(c.error(
                "palette.order",
                "style key `palette.order` is empty: list at least one colour name".into(),
            ));
        }
        if let Some(missing) = self.palette.order.iter().find(|n| !self.palette.colors.contains_key(*n)) {
            return Err(c.error(
                "palette.order",
                format!("`palette.order` names `{missing}`, which `palette.colors` does not define"),
            ));
        }
        let h = &self.code.highlight;
        let mut token_colors = [Color::BLACK; Class::ALL.len()];
        for (slot, class) in token_colors.iter_mut().zip(Class::ALL) {
            *slot = c.color(&format!("code.highlight.{}", class.key()), h.hex(class))?;
        }
        let g = &self.grid;
        let (t, b, q) = (&self.text, &self.boxes, &self.quote);
        Ok(Style {
            name: name.to_string(),
            page: PageStyle {
                paper: c.color("page.paper", &self.page.paper)?,
                ink: c.color("page.ink", &self.page.ink)?,
                margin: mm(c.num("page.margin_mm", self.page.margin_mm, 0.0, 60.0)?),
                gap: mm(c.num("page.gap_mm", self.page.gap_mm, 0.0, 30.0)?),
            },
            grid: GridStyle {
                enabled: g.enabled,
                pitch: mm(c.num("grid.pitch_mm", g.pitch_mm, 1.0, 100.0)?),
                color: c.color("grid.color", &g.color)?,
                line_width: c.num("grid.line_width", g.line_width, 0.0, 5.0)?,
                major_every: c.num("grid.major_every", g.major_every as f32, 0.0, 1000.0)? as u32,
                major_color: c.color("grid.major_color", &g.major_color)?,
                major_line_width: c.num("grid.major_line_width", g.major_line_width, 0.0, 5.0)?,
            },
            fonts,
            text: TextSettings {
                size: c.num("text.size", t.size, 3.0, 72.0)?,
                line_height: c.num("text.line_height", t.line_height, 0.6, 4.0)?,
                paragraph_gap: c.num("text.paragraph_gap", t.paragraph_gap, 0.0, 5.0)?,
                list_indent: c.num("text.list_indent", t.list_indent, 0.0, 10.0)?,
                min_size: c.num("text.min_size", t.min_size, 2.0, 72.0)?,
            },
            fit: FitStyle {
                min_scale: c.num("fit.min_scale", self.fit.min_scale, 0.05, 1.0)?,
                max_scale: c.num("fit.max_scale", self.fit.max_scale, 1.0, 4.0)?,
                spread: c.num("fit.spread", self.fit.spread, 1.0, 4.0)?,
                harmony: self.fit.harmony,
                diagram_max_scale: c.num("fit.diagram_max_scale", self.fit.diagram_max_scale, 1.0, 6.0)?,
            },
            boxes: BoxStyle {
                radius: mm(c.num("box.radius_mm", b.radius_mm, 0.0, 50.0)?),
                stroke_width: c.num("box.stroke_width", b.stroke_width, 0.0, 10.0)?,
                wobble: c.num("box.wobble", b.wobble, 0.0, 5.0)?,
                padding: mm(c.num("box.padding_mm", b.padding_mm, 0.0, 30.0)?),
                fill_tint: c.unit("box.fill_tint", b.fill_tint)?,
                fill_alpha: c.unit("box.fill_alpha", b.fill_alpha)?,
                header_size: c.num("box.header_size", b.header_size, 3.0, 72.0)?,
                header_rule: b.header_rule,
                subsection_size: c.num("box.subsection_size", b.subsection_size, 3.0, 72.0)?,
            },
            title: TitleStyle {
                size: c.num("title.size", self.title.size, 3.0, 144.0)?,
                subtitle_size: c.num("title.subtitle_size", self.title.subtitle_size, 3.0, 72.0)?,
                color: c.color("title.color", &self.title.color)?,
                fill: c.color("title.fill", &self.title.fill)?,
                stroke: c.color("title.stroke", &self.title.stroke)?,
                accent: c.color("title.accent", &self.title.accent)?,
            },
            mark: (c.color("mark.color", &self.mark.color)?, c.unit("mark.alpha", self.mark.alpha)?),
            quote: QuoteStyle {
                tint: c.unit("quote.tint", q.tint)?,
                size: c.num("quote.size", q.size, 3.0, 72.0)?,
                mark_color_tint: c.unit("quote.mark_color_tint", q.mark_color_tint)?,
            },
            code_tint: c.unit("code.tint", self.code.tint)?,
            highlight: HighlightStyle { enabled: h.enabled, colors: token_colors },
            order: self.palette.order,
            palette,
        })
    }
}
