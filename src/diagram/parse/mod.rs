//! Mermaid parsing: the header picks the diagram type, a small parser per type builds the
//! model. Errors carry the diagram line and column and say what was expected.

pub mod entities;
mod flowchart;
mod mindmap;
pub mod node_data;
mod pie;
pub mod shape_names;
mod xychart;

use super::model::Model;
use crate::frame::Color;

/// The diagram types Hanji draws, as named in the error for any other type.
pub const SUPPORTED: &str = "flowchart (or graph), mindmap, pie, xychart-beta";

/// A parse error at a 0-based diagram line and a 1-based column (in characters).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub type PResult<T> = std::result::Result<T, ParseError>;

/// A finding that does not stop the diagram (an undefined class, say).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub line: usize,
    pub message: String,
}

/// Parses a mermaid block. Notes go to `notes`.
pub fn parse(source: &str, notes: &mut Vec<Note>) -> PResult<Model> {
    let lines = source_lines(source);
    let Some(header) = lines.first() else {
        return Err(ParseError {
            line: 0,
            column: 1,
            message: format!("the diagram is empty: start it with a diagram type ({SUPPORTED})"),
        });
    };
    let mut s = Scanner::new(&header.text, header.index);
    s.skip_ws();
    let column = s.column();
    let keyword: String = s.take_while(|c| !c.is_whitespace() && c != ';');
    let rest = &lines[1..];
    let model = match keyword.as_str() {
        "flowchart" | "graph" | "flowchart-elk" => {
            flowchart::parse(&mut s, rest, notes).map(Model::Flowchart)
        }
        "mindmap" => mindmap::parse(&mut s, rest).map(Model::Mindmap),
        "pie" => pie::parse(&mut s, rest).map(Model::Pie),
        "xychart-beta" | "xychart" => xychart::parse(&mut s, rest).map(Model::XyChart),
        other => Err(ParseError {
            line: header.index,
            column,
            message: format!("`{other}` diagrams are not supported: use one of {SUPPORTED}"),
        }),
    }?;
    unknown_icons(&model, notes);
    Ok(model)
}

/// A note for every icon a label names that the icon set does not have (a placeholder is
/// drawn for it).
fn unknown_icons(model: &Model, notes: &mut Vec<Note>) {
    let mut labels: Vec<(&str, usize)> = Vec::new();
    match model {
        Model::Flowchart(chart) => {
            labels.extend(chart.nodes.iter().map(|n| (n.label.as_str(), n.line)));
            labels.extend(chart.edges.iter().filter_map(|e| Some((e.label.as_deref()?, e.line))));
            labels.extend(chart.subgraphs.iter().map(|g| (g.title.as_str(), g.line)));
        }
        Model::Mindmap(map) => {
            let mut stack = vec![&map.root];
            while let Some(node) = stack.pop() {
                labels.push((&node.label, node.line));
                stack.extend(node.children.iter().rev());
            }
        }
        Model::Pie(_) | Model::XyChart(_) => {}
    }
    for (label, line) in labels {
        for reference in super::markup::icon_refs(label) {
            let message = crate::icons::unknown_message(reference);
            let known = crate::icons::exists(reference);
            if !known && !notes.iter().any(|n| n.line == line && n.message == message) {
                notes.push(Note { line, message });
            }
        }
    }
}

/// One diagram line with its 0-based index; comments and blank lines are dropped. A line
/// whose quoted text or `@{ … }` data runs on is joined with the lines up to its end (with
/// `\n` between them), as mermaid reads a multi-line markdown string or node data.
#[derive(Debug, Clone)]
pub struct SrcLine<'a> {
    pub index: usize,
    pub text: std::borrow::Cow<'a, str>,
}

/// How far a joined line may run on: a quote left open by mistake should not swallow the
/// rest of a long diagram.
const MAX_JOINED_LINES: usize = 64;

/// The meaningful lines: no blank lines, no `%%` comments, no mermaid front matter
/// (`---` … `---`) and no `%%{init}%%` directives.
fn source_lines(source: &str) -> Vec<SrcLine<'_>> {
    let raw: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    let mut in_front_matter = false;
    let mut index = 0;
    while index < raw.len() {
        let text = raw[index];
        let trimmed = text.trim();
        if out.is_empty() && trimmed == "---" {
            in_front_matter = !in_front_matter;
            index += 1;
            continue;
        }
        if in_front_matter || trimmed.is_empty() || trimmed.starts_with("%%") {
            index += 1;
            continue;
        }
        let run_on = if open_at_end(text) { closing_line(&raw, index) } else { None };
        match run_on {
            Some(last) => {
                let joined = raw[index..=last].join("\n");
                out.push(SrcLine { index, text: strip_comment(&joined).to_string().into() });
                index = last + 1;
            }
            None => {
                out.push(SrcLine { index, text: strip_comment(text).into() });
                index += 1;
            }
        }
    }
    out
}

/// Whether a line leaves a `"` or an `@{` open.
fn open_at_end(text: &str) -> bool {
    let (quoted, braces) = scan_open(text);
    quoted || braces > 0
}

/// The quote state and the depth of `@{` data at the end of `text`.
fn scan_open(text: &str) -> (bool, usize) {
    let mut quoted = false;
    let mut braces = 0usize;
    let mut prev = ' ';
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' if !quoted && prev == '@' => braces += 1,
            '}' if !quoted && braces > 0 => braces -= 1,
            _ => {}
        }
        prev = c;
    }
    (quoted, braces)
}

/// The line at which the text open at the end of line `first` closes, if it does within
/// [`MAX_JOINED_LINES`].
fn closing_line(raw: &[&str], first: usize) -> Option<usize> {
    let mut joined = raw[first].to_string();
    for (offset, next) in raw.iter().enumerate().skip(first + 1).take(MAX_JOINED_LINES) {
        joined.push('\n');
        joined.push_str(next);
        if !open_at_end(&joined) {
            return Some(offset);
        }
    }
    None
}

/// Cuts a trailing `%%` comment that is not inside quotes.
fn strip_comment(text: &str) -> &str {
    let mut quoted = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'%' if !quoted && bytes.get(i + 1) == Some(&b'%') => return text[..i].trim_end(),
            _ => {}
        }
    }
    text
}

/// A cursor over one line, counting columns in characters.
pub struct Scanner<'a> {
    chars: Vec<char>,
    pos: usize,
    pub line: usize,
    text: &'a str,
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str, line: usize) -> Scanner<'a> {
        Scanner { chars: text.chars().collect(), pos: 0, line, text }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The column (1-based, in characters) on the current line.
    pub fn column(&self) -> usize {
        self.current_column()
    }

    /// The 0-based diagram line the scanner is on (a joined line spans several).
    pub fn current_line(&self) -> usize {
        let end = self.pos.min(self.chars.len());
        self.line + self.chars[..end].iter().filter(|&&c| c == '\n').count()
    }

    /// The 1-based column on the current line.
    pub fn current_column(&self) -> usize {
        let end = self.pos.min(self.chars.len());
        let start = self.chars[..end].iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1);
        end - start + 1
    }

    pub fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    pub fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    pub fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    pub fn starts_with(&self, s: &str) -> bool {
        (self.pos..).zip(s.chars()).all(|(i, c)| self.chars.get(i) == Some(&c))
    }

    pub fn eat(&mut self, s: &str) -> bool {
        if self.starts_with(s) {
            self.pos += s.chars().count();
            true
        } else {
            false
        }
    }

    pub fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    pub fn take_while(&mut self, f: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek().filter(|&c| f(c)) {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// The rest of the line, trimmed.
    pub fn rest(&mut self) -> String {
        let rest: String = self.chars[self.pos.min(self.chars.len())..].iter().collect();
        self.pos = self.chars.len();
        rest.trim().to_string()
    }

    /// A keyword: ASCII letters and `-`, ending at whitespace, the end or `;`. Does not move
    /// unless the word matches.
    pub fn eat_keyword(&mut self, word: &str) -> bool {
        if !self.starts_with(word) {
            return false;
        }
        let after = self.peek_at(word.chars().count());
        if after.is_none_or(|c| c.is_whitespace() || c == ';') {
            self.pos += word.chars().count();
            true
        } else {
            false
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError { line: self.current_line(), column: self.column(), message: message.into() }
    }

    /// An error at `column` of the current line.
    pub fn error_at(&self, column: usize, message: impl Into<String>) -> ParseError {
        ParseError { line: self.current_line(), column, message: message.into() }
    }

    /// An error at a position noted earlier (`current_line`, `current_column`).
    pub fn error_at_line(&self, line: usize, column: usize, message: impl Into<String>) -> ParseError {
        ParseError { line, column, message: message.into() }
    }

    /// A `"…"` string; the scanner is on the opening quote.
    pub fn quoted(&mut self) -> PResult<String> {
        let open = self.column();
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(out),
                Some(c) => out.push(c),
                None => {
                    return Err(self.error(format!("expected `\"` to close the text opened at column {open}")))
                }
            }
        }
    }

    /// A number such as `42`, `-3.5` or `1e3`.
    /// A chart value or axis end: a number of at most [`limits::MAX_CHART_VALUE`] in size.
    pub fn chart_number(&mut self, what: &str) -> PResult<f64> {
        let at = self.column();
        let value = self.number().ok_or_else(|| self.error(format!("expected {what}")))?;
        if value.abs() > crate::limits::MAX_CHART_VALUE {
            return Err(self.error_at(
                at,
                format!(
                    "{value} is larger than the limit of {:e} for chart values: use a larger unit (thousands, millions)",
                    crate::limits::MAX_CHART_VALUE
                ),
            ));
        }
        Ok(value)
    }

    pub fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        let text: String =
            self.take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.pos = start;
                None
            }
        }
    }
}

/// Label text as written, as label markup (see `diagram::markup`): `<br>` becomes a line
/// break, entity codes (`#quot;`, `#9829;`) are decoded, lines are trimmed; a markdown string
/// keeps its backticks so the markup knows it.
pub fn clean_label(raw: &str) -> String {
    let text = raw.trim();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let lower: String = tail.chars().take(6).collect::<String>().to_ascii_lowercase();
        let br = ["<br/>", "<br />", "<br>"].iter().find(|b| lower.starts_with(**b));
        match br {
            Some(b) => {
                out.push('\n');
                rest = &tail[b.len()..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    // Decoded last, as mermaid does: `#lt;br#gt;` is text, not a break.
    let out = entities::decode(&out);
    out.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

/// Parses a CSS colour: `#rgb`, `#rrggbb`, `#rrggbbaa` (alpha dropped), `rgb(r,g,b)` or a
/// common colour name.
pub fn css_color(text: &str) -> Option<Color> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(hex) = t.strip_prefix('#') {
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let expanded: String = match hex.len() {
            3 | 4 => hex.chars().take(3).flat_map(|c| [c, c]).collect(),
            6 | 8 => hex[..6].to_string(),
            _ => return None,
        };
        return Color::from_hex(&format!("#{expanded}"));
    }
    if let Some(inner) = t.strip_prefix("rgb(").or_else(|| t.strip_prefix("rgba(")) {
        let parts: Vec<f32> =
            inner.trim_end_matches(')').split(',').take(3).filter_map(|p| p.trim().parse().ok()).collect();
        if parts.len() == 3 {
            return Some(Color { r: parts[0] / 255.0, g: parts[1] / 255.0, b: parts[2] / 255.0 });
        }
        return None;
    }
    let hex = match t.as_str() {
        "black" => "#000000",
        "white" => "#ffffff",
        "red" => "#ff0000",
        "green" => "#008000",
        "lime" => "#00ff00",
        "blue" => "#0000ff",
        "yellow" => "#ffff00",
        "orange" => "#ffa500",
        "purple" => "#800080",
        "pink" => "#ffc0cb",
        "gray" | "grey" => "#808080",
        "lightgray" | "lightgrey" => "#d3d3d3",
        "darkgray" | "darkgrey" => "#a9a9a9",
        "teal" => "#008080",
        "navy" => "#000080",
        "maroon" => "#800000",
        "olive" => "#808000",
        "cyan" | "aqua" => "#00ffff",
        "magenta" | "fuchsia" => "#ff00ff",
        "brown" => "#a52a2a",
        "gold" => "#ffd700",
        "lightblue" => "#add8e6",
        "lightgreen" => "#90ee90",
        "lightyellow" => "#ffffe0",
        "lavender" => "#e6e6fa",
        "beige" => "#f5f5dc",
        "coral" => "#ff7f50",
        "salmon" => "#fa8072",
        "skyblue" => "#87ceeb",
        "transparent" | "none" => return None,
        _ => return None,
    };
    Color::from_hex(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(source: &str) -> ParseError {
        parse(source, &mut Vec::new()).unwrap_err()
    }

    #[test]
    fn unsupported_types_name_the_type_and_the_supported_ones() {
        let e = err("%% a comment\n\nsequenceDiagram\n  A->>B: hi");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("`sequenceDiagram`"), "{}", e.message);
        for name in ["flowchart", "mindmap", "pie", "xychart-beta"] {
            assert!(e.message.contains(name), "{}", e.message);
        }
        let empty = err("  \n%% only a comment\n");
        assert!(empty.message.contains("empty"), "{}", empty.message);
    }

    #[test]
    fn front_matter_and_comments_are_skipped() {
        let model =
            parse("---\ntitle: x\n---\n%%{init: {}}%%\npie %% trailing\n  \"a\" : 1", &mut Vec::new());
        assert!(matches!(model, Ok(Model::Pie(_))), "{model:?}");
    }

    #[test]
    fn quoted_text_and_node_data_run_on_over_lines() {
        let lines = source_lines(
            "flowchart\n A[\"a\n b\"] --> B\n C@{\n  shape: doc\n }\n D[\"never closed]\n E %% note",
        );
        let got: Vec<(usize, &str)> = lines.iter().map(|l| (l.index, l.text.as_ref())).collect();
        assert_eq!(
            got,
            [
                (0, "flowchart"),
                (1, " A[\"a\n b\"] --> B"),
                (3, " C@{\n  shape: doc\n }"),
                (6, " D[\"never closed]"),
                (7, " E"),
            ]
        );
        let e = parse("flowchart\n A[\"open\n B", &mut Vec::new()).unwrap_err();
        assert_eq!(e.line, 1, "an unclosed quote is reported where it opens: {}", e.message);
        let mut s = Scanner::new("ab\ncd", 4);
        s.eat("ab\nc");
        assert_eq!((s.current_line(), s.current_column()), (5, 2));
    }

    #[test]
    fn colours_with_non_ascii_are_not_colours() {
        assert_eq!(css_color("#abcde€"), None);
        assert_eq!(css_color("#ab€"), None);
        assert_eq!(css_color("#f00"), Color::from_hex("#ff0000"));
        assert_eq!(css_color("#11223344"), Color::from_hex("#112233"));
    }

    #[test]
    fn chart_numbers_are_bounded() {
        let mut s = Scanner::new("1e16", 1);
        assert!(s.chart_number("x").unwrap_err().message.contains("limit"));
        let mut s = Scanner::new("-3.5", 1);
        assert_eq!(s.chart_number("x").unwrap(), -3.5);
    }

    #[test]
    fn labels_turn_br_into_line_breaks_and_decode_entities() {
        assert_eq!(clean_label(" 어시스턴트<br>ChatGPT "), "어시스턴트\nChatGPT");
        assert_eq!(clean_label("a<BR/>b<br />c"), "a\nb\nc");
        assert_eq!(clean_label("`md string`"), "`md string`", "markdown strings keep their backticks");
        assert_eq!(clean_label("`Line1\n    Line 2`"), "`Line1\nLine 2`");
        assert_eq!(clean_label("x #lt; y"), "x < y");
        assert_eq!(clean_label("#lt;br#gt;"), "<br>", "entities are decoded after line breaks");
        assert_eq!(clean_label("A dec char:#9829;"), "A dec char:♥");
        assert_eq!(clean_label("a < b"), "a < b");
    }

    #[test]
    fn colours_in_css_forms() {
        assert_eq!(css_color("#fff"), Color::from_hex("#ffffff"));
        assert_eq!(css_color("#FDE2E4"), Color::from_hex("#fde2e4"));
        assert_eq!(css_color("#11223344"), Color::from_hex("#112233"));
        assert_eq!(css_color("rgb(255, 0, 0)"), Some(Color { r: 1.0, g: 0.0, b: 0.0 }));
        assert_eq!(css_color("Red"), Color::from_hex("#ff0000"));
        assert_eq!(css_color("#12"), None);
        assert_eq!(css_color("octarine"), None);
    }
}
