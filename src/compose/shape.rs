//! Shaping: styled text → glyphs with advances, by HarfRust (kerning, ligatures).

use super::french::{NARROW_NBSP, NBSP};
use super::hyphenate::Hyphenator;
use super::RunStyle;
use crate::fonts::{FaceId, FontSet};
use crate::model::language::Language;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Width of the narrow no-break space (before ; ! ? and in numbers), in em:
/// the « fine » of French typography, about an eighth of an em. The font's own
/// U+202F is as wide as a word space, so the engine sets it.
pub const NARROW_SPACE_EM: f32 = 0.11;

/// Width of the no-break space inside « », as a share of the word space:
/// babel-french's four fifths, so the guillemets hold their word closely.
pub const GUILLEMET_SPACE_SHARE: f32 = 0.8;

/// What a glyph is, for line breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlyphKind {
    /// A visible glyph.
    Mark,
    /// A breakable, stretchable word space.
    Space,
    /// A no-break space of fixed width (French spaces, digit groups).
    FixedSpace,
    /// A forced line break (no ink).
    Break,
}

/// A shaped glyph of a paragraph.
#[derive(Debug, Clone, Copy)]
pub struct Glyph {
    /// Glyph id in its face.
    pub id: u16,
    /// Byte offset of its cluster in the paragraph text (where it ends is
    /// where the next cluster starts: see [`cluster_end`]).
    pub start: u32,
    /// Horizontal advance, in points.
    pub advance: f32,
    /// Index of its run style.
    pub run: u16,
    /// What it is.
    pub kind: GlyphKind,
}

/// Where the text of glyph `index` among `glyphs` ends: where the next
/// cluster starts, or at `text_len` after the last. The glyphs of a text
/// cover it whole, cluster after cluster (a word's clusters, each space, each
/// line break), so a glyph needs only its start; the glyphs of one cluster
/// (a letter and its accent) share its end.
pub fn cluster_end(glyphs: &[Glyph], index: usize, text_len: usize) -> u32 {
    let later = glyphs[index + 1..].iter().map(|g| g.start);
    next_cluster(glyphs[index].start, later, text_len)
}

/// Where the cluster that starts at `start` ends, given the starts of the
/// glyphs after it (`later`, in order) and the length of their text: the
/// first later start that differs, or the text's end (the rule of
/// [`cluster_end`], for any list of glyphs).
pub fn next_cluster(start: u32, mut later: impl Iterator<Item = u32>, text_len: usize) -> u32 {
    later.find(|&s| s != start).unwrap_or(text_len as u32)
}

/// Where a glyph is drawn off its pen position (a mark, a superior): its
/// index among the paragraph's glyphs, then x and y in points (up is
/// positive). Few glyphs have one, so they are kept apart from [`Glyph`].
pub type Offset = (u32, f32, f32);

/// The offset of glyph `index` among `offsets` (in glyph order), or none.
pub fn offset_of(offsets: &[Offset], index: usize) -> (f32, f32) {
    offsets
        .binary_search_by_key(&(index as u32), |o| o.0)
        .map_or((0.0, 0.0), |k| (offsets[k].1, offsets[k].2))
}

/// A character the font lacks, found while shaping.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingGlyph {
    /// The character.
    pub character: char,
    /// Byte offset in the paragraph text.
    pub offset: usize,
}

/// The byte range of an ordinal's letters in a word, French style: a number
/// (figures, or a Roman numeral of two letters or more, or I, V, X) followed
/// by `e`, `er`, `re`, `es`, `ers`, `res`, `nd(e)(s)`, then nothing but
/// punctuation (« 1er », « 2e, », « XXIe »).
pub fn ordinal_suffix(word: &str) -> Option<std::ops::Range<usize>> {
    // « ème » is left as typed: the faces have no superior è.
    const SUFFIXES: [&str; 10] = [
        "e", "er", "re", "es", "ers", "res", "nd", "nde", "nds", "ndes",
    ];
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let numeral = if digits > 0 {
        digits
    } else {
        let roman = word.bytes().take_while(|b| b"IVXLCDM".contains(b)).count();
        let ok = roman >= 2 || (roman == 1 && b"IVX".contains(&word.as_bytes()[0]));
        if !ok {
            return None;
        }
        roman
    };
    let rest = &word[numeral..];
    let letters = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    let tail = &rest[letters..];
    (SUFFIXES.contains(&&rest[..letters]) && tail.chars().all(|c| !c.is_alphanumeric()))
        .then_some(numeral..numeral + letters)
}

/// Shapes text with the faces of a font set, reusing shape plans.
///
/// A shaper and its forks (one a thread) share the words already shaped and
/// the faces' shape plans, made the first time one of them shapes with a
/// face; each keeps the words its thread has hyphenated.
pub struct Shaper<'f> {
    common: Arc<Common<'f>>,
    /// The words hyphenated on this shaper's thread.
    hyphenator: Hyphenator,
}

/// What a shaper and its forks share.
struct Common<'f> {
    fonts: &'f FontSet,
    language: harfrust::Language,
    /// Per face, made on first use: the face and its plans for text and for
    /// lining figures.
    faces: Vec<OnceLock<ShapingFace<'f>>>,
    /// Words already shaped, by face and figures (`2 × face + lining`): most
    /// words of an issue come back.
    words: Mutex<Vec<Words>>,
}

/// Words shaped in one face, with one kind of figures (FxHash: the keys are
/// short words of the issue's own, which need no guard against chosen keys).
type Words = FxHashMap<Box<str>, Arc<[Shaped]>>;

/// A face ready for HarfRust, with its shape plans.
struct ShapingFace<'f> {
    face: &'f harfrust::Font,
    /// The plan for text, and one with lining figures.
    plans: [harfrust::ShapePlan; 2],
}

/// A glyph of a shaped word, in font units, its cluster relative to the word.
#[derive(Debug, Clone, Copy)]
struct Shaped {
    id: u16,
    cluster: u32,
    x_advance: i32,
    x_offset: i32,
    y_offset: i32,
}

impl<'f> ShapingFace<'f> {
    /// Prepares a face for HarfRust and makes its two plans.
    fn new(face: &'f harfrust::Font, language: &harfrust::Language) -> ShapingFace<'f> {
        let lining = [harfrust::Feature::new(harfrust::Tag::new(b"lnum"), 1, ..)];
        let plans = [plan(face, language, &[]), plan(face, language, &lining)];
        ShapingFace { face, plans }
    }
}

/// A plan for left-to-right Latin text in `language` with `features`.
fn plan(
    face: &harfrust::Font,
    language: &harfrust::Language,
    features: &[harfrust::Feature],
) -> harfrust::ShapePlan {
    harfrust::ShapePlan::new(
        face,
        harfrust::Direction::LeftToRight,
        Some(harfrust::Script::LATIN),
        Some(language),
        features,
    )
}

impl<'f> Shaper<'f> {
    /// A shaper for the faces of a set, in a language.
    pub fn new(fonts: &'f FontSet, language: Language) -> Shaper<'f> {
        let count = fonts.faces().len();
        let common = Common {
            fonts,
            language: language.code().parse().expect("valid language tag"),
            faces: (0..count).map(|_| OnceLock::new()).collect(),
            words: Mutex::new(vec![FxHashMap::default(); 2 * count]),
        };
        Shaper {
            common: Arc::new(common),
            hyphenator: Hyphenator::default(),
        }
    }

    /// A shaper for another thread: it shares this one's shaped words.
    pub fn fork(&self) -> Shaper<'f> {
        Shaper {
            common: Arc::clone(&self.common),
            hyphenator: Hyphenator::default(),
        }
    }

    /// The words hyphenated on this shaper's thread.
    pub fn hyphenator(&self) -> &Hyphenator {
        &self.hyphenator
    }

    /// The line-end hyphen of a face: glyph id, advance in em, and the text it reads as.
    pub fn hyphen(&self, face: FaceId) -> (u16, f32, char) {
        self.common.fonts.face(face).hyphen
    }

    /// A face ready for HarfRust, prepared on first use by whichever
    /// thread shapes with it first.
    fn shaping_face(&self, face: FaceId) -> &ShapingFace<'f> {
        let common = &*self.common;
        common.faces[face.0]
            .get_or_init(|| ShapingFace::new(&common.fonts.face(face).shaping, &common.language))
    }

    /// Shapes `text` (a run of the paragraph starting at byte `base`) and appends
    /// its glyphs; `lining` asks for lining figures throughout (list labels).
    #[allow(clippy::too_many_arguments)]
    pub fn shape_run(
        &mut self,
        text: &str,
        lining: bool,
        base: usize,
        run: u16,
        style: &RunStyle,
        out: &mut Vec<Glyph>,
        offsets: &mut Vec<Offset>,
        missing: &mut Vec<MissingGlyph>,
    ) {
        let mut seg_start = 0;
        for (i, piece) in text.split('\n').enumerate() {
            if i > 0 {
                out.push(Glyph {
                    id: 0,
                    start: (base + seg_start - 1) as u32,
                    advance: 0.0,
                    run,
                    kind: GlyphKind::Break,
                });
            }
            self.shape_piece(
                piece,
                lining,
                base + seg_start,
                run,
                style,
                (out, offsets),
                missing,
            );
            seg_start += piece.len() + 1;
        }
    }

    /// The glyphs of a word (no space in it) in a face, shaped once. Figures
    /// are the font's own (EB Garamond's are old-style) unless `lining` or the
    /// word mixes figures and capitals (« A1 », « CD2E », where an old-style 1
    /// reads as an I).
    fn word(&self, face: FaceId, word: &str, lining: bool) -> Arc<[Shaped]> {
        let lining = lining
            || (word.chars().any(|c| c.is_ascii_digit()) && word.chars().any(char::is_uppercase));
        let slot = 2 * face.0 + usize::from(lining);
        if let Some(known) = self.words()[slot].get(word) {
            return Arc::clone(known);
        }
        // Shaped without the lock: another thread may shape the same word
        // meanwhile, to the same glyphs.
        let glyphs = self.shape_word(face, word, lining);
        Arc::clone(self.words()[slot].entry(Box::from(word)).or_insert(glyphs))
    }

    /// The shared words, locked.
    fn words(&self) -> std::sync::MutexGuard<'_, Vec<Words>> {
        // A thread that panicked while holding the lock left the map whole:
        // every insertion is a single call.
        self.common
            .words
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Shapes a word with HarfRust.
    fn shape_word(&self, face: FaceId, word: &str, lining: bool) -> Arc<[Shaped]> {
        let shaping = self.shaping_face(face);
        let shaper = harfrust::ShaperFont::new(shaping.face);
        let language = &self.common.language;
        let mut out = harfrust::Buffer::new();
        out.push_str(word);
        out.set_direction(harfrust::Direction::LeftToRight);
        out.set_script(Some(harfrust::Script::LATIN));
        out.set_language(Some(language.clone()));
        let french = language.as_str().starts_with("fr");
        let shaped = match ordinal_suffix(word).filter(|_| french) {
            // An ordinal (« 1er », « XXIe »): its letters as superiors.
            Some(sup) => {
                // HarfRust takes an inclusive end for HarfBuzz's exclusive one.
                let range = sup.start..=sup.end;
                let mut features = vec![harfrust::Feature::new(
                    harfrust::Tag::new(b"sups"),
                    1,
                    range,
                )];
                if lining {
                    features.push(harfrust::Feature::new(harfrust::Tag::new(b"lnum"), 1, ..));
                }
                let plan = plan(shaping.face, language, &features);
                let options = harfrust::ShapeOptions::new()
                    .plan(Some(&plan))
                    .features(&features);
                harfrust::shape(&shaper, &mut out, options)
            }
            None => {
                let plan = &shaping.plans[usize::from(lining)];
                let options = harfrust::ShapeOptions::new().plan(Some(plan));
                harfrust::shape(&shaper, &mut out, options)
            }
        };
        // The buffer is set as its plan was made (left to right, Latin), the
        // one thing shaping can fail on.
        shaped.expect("a buffer set as its plan");
        out.glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(info, pos)| Shaped {
                id: info.glyph_id as u16,
                cluster: info.cluster,
                x_advance: pos.x_advance,
                x_offset: pos.x_offset,
                y_offset: pos.y_offset,
            })
            .collect()
    }

    /// Shapes text without line breaks.
    #[allow(clippy::too_many_arguments)]
    fn shape_piece(
        &mut self,
        text: &str,
        lining: bool,
        base: usize,
        run: u16,
        style: &RunStyle,
        (out, offsets): (&mut Vec<Glyph>, &mut Vec<Offset>),
        missing: &mut Vec<MissingGlyph>,
    ) {
        if text.is_empty() {
            return;
        }
        let face = self.common.fonts.face(style.face);
        // Words are shaped one at a time (and remembered); a space between
        // them is the face's space glyph, its width set later.
        let mut shaped: Vec<(usize, Shaped)> = Vec::with_capacity(text.len());
        let mut start = 0;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            if c != ' ' {
                continue;
            }
            if start < i {
                let glyphs = self.word(style.face, &text[start..i], lining);
                shaped.extend(glyphs.iter().map(|g| (start + g.cluster as usize, *g)));
            }
            if i < text.len() {
                let id = face.space_glyph;
                shaped.push((
                    i,
                    Shaped {
                        id,
                        cluster: 0,
                        x_advance: 0,
                        x_offset: 0,
                        y_offset: 0,
                    },
                ));
            }
            start = i + 1;
        }
        let scale = style.size.0 / face.units_per_em;
        let space_em = face.space;
        for &(cluster, g) in &shaped {
            let ch = text[cluster..].chars().next().unwrap_or(' ');
            let (kind, advance, id) = match ch {
                ' ' => (GlyphKind::Space, space_em * style.size.0, face.space_glyph),
                NBSP => {
                    // Inside guillemets the space is narrower than a word space.
                    let after_open = text[..cluster].ends_with('«');
                    let before_close = text[cluster + NBSP.len_utf8()..].starts_with('»');
                    let em = if after_open || before_close {
                        space_em * GUILLEMET_SPACE_SHARE
                    } else {
                        space_em
                    };
                    (GlyphKind::FixedSpace, em * style.size.0, face.space_glyph)
                }
                NARROW_NBSP => (
                    GlyphKind::FixedSpace,
                    NARROW_SPACE_EM * style.size.0,
                    face.space_glyph,
                ),
                _ => {
                    if g.id == 0 {
                        missing.push(MissingGlyph {
                            character: ch,
                            offset: base + cluster,
                        });
                    }
                    let adv = g.x_advance as f32 * scale + style.tracking.0;
                    (GlyphKind::Mark, adv, g.id)
                }
            };
            if g.x_offset != 0 || g.y_offset != 0 {
                offsets.push((
                    out.len() as u32,
                    g.x_offset as f32 * scale,
                    g.y_offset as f32 * scale,
                ));
            }
            out.push(Glyph {
                id,
                start: (base + cluster) as u32,
                advance,
                run,
                kind,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::serif_for_tests;

    /// The glyph ids of a word shaped in EB Garamond, in French.
    fn ids(word: &str, lining: bool) -> Vec<u16> {
        let fonts = serif_for_tests();
        let shaper = Shaper::new(&fonts, Language::French);
        let face = fonts
            .find("serif", crate::model::layout::Weight::Regular, false)
            .expect("the serif face");
        shaper
            .word(face, word, lining)
            .iter()
            .map(|g| g.id)
            .collect()
    }

    #[test]
    fn words_get_the_font_s_ligatures_superiors_and_figures() {
        // « fi » takes the font's ligature forms (EB Garamond draws them as
        // two glyphs): not the f and the i of words where they stand alone.
        let alone = [ids("f", false), ids("i", false)].concat();
        assert_ne!(ids("fi", false), alone);
        // An ordinal's letters are superiors: not the letters of « er ».
        let ordinal = ids("1er", false);
        let plain = ids("er", false);
        assert_eq!(ordinal.len(), 3);
        assert_ne!(ordinal[1..], plain[..]);
        // Figures are old-style in text and lining where asked; a word that
        // mixes figures and capitals gets lining ones by itself.
        assert_ne!(ids("1", false), ids("1", true));
        assert_eq!(ids("A1", false), ids("A1", true));
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal_suffix("1er"), Some(1..3));
        assert_eq!(ordinal_suffix("2e,"), Some(1..2));
        assert_eq!(ordinal_suffix("XXIe"), Some(3..4));
        for no in [
            "7ème", "De", "Ce", "Le", "Me", "12", "2018", "A1", "3D", "1erx", "Xavier",
        ] {
            assert_eq!(ordinal_suffix(no), None, "{no}");
        }
    }
}
