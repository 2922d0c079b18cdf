//! English hyphenation reads tables compiled into the binary (src/text/hyphenation.rs); they
//! must be what `examples/hyphenation_pack.rs` writes from the `hyphenation` crate today, and
//! must hyphenate exactly as that crate's dictionary does.

#[path = "../examples/hyphenation_pack.rs"]
mod pack;

use hyphenation::{Hyphenator, Language, Load, Standard};

#[test]
fn the_committed_tables_are_what_the_generator_writes() {
    let (automaton, code) = pack::generate().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed_fst = std::fs::read(root.join("assets/hyphenation/en-us.fst")).unwrap();
    let committed_code = std::fs::read_to_string(root.join("src/text/hyphenation_data.rs")).unwrap();
    assert!(automaton.len() > 20_000, "the automaton is {} bytes", automaton.len());
    assert!(
        committed_fst == automaton,
        "assets/hyphenation/en-us.fst is stale: run `cargo run --release --example hyphenation_pack`"
    );
    assert!(
        committed_code == code,
        "src/text/hyphenation_data.rs is stale: run `cargo run --release --example hyphenation_pack`"
    );
}

/// Words of every kind: the crate's own exceptions, the English words of the samples and the
/// guide, and pseudo-words from a fixed seed that walk the automaton's less common paths.
fn words() -> Vec<String> {
    let dict = Standard::from_embedded(Language::EnglishUS).unwrap();
    let mut words: Vec<String> = dict.exceptions.0.keys().map(|w| w.to_ascii_lowercase()).collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["samples", "docs", "docs/examples"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap().flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
                if word.len() >= 2 {
                    words.push(word.to_ascii_lowercase());
                }
            }
        }
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let mut word = String::new();
        let len = 2 + (next() % 14) as usize;
        for _ in 0..len {
            let state = next();
            // Mostly the common letters, so that patterns actually match.
            word.push(char::from(
                b"etaoinshrdlucmfwypvbgkqjxz"[(state % 26).min(state % 13 + (state >> 8) % 14) as usize],
            ));
        }
        words.push(word);
    }
    words.sort();
    words.dedup();
    words
}

#[test]
fn words_break_where_the_hyphenation_crate_breaks_them() {
    let dict = Standard::from_embedded(Language::EnglishUS).unwrap();
    let words = words();
    assert!(words.len() > 15_000, "only {} words", words.len());
    let mut broken = 0;
    for word in &words {
        let expected = dict.hyphenate(word).breaks;
        let found = hanji::text::hyphenation::breaks(word);
        assert_eq!(found, expected, "{word}");
        broken += usize::from(!found.is_empty());
    }
    // Most words of five letters or more have a break: the comparison is not of empty lists.
    assert!(broken > words.len() / 3, "only {broken} of {} words have a break", words.len());
}
