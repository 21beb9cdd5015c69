//! Where a word may be hyphenated: hypher's patterns (TeX's), with the
//! letters each language keeps on either side. Each composing thread
//! remembers the words it has hyphenated: most long words of an issue come
//! back (a third of those of the example, three fifths over six issues).

use crate::model::language::Language;
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// Letters kept before a hyphenation point (French rule: at least 2).
pub const LEFT_HYPHEN_MIN: usize = 2;
/// Letters kept after a hyphenation point (French and English rule: at least 3).
pub const RIGHT_HYPHEN_MIN: usize = 3;

/// Letters kept after a hyphenation point in `language`: 3, or 2 in German
/// (as babel's ngerman sets \righthyphenmin), whose long words need it.
pub fn right_hyphen_min(language: Language) -> usize {
    match language {
        Language::German => 2,
        _ => RIGHT_HYPHEN_MIN,
    }
}

/// The hyphenation patterns of a language.
fn patterns(language: Language) -> hypher::Lang {
    match language {
        Language::French => hypher::Lang::French,
        Language::English => hypher::Lang::English,
        Language::German => hypher::Lang::German,
    }
}

/// The words one thread has hyphenated, by language: the byte offset of
/// each point where a word may be cut (hashed with FxHash: with SipHash, the
/// lookups cost the example more than hypher saved).
#[derive(Default)]
pub struct Hyphenator {
    words: RefCell<Vec<(Language, Points)>>,
}

/// The points of each word hyphenated in one language.
type Points = FxHashMap<Box<str>, Box<[u32]>>;

impl Hyphenator {
    /// Calls `at` with the byte offset of each point where `word` (letters
    /// only) may be hyphenated in `language`, in order.
    pub fn points(&self, word: &str, language: Language, mut at: impl FnMut(usize)) {
        let mut words = self.words.borrow_mut();
        let index = match words.iter().position(|(l, _)| *l == language) {
            Some(i) => i,
            None => {
                words.push((language, Points::default()));
                words.len() - 1
            }
        };
        let known = &mut words[index].1;
        if let Some(points) = known.get(word) {
            points.iter().for_each(|&p| at(p as usize));
            return;
        }
        let points = hyphenate(word, language);
        points.iter().for_each(|&p| at(p as usize));
        known.insert(Box::from(word), points);
    }
}

/// The points where `word` may be hyphenated in `language`, by the patterns.
fn hyphenate(word: &str, language: Language) -> Box<[u32]> {
    let mut syllables = hypher::hyphenate_bounded(
        word,
        patterns(language),
        LEFT_HYPHEN_MIN,
        right_hyphen_min(language),
    );
    let mut offset = syllables.next().map_or(0, str::len);
    let mut points = Vec::new();
    for s in syllables {
        points.push(offset as u32);
        offset += s.len();
    }
    points.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(h: &Hyphenator, word: &str, language: Language) -> Vec<usize> {
        let mut out = Vec::new();
        h.points(word, language, |p| out.push(p));
        out
    }

    #[test]
    fn a_word_met_again_is_cut_where_it_was_and_per_language() {
        let h = Hyphenator::default();
        let first = points(&h, "intercommunalité", Language::French);
        assert!(first.len() >= 3, "{first:?}");
        assert_eq!(points(&h, "intercommunalité", Language::French), first);
        // German keeps two letters after the last point, French three.
        let german = points(&h, "Zusammenarbeit", Language::German);
        let french = points(&h, "Zusammenarbeit", Language::French);
        assert!(german.iter().all(|&p| "Zusammenarbeit".len() - p >= 2));
        assert!(french.iter().all(|&p| "Zusammenarbeit".len() - p >= 3));
        assert_eq!(points(&h, "Zusammenarbeit", Language::German), german);
        assert_eq!(h.words.borrow().len(), 2);
    }
}
