//! Measured blocks: a block laid out once at its width becomes a sized piece that can be
//! placed anywhere (its items are relative to its top-left corner) and cut at the points its
//! content allows — between lines of text, between table rows — as TeX cuts a vertical list
//! at its glue. Sheets stack pieces in a box; flowing documents fill columns with them.

use super::blocks::rect_path;
use crate::frame::{FrameItem, Group, PathItem, Rect, Role, Segment};

/// How a piece may be cut when it does not fit what is left of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Between lines or rows whenever needed (paragraphs, lists, tables).
    Anywhere,
    /// Only when it is taller than a whole column (code, quotes): otherwise it moves whole.
    WhenTaller,
    /// Never (headings, diagrams, images, rules).
    Never,
}

/// A block laid out at one width.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub height: f32,
    pub items: Vec<FrameItem>,
    /// Heights from the top at which the piece may be cut, ascending, inside (0, height).
    pub breaks: Vec<f32>,
    pub cut: Cut,
    /// A heading: keep it in the same column as the start of what follows.
    pub keep_with_next: bool,
    /// The height of a table's header row, repeated at the top of every continuation.
    pub header: f32,
    /// Footnotes referenced here: (height of the reference from the top, label).
    pub footnotes: Vec<(f32, String)>,
    /// The source line, for messages.
    pub line: usize,
}

impl Piece {
    /// A piece that is never cut.
    pub fn whole(height: f32, items: Vec<FrameItem>, line: usize) -> Piece {
        Piece {
            height,
            items,
            breaks: Vec::new(),
            cut: Cut::Never,
            keep_with_next: false,
            header: 0.0,
            footnotes: Vec::new(),
            line,
        }
    }

    /// The least height the piece needs in a column: up to its first cut, or all of it.
    pub fn least_height(&self) -> f32 {
        match self.cut {
            Cut::Anywhere => self.breaks.first().copied().unwrap_or(self.height),
            _ => self.height,
        }
    }

    /// Cuts the piece at `at` (one of its breaks): the part above, and the rest moved up to
    /// start at 0 (after a repeated table header).
    pub fn split(self, at: f32) -> (Piece, Piece) {
        let mut above = Vec::new();
        let mut below = Vec::new();
        partition(self.items, at, &mut above, &mut below);
        let mut rest = Vec::new();
        if self.header > 0.0 {
            let mut header = Vec::new();
            partition(above.clone(), self.header, &mut header, &mut Vec::new());
            // The repeated header is a copy: decoration for a reader of the structure.
            rest.push(Group::tagged(Role::Artifact, header));
        }
        let shift = self.header - at;
        rest.push(Group::moved(0.0, shift, below));
        let (notes_above, notes_below): (Vec<_>, Vec<_>) =
            self.footnotes.into_iter().partition(|(y, _)| *y < at);
        let first = Piece {
            height: at,
            items: above,
            breaks: self.breaks.iter().copied().filter(|b| *b < at).collect(),
            cut: self.cut,
            keep_with_next: false,
            header: self.header,
            footnotes: notes_above,
            line: self.line,
        };
        let second = Piece {
            height: self.height + shift,
            items: rest,
            breaks: self.breaks.iter().filter(|b| **b > at).map(|b| b + shift).collect(),
            cut: self.cut,
            keep_with_next: self.keep_with_next,
            header: self.header,
            footnotes: notes_below.into_iter().map(|(y, l)| (y + shift, l)).collect(),
            line: self.line,
        };
        (first, second)
    }
}

/// The items above `y` (a glyph by its baseline; a panel spanning `y` cut there): what a box
/// shows of content taller than itself in a draft.
pub fn clip_below(items: Vec<FrameItem>, y: f32) -> Vec<FrameItem> {
    let mut above = Vec::new();
    partition(items, y, &mut above, &mut Vec::new());
    above
}

/// Sorts items (and the items of groups, keeping the groups) into those above `cut` and those
/// below. Glyphs go by their baseline; a filled panel that spans the cut is cut in two.
fn partition(items: Vec<FrameItem>, cut: f32, above: &mut Vec<FrameItem>, below: &mut Vec<FrameItem>) {
    for item in items {
        match item {
            FrameItem::Group(group) => {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                partition(group.items, cut - group.y, &mut a, &mut b);
                for (part, out) in [(a, &mut *above), (b, &mut *below)] {
                    if !part.is_empty() {
                        let role = group.role.clone();
                        out.push(FrameItem::Group(Group { x: group.x, y: group.y, items: part, role }));
                    }
                }
            }
            FrameItem::Text(mut run) => {
                // A run is set line by line, so its glyphs are in baseline order: one cut point
                // splits it, and a run wholly on one side moves as it is.
                let ordered = run.glyphs.windows(2).all(|w| w[0].y <= w[1].y);
                let rest = if ordered {
                    let at = run.glyphs.partition_point(|g| g.y < cut);
                    let rest = run.glyphs.split_off(at);
                    // The head keeps the whole run's room otherwise: a long run cut page by
                    // page would hold a copy of its length for every page.
                    run.glyphs.shrink_to_fit();
                    rest
                } else {
                    let (a, b): (Vec<_>, Vec<_>) =
                        std::mem::take(&mut run.glyphs).into_iter().partition(|g| g.y < cut);
                    run.glyphs = a;
                    b
                };
                if !rest.is_empty() {
                    let (font, size, color, fake_bold) = (run.font, run.size, run.color, run.fake_bold);
                    below.push(FrameItem::Text(crate::frame::GlyphRun {
                        font,
                        size,
                        color,
                        fake_bold,
                        glyphs: rest,
                    }));
                }
                if !run.glyphs.is_empty() {
                    above.push(FrameItem::Text(run));
                }
            }
            FrameItem::HiddenText(ref hidden) => {
                if hidden.baseline < cut {
                    above.push(item);
                } else {
                    below.push(item);
                }
            }
            FrameItem::Image(ref image) => side(image.rect, cut, item, above, below),
            FrameItem::Link(ref link) => side(link.rect, cut, item, above, below),
            FrameItem::Path(path) => {
                let Some(bounds) = path_bounds(&path.segments) else { continue };
                if bounds.bottom() <= cut + 0.01 {
                    above.push(FrameItem::Path(path));
                } else if bounds.y >= cut - 0.01 {
                    below.push(FrameItem::Path(path));
                } else if path.fill.is_some() {
                    let top = Rect::new(bounds.x, bounds.y, bounds.width, cut - bounds.y);
                    let bottom = Rect::new(bounds.x, cut, bounds.width, bounds.bottom() - cut);
                    above.push(FrameItem::Path(PathItem { segments: rect_path(top), ..path.clone() }));
                    below.push(FrameItem::Path(PathItem { segments: rect_path(bottom), ..path }));
                } else {
                    side(bounds, cut, FrameItem::Path(path), above, below);
                }
            }
        }
    }
}

fn side(rect: Rect, cut: f32, item: FrameItem, above: &mut Vec<FrameItem>, below: &mut Vec<FrameItem>) {
    if rect.y + rect.height / 2.0 < cut {
        above.push(item);
    } else {
        below.push(item);
    }
}

/// The bounding box of a path's points (control points included: a safe bound).
pub fn path_bounds(segments: &[Segment]) -> Option<Rect> {
    let mut points = segments.iter().flat_map(|s| match *s {
        Segment::MoveTo(p) | Segment::LineTo(p) => vec![p],
        Segment::CubicTo(a, b, c) => vec![a, b, c],
        Segment::Close => Vec::new(),
    });
    let first = points.next()?;
    let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
    for p in points {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    Some(Rect::new(x0, y0, x1 - x0, y1 - y0))
}

/// Whether cutting at `cut` would go through a glyph, an image or a figure.
pub fn crosses(items: &[FrameItem], cut: f32) -> bool {
    Uncuttable::of(items).crosses(cut)
}

/// The heights a cut may not pass through (glyph bodies, images, figures), gathered once and
/// merged, so that testing every line end of a long block is not a walk over all its glyphs
/// each time.
pub struct Uncuttable(Vec<(f32, f32)>);

impl Uncuttable {
    pub fn of(items: &[FrameItem]) -> Uncuttable {
        let mut spans = Vec::new();
        collect_uncuttable(items, 0.0, &mut spans);
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Open intervals: a cut exactly where one ends and the next begins is free.
        let mut merged: Vec<(f32, f32)> = Vec::with_capacity(spans.len());
        for (top, bottom) in spans {
            match merged.last_mut() {
                Some(last) if top < last.1 => last.1 = last.1.max(bottom),
                _ => merged.push((top, bottom)),
            }
        }
        Uncuttable(merged)
    }

    pub fn crosses(&self, cut: f32) -> bool {
        let after = self.0.partition_point(|span| span.0 < cut);
        after > 0 && self.0[after - 1].1 > cut
    }
}

fn collect_uncuttable(items: &[FrameItem], dy: f32, spans: &mut Vec<(f32, f32)>) {
    for item in items {
        match item {
            FrameItem::Group(group) => match &group.role {
                Some(Role::Figure { .. }) => {
                    if let Some(r) = group_bounds(&group.items) {
                        spans.push((r.y + group.y + dy + 0.5, r.bottom() + group.y + dy - 0.5));
                    }
                }
                _ => collect_uncuttable(&group.items, dy + group.y, spans),
            },
            // The body of a glyph (x-height to baseline): line boxes of hand fonts overlap a little.
            FrameItem::Text(run) => spans
                .extend(run.glyphs.iter().map(|g| (g.y + dy - run.size * 0.45, g.y + dy - run.size * 0.02))),
            FrameItem::Image(image) => spans.push((image.rect.y + dy + 0.5, image.rect.bottom() + dy - 0.5)),
            FrameItem::HiddenText(hidden) => {
                spans.push((hidden.rect.y + dy + 0.5, hidden.rect.bottom() + dy - 0.5))
            }
            _ => {}
        }
    }
}

/// The bounds of items (paths, images, glyph baselines), for figures.
fn group_bounds(items: &[FrameItem]) -> Option<Rect> {
    let mut bounds: Option<Rect> = None;
    crate::frame::walk(items, 0.0, 0.0, &mut |item, dx, dy| {
        let rect = match item {
            FrameItem::Path(p) => path_bounds(&p.segments),
            FrameItem::Image(i) => Some(i.rect),
            FrameItem::Text(run) => run.glyphs.first().map(|g| Rect::new(g.x, g.y - run.size, 1.0, run.size)),
            _ => None,
        };
        if let Some(r) = rect {
            let r = Rect::new(r.x + dx, r.y + dy, r.width, r.height);
            bounds = Some(match bounds {
                None => r,
                Some(b) => {
                    let (x0, y0) = (b.x.min(r.x), b.y.min(r.y));
                    Rect::new(x0, y0, b.right().max(r.right()) - x0, b.bottom().max(r.bottom()) - y0)
                }
            });
        }
    });
    bounds
}

/// The footnote references among the items: links to `#fn-label`, with their heights.
pub fn footnote_refs(items: &[FrameItem]) -> Vec<(f32, String)> {
    let mut refs = Vec::new();
    crate::frame::walk(items, 0.0, 0.0, &mut |item, _, dy| {
        if let FrameItem::Link(link) = item {
            if let Some(label) = link.url.strip_prefix(FOOTNOTE_LINK) {
                refs.push((link.rect.y + dy, label.to_string()));
            }
        }
    });
    refs
}

/// The link prefix of a footnote reference.
pub const FOOTNOTE_LINK: &str = "#fn-";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Color, GlyphRun, PlacedGlyph};

    fn line_of_text(baselines: &[f32]) -> FrameItem {
        FrameItem::Text(GlyphRun {
            font: crate::frame::FontId(0),
            size: 10.0,
            color: Color::BLACK,
            fake_bold: 0.0,
            glyphs: baselines.iter().map(|&y| PlacedGlyph { gid: 1, x: 0.0, y, text: "a".into() }).collect(),
        })
    }

    #[test]
    fn a_cut_sorts_glyphs_by_line_and_moves_the_rest_up() {
        let piece = Piece {
            height: 48.0,
            items: vec![line_of_text(&[10.0, 22.0, 34.0, 46.0])],
            breaks: vec![24.0],
            cut: Cut::Anywhere,
            keep_with_next: false,
            header: 0.0,
            footnotes: vec![(30.0, "a".into())],
            line: 1,
        };
        assert!(!crosses(&piece.items, 24.0));
        assert!(crosses(&piece.items, 21.0));
        let (first, second) = piece.split(24.0);
        assert_eq!(first.height, 24.0);
        assert_eq!(second.height, 24.0);
        assert!(first.footnotes.is_empty());
        assert_eq!(second.footnotes, vec![(6.0, "a".to_string())]);
        let mut ys = Vec::new();
        crate::frame::walk(&second.items, 0.0, 0.0, &mut |item, _, dy| {
            if let FrameItem::Text(run) = item {
                ys.extend(run.glyphs.iter().map(|g| g.y + dy));
            }
        });
        assert_eq!(ys, vec![10.0, 22.0]);
    }

    #[test]
    fn a_table_continuation_repeats_its_header() {
        let piece = Piece {
            height: 40.0,
            items: vec![
                line_of_text(&[8.0]),
                line_of_text(&[18.0]),
                line_of_text(&[28.0]),
                line_of_text(&[38.0]),
            ],
            breaks: vec![20.0, 30.0],
            cut: Cut::Anywhere,
            keep_with_next: false,
            header: 10.0,
            footnotes: Vec::new(),
            line: 1,
        };
        let (_, second) = piece.split(30.0);
        assert_eq!(second.height, 20.0);
        let mut ys = Vec::new();
        crate::frame::walk(&second.items, 0.0, 0.0, &mut |item, _, dy| {
            if let FrameItem::Text(run) = item {
                ys.extend(run.glyphs.iter().map(|g| g.y + dy));
            }
        });
        assert_eq!(ys, vec![8.0, 18.0]);
    }
}
