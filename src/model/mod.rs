//! The input model: the issue file (what to say) and the layout file (how it looks),
//! read from JSON with errors that point at the file, line, column and field.

pub mod issue;
pub mod language;
pub mod layout;
pub mod markdown;
pub mod schema;
pub mod structure;
pub mod values;

use crate::error::{Error, Problem, Result};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// Reads and parses a JSON file, reporting where and why it is wrong.
pub fn load_json<T: DeserializeOwned>(file: &Path, what: &str) -> Result<T> {
    let bytes = crate::error::read_input(file, what, crate::error::MAX_JSON_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input(
            Problem::new(format!(
                "the {what} is not UTF-8 text (byte {})",
                e.utf8_error().valid_up_to()
            ))
            .in_file(file)
            .hint("save the file as UTF-8"),
        )
    })?;
    parse_json(&text, file, what)
}

/// Parses JSON text that was read from `file`, reporting where and why it is wrong.
pub fn parse_json<T: DeserializeOwned>(text: &str, file: &Path, what: &str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        json_error(err.into_inner(), Some(path), file, what)
    })?;
    // Trailing characters after the document are an error too.
    de.end().map_err(|e| json_error(e, None, file, what))?;
    Ok(value)
}

/// Turns a serde_json error into a problem that points at the file, line, column and field.
fn json_error(inner: serde_json::Error, path: Option<String>, file: &Path, what: &str) -> Error {
    let mut problem = Problem::new(format!("invalid {what}: {}", strip_position(&inner)))
        .in_file(file)
        .hint(hint_for(&inner, what));
    if inner.line() > 0 {
        problem.position = Some((inner.line(), inner.column()));
    }
    // serde_path_to_error writes `?` where it could not tell (syntax errors).
    problem.path = path.filter(|p| p != "." && !p.is_empty() && !p.contains('?'));
    Error::input(problem)
}

/// serde_json appends " at line L column C"; we print the position ourselves.
/// An untagged enum's « did not match any variant » says what the field takes.
fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    for (name, takes) in [
        ("PageCount", "a page count is a number (4) or { \"min\": …, \"max\": …, \"multiple_of\": … } (no other field)"),
        ("MasterChoice", "a master is a name (\"next\") or { \"left\": …, \"right\": … } (no other field)"),
        ("StoryText", "a story's text is one string or a list of strings"),
    ] {
        if text.contains(&format!("untagged enum {name}")) {
            return takes.to_string();
        }
    }
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// What to do about a JSON error, by its category.
fn hint_for(err: &serde_json::Error, what: &str) -> String {
    use serde_json::error::Category;
    match err.classify() {
        Category::Syntax | Category::Eof => {
            "fix the JSON syntax at this position (a missing comma, quote or bracket?)".into()
        }
        Category::Data if err.to_string().contains("unknown field") => crate::error::suggest(
            &first_quoted(&err.to_string()).unwrap_or_default(),
            expected(&err.to_string()).iter().map(String::as_str),
            format!("check the spelling of this field: the {what} accepts only the fields listed"),
        ),
        Category::Data if err.to_string().contains("unknown variant") => crate::error::suggest(
            &first_quoted(&err.to_string()).unwrap_or_default(),
            expected(&err.to_string()).iter().map(String::as_str),
            "use one of the values listed".to_string(),
        ),
        _ => format!("correct this value; README.md describes the {what}'s format"),
    }
}

/// The first name in backticks of a serde message (the unknown field or value).
fn first_quoted(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = message[start..].find('`')? + start;
    Some(message[start..end].to_string())
}

/// The names in backticks after « expected » in a serde message (what it accepts).
fn expected(message: &str) -> Vec<String> {
    let Some(at) = message.find("expected") else {
        return Vec::new();
    };
    message[at..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Resolves `relative` against the folder of `base_file`.
pub fn resolve(base_file: &Path, relative: &str) -> PathBuf {
    base_file
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(relative)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Small {
        name: String,
    }

    #[test]
    fn unknown_field_names_path_and_position() {
        let err = parse_json::<Small>(
            "{\n  \"name\": \"a\",\n  \"nmae\": 1\n}",
            Path::new("x.json"),
            "issue file",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("x.json:3:"), "{text}");
        assert!(text.contains("unknown field `nmae`"), "{text}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse_json::<Small>("{\"name\": \"a\",}", Path::new("x.json"), "issue file")
            .unwrap_err();
        assert!(err.to_string().starts_with("x.json:1:"), "{err}");
    }
}
