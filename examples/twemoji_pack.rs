//! Rebuilds `assets/twemoji.pack` from the SVGs in `assets/twemoji/`: every emoji parsed once
//! here rather than at every run. Run after changing the SVG set:
//! `cargo run --release --example twemoji_pack`. `tests/emoji_pack.rs` checks that the pack
//! matches the SVGs.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let drawings =
        match hanji::vector::pack::parse_folder(&root.join("assets/twemoji"), hanji::emoji::TWEMOJI) {
            Ok(drawings) => drawings,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
    let unreadable = drawings.iter().filter(|d| d.is_none()).count();
    let bytes = hanji::vector::pack::encode(&drawings);
    let out = root.join("assets/twemoji.pack");
    if let Err(e) = std::fs::write(&out, &bytes) {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "{} drawings ({unreadable} unreadable), {} bytes → {}",
        drawings.len(),
        bytes.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
