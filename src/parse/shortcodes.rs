//! Emoji shortcodes (`:rocket:` → 🚀) as GitHub writes them: only the names in GitHub's list
//! (`shortcode_table.rs`, generated from gemoji), case-sensitive; anything else stays text.
//! Code spans and blocks never reach this: only the text of paragraphs, headings and cells.

use std::borrow::Cow;

mod table {
    include!("shortcode_table.rs");
}

/// The emoji a shortcode name (without colons) stands for.
pub(crate) fn emoji(name: &str) -> Option<&'static str> {
    let table = table::SHORTCODES;
    table.binary_search_by(|(k, _)| (*k).cmp(name)).ok().map(|i| table[i].1)
}

/// The longest name in the table, so a colon far from the next one costs nothing.
const MAX_NAME: usize = 40;

/// `text` with every known `:name:` replaced by its emoji. An unknown `:name:` stays, and its
/// closing colon may open the next one (`:x:rocket:` → `:x🚀`), as on GitHub.
pub(crate) fn replace(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b':') {
        let open = i + offset;
        let name_len = bytes[open + 1..]
            .iter()
            .take(MAX_NAME + 1)
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'))
            .count();
        let close = open + 1 + name_len;
        if name_len == 0 || name_len > MAX_NAME || bytes.get(close) != Some(&b':') {
            i = if name_len > 0 && bytes.get(close) == Some(&b':') { close } else { open + 1 };
            continue;
        }
        match emoji(&text[open + 1..close]) {
            Some(emoji) => {
                out.push_str(&text[copied..open]);
                out.push_str(emoji);
                copied = close + 1;
                i = close + 1;
            }
            None => i = close,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_holds_githubs_names() {
        assert!(table::SHORTCODES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(table::SHORTCODES.len() > 1800);
        assert!(table::SHORTCODES.iter().all(|(k, _)| k.len() <= MAX_NAME));
        assert_eq!(emoji("rocket"), Some("🚀"));
        assert_eq!(emoji("white_check_mark"), Some("✅"));
        assert_eq!(emoji("+1"), Some("👍"));
        assert_eq!(emoji("Rocket"), None);
    }

    #[test]
    fn known_codes_become_emoji_and_the_rest_stays() {
        assert_eq!(replace("출시 :rocket: 완료 :white_check_mark:"), "출시 🚀 완료 ✅");
        assert_eq!(replace(":warning::tada:"), "⚠️🎉");
        assert_eq!(replace(":not_a_code: and :ROCKET:"), ":not_a_code: and :ROCKET:");
        assert_eq!(replace(":x:rocket:"), "❌rocket:");
        assert_eq!(replace(":nope:rocket:"), ":nope🚀");
        assert_eq!(replace("10:30 a: b :: :"), "10:30 a: b :: :");
        assert_eq!(replace(":thumbsup: :+1: :-1:"), "👍 👍 👎");
        assert!(matches!(replace("no codes here: 한글"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_runs_of_colons_and_names_are_linear() {
        let text = format!("{}{}", ":".repeat(200_000), ":zz".repeat(200_000));
        let start = std::time::Instant::now();
        assert_eq!(replace(&text), text);
        assert!(start.elapsed().as_secs() < 5);
    }
}
