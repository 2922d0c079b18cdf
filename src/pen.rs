//! Hand-drawn strokes: shapes with a gentle wobble from a seeded generator, so the same input
//! always draws the same lines.

use crate::frame::{Point, Rect, Segment};

/// A small deterministic generator (SplitMix64), seeded from a box id.
pub struct Jitter(u64);

impl Jitter {
    pub fn from_key(key: &str) -> Jitter {
        // FNV-1a: stable across runs and platforms, unlike the std hasher.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in key.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        Jitter(hash)
    }

    /// A value in -1..1.
    pub fn signed(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

/// A line from `a` to `b` as cubic pieces about every 40 pt, each bowed by up to `wobble`.
pub fn wobbly_line(
    a: Point,
    b: Point,
    wobble: f32,
    jitter: &mut Jitter,
    out: &mut Vec<Segment>,
    move_first: bool,
) {
    if move_first {
        out.push(Segment::MoveTo(a));
    }
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = (dx * dx + dy * dy).sqrt();
    if wobble <= 0.0 || length < 1.0 {
        out.push(Segment::LineTo(b));
        return;
    }
    let (nx, ny) = (-dy / length, dx / length);
    let pieces = (length / 40.0).ceil().max(1.0) as usize;
    let mut from = a;
    for i in 1..=pieces {
        let t = i as f32 / pieces as f32;
        let end_shift = if i == pieces { 0.0 } else { jitter.signed() * wobble * 0.5 };
        let to = Point::new(a.x + dx * t + nx * end_shift, a.y + dy * t + ny * end_shift);
        let bow1 = jitter.signed() * wobble;
        let bow2 = jitter.signed() * wobble;
        let c1 = Point::new(
            from.x + (to.x - from.x) / 3.0 + nx * bow1,
            from.y + (to.y - from.y) / 3.0 + ny * bow1,
        );
        let c2 = Point::new(
            from.x + (to.x - from.x) * 2.0 / 3.0 + nx * bow2,
            from.y + (to.y - from.y) * 2.0 / 3.0 + ny * bow2,
        );
        out.push(Segment::CubicTo(c1, c2, to));
        from = to;
    }
}

/// A rounded rectangle whose edges wobble; corners are quarter circles (cubic approximation).
pub fn rounded_rect(rect: Rect, radius: f32, wobble: f32, jitter: &mut Jitter) -> Vec<Segment> {
    let r = radius.min(rect.width / 2.0).min(rect.height / 2.0).max(0.0);
    let k = 0.552_284_8 * r;
    let (l, t, rt, b) = (rect.x, rect.y, rect.right(), rect.bottom());
    let mut s = Vec::with_capacity(24);
    wobbly_line(Point::new(l + r, t), Point::new(rt - r, t), wobble, jitter, &mut s, true);
    s.push(Segment::CubicTo(Point::new(rt - r + k, t), Point::new(rt, t + r - k), Point::new(rt, t + r)));
    wobbly_line(Point::new(rt, t + r), Point::new(rt, b - r), wobble, jitter, &mut s, false);
    s.push(Segment::CubicTo(Point::new(rt, b - r + k), Point::new(rt - r + k, b), Point::new(rt - r, b)));
    wobbly_line(Point::new(rt - r, b), Point::new(l + r, b), wobble, jitter, &mut s, false);
    s.push(Segment::CubicTo(Point::new(l + r - k, b), Point::new(l, b - r + k), Point::new(l, b - r)));
    wobbly_line(Point::new(l, b - r), Point::new(l, t + r), wobble, jitter, &mut s, false);
    s.push(Segment::CubicTo(Point::new(l, t + r - k), Point::new(l + r - k, t), Point::new(l + r, t)));
    s.push(Segment::Close);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_deterministic_and_bounded() {
        let a: Vec<f32> = (0..100).scan(Jitter::from_key("box"), |j, _| Some(j.signed())).collect();
        let b: Vec<f32> = (0..100).scan(Jitter::from_key("box"), |j, _| Some(j.signed())).collect();
        let c: Vec<f32> = (0..100).scan(Jitter::from_key("other"), |j, _| Some(j.signed())).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().all(|v| (-1.0..1.0).contains(v)));
    }

    #[test]
    fn wobbly_rect_stays_within_the_wobble_of_its_bounds() {
        let rect = Rect::new(10.0, 20.0, 300.0, 100.0);
        let path = rounded_rect(rect, 8.0, 0.6, &mut Jitter::from_key("x"));
        for seg in path {
            let pts: Vec<Point> = match seg {
                Segment::MoveTo(p) | Segment::LineTo(p) => vec![p],
                Segment::CubicTo(a, b, c) => vec![a, b, c],
                Segment::Close => vec![],
            };
            for p in pts {
                assert!(p.x >= 9.0 && p.x <= 311.0 && p.y >= 19.0 && p.y <= 121.0, "{p:?}");
            }
        }
    }
}
