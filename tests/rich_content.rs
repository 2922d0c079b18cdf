//! Tables, colour emoji, callouts, links, images and code: drawn as the Frame says, read back
//! from the PDF.

mod common;

use common::{decode_png, hanji, render_sample, root, squeeze, temp_dir, tool};
use lopdf::{Document, Object};

fn raster_images(pdf: &[u8]) -> usize {
    let doc = Document::load_mem(pdf).unwrap();
    doc.objects
        .values()
        .filter(|o| {
            matches!(o, Object::Stream(s) if s.dict.get(b"Subtype").ok().and_then(|v| v.as_name().ok()) == Some(b"Image"))
        })
        .count()
}

/// A folder with a sheet that uses the fixture images, and the sheet's path.
fn image_sheet(name: &str, body: &str, second: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    for f in ["checker.png", "checker.jpg", "diagram.svg"] {
        std::fs::copy(root().join("tests/fixtures").join(f), dir.join(f)).unwrap();
    }
    let src = format!("---\ntitle: \"Images\"\nlayout:\n  - height: 100%\n    boxes: [a, b]\n---\n## 🖼️ Raster {{#a}}\n{body}\n\n## Vector {{#b}}\n![a diagram](diagram.svg)\n\n{second}\n");
    std::fs::write(dir.join("sheet.md"), src).unwrap();
    dir
}

#[test]
fn emoji_are_vectors_and_come_back_as_text() {
    let pdf = render_sample();
    assert_eq!(raster_images(&pdf), 0, "emoji must be paths, not images");
    let dir = temp_dir("emoji-text");
    let path = dir.join("s.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = squeeze(&tool("pdftotext", &["-raw", path.to_str().unwrap(), "-"]));
    for emoji in ["🍌", "📦", "🎯", "⚡", "💰", "💬", "📌", "🤖"] {
        assert!(text.contains(emoji), "{emoji} missing from the text layer");
    }
    assert!(text.contains(&squeeze("📦 BASE MODEL이란?")), "the header's emoji stands before its title");
}

#[test]
fn links_are_borderless_uri_annotations() {
    let doc = Document::load_mem(&render_sample()).unwrap();
    let page = doc.get_pages()[&1];
    let annots = doc.get_dictionary(page).unwrap().get(b"Annots").unwrap().as_array().unwrap();
    let annotations: Vec<&lopdf::Dictionary> = annots
        .iter()
        .map(|a| match a {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            other => other.as_dict().unwrap(),
        })
        .collect();
    let link = annotations
        .iter()
        .find(|a| a.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Link"))
        .expect("the sample's source link");
    let action = match link.get(b"A").unwrap() {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(d) => d,
        other => panic!("unexpected action {other:?}"),
    };
    let uri = action.get(b"URI").unwrap().as_str().unwrap();
    assert_eq!(uri, b"https://www.youtube.com/watch?v=7xTGNNLPyMI&t=3570s");
    let border = common::numbers(link.get(b"Border").unwrap());
    assert_eq!(border[2], 0.0, "link borders are invisible: {border:?}");
}

#[test]
fn images_embed_once_and_svg_stays_vector() {
    let dir = image_sheet("images", "![chk](checker.png)\n\n![photo](checker.jpg)", "![again](checker.png)");
    let out = hanji(&["render", "sheet.md", "--png", "--dpi", "50", "-q"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = std::fs::read(dir.join("sheet.pdf")).unwrap();
    assert_eq!(
        raster_images(&pdf),
        2,
        "the PNG used twice is embedded once, plus the JPEG; the SVG is paths"
    );
    let listing = tool("pdfimages", &["-list", dir.join("sheet.pdf").to_str().unwrap()]);
    let rows: Vec<&str> = listing.lines().skip(2).filter(|l| l.contains(" image ")).collect();
    assert_eq!(rows.len(), 3, "three placements of two images:\n{listing}");
    // The raster preview shows the picture: blue and red halves of the checker.
    let (png, _) = decode_png(&std::fs::read(dir.join("sheet.png")).unwrap());
    let blueish = png.pixels.chunks_exact(3).filter(|p| p[2] > 150 && p[0] < 90 && p[1] < 90).count();
    let reddish = png.pixels.chunks_exact(3).filter(|p| p[0] > 150 && p[1] < 90 && p[2] < 90).count();
    assert!(blueish > 100 && reddish > 100, "blue {blueish}, red {reddish}");
}

#[test]
fn bad_images_are_errors_with_their_line() {
    let cases = [
        ("missing", "![x](nowhere.png)", "cannot be opened"),
        ("outside", "![x](../secret.png)", "outside the source's folder"),
        ("garbage", "![x](garbage.png)", "cannot be read as an image"),
    ];
    for (name, body, needle) in cases {
        let dir = image_sheet(name, body, "");
        std::fs::write(dir.join("garbage.png"), b"not a png at all").unwrap();
        std::fs::write(dir.parent().unwrap().join("secret.png"), b"\x89PNG").ok();
        let out = hanji(&["render", "sheet.md", "-o", "sheet.pdf"], &dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("sheet.md:8:"), "{name}: {stderr}");
        assert!(stderr.contains(needle), "{name}: {stderr}");
        assert!(!dir.join("sheet.pdf").exists(), "{name}: a PDF was written");
    }
}

#[test]
fn a_remote_image_is_a_placeholder_and_a_warning_never_a_fetch() {
    let dir = image_sheet("remote", "![지도 map](https://example.com/a.png)", "");
    let out = hanji(&["render", "sheet.md", "-o", "sheet.pdf"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("sheet.md:8:") && stderr.contains("not fetched"), "{stderr}");
    let text = std::process::Command::new("pdftotext").arg(dir.join("sheet.pdf")).arg("-").output().unwrap();
    let text = squeeze(&String::from_utf8_lossy(&text.stdout));
    assert!(text.contains("지도map") && text.contains("https://example.com/a.png"), "{text}");
}

#[test]
fn a_table_too_wide_for_its_box_names_the_box() {
    let dir = temp_dir("wide-table");
    let long = "Supercalifragilisticexpialidocious".repeat(3);
    let src = format!(
        "---\ntitle: T\nlayout:\n  - height: 100%\n    boxes: [{{ id: narrow, width: 15% }}, rest]\n---\n## Narrow {{#narrow}}\n\n| a | b |\n|---|---|\n| {long} | {long} |\n\n## Rest {{#rest}}\nx\n"
    );
    std::fs::write(dir.join("sheet.md"), src).unwrap();
    let out = hanji(&["render", "sheet.md"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sheet.md:9:") && stderr.contains("`narrow`") && stderr.contains("wider"),
        "{stderr}"
    );
}

/// `[…](#id)` jumps inside the PDF to that heading; a link to an unknown id is an error at
/// its line.
#[test]
fn internal_links_jump_to_their_heading() {
    let dir = temp_dir("internal-links");
    let sheet = "---\ntitle: \"Links\"\nlayout:\n  - height: 100%\n    boxes: [a, b]\n---\n## A {#a}\nSee [the steps](#steps) and [B](#b).\n\n## B {#b}\nintro\n\n### Steps {#steps}\n1. one\n";
    std::fs::write(dir.join("sheet.md"), sheet).unwrap();
    let out = hanji(&["render", "sheet.md", "-o", "sheet.pdf"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = Document::load_mem(&std::fs::read(dir.join("sheet.pdf")).unwrap()).unwrap();
    let page = doc.get_pages()[&1];
    let annots = doc.get_dictionary(page).unwrap().get(b"Annots").unwrap().as_array().unwrap();
    let mut tops = Vec::new();
    for annot in annots.iter() {
        let dict = match annot {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            other => other.as_dict().unwrap(),
        };
        let action = match dict.get(b"A").unwrap() {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            Object::Dictionary(d) => d,
            other => panic!("unexpected action {other:?}"),
        };
        assert_eq!(action.get(b"S").unwrap().as_name().unwrap(), b"GoTo", "{action:?}");
        let dest = action.get(b"D").unwrap().as_array().unwrap();
        assert_eq!(dest[0].as_reference().unwrap(), page, "the destination is the page");
        assert_eq!(dest[1].as_name().unwrap(), b"XYZ");
        tops.push(match dest[3] {
            Object::Real(top) => top,
            Object::Integer(top) => top as f32,
            ref other => panic!("a /XYZ top, not {other:?}"),
        });
    }
    assert_eq!(tops.len(), 2);
    // `#steps` is the subsection below box B's title, so it stands lower on the page.
    assert!(tops[0] < tops[1], "{tops:?}");
    // An unknown id names the line and the ids there are.
    // A bare `#` is a placeholder, not an error.
    std::fs::write(dir.join("todo.md"), sheet.replace("(#steps)", "(#)")).unwrap();
    assert!(hanji(&["render", "todo.md", "-o", "todo.pdf"], &dir).status.success());
    std::fs::write(dir.join("bad.md"), sheet.replace("(#steps)", "(#stpes)")).unwrap();
    let bad = hanji(&["render", "bad.md", "-o", "bad.pdf"], &dir);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.md:8:") && stderr.contains("`#stpes`") && stderr.contains("`#steps`"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
