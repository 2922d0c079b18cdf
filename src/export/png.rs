//! Frame → PNG with tiny-skia: glyph outlines from the same font files at the same shaped
//! positions, and the same paths, so the raster matches the PDF.

use std::collections::HashMap;

use skrifa::outline::OutlinePen;
use tiny_skia::{FillRule, Paint as SkPaint, PathBuilder, Pixmap, Stroke as SkStroke, StrokeDash, Transform};

use crate::error::{HanjiError, Result};
use crate::frame::{walk, Color, Frame, FrameItem, GlyphRun, ImageItem, LineCap, Paint, PathItem, Segment};
use crate::text::fonts::{FontBook, FontId};

/// The most pixels one page may have (about A3 at 1000 dpi): beyond this the memory a raster
/// needs is no longer reasonable.
pub const MAX_PIXELS: u64 = 200_000_000;

/// Glyph positions per pixel.
const SUBPIXELS: f32 = 4.0;

/// Pixel size of a page at `dpi`, as poppler rounds it (up).
pub fn pixel_size(frame: &Frame, dpi: f32) -> (u32, u32) {
    let px = |pt: f32| (pt * dpi / 72.0).ceil().max(1.0) as u32;
    (px(frame.width), px(frame.height))
}

/// Checks that a page can be rasterised at `dpi` before any work is done.
pub fn check_dpi(frame: &Frame, dpi: f32) -> Result<()> {
    if !(dpi.is_finite() && dpi >= 1.0) {
        return Err(HanjiError::new(format!("--dpi {dpi} is not a resolution: use a number such as 150")));
    }
    let (w, h) = pixel_size(frame, dpi);
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        let max_dpi = ((MAX_PIXELS as f32 / (frame.width * frame.height)).sqrt() * 72.0).floor();
        return Err(HanjiError::new(format!(
            "--dpi {dpi} would make a {w}×{h} pixel page; use at most {max_dpi} dpi for this page size"
        )));
    }
    Ok(())
}

/// Draws one page.
pub fn rasterize(frame: &Frame, book: &FontBook, dpi: f32) -> Result<Pixmap> {
    check_dpi(frame, dpi)?;
    let (w, h) = pixel_size(frame, dpi);
    let mut pixmap =
        Pixmap::new(w, h).ok_or_else(|| HanjiError::new(format!("cannot allocate a {w}×{h} pixel page")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let page = Transform::from_scale(dpi / 72.0, dpi / 72.0);
    let mut glyphs = GlyphCache::default();
    walk(&frame.items, 0.0, 0.0, &mut |item, dx, dy| {
        let page = page.pre_translate(dx, dy);
        match item {
            FrameItem::Path(path) => draw_path(&mut pixmap, path, page),
            FrameItem::Text(run) => draw_glyphs(&mut pixmap, run, book, &mut glyphs, page),
            FrameItem::Image(image) => draw_image(&mut pixmap, image, page),
            // Links and the text layer of emoji are not drawn; `walk` opens groups.
            FrameItem::Link(_) | FrameItem::HiddenText(_) | FrameItem::Group(_) => {}
        }
    });
    Ok(pixmap)
}

/// Encodes a page as PNG (RGB, sRGB, with its resolution in pHYs).
pub fn encode(pixmap: &Pixmap, dpi: f32) -> Result<Vec<u8>> {
    let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Fast: a full page at 150 dpi encodes in a few tens of ms and stays reasonably small.
    encoder.set_compression(png::Compression::Fast);
    encoder.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
    let per_metre = (dpi / 0.0254).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let fail = |e: png::EncodingError| HanjiError::new(format!("cannot encode the PNG: {e}"));
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&rgb).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

fn draw_image(pixmap: &mut Pixmap, item: &ImageItem, page: Transform) {
    let image = &item.image;
    let Some(mut source) = Pixmap::new(image.width, image.height) else { return };
    for (out, px) in source.pixels_mut().iter_mut().zip(image.rgba.chunks_exact(4)) {
        let color = tiny_skia::ColorU8::from_rgba(px[0], px[1], px[2], px[3]);
        *out = color.premultiply();
    }
    let transform = page
        .pre_translate(item.rect.x, item.rect.y)
        .pre_scale(item.rect.width / image.width as f32, item.rect.height / image.height as f32);
    let paint = tiny_skia::PixmapPaint { quality: tiny_skia::FilterQuality::Bicubic, ..Default::default() };
    pixmap.draw_pixmap(0, 0, source.as_ref(), &paint, transform, None);
}

fn sk_paint(paint: Paint) -> SkPaint<'static> {
    let mut p = SkPaint::default();
    p.set_color(sk_color(paint.color, paint.alpha));
    p.anti_alias = true;
    p
}

fn sk_color(c: Color, alpha: f32) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba(
        c.r.clamp(0.0, 1.0),
        c.g.clamp(0.0, 1.0),
        c.b.clamp(0.0, 1.0),
        alpha.clamp(0.0, 1.0),
    )
    .unwrap_or(tiny_skia::Color::BLACK)
}

fn build_path(segments: &[Segment]) -> Option<tiny_skia::Path> {
    let mut pb = PathBuilder::new();
    for seg in segments {
        match *seg {
            Segment::MoveTo(p) => pb.move_to(p.x, p.y),
            Segment::LineTo(p) => pb.line_to(p.x, p.y),
            Segment::CubicTo(a, b, c) => pb.cubic_to(a.x, a.y, b.x, b.y, c.x, c.y),
            Segment::Close => pb.close(),
        }
    }
    pb.finish()
}

fn draw_path(pixmap: &mut Pixmap, item: &PathItem, page: Transform) {
    let Some(path) = build_path(&item.segments) else { return };
    if let Some(fill) = item.fill {
        pixmap.fill_path(&path, &sk_paint(fill), FillRule::Winding, page, None);
    }
    if let Some(stroke) = &item.stroke {
        // Like poppler, never draw a stroke thinner than one device pixel: hairlines such as
        // the grid stay visible in small previews.
        let min_width = 1.0 / page.sx;
        let sk = SkStroke {
            width: stroke.width.max(min_width),
            line_cap: match stroke.cap {
                LineCap::Round => tiny_skia::LineCap::Round,
                LineCap::Butt => tiny_skia::LineCap::Butt,
            },
            dash: if stroke.dash.len() >= 2 && stroke.dash.len() % 2 == 0 {
                StrokeDash::new(stroke.dash.clone(), 0.0)
            } else {
                None
            },
            ..SkStroke::default()
        };
        pixmap.stroke_path(&path, &sk_paint(stroke.paint), &sk, page, None);
    }
}

/// Glyph outlines in font units, built once per glyph.
#[derive(Default)]
struct GlyphCache {
    outlines: HashMap<(FontId, u16), Option<tiny_skia::Path>>,
}

struct Outline(PathBuilder);

impl OutlinePen for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

fn draw_glyphs(
    pixmap: &mut Pixmap,
    run: &GlyphRun,
    book: &FontBook,
    cache: &mut GlyphCache,
    page: Transform,
) {
    let font = book.get(run.font);
    let scale = run.size / font.units_per_em;
    let paint = sk_paint(Paint::solid(run.color));
    let bold =
        (run.fake_bold > 0.0).then(|| SkStroke { width: run.fake_bold / scale, ..SkStroke::default() });
    for glyph in &run.glyphs {
        let outline = cache.outlines.entry((run.font, glyph.gid)).or_insert_with(|| {
            let mut builder = Outline(PathBuilder::new());
            font.draw_glyph(glyph.gid, &mut builder)?;
            builder.0.finish()
        });
        let Some(path) = outline else { continue };
        // Glyph origins go to quarter pixels, as poppler places glyphs: the two renderings of
        // a page then agree closely (mean difference 2.6 instead of 3.1 of 255 at 150 dpi).
        let x = ((glyph.x * page.sx + page.tx) * SUBPIXELS).floor() / SUBPIXELS;
        let y = ((glyph.y * page.sy + page.ty) * SUBPIXELS).floor() / SUBPIXELS;
        let px = scale * page.sx;
        // Font units are y-up; the page is y-down.
        let transform = Transform::from_row(px, 0.0, 0.0, -px, x, y);
        pixmap.fill_path(path, &paint, FillRule::Winding, transform, None);
        if let Some(stroke) = &bold {
            pixmap.stroke_path(path, &paint, stroke, transform, None);
        }
    }
}
