//! Renders for a long-running service (`hanji serve`): a request's body and what it asks for
//! in, an answer (status, content type, bytes) out — no HTTP here. [`pool`] runs them on
//! worker threads that keep their fonts loaded between requests.
//!
//! A request's source is named `<request>` in messages. Its local files (images, a style
//! file) are read only inside the service's root folder, and without a root not at all: a
//! local image is then an error with its line, as a missing image is for `hanji render`.

pub mod pool;

use std::path::{Path, PathBuf};

use crate::diagnose::{diagnose, Diagnosis};
use crate::error::HanjiError;
use crate::text::fonts::FontBook;
use crate::{Origin, SourceFormat};

/// What messages call a request's source.
pub const REQUEST_NAME: &str = "<request>";

/// The highest resolution a PNG may be asked for: an A4 page at 600 dpi is 35 million pixels
/// (140 MB while drawn), and each worker may draw one at a time.
pub const MAX_DPI: u32 = 600;

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Task {
    /// The PDF.
    Pdf,
    /// One page (1-based) as a PNG at `dpi`.
    Png { dpi: u32, page: usize },
    /// `hanji check --format json`: errors, warnings, pages, boxes.
    Check,
}

/// One request: its body, what it holds and what it asks for.
#[derive(Debug, Clone)]
pub struct Job {
    pub body: Vec<u8>,
    pub format: SourceFormat,
    pub task: Task,
    /// A built-in style overriding the front matter's.
    pub style: Option<String>,
}

/// An answer, ready to be sent: status, content type, body, and for a document its page count
/// and number of warnings.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub pages: Option<usize>,
    pub warnings: usize,
}

impl Answer {
    pub fn json(status: u16, value: &serde_json::Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            body: format!("{value:#}\n").into_bytes(),
            pages: None,
            warnings: 0,
        }
    }

    /// An error that concerns no line of the source (too large, too busy, too slow), in the
    /// shape of the check report.
    pub fn error(status: u16, message: &str) -> Answer {
        let report = Diagnosis::unreadable(HanjiError::new(message));
        Answer::json(status, &report.to_json(Path::new(REQUEST_NAME)))
    }
}

/// The format of a body: JSON when the content type says so or the body starts with `{`.
pub fn format_of(content_type: Option<&str>, body: &[u8]) -> SourceFormat {
    let declared = content_type.is_some_and(|t| {
        let essence = t.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    });
    let text = body.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(body);
    let starts_like_json = text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if declared || starts_like_json {
        SourceFormat::Json
    } else {
        SourceFormat::Markdown
    }
}

/// Answers one job with the fonts in `book` (kept there for the next). `root` is the canonical
/// folder local files are read from, if any.
pub fn answer(job: &Job, root: Option<&Path>, book: &mut FontBook) -> Answer {
    let name = Path::new(REQUEST_NAME);
    let origin = Origin { name, folder: root };
    let doc = crate::parse_document(&job.body, job.format, origin).and_then(|doc| {
        check_style_inside(&doc.meta.style, job.style.as_deref(), root)?;
        Ok(doc)
    });
    let doc = match doc {
        Ok(doc) => doc,
        Err(error) => return refused(Diagnosis::unreadable(error), job.task),
    };
    let style = job.style.as_deref();
    if job.task == Task::Check {
        return Answer::json(200, &diagnose(&doc, origin, style, book).to_json(name));
    }
    let typeset = match crate::typeset_keeping_fonts(&doc, origin, style, false, book) {
        Ok(typeset) => typeset,
        Err(failure) => {
            let report = Diagnosis {
                pages: None,
                boxes: Vec::new(),
                errors: failure.errors,
                warnings: failure.warnings,
            };
            return refused(report, job.task);
        }
    };
    let pages = typeset.laid.pages.len();
    let (bytes, content_type) = match job.task {
        Task::Png { page, .. } if page > pages => (
            Err(HanjiError::new(format!(
                "page {page}: the document has {pages} {}; ask for page=1 to {pages}",
                if pages == 1 { "page" } else { "pages" }
            ))),
            "image/png",
        ),
        Task::Png { dpi, page } => (typeset.png(dpi as f32, page - 1), "image/png"),
        Task::Pdf | Task::Check => (typeset.pdf(), "application/pdf"),
    };
    let crate::Typeset { book: fonts, warnings, fits, .. } = typeset;
    *book = fonts;
    match bytes {
        Ok(body) => Answer { status: 200, content_type, body, pages: Some(pages), warnings: warnings.len() },
        Err(error) => {
            let report = Diagnosis { pages: None, boxes: fits, errors: vec![error.in_file(name)], warnings };
            refused(report, job.task)
        }
    }
}

/// A source that cannot be rendered: 422 with the report (errors with their lines); a check
/// answers the report itself.
fn refused(report: Diagnosis, task: Task) -> Answer {
    let status = if task == Task::Check { 200 } else { 422 };
    let mut answer = Answer::json(status, &report.to_json(Path::new(REQUEST_NAME)));
    answer.warnings = report.warnings.len();
    answer
}

/// A front-matter style file must lie inside the root (a request may not read other files);
/// without a root, [`crate::typeset_from`] refuses any style file.
fn check_style_inside(style: &str, chosen: Option<&str>, root: Option<&Path>) -> crate::error::Result<()> {
    let (Some(root), None, true) = (root, chosen, style.ends_with(".toml")) else { return Ok(()) };
    let outside = || {
        HanjiError::new(format!(
            "style `{style}` is outside the server's --root folder: put it in that folder and name it relative to it"
        ))
        .in_file(Path::new(REQUEST_NAME))
    };
    let path: PathBuf = root.join(style);
    match path.canonicalize() {
        Ok(full) if full.starts_with(root) => Ok(()),
        Ok(_) => Err(outside()),
        // A style that does not exist: the style loader says so, if it is inside.
        Err(_) if crate::guard::canonical(&path).starts_with(root) => Ok(()),
        Err(_) => Err(outside()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_told_by_the_content_type_or_a_brace() {
        assert_eq!(format_of(Some("application/json; charset=utf-8"), b"# x"), SourceFormat::Json);
        assert_eq!(format_of(Some("application/vnd.hanji+json"), b""), SourceFormat::Json);
        assert_eq!(format_of(None, b"\xEF\xBB\xBF \n {\"meta\": 1}"), SourceFormat::Json);
        assert_eq!(format_of(Some("text/markdown"), b"## {a}"), SourceFormat::Markdown);
        assert_eq!(format_of(None, b""), SourceFormat::Markdown);
    }

    #[test]
    fn a_style_file_must_stay_inside_the_root() {
        let root = std::env::temp_dir().join(format!("hanji-service-{}", std::process::id()));
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/my.toml"), "").unwrap();
        let root = root.canonicalize().unwrap();
        assert!(check_style_inside("sub/my.toml", None, Some(&root)).is_ok());
        assert!(check_style_inside("missing.toml", None, Some(&root)).is_ok());
        let err = check_style_inside("../x.toml", None, Some(&root)).unwrap_err();
        assert!(err.message.contains("outside the server's --root"), "{err}");
        assert!(check_style_inside("/etc/x.toml", None, Some(&root)).is_err());
        assert!(check_style_inside("../x.toml", Some("clean"), Some(&root)).is_ok());
        assert!(check_style_inside("clean", None, Some(&root)).is_ok());
        std::fs::remove_dir_all(&root).ok();
    }
}
