//! Pipes: `-` as the source reads standard input (Markdown, or a JSON model with `--from
//! json`), its images read from `--base`; `-o -` writes the PDF or PNG to standard output,
//! and nothing else goes there: warnings and errors (named `<stdin>:LINE`) go to standard
//! error. Combinations that cannot make sense are usage errors (exit 2) that write nothing.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{hanji, root, temp_dir, SAMPLE};
use lopdf::{Document, Object};

/// Runs hanji in `cwd` with `input` on standard input.
fn piped(args: &[&str], cwd: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hanji"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hanji");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // Written from a thread: a large output could otherwise fill the pipe while we write.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("hanji ends");
    writer.join().expect("writer");
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn sample() -> Vec<u8> {
    std::fs::read(root().join(SAMPLE)).unwrap()
}

/// A PDF parsed back: standard output held one whole document and nothing else.
fn whole_pdf(bytes: &[u8]) -> Document {
    assert!(bytes.starts_with(b"%PDF-"), "standard output does not start with a PDF header");
    let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(16)..]).into_owned();
    assert!(tail.trim_end().ends_with("%%EOF"), "standard output does not end with the PDF: {tail:?}");
    Document::load_mem(bytes).expect("a PDF that lopdf reads")
}

fn image_count(doc: &Document) -> usize {
    doc.objects
        .values()
        .filter(|o| matches!(o, Object::Stream(s) if s.dict.get(b"Subtype").ok().and_then(|v| v.as_name().ok()) == Some(b"Image")))
        .count()
}

#[test]
fn markdown_on_stdin_gives_the_pdf_a_file_gives() {
    let dir = temp_dir("stdin-md");
    std::fs::write(dir.join("sheet.md"), sample()).unwrap();
    let file = hanji(&["render", "sheet.md", "-o", "file.pdf"], &dir);
    assert!(file.status.success(), "{}", stderr(&file));
    // `-o -` said, and the default for a source on standard input.
    for args in [&["render", "-", "-o", "-"][..], &["render", "-"][..]] {
        let out = piped(args, &dir, &sample());
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        whole_pdf(&out.stdout);
        assert_eq!(out.stdout, std::fs::read(dir.join("file.pdf")).unwrap(), "{args:?}: not the file's PDF");
    }
    // Its warnings are named by `<stdin>` and the source line, on standard error only.
    let out = piped(&["render", "-"], &dir, &sample());
    let warnings = stderr(&out);
    assert!(warnings.contains("warning: <stdin>:"), "{warnings}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("warning"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_json_model_on_stdin_with_from_json() {
    let dir = temp_dir("stdin-json");
    let parsed = piped(&["parse", "-"], &dir, &sample());
    assert!(parsed.status.success(), "{}", stderr(&parsed));
    let from_md = piped(&["render", "-", "-o", "-"], &dir, &sample());
    let from_json = piped(&["render", "-", "--from", "json", "-o", "-"], &dir, &parsed.stdout);
    assert!(from_json.status.success(), "{}", stderr(&from_json));
    whole_pdf(&from_json.stdout);
    assert_eq!(from_json.stdout, from_md.stdout, "the model renders to another PDF than its Markdown");
    // Without --from the model is read as Markdown: a page of JSON text.
    let as_markdown = piped(&["render", "-", "-o", "-"], &dir, &parsed.stdout);
    assert!(as_markdown.status.success(), "{}", stderr(&as_markdown));
    assert_ne!(as_markdown.stdout, from_md.stdout);
    // A broken model names `<stdin>` and its JSON line.
    let broken = String::from_utf8(parsed.stdout).unwrap().replacen("\"title\":", "\"title\": 5, \"x\":", 1);
    let out = piped(&["render", "-", "--from", "json", "-o", "-"], &dir, broken.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error: <stdin>:3: not a valid Hanji document model"), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "an error wrote to standard output");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn images_of_a_source_on_stdin_are_read_from_base() {
    let pictures = temp_dir("stdin-base");
    std::fs::copy(root().join("tests/fixtures/checker.png"), pictures.join("logo.png")).unwrap();
    let elsewhere = temp_dir("stdin-elsewhere");
    let source = b"---\ntitle: T\nlang: en\n---\n## A\n\nText.\n\n![logo](logo.png)\n";
    let base = pictures.to_str().unwrap();
    let out = piped(&["render", "-", "--base", base, "-o", "-"], &elsewhere, source);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(image_count(&whole_pdf(&out.stdout)), 1, "the image from --base is not in the PDF");
    // The default base is the working folder: there it is found, elsewhere it is not.
    let here = piped(&["render", "-", "-o", "-"], &pictures, source);
    assert!(here.status.success(), "{}", stderr(&here));
    assert_eq!(here.stdout, out.stdout);
    let missing = piped(&["render", "-", "-o", "-"], &elsewhere, source);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("<stdin>:9: image `logo.png` cannot be opened"),
        "{}",
        stderr(&missing)
    );
    assert!(missing.stdout.is_empty());
    // A style file named in the front matter is read from --base too.
    std::fs::write(pictures.join("big.toml"), "[text]\nsize = 14\n").unwrap();
    let styled = b"---\ntitle: T\nstyle: big.toml\n---\n## A\n\nText.\n";
    let out = piped(&["render", "-", "--base", base, "-o", "-"], &elsewhere, styled);
    assert!(out.status.success(), "{}", stderr(&out));
    let unstyled = b"---\ntitle: T\n---\n## A\n\nText.\n";
    let plain = piped(&["render", "-", "--base", base, "-o", "-"], &elsewhere, unstyled);
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert_ne!(out.stdout, plain.stdout, "the style from --base made no difference");
    let missing = piped(&["render", "-", "-o", "-"], &elsewhere, styled);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("<stdin>:3: style file `big.toml` not found"), "{}", stderr(&missing));
    // Nothing outside the base folder is read.
    let outside = b"## A\n\n![x](../x.png)\n";
    std::fs::copy(root().join("tests/fixtures/checker.png"), pictures.parent().unwrap().join("x.png")).ok();
    let out = piped(&["render", "-", "--base", base, "-o", "-"], &elsewhere, outside);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("<stdin>:3: image `../x.png` is outside the source's folder"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&pictures).ok();
    std::fs::remove_dir_all(&elsewhere).ok();
}

#[test]
fn a_png_on_stdout_is_the_png_a_file_gets() {
    let dir = temp_dir("stdout-png");
    std::fs::write(dir.join("sheet.md"), sample()).unwrap();
    let file = hanji(&["render", "sheet.md", "-o", "file.png", "--dpi", "40"], &dir);
    assert!(file.status.success(), "{}", stderr(&file));
    let expected = std::fs::read(dir.join("file.png")).unwrap();
    let from_file = hanji(&["render", "sheet.md", "-o", "-", "--to", "png", "--dpi", "40"], &dir);
    let from_stdin = piped(&["render", "-", "--to", "png", "--dpi", "40"], &dir, &sample());
    for out in [&from_file, &from_stdin] {
        assert!(out.status.success(), "{}", stderr(out));
        assert_eq!(out.stdout, expected, "standard output is not the PNG");
    }
    let (image, _) = common::decode_png(&from_stdin.stdout);
    assert_eq!((image.width, image.height), (468, 331));
    // The PDF to standard output and the PNG to a file, at once.
    let both = piped(&["render", "-", "-o", "-", "--png", "both.png", "--dpi", "40"], &dir, &sample());
    assert!(both.status.success(), "{}", stderr(&both));
    whole_pdf(&both.stdout);
    assert_eq!(std::fs::read(dir.join("both.png")).unwrap(), expected);
    // The PDF to a file and the PNG to standard output.
    let png_out = piped(&["render", "-", "-o", "again.pdf", "--png", "-", "--dpi", "40"], &dir, &sample());
    assert!(png_out.status.success(), "{}", stderr(&png_out));
    assert_eq!(png_out.stdout, expected);
    whole_pdf(&std::fs::read(dir.join("again.pdf")).unwrap());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_document_of_several_pages_needs_page_for_a_png_on_stdout() {
    let dir = temp_dir("stdout-pages");
    let notes = "# Notes\n\n## One\n\nfirst\n\n\\newpage\n\n## Two\n\nsecond\n";
    let out = piped(&["render", "-", "--to", "png", "--dpi", "20"], &dir, notes.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("2 pages") && stderr(&out).contains("--page N"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let first = piped(&["render", "-", "--to", "png", "--page", "1", "--dpi", "20"], &dir, notes.as_bytes());
    let second = piped(&["render", "-", "--to", "png", "--page", "2", "--dpi", "20"], &dir, notes.as_bytes());
    for out in [&first, &second] {
        assert!(out.status.success(), "{}", stderr(out));
        assert!(out.stdout.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
    assert_ne!(first.stdout, second.stdout, "both pages drew the same");
    let third = piped(&["render", "-", "--to", "png", "--page", "3"], &dir, notes.as_bytes());
    assert_eq!(third.status.code(), Some(1));
    assert!(stderr(&third).contains("--page 3: the document has 2 pages"), "{}", stderr(&third));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn errors_on_stdin_name_its_line_and_write_nothing() {
    let dir = temp_dir("stdin-error");
    let source =
        "---\ntitle: T\nlayout:\n  - boxes: [a]\n---\n## A {#a}\n\n```mermaid\nflowchart LR\n  A -->\n```\n";
    let out = piped(&["render", "-"], &dir, source.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error: <stdin>:10: mermaid line 2"), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "an error wrote to standard output");
    let out = piped(&["render", "-", "-o", "out.pdf"], &dir, source.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.join("out.pdf").exists());
    // A PDF on standard input is refused at line 1, not read as Markdown.
    let out = piped(&["render", "-"], &dir, b"%PDF-1.7\n...");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("<stdin>:1: standard input holds a PDF"), "{}", stderr(&out));
    // More than the source limit is refused, at the line where it is crossed.
    let big = "가나다라 ".repeat(300_000);
    let out = piped(&["render", "-"], &dir, big.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("<stdin>:1: the source is larger than the limit of 2 MB"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn check_and_parse_read_stdin() {
    let dir = temp_dir("stdin-check");
    std::fs::write(dir.join("sheet.md"), sample()).unwrap();
    let from_file = hanji(&["parse", "sheet.md"], &dir);
    let from_stdin = piped(&["parse", "-"], &dir, &sample());
    assert!(from_stdin.status.success(), "{}", stderr(&from_stdin));
    assert_eq!(from_stdin.stdout, from_file.stdout);
    // A model on standard input is checked and printed again, unchanged.
    let again = piped(&["parse", "-", "--from", "json"], &dir, &from_file.stdout);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(again.stdout, from_file.stdout);

    let report = piped(&["check", "-", "--format", "json"], &dir, &sample());
    assert!(report.status.success(), "{}", stderr(&report));
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["pages"], 1);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(!warnings.is_empty(), "{report}");
    assert!(warnings.iter().all(|w| w["file"] == "<stdin>" && w["line"].is_u64()), "{report}");

    let bad = piped(&["check", "-"], &dir, b"## A\n\n[x](#nowhere)\n");
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(text.contains("error: <stdin>:3:") && text.contains("names no heading"), "{text}");
    // Images are read from --base for check too.
    std::fs::copy(root().join("tests/fixtures/checker.png"), dir.join("logo.png")).unwrap();
    let elsewhere = temp_dir("stdin-check-elsewhere");
    let image = b"## A\n\n![logo](logo.png)\n";
    let found = piped(&["check", "-", "--base", dir.to_str().unwrap()], &elsewhere, image);
    assert!(found.status.success(), "{}", String::from_utf8_lossy(&found.stdout));
    let missing = piped(&["check", "-"], &elsewhere, image);
    assert_eq!(missing.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&elsewhere).ok();
}

/// Each nonsense combination: exit 2, a message naming what to do, nothing on standard output
/// and no file written.
#[test]
fn nonsense_combinations_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (&["render", "-", "other.md"], "rendered alone"),
        (&["render", "-", "-"], "rendered alone"),
        (&["render", "sheet.md", "other.md", "-o", "-"], "with several sources, name a folder"),
        (&["render", "sheet.md", "other.md", "--png", "-"], "with several sources, name a folder"),
        (&["render", "-", "-o", "-", "--png", "-"], "cannot both go to standard output"),
        (&["render", "-", "--png"], "--png needs a file name"),
        (&["render", "-", "--to", "png", "--png", "x.png"], "already writes the PNG"),
        (&["render", "sheet.md", "-o", "x.pdf", "--to", "png"], "disagree"),
        (&["render", "sheet.md", "-o", "x.png", "--page", "2"], "--page picks the page"),
        (&["render", "sheet.md", "--base", "."], "--base is for a source on standard input"),
        (&["render", "sheet.md", "--from", "json"], "--from is for a source on standard input"),
        (&["render", "-", "--embed-source"], "--embed-source carries the source file"),
        (&["render", "-", "--base", "no-such-folder"], "not a folder"),
        (&["check", "sheet.md", "--base", "."], "--base is for a source on standard input"),
        (&["parse", "sheet.md", "--from", "json"], "--from is for a source on standard input"),
        (&["watch", "-"], "`-` (standard input or output) is for render"),
    ];
    let dir = temp_dir("nonsense");
    std::fs::write(dir.join("sheet.md"), sample()).unwrap();
    std::fs::write(dir.join("other.md"), sample()).unwrap();
    for (args, needle) in cases {
        let out = piped(args, &dir, &sample());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: expected `{needle}` in {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?} wrote to standard output");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, ["other.md", "sheet.md"], "{args:?} wrote a file");
    }
    std::fs::remove_dir_all(&dir).ok();
}
