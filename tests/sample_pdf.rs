//! The reference sheet renders to one correct A4-landscape page; read back with lopdf and
//! checked with poppler and qpdf.

mod common;

use common::{render_sample, root, squeeze, temp_dir, tool, SAMPLE};
use lopdf::{Document, Object};

/// Sentences of the seed's plan that must come back from the PDF's text layer.
const KEY_SENTENCES: &[&str] = &[
    "베이스 모델은 인터넷 문서 시뮬레이터",
    "후속학습은 계산 비용이 훨씬 적지만 매우 중요",
    "질문을 할 수 있고, 모델이 답변을 주기를 원한다",
    "인터넷 문서에서 ChatGPT까지",
    "토큰 예측 학습",
    "어시스턴트로 변환",
    "여러 번 왔다갔다",
    "직접 대화 불가능",
    "NANO BANANA CHEAT SHEET",
];

fn write_sample(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("sample.pdf");
    std::fs::write(&path, render_sample()).unwrap();
    path
}

#[test]
fn one_a4_landscape_page() {
    let doc = Document::load_mem(&render_sample()).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let page = doc.get_dictionary(pages[&1]).unwrap();
    let media = common::numbers(page.get(b"MediaBox").unwrap());
    assert!((media[2] - media[0] - 841.89).abs() < 0.01, "{media:?}");
    assert!((media[3] - media[1] - 595.28).abs() < 0.01, "{media:?}");
}

#[test]
fn fonts_are_subset_embedded_with_tounicode() {
    let bytes = render_sample();
    let doc = Document::load_mem(&bytes).unwrap();
    let page = doc.get_pages()[&1];
    let fonts = doc.get_page_fonts(page).unwrap();
    assert!(fonts.len() >= 2, "body and heading fonts at least: {}", fonts.len());
    for (name, font) in fonts {
        let base = String::from_utf8_lossy(font.get(b"BaseFont").unwrap().as_name().unwrap()).into_owned();
        let (tag, _) = base.split_once('+').unwrap_or_else(|| panic!("{base}: no subset tag"));
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "{base}");
        assert!(font.get(b"ToUnicode").is_ok(), "{:?} has no ToUnicode", String::from_utf8_lossy(&name));
    }
    // The PDF is small because the 3.5 MB hand font is subset.
    assert!(bytes.len() < 400_000, "PDF is {} bytes", bytes.len());
    let dir = temp_dir("pdffonts");
    let path = write_sample(&dir);
    let listing = tool("pdffonts", &[path.to_str().unwrap()]);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "emb/sub/uni in: {row}");
    }
}

#[test]
fn text_layer_gives_back_the_seed_sentences() {
    let dir = temp_dir("pdftotext");
    let path = write_sample(&dir);
    let text = tool("pdftotext", &["-raw", path.to_str().unwrap(), "-"]);
    let flat = squeeze(&text);
    for sentence in KEY_SENTENCES {
        assert!(flat.contains(&squeeze(sentence)), "missing from pdftotext: {sentence}\n{text}");
    }
    // lopdf decodes the same text through the ToUnicode maps.
    let doc = Document::load_mem(&std::fs::read(&path).unwrap()).unwrap();
    let extracted = squeeze(&doc.extract_text(&[1]).unwrap());
    assert!(extracted.contains(&squeeze(KEY_SENTENCES[0])), "{extracted}");
}

#[test]
fn no_raster_images_and_qpdf_is_clean() {
    let bytes = render_sample();
    let doc = Document::load_mem(&bytes).unwrap();
    let images = doc
        .objects
        .values()
        .filter(|o| matches!(o, Object::Stream(s) if s.dict.get(b"Subtype").ok().and_then(|v| v.as_name().ok()) == Some(b"Image")))
        .count();
    assert_eq!(images, 0);
    let dir = temp_dir("qpdf");
    let path = write_sample(&dir);
    let out = tool("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(out.contains("No syntax or stream encoding errors found"), "{out}");
}

#[test]
fn header_and_metadata() {
    let bytes = render_sample();
    // PDF/A-2 and PDF/UA-1 are PDF 1.7 documents.
    assert!(bytes.starts_with(b"%PDF-1.7"), "{:?}", String::from_utf8_lossy(&bytes[..8]));
    let dir = temp_dir("pdfinfo");
    let path = write_sample(&dir);
    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    assert!(info.contains("NANO BANANA CHEAT SHEET: PRETRAINING → POST-TRAINING"), "{info}");
    assert!(info.contains("Andrej Karpathy"), "{info}");
    assert!(info.contains("Keywords:") && info.contains("SFT"), "{info}");
    assert!(info.contains("Subject:"), "{info}");
    assert!(!info.contains("PDF/X"), "printpdf's PDF/X leftovers must be gone: {info}");
    let doc = Document::load_mem(&bytes).unwrap();
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"PageMode").unwrap().as_name().unwrap(), b"UseNone");
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"ko");
}

/// Hanji writes the file itself (`export/serialize.rs`, for speed); read back, the sheet's
/// objects written by it and by lopdf's own writer give the same bytes.
#[test]
fn the_file_is_written_as_lopdf_writes_it() {
    let mut doc = Document::load_mem(&render_sample()).unwrap();
    let mut ours = Vec::new();
    hanji::export::serialize::write_document(&doc, &mut ours);
    let mut theirs = Vec::new();
    doc.save_to(&mut theirs).unwrap();
    assert!(ours.len() > 100_000, "the sheet is {} bytes", ours.len());
    assert!(ours == theirs, "the two writers differ");
}

#[test]
fn identical_input_gives_identical_bytes() {
    let first = render_sample();
    let second = render_sample();
    assert!(first == second, "two renders in one process differ");
    // And across fresh processes.
    let dir = temp_dir("determinism");
    let source = root().join(SAMPLE);
    let a = dir.join("a.pdf");
    let b = dir.join("b.pdf");
    for out in [&a, &b] {
        let status = common::hanji(
            &["render", source.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"],
            &dir,
        );
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    }
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "two processes wrote different bytes");
    assert!(std::fs::read(&a).unwrap() == first, "CLI and library differ");
}

#[test]
fn json_model_renders_the_same_pdf() {
    let dir = temp_dir("json");
    let source = root().join(SAMPLE);
    let parsed = common::hanji(&["parse", source.to_str().unwrap()], &dir);
    assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
    // The JSON sits beside the Markdown so relative paths resolve alike.
    let json = root().join("samples").join(format!(".test-model-{}.json", std::process::id()));
    std::fs::write(&json, &parsed.stdout).unwrap();
    let out = dir.join("from-json.pdf");
    let rendered =
        common::hanji(&["render", json.to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"], &dir);
    std::fs::remove_file(&json).ok();
    assert!(rendered.status.success(), "{}", String::from_utf8_lossy(&rendered.stderr));
    assert!(std::fs::read(&out).unwrap() == render_sample(), "JSON and Markdown give different PDFs");
}

/// The outline (bookmarks), read back by qpdf: every box title in source order, the pipeline's
/// `###` subsections nested under it, each jumping to its heading on the page.
#[test]
fn the_outline_lists_boxes_and_their_subsections() {
    let dir = temp_dir("outline");
    let pdf = write_sample(&dir);
    let json: serde_json::Value =
        serde_json::from_str(&tool("qpdf", &["--json", "--json-key=outlines", pdf.to_str().unwrap()]))
            .expect("qpdf prints JSON");
    let outlines = json["outlines"].as_array().expect("an outline");
    let titles: Vec<&str> = outlines.iter().map(|o| o["title"].as_str().unwrap_or("")).collect();
    assert_eq!(
        titles,
        [
            "📦 BASE MODEL이란?",
            "🎯 POST-TRAINING 목표",
            "⚡ LLM TRAINING PIPELINE",
            "💰 COMPUTE COST",
            "💬 CONVERSATION",
            "📌 KEY TAKEAWAYS"
        ]
    );
    let kids: Vec<&str> =
        outlines[2]["kids"].as_array().unwrap().iter().map(|k| k["title"].as_str().unwrap_or("")).collect();
    assert_eq!(kids, ["💡 Training Pipeline", "📚 Pretraining vs Post-Training", "🗺️ Mind Map"]);
    for entry in outlines.iter().chain(outlines[2]["kids"].as_array().unwrap()) {
        assert_eq!(entry["destpageposfrom1"], 1, "{entry}");
        let top = entry["dest"][3].as_f64().expect("a /XYZ top");
        assert!(top > 0.0 && top < 595.3, "{entry}");
    }
    // A subsection stands below its box's title.
    let pipeline_top = outlines[2]["dest"][3].as_f64().unwrap();
    assert!(outlines[2]["kids"][0]["dest"][3].as_f64().unwrap() < pipeline_top);
    std::fs::remove_dir_all(&dir).ok();
}
