//! Layout: sheet grid → boxes → blocks → lines → Frame.

pub mod blocks;
pub mod flow;
pub mod grid;
pub mod numbering;
pub mod piece;
pub mod sheet;

use crate::error::{HanjiError, Warning};
use crate::frame::{DocumentInfo, Laidout};
use crate::model::{self, Document};
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
    source_dir: Option<&std::path::Path>,
    draft: bool,
) -> std::result::Result<Outcome, Failure> {
    let page = crate::page::PageSize::from_name(&doc.meta.page).ok_or_else(|| {
        Failure::from_error(HanjiError::new(format!(
            "unknown page `{}`: use one of {}",
            doc.meta.page,
            crate::page::PAGE_NAMES.join(", ")
        )))
    })?;
    let numbered;
    let doc = if doc.meta.numbering {
        numbered = numbering::numbered(doc);
        &numbered
    } else {
        doc
    };
    let mut ctx = blocks::Ctx::reading(book, style, source_dir);
    ctx.draft = draft;
    let (defined, undefined) = footnote_numbers(doc);
    ctx.inputs.footnotes = defined;
    ctx.inputs.lang = doc.meta.lang.clone();
    let laid =
        match &doc.meta.layout {
            Some(_) if doc.meta.auto_layout => sheet::layout_auto(doc, page, &mut ctx)
                .map(|(frame, outline)| flow::Flowed { pages: vec![frame], outline, anchors: Vec::new() }),
            Some(rows) => sheet::layout_sheet(doc, rows, page, &mut ctx)
                .map(|(frame, outline)| flow::Flowed { pages: vec![frame], outline, anchors: Vec::new() }),
            None => flow::layout_flow(doc, page, &mut ctx),
        };
    let mut warnings = std::mem::take(&mut ctx.warnings);
    warnings.extend(undefined);
    warnings.sort();
    warnings.dedup();
    let flowed = match laid {
        Ok(laid) if ctx.diagnostics.errors.is_empty() => laid,
        other => {
            let mut errors = std::mem::take(&mut ctx.diagnostics.errors);
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
        date: doc.meta.date.clone(),
    };
    for fit in ctx.diagnostics.fits.iter().filter(|f| f.scale < VISIBLE_SHRINK) {
        warnings.push(Warning {
            line: Some(fit.line),
            message: format!("box `{}` was shrunk to {} % to fit", fit.id, shown_percent(fit.scale)),
        });
    }
    warnings.sort();
    warnings.dedup();
    let laid = Laidout { pages: flowed.pages, info, outline: flowed.outline, anchors: flowed.anchors };
    Ok(Outcome { laid, warnings, fits: ctx.diagnostics.fits })
}

/// Footnote numbers in the order of first reference (defined ones only), and a warning for
/// each reference without a text.
fn footnote_numbers(doc: &Document) -> (std::collections::BTreeMap<String, usize>, Vec<Warning>) {
    let mut defined = std::collections::BTreeMap::new();
    let mut lines = std::collections::BTreeMap::new();
    model::visit_blocks(doc, &mut |block| {
        if let model::Block::Footnote { label, line, .. } = block {
            lines.entry(label.clone()).or_insert(*line);
        }
    });
    let mut warnings = Vec::new();
    for label in model::footnote_order(doc) {
        if lines.contains_key(&label) {
            let next = defined.len() + 1;
            defined.insert(label, next);
        } else {
            warnings.push(Warning {
                line: model::first_reference_line(doc, &label),
                message: format!(
                    "footnote `[^{label}]` has no text: add a line `[^{label}]: …` (it prints as written)"
                ),
            });
        }
    }
    // Markdown leaves a reference to an undefined label as text.
    model::visit_blocks(doc, &mut |block| {
        let texts: Vec<String> = match block {
            model::Block::Paragraph { inlines, .. } | model::Block::Heading { inlines, .. } => {
                vec![model::plain_text(inlines)]
            }
            model::Block::Table { header, rows, .. } => {
                header.iter().chain(rows.iter().flatten()).map(|c| model::plain_text(c)).collect()
            }
            _ => Vec::new(),
        };
        for text in texts {
            for label in written_references(&text) {
                if !lines.contains_key(label) {
                    warnings.push(Warning {
                        line: Some(block.line()),
                        message: format!("footnote `[^{label}]` has no text: add a line `[^{label}]: …` (it prints as written)"),
                    });
                }
            }
        }
    });
    (defined, warnings)
}

/// Labels of `[^label]` written in text.
fn written_references(text: &str) -> Vec<&str> {
    let mut labels = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[^") {
        let after = &rest[start + 2..];
        match after.find(']') {
            Some(end) if end > 0 && !after[..end].contains(char::is_whitespace) => {
                labels.push(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    labels
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
