//! Section ids from heading text, so `## 📦 BASE MODEL이란?` can be placed as `base-model이란`.

use unicode_segmentation::UnicodeSegmentation;

/// Lowercased letters and digits (any script), spaces and `-` as single `-`, everything else
/// (emoji, punctuation) dropped, no `-` at either end.
///
/// Works per grapheme cluster so that combining vowel signs stay with their letter while emoji
/// such as the keycap `1️⃣` lose their selectors and joiners.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for grapheme in text.graphemes(true) {
        let mut chars = grapheme.chars();
        let Some(first) = chars.next() else { continue };
        if first.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(first.to_lowercase());
            for c in chars.filter(|&c| !is_emoji_part(c)) {
                out.extend(c.to_lowercase());
            }
        } else if first.is_whitespace() || first == '-' {
            dash = true;
        }
    }
    out
}

/// Characters that only shape an emoji: variation selectors, ZWJ, keycap, skin tones, tags.
fn is_emoji_part(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{200D}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn emoji_and_punctuation_are_dropped() {
        assert_eq!(slugify("📦 BASE MODEL이란?"), "base-model이란");
        assert_eq!(slugify("⚡ LLM TRAINING PIPELINE"), "llm-training-pipeline");
        assert_eq!(slugify("👩‍💻 Who codes?"), "who-codes");
    }

    #[test]
    fn dashes_collapse_and_trim() {
        assert_eq!(slugify("  a  --  b  "), "a-b");
        assert_eq!(slugify("Pre/Post - Training!"), "prepost-training");
        assert_eq!(slugify("--x--"), "x");
        assert_eq!(slugify("🍌🍌"), "");
    }

    #[test]
    fn letters_of_any_script_and_digits_stay() {
        assert_eq!(slugify("Ch. 9 · 한국어 Über"), "ch-9-한국어-über");
        assert_eq!(slugify("हिन्दी पाठ"), "हिन्दी-पाठ");
        assert_eq!(slugify("1️⃣ Step"), "1-step");
    }
}
