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
        text,
        at: 0,
        folded: Folded::default(),
    }
}

/// The most letters one character folds to through its capital (ﬄ: FFL,
/// then ffl; a test checks every character).
const MOST_FOLDED: usize = 3;

/// What is left of the folding of a letter that is not ASCII.
#[derive(Default)]
struct Folded {
    letters: [char; MOST_FOLDED],
    next: u8,
    len: u8,
    /// Its byte offset.
    at: usize,
}

/// The letters and digits of a text (see [`letters`]), read byte by byte:
/// ASCII folded apart, any other character decoded and folded through the
/// capitals (ß and SS, ﬁ and FI are one) out of the ASCII path. Adapters
/// over `char_indices` took twice the time (the ×50 letter's check: 48 → 96
/// million instructions); this takes 27 where an iterator over
/// `char_indices` with the folding kept as a `FlatMap` took 42.
struct Letters<'a> {
    text: &'a str,
    /// The next byte to read.
    at: usize,
    folded: Folded,
}

impl Iterator for Letters<'_> {
    type Item = (char, usize);

    #[inline]
    fn next(&mut self) -> Option<(char, usize)> {
        let f = &mut self.folded;
        if f.next < f.len {
            f.next += 1;
            return Some((f.letters[usize::from(f.next - 1)], f.at));
        }
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.at) {
            let at = self.at;
            if b.is_ascii() {
                self.at += 1;
                if b.is_ascii_alphanumeric() {
                    return Some((char::from(b.to_ascii_lowercase()), at));
                }
            } else if let Some(l) = self.fold_other(at) {
                return Some((l, at));
            }
        }
        None
    }
}

impl Letters<'_> {
    /// Reads the character at `at`, not ASCII, and gives its first letter
    /// folded (keeping the others), or `None` if it is no letter or digit.
    /// Kept apart so that the ASCII path is short.
    #[inline(never)]
    fn fold_other(&mut self, at: usize) -> Option<char> {
        let c = self.text[at..].chars().next()?;
        self.at += c.len_utf8();
        if let Some(l) = latin_folded(c) {
            return Some(l);
        }
        if !is_alphanumeric(c) {
            return None;
        }
        let f = &mut self.folded;
        let folding = c.to_uppercase().flat_map(char::to_lowercase);
        f.len = 0;
        for (slot, l) in f.letters.iter_mut().zip(folding) {
            *slot = l;
            f.len += 1;
        }
        f.next = 1;
        f.at = at;
        Some(f.letters[0])
    }
}

/// An accented Latin letter folded through its capital, worked out at once
/// (the capitals À–Þ are their small letters less 32; ß, whose capital is
/// SS, is left to the general case), or `None`.
fn latin_folded(c: char) -> Option<char> {
    match c {
        '\u{C0}'..='\u{DE}' if c != '\u{D7}' => char::from_u32(u32::from(c) + 0x20),
        '\u{E0}'..='\u{FF}' if c != '\u{F7}' => Some(c),
        _ => None,
    }
}

/// `char::is_alphanumeric`, answered at once for the general punctuation
/// (’, no-break spaces, dashes) of running text; the accented Latin letters
/// are known by [`latin_folded`] before this is asked.
fn is_alphanumeric(c: char) -> bool {
    !matches!(c, '\u{2000}'..='\u{206F}') && c.is_alphanumeric()
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
    fn the_quick_answers_are_the_standard_library_s() {
        for c in ('\u{C0}'..='\u{FF}').chain('\u{2000}'..='\u{206F}') {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            if let Some(l) = latin_folded(c) {
                let folded: String = c.to_uppercase().flat_map(char::to_lowercase).collect();
                assert_eq!(folded, l.to_string(), "{c:?}");
            }
        }
    }

    /// Every character folds as `to_uppercase` then `to_lowercase` fold it,
    /// into no more letters than there is room for.
    #[test]
    fn letters_fold_through_the_capitals() {
        let all: String = (char::MIN..=char::MAX)
            .filter(|c| c.is_alphanumeric())
            .collect();
        let folded: String = letters(&all).map(|(c, _)| c).collect();
        let expected: String = all
            .chars()
            .flat_map(char::to_uppercase)
            .flat_map(char::to_lowercase)
            .collect();
        assert_eq!(folded, expected);
        let most = all
            .chars()
            .map(|c| c.to_uppercase().flat_map(char::to_lowercase).count())
            .max();
        assert!(most <= Some(MOST_FOLDED), "{most:?}");
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
