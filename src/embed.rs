//! `--embed-source`: the files a render reads (the source, its style file, its local images)
//! go inside the PDF, with a small manifest saying which is the source and which style was
//! asked for; `hanji render archived.pdf` unpacks them into a temporary folder and renders
//! them again, to the same bytes.

use std::path::{Component, Path, PathBuf};

use crate::error::{HanjiError, Result};
use crate::export::archive::{attachments_of, Attachment};
use crate::model::Document;

/// The manifest's name inside the PDF.
pub const MANIFEST: &str = "hanji-archive.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    /// The source's name, relative to its folder.
    source: String,
    /// The style asked for on the command line, if any: a built-in name or a file's name.
    style: Option<String>,
}

/// The files to carry: the source first, then its style file and images, each named by its
/// path relative to the source's folder, then the manifest.
pub fn attachments(doc: &Document, source: &Path, style: Option<&str>) -> Result<Vec<Attachment>> {
    let folder = crate::files::source_folder(source);
    let mut out: Vec<Attachment> = Vec::new();
    let mut style_name = style.map(str::to_string);
    for (index, path) in crate::guard::input_files(doc, source, style).into_iter().enumerate() {
        let name = if index == 0 {
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "source.md".into())
        } else if style.is_some_and(|s| Path::new(s) == path) {
            // A style given on the command line is carried under its file name.
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "style.toml".into());
            style_name = Some(name.clone());
            name
        } else {
            relative_name(&path, folder)?
        };
        if out.iter().any(|a| a.name == name) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| {
            HanjiError::new(format!("cannot read {} to embed it ({e}): check the path", path.display()))
        })?;
        out.push(Attachment { mime: mime_of(&name).to_string(), name, bytes, relationship: "Source" });
    }
    let manifest =
        Manifest { source: out.first().map(|a| a.name.clone()).unwrap_or_default(), style: style_name };
    let bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| HanjiError::new(format!("cannot write the archive manifest: {e}")))?;
    out.push(Attachment {
        name: MANIFEST.to_string(),
        bytes,
        mime: "application/json".to_string(),
        relationship: "Supplement",
    });
    Ok(out)
}

/// A path as written relative to the source's folder (`images/a.png`, `../style.toml`).
fn relative_name(path: &Path, folder: &Path) -> Result<String> {
    let relative = path.strip_prefix(folder).unwrap_or(path);
    if relative.is_absolute() {
        return Err(HanjiError::new(format!(
            "{} is outside the source's folder and cannot be embedded: refer to it by a relative path",
            path.display()
        )));
    }
    Ok(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

fn mime_of(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    match lower.rsplit_once('.').map(|(_, ext)| ext) {
        Some("md" | "markdown") => "text/markdown",
        Some("json") => "application/json",
        Some("toml") => "application/toml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The files of an archive PDF written out under `into`: the source's path and the style
/// asked for when it was made.
pub struct Unpacked {
    pub source: PathBuf,
    pub style: Option<String>,
    /// The folder made for them: removed by [`Unpacked::remove`].
    pub folder: PathBuf,
}

impl Unpacked {
    pub fn remove(&self) {
        drop(std::fs::remove_dir_all(&self.folder));
    }
}

/// Whether a file is a PDF (by its first bytes).
pub fn is_pdf(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 5];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"%PDF-"
}

/// Takes the source files out of an archive PDF into a new temporary folder.
pub fn unpack(pdf: &Path) -> Result<Unpacked> {
    let bytes =
        crate::files::read_limited(pdf, crate::limits::MAX_ARCHIVE_BYTES, "archive", "check the path")?;
    let not_archive = || {
        HanjiError::new(format!(
            "{} carries no Hanji source: only a PDF written with `hanji render --embed-source` can be rendered again",
            pdf.display()
        ))
    };
    let files = attachments_of(&bytes).ok_or_else(not_archive)?;
    let manifest = files.iter().find(|(name, _)| name == MANIFEST).ok_or_else(not_archive)?;
    let manifest: Manifest = serde_json::from_slice(&manifest.1).map_err(|_| not_archive())?;
    // Files named `../x` sit above the source: the source goes that many folders down.
    let depth =
        files.iter().map(|(name, _)| name.split('/').take_while(|p| *p == "..").count()).max().unwrap_or(0);
    let folder = std::env::temp_dir().join(format!("hanji-archive-{}-{}", std::process::id(), unique()));
    let mut base = folder.clone();
    for level in 0..depth {
        base.push(format!("d{level}"));
    }
    let unpacked = Unpacked { source: base.join(&manifest.source), style: manifest.style.clone(), folder };
    for (name, content) in &files {
        if name == MANIFEST {
            continue;
        }
        let Some(path) = safe_join(&base, &unpacked.folder, name) else {
            unpacked.remove();
            return Err(HanjiError::new(format!(
                "{}: the embedded file `{name}` has an unsafe name",
                pdf.display()
            )));
        };
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, content));
        if let Err(e) = written {
            unpacked.remove();
            return Err(HanjiError::new(format!(
                "cannot unpack {name} into {} ({e})",
                unpacked.folder.display()
            )));
        }
    }
    Ok(Unpacked {
        style: unpacked.style.clone().map(|s| {
            if s.ends_with(".toml") {
                base.join(s).to_string_lossy().into_owned()
            } else {
                s
            }
        }),
        ..unpacked
    })
}

/// `base/name` when it stays inside `root` (no absolute parts, no `..` past the root).
fn safe_join(base: &Path, root: &Path, name: &str) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for component in Path::new(name).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::ParentDir if path != root => {
                path.pop();
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    path.starts_with(root).then_some(path)
}

/// A number no other unpacking of this process has used.
fn unique() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_names_never_leave_the_unpacking_folder() {
        let root = Path::new("/tmp/x");
        let base = root.join("d0");
        assert_eq!(safe_join(&base, root, "a/b.png"), Some(root.join("d0/a/b.png")));
        assert_eq!(safe_join(&base, root, "../style.toml"), Some(root.join("style.toml")));
        assert_eq!(safe_join(&base, root, "../../etc/passwd"), None);
        assert_eq!(safe_join(&base, root, "/etc/passwd"), None);
    }
}
