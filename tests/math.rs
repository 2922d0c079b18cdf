//! Math: `$…$`, `$$…$$` and ```` ```math ```` formulas drawn as vector glyphs of the KaTeX
//! fonts with a text layer, on the text's baseline at its size, scaled with the box, never
//! split, broken across lines only after relations and operators; errors name the line.

mod common;

use std::path::Path;

use common::{check_reference, hanji, root, temp_dir, tool};
use hanji::frame::{walk, FrameItem, Role};

const SHEET: &str = "samples/ml-formulas.md";
const NOTES: &str = "samples/math-notes.md";

fn typeset(path: &Path) -> hanji::Typeset {
    let doc = hanji::load_document(path).unwrap();
    hanji::typeset(&doc, path, None).unwrap_or_else(|f| panic!("{:?}", f.errors))
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn formulas_are_searchable_vector_glyphs_without_raster_images() {
    let dir = temp_dir("math-text");
    for sample in [SHEET, NOTES] {
        let pdf = dir.join("out.pdf");
        let out =
            hanji(&["render", root().join(sample).to_str().unwrap(), "-o", pdf.to_str().unwrap()], &dir);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        let wanted: &[&str] = if sample == SHEET {
            &["softmax", "∑", "√", "θ", "∇", "β", "≈", "⊤", "Attention", "log"]
        } else {
            &["∥", "∇", "λ", "⟹", "σ", "∑", "R"]
        };
        for symbol in wanted {
            assert!(text.contains(symbol), "{sample}: `{symbol}` is not in the text layer:\n{text}");
        }
        let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
        assert!(fonts.contains("KaTeXMainRegular") && fonts.contains("KaTeXMathItalic"), "{fonts}");
        let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
        assert_eq!(images.lines().count(), 2, "{sample}: no raster image, found:\n{images}");
    }
}

#[test]
fn a_formula_that_does_not_parse_names_its_line_column_and_command() {
    let dir = temp_dir("math-errors");
    let path = write(
        &dir,
        "bad.md",
        "---\ntitle: 오류\n---\n\n## 하나\n\n앞 문단.\n\n손실은 $L = \\foo{x} + 1$ 이다.\n",
    );
    let out = hanji(&["render", path.to_str().unwrap(), "-o", "bad.pdf"], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.md:9:") && stderr.contains("column 5") && stderr.contains("\\foo"),
        "{stderr}"
    );
    assert!(!dir.join("bad.pdf").exists());
    let path = write(&dir, "bad2.md", "## 하나\n\n```math\n\\frac{a}{b\n```\n");
    let out = hanji(&["check", path.to_str().unwrap()], &dir);
    let report = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("bad2.md:4") && report.contains("formula"), "{report}");
    // A dollar sign escaped, and dollars in code, are text.
    let path = write(&dir, "money.md", "## 하나\n\n가격은 \\$5 이고 `$x$`는 코드다.\n");
    let pdf = dir.join("money.pdf");
    let out = hanji(&["render", path.to_str().unwrap(), "-o", pdf.to_str().unwrap()], &dir);
    assert!(out.status.success());
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("가격은 $5 이고 $x$는 코드다."), "{text}");
    // Three or more dollars are money, never a formula; so is a lone `$` before a space.
    let path = write(&dir, "cost.md", "## 비용\n\n- 사전학습 $$$$ 비용 · 후속학습 $ 비용 적음\n- **$$$$$** vs **$** (수백만 달러)\n- 코드 `$$$` 그대로\n");
    let pdf = dir.join("cost.pdf");
    let out = hanji(&["render", path.to_str().unwrap(), "-o", pdf.to_str().unwrap()], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("사전학습 $$$$ 비용 · 후속학습 $ 비용 적음"), "{text}");
    assert!(text.contains("$$$$$ vs $ (수백만 달러)") && text.contains("코드 $$$ 그대로"), "{text}");
}

/// Every glyph run of the page with its absolute position: (font name, text, x, baseline, size).
fn runs(t: &hanji::Typeset, page: usize) -> Vec<(String, String, f32, f32, f32)> {
    let mut out = Vec::new();
    walk(&t.laid.pages[page].items, 0.0, 0.0, &mut |item, dx, dy| {
        if let FrameItem::Text(run) = item {
            let name = t.book.get(run.font).name.to_string();
            for g in &run.glyphs {
                out.push((name.clone(), g.text.to_string(), g.x + dx, g.y + dy, run.size));
            }
        }
    });
    out
}

#[test]
fn inline_math_stands_where_the_texts_capitals_stand_at_their_height() {
    let dir = temp_dir("math-baseline");
    let path = write(&dir, "line.md", "## 하나\n\nHello $x$ 그리고 $H$ 끝.\n");
    let t = typeset(&path);
    let glyphs = runs(&t, 0);
    let find =
        |font: &str, text: &str| glyphs.iter().find(|g| g.0.contains(font) && g.1 == text).unwrap().clone();
    let text_h = find("NanumPen", "H");
    let math_h = find("KaTeX_Math-Italic", "H");
    let pen = t.book.iter().find(|(_, f)| f.name == "NanumPen.ttf").unwrap().1;
    let katex = t.book.iter().find(|(_, f)| f.name == "KaTeX_Math-Italic.ttf").unwrap().1;
    // Bottoms of the capitals' ink: the text's floats `cap_bottom` above its baseline.
    let text_bottom = text_h.3 - pen.cap_bottom * text_h.4;
    let math_bottom = math_h.3 - katex.cap_bottom * math_h.4;
    assert!(
        (text_bottom - math_bottom).abs() < 0.3,
        "text capitals end at {text_bottom}, the formula's at {math_bottom}"
    );
    let (text_cap, math_cap) = (pen.cap_height * text_h.4, katex.cap_height * math_h.4);
    assert!((text_cap - math_cap).abs() / text_cap < 0.08, "capitals {text_cap} pt and {math_cap} pt tall");
}

#[test]
fn formulas_scale_with_their_box() {
    let dir = temp_dir("math-scale");
    let sheet = |lines: usize| {
        let filler: String =
            (0..lines).map(|i| format!("- 줄 {i}: 베이스 모델은 인터넷 문서 시뮬레이터\n")).collect();
        format!("---\ntitle: 크기\nlayout:\n  - height: 15%\n    boxes: [title]\n  - height: 85%\n    boxes: [a]\n---\n## 상자 {{#a}}\n\n식 $E = mc^2$ 이다.\n\n{filler}")
    };
    let size_of = |t: &hanji::Typeset, font: &str, text: &str| {
        runs(t, 0).into_iter().find(|g| g.0.contains(font) && g.1 == text).map(|g| g.4).unwrap()
    };
    let roomy = typeset(&write(&dir, "roomy.md", &sheet(2)));
    let tight = typeset(&write(&dir, "tight.md", &sheet(28)));
    let (a, b) = (roomy.fits[0].scale, tight.fits[0].scale);
    assert!(a > b * 1.3, "scales {a} and {b}");
    let text_ratio = size_of(&roomy, "NanumPen", "식") / size_of(&tight, "NanumPen", "식");
    let math_ratio = size_of(&roomy, "KaTeX_Math-Italic", "E") / size_of(&tight, "KaTeX_Math-Italic", "E");
    assert!((text_ratio - math_ratio).abs() < 0.01, "text ×{text_ratio}, math ×{math_ratio}");
}

/// Formula groups of every page: (page, alt, top y).
fn formulas(t: &hanji::Typeset) -> Vec<(usize, String, f32)> {
    fn visit(items: &[FrameItem], page: usize, dy: f32, out: &mut Vec<(usize, String, f32)>) {
        for item in items {
            if let FrameItem::Group(group) = item {
                if let Some(Role::Formula { alt }) = &group.role {
                    out.push((page, alt.clone(), dy + group.y));
                }
                visit(&group.items, page, dy + group.y, out);
            }
        }
    }
    let mut out = Vec::new();
    for (page, frame) in t.laid.pages.iter().enumerate() {
        visit(&frame.items, page, 0.0, &mut out);
    }
    out
}

#[test]
fn inline_math_breaks_only_after_relations_and_operators() {
    let dir = temp_dir("math-breaks");
    let long = "a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8 = \\sum_{k=1}^{8} a_k \\le 8 \\max_k a_k";
    let source = format!(
        "---\ntitle: 줄바꿈\nlayout:\n  - height: 15%\n    boxes: [title]\n  - height: 85%\n    boxes: [{{ id: a, width: 22% }}, b]\n---\n## 좁은 상자 {{#a}}\n\n합은 ${long}$ 이다.\n\n## 메모 {{#b}}\n\n- 한 줄.\n"
    );
    let t = typeset(&write(&dir, "narrow.md", &source));
    let pieces = formulas(&t);
    assert!(pieces.len() > 4, "{pieces:?}");
    // Pieces by line: a line that ends inside the formula ends after an operator.
    let mut lines: Vec<Vec<&(usize, String, f32)>> = Vec::new();
    for piece in &pieces {
        match lines.last_mut() {
            Some(line) if (line[0].2 - piece.2).abs() < 1.0 => line.push(piece),
            _ => lines.push(vec![piece]),
        }
    }
    assert!(lines.len() >= 2, "the formula stays on one line: {pieces:?}");
    for line in &lines[..lines.len() - 1] {
        let last = &line.last().unwrap().1;
        let operator = ["+{}", "={}", "\\le{}"].iter().any(|op| last.trim_end().ends_with(op));
        assert!(operator, "a line ends inside the formula after `{last}`");
    }
    let rebuilt: String = pieces.iter().map(|p| p.1.trim_end_matches("{}").to_string()).collect();
    assert_eq!(rebuilt.split_whitespace().collect::<String>(), long.split_whitespace().collect::<String>());
}

#[test]
fn a_display_formula_is_never_split_across_pages() {
    let dir = temp_dir("math-split");
    let tall = "\\begin{aligned} a &= 1 \\\\ b &= 2 \\\\ c &= 3 \\\\ d &= 4 \\\\ e &= 5 \\\\ f &= 6 \\\\ g &= 7 \\\\ h &= 8 \\end{aligned}";
    // With more and more text before it, the formula meets the page's foot somewhere: it
    // moves to the next page whole every time.
    let mut moved = false;
    for count in 18..40 {
        let mut source = String::from("---\ntitle: 나눔\npage: a5-portrait\ncolumns: 1\n---\n\n## 하나\n\n");
        for i in 0..count {
            source.push_str(&format!("문단 {i}: 수식이 페이지 끝에 걸리는지 보려고 쓴 문장이다.\n\n"));
        }
        source.push_str(&format!("$${tall}$$\n\n끝 문단.\n"));
        let t = typeset(&write(&dir, "split.md", &source));
        let placed: Vec<(usize, f32)> =
            formulas(&t).into_iter().filter(|f| f.1 == tall).map(|f| (f.0, f.2)).collect();
        assert_eq!(placed.len(), 1, "{count} paragraphs: the formula is drawn in {} parts", placed.len());
        let (page, _) = placed[0];
        let height = t.laid.pages[page].height;
        for g in runs(&t, page).iter().filter(|g| g.0.starts_with("KaTeX")) {
            assert!(g.3 > 0.0 && g.3 < height - 10.0, "{count} paragraphs: {g:?} is at the page's foot");
        }
        moved |= page > 0 && runs(&t, page - 1).iter().any(|g| g.1.contains('문'));
    }
    assert!(moved, "the formula never reached a second page");
}

#[test]
fn reference_image_of_the_formula_sheet() {
    let t = typeset(&root().join(SHEET));
    check_reference("math-sheet-pen-notes", &t.pngs(40.0).unwrap()[0]);
}

/// The subset the issue names: each construct parses, lays out and draws glyphs.
#[test]
fn the_common_katex_subset_sets() {
    let dir = temp_dir("math-subset");
    let constructs = [
        r"\frac{a}{b}",
        r"x_i^2",
        r"\sqrt{x}",
        r"\sqrt[3]{x}",
        r"\sum_{i=1}^{n} i",
        r"\int_0^1 f(x)\,dx",
        r"\prod_{k} a_k",
        r"\left( \frac{a}{b} \right)",
        r"\hat{x} \bar{x} \vec{x} \tilde{x}",
        r"\alpha \beta \gamma \Delta \Omega",
        r"\mathbb{R} \mathcal{L} \mathrm{d}x",
        r"\operatorname{argmax}_x f",
        r"\text{손실 } L",
        r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",
        r"\begin{bmatrix} a \\ b \end{bmatrix}",
        r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
        r"|x| = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}",
        r"a \, b \; c \quad d \qquad e",
        r"\lVert x \rVert \top \nabla \approx \in \mid \times",
    ];
    let mut source = String::from("## 부분집합\n\n");
    for tex in constructs {
        source.push_str(&format!("$${tex}$$\n\n"));
    }
    let t = typeset(&write(&dir, "subset.md", &source));
    let found = formulas(&t);
    for tex in constructs {
        assert!(found.iter().any(|f| f.1 == tex), "`{tex}` was not set");
    }
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
    let text = runs(&t, 0).into_iter().map(|g| g.1).collect::<String>();
    for symbol in ["∑", "∫", "∏", "√", "α", "Ω", "R", "손실", "∥", "⊤", "∇", "≈", "∈", "∣", "×"]
    {
        assert!(text.contains(symbol), "`{symbol}` is not drawn: {text}");
    }
}

#[test]
fn a_displayed_formula_wider_than_its_box_is_set_smaller_with_a_warning() {
    let dir = temp_dir("math-wide");
    let wide = (1..=30).map(|i| format!("a_{{{i}}}")).collect::<Vec<_>>().join(" + ");
    let source = format!(
        "---\ntitle: 넓은 식\nlayout:\n  - height: 15%\n    boxes: [title]\n  - height: 85%\n    boxes: [{{ id: a, width: 25% }}, b]\n---\n## 좁다 {{#a}}\n\n$${wide}$$\n\n## 메모 {{#b}}\n\n- 한 줄.\n"
    );
    let t = typeset(&write(&dir, "wide.md", &source));
    let warning = t.warnings.iter().find(|w| w.message.contains("wider than box `a`")).expect("a warning");
    assert_eq!(warning.line, Some(11));
    let rect = t.fits.iter().find(|f| f.id == "a").unwrap().rect;
    for g in runs(&t, 0).iter().filter(|g| g.0.starts_with("KaTeX")) {
        assert!(g.2 >= rect.x && g.2 <= rect.right(), "{g:?} leaves the box {rect:?}");
    }
}
