//! Styles: `styles/*.toml` resolved into plain values the layout reads. A style file names only
//! what it changes: it is laid over the built-in `pen-notes`, so nothing is inherited later.

mod raw;

use std::path::Path;

use crate::error::{HanjiError, Result, Warning};
use crate::frame::Color;
use crate::highlight::Class;
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
    /// The heading face thickened by a stroke, as `fake_bold` does for the bold face.
    pub heading_bold: bool,
    pub bold: FontId,
    pub fake_bold: bool,
    pub code: FontId,
    pub fallbacks: Vec<FontId>,
    /// Characters drawn from `symbol_font` whatever the span's font has: Korean fonts draw
    /// `\\` as ₩, and a hand font's math signs and arrows are borrowed, oversized and low.
    pub symbols: String,
    pub symbol_font: FontId,
    /// Tried before `fallbacks` inside code, so code stays monospaced.
    pub code_fallbacks: Vec<FontId>,
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

/// How content is fitted to its box: shrunk when it does not fit, grown when it leaves room.
#[derive(Debug, Clone, PartialEq)]
pub struct FitStyle {
    /// The smallest scale of the base size content may take.
    pub min_scale: f32,
    /// The largest scale content grows to in a box with room to spare.
    pub max_scale: f32,
    /// The largest ratio between the scales of two boxes of one sheet, so text sizes stay
    /// alike across the page.
    pub spread: f32,
    /// Boxes of one row share the smallest scale among them.
    pub harmony: bool,
    /// The largest a diagram grows into the room its box leaves, as a multiple of its natural
    /// size: its labels are at most this many times the body text.
    pub diagram_max_scale: f32,
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

/// Colours of highlighted code, one per token class; text in no class keeps the ink colour.
#[derive(Debug, Clone, PartialEq)]
pub struct HighlightStyle {
    /// Off: every code block in one colour, as one of an unknown language.
    pub enabled: bool,
    /// By [`Class`] in the order of [`Class::ALL`].
    pub colors: [Color; Class::ALL.len()],
}

impl HighlightStyle {
    pub fn color(&self, class: Class) -> Color {
        self.colors[class as usize]
    }
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
    pub highlight: HighlightStyle,
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
    // The overlay's text and file, to name the line of a bad value.
    let mut written: Option<(String, std::path::PathBuf)> = None;
    let overlay = match name {
        "pen-notes" => None,
        "clean" => {
            written = Some((CLEAN.to_string(), "styles/clean.toml".into()));
            Some(parse_toml(CLEAN, Path::new("styles/clean.toml"))?)
        }
        path if path.ends_with(".toml") => {
            let full = source_dir.join(path);
            let bytes = crate::files::read_limited(
                &full,
                crate::limits::MAX_STYLE_BYTES,
                "style",
                "check the `style:` path",
            )?;
            let text = String::from_utf8(bytes).map_err(|_| {
                HanjiError::at(Some(&full), 1, "the style file is not valid UTF-8: save it as UTF-8")
            })?;
            let table = parse_toml(&text, &full)?;
            written = Some((text, full));
            Some(table)
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
        if let Some((key, problem)) = wrong_type(&base, &overlay, "") {
            let (file, line) = match &written {
                Some((text, file)) => (Some(file.clone()), key_line(text, &key)),
                None => (None, None),
            };
            return Err(HanjiError { file, line, message: format!("style key `{key}` {problem}") });
        }
        merge(&mut merged, overlay);
    }
    let locate = |key: &str| match &written {
        Some((text, file)) => (Some(file.clone()), key_line(text, key)),
        None => (None, None),
    };
    let raw: raw::RawStyle = toml::Value::Table(merged).try_into().map_err(|e| {
        let (file, _) = locate("");
        HanjiError {
            file,
            line: None,
            message: format!(
                "style `{name}`: {}; see styles/pen-notes.toml for the keys",
                e.message().trim()
            ),
        }
    })?;
    Ok((raw.resolve(name, book, &locate)?, warnings))
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

/// The first key of `over` whose value is not of the kind `base` has there, with what it
/// should be: a number, a whole number, text, true/false, a list or a table.
fn wrong_type(base: &toml::Table, over: &toml::Table, prefix: &str) -> Option<(String, String)> {
    fn kind(value: &toml::Value) -> &'static str {
        match value {
            toml::Value::Integer(_) => "a whole number",
            toml::Value::Float(_) => "a number",
            toml::Value::String(_) => "text in quotes",
            toml::Value::Boolean(_) => "true or false",
            toml::Value::Array(_) => "a list",
            toml::Value::Table(_) => "a table",
            toml::Value::Datetime(_) => "a date",
        }
    }
    for (key, value) in over {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        // Open tables (colour names, font files) are checked against any of their entries.
        let expected =
            base.get(key).or_else(|| base.values().next().filter(|_| OPEN_TABLES.contains(&prefix)));
        let Some(expected) = expected else { continue };
        let fits = match (expected, value) {
            (toml::Value::Float(_), toml::Value::Integer(_)) => true,
            (toml::Value::Table(b), toml::Value::Table(o)) => {
                if let Some(found) = wrong_type(b, o, &path) {
                    return Some(found);
                }
                true
            }
            // A list's items are of the kind of the built-in list's first item.
            (toml::Value::Array(b), toml::Value::Array(o)) => match (
                b.first(),
                o.iter().find(|v| {
                    b.first().is_some_and(|e| std::mem::discriminant(e) != std::mem::discriminant(*v))
                }),
            ) {
                (Some(e), Some(v)) => {
                    return Some((path, format!("holds {}; its items must be {}", kind(v), kind(e))))
                }
                _ => true,
            },
            (e, v) => std::mem::discriminant(e) == std::mem::discriminant(v),
        };
        if !fits {
            return Some((path, format!("is {}; it must be {}", kind(value), kind(expected))));
        }
    }
    None
}

/// The line of a dotted key (`grid.pitch_mm`) in a TOML text, wherever the key was written
/// (under `[grid]`, as `grid.pitch_mm = …`, or in an inline table).
fn key_line(text: &str, key: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let table = DeTable::parse(text).ok()?;
    let mut current = table.get_ref();
    let mut span = None;
    let mut rest = key;
    // Key names may hold dots themselves (`fonts.size_factor."NanumPen.ttf"`).
    while !rest.is_empty() {
        let (name, value) = current.iter().find(|(k, _)| {
            let k: &str = k.get_ref().as_ref();
            rest == k || rest.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
        })?;
        span = Some(value.span());
        let name: &str = name.get_ref().as_ref();
        rest = rest[name.len()..].trim_start_matches('.');
        match value.get_ref() {
            DeValue::Table(inner) => current = inner,
            _ => break,
        }
    }
    let start = span?.start.min(text.len());
    Some(text.as_bytes()[..start].iter().filter(|&&b| b == b'\n').count() + 1)
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

    #[test]
    fn code_highlight_colours_are_read_and_checked() {
        let mut book = FontBook::new();
        for name in BUILTIN_STYLES {
            let style = load(name, Path::new("."), &mut book).unwrap();
            let colors = style.highlight.colors;
            assert!(style.highlight.enabled, "{name}");
            for (i, a) in colors.iter().enumerate() {
                assert_ne!(*a, style.page.ink, "{name}: {:?} is the ink colour", Class::ALL[i]);
                for (j, b) in colors.iter().enumerate().skip(i + 1) {
                    assert_ne!(a, b, "{name}: {:?} and {:?} share a colour", Class::ALL[i], Class::ALL[j]);
                }
            }
        }
        let pen = load("pen-notes", Path::new("."), &mut book).unwrap();
        let clean = load("clean", Path::new("."), &mut book).unwrap();
        assert_ne!(pen.highlight.color(Class::Keyword), clean.highlight.color(Class::Keyword));
        let dir = std::env::temp_dir().join(format!("hanji-style-highlight-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("mine.toml"),
            "[code.highlight]\nenabled = false\nkeyword = \"#ff0000\"\nitalic = true\n",
        )
        .unwrap();
        let (mine, warnings) = load_with_warnings("mine.toml", &dir, &mut book).unwrap();
        assert!(!mine.highlight.enabled);
        assert_eq!(Some(mine.highlight.color(Class::Keyword)), Color::from_hex("#ff0000"));
        assert_eq!(mine.highlight.color(Class::Comment), pen.highlight.color(Class::Comment));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("`code.highlight.italic`"), "{}", warnings[0].message);
        std::fs::write(dir.join("bad.toml"), "[code.highlight]\n\ncomment = \"grey\"\n").unwrap();
        let err = load("bad.toml", &dir, &mut book).unwrap_err();
        assert_eq!(err.line, Some(3), "{}", err.message);
        assert!(err.message.contains("code.highlight.comment"), "{}", err.message);
        std::fs::write(dir.join("kind.toml"), "[code.highlight]\nenabled = \"yes\"\n").unwrap();
        let err = load("kind.toml", &dir, &mut book).unwrap_err();
        assert_eq!(err.line, Some(2), "{}", err.message);
        assert!(err.message.contains("true or false"), "{}", err.message);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn key_lines_are_found_however_the_key_is_written() {
        let text =
            "# mine\n[grid]\nenabled = true\npitch_mm = 4\n\n[fonts.size_factor]\n\"NanumPen.ttf\" = 2\n";
        assert_eq!(key_line(text, "grid.pitch_mm"), Some(4));
        assert_eq!(key_line(text, "fonts.size_factor.NanumPen.ttf"), Some(7));
        assert_eq!(key_line("text.size = 3\n", "text.size"), Some(1));
        assert_eq!(key_line("[box]\nx = { y = 1 }\n", "box.x.y"), Some(2));
        assert_eq!(key_line(text, "grid.nothing"), None);
    }

    #[test]
    fn values_of_the_wrong_kind_are_named() {
        let base: toml::Table = PEN_NOTES.parse().unwrap();
        let over = |text: &str| wrong_type(&base, &text.parse().unwrap(), "");
        assert_eq!(over("[text]\nsize = 10\n"), None, "a whole number is a number");
        let (key, problem) = over("[grid]\nmajor_every = 2.5\n").unwrap();
        assert_eq!(
            (key.as_str(), problem.as_str()),
            ("grid.major_every", "is a number; it must be a whole number")
        );
        assert_eq!(over("[palette.colors]\nmint = 3\n").unwrap().0, "palette.colors.mint");
        assert_eq!(over("fonts = 3\n").unwrap().1, "is a whole number; it must be a table");
        assert_eq!(
            over("[fonts]\nfallbacks = [1]\n").unwrap().1,
            "holds a whole number; its items must be text in quotes"
        );
    }

    #[test]
    fn numbers_outside_their_range_fail_at_their_line() {
        let dir = std::env::temp_dir().join(format!("hanji-style-range-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut book = FontBook::new();
        for (text, key, line) in [
            ("[grid]\npitch_mm = 1e-30\n", "grid.pitch_mm", 2),
            ("\n\n[text]\nsize = nan\n", "text.size", 4),
            ("[box]\nfill_alpha = 1.5\n", "box.fill_alpha", 2),
            ("[fit]\nmin_scale = -1\n", "fit.min_scale", 2),
        ] {
            std::fs::write(dir.join("bad.toml"), text).unwrap();
            let err = load("bad.toml", &dir, &mut book).unwrap_err();
            assert_eq!(err.line, Some(line), "{text}: {}", err.message);
            assert_eq!(err.file.as_deref(), Some(dir.join("bad.toml").as_path()));
            assert!(err.message.contains(key), "{}", err.message);
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
