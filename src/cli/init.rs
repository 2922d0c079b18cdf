//! `hanji init`: a starting file that renders as it is, for a sheet or for notes.

use std::path::{Path, PathBuf};

/// The kinds of starting file.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A one-page cheat sheet with boxes laid out automatically.
    Sheet,
    /// Lecture notes flowing over pages, with contents and numbering.
    Notes,
}

/// The starting files are the guide's examples: a test renders them.
const SHEET: &str = include_str!("../../docs/examples/start-sheet.md");
const NOTES: &str = include_str!("../../docs/examples/start-notes.md");

/// Writes the starting file (never over an existing one). Exit code 0, or 2 when the file
/// exists or cannot be written.
pub fn init(kind: Kind, path: Option<PathBuf>) -> u8 {
    let (text, default) = match kind {
        Kind::Sheet => (SHEET, "sheet.md"),
        Kind::Notes => (NOTES, "notes.md"),
    };
    let path = path.unwrap_or_else(|| PathBuf::from(default));
    if path.exists() {
        eprintln!(
            "error: {} already exists: name another file (hanji init {} OTHER.md)",
            path.display(),
            name(kind)
        );
        return 2;
    }
    let written =
        std::fs::OpenOptions::new().write(true).create_new(true).open(&path).and_then(|mut file| {
            use std::io::Write;
            file.write_all(text.as_bytes())
        });
    match written {
        Ok(()) => {
            eprintln!("wrote {}: render it with `hanji render {}`", path.display(), shown(&path));
            0
        }
        Err(e) => {
            eprintln!(
                "error: cannot write {} ({e}): check that the folder exists and is writable",
                path.display()
            );
            2
        }
    }
}

fn name(kind: Kind) -> &'static str {
    match kind {
        Kind::Sheet => "sheet",
        Kind::Notes => "notes",
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}
