//! The style file as written (TOML), before colours, lengths and fonts are resolved.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    color, mm, BoxStyle, FitStyle, FontStyle, GridStyle, PageStyle, QuoteStyle, Style, TextSettings,
    TitleStyle,
};
use crate::error::{HanjiError, Result};
use crate::text::fonts::FontBook;

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
    major_every: u32,
    major_color: String,
    major_line_width: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFonts {
    body: String,
    heading: String,
    bold: String,
    fake_bold: bool,
    fallbacks: Vec<String>,
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
    harmony: bool,
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
    tint: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPalette {
    order: Vec<String>,
    colors: BTreeMap<String, String>,
}

fn positive(key: &str, value: f32) -> Result<f32> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(HanjiError::new(format!("style key `{key}` must be a positive number, not {value}")))
    }
}

impl RawStyle {
    pub fn resolve(self, name: &str, book: &mut FontBook) -> Result<Style> {
        let f = &self.fonts;
        let mut size_factors = Vec::new();
        for (font, factor) in &f.size_factor {
            size_factors.push((book.load(font)?, positive(&format!("fonts.size_factor.{font}"), *factor)?));
        }
        let fonts = FontStyle {
            body: book.load(&f.body)?,
            heading: book.load(&f.heading)?,
            bold: book.load(&f.bold)?,
            fake_bold: f.fake_bold,
            code: book.load(&self.code.font)?,
            fallbacks: f.fallbacks.iter().map(|n| book.load(n)).collect::<Result<_>>()?,
            size_factors,
        };
        let mut palette = Vec::new();
        for (key, hex) in &self.palette.colors {
            palette.push((key.clone(), color(&format!("palette.colors.{key}"), hex)?));
        }
        if self.palette.order.is_empty() {
            return Err(HanjiError::new("style key `palette.order` is empty: list at least one colour name"));
        }
        if let Some(missing) = self.palette.order.iter().find(|n| !self.palette.colors.contains_key(*n)) {
            return Err(HanjiError::new(format!(
                "`palette.order` names `{missing}`, which `palette.colors` does not define"
            )));
        }
        let g = &self.grid;
        Ok(Style {
            name: name.to_string(),
            page: PageStyle {
                paper: color("page.paper", &self.page.paper)?,
                ink: color("page.ink", &self.page.ink)?,
                margin: mm(self.page.margin_mm.max(0.0)),
                gap: mm(self.page.gap_mm.max(0.0)),
            },
            grid: GridStyle {
                enabled: g.enabled,
                pitch: mm(positive("grid.pitch_mm", g.pitch_mm)?),
                color: color("grid.color", &g.color)?,
                line_width: g.line_width,
                major_every: g.major_every,
                major_color: color("grid.major_color", &g.major_color)?,
                major_line_width: g.major_line_width,
            },
            fonts,
            text: TextSettings {
                size: positive("text.size", self.text.size)?,
                line_height: positive("text.line_height", self.text.line_height)?,
                paragraph_gap: self.text.paragraph_gap.max(0.0),
                list_indent: self.text.list_indent.max(0.0),
                min_size: positive("text.min_size", self.text.min_size)?,
            },
            fit: FitStyle {
                min_scale: positive("fit.min_scale", self.fit.min_scale)?.min(1.0),
                harmony: self.fit.harmony,
            },
            boxes: BoxStyle {
                radius: mm(self.boxes.radius_mm.max(0.0)),
                stroke_width: self.boxes.stroke_width.max(0.0),
                wobble: self.boxes.wobble.max(0.0),
                padding: mm(self.boxes.padding_mm.max(0.0)),
                fill_tint: self.boxes.fill_tint.clamp(0.0, 1.0),
                fill_alpha: self.boxes.fill_alpha.clamp(0.0, 1.0),
                header_size: positive("box.header_size", self.boxes.header_size)?,
                header_rule: self.boxes.header_rule,
                subsection_size: positive("box.subsection_size", self.boxes.subsection_size)?,
            },
            title: TitleStyle {
                size: positive("title.size", self.title.size)?,
                subtitle_size: positive("title.subtitle_size", self.title.subtitle_size)?,
                color: color("title.color", &self.title.color)?,
                fill: color("title.fill", &self.title.fill)?,
                stroke: color("title.stroke", &self.title.stroke)?,
                accent: color("title.accent", &self.title.accent)?,
            },
            mark: (color("mark.color", &self.mark.color)?, self.mark.alpha.clamp(0.0, 1.0)),
            quote: QuoteStyle {
                tint: self.quote.tint.clamp(0.0, 1.0),
                size: positive("quote.size", self.quote.size)?,
                mark_color_tint: self.quote.mark_color_tint.clamp(0.0, 1.0),
            },
            code_tint: self.code.tint.clamp(0.0, 1.0),
            order: self.palette.order,
            palette,
        })
    }
}
