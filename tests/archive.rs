//! Archive-grade PDF: every sample conforms to PDF/A-2u and PDF/UA-1 as the independent
//! validator `page-validation` reads it (PDF/A-3u with `--embed-source`), the structure tree
//! reads in the source's order, dates never come from the clock, and an archived PDF renders
//! again to the same bytes.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{hanji, root, squeeze, temp_dir, to_unicode, tool};
use lopdf::{Document, Object, ObjectId};

const SAMPLES: &[&str] = &[
    "samples/pretraining-to-post-training.md",
    "samples/git-basics.md",
    "samples/characters.md",
    "samples/diagrams.md",
    "samples/handout.md",
    "samples/lecture-notes.md",
    "samples/ml-formulas.md",
    "samples/math-notes.md",
    "samples/habits.md",
];

/// Renders a source (with extra arguments) into `dir`; returns the PDF's path.
fn render(source: &Path, dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let pdf = dir.join(name);
    let mut args = vec!["render", source.to_str().unwrap(), "-o", pdf.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = hanji(&args, dir);
    assert!(out.status.success(), "{}: {}", source.display(), String::from_utf8_lossy(&out.stderr));
    pdf
}

/// Failed rules of `page-validation` for a profile: (rule id, message) lines.
fn failed_rules(pdfs: &[PathBuf], profile: &str) -> Vec<String> {
    let script = format!(
        "import sys, page\nfor p in sys.argv[1:]:\n    r = page.validate_pdf(p, profile='{profile}')\n    print('RULES', p, r.rules.passed, r.rules.failed)\n    for f in r.failures:\n        print('FAIL', p, f)\n"
    );
    let mut args = vec!["-c".to_string(), script];
    args.extend(pdfs.iter().map(|p| p.to_string_lossy().into_owned()));
    let out = std::process::Command::new("python3")
        .args(&args)
        .output()
        .expect("python3 runs (make test installs page-validation)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "page-validation did not run (make deps installs it: pip install page-validation==0.11.0): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked = stdout.lines().filter(|l| l.starts_with("RULES")).count();
    assert_eq!(checked, pdfs.len(), "{stdout}");
    for line in stdout.lines().filter(|l| l.starts_with("RULES")) {
        let passed: u32 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert!(passed > 90, "{profile}: too few rules checked: {line}");
    }
    stdout.lines().filter(|l| l.starts_with("FAIL")).map(str::to_string).collect()
}

#[test]
fn every_sample_is_pdf_a_2u_and_pdf_ua_1() {
    let dir = temp_dir("archive-samples");
    let pdfs: Vec<PathBuf> = SAMPLES
        .iter()
        .map(|s| {
            let name = Path::new(s).file_stem().unwrap().to_str().unwrap().to_string();
            render(&root().join(s), &dir, &format!("{name}.pdf"), &[])
        })
        .collect();
    for profile in ["pdfa-2u", "pdfua-1"] {
        let failed = failed_rules(&pdfs, profile);
        assert!(failed.is_empty(), "{profile}:\n{}", failed.join("\n"));
    }
    // Each carrying its source: PDF/A-3u, and still PDF/UA-1.
    let archives: Vec<PathBuf> = SAMPLES
        .iter()
        .map(|s| {
            let name = Path::new(s).file_stem().unwrap().to_str().unwrap().to_string();
            render(&root().join(s), &dir, &format!("{name}-archive.pdf"), &["--embed-source"])
        })
        .collect();
    for profile in ["pdfa-3u", "pdfua-1"] {
        let failed = failed_rules(&archives, profile);
        assert!(failed.is_empty(), "--embed-source {profile}:\n{}", failed.join("\n"));
    }
    // And in the clean style.
    let clean: Vec<PathBuf> = [SAMPLES[0], SAMPLES[5]]
        .iter()
        .enumerate()
        .map(|(i, s)| render(&root().join(s), &dir, &format!("clean-{i}.pdf"), &["--style", "clean"]))
        .collect();
    for profile in ["pdfa-2u", "pdfua-1"] {
        let failed = failed_rules(&clean, profile);
        assert!(failed.is_empty(), "clean {profile}:\n{}", failed.join("\n"));
    }
}

/// A source with a style file beside it and an image in a sub-folder.
fn archive_source(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("src/images")).unwrap();
    std::fs::copy(root().join("tests/fixtures/checker.png"), dir.join("src/images/checker.png")).unwrap();
    std::fs::write(dir.join("src/mine.toml"), "[fit]\nmax_scale = 1.3\n").unwrap();
    let source = "---\ntitle: \"보관용 노트\"\ndate: \"2026-11-27\"\nstyle: mine.toml\n---\n\n## 그림 {#pic}\n\n![바둑판 무늬](images/checker.png)\n\n원본과 그림과 스타일이 PDF 안에 들어간다.\n";
    std::fs::write(dir.join("src/notes.md"), source).unwrap();
    dir.join("src/notes.md")
}

#[test]
fn an_archive_carries_its_source_and_renders_again_to_the_same_bytes() {
    let dir = temp_dir("archive-embed");
    let source = archive_source(&dir);
    let archived = render(&source, &dir, "archived.pdf", &["--embed-source"]);
    let listed = tool("pdfdetach", &["-list", archived.to_str().unwrap()]);
    for name in ["notes.md", "mine.toml", "images/checker.png", "hanji-archive.json"] {
        assert!(listed.contains(name), "{name} is not attached:\n{listed}");
    }
    // Each file comes back out byte for byte.
    for (name, original) in
        [("notes.md", source.clone()), ("images/checker.png", dir.join("src/images/checker.png"))]
    {
        let saved = dir.join("detached");
        tool("pdfdetach", &["-savefile", name, "-o", saved.to_str().unwrap(), archived.to_str().unwrap()]);
        assert!(std::fs::read(&saved).unwrap() == std::fs::read(&original).unwrap(), "{name} differs");
    }
    let failed = failed_rules(std::slice::from_ref(&archived), "pdfa-3u");
    assert!(failed.is_empty(), "pdfa-3u:\n{}", failed.join("\n"));
    let failed = failed_rules(std::slice::from_ref(&archived), "pdfua-1");
    assert!(failed.is_empty(), "pdfua-1:\n{}", failed.join("\n"));
    // Rendered again from the archive alone, elsewhere, with the originals gone.
    let elsewhere = temp_dir("archive-again");
    std::fs::copy(&archived, elsewhere.join("kept.pdf")).unwrap();
    std::fs::remove_dir_all(dir.join("src")).unwrap();
    let again = render(&elsewhere.join("kept.pdf"), &elsewhere, "again.pdf", &[]);
    assert!(
        std::fs::read(&again).unwrap() == std::fs::read(&archived).unwrap(),
        "the archive renders to other bytes"
    );
    // Without --embed-source the same source is PDF/A-2u, without attachments.
    let plain_dir = temp_dir("archive-plain");
    let plain = render(&archive_source(&plain_dir), &plain_dir, "plain.pdf", &[]);
    let listed = tool("pdfdetach", &["-list", plain.to_str().unwrap()]);
    assert!(listed.starts_with("0 embedded files"), "{listed}");
    let xmp = String::from_utf8_lossy(&std::fs::read(&plain).unwrap()).into_owned();
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>") && xmp.contains("<pdfuaid:part>1</pdfuaid:part>"));
    let xmp = String::from_utf8_lossy(&std::fs::read(&archived).unwrap()).into_owned();
    assert!(xmp.contains("<pdfaid:part>3</pdfaid:part>"));
}

#[test]
fn a_pdf_without_a_source_is_refused_naming_the_file() {
    let dir = temp_dir("archive-none");
    let plain = render(&root().join(SAMPLES[1]), &dir, "plain.pdf", &[]);
    let out = hanji(&["render", plain.to_str().unwrap(), "-o", "again.pdf"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("plain.pdf carries no Hanji source") && stderr.contains("--embed-source"),
        "{stderr}"
    );
    assert!(!dir.join("again.pdf").exists());
}

/// The document's dates: the front matter's `date`, else `SOURCE_DATE_EPOCH`, else a fixed
/// date; the information dictionary and the XMP say the same.
#[test]
fn dates_come_from_the_source_never_from_the_clock() {
    let dir = temp_dir("archive-dates");
    std::fs::write(dir.join("dated.md"), "---\ntitle: 날짜\ndate: \"2026-11-27\"\n---\n\n## 하나\n\n글.\n")
        .unwrap();
    std::fs::write(dir.join("undated.md"), "---\ntitle: 날짜 없음\n---\n\n## 하나\n\n글.\n").unwrap();
    let dated = render(&dir.join("dated.md"), &dir, "dated.pdf", &[]);
    let info = tool("pdfinfo", &["-isodates", dated.to_str().unwrap()]);
    assert!(info.contains("CreationDate:    2026-11-27T00:00:00Z"), "{info}");
    let bytes = String::from_utf8_lossy(&std::fs::read(&dated).unwrap()).into_owned();
    assert!(bytes.contains("<xmp:CreateDate>2026-11-27T00:00:00Z</xmp:CreateDate>"));
    let epoch = |value: Option<&str>, name: &str| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_hanji"));
        command.args(["render", "undated.md", "-o", name]).current_dir(&dir);
        match value {
            Some(v) => command.env("SOURCE_DATE_EPOCH", v),
            None => command.env_remove("SOURCE_DATE_EPOCH"),
        };
        assert!(command.output().unwrap().status.success());
        tool("pdfinfo", &["-isodates", dir.join(name).to_str().unwrap()])
    };
    assert!(epoch(Some("1796000000"), "epoch.pdf").contains("CreationDate:    2026-11-30T00:53:20Z"));
    assert!(epoch(None, "fixed.pdf").contains("CreationDate:    2000-01-01T00:00:00Z"));
    let again = epoch(None, "fixed-again.pdf");
    assert!(again.contains("2000-01-01"));
    assert!(
        std::fs::read(dir.join("fixed.pdf")).unwrap() == std::fs::read(dir.join("fixed-again.pdf")).unwrap()
    );
}

/// Text per marked-content id of each page: (page index, mcid) → text, with an emoji's
/// actual text in place of its carrier glyph.
fn marked_texts(doc: &Document) -> BTreeMap<(usize, i64), String> {
    let mut out = BTreeMap::new();
    for (index, (_, page_id)) in doc.get_pages().into_iter().enumerate() {
        let maps: BTreeMap<Vec<u8>, BTreeMap<u16, String>> = doc
            .get_page_fonts(page_id)
            .unwrap()
            .into_iter()
            .map(|(name, font)| (name, to_unicode(doc, font)))
            .collect();
        let content = lopdf::content::Content::decode(&doc.get_page_content(page_id)).unwrap();
        let mut stack: Vec<Option<(i64, Option<String>)>> = Vec::new();
        let mut font: Vec<u8> = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "BDC" => {
                    let props = op.operands.get(1).and_then(|o| o.as_dict().ok());
                    let mcid = props.and_then(|d| d.get(b"MCID").ok()).and_then(|m| m.as_i64().ok());
                    let actual = props
                        .and_then(|d| d.get(b"ActualText").ok())
                        .and_then(|t| t.as_str().ok())
                        .map(utf16);
                    if let (Some(mcid), Some(actual)) = (mcid, &actual) {
                        out.entry((index, mcid)).or_insert_with(String::new).push_str(actual);
                    }
                    stack.push(mcid.map(|m| (m, actual)));
                }
                "BMC" => stack.push(None),
                "EMC" => {
                    stack.pop();
                }
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "TJ" | "Tj" => {
                    let Some(Some((mcid, None))) = stack.last() else { continue };
                    let strings: Vec<&[u8]> = match &op.operands[0] {
                        Object::Array(parts) => parts.iter().filter_map(|p| p.as_str().ok()).collect(),
                        other => other.as_str().ok().into_iter().collect(),
                    };
                    let map = &maps[&font];
                    let text = out.entry((index, *mcid)).or_insert_with(String::new);
                    for string in strings {
                        for code in string.chunks_exact(2) {
                            if let Some(t) = map.get(&u16::from_be_bytes([code[0], code[1]])) {
                                text.push_str(t);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .strip_prefix(&[0xFE, 0xFF])
        .unwrap_or(bytes)
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// The structure tree's text in reading order, depth first: what a screen reader reads.
fn structure_text(doc: &Document) -> String {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let texts = marked_texts(doc);
    let root = doc.catalog().unwrap().get(b"StructTreeRoot").unwrap().as_reference().unwrap();
    let root = doc.get_object(root).unwrap().as_dict().unwrap();
    let mut out = String::new();
    fn visit(
        doc: &Document,
        object: &Object,
        page: Option<usize>,
        pages: &[ObjectId],
        texts: &BTreeMap<(usize, i64), String>,
        out: &mut String,
    ) {
        let page_of = |dict: &lopdf::Dictionary| {
            dict.get(b"Pg")
                .ok()
                .and_then(|p| p.as_reference().ok())
                .and_then(|id| pages.iter().position(|p| *p == id))
        };
        match object {
            Object::Array(kids) => kids.iter().for_each(|k| visit(doc, k, page, pages, texts, out)),
            Object::Integer(mcid) => {
                out.push_str(texts.get(&(page.unwrap(), *mcid)).map_or("", String::as_str))
            }
            Object::Reference(id) => {
                let element = doc.get_object(*id).unwrap().as_dict().unwrap();
                if let Ok(kids) = element.get(b"K") {
                    visit(doc, kids, page_of(element).or(page), pages, texts, out);
                }
            }
            Object::Dictionary(dict) => {
                if let Ok(mcid) = dict.get(b"MCID").and_then(Object::as_i64) {
                    out.push_str(texts.get(&(page_of(dict).unwrap(), mcid)).map_or("", String::as_str));
                }
            }
            _ => {}
        }
    }
    visit(doc, root.get(b"K").unwrap(), None, &pages, &texts, &mut out);
    out
}

/// The source's text in reading order: the title, then each section's title, its
/// paragraphs, headings, list items, table cells and code lines, then its subsections.
fn source_texts(path: &Path) -> Vec<String> {
    use hanji::model::{Block, Inline, Section};
    // The text around formulas (a formula reads as its glyphs, not as its TeX).
    fn plain_text(inlines: &[Inline]) -> String {
        inlines
            .iter()
            .map(|i| match i {
                Inline::Math(_) => "\u{0}".to_string(),
                other => hanji::model::plain_text(std::slice::from_ref(other)),
            })
            .collect()
    }
    fn blocks(list: &[Block], out: &mut Vec<String>) {
        for block in list {
            match block {
                Block::Paragraph { inlines, .. } | Block::Heading { inlines, .. } => {
                    out.push(plain_text(inlines))
                }
                Block::List { items, .. } => items.iter().for_each(|i| blocks(&i.blocks, out)),
                Block::Quote { blocks: inner, .. } => blocks(inner, out),
                Block::Table { header, rows, .. } => {
                    out.extend(header.iter().chain(rows.iter().flatten()).map(|c| plain_text(c)))
                }
                Block::Code { text, .. } => out.extend(text.lines().map(str::to_string)),
                _ => {}
            }
        }
    }
    fn section(s: &Section, out: &mut Vec<String>) {
        out.push(plain_text(&s.title));
        blocks(&s.blocks, out);
        s.subsections.iter().for_each(|sub| section(sub, out));
    }
    let doc = hanji::load_document(path).unwrap();
    let mut out = vec![doc.meta.title.clone()];
    blocks(&doc.opening, &mut out);
    doc.sections.iter().for_each(|s| section(s, &mut out));
    out.iter().flat_map(|t| t.split('\u{0}').map(str::to_string).collect::<Vec<_>>()).collect()
}

#[test]
fn the_structure_tree_reads_in_the_order_of_the_source() {
    let dir = temp_dir("archive-order");
    // A grid that places the boxes in another order than the source's.
    let swapped = dir.join("swapped.md");
    let mut text =
        String::from("---\ntitle: 순서\nlayout:\n  - boxes: [title]\n  - boxes: [second, first]\n---\n");
    for (id, title) in [("first", "첫째"), ("second", "둘째")] {
        text.push_str(&format!("\n## {title} {{#{id}}}\n\n"));
        for i in 0..6 {
            text.push_str(&format!("- {title} 상자의 {i}번째 줄\n"));
        }
    }
    std::fs::write(&swapped, text).unwrap();
    let swapped = swapped.to_string_lossy().into_owned();
    for sample in SAMPLES.iter().copied().chain([swapped.as_str()]) {
        let path = root().join(sample);
        let name = format!("{}.pdf", path.file_stem().unwrap().to_str().unwrap());
        let pdf = render(&path, &dir, &name, &[]);
        let doc = Document::load(&pdf).unwrap();
        // Footnote marks (superscript numbers) are read where they stand; the model's plain
        // text leaves them out.
        let superscripts = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
        let read = squeeze(&structure_text(&doc)).replace(['-', '↪'], "").replace(superscripts, "");
        let mut at = 0;
        let mut found = 0;
        for text in source_texts(&path) {
            // The title's `:` part is drawn as written; both may carry emoji.
            let want = squeeze(&text).replace('-', "");
            if want.is_empty() {
                continue;
            }
            let Some(offset) = read[at..].find(&want) else {
                panic!("{sample}: `{text}` is not read after what precedes it (read from byte {at})");
            };
            at += offset + want.len();
            found += 1;
        }
        assert!(found >= 10, "{sample}: only {found} texts");
    }
}
