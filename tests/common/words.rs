//! Comparing the words of the Markdown source with the words `pdftotext`
//! extracts, modulo the engine's typography and line breaking.

use std::collections::{BTreeSet, HashSet};

/// Maps the engine's typographic variants to one form: ' and ’ are the same
/// apostrophe, every kind of space (no-break, narrow no-break, thin…) is a
/// plain space, a soft hyphen vanishes, a no-break hyphen is a hyphen.
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|&c| c != '\u{ad}')
        .map(|c| match c {
            '\'' => '’',
            '\u{2011}' => '-',
            c if c.is_whitespace() && c != '\n' => ' ',
            c => c,
        })
        .collect()
}

/// `word` without the punctuation at its edges: « » : ; ! ? , . ( ) …
fn trim_edges(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// The printed text of a Markdown story: Markdown syntax removed, image
/// lines skipped (their alt text is not printed), links reduced to their text.
pub fn markdown_to_text(lines: &[&str]) -> String {
    let mut text = String::new();
    for line in lines {
        let line = line.trim();
        if line.starts_with("![") {
            continue;
        }
        let line = strip_block_marker(line);
        let line = spaced_hours(&strip_links(line).replace('*', ""));
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// `9h30` and `15h` as French typography sets them: `9 h 30`, `15 h`.
fn spaced_hours(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let digit_before = i > 0 && chars[i - 1].is_ascii_digit();
        let after = chars.get(i + 1).copied();
        let hour = c == 'h'
            && digit_before
            && after.is_none_or(|a| a.is_ascii_digit() || !a.is_alphanumeric());
        if hour {
            out.push_str(" h");
            if after.is_some_and(|a| a.is_ascii_digit()) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `line` without a leading `#…`, `>`, `-`/`*`/`+` or `1.` marker.
fn strip_block_marker(line: &str) -> &str {
    let line = line.trim_start_matches('#').trim_start_matches('>');
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return rest;
        }
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return rest;
        }
    }
    line
}

/// `[text](url)` → `text`, for every link of `line`.
fn strip_links(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(middle) = rest.find("](") {
        let (Some(open), Some(close)) = (rest[..middle].rfind('['), rest[middle..].find(')'))
        else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..middle]);
        rest = &rest[middle + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The words of some text, normalised and trimmed of edge punctuation.
pub fn words_of(text: &str) -> BTreeSet<String> {
    normalise(text)
        .split_whitespace()
        .map(trim_edges)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The words `pdftotext` found, with what is needed to recognise a word the
/// engine broke across two lines.
pub struct PdfWords {
    words: HashSet<String>,
    /// The last word of each line, trailing punctuation kept (`en-`, `coline.`).
    line_ends: HashSet<String>,
    /// The first word of each line.
    line_starts: HashSet<String>,
}

impl PdfWords {
    pub fn new(pdf_text: &str) -> Self {
        let text = normalise(pdf_text);
        let mut line_ends = HashSet::new();
        let mut line_starts = HashSet::new();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            if let Some(first) = words.next() {
                line_starts.insert(trim_edges(first).to_string());
                // An address broken before its mark starts the line with it (`-artois.fr`).
                line_starts.insert(
                    first
                        .trim_end_matches(|c: char| !c.is_alphanumeric())
                        .to_string(),
                );
                let last = words.last().unwrap_or(first);
                line_ends.insert(
                    last.trim_start_matches(|c: char| !c.is_alphanumeric())
                        .to_string(),
                );
            }
        }
        PdfWords {
            words: words_of(&text).into_iter().collect(),
            line_ends,
            line_starts,
        }
    }

    /// Whether the source word `word` was printed: as such; or split across
    /// two lines (`en-` + `gagement`, `Béthune-` + `Bruay`, `coline.` +
    /// `senechal@…`), which the other text of the page may separate; or with
    /// one of its own hyphens eaten by pdftotext, which joins a line ending
    /// in `-` with the next one (`Lens-` + `Liévin` → `LensLiévin`).
    pub fn contains(&self, word: &str) -> bool {
        if self.words.contains(word) {
            return true;
        }
        let dehyphenated = word.match_indices('-').any(|(i, _)| {
            self.words
                .contains(&format!("{}{}", &word[..i], &word[i + 1..]))
        });
        if dehyphenated {
            return true;
        }
        word.char_indices().skip(1).any(|(i, _)| {
            let (left, right) = word.split_at(i);
            self.line_starts.contains(right)
                && (self.line_ends.contains(left) || self.line_ends.contains(&format!("{left}-")))
        })
    }
}
