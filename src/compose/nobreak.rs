//! What stays on one line in every language: a number and its unit or its
//! month (« 16 km », « 14 May », « 3,5 Mio. € »), a time and its a.m./p.m.,
//! a month and the day after it (« May 14 »), the groups of a telephone
//! number, a title and the name after it (« Dr Martin », « St Pancras »),
//! and a spaced dash with the word before it, so that no line starts with
//! a dash. French rules (its own spaces) run before these; a space they
//! have already made fixed is left as it is.

use crate::compose::french::NBSP;
use crate::model::issue::{ENGLISH_MONTHS, FRENCH_MONTHS, GERMAN_MONTHS};
use crate::model::language::Language;

/// Units, multipliers and time marks that stay with the number before them.
const UNITS: &[&str] = &[
    "km", "m", "cm", "mm", "m²", "km²", "ha", "kg", "g", "t", "l", "L", "€", "$", "£", "%", "min",
    "s", "h", "kWh", "MW", "GW", "Uhr", "Mio.", "Mrd.", "Euro", "euros", "million", "millions",
    "billion", "billions", "a.m.", "p.m.", "am", "pm", "mph", "miles", "°C",
];

/// Abbreviated month names that stay with the number before or after them
/// (the full names come from the issue model's tables).
const MONTH_ABBREVIATIONS: &[&str] = &[
    "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
];

/// Whether a word is a month's name, in full (French, English, German) or abbreviated.
fn is_month(word: &str) -> bool {
    [&ENGLISH_MONTHS, &GERMAN_MONTHS, &FRENCH_MONTHS]
        .iter()
        .any(|names| names.contains(&word))
        || MONTH_ABBREVIATIONS.contains(&word)
}

/// Titles that stay with the name after them.
const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Dr.", "St", "St.", "Prof.", "Sir", "Herr", "Frau", "M.", "Mme",
    "Mlle",
];

/// Multipliers that stay with the currency after them (« 3,5 Mio. € »).
const MULTIPLIERS: &[&str] = &[
    "Mio.", "Mrd.", "million", "millions", "billion", "billions", "Md",
];

/// Currencies.
const CURRENCIES: &[&str] = &["€", "$", "£", "Euro", "euros", "EUR"];

/// Applies the rules to a paragraph given as runs of text; run boundaries are kept.
pub fn apply(runs: &mut [String], language: Language) {
    let mut text: Vec<char> = Vec::with_capacity(runs.iter().map(String::len).sum());
    for run in runs.iter() {
        text.extend(run.chars());
    }
    // Where the white space is, in order: the words lie between.
    let white: Vec<usize> = (0..text.len())
        .filter(|&i| text[i].is_whitespace())
        .collect();
    let phone = phone_spaces(&text, &white);
    let mut words = Words::default();
    let mut fixed: Vec<usize> = Vec::new();
    for (n, &i) in white.iter().enumerate() {
        if text[i] != ' ' {
            continue;
        }
        // The words on either side, up to the white space before and after.
        let start = n.checked_sub(1).map_or(0, |p| white[p] + 1);
        let end = white.get(n + 1).copied().unwrap_or(text.len());
        let (before, after) = (&text[start..i], &text[i + 1..end]);
        if words.stay(&text, i, (before, after), &phone, language) {
            fixed.push(i);
        }
    }
    if fixed.is_empty() {
        return;
    }
    // The runs that hold a space made fixed are written again.
    let mut fixed = fixed.into_iter().peekable();
    let mut first = 0;
    for run in runs.iter_mut() {
        let count = run.chars().count();
        if fixed.peek().is_some_and(|&f| f < first + count) {
            let mut out = String::with_capacity(run.len() + 2);
            for (k, c) in run.chars().enumerate() {
                if fixed.next_if_eq(&(first + k)).is_some() {
                    out.push(NBSP);
                } else {
                    out.push(c);
                }
            }
            *run = out;
        }
        first += count;
    }
}

/// The words on either side of a space, written into buffers kept from one
/// space to the next.
#[derive(Default)]
struct Words {
    before: String,
    after: String,
}

impl Words {
    /// Whether the space at `i` of `text` keeps the words on either side of
    /// it, `before` and `after`, together; `phone` holds the spaces inside
    /// telephone numbers, in order.
    fn stay(
        &mut self,
        text: &[char],
        i: usize,
        (before, after): (&[char], &[char]),
        phone: &[usize],
        language: Language,
    ) -> bool {
        let after_starts = after.first().copied();
        // The words are written out only where a rule reads them whole: the
        // word before where the word after starts with a figure (a month
        // before a day) or a capital (a title before a name), or where it
        // starts as a multiplier does; the word after where the word before
        // ends with a figure (a unit) or is a multiplier (a currency).
        let may_multiply = before
            .first()
            .is_some_and(|&c| MULTIPLIERS.iter().any(|m| m.starts_with(c)));
        self.before.clear();
        if after_starts.is_some_and(|c| c.is_ascii_digit() || c.is_uppercase()) || may_multiply {
            self.before.extend(before);
        }
        let multiplier = may_multiply && MULTIPLIERS.contains(&self.before.as_str());
        let ends_with_digit = before.last().is_some_and(char::is_ascii_digit);
        self.after.clear();
        if ends_with_digit || multiplier {
            self.after.extend(after);
        }
        let (before, after) = (self.before.as_str(), self.after.as_str());
        phone.binary_search(&i).is_ok()
            || (ends_with_digit && {
                let unit = word_unit(after);
                UNITS.contains(&unit) || is_month(unit)
            })
            || (after_starts.is_some_and(|c| c.is_ascii_digit()) && is_month(before))
            || (multiplier && CURRENCIES.contains(&word_unit(after)))
            || (after_starts.is_some_and(char::is_uppercase) && TITLES.contains(&before))
            || (language != Language::French
                && matches!(text.get(i + 1), Some('–' | '—'))
                && text.get(i + 2) == Some(&' '))
    }
}

/// A word without the punctuation that closes it.
fn word_unit(word: &str) -> &str {
    let trimmed = word.trim_end_matches([',', ';', ':', '!', '?', ')', '”', '’', '“', '»']);
    // « km. » at a sentence's end is the unit; « a.m. » keeps its dots.
    if UNITS.contains(&trimmed) || is_month(trimmed) {
        return trimmed;
    }
    trimmed.trim_end_matches('.')
}

/// Groups of a telephone number from which it may break between its halves.
const LONG_PHONE_GROUPS: usize = 5;

/// The spaces inside telephone numbers: three groups or more of up to four
/// digits (a `+`, brackets and dots allowed) separated by single spaces
/// (« 03 21 08 61 40 », « +33 (0)3 21 08 61 40 », « 020 7946 0018 »);
/// `white` holds where the white space of `text` is, in order.
fn phone_spaces(text: &[char], white: &[usize]) -> Vec<usize> {
    let is_group = |w: &[char]| {
        let digits = w.iter().filter(|c| c.is_ascii_digit()).count();
        (1..=4).contains(&digits)
            && w.len() <= 6
            && w.iter().all(|c| c.is_ascii_digit() || "+().".contains(*c))
    };
    let mut out = Vec::new();
    let mut groups: Vec<(usize, usize)> = Vec::new(); // (start, end) of the run's groups
    let mut start = 0;
    // A long number keeps the space between its halves breakable, so that
    // a narrow column can split it there rather than force a word break.
    let flush = |groups: &mut Vec<(usize, usize)>, out: &mut Vec<usize>| {
        if groups.len() >= 3 {
            let middle = (groups.len() >= LONG_PHONE_GROUPS).then_some(groups.len() / 2 - 1);
            let spaces = groups.windows(2).map(|w| w[0].1).enumerate();
            out.extend(spaces.filter(|(k, _)| Some(*k) != middle).map(|(_, s)| s));
        }
        groups.clear();
    };
    for i in white.iter().copied().chain(std::iter::once(text.len())) {
        let word = &text[start..i];
        let joined =
            groups.last().is_some_and(|g| g.1 + 1 == start) && text.get(start - 1) == Some(&' ');
        if is_group(word) {
            if !joined {
                flush(&mut groups, &mut out);
            }
            groups.push((start, i));
        } else {
            flush(&mut groups, &mut out);
        }
        start = i + 1;
    }
    flush(&mut groups, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(text: &str) -> String {
        let mut runs = vec![text.to_string()];
        apply(&mut runs, Language::English);
        runs.remove(0).replace(NBSP, "~")
    }

    #[test]
    fn numbers_keep_their_units_and_months() {
        assert_eq!(en("a 16 km trail"), "a 16~km trail");
        assert_eq!(en("6.5 km."), "6.5~km.");
        assert_eq!(en("$2.4 million for"), "$2.4~million for");
        assert_eq!(
            en("at 12:30 p.m. on May 14, 2019"),
            "at 12:30~p.m. on May~14, 2019"
        );
        assert_eq!(en("on 14 May"), "on 14~May");
        assert_eq!(en("in 2017 150 towns"), "in 2017 150 towns");
    }

    #[test]
    fn run_boundaries_are_kept() {
        // The fixed space is the first character of the second run; the
        // third run, with nothing to fix, is left as it is.
        let mut runs = vec!["a 16".to_string(), " km trail, ".to_string(), "then".into()];
        apply(&mut runs, Language::English);
        assert_eq!(runs, ["a 16", "\u{a0}km trail, ", "then"]);
        let mut plain = vec!["no rule here".to_string()];
        apply(&mut plain, Language::English);
        assert_eq!(plain, ["no rule here"]);
    }

    #[test]
    fn telephone_numbers_names_and_dashes() {
        assert_eq!(
            en("call +33 (0)3 21 08 61 40 now"),
            "call +33~(0)3~21 08~61~40 now"
        );
        assert_eq!(en("call 0800 123 456 now"), "call 0800~123~456 now");
        assert_eq!(en("call 03 21 00 12 34."), "call 03~21 00~12~34.");
        assert_eq!(en("London St Pancras"), "London St~Pancras");
        assert_eq!(en("the trail – and more"), "the trail~– and more");
        let mut de = vec!["3,5 Mio. € bis 18:30 Uhr".to_string()];
        apply(&mut de, Language::German);
        assert_eq!(de[0].replace(NBSP, "~"), "3,5~Mio.~€ bis 18:30~Uhr");
    }
}
