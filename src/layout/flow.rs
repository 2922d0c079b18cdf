//! Flowing documents (DESIGN.md §1.1): the title block, contents, parts, sections as boxes or
//! plain headings, set in columns over as many pages as they need.
//!
//! Every block is measured once into a [`Piece`] at its column width; the pieces, with box
//! openings and closings, gaps, page breaks and outline marks between them, form one stream.
//! Pages are filled from the stream column by column: a piece that does not fit is cut at one
//! of its allowed points or moves to the next column; a box that does not fit continues in the
//! next column with open edges and its title repeated. The last page is filled again at the
//! smallest column height that still holds it, which balances its columns.

use std::collections::{BTreeMap, BTreeSet};

use super::blocks::{dashed, rect_path, Ctx};
use super::piece::{Cut, Piece};
use super::sheet::{box_color, graph_paper, header_rule, title_text};
use crate::error::{HanjiError, Result};
use crate::frame::{
    Color, Frame, FrameItem, Group, LineCap, LinkItem, OutlineEntry, Paint, PathItem, Point, Rect, Role,
    Segment, Stroke,
};
use crate::model::{plain_text, Block, Document, Inline, Section, SectionStyle};
use crate::page::PageSize;
use crate::pen::{rounded_rect, wobbly_line, Jitter};
use crate::text::{Align, StyledText, TextStyle};

/// A laid-out flowing document.
pub struct Flowed {
    pub pages: Vec<Frame>,
    pub outline: Vec<OutlineEntry>,
    /// Link targets that are not bookmarks (footnotes).
    pub anchors: Vec<OutlineEntry>,
}

/// More pages than this is a runaway layout, not a document.
const MAX_PAGES: usize = 20_000;

/// A heading recorded where the next thing placed stands.
#[derive(Debug, Clone)]
struct Mark {
    id: String,
    title: String,
    level: u8,
}

/// Where a contents line's page number goes (piece-relative until placed).
#[derive(Debug, Clone)]
struct Slot {
    id: String,
    right: f32,
    baseline: f32,
}

/// A framed box's title, and the title repeated with the continuation mark.
#[derive(Debug, Clone)]
struct BoxHead {
    id: String,
    accent: Color,
    head: Piece,
    continued: Piece,
}

#[derive(Debug, Clone)]
enum Entry {
    Piece(Piece),
    /// A contents line: placed as a piece, its page number drawn once pages are known.
    TocLine(Piece, Slot),
    /// Vertical space, dropped at the top of a column or box.
    Gap(f32),
    Open(Box<BoxHead>),
    Close,
    /// `\newpage` and the start of a part.
    NewPage,
    /// Set across all columns at the top of a page (title block, part title).
    Span(Piece),
    Mark(Mark),
}

/// Where filling stands in the stream: what a page starts from.
#[derive(Debug, Clone, Default)]
struct Cursor {
    next: usize,
    /// The rest of a piece cut at the end of the last page.
    pending: Option<Piece>,
    /// The stream index of the box that is open.
    open: Option<usize>,
    placed_notes: BTreeSet<String>,
    marks: Vec<Mark>,
}

/// A box's part in one column.
struct Fragment {
    top: f32,
    index: usize,
    continued: bool,
}

struct Column {
    x: f32,
    width: f32,
    top: f32,
    bottom: f32,
    y: f32,
    items: Vec<FrameItem>,
    notes: Vec<(String, Piece)>,
    notes_height: f32,
    /// Nothing placed since the column (or the box part in it) began.
    fresh: bool,
    used: bool,
    fragment: Option<Fragment>,
}

/// One filled page before headers, footers and page numbers.
#[derive(Default)]
struct PageOut {
    items: Vec<FrameItem>,
    marks: Vec<(Mark, f32)>,
    slots: Vec<(Slot, f32)>,
    notes: Vec<(String, f32)>,
    used: bool,
    /// Boxes continued from one column to the next on this page.
    continued: usize,
}

/// The page's geometry.
struct Geometry {
    page: PageSize,
    /// Inside the margins, header and footer.
    body: Rect,
    columns: usize,
    gap: f32,
    header_band: Rect,
    footer_band: Rect,
}

impl Geometry {
    fn column_width(&self) -> f32 {
        (self.body.width - self.gap * (self.columns as f32 - 1.0)) / self.columns as f32
    }
}

/// Lays out a flowing document on pages of `page`.
pub fn layout_flow(doc: &Document, page: PageSize, ctx: &mut Ctx) -> Result<Flowed> {
    let style = ctx.style;
    let margin = style.page.margin * 1.5;
    let area = Rect::new(0.0, 0.0, page.width, page.height).inset(margin);
    let band = style.text.size * style.fonts.size_factor(style.fonts.body) * 0.85 * 1.6;
    let header = doc.meta.header.clone().unwrap_or_default();
    let footer = doc.meta.footer.clone().unwrap_or_else(|| "{page} / {pages}".to_string());
    let top = if header.is_empty() { 0.0 } else { band };
    let bottom = if footer.is_empty() { 0.0 } else { band };
    let columns =
        usize::from(doc.meta.columns.unwrap_or(if page.width > page.height { 2 } else { 1 })).max(1);
    let geometry = Geometry {
        page,
        body: Rect::new(area.x, area.y + top, area.width, area.height - top - bottom),
        columns,
        gap: (style.page.gap * 2.0).max(14.0),
        header_band: Rect::new(area.x, area.y, area.width, band),
        footer_band: Rect::new(area.x, area.bottom() - band, area.width, band),
    };
    let mut flow =
        Flow { ctx, doc, geometry, stream: Vec::new(), notes: BTreeMap::new(), suffix_heights: Vec::new() };
    flow.build()?;
    flow.suffix_heights = suffix_heights(&flow.stream);
    let (pages, outline, anchors) = flow.fill()?;
    let frames = flow.finish(pages, &outline, &header, &footer);
    Ok(Flowed { pages: frames, outline, anchors })
}

struct Flow<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    doc: &'c Document,
    geometry: Geometry,
    stream: Vec<Entry>,
    /// Footnote texts by label, measured at the column width.
    notes: BTreeMap<String, Piece>,
    /// Per stream index, the height of everything from there to the end.
    suffix_heights: Vec<f32>,
}

/// For each entry, the height of it and all after it (pieces, spans, gaps, box titles).
fn suffix_heights(stream: &[Entry]) -> Vec<f32> {
    let mut out = vec![0.0; stream.len() + 1];
    for (i, entry) in stream.iter().enumerate().rev() {
        let own = match entry {
            Entry::Piece(p) | Entry::TocLine(p, _) | Entry::Span(p) => p.height,
            Entry::Gap(h) => *h,
            Entry::Open(head) => head.head.height,
            _ => 0.0,
        };
        out[i] = out[i + 1] + own;
    }
    out
}

impl Flow<'_, '_> {
    fn gap(&self) -> f32 {
        self.ctx.style.text.paragraph_gap * self.ctx.style.text.size
    }

    fn pad(&self) -> f32 {
        self.ctx.style.boxes.padding
    }

    fn is_box(&self, section: &Section) -> bool {
        if section.classes.iter().any(|c| c == "box") {
            return true;
        }
        if section.classes.iter().any(|c| c == "plain") {
            return false;
        }
        self.doc.meta.sections != Some(SectionStyle::Plain)
    }

    /// Measures the whole document into the stream.
    fn build(&mut self) -> Result<()> {
        let doc = self.doc;
        let style = self.ctx.style;
        let width = self.geometry.column_width();
        // Figures are never taller than a column.
        self.ctx.max_height = Some(self.geometry.body.height * 0.96);
        self.ctx.forget_shapes();
        self.measure_notes(width)?;
        if !doc.meta.title.trim().is_empty() {
            let title = self.title_block()?;
            self.stream.push(Entry::Span(title));
        }
        if doc.meta.toc {
            self.contents(width)?;
        }
        let opening_accent = style.cycle_color(0);
        self.blocks(&doc.opening, opening_accent, width)?;
        let mut cycle = 0;
        for section in &doc.sections {
            let accent = box_color(section, style, &mut cycle, &mut self.ctx.warnings);
            if section.level == 1 {
                self.part(section, accent)?;
            } else if self.is_box(section) {
                self.boxed(section, accent)?;
            } else {
                self.plain(section, accent, width)?;
            }
        }
        Ok(())
    }

    /// Each footnote's text at the column width, found anywhere in the document.
    fn measure_notes(&mut self, width: f32) -> Result<()> {
        let mut found = Vec::new();
        let sections = self.doc.sections.iter().flat_map(|s| std::iter::once(s).chain(&s.subsections));
        collect_notes(&self.doc.opening, &mut found);
        for section in sections {
            collect_notes(&section.blocks, &mut found);
        }
        let ink = self.ctx.style.page.ink;
        for note in found {
            if let Block::Footnote { label, .. } = note {
                let piece = self.ctx.piece(note, ink, width, true)?;
                self.notes.entry(label.clone()).or_insert(piece);
            }
        }
        Ok(())
    }

    /// Blocks as pieces with gaps between them; footnote texts are left for the column feet.
    fn blocks(&mut self, blocks: &[Block], accent: Color, width: f32) -> Result<()> {
        let mut first = true;
        for block in blocks {
            match block {
                Block::Footnote { .. } => continue,
                Block::PageBreak { .. } => {
                    self.stream.push(Entry::NewPage);
                    first = true;
                    continue;
                }
                _ => {}
            }
            if !first {
                let gap = if matches!(block, Block::Heading { .. }) { 2.0 } else { 1.0 } * self.gap();
                self.stream.push(Entry::Gap(gap));
            }
            first = false;
            let piece = self.ctx.piece(block, accent, width, true)?;
            self.stream.push(Entry::Piece(piece));
        }
        Ok(())
    }

    fn mark(&mut self, section: &Section, level: u8) {
        self.stream.push(Entry::Mark(Mark {
            id: section.id.clone(),
            title: plain_text(&section.title).trim().to_string(),
            level,
        }));
    }

    /// A heading laid out as a piece kept with what follows.
    #[allow(clippy::too_many_arguments)]
    fn heading(
        &mut self,
        inlines: &[Inline],
        style: &TextStyle,
        accent: Color,
        line: usize,
        width: f32,
        level: u8,
        rule: bool,
    ) -> Piece {
        let text = self.ctx.styled(inlines, style, accent, line);
        let mut items = Vec::new();
        self.ctx.mute += 1;
        let mut height = self.ctx.text(text, 0.0, 0.0, width, Align::Left, &mut items).height;
        self.ctx.mute -= 1;
        let mut all = vec![Group::tagged(Role::Heading(level), items)];
        if rule {
            let y = height + 1.5;
            let mut jitter = Jitter::from_key(&format!("rule{line}"));
            let rule =
                header_rule(Point::new(0.0, y), Point::new(width, y), accent, self.ctx.style, &mut jitter);
            all.push(Group::tagged(Role::Artifact, vec![rule]));
            height += 4.0;
        }
        let mut piece = Piece::whole(height + 1.5, all, line);
        piece.keep_with_next = true;
        piece
    }

    /// A `#` part: a new page, its title across the columns, then its text.
    fn part(&mut self, part: &Section, accent: Color) -> Result<()> {
        let style = self.ctx.style;
        let width = self.geometry.body.width;
        self.stream.push(Entry::NewPage);
        self.mark(part, 1);
        let heading_style = self.ctx.heading_style(style.title.size * 0.85, style.title.color);
        let mut title = self.heading(&part.title, &heading_style, accent, part.line, width, 1, true);
        title.height += self.gap() * 3.0;
        self.stream.push(Entry::Span(title));
        self.blocks(&part.blocks, accent, self.geometry.column_width())
    }

    /// A `##` section as a framed box: its title, text and subsections.
    fn boxed(&mut self, section: &Section, accent: Color) -> Result<()> {
        let style = self.ctx.style;
        let inner = self.geometry.column_width() - 2.0 * self.pad();
        self.stream.push(Entry::Gap(style.page.gap * 1.5));
        self.mark(section, 2);
        let head_style = self.ctx.heading_style(style.boxes.header_size, accent);
        let rule = style.boxes.header_rule;
        let head = self.heading(&section.title, &head_style, accent, section.line, inner, 2, rule);
        let mut title = section.title.clone();
        title.push(Inline::Text(format!(" {}", continued_mark(&self.doc.meta.lang))));
        let mut continued = self.heading(&title, &head_style, accent, section.line, inner, 2, rule);
        continued.items = vec![Group::tagged(Role::Artifact, continued.items)];
        self.stream.push(Entry::Open(Box::new(BoxHead { id: section.id.clone(), accent, head, continued })));
        let saved = self.ctx.max_height;
        self.ctx.max_height = saved.map(|h| h - 2.0 * self.pad() - style.boxes.header_size * 2.5);
        self.blocks(&section.blocks, accent, inner)?;
        for sub in &section.subsections {
            self.subsection(sub, accent, inner)?;
        }
        self.ctx.max_height = saved;
        self.stream.push(Entry::Close);
        Ok(())
    }

    /// A `##` section as running notes: a heading with a rule, then its text.
    fn plain(&mut self, section: &Section, accent: Color, width: f32) -> Result<()> {
        let style = self.ctx.style;
        self.stream.push(Entry::Gap(self.gap() * 4.0));
        self.mark(section, 2);
        let head_style = self.ctx.heading_style(style.boxes.header_size * 1.15, accent);
        let head = self.heading(&section.title, &head_style, accent, section.line, width, 2, true);
        self.stream.push(Entry::Piece(head));
        self.blocks(&section.blocks, accent, width)?;
        for sub in &section.subsections {
            self.subsection(sub, accent, width)?;
        }
        Ok(())
    }

    fn subsection(&mut self, sub: &Section, accent: Color, width: f32) -> Result<()> {
        let style = self.ctx.style;
        self.stream.push(Entry::Gap(self.gap() * 2.5));
        self.mark(sub, 3);
        let head_style = self.ctx.heading_style(style.boxes.subsection_size, accent);
        let head = self.heading(&sub.title, &head_style, accent, sub.line, width, 3, false);
        self.stream.push(Entry::Piece(head));
        self.blocks(&sub.blocks, accent, width)
    }

    /// The title block: title with its icon, subtitle, then author and date.
    fn title_block(&mut self) -> Result<Piece> {
        let style = self.ctx.style;
        let meta = &self.doc.meta;
        let width = self.geometry.body.width;
        let pad = self.pad() * 1.6;
        let inner = width - 2.0 * pad;
        let title_style = self.ctx.heading_style(style.title.size, style.title.color);
        let title = title_text(meta, style, &title_style, false);
        let mut content = Vec::new();
        let mut heading = Vec::new();
        self.ctx.mute += 1;
        let mut y = pad + self.ctx.text(title, pad, pad, inner, Align::Center, &mut heading).height;
        content.push(Group::tagged(Role::Heading(1), heading));
        let body = self.ctx.body_style();
        let small = |size: f32| TextStyle { size, color: style.page.ink, ..body.clone() };
        let byline: Vec<&str> =
            [meta.author.as_deref(), meta.date.as_deref()].into_iter().flatten().collect();
        for (text, size) in [
            (meta.subtitle.clone().unwrap_or_default(), style.title.subtitle_size * 1.2),
            (byline.join(" · "), style.title.subtitle_size),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            let mut line = StyledText { line: 1, ..StyledText::default() };
            line.push(&text, &small(size));
            let mut items = Vec::new();
            y += self.ctx.text(line, pad, y, inner, Align::Center, &mut items).height;
            content.push(Group::tagged(Role::Paragraph, items));
        }
        self.ctx.mute -= 1;
        let height = y + pad;
        let mut jitter = Jitter::from_key("title");
        let band = FrameItem::Path(PathItem {
            segments: rounded_rect(
                Rect::new(0.0, 0.0, width, height),
                style.boxes.radius,
                style.boxes.wobble,
                &mut jitter,
            ),
            fill: Some(Paint { color: style.title.fill, alpha: 0.85 }),
            stroke: Some(Stroke {
                paint: Paint::solid(style.title.stroke),
                width: style.boxes.stroke_width,
                dash: vec![5.0, 2.5],
                cap: LineCap::Round,
            }),
        });
        let mut items = vec![Group::tagged(Role::Artifact, vec![band])];
        items.extend(content);
        Ok(Piece::whole(height + style.page.gap * 2.0, items, 1))
    }

    /// The contents: one linked line per part, section and subsection, page numbers right.
    fn contents(&mut self, width: f32) -> Result<()> {
        let style = self.ctx.style;
        let accent = style.title.accent;
        let heading = if self.doc.meta.lang.starts_with("ko") { "차례" } else { "Contents" };
        let head_style = self.ctx.heading_style(style.boxes.header_size * 1.15, accent);
        let piece = self.heading(&[Inline::Text(heading.into())], &head_style, accent, 1, width, 2, true);
        self.stream.push(Entry::Piece(piece));
        let number_room = style.text.size * 3.0;
        let entries = self.doc.sections.iter().flat_map(|s| std::iter::once(s).chain(&s.subsections));
        let has_parts = self.doc.sections.iter().any(|s| s.level == 1);
        for section in entries {
            let depth = if has_parts { section.level - 1 } else { section.level.saturating_sub(2) };
            let indent = f32::from(depth) * style.text.size * 1.4;
            let mut base = self.ctx.body_style();
            if depth == 0 {
                base = TextStyle { font: style.fonts.bold, fake_bold: style.fonts.fake_bold, ..base };
            }
            let text = self.ctx.styled(&section.title, &base, accent, section.line);
            let room = width - indent - number_room;
            let (_, natural) = self.ctx.measure(text.clone());
            let mut items = Vec::new();
            self.ctx.mute += 1;
            let extent = self.ctx.text(text, indent, 0.0, room, Align::Left, &mut items);
            self.ctx.mute -= 1;
            let baseline = extent.first_baseline.unwrap_or(extent.height * 0.8);
            if natural < room {
                let y = baseline - style.text.size * 0.1;
                let leader = dashed(
                    Point::new(indent + natural + 4.0, y),
                    Point::new(width - number_room + 4.0, y),
                    style.page.ink.tint(0.55),
                    0.6,
                );
                if let FrameItem::Path(mut path) = leader {
                    if let Some(stroke) = path.stroke.as_mut() {
                        stroke.dash = vec![0.6, 2.4];
                        stroke.cap = LineCap::Round;
                    }
                    items.push(Group::tagged(Role::Artifact, vec![FrameItem::Path(path)]));
                }
            }
            let height = extent.height + self.gap() * 0.5;
            items.push(FrameItem::Link(LinkItem {
                rect: Rect::new(0.0, 0.0, width, extent.height),
                url: format!("#{}", section.id),
            }));
            let piece = Piece::whole(height, vec![Group::tagged(Role::Paragraph, items)], section.line);
            self.stream.push(Entry::TocLine(piece, Slot { id: section.id.clone(), right: width, baseline }));
        }
        self.stream.push(Entry::Gap(self.gap() * 3.0));
        Ok(())
    }

    /// Fills pages until the stream ends; the last page is balanced.
    #[allow(clippy::type_complexity)]
    fn fill(&mut self) -> Result<(Vec<PageOut>, Vec<OutlineEntry>, Vec<OutlineEntry>)> {
        let mut pages = Vec::new();
        let mut cursor = Cursor::default();
        loop {
            if pages.len() >= MAX_PAGES {
                return Err(HanjiError::new(format!(
                    "the document needs more than {MAX_PAGES} pages: split it into several files"
                )));
            }
            // Pieces are moved onto pages; only a page that may be the last copies them (and
            // where it starts), so that it can be filled again to balance its columns.
            let may_be_last = self.remaining_height(&cursor) <= 1.5 * self.capacity();
            let before = may_be_last.then(|| cursor.clone());
            let (page, done) = self.fill_page(&mut cursor, None, may_be_last);
            if !done {
                pages.push(page);
                continue;
            }
            let page = match before {
                Some(before) if self.geometry.columns > 1 => self.balanced(&before, page),
                _ => page,
            };
            if page.used || pages.is_empty() {
                pages.push(page);
            }
            break;
        }
        let mut outline = Vec::new();
        let mut anchors = Vec::new();
        for (index, page) in pages.iter().enumerate() {
            for (mark, y) in &page.marks {
                outline.push(OutlineEntry {
                    id: mark.id.clone(),
                    title: mark.title.clone(),
                    level: mark.level,
                    page: index,
                    y: *y,
                });
            }
            for (label, y) in &page.notes {
                anchors.push(OutlineEntry {
                    id: format!("fn-{label}"),
                    title: String::new(),
                    level: 0,
                    page: index,
                    y: *y,
                });
            }
        }
        Ok((pages, outline, anchors))
    }

    /// The last page again at the smallest column height that still holds all of it.
    fn balanced(&mut self, before: &Cursor, page: PageOut) -> PageOut {
        let (mut lo, mut hi) = (0.0f32, self.geometry.body.height);
        let mut best: Option<PageOut> = None;
        for _ in 0..12 {
            let mid = (lo + hi) / 2.0;
            let mut cursor = before.clone();
            let (attempt, done) = self.fill_page(&mut cursor, Some(mid), true);
            // Balancing may cut text, not boxes the full page kept whole.
            if done && attempt.continued <= page.continued {
                hi = mid;
                best = Some(attempt);
            } else {
                lo = mid;
            }
            if hi - lo < 1.0 {
                break;
            }
        }
        best.unwrap_or(page)
    }

    /// The next entry: copied when `keep` (the page may be filled again), else moved out.
    fn next_entry(&mut self, cursor: &mut Cursor, keep: bool) -> Option<Entry> {
        if let Some(piece) = cursor.pending.take() {
            return Some(Entry::Piece(piece));
        }
        let slot = self.stream.get_mut(cursor.next)?;
        cursor.next += 1;
        let movable = matches!(slot, Entry::Piece(_) | Entry::TocLine(..) | Entry::Span(_));
        Some(if movable && !keep { std::mem::replace(slot, Entry::Gap(0.0)) } else { slot.clone() })
    }

    /// What is left to place from `cursor` on, at most (gaps included).
    fn remaining_height(&self, cursor: &Cursor) -> f32 {
        let pending = cursor.pending.as_ref().map_or(0.0, |p| p.height);
        pending + self.suffix_heights.get(cursor.next).copied().unwrap_or(0.0)
    }

    /// The height a page's columns hold.
    fn capacity(&self) -> f32 {
        self.geometry.body.height * self.geometry.columns as f32
    }

    /// What the next content needs at least, for keeping a heading with it.
    fn least_after(&self, from: usize) -> f32 {
        for entry in self.stream.iter().skip(from) {
            match entry {
                Entry::Gap(_) | Entry::Mark(_) => continue,
                Entry::Piece(p) | Entry::TocLine(p, _) => {
                    return self.gap() + p.least_height();
                }
                Entry::Open(head) => return head.head.height + 2.0 * self.pad() + self.gap(),
                _ => return 0.0,
            }
        }
        0.0
    }

    fn columns(&self, top: f32, limit: Option<f32>) -> Vec<Column> {
        let g = &self.geometry;
        let width = g.column_width();
        let bottom = match limit {
            Some(h) => (top + h).min(g.body.bottom()),
            None => g.body.bottom(),
        };
        (0..g.columns)
            .map(|i| Column {
                x: g.body.x + i as f32 * (width + g.gap),
                width,
                top,
                bottom,
                y: top,
                items: Vec::new(),
                notes: Vec::new(),
                notes_height: 0.0,
                fresh: true,
                used: false,
                fragment: None,
            })
            .collect()
    }

    /// Fills one page from `cursor`; true when the stream is done.
    fn fill_page(&mut self, cursor: &mut Cursor, limit: Option<f32>, keep: bool) -> (PageOut, bool) {
        let mut out = PageOut::default();
        let mut top = self.geometry.body.y;
        let mut cols = self.columns(top, limit);
        let mut c = 0;
        let mut spans = Vec::new();
        if let Some(open) = cursor.open {
            self.continue_box(&mut cols[0], open, &mut out);
        }
        let done = loop {
            let index = cursor.next;
            let Some(entry) = self.next_entry(cursor, keep) else { break true };
            match entry {
                Entry::Gap(h) => {
                    let col = &mut cols[c];
                    if !col.fresh {
                        col.y += h;
                    }
                }
                Entry::Mark(mark) => cursor.marks.push(mark),
                Entry::Span(piece) => {
                    if cols.iter().any(|c| c.used) {
                        cursor.next = index;
                        break false;
                    }
                    for mark in cursor.marks.drain(..) {
                        out.marks.push((mark, top));
                    }
                    spans.push(Group::moved(self.geometry.body.x, top, piece.items));
                    top += piece.height;
                    out.used = true;
                    cols = self.columns(top, limit);
                }
                Entry::NewPage => {
                    if cols.iter().any(|c| c.used) {
                        break false;
                    }
                }
                Entry::Open(head) => {
                    let need = head.head.height + 2.0 * self.pad() + self.least_after(cursor.next);
                    if !cols[c].fresh && cols[c].y + need > self.room_bottom(&cols[c], false) {
                        c += 1;
                        if c == cols.len() {
                            cursor.next = index;
                            break false;
                        }
                    }
                    cursor.open = Some(index);
                    let col = &mut cols[c];
                    col.fragment = Some(Fragment { top: col.y, index: col.items.len(), continued: false });
                    col.y += self.pad();
                    place_marks(cursor, &mut out, col.y - self.pad());
                    col.items.push(Group::moved(col.x + self.pad(), col.y, head.head.items));
                    col.y += head.head.height;
                    col.fresh = true;
                    col.used = true;
                    out.used = true;
                }
                Entry::Close => {
                    let col = &mut cols[c];
                    if let Some(open) = cursor.open.take() {
                        col.y += self.pad();
                        self.close_fragment(col, open, false);
                    }
                    col.fresh = false;
                }
                Entry::Piece(piece) => match self.place(piece, None, &mut cols, &mut c, cursor, &mut out) {
                    Ok(()) => {}
                    Err(rest) => {
                        cursor.pending = Some(rest);
                        break false;
                    }
                },
                Entry::TocLine(piece, slot) => {
                    if self.place(piece, Some(slot), &mut cols, &mut c, cursor, &mut out).is_err() {
                        // A contents line is never cut: start it again on the next page.
                        cursor.next = index;
                        break false;
                    }
                }
            }
        };
        // A box still open runs on: close its part here with an open edge.
        if let Some(open) = cursor.open {
            if let Some(col) = cols.iter_mut().rev().find(|c| c.fragment.is_some()) {
                col.y = self.room_bottom(col, false);
                self.close_fragment(col, open, true);
            }
        }
        out.items.extend(spans);
        for col in cols {
            out.used |= col.used;
            out.items.extend(col.items);
            if !col.notes.is_empty() {
                let mut y = col.bottom - col.notes_height;
                let rule_y = y + self.gap() * 0.5;
                let rule = super::blocks::line_item(
                    Point::new(col.x, rule_y),
                    Point::new(col.x + col.width * 0.3, rule_y),
                    self.ctx.style.page.ink.tint(0.5),
                    0.5,
                );
                out.items.push(Group::tagged(Role::Artifact, vec![rule]));
                y += self.gap() * 1.5;
                for (label, note) in col.notes {
                    out.notes.push((label, y));
                    out.items.push(Group::moved(col.x, y, note.items));
                    y += note.height + self.gap() * 0.5;
                }
            }
        }
        (out, done)
    }

    /// The lowest y content may reach in a column (above its footnotes and box padding).
    fn room_bottom(&self, col: &Column, boxed: bool) -> f32 {
        col.bottom - col.notes_height - if boxed { self.pad() } else { 0.0 }
    }

    /// The height the footnotes of `refs` not yet placed would add to a column.
    fn notes_needed(&self, col: &Column, refs: &[(f32, String)], below: f32, cursor: &Cursor) -> f32 {
        let mut seen = BTreeSet::new();
        let mut height = 0.0;
        for (y, label) in refs {
            if *y >= below || cursor.placed_notes.contains(label) || !seen.insert(label) {
                continue;
            }
            if let Some(note) = self.notes.get(label) {
                height += note.height + self.gap() * 0.5;
            }
        }
        if height > 0.0 && col.notes.is_empty() {
            height += self.gap() * 1.5;
        }
        height
    }

    /// Places a piece from the current column on, cutting it where it allows; the rest when
    /// the page runs out of columns.
    fn place(
        &self,
        mut piece: Piece,
        slot: Option<Slot>,
        cols: &mut [Column],
        c: &mut usize,
        cursor: &mut Cursor,
        out: &mut PageOut,
    ) -> std::result::Result<(), Piece> {
        loop {
            let boxed = cursor.open.is_some();
            let col = &cols[*c];
            let bottom = self.room_bottom(col, boxed);
            let avail = bottom - col.y;
            let keep = if piece.keep_with_next { self.least_after(cursor.next) } else { 0.0 };
            let notes = self.notes_needed(col, &piece.footnotes, f32::INFINITY, cursor);
            let fits = piece.height + notes <= avail + 0.01;
            if (fits && piece.height + keep + notes <= avail + 0.01)
                || (col.fresh && (fits || piece.cut == Cut::Never))
            {
                self.put(piece, slot, &mut cols[*c], cursor, out);
                return Ok(());
            }
            let full = self.room_bottom(col, boxed) - col.top;
            let cuttable = match piece.cut {
                Cut::Anywhere => true,
                Cut::WhenTaller => piece.height > full,
                Cut::Never => false,
            };
            if cuttable && !piece.keep_with_next {
                let at = piece
                    .breaks
                    .iter()
                    .rev()
                    .copied()
                    .find(|&b| b + self.notes_needed(col, &piece.footnotes, b, cursor) <= avail + 0.01);
                let at = at.or_else(|| if col.fresh { piece.breaks.first().copied() } else { None });
                if let Some(at) = at {
                    let (above, rest) = piece.split(at);
                    self.put(above, None, &mut cols[*c], cursor, out);
                    piece = rest;
                    if !self.advance(cols, c, cursor, out) {
                        return Err(piece);
                    }
                    continue;
                }
            }
            if col.fresh {
                self.put(piece, slot, &mut cols[*c], cursor, out);
                return Ok(());
            }
            if !self.advance(cols, c, cursor, out) {
                return Err(piece);
            }
        }
    }

    /// Puts a piece at the column's cursor, with its footnotes at the column's foot.
    fn put(
        &self,
        piece: Piece,
        slot: Option<Slot>,
        col: &mut Column,
        cursor: &mut Cursor,
        out: &mut PageOut,
    ) {
        let x = col.x + if cursor.open.is_some() { self.pad() } else { 0.0 };
        place_marks(cursor, out, col.y);
        for (_, label) in &piece.footnotes {
            if cursor.placed_notes.contains(label) {
                continue;
            }
            if let Some(note) = self.notes.get(label) {
                if col.notes.is_empty() {
                    col.notes_height += self.gap() * 1.5;
                }
                col.notes_height += note.height + self.gap() * 0.5;
                col.notes.push((label.clone(), note.clone()));
                cursor.placed_notes.insert(label.clone());
            }
        }
        if let Some(slot) = slot {
            out.slots.push((Slot { right: x + slot.right, ..slot.clone() }, col.y + slot.baseline));
        }
        col.items.push(Group::moved(x, col.y, piece.items));
        col.y += piece.height;
        col.fresh = false;
        col.used = true;
        out.used = true;
    }

    /// Moves to the next column, carrying an open box over; false at the end of the page.
    fn advance(&self, cols: &mut [Column], c: &mut usize, cursor: &mut Cursor, out: &mut PageOut) -> bool {
        if *c + 1 >= cols.len() {
            return false;
        }
        if let Some(open) = cursor.open {
            let col = &mut cols[*c];
            col.y = self.room_bottom(col, false);
            self.close_fragment(col, open, true);
        }
        *c += 1;
        if let Some(open) = cursor.open {
            self.continue_box(&mut cols[*c], open, out);
        }
        true
    }

    /// Starts the part of an open box in a new column: its title with the continuation mark.
    fn continue_box(&self, col: &mut Column, open: usize, out: &mut PageOut) {
        let Some(Entry::Open(head)) = self.stream.get(open) else { return };
        col.fragment = Some(Fragment { top: col.y, index: col.items.len(), continued: true });
        col.y += self.pad();
        out.continued += 1;
        col.items.push(Group::moved(col.x + self.pad(), col.y, head.continued.items.clone()));
        col.y += head.continued.height;
        col.fresh = true;
        col.used = true;
        out.used = true;
    }

    /// Draws the frame of a box's part in a column, behind its content.
    fn close_fragment(&self, col: &mut Column, open: usize, runs_on: bool) {
        let Some(fragment) = col.fragment.take() else { return };
        let Some(Entry::Open(head)) = self.stream.get(open) else { return };
        let style = self.ctx.style;
        let rect = Rect::new(col.x, fragment.top, col.width, (col.y - fragment.top).max(1.0));
        let mut jitter = Jitter::from_key(&format!("{}{}", head.id, fragment.top as i32));
        let fill =
            Some(Paint { color: head.accent.tint(style.boxes.fill_tint), alpha: style.boxes.fill_alpha });
        let stroke = Some(Stroke {
            paint: Paint::solid(head.accent),
            width: style.boxes.stroke_width,
            dash: Vec::new(),
            cap: LineCap::Round,
        });
        let frame = if !fragment.continued && !runs_on {
            vec![FrameItem::Path(PathItem {
                segments: rounded_rect(rect, style.boxes.radius, style.boxes.wobble, &mut jitter),
                fill,
                stroke,
            })]
        } else {
            let (l, t, r, b) = (rect.x, rect.y, rect.right(), rect.bottom());
            let w = style.boxes.wobble;
            let mut edges = Vec::new();
            if fragment.continued {
                edges.push(Segment::MoveTo(Point::new(l, t)));
                wobbly_line(Point::new(l, t), Point::new(l, b), w, &mut jitter, &mut edges, false);
            } else {
                edges.push(Segment::MoveTo(Point::new(l, b)));
                wobbly_line(Point::new(l, b), Point::new(l, t), w, &mut jitter, &mut edges, false);
                wobbly_line(Point::new(l, t), Point::new(r, t), w, &mut jitter, &mut edges, false);
            }
            if runs_on {
                edges.push(Segment::MoveTo(Point::new(r, b)));
                if fragment.continued {
                    wobbly_line(Point::new(r, b), Point::new(r, t), w, &mut jitter, &mut edges, false);
                } else {
                    wobbly_line(Point::new(r, t), Point::new(r, b), w, &mut jitter, &mut edges, true);
                }
            } else {
                wobbly_line(
                    Point::new(l, b),
                    Point::new(r, b),
                    w,
                    &mut jitter,
                    &mut edges,
                    !fragment.continued,
                );
                wobbly_line(Point::new(r, b), Point::new(r, t), w, &mut jitter, &mut edges, false);
            }
            let mut cut_marks = Vec::new();
            for (y, open_edge) in [(t, fragment.continued), (b, runs_on)] {
                if open_edge {
                    cut_marks.push(dashed(Point::new(l, y), Point::new(r, y), head.accent.tint(0.45), 0.6));
                }
            }
            let mut items = vec![
                FrameItem::Path(PathItem { segments: rect_path(rect), fill, stroke: None }),
                FrameItem::Path(PathItem { segments: edges, fill: None, stroke }),
            ];
            items.extend(cut_marks);
            items
        };
        col.items.insert(fragment.index.min(col.items.len()), Group::tagged(Role::Artifact, frame));
    }

    /// Paper on every page, running header and footer, contents page numbers.
    fn finish(
        &mut self,
        pages: Vec<PageOut>,
        outline: &[OutlineEntry],
        header: &str,
        footer: &str,
    ) -> Vec<Frame> {
        let count = pages.len();
        let style = self.ctx.style;
        let page_size = self.geometry.page;
        let page_of: BTreeMap<&str, usize> = outline.iter().map(|e| (e.id.as_str(), e.page)).collect();
        let mut frames = Vec::with_capacity(count);
        for (index, page) in pages.into_iter().enumerate() {
            let mut items = Vec::new();
            let rect = Rect::new(0.0, 0.0, page_size.width, page_size.height);
            let mut paper = vec![FrameItem::Path(PathItem {
                segments: rect_path(rect),
                fill: Some(Paint::solid(style.page.paper)),
                stroke: None,
            })];
            if style.grid.enabled {
                graph_paper(&style.grid, page_size, &mut paper);
            }
            items.push(Group::tagged(Role::Artifact, paper));
            items.extend(page.items);
            for (slot, baseline) in &page.slots {
                if let Some(&target) = page_of.get(slot.id.as_str()) {
                    let number = (target + 1).to_string();
                    let text_style = self.ctx.body_style();
                    items.push(self.line_at(
                        &number,
                        &text_style,
                        slot.right - 60.0,
                        *baseline,
                        60.0,
                        Align::Right,
                    ));
                }
            }
            let section = running_section(outline, index);
            let fill = |template: &str| {
                let meta = &self.doc.meta;
                template
                    .replace("{title}", &meta.title)
                    .replace("{subtitle}", meta.subtitle.as_deref().unwrap_or(""))
                    .replace("{author}", meta.author.as_deref().unwrap_or(""))
                    .replace("{date}", meta.date.as_deref().unwrap_or(""))
                    .replace("{section}", &section)
                    .replace("{pages}", &count.to_string())
                    .replace("{page}", &(index + 1).to_string())
            };
            let running = TextStyle {
                size: style.text.size * 0.85,
                color: style.page.ink.tint(0.3),
                ..self.ctx.body_style()
            };
            let g = &self.geometry;
            let (header_band, footer_band) = (g.header_band, g.footer_band);
            if index > 0 && !header.is_empty() {
                let text = fill(header);
                let baseline = header_band.y + header_band.height * 0.6;
                let item =
                    self.line_at(&text, &running, header_band.x, baseline, header_band.width, Align::Center);
                items.push(Group::tagged(Role::Artifact, vec![item]));
            }
            if !footer.is_empty() {
                let text = fill(footer);
                let baseline = footer_band.bottom() - footer_band.height * 0.25;
                let item =
                    self.line_at(&text, &running, footer_band.x, baseline, footer_band.width, Align::Center);
                items.push(Group::tagged(Role::Artifact, vec![item]));
            }
            frames.push(Frame { width: page_size.width, height: page_size.height, items });
        }
        frames
    }

    /// One line of text whose first baseline is at `baseline`.
    fn line_at(
        &mut self,
        text: &str,
        style: &TextStyle,
        x: f32,
        baseline: f32,
        width: f32,
        align: Align,
    ) -> FrameItem {
        let mut styled = StyledText::default();
        styled.push(text, style);
        styled.no_hyphens = true;
        let mut items = Vec::new();
        self.ctx.mute += 1;
        let extent = self.ctx.text(styled, x, 0.0, width, align, &mut items);
        self.ctx.mute -= 1;
        Group::moved(0.0, baseline - extent.first_baseline.unwrap_or(0.0), items)
    }
}

/// Records the headings waiting for a place at `y`.
fn place_marks(cursor: &mut Cursor, out: &mut PageOut, y: f32) {
    for mark in cursor.marks.drain(..) {
        out.marks.push((mark, y));
    }
}

/// The title of the `##` section a page is in: the first that starts on it, else the last
/// one before it.
fn running_section(outline: &[OutlineEntry], page: usize) -> String {
    let sections = outline.iter().filter(|e| e.level == 2);
    if let Some(first) = sections.clone().find(|e| e.page == page) {
        return first.title.clone();
    }
    sections.rev().find(|e| e.page < page).map(|e| e.title.clone()).unwrap_or_default()
}

/// The footnote texts among blocks, at any depth.
fn collect_notes<'b>(blocks: &'b [Block], out: &mut Vec<&'b Block>) {
    for block in blocks {
        match block {
            Block::Footnote { .. } => out.push(block),
            Block::Quote { blocks, .. } => collect_notes(blocks, out),
            Block::List { items, .. } => items.iter().for_each(|i| collect_notes(&i.blocks, out)),
            _ => {}
        }
    }
}

/// What a box's repeated title says after a column break.
pub fn continued_mark(lang: &str) -> &'static str {
    if lang.starts_with("ko") {
        "(계속)"
    } else {
        "(continued)"
    }
}
