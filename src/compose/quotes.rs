//! English and German typography from plain typing: curly apostrophes and
//! quotation marks in the language's style (English “…” and ‘…’, German „…“
//! and ‚…‘), `--` as an en dash, `---` as an em dash, `...` as an ellipsis.
//! No space is added before punctuation: that is French only.

use crate::model::language::Language;

/// The opening and closing marks of a language: double, then single.
fn marks(language: Language) -> [char; 4] {
    match language {
        Language::German => ['„', '“', '‚', '‘'],
        _ => ['“', '”', '‘', '’'],
    }
}

/// Whether a quote after `prev` opens (start of text, after a space, an
/// opening bracket or a dash).
fn opens(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || "([{\u{2014}\u{2013}/".contains(p))
}

/// Applies the rules to a paragraph given as runs of text; run boundaries are kept.
pub fn apply(runs: &mut [String], language: Language) {
    let [open2, close2, open1, close1] = marks(language);
    let chars: Vec<(char, usize)> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.chars().map(move |c| (c, i)))
        .collect();
    let mut out: Vec<(char, usize)> = Vec::with_capacity(chars.len());
    let mut single_open = false;
    let mut i = 0;
    while i < chars.len() {
        let (c, run) = chars[i];
        let prev = out.last().map(|x| x.0);
        let next = chars.get(i + 1).map(|x| x.0);
        let same = |k: usize, ch: char| chars.get(i + k).map(|x| x.0) == Some(ch);
        match c {
            '"' => out.push((if opens(prev) { open2 } else { close2 }, run)),
            '\'' if opens(prev) && next.is_some_and(|n| !n.is_whitespace()) => {
                // ’tis, ’90s: an apostrophe before a digit or a known elision;
                // otherwise an opening single quote.
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    out.push(('’', run));
                } else {
                    single_open = true;
                    out.push((open1, run));
                }
            }
            '\'' if single_open && !next.is_some_and(char::is_alphanumeric) => {
                single_open = false;
                out.push((close1, run));
            }
            '\'' => out.push(('’', run)),
            '-' if same(1, '-') && same(2, '-') => {
                out.push(('—', run));
                i += 2;
            }
            '-' if same(1, '-') => {
                out.push(('–', run));
                i += 1;
            }
            '.' if same(1, '.') && same(2, '.') => {
                out.push(('…', run));
                i += 2;
            }
            _ => out.push((c, run)),
        }
        i += 1;
    }
    for run in runs.iter_mut() {
        run.clear();
    }
    for (c, i) in out {
        runs[i].push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str, language: Language) -> String {
        let mut runs = vec![text.to_string()];
        apply(&mut runs, language);
        runs.concat()
    }

    #[test]
    fn english() {
        assert_eq!(
            typed(
                "\"It's the town's 'best' fair,\" she said -- twice... In the '90s --- no.",
                Language::English
            ),
            "“It’s the town’s ‘best’ fair,” she said – twice… In the ’90s — no."
        );
    }

    #[test]
    fn german() {
        assert_eq!(
            typed("Er sagte: \"Das geht's 'so' nicht.\"", Language::German),
            "Er sagte: „Das geht’s ‚so‘ nicht.“"
        );
    }

    #[test]
    fn runs_are_kept() {
        let mut runs = vec!["\"Hello".to_string(), "\" world".to_string()];
        apply(&mut runs, Language::English);
        assert_eq!(runs, vec!["“Hello".to_string(), "” world".to_string()]);
    }
}
