//! The PNG exporter draws the same page as the PDF: checked against poppler's rendering of the
//! PDF, and against reference images (DESIGN.md §8).

mod common;

use common::{check_reference, compare, decode_png, encode_rgb, hanji, root, temp_dir, tool, SAMPLE};

fn sample_typeset() -> hanji::Typeset {
    let source = root().join(SAMPLE);
    let doc = hanji::load_document(&source).unwrap();
    hanji::typeset(&doc, &source, None).unwrap()
}

#[test]
fn png_agrees_with_poppler_rendering_of_the_pdf() {
    let typeset = sample_typeset();
    let dir = temp_dir("parity");
    let pdf = dir.join("sample.pdf");
    std::fs::write(&pdf, typeset.pdf().unwrap()).unwrap();
    let ours = typeset.pngs(150.0).unwrap();
    assert_eq!(ours.len(), 1);
    let (ours, dims) = decode_png(&ours[0]);
    tool(
        "pdftoppm",
        &["-r", "150", "-png", "-singlefile", pdf.to_str().unwrap(), dir.join("poppler").to_str().unwrap()],
    );
    let (poppler, _) = decode_png(&std::fs::read(dir.join("poppler.png")).unwrap());
    assert_eq!((ours.width, ours.height), (poppler.width, poppler.height));
    let (mean, off) = compare(&ours, &poppler, 64);
    eprintln!(
        "PNG vs pdftoppm at 150 dpi: mean abs diff {mean:.3}/255 per channel, {:.3}% pixels off by > 64",
        off * 100.0
    );
    if mean >= 3.5 || off >= 0.02 {
        let out = root().join("tests/ref-failures");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("parity-ours.png"), encode_rgb(&ours)).unwrap();
        std::fs::write(out.join("parity-poppler.png"), encode_rgb(&poppler)).unwrap();
    }
    // Glyph edges antialias differently in tiny-skia and poppler, more so the more text a page
    // holds: 3.13 on the sample once its boxes grew to fill (under 3.0 before).
    assert!(mean < 3.5, "mean difference {mean}");
    assert!(off < 0.02, "{:.2}% of pixels differ by more than 64", off * 100.0);
    // The resolution is recorded: 150 dpi = 5906 pixels per metre.
    let dims = dims.expect("pHYs chunk");
    assert_eq!((dims.xppu, dims.yppu, dims.unit), (5906, 5906, png::Unit::Meter));
}

#[test]
fn reference_image_pen_notes_sample() {
    let png = sample_typeset().pngs(40.0).unwrap();
    check_reference("sample-pen-notes", &png[0]);
}

#[test]
fn reference_image_clean_style() {
    let source = root().join(SAMPLE);
    let doc = hanji::load_document(&source).unwrap();
    let png = hanji::typeset(&doc, &source, Some("clean")).unwrap().pngs(40.0).unwrap();
    check_reference("sample-clean", &png[0]);
}

#[test]
fn cli_writes_png_beside_or_instead_of_the_pdf() {
    let dir = temp_dir("png-cli");
    let source = root().join(SAMPLE);
    let src = source.to_str().unwrap();
    let both = hanji(&["render", src, "-o", "sheet.pdf", "--png", "--dpi", "72", "-q"], &dir);
    assert!(both.status.success(), "{}", String::from_utf8_lossy(&both.stderr));
    let (image, dims) = decode_png(&std::fs::read(dir.join("sheet.png")).unwrap());
    assert_eq!((image.width, image.height), (842, 596));
    assert_eq!(dims.unwrap().xppu, 2835);
    assert!(dir.join("sheet.pdf").exists());
    let only = hanji(&["render", src, "-o", "only.png", "-q"], &dir);
    assert!(only.status.success(), "{}", String::from_utf8_lossy(&only.stderr));
    let (image, _) = decode_png(&std::fs::read(dir.join("only.png")).unwrap());
    assert_eq!((image.width, image.height), (1754, 1241), "150 dpi by default");
    assert!(!dir.join("only.pdf").exists());
}

#[test]
fn absurd_dpi_and_unwritable_paths_are_clear_errors() {
    let dir = temp_dir("png-errors");
    let source = root().join(SAMPLE);
    let src = source.to_str().unwrap();
    for dpi in ["0", "100000", "many"] {
        let out = hanji(&["render", src, "-o", "x.png", "--dpi", dpi], &dir);
        assert_eq!(out.status.code(), Some(2), "--dpi {dpi}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("dpi"));
    }
    let huge = hanji(&["render", src, "-o", "x.png", "--dpi", "2400"], &dir);
    assert_eq!(huge.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&huge.stderr).contains("at most"),
        "{}",
        String::from_utf8_lossy(&huge.stderr)
    );
    let unwritable = hanji(&["render", src, "-o", "missing/dir/x.png"], &dir);
    assert_eq!(unwritable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unwritable.stderr).contains("x.png"));
    let both_fail = hanji(&["render", src, "-o", "y.pdf", "--png", "missing/z.png", "-q"], &dir);
    assert_eq!(both_fail.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no file is left behind");
}
