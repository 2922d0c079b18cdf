//! Writes Hanji's English hyphenation data from the `hyphenation` crate's en-us dictionary
//! (built from the hyph-utf8 patterns): the pattern automaton as
//! `assets/hyphenation/en-us.fst`, and the pattern values, exceptions and minima as Rust
//! tables in `src/text/hyphenation_data.rs`. A run then loads nothing: deserializing the
//! dictionary (1,439 exceptions into a hash map) was a twentieth of a sheet's work.
//!
//! `cargo run --release --example hyphenation_pack` after a `hyphenation` upgrade;
//! `tests/hyphenation.rs` checks that the committed files are what this writes.

use std::fmt::Write as _;
use std::path::Path;

use hyphenation::{Language, Load, Standard};

/// The automaton's bytes and the Rust source of the tables.
pub fn generate() -> Result<(Vec<u8>, String), String> {
    let dict = Standard::from_embedded(Language::EnglishUS).map_err(|e| format!("en-us dictionary: {e}"))?;
    // The patterns are private to the crate but serializable: read them back as JSON.
    let value = serde_json::to_value(&dict).map_err(|e| format!("serializing the dictionary: {e}"))?;
    let patterns = &value["patterns"];
    let automaton: Vec<u8> = patterns["automaton"]
        .as_array()
        .ok_or("the dictionary has no automaton")?
        .iter()
        .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()).ok_or("an automaton byte out of range"))
        .collect::<Result<_, _>>()?;
    let mut code = String::from(
        "//! English (en-us) hyphenation tables, written by `examples/hyphenation_pack.rs` from the\n\
         //! `hyphenation` crate's dictionary (hyph-utf8 patterns); do not edit.\n\n",
    );
    let (left, right) = dict.minima;
    let _ = writeln!(code, "/// Letters kept together at the start and the end of a word.\npub const MINIMA: (usize, usize) = ({left}, {right});\n");
    code.push_str("/// Per pattern (the automaton's output): (offset in the pattern, value) pairs.\npub static TALLIES: &[&[(u8, u8)]] = &[\n");
    for tally in patterns["tallies"].as_array().ok_or("the dictionary has no tallies")? {
        code.push_str("    &[");
        for (i, locus) in tally.as_array().ok_or("a tally is not a list")?.iter().enumerate() {
            let index = locus["index"].as_u64().ok_or("a locus without index")?;
            let value = locus["value"].as_u64().ok_or("a locus without value")?;
            let _ = write!(code, "{}({index}, {value})", if i > 0 { ", " } else { "" });
        }
        code.push_str("],\n");
    }
    code.push_str("];\n\n");
    let mut exceptions: Vec<(&String, &Vec<usize>)> = dict.exceptions.0.iter().collect();
    exceptions.sort();
    code.push_str("/// Words hyphenated by hand, sorted: (word, byte offsets of its breaks).\npub static EXCEPTIONS: &[(&str, &[u8])] = &[\n");
    for (word, breaks) in exceptions {
        let breaks: Vec<String> = breaks.iter().map(|b| b.to_string()).collect();
        let _ = writeln!(code, "    ({word:?}, &[{}]),", breaks.join(", "));
    }
    code.push_str("];\n");
    Ok((automaton, code))
}

#[allow(dead_code)]
fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (automaton, code) = match generate() {
        Ok(data) => data,
        Err(e) => {
            eprintln!("hyphenation_pack: {e}");
            std::process::exit(1);
        }
    };
    for (path, bytes) in [
        (root.join("assets/hyphenation/en-us.fst"), automaton),
        (root.join("src/text/hyphenation_data.rs"), code.into_bytes()),
    ] {
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("hyphenation_pack: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("wrote {}", path.display());
    }
}
