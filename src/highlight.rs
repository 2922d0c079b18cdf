//! Syntax highlighting of fenced code: which bytes of a code block are keywords, strings,
//! comments… as byte ranges with a token class. Nothing here knows colours or PDF: the style
//! maps each class to a colour.
//!
//! The grammars are syntect's bundled Sublime Text syntaxes, matched with the pure-Rust
//! `fancy-regex`. TOML, which that set lacks, has a small lexer of its own below. The syntax
//! set is read from its compressed dump once per process, and only when a document has a code
//! block in a language known here.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};

use crate::limits::{MAX_HIGHLIGHT_BYTES, MAX_HIGHLIGHT_LINE_BYTES, MAX_HIGHLIGHT_TOTAL_BYTES};

/// What a token is, as far as its colour goes. Text in no class is set in the ink colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    Keyword,
    String,
    Comment,
    Number,
    Function,
    Type,
    Constant,
    Operator,
    Punctuation,
    /// Keys of configuration files (YAML, JSON, TOML) and attributes.
    Property,
}

impl Class {
    /// Every class, in the order of the style's keys.
    pub const ALL: [Class; 10] = [
        Class::Keyword,
        Class::String,
        Class::Comment,
        Class::Number,
        Class::Function,
        Class::Type,
        Class::Constant,
        Class::Operator,
        Class::Punctuation,
        Class::Property,
    ];

    /// The class's key in a style's `[code.highlight]` table.
    pub fn key(self) -> &'static str {
        match self {
            Class::Keyword => "keyword",
            Class::String => "string",
            Class::Comment => "comment",
            Class::Number => "number",
            Class::Function => "function",
            Class::Type => "type",
            Class::Constant => "constant",
            Class::Operator => "operator",
            Class::Punctuation => "punctuation",
            Class::Property => "property",
        }
    }
}

/// A highlighted stretch of a code block's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub class: Class,
}

/// Fence info strings (lower case) and the grammar each names.
const LANGUAGES: &[(&str, Grammar)] = &[
    ("python", Grammar::Syntect("Python")),
    ("py", Grammar::Syntect("Python")),
    ("python3", Grammar::Syntect("Python")),
    ("rust", Grammar::Syntect("Rust")),
    ("rs", Grammar::Syntect("Rust")),
    ("javascript", Grammar::Syntect("JavaScript")),
    ("js", Grammar::Syntect("JavaScript")),
    ("jsx", Grammar::Syntect("JavaScript")),
    ("mjs", Grammar::Syntect("JavaScript")),
    ("cjs", Grammar::Syntect("JavaScript")),
    ("node", Grammar::Syntect("JavaScript")),
    // The bundled set has no TypeScript: JavaScript's grammar colours all but the type
    // annotations, which stay in the ink colour.
    ("typescript", Grammar::Syntect("JavaScript")),
    ("ts", Grammar::Syntect("JavaScript")),
    ("tsx", Grammar::Syntect("JavaScript")),
    ("bash", Grammar::Syntect("Bourne Again Shell (bash)")),
    ("sh", Grammar::Syntect("Bourne Again Shell (bash)")),
    ("shell", Grammar::Syntect("Bourne Again Shell (bash)")),
    ("zsh", Grammar::Syntect("Bourne Again Shell (bash)")),
    ("json", Grammar::Syntect("JSON")),
    ("jsonc", Grammar::Syntect("JSON")),
    ("yaml", Grammar::Syntect("YAML")),
    ("yml", Grammar::Syntect("YAML")),
    ("toml", Grammar::Toml),
    ("sql", Grammar::Syntect("SQL")),
    ("c", Grammar::Syntect("C")),
    ("h", Grammar::Syntect("C")),
    ("cpp", Grammar::Syntect("C++")),
    ("c++", Grammar::Syntect("C++")),
    ("cc", Grammar::Syntect("C++")),
    ("cxx", Grammar::Syntect("C++")),
    ("hpp", Grammar::Syntect("C++")),
    ("go", Grammar::Syntect("Go")),
    ("golang", Grammar::Syntect("Go")),
    ("java", Grammar::Syntect("Java")),
    // More of the bundled set, each checked to colour sensibly with the classes above.
    ("ruby", Grammar::Syntect("Ruby")),
    ("rb", Grammar::Syntect("Ruby")),
    ("lua", Grammar::Syntect("Lua")),
    ("html", Grammar::Syntect("HTML")),
    ("xml", Grammar::Syntect("XML")),
    ("css", Grammar::Syntect("CSS")),
    ("php", Grammar::Syntect("PHP")),
    ("haskell", Grammar::Syntect("Haskell")),
    ("hs", Grammar::Syntect("Haskell")),
    ("csharp", Grammar::Syntect("C#")),
    ("c#", Grammar::Syntect("C#")),
    ("cs", Grammar::Syntect("C#")),
    ("makefile", Grammar::Syntect("Makefile")),
    ("make", Grammar::Syntect("Makefile")),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grammar {
    /// A syntax of syntect's bundled set, by name.
    Syntect(&'static str),
    Toml,
}

/// The grammar a fence's info string names (`python`, `{.rust}`, `C++`), if Hanji knows it.
fn grammar(lang: &str) -> Option<Grammar> {
    let name = lang.trim_start_matches(['{', '.']);
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '-' | '_')))
        .unwrap_or(name.len());
    let name = name[..end].to_ascii_lowercase();
    LANGUAGES.iter().find(|(key, _)| *key == name).map(|(_, grammar)| *grammar)
}

/// Whether a fence's language is highlighted.
pub fn is_known(lang: &str) -> bool {
    grammar(lang).is_some()
}

/// The tokens of `text` in the language `lang` names, in order and not overlapping, adjacent
/// ones of one class merged; text between them has no class. `None` when the language is
/// unknown (or the text too long): the block is set in one colour.
pub fn highlight(lang: &str, text: &str) -> Option<Vec<Token>> {
    if text.len() > MAX_HIGHLIGHT_BYTES {
        return None;
    }
    let tokens = match grammar(lang)? {
        Grammar::Syntect(name) => syntect_tokens(name, text)?,
        Grammar::Toml => toml_tokens(text),
    };
    Some(merged(text, tokens))
}

/// Highlighted code blocks by text, then language: fitting lays a box out at several scales,
/// and each highlighting would be done again.
#[derive(Default)]
pub struct Cache {
    blocks: HashMap<String, Vec<(String, Highlighted)>>,
    /// Bytes highlighted so far, against `MAX_HIGHLIGHT_TOTAL_BYTES`.
    spent: usize,
}

/// A block's tokens, shared between its layouts; `None` when it is set in one colour.
pub type Highlighted = Option<Rc<[Token]>>;

impl Cache {
    /// [`highlight`], once per text and language.
    pub fn get(&mut self, lang: &str, text: &str) -> Highlighted {
        if !is_known(lang) {
            return None;
        }
        if let Some((_, tokens)) =
            self.blocks.get(text).and_then(|of_text| of_text.iter().find(|(l, _)| l == lang))
        {
            return tokens.clone();
        }
        self.spent += text.len();
        let tokens: Highlighted =
            if self.spent > MAX_HIGHLIGHT_TOTAL_BYTES { None } else { highlight(lang, text).map(Rc::from) };
        self.blocks.entry(text.to_string()).or_default().push((lang.to_string(), tokens.clone()));
        tokens
    }
}

/// The bundled syntaxes, read from their dump on first use.
static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

fn syntaxes() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Whether this process has read the bundled syntaxes: only code in a language that needs
/// them does.
pub fn syntaxes_loaded() -> bool {
    SYNTAXES.get().is_some()
}

fn syntect_tokens(name: &str, text: &str) -> Option<Vec<Token>> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_name(name)?;
    let scopes = scopes();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut tokens = Vec::new();
    let mut line_start = 0;
    let mut buffer = String::new();
    for line in text.split_inclusive('\n') {
        if line.len() > MAX_HIGHLIGHT_LINE_BYTES {
            break;
        }
        // The grammars expect each line to end with a newline, the last one too.
        buffer.clear();
        buffer.push_str(line);
        if !buffer.ends_with('\n') {
            buffer.push('\n');
        }
        // A pattern that backtracks too long is an error: the rest stays in one colour.
        let Ok(ops) = state.parse_line(&buffer, set) else { break };
        let mut at = 0;
        for (offset, op) in ops {
            let offset = offset.min(line.len());
            if offset > at {
                push_token(&mut tokens, line_start, line, at..offset, &stack, scopes);
                at = offset;
            }
            if stack.apply(&op).is_err() {
                return Some(tokens);
            }
        }
        if at < line.len() {
            push_token(&mut tokens, line_start, line, at..line.len(), &stack, scopes);
        }
        line_start += line.len();
    }
    Some(tokens)
}

fn push_token(
    tokens: &mut Vec<Token>,
    line_start: usize,
    line: &str,
    range: Range<usize>,
    stack: &ScopeStack,
    scopes: &Scopes,
) {
    let Some(piece) = line.get(range.clone()) else { return };
    if let Some(class) = classify(stack.as_slice(), piece, scopes) {
        tokens.push(Token { range: line_start + range.start..line_start + range.end, class });
    }
}

/// Scope names the classes are read from, parsed once.
struct Scopes {
    source: Scope,
    comment: Scope,
    comment_mark: Scope,
    number: Scope,
    key: Vec<Scope>,
    string: Scope,
    string_mark: Scope,
    string_prefix: Scope,
    constant: Vec<Scope>,
    operator: Scope,
    keyword: Scope,
    storage_type: Scope,
    storage_modifier: Scope,
    function: Vec<Scope>,
    property: Vec<Scope>,
    types: Vec<Scope>,
    language_variable: Scope,
    punctuation: Scope,
}

fn scopes() -> &'static Scopes {
    static SCOPES: OnceLock<Scopes> = OnceLock::new();
    SCOPES.get_or_init(|| {
        // Fixed names that always parse; a name that did not would match nothing.
        let one = |name: &str| Scope::new(name).unwrap_or_default();
        let many = |names: &[&str]| names.iter().filter_map(|n| Scope::new(n).ok()).collect();
        Scopes {
            source: one("source"),
            comment: one("comment"),
            comment_mark: one("punctuation.definition.comment"),
            number: one("constant.numeric"),
            key: many(&["meta.structure.dictionary.key", "meta.mapping.key"]),
            string: one("string"),
            string_mark: one("punctuation.definition.string"),
            string_prefix: one("storage.type.string"),
            constant: many(&[
                "constant",
                "entity.name.constant",
                "variable.other.constant",
                "support.constant",
            ]),
            operator: one("keyword.operator"),
            keyword: one("keyword"),
            storage_type: one("storage.type"),
            storage_modifier: one("storage.modifier"),
            function: many(&[
                "entity.name.function",
                "variable.function",
                "support.function",
                "support.macro",
                "variable.annotation",
                "punctuation.definition.annotation",
            ]),
            property: many(&["entity.name.tag", "entity.other.attribute-name"]),
            types: many(&["entity.name", "entity.other.inherited-class", "support.type", "support.class"]),
            language_variable: one("variable.language"),
            punctuation: one("punctuation"),
        }
    })
}

/// Words grammars scope as `storage.type` that declare rather than name a type (`let`, `def`,
/// `struct`): keywords. Other `storage.type` words (`int`, `u32`) are types.
const DECLARING: &[&str] = &[
    "auto",
    "class",
    "const",
    "def",
    "enum",
    "extern",
    "fn",
    "func",
    "function",
    "impl",
    "interface",
    "let",
    "macro_rules",
    "mod",
    "namespace",
    "package",
    "static",
    "struct",
    "template",
    "trait",
    "type",
    "typedef",
    "typename",
    "union",
    "var",
    "=>",
];

/// The class of a token under `stack` (outermost scope first), or `None` for plain text.
fn classify(stack: &[Scope], text: &str, s: &Scopes) -> Option<Class> {
    let is = |scope: &Scope, prefix: &Scope| prefix.is_prefix_of(*scope);
    let any = |scope: &Scope, prefixes: &[Scope]| prefixes.iter().any(|p| p.is_prefix_of(*scope));
    // The scopes that belong to this token's own language: up to an embedding `source`.
    let own = stack.iter().rev().take_while(|scope| !is(scope, &s.source));
    // Comments, numbers and keys colour everything inside them, punctuation too.
    for scope in own.clone() {
        if is(scope, &s.comment) {
            return Some(Class::Comment);
        }
        if is(scope, &s.number) {
            return Some(Class::Number);
        }
        if any(scope, &s.key) {
            return Some(Class::Property);
        }
    }
    let word = text.trim();
    let wordy = !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || c == '_');
    for scope in own {
        let class = if is(scope, &s.comment_mark) {
            Class::Comment
        } else if is(scope, &s.string_mark) || is(scope, &s.string) || is(scope, &s.string_prefix) {
            Class::String
        } else if any(scope, &s.constant) {
            Class::Constant
        } else if is(scope, &s.operator) {
            // `and`, `not`, `instanceof` are operators spelt as words: keywords to the eye.
            if wordy {
                Class::Keyword
            } else {
                Class::Operator
            }
        } else if is(scope, &s.keyword) {
            Class::Keyword
        } else if is(scope, &s.storage_type) {
            if DECLARING.contains(&word) {
                Class::Keyword
            } else {
                Class::Type
            }
        } else if is(scope, &s.storage_modifier) {
            if wordy {
                Class::Keyword
            } else {
                Class::Punctuation
            }
        } else if any(scope, &s.function) {
            Class::Function
        } else if any(scope, &s.property) {
            Class::Property
        } else if any(scope, &s.types) {
            Class::Type
        } else if is(scope, &s.language_variable) {
            Class::Keyword
        } else if is(scope, &s.punctuation) {
            Class::Punctuation
        } else {
            continue;
        };
        return Some(class);
    }
    None
}

/// Tokens in order with adjacent ones of one class joined, also across the white space and
/// line ends between them (their colour does not show, and fewer runs make a smaller page).
fn merged(text: &str, tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if token.range.is_empty()
            || !text.is_char_boundary(token.range.start)
            || !text.is_char_boundary(token.range.end)
            || token.range.end > text.len()
        {
            continue;
        }
        if let Some(last) = out.last_mut() {
            if token.range.start < last.range.end {
                continue;
            }
            let gap = &text[last.range.end..token.range.start];
            if last.class == token.class && gap.chars().all(char::is_whitespace) {
                last.range.end = token.range.end;
                continue;
            }
        }
        out.push(token);
    }
    out
}

/// TOML, which the bundled set lacks: comments, `[table]` headers, keys (bare, quoted and
/// dotted), strings of the four kinds, numbers and dates, booleans, and punctuation.
fn toml_tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    // Open arrays and inline tables.
    let mut open: Vec<u8> = Vec::new();
    // A key may start here: at a line's start outside brackets, or after `{` or `,` in an
    // inline table.
    let mut key_next = true;
    let mut i = 0;
    let push = |tokens: &mut Vec<Token>, range: Range<usize>, class| tokens.push(Token { range, class });
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                if open.is_empty() {
                    key_next = true;
                }
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                let end = line_end(bytes, i);
                push(&mut tokens, i..end, Class::Comment);
                i = end;
            }
            b'[' if key_next && open.is_empty() => {
                // A table header, `[a.b]` or `[[a]]`, to the line's end or its comment.
                let end = bytes[i..line_end(bytes, i)]
                    .iter()
                    .rposition(|&c| c == b']')
                    .map_or(line_end(bytes, i), |p| i + p + 1);
                push(&mut tokens, i..end, Class::Type);
                key_next = false;
                i = end;
            }
            b'"' | b'\'' => {
                let end = string_end(bytes, i);
                push(&mut tokens, i..end, if key_next { Class::Property } else { Class::String });
                i = end;
            }
            b'=' => {
                push(&mut tokens, i..i + 1, Class::Operator);
                key_next = false;
                i += 1;
            }
            b'[' | b'{' => {
                open.push(b);
                key_next = b == b'{';
                push(&mut tokens, i..i + 1, Class::Punctuation);
                i += 1;
            }
            b']' | b'}' => {
                open.pop();
                push(&mut tokens, i..i + 1, Class::Punctuation);
                i += 1;
            }
            b',' | b'.' => {
                key_next = key_next || (b == b',' && open.last() == Some(&b'{'));
                push(&mut tokens, i..i + 1, Class::Punctuation);
                i += 1;
            }
            _ if is_bare(b) => {
                let mut end = i;
                if key_next {
                    while end < bytes.len()
                        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'_' | b'-'))
                    {
                        end += 1;
                    }
                    if end == i {
                        // `+` or `:` where a key would start is no key: step over it (a
                        // token of nothing here was a loop without end, fuzz finding 12).
                        i += 1;
                        continue;
                    }
                    push(&mut tokens, i..end, Class::Property);
                } else {
                    while end < bytes.len() && (is_bare(bytes[end]) || bytes[end] == b'.') {
                        end += 1;
                    }
                    let word = &text[i..end];
                    let number = word.trim_start_matches(['+', '-']);
                    if matches!(word, "true" | "false") {
                        push(&mut tokens, i..end, Class::Constant);
                    } else if number.starts_with(|c: char| c.is_ascii_digit())
                        || matches!(number, "inf" | "nan")
                    {
                        push(&mut tokens, i..end, Class::Number);
                    }
                }
                i = end;
            }
            _ => {
                // Anything else (not TOML, or not ASCII) stays plain, a whole character at once.
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    tokens
}

/// Characters of a bare key or a value word (numbers, dates and times, `true`, `inf`); a
/// value word also takes dots (`1.5`), which separate the parts of a key.
fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b':')
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&c| c == b'\n').map_or(bytes.len(), |p| from + p)
}

/// The end of the string starting at `start` with `"`, `'`, `"""` or `'''`: after its closing
/// quotes, or at the line's end (or the text's, for a multi-line string) when it is not closed.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let triple = bytes.len() >= start + 3 && bytes[start + 1] == quote && bytes[start + 2] == quote;
    let mut i = start + if triple { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\n' if !triple => return i,
            c if c == quote => {
                if !triple {
                    return i + 1;
                }
                if bytes.len() >= i + 3 && bytes[i + 1] == quote && bytes[i + 2] == quote {
                    // Up to two more quotes may close a multi-line string (`""""` ends in `"`).
                    let mut end = i + 3;
                    while end < bytes.len() && end < i + 5 && bytes[end] == quote {
                        end += 1;
                    }
                    return end;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class of the first token covering `needle` in `text`.
    fn class_of(tokens: &[Token], text: &str, needle: &str) -> Option<Class> {
        let at = text.find(needle)?;
        tokens.iter().find(|t| t.range.start <= at && at < t.range.end).map(|t| t.class)
    }

    fn check(lang: &str, text: &str, expected: &[(&str, Option<Class>)]) {
        let tokens = highlight(lang, text).unwrap_or_else(|| panic!("{lang} is known"));
        for (needle, class) in expected {
            assert_eq!(class_of(&tokens, text, needle), *class, "{lang}: `{needle}` in {tokens:?}");
        }
    }

    #[test]
    fn classes_are_listed_in_their_order() {
        for (index, class) in Class::ALL.into_iter().enumerate() {
            assert_eq!(class as usize, index, "{class:?}");
        }
    }

    #[test]
    fn every_language_names_a_bundled_syntax() {
        for (lang, grammar) in LANGUAGES {
            if let Grammar::Syntect(name) = grammar {
                assert!(syntaxes().find_syntax_by_name(name).is_some(), "{lang} → {name}");
            }
        }
    }

    #[test]
    fn info_strings_are_read_loosely_and_unknown_ones_are_none() {
        assert_eq!(grammar("Python"), Some(Grammar::Syntect("Python")));
        assert_eq!(grammar("{.rust}"), Some(Grammar::Syntect("Rust")));
        assert_eq!(grammar("C++"), Some(Grammar::Syntect("C++")));
        assert_eq!(grammar("toml"), Some(Grammar::Toml));
        assert_eq!(grammar("ts"), Some(Grammar::Syntect("JavaScript")));
        assert_eq!(grammar("python,linenos"), Some(Grammar::Syntect("Python")));
        for unknown in ["", "text", "mermaid-ish", "한글", "{.x}", "pythonic"] {
            assert_eq!(grammar(unknown), None, "{unknown}");
            assert_eq!(highlight(unknown, "def f(): pass"), None);
        }
    }

    #[test]
    fn python_tokens() {
        let text = "import os\n@cache\ndef area(r: float = 2.5) -> float:\n    \"\"\"Doc.\"\"\"\n    return 3.14 * r ** 2  # pi r squared\nclass Box(Base): pass\nx = f\"{r!r} and {y}\" if r is not None else True\n";
        check(
            "python",
            text,
            &[
                ("import", Some(Class::Keyword)),
                ("cache", Some(Class::Function)),
                ("def", Some(Class::Keyword)),
                ("area", Some(Class::Function)),
                ("float", Some(Class::Type)),
                ("2.5", Some(Class::Number)),
                ("Doc", Some(Class::Comment)),
                ("return", Some(Class::Keyword)),
                ("*", Some(Class::Operator)),
                ("# pi", Some(Class::Comment)),
                ("squared", Some(Class::Comment)),
                ("class", Some(Class::Keyword)),
                ("Box", Some(Class::Type)),
                (" and ", Some(Class::String)),
                ("{y}", Some(Class::Punctuation)),
                ("y}", None),
                ("not", Some(Class::Keyword)),
                ("None", Some(Class::Constant)),
                ("True", Some(Class::Constant)),
                ("(", Some(Class::Punctuation)),
                ("os", None),
            ],
        );
    }

    #[test]
    fn rust_tokens() {
        let text = "use std::fmt;\n#[derive(Debug)]\npub struct Point { x: u32 }\nfn main() {\n    let v: Vec<i32> = vec![1, 0x1f]; // note\n    println!(\"{}\", v.len());\n}\nconst MAX: usize = 10;\n";
        check(
            "rust",
            text,
            &[
                ("use", Some(Class::Keyword)),
                ("derive", Some(Class::Function)),
                ("pub", Some(Class::Keyword)),
                ("struct", Some(Class::Keyword)),
                ("Point", Some(Class::Type)),
                ("u32", Some(Class::Type)),
                ("fn", Some(Class::Keyword)),
                ("main", Some(Class::Function)),
                ("let", Some(Class::Keyword)),
                ("i32", Some(Class::Type)),
                ("vec!", Some(Class::Function)),
                ("0x1f", Some(Class::Number)),
                ("// note", Some(Class::Comment)),
                ("\"{}\"", Some(Class::String)),
                ("{}\"", Some(Class::Constant)),
                ("MAX", Some(Class::Constant)),
                ("=", Some(Class::Operator)),
                (";", Some(Class::Punctuation)),
            ],
        );
    }

    #[test]
    fn the_other_languages_colour_their_keywords_strings_and_comments() {
        type Expected<'a> = &'a [(&'a str, Option<Class>)];
        let cases: &[(&str, &str, Expected)] = &[
            (
                "js",
                "const add = (a, b) => a + b; // sum\nconsole.log(`hi ${add(1, 2)}`, null);\n",
                &[
                    ("const", Some(Class::Keyword)),
                    ("// sum", Some(Class::Comment)),
                    ("`hi", Some(Class::String)),
                    ("1", Some(Class::Number)),
                    ("null", Some(Class::Constant)),
                ],
            ),
            (
                "ts",
                "function greet(name: string): void { return; } // x\n",
                &[
                    ("function", Some(Class::Keyword)),
                    ("greet", Some(Class::Function)),
                    ("// x", Some(Class::Comment)),
                ],
            ),
            (
                "sh",
                "# build\nfor f in *.md; do echo \"$f\" | grep -v x; done\n",
                &[
                    ("# build", Some(Class::Comment)),
                    ("for", Some(Class::Keyword)),
                    ("echo", Some(Class::Function)),
                    ("\"$f\"", Some(Class::String)),
                    ("|", Some(Class::Operator)),
                ],
            ),
            (
                "json",
                "{\"name\": \"hanji\", \"n\": 1.5, \"ok\": true}",
                &[
                    ("\"name\"", Some(Class::Property)),
                    ("\"hanji\"", Some(Class::String)),
                    ("1.5", Some(Class::Number)),
                    ("true", Some(Class::Constant)),
                    (":", Some(Class::Punctuation)),
                ],
            ),
            (
                "yaml",
                "# config\nname: hanji\nversion: 1.5\nitems:\n  - \"quoted\"\n",
                &[
                    ("# config", Some(Class::Comment)),
                    ("name", Some(Class::Property)),
                    ("hanji", Some(Class::String)),
                    ("1.5", Some(Class::Number)),
                    ("\"quoted\"", Some(Class::String)),
                ],
            ),
            (
                "sql",
                "-- all\nSELECT name, COUNT(*) FROM users WHERE age > 30 AND name LIKE 'a%';\n",
                &[
                    ("-- all", Some(Class::Comment)),
                    ("SELECT", Some(Class::Keyword)),
                    ("COUNT", Some(Class::Function)),
                    ("30", Some(Class::Number)),
                    ("'a%'", Some(Class::String)),
                ],
            ),
            (
                "c",
                "#include <stdio.h>\n/* block */\nstatic int add(int a) { return a + 1; }\n",
                &[
                    ("#include", Some(Class::Keyword)),
                    ("<stdio.h>", Some(Class::String)),
                    ("/* block */", Some(Class::Comment)),
                    ("static", Some(Class::Keyword)),
                    ("int", Some(Class::Type)),
                    ("add", Some(Class::Function)),
                    ("return", Some(Class::Keyword)),
                ],
            ),
            (
                "cpp",
                "template <typename T> class Box { public: T v; }; // c\nauto p = nullptr;\n",
                &[
                    ("template", Some(Class::Keyword)),
                    ("class", Some(Class::Keyword)),
                    ("Box", Some(Class::Type)),
                    ("// c", Some(Class::Comment)),
                    ("auto", Some(Class::Keyword)),
                    ("nullptr", Some(Class::Constant)),
                ],
            ),
            (
                "go",
                "package main\n// Add adds.\nfunc Add(a int) int { return a + 1 }\n",
                &[
                    ("package", Some(Class::Keyword)),
                    ("// Add", Some(Class::Comment)),
                    ("func", Some(Class::Keyword)),
                    ("Add(", Some(Class::Function)),
                    ("int", Some(Class::Type)),
                    ("1", Some(Class::Number)),
                ],
            ),
            (
                "java",
                "public class Main { void run() { String s = \"hi\"; int n = 42; } } // c\n",
                &[
                    ("public", Some(Class::Keyword)),
                    ("class", Some(Class::Keyword)),
                    ("Main", Some(Class::Type)),
                    ("void", Some(Class::Type)),
                    ("\"hi\"", Some(Class::String)),
                    ("42", Some(Class::Number)),
                    ("// c", Some(Class::Comment)),
                ],
            ),
        ];
        for (lang, text, expected) in cases {
            check(lang, text, expected);
        }
    }

    #[test]
    fn toml_tokens_always_move_on() {
        // Fuzz finding 12: `:` after a quoted key, where a key could start, never ended.
        let tokens = toml_tokens("\"50% world\" : 1e400\n+ = 1\n");
        assert!(tokens.iter().all(|t| !t.range.is_empty()), "{tokens:?}");
        assert!(tokens.iter().any(|t| t.class == Class::Number));
    }

    #[test]
    fn toml_tokens_cover_keys_tables_values_and_comments() {
        let text = "# style\n[code.highlight]\nkeyword = \"#7048a8\"   # violet\n\"NanumPen.ttf\" = 1.45\nsite.name = 'x'\nlist = [1, -2_000, 3e5, inf]\ninline = { a = true, b = 1979-05-27T07:32:00Z }\ntext = \"\"\"\nmany = 'lines'\n\"\"\"\n";
        check(
            "toml",
            text,
            &[
                ("# style", Some(Class::Comment)),
                ("[code.highlight]", Some(Class::Type)),
                ("keyword", Some(Class::Property)),
                ("= \"", Some(Class::Operator)),
                ("\"#7048a8\"", Some(Class::String)),
                ("# violet", Some(Class::Comment)),
                ("\"NanumPen.ttf\"", Some(Class::Property)),
                ("1.45", Some(Class::Number)),
                ("site", Some(Class::Property)),
                (".name", Some(Class::Punctuation)),
                ("name =", Some(Class::Property)),
                ("'x'", Some(Class::String)),
                ("-2_000", Some(Class::Number)),
                ("3e5", Some(Class::Number)),
                ("inf", Some(Class::Number)),
                ("a =", Some(Class::Property)),
                ("true", Some(Class::Constant)),
                ("b =", Some(Class::Property)),
                ("1979", Some(Class::Number)),
                ("many", Some(Class::String)),
                ("[1", Some(Class::Punctuation)),
            ],
        );
    }

    #[test]
    fn tokens_are_ordered_on_character_bounds_and_merged() {
        let text = "s = \"한글 ✓\"  # 주석 comment\nt = [1, 2, 3]\n";
        for lang in ["python", "toml", "rust", "sh", "yaml"] {
            let tokens = highlight(lang, text).unwrap_or_default();
            assert!(!tokens.is_empty(), "{lang}");
            for pair in tokens.windows(2) {
                assert!(pair[0].range.end <= pair[1].range.start, "{lang}: {pair:?}");
                let gap = &text[pair[0].range.end..pair[1].range.start];
                let blank = gap.chars().all(char::is_whitespace);
                assert!(!(blank && pair[0].class == pair[1].class), "{lang}: not merged: {pair:?}");
            }
            for token in &tokens {
                assert!(text.get(token.range.clone()).is_some(), "{lang}: {token:?}");
            }
        }
        let comment = highlight("python", text).unwrap_or_default();
        assert_eq!(class_of(&comment, text, "comment"), Some(Class::Comment));
        assert_eq!(class_of(&comment, text, "주석"), Some(Class::Comment));
    }

    #[test]
    fn the_cache_highlights_each_block_once_within_a_documents_budget() {
        let mut cache = Cache::default();
        let block = "x = 1  # one\n".repeat(MAX_HIGHLIGHT_BYTES / 14);
        assert!(cache.get("text", &block).is_none());
        assert_eq!(cache.spent, 0, "unknown languages cost nothing");
        let first = cache.get("python", &block);
        assert!(first.is_some());
        let again = cache.get("python", &block);
        assert!(matches!((&first, &again), (Some(a), Some(b)) if Rc::ptr_eq(a, b)), "highlighted once");
        assert!(cache.get("rust", &block).is_some(), "another language is another entry");
        let mut other = 0;
        let mut coloured = 0;
        while cache.spent <= MAX_HIGHLIGHT_TOTAL_BYTES {
            other += 1;
            coloured += usize::from(cache.get("python", &format!("{block}# {other}\n")).is_some());
        }
        assert!(coloured >= 1 && coloured < other, "{coloured} of {other}");
        assert!(cache.get("python", &format!("{block}# last\n")).is_none(), "past the budget: one colour");
        assert!(cache.get("python", &block).is_some(), "what was highlighted stays so");
    }

    #[test]
    fn long_code_is_left_in_one_colour() {
        let long = "x = 1\n".repeat(MAX_HIGHLIGHT_BYTES / 6 + 1);
        assert_eq!(highlight("python", &long), None);
        // A line too long to highlight ends the highlighting there.
        let text = format!("x = 1\ny = \"{}\"\nz = 2\n", "a".repeat(MAX_HIGHLIGHT_LINE_BYTES));
        let tokens = highlight("python", &text).unwrap_or_default();
        assert_eq!(class_of(&tokens, &text, "1"), Some(Class::Number));
        assert_eq!(class_of(&tokens, &text, "2"), None);
        // An unclosed string or comment runs to the end without trouble.
        for lang in ["python", "rust", "toml", "c", "json", "yaml"] {
            assert!(highlight(lang, "\"abc").is_some(), "{lang}");
            assert!(highlight(lang, "'''").is_some(), "{lang}");
            assert!(highlight(lang, "/*").is_some(), "{lang}");
        }
    }
}
