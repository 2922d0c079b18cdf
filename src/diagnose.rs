//! What `hanji check` finds — errors, warnings, pages, how each box fitted — and its JSON
//! form, which `hanji serve` answers to `POST /check` too.

use std::path::Path;

use crate::error::{HanjiError, Warning};
use crate::layout::sheet::BoxFit;
use crate::model::Document;
use crate::text::fonts::FontBook;
use crate::Origin;

/// Everything a render does, short of writing.
pub struct Diagnosis {
    /// The page count, when the document came out.
    pub pages: Option<usize>,
    pub boxes: Vec<BoxFit>,
    pub errors: Vec<HanjiError>,
    pub warnings: Vec<Warning>,
}

impl Diagnosis {
    /// A source that could not be read or parsed.
    pub fn unreadable(error: HanjiError) -> Diagnosis {
        Diagnosis { pages: None, boxes: Vec::new(), errors: vec![error], warnings: Vec::new() }
    }

    /// The JSON report: `pages`, `boxes` (id, line, scale, fill), `errors` and `warnings`
    /// (file, line, message); warnings are named by `source`.
    pub fn to_json(&self, source: &Path) -> serde_json::Value {
        let entry = |file: Option<&Path>, line: Option<usize>, message: &str| {
            serde_json::json!({
                "file": file.map(|f| f.display().to_string()),
                "line": line,
                "message": message,
            })
        };
        serde_json::json!({
            "pages": self.pages,
            "boxes": self.boxes.iter().map(|b| serde_json::json!({
                "id": b.id,
                "line": b.line,
                "scale": (f64::from(b.scale) * 1000.0).round() / 1000.0,
                "fill": (f64::from(b.fill) * 1000.0).round() / 1000.0,
            })).collect::<Vec<_>>(),
            "errors": self.errors.iter().map(|e| entry(e.file.as_deref(), e.line, &e.message)).collect::<Vec<_>>(),
            "warnings": self.warnings.iter().map(|w| entry(Some(source), w.line, &w.message)).collect::<Vec<_>>(),
        })
    }
}

/// Typesets `doc` and writes its PDF to memory, reporting what came up. The fonts stay in
/// `book` for the next call.
pub fn diagnose(doc: &Document, origin: Origin, style: Option<&str>, book: &mut FontBook) -> Diagnosis {
    match crate::typeset_keeping_fonts(doc, origin, style, false, book) {
        Err(failure) => {
            Diagnosis { pages: None, boxes: Vec::new(), errors: failure.errors, warnings: failure.warnings }
        }
        Ok(typeset) => {
            let pdf = typeset.pdf();
            let crate::Typeset { laid, book: fonts, warnings, fits } = typeset;
            *book = fonts;
            match pdf {
                Err(e) => {
                    Diagnosis { pages: None, boxes: fits, errors: vec![e.in_file(origin.name)], warnings }
                }
                Ok(_) => {
                    Diagnosis { pages: Some(laid.pages.len()), boxes: fits, errors: Vec::new(), warnings }
                }
            }
        }
    }
}
