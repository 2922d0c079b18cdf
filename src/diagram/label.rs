//! Labels, shaped and broken by Hanji's own text engine with the real fonts: a diagram knows
//! the true size of every label before it lays anything out, so Korean is never clipped.
//! A label's markup (markdown strings, icons: see [`super::markup`]) becomes styled runs.

use super::markup::{self, Run};
use crate::frame::{Color, FrameItem};
use crate::text::breaking::natural_widths;
use crate::text::place::{layout_paragraph, Align};
use crate::text::shape::shape;
use crate::text::{StyledText, TextStyle};
use crate::typesetter::Typesetter;

/// A measured label. `width` is its widest line: drawing it at that width (times the scale)
/// gives back exactly the measured lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The text as set (icons as their characters), for checks and tests.
    pub text: String,
    /// The text in its looks.
    pub runs: Vec<Run>,
    /// Nominal size in points at scale 1, before the font's size factor.
    pub size: f32,
    pub bold: bool,
    pub color: Color,
    /// The colour of emphasis (`_italic_` in a markdown string).
    pub accent: Color,
    pub width: f32,
    pub height: f32,
    /// Source line, for warnings about missing glyphs.
    pub line: usize,
}

/// Measures labels with the style's fonts; `accent` colours emphasis.
pub struct Measurer<'c, 'a> {
    pub ctx: &'c Typesetter<'a>,
    pub accent: Color,
}

impl Measurer<'_, '_> {
    /// Shapes the label markup `text` and breaks it at `wrap` points (at scale 1). An empty
    /// label takes no room.
    pub fn label(&self, text: &str, size: f32, bold: bool, color: Color, wrap: f32, line: usize) -> Label {
        let runs = markup::runs(text);
        let plain: String = runs.iter().map(|r| r.text.as_str()).collect();
        let mut label = Label {
            text: plain,
            runs,
            size,
            bold,
            color,
            accent: self.accent,
            width: 0.0,
            height: 0.0,
            line,
        };
        if label.text.trim().is_empty() {
            return label;
        }
        let style = self.ctx.style;
        let styled = label.styled(self.ctx);
        let factor = |f| style.fonts.size_factor(f);
        let setup = crate::typesetter::font_setup(self.ctx.book, style, &factor);
        let shaped = shape(styled, &setup, &mut Vec::new());
        let lay =
            |w: f32| layout_paragraph(self.ctx.book, &shaped, w, 1.0, style.text.line_height, Align::Left);
        let widest =
            |l: &crate::text::ParagraphLayout| l.lines.iter().map(|b| b.line.width).fold(0.0f32, f32::max);
        let hyphens = |l: &crate::text::ParagraphLayout| l.lines.iter().filter(|b| b.line.hyphen).count();
        let mut layout = lay(wrap);
        if layout.lines.len() > 1 {
            // Balance the lines: the narrowest width that needs no more lines (and no more
            // hyphens) than the wrap width, so a label breaks as "Pretraining to /
            // Post-Training", not "Pretraining to Post- / Training".
            let (count, hyphen_count) = (layout.lines.len(), hyphens(&layout));
            let (mut lo, mut hi) = (natural_widths(&shaped).0, widest(&layout));
            for _ in 0..10 {
                let mid = (lo + hi) / 2.0;
                let trial = lay(mid);
                if trial.lines.len() <= count && hyphens(&trial) <= hyphen_count {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            layout = lay(hi);
        }
        label.width = widest(&layout);
        label.height = layout.height;
        label
    }
}

impl Label {
    /// The runs as styled text: bold runs (or a bold label) in the bold face, emphasis in the
    /// accent colour.
    fn styled(&self, ctx: &Typesetter) -> StyledText {
        let fonts = &ctx.style.fonts;
        let mut styled = StyledText { line: self.line, ..StyledText::default() };
        for run in &self.runs {
            let bold = self.bold || run.bold;
            let style = TextStyle {
                font: if bold { fonts.bold } else { fonts.body },
                fake_bold: bold && fonts.fake_bold,
                size: self.size,
                color: if run.emphasis { self.accent } else { self.color },
                ..ctx.body_style()
            };
            styled.push(&run.text, &style);
        }
        styled
    }

    /// Draws the label centred on `cx` with its top at `top`, as real shaped text.
    pub fn draw(&self, ctx: &mut Typesetter, cx: f32, top: f32, scale: f32, out: &mut Vec<FrameItem>) {
        if self.text.trim().is_empty() {
            return;
        }
        let styled = self.styled(ctx);
        // The line filler allows 0.01 pt over the width at any scale; this width keeps every
        // measured line and admits nothing the measurement rejected.
        let width = (self.width * scale - 0.01 + 0.005 * scale).max(0.001);
        let saved = ctx.scale;
        ctx.scale = scale;
        ctx.text(styled, cx - width / 2.0, top, width, Align::Center, out);
        ctx.scale = saved;
    }
}
