//! What a flowchart node shows besides its label, around the layout: before it, the chart as
//! the layout sees it (label-less shapes without labels, fork bars across the flow, pictures
//! sized from their files); after it, the icons and pictures placed in their nodes.
//!
//! Pictures follow the sheet's image rules: a path relative to the source file, read only
//! inside the source's folder; an address on the network is never fetched — a placeholder
//! stands for it, with a warning.

use std::path::Path;

use super::model::{Direction, Flowchart, Media, Shape};
use super::scene::{Item, Scene};
use super::shapes;
use crate::error::{Result, Warning};
use crate::frame::Color;
use crate::image::{is_remote, ImageCache, Picture};
use crate::limits::MAX_DIAGRAM_MEDIA_PX;

/// Where pictures are read from: the image cache of the layout and the source's folder
/// (`None` when the diagram has no source file: local pictures are then placeholders).
pub struct Sources<'s> {
    pub images: &'s mut ImageCache,
    pub folder: Option<&'s Path>,
}

/// Drawn for a picture that is not read.
const PICTURE_PLACEHOLDER: &str = "regular/image";

/// The size of a picture given no `w` or `h`: its own, at most this many pixels a side.
const NATURAL_MAX_PX: f32 = 200.0;

/// The chart as the layout sees it, and the picture of each node (by index) that has one.
pub fn prepare(
    chart: &Flowchart,
    sources: &mut Sources,
    first_line: usize,
    warnings: &mut Vec<Warning>,
) -> Result<(Flowchart, Vec<Option<Picture>>)> {
    let mut laid = chart.clone();
    let mut pictures = vec![None; chart.nodes.len()];
    for (i, (node, picture)) in laid.nodes.iter_mut().zip(pictures.iter_mut()).enumerate() {
        let line = first_line + node.line;
        if !node.shape.shows_label() {
            node.label.clear();
        }
        if let Shape::Fork { .. } = node.shape {
            node.shape = Shape::Fork { vertical: node_direction(chart, i).horizontal() };
        }
        let Some(Media::Image { src, width, height, keep_aspect }) = &node.media else { continue };
        let loaded = load(src, sources, line, warnings)?;
        let natural = loaded.as_ref().map(natural_size);
        let (w, h) = picture_size(natural, *width, *height, *keep_aspect);
        if let Shape::Image { label_top, .. } = node.shape {
            node.shape = Shape::Image { width: px(w), height: px(h), label_top };
        }
        *picture = loaded;
    }
    Ok((laid, pictures))
}

/// The direction of the ranks a node stands in: its innermost subgraph's, else the chart's.
fn node_direction(chart: &Flowchart, node: usize) -> Direction {
    let mut parent = chart.nodes[node].parent;
    while let Some(j) = parent {
        if let Some(d) = chart.subgraphs[j].direction {
            return d;
        }
        parent = chart.subgraphs[j].parent;
    }
    chart.direction
}

/// The picture at `src`, or `None` (with a warning) for a placeholder.
fn load(
    src: &str,
    sources: &mut Sources,
    line: usize,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Picture>> {
    if is_remote(src) {
        warnings.push(Warning {
            line: Some(line),
            message: format!("mermaid: image `{src}` is not fetched (Hanji reads no network): a placeholder stands for it; save the image beside the source to show it"),
        });
        return Ok(None);
    }
    // Without a folder (a service run without `--root`) no local file is read: the image
    // cache says so at the line, as it does for a Markdown image.
    sources.images.load(src, sources.folder, line, warnings).map(Some)
}

/// A picture's own size in mermaid pixels (an SVG's user units count as pixels).
fn natural_size(picture: &Picture) -> (f32, f32) {
    match picture {
        Picture::Vector(d) => (d.width, d.height),
        Picture::Raster(r) => (r.width as f32, r.height as f32),
    }
}

/// The size a picture is drawn at, in mermaid pixels: `w` and `h` as given, the missing one
/// from the picture; with `constraint: on` the height sets the width by the picture's aspect.
fn picture_size(
    natural: Option<(f32, f32)>,
    w: Option<f32>,
    h: Option<f32>,
    keep_aspect: bool,
) -> (f32, f32) {
    let (nw, nh) = match natural {
        Some((nw, nh)) if nw > 0.0 && nh > 0.0 => {
            let k = (NATURAL_MAX_PX / nw.max(nh)).min(1.0);
            (nw * k, nh * k)
        }
        _ => (60.0, 60.0),
    };
    let aspect = nw / nh;
    let (w, h) = match (w, h) {
        (_, Some(h)) if keep_aspect => (h * aspect, h),
        (Some(w), None) if keep_aspect => (w, w / aspect),
        (Some(w), Some(h)) => (w, h),
        (Some(w), None) => (w, nh),
        (None, Some(h)) => (nw, h),
        (None, None) => (nw, nh),
    };
    (w.clamp(1.0, MAX_DIAGRAM_MEDIA_PX), h.clamp(1.0, MAX_DIAGRAM_MEDIA_PX))
}

fn px(v: f32) -> u16 {
    v.round().clamp(1.0, f32::from(u16::MAX)) as u16
}

/// Puts each node's icon or picture into its place in the laid-out `scene`: icons in the
/// node's outline colour, a placeholder where a picture was not read.
pub fn place(chart: &Flowchart, pictures: &[Option<Picture>], scene: &mut Scene, accent: Color, ink: Color) {
    for (i, node) in chart.nodes.iter().enumerate() {
        let Some(media) = &node.media else { continue };
        let Some(placed) = scene.nodes.iter().find(|n| n.id == node.id) else { continue };
        let Some(rect) = shapes::media_rect(node.shape, placed.rect) else { continue };
        let item = match (media, pictures.get(i).cloned().flatten()) {
            (Media::Icon(reference), _) => {
                let name = crate::icons::lookup(&crate::icons::char_for(reference).to_string())
                    .unwrap_or(crate::icons::PLACEHOLDER);
                let color = node.style.text.or(node.style.stroke).unwrap_or(accent);
                Item::Icon { name, rect, color }
            }
            (Media::Image { .. }, Some(picture)) => Item::Picture { picture, rect },
            (Media::Image { .. }, None) => {
                let side = rect.width.min(rect.height) * 0.6;
                let inner = crate::frame::Rect::new(
                    rect.x + (rect.width - side) / 2.0,
                    rect.y + (rect.height - side) / 2.0,
                    side,
                    side,
                );
                Item::Icon { name: PICTURE_PLACEHOLDER, rect: inner, color: ink.tint(0.45) }
            }
        };
        scene.items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picture_sizes_as_mermaid_takes_them() {
        let photo = Some((400.0, 200.0));
        assert_eq!(picture_size(photo, None, None, false), (200.0, 100.0), "natural, at most 200 a side");
        assert_eq!(picture_size(photo, Some(60.0), Some(60.0), false), (60.0, 60.0), "stretched");
        assert_eq!(picture_size(photo, None, Some(60.0), true), (120.0, 60.0), "the height sets the width");
        assert_eq!(picture_size(photo, Some(60.0), None, true), (60.0, 30.0));
        assert_eq!(picture_size(None, None, None, false), (60.0, 60.0), "a placeholder");
        assert_eq!(picture_size(photo, Some(1e9), None, false).0, MAX_DIAGRAM_MEDIA_PX);
    }
}
