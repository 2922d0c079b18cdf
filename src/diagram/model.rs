//! The diagram model: what a mermaid block says, before any measuring or layout.

use crate::frame::Color;

/// A parsed mermaid diagram.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    Flowchart(Flowchart),
    Mindmap(Mindmap),
    Pie(Pie),
    XyChart(XyChart),
}

impl Model {
    pub fn kind(&self) -> &'static str {
        match self {
            Model::Flowchart(_) => "flowchart",
            Model::Mindmap(_) => "mindmap",
            Model::Pie(_) => "pie",
            Model::XyChart(_) => "xychart-beta",
        }
    }
}

/// Which way ranks run: `TB` (= `TD`), `BT`, `LR`, `RL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    TopDown,
    BottomUp,
    LeftRight,
    RightLeft,
}

impl Direction {
    pub fn from_keyword(word: &str) -> Option<Direction> {
        match word {
            "TB" | "TD" | "v" => Some(Direction::TopDown),
            "BT" | "^" => Some(Direction::BottomUp),
            "LR" | ">" => Some(Direction::LeftRight),
            "RL" | "<" => Some(Direction::RightLeft),
            _ => None,
        }
    }

    /// Ranks advance along x (true) or y (false).
    pub fn horizontal(self) -> bool {
        matches!(self, Direction::LeftRight | Direction::RightLeft)
    }
}

/// The outline of a node: the classic bracket shapes, the mind-map shapes and every shape of
/// mermaid 11's `A@{ shape: … }` table (see `parse::shape_names` for their names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `[text]`, `rect`
    Rect,
    /// `(text)`, `rounded`
    Rounded,
    /// `([text])`, `stadium`
    Stadium,
    /// `((text))`, `circle`
    Circle,
    /// `(((text)))`, `dbl-circ`
    DoubleCircle,
    /// `{text}`, `diam`
    Diamond,
    /// `{{text}}`, `hex`
    Hexagon,
    /// `[[text]]`, `fr-rect`
    Subroutine,
    /// `[(text)]`, `cyl`
    Cylinder,
    /// `>text]`, `odd`: a box with a notch on the left.
    Odd,
    /// `[/text/]`, `lean-r`
    LeanRight,
    /// `[\text\]`, `lean-l`
    LeanLeft,
    /// `[/text\]`, `trap-b`
    Trapezoid,
    /// `[\text/]`, `trap-t`
    TrapezoidAlt,
    /// Mind map `))text((`, `bang`
    Bang,
    /// Mind map `)text(`, `cloud`
    Cloud,
    /// Mind map node without brackets: drawn by its depth.
    Plain,
    /// `datastore`: lines above and below, no sides.
    Datastore,
    /// `text`: the label alone.
    Text,
    /// `notch-rect`: a card, its top-left corner cut.
    NotchedRect,
    /// `lin-rect`: a box with a second line inside its left side.
    LinedRect,
    /// `sm-circ`: a small filled circle, no label (a start).
    SmallCircle,
    /// `fr-circ`: a ring around a dot, no label (a stop).
    FramedCircle,
    /// `fork`: a filled bar across the flow, no label; `vertical` in left-right flows.
    Fork { vertical: bool },
    /// `hourglass`: two triangles tip to tip, no label (collate).
    Hourglass,
    /// `brace`: the label with a curly brace on its left (a comment).
    BraceLeft,
    /// `brace-r`: the label with a curly brace on its right.
    BraceRight,
    /// `braces`: the label between curly braces.
    Braces,
    /// `bolt`: a lightning bolt, no label (a communication link).
    Bolt,
    /// `doc`: a sheet with a wavy foot.
    Document,
    /// `delay`: flat on the left, a half circle on the right.
    Delay,
    /// `h-cyl`: a cylinder lying on its side (direct access storage).
    HorizontalCylinder,
    /// `lin-cyl`: a cylinder with a second rim (disk storage).
    LinedCylinder,
    /// `curv-trap`: pointed on the left, round on the right (a display).
    CurvedTrapezoid,
    /// `div-rect`: a box with a band across its top.
    DividedRect,
    /// `tri`: a triangle standing on its base, the label in its foot (extract).
    Triangle,
    /// `win-pane`: a box with a band across its top and down its left (internal storage).
    WindowPane,
    /// `f-circ`: a small filled circle, no label (a junction).
    FilledCircle,
    /// `lin-doc`: a document with a second line inside its left side.
    LinedDocument,
    /// `notch-pent`: a box with its top corners cut (loop limit).
    NotchedPentagon,
    /// `flip-tri`: a triangle on its tip, the label in its top (manual file).
    FlippedTriangle,
    /// `sl-rect`: a box whose top slopes up to the right (manual input).
    SlopedRect,
    /// `docs`: documents stacked.
    StackedDocument,
    /// `st-rect`: boxes stacked (multiple processes).
    StackedRect,
    /// `bow-rect`: round on the left, hollowed on the right (stored data).
    BowTieRect,
    /// `cross-circ`: a circle with a cross, no label (summary).
    CrossedCircle,
    /// `tag-doc`: a document with its lower right corner marked.
    TaggedDocument,
    /// `tag-rect`: a box with its lower right corner marked.
    TaggedRect,
    /// `flag`: wavy at the top and the foot (paper tape).
    PaperTape,
    /// `icon:` node: an icon `size` mermaid pixels high on an optional form, the label above
    /// (`label_top`) or below it.
    Icon { form: IconForm, label_top: bool, size: u16 },
    /// `img:` node: a picture `width` × `height` mermaid pixels, the label above or below it.
    Image { width: u16, height: u16, label_top: bool },
}

/// What an icon node draws behind its icon (`form:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconForm {
    None,
    Square,
    Circle,
    Rounded,
}

impl Shape {
    /// Whether the shape shows its label: mermaid draws the junctions, bars and symbols
    /// (`sm-circ`, `fr-circ`, `f-circ`, `fork`, `hourglass`, `bolt`, `cross-circ`) without one.
    pub fn shows_label(self) -> bool {
        !matches!(
            self,
            Shape::SmallCircle
                | Shape::FramedCircle
                | Shape::FilledCircle
                | Shape::Fork { .. }
                | Shape::Hourglass
                | Shape::Bolt
                | Shape::CrossedCircle
        )
    }
}

/// An icon or a picture a flowchart node shows (`icon:` / `img:` in `@{ … }`).
#[derive(Debug, Clone, PartialEq)]
pub enum Media {
    /// An icon reference as written, e.g. `fa:user`.
    Icon(String),
    /// A picture: the path or URL as written, its size in mermaid pixels when given, and
    /// whether its height sets its width (`constraint: on`).
    Image { src: String, width: Option<f32>, height: Option<f32>, keep_aspect: bool },
}

/// Colours and strokes from `classDef`, `class`, `style` and `:::`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeStyle {
    pub fill: Option<Color>,
    pub stroke: Option<Color>,
    pub text: Option<Color>,
    pub stroke_width: Option<f32>,
    pub dashed: Option<bool>,
    pub bold: Option<bool>,
}

impl NodeStyle {
    /// Lays `other` over `self`: what `other` names wins.
    pub fn overlay(&mut self, other: &NodeStyle) {
        self.fill = other.fill.or(self.fill);
        self.stroke = other.stroke.or(self.stroke);
        self.text = other.text.or(self.text);
        self.stroke_width = other.stroke_width.or(self.stroke_width);
        self.dashed = other.dashed.or(self.dashed);
        self.bold = other.bold.or(self.bold);
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlowNode {
    pub id: String,
    /// Label markup (every label of the model is, see `diagram::markup`): entities decoded,
    /// `<br>` as a line break, a markdown string still in its backticks, icons as `fa:fa-…`.
    pub label: String,
    pub shape: Shape,
    /// The icon or picture of an `icon:` / `img:` node.
    pub media: Option<Media>,
    pub classes: Vec<String>,
    /// The resolved style: `classDef default`, then the classes in order, then `style`.
    pub style: NodeStyle,
    /// Innermost subgraph holding the node.
    pub parent: Option<usize>,
    /// 0-based diagram line of the first mention.
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Solid,
    Dotted,
    Thick,
    Invisible,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    None,
    Arrow,
    Circle,
    Cross,
}

/// An edge end: a node or a whole subgraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    Node(usize),
    Group(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlowEdge {
    pub from: Endpoint,
    pub to: Endpoint,
    pub label: Option<String>,
    pub kind: LineKind,
    pub start: Head,
    pub end: Head,
    /// Ranks the edge spans at least (`--->` is 2).
    pub min_len: usize,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subgraph {
    pub id: String,
    pub title: String,
    pub direction: Option<Direction>,
    pub parent: Option<usize>,
    pub style: NodeStyle,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flowchart {
    pub direction: Direction,
    pub nodes: Vec<FlowNode>,
    pub edges: Vec<FlowEdge>,
    pub subgraphs: Vec<Subgraph>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MindNode {
    pub label: String,
    pub shape: Shape,
    pub children: Vec<MindNode>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mindmap {
    pub root: MindNode,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub label: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pie {
    pub title: Option<String>,
    pub show_data: bool,
    pub slices: Vec<Slice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    Bar,
    Line,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub kind: SeriesKind,
    pub name: Option<String>,
    pub values: Vec<f64>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct XyChart {
    pub title: Option<String>,
    /// Bars run left to right and categories stack down the side.
    pub horizontal: bool,
    pub x_title: Option<String>,
    /// Category names along the x axis (generated from a numeric range if one was given).
    pub categories: Vec<String>,
    pub y_title: Option<String>,
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<Series>,
}
