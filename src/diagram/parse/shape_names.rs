//! The names of `A@{ shape: … }`: mermaid 11's shape table (flowchart.md, "Complete List of
//! New Shapes"), each short name with its aliases, as mermaid's `shapesDefs` lists them.

use crate::diagram::model::Shape;

/// Short name, aliases, shape — in the table's order.
pub const SHAPES: &[(&str, &[&str], Shape)] = &[
    ("rect", &["proc", "process", "rectangle"], Shape::Rect),
    ("rounded", &["event"], Shape::Rounded),
    ("stadium", &["terminal", "pill"], Shape::Stadium),
    ("fr-rect", &["subprocess", "subproc", "framed-rectangle", "subroutine"], Shape::Subroutine),
    ("cyl", &["db", "database", "cylinder"], Shape::Cylinder),
    ("datastore", &["data-store"], Shape::Datastore),
    ("circle", &["circ"], Shape::Circle),
    ("bang", &[], Shape::Bang),
    ("cloud", &[], Shape::Cloud),
    ("diam", &["decision", "diamond", "question"], Shape::Diamond),
    ("hex", &["hexagon", "prepare"], Shape::Hexagon),
    ("lean-r", &["lean-right", "in-out"], Shape::LeanRight),
    ("lean-l", &["lean-left", "out-in"], Shape::LeanLeft),
    ("trap-b", &["priority", "trapezoid-bottom", "trapezoid"], Shape::Trapezoid),
    ("trap-t", &["manual", "trapezoid-top", "inv-trapezoid"], Shape::TrapezoidAlt),
    ("dbl-circ", &["double-circle"], Shape::DoubleCircle),
    ("text", &[], Shape::Text),
    ("notch-rect", &["card", "notched-rectangle"], Shape::NotchedRect),
    ("lin-rect", &["lined-rectangle", "lined-process", "lin-proc", "shaded-process"], Shape::LinedRect),
    ("sm-circ", &["start", "small-circle"], Shape::SmallCircle),
    ("fr-circ", &["stop", "framed-circle"], Shape::FramedCircle),
    ("fork", &["join"], Shape::Fork { vertical: false }),
    ("hourglass", &["collate"], Shape::Hourglass),
    ("brace", &["comment", "brace-l"], Shape::BraceLeft),
    ("brace-r", &[], Shape::BraceRight),
    ("braces", &[], Shape::Braces),
    ("bolt", &["com-link", "lightning-bolt"], Shape::Bolt),
    ("doc", &["document"], Shape::Document),
    ("delay", &["half-rounded-rectangle"], Shape::Delay),
    ("h-cyl", &["das", "horizontal-cylinder"], Shape::HorizontalCylinder),
    ("lin-cyl", &["disk", "lined-cylinder"], Shape::LinedCylinder),
    ("curv-trap", &["curved-trapezoid", "display"], Shape::CurvedTrapezoid),
    ("div-rect", &["div-proc", "divided-rectangle", "divided-process"], Shape::DividedRect),
    ("tri", &["extract", "triangle"], Shape::Triangle),
    ("win-pane", &["internal-storage", "window-pane"], Shape::WindowPane),
    ("f-circ", &["junction", "filled-circle"], Shape::FilledCircle),
    ("notch-pent", &["loop-limit", "notched-pentagon"], Shape::NotchedPentagon),
    ("flip-tri", &["manual-file", "flipped-triangle"], Shape::FlippedTriangle),
    ("sl-rect", &["manual-input", "sloped-rectangle"], Shape::SlopedRect),
    ("docs", &["documents", "st-doc", "stacked-document"], Shape::StackedDocument),
    ("st-rect", &["procs", "processes", "stacked-rectangle"], Shape::StackedRect),
    ("bow-rect", &["stored-data", "bow-tie-rectangle"], Shape::BowTieRect),
    ("cross-circ", &["summary", "crossed-circle"], Shape::CrossedCircle),
    ("tag-doc", &["tagged-document"], Shape::TaggedDocument),
    ("tag-rect", &["tagged-rectangle", "tag-proc", "tagged-process"], Shape::TaggedRect),
    ("flag", &["paper-tape"], Shape::PaperTape),
    ("odd", &[], Shape::Odd),
    ("lin-doc", &["lined-document"], Shape::LinedDocument),
];

/// The shape a name stands for (a short name or an alias, lowercase as mermaid requires).
pub fn shape(name: &str) -> Option<Shape> {
    SHAPES.iter().find(|(short, aliases, _)| *short == name || aliases.contains(&name)).map(|s| s.2)
}

/// The error for an unknown name: the closest known name when one is close, and the short
/// names.
pub fn unknown(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower != name && shape(&lower).is_some() {
        return format!("unknown shape `{name}`: shape names are lowercase, write `{lower}`");
    }
    let all = SHAPES.iter().flat_map(|(short, aliases, _)| std::iter::once(short).chain(aliases.iter()));
    let closest = all.map(|known| (distance(&lower, known), *known)).min();
    let shorts: Vec<&str> = SHAPES.iter().map(|s| s.0).collect();
    let hint = match closest {
        Some((d, known)) if d <= 2.max(name.chars().count() / 3) => format!(" did you mean `{known}`?"),
        _ => String::new(),
    };
    format!("unknown shape `{name}`:{hint} the shapes are {}", shorts.join(", "))
}

/// Edit distance (insertions, deletions, substitutions) between two short names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_and_alias_is_unique_and_found() {
        let mut seen = std::collections::BTreeSet::new();
        for (short, aliases, want) in SHAPES {
            for name in std::iter::once(short).chain(aliases.iter()) {
                assert!(seen.insert(*name), "`{name}` is listed twice");
                assert_eq!(shape(name), Some(*want), "{name}");
            }
        }
        assert_eq!(SHAPES.len(), 48, "the docs table has 48 rows");
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        assert!(unknown("rectangel").contains("did you mean `rectangle`?"), "{}", unknown("rectangel"));
        assert!(unknown("manual-fil").contains("`manual-file`"));
        assert!(unknown("Rect").contains("lowercase, write `rect`"));
        let far = unknown("zzzzzzzzzz");
        assert!(!far.contains("did you mean"), "{far}");
        assert!(far.contains("rect, rounded, stadium"), "{far}");
    }
}
