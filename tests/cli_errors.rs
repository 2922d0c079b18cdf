//! Bad input never panics and never leaves a file: a message with file:line, exit code 1.
//! Usage errors exit with 2.

mod common;

use common::{hanji, temp_dir};

const GOOD_FRONT: &str = "---\ntitle: \"T\"\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n";

/// Renders `source` as `sheet.md` in a fresh folder and checks the failure: exit code 1, the
/// message names `sheet.md:LINE` and contains every `needle`, and the folder holds nothing new.
fn fails(name: &str, source: &[u8], line: usize, needles: &[&str]) {
    let dir = temp_dir(name);
    std::fs::write(dir.join("sheet.md"), source).unwrap();
    let out = hanji(&["render", "sheet.md", "-o", "sheet.pdf"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{name}: exit code; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    let location = format!("sheet.md:{line}:");
    assert!(stderr.contains(&location), "{name}: expected `{location}` in: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{name}: expected `{needle}` in: {stderr}");
    }
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "sheet.md")
        .collect();
    assert!(left.is_empty(), "{name}: files left behind: {left:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_yaml() {
    // Named where the unclosed quote opens, not where the scanner gave up.
    fails("yaml", b"---\ntitle: \"T\nlayout: [\n---\n## A\n", 2, &["front matter", "quoted scalar"]);
    fails("yaml-tab", b"---\ntitle: T\nlayout:\n\t- height: 100%\n---\n## A\n", 4, &["front matter"]);
}

#[test]
fn unclosed_front_matter() {
    fails("unclosed", b"---\ntitle: T\n\n## A\ntext\n", 1, &["---"]);
}

#[test]
fn unknown_id_in_layout() {
    let src = "---\ntitle: T\nlayout:\n  - height: 100%\n    boxes: [a, nope]\n---\n## A {#a}\nx\n";
    fails("unknown-id", src.as_bytes(), 5, &["nope"]);
}

#[test]
fn duplicate_ids() {
    let src = format!("{GOOD_FRONT}## A {{#a}}\nx\n\n## Again {{#a}}\ny\n");
    fails("duplicate", src.as_bytes(), 10, &["a"]);
}

#[test]
fn heights_not_adding_up() {
    let src = "---\ntitle: T\nlayout:\n  - height: 60%\n    boxes: [a]\n  - height: 30%\n    boxes: [b]\n---\n## A {#a}\nx\n## B {#b}\ny\n";
    // Named at the first row's `height:` line.
    fails("heights", src.as_bytes(), 4, &["90%", "100%"]);
}

#[test]
fn unplaced_section() {
    let src = format!("{GOOD_FRONT}## A {{#a}}\nx\n\n## Lost {{#lost}}\ny\n");
    fails("unplaced", src.as_bytes(), 10, &["lost", "layout"]);
}

#[test]
fn missing_style() {
    let src =
        "---\ntitle: T\nstyle: nowhere.toml\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n## A {#a}\nx\n";
    fails("style", src.as_bytes(), 3, &["nowhere.toml", "pen-notes"]);
}

#[test]
fn non_utf8_bytes() {
    let mut src = GOOD_FRONT.as_bytes().to_vec();
    src.extend_from_slice(b"## A {#a}\nfine\nbad \xff\xfe byte\n");
    fails("utf8", &src, 9, &["UTF-8"]);
}

#[test]
fn empty_file() {
    fails("empty", b"", 1, &["empty"]);
    fails("blank", b"\n  \n\n", 1, &["empty"]);
}

#[test]
fn thousands_of_nested_quotes() {
    let mut src = GOOD_FRONT.to_string();
    src.push_str("## A {#a}\n");
    src.push_str(&">".repeat(5000));
    src.push_str(" deep\n");
    fails("quotes", src.as_bytes(), 8, &["nesting"]);
}

#[test]
fn thousands_of_nested_list_levels() {
    let mut src = GOOD_FRONT.to_string();
    src.push_str("## A {#a}\n");
    for level in 0..1000 {
        src.push_str(&"  ".repeat(level));
        src.push_str("- item\n");
    }
    // Named at the line where the nesting passes the limit: 32 levels below line 8.
    fails("lists", src.as_bytes(), 40, &["nesting"]);
}

#[test]
fn multi_megabyte_paragraph_is_an_overflow_naming_the_box() {
    let mut src = GOOD_FRONT.to_string();
    src.push_str("## A {#a}\n");
    src.push_str(&"가나다라 마바사 Hanji typesetting ".repeat(45_000));
    src.push('\n');
    let started = std::time::Instant::now();
    fails("huge", src.as_bytes(), 7, &["`a`", "overflows", "mm"]);
    assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());
}

#[test]
fn overflowing_box_names_the_box_and_the_missing_height() {
    let src = "---\ntitle: T\nlayout:\n  - height: 10%\n    boxes: [title]\n  - height: 90%\n    boxes: [a, b]\n---\n## Short {#a}\nx\n\n## Long {#b}\n"
        .to_string()
        + &"- 한 줄 더 있습니다\n".repeat(400);
    fails("overflow", src.as_bytes(), 12, &["`b`", "overflows", "shrunk to 70 %", "mm (about"]);
}

#[test]
fn missing_source_file() {
    let dir = temp_dir("missing");
    let out = hanji(&["render", "nothing-here.md"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing-here.md"));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn unwritable_output_leaves_nothing() {
    let dir = temp_dir("unwritable");
    std::fs::write(dir.join("sheet.md"), format!("{GOOD_FRONT}## A {{#a}}\nx\n")).unwrap();
    let out = hanji(&["render", "sheet.md", "-o", "no/such/dir/out.pdf"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("out.pdf"));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = temp_dir("usage");
    for args in [&[][..], &["render"][..], &["render", "a.md", "--bogus"][..], &["frobnicate"][..]] {
        let out = hanji(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let help = hanji(&["render", "--help"], &dir);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples:"));
}

#[test]
fn a_good_sheet_renders_with_the_default_output_name() {
    let dir = temp_dir("good");
    std::fs::write(dir.join("sheet.md"), format!("{GOOD_FRONT}## A {{#a}}\n**굵게** 그리고 ==형광펜==\n"))
        .unwrap();
    let out = hanji(&["render", "sheet.md"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = std::fs::read(dir.join("sheet.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn a_missing_glyph_is_a_warning_with_its_line() {
    let dir = temp_dir("tofu");
    std::fs::write(
        dir.join("sheet.md"),
        format!("{GOOD_FRONT}## A {{#a}}\nok\n\nno font has \u{1D11E} here\n"),
    )
    .unwrap();
    let out = hanji(&["render", "sheet.md"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("sheet.md:10:") && stderr.contains("U+1D11E"), "{stderr}");
    let quiet = hanji(&["render", "sheet.md", "--quiet"], &dir);
    assert!(quiet.stderr.is_empty());
}

/// `hanji parse x.md | head -1`: the reader closes the pipe early; Hanji stops quietly.
#[test]
fn a_closed_pipe_is_no_panic() {
    let dir = temp_dir("pipe");
    let mut src = String::from(GOOD_FRONT);
    src.push_str("## A {#a}\n");
    for i in 0..2000 {
        src.push_str(&format!("- item {i}\n"));
    }
    std::fs::write(dir.join("sheet.md"), src).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "\"{}\" parse sheet.md | head -c 10 > /dev/null; echo done",
            env!("CARGO_BIN_EXE_hanji")
        ))
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
