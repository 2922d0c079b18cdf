//! Parsing: front matter + Markdown → Document, or the same Document from JSON; then validation.
//!
//! Every error names the source file and the 1-based line in it, and says what to do.

mod front_matter;
mod inline;
mod lines;
mod markdown;
mod shortcodes;
mod slug;
mod validate;

use std::path::Path;

pub use slug::slugify;
pub use validate::validate;

use crate::error::Result;
use crate::model::{Document, LayoutRow, Meta};
use lines::{error_at, strip_positions};

/// Parses a Markdown cheat-sheet source (raw bytes, so bad encodings get a line) and validates it.
pub fn parse_markdown(source: &[u8], path: &Path) -> Result<Document> {
    parse_markdown_in(source, path, Some(path.parent().unwrap_or(Path::new(""))))
}

/// As [`parse_markdown`] for a source named `path` whose style file is looked for in `folder`
/// (standard input's `--base`; `None`: no local file may be named).
pub fn parse_markdown_in(source: &[u8], path: &Path, folder: Option<&Path>) -> Result<Document> {
    let text = decode(source, path)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(error_at(
            path,
            1,
            "the source is empty: write a front matter and at least one `##` section",
        ));
    }
    let split = front_matter::split(text, path)?;
    let mut meta = front_matter::parse_meta(split.yaml, path, folder)?;
    let markdown::Body { mut opening, opening_line, mut sections } =
        markdown::parse_body(split.body, split.body_first_line, path)?;
    if meta.auto_layout {
        meta.layout = Some(auto_layout(&meta, &sections));
    }
    if meta.layout.is_some() {
        // A sheet is its boxes: no text outside them, no parts.
        if let Some(line) = opening_line {
            return Err(error_at(path, line, markdown::BEFORE_FIRST_SECTION));
        }
        if let Some((index, part)) = sections.iter().enumerate().find(|(_, s)| s.level == 1) {
            let message = if index == 0 { markdown::BEFORE_FIRST_SECTION } else { markdown::PART_IN_SHEET };
            return Err(error_at(path, part.line, message));
        }
    } else if split.yaml.is_none() && opening.is_empty() && sections.first().is_some_and(|s| s.level == 1) {
        // Notes without front matter open with their title as a `#` heading.
        let title = sections.remove(0);
        meta.title = crate::model::plain_text(&title.title).trim().to_string();
        opening = title.blocks;
    }
    if sections.is_empty() && opening.is_empty() && meta.layout.is_none() {
        return Err(validate::no_sections(path, split.body_first_line));
    }
    let doc = Document { meta, opening, sections };
    validate::validate_in(&doc, path, folder)?;
    Ok(doc)
}

/// The grid of `layout: auto` as the model shows it: the title band, then the `##` sections
/// in source order in rows of about equal count — more boxes per row on a landscape page than
/// on a portrait one. Layout may choose another row count by measure (`layout::auto_grid`).
fn auto_layout(meta: &Meta, sections: &[crate::model::Section]) -> Vec<LayoutRow> {
    let count = sections.iter().filter(|s| s.level == 2).count();
    let landscape = crate::page::PageSize::from_name(&meta.page).is_none_or(|p| p.width > p.height);
    let n = count.max(1) as f32;
    let per_row = if landscape { (n * 1.5).sqrt() } else { (n / 1.5).sqrt() }.ceil().max(1.0) as usize;
    crate::model::auto_grid(meta, sections, count.div_ceil(per_row).max(1), true)
}

/// Reads the document model from JSON (as printed for a Markdown source) and validates it.
///
/// The lines stored in the model point into the Markdown it came from, so validation errors name
/// that line in the message rather than as a line of the JSON file.
pub fn parse_json(source: &[u8], path: &Path) -> Result<Document> {
    parse_json_in(source, path, Some(path.parent().unwrap_or(Path::new(""))))
}

/// As [`parse_json`], the style file looked for in `folder` (see [`parse_markdown_in`]).
pub fn parse_json_in(source: &[u8], path: &Path, folder: Option<&Path>) -> Result<Document> {
    let doc: Document = serde_json::from_slice(source).map_err(|err| {
        let message = strip_positions(&err.to_string());
        let message = if message.contains("recursion limit exceeded") {
            // serde_json stops at 128 levels, which lists nested about 30 deep already reach.
            "the JSON nests deeper than 128 levels, the most the JSON reader accepts: flatten the deepest list or quote".to_string()
        } else {
            format!("not a valid Hanji document model: {message}: fix the JSON or print it again from the Markdown")
        };
        error_at(path, err.line().max(1), message)
    })?;
    let text = String::from_utf8_lossy(source);
    validate::check_page(&doc.meta.page, path, json_key_line(&text, "page"))?;
    validate::check_style(&doc.meta.style, folder, path, json_key_line(&text, "style"))?;
    validate::validate_in(&doc, path, folder).map_err(|mut err| {
        if let Some(line) = err.line.take() {
            err.message = format!("{} (line {line} of the Markdown this model was made from)", err.message);
        }
        err
    })?;
    Ok(doc)
}

/// The line of the first `"key":` in a JSON text (0 if absent), for errors about meta values.
fn json_key_line(text: &str, key: &str) -> usize {
    let quoted = format!("\"{key}\"");
    text.lines()
        .position(|line| {
            line.find(&quoted).is_some_and(|at| line[at + quoted.len()..].trim_start().starts_with(':'))
        })
        .map_or(0, |index| index + 1)
}

/// The source as UTF-8, or an error at the line and column of the first bad byte.
fn decode<'a>(source: &'a [u8], path: &Path) -> Result<&'a str> {
    std::str::from_utf8(source).map_err(|err| {
        let good = &source[..err.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        let byte = source.get(err.valid_up_to()).copied().unwrap_or(0);
        error_at(
            path,
            line,
            format!(
                "the source is not valid UTF-8 (byte 0x{byte:02X} at column {column}): save the file as UTF-8"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Inline};

    fn path() -> &'static Path {
        Path::new("sheet.md")
    }

    /// DESIGN.md §1 with a body that has every section the layout names.
    fn design_source() -> String {
        let body = "
## 📦 BASE MODEL이란? {#base-model .blue}

**베이스 모델**은 ==인터넷 문서 시뮬레이터==입니다. 직접 대화는 불가능합니다.

> 베이스 모델은 인터넷 문서 시뮬레이터

## 🎯 Post-training goal {#post-training-goal}
text

## ⚡ LLM TRAINING PIPELINE {#pipeline}
인터넷 문서에서 ChatGPT까지

### 💡 Training Pipeline {#flow}
```mermaid
flowchart LR
  A[인터넷 문서] --> B[토큰화] --> C[신경망 학습] --> D[베이스 모델]
  D -->|SFT, RL| E[어시스턴트<br>ChatGPT]
```

### Compare
| a | b |
|---|---|
| 1 | 2 |

### Mindmap
- root
  - leaf

## Compute cost
x

## Conversation
y

## Takeaways
1. z
";
        format!("{}{body}", front_matter::tests::DESIGN_FRONT_MATTER)
    }

    fn parse(source: &str) -> Result<Document> {
        parse_markdown(source.as_bytes(), path())
    }

    fn error(source: &[u8]) -> crate::error::HanjiError {
        match parse_markdown(source, path()) {
            Ok(doc) => panic!("expected an error, got {doc:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn design_example_parses_and_validates() {
        let doc = match parse(&design_source()) {
            Ok(doc) => doc,
            Err(e) => panic!("{e}"),
        };
        let ids: Vec<&str> = doc.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["base-model", "post-training-goal", "pipeline", "compute-cost", "conversation", "takeaways"]
        );
        assert_eq!(doc.sections[0].line, 25);
        assert_eq!(doc.sections[0].classes, vec!["blue"]);
        let pipeline = &doc.sections[2];
        let subs: Vec<&str> = pipeline.subsections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(subs, ["flow", "compare", "mindmap"]);
        assert_eq!(
            pipeline.blocks,
            vec![Block::Paragraph {
                inlines: vec![Inline::Text("인터넷 문서에서 ChatGPT까지".into())],
                line: 35
            }]
        );
        let Block::Mermaid { text, line } = &pipeline.subsections[0].blocks[0] else {
            panic!("{:?}", pipeline.subsections[0].blocks)
        };
        assert_eq!(*line, 39);
        assert!(text.starts_with("flowchart LR\n") && text.ends_with("ChatGPT]"), "{text}");
    }

    #[test]
    fn validation_errors_point_at_file_lines() {
        let source = design_source().replace("  - height: 25%", "  - height: 20%");
        let err = parse(&source).unwrap_err();
        assert_eq!(err.line, Some(11));
        assert!(
            err.message.contains("layout row heights add up to 95%, they must add up to 100%"),
            "{}",
            err.message
        );
        let source = design_source().replace("## Conversation\n", "## Conversation\n\n## Extra\n");
        let err = parse(&source).unwrap_err();
        assert_eq!(err.line, Some(58));
        assert!(err.message.contains("section `extra` is not placed in `layout`"), "{}", err.message);
        let source = design_source().replace("### Compare", "### Compare {#flow}");
        let err = parse(&source).unwrap_err();
        assert_eq!(err.line, Some(44));
        assert!(err.message.contains("have the id `flow`"), "{}", err.message);
    }

    #[test]
    fn flow_document_without_front_matter() {
        let doc = parse("\u{FEFF}## One\ntext\n## Two\n").unwrap();
        assert_eq!(doc.meta.layout, None);
        assert_eq!(doc.meta.page, "a4-landscape");
        assert_eq!(doc.sections.len(), 2);
        let err = parse("---\ntitle: x\n---\n\n").unwrap_err();
        assert_eq!(err.line, Some(4));
        assert!(err.message.contains("no `##` section"), "{}", err.message);
    }

    #[test]
    fn non_utf8_reports_line_of_first_bad_byte() {
        let err = error(b"## a\nok\nbad \xFF here\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(err.file.as_deref(), Some(path()));
        assert!(err.message.contains("not valid UTF-8"), "{}", err.message);
        assert!(err.message.contains("0xFF at column 5"), "{}", err.message);
        assert!(err.message.contains("save the file as UTF-8"), "{}", err.message);
    }

    #[test]
    fn empty_and_whitespace_sources() {
        for source in [&b""[..], b"  \n\n\t\n", b"\xEF\xBB\xBF\n"] {
            let err = error(source);
            assert_eq!(err.line, Some(1));
            assert_eq!(
                err.message,
                "the source is empty: write a front matter and at least one `##` section"
            );
        }
    }

    #[test]
    fn unclosed_front_matter() {
        let err = error(b"---\ntitle: x\n## a\n");
        assert_eq!(err.line, Some(1));
        assert!(err.message.contains("`---`"), "{}", err.message);
    }

    #[test]
    fn json_round_trip_gives_an_equal_document() {
        let doc = parse(&design_source()).unwrap();
        let json = serde_json::to_string_pretty(&doc).unwrap();
        let back = parse_json(json.as_bytes(), Path::new("sheet.json")).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn json_errors_have_serde_lines() {
        let err = parse_json(b"{\n  \"meta\": {\n    \"title\": 5\n", Path::new("d.json")).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.starts_with("not a valid Hanji document model: invalid type"), "{}", err.message);
        assert!(!err.message.contains("at line"), "{}", err.message);
        let err = parse_json(b"", Path::new("d.json")).unwrap_err();
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn json_depth_is_limited_by_the_json_reader() {
        let shallow = parse(&format!("## a\n{}x\n", "- ".repeat(20))).unwrap();
        let json = serde_json::to_string(&shallow).unwrap();
        assert_eq!(parse_json(json.as_bytes(), Path::new("d.json")), Ok(shallow));
        let deep = parse(&format!("## a\n{}x\n", "- ".repeat(32))).unwrap();
        let json = serde_json::to_string(&deep).unwrap();
        let err = parse_json(json.as_bytes(), Path::new("d.json")).unwrap_err();
        assert!(err.message.contains("deeper than 128 levels"), "{}", err.message);
        assert!(err.message.contains("flatten"), "{}", err.message);
    }

    #[test]
    fn json_validation_errors_name_the_markdown_line() {
        let doc = parse(&design_source()).unwrap();
        let mut json = serde_json::to_value(&doc).unwrap();
        json["sections"][1]["id"] = "base-model".into();
        let text = serde_json::to_string_pretty(&json).unwrap();
        let err = parse_json(text.as_bytes(), Path::new("d.json")).unwrap_err();
        assert_eq!(err.line, None);
        assert!(err.message.contains("(line 31 of the Markdown"), "{}", err.message);
        json["meta"]["page"] = "a9".into();
        let text = serde_json::to_string_pretty(&json).unwrap();
        let err = parse_json(text.as_bytes(), Path::new("d.json")).unwrap_err();
        let line = err.line.unwrap();
        assert!(text.lines().nth(line - 1).unwrap().contains("\"page\": \"a9\""), "{err:?}");
    }
}
