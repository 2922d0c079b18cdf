//! Syntax highlighting of fenced code: each token drawn in its class's colour from the style,
//! read back from the PDF's page content; unknown languages in one colour; the text layer and
//! the bytes unchanged by it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{hanji, squeeze, temp_dir, to_unicode, tool};
use hanji::frame::Color;
use hanji::highlight::Class;
use lopdf::{Document, Object};

const PYTHON: &str = "# comment words here\ndef area(radius):\n    return 3.14 * radius ** 2\n";
const RUST: &str = "// rust note\nfn main() {\n    let label = \"text\";\n}\n";

/// A document with a python and a rust block, and `extra` after them.
fn source(extra: &str) -> String {
    format!("# Highlight\n\nTwo blocks.\n\n```python\n{PYTHON}```\n\n```rust\n{RUST}```\n{extra}")
}

fn render(dir: &Path, name: &str, text: &str, style: &str) -> PathBuf {
    let md = dir.join(format!("{name}.md"));
    std::fs::write(&md, text).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    let out = hanji(&["render", md.to_str().unwrap(), "-o", pdf.to_str().unwrap(), "--style", style], dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    pdf
}

fn style(name: &str) -> hanji::style::Style {
    let mut book = hanji::text::fonts::FontBook::new();
    hanji::style::load(name, Path::new("."), &mut book).unwrap()
}

/// The text drawn in the code fonts, run by run, with the fill colour (`rg`) it is drawn in.
fn code_runs(pdf: &Path) -> Vec<([f32; 3], String)> {
    let doc = Document::load(pdf).unwrap();
    let mut runs = Vec::new();
    for (_, page_id) in doc.get_pages() {
        let fonts: BTreeMap<Vec<u8>, Option<BTreeMap<u16, String>>> = doc
            .get_page_fonts(page_id)
            .unwrap()
            .into_iter()
            .map(|(name, font)| {
                let base = font.get(b"BaseFont").and_then(Object::as_name).unwrap_or_default();
                let base = String::from_utf8_lossy(base);
                let code = base.contains("NanumGothicCoding") || base.contains("DejaVuSansMono");
                (name, code.then(|| to_unicode(&doc, font)))
            })
            .collect();
        let content = lopdf::content::Content::decode(&doc.get_page_content(page_id)).unwrap();
        let mut fill = [0.0; 3];
        let mut font: Vec<u8> = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "rg" => {
                    for (slot, value) in fill.iter_mut().zip(&op.operands) {
                        *slot = value.as_float().unwrap();
                    }
                }
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "TJ" | "Tj" => {
                    let Some(Some(map)) = fonts.get(&font) else { continue };
                    let strings: Vec<&[u8]> = match &op.operands[0] {
                        Object::Array(parts) => parts.iter().filter_map(|p| p.as_str().ok()).collect(),
                        other => other.as_str().ok().into_iter().collect(),
                    };
                    let mut text = String::new();
                    for code in strings.iter().flat_map(|s| s.chunks_exact(2)) {
                        text.push_str(
                            map.get(&u16::from_be_bytes([code[0], code[1]])).map_or("?", String::as_str),
                        );
                    }
                    runs.push((fill, text));
                }
                _ => {}
            }
        }
    }
    runs
}

/// Whether a PDF fill colour is the style's colour (the PDF keeps three decimals).
fn same(fill: [f32; 3], color: Color) -> bool {
    fill.iter().zip([color.r, color.g, color.b]).all(|(a, b)| (a - b).abs() < 0.0006)
}

/// All the code text drawn in `color`, without white space.
fn text_in(runs: &[([f32; 3], String)], color: Color) -> String {
    squeeze(&runs.iter().filter(|(fill, _)| same(*fill, color)).map(|(_, t)| t.as_str()).collect::<String>())
}

fn distinct_colours(runs: &[([f32; 3], String)]) -> Vec<[f32; 3]> {
    let mut colours: Vec<[f32; 3]> = Vec::new();
    for (fill, text) in runs {
        if !text.trim().is_empty() && !colours.contains(fill) {
            colours.push(*fill);
        }
    }
    colours
}

#[test]
fn tokens_are_drawn_in_the_styles_colours() {
    let dir = temp_dir("highlight-colours");
    for name in ["pen-notes", "clean"] {
        let style = style(name);
        let colors = &style.highlight;
        let runs = code_runs(&render(&dir, name, &source(""), name));
        let all = squeeze(&runs.iter().map(|(_, t)| t.as_str()).collect::<String>());
        assert_eq!(all, squeeze(&format!("{PYTHON}{RUST}")), "{name}: the code, in order");
        let colours = distinct_colours(&runs);
        assert!(colours.len() >= 6, "{name}: {} colours: {runs:?}", colours.len());
        let comment = text_in(&runs, colors.color(Class::Comment));
        assert_eq!(comment, "#commentwordshere//rustnote", "{name}: {runs:?}");
        let keyword = text_in(&runs, colors.color(Class::Keyword));
        assert_eq!(keyword, "defreturnfnlet", "{name}: {runs:?}");
        assert_eq!(text_in(&runs, colors.color(Class::Function)), "areamain", "{name}");
        assert_eq!(text_in(&runs, colors.color(Class::Number)), "3.142", "{name}");
        assert_eq!(text_in(&runs, colors.color(Class::String)), "\"text\"", "{name}");
        // Names are neither: they keep the ink colour.
        let ink = text_in(&runs, style.page.ink);
        assert!(ink.contains("radius") && ink.contains("label"), "{name}: {ink}");
        assert!(!ink.contains("def") && !ink.contains("comment"), "{name}: {ink}");
    }
}

#[test]
fn unknown_languages_and_a_style_without_highlighting_are_one_colour() {
    let dir = temp_dir("highlight-plain");
    let ink = style("pen-notes").page.ink;
    let unknown = format!(
        "# Plain\n\n```brainfun\n{PYTHON}```\n\n```\n{RUST}```\n\n    def indented():\n        return 1\n\n```text\n{PYTHON}```\n"
    );
    let runs = code_runs(&render(&dir, "unknown", &unknown, "pen-notes"));
    assert!(squeeze(&runs.iter().map(|(_, t)| t.as_str()).collect::<String>()).contains("defindented"));
    assert_eq!(distinct_colours(&runs).len(), 1, "{runs:?}");
    assert!(runs.iter().all(|(fill, _)| same(*fill, ink)), "{runs:?}");
    // The same blocks in known languages are coloured, and not with a style that turns it off.
    let known = render(&dir, "known", &source(""), "pen-notes");
    assert!(distinct_colours(&code_runs(&known)).len() > 1);
    std::fs::write(dir.join("off.toml"), "[code.highlight]\nenabled = false\n").unwrap();
    let runs = code_runs(&render(&dir, "off", &source(""), "off.toml"));
    assert_eq!(distinct_colours(&runs).len(), 1, "{runs:?}");
    assert!(runs.iter().all(|(fill, _)| same(*fill, ink)), "{runs:?}");
}

#[test]
fn the_text_layer_is_the_code_as_written() {
    let dir = temp_dir("highlight-text");
    let extra = "\n```toml\n[table]\nkey = \"value\" # note\n```\n\n```bash\nfor f in *.md; do echo \"$f\"; done\n```\n";
    let text = source(extra);
    let coloured = render(&dir, "coloured", &text, "pen-notes");
    std::fs::write(dir.join("off.toml"), "[code.highlight]\nenabled = false\n").unwrap();
    let plain = render(&dir, "plain", &text, "off.toml");
    let read = |pdf: &Path| tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
    // Exactly what the same page gives without colours: colour changes neither the glyphs nor
    // where they stand.
    assert_eq!(read(&coloured), read(&plain));
    let flat = squeeze(&read(&coloured));
    for code in [PYTHON, RUST, "[table]\nkey = \"value\" # note", "for f in *.md; do echo \"$f\"; done"] {
        assert!(flat.contains(&squeeze(code)), "missing from pdftotext: {code}\n{flat}");
    }
    let words = tool("pdftotext", &[coloured.to_str().unwrap(), "-"]);
    for line in ["# comment words here", "def area(radius):", "return 3.14 * radius ** 2", "// rust note"] {
        assert!(words.contains(line), "`{line}` is not a line of the text layer:\n{words}");
    }
}

#[test]
fn renders_are_byte_identical() {
    let dir = temp_dir("highlight-bytes");
    let text = source("\n```go\nfunc main() { fmt.Println(\"hi\") }\n```\n");
    let first = std::fs::read(render(&dir, "a", &text, "pen-notes")).unwrap();
    let second = std::fs::read(render(&dir, "b", &text, "pen-notes")).unwrap();
    assert!(first == second, "two renders differ");
}

/// The only test of this file that renders in its own process: the others run `hanji`.
#[test]
fn syntaxes_are_read_once_and_only_for_a_language_that_needs_them() {
    let dir = temp_dir("highlight-lazy");
    let render_here = |name: &str, text: &str| {
        let md = dir.join(format!("{name}.md"));
        std::fs::write(&md, text).unwrap();
        let doc = hanji::load_document(&md).unwrap();
        hanji::render(&doc, &md, Some("pen-notes")).map_err(|f| format!("{:?}", f.errors)).unwrap().pdf
    };
    let plain = format!("# Plain\n\n```text\n{PYTHON}```\n\n```toml\n[a]\nb = 1\n```\n\n    indented\n");
    let plain_pdf = render_here("plain", &plain);
    assert!(!hanji::highlight::syntaxes_loaded(), "no block needed the syntaxes");
    // TOML has a lexer of its own: coloured all the same.
    std::fs::write(dir.join("plain.pdf"), &plain_pdf).unwrap();
    assert!(distinct_colours(&code_runs(&dir.join("plain.pdf"))).len() > 2);
    let once = render_here("code", &source(""));
    assert!(hanji::highlight::syntaxes_loaded());
    let again = render_here("code", &source(""));
    assert!(once == again, "two renders in one process differ");
    let cli = std::fs::read(render(&dir, "code", &source(""), "pen-notes")).unwrap();
    assert!(once == cli, "the library and the command line differ");
}
