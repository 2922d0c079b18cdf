//! The Font Awesome pack in the binary is the SVG set parsed: every drawing equals a fresh
//! parse of its SVG, so a changed SVG or parser cannot leave a stale pack behind.

use hanji::icons::{FONTAWESOME, PACK};
use hanji::vector::pack;

#[test]
fn every_packed_icon_equals_its_svg_parsed_now() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fontawesome");
    assert_eq!(
        pack::count(PACK),
        FONTAWESOME.len(),
        "rebuild with: cargo run --release --example fontawesome_pack"
    );
    let stale = pack::stale(PACK, &folder, FONTAWESOME).expect("the SVG set is in the repository");
    assert!(
        stale.is_empty(),
        "stale in the pack ({}): {:?}; rebuild with: cargo run --release --example fontawesome_pack",
        stale.len(),
        &stale[..stale.len().min(10)]
    );
}
