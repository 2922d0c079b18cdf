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

/// The outline of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `[text]`
    Rect,
    /// `(text)`
    Rounded,
    /// `([text])`
    Stadium,
    /// `((text))`
    Circle,
    /// `(((text)))`
    DoubleCircle,
    /// `{text}`
    Diamond,
    /// `{{text}}`
    Hexagon,
    /// `[[text]]`
    Subroutine,
    /// `[(text)]`
    Cylinder,
    /// `>text]`
    Flag,
    /// `[/text/]`
    LeanRight,
    /// `[\text\]`
    LeanLeft,
    /// `[/text\]`
    Trapezoid,
    /// `[\text/]`
    TrapezoidAlt,
    /// Mind map `))text((`
    Bang,
    /// Mind map `)text(`
    Cloud,
    /// Mind map node without brackets: drawn by its depth.
    Plain,
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
    pub label: String,
    pub shape: Shape,
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
