//! The text engine: itemize → shape (HarfBuzz) → break lines → place glyphs into Frame items.

pub mod breaking;
pub mod fonts;
pub mod hyphenation;
pub mod place;
pub mod script;
pub mod shape;

pub use breaking::Line;
pub use place::{Align, LineBox, ParagraphLayout};
pub use shape::{ShapedText, Span, StyledText, TextStyle};
