//! Times parsing and laying out (labels measured with the real fonts) every mermaid diagram
//! of a sheet: `cargo run --release --example diagram_bench [SHEET] [WIDTH_PT]`. Part of
//! `make bench`.

use std::path::Path;
use std::time::Instant;

use hanji::diagram::build;
use hanji::layout::blocks::Ctx;
use hanji::model::Block;
use hanji::text::fonts::FontBook;

fn mermaid(blocks: &[Block], out: &mut Vec<(String, usize)>) {
    for block in blocks {
        match block {
            Block::Mermaid { text, line } => out.push((text.clone(), *line)),
            Block::List { items, .. } => items.iter().for_each(|i| mermaid(&i.blocks, out)),
            Block::Quote { blocks, .. } => mermaid(blocks, out),
            _ => {}
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let sheet = args.next().unwrap_or_else(|| "samples/pretraining-to-post-training.md".into());
    let width: f32 = args.next().map_or(Ok(300.0), |w| w.parse())?;
    let started = Instant::now();
    let doc = hanji::load_document(Path::new(&sheet))?;
    let mut blocks = Vec::new();
    for section in &doc.sections {
        mermaid(&section.blocks, &mut blocks);
        for sub in &section.subsections {
            mermaid(&sub.blocks, &mut blocks);
        }
    }
    let mut book = FontBook::new();
    let style = hanji::style::load(&doc.meta.style, Path::new("."), &mut book)?;
    let accent = style.cycle_color(0);
    let setup = started.elapsed();
    let mut ctx = Ctx::new(&book, &style, Path::new("."));
    let pass = |ctx: &mut Ctx| -> Result<f64, Box<dyn std::error::Error>> {
        let t = Instant::now();
        for (text, line) in &blocks {
            build(ctx, text, *line, accent, width)?;
        }
        Ok(t.elapsed().as_secs_f64() * 1000.0)
    };
    let first = pass(&mut ctx)?;
    let mut runs: Vec<f64> = (0..200).map(|_| pass(&mut ctx)).collect::<Result<_, _>>()?;
    runs.sort_by(f64::total_cmp);
    println!(
        "diagrams of {sheet}: {} diagrams parsed + laid out at {width} pt: first pass {first:.2} ms (fresh process), median {:.2} ms, max {:.2} ms over {} passes (setup {:.1} ms)",
        blocks.len(),
        runs[runs.len() / 2],
        runs[runs.len() - 1],
        runs.len(),
        setup.as_secs_f64() * 1000.0
    );
    Ok(())
}
