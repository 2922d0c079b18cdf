//! One render: a source (Markdown, its JSON model, or an archive PDF) to the files it asks
//! for, written atomically, never over an input.

use std::path::{Path, PathBuf};

use hanji::error::{HanjiError, Warning};

pub fn print_warnings(source: &Path, warnings: &[Warning]) {
    for warning in warnings {
        eprintln!("warning: {}", located(source, warning));
    }
}

pub fn located(source: &Path, warning: &Warning) -> String {
    match warning.line {
        Some(line) => format!("{}:{}: {}", source.display(), line, warning.message),
        None => format!("{}: {}", source.display(), warning.message),
    }
}

/// Which files a render writes.
pub struct Outputs {
    pub pdf: Option<PathBuf>,
    pub png: Option<PathBuf>,
}

impl Outputs {
    pub fn choose(source: &Path, output: Option<PathBuf>, png: Option<Option<PathBuf>>) -> Outputs {
        let is_png = |p: &Path| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
        match output {
            Some(out) if is_png(&out) => Outputs { pdf: None, png: Some(out) },
            out => {
                let pdf = out.unwrap_or_else(|| source.with_extension("pdf"));
                let png = png.map(|p| p.unwrap_or_else(|| pdf.with_extension("png")));
                Outputs { pdf: Some(pdf), png }
            }
        }
    }
}

/// Why a render wrote nothing: bad input (exit 1) or an output path that would destroy data
/// (exit 2).
pub enum RenderError {
    Input(hanji::Failure),
    Refused(hanji::guard::Refusal),
}

impl From<hanji::Failure> for RenderError {
    fn from(failure: hanji::Failure) -> Self {
        RenderError::Input(failure)
    }
}

/// How `hanji render` was asked to render.
#[derive(Clone, Copy)]
pub struct Options {
    pub dpi: f32,
    pub quiet: bool,
    pub force: bool,
    pub draft: bool,
    pub embed_source: bool,
    /// Leave the laid-out pages to the system at exit (one render per process).
    pub forget: bool,
}

/// Renders a source and returns its warnings: an archive PDF's files are unpacked into a
/// temporary folder, rendered again and carried again. `fonts` are used and given back when
/// present (a watch loop keeps them parsed between renders).
pub fn render(
    source: &Path,
    outputs: &Outputs,
    style: Option<&str>,
    options: &Options,
    fonts: &mut Option<hanji::text::fonts::FontBook>,
) -> Result<Vec<Warning>, RenderError> {
    if !hanji::embed::is_pdf(source) {
        return render_with(source, source, outputs, style, options, fonts);
    }
    let unpacked = hanji::embed::unpack(source).map_err(hanji::Failure::from_error)?;
    let style = style.map(str::to_string).or_else(|| unpacked.style.clone());
    let again = Options { embed_source: true, ..*options };
    let result = render_with(&unpacked.source, source, outputs, style.as_deref(), &again, fonts);
    unpacked.remove();
    result
}

/// Renders `source`; `shown` is the path messages name (the archive, for an unpacked source).
fn render_with(
    source: &Path,
    shown: &Path,
    outputs: &Outputs,
    style: Option<&str>,
    options: &Options,
    fonts: &mut Option<hanji::text::fonts::FontBook>,
) -> Result<Vec<Warning>, RenderError> {
    let Options { dpi, force, draft, embed_source, forget, .. } = *options;
    let fail = hanji::Failure::from_error;
    let doc = hanji::load_document(source).map_err(fail)?;
    let mut inputs = hanji::guard::input_files(&doc, source, style);
    inputs.push(shown.to_path_buf());
    // Checked before the (slower) typesetting so a wrong name fails at once, and again below
    // with the page-numbered PNG names.
    let planned: Vec<PathBuf> = outputs.png.iter().chain(&outputs.pdf).cloned().collect();
    hanji::guard::check_outputs(&planned, &inputs, force).map_err(RenderError::Refused)?;
    let book = fonts.take().unwrap_or_default();
    let typeset = hanji::typeset_in(&doc, source, style, draft, book)?;
    let mut files = Vec::new();
    if let Some(png) = &outputs.png {
        let pages = typeset.pngs(dpi).map_err(fail)?;
        let many = pages.len() > 1;
        for (i, bytes) in pages.into_iter().enumerate() {
            let path = if many { numbered(png, i + 1) } else { png.clone() };
            files.push((path, bytes));
        }
    }
    if let Some(pdf) = &outputs.pdf {
        let bytes = if embed_source {
            let attachments = hanji::embed::attachments(&doc, source, style).map_err(fail)?;
            typeset.archive_pdf(&attachments)
        } else {
            typeset.pdf()
        };
        files.push((pdf.clone(), bytes.map_err(fail)?));
    }
    let paths: Vec<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
    hanji::guard::check_outputs(&paths, &inputs, force).map_err(RenderError::Refused)?;
    let written = write_atomically(&files).map_err(|e| RenderError::Input(fail(e)));
    let hanji::Typeset { laid, book, warnings, .. } = typeset;
    *fonts = Some(book);
    if forget {
        // The process ends after this: the system takes the pages' memory back at once,
        // which is faster than freeing every glyph of a long document one by one.
        std::mem::forget(laid);
        std::mem::forget(doc);
    }
    written.map(|()| warnings)
}

/// `out.png` → `out-2.png`.
fn numbered(path: &Path, page: usize) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!("{stem}-{page}.png"))
}

/// Writes every file to a temporary name beside its target, then renames them all, so a
/// failure never leaves a half-written file under a target name.
pub fn write_atomically(files: &[(PathBuf, Vec<u8>)]) -> Result<(), HanjiError> {
    let temps: Vec<PathBuf> = files
        .iter()
        .map(|(path, _)| {
            let name =
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
            path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
        })
        .collect();
    let clean = || temps.iter().for_each(|t| drop(std::fs::remove_file(t)));
    for ((path, bytes), temp) in files.iter().zip(&temps) {
        if let Err(e) = std::fs::write(temp, bytes) {
            clean();
            return Err(HanjiError::new(format!(
                "cannot write {} ({e}): check that the folder exists and is writable",
                path.display()
            )));
        }
    }
    for ((path, _), temp) in files.iter().zip(&temps) {
        if let Err(e) = std::fs::rename(temp, path) {
            clean();
            return Err(HanjiError::new(format!("cannot write {} ({e}): check the path", path.display())));
        }
    }
    Ok(())
}
