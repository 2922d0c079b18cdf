//! Generates the index of the Twemoji SVG files in `assets/twemoji/`, embedded in the binary
//! and sorted by name so a lookup is a binary search.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/twemoji");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".svg"))
            .collect(),
        Err(e) => panic!("cannot read {}: {e}", dir.display()),
    };
    // Sorted by the key (the name without `.svg`), which is what lookups search.
    names.sort_by(|a, b| a.trim_end_matches(".svg").cmp(b.trim_end_matches(".svg")));
    let mut code = String::from("/// Twemoji SVGs by sequence name (lowercase hex joined by `-`), sorted.\n");
    code.push_str("pub static TWEMOJI: &[(&str, &[u8])] = &[\n");
    for name in &names {
        let key = name.trim_end_matches(".svg");
        let path = dir.join(name);
        let _ = writeln!(code, "    ({key:?}, include_bytes!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("twemoji_index.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
