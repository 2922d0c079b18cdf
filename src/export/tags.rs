//! Tagged PDF: the structure tree is built while the page content is written, from the roles
//! the Frame's groups carry. Every piece of content is either marked as part of a structure
//! element (with a marked-content id) or as an artifact (paper, frames, rules, highlighter
//! strokes, the drawings of emoji); the elements keep the order the pages are written in,
//! which layout makes the source's reading order.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId};

use super::serialize::Prewritten;

use crate::frame::Role;

/// What the content stream is inside of right now.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Nothing,
    Artifact,
    /// A marked-content sequence belonging to this node.
    Content(usize),
}

/// A child of a structure element.
#[derive(Debug, Clone, PartialEq)]
enum Kid {
    Node(usize),
    /// Marked content on a page.
    Content {
        page: usize,
        mcid: usize,
    },
    /// The `index`th link annotation of a page.
    Annotation {
        page: usize,
        index: usize,
    },
}

#[derive(Debug, Clone)]
struct Node {
    kind: &'static str,
    parent: usize,
    kids: Vec<Kid>,
    alt: Option<String>,
    id: Option<String>,
}

/// How a group was entered, for leaving it.
#[derive(Debug, Clone, Copy)]
pub enum Entered {
    Plain,
    Artifact,
    Element,
}

/// A leaf item about to be written.
pub enum Leaf<'a> {
    Path,
    Text,
    Image,
    /// Invisible text over an emoji drawing: marked with the emoji as its actual text.
    Hidden(&'a str),
}

/// Elements whose content is other elements: loose content under them goes into an implicit
/// paragraph.
const GROUPING: &[&str] = &["Document", "Sect", "L", "Table", "TR", "LI"];

/// The structure tree of a document, built page by page.
pub struct Tagger {
    nodes: Vec<Node>,
    stack: Vec<usize>,
    artifact_depth: usize,
    open: Open,
    page: usize,
    /// Per page: the node each marked-content id belongs to.
    page_contents: Vec<Vec<usize>>,
    /// Per page: the Link node of each link annotation.
    page_links: Vec<Vec<usize>>,
    /// The implicit paragraph (or list body) loose content goes into, while it continues.
    implicit: Option<usize>,
    /// Footnote ids given so far.
    notes: usize,
    /// The level of the last heading, so none skips a level.
    last_heading: u8,
}

impl Default for Tagger {
    fn default() -> Self {
        Tagger::new()
    }
}

impl Tagger {
    pub fn new() -> Tagger {
        Tagger {
            nodes: vec![Node { kind: "Document", parent: 0, kids: Vec::new(), alt: None, id: None }],
            stack: vec![0],
            artifact_depth: 0,
            open: Open::Nothing,
            page: 0,
            page_contents: Vec::new(),
            page_links: Vec::new(),
            implicit: None,
            notes: 0,
            last_heading: 0,
        }
    }

    /// Starts the next page; marked content never runs across pages.
    pub fn start_page(&mut self, page: usize) {
        self.page = page;
        while self.page_contents.len() <= page {
            self.page_contents.push(Vec::new());
            self.page_links.push(Vec::new());
        }
        self.implicit = None;
    }

    /// Ends whatever marked content is open (before a `q`/`Q`, a new element, the page end).
    pub fn close(&mut self, out: &mut Vec<u8>) {
        if self.open != Open::Nothing {
            out.extend_from_slice(b"EMC\n");
            self.open = Open::Nothing;
        }
    }

    /// Enters a group: an artifact, a structure element, or a plain group.
    pub fn enter(&mut self, role: Option<&Role>, out: &mut Vec<u8>) -> Entered {
        if self.artifact_depth > 0 {
            if matches!(role, Some(Role::Artifact)) {
                self.artifact_depth += 1;
                return Entered::Artifact;
            }
            return Entered::Plain;
        }
        let Some(role) = role else { return Entered::Plain };
        self.close(out);
        if *role == Role::Artifact {
            out.extend_from_slice(b"/Artifact BMC\n");
            self.artifact_depth = 1;
            return Entered::Artifact;
        }
        let current = self.current();
        let parent = if self.nodes[current].kind == "LI" && *role != Role::Label {
            self.list_body(current)
        } else {
            current
        };
        let (kind, alt, id) = match role {
            // Heading levels never skip one (a `####` right under a `##` is read as a third level).
            Role::Heading(level) => {
                let level = (*level).min(self.last_heading + 1).max(1);
                self.last_heading = level;
                (heading(level), None, None)
            }
            Role::Paragraph => ("P", None, None),
            Role::List => ("L", None, None),
            Role::ListItem => ("LI", None, None),
            Role::Label => ("Lbl", None, None),
            Role::Quote => ("BlockQuote", None, None),
            Role::Table => ("Table", None, None),
            Role::TableRow => ("TR", None, None),
            Role::TableHeader => ("TH", None, None),
            Role::TableCell => ("TD", None, None),
            Role::Code => ("Code", None, None),
            Role::Figure { alt } => ("Figure", Some(alt.clone()), None),
            Role::Formula { alt } => ("Formula", Some(alt.clone()), None),
            Role::Note => {
                self.notes += 1;
                ("Note", None, Some(format!("note-{}", self.notes)))
            }
            Role::Section => ("Sect", None, None),
            Role::Artifact => ("Artifact", None, None),
        };
        let node = self.add(kind, parent);
        self.nodes[node].alt = alt;
        self.nodes[node].id = id;
        self.stack.push(node);
        self.implicit = None;
        Entered::Element
    }

    /// Leaves a group entered with [`Tagger::enter`].
    pub fn leave(&mut self, entered: Entered, out: &mut Vec<u8>) {
        match entered {
            Entered::Plain => {}
            Entered::Artifact => {
                self.artifact_depth -= 1;
                if self.artifact_depth == 0 {
                    out.extend_from_slice(b"EMC\n");
                }
            }
            Entered::Element => {
                self.close(out);
                self.stack.pop();
                self.implicit = None;
            }
        }
    }

    /// Marks what the next leaf item belongs to. Returns true when the caller closes the
    /// marked content right after the item (an emoji's actual text covers it alone).
    pub fn leaf(&mut self, leaf: Leaf, out: &mut Vec<u8>) -> bool {
        if self.artifact_depth > 0 {
            return false;
        }
        // Inside a figure or a formula every mark is content: rules and radicals too.
        let figure =
            self.stack.iter().rev().copied().find(|&n| matches!(self.nodes[n].kind, "Figure" | "Formula"));
        let target = match (figure, &leaf) {
            (Some(figure), _) => Some(figure),
            // Drawn lines and panels outside figures are decoration.
            (None, Leaf::Path) => None,
            (None, _) => Some(self.content_target()),
        };
        let Some(target) = target else {
            if self.open != Open::Artifact {
                self.close(out);
                out.extend_from_slice(b"/Artifact BMC\n");
                self.open = Open::Artifact;
            }
            return false;
        };
        if let Leaf::Hidden(text) = leaf {
            self.close(out);
            let mcid = self.mark(target);
            out.extend_from_slice(b"/Span <</MCID ");
            out.extend_from_slice(mcid.to_string().as_bytes());
            out.extend_from_slice(b" /ActualText <FEFF");
            for unit in text.encode_utf16() {
                out.extend_from_slice(format!("{unit:04X}").as_bytes());
            }
            out.extend_from_slice(b">>> BDC\n");
            self.open = Open::Content(target);
            return true;
        }
        if self.open != Open::Content(target) {
            self.close(out);
            let mcid = self.mark(target);
            out.push(b'/');
            out.extend_from_slice(self.nodes[target].kind.as_bytes());
            out.extend_from_slice(b" <</MCID ");
            out.extend_from_slice(mcid.to_string().as_bytes());
            out.extend_from_slice(b">> BDC\n");
            self.open = Open::Content(target);
        }
        false
    }

    /// A link annotation (the `index`th of the page) inside the current element.
    pub fn link(&mut self, index: usize) {
        if self.artifact_depth > 0 {
            return;
        }
        let parent = self.content_target();
        let node = self.add("Link", parent);
        self.nodes[node].kids.push(Kid::Annotation { page: self.page, index });
        self.page_links[self.page].push(node);
    }

    fn current(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    fn add(&mut self, kind: &'static str, parent: usize) -> usize {
        let node = self.nodes.len();
        self.nodes.push(Node { kind, parent, kids: Vec::new(), alt: None, id: None });
        self.nodes[parent].kids.push(Kid::Node(node));
        node
    }

    /// The element loose content goes into: the current one, or an implicit paragraph (list
    /// body) under a grouping element.
    fn content_target(&mut self) -> usize {
        let current = self.current();
        if !GROUPING.contains(&self.nodes[current].kind) {
            return current;
        }
        if let Some(implicit) = self.implicit.filter(|&n| self.nodes[n].parent == current) {
            return implicit;
        }
        let node =
            if self.nodes[current].kind == "LI" { self.list_body(current) } else { self.add("P", current) };
        self.implicit = Some(node);
        node
    }

    /// A list item's body: its last child when that is one, else a new one.
    fn list_body(&mut self, item: usize) -> usize {
        match self.nodes[item].kids.last() {
            Some(Kid::Node(n)) if self.nodes[*n].kind == "LBody" => *n,
            _ => self.add("LBody", item),
        }
    }

    fn mark(&mut self, node: usize) -> usize {
        let contents = &mut self.page_contents[self.page];
        let mcid = contents.len();
        contents.push(node);
        self.nodes[node].kids.push(Kid::Content { page: self.page, mcid });
        mcid
    }

    /// Writes the tree: the StructTreeRoot (returned), each page's `/StructParents` and each
    /// link annotation's `/StructParent`. `annotations[page][index]` are the annotations'
    /// object ids.
    pub fn write(
        self,
        doc: &mut lopdf::Document,
        early: &mut Prewritten,
        page_ids: &[ObjectId],
        annotations: &[Vec<ObjectId>],
    ) -> ObjectId {
        let keep = self.prune();
        let root_id = doc.new_object_id();
        let ids: Vec<Option<ObjectId>> =
            (0..self.nodes.len()).map(|n| keep[n].then(|| doc.new_object_id())).collect();
        let page_ref =
            |page: usize| page_ids.get(page).copied().map(Object::Reference).unwrap_or(Object::Null);
        let mut id_tree = BTreeMap::new();
        for (n, node) in self.nodes.iter().enumerate() {
            let Some(id) = ids[n] else { continue };
            let first_page = node.kids.iter().find_map(|k| match k {
                Kid::Content { page, .. } | Kid::Annotation { page, .. } => Some(*page),
                Kid::Node(_) => None,
            });
            let mut kids = Vec::new();
            for kid in &node.kids {
                match kid {
                    Kid::Node(child) => {
                        if let Some(child) = ids[*child] {
                            kids.push(Object::Reference(child));
                        }
                    }
                    Kid::Content { page, mcid } if Some(*page) == first_page => {
                        kids.push(Object::Integer(*mcid as i64))
                    }
                    Kid::Content { page, mcid } => {
                        let mut mcr = Dictionary::new();
                        mcr.set("Type", Object::Name(b"MCR".to_vec()));
                        mcr.set("Pg", page_ref(*page));
                        mcr.set("MCID", Object::Integer(*mcid as i64));
                        kids.push(Object::Dictionary(mcr));
                    }
                    Kid::Annotation { page, index } => {
                        if let Some(annotation) = annotations.get(*page).and_then(|a| a.get(*index)) {
                            let mut objr = Dictionary::new();
                            objr.set("Type", Object::Name(b"OBJR".to_vec()));
                            objr.set("Obj", Object::Reference(*annotation));
                            objr.set("Pg", page_ref(*page));
                            kids.push(Object::Dictionary(objr));
                        }
                    }
                }
            }
            let parent = if n == 0 { Some(root_id) } else { ids[node.parent] };
            if let Some(element_id) = &node.id {
                id_tree.insert(element_id.clone(), id);
            }
            early.insert_entries(doc, id, |dict| {
                dict.name(b"Type", b"StructElem");
                dict.name(b"S", node.kind.as_bytes());
                dict.entry(b"P", &parent.map_or(Object::Null, Object::Reference));
                if let Some(page) = first_page {
                    dict.entry(b"Pg", &page_ref(page));
                }
                dict.entry(b"K", &Object::Array(kids));
                if let Some(alt) = &node.alt {
                    dict.entry(b"Alt", &super::pdf::text_string(alt));
                }
                if let Some(element_id) = &node.id {
                    dict.entry(b"ID", &Object::string_literal(element_id.as_str()));
                }
                if node.kind == "TH" {
                    let mut attributes = Dictionary::new();
                    attributes.set("O", Object::Name(b"Table".to_vec()));
                    attributes.set("Scope", Object::Name(b"Column".to_vec()));
                    dict.entry(b"A", &Object::Dictionary(attributes));
                }
            });
        }
        // The parent tree: each page's marked content ids → their elements, then each link
        // annotation → its Link element.
        let mut nums = Vec::new();
        for (page, contents) in self.page_contents.iter().enumerate() {
            let refs = contents.iter().map(|&n| ids[n].map_or(Object::Null, Object::Reference)).collect();
            nums.push(Object::Integer(page as i64));
            nums.push(Object::Array(refs));
            if let Some(Ok(dict)) =
                page_ids.get(page).map(|id| doc.get_object_mut(*id).and_then(Object::as_dict_mut))
            {
                dict.set("StructParents", Object::Integer(page as i64));
            }
        }
        let mut key = self.page_contents.len();
        for (page, links) in self.page_links.iter().enumerate() {
            for (index, &node) in links.iter().enumerate() {
                let Some(&annotation) = annotations.get(page).and_then(|a| a.get(index)) else { continue };
                nums.push(Object::Integer(key as i64));
                nums.push(ids[node].map_or(Object::Null, Object::Reference));
                if let Ok(dict) = doc.get_object_mut(annotation).and_then(Object::as_dict_mut) {
                    dict.set("StructParent", Object::Integer(key as i64));
                }
                key += 1;
            }
        }
        let mut parent_tree = Dictionary::new();
        parent_tree.set("Nums", Object::Array(nums));
        let parent_tree_id = doc.add_object(Object::Dictionary(parent_tree));
        let mut root = Dictionary::new();
        root.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
        if let Some(document) = ids[0] {
            root.set("K", Object::Reference(document));
        }
        root.set("ParentTree", Object::Reference(parent_tree_id));
        root.set("ParentTreeNextKey", Object::Integer(key as i64));
        if !id_tree.is_empty() {
            let names = id_tree
                .into_iter()
                .flat_map(|(name, id)| [Object::string_literal(name), Object::Reference(id)])
                .collect();
            let mut tree = Dictionary::new();
            tree.set("Names", Object::Array(names));
            root.set("IDTree", Object::Dictionary(tree));
        }
        doc.objects.insert(root_id, Object::Dictionary(root));
        root_id
    }

    /// Which nodes to write: those with content somewhere below them (the document always).
    fn prune(&self) -> Vec<bool> {
        let mut keep = vec![false; self.nodes.len()];
        // Children come after their parents: walk backwards so a parent sees its children.
        for n in (0..self.nodes.len()).rev() {
            keep[n] = n == 0
                || self.nodes[n].kids.iter().any(|k| match k {
                    Kid::Node(child) => keep[*child],
                    _ => true,
                });
        }
        keep
    }
}

fn heading(level: u8) -> &'static str {
    match level {
        0 | 1 => "H1",
        2 => "H2",
        3 => "H3",
        4 => "H4",
        5 => "H5",
        _ => "H6",
    }
}
