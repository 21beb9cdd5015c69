//! Nothing lost: before any PDF is written, the words of every story are
//! accounted for in the laid-out pages. The story's text is read again from
//! its Markdown, independently of how the engine built its blocks, and
//! compared, letter by letter, with the text of the lines placed in its
//! frames, in pouring order. A story whose words are not all there makes the
//! run fail, naming the story and the first words missing.

use crate::flow::Placed;
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

/// Gives each letter and digit of a text, lower-cased, with its byte offset.
fn push_letters(text: &str, mut push: impl FnMut(char, usize)) {
    for (i, c) in text.char_indices() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                push(c.to_ascii_lowercase(), i);
            }
        } else if c.is_alphanumeric() {
            // Case folded through the capitals (ß and SS, ﬁ and FI are one).
            for l in c.to_uppercase().flat_map(char::to_lowercase) {
                push(l, i);
            }
        }
    }
}

/// Gives the letters and digits of the lines placed for a story, in
/// pouring order (list labels left out: they are not the editor's text).
fn push_placed(story: &PlacedStory, mut push: impl FnMut(char)) {
    for filled in &story.filled {
        for p in &filled.placed {
            let line = match p {
                Placed::Line { line, .. } => line,
                Placed::Cell {
                    line,
                    repeated: false,
                    ..
                } => line,
                _ => continue,
            };
            for run in line.runs.iter().filter(|r| !r.label) {
                push_letters(&run.text, |c, _| push(c));
            }
        }
    }
}

/// Where the letters of a story's lines first part from its text's
/// `want`, and how many letters the lines hold; `None` if they are the same.
fn first_difference(story: &PlacedStory, want: &[char]) -> Option<(usize, usize)> {
    let mut got = 0;
    let mut first = None;
    push_placed(story, |c| {
        if first.is_none() && want.get(got) != Some(&c) {
            first = Some(got);
        }
        got += 1;
    });
    match first {
        None if got == want.len() => None,
        None => Some((got.min(want.len()), got)),
        Some(at) => Some((at, got)),
    }
}

/// The error for each story whose words are not all in its lines.
pub fn check(
    stories: &[PlacedStory],
    sources: &[(String, String)],
    issue_file: &Path,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in stories.iter().filter(|s| s.fits) {
        let Some((name, source)) = sources.get(s.index) else {
            continue;
        };
        let text = expected_text(source);
        let mut want = Vec::with_capacity(text.len());
        push_letters(&text, |c, _| want.push(c));
        let Some((at, got)) = first_difference(s, &want) else {
            continue;
        };
        let mut from = text.len();
        let mut k = 0;
        push_letters(&text, |_, i| {
            if k == at {
                from = i;
            }
            k += 1;
        });
        let start = text[..from].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let shown: Vec<&str> = text[start..].split_whitespace().take(SHOWN_WORDS).collect();
        out.push(Finding::error(format!(
            "{}: story `{name}`: the laid-out pages lack some of its words ({got} of its {} letters and \
             digits are placed), from « {}… »; nothing is written rather than a PDF with text missing — \
             check the Markdown there (a construct maquette does not lay out?) and report it if it looks right",
            issue_file.display(),
            want.len(),
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
        let letters = |source: &str| {
            let mut s = String::new();
            push_letters(&expected_text(source), |c, _| s.push(c));
            s
        };
        assert_eq!(
            letters("## Titre\n\n![Des panneaux](p.jpg)\n\nUn *mot* <!-- note --> et [lien](http://a.fr)\n"),
            "titreunmotetlien"
        );
        assert_eq!(letters("<!-- note --> suite\n"), "suite");
        assert_eq!(letters("Straße ﬁn"), "strassefin");
    }
}
