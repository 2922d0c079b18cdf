//! Errors that reach the user: each names where in the source it happened and what to do.

use std::fmt;
use std::path::PathBuf;

/// An input error (exit code 1): bad source, bad style, content that does not fit.
#[derive(Debug, Clone, PartialEq)]
pub struct HanjiError {
    /// The file the error is about, if any.
    pub file: Option<PathBuf>,
    /// 1-based line in that file, if known.
    pub line: Option<usize>,
    /// What went wrong and what to do about it.
    pub message: String,
}

impl HanjiError {
    pub fn new(message: impl Into<String>) -> Self {
        HanjiError { file: None, line: None, message: message.into() }
    }

    pub fn at(file: Option<&std::path::Path>, line: usize, message: impl Into<String>) -> Self {
        HanjiError { file: file.map(|p| p.to_path_buf()), line: Some(line), message: message.into() }
    }

    /// Attach a file name when the error does not carry one yet.
    pub fn in_file(mut self, file: &std::path::Path) -> Self {
        if self.file.is_none() {
            self.file = Some(file.to_path_buf());
        }
        self
    }
}

impl fmt::Display for HanjiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{}: {}", file.display(), line, self.message),
            (Some(file), None) => write!(f, "{}: {}", file.display(), self.message),
            (None, Some(line)) => write!(f, "line {}: {}", line, self.message),
            (None, None) => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for HanjiError {}

pub type Result<T> = std::result::Result<T, HanjiError>;

/// A non-fatal finding, printed to stderr once (e.g. a glyph no font has).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub line: Option<usize>,
    pub message: String,
}
