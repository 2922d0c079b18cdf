//! Diagram layout: model + measured labels → a [`Scene`](super::scene::Scene) at scale 1.

pub mod flowchart;
pub mod layered;
pub mod mindmap;
pub mod pie;
pub mod xychart;

use super::label::{Label, Measurer};
use crate::frame::Color;
use crate::style::Style;

/// What every layout needs: a label measurer, the colours and the room it has.
pub struct Env<'m, 'c, 'a> {
    pub measure: &'m Measurer<'c, 'a>,
    pub ink: Color,
    pub paper: Color,
    pub accent: Color,
    /// Palette colours other than the accent, in the style's order, starting after it.
    pub others: Vec<Color>,
    /// Palette colours starting with the accent (series and slices).
    pub series: Vec<Color>,
    /// Body text size in points.
    pub size: f32,
    pub max_width: f32,
    /// How much more than natural spacing the layout may use (1 = natural).
    pub stretch: f32,
    /// File line of the first diagram line.
    pub first_line: usize,
    pub root_fill: Color,
    pub root_stroke: Color,
}

impl<'m, 'c, 'a> Env<'m, 'c, 'a> {
    pub fn new(
        measure: &'m Measurer<'c, 'a>,
        style: &Style,
        accent: Color,
        max_width: f32,
        first_line: usize,
    ) -> Self {
        let order: Vec<Color> = style.order.iter().filter_map(|n| style.color(n)).collect();
        let start = order.iter().position(|c| *c == accent);
        let rotated: Vec<Color> = match start {
            Some(i) => order[i..].iter().chain(&order[..i]).copied().collect(),
            None => std::iter::once(accent).chain(order.iter().copied()).collect(),
        };
        let others: Vec<Color> = rotated.iter().skip(1).copied().collect();
        Env {
            measure,
            ink: style.page.ink,
            paper: style.page.paper,
            accent,
            others: if others.is_empty() { vec![accent] } else { others },
            series: rotated,
            size: style.text.size,
            max_width,
            stretch: 1.0,
            first_line,
            root_fill: style.title.fill,
            root_stroke: style.title.stroke,
        }
    }

    /// A label measured at `size` and wrapped at `wrap`; `line` is the 0-based diagram line.
    pub fn label(&self, text: &str, size: f32, bold: bool, color: Color, wrap: f32, line: usize) -> Label {
        self.measure.label(text, size, bold, color, wrap, self.first_line + line)
    }

    pub fn other(&self, i: usize) -> Color {
        self.others[i % self.others.len()]
    }

    pub fn series_color(&self, i: usize) -> Color {
        self.series[i % self.series.len()]
    }
}

/// A darker shade, for outlines of light user colours.
pub fn darken(c: Color, amount: f32) -> Color {
    Color { r: c.r * (1.0 - amount), g: c.g * (1.0 - amount), b: c.b * (1.0 - amount) }
}
