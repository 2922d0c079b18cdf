//! The sheet grid: rows and boxes placed exactly to the front matter's ratios, the rest shared
//! by what the content wants.

use crate::frame::Rect;
use crate::model::LayoutRow;

/// A placed box of the grid: its id, area and, if any, its inner grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell<'a> {
    pub id: &'a str,
    pub rect: Rect,
    pub inner: Option<&'a [LayoutRow]>,
    pub line: usize,
    /// Index of the row the box stands in.
    pub row: usize,
}

/// How much each row and each box of a row wants, for the rows without a `height` and the
/// boxes without a `width`: they share what is left in proportion to these.
#[derive(Debug, Clone, Default)]
pub struct Wants {
    pub rows: Vec<f32>,
    pub boxes: Vec<Vec<f32>>,
    /// Rows that take a set share of the height (percent) though the layout gives none: the
    /// title band, which needs its height and no more.
    pub fixed_rows: Vec<Option<f32>>,
}

impl Wants {
    fn row(&self, row: usize) -> f32 {
        self.rows.get(row).copied().filter(|w| *w > 0.0).unwrap_or(1.0)
    }

    fn height(&self, rows: &[LayoutRow], row: usize) -> Option<f32> {
        rows[row].height.or_else(|| self.fixed_rows.get(row).copied().flatten())
    }

    fn cell(&self, row: usize, index: usize) -> f32 {
        self.boxes.get(row).and_then(|r| r.get(index)).copied().filter(|w| *w > 0.0).unwrap_or(1.0)
    }
}

/// Splits `area` into rows and boxes, rows and boxes without a size sharing the rest equally.
pub fn place<'a>(rows: &'a [LayoutRow], area: Rect, gap: f32) -> Vec<Cell<'a>> {
    place_wanted(rows, area, gap, &Wants::default())
}

/// Splits `area` into rows and boxes. Gaps are taken off first, then the ratios apply to what
/// remains, so the boxes are exactly in the given proportions. Rows without a height and boxes
/// without a width share the rest in proportion to `wants`.
pub fn place_wanted<'a>(rows: &'a [LayoutRow], area: Rect, gap: f32, wants: &Wants) -> Vec<Cell<'a>> {
    let given_height: f32 = (0..rows.len()).filter_map(|i| wants.height(rows, i)).sum();
    let auto_rows: Vec<usize> = (0..rows.len()).filter(|&i| wants.height(rows, i).is_none()).collect();
    let auto_want: f32 = auto_rows.iter().map(|&i| wants.row(i)).sum::<f32>().max(f32::EPSILON);
    let total_height = if auto_rows.is_empty() { given_height.max(f32::EPSILON) } else { 100.0 };
    let rest = (100.0 - given_height).max(0.0);
    let usable_height = (area.height - gap * rows.len().saturating_sub(1) as f32).max(0.0);
    let mut cells = Vec::new();
    let mut y = area.y;
    for (row_index, row) in rows.iter().enumerate() {
        let percent =
            wants.height(rows, row_index).unwrap_or_else(|| rest * wants.row(row_index) / auto_want);
        let height = usable_height * percent / total_height;
        let usable_width = (area.width - gap * row.boxes.len().saturating_sub(1) as f32).max(0.0);
        let given: f32 = row.boxes.iter().filter_map(|b| b.width).sum();
        let free_want: f32 = (0..row.boxes.len())
            .filter(|&i| row.boxes[i].width.is_none())
            .map(|i| wants.cell(row_index, i))
            .sum();
        let free = row.boxes.iter().any(|b| b.width.is_none());
        let rest = if free { (100.0 - given).max(0.0) } else { 0.0 };
        let scale = if !free && given > 0.0 { 100.0 / given } else { 1.0 };
        let mut x = area.x;
        for (index, layout_box) in row.boxes.iter().enumerate() {
            let share = rest * wants.cell(row_index, index) / free_want.max(f32::EPSILON);
            let percent = layout_box.width.unwrap_or(share) * scale;
            let width = usable_width * percent / 100.0;
            cells.push(Cell {
                id: &layout_box.id,
                rect: Rect::new(x, y, width, height),
                inner: layout_box.inner.as_deref(),
                line: layout_box.line,
                row: row_index,
            });
            x += width + gap;
        }
        y += height + gap;
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LayoutBox;

    fn row(height: f32, boxes: &[(&str, Option<f32>)]) -> LayoutRow {
        LayoutRow {
            height: Some(height),
            boxes: boxes
                .iter()
                .map(|(id, width)| LayoutBox { id: id.to_string(), width: *width, inner: None, line: 0 })
                .collect(),
            line: 0,
        }
    }

    #[test]
    fn rows_and_boxes_follow_the_ratios_exactly() {
        let rows = vec![
            row(10.0, &[("title", None)]),
            row(20.0, &[("a", None), ("b", None)]),
            row(45.0, &[("flow", Some(50.0)), ("c", None), ("d", None)]),
            row(25.0, &[("e", None), ("f", None), ("g", None)]),
        ];
        let gap = 9.0;
        let area = Rect::new(20.0, 20.0, 800.0, 555.0);
        let cells = place(&rows, area, gap);
        assert_eq!(cells.len(), 9);
        let usable_h = 555.0 - 3.0 * gap;
        let close = |a: f32, b: f32| (a - b).abs() < 0.01;
        assert!(close(cells[0].rect.height, usable_h * 0.10));
        assert!(close(cells[1].rect.height, usable_h * 0.20));
        assert!(close(cells[3].rect.height, usable_h * 0.45));
        assert!(close(cells[6].rect.height, usable_h * 0.25));
        let usable_w3 = 800.0 - 2.0 * gap;
        assert!(close(cells[3].rect.width, usable_w3 * 0.5));
        assert!(close(cells[4].rect.width, usable_w3 * 0.25));
        assert!(close(cells[5].rect.width, usable_w3 * 0.25));
        // The last box of each row ends at the area's right edge, the last row at its bottom.
        for i in [0, 2, 5, 8] {
            assert!(close(cells[i].rect.right(), area.right()), "{i}: {:?}", cells[i].rect);
        }
        assert!(close(cells[8].rect.bottom(), area.bottom()));
        assert!(close(cells[1].rect.x + cells[1].rect.width + gap, cells[2].rect.x));
    }
}
