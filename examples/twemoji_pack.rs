//! Rebuilds `assets/twemoji.pack` from the SVGs in `assets/twemoji/`: every emoji parsed once
//! here rather than at every run. Run after changing the SVG set:
//! `cargo run --release --example twemoji_pack`. `tests/emoji_pack.rs` checks that the pack
//! matches the SVGs.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("assets/twemoji.pack");
    match hanji::vector::pack::write_folder(&root.join("assets/twemoji"), hanji::emoji::TWEMOJI, &out) {
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
