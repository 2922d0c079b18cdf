//! One render: a source (Markdown, its JSON model, or an archive PDF; a file or standard
//! input) to the files it asks for, written atomically, never over an input, and to standard
//! output when asked.

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

/// Which files a render writes, and what it writes to standard output.
pub struct Outputs {
    pub pdf: Option<PathBuf>,
    pub png: Option<PathBuf>,
    pub stdout: Option<Stdout>,
}

/// One document on standard output: the PDF, or one page as a PNG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stdout {
    Pdf,
    /// The page to write (1-based); `None` takes the only page and fails on several.
    Png {
        page: Option<usize>,
    },
}

impl Outputs {
    pub fn choose(source: &Path, output: Option<PathBuf>, png: Option<Option<PathBuf>>) -> Outputs {
        let is_png = |p: &Path| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
        match output {
            Some(out) if is_png(&out) => Outputs { pdf: None, png: Some(out), stdout: None },
            out => {
                let pdf = out.unwrap_or_else(|| source.with_extension("pdf"));
                let png = png.map(|p| p.unwrap_or_else(|| pdf.with_extension("png")));
                Outputs { pdf: Some(pdf), png, stdout: None }
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
    let doc = hanji::load_document(source).map_err(hanji::Failure::from_error)?;
    let mut inputs = hanji::guard::input_files(&doc, source, style);
    if shown != source {
        inputs.push(shown.to_path_buf());
    }
    let guard = |paths: &[PathBuf]| hanji::guard::check_outputs(paths, &inputs, options.force);
    write_render(doc, hanji::Origin::file(source), &guard, outputs, style, options, fonts)
}

/// Renders a source read from standard input (`bytes`, named `<stdin>` in messages); its
/// relative style file and images are read from `base`.
pub fn render_stream(
    bytes: &[u8],
    format: hanji::SourceFormat,
    base: &Path,
    outputs: &Outputs,
    style: Option<&str>,
    options: &Options,
) -> Result<Vec<Warning>, RenderError> {
    let origin = hanji::Origin { name: Path::new(STDIN_NAME), folder: Some(base) };
    let doc = hanji::parse_document(bytes, format, origin).map_err(hanji::Failure::from_error)?;
    let named = hanji::guard::named_files(&doc, base, style);
    let guard = |paths: &[PathBuf]| hanji::guard::check_outputs_of_stream(paths, &named, options.force);
    write_render(doc, origin, &guard, outputs, style, options, &mut None)
}

/// What messages call standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// Typesets a parsed document and writes what `outputs` asks for; `guard` checks the file
/// names before anything is typeset and again before anything is written.
fn write_render(
    doc: hanji::model::Document,
    origin: hanji::Origin,
    guard: &dyn Fn(&[PathBuf]) -> Result<(), hanji::guard::Refusal>,
    outputs: &Outputs,
    style: Option<&str>,
    options: &Options,
    fonts: &mut Option<hanji::text::fonts::FontBook>,
) -> Result<Vec<Warning>, RenderError> {
    let Options { dpi, draft, embed_source, forget, .. } = *options;
    let source = origin.name;
    let fail = hanji::Failure::from_error;
    // Checked before the (slower) typesetting so a wrong name fails at once, and again below
    // with the page-numbered PNG names.
    let planned: Vec<PathBuf> = outputs.png.iter().chain(&outputs.pdf).cloned().collect();
    guard(&planned).map_err(RenderError::Refused)?;
    let book = fonts.take().unwrap_or_default();
    let typeset = hanji::typeset_from(&doc, origin, style, draft, book)?;
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
    let streamed = match outputs.stdout {
        None => None,
        Some(Stdout::Pdf) => Some(typeset.pdf().map_err(fail)?),
        Some(Stdout::Png { page }) => {
            Some(one_png(&typeset, dpi, page).map_err(|e| fail(e.in_file(source)))?)
        }
    };
    let paths: Vec<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
    // The same names as checked above need no second check (it reads each existing output).
    if paths != planned {
        guard(&paths).map_err(RenderError::Refused)?;
    }
    let written = write_atomically(&files)
        .and_then(|()| streamed.map_or(Ok(()), |bytes| write_stdout(&bytes)))
        .map_err(|e| RenderError::Input(fail(e)));
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

/// The PNG of one page: `page`, or the only one.
fn one_png(typeset: &hanji::Typeset, dpi: f32, page: Option<usize>) -> Result<Vec<u8>, HanjiError> {
    let pages = typeset.laid.pages.len();
    let index = match page {
        Some(n) if (1..=pages).contains(&n) => n - 1,
        Some(n) => {
            return Err(HanjiError::new(format!(
                "--page {n}: the document has {pages} {}; pick one from 1 to {pages}",
                if pages == 1 { "page" } else { "pages" }
            )))
        }
        None if pages == 1 => 0,
        None => {
            return Err(HanjiError::new(format!(
                "the document has {pages} pages, and standard output takes one PNG: pass --page N (1–{pages}), or write files with -o out.png (out-1.png, out-2.png, …)"
            )))
        }
    };
    typeset.png(dpi, index)
}

/// Writes a whole output to standard output at once.
fn write_stdout(bytes: &[u8]) -> Result<(), HanjiError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| HanjiError::new(format!("cannot write to standard output ({e})")))
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
