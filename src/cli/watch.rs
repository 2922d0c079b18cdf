//! `hanji watch`: render, then render again whenever the source, its style file or one of its
//! images changes — fonts stay parsed and shaped words stay cached between renders. A broken
//! edit prints its error and keeps the last good PDF; Ctrl-C ends the loop with exit 0.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::render::{located, render, Options, Outputs, RenderError};

/// Editors write a file in several steps: events closer than this are one edit.
const SETTLE: Duration = Duration::from_millis(40);

pub fn watch(source: &Path, outputs: &Outputs, style: Option<&str>, options: &Options) -> u8 {
    if let Err(e) = ctrlc::set_handler(|| std::process::exit(0)) {
        eprintln!("warning: Ctrl-C ends the program with its default code ({e})");
    }
    let one = Options { forget: false, ..*options };
    let mut fonts = None;
    if let Some(code) = render_once(source, outputs, style, &one, &mut fonts) {
        return code;
    }
    let (sender, events) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |event| drop(sender.send(event))) {
        Ok(watcher) => watcher,
        Err(e) => {
            eprintln!("error: cannot watch for changes ({e})");
            return 1;
        }
    };
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    let mut inputs = inputs_of(source, style);
    follow(&mut watcher, &inputs, &mut watched);
    eprintln!("watching {} (Ctrl-C to stop)", source.display());
    loop {
        let Ok(first) = events.recv() else { return 0 };
        let mut batch = vec![first];
        // The rest of the same edit.
        while let Ok(more) = events.recv_timeout(SETTLE) {
            batch.push(more);
        }
        // Reading the files (the render itself) is no change.
        let touched = batch
            .iter()
            .filter_map(|e| e.as_ref().ok())
            .filter(|e| e.kind.is_create() || e.kind.is_modify() || e.kind.is_remove())
            .filter(|e| !matches!(e.kind, notify::EventKind::Modify(notify::event::ModifyKind::Metadata(_))))
            .flat_map(|e| e.paths.iter())
            .any(|p| inputs.contains(&absolute(p)));
        if !touched {
            continue;
        }
        if let Some(code) = render_once(source, outputs, style, &one, &mut fonts) {
            return code;
        }
        // An edit may name new images or another style file.
        inputs = inputs_of(source, style);
        follow(&mut watcher, &inputs, &mut watched);
    }
}

/// One render with its time, warnings or errors; `Some(code)` when the loop must end.
fn render_once(
    source: &Path,
    outputs: &Outputs,
    style: Option<&str>,
    options: &Options,
    fonts: &mut Option<hanji::text::fonts::FontBook>,
) -> Option<u8> {
    let started = Instant::now();
    match render(source, outputs, style, options, fonts) {
        Ok(warnings) => {
            if !options.quiet {
                for warning in &warnings {
                    eprintln!("warning: {}", located(source, warning));
                }
            }
            let written = outputs
                .pdf
                .as_ref()
                .or(outputs.png.as_ref())
                .map_or(String::new(), |p| p.display().to_string());
            eprintln!("rendered {written} in {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
            None
        }
        Err(RenderError::Input(failure)) => {
            for error in &failure.errors {
                eprintln!("error: {error}");
            }
            eprintln!("kept the last good output; waiting for the next change");
            None
        }
        Err(RenderError::Refused(refusal)) => {
            eprintln!("error: {refusal}");
            Some(2)
        }
    }
}

/// The files a render of `source` reads, as absolute paths (the source alone when it does
/// not parse).
fn inputs_of(source: &Path, style: Option<&str>) -> BTreeSet<PathBuf> {
    let files = match hanji::load_document(source) {
        Ok(doc) => hanji::guard::input_files(&doc, source, style),
        Err(_) => vec![source.to_path_buf()],
    };
    files.iter().map(|p| absolute(p)).collect()
}

/// A path made absolute through its folder (the file itself may be mid-rename).
fn absolute(path: &Path) -> PathBuf {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let folder = folder.canonicalize().unwrap_or_else(|_| folder.to_path_buf());
    match path.file_name() {
        Some(name) => folder.join(name),
        None => folder,
    }
}

/// Watches the folders of the inputs (editors replace files, so their folders are watched).
fn follow(watcher: &mut impl Watcher, inputs: &BTreeSet<PathBuf>, watched: &mut BTreeSet<PathBuf>) {
    for folder in inputs.iter().filter_map(|p| p.parent()) {
        if watched.insert(folder.to_path_buf()) {
            if let Err(e) = watcher.watch(folder, RecursiveMode::NonRecursive) {
                eprintln!("warning: cannot watch {} ({e})", folder.display());
            }
        }
    }
}
