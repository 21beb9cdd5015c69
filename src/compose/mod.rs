//! Paragraph composition: styled text → shaped glyphs → items → lines.
//!
//! The stages, in order: [`french`] applies French typographic rules to the
//! plain text the editor typed; [`shape`] turns it into glyphs; [`items`]
//! finds where lines may break and at what cost; [`linebreak`] chooses the
//! breaks for the whole paragraph (Knuth–Plass); [`Prepared::lines`] sets each
//! line, justifying its spaces. Everything before line breaking is done once
//! per paragraph; only breaking and setting depend on the frame's width.

pub mod french;
pub mod hyphenate;
pub mod items;
pub mod linebreak;
pub mod nobreak;
pub mod quotes;
pub mod shape;

use crate::fonts::FaceId;
use crate::model::language::Language;
use crate::model::layout::Align;
use crate::units::Pt;
use items::{ItemOptions, Items, Source};
use linebreak::{Item, Margins, Params, Totals, FILL, INFINITE_PENALTY};
use shape::{Glyph, GlyphKind, MissingGlyph, Shaper};
use std::ops::Range;
use std::sync::Arc;

/// TeX's \tolerance for the first pass: lines up to badness 200 are acceptable.
pub const TOLERANCE: f32 = 200.0;
/// TeX's \linepenalty: each line costs this much, so fewer lines are preferred.
pub const LINE_PENALTY: f32 = 10.0;
/// TeX's \doublehyphendemerits: two hyphenated lines in a row are costly.
pub const DOUBLE_HYPHEN_DEMERITS: f32 = 10_000.0;
/// TeX's \finalhyphendemerits: a hyphen on the penultimate line is costly.
pub const FINAL_HYPHEN_DEMERITS: f32 = 5_000.0;
/// TeX's \adjdemerits: a tight line next to a loose one is costly.
pub const ADJ_DEMERITS: f32 = 10_000.0;
/// How close balancing gets to the narrowest measure.
const BALANCE_PRECISION: Pt = Pt(1.0);
/// Gap between a list label and the item's text, in em.
pub const LABEL_GAP_EM: f32 = 0.3;
/// Most hyphenated lines in a row: a ladder of three is a typographer's fault.
pub const MAX_HYPHEN_RUN: u8 = 2;
/// Tolerance of the second pass, for paragraphs with no set of lines within
/// [`TOLERANCE`]: looser lines, but still chosen for the whole paragraph.
pub const LOOSE_TOLERANCE: f32 = 3_000.0;
/// Emergency stretch of the last pass, in em: for a paragraph that has no
/// acceptable breaks even then (a very narrow frame), spreads the looseness over all its lines.
pub const EMERGENCY_STRETCH_EM: f32 = 1.5;
/// Costliest break the first pass considers: an address cut at its own
/// hyphen and a word broken by force are left to the loose pass, where a
/// line set flush left may be chosen instead.
pub const FIRST_PASS_MAX_COST: f32 = 1_000.0;
/// How far ragged lines may fall short of the measure without cost, in em.
pub const RAGGED_STRETCH_EM: f32 = 3.0;

/// How a run of text looks.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStyle {
    /// Font face.
    pub face: FaceId,
    /// Font size.
    pub size: Pt,
    /// Colour (a swatch name of the layout).
    pub color: String,
    /// Link target, if the run is a link.
    pub link: Option<String>,
    /// Extra space after each glyph.
    pub tracking: Pt,
}

/// A run of text and its look, as it comes from the story.
#[derive(Debug, Clone)]
pub struct StyledRun {
    /// The text.
    pub text: String,
    /// Its look.
    pub style: RunStyle,
}

/// A paragraph to compose.
#[derive(Debug, Clone)]
pub struct ParagraphInput {
    /// Its text.
    pub runs: Vec<StyledRun>,
    /// A list label hung in the left indent of the first line.
    pub label: Option<StyledRun>,
    /// Alignment.
    pub align: Align,
    /// Whether words may be hyphenated.
    pub hyphenate: bool,
    /// The language whose typography applies.
    pub language: Language,
    /// Left indent of every line.
    pub indent: Pt,
    /// Even out the lines of a ragged paragraph (headings): the narrowest
    /// measure that keeps the same number of lines.
    pub balance: bool,
    /// How much words may be letter-spaced to justify a line (a share of their advances).
    pub letter_spacing: f32,
    /// Widest a word space may grow to justify a line, in em; a line that
    /// would need more is set flush left with its spaces that wide.
    pub max_space: f32,
}

/// A glyph placed on a line.
#[derive(Debug, Clone)]
pub struct PlacedGlyph {
    /// Glyph id.
    pub id: u16,
    /// Advance, in points (spaces carry their justified width).
    pub advance: f32,
    /// Where the glyph's text starts in its run's `text` (a byte offset; 32
    /// bits: lines are many). It ends where the next glyph's starts, or at
    /// the end of the text: see [`LineRun::range`].
    pub start: u32,
}

/// Glyphs of one style on a line.
#[derive(Debug, Clone)]
pub struct LineRun {
    /// Their look.
    pub style: Arc<RunStyle>,
    /// Horizontal position of the first glyph from the frame's left edge.
    pub x: Pt,
    /// Total advance.
    pub width: Pt,
    /// The glyphs.
    pub glyphs: Vec<PlacedGlyph>,
    /// The offsets of the few glyphs drawn off their pen position, by their
    /// index in `glyphs` (see [`LineRun::offset`]).
    pub offsets: Vec<shape::Offset>,
    /// The text they show (for copying and searching).
    pub text: String,
    /// Whether this is a list item's label.
    pub label: bool,
}

impl LineRun {
    /// The text of glyph `index`, in `text`: the glyphs of a run cover its
    /// text whole, cluster after cluster, and those of one cluster share it.
    pub fn range(&self, index: usize) -> Range<usize> {
        let start = self.glyphs[index].start as usize;
        start..self.text_end(index, None, self.text.len())
    }

    /// Where the text of glyph `index` ends, among the run's glyphs followed
    /// by `added` (a glyph drawn after them, at index `glyphs.len()`), in a
    /// text of `text_len` bytes: where the next cluster starts, or at the end.
    pub fn text_end(&self, index: usize, added: Option<&PlacedGlyph>, text_len: usize) -> usize {
        let mut glyphs = self.glyphs.iter().chain(added).skip(index);
        let start = glyphs.next().map_or(0, |g| g.start);
        shape::next_cluster(start, glyphs.map(|g| g.start), text_len) as usize
    }

    /// Where glyph `index` is drawn off its pen position, in points (x, and
    /// y up), or (0, 0).
    pub fn offset(&self, index: usize) -> (f32, f32) {
        shape::offset_of(&self.offsets, index)
    }
}

/// A set line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Its runs, left to right (shared: a line is set once, and the flow,
    /// the pages and the PDF hold the same runs).
    pub runs: Arc<[LineRun]>,
    /// Whether it ends with an added hyphen.
    pub hyphenated: bool,
    /// Whether it ends inside a word (hyphenated, or at a compound's hyphen or in a URL).
    pub splits_word: bool,
    /// Whether it is wider than the measure even with its spaces shrunk all they may.
    pub overfull: bool,
    /// Whether it ends inside a word where no rule allows a break (a word
    /// wider than the column, broken by force).
    pub forced: bool,
    /// How much its spaces stretched (positive) or shrank (negative), as TeX's glue ratio.
    pub ratio: f32,
    /// The item the next line starts at (to re-break the rest at another width).
    pub next_item: usize,
}

/// A paragraph shaped and itemised, ready to be broken at any width.
pub struct Prepared {
    text: String,
    styles: Vec<Arc<RunStyle>>,
    glyphs: Vec<Glyph>,
    /// The offsets of the few glyphs drawn off their pen position.
    offsets: Vec<shape::Offset>,
    items: Items,
    align: Align,
    indent: Pt,
    balance: bool,
    letter_spacing: f32,
    max_space: f32,
    language: Language,
    label: Option<LineRun>,
    hyphens: Vec<(u16, f32, char)>,
    /// Characters the fonts lack.
    pub missing: Vec<MissingGlyph>,
}

impl ParagraphInput {
    /// How long its text is, in bytes (what composing it costs, roughly).
    fn length(&self) -> usize {
        self.runs.iter().map(|r| r.text.len()).sum()
    }
}

/// Paragraphs shorter than this in all (bytes of text) are composed on one
/// thread: a second would cost more to start (a thread, its faces prepared
/// for shaping) than it saves. The threads share the words they shape.
const PARALLEL_MIN_CHARS: usize = 2_000;

/// The most threads paragraphs are composed on.
const MAX_THREADS: usize = 8;

/// How many cores this process may use (asked once: the answer reads files
/// of the system's control groups).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Composes many paragraphs, in order, on every core: they are cut into as
/// many runs of consecutive paragraphs of about the same length as there are
/// cores; the first run is composed with `shaper` on this thread, each other
/// on one of rayon's threads with a fork of it (they share the words shaped).
/// The result is the same as composing them one after the other.
pub fn prepare_all(shaper: &mut Shaper, inputs: &[&ParagraphInput]) -> Vec<Prepared> {
    let total: usize = inputs.iter().map(|i| i.length()).sum();
    let threads = cores()
        .min(MAX_THREADS)
        .min(total / PARALLEL_MIN_CHARS)
        .max(1);
    prepare_on(shaper, inputs, threads)
}

/// Composes paragraphs, in order, on `threads` threads (see [`prepare_all`]).
fn prepare_on(shaper: &mut Shaper, inputs: &[&ParagraphInput], threads: usize) -> Vec<Prepared> {
    let total: usize = inputs.iter().map(|i| i.length()).sum();
    if threads <= 1 || inputs.len() < 2 {
        return inputs.iter().map(|i| Prepared::new(shaper, i)).collect();
    }
    // Where each run of paragraphs starts, by length.
    let mut cuts = vec![0];
    let mut seen = 0;
    for (k, input) in inputs.iter().enumerate() {
        if seen >= total * cuts.len() / threads && k > *cuts.last().unwrap_or(&0) {
            cuts.push(k);
        }
        seen += input.length();
    }
    cuts.push(inputs.len());
    let runs: Vec<&[&ParagraphInput]> = cuts.windows(2).map(|w| &inputs[w[0]..w[1]]).collect();
    // The other runs go to rayon's threads, which krilla and the line cache
    // use too: no thread (and no memory arena) started for composing alone.
    let mut others: Vec<Vec<Prepared>> = (1..runs.len()).map(|_| Vec::new()).collect();
    let mut out: Vec<Prepared> = Vec::new();
    rayon::in_place_scope(|scope| {
        for (run, done) in runs[1..].iter().zip(others.iter_mut()) {
            let mut fork = shaper.fork();
            scope.spawn(move |_| {
                *done = run.iter().map(|i| Prepared::new(&mut fork, i)).collect();
            });
        }
        out = runs[0].iter().map(|i| Prepared::new(shaper, i)).collect();
    });
    out.extend(others.into_iter().flatten());
    out
}

impl Prepared {
    /// Applies typography, shapes and itemises a paragraph.
    pub fn new(shaper: &mut Shaper, input: &ParagraphInput) -> Prepared {
        let mut texts: Vec<String> = input.runs.iter().map(|r| r.text.clone()).collect();
        match input.language {
            Language::French => french::apply(&mut texts),
            other => quotes::apply(&mut texts, other),
        }
        nobreak::apply(&mut texts, input.language);
        // No space at the start or the end of a paragraph.
        if let Some(first) = texts.iter_mut().find(|t| !t.is_empty()) {
            *first = first.trim_start().to_string();
        }
        if let Some(last) = texts.iter_mut().rev().find(|t| !t.trim().is_empty()) {
            *last = last.trim_end().to_string();
        }
        let length: usize = texts.iter().map(String::len).sum();
        let mut text = String::with_capacity(length);
        let mut glyphs = Vec::new();
        let mut offsets = Vec::new();
        let mut missing = Vec::new();
        let mut styles = Vec::new();
        for (i, (run, t)) in input.runs.iter().zip(&texts).enumerate() {
            let base = text.len();
            text.push_str(t);
            shaper.shape_run(
                t,
                false,
                base,
                i as u16,
                &run.style,
                &mut glyphs,
                &mut offsets,
                &mut missing,
            );
            styles.push(Arc::new(run.style.clone()));
        }
        let hyphens: Vec<(u16, f32, char)> = styles
            .iter()
            .map(|s| {
                let (id, em, text) = shaper.hyphen(s.face);
                (id, em * s.size.0, text)
            })
            .collect();
        let hyphen_width = |run: u16| hyphens[usize::from(run)].1;
        let mut items = items::build(
            &text,
            &glyphs,
            &ItemOptions {
                hyphenate: input.hyphenate,
                justify: input.align == Align::Justify,
                hyphen_width: &hyphen_width,
                hang: input.align == Align::Justify,
                letter_spacing: input.letter_spacing,
                language: input.language,
                hyphenator: shaper.hyphenator(),
            },
        );
        // A paragraph is kept until the story is placed: no room held for growth.
        glyphs.shrink_to_fit();
        offsets.shrink_to_fit();
        items.shrink_to_fit();
        if input.label.is_some() {
            // The label's gap is kept: an opening quote after it does not hang.
            if let Some(first) = items.hang_left.first_mut() {
                *first = 0.0;
            }
        }
        let label = input.label.as_ref().map(|l| {
            let mut label_glyphs = Vec::new();
            let mut label_offsets = Vec::new();
            shaper.shape_run(
                &l.text,
                true,
                0,
                0,
                &l.style,
                &mut label_glyphs,
                &mut label_offsets,
                &mut missing,
            );
            let placed: Vec<PlacedGlyph> = label_glyphs
                .iter()
                .map(|g| PlacedGlyph {
                    id: g.id,
                    advance: g.advance,
                    start: g.start,
                })
                .collect();
            // Labels end a fixed gap before the text, whatever their width.
            let width = Pt(placed.iter().map(|g| g.advance).sum());
            let x = (input.indent - l.style.size * LABEL_GAP_EM - width).max(Pt::ZERO);
            LineRun {
                style: Arc::new(l.style.clone()),
                x,
                width,
                glyphs: placed,
                offsets: label_offsets,
                text: l.text.clone(),
                label: true,
            }
        });
        Prepared {
            text,
            styles,
            glyphs,
            offsets,
            items,
            align: input.align,
            indent: input.indent,
            balance: input.balance,
            letter_spacing: input.letter_spacing,
            max_space: input.max_space,
            language: input.language,
            label,
            hyphens,
            missing,
        }
    }

    /// The paragraph's text after typography, as it will read in the PDF.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Breaks the paragraph into lines for a frame `width` wide and sets them.
    pub fn lines(&self, width: Pt) -> Vec<Line> {
        self.lines_from(0, width, None)
    }

    /// About how many lines it makes from item `first` at `width`: its
    /// natural width over the measure, rounded up (what a frame will hold,
    /// guessed before breaking it).
    pub fn estimated_lines(&self, first: usize, width: Pt) -> usize {
        let measure = (width - self.indent).0.max(1.0);
        let natural: f32 = self.items.items[first.min(self.items.items.len())..]
            .iter()
            .map(|item| match *item {
                Item::Box { width, .. } | Item::Glue { width, .. } => width,
                Item::Penalty { .. } => 0.0,
            })
            .sum();
        (natural / measure).ceil().max(1.0) as usize
    }

    /// The natural width of its widest word, its indent included: of the ink
    /// between two places a line may end without an added hyphen (spaces,
    /// a compound's own hyphen), hyphenation points aside.
    pub fn widest_word(&self) -> Pt {
        let (mut widest, mut word) = (0.0f32, 0.0f32);
        let all = 0..self.items.items.len();
        for (item, source) in self.items.items.iter().zip(self.items.sources(all)) {
            match (item, source) {
                (Item::Box { width, .. }, _) => word += width,
                (Item::Penalty { .. }, Source::Hyphen(_)) => {}
                (Item::Penalty { cost, .. }, _) if *cost >= INFINITE_PENALTY => {}
                (Item::Glue { .. } | Item::Penalty { .. }, _) => {
                    widest = widest.max(word);
                    word = 0.0;
                }
            }
        }
        self.indent + Pt(widest.max(word))
    }

    /// The natural width of its widest line when set `width` wide, its indent
    /// included: at a tiny width, its widest unbreakable word; at a huge one,
    /// the whole paragraph on one line.
    pub fn widest_line(&self, width: Pt) -> Pt {
        self.lines(width)
            .iter()
            .map(|l| {
                let text = l.runs.iter().filter(|r| !r.label);
                self.indent + text.fold(Pt::ZERO, |w, r| w + r.width)
            })
            .fold(Pt::ZERO, Pt::max)
    }

    /// Breaks a balanced paragraph at the narrowest width that keeps its line
    /// count, so that its last line is not a short stub (« … du Forum / Énergie »).
    fn balanced(&self, first: usize, width: Pt, unhyphenated: Option<usize>) -> Vec<Line> {
        let lines = self.break_at(first, width, unhyphenated);
        if lines.len() < 2 {
            return lines;
        }
        let (mut lo, mut hi) = (width * 0.5, width);
        // A narrower measure must not end more lines on a function word,
        // nor break a word by force (« Partnerschaftstre- / ffen »).
        let bad = self.weak_ends(&lines);
        let forced = lines.iter().filter(|l| l.forced).count();
        let mut best = lines;
        while hi - lo > BALANCE_PRECISION {
            let mid = (lo + hi) / 2.0;
            let tried = self.break_at(first, mid, unhyphenated);
            if tried.len() <= best.len()
                && tried.iter().all(|l| !l.overfull)
                && tried.iter().filter(|l| l.forced).count() <= forced
                && self.weak_ends(&tried) <= bad
            {
                hi = mid;
                best = tried;
            } else {
                lo = mid;
            }
        }
        best
    }

    /// How many lines but the last end on an article, a preposition or an auxiliary.
    fn weak_ends(&self, lines: &[Line]) -> usize {
        let n = lines.len().saturating_sub(1);
        lines[..n]
            .iter()
            .filter(|l| {
                let text: String = l.runs.iter().map(|r| r.text.as_str()).collect();
                text.split_whitespace()
                    .last()
                    .is_some_and(|w| items::is_function_word(w, self.language))
            })
            .count()
    }

    /// Breaks the paragraph from item `first` on (where an earlier line ended)
    /// and sets the lines; line `unhyphenated` (counted from `first`), if
    /// given, does not end with a hyphen when that can be helped.
    pub fn lines_from(&self, first: usize, width: Pt, unhyphenated: Option<usize>) -> Vec<Line> {
        if self.balance && self.align == Align::Left {
            self.balanced(first, width, unhyphenated)
        } else {
            self.break_at(first, width, unhyphenated)
        }
    }

    /// Breaks the paragraph from item `first` at one width and sets the lines.
    fn break_at(&self, first: usize, width: Pt, unhyphenated: Option<usize>) -> Vec<Line> {
        let measure = (width - self.indent).0.max(1.0);
        let em = self.styles.first().map_or(10.0, |s| s.size.0);
        let ragged = self.align != Align::Justify;
        let base = Params {
            tolerance: TOLERANCE,
            line_penalty: LINE_PENALTY,
            double_hyphen_demerits: DOUBLE_HYPHEN_DEMERITS,
            final_hyphen_demerits: FINAL_HYPHEN_DEMERITS,
            adj_demerits: ADJ_DEMERITS,
            max_hyphen_run: MAX_HYPHEN_RUN,
            unhyphenated_line: unhyphenated.map(|l| l as u32),
            line_stretch: if ragged { RAGGED_STRETCH_EM * em } else { 0.0 },
            rescue: false,
            quad_ratio: if ragged {
                f32::INFINITY
            } else {
                self.quad_ratio()
            },
            em,
            max_cost: FIRST_PASS_MAX_COST,
        };
        let passes = [
            base,
            Params {
                tolerance: LOOSE_TOLERANCE,
                max_cost: INFINITE_PENALTY,
                ..base
            },
            Params {
                tolerance: f32::INFINITY,
                line_stretch: base.line_stretch + EMERGENCY_STRETCH_EM * em,
                rescue: true,
                max_cost: INFINITE_PENALTY,
                ..base
            },
        ];
        let all = &self.items.items;
        let first = first.min(all.len());
        let breaks = passes
            .iter()
            .find_map(|p| {
                let margins = Margins {
                    left: self.items.hang_left.get(first..).unwrap_or(&[]),
                    right: self.items.hang_right.get(first..).unwrap_or(&[]),
                };
                linebreak::break_lines(&all[first..], margins, measure, p)
            })
            .unwrap_or_default();
        let mut lines = Vec::with_capacity(breaks.len());
        let mut start = first;
        for b in breaks {
            let at = b.at + first;
            let mut line = self.set_line(start, at, measure);
            if lines.is_empty() && first == 0 {
                if let Some(label) = &self.label {
                    let mut runs = line.runs.to_vec();
                    runs.insert(0, label.clone());
                    line.runs = runs.into();
                }
            }
            start = at + 1;
            while start < all.len() && !matches!(all[start], Item::Box { .. }) {
                if matches!(all[start], Item::Penalty { cost, .. } if cost <= -INFINITE_PENALTY) {
                    break;
                }
                start += 1;
            }
            line.next_item = start;
            lines.push(line);
        }
        lines
    }

    /// The glue ratio at which the paragraph's word spaces reach its widest
    /// space (`max_space` em), read from its first word space.
    fn quad_ratio(&self) -> f32 {
        let Some(space) = self
            .glyphs
            .iter()
            .find(|g| g.kind == GlyphKind::Space && g.advance > 0.0)
        else {
            return f32::INFINITY;
        };
        let size = self.styles[usize::from(space.run)].size.0;
        ((self.max_space * size / space.advance - 1.0) / items::SPACE_STRETCH).max(0.0)
    }

    /// How far the spaces of items `from..to` may scale before the widest
    /// reaches the paragraph's widest space (`max_space` em of its size).
    fn widest_scale(&self, from: usize, to: usize) -> f32 {
        let widest = (from..to)
            .filter_map(|i| match self.items.source(i) {
                Source::Glyphs(a, b) => Some(a as usize..b as usize),
                _ => None,
            })
            .flatten()
            .map(|g| &self.glyphs[g])
            .filter(|g| g.kind == GlyphKind::Space && g.advance > 0.0)
            .map(|g| (g.advance, self.styles[usize::from(g.run)].size.0))
            .fold(None, |acc: Option<(f32, f32)>, s| match acc {
                Some(a) if a.0 >= s.0 => Some(a),
                _ => Some(s),
            });
        match widest {
            Some((advance, size)) => (self.max_space * size / advance).max(1.0),
            None => f32::INFINITY,
        }
    }

    /// Sets the line made of items `from..to`, broken at item `to`.
    fn set_line(&self, from: usize, to: usize, measure: f32) -> Line {
        let items = &self.items.items;
        let hang_left = self.items.hang_left.get(from).copied().unwrap_or(0.0);
        let measure = measure + hang_left + self.items.hang_right.get(to).copied().unwrap_or(0.0);
        let mut totals = Totals::default();
        let mut spaces = 0.0f32;
        for item in &items[from..to] {
            totals.add(item);
            if let Item::Glue { width, .. } = item {
                spaces += width;
            }
        }
        let mut natural = totals.width;
        let forced =
            matches!(items[to], Item::Penalty { cost, .. } if cost >= items::FORCED_BREAK_PENALTY);
        let hyphen = match (&items[to], self.items.source(to)) {
            (Item::Penalty { width, .. }, Source::Hyphen(k)) => {
                natural += width;
                Some(k as usize)
            }
            _ => None,
        };
        // Justified lines fill the measure; any line too long for it (a ragged
        // or last line the breaker shrank) shrinks as far as it may.
        let too_long = natural > measure;
        let justify = (self.align == Align::Justify && totals.stretch < FILL / 2.0) || too_long;
        let (letters, ratio) = if justify {
            totals.fit(natural, measure, 0.0)
        } else {
            (0.0, 0.0)
        };
        // The ratio is -inf when nothing can shrink.
        let overfull = too_long && (ratio.is_nan() || ratio < -1.0 - 1e-3);
        let ratio = if ratio.is_finite() {
            ratio.max(-1.0)
        } else {
            0.0
        };
        // The letters take their share (within ±2 %); the spaces the rest, so
        // the line ends exactly at the measure.
        let last_mark = (from..to).rev().find_map(|i| match self.items.source(i) {
            Source::Glyphs(a, b) => (a as usize..b as usize)
                .rev()
                .find(|&g| self.glyphs[g].kind == GlyphKind::Mark),
            _ => None,
        });
        let ink: f32 = (from..to)
            .filter_map(|i| match (&items[i], self.items.source(i)) {
                (Item::Box { .. }, Source::Glyphs(a, b)) => Some(a as usize..b as usize),
                _ => None,
            })
            .flatten()
            .filter(|&g| self.glyphs[g].kind == GlyphKind::Mark && Some(g) != last_mark)
            .map(|g| self.glyphs[g].advance)
            .sum();
        let letter_scale = if ink > 0.0 {
            (letters / ink).clamp(-self.letter_spacing, self.letter_spacing)
        } else {
            0.0
        };
        let space_scale = if justify && spaces > 0.0 {
            let scale = 1.0 + (measure - natural - ink * letter_scale) / spaces;
            // An overfull line shrinks its spaces no further than they may;
            // a line that cannot be justified within the widest space allowed
            // is set flush left with its spaces that wide (quad left).
            let floor = 1.0 - totals.shrink / spaces;
            if overfull {
                scale.max(floor)
            } else {
                scale.min(self.widest_scale(from, to))
            }
        } else {
            1.0
        };

        let glyph_span = |s: Source| match s {
            Source::Glyphs(a, b) => Some((a, b)),
            _ => None,
        };
        let first_last = (
            self.items.sources(from..to).find_map(glyph_span),
            self.items.sources(from..to).rev().find_map(glyph_span),
        );
        let count = match first_last {
            (Some((a, _)), Some((_, b))) => b.saturating_sub(a) as usize,
            _ => 0,
        };
        // The glyphs of the line, in order: (run, glyph, its index, offset).
        let mut placed: Vec<(u16, PlacedGlyph, usize, (f32, f32))> = Vec::with_capacity(count);
        for (item, source) in items[from..to].iter().zip(self.items.sources(from..to)) {
            if let (Item::Box { .. } | Item::Glue { .. }, Source::Glyphs(a, b)) = (item, source) {
                let (a, b) = (a as usize, b as usize);
                for (g, gi) in self.glyphs[a..b].iter().zip(a..b) {
                    let advance = match g.kind {
                        GlyphKind::Break => continue,
                        GlyphKind::Space => g.advance * space_scale,
                        GlyphKind::Mark if justify && Some(gi) != last_mark => {
                            g.advance * (1.0 + letter_scale)
                        }
                        _ => g.advance,
                    };
                    let pg = PlacedGlyph {
                        id: g.id,
                        advance,
                        start: g.start,
                    };
                    let offset = shape::offset_of(&self.offsets, gi);
                    placed.push((g.run, pg, gi, offset));
                }
            }
        }
        let mut x = self.indent.0 - hang_left
            + match self.align {
                Align::Justify | Align::Left => 0.0,
                Align::Right => (measure - natural).max(0.0),
                Align::Center => ((measure - natural) / 2.0).max(0.0),
            };
        let mut runs: Vec<LineRun> = Vec::new();
        let mut i = 0;
        while i < placed.len() {
            let run = placed[i].0;
            let mut j = i;
            while j < placed.len() && placed[j].0 == run {
                j += 1;
            }
            // Clusters follow the text (it is shaped left to right): the
            // run's text ends where its last glyph's does.
            let text_start = placed[i].1.start;
            let text_end = shape::cluster_end(&self.glyphs, placed[j - 1].2, self.text.len());
            // The hyphen the line's last run ends with, if any, has its room;
            // it takes the look of the glyph before it: the line's last.
            let run_hyphen = hyphen
                .filter(|_| j == placed.len())
                .map(|k| self.hyphens[usize::from(self.glyphs[k - 1].run)]);
            let mut glyphs: Vec<PlacedGlyph> =
                Vec::with_capacity(j - i + usize::from(run_hyphen.is_some()));
            glyphs.extend(placed[i..j].iter().map(|(_, g, _, _)| PlacedGlyph {
                start: g.start - text_start,
                ..g.clone()
            }));
            let offsets: Vec<shape::Offset> = placed[i..j]
                .iter()
                .enumerate()
                .filter(|(_, p)| p.3 != (0.0, 0.0))
                .map(|(k, p)| (k as u32, p.3 .0, p.3 .1))
                .collect();
            let hyphen_len = run_hyphen.map_or(0, |(_, _, reads)| reads.len_utf8());
            let (text_start, text_end) = (text_start as usize, text_end as usize);
            let mut text = String::with_capacity(text_end - text_start + hyphen_len);
            text.push_str(&self.text[text_start..text_end]);
            if let Some((id, advance, reads)) = run_hyphen {
                let start = text.len() as u32;
                text.push(reads);
                glyphs.push(PlacedGlyph { id, advance, start });
            }
            let width: f32 = glyphs.iter().map(|g| g.advance).sum();
            runs.push(LineRun {
                style: self.styles[usize::from(run)].clone(),
                x: Pt(x),
                width: Pt(width),
                glyphs,
                offsets,
                text,
                label: false,
            });
            x += width;
            i = j;
        }
        Line {
            runs: runs.into(),
            hyphenated: hyphen.is_some(),
            splits_word: linebreak::splits_word(items, to),
            overfull,
            forced,
            ratio,
            next_item: to + 1,
        }
    }
}

/// A justified, hyphenated French paragraph of `text` in the `serif`
/// family's regular face at 10 pt, spaces never capped, for unit tests.
#[cfg(test)]
pub fn justified_for_tests(fonts: &crate::fonts::FontSet, text: &str) -> ParagraphInput {
    let face = fonts.find("serif", Default::default(), false).unwrap();
    let style = RunStyle {
        face,
        size: Pt(10.0),
        color: "black".into(),
        link: None,
        tracking: Pt::ZERO,
    };
    ParagraphInput {
        runs: vec![StyledRun {
            text: text.into(),
            style,
        }],
        label: None,
        align: Align::Justify,
        hyphenate: true,
        language: Language::French,
        indent: Pt::ZERO,
        balance: false,
        letter_spacing: 0.02,
        max_space: f32::INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::serif_for_tests;

    /// The lines of a justified French paragraph in EB Garamond 10 pt.
    fn lines(text: &str, width: Pt, max_space: f32) -> Vec<Line> {
        let fonts = serif_for_tests();
        let input = ParagraphInput {
            max_space,
            ..justified_for_tests(&fonts, text)
        };
        let mut shaper = Shaper::new(&fonts, Language::French);
        Prepared::new(&mut shaper, &input).lines(width)
    }

    #[test]
    fn each_glyph_reads_its_cluster_and_a_hyphen_its_own() {
        // The q and its combining acute are two glyphs of one cluster: both
        // read « q́ ». Every run's glyphs read its text whole, in order.
        let set = lines("Le q\u{301} et le reste.", Pt(200.0), 10.0);
        let run = &set[0].runs[0];
        let read: Vec<&str> = (0..run.glyphs.len())
            .map(|k| &run.text[run.range(k)])
            .collect();
        assert_eq!(
            read[..5],
            ["L", "e", " ", "q\u{301}", "q\u{301}"],
            "{read:?}"
        );
        // A hyphenated line's hyphen is its own glyph, after the rest of the
        // word, and reads as a soft hyphen (the word stays whole in a search).
        let set = lines(
            "Les intercommunalités transfrontalières coopèrent.",
            Pt(60.0),
            10.0,
        );
        let hyphenated = set
            .iter()
            .find(|l| l.hyphenated)
            .expect("a hyphenated line");
        for run in hyphenated.runs.iter() {
            let whole: String = (0..run.glyphs.len())
                .filter(|&k| k == 0 || run.glyphs[k].start != run.glyphs[k - 1].start)
                .map(|k| &run.text[run.range(k)])
                .collect();
            assert_eq!(whole, run.text);
        }
        let last = hyphenated.runs.last().unwrap();
        assert_eq!(&last.text[last.range(last.glyphs.len() - 1)], "\u{AD}");
    }

    #[test]
    fn a_mark_keeps_its_offset_in_the_line() {
        // A q with a combining acute has no precomposed glyph: the font
        // places the accent over the q, off its pen position.
        let set = lines("Le q\u{301} et le reste.", Pt(200.0), 10.0);
        let offset: Vec<&PlacedGlyph> = set
            .iter()
            .flat_map(|l| l.runs.iter())
            .flat_map(|r| (0..r.glyphs.len()).map(move |k| (r, k)))
            .filter(|&(r, k)| r.offset(k) != (0.0, 0.0))
            .map(|(r, k)| &r.glyphs[k])
            .collect();
        assert_eq!(
            offset.len(),
            1,
            "one glyph, the accent, is offset: {offset:?}"
        );
        // The accent takes no room of its own: the offset is on it, not on
        // the q or a space.
        assert_eq!(offset[0].advance, 0.0, "{offset:?}");
    }

    /// The widest space of a line, in points, and where the line ends.
    fn widest_and_end(line: &Line) -> (f32, f32) {
        let widest = line
            .runs
            .iter()
            .flat_map(|r| r.glyphs.iter().enumerate().map(move |(k, g)| (r, k, g)))
            .filter(|(r, k, _)| r.text[r.range(*k)].chars().all(char::is_whitespace))
            .map(|(_, _, g)| g.advance)
            .fold(0.0, f32::max);
        let end = line.runs.last().map_or(0.0, |r| (r.x + r.width).0);
        (widest, end)
    }

    /// A set line as a test compares it: text, glue ratio, glyphs and advances.
    type Shown = (String, u32, Vec<(u16, u32)>);

    /// What set lines show.
    fn fingerprint(lines: &[Line]) -> Vec<Shown> {
        lines
            .iter()
            .map(|l| {
                let text = l.runs.iter().map(|r| r.text.as_str()).collect();
                let glyphs = l
                    .runs
                    .iter()
                    .flat_map(|r| r.glyphs.iter().map(|g| (g.id, g.advance.to_bits())))
                    .collect();
                (text, l.ratio.to_bits(), glyphs)
            })
            .collect()
    }

    #[test]
    fn paragraphs_composed_on_several_threads_are_set_as_on_one() {
        let fonts = serif_for_tests();
        let texts = [
            "Le Pôle métropolitain de l'Artois réunit trois communautés d'agglomération.",
            "Les élus ont voté le budget : 1 150 000 € pour la mobilité, « enfin » !",
            "Une réunion publique aura lieu le 14 mai à 18 h 30 à la Maison syndicale.",
            "Renseignements sur www.pm-artois.fr/instances ou au 03 21 00 00 00.",
        ];
        let inputs: Vec<ParagraphInput> = texts
            .iter()
            .cycle()
            .take(23)
            .map(|t| justified_for_tests(&fonts, t))
            .collect();
        let refs: Vec<&ParagraphInput> = inputs.iter().collect();
        let set = |threads: usize| {
            let mut shaper = Shaper::new(&fonts, Language::French);
            prepare_on(&mut shaper, &refs, threads)
                .iter()
                .map(|p| fingerprint(&p.lines(Pt(150.0))))
                .collect::<Vec<_>>()
        };
        let one = set(1);
        assert_eq!(one.len(), inputs.len());
        assert!(one.iter().all(|lines| lines.len() >= 2));
        assert_eq!(set(3), one);
        assert_eq!(set(8), one);
    }

    #[test]
    fn a_line_that_cannot_be_justified_within_the_widest_space_is_set_flush_left() {
        // An amount may not be split: the first line cannot be filled.
        let text = "Fonctionnement de la structure : 420 000 €, soit 12 %.";
        let width = Pt(147.0);
        let capped = lines(text, width, 0.4);
        let (widest, end) = widest_and_end(&capped[0]);
        assert!(widest <= 4.0 + 0.01, "a space of {widest} pt on {capped:?}");
        assert!(end < width.0 - 1.0, "the line ends at {end} of {width:?}");
        // Without the cap, it is justified with holes.
        let justified = lines(text, width, 10.0);
        let (widest, end) = widest_and_end(&justified[0]);
        // (its colon hangs a little into the margin)
        assert!(
            widest > 6.0 && (end - width.0).abs() < 1.5,
            "{widest} {end}"
        );
    }
}
