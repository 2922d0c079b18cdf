//! Common Markdown habits: GitHub alerts (`> [!NOTE]` …) as titled callouts in the kind's
//! colour, task lists (`- [ ]`, `- [x]`) with hand-drawn check boxes that read as ☐/☑, and
//! emoji shortcodes (`:rocket:`) outside code.

mod common;

use std::path::{Path, PathBuf};

use common::{check_reference, hanji, root, squeeze, temp_dir, tool};
use hanji::frame::{Color, FrameItem, Group, Role};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Renders `source` with the CLI and returns pdftotext's reading of it in drawing order,
/// without white space (an emoji's text stands on a line of its own there).
fn render_text(dir: &Path, source: &Path) -> String {
    let pdf = dir.join(format!("{}.pdf", source.file_stem().unwrap().to_string_lossy()));
    let out = hanji(&["render", source.to_str().unwrap(), "-o", pdf.to_str().unwrap()], dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    squeeze(&tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]))
}

/// Whether the squeezed text has `wanted` (white space ignored).
fn has(text: &str, wanted: &str) -> bool {
    text.contains(&squeeze(wanted))
}

fn typeset(path: &Path) -> hanji::Typeset {
    let doc = hanji::load_document(path).unwrap();
    hanji::typeset(&doc, path, None).unwrap_or_else(|f| panic!("{:?}", f.errors))
}

/// Every group with `role`, depth first, over all pages.
fn with_role(t: &hanji::Typeset, role: &Role) -> Vec<Group> {
    fn collect(items: &[FrameItem], role: &Role, out: &mut Vec<Group>) {
        for item in items {
            if let FrameItem::Group(group) = item {
                if group.role.as_ref() == Some(role) {
                    out.push(group.clone());
                }
                collect(&group.items, role, out);
            }
        }
    }
    let mut out = Vec::new();
    for page in &t.laid.pages {
        collect(&page.items, role, &mut out);
    }
    out
}

/// The glyphs' text and the hidden texts of some items, in drawing order.
fn text(items: &[FrameItem]) -> String {
    let mut out = String::new();
    hanji::frame::walk(items, 0.0, 0.0, &mut |item, _, _| match item {
        FrameItem::Text(run) => run.glyphs.iter().for_each(|g| out.push_str(&g.text)),
        FrameItem::HiddenText(h) => out.push_str(&h.text),
        _ => {}
    });
    out
}

fn hex(color: &str) -> Color {
    Color::from_hex(color).unwrap()
}

/// The pen-notes palette colours GitHub's alert kinds take.
const KINDS: [(&str, &str, &str, &str, &str); 5] = [
    ("NOTE", "참고", "Note", "\u{2139}\u{FE0F}", "#1c6dd0"),
    ("TIP", "팁", "Tip", "\u{1F4A1}", "#2b9348"),
    ("IMPORTANT", "중요", "Important", "\u{2757}", "#7b3fb5"),
    ("WARNING", "경고", "Warning", "\u{26A0}\u{FE0F}", "#e8590c"),
    ("CAUTION", "주의", "Caution", "\u{1F6D1}", "#d6336c"),
];

fn alerts_source(lang: &str) -> String {
    let mut source = format!("---\ntitle: 알림\nlang: {lang}\n---\n\n## 알림 {{#a}}\n\n");
    for (i, (kind, ..)) in KINDS.iter().enumerate() {
        // GitHub reads the marker in any case.
        let marker = if i % 2 == 0 { kind.to_string() } else { kind.to_lowercase() };
        source.push_str(&format!("> [!{marker}]\n> 본문 {i} 입니다.\n\n"));
    }
    source.push_str("> 그냥 인용문\n\n> [!NOTE] 같은 줄에 글이 있으면 인용문\n");
    source
}

#[test]
fn each_alert_kind_has_its_title_icon_and_colour() {
    let dir = temp_dir("habits-alerts");
    let korean = write(&dir, "ko.md", &alerts_source("ko"));
    let text_ko = render_text(&dir, &korean);
    let english = write(&dir, "en.md", &alerts_source("en-US"));
    let text_en = render_text(&dir, &english);
    for (i, (_, ko, en, icon, _)) in KINDS.iter().enumerate() {
        assert!(has(&text_ko, &format!("{icon} {ko}")), "{ko}:\n{text_ko}");
        assert!(has(&text_en, &format!("{icon} {en}")), "{en}:\n{text_en}");
        assert!(has(&text_ko, &format!("본문 {i} 입니다.")), "{text_ko}");
    }
    assert_eq!(
        text_ko.matches("[!").count(),
        1,
        "only the quote with text after its marker keeps it:\n{text_ko}"
    );
    assert!(has(&text_ko, "그냥 인용문") && has(&text_ko, "[!NOTE] 같은 줄에"), "{text_ko}");
    assert!(!text_ko.contains("Note") && !text_en.contains("참고"));

    let t = typeset(&korean);
    let quotes = with_role(&t, &Role::Quote);
    assert_eq!(quotes.len(), 7, "five alerts and two plain quotes");
    for (quote, (_, title, _, icon, color)) in quotes.iter().zip(KINDS) {
        let color = hex(color);
        let mut edge = false;
        let mut panel = false;
        let mut title_colour = None;
        hanji::frame::walk(&quote.items, 0.0, 0.0, &mut |item, _, _| match item {
            FrameItem::Path(p) => {
                let stroke = p.stroke.as_ref().map(|s| (s.paint.color, s.paint.alpha));
                edge |= p.fill.is_none() && stroke == Some((color, 1.0));
                panel |= p.fill.is_some_and(|f| {
                    f.color != color && f.color.b > 0.8 && {
                        // A light tint of the kind's colour: the same hue, mixed with white.
                        let d = |a: f32, b: f32| (1.0 - a) / (1.0 - b).max(0.01);
                        let (r, g, b) = (d(f.color.r, color.r), d(f.color.g, color.g), d(f.color.b, color.b));
                        (r - g).abs() < 0.05 && (g - b).abs() < 0.05 && r < 0.3
                    }
                });
            }
            FrameItem::Text(run) if title_colour.is_none() => title_colour = Some(run.color),
            _ => {}
        });
        assert!(edge, "{title}: a solid edge in the kind's colour");
        assert!(panel, "{title}: a panel tinted with the kind's colour");
        assert_eq!(title_colour, Some(color), "{title}: the title is set in the kind's colour");
        let words = squeeze(&text(&quote.items));
        assert!(words.starts_with(&format!("{icon}{title}")), "{words}");
        // The icon is a drawn colour emoji: its paths and its text.
        let icon_drawn = quote.items.iter().any(|i| {
            let mut hidden = false;
            hanji::frame::walk(std::slice::from_ref(i), 0.0, 0.0, &mut |item, _, _| {
                hidden |= matches!(item, FrameItem::HiddenText(h) if h.text == icon);
            });
            hidden
        });
        assert!(icon_drawn, "{title}: the icon {icon} is drawn as an emoji");
    }
    // A plain quote keeps its quote marks, no title.
    assert!(text(&quotes[5].items).starts_with('\u{201C}'), "{}", text(&quotes[5].items));
}

#[test]
fn task_lists_draw_check_boxes_that_read_as_done_or_not() {
    let dir = temp_dir("habits-tasks");
    let source = write(
        &dir,
        "tasks.md",
        "## 할 일 {#todo}\n\n- [x] 끝난 일\n- [ ] 남은 일\n  - [X] 안쪽 완료\n- 그냥 항목 [ ] 그대로\n\n1. [ ] 번호 할 일\n",
    );
    let text = render_text(&dir, &source);
    for wanted in ["☑ 끝난 일", "☐ 남은 일", "☑ 안쪽 완료", "그냥 항목 [ ] 그대로", "☐ 번호 할 일"]
    {
        assert!(has(&text, wanted), "`{wanted}` in\n{text}");
    }
    assert!(!text.contains("[x]") && !text.contains("[X]"), "{text}");

    let t = typeset(&source);
    let labels = with_role(&t, &Role::Label);
    let tasks: Vec<&Group> = labels.iter().filter(|g| g.items.iter().any(is_artifact)).collect();
    assert_eq!(tasks.len(), 4, "four check boxes");
    for label in &tasks {
        let done = self::text(&label.items) == "☑";
        assert!(done || self::text(&label.items) == "☐", "{}", self::text(&label.items));
        // The drawing is decoration: paths only, inside an artifact; a done box has its tick.
        let drawing: Vec<&FrameItem> = label.items.iter().filter(|i| is_artifact(i)).collect();
        let mut paths = 0;
        hanji::frame::walk(&drawing.into_iter().cloned().collect::<Vec<_>>(), 0.0, 0.0, &mut |item, _, _| {
            assert!(matches!(item, FrameItem::Path(_)), "{item:?}");
            paths += 1;
        });
        assert_eq!(paths, if done { 2 } else { 1 });
    }
    // The plain item keeps its bullet; a done task's words are lighter than the ink.
    assert!(labels.iter().any(|g| self::text(&g.items) == "•"));
    let items = with_role(&t, &Role::ListItem);
    let colour_of = |words: &str| {
        let item = items.iter().find(|g| self::text(&g.items).contains(words)).unwrap();
        let mut colour = None;
        hanji::frame::walk(&item.items, 0.0, 0.0, &mut |item, _, _| {
            if let FrameItem::Text(run) = item {
                colour.get_or_insert(run.color);
            }
        });
        colour.unwrap()
    };
    let ink = hex("#23262f");
    assert_eq!(colour_of("남은 일"), ink);
    let done = colour_of("끝난 일");
    assert!(done.r > ink.r + 0.2 && done.g > ink.g + 0.2, "{done:?}");
}

fn is_artifact(item: &FrameItem) -> bool {
    matches!(item, FrameItem::Group(g) if g.role == Some(Role::Artifact))
}

#[test]
fn shortcodes_become_emoji_outside_code() {
    let dir = temp_dir("habits-shortcodes");
    let source = write(
        &dir,
        "codes.md",
        "## 출시 :rocket: {#launch}\n\n배포 :rocket: 완료 :white_check_mark: 주의 :warning: 그리고 :not_a_code: 와 :Rocket:\n\n앞 :sparkles: **굵게** 뒤\n\n코드 `:rocket:` 그대로\n\n```\necho :rocket:\n```\n\n| 표 | :tada: |\n|---|---|\n| **:+1:** | [:fire:](https://example.com) |\n",
    );
    let text = render_text(&dir, &source);
    for wanted in [
        "출시 🚀",
        "배포 🚀 완료 ✅ 주의 ⚠️",
        ":not_a_code: 와 :Rocket:",
        "코드 :rocket: 그대로",
        "앞 ✨ 굵게 뒤",
        "echo :rocket:",
        "🎉",
        "👍",
        "🔥",
    ] {
        assert!(has(&text, wanted), "`{wanted}` in\n{text}");
    }
    assert!(!text.contains(":white_check_mark:") && !text.contains(":tada:"), "{text}");
    assert_eq!(text.matches(":rocket:").count(), 2, "only the code keeps `:rocket:`:\n{text}");
}

#[test]
fn parse_json_shows_alerts_and_tasks_and_reads_back() {
    let dir = temp_dir("habits-json");
    let source = write(
        &dir,
        "doc.md",
        "## 하나 {#a}\n\n> [!WARNING]\n> 조심\n\n> 인용\n\n- [x] 됨\n- [ ] 안 됨\n- 보통 :rocket:\n",
    );
    let out = hanji(&["parse", source.to_str().unwrap()], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = String::from_utf8(out.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let blocks = &value["sections"][0]["blocks"];
    assert_eq!(blocks[0]["type"], "quote");
    assert_eq!(blocks[0]["alert"], "warning");
    assert!(blocks[1].get("alert").is_none(), "a plain quote has no alert field: {}", blocks[1]);
    let items = &blocks[2]["items"];
    assert_eq!(items[0]["task"], true);
    assert_eq!(items[1]["task"], false);
    assert!(items[2].get("task").is_none(), "a plain item has no task field: {}", items[2]);
    assert_eq!(items[2]["blocks"][0]["inlines"][0]["content"], "보통 🚀");
    // The JSON renders to the same text as the Markdown.
    let json_path = write(&dir, "doc.json", &json);
    assert_eq!(render_text(&dir, &json_path), render_text(&dir, &source));
    // JSON written before these fields existed still reads.
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("alert");
                map.remove("task");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(list) => list.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut older = value.clone();
    strip(&mut older);
    let old = write(&dir, "old.json", &older.to_string());
    assert!(!older.to_string().contains("task") && older.to_string().contains("quote"));
    let out = hanji(&["render", old.to_str().unwrap(), "-o", "old.pdf"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_habits_sample_renders_in_both_styles() {
    let source = root().join("samples/habits.md");
    let dir = temp_dir("habits-sample");
    let text = render_text(&dir, &source);
    for wanted in ["☑ 강의 1–3장 복습 📚", "☐ 과제 2 제출 🚀", "ℹ️ 참고", "🛑 주의", "☑ Tests pass on CI"]
    {
        assert!(has(&text, wanted), "`{wanted}` in\n{text}");
    }
    for (style, name) in [(None, "pen-notes"), (Some("clean"), "clean")] {
        let doc = hanji::load_document(&source).unwrap();
        let t = hanji::typeset(&doc, &source, style).unwrap_or_else(|f| panic!("{:?}", f.errors));
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
        assert_eq!(t.laid.pages.len(), 1);
        check_reference(&format!("habits-{name}"), &t.pngs(40.0).unwrap()[0]);
    }
}
