//! Keeps `docs/layout.md` in step with the file formats: every field and
//! every value name the issue and layout files accept must be documented.
//!
//! The model sources are read as text (no build-time reflection): each
//! `pub struct` or `pub enum` at column 0 whose attributes derive
//! `Deserialize` is a part of a file format. Its `pub` fields (unless
//! `#[serde(skip)]`) are field names; the variants of an enum are value names
//! (`rename_all = "snake_case"` turns `Semibold` into `semibold`), except in
//! an `untagged` enum, which accepts its variants' contents, not their names.

use std::fs;
use std::path::Path;

/// The model files whose types make up the issue and layout files.
const MODEL_FILES: [&str; 2] = ["src/model/layout.rs", "src/model/issue.rs"];

/// The documentation these names must appear in.
const DOC: &str = "docs/layout.md";

/// A name a file format accepts, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Accepted {
    /// The name as written in JSON.
    name: String,
    /// `file: Type.field` or `file: Type::Variant`, for the failure message.
    origin: String,
}

/// What the attributes in front of an item, or of a field, say.
#[derive(Debug, Default)]
struct Attributes {
    /// The attributes' text, joined, without whitespace.
    text: String,
}

impl Attributes {
    fn push(&mut self, line: &str) {
        self.text
            .extend(line.chars().filter(|c| !c.is_whitespace()));
    }

    fn derives_deserialize(&self) -> bool {
        self.text.contains("derive(") && contains_word(&self.text, "Deserialize")
    }

    /// The serde words given (`skip`, `untagged`, `default`…).
    fn serde_has(&self, word: &str) -> bool {
        self.text
            .split("#[")
            .filter(|a| a.starts_with("serde("))
            .any(|a| contains_word(a, word))
    }

    /// The value of `key = "…"` in a serde attribute, such as `rename_all`.
    fn serde_value(&self, key: &str) -> Option<String> {
        let pattern = format!("{key}=\"");
        let mut rest = self.text.as_str();
        while let Some(at) = rest.find(&pattern) {
            let before = rest[..at].chars().next_back();
            let after = &rest[at + pattern.len()..];
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                return after.split('"').next().map(str::to_string);
            }
            rest = after;
        }
        None
    }

    /// The names a field or variant is read under, instead of its own:
    /// `rename`, plus any `alias`.
    fn renamed(&self) -> (Option<String>, Vec<String>) {
        let rename = self.serde_value("rename");
        let mut aliases = Vec::new();
        let mut rest = self.text.as_str();
        while let Some(at) = rest.find("alias=\"") {
            let after = &rest[at + "alias=\"".len()..];
            if let Some(name) = after.split('"').next() {
                aliases.push(name.to_string());
            }
            rest = after;
        }
        (rename, aliases)
    }

    fn clear(&mut self) {
        self.text.clear();
    }
}

/// Whether `text` has `word` with no identifier character on either side.
fn contains_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// `SemiboldItalic` → `semibold_italic`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The identifier at the start of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Braces opened minus braces closed on a line of code (comments skipped;
/// the model has no braces inside strings).
fn brace_balance(line: &str) -> i32 {
    let code = line.split("//").next().unwrap_or("");
    code.chars()
        .map(|c| match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
        })
        .sum()
}

/// Square brackets opened minus closed (for attributes over several lines).
fn bracket_balance(line: &str) -> i32 {
    line.chars()
        .map(|c| match c {
            '[' => 1,
            ']' => -1,
            _ => 0,
        })
        .sum()
}

/// What kind of block is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A struct: its `pub` fields are names.
    Struct,
    /// An enum whose variant names are values, converted as given.
    Enum { snake: bool },
    /// An untagged enum or a type that is not read from JSON: nothing to take.
    Ignored,
}

/// Every name the types of one source file accept, in order.
fn accepted_names(file: &str, source: &str) -> Vec<Accepted> {
    let mut out = Vec::new();
    // Attributes in front of the next item at column 0.
    let mut item_attrs = Attributes::default();
    // Open `[` of an attribute spread over lines.
    let mut attr_depth = 0;
    // The block being read: its kind, name and brace depth (0: outside).
    let mut block: Option<(Kind, String)> = None;
    let mut depth = 0;
    // Attributes in front of the next field or variant.
    let mut member_attrs = Attributes::default();

    for line in source.lines() {
        let trimmed = line.trim();
        if let Some((kind, type_name)) = block.clone() {
            let before = depth;
            depth += brace_balance(line);
            if depth <= 0 {
                block = None;
                depth = 0;
                continue;
            }
            // Only lines directly in the block (not inside a struct variant).
            if before != 1 || trimmed.is_empty() || trimmed.starts_with("//") {
                continue;
            }
            if trimmed.starts_with("#[") {
                member_attrs.push(trimmed);
                continue;
            }
            let skipped = member_attrs.serde_has("skip")
                || member_attrs.serde_has("skip_deserializing")
                || member_attrs.serde_has("flatten");
            let (rename, aliases) = member_attrs.renamed();
            member_attrs.clear();
            let (own, separator) = match kind {
                Kind::Struct => {
                    // `pub name: Type,` or `pub(crate) name: Type,`.
                    let rest = if let Some(r) = trimmed.strip_prefix("pub ") {
                        r
                    } else if let Some(r) = trimmed.strip_prefix("pub(") {
                        r.split_once(')').map_or("", |(_, r)| r)
                    } else {
                        continue;
                    };
                    let rest = rest.trim_start();
                    let name = ident(rest);
                    if name.is_empty() || !rest[name.len()..].trim_start().starts_with(':') {
                        continue;
                    }
                    (name.to_string(), ".")
                }
                Kind::Enum { .. } => {
                    let name = ident(trimmed);
                    let after = trimmed[name.len()..].trim_start();
                    let variant_line = name.chars().next().is_some_and(char::is_uppercase)
                        && (after.is_empty()
                            || after.starts_with(',')
                            || after.starts_with('(')
                            || after.starts_with('{')
                            || after.starts_with('='));
                    if !variant_line {
                        continue;
                    }
                    (name.to_string(), "::")
                }
                Kind::Ignored => continue,
            };
            if skipped {
                continue;
            }
            let origin = format!("{file}: {type_name}{separator}{own}");
            let json_name = match (kind, rename) {
                (_, Some(r)) => r,
                (Kind::Enum { snake: true }, None) => snake_case(&own),
                _ => own.clone(),
            };
            for name in std::iter::once(json_name).chain(aliases) {
                out.push(Accepted {
                    name,
                    origin: origin.clone(),
                });
            }
            continue;
        }

        // Outside any block: attributes, doc comments, items.
        if attr_depth > 0 {
            item_attrs.push(line);
            attr_depth += bracket_balance(line);
            continue;
        }
        if line.starts_with("#[") {
            item_attrs.push(line);
            attr_depth = bracket_balance(line);
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        let item = line
            .strip_prefix("pub struct ")
            .map(|r| (false, r))
            .or_else(|| line.strip_prefix("pub enum ").map(|r| (true, r)));
        if let Some((is_enum, rest)) = item {
            let opens = brace_balance(line);
            if opens > 0 {
                let name = ident(rest).to_string();
                let kind = if !item_attrs.derives_deserialize() {
                    Kind::Ignored
                } else if !is_enum {
                    Kind::Struct
                } else if item_attrs.serde_has("untagged") {
                    Kind::Ignored
                } else {
                    match item_attrs.serde_value("rename_all").as_deref() {
                        Some("snake_case") => Kind::Enum { snake: true },
                        None => Kind::Enum { snake: false },
                        Some(other) => panic!(
                            "{file}: enum {name} has rename_all = \"{other}\", which tests/docs.rs \
                             does not know: teach it the conversion"
                        ),
                    }
                };
                block = Some((kind, name));
                depth = opens;
                member_attrs.clear();
            }
        }
        item_attrs.clear();
    }
    out
}

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every name of the issue and layout files.
fn all_accepted() -> Vec<Accepted> {
    MODEL_FILES
        .iter()
        .flat_map(|file| accepted_names(file, &read(file)))
        .collect()
}

#[test]
fn the_extraction_finds_the_known_names() {
    // A guard against a parser that silently finds nothing: a few names of
    // each sort that the formats have had from the start.
    let accepted = all_accepted();
    let names: Vec<&str> = accepted.iter().map(|a| a.name.as_str()).collect();
    let origins: Vec<&str> = accepted.iter().map(|a| a.origin.as_str()).collect();
    for expected in [
        "layout",      // Issue, a struct field
        "language",    // Meta
        "chains",      // Layout
        "x_mm",        // FrameSpec
        "multiple_of", // PageRange
        "semibold",    // Weight, an enum variant in snake_case
        "frame",       // Item, tagged by `kind`
        "artifact",    // TextRole
        "bottom",      // VAlign
    ] {
        assert!(
            names.contains(&expected),
            "tests/docs.rs found no `{expected}` in the model: its parsing is out of step with the sources \
             (found: {names:?})"
        );
    }
    // Untagged enums accept their contents, not their variants' names, and
    // `Date` has pub fields but is not read from JSON.
    for not_read in ["MasterChoice::", "PageCount::", "StoryText::", "Date."] {
        assert!(
            !origins.iter().any(|o| o.contains(not_read)),
            "tests/docs.rs took names from `{not_read}`, which the files do not accept by name"
        );
    }
    assert!(
        names.len() > 80,
        "only {} names found: {names:?}",
        names.len()
    );
}

#[test]
fn the_layout_reference_lists_every_field_and_value() {
    let doc = read(DOC);
    let missing: Vec<String> = all_accepted()
        .into_iter()
        .filter(|a| !doc.contains(&format!("`{}`", a.name)))
        .map(|a| format!("`{}` ({})", a.name, a.origin))
        .collect();
    assert!(
        missing.is_empty(),
        "{DOC} does not document these names the issue or layout files accept \
         (write each in backticks, in the table of its object):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_layout_reference_names_every_master_item_kind() {
    let doc = read(DOC);
    for kind in ["frame", "box", "text", "image"] {
        assert!(
            doc.contains(&format!("`{kind}`")),
            "{DOC} does not mention the master item kind `{kind}`"
        );
        assert!(
            doc.contains(&format!("#### `{kind}`")),
            "{DOC} has no section for the master item kind `{kind}`"
        );
    }
}
