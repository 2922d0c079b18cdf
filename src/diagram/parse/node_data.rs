//! The `@{ … }` data of a node or an edge (`A@{ shape: doc, label: "Report" }`): YAML, as
//! mermaid reads it — one line is a flow mapping, several lines a block mapping — after
//! mermaid's own step of turning a line break inside a quoted value into `<br/>`.

use super::{PResult, Scanner};

/// The keys mermaid reads from a node's data. Those Hanji has no use for (a kanban card's
/// `priority`, say) are accepted without a word; any other key is a warning.
pub const NODE_KEYS: &[&str] = &[
    "shape",
    "label",
    "icon",
    "form",
    "pos",
    "img",
    "w",
    "h",
    "constraint",
    "labelType",
    "priority",
    "assigned",
    "ticket",
];

/// The keys of an edge's data (`e1@{ animate: true }`): animation and curve styles, which a
/// printed page does not show.
pub const EDGE_KEYS: &[&str] = &["animate", "animation", "curve"];

/// Reads `@{ … }` (the scanner is on `@`) into its keys and values, in order; values are
/// strings (numbers and booleans as written).
pub fn read(s: &mut Scanner) -> PResult<Vec<(String, String)>> {
    let open = s.column();
    let (line, column) = (s.current_line(), s.current_column());
    s.eat("@{");
    let mut content = String::new();
    let mut quote: Option<char> = None;
    loop {
        let Some(c) = s.bump() else {
            return Err(s.error_at_line(
                line,
                column,
                format!("expected `}}` to close the node data opened at column {open}"),
            ));
        };
        match (quote, c) {
            (None, '}') => break,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\n') => {
                // Mermaid: a line break and the indent after it, inside a quoted value, is
                // a `<br/>`.
                content.push_str("<br/>");
                while s.peek().is_some_and(|c| c.is_whitespace() && c != '\n') {
                    s.bump();
                }
                continue;
            }
            _ => {}
        }
        content.push(c);
    }
    let yaml = if content.contains('\n') { format!("{content}\n") } else { format!("{{{content}}}") };
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).map_err(|e| {
        let message = e.to_string();
        let first = message.lines().next().unwrap_or("not YAML");
        let shown: String = content.trim().chars().take(60).collect();
        let cut = if content.trim().chars().count() > 60 { "…" } else { "" };
        s.error_at_line(
            line,
            column,
            format!("the node data `@{{{shown}{cut}}}` is not valid: {first}; write `key: value` pairs separated by commas, e.g. `@{{ shape: doc, label: \"Report\" }}`"),
        )
    })?;
    let mapping = match value {
        serde_yaml_ng::Value::Mapping(m) => m,
        serde_yaml_ng::Value::Null => return Ok(Vec::new()),
        _ => {
            return Err(s.error_at_line(
                line,
                column,
                "expected `key: value` pairs in `@{ … }`, e.g. `@{ shape: doc, label: \"Report\" }`",
            ))
        }
    };
    let mut pairs = Vec::with_capacity(mapping.len());
    for (key, value) in mapping {
        let (Some(key), Some(value)) = (scalar(&key), scalar(&value)) else {
            return Err(s.error_at_line(
                line,
                column,
                "the node data holds a list or a nested mapping: give each key one value, e.g. `label: \"Report\"`",
            ));
        };
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// A scalar as text; `None` for lists and mappings.
fn scalar(value: &serde_yaml_ng::Value) -> Option<String> {
    match value {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        serde_yaml_ng::Value::Null => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        let mut s = Scanner::new(text, 0);
        read(&mut s).unwrap_or_else(|e| panic!("{text}: {}", e.message))
    }

    fn strings(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn one_line_and_several() {
        assert_eq!(
            pairs("@{ shape: manual-file, label: \"File Handling\"}"),
            strings(&[("shape", "manual-file"), ("label", "File Handling")])
        );
        assert_eq!(
            pairs("@{\n  shape: doc\n  label: 'A, B'\n  h: 60\n}"),
            strings(&[("shape", "doc"), ("label", "A, B"), ("h", "60")])
        );
        assert_eq!(pairs("@{}"), Vec::new());
    }

    #[test]
    fn a_line_break_in_a_quoted_value_is_a_br() {
        assert_eq!(
            pairs("@{ label: \"one\n     two\" }"),
            strings(&[("label", "one<br/>two")]),
            "mermaid's lexer turns the break and its indent into <br/>"
        );
    }

    #[test]
    fn errors_name_the_line_and_say_what_to_write() {
        let mut s = Scanner::new("@{ shape: doc", 3);
        let e = read(&mut s).unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.message.contains("expected `}`"), "{}", e.message);
        let mut s = Scanner::new("@{ shape: [a, b] }", 3);
        assert!(read(&mut s).unwrap_err().message.contains("one value"));
        let mut s = Scanner::new("@{ : : : }", 3);
        assert!(read(&mut s).unwrap_err().message.contains("key: value"));
    }
}
