//! Line metrics and glyph placement: broken lines → positioned glyph runs, highlighter marks,
//! strike-throughs and link areas in the Frame.

use super::breaking::{fill_lines, Line};
use super::fonts::{FontBook, FontId};
use super::shape::ShapedText;
use crate::frame::{
    Color, FrameItem, GlyphRun, HiddenText, LineCap, LinkItem, Paint, PathItem, PlacedGlyph, Point, Rect,
    Segment, Stroke,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A broken line with its vertical metrics (relative to the paragraph top).
#[derive(Debug, Clone, PartialEq)]
pub struct LineBox {
    pub line: Line,
    pub top: f32,
    pub height: f32,
    pub baseline: f32,
    /// Extra indent of this line (a code line's continuation).
    pub indent: f32,
}

/// A paragraph broken into lines at one width and scale.
#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphLayout {
    pub lines: Vec<LineBox>,
    pub height: f32,
    pub width: f32,
    pub scale: f32,
    pub align: Align,
}

/// Breaks and measures a shaped paragraph. `line_height` is a multiple of the nominal size.
pub fn layout_paragraph(
    book: &FontBook,
    shaped: &ShapedText,
    max_width: f32,
    scale: f32,
    line_height: f32,
    align: Align,
) -> ParagraphLayout {
    let hyphen_width = hyphen_glyph(book, shaped, shaped.glyphs.len()).map_or(0.0, |(_, _, w, _)| w);
    let lines = fill_lines(shaped, max_width, scale, hyphen_width).into_iter().map(|line| (line, 0.0));
    let (lines, height) = stack_lines(book, shaped, lines, scale, line_height);
    ParagraphLayout { lines, height, width: max_width, scale, align }
}

/// Stacks broken lines (each with its extra indent) top to bottom, each as tall as its
/// largest text and centred on it; returns them with the total height.
fn stack_lines(
    book: &FontBook,
    shaped: &ShapedText,
    lines: impl Iterator<Item = (Line, f32)>,
    scale: f32,
    line_height: f32,
) -> (Vec<LineBox>, f32) {
    let mut top = 0.0;
    let mut boxes = Vec::new();
    for (line, indent) in lines {
        let [center, size, up, down] = if line.glyphs == (0..shaped.glyphs.len()) {
            *shaped.one_line.0.get_or_init(|| line_measures(book, shaped, &line))
        } else {
            line_measures(book, shaped, &line)
        };
        let mut height = size * line_height * scale;
        let mut baseline = top + height / 2.0 + center * scale;
        // A formula taller or deeper than the line's text makes room for itself.
        if up > 0.0 || down > 0.0 {
            let pad = 0.12 * size * scale;
            let above = (up * scale + pad - (baseline - top)).max(0.0);
            let below = (down * scale + pad - (top + height - baseline)).max(0.0);
            baseline += above;
            height += above + below;
        }
        boxes.push(LineBox { line, top, height, baseline, indent });
        top += height;
    }
    (boxes, top)
}

/// Lays out code: one line per source line, never hyphenated. A line wider than
/// `max_width` breaks after a space or punctuation (between characters only when a run has
/// none), and its continuation is indented like the line plus `mark_width`, where a
/// continuation mark goes. Returns the layout and the indices of continuation lines.
pub fn layout_code(
    book: &FontBook,
    shaped: &ShapedText,
    max_width: f32,
    scale: f32,
    line_height: f32,
    mark_width: f32,
) -> (ParagraphLayout, Vec<usize>) {
    let glyphs = &shaped.glyphs;
    let text = &shaped.text;
    let advance = |i: usize| glyphs[i].advance * scale;
    let char_before = |i: usize| text[..glyphs[i].cluster].chars().next_back();
    let mut lines: Vec<(Line, f32)> = Vec::new();
    let mut continued = Vec::new();
    let mut next = 0usize;
    let mut line_start_byte = 0usize;
    for source_line in text.split('\n') {
        let line_end_byte = line_start_byte + source_line.len();
        let first = next;
        while next < glyphs.len() && glyphs[next].cluster < line_end_byte {
            next += 1;
        }
        let end = next;
        line_start_byte = line_end_byte + 1;
        let indent: f32 = (first..end)
            .take_while(|&i| text[glyphs[i].cluster..].starts_with([' ', '\t']))
            .map(advance)
            .sum();
        let hang = (indent + mark_width).min(max_width * 0.5);
        let (mut start, mut x) = (first, 0.0f32);
        loop {
            let room = max_width - x;
            let mut width = 0.0;
            let (mut fit, mut last_break) = (start, None);
            while fit < end && width + advance(fit) <= room + 0.01 {
                width += advance(fit);
                fit += 1;
                if fit < end && char_before(fit).is_some_and(|c| c == ' ' || ",;({[=+-*/|&<>.:".contains(c)) {
                    last_break = Some(fit);
                }
            }
            if fit >= end {
                lines.push((Line { glyphs: start..end, hyphen: false, width }, x));
                break;
            }
            let cut = last_break.filter(|&b| b > start).unwrap_or(fit.max(start + 1));
            let cut_width: f32 = (start..cut).map(advance).sum();
            lines.push((Line { glyphs: start..cut, hyphen: false, width: cut_width }, x));
            start = cut;
            while start < end && text[glyphs[start].cluster..].starts_with(' ') {
                start += 1;
            }
            if start >= end {
                break;
            }
            continued.push(lines.len());
            x = hang;
        }
    }
    let (lines, height) = stack_lines(book, shaped, lines.into_iter(), scale, line_height);
    (ParagraphLayout { lines, height, width: max_width, scale, align: Align::Left }, continued)
}

/// The line's largest nominal size, and how far above the baseline the centre of its
/// tallest letters stands (points at scale 1). The line is centred on its visually largest
/// text, so a line mostly in a small font (code) does not lift a larger hand font into the
/// line above.
/// What a line's height depends on, at scale 1: [centre, size] from [`line_metrics`], then how
/// far its formulas reach above and below the baseline.
fn line_measures(book: &FontBook, shaped: &ShapedText, line: &Line) -> [f32; 4] {
    let (center, size) = line_metrics(book, shaped, line);
    let formulas =
        shaped.glyphs[line.glyphs.clone()].iter().filter_map(|g| shaped.spans[g.span].style.formula.as_ref());
    let (up, down) = formulas.fold((0.0f32, 0.0f32), |(u, d), f| (u.max(f.height), d.max(f.depth)));
    [center, size, up, down]
}

fn line_metrics(book: &FontBook, shaped: &ShapedText, line: &Line) -> (f32, f32) {
    let (mut size, mut center) =
        shaped.base.map_or((0.0f32, 0.0f32), |(font, size, em)| (size, book.get(font).visual_center * em));
    for g in shaped.glyphs[line.glyphs.clone()].iter().filter(|g| !g.missing) {
        size = size.max(shaped.spans[g.span].style.size);
        center = center.max(book.get(g.font).visual_center * g.em);
    }
    if size > 0.0 {
        return (center, size);
    }
    shaped
        .spans
        .first()
        .map_or((3.5, 10.0), |s| (book.get(s.style.font).visual_center * s.style.size, s.style.size))
}

/// The hyphen glyph of the font before `index`: (font, gid, width at scale 1, em).
fn hyphen_glyph(book: &FontBook, shaped: &ShapedText, index: usize) -> Option<(FontId, u16, f32, f32)> {
    let g = shaped.glyphs[..index].iter().rev().find(|g| !g.missing)?;
    let (gid, advance) = book.get(g.font).hyphen()?;
    Some((g.font, gid, advance * g.em, g.em))
}

/// Appends the paragraph's items at (x, y) = its top-left corner: marks first (behind), then
/// glyphs, then strike-throughs and link areas.
pub fn draw_paragraph(
    book: &FontBook,
    shaped: &ShapedText,
    layout: &ParagraphLayout,
    x: f32,
    y: f32,
    out: &mut Vec<FrameItem>,
) {
    let mut behind = Vec::new();
    let mut glyph_items: Vec<FrameItem> = Vec::new();
    let mut over = Vec::new();
    let scale = layout.scale;
    for line_box in &layout.lines {
        let line = &line_box.line;
        let indent = line_box.indent
            + match layout.align {
                Align::Left => 0.0,
                Align::Center => ((layout.width - line.width) / 2.0).max(0.0),
                Align::Right => (layout.width - line.width).max(0.0),
            };
        let baseline = y + line_box.baseline;
        let floor = line_floor(book, shaped, line);
        // How far a glyph of `font` at `em` is lifted so its capitals stand where the line's
        // largest text stands (Nanum Pen's letters float above the baseline; code and
        // fallback symbols would otherwise sit low).
        let lift = |font: FontId, em: f32| (floor - book.get(font).cap_bottom * em) * scale;
        let mut pen = x + indent;
        let mut end = line.glyphs.end;
        while end > line.glyphs.start
            && shaped.text[shaped.glyphs[end - 1].cluster..].starts_with(char::is_whitespace)
        {
            end -= 1;
        }
        let mut decorations: Vec<(usize, f32, f32, f32)> = Vec::new(); // span, x0, x1, lift
        for index in line.glyphs.start..end {
            let g = &shaped.glyphs[index];
            let style = &shaped.spans[g.span].style;
            let advance = g.advance * scale;
            let dy = if g.emoji.is_some() || g.missing { floor * scale } else { lift(g.font, g.em) };
            if let Some(formula) = &style.formula {
                // On the line where the text's capitals stand, as its role says for a reader.
                let items = formula.scaled(scale);
                glyph_items.push(FrameItem::Group(crate::frame::Group {
                    x: pen,
                    y: baseline - floor * scale,
                    items,
                    role: Some(crate::frame::Role::Formula { alt: formula.tex.clone() }),
                }));
            } else if let Some(name) = g.emoji.filter(|name| crate::icons::is_icon(name)) {
                draw_icon(name, pen, baseline, g.em * scale, advance, style.color, &mut glyph_items);
            } else if let Some(name) = g.emoji {
                let size = g.em * scale;
                let text = shaped.text[shaped.cluster_range(index)].to_string();
                draw_emoji(name, pen, baseline, dy, size, advance, g.font, text, &mut glyph_items);
            } else if g.missing {
                over.push(missing_box(pen, baseline - dy, advance, g.em * scale, style.color));
            } else {
                let first_of_cluster = index == 0 || shaped.glyphs[index - 1].cluster != g.cluster;
                let text = if first_of_cluster {
                    shaped.text[shaped.cluster_range(index)].into()
                } else {
                    crate::frame::ClusterText::default()
                };
                let placed = PlacedGlyph {
                    gid: g.gid,
                    x: pen + g.x_offset * scale,
                    y: baseline - g.y_offset * scale - dy,
                    text,
                };
                push_glyph(&mut glyph_items, g.font, g.em * scale, style.color, style.fake_bold, placed);
            }
            match decorations.last_mut() {
                Some(last) if last.0 == g.span && (last.2 - pen).abs() < 0.01 => last.2 = pen + advance,
                _ => decorations.push((g.span, pen, pen + advance, dy)),
            }
            pen += advance;
        }
        if line.hyphen {
            if let Some((font, gid, width, em)) = hyphen_glyph(book, shaped, line.glyphs.end) {
                let color = shaped.spans[shaped.glyphs[line.glyphs.end - 1].span].style.color;
                let placed = PlacedGlyph { gid, x: pen, y: baseline, text: "-".into() };
                push_glyph(&mut glyph_items, font, em * scale, color, false, placed);
                pen += width * scale;
            }
        }
        let _ = pen;
        merge_decorations_across_spans(&mut decorations, shaped);
        for (span, x0, x1, dy) in decorations {
            let style = &shaped.spans[span].style;
            let size = style.size * scale;
            if let Some(color) = style.background {
                behind.push(code_panel(x0, x1, baseline - dy, size, color));
            }
            if let Some((color, alpha)) = style.mark {
                behind.push(highlighter(x0, x1, baseline, size, color, alpha, span));
            }
            if style.strike {
                over.push(rule(x0, x1, baseline - size * 0.3, size * 0.06, style.color));
            }
            if style.underline {
                over.push(rule(x0, x1, baseline + size * 0.12, size * 0.05, style.color));
            }
            if let Some(url) = &style.link {
                over.push(FrameItem::Link(LinkItem {
                    rect: Rect::new(x0, line_box.top + y, x1 - x0, line_box.height),
                    url: url.clone(),
                }));
            }
        }
    }
    out.extend(behind);
    out.extend(glyph_items);
    out.extend(over);
}

/// Where the bottom of the capitals of the line's largest text stands above the baseline, in
/// points at scale 1: the line every other font's capitals are set on.
fn line_floor(book: &FontBook, shaped: &ShapedText, line: &Line) -> f32 {
    shaped.glyphs[line.glyphs.clone()]
        .iter()
        .filter(|g| !g.missing && g.emoji.is_none())
        .max_by(|a, b| a.em.total_cmp(&b.em))
        .map_or(0.0, |g| book.get(g.font).cap_bottom * g.em)
        .max(shaped.base.map_or(f32::MIN, |(font, _, em)| book.get(font).cap_bottom * em))
}

/// Adjacent spans with the same mark colour (e.g. bold inside a mark) share one stroke.
fn merge_decorations_across_spans(decorations: &mut Vec<(usize, f32, f32, f32)>, shaped: &ShapedText) {
    let mut merged: Vec<(usize, f32, f32, f32)> = Vec::with_capacity(decorations.len());
    for &(span, x0, x1, dy) in decorations.iter() {
        let style = &shaped.spans[span].style;
        if let Some(last) = merged.last_mut() {
            let prev = &shaped.spans[last.0].style;
            let same = prev.background == style.background
                && prev.mark == style.mark
                && prev.strike == style.strike
                && prev.link == style.link
                && prev.underline == style.underline;
            if same && (last.2 - x0).abs() < 0.01 {
                last.2 = x1;
                continue;
            }
        }
        merged.push((span, x0, x1, dy));
    }
    *decorations = merged;
}

/// A colour emoji: its paths in a square of the nominal size standing on the line's text
/// (`lift` above the baseline; a little below it, as emoji descend), and its characters as
/// hidden text.
#[allow(clippy::too_many_arguments)]
fn draw_emoji(
    name: &'static str,
    pen: f32,
    baseline: f32,
    lift: f32,
    size: f32,
    advance: f32,
    font: FontId,
    text: String,
    out: &mut Vec<FrameItem>,
) {
    let Some(drawing) = crate::emoji::drawing(name) else { return };
    let side = size * EMOJI_SIZE;
    let x = pen + (advance - side) / 2.0;
    let top = baseline - lift - side * 0.84;
    let scale = side / drawing.width.max(drawing.height).max(1.0);
    out.extend(drawing.placed(x, top, scale).map(FrameItem::Path));
    out.push(FrameItem::HiddenText(HiddenText {
        font,
        size,
        rect: Rect::new(x, top, side, side),
        baseline,
        text,
    }));
}

/// A Font Awesome icon in the text's colour, as tall as the font's capitals and ascenders,
/// standing on the baseline as the icon font sets it (an eighth of it below).
fn draw_icon(
    name: &str,
    pen: f32,
    baseline: f32,
    size: f32,
    advance: f32,
    color: Color,
    out: &mut Vec<FrameItem>,
) {
    let Some(drawing) = crate::icons::drawing(name) else { return };
    let height = size * 0.95;
    let scale = height / drawing.height.max(1.0);
    let width = drawing.width * scale;
    let x = pen + (advance - width) / 2.0;
    let top = baseline - height * 0.875;
    out.extend(drawing.placed(x, top, scale).map(|mut path| {
        path.fill = path.fill.map(|f| Paint { color, alpha: f.alpha });
        FrameItem::Path(path)
    }));
}

/// Side of a colour emoji, as a multiple of the nominal size.
const EMOJI_SIZE: f32 = 1.05;

fn push_glyph(
    items: &mut Vec<FrameItem>,
    font: FontId,
    size: f32,
    color: Color,
    fake_bold: bool,
    glyph: PlacedGlyph,
) {
    let bold = if fake_bold { size * 0.035 } else { 0.0 };
    if let Some(FrameItem::Text(run)) = items.last_mut() {
        if run.font == font && run.size == size && run.color == color && run.fake_bold == bold {
            run.glyphs.push(glyph);
            return;
        }
    }
    // Most runs are a few glyphs long (a run ends wherever the font changes, as between
    // Korean and Latin): room for 32 made each one a 1.3 KB block, a sixth of a sheet's memory.
    let mut glyphs = Vec::with_capacity(8);
    glyphs.push(glyph);
    items.push(FrameItem::Text(GlyphRun { font, size, color, fake_bold: bold, glyphs }));
}

/// A marker stroke: a band behind the lower two thirds of the letters with slightly slanted,
/// uneven ends that vary with the span (deterministic).
fn highlighter(
    x0: f32,
    x1: f32,
    baseline: f32,
    size: f32,
    color: Color,
    alpha: f32,
    seed: usize,
) -> FrameItem {
    let jitter = |k: usize| ((seed * 7 + k * 13) % 10) as f32 / 10.0 - 0.5;
    let top = baseline - size * 0.78;
    let bottom = baseline + size * 0.16;
    let pad = size * 0.15;
    let (l, r) = (x0 - pad, x1 + pad);
    let segments = vec![
        Segment::MoveTo(Point::new(l + jitter(1) * size * 0.2, top + size * 0.04)),
        Segment::LineTo(Point::new(r + jitter(2) * size * 0.2, top + jitter(3) * size * 0.06)),
        Segment::CubicTo(
            Point::new(r + size * 0.22, top + size * 0.25),
            Point::new(r + size * 0.18, bottom - size * 0.2),
            Point::new(r + jitter(4) * size * 0.15, bottom),
        ),
        Segment::LineTo(Point::new(l + jitter(5) * size * 0.2, bottom - size * 0.03)),
        Segment::CubicTo(
            Point::new(l - size * 0.2, bottom - size * 0.25),
            Point::new(l - size * 0.16, top + size * 0.3),
            Point::new(l + jitter(1) * size * 0.2, top + size * 0.04),
        ),
        Segment::Close,
    ];
    FrameItem::Path(PathItem { segments, fill: Some(Paint { color, alpha }), stroke: None })
}

/// The tinted panel behind a code span.
fn code_panel(x0: f32, x1: f32, baseline: f32, size: f32, color: Color) -> FrameItem {
    let pad = size * 0.18;
    let rect = Rect::new(x0 - pad, baseline - size * 0.85, x1 - x0 + 2.0 * pad, size * 1.1);
    let mut jitter = crate::pen::Jitter::from_key("code");
    let segments = crate::pen::rounded_rect(rect, size * 0.2, 0.0, &mut jitter);
    FrameItem::Path(PathItem { segments, fill: Some(Paint::solid(color)), stroke: None })
}

fn rule(x0: f32, x1: f32, y: f32, width: f32, color: Color) -> FrameItem {
    FrameItem::Path(PathItem {
        segments: vec![Segment::MoveTo(Point::new(x0, y)), Segment::LineTo(Point::new(x1, y))],
        fill: None,
        stroke: Some(Stroke { paint: Paint::solid(color), width, dash: Vec::new(), cap: LineCap::Round }),
    })
}

/// The visible box drawn for a character no font has.
fn missing_box(x: f32, baseline: f32, advance: f32, em: f32, color: Color) -> FrameItem {
    let (l, r) = (x + advance * 0.12, x + advance * 0.88);
    let (t, b) = (baseline - em * 0.72, baseline);
    FrameItem::Path(PathItem {
        segments: vec![
            Segment::MoveTo(Point::new(l, t)),
            Segment::LineTo(Point::new(r, t)),
            Segment::LineTo(Point::new(r, b)),
            Segment::LineTo(Point::new(l, b)),
            Segment::Close,
        ],
        fill: None,
        stroke: Some(Stroke {
            paint: Paint::solid(color),
            width: em * 0.05,
            dash: Vec::new(),
            cap: LineCap::Butt,
        }),
    })
}
