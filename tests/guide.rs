//! The user guide cannot drift from the code: every example it shows is a file in
//! `docs/examples/` with the same text, every example file renders, and the guide names
//! every style key, every command and every message it lists.

mod common;

use common::{hanji, root, temp_dir};

fn guide() -> String {
    std::fs::read_to_string(root().join("docs/guide.md")).unwrap()
}

/// `<!-- example: examples/x -->` followed by a fenced block: (file, the block's text).
fn shown_examples(guide: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = guide.lines();
    while let Some(line) = lines.next() {
        let Some(file) = line.strip_prefix("<!-- example: ").and_then(|l| l.strip_suffix(" -->")) else {
            continue;
        };
        let fence = lines.next().unwrap();
        // Four backticks: the examples hold fenced blocks of their own.
        assert!(fence.starts_with("````"), "{file}: no ```` block after the marker");
        let mut text = String::new();
        for body in lines.by_ref() {
            if body == "````" {
                break;
            }
            text.push_str(body);
            text.push('\n');
        }
        out.push((file.to_string(), text));
    }
    out
}

#[test]
fn every_example_in_the_guide_is_a_file_with_the_same_text() {
    let shown = shown_examples(&guide());
    assert!(shown.len() >= 8, "{} examples", shown.len());
    for (file, text) in &shown {
        let on_disk = std::fs::read_to_string(root().join("docs").join(file)).unwrap();
        assert_eq!(&on_disk, text, "docs/{file} differs from what the guide shows");
    }
}

#[test]
fn every_example_file_renders() {
    let dir = temp_dir("guide-examples");
    let mut rendered = 0;
    for entry in std::fs::read_dir(root().join("docs/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let pdf = dir.join(path.file_name().unwrap()).with_extension("pdf");
            let out = hanji(&["render", path.to_str().unwrap(), "-o", pdf.to_str().unwrap()], &dir);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{}: {stderr}", path.display());
            assert!(!stderr.contains("warning"), "{}: {stderr}", path.display());
            rendered += 1;
        }
    }
    assert!(rendered >= 8);
}

#[test]
fn the_guide_names_every_style_key_and_command() {
    let guide = guide();
    let style: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("styles/pen-notes.toml")).unwrap()).unwrap();
    for (section, table) in &style {
        let toml::Value::Table(table) = table else { continue };
        for key in table.keys() {
            // Nested tables (size factors, colours) are named as a whole.
            let name = if matches!(table[key], toml::Value::Table(_)) {
                format!("{section}.{key}")
            } else {
                format!("`{section}.{key}")
            };
            let short = format!("{section}.{key}");
            assert!(
                guide.contains(&name) || guide.contains(&short),
                "the guide does not name `{section}.{key}`"
            );
        }
    }
    for command in [
        "hanji render",
        "hanji watch",
        "hanji init",
        "hanji check",
        "hanji parse",
        "hanji schema",
        "hanji serve",
    ] {
        assert!(guide.contains(command), "the guide does not show `{command}`");
    }
    let help = hanji(&["--help"], &root());
    let help = String::from_utf8_lossy(&help.stdout);
    for command in ["render", "watch", "init", "check", "parse", "schema", "serve"] {
        assert!(help.contains(command), "{help}");
    }
}

/// The messages the guide's error table quotes come from the code.
#[test]
fn the_errors_the_guide_lists_are_the_ones_hanji_prints() {
    let guide = guide();
    let sources: String = [
        "src/layout/sheet.rs",
        "src/parse/validate.rs",
        "src/image.rs",
        "src/diagram/parse/shape_names.rs",
        "src/guard.rs",
        "src/embed.rs",
        "src/layout/blocks.rs",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(root().join(f)).unwrap())
    .collect();
    for fragment in [
        "overflows: even shrunk to",
        "but no `##` section has that id",
        "Undefined control sequence",
        "names no heading of this document",
        "is outside the source's folder",
        "which this render reads",
        "carries no Hanji source",
        "did you mean",
    ] {
        assert!(guide.contains(fragment.trim_start_matches("but ")), "the guide does not list `{fragment}`");
        let in_code = sources.contains(fragment) || fragment == "Undefined control sequence";
        assert!(in_code, "`{fragment}` is not a message of the code");
    }
}
