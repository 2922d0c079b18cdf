//! The sheet: paper, grid, title band and one framed box per `##` section, placed by the
//! front matter's grid. Content that does not fit its box is an error naming the box.

use super::blocks::{dashed, Ctx, Diagnostics};
use super::grid::{place, place_wanted, Cell, Wants};
use crate::error::{HanjiError, Result, Warning};
use crate::frame::{
    Color, Frame, FrameItem, Group, LineCap, OutlineEntry, Paint, PathItem, Point, Rect, Role, Stroke,
};
use crate::model::{Document, LayoutRow, Meta, Section};
use crate::page::PageSize;
use crate::pen::{rounded_rect, wobbly_line, Jitter};
use crate::style::{GridStyle, Style};
use crate::text::{Align, StyledText, TextStyle};

/// The boxes of one row share the smallest scale among them: re-lay the others out at it.
fn harmonize(cells: &[Cell], placed: &mut [(usize, &Section, Color, Attempt, f32)], ctx: &mut Ctx) {
    let row_min = |row: usize, placed: &[(usize, &Section, Color, Attempt, f32)]| {
        placed.iter().filter(|p| cells[p.0].row == row).map(|p| p.4).fold(1.0f32, f32::min)
    };
    for i in 0..placed.len() {
        let target = row_min(cells[placed[i].0].row, placed);
        let (index, section, accent, _, scale) = &placed[i];
        if *scale > target {
            // Smaller than a scale that fits, so it fits too.
            if let Ok((attempt, scale)) = fit_box(section, &cells[*index], *accent, ctx, Some(target)) {
                placed[i].3 = attempt;
                placed[i].4 = scale;
            }
        }
    }
}

/// No box's scale above `fit.spread` times the smallest: grown boxes are set back so text
/// sizes stay alike across the sheet.
fn spread(cells: &[Cell], placed: &mut [(usize, &Section, Color, Attempt, f32)], ctx: &mut Ctx) {
    let smallest = placed.iter().map(|p| p.4).fold(f32::INFINITY, f32::min);
    if !smallest.is_finite() {
        return;
    }
    let cap = smallest * ctx.style.fit.spread;
    for entry in placed.iter_mut() {
        if entry.4 > cap + FIT_PRECISION {
            // Smaller than a scale that fits, so it fits too.
            if let Ok((attempt, scale)) = fit_box(entry.1, &cells[entry.0], entry.2, ctx, Some(cap)) {
                entry.3 = attempt;
                entry.4 = scale;
            }
        }
    }
}

/// A box that cannot fit, for a draft: its content at the smallest scale, cut at the box's
/// foot, with a red edge and a red note of what is missing; the error becomes a warning that
/// says which row height would fit.
#[allow(clippy::too_many_arguments)]
fn draft_box(
    section: &Section,
    cell: &Cell,
    accent: Color,
    cells: &[Cell],
    area: Rect,
    ctx: &mut Ctx,
    error: HanjiError,
) -> Result<(Attempt, f32)> {
    let scale = ctx.style.min_scale();
    let mut attempt = box_content(section, cell, accent, ctx, scale)?;
    let Some(short) = attempt.shortfall.clone() else { return Ok((attempt, scale)) };
    let foot = cell.rect.bottom() - ctx.style.boxes.padding * 0.5;
    let content = std::mem::take(&mut attempt.content);
    attempt.content = super::piece::clip_below(content, foot);
    let red = Color { r: 0.86, g: 0.1, b: 0.12 };
    let edge = FrameItem::Path(PathItem {
        segments: super::blocks::rect_path(cell.rect.inset(-1.5)),
        fill: None,
        stroke: Some(Stroke {
            paint: Paint::solid(red),
            width: 1.6,
            dash: vec![4.0, 2.0],
            cap: LineCap::Butt,
        }),
    });
    let mm = short.missing * 25.4 / 72.0;
    let label_style = TextStyle { color: red, size: ctx.style.text.size * 0.9, ..ctx.body_style() };
    let mut label = StyledText::default();
    label.push(&format!("▼ {mm:.0} mm more"), &label_style);
    let mut note = Vec::new();
    let saved = std::mem::replace(&mut ctx.scale, 1.0);
    let width = cell.rect.width - 2.0 * ctx.style.boxes.padding;
    let label_y = cell.rect.bottom() - ctx.style.text.size * 1.6;
    ctx.text(label, cell.rect.x, label_y, width, Align::Right, &mut note);
    ctx.scale = saved;
    attempt.content.push(Group::tagged(Role::Artifact, vec![edge]));
    attempt.content.push(Group::tagged(Role::Artifact, note));
    // Which share of the sheet's height the box's row would need.
    let rows = cells.iter().map(|c| c.row).max().unwrap_or(0) + 1;
    let usable = (area.height - ctx.style.page.gap * rows.saturating_sub(1) as f32).max(1.0);
    let percent = (cell.rect.height + short.missing) / usable * 100.0;
    ctx.warnings.push(Warning {
        line: error.line,
        message: format!(
            "draft: {}; drawn cut at the box's foot — give row {} about {percent:.0} % of the height, or shorten the text",
            error.message,
            cell.row + 1
        ),
    });
    Ok((attempt, scale))
}

/// A box filled less than this has its body centred in the height it leaves.
const CENTRE_BELOW: f32 = 0.85;

/// A box title's leading emoji is drawn this much larger than the title's letters.
const HEADER_ICON_SCALE: f32 = 1.2;

/// The most a diagram's spacing stretches past its natural spacing.
const MAX_STRETCH: f32 = 3.0;

/// A box with diagrams and room to spare lets them grow into it: the largest boost of the
/// diagrams (text keeps its scale) that still fits, up to the style's `fit.diagram_max_scale`;
/// diagrams at that size that still leave room spread out (wider ranks, taller plots).
fn boost_figures(cells: &[Cell], placed: &mut [(usize, &Section, Color, Attempt, f32)], ctx: &mut Ctx) {
    for entry in placed.iter_mut() {
        let (index, section, accent, scale) = (entry.0, entry.1, entry.2, entry.4);
        let has_diagram = std::iter::once(section)
            .chain(&section.subsections)
            .any(|s| s.blocks.iter().any(|b| matches!(b, crate::model::Block::Mermaid { .. })));
        let top = ctx.style.fit.diagram_max_scale / scale.max(0.05);
        if !has_diagram || entry.3.fill > 0.97 || top <= 1.0 {
            continue;
        }
        let at = |boost: f32, stretch: f32, ctx: &mut Ctx| {
            ctx.figure_boost = boost;
            ctx.figure_stretch = stretch;
            let attempt = box_content(section, &cells[index], accent, ctx, scale);
            ctx.figure_boost = 1.0;
            ctx.figure_stretch = 1.0;
            attempt.ok().filter(|a| a.shortfall.is_none())
        };
        let Some((boost, attempt)) = largest(1.0, top, |boost, ctx| at(boost, 1.0, ctx), ctx) else {
            continue;
        };
        entry.3 = attempt;
        if boost < top - 0.05 || entry.3.fill > 0.9 {
            continue;
        }
        // Spacing only as far as the labels keep their size, and where it covers more of the box.
        let drawn = entry.3.figure_scale * 0.99;
        let stretched = |stretch, ctx: &mut Ctx| at(boost, stretch, ctx).filter(|a| a.figure_scale >= drawn);
        if let Some((_, attempt)) = largest(1.0, MAX_STRETCH, stretched, ctx) {
            if attempt.figure_area > entry.3.figure_area * 1.05 {
                entry.3 = attempt;
            }
        }
    }
}

/// The largest value in `(lo, hi]` (to 0.02) for which `try_at` gives a result, with it;
/// `None` when even just above `lo` gives none.
fn largest<T>(
    lo: f32,
    hi: f32,
    mut try_at: impl FnMut(f32, &mut Ctx) -> Option<T>,
    ctx: &mut Ctx,
) -> Option<(f32, T)> {
    if let Some(found) = try_at(hi, ctx) {
        return Some((hi, found));
    }
    let (mut lo, mut hi) = (lo, hi);
    let mut best = None;
    while hi - lo > 0.02 {
        let mid = (lo + hi) / 2.0;
        match try_at(mid, ctx) {
            Some(found) => {
                lo = mid;
                best = Some((mid, found));
            }
            None => hi = mid,
        }
    }
    best
}

/// `layout: auto`: the model's grid and its neighbours (one row fewer or more, the odd boxes
/// in the earlier or later rows) are each laid out; the one whose smallest box scale is the
/// largest wins (a grid where every box fits before any other; the model's grid on a tie).
pub fn layout_auto(doc: &Document, page: PageSize, ctx: &mut Ctx) -> Result<(Frame, Vec<OutlineEntry>)> {
    let given = doc.meta.layout.clone().unwrap_or_default();
    let sections = doc.sections.iter().filter(|s| s.level == 2).count();
    let rows = given.iter().filter(|r| r.boxes.iter().all(|b| b.id != "title")).count();
    // Boxes narrower than this many body-text ems wrap nearly every line: no grid makes them.
    const NARROWEST_EMS: f32 = 20.0;
    let widest_row =
        ((page.width - 2.0 * ctx.style.page.margin) / (NARROWEST_EMS * ctx.style.text.size)) as usize;
    let mut grids = vec![given];
    for count in rows.saturating_sub(1).max(1)..=(rows + 1).min(sections.max(1)) {
        for front_heavy in [true, false] {
            let grid = crate::model::auto_grid(&doc.meta, &doc.sections, count, front_heavy);
            if !grids.contains(&grid) && grid.iter().all(|r| r.boxes.len() <= widest_row.max(1)) {
                grids.push(grid);
            }
        }
    }
    type Tried = (Result<(Frame, Vec<OutlineEntry>)>, Vec<Warning>, Diagnostics);
    let mut best: Option<((bool, i32), Tried)> = None;
    for grid in &grids {
        let before = ctx.warnings.len();
        let laid = layout_sheet(doc, grid, page, ctx);
        let warnings = ctx.warnings.split_off(before);
        let diagnostics = std::mem::take(&mut ctx.diagnostics);
        let fits = laid.is_ok() && diagnostics.errors.is_empty();
        let smallest = diagnostics.fits.iter().map(|f| f.scale).fold(f32::INFINITY, f32::min);
        let score = (fits, (smallest.min(100.0) * 100.0).round() as i32);
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, (laid, warnings, diagnostics)));
        }
    }
    let Some((_, (laid, warnings, diagnostics))) = best else {
        return Err(HanjiError::new("`layout: auto` found no sections to place".to_string()));
    };
    ctx.warnings.extend(warnings);
    ctx.diagnostics = diagnostics;
    laid
}

/// Lays out a sheet: its one page and its outline.
pub fn layout_sheet(
    doc: &Document,
    rows: &[LayoutRow],
    page: PageSize,
    ctx: &mut Ctx,
) -> Result<(Frame, Vec<OutlineEntry>)> {
    let style = ctx.style;
    ctx.heading_scale = 1.0;
    let mut items = Vec::new();
    let page_rect = Rect::new(0.0, 0.0, page.width, page.height);
    let mut paper = vec![FrameItem::Path(PathItem {
        segments: super::blocks::rect_path(page_rect),
        fill: Some(Paint::solid(style.page.paper)),
        stroke: None,
    })];
    if style.grid.enabled {
        graph_paper(&style.grid, page, &mut paper);
    }
    items.push(Group::tagged(Role::Artifact, paper));
    let area = page_rect.inset(style.page.margin);
    let mut cycle = 0;
    // Boxes are fitted by measuring alone; each is drawn once, at the scale found.
    ctx.measuring = true;
    let wants = measure_wants(doc, rows, area, ctx);
    let cells = place_wanted(rows, area, style.page.gap, &wants);
    // Each box at the largest scale that fits it; errors are collected so that every box
    // that cannot fit is reported at once.
    let mut placed: Vec<(usize, &Section, Color, Attempt, f32)> = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        if cell.id == "title" {
            continue;
        }
        let Some(section) = doc.sections.iter().find(|s| s.id == cell.id) else {
            ctx.diagnostics.errors.push(HanjiError::at(
                None,
                cell.line,
                format!("layout names `{}`, but no `##` section has that id", cell.id),
            ));
            continue;
        };
        let accent = box_color(section, style, &mut cycle, &mut ctx.warnings);
        match fit_box(section, cell, accent, ctx, None) {
            Ok((attempt, scale)) => placed.push((index, section, accent, attempt, scale)),
            Err(e) if ctx.draft => {
                // A draft shows what the box holds: laid out with its drawing at once.
                ctx.measuring = false;
                let drawn = draft_box(section, cell, accent, &cells, area, ctx, e);
                ctx.measuring = true;
                match drawn {
                    Ok(drawn) => placed.push((index, section, accent, drawn.0, drawn.1)),
                    Err(e) => ctx.diagnostics.errors.push(e),
                }
            }
            Err(e) => ctx.diagnostics.errors.push(e),
        }
    }
    // Text that grew everywhere takes the box titles with it, so no title is smaller than
    // the text under it; all titles keep one size.
    let floor = placed.iter().map(|p| p.4).fold(f32::INFINITY, f32::min);
    if floor.is_finite() && floor > 1.02 && ctx.diagnostics.errors.is_empty() {
        ctx.heading_scale = floor;
        let refit: Result<Vec<_>> = placed
            .iter()
            .map(|p| fit_box(p.1, &cells[p.0], p.2, ctx, None).map(|(a, s)| (p.0, p.1, p.2, a, s)))
            .collect();
        match refit {
            Ok(refit) => placed = refit,
            Err(_) => ctx.heading_scale = 1.0,
        }
    }
    spread(&cells, &mut placed, ctx);
    if style.fit.harmony {
        harmonize(&cells, &mut placed, ctx);
    }
    boost_figures(&cells, &mut placed, ctx);
    ctx.measuring = false;
    for cell in cells.iter().filter(|c| c.id == "title") {
        title_band(&doc.meta, cell.rect, ctx, &mut items);
    }
    let mut anchors: Vec<(String, f32)> = Vec::new();
    // Boxes are written in source order, which is the order a reader of the structure hears.
    placed.sort_by_key(|p| p.1.line);
    for (index, section, accent, mut attempt, scale) in placed {
        if !attempt.drawn {
            ctx.figure_boost = attempt.boost;
            ctx.figure_stretch = attempt.stretch;
            let drawn = box_content(section, &cells[index], accent, ctx, scale);
            ctx.figure_boost = 1.0;
            ctx.figure_stretch = 1.0;
            match drawn {
                Ok(drawn) => attempt = drawn,
                Err(e) => {
                    ctx.diagnostics.errors.push(e);
                    continue;
                }
            }
        }
        let mut boxed =
            vec![Group::tagged(Role::Artifact, vec![box_frame(section, cells[index].rect, accent, style)])];
        let fill = attempt.fill;
        // Short content stands in the middle of what its box leaves, not over a white band.
        let shift = if fill < CENTRE_BELOW { attempt.slack / 2.0 } else { 0.0 };
        if shift > 0.0 {
            let body = attempt.content.split_off(attempt.body_from.min(attempt.content.len()));
            attempt.content.push(Group::moved(0.0, shift, body));
            attempt.anchors.iter_mut().for_each(|(_, y)| *y += shift);
        }
        boxed.extend(attempt.content);
        items.push(Group::tagged(Role::Section, boxed));
        anchors.push((section.id.clone(), cells[index].rect.y));
        anchors.extend(attempt.anchors);
        ctx.diagnostics.fits.push(BoxFit {
            id: section.id.clone(),
            line: section.line,
            scale,
            fill,
            rect: cells[index].rect,
        });
    }
    let outline = sheet_outline(doc, &anchors);
    Ok((Frame { width: page.width, height: page.height, items }, outline))
}

/// Below this, a box's measured want is raised (and above `1 / WANT_CLAMP` of the mean
/// lowered): a box with one line still gets a usable width.
const WANT_CLAMP: f32 = 0.4;

/// What the rows without a height and the boxes without a width want, measured at full size:
/// boxes share a row's free width in proportion to their content's area (so a row's boxes
/// come out about equally tall), rows share the free height in proportion to their tallest
/// box. Boxes with an inner grid, and content that cannot be measured, want an equal share.
fn measure_wants(doc: &Document, rows: &[LayoutRow], area: Rect, ctx: &mut Ctx) -> Wants {
    let auto = rows.iter().any(|r| r.height.is_none() || r.boxes.iter().any(|b| b.width.is_none()));
    if !auto {
        return Wants::default();
    }
    let gap = ctx.style.page.gap;
    let mut wants = Wants {
        rows: vec![0.0; rows.len()],
        boxes: rows.iter().map(|r| vec![0.0; r.boxes.len()]).collect(),
        fixed_rows: vec![None; rows.len()],
    };
    // A title band without a height takes what it needs, as a share of the usable height.
    let usable = (area.height - gap * rows.len().saturating_sub(1) as f32).max(1.0);
    for (r, row) in rows.iter().enumerate() {
        if row.height.is_none() && row.boxes.len() == 1 && row.boxes[0].id == "title" {
            let cell = Cell {
                id: "title",
                rect: Rect::new(area.x, area.y, area.width, 0.0),
                inner: None,
                line: row.line,
                row: r,
            };
            wants.fixed_rows[r] = need_height(doc, &cell, ctx).map(|need| need / usable * 100.0);
        }
    }
    let equal = place(rows, area, gap);
    let mut at = 0;
    for (r, row) in rows.iter().enumerate() {
        let free = row.boxes.iter().filter(|b| b.width.is_none()).count();
        for (b, layout_box) in row.boxes.iter().enumerate() {
            let cell = &equal[at + b];
            if layout_box.width.is_none() && free > 1 {
                if let Some(need) = need_height(doc, cell, ctx) {
                    wants.boxes[r][b] = need * cell.rect.width;
                }
            }
        }
        clamp_to_mean(&mut wants.boxes[r]);
        at += row.boxes.len();
    }
    // A box whose content cannot be set at its share (a diagram too wide for it) gets the
    // equal share back, which it had when measured.
    let sized = place_wanted(rows, area, gap, &wants);
    let mut at = 0;
    for (r, row) in rows.iter().enumerate() {
        let free = row.boxes.iter().filter(|b| b.width.is_none()).count();
        let equal_share = free.max(1) as f32;
        let total: f32 = wants.boxes[r].iter().sum();
        for (b, layout_box) in row.boxes.iter().enumerate() {
            let cell = &sized[at + b];
            // Only a box narrowed below the equal share (where it was measured) can fail.
            let narrowed = free > 1 && cell.rect.width < equal[at + b].rect.width - 0.5;
            if layout_box.width.is_none()
                && narrowed
                && cell.inner.is_none()
                && need_height(doc, cell, ctx).is_none()
            {
                wants.boxes[r][b] = wants.boxes[r][b].max(total / equal_share);
            }
        }
        at += row.boxes.len();
    }
    let sized = place_wanted(rows, area, gap, &wants);
    let mut at = 0;
    for (r, row) in rows.iter().enumerate() {
        if row.height.is_none() {
            let needs = sized[at..at + row.boxes.len()].iter().filter_map(|cell| need_height(doc, cell, ctx));
            wants.rows[r] = needs.fold(0.0, f32::max);
        }
        at += row.boxes.len();
    }
    clamp_to_mean(&mut wants.rows);
    wants
}

/// Wants of 0 (not measured) become the mean; the rest are kept within `WANT_CLAMP` of it.
fn clamp_to_mean(wants: &mut [f32]) {
    let measured: Vec<f32> = wants.iter().copied().filter(|w| *w > 0.0).collect();
    if measured.is_empty() {
        return;
    }
    let mean = measured.iter().sum::<f32>() / measured.len() as f32;
    for want in wants.iter_mut() {
        *want = if *want > 0.0 { want.clamp(mean * WANT_CLAMP, mean / WANT_CLAMP) } else { mean };
    }
}

/// The height a box's content needs at full size in a cell of its width (`None` for a box
/// with an inner grid or content that cannot be set at that width).
fn need_height(doc: &Document, cell: &Cell, ctx: &mut Ctx) -> Option<f32> {
    let style = ctx.style;
    let pad = style.boxes.padding;
    if cell.id == "title" {
        let subtitle = doc.meta.subtitle.as_ref().map_or(0.0, |_| style.title.subtitle_size * 1.6);
        return Some(style.title.size * 1.7 + subtitle + 2.0 * pad * 0.6);
    }
    if cell.inner.is_some() {
        return None;
    }
    let section = doc.sections.iter().find(|s| s.id == cell.id)?;
    const TALL: f32 = 100_000.0;
    let probe = Cell { rect: Rect::new(0.0, 0.0, cell.rect.width, TALL), ..cell.clone() };
    let attempt = box_content(section, &probe, Color::BLACK, ctx, 1.0).ok()?;
    Some(attempt.fill * (TALL - 2.0 * pad) + 2.0 * pad)
}

/// The bookmarks of a sheet in source order: each box's title, then its `###` subsections.
fn sheet_outline(doc: &Document, anchors: &[(String, f32)]) -> Vec<OutlineEntry> {
    let at = |id: &str| anchors.iter().find(|(a, _)| a == id).map(|(_, y)| *y);
    let entry = |section: &Section, level: u8, y: f32| OutlineEntry {
        id: section.id.clone(),
        title: crate::model::plain_text(&section.title).trim().to_string(),
        level,
        page: 0,
        y,
    };
    let mut outline = Vec::new();
    for section in &doc.sections {
        let Some(y) = at(&section.id) else { continue };
        outline.push(entry(section, 1, y));
        for sub in &section.subsections {
            if let Some(y) = at(&sub.id) {
                outline.push(entry(sub, 2, y));
            }
        }
    }
    outline
}

pub(super) fn box_color(
    section: &Section,
    style: &Style,
    cycle: &mut usize,
    warnings: &mut Vec<Warning>,
) -> Color {
    if let Some(color) = class_color(section, style, "the box takes the next colour", warnings) {
        return color;
    }
    let color = style.cycle_color(*cycle);
    *cycle += 1;
    color
}

/// The colour a heading's classes name, if any; an unknown class is a warning.
fn class_color(
    section: &Section,
    style: &Style,
    instead: &str,
    warnings: &mut Vec<Warning>,
) -> Option<Color> {
    // `.box` and `.plain` say how a flowing section is set, not its colour.
    for class in section.classes.iter().filter(|c| *c != "box" && *c != "plain") {
        match style.color(class) {
            Some(color) => return Some(color),
            None => warnings.push(Warning {
                line: Some(section.line),
                message: format!(
                    "unknown heading class `.{class}` on `{}`: {instead}; use one of {}",
                    section.id,
                    style.palette.iter().map(|(n, _)| format!(".{n}")).collect::<Vec<_>>().join(" ")
                ),
            }),
        }
    }
    None
}

/// The light-blue graph paper: a line every pitch, a darker one every `major_every` cells.
pub(super) fn graph_paper(grid: &GridStyle, page: PageSize, items: &mut Vec<FrameItem>) {
    let mut minor = Vec::new();
    let mut major = Vec::new();
    let every = grid.major_every.max(1) as usize;
    let vertical = (page.width / grid.pitch) as usize;
    for i in 1..=vertical {
        let x = i as f32 * grid.pitch;
        let target = if i % every == 0 { &mut major } else { &mut minor };
        target.push(crate::frame::Segment::MoveTo(Point::new(x, 0.0)));
        target.push(crate::frame::Segment::LineTo(Point::new(x, page.height)));
    }
    let horizontal = (page.height / grid.pitch) as usize;
    for i in 1..=horizontal {
        let y = i as f32 * grid.pitch;
        let target = if i % every == 0 { &mut major } else { &mut minor };
        target.push(crate::frame::Segment::MoveTo(Point::new(0.0, y)));
        target.push(crate::frame::Segment::LineTo(Point::new(page.width, y)));
    }
    for (segments, color, width) in
        [(minor, grid.color, grid.line_width), (major, grid.major_color, grid.major_line_width)]
    {
        items.push(FrameItem::Path(PathItem {
            segments,
            fill: None,
            stroke: Some(Stroke { paint: Paint::solid(color), width, dash: Vec::new(), cap: LineCap::Butt }),
        }));
    }
}

/// The document title: its icon, then the title with the part after `:` in the accent colour,
/// and the icon again at the end when `icon_at_end`.
pub(super) fn title_text(
    meta: &Meta,
    style: &Style,
    title_style: &TextStyle,
    icon_at_end: bool,
) -> StyledText {
    let mut title = StyledText { line: 1, ..StyledText::default() };
    // The icons stand larger than the title's letters, as a box title's does.
    let icon_style = TextStyle { size: title_style.size * HEADER_ICON_SCALE, ..title_style.clone() };
    if let Some(icon) = &meta.title_icon {
        title.push(icon, &icon_style);
        title.push(" ", title_style);
    }
    match meta.title.split_once(':') {
        Some((head, tail)) => {
            title.push(&format!("{head}:"), title_style);
            title.push(tail, &TextStyle { color: style.title.accent, ..title_style.clone() });
        }
        None => title.push(&meta.title, title_style),
    }
    if let (Some(icon), true) = (&meta.title_icon, icon_at_end) {
        title.push(" ", title_style);
        title.push(icon, &icon_style);
    }
    title
}

/// The heading rule under a box title: a dashed, gently wobbling line in the box colour.
pub(super) fn header_rule(
    from: Point,
    to: Point,
    accent: Color,
    style: &Style,
    jitter: &mut Jitter,
) -> FrameItem {
    let mut segments = Vec::new();
    wobbly_line(from, to, style.boxes.wobble * 0.4, jitter, &mut segments, true);
    FrameItem::Path(PathItem {
        segments,
        fill: None,
        stroke: Some(Stroke {
            paint: Paint { color: accent, alpha: 0.6 },
            width: 0.7,
            dash: vec![3.0, 2.0],
            cap: LineCap::Butt,
        }),
    })
}

/// The title band: the title (the part after `:` in the accent colour) with the icon at both
/// ends, and the subtitle under it.
fn title_band(meta: &Meta, rect: Rect, ctx: &mut Ctx, items: &mut Vec<FrameItem>) {
    let style = ctx.style;
    let mut jitter = Jitter::from_key("title");
    let band = FrameItem::Path(PathItem {
        segments: rounded_rect(rect, style.boxes.radius, style.boxes.wobble, &mut jitter),
        fill: Some(Paint { color: style.title.fill, alpha: 0.85 }),
        stroke: Some(Stroke {
            paint: Paint::solid(style.title.stroke),
            width: style.boxes.stroke_width,
            dash: vec![5.0, 2.5],
            cap: LineCap::Round,
        }),
    });
    items.push(Group::tagged(Role::Artifact, vec![band]));
    let title_style = ctx.heading_style(style.title.size, style.title.color);
    let title = title_text(meta, style, &title_style, true);
    let inner = rect.inset(style.boxes.padding * 0.6);
    let mut heading = Vec::new();
    let title_extent = ctx.text(title, inner.x, inner.y, inner.width, Align::Center, &mut heading);
    let mut content = vec![Group::tagged(Role::Heading(1), heading)];
    let mut height = title_extent.height;
    if let Some(subtitle) = &meta.subtitle {
        let sub_style =
            TextStyle { size: style.title.subtitle_size, color: style.page.ink, ..ctx.body_style() };
        let mut sub = StyledText { line: 1, ..StyledText::default() };
        sub.push(subtitle, &sub_style);
        let mut line = Vec::new();
        height += ctx
            .text(sub, inner.x, inner.y + title_extent.height, inner.width, Align::Center, &mut line)
            .height;
        content.push(Group::tagged(Role::Paragraph, line));
    }
    // Centre the block vertically in the band.
    let dy = ((inner.height - height) / 2.0).max(0.0);
    items.push(Group::moved(0.0, dy, content));
}
/// How much a box's content lacks at one scale: the (sub)box that overflows most.
#[derive(Debug, Clone, PartialEq)]
struct Shortfall {
    name: String,
    line: usize,
    /// Missing height in points.
    missing: f32,
    /// The height the overflowing (sub)box has, in points.
    available: f32,
}

/// A box's content laid out at one scale.
struct Attempt {
    content: Vec<FrameItem>,
    shortfall: Option<Shortfall>,
    /// How much of the box the content takes (its height over the box's, 1 = full).
    fill: f32,
    /// Where each `###` subsection's header stands (id, points from the page top).
    anchors: Vec<(String, f32)>,
    /// The area its diagrams cover, to compare their arrangements.
    figure_area: f32,
    /// The smallest scale its diagrams were drawn at.
    figure_scale: f32,
    /// Where the body (what follows the title and its rule) starts in `content`.
    body_from: usize,
    /// The diagram boost and spacing it was laid out with (see `boost_figures`).
    boost: f32,
    stretch: f32,
    /// Laid out with its drawing (a draft), not only measured.
    drawn: bool,
    /// The height left below the body (none for a box with an inner grid, which fills it).
    slack: f32,
}

/// How a box was fitted: the scale its content got (1 when it fits as written).
#[derive(Debug, Clone, PartialEq)]
pub struct BoxFit {
    pub id: String,
    pub line: usize,
    pub scale: f32,
    /// The content's height over the box's (1 = full; more = overflowing).
    pub fill: f32,
    /// Where the box stands on the page (points from the top left).
    pub rect: Rect,
}

/// The scale found is within this of the largest that fits.
const FIT_PRECISION: f32 = 0.004;

/// Lays out a box's content at the largest scale in [min scale, 1] that fits (or at `forced`).
/// Past the minimum the error names the box, its line and how much height is missing.
fn fit_box(
    section: &Section,
    cell: &Cell,
    accent: Color,
    ctx: &mut Ctx,
    forced: Option<f32>,
) -> Result<(Attempt, f32)> {
    let has_run = std::iter::once(section).chain(&section.subsections).any(|s| {
        s.blocks.windows(2).any(|w| w.iter().all(|b| matches!(b, crate::model::Block::Mermaid { .. })))
    });
    if forced.is_some() || !has_run {
        return fit_box_as_chosen(section, cell, accent, ctx, forced);
    }
    // Consecutive diagrams: stacked or side by side, whichever gives the text the larger
    // scale, or at about the same scale the diagrams the more room.
    let warnings = ctx.warnings.len();
    ctx.figure_rows.remove(&section.id);
    let stacked = fit_box_as_chosen(section, cell, accent, ctx, None);
    let stacked_warnings = ctx.warnings.split_off(warnings);
    ctx.figure_rows.insert(section.id.clone());
    let row = fit_box_as_chosen(section, cell, accent, ctx, None);
    let row_wins = match (&stacked, &row) {
        (_, Err(_)) => false,
        (Err(_), Ok(_)) => true,
        (Ok((a, sa)), Ok((b, sb))) => {
            if (sa - sb).abs() > 0.02 {
                sb > sa
            } else {
                b.figure_area > a.figure_area * 1.1
            }
        }
    };
    if row_wins {
        return row;
    }
    ctx.warnings.truncate(warnings);
    ctx.warnings.extend(stacked_warnings);
    ctx.figure_rows.remove(&section.id);
    stacked
}

fn fit_box_as_chosen(
    section: &Section,
    cell: &Cell,
    accent: Color,
    ctx: &mut Ctx,
    forced: Option<f32>,
) -> Result<(Attempt, f32)> {
    let style = ctx.style;
    let overflow = |short: Shortfall, scale: f32| {
        let mm = short.missing * 25.4 / 72.0;
        let lines = short.missing / (ctx_line_height(style) * scale);
        HanjiError::at(
            None,
            short.line,
            format!(
                "box `{}` overflows: even shrunk to {:.0} % its content needs {mm:.1} mm (about {lines:.1} lines) more height than the box has; shorten the text or give its row a larger `height`",
                short.name,
                scale * 100.0
            ),
        )
    };
    if let Some(scale) = forced {
        let attempt = box_content(section, cell, accent, ctx, scale)?;
        return match attempt.shortfall.clone() {
            None => Ok((attempt, scale)),
            Some(short) => Err(overflow(short, scale)),
        };
    }
    let full = box_content(section, cell, accent, ctx, 1.0)?;
    let Some(short) = full.shortfall.clone() else {
        return grow(section, cell, accent, ctx, full);
    };
    // Content height scales about linearly: step down by the ratio of what fits to what is
    // needed until it fits, then bisect between that and the last scale that did not.
    let min = ctx.style.min_scale();
    let (mut hi, mut short) = (1.0f32, short);
    let (lo, best) = loop {
        let guess = (hi * short.available / (short.available + short.missing) * 0.998).clamp(min, hi);
        let attempt = box_content(section, cell, accent, ctx, guess)?;
        match attempt.shortfall.clone() {
            None => break (guess, attempt),
            Some(next) if guess <= min => return Err(overflow(next, min)),
            Some(next) => {
                hi = guess;
                short = next;
            }
        }
    };
    let over = short.missing / short.available.max(1.0);
    largest_fitting(section, cell, accent, ctx, (lo, best), (hi, Some(over)))
}

/// How far an attempt is from filling its box exactly, as a share of the box's height:
/// below 0 it fits with room, above 0 it overflows.
fn excess(attempt: &Attempt) -> f32 {
    match &attempt.shortfall {
        Some(short) => short.missing / short.available.max(1.0),
        None => attempt.fill - 1.0,
    }
}

/// The largest scale within `FIT_PRECISION` between `fits` (a scale whose attempt fits) and
/// `too_big` (one that does not, with how far it overflows when known). Content height grows
/// about linearly with the scale, so the next try is interpolated between the two, and a
/// found scale is confirmed one precision step up: two or three layouts instead of seven
/// halvings.
fn largest_fitting(
    section: &Section,
    cell: &Cell,
    accent: Color,
    ctx: &mut Ctx,
    fits: (f32, Attempt),
    too_big: (f32, Option<f32>),
) -> Result<(Attempt, f32)> {
    let (mut lo, mut best) = fits;
    let (mut hi, mut over) = too_big;
    let mut probe_up = false;
    // A box that is full at a scale that fits (its figures stretch to fill it) gives nothing
    // to interpolate by, and the answer is then most often just above: steps up from there,
    // doubling, rather than halving a wide bracket (eight or nine layouts where this takes
    // two or three).
    let mut gallop = FIT_PRECISION * 2.0;
    while hi - lo > FIT_PRECISION {
        let under = excess(&best).min(0.0);
        let mut galloping = false;
        let next = if probe_up {
            lo + FIT_PRECISION
        } else {
            match over {
                Some(over) if over > 0.0 && under < 0.0 => {
                    let t = -under / (over - under);
                    (lo + (hi - lo) * t).clamp(lo + (hi - lo) * 0.05, hi - (hi - lo) * 0.05)
                }
                _ if under >= 0.0 => {
                    galloping = true;
                    (lo + gallop).min((lo + hi) / 2.0)
                }
                _ => (lo + hi) / 2.0,
            }
        };
        let next = next.min(hi - FIT_PRECISION * 0.5);
        match box_content(section, cell, accent, ctx, next) {
            Ok(attempt) if attempt.shortfall.is_none() => {
                lo = next;
                best = attempt;
                if galloping {
                    gallop *= 2.0;
                }
                // Just found from below: see whether one step more still fits.
                probe_up = !probe_up;
            }
            Ok(attempt) => {
                hi = next;
                over = Some(excess(&attempt));
                probe_up = false;
            }
            // Content that cannot be set at this scale (a table wider than its box).
            Err(_) => {
                hi = next;
                over = None;
                probe_up = false;
            }
        }
    }
    Ok((best, lo))
}

/// Content that fits as written grows to the largest scale that still fits, up to the
/// style's `fit.max_scale`, so a box is filled rather than left with a white band.
fn grow(
    section: &Section,
    cell: &Cell,
    accent: Color,
    ctx: &mut Ctx,
    fits: Attempt,
) -> Result<(Attempt, f32)> {
    let max = ctx.style.fit.max_scale;
    if max <= 1.0 + FIT_PRECISION {
        return Ok((fits, 1.0));
    }
    // Larger content that cannot be set at all (a table wider than the box) does not fit.
    let over = match box_content(section, cell, accent, ctx, max) {
        Ok(top) if top.shortfall.is_none() => return Ok((top, max)),
        Ok(top) => Some(excess(&top)),
        Err(_) => None,
    };
    largest_fitting(section, cell, accent, ctx, (1.0, fits), (max, over))
}

fn ctx_line_height(style: &Style) -> f32 {
    style.text.size * style.text.line_height
}

/// The frame of a box: fill and hand-drawn outline.
fn box_frame(section: &Section, rect: Rect, accent: Color, style: &Style) -> FrameItem {
    let mut jitter = Jitter::from_key(&section.id);
    FrameItem::Path(PathItem {
        segments: rounded_rect(rect, style.boxes.radius, style.boxes.wobble, &mut jitter),
        fill: Some(Paint { color: accent.tint(style.boxes.fill_tint), alpha: style.boxes.fill_alpha }),
        stroke: Some(Stroke {
            paint: Paint::solid(accent),
            width: style.boxes.stroke_width,
            dash: Vec::new(),
            cap: LineCap::Round,
        }),
    })
}

/// A box's content at `scale`: header in the box colour, body, and either an inner grid for
/// the subsections or the subsections stacked below the body.
fn box_content(section: &Section, cell: &Cell, accent: Color, ctx: &mut Ctx, scale: f32) -> Result<Attempt> {
    let saved = ctx.scale;
    ctx.scale = scale;
    ctx.figures_in_row = ctx.figure_rows.contains(&section.id);
    ctx.figure_area = 0.0;
    ctx.figure_scale = f32::INFINITY;
    let result = box_content_at_scale(section, cell, accent, ctx);
    ctx.scale = saved;
    ctx.figures_in_row = false;
    let (boost, stretch, drawn) = (ctx.figure_boost, ctx.figure_stretch, !ctx.measuring);
    result.map(|attempt| Attempt {
        figure_area: ctx.figure_area,
        figure_scale: ctx.figure_scale,
        boost,
        stretch,
        drawn,
        ..attempt
    })
}

fn box_content_at_scale(section: &Section, cell: &Cell, accent: Color, ctx: &mut Ctx) -> Result<Attempt> {
    let style = ctx.style;
    let inner = cell.rect.inset(style.boxes.padding);
    let mut jitter = Jitter::from_key(&format!("{}-rule", section.id));
    let mut content = Vec::new();
    let mut anchors = Vec::new();
    let mut worst: Option<Shortfall> = None;
    let mut note = |name: &str, line: usize, available: f32, used: f32| {
        let missing = used - available;
        if missing > 0.5 && worst.as_ref().is_none_or(|w| missing > w.missing) {
            worst = Some(Shortfall { name: name.to_string(), line, missing, available });
        }
    };
    let header_style = ctx.heading_style(style.boxes.header_size, accent);
    ctx.box_name = section.id.clone();
    let mut header = ctx.styled(&section.title, &header_style, accent, section.line);
    header.enlarge_leading_icon(HEADER_ICON_SCALE);
    let mut heading = Vec::new();
    // The box title keeps the sheet's heading size whatever scale its content takes.
    let heading_scale = ctx.heading_scale;
    let content_scale = std::mem::replace(&mut ctx.scale, heading_scale);
    let header_height = ctx.text(header, inner.x, inner.y, inner.width, Align::Left, &mut heading).height;
    ctx.scale = content_scale;
    let mut cursor = inner.y + header_height;
    content.push(Group::tagged(Role::Heading(2), heading));
    if style.boxes.header_rule {
        let y = cursor + 1.5;
        let rule =
            header_rule(Point::new(inner.x, y), Point::new(inner.right(), y), accent, style, &mut jitter);
        content.push(Group::tagged(Role::Artifact, vec![rule]));
        cursor += 4.0;
    }
    cursor += 1.5;
    let body_from = content.len();
    if !section.blocks.is_empty() {
        cursor += ctx.blocks(&section.blocks, accent, inner.x, cursor, inner.width, &mut content)?.height;
    }
    let gap_below = ctx.style.text.paragraph_gap * ctx.style.text.size * ctx.scale;
    // The lowest point the content reaches.
    let mut bottom;
    match cell.inner {
        Some(rows) => {
            cursor += gap_below;
            // The inner grid takes what the body leaves; each cell must hold its subsection.
            let min_grid = 3.0 * ctx_line_height(style) * ctx.scale;
            note(&section.id, section.line, inner.bottom() - inner.y, cursor - inner.y + min_grid);
            let area = Rect::new(inner.x, cursor, inner.width, (inner.bottom() - cursor).max(0.0));
            let gap = style.page.gap;
            bottom = area.y;
            for (i, sub_cell) in place(rows, area, gap).iter().enumerate() {
                let Some(sub) = section.subsections.iter().find(|s| s.id == sub_cell.id) else {
                    return Err(HanjiError::at(
                        None,
                        sub_cell.line,
                        format!(
                            "inner layout of `{}` names `{}`, which is not one of its `###` subsections",
                            section.id, sub_cell.id
                        ),
                    ));
                };
                anchors.push((sub.id.clone(), sub_cell.rect.y));
                let name = format!("{} › {}", section.id, sub.id);
                // A subsection with a colour class is a box of its own, framed in its colour.
                if let Some(own) = class_color(sub, style, "it takes its section's colour", &mut ctx.warnings)
                {
                    let frame = box_frame(sub, sub_cell.rect, own, style);
                    content.push(Group::tagged(Role::Artifact, vec![frame]));
                    let pad = style.boxes.padding * 0.7;
                    let used = subsection(sub, sub_cell.rect.inset(pad), own, ctx, &mut content)?;
                    note(&name, sub.line, sub_cell.rect.height, used + 2.0 * pad);
                    bottom = bottom.max(sub_cell.rect.y + used + 2.0 * pad);
                    continue;
                }
                if i > 0 {
                    let x = sub_cell.rect.x - gap / 2.0;
                    let divider = dashed(
                        Point::new(x, sub_cell.rect.y),
                        Point::new(x, sub_cell.rect.bottom()),
                        accent.tint(0.45),
                        0.7,
                    );
                    content.push(Group::tagged(Role::Artifact, vec![divider]));
                }
                let used = subsection(sub, sub_cell.rect, accent, ctx, &mut content)?;
                note(&name, sub.line, sub_cell.rect.height, used);
                bottom = bottom.max(sub_cell.rect.y + used);
            }
        }
        None => {
            for sub in &section.subsections {
                cursor += gap_below;
                anchors.push((sub.id.clone(), cursor));
                cursor +=
                    subsection(sub, Rect::new(inner.x, cursor, inner.width, 0.0), accent, ctx, &mut content)?;
            }
            note(&section.id, section.line, inner.bottom() - inner.y, cursor - inner.y);
            bottom = cursor;
        }
    }
    let fill = (bottom - inner.y) / (inner.bottom() - inner.y).max(1.0);
    let slack = if cell.inner.is_some() { 0.0 } else { (inner.bottom() - bottom).max(0.0) };
    Ok(Attempt {
        content,
        shortfall: worst,
        fill,
        anchors,
        figure_area: 0.0,
        figure_scale: f32::INFINITY,
        body_from,
        slack,
        boost: 1.0,
        stretch: 1.0,
        drawn: false,
    })
}

/// A `###` subsection: its header, then its blocks. Returns the height used.
fn subsection(
    sub: &Section,
    rect: Rect,
    accent: Color,
    ctx: &mut Ctx,
    out: &mut Vec<FrameItem>,
) -> Result<f32> {
    let style = ctx.style;
    let header_style = ctx.heading_style(style.boxes.subsection_size, accent);
    ctx.box_name = sub.id.clone();
    let header = ctx.styled(&sub.title, &header_style, accent, sub.line);
    let mut heading = Vec::new();
    // Grown content does not make a subsection's title larger than its box's title.
    let content_scale = ctx.scale;
    ctx.scale =
        content_scale.min(ctx.heading_scale * style.boxes.header_size / style.boxes.subsection_size.max(1.0));
    let mut height = ctx.text(header, rect.x, rect.y, rect.width, Align::Left, &mut heading).height;
    ctx.scale = content_scale;
    out.push(Group::tagged(Role::Heading(3), heading));
    height += 2.0;
    if !sub.blocks.is_empty() {
        height += ctx.blocks(&sub.blocks, accent, rect.x, rect.y + height, rect.width, out)?.height;
    }
    Ok(height)
}
