//! Output paths that never destroy data: a render refuses to write over the files it reads
//! (the source, its style, its images), over the same path twice, or over a file that is not
//! a PDF or PNG (unless forced).

use std::path::{Component, Path, PathBuf};

use crate::model::{Block, Document, Section};

/// The local files a render of `doc` reads: the source, a style file, images (Markdown's and
/// those of mermaid `img:` nodes). Paths are as
/// written (relative ones resolved the way a render resolves them), not checked for existence.
pub fn input_files(doc: &Document, source: &Path, style: Option<&str>) -> Vec<PathBuf> {
    let mut files = vec![source.to_path_buf()];
    files.extend(named_files(doc, crate::files::source_folder(source), style));
    files
}

/// The local files a document names — a style file, images — with relative paths resolved
/// against `source_dir` (for standard input: its `--base` folder).
pub fn named_files(doc: &Document, source_dir: &Path, style: Option<&str>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    match style {
        Some(path) if path.ends_with(".toml") => files.push(PathBuf::from(path)),
        Some(_) => {}
        None if doc.meta.style.ends_with(".toml") => files.push(source_dir.join(&doc.meta.style)),
        None => {}
    }
    let mut images = Vec::new();
    collect_block_images(&doc.opening, &mut images);
    for section in &doc.sections {
        collect_section_images(section, &mut images);
    }
    for src in images {
        if !src.contains("://") && !src.starts_with("data:") {
            files.push(source_dir.join(src));
        }
    }
    files
}

fn collect_section_images(section: &Section, out: &mut Vec<String>) {
    collect_block_images(&section.blocks, out);
    for sub in &section.subsections {
        collect_section_images(sub, out);
    }
}

fn collect_block_images(blocks: &[Block], out: &mut Vec<String>) {
    for block in blocks {
        match block {
            Block::Image { src, .. } => out.push(src.clone()),
            // A flowchart's `img:` nodes read pictures too.
            Block::Mermaid { text, .. } => out.extend(crate::diagram::image_sources(text)),
            Block::Quote { blocks, .. } => collect_block_images(blocks, out),
            Block::List { items, .. } => {
                for item in items {
                    collect_block_images(&item.blocks, out);
                }
            }
            _ => {}
        }
    }
}

/// Why an output path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks every output path before anything is written. `inputs` are the files the render
/// reads; `force` allows replacing an existing file that is not a PDF or PNG (never an input).
pub fn check_outputs(outputs: &[PathBuf], inputs: &[PathBuf], force: bool) -> Result<(), Refusal> {
    check_against(outputs, inputs, inputs.first(), force)
}

/// As [`check_outputs`] for a source that is no file (standard input): `named` are the files
/// it names ([`named_files`]).
pub fn check_outputs_of_stream(outputs: &[PathBuf], named: &[PathBuf], force: bool) -> Result<(), Refusal> {
    check_against(outputs, named, None, force)
}

fn check_against(
    outputs: &[PathBuf],
    inputs: &[PathBuf],
    source: Option<&PathBuf>,
    force: bool,
) -> Result<(), Refusal> {
    let inputs: Vec<(PathBuf, &PathBuf)> = inputs.iter().map(|p| (canonical(p), p)).collect();
    let mut seen: Vec<(PathBuf, &PathBuf)> = Vec::new();
    for output in outputs {
        let target = canonical(output);
        if let Some((_, input)) = inputs.iter().find(|(c, _)| *c == target) {
            return Err(Refusal(format!(
                "refusing to write {}: it is {}, which this render reads; choose another output name with -o",
                output.display(),
                describe_input(input, source)
            )));
        }
        if let Some((_, earlier)) = seen.iter().find(|(c, _)| *c == target) {
            return Err(Refusal(format!(
                "refusing to write {} twice (also named as {}): give the PDF and the PNG different names",
                output.display(),
                earlier.display()
            )));
        }
        seen.push((target.clone(), output));
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                return Err(Refusal(format!(
                    "cannot write {}: it is a folder; name a file, e.g. {}",
                    output.display(),
                    output.join("out.pdf").display()
                )))
            }
            Ok(_) if !force && !is_hanji_output(&target) => {
                return Err(Refusal(format!(
                    "refusing to replace {}: it exists and is not a PDF or PNG; choose another name, or pass --force to replace it",
                    output.display()
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

fn describe_input(input: &Path, source: Option<&PathBuf>) -> String {
    if Some(&input.to_path_buf()) == source {
        "the source".to_string()
    } else if input.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
        format!("the style file {}", input.display())
    } else {
        format!("the image {}", input.display())
    }
}

/// True for a file that starts like a PDF or a PNG: what Hanji itself could have written.
fn is_hanji_output(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    let head = &head[..filled];
    head.starts_with(b"%PDF-") || head.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// The canonical form of a path that may not exist yet: the longest existing ancestor is
/// resolved (symlinks included) and the rest appended with `.` and `..` folded.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(full) = path.canonicalize() {
        return full;
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        let Some(last) = existing.components().next_back() else { break };
        rest.push(last.as_os_str().to_os_string());
        if !existing.pop() {
            break;
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.iter().rev() {
        for component in Path::new(part).components() {
            match component {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hanji-guard-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn refuses_an_input_by_any_spelling() {
        let d = dir("input");
        std::fs::write(d.join("a.md"), "x").unwrap();
        std::fs::create_dir_all(d.join("sub")).unwrap();
        let inputs = vec![d.join("a.md")];
        let err = check_outputs(&[d.join("sub/../a.md")], &inputs, true).unwrap_err();
        assert!(err.0.contains("the source"), "{err}");
        assert!(check_outputs(&[d.join("b.pdf")], &inputs, false).is_ok());
    }

    #[test]
    fn refuses_the_same_output_twice_and_foreign_files() {
        let d = dir("twice");
        let err = check_outputs(&[d.join("x.png"), d.join("./x.png")], &[], false).unwrap_err();
        assert!(err.0.contains("twice"), "{err}");
        std::fs::write(d.join("notes.txt"), "precious").unwrap();
        let err = check_outputs(&[d.join("notes.txt")], &[], false).unwrap_err();
        assert!(err.0.contains("--force"), "{err}");
        assert!(check_outputs(&[d.join("notes.txt")], &[], true).is_ok());
        std::fs::write(d.join("old.pdf"), b"%PDF-1.7 ...").unwrap();
        assert!(check_outputs(&[d.join("old.pdf")], &[], false).is_ok());
        std::fs::write(d.join("old.png"), b"\x89PNG\r\n\x1a\n...").unwrap();
        assert!(check_outputs(&[d.join("old.png")], &[], false).is_ok());
    }

    #[test]
    fn names_the_pictures_of_flowchart_nodes_and_nothing_for_diagrams_without_node_data() {
        let source = "---\ntitle: T\n---\n\n## a\n\n```mermaid\nflowchart LR\n  A@{ img: \"pic.png\", label: \"P\" } --> B\n```\n\n```mermaid\nflowchart LR\n  C --> D\n```\n";
        let doc = crate::parse::parse_markdown(source.as_bytes(), Path::new("notes/a.md")).unwrap();
        let files = input_files(&doc, Path::new("notes/a.md"), None);
        assert_eq!(files, vec![PathBuf::from("notes/a.md"), PathBuf::from("notes/pic.png")]);
    }

    #[test]
    fn canonical_folds_missing_tails() {
        let d = dir("canon").canonicalize().unwrap();
        assert_eq!(canonical(&d.join("new/../x.pdf")), d.join("x.pdf"));
        assert_eq!(canonical(&d.join("./a/b/../../x.pdf")), d.join("x.pdf"));
    }
}
