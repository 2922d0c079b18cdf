//! Frame → PDF. Fonts are subset here (`subset.rs`), printpdf writes the page content, and the
//! lopdf document it hands back is then mended where printpdf gets things wrong (header version, `/PageMode`,
//! PDF/X leftovers, random ids) so that identical input gives identical bytes.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Object, StringFormat};
use printpdf::{
    Actions, BorderArray, Codepoint, Color as PdfColor, ExtendedGraphicsState, ExtendedGraphicsStateId,
    FontId as PdfFontId, Line, LineCapStyle, LineDashPattern, LinePoint, LinkAnnotation, Mm, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point as PdfPoint, Polygon, PolygonRing,
    Pt, RawImage, RawImageData, RawImageFormat, Rect as PdfRect, Rgb, TextItem, TextMatrix,
    TextRenderingMode, WindingOrder, XObject, XObjectId, XObjectTransform,
};

use crate::error::{HanjiError, Result};
use crate::frame::{
    walk, Color, DocumentInfo, Frame, FrameItem, GlyphRun, HiddenText, Laidout, LineCap, OutlineEntry,
    PathItem, Segment,
};
use crate::text::fonts::{FontBook, FontId};

/// Renders the laid-out pages to PDF bytes.
pub fn write_pdf(laid: &Laidout, book: &FontBook) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&laid.info.title);
    let subsets = subset_fonts(laid, book)?;
    for (font, subset) in &subsets {
        let loaded = book.get(*font);
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&subset.bytes, 0, &mut warnings)
            .ok_or_else(|| HanjiError::new(format!("font {} cannot be embedded in the PDF", loaded.name)))?;
        doc.resources.fonts.map.insert(pdf_font_id(*font), printpdf::PdfFont::new(parsed));
    }
    let images = register_images(laid, &mut doc);
    let mut pages = Vec::with_capacity(laid.pages.len());
    for frame in &laid.pages {
        let ops = page_ops(frame, &subsets, &images, laid, &mut doc);
        pages.push(PdfPage::new(Mm(frame.width * 25.4 / 72.0), Mm(frame.height * 25.4 / 72.0), ops));
    }
    doc.with_pages(pages);
    // The fonts are subset already (`subset_fonts`): printpdf embeds them as they are.
    let options = PdfSaveOptions { subset_fonts: false, optimize: true, ..Default::default() };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut warnings);
    add_outline(&mut lo, &laid.outline, &laid.pages);
    mend(&mut lo, &laid.info)?;
    compress_streams(&mut lo);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| HanjiError::new(format!("cannot write the PDF: {e}")))?;
    Ok(bytes)
}

/// A stable resource name per font, derived from its index (printpdf's own ids are random).
fn pdf_font_id(font: FontId) -> PdfFontId {
    let n = u32::from(font.0);
    let letters: String = [n / 676, n / 26, n].iter().map(|d| char::from(b'A' + (d % 26) as u8)).collect();
    PdfFontId(format!("HNJ{letters}"))
}

fn rgb(c: Color) -> PdfColor {
    PdfColor::Rgb(Rgb::new(c.r, c.g, c.b, None))
}

/// A font cut down to the glyphs a document uses. Glyph ids are renumbered: `new_gid` maps an
/// original id to its id in `bytes`.
struct Subset {
    bytes: Vec<u8>,
    new_gid: BTreeMap<u16, u16>,
    /// Glyphs that carry hidden text (emoji): the text → an original glyph id of this font
    /// that nothing else uses, so its ToUnicode entry is the text alone.
    hidden: BTreeMap<String, u16>,
}

/// Subsets every font the pages use. Done here rather than by printpdf: printpdf parses the
/// whole multi-megabyte font (every glyph outline) before subsetting, which took most of the
/// render time; it parses the few-kilobyte subset instead.
fn subset_fonts(laid: &Laidout, book: &FontBook) -> Result<BTreeMap<FontId, Subset>> {
    let mut used: BTreeMap<FontId, BTreeSet<u16>> = BTreeMap::new();
    let mut hidden_texts: BTreeMap<FontId, Vec<&str>> = BTreeMap::new();
    for page in &laid.pages {
        walk(&page.items, 0.0, 0.0, &mut |item, _, _| match item {
            FrameItem::Text(run) => {
                used.entry(run.font).or_default().extend(run.glyphs.iter().map(|g| g.gid))
            }
            FrameItem::HiddenText(h) => {
                used.entry(h.font).or_default();
                hidden_texts.entry(h.font).or_default().push(&h.text);
            }
            _ => {}
        });
    }
    let mut subsets = BTreeMap::new();
    for (font, mut gids) in used {
        let loaded = book.get(font);
        // Hidden text borrows glyphs from the end of the font that the page does not use.
        let mut hidden = BTreeMap::new();
        let mut spare = (1..loaded.glyph_count()).rev().filter(|g| !gids.contains(g));
        for text in hidden_texts.get(&font).into_iter().flatten() {
            if !hidden.contains_key(*text) {
                let gid = spare.next().ok_or_else(|| {
                    HanjiError::new(format!("font {} has no glyph left to carry emoji text", loaded.name))
                })?;
                hidden.insert(text.to_string(), gid);
            }
        }
        gids.extend(hidden.values().copied());
        let gids: Vec<u16> = gids.into_iter().collect();
        let cut = super::subset::subset(loaded.data, &gids).ok_or_else(|| {
            HanjiError::new(format!(
                "font {} cannot be subset for the PDF: it is not a TrueType (glyf) font",
                loaded.name
            ))
        })?;
        let (bytes, new_gid) = (cut.bytes, cut.new_gid);
        subsets.insert(font, Subset { bytes, new_gid, hidden });
    }
    Ok(subsets)
}

/// Each raster image once, under a stable name, however often the pages use it.
fn register_images(laid: &Laidout, doc: &mut PdfDocument) -> BTreeMap<String, (XObjectId, u32, u32)> {
    let mut ids = BTreeMap::new();
    let mut images = Vec::new();
    for page in &laid.pages {
        walk(&page.items, 0.0, 0.0, &mut |item, _, _| {
            if let FrameItem::Image(item) = item {
                images.push(item);
            }
        });
    }
    for item in images {
        {
            let image = &item.image;
            if ids.contains_key(&image.key) {
                continue;
            }
            let id = XObjectId(format!("Im{}", ids.len() + 1));
            // An opaque image needs no soft mask: write it as RGB.
            let opaque = image.rgba.chunks_exact(4).all(|p| p[3] == 255);
            let (pixels, data_format) = if opaque {
                (image.rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect(), RawImageFormat::RGB8)
            } else {
                (image.rgba.clone(), RawImageFormat::RGBA8)
            };
            let raw = RawImage {
                pixels: RawImageData::U8(pixels),
                width: image.width as usize,
                height: image.height as usize,
                data_format,
                tag: Vec::new(),
            };
            doc.resources.xobjects.map.insert(id.clone(), XObject::Image(raw));
            ids.insert(image.key.clone(), (id, image.width, image.height));
        }
    }
    ids
}

fn page_ops(
    frame: &Frame,
    subsets: &BTreeMap<FontId, Subset>,
    images: &BTreeMap<String, (XObjectId, u32, u32)>,
    laid: &Laidout,
    doc: &mut PdfDocument,
) -> Vec<Op> {
    let mut ops = Vec::new();
    let page = Page { height: frame.height, subsets, images, laid };
    items_ops(&frame.items, (0.0, 0.0), &page, doc, &mut ops);
    ops
}

/// What drawing a page's items needs besides the items.
struct Page<'a> {
    height: f32,
    subsets: &'a BTreeMap<FontId, Subset>,
    images: &'a BTreeMap<String, (XObjectId, u32, u32)>,
    /// Its headings and pages: where `#id` links go.
    laid: &'a Laidout,
}

/// A link's action: a `#id` jumps to the heading with that id, anything else opens a URI.
fn link_action(url: &str, laid: &Laidout) -> Actions {
    let target =
        url.strip_prefix('#').and_then(|id| laid.outline.iter().chain(&laid.anchors).find(|h| h.id == id));
    let page_height = |heading: &OutlineEntry| laid.pages.get(heading.page).map_or(0.0, |p| p.height);
    match target {
        Some(heading) => Actions::Goto(printpdf::Destination::Xyz {
            page: heading.page + 1,
            left: None,
            top: Some((page_height(heading) - heading.y).max(0.0)),
            zoom: None,
        }),
        None => Actions::Uri(url.to_string()),
    }
}

/// The operators of `items`; `offset` is what enclosing groups add (link annotations are not
/// content and need it; content gets a translation per group).
fn items_ops(items: &[FrameItem], offset: (f32, f32), page: &Page, doc: &mut PdfDocument, ops: &mut Vec<Op>) {
    let (h, subsets, images) = (page.height, page.subsets, page.images);
    for item in items {
        match item {
            FrameItem::Group(group) if group.x == 0.0 && group.y == 0.0 => {
                items_ops(&group.items, offset, page, doc, ops);
            }
            FrameItem::Group(group) => {
                ops.push(Op::SaveGraphicsState);
                // Page y grows down, PDF y up: the group's y moves content down.
                ops.push(Op::SetTransformationMatrix {
                    matrix: printpdf::matrix::CurTransMat::Translate(Pt(group.x), Pt(-group.y)),
                });
                let inner = (offset.0 + group.x, offset.1 + group.y);
                items_ops(&group.items, inner, page, doc, ops);
                ops.push(Op::RestoreGraphicsState);
            }
            FrameItem::Path(path) => path_ops(path, h, doc, ops),
            FrameItem::Text(run) => text_ops(run, subsets.get(&run.font), h, ops),
            FrameItem::Image(item) => {
                if let Some((id, w, hpx)) = images.get(&item.image.key) {
                    ops.push(Op::UseXobject {
                        id: id.clone(),
                        transform: XObjectTransform {
                            translate_x: Some(Pt(item.rect.x)),
                            translate_y: Some(Pt(h - item.rect.bottom())),
                            rotate: None,
                            // At 72 dpi a pixel is a point; then scale to the rectangle.
                            scale_x: Some(item.rect.width / *w as f32),
                            scale_y: Some(item.rect.height / *hpx as f32),
                            dpi: Some(72.0),
                            no_auto_scale: false,
                        },
                    });
                }
            }
            FrameItem::HiddenText(hidden) => hidden_text_ops(hidden, subsets.get(&hidden.font), h, ops),
            FrameItem::Link(link) => {
                let rect = PdfRect {
                    x: Pt(link.rect.x + offset.0),
                    y: Pt(h - link.rect.bottom() - offset.1),
                    width: Pt(link.rect.width),
                    height: Pt(link.rect.height),
                    mode: None,
                    winding_order: None,
                };
                ops.push(Op::LinkAnnotation {
                    link: LinkAnnotation::new(
                        rect,
                        link_action(&link.url, page.laid),
                        Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                        None,
                        None,
                    ),
                });
            }
        }
    }
}

/// The graphics state for an opacity pair, registered once under a stable name.
fn alpha_state(doc: &mut PdfDocument, fill: f32, stroke: f32) -> ExtendedGraphicsStateId {
    let id = ExtendedGraphicsStateId(format!(
        "GSf{:03}s{:03}",
        (fill * 100.0).round() as i32,
        (stroke * 100.0).round() as i32
    ));
    doc.resources.extgstates.map.entry(id.clone()).or_insert_with(|| {
        ExtendedGraphicsState::default().with_current_fill_alpha(fill).with_current_stroke_alpha(stroke)
    });
    id
}

fn path_ops(path: &PathItem, h: f32, doc: &mut PdfDocument, ops: &mut Vec<Op>) {
    let fill_alpha = path.fill.map_or(1.0, |p| p.alpha);
    let stroke_alpha = path.stroke.as_ref().map_or(1.0, |s| s.paint.alpha);
    ops.push(Op::SaveGraphicsState);
    if fill_alpha < 1.0 || stroke_alpha < 1.0 {
        ops.push(Op::LoadGraphicsState { gs: alpha_state(doc, fill_alpha, stroke_alpha) });
    }
    if let Some(fill) = path.fill {
        ops.push(Op::SetFillColor { col: rgb(fill.color) });
    }
    if let Some(stroke) = &path.stroke {
        ops.push(Op::SetOutlineColor { col: rgb(stroke.paint.color) });
        ops.push(Op::SetOutlineThickness { pt: Pt(stroke.width) });
        ops.push(Op::SetLineCapStyle {
            cap: if stroke.cap == LineCap::Round { LineCapStyle::Round } else { LineCapStyle::Butt },
        });
        if !stroke.dash.is_empty() {
            ops.push(Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &stroke.dash) });
        }
    }
    let subpaths = subpaths(&path.segments, h);
    match (path.fill.is_some(), path.stroke.is_some()) {
        (true, stroke) => ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: subpaths.into_iter().map(|(points, _)| PolygonRing { points }).collect(),
                mode: if stroke { PaintMode::FillStroke } else { PaintMode::Fill },
                winding_order: WindingOrder::NonZero,
            },
        }),
        (false, true) => {
            for (points, is_closed) in subpaths {
                ops.push(Op::DrawLine { line: Line { points, is_closed } });
            }
        }
        (false, false) => {}
    }
    ops.push(Op::RestoreGraphicsState);
}

/// Splits segments at each move-to into printpdf point lists (y flipped to PDF's bottom-up).
fn subpaths(segments: &[Segment], h: f32) -> Vec<(Vec<LinePoint>, bool)> {
    let point = |p: crate::frame::Point, bezier: bool| LinePoint {
        p: PdfPoint { x: Pt(p.x), y: Pt(h - p.y) },
        bezier,
    };
    let mut out: Vec<(Vec<LinePoint>, bool)> = Vec::new();
    for seg in segments {
        match *seg {
            Segment::MoveTo(p) => out.push((vec![point(p, false)], false)),
            Segment::LineTo(p) => {
                if let Some(last) = out.last_mut() {
                    last.0.push(point(p, false));
                }
            }
            Segment::CubicTo(a, b, c) => {
                if let Some(last) = out.last_mut() {
                    last.0.extend([point(a, true), point(b, true), point(c, false)]);
                }
            }
            Segment::Close => {
                if let Some(last) = out.last_mut() {
                    last.1 = true;
                }
            }
        }
    }
    out.retain(|(points, _)| points.len() > 1);
    out
}

fn text_ops(run: &GlyphRun, subset: Option<&Subset>, h: f32, ops: &mut Vec<Op>) {
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont { font: PdfFontHandle::External(pdf_font_id(run.font)), size: Pt(run.size) });
    ops.push(Op::SetFillColor { col: rgb(run.color) });
    if run.fake_bold > 0.0 {
        ops.push(Op::SetOutlineColor { col: rgb(run.color) });
        ops.push(Op::SetOutlineThickness { pt: Pt(run.fake_bold) });
        ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::FillStroke });
    }
    for glyph in &run.glyphs {
        ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(glyph.x), Pt(h - glyph.y)) });
        ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(vec![Codepoint::with_cid(
                subset.and_then(|s| s.new_gid.get(&glyph.gid).copied()).unwrap_or(0),
                0.0,
                glyph.text.clone(),
            )])],
        });
    }
    ops.push(Op::EndTextSection);
    ops.push(Op::RestoreGraphicsState);
}

/// Invisible text (render mode 3) over an emoji, so copy and search give its characters.
fn hidden_text_ops(hidden: &HiddenText, subset: Option<&Subset>, h: f32, ops: &mut Vec<Op>) {
    let Some(subset) = subset else { return };
    let Some(gid) = subset.hidden.get(&hidden.text).and_then(|g| subset.new_gid.get(g)) else { return };
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont { font: PdfFontHandle::External(pdf_font_id(hidden.font)), size: Pt(hidden.size) });
    ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::Invisible });
    ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(hidden.rect.x), Pt(h - hidden.baseline)) });
    ops.push(Op::ShowText {
        items: vec![TextItem::GlyphIds(vec![Codepoint::with_cid(*gid, 0.0, hidden.text.clone())])],
    });
    ops.push(Op::EndTextSection);
    ops.push(Op::RestoreGraphicsState);
}

/// Deflates every stream that is not compressed yet. printpdf compresses only when it saves
/// itself, and lopdf's own compression uses the slowest level. Measured on the sample: level 3
/// gives 139 KB against 135 KB at level 9, in less time.
fn compress_streams(doc: &mut lopdf::Document) {
    use std::io::Write;
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object {
            if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
                continue;
            }
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(3));
            if encoder.write_all(&stream.content).is_err() {
                continue;
            }
            if let Ok(compressed) = encoder.finish() {
                if compressed.len() + 19 < stream.content.len() {
                    stream.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                    stream.set_content(compressed);
                }
            }
        }
    }
}

/// Fixes printpdf's output: version, catalog, metadata, document id.
fn mend(doc: &mut lopdf::Document, info: &DocumentInfo) -> Result<()> {
    // Transparency (ExtGState /ca) and /Lang need PDF 1.4.
    doc.version = "1.4".to_string();
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| HanjiError::new(format!("internal: the PDF has no catalog ({e})")))?;
    if let Ok(catalog) = doc.get_object_mut(catalog_id).and_then(Object::as_dict_mut) {
        catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
        catalog.set("Lang", text_string(&info.lang));
        catalog.remove(b"Metadata");
        catalog.remove(b"OutputIntents");
    }
    let mut dict = lopdf::Dictionary::new();
    dict.set("Title", text_string(&info.title));
    if let Some(author) = &info.author {
        dict.set("Author", text_string(author));
    }
    if let Some(subject) = &info.subject {
        dict.set("Subject", text_string(subject));
    }
    if !info.keywords.is_empty() {
        dict.set("Keywords", text_string(&info.keywords.join(", ")));
    }
    dict.set("Creator", text_string("Hanji"));
    dict.set("Producer", text_string(concat!("Hanji ", env!("CARGO_PKG_VERSION"), " (printpdf)")));
    let old_info = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
    if let Some(id) = old_info {
        doc.objects.remove(&id);
    }
    let info_id = doc.add_object(Object::Dictionary(dict));
    doc.trailer.set("Info", Object::Reference(info_id));
    tag_subset_fonts(doc);
    doc.prune_objects();
    doc.renumber_objects();
    // A document id derived from the content, not random.
    let mut content = Vec::new();
    for (id, object) in &doc.objects {
        content.extend_from_slice(&id.0.to_le_bytes());
        if let Object::Stream(stream) = object {
            content.extend_from_slice(&stream.content);
        }
    }
    let id = Object::String(fingerprint(&content).to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    Ok(())
}

/// Writes the PDF outline (bookmarks): entries nest by level, each jumps to its heading.
fn add_outline(doc: &mut lopdf::Document, outline: &[OutlineEntry], pages: &[Frame]) {
    if outline.is_empty() {
        return;
    }
    let page_ids: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    // Parent of every entry: the nearest earlier entry of a lower level (None: the root).
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(outline.len());
    let mut open: Vec<usize> = Vec::new();
    for (i, entry) in outline.iter().enumerate() {
        while open.last().is_some_and(|&p| outline[p].level >= entry.level) {
            open.pop();
        }
        parents.push(open.last().copied());
        open.push(i);
    }
    let root = doc.new_object_id();
    let ids: Vec<lopdf::ObjectId> = outline.iter().map(|_| doc.new_object_id()).collect();
    let children = |parent: Option<usize>| -> Vec<usize> {
        (0..outline.len()).filter(|&i| parents[i] == parent).collect()
    };
    let descendants = |i: usize| -> i64 {
        let mut count = 0;
        let mut stack = vec![i];
        while let Some(p) = stack.pop() {
            for c in (0..outline.len()).filter(|&c| parents[c] == Some(p)) {
                count += 1;
                stack.push(c);
            }
        }
        count
    };
    for (i, entry) in outline.iter().enumerate() {
        let siblings = children(parents[i]);
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let mut dict = lopdf::Dictionary::new();
        dict.set("Title", text_string(&entry.title));
        dict.set("Parent", Object::Reference(parents[i].map_or(root, |p| ids[p])));
        if at > 0 {
            dict.set("Prev", Object::Reference(ids[siblings[at - 1]]));
        }
        if let Some(&next) = siblings.get(at + 1) {
            dict.set("Next", Object::Reference(ids[next]));
        }
        let kids = children(Some(i));
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            dict.set("First", Object::Reference(ids[first]));
            dict.set("Last", Object::Reference(ids[last]));
            dict.set("Count", Object::Integer(descendants(i)));
        }
        if let (Some(&page), Some(frame)) = (page_ids.get(entry.page), pages.get(entry.page)) {
            let top = (frame.height - entry.y).max(0.0);
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(top),
                    Object::Null,
                ]),
            );
        }
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    let top = children(None);
    let mut dict = lopdf::Dictionary::new();
    dict.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
        dict.set("First", Object::Reference(ids[first]));
        dict.set("Last", Object::Reference(ids[last]));
    }
    dict.set("Count", Object::Integer(outline.len() as i64));
    doc.objects.insert(root, Object::Dictionary(dict));
    let catalog = doc.trailer.get(b"Root").and_then(Object::as_reference).ok();
    if let Some(catalog) =
        catalog.and_then(|id| doc.get_object_mut(id).ok()).and_then(|o| o.as_dict_mut().ok())
    {
        catalog.set("Outlines", Object::Reference(root));
    }
}

/// Marks the embedded fonts as subsets (`ABCDEF+Name`, ISO 32000-1 9.6.4): they were subset
/// before printpdf saw them, so printpdf does not know.
fn tag_subset_fonts(doc: &mut lopdf::Document) {
    let mut renames: Vec<(lopdf::ObjectId, &'static [u8])> = Vec::new();
    for (id, object) in &doc.objects {
        let Object::Dictionary(dict) = object else {
            continue;
        };
        let kind = dict.get(b"Type").and_then(Object::as_name).ok();
        let key: &'static [u8] = match kind {
            Some(b"Font") => b"BaseFont",
            Some(b"FontDescriptor") => b"FontName",
            _ => continue,
        };
        if dict.get(key).is_ok() {
            renames.push((*id, key));
        }
    }
    for (id, key) in renames {
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(id) {
            if let Ok(Object::Name(name)) = dict.get(key) {
                if name.get(6) != Some(&b'+') {
                    let tag = subset_tag(name);
                    let tagged: Vec<u8> = tag
                        .iter()
                        .copied()
                        .chain(std::iter::once(b'+'))
                        .chain(name.iter().copied())
                        .collect();
                    dict.set(key, Object::Name(tagged));
                }
            }
        }
    }
}

/// Six capital letters derived from the font name: the same font gets the same tag.
fn subset_tag(name: &[u8]) -> [u8; 6] {
    let mut hash = fingerprint(name);
    let mut tag = [0u8; 6];
    for (i, letter) in tag.iter_mut().enumerate() {
        *letter = b'A' + hash[i] % 26;
        hash[i] /= 26;
    }
    tag
}

/// A PDF text string: PDFDocEncoding-compatible ASCII as is, anything else as UTF-16BE.
fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        return Object::String(text.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// 16 bytes from two FNV-1a passes with different offsets: stable, not cryptographic.
fn fingerprint(bytes: &[u8]) -> [u8; 16] {
    let fnv = |seed: u64| bytes.iter().fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&fnv(0xcbf2_9ce4_8422_2325).to_be_bytes());
    out[8..].copy_from_slice(&fnv(0x8422_2325_cbf2_9ce4).to_be_bytes());
    out
}
