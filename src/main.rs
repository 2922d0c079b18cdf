//! The `hanji` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hanji::diagnose::Diagnosis;
use hanji::error::HanjiError;

mod cli;

#[global_allocator]
static ALLOCATOR: hanji::small_alloc::SmallBlocks = hanji::small_alloc::SmallBlocks;

use cli::pipe::{is_dash, LoadError, StreamFlags};
use cli::render::{located, print_warnings, render, Options, Outputs, RenderError};

const EXAMPLES: &str = "Examples:
  hanji render samples/pretraining-to-post-training.md   # writes samples/pretraining-to-post-training.pdf
  hanji render notes.md -o handout.pdf --style clean
  hanji render notes.md --png --dpi 200                    # notes.pdf and notes.png
  hanji render notes.md -o preview.png                     # only a PNG (150 dpi)
  hanji render notes/ *.md -o out/                         # many at once, in parallel
  hanji watch notes.md                                     # render again on every save
  hanji init sheet                                         # a starting sheet.md
  hanji check notes.md --format json                       # errors and warnings, nothing written
  hanji parse notes.md > notes.json && hanji render notes.json -o notes.pdf
  cat notes.md | hanji render - -o - > notes.pdf           # a pipe: standard input to output
  hanji render - --base img/ --to png < notes.md > n.png   # images from img/, a PNG on stdout
  hanji schema > hanji-document.schema.json                # the JSON Schema of the model
  hanji serve --addr 127.0.0.1:8080 --root notes/          # POST /render, POST /check, GET /health

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
        /// The sources: `.md` cheat sheets or notes, `.json` document models from `hanji
        /// parse`, PDFs written with `--embed-source` (rendered again), or folders (their `.md`
        /// files). Several are rendered in parallel, each beside its source.
        #[arg(required = true, num_args = 1..)]
        sources: Vec<PathBuf>,
        /// Where to write the PDF (default: the source's name with `.pdf`); a name ending in
        /// `.png` writes only a PNG. With several sources: a folder (ending in `/`) for all.
        #[arg(short, long, value_name = "OUT.pdf|DIR/")]
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
        #[command(flatten)]
        input: StdinFlags,
        /// The format to write where no file name says it: on standard output (`-o -`, and
        /// the default for a source on standard input), or beside the source.
        #[arg(long, value_enum, value_name = "pdf|png")]
        to: Option<cli::pipe::OutputFormat>,
        /// The page of a PNG written to standard output (default: the only one).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        page: Option<u32>,
    },
    /// Render, then render again whenever the source, its style or its images change.
    Watch {
        /// The source to watch.
        source: PathBuf,
        /// Where to write the PDF (default: the source's name with `.pdf`).
        #[arg(short, long, value_name = "OUT.pdf")]
        output: Option<PathBuf>,
        /// Also write a PNG (default: the PDF's name with `.png`).
        #[arg(long, value_name = "OUT.png", num_args = 0..=1)]
        png: Option<Option<PathBuf>>,
        /// Resolution of the PNG in dots per inch.
        #[arg(long, default_value_t = 150, value_parser = clap::value_parser!(u32).range(1..=2400))]
        dpi: u32,
        /// A style name or path, overriding the front matter.
        #[arg(long, value_name = "NAME|PATH")]
        style: Option<String>,
        /// Write the sheet even when boxes cannot fit, marked in red (see `render --draft`).
        #[arg(long)]
        draft: bool,
        /// Do not print warnings.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Write a starting file that renders as it is: a sheet or notes.
    Init {
        /// What to start.
        #[arg(value_enum, default_value_t = cli::init::Kind::Sheet)]
        kind: cli::init::Kind,
        /// The file to write (default: sheet.md or notes.md).
        path: Option<PathBuf>,
    },
    /// Run everything but writing: report errors and warnings with their source lines.
    Check {
        /// The `.md` source (or its `.json` model); `-` reads standard input.
        source: PathBuf,
        #[command(flatten)]
        input: StdinFlags,
        /// A style name or path, overriding the front matter.
        #[arg(long, value_name = "NAME|PATH")]
        style: Option<String>,
        /// `text` for people, `json` for editors and CI.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the document model of a source as JSON.
    Parse {
        /// The `.md` source; `-` reads standard input.
        source: PathBuf,
        /// What standard input holds: Markdown or a JSON model (checked and printed again).
        #[arg(long, value_enum, value_name = "md|json")]
        from: Option<cli::pipe::StdinFormat>,
    },
    /// Print the JSON Schema of the document model that `parse` prints and `render x.json` reads.
    Schema,
    /// Serve renders over HTTP: POST /render, POST /check, GET /health.
    Serve(cli::serve::ServeArgs),
}

/// How a source on standard input (`-`) is read.
#[derive(clap::Args)]
struct StdinFlags {
    /// What standard input holds: Markdown (default) or a JSON model from `hanji parse`.
    #[arg(long, value_enum, value_name = "md|json")]
    from: Option<cli::pipe::StdinFormat>,
    /// The folder a source on standard input reads its style file and images from (default:
    /// the working folder).
    #[arg(long, value_name = "DIR")]
    base: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    // A render ends when its files are written, so it uses the binary's own allocator (see
    // the `Render` arm below); switched on before the arguments are parsed, their blocks come
    // from its region too, which is already in memory, instead of from pages of their own.
    if std::env::args_os().nth(1).is_some_and(|command| command == "render") {
        hanji::small_alloc::enable();
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render {
            sources,
            output,
            png,
            dpi,
            style,
            quiet,
            force,
            draft,
            embed_source,
            input,
            to,
            page,
        } => {
            // A render ends when its files are written: small blocks may come from free lists
            // that are never handed back.
            hanji::small_alloc::enable();
            if let [source] = sources.as_slice() {
                if let Ok(meta) = std::fs::metadata(source) {
                    if meta.is_file() {
                        hanji::small_alloc::prefault(meta.len() as usize);
                    }
                }
            }
            let options = Options { dpi: dpi as f32, quiet, force, draft, embed_source, forget: true };
            let flags = StreamFlags {
                from: input.from,
                base: input.base,
                to,
                page: page.map(|p| p as usize),
                embed_source,
                force,
            };
            if sources.iter().any(|s| is_dash(s)) {
                if sources.len() > 1 {
                    let png_path = png.as_ref().and_then(|p| p.as_deref());
                    if let Err(message) =
                        cli::pipe::check_batch(&sources, output.as_deref(), png_path, &flags)
                    {
                        eprintln!("error: {message}");
                    }
                    return ExitCode::from(2);
                }
                return render_stdin(output, png, style.as_deref(), &flags, &options);
            }
            let files = match cli::batch::expand(&sources) {
                Ok(files) => files,
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::from(2);
                }
            };
            if files.len() > 1 || sources.iter().any(|s| s.is_dir()) {
                let png_path = png.as_ref().and_then(|p| p.as_deref());
                if let Err(message) = cli::pipe::check_batch(&sources, output.as_deref(), png_path, &flags) {
                    eprintln!("error: {message}");
                    return ExitCode::from(2);
                }
                let folder = match &output {
                    Some(dir) if dir.is_dir() || dir.to_string_lossy().ends_with('/') => {
                        if let Err(e) = std::fs::create_dir_all(dir) {
                            eprintln!("error: cannot make the folder {} ({e})", dir.display());
                            return ExitCode::from(2);
                        }
                        Some(dir.as_path())
                    }
                    Some(file) => {
                        eprintln!(
                            "error: several sources need a folder for -o (write `{}/`), not a file",
                            file.display()
                        );
                        return ExitCode::from(2);
                    }
                    None => None,
                };
                let png = png.is_some();
                return ExitCode::from(cli::batch::render_all(
                    &files,
                    folder,
                    png,
                    style.as_deref(),
                    &options,
                ));
            }
            let source = &files[0];
            let outputs = match cli::pipe::plan(source, output, png, &flags) {
                Ok(outputs) => outputs,
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::from(2);
                }
            };
            match render(source, &outputs, style.as_deref(), &options, &mut None) {
                Err(RenderError::Refused(refusal)) => {
                    eprintln!("error: {refusal}");
                    return ExitCode::from(2);
                }
                Err(RenderError::Input(failure)) => Err(failure),
                Ok(warnings) => {
                    if !quiet {
                        print_warnings(source, &warnings);
                    }
                    Ok(())
                }
            }
        }
        Command::Watch { source, output, png, dpi, style, draft, quiet } => {
            let png_dash = png.as_ref().is_some_and(|p| p.as_deref().is_some_and(is_dash));
            if is_dash(&source) || output.as_deref().is_some_and(is_dash) || png_dash {
                eprintln!("error: watch reads a source file and writes files: `-` (standard input or output) is for render, check and parse");
                return ExitCode::from(2);
            }
            let outputs = Outputs::choose(&source, output, png);
            let options =
                Options { dpi: dpi as f32, quiet, force: false, draft, embed_source: false, forget: false };
            return ExitCode::from(cli::watch::watch(&source, &outputs, style.as_deref(), &options));
        }
        Command::Init { kind, path } => return ExitCode::from(cli::init::init(kind, path)),
        Command::Check { source, input, style, format } => {
            return match cli::pipe::load(&source, input.from, input.base.as_deref()) {
                Err(LoadError::Usage(usage)) => {
                    eprintln!("error: {usage}");
                    ExitCode::from(2)
                }
                Err(LoadError::Input(error)) => check(Err(error), &source, style.as_deref(), format),
                Ok(loaded) => check(Ok(loaded), &source, style.as_deref(), format),
            }
        }
        Command::Parse { source, from } => match cli::pipe::load(&source, from, None) {
            Err(LoadError::Usage(usage)) => {
                eprintln!("error: {usage}");
                return ExitCode::from(2);
            }
            Err(LoadError::Input(error)) => Err(hanji::Failure::from_error(error)),
            Ok(loaded) => print_json(&loaded.doc).map_err(hanji::Failure::from_error),
        },
        Command::Schema => print_json(&hanji::schema::document_schema()).map_err(hanji::Failure::from_error),
        Command::Serve(args) => return ExitCode::from(cli::serve::serve(args)),
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

/// `hanji render -`: standard input to standard output or files.
fn render_stdin(
    output: Option<PathBuf>,
    png: Option<Option<PathBuf>>,
    style: Option<&str>,
    flags: &StreamFlags,
    options: &Options,
) -> ExitCode {
    let outputs = match cli::pipe::plan(Path::new("-"), output, png, flags) {
        Ok(outputs) => outputs,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let name = Path::new(cli::render::STDIN_NAME);
    let rendered = cli::pipe::read_stdin()
        .map_err(|e| RenderError::Input(hanji::Failure::from_error(e)))
        .and_then(|bytes| {
            let base = flags.base.as_deref().unwrap_or(Path::new("."));
            let format = cli::pipe::StdinFormat::format(flags.from);
            cli::render::render_stream(&bytes, format, base, &outputs, style, options)
        });
    match rendered {
        Ok(warnings) => {
            if !options.quiet {
                print_warnings(name, &warnings);
            }
            ExitCode::SUCCESS
        }
        Err(RenderError::Refused(refusal)) => {
            eprintln!("error: {refusal}");
            ExitCode::from(2)
        }
        Err(RenderError::Input(failure)) => {
            for error in failure.errors {
                eprintln!("error: {error}");
            }
            ExitCode::from(1)
        }
    }
}

/// `hanji check`: everything a render does, without writing; exit 0 only without errors.
/// `loaded` is the source read (or why it could not be); `source` names it when it could not.
fn check(
    loaded: Result<cli::pipe::Loaded, HanjiError>,
    source: &Path,
    style: Option<&str>,
    format: Format,
) -> ExitCode {
    let (shown, diagnosis) = match loaded {
        Err(e) if is_dash(source) => (PathBuf::from(cli::render::STDIN_NAME), Diagnosis::unreadable(e)),
        Err(e) => (source.to_path_buf(), Diagnosis::unreadable(e)),
        Ok(loaded) => {
            let origin = hanji::Origin { name: &loaded.name, folder: Some(&loaded.folder) };
            let mut book = hanji::text::fonts::FontBook::new();
            let diagnosis = hanji::diagnose::diagnose(&loaded.doc, origin, style, &mut book);
            (loaded.name, diagnosis)
        }
    };
    let source = shown.as_path();
    let Diagnosis { pages, boxes, errors, warnings } = &diagnosis;
    match format {
        Format::Text => {
            for error in errors {
                stdout_line(&format!("error: {error}"));
            }
            for warning in warnings {
                stdout_line(&format!("warning: {}", located(source, warning)));
            }
            if !boxes.is_empty() {
                // How each box came out: authors see over- and under-full boxes at a glance.
                stdout_line(&format!("{:<24} {:>6} {:>6} {:>5}", "box", "line", "scale", "fill"));
                for b in boxes {
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
        Format::Json => stdout_line(&format!("{:#}", diagnosis.to_json(source))),
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
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

/// Prints a value as indented JSON (the model for `parse`, the schema for `schema`).
fn print_json(value: &impl serde::Serialize) -> Result<(), HanjiError> {
    let json = serde_json::to_string_pretty(value)
        .map_err(|e| HanjiError::new(format!("cannot print the JSON: {e}")))?;
    stdout_line(&json);
    Ok(())
}
