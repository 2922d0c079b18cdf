//! Font Awesome Free icons (`assets/fontawesome`, CC BY 4.0) for mermaid's `fa:fa-user` in
//! labels and `icon: "fa:user"` nodes, drawn as vector paths in the colour of the text.
//!
//! In text an icon travels as one private-use character (plane 15, U+F0000 + its index), so
//! the text engine measures, breaks and places it like a colour emoji; [`lookup`] turns the
//! character back into the icon.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::vector::{pack, Drawing};

include!(concat!(env!("OUT_DIR"), "/fontawesome_index.rs"));

/// The drawings of [`FONTAWESOME`], in its order, parsed when the pack was made
/// (`cargo run --release --example fontawesome_pack`).
pub static PACK: &[u8] = include_bytes!("../assets/fontawesome.pack");

/// The character of the first icon; icon `i` is `FIRST + i`.
const FIRST: u32 = 0xF_0000;

/// Drawn for an icon the set does not have.
pub const PLACEHOLDER: &str = "regular/circle-question";

/// The styles to search for a prefix, in order: `fab` is the brands, `far` the outlined
/// icons; `fa`, `fas` and the styles only Font Awesome Pro has take the solid ones first.
/// `fak` (a custom kit) has none.
fn styles(prefix: &str) -> &'static [&'static str] {
    match prefix {
        "fab" => &["brands"],
        "far" => &["regular", "solid", "brands"],
        "fak" => &[],
        _ => &["solid", "regular", "brands"],
    }
}

/// The prefixes mermaid knows for Font Awesome (`fa:fa-user`, `fab:fa-github`, …).
pub const PREFIXES: &[&str] = &["fa", "fab", "fas", "far", "fal", "fad", "fak"];

/// The icon a reference names: `fa:user`, `fa:fa-user`, `fab:fa-github` or mind-map style
/// `fa fa-book`. Its index in [`FONTAWESOME`].
pub fn resolve(reference: &str) -> Option<usize> {
    let (prefix, name) = split(reference)?;
    let name = name.strip_prefix("fa-").unwrap_or(name);
    styles(prefix)
        .iter()
        .find_map(|style| FONTAWESOME.binary_search(&format!("{style}/{name}").as_str()).ok())
}

/// Prefix and name of a reference, if it has a Font Awesome prefix.
fn split(reference: &str) -> Option<(&str, &str)> {
    let reference = reference.trim();
    let (prefix, name) = reference.split_once(':').or_else(|| reference.split_once(' '))?;
    let name = name.trim();
    let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    (PREFIXES.contains(&prefix.trim()) && valid).then_some((prefix.trim(), name))
}

/// Whether the set has the icon a reference names.
pub fn exists(reference: &str) -> bool {
    resolve(reference).is_some()
}

/// The warning for a reference the set does not have.
pub fn unknown_message(reference: &str) -> String {
    format!(
        "icon `{reference}` is not in Font Awesome Free 7 (solid, regular and brands): a placeholder stands for it; look the name up at fontawesome.com/icons"
    )
}

/// The character standing for the icon a reference names in text; the placeholder's when the
/// set does not have it.
pub fn char_for(reference: &str) -> char {
    let index = resolve(reference).or_else(|| FONTAWESOME.binary_search(&PLACEHOLDER).ok()).unwrap_or(0);
    char::from_u32(FIRST + index as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The icon (`style/name`) a grapheme stands for, if it is an icon character.
pub fn lookup(grapheme: &str) -> Option<&'static str> {
    let mut chars = grapheme.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return None };
    let index = u32::from(c).checked_sub(FIRST)? as usize;
    FONTAWESOME.get(index).copied()
}

/// Whether a drawing name is an icon's (`solid/user`) rather than an emoji's (hex).
pub fn is_icon(name: &str) -> bool {
    name.contains('/')
}

thread_local! {
    static DRAWINGS: RefCell<BTreeMap<&'static str, Option<Rc<Drawing>>>> = const { RefCell::new(BTreeMap::new()) };
}

/// The icon's drawing (`style/name`), unpacked once per thread.
pub fn drawing(name: &str) -> Option<Rc<Drawing>> {
    let index = FONTAWESOME.binary_search(&name).ok()?;
    let key = FONTAWESOME[index];
    DRAWINGS.with(|cache| {
        cache.borrow_mut().entry(key).or_insert_with(|| pack::decode(PACK, index).map(Rc::new)).clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_in_every_form_mermaid_writes() {
        let user = resolve("fa:user");
        assert!(user.is_some());
        assert_eq!(resolve("fa:fa-user"), user);
        assert_eq!(resolve("fas:fa-user"), user);
        assert_eq!(FONTAWESOME[resolve("far:fa-user").unwrap()], "regular/user");
        assert_eq!(
            FONTAWESOME[resolve("fa:fa-twitter").unwrap()],
            "brands/twitter",
            "brands are searched too"
        );
        assert_eq!(FONTAWESOME[resolve("fab:fa-github").unwrap()], "brands/github");
        assert_eq!(FONTAWESOME[resolve("fa fa-book").unwrap()], "solid/book", "mind-map ::icon(fa fa-book)");
        for missing in
            ["fab:fa-truck-bold", "fak:fa-custom", "fab:fa-user", "xx:user", "fa:", "fa:a b", "user"]
        {
            assert_eq!(resolve(missing), None, "{missing}");
        }
    }

    #[test]
    fn icons_travel_as_private_use_characters() {
        let c = char_for("fa:fa-ban");
        assert_eq!(lookup(&c.to_string()), Some("solid/ban"));
        assert_eq!(lookup(&char_for("fab:fa-truck-bold").to_string()), Some(PLACEHOLDER));
        assert_eq!(lookup("A"), None);
        assert_eq!(lookup("\u{F0000}x"), None);
        assert!(is_icon("solid/ban") && !is_icon("1f34c"));
    }

    #[test]
    fn the_index_is_sorted_and_matches_the_pack() {
        assert!(FONTAWESOME.windows(2).all(|w| w[0] < w[1]));
        assert!(FONTAWESOME.len() > 2000);
        assert_eq!(
            pack::count(PACK),
            FONTAWESOME.len(),
            "the pack is stale: cargo run --release --example fontawesome_pack"
        );
        let ban = drawing("solid/ban").expect("ban is packed");
        assert_eq!(ban.height, 512.0);
        assert!(ban.paths.iter().all(|p| p.fill.is_some()));
    }
}
