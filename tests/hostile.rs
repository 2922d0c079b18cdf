//! Hostile but plausible inputs end quickly — exit 0 with a valid PDF, or exit 1 with
//! `file:line` — under a 3 GB address-space limit: never a panic, an abort, a signal or
//! runaway memory. Nothing outside the source's folder is opened.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{root, temp_dir};

const FRONT: &str = "---\ntitle: \"T\"\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n## A {#a}\n\n";

/// Runs the release binary in `dir` under `ulimit -v 3000000` (3 GB) and a 20 s limit.
fn run_limited(dir: &Path, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let script = format!("ulimit -v 3000000; exec timeout -s KILL 20 \"$0\" {}", shell_words(args));
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_hanji"))
        .current_dir(dir)
        .output()
        .expect("run sh");
    (out, started.elapsed())
}

fn shell_words(args: &[&str]) -> String {
    args.iter().map(|a| format!("'{}'", a.replace('\'', "'\\''"))).collect::<Vec<_>>().join(" ")
}

/// What a hostile input must end in.
enum Expect {
    /// Exit 0 and a PDF that qpdf accepts.
    Pdf,
    /// Exit 1 with this `file:line:` and words in the message.
    Error(&'static str, &'static [&'static str]),
}

fn check(name: &str, files: &[(&str, &[u8])], expect: Expect) -> Output {
    let dir = temp_dir(name);
    for (file, bytes) in files {
        std::fs::write(dir.join(file), bytes).unwrap();
    }
    let (out, took) = run_limited(&dir, &["render", "sheet.md", "-o", "out.pdf"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(took < Duration::from_secs(20), "{name}: took {took:?}");
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    match expect {
        Expect::Pdf => {
            assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
            let pdf = dir.join("out.pdf");
            common::tool("qpdf", &["--check", pdf.to_str().unwrap()]);
        }
        Expect::Error(location, words) => {
            assert_eq!(out.status.code(), Some(1), "{name}: exit code; stderr: {stderr}");
            assert!(stderr.contains(location), "{name}: expected `{location}` in: {stderr}");
            for word in words {
                assert!(stderr.contains(word), "{name}: expected `{word}` in: {stderr}");
            }
            assert!(!dir.join("out.pdf").exists(), "{name}: a PDF was written");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    out
}

fn sheet(body: &str) -> Vec<u8> {
    format!("{FRONT}{body}").into_bytes()
}

#[test]
fn a_non_ascii_colour_in_a_mermaid_style() {
    let src = sheet("```mermaid\nflowchart LR\n  A --> B\n  style A fill:#abcde€\n```\n");
    check("colour", &[("sheet.md", &src)], Expect::Error("sheet.md:12:", &["`#abcde€` is not a colour"]));
}

#[test]
fn an_axis_range_below_float_precision() {
    let src =
        sheet("```mermaid\nxychart-beta\n  y-axis 100000000000 --> 100000000000.00001\n  bar [1, 2]\n```\n");
    check("axis", &[("sheet.md", &src)], Expect::Error("sheet.md:11:", &["too narrow"]));
    let huge = sheet("```mermaid\nxychart-beta\n  bar [1, 1e300]\n```\n");
    check("huge-value", &[("sheet.md", &huge)], Expect::Error("sheet.md:11:", &["limit"]));
}

#[test]
fn style_values_out_of_range_name_the_style_line() {
    let src =
        b"---\ntitle: T\nstyle: my.toml\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n## A {#a}\nx\n";
    for (style, words) in [
        ("[grid]\npitch_mm = 1e-30\n", &["grid.pitch_mm", "1 to 100"][..]),
        ("# mine\n[text]\nsize = nan\n", &["text.size"][..]),
        ("[box]\nfill_alpha = inf\n", &["box.fill_alpha"][..]),
        ("[text]\nsize = \"big\"\n", &["text.size", "must be a number"][..]),
    ] {
        let line = style.lines().position(|l| l.contains(" = ")).unwrap() + 1;
        let location: &'static str = Box::leak(format!("my.toml:{line}:").into_boxed_str());
        check("style", &[("sheet.md", src), ("my.toml", style.as_bytes())], Expect::Error(location, words));
    }
}

/// The checker JPEG with its frame header claiming `width` × `height` pixels.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = std::fs::read(root().join("tests/fixtures/checker.jpg")).unwrap();
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).expect("a baseline JPEG");
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

#[test]
fn a_jpeg_claiming_billions_of_pixels_is_refused_before_decoding() {
    let src = sheet("![big](big.jpg)\n");
    let jpeg = jpeg_claiming(65500, 65500);
    check(
        "jpeg",
        &[("sheet.md", &src), ("big.jpg", &jpeg)],
        Expect::Error("sheet.md:9:", &["65500×65500", "limit"]),
    );
}

#[test]
fn deep_long_and_wide_diagrams_hit_their_limits() {
    let mut deep = String::from("```mermaid\nmindmap\n  root\n");
    for depth in 1..2000 {
        deep.push_str(&" ".repeat(2 + depth));
        deep.push_str(&format!("n{depth}\n"));
    }
    deep.push_str("```\n");
    check(
        "mind-depth",
        &[("sheet.md", &sheet(&deep))],
        Expect::Error("sheet.md:", &["deeper than 32 levels"]),
    );

    let long = sheet(&format!("```mermaid\nflowchart LR\n  A {}> B\n```\n", "-".repeat(200_000)));
    check("long-arrow", &[("sheet.md", &long)], Expect::Pdf);

    let mut many = String::from("```mermaid\nflowchart LR\n");
    for i in 0..5000 {
        many.push_str(&format!("  n{i} --> n{}\n", i + 1));
    }
    many.push_str("```\n");
    check("nodes", &[("sheet.md", &sheet(&many))], Expect::Error("sheet.md:", &["nodes, the limit"]));

    let left: Vec<String> = (0..60).map(|i| format!("a{i}")).collect();
    let right: Vec<String> = (0..60).map(|i| format!("b{i}")).collect();
    let wide =
        sheet(&format!("```mermaid\nflowchart LR\n  {} --> {}\n```\n", left.join(" & "), right.join(" & ")));
    check("edges", &[("sheet.md", &wide)], Expect::Error("sheet.md:11:", &["edges, the limit"]));
}

#[test]
fn grids_lists_and_sources_are_bounded() {
    let rows: String = (0..100).map(|_| "  - height: 1%\n    boxes: [a]\n").collect();
    let src = format!("---\ntitle: T\nlayout:\n{rows}---\n## A {{#a}}\nx\n");
    check("rows", &[("sheet.md", src.as_bytes())], Expect::Error("sheet.md:", &["layout rows"]));

    let emoji = sheet(&"🍌".repeat(200_000));
    check("emoji", &[("sheet.md", &emoji)], Expect::Error("sheet.md:9:", &["emoji, the limit"]));

    let big = sheet(&"가나다라 ".repeat(4_000_000));
    check("size", &[("sheet.md", &big)], Expect::Error("sheet.md:", &["limit of 2 MB"]));

    // A JSON model can say what Markdown cannot: a list numbered from near u64::MAX.
    let dir = temp_dir("json-start");
    std::fs::write(dir.join("sheet.md"), sheet("1. one\n2. two\n")).unwrap();
    let parsed = common::hanji(&["parse", "sheet.md"], &dir);
    let json =
        String::from_utf8(parsed.stdout).unwrap().replace("\"start\": 1", "\"start\": 18446744073709551610");
    assert!(json.contains("18446744073709551610"), "{json}");
    std::fs::write(dir.join("sheet.json"), json).unwrap();
    let (out, _) = run_limited(&dir, &["render", "sheet.json", "-o", "out.pdf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("sheet.json:") && stderr.contains("limit"), "{stderr}");
}

/// An SVG image that points at files outside the folder and at `file:` URLs: drawn without
/// them, with a warning at the image's line, and — seen by strace — none of them is opened.
#[test]
fn an_svg_image_opens_nothing_it_points_to() {
    let outside = temp_dir("svg-outside");
    let sentinel = outside.join("sentinel.png");
    std::fs::copy(root().join("tests/fixtures/checker.png"), &sentinel).unwrap();
    let dir = temp_dir("svg");
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' width='40' height='20'>\
         <rect width='40' height='20' fill='#1c6dd0'/>\
         <image href='{}' width='10' height='10'/>\
         <image xlink:href='file://{}' width='10' height='10'/>\
         <image href='../{}/sentinel.png' width='10' height='10'/></svg>",
        sentinel.display(),
        sentinel.display(),
        outside.file_name().unwrap().to_string_lossy()
    );
    std::fs::write(dir.join("pic.svg"), svg).unwrap();
    std::fs::write(dir.join("sheet.md"), sheet("text\n\n![pic](pic.svg)\n")).unwrap();
    let trace = dir.join("trace.txt");
    let out = Command::new("strace")
        .args(["-f", "-e", "trace=open,openat,stat,newfstatat,statx,access", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_hanji"))
        .args(["render", "sheet.md", "-o", "out.pdf"])
        .current_dir(&dir)
        .output()
        .expect("strace is needed for this test (apt-get install strace)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("sheet.md:11:") && stderr.contains("is not drawn"), "{stderr}");
    let calls = std::fs::read_to_string(&trace).unwrap();
    assert!(calls.contains("pic.svg"), "strace saw the image being read: {calls}");
    assert!(!calls.contains("sentinel.png"), "a file outside the folder was touched:\n{calls}");
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&outside).ok();
}

/// Found by the fuzz harness (tests/fuzz_findings.md 6 and 7): a box narrower than one
/// character broke lines backwards and sliced text inside a flag.
#[test]
fn a_box_narrower_than_a_character() {
    for (name, body) in [
        ("narrow-flag", "1. * ```\n\n       🇰🇷 rebase\n"),
        ("narrow-number", "999999999. * ```\n\n             🇰🇷\n"),
        ("narrow-prose", "internationalization 가나다라마바사아자차카타파하 🇰🇷🇰🇷\n"),
    ] {
        let src = format!(
            "---\npage: a5-portrait\nlayout:\n  - height: 100%\n    boxes: [{{ id: a, width: 9% }}, b]\n---\n## A {{#a}}\n{body}## B {{#b}}\nx\n"
        );
        let dir = temp_dir(name);
        std::fs::write(dir.join("sheet.md"), &src).unwrap();
        let (out, took) = run_limited(&dir, &["render", "sheet.md", "-o", "out.pdf"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(took < Duration::from_secs(20), "{name}: took {took:?}");
        assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// Found by hand (tests/fuzz_findings.md 8): counting crossings was quadratic per swap, so a
/// flowchart of a thousand edges took 40 s.
#[test]
fn a_thousand_edges_lay_out_in_seconds() {
    let mut body = String::from("```mermaid\nflowchart LR\n");
    let mut seed = 1u64;
    for _ in 0..999 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        body.push_str(&format!("  A{} --> B{}\n", (seed >> 33) % 200, (seed >> 17) % 200));
    }
    body.push_str("```\n");
    let dir = temp_dir("edges-time");
    std::fs::write(dir.join("sheet.md"), sheet(&body)).unwrap();
    let (out, took) = run_limited(&dir, &["render", "sheet.md", "-o", "out.pdf"]);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// Found by the load test of `hanji serve` (tests/fuzz_findings.md 13): looking for an edge id
/// ahead (`e1@-->`) recounted the characters read so far at every step, so an arrow of
/// 200,000 dashes took 7 s, and one of the 2 MB a source may hold would have taken minutes.
#[test]
fn an_arrow_as_long_as_a_source_may_be_parses_at_once() {
    let dashes = "-".repeat(1_900_000);
    let body = format!("```mermaid\nflowchart LR\n  A {dashes}> B\n  C e1@{dashes}-> D\n```\n");
    let dir = temp_dir("long-arrow");
    std::fs::write(dir.join("sheet.md"), sheet(&body)).unwrap();
    let (out, took) = run_limited(&dir, &["render", "sheet.md", "-o", "out.pdf"]);
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// Found by `make fuzz` (tests/fuzz_findings.md 10): a flowing document of list items each one
/// long span of inline code hung in the search for where a piece may be cut.
#[test]
fn long_code_spans_in_a_flowing_list_lay_out_in_seconds() {
    let mut body = String::from("## A\n\n");
    // About the size of the fuzz case (789 KB), which took more than 10 s before the fix.
    for _ in 0..20 {
        body.push_str(&format!("- **one** `t{}hree`\n", "|".repeat(39_000)));
    }
    let dir = temp_dir("long-spans");
    std::fs::write(dir.join("notes.md"), body).unwrap();
    let (out, took) = run_limited(&dir, &["render", "notes.md", "-o", "out.pdf"]);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// Found by `make fuzz` (tests/fuzz_findings.md 11): one paragraph over 76 pages held a copy of
/// its whole length for every page it was cut across (2.3 GB, 61 s).
#[test]
fn one_paragraph_over_many_pages_stays_small() {
    let dir = temp_dir("one-paragraph");
    std::fs::write(dir.join("notes.md"), "'".repeat(770_000)).unwrap();
    let (out, took) = run_limited(&dir, &["render", "notes.md", "-o", "out.pdf"]);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// Highlighting is bounded: a document of many long code blocks in slow grammars, with lines
/// that make patterns search far, highlights only up to its budget and lays out in seconds.
#[test]
fn many_long_highlighted_code_blocks_lay_out_in_seconds() {
    let mut body = String::from("# Code\n\n");
    let lines: [(&str, String); 4] = [
        ("cpp", "a<".repeat(990)),
        ("sql", "'a".repeat(990)),
        ("js", "/a".repeat(990)),
        ("python", "def f(x): return x + 1  # c ".repeat(60)),
    ];
    for i in 0..24 {
        let (lang, line) = &lines[i % lines.len()];
        body.push_str(&format!("```{lang}\n{}```\n\n", format!("{line} {i}\n").repeat(30)));
    }
    let dir = temp_dir("long-code");
    std::fs::write(dir.join("notes.md"), body).unwrap();
    let (out, took) = run_limited(&dir, &["render", "notes.md", "-o", "out.pdf"]);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// Fuzz finding 12 (tests/fuzz_findings.md): `:` after a quoted key in a TOML block made the
/// highlighter push empty tokens without end.
#[test]
fn a_toml_block_with_a_colon_after_a_quoted_key_renders() {
    let body = "* ````toml\n    \"50% world 좋은가?\" : 1e400\n    \"model x\" : 51\n  ```\n";
    let dir = temp_dir("toml-colon");
    std::fs::write(dir.join("sheet.md"), sheet(body)).unwrap();
    let (out, took) = run_limited(&dir, &["render", "sheet.md", "-o", "out.pdf"]);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}
