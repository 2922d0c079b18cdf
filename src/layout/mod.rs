//! Layout: sheet grid → boxes → blocks → lines → Frame.

pub mod blocks;
pub mod grid;
pub mod image;
pub mod sheet;

use crate::error::{HanjiError, Warning};
use crate::frame::{DocumentInfo, Laidout};
use crate::model::Document;
use crate::style::Style;
use crate::text::fonts::FontBook;

/// Why a layout failed: every error, and the warnings met before.
#[derive(Debug)]
pub struct Failure {
    pub errors: Vec<HanjiError>,
    pub warnings: Vec<Warning>,
}

impl Failure {
    pub fn from_error(error: HanjiError) -> Failure {
        Failure { errors: vec![error], warnings: Vec::new() }
    }
}

/// A laid-out document with what layout noticed on the way.
pub struct Outcome {
    pub laid: Laidout,
    /// Missing glyphs, unknown classes, … sorted, each once.
    pub warnings: Vec<Warning>,
    /// The scale each box got (1 = as written).
    pub fits: Vec<sheet::BoxFit>,
}

/// A box shrunk less than this looks the same: no warning for it.
const VISIBLE_SHRINK: f32 = 0.995;

/// A scale as a whole percentage, rounded down, so a shrunk box never reads "100 %".
fn shown_percent(scale: f32) -> u32 {
    (scale * 100.0).floor() as u32
}

/// Lays out a validated document with a resolved style. Every box that cannot be laid out is
/// reported, not only the first.
pub fn layout_document(
    doc: &Document,
    style: &Style,
    book: &FontBook,
    source_dir: &std::path::Path,
) -> std::result::Result<Outcome, Failure> {
    let page = crate::page::PageSize::from_name(&doc.meta.page).ok_or_else(|| {
        Failure::from_error(HanjiError::new(format!(
            "unknown page `{}`: use one of {}",
            doc.meta.page,
            crate::page::PAGE_NAMES.join(", ")
        )))
    })?;
    let Some(rows) = &doc.meta.layout else {
        return Err(Failure::from_error(HanjiError::at(
            None,
            1,
            "this document has no `layout:` in its front matter; flow mode (sections running over pages) is not available yet: add a `layout:` grid that places every `##` section",
        )));
    };
    let mut ctx = blocks::Ctx::new(book, style, source_dir);
    let laid = sheet::layout_sheet(doc, rows, page, &mut ctx);
    let mut warnings = std::mem::take(&mut ctx.warnings);
    warnings.sort();
    warnings.dedup();
    let (frame, outline) = match laid {
        Ok(laid) if ctx.errors.is_empty() => laid,
        other => {
            let mut errors = std::mem::take(&mut ctx.errors);
            errors.extend(other.err());
            errors.sort_by_key(|e| e.line);
            return Err(Failure { errors, warnings });
        }
    };
    let info = DocumentInfo {
        title: doc.meta.title.clone(),
        author: doc.meta.author.clone(),
        subject: doc.meta.subject.clone().or_else(|| doc.meta.subtitle.clone()),
        keywords: doc.meta.keywords.clone(),
        lang: doc.meta.lang.clone(),
    };
    for fit in ctx.fits.iter().filter(|f| f.scale < VISIBLE_SHRINK) {
        warnings.push(Warning {
            line: Some(fit.line),
            message: format!("box `{}` was shrunk to {} % to fit", fit.id, shown_percent(fit.scale)),
        });
    }
    warnings.sort();
    warnings.dedup();
    Ok(Outcome { laid: Laidout { pages: vec![frame], info, outline }, warnings, fits: ctx.fits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shrink_is_never_shown_as_100() {
        assert_eq!(shown_percent(0.9949), 99);
        assert_eq!(shown_percent(0.905), 90);
    }
}
