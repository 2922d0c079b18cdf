//! Hanji: Markdown cheat sheets → print-ready pen-note PDFs.
//!
//! The pipeline (DESIGN.md §2): [`parse`] → [`model`] → [`style`] → [`layout`] → [`frame`] →
//! [`export`]. Each stage hands plain data to the next; only `export` knows about PDF.

pub mod diagnose;
pub mod diagram;
pub mod embed;
pub mod emoji;
pub mod error;
pub mod export;
pub mod files;
pub mod frame;
pub mod guard;
pub mod highlight;
pub mod icons;
pub mod image;
pub mod layout;
pub mod limits;
pub mod math;
pub mod model;
pub mod page;
pub mod parse;
pub mod pen;
pub mod schema;
pub mod service;
pub mod small_alloc;
pub mod style;
pub mod text;
pub mod typesetter;
pub mod vector;

use std::path::Path;

use error::{HanjiError, Result, Warning};
pub use files::read_limited;
use model::Document;

/// What a source is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Markdown,
    /// The document model, as `hanji parse` prints it.
    Json,
}

impl SourceFormat {
    /// JSON for a name ending in `.json`, Markdown otherwise.
    pub fn of_path(path: &Path) -> SourceFormat {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            SourceFormat::Json
        } else {
            SourceFormat::Markdown
        }
    }
}

/// Reads a source file: Markdown, or the JSON document model when the name ends in `.json`.
pub fn load_document(path: &Path) -> Result<Document> {
    let bytes = read_limited(path, limits::MAX_SOURCE_BYTES, "source", "check the path")?;
    match SourceFormat::of_path(path) {
        SourceFormat::Json => parse::parse_json(&bytes, path),
        SourceFormat::Markdown => parse::parse_markdown(&bytes, path),
    }
}

/// Parses a source held in memory (standard input, a request body): errors are named by
/// `origin.name` (`<stdin>:12: …`), a style file is looked for in `origin.folder`.
pub fn parse_document(bytes: &[u8], format: SourceFormat, origin: Origin) -> Result<Document> {
    match format {
        SourceFormat::Json => parse::parse_json_in(bytes, origin.name, origin.folder),
        SourceFormat::Markdown => parse::parse_markdown_in(bytes, origin.name, origin.folder),
    }
}

/// Where a source came from: the name messages give it, and the folder its relative style
/// file and images are read from — only inside it. `folder: None` reads no local file at all.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub name: &'a Path,
    pub folder: Option<&'a Path>,
}

impl<'a> Origin<'a> {
    /// A source file: named by its path, its files read beside it.
    pub fn file(path: &'a Path) -> Origin<'a> {
        Origin { name: path, folder: Some(files::source_folder(path)) }
    }
}

/// A laid-out document with the fonts it uses, ready for any exporter.
pub struct Typeset {
    pub laid: frame::Laidout,
    pub book: text::fonts::FontBook,
    pub warnings: Vec<Warning>,
    /// The scale each box got (1 = as written, less = shrunk to fit).
    pub fits: Vec<layout::sheet::BoxFit>,
}

impl Typeset {
    pub fn pdf(&self) -> Result<Vec<u8>> {
        export::pdf::write_pdf(&self.laid, &self.book, &[])
    }

    /// The PDF carrying `attachments` (the source files) as a PDF/A-3u archive.
    pub fn archive_pdf(&self, attachments: &[export::archive::Attachment]) -> Result<Vec<u8>> {
        export::pdf::write_pdf(&self.laid, &self.book, attachments)
    }

    /// The PNG of one page (0-based) at `dpi`.
    pub fn png(&self, dpi: f32, index: usize) -> Result<Vec<u8>> {
        let page = self
            .laid
            .pages
            .get(index)
            .ok_or_else(|| HanjiError::new(format!("the document has no page {}", index + 1)))?;
        export::png::check_dpi(page, dpi)?;
        export::png::encode(&export::png::rasterize(page, &self.book, dpi)?, dpi)
    }

    /// One PNG per page at `dpi`.
    pub fn pngs(&self, dpi: f32) -> Result<Vec<Vec<u8>>> {
        for page in &self.laid.pages {
            export::png::check_dpi(page, dpi)?;
        }
        self.laid
            .pages
            .iter()
            .map(|page| export::png::encode(&export::png::rasterize(page, &self.book, dpi)?, dpi))
            .collect()
    }
}

pub use layout::Failure;

/// Lays out a document. `style` overrides the front matter's style (a name, or a path
/// relative to the working directory); a front-matter path is relative to the source.
/// A failure lists every error found (every box that cannot fit, …) with the warnings.
pub fn typeset(doc: &Document, source: &Path, style: Option<&str>) -> std::result::Result<Typeset, Failure> {
    typeset_with(doc, source, style, false)
}

/// As [`typeset`]; with `draft`, a sheet box that cannot fit is drawn cut at its edge and marked
/// in red, and its error becomes a warning saying which row height would fit.
pub fn typeset_with(
    doc: &Document,
    source: &Path,
    style: Option<&str>,
    draft: bool,
) -> std::result::Result<Typeset, Failure> {
    typeset_in(doc, source, style, draft, text::fonts::FontBook::new())
}

/// As [`typeset_with`], with fonts already loaded (a watch loop keeps them between renders;
/// take them back from [`Typeset::book`]).
pub fn typeset_in(
    doc: &Document,
    source: &Path,
    style: Option<&str>,
    draft: bool,
    book: text::fonts::FontBook,
) -> std::result::Result<Typeset, Failure> {
    typeset_from(doc, Origin::file(source), style, draft, book)
}

/// As [`typeset_in`], for a source that may not be a file (standard input, a request): its
/// name and folder come from `origin`. `style` (a name, or a path relative to the working
/// folder) overrides the front matter's, whose path is relative to the origin's folder.
pub fn typeset_from(
    doc: &Document,
    origin: Origin,
    style: Option<&str>,
    draft: bool,
    mut book: text::fonts::FontBook,
) -> std::result::Result<Typeset, Failure> {
    let (laid, warnings, fits) = lay_out(doc, origin, style, draft, &mut book)?;
    Ok(Typeset { laid, book, warnings, fits })
}

/// As [`typeset_from`] with fonts that stay with the caller when it fails (a server's worker
/// keeps one book for every request); when it succeeds they are in [`Typeset::book`], to be
/// put back after exporting.
pub fn typeset_keeping_fonts(
    doc: &Document,
    origin: Origin,
    style: Option<&str>,
    draft: bool,
    book: &mut text::fonts::FontBook,
) -> std::result::Result<Typeset, Failure> {
    let (laid, warnings, fits) = lay_out(doc, origin, style, draft, book)?;
    Ok(Typeset { laid, book: std::mem::take(book), warnings, fits })
}

/// Style, fonts and layout: the pages, the warnings, how each box fitted.
fn lay_out(
    doc: &Document,
    origin: Origin,
    style: Option<&str>,
    draft: bool,
    book: &mut text::fonts::FontBook,
) -> std::result::Result<(frame::Laidout, Vec<Warning>, Vec<layout::sheet::BoxFit>), Failure> {
    let source = origin.name;
    let source_dir = origin.folder;
    let (style_name, style_dir) = match style {
        Some(name) => (name, Path::new(".")),
        None => match source_dir {
            Some(dir) => (doc.meta.style.as_str(), dir),
            None if doc.meta.style.ends_with(".toml") => {
                return Err(Failure::from_error(HanjiError::new(format!(
                    "style `{}` is a local file, and this render reads no local files: use a built-in style ({}) or start `hanji serve` with --root DIR and put the style in DIR",
                    doc.meta.style,
                    style::BUILTIN_STYLES.join(", ")
                )).in_file(source)))
            }
            None => (doc.meta.style.as_str(), Path::new(".")),
        },
    };
    let (style, mut warnings) = style::load_with_warnings(style_name, style_dir, book)
        .map_err(|e| Failure::from_error(e.in_file(source)))?;
    if model::has_math(doc) {
        book.load_math().map_err(Failure::from_error)?;
    }
    let outcome = layout::layout_document(doc, &style, book, source_dir, draft).map_err(|failure| {
        let mut all = warnings.clone();
        all.extend(failure.warnings);
        Failure { errors: failure.errors.into_iter().map(|e| e.in_file(source)).collect(), warnings: all }
    })?;
    warnings.extend(outcome.warnings);
    Ok((outcome.laid, warnings, outcome.fits))
}

/// A finished render: the PDF bytes and the warnings met on the way.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub warnings: Vec<Warning>,
}

/// Lays out and exports a document to PDF (see [`typeset`] for `style`).
pub fn render(doc: &Document, source: &Path, style: Option<&str>) -> std::result::Result<Rendered, Failure> {
    let typeset = typeset(doc, source, style)?;
    let pdf = typeset.pdf().map_err(Failure::from_error)?;
    Ok(Rendered { pdf, warnings: typeset.warnings })
}
