//! A TrueType subsetter for PDF embedding: keeps the requested glyphs (and the components of
//! composite glyphs), renumbered in order, with the tables a PDF reader needs.
//!
//! Written by hand because the general-purpose subsetter parses every glyph of the font first:
//! for a 20,000-glyph Hangul font that was a quarter of the render time; this one only touches
//! the glyphs it keeps.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// Tables copied as they are (hinting programs, names, metrics the reader may consult).
const COPIED: &[&[u8; 4]] = &[b"OS/2", b"cvt ", b"fpgm", b"name", b"prep"];

/// A subset font: its bytes and, per original glyph id, the new one.
pub struct SubsetFont {
    pub bytes: Vec<u8>,
    pub new_gid: BTreeMap<u16, u16>,
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The tables of a font file, by tag.
fn tables(font: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
    let count = usize::from(u16_at(font, 4)?);
    let mut out = BTreeMap::new();
    for i in 0..count {
        let record = 12 + 16 * i;
        let tag: [u8; 4] = font.get(record..record + 4)?.try_into().ok()?;
        let offset = u32_at(font, record + 8)? as usize;
        let length = u32_at(font, record + 12)? as usize;
        out.insert(tag, font.get(offset..offset.checked_add(length)?)?);
    }
    Some(out)
}

/// Subsets a TrueType (glyf) font to `glyphs`; glyph 0 (.notdef) always comes first. `None`
/// when the font is not a TrueType font this code understands.
pub fn subset(font: &[u8], glyphs: &[u16]) -> Option<SubsetFont> {
    let tables = tables(font)?;
    let head = *tables.get(b"head")?;
    let hhea = *tables.get(b"hhea")?;
    let maxp = *tables.get(b"maxp")?;
    let hmtx = *tables.get(b"hmtx")?;
    let loca = *tables.get(b"loca")?;
    let glyf = *tables.get(b"glyf")?;
    let long_loca = u16_at(head, 50)? == 1;
    let num_glyphs = u16_at(maxp, 4)?;
    let metrics = u16_at(hhea, 34)?.max(1);
    let glyph_range = |gid: u16| -> Option<(usize, usize)> {
        let g = usize::from(gid);
        if long_loca {
            Some((u32_at(loca, 4 * g)? as usize, u32_at(loca, 4 * g + 4)? as usize))
        } else {
            Some((usize::from(u16_at(loca, 2 * g)?) * 2, usize::from(u16_at(loca, 2 * g + 2)?) * 2))
        }
    };

    // New order: .notdef, the requested glyphs, then components as composites need them.
    let mut order: Vec<u16> = vec![0];
    let mut new_gid: BTreeMap<u16, u16> = BTreeMap::from([(0, 0)]);
    for &g in glyphs {
        if g < num_glyphs && !new_gid.contains_key(&g) {
            new_gid.insert(g, order.len() as u16);
            order.push(g);
        }
    }
    // Room for the glyphs asked for, each padded to four bytes; components of composite
    // glyphs, seldom many, may add to it.
    let wanted: usize =
        order.iter().filter_map(|&g| glyph_range(g)).map(|(start, end)| end.saturating_sub(start) + 3).sum();
    let mut new_glyf = Vec::with_capacity(wanted);
    let mut new_loca: Vec<u32> = Vec::with_capacity(order.len() + 1);
    let mut i = 0;
    while i < order.len() {
        let (start, end) = glyph_range(order[i])?;
        let data = glyf.get(start..end.max(start))?;
        let at = new_glyf.len();
        new_loca.push(at as u32);
        new_glyf.extend_from_slice(data);
        if data.len() >= 10 && i16::from_be_bytes([data[0], data[1]]) < 0 {
            remap_components(&mut new_glyf[at..], &mut order, &mut new_gid, num_glyphs)?;
        }
        new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
        i += 1;
    }
    new_loca.push(new_glyf.len() as u32);
    let count = order.len() as u16;

    let mut new_hmtx = Vec::with_capacity(order.len() * 4);
    for &g in &order {
        let (advance, lsb) = if g < metrics {
            (u16_at(hmtx, 4 * usize::from(g))?, u16_at(hmtx, 4 * usize::from(g) + 2)?)
        } else {
            let last = 4 * usize::from(metrics - 1);
            (u16_at(hmtx, last)?, u16_at(hmtx, 4 * usize::from(metrics) + 2 * usize::from(g - metrics))?)
        };
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
    }

    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.copy_from_slice(&[0; 4]); // checkSumAdjustment, set below
    new_head.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes()); // long loca
    let mut new_hhea = hhea.to_vec();
    new_hhea.get_mut(34..36)?.copy_from_slice(&count.to_be_bytes());
    let mut new_maxp = maxp.to_vec();
    new_maxp.get_mut(4..6)?.copy_from_slice(&count.to_be_bytes());
    let loca_bytes: Vec<u8> = new_loca.iter().flat_map(|o| o.to_be_bytes()).collect();

    // Tables copied as they are stay borrowed from the font until the subset is written.
    let mut out_tables: BTreeMap<[u8; 4], Cow<[u8]>> = BTreeMap::new();
    out_tables.insert(*b"head", new_head.into());
    out_tables.insert(*b"hhea", new_hhea.into());
    out_tables.insert(*b"maxp", new_maxp.into());
    out_tables.insert(*b"hmtx", new_hmtx.into());
    out_tables.insert(*b"loca", loca_bytes.into());
    out_tables.insert(*b"glyf", new_glyf.into());
    out_tables.insert(*b"cmap", empty_cmap().into());
    if let Some(post) = tables.get(b"post") {
        // Version 3: no glyph names (they no longer match the glyph ids).
        let mut post = post.get(..32)?.to_vec();
        post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        out_tables.insert(*b"post", post.into());
    }
    for tag in COPIED {
        if let Some(table) = tables.get(*tag) {
            out_tables.insert(**tag, Cow::Borrowed(*table));
        }
    }
    Some(SubsetFont { bytes: write_font(&out_tables), new_gid })
}

/// Rewrites the component glyph ids of a composite glyph, queueing new components.
fn remap_components(
    data: &mut [u8],
    order: &mut Vec<u16>,
    new_gid: &mut BTreeMap<u16, u16>,
    num_glyphs: u16,
) -> Option<()> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const HAVE_XY_SCALE: u16 = 0x0040;
    const HAVE_2X2: u16 = 0x0080;
    let mut at = 10;
    loop {
        let flags = u16_at(data, at)?;
        let component = u16_at(data, at + 2)?;
        if component >= num_glyphs {
            return None;
        }
        let id = *new_gid.entry(component).or_insert_with(|| {
            order.push(component);
            (order.len() - 1) as u16
        });
        data.get_mut(at + 2..at + 4)?.copy_from_slice(&id.to_be_bytes());
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAVE_SCALE != 0 {
            2
        } else if flags & HAVE_XY_SCALE != 0 {
            4
        } else if flags & HAVE_2X2 != 0 {
            8
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            return Some(());
        }
    }
}

/// A cmap with no mappings: the PDF addresses glyphs by id (Identity-H) and finds the text in
/// its ToUnicode map, so the subset needs no character map of its own.
fn empty_cmap() -> Vec<u8> {
    let mut t = Vec::new();
    for v in [0u16, 1, 3, 1] {
        t.extend_from_slice(&v.to_be_bytes());
    }
    t.extend_from_slice(&12u32.to_be_bytes());
    // Format 4 with the one required final segment.
    for v in [4u16, 32, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0] {
        t.extend_from_slice(&v.to_be_bytes());
    }
    t
}

fn checksum(data: &[u8]) -> u32 {
    let words = data.chunks_exact(4);
    let rest = words.remainder();
    let mut sum = words.fold(0u32, |sum, w| sum.wrapping_add(u32::from_be_bytes([w[0], w[1], w[2], w[3]])));
    if !rest.is_empty() {
        let mut last = [0u8; 4];
        last[..rest.len()].copy_from_slice(rest);
        sum = sum.wrapping_add(u32::from_be_bytes(last));
    }
    sum
}

/// Writes an sfnt file: offset table, table records sorted by tag, 4-byte aligned tables,
/// checksums and the head table's checksum adjustment.
fn write_font(tables: &BTreeMap<[u8; 4], Cow<[u8]>>) -> Vec<u8> {
    let count = tables.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros() as u16).min(15);
    let search_range = power * 16;
    let size = 12 + 16 * tables.len() + tables.values().map(|t| t.len().next_multiple_of(4)).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [count, search_range, power.trailing_zeros() as u16, count * 16 - search_range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_offset = None;
    for (tag, data) in tables {
        if tag == b"head" {
            head_offset = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for data in tables.values() {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_offset {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fonts::EMBEDDED_FONTS;
    use skrifa::instance::{LocationRef, Size};
    use skrifa::metrics::GlyphMetrics;
    use skrifa::outline::pen::PathElement;
    use skrifa::raw::TableProvider;
    use skrifa::{FontRef, GlyphId, MetadataProvider};

    #[test]
    fn checksums_add_big_endian_words_and_pad_the_last() {
        assert_eq!(checksum(&[]), 0);
        assert_eq!(checksum(&[0, 0, 1, 2, 0, 0, 0, 3]), 0x0102 + 3);
        assert_eq!(checksum(&[0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2]), 1, "wraps");
        assert_eq!(checksum(&[0, 0, 0, 1, 0xAB]), 1 + 0xAB00_0000, "the tail counts as a padded word");
    }

    fn font(name: &str) -> &'static [u8] {
        EMBEDDED_FONTS.iter().find(|(n, _)| *n == name).unwrap().1
    }

    fn metrics<'a>(font: &FontRef<'a>) -> GlyphMetrics<'a> {
        font.glyph_metrics(Size::unscaled(), LocationRef::default())
    }

    /// The glyph's outline as path commands in font units; composites fail to draw when a
    /// component is missing.
    fn outline(font: &FontRef, gid: u16) -> Vec<PathElement> {
        let glyph = font.outline_glyphs().get(GlyphId::from(gid)).expect("the glyph has an outline");
        let mut path = Vec::new();
        glyph.draw((Size::unscaled(), LocationRef::default()), &mut path).expect("the outline draws");
        path
    }

    fn glyph_count(font: &FontRef) -> u16 {
        font.maxp().expect("maxp").num_glyphs()
    }

    #[test]
    fn kept_glyphs_have_the_same_outlines_and_advances() {
        let data = font("NanumPen.ttf");
        let original = FontRef::new(data).unwrap();
        let charmap = original.charmap();
        let gids: Vec<u16> =
            "베이스 모델 Base".chars().map(|c| charmap.map(c).unwrap().to_u32() as u16).collect();
        let sub = subset(data, &gids).unwrap();
        let face = FontRef::new(&sub.bytes).expect("the subset parses");
        assert!(glyph_count(&face) as usize <= gids.len() + 1);
        let (before, after) = (metrics(&original), metrics(&face));
        for &g in &gids {
            let new = sub.new_gid[&g];
            assert_eq!(after.advance_width(GlyphId::from(new)), before.advance_width(GlyphId::from(g)));
            assert_eq!(after.bounds(GlyphId::from(new)), before.bounds(GlyphId::from(g)));
            assert_eq!(outline(&face, new), outline(&original, g));
        }
        assert!(sub.bytes.len() < 60_000, "{} bytes", sub.bytes.len());
    }

    #[test]
    fn composite_glyphs_bring_their_components() {
        let data = font("DejaVuSans.ttf");
        let original = FontRef::new(data).unwrap();
        // Accented letters are composites in DejaVu Sans.
        let e_acute = original.charmap().map('é').unwrap().to_u32() as u16;
        let sub = subset(data, &[e_acute]).unwrap();
        let face = FontRef::new(&sub.bytes).unwrap();
        assert!(glyph_count(&face) > 2, "é needs e and the accent too");
        let new = sub.new_gid[&e_acute];
        assert_eq!(outline(&face, new), outline(&original, e_acute));
        assert!(!outline(&face, new).is_empty());
    }
}
