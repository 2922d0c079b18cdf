//! Frame → PDF, written with lopdf: fonts subset here (`subset.rs`) and embedded as CID
//! TrueType with widths and ToUnicode maps, page content written straight from the Frame
//! (`content.rs`), raster images once each, link annotations, the outline and the document
//! information. Identical input gives identical bytes: no dates, no random ids.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

use super::archive::{attach, output_intent, pdfa_part, producer, xmp_metadata, Attachment, Date};
use super::content::{page_content, FontUse, GlyphMap, PlacedLink, Resources};
use super::serialize::Prewritten;
use super::tags::Tagger;
use crate::error::{HanjiError, Result};
use crate::frame::{walk, DocumentInfo, Frame, FrameItem, Laidout, OutlineEntry};
use crate::text::fonts::{FontBook, FontId, LoadedFont};

/// Renders the laid-out pages to PDF bytes: PDF/A-2u and PDF/UA-1, or PDF/A-3u carrying
/// `attachments` (the source files) when there are any.
pub fn write_pdf(laid: &Laidout, book: &FontBook, attachments: &[Attachment]) -> Result<Vec<u8>> {
    let mut doc = lopdf::Document::with_version("1.7");
    let date = Date::of(&laid.info);
    let pages_id = doc.new_object_id();
    let subsets = subset_fonts(laid, book)?;
    let mut fonts = BTreeMap::new();
    let mut font_dict = Dictionary::new();
    for (font, mut subset) in subsets {
        let name = format!("F{}", font.0);
        let id = embed_font(&mut doc, book.get(font), &mut subset);
        font_dict.set(name.as_bytes().to_vec(), Object::Reference(id));
        fonts.insert(font, font_use(name, book.get(font), subset));
    }
    let (images, image_dict) = embed_images(laid, &mut doc);
    let mut resources = Resources { fonts: &fonts, images: &images, alphas: BTreeMap::new() };
    let page_ids: Vec<ObjectId> = laid.pages.iter().map(|_| doc.new_object_id()).collect();
    let resources_id = doc.new_object_id();
    let mut tagger = Tagger::new();
    let mut annotations = Vec::with_capacity(laid.pages.len());
    for (index, (frame, &page_id)) in laid.pages.iter().zip(&page_ids).enumerate() {
        let mut links = Vec::new();
        tagger.start_page(index);
        let content = page_content(&frame.items, frame.height, &mut resources, &mut links, &mut tagger);
        let content_id = doc.add_object(compressed(Dictionary::new(), content));
        let annotation_ids: Vec<ObjectId> = links
            .iter()
            .map(|l| doc.add_object(Object::Dictionary(link_annotation(l, frame.height, laid, &page_ids))))
            .collect();
        let annots: Vec<Object> = annotation_ids.iter().map(|id| Object::Reference(*id)).collect();
        annotations.push(annotation_ids);
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Parent", Object::Reference(pages_id));
        page.set(
            "MediaBox",
            Object::Array(vec![0.into(), 0.into(), Object::Real(frame.width), Object::Real(frame.height)]),
        );
        page.set("Resources", Object::Reference(resources_id));
        page.set("Contents", Object::Reference(content_id));
        if !annots.is_empty() {
            page.set("Annots", Object::Array(annots));
        }
        // Tab order follows the structure; transparency blends in RGB.
        page.set("Tabs", Object::Name(b"S".to_vec()));
        let mut group = Dictionary::new();
        group.set("S", Object::Name(b"Transparency".to_vec()));
        group.set("CS", Object::Name(b"DeviceRGB".to_vec()));
        page.set("Group", Object::Dictionary(group));
        doc.objects.insert(page_id, Object::Dictionary(page));
    }
    let mut early = Prewritten::default();
    let struct_tree = tagger.write(&mut doc, &mut early, &page_ids, &annotations);
    let mut states = Dictionary::new();
    for ((fill, stroke), name) in &resources.alphas {
        let mut state = Dictionary::new();
        state.set("Type", Object::Name(b"ExtGState".to_vec()));
        state.set("ca", Object::Real(f32::from(*fill) / 100.0));
        state.set("CA", Object::Real(f32::from(*stroke) / 100.0));
        states.set(name.as_bytes().to_vec(), Object::Dictionary(state));
    }
    let mut shared = Dictionary::new();
    shared.set("Font", Object::Dictionary(font_dict));
    shared.set("XObject", Object::Dictionary(image_dict));
    shared.set("ExtGState", Object::Dictionary(states));
    doc.objects.insert(resources_id, Object::Dictionary(shared));
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(page_ids.iter().map(|id| Object::Reference(*id)).collect()));
    pages.set("Count", Object::Integer(page_ids.len() as i64));
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages_id));
    catalog.set("PageLayout", Object::Name(b"OneColumn".to_vec()));
    catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
    catalog.set("Lang", text_string(&laid.info.lang));
    let mut mark_info = Dictionary::new();
    mark_info.set("Marked", Object::Boolean(true));
    catalog.set("MarkInfo", Object::Dictionary(mark_info));
    catalog.set("StructTreeRoot", Object::Reference(struct_tree));
    let mut viewer = Dictionary::new();
    viewer.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(viewer));
    let metadata = doc.add_object(xmp_metadata(&laid.info, &date, pdfa_part(attachments)));
    catalog.set("Metadata", Object::Reference(metadata));
    catalog.set("OutputIntents", output_intent(&mut doc));
    for (key, value) in attach(&mut doc, attachments, &date) {
        catalog.set(key, value);
    }
    let catalog_id = doc.add_object(Object::Dictionary(catalog));
    doc.trailer.set("Root", Object::Reference(catalog_id));
    add_outline(&mut doc, &laid.outline, &laid.pages, &page_ids);
    let info_id = doc.add_object(Object::Dictionary(info_dict(&laid.info, &date)));
    doc.trailer.set("Info", Object::Reference(info_id));
    // A document id derived from the content, not random.
    let mut print = DocumentPrint::default();
    let mut stream_bytes = 0;
    for (id, object) in &doc.objects {
        print.feed(&id.0.to_le_bytes());
        if let Object::Stream(stream) = object {
            print.feed(&stream.content);
            stream_bytes += stream.content.len();
        }
    }
    let id = Object::String(print.finish().to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    // Room for the streams and the dictionaries around them, so the file is not copied as
    // it grows.
    let mut bytes = Vec::with_capacity(stream_bytes + 200 * doc.objects.len() + 4096);
    // No object streams: they would pack the structure tree's small dictionaries (the 75-section
    // flow benchmark: 445 KB → 330 KB) but cost more than the tagging itself (244 M → 299 M
    // instructions for the whole render).
    super::serialize::write_with(&doc, &early, &mut bytes);
    Ok(bytes)
}

/// Streams shorter than this are stored as they are: the filter entry and the zlib wrapper
/// would take back most of what deflating a few hundred bytes saves.
const DEFLATE_FROM: usize = 512;

/// A stream deflated when it is long enough and that makes it smaller.
pub(super) fn compressed(mut dict: Dictionary, content: Vec<u8>) -> Object {
    if content.len() < DEFLATE_FROM {
        return Object::Stream(Stream::new(dict, content).with_compression(false));
    }
    match super::deflate::zlib(&content) {
        packed if packed.len() + 19 < content.len() => {
            dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            Object::Stream(Stream::new(dict, packed).with_compression(false))
        }
        _ => Object::Stream(Stream::new(dict, content).with_compression(false)),
    }
}

fn info_dict(info: &DocumentInfo, date: &Date) -> Dictionary {
    let mut dict = Dictionary::new();
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
    dict.set("Producer", text_string(&producer()));
    dict.set("CreationDate", Object::string_literal(date.pdf()));
    dict.set("ModDate", Object::string_literal(date.pdf()));
    dict
}

/// A font cut down to the glyphs a document uses. Glyph ids are renumbered: `new_gid` maps an
/// original id to its id in `bytes`.
struct Subset {
    bytes: Vec<u8>,
    new_gid: BTreeMap<u16, u16>,
    /// Glyphs that carry hidden text (emoji): the text → an original glyph id of this font
    /// that nothing else uses, so its ToUnicode entry is the text alone.
    hidden: BTreeMap<String, u16>,
    /// The text each original glyph stands for (its first cluster), for ToUnicode.
    texts: BTreeMap<u16, String>,
    /// Widths (thousandths of an em) given to the glyphs that carry hidden text.
    widths: BTreeMap<u16, i32>,
}

impl Subset {
    /// The width the PDF gives an original glyph.
    fn width(&self, font: &LoadedFont, gid: u16) -> i32 {
        self.widths.get(&gid).copied().unwrap_or_else(|| pdf_width(font, gid))
    }
}

/// Subsets every font the pages use, and notes what text each glyph stands for.
fn subset_fonts(laid: &Laidout, book: &FontBook) -> Result<BTreeMap<FontId, Subset>> {
    // Per font, per glyph id used: the text it stands for (every glyph of every page passes
    // here; a map of the glyphs used, not a table over the whole font).
    // 1: no text yet; n + 2: text `texts_seen[n]`.
    let mut seen: BTreeMap<FontId, GlyphMap<u32>> = BTreeMap::new();
    let mut texts_seen: Vec<&str> = Vec::new();
    // Each hidden text with its width in em: the carrying glyph is given that width, so a
    // reader's text box covers the emoji, not whatever the borrowed glyph's advance was.
    let mut hidden_texts: BTreeMap<FontId, Vec<(&str, f32)>> = BTreeMap::new();
    for page in &laid.pages {
        walk(&page.items, 0.0, 0.0, &mut |item, _, _| match item {
            FrameItem::Text(run) => {
                let table = seen.entry(run.font).or_default();
                let glyphs = usize::from(book.get(run.font).glyph_count());
                for glyph in &run.glyphs {
                    if usize::from(glyph.gid) > glyphs {
                        continue;
                    }
                    let slot = table.entry(glyph.gid).or_insert(0);
                    if *slot < 2 {
                        if glyph.text.is_empty() {
                            *slot = 1;
                        } else {
                            *slot = texts_seen.len() as u32 + 2;
                            texts_seen.push(glyph.text.as_str());
                        }
                    }
                }
            }
            FrameItem::HiddenText(h) => {
                seen.entry(h.font).or_default();
                hidden_texts.entry(h.font).or_default().push((&h.text, h.rect.width / h.size.max(0.01)));
            }
            _ => {}
        });
    }
    let mut used: BTreeMap<FontId, BTreeSet<u16>> = BTreeMap::new();
    let mut texts: BTreeMap<FontId, BTreeMap<u16, String>> = BTreeMap::new();
    for (font, table) in seen {
        let gids = used.entry(font).or_default();
        let font_texts = texts.entry(font).or_default();
        for (gid, slot) in table {
            if slot >= 1 {
                gids.insert(gid);
            }
            if let Some(text) = (slot as usize).checked_sub(2).and_then(|i| texts_seen.get(i)) {
                font_texts.insert(gid, text.to_string());
            }
        }
    }
    let mut subsets = BTreeMap::new();
    for (font, mut gids) in used {
        let loaded = book.get(font);
        // Hidden text borrows glyphs from the end of the font that the page does not use.
        let mut hidden = BTreeMap::new();
        let mut widths = BTreeMap::new();
        let mut spare = (1..loaded.glyph_count()).rev().filter(|g| !gids.contains(g));
        for (text, width) in hidden_texts.get(&font).into_iter().flatten() {
            if !hidden.contains_key(*text) {
                let gid = spare.next().ok_or_else(|| {
                    HanjiError::new(format!("font {} has no glyph left to carry emoji text", loaded.name))
                })?;
                hidden.insert(text.to_string(), gid);
                widths.insert(gid, (width * 1000.0).round() as i32);
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
        let texts = texts.remove(&font).unwrap_or_default();
        subsets.insert(font, Subset { bytes: cut.bytes, new_gid: cut.new_gid, hidden, texts, widths });
    }
    Ok(subsets)
}

/// The PDF width of a glyph: its advance in thousandths of an em, rounded.
fn pdf_width(font: &LoadedFont, gid: u16) -> i32 {
    (font.advance(gid) * 1000.0).round() as i32
}

fn font_use(name: String, font: &LoadedFont, subset: Subset) -> FontUse {
    let glyphs = subset.new_gid.iter().map(|(&old, &new)| (old, (new, subset.width(font, old)))).collect();
    let hidden = subset
        .hidden
        .iter()
        .filter_map(|(text, old)| subset.new_gid.get(old).map(|new| (text.clone(), *new)))
        .collect();
    FontUse { name, glyphs, hidden }
}

/// The font's name for the PDF: its file name without extension, letters and digits only.
fn base_name(font: &LoadedFont) -> Vec<u8> {
    let stem = font.name.rsplit_once('.').map_or(font.name, |(stem, _)| stem);
    let mut name: Vec<u8> = stem.bytes().filter(u8::is_ascii_alphanumeric).collect();
    if name.is_empty() {
        name = b"Font".to_vec();
    }
    let tag = subset_tag(&name);
    tag.iter().copied().chain(std::iter::once(b'+')).chain(name).collect()
}

/// Embeds a subset font as a Type 0 font over a CID TrueType font (Identity-H: the codes are
/// the subset's glyph ids), with its widths and a ToUnicode map. Returns the Type 0 font.
/// The font program moves into the document (the rest of the subset is still needed).
fn embed_font(doc: &mut lopdf::Document, font: &LoadedFont, subset: &mut Subset) -> ObjectId {
    let name = base_name(font);
    let em = |v: f32| Object::Real((v * 1000.0).round());
    let (ascent, descent, bbox) = font.vertical_metrics();
    let mut file = Dictionary::new();
    file.set("Length1", Object::Integer(subset.bytes.len() as i64));
    // Glyph outlines barely deflate (a Nanum Pen subset: 86 KB → 69 KB) at a tenth of the
    // sheet's render time: stored as they are.
    let program = std::mem::take(&mut subset.bytes);
    let file_id = doc.add_object(Object::Stream(Stream::new(file, program).with_compression(false)));
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", Object::Name(b"FontDescriptor".to_vec()));
    descriptor.set("FontName", Object::Name(name.clone()));
    descriptor.set("Flags", Object::Integer(4));
    descriptor.set("FontBBox", Object::Array(bbox.iter().map(|v| em(*v)).collect()));
    descriptor.set("ItalicAngle", Object::Integer(0));
    descriptor.set("Ascent", em(ascent));
    descriptor.set("Descent", em(descent));
    descriptor.set("CapHeight", em(font.cap_height));
    descriptor.set("StemV", Object::Integer(80));
    descriptor.set("FontFile2", Object::Reference(file_id));
    let descriptor_id = doc.add_object(Object::Dictionary(descriptor));
    // Widths as runs of consecutive new ids: `first [w1 w2 …]`.
    let mut by_new: Vec<(u16, i32)> =
        subset.new_gid.iter().map(|(&old, &new)| (new, subset.width(font, old))).collect();
    by_new.sort_unstable();
    let mut widths = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut run_start = 0u16;
    let mut last: Option<u16> = None;
    for (gid, width) in by_new {
        if last.is_some_and(|l| l + 1 != gid) {
            widths.push(Object::Integer(i64::from(run_start)));
            widths.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            run_start = gid;
        }
        run.push(Object::Integer(i64::from(width)));
        last = Some(gid);
    }
    if !run.is_empty() {
        widths.push(Object::Integer(i64::from(run_start)));
        widths.push(Object::Array(run));
    }
    let mut system = Dictionary::new();
    system.set("Registry", Object::string_literal("Adobe"));
    system.set("Ordering", Object::string_literal("Identity"));
    system.set("Supplement", Object::Integer(0));
    let mut cid_font = Dictionary::new();
    cid_font.set("Type", Object::Name(b"Font".to_vec()));
    cid_font.set("Subtype", Object::Name(b"CIDFontType2".to_vec()));
    cid_font.set("BaseFont", Object::Name(name.clone()));
    cid_font.set("CIDSystemInfo", Object::Dictionary(system));
    cid_font.set("FontDescriptor", Object::Reference(descriptor_id));
    cid_font.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
    cid_font.set("W", Object::Array(widths));
    let cid_id = doc.add_object(Object::Dictionary(cid_font));
    let cmap_id = doc.add_object(compressed(Dictionary::new(), to_unicode(subset)));
    let mut type0 = Dictionary::new();
    type0.set("Type", Object::Name(b"Font".to_vec()));
    type0.set("Subtype", Object::Name(b"Type0".to_vec()));
    type0.set("BaseFont", Object::Name(name));
    type0.set("Encoding", Object::Name(b"Identity-H".to_vec()));
    type0.set("DescendantFonts", Object::Array(vec![Object::Reference(cid_id)]));
    type0.set("ToUnicode", Object::Reference(cmap_id));
    doc.add_object(Object::Dictionary(type0))
}

/// The ToUnicode CMap: each subset glyph → the text it stands for.
fn to_unicode(subset: &Subset) -> Vec<u8> {
    let mut pairs: Vec<(u16, &str)> = subset
        .texts
        .iter()
        .filter_map(|(old, text)| subset.new_gid.get(old).map(|new| (*new, text.as_str())))
        .collect();
    for (text, old) in &subset.hidden {
        if let Some(new) = subset.new_gid.get(old) {
            pairs.push((*new, text.as_str()));
        }
    }
    pairs.sort_unstable();
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // Hex by hand: a font's map holds hundreds of entries.
    let hex4 = |out: &mut String, v: u16| {
        for shift in [12, 8, 4, 0] {
            out.push(char::from(b"0123456789ABCDEF"[usize::from((v >> shift) & 0xF)]));
        }
    };
    for chunk in pairs.chunks(100) {
        out.push_str(&chunk.len().to_string());
        out.push_str(" beginbfchar\n");
        for (gid, text) in chunk {
            out.push('<');
            hex4(&mut out, *gid);
            out.push_str("> <");
            for unit in text.encode_utf16() {
                hex4(&mut out, unit);
            }
            out.push_str(">\n");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

/// Each raster image once, under a stable name, however often the pages use it: RGB, with a
/// soft mask when it has transparency.
#[allow(clippy::type_complexity)]
fn embed_images(
    laid: &Laidout,
    doc: &mut lopdf::Document,
) -> (BTreeMap<String, (String, u32, u32)>, Dictionary) {
    let mut names = BTreeMap::new();
    let mut dict = Dictionary::new();
    let mut images = Vec::new();
    for page in &laid.pages {
        walk(&page.items, 0.0, 0.0, &mut |item, _, _| {
            if let FrameItem::Image(item) = item {
                images.push(std::sync::Arc::clone(&item.image));
            }
        });
    }
    for image in images {
        if names.contains_key(&image.key) {
            continue;
        }
        let name = format!("Im{}", names.len() + 1);
        let image_dict = |color_space: &[u8]| {
            let mut d = Dictionary::new();
            d.set("Type", Object::Name(b"XObject".to_vec()));
            d.set("Subtype", Object::Name(b"Image".to_vec()));
            d.set("Width", Object::Integer(i64::from(image.width)));
            d.set("Height", Object::Integer(i64::from(image.height)));
            d.set("ColorSpace", Object::Name(color_space.to_vec()));
            d.set("BitsPerComponent", Object::Integer(8));
            d
        };
        let rgb: Vec<u8> = image.rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        let mut main = image_dict(b"DeviceRGB");
        if image.rgba.chunks_exact(4).any(|p| p[3] != 255) {
            let alpha: Vec<u8> = image.rgba.chunks_exact(4).map(|p| p[3]).collect();
            let mask = doc.add_object(compressed(image_dict(b"DeviceGray"), alpha));
            main.set("SMask", Object::Reference(mask));
        }
        let id = doc.add_object(compressed(main, rgb));
        dict.set(name.as_bytes().to_vec(), Object::Reference(id));
        names.insert(image.key.clone(), (name, image.width, image.height));
    }
    (names, dict)
}

/// A place in the document: `top` points above the page's foot, left and zoom unchanged.
fn destination(page: ObjectId, top: f32) -> Object {
    Object::Array(vec![
        Object::Reference(page),
        Object::Name(b"XYZ".to_vec()),
        Object::Null,
        Object::Real(top.max(0.0)),
        Object::Null,
    ])
}

/// A link annotation: a `#id` jumps to the heading (or footnote) with that id, anything
/// else opens a URI. No border; printed with the page.
fn link_annotation(placed: &PlacedLink, height: f32, laid: &Laidout, page_ids: &[ObjectId]) -> Dictionary {
    let r = placed.link.rect;
    let (x0, y0) = (r.x + placed.dx, height - r.bottom() - placed.dy);
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Annot".to_vec()));
    dict.set("Subtype", Object::Name(b"Link".to_vec()));
    dict.set(
        "Rect",
        Object::Array(vec![
            Object::Real(x0),
            Object::Real(y0),
            Object::Real(x0 + r.width),
            Object::Real(y0 + r.height),
        ]),
    );
    dict.set("Border", Object::Array(vec![0.into(), 0.into(), 0.into()]));
    dict.set("F", Object::Integer(4));
    let url = &placed.link.url;
    let target =
        url.strip_prefix('#').and_then(|id| laid.outline.iter().chain(&laid.anchors).find(|h| h.id == id));
    let mut action = Dictionary::new();
    let contents = match target {
        Some(heading) => format!("Go to {}", heading.title),
        None => url.clone(),
    };
    dict.set("Contents", text_string(&contents));
    match target.and_then(|t| page_ids.get(t.page).map(|p| (t, *p))) {
        Some((heading, page)) => {
            let page_height = laid.pages.get(heading.page).map_or(0.0, |p| p.height);
            action.set("S", Object::Name(b"GoTo".to_vec()));
            action.set("D", destination(page, page_height - heading.y));
        }
        None => {
            action.set("S", Object::Name(b"URI".to_vec()));
            action.set("URI", Object::String(url.as_bytes().to_vec(), StringFormat::Literal));
        }
    }
    dict.set("A", Object::Dictionary(action));
    dict
}

/// Writes the PDF outline (bookmarks): entries nest by level, each jumps to its heading.
fn add_outline(doc: &mut lopdf::Document, outline: &[OutlineEntry], pages: &[Frame], page_ids: &[ObjectId]) {
    if outline.is_empty() {
        return;
    }
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
            dict.set("Dest", destination(page, frame.height - entry.y));
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
pub(super) fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        return Object::String(text.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// The document id: 16 bytes from two multiply-rotate lanes over the content, eight bytes at
/// a step. Stable, not cryptographic; a byte-at-a-time hash over a sheet's 200 KB of streams
/// cost 4 % of the render.
struct DocumentPrint {
    lanes: [u64; 2],
}

impl Default for DocumentPrint {
    fn default() -> Self {
        DocumentPrint { lanes: [0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4] }
    }
}

impl DocumentPrint {
    fn mix(&mut self, word: u64) {
        self.lanes[0] = (self.lanes[0] ^ word).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
        self.lanes[1] = (self.lanes[1].rotate_left(17) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn feed(&mut self, bytes: &[u8]) {
        let words = bytes.chunks_exact(8);
        let tail = words.remainder();
        for w in words {
            self.mix(u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]));
        }
        let mut last = [0u8; 8];
        last[..tail.len()].copy_from_slice(tail);
        // The length goes in too, so moving bytes between pieces changes the print.
        self.mix(u64::from_le_bytes(last) ^ ((bytes.len() as u64) << 56));
    }

    fn finish(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.lanes[0].to_be_bytes());
        out[8..].copy_from_slice(&self.lanes[1].to_be_bytes());
        out
    }
}

/// 16 bytes from two FNV-1a passes with different offsets: stable, not cryptographic.
fn fingerprint(bytes: &[u8]) -> [u8; 16] {
    let fnv = |seed: u64| bytes.iter().fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&fnv(0xcbf2_9ce4_8422_2325).to_be_bytes());
    out[8..].copy_from_slice(&fnv(0x8422_2325_cbf2_9ce4).to_be_bytes());
    out
}
