//! The Frame records what its items are (headings, paragraphs, lists, tables, figures,
//! decoration), in reading order, for a tagged-PDF structure tree.

mod common;

use common::{root, SAMPLE};
use hanji::frame::{FrameItem, Group, Role};

fn typeset() -> hanji::Typeset {
    let source = root().join(SAMPLE);
    let doc = hanji::load_document(&source).expect("the sample parses");
    hanji::typeset(&doc, &source, None).expect("the sample renders")
}

/// Every tagged group with its role, depth first.
fn groups(items: &[FrameItem], out: &mut Vec<Group>) {
    for item in items {
        if let FrameItem::Group(group) = item {
            if group.role.is_some() {
                out.push(group.clone());
            }
            groups(&group.items, out);
        }
    }
}

/// The text a group's glyphs carry.
fn text(items: &[FrameItem]) -> String {
    let mut out = String::new();
    hanji::frame::walk(items, 0.0, 0.0, &mut |item, _, _| {
        if let FrameItem::Text(run) = item {
            run.glyphs.iter().for_each(|g| out.push_str(&g.text));
        }
    });
    out
}

#[test]
fn headings_lists_tables_and_figures_are_recorded_in_reading_order() {
    let t = typeset();
    let mut all = Vec::new();
    groups(&t.laid.pages[0].items, &mut all);
    let with = |role: &Role| all.iter().filter(|g| g.role.as_ref() == Some(role)).collect::<Vec<_>>();
    let title = with(&Role::Heading(1));
    assert_eq!(title.len(), 1);
    assert!(text(&title[0].items).contains("NANO BANANA CHEAT SHEET"));
    let boxes: Vec<String> = with(&Role::Heading(2)).iter().map(|g| text(&g.items)).collect();
    assert_eq!(boxes.len(), 6, "{boxes:?}");
    assert!(boxes.iter().any(|b| b.contains("BASE MODEL이란?")), "{boxes:?}");
    let subsections: Vec<String> = with(&Role::Heading(3)).iter().map(|g| text(&g.items)).collect();
    assert_eq!(subsections.len(), 3, "{subsections:?}");
    let figures = all.iter().filter(|g| matches!(g.role, Some(Role::Figure { .. }))).count();
    assert_eq!(figures, 3, "the flowchart, the mind map and the cost chart");
    assert!(with(&Role::TableHeader).iter().any(|g| text(&g.items).contains("Pretraining")));
    assert!(!with(&Role::TableCell).is_empty() && !with(&Role::ListItem).is_empty());
    assert!(with(&Role::Label).iter().all(|g| text(&g.items) == "•" || text(&g.items).ends_with('.')));
    // Decoration carries no text: paper and grid, frames, rules, table fills.
    let artifacts = with(&Role::Artifact);
    assert!(artifacts.len() >= 7, "{}", artifacts.len());
    assert!(artifacts.iter().all(|g| text(&g.items).is_empty()));
    // Every glyph of the page is inside some tagged group.
    let untagged = t.laid.pages[0].items.iter().filter(|i| !matches!(i, FrameItem::Group(_))).count();
    assert_eq!(untagged, 0);
}
