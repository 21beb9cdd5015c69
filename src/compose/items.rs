//! From glyphs to the line breaker's items: words become boxes, spaces glue,
//! and every place a line may end (spaces, hyphenation points, compound
//! hyphens, URL separators) a break with its cost.

use super::hyphenate::{right_hyphen_min, Hyphenator, LEFT_HYPHEN_MIN};
use super::linebreak::{Item, FILL, INFINITE_PENALTY};
use super::shape::{cluster_end, Glyph, GlyphKind};
use crate::model::language::Language;
use unicode_linebreak::{linebreaks, BreakOpportunity};

/// Stretch of a word space, as a share of its width: TeX's fonts allow a half.
pub const SPACE_STRETCH: f32 = 0.5;
/// Shrink of a word space, as a share of its width: a little more than TeX's
/// third, since EB Garamond's space (0.2 em) is narrow and a narrow column
/// has few spaces; a tight line shows less than a loose one (rivers).
pub const SPACE_SHRINK: f32 = 0.45;
/// Cost of a hyphenation point: below TeX's \hyphenpenalty of 50, since a
/// 57 mm column needs more breaks than a book page; ladders are capped apart.
pub const HYPHEN_PENALTY: f32 = 30.0;
/// Cost of breaking after a compound's own hyphen (TeX's \exhyphenpenalty).
pub const EXPLICIT_HYPHEN_PENALTY: f32 = 50.0;
/// Cost of breaking an address where its convention allows (after `//` or
/// `@`, before `/`…): like a hyphenation point, so a paragraph with
/// addresses is not set looser than one without.
pub const URL_BREAK_PENALTY: f32 = 30.0;
/// Cost of breaking an address before a dot (`pm-artois` / `.fr`): a little
/// more, since the piece after a dot is often short.
pub const URL_DOT_BREAK_PENALTY: f32 = 50.0;
/// Cost of a break before an address's own hyphen: a reader may take it for
/// a hyphen added by the breaker, so only when no other way exists.
pub const URL_HYPHEN_BREAK_PENALTY: f32 = 3000.0;
/// Letters an address keeps on each side of a break.
pub const ADDRESS_MIN_PIECE: usize = 3;
/// Extra cost of hyphenating a capitalised word or breaking a compound name
/// at its hyphen (« Mar-chand », « Loos-en-|Gohelle »): names are split less
/// readily than common words, but still before a line goes loose.
pub const NAME_BREAK_PENALTY: f32 = 50.0;
/// Cost of ending a ragged line (a headline) on a function word
/// (« Osons nos | talents »): a line of badness 150 is preferred to it.
pub const FUNCTION_WORD_BREAK_PENALTY: f32 = 400.0;
/// Bonus for ending a ragged line after a colon (« Habitat : | un observatoire »).
pub const COLON_BREAK_BONUS: f32 = 100.0;
/// Cost of breaking between two capitalised words (a first name and a name,
/// « Parc » and its name): like a line of badness 150.
pub const NAME_SPACE_PENALTY: f32 = 150.0;
/// Cost of other breaks without a space (after a dash or slash).
pub const OTHER_BREAK_PENALTY: f32 = 20.0;
/// Cost of ending a line after a one-letter word (« à ») or a number
/// (« 7 | mars »): its demerits match a line of badness 300, so only done to
/// avoid a line looser than that.
pub const SHORT_WORD_BREAK_PENALTY: f32 = 300.0;
/// Letters of the longest name that is never hyphenated.
pub const SHORT_NAME_CHARS: usize = 6;
/// Extra cost of hyphenating a part of a compound (« mé-dico-social »), so
/// that it breaks at its own hyphen first.
pub const COMPOUND_PART_PENALTY: f32 = 60.0;
/// Cost of breaking a word where no rule allows it: only a word wider than
/// its column is broken so (with a warning), rather than stick out or be lost.
pub const FORCED_BREAK_PENALTY: f32 = 5000.0;
/// Letters a piece of a word between two break points may have before it
/// gets forced break points (a word that may be wider than a column).
pub const FORCED_PIECE_CHARS: usize = 16;
/// What an item stands for in the glyph stream, for setting the line afterwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// Glyphs `start..end` of the paragraph (32 bits: a paragraph's glyphs
    /// are bounded, and items are many).
    Glyphs(u32, u32),
    /// A hyphen point after glyph `glyph - 1`, drawn in that glyph's run.
    Hyphen(u32),
    /// Nothing to draw (a break without a hyphen, the last line's fill).
    None,
}

/// A [`Source`] as items keep it, in 8 bytes rather than 12 (items are
/// many): glyphs `start..end`; or, `end` being [`Packed::MARK`], a hyphen
/// point at `start`, or nothing when `start` is the mark too.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Packed {
    start: u32,
    end: u32,
}

impl Packed {
    /// The end of what is not a span of glyphs (no paragraph has 2³² glyphs).
    const MARK: u32 = u32::MAX;

    /// The source it keeps.
    fn get(self) -> Source {
        match (self.start, self.end) {
            (Self::MARK, Self::MARK) => Source::None,
            (k, Self::MARK) => Source::Hyphen(k),
            (a, b) => Source::Glyphs(a, b),
        }
    }
}

impl From<Source> for Packed {
    fn from(source: Source) -> Packed {
        let (start, end) = match source {
            Source::Glyphs(a, b) => (a, b),
            Source::Hyphen(k) => (k, Self::MARK),
            Source::None => (Self::MARK, Self::MARK),
        };
        Packed { start, end }
    }
}

/// The items of a paragraph and what each stands for.
#[derive(Debug, Clone, Default)]
pub struct Items {
    /// The line breaker's items.
    pub items: Vec<Item>,
    /// For each item, what it stands for (see [`Items::source`]).
    sources: Vec<Packed>,
    /// For each item, how far a line starting there may hang into the left margin.
    pub hang_left: Vec<f32>,
    /// For each item, how far a line ending there may hang into the right margin.
    pub hang_right: Vec<f32>,
}

impl Items {
    /// Gives back the room the vectors hold beyond their items.
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
        self.sources.shrink_to_fit();
        self.hang_left.shrink_to_fit();
        self.hang_right.shrink_to_fit();
    }

    /// What item `i` stands for.
    pub fn source(&self, i: usize) -> Source {
        self.sources[i].get()
    }

    /// What the items `range` stand for, in order.
    pub fn sources(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl DoubleEndedIterator<Item = Source> + '_ {
        self.sources[range].iter().map(|s| s.get())
    }

    /// A possible break here, adding no width, at this cost.
    fn penalty(&mut self, cost: f32, flagged: bool) {
        self.push(
            Item::Penalty {
                width: 0.0,
                cost,
                flagged,
            },
            Source::None,
        );
    }

    /// Ends a line here, its rest left blank: a forced break or the paragraph's end.
    fn end_line(&mut self) {
        self.push(
            Item::Glue {
                width: 0.0,
                stretch: FILL,
                shrink: 0.0,
            },
            Source::None,
        );
        self.penalty(-INFINITE_PENALTY, false);
    }

    fn push(&mut self, item: Item, source: Source) {
        debug_assert!(self.hang_left.is_empty(), "hanging is computed last");
        self.items.push(item);
        self.sources.push(source.into());
    }
}

/// Options for building items.
pub struct ItemOptions<'a> {
    /// Whether words may be hyphenated.
    pub hyphenate: bool,
    /// Whether spaces stretch (justified text) or keep their width (ragged).
    pub justify: bool,
    /// Advance of the hyphen in each run's face and size, in points.
    pub hyphen_width: &'a dyn Fn(u16) -> f32,
    /// Whether punctuation hangs into the margins (optical margin alignment).
    pub hang: bool,
    /// How much words may be letter-spaced, as a share of their glyphs' advances.
    pub letter_spacing: f32,
    /// The language, for hyphenation.
    pub language: Language,
    /// The words hyphenated so far on this thread.
    pub hyphenator: &'a Hyphenator,
}

/// Whether `word` is an article, a preposition, a conjunction, a possessive
/// or an auxiliary of `language`: a ragged line should not end on it.
pub fn is_function_word(word: &str, language: Language) -> bool {
    const FR: &[&str] = &[
        "le", "la", "les", "l’", "un", "une", "des", "de", "du", "d’", "au", "aux", "en", "et",
        "ou", "se", "sa", "son", "ses", "nos", "vos", "notre", "votre", "leur", "leurs", "ce",
        "cet", "cette", "ces", "par", "pour", "sur", "dans", "avec", "sans", "sous", "chez", "qui",
        "que", "ne", "est", "sont", "a", "ont", "sera", "mon", "ma", "mes",
    ];
    const EN: &[&str] = &[
        "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "and", "or", "with", "from",
        "as", "is", "are", "was", "were", "be", "our", "your", "its", "their", "his", "her", "my",
        "into", "has", "have", "will",
    ];
    const DE: &[&str] = &[
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und",
        "oder", "zu", "zum", "zur", "im", "in", "am", "an", "auf", "mit", "von", "vom", "für",
        "ist", "sind", "wird", "unser", "unsere",
    ];
    let list = match language {
        Language::French => FR,
        Language::English => EN,
        Language::German => DE,
    };
    let w = word.trim().to_lowercase();
    list.contains(&w.as_str())
}

/// Builds the items of a paragraph from its text and glyphs.
pub fn build(text: &str, glyphs: &[Glyph], opts: &ItemOptions) -> Items {
    let mut out = Items::default();
    // An address's word, with the bracket or quote that opens it.
    let urls: Vec<std::ops::Range<usize>> = url_spans(text)
        .into_iter()
        .map(|r| text[..r.start].trim_end_matches(ADDRESS_OPENERS).len()..r.end)
        .collect();
    let in_url = |offset: usize| urls.iter().any(|r| r.contains(&offset));
    let glyph_at = |offset: usize| glyphs.partition_point(|g| (g.start as usize) < offset);
    let mut prev = 0usize;
    // A word's break points, in one buffer for all of them.
    let mut points: Vec<(usize, f32, bool)> = Vec::new();
    for (pos, opportunity) in linebreaks(text) {
        // Inside an address, the address's own rules say where it breaks.
        if opportunity != BreakOpportunity::Mandatory
            && (urls.iter().any(|r| r.start < pos && pos < r.end) || dash_keeps(text, pos))
        {
            continue;
        }
        let (g0, g1) = (glyph_at(prev), glyph_at(pos));
        let seg_start = prev;
        prev = pos;
        if g0 >= g1 {
            continue;
        }
        // Trailing spaces and forced breaks end the segment; the rest is the word.
        let mut content_end = g1;
        while content_end > g0
            && matches!(
                glyphs[content_end - 1].kind,
                GlyphKind::Space | GlyphKind::Break
            )
        {
            content_end -= 1;
        }
        let content = &text[seg_start
            ..glyphs
                .get(content_end)
                .map_or(pos, |g| (g.start as usize).min(pos))];
        word_items(
            &mut points,
            in_url(seg_start),
            text,
            glyphs,
            g0,
            content_end,
            content,
            seg_start,
            opts,
            &mut out,
        );

        // The segment's spaces: where the first is, and their width.
        let (mut first_space, mut width) = (None, 0.0f32);
        for (k, g) in glyphs.iter().enumerate().take(g1).skip(content_end) {
            if g.kind == GlyphKind::Space {
                first_space.get_or_insert(k);
                width += g.advance;
            }
        }
        let forced = (content_end..g1).any(|k| glyphs[k].kind == GlyphKind::Break);
        if let (Some(first), false) = (first_space, forced) {
            let next_word = text.get(pos..).unwrap_or("");
            if content_end > g0 && keeps_next_word(content) {
                // « à » or « 7 » at a line end: breaking here costs extra.
                out.penalty(SHORT_WORD_BREAK_PENALTY, false);
            } else if content_end > g0
                && capitals_mark_names(opts.language)
                && splits_name(content, next_word)
            {
                // « Michel | Dagbert »: a name is kept on one line when it can be.
                out.penalty(NAME_SPACE_PENALTY, false);
            } else if !opts.justify && content_end > g0 {
                // A ragged line (a headline) ends well after its colon, badly
                // on an article, a preposition or an auxiliary.
                if content.ends_with(':') {
                    out.penalty(-COLON_BREAK_BONUS, false);
                } else if is_function_word(content, opts.language) {
                    out.penalty(FUNCTION_WORD_BREAK_PENALTY, false);
                }
            }
            let (stretch, shrink) = if opts.justify {
                (width * SPACE_STRETCH, width * SPACE_SHRINK)
            } else {
                (0.0, 0.0)
            };
            out.push(
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                },
                Source::Glyphs(first as u32, g1 as u32),
            );
        } else if forced || (opportunity == BreakOpportunity::Mandatory && pos == text.len()) {
            out.end_line();
        } else if content_end > g0 {
            let hyphen = content.ends_with(['-', '\u{2010}']);
            let name = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
            let (cost, flagged) = match (hyphen, in_url(seg_start)) {
                (true, true) => (URL_HYPHEN_BREAK_PENALTY, false),
                (true, false) if name(content) || name(&text[pos..]) => {
                    (EXPLICIT_HYPHEN_PENALTY + NAME_BREAK_PENALTY, true)
                }
                (true, false) => (EXPLICIT_HYPHEN_PENALTY, true),
                (false, _) => (OTHER_BREAK_PENALTY, false),
            };
            out.penalty(cost, flagged);
        }
    }
    if !matches!(out.items.last(), Some(Item::Penalty { cost, .. }) if *cost <= -INFINITE_PENALTY) {
        out.end_line();
    }
    if opts.hang {
        hanging(text, glyphs, opts, &mut out);
    }
    out
}

/// Share of a glyph's advance that hangs into the margin at a line's end
/// (microtype's default protrusion for its fonts, in thousandths there).
fn hang_right_share(c: char) -> f32 {
    match c {
        '.' | ',' | '-' | '\u{2010}' | '’' | '\'' | '”' => 0.7,
        ':' | ';' => 0.5,
        '»' | '›' => 0.5,
        '!' | '?' => 0.2,
        ')' | ']' => 0.1,
        '–' | '—' => 0.2,
        _ => 0.0,
    }
}

/// Share of a glyph's advance that hangs into the margin at a line's start.
fn hang_left_share(c: char) -> f32 {
    match c {
        '«' | '‹' => 0.5,
        '‘' | '“' => 0.7,
        '(' | '[' => 0.1,
        '–' | '—' => 0.2,
        'A' | 'T' | 'V' | 'W' | 'Y' => 0.05,
        _ => 0.0,
    }
}

/// Fills `hang_left` and `hang_right`: what the first glyph of a line starting
/// at each item, and the last glyph of a line ending there, may hang.
fn hanging(text: &str, glyphs: &[Glyph], opts: &ItemOptions, out: &mut Items) {
    let n = out.items.len();
    let share = |k: usize, side: fn(char) -> f32| {
        let g = &glyphs[k];
        let cluster = &text[g.start as usize..cluster_end(glyphs, k, text.len()) as usize];
        let mut chars = cluster.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if g.kind == GlyphKind::Mark => side(c) * g.advance,
            _ => 0.0,
        }
    };
    let mut left = vec![0.0; n];
    let mut right = vec![0.0; n];
    let mut last_glyph: Option<usize> = None;
    for i in 0..n {
        match (&out.items[i], out.source(i)) {
            (Item::Box { .. }, Source::Glyphs(a, b)) if a < b => {
                left[i] = share(a as usize, hang_left_share);
                last_glyph = Some(b as usize - 1);
            }
            (Item::Penalty { .. }, Source::Hyphen(k)) => {
                right[i] = hang_right_share('-') * (opts.hyphen_width)(glyphs[k as usize - 1].run);
            }
            (Item::Glue { .. } | Item::Penalty { .. }, _) => {
                if let Some(g) = last_glyph {
                    right[i] = share(g, hang_right_share);
                }
            }
            _ => {}
        }
    }
    out.hang_left = left;
    out.hang_right = right;
}

/// Whether a space between `word` and the text `next` falls inside a name:
/// two capitalised words (« Michel Dagbert », « Parc Marcel Cabiddu »).
fn splits_name(word: &str, next: &str) -> bool {
    let capital = |w: &str| {
        let w = w.trim_start_matches(['«', '“', '(', '\u{A0}']);
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().skip(1).any(char::is_lowercase)
    };
    let ends_clause = word.ends_with(['.', ',', ';', ':', '!', '?', ')', '»', '”']);
    !ends_clause && capital(word) && capital(next.trim_start())
}

/// Should this word stay on the line of the next one: a one-letter word
/// (« à », « a », « y ») or a number (« 7 », « 650 000 »)?
fn keeps_next_word(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphanumeric());
    let one_letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    let number = word
        .chars()
        .all(|c| c.is_ascii_digit() || c == super::french::NARROW_NBSP)
        && letters.next().is_some();
    one_letter || number
}

/// Whether a break at `pos` would start a line with an em dash (« word|—and »)
/// or split a range of numbers after its dash (« 10–|12 »): neither is allowed.
fn dash_keeps(text: &str, pos: usize) -> bool {
    let (before, after) = text.split_at(pos);
    let mut back = before.chars().rev();
    let (last, prev) = (back.next(), back.next());
    after.starts_with('—')
        || (matches!(last, Some('–' | '-'))
            && prev.is_some_and(|c| c.is_ascii_digit())
            && after.starts_with(|c: char| c.is_ascii_digit()))
}

/// Marks that open before an address and are not part of it.
const ADDRESS_OPENERS: &[char] = &['(', '[', '«', '"', '“', '‘', '„', '‚', '\'', '<'];

/// The byte ranges of the URLs and e-mail addresses in a text (whole words
/// between spaces, without an opening bracket or quote).
pub fn url_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    // Every address has an `@`, a `:` or a `.` (see `is_url`), and so has the
    // word it is: only the words around those bytes are read.
    let mut spans = Vec::new();
    let mut done = 0;
    for hit in memchr::memchr3_iter(b'@', b':', b'.', text.as_bytes()) {
        if hit < done {
            continue;
        }
        let start = text[..hit]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(k, c)| k + c.len_utf8());
        let end = text[hit..]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(text.len(), |(k, _)| hit + k);
        // An opening bracket or quote before an address is not part of it.
        let word = &text[start..end];
        let s = start + word.len() - word.trim_start_matches(ADDRESS_OPENERS).len();
        if is_url(&text[s..end]) {
            spans.push(s..end);
        }
        done = end;
    }
    spans
}

/// Is this word a URL or an e-mail address (never hyphenated, broken only after separators)?
fn is_url(word: &str) -> bool {
    // Every kind of address below has one of these; most words have none.
    if !word.bytes().any(|b| matches!(b, b'@' | b':' | b'.')) {
        return false;
    }
    word.contains('@') || word.contains("://") || word.starts_with("www.") || {
        // A domain: letters, a dot, then 2–6 letters at the end (« polemetropolitainartois.fr »).
        let core = word.trim_end_matches(|c: char| !c.is_alphanumeric());
        core.rsplit_once('.').is_some_and(|(head, tld)| {
            !head.is_empty()
                && (2..=6).contains(&tld.len())
                && tld.chars().all(|c| c.is_ascii_lowercase())
        })
    }
}

/// The boxes and hyphenation penalties of one word (glyphs `g0..g1`, text
/// `content` at `base`); its break points are found in `points`, a buffer
/// kept from word to word.
#[allow(clippy::too_many_arguments)]
fn word_items(
    points: &mut Vec<(usize, f32, bool)>,
    url: bool,
    text: &str,
    glyphs: &[Glyph],
    g0: usize,
    g1: usize,
    content: &str,
    base: usize,
    opts: &ItemOptions,
    out: &mut Items,
) {
    if g0 >= g1 {
        return;
    }
    // (byte offset, cost, adds a hyphen)
    points.clear();
    if url {
        address_points(content, base, points);
    } else if opts.hyphenate {
        let context = WordContext::of(text, base, content);
        hyphenation_points(content, base, opts, context, points);
    }
    forced_points(content, base, url, points);
    let mut start = g0;
    for &(offset, cost, hyphen) in points.iter() {
        // Only at a cluster boundary: never inside a ligature.
        let k = glyphs[start..g1].partition_point(|g| (g.start as usize) < offset) + start;
        if k <= start
            || k >= g1
            || glyphs[k].start as usize != offset
            || glyphs[k - 1].start as usize == offset
        {
            continue;
        }
        out.push(
            word_box(&glyphs[start..k], opts.letter_spacing),
            Source::Glyphs(start as u32, k as u32),
        );
        if hyphen {
            let w = (opts.hyphen_width)(glyphs[k - 1].run);
            out.push(
                Item::Penalty {
                    width: w,
                    cost,
                    flagged: true,
                },
                Source::Hyphen(k as u32),
            );
        } else {
            out.penalty(cost, false);
        }
        start = k;
    }
    out.push(
        word_box(&glyphs[start..g1], opts.letter_spacing),
        Source::Glyphs(start as u32, g1 as u32),
    );
}

/// Where an address breaks, after the Chicago Manual of Style (17th ed.,
/// 7.42): after `//`, `:` and `@`; before a single `/`, `.`, `,`, `_`, `~`,
/// `#`, `%`, `?`; before or after `=` and `&`; never with a hyphen added, so
/// the next line starts with the mark that shows the address goes on. A
/// break at the address's own hyphen is the last resort, and no piece
/// shorter than [`ADDRESS_MIN_PIECE`] letters is left at either end.
fn address_points(content: &str, base: usize, points: &mut Vec<(usize, f32, bool)>) {
    let core = content.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '/');
    let chars: Vec<(usize, char)> = core.char_indices().collect();
    let n = chars.len();
    for (k, &(_, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|x| x.1);
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        // (offset of the break, its cost): before the mark, or after it.
        let point = match c {
            '/' if prev == Some('/') => Some((k + 1, URL_BREAK_PENALTY)),
            '/' if next == Some('/') => None,
            ':' if next == Some('/') => None,
            '@' | ':' => Some((k + 1, URL_BREAK_PENALTY)),
            '/' | '_' | '~' | '#' | '%' | '?' => Some((k, URL_BREAK_PENALTY)),
            '.' | ',' => Some((k, URL_DOT_BREAK_PENALTY)),
            '=' | '&' => Some((k, URL_BREAK_PENALTY)),
            '-' => Some((k, URL_HYPHEN_BREAK_PENALTY)),
            _ => None,
        };
        let Some((at, cost)) = point else { continue };
        if at < ADDRESS_MIN_PIECE || n - at < ADDRESS_MIN_PIECE {
            continue;
        }
        let offset = chars.get(at).map_or(core.len(), |x| x.0);
        if points.last().is_none_or(|p| p.0 < base + offset) {
            points.push((base + offset, cost, false));
        }
    }
}

/// Adds forced break points (every character) inside the pieces of a word
/// longer than [`FORCED_PIECE_CHARS`] between its break points; `points` stays sorted.
fn forced_points(content: &str, base: usize, url: bool, points: &mut Vec<(usize, f32, bool)>) {
    if content.chars().count() <= FORCED_PIECE_CHARS {
        return;
    }
    let mut bounds: Vec<usize> = vec![base];
    bounds.extend(points.iter().map(|p| p.0));
    bounds.push(base + content.len());
    let mut forced = Vec::new();
    for pair in bounds.windows(2) {
        let piece = content.get(pair[0] - base..pair[1] - base).unwrap_or("");
        if piece.chars().count() <= FORCED_PIECE_CHARS {
            continue;
        }
        let inner = piece.char_indices().skip(1).map(|(i, _)| pair[0] + i);
        forced.extend(inner.map(|at| (at, FORCED_BREAK_PENALTY, !url)));
    }
    if !forced.is_empty() {
        points.extend(forced);
        points.sort_by_key(|p| p.0);
    }
}

/// A box of glyphs: their width, and the letter-spacing their visible glyphs allow.
fn word_box(glyphs: &[Glyph], letter_spacing: f32) -> Item {
    let width = glyphs.iter().map(|g| g.advance).sum();
    let ink: f32 = glyphs
        .iter()
        .filter(|g| g.kind == GlyphKind::Mark)
        .map(|g| g.advance)
        .sum();
    Item::Box {
        width,
        stretch: ink * letter_spacing,
        shrink: ink * letter_spacing,
    }
}

/// Where a word stands, for its hyphenation.
#[derive(Debug, Clone, Copy, Default)]
struct WordContext {
    /// It starts a sentence (a capital there is no sign of a name).
    sentence_start: bool,
    /// It is a part of a compound (« médico- », « -social »), which breaks at its own hyphen first.
    compound: bool,
}

impl WordContext {
    /// The context of the word `content` that starts at byte `base` of `text`.
    fn of(text: &str, base: usize, content: &str) -> WordContext {
        let before = text.get(..base).unwrap_or("");
        let lead = before.trim_end_matches(|c: char| c.is_whitespace() || "«“‘\"'([—–".contains(c));
        WordContext {
            sentence_start: lead
                .chars()
                .next_back()
                .is_none_or(|c| ".!?…\n".contains(c)),
            compound: content
                .trim_end_matches(['\u{AD}'])
                .ends_with(['-', '\u{2010}'])
                || before.ends_with(['-', '\u{2010}']),
        }
    }
}

/// Whether a capital marks a name in `language`: not in German, where every noun takes one.
fn capitals_mark_names(language: Language) -> bool {
    language != Language::German
}

/// Hyphenation points of the words in `content`, in `language` (byte offsets from `base`).
fn hyphenation_points(
    content: &str,
    base: usize,
    opts: &ItemOptions,
    context: WordContext,
    points: &mut Vec<(usize, f32, bool)>,
) {
    let language = opts.language;
    // Letter runs: an apostrophe ends one (« l’énergie » hyphenates « énergie »).
    let mut i = 0;
    let bytes_len = content.len();
    while i < bytes_len {
        let rest = &content[i..];
        let Some(first) = rest.chars().next() else {
            break;
        };
        if !first.is_alphabetic() {
            i += first.len_utf8();
            continue;
        }
        let len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let before = content[..i].chars().next_back();
        let after = rest[len..].chars().next();
        let touches_digit =
            before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit());
        let capitals = word.chars().filter(|c| c.is_uppercase()).count();
        let chars = word.chars().count();
        // A capitalised word that does not start a sentence is a name: short
        // names are not cut (« Bertrand », « Liévin », « Maison Syndicale »);
        // a long one (« Métropolitain », « Communauté ») only at a cost.
        let capital = first.is_uppercase() && capitals_mark_names(language);
        let name = capital
            && !(i == 0 && context.sentence_start)
            && word.chars().count() <= SHORT_NAME_CHARS;
        let right_min = right_hyphen_min(language);
        if !name && !touches_digit && capitals < 2 && chars >= LEFT_HYPHEN_MIN + right_min {
            let cost = HYPHEN_PENALTY
                + if capital { NAME_BREAK_PENALTY } else { 0.0 }
                + if context.compound {
                    COMPOUND_PART_PENALTY
                } else {
                    0.0
                };
            opts.hyphenator
                .points(word, language, |p| points.push((base + i + p, cost, true)));
        }
        i += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(word: &str) -> Vec<String> {
        let mut p = Vec::new();
        let opts = ItemOptions {
            hyphenate: true,
            justify: true,
            hyphen_width: &|_| 0.0,
            hang: false,
            letter_spacing: 0.0,
            language: Language::French,
            hyphenator: &Hyphenator::default(),
        };
        hyphenation_points(word, 0, &opts, WordContext::default(), &mut p);
        let mut out = Vec::new();
        let mut last = 0;
        for (o, _, _) in p {
            out.push(word[last..o].to_string());
            last = o;
        }
        out.push(word[last..].to_string());
        out
    }

    #[test]
    fn a_source_is_kept_in_8_bytes_and_read_back_as_it_was() {
        assert_eq!(std::mem::size_of::<Packed>(), 8);
        for source in [
            Source::Glyphs(0, 0),
            Source::Glyphs(3, 9),
            Source::Glyphs(0, u32::MAX - 1),
            Source::Hyphen(0),
            Source::Hyphen(5),
            Source::None,
        ] {
            assert_eq!(Packed::from(source).get(), source);
        }
    }

    #[test]
    fn french_hyphenation_after_elision() {
        assert_eq!(points("l’énergie").concat(), "l’énergie");
        assert!(points("l’énergie").len() > 1, "{:?}", points("l’énergie"));
        assert!(
            points("d’agglomération")
                .iter()
                .any(|s| s.starts_with("d’ag")),
            "{:?}",
            points("d’agglomération")
        );
    }

    #[test]
    fn no_hyphenation_in_acronyms_numbers_or_short_words() {
        assert_eq!(points("SRDEII").len(), 1);
        assert_eq!(points("ADEME").len(), 1);
        assert_eq!(points("3ème").len(), 1);
        assert_eq!(points("avec").len(), 1);
    }

    #[test]
    fn keeps_two_letters_before_and_three_after() {
        for part in [
            points("Métropolitain"),
            points("réhabilitation"),
            points("opérationnels"),
        ] {
            assert!(part.first().unwrap().chars().count() >= 2, "{part:?}");
            assert!(part.last().unwrap().chars().count() >= 3, "{part:?}");
        }
    }

    #[test]
    fn one_letter_words_and_numbers_hold_the_next_word() {
        for w in ["à", "a", "7", "650\u{202F}000"] {
            assert!(keeps_next_word(w), "{w}");
        }
        for w in ["le", "2017,", "M.", "(à"] {
            assert!(!keeps_next_word(w), "{w}");
        }
    }

    #[test]
    fn recognises_urls_and_addresses() {
        assert!(is_url("coline.senechal@pm-artois.fr"));
        assert!(is_url("polemetropolitainartois.fr"));
        assert!(is_url("http://a.org/b"));
        assert!(!is_url("etc."));
        assert!(!is_url("Lens-Liévin"));
    }

    #[test]
    fn finds_each_address_as_a_whole_word() {
        let spans = |text: &str| -> Vec<String> {
            url_spans(text)
                .into_iter()
                .map(|r| text[r].to_string())
                .collect()
        };
        // At the very start and end, after an opening bracket or guillemet,
        // between no-break and other spaces, with many dots in one word.
        assert_eq!(
            spans("www.pm-artois.fr. Écrire à (coline.senechal@pm-artois.fr), etc."),
            ["www.pm-artois.fr.", "coline.senechal@pm-artois.fr),"]
        );
        assert_eq!(
            spans("«\u{a0}https://a.b.org/c?d=e.f\u{a0}» et\u{2003}pma.fr"),
            ["https://a.b.org/c?d=e.f", "pma.fr"]
        );
        assert!(spans("Fin. Rien ici : ni adresse, ni site… 3.5 km.").is_empty());
        assert!(spans("").is_empty());
    }
}
