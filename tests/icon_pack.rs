//! The Font Awesome pack in the binary is the SVG set parsed: every drawing equals a fresh
//! parse of its SVG, so a changed SVG or parser cannot leave a stale pack behind.

use hanji::icons::{FONTAWESOME, PACK};
use hanji::vector::{pack, parse_svg};

#[test]
fn every_packed_icon_equals_its_svg_parsed_now() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fontawesome");
    assert_eq!(
        pack::count(PACK),
        FONTAWESOME.len(),
        "rebuild with: cargo run --release --example fontawesome_pack"
    );
    let mut stale = Vec::new();
    for (i, name) in FONTAWESOME.iter().enumerate() {
        let svg =
            std::fs::read(folder.join(format!("{name}.svg"))).expect("the SVG set is in the repository");
        if pack::decode(PACK, i) != parse_svg(&svg).ok() {
            stale.push(*name);
        }
    }
    assert!(
        stale.is_empty(),
        "stale in the pack ({}): {:?}; rebuild with: cargo run --release --example fontawesome_pack",
        stale.len(),
        &stale[..stale.len().min(10)]
    );
}
