//! French typography from plain typing: apostrophes, guillemets and the
//! no-break spaces French puts around punctuation, numbers and abbreviations.
//!
//! The editor types an ordinary keyboard's characters; this pass turns them
//! into what a French typographer sets. It works on the paragraph as a whole
//! (runs of different styles are seen as one text), so a rule applies even
//! across a change of style.

use crate::model::issue::FRENCH_MONTHS;

/// Narrow no-break space (« espace fine insécable »): before ; ! ? %, in numbers.
pub const NARROW_NBSP: char = '\u{202F}';
/// No-break word space (« espace insécable »): before :, inside « », after n°, M.
pub const NBSP: char = '\u{00A0}';

/// Is this one of the spaces an editor may type around punctuation?
fn is_space(c: char) -> bool {
    c == ' ' || c == NBSP || c == NARROW_NBSP || c == '\u{2009}'
}

/// Applies the French rules to a paragraph given as runs of text; run
/// boundaries are kept (a space removed or added belongs to a neighbouring run).
pub fn apply(runs: &mut [String]) {
    // Each character with its run's index: an issue has fewer characters,
    // so fewer runs, than a u32 counts.
    const _: () = assert!(crate::model::issue::MAX_TEXT_CHARS <= u32::MAX as usize);
    let mut chars: Vec<(char, u32)> = Vec::with_capacity(runs.iter().map(String::len).sum());
    for (i, run) in runs.iter().enumerate() {
        chars.extend(run.chars().map(|c| (c, i as u32)));
    }
    let chars = quotes(chars);
    let chars = spaces(chars);
    for run in runs.iter_mut() {
        run.clear();
    }
    for (c, i) in chars {
        runs[i as usize].push(c);
    }
}

/// `'` → ’, `"…"` → «…», `...` → ….
fn quotes(chars: Vec<(char, u32)>) -> Vec<(char, u32)> {
    let mut out: Vec<(char, u32)> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let (c, run) = chars[i];
        match c {
            '\'' => out.push(('’', run)),
            '"' => {
                let opening = out
                    .last()
                    .is_none_or(|&(p, _)| p.is_whitespace() || "([{\u{2014}\u{2013}".contains(p));
                out.push((if opening { '«' } else { '»' }, run));
            }
            '.' if chars.get(i + 1).map(|x| x.0) == Some('.')
                && chars.get(i + 2).map(|x| x.0) == Some('.') =>
            {
                out.push(('…', run));
                i += 2;
            }
            _ => out.push((c, run)),
        }
        i += 1;
    }
    out
}

/// The spaces: before high punctuation, inside guillemets, in numbers and
/// abbreviations; whatever the editor typed there (a space, none, or a
/// no-break one) becomes the right one.
fn spaces(chars: Vec<(char, u32)>) -> Vec<(char, u32)> {
    let n = chars.len();
    let at = |k: usize| chars.get(k).map(|x| x.0);
    let mut out: Vec<(char, u32)> = Vec::with_capacity(n + n / 16);
    let mut i = 0;
    while i < n {
        let (c, run) = chars[i];
        let next = at(i + 1);
        // Whether the word ends after this character (read only after a sign).
        let ends_word = || {
            next.is_none_or(|x| {
                x.is_whitespace()
                    || matches!(
                        x,
                        '.' | ',' | ';' | ':' | '!' | '?' | '»' | ')' | '\u{2026}'
                    )
            })
        };
        match c {
            ';' | '!' | '?' | ':'
                if ends_word() || (c != ':' && matches!(next, Some('!' | '?'))) =>
            {
                let space = if c == ':' { NBSP } else { NARROW_NBSP };
                set_space_before(&mut out, space, run);
                out.push((c, run));
            }
            '»' => {
                // After a word or a sign (« connaître ! »), a no-break space.
                set_space_after(&mut out, NBSP, run, "«([");
                out.push((c, run));
            }
            'h' if hour_mark(&chars, i) => {
                // 9h30 → 9 h 30, with no-break spaces.
                if !out.last().is_some_and(|&(p, _)| is_space(p)) {
                    out.push((NBSP, run));
                }
                out.push((c, run));
                if next.is_some_and(|x| x.is_ascii_digit()) {
                    out.push((NBSP, run));
                }
            }
            '%' if prev_non_space(&out).is_some_and(|p| p.is_ascii_digit()) => {
                set_space_before(&mut out, NARROW_NBSP, run);
                out.push((c, run));
            }
            '«' => {
                out.push((c, run));
                // Skip what was typed after «, then put one no-break space.
                let mut k = i + 1;
                while at(k).is_some_and(is_space) {
                    k += 1;
                }
                if k < n {
                    out.push((NBSP, chars[k].1));
                }
                i = k;
                continue;
            }
            ' ' if digit_group_space(&chars, i) => out.push((NARROW_NBSP, run)),
            ' ' if abbreviation_space(&chars, i) => out.push((NBSP, run)),
            _ => out.push((c, run)),
        }
        i += 1;
    }
    out
}

/// The last character of `out` that is not a space.
fn prev_non_space(out: &[(char, u32)]) -> Option<char> {
    out.iter().rev().map(|x| x.0).find(|&c| !is_space(c))
}

/// Replaces the spaces at the end of `out` by `space`, or adds it after a word.
fn set_space_before(out: &mut Vec<(char, u32)>, space: char, run: u32) {
    set_space_after(out, space, run, "«([!?;:");
}

/// Replaces the spaces at the end of `out` by `space`, or adds it, unless
/// what precedes is one of `bare` (an opening sign, or a sign that takes no
/// space before the next one).
fn set_space_after(out: &mut Vec<(char, u32)>, space: char, run: u32, bare: &str) {
    let mut space_run = None;
    while out.last().is_some_and(|&(c, _)| is_space(c)) {
        space_run = out.pop().map(|x| x.1);
    }
    let after_word = out
        .last()
        .is_some_and(|&(c, _)| !c.is_whitespace() && !bare.contains(c));
    if after_word {
        out.push((space, space_run.unwrap_or(run)));
    } else if let Some(r) = space_run {
        // At the start of a line or after an opening sign: keep what was typed.
        out.push((' ', r));
    }
}

/// An `h` typed between the hours and the minutes (`9h30`, `18h`): digits
/// just before it (a whole number), and after it digits or the word's end.
fn hour_mark(chars: &[(char, u32)], i: usize) -> bool {
    let at = |k: usize| chars.get(k).map(|x| x.0);
    let digits = (1..=2)
        .take_while(|&d| i >= d && at(i - d).is_some_and(|c| c.is_ascii_digit()))
        .count();
    let starts =
        digits > 0 && (i == digits || at(i - digits - 1).is_none_or(|c| !c.is_alphanumeric()));
    let next = at(i + 1);
    let minutes = next.is_some_and(|c| c.is_ascii_digit())
        && at(i + 2).is_some_and(|c| c.is_ascii_digit())
        && at(i + 3).is_none_or(|c| !c.is_alphanumeric());
    starts && (minutes || next.is_none_or(|c| !c.is_alphanumeric()))
}

/// A space between digit groups: `650 000`, `23 000` (the left group has 1–3 digits).
fn digit_group_space(chars: &[(char, u32)], i: usize) -> bool {
    let digit = |k: usize| chars.get(k).is_some_and(|x| x.0.is_ascii_digit());
    let left = (1..=4).take_while(|&d| i >= d && digit(i - d)).count();
    let left_bounded = i <= left || !chars[i - left - 1].0.is_alphanumeric();
    let right_group = digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4);
    (1..=3).contains(&left) && left_bounded && right_group
}

/// A space that must not break: `9 h 30`, `n° 1`, `M. Dagbert`, `15 mai` stays breakable.
fn abbreviation_space(chars: &[(char, u32)], i: usize) -> bool {
    let c = |k: isize| -> Option<char> {
        let k = i as isize + k;
        (k >= 0)
            .then(|| chars.get(k as usize).map(|x| x.0))
            .flatten()
    };
    let is_digit = |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit());
    let boundary = |x: Option<char>| x.is_none_or(|x| !x.is_alphanumeric());
    // 9 h 30 / 9 h
    (is_digit(c(-1)) && c(1) == Some('h') && (c(2) == Some(' ') || boundary(c(2))))
        || (c(-1) == Some('h') && c(-2) == Some(' ') && is_digit(c(-3)) && is_digit(c(1)))
        // n° 1
        || (c(-1) == Some('°') && c(-2) == Some('n') && boundary(c(-3)))
        // M. Dagbert, Mme Dupont
        || (c(-1) == Some('.') && c(-2) == Some('M') && boundary(c(-3)) && c(1).is_some_and(char::is_uppercase))
        || (c(-1) == Some('e') && c(-2) == Some('m') && c(-3) == Some('M') && boundary(c(-4)) && c(1).is_some_and(char::is_uppercase))
        // 35 km, 18 septembre: a number and its unit or month
        || (is_digit(c(-1)) && unit_or_month_follows(chars, i + 1))
}

/// Units that stay with the number before them (as do the months).
const UNITS: [&str; 18] = [
    "km", "m", "cm", "mm", "m²", "km²", "ha", "kg", "g", "t", "l", "L", "€", "$", "min", "s",
    "kWh", "MW",
];

/// Does a unit or a month name stand at `start`, as a whole word?
fn unit_or_month_follows(chars: &[(char, u32)], start: usize) -> bool {
    let word: String = chars[start.min(chars.len())..]
        .iter()
        .map(|x| x.0)
        .take_while(|c| c.is_alphanumeric() || "²€$".contains(*c))
        .collect();
    UNITS.contains(&word.as_str()) || FRENCH_MONTHS.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(text: &str) -> String {
        let mut runs = vec![text.to_string()];
        apply(&mut runs);
        runs.remove(0)
    }

    #[test]
    fn high_punctuation_gets_fixed_spaces() {
        assert_eq!(fr("un an !"), "un an\u{202F}!");
        assert_eq!(fr("un an!"), "un an\u{202F}!");
        assert_eq!(fr("sur :"), "sur\u{A0}:");
        assert_eq!(fr("forte ; et"), "forte\u{202F}; et");
        assert_eq!(fr("quoi ?!"), "quoi\u{202F}?!");
        assert_eq!(fr("http://a.fr 15:30"), "http://a.fr 15:30");
    }

    #[test]
    fn guillemets_from_plain_quotes_and_spaces() {
        assert_eq!(fr("« Habitat »"), "«\u{A0}Habitat\u{A0}»");
        assert_eq!(fr("«Habitat»"), "«\u{A0}Habitat\u{A0}»");
        assert_eq!(fr("le \"Plan\" !"), "le «\u{A0}Plan\u{A0}»\u{202F}!");
        assert_eq!(fr("l'énergie"), "l’énergie");
        assert_eq!(fr("et... \"oui\"..."), "et… «\u{A0}oui\u{A0}»…");
        assert_eq!(fr("\"a\"''."), "«\u{A0}a\u{A0}»’’.");
    }

    #[test]
    fn numbers_and_abbreviations() {
        assert_eq!(fr("650 000 habitants"), "650\u{202F}000 habitants");
        assert_eq!(fr("en 2017 150 communes"), "en 2017 150 communes");
        assert_eq!(fr("15 %"), "15\u{202F}%");
        assert_eq!(fr("à 9 h 30"), "à 9\u{A0}h\u{A0}30");
        assert_eq!(fr("à 9h30 et 18h"), "à 9\u{A0}h\u{A0}30 et 18\u{A0}h");
        assert_eq!(fr("le A4h2 et 5ha"), "le A4h2 et 5ha");
        assert_eq!(fr("connaître !\""), "connaître\u{202F}!\u{A0}»");
        assert_eq!(fr("connaître !»"), "connaître\u{202F}!\u{A0}»");
        assert_eq!(fr("le n° 1"), "le n°\u{A0}1");
        assert_eq!(fr("M. Dagbert"), "M.\u{A0}Dagbert");
        assert_eq!(
            fr("de 35 km et le 18 septembre"),
            "de 35\u{A0}km et le 18\u{A0}septembre"
        );
        assert_eq!(fr("en 2017 les mairies"), "en 2017 les mairies");
    }

    #[test]
    fn spaces_move_across_runs() {
        let mut runs = vec![
            "Directeur de publication ".to_string(),
            ":".to_string(),
            " Benoît".to_string(),
        ];
        apply(&mut runs);
        assert_eq!(runs.concat(), "Directeur de publication\u{A0}: Benoît");
    }
}
