//! Generates the indexes of the Twemoji names in `assets/twemoji/` and of the Font Awesome
//! icons in `assets/fontawesome/`, sorted so a lookup is a binary search; the drawings are
//! read from the packs built from the same folders.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // A position-dependent executable needs no start-up relocations: a PIE of this size spends
    // about 2 ms of every run in the dynamic loader patching 44,000 pointers.
    println!("cargo:rustc-link-arg-bins=-no-pie");
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
    // The drawings themselves are in `assets/twemoji.pack`, in this order (see
    // `examples/twemoji_pack.rs`); the SVGs stay in the repository as its source.
    let mut code =
        String::from("/// Twemoji names (lowercase hex joined by `-`), sorted, in the order of the pack.\n");
    code.push_str("pub static TWEMOJI: &[&str] = &[\n");
    for name in &names {
        let _ = writeln!(code, "    {:?},", name.trim_end_matches(".svg"));
    }
    code.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let out = Path::new(&out_dir).join("twemoji_index.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
    fontawesome_index(Path::new(&out_dir));
}

/// `style/name` of every Font Awesome SVG (`solid/user`), sorted; the pack
/// (`examples/fontawesome_pack.rs`) holds their drawings in this order.
fn fontawesome_index(out_dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fontawesome");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut names = Vec::new();
    for style in ["brands", "regular", "solid"] {
        let dir = root.join(style);
        println!("cargo:rerun-if-changed={}", dir.display());
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => panic!("cannot read {}: {e}", dir.display()),
        };
        for entry in entries.filter_map(|e| e.ok()) {
            if let Some(name) = entry.file_name().to_str().and_then(|n| n.strip_suffix(".svg")) {
                names.push(format!("{style}/{name}"));
            }
        }
    }
    names.sort();
    let mut code =
        String::from("/// Font Awesome icons as `style/name`, sorted, in the order of the pack.\n");
    code.push_str("pub static FONTAWESOME: &[&str] = &[\n");
    for name in &names {
        let _ = writeln!(code, "    {name:?},");
    }
    code.push_str("];\n");
    let out = out_dir.join("fontawesome_index.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
