//! XY chart layout: a value axis with round ticks and light grid lines, one band per
//! category with its bars (values written at their ends) and line series through the band
//! centres, axis titles, and a legend when series have names. Vertical by default; with
//! `horizontal` the bars run to the right and the categories stack down the side.

use super::pie::number;
use super::Env;
use crate::diagram::label::Label;
use crate::diagram::model::{Head, SeriesKind, Shape, XyChart};
use crate::diagram::scene::{Dash, Item, Pen, Scene};
use crate::frame::{Paint, Point, Rect, Segment};

const MARGIN: f32 = 3.0;
const PLOT_HEIGHT: f32 = 62.0;

/// More ticks than this only happen for ranges too narrow for their float precision.
const MAX_TICKS: usize = 64;

/// Round tick values covering `lo..hi`; with `fixed` the axis keeps exactly `lo..hi`.
pub fn ticks(lo: f64, hi: f64, fixed: bool) -> (f64, f64, Vec<f64>) {
    let span = (hi - lo).max(1e-9);
    let raw = span / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let mut step =
        [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|k| k * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    if fixed {
        // A given range reads best when the ticks divide it evenly (0–50 by 10, not by 20).
        let even = [0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|k| k * mag)
            .filter(|s| {
                let n = span / s;
                (n - n.round()).abs() < 1e-6 && (2.0..=8.0).contains(&n.round())
            })
            .min_by(|a, b| {
                let score = |s: f64| ((span / s) - 4.5).abs();
                score(*a).total_cmp(&score(*b)).then(b.total_cmp(a))
            });
        if let Some(s) = even {
            step = s;
        }
    }
    let (a, b) = if fixed { (lo, hi) } else { ((lo / step).floor() * step, (hi / step).ceil() * step) };
    // Counted, not accumulated: a step below the values' float precision would never advance.
    let first = (a / step).ceil();
    let count = ((b / step + 1e-6).floor() - first + 1.0).clamp(0.0, MAX_TICKS as f64) as usize;
    let out = (0..count)
        .map(|i| (first + i as f64) * step)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect();
    (a, b, out)
}

pub fn layout(chart: &XyChart, env: &Env) -> Scene {
    let small = env.size * 0.8;
    let values = chart.series.iter().flat_map(|s| s.values.iter().copied());
    let (min, max) = values.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi, tick_values) = match chart.y_range {
        Some((lo, hi)) => ticks(lo, hi, true),
        None => ticks(min.min(0.0), max.max(0.0).max(min + 1e-9), false),
    };
    let tick_labels: Vec<Label> =
        tick_values.iter().map(|&v| env.label(&number(v), small * 0.92, false, env.ink, 60.0, 0)).collect();
    let title = chart
        .title
        .as_ref()
        .map(|t| env.label(t, env.size * 0.95, true, env.ink, env.max_width.max(60.0) - 8.0, 0));
    let value_title = chart.y_title.as_ref().map(|t| env.label(t, small, false, env.accent, 160.0, 0));
    let category_title = chart.x_title.as_ref().map(|t| env.label(t, small, false, env.accent, 160.0, 0));
    let bars: Vec<usize> =
        (0..chart.series.len()).filter(|&i| chart.series[i].kind == SeriesKind::Bar).collect();
    let named = chart.series.iter().any(|s| s.name.is_some());
    let mut scene = Scene::default();
    let mut top = 0.0;
    if let Some(t) = &title {
        top += t.height + 3.0;
    }
    if named {
        top += legend(chart, env, small, top, &mut scene) + 3.0;
    }
    let frac = |v: f64| ((v - lo) / (hi - lo)) as f32;
    let n = chart.categories.len().max(1);
    let mut grid = Vec::new();
    let mut body = Vec::new();
    let axis = Pen { color: env.ink, alpha: 0.8, width: 0.9, dash: Dash::Solid };
    let grid_pen = Pen { color: env.ink, alpha: 0.18, width: 0.5, dash: Dash::Dashed };
    let bar_label = |v: f64| env.label(&number(v), small * 0.9, false, env.ink, 60.0, 0);
    let width = if !chart.horizontal {
        let natural: Vec<Label> =
            chart.categories.iter().map(|c| env.label(c, small, false, env.ink, 200.0, 0)).collect();
        let widest = natural.iter().map(|l| l.width).fold(0.0f32, f32::max);
        let tick_w = tick_labels.iter().map(|l| l.width).fold(0.0f32, f32::max);
        let room = (env.max_width - tick_w - 10.0 - 2.0 * MARGIN) / n as f32;
        let band = (widest + 10.0).clamp(28.0, 66.0).min(room.max(20.0));
        let cats: Vec<Label> =
            chart.categories.iter().map(|c| env.label(c, small, false, env.ink, band - 3.0, 0)).collect();
        if let Some(t) = &value_title {
            body.push(Item::Text { cx: t.width / 2.0, top, label: t.clone() });
            top += t.height + 2.0;
        }
        let left = tick_w + 6.0;
        let plot = Rect::new(left, top + 4.0, band * n as f32, PLOT_HEIGHT * env.stretch);
        let y_of = |v: f64| plot.bottom() - frac(v.clamp(lo, hi)) * plot.height;
        for (v, l) in tick_values.iter().zip(&tick_labels) {
            let y = y_of(*v);
            grid.push(line(Point::new(plot.x, y), Point::new(plot.right(), y), grid_pen));
            body.push(line(Point::new(plot.x - 2.5, y), Point::new(plot.x, y), axis));
            body.push(Item::Text {
                cx: plot.x - 4.0 - l.width / 2.0,
                top: y - l.height / 2.0,
                label: l.clone(),
            });
        }
        let base = y_of(0.0f64.clamp(lo, hi));
        let group = band * 0.62;
        for (k, &s) in bars.iter().enumerate() {
            let color = env.series_color(s);
            let bw = group / bars.len() as f32;
            for (i, &v) in chart.series[s].values.iter().enumerate() {
                let x = plot.x + band * i as f32 + (band - group) / 2.0 + bw * k as f32;
                let y = y_of(v);
                let rect = Rect::new(x + 0.6, y.min(base), bw - 1.2, (y - base).abs());
                body.push(bar(rect, color));
                let l = bar_label(v);
                let ty = if v >= 0.0 { rect.y - l.height - 0.5 } else { rect.bottom() + 0.5 };
                body.push(Item::Text { cx: rect.x + rect.width / 2.0, top: ty, label: l });
            }
        }
        for (s, series) in chart.series.iter().enumerate().filter(|(_, s)| s.kind == SeriesKind::Line) {
            let pts: Vec<Point> = series
                .values
                .iter()
                .enumerate()
                .map(|(i, &v)| Point::new(plot.x + band * (i as f32 + 0.5), y_of(v)))
                .collect();
            body.extend(polyline(&pts, env.series_color(s)));
        }
        body.push(line(Point::new(plot.x, plot.y - 3.0), Point::new(plot.x, plot.bottom()), axis));
        body.push(line(Point::new(plot.x, base), Point::new(plot.right() + 3.0, base), axis));
        let mut bottom = plot.bottom() + 3.0;
        let cat_h = cats.iter().map(|l| l.height).fold(0.0f32, f32::max);
        for (i, l) in cats.into_iter().enumerate() {
            body.push(Item::Text { cx: plot.x + band * (i as f32 + 0.5), top: bottom, label: l });
        }
        bottom += cat_h;
        if let Some(t) = &category_title {
            body.push(Item::Text { cx: plot.x + plot.width / 2.0, top: bottom + 1.0, label: t.clone() });
        }
        plot.right() + 4.0
    } else {
        let cats: Vec<Label> =
            chart.categories.iter().map(|c| env.label(c, small, false, env.ink, 90.0, 0)).collect();
        let cat_w = cats.iter().map(|l| l.width).fold(0.0f32, f32::max);
        let band = cats.iter().map(|l| l.height + 5.0).fold(15.0f32, f32::max) * env.stretch;
        if let Some(t) = &category_title {
            body.push(Item::Text { cx: t.width / 2.0, top, label: t.clone() });
            top += t.height + 2.0;
        }
        let left = cat_w + 6.0;
        let widest_value =
            chart.series.iter().flat_map(|s| &s.values).map(|&v| bar_label(v).width).fold(0.0f32, f32::max);
        let plot_w = (env.max_width - left - widest_value - 8.0 - 2.0 * MARGIN).clamp(70.0, 150.0);
        let plot = Rect::new(left, top + 2.0, plot_w, band * n as f32);
        let x_of = |v: f64| plot.x + frac(v.clamp(lo, hi)) * plot.width;
        for (v, l) in tick_values.iter().zip(&tick_labels) {
            let x = x_of(*v);
            grid.push(line(Point::new(x, plot.y), Point::new(x, plot.bottom()), grid_pen));
            body.push(line(Point::new(x, plot.bottom()), Point::new(x, plot.bottom() + 2.5), axis));
            body.push(Item::Text { cx: x, top: plot.bottom() + 3.0, label: l.clone() });
        }
        let base = x_of(0.0f64.clamp(lo, hi));
        let group = band * 0.62;
        for (k, &s) in bars.iter().enumerate() {
            let color = env.series_color(s);
            let bh = group / bars.len() as f32;
            for (i, &v) in chart.series[s].values.iter().enumerate() {
                let y = plot.y + band * i as f32 + (band - group) / 2.0 + bh * k as f32;
                let x = x_of(v);
                let rect = Rect::new(x.min(base), y + 0.6, (x - base).abs(), bh - 1.2);
                body.push(bar(rect, color));
                let l = bar_label(v);
                let cx =
                    if v >= 0.0 { rect.right() + 2.0 + l.width / 2.0 } else { rect.x - 2.0 - l.width / 2.0 };
                body.push(Item::Text { cx, top: rect.y + rect.height / 2.0 - l.height / 2.0, label: l });
            }
        }
        for (s, series) in chart.series.iter().enumerate().filter(|(_, s)| s.kind == SeriesKind::Line) {
            let pts: Vec<Point> = series
                .values
                .iter()
                .enumerate()
                .map(|(i, &v)| Point::new(x_of(v), plot.y + band * (i as f32 + 0.5)))
                .collect();
            body.extend(polyline(&pts, env.series_color(s)));
        }
        body.push(line(Point::new(base, plot.y), Point::new(base, plot.bottom()), axis));
        body.push(line(
            Point::new(plot.x, plot.bottom()),
            Point::new(plot.right() + 3.0, plot.bottom()),
            axis,
        ));
        for (i, l) in cats.into_iter().enumerate() {
            let cy = plot.y + band * (i as f32 + 0.5);
            body.push(Item::Text { cx: plot.x - 4.0 - l.width / 2.0, top: cy - l.height / 2.0, label: l });
        }
        let tick_h = tick_labels.iter().map(|l| l.height).fold(0.0f32, f32::max);
        if let Some(t) = &value_title {
            body.push(Item::Text {
                cx: plot.x + plot.width / 2.0,
                top: plot.bottom() + 3.0 + tick_h + 1.0,
                label: t.clone(),
            });
        }
        plot.right() + widest_value + 6.0
    };
    if let Some(t) = title {
        scene.items.push(Item::Text { cx: width / 2.0, top: 0.0, label: t });
    }
    scene.items.extend(grid);
    scene.items.extend(body);
    scene.normalize(MARGIN);
    scene
}

/// A row of swatches and series names under the title; returns its height.
fn legend(chart: &XyChart, env: &Env, size: f32, top: f32, scene: &mut Scene) -> f32 {
    let mut x = 0.0;
    let mut height: f32 = 0.0;
    for (i, s) in chart.series.iter().enumerate() {
        let name = s.name.clone().unwrap_or_else(|| format!("{}", i + 1));
        let label = env.label(&name, size, false, env.ink, 120.0, s.line);
        let color = env.series_color(i);
        let sw = 7.0;
        let row = label.height.max(sw);
        // Bars get a square, lines a short stroke.
        let swatch = match s.kind {
            SeriesKind::Bar => Rect::new(x, top + (row - sw) / 2.0, sw, sw),
            SeriesKind::Line => Rect::new(x, top + row / 2.0 - 1.0, sw, 2.0),
        };
        scene.items.push(bar(swatch, color));
        scene.items.push(Item::Text {
            cx: x + sw + 3.0 + label.width / 2.0,
            top: top + (row - label.height) / 2.0,
            label: label.clone(),
        });
        x += sw + 3.0 + label.width + 10.0;
        height = height.max(row);
    }
    height
}

fn bar(rect: Rect, color: crate::frame::Color) -> Item {
    Item::Shape {
        shape: Shape::Rect,
        rect,
        fill: Some(Paint::solid(color.tint(0.35))),
        pen: Some(Pen::new(color, 0.9)),
    }
}

fn line(a: Point, b: Point, pen: Pen) -> Item {
    Item::Path {
        segments: vec![Segment::MoveTo(a), Segment::LineTo(b)],
        pen,
        start: Head::None,
        end: Head::None,
    }
}

fn polyline(points: &[Point], color: crate::frame::Color) -> Vec<Item> {
    let mut out = Vec::new();
    if let Some((first, rest)) = points.split_first() {
        let mut segments = vec![Segment::MoveTo(*first)];
        segments.extend(rest.iter().map(|p| Segment::LineTo(*p)));
        out.push(Item::Path { segments, pen: Pen::new(color, 1.4), start: Head::None, end: Head::None });
    }
    for p in points {
        let r = 1.8;
        out.push(Item::Shape {
            shape: Shape::Circle,
            rect: Rect::new(p.x - r, p.y - r, 2.0 * r, 2.0 * r),
            fill: Some(Paint::solid(color)),
            pen: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::ticks;

    #[test]
    fn ticks_stay_few_when_the_range_is_below_float_precision() {
        let (_, _, t) = ticks(1e15, 1e15 + 0.2, true);
        assert!(t.len() <= 64, "{}", t.len());
        let (_, _, t) = ticks(-1e15, 1e15, false);
        assert!((2..=10).contains(&t.len()), "{t:?}");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 100.0, true).2, [0.0, 25.0, 50.0, 75.0, 100.0]);
        let (lo, hi, t) = ticks(-3.0, 17.0, false);
        assert!(lo <= -3.0 && hi >= 17.0, "{lo} {hi}");
        assert_eq!(t, [-5.0, 0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(ticks(0.0, 1.0, false).2, [0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(ticks(0.0, 50.0, true).2, [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(ticks(0.0, 7.0, true).2, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    }
}
