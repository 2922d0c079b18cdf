//! The `hanji` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hanji::error::HanjiError;

const EXAMPLES: &str = "Examples:
  hanji render samples/pretraining-to-post-training.md            # writes samples/pretraining-to-post-training.pdf
  hanji render notes.md -o handout.pdf --style clean
  hanji parse notes.md > notes.json && hanji render notes.json -o notes.pdf

Exit codes: 0 done, 1 input error (the message names file:line), 2 usage error.";

#[derive(Parser)]
#[command(name = "hanji", version, about = "Typesets Markdown cheat sheets into print-ready pen-note PDFs", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a Markdown source (or its JSON model) to PDF.
    #[command(after_help = EXAMPLES)]
    Render {
        /// The source: a `.md` cheat sheet, or a `.json` document model from `hanji parse`.
        source: PathBuf,
        /// Where to write the PDF (default: the source's name with `.pdf`).
        #[arg(short, long, value_name = "OUT.pdf")]
        output: Option<PathBuf>,
        /// A style name (pen-notes, clean) or a path to a .toml style, overriding the front matter.
        #[arg(long, value_name = "NAME|PATH")]
        style: Option<String>,
        /// Do not print warnings.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Print the document model of a source as JSON.
    Parse {
        /// The `.md` source.
        source: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render {
            source,
            output,
            style,
            quiet,
        } => render(&source, output, style.as_deref(), quiet),
        Command::Parse { source } => parse(&source),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

fn render(
    source: &Path,
    output: Option<PathBuf>,
    style: Option<&str>,
    quiet: bool,
) -> Result<(), HanjiError> {
    let doc = hanji::load_document(source)?;
    let rendered = hanji::render(&doc, source, style)?;
    if !quiet {
        for warning in &rendered.warnings {
            match warning.line {
                Some(line) => eprintln!(
                    "warning: {}:{}: {}",
                    source.display(),
                    line,
                    warning.message
                ),
                None => eprintln!("warning: {}: {}", source.display(), warning.message),
            }
        }
    }
    let output = output.unwrap_or_else(|| source.with_extension("pdf"));
    write_atomically(&output, &rendered.pdf)
}

fn parse(source: &Path) -> Result<(), HanjiError> {
    let doc = hanji::load_document(source)?;
    let json = serde_json::to_string_pretty(&doc)
        .map_err(|e| HanjiError::new(format!("cannot print the model: {e}")))?;
    println!("{json}");
    Ok(())
}

/// Writes to a temporary file beside the target and renames it, so a failed write never
/// leaves a half-written file under the target name.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), HanjiError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let fail = |what: &str, e: std::io::Error| {
        let _ = std::fs::remove_file(&temp);
        HanjiError::new(format!(
            "cannot {what} {} ({e}): check that the folder exists and is writable",
            path.display()
        ))
    };
    std::fs::write(&temp, bytes).map_err(|e| fail("write", e))?;
    std::fs::rename(&temp, path).map_err(|e| fail("move the finished file to", e))
}
