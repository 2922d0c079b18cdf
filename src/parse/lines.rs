//! Byte offsets → 1-based source lines, and errors that carry them.
//!
//! The Markdown body and the YAML front matter are parsed as slices of the source file, so each
//! slice gets an index that knows on which file line it starts.

use std::path::Path;

use crate::error::HanjiError;

/// Maps byte offsets of one text slice to line numbers of the source file.
pub(crate) struct LineIndex {
    /// Byte offset of the start of every line of the slice.
    starts: Vec<usize>,
    /// The file line on which the slice starts.
    first_line: usize,
}

impl LineIndex {
    pub(crate) fn new(text: &str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts, first_line }
    }

    /// The file line that holds byte `offset` of the slice.
    pub(crate) fn line(&self, offset: usize) -> usize {
        let index = self.starts.partition_point(|&start| start <= offset);
        self.first_line + index.saturating_sub(1)
    }
}

/// An error at `line` of `path`; line 0 means "unknown" (e.g. a hand-written JSON model).
pub(crate) fn error_at(path: &Path, line: usize, message: impl Into<String>) -> HanjiError {
    HanjiError { file: Some(path.to_path_buf()), line: (line > 0).then_some(line), message: message.into() }
}

/// Removes ` at line N column M` from a serde message: the line is reported separately, mapped
/// to the source file, and the relative one would only confuse.
pub(crate) fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let next = [" at line ", " at position "]
            .iter()
            .filter_map(|marker| rest.find(marker).map(|at| (at, marker.len())))
            .min();
        let Some((at, marker)) = next else { break };
        out.push_str(&rest[..at]);
        let after = &rest[at + marker..];
        let mut tail = skip_digits(after);
        if let Some(column) = tail.strip_prefix(" column ") {
            tail = skip_digits(column);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn skip_digits(text: &str) -> &str {
    text.trim_start_matches(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_the_first_line() {
        let index = LineIndex::new("ab\ncd\n\nef", 5);
        assert_eq!(index.line(0), 5);
        assert_eq!(index.line(2), 5);
        assert_eq!(index.line(3), 6);
        assert_eq!(index.line(6), 7);
        assert_eq!(index.line(7), 8);
        assert_eq!(index.line(100), 8);
    }

    #[test]
    fn unknown_line_is_none() {
        let err = error_at(Path::new("a.json"), 0, "x");
        assert_eq!(err.line, None);
        assert_eq!(error_at(Path::new("a.md"), 3, "x").line, Some(3));
    }

    #[test]
    fn positions_are_stripped() {
        assert_eq!(
            strip_positions("did not find key at line 3 column 5, while parsing at line 2 column 1"),
            "did not find key, while parsing"
        );
        assert_eq!(strip_positions("expected value at line 1"), "expected value");
        assert_eq!(strip_positions("no position"), "no position");
        assert_eq!(strip_positions("bad byte at position 12, sorry"), "bad byte, sorry");
    }
}
