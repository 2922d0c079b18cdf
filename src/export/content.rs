//! Page content streams written straight from the Frame: path, text and image operators as
//! bytes, numbers with at most two decimals (a hundredth of a point is far below what any
//! printer or screen shows). Writing them directly, rather than through a generic operator
//! list, was most of the PDF export time on long documents.

use std::collections::BTreeMap;

use super::tags::{Leaf, Tagger};
use crate::frame::{Color, FrameItem, GlyphRun, HiddenText, ImageItem, LineCap, LinkItem, PathItem, Segment};
use crate::text::fonts::FontId;

/// What drawing items needs: per font, its resource name, the widths the PDF gives its
/// glyphs and the new glyph ids; image names; opacity states met so far.
pub struct Resources<'a> {
    pub fonts: &'a BTreeMap<FontId, FontUse>,
    pub images: &'a BTreeMap<String, (String, u32, u32)>,
    /// (fill alpha, stroke alpha) in hundredths → resource name.
    pub alphas: BTreeMap<(u8, u8), String>,
}

/// A font as the content streams use it.
/// A map keyed by glyph id, hashed with the typesetter's fast hasher.
pub type GlyphMap<V> =
    std::collections::HashMap<u16, V, std::hash::BuildHasherDefault<crate::typesetter::FxHasher>>;

pub struct FontUse {
    pub name: String,
    /// Original glyph id → (id in the subset, width in thousandths of an em as /W says). A
    /// map of the glyphs used: a flat table over a Korean font's 20,000 glyphs was 160 KB to
    /// clear for every sheet, a tenth of its page faults.
    pub glyphs: GlyphMap<(u16, i32)>,
    /// Hidden text → the subset glyph that carries it.
    pub hidden: BTreeMap<String, u16>,
}

/// A link found while drawing, in page coordinates (y down).
pub struct PlacedLink<'a> {
    pub link: &'a LinkItem,
    pub dx: f32,
    pub dy: f32,
}

/// Writes a page's items, marked for the structure tree; collects its links.
pub fn page_content<'a>(
    items: &'a [FrameItem],
    height: f32,
    resources: &mut Resources,
    links: &mut Vec<PlacedLink<'a>>,
    tagger: &mut Tagger,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut page = Page { h: height, resources, links, tagger, out: &mut out };
    page.write_items(items, (0.0, 0.0));
    page.tagger.close(page.out);
    out
}

/// What writing one page's content carries along.
struct Page<'p, 'a, 'r> {
    h: f32,
    resources: &'p mut Resources<'r>,
    links: &'p mut Vec<PlacedLink<'a>>,
    tagger: &'p mut Tagger,
    out: &'p mut Vec<u8>,
}

impl<'a> Page<'_, 'a, '_> {
    fn write_items(&mut self, items: &'a [FrameItem], offset: (f32, f32)) {
        let h = self.h;
        for item in items {
            match item {
                FrameItem::Group(group) => {
                    let entered = self.tagger.enter(group.role.as_ref(), self.out);
                    if group.x == 0.0 && group.y == 0.0 {
                        self.write_items(&group.items, offset);
                    } else {
                        // Marked content and the graphics state nest: none runs across q/Q.
                        self.tagger.close(self.out);
                        self.out.extend_from_slice(b"q 1 0 0 1 ");
                        num(self.out, group.x);
                        self.out.push(b' ');
                        num(self.out, -group.y);
                        self.out.extend_from_slice(b" cm\n");
                        let inner = (offset.0 + group.x, offset.1 + group.y);
                        self.write_items(&group.items, inner);
                        self.tagger.close(self.out);
                        self.out.extend_from_slice(b"Q\n");
                    }
                    self.tagger.leave(entered, self.out);
                }
                FrameItem::Path(path) => {
                    if path.fill.is_some() || path.stroke.is_some() {
                        self.tagger.leaf(Leaf::Path, self.out);
                        write_path(path, h, self.resources, self.out);
                    }
                }
                FrameItem::Text(run) => {
                    self.tagger.leaf(Leaf::Text, self.out);
                    write_text(run, h, self.resources, self.out);
                }
                FrameItem::HiddenText(hidden) => {
                    if self.tagger.leaf(Leaf::Hidden(&hidden.text), self.out) {
                        write_hidden(hidden, h, self.resources, self.out);
                        self.tagger.close(self.out);
                    } else {
                        write_hidden(hidden, h, self.resources, self.out);
                    }
                }
                FrameItem::Image(image) => {
                    self.tagger.leaf(Leaf::Image, self.out);
                    write_image(image, h, self.resources, self.out);
                }
                FrameItem::Link(link) => {
                    self.tagger.link(self.links.len());
                    self.links.push(PlacedLink { link, dx: offset.0, dy: offset.1 });
                }
            }
        }
    }
}

fn write_image(image: &ImageItem, h: f32, resources: &Resources, out: &mut Vec<u8>) {
    if let Some((name, _, _)) = resources.images.get(&image.image.key) {
        let r = image.rect;
        out.extend_from_slice(b"q ");
        nums(out, &[r.width, 0.0, 0.0, r.height, r.x, h - r.bottom()]);
        out.extend_from_slice(b" cm /");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b" Do Q\n");
    }
}

/// Colour components with three decimals: two would shift a channel by up to 1/200.
fn color(out: &mut Vec<u8>, c: Color, op: &[u8]) {
    for (i, v) in [c.r, c.g, c.b].into_iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        let n = (v.clamp(0.0, 1.0) * 1000.0).round() as i64;
        match n {
            1000 => out.push(b'1'),
            0 => out.push(b'0'),
            n => {
                // Three decimals without trailing zeros, written without formatting machinery
                // (a sheet sets some 1,500 colours).
                let digits = [b'0' + (n / 100) as u8, b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
                let keep = digits.iter().rposition(|d| *d != b'0').map_or(0, |i| i + 1);
                out.extend_from_slice(b"0.");
                out.extend_from_slice(&digits[..keep]);
            }
        }
    }
    out.push(b' ');
    out.extend_from_slice(op);
    out.push(b'\n');
}

fn write_path(path: &PathItem, h: f32, resources: &mut Resources, out: &mut Vec<u8>) {
    let fill_alpha = path.fill.map_or(1.0, |p| p.alpha);
    let stroke_alpha = path.stroke.as_ref().map_or(1.0, |s| s.paint.alpha);
    if path.fill.is_none() && path.stroke.is_none() {
        return;
    }
    out.extend_from_slice(b"q\n");
    if fill_alpha < 1.0 || stroke_alpha < 1.0 {
        let key = (percent(fill_alpha), percent(stroke_alpha));
        let next = resources.alphas.len();
        let name = resources.alphas.entry(key).or_insert_with(|| format!("GS{next}"));
        out.push(b'/');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b" gs\n");
    }
    if let Some(fill) = path.fill {
        color(out, fill.color, b"rg");
    }
    if let Some(stroke) = &path.stroke {
        color(out, stroke.paint.color, b"RG");
        num(out, stroke.width);
        out.extend_from_slice(if stroke.cap == LineCap::Round { b" w 1 J" } else { b" w 0 J" });
        if !stroke.dash.is_empty() {
            out.extend_from_slice(b" [");
            nums(out, &stroke.dash);
            out.extend_from_slice(b"] 0 d");
        }
        out.push(b'\n');
    }
    let mut started = false;
    for segment in &path.segments {
        match *segment {
            Segment::MoveTo(p) => {
                nums(out, &[p.x, h - p.y]);
                out.extend_from_slice(b" m\n");
                started = true;
            }
            Segment::LineTo(p) if started => {
                nums(out, &[p.x, h - p.y]);
                out.extend_from_slice(b" l\n");
            }
            Segment::CubicTo(a, b, c) if started => {
                nums(out, &[a.x, h - a.y, b.x, h - b.y, c.x, h - c.y]);
                out.extend_from_slice(b" c\n");
            }
            Segment::Close if started => out.extend_from_slice(b"h\n"),
            _ => {}
        }
    }
    out.extend_from_slice(match (path.fill.is_some(), path.stroke.is_some()) {
        (true, true) => b"B\nQ\n",
        (true, false) => b"f\nQ\n",
        _ => b"S\nQ\n",
    });
}

fn percent(alpha: f32) -> u8 {
    (alpha.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// A glyph run as one text object: each baseline one `Tm` and one `TJ` whose numbers move
/// the pen from where the widths leave it to where the shaper put the next glyph; glyphs
/// without a number between them share one string.
fn write_text(run: &GlyphRun, h: f32, resources: &Resources, out: &mut Vec<u8>) {
    let Some(font) = resources.fonts.get(&run.font) else { return };
    if run.glyphs.is_empty() || run.size <= 0.0 {
        return;
    }
    out.extend_from_slice(b"q BT /");
    out.extend_from_slice(font.name.as_bytes());
    out.push(b' ');
    num(out, run.size);
    out.extend_from_slice(b" Tf ");
    color(out, run.color, b"rg");
    if run.fake_bold > 0.0 {
        color(out, run.color, b"RG");
        num(out, run.fake_bold);
        out.extend_from_slice(b" w 2 Tr\n");
    }
    let mut line: Option<(f32, f64)> = None; // baseline, pen x in points
    let mut open_string = false;
    for glyph in &run.glyphs {
        let (gid, width) = font.glyphs.get(&glyph.gid).copied().unwrap_or((0, 0));
        match line {
            Some((baseline, pen)) if baseline == glyph.y => {
                // TJ numbers move the pen left by n/1000 em.
                let kern = ((pen - f64::from(glyph.x)) * 1000.0 / f64::from(run.size)) as f32;
                let kern = (kern * 10.0).round() / 10.0;
                if kern != 0.0 {
                    if open_string {
                        out.push(b')');
                        open_string = false;
                    }
                    num(out, kern);
                }
                let pen = pen - f64::from(kern) * f64::from(run.size) / 1000.0;
                line = Some((baseline, pen + f64::from(width) * f64::from(run.size) / 1000.0));
            }
            _ => {
                if line.is_some() {
                    out.extend_from_slice(if open_string { b")] TJ\n" } else { b"] TJ\n" });
                    open_string = false;
                }
                out.extend_from_slice(b"1 0 0 1 ");
                nums(out, &[glyph.x, h - glyph.y]);
                out.extend_from_slice(b" Tm [");
                let pen = f64::from(glyph.x) + f64::from(width) * f64::from(run.size) / 1000.0;
                line = Some((glyph.y, pen));
            }
        }
        if !open_string {
            out.push(b'(');
            open_string = true;
        }
        code_bytes(out, gid);
    }
    out.extend_from_slice(if open_string { b")] TJ\nET Q\n" } else { b"] TJ\nET Q\n" });
}

/// Invisible text (render mode 3) over an emoji, so copy and search give its characters.
fn write_hidden(hidden: &HiddenText, h: f32, resources: &Resources, out: &mut Vec<u8>) {
    let Some(font) = resources.fonts.get(&hidden.font) else { return };
    let Some(&gid) = font.hidden.get(&hidden.text) else { return };
    out.extend_from_slice(b"q BT 3 Tr /");
    out.extend_from_slice(font.name.as_bytes());
    out.push(b' ');
    num(out, hidden.size);
    out.extend_from_slice(b" Tf 1 0 0 1 ");
    nums(out, &[hidden.rect.x, h - hidden.baseline]);
    out.extend_from_slice(b" Tm [(");
    code_bytes(out, gid);
    out.extend_from_slice(b")] TJ ET Q\n");
}

/// A glyph's two-byte code inside a literal string: half the bytes of hex. Parentheses and
/// backslashes are escaped, and line ends too (a reader would read CR as LF).
fn code_bytes(out: &mut Vec<u8>, gid: u16) {
    for byte in gid.to_be_bytes() {
        match byte {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(byte),
        }
    }
}

fn nums(out: &mut Vec<u8>, values: &[f32]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        num(out, *v);
    }
}

/// A number with at most two decimals, no exponent, no trailing zeros. A sheet's content
/// stream holds some 20,000 numbers, nearly all below 10,000: those are put together from
/// two-digit pairs in a local buffer and appended at once.
pub fn num(out: &mut Vec<u8>, value: f32) {
    let scaled = f64::from(value) * 100.0;
    if !scaled.is_finite() || scaled.abs() >= 1e15 {
        out.push(b'0');
        return;
    }
    // Half away from zero, as `f64::round`, without the call into libm.
    let magnitude = (scaled.abs() + 0.5) as u64;
    let negative = scaled < 0.0 && magnitude != 0;
    let (whole, frac) = (magnitude / 100, (magnitude % 100) as usize);
    if whole >= 10_000 {
        if negative {
            out.push(b'-');
        }
        // Below 10^13: the magnitude was checked.
        super::serialize::integer(out, whole as i64);
        fraction(out, frac);
        return;
    }
    // "-9999.99" at most.
    let mut buf = [0u8; 8];
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        buf[len..len + bytes.len()].copy_from_slice(bytes);
        len += bytes.len();
    };
    if negative {
        put(b"-");
    }
    let whole = whole as usize;
    let (high, low) = (whole / 100, whole % 100);
    let pair = |n: usize| &PAIRS[2 * n..2 * n + 2];
    if high >= 10 {
        put(pair(high));
    } else if high > 0 {
        put(&pair(high)[1..]);
    }
    if high > 0 || low >= 10 {
        put(pair(low));
    } else {
        put(&pair(low)[1..]);
    }
    if frac != 0 {
        let digits = pair(frac);
        put(b".");
        put(if frac.is_multiple_of(10) { &digits[..1] } else { digits });
    }
    // A fixed-size copy is a single store, where a copy of `len` bytes is a call.
    let end = out.len() + len;
    out.extend_from_slice(&buf);
    out.truncate(end);
}

/// The decimals of a number: ".5", ".25", nothing for none.
fn fraction(out: &mut Vec<u8>, frac: usize) {
    if frac != 0 {
        out.push(b'.');
        out.push(b'0' + (frac / 10) as u8);
        if !frac.is_multiple_of(10) {
            out.push(b'0' + (frac % 10) as u8);
        }
    }
}

/// "00" to "99".
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: f32) -> String {
        let mut out = Vec::new();
        num(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn glyph_codes_escape_what_a_literal_string_cannot_hold() {
        let mut out = Vec::new();
        for gid in [0x2829, 0x5C0D, 0x0A41] {
            code_bytes(&mut out, gid);
        }
        assert_eq!(out, b"\\(\\)\\\\\\r\\nA");
    }

    #[test]
    fn numbers_have_two_decimals_at_most_and_no_exponent() {
        // Against the plain formatting, over the short and the long path.
        let mut v = -20_000.0f32;
        while v < 20_000.0 {
            let rounded = ((f64::from(v) * 100.0).abs() + 0.5).floor() / 100.0 * f64::from(v).signum();
            let mut expected = format!("{rounded:.2}");
            if expected.contains('.') {
                expected = expected.trim_end_matches('0').trim_end_matches('.').to_string();
            }
            if expected == "-0" {
                expected = "0".into();
            }
            assert_eq!(text(v), expected, "{v}");
            v += 0.37;
        }
        assert_eq!(text(0.0), "0");
        assert_eq!(text(-0.001), "0");
        assert_eq!(text(9999.99), "9999.99");
        assert_eq!(text(10000.0), "10000");
        assert_eq!(text(100.05), "100.05");
        assert_eq!(text(-1000.5), "-1000.5");
        assert_eq!(text(12.5), "12.5");
        assert_eq!(text(-3.256), "-3.26");
        assert_eq!(text(0.004), "0");
        assert_eq!(text(841.89), "841.89");
        assert_eq!(text(1e9), "1000000000");
        assert_eq!(text(f32::NAN), "0");
        assert_eq!(text(0.05), "0.05");
    }
}
