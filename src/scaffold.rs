//! Starting an issue: the next one from the last (number + 1, the next date,
//! the same stories with their text kept or replaced by placeholders), or a
//! first one from a layout (one placeholder story per chain). Paths are
//! rewritten so the new file works from its own folder. It uses only the
//! [`model`](crate::model).

use crate::error::{Error, Problem, Result};
use crate::model::issue::{days_in_month, Date, Issue};
use crate::model::language::Language;
use crate::model::layout::{Item, Layout};
use serde_json::{json, Map, Value};
use std::path::{Component, Path, PathBuf};

/// How to start the next issue.
#[derive(Debug, Clone, Default)]
pub struct Next {
    /// Keep the text of every story.
    pub keep_text: bool,
    /// Keep the text of these stories (standing copy: the masthead…).
    pub keep: Vec<String>,
    /// The new issue's date (`YYYY-MM-DD` or `YYYY-MM`); by the publication's rhythm if absent.
    pub date: Option<String>,
}

/// How to start a first issue from a layout.
#[derive(Debug, Clone, Default)]
pub struct First {
    /// The publication's name; the layout's `name` if absent.
    pub publication: Option<String>,
    /// The language tag; `fr-FR` if absent.
    pub language: Option<String>,
    /// The date; this month if absent.
    pub date: Option<String>,
}

/// A new issue file, ready to write.
#[derive(Debug, Clone)]
pub struct NewIssue {
    /// The file's JSON text.
    pub json: String,
    /// Its number.
    pub number: u32,
    /// Its date.
    pub date: String,
    /// How the date was chosen, for the user.
    pub date_from: String,
    /// Its stories, and whether each kept its text.
    pub stories: Vec<(String, bool)>,
}

/// The next issue after `from`, to be written at `out`.
pub fn next(from: &Path, out: &Path, how: &Next) -> Result<NewIssue> {
    let issue: Issue = crate::model::load_json(from, "issue file")?;
    let language = issue.check().map_err(|p| Error::input(p.in_file(from)))?;
    let text = std::fs::read_to_string(from).map_err(|e| read_error(from, e))?;
    let mut value: Value = serde_json::from_str(&text)
        .map_err(|e| Error::input(Problem::new(format!("invalid JSON: {e}")).in_file(from)))?;
    let old = Date::parse(&issue.meta.date).ok_or_else(|| bad_date(&issue.meta.date, from))?;
    let number = issue.meta.number.checked_add(1).ok_or_else(|| {
        Error::input(Problem::new("the issue number is the largest there is").in_file(from))
    })?;
    let (date, date_from) = match &how.date {
        Some(d) => (given_date(d)?, "given with --date".to_string()),
        None => {
            let (months, why) = rhythm(from, &issue);
            (add_months(old, months), why)
        }
    };
    let date_text = format_date(date);
    let out_dir = folder_of(out)?;
    let tag = issue.meta.language.clone();
    let o = value
        .as_object_mut()
        .expect("an issue file is a JSON object");
    o.insert(
        "layout".into(),
        Value::String(rebase(from, &issue.layout, &out_dir)),
    );
    let meta = o
        .get_mut("meta")
        .and_then(Value::as_object_mut)
        .expect("an issue has `meta`");
    meta.insert("number".into(), json!(number));
    meta.insert("date".into(), json!(date_text));
    let (old_when, new_when) = (
        format!("{} {}", old.month_name(&tag), old.year),
        format!("{} {}", date.month_name(&tag), date.year),
    );
    for key in ["title", "description"] {
        if let Some(Value::String(s)) = meta.get_mut(key) {
            *s = renumbered(s, issue.meta.number, number).replace(&old_when, &new_when);
        }
    }
    let mut stories = Vec::new();
    let list = o
        .get_mut("stories")
        .and_then(Value::as_array_mut)
        .expect("an issue has `stories`");
    for (story, typed) in list.iter_mut().zip(&issue.stories) {
        let keep = how.keep_text || how.keep.contains(&typed.name);
        let source = typed.text.source();
        let lines: Vec<String> = match keep {
            true => source
                .lines()
                .map(|l| rebase_images(l, from, &out_dir))
                .collect(),
            false => placeholder(&source, language, issue.meta.number, from, &out_dir),
        };
        story["text"] = json!(lines);
        stories.push((typed.name.clone(), keep));
    }
    for name in &how.keep {
        if !issue.stories.iter().any(|s| &s.name == name) {
            let names: Vec<&str> = issue.stories.iter().map(|s| s.name.as_str()).collect();
            return Err(Error::input(
                Problem::new(format!("the issue has no story named `{name}` to keep"))
                    .in_file(from)
                    .hint(format!(
                        "`--keep` takes a story's name: {}",
                        names.join(", ")
                    )),
            ));
        }
    }
    Ok(NewIssue {
        json: pretty(&value),
        number,
        date: date_text,
        date_from,
        stories,
    })
}

/// A first issue of the publication whose layout is `layout_file`, to be written at `out`.
pub fn first(layout_file: &Path, out: &Path, how: &First) -> Result<NewIssue> {
    let layout: Layout = crate::model::load_json(layout_file, "layout file")?;
    layout
        .check()
        .map_err(|p| Error::input(p.in_file(layout_file)))?;
    let tag = how.language.clone().unwrap_or_else(|| "fr-FR".into());
    let language = Language::from_tag(&tag).map_err(|p| {
        Error::input(p.hint("give `--language` a supported tag: fr-FR, en-GB, de-DE…"))
    })?;
    let date = match &how.date {
        Some(d) => given_date(d)?,
        None => this_month(),
    };
    let out_dir = folder_of(out)?;
    let words = Words::of(language);
    let mut fields = Map::new();
    for name in template_fields(&layout) {
        fields.insert(name.clone(), json!(format!("{} {name}", words.field)));
    }
    let chains = reading_order(&layout);
    let stories: Vec<Value> = chains
        .iter()
        .map(|c| {
            json!({ "name": c, "text": [
                format!("## {}", words.heading), "", words.paragraph.to_string()
            ] })
        })
        .collect();
    let publication = how
        .publication
        .clone()
        .unwrap_or_else(|| layout.name.clone());
    let mut issue = Map::new();
    issue.insert(
        "layout".into(),
        json!(relative(&absolute(layout_file), &out_dir)),
    );
    issue.insert(
        "meta".into(),
        json!({ "publication": publication, "number": 1, "date": format_date(date), "language": tag }),
    );
    if !fields.is_empty() {
        issue.insert("fields".into(), Value::Object(fields));
    }
    issue.insert("stories".into(), Value::Array(stories));
    Ok(NewIssue {
        json: pretty(&Value::Object(issue)),
        number: 1,
        date: format_date(date),
        date_from: "this month (give --date to choose)".into(),
        stories: chains.into_iter().map(|c| (c, false)).collect(),
    })
}

/// Placeholder words in the issue's language.
struct Words {
    heading: &'static str,
    paragraph: &'static str,
    caption: &'static str,
    field: &'static str,
}

impl Words {
    /// The placeholders of `language`.
    fn of(language: Language) -> Words {
        match language {
            Language::French => Words {
                heading: "Titre de l'article",
                paragraph: "Texte de l'article : remplacez ce paragraphe par le vôtre.",
                caption: "Légende de la photo",
                field: "À remplir :",
            },
            Language::English => Words {
                heading: "Headline",
                paragraph: "Text of the story: replace this paragraph with yours.",
                caption: "Caption of the photo",
                field: "To fill in:",
            },
            Language::German => Words {
                heading: "Überschrift",
                paragraph: "Text des Artikels: Ersetzen Sie diesen Absatz durch Ihren.",
                caption: "Bildunterschrift",
                field: "Auszufüllen:",
            },
        }
    }
}

/// A story's text replaced by placeholders: a note of how long it was, its
/// first heading's placeholder (at its level), one paragraph, and its
/// images kept in place (their captions replaced).
fn placeholder(
    source: &str,
    language: Language,
    number: u32,
    from: &Path,
    out_dir: &Path,
) -> Vec<String> {
    let words = Words::of(language);
    let lines: Vec<&str> = source.lines().collect();
    let count = word_count(source);
    let note = match language {
        Language::French => {
            format!("<!-- Dans le numéro {number}, ce récit avait {count} mots. -->")
        }
        Language::English => format!("<!-- In issue {number}, this story had {count} words. -->"),
        Language::German => {
            format!("<!-- In Ausgabe {number} hatte dieser Artikel {count} Wörter. -->")
        }
    };
    let mut out = vec![note, String::new()];
    let mut text_done = false;
    let mut heading_done = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(level) = heading_level(line).filter(|_| !heading_done) {
            out.push(format!("{} {}", "#".repeat(level), words.heading));
            out.push(String::new());
            heading_done = true;
        } else if line.starts_with("![") {
            if !text_done && heading_done {
                out.push(words.paragraph.into());
                out.push(String::new());
                text_done = true;
            }
            out.push(rebase_images(line, from, out_dir));
            out.push(String::new());
            // Its caption: the block quote that follows.
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim().is_empty() {
                j += 1;
            }
            if j < lines.len() && lines[j].trim_start().starts_with('>') {
                out.push(format!("> {}", words.caption));
                out.push(String::new());
                while j < lines.len() && lines[j].trim_start().starts_with('>') {
                    j += 1;
                }
                i = j;
                continue;
            }
        } else if !line.is_empty() && !line.starts_with("<!--") && !text_done && heading_done {
            out.push(words.paragraph.into());
            out.push(String::new());
            text_done = true;
        } else if !line.is_empty() && !line.starts_with("<!--") && !heading_done && !text_done {
            out.push(words.paragraph.into());
            out.push(String::new());
            text_done = true;
            heading_done = true;
        }
        i += 1;
    }
    if !text_done && !out.iter().any(|l| l.starts_with("![")) {
        out.push(words.paragraph.into());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// About how many words a story's Markdown has (images and notes left out).
fn word_count(source: &str) -> usize {
    source
        .lines()
        .filter(|l| !l.trim_start().starts_with("![") && !l.trim_start().starts_with("<!--"))
        .flat_map(str::split_whitespace)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The level of a Markdown heading line (`## …` is 2).
fn heading_level(line: &str) -> Option<usize> {
    let level = line.chars().take_while(|&c| c == '#').count();
    ((1..=6).contains(&level) && line[level..].starts_with(' ')).then_some(level)
}

/// A Markdown line with the paths of its images rebased from `from`'s folder to `out_dir`.
fn rebase_images(line: &str, from: &Path, out_dir: &Path) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("![") {
        let Some(close) = rest[at..].find("](").map(|c| at + c + 2) else {
            break;
        };
        out.push_str(&rest[..close]);
        let tail = &rest[close..];
        let end = tail.find([' ', ')']).unwrap_or(tail.len());
        out.push_str(&rebase(from, &tail[..end], out_dir));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A path written in `from` (relative to its folder), as it must be written
/// in a file of `out_dir`; addresses and absolute paths are kept.
fn rebase(from: &Path, path: &str, out_dir: &Path) -> String {
    if path.is_empty() || path.contains("://") || path.starts_with("data:") {
        return path.to_string();
    }
    if Path::new(path).is_absolute() {
        return path.to_string();
    }
    relative(&absolute(&crate::model::resolve(from, path)), out_dir)
}

/// `path` made absolute, its links resolved where it exists, `..` removed otherwise.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let joined = std::env::current_dir().unwrap_or_default().join(path);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The path of `target` (absolute) from the folder `dir` (absolute), with `/`.
fn relative(target: &Path, dir: &Path) -> String {
    let t: Vec<Component> = target.components().collect();
    let d: Vec<Component> = dir.components().collect();
    let common = t.iter().zip(&d).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); d.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The folder a new file goes to, absolute; it must exist.
fn folder_of(out: &Path) -> Result<PathBuf> {
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    dir.canonicalize().map_err(|e| {
        Error::output(
            Problem::new(format!("cannot use the folder of the new issue: {e}"))
                .in_file(out)
                .hint("create the folder first, or name a file in an existing folder with `-o`"),
        )
    })
}

/// How many months apart the issues are, and why: the gap from the previous
/// issue of the same publication found beside `from` (number − 1), or one month.
fn rhythm(from: &Path, issue: &Issue) -> (u32, String) {
    let dir = from
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let this = Date::parse(&issue.meta.date);
    let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
    for entry in entries {
        let path = entry.path();
        let small = entry
            .metadata()
            .is_ok_and(|m| m.is_file() && m.len() <= crate::error::MAX_JSON_BYTES);
        if path.extension().is_none_or(|e| e != "json") || path == from || !small {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(other) = serde_json::from_str::<Issue>(&text) else {
            continue;
        };
        if other.meta.publication != issue.meta.publication
            || other.meta.number + 1 != issue.meta.number
        {
            continue;
        }
        let (Some(a), Some(b)) = (Date::parse(&other.meta.date), this) else {
            continue;
        };
        let months = (i32::from(b.year) * 12 + i32::from(b.month))
            - (i32::from(a.year) * 12 + i32::from(a.month));
        if (1..=24).contains(&months) {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            return (
                months as u32,
                format!(
                    "{months} month(s) after the last, as from issue {} ({name})",
                    other.meta.number
                ),
            );
        }
    }
    (
        1,
        "one month after the last (no earlier issue beside it gives the rhythm; --date chooses)"
            .into(),
    )
}

/// `date` plus `months`, its day kept (or the month's last).
fn add_months(date: Date, months: u32) -> Date {
    let total = u32::from(date.year) * 12 + u32::from(date.month - 1) + months;
    let (year, month) = ((total / 12) as u16, (total % 12 + 1) as u8);
    Date {
        year,
        month,
        day: date.day.map(|d| d.min(days_in_month(year, month))),
    }
}

/// `YYYY-MM-DD`, or `YYYY-MM` for a date without a day.
fn format_date(d: Date) -> String {
    match d.day {
        Some(day) => format!("{:04}-{:02}-{day:02}", d.year, d.month),
        None => format!("{:04}-{:02}", d.year, d.month),
    }
}

/// A date given on the command line.
fn given_date(text: &str) -> Result<Date> {
    Date::parse(text).ok_or_else(|| {
        Error::input(
            Problem::new(format!("`{text}` is not a date"))
                .hint("give --date as YYYY-MM-DD or YYYY-MM, e.g. 2017-10"),
        )
    })
}

/// The error for a date in the issue that is not one.
fn bad_date(text: &str, file: &Path) -> Error {
    Error::input(
        Problem::new(format!("`{text}` is not a date"))
            .in_file(file)
            .at("meta.date")
            .hint("write the date as YYYY-MM-DD or YYYY-MM, e.g. 2017-07"),
    )
}

/// The error for a file that cannot be read.
fn read_error(file: &Path, e: std::io::Error) -> Error {
    Error::input(
        Problem::new(format!("cannot read the issue file: {e}"))
            .in_file(file)
            .hint("check the path"),
    )
}

/// This month, by the system clock (UTC).
fn this_month() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let t = crate::pdf::Timestamp::from_unix(secs);
    Date {
        year: t.year,
        month: t.month,
        day: None,
    }
}

/// `numéro 1`, `issue 1`, `Ausgabe 1`, `n° 1`, `no 1`… renumbered from `old` to `new`.
fn renumbered(text: &str, old: u32, new: u32) -> String {
    let mut out = text.to_string();
    for word in [
        "numéro", "Numéro", "issue", "Issue", "n°", "N°", "No.", "no.", "Nr.", "Ausgabe", "number",
        "Number",
    ] {
        out = out
            .replace(&format!("{word} {old}"), &format!("{word} {new}"))
            .replace(&format!("{word}\u{a0}{old}"), &format!("{word}\u{a0}{new}"));
    }
    out
}

/// The `{names}` the layout's texts use that are not built in: the issue's `fields` must give them.
fn template_fields(layout: &Layout) -> Vec<String> {
    const BUILT_IN: [&str; 6] = ["publication", "number", "month", "year", "page", "pages"];
    let mut names = Vec::new();
    for master in layout.masters.values() {
        for item in &master.items {
            let Item::Text(t) = item else { continue };
            let mut rest = t.text.as_str();
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    break;
                };
                let name = &rest[open + 1..open + close];
                if !BUILT_IN.contains(&name) && !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
                rest = &rest[open + close + 1..];
            }
        }
    }
    names
}

/// The layout's chains in reading order: those with a frame on the first
/// page's master first, then by where their first frame is (top, then left).
fn reading_order(layout: &Layout) -> Vec<String> {
    let first = layout.pages.first.on(true);
    let mut chains: Vec<(bool, f32, f32, String)> = layout
        .chains
        .iter()
        .map(|(name, chain)| {
            let mut key = (true, f32::MAX, f32::MAX);
            for id in &chain.frames {
                let Some((master, frame)) = id.split_once('/') else {
                    continue;
                };
                let spec = layout.masters.get(master).and_then(|m| {
                    m.items.iter().find_map(|i| match i {
                        Item::Frame(f) if f.name == frame => Some(f),
                        _ => None,
                    })
                });
                if let Some(f) = spec {
                    let k = (master != first, f.y_mm.0, f.x_mm.0);
                    if k.partial_cmp(&key).is_some_and(|o| o.is_lt()) {
                        key = k;
                    }
                }
            }
            (key.0, key.1, key.2, name.clone())
        })
        .collect();
    chains.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    chains.into_iter().map(|c| c.3).collect()
}

/// JSON as the shipped issue files are written: two spaces, a final newline.
fn pretty(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("JSON values serialise");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_and_keep_the_day() {
        let d = |y, m, day| Date {
            year: y,
            month: m,
            day,
        };
        assert_eq!(add_months(d(2017, 7, Some(1)), 1), d(2017, 8, Some(1)));
        assert_eq!(add_months(d(2017, 12, None), 1), d(2018, 1, None));
        assert_eq!(add_months(d(2017, 1, Some(31)), 1), d(2017, 2, Some(28)));
        assert_eq!(add_months(d(2017, 11, Some(15)), 3), d(2018, 2, Some(15)));
    }

    #[test]
    fn paths_are_made_relative() {
        assert_eq!(
            relative(Path::new("/a/b/c.json"), Path::new("/a/d")),
            "../b/c.json"
        );
        assert_eq!(
            relative(Path::new("/a/b/c.json"), Path::new("/a/b")),
            "c.json"
        );
        assert_eq!(
            rebase_images(
                "![Un chemin](images/p.jpg \"x\")",
                Path::new("/x/i.json"),
                Path::new("/x/out")
            ),
            "![Un chemin](../images/p.jpg \"x\")"
        );
    }

    #[test]
    fn numbers_in_titles_follow() {
        assert_eq!(
            renumbered("La lettre, numéro 1, juillet", 1, 2),
            "La lettre, numéro 2, juillet"
        );
    }
}
