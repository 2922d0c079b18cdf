//! Colour emoji: grapheme clusters found in the Twemoji SVG set (`assets/twemoji`, CC-BY 4.0)
//! and drawn as vector paths.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::vector::{pack, Drawing};

include!(concat!(env!("OUT_DIR"), "/twemoji_index.rs"));

/// The drawings of [`TWEMOJI`], in its order, parsed when the pack was made.
pub static PACK: &[u8] = include_bytes!("../assets/twemoji.pack");

const ZWJ: char = '\u{200D}';
const VS16: char = '\u{FE0F}';

/// The Twemoji name of a grapheme cluster, if the set has it and the cluster is meant as an
/// emoji: Twemoji also draws text symbols such as © or ↔, which stay text unless asked for
/// with U+FE0F or part of a longer sequence.
pub fn lookup(grapheme: &str) -> Option<&'static str> {
    // Most text is one character below the emoji blocks or a Hangul syllable: no allocation.
    let mut it = grapheme.chars();
    if let (Some(first), None) = (it.next(), it.next()) {
        // A lone character in text style (→, ·, ©) is text: decided before any allocation.
        if plainly_text(first) || (u32::from(first) < 0x1F000 && !default_emoji_presentation(first)) {
            return None;
        }
    }
    // Longer clusters are meant as emoji (a lone character was decided above).
    let chars: Vec<char> = grapheme.chars().collect();
    if chars.is_empty() {
        return None;
    }
    let exact = hex_name(chars.iter());
    let mut candidates = vec![exact];
    if chars.contains(&VS16) {
        candidates.push(hex_name(chars.iter().filter(|c| **c != VS16)));
    }
    if chars.contains(&ZWJ) {
        // Twemoji names ZWJ sequences fully qualified: U+FE0F after each text-style part.
        let mut qualified = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            qualified.push(*c);
            let next = chars.get(i + 1);
            if *c != ZWJ && next != Some(&VS16) && text_default(*c) {
                qualified.push(VS16);
            }
        }
        candidates.push(hex_name(qualified.iter()));
    }
    candidates.iter().find_map(|name| TWEMOJI.binary_search(&name.as_str()).ok().map(|i| TWEMOJI[i]))
}

/// A Twemoji file name: the code points in lowercase hex, joined by `-`.
fn hex_name<'a>(chars: impl Iterator<Item = &'a char>) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut name = String::with_capacity(32);
    for c in chars {
        if !name.is_empty() {
            name.push('-');
        }
        let code = u32::from(*c);
        let digits = (32 - code.leading_zeros()).div_ceil(4).max(1);
        for i in (0..digits).rev() {
            name.push(char::from(DIGITS[((code >> (4 * i)) & 15) as usize]));
        }
    }
    name
}

/// Whether a grapheme starting with `c` (or holding it) may be drawn as a colour emoji: a
/// cheap upper bound for counting, true for far fewer characters than [`lookup`] is asked.
pub fn may_start_emoji(c: char) -> bool {
    !plainly_text(c) && (u32::from(c) >= 0x1F000 || c == VS16 || default_emoji_presentation(c))
}

/// Characters below the emoji blocks and Hangul syllables: most text, never an emoji, so
/// no table is consulted for them.
fn plainly_text(c: char) -> bool {
    u32::from(c) < 0x2000 || ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Characters that ZWJ sequences qualify with U+FE0F: text-style by default (the BMP symbols
/// used in sequences, and the few such characters above U+1F000 that sequences use).
fn text_default(c: char) -> bool {
    let code = u32::from(c);
    (code < 0x1F000 && c != VS16 && !default_emoji_presentation(c))
        || matches!(code, 0x1F3CB..=0x1F3CC | 0x1F3F3 | 0x1F441 | 0x1F575 | 0x1F5E8)
}

/// BMP characters whose default presentation is emoji (Unicode emoji-data, Emoji_Presentation).
fn default_emoji_presentation(c: char) -> bool {
    matches!(u32::from(c),
        0x231A..=0x231B | 0x23E9..=0x23EC | 0x23F0 | 0x23F3 | 0x25FD..=0x25FE | 0x2614..=0x2615
        | 0x2648..=0x2653 | 0x267F | 0x2693 | 0x26A1 | 0x26AA..=0x26AB | 0x26BD..=0x26BE
        | 0x26C4..=0x26C5 | 0x26CE | 0x26D4 | 0x26EA | 0x26F2..=0x26F3 | 0x26F5 | 0x26FA | 0x26FD
        | 0x2705 | 0x270A..=0x270B | 0x2728 | 0x274C | 0x274E | 0x2753..=0x2755 | 0x2757
        | 0x2795..=0x2797 | 0x27B0 | 0x27BF | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55)
}

thread_local! {
    static DRAWINGS: RefCell<BTreeMap<&'static str, Option<Rc<Drawing>>>> = const { RefCell::new(BTreeMap::new()) };
}

/// The emoji's drawing, unpacked once per thread; `None` if its SVG could not be read.
pub fn drawing(name: &'static str) -> Option<Rc<Drawing>> {
    DRAWINGS.with(|cache| {
        cache
            .borrow_mut()
            .entry(name)
            .or_insert_with(|| {
                let i = TWEMOJI.binary_search(&name).ok()?;
                pack::decode(PACK, i).map(Rc::new)
            })
            .clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_code_points_in_lowercase_hex() {
        let chars = ['\0', '\u{9}', 'A', '\u{FE0F}', '\u{200D}', '\u{1F34C}', '\u{10FFFF}'];
        let expected: Vec<String> = chars.iter().map(|c| format!("{:x}", u32::from(*c))).collect();
        assert_eq!(hex_name(chars.iter()), expected.join("-"));
        assert_eq!(hex_name([].iter()), "");
    }

    #[test]
    fn finds_plain_emoji_with_and_without_variation_selector() {
        assert_eq!(lookup("📦"), Some("1f4e6"));
        assert_eq!(lookup("🗺️"), Some("1f5fa"), "FE0F dropped outside ZWJ sequences");
        assert_eq!(lookup("🗺"), Some("1f5fa"));
        assert_eq!(lookup("⚡"), Some("26a1"), "BMP emoji-presentation character");
    }

    #[test]
    fn finds_zwj_skin_tone_keycap_and_flag_sequences() {
        assert_eq!(lookup("👩‍💻"), Some("1f469-200d-1f4bb"));
        assert_eq!(lookup("🏳️‍🌈"), Some("1f3f3-fe0f-200d-1f308"));
        assert_eq!(lookup("🏳‍🌈"), Some("1f3f3-fe0f-200d-1f308"), "ZWJ sequence missing its FE0F");
        assert_eq!(lookup("👍🏽"), Some("1f44d-1f3fd"));
        assert_eq!(lookup("#️⃣"), Some("23-20e3"));
        assert_eq!(lookup("🇰🇷"), Some("1f1f0-1f1f7"));
        assert_eq!(lookup("🏃🏻‍♀️"), Some("1f3c3-1f3fb-200d-2640-fe0f"));
    }

    #[test]
    fn the_index_is_sorted_for_binary_search() {
        assert!(TWEMOJI.windows(2).all(|w| w[0] < w[1]));
        assert!(TWEMOJI.len() > 3000);
        assert_eq!(
            pack::count(PACK),
            TWEMOJI.len(),
            "the pack is stale: cargo run --release --example twemoji_pack"
        );
    }

    #[test]
    fn text_symbols_stay_text() {
        assert_eq!(lookup("©"), None);
        assert_eq!(lookup("↔"), None);
        assert_eq!(lookup("→"), None);
        assert_eq!(lookup("가"), None);
        assert_eq!(lookup("A"), None);
        assert_eq!(lookup("↔️"), Some("2194"), "with FE0F it is asked for as emoji");
    }

    #[test]
    fn drawings_are_plain_filled_paths_in_a_36_unit_box() {
        let d = drawing("1f34c").expect("banana parses");
        assert_eq!((d.width, d.height), (36.0, 36.0));
        assert!(!d.paths.is_empty());
        assert!(d.paths.iter().all(|p| p.fill.is_some()));
    }
}
