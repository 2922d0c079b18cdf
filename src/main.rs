//! The `hanji` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hanji::error::{HanjiError, Warning};

const EXAMPLES: &str = "Examples:
  hanji render samples/pretraining-to-post-training.md   # writes samples/pretraining-to-post-training.pdf
  hanji render notes.md -o handout.pdf --style clean
  hanji render notes.md --png --dpi 200                    # notes.pdf and notes.png
  hanji render notes.md -o preview.png                     # only a PNG (150 dpi)
  hanji check notes.md --format json                       # errors and warnings, nothing written
  hanji parse notes.md > notes.json && hanji render notes.json -o notes.pdf

Exit codes: 0 done, 1 input error (the message names file:line), 2 usage error or an output
path that would replace the source, its style or its images (or a file that is not a PDF/PNG:
--force replaces those).";

#[derive(Parser)]
#[command(
    name = "hanji",
    version,
    about = "Typesets Markdown cheat sheets into print-ready pen-note PDFs",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a Markdown source (or its JSON model) to PDF and/or PNG.
    #[command(after_help = EXAMPLES)]
    Render {
        /// The source: a `.md` cheat sheet, a `.json` document model from `hanji parse`, or a
        /// PDF written with `--embed-source` (its source is rendered again).
        source: PathBuf,
        /// Where to write the PDF (default: the source's name with `.pdf`); a name ending in
        /// `.png` writes only a PNG.
        #[arg(short, long, value_name = "OUT.pdf")]
        output: Option<PathBuf>,
        /// Also write a PNG (default: the PDF's name with `.png`; several pages: NAME-1.png, …).
        #[arg(long, value_name = "OUT.png", num_args = 0..=1)]
        png: Option<Option<PathBuf>>,
        /// Resolution of the PNG in dots per inch.
        #[arg(long, default_value_t = 150, value_parser = clap::value_parser!(u32).range(1..=2400))]
        dpi: u32,
        /// A style name (pen-notes, clean) or a path to a .toml style, overriding the front matter.
        #[arg(long, value_name = "NAME|PATH")]
        style: Option<String>,
        /// Do not print warnings.
        #[arg(short, long)]
        quiet: bool,
        /// Replace an existing output file even when it is not a PDF or PNG (never the source,
        /// its style or its images).
        #[arg(long)]
        force: bool,
        /// Write the sheet even when boxes cannot fit: each is drawn cut at its edge and marked
        /// in red, and the warning says which row height would fit.
        #[arg(long)]
        draft: bool,
        /// Carry the source, its style file and its images inside the PDF (PDF/A-3u):
        /// `hanji render that.pdf -o again.pdf` renders them again.
        #[arg(long)]
        embed_source: bool,
    },
    /// Run everything but writing: report errors and warnings with their source lines.
    Check {
        /// The `.md` source (or its `.json` model).
        source: PathBuf,
        /// A style name or path, overriding the front matter.
        #[arg(long, value_name = "NAME|PATH")]
        style: Option<String>,
        /// `text` for people, `json` for editors and CI.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the document model of a source as JSON.
    Parse {
        /// The `.md` source.
        source: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render { source, output, png, dpi, style, quiet, force, draft, embed_source } => {
            let outputs = Outputs::choose(&source, output, png);
            let options = Options { dpi: dpi as f32, quiet, force, draft, embed_source };
            match render(&source, &outputs, style.as_deref(), &options) {
                Err(RenderError::Refused(refusal)) => {
                    eprintln!("error: {refusal}");
                    return ExitCode::from(2);
                }
                Err(RenderError::Input(failure)) => Err(failure),
                Ok(()) => Ok(()),
            }
        }
        Command::Check { source, style, format } => return check(&source, style.as_deref(), format),
        Command::Parse { source } => parse(&source).map_err(hanji::Failure::from_error),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            for error in failure.errors {
                eprintln!("error: {error}");
            }
            ExitCode::from(1)
        }
    }
}

fn print_warnings(source: &Path, warnings: &[Warning]) {
    for warning in warnings {
        eprintln!("warning: {}", located(source, warning));
    }
}

fn located(source: &Path, warning: &Warning) -> String {
    match warning.line {
        Some(line) => format!("{}:{}: {}", source.display(), line, warning.message),
        None => format!("{}: {}", source.display(), warning.message),
    }
}

/// `hanji check`: everything a render does, without writing; exit 0 only without errors.
fn check(source: &Path, style: Option<&str>, format: Format) -> ExitCode {
    let mut boxes = Vec::new();
    let (errors, warnings, pages) = match hanji::load_document(source) {
        Err(e) => (vec![e], Vec::new(), None),
        Ok(doc) => match hanji::typeset(&doc, source, style) {
            Err(failure) => (failure.errors, failure.warnings, None),
            Ok(typeset) => {
                let pages = Some(typeset.laid.pages.len());
                boxes = typeset.fits.clone();
                match typeset.pdf() {
                    Err(e) => (vec![e.in_file(source)], typeset.warnings, None),
                    Ok(_) => (Vec::new(), typeset.warnings, pages),
                }
            }
        },
    };
    match format {
        Format::Text => {
            for error in &errors {
                stdout_line(&format!("error: {error}"));
            }
            for warning in &warnings {
                stdout_line(&format!("warning: {}", located(source, warning)));
            }
            if !boxes.is_empty() {
                // How each box came out: authors see over- and under-full boxes at a glance.
                stdout_line(&format!("{:<24} {:>6} {:>6} {:>5}", "box", "line", "scale", "fill"));
                for b in &boxes {
                    stdout_line(&format!(
                        "{:<24} {:>6} {:>5.0}% {:>4.0}%",
                        b.id,
                        b.line,
                        (b.scale * 100.0).floor(),
                        (b.fill * 100.0).round()
                    ));
                }
            }
            let pages =
                pages.map_or(String::new(), |n| format!("{n} {}, ", if n == 1 { "page" } else { "pages" }));
            stdout_line(&format!("{pages}{} errors, {} warnings", errors.len(), warnings.len()));
        }
        Format::Json => {
            let entry = |file: Option<&Path>, line: Option<usize>, message: &str| {
                serde_json::json!({
                    "file": file.map(|f| f.display().to_string()),
                    "line": line,
                    "message": message,
                })
            };
            let report = serde_json::json!({
                "pages": pages,
                "boxes": boxes.iter().map(|b| serde_json::json!({
                    "id": b.id,
                    "line": b.line,
                    "scale": (f64::from(b.scale) * 1000.0).round() / 1000.0,
                    "fill": (f64::from(b.fill) * 1000.0).round() / 1000.0,
                })).collect::<Vec<_>>(),
                "errors": errors.iter().map(|e| entry(e.file.as_deref(), e.line, &e.message)).collect::<Vec<_>>(),
                "warnings": warnings.iter().map(|w| entry(Some(source), w.line, &w.message)).collect::<Vec<_>>(),
            });
            stdout_line(&format!("{report:#}"));
        }
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Which files a render writes.
struct Outputs {
    pdf: Option<PathBuf>,
    png: Option<PathBuf>,
}

impl Outputs {
    fn choose(source: &Path, output: Option<PathBuf>, png: Option<Option<PathBuf>>) -> Outputs {
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
enum RenderError {
    Input(hanji::Failure),
    Refused(hanji::guard::Refusal),
}

impl From<hanji::Failure> for RenderError {
    fn from(failure: hanji::Failure) -> Self {
        RenderError::Input(failure)
    }
}

/// How `hanji render` was asked to render.
struct Options {
    dpi: f32,
    quiet: bool,
    force: bool,
    draft: bool,
    embed_source: bool,
}

fn render(
    source: &Path,
    outputs: &Outputs,
    style: Option<&str>,
    options: &Options,
) -> Result<(), RenderError> {
    if !hanji::embed::is_pdf(source) {
        return render_source(source, source, outputs, style, options);
    }
    // An archive: its files are rendered again from a temporary folder, and carried again.
    let unpacked = hanji::embed::unpack(source).map_err(hanji::Failure::from_error)?;
    let style = style.map(str::to_string).or_else(|| unpacked.style.clone());
    let again = Options { embed_source: true, ..*options };
    let result = render_source(&unpacked.source, source, outputs, style.as_deref(), &again);
    unpacked.remove();
    result
}

/// Renders `source`; `shown` is the path messages name (the archive, for an unpacked source).
fn render_source(
    source: &Path,
    shown: &Path,
    outputs: &Outputs,
    style: Option<&str>,
    options: &Options,
) -> Result<(), RenderError> {
    let Options { dpi, quiet, force, draft, embed_source } = *options;
    let fail = hanji::Failure::from_error;
    let doc = hanji::load_document(source).map_err(fail)?;
    let mut inputs = hanji::guard::input_files(&doc, source, style);
    inputs.push(shown.to_path_buf());
    // Checked before the (slower) typesetting so a wrong name fails at once, and again below
    // with the page-numbered PNG names.
    let planned: Vec<PathBuf> = outputs.png.iter().chain(&outputs.pdf).cloned().collect();
    hanji::guard::check_outputs(&planned, &inputs, force).map_err(RenderError::Refused)?;
    let typeset = hanji::typeset_with(&doc, source, style, draft)?;
    if !quiet {
        print_warnings(shown, &typeset.warnings);
    }
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
    // The process ends after this: the system takes the pages' memory back at once, which
    // is faster than freeing every glyph of a long document one by one.
    std::mem::forget(typeset);
    std::mem::forget(doc);
    written
}

/// Prints a line to standard output. A reader that stops early (`hanji parse x.md | head`)
/// closes the pipe: that ends the program quietly, as for other command-line tools, instead
/// of a panic.
fn stdout_line(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output ({e})");
        std::process::exit(1);
    }
}

/// `out.png` → `out-2.png`.
fn numbered(path: &Path, page: usize) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!("{stem}-{page}.png"))
}

fn parse(source: &Path) -> Result<(), HanjiError> {
    let doc = hanji::load_document(source)?;
    let json = serde_json::to_string_pretty(&doc)
        .map_err(|e| HanjiError::new(format!("cannot print the model: {e}")))?;
    stdout_line(&json);
    Ok(())
}

/// Writes every file to a temporary name beside its target, then renames them all, so a
/// failure never leaves a half-written file under a target name.
fn write_atomically(files: &[(PathBuf, Vec<u8>)]) -> Result<(), HanjiError> {
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
