//! Layout: sheet grid → boxes → blocks → lines → Frame.

pub mod blocks;
pub mod grid;
pub mod page;
pub mod pen;
pub mod sheet;

use crate::error::{HanjiError, Result, Warning};
use crate::frame::{DocumentInfo, Laidout};
use crate::model::Document;
use crate::style::Style;
use crate::text::fonts::FontBook;

/// Lays out a validated document with a resolved style. Warnings (missing glyphs, unknown
/// classes) are returned beside the pages.
pub fn layout_document(doc: &Document, style: &Style, book: &FontBook) -> Result<(Laidout, Vec<Warning>)> {
    let page = page::PageSize::from_name(&doc.meta.page).ok_or_else(|| {
        HanjiError::new(format!(
            "unknown page `{}`: use one of {}",
            doc.meta.page,
            page::PAGE_NAMES.join(", ")
        ))
    })?;
    let Some(rows) = &doc.meta.layout else {
        return Err(HanjiError::at(
            None,
            1,
            "this document has no `layout:` in its front matter; flow mode (sections running over pages) is not available yet: add a `layout:` grid that places every `##` section",
        ));
    };
    let mut ctx = blocks::Ctx { book, style, scale: 1.0, warnings: Vec::new() };
    let frame = sheet::layout_sheet(doc, rows, page, &mut ctx)?;
    let info = DocumentInfo {
        title: doc.meta.title.clone(),
        author: doc.meta.author.clone(),
        subject: doc.meta.subject.clone().or_else(|| doc.meta.subtitle.clone()),
        keywords: doc.meta.keywords.clone(),
        lang: doc.meta.lang.clone(),
    };
    let mut warnings = ctx.warnings;
    warnings.sort();
    warnings.dedup();
    Ok((Laidout { pages: vec![frame], info }, warnings))
}
