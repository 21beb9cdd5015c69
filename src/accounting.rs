//! Nothing lost: before any PDF is written, the words of every story are
//! accounted for in the laid-out pages. The story's text is read again from
//! its Markdown, independently of how the engine built its blocks, and
//! compared, letter by letter, with the text of the lines placed in its
//! frames, in pouring order. A story whose words are not all there makes the
//! run fail, naming the story and the first words missing.

use crate::flow::Placed;
use crate::model::issue::Story;
use crate::placement::PlacedStory;
use crate::report::Finding;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::path::Path;

/// Words shown from where a story's text and its lines part.
const SHOWN_WORDS: usize = 8;

/// The text a story's Markdown holds (not its markup, its images'
/// alternative texts, or its comments).
fn expected_text(source: &str) -> String {
    let mut text = String::new();
    let mut in_image = 0u32;
    for event in Parser::new_ext(source, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => {
                text.push_str(&t);
                text.push(' ');
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                text.push_str(&crate::model::markdown::without_comments(&h));
                text.push(' ');
            }
            _ => {}
        }
    }
    text
}

/// The letters and digits of a text, lower-cased, each with its byte offset.
fn letters(text: &str) -> Letters<'_> {
    Letters {
        chars: text.char_indices(),
        folded: None,
    }
}

/// Case folding through the capitals (ß and SS, ﬁ and FI are one).
type Folded = std::iter::FlatMap<
    std::char::ToUppercase,
    std::char::ToLowercase,
    fn(char) -> std::char::ToLowercase,
>;

/// The letters and digits of a text (see [`letters`]). Written out, with
/// ASCII folded apart: the same as adapters over `char_indices` took twice
/// the time (the ×50 letter's check: 48 → 96 million instructions).
struct Letters<'a> {
    chars: std::str::CharIndices<'a>,
    /// What is left of the folding of a letter that is not ASCII, and its offset.
    folded: Option<(usize, Folded)>,
}

impl Iterator for Letters<'_> {
    type Item = (char, usize);

    fn next(&mut self) -> Option<(char, usize)> {
        loop {
            if let Some((i, folded)) = &mut self.folded {
                if let Some(l) = folded.next() {
                    return Some((l, *i));
                }
                self.folded = None;
            }
            let (i, c) = self.chars.next()?;
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    return Some((c.to_ascii_lowercase(), i));
                }
            } else if c.is_alphanumeric() {
                let lower: fn(char) -> std::char::ToLowercase = char::to_lowercase;
                self.folded = Some((i, c.to_uppercase().flat_map(lower)));
            }
        }
    }
}

/// The letters and digits of the lines placed for a story, in pouring
/// order (list labels left out: they are not the editor's text).
fn placed_letters<'s>(story: &'s PlacedStory) -> impl Iterator<Item = char> + 's {
    story
        .filled
        .iter()
        .flat_map(|filled| &filled.placed)
        .filter_map(|p| match p {
            Placed::Line { line, .. }
            | Placed::Cell {
                line,
                repeated: false,
                ..
            } => Some(line),
            _ => None,
        })
        .flat_map(|line| line.runs.iter().filter(|r| !r.label))
        .flat_map(|run| letters(&run.text).map(|(c, _)| c))
}

/// Where the letters `got` of a story's lines first part from the letters
/// `want` of its text, and how many letters the lines hold; `None` if they
/// are the same. The letters are compared as they come, none kept.
fn first_difference(
    got: impl Iterator<Item = char>,
    mut want: impl Iterator<Item = char>,
) -> Option<(usize, usize)> {
    let mut count = 0;
    let mut first = None;
    for c in got {
        if first.is_none() && want.next() != Some(c) {
            first = Some(count);
        }
        count += 1;
    }
    match first {
        None if want.next().is_none() => None,
        None => Some((count, count)),
        Some(at) => Some((at, count)),
    }
}

/// The error for each story laid out in `stories` whose words, as `written`
/// in the issue, are not all in its lines.
pub fn check(stories: &[PlacedStory], written: &[Story], issue_file: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in stories.iter().filter(|s| s.fits) {
        let Some(source) = written.get(s.index) else {
            continue;
        };
        let (name, text) = (&source.name, expected_text(&source.text.source()));
        let Some((at, got)) = first_difference(placed_letters(s), letters(&text).map(|(c, _)| c))
        else {
            continue;
        };
        let from = letters(&text).nth(at).map_or(text.len(), |(_, i)| i);
        let start = text[..from].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let shown: Vec<&str> = text[start..].split_whitespace().take(SHOWN_WORDS).collect();
        out.push(Finding::error(format!(
            "{}: story `{name}`: the laid-out pages lack some of its words ({got} of its {} letters and \
             digits are placed), from « {}… »; nothing is written rather than a PDF with text missing — \
             check the Markdown there (a construct maquette does not lay out?) and report it if it looks right",
            issue_file.display(),
            letters(&text).count(),
            shown.join(" ")
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_alt_texts_and_comments_are_not_text() {
        let letters =
            |source: &str| -> String { letters(&expected_text(source)).map(|(c, _)| c).collect() };
        assert_eq!(
            letters("## Titre\n\n![Des panneaux](p.jpg)\n\nUn *mot* <!-- note --> et [lien](http://a.fr)\n"),
            "titreunmotetlien"
        );
        assert_eq!(letters("<!-- note --> suite\n"), "suite");
        assert_eq!(letters("Straße ﬁn"), "strassefin");
    }

    #[test]
    fn the_first_letter_missing_is_found() {
        let differ = |placed: &str, want: &str| first_difference(placed.chars(), want.chars());
        assert_eq!(differ("abc", "abc"), None);
        // A letter lost in the middle, at the end, or one too many.
        assert_eq!(differ("abd", "abcd"), Some((2, 3)));
        assert_eq!(differ("ab", "abc"), Some((2, 2)));
        assert_eq!(differ("abcd", "abc"), Some((3, 4)));
    }
}
