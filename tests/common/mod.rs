//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SAMPLE: &str = "samples/pretraining-to-post-training.md";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty folder for one call (tests run in parallel: every call gets its own).
pub fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("hanji-test-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

pub fn hanji(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hanji")).args(args).current_dir(cwd).output().expect("run hanji")
}

/// Runs a real PDF tool and returns its stdout; panics with its stderr when it fails.
pub fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("{program} is needed for this test (apt-get install poppler-utils qpdf): {e}")
    });
    assert!(out.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Renders the sample through the library and returns the PDF bytes.
pub fn render_sample() -> Vec<u8> {
    let source = root().join(SAMPLE);
    let doc = hanji::load_document(&source).expect("sample parses");
    hanji::render(&doc, &source, None).expect("sample renders").pdf
}

pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A decoded 8-bit RGB image.
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Decodes an 8-bit RGB or RGBA PNG (alpha dropped) and its pHYs resolution, if any.
pub fn decode_png(bytes: &[u8]) -> (Rgb, Option<png::PixelDimensions>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    let dims = reader.info().pixel_dims;
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let pixels = buf[..info.buffer_size()].chunks_exact(channels).flat_map(|p| [p[0], p[1], p[2]]).collect();
    (Rgb { width: info.width, height: info.height, pixels }, dims)
}

/// How far two images of one size are apart: the mean absolute difference per channel
/// (0–255) and the share of pixels with a channel off by more than `threshold`.
pub fn compare(a: &Rgb, b: &Rgb, threshold: u8) -> (f64, f64) {
    assert_eq!((a.width, a.height), (b.width, b.height), "image sizes differ");
    let total: u64 = a.pixels.iter().zip(&b.pixels).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    let off = a
        .pixels
        .chunks_exact(3)
        .zip(b.pixels.chunks_exact(3))
        .filter(|(p, q)| p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > threshold))
        .count();
    (total as f64 / a.pixels.len() as f64, off as f64 / (a.width as f64 * a.height as f64))
}

/// Encodes an RGB image (for expected/actual/diff files written on failure).
pub fn encode_rgb(image: &Rgb) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("header");
    writer.write_image_data(&image.pixels).expect("data");
    writer.finish().expect("finish");
    out
}

/// Compares a rendering with `tests/ref/NAME.png`; `UPDATE_REFS=1` rewrites the reference.
/// On failure the expected, actual and diff images go to `tests/ref-failures/`.
pub fn check_reference(name: &str, png_bytes: &[u8]) {
    let reference = root().join("tests/ref").join(format!("{name}.png"));
    if std::env::var_os("UPDATE_REFS").is_some() {
        std::fs::create_dir_all(reference.parent().unwrap()).unwrap();
        std::fs::write(&reference, png_bytes).unwrap();
        return;
    }
    let expected = std::fs::read(&reference)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_REFS=1 to create it", reference.display()));
    let (expected, _) = decode_png(&expected);
    let (actual, _) = decode_png(png_bytes);
    let same_size = (expected.width, expected.height) == (actual.width, actual.height);
    let (mean, off) = if same_size { compare(&expected, &actual, 40) } else { (f64::MAX, 1.0) };
    if mean > 0.5 || off > 0.002 {
        let out = root().join("tests/ref-failures");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(format!("{name}-expected.png")), encode_rgb(&expected)).unwrap();
        std::fs::write(out.join(format!("{name}-actual.png")), encode_rgb(&actual)).unwrap();
        if same_size {
            let diff = Rgb {
                width: actual.width,
                height: actual.height,
                pixels: expected
                    .pixels
                    .iter()
                    .zip(&actual.pixels)
                    .map(|(a, b)| 255 - a.abs_diff(*b))
                    .collect(),
            };
            std::fs::write(out.join(format!("{name}-diff.png")), encode_rgb(&diff)).unwrap();
        }
        panic!("{name} differs from its reference (mean {mean:.3}, {:.3}% pixels off); images in tests/ref-failures/; UPDATE_REFS=1 accepts the change", off * 100.0);
    }
}

/// The numbers of a PDF array (integers or reals), e.g. a MediaBox or a Border.
pub fn numbers(object: &lopdf::Object) -> Vec<f32> {
    object
        .as_array()
        .expect("an array")
        .iter()
        .map(|o| o.as_float().or_else(|_| o.as_i64().map(|i| i as f32)).expect("a number"))
        .collect()
}

/// A font's ToUnicode map (Hanji writes `bfchar` entries).
pub fn to_unicode(
    doc: &lopdf::Document,
    font: &lopdf::Dictionary,
) -> std::collections::BTreeMap<u16, String> {
    let mut map = std::collections::BTreeMap::new();
    let Ok(reference) = font.get(b"ToUnicode").and_then(lopdf::Object::as_reference) else { return map };
    let stream = doc.get_object(reference).unwrap().as_stream().unwrap();
    let text = String::from_utf8(stream.decompressed_content().unwrap()).unwrap();
    for line in text.lines().filter(|l| l.starts_with('<')) {
        let parts: Vec<&str> = line.split(['<', '>', ' ']).filter(|p| !p.is_empty()).collect();
        if let [code, unicode] = parts[..] {
            let units: Vec<u16> = (0..unicode.len() / 4)
                .map(|i| u16::from_str_radix(&unicode[i * 4..i * 4 + 4], 16).unwrap())
                .collect();
            map.insert(u16::from_str_radix(code, 16).unwrap(), String::from_utf16_lossy(&units));
        }
    }
    map
}
