//! The Frame: the positioned display list of one page. Layout produces it; the exporters draw
//! only from it, so every output format shows the same page.
//!
//! Units are PDF points; the origin is the page's top-left corner and y grows downwards.

/// Index of a font in the font book (`text::fonts::FontBook`): the display list names fonts
/// by it, and the exporters look the font up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FontId(pub u16);

/// An RGB colour with components in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    pub r: f32,
    pub g: f32,
    pub b: f32,
}

impl Color {
    pub const BLACK: Color = Color { r: 0.0, g: 0.0, b: 0.0 };
    pub const WHITE: Color = Color { r: 1.0, g: 1.0, b: 1.0 };

    /// Parses `#rrggbb`.
    pub fn from_hex(hex: &str) -> Option<Color> {
        let digits = hex.strip_prefix('#')?;
        if digits.len() != 6 || !digits.is_ascii() {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
        Some(Color {
            r: f32::from(channel(0)?) / 255.0,
            g: f32::from(channel(2)?) / 255.0,
            b: f32::from(channel(4)?) / 255.0,
        })
    }

    /// Mixes towards white: `amount` 0 keeps the colour, 1 gives white.
    pub fn tint(self, amount: f32) -> Color {
        let mix = |c: f32| c + (1.0 - c) * amount;
        Color { r: mix(self.r), g: mix(self.g), b: mix(self.b) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub fn new(x: f32, y: f32) -> Point {
        Point { x, y }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Rect {
    pub fn new(x: f32, y: f32, width: f32, height: f32) -> Rect {
        Rect { x, y, width, height }
    }

    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.height
    }

    /// The rectangle shrunk by `d` on every side.
    pub fn inset(&self, d: f32) -> Rect {
        Rect::new(self.x + d, self.y + d, (self.width - 2.0 * d).max(0.0), (self.height - 2.0 * d).max(0.0))
    }
}

/// One positioned glyph; `text` is the source text of its cluster (empty for the second and
/// later glyphs of a cluster) so that copy and search give back the source.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub gid: u16,
    pub x: f32,
    /// Baseline.
    pub y: f32,
    pub text: ClusterText,
}

/// The source text of a glyph's cluster. Nearly all are a letter or a syllable: kept inline,
/// so a page of glyphs is not a page of small heap allocations.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ClusterText(ClusterRepr);

#[derive(Clone, PartialEq, Eq)]
enum ClusterRepr {
    Inline { len: u8, bytes: [u8; 22] },
    Heap(Box<str>),
}

impl Default for ClusterRepr {
    fn default() -> ClusterRepr {
        ClusterRepr::Inline { len: 0, bytes: [0; 22] }
    }
}

impl ClusterText {
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            ClusterRepr::Inline { len, .. } => *len == 0,
            ClusterRepr::Heap(text) => text.is_empty(),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only ever filled from a whole `&str` (see `From`), so the bytes are UTF-8.
            ClusterRepr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or("")
            }
            ClusterRepr::Heap(text) => text,
        }
    }
}

impl From<&str> for ClusterText {
    fn from(text: &str) -> ClusterText {
        if text.len() <= 22 {
            let mut bytes = [0; 22];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            ClusterText(ClusterRepr::Inline { len: text.len() as u8, bytes })
        } else {
            ClusterText(ClusterRepr::Heap(text.into()))
        }
    }
}

impl std::ops::Deref for ClusterText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for ClusterText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for ClusterText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl PartialEq<str> for ClusterText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ClusterText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Glyphs of one font, size and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    pub font: FontId,
    /// Em size in points.
    pub size: f32,
    pub color: Color,
    /// Outline stroke width in points that thickens the glyphs (fake bold); 0 for none.
    pub fake_bold: f32,
    pub glyphs: Vec<PlacedGlyph>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    MoveTo(Point),
    LineTo(Point),
    CubicTo(Point, Point, Point),
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    pub color: Color,
    /// Opacity, 0..=1.
    pub alpha: f32,
}

impl Paint {
    pub fn solid(color: Color) -> Paint {
        Paint { color, alpha: 1.0 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineCap {
    Butt,
    Round,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    pub paint: Paint,
    pub width: f32,
    /// Dash lengths in points; empty for a solid line.
    pub dash: Vec<f32>,
    pub cap: LineCap,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathItem {
    pub segments: Vec<Segment>,
    pub fill: Option<Paint>,
    pub stroke: Option<Stroke>,
}

/// A clickable area pointing at a URL.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkItem {
    pub rect: Rect,
    pub url: String,
}

/// Text that is not drawn but comes back from copy, paste and search: the characters of a
/// colour emoji drawn as paths. `rect` is the area it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct HiddenText {
    /// The font of the surrounding text; the PDF carries the text with a glyph of it.
    pub font: FontId,
    pub size: f32,
    pub rect: Rect,
    /// Baseline.
    pub baseline: f32,
    pub text: String,
}

/// Decoded pixels of a raster image (8-bit RGBA, not premultiplied). `key` names the source
/// file so that an image used twice is embedded once.
#[derive(Debug, Clone, PartialEq)]
pub struct RasterImage {
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// A raster image drawn into `rect`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageItem {
    pub rect: Rect,
    pub image: std::sync::Arc<RasterImage>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FrameItem {
    Text(GlyphRun),
    Image(ImageItem),
    HiddenText(HiddenText),
    Path(PathItem),
    Link(LinkItem),
    /// Items laid out on their own, placed at an offset: moving a box or a block moves the
    /// group, not every item in it.
    Group(Group),
}

/// Items whose coordinates are relative to (x, y) of the enclosing frame or group, and what
/// they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub x: f32,
    pub y: f32,
    pub items: Vec<FrameItem>,
    pub role: Option<Role>,
}

impl Group {
    /// Items in place (no offset) marked as what they are.
    pub fn tagged(role: Role, items: Vec<FrameItem>) -> FrameItem {
        FrameItem::Group(Group { x: 0.0, y: 0.0, items, role: Some(role) })
    }

    /// Items moved by (x, y).
    pub fn moved(x: f32, y: f32, items: Vec<FrameItem>) -> FrameItem {
        FrameItem::Group(Group { x, y, items, role: None })
    }
}

/// What a group of items is in the document, so an exporter can build a structure tree
/// (tagged PDF) and read the page in source order; decoration is an artifact.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// A heading: the title band (1), a box or section title (2), a subsection (3), deeper.
    Heading(u8),
    Paragraph,
    List,
    ListItem,
    /// A list item's bullet or number.
    Label,
    Quote,
    Table,
    /// A table's row of cells.
    TableRow,
    TableHeader,
    TableCell,
    Code,
    /// An image or a diagram, with its text alternative.
    Figure {
        alt: String,
    },
    /// A TeX formula, with its source as the text alternative.
    Formula {
        alt: String,
    },
    /// A footnote's text.
    Note,
    /// A sheet's box: its title and content.
    Section,
    /// Paper, grid, frames, rules and other decoration.
    Artifact,
}

/// Visits every item that is not a group, in drawing order, with the offset its groups add.
pub fn walk<'a>(items: &'a [FrameItem], dx: f32, dy: f32, visit: &mut impl FnMut(&'a FrameItem, f32, f32)) {
    for item in items {
        match item {
            FrameItem::Group(group) => walk(&group.items, dx + group.x, dy + group.y, visit),
            other => visit(other, dx, dy),
        }
    }
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub width: f32,
    pub height: f32,
    pub items: Vec<FrameItem>,
}

/// Document-level data the exporters write besides the pages.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentInfo {
    pub title: String,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Vec<String>,
    pub lang: String,
    /// The front matter's date, as written: the PDF's dates come from it.
    pub date: Option<String>,
}

/// One bookmark of the PDF outline: a heading, its nesting level (1 = top) and where it
/// stands (page index, and points from the page's top).
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    /// The heading's id: `#id` links jump to it.
    pub id: String,
    pub title: String,
    pub level: u8,
    pub page: usize,
    pub y: f32,
}

/// The laid-out document: pages plus metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Laidout {
    pub pages: Vec<Frame>,
    pub info: DocumentInfo,
    /// Headings in reading order; nesting follows the levels.
    pub outline: Vec<OutlineEntry>,
    /// Other places `#id` links jump to (footnotes), not shown as bookmarks.
    pub anchors: Vec<OutlineEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(x: f32, y: f32) -> FrameItem {
        FrameItem::Path(PathItem {
            segments: vec![Segment::MoveTo(Point::new(x, y)), Segment::Close],
            fill: None,
            stroke: None,
        })
    }

    #[test]
    fn walk_adds_the_offsets_of_nested_groups() {
        let inner = Group::moved(1.0, 2.0, vec![dot(0.0, 0.0)]);
        let items = vec![dot(5.0, 5.0), Group::moved(10.0, 20.0, vec![inner])];
        let mut seen = Vec::new();
        walk(&items, 0.0, 0.0, &mut |_, dx, dy| seen.push((dx, dy)));
        assert_eq!(seen, [(0.0, 0.0), (11.0, 22.0)]);
    }
}
