//! Styles: `styles/*.toml` resolved into plain values the layout reads. A style file names only
//! what it changes: it is laid over the built-in `pen-notes`, so nothing is inherited later.

mod raw;

use std::path::Path;

use crate::error::{HanjiError, Result, Warning};
use crate::frame::Color;
use crate::text::fonts::{FontBook, FontId};

/// Styles built into the binary, by name.
pub const BUILTIN_STYLES: &[&str] = &["pen-notes", "clean"];

const PEN_NOTES: &str = include_str!("../../styles/pen-notes.toml");
const CLEAN: &str = include_str!("../../styles/clean.toml");

const MM: f32 = 72.0 / 25.4;

#[derive(Debug, Clone, PartialEq)]
pub struct PageStyle {
    pub paper: Color,
    pub ink: Color,
    pub margin: f32,
    pub gap: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridStyle {
    pub enabled: bool,
    pub pitch: f32,
    pub color: Color,
    pub line_width: f32,
    pub major_every: u32,
    pub major_color: Color,
    pub major_line_width: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FontStyle {
    pub body: FontId,
    pub heading: FontId,
    pub bold: FontId,
    pub fake_bold: bool,
    pub code: FontId,
    pub fallbacks: Vec<FontId>,
    /// Size factor per font id; 1 for fonts the style does not name.
    pub size_factors: Vec<(FontId, f32)>,
}

impl FontStyle {
    pub fn size_factor(&self, font: FontId) -> f32 {
        self.size_factors.iter().find(|(f, _)| *f == font).map_or(1.0, |(_, s)| *s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TextSettings {
    pub size: f32,
    pub line_height: f32,
    pub paragraph_gap: f32,
    pub list_indent: f32,
    pub min_size: f32,
}

/// How content that does not fit its box is shrunk.
#[derive(Debug, Clone, PartialEq)]
pub struct FitStyle {
    /// The smallest scale of the base size content may take.
    pub min_scale: f32,
    /// Boxes of one row share the smallest scale among them.
    pub harmony: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoxStyle {
    pub radius: f32,
    pub stroke_width: f32,
    pub wobble: f32,
    pub padding: f32,
    pub fill_tint: f32,
    pub fill_alpha: f32,
    pub header_size: f32,
    pub header_rule: bool,
    pub subsection_size: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TitleStyle {
    pub size: f32,
    pub subtitle_size: f32,
    pub color: Color,
    pub fill: Color,
    pub stroke: Color,
    pub accent: Color,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuoteStyle {
    pub tint: f32,
    pub size: f32,
    pub mark_color_tint: f32,
}

/// A fully resolved style.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub name: String,
    pub page: PageStyle,
    pub grid: GridStyle,
    pub fonts: FontStyle,
    pub text: TextSettings,
    pub fit: FitStyle,
    pub boxes: BoxStyle,
    pub title: TitleStyle,
    pub mark: (Color, f32),
    pub quote: QuoteStyle,
    pub code_tint: f32,
    /// Named colours; `order` lists the names boxes cycle through.
    pub palette: Vec<(String, Color)>,
    pub order: Vec<String>,
}

impl Style {
    /// The smallest scale fitting may use: the style's minimum, and never text under
    /// `text.min_size`.
    pub fn min_scale(&self) -> f32 {
        self.fit.min_scale.max(self.text.min_size / self.text.size).min(1.0)
    }

    /// The colour of a named palette entry.
    pub fn color(&self, name: &str) -> Option<Color> {
        self.palette.iter().find(|(n, _)| n == name).map(|(_, c)| *c)
    }

    /// The colour of the `index`-th box without a colour class.
    pub fn cycle_color(&self, index: usize) -> Color {
        let name = &self.order[index % self.order.len()];
        self.color(name).unwrap_or(self.page.ink)
    }
}

/// Loads a style by built-in name or by a `.toml` path relative to `source_dir`, and loads
/// its fonts into `book`.
pub fn load(name: &str, source_dir: &Path, book: &mut FontBook) -> Result<Style> {
    load_with_warnings(name, source_dir, book).map(|(style, _)| style)
}

/// Like [`load`], and also returns warnings for keys of the style file that no style has
/// (they are ignored).
pub fn load_with_warnings(
    name: &str,
    source_dir: &Path,
    book: &mut FontBook,
) -> Result<(Style, Vec<Warning>)> {
    let base: toml::Table = parse_toml(PEN_NOTES, Path::new("styles/pen-notes.toml"))?;
    let overlay = match name {
        "pen-notes" => None,
        "clean" => Some(parse_toml(CLEAN, Path::new("styles/clean.toml"))?),
        path if path.ends_with(".toml") => {
            let full = source_dir.join(path);
            let text = std::fs::read_to_string(&full).map_err(|e| {
                HanjiError::new(format!(
                    "cannot read style {} ({e}): check the `style:` path",
                    full.display()
                ))
            })?;
            Some(parse_toml(&text, &full)?)
        }
        other => {
            return Err(HanjiError::new(format!(
                "unknown style `{other}`: use one of {} or a path to a .toml file",
                BUILTIN_STYLES.join(", ")
            )))
        }
    };
    let mut merged = base.clone();
    let mut warnings = Vec::new();
    if let Some(mut overlay) = overlay {
        let mut unused = Vec::new();
        drop_unknown(&base, &mut overlay, "", &mut unused);
        for key in unused {
            warnings.push(Warning {
                line: None,
                message: format!(
                    "style `{name}`: `{key}` is not a style key and is ignored; see styles/pen-notes.toml for the keys"
                ),
            });
        }
        merge(&mut merged, overlay);
    }
    let raw: raw::RawStyle = toml::Value::Table(merged).try_into().map_err(|e| {
        HanjiError::new(format!("style `{name}`: {e}; see styles/pen-notes.toml for the keys"))
    })?;
    Ok((raw.resolve(name, book)?, warnings))
}

/// Tables whose keys are the user's own (colour names, font files).
const OPEN_TABLES: &[&str] = &["palette.colors", "fonts.size_factor"];

/// Removes from `over` every key that `base` (pen-notes, which names every key) does not have.
fn drop_unknown(base: &toml::Table, over: &mut toml::Table, prefix: &str, unused: &mut Vec<String>) {
    let keys: Vec<String> = over.keys().cloned().collect();
    for key in keys {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match (base.get(&key), over.get_mut(&key)) {
            (None, _) => {
                over.remove(&key);
                unused.push(path);
            }
            (Some(toml::Value::Table(b)), Some(toml::Value::Table(o)))
                if !OPEN_TABLES.contains(&path.as_str()) =>
            {
                drop_unknown(b, o, &path, unused)
            }
            _ => {}
        }
    }
}

fn parse_toml(text: &str, path: &Path) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        let line = e.span().map(|s| text[..s.start].lines().count().max(1));
        HanjiError {
            file: Some(path.to_path_buf()),
            line,
            message: format!("bad style TOML: {}", e.message()),
        }
    })
}

/// Lays `over` onto `base`, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

pub(crate) fn color(key: &str, hex: &str) -> Result<Color> {
    Color::from_hex(hex).ok_or_else(|| {
        HanjiError::new(format!("style key `{key}` = \"{hex}\" is not a colour: write it as \"#rrggbb\""))
    })
}

pub(crate) fn mm(value: f32) -> f32 {
    value * MM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_styles_resolve() {
        for name in BUILTIN_STYLES {
            let mut book = FontBook::new();
            let style = load(name, Path::new("."), &mut book).unwrap();
            assert!(style.text.size > 0.0);
            assert!(!style.order.is_empty());
            assert!(
                style.order.iter().all(|n| style.color(n).is_some()),
                "{name}: palette order names a missing colour"
            );
        }
    }

    #[test]
    fn clean_overrides_only_what_it_names() {
        let mut book = FontBook::new();
        let pen = load("pen-notes", Path::new("."), &mut book).unwrap();
        let clean = load("clean", Path::new("."), &mut book).unwrap();
        assert!(pen.grid.enabled && !clean.grid.enabled);
        assert_eq!(pen.palette, clean.palette);
        assert_ne!(pen.fonts.body, clean.fonts.body);
    }

    #[test]
    fn unknown_keys_are_warnings_and_bad_colours_are_errors() {
        let dir = std::env::temp_dir().join(format!("hanji-style-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("typo.toml"), "[grid]\npich_mm = 4\n").unwrap();
        std::fs::write(dir.join("colour.toml"), "[page]\npaper = \"white\"\n").unwrap();
        let mut book = FontBook::new();
        let (style, warnings) = load_with_warnings("typo.toml", &dir, &mut book).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("`grid.pich_mm` is not a style key"), "{}", warnings[0].message);
        assert_eq!(style.grid.pitch, load("pen-notes", &dir, &mut book).unwrap().grid.pitch);
        let colour = load("colour.toml", &dir, &mut book).unwrap_err();
        assert!(colour.message.contains("#rrggbb"), "{}", colour.message);
        assert!(load("nope", &dir, &mut book).unwrap_err().message.contains("pen-notes"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
