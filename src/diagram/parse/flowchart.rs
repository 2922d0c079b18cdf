//! Flowchart (`flowchart` / `graph`): statements separated by lines or `;` — node chains
//! with `&`, edges with labels, subgraphs, `direction`, `classDef`, `class`, `style`, `:::`.

use std::collections::{BTreeMap, BTreeSet};

use super::{clean_label, css_color, node_data, shape_names, Note, PResult, Scanner, SrcLine};
use crate::diagram::model::{
    Direction, Endpoint, FlowEdge, FlowNode, Flowchart, Head, IconForm, LineKind, Media, NodeStyle, Shape,
    Subgraph,
};
use crate::limits;

pub fn parse(header: &mut Scanner, lines: &[SrcLine], notes: &mut Vec<Note>) -> PResult<Flowchart> {
    let mut b = Builder::default();
    header.skip_ws();
    if !header.at_end() && header.peek() != Some(';') {
        let column = header.column();
        let word = header.take_while(|c| !c.is_whitespace() && c != ';');
        b.direction = Direction::from_keyword(&word).ok_or_else(|| {
            header.error_at(column, format!("expected a direction (TB, TD, BT, LR or RL), found `{word}`"))
        })?;
    }
    b.statements(header)?;
    for line in lines {
        let mut s = Scanner::new(&line.text, line.index);
        b.statements(&mut s)?;
    }
    notes.append(&mut b.notes);
    if let Some(&(sub, line, column)) = b.open.last() {
        return Err(super::ParseError {
            line,
            column,
            message: format!(
                "subgraph `{}` is not closed: expected `end` after its last line",
                b.subgraphs[sub].sub.id
            ),
        });
    }
    Ok(b.finish(notes))
}

#[derive(Default)]
struct NodeDraft {
    id: String,
    label: Option<String>,
    shape: Option<Shape>,
    media: Option<Media>,
    classes: Vec<(String, usize)>,
    parent: Option<usize>,
    line: usize,
}

struct EdgeDraft {
    from: usize,
    to: usize,
    spec: EdgeSpec,
    line: usize,
}

#[derive(Clone)]
struct EdgeSpec {
    kind: LineKind,
    start: Head,
    end: Head,
    min_len: usize,
    label: Option<String>,
}

struct SubDraft {
    sub: Subgraph,
    classes: Vec<String>,
    mentions: Vec<usize>,
}

/// Class and style assignments by id, resolved when every node is known.
struct Assignment {
    id: String,
    class: Option<String>,
    style: NodeStyle,
    line: usize,
}

struct Builder {
    direction: Direction,
    nodes: Vec<NodeDraft>,
    index: BTreeMap<String, usize>,
    edges: Vec<EdgeDraft>,
    subgraphs: Vec<SubDraft>,
    /// Open subgraphs: index, line and column of `subgraph`.
    open: Vec<(usize, usize, usize)>,
    class_defs: BTreeMap<String, NodeStyle>,
    assignments: Vec<Assignment>,
    /// Edge ids (`A e1@--> B`), so `e1@{ … }` is known for an edge's data.
    edge_ids: BTreeSet<String>,
    notes: Vec<Note>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            direction: Direction::TopDown,
            nodes: Vec::new(),
            index: BTreeMap::new(),
            edges: Vec::new(),
            subgraphs: Vec::new(),
            open: Vec::new(),
            class_defs: BTreeMap::new(),
            assignments: Vec::new(),
            edge_ids: BTreeSet::new(),
            notes: Vec::new(),
        }
    }
}

fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Builder {
    /// All statements of one line.
    fn statements(&mut self, s: &mut Scanner) -> PResult<()> {
        loop {
            s.skip_ws();
            if s.at_end() {
                return Ok(());
            }
            if s.eat(";") {
                continue;
            }
            self.statement(s)?;
            s.skip_ws();
            if !s.at_end() && !s.eat(";") {
                return Err(s.error(format!(
                    "unexpected `{}`: expected an edge such as `-->`, `&`, `;` or the end of the line",
                    s.peek().unwrap_or(' ')
                )));
            }
        }
    }

    fn statement(&mut self, s: &mut Scanner) -> PResult<()> {
        let column = s.column();
        if s.eat_keyword("subgraph") {
            return self.subgraph(s, column);
        }
        if s.eat_keyword("end") {
            let Some((sub, _, _)) = self.open.pop() else {
                return Err(s.error_at(column, "unexpected `end`: no subgraph is open"));
            };
            let mentions = std::mem::take(&mut self.subgraphs[sub].mentions);
            for node in mentions {
                if self.nodes[node].parent.is_none() {
                    self.nodes[node].parent = Some(sub);
                }
            }
            return Ok(());
        }
        if s.eat_keyword("direction") {
            s.skip_ws();
            let at = s.column();
            let word = s.take_while(|c| !c.is_whitespace() && c != ';');
            let dir = Direction::from_keyword(&word).ok_or_else(|| {
                s.error_at(at, format!("expected a direction (TB, TD, BT, LR or RL), found `{word}`"))
            })?;
            match self.open.last() {
                Some(&(sub, _, _)) => self.subgraphs[sub].sub.direction = Some(dir),
                None => self.direction = dir,
            }
            return Ok(());
        }
        if s.eat_keyword("classDef") {
            s.skip_ws();
            let names = s.take_while(|c| !c.is_whitespace() && c != ';');
            if names.is_empty() {
                return Err(s.error("expected a class name after `classDef`"));
            }
            let style = properties(s)?;
            for name in names.split(',').filter(|n| !n.is_empty()) {
                self.class_defs.entry(name.to_string()).or_default().overlay(&style);
            }
            return Ok(());
        }
        if s.eat_keyword("class") {
            s.skip_ws();
            let ids = s.take_while(|c| !c.is_whitespace() && c != ';');
            s.skip_ws();
            let class = s.take_while(|c| !c.is_whitespace() && c != ';');
            if ids.is_empty() || class.is_empty() {
                return Err(s.error("expected `class <ids> <className>`, e.g. `class A,B important`"));
            }
            for id in ids.split(',').filter(|i| !i.is_empty()) {
                self.assignments.push(Assignment {
                    id: id.to_string(),
                    class: Some(class.clone()),
                    style: NodeStyle::default(),
                    line: s.line,
                });
            }
            return Ok(());
        }
        if s.eat_keyword("style") {
            s.skip_ws();
            let id = s.take_while(|c| !c.is_whitespace() && c != ';');
            if id.is_empty() {
                return Err(s.error("expected a node id after `style`"));
            }
            let style = properties(s)?;
            self.assignments.push(Assignment { id, class: None, style, line: s.line });
            return Ok(());
        }
        if let Some(id) = self.edge_data_id(s) {
            s.eat(&id);
            let pairs = node_data::read(s)?;
            for (key, _) in pairs {
                if !node_data::EDGE_KEYS.contains(&key.as_str()) {
                    self.note(
                        s.line,
                        format!(
                            "edge `{id}` has no key `{key}`: it is ignored (edges take {})",
                            node_data::EDGE_KEYS.join(", ")
                        ),
                    );
                }
            }
            return Ok(());
        }
        for ignored in ["linkStyle", "click", "accTitle", "accDescr"] {
            if s.starts_with(ignored) {
                s.take_while(|c| c != ';');
                return Ok(());
            }
        }
        self.chain(s)
    }

    fn subgraph(&mut self, s: &mut Scanner, column: usize) -> PResult<()> {
        s.skip_ws();
        let (id, title) = if s.peek() == Some('"') {
            let title = clean_label(&s.quoted()?);
            (title.clone(), title)
        } else {
            let id = s.take_while(|c| !c.is_whitespace() && c != '[' && c != ';');
            if id.is_empty() {
                return Err(s.error("expected a subgraph id or title after `subgraph`"));
            }
            s.skip_ws();
            if s.peek() == Some('[') {
                let open = s.column();
                s.bump();
                s.skip_ws();
                let title = if s.peek() == Some('"') {
                    let t = s.quoted()?;
                    s.skip_ws();
                    t
                } else {
                    s.take_while(|c| c != ']')
                };
                if !s.eat("]") {
                    return Err(
                        s.error(format!("expected `]` to close the subgraph title opened at column {open}"))
                    );
                }
                (id, clean_label(&title))
            } else {
                let more = s.take_while(|c| c != ';');
                let title = if more.trim().is_empty() { id } else { format!("{id} {}", more.trim()) };
                (title.clone(), clean_label(&title))
            }
        };
        if self.subgraphs.iter().any(|d| d.sub.id == id) {
            return Err(s.error_at(
                column,
                format!("subgraph `{id}` is defined twice: give each subgraph its own id"),
            ));
        }
        if self.subgraphs.len() >= limits::MAX_SUBGRAPHS {
            return Err(s.error_at(
                column,
                format!(
                    "more than {} subgraphs, the limit for one diagram: split the diagram",
                    limits::MAX_SUBGRAPHS
                ),
            ));
        }
        if self.open.len() >= limits::MAX_DIAGRAM_DEPTH {
            return Err(s.error_at(
                column,
                format!(
                    "subgraphs nest deeper than {} levels, the limit: flatten them",
                    limits::MAX_DIAGRAM_DEPTH
                ),
            ));
        }
        let parent = self.open.last().map(|o| o.0);
        self.subgraphs.push(SubDraft {
            sub: Subgraph { id, title, direction: None, parent, style: NodeStyle::default(), line: s.line },
            classes: Vec::new(),
            mentions: Vec::new(),
        });
        self.open.push((self.subgraphs.len() - 1, s.line, column));
        Ok(())
    }

    /// `A --> B & C -- text --> D …`
    fn chain(&mut self, s: &mut Scanner) -> PResult<()> {
        let mut left = self.group(s)?;
        loop {
            s.skip_ws();
            if s.at_end() || s.peek() == Some(';') {
                return Ok(());
            }
            if let Some(id) = edge_id(s) {
                self.edge_ids.insert(id);
            }
            let spec = edge(s)?;
            s.skip_ws();
            if s.at_end() {
                return Err(s.error("expected a node after the edge"));
            }
            let right = self.group(s)?;
            if self.edges.len() + left.len() * right.len() > limits::MAX_DIAGRAM_EDGES {
                return Err(s.error(format!(
                    "more than {} edges, the limit for one diagram: split the diagram or link fewer nodes with `&`",
                    limits::MAX_DIAGRAM_EDGES
                )));
            }
            for &a in &left {
                for &b in &right {
                    self.edges.push(EdgeDraft { from: a, to: b, spec: spec.clone(), line: s.line });
                }
            }
            left = right;
        }
    }

    /// `A & B & C`
    fn group(&mut self, s: &mut Scanner) -> PResult<Vec<usize>> {
        let mut nodes = vec![self.node(s)?];
        loop {
            s.skip_ws();
            if !s.eat("&") {
                return Ok(nodes);
            }
            s.skip_ws();
            nodes.push(self.node(s)?);
        }
    }

    fn node(&mut self, s: &mut Scanner) -> PResult<usize> {
        let mut id = String::new();
        while let Some(c) = s.peek() {
            let inner_dash = c == '-' && !id.is_empty() && s.peek_at(1).is_some_and(is_id_char);
            if is_id_char(c) || inner_dash {
                id.push(c);
                s.bump();
            } else {
                break;
            }
        }
        if id.is_empty() {
            let found = s.peek().map_or("the end of the line".to_string(), |c| format!("`{c}`"));
            return Err(s.error(format!("expected a node id, found {found}")));
        }
        let shape = node_shape(s, &id)?;
        let mut classes = Vec::new();
        if s.eat(":::") {
            let class = s.take_while(|c| is_id_char(c) || c == '-');
            if class.is_empty() {
                return Err(s.error("expected a class name after `:::`"));
            }
            classes.push(class);
        }
        let data = if s.starts_with("@{") {
            let (line, column) = (s.current_line(), s.current_column());
            Some((line, column, node_data::read(s)?))
        } else {
            None
        };
        let index = match self.index.get(&id) {
            Some(&i) => i,
            None => {
                if self.nodes.len() >= limits::MAX_DIAGRAM_NODES {
                    return Err(s.error(format!(
                        "more than {} nodes, the limit for one diagram: split the diagram",
                        limits::MAX_DIAGRAM_NODES
                    )));
                }
                self.nodes.push(NodeDraft { id: id.clone(), line: s.line, ..NodeDraft::default() });
                self.index.insert(id, self.nodes.len() - 1);
                self.nodes.len() - 1
            }
        };
        let draft = &mut self.nodes[index];
        if let Some((shape, label)) = shape {
            draft.shape = Some(shape);
            draft.label = Some(label);
        }
        draft.classes.extend(classes.into_iter().map(|c| (c, s.line)));
        if let Some((line, column, pairs)) = data {
            self.apply_data(index, &pairs, line, column, s)?;
        }
        if let Some(&(sub, _, _)) = self.open.last() {
            self.subgraphs[sub].mentions.push(index);
        }
        Ok(index)
    }

    fn note(&mut self, line: usize, message: String) {
        self.notes.push(Note { line, message });
    }

    /// The id of a statement `e1@{ … }` that gives an edge's data, if this is one.
    fn edge_data_id(&self, s: &Scanner) -> Option<String> {
        let (id, at) = id_ahead(s);
        let data = s.peek_at(at) == Some('@') && s.peek_at(at + 1) == Some('{');
        (data && self.edge_ids.contains(&id)).then_some(id)
    }

    /// `@{ shape: …, label: …, icon: …, img: … }` on node `index`.
    fn apply_data(
        &mut self,
        index: usize,
        pairs: &[(String, String)],
        line: usize,
        column: usize,
        s: &Scanner,
    ) -> PResult<()> {
        let get = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.trim());
        for (key, _) in pairs {
            if !node_data::NODE_KEYS.contains(&key.as_str()) {
                let id = self.nodes[index].id.clone();
                self.note(
                    line,
                    format!(
                        "node `{id}` has no key `{key}`: it is ignored (nodes take shape, label, icon, form, pos, h, img, w, constraint)"
                    ),
                );
            }
        }
        let number = |key: &str, this: &mut Builder| -> Option<f32> {
            let text = get(key)?;
            match text.trim_end_matches("px").parse::<f32>() {
                Ok(v) if v.is_finite() && v > 0.0 => Some(v.min(limits::MAX_DIAGRAM_MEDIA_PX)),
                _ => {
                    this.note(line, format!("`{key}: {text}` is not a size in pixels: it is ignored"));
                    None
                }
            }
        };
        let (h, w) = (number("h", self), number("w", self));
        let label_top = match get("pos") {
            None | Some("b") => false,
            Some("t") => true,
            Some(other) => {
                self.note(line, format!("`pos: {other}` is not `t` or `b`: the label goes below"));
                false
            }
        };
        let mut shape = match get("shape") {
            Some(name) => Some(
                shape_names::shape(name)
                    .ok_or_else(|| s.error_at_line(line, column, shape_names::unknown(name)))?,
            ),
            None => None,
        };
        let mut media = None;
        if let Some(icon) = get("icon") {
            let form = match get("form") {
                None => IconForm::None,
                Some("square") => IconForm::Square,
                Some("circle") => IconForm::Circle,
                Some("rounded") => IconForm::Rounded,
                Some(other) => {
                    self.note(
                        line,
                        format!("`form: {other}` is not square, circle or rounded: no form is drawn"),
                    );
                    IconForm::None
                }
            };
            if !crate::icons::exists(icon) {
                self.note(line, crate::icons::unknown_message(icon));
            }
            let size = h.unwrap_or(48.0).max(48.0).round() as u16;
            shape = Some(Shape::Icon { form, label_top, size });
            media = Some(Media::Icon(icon.to_string()));
        } else if let Some(src) = get("img") {
            let keep_aspect = match get("constraint") {
                None | Some("off") => false,
                Some("on") => true,
                Some(other) => {
                    self.note(line, format!("`constraint: {other}` is not `on` or `off`: taken as off"));
                    false
                }
            };
            shape = Some(Shape::Image { width: 0, height: 0, label_top });
            media = Some(Media::Image { src: src.to_string(), width: w, height: h, keep_aspect });
        }
        let draft = &mut self.nodes[index];
        if let Some(label) = get("label") {
            draft.label = Some(clean_label(label));
        } else if media.is_some() && draft.label.as_ref().is_none_or(|l| *l == draft.id) {
            // An icon or picture without a label shows none, not its id.
            draft.label = Some(String::new());
        }
        if shape.is_some() {
            draft.shape = shape;
        }
        if media.is_some() {
            draft.media = media;
        }
        Ok(())
    }

    fn finish(self, notes: &mut Vec<Note>) -> Flowchart {
        let Builder { direction, nodes, edges, mut subgraphs, class_defs, assignments, .. } = self;
        let sub_index: BTreeMap<String, usize> =
            subgraphs.iter().enumerate().map(|(i, d)| (d.sub.id.clone(), i)).collect();
        // A bare id that names a subgraph stands for the subgraph (edges to a whole group).
        let is_group = |n: &NodeDraft| n.shape.is_none() && sub_index.contains_key(n.id.as_str());
        let mut remap = vec![None; nodes.len()];
        let mut kept = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            if !is_group(n) {
                remap[i] = Some(kept.len());
                kept.push(i);
            }
        }
        let endpoint = |i: usize| match remap[i] {
            Some(k) => Endpoint::Node(k),
            None => Endpoint::Group(sub_index[nodes[i].id.as_str()]),
        };
        let mut node_style: Vec<NodeStyle> = vec![NodeStyle::default(); nodes.len()];
        let mut node_classes: Vec<Vec<(String, usize)>> = nodes.iter().map(|n| n.classes.clone()).collect();
        let mut node_line_style: Vec<NodeStyle> = vec![NodeStyle::default(); nodes.len()];
        let mut sub_line_style: Vec<NodeStyle> = vec![NodeStyle::default(); subgraphs.len()];
        let node_by_id: BTreeMap<&str, usize> =
            nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        for a in &assignments {
            let target = match node_by_id.get(a.id.as_str()) {
                Some(&i) if remap[i].is_some() => Some((true, i)),
                _ => sub_index.get(a.id.as_str()).map(|&j| (false, j)),
            };
            match (target, &a.class) {
                (Some((true, i)), Some(class)) => node_classes[i].push((class.clone(), a.line)),
                (Some((false, j)), Some(class)) => subgraphs[j].classes.push(class.clone()),
                (Some((true, i)), None) => node_line_style[i].overlay(&a.style),
                (Some((false, j)), None) => sub_line_style[j].overlay(&a.style),
                (None, _) => notes.push(Note {
                    line: a.line,
                    message: format!(
                        "`{}` is not a node or subgraph of this diagram: its class or style is ignored",
                        a.id
                    ),
                }),
            }
        }
        let mut resolve = |classes: &[(String, usize)], own: &NodeStyle| {
            let mut style = class_defs.get("default").cloned().unwrap_or_default();
            for (class, line) in classes {
                let line = *line;
                match class_defs.get(class) {
                    Some(def) => style.overlay(def),
                    None => notes.push(Note {
                        line,
                        message: format!("class `{class}` has no `classDef`: it is ignored"),
                    }),
                }
            }
            style.overlay(own);
            style
        };
        for &i in &kept {
            node_style[i] = resolve(&node_classes[i], &node_line_style[i]);
        }
        for (j, d) in subgraphs.iter_mut().enumerate() {
            let mut style = NodeStyle::default();
            for class in &d.classes {
                if let Some(def) = class_defs.get(class) {
                    style.overlay(def);
                }
            }
            style.overlay(&sub_line_style[j]);
            d.sub.style = style;
        }
        let flow_nodes = kept
            .iter()
            .map(|&i| {
                let n = &nodes[i];
                FlowNode {
                    id: n.id.clone(),
                    label: n.label.clone().unwrap_or_else(|| n.id.clone()),
                    shape: n.shape.unwrap_or(Shape::Rect),
                    media: n.media.clone(),
                    classes: node_classes[i].iter().map(|(c, _)| c.clone()).collect(),
                    style: node_style[i].clone(),
                    parent: n.parent,
                    line: n.line,
                }
            })
            .collect();
        let flow_edges = edges
            .iter()
            .map(|e| FlowEdge {
                from: endpoint(e.from),
                to: endpoint(e.to),
                label: e.spec.label.clone(),
                kind: e.spec.kind,
                start: e.spec.start,
                end: e.spec.end,
                min_len: e.spec.min_len,
                line: e.line,
            })
            .collect();
        Flowchart {
            direction,
            nodes: flow_nodes,
            edges: flow_edges,
            subgraphs: subgraphs.into_iter().map(|d| d.sub).collect(),
        }
    }
}

/// The shape and label after a node id, if any.
fn node_shape(s: &mut Scanner, id: &str) -> PResult<Option<(Shape, String)>> {
    const OPENERS: &[(&str, Shape, &[&str])] = &[
        ("(((", Shape::DoubleCircle, &[")))"]),
        ("((", Shape::Circle, &["))"]),
        ("([", Shape::Stadium, &["])"]),
        ("(", Shape::Rounded, &[")"]),
        ("[[", Shape::Subroutine, &["]]"]),
        ("[(", Shape::Cylinder, &[")]"]),
        ("[/", Shape::LeanRight, &["/]", "\\]"]),
        ("[\\", Shape::LeanLeft, &["\\]", "/]"]),
        ("[", Shape::Rect, &["]"]),
        ("{{", Shape::Hexagon, &["}}"]),
        ("{", Shape::Diamond, &["}"]),
        (">", Shape::Odd, &["]"]),
    ];
    let Some(&(open, shape, closers)) = OPENERS.iter().find(|(o, _, _)| s.starts_with(o)) else {
        return Ok(None);
    };
    let open_column = s.column();
    s.eat(open);
    s.skip_ws();
    let expected = || {
        format!(
            "expected `{}` to close the label of node `{id}` (opened at column {open_column})",
            closers[0]
        )
    };
    let raw = if s.peek() == Some('"') {
        let text = s.quoted()?;
        s.skip_ws();
        text
    } else {
        let mut text = String::new();
        while !s.at_end() && !closers.iter().any(|c| s.starts_with(c)) {
            text.extend(s.bump());
        }
        text
    };
    let Some(closer) = closers.iter().position(|c| s.starts_with(c)) else {
        return Err(s.error(expected()));
    };
    s.eat(closers[closer]);
    let shape = match (shape, closer) {
        (Shape::LeanRight, 1) => Shape::Trapezoid,
        (Shape::LeanLeft, 1) => Shape::TrapezoidAlt,
        (shape, _) => shape,
    };
    Ok(Some((shape, clean_label(&raw))))
}

/// An edge: `-->`, `---`, `-.->`, `==>`, `~~~`, with optional `<`/`o`/`x` heads, extra
/// length (`--->`), and a label as `-- text -->` or `-->|text|`.
fn edge(s: &mut Scanner) -> PResult<EdgeSpec> {
    let column = s.column();
    let expected = "expected an edge such as `-->`, `---`, `-.->`, `==>` or `-- text -->`";
    let mut start = Head::None;
    if s.peek() == Some('<') {
        start = Head::Arrow;
        s.bump();
    } else if matches!(s.peek(), Some('o' | 'x')) && matches!(s.peek_at(1), Some('-' | '=')) {
        start = if s.peek() == Some('o') { Head::Circle } else { Head::Cross };
        s.bump();
    }
    let mut spec = match s.peek() {
        Some('-') if s.peek_at(1) == Some('.') => dotted(s)?,
        Some('-') => repeated(s, '-', LineKind::Solid)?,
        Some('=') => repeated(s, '=', LineKind::Thick)?,
        Some('~') => {
            let n = s.take_while(|c| c == '~').chars().count();
            if n < 3 {
                return Err(s.error_at(column, "expected `~~~` for an invisible link"));
            }
            EdgeSpec {
                kind: LineKind::Invisible,
                start: Head::None,
                end: Head::None,
                min_len: n - 2,
                label: None,
            }
        }
        _ => {
            let found = s.peek().map_or("the end of the line".to_string(), |c| format!("`{c}`"));
            return Err(s.error_at(column, format!("{expected}, found {found}")));
        }
    };
    if spec.kind != LineKind::Invisible {
        spec.start = start;
    }
    // `-->|text|`
    s.skip_ws();
    if s.peek() == Some('|') {
        let open = s.column();
        s.bump();
        s.skip_ws();
        let text = if s.peek() == Some('"') {
            let t = s.quoted()?;
            s.skip_ws();
            t
        } else {
            s.take_while(|c| c != '|')
        };
        if !s.eat("|") {
            return Err(s.error(format!("expected `|` to close the edge label opened at column {open}")));
        }
        spec.label = Some(clean_label(&text)).filter(|l| !l.is_empty());
    }
    // A longer arrow only asks for more ranks; past a few it is no longer visible anyway.
    spec.min_len = spec.min_len.min(limits::MAX_EDGE_SPAN);
    Ok(spec)
}

/// The end of an edge body: `>`, `o` or `x` (the latter two only before a space or `|`).
fn end_head(s: &mut Scanner) -> Head {
    match s.peek() {
        Some('>') => {
            s.bump();
            Head::Arrow
        }
        Some(c @ ('o' | 'x')) if s.peek_at(1).is_none_or(|n| n.is_whitespace() || n == '|' || n == ';') => {
            s.bump();
            if c == 'o' {
                Head::Circle
            } else {
                Head::Cross
            }
        }
        _ => Head::None,
    }
}

/// The text of `-- "text" -->` without its quotes.
fn unquote(text: &str) -> &str {
    let t = text.trim();
    match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner,
        _ => t,
    }
}

/// The id-like characters (letters, digits, `_`, `-`) ahead of the scanner, not taken, and
/// how many there are. Counted as it goes: recounting the id at every step made a 200,000-dash
/// arrow take seconds.
fn id_ahead(s: &Scanner) -> (String, usize) {
    let mut id = String::new();
    let mut at = 0;
    while let Some(c) = s.peek_at(at).filter(|&c| is_id_char(c) || c == '-') {
        id.push(c);
        at += 1;
    }
    (id, at)
}

/// An edge id before an edge (`e1@-->`): taken when an id, `@` and the start of an edge follow.
fn edge_id(s: &mut Scanner) -> Option<String> {
    let (id, at) = id_ahead(s);
    let edge_follows = matches!(s.peek_at(at + 1), Some('-' | '=' | '~' | '<' | '.'));
    if id.is_empty() || s.peek_at(at) != Some('@') || !edge_follows {
        return None;
    }
    s.eat(&id);
    s.eat("@");
    Some(id)
}

/// `--` / `==` edges, and their `-- text -->` form.
fn repeated(s: &mut Scanner, ch: char, kind: LineKind) -> PResult<EdgeSpec> {
    let column = s.column();
    let n = s.take_while(|c| c == ch).chars().count();
    let end = end_head(s);
    if end != Head::None && n >= 2 {
        return Ok(EdgeSpec { kind, start: Head::None, end, min_len: n - 1, label: None });
    }
    if end == Head::None && n >= 3 {
        return Ok(EdgeSpec { kind, start: Head::None, end, min_len: n - 2, label: None });
    }
    if n != 2 {
        return Err(s.error_at(column, format!("expected `{ch}{ch}>` or `{ch}{ch}{ch}`")));
    }
    // `-- text -->`: the text runs to the closing `-->`, `---`, `--o` or `--x`.
    let mut text = String::new();
    loop {
        if s.at_end() {
            return Err(s.error(format!(
                "expected `{ch}{ch}>` or `{ch}{ch}{ch}` to end the edge text opened at column {column}"
            )));
        }
        if s.starts_with(&format!("{ch}{ch}")) {
            let mut k = 0;
            while s.peek_at(k) == Some(ch) {
                k += 1;
            }
            let after = s.peek_at(k);
            if k >= 3 || matches!(after, Some('>' | 'o' | 'x')) {
                s.take_while(|c| c == ch);
                let end = end_head(s);
                let min_len = if end == Head::None { (k - 2).max(1) } else { (k - 1).max(1) };
                let label = Some(clean_label(unquote(&text))).filter(|l| !l.is_empty());
                return Ok(EdgeSpec { kind, start: Head::None, end, min_len, label });
            }
        }
        text.extend(s.bump());
    }
}

/// `-.->`, `-.-`, `-..->`, and `-. text .->`.
fn dotted(s: &mut Scanner) -> PResult<EdgeSpec> {
    let column = s.column();
    s.bump(); // '-'
    let dots = s.take_while(|c| c == '.').chars().count();
    if s.eat("-") {
        let end = end_head(s);
        return Ok(EdgeSpec { kind: LineKind::Dotted, start: Head::None, end, min_len: dots, label: None });
    }
    // `-. text .->`: the text runs to `.-`.
    let mut text = String::new();
    loop {
        if s.at_end() {
            return Err(
                s.error(format!("expected `.->` or `.-` to end the edge text opened at column {column}"))
            );
        }
        if s.starts_with(".-") || s.starts_with("..") {
            let k = s.take_while(|c| c == '.').chars().count();
            if s.eat("-") {
                let end = end_head(s);
                let label = Some(clean_label(unquote(&text))).filter(|l| !l.is_empty());
                return Ok(EdgeSpec { kind: LineKind::Dotted, start: Head::None, end, min_len: k, label });
            }
            text.push_str(&".".repeat(k));
            continue;
        }
        text.extend(s.bump());
    }
}

/// `fill:#f9f,stroke:#333,stroke-width:2px,color:#fff,stroke-dasharray: 5 5`
fn properties(s: &mut Scanner) -> PResult<NodeStyle> {
    s.skip_ws();
    let start = s.column();
    let text = s.take_while(|c| c != ';');
    let mut style = NodeStyle::default();
    let mut depth = 0;
    let mut part_start = 0;
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push((part_start, i));
                part_start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((part_start, chars.len()));
    for (a, b) in parts {
        let part: String = chars[a..b].iter().collect();
        if part.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = part.split_once(':') else {
            return Err(s.error_at(start + a, format!("expected `key:value` in `{}`", part.trim())));
        };
        let value_column = start + a + key.chars().count() + 1;
        let value = value.trim().trim_end_matches("!important").trim();
        let colour = |v: &str| {
            css_color(v).ok_or_else(|| {
                s.error_at(
                    value_column,
                    format!("`{v}` is not a colour: write #rrggbb, rgb(r,g,b) or a name like red"),
                )
            })
        };
        match key.trim() {
            "fill" => style.fill = Some(colour(value)?),
            "stroke" => style.stroke = Some(colour(value)?),
            "color" => style.text = Some(colour(value)?),
            "stroke-width" => {
                let number: String = value.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
                style.stroke_width = Some(number.parse().map_err(|_| {
                    s.error_at(value_column, format!("expected a width like `2px`, found `{value}`"))
                })?);
            }
            "stroke-dasharray" => style.dashed = Some(!matches!(value, "0" | "none" | "")),
            "font-weight" => {
                style.bold = Some(value == "bold" || value.parse::<u32>().is_ok_and(|w| w >= 600))
            }
            _ => {}
        }
    }
    Ok(style)
}

#[cfg(test)]
mod tests {
    use crate::diagram::model::*;
    use crate::diagram::parse::{parse, Note, ParseError};

    fn chart(source: &str) -> Flowchart {
        match parse(source, &mut Vec::new()) {
            Ok(Model::Flowchart(f)) => f,
            other => panic!("{other:?}"),
        }
    }

    fn err(source: &str) -> ParseError {
        parse(source, &mut Vec::new()).unwrap_err()
    }

    fn ids(f: &Flowchart) -> Vec<&str> {
        f.nodes.iter().map(|n| n.id.as_str()).collect()
    }

    fn pairs(f: &Flowchart) -> Vec<(String, String)> {
        let name = |e: Endpoint| match e {
            Endpoint::Node(i) => f.nodes[i].id.clone(),
            Endpoint::Group(j) => format!("sub:{}", f.subgraphs[j].id),
        };
        f.edges.iter().map(|e| (name(e.from), name(e.to))).collect()
    }

    #[test]
    fn directions_and_graph_keyword() {
        for (header, dir) in [
            ("flowchart TB", Direction::TopDown),
            ("flowchart TD", Direction::TopDown),
            ("graph BT", Direction::BottomUp),
            ("graph LR", Direction::LeftRight),
            ("flowchart RL", Direction::RightLeft),
            ("flowchart", Direction::TopDown),
        ] {
            assert_eq!(chart(&format!("{header}\n A --> B")).direction, dir, "{header}");
        }
        let e = err("flowchart XY\n A");
        assert_eq!((e.line, e.column), (0, 11));
        assert!(e.message.contains("TB"), "{}", e.message);
    }

    #[test]
    fn every_node_shape() {
        let f = chart(
            "flowchart LR\n a[rect] --> b(round) --> c([stadium]) --> d((circle)) --> e{diamond}\n \
             f{{hex}} --> g[[sub]] --> h[(db)] --> i>flag] --> j[/lean r/] --> k[\\lean l\\]\n \
             l[/trap\\] --> m[\\trap alt/] --> n(((double))) --> o",
        );
        let shapes: Vec<Shape> = f.nodes.iter().map(|n| n.shape).collect();
        use Shape::*;
        assert_eq!(
            shapes,
            [
                Rect,
                Rounded,
                Stadium,
                Circle,
                Diamond,
                Hexagon,
                Subroutine,
                Cylinder,
                Odd,
                LeanRight,
                LeanLeft,
                Trapezoid,
                TrapezoidAlt,
                DoubleCircle,
                Rect
            ]
        );
        assert_eq!(f.nodes[9].label, "lean r");
        assert_eq!(f.nodes[14].label, "o", "a bare id is its own label");
    }

    #[test]
    fn edge_kinds_heads_lengths_and_labels() {
        let f = chart(
            "graph TD\n A --> B\n A --- C\n A -.-> D\n A ==> E\n A -- yes --> F\n A -->|no| G\n \
             A --o H\n A --x I\n A <--> J\n A ---> K\n A -. maybe .-> L\n A == sure ==> M\n A ~~~ N\n A -.- O",
        );
        let e = &f.edges;
        assert_eq!((e[0].kind, e[0].end, e[0].min_len), (LineKind::Solid, Head::Arrow, 1));
        assert_eq!((e[1].kind, e[1].end), (LineKind::Solid, Head::None));
        assert_eq!((e[2].kind, e[2].end), (LineKind::Dotted, Head::Arrow));
        assert_eq!((e[3].kind, e[3].end), (LineKind::Thick, Head::Arrow));
        assert_eq!(e[4].label.as_deref(), Some("yes"));
        assert_eq!(e[5].label.as_deref(), Some("no"));
        assert_eq!(e[6].end, Head::Circle);
        assert_eq!(e[7].end, Head::Cross);
        assert_eq!((e[8].start, e[8].end), (Head::Arrow, Head::Arrow));
        assert_eq!(e[9].min_len, 2);
        assert_eq!((e[10].kind, e[10].label.as_deref()), (LineKind::Dotted, Some("maybe")));
        assert_eq!((e[11].kind, e[11].label.as_deref()), (LineKind::Thick, Some("sure")));
        assert_eq!(e[12].kind, LineKind::Invisible);
        assert_eq!((e[13].kind, e[13].end), (LineKind::Dotted, Head::None));
    }

    #[test]
    fn chains_ampersands_and_semicolons() {
        let f = chart("graph LR; A --> B --> C; D & E --> F & G");
        assert_eq!(ids(&f), ["A", "B", "C", "D", "E", "F", "G"]);
        let p: Vec<(String, String)> = pairs(&f);
        let want = [("A", "B"), ("B", "C"), ("D", "F"), ("D", "G"), ("E", "F"), ("E", "G")];
        assert_eq!(p, want.map(|(a, b)| (a.to_string(), b.to_string())));
    }

    #[test]
    fn labels_quoted_with_brackets_and_line_breaks() {
        let f =
            chart("flowchart LR\n A[\"a [b] (c)\"] --> B[어시스턴트<br>ChatGPT]\n C(\"x\") -->|\"q|r\"| D");
        assert_eq!(f.nodes[0].label, "a [b] (c)");
        assert_eq!(f.nodes[1].label, "어시스턴트\nChatGPT");
        assert_eq!(f.nodes[2].label, "x");
    }

    #[test]
    fn ids_with_dashes_and_korean() {
        let f = chart("flowchart LR\n node-1 --> 노드2 --> a_b");
        assert_eq!(ids(&f), ["node-1", "노드2", "a_b"]);
    }

    #[test]
    fn subgraphs_nest_take_titles_directions_and_claim_nodes() {
        let f = chart(
            "flowchart TB\n c1 --> a2\n subgraph one [첫째]\n  direction LR\n  a1 --> a2\n  subgraph inner\n   x\n  end\n end\n \
             subgraph \"Two words\"\n  b1\n end\n subgraph three\n  c1 --> c2\n end\n one --> three",
        );
        let sub = |id: &str| f.subgraphs.iter().position(|s| s.id == id).unwrap();
        assert_eq!(f.subgraphs[sub("one")].title, "첫째");
        assert_eq!(f.subgraphs[sub("one")].direction, Some(Direction::LeftRight));
        assert_eq!(f.subgraphs[sub("inner")].parent, Some(sub("one")));
        assert_eq!(f.subgraphs[sub("Two words")].title, "Two words");
        let parent = |id: &str| f.nodes.iter().find(|n| n.id == id).unwrap().parent;
        assert_eq!(parent("a2"), Some(sub("one")), "a subgraph claims nodes first named outside it");
        assert_eq!(parent("c1"), Some(sub("three")));
        assert_eq!(parent("x"), Some(sub("inner")));
        assert_eq!(parent("b1"), Some(sub("Two words")));
        assert!(!ids(&f).contains(&"one"), "a subgraph id used in an edge is the subgraph");
        assert!(pairs(&f).contains(&("sub:one".into(), "sub:three".into())));
    }

    #[test]
    fn class_def_class_style_and_triple_colon() {
        let mut notes: Vec<Note> = Vec::new();
        let source = "flowchart LR\n A:::hot --> B --> C\n classDef hot fill:#fde2e4,stroke:#d6336c,color:#111\n \
                      classDef cold fill:lightblue, stroke-width:2px, stroke-dasharray: 5 5\n classDef default fill:#eee\n \
                      class B,C cold\n style C fill:#ff0,font-weight:bold\n class ghost cold\n class A nope";
        let Ok(Model::Flowchart(f)) = parse(source, &mut notes) else { panic!() };
        let rgb = |h: &str| crate::frame::Color::from_hex(h);
        assert_eq!(f.nodes[0].style.fill, rgb("#fde2e4"));
        assert_eq!(f.nodes[0].style.stroke, rgb("#d6336c"));
        assert_eq!(f.nodes[0].style.text, rgb("#111111"));
        assert_eq!(f.nodes[1].style.fill, rgb("#add8e6"));
        assert_eq!((f.nodes[1].style.stroke_width, f.nodes[1].style.dashed), (Some(2.0), Some(true)));
        assert_eq!(f.nodes[2].style.fill, rgb("#ffff00"), "style wins over class");
        assert_eq!(f.nodes[2].style.bold, Some(true));
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes.iter().any(|n| n.message.contains("ghost")));
        assert!(notes.iter().any(|n| n.message.contains("nope")));
    }

    #[test]
    fn comments_and_ignored_statements() {
        let f = chart(
            "flowchart LR\n %% a comment\n A --> B %% trailing\n linkStyle 0 stroke:red\n click A call cb()",
        );
        assert_eq!(ids(&f), ["A", "B"]);
    }

    #[test]
    fn errors_point_at_line_and_column_and_say_what_was_expected() {
        let cases: &[(&str, usize, usize, &str)] = &[
            ("flowchart LR\n  A[open --> B", 1, 15, "expected `]` to close the label of node `A`"),
            ("flowchart LR\n  A -->", 1, 8, "expected a node"),
            ("flowchart LR\n  A -> B", 1, 5, "expected `-->`"),
            ("flowchart LR\n  A --> B C", 1, 11, "found `C`"),
            ("flowchart LR\n  classDef x fill:red,y", 1, 23, "expected `key:value`"),
            ("flowchart LR\n  --> B", 1, 3, "expected a node id"),
            ("flowchart LR\n  A -- text B", 1, 14, "to end the edge text"),
            ("flowchart LR\n  A -->|x B", 1, 12, "expected `|`"),
            ("flowchart LR\n  subgraph s\n  A", 1, 3, "not closed"),
            ("flowchart LR\n  A\n  end", 2, 3, "no subgraph is open"),
            ("flowchart LR\n  classDef x fill:#zz", 1, 19, "not a colour"),
            ("flowchart LR\n  A(\"quoted) --> B", 1, 19, "expected `\"`"),
            ("flowchart LR\n subgraph a\n end\n subgraph a\n end", 3, 2, "defined twice"),
        ];
        for &(source, line, column, needle) in cases {
            let e = err(source);
            assert!(e.message.contains(needle), "{source:?}: {}", e.message);
            assert_eq!((e.line, e.column), (line, column), "{source:?}: {}", e.message);
        }
    }

    #[test]
    fn node_data_sets_shapes_and_labels() {
        let f = chart(
            "flowchart RL\n    A@{ shape: manual-file, label: \"File Handling\"}\n    B@{ shape: procs }\n                 C[old]@{ shape: das } --> D@{ shape: lin-cyl, label: 'Disk' }\n    E@{\n      shape: doc\n      label: \"Two\n      lines\"\n    }",
        );
        let got: Vec<(&str, Shape, &str)> =
            f.nodes.iter().map(|n| (n.id.as_str(), n.shape, n.label.as_str())).collect();
        assert_eq!(
            got,
            [
                ("A", Shape::FlippedTriangle, "File Handling"),
                ("B", Shape::StackedRect, "B"),
                ("C", Shape::HorizontalCylinder, "old"),
                ("D", Shape::LinedCylinder, "Disk"),
                ("E", Shape::Document, "Two\nlines"),
            ]
        );
        assert_eq!(f.edges.len(), 1);
        assert_eq!(f.nodes[4].line, 4, "a node given over several lines is at its first");
    }

    #[test]
    fn unknown_shapes_are_errors_with_the_closest_name() {
        let e = err("flowchart TD\n  A --> B\n  B@{ shape: manual-fil, label: \"x\" }");
        assert_eq!((e.line, e.column), (2, 4));
        assert!(e.message.contains("unknown shape `manual-fil`"), "{}", e.message);
        assert!(e.message.contains("did you mean `manual-file`?"), "{}", e.message);
        assert!(e.message.contains("rect, rounded, stadium"), "{}", e.message);
        let e = err("flowchart TD\n  A@{ shape: doc, label: \"open }");
        assert_eq!(e.line, 1);
        assert!(e.message.contains("expected `}`"), "{}", e.message);
    }

    #[test]
    fn unknown_keys_are_warnings_and_known_ones_are_quiet() {
        let mut notes: Vec<Note> = Vec::new();
        let source =
            "flowchart TD\n A@{ shape: rect, colour: red, priority: High }\n B@{ icon: \"fa:nope\" }";
        let Ok(Model::Flowchart(f)) = parse(source, &mut notes) else { panic!() };
        assert_eq!(f.nodes[0].shape, Shape::Rect);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].message.contains("no key `colour`") && notes[0].line == 1, "{notes:?}");
        assert!(
            notes[1].message.contains("`fa:nope` is not in Font Awesome") && notes[1].line == 2,
            "{notes:?}"
        );
    }

    #[test]
    fn icon_and_picture_nodes() {
        let f = chart(
            "flowchart TD\n A@{ icon: \"fa:user\", form: \"square\", label: \"User Icon\", pos: \"t\", h: 60 }\n              B@{ icon: \"fa:user\" }\n C@{ img: \"pic.png\", label: \"Pic\", w: 60, h: 40, constraint: \"on\" }",
        );
        assert_eq!(f.nodes[0].shape, Shape::Icon { form: IconForm::Square, label_top: true, size: 60 });
        assert_eq!(f.nodes[0].media, Some(Media::Icon("fa:user".into())));
        assert_eq!(f.nodes[0].label, "User Icon");
        assert_eq!(
            f.nodes[1].shape,
            Shape::Icon { form: IconForm::None, label_top: false, size: 48 },
            "48 at least"
        );
        assert_eq!(f.nodes[1].label, "", "an icon without a label shows none");
        assert_eq!(
            f.nodes[2].media,
            Some(Media::Image {
                src: "pic.png".into(),
                width: Some(60.0),
                height: Some(40.0),
                keep_aspect: true
            })
        );
    }

    #[test]
    fn edge_ids_and_their_data() {
        let mut notes: Vec<Note> = Vec::new();
        let source =
            "flowchart LR\n A e1@--> B\n A e2@==> C\n e1@{ animate: true }\n e2@{ curve: linear, speed: 3 }";
        let Ok(Model::Flowchart(f)) = parse(source, &mut notes) else { panic!() };
        assert_eq!(ids(&f), ["A", "B", "C"], "edge ids are not nodes");
        assert_eq!(f.edges[1].kind, LineKind::Thick);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].message.contains("edge `e2` has no key `speed`"), "{notes:?}");
    }

    #[test]
    fn markdown_strings_span_lines_and_keep_their_backticks() {
        let f = chart(
            "flowchart LR\n    markdown[\"`This **is** _Markdown_`\"]\n    newLines[\"`Line1\n    Line 2\n    Line 3`\"]\n                 markdown --> newLines\n    a -- \"`Bold **edge label**`\" --> b\n    c -- \"edge label\" --> d",
        );
        assert_eq!(f.nodes[0].label, "`This **is** _Markdown_`");
        assert_eq!(f.nodes[1].label, "`Line1\nLine 2\nLine 3`");
        assert_eq!(f.edges[0].line, 5, "the lines of a joined string count");
        assert_eq!(f.edges[1].label.as_deref(), Some("`Bold **edge label**`"));
        assert_eq!(f.edges[2].label.as_deref(), Some("edge label"), "quotes around edge text go");
    }

    #[test]
    fn entity_codes_in_labels() {
        let f = chart("flowchart LR\n A[\"A double quote:#quot;\"] --> B[\"A dec char:#9829;\"] --> C[#35;1 #amp; #lt;2#gt;]");
        let labels: Vec<&str> = f.nodes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["A double quote:\"", "A dec char:♥", "#1 & <2>"]);
    }
}
