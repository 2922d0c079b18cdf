//! Local images — Markdown's `![alt](file)` and mermaid's `img:` nodes — relative to the
//! source. SVG becomes vector paths; PNG and JPEG are decoded once and embedded once however
//! often they are used. Nothing outside the source's folder is read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{HanjiError, Result, Warning};
use crate::frame::RasterImage;
use crate::limits::{self, MAX_IMAGE_PIXELS};
use crate::vector::{parse_svg_sandboxed, Drawing};

/// A loaded image, vector or raster.
#[derive(Debug, Clone, PartialEq)]
pub enum Picture {
    Vector(Arc<Drawing>),
    Raster(Arc<RasterImage>),
}

impl Picture {
    /// Width over height.
    pub fn aspect(&self) -> f32 {
        let (w, h) = match self {
            Picture::Vector(d) => (d.width, d.height),
            Picture::Raster(r) => (r.width as f32, r.height as f32),
        };
        if h > 0.0 {
            w / h
        } else {
            1.0
        }
    }
}

/// An address on the network (or inline data): never read, drawn as a placeholder.
pub fn is_remote(src: &str) -> bool {
    src.contains("://") || src.starts_with("data:")
}

/// Images loaded during one layout, by resolved path.
#[derive(Default)]
pub struct ImageCache {
    loaded: BTreeMap<PathBuf, Picture>,
}

impl ImageCache {
    /// Loads `src` (relative to `source_dir`) or gives an error for `line` saying what to do.
    /// An SVG's references to other files are refused, with a warning in `warnings`. Without
    /// a `source_dir` no local file is read: every local image is an error.
    pub fn load(
        &mut self,
        src: &str,
        source_dir: Option<&Path>,
        line: usize,
        warnings: &mut Vec<Warning>,
    ) -> Result<Picture> {
        let fail = |message: String| HanjiError::at(None, line, message);
        if is_remote(src) {
            return Err(fail(format!(
                "image `{src}` is not a local file: Hanji reads no network; save it beside the source"
            )));
        }
        let Some(source_dir) = source_dir else {
            return Err(fail(format!(
                "image `{src}` is a local file, and this render reads no local files: start `hanji serve` with --root DIR and put the image in DIR"
            )));
        };
        let folder = source_dir
            .canonicalize()
            .map_err(|e| fail(format!("cannot open the source's folder {} ({e})", source_dir.display())))?;
        let path = folder.join(src);
        let resolved = path.canonicalize().map_err(|e| {
            fail(format!("image `{src}` cannot be opened ({e}): check the path, relative to the source file"))
        })?;
        if !resolved.starts_with(&folder) {
            return Err(fail(format!(
                "image `{src}` is outside the source's folder: copy it next to the source (nothing outside is read)"
            )));
        }
        if let Some(picture) = self.loaded.get(&resolved) {
            return Ok(picture.clone());
        }
        let bytes = crate::files::read_limited(&resolved, limits::MAX_IMAGE_BYTES, "image", "check the file")
            .map_err(|e| fail(format!("image `{src}`: {}", e.message)))?;
        let unreadable = |why: String| match why.strip_prefix(TOO_LARGE) {
            Some(size) => fail(format!("image `{src}` is {size}")),
            None => fail(format!("image `{src}` cannot be read as an image ({why}): use PNG, JPEG or SVG")),
        };
        let picture = if bytes.starts_with(b"\x89PNG") {
            Picture::Raster(Arc::new(decode_png(&bytes, src).map_err(unreadable)?))
        } else if bytes.starts_with(&[0xFF, 0xD8]) {
            Picture::Raster(Arc::new(decode_jpeg(&bytes, src).map_err(unreadable)?))
        } else if src.to_ascii_lowercase().ends_with(".svg") {
            let (drawing, refused) = parse_svg_sandboxed(&bytes).map_err(unreadable)?;
            if !(drawing.width > 0.0
                && drawing.height > 0.0
                && drawing.width.is_finite()
                && drawing.height.is_finite())
            {
                return Err(unreadable("it has no size".into()));
            }
            for href in refused {
                warnings.push(Warning {
                    line: Some(line),
                    message: format!(
                        "image `{src}` refers to `{href}`, which is not drawn: Hanji opens nothing an SVG points to; draw it into the SVG itself"
                    ),
                });
            }
            Picture::Vector(Arc::new(drawing))
        } else {
            return Err(unreadable("not a PNG, JPEG or SVG file".into()));
        };
        self.loaded.insert(resolved, picture.clone());
        Ok(picture)
    }
}

/// Marks a decoder's error as the size limit, not a broken file.
const TOO_LARGE: &str = "too large: ";

/// Checks an image's size from its header, before any pixel is decoded.
fn check_pixels(width: u32, height: u32) -> std::result::Result<(), String> {
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
        return Err(format!(
            "{TOO_LARGE}{width}×{height} pixels, more than the limit of {} million: scale it down",
            MAX_IMAGE_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

fn decode_png(bytes: &[u8], key: &str) -> std::result::Result<RasterImage, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_pixels(width, height)?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("image too large")?];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let data = &buf[..info.buffer_size()];
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => data.to_vec(),
        png::ColorType::Rgb => data.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        png::ColorType::GrayscaleAlpha => {
            data.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect()
        }
        png::ColorType::Grayscale => data.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => return Err("unexpanded palette".into()),
    };
    Ok(RasterImage { key: key.to_string(), width, height, rgba })
}

fn decode_jpeg(bytes: &[u8], key: &str) -> std::result::Result<RasterImage, String> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(|e| e.to_string())?;
    let info = decoder.info().ok_or("no image information")?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_pixels(width, height)?;
    let pixels = decoder.decode().map_err(|e| e.to_string())?;
    let rgba: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            pixels.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect()
        }
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        jpeg_decoder::PixelFormat::L16 => {
            pixels.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], 255]).collect()
        }
        jpeg_decoder::PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let k = 255 - u32::from(p[3]);
                let c = |v: u8| ((255 - u32::from(v)) * k / 255) as u8;
                [c(p[0]), c(p[1]), c(p[2]), 255]
            })
            .collect(),
    };
    if rgba.len() as u64 != u64::from(width) * u64::from(height) * 4 {
        return Err("truncated pixel data".into());
    }
    Ok(RasterImage { key: key.to_string(), width, height, rgba })
}
