//! `numbering: true`: headings numbered 1, 1.1, 1.1.1 before layout, so boxes, plain
//! headings, contents and bookmarks all show the same numbers.

use crate::model::{Block, Document, Inline};

/// A copy of the document with its section, subsection and `####` headings numbered. Parts
/// (`#`) keep their own titles.
pub fn numbered(doc: &Document) -> Document {
    let mut doc = doc.clone();
    let mut section_number = 0;
    for section in doc.sections.iter_mut().filter(|s| s.level == 2) {
        section_number += 1;
        prefix(&mut section.title, &section_number.to_string());
        number_headings(&mut section.blocks, &section_number.to_string(), &mut 0);
        for (i, sub) in section.subsections.iter_mut().enumerate() {
            let number = format!("{section_number}.{}", i + 1);
            prefix(&mut sub.title, &number);
            number_headings(&mut sub.blocks, &number, &mut 0);
        }
    }
    doc
}

fn number_headings(blocks: &mut [Block], parent: &str, count: &mut usize) {
    for block in blocks {
        if let Block::Heading { level: 4, inlines, .. } = block {
            *count += 1;
            prefix(inlines, &format!("{parent}.{count}"));
        }
    }
}

fn prefix(title: &mut Vec<Inline>, number: &str) {
    title.insert(0, Inline::Text(format!("{number}\u{2002}")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_subsections_get_dotted_numbers() {
        let doc = crate::parse::parse_markdown(
            "---\ntitle: t\nnumbering: true\n---\n## A\n### a1\n### a2\n## B\n#### deep\n".as_bytes(),
            std::path::Path::new("n.md"),
        )
        .unwrap();
        let doc = numbered(&doc);
        let titles: Vec<String> = doc
            .sections
            .iter()
            .flat_map(|s| std::iter::once(s).chain(&s.subsections))
            .map(|s| crate::model::plain_text(&s.title))
            .collect();
        assert_eq!(titles, ["1\u{2002}A", "1.1\u{2002}a1", "1.2\u{2002}a2", "2\u{2002}B"]);
        let Some(Block::Heading { inlines, .. }) = doc.sections[1].blocks.first() else { panic!() };
        assert_eq!(crate::model::plain_text(inlines), "2.1\u{2002}deep");
    }
}
