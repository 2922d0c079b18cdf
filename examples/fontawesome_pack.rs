//! Rebuilds `assets/fontawesome.pack` from the SVGs in `assets/fontawesome/`: every icon
//! parsed once here rather than at every run. Run after changing the SVG set:
//! `cargo run --release --example fontawesome_pack`. `tests/icon_pack.rs` checks that the
//! pack matches the SVGs.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = root.join("assets/fontawesome");
    let mut drawings = Vec::new();
    let mut unreadable = 0;
    for name in hanji::icons::FONTAWESOME {
        let path = folder.join(format!("{name}.svg"));
        let drawing = match std::fs::read(&path) {
            Ok(data) => hanji::vector::parse_svg(&data).ok(),
            Err(e) => {
                eprintln!("cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        };
        unreadable += usize::from(drawing.is_none());
        drawings.push(drawing);
    }
    let bytes = hanji::vector::pack::encode(&drawings);
    let out = root.join("assets/fontawesome.pack");
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
