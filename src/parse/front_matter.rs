//! The YAML front matter: finding it, reading it into `Meta`, and pointing errors at file lines.
//!
//! serde_yaml_ng reports positions only for errors, so the lines of layout rows and boxes (needed
//! by validation messages later) are found by scanning the front-matter text in document order.

use std::fmt;
use std::path::Path;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::lines::{error_at, strip_positions, LineIndex};
use super::validate;
use crate::error::Result;
use crate::model::{LayoutBox, LayoutRow, Meta, SectionStyle};

/// A source cut into its front matter and its Markdown body.
#[derive(Debug, PartialEq)]
pub(crate) struct Split<'a> {
    /// The YAML between the fences; `None` when the source has no front matter.
    pub yaml: Option<&'a str>,
    pub body: &'a str,
    /// The file line on which `body` starts.
    pub body_first_line: usize,
}

/// Cuts off a front matter that opens with `---` on line 1 and closes with `---` or `...`.
pub(crate) fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>> {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return Ok(Split { yaml: None, body: text, body_first_line: 1 });
    };
    if fence(first) != "---" {
        return Ok(Split { yaml: None, body: text, body_first_line: 1 });
    }
    let mut offset = first.len();
    for (index, line) in lines.enumerate() {
        if matches!(fence(line), "---" | "...") {
            let closing_line = index + 2;
            return Ok(Split {
                yaml: Some(&text[first.len()..offset]),
                body: &text[offset + line.len()..],
                body_first_line: closing_line + 1,
            });
        }
        offset += line.len();
    }
    Err(error_at(
        path,
        1,
        "the front matter that starts here is never closed: end it with a line `---` before the Markdown",
    ))
}

/// A line without its line ending and trailing blanks, to compare with a fence.
fn fence(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r', ' ', '\t'])
}

/// Where the word `auto` stands in a top-level `layout: auto` line (byte range), if so.
fn auto_layout_line(yaml: &str) -> Option<(usize, usize)> {
    let mut at = 0;
    for line in yaml.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("layout:") {
            let value = rest.split('#').next().unwrap_or("").trim();
            if value == "auto" {
                let start = at + "layout:".len() + rest.find("auto")?;
                return Some((start, start + "auto".len()));
            }
        }
        at += line.len();
    }
    None
}

/// Reads the front matter (if any) into `Meta` with defaults, and checks `page` and `style`
/// here, where their lines are known.
pub(crate) fn parse_meta(yaml: Option<&str>, path: &Path, folder: Option<&Path>) -> Result<Meta> {
    let Some(yaml) = yaml else {
        return Ok(Meta::default());
    };
    // `layout: auto` asks Hanji to choose the grid (see `auto_layout`): read the rest as usual.
    let auto = auto_layout_line(yaml);
    let blanked;
    let yaml = match auto {
        Some((start, end)) => {
            blanked = format!("{}{}{}", &yaml[..start], " ".repeat(end - start), &yaml[end..]);
            blanked.as_str()
        }
        None => yaml,
    };
    let raw: RawMeta = serde_yaml_ng::from_str(yaml).map_err(|err| yaml_error(&err, yaml, path))?;
    let index = LineIndex::new(yaml, 2);
    let masked = mask_comments(yaml);
    let mut meta = Meta::default();
    let key_line = |key: &str| find_key(&masked, key, 0, true).map_or(1, |at| index.line(at));
    if let Some(layout) = raw.layout {
        let start = find_key(&masked, "layout", 0, true).unwrap_or(0);
        if layout.is_empty() {
            // Validation says the same without a line; here the `layout:` line is known.
            return Err(error_at(
                path,
                index.line(start),
                "`layout` has no rows: add rows with `height:` and `boxes:`, or remove `layout` for a flowing document",
            ));
        }
        let mut locator =
            Locator { text: &masked, index: &index, cursor: start, fallback: index.line(start) };
        meta.layout = Some(locator.rows(layout));
    }
    meta.auto_layout = auto.is_some();
    meta.title = raw.title.map(|s| s.0).unwrap_or_default();
    meta.title_icon = raw.title_icon.map(|s| s.0);
    meta.subtitle = raw.subtitle.map(|s| s.0);
    meta.author = raw.author.map(|s| s.0);
    meta.source_url = raw.source_url.map(|s| s.0);
    meta.subject = raw.subject.map(|s| s.0);
    meta.keywords = raw.keywords.map(|k| k.0).unwrap_or_default();
    if let Some(lang) = raw.lang.filter(|l| !l.0.trim().is_empty()) {
        meta.lang = lang.0;
    }
    if let Some(page) = raw.page {
        meta.page = page.0;
        validate::check_page(&meta.page, path, key_line("page"))?;
    }
    if let Some(style) = raw.style {
        meta.style = style.0;
        validate::check_style(&meta.style, folder, path, key_line("style"))?;
    }
    meta.date = raw.date.map(|s| s.0);
    meta.header = raw.header.map(|s| s.0);
    meta.footer = raw.footer.map(|s| s.0);
    if let Some(columns) = raw.columns {
        let line = key_line("columns");
        match columns.0.trim().parse::<u8>() {
            Ok(n @ 1..=6) => meta.columns = Some(n),
            _ => {
                return Err(error_at(
                    path,
                    line,
                    format!(
                        "`columns: {}` is not a number of columns from 1 to 6: write e.g. `columns: 2`",
                        columns.0
                    ),
                ))
            }
        }
    }
    if let Some(sections) = raw.sections {
        meta.sections = Some(match sections.0.trim() {
            "boxes" => SectionStyle::Boxes,
            "plain" => SectionStyle::Plain,
            other => {
                return Err(error_at(
                    path,
                    key_line("sections"),
                    format!("`sections: {other}` is not a section style: use `boxes` (framed boxes) or `plain` (headings, no frames)"),
                ))
            }
        });
    }
    if let Some(toc) = &raw.toc {
        meta.toc = flag(toc, "toc", path, key_line("toc"))?;
    }
    if let Some(numbering) = &raw.numbering {
        meta.numbering = flag(numbering, "numbering", path, key_line("numbering"))?;
    }
    if meta.layout.is_some() {
        // These shape pages of running text; a sheet has one page laid out by `layout`.
        let flow_only = [
            ("columns", meta.columns.is_some()),
            ("sections", meta.sections.is_some()),
            ("toc", raw.toc.is_some()),
            ("header", meta.header.is_some()),
            ("footer", meta.footer.is_some()),
        ];
        if let Some((key, _)) = flow_only.iter().find(|(_, given)| *given) {
            return Err(error_at(
                path,
                key_line(key),
                format!("`{key}` is for flowing documents (without `layout`): remove `{key}`, or remove `layout` to let the sections flow over pages"),
            ));
        }
    }
    Ok(meta)
}

/// `true`/`false` (also `yes`/`no`), or the error at `line`.
fn flag(value: &Scalar, key: &str, path: &Path, line: usize) -> Result<bool> {
    match value.0.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Ok(true),
        "false" | "no" | "off" => Ok(false),
        other => Err(error_at(
            path,
            line,
            format!("`{key}: {other}` is not true or false: write `{key}: true` or `{key}: false`"),
        )),
    }
}

/// Phrases of the messages written in this module; they carry their own advice.
const OWN_MESSAGES: &[&str] = &["expected a percentage", "a box id must be"];

/// A serde_yaml_ng error at its file line, with advice on what to do.
fn yaml_error(err: &serde_yaml_ng::Error, yaml: &str, path: &Path) -> crate::error::HanjiError {
    let full = err.to_string();
    // An unclosed quote or bracket is only noticed at the end of the front matter; the line
    // where it was opened (libyaml's context) is the one to fix.
    let at_end = err.location().is_some_and(|l| l.index() >= yaml.trim_end().len());
    let yaml_line = match (at_end, context_line(&full)) {
        (true, Some(line)) => Some(line),
        _ => err.location().map(|l| l.line()),
    };
    // YAML lines count from the line after the opening `---`, which is file line 2.
    let line = yaml_line.map_or(1, |l| l + 1);
    let message = strip_positions(&full);
    let advice = if OWN_MESSAGES.iter().any(|m| message.contains(m)) {
        ""
    } else if message.contains("unknown field") {
        ": remove the key or fix its spelling"
    } else if message.contains("missing field") {
        ": add it"
    } else if message.contains("duplicate field") {
        ": keep only one of them"
    } else if message.contains("invalid type") || message.contains("invalid value") {
        ": write the value in the expected form"
    } else {
        ": check the YAML here (indentation, `key: value` pairs, quotes around text with `: ` or ` #`)"
    };
    error_at(path, line, format!("front matter: {message}{advice}"))
}

/// The line of libyaml's context in a message like `…, while scanning a quoted scalar at line
/// 1 column 8`.
fn context_line(message: &str) -> Option<usize> {
    let context = &message[message.find(", while ")?..];
    let after = &context[context.find(" at line ")? + " at line ".len()..];
    let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    after[..digits].parse().ok()
}

/// The front matter as written; every key is optional, unknown keys are errors.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a map of front matter keys such as `title:` and `layout:`")]
struct RawMeta {
    title: Option<Scalar>,
    title_icon: Option<Scalar>,
    subtitle: Option<Scalar>,
    author: Option<Scalar>,
    source_url: Option<Scalar>,
    subject: Option<Scalar>,
    keywords: Option<Keywords>,
    lang: Option<Scalar>,
    page: Option<Scalar>,
    style: Option<Scalar>,
    layout: Option<Vec<RawRow>>,
    date: Option<Scalar>,
    columns: Option<Scalar>,
    sections: Option<Scalar>,
    toc: Option<Scalar>,
    numbering: Option<Scalar>,
    header: Option<Scalar>,
    footer: Option<Scalar>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a layout row such as `{ height: 25%, boxes: [a, b] }`")]
struct RawRow {
    height: Option<Percent>,
    boxes: Vec<RawBox>,
}

/// A box written as a bare id or as a map.
enum RawBox {
    Id(String),
    Map(RawBoxMap),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a box map such as `{ id: flow, width: 50% }`")]
struct RawBoxMap {
    id: Scalar,
    width: Option<Percent>,
    inner: Option<Vec<RawRow>>,
}

/// Any YAML scalar as text, so `title: 2024` or `lang: no` are not type errors.
struct Scalar(String);

/// A share in percent, written `25%`, `25` or `"25"`.
struct Percent(f32);

/// Keywords as a list or as one comma-separated string.
struct Keywords(Vec<String>);

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a text value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Scalar, E> {
        Ok(Scalar(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct PercentVisitor;

impl PercentVisitor {
    fn check<E: de::Error>(value: f64, written: &dyn fmt::Display) -> std::result::Result<Percent, E> {
        if value.is_finite() {
            Ok(Percent(value as f32))
        } else {
            Err(E::custom(format!(
                "expected a percentage such as `25%`, found `{written}`: write a number of percent"
            )))
        }
    }
}

impl Visitor<'_> for PercentVisitor {
    type Value = Percent;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a percentage such as `25%`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Percent, E> {
        let number = v.trim().trim_end_matches('%').trim_end();
        match number.parse::<f64>() {
            Ok(value) => Self::check(value, &v),
            Err(_) => Err(E::custom(format!(
                "expected a percentage such as `25%`, found `{v}`: write a number followed by `%`"
            ))),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Percent, E> {
        Self::check(v as f64, &v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Percent, E> {
        Self::check(v as f64, &v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Percent, E> {
        Self::check(v, &v)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(PercentVisitor)
    }
}

struct KeywordsVisitor;

impl<'de> Visitor<'de> for KeywordsVisitor {
    type Value = Keywords;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of keywords")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Keywords, E> {
        Ok(Keywords(v.split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_string).collect()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Keywords, A::Error> {
        let mut keywords = Vec::new();
        while let Some(Scalar(k)) = seq.next_element()? {
            keywords.push(k);
        }
        Ok(Keywords(keywords))
    }
}

impl<'de> Deserialize<'de> for Keywords {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(KeywordsVisitor)
    }
}

struct BoxVisitor;

impl<'de> Visitor<'de> for BoxVisitor {
    type Value = RawBox;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a box id such as `pipeline` or a map such as `{ id: flow, width: 50% }`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<RawBox, E> {
        if v.trim().is_empty() {
            return Err(E::custom("a box id must be the id of a section: write it, e.g. `pipeline`"));
        }
        Ok(RawBox::Id(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<RawBox, E> {
        Ok(RawBox::Id(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<RawBox, E> {
        Ok(RawBox::Id(v.to_string()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<RawBox, A::Error> {
        RawBoxMap::deserialize(MapAccessDeserializer::new(map)).map(RawBox::Map)
    }
}

impl<'de> Deserialize<'de> for RawBox {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(BoxVisitor)
    }
}

/// Finds the lines of rows and boxes by walking the front matter in document order.
struct Locator<'a> {
    /// The front matter with comments blanked out (same byte offsets).
    text: &'a str,
    index: &'a LineIndex,
    /// Where the next row or box is searched from.
    cursor: usize,
    /// The line used when a search finds nothing (the `layout:` line).
    fallback: usize,
}

impl Locator<'_> {
    fn rows(&mut self, rows: Vec<RawRow>) -> Vec<LayoutRow> {
        rows.into_iter().map(|row| self.row(row)).collect()
    }

    fn row(&mut self, row: RawRow) -> LayoutRow {
        let entry = self.cursor;
        let height_at = find_key(self.text, "height", entry, false);
        let line = height_at.map_or(self.fallback, |at| self.index.line(at));
        let mut boxes = Vec::with_capacity(row.boxes.len());
        for raw in row.boxes {
            let (id, width, inner) = match raw {
                RawBox::Id(id) => (id, None, None),
                RawBox::Map(map) => (map.id.0, map.width.map(|w| w.0), map.inner),
            };
            let box_line = match find_value(self.text, &id, self.cursor) {
                Some(at) => {
                    self.cursor = at + id.len();
                    self.index.line(at)
                }
                None => line,
            };
            let inner = inner.map(|rows| self.rows(rows));
            boxes.push(LayoutBox { id, width, inner, line: box_line });
        }
        if let Some(at) = height_at {
            self.cursor = self.cursor.max(at + "height".len());
        }
        LayoutRow { height: row.height.map(|h| h.0), boxes, line }
    }
}

/// Whether `c` can be part of an id or key, for whole-word matches.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// Offsets of whole-word occurrences of `word` in `text` from `from`, with whether each is
/// followed by `:` (a key).
fn occurrences<'a>(text: &'a str, word: &'a str, from: usize) -> impl Iterator<Item = (usize, bool)> + 'a {
    let hay = text.get(from..).unwrap_or("");
    hay.match_indices(word).filter_map(move |(i, _)| {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let after = &text[at + word.len()..];
        if before.is_some_and(is_word_char) || after.chars().next().is_some_and(is_word_char) {
            return None;
        }
        Some((at, after.trim_start_matches([' ', '\t']).starts_with(':')))
    })
}

/// The offset of `key:` from `from`; `top_level` requires it at the start of a line.
fn find_key(text: &str, key: &str, from: usize, top_level: bool) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    occurrences(text, key, from)
        .find(|&(at, is_key)| is_key && (!top_level || at == 0 || text[..at].ends_with('\n')))
        .map(|(at, _)| at)
}

/// The offset of `word` used as a value (not a key) from `from`.
fn find_value(text: &str, word: &str, from: usize) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    occurrences(text, word, from).find(|&(_, is_key)| !is_key).map(|(at, _)| at)
}

/// The text with YAML comments replaced by spaces, so ids in comments are not found.
fn mask_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut comment_at = None;
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if (c == '"' || c == '\'') && " \t:[{,".contains(prev) => quote = Some(c),
                None if c == '#' && prev.is_whitespace() => {
                    comment_at = Some(i);
                    break;
                }
                None => {}
            }
            prev = c;
        }
        match comment_at {
            Some(at) => {
                out.push_str(&line[..at]);
                let comment = &line[at..];
                let ending = comment.len() - comment.trim_end_matches(['\n', '\r']).len();
                out.extend(std::iter::repeat_n(' ', comment.len() - ending));
                out.push_str(&comment[comment.len() - ending..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The front matter of DESIGN.md §1, verbatim.
    pub(crate) const DESIGN_FRONT_MATTER: &str = r#"---
title: "NANO BANANA CHEAT SHEET: PRETRAINING → POST-TRAINING"
title_icon: "🍌"                  # optional: drawn at both ends of the title band
subtitle: "Andrej Karpathy · Deep Dive into LLMs · Ch. 9"   # optional
author: "Andrej Karpathy"         # optional, PDF metadata
source_url: "https://www.youtube.com/watch?v=7xTGNNLPyMI"  # optional
lang: ko                          # default ko
page: a4-landscape                # default; also a4-portrait, a3-landscape, letter-landscape, …
style: pen-notes                  # a name in styles/ or a path to a .toml, relative to the source
layout:                           # rows, top to bottom; heights must add up to 100 %
  - height: 10%
    boxes: [title]                # `title` is the title band (front-matter title/subtitle)
  - height: 20%
    boxes: [base-model, post-training-goal]      # equal widths unless given
  - height: 45%
    boxes:
      - id: pipeline
        inner:                    # optional nested grid for this box's ### subsections
          - height: 100%
            boxes: [{ id: flow, width: 50% }, compare, mindmap]
  - height: 25%
    boxes: [compute-cost, conversation, takeaways]
---
"#;

    fn path() -> &'static Path {
        Path::new("sheet.md")
    }

    fn meta_of(source: &str) -> Result<Meta> {
        let split = split(source, path())?;
        parse_meta(split.yaml, path(), Some(Path::new("")))
    }

    fn simple(id: &str, line: usize) -> LayoutBox {
        LayoutBox { id: id.to_string(), width: None, inner: None, line }
    }

    #[test]
    fn split_finds_fences_and_body_line() {
        let split = split("---\na: 1\n---\n\n## x\n", path()).unwrap();
        assert_eq!(split.yaml, Some("a: 1\n"));
        assert_eq!(split.body, "\n## x\n");
        assert_eq!(split.body_first_line, 4);
        let dots = split_of("---\r\na: 1\r\n...\r\nbody");
        assert_eq!(dots.yaml, Some("a: 1\r\n"));
        assert_eq!(dots.body, "body");
        let none = split_of("## x\n---\n");
        assert_eq!(none, Split { yaml: None, body: "## x\n---\n", body_first_line: 1 });
    }

    fn split_of(source: &str) -> Split<'_> {
        split(source, path()).unwrap()
    }

    #[test]
    fn unclosed_front_matter_is_an_error_at_line_1() {
        let err = split("---\ntitle: x\n\n## a\n", path()).unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(err.message.contains("never closed"), "{}", err.message);
        assert!(err.message.contains("`---`"), "{}", err.message);
    }

    #[test]
    fn design_example_front_matter() {
        let meta = meta_of(DESIGN_FRONT_MATTER).unwrap();
        assert_eq!(meta.title, "NANO BANANA CHEAT SHEET: PRETRAINING → POST-TRAINING");
        assert_eq!(meta.title_icon.as_deref(), Some("🍌"));
        assert_eq!(meta.subtitle.as_deref(), Some("Andrej Karpathy · Deep Dive into LLMs · Ch. 9"));
        assert_eq!(meta.author.as_deref(), Some("Andrej Karpathy"));
        assert_eq!(meta.source_url.as_deref(), Some("https://www.youtube.com/watch?v=7xTGNNLPyMI"));
        assert_eq!(meta.lang, "ko");
        assert_eq!(meta.page, "a4-landscape");
        assert_eq!(meta.style, "pen-notes");
        let layout = meta.layout.unwrap();
        let expected = vec![
            LayoutRow { height: Some(10.0), boxes: vec![simple("title", 12)], line: 11 },
            LayoutRow {
                height: Some(20.0),
                boxes: vec![simple("base-model", 14), simple("post-training-goal", 14)],
                line: 13,
            },
            LayoutRow {
                height: Some(45.0),
                boxes: vec![LayoutBox {
                    id: "pipeline".into(),
                    width: None,
                    inner: Some(vec![LayoutRow {
                        height: Some(100.0),
                        boxes: vec![
                            LayoutBox { id: "flow".into(), width: Some(50.0), inner: None, line: 20 },
                            simple("compare", 20),
                            simple("mindmap", 20),
                        ],
                        line: 19,
                    }]),
                    line: 17,
                }],
                line: 15,
            },
            LayoutRow {
                height: Some(25.0),
                boxes: vec![simple("compute-cost", 22), simple("conversation", 22), simple("takeaways", 22)],
                line: 21,
            },
        ];
        assert_eq!(layout, expected);
    }

    #[test]
    fn defaults_without_front_matter_or_keys() {
        let meta = meta_of("## a\n").unwrap();
        assert_eq!(meta, Meta::default());
        assert_eq!(
            (meta.lang.as_str(), meta.page.as_str(), meta.style.as_str()),
            ("ko", "a4-landscape", "pen-notes")
        );
        assert_eq!(meta.title, "");
        assert_eq!(meta_of("---\n---\n").unwrap(), Meta::default());
        assert_eq!(meta_of("---\n# only a comment\nlang:\n---\n").unwrap(), Meta::default());
    }

    #[test]
    fn scalars_keywords_and_numbers() {
        let meta = meta_of(
            "---\ntitle: 2024\nkeywords: [llm, 9]\nlang: en\nlayout:\n  - height: 100\n    boxes: [{id: a, width: \"40 %\"}, 7]\n---\n",
        )
        .unwrap();
        assert_eq!(meta.title, "2024");
        assert_eq!(meta.keywords, vec!["llm", "9"]);
        assert_eq!(meta.lang, "en");
        let row = &meta.layout.unwrap()[0];
        assert_eq!(row.height, Some(100.0));
        assert_eq!(row.boxes[0].width, Some(40.0));
        assert_eq!(row.boxes[1].id, "7");
        let listed = meta_of("---\nkeywords: \"a, b ,,c\"\n---\n").unwrap();
        assert_eq!(listed.keywords, vec!["a", "b", "c"]);
    }

    #[test]
    fn unknown_key_names_key_line_and_known_keys() {
        let err = meta_of("---\ntitle: x\nauthr: me\n---\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.file.as_deref(), Some(path()));
        for piece in ["unknown field `authr`", "`author`", "`layout`", "spelling"] {
            assert!(err.message.contains(piece), "{piece}: {}", err.message);
        }
    }

    #[test]
    fn unknown_row_and_box_keys() {
        let err =
            meta_of("---\nlayout:\n  - height: 100%\n    boxes:\n      - id: a\n        widht: 5%\n---\n")
                .unwrap_err();
        assert_eq!(err.line, Some(6));
        assert!(err.message.contains("unknown field `widht`"), "{}", err.message);
        let err = meta_of("---\nlayout:\n  - hieght: 100%\n    boxes: [a]\n---\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("unknown field `hieght`"), "{}", err.message);
    }

    #[test]
    fn bad_percentage_points_at_its_line() {
        let err = meta_of(
            "---\nlayout:\n  - height: 100%\n    boxes: [a]\n  - height: lots\n    boxes: [b]\n---\n",
        )
        .unwrap_err();
        assert_eq!(err.line, Some(5));
        assert!(err.message.contains("expected a percentage such as `25%`, found `lots`"), "{}", err.message);
    }

    #[test]
    fn yaml_syntax_error_maps_to_file_line() {
        let err = meta_of("---\ntitle: a\nlayout:\n  - height: [10%\n---\n").unwrap_err();
        assert!(err.message.starts_with("front matter: "), "{}", err.message);
        assert!(!err.message.contains("at line"), "{}", err.message);
        let line = err.line.unwrap();
        assert!((4..=5).contains(&line), "line {line}: {}", err.message);
        let err = meta_of("---\ntitle: [a\n---\n").unwrap_err();
        assert_eq!(err.line, Some(2), "{err:?}");
        let err = meta_of("---\nlang: ko\ntitle: \"T\nlayout: [\n---\n## A\n").unwrap_err();
        assert_eq!(err.line, Some(3), "{err:?}");
        assert!(err.message.contains("quoted scalar"), "{}", err.message);
    }

    #[test]
    fn type_errors_are_reported() {
        let err = meta_of("---\nlayout:\n  - height: 10%\n    boxes: [[a]]\n---\n").unwrap_err();
        assert_eq!(err.line, Some(4));
        assert!(err.message.contains("expected a box id"), "{}", err.message);
        let err = meta_of("---\n- a\n- b\n---\n").unwrap_err();
        assert!(err.message.contains("a map of front matter keys"), "{}", err.message);
        let err = meta_of("---\nlayout:\n  - height: 10%\n---\n").unwrap_err();
        assert!(err.message.contains("missing field `boxes`"), "{}", err.message);
    }

    #[test]
    fn empty_layout_is_an_error_at_its_line() {
        let err = meta_of("---\ntitle: x\nlayout: []\n---\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("`layout` has no rows"), "{}", err.message);
        assert_eq!(meta_of("---\nlayout:\n---\n").unwrap().layout, None);
    }

    #[test]
    fn page_and_style_are_checked_at_their_lines() {
        let err = meta_of("---\ntitle: x\npage: a4-sideways\n---\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("a4-sideways"), "{}", err.message);
        let err = meta_of("---\nstyle: fancy\n---\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("fancy"), "{}", err.message);
    }

    #[test]
    fn comments_are_masked_keeping_offsets() {
        let text = "a: 1 # x\nb: \"#not\" # yes\nc: x#y\n";
        let masked = mask_comments(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked, "a: 1    \nb: \"#not\"      \nc: x#y\n");
    }

    #[test]
    fn locator_skips_keys_and_comments() {
        let yaml = "layout: # boxes [b]\n  - boxes: [boxes, b]\n    height: 100%\n";
        let meta = meta_of(&format!("---\n{yaml}---\n")).unwrap();
        let row = &meta.layout.unwrap()[0];
        assert_eq!(row.line, 4);
        assert_eq!((row.boxes[0].line, row.boxes[1].line), (3, 3));
    }

    #[test]
    fn flow_keys_are_read_and_checked_at_their_lines() {
        let meta = meta_of(
            "---\ntitle: 노트\ndate: \"2026-11-27\"\npage: a4-portrait\ncolumns: 2\nsections: plain\ntoc: true\nnumbering: yes\nheader: \"{title}\"\nfooter: \"\"\n---\n",
        )
        .unwrap();
        assert_eq!(meta.date.as_deref(), Some("2026-11-27"));
        assert_eq!((meta.columns, meta.sections), (Some(2), Some(SectionStyle::Plain)));
        assert!(meta.toc && meta.numbering);
        assert_eq!((meta.header.as_deref(), meta.footer.as_deref()), (Some("{title}"), Some("")));
        for (source, line, needle) in [
            ("---\ntitle: t\ncolumns: 0\n---\n", 3, "from 1 to 6"),
            ("---\ntitle: t\n\ncolumns: 7\n---\n", 4, "from 1 to 6"),
            ("---\ntitle: t\nsections: cards\n---\n", 3, "`boxes`"),
            ("---\ntoc: maybe\n---\n", 2, "true or false"),
            (
                "---\ntitle: t\nlayout:\n  - height: 100%\n    boxes: [a]\ncolumns: 2\n---\n",
                6,
                "flowing documents",
            ),
        ] {
            let err = meta_of(source).unwrap_err();
            assert_eq!(err.line, Some(line), "{source}: {}", err.message);
            assert!(err.message.contains(needle), "{}", err.message);
        }
    }
}
