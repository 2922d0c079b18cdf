//! Pipes: `-` as the source reads standard input, `-o -` (or `--png -`) writes to standard
//! output. Warnings and errors stay on standard error, so the output stream holds only the
//! document. Combinations that cannot make sense (two documents on one stream, `-` among other
//! sources) are usage errors, found before anything is read.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use hanji::error::HanjiError;
use hanji::SourceFormat;

use super::render::{Outputs, Stdout, STDIN_NAME};

/// `--from`: what standard input holds.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StdinFormat {
    /// Markdown (the default).
    #[value(alias = "markdown")]
    Md,
    /// The JSON document model, as `hanji parse` prints it.
    Json,
}

impl StdinFormat {
    pub fn format(from: Option<StdinFormat>) -> SourceFormat {
        match from {
            Some(StdinFormat::Json) => SourceFormat::Json,
            Some(StdinFormat::Md) | None => SourceFormat::Markdown,
        }
    }
}

/// `--to`: what a render writes where the name does not say it (standard output).
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum OutputFormat {
    Pdf,
    Png,
}

/// True for `-`, which stands for standard input or output.
pub fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The flags that concern pipes, as given on the command line.
pub struct StreamFlags {
    pub from: Option<StdinFormat>,
    pub base: Option<PathBuf>,
    pub to: Option<OutputFormat>,
    pub page: Option<usize>,
    pub embed_source: bool,
    pub force: bool,
}

/// Checks the flags of a render of several sources: none of them may name a stream.
pub fn check_batch(
    sources: &[PathBuf],
    output: Option<&Path>,
    png: Option<&Path>,
    flags: &StreamFlags,
) -> Result<(), String> {
    if sources.iter().any(|s| is_dash(s)) {
        return Err(
            "`-` reads the source from standard input and is rendered alone: give no other source".into()
        );
    }
    if output.is_some_and(is_dash) || png.is_some_and(is_dash) {
        return Err(
            "`-` writes one document to standard output: with several sources, name a folder (-o out/)"
                .into(),
        );
    }
    if flags.to.is_some() || flags.page.is_some() {
        return Err("--to and --page are for one source: with several, each is written beside it (add --png for PNGs)".into());
    }
    check_stream_flags(false, flags)
}

/// `--from` and `--base` only mean something for standard input, `--embed-source` only for a file.
fn check_stream_flags(stdin: bool, flags: &StreamFlags) -> Result<(), String> {
    if !stdin && flags.from.is_some() {
        return Err("--from is for a source on standard input (`-`): a file's format comes from its name (.json is a model)".into());
    }
    if !stdin && flags.base.is_some() {
        return Err(
            "--base is for a source on standard input (`-`): a file's style and images are read beside it"
                .into(),
        );
    }
    if stdin && flags.embed_source {
        return Err("--embed-source carries the source file in the PDF: save standard input to a file and render that".into());
    }
    if let Some(base) = &flags.base {
        if !base.is_dir() {
            return Err(format!(
                "--base {}: not a folder; name the folder the source's images are in",
                base.display()
            ));
        }
    }
    Ok(())
}

/// What a render of one source writes: files and standard output. `source` may be `-`.
pub fn plan(
    source: &Path,
    output: Option<PathBuf>,
    png: Option<Option<PathBuf>>,
    flags: &StreamFlags,
) -> Result<Outputs, String> {
    let stdin = is_dash(source);
    check_stream_flags(stdin, flags)?;
    let to_stdout = match &output {
        Some(out) => is_dash(out),
        None => stdin,
    };
    let outputs = if to_stdout {
        let stdout = match flags.to {
            Some(OutputFormat::Png) => Stdout::Png { page: flags.page },
            Some(OutputFormat::Pdf) | None => Stdout::Pdf,
        };
        let png = match (png, stdout) {
            (None, _) => None,
            (Some(Some(file)), Stdout::Pdf) if !is_dash(&file) => Some(file),
            (Some(Some(_)), Stdout::Pdf) => {
                return Err("the PDF and the PNG cannot both go to standard output: name a file for the PNG (--png out.png)".into())
            }
            (Some(None), Stdout::Pdf) => {
                return Err("--png needs a file name when the PDF goes to standard output: --png out.png".into())
            }
            (Some(_), Stdout::Png { .. }) => {
                return Err("--to png already writes the PNG to standard output: drop --png".into())
            }
        };
        Outputs { pdf: None, png, stdout: Some(stdout) }
    } else {
        let is_png = |p: &Path| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
        if let (Some(to), Some(out)) = (flags.to, &output) {
            if (to == OutputFormat::Png) != is_png(out) {
                return Err(format!(
                    "--to {} and -o {} disagree: a name ending in .png gets a PNG, any other a PDF; drop --to or rename",
                    if to == OutputFormat::Png { "png" } else { "pdf" },
                    out.display()
                ));
            }
        }
        let png_to_stdout = png.as_ref().is_some_and(|p| p.as_deref().is_some_and(is_dash));
        let output = match (output, flags.to) {
            (None, Some(OutputFormat::Png)) => Some(source.with_extension("png")),
            (output, _) => output,
        };
        if png_to_stdout {
            if output.as_deref().is_some_and(is_png) {
                return Err("-o names a PNG already: drop --png -, or write the PDF with -o out.pdf".into());
            }
            let mut outputs = Outputs::choose(source, output, None);
            outputs.stdout = Some(Stdout::Png { page: flags.page });
            outputs
        } else {
            Outputs::choose(source, output, png)
        }
    };
    if flags.page.is_some() && !matches!(outputs.stdout, Some(Stdout::Png { .. })) {
        return Err("--page picks the page of a PNG on standard output (-o - --to png, or --png -); files get every page".into());
    }
    if outputs.stdout.is_some() && !flags.force && std::io::stdout().is_terminal() {
        return Err("refusing to write a PDF or PNG to the terminal: redirect standard output (> out.pdf), pipe it, or name a file with -o".into());
    }
    Ok(outputs)
}

/// Standard input, at most the source size limit; a PDF there is refused (an archive is
/// unpacked beside its file, which standard input does not have).
pub fn read_stdin() -> Result<Vec<u8>, HanjiError> {
    let name = Path::new(STDIN_NAME);
    let bytes = hanji::files::read_limited_from(
        std::io::stdin().lock(),
        name,
        hanji::limits::MAX_SOURCE_BYTES,
        "source",
        "pipe a Markdown file or a JSON model",
    )?;
    if bytes.starts_with(b"%PDF-") {
        return Err(HanjiError::at(
            Some(name),
            1,
            "standard input holds a PDF: save it to a file and render that (an archive PDF is unpacked beside it)",
        ));
    }
    Ok(bytes)
}

/// A source for `check` and `parse`: a file, or standard input (`-`) with its format and the
/// folder its files are read from.
pub struct Loaded {
    pub doc: hanji::model::Document,
    /// What messages call it: the path, or `<stdin>`.
    pub name: PathBuf,
    pub folder: PathBuf,
}

/// Why a source could not be loaded.
pub enum LoadError {
    /// Flags that do not go together (exit 2).
    Usage(String),
    /// The source cannot be read or parsed (exit 1).
    Input(HanjiError),
}

/// Loads `source` (a file, or `-`); `from` and `base` only for standard input.
pub fn load(source: &Path, from: Option<StdinFormat>, base: Option<&Path>) -> Result<Loaded, LoadError> {
    let stdin = is_dash(source);
    let flags = StreamFlags {
        from,
        base: base.map(Path::to_path_buf),
        to: None,
        page: None,
        embed_source: false,
        force: false,
    };
    check_stream_flags(stdin, &flags).map_err(LoadError::Usage)?;
    if stdin {
        let name = PathBuf::from(STDIN_NAME);
        let bytes = read_stdin().map_err(LoadError::Input)?;
        let folder = base.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let origin = hanji::Origin { name: &name, folder: Some(&folder) };
        let doc =
            hanji::parse_document(&bytes, StdinFormat::format(from), origin).map_err(LoadError::Input)?;
        Ok(Loaded { doc, name, folder })
    } else {
        let doc = hanji::load_document(source).map_err(LoadError::Input)?;
        let folder = hanji::files::source_folder(source).to_path_buf();
        Ok(Loaded { doc, name: source.to_path_buf(), folder })
    }
}
