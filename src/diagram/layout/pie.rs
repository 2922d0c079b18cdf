//! Pie layout: the title over a pie whose slices run clockwise from twelve o'clock, their
//! percentages inside the slices that have room, and a legend (with values under
//! `showData`) beside the pie — or under it when the box is narrow.

use super::Env;
use crate::diagram::model::{Pie, Shape};
use crate::diagram::scene::{Item, Pen, Scene};
use crate::frame::{Paint, Point, Rect};

const MIN_RADIUS: f32 = 28.0;
const MAX_RADIUS: f32 = 46.0;
const SWATCH: f32 = 7.0;
const MARGIN: f32 = 3.0;

pub fn layout(pie: &Pie, env: &Env) -> Scene {
    let small = env.size * 0.8;
    let total: f64 = pie.slices.iter().map(|s| s.value).sum();
    let mut legend = Vec::new();
    for s in &pie.slices {
        let text = if pie.show_data { format!("{} [{}]", s.label, number(s.value)) } else { s.label.clone() };
        legend.push(env.label(&text, small, false, env.ink, 110.0, 0));
    }
    let row_gap = 2.5;
    let legend_w = legend.iter().map(|l| l.width).fold(0.0f32, f32::max) + SWATCH + 4.0;
    let legend_h = legend.iter().map(|l| l.height.max(SWATCH)).sum::<f32>()
        + row_gap * legend.len().saturating_sub(1) as f32;
    // As big as the box allows, within reason; the legend beside it when there is room.
    let room = env.max_width - 2.0 * MARGIN;
    let beside = 2.0 * MIN_RADIUS + 14.0 + legend_w <= room;
    let radius =
        (if beside { (room - 14.0 - legend_w) / 2.0 } else { room / 2.0 }).clamp(MIN_RADIUS, MAX_RADIUS);
    let d = 2.0 * radius;
    let title = pie
        .title
        .as_ref()
        .map(|t| env.label(t, env.size * 0.95, true, env.ink, env.max_width.max(60.0) - 8.0, 0));
    let title_h = title.as_ref().map_or(0.0, |t| t.height + 4.0);
    let width = if beside { d + 14.0 + legend_w } else { d.max(legend_w) };

    let mut scene = Scene::default();
    let pie_cx = if beside { radius } else { width / 2.0 };
    let body_h = if beside { d.max(legend_h) } else { d + 8.0 + legend_h };
    let pie_cy = title_h + if beside { body_h / 2.0 } else { radius };
    let center = Point::new(pie_cx, pie_cy);
    let mut angle = 0.0f32;
    let mut percents = Vec::new();
    for (i, s) in pie.slices.iter().enumerate() {
        let share = (s.value / total) as f32;
        let sweep = share * std::f32::consts::TAU;
        if sweep <= 0.0 {
            continue;
        }
        let color = env.series_color(i);
        scene.items.push(Item::Wedge {
            center,
            radius,
            start: angle,
            end: angle + sweep,
            fill: Paint::solid(color.tint(0.35)),
            pen: Some(Pen::new(env.paper, 1.2)),
        });
        if sweep >= 0.45 {
            let mid = angle + sweep / 2.0;
            let text = format!("{}%", number(f64::from(share) * 100.0));
            let label = env.label(&text, small, true, env.ink, 60.0, 0);
            let at = Point::new(center.x + mid.sin() * radius * 0.6, center.y - mid.cos() * radius * 0.6);
            percents.push(Item::Text { top: at.y - label.height / 2.0, cx: at.x, label });
        }
        angle += sweep;
    }
    scene.items.push(Item::Shape {
        shape: Shape::Circle,
        rect: Rect::new(center.x - radius, center.y - radius, d, d),
        fill: None,
        pen: Some(Pen { color: env.ink, alpha: 0.75, width: 1.0, dash: crate::diagram::scene::Dash::Solid }),
    });
    scene.items.extend(percents);
    let (lx, mut ly) = if beside {
        (d + 14.0, title_h + (body_h - legend_h) / 2.0)
    } else {
        ((width - legend_w) / 2.0, title_h + d + 8.0)
    };
    for (i, label) in legend.into_iter().enumerate() {
        let row_h = label.height.max(SWATCH);
        let color = env.series_color(i);
        scene.items.push(Item::Shape {
            shape: Shape::Rect,
            rect: Rect::new(lx, ly + (row_h - SWATCH) / 2.0, SWATCH, SWATCH),
            fill: Some(Paint::solid(color.tint(0.35))),
            pen: Some(Pen::new(color, 0.7)),
        });
        scene.items.push(Item::Text {
            cx: lx + SWATCH + 4.0 + label.width / 2.0,
            top: ly + (row_h - label.height) / 2.0,
            label,
        });
        ly += row_h + row_gap;
    }
    if let Some(title) = title {
        scene.items.push(Item::Text { cx: width / 2.0, top: 0.0, label: title });
    }
    scene.normalize(MARGIN);
    scene
}

/// A number without needless decimals: 95, 4.5, 33.3.
pub fn number(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}
