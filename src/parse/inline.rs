//! Inline pieces → `Inline` nodes: marks (`==…==`, `<mark>…</mark>`), merged text.
//!
//! pulldown-cmark knows neither highlighter syntax, so the Markdown reader hands over the
//! children of one element as pieces (text, finished inlines, `<mark>` tags) and this module
//! pairs the delimiters that sit at the same nesting level. It runs in linear time: frames are
//! positions in one output vector, so an unclosed delimiter costs nothing to give up.

use crate::model::Inline;

/// One child of an inline container, before marks are resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Inline(Inline),
    /// An inline `<mark …>` tag, with its source text for when it stays unclosed.
    MarkOpen(String),
    /// An inline `</mark>` tag.
    MarkClose(String),
    /// An image; only a paragraph's top level turns it into a block, elsewhere it is its alt text.
    Image {
        src: String,
        alt: String,
        line: usize,
    },
    /// `$$…$$`: at a paragraph's top level a block of its own, elsewhere inline.
    DisplayMath {
        tex: String,
        line: usize,
    },
}

/// What an inline HTML tag means to Hanji.
pub(crate) fn html_piece(html: &str) -> Option<Piece> {
    let tag = html.trim();
    if tag.starts_with("<!--") {
        // A comment is meant to be invisible.
        return None;
    }
    let name = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/').trim();
    let (closing, name) = match name.strip_prefix('/') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, name),
    };
    let word: String =
        name.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    Some(match (word.as_str(), closing) {
        ("br", _) => Piece::Inline(Inline::LineBreak),
        ("mark", false) => Piece::MarkOpen(html.to_string()),
        ("mark", true) => Piece::MarkClose(html.to_string()),
        _ => Piece::Inline(Inline::Text(html.to_string())),
    })
}

/// Splits raw HTML (an HTML block) into tags and text, each tag read like inline HTML.
pub(crate) fn html_pieces(html: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let tag_start = rest.find('<').unwrap_or(rest.len());
        if tag_start > 0 {
            pieces.push(Piece::Inline(Inline::Text(rest[..tag_start].to_string())));
            rest = &rest[tag_start..];
            continue;
        }
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else {
            rest.find('>').map(|i| i + 1)
        };
        let end = end.unwrap_or(rest.len());
        if let Some(piece) = html_piece(&rest[..end]) {
            pieces.push(piece);
        }
        rest = &rest[end..];
    }
    pieces
}

/// A token after text has been split at `==` runs.
enum Token {
    Inline(Inline),
    Delim { open: bool, close: bool },
    HtmlOpen(String),
    HtmlClose(String),
}

/// What kind of mark an open frame waits to close.
#[derive(PartialEq)]
enum FrameKind {
    Equals,
    Html,
}

/// Resolves marks among the pieces of one container and merges adjacent text.
pub(crate) fn resolve(pieces: Vec<Piece>) -> Vec<Inline> {
    let tokens = tokenize(pieces);
    // `out` holds the result; a frame is the index of its opener's placeholder text in `out`.
    let mut out: Vec<Inline> = Vec::with_capacity(tokens.len());
    let mut frames: Vec<(FrameKind, usize)> = Vec::new();
    let mut open_html = 0usize;
    for token in tokens {
        match token {
            Token::Inline(inline) => out.push(inline),
            Token::Delim { open, close } => {
                if close && matches!(frames.last(), Some((FrameKind::Equals, _))) {
                    if let Some((_, at)) = frames.pop() {
                        close_frame(&mut out, at);
                    }
                } else if open {
                    frames.push((FrameKind::Equals, out.len()));
                    out.push(Inline::Text("==".to_string()));
                } else {
                    out.push(Inline::Text("==".to_string()));
                }
            }
            Token::HtmlOpen(tag) => {
                open_html += 1;
                frames.push((FrameKind::Html, out.len()));
                out.push(Inline::Text(tag));
            }
            Token::HtmlClose(tag) => {
                if open_html == 0 {
                    out.push(Inline::Text(tag));
                    continue;
                }
                // Openers of `==` inside the `<mark>` that never closed stay literal text.
                while let Some((kind, at)) = frames.pop() {
                    if kind == FrameKind::Html {
                        open_html -= 1;
                        close_frame(&mut out, at);
                        break;
                    }
                }
            }
        }
    }
    merge_texts(out)
}

/// Replaces `out[at..]` (opener placeholder + contents) with one `Mark` of the contents.
fn close_frame(out: &mut Vec<Inline>, at: usize) {
    let children: Vec<Inline> = out.drain(at + 1..).collect();
    out.truncate(at);
    out.push(Inline::Mark(merge_texts(children)));
}

/// Merges runs of text pieces, turns their emoji shortcodes into emoji (only whole runs
/// hold a whole `:name:`: the parser splits text at `_`) and splits them at `==` delimiters.
///
/// A `==` opens when the next character is not whitespace and closes when the previous one is
/// not; a neighbouring element (e.g. `**bold**`) counts as non-whitespace. Runs of one or three
/// and more `=` stay text (`a === b`).
fn tokenize(pieces: Vec<Piece>) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(pieces.len());
    let mut text = String::new();
    // Whether the element before the pending text is a non-whitespace neighbour.
    let mut solid_before = false;
    for piece in pieces {
        let (token, solid) = match piece {
            Piece::Inline(Inline::Text(t)) => {
                text.push_str(&t);
                continue;
            }
            Piece::Inline(Inline::LineBreak) => (Token::Inline(Inline::LineBreak), false),
            Piece::Inline(inline) => (Token::Inline(inline), true),
            Piece::MarkOpen(tag) => (Token::HtmlOpen(tag), true),
            Piece::MarkClose(tag) => (Token::HtmlClose(tag), true),
            Piece::Image { alt, .. } => (Token::Inline(Inline::Text(alt)), true),
            Piece::DisplayMath { tex, .. } => (Token::Inline(Inline::Math(tex)), true),
        };
        split_text(&super::shortcodes::replace(&text), solid_before, solid, &mut tokens);
        text.clear();
        tokens.push(token);
        solid_before = solid;
    }
    split_text(&super::shortcodes::replace(&text), solid_before, false, &mut tokens);
    tokens
}

/// Pushes `text` as text and delimiter tokens; `solid_*` say what surrounds it.
fn split_text(text: &str, solid_before: bool, solid_after: bool, tokens: &mut Vec<Token>) {
    if text.is_empty() {
        return;
    }
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < bytes.len() && bytes[i] == b'=' {
            i += 1;
        }
        if i - run_start != 2 {
            continue;
        }
        let before = text[..run_start].chars().next_back();
        let after = text[i..].chars().next();
        let solid = |c: Option<char>, edge: bool| c.map_or(edge, |c| !c.is_whitespace());
        let close = solid(before, solid_before);
        let open = solid(after, solid_after);
        if run_start > start {
            tokens.push(Token::Inline(Inline::Text(text[start..run_start].to_string())));
        }
        tokens.push(Token::Delim { open, close });
        start = i;
    }
    if start < text.len() {
        tokens.push(Token::Inline(Inline::Text(text[start..].to_string())));
    }
}

/// Joins neighbouring `Text` nodes and drops empty ones.
pub(crate) fn merge_texts(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match (inline, out.last_mut()) {
            (Inline::Text(t), _) if t.is_empty() => {}
            (Inline::Text(t), Some(Inline::Text(last))) => last.push_str(&t),
            (inline, _) => out.push(inline),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Piece {
        Piece::Inline(Inline::Text(s.to_string()))
    }

    fn t(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    #[test]
    fn equals_mark_in_one_text() {
        assert_eq!(resolve(vec![text("a ==b c== d")]), vec![t("a "), Inline::Mark(vec![t("b c")]), t(" d")]);
    }

    #[test]
    fn equals_mark_spans_elements_and_split_texts() {
        let strong = Inline::Strong(vec![t("x")]);
        let pieces = vec![text("="), text("=a "), Piece::Inline(strong.clone()), text("==.")];
        assert_eq!(resolve(pieces), vec![Inline::Mark(vec![t("a "), strong]), t(".")]);
    }

    #[test]
    fn delimiters_need_solid_neighbours() {
        assert_eq!(resolve(vec![text("a == b == c")]), vec![t("a == b == c")]);
        assert_eq!(resolve(vec![text("a === b")]), vec![t("a === b")]);
        assert_eq!(resolve(vec![text("==open")]), vec![t("==open")]);
        assert_eq!(resolve(vec![text("====")]), vec![t("====")]);
    }

    #[test]
    fn html_mark_pairs_and_unclosed_stays_text() {
        let pieces =
            vec![text("a "), Piece::MarkOpen("<mark>".into()), text("b"), Piece::MarkClose("</mark>".into())];
        assert_eq!(resolve(pieces), vec![t("a "), Inline::Mark(vec![t("b")])]);
        let unclosed = vec![Piece::MarkOpen("<mark>".into()), text("b")];
        assert_eq!(resolve(unclosed), vec![t("<mark>b")]);
        let stray = vec![text("b"), Piece::MarkClose("</mark>".into())];
        assert_eq!(resolve(stray), vec![t("b</mark>")]);
    }

    #[test]
    fn unclosed_equals_inside_html_mark_stays_text() {
        let pieces = vec![Piece::MarkOpen("<mark>".into()), text("==x"), Piece::MarkClose("</mark>".into())];
        assert_eq!(resolve(pieces), vec![Inline::Mark(vec![t("==x")])]);
    }

    #[test]
    fn html_tags_are_classified() {
        assert_eq!(html_piece("<br>"), Some(Piece::Inline(Inline::LineBreak)));
        assert_eq!(html_piece("<BR />"), Some(Piece::Inline(Inline::LineBreak)));
        assert_eq!(html_piece("<br/>"), Some(Piece::Inline(Inline::LineBreak)));
        assert_eq!(html_piece("<mark class=\"x\">"), Some(Piece::MarkOpen("<mark class=\"x\">".into())));
        assert_eq!(html_piece("</mark>"), Some(Piece::MarkClose("</mark>".into())));
        assert_eq!(html_piece("<!-- note -->"), None);
        assert_eq!(html_piece("<span>"), Some(text("<span>")));
        assert_eq!(html_piece("<marker>"), Some(text("<marker>")));
    }

    #[test]
    fn html_block_is_split_into_pieces() {
        let pieces = html_pieces("a<br>b <!-- c --> <mark>d</mark>");
        assert_eq!(resolve(pieces), vec![t("a"), Inline::LineBreak, t("b  "), Inline::Mark(vec![t("d")])]);
    }

    #[test]
    fn many_unclosed_openers_are_linear() {
        let source = "==a ".repeat(200_000);
        let start = std::time::Instant::now();
        let out = resolve(vec![text(&source)]);
        assert_eq!(out, vec![t(&source)]);
        assert!(start.elapsed().as_secs() < 5);
    }
}
