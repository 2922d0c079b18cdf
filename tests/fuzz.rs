//! Fuzzing the whole pipeline on stable Rust: proptest generates sheets (front matter, Markdown,
//! every mermaid type, style files, the JSON model) and mutates the seed files byte by byte; each
//! input goes through parse → typeset → PDF (and a 20 dpi PNG for some) under a watchdog.
//!
//! A case passes when nothing panics, it ends within the time budget, its heap stays under the
//! memory budget, and the result is a PDF (`%PDF-`) or errors with a message — Markdown parse
//! and layout errors also with a line (style-file errors and JSON-model errors are tallied
//! without failing: they are printed at the end of the run).
//!
//! Cases run in a worker process (this test binary again, as the ignored test `fuzz_worker`)
//! inside `catch_unwind`; the parent is the watchdog. A hang, a stack overflow or an allocation
//! past the budget kills only the worker, which is restarted, so a long run goes on past them.
//!
//! Settings (environment):
//! - `HANJI_FUZZ_CASES`: inputs to try (default 1000, about 4 s; unlimited when only
//!   `HANJI_FUZZ_SECONDS` is set).
//! - `HANJI_FUZZ_SECONDS`: stop trying new inputs after this long (a time-boxed run).
//! - `HANJI_FUZZ_SEED`: the run's seed (decimal or 0x hex); case `i` is generated from (seed, i).
//! - `HANJI_FUZZ_CASE`: run only case `i` of the seed (to reproduce a failure).
//! - `HANJI_FUZZ_ONLY`: one family: sheet, mermaid, style, json or mutation.
//! - `HANJI_FUZZ_CASE_SECONDS` (10) and `HANJI_FUZZ_MEMORY_MB` (2048): the per-case budgets.
//! - `HANJI_FUZZ_SHRINK_SECONDS` (60): time to shrink each finding (hangs are not shrunk).
//! - `HANJI_FUZZ_KEEP_GOING=1`: collect every distinct finding instead of stopping at the first.
//! - `HANJI_FUZZ_REPLAY=file.md|file.json`: run one file (a `fuzz.toml` beside it is its style).
//! - `HANJI_FUZZ_VERBOSE=1`: print what every case did (`=2`: and the input).
//!
//! The input being run is always on disk as `target/tmp/hanji-fuzz-<pid>/case.md` (or `.json`)
//! with its `fuzz.toml` (kept when the run has findings).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::{BoxedStrategy, Union, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Heap meter: the worker refuses allocations past its budget, so a runaway case ends in an
// allocation failure the parent can name, before `ulimit -v` or the machine runs out.
// ---------------------------------------------------------------------------------------------

/// Counts live heap bytes (and the peak since the last reset) on top of the system allocator,
/// and fails allocations that would pass `HEAP_LIMIT` (0: no limit).
struct HeapMeter;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);
static HEAP_LIMIT: AtomicUsize = AtomicUsize::new(0);
static REPORTING: AtomicBool = AtomicBool::new(false);

/// Marks the line naming where a runaway allocation came from, in the worker's stderr.
const RUNAWAY_PREFIX: &str = "HANJI-FUZZ-RUNAWAY ";

/// Whether an allocation of `bytes` would pass the budget. The first time it would, the
/// worker prints the Hanji function asking (the limit is lifted so the backtrace can
/// allocate) and the allocation then fails, which aborts the worker.
fn over_limit(bytes: usize) -> bool {
    let limit = HEAP_LIMIT.load(Ordering::Relaxed);
    if limit == 0 || LIVE_BYTES.load(Ordering::Relaxed).saturating_add(bytes) <= limit {
        return false;
    }
    if !REPORTING.swap(true, Ordering::SeqCst) {
        HEAP_LIMIT.store(0, Ordering::SeqCst);
        let trace = std::backtrace::Backtrace::force_capture().to_string();
        let place = first_hanji_frame(&trace).unwrap_or_else(|| "(no hanji frame)".to_string());
        eprintln!("{RUNAWAY_PREFIX}{place}");
    }
    true
}

fn grew(bytes: usize) {
    let live = LIVE_BYTES.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK_BYTES.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for HeapMeter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if over_limit(layout.size()) {
            return std::ptr::null_mut();
        }
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if over_limit(layout.size()) {
            return std::ptr::null_mut();
        }
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && over_limit(new_size - layout.size()) {
            return std::ptr::null_mut();
        }
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static HEAP: HeapMeter = HeapMeter;

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

/// Which generator made a case; a run can be limited to one with `HANJI_FUZZ_ONLY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Family {
    /// Structured sheets: front matter with a layout, sections, every kind of block.
    Sheet,
    /// Sheets whose boxes are mostly mermaid diagrams.
    Mermaid,
    /// A generated style file (`style: fuzz.toml`) under a small sheet.
    Style,
    /// The JSON document model of a seed with numbers and strings changed.
    Json,
    /// Seed files with byte- and character-level mutations.
    Mutation,
}

impl Family {
    const ALL: [Family; 5] = [Family::Sheet, Family::Mermaid, Family::Style, Family::Json, Family::Mutation];

    fn name(self) -> &'static str {
        match self {
            Family::Sheet => "sheet",
            Family::Mermaid => "mermaid",
            Family::Style => "style",
            Family::Json => "json",
            Family::Mutation => "mutation",
        }
    }

    /// How often the mixed run picks this family.
    fn weight(self) -> u32 {
        match self {
            Family::Sheet => 3,
            Family::Mermaid => 3,
            Family::Style => 2,
            Family::Json => 1,
            Family::Mutation => 3,
        }
    }
}

/// One input to the pipeline.
#[derive(Clone, Debug)]
struct Case {
    family: Family,
    /// The source file: Markdown, or the JSON model when `json`.
    source: Vec<u8>,
    json: bool,
    /// Written beside the source as `fuzz.toml` (removed when `None`).
    style_file: Option<String>,
    /// The `style` argument of `hanji::typeset` (the CLI's `--style`).
    style_override: Option<&'static str>,
    /// Also rasterise every page at 20 dpi.
    png: bool,
}

impl Case {
    fn file_name(&self) -> &'static str {
        if self.json {
            "case.json"
        } else {
            "case.md"
        }
    }

    /// The case as text to paste into a bug report.
    fn describe(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "family {}, {}, style override {:?}, png {}",
            self.family.name(),
            self.file_name(),
            self.style_override,
            self.png
        );
        match std::str::from_utf8(&self.source) {
            Ok(text) => {
                let _ = writeln!(out, "--- {} ({} bytes) ---\n{text}", self.file_name(), self.source.len());
                let _ = writeln!(out, "--- as a Rust string ---\n{text:?}");
            }
            Err(_) => {
                let _ = writeln!(out, "--- {} (not UTF-8; bytes escaped) ---", self.file_name());
                let _ = writeln!(out, "{}", self.source.escape_ascii());
            }
        }
        if let Some(style) = &self.style_file {
            let _ = writeln!(out, "--- fuzz.toml ---\n{style}\n--- as a Rust string ---\n{style:?}");
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

const ASCII_WORDS: &[&str] = &[
    "model", "token", "git", "rebase", "SFT", "RL", "pipeline", "data", "loss", "x", "a", "Hello", "world",
    "cheat", "sheet", "ChatGPT", "GPU", "fn", "main()", "O(n²)", "end", "graph", "title", "width", "50%",
];

const KOREAN_WORDS: &[&str] = &[
    "한지",
    "베이스 모델",
    "인터넷 문서",
    "토큰화",
    "사전학습",
    "어시스턴트",
    "좋은가?",
    "손글씨",
    "데이터베이스",
    "월",
    "학습 비용",
    "ㅋㅋㅋ",
    "똠방각하",
];

const EMOJI: &[&str] =
    &["📦", "🎯", "⚡", "✏️", "🍌", "👩‍💻", "🇰🇷", "🥧", "1️⃣", "❤️", "🧭", "🗺️", "😀", "🫠", "👍🏽", "#️⃣"];

/// Characters and tokens that parsers treat specially, or that fonts lack.
const SPECIAL: &[&str] = &[
    "€",
    "\t",
    "{",
    "}",
    "|",
    "[",
    "]",
    "(",
    ")",
    "-->",
    "<br>",
    "&amp;",
    "#quot;",
    "\\",
    "`",
    "*",
    "_",
    "~",
    "==",
    "%%",
    ":::",
    ":",
    "#",
    "\"",
    "'",
    "\u{0}",
    "\u{200B}",
    "\u{0301}",
    "\u{202E}",
    "\u{FEFF}",
    "ﷺ",
    "𝔘",
    "𠜎",
    "ᄀᄀ",
    "\u{10FFFF}",
    "\r",
    "<mark>",
    "</mark>",
];

/// Numbers as written: ordinary, huge, tiny, negative, and what parsers may read as not finite.
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "7",
    "42",
    "99.5",
    "100",
    "1e-30",
    "1e30",
    "-1e30",
    "1000000000000000",
    "1000000000000000.2",
    "0.000001",
    "-0",
    "3.4e38",
    "1.7976931348623157e308",
    "-273.15",
    "12345678901234567890",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "5e-324",
    "1e9",
    "0.1",
];

const CLASSES: &[&str] =
    &["blue", "green", "purple", "orange", "red", "teal", "yellow", "pink", "gray", "unknown", "한글"];

/// Every page name the front matter accepts.
const PAGES: &[&str] = hanji::page::PAGE_NAMES;

/// Images that exist beside the source (see `prepare_dir`) and ones that do not or are broken.
const GOOD_IMAGES: &[&str] = &["checker.png", "checker.jpg", "diagram.svg"];
const BAD_IMAGES: &[&str] = &[
    "missing.png",
    "broken.png",
    "huge.svg",
    "empty.svg",
    "sub/dir/x.png",
    "http://example.com/a.png",
    "data:image/png;base64,AAAA",
    "../escape.png",
    "",
    "checker.PNG",
    "space name.png",
    "case.md",
];

fn image_source() -> BoxedStrategy<String> {
    prop_oneof![6 => pick(GOOD_IMAGES), 1 => pick(BAD_IMAGES)].boxed()
}

fn pick(items: &'static [&'static str]) -> BoxedStrategy<String> {
    select(items).prop_map(str::to_string).boxed()
}

/// A number as text: mostly ordinary, often extreme.
fn number() -> BoxedStrategy<String> {
    prop_oneof![
        3 => (0u32..200).prop_map(|n| n.to_string()),
        3 => pick(NUMBERS),
        1 => any::<f64>().prop_map(|v| format!("{v}")),
        1 => (-1e4f64..1e4).prop_map(|v| format!("{v:.3}")),
        1 => any::<i64>().prop_map(|v| v.to_string()),
    ]
    .boxed()
}

/// A long run of one token (up to a few thousand characters).
fn long_run() -> BoxedStrategy<String> {
    (prop_oneof![pick(SPECIAL), pick(ASCII_WORDS), pick(KOREAN_WORDS), pick(EMOJI)], 1usize..400)
        .prop_map(|(token, count)| token.repeat(count))
        .boxed()
}

fn word() -> BoxedStrategy<String> {
    prop_oneof![
        18 => pick(ASCII_WORDS),
        12 => pick(KOREAN_WORDS),
        6 => pick(EMOJI),
        6 => pick(SPECIAL),
        3 => "\\PC{1,6}",
        3 => number(),
        1 => long_run().prop_map(|run| run.chars().take(600).collect()),
    ]
    .boxed()
}

/// A few words joined by spaces.
fn phrase(max_words: usize) -> BoxedStrategy<String> {
    prop::collection::vec(word(), 1..=max_words).prop_map(|words| words.join(" ")).boxed()
}

/// Words without the characters that end a label early, for labels that should parse.
fn tame_phrase(max_words: usize) -> BoxedStrategy<String> {
    prop::collection::vec(
        prop_oneof![3 => pick(ASCII_WORDS), 3 => pick(KOREAN_WORDS), 1 => pick(EMOJI)],
        1..=max_words,
    )
    .prop_map(|words| words.join(" "))
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/// Inline Markdown: text with strong, emphasis, ==mark==, strike, code, links, line breaks.
fn inline() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        6 => phrase(6),
        1 => phrase(3).prop_map(|t| format!("`{t}`")),
        1 => pick(EMOJI),
        1 => (phrase(2), image_source()).prop_map(|(alt, src)| format!("![{alt}]({src})")),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        prop_oneof![
            2 => inner.clone().prop_map(|s| format!("**{s}**")),
            1 => inner.clone().prop_map(|s| format!("*{s}*")),
            2 => inner.clone().prop_map(|s| format!("=={s}==")),
            1 => inner.clone().prop_map(|s| format!("~~{s}~~")),
            1 => inner.clone().prop_map(|s| format!("<mark>{s}</mark>")),
            1 => (inner.clone(), prop_oneof![Just("https://example.com/x".to_string()), phrase(1)])
                .prop_map(|(s, url)| format!("[{s}]({url})")),
            1 => inner.clone().prop_map(|s| format!("{s}<br>")),
            1 => inner.clone().prop_map(|s| format!("{s}  \n")),
            3 => (inner.clone(), inner).prop_map(|(a, b)| format!("{a} {b}")),
        ]
    })
    .boxed()
}

/// Prefixes every line but the first with `indent`, for list item continuations.
fn indent_rest(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(indent);
            }
        }
        out.push_str(line);
    }
    out
}

fn table() -> BoxedStrategy<String> {
    (
        1usize..6,
        prop::collection::vec(inline(), 1..6),
        prop::collection::vec(pick(&["---", ":---", "---:", ":---:", "-", ":-:", "x"]), 1..6),
        prop::collection::vec(prop::collection::vec(inline(), 0..6), 0..5),
    )
        .prop_map(|(columns, header, aligns, rows)| {
            let cell = |s: &String| s.replace('\n', " ");
            let mut out = String::new();
            let header: Vec<String> = header.iter().map(cell).collect();
            let _ = writeln!(out, "| {} |", header.join(" | "));
            let aligns: Vec<&str> = (0..columns).map(|i| aligns[i % aligns.len()].as_str()).collect();
            let _ = writeln!(out, "|{}|", aligns.join("|"));
            for row in rows {
                let row: Vec<String> = row.iter().map(cell).collect();
                let _ = writeln!(out, "| {} |", row.join(" | "));
            }
            out
        })
        .boxed()
}

fn code_fence() -> BoxedStrategy<String> {
    (
        pick(&["```", "~~~", "````"]),
        pick(&[
            "",
            "rust",
            "python",
            "text",
            "한글",
            "{.x}",
            "mermaid-ish",
            "sh",
            "toml",
            "cpp",
            "yaml",
            "json",
            "ts",
        ]),
        prop::collection::vec(prop_oneof![3 => phrase(8), 1 => long_run(), 1 => Just(String::new())], 0..6),
        prop::bool::weighted(0.95),
    )
        .prop_map(|(fence, lang, lines, closed)| {
            let mut out = format!("{fence}{lang}\n");
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
            if closed {
                let _ = writeln!(out, "{fence}");
            }
            out
        })
        .boxed()
}

fn mermaid_fence() -> BoxedStrategy<String> {
    mermaid().prop_map(|diagram| format!("```mermaid\n{diagram}\n```\n")).boxed()
}

/// Blocks that hold no other block.
fn leaf_block(mermaid_weight: u32) -> BoxedStrategy<String> {
    prop_oneof![
        12 => prop::collection::vec(inline(), 1..4).prop_map(|lines| lines.join("\n")),
        2 => table(),
        2 => code_fence(),
        mermaid_weight => mermaid_fence(),
        1 => (phrase(2), image_source()).prop_map(|(alt, src)| format!("![{alt}]({src})")),
        1 => (4usize..7, inline()).prop_map(|(level, text)| format!("{} {text}", "#".repeat(level))),
        1 => Just("---".to_string()),
        1 => (prop_oneof![12 => 1usize..12, 1 => 12usize..40], pick(&["- ", "> ", "1. ", "* ", ">"]), phrase(2))
            .prop_map(|(depth, marker, text)| format!("{}{text}", marker.repeat(depth))),
    ]
    .boxed()
}

/// Any block: leaves, and lists and quotes nesting other blocks.
fn block(mermaid_weight: u32) -> BoxedStrategy<String> {
    leaf_block(mermaid_weight)
        .prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                3 => (
                    prop::collection::vec(inner.clone(), 1..4),
                    prop_oneof![
                        2 => pick(&["-", "*", "+"]).prop_map(|m| (m, None::<String>)),
                        1 => pick(&["0", "1", "7", "999999999", "1234567890", "3"])
                            .prop_map(|s| (String::new(), Some(s))),
                    ],
                )
                    .prop_map(|(items, (bullet, start))| {
                        let mut out = String::new();
                        for (i, item) in items.iter().enumerate() {
                            let marker = match &start {
                                Some(start) if i == 0 => format!("{start}."),
                                Some(_) => format!("{}.", i + 1),
                                None => bullet.to_string(),
                            };
                            let indent = " ".repeat(marker.chars().count() + 1);
                            let _ = writeln!(out, "{marker} {}", indent_rest(item, &indent));
                        }
                        out
                    }),
                1 => inner.prop_map(|b| b.lines().map(|l| format!("> {l}\n")).collect::<String>()),
            ]
        })
        .boxed()
}

/// A section heading's `{#id .class}` attributes.
fn attributes(id: &str) -> BoxedStrategy<String> {
    let id = id.to_string();
    prop_oneof![
        100 => (prop::option::weighted(0.6, pick(CLASSES))).prop_map(move |class| match class {
            Some(c) => format!(" {{#{id} .{c}}}"),
            None => format!(" {{#{id}}}"),
        }),
        1 => Just(String::new()),
        1 => pick(CLASSES).prop_map(|c| format!(" {{.{c}}}")),
        1 => pick(&[" {#}", " {#a b}", " {#title}", " {#x .a .b .c}", " {", " {#한글}"]),
    ]
    .boxed()
}

/// Plan of one `##` section.
#[derive(Clone, Debug)]
struct SectionPlan {
    id: String,
    heading: String,
    blocks: Vec<String>,
    /// `###` subsections: id, heading with attributes, blocks.
    subsections: Vec<(String, String, Vec<String>)>,
}

fn section(index: usize, mermaid_weight: u32) -> BoxedStrategy<SectionPlan> {
    let id = prop_oneof![
        100 => Just(format!("box{index}")),
        1 => pick(&["title", "한글", "a-b", "x_1", "box0", "Box0", "1"]),
    ];
    let subsection = (0usize..100, pick(EMOJI), inline(), prop::collection::vec(block(mermaid_weight), 0..2));
    (
        id,
        prop::option::weighted(0.5, pick(EMOJI)),
        inline(),
        prop::collection::vec(block(mermaid_weight), 0..3),
        prop::collection::vec(subsection, 0..3),
    )
        .prop_flat_map(move |(id, emoji, title, blocks, subs)| {
            let attrs = attributes(&id);
            let sub_attrs: Vec<BoxedStrategy<String>> =
                subs.iter().map(|(n, _, _, _)| attributes(&format!("{id}-s{n}"))).collect();
            (Just((id, emoji, title, blocks, subs)), attrs, sub_attrs)
        })
        .prop_map(|((id, emoji, title, blocks, subs), attrs, sub_attrs)| {
            let title = title.replace('\n', " ");
            let heading = match emoji {
                Some(e) => format!("## {e} {title}{attrs}"),
                None => format!("## {title}{attrs}"),
            };
            let subsections = subs
                .into_iter()
                .zip(sub_attrs)
                .map(|((n, emoji, title, blocks), attrs)| {
                    let title = title.replace('\n', " ");
                    (format!("{id}-s{n}"), format!("### {emoji} {title}{attrs}"), blocks)
                })
                .collect();
            SectionPlan { id, heading, blocks, subsections }
        })
        .boxed()
}

/// Plan of the front matter; `layout` decides how the sections are placed.
#[derive(Clone, Debug)]
struct MetaPlan {
    title: Option<String>,
    title_icon: Option<String>,
    subtitle: Option<String>,
    author: Option<String>,
    keywords: Option<Vec<String>>,
    lang: Option<String>,
    page: Option<String>,
    style: Option<String>,
    layout: LayoutPlan,
    /// Replace the front matter with random YAML-ish text (or drop it).
    garbage: Option<String>,
}

#[derive(Clone, Debug)]
struct LayoutPlan {
    present: bool,
    title_row: Option<String>,
    /// Boxes per row, cycled until every section is placed.
    row_sizes: Vec<usize>,
    /// Relative row weights (the heights then add up to 100) unless `wild_heights`.
    weights: Vec<u8>,
    wild_heights: Option<Vec<String>>,
    /// Per box: a width to write, as text.
    widths: Vec<Option<String>>,
    /// Inner grids for sections with subsections.
    inner: bool,
    /// Break the layout: 0 none, 1 leave a section out, 2 place one twice, 3 place an unknown id.
    sabotage: u8,
    /// Write rows in block style (`- id: x`) rather than flow style (`[x, y]`).
    block_style: bool,
    /// Let the last box of a row have a width too (the widths then rarely add up).
    all_widths: bool,
}

fn percent() -> BoxedStrategy<String> {
    prop_oneof![
        4 => (1u32..100).prop_map(|n| format!("{n}%")),
        1 => number().prop_map(|n| format!("{n}%")),
        1 => number(),
        1 => pick(&["\"25\"", "abc", "%", "50 %", "-5%", "0%", "1e30%", "nan%", "null", "[1]", "{}"]),
    ]
    .boxed()
}

fn layout_plan() -> BoxedStrategy<LayoutPlan> {
    (
        prop::bool::weighted(0.97),
        prop::option::weighted(
            0.5,
            prop_oneof![12 => (5u32..20).prop_map(|n| format!("{n}%")), 1 => percent()],
        ),
        prop::collection::vec(1usize..4, 1..4),
        prop::collection::vec(1u8..10, 1..6),
        prop::option::weighted(0.05, prop::collection::vec(percent(), 1..6)),
        prop::collection::vec(
            prop::option::weighted(
                0.25,
                prop_oneof![12 => (5u32..31).prop_map(|n| format!("{n}%")), 1 => percent()],
            ),
            0..8,
        ),
        prop::bool::weighted(0.6),
        prop_oneof![12 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)],
        any::<bool>(),
        prop::bool::weighted(0.05),
    )
        .prop_map(
            |(
                present,
                title_row,
                row_sizes,
                weights,
                wild_heights,
                widths,
                inner,
                sabotage,
                block_style,
                all_widths,
            )| {
                LayoutPlan {
                    present,
                    title_row,
                    row_sizes,
                    weights,
                    wild_heights,
                    widths,
                    inner,
                    sabotage,
                    block_style,
                    all_widths,
                }
            },
        )
        .boxed()
}

/// A YAML scalar: mostly a JSON-quoted string (valid YAML), sometimes written bare.
fn yaml_scalar(text: &str, bare: bool) -> String {
    if bare {
        text.replace('\n', " ")
    } else {
        serde_json::to_string(text).expect("a string serialises")
    }
}

fn meta_plan(style: BoxedStrategy<String>) -> BoxedStrategy<MetaPlan> {
    (
        (
            prop::option::weighted(0.98, phrase(8)),
            prop::option::weighted(0.4, pick(EMOJI)),
            prop::option::weighted(0.5, phrase(8)),
            prop::option::weighted(0.3, phrase(3)),
            prop::option::weighted(0.3, prop::collection::vec(phrase(2), 0..5)),
        ),
        prop::option::weighted(0.5, prop_oneof![4 => pick(&["ko", "en", "ja", "zh-Hant"]), 1 => phrase(1)]),
        prop::option::weighted(
            0.8,
            prop_oneof![20 => pick(PAGES), 20 => Just("a3-landscape".to_string()), 1 => phrase(1)],
        ),
        prop::option::weighted(0.7, style),
        layout_plan(),
        prop::option::weighted(
            0.03,
            prop_oneof![
                Just(String::new()),
                phrase(10),
                pick(&["title: [", "layout: 5", "layout: []", "title: {a: 1}", "? x", "a: b: c", "\t- x"]),
            ],
        ),
    )
        .prop_map(|((title, title_icon, subtitle, author, keywords), lang, page, style, layout, garbage)| {
            MetaPlan { title, title_icon, subtitle, author, keywords, lang, page, style, layout, garbage }
        })
        .boxed()
}

/// A row of a layout grid: boxes, or one box holding an `inner` grid of its subsections.
enum Row {
    Boxes(Vec<(String, Option<String>)>),
    Inner(String, Vec<(String, Option<String>)>),
}

/// Cuts `ids` into rows of the plan's sizes.
fn chunk(plan: &LayoutPlan, ids: &[(String, Option<String>)]) -> Vec<Vec<(String, Option<String>)>> {
    let mut rows = Vec::new();
    let mut rest = ids;
    let mut size_index = 0;
    while !rest.is_empty() {
        let take = plan.row_sizes[size_index % plan.row_sizes.len()].min(rest.len());
        let mut row = rest[..take].to_vec();
        // The last box takes the rest of the row, unless every box is to name a width.
        if !plan.all_widths {
            if let Some(last) = row.last_mut() {
                last.1 = None;
            }
        }
        rows.push(row);
        rest = &rest[take..];
        size_index += 1;
    }
    rows
}

/// Row heights as written: shares of `total` from the plan's weights, or the wild ones.
fn heights(plan: &LayoutPlan, rows: usize, total: u32) -> Vec<String> {
    if let Some(wild) = &plan.wild_heights {
        return (0..rows).map(|i| wild[i % wild.len()].clone()).collect();
    }
    let weights: Vec<u32> = (0..rows).map(|i| u32::from(plan.weights[i % plan.weights.len()])).collect();
    let sum: u32 = weights.iter().sum::<u32>().max(1);
    let mut heights: Vec<u32> = weights.iter().map(|w| w * total / sum).collect();
    let written: u32 = heights.iter().sum();
    if let Some(last) = heights.last_mut() {
        *last += total.saturating_sub(written);
    }
    heights.iter().map(|h| format!("{h}%")).collect()
}

/// Writes a grid's rows as YAML at `indent`; the heights add up to `total` percent.
fn write_grid(out: &mut String, plan: &LayoutPlan, rows: &[Row], indent: &str, total: u32) {
    let box_text = |(id, width): &(String, Option<String>)| match width {
        Some(w) => format!("{{ id: {id}, width: {w} }}"),
        None => id.clone(),
    };
    for (row, height) in rows.iter().zip(heights(plan, rows.len(), total)) {
        let _ = writeln!(out, "{indent}- height: {height}");
        match row {
            Row::Boxes(boxes) if plan.block_style => {
                let _ = writeln!(out, "{indent}  boxes:");
                for b in boxes {
                    let _ = writeln!(out, "{indent}    - {}", box_text(b));
                }
            }
            Row::Boxes(boxes) => {
                let boxes: Vec<String> = boxes.iter().map(box_text).collect();
                let _ = writeln!(out, "{indent}  boxes: [{}]", boxes.join(", "));
            }
            Row::Inner(id, subs) => {
                let _ = writeln!(out, "{indent}  boxes:\n{indent}    - id: {id}\n{indent}      inner:");
                let inner: Vec<Row> = chunk(plan, subs).into_iter().map(Row::Boxes).collect();
                write_grid(out, plan, &inner, &format!("{indent}        "), 100);
            }
        }
    }
}

fn front_matter(meta: &MetaPlan, sections: &[SectionPlan]) -> String {
    if let Some(garbage) = &meta.garbage {
        return if garbage.is_empty() { String::new() } else { format!("---\n{garbage}\n---\n") };
    }
    let mut out = String::from("---\n");
    let bare = |s: &str| s.len() % 7 == 3;
    if let Some(title) = &meta.title {
        let _ = writeln!(out, "title: {}", yaml_scalar(title, bare(title)));
    }
    if let Some(icon) = &meta.title_icon {
        let _ = writeln!(out, "title_icon: {}", yaml_scalar(icon, false));
    }
    if let Some(subtitle) = &meta.subtitle {
        let _ = writeln!(out, "subtitle: {}", yaml_scalar(subtitle, bare(subtitle)));
    }
    if let Some(author) = &meta.author {
        let _ = writeln!(out, "author: {}", yaml_scalar(author, false));
    }
    if let Some(keywords) = &meta.keywords {
        let words: Vec<String> = keywords.iter().map(|k| yaml_scalar(k, false)).collect();
        let _ = writeln!(out, "keywords: [{}]", words.join(", "));
    }
    if let Some(lang) = &meta.lang {
        let _ = writeln!(out, "lang: {}", yaml_scalar(lang, true));
    }
    if let Some(page) = &meta.page {
        let _ = writeln!(out, "page: {}", yaml_scalar(page, true));
    }
    if let Some(style) = &meta.style {
        let _ = writeln!(out, "style: {}", yaml_scalar(style, true));
    }
    let plan = &meta.layout;
    if plan.present {
        out.push_str("layout:\n");
        let mut ids: Vec<(String, Option<String>)> = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), plan.widths.get(i).cloned().flatten()))
            .collect();
        match plan.sabotage {
            1 if ids.len() > 1 => {
                ids.pop();
            }
            2 => ids.push(ids[0].clone()),
            3 => ids.push(("nowhere".to_string(), None)),
            _ => {}
        }
        let mut total = 100;
        if let Some(height) = &plan.title_row {
            let _ = writeln!(out, "  - height: {height}\n    boxes: [title]");
            if let Ok(share) = height.trim_end_matches('%').parse::<u32>() {
                total = 100u32.saturating_sub(share);
            }
        }
        let with_inner: Vec<&SectionPlan> =
            sections.iter().filter(|s| plan.inner && !s.subsections.is_empty()).collect();
        let flat: Vec<(String, Option<String>)> =
            ids.iter().filter(|(id, _)| !with_inner.iter().any(|s| &s.id == id)).cloned().collect();
        let mut rows: Vec<Row> = chunk(plan, &flat).into_iter().map(Row::Boxes).collect();
        for s in with_inner {
            let subs = s.subsections.iter().map(|(id, _, _)| (id.clone(), None)).collect();
            rows.push(Row::Inner(s.id.clone(), subs));
        }
        write_grid(&mut out, plan, &rows, "  ", total);
    }
    out.push_str("---\n");
    out
}

fn sheet_text(meta: &MetaPlan, sections: &[SectionPlan]) -> String {
    let mut out = front_matter(meta, sections);
    for s in sections {
        let _ = writeln!(out, "\n{}\n", s.heading);
        for b in &s.blocks {
            let _ = writeln!(out, "{b}\n");
        }
        for (_, heading, blocks) in &s.subsections {
            let _ = writeln!(out, "{heading}\n");
            for b in blocks {
                let _ = writeln!(out, "{b}\n");
            }
        }
    }
    out
}

/// A whole Markdown sheet; `mermaid_weight` tilts blocks towards diagrams.
fn sheet(mermaid_weight: u32, style: BoxedStrategy<String>, max_sections: usize) -> BoxedStrategy<String> {
    (1..=max_sections)
        .prop_flat_map(move |n| {
            let sections: Vec<BoxedStrategy<SectionPlan>> =
                (0..n).map(|i| section(i, mermaid_weight)).collect();
            (meta_plan(style.clone()), sections)
        })
        .prop_map(|(meta, sections)| sheet_text(&meta, &sections))
        .boxed()
}

fn style_names() -> BoxedStrategy<String> {
    prop_oneof![
        40 => pick(&["pen-notes", "clean"]),
        1 => pick(&["fuzz.toml", "missing.toml", "Clean", "../x.toml", "", "pen-notes.toml", "fuzz.TOML"]),
        1 => phrase(1),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Mermaid
// ---------------------------------------------------------------------------------------------

/// A diagram of any type: most are well-formed (`tame`) so that layout and drawing get
/// exercised; the rest draw on every token (`wild`) to test the parsers' errors.
fn mermaid() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::bool::weighted(0.3).prop_flat_map(flowchart),
        2 => prop::bool::weighted(0.3).prop_flat_map(mindmap),
        2 => prop::bool::weighted(0.3).prop_flat_map(pie),
        2 => prop::bool::weighted(0.3).prop_flat_map(xychart),
        1 => phrase(4),
    ]
    .boxed()
}

/// Node ids; the first ones are plain, the rest are keywords and odd characters.
const NODE_IDS: &[&str] =
    &["A", "B", "C", "D", "E", "n1", "노드", "x_y", "a-b", "A1", "end", "subgraph", "o", "x", "style"];
const TAME_NODE_IDS: &[&str] = &["A", "B", "C", "D", "E", "n1", "노드", "x_y", "a-b", "A1"];

/// Node shapes: opener and closer.
const SHAPES: &[(&str, &str)] = &[
    ("[", "]"),
    ("(", ")"),
    ("((", "))"),
    ("(((", ")))"),
    ("([", "])"),
    ("[[", "]]"),
    ("[(", ")]"),
    ("[/", "/]"),
    ("[\\", "\\]"),
    ("[/", "\\]"),
    ("[\\", "/]"),
    ("{", "}"),
    ("{{", "}}"),
    (">", "]"),
];

const EDGES: &[&str] = &[
    "-->", "---", "-.->", "==>", "~~~", "<-->", "--o", "--x", "o--o", "x--x", "-.-", "===", "<==>", "--->",
    "-- - -->", "->", "<-", "--", "-.",
];
const TAME_EDGES: &[&str] =
    &["-->", "---", "-.->", "==>", "~~~", "<-->", "--o", "--x", "o--o", "-.-", "--->"];

fn label(wild: bool) -> BoxedStrategy<String> {
    if !wild {
        return prop_oneof![
            6 => tame_phrase(4),
            1 => (tame_phrase(2), tame_phrase(2)).prop_map(|(a, b)| format!("{a}<br>{b}")),
            1 => tame_phrase(3).prop_map(|t| format!("\"{t} (quoted) [x]\"")),
            1 => (tame_phrase(1), long_run())
                .prop_map(|(a, run)| format!("{a}{}", run.chars().filter(char::is_ascii_alphanumeric).collect::<String>())),
        ]
        .boxed();
    }
    prop_oneof![
        3 => tame_phrase(4),
        3 => phrase(4),
        1 => phrase(3).prop_map(|t| format!("\"{}\"", t.replace('"', ""))),
        1 => Just(String::new()),
    ]
    .boxed()
}

fn flow_node(wild: bool) -> BoxedStrategy<String> {
    let id = if wild {
        prop_oneof![5 => pick(NODE_IDS), 1 => "[A-Za-z][A-Za-z0-9_]{0,8}", 1 => word()].boxed()
    } else {
        prop_oneof![5 => pick(TAME_NODE_IDS), 1 => "[A-Za-z][A-Za-z0-9_]{0,8}"]
            .prop_filter("not a keyword", |id| {
                !matches!(
                    id.as_str(),
                    "end"
                        | "subgraph"
                        | "style"
                        | "class"
                        | "classDef"
                        | "direction"
                        | "click"
                        | "linkStyle"
                        | "o"
                        | "x"
                )
            })
            .boxed()
    };
    (
        id,
        prop::option::weighted(
            0.6,
            (select(SHAPES), label(wild), prop::bool::weighted(if wild { 0.9 } else { 1.0 })),
        ),
        prop::option::weighted(
            0.15,
            pick(if wild { &["hot", "cool", "default", "nope", ""] } else { &["hot", "cool"] }),
        ),
    )
        .prop_map(move |(id, shape, class)| {
            let mut out = id;
            if let Some(((open, close), label, closed)) = shape {
                // A tame label may not hold its own closer.
                let label = if wild {
                    label
                } else {
                    label.replace(['[', ']', '(', ')', '{', '}', '/', '\\', '>', '|'], " ")
                };
                out.push_str(open);
                out.push_str(&label);
                if closed {
                    out.push_str(close);
                }
            }
            if let Some(class) = class {
                let _ = write!(out, ":::{class}");
            }
            out
        })
        .boxed()
}

fn edge(wild: bool) -> BoxedStrategy<String> {
    let simple = if wild { pick(EDGES) } else { pick(TAME_EDGES) };
    let text = || label(false).prop_map(|t| t.replace(['|', '"', '-', '=', '.'], " ").trim().to_string());
    prop_oneof![
        6 => simple,
        2 => (2usize..300, select(&["-", "=", "."][..])).prop_map(|(n, c)| match c {
            "." => format!("-{}->", ".".repeat(n)),
            c => format!("{}>", c.repeat(n)),
        }),
        1 => (3usize..50).prop_map(|n| "~".repeat(n)),
        2 => (text(), pick(&["-->", "---", "-.->", "==>"])).prop_map(|(t, arrow)| format!("{arrow}|{t}|")),
        1 => text().prop_map(|t| format!("-- x{t} -->")),
        1 => text().prop_map(|t| format!("== x{t} ==>")),
        1 => text().prop_map(|t| format!("-. x{t} .->")),
    ]
    .boxed()
}

fn color() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "#[0-9a-fA-F]{3,8}",
        2 => pick(&["#abcde€", "#€€€", "#ffffff€", "#한글한", "#fff€", "#12345€78", "#", "#ggg"]),
        2 => pick(&["red", "teal", "none", "transparent", "octarine", "Red"]),
        1 => (number(), number(), number()).prop_map(|(r, g, b)| format!("rgb({r},{g},{b})")),
        1 => (number(), number(), number()).prop_map(|(r, g, b)| format!("rgba({r}, {g}, {b}, 0.5)")),
        1 => word(),
    ]
    .boxed()
}

fn css_properties() -> BoxedStrategy<String> {
    let property = prop_oneof![
        3 => color().prop_map(|c| format!("fill:{c}")),
        3 => color().prop_map(|c| format!("stroke:{c}")),
        2 => color().prop_map(|c| format!("color:{c}")),
        2 => number().prop_map(|n| format!("stroke-width:{n}px")),
        1 => (number(), number()).prop_map(|(a, b)| format!("stroke-dasharray: {a} {b}")),
        1 => number().prop_map(|n| format!("font-size:{n}px")),
        1 => (word(), word()).prop_map(|(k, v)| format!("{k}:{v}")),
    ];
    prop::collection::vec(property, 1..4)
        .prop_map(|p| p.join(",").replace([';', '\n', '\r'], " ").replace("%%", "%"))
        .boxed()
}

fn flow_chain(wild: bool) -> BoxedStrategy<String> {
    (flow_node(wild), prop::collection::vec((edge(wild), prop::collection::vec(flow_node(wild), 1..3)), 0..4))
        .prop_map(|(first, rest)| {
            let mut out = first;
            for (edge, group) in rest {
                let _ = write!(out, " {edge} {}", group.join(" & "));
            }
            out
        })
        .boxed()
}

fn flow_statement(wild: bool) -> BoxedStrategy<String> {
    let ids = if wild { NODE_IDS } else { TAME_NODE_IDS };
    let tame = prop_oneof![
        10 => flow_chain(wild),
        1 => pick(&["TB", "TD", "BT", "LR", "RL"]).prop_map(|d| format!("direction {d}")),
        2 => (pick(&["hot", "cool", "default"]), css_properties())
            .prop_map(|(name, props)| format!("classDef {name} {props}")),
        1 => (pick(ids), pick(&["hot", "cool", "nope"])).prop_map(|(id, c)| format!("class {id},B {c}")),
        2 => (pick(ids), css_properties()).prop_map(|(id, props)| format!("style {id} {props}")),
        1 => tame_phrase(3).prop_map(|c| format!("%% {c}")),
        1 => pick(&["linkStyle 0 stroke:#f00", "click A callback", "accTitle: x", ";", ";;"]),
        // A subgraph around a chain, closed.
        2 => (pick(&["s1", "s2", "묶음", "g_1"]), prop::option::of(tame_phrase(2)), flow_chain(wild), any::<bool>())
            .prop_map(|(id, title, body, direction)| {
                let title = title.map(|t| format!(" [{t}]")).unwrap_or_default();
                let direction = if direction { "\n    direction LR" } else { "" };
                format!("subgraph {id}{title}{direction}\n    {body}\n  end")
            }),
    ];
    if !wild {
        return tame.boxed();
    }
    prop_oneof![
        8 => tame,
        2 => (pick(NODE_IDS), prop::option::of(label(true))).prop_map(|(id, title)| match title {
            Some(t) => format!("subgraph {id} [{t}]"),
            None => format!("subgraph {id}"),
        }),
        1 => tame_phrase(2).prop_map(|t| format!("subgraph \"{t}\"")),
        2 => Just("end".to_string()),
        1 => pick(&["XY", "", "up"]).prop_map(|d| format!("direction {d}")),
        1 => phrase(3),
    ]
    .boxed()
}

fn flowchart(wild: bool) -> BoxedStrategy<String> {
    let directions: &'static [&'static str] =
        if wild { &["TB", "TD", "BT", "LR", "RL", "XY", ";"] } else { &["TB", "TD", "BT", "LR", "RL"] };
    (
        pick(&["flowchart", "graph", "flowchart-elk"]),
        prop::option::weighted(0.9, pick(directions)),
        prop::collection::vec(flow_statement(wild), 1..14),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(kind, direction, statements, one_line)| {
            let header = match direction {
                Some(d) => format!("{kind} {d}"),
                None => kind,
            };
            if one_line && !statements.iter().any(|s| s.contains('\n') || s.starts_with("%%")) {
                format!("{header}; {}", statements.join("; "))
            } else {
                format!("{header}\n  {}", statements.join("\n  "))
            }
        })
        .boxed()
}

fn mind_node(wild: bool) -> BoxedStrategy<String> {
    let text = move || label(wild).prop_map(|l| l.replace(['(', ')', '[', ']', '{', '}', '\n'], " "));
    prop_oneof![
        4 => text().prop_map(|t| if t.trim().is_empty() { "leaf".to_string() } else { t }),
        3 => (
            prop::option::of(pick(TAME_NODE_IDS)),
            select(&[("((", "))"), ("))", "(("), (")", "("), ("(", ")"), ("[", "]"), ("{{", "}}")][..]),
            text(),
            prop::bool::weighted(if wild { 0.9 } else { 1.0 }),
        )
            .prop_map(|(id, (open, close), label, closed)| {
                let close = if closed { close } else { "" };
                format!("{}{open}{label}{close}", id.unwrap_or_default())
            }),
        1 => pick(&["::icon(fa fa-pen)", ":::urgent large", "::icon()"]),
    ]
    .boxed()
}

fn mindmap(wild: bool) -> BoxedStrategy<String> {
    let root = mind_node(wild).prop_map(|r| if r.starts_with(':') { "root".to_string() } else { r });
    prop_oneof![
        // Random indentation steps.
        4 => (
            root,
            prop::collection::vec((-3i32..=3, mind_node(wild), prop::bool::weighted(0.1)), 0..20),
            1usize..5,
        )
            .prop_map(move |(root, children, unit)| {
                let mut out = format!("mindmap\n  {root}\n");
                let mut depth: i32 = 1;
                for (step, node, tab) in children {
                    // Tame trees stay under their root; wild ones may start a second root.
                    depth = (depth + step).max(if wild { 0 } else { 1 });
                    let indent = if tab {
                        "\t".repeat(depth as usize)
                    } else {
                        " ".repeat(2 + depth as usize * unit)
                    };
                    let _ = writeln!(out, "{indent}{node}");
                }
                out
            }),
        // One long chain, each node a level deeper.
        1 => (1usize..400, mind_node(false)).prop_map(|(depth, node)| {
            let node = if node.starts_with(':') { "n".to_string() } else { node };
            let mut out = String::from("mindmap\n");
            for level in 0..depth {
                let _ = writeln!(out, "{}{node}{level}", " ".repeat(2 + level));
            }
            out
        }),
        // A wide fan.
        1 => (1usize..120, mind_node(false)).prop_map(|(width, node)| {
            let mut out = String::from("mindmap\n  root\n");
            for i in 0..width {
                let _ = writeln!(out, "    {node}{i}");
            }
            out
        }),
    ]
    .boxed()
}

/// A number that the parsers read as one (no `nan`, `inf`, or `e400`).
fn finite_number() -> BoxedStrategy<String> {
    number()
        .prop_map(|n| if n.parse::<f64>().is_ok_and(f64::is_finite) { n } else { "3".to_string() })
        .boxed()
}

fn pie(wild: bool) -> BoxedStrategy<String> {
    let value = if wild {
        number()
    } else {
        finite_number().prop_map(|n| n.trim_start_matches('-').to_string()).boxed()
    };
    let slice = (label(wild), value, prop::bool::weighted(0.8)).prop_map(|(l, n, quoted)| {
        if quoted {
            format!("\"{}\" : {n}", l.replace(['"', '\n'], ""))
        } else {
            format!("{} : {n}", l.replace([':', '\n'], "").trim())
        }
    });
    let line = if wild {
        prop_oneof![
            6 => slice,
            1 => phrase(2).prop_map(|t| format!("title {t}")),
            1 => Just("showData".to_string()),
            1 => phrase(3),
        ]
        .boxed()
    } else {
        prop_oneof![8 => slice, 1 => tame_phrase(2).prop_map(|t| format!("title {t}"))].boxed()
    };
    (
        prop::bool::ANY,
        prop::option::weighted(0.5, tame_phrase(4)),
        prop::collection::vec(line, if wild { 0..10 } else { 1..10 }),
        "[1-9]",
    )
        .prop_map(move |(show, title, lines, last)| {
            let mut out = String::from("pie");
            if show {
                out.push_str(" showData");
            }
            if let Some(t) = title {
                let _ = write!(out, " title {t}");
            }
            for line in lines {
                let _ = write!(out, "\n  {line}");
            }
            if !wild {
                // At least one slice above 0.
                let _ = write!(out, "\n  \"last\" : {last}");
            }
            out
        })
        .boxed()
}

fn number_list(len: usize, wild: bool) -> BoxedStrategy<String> {
    let item = if wild { number() } else { finite_number() };
    prop::collection::vec(item, len..=len).prop_map(|n| format!("[{}]", n.join(", "))).boxed()
}

/// An axis range `lo --> hi`; tame ranges go up.
fn range(wild: bool) -> BoxedStrategy<String> {
    if wild {
        return (number(), number()).prop_map(|(lo, hi)| format!("{lo} --> {hi}")).boxed();
    }
    (finite_number(), finite_number())
        .prop_map(|(a, b)| {
            let (a, b): (f64, f64) = (a.parse().unwrap_or(0.0), b.parse().unwrap_or(1.0));
            match a.partial_cmp(&b) {
                Some(std::cmp::Ordering::Less) => format!("{a} --> {b}"),
                Some(std::cmp::Ordering::Greater) => format!("{b} --> {a}"),
                _ => format!("{a} --> {}", a.abs() * 2.0 + 1.0),
            }
        })
        .boxed()
}

fn xychart(wild: bool) -> BoxedStrategy<String> {
    let headers: &'static [&'static str] = if wild {
        &["xychart-beta", "xychart-beta horizontal", "xychart-beta vertical", "xychart", "xychart-beta x"]
    } else {
        &["xychart-beta", "xychart-beta horizontal", "xychart-beta vertical", "xychart"]
    };
    let tame_label = || label(false).prop_map(|t| t.replace(['"', '\n'], " ").trim().to_string());
    (
        (
            pick(headers),
            prop::option::weighted(0.5, tame_label()),
            1usize..12,
            prop::option::weighted(0.5, tame_label()),
        ),
        prop::option::weighted(0.4, range(wild)),
        prop_oneof![3 => Just(None), 1 => range(wild).prop_map(Some)],
        prop::option::weighted(0.4, tame_label()),
        prop::collection::vec(
            (pick(&["bar", "line"]), prop::option::of(tame_phrase(1)), 0usize..if wild { 3 } else { 2 }),
            1..4,
        ),
        any::<u64>(),
    )
        .prop_flat_map(move |((header, title, n, x_title), y_range, x_range, y_title, series, salt)| {
            // Tame series have one value per category; wild ones sometimes one more.
            let lists: Vec<BoxedStrategy<String>> = series
                .iter()
                .map(|(_, _, skew)| number_list(if *skew == 2 { n + 1 } else { n }, wild))
                .collect();
            let categories = prop::collection::vec(label(wild), n..=n);
            (Just((header, title, x_title, y_range, x_range, y_title, series, salt)), categories, lists)
        })
        .prop_map(|((header, title, x_title, y_range, x_range, y_title, series, salt), cats, lists)| {
            let mut out = header.to_string();
            if let Some(t) = title {
                let _ = write!(out, "\n  title \"{t}\"");
            }
            let x_title = x_title.filter(|t| !t.is_empty()).map(|t| format!("\"{t}\" ")).unwrap_or_default();
            match x_range {
                Some(range) => {
                    let _ = write!(out, "\n  x-axis {x_title}{range}");
                }
                None if salt % 5 == 0 => {}
                None => {
                    let cats: Vec<String> = cats
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let c = c.replace([',', ']', '"', '\n'], " ");
                            if c.trim().is_empty() {
                                format!("c{i}")
                            } else {
                                c
                            }
                        })
                        .collect();
                    let _ = write!(out, "\n  x-axis {x_title}[{}]", cats.join(", "));
                }
            }
            let y_title = y_title.filter(|t| !t.is_empty()).map(|t| format!("\"{t}\" ")).unwrap_or_default();
            match y_range {
                Some(range) => {
                    let _ = write!(out, "\n  y-axis {y_title}{range}");
                }
                None if !y_title.is_empty() => {
                    let _ = write!(out, "\n  y-axis {y_title}");
                }
                None => {}
            }
            for ((kind, name, _), values) in series.iter().zip(lists) {
                let name = name.as_ref().map(|n| format!("\"{n}\" ")).unwrap_or_default();
                let _ = write!(out, "\n  {kind} {name}{values}");
            }
            out
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Style files
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum KeyKind {
    Float,
    Bool,
    Count,
    Color,
    Font,
    Fonts,
    Names,
}

/// Every key of `styles/pen-notes.toml` with the kind of value it takes.
const STYLE_KEYS: &[(&str, &str, KeyKind)] = &[
    ("page", "paper", KeyKind::Color),
    ("page", "ink", KeyKind::Color),
    ("page", "margin_mm", KeyKind::Float),
    ("page", "gap_mm", KeyKind::Float),
    ("grid", "enabled", KeyKind::Bool),
    ("grid", "pitch_mm", KeyKind::Float),
    ("grid", "color", KeyKind::Color),
    ("grid", "line_width", KeyKind::Float),
    ("grid", "major_every", KeyKind::Count),
    ("grid", "major_color", KeyKind::Color),
    ("grid", "major_line_width", KeyKind::Float),
    ("fonts", "body", KeyKind::Font),
    ("fonts", "heading", KeyKind::Font),
    ("fonts", "bold", KeyKind::Font),
    ("fonts", "fake_bold", KeyKind::Bool),
    ("fonts", "fallbacks", KeyKind::Fonts),
    ("text", "size", KeyKind::Float),
    ("text", "line_height", KeyKind::Float),
    ("text", "paragraph_gap", KeyKind::Float),
    ("text", "list_indent", KeyKind::Float),
    ("text", "min_size", KeyKind::Float),
    ("fit", "min_scale", KeyKind::Float),
    ("fit", "harmony", KeyKind::Bool),
    ("box", "radius_mm", KeyKind::Float),
    ("box", "stroke_width", KeyKind::Float),
    ("box", "wobble", KeyKind::Float),
    ("box", "padding_mm", KeyKind::Float),
    ("box", "fill_tint", KeyKind::Float),
    ("box", "fill_alpha", KeyKind::Float),
    ("box", "header_size", KeyKind::Float),
    ("box", "header_rule", KeyKind::Bool),
    ("box", "subsection_size", KeyKind::Float),
    ("title", "size", KeyKind::Float),
    ("title", "subtitle_size", KeyKind::Float),
    ("title", "color", KeyKind::Color),
    ("title", "fill", KeyKind::Color),
    ("title", "stroke", KeyKind::Color),
    ("title", "accent", KeyKind::Color),
    ("mark", "color", KeyKind::Color),
    ("mark", "alpha", KeyKind::Float),
    ("quote", "tint", KeyKind::Float),
    ("quote", "size", KeyKind::Float),
    ("quote", "mark_color_tint", KeyKind::Float),
    ("code", "font", KeyKind::Font),
    ("code", "tint", KeyKind::Float),
    ("code.highlight", "enabled", KeyKind::Bool),
    ("code.highlight", "keyword", KeyKind::Color),
    ("code.highlight", "comment", KeyKind::Color),
    ("code.highlight", "italic", KeyKind::Bool),
    ("palette", "order", KeyKind::Names),
    ("fonts.size_factor", "\"NanumPen.ttf\"", KeyKind::Float),
    ("fonts.size_factor", "\"DejaVuSans.ttf\"", KeyKind::Float),
    ("fonts.size_factor", "\"nope.ttf\"", KeyKind::Float),
    ("palette.colors", "blue", KeyKind::Color),
    ("palette.colors", "neon", KeyKind::Color),
    ("grid", "pich_mm", KeyKind::Float),
    ("nonsense", "key", KeyKind::Bool),
];

const FONTS: &[&str] = &[
    "NanumPen.ttf",
    "NanumSquareRoundEB.ttf",
    "NanumGothic.ttf",
    "NanumGothicBold.ttf",
    "NanumGothicCoding.ttf",
    "DejaVuSans.ttf",
    "nope.ttf",
    "",
];

/// TOML float values: ordinary, extreme, not finite.
const TOML_FLOATS: &[&str] = &[
    "nan", "inf", "-inf", "1e-30", "1e30", "-1", "0", "0.5", "1", "3", "12", "1e38", "-0.0", "5e-324",
    "0.001", "100", "1e-7", "3.4e38", "1e300",
];

fn toml_value(kind: KeyKind) -> BoxedStrategy<String> {
    let wrong = prop_oneof![
        pick(&["\"text\"", "true", "[]", "{}", "1", "1.5", "\"#abcdef\"", "[1, 2]", "nan"]),
        phrase(1).prop_map(|p| serde_json::to_string(&p).expect("string")),
    ];
    let right = match kind {
        KeyKind::Float => prop_oneof![
            3 => pick(TOML_FLOATS),
            2 => (0.0f32..30.0).prop_map(|v| format!("{v:?}")),
            1 => any::<f32>().prop_map(|v| format!("{v:?}")),
        ]
        .boxed(),
        KeyKind::Bool => pick(&["true", "false"]),
        KeyKind::Count => pick(&["0", "1", "2", "5", "4294967295", "4294967296", "-1", "1000000"]),
        KeyKind::Color => color().prop_map(|c| serde_json::to_string(&c).expect("string")).boxed(),
        KeyKind::Font => pick(FONTS).prop_map(|f| format!("\"{f}\"")).boxed(),
        KeyKind::Fonts => prop::collection::vec(pick(FONTS), 0..4)
            .prop_map(|f| {
                format!("[{}]", f.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", "))
            })
            .boxed(),
        KeyKind::Names => {
            prop::collection::vec(pick(&["blue", "green", "neon", "red", "", "teal", "yellow"]), 0..5)
                .prop_map(|n| {
                    format!("[{}]", n.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "))
                })
                .boxed()
        }
    };
    prop_oneof![9 => right, 1 => wrong].boxed()
}

/// A style file naming some keys; sometimes with syntax errors.
fn style_toml() -> BoxedStrategy<String> {
    let entry = (0..STYLE_KEYS.len()).prop_flat_map(|i| (Just(i), toml_value(STYLE_KEYS[i].2)));
    (
        prop::collection::vec(entry, 0..10),
        prop::option::weighted(
            0.05,
            pick(&[
                "[[",
                "a = ",
                "= 1",
                "[grid\npitch_mm = 1",
                "[grid]\npitch_mm = 1\npitch_mm = 2",
                "\u{0}",
            ]),
        ),
    )
        .prop_map(|(entries, garbage)| {
            let mut tables: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for (i, value) in entries {
                let (table, key, _) = STYLE_KEYS[i];
                tables.entry(table).or_default().push(format!("{key} = {value}"));
            }
            let mut out = String::from("# generated by tests/fuzz.rs\n");
            for (table, lines) in tables {
                let _ = writeln!(out, "[{table}]");
                for line in lines {
                    let _ = writeln!(out, "{line}");
                }
            }
            if let Some(garbage) = garbage {
                out.push_str(garbage.as_str());
                out.push('\n');
            }
            out
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Seeds and mutation
// ---------------------------------------------------------------------------------------------

/// A seed input: a source and, when it names `fuzz.toml`, that style file.
struct Seed {
    name: &'static str,
    source: String,
    json: bool,
    style: Option<String>,
}

const SMALL_SHEET_FRONT: &str = "---\ntitle: \"Fuzz seed\"\nlayout:\n  - height: 15%\n    boxes: [title]\n  - height: 85%\n    boxes: [a, b]\n---\n";

fn seeds() -> Vec<Seed> {
    let markdown = |name, source: &str| Seed { name, source: source.to_string(), json: false, style: None };
    let diagrams = [
        "flowchart LR\n  A[시작] --> B{판단} -->|yes| C((끝))\n  B -- no --> D[/lean/]\n  classDef hot fill:#ffe3e3,stroke:#e03131\n  class C hot\n  style D fill:#fff3bf,stroke-width:2px",
        "graph TD\n  subgraph s1 [묶음]\n    direction LR\n    a --> b\n  end\n  s1 --> c([stadium]) & d[(db)]\n  c ---> e{{hex}}",
        "mindmap\n  root((한지))\n    A\n      A1\n      A2\n    B[box]\n      ::icon(fa fa-pen)\n      B1",
        "pie showData\n  title 비율\n  \"a\" : 95\n  \"b\" : 3\n  \"c\" : 2",
        "xychart-beta\n  title \"월별\"\n  x-axis \"월\" [1월, 2월, 3월]\n  y-axis \"토큰\" 0 --> 50\n  bar [12, 18, 25]\n  line [10, 15, 21]",
        "xychart-beta horizontal\n  x-axis epoch 0 --> 10\n  line [3.2, 2.1, 1.6]",
    ];
    let mut out = vec![
        markdown(
            "samples/pretraining-to-post-training.md",
            include_str!("../samples/pretraining-to-post-training.md"),
        ),
        markdown("samples/git-basics.md", include_str!("../samples/git-basics.md")),
        markdown("samples/diagrams.md", include_str!("../samples/diagrams.md")),
    ];
    for (i, diagram) in diagrams.iter().enumerate() {
        out.push(Seed {
            name: "small diagram sheet",
            source: format!(
                "{SMALL_SHEET_FRONT}\n## Diagram {i} {{#a .blue}}\n\n```mermaid\n{diagram}\n```\n\n## Notes {{#b}}\n\n- **one** ==two== `three`\n  1. nested\n\n> quote\n"
            ),
            json: false,
            style: None,
        });
    }
    out.push(markdown(
        "images and tables",
        &format!(
            "{SMALL_SHEET_FRONT}\n## Images {{#a}}\n\n![checker](checker.png)\n\n![svg](diagram.svg)\n\n![gone](missing.png)\n\n## Table {{#b .red}}\n\n| a | b |\n|:--|--:|\n| `x` | [link](https://example.com) |\n\n```rust\nfn main() {{}}\n```\n"
        ),
    ));
    out.push(markdown(
        "inner grid",
        "---\ntitle: t\nlayout:\n  - height: 100%\n    boxes:\n      - id: p\n        inner:\n          - height: 60%\n            boxes: [{ id: x, width: 40% }, y]\n          - height: 40%\n            boxes: [z]\n---\n## P {#p}\n\nintro\n\n### X {#x}\n\ntext\n\n### Y {#y}\n\n- a\n- b\n\n### Z {#z}\n\n1. one\n2. two\n",
    ));
    let style_sheet = "---\ntitle: \"styled\"\nstyle: fuzz.toml\nlayout:\n  - height: 20%\n    boxes: [title]\n  - height: 80%\n    boxes: [a, b]\n---\n## A {#a .blue}\n\n**strong** ==mark== `code` 한글 📦\n\n> quote\n\n## B {#b}\n\n```mermaid\npie\n  \"x\" : 1\n  \"y\" : 2\n```\n";
    for (name, style) in [
        ("styles/pen-notes.toml", include_str!("../styles/pen-notes.toml")),
        ("styles/clean.toml", include_str!("../styles/clean.toml")),
    ] {
        out.push(Seed { name, source: style_sheet.to_string(), json: false, style: Some(style.to_string()) });
    }
    let git = hanji::parse::parse_markdown(include_bytes!("../samples/git-basics.md"), Path::new("git.md"))
        .expect("the git sample parses");
    out.push(Seed {
        name: "JSON of samples/git-basics.md",
        source: serde_json::to_string_pretty(&git).expect("the model serialises"),
        json: true,
        style: None,
    });
    out
}

/// Tokens that mutations insert.
const INSERTS: &[&str] = &[
    "\u{0}",
    "€",
    "\t",
    "{",
    "}",
    "|",
    "[",
    "]",
    "-->",
    "---",
    "\n",
    "\r\n",
    "#",
    "## ",
    "### ",
    "- ",
    "> ",
    "```",
    "```mermaid\n",
    "==",
    "**",
    "`",
    "\\",
    "\"",
    "'",
    ":",
    "%",
    "<br>",
    "&",
    "\u{FEFF}",
    "\u{200B}",
    "한",
    "👩‍💻",
    "\u{0301}",
    "\u{202E}",
    "1e30",
    "-1",
    "nan",
    "  ",
    "    ",
    "{#x}",
    "1. ",
    ";",
    "(",
    ")",
    "\u{10FFFF}",
];

#[derive(Clone, Debug)]
enum Mutation {
    Insert {
        at: u32,
        token: &'static str,
    },
    /// A raw byte, possibly breaking UTF-8.
    Byte {
        at: u32,
        byte: u8,
    },
    Delete {
        at: u32,
        len: u16,
    },
    Duplicate {
        at: u32,
        len: u16,
        to: u32,
    },
    Swap {
        a: u32,
        b: u32,
        len: u16,
    },
    Run {
        at: u32,
        token: &'static str,
        count: u16,
    },
    /// Repeat one whole line many times.
    RepeatLine {
        at: u32,
        count: u16,
    },
}

fn mutation() -> BoxedStrategy<Mutation> {
    let at = any::<u32>();
    prop_oneof![
        6 => (at, select(INSERTS)).prop_map(|(at, token)| Mutation::Insert { at, token }),
        1 => (at, any::<u8>()).prop_map(|(at, byte)| Mutation::Byte { at, byte }),
        4 => (at, 1u16..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        3 => (at, 1u16..200, any::<u32>()).prop_map(|(at, len, to)| Mutation::Duplicate { at, len, to }),
        2 => (at, any::<u32>(), 1u16..40).prop_map(|(a, b, len)| Mutation::Swap { a, b, len }),
        2 => (at, select(INSERTS), 2u16..3000).prop_map(|(at, token, count)| Mutation::Run { at, token, count }),
        1 => (at, 2u16..500).prop_map(|(at, count)| Mutation::RepeatLine { at, count }),
    ]
    .boxed()
}

/// The nearest character boundary at or after `at` (in text that may no longer be UTF-8).
fn boundary(bytes: &[u8], at: u32) -> usize {
    let mut i = at as usize % (bytes.len() + 1);
    while i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
        i += 1;
    }
    i
}

/// Inputs stop growing here, so a run of mutations cannot build a gigabyte source.
const MAX_MUTATED_LEN: usize = 1 << 20;

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    match *m {
        Mutation::Insert { at, token } => {
            let i = boundary(bytes, at);
            bytes.splice(i..i, token.bytes());
        }
        Mutation::Byte { at, byte } => {
            let i = at as usize % (bytes.len() + 1);
            bytes.insert(i, byte);
        }
        Mutation::Delete { at, len } => {
            let i = boundary(bytes, at);
            let end = boundary(bytes, (i + usize::from(len)).min(bytes.len()) as u32).max(i);
            bytes.drain(i..end.min(bytes.len()));
        }
        Mutation::Duplicate { at, len, to } => {
            let i = boundary(bytes, at);
            let end = (i + usize::from(len)).min(bytes.len());
            let end = boundary(bytes, end as u32).max(i).min(bytes.len());
            let slice = bytes[i..end].to_vec();
            let j = boundary(bytes, to);
            bytes.splice(j..j, slice);
        }
        Mutation::Swap { a, b, len } => {
            let (mut i, mut j) = (boundary(bytes, a), boundary(bytes, b));
            if i > j {
                std::mem::swap(&mut i, &mut j);
            }
            let len = usize::from(len).min(j - i).min(bytes.len() - j);
            if len > 0 {
                let first = bytes[i..i + len].to_vec();
                let second = bytes[j..j + len].to_vec();
                bytes[i..i + len].copy_from_slice(&second);
                bytes[j..j + len].copy_from_slice(&first);
            }
        }
        Mutation::Run { at, token, count } => {
            let i = boundary(bytes, at);
            bytes.splice(i..i, token.repeat(usize::from(count)).into_bytes());
        }
        Mutation::RepeatLine { at, count } => {
            let i = boundary(bytes, at);
            let start = bytes[..i].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let end = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p + 1);
            let mut line = bytes[start..end].to_vec();
            if !line.ends_with(b"\n") {
                line.push(b'\n');
            }
            let repeated = line.repeat(usize::from(count));
            bytes.splice(end..end, repeated);
        }
    }
    bytes.truncate(MAX_MUTATED_LEN);
}

fn mutated_seed(seeds: Arc<Vec<Seed>>) -> BoxedStrategy<Case> {
    let count = seeds.len();
    (0..count, prop::collection::vec(mutation(), 1..8), prop::bool::weighted(0.5), prop::bool::weighted(0.1))
        .prop_map(move |(index, mutations, on_style, png)| {
            let seed = &seeds[index];
            let mut source = seed.source.clone().into_bytes();
            let mut style = seed.style.clone();
            match &mut style {
                Some(text) if on_style => {
                    let mut bytes = std::mem::take(text).into_bytes();
                    for m in &mutations {
                        apply(&mut bytes, m);
                    }
                    *text = String::from_utf8_lossy(&bytes).into_owned();
                }
                _ => {
                    for m in &mutations {
                        apply(&mut source, m);
                    }
                }
            }
            let _ = seed.name;
            Case {
                family: Family::Mutation,
                source,
                json: seed.json,
                style_file: style,
                style_override: None,
                png,
            }
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// The JSON model
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum JsonEdit {
    /// An integer for integer fields (list `start`, lines) and a float for the others
    /// (heights, widths); `any_type` puts the integer anywhere.
    Number {
        integer: serde_json::Value,
        float: serde_json::Value,
        any_type: bool,
    },
    Text(String),
    Remove,
    /// Repeat an array's items (or empty it when `times` is 0).
    Repeat(usize),
}

fn json_edit() -> BoxedStrategy<(u32, bool, JsonEdit)> {
    let integer = prop_oneof![
        2 => select(&[0i64, 1, -1, 2, 7, 100, 4_294_967_296, 9_007_199_254_740_993, i64::MIN, i64::MAX][..])
            .prop_map(serde_json::Value::from),
        1 => Just(serde_json::Value::from(u64::MAX)),
        1 => Just(serde_json::Value::from(u64::MAX - 1)),
        2 => (0u32..200).prop_map(serde_json::Value::from),
    ];
    let float = prop_oneof![
        2 => select(&[1e300f64, -1e300, 1e-300, 3.5, -0.5, 1e39, -1e39, 0.0001, 250.0, 1e-40, 0.0, -0.0][..])
            .prop_map(serde_json::Value::from),
        1 => (-10f64..120.0).prop_map(serde_json::Value::from),
    ];
    let edit = prop_oneof![
        8 => (integer, float, prop::bool::weighted(0.15))
            .prop_map(|(integer, float, any_type)| JsonEdit::Number { integer, float, any_type }),
        3 => prop_oneof![
            pick(&["", "a9", "fuzz.toml", "missing.png", "title", "€", "pen-notes", "clean", "box0", "mermaid"]),
            phrase(3),
            long_run(),
            mermaid(),
        ]
        .prop_map(JsonEdit::Text),
        1 => Just(JsonEdit::Remove),
        1 => (0usize..40).prop_map(JsonEdit::Repeat),
    ];
    (any::<u32>(), prop::bool::weighted(0.9), edit).boxed()
}

/// Every path to a value of the model, with what it holds.
fn json_paths(
    value: &serde_json::Value,
    path: &mut Vec<serde_json::Value>,
    out: &mut Vec<Vec<serde_json::Value>>,
) {
    out.push(path.clone());
    match value {
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.into());
                json_paths(item, path, out);
                path.pop();
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                path.push(key.as_str().into());
                json_paths(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn json_at<'a>(
    value: &'a mut serde_json::Value,
    path: &[serde_json::Value],
) -> Option<&'a mut serde_json::Value> {
    let mut at = value;
    for step in path {
        at = match step {
            serde_json::Value::Number(i) => at.get_mut(i.as_u64()? as usize)?,
            serde_json::Value::String(key) => at.get_mut(key.as_str())?,
            _ => return None,
        };
    }
    Some(at)
}

/// Applies one edit; `numbers_only` aims it at a number (list `start`, lines, widths, heights).
fn edit_json(doc: &mut serde_json::Value, target: u32, numbers_only: bool, edit: &JsonEdit) {
    let mut paths = Vec::new();
    json_paths(doc, &mut Vec::new(), &mut paths);
    let wanted = |v: &serde_json::Value| match edit {
        JsonEdit::Number { .. } if numbers_only => v.is_number() || v.is_null(),
        JsonEdit::Text(_) => v.is_string(),
        JsonEdit::Repeat(_) => v.is_array(),
        _ => true,
    };
    let mut doc_copy = doc.clone();
    let candidates: Vec<&Vec<serde_json::Value>> =
        paths.iter().filter(|p| json_at(&mut doc_copy, p).is_some_and(|v| wanted(v))).collect();
    if candidates.is_empty() {
        return;
    }
    let path = candidates[target as usize % candidates.len()];
    match edit {
        JsonEdit::Number { integer, float, any_type } => {
            if let Some(v) = json_at(doc, path) {
                let whole = v.is_u64() || v.is_i64();
                *v = if whole || *any_type { integer.clone() } else { float.clone() };
            }
        }
        JsonEdit::Text(t) => {
            if let Some(v) = json_at(doc, path) {
                *v = t.clone().into();
            }
        }
        JsonEdit::Repeat(times) => {
            if let Some(serde_json::Value::Array(items)) = json_at(doc, path) {
                let copy = items.clone();
                items.clear();
                for _ in 0..*times {
                    items.extend(copy.iter().cloned());
                }
                items.truncate(2000);
            }
        }
        JsonEdit::Remove => {
            if let Some((last, parent)) = path.split_last() {
                match (json_at(doc, parent), last) {
                    (Some(serde_json::Value::Object(map)), serde_json::Value::String(key)) => {
                        map.remove(key);
                    }
                    (Some(serde_json::Value::Array(items)), serde_json::Value::Number(i)) => {
                        let i = i.as_u64().unwrap_or(0) as usize;
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn json_model(models: Arc<Vec<serde_json::Value>>) -> BoxedStrategy<Case> {
    let count = models.len();
    (0..count, prop::collection::vec(json_edit(), 1..6), prop::bool::weighted(0.1), prop::bool::ANY)
        .prop_map(move |(index, edits, png, pretty)| {
            let mut doc = models[index].clone();
            for (target, numbers_only, edit) in &edits {
                edit_json(&mut doc, *target, *numbers_only, edit);
            }
            let text = if pretty { serde_json::to_string_pretty(&doc) } else { serde_json::to_string(&doc) };
            Case {
                family: Family::Json,
                source: text.expect("JSON serialises").into_bytes(),
                json: true,
                style_file: None,
                style_override: None,
                png,
            }
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// All families
// ---------------------------------------------------------------------------------------------

fn family_strategy(
    family: Family,
    seeds: &Arc<Vec<Seed>>,
    models: &Arc<Vec<serde_json::Value>>,
) -> BoxedStrategy<Case> {
    let overrides = prop_oneof![12 => Just(None), 1 => Just(Some("clean")), 1 => Just(Some("pen-notes"))];
    let png = prop::bool::weighted(0.12);
    match family {
        Family::Sheet => (sheet(1, style_names(), 5), overrides, png)
            .prop_map(move |(text, style_override, png)| Case {
                family,
                source: text.into_bytes(),
                json: false,
                style_file: None,
                style_override,
                png,
            })
            .boxed(),
        Family::Mermaid => (sheet(12, style_names(), 4), png)
            .prop_map(move |(text, png)| Case {
                family,
                source: text.into_bytes(),
                json: false,
                style_file: None,
                style_override: None,
                png,
            })
            .boxed(),
        Family::Style => (sheet(2, Just("fuzz.toml".to_string()).boxed(), 3), style_toml(), png)
            .prop_map(move |(text, style, png)| Case {
                family,
                source: text.into_bytes(),
                json: false,
                style_file: Some(style),
                style_override: None,
                png,
            })
            .boxed(),
        Family::Json => json_model(Arc::clone(models)),
        Family::Mutation => mutated_seed(Arc::clone(seeds)),
    }
}

fn case_strategy(only: Option<Family>) -> BoxedStrategy<Case> {
    let seeds = Arc::new(seeds());
    let models: Vec<serde_json::Value> = seeds
        .iter()
        .filter(|s| !s.json && s.style.is_none())
        .map(|s| {
            let doc = hanji::parse::parse_markdown(s.source.as_bytes(), Path::new("seed.md"))
                .unwrap_or_else(|e| panic!("seed `{}` must parse: {e}", s.name));
            serde_json::to_value(&doc).expect("the model serialises")
        })
        .collect();
    let models = Arc::new(models);
    let families: Vec<(u32, BoxedStrategy<Case>)> = Family::ALL
        .iter()
        .filter(|f| only.is_none_or(|o| o == **f))
        .map(|&f| (f.weight(), family_strategy(f, &seeds, &models)))
        .collect();
    Union::new_weighted(families).boxed()
}

// ---------------------------------------------------------------------------------------------
// Checking one case (in the worker process)
// ---------------------------------------------------------------------------------------------

/// What went wrong with a case.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Problem {
    Panic {
        message: String,
        location: String,
    },
    /// No answer in time; `place` is the Hanji function the stuck thread was in (from gdb).
    Hang {
        seconds: f64,
        place: String,
    },
    /// The worker asked for more heap than the budget allows, in the function `place`.
    Memory {
        place: String,
        detail: String,
    },
    /// The worker died another way: a stack overflow, an abort.
    Crash {
        detail: String,
    },
    /// An error that should name a line does not.
    Lineless {
        stage: String,
        message: String,
    },
    EmptyMessage {
        stage: String,
    },
    BadOutput {
        what: String,
    },
}

impl Problem {
    /// Two problems with one signature are taken to be one bug (for shrinking and de-duplication).
    fn signature(&self) -> String {
        match self {
            Problem::Panic { location, .. } => format!("panic at {location}"),
            Problem::Hang { place, .. } => format!("hang in {place}"),
            Problem::Memory { place, .. } => format!("runaway memory in {place}"),
            Problem::Crash { detail } => format!("crash: {}", shape(detail)),
            Problem::Lineless { stage, message } => {
                format!("{stage} error without a line: {}", shape(message))
            }
            Problem::EmptyMessage { stage } => format!("{stage} error with an empty message"),
            Problem::BadOutput { what } => format!("bad output: {}", shape(what)),
        }
    }

    /// Each try of a hanging input costs the whole time budget: such inputs are not shrunk.
    fn is_hang(&self) -> bool {
        matches!(self, Problem::Hang { .. })
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Panic { message, location } => write!(f, "panic at {location}: {message}"),
            Problem::Hang { seconds, place } => write!(f, "no result after {seconds:.1} s (hang) in {place}"),
            Problem::Memory { place, detail } => write!(f, "runaway memory in {place}: {detail}"),
            Problem::Crash { detail } => write!(f, "the worker process died: {detail}"),
            Problem::Lineless { stage, message } => write!(f, "{stage} error without a line: {message}"),
            Problem::EmptyMessage { stage } => write!(f, "{stage} error with an empty message"),
            Problem::BadOutput { what } => write!(f, "bad output: {what}"),
        }
    }
}

/// A message with numbers and quoted parts blanked, to group errors of one kind.
fn shape(message: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match c {
            '`' | '"' if quote.is_none() => {
                quote = Some(c);
                out.push(c);
                out.push('…');
            }
            c if quote == Some(c) => {
                quote = None;
                out.push(c);
            }
            _ if quote.is_some() => {}
            '0'..='9' => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            c => out.push(c),
        }
    }
    out.chars().take(140).collect()
}

/// What a finished case did.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Observed {
    parse_error: bool,
    typeset_error: bool,
    pdf: bool,
    pngs: usize,
    /// The first error met, for `HANJI_FUZZ_VERBOSE`.
    first_error: Option<String>,
    /// Errors without a line that are tolerated (style file, JSON model, export): stage and message.
    lineless: Vec<(String, String)>,
    /// Peak heap of the case in bytes.
    peak: usize,
}

/// The last panic's location and message, set by the silent hook.
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a non-string panic payload)".to_string())
}

/// The innermost `hanji::` function of a backtrace, with its `at file:line` when there is
/// debug info.
fn first_hanji_frame(trace: &str) -> Option<String> {
    let lines: Vec<&str> = trace.lines().map(str::trim).collect();
    let at = lines.iter().position(|l| {
        l.split_once(": ").is_some_and(|(n, f)| {
            n.chars().all(|c| c.is_ascii_digit()) && (f.starts_with("hanji::") || f.starts_with("<hanji::"))
        })
    })?;
    let name = without_hash(lines[at].split_once(": ").map_or(lines[at], |(_, f)| f));
    match lines.get(at + 1).and_then(|l| l.strip_prefix("at ")) {
        Some(place) => Some(format!("{name} at {place}")),
        None => Some(name.to_string()),
    }
}

/// A symbol name without its hash (`::h0123456789abcdef`).
fn without_hash(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => head,
        _ => name,
    }
}

/// Records panics silently (they are findings, reported by the parent) with their location;
/// a panic inside std or a dependency also names the Hanji function that called it.
fn install_silent_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let mut location =
            info.location().map_or("(unknown)".to_string(), |l| format!("{}:{}", l.file(), l.line()));
        if !location.starts_with("src/") {
            let trace = std::backtrace::Backtrace::force_capture().to_string();
            if let Some(frame) = first_hanji_frame(&trace) {
                let _ = write!(location, " (called from {frame})");
            }
        }
        let message = panic_text(info.payload());
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some((location, message));
    }));
}

/// Errors about the style file or its fonts, which have no source line to name.
fn is_style_error(err: &hanji::error::HanjiError) -> bool {
    let m = &err.message;
    err.file.as_deref().is_some_and(|f| f.extension().is_some_and(|e| e == "toml"))
        || m.starts_with("style ")
        || m.starts_with("`palette.order`")
        || m.starts_with("unknown font")
        || m.starts_with("cannot read style")
}

/// Checks one error: a message, and a line where the pipeline promises one.
fn check_error(
    stage: &str,
    err: &hanji::error::HanjiError,
    line_required: bool,
    seen: &mut Observed,
) -> Result<(), Problem> {
    if err.message.trim().is_empty() {
        return Err(Problem::EmptyMessage { stage: stage.to_string() });
    }
    seen.first_error.get_or_insert_with(|| format!("{stage}: {err}"));
    // The JSON model names the Markdown line in the message.
    if err.line.is_none() && !err.message.contains(" of the Markdown this model was made from)") {
        if line_required {
            return Err(Problem::Lineless { stage: stage.to_string(), message: err.to_string() });
        }
        seen.lineless.push((stage.to_string(), err.message.clone()));
    }
    Ok(())
}

/// How the parent tells the worker to run the case it staged.
#[derive(Debug, Serialize, Deserialize)]
struct Job {
    json: bool,
    png: bool,
    style_override: Option<String>,
}

/// parse → typeset → PDF (→ PNG), checking each result.
fn pipeline(job: &Job, source_path: &Path) -> Result<Observed, Problem> {
    let mut seen = Observed::default();
    let source = std::fs::read(source_path).expect("the staged case");
    let parsed = if job.json {
        hanji::parse::parse_json(&source, source_path)
    } else {
        hanji::parse::parse_markdown(&source, source_path)
    };
    let doc = match parsed {
        Ok(doc) => doc,
        Err(err) => {
            seen.parse_error = true;
            // JSON model errors name the Markdown line in the message when they have one.
            let stage = if job.json { "JSON parse" } else { "parse" };
            check_error(stage, &err, !job.json, &mut seen)?;
            return Ok(seen);
        }
    };
    let typeset = match hanji::typeset(&doc, source_path, job.style_override.as_deref()) {
        Ok(typeset) => typeset,
        Err(failure) => {
            seen.typeset_error = true;
            if failure.errors.is_empty() {
                return Err(Problem::BadOutput { what: "typeset failed with no error".to_string() });
            }
            for err in &failure.errors {
                let stage = if is_style_error(err) { "style" } else { "typeset" };
                check_error(stage, err, !job.json && stage == "typeset", &mut seen)?;
            }
            return Ok(seen);
        }
    };
    match typeset.pdf() {
        Ok(pdf) if pdf.starts_with(b"%PDF-") => seen.pdf = true,
        Ok(pdf) => {
            let head = String::from_utf8_lossy(&pdf[..pdf.len().min(16)]).into_owned();
            return Err(Problem::BadOutput { what: format!("the PDF starts with {head:?}") });
        }
        Err(err) => check_error("PDF export", &err, false, &mut seen)?,
    }
    if job.png {
        match typeset.pngs(20.0) {
            Ok(pngs) => {
                if pngs.len() != typeset.laid.pages.len() {
                    return Err(Problem::BadOutput {
                        what: format!("{} PNGs for {} pages", pngs.len(), typeset.laid.pages.len()),
                    });
                }
                if let Some(bad) = pngs.iter().find(|p| !p.starts_with(b"\x89PNG\r\n\x1a\n")) {
                    return Err(Problem::BadOutput {
                        what: format!("a PNG of {} bytes without the signature", bad.len()),
                    });
                }
                seen.pngs = pngs.len();
            }
            Err(err) => check_error("PNG export", &err, false, &mut seen)?,
        }
    }
    Ok(seen)
}

/// Runs one job inside `catch_unwind` on a thread with the main thread's 8 MiB stack.
fn run_job(job: Job, source_path: PathBuf) -> Result<Observed, Problem> {
    *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let base = LIVE_BYTES.load(Ordering::Relaxed);
    PEAK_BYTES.store(base, Ordering::Relaxed);
    let outcome = std::thread::Builder::new()
        .name("fuzz-case".to_string())
        .stack_size(8 << 20)
        .spawn(move || catch_unwind(AssertUnwindSafe(|| pipeline(&job, &source_path))))
        .expect("spawn the case thread")
        .join();
    let peak = PEAK_BYTES.load(Ordering::Relaxed).saturating_sub(base);
    match outcome {
        Ok(Ok(Ok(mut seen))) => {
            seen.peak = peak;
            Ok(seen)
        }
        Ok(Ok(Err(problem))) => Err(problem),
        Ok(Err(payload)) | Err(payload) => {
            let recorded = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
            let (location, message) =
                recorded.unwrap_or_else(|| ("(unknown)".to_string(), panic_text(payload.as_ref())));
            Err(Problem::Panic { message, location })
        }
    }
}

/// Marks the worker's answer among libtest's own output.
const RESULT_PREFIX: &str = "HANJI-FUZZ-RESULT ";

/// The worker process: reads one `Job` per line, runs it on the case staged in
/// `HANJI_FUZZ_WORKER_DIR`, and answers with one result line. Started by `fuzz_pipeline`.
#[test]
#[ignore = "the worker process of fuzz_pipeline, started by it"]
fn fuzz_worker() {
    let Some(dir) = env("HANJI_FUZZ_WORKER_DIR") else {
        return;
    };
    HEAP_LIMIT.store(env_number("HANJI_FUZZ_WORKER_HEAP").unwrap_or(0) as usize, Ordering::Relaxed);
    install_silent_panic_hook();
    let dir = PathBuf::from(dir);
    let stdin = std::io::stdin();
    let mut line = String::new();
    while stdin.read_line(&mut line).is_ok_and(|n| n > 0) {
        let job: Job = serde_json::from_str(&line).expect("a job line from the parent");
        let source = dir.join(if job.json { "case.json" } else { "case.md" });
        let result = run_job(job, source);
        let answer = serde_json::to_string(&result).expect("a result serialises");
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{RESULT_PREFIX}{answer}");
        let _ = out.flush();
        line.clear();
    }
}

// ---------------------------------------------------------------------------------------------
// The parent side: a worker process per run, killed and restarted after a hang or a crash
// ---------------------------------------------------------------------------------------------

/// A running worker: its stdin, and its result lines arriving through a channel.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where a hung worker is stuck: the innermost Hanji function of its case thread, asked of
/// gdb when the machine has it.
fn stuck_place(pid: u32) -> String {
    let output = Command::new("timeout")
        .args(["60", "gdb", "-p", &pid.to_string(), "-batch", "-ex", "thread apply all bt 80"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let Ok(output) = output else {
        return "(unknown: no gdb)".to_string();
    };
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .filter_map(|l| l.split_once(" in ").map(|(_, f)| f.trim()))
        .find(|f| f.starts_with("hanji::") || f.starts_with("<hanji::"))
        .map_or("(unknown: no gdb or no hanji frame)".to_string(), |f| {
            without_hash(f.split(" (").next().unwrap_or(f)).to_string()
        })
}

/// Budgets, the folder the inputs are written to, and the worker.
struct Runner {
    dir: PathBuf,
    case_budget: Duration,
    memory_budget: usize,
    /// How long shrinking one finding may take (a third proptest's, the rest deleting text).
    shrink_budget: Duration,
    worker: Option<Worker>,
}

impl Runner {
    fn stderr_path(&self) -> PathBuf {
        self.dir.join("worker-stderr.txt")
    }

    fn start_worker(&self) -> Worker {
        let stderr = std::fs::File::create(self.stderr_path()).expect("create the worker's stderr file");
        let mut child = Command::new(std::env::current_exe().expect("the test binary"))
            .args(["fuzz_worker", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env("HANJI_FUZZ_WORKER_DIR", &self.dir)
            .env("HANJI_FUZZ_WORKER_HEAP", self.memory_budget.to_string())
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start the fuzz worker process");
        let stdin = child.stdin.take().expect("worker stdin");
        let stdout = child.stdout.take().expect("worker stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // libtest may print `test fuzz_worker ... ` on the same line first.
                if let Some(at) = line.find(RESULT_PREFIX) {
                    if tx.send(line[at + RESULT_PREFIX.len()..].to_string()).is_err() {
                        return;
                    }
                }
            }
        });
        Worker { child, stdin, lines }
    }

    /// Writes the case where the worker reads it (and where it stays if everything dies).
    fn stage(&self, case: &Case) {
        std::fs::write(self.dir.join(case.file_name()), &case.source).expect("write the case");
        let style = self.dir.join("fuzz.toml");
        match &case.style_file {
            Some(text) => std::fs::write(&style, text).expect("write the style"),
            None => {
                let _ = std::fs::remove_file(&style);
            }
        }
    }

    /// What killed the worker, from the end of its stderr.
    fn crash_problem(&mut self) -> Problem {
        let status = self.worker.take().map(|mut w| w.child.wait().map(|s| s.to_string()));
        let stderr = std::fs::read_to_string(self.stderr_path()).unwrap_or_default();
        let tail: String = stderr.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
        let detail = format!("{} ({tail})", status.and_then(Result::ok).unwrap_or_default());
        if let Some(at) = stderr.find(RUNAWAY_PREFIX) {
            let place = stderr[at + RUNAWAY_PREFIX.len()..].lines().next().unwrap_or_default().to_string();
            let budget = self.memory_budget >> 20;
            Problem::Memory {
                place,
                detail: format!("an allocation past the {budget} MB heap budget; {detail}"),
            }
        } else if stderr.contains("memory allocation of") {
            Problem::Memory { place: "(unknown)".to_string(), detail }
        } else {
            Problem::Crash { detail }
        }
    }

    /// Runs one case in the worker; a panic, a hang, runaway memory or a crash is a `Problem`.
    fn run(&mut self, case: &Case) -> (Result<Observed, Problem>, Duration) {
        self.stage(case);
        if self.worker.is_none() {
            self.worker = Some(self.start_worker());
        }
        let job =
            Job { json: case.json, png: case.png, style_override: case.style_override.map(str::to_string) };
        let started = Instant::now();
        let worker = self.worker.as_mut().expect("a worker");
        let line = serde_json::to_string(&job).expect("a job serialises");
        if writeln!(worker.stdin, "{line}").and_then(|_| worker.stdin.flush()).is_err() {
            return (Err(self.crash_problem()), started.elapsed());
        }
        match worker.lines.recv_timeout(self.case_budget) {
            Ok(answer) => {
                let elapsed = started.elapsed();
                let result: Result<Observed, Problem> =
                    serde_json::from_str(&answer).expect("the worker's answer parses");
                (result, elapsed)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let seconds = started.elapsed().as_secs_f64();
                let place = stuck_place(worker.child.id());
                self.worker = None;
                (Err(Problem::Hang { seconds, place }), started.elapsed())
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => (Err(self.crash_problem()), started.elapsed()),
        }
    }

    /// Shrinks a failing case with proptest to a smaller one with the same problem signature.
    fn shrink(
        &mut self,
        tree: &mut dyn ValueTree<Value = Case>,
        problem: &Problem,
    ) -> (Case, Problem, usize) {
        let signature = problem.signature();
        let mut best = (tree.current(), problem.clone());
        let mut steps = 0;
        let deadline = Instant::now() + self.shrink_budget / 3;
        if !tree.simplify() {
            return (best.0, best.1, steps);
        }
        while steps < 1000 && Instant::now() < deadline {
            steps += 1;
            let candidate = tree.current();
            match self.run(&candidate).0 {
                Err(p) if p.signature() == signature => {
                    best = (candidate, p);
                    if !tree.simplify() {
                        break;
                    }
                }
                _ => {
                    if !tree.complicate() {
                        break;
                    }
                }
            }
        }
        (best.0, best.1, steps)
    }

    /// Deletes chunks of lines, then words, from the source and the style file while the
    /// problem keeps its signature: proptest's shrinking leaves most of a generated sheet.
    fn minimize_text(&mut self, mut case: Case, mut problem: Problem) -> (Case, Problem, usize) {
        let signature = problem.signature();
        let deadline = Instant::now() + self.shrink_budget * 2 / 3;
        let mut steps = 0;
        for on_style in [false, true] {
            for separator in [b'\n', b' '] {
                let text = if on_style {
                    match &case.style_file {
                        Some(style) => style.clone().into_bytes(),
                        None => continue,
                    }
                } else {
                    case.source.clone()
                };
                let mut pieces: Vec<Vec<u8>> =
                    text.split_inclusive(|&b| b == separator).map(<[u8]>::to_vec).collect();
                let mut chunk = (pieces.len() / 2).max(1);
                loop {
                    let mut changed = false;
                    let mut i = 0;
                    while i < pieces.len() && Instant::now() < deadline {
                        let end = (i + chunk).min(pieces.len());
                        let kept: Vec<u8> =
                            pieces[..i].iter().chain(&pieces[end..]).flatten().copied().collect();
                        let mut candidate = case.clone();
                        if on_style {
                            candidate.style_file = Some(String::from_utf8_lossy(&kept).into_owned());
                        } else {
                            candidate.source = kept;
                        }
                        steps += 1;
                        match self.run(&candidate).0 {
                            Err(p) if p.signature() == signature => {
                                pieces.drain(i..end);
                                case = candidate;
                                problem = p;
                                changed = true;
                            }
                            _ => i += chunk,
                        }
                    }
                    if Instant::now() >= deadline || (chunk == 1 && !changed) {
                        break;
                    }
                    if !changed {
                        chunk = (chunk / 2).max(1);
                    }
                }
            }
        }
        (case, problem, steps)
    }
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

/// The default seed: the same inputs on every run unless `HANJI_FUZZ_SEED` says otherwise.
const DEFAULT_SEED: u64 = 0x4841_4E4A_4900_0001;
/// About three seconds of inputs in `cargo test --release`.
const DEFAULT_CASES: u64 = 1000;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_number(name: &str) -> Option<u64> {
    let text = env(name)?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={text} is not a number")))
}

/// splitmix64: spreads (seed, case index) into the 32 bytes of a ChaCha seed.
fn case_rng(seed: u64, index: u64) -> TestRng {
    let mut state = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

/// Counts for the summary line.
#[derive(Default)]
struct Tally {
    tried: u64,
    by_family: BTreeMap<&'static str, u64>,
    parse_errors: u64,
    typeset_errors: u64,
    pdfs: u64,
    pngs: u64,
    slowest: (Duration, u64),
    peak_bytes: usize,
    /// Tolerated errors without a line: (stage, message shape) → count and an example.
    lineless: BTreeMap<(String, String), (u64, String)>,
}

/// A finding: the problem and the (shrunk) input.
struct Finding {
    index: u64,
    problem: Problem,
    case: Case,
    shrink_steps: usize,
}

/// Copies the image fixtures beside the sources, with broken and extreme images.
fn prepare_dir(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub/dir")).expect("create the fuzz folder");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in ["checker.png", "checker.jpg", "diagram.svg"] {
        std::fs::copy(fixtures.join(name), dir.join(name)).expect("copy a fixture");
    }
    let png = std::fs::read(fixtures.join("checker.png")).expect("read a fixture");
    std::fs::write(dir.join("broken.png"), &png[..png.len() / 2]).expect("write broken.png");
    std::fs::write(dir.join("sub/dir/x.png"), b"not a png").expect("write x.png");
    std::fs::write(
        dir.join("huge.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000000" height="0.0001"><rect width="5" height="5"/></svg>"#,
    )
    .expect("write huge.svg");
    std::fs::write(dir.join("empty.svg"), "").expect("write empty.svg");
}

fn print_finding(seed: u64, finding: &Finding) {
    eprintln!(
        "\n=== FINDING (seed {seed:#x}, case {}, shrunk in {} steps): {}\n\
         reproduce: HANJI_FUZZ_SEED={seed:#x} HANJI_FUZZ_CASE={} cargo test --release --test fuzz -- --nocapture\n{}",
        finding.index,
        finding.shrink_steps,
        finding.problem,
        finding.index,
        finding.case.describe()
    );
}

/// Runs one file given by `HANJI_FUZZ_REPLAY` and reports what it did.
fn replay(runner: &mut Runner, path: &Path) {
    let source = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let style = path.parent().map(|d| d.join("fuzz.toml")).and_then(|p| std::fs::read_to_string(p).ok());
    let json = path.extension().is_some_and(|e| e == "json");
    let case = Case {
        family: Family::Mutation,
        source,
        json,
        style_file: style,
        style_override: None,
        png: env("HANJI_FUZZ_PNG").is_some(),
    };
    let (result, elapsed) = runner.run(&case);
    eprintln!("replay {}: {result:?} in {elapsed:?}", path.display());
    if let Err(problem) = result {
        panic!("{problem}");
    }
}

#[test]
fn fuzz_pipeline() {
    let seed = env_number("HANJI_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let seconds = env_number("HANJI_FUZZ_SECONDS");
    let cases = env_number("HANJI_FUZZ_CASES").or(if seconds.is_some() { None } else { Some(DEFAULT_CASES) });
    let only_case = env_number("HANJI_FUZZ_CASE");
    let keep_going = env("HANJI_FUZZ_KEEP_GOING").is_some_and(|v| v != "0");
    let verbose = env_number("HANJI_FUZZ_VERBOSE").unwrap_or(0);
    let only = env("HANJI_FUZZ_ONLY").map(|name| {
        *Family::ALL.iter().find(|f| f.name() == name).unwrap_or_else(|| {
            panic!("HANJI_FUZZ_ONLY={name}: use one of sheet, mermaid, style, json, mutation")
        })
    });
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("hanji-fuzz-{}", std::process::id()));
    prepare_dir(&dir);
    let mut runner = Runner {
        dir: dir.clone(),
        case_budget: Duration::from_secs(env_number("HANJI_FUZZ_CASE_SECONDS").unwrap_or(10)),
        memory_budget: (env_number("HANJI_FUZZ_MEMORY_MB").unwrap_or(2048) as usize) << 20,
        shrink_budget: Duration::from_secs(env_number("HANJI_FUZZ_SHRINK_SECONDS").unwrap_or(60)),
        worker: None,
    };

    if let Some(path) = env("HANJI_FUZZ_REPLAY") {
        replay(&mut runner, Path::new(&path));
        return;
    }

    let strategy = case_strategy(only);
    let config = Config { failure_persistence: None, ..Config::default() };
    let started = Instant::now();
    let deadline = seconds.map(|s| started + Duration::from_secs(s));
    let mut tally = Tally::default();
    let mut findings: Vec<Finding> = Vec::new();
    let first = only_case.unwrap_or(0);
    let mut index = first;
    loop {
        if only_case.is_some_and(|c| index > c)
            || cases.is_some_and(|n| index - first >= n)
            || deadline.is_some_and(|d| Instant::now() >= d)
        {
            break;
        }
        let mut generator = TestRunner::new_with_rng(config.clone(), case_rng(seed, index));
        let mut tree = strategy.new_tree(&mut generator).expect("generate a case");
        let case = tree.current();
        let (result, elapsed) = runner.run(&case);
        tally.tried += 1;
        *tally.by_family.entry(case.family.name()).or_default() += 1;
        if elapsed > tally.slowest.0 {
            tally.slowest = (elapsed, index);
        }
        if verbose > 0 {
            let what = match &result {
                Ok(seen) if seen.pdf => format!("PDF, {} PNG pages", seen.pngs),
                Ok(seen) => seen.first_error.clone().unwrap_or_default(),
                Err(problem) => problem.to_string(),
            };
            let what: String = what.chars().take(300).collect();
            eprintln!("case {index} ({}, {elapsed:.2?}): {what}", case.family.name());
            if verbose > 1 {
                eprintln!("{}", case.describe());
            }
        }
        match result {
            Ok(seen) => {
                tally.parse_errors += u64::from(seen.parse_error);
                tally.typeset_errors += u64::from(seen.typeset_error);
                tally.pdfs += u64::from(seen.pdf);
                tally.pngs += seen.pngs as u64;
                tally.peak_bytes = tally.peak_bytes.max(seen.peak);
                for (stage, message) in seen.lineless {
                    let kind: String = shape(&message).chars().take(70).collect();
                    let entry = tally.lineless.entry((stage, kind)).or_insert((0, message));
                    entry.0 += 1;
                }
            }
            Err(problem) => {
                let known = findings.iter().any(|f| f.problem.signature() == problem.signature());
                let finding = if problem.is_hang() || known {
                    Finding { index, problem, case, shrink_steps: 0 }
                } else {
                    let (case, problem, shrink_steps) = runner.shrink(tree.as_mut(), &problem);
                    let (case, problem, text_steps) = runner.minimize_text(case, problem);
                    Finding { index, problem, case, shrink_steps: shrink_steps + text_steps }
                };
                if known {
                    eprintln!("(case {index}: again {})", finding.problem.signature());
                } else {
                    print_finding(seed, &finding);
                    findings.push(finding);
                }
                if !keep_going {
                    break;
                }
            }
        }
        index += 1;
    }
    drop(runner.worker.take());

    let families: Vec<String> = tally.by_family.iter().map(|(f, n)| format!("{f} {n}")).collect();
    eprintln!(
        "hanji fuzz: seed {seed:#x}: {} inputs tried in {:.1} s ({}); {} parse errors, {} typeset errors, \
         {} PDFs, {} PNG pages; slowest case {} took {:.2} s; largest passing case heap {} MB; {} findings",
        tally.tried,
        started.elapsed().as_secs_f64(),
        families.join(", "),
        tally.parse_errors,
        tally.typeset_errors,
        tally.pdfs,
        tally.pngs,
        tally.slowest.1,
        tally.slowest.0.as_secs_f64(),
        tally.peak_bytes >> 20,
        findings.len()
    );
    if !tally.lineless.is_empty() {
        eprintln!("errors without a line (tolerated: style file, JSON model, export), by kind:");
        for ((stage, _), (count, example)) in &tally.lineless {
            eprintln!("  {count:>5} × {stage}: {}", example.replace('\n', " "));
        }
    }
    if findings.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        let summary: Vec<String> =
            findings.iter().map(|f| format!("case {}: {}", f.index, f.problem.signature())).collect();
        panic!(
            "{} fuzz finding(s) with seed {seed:#x} (inputs printed above; the last input run is in {}):\n  {}",
            findings.len(),
            dir.display(),
            summary.join("\n  ")
        );
    }
}
