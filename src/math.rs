//! Math: TeX formulas laid out by RaTeX (KaTeX's rules and metrics, in Rust) and drawn with
//! the KaTeX fonts as real glyphs, so copying and searching give the symbols; fraction rules
//! and radicals are paths. Characters the KaTeX fonts lack (Korean in `\text{…}`) are set in
//! the body font, measured by it.

use std::collections::HashMap;
use std::sync::Arc;

use ratex_layout::{layout_with_fallback_metrics, to_display_list, FallbackGlyphMetrics, LayoutOptions};
use ratex_types::display_item::DisplayItem;
use ratex_types::math_style::MathStyle;
use ratex_types::path_command::PathCommand;

use crate::frame::{Color, FontId, FrameItem, GlyphRun, Paint, PathItem, PlacedGlyph, Point, Segment};
use crate::text::fonts::FontBook;

/// The KaTeX font files, as RaTeX names the faces.
pub const KATEX_FONTS: &[&str] = &[
    "AMS-Regular",
    "Caligraphic-Bold",
    "Caligraphic-Regular",
    "Fraktur-Bold",
    "Fraktur-Regular",
    "Main-Bold",
    "Main-BoldItalic",
    "Main-Italic",
    "Main-Regular",
    "Math-BoldItalic",
    "Math-Italic",
    "SansSerif-Bold",
    "SansSerif-Italic",
    "SansSerif-Regular",
    "Script-Regular",
    "Size1-Regular",
    "Size2-Regular",
    "Size3-Regular",
    "Size4-Regular",
    "Typewriter-Regular",
];

/// Cap height of KaTeX Main in em: formulas are sized so their capitals match the text's.
pub const KATEX_CAP_HEIGHT: f32 = 0.683;

/// A laid-out formula: its box in points (height above and depth below the baseline) and
/// its items, placed from the left end of its baseline (y down).
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub tex: String,
    /// A piece of an inline formula that a line may end after (see [`inline_pieces`]).
    pub breaks_after: bool,
    pub width: f32,
    pub height: f32,
    pub depth: f32,
    pub items: Vec<FrameItem>,
}

/// A formula that does not parse: what is wrong and where (a 0-based character column in
/// the formula, when known).
#[derive(Debug, Clone, PartialEq)]
pub struct MathError {
    pub message: String,
    pub column: Option<usize>,
}

/// Parses a formula, only to report an error.
pub fn check(tex: &str) -> Result<(), MathError> {
    parse(tex).map(|_| ())
}

fn parse(tex: &str) -> Result<Vec<ratex_parser::parse_node::ParseNode>, MathError> {
    // RaTeX panics on a few malformed inputs: a formula that does so is an error, not a crash.
    let source = tex.to_string();
    let parsed = std::panic::catch_unwind(move || ratex_parser::parser::parse(&source));
    match parsed {
        Ok(Ok(nodes)) => Ok(nodes),
        Ok(Err(e)) => {
            let column = e.loc.as_ref().map(|l| tex[..l.start.min(tex.len())].chars().count());
            Err(MathError { message: e.message.clone(), column })
        }
        Err(_) => Err(MathError { message: "the formula cannot be read".into(), column: None }),
    }
}

/// What a formula is set with: the em size of its text in points, its colour, the fonts.
pub struct Setting<'a> {
    pub book: &'a FontBook,
    /// Em size of KaTeX's fonts in points.
    pub em: f32,
    pub color: Color,
    /// The body font, for characters the KaTeX fonts lack.
    pub fallback: FontId,
    /// Display (centred, large operators with limits) or inline (text style).
    pub display: bool,
}

/// Lays a formula out.
pub fn typeset(tex: &str, setting: &Setting) -> Result<Formula, MathError> {
    let nodes = parse(tex)?;
    let book = setting.book;
    let katex: HashMap<&str, FontId> = book
        .iter()
        .filter_map(|(id, f)| {
            f.name.strip_prefix("KaTeX_").and_then(|n| n.strip_suffix(".ttf")).map(|n| (n, id))
        })
        .collect();
    let main = katex.get("Main-Regular").copied();
    let fallback = book.get(setting.fallback);
    // Characters KaTeX lacks are measured by the body font, sized to KaTeX's capitals.
    let scale_fallback = KATEX_CAP_HEIGHT / fallback.cap_height.max(0.1);
    let mut metrics = HashMap::new();
    for c in tex.chars().filter(|c| !c.is_ascii()) {
        let known = main.is_some_and(|m| book.get(m).covers(c));
        if !known && fallback.covers(c) {
            if let Some((_, advance)) = fallback.glyph_for(c) {
                let height = (fallback.hangul_height + fallback.cap_bottom) * scale_fallback;
                metrics.insert(
                    c,
                    FallbackGlyphMetrics {
                        width: f64::from(advance * scale_fallback),
                        height: f64::from(height),
                        depth: 0.1,
                    },
                );
            }
        }
    }
    let options = LayoutOptions {
        style: if setting.display { MathStyle::Display } else { MathStyle::Text },
        ..LayoutOptions::default()
    };
    let laid = std::panic::catch_unwind(|| {
        let root = layout_with_fallback_metrics(&nodes, &options, Arc::new(metrics));
        to_display_list(&root)
    })
    .map_err(|_| MathError { message: "the formula cannot be laid out".into(), column: None })?;
    let em = setting.em;
    let base = f64::from(laid.height as f32);
    let at = |x: f64, y: f64| Point::new((x as f32) * em, ((y - base) as f32) * em);
    let mut items = Vec::new();
    for item in &laid.items {
        match item {
            DisplayItem::GlyphPath { x, y, scale, font, char_code, color } => {
                let Some(c) = char::from_u32(*char_code) else { continue };
                let face = katex.get(font.as_str()).copied().filter(|f| book.get(*f).covers(c));
                let (font_id, size) = match face {
                    Some(face) => (face, em * *scale as f32),
                    None => (setting.fallback, em * *scale as f32 * scale_fallback),
                };
                let Some((gid, _)) = book.get(font_id).glyph_for(c) else { continue };
                let p = at(*x, *y);
                let mut text = [0u8; 4];
                items.push(FrameItem::Text(GlyphRun {
                    font: font_id,
                    size,
                    color: paint(*color, setting.color),
                    fake_bold: 0.0,
                    glyphs: vec![PlacedGlyph {
                        gid,
                        x: p.x,
                        y: p.y,
                        text: (&*c.encode_utf8(&mut text)).into(),
                    }],
                }));
            }
            // A rule is a rectangle as thick as the rule, centred on its line.
            DisplayItem::Line { x, y, width, thickness, color, .. } => {
                let (x0, y0, x1, y1) = (*x, *y - thickness / 2.0, x + width, y + thickness / 2.0);
                items.push(filled(rectangle(at(x0, y0), at(x1, y1)), paint(*color, setting.color)));
            }
            DisplayItem::Rect { x, y, width, height, color } => {
                items.push(filled(
                    rectangle(at(*x, *y), at(x + width, y + height)),
                    paint(*color, setting.color),
                ));
            }
            DisplayItem::Path { x, y, commands, fill, color } => {
                let mut segments = Vec::with_capacity(commands.len());
                let mut last = Point::new(0.0, 0.0);
                for command in commands {
                    match *command {
                        PathCommand::MoveTo { x: px, y: py } => {
                            last = at(x + px, y + py);
                            segments.push(Segment::MoveTo(last));
                        }
                        PathCommand::LineTo { x: px, y: py } => {
                            last = at(x + px, y + py);
                            segments.push(Segment::LineTo(last));
                        }
                        PathCommand::CubicTo { x1, y1, x2, y2, x: px, y: py } => {
                            let end = at(x + px, y + py);
                            segments.push(Segment::CubicTo(at(x + x1, y + y1), at(x + x2, y + y2), end));
                            last = end;
                        }
                        PathCommand::QuadTo { x1, y1, x: px, y: py } => {
                            // A quadratic as the equivalent cubic.
                            let control = at(x + x1, y + y1);
                            let end = at(x + px, y + py);
                            let c1 = Point::new(
                                last.x + (control.x - last.x) * 2.0 / 3.0,
                                last.y + (control.y - last.y) * 2.0 / 3.0,
                            );
                            let c2 = Point::new(
                                end.x + (control.x - end.x) * 2.0 / 3.0,
                                end.y + (control.y - end.y) * 2.0 / 3.0,
                            );
                            segments.push(Segment::CubicTo(c1, c2, end));
                            last = end;
                        }
                        PathCommand::Close => segments.push(Segment::Close),
                    }
                }
                let ink = paint(*color, setting.color);
                let path = if *fill {
                    PathItem { segments, fill: Some(Paint::solid(ink)), stroke: None }
                } else {
                    PathItem {
                        segments,
                        fill: None,
                        stroke: Some(crate::frame::Stroke {
                            paint: Paint::solid(ink),
                            width: 0.04 * em,
                            dash: Vec::new(),
                            cap: crate::frame::LineCap::Round,
                        }),
                    }
                };
                items.push(FrameItem::Path(path));
            }
        }
    }
    Ok(Formula {
        tex: tex.to_string(),
        breaks_after: false,
        width: laid.width as f32 * em,
        height: laid.height as f32 * em,
        depth: laid.depth as f32 * em,
        items,
    })
}

/// The closed outline of the rectangle between two corners.
fn rectangle(a: Point, b: Point) -> Vec<Segment> {
    vec![
        Segment::MoveTo(a),
        Segment::LineTo(Point::new(b.x, a.y)),
        Segment::LineTo(b),
        Segment::LineTo(Point::new(a.x, b.y)),
        Segment::Close,
    ]
}

fn filled(segments: Vec<Segment>, color: Color) -> FrameItem {
    FrameItem::Path(PathItem { segments, fill: Some(Paint::solid(color)), stroke: None })
}

/// RaTeX's colour, or the text's where the formula gives none (black).
fn paint(color: ratex_types::color::Color, text: Color) -> Color {
    if color.r == 0.0 && color.g == 0.0 && color.b == 0.0 {
        text
    } else {
        Color { r: color.r, g: color.g, b: color.b }
    }
}

impl Formula {
    /// The formula's items `scale` times larger (a box whose content was scaled).
    pub fn scaled(&self, scale: f32) -> Vec<FrameItem> {
        if (scale - 1.0).abs() < 1e-6 {
            return self.items.clone();
        }
        let at = |p: Point| Point::new(p.x * scale, p.y * scale);
        self.items
            .iter()
            .map(|item| match item {
                FrameItem::Text(run) => FrameItem::Text(GlyphRun {
                    size: run.size * scale,
                    glyphs: run
                        .glyphs
                        .iter()
                        .map(|g| PlacedGlyph { x: g.x * scale, y: g.y * scale, ..g.clone() })
                        .collect(),
                    ..run.clone()
                }),
                FrameItem::Path(path) => FrameItem::Path(PathItem {
                    segments: path
                        .segments
                        .iter()
                        .map(|s| match *s {
                            Segment::MoveTo(p) => Segment::MoveTo(at(p)),
                            Segment::LineTo(p) => Segment::LineTo(at(p)),
                            Segment::CubicTo(a, b, c) => Segment::CubicTo(at(a), at(b), at(c)),
                            Segment::Close => Segment::Close,
                        })
                        .collect(),
                    stroke: path.stroke.clone().map(|s| crate::frame::Stroke { width: s.width * scale, ..s }),
                    ..path.clone()
                }),
                other => other.clone(),
            })
            .collect()
    }
}

/// The em size of a formula set among text of `size` points in `font`: its capitals as tall
/// as the text's.
pub fn em_for(book: &FontBook, font: FontId, em_of_text: f32) -> f32 {
    em_of_text * book.get(font).cap_height / KATEX_CAP_HEIGHT
}

/// What a laid-out formula depends on: TeX, display, fallback font, em size, colour.
type CacheKey = (String, bool, u16, u32, [u32; 3]);

thread_local! {
    /// Formulas laid out so far, by TeX, style, fonts, size and colour: a sheet fits each box
    /// at several scales, and a formula's layout does not change with them.
    static CACHE: std::cell::RefCell<HashMap<CacheKey, Arc<Formula>>> =
        std::cell::RefCell::new(HashMap::new());
    /// Bytes of TeX of the formulas in `CACHE`.
    static CACHED_TEX_BYTES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The most TeX (in bytes) the formula cache of one thread holds.
const MAX_CACHED_TEX_BYTES: usize = 256 * 1024;

/// [`typeset`], once per formula and setting within a thread.
pub fn typeset_cached(tex: &str, setting: &Setting) -> Result<Arc<Formula>, MathError> {
    let c = setting.color;
    let key = (
        tex.to_string(),
        setting.display,
        setting.fallback.0,
        setting.em.to_bits(),
        [c.r, c.g, c.b].map(f32::to_bits),
    );
    if let Some(found) = CACHE.with(|cache| cache.borrow().get(&key).cloned()) {
        return Ok(found);
    }
    let formula = Arc::new(typeset(tex, setting)?);
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Bounded in count and in TeX held (each formula's layout grows with its TeX), so a
        // thread that lives for many documents keeps a few megabytes at most.
        let held = CACHED_TEX_BYTES.get() + tex.len();
        if cache.len() > 4096 || held > MAX_CACHED_TEX_BYTES {
            cache.clear();
            CACHED_TEX_BYTES.set(0);
        }
        if cache.insert(key, Arc::clone(&formula)).is_none() {
            CACHED_TEX_BYTES.set(CACHED_TEX_BYTES.get() + tex.len());
        }
    });
    Ok(formula)
}

/// Relations and binary operators an inline formula may break after, as TeX breaks them.
const BREAK_AFTER: &[&str] = &[
    "=",
    "<",
    ">",
    "+",
    "-",
    "\\le",
    "\\ge",
    "\\leq",
    "\\geq",
    "\\ne",
    "\\neq",
    "\\approx",
    "\\equiv",
    "\\sim",
    "\\simeq",
    "\\propto",
    "\\to",
    "\\rightarrow",
    "\\Rightarrow",
    "\\mapsto",
    "\\in",
    "\\subset",
    "\\subseteq",
    "\\times",
    "\\cdot",
    "\\pm",
    "\\mp",
];

/// An inline formula cut after each relation and binary operator at its top level (not inside
/// braces, `\\left…\\right` or environments), so a line may end there: each piece but the
/// last ends in `{}`, which keeps the operator's spacing on both sides.
pub fn inline_pieces(tex: &str) -> Vec<String> {
    let bytes = tex.as_bytes();
    let mut pieces = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0usize, 0usize);
    while i < bytes.len() {
        let rest = &tex[i..];
        if rest.starts_with("\\left") || rest.starts_with("\\begin") {
            depth += 1;
        } else if rest.starts_with("\\right") || rest.starts_with("\\end") {
            depth -= 1;
        }
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b'\\' if rest.len() > 1 && !rest.as_bytes()[1].is_ascii_alphabetic() => {
                // An escaped character (`\\{`, `\\%`, or any other, however many bytes
                // long): never an operator here.
                i += 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
                continue;
            }
            _ => {}
        }
        let operator = BREAK_AFTER.iter().copied().filter(|op| rest.starts_with(op)).find(|op| {
            // A command ends where its letters do (`\\in` is not `\\infty`).
            !op.starts_with('\\') || !rest[op.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
        });
        if let (0, Some(op)) = (depth, operator) {
            let end = i + op.len();
            let before = tex[start..i].trim();
            // A sign at the start (`-x`) or after another operator stays with what follows.
            if !before.is_empty() && !BREAK_AFTER.iter().any(|o| before.ends_with(o)) && end < tex.len() {
                pieces.push(format!("{}{{}}", &tex[start..end]));
                start = end;
            }
            i = end;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    pieces.push(tex[start..].to_string());
    pieces.retain(|p| !p.trim().is_empty());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_formulas_break_after_top_level_relations_and_operators_only() {
        assert_eq!(inline_pieces("a = b + c"), ["a ={}", " b +{}", " c"]);
        assert_eq!(inline_pieces("-x \\le \\frac{a+b}{2}"), ["-x \\le{}", " \\frac{a+b}{2}"]);
        assert_eq!(
            inline_pieces("\\left( a + b \\right) \\in \\infty"),
            ["\\left( a + b \\right) \\in{}", " \\infty"]
        );
        assert_eq!(inline_pieces("x"), ["x"]);
        assert_eq!(inline_pieces("a = -b"), ["a ={}", " -b"]);
        assert_eq!(inline_pieces("\\{a\\} + b"), ["\\{a\\} +{}", " b"]);
        // A backslash before a character of several bytes (found by the fuzz harness).
        assert_eq!(inline_pieces("a \\𑝃 = b"), ["a \\𑝃 ={}", " b"]);
        assert_eq!(inline_pieces("\\é"), ["\\é"]);
        for tex in ["a = b + c", "\\sum_i x_i \\approx 1"] {
            for piece in inline_pieces(tex) {
                assert!(check(&piece).is_ok(), "{piece}");
            }
        }
    }
}
