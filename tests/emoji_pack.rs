//! The Twemoji pack in the binary is the SVG set parsed: every drawing equals a fresh parse of
//! its SVG, so a changed SVG or parser cannot leave a stale pack behind.

use hanji::emoji::{PACK, TWEMOJI};
use hanji::vector::pack;

#[test]
fn every_packed_emoji_equals_its_svg_parsed_now() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/twemoji");
    assert_eq!(pack::count(PACK), TWEMOJI.len(), "rebuild with: cargo run --release --example twemoji_pack");
    let stale = pack::stale(PACK, &folder, TWEMOJI).expect("the SVG set is in the repository");
    assert!(
        stale.is_empty(),
        "stale in the pack ({}): {:?}; rebuild with: cargo run --release --example twemoji_pack",
        stale.len(),
        &stale[..stale.len().min(10)]
    );
}

#[test]
fn emoji_are_drawn_from_the_pack() {
    let banana = hanji::emoji::drawing("1f34c").expect("banana is in the pack");
    assert_eq!((banana.width, banana.height), (36.0, 36.0));
    assert!(banana.paths.len() >= 2 && banana.paths.iter().all(|p| p.fill.is_some()));
}
