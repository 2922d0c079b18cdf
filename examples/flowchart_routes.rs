//! Lays out mermaid flowcharts given as files (one diagram each, `---` front matter allowed)
//! and lists where their edges run through nodes, titles or other subgraphs
//! (`hanji::diagram::check`); with `--png DIR` it also draws each one there to look at:
//! `cargo run --release --example flowchart_routes -- [--png DIR] [--width PT] FILE...`

use std::path::{Path, PathBuf};

use hanji::diagram::{build, check};
use hanji::frame::{Frame, FrameItem, Paint, PathItem, Rect};
use hanji::layout::blocks::{rect_path, Ctx};
use hanji::text::fonts::FontBook;

/// The diagram text without mermaid front matter (`---` … `---`), which Hanji takes from the
/// sheet instead.
fn diagram_text(source: &str) -> &str {
    let trimmed = source.trim_start();
    if let Some(rest) = trimmed.strip_prefix("---") {
        if let Some(end) = rest.find("\n---") {
            return rest[end + 4..].trim_start_matches(|c| c != '\n');
        }
    }
    source
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut png_dir: Option<PathBuf> = None;
    let mut width = 520.0f32;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--png" => png_dir = args.next().map(PathBuf::from),
            "--width" => width = args.next().ok_or("--width needs a number")?.parse()?,
            _ => files.push(arg),
        }
    }
    let mut book = FontBook::new();
    let style = hanji::style::load("pen-notes", Path::new("."), &mut book)?;
    let accent = style.cycle_color(0);
    let (mut total, mut charts, mut dirty) = (0, 0, 0);
    for file in &files {
        let source = std::fs::read_to_string(file)?;
        let text = diagram_text(&source).trim();
        if !(text.starts_with("flowchart") || text.starts_with("graph")) {
            continue;
        }
        let mut ctx = Ctx::new(&book, &style, Path::new("."));
        let diagram = match build(&mut ctx, text, 0, accent, width) {
            Ok(d) => d,
            Err(e) => {
                println!("{file}: not laid out: {e}");
                continue;
            }
        };
        charts += 1;
        let scene = diagram.scene();
        let faults = check::faults(scene);
        total += faults.len();
        if !faults.is_empty() {
            dirty += 1;
            println!(
                "{file}: {} faults\n  {}",
                faults.len(),
                check::describe(scene, &faults).replace('\n', "\n  ")
            );
        }
        if let Some(dir) = &png_dir {
            let (w, h) = diagram.size();
            let pad = 6.0;
            let mut items = vec![FrameItem::Path(PathItem {
                segments: rect_path(Rect::new(0.0, 0.0, w + 2.0 * pad, h + 2.0 * pad)),
                fill: Some(Paint::solid(style.page.paper)),
                stroke: None,
            })];
            diagram.draw(&mut ctx, pad, pad, 1.0, &mut items);
            let frame = Frame { width: w + 2.0 * pad, height: h + 2.0 * pad, items };
            let pixmap = hanji::export::png::rasterize(&frame, &book, 110.0)?;
            let name = Path::new(file).file_stem().map_or("diagram".into(), |s| s.to_string_lossy());
            std::fs::write(dir.join(format!("{name}.png")), hanji::export::png::encode(&pixmap, 110.0)?)?;
        }
    }
    println!("{charts} flowcharts, {dirty} with faults, {total} faults");
    Ok(())
}
