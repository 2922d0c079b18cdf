//! Mermaid's own syntax examples (`tests/fixtures/mermaid-docs/`: every `mermaid-example`
//! block of its flowchart, mind-map, pie and xy-chart pages): each renders in a one-box sheet
//! to a PDF, and the ones that say something about text say it in the PDF's text layer.

mod common;

use std::path::{Path, PathBuf};

use common::{root, squeeze, temp_dir, tool};

/// The corpus, sorted: (name, diagram).
fn corpus() -> Vec<(String, String)> {
    let folder = root().join("tests/fixtures/mermaid-docs");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&folder)
        .expect("the corpus folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "mmd"))
        .map(|p| {
            let name = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            (name, std::fs::read_to_string(&p).expect("an example"))
        })
        .collect();
    out.sort();
    out
}

/// A sheet of one box holding the diagram.
fn sheet(name: &str, diagram: &str) -> String {
    format!("---\ntitle: {name}\nlayout:\n  - boxes: [d]\n---\n\n## Diagram {{#d}}\n\n```mermaid\n{diagram}\n```\n")
}

/// Renders the sheet to a PDF in `folder`; the PDF's path and the warnings, or the errors.
fn render(folder: &Path, name: &str, diagram: &str) -> Result<(PathBuf, Vec<String>), String> {
    let source = folder.join(format!("{name}.md"));
    let text = sheet(name, diagram);
    std::fs::write(&source, &text).map_err(|e| e.to_string())?;
    let doc = hanji::parse::parse_markdown(text.as_bytes(), &source).map_err(|e| e.to_string())?;
    let rendered = hanji::render(&doc, &source, None)
        .map_err(|failure| failure.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))?;
    let pdf = folder.join(format!("{name}.pdf"));
    std::fs::write(&pdf, &rendered.pdf).map_err(|e| e.to_string())?;
    Ok((pdf, rendered.warnings.iter().map(|w| w.message.clone()).collect()))
}

#[test]
fn the_corpus_is_mermaids_pages_with_their_licence() {
    let examples = corpus();
    let count = |kind: &str| examples.iter().filter(|(n, _)| n.starts_with(kind)).count();
    assert_eq!(
        (count("flowchart-"), count("mindmap-"), count("pie-"), count("xychart-"), examples.len()),
        (103, 10, 2, 5, 120),
        "regenerate with scripts/mermaid_corpus.py"
    );
    let folder = root().join("tests/fixtures/mermaid-docs");
    let readme = std::fs::read_to_string(folder.join("README.md")).expect("README");
    assert!(readme.contains("mermaid-js/mermaid") && readme.contains("commit `"), "{readme}");
    let licence = std::fs::read_to_string(folder.join("LICENSE")).expect("mermaid's LICENSE");
    assert!(licence.contains("The MIT License") && licence.contains("Knut Sveidqvist"));
}

#[test]
fn every_example_renders_in_a_one_box_sheet() {
    let folder = temp_dir("mermaid-docs");
    let mut failed = Vec::new();
    let mut unexpected = Vec::new();
    let mut rendered = std::collections::BTreeMap::<&str, usize>::new();
    let examples = corpus();
    for (name, diagram) in &examples {
        match render(&folder, name, diagram) {
            Ok((_, warnings)) => {
                *rendered.entry(name.split('-').next().unwrap_or("")).or_default() += 1;
                // The one icon the docs name that Font Awesome Free has not is the only
                // diagram warning.
                for warning in warnings.iter().filter(|w| w.starts_with("mermaid")) {
                    let expected = name == "flowchart-102" && warning.contains("`fab:fa-truck-bold`");
                    if !expected {
                        unexpected.push(format!("{name}: {warning}"));
                    }
                }
            }
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    eprintln!("rendered {:?} of {}", rendered, examples.len());
    assert!(
        failed.is_empty(),
        "{} of {} examples fail:\n{}",
        failed.len(),
        examples.len(),
        failed.join("\n")
    );
    assert!(unexpected.is_empty(), "unexpected warnings:\n{}", unexpected.join("\n"));
    let _ = std::fs::remove_dir_all(&folder);
}

/// The text layer of one example's PDF, whitespace removed.
fn text_of(name: &str) -> String {
    let (_, diagram) = corpus().into_iter().find(|(n, _)| n == name).expect("an example of the corpus");
    let folder = temp_dir(name);
    let (pdf, _) = render(&folder, name, &diagram).unwrap_or_else(|e| panic!("{name}: {e}"));
    let text = tool("pdftotext", &[pdf.to_str().expect("a path"), "-"]);
    let _ = std::fs::remove_dir_all(&folder);
    squeeze(&text)
}

#[test]
fn entity_codes_markdown_strings_and_icons_read_back_as_text() {
    let entities = text_of("flowchart-088");
    assert!(entities.contains("Adoublequote:\"") && entities.contains("Adecchar:♥"), "{entities}");
    assert!(!entities.contains("#quot;") && !entities.contains("#9829;"), "{entities}");

    let markdown = text_of("flowchart-004");
    assert!(markdown.contains("ThisisMarkdown") && markdown.contains("Line1Line2Line3"), "{markdown}");
    assert!(!markdown.contains('`') && !markdown.contains("**") && !markdown.contains('_'), "{markdown}");

    let icons = text_of("flowchart-101");
    assert!(
        icons.contains("forpeace") && icons.contains("forbidden") && icons.contains("perhaps?"),
        "{icons}"
    );
    assert!(
        !icons.contains("fa:fa-") && !icons.contains("fa-twitter"),
        "icons are drawn, not written: {icons}"
    );

    let edges = text_of("flowchart-094");
    assert!(edges.contains("edgelabel") && edges.contains("Boldedgelabel"), "{edges}");
    assert!(!edges.contains("\"edge") && !edges.contains("**"), "{edges}");

    let mind = text_of("mindmap-010");
    assert!(mind.contains("Rootwith") && mind.contains("averylongtext"), "{mind}");
}
