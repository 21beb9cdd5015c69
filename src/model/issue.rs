//! The issue file: the words of one issue and the fields that fill the furniture.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One issue of a publication.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    /// The JSON Schema this file follows (`schemas/issue.schema.json`), for
    /// editors that complete and check fields; maquette does not read it.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The layout file, relative to the issue file.
    pub layout: String,
    /// Publication, number, date, language.
    pub meta: Meta,
    /// Extra `{field}` values for the layout's text templates.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// The stories in reading order; each goes into the chain of the same name.
    pub stories: Vec<Story>,
}

/// What identifies the issue.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The publication's name (« La lettre du PMA »).
    pub publication: String,
    /// The issue number.
    pub number: u32,
    /// Publication date, `YYYY-MM-DD` or `YYYY-MM`.
    pub date: String,
    /// Language tag of the text, such as `fr-FR`.
    pub language: String,
    /// The document title; `{publication} — numéro {number} — {month} {year}` if absent.
    pub title: Option<String>,
    /// The author, for the PDF metadata.
    pub author: Option<String>,
    /// A one-sentence description, for the PDF metadata.
    pub description: Option<String>,
}

/// A story: Markdown text poured into a chain.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Story {
    /// The chain it goes into.
    pub name: String,
    /// Markdown, as one string or as a list of lines.
    pub text: StoryText,
}

/// Markdown text, as one string or a list of lines (easier to edit in JSON).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum StoryText {
    /// One string with `\n` between lines.
    Whole(String),
    /// One string per line.
    Lines(Vec<String>),
}

impl StoryText {
    /// How many characters the text has.
    pub fn chars(&self) -> usize {
        match self {
            StoryText::Whole(s) => s.chars().count(),
            StoryText::Lines(lines) => lines.iter().map(|l| l.chars().count() + 1).sum(),
        }
    }

    /// The Markdown source as one string.
    pub fn source(&self) -> String {
        match self {
            StoryText::Whole(s) => s.clone(),
            StoryText::Lines(lines) => lines.join("\n"),
        }
    }
}

/// The most characters of a name (publication, author, story).
pub const MAX_NAME_CHARS: usize = 200;
/// The most characters of a title or of a field of the furniture.
pub const MAX_TITLE_CHARS: usize = 500;
/// The most characters of all the stories of an issue (some 1 000 pages of
/// the letter): a runaway paste is stopped here, before any of it is composed.
pub const MAX_TEXT_CHARS: usize = 8_000_000;
/// The most characters of the description.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// A text of the furniture or the metadata is not longer than `max` characters.
fn check_length(text: &str, max: usize, at: &str) -> Result<(), crate::error::Problem> {
    let n = text.chars().count();
    if n <= max {
        return Ok(());
    }
    Err(crate::error::Problem::new(format!(
        "{n} characters is more than the {max} this field takes"
    ))
    .at(at.to_string())
    .hint("shorten it: it is set on the page or in the PDF's metadata"))
}

impl Issue {
    /// Checks what the issue file alone can tell: a known, well-formed
    /// language, and stories of distinct names.
    pub fn check(&self) -> Result<super::language::Language, crate::error::Problem> {
        let language = super::language::Language::from_tag(&self.meta.language)
            .map_err(|p| p.at("meta.language"))?;
        let m = &self.meta;
        let texts = [
            ("meta.publication", Some(&m.publication), MAX_NAME_CHARS),
            ("meta.title", m.title.as_ref(), MAX_TITLE_CHARS),
            ("meta.author", m.author.as_ref(), MAX_NAME_CHARS),
            (
                "meta.description",
                m.description.as_ref(),
                MAX_DESCRIPTION_CHARS,
            ),
        ];
        for (at, text, max) in texts {
            check_length(text.map_or("", |t| t.as_str()), max, at)?;
        }
        for (name, value) in &self.fields {
            check_length(value, MAX_TITLE_CHARS, &format!("fields.{name}"))?;
        }
        for (i, s) in self.stories.iter().enumerate() {
            check_length(&s.name, MAX_NAME_CHARS, &format!("stories[{i}].name"))?;
        }
        let chars: usize = self.stories.iter().map(|s| s.text.chars()).sum();
        if chars > MAX_TEXT_CHARS {
            return Err(crate::error::Problem::new(format!(
                "the stories hold {chars} characters, more than the {MAX_TEXT_CHARS} maquette lays out in one issue \
                 (some 300 pages)"
            ))
            .at("stories")
            .hint("split the text into several issues"));
        }
        for (i, s) in self.stories.iter().enumerate() {
            if let Some(j) = self.stories[..i].iter().position(|t| t.name == s.name) {
                return Err(crate::error::Problem::new(format!(
                    "two stories are named `{}`: stories[{j}] and stories[{i}]",
                    s.name
                ))
                .at(format!("stories[{i}].name"))
                .hint("a chain takes one story: merge their texts, or name this one after another chain"));
            }
        }
        Ok(language)
    }
}

/// The months in French, as they are written in running text.
pub const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The months in English.
pub const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The months in German.
pub const GERMAN_MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// The days of a month of the Gregorian calendar.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A calendar date as given in the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31, if given.
    pub day: Option<u8>,
}

impl Date {
    /// Parses `YYYY-MM-DD` or `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let year = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day = match parts.next() {
            Some(d) => Some(d.parse::<u8>().ok()?),
            None => None,
        };
        if parts.next().is_some() || !(1..=12).contains(&month) {
            return None;
        }
        if !(1900..=9999).contains(&year)
            || day.is_some_and(|d| d == 0 || d > days_in_month(year, month))
        {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The month's name in the given language (French and English known).
    pub fn month_name(&self, language: &str) -> &'static str {
        let primary = language
            .split('-')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let names = match primary.as_str() {
            "fr" => &FRENCH_MONTHS,
            "de" => &GERMAN_MONTHS,
            _ => &ENGLISH_MONTHS,
        };
        names[usize::from(self.month - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2017-07"),
            Some(Date {
                year: 2017,
                month: 7,
                day: None
            })
        );
        assert_eq!(
            Date::parse("2017-07-01").unwrap().month_name("fr-FR"),
            "juillet"
        );
        assert_eq!(Date::parse("2017-13"), None);
        assert_eq!(Date::parse("2018-02-30"), None);
        assert_eq!(Date::parse("2018-04-31"), None);
        assert!(Date::parse("2016-02-29").is_some());
        assert_eq!(Date::parse("2017-02-29"), None);
        assert_eq!(Date::parse("juillet"), None);
    }
}
