//! Reading the user's files with a size limit, so a huge or endless file cannot exhaust memory.

use std::path::Path;

use crate::error::{HanjiError, Result};

/// Reads a whole file of at most `limit` bytes (checked before reading, and while reading, so
/// a growing or endless file such as a FIFO stops at the limit too).
/// `hint` says what to check when the file cannot be read.
pub fn read_limited(path: &Path, limit: u64, what: &str, hint: &str) -> Result<Vec<u8>> {
    let cannot =
        |e: std::io::Error| HanjiError::new(format!("cannot read {what} {} ({e}): {hint}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Room for the whole file (and the one byte past the limit that shows it is too long)
    // up front: one read instead of a dozen growing ones.
    let expected = file.metadata().map_or(0, |m| m.len()).min(limit) as usize + 1;
    read_limited_into(file, Vec::with_capacity(expected), path, limit, what, hint)
}

/// As [`read_limited`], from an open stream (standard input); `name` is what messages call it.
pub fn read_limited_from(
    stream: impl std::io::Read,
    name: &Path,
    limit: u64,
    what: &str,
    hint: &str,
) -> Result<Vec<u8>> {
    read_limited_into(stream, Vec::new(), name, limit, what, hint)
}

fn read_limited_into(
    stream: impl std::io::Read,
    mut bytes: Vec<u8>,
    path: &Path,
    limit: u64,
    what: &str,
    hint: &str,
) -> Result<Vec<u8>> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| HanjiError::new(format!("cannot read {what} {} ({e}): {hint}", path.display()));
    stream.take(limit + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > limit {
        // Named at the line where the limit is crossed.
        let line = bytes.iter().take(limit as usize).filter(|&&b| b == b'\n').count() + 1;
        return Err(HanjiError::at(
            Some(path),
            line,
            format!(
                "the {what} is larger than the limit of {} MB: split it into smaller files",
                limit / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

/// The folder a source's relative paths (style, images) are read from: its own, or the
/// working folder for a bare file name.
pub fn source_folder(source: &Path) -> &Path {
    source.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}
