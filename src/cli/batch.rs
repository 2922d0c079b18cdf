//! Many sources at once: folders are searched for Markdown, the files are rendered in
//! parallel on all cores, each beside its source (or into one folder), with a progress bar on
//! a terminal; a failing file does not stop the others, and each failure is named at the end.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::render::{located, render, Options, Outputs, RenderError};

/// The sources a render is given: files as they are, folders searched (recursively, in name
/// order, hidden folders skipped) for `.md` files.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            markdown_in(path, &mut files)
                .map_err(|e| format!("cannot read folder {} ({e})", path.display()))?;
            if files.len() == before {
                return Err(format!("{} has no .md file to render", path.display()));
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn markdown_in(folder: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(folder)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            markdown_in(&path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) {
            out.push(path);
        }
    }
    Ok(())
}

/// Where each source's files go: beside it, or into `folder` under its name.
pub fn outputs_for(source: &Path, folder: Option<&Path>, png: bool) -> Outputs {
    let pdf = match folder {
        Some(folder) => folder.join(source.with_extension("pdf").file_name().unwrap_or_default()),
        None => source.with_extension("pdf"),
    };
    let png = png.then(|| pdf.with_extension("png"));
    Outputs { pdf: Some(pdf), png, stdout: None }
}

/// What one file of a batch came to.
enum Outcome {
    Done(Vec<hanji::error::Warning>),
    Failed(Vec<String>),
    Refused(String),
}

/// Renders every source in parallel and prints a summary. Exit code: 0 when all were written,
/// 2 when an output was refused, else 1.
pub fn render_all(
    sources: &[PathBuf],
    folder: Option<&Path>,
    png: bool,
    style: Option<&str>,
    options: &Options,
) -> u8 {
    let started = Instant::now();
    // Two sources must not write the same file.
    let mut seen = std::collections::BTreeMap::new();
    for source in sources {
        let outputs = outputs_for(source, folder, png);
        if let Some(first) = outputs.pdf.as_ref().and_then(|pdf| seen.insert(pdf.clone(), source.clone())) {
            eprintln!(
                "error: {} and {} would both write {}: render them into different folders",
                first.display(),
                source.display(),
                outputs.pdf.as_deref().unwrap_or(Path::new("")).display()
            );
            return 2;
        }
    }
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(sources.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let one = Options { forget: false, ..*options };
    let outcomes: Vec<Outcome> = sources
        .par_iter()
        .map(|source| {
            let outputs = outputs_for(source, folder, png);
            let outcome = match render(source, &outputs, style, &one, &mut None) {
                Ok(warnings) => Outcome::Done(warnings),
                Err(RenderError::Input(failure)) => {
                    Outcome::Failed(failure.errors.iter().map(|e| e.to_string()).collect())
                }
                Err(RenderError::Refused(refusal)) => Outcome::Refused(refusal.to_string()),
            };
            bar.set_message(source.display().to_string());
            bar.inc(1);
            outcome
        })
        .collect();
    bar.finish_and_clear();
    // Messages in source order, whatever order the renders finished in.
    let (mut done, mut failed, mut refused) = (0, 0, 0);
    for (source, outcome) in sources.iter().zip(&outcomes) {
        match outcome {
            Outcome::Done(warnings) => {
                done += 1;
                if !options.quiet {
                    for warning in warnings {
                        eprintln!("warning: {}", located(source, warning));
                    }
                }
            }
            Outcome::Failed(errors) => {
                failed += 1;
                for error in errors {
                    eprintln!("error: {error}");
                }
            }
            Outcome::Refused(message) => {
                refused += 1;
                eprintln!("error: {message}");
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    eprintln!(
        "rendered {done} of {} files in {elapsed:.0} ms{}",
        sources.len(),
        if failed + refused > 0 { format!("; {} failed", failed + refused) } else { String::new() }
    );
    if refused > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    }
}
