//! Block layout: paragraphs, lists, quotes, tables and panels stacked inside a box.

use super::piece::{Cut, Piece};
use crate::error::{HanjiError, Result};
use crate::frame::{
    Color, FrameItem, Group, ImageItem, LineCap, Paint, PathItem, Point, Rect, Role, Segment, Stroke,
};
use crate::image::{ImageCache, Picture};
use crate::model::{plain_text, AlertKind, Align as ColumnAlign, Block, Inline};
use crate::pen::{rounded_rect, Jitter};
use crate::style::Style;
use crate::text::breaking::natural_widths;
use crate::text::fonts::FontBook;
use crate::text::place::{draw_paragraph, layout_code};
use crate::text::{Align, StyledText, TextStyle};
pub use crate::typesetter::Extent;
use crate::typesetter::Typesetter;

/// What block layout needs, kept apart by what it is: the typesetter (read-only fonts and
/// style, the scale, shaping with its cache and the warnings it finds), the document's
/// read-only inputs, the caches of images and diagrams, the diagnostics of the boxes laid out
/// so far, and the state of the block being laid out.
pub struct Ctx<'a> {
    pub typo: Typesetter<'a>,
    pub inputs: Inputs,
    pub caches: Caches,
    pub diagnostics: Diagnostics,
    /// The box being laid out, for error messages.
    pub box_name: String,
    /// The tallest a figure may be (a column's height in a flowing document).
    pub max_height: Option<f32>,
    /// A draft: a box that cannot fit is drawn cut at its edge and marked, not an error.
    pub draft: bool,
    /// How much larger than the text's scale diagrams are drawn: a box with room left lets
    /// its diagrams take it (see `sheet::boost_figures`).
    pub figure_boost: f32,
    /// Consecutive diagrams stand side by side, each in a column as wide as its share of
    /// their natural widths (a sheet's box chooses so when it gives them more room).
    pub figures_in_row: bool,
    /// How much more than natural spacing diagrams take (see `sheet::boost_figures`).
    pub figure_stretch: f32,
    /// The area of the diagrams drawn since it was last reset, to compare arrangements.
    pub figure_area: f32,
    /// The smallest scale a diagram was drawn at since it was last reset.
    pub figure_scale: f32,
    /// The scale of a sheet's box titles: 1, or the smallest scale of the sheet's grown text.
    pub heading_scale: f32,
    /// The sheet's boxes whose consecutive diagrams stand side by side.
    pub figure_rows: std::collections::BTreeSet<String>,
    /// Where the last table laid out may be cut (between its body rows), and its header.
    table_rows: Vec<f32>,
    header_height: f32,
}

/// What layout reads and never changes besides fonts and style.
pub struct Inputs {
    /// The document's language, for text written for it (a diagram's description).
    pub lang: String,
    /// The source's folder: images are read relative to it, and only inside it; `None` when
    /// the render reads no local file at all (`hanji serve` without `--root`).
    pub source_dir: Option<std::path::PathBuf>,
    /// Footnote numbers by label, in the order of their first reference.
    pub footnotes: std::collections::BTreeMap<String, usize>,
}

/// What was loaded or laid out once and is reused (shaped text is cached by the typesetter).
#[derive(Default)]
pub struct Caches {
    pub images: ImageCache,
    /// Mermaid diagrams laid out so far (see `diagram::build_cached`).
    pub diagrams: crate::diagram::Cache,
    /// Code blocks highlighted so far.
    pub highlights: crate::highlight::Cache,
}

/// What layout found besides the warnings: every box that failed (layout goes on to report
/// all at once) and the scale each box got.
#[derive(Default)]
pub struct Diagnostics {
    pub errors: Vec<crate::error::HanjiError>,
    pub fits: Vec<super::sheet::BoxFit>,
}

impl<'a> std::ops::Deref for Ctx<'a> {
    type Target = Typesetter<'a>;
    fn deref(&self) -> &Typesetter<'a> {
        &self.typo
    }
}

impl std::ops::DerefMut for Ctx<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.typo
    }
}

impl<'a> Ctx<'a> {
    /// A context whose images are read from `source_dir`.
    pub fn new(book: &'a FontBook, style: &'a Style, source_dir: &std::path::Path) -> Ctx<'a> {
        Ctx::reading(book, style, Some(source_dir))
    }

    /// A context whose images are read from `source_dir`, or from nowhere (`None`).
    pub fn reading(book: &'a FontBook, style: &'a Style, source_dir: Option<&std::path::Path>) -> Ctx<'a> {
        Ctx {
            typo: Typesetter::new(book, style),
            inputs: Inputs {
                lang: String::new(),
                source_dir: source_dir.map(std::path::Path::to_path_buf),
                footnotes: Default::default(),
            },
            caches: Caches::default(),
            diagnostics: Diagnostics::default(),
            box_name: String::new(),
            max_height: None,
            figure_boost: 1.0,
            figures_in_row: false,
            figure_stretch: 1.0,
            figure_area: 0.0,
            figure_scale: f32::INFINITY,
            figure_rows: Default::default(),
            heading_scale: 1.0,
            draft: false,
            table_rows: Vec::new(),
            header_height: 0.0,
        }
    }

    /// Lays a block out once at `width` as a piece that can be placed and cut. With
    /// `breaks`, it records where the block may be cut (a flowing document needs that).
    pub fn piece(&mut self, block: &Block, accent: Color, width: f32, breaks: bool) -> Result<Piece> {
        // Inside a piece that records its cuts, nested blocks record theirs too.
        let outer = self.typo.line_log.take();
        let logging = (breaks || outer.is_some()) && self.mute == 0;
        self.typo.line_log = logging.then(Vec::new);
        let mut items = Vec::new();
        let result = self.block(block, accent, 0.0, 0.0, width, &mut items);
        let log = std::mem::replace(&mut self.typo.line_log, outer);
        let extent = result?;
        let height = extent.height;
        let cut = match block {
            Block::Paragraph { .. } | Block::List { .. } | Block::Table { .. } | Block::Footnote { .. } => {
                Cut::Anywhere
            }
            Block::Code { .. } | Block::Quote { .. } => Cut::WhenTaller,
            _ => Cut::Never,
        };
        let mut cuts = match (block, log) {
            (Block::Table { .. }, Some(_)) => std::mem::take(&mut self.table_rows),
            (_, Some(log)) if cut != Cut::Never => log,
            _ => Vec::new(),
        };
        if !cuts.is_empty() {
            let uncuttable = super::piece::Uncuttable::of(&items);
            cuts.retain(|&b| b > 0.5 && b < height - 0.5 && !uncuttable.crosses(b));
        }
        cuts.sort_by(f32::total_cmp);
        cuts.dedup_by(|a, b| (*a - *b).abs() < 0.5);
        let header = match block {
            Block::Table { .. } => self.header_height,
            _ => 0.0,
        };
        let footnotes =
            if self.inputs.footnotes.is_empty() { Vec::new() } else { super::piece::footnote_refs(&items) };
        Ok(Piece {
            height,
            items,
            breaks: cuts,
            cut,
            keep_with_next: matches!(block, Block::Heading { .. }),
            header,
            footnotes,
            line: block.line(),
        })
    }

    /// Inlines → styled text, with `base` as the style of plain text.
    pub fn styled(&self, inlines: &[Inline], base: &TextStyle, accent: Color, line: usize) -> StyledText {
        let em = base.size * self.style.fonts.size_factor(base.font);
        let mut out = StyledText { line, base: Some((base.font, base.size, em)), ..StyledText::default() };
        self.push_inlines(inlines, base, accent, &mut out);
        out
    }

    fn push_inlines(&self, inlines: &[Inline], style: &TextStyle, accent: Color, out: &mut StyledText) {
        let fonts = &self.style.fonts;
        for inline in inlines {
            match inline {
                Inline::Text(text) => out.push(text, style),
                Inline::LineBreak => out.push("\n", style),
                Inline::Math(tex) => {
                    let em = crate::math::em_for(
                        self.book,
                        style.font,
                        style.size * fonts.size_factor(style.font),
                    );
                    let setting = crate::math::Setting {
                        book: self.book,
                        em,
                        color: style.color,
                        fallback: style.font,
                        display: false,
                    };
                    // Pieces a line may end after (each relation and operator), each one object
                    // replacement character standing for its formula; the whole when a piece
                    // does not stand alone.
                    let pieces = crate::math::inline_pieces(tex);
                    let set: std::result::Result<Vec<_>, _> =
                        pieces.iter().map(|p| crate::math::typeset_cached(p, &setting)).collect();
                    let set = match set {
                        Ok(set) if set.len() > 1 => Ok(set),
                        _ => crate::math::typeset_cached(tex, &setting).map(|f| vec![f]),
                    };
                    match set {
                        Ok(set) => {
                            let last = set.len() - 1;
                            for (i, formula) in set.into_iter().enumerate() {
                                let formula = if i < last {
                                    std::sync::Arc::new(crate::math::Formula {
                                        breaks_after: true,
                                        ..(*formula).clone()
                                    })
                                } else {
                                    formula
                                };
                                out.push("\u{FFFC}", &TextStyle { formula: Some(formula), ..style.clone() });
                            }
                        }
                        Err(_) => out.push(tex, style),
                    }
                }
                Inline::Code(text) => {
                    let code = TextStyle {
                        font: fonts.code,
                        size: style.size * 0.88,
                        background: Some(accent.tint(self.style.code_tint * 0.88)),
                        ..style.clone()
                    };
                    out.push(text, &code);
                }
                Inline::Strong(children) => {
                    let strong = TextStyle { font: fonts.bold, fake_bold: fonts.fake_bold, ..style.clone() };
                    self.push_inlines(children, &strong, accent, out);
                }
                Inline::Emph(children) => {
                    let emph = TextStyle { color: accent, ..style.clone() };
                    self.push_inlines(children, &emph, accent, out);
                }
                Inline::Mark(children) => {
                    let marked = TextStyle { mark: Some(self.style.mark), ..style.clone() };
                    self.push_inlines(children, &marked, accent, out);
                }
                Inline::Strike(children) => {
                    let struck = TextStyle { strike: true, ..style.clone() };
                    self.push_inlines(children, &struck, accent, out);
                }
                Inline::FootnoteRef(label) => match self.inputs.footnotes.get(label) {
                    Some(&number) => {
                        let mark = TextStyle {
                            link: Some(format!("{}{label}", super::piece::FOOTNOTE_LINK)),
                            color: accent,
                            ..style.clone()
                        };
                        out.push(&superscript(number), &mark);
                    }
                    None => out.push(&format!("[^{label}]"), style),
                },
                Inline::Link { url, children } => {
                    let link_color = self.style.color("blue").unwrap_or(accent);
                    let link = TextStyle {
                        link: Some(pdf_link(url)),
                        underline: true,
                        color: link_color,
                        ..style.clone()
                    };
                    self.push_inlines(children, &link, accent, out);
                }
            }
        }
    }

    fn gap(&self) -> f32 {
        self.style.text.paragraph_gap * self.style.text.size * self.scale
    }

    /// Lays out blocks top to bottom; returns the total extent.
    pub fn blocks(
        &mut self,
        blocks: &[Block],
        accent: Color,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Result<Extent> {
        let mut cursor = y;
        let mut first_baseline = None;
        let mut i = 0;
        while i < blocks.len() {
            if i > 0 {
                cursor += self.gap();
            }
            let run = if self.figures_in_row { diagram_run(&blocks[i..]) } else { 1 };
            let piece = if run >= 2 {
                self.figure_row(&blocks[i..i + run], accent, width)?
            } else {
                self.piece(&blocks[i], accent, width, false)?
            };
            i += run.max(1);
            if first_baseline.is_none() {
                first_baseline = piece_baseline(&piece).map(|b| b + cursor - y);
            }
            if let Some(log) = self.typo.line_log.as_mut().filter(|_| self.typo.mute == 0) {
                log.extend(piece.breaks.iter().map(|b| b + cursor));
                log.push(cursor + piece.height);
            }
            cursor += piece.height;
            out.push(Group::moved(x, cursor - piece.height, piece.items));
        }
        Ok(Extent { height: cursor - y, first_baseline })
    }

    /// A mermaid block laid out at `width` with its spacing `stretch` times the natural (once
    /// per layout: see `diagram::build_cached`).
    fn diagram(
        &mut self,
        text: &str,
        line: usize,
        accent: Color,
        width: f32,
        stretch: f32,
    ) -> Result<std::rc::Rc<crate::diagram::Diagram>> {
        let mut sources = crate::diagram::media::Sources {
            images: &mut self.caches.images,
            folder: self.inputs.source_dir.as_deref(),
        };
        crate::diagram::build_cached(
            &mut self.typo,
            &mut sources,
            &mut self.caches.diagrams,
            text,
            line,
            accent,
            width,
            stretch,
        )
    }

    /// Diagrams side by side: each in a column as wide as its share of their natural widths,
    /// centred on the row's middle.
    fn figure_row(&mut self, run: &[Block], accent: Color, width: f32) -> Result<Piece> {
        let gap = 2.0 * self.gap();
        let room = (width - gap * (run.len() - 1) as f32).max(1.0);
        let mut naturals = Vec::with_capacity(run.len());
        for block in run {
            if let Block::Mermaid { text, line } = block {
                let diagram = self.diagram(text, *line, accent, room, self.figure_stretch)?;
                naturals.push(diagram.size().0.max(1.0));
            }
        }
        let total: f32 = naturals.iter().sum();
        let widths: Vec<f32> = naturals.iter().map(|n| room * n / total).collect();
        // One scale for the row: the largest at which every diagram fits its column.
        let mut common = f32::INFINITY;
        for (block, &column) in run.iter().zip(&widths) {
            if let Block::Mermaid { text, line } = block {
                let diagram = self.diagram(text, *line, accent, column, self.figure_stretch)?;
                common = common.min(column / diagram.size().0.max(1.0));
            }
        }
        let boost = self.figure_boost;
        self.figure_boost = boost.min(common / self.scale.max(0.05));
        let mut columns = Vec::with_capacity(run.len());
        let mut x = 0.0;
        for (block, &column) in run.iter().zip(&widths) {
            let piece = self.piece(block, accent, column, false);
            let piece = match piece {
                Ok(piece) => piece,
                Err(e) => {
                    self.figure_boost = boost;
                    return Err(e);
                }
            };
            columns.push((x, piece));
            x += column + gap;
        }
        self.figure_boost = boost;
        let height = columns.iter().map(|(_, p)| p.height).fold(0.0f32, f32::max);
        let items = columns
            .into_iter()
            .map(|(x, piece)| Group::moved(x, (height - piece.height) / 2.0, piece.items))
            .collect();
        Ok(Piece::whole(height, items, run[0].line()))
    }

    fn block(
        &mut self,
        block: &Block,
        accent: Color,
        x: f32,
        y: f32,
        width: f32,
        tagged: &mut Vec<FrameItem>,
    ) -> Result<Extent> {
        let mut items = Vec::new();
        let out = &mut items;
        let mut role = block_role(block);
        let extent = match block {
            Block::Paragraph { inlines, line } => {
                let text = self.styled(inlines, &self.body_style(), accent, *line);
                self.text(text, x, y, width, Align::Left, out)
            }
            Block::Heading { inlines, line, .. } => {
                let style = self.heading_style(self.style.boxes.subsection_size, accent);
                let text = self.styled(inlines, &style, accent, *line);
                self.mute += 1;
                let extent = self.text(text, x, y, width, Align::Left, out);
                self.mute -= 1;
                extent
            }
            Block::Footnote { label, blocks, .. } => {
                self.footnote(label, blocks, accent, x, y, width, out)?
            }
            Block::List { start, items, .. } => self.list(*start, items, accent, x, y, width, out)?,
            Block::Quote { blocks, line, alert: None } => {
                self.quote(blocks, *line, accent, x, y, width, out)?
            }
            Block::Quote { blocks, line, alert: Some(kind) } => {
                self.alert(*kind, blocks, *line, accent, x, y, width, out)?
            }
            Block::Table { aligns, header, rows, line } => {
                self.table(aligns, header, rows, *line, accent, x, y, width, out)?
            }
            Block::Code { lang, text, line } => {
                self.code_block(lang.as_deref(), text, *line, accent, x, y, width, out)
            }
            Block::Mermaid { text, line } => {
                let mut diagram = self.diagram(text, *line, accent, width, self.figure_stretch)?;
                // A diagram too wide for its box first closes up its gaps between nodes.
                if width / diagram.size().0 < diagram.min_scale() {
                    let tight = self.diagram(text, *line, accent, width, TIGHT_SPACING)?;
                    if width / tight.size().0 >= tight.min_scale() {
                        diagram = tight;
                    }
                }
                // A left-to-right flowchart still too wide for its box is drawn top to bottom.
                if width / diagram.size().0 < diagram.min_scale() {
                    if let Some(turned) = turned_top_to_bottom(text) {
                        let tall = self.diagram(&turned, *line, accent, width, self.figure_stretch)?;
                        if width / tall.size().0 >= tall.min_scale() {
                            self.typo.warnings.push(crate::error::Warning {
                                line: Some(*line),
                                message: format!(
                                    "the flowchart is too wide for box `{}` left to right: drawn top to bottom (write `TB` to say so, or give the box more width)",
                                    self.box_name
                                ),
                            });
                            diagram = tall;
                        }
                    }
                }
                let (w, h) = diagram.size();
                let (fit, min) = (width / w, diagram.min_scale());
                let (fit, min) = self.fit_height(fit, min, h, diagram.kind(), *line)?;
                if fit < min {
                    return Err(HanjiError::at(
                        None,
                        *line,
                        format!(
                            "the {} diagram does not fit box `{}`: at the smallest text size ({} pt) it needs {:.1} mm of width, the box has {:.1} mm; give the box more width or shorten the labels",
                            diagram.kind(),
                            self.box_name,
                            self.style.text.min_size,
                            w * min * 25.4 / 72.0,
                            width * 25.4 / 72.0
                        ),
                    ));
                }
                // Shrinks with the box, but never below its smallest readable size; grows
                // into the room its box leaves, never wider than the box.
                let scale = (self.scale * self.figure_boost).max(min).min(fit);
                self.figure_area += w * h * scale * scale;
                self.figure_scale = self.figure_scale.min(scale);
                self.mute += 1;
                if !self.measuring {
                    diagram.draw(self, x + (width - w * scale) / 2.0, y, scale, out);
                }
                self.mute -= 1;
                // Only a drawn diagram needs its alt text (a measuring pass throws it away).
                let alt = if self.measuring { String::new() } else { diagram.describe(&self.inputs.lang) };
                role = Role::Figure { alt };
                Extent { height: h * scale, first_baseline: None }
            }
            Block::Image { src, alt, line } => self.image(src, alt, *line, x, y, width, out)?,
            Block::Math { tex, line } => self.display_math(tex, *line, x, y, width, out),
            // Validation keeps page breaks out of sheets; a flowing layout breaks the page.
            Block::PageBreak { .. } => Extent { height: 0.0, first_baseline: None },
            Block::Rule { .. } => {
                let mid = y + self.gap();
                out.push(dashed(
                    Point::new(x, mid),
                    Point::new(x + width, mid),
                    accent.tint(0.5),
                    0.6 * self.scale,
                ));
                Extent { height: 2.0 * self.gap(), first_baseline: None }
            }
        };
        tagged.push(Group::tagged(role, items));
        Ok(extent)
    }

    #[allow(clippy::too_many_arguments)]
    fn list(
        &mut self,
        start: Option<u64>,
        items: &[crate::model::ListItem],
        accent: Color,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Result<Extent> {
        let indent = self.style.text.list_indent * self.style.text.size * self.scale;
        let mut cursor = y;
        let mut first_baseline = None;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                cursor += self.gap() * 0.4;
            }
            let mut content = Vec::new();
            let extent =
                self.blocks(&item.blocks, accent, x + indent, cursor, width - indent, &mut content)?;
            let baseline = extent.first_baseline.unwrap_or(0.0);
            if let Some(done) = item.task {
                if done && matches!(item.blocks.first(), Some(Block::Paragraph { .. })) {
                    // A done task's words step back; what is nested under it does not.
                    if let Some(first) = content.first_mut() {
                        fade_text(std::slice::from_mut(first), self.style.page.paper);
                    }
                }
                let key = format!("task{}-{i}", item.blocks.first().map_or(0, Block::line));
                let label = self.check_box(done, accent, x, cursor + baseline, &key);
                content.insert(0, Group::tagged(Role::Label, label));
                out.push(Group::tagged(Role::ListItem, content));
                if first_baseline.is_none() {
                    first_baseline = Some(cursor - y + baseline);
                }
                cursor += extent.height;
                continue;
            }
            let marker = match start {
                Some(n) => format!("{}.", n + i as u64),
                None => "•".to_string(),
            };
            let marker_style = TextStyle {
                color: accent,
                fake_bold: start.is_some() && self.style.fonts.fake_bold,
                ..self.body_style()
            };
            let mut marker_text = StyledText::default();
            marker_text.push(&marker, &marker_style);
            let mut marker_items = Vec::new();
            self.mute += 1;
            let marker_extent = self.text(marker_text, x, cursor, indent, Align::Left, &mut marker_items);
            self.mute -= 1;
            // Sit the marker on the item's first baseline.
            let shift = baseline - marker_extent.first_baseline.unwrap_or(baseline);
            let marker = Group::moved(0.0, shift, vec![Group::tagged(Role::Label, marker_items)]);
            content.insert(0, marker);
            out.push(Group::tagged(Role::ListItem, content));
            if first_baseline.is_none() {
                first_baseline = Some(cursor - y + baseline);
            }
            cursor += extent.height;
        }
        Ok(Extent { height: cursor - y, first_baseline })
    }

    /// A task's check box standing on the item's first baseline: a hand-drawn square, ticked
    /// when done. The drawing is decoration; the box's state is read as `☐` or `☑`.
    fn check_box(&self, done: bool, accent: Color, x: f32, baseline: f32, key: &str) -> Vec<FrameItem> {
        let s = self.scale;
        let side = 0.66 * self.style.text.size * s;
        let bottom = baseline + 0.06 * side;
        let square = Rect::new(x + 0.5 * s, bottom - side, side, side);
        let mut jitter = Jitter::from_key(key);
        let pen =
            |width: f32| Stroke { paint: Paint::solid(accent), width, dash: Vec::new(), cap: LineCap::Round };
        let mut drawing = vec![FrameItem::Path(PathItem {
            segments: rounded_rect(square, 0.18 * side, self.style.boxes.wobble * 0.4, &mut jitter),
            fill: Some(Paint { color: accent.tint(0.9), alpha: 0.8 }),
            stroke: Some(pen(0.09 * side)),
        })];
        if done {
            // A pen tick: down into the box, then a long stroke out past its top right corner.
            let (l, t, w) = (square.x, square.y, side);
            let bend = jitter.signed() * 0.04 * w;
            drawing.push(FrameItem::Path(PathItem {
                segments: vec![
                    Segment::MoveTo(Point::new(l + 0.2 * w, t + 0.5 * w)),
                    Segment::LineTo(Point::new(l + 0.43 * w, t + 0.78 * w)),
                    Segment::CubicTo(
                        Point::new(l + 0.6 * w + bend, t + 0.4 * w),
                        Point::new(l + 0.85 * w, t + 0.05 * w + bend),
                        Point::new(l + 1.15 * w, t - 0.22 * w),
                    ),
                ],
                fill: None,
                stroke: Some(pen(0.14 * side)),
            }));
        }
        let body = self.body_style();
        let size = body.size * self.style.fonts.size_factor(body.font) * s;
        vec![
            Group::tagged(Role::Artifact, drawing),
            FrameItem::HiddenText(crate::frame::HiddenText {
                font: body.font,
                size,
                rect: square,
                baseline,
                text: if done { "\u{2611}" } else { "\u{2610}" }.to_string(),
            }),
        ]
    }

    /// A GitHub alert: a panel tinted in the kind's colour with a coloured edge, its icon and
    /// title on the first line, then its blocks, set as in the box and coloured by the kind.
    #[allow(clippy::too_many_arguments)]
    fn alert(
        &mut self,
        kind: AlertKind,
        blocks: &[Block],
        line: usize,
        accent: Color,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Result<Extent> {
        let s = self.scale;
        let color = self.style.color(kind.color_name()).unwrap_or(accent);
        let pad = 3.0 * s;
        let edge = 1.8 * s;
        let left = x + pad + 2.0 * edge;
        let inner_width = (width - (left - x) - pad).max(1.0);
        let mut content = Vec::new();
        let mut cursor = y + pad;
        let title_style = TextStyle { size: self.style.text.size, ..self.heading_style(0.0, color) };
        let mut title = StyledText { line, ..StyledText::default() };
        title.push(&format!("{} {}", kind.icon(), kind.title(&self.inputs.lang)), &title_style);
        let mut title_items = Vec::new();
        self.mute += 1;
        let extent = self.text(title, left, cursor, inner_width, Align::Left, &mut title_items);
        self.mute -= 1;
        content.push(Group::tagged(Role::Paragraph, title_items));
        cursor += extent.height;
        for block in blocks {
            cursor += self.gap();
            let extent = self.block(block, color, left, cursor, inner_width, &mut content)?;
            cursor += extent.height;
        }
        let height = cursor + pad - y;
        let mut jitter = Jitter::from_key(&format!("alert{line}"));
        let wobble = self.style.boxes.wobble * 0.5;
        out.push(FrameItem::Path(PathItem {
            segments: rounded_rect(Rect::new(x, y, width, height), 2.0 * s, wobble, &mut jitter),
            fill: Some(Paint::solid(color.tint(self.style.quote.tint + 0.04))),
            stroke: Some(Stroke {
                paint: Paint { color, alpha: 0.3 },
                width: 0.5 * s,
                dash: Vec::new(),
                cap: LineCap::Round,
            }),
        }));
        // The coloured edge: one marker stroke down the panel's left side.
        let mut segments = Vec::new();
        let edge_x = x + edge;
        let (top, bottom) = (y + 1.6 * s, y + height - 1.6 * s);
        crate::pen::wobbly_line(
            Point::new(edge_x, top),
            Point::new(edge_x, bottom),
            wobble,
            &mut jitter,
            &mut segments,
            true,
        );
        out.push(FrameItem::Path(PathItem {
            segments,
            fill: None,
            stroke: Some(Stroke {
                paint: Paint::solid(color),
                width: edge,
                dash: Vec::new(),
                cap: LineCap::Round,
            }),
        }));
        out.extend(content);
        Ok(Extent { height, first_baseline: None })
    }

    #[allow(clippy::too_many_arguments)]
    fn quote(
        &mut self,
        blocks: &[Block],
        line: usize,
        accent: Color,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Result<Extent> {
        let s = self.scale;
        let pad = 3.0 * s;
        let mark_space = 12.0 * s;
        let (body, attribution) = split_attribution(blocks);
        let mut content = Vec::new();
        let inner_width = width - 2.0 * (pad + mark_space);
        let mut cursor = y + pad;
        let attribution_style =
            TextStyle { size: self.style.quote.size * 0.75, color: accent, ..self.body_style() };
        let mut attribution = attribution;
        for (i, block) in body.iter().enumerate() {
            if i > 0 {
                cursor += self.gap();
            }
            let extent = match block {
                Block::Paragraph { inlines, line } => {
                    let base = TextStyle { size: self.style.quote.size, ..self.body_style() };
                    let mut text = self.styled(inlines, &base, accent, *line);
                    // The attribution follows the last paragraph on its line when it fits.
                    if i + 1 == body.len() {
                        if let Some((credit, _)) = attribution.take() {
                            text.push("\u{2002}", &attribution_style);
                            self.push_inlines(credit, &attribution_style, accent, &mut text);
                        }
                    }
                    self.text(text, x + pad + mark_space, cursor, inner_width, Align::Center, &mut content)
                }
                other => {
                    self.block(other, accent, x + pad + mark_space, cursor, inner_width, &mut content)?
                }
            };
            cursor += extent.height;
        }
        if let Some((inlines, line)) = attribution {
            let text = self.styled(inlines, &attribution_style, accent, line);
            let extent =
                self.text(text, x + pad + mark_space, cursor, inner_width, Align::Center, &mut content);
            cursor += extent.height;
        }
        let height = cursor + pad - y;
        let card = Rect::new(x, y, width, height);
        let mut jitter = Jitter::from_key(&format!("quote{line}"));
        let path = rounded_rect(card, 3.0 * s, self.style.boxes.wobble * 0.5, &mut jitter);
        out.push(FrameItem::Path(PathItem {
            segments: path,
            fill: Some(Paint::solid(accent.tint(self.style.quote.tint))),
            stroke: Some(Stroke {
                paint: Paint { color: accent, alpha: 0.45 },
                width: 0.6 * s,
                dash: Vec::new(),
                cap: LineCap::Round,
            }),
        }));
        let mark_color = accent.tint(self.style.quote.mark_color_tint);
        let mark_size = self.style.quote.size * 2.2 * s;
        let mark_style = TextStyle {
            font: self.style.fonts.heading,
            size: self.style.quote.size * 2.2,
            color: mark_color,
            ..self.body_style()
        };
        self.mute += 1;
        for (glyph, mx, my) in [
            ("\u{201C}", x + pad * 0.5, y - mark_size * 0.12),
            ("\u{201D}", x + width - pad * 0.5 - mark_space, y + height - mark_size * 0.62),
        ] {
            let mut t = StyledText::default();
            t.push(glyph, &mark_style);
            self.text(t, mx, my, mark_space + pad, Align::Left, out);
        }
        self.mute -= 1;
        out.extend(content);
        Ok(Extent { height, first_baseline: None })
    }

    #[allow(clippy::too_many_arguments)]
    fn table(
        &mut self,
        aligns: &[ColumnAlign],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        line: usize,
        accent: Color,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Result<Extent> {
        let s = self.scale;
        let columns = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        let pad = 2.5 * s;
        let widths = self.column_widths(header, rows, columns, accent, width, 2.0 * pad, line)?;
        let mut cursor = y;
        let mut body = Vec::new();
        let mut fills = Vec::new();
        let mut rules = Vec::new();
        let mut row_ends = Vec::new();
        self.mute += 1;
        let all_rows = std::iter::once((true, header)).chain(rows.iter().map(|r| (false, r.as_slice())));
        for (is_header, cells) in all_rows {
            let mut row_items = Vec::new();
            let mut row_height: f32 = 0.0;
            let mut cx = x;
            for (c, cell_width) in widths.iter().enumerate() {
                let empty = Vec::new();
                let cell = cells.get(c).unwrap_or(&empty);
                let base = self.cell_style(is_header, accent);
                let align = match aligns.get(c) {
                    Some(ColumnAlign::Center) => Align::Center,
                    Some(ColumnAlign::Right) => Align::Right,
                    _ => Align::Left,
                };
                let mut text = self.styled(cell, &base, accent, line);
                text.no_hyphens = true;
                let mut cell_items = Vec::new();
                let extent = self.text(
                    text,
                    cx + pad,
                    cursor + pad * 0.5,
                    cell_width - 2.0 * pad,
                    align,
                    &mut cell_items,
                );
                let role = if is_header { Role::TableHeader } else { Role::TableCell };
                row_items.push(Group::tagged(role, cell_items));
                row_height = row_height.max(extent.height + pad);
                cx += cell_width;
            }
            if is_header {
                fills.push(FrameItem::Path(PathItem {
                    segments: rect_path(Rect::new(x, cursor, width, row_height)),
                    fill: Some(Paint { color: accent.tint(0.8), alpha: 0.7 }),
                    stroke: None,
                }));
            }
            cursor += row_height;
            row_ends.push(cursor - y);
            rules.push(line_item(
                Point::new(x, cursor),
                Point::new(x + width, cursor),
                accent.tint(if is_header { 0.2 } else { 0.55 }),
                if is_header { 0.8 * s } else { 0.45 * s },
            ));
            body.push(Group::tagged(Role::TableRow, row_items));
        }
        self.mute -= 1;
        // A cut leaves the header and at least one row above it.
        self.header_height = row_ends.first().copied().unwrap_or(0.0);
        // Two body rows at least on either side of a cut when the table has four or more.
        let keep = if row_ends.len() > 4 { 2 } else { 1 };
        let last = row_ends.len().saturating_sub(keep);
        self.table_rows = row_ends.get(keep..last).map(<[f32]>::to_vec).unwrap_or_default();
        fills.extend(rules);
        out.push(Group::tagged(Role::Artifact, fills));
        out.extend(body);
        Ok(Extent { height: cursor - y, first_baseline: None })
    }

    /// An image at the full width, its height from its aspect ratio (narrower when taller
    /// than `max_height`). A remote image is never fetched: a framed placeholder shows its alt
    /// text and address.
    #[allow(clippy::too_many_arguments)]
    fn image(
        &mut self,
        src: &str,
        alt: &str,
        line: usize,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Result<Extent> {
        if crate::image::is_remote(src) {
            self.typo.warnings.push(crate::error::Warning {
                line: Some(line),
                message: format!("image `{src}` is not fetched (Hanji reads no network): a placeholder stands for it; save the image beside the source to show it"),
            });
            return Ok(self.image_placeholder(src, alt, line, x, y, width, out));
        }
        let picture =
            self.caches.images.load(src, self.inputs.source_dir.as_deref(), line, &mut self.typo.warnings)?;
        let mut height = width / picture.aspect();
        let mut x = x;
        let mut width = width;
        if let Some(max) = self.max_height.filter(|m| height > *m) {
            let narrower = width * max / height;
            x += (width - narrower) / 2.0;
            width = narrower;
            height = max;
        }
        match picture {
            Picture::Vector(drawing) => {
                let scale = width / drawing.width;
                out.extend(drawing.placed(x, y, scale).map(FrameItem::Path));
            }
            Picture::Raster(image) => {
                out.push(FrameItem::Image(ImageItem { rect: Rect::new(x, y, width, height), image }));
            }
        }
        Ok(Extent { height, first_baseline: None })
    }

    fn cell_style(&self, is_header: bool, accent: Color) -> TextStyle {
        if is_header {
            TextStyle {
                font: self.style.fonts.bold,
                fake_bold: self.style.fonts.fake_bold,
                color: accent,
                ..self.body_style()
            }
        } else {
            self.body_style()
        }
    }

    /// Column widths from the content, as browsers size auto tables: every column gets at
    /// least its longest word; what is left goes to the columns whose text wants more room.
    #[allow(clippy::too_many_arguments)]
    fn column_widths(
        &mut self,
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        columns: usize,
        accent: Color,
        width: f32,
        padding: f32,
        line: usize,
    ) -> Result<Vec<f32>> {
        let mut min = vec![padding; columns];
        let mut max = vec![padding; columns];
        let all_rows = std::iter::once((true, header)).chain(rows.iter().map(|r| (false, r.as_slice())));
        for (is_header, cells) in all_rows {
            for (c, cell) in cells.iter().enumerate().take(columns) {
                let text = self.styled(cell, &self.cell_style(is_header, accent), accent, line);
                let (lo, hi) = self.measure(text);
                min[c] = min[c].max(lo + padding);
                max[c] = max[c].max(hi + padding);
            }
        }
        let (sum_min, sum_max): (f32, f32) = (min.iter().sum(), max.iter().sum());
        if sum_max <= width {
            // Everything fits on one line: share the rest in proportion to the content.
            return Ok(max.iter().map(|m| m * width / sum_max).collect());
        }
        if sum_min > width + 0.5 {
            let mm = |pt: f32| pt * 25.4 / 72.0;
            return Err(HanjiError::at(
                None,
                line,
                format!(
                    "the table in box `{}` is wider than the box: its columns need at least {:.1} mm for their longest words, the box has {:.1} mm; shorten the longest words or give the box more width",
                    self.box_name, mm(sum_min), mm(width)
                ),
            ));
        }
        let want = sum_max - sum_min;
        if want <= 0.0 {
            return Ok(min);
        }
        Ok(min.iter().zip(&max).map(|(lo, hi)| lo + (width - sum_min).max(0.0) * (hi - lo) / want).collect())
    }

    /// A framed box with an image's alt text and address, for an image Hanji does not fetch.
    #[allow(clippy::too_many_arguments)]
    fn image_placeholder(
        &mut self,
        src: &str,
        alt: &str,
        line: usize,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Extent {
        let s = self.scale;
        let pad = 4.0 * s;
        let ink = self.style.page.ink;
        let mut content = Vec::new();
        let mut text = StyledText { line, ..StyledText::default() };
        let caption = if alt.trim().is_empty() { "image" } else { alt.trim() };
        text.push(&format!("\u{1F5BC} {caption}\n"), &self.body_style());
        let small =
            TextStyle { size: self.style.text.size * 0.8, color: ink.tint(0.35), ..self.body_style() };
        text.push(src, &TextStyle { link: Some(src.to_string()), ..small });
        text.no_hyphens = true;
        let extent = self.text(text, x + pad, y + pad, width - 2.0 * pad, Align::Center, &mut content);
        let height = extent.height + 2.0 * pad;
        out.push(Group::tagged(
            Role::Artifact,
            vec![FrameItem::Path(PathItem {
                segments: rect_path(Rect::new(x, y, width, height)),
                fill: Some(Paint::solid(ink.tint(0.93))),
                stroke: Some(Stroke {
                    paint: Paint { color: ink, alpha: 0.5 },
                    width: 0.6 * s,
                    dash: vec![3.0, 2.0],
                    cap: LineCap::Butt,
                }),
            })],
        ));
        out.extend(content);
        Extent { height, first_baseline: None }
    }

    /// A footnote's text: its number, then its blocks, a little smaller than the body.
    #[allow(clippy::too_many_arguments)]
    pub fn footnote(
        &mut self,
        label: &str,
        blocks: &[Block],
        accent: Color,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Result<Extent> {
        let number =
            self.inputs.footnotes.get(label).map_or_else(|| format!("[^{label}]"), |n| n.to_string());
        let saved = self.scale;
        self.scale *= FOOTNOTE_SCALE;
        let mut numbered = blocks.to_vec();
        let mark = Inline::Strong(vec![Inline::Text(format!("{number}\u{2002}"))]);
        match numbered.first_mut() {
            Some(Block::Paragraph { inlines, .. }) => inlines.insert(0, mark),
            _ => numbered.insert(0, Block::Paragraph { inlines: vec![mark], line: 0 }),
        }
        let result = self.blocks(&numbered, accent, x, y, width, out);
        self.scale = saved;
        result
    }

    /// The scale of a figure of natural height `h`: `fit` narrowed so it is no taller than
    /// `max_height`, never under `min`; taller than that is an error.
    fn fit_height(&mut self, fit: f32, min: f32, h: f32, kind: &str, line: usize) -> Result<(f32, f32)> {
        let Some(max) = self.max_height else { return Ok((fit, min)) };
        let tall = max / h;
        if tall >= fit.min(self.scale.max(min)) {
            return Ok((fit, min));
        }
        if tall < min {
            return Err(HanjiError::at(
                None,
                line,
                format!(
                    "the {kind} diagram is taller than a column even at the smallest text size ({} pt): it needs {:.1} mm, a column has {:.1} mm; split it into smaller diagrams",
                    self.style.text.min_size,
                    h * min * 25.4 / 72.0,
                    max * 25.4 / 72.0
                ),
            ));
        }
        self.typo.warnings.push(crate::error::Warning {
            line: Some(line),
            message: format!(
                "the {kind} diagram was scaled to {} % to fit the height of a column",
                (tall * 100.0).floor()
            ),
        });
        Ok((tall, min))
    }

    /// A displayed formula, centred, with a little room above and below; narrowed to the
    /// width when wider (with a warning), never split.
    fn display_math(
        &mut self,
        tex: &str,
        line: usize,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Extent {
        let body = self.body_style();
        let em =
            crate::math::em_for(self.book, body.font, body.size * self.style.fonts.size_factor(body.font));
        let setting = crate::math::Setting {
            book: self.book,
            em,
            color: body.color,
            fallback: body.font,
            display: true,
        };
        let formula = match crate::math::typeset_cached(tex, &setting) {
            Ok(formula) => formula,
            Err(e) => {
                self.typo.warnings.push(crate::error::Warning {
                    line: Some(line),
                    message: format!("the formula cannot be set ({}): its TeX is printed instead", e.message),
                });
                let text = self.styled(&[Inline::Code(tex.to_string())], &body, body.color, line);
                return self.text(text, x, y, width, Align::Center, out);
            }
        };
        let mut scale = self.scale;
        if formula.width * scale > width {
            let fit = width / formula.width.max(0.1);
            self.typo.warnings.push(crate::error::Warning {
                line: Some(line),
                message: format!(
                    "the formula is wider than box `{}`: set at {} % of the text's size; break it with `aligned`, or give the box more width",
                    self.box_name,
                    (fit / scale * 100.0).floor()
                ),
            });
            scale = fit;
        }
        let pad = 0.25 * self.style.text.size * self.scale;
        let left = x + (width - formula.width * scale) / 2.0;
        out.push(FrameItem::Group(crate::frame::Group {
            x: left,
            y: y + pad + formula.height * scale,
            items: formula.scaled(scale),
            role: None,
        }));
        Extent { height: (formula.height + formula.depth) * scale + 2.0 * pad, first_baseline: None }
    }

    /// Fenced code: preformatted text in the code font on a tinted panel.
    #[allow(clippy::too_many_arguments)]
    fn code_block(
        &mut self,
        lang: Option<&str>,
        text: &str,
        line: usize,
        accent: Color,
        x: f32,
        y: f32,
        width: f32,
        out: &mut Vec<FrameItem>,
    ) -> Extent {
        let s = self.scale;
        let pad = 3.0 * s;
        let mut content = Vec::new();
        // As large as inline code, which stays above `text.min_size`.
        let size = self.style.text.size * 0.8;
        let style = TextStyle { font: self.style.fonts.code, size, ..self.body_style() };
        let mut t = StyledText { line, ..StyledText::default() };
        let text = text.trim_end_matches(['\n', '\r', ' ', '\t']);
        let highlight = &self.typo.style.highlight;
        let tokens = match lang {
            Some(lang) if highlight.enabled => self.caches.highlights.get(lang, text),
            _ => None,
        };
        match tokens {
            Some(tokens) => push_highlighted(&mut t, text, &tokens, &style, highlight),
            None => t.push(text, &style),
        }
        let shaped = self.shaped(t);
        // Code keeps its lines: a block wider than the box is set smaller first, down to
        // `CODE_SHRINK` of its size (never under the minimum size), and only then are its
        // longest lines broken, with a mark.
        let room = width - 2.0 * pad;
        let natural = natural_widths(&shaped).1 * s;
        let smallest = (self.style.text.min_size / (size * s)).clamp(CODE_SHRINK, 1.0);
        let fit = if natural > room { (room / natural).max(smallest) } else { 1.0 };
        let code_scale = s * fit;
        let mark_width = size * code_scale * 1.1;
        let (layout, continued) =
            layout_code(self.book, &shaped, room, code_scale, self.style.text.line_height, mark_width);
        if !self.measuring {
            draw_paragraph(self.book, &shaped, &layout, x + pad, y + pad, &mut content);
        }
        self.typo.log_lines(&layout.lines, y + pad);
        for &index in &continued {
            let line = &layout.lines[index];
            let mark_x = x + pad + line.indent - mark_width;
            content.push(continuation_mark(mark_x, y + pad + line.baseline, size * code_scale, accent));
        }
        let height = layout.height + 2.0 * pad;
        out.push(FrameItem::Path(PathItem {
            segments: rect_path(Rect::new(x, y, width, height)),
            fill: Some(Paint::solid(accent.tint(self.style.code_tint))),
            stroke: Some(Stroke {
                paint: Paint { color: accent, alpha: 0.35 },
                width: 0.5 * s,
                dash: Vec::new(),
                cap: LineCap::Round,
            }),
        }));
        out.extend(content);
        Extent { height, first_baseline: None }
    }
}

/// Code as spans of its tokens' colours (same font and size). White space between tokens
/// takes the colour before it, so the colour changes only where a token does (fewer runs).
fn push_highlighted(
    t: &mut StyledText,
    text: &str,
    tokens: &[crate::highlight::Token],
    plain: &TextStyle,
    colors: &crate::style::HighlightStyle,
) {
    let mut at = 0;
    let mut last = plain.clone();
    for token in tokens {
        let (Some(gap), Some(word)) = (text.get(at..token.range.start), text.get(token.range.clone())) else {
            continue;
        };
        let blank = gap.chars().all(char::is_whitespace);
        t.push(gap, if blank { &last } else { plain });
        last = TextStyle { color: colors.color(token.class), ..plain.clone() };
        t.push(word, &last);
        at = token.range.end;
    }
    if let Some(rest) = text.get(at..) {
        t.push(rest, plain);
    }
}

/// The spacing (of the natural) a diagram too wide for its box tries before turning or failing.
const TIGHT_SPACING: f32 = 0.55;

/// Code wider than its box is set at most this much smaller before its lines are broken: tiny
/// code is harder to read than a wrapped line.
const CODE_SHRINK: f32 = 0.8;

/// How many diagrams follow each other from the start of `blocks`.
fn diagram_run(blocks: &[Block]) -> usize {
    blocks.iter().take_while(|b| matches!(b, Block::Mermaid { .. })).count()
}

/// What a block is in the document's structure.
fn block_role(block: &Block) -> Role {
    match block {
        Block::Paragraph { .. } => Role::Paragraph,
        Block::Heading { level, .. } => Role::Heading(*level),
        Block::List { .. } => Role::List,
        Block::Quote { .. } => Role::Quote,
        Block::Table { .. } => Role::Table,
        Block::Code { .. } => Role::Code,
        Block::Mermaid { .. } => Role::Figure { alt: "diagram".into() },
        Block::Image { alt, .. } => Role::Figure { alt: alt.clone() },
        Block::Math { tex, .. } => Role::Formula { alt: tex.clone() },
        Block::Rule { .. } | Block::PageBreak { .. } => Role::Artifact,
        Block::Footnote { .. } => Role::Note,
    }
}

/// A `flowchart LR` / `RL` (or `graph`) source turned `TB`: its first line's direction changed.
fn turned_top_to_bottom(text: &str) -> Option<String> {
    let mut lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty() && !l.trim_start().starts_with("%%"))?;
    let mut words = lines[first].split_whitespace();
    let kind = words.next()?;
    let direction = words.next()?;
    if !matches!(kind, "flowchart" | "graph") || !matches!(direction, "LR" | "RL") {
        return None;
    }
    let turned = lines[first].replacen(direction, "TB", 1);
    lines[first] = &turned;
    Some(lines.join("\n"))
}

/// A footnote's text is set this much smaller than the body.
pub const FOOTNOTE_SCALE: f32 = 0.82;

/// A footnote number as superscript digits (copy and search give them back as such).
fn superscript(number: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    number.to_string().chars().filter_map(|c| c.to_digit(10)).map(|d| DIGITS[d as usize]).collect()
}

/// A link as the PDF points it: a relative link to another Markdown file goes to that file's
/// PDF, so a folder of notes rendered together stays linked.
fn pdf_link(url: &str) -> String {
    if url.contains("://") || url.starts_with('#') || url.starts_with("mailto:") {
        return url.to_string();
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    match path.strip_suffix(".md").or_else(|| path.strip_suffix(".markdown")) {
        Some(stem) => match fragment {
            Some(f) => format!("{stem}.pdf#{f}"),
            None => format!("{stem}.pdf"),
        },
        None => url.to_string(),
    }
}

/// The first baseline of a laid-out piece: its first glyph's.
fn piece_baseline(piece: &Piece) -> Option<f32> {
    let mut first = None;
    crate::frame::walk(&piece.items, 0.0, 0.0, &mut |item, _, dy| {
        if let (None, FrameItem::Text(run)) = (first, item) {
            first = run.glyphs.first().map(|g| g.y + dy);
        }
    });
    first
}

/// `↪` drawn as a path before a continued code line (not text: copying the code gives it
/// back as written).
fn continuation_mark(x: f32, baseline: f32, size: f32, color: Color) -> FrameItem {
    let (left, right) = (x + size * 0.15, x + size * 0.8);
    let (top, bottom) = (baseline - size * 0.62, baseline - size * 0.22);
    let head = size * 0.18;
    FrameItem::Path(PathItem {
        segments: vec![
            Segment::MoveTo(Point::new(left, top)),
            Segment::CubicTo(
                Point::new(left, bottom),
                Point::new(left, bottom),
                Point::new(left + size * 0.2, bottom),
            ),
            Segment::LineTo(Point::new(right, bottom)),
            Segment::MoveTo(Point::new(right - head, bottom - head)),
            Segment::LineTo(Point::new(right, bottom)),
            Segment::LineTo(Point::new(right - head, bottom + head)),
        ],
        fill: None,
        stroke: Some(Stroke {
            paint: Paint { color, alpha: 0.7 },
            width: size * 0.07,
            dash: Vec::new(),
            cap: LineCap::Round,
        }),
    })
}

/// Text set lighter, mixed `FADE` of the way towards the paper.
fn fade_text(items: &mut [FrameItem], paper: Color) {
    for item in items {
        match item {
            FrameItem::Text(run) => run.color = mix(run.color, paper, FADE),
            FrameItem::Group(group) => fade_text(&mut group.items, paper),
            _ => {}
        }
    }
}

/// How far a done task's text fades towards the paper.
const FADE: f32 = 0.5;

fn mix(a: Color, b: Color, amount: f32) -> Color {
    let m = |x: f32, y: f32| x + (y - x) * amount;
    Color { r: m(a.r, b.r), g: m(a.g, b.g), b: m(a.b, b.b) }
}

/// A last paragraph starting with `—` or `--` is the quote's attribution.
fn split_attribution(blocks: &[Block]) -> (&[Block], Option<(&[Inline], usize)>) {
    if let Some((Block::Paragraph { inlines, line }, rest)) = blocks.split_last() {
        let text = plain_text(inlines);
        let trimmed = text.trim_start();
        if trimmed.starts_with('—') || trimmed.starts_with("--") {
            return (rest, Some((inlines.as_slice(), *line)));
        }
    }
    (blocks, None)
}

pub fn rect_path(r: Rect) -> Vec<Segment> {
    vec![
        Segment::MoveTo(Point::new(r.x, r.y)),
        Segment::LineTo(Point::new(r.right(), r.y)),
        Segment::LineTo(Point::new(r.right(), r.bottom())),
        Segment::LineTo(Point::new(r.x, r.bottom())),
        Segment::Close,
    ]
}

pub fn line_item(a: Point, b: Point, color: Color, width: f32) -> FrameItem {
    FrameItem::Path(PathItem {
        segments: vec![Segment::MoveTo(a), Segment::LineTo(b)],
        fill: None,
        stroke: Some(Stroke { paint: Paint::solid(color), width, dash: Vec::new(), cap: LineCap::Round }),
    })
}

pub fn dashed(a: Point, b: Point, color: Color, width: f32) -> FrameItem {
    FrameItem::Path(PathItem {
        segments: vec![Segment::MoveTo(a), Segment::LineTo(b)],
        fill: None,
        stroke: Some(Stroke { paint: Paint::solid(color), width, dash: vec![3.0, 2.0], cap: LineCap::Butt }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fonts::FontBook;

    fn cells(texts: &[&str]) -> Vec<Vec<Inline>> {
        texts.iter().map(|t| vec![Inline::Text(t.to_string())]).collect()
    }

    #[test]
    fn a_paragraph_may_be_cut_only_where_two_lines_stay_on_each_side() {
        let mut book = FontBook::new();
        let style = crate::style::load("pen-notes", std::path::Path::new("."), &mut book).unwrap();
        let mut ctx = Ctx::new(&book, &style, std::path::Path::new("."));
        let text = "한 문단이 여러 줄로 이어질 때 단이나 쪽의 끝에서 한 줄만 남기지 않는다. ".repeat(6);
        let block = Block::Paragraph { inlines: vec![Inline::Text(text)], line: 1 };
        let piece = ctx.piece(&block, Color::BLACK, 120.0, true).unwrap();
        let mut baselines = Vec::new();
        crate::frame::walk(&piece.items, 0.0, 0.0, &mut |item, _, dy| {
            if let FrameItem::Text(run) = item {
                baselines.extend(run.glyphs.iter().map(|g| g.y + dy));
            }
        });
        baselines.sort_by(f32::total_cmp);
        baselines.dedup_by(|a, b| (*a - *b).abs() < 0.5);
        let lines = baselines.len();
        assert!(lines >= 6, "{lines} lines");
        assert_eq!(piece.breaks.len(), lines - 3, "{:?} for {lines} lines", piece.breaks);
        for cut in &piece.breaks {
            let above = baselines.iter().filter(|b| *b < cut).count();
            assert!(above >= 2 && lines - above >= 2, "a cut at {cut} leaves {above} / {}", lines - above);
        }
        // Without recording cuts (a sheet), a piece has none.
        assert!(ctx.piece(&block, Color::BLACK, 120.0, false).unwrap().breaks.is_empty());
    }

    #[test]
    fn table_columns_take_their_longest_word_and_share_the_rest_by_content() {
        let mut book = FontBook::new();
        let style = crate::style::load("pen-notes", std::path::Path::new("."), &mut book).unwrap();
        let mut ctx = Ctx::new(&book, &style, std::path::Path::new("."));
        let header = cells(&["특성", "설명"]);
        let rows = vec![
            cells(&["목표", "인터넷 문서를 흉내 내는 베이스 모델을 대화하는 어시스턴트로 바꾸는 단계"]),
            cells(&["데이터", "대화 데이터"]),
        ];
        let accent = Color::BLACK;
        let width = 200.0;
        let widths = ctx.column_widths(&header, &rows, 2, accent, width, 5.0, 1).unwrap();
        assert!((widths.iter().sum::<f32>() - width).abs() < 0.01, "{widths:?}");
        let first = ctx.styled(&rows[1][0], &ctx.body_style(), accent, 1);
        let (min_first, _) = ctx.measure(first);
        assert!(widths[0] >= min_first + 5.0 - 0.01, "the first column keeps `데이터` whole: {widths:?}");
        assert!(widths[1] > 2.0 * widths[0], "the long column gets the room: {widths:?}");
        // When everything fits on one line, widths follow the content.
        let short = ctx.column_widths(&header, &[cells(&["a", "bb"])], 2, accent, 500.0, 5.0, 1).unwrap();
        assert!((short.iter().sum::<f32>() - 500.0).abs() < 0.01);
        // Too narrow for the longest words: an error naming the box.
        ctx.box_name = "narrow".into();
        let err = ctx.column_widths(&header, &rows, 2, accent, 20.0, 5.0, 9).unwrap_err();
        assert_eq!(err.line, Some(9));
        assert!(err.message.contains("`narrow`"), "{}", err.message);
    }
}
