//! A compact binary form of parsed drawings, so the Twemoji set is parsed once when the pack
//! is made (`cargo run --release --example twemoji_pack`) instead of at every run: parsing an
//! emoji's SVG with usvg costs about 0.3 M instructions, reading it back from the pack a few
//! thousand. Values are stored exactly (f32, little-endian), so a packed drawing equals the
//! parsed one.
//!
//! Layout: `HJPK`, the count (u32), one u32 end offset per drawing, then the drawings. A
//! drawing is a status byte (0: the SVG could not be read), width and height, the path count,
//! and per path a flags byte (1: fill, 2: stroke), the paints and the segments.

use std::path::Path;

use crate::frame::{Color, LineCap, Paint, PathItem, Point, Segment, Stroke};

use super::{parse_svg, Drawing};

const MAGIC: &[u8; 4] = b"HJPK";

/// Packs drawings in order; `None` stands for an SVG that could not be read.
pub fn encode(drawings: &[Option<Drawing>]) -> Vec<u8> {
    let mut bodies = Vec::new();
    let mut ends = Vec::with_capacity(drawings.len());
    for drawing in drawings {
        encode_drawing(drawing.as_ref(), &mut bodies);
        ends.push(bodies.len() as u32);
    }
    let mut out = Vec::with_capacity(8 + 4 * ends.len() + bodies.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(drawings.len() as u32).to_le_bytes());
    for end in ends {
        out.extend_from_slice(&end.to_le_bytes());
    }
    out.extend_from_slice(&bodies);
    out
}

/// Parses `FOLDER/NAME.svg` for every name, in order, for [`encode`]; an SVG that cannot be
/// parsed is `None`, a file that cannot be read an error naming it. Used by the examples that
/// build the packs.
pub fn parse_folder(folder: &Path, names: &[&str]) -> Result<Vec<Option<Drawing>>, String> {
    names
        .iter()
        .map(|name| {
            let path = folder.join(format!("{name}.svg"));
            std::fs::read(&path)
                .map(|data| parse_svg(&data).ok())
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        })
        .collect()
}

/// Parses the SVGs of `folder` named in `names` and writes their pack to `out`, for the pack
/// builders in `examples/`; says what it wrote.
pub fn write_folder(folder: &Path, names: &[&str], out: &Path) -> Result<String, String> {
    let drawings = parse_folder(folder, names)?;
    let unreadable = drawings.iter().filter(|d| d.is_none()).count();
    let bytes = encode(&drawings);
    std::fs::write(out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(format!(
        "{} drawings ({unreadable} unreadable), {} bytes → {}",
        drawings.len(),
        bytes.len(),
        out.display()
    ))
}

/// The names whose packed drawing differs from a fresh parse of `FOLDER/NAME.svg`: what the
/// tests of the packs check is empty.
pub fn stale<'n>(pack: &[u8], folder: &Path, names: &[&'n str]) -> Result<Vec<&'n str>, String> {
    let fresh = parse_folder(folder, names)?;
    Ok(names
        .iter()
        .zip(fresh)
        .enumerate()
        .filter(|(i, (_, d))| decode(pack, *i) != *d)
        .map(|(_, (n, _))| *n)
        .collect())
}

/// How many drawings the pack holds (0 for anything that is not a pack).
pub fn count(pack: &[u8]) -> usize {
    match (pack.get(..4), read_u32(pack, 4)) {
        (Some(magic), Some(n)) if magic == MAGIC => n as usize,
        _ => 0,
    }
}

/// The drawing at `index`; `None` when it is missing, unreadable or the pack is damaged.
pub fn decode(pack: &[u8], index: usize) -> Option<Drawing> {
    let n = count(pack);
    if index >= n {
        return None;
    }
    let table = 8;
    let data = table + 4 * n;
    let start = if index == 0 { 0 } else { read_u32(pack, table + 4 * (index - 1))? as usize };
    let end = read_u32(pack, table + 4 * index)? as usize;
    let body = pack.get(data + start..data + end)?;
    Reader { bytes: body, at: 0 }.drawing()
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn encode_drawing(drawing: Option<&Drawing>, out: &mut Vec<u8>) {
    let Some(d) = drawing else {
        out.push(0);
        return;
    };
    out.push(1);
    put_f32(out, d.width);
    put_f32(out, d.height);
    out.extend_from_slice(&(d.paths.len() as u32).to_le_bytes());
    for path in &d.paths {
        out.push(u8::from(path.fill.is_some()) | (u8::from(path.stroke.is_some()) << 1));
        if let Some(fill) = &path.fill {
            put_paint(out, fill);
        }
        if let Some(stroke) = &path.stroke {
            put_paint(out, &stroke.paint);
            put_f32(out, stroke.width);
            out.push(match stroke.cap {
                LineCap::Butt => 0,
                LineCap::Round => 1,
            });
            out.extend_from_slice(&(stroke.dash.len() as u32).to_le_bytes());
            for dash in &stroke.dash {
                put_f32(out, *dash);
            }
        }
        out.extend_from_slice(&(path.segments.len() as u32).to_le_bytes());
        for segment in &path.segments {
            match *segment {
                Segment::MoveTo(p) => {
                    out.push(0);
                    put_point(out, p);
                }
                Segment::LineTo(p) => {
                    out.push(1);
                    put_point(out, p);
                }
                Segment::CubicTo(a, b, c) => {
                    out.push(2);
                    put_point(out, a);
                    put_point(out, b);
                    put_point(out, c);
                }
                Segment::Close => out.push(3),
            }
        }
    }
}

fn put_f32(out: &mut Vec<u8>, v: f32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_point(out: &mut Vec<u8>, p: Point) {
    put_f32(out, p.x);
    put_f32(out, p.y);
}

fn put_paint(out: &mut Vec<u8>, paint: &Paint) {
    put_f32(out, paint.color.r);
    put_f32(out, paint.color.g);
    put_f32(out, paint.color.b);
    put_f32(out, paint.alpha);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn u32(&mut self) -> Option<u32> {
        let v = read_u32(self.bytes, self.at)?;
        self.at += 4;
        Some(v)
    }

    fn f32(&mut self) -> Option<f32> {
        self.u32().map(f32::from_bits)
    }

    fn point(&mut self) -> Option<Point> {
        Some(Point::new(self.f32()?, self.f32()?))
    }

    fn paint(&mut self) -> Option<Paint> {
        let color = Color { r: self.f32()?, g: self.f32()?, b: self.f32()? };
        Some(Paint { color, alpha: self.f32()? })
    }

    /// A count that cannot claim more entries than bytes remain (a damaged pack must not
    /// make us reserve gigabytes).
    fn count(&mut self) -> Option<usize> {
        let n = self.u32()? as usize;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    fn drawing(mut self) -> Option<Drawing> {
        if self.byte()? != 1 {
            return None;
        }
        let (width, height) = (self.f32()?, self.f32()?);
        let mut paths = Vec::with_capacity(self.count()?);
        for _ in 0..paths.capacity() {
            let flags = self.byte()?;
            let fill = if flags & 1 != 0 { Some(self.paint()?) } else { None };
            let stroke = if flags & 2 != 0 {
                let paint = self.paint()?;
                let width = self.f32()?;
                let cap = if self.byte()? == 0 { LineCap::Butt } else { LineCap::Round };
                let dashes = self.count()?;
                let dash = (0..dashes).map(|_| self.f32()).collect::<Option<Vec<f32>>>()?;
                Some(Stroke { paint, width, dash, cap })
            } else {
                None
            };
            let mut segments = Vec::with_capacity(self.count()?);
            for _ in 0..segments.capacity() {
                segments.push(match self.byte()? {
                    0 => Segment::MoveTo(self.point()?),
                    1 => Segment::LineTo(self.point()?),
                    2 => Segment::CubicTo(self.point()?, self.point()?, self.point()?),
                    3 => Segment::Close,
                    _ => return None,
                });
            }
            paths.push(PathItem { segments, fill, stroke });
        }
        Some(Drawing { width, height, paths })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Drawing {
        let red = Paint { color: Color { r: 0.8, g: 0.1, b: 0.2 }, alpha: 0.5 };
        Drawing {
            width: 36.0,
            height: 30.5,
            paths: vec![
                PathItem {
                    segments: vec![
                        Segment::MoveTo(Point::new(1.0, 2.0)),
                        Segment::LineTo(Point::new(3.25, -4.0)),
                        Segment::CubicTo(Point::new(0.1, 0.2), Point::new(0.3, 0.4), Point::new(0.5, 0.6)),
                        Segment::Close,
                    ],
                    fill: Some(red),
                    stroke: None,
                },
                PathItem {
                    segments: vec![
                        Segment::MoveTo(Point::new(9.0, 9.0)),
                        Segment::LineTo(Point::new(1.0, 1.0)),
                    ],
                    fill: None,
                    stroke: Some(Stroke { paint: red, width: 1.5, dash: vec![2.0, 1.0], cap: LineCap::Butt }),
                },
            ],
        }
    }

    #[test]
    fn drawings_come_back_exactly() {
        let pack = encode(&[Some(sample()), None, Some(Drawing { width: 1.0, height: 2.0, paths: vec![] })]);
        assert_eq!(count(&pack), 3);
        assert_eq!(decode(&pack, 0), Some(sample()));
        assert_eq!(decode(&pack, 1), None, "an unreadable SVG stays unreadable");
        assert_eq!(decode(&pack, 2).map(|d| (d.width, d.height)), Some((1.0, 2.0)));
        assert_eq!(decode(&pack, 3), None);
    }

    #[test]
    fn a_damaged_pack_gives_nothing_rather_than_failing() {
        let pack = encode(&[Some(sample())]);
        for cut in 0..pack.len() {
            assert_eq!(decode(&pack[..cut], 0), None, "cut at {cut}");
        }
        let mut wrong = pack.clone();
        wrong[0] = b'X';
        assert_eq!(count(&wrong), 0);
        assert_eq!(decode(&wrong, 0), None);
    }
}
