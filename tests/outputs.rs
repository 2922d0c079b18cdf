//! Output paths never destroy data: the source, its style and its images are refused as
//! outputs (exit 2, the file unchanged), so is one path for both PDF and PNG, and a file that
//! is not a PDF or PNG is replaced only with `--force`.

mod common;

use std::path::Path;

use common::{hanji, root, temp_dir};

const SHEET: &str = "---\ntitle: \"T\"\nstyle: my.toml\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n## A {#a}\n\n글씨 text\n\n![logo](logo.png)\n";
const STYLE: &str = "[text]\nsize = 11\n";

/// A folder with `sheet.md`, its style `my.toml` and its image `logo.png`.
fn sheet_folder(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("sheet.md"), SHEET).unwrap();
    std::fs::write(dir.join("my.toml"), STYLE).unwrap();
    std::fs::copy(root().join("tests/fixtures/checker.png"), dir.join("logo.png")).unwrap();
    dir
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// Runs `args` in a fresh sheet folder and checks: exit 2, the message has `needle`, and
/// every file in the folder is byte-for-byte what it was (nothing written, nothing replaced).
fn refused(name: &str, args: &[&str], needle: &str) {
    let dir = sheet_folder(name);
    let before = snapshot(&dir);
    let out = hanji(args, &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: exit code; stderr: {stderr}");
    assert!(stderr.contains(needle), "{name}: expected `{needle}` in: {stderr}");
    assert_eq!(snapshot(&dir), before, "{name}: the folder changed");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_source_is_never_an_output() {
    refused("src-pdf", &["render", "sheet.md", "-o", "sheet.md"], "the source");
    refused("src-png", &["render", "sheet.md", "--png", "sheet.md"], "the source");
    refused("src-dotted", &["render", "sheet.md", "-o", "./sub/../sheet.md"], "the source");
    refused("src-force", &["render", "sheet.md", "-o", "sheet.md", "--force"], "the source");
}

#[test]
fn the_style_and_images_are_never_outputs() {
    refused("style", &["render", "sheet.md", "-o", "my.toml"], "the style file");
    refused(
        "style-flag",
        &["render", "sheet.md", "--style", "my.toml", "--png", "my.toml"],
        "the style file",
    );
    refused("image", &["render", "sheet.md", "-o", "logo.png"], "the image");
    refused("image-png", &["render", "sheet.md", "--png", "logo.png", "--force"], "the image");
}

#[test]
fn one_path_is_not_both_pdf_and_png() {
    refused("same", &["render", "sheet.md", "-o", "out.pdf", "--png", "out.pdf"], "twice");
}

#[test]
fn only_pdf_and_png_files_are_replaced_without_force() {
    let dir = sheet_folder("foreign");
    std::fs::write(dir.join("notes.txt"), "my notes").unwrap();
    let out = hanji(&["render", "sheet.md", "-o", "notes.txt"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(dir.join("notes.txt")).unwrap(), b"my notes");
    let out = hanji(&["render", "sheet.md", "-o", "notes.txt", "--force"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(dir.join("notes.txt")).unwrap().starts_with(b"%PDF-"));
    // An earlier render is replaced without asking, PDF and PNG alike.
    let first = hanji(&["render", "sheet.md", "--png"], &dir);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let again = hanji(&["render", "sheet.md", "--png"], &dir);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("sheet.md")).unwrap(), SHEET);
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn a_symlink_to_the_source_is_refused() {
    let dir = sheet_folder("symlink");
    std::os::unix::fs::symlink(dir.join("sheet.md"), dir.join("link.pdf")).unwrap();
    let out = hanji(&["render", "sheet.md", "-o", "link.pdf"], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("sheet.md")).unwrap(), SHEET);
    std::fs::remove_dir_all(&dir).ok();
}

/// A PNG of several pages is numbered (`out-1.png`, `out-2.png`): a numbered name that is one
/// of the source's images is refused too, after typesetting and before anything is written.
#[test]
fn a_numbered_png_page_is_not_an_image() {
    let dir = sheet_folder("numbered");
    std::fs::copy(dir.join("logo.png"), dir.join("page-2.png")).unwrap();
    let notes = "# Notes\n\n## One\n\n![logo](page-2.png)\n\n\\newpage\n\n## Two\n\nsecond\n";
    std::fs::write(dir.join("notes.md"), notes).unwrap();
    let before = snapshot(&dir);
    let out = hanji(&["render", "notes.md", "--png", "page.png", "--dpi", "20"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("refusing to write page-2.png: it is the image"), "{stderr}");
    assert_eq!(snapshot(&dir), before, "the folder changed");
    // Another name renders both pages.
    let out = hanji(&["render", "notes.md", "--png", "shot.png", "--dpi", "20"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("shot-1.png").exists() && dir.join("shot-2.png").exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// A source on standard input reads its style and images from `--base`: those are refused as
/// outputs as a source file's are, and the folder is left as it was.
#[test]
fn the_style_and_images_of_a_source_on_stdin_are_never_outputs() {
    use std::io::Write;
    for (name, args, needle) in [
        ("stdin-image", &["render", "-", "-o", "logo.png"][..], "the image"),
        ("stdin-image-pdf", &["render", "-", "-o", "x.pdf", "--png", "./logo.png"][..], "the image"),
        ("stdin-style", &["render", "-", "-o", "my.toml", "--force"][..], "the style file"),
        ("stdin-base", &["render", "-", "--base", "sub/..", "-o", "sub/../logo.png"][..], "the image"),
    ] {
        let dir = sheet_folder(name);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let before = snapshot(&dir);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hanji"))
            .args(args)
            .current_dir(&dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(SHEET.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(needle), "{name}: expected `{needle}` in {stderr}");
        assert_eq!(snapshot(&dir), before, "{name}: the folder changed");
        std::fs::remove_dir_all(&dir).ok();
    }
}
