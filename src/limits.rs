//! Every bound Hanji puts on what a source may ask for, in one place. Each keeps a hostile or
//! mistaken input from running away with time, memory or the stack; each is far beyond what a
//! printed page can show, so real notes never meet one. Errors that hit a limit name it (its
//! value and what to do) and the source line.

/// The largest source file (Markdown or JSON) read, in bytes: about a thousand pages of
/// notes, and a bound on the memory layout needs (about 2 kB per list item or paragraph).
pub const MAX_SOURCE_BYTES: u64 = 2 * 1024 * 1024;

/// The largest style file read, in bytes.
pub const MAX_STYLE_BYTES: u64 = 1024 * 1024;

/// Nesting of lists and quotes (Markdown and the JSON model alike).
pub const MAX_BLOCK_DEPTH: usize = 32;

/// Nesting of inline formatting (`**`, `*`, `~~`, links).
pub const MAX_INLINE_DEPTH: usize = 32;

/// Rows of a layout grid (the sheet's or a box's `inner`).
pub const MAX_LAYOUT_ROWS: usize = 64;

/// Boxes in one row of a layout grid.
pub const MAX_BOXES_PER_ROW: usize = 64;

/// Sections and subsections of a document.
pub const MAX_SECTIONS: usize = 2_000;

/// The first number of a numbered list.
pub const MAX_LIST_START: u64 = 999_999_999;

/// Pixels of an embedded PNG or JPEG, read from its header before decoding.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// Size of a raster image file, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Colour emoji in one document: each is drawn as its own vector paths.
pub const MAX_EMOJI: usize = 5_000;

/// Nodes of one diagram (flowchart nodes, mind-map nodes, pie slices, chart categories).
pub const MAX_DIAGRAM_NODES: usize = 500;

/// Edges of one flowchart.
pub const MAX_DIAGRAM_EDGES: usize = 1_000;

/// Subgraphs of one flowchart, and how deep they nest.
pub const MAX_SUBGRAPHS: usize = 100;

/// Depth of a mind map (root = 1) and of nested subgraphs.
pub const MAX_DIAGRAM_DEPTH: usize = 32;

/// The largest icon or picture a flowchart node may ask for with `w:` / `h:`, in mermaid's
/// pixels (larger sizes are taken as this): a node as large as a page is a typing slip.
pub const MAX_DIAGRAM_MEDIA_PX: f32 = 1_000.0;

/// Extra ranks an edge may ask for with extra dashes (`----->`); more are drawn as this many.
pub const MAX_EDGE_SPAN: usize = 8;

/// Values of one chart series, and categories of its x-axis.
pub const MAX_CHART_VALUES: usize = 500;

/// Series (`bar`/`line` lines) of one chart.
pub const MAX_CHART_SERIES: usize = 50;

/// The largest magnitude of a chart value or axis end.
pub const MAX_CHART_VALUE: f64 = 1e15;

/// The largest archive PDF `hanji render` unpacks (its source, style and images inside).
pub const MAX_ARCHIVE_BYTES: u64 = 512 * 1024 * 1024;

/// Length of one TeX formula, in bytes.
pub const MAX_FORMULA_BYTES: usize = 8 * 1024;

/// A code block longer than this (in bytes) is set in one colour, not highlighted: a page
/// shows far less, and highlighting takes about 60 µs a line.
pub const MAX_HIGHLIGHT_BYTES: usize = 64 * 1024;

/// Highlighting stops at a code line longer than this (the rest of its block in one colour):
/// a grammar's patterns are tried at every position of a line.
pub const MAX_HIGHLIGHT_LINE_BYTES: usize = 2_000;

/// Code highlighted in one document, in bytes; blocks past it are set in one colour.
pub const MAX_HIGHLIGHT_TOTAL_BYTES: usize = 256 * 1024;
