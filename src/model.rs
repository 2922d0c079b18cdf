//! The document model: plain data that the parser produces and the rest of the pipeline reads.
//!
//! It is serde-serialisable so that `hanji parse` can print it and `hanji render doc.json` can
//! render it to the same PDF as the Markdown it came from. Every block keeps its 1-based source
//! line so later stages can report errors with `file:line`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A parsed cheat-sheet source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    pub meta: Meta,
    /// A flowing document's text before its first section, set after the title block.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opening: Vec<Block>,
    /// The `##` sections in source order; each holds its `###` subsections. In a flowing
    /// document `#` parts (level 1, with the text before their first section) stand among them.
    pub sections: Vec<Section>,
}

/// The front matter, with defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Meta {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// BCP 47 language tag; `ko` unless the source says otherwise.
    pub lang: String,
    /// A page name such as `a4-landscape` (see `page::PageSize::from_name`).
    pub page: String,
    /// A style name from `styles/` or a path to a `.toml`, relative to the source.
    pub style: String,
    /// Sheet rows, top to bottom; `None` means flow mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Vec<LayoutRow>>,
    /// `layout: auto` was written: the parser chose the rows (they are in `layout`).
    #[serde(skip)]
    pub auto_layout: bool,
    /// The document's date, as written (title block and PDF metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Flow only: columns per page (1–6); `None` takes the page's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<u8>,
    /// Flow only: how `##` sections look.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<SectionStyle>,
    /// Flow only: a table of contents after the title block.
    #[serde(default, skip_serializing_if = "is_false")]
    pub toc: bool,
    /// Number the headings 1, 1.1, 1.1.1.
    #[serde(default, skip_serializing_if = "is_false")]
    pub numbering: bool,
    /// Flow only: running header and footer, with `{title}`, `{page}`, … placeholders;
    /// `Some("")` for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
}

impl Default for Meta {
    /// A source without front matter: Korean, A4 landscape, pen-notes, flowing.
    fn default() -> Meta {
        Meta {
            title: String::new(),
            title_icon: None,
            subtitle: None,
            author: None,
            source_url: None,
            subject: None,
            keywords: Vec::new(),
            lang: "ko".to_string(),
            page: "a4-landscape".to_string(),
            style: "pen-notes".to_string(),
            layout: None,
            auto_layout: false,
            date: None,
            columns: None,
            sections: None,
            toc: false,
            numbering: false,
            header: None,
            footer: None,
        }
    }
}

/// How the `##` sections of a flowing document are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionStyle {
    /// Each section a framed box, as on a sheet.
    Boxes,
    /// Running notes: a heading, no frame.
    Plain,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// One row of a sheet grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LayoutRow {
    /// Share of the parent's height, in percent; rows without one share what is left in
    /// proportion to what their content needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<f32>,
    pub boxes: Vec<LayoutBox>,
    /// Source line of the row in the front matter (1-based, in the source file).
    #[serde(default)]
    pub line: usize,
}

/// One box of a row: a `##` section id (or `title`), or a `###` subsection inside an `inner` grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LayoutBox {
    pub id: String,
    /// Share of the row's width, in percent; boxes without one share the rest in proportion to
    /// what their content needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<f32>,
    /// A nested grid that places this section's `###` subsections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner: Option<Vec<LayoutRow>>,
    #[serde(default)]
    pub line: usize,
}

/// A `##` section (a box on the sheet) or a `###` subsection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    pub id: String,
    /// The heading text without the `{#id .class}` attributes; may start with an emoji.
    pub title: Vec<Inline>,
    /// Heading classes such as `blue`; they pick the box colour.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// 2 for `##`, 3 for `###`.
    pub level: u8,
    pub line: usize,
    /// The blocks before the first subsection.
    pub blocks: Vec<Block>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subsections: Vec<Section>,
}

/// Column alignment of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        inlines: Vec<Inline>,
        line: usize,
    },
    /// A heading of level 4 or deeper (`###` always starts a subsection).
    Heading {
        level: u8,
        inlines: Vec<Inline>,
        line: usize,
    },
    List {
        /// `Some(start)` for a numbered list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<u64>,
        items: Vec<ListItem>,
        line: usize,
    },
    /// A block quote; with `alert`, a GitHub alert (`> [!NOTE]` …) set as a titled callout.
    Quote {
        blocks: Vec<Block>,
        line: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alert: Option<AlertKind>,
    },
    Table {
        aligns: Vec<Align>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        line: usize,
    },
    Code {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
        text: String,
        line: usize,
    },
    /// A fenced ```` ```mermaid ```` block; `line` is the line of the first diagram line.
    Mermaid {
        text: String,
        line: usize,
    },
    /// `$$…$$` or a ```` ```math ```` block: a displayed TeX formula.
    Math {
        tex: String,
        line: usize,
    },
    Image {
        src: String,
        alt: String,
        line: usize,
    },
    Rule {
        line: usize,
    },
    /// `\newpage` alone on a line: a flowing document goes on at the top of the next page.
    PageBreak {
        line: usize,
    },
    /// `[^label]: …`, the text of a footnote, where it was written. A flowing document sets it
    /// at the foot of the column that references it; a sheet keeps it in place.
    Footnote {
        label: String,
        blocks: Vec<Block>,
        line: usize,
    },
}

/// A list item: its blocks (paragraphs, nested lists, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ListItem {
    pub blocks: Vec<Block>,
    /// A task (`- [ ]`, `- [x]`): whether it is done; `None` for a plain item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<bool>,
}

/// The kind of a GitHub alert: it picks the callout's icon, title and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl AlertKind {
    /// The title as GitHub shows it, in Korean for a Korean document.
    pub fn title(self, lang: &str) -> &'static str {
        let korean = lang.get(..2).is_some_and(|l| l.eq_ignore_ascii_case("ko"));
        match (self, korean) {
            (AlertKind::Note, true) => "참고",
            (AlertKind::Tip, true) => "팁",
            (AlertKind::Important, true) => "중요",
            (AlertKind::Warning, true) => "경고",
            (AlertKind::Caution, true) => "주의",
            (AlertKind::Note, false) => "Note",
            (AlertKind::Tip, false) => "Tip",
            (AlertKind::Important, false) => "Important",
            (AlertKind::Warning, false) => "Warning",
            (AlertKind::Caution, false) => "Caution",
        }
    }

    /// The emoji before the title (drawn from Twemoji like any emoji).
    pub fn icon(self) -> &'static str {
        match self {
            AlertKind::Note => "\u{2139}\u{FE0F}",
            AlertKind::Tip => "\u{1F4A1}",
            AlertKind::Important => "\u{2757}",
            AlertKind::Warning => "\u{26A0}\u{FE0F}",
            AlertKind::Caution => "\u{1F6D1}",
        }
    }

    /// The palette colour of the callout, as GitHub colours its alerts.
    pub fn color_name(self) -> &'static str {
        match self {
            AlertKind::Note => "blue",
            AlertKind::Tip => "green",
            AlertKind::Important => "purple",
            AlertKind::Warning => "orange",
            AlertKind::Caution => "red",
        }
    }
}

/// An inline element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "content", rename_all = "snake_case")]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Emph(Vec<Inline>),
    /// `==mark==` or `<mark>…</mark>`: a highlighter stroke behind the words.
    Mark(Vec<Inline>),
    Strike(Vec<Inline>),
    Code(String),
    Link {
        url: String,
        children: Vec<Inline>,
    },
    /// A hard line break (`<br>`, two trailing spaces, backslash).
    LineBreak,
    /// `[^label]`: a reference to the footnote with that label.
    FootnoteRef(String),
    /// `$…$`: a TeX formula in the text.
    Math(String),
}

impl Block {
    /// The 1-based source line where this block starts.
    pub fn line(&self) -> usize {
        match self {
            Block::Paragraph { line, .. }
            | Block::Heading { line, .. }
            | Block::List { line, .. }
            | Block::Quote { line, .. }
            | Block::Table { line, .. }
            | Block::Code { line, .. }
            | Block::Mermaid { line, .. }
            | Block::Math { line, .. }
            | Block::Image { line, .. }
            | Block::Rule { line }
            | Block::PageBreak { line }
            | Block::Footnote { line, .. } => *line,
        }
    }
}

/// The plain text of inlines, as a reader would copy it.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    append_plain(inlines, &mut out);
    out
}

fn append_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) | Inline::Math(t) => out.push_str(t),
            Inline::Strong(c) | Inline::Emph(c) | Inline::Mark(c) | Inline::Strike(c) => append_plain(c, out),
            Inline::Link { children, .. } => append_plain(children, out),
            Inline::LineBreak => out.push('\n'),
            Inline::FootnoteRef(_) => {}
        }
    }
}

/// The labels of the footnotes in the order they are first referenced: their numbers.
pub fn footnote_order(doc: &Document) -> Vec<String> {
    let mut order = Vec::new();
    let sections = doc.sections.iter().flat_map(|s| std::iter::once(s).chain(&s.subsections));
    for section in sections {
        inline_refs(&section.title, &mut order);
        block_refs(&section.blocks, &mut order);
    }
    let mut opening = Vec::new();
    block_refs(&doc.opening, &mut opening);
    // The opening comes first in the document.
    for label in order {
        if !opening.contains(&label) {
            opening.push(label);
        }
    }
    opening
}

fn block_refs(blocks: &[Block], order: &mut Vec<String>) {
    for block in blocks {
        match block {
            Block::Paragraph { inlines, .. } | Block::Heading { inlines, .. } => inline_refs(inlines, order),
            Block::List { items, .. } => items.iter().for_each(|i| block_refs(&i.blocks, order)),
            Block::Quote { blocks, .. } | Block::Footnote { blocks, .. } => block_refs(blocks, order),
            Block::Table { header, rows, .. } => {
                header.iter().chain(rows.iter().flatten()).for_each(|c| inline_refs(c, order))
            }
            _ => {}
        }
    }
}

fn inline_refs(inlines: &[Inline], order: &mut Vec<String>) {
    for inline in inlines {
        match inline {
            Inline::FootnoteRef(label) if !order.contains(label) => order.push(label.clone()),
            Inline::Strong(c) | Inline::Emph(c) | Inline::Mark(c) | Inline::Strike(c) => {
                inline_refs(c, order)
            }
            Inline::Link { children, .. } => inline_refs(children, order),
            _ => {}
        }
    }
}

/// Calls `visit` on every block of the document, nested ones included, in source order.
pub fn visit_blocks(doc: &Document, visit: &mut impl FnMut(&Block)) {
    fn walk(blocks: &[Block], visit: &mut impl FnMut(&Block)) {
        for block in blocks {
            visit(block);
            match block {
                Block::Quote { blocks, .. } | Block::Footnote { blocks, .. } => walk(blocks, visit),
                Block::List { items, .. } => items.iter().for_each(|i| walk(&i.blocks, visit)),
                _ => {}
            }
        }
    }
    walk(&doc.opening, visit);
    for section in doc.sections.iter().flat_map(|s| std::iter::once(s).chain(&s.subsections)) {
        walk(&section.blocks, visit);
    }
}

/// Whether the document has a formula anywhere (titles, text, tables, display blocks).
pub fn has_math(doc: &Document) -> bool {
    fn inlines(list: &[Inline]) -> bool {
        list.iter().any(|i| match i {
            Inline::Math(_) => true,
            Inline::Strong(c) | Inline::Emph(c) | Inline::Mark(c) | Inline::Strike(c) => inlines(c),
            Inline::Link { children, .. } => inlines(children),
            _ => false,
        })
    }
    let mut found =
        doc.sections.iter().flat_map(|s| std::iter::once(s).chain(&s.subsections)).any(|s| inlines(&s.title));
    visit_blocks(doc, &mut |block| {
        found = found
            || match block {
                Block::Math { .. } => true,
                Block::Paragraph { inlines: i, .. } | Block::Heading { inlines: i, .. } => inlines(i),
                Block::Table { header, rows, .. } => {
                    header.iter().chain(rows.iter().flatten()).any(|c| inlines(c))
                }
                _ => false,
            };
    });
    found
}

/// The line of the first block that references footnote `label`.
pub fn first_reference_line(doc: &Document, label: &str) -> Option<usize> {
    let mut found = None;
    visit_blocks(doc, &mut |block| {
        if found.is_some() {
            return;
        }
        let mut refs = Vec::new();
        block_refs(std::slice::from_ref(block), &mut refs);
        if refs.iter().any(|r| r == label) {
            found = Some(block.line());
        }
    });
    found
}

/// A grid for `layout: auto`: the title band (when there is a title), then the `##` sections
/// in source order in `rows` rows of about equal count, with no heights or widths (layout
/// shares the page by need). Where the count does not divide, the later rows take the extra
/// boxes, or the earlier ones with `front_heavy`.
pub fn auto_grid(meta: &Meta, sections: &[Section], rows: usize, front_heavy: bool) -> Vec<LayoutRow> {
    let boxed = |id: &str, line: usize| LayoutBox { id: id.to_string(), width: None, inner: None, line };
    let ids: Vec<&Section> = sections.iter().filter(|s| s.level == 2).collect();
    let rows = rows.clamp(1, ids.len().max(1));
    let mut layout = Vec::new();
    if !meta.title.trim().is_empty() {
        layout.push(LayoutRow { height: None, boxes: vec![boxed("title", 1)], line: 1 });
    }
    let mut rest = ids.as_slice();
    for row in 0..rows {
        let left = rows - row;
        let count = if front_heavy { rest.len().div_ceil(left) } else { rest.len() / left };
        let (these, later) = rest.split_at(count.min(rest.len()));
        layout.push(LayoutRow {
            height: None,
            boxes: these.iter().map(|s| boxed(&s.id, s.line)).collect(),
            line: these.first().map_or(1, |s| s.line),
        });
        rest = later;
    }
    layout
}
