//! Rebuilds `assets/fontawesome.pack` from the SVGs in `assets/fontawesome/`: every icon
//! parsed once here rather than at every run. Run after changing the SVG set:
//! `cargo run --release --example fontawesome_pack`. `tests/icon_pack.rs` checks that the
//! pack matches the SVGs.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("assets/fontawesome.pack");
    match hanji::vector::pack::write_folder(&root.join("assets/fontawesome"), hanji::icons::FONTAWESOME, &out)
    {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
