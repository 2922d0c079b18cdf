//! Where a render's time goes: parse, layout (with style and fonts) and PDF export, for one
//! source. `cargo run --release --example stages -- SOURCE`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: stages SOURCE");
        std::process::exit(2);
    };
    let path = std::path::PathBuf::from(path);
    let start = Instant::now();
    let doc = match hanji::load_document(&path) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let parsed = start.elapsed();
    let typeset = match hanji::typeset(&doc, &path, None) {
        Ok(t) => t,
        Err(f) => {
            eprintln!("{:?}", f.errors);
            std::process::exit(1);
        }
    };
    let laid = start.elapsed();
    let pdf = match typeset.pdf() {
        Ok(pdf) => pdf,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let done = start.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "parse {:.1} ms, layout {:.1} ms, pdf {:.1} ms ({} pages, {} KiB)",
        ms(parsed),
        ms(laid - parsed),
        ms(done - laid),
        typeset.laid.pages.len(),
        pdf.len() / 1024
    );
}
