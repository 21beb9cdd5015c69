//! The language of an issue: its BCP 47 tag checked and mapped to the
//! typographic rules the engine knows.

use crate::error::Problem;

/// A language whose typography the engine knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// French: « » quotes, spaces before ; : ! ?, French hyphenation.
    #[default]
    French,
    /// English (GB, US…): English hyphenation, no space before punctuation.
    English,
    /// German: German hyphenation, no space before punctuation.
    German,
}

/// The languages supported, as a user reads them in an error.
pub const SUPPORTED: &str =
    "fr (fr-FR, fr-BE, fr-CA, fr-CH…), en (en-GB, en-US…), de (de-DE, de-AT, de-CH…)";

impl Language {
    /// The language of a BCP 47 tag, if it is well-formed and supported.
    pub fn from_tag(tag: &str) -> Result<Language, Problem> {
        if !well_formed(tag) {
            return Err(
                Problem::new(format!("`{tag}` is not a BCP 47 language tag")).hint(format!(
                    "write a tag such as fr-FR or en-GB; supported: {SUPPORTED}"
                )),
            );
        }
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Ok(Language::French),
            "en" => Ok(Language::English),
            "de" => Ok(Language::German),
            _ => Err(
                Problem::new(format!("maquette has no typographic rules for `{tag}`"))
                    .hint(format!("use one of the supported languages: {SUPPORTED}")),
            ),
        }
    }

    /// The language's code for the shaper (OpenType language system).
    pub fn code(self) -> &'static str {
        match self {
            Language::French => "fr",
            Language::English => "en",
            Language::German => "de",
        }
    }
}

/// Whether `tag` is a well-formed BCP 47 tag (language, script, region,
/// variants, extensions, private use), checked subtag by subtag.
pub fn well_formed(tag: &str) -> bool {
    let subtags: Vec<&str> = tag.split('-').collect();
    let alpha = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let alnum = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let Some((first, rest)) = subtags.split_first() else {
        return false;
    };
    if !alpha(first, 2..=3) {
        return false;
    }
    let mut i = 0;
    // Script (4 letters), then region (2 letters or 3 digits).
    if rest.get(i).is_some_and(|s| alpha(s, 4..=4)) {
        i += 1;
    }
    if rest
        .get(i)
        .is_some_and(|s| alpha(s, 2..=2) || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit())))
    {
        i += 1;
    }
    // Variants: 5–8 alphanumerics, or 4 starting with a digit.
    while rest.get(i).is_some_and(|s| {
        alnum(s, 5..=8) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit() && alnum(s, 4..=4))
    }) {
        i += 1;
    }
    // Extensions and private use: a singleton followed by subtags of 1–8 (2–8 for extensions).
    while let Some(single) = rest.get(i) {
        if single.len() != 1 || !single.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return false;
        }
        let private = single.eq_ignore_ascii_case("x");
        let min = if private { 1 } else { 2 };
        let start = i + 1;
        i = start;
        while rest
            .get(i)
            .is_some_and(|s| alnum(s, min..=8) && (private || s.len() > 1))
        {
            i += 1;
        }
        if i == start {
            return false;
        }
        if private {
            break;
        }
    }
    i == rest.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        for ok in [
            "fr",
            "fr-FR",
            "en-GB",
            "en-US",
            "de-CH",
            "zh-Hant-TW",
            "es-419",
            "de-DE-1996",
            "en-x-pma",
        ] {
            assert!(well_formed(ok), "{ok}");
        }
        for bad in [
            "", "english", "fr_FR", "f", "fr-", "-FR", "fr-FRA-", "en-GB-x",
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
        assert_eq!(Language::from_tag("en-GB").unwrap(), Language::English);
        assert_eq!(Language::from_tag("fr-FR").unwrap(), Language::French);
        let err = Language::from_tag("english").unwrap_err();
        assert!(err.message.contains("not a BCP 47"), "{}", err.message);
        let err = Language::from_tag("it-IT").unwrap_err();
        assert!(err.hint.unwrap().contains("en-GB"));
    }
}
