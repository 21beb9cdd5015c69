//! The text a set line reads as where it ends, in the web edition (ISO
//! 32000-1 §14.8.2.4–5): a line that ends at a space or a hard break reads a
//! space there, though none is drawn, so that words do not run together
//! when the text is read from the structure tree; a line that ends with a
//! hyphen the breaker added reads U+00AD (soft hyphen) there, so the word
//! reads whole; a line that ends inside a word at its own hyphen (« Béthune- »)
//! or in an address reads as it is.
//!
//! The lines do not say how they end: each is found, in order, in the text of
//! its block (what the lines were set from), and the character after it there
//! tells.

use crate::compose::{LineRun, PlacedGlyph};
use crate::pages::{Document, Mark, Origin};
use std::collections::BTreeMap;

/// What a line reads as at its end, beyond its glyphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    /// Nothing more (the last line of its block, a break inside a word at
    /// its own hyphen or in an address, or a line that is not read).
    AsDrawn,
    /// A space: the source has a space or a hard break after the line.
    Space,
    /// The line's last glyph is a hyphen the breaker added: it reads U+00AD.
    SoftHyphen,
}

/// The characters a line-end hyphen added by the breaker can read as.
const ADDED_HYPHENS: [char; 2] = ['-', '\u{AD}'];

/// Which lines are read together: a block, a table cell, the title, a frame's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    /// A block of a story.
    Block(usize, usize),
    /// A table cell: story, block, row, column.
    Cell(usize, usize, usize, usize),
    /// The document's title.
    Title,
    /// A frame's label, by its story.
    Label(usize),
}

/// A line drawn: its page and mark indices, and its text.
type DrawnLine = ((usize, usize), String);

/// How each line of the document ends, by page and mark (`AsDrawn` for a
/// mark that is not a line of text).
pub fn line_ends(doc: &Document) -> Vec<Vec<LineEnd>> {
    let mut ends: Vec<Vec<LineEnd>> = doc
        .pages
        .iter()
        .map(|p| vec![LineEnd::AsDrawn; p.marks.len()])
        .collect();
    // The lines of each group, in reading order, with their text.
    let mut groups: BTreeMap<Group, Vec<DrawnLine>> = BTreeMap::new();
    for (p, page) in doc.pages.iter().enumerate() {
        for (m, mark) in page.marks.iter().enumerate() {
            let Mark::Text { runs, origin, .. } = mark else {
                continue;
            };
            let group = match *origin {
                Origin::Story { story, block } => Group::Block(story, block),
                Origin::Cell {
                    story,
                    block,
                    row,
                    column,
                } => Group::Cell(story, block, row, column),
                Origin::Front { title: true } => Group::Title,
                Origin::Label { story } => Group::Label(story),
                Origin::Front { title: false } | Origin::Artifact => continue,
            };
            groups
                .entry(group)
                .or_default()
                .push(((p, m), line_text(runs)));
        }
    }
    // Cells are found in their row's text in column order (a BTreeMap's
    // order), each after the one before.
    let mut row_cursor: BTreeMap<(usize, usize, usize), usize> = BTreeMap::new();
    for (group, lines) in groups {
        let found = match group {
            Group::Block(s, b) => {
                let source = block_text(doc, s, b);
                ends_in_source(source, &lines, &mut 0)
            }
            Group::Cell(s, b, r, _) => {
                let row = block_text(doc, s, b).split('\n').nth(r).unwrap_or("");
                ends_in_source(row, &lines, row_cursor.entry((s, b, r)).or_default())
            }
            // Set from a template or a label: broken only at spaces.
            Group::Title | Group::Label(_) => (0..lines.len())
                .map(|i| {
                    if i + 1 < lines.len() {
                        LineEnd::Space
                    } else {
                        LineEnd::AsDrawn
                    }
                })
                .collect(),
        };
        for (((p, m), _), end) in lines.iter().zip(found) {
            ends[*p][*m] = end;
        }
    }
    ends
}

/// The text block `b` of story `s` was set from ("" if there is none).
fn block_text(doc: &Document, s: usize, b: usize) -> &str {
    doc.stories
        .get(s)
        .and_then(|blocks| blocks.get(b))
        .map_or("", |info| info.text.as_str())
}

/// The text a line shows, its runs' texts end to end, a list item's label
/// aside (it is set apart from the item's text).
fn line_text(runs: &[LineRun]) -> String {
    runs.iter()
        .filter(|r| !r.label)
        .map(|r| r.text.as_str())
        .collect()
}

/// How each of `lines` ends, found one after the other in `source` from
/// byte `cursor` on (which is left after the last one found). The last line
/// of the group reads as drawn; a line not found in the source too.
fn ends_in_source(source: &str, lines: &[DrawnLine], cursor: &mut usize) -> Vec<LineEnd> {
    lines
        .iter()
        .enumerate()
        .map(|(i, (_, text))| {
            let Some((end, added_hyphen)) = find_line(source, *cursor, text) else {
                return LineEnd::AsDrawn;
            };
            *cursor = end;
            let last = i + 1 == lines.len();
            match source[end..].chars().next() {
                Some(c) if c.is_whitespace() && !last => LineEnd::Space,
                Some(_) if added_hyphen => LineEnd::SoftHyphen,
                _ => LineEnd::AsDrawn,
            }
        })
        .collect()
}

/// Where the line `text` ends in `source`, searched from byte `from` on (the
/// spaces a break swallowed skipped), and whether its last character is a
/// hyphen the breaker added (not in the source); `None` if it is not there.
fn find_line(source: &str, from: usize, text: &str) -> Option<(usize, bool)> {
    if text.is_empty() {
        return None;
    }
    let rest = source.get(from..)?;
    let start = from + (rest.len() - rest.trim_start().len());
    let at = &source[start..];
    if at.starts_with(text) {
        return Some((start + text.len(), false));
    }
    if let Some(stem) = text.strip_suffix(ADDED_HYPHENS) {
        if !stem.is_empty() && at.starts_with(stem) {
            return Some((start + stem.len(), true));
        }
    }
    // Not where it should be: found further on, if at all.
    let found = at.find(text)?;
    Some((start + found + text.len(), false))
}

/// The last run of a line as it reads at its end, when that is not as drawn.
#[derive(Debug)]
pub struct Ending {
    /// The run's text as it reads.
    pub text: String,
    /// A glyph drawn after the run's own, with no advance, reading the end of
    /// `text` from its `start`.
    pub added: Option<PlacedGlyph>,
}

/// The text a run reads, with its ending if it has one.
pub fn reads<'r>(run: &'r LineRun, ending: Option<&'r Ending>) -> &'r str {
    ending.map_or(run.text.as_str(), |e| e.text.as_str())
}

/// How the last run of a line reads at its end, or none if as drawn: with a
/// space glyph (`space`, the run's face's) added for `Space`, with its last
/// hyphen's text made U+00AD for `SoftHyphen`. The line's runs are drawn as
/// they are, this one with its ending.
pub fn ending(last: &LineRun, end: LineEnd, space: Option<u16>) -> Option<Ending> {
    match end {
        LineEnd::AsDrawn => None,
        LineEnd::Space => {
            let id = space?;
            let at = last.text.len();
            let mut text = String::with_capacity(at + 1);
            text.push_str(&last.text);
            text.push(' ');
            Some(Ending {
                text,
                added: Some(PlacedGlyph {
                    id,
                    advance: 0.0,
                    start: at as u32,
                }),
            })
        }
        LineEnd::SoftHyphen => {
            // The hyphen is the last glyph's text: it reads to the end.
            let at = last.text.strip_suffix('-').map(str::len)?;
            last.glyphs
                .last()
                .is_some_and(|g| g.start as usize == at)
                .then(|| Ending {
                    text: format!("{}\u{AD}", &last.text[..at]),
                    added: None,
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::RunStyle;
    use std::sync::Arc;

    /// A run showing `text`, one glyph a character.
    fn run(text: &str) -> LineRun {
        LineRun {
            style: Arc::new(RunStyle {
                face: crate::fonts::FaceId(0),
                size: crate::units::Pt(10.0),
                color: "black".into(),
                link: None,
                tracking: crate::units::Pt::ZERO,
            }),
            x: crate::units::Pt::ZERO,
            width: crate::units::Pt::ZERO,
            glyphs: text
                .char_indices()
                .map(|(i, _)| PlacedGlyph {
                    id: 1,
                    advance: 1.0,
                    start: i as u32,
                })
                .collect(),
            offsets: Vec::new(),
            text: text.into(),
            label: false,
        }
    }

    #[test]
    fn a_line_s_end_reads_a_space_a_soft_hyphen_or_as_drawn() {
        let space = ending(&run("mot"), LineEnd::Space, Some(3)).unwrap();
        assert_eq!(space.text, "mot ");
        assert_eq!(
            space.added.as_ref().map(|g| (g.id, g.advance, g.start)),
            Some((3, 0.0, 3))
        );
        // A face without a space glyph reads as drawn.
        assert!(ending(&run("mot"), LineEnd::Space, None).is_none());
        // The added space reads its own character; the last glyph before it, its own.
        let mot = run("mot");
        let added = space.added.as_ref();
        assert_eq!(mot.text_end(2, added, space.text.len()), 3);
        assert_eq!(mot.text_end(3, added, space.text.len()), 4);
        let hyphen = ending(&run("lon-"), LineEnd::SoftHyphen, Some(3)).unwrap();
        assert_eq!(hyphen.text, "lon\u{AD}");
        assert!(hyphen.added.is_none());
        // The hyphen's glyph reads the soft hyphen whole (two bytes).
        assert_eq!(run("lon-").text_end(3, None, hyphen.text.len()), 5);
        // A hyphen that is not its own glyph's text is left as it is.
        let mut fused = run("lon-");
        fused.glyphs.pop();
        assert!(ending(&fused, LineEnd::SoftHyphen, None).is_none());
        assert!(ending(&run("mot"), LineEnd::AsDrawn, Some(3)).is_none());
    }

    fn ends(source: &str, lines: &[&str]) -> Vec<LineEnd> {
        let lines: Vec<((usize, usize), String)> =
            lines.iter().map(|l| ((0, 0), l.to_string())).collect();
        ends_in_source(source, &lines, &mut 0)
    }

    #[test]
    fn a_line_that_ends_at_a_space_or_a_break_reads_a_space() {
        use LineEnd::*;
        assert_eq!(
            ends("la septième séance du", &["la septième", "séance du"]),
            [Space, AsDrawn]
        );
        assert_eq!(
            ends(
                "Maison Syndicale\n30/32 rue",
                &["Maison Syndicale", "30/32 rue"]
            ),
            [Space, AsDrawn]
        );
    }

    #[test]
    fn an_added_hyphen_reads_soft_and_a_compound_s_own_as_itself() {
        use LineEnd::*;
        assert_eq!(
            ends(
                "la possibilité de Béthune-Bruay",
                &["la possibi-", "lité de Béthune-", "Bruay"]
            ),
            [SoftHyphen, AsDrawn, AsDrawn]
        );
        assert_eq!(
            ends("le lequel", &["le le\u{AD}", "quel"]),
            [SoftHyphen, AsDrawn]
        );
        // An address broken after its own separator.
        assert_eq!(
            ends(
                "www.pma-artois.fr/agenda",
                &["www.pma-", "artois.fr/agenda"]
            ),
            [AsDrawn, AsDrawn]
        );
    }

    #[test]
    fn a_line_not_in_the_source_reads_as_drawn() {
        assert_eq!(ends("autre chose", &["rien"]), [LineEnd::AsDrawn]);
    }
}
