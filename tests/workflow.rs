//! The daily workflow: many sources rendered in parallel (a broken one named, the others
//! written), a watch loop that renders again on each save and survives a broken edit, and
//! `hanji init`'s starting files.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{hanji, root, temp_dir, tool};

fn copy_sample(name: &str, to: &Path) {
    std::fs::copy(root().join("samples").join(name), to).unwrap();
}

#[test]
fn a_folder_renders_in_parallel_and_a_broken_file_does_not_stop_the_others() {
    let dir = temp_dir("batch");
    let notes = dir.join("notes");
    std::fs::create_dir_all(notes.join("week2")).unwrap();
    std::fs::create_dir_all(notes.join(".hidden")).unwrap();
    copy_sample("git-basics.md", &notes.join("git.md"));
    copy_sample("lecture-notes.md", &notes.join("week2/lecture.md"));
    copy_sample("characters.md", &notes.join(".hidden/skipped.md"));
    std::fs::write(notes.join("broken.md"), "## 하나\n\n식 $\\foo$ 이다.\n").unwrap();
    let out = hanji(&["render", "notes"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("broken.md:3:") && stderr.contains("\\foo"), "{stderr}");
    assert!(stderr.contains("rendered 2 of 3 files"), "{stderr}");
    // Not a terminal: no progress bar drawn.
    assert!(!stderr.contains('\r') && !stderr.contains('\u{1b}'), "{stderr:?}");
    for written in ["notes/git.pdf", "notes/week2/lecture.pdf"] {
        let text = tool("pdftotext", &[dir.join(written).to_str().unwrap(), "-"]);
        assert!(!text.trim().is_empty(), "{written}");
    }
    assert!(!dir.join("notes/broken.pdf").exists());
    assert!(!dir.join("notes/.hidden/skipped.pdf").exists());
    // Into one folder, with PNGs; a file for -o with several sources is a usage error.
    let out = hanji(
        &["render", "notes/git.md", "notes/week2/lecture.md", "-o", "out/", "--png", "--dpi", "30"],
        &dir,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for written in ["out/git.pdf", "out/git.png", "out/lecture.pdf", "out/lecture-1.png"] {
        assert!(dir.join(written).exists(), "{written}");
    }
    let out = hanji(&["render", "notes/git.md", "notes/week2/lecture.md", "-o", "one.pdf"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("need a folder"));
}

/// Wall time of the fastest of three runs.
fn fastest(mut run: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn a_list_renders_faster_than_the_files_one_by_one() {
    let dir = temp_dir("batch-speed");
    let mut names = Vec::new();
    for i in 0..8 {
        let name = format!("sheet{i}.md");
        copy_sample(
            if i % 2 == 0 { "pretraining-to-post-training.md" } else { "lecture-notes.md" },
            &dir.join(&name),
        );
        names.push(name);
    }
    let one_by_one = fastest(|| {
        for name in &names {
            assert!(hanji(&["render", name, "-q"], &dir).status.success());
        }
    });
    let mut args = vec!["render", "-q"];
    args.extend(names.iter().map(String::as_str));
    let together = fastest(|| assert!(hanji(&args, &dir).status.success()));
    assert!(together < one_by_one, "together {together:?}, one by one {one_by_one:?}");
}

#[test]
fn watch_renders_again_on_each_save_and_keeps_the_last_good_pdf() {
    let dir = temp_dir("watch");
    copy_sample("git-basics.md", &dir.join("w.md"));
    let pdf = dir.join("w.pdf");
    let child = Command::new(env!("CARGO_BIN_EXE_hanji"))
        .args(["watch", "w.md", "-o", "w.pdf", "-q"])
        .current_dir(&dir)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let wait_for = |what: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !what() {
            assert!(start.elapsed() < Duration::from_secs(20), "timed out");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for(&|| pdf.exists());
    let first = std::fs::read(&pdf).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // A save that changes the text: a new PDF.
    let source = std::fs::read_to_string(dir.join("w.md")).unwrap();
    std::fs::write(dir.join("w.md"), source.replace("처음 설정", "처음 설정 (수정)")).unwrap();
    wait_for(&|| std::fs::read(&pdf).is_ok_and(|b| b != first));
    let second = std::fs::read(&pdf).unwrap();
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("(수정)"), "{text}");
    // A broken save: the error is printed and the PDF stays as it was.
    std::fs::write(dir.join("w.md"), source.replace("처음 설정", "처음 설정 $\\foo$")).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(std::fs::read(&pdf).unwrap() == second, "a broken edit replaced the PDF");
    // Fixed again: rendered again.
    std::fs::write(dir.join("w.md"), &source).unwrap();
    wait_for(&|| std::fs::read(&pdf).is_ok_and(|b| b == first));
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("w.md:20:")
            && stderr.contains("\\foo")
            && stderr.contains("kept the last good output"),
        "{stderr}"
    );
    let renders = stderr.matches("rendered w.pdf in").count();
    assert_eq!(renders, 3, "one render per save, no more: {stderr}");
}

#[test]
fn init_writes_starting_files_that_render_and_never_overwrites() {
    let dir = temp_dir("init");
    for (kind, file) in [("sheet", "sheet.md"), ("notes", "notes.md")] {
        let out = hanji(&["init", kind], &dir);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let rendered = hanji(&["render", file], &dir);
        assert!(rendered.status.success(), "{kind}: {}", String::from_utf8_lossy(&rendered.stderr));
        let again = hanji(&["init", kind], &dir);
        assert_eq!(again.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    }
    let named = hanji(&["init", "notes", "week1.md"], &dir);
    assert!(named.status.success() && dir.join("week1.md").exists());
}
