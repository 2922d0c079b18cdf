//! `###` subsections placed by an `inner` grid: a colour class makes one a box of its own,
//! framed in that colour; an unknown class is a warning, as for `##` boxes.

mod common;

use common::temp_dir;
use hanji::frame::{walk, FrameItem};

const SHEET: &str = r#"---
title: "Inner"
layout:
  - height: 15%
    boxes: [title]
  - height: 85%
    boxes:
      - id: kinds
        inner:
          - height: 100%
            boxes: [cats, dogs, fish]
---
## 🐾 동물 {#kinds .green}

세 가지 동물.

### 고양이 {#cats .blue}

- 독립적이다

### 개 {#dogs .red}

- 충성스럽다

### 물고기 {#fish .sparkly}

- 조용하다
"#;

#[test]
fn coloured_subsections_are_framed_boxes_and_an_unknown_class_warns() {
    let dir = temp_dir("inner");
    let path = dir.join("sheet.md");
    std::fs::write(&path, SHEET).unwrap();
    let doc = hanji::load_document(&path).unwrap();
    let typeset = hanji::typeset(&doc, &path, None).unwrap_or_else(|f| panic!("{:?}", f.errors));
    let style =
        hanji::style::load("pen-notes", std::path::Path::new("."), &mut hanji::text::fonts::FontBook::new())
            .unwrap();
    let stroked_in = |name: &str| {
        let color = style.color(name).unwrap();
        let mut count = 0;
        walk(&typeset.laid.pages[0].items, 0.0, 0.0, &mut |item, _, _| {
            if let FrameItem::Path(path) = item {
                if path.fill.is_some() && path.stroke.as_ref().is_some_and(|s| s.paint.color == color) {
                    count += 1;
                }
            }
        });
        count
    };
    assert_eq!(stroked_in("blue"), 1, "`cats` is framed in blue");
    assert_eq!(stroked_in("red"), 1, "`dogs` is framed in red");
    let warning = typeset.warnings.iter().find(|w| w.message.contains(".sparkly")).expect("a warning");
    assert_eq!(warning.line, Some(25));
}
