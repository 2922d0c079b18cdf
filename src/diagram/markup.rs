//! Label markup: what a diagram label says and how it looks. The parser leaves every label
//! as text with entities decoded and `<br>` as a line break; two things in it are markup:
//!
//! - a markdown string — the whole label in backticks, ``"`This **is** _Markdown_`"`` — sets
//!   `**bold**` in the bold face and `*italic*` / `_italic_` as the sheet sets emphasis (in
//!   the accent colour: the hand-written fonts have no italics); its line breaks are kept;
//! - a Font Awesome reference, `fa:fa-twitter` (prefixes `fa`, `fab`, `fak`, `fal`, `far`,
//!   `fas`, as mermaid matches them), is drawn as that icon.

use crate::icons;

/// A piece of a label in one look.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The text; icons are private-use characters (see [`crate::icons`]).
    pub text: String,
    pub bold: bool,
    pub emphasis: bool,
}

/// Whether a label is a markdown string.
pub fn is_markdown(label: &str) -> bool {
    label.len() >= 2 && label.starts_with('`') && label.ends_with('`')
}

/// The label as runs to set.
pub fn runs(label: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut push = |text: &str, bold: bool, emphasis: bool| {
        let text = with_icons(text);
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.bold == bold && last.emphasis == emphasis => last.text.push_str(&text),
            _ => out.push(Run { text, bold, emphasis }),
        }
    };
    if !is_markdown(label) {
        push(label, false, false);
        return out;
    }
    let body = &label[1..label.len() - 1];
    for (i, line) in body.split('\n').enumerate() {
        if i > 0 {
            push("\n", false, false);
        }
        markdown_line(line.trim(), &mut push);
    }
    out
}

/// One line of a markdown string: its text with bold and emphasis.
fn markdown_line(line: &str, push: &mut impl FnMut(&str, bool, bool)) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let (mut bold, mut emphasis) = (0usize, 0usize);
    for event in Parser::new(line) {
        match event {
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => emphasis += 1,
            Event::End(TagEnd::Emphasis) => emphasis = emphasis.saturating_sub(1),
            Event::Text(text) | Event::Code(text) | Event::InlineHtml(text) | Event::Html(text) => {
                push(&text, bold > 0, emphasis > 0)
            }
            Event::SoftBreak | Event::HardBreak => push(" ", bold > 0, emphasis > 0),
            _ => {}
        }
    }
}

/// The label as plain text, for a reader: no markdown marks, icons by their names
/// (`fa:fa-twitter for peace` → `twitter for peace`).
pub fn plain(label: &str) -> String {
    let mut out = String::new();
    for run in runs(label) {
        for c in run.text.chars() {
            match icons::lookup(c.encode_utf8(&mut [0; 4])) {
                Some(name) => out.push_str(name.rsplit('/').next().unwrap_or(name)),
                None => out.push(c),
            }
        }
    }
    out
}

/// The icon references a label holds, as written (`fa:fa-twitter`).
pub fn icon_refs(label: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((start, end)) = next_icon(label, at) {
        out.push(&label[start..end]);
        at = end;
    }
    out
}

/// `text` with its icon references turned into icon characters.
fn with_icons(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some((start, end)) = next_icon(text, at) {
        out.push_str(&text[at..start]);
        out.push(icons::char_for(&text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The next `(fa[bklrs]?):fa-([\w-]+)` at or after byte `from`: its start and end.
fn next_icon(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut search = from;
    while let Some(found) = text[search..].find(":fa-") {
        let colon = search + found;
        let head = &text[..colon];
        let prefix_len = ["fab", "fak", "fal", "far", "fas", "fa"]
            .iter()
            .find(|p| head.ends_with(**p) && colon - p.len() >= from)
            .map(|p| p.len());
        let name_start = colon + ":fa-".len();
        let name_len = text[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(text.len() - name_start);
        match prefix_len {
            Some(len) if name_len > 0 => return Some((colon - len, name_start + name_len)),
            _ => search = colon + 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(label: &str) -> Vec<(String, bool, bool)> {
        runs(label).into_iter().map(|r| (r.text, r.bold, r.emphasis)).collect()
    }

    fn run(text: &str, bold: bool, emphasis: bool) -> (String, bool, bool) {
        (text.to_string(), bold, emphasis)
    }

    #[test]
    fn markdown_strings_set_bold_emphasis_and_line_breaks() {
        assert_eq!(
            look("`This **is** _Markdown_`"),
            [
                run("This ", false, false),
                run("is", true, false),
                run(" ", false, false),
                run("Markdown", false, true)
            ]
        );
        assert_eq!(look("`Line1\nLine 2`"), [run("Line1\nLine 2", false, false)]);
        assert_eq!(look("`snake_case and 2 * 3`"), [run("snake_case and 2 * 3", false, false)]);
        assert_eq!(look("`**Root** with\na second line`")[0], run("Root", true, false));
    }

    #[test]
    fn plain_labels_keep_their_marks() {
        assert_eq!(look("a **b** _c_"), [run("a **b** _c_", false, false)]);
        assert_eq!(look("`"), [run("`", false, false)]);
        assert!(runs("").is_empty());
    }

    #[test]
    fn icons_in_plain_labels_and_markdown_strings() {
        let twitter = icons::char_for("fa:fa-twitter");
        assert_eq!(look("fa:fa-twitter for peace"), [run(&format!("{twitter} for peace"), false, false)]);
        assert_eq!(look("`**fa:fa-twitter**`"), [run(&twitter.to_string(), true, false)]);
        assert_eq!(
            icon_refs("A fa:fa-camera-retro perhaps? fab:fa-truck-bold"),
            ["fa:fa-camera-retro", "fab:fa-truck-bold"]
        );
        assert!(icon_refs("sofa: fa-x, fa:fab-x, fa:fa-").is_empty());
        assert_eq!(plain("fa:fa-twitter for peace"), "twitter for peace");
        assert_eq!(plain("`The **cat**\nin the hat`"), "The cat\nin the hat");
    }
}
