//! The Markdown body → `##` sections with their `###` subsections and blocks.
//!
//! pulldown-cmark gives a flat stream of events; this module consumes it with a small recursive
//! descent whose depth is counted as it goes, so hostile nesting (thousands of `>` or list
//! levels) becomes an error before it can exhaust the stack.

use std::iter::Peekable;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, OffsetIter, Options, Parser, Tag,
};

use super::inline::{html_piece, html_pieces, merge_texts, resolve, Piece};
use super::lines::{error_at, LineIndex};
use super::slug::slugify;
use crate::error::{HanjiError, Result};
use crate::model::{AlertKind, Align, Block, Inline, ListItem, Section};

use crate::limits::{MAX_BLOCK_DEPTH as MAX_DEPTH, MAX_INLINE_DEPTH};

pub(crate) const BEFORE_FIRST_SECTION: &str = "content before the first `##` section: put the sheet title in the front matter `title:` and start boxes with `##`";

/// A `#` heading in a sheet.
pub(crate) const PART_IN_SHEET: &str = "a `#` heading inside the sheet: put the sheet title in the front matter `title:` and use `##` for boxes, `###` for parts of a box";

/// A body: the blocks before the first heading, then the parts and sections.
pub(crate) struct Body {
    pub opening: Vec<Block>,
    /// Line of the first opening block, for the sheet's error.
    pub opening_line: Option<usize>,
    pub sections: Vec<Section>,
}

/// Parses the body that starts on file line `first_line` into sections.
pub(crate) fn parse_body(body: &str, first_line: usize, path: &Path) -> Result<Body> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM;
    let body = escape_money(body, options);
    let mut reader = Reader {
        events: Parser::new_ext(&body, options | Options::ENABLE_MATH).into_offset_iter().peekable(),
        lines: LineIndex::new(&body, first_line),
        path,
        tasks: Vec::new(),
    };
    reader.sections()
}

/// Three or more dollar signs in a row are money (`$$$$ 비용`), never the start of a formula:
/// outside code they are escaped before formulas are read. Only `\\` is added, so lines keep
/// their numbers.
fn escape_money(body: &str, options: Options) -> std::borrow::Cow<'_, str> {
    if !body.contains("$$$") {
        return std::borrow::Cow::Borrowed(body);
    }
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Code(_) => code.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                code.push(block_start.take().unwrap_or(range.start)..range.end);
            }
            _ => {}
        }
    }
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len() + 16);
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|&&b| b == b'$').count();
        let escaped = i > 0 && bytes[i - 1] == b'\\';
        if run >= 3 && !escaped && !code.iter().any(|r| r.contains(&i)) {
            out.push_str(&"\\$".repeat(run));
            i += run;
            continue;
        }
        let next = body[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&body[i..i + next]);
        i += next;
    }
    std::borrow::Cow::Owned(out)
}

struct Reader<'a> {
    events: Peekable<OffsetIter<'a>>,
    lines: LineIndex,
    path: &'a Path,
    /// One slot per open list item, innermost last: a task marker belongs to the innermost
    /// item (it comes before anything nested in it).
    tasks: Vec<Option<bool>>,
}

impl<'a> Reader<'a> {
    fn line(&self, range: &Range<usize>) -> usize {
        self.lines.line(range.start)
    }

    fn error(&self, line: usize, message: impl Into<String>) -> HanjiError {
        error_at(self.path, line, message)
    }

    /// The top level: `##` opens a section, `###` a subsection, anything else is a block of the
    /// innermost open one.
    fn sections(&mut self) -> Result<Body> {
        let mut sections: Vec<Section> = Vec::new();
        let mut opening: Vec<Block> = Vec::new();
        let mut opening_line = None;
        while let Some((event, range)) = self.events.next() {
            let line = self.line(&range);
            match event {
                Event::Start(Tag::Heading {
                    level: level @ (HeadingLevel::H2 | HeadingLevel::H3),
                    id,
                    classes,
                    ..
                }) => {
                    let title = trim_title(self.inline_children(1, line)?);
                    let id = match id {
                        Some(id) => id.to_string(),
                        None => slugify(&crate::model::plain_text(&title)),
                    };
                    let mut section = Section {
                        id,
                        title,
                        classes: classes.iter().map(ToString::to_string).collect(),
                        level: if level == HeadingLevel::H2 { 2 } else { 3 },
                        line,
                        blocks: Vec::new(),
                        subsections: Vec::new(),
                    };
                    if level == HeadingLevel::H2 {
                        if section.id.is_empty() {
                            section.id = format!("section-{}", sections.len() + 1);
                        }
                        sections.push(section);
                    } else {
                        let index = sections.len();
                        let Some(parent) = sections.last_mut().filter(|s| s.level == 2) else {
                            let message = if index == 0 {
                                BEFORE_FIRST_SECTION
                            } else {
                                "a `###` subsection right after a `#` part: start a section with `## Heading` first"
                            };
                            return Err(self.error(line, message));
                        };
                        if section.id.is_empty() {
                            section.id = format!("section-{index}-{}", parent.subsections.len() + 1);
                        }
                        parent.subsections.push(section);
                    }
                }
                Event::Start(Tag::Heading { level: HeadingLevel::H1, id, classes, .. }) => {
                    // A part of a flowing document (a sheet refuses it in `parse_markdown`).
                    let title = trim_title(self.inline_children(1, line)?);
                    let id = match id {
                        Some(id) => id.to_string(),
                        None => slugify(&crate::model::plain_text(&title)),
                    };
                    let id = if id.is_empty() { format!("part-{}", sections.len() + 1) } else { id };
                    sections.push(Section {
                        id,
                        title,
                        classes: classes.iter().map(ToString::to_string).collect(),
                        level: 1,
                        line,
                        blocks: Vec::new(),
                        subsections: Vec::new(),
                    });
                }
                event => {
                    let mut blocks = Vec::new();
                    self.block(event, range, 0, &mut blocks)?;
                    if blocks.is_empty() {
                        continue;
                    }
                    let Some(section) = sections.last_mut() else {
                        opening_line.get_or_insert(line);
                        opening.append(&mut blocks);
                        continue;
                    };
                    let target = match section.subsections.last_mut() {
                        Some(sub) => &mut sub.blocks,
                        None => &mut section.blocks,
                    };
                    target.append(&mut blocks);
                }
            }
        }
        Ok(Body { opening, opening_line, sections })
    }

    /// Reads the block that `event` starts and appends it (or nothing, e.g. for a comment) to
    /// `out`. `depth` counts the quotes and lists around it.
    fn block(
        &mut self,
        event: Event<'a>,
        range: Range<usize>,
        depth: usize,
        out: &mut Vec<Block>,
    ) -> Result<()> {
        let line = self.line(&range);
        match event {
            Event::Start(Tag::Paragraph) => {
                let pieces = self.pieces_until_end(1, line)?;
                paragraph_blocks(pieces, line, out);
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let inlines = trim_title(self.inline_children(1, line)?);
                out.push(Block::Heading { level: level as u8, inlines, line });
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                let depth = self.deeper(depth, line)?;
                let mut blocks = Vec::new();
                self.blocks_until_end(depth, &mut blocks)?;
                out.push(Block::Quote { blocks, line, alert: kind.map(alert_kind) });
            }
            Event::Start(Tag::List(start)) => {
                let depth = self.deeper(depth, line)?;
                let items = self.list_items(depth)?;
                out.push(Block::List { start, items, line });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let text = self.text_until_end();
                out.push(code_block(kind, text, line));
            }
            Event::Start(Tag::Table(aligns)) => {
                let block = self.table(aligns, line)?;
                out.push(block);
            }
            Event::Start(Tag::HtmlBlock) => {
                let html = self.text_until_end();
                paragraph_blocks(html_pieces(html.trim()), line, out);
            }
            Event::Rule => out.push(Block::Rule { line }),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let depth = self.deeper(depth, line)?;
                let mut blocks = Vec::new();
                self.blocks_until_end(depth, &mut blocks)?;
                out.push(Block::Footnote { label: label.into_string(), blocks, line });
            }
            Event::End(_) => {}
            event if is_inline(&event) => {
                // Text directly inside a tight list item: gather the run into a paragraph.
                let mut pieces = Vec::new();
                self.inline(event, line, 1, &mut pieces)?;
                while self.events.peek().is_some_and(|(e, _)| is_inline(e)) {
                    if let Some((event, range)) = self.events.next() {
                        let line = self.line(&range);
                        self.inline(event, line, 1, &mut pieces)?;
                    }
                }
                paragraph_blocks(pieces, line, out);
            }
            Event::Start(_) => self.skip_until_end(),
            _ => {}
        }
        Ok(())
    }

    /// One more level of quote or list nesting, or the depth error.
    fn deeper(&self, depth: usize, line: usize) -> Result<usize> {
        if depth >= MAX_DEPTH {
            return Err(self
                .error(line, format!("nesting deeper than {MAX_DEPTH} levels; flatten the list or quote")));
        }
        Ok(depth + 1)
    }

    /// Blocks up to the end of the element whose start was just read.
    fn blocks_until_end(&mut self, depth: usize, out: &mut Vec<Block>) -> Result<()> {
        while let Some((event, range)) = self.events.next() {
            if matches!(event, Event::End(_)) {
                break;
            }
            self.block(event, range, depth, out)?;
        }
        Ok(())
    }

    fn list_items(&mut self, depth: usize) -> Result<Vec<ListItem>> {
        let mut items = Vec::new();
        while let Some((event, _)) = self.events.next() {
            match event {
                Event::Start(Tag::Item) => {
                    let mut blocks = Vec::new();
                    self.tasks.push(None);
                    let read = self.blocks_until_end(depth, &mut blocks);
                    let task = self.tasks.pop().flatten();
                    read?;
                    items.push(ListItem { blocks, task });
                }
                Event::End(_) => break,
                Event::Start(_) => self.skip_until_end(),
                _ => {}
            }
        }
        Ok(items)
    }

    fn table(&mut self, aligns: Vec<Alignment>, line: usize) -> Result<Block> {
        let aligns = aligns.into_iter().map(align).collect();
        let mut header = Vec::new();
        let mut rows = Vec::new();
        while let Some((event, range)) = self.events.next() {
            match event {
                Event::Start(Tag::TableHead) => header = self.cells(self.line(&range))?,
                Event::Start(Tag::TableRow) => rows.push(self.cells(self.line(&range))?),
                Event::End(_) => break,
                Event::Start(_) => self.skip_until_end(),
                _ => {}
            }
        }
        Ok(Block::Table { aligns, header, rows, line })
    }

    fn cells(&mut self, line: usize) -> Result<Vec<Vec<Inline>>> {
        let mut cells = Vec::new();
        while let Some((event, _)) = self.events.next() {
            match event {
                Event::Start(Tag::TableCell) => cells.push(self.inline_children(1, line)?),
                Event::End(_) => break,
                Event::Start(_) => self.skip_until_end(),
                _ => {}
            }
        }
        Ok(cells)
    }

    /// The text of a code or HTML block up to its end.
    fn text_until_end(&mut self) -> String {
        let mut text = String::new();
        for (event, _) in self.events.by_ref() {
            match event {
                Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => text.push_str(&t),
                Event::End(_) => break,
                _ => {}
            }
        }
        text
    }

    /// Skips an element this format does not use, counting nesting instead of recursing.
    fn skip_until_end(&mut self) {
        let mut open = 1usize;
        for (event, _) in self.events.by_ref() {
            match event {
                Event::Start(_) => open += 1,
                Event::End(_) => {
                    open -= 1;
                    if open == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }

    /// The children of an inline container (or heading, cell) as resolved inlines.
    fn inline_children(&mut self, depth: usize, line: usize) -> Result<Vec<Inline>> {
        Ok(resolve(self.pieces_until_end(depth, line)?))
    }

    /// The children of the element whose start was just read, before marks are resolved.
    fn pieces_until_end(&mut self, depth: usize, line: usize) -> Result<Vec<Piece>> {
        if depth > MAX_INLINE_DEPTH {
            return Err(self.error(
                line,
                format!("inline formatting nested deeper than {MAX_INLINE_DEPTH} levels: simplify the `*`, `**`, `~~` and link nesting"),
            ));
        }
        let mut pieces = Vec::new();
        while let Some((event, range)) = self.events.next() {
            if matches!(event, Event::End(_)) {
                break;
            }
            let line = self.line(&range);
            self.inline(event, line, depth, &mut pieces)?;
        }
        Ok(pieces)
    }

    /// Appends what one inline event (with its children) means.
    fn inline(&mut self, event: Event<'a>, line: usize, depth: usize, out: &mut Vec<Piece>) -> Result<()> {
        let piece = match event {
            Event::Text(t) => Piece::Inline(Inline::Text(t.into_string())),
            Event::Code(t) => Piece::Inline(Inline::Code(t.into_string())),
            Event::SoftBreak => Piece::Inline(Inline::Text(" ".to_string())),
            Event::HardBreak => Piece::Inline(Inline::LineBreak),
            Event::InlineHtml(html) | Event::Html(html) => match html_piece(&html) {
                Some(piece) => piece,
                None => return Ok(()),
            },
            Event::Start(Tag::Emphasis) => {
                Piece::Inline(Inline::Emph(self.inline_children(depth + 1, line)?))
            }
            Event::Start(Tag::Strong) => {
                Piece::Inline(Inline::Strong(self.inline_children(depth + 1, line)?))
            }
            Event::Start(Tag::Strikethrough) => {
                Piece::Inline(Inline::Strike(self.inline_children(depth + 1, line)?))
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let children = self.inline_children(depth + 1, line)?;
                Piece::Inline(Inline::Link { url: dest_url.into_string(), children })
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let alt = crate::model::plain_text(&self.inline_children(depth + 1, line)?);
                Piece::Image { src: dest_url.into_string(), alt, line }
            }
            Event::Start(_) => {
                // Inline tags this format does not enable: keep their text, drop the markup.
                out.extend(self.pieces_until_end(depth + 1, line)?);
                return Ok(());
            }
            Event::FootnoteReference(label) => Piece::Inline(Inline::FootnoteRef(label.into_string())),
            Event::InlineMath(t) => Piece::Inline(Inline::Math(t.into_string())),
            Event::DisplayMath(t) => Piece::DisplayMath { tex: t.into_string(), line },
            Event::TaskListMarker(done) => {
                match self.tasks.last_mut() {
                    Some(slot) => *slot = Some(done),
                    // Not in a list item (pulldown-cmark never does this): keep it as written.
                    None => out.push(Piece::Inline(Inline::Text(if done { "[x] " } else { "[ ] " }.into()))),
                }
                return Ok(());
            }
            Event::End(_) | Event::Rule => return Ok(()),
        };
        out.push(piece);
        Ok(())
    }
}

/// Whether an event belongs inside a paragraph.
fn is_inline(event: &Event) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::TaskListMarker(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        ),
        _ => false,
    }
}

/// A paragraph's pieces as blocks: each image at its top level becomes an image block, the
/// text around it paragraphs; whitespace-only paragraphs are dropped.
fn paragraph_blocks(pieces: Vec<Piece>, line: usize, out: &mut Vec<Block>) {
    let mut chunk = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Image { src, alt, line: image_line } => {
                push_paragraph(std::mem::take(&mut chunk), line, out);
                out.push(Block::Image { src, alt, line: image_line });
            }
            Piece::DisplayMath { tex, line: math_line } => {
                push_paragraph(std::mem::take(&mut chunk), line, out);
                out.push(Block::Math { tex, line: math_line });
            }
            piece => chunk.push(piece),
        }
    }
    push_paragraph(chunk, line, out);
}

fn push_paragraph(pieces: Vec<Piece>, line: usize, out: &mut Vec<Block>) {
    let inlines = trim_title(resolve(pieces));
    let blank = inlines.iter().all(|i| match i {
        Inline::Text(t) => t.trim().is_empty(),
        Inline::LineBreak => true,
        _ => false,
    });
    if matches!(&inlines[..], [Inline::Text(t)] if t.trim() == "\\newpage") {
        out.push(Block::PageBreak { line });
    } else if !blank {
        out.push(Block::Paragraph { inlines, line });
    }
}

/// Inlines without whitespace at either end (heading text before `{#id}`, text around images).
fn trim_title(mut inlines: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        t.truncate(t.trim_end().len());
    }
    merge_texts(inlines)
}

fn code_block(kind: CodeBlockKind, mut text: String, line: usize) -> Block {
    if text.ends_with('\n') {
        text.pop();
    }
    let lang = match kind {
        CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_string),
        CodeBlockKind::Indented => None,
    };
    match lang {
        // The diagram starts on the line after the fence; mermaid errors count from there.
        Some(lang) if lang.eq_ignore_ascii_case("mermaid") => Block::Mermaid { text, line: line + 1 },
        Some(lang) if lang.eq_ignore_ascii_case("math") => Block::Math { tex: text, line: line + 1 },
        lang => Block::Code { lang, text, line },
    }
}

fn alert_kind(kind: BlockQuoteKind) -> AlertKind {
    match kind {
        BlockQuoteKind::Note => AlertKind::Note,
        BlockQuoteKind::Tip => AlertKind::Tip,
        BlockQuoteKind::Important => AlertKind::Important,
        BlockQuoteKind::Warning => AlertKind::Warning,
        BlockQuoteKind::Caution => AlertKind::Caution,
    }
}

fn align(alignment: Alignment) -> Align {
    match alignment {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Vec<Section>> {
        parse_body(body, 1, Path::new("t.md")).map(|b| b.sections)
    }

    fn ok(body: &str) -> Vec<Section> {
        match parse(body) {
            Ok(sections) => sections,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    /// The blocks of the only section of `body`.
    fn blocks(body: &str) -> Vec<Block> {
        let mut sections = ok(&format!("## s\n{body}"));
        assert_eq!(sections.len(), 1);
        sections.remove(0).blocks
    }

    /// The inlines of the only paragraph of `text`.
    fn inlines(text: &str) -> Vec<Inline> {
        match blocks(text).as_slice() {
            [Block::Paragraph { inlines, .. }] => inlines.clone(),
            other => panic!("not one paragraph: {other:?}"),
        }
    }

    fn t(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    fn para(inlines: Vec<Inline>, line: usize) -> Block {
        Block::Paragraph { inlines, line }
    }

    #[test]
    fn heading_attributes_and_slugs() {
        let sections = ok("## 📦 BASE MODEL이란?\n\n## ⚡ LLM TRAINING PIPELINE {#pipeline .blue .wide}\n");
        assert_eq!(sections[0].id, "base-model이란");
        assert_eq!(sections[0].title, vec![t("📦 BASE MODEL이란?")]);
        assert!(sections[0].classes.is_empty());
        assert_eq!(sections[1].id, "pipeline");
        assert_eq!(sections[1].classes, vec!["blue", "wide"]);
        assert_eq!(sections[1].title, vec![t("⚡ LLM TRAINING PIPELINE")]);
        assert_eq!((sections[0].line, sections[1].line), (1, 3));
        assert_eq!(sections[1].level, 2);
    }

    #[test]
    fn emoji_only_headings_get_numbered_ids() {
        let sections = ok("## 🍌\n### 🍌\n## 🍌🍌\n");
        assert_eq!(sections[0].id, "section-1");
        assert_eq!(sections[0].subsections[0].id, "section-1-1");
        assert_eq!(sections[1].id, "section-2");
    }

    #[test]
    fn subsections_take_the_blocks_after_them() {
        let sections = ok("## A\nintro\n### B {#b}\nin b\n#### small\n### C\nin c\n## D\nin d\n");
        assert_eq!(sections.len(), 2);
        let a = &sections[0];
        assert_eq!(a.blocks, vec![para(vec![t("intro")], 2)]);
        assert_eq!(a.subsections.len(), 2);
        let b = &a.subsections[0];
        assert_eq!((b.id.as_str(), b.level, b.line), ("b", 3, 3));
        assert_eq!(
            b.blocks,
            vec![para(vec![t("in b")], 4), Block::Heading { level: 4, inlines: vec![t("small")], line: 5 }]
        );
        assert_eq!(a.subsections[1].id, "c");
        assert_eq!(a.subsections[1].blocks, vec![para(vec![t("in c")], 7)]);
        assert_eq!(sections[1].blocks, vec![para(vec![t("in d")], 9)]);
    }

    #[test]
    fn content_before_first_section_is_an_error() {
        // In a sheet (a front matter with `layout`, six lines): nothing outside the boxes.
        let sheet = |body: &str| {
            let source = format!("---\ntitle: T\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n{body}");
            crate::parse::parse_markdown(source.as_bytes(), Path::new("t.md"))
        };
        for (body, line) in [
            ("\n\ntext\n## a\n", 3),
            ("# Title\n## a\n", 1),
            ("\n### sub\n## a\n", 2),
            ("- item\n", 1),
            ("\n\n---\n## a\n", 3),
        ] {
            let err = sheet(body).unwrap_err();
            assert_eq!(err.line, Some(6 + line), "{body:?}");
            assert!(err.message.contains("content before the first `##` section"), "{}", err.message);
            assert!(err.message.contains("`title:`"), "{}", err.message);
        }
        let err = sheet("## a\n# big\n").unwrap_err();
        assert_eq!(err.line, Some(8));
        assert!(err.message.contains("`#` heading"), "{}", err.message);
        assert_eq!(ok("\n\n<!-- note -->\n\n## a\n").len(), 1);
    }

    #[test]
    fn a_flowing_document_has_an_opening_and_parts() {
        let body = parse_body(
            "intro\n\n# Part one {#p1}\npart text\n## A\na\n# Part two\n## B\n",
            1,
            Path::new("t.md"),
        )
        .unwrap();
        assert_eq!(body.opening_line, Some(1));
        assert!(matches!(body.opening[..], [Block::Paragraph { .. }]));
        let levels: Vec<(u8, &str)> = body.sections.iter().map(|s| (s.level, s.id.as_str())).collect();
        assert_eq!(levels, [(1, "p1"), (2, "a"), (1, "part-two"), (2, "b")]);
        assert_eq!(body.sections[0].blocks.len(), 1, "a part keeps the text before its first section");
        let err = parse("# Part\n### sub\n").unwrap_err();
        assert!(err.message.contains("right after a `#` part"), "{}", err.message);
    }

    #[test]
    fn newpage_alone_on_a_line_is_a_page_break() {
        let doc = crate::parse::parse_markdown(
            b"## A\none\n\n\\newpage\n\ntwo \\newpage here\n",
            Path::new("n.md"),
        )
        .unwrap();
        let kinds: Vec<&Block> = doc.sections[0].blocks.iter().collect();
        assert!(matches!(
            kinds[..],
            [Block::Paragraph { .. }, Block::PageBreak { line: 4 }, Block::Paragraph { .. }]
        ));
        let sheet =
            "---\ntitle: T\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n## A {#a}\nx\n\n\\newpage\n";
        let err = crate::parse::parse_markdown(sheet.as_bytes(), Path::new("s.md")).unwrap_err();
        assert_eq!(err.line, Some(10));
        assert!(err.message.contains("flowing documents"), "{}", err.message);
    }

    #[test]
    fn notes_without_front_matter_take_their_title_from_the_first_heading() {
        let doc = crate::parse::parse_markdown(
            "# 운영체제 노트\n\n소개.\n\n## 프로세스\n내용\n".as_bytes(),
            Path::new("n.md"),
        )
        .unwrap();
        assert_eq!(doc.meta.title, "운영체제 노트");
        assert_eq!(doc.opening.len(), 1);
        assert_eq!(doc.sections.len(), 1);
        // Only paragraphs: a flowing document all the same.
        let doc = crate::parse::parse_markdown(b"just a line of notes\n", Path::new("n.md")).unwrap();
        assert!(doc.sections.is_empty() && doc.opening.len() == 1);
        // The JSON model carries it all and reads back the same.
        let json = serde_json::to_vec(&doc).unwrap();
        assert_eq!(crate::parse::parse_json(&json, Path::new("n.json")).unwrap(), doc);
    }

    #[test]
    fn lines_are_offset_by_the_front_matter() {
        let sections = parse_body("\n## a\n\ntext\n", 10, Path::new("t.md")).unwrap().sections;
        assert_eq!(sections[0].line, 11);
        assert_eq!(sections[0].blocks[0].line(), 13);
    }

    #[test]
    fn marks_with_equals_and_html() {
        assert_eq!(
            inlines("**베이스 모델**은 ==인터넷 문서 시뮬레이터==입니다."),
            vec![
                Inline::Strong(vec![t("베이스 모델")]),
                t("은 "),
                Inline::Mark(vec![t("인터넷 문서 시뮬레이터")]),
                t("입니다."),
            ]
        );
        assert_eq!(
            inlines("a <mark>b *c*</mark> d"),
            vec![t("a "), Inline::Mark(vec![t("b "), Inline::Emph(vec![t("c")])]), t(" d")]
        );
        assert_eq!(
            inlines("==**x** and `y`=="),
            vec![Inline::Mark(vec![Inline::Strong(vec![t("x")]), t(" and "), Inline::Code("y".into())])]
        );
        assert_eq!(
            inlines("**==in strong==**"),
            vec![Inline::Strong(vec![Inline::Mark(vec![t("in strong")])])]
        );
        assert_eq!(inlines("a == b"), vec![t("a == b")]);
        assert_eq!(inlines("`==code==`"), vec![Inline::Code("==code==".into())]);
    }

    #[test]
    fn inline_kinds() {
        assert_eq!(
            inlines("a\nb  \nc\\\nd<br>e<br/>f ~~g~~ [h](http://x.y) <span>i</span>"),
            vec![
                t("a b"),
                Inline::LineBreak,
                t("c"),
                Inline::LineBreak,
                t("d"),
                Inline::LineBreak,
                t("e"),
                Inline::LineBreak,
                t("f "),
                Inline::Strike(vec![t("g")]),
                t(" "),
                Inline::Link { url: "http://x.y".into(), children: vec![t("h")] },
                t(" <span>i</span>"),
            ]
        );
    }

    #[test]
    fn nested_lists_with_start() {
        let got = blocks("- a\n  - b\n    1. c\n    2. d\n- e\n");
        let list = |start, items: Vec<Vec<Block>>, line| Block::List {
            start,
            items: items.into_iter().map(|blocks| ListItem { blocks, task: None }).collect(),
            line,
        };
        let expected = vec![list(
            None,
            vec![
                vec![
                    para(vec![t("a")], 2),
                    list(
                        None,
                        vec![vec![
                            para(vec![t("b")], 3),
                            list(Some(1), vec![vec![para(vec![t("c")], 4)], vec![para(vec![t("d")], 5)]], 4),
                        ]],
                        3,
                    ),
                ],
                vec![para(vec![t("e")], 6)],
            ],
            2,
        )];
        assert_eq!(got, expected);
        let numbered = blocks("3. x\n4. y\n");
        assert!(
            matches!(&numbered[0], Block::List { start: Some(3), items, .. } if items.len() == 2),
            "{numbered:?}"
        );
    }

    #[test]
    fn loose_items_give_paragraphs_too() {
        let got = blocks("1. one\n\n   more\n\n2. two\n");
        let Block::List { start: Some(1), items, .. } = &got[0] else { panic!("{got:?}") };
        assert_eq!(items[0].blocks, vec![para(vec![t("one")], 2), para(vec![t("more")], 4)]);
        assert_eq!(items[1].blocks, vec![para(vec![t("two")], 6)]);
    }

    #[test]
    fn quotes_hold_blocks() {
        let got = blocks("> 베이스 모델은\n> > inner\n>\n> - x\n");
        let Block::Quote { blocks, line: 2, alert: None } = &got[0] else { panic!("{got:?}") };
        assert_eq!(blocks[0], para(vec![t("베이스 모델은")], 2));
        assert!(matches!(&blocks[1], Block::Quote { line: 3, .. }), "{blocks:?}");
        assert!(matches!(&blocks[2], Block::List { line: 5, .. }), "{blocks:?}");
    }

    #[test]
    fn github_alerts_are_quotes_with_their_kind() {
        let got = blocks(
            "> [!NOTE]\n> 참고 글\n\n> [!tip]\n> a\n\n> [!Important]\n\n> [!WARNING]\n> - x\n\n> [!CAUTION]\n> b\n\n> [!NOTE] same line\n\n> [!DANGER]\n> c\n",
        );
        let kinds: Vec<Option<AlertKind>> = got
            .iter()
            .map(|b| match b {
                Block::Quote { alert, .. } => *alert,
                other => panic!("{other:?}"),
            })
            .collect();
        use AlertKind::*;
        assert_eq!(kinds, [Some(Note), Some(Tip), Some(Important), Some(Warning), Some(Caution), None, None]);
        // The marker line is not text; the body starts on the next line.
        let Block::Quote { blocks, line: 2, .. } = &got[0] else { panic!("{got:?}") };
        assert_eq!(blocks, &vec![para(vec![t("참고 글")], 3)]);
        assert!(matches!(&got[3], Block::Quote { blocks, .. } if matches!(blocks[..], [Block::List { .. }])));
        let Block::Quote { blocks, .. } = &got[5] else { panic!() };
        assert_eq!(blocks, &vec![para(vec![t("[!NOTE] same line")], 16)]);
    }

    #[test]
    fn task_markers_belong_to_their_own_item() {
        let got = blocks("- [x] done\n- [ ] open\n  - [X] inner\n  - plain\n- text [ ] stays\n\n1. [ ] numbered\n\n   loose\n");
        let Block::List { items, .. } = &got[0] else { panic!("{got:?}") };
        let tasks: Vec<Option<bool>> = items.iter().map(|i| i.task).collect();
        assert_eq!(tasks, [Some(true), Some(false), None]);
        assert_eq!(items[0].blocks, vec![para(vec![t("done")], 2)]);
        let Block::List { items: inner, .. } = &items[1].blocks[1] else { panic!("{items:?}") };
        assert_eq!(inner.iter().map(|i| i.task).collect::<Vec<_>>(), [Some(true), None]);
        assert_eq!(items[2].blocks, vec![para(vec![t("text [ ] stays")], 6)]);
        let Block::List { items, .. } = &got[1] else { panic!("{got:?}") };
        assert_eq!(items[0].task, Some(false));
        assert_eq!(items[0].blocks[0], para(vec![t("numbered")], 8));
    }

    #[test]
    fn shortcodes_become_emoji_but_not_in_code() {
        assert_eq!(
            inlines("출시 :rocket: `:rocket:` **:tada:** :nope: :white_check_mark:"),
            vec![
                t("출시 🚀 "),
                Inline::Code(":rocket:".into()),
                t(" "),
                Inline::Strong(vec![t("🎉")]),
                t(" :nope: ✅"),
            ]
        );
        assert_eq!(
            blocks("```\n:rocket:\n```\n"),
            vec![Block::Code { lang: None, text: ":rocket:".into(), line: 2 }]
        );
        let sections = ok("## :memo: 노트\n");
        assert_eq!(sections[0].title, vec![t("📝 노트")]);
    }

    #[test]
    fn tables() {
        let got = blocks("| a | **b** | c |\n|:--|:-:|--:|\n| 1 | ==2== | |\n| x<br>y |\n");
        let expected = Block::Table {
            aligns: vec![Align::Left, Align::Center, Align::Right],
            header: vec![vec![t("a")], vec![Inline::Strong(vec![t("b")])], vec![t("c")]],
            rows: vec![
                vec![vec![t("1")], vec![Inline::Mark(vec![t("2")])], vec![]],
                vec![vec![t("x"), Inline::LineBreak, t("y")], vec![], vec![]],
            ],
            line: 2,
        };
        assert_eq!(got, vec![expected]);
    }

    #[test]
    fn code_and_mermaid_blocks() {
        let got = blocks(
            "\n```mermaid\nflowchart LR\n  A --> B\n```\n\n```rust title\nfn x() {}\n```\n\n    indented\n",
        );
        assert_eq!(
            got,
            vec![
                Block::Mermaid { text: "flowchart LR\n  A --> B".into(), line: 4 },
                Block::Code { lang: Some("rust".into()), text: "fn x() {}".into(), line: 8 },
                Block::Code { lang: None, text: "indented".into(), line: 12 },
            ]
        );
        let sections = parse_body("## s\n- item\n\n  ```Mermaid\n  pie\n  ```\n", 20, Path::new("t.md"))
            .unwrap()
            .sections;
        let Block::List { items, .. } = &sections[0].blocks[0] else { panic!() };
        assert_eq!(items[0].blocks[1], Block::Mermaid { text: "pie".into(), line: 24 });
    }

    #[test]
    fn images_and_rules() {
        assert_eq!(
            blocks("![a cat](cat.png)\n\n***\n\ntext ![dog](dog.svg) more\n"),
            vec![
                Block::Image { src: "cat.png".into(), alt: "a cat".into(), line: 2 },
                Block::Rule { line: 4 },
                para(vec![t("text")], 6),
                Block::Image { src: "dog.svg".into(), alt: "dog".into(), line: 6 },
                para(vec![t("more")], 6),
            ]
        );
        assert_eq!(
            inlines("[![badge](b.png)](http://x)"),
            vec![Inline::Link { url: "http://x".into(), children: vec![t("badge")] }]
        );
    }

    #[test]
    fn html_blocks_become_text_or_nothing() {
        assert_eq!(blocks("<!-- hidden -->\n\n<div>hi</div>\n"), vec![para(vec![t("<div>hi</div>")], 4)]);
    }

    fn assert_depth_error(body: &str) {
        let err = parse(body).unwrap_err();
        assert!(err.message.contains("nesting deeper than 32 levels"), "{}", err.message);
        assert!(err.message.contains("flatten the list or quote"), "{}", err.message);
        assert!(err.line.is_some());
    }

    #[test]
    fn deep_quotes_and_lists_are_errors_not_overflows() {
        assert_depth_error(&format!("## s\n{}deep\n", ">".repeat(5000)));
        assert_depth_error(&format!("## s\n{}deep\n", "- ".repeat(5000)));
        assert_depth_error(&format!("## s\n{}deep\n", "> - ".repeat(2500)));
        let mut lines = String::from("## s\n");
        for level in 0..5000 {
            lines.push_str(&">".repeat(level + 1));
            lines.push_str(" x\n");
        }
        let err = parse(&lines).unwrap_err();
        assert_eq!(err.line, Some(34));
        // 32 levels are fine.
        assert!(parse(&format!("## s\n{}ok\n", "> ".repeat(MAX_DEPTH))).is_ok());
    }

    #[test]
    fn deep_inline_nesting_is_an_error() {
        let body = format!("## s\n{}x{}\n", "*a _b ".repeat(3000), "_ b* a".repeat(3000));
        let err = parse(&body).unwrap_err();
        assert!(err.message.contains("inline formatting nested deeper"), "{}", err.message);
    }

    #[test]
    fn three_megabyte_paragraph_is_linear() {
        let word = "베이스 model ==mark== **bold** text\n";
        let body = format!("## s\n{}", word.repeat(3_000_000 / word.len() + 1));
        assert!(body.len() > 3_000_000);
        let start = std::time::Instant::now();
        let sections = ok(&body);
        let elapsed = start.elapsed();
        let Block::Paragraph { inlines, .. } = &sections[0].blocks[0] else { panic!() };
        assert!(inlines.len() > 100_000);
        assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
    }
}
