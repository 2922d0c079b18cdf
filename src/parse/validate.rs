//! Checks a `Document` before anything is laid out, so mistakes are reported at their source
//! line with what to do, instead of surfacing as a strange page later.

use std::collections::HashMap;
use std::path::Path;

use super::lines::error_at;
use crate::error::Result;
use crate::limits;
use crate::model::{Block, Document, Inline, LayoutBox, LayoutRow, Section};
use crate::page::{PageSize, PAGE_NAMES};
use crate::style::BUILTIN_STYLES;

/// The box id of the title band.
const TITLE_ID: &str = "title";

/// How far shares may be off 100 % (rounding in hand-written percentages).
const TOLERANCE: f32 = 0.5;

/// Checks page, style, section ids and, for a sheet, the layout grid.
///
/// Errors carry the line stored in the model (0 = unknown, reported without a line).
pub fn validate(doc: &Document, path: &Path) -> Result<()> {
    validate_in(doc, path, Some(path.parent().unwrap_or(Path::new(""))))
}

/// As [`validate`] for a source whose style file is looked for in `folder` (`None`: no local
/// file may be named).
pub fn validate_in(doc: &Document, path: &Path, folder: Option<&Path>) -> Result<()> {
    check_page(&doc.meta.page, path, 0)?;
    check_style(&doc.meta.style, folder, path, 0)?;
    check_sections(doc, path)?;
    check_limits(doc, path)?;
    match &doc.meta.layout {
        Some(rows) => check_sheet(doc, rows, path),
        None if doc.sections.is_empty() && doc.opening.is_empty() => Err(no_sections(path, 0)),
        None => Ok(()),
    }
}

/// The error for a flowing document without any `##` section.
pub(crate) fn no_sections(path: &Path, line: usize) -> crate::error::HanjiError {
    error_at(
        path,
        line,
        "the document has no `##` section: add at least one `## Heading` after the front matter",
    )
}

/// The page name must be one `PageSize::from_name` knows.
pub(crate) fn check_page(page: &str, path: &Path, line: usize) -> Result<()> {
    if PageSize::from_name(page).is_some() {
        return Ok(());
    }
    Err(error_at(path, line, format!("unknown page `{page}`: use one of {}", PAGE_NAMES.join(", "))))
}

/// The style must be built in or a `.toml` file that exists in `folder` (the source's, or
/// standard input's `--base`); without a folder no style file may be named.
pub(crate) fn check_style(style: &str, folder: Option<&Path>, path: &Path, line: usize) -> Result<()> {
    if BUILTIN_STYLES.contains(&style) {
        return Ok(());
    }
    let builtins = BUILTIN_STYLES.join(", ");
    if !style.to_ascii_lowercase().ends_with(".toml") {
        return Err(error_at(
            path,
            line,
            format!(
                "unknown style `{style}`: use a built-in style ({builtins}) or a path to a `.toml` file relative to the source"
            ),
        ));
    }
    let Some(folder) = folder else {
        return Err(error_at(
            path,
            line,
            format!(
                "style file `{style}`: this render reads no local files; use a built-in style ({builtins}) or start `hanji serve` with --root DIR and put the style in DIR"
            ),
        ));
    };
    let file = folder.join(style);
    if file.is_file() {
        return Ok(());
    }
    Err(error_at(
        path,
        line,
        format!(
            "style file `{style}` not found (looked for `{}`): the path is relative to the source file; fix it or use a built-in style ({builtins})",
            file.display()
        ),
    ))
}

/// Levels, non-empty ids, and no two sections (or two subsections of one section) alike.
fn check_sections(doc: &Document, path: &Path) -> Result<()> {
    let sections = &doc.sections;
    if doc.meta.layout.is_none() {
        // A flowing document: `#` parts among the `##` sections, one id space for links.
        let (parts, boxes): (Vec<Section>, Vec<Section>) =
            sections.iter().cloned().partition(|s| s.level == 1);
        check_ids(&boxes, 2, "`##` sections", path)?;
        check_ids(&parts, 1, "`#` parts", path)?;
        if let Some(part) = parts.iter().find(|p| boxes.iter().any(|b| b.id == p.id)) {
            return Err(error_at(
                path,
                part.line,
                format!(
                    "the part `{}` has the id of a section: give one of them another id with `{{#other-id}}`",
                    part.id
                ),
            ));
        }
        if let Some(part) = parts.iter().find(|p| !p.subsections.is_empty()) {
            return Err(error_at(
                path,
                part.line,
                format!("the part `{}` holds `###` subsections: put them in a `##` section", part.id),
            ));
        }
    } else {
        check_ids(sections, 2, "`##` sections", path)?;
    }
    for section in sections.iter().filter(|s| s.level == 2) {
        check_ids(&section.subsections, 3, &format!("`###` subsections of `{}`", section.id), path)?;
    }
    Ok(())
}

/// The bounds of [`limits`] a Markdown source meets by construction and a JSON model may not:
/// nesting, counts, list numbers.
fn check_limits(doc: &Document, path: &Path) -> Result<()> {
    let count: usize = doc.sections.iter().map(|s| 1 + s.subsections.len()).sum();
    if count > limits::MAX_SECTIONS {
        return Err(error_at(
            path,
            doc.sections.last().map_or(0, |s| s.line),
            format!(
                "{count} sections and subsections, more than the limit of {}: split the document into several files",
                limits::MAX_SECTIONS
            ),
        ));
    }
    let ids =
        doc.sections.iter().flat_map(|s| std::iter::once(s).chain(&s.subsections)).map(|s| s.id.as_str());
    let mut walk = BlockCheck { sheet: doc.meta.layout.is_some(), emoji: 0, ids: ids.collect() };
    for text in [Some(&doc.meta.title), doc.meta.subtitle.as_ref(), doc.meta.title_icon.as_ref()]
        .into_iter()
        .flatten()
    {
        walk.add(text, 1, path)?;
    }
    check_blocks(&doc.opening, 0, path, &mut walk)?;
    for section in &doc.sections {
        check_inlines(&section.title, 0, section.line, path, &mut walk)?;
        check_blocks(&section.blocks, 0, path, &mut walk)?;
        for sub in &section.subsections {
            check_inlines(&sub.title, 0, sub.line, path, &mut walk)?;
            if let Some(deeper) = sub.subsections.first() {
                return Err(error_at(
                    path,
                    deeper.line,
                    format!("`###` subsection `{}` holds subsections; only `##` sections can: move `{}` up a level", sub.id, deeper.id),
                ));
            }
            check_blocks(&sub.blocks, 0, path, &mut walk)?;
        }
    }
    if let Some(rows) = &doc.meta.layout {
        check_grid_size(rows, path)?;
        for inner in rows.iter().flat_map(|r| &r.boxes).filter_map(|b| b.inner.as_ref()) {
            check_grid_size(inner, path)?;
        }
    }
    Ok(())
}

fn check_grid_size(rows: &[LayoutRow], path: &Path) -> Result<()> {
    if rows.len() > limits::MAX_LAYOUT_ROWS {
        return Err(error_at(
            path,
            rows[limits::MAX_LAYOUT_ROWS].line,
            format!("more than {} layout rows, the limit: merge rows", limits::MAX_LAYOUT_ROWS),
        ));
    }
    for row in rows {
        if row.boxes.len() > limits::MAX_BOXES_PER_ROW {
            return Err(error_at(
                path,
                row.line,
                format!(
                    "more than {} boxes in one row, the limit: spread them over more rows",
                    limits::MAX_BOXES_PER_ROW
                ),
            ));
        }
    }
    Ok(())
}

/// What the walk over blocks carries: whether the document is a sheet, the heading ids that
/// `#id` links must name, and the count of what may be a colour emoji (each is drawn as its
/// own paths) against [`limits::MAX_EMOJI`] — a cheap upper bound, so Hangul and Latin cost
/// nothing.
struct BlockCheck<'a> {
    sheet: bool,
    emoji: usize,
    ids: Vec<&'a str>,
}

impl BlockCheck<'_> {
    /// A `#id` link names a section, subsection or part; a bare `#` is a placeholder.
    fn link(&self, url: &str, line: usize, path: &Path) -> Result<()> {
        let Some(id) = url.strip_prefix('#').filter(|id| !id.is_empty()) else { return Ok(()) };
        if self.ids.contains(&id) {
            return Ok(());
        }
        let known: Vec<String> = self.ids.iter().take(12).map(|i| format!("`#{i}`")).collect();
        Err(error_at(
            path,
            line,
            format!(
                "the link to `#{id}` names no heading of this document (known: {}): fix the id, or give the heading `{{#{id}}}`",
                known.join(", ")
            ),
        ))
    }

    /// A formula must parse: the error names its line, the column in the formula and what is
    /// wrong (an unknown command by its name).
    fn math(&mut self, tex: &str, line: usize, path: &Path) -> Result<()> {
        if tex.len() > limits::MAX_FORMULA_BYTES {
            return Err(error_at(
                path,
                line,
                format!("a formula is longer than {} bytes, the limit: split it", limits::MAX_FORMULA_BYTES),
            ));
        }
        crate::math::check(tex).map_err(|e| {
            let at = e.column.map_or(String::new(), |c| format!(", column {}", c + 1));
            let shown: String = tex.chars().take(60).collect();
            error_at(
                path,
                line,
                format!(
                    "the formula `{shown}`{at}: {}; fix the TeX (Hanji reads the KaTeX subset)",
                    e.message
                ),
            )
        })
    }

    fn add(&mut self, text: &str, line: usize, path: &Path) -> Result<()> {
        self.emoji += text.chars().filter(|&c| crate::emoji::may_start_emoji(c)).count();
        if self.emoji > limits::MAX_EMOJI {
            return Err(error_at(
                path,
                line,
                format!("more than {} emoji, the limit for one document: use fewer", limits::MAX_EMOJI),
            ));
        }
        Ok(())
    }
}

fn check_blocks(blocks: &[Block], depth: usize, path: &Path, walk: &mut BlockCheck<'_>) -> Result<()> {
    for block in blocks {
        let nested = |line: usize| {
            error_at(
                path,
                line,
                format!(
                    "lists and quotes nest deeper than {} levels, the limit: flatten the list or quote",
                    limits::MAX_BLOCK_DEPTH
                ),
            )
        };
        match block {
            Block::Quote { blocks, line, .. } | Block::Footnote { blocks, line, .. } => {
                if depth >= limits::MAX_BLOCK_DEPTH {
                    return Err(nested(*line));
                }
                check_blocks(blocks, depth + 1, path, walk)?;
            }
            Block::List { start, items, line } => {
                if depth >= limits::MAX_BLOCK_DEPTH {
                    return Err(nested(*line));
                }
                if start.is_some_and(|n| n > limits::MAX_LIST_START) {
                    return Err(error_at(
                        path,
                        *line,
                        format!(
                            "a numbered list starts at {}, above the limit of {}: start it lower",
                            start.unwrap_or(0),
                            limits::MAX_LIST_START
                        ),
                    ));
                }
                for item in items {
                    check_blocks(&item.blocks, depth + 1, path, walk)?;
                }
            }
            Block::Paragraph { inlines, line } | Block::Heading { inlines, line, .. } => {
                check_inlines(inlines, 0, *line, path, walk)?
            }
            Block::Table { header, rows, line, .. } => {
                for cell in header.iter().chain(rows.iter().flatten()) {
                    check_inlines(cell, 0, *line, path, walk)?;
                }
            }
            Block::Code { text, line, .. } | Block::Mermaid { text, line } => walk.add(text, *line, path)?,
            Block::Math { tex, line } => walk.math(tex, *line, path)?,
            Block::Image { alt, line, .. } => walk.add(alt, *line, path)?,
            Block::Rule { .. } => {}
            Block::PageBreak { line } if walk.sheet => {
                return Err(error_at(
                    path,
                    *line,
                    "`\\newpage` is for flowing documents (without `layout`): a sheet is one page; remove it",
                ))
            }
            Block::PageBreak { .. } => {}
        }
    }
    Ok(())
}

fn check_inlines(
    inlines: &[Inline],
    depth: usize,
    line: usize,
    path: &Path,
    walk: &mut BlockCheck<'_>,
) -> Result<()> {
    for inline in inlines {
        let children = match inline {
            Inline::Strong(c) | Inline::Emph(c) | Inline::Mark(c) | Inline::Strike(c) => c,
            Inline::Link { url, children } => {
                walk.link(url, line, path)?;
                children
            }
            Inline::Text(text) | Inline::Code(text) => {
                walk.add(text, line, path)?;
                continue;
            }
            Inline::Math(tex) => {
                walk.math(tex, line, path)?;
                continue;
            }
            Inline::LineBreak | Inline::FootnoteRef(_) => continue,
        };
        if depth >= limits::MAX_INLINE_DEPTH {
            return Err(error_at(
                path,
                line,
                format!(
                    "inline formatting nests deeper than {} levels, the limit: simplify it",
                    limits::MAX_INLINE_DEPTH
                ),
            ));
        }
        check_inlines(children, depth + 1, line, path, walk)?;
    }
    Ok(())
}

fn check_ids(sections: &[Section], level: u8, what: &str, path: &Path) -> Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for section in sections {
        if section.level != level {
            return Err(error_at(
                path,
                section.line,
                format!(
                    "section `{}` has level {}, but {what} have level {level}: fix `level`",
                    section.id, section.level
                ),
            ));
        }
        if section.id.trim().is_empty() {
            return Err(error_at(
                path,
                section.line,
                format!("one of the {what} has an empty id: give it an id such as `{{#my-box}}`"),
            ));
        }
        if let Some(first) = seen.insert(&section.id, section.line) {
            return Err(error_at(
                path,
                section.line,
                format!(
                    "two {what} have the id `{}` (the first at line {first}): give one of them another id with `{{#other-id}}`",
                    section.id
                ),
            ));
        }
    }
    Ok(())
}

/// The sheet grid: shares, known ids, every section placed exactly once.
fn check_sheet(doc: &Document, rows: &[LayoutRow], path: &Path) -> Result<()> {
    if let Some(section) = doc.sections.iter().find(|s| s.id == TITLE_ID) {
        return Err(error_at(
            path,
            section.line,
            "the id `title` is reserved for the title band: give this heading another id with `{#other-id}`",
        ));
    }
    if rows.is_empty() {
        return Err(error_at(
            path,
            0,
            "`layout` has no rows: add rows with `height:` and `boxes:`, or remove `layout` for a flowing document",
        ));
    }
    check_shares(rows, "layout", path)?;
    let sections: HashMap<&str, &Section> = doc.sections.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut placed: HashMap<&str, usize> = HashMap::new();
    let mut title_line: Option<usize> = None;
    for b in rows.iter().flat_map(|row| &row.boxes) {
        if b.id == TITLE_ID {
            if let Some(first) = title_line {
                return Err(placed_twice(path, b, first));
            }
            title_line = Some(b.line);
            check_title_box(doc, b, path)?;
            continue;
        }
        let Some(section) = sections.get(b.id.as_str()) else {
            let known: Vec<String> = doc
                .sections
                .iter()
                .map(|s| format!("`{}`", s.id))
                .chain(std::iter::once(format!("`{TITLE_ID}`")))
                .collect();
            return Err(error_at(
                path,
                b.line,
                format!(
                    "`layout` names `{}`, but no `##` section has that id (known: {}): fix the id or add a section `## Heading {{#{}}}`",
                    b.id,
                    known.join(", "),
                    b.id
                ),
            ));
        };
        if let Some(first) = placed.insert(&b.id, b.line) {
            return Err(placed_twice(path, b, first));
        }
        if let Some(inner) = &b.inner {
            check_inner(section, b, inner, path)?;
        }
    }
    for section in &doc.sections {
        if !placed.contains_key(section.id.as_str()) {
            return Err(error_at(
                path,
                section.line,
                format!(
                    "section `{}` is not placed in `layout`: add `{}` to the `boxes` of a layout row",
                    section.id, section.id
                ),
            ));
        }
    }
    Ok(())
}

/// The title band needs a title and cannot hold subsections.
fn check_title_box(doc: &Document, b: &LayoutBox, path: &Path) -> Result<()> {
    if b.inner.is_some() {
        return Err(error_at(
            path,
            b.line,
            "the `title` band cannot hold an `inner` grid: remove `inner` from it",
        ));
    }
    if doc.meta.title.trim().is_empty() {
        return Err(error_at(
            path,
            b.line,
            "`layout` places the `title` band, but the front matter has no `title:`: add `title: \"…\"` or remove `title` from the layout",
        ));
    }
    Ok(())
}

fn placed_twice(path: &Path, b: &LayoutBox, first: usize) -> crate::error::HanjiError {
    let first = if first > 0 { format!(" (first at line {first})") } else { String::new() };
    error_at(path, b.line, format!("`{}` is placed twice{first}: place each box exactly once", b.id))
}

/// An `inner` grid places the `###` subsections of its own section, each exactly once.
fn check_inner(section: &Section, owner: &LayoutBox, rows: &[LayoutRow], path: &Path) -> Result<()> {
    let grid = format!("the `inner` grid of `{}`", section.id);
    if rows.is_empty() {
        return Err(error_at(
            path,
            owner.line,
            format!("{grid} has no rows: add rows with `height:` and `boxes:`, or remove `inner`"),
        ));
    }
    if section.subsections.is_empty() {
        return Err(error_at(
            path,
            owner.line,
            format!(
                "`{}` has an `inner` grid but no `###` subsections: add `### Heading {{#id}}` under its `##` heading or remove `inner`",
                section.id
            ),
        ));
    }
    check_shares(rows, &grid, path)?;
    let mut placed: HashMap<&str, usize> = HashMap::new();
    for b in rows.iter().flat_map(|row| &row.boxes) {
        if b.inner.is_some() {
            return Err(error_at(
                path,
                b.line,
                format!("only a `##` box can hold an `inner` grid: remove `inner` from `{}`", b.id),
            ));
        }
        if !section.subsections.iter().any(|s| s.id == b.id) {
            let known: Vec<String> = section.subsections.iter().map(|s| format!("`{}`", s.id)).collect();
            return Err(error_at(
                path,
                b.line,
                format!(
                    "{grid} names `{}`, but `{}` has no `###` subsection with that id (its subsections: {}): fix the id or add `### Heading {{#{}}}` under it",
                    b.id,
                    section.id,
                    known.join(", "),
                    b.id
                ),
            ));
        }
        if let Some(first) = placed.insert(&b.id, b.line) {
            return Err(placed_twice(path, b, first));
        }
    }
    for sub in &section.subsections {
        if !placed.contains_key(sub.id.as_str()) {
            return Err(error_at(
                path,
                sub.line,
                format!(
                    "subsection `{}` of `{}` is not placed in its `inner` grid: add `{}` to the `boxes` of a row there",
                    sub.id, section.id, sub.id
                ),
            ));
        }
    }
    Ok(())
}

/// Heights add up to 100 % (or leave a positive rest for rows without one); widths of a row
/// leave a positive rest or add up to 100 %.
fn check_shares(rows: &[LayoutRow], grid: &str, path: &Path) -> Result<()> {
    let mut total = 0.0f32;
    let auto = rows.iter().any(|r| r.height.is_none());
    for row in rows {
        check_widths(row, grid, path)?;
        let Some(height) = row.height else { continue };
        if !(height.is_finite() && height > 0.0) {
            return Err(error_at(
                path,
                row.line,
                format!(
                    "a {grid} row has height {}%, it must be more than 0%: give it a positive `height`, leave it out to size the row by its content, or remove the row",
                    pct(height)
                ),
            ));
        }
        total += height;
    }
    if auto {
        if total > 100.0 - 1.0 + TOLERANCE {
            let line = rows.first().map_or(0, |r| r.line);
            return Err(error_at(
                path,
                line,
                format!(
                    "{grid} row heights add up to {}%, leaving nothing for the rows without a `height`: lower the given heights",
                    pct(total)
                ),
            ));
        }
        return Ok(());
    }
    if (total - 100.0).abs() > TOLERANCE {
        let line = rows.first().map_or(0, |r| r.line);
        return Err(error_at(
            path,
            line,
            format!(
                "{grid} row heights add up to {}%, they must add up to 100%: adjust the `height` values",
                pct(total)
            ),
        ));
    }
    Ok(())
}

fn check_widths(row: &LayoutRow, grid: &str, path: &Path) -> Result<()> {
    if row.boxes.is_empty() {
        return Err(error_at(
            path,
            row.line,
            format!("a {grid} row has no boxes: list at least one id in its `boxes`"),
        ));
    }
    let mut total = 0.0f32;
    let mut without = 0usize;
    for b in &row.boxes {
        match b.width {
            Some(w) if !(w.is_finite() && w > 0.0) => {
                return Err(error_at(
                    path,
                    b.line,
                    format!(
                        "box `{}` has width {}%, it must be more than 0%: give it a positive `width` or leave `width` out",
                        b.id,
                        pct(w)
                    ),
                ));
            }
            Some(w) => total += w,
            None => without += 1,
        }
    }
    let sum = pct(total);
    let message = if total > 100.0 + TOLERANCE {
        format!(
            "box widths in a {grid} row add up to {sum}%, more than 100%: make the `width` values smaller"
        )
    } else if without == 0 && (total - 100.0).abs() > TOLERANCE {
        format!(
            "box widths in a {grid} row add up to {sum}%, they must add up to 100% when every box has a width: adjust them, or leave out one `width` so that box takes the rest"
        )
    } else if without > 0 && total >= 100.0 {
        format!(
            "box widths in a {grid} row add up to {sum}% and leave nothing for the {without} box(es) without a width: make the widths smaller or give every box a width"
        )
    } else {
        return Ok(());
    };
    Err(error_at(path, row.line, message))
}

/// A percentage for messages: at most two decimals, no trailing zeros.
fn pct(value: f32) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;

    fn section(id: &str, line: usize, subs: &[(&str, usize)]) -> Section {
        Section {
            id: id.to_string(),
            title: Vec::new(),
            classes: Vec::new(),
            level: 2,
            line,
            blocks: Vec::new(),
            subsections: subs
                .iter()
                .map(|&(id, line)| Section {
                    id: id.to_string(),
                    title: Vec::new(),
                    classes: Vec::new(),
                    level: 3,
                    line,
                    blocks: Vec::new(),
                    subsections: Vec::new(),
                })
                .collect(),
        }
    }

    fn bx(id: &str, width: Option<f32>, line: usize) -> LayoutBox {
        LayoutBox { id: id.to_string(), width, inner: None, line }
    }

    fn row(height: f32, line: usize, boxes: Vec<LayoutBox>) -> LayoutRow {
        LayoutRow { height: Some(height), boxes, line }
    }

    fn doc(layout: Option<Vec<LayoutRow>>, sections: Vec<Section>) -> Document {
        Document {
            meta: Meta { title: "T".into(), layout, ..Meta::default() },
            opening: Vec::new(),
            sections,
        }
    }

    /// A valid sheet: title, a and b side by side, c with an inner grid of x and y.
    fn sheet() -> Document {
        let mut c = bx("c", None, 8);
        c.inner = Some(vec![row(100.0, 9, vec![bx("x", Some(30.0), 10), bx("y", None, 10)])]);
        doc(
            Some(vec![
                row(10.0, 2, vec![bx("title", None, 3)]),
                row(40.0, 4, vec![bx("a", Some(60.0), 5), bx("b", None, 5)]),
                row(50.0, 6, vec![c]),
            ]),
            vec![section("a", 20, &[]), section("b", 25, &[]), section("c", 30, &[("x", 32), ("y", 40)])],
        )
    }

    fn err(doc: &Document) -> crate::error::HanjiError {
        match validate(doc, Path::new("s.md")) {
            Ok(()) => panic!("expected an error"),
            Err(e) => e,
        }
    }

    fn assert_err(doc: &Document, line: Option<usize>, pieces: &[&str]) {
        let e = err(doc);
        assert_eq!(e.line, line, "{}", e.message);
        assert_eq!(e.file.as_deref(), Some(Path::new("s.md")));
        for piece in pieces {
            assert!(e.message.contains(piece), "missing {piece:?} in {:?}", e.message);
        }
    }

    fn layout(d: &mut Document) -> &mut Vec<LayoutRow> {
        d.meta.layout.as_mut().expect("test sheet has a layout")
    }

    fn inner(d: &mut Document) -> &mut Vec<LayoutRow> {
        layout(d)[2].boxes[0].inner.as_mut().expect("test sheet has an inner grid")
    }

    #[test]
    fn valid_sheet_and_flow_pass() {
        assert_eq!(validate(&sheet(), Path::new("s.md")), Ok(()));
        assert_eq!(validate(&doc(None, vec![section("a", 1, &[])]), Path::new("s.md")), Ok(()));
    }

    #[test]
    fn flow_skips_grid_checks_but_needs_a_section() {
        let mut d = sheet();
        d.meta.layout = None;
        d.sections.push(section("title", 50, &[]));
        assert_eq!(validate(&d, Path::new("s.md")), Ok(()));
        assert_err(&doc(None, vec![]), None, &["no `##` section"]);
    }

    #[test]
    fn unknown_page_lists_names() {
        let mut d = sheet();
        d.meta.page = "b5".into();
        assert_err(&d, None, &["unknown page `b5`", "a4-landscape", "letter-portrait"]);
    }

    #[test]
    fn unknown_style_lists_builtins_and_toml_must_exist() {
        let mut d = sheet();
        d.meta.style = "fancy".into();
        assert_err(&d, None, &["unknown style `fancy`", "pen-notes", "clean", ".toml"]);
        d.meta.style = "no/such/style.toml".into();
        assert_err(&d, None, &["style file `no/such/style.toml` not found", "relative to the source"]);
        let dir = std::env::temp_dir().join(format!("hanji-style-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("mine.toml"), "").expect("temp file");
        d.meta.style = "mine.toml".into();
        let checked = validate(&d, &dir.join("sheet.md"));
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(checked, Ok(()));
    }

    #[test]
    fn heights_must_add_up_to_100() {
        let mut d = sheet();
        layout(&mut d)[2].height = Some(45.0);
        assert_err(&d, Some(2), &["layout row heights add up to 95%", "must add up to 100%", "`height`"]);
        layout(&mut d)[2].height = Some(50.4);
        assert_eq!(validate(&d, Path::new("s.md")), Ok(()));
    }

    #[test]
    fn heights_must_be_positive() {
        let mut d = sheet();
        layout(&mut d)[1].height = Some(0.0);
        layout(&mut d)[2].height = Some(90.0);
        assert_err(&d, Some(4), &["height 0%", "more than 0%"]);
    }

    #[test]
    fn widths_too_large_or_not_100_or_no_rest() {
        let mut d = sheet();
        layout(&mut d)[1].boxes[0].width = Some(120.0);
        assert_err(&d, Some(4), &["add up to 120%", "more than 100%"]);
        layout(&mut d)[1].boxes[0].width = Some(60.0);
        layout(&mut d)[1].boxes[1].width = Some(30.0);
        assert_err(&d, Some(4), &["add up to 90%", "must add up to 100% when every box has a width"]);
        layout(&mut d)[1].boxes[0].width = Some(70.0);
        layout(&mut d)[1].boxes[1].width = None;
        layout(&mut d)[1].boxes[0].width = Some(100.0);
        assert_err(&d, Some(4), &["leave nothing for the 1 box(es) without a width"]);
        layout(&mut d)[1].boxes[0].width = Some(-5.0);
        assert_err(&d, Some(5), &["box `a` has width -5%", "more than 0%"]);
    }

    #[test]
    fn unknown_id_and_title_twice() {
        let mut d = sheet();
        layout(&mut d)[1].boxes[1].id = "bee".into();
        assert_err(&d, Some(5), &["`layout` names `bee`", "known: `a`, `b`, `c`, `title`", "{#bee}"]);
        let mut d = sheet();
        layout(&mut d)[1].boxes.push(bx("title", None, 5));
        layout(&mut d)[1].boxes[0].width = None;
        assert_err(&d, Some(5), &["`title` is placed twice (first at line 3)"]);
    }

    #[test]
    fn section_placed_twice_or_not_at_all() {
        let mut d = sheet();
        layout(&mut d)[1].boxes[1].id = "a".into();
        assert_err(&d, Some(5), &["`a` is placed twice (first at line 5)"]);
        let mut d = sheet();
        layout(&mut d)[1].boxes.pop();
        layout(&mut d)[1].boxes[0].width = None;
        assert_err(&d, Some(25), &["section `b` is not placed in `layout`", "add `b`"]);
    }

    #[test]
    fn duplicate_section_and_subsection_ids() {
        let mut d = sheet();
        d.sections.push(section("a", 44, &[]));
        assert_err(&d, Some(44), &["two `##` sections have the id `a` (the first at line 20)"]);
        let mut d = sheet();
        d.sections[2] = section("c", 30, &[("x", 32), ("y", 40), ("x", 41)]);
        assert_err(&d, Some(41), &["two `###` subsections of `c` have the id `x`", "first at line 32"]);
    }

    #[test]
    fn title_rules() {
        let mut d = sheet();
        d.meta.title = "  ".into();
        assert_err(&d, Some(3), &["no `title:`", "add `title:"]);
        let mut d = sheet();
        layout(&mut d)[0].boxes[0].inner = Some(vec![row(100.0, 3, vec![bx("x", None, 3)])]);
        assert_err(&d, Some(3), &["`title` band cannot hold an `inner` grid"]);
        let mut d = sheet();
        d.sections[0].id = "title".into();
        assert_err(&d, Some(20), &["`title` is reserved"]);
    }

    #[test]
    fn inner_grid_rules() {
        let mut d = sheet();
        inner(&mut d)[0].height = Some(90.0);
        assert_err(&d, Some(9), &["the `inner` grid of `c` row heights add up to 90%"]);
        let mut d = sheet();
        inner(&mut d)[0].boxes[1].id = "z".into();
        assert_err(&d, Some(10), &["names `z`", "`c` has no `###` subsection", "`x`, `y`"]);
        let mut d = sheet();
        inner(&mut d)[0].boxes[1].id = "x".into();
        assert_err(&d, Some(10), &["`x` is placed twice"]);
        let mut d = sheet();
        inner(&mut d)[0].boxes.pop();
        inner(&mut d)[0].boxes[0].width = None;
        assert_err(&d, Some(40), &["subsection `y` of `c` is not placed", "`inner` grid"]);
        let mut d = sheet();
        inner(&mut d)[0].boxes[0].inner = Some(vec![row(100.0, 11, vec![bx("q", None, 11)])]);
        assert_err(&d, Some(10), &["only a `##` box can hold an `inner` grid", "`x`"]);
        let mut d = sheet();
        inner(&mut d)[0].boxes[0].width = Some(100.0);
        assert_err(&d, Some(9), &["leave nothing"]);
        let mut d = sheet();
        d.sections[2].subsections.clear();
        assert_err(&d, Some(8), &["`c` has an `inner` grid but no `###` subsections"]);
        let mut d = sheet();
        inner(&mut d).clear();
        assert_err(&d, Some(8), &["has no rows"]);
    }

    #[test]
    fn empty_layout_and_row() {
        let mut d = sheet();
        layout(&mut d).clear();
        assert_err(&d, None, &["`layout` has no rows"]);
        let mut d = sheet();
        layout(&mut d)[1].boxes.clear();
        assert_err(&d, Some(4), &["row has no boxes"]);
    }

    #[test]
    fn wrong_level_and_empty_id() {
        let mut d = sheet();
        d.sections[1].level = 3;
        assert_err(&d, Some(25), &["has level 3", "level 2"]);
        let mut d = sheet();
        d.sections[1].id = String::new();
        assert_err(&d, Some(25), &["empty id"]);
    }
}
