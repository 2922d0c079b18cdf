//! Script classes that matter for itemizing and line breaking Korean with English.

/// The classes a run is split by before shaping: a buffer that mixes Hangul and Latin would be
/// shaped as Hangul and lose Latin ligatures and kerning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptClass {
    Hangul,
    /// Latin and every other script with letters.
    Other,
    /// Spaces, digits and punctuation: they join the run they stand in.
    Neutral,
}

/// Hangul syllables, jamo and compatibility jamo.
pub fn is_hangul(c: char) -> bool {
    matches!(c,
        '\u{AC00}'..='\u{D7A3}'
        | '\u{1100}'..='\u{11FF}'
        | '\u{3130}'..='\u{318F}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{D7B0}'..='\u{D7FF}')
}

pub fn script_class(c: char) -> ScriptClass {
    if is_hangul(c) {
        ScriptClass::Hangul
    } else if c.is_alphabetic() {
        ScriptClass::Other
    } else {
        ScriptClass::Neutral
    }
}

/// Characters that never need a glyph of their own: joiners, selectors, controls.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{FE00}'..='\u{FE0F}' | '\u{2060}' | '\u{00AD}') || c.is_control()
}
