//! Vector diagrams from mermaid: parse → measure labels with the real fonts → lay out →
//! draw as paths and real, searchable text in the sheet's hand. No browser, no raster.
//!
//! Supported: `flowchart`/`graph`, `mindmap`, `pie`, `xychart-beta` (DESIGN.md §1).

pub mod check;
pub mod describe;
mod draw;
pub mod label;
pub mod layout;
pub mod markup;
pub mod media;
pub mod model;
pub mod parse;
pub mod scene;
pub mod shapes;

use crate::error::{HanjiError, Result, Warning};
use crate::frame::{Color, FrameItem};
use crate::typesetter::Typesetter;
use model::Model;
use scene::Scene;

/// A laid-out diagram at its natural size (scale 1, points), ready to draw at any scale.
#[derive(Debug, Clone)]
pub struct Diagram {
    model: Model,
    scene: Scene,
    /// Smallest label size; with the style's minimum it bounds the scale.
    smallest_text: f32,
    min_size: f32,
    seed: String,
}

/// Parses a mermaid block and lays it out within `max_width`. `first_line` is the file line
/// of the first diagram line; errors and warnings point into the file.
pub fn build(
    ctx: &mut Typesetter,
    source: &str,
    first_line: usize,
    accent: Color,
    max_width: f32,
) -> Result<Diagram> {
    build_stretched(ctx, source, first_line, accent, max_width, 1.0)
}

/// [`build`] with its spacing (flowchart ranks and node gaps, chart plots) `stretch` times
/// the natural: a diagram whose labels reached their largest size takes its box's room so.
pub fn build_stretched(
    ctx: &mut Typesetter,
    source: &str,
    first_line: usize,
    accent: Color,
    max_width: f32,
    stretch: f32,
) -> Result<Diagram> {
    let mut images = crate::image::ImageCache::default();
    let mut sources = media::Sources { images: &mut images, folder: None };
    build_from(ctx, &mut sources, source, first_line, accent, max_width, stretch)
}

/// [`build_stretched`] reading a flowchart's pictures (`img:`) through `sources`.
pub fn build_from(
    ctx: &mut Typesetter,
    sources: &mut media::Sources,
    source: &str,
    first_line: usize,
    accent: Color,
    max_width: f32,
    stretch: f32,
) -> Result<Diagram> {
    let mut notes = Vec::new();
    let model = parse::parse(source, &mut notes).map_err(|e| {
        HanjiError::at(
            None,
            first_line + e.line,
            format!("mermaid line {}, column {}: {}", e.line + 1, e.column, e.message),
        )
    })?;
    let prepared = match &model {
        Model::Flowchart(chart) => Some(media::prepare(chart, sources, first_line, &mut ctx.warnings)?),
        _ => None,
    };
    let measurer = label::Measurer { ctx: &*ctx, accent };
    let env =
        layout::Env { stretch, ..layout::Env::new(&measurer, ctx.style, accent, max_width, first_line) };
    let scene = match (&model, &prepared) {
        (Model::Flowchart(_), Some((chart, pictures))) => {
            let mut scene = layout::flowchart::layout(chart, &env, &mut notes);
            media::place(chart, pictures, &mut scene, accent, env.ink);
            scene
        }
        (Model::Flowchart(chart), None) => layout::flowchart::layout(chart, &env, &mut notes),
        (Model::Mindmap(map), _) => layout::mindmap::layout(map, &env),
        (Model::Pie(pie), _) => layout::pie::layout(pie, &env),
        (Model::XyChart(chart), _) => layout::xychart::layout(chart, &env),
    };
    for note in notes {
        ctx.warnings.push(Warning {
            line: Some(first_line + note.line),
            message: format!("mermaid: {}", note.message),
        });
    }
    let smallest_text = scene.smallest_text().unwrap_or(ctx.style.text.size);
    Ok(Diagram { model, scene, smallest_text, min_size: ctx.style.text.min_size, seed: seed(source) })
}

/// The pictures a mermaid block's `img:` nodes name, as written (for the files a render
/// reads); nothing for a block that does not parse.
pub fn image_sources(source: &str) -> Vec<String> {
    // Pictures are named only in node data, which opens with `@{`: most diagrams have none
    // and need not be parsed twice.
    if !source.contains("@{") {
        return Vec::new();
    }
    match parse::parse(source, &mut Vec::new()) {
        Ok(Model::Flowchart(chart)) => chart
            .nodes
            .iter()
            .filter_map(|n| match &n.media {
                Some(model::Media::Image { src, .. }) => Some(src.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a diagram's layout depends on besides the style: source, line, accent and width.
pub type CacheKey = (String, usize, [u32; 3], u32, u32);

/// Diagrams built during one layout: fitting a box lays it out at several scales, and a
/// diagram's natural layout does not depend on the scale, so it is built once.
pub type Cache = std::collections::BTreeMap<CacheKey, std::rc::Rc<Diagram>>;

/// [`build`], once per source, line, accent and width within a layout; pictures are read
/// through `sources`.
#[allow(clippy::too_many_arguments)]
pub fn build_cached(
    ctx: &mut Typesetter,
    sources: &mut media::Sources,
    cache: &mut Cache,
    source: &str,
    first_line: usize,
    accent: Color,
    max_width: f32,
    stretch: f32,
) -> Result<std::rc::Rc<Diagram>> {
    let key = (
        source.to_string(),
        first_line,
        [accent.r, accent.g, accent.b].map(f32::to_bits),
        max_width.to_bits(),
        stretch.to_bits(),
    );
    if let Some(diagram) = cache.get(&key) {
        return Ok(std::rc::Rc::clone(diagram));
    }
    let diagram = std::rc::Rc::new(build_from(ctx, sources, source, first_line, accent, max_width, stretch)?);
    cache.insert(key, std::rc::Rc::clone(&diagram));
    Ok(diagram)
}

/// A stable key for the hand-drawn wobble: the same source always draws the same lines.
fn seed(source: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in source.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("mermaid{hash:016x}")
}

impl Diagram {
    /// Natural width and height in points.
    pub fn size(&self) -> (f32, f32) {
        (self.scene.width, self.scene.height)
    }

    /// The smallest scale that keeps every label at or above the style's minimum text size.
    pub fn min_scale(&self) -> f32 {
        (self.min_size / self.smallest_text).min(1.0)
    }

    /// The diagram type, as mermaid names it.
    pub fn kind(&self) -> &'static str {
        self.model.kind()
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// A short text alternative (tagged PDF `/Alt`): Korean when `lang` starts with `ko`.
    pub fn describe(&self, lang: &str) -> String {
        describe::describe(&self.model, lang)
    }

    /// The laid-out geometry at scale 1 (for checks and tests).
    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    /// Draws the diagram with its top-left corner at (`x`, `y`).
    pub fn draw(&self, ctx: &mut Typesetter, x: f32, y: f32, scale: f32, out: &mut Vec<FrameItem>) {
        draw::draw(&self.scene, ctx, x, y, scale, &self.seed, out);
    }
}
