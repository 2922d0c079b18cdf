//! Mind map: an indentation tree. Each line is a node — bare text or `id` with a shape
//! (`[ ]`, `( )`, `(( ))`, `)) ((`, `) (`, `{{ }}`); `::icon(fa fa-book)` puts a Font Awesome
//! icon before the node's text; `:::class` lines are accepted.

use super::{clean_label, PResult, Scanner, SrcLine};
use crate::diagram::model::{MindNode, Mindmap, Shape};
use crate::limits;

struct Draft {
    label: String,
    shape: Shape,
    line: usize,
    children: Vec<usize>,
}

pub fn parse(header: &mut Scanner, lines: &[SrcLine]) -> PResult<Mindmap> {
    let mut arena: Vec<Draft> = Vec::new();
    let mut stack: Vec<(usize, usize)> = Vec::new(); // (indent, arena index)
    for line in lines {
        let indent: usize =
            line.text.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum();
        let content = line.text.trim();
        if let Some(icon) = content.strip_prefix("::icon(") {
            // The icon of the node above, drawn before its text.
            let reference = icon.trim_end().trim_end_matches(')').trim();
            if let (Some(last), Some(markup)) = (arena.last_mut(), icon_markup(reference)) {
                last.label = if last.label.is_empty() { markup } else { format!("{markup} {}", last.label) };
            }
            continue;
        }
        if content.starts_with(":::") {
            continue;
        }
        let mut s = Scanner::new(&line.text, line.index);
        s.skip_ws();
        let column = s.column();
        let (shape, label) = node(&mut s)?;
        while stack.last().is_some_and(|&(i, _)| i >= indent) {
            stack.pop();
        }
        if stack.len() >= limits::MAX_DIAGRAM_DEPTH {
            return Err(s.error_at(
                column,
                format!(
                    "the mind map is deeper than {} levels, the limit: indent this node less",
                    limits::MAX_DIAGRAM_DEPTH
                ),
            ));
        }
        if arena.len() >= limits::MAX_DIAGRAM_NODES {
            return Err(s.error_at(
                column,
                format!(
                    "more than {} nodes, the limit for one diagram: split the mind map",
                    limits::MAX_DIAGRAM_NODES
                ),
            ));
        }
        let index = arena.len();
        match stack.last() {
            Some(&(_, parent)) => arena[parent].children.push(index),
            None if !arena.is_empty() => {
                return Err(s.error_at(
                    column,
                    format!(
                        "a mind map has one root, `{}`; indent `{}` under it",
                        arena[0].label.replace('\n', " "),
                        label.replace('\n', " ")
                    ),
                ));
            }
            None => {}
        }
        arena.push(Draft { label, shape, line: line.index, children: Vec::new() });
        stack.push((indent, index));
    }
    if arena.is_empty() {
        return Err(header.error("the mind map is empty: put its root on the next line, indented"));
    }
    Ok(Mindmap { root: build(&arena, 0) })
}

/// `fa fa-book` (mermaid's class names) as label markup, `fa:fa-book`; `None` for anything
/// that is not a Font Awesome icon.
fn icon_markup(reference: &str) -> Option<String> {
    let (prefix, name) = reference.split_once(char::is_whitespace)?;
    let name = name.trim();
    let prefix = prefix.trim();
    let known = crate::icons::PREFIXES.contains(&prefix) && name.starts_with("fa-") && name.len() > 3;
    known.then(|| format!("{prefix}:{name}"))
}

fn build(arena: &[Draft], index: usize) -> MindNode {
    let d = &arena[index];
    MindNode {
        label: d.label.clone(),
        shape: d.shape,
        children: d.children.iter().map(|&c| build(arena, c)).collect(),
        line: d.line,
    }
}

/// One node line: `id(( text ))` and friends, or bare text.
fn node(s: &mut Scanner) -> PResult<(Shape, String)> {
    const OPENERS: &[(&str, Shape, &str)] = &[
        ("((", Shape::Circle, "))"),
        ("))", Shape::Bang, "(("),
        (")", Shape::Cloud, "("),
        ("(", Shape::Rounded, ")"),
        ("[", Shape::Rect, "]"),
        ("{{", Shape::Hexagon, "}}"),
    ];
    let text = s.text().trim();
    s.take_while(|c| !c.is_whitespace() && !"[({)".contains(c));
    let Some(&(open, shape, close)) = OPENERS.iter().find(|(o, _, _)| s.starts_with(o)) else {
        return Ok((Shape::Plain, plain(text)));
    };
    let open_column = s.column();
    s.eat(open);
    s.skip_ws();
    let raw = if s.peek() == Some('"') {
        let t = s.quoted()?;
        s.skip_ws();
        t
    } else {
        let mut t = String::new();
        while !s.at_end() && !s.starts_with(close) {
            t.extend(s.bump());
        }
        t
    };
    if !s.eat(close) {
        return Err(
            s.error(format!("expected `{close}` to close the node text opened at column {open_column}"))
        );
    }
    s.skip_ws();
    if !s.at_end() && !s.starts_with(":::") {
        // Text after the brackets: the line is plain text that happens to hold brackets.
        return Ok((Shape::Plain, plain(text)));
    }
    Ok((shape, clean_label(&raw)))
}

fn plain(text: &str) -> String {
    let t = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    clean_label(t)
}

#[cfg(test)]
mod tests {
    use crate::diagram::model::{Model, Shape};
    use crate::diagram::parse::parse;

    fn tree(source: &str) -> crate::diagram::model::Mindmap {
        match parse(source, &mut Vec::new()) {
            Ok(Model::Mindmap(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn indentation_builds_the_tree() {
        let m = tree("mindmap\n  root((중심))\n    A\n      a1\n      a2\n    B\n        b1\n    C");
        assert_eq!(m.root.label, "중심");
        assert_eq!(m.root.shape, Shape::Circle);
        let names: Vec<&str> = m.root.children.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(m.root.children[0].children.len(), 2);
        assert_eq!(m.root.children[1].children[0].label, "b1");
        assert_eq!(m.root.children[1].children[0].line, 6);
    }

    #[test]
    fn shapes_icons_and_classes() {
        let m = tree(
            "mindmap\n root\n  a[square]\n  b(rounded)\n  c))bang((\n  d)cloud(\n  e{{hex}}\n  \
             f((circle))\n  ::icon(fa fa-book)\n  :::urgent large\n  g[\"quoted (x)\"]\n  $$$$ 비용\n  h(x) y",
        );
        let kids = &m.root.children;
        assert_eq!(kids[5].label, "fa:fa-book circle", "the icon goes before the text");
        let shapes: Vec<Shape> = kids.iter().map(|k| k.shape).collect();
        use Shape::*;
        assert_eq!(shapes[..7], [Rect, Rounded, Bang, Cloud, Hexagon, Circle, Rect]);
        assert_eq!(kids[6].label, "quoted (x)");
        assert_eq!((kids[7].shape, kids[7].label.as_str()), (Plain, "$$$$ 비용"));
        assert_eq!(m.root.shape, Plain);
        assert_eq!(kids.len(), 9);
        assert_eq!((kids[8].shape, kids[8].label.as_str()), (Plain, "h(x) y"), "brackets inside text");
    }

    #[test]
    fn errors() {
        let e = parse("mindmap\n  root\n  second", &mut Vec::new()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("one root"), "{}", e.message);
        let e = parse("mindmap\n  root[open", &mut Vec::new()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 12));
        assert!(e.message.contains("expected `]`"), "{}", e.message);
        let e = parse("mindmap\n", &mut Vec::new()).unwrap_err();
        assert!(e.message.contains("empty"), "{}", e.message);
    }
}
