//! Flow: a story's blocks poured through its chain of frames, line by line,
//! with the rules that keep text readable across frame breaks (no heading at
//! the foot of a column, no orphan or widow line) and, on the last page,
//! columns balanced. Tables split between rows, their header repeated.

mod table;

use crate::compose::{Line, Prepared};
use crate::units::{Pt, Rect};
use rustc_hash::FxHashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
pub use table::{column_widths, RowStyle, SetRow, SetTable, Table};

/// Share of the leading above the baseline: a line occupies `leading`, its
/// baseline sits at 80 % of it (TeX's \topskip of 10 pt for 10/12 pt type).
pub const BASELINE_RATIO: f32 = 0.8;
/// Fewest lines of a paragraph left at the foot of a frame (no orphan).
pub const ORPHAN_LINES: usize = 2;
/// Fewest lines of a paragraph carried to the top of the next frame (no widow).
pub const WIDOW_LINES: usize = 2;
/// Lines of the following paragraph a keep-with-next block (a heading) needs below it.
pub const KEEP_LINES: usize = 2;
/// How much looser (in glue ratio) a paragraph may get to keep a frame full
/// rather than end it a line early, when its last line must not split a word.
const SPLIT_LOOSENESS: f32 = 0.5;
/// Empty frames in a row that cannot take the next block before pouring
/// stops (the story is then overset): a block no frame of the chain can hold.
const MAX_EMPTY_FRAMES: usize = 3;
/// Precision of column balancing.
const BALANCE_STEP: Pt = Pt(0.5);

/// What a block holds.
pub enum Content {
    /// A paragraph of text.
    Text(Box<Prepared>),
    /// An image of the given height/width ratio.
    Image {
        /// Height divided by width.
        aspect: f32,
    },
    /// A table.
    Table(Box<Table>),
}

/// A block of a story, with the spacing rules of its paragraph style.
pub struct Block {
    /// Its content.
    pub content: Content,
    /// Distance between baselines.
    pub leading: Pt,
    /// Space above (dropped at the top of a frame).
    pub space_before: Pt,
    /// Space below.
    pub space_after: Pt,
    /// Keep it in the frame where the next block starts.
    pub keep_with_next: bool,
    /// A heading: its style keeps it with the next block, off the grid; the
    /// space below it is its own, whatever follows.
    pub heading: bool,
    /// The baseline grid its first line snaps to, if any (its pitch).
    pub grid: Option<Pt>,
    /// Its paragraph style (index), for spacing between paragraphs of one style.
    pub style: usize,
    /// Space between two consecutive blocks of its style (list items), if not the usual.
    pub space_between: Option<Pt>,
}

/// A frame of a chain on a given page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    /// Page index.
    pub page: usize,
    /// Index of the frame in the chain's frame list.
    pub frame: usize,
    /// Where text may go.
    pub area: Rect,
}

/// What was placed in a slot.
#[derive(Debug, Clone)]
pub enum Placed {
    /// A line of a text block.
    Line {
        /// The block it belongs to.
        block: usize,
        /// Its index in the block (0: the first line).
        index: usize,
        /// The set line.
        line: Line,
        /// Baseline, from the page top.
        baseline: Pt,
    },
    /// An image block.
    Image {
        /// The block.
        block: usize,
        /// Where it goes on the page.
        rect: Rect,
    },
    /// A line of a table cell.
    Cell {
        /// The table's block.
        block: usize,
        /// The row: 0 is the header, body rows count from 1.
        row: usize,
        /// The column.
        column: usize,
        /// Whether this is the header repeated at the top of a continuation frame.
        repeated: bool,
        /// The set line; its runs' `x` is relative to the cell's left edge.
        line: Line,
        /// The cell's left edge, from the frame's left edge.
        x: Pt,
        /// The column's width.
        width: Pt,
        /// Baseline, from the page top.
        baseline: Pt,
    },
    /// A rule under a table row.
    Rule {
        /// The table's block.
        block: usize,
        /// Where it goes on the page.
        rect: Rect,
        /// Its swatch.
        color: String,
    },
}

/// The contents of one slot.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The slot.
    pub slot: Slot,
    /// What it holds, top to bottom.
    pub placed: Vec<Placed>,
    /// Bottom of the last thing placed.
    pub bottom: Pt,
    /// Where pouring stood when this slot began.
    pub start: Position,
}

/// Which set of lines of a block is being placed: the block broken from an
/// item at a width, maybe with a line that must not end with a hyphen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct LineSet {
    from_item: usize,
    width: u32,
    unhyphenated: Option<usize>,
}

/// Where pouring stands: a block, and the line of it to place next.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Position {
    /// The block.
    pub block: usize,
    /// The line within the block's current set of lines.
    pub line: usize,
    /// That set of lines.
    set: LineSet,
}

impl Position {
    /// The start of block `block`.
    fn start_of(block: usize) -> Position {
        Position {
            block,
            ..Position::default()
        }
    }
}

/// A story poured into its chain.
#[derive(Debug, Clone)]
pub struct Poured {
    /// The filled slots, in chain order.
    pub filled: Vec<Filled>,
    /// Where pouring stopped: at the end of the story unless the chain ran out.
    pub end: Position,
}

/// The lines of each block, set once per width and constraint, and each
/// table, set once per width.
pub struct LineCache<'b, 's> {
    blocks: &'b [Block],
    lines: FxHashMap<Key, Vec<Line>>,
    tables: FxHashMap<(usize, u32), Rc<SetTable>>,
    /// Whether the lines a slot will ask for are set beforehand, on every core.
    ahead: bool,
    /// Where the lines of the slots to come are set while this one is
    /// poured, if anywhere.
    scope: Option<&'s rayon::Scope<'b>>,
    /// The lines being set there, each given back when it is done.
    pending: FxHashMap<Key, Pending>,
}

/// A block's lines in a set: the block, and the set.
type Key = (usize, LineSet);

/// The lines of a block being set on another thread, or the panic that
/// stopped them: `None` until they are done.
type Pending = Arc<Mutex<Option<std::thread::Result<Vec<Line>>>>>;

impl<'b, 's> LineCache<'b, 's> {
    /// A cache over a story's blocks.
    pub fn new(blocks: &'b [Block]) -> LineCache<'b, 's> {
        LineCache {
            blocks,
            lines: FxHashMap::default(),
            tables: FxHashMap::default(),
            ahead: true,
            scope: None,
            pending: FxHashMap::default(),
        }
    }

    /// A cache that also sets, in `scope`, the lines the slots after the
    /// one being poured will ask for, while it is poured.
    pub fn pipelined(blocks: &'b [Block], scope: &'s rayon::Scope<'b>) -> LineCache<'b, 's> {
        LineCache {
            scope: Some(scope),
            ..LineCache::new(blocks)
        }
    }

    /// A cache that sets each block's lines only when pouring asks for them.
    #[cfg(test)]
    fn on_demand(blocks: &'b [Block]) -> LineCache<'b, 's> {
        LineCache {
            ahead: false,
            ..LineCache::new(blocks)
        }
    }

    /// Sets beforehand the lines a slot `width` wide and `height` high will
    /// most likely ask for from `pos`, on every core at once, and starts
    /// setting those of the slot after it (`next`, its width and height), each
    /// as a job of rayon's, to be set while this one is poured (if the cache
    /// has a scope for them). Pouring finds them here, and sets itself any it
    /// needs past them; they are the lines it would set.
    fn set_ahead(&mut self, pos: Position, width: Pt, height: Pt, next: Option<(Pt, Pt)>) {
        if !self.ahead {
            return;
        }
        let next = next.filter(|_| self.scope.is_some());
        let (now, later) = self.expected(pos, (width, height), next);
        if now.len() >= 2 {
            // One block is set as soon when pouring asks for it.
            use rayon::prelude::*;
            let blocks = self.blocks;
            let set: Vec<(Key, Vec<Line>)> = now
                .into_par_iter()
                .map(|(i, set)| ((i, set), lines_of(&blocks[i], set)))
                .collect();
            self.lines.extend(set);
        }
        self.start(later);
    }

    /// The lines not set yet that a slot (`slot`: its width and height) will
    /// most likely ask for from `pos`, and those the slot after it will
    /// (`next`): the block there, from where it stands, and those after it,
    /// as many as their length says will fill the slots (one more after a
    /// heading, for the text it keeps with).
    fn expected(
        &mut self,
        pos: Position,
        (width, height): (Pt, Pt),
        mut next: Option<(Pt, Pt)>,
    ) -> (Vec<Key>, Vec<Key>) {
        let in_text = self
            .blocks
            .get(pos.block)
            .is_some_and(|b| matches!(b.content, Content::Text(_)));
        let pos = if in_text {
            self.at_width(pos, width)
        } else {
            pos
        };
        let start_of = |width: Pt| LineSet {
            from_item: 0,
            width: width.0.to_bits(),
            unhyphenated: None,
        };
        let (mut now, mut later) = (Vec::new(), Vec::new());
        let (mut width, mut room, mut in_slot) = (width, height, true);
        let (mut block, mut set, mut line) = (pos.block, pos.set, pos.line);
        let mut keep = false;
        while let Some(b) = self.blocks.get(block) {
            if room <= Pt::ZERO && !keep {
                // On into the next slot: the block that starts it, at its width.
                let Some((w, h)) = next.take() else { break };
                (width, room, in_slot) = (w, room + h, false);
                if block > pos.block {
                    set = start_of(width);
                }
            }
            let h = match &b.content {
                Content::Text(p) => {
                    let key = (block, set);
                    let lines = match self.lines.get(&key) {
                        Some(lines) => lines.len().saturating_sub(line),
                        None => {
                            if !self.pending.contains_key(&key) {
                                if in_slot { &mut now } else { &mut later }.push(key);
                            }
                            p.estimated_lines(set.from_item, width)
                        }
                    };
                    b.leading * lines as f32
                }
                Content::Image { aspect } => width * *aspect,
                Content::Table(_) => break,
            };
            room = room - h - b.space_before;
            keep = b.keep_with_next;
            (block, set, line) = (block + 1, start_of(width), 0);
        }
        (now, later)
    }

    /// Starts setting the lines of `keys`, each as a job in the cache's
    /// scope; [`LineCache::settle`] takes them when pouring asks for them.
    fn start(&mut self, keys: Vec<Key>) {
        let Some(scope) = self.scope else {
            return;
        };
        let blocks = self.blocks;
        for key in keys {
            let done: Pending = Arc::default();
            self.pending.insert(key, Arc::clone(&done));
            scope.spawn(move |_| {
                let (block, set) = key;
                let lines = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    lines_of(&blocks[block], set)
                }));
                *done.lock().unwrap_or_else(PoisonError::into_inner) = Some(lines);
            });
        }
    }

    /// Waits for the lines of `key` if they are being set on another
    /// thread, running rayon's jobs meanwhile, and keeps them. A panic
    /// there goes on here, where the lines were asked for.
    fn settle(&mut self, key: Key) {
        let Some(done) = self.pending.remove(&key) else {
            return;
        };
        let lines = loop {
            if let Some(set) = done.lock().unwrap_or_else(PoisonError::into_inner).take() {
                break set.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            }
            if rayon::yield_now() != Some(rayon::Yield::Executed) {
                std::thread::yield_now();
            }
        };
        self.lines.insert(key, lines);
    }

    /// The table of `block` set at `width`, if the block is a table.
    fn table(&mut self, block: usize, width: Pt) -> Option<Rc<SetTable>> {
        let Content::Table(table) = &self.blocks.get(block)?.content else {
            return None;
        };
        let set = self
            .tables
            .entry((block, width.0.to_bits()))
            .or_insert_with(|| Rc::new(table.set(width)));
        Some(set.clone())
    }

    /// The lines of `block` in the set `set`.
    fn get(&mut self, block: usize, set: LineSet) -> &[Line] {
        self.settle((block, set));
        let blocks = self.blocks;
        self.lines
            .entry((block, set))
            .or_insert_with(|| lines_of(&blocks[block], set))
    }

    /// The position `pos`, with its lines set at `width`: a paragraph that
    /// continues in a frame of another width is broken again from where it stopped.
    fn at_width(&mut self, pos: Position, width: Pt) -> Position {
        let bits = width.0.to_bits();
        if pos.set.width == bits {
            return pos;
        }
        let from_item = match pos.line {
            0 => pos.set.from_item,
            n => self.get(pos.block, pos.set)[n - 1].next_item,
        };
        Position {
            block: pos.block,
            line: 0,
            set: LineSet {
                from_item,
                width: bits,
                unhyphenated: None,
            },
        }
    }
}

/// The lines of a block in the set `set` (none for an image or a table).
fn lines_of(block: &Block, set: LineSet) -> Vec<Line> {
    match &block.content {
        Content::Text(p) => p.lines_from(
            set.from_item,
            Pt(f32::from_bits(set.width)),
            set.unhyphenated,
        ),
        Content::Image { .. } | Content::Table(_) => Vec::new(),
    }
}

/// The first baseline at or below `baseline` on the grid of `pitch` that starts at `origin`.
fn snap(baseline: Pt, origin: Pt, pitch: Pt) -> Pt {
    let steps = ((baseline - origin) / pitch - 0.01).ceil().max(0.0);
    origin + pitch * steps
}

/// Pours `blocks` from `start` into the slots `slot(0)`, `slot(1)`…; `limit`
/// caps the height used in a slot (for balancing).
pub fn pour(
    cache: &mut LineCache,
    start: Position,
    slot: &dyn Fn(usize) -> Option<Slot>,
    limit: &dyn Fn(&Slot) -> Option<Pt>,
) -> Poured {
    let blocks = cache.blocks;
    let story_pitch = blocks.iter().find_map(|b| b.grid);
    let mut filled: Vec<Filled> = Vec::new();
    let mut pos = start;
    let mut k = 0;
    let mut fresh_misses = 0;
    'slots: while pos.block < blocks.len() {
        let Some(s) = slot(k) else { break };
        k += 1;
        let bottom = limit(&s).map_or(s.area.bottom(), |h| s.area.bottom().min(s.area.y + h));
        let mut out = Filled {
            slot: s,
            placed: Vec::new(),
            bottom: s.area.y,
            start: pos,
        };
        let mut y = s.area.y; // bottom of the last line box
        let mut prev_after: Option<Pt> = None; // None: nothing placed yet in this slot
        let width = s.area.w;
        let next = slot(k).map(|t| (t.area.w, limit(&t).map_or(t.area.h, |h| t.area.h.min(h))));
        cache.set_ahead(pos, width, bottom - s.area.y, next);
        while pos.block < blocks.len() {
            let b = &blocks[pos.block];
            let gap = prev_after.map_or(Pt::ZERO, |a| gap_between(blocks, pos.block, a));
            let first_in_slot = prev_after.is_none();
            match &b.content {
                Content::Image { aspect } => {
                    let room = bottom - y - gap;
                    let mut w = width;
                    let mut h = w * *aspect;
                    let full = bottom - s.area.y;
                    if h > full {
                        // Taller than the frame: scale down to fit.
                        h = full;
                        w = h / *aspect;
                    }
                    if h > room {
                        if gives_up(first_in_slot, &mut fresh_misses) {
                            break 'slots;
                        }
                        break;
                    }
                    fresh_misses = 0;
                    let rect = Rect {
                        x: s.area.x,
                        y: y + gap,
                        w,
                        h,
                    };
                    out.placed.push(Placed::Image {
                        block: pos.block,
                        rect,
                    });
                    y = y + gap + h;
                    prev_after = Some(b.space_after);
                    pos = Position::start_of(pos.block + 1);
                }
                Content::Table(_) => {
                    let Some(table) = cache.table(pos.block, width) else {
                        pos = Position::start_of(pos.block + 1);
                        continue;
                    };
                    let mut top = y + gap;
                    if let (Some(pitch), Some(first)) = (b.grid, table.rows.first()) {
                        let above = first.leading * BASELINE_RATIO;
                        top = snap(top + above, s.area.y + pitch * BASELINE_RATIO, pitch) - above;
                    }
                    let room = bottom - top;
                    let left = table.rows.len().saturating_sub(1 + pos.line);
                    // The header never stands alone: it takes a body row with it.
                    let mut take = table
                        .rows_fitting(pos.line, room)
                        .filter(|&k| k > 0 || left == 0);
                    if take == Some(left) && b.keep_with_next && !first_in_slot {
                        if let Some(need) = follow_height(cache, pos.block + 1, width) {
                            if table.height(pos.line, left) + need > room {
                                take = None;
                            }
                        }
                    }
                    let Some(take) = take else {
                        if gives_up(first_in_slot, &mut fresh_misses) {
                            break 'slots;
                        }
                        break;
                    };
                    fresh_misses = 0;
                    y = table.place(pos.block, pos.line, take, (s.area.x, top), &mut out.placed);
                    prev_after = Some(b.space_after);
                    if take == left {
                        pos = Position::start_of(pos.block + 1);
                    } else {
                        pos.line += take;
                        break;
                    }
                }
                Content::Text(_) => {
                    pos = cache.at_width(pos, width);
                    let mut lines = cache.get(pos.block, pos.set)[pos.line..].to_vec();
                    let n = lines.len();
                    let lead = b.leading;
                    let mut baseline = y + gap + lead * BASELINE_RATIO;
                    if let Some(pitch) = b.grid {
                        baseline = snap(baseline, s.area.y + pitch * BASELINE_RATIO, pitch);
                    }
                    let room = bottom - (baseline - lead * BASELINE_RATIO);
                    let fit = if room.0 < 0.0 {
                        0
                    } else {
                        ((room.0 + 0.01) / lead.0).floor() as usize
                    };
                    let mut take = split_point(fit, n, pos.line == 0);
                    if take == n && b.keep_with_next && !first_in_slot {
                        // A heading needs the start of what follows below it.
                        if let Some(need) = follow_height(cache, pos.block + 1, width) {
                            if lead * n as f32 + need > room {
                                take = 0;
                            }
                        }
                    }
                    if take == 0 && first_in_slot {
                        // An empty frame takes what fits, rules or not.
                        take = fit.min(n);
                    }
                    if take == 0 {
                        if gives_up(first_in_slot, &mut fresh_misses) {
                            break 'slots;
                        }
                        break;
                    }
                    fresh_misses = 0;
                    if take < n && lines[take - 1].splits_word {
                        // No word split across frames: break the paragraph again
                        // with this frame's last line ending on a whole word, or,
                        // if that makes a line much looser, end the frame a line
                        // earlier (where the lines allow it).
                        let earlier = take > 1
                            && !lines[take - 2].splits_word
                            && (pos.line > 0 || take > ORPHAN_LINES);
                        match unhyphenated_split(cache, pos, take, fit) {
                            Some((set, alt))
                                if !earlier
                                    || loosest(&alt) <= loosest(&lines) + SPLIT_LOOSENESS =>
                            {
                                pos.set = set;
                                lines = alt;
                            }
                            _ if earlier => take -= 1,
                            _ => {}
                        }
                    }
                    let n = lines.len();
                    if take == n && b.grid.is_none() {
                        // A block off the grid (a heading, a quote) hangs from
                        // the grid line of the text after it: the snap goes
                        // above it, where space is expected, not between it and
                        // its text, at the top of a frame too. When grid text
                        // follows, it snaps to the same grid line either way,
                        // so this uses no room the flow has not counted;
                        // otherwise the drop is taken only if the block still fits.
                        let last = baseline + lead * (n - 1) as f32;
                        let drop = drop_to_grid(blocks, pos.block, last, s.area.y, story_pitch);
                        let next_on_grid =
                            blocks.get(pos.block + 1).is_some_and(|x| x.grid.is_some());
                        if next_on_grid || last + drop + lead * (1.0 - BASELINE_RATIO) <= bottom {
                            baseline += drop;
                        }
                    }
                    for (i, line) in lines.into_iter().take(take).enumerate() {
                        out.placed.push(Placed::Line {
                            block: pos.block,
                            index: pos.line + i,
                            line,
                            baseline,
                        });
                        baseline += lead;
                    }
                    y = baseline - lead * BASELINE_RATIO;
                    prev_after = Some(b.space_after);
                    if take == n {
                        pos = Position::start_of(pos.block + 1);
                    } else {
                        pos.line += take;
                        break;
                    }
                }
            }
        }
        out.bottom = y;
        filled.push(out);
    }
    Poured { filled, end: pos }
}

/// Counts a block that did not go into a slot: a slot left empty is a miss,
/// and after [`MAX_EMPTY_FRAMES`] misses in a row pouring gives up (the
/// story is overset). Returns whether to give up.
fn gives_up(first_in_slot: bool, misses: &mut usize) -> bool {
    if first_in_slot {
        *misses += 1;
    }
    *misses > MAX_EMPTY_FRAMES
}

/// Space between block `i` and the one before it, whose space after is `after`.
/// Below a heading, the heading's own space after decides (a list after a
/// subhead sits where a paragraph would), so a pair of styles always gets one space.
fn gap_between(blocks: &[Block], i: usize, after: Pt) -> Pt {
    let b = &blocks[i];
    match (i.checked_sub(1).map(|p| &blocks[p]), b.space_between) {
        (Some(prev), Some(between)) if prev.style == b.style => between,
        (Some(prev), _) if prev.heading => after,
        _ => after.max(b.space_before),
    }
}

/// How far block `i`, whose last baseline is `last`, moves down so that
/// grid text after it, on the grid of the frame starting at `top`, follows at
/// its natural distance. The next block's grid decides, or the story's
/// (`pitch`) when the next is off the grid or there is none, so the space
/// above a block never depends on what comes after it.
fn drop_to_grid(blocks: &[Block], i: usize, last: Pt, top: Pt, pitch: Option<Pt>) -> Pt {
    let b = &blocks[i];
    let next = blocks.get(i + 1);
    let (gap, next_above, pitch) = match next {
        Some(n) if n.grid.is_some() => (
            gap_between(blocks, i + 1, b.space_after),
            n.leading * BASELINE_RATIO,
            n.grid,
        ),
        _ => (
            b.space_after,
            pitch.unwrap_or(Pt::ZERO) * BASELINE_RATIO,
            pitch,
        ),
    };
    let Some(pitch) = pitch else {
        return Pt::ZERO;
    };
    let natural = last + b.leading * (1.0 - BASELINE_RATIO) + gap + next_above;
    snap(natural, top + pitch * BASELINE_RATIO, pitch) - natural
}

/// How many of a paragraph's `n` remaining lines go in a frame with room for
/// `fit`: all, or a split that leaves no orphan (when the paragraph `starts`
/// here) and no widow; 0 when it must move on.
fn split_point(fit: usize, n: usize, starts: bool) -> usize {
    if fit >= n {
        return n;
    }
    let mut take = fit;
    if n - take < WIDOW_LINES {
        take = n.saturating_sub(WIDOW_LINES);
    }
    if starts && take < ORPHAN_LINES {
        take = 0;
    }
    take
}

/// The largest glue ratio of some lines (how loose the loosest is).
fn loosest(lines: &[Line]) -> f32 {
    lines.iter().map(|l| l.ratio).fold(0.0, f32::max)
}

/// The paragraph at `pos` broken again so that its `take`-th line from here
/// ends on a whole word, if that keeps the lines already placed and the split.
fn unhyphenated_split(
    cache: &mut LineCache,
    pos: Position,
    take: usize,
    fit: usize,
) -> Option<(LineSet, Vec<Line>)> {
    let set = LineSet {
        unhyphenated: Some(pos.line + take - 1),
        ..pos.set
    };
    let before = pos
        .line
        .checked_sub(1)
        .map(|l| cache.get(pos.block, pos.set)[l].next_item);
    let alt = cache.get(pos.block, set);
    let same_start =
        before.is_none_or(|item| alt.get(pos.line - 1).is_some_and(|l| l.next_item == item));
    let rest = alt.get(pos.line..)?;
    let ok = same_start
        && split_point(fit, rest.len(), pos.line == 0) == take
        && rest.get(take - 1).is_some_and(|l| !l.splits_word)
        && rest.iter().all(|l| !l.overfull);
    ok.then(|| (set, rest.to_vec()))
}

/// Height the start of block `i` needs (its first lines) below a keep-with-next block.
fn follow_height(cache: &mut LineCache, i: usize, width: Pt) -> Option<Pt> {
    let b = cache.blocks.get(i)?;
    let after = i
        .checked_sub(1)
        .map_or(Pt::ZERO, |p| cache.blocks[p].space_after);
    let gap = gap_between(cache.blocks, i, after);
    let h = match &b.content {
        Content::Image { aspect } => width * *aspect,
        Content::Text(_) => {
            let set = LineSet {
                from_item: 0,
                width: width.0.to_bits(),
                unhyphenated: None,
            };
            let n = cache.get(i, set).len().min(KEEP_LINES);
            b.leading * n as f32 + b.grid.map_or(Pt::ZERO, |pitch| pitch)
        }
        Content::Table(_) => {
            let table = cache.table(i, width)?;
            table.height(0, 1) + b.grid.map_or(Pt::ZERO, |pitch| pitch)
        }
    };
    Some(gap + h)
}

/// Pours a story into its slots and, if `balance`, evens out the columns of
/// its last page. When the story ends before the chain's last page (an issue
/// made longer than this story needs), the rest is spread over the pages from
/// where it ends to that last page, so no frame of them is left empty.
pub fn pour_story(cache: &mut LineCache, slots: &[Slot], balance: bool) -> Poured {
    let blocks = cache.blocks;
    let slot = |k: usize| slots.get(k).copied();
    let poured = pour(cache, Position::default(), &slot, &|_| None);
    if !balance || poured.end.block < blocks.len() || poured.filled.is_empty() {
        return poured;
    }
    let end_page = poured.filled.last().map_or(0, |f| f.slot.page);
    let first_on_page = poured
        .filled
        .iter()
        .position(|f| f.slot.page == end_page)
        .unwrap_or(0);
    let tail = &slots[first_on_page..];
    if tail.len() < 2 {
        return poured;
    }
    // Where the tail starts, replayed to get the position there.
    let start = poured.filled[first_on_page].start;
    let on_tail = |k: usize| tail.get(k).copied();
    let full = tail.iter().map(|s| s.area.h).fold(Pt::ZERO, Pt::max);
    let fits = |cache: &mut LineCache, h: Pt| {
        let p = pour(cache, start, &on_tail, &|_| Some(h));
        (p.end.block >= blocks.len()).then_some(p)
    };
    // The shortest column height that still holds the rest of the story.
    let (mut lo, mut hi) = (Pt::ZERO, full);
    let Some(mut best) = fits(cache, hi) else {
        return poured;
    };
    while hi - lo > BALANCE_STEP {
        let mid = (lo + hi) / 2.0;
        match fits(cache, mid) {
            Some(p) => {
                hi = mid;
                best = p;
            }
            None => lo = mid,
        }
    }
    let mut filled = poured.filled;
    filled.truncate(first_on_page);
    filled.extend(best.filled);
    Poured {
        filled,
        end: best.end,
    }
}

/// About how many lines of the story are left from `end` when set at `width`
/// (what did not fit, for the user to cut).
pub fn lines_left(cache: &mut LineCache, end: Position, width: Pt) -> usize {
    let mut n = 0;
    for block in end.block..cache.blocks.len() {
        let start = if block == end.block {
            end
        } else {
            Position::start_of(block)
        };
        n += match cache.blocks[block].content {
            Content::Text(_) => {
                let pos = cache.at_width(start, width);
                cache.get(block, pos.set).len().saturating_sub(pos.line)
            }
            Content::Image { .. } => 1,
            Content::Table(_) => cache.table(block, width).map_or(0, |t| {
                let rows = t.rows.get(1 + start.line..).unwrap_or(&[]);
                rows.iter()
                    .map(|r| r.cells.iter().map(Vec::len).max().unwrap_or(1))
                    .sum()
            }),
        };
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::shape::Shaper;
    use crate::compose::{ParagraphInput, RunStyle, StyledRun};
    use crate::fonts::FontSet;
    use crate::model::language::Language;
    use crate::model::layout::Align;

    const WORDS: &str = "Le Comité syndical réunit les élus désignés par les quatre collectivités membres du Pôle \
        Métropolitain de l’Artois, qui compte près de six cent cinquante mille habitants et cent cinquante communes.";

    fn fonts() -> FontSet {
        crate::fonts::serif_for_tests()
    }

    /// A justified 10/12 paragraph of `copies` sentences; `keep` makes a one-line heading.
    fn para(shaper: &mut Shaper, fonts: &FontSet, copies: usize, keep: bool) -> Block {
        let text = if keep {
            "Le Comité syndical".to_string()
        } else {
            vec![WORDS; copies].join(" ")
        };
        let input = crate::compose::justified_for_tests(fonts, &text);
        Block {
            content: Content::Text(Box::new(Prepared::new(shaper, &input))),
            leading: Pt(12.0),
            space_before: Pt::ZERO,
            space_after: Pt(6.0),
            keep_with_next: keep,
            heading: false,
            grid: None,
            style: usize::from(keep),
            space_between: None,
        }
    }

    /// Body paragraphs of `copies[i]` sentences each.
    fn paras(copies: impl IntoIterator<Item = usize>) -> Vec<Block> {
        let fonts = fonts();
        let mut shaper = Shaper::new(&fonts, Language::French);
        copies
            .into_iter()
            .map(|n| para(&mut shaper, &fonts, n, false))
            .collect()
    }

    /// Slots of `lines` lines of 12 pt each, `n` of them, two per page.
    fn slots(n: usize, lines: f32) -> Vec<Slot> {
        (0..n)
            .map(|k| Slot {
                page: k / 2,
                frame: k % 2,
                area: Rect {
                    x: Pt(0.0),
                    y: Pt(0.0),
                    w: Pt(160.0),
                    h: Pt(12.0 * lines),
                },
            })
            .collect()
    }

    /// Pours `blocks` into `slots`.
    fn pour_into(blocks: &[Block], slots: &[Slot], balance: bool) -> Poured {
        pour_story(&mut LineCache::new(blocks), slots, balance)
    }

    fn lines_in(f: &Filled) -> Vec<(usize, usize)> {
        f.placed
            .iter()
            .filter_map(|p| match p {
                Placed::Line { block, index, .. } => Some((*block, *index)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_line_is_placed_once_in_chain_order() {
        let blocks = paras((0..6).map(|i| 1 + i % 3));
        let total: usize = blocks
            .iter()
            .map(|b| match &b.content {
                Content::Text(p) => p.lines(Pt(160.0)).len(),
                Content::Image { .. } | Content::Table(_) => 0,
            })
            .sum();
        let poured = pour_into(&blocks, &slots(10, 7.0), false);
        assert_eq!(poured.end.block, blocks.len());
        let placed: Vec<(usize, usize)> = poured.filled.iter().flat_map(lines_in).collect();
        assert_eq!(placed.len(), total);
        let mut sorted = placed.clone();
        sorted.sort();
        assert_eq!(placed, sorted, "lines come in story order");
    }

    #[test]
    fn lines_set_beforehand_pour_as_lines_set_on_demand() {
        let blocks = paras((0..9).map(|i| 1 + i % 4));
        let what = |p: &Poured| {
            p.filled
                .iter()
                .flat_map(|f| &f.placed)
                .filter_map(|p| match p {
                    Placed::Line {
                        block,
                        index,
                        line,
                        baseline,
                    } => {
                        let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
                        Some((*block, *index, text, baseline.0.to_bits()))
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        // Frames of two widths: a paragraph that goes on in a narrower frame
        // is set ahead from where it stopped.
        let mut mixed = slots(12, 6.0);
        for s in mixed.iter_mut().skip(1).step_by(3) {
            s.area.w = Pt(120.0);
        }
        for (slots, balance) in [
            (slots(12, 6.0), false),
            (slots(12, 6.0), true),
            (mixed, true),
        ] {
            let on_demand = pour_story(&mut LineCache::on_demand(&blocks), &slots, balance);
            let mut cache = LineCache::new(&blocks);
            let beforehand = pour_story(&mut cache, &slots, balance);
            assert!(!what(&on_demand).is_empty());
            assert_eq!(what(&beforehand), what(&on_demand));
            assert_eq!(beforehand.end, on_demand.end);
            // With the next slot's lines set while a slot is poured.
            let pipelined = rayon::in_place_scope(|scope| {
                pour_story(&mut LineCache::pipelined(&blocks, scope), &slots, balance)
            });
            assert_eq!(what(&pipelined), what(&on_demand));
            assert_eq!(pipelined.end, on_demand.end);
        }
        // A frame six lines high is expected to take the first blocks: they
        // are set before pouring asks for any.
        let mut ahead = LineCache::new(&blocks);
        ahead.set_ahead(Position::default(), Pt(160.0), Pt(72.0), None);
        assert!(
            ahead.lines.len() >= 2,
            "{} blocks set ahead",
            ahead.lines.len()
        );
        // And the blocks expected in the next frame are being set.
        rayon::in_place_scope(|scope| {
            let mut ahead = LineCache::pipelined(&blocks, scope);
            let next = Some((Pt(160.0), Pt(72.0)));
            ahead.set_ahead(Position::default(), Pt(160.0), Pt(72.0), next);
            assert!(ahead.lines.len() >= 2, "{} blocks set", ahead.lines.len());
            assert!(!ahead.pending.is_empty(), "nothing set for the next frame");
            let later: Vec<(usize, LineSet)> = ahead.pending.keys().copied().collect();
            for (block, set) in later {
                let on_demand = lines_of(&blocks[block], set);
                let texts = |lines: &[Line]| -> Vec<String> {
                    lines
                        .iter()
                        .map(|l| l.runs.iter().map(|r| r.text.as_str()).collect())
                        .collect()
                };
                assert_eq!(texts(ahead.get(block, set)), texts(&on_demand));
            }
            assert!(ahead.pending.is_empty());
        });
    }

    #[test]
    fn no_orphan_or_widow_at_frame_breaks() {
        let blocks = paras((0..8).map(|i| 2 + i % 2));
        for height in [5.0, 6.0, 7.0, 9.0, 11.0] {
            let poured = pour_into(&blocks, &slots(40, height), false);
            let per_slot: Vec<Vec<(usize, usize)>> = poured.filled.iter().map(lines_in).collect();
            for pair in per_slot.windows(2) {
                let (Some(last), Some(first)) = (pair[0].last(), pair[1].first()) else {
                    continue;
                };
                if last.0 == first.0 {
                    let before = pair[0].iter().filter(|l| l.0 == last.0).count();
                    let after = pair[1].iter().filter(|l| l.0 == first.0).count();
                    assert!(
                        before >= ORPHAN_LINES,
                        "orphan at height {height}: {pair:?}"
                    );
                    assert!(
                        after >= WIDOW_LINES || after == pair[1].len(),
                        "widow at height {height}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_heading_is_never_left_at_the_foot_of_a_frame() {
        let fonts = fonts();
        let mut shaper = Shaper::new(&fonts, Language::French);
        let mut blocks = Vec::new();
        for _ in 0..5 {
            blocks.push(para(&mut shaper, &fonts, 1, true));
            blocks.push(para(&mut shaper, &fonts, 2, false));
        }
        for height in [6.0, 8.0, 10.0, 13.0] {
            let poured = pour_into(&blocks, &slots(40, height), false);
            for f in &poured.filled {
                let lines = lines_in(f);
                if let Some(&(block, _)) = lines.last() {
                    assert!(
                        block % 2 == 1 || block == blocks.len() - 1,
                        "heading {block} ends a frame at height {height}"
                    );
                }
            }
        }
    }

    /// A heading (14 pt leading, off the grid) and the grid text after it:
    /// `before` is the text's own space before (6 pt for a list).
    fn heading_and_text(shaper: &mut Shaper, fonts: &FontSet, before: f32) -> [Block; 2] {
        let mut heading = para(shaper, fonts, 1, true);
        heading.leading = Pt(14.0);
        heading.space_before = Pt(8.0);
        heading.space_after = Pt(2.0);
        heading.heading = true;
        let mut text = para(shaper, fonts, 2, false);
        text.grid = Some(Pt(12.0));
        text.space_before = Pt(before);
        [heading, text]
    }

    #[test]
    fn a_heading_is_as_far_from_its_text_at_a_frame_top_as_elsewhere() {
        let fonts = fonts();
        let mut shaper = Shaper::new(&fonts, Language::French);
        let mut blocks = Vec::new();
        for before in [0.0, 0.0, 6.0] {
            blocks.extend(heading_and_text(&mut shaper, &fonts, before));
        }
        let poured = pour_into(&blocks, &slots(1, 60.0), false);
        let first_baseline = |block: usize| {
            poured.filled[0].placed.iter().find_map(|p| match p {
                Placed::Line {
                    block: b, baseline, ..
                } if *b == block => Some(baseline.0),
                _ => None,
            })
        };
        let distances: Vec<f32> = [0, 2, 4]
            .iter()
            .map(|&h| first_baseline(h + 1).unwrap() - first_baseline(h).unwrap())
            .collect();
        // The first heading is at the frame's top, the third is above a list.
        assert!(
            distances.iter().all(|d| (d - distances[1]).abs() < 0.01),
            "heading-to-text distances {distances:?}"
        );
        let top = first_baseline(0).unwrap();
        assert!(
            top < 14.0 * BASELINE_RATIO + 12.0,
            "the heading at the top sits at {top}"
        );
    }

    #[test]
    fn the_last_page_is_balanced_to_within_a_line() {
        let blocks = paras([2; 3]);
        let poured = pour_into(&blocks, &slots(2, 40.0), true);
        assert_eq!(poured.end.block, blocks.len());
        let counts: Vec<usize> = poured.filled.iter().map(|f| lines_in(f).len()).collect();
        assert_eq!(counts.len(), 2, "{counts:?}");
        let heights: Vec<f32> = poured.filled.iter().map(|f| f.bottom.0).collect();
        assert!(
            (heights[0] - heights[1]).abs() <= 12.0 + 6.0,
            "columns {heights:?}"
        );
    }

    #[test]
    fn a_story_longer_than_its_chain_stops_where_it_did_not_fit() {
        let blocks = paras([3; 6]);
        let poured = pour_into(&blocks, &slots(2, 10.0), false);
        assert!(poured.end.block < blocks.len());
    }

    #[test]
    fn a_story_that_ends_early_is_spread_to_the_chain_last_page() {
        let blocks = paras([2; 2]);
        // Three pages of two 40-line frames: the story needs about one frame.
        let poured = pour_into(&blocks, &slots(6, 40.0), true);
        assert_eq!(poured.end.block, blocks.len());
        let used: Vec<usize> = poured
            .filled
            .iter()
            .filter(|f| !lines_in(f).is_empty())
            .map(|f| f.slot.page)
            .collect();
        assert_eq!(used.last(), Some(&2), "the last page holds text: {used:?}");
        assert_eq!(used.len(), 6, "every frame holds text: {used:?}");
    }

    #[test]
    fn lines_left_counts_what_did_not_fit() {
        let blocks = paras([3; 4]);
        let mut cache = LineCache::new(&blocks);
        let total = lines_left(&mut cache, Position::default(), Pt(160.0));
        let poured = pour_story(&mut cache, &slots(1, 10.0), false);
        let placed: usize = poured.filled.iter().map(|f| lines_in(f).len()).sum();
        let left = lines_left(&mut cache, poured.end, Pt(160.0));
        assert!(placed > 0 && placed <= 10, "{placed}");
        assert_eq!(left + placed, total);
    }

    /// A cell of 9 pt text, set as `align` says.
    fn cell(shaper: &mut Shaper, fonts: &FontSet, text: &str, align: Align) -> Prepared {
        let face = fonts.find("serif", Default::default(), false).unwrap();
        let style = RunStyle {
            face,
            size: Pt(9.0),
            color: "black".into(),
            link: None,
            tracking: Pt::ZERO,
        };
        let input = ParagraphInput {
            runs: vec![StyledRun {
                text: text.to_string(),
                style,
            }],
            label: None,
            align,
            hyphenate: false,
            language: Language::French,
            indent: Pt::ZERO,
            balance: false,
            letter_spacing: 0.02,
            max_space: f32::INFINITY,
        };
        Prepared::new(shaper, &input)
    }

    /// A table block of a header and `rows` body rows, 11 pt rows, 0.5 pt rules, 6 pt gaps.
    fn table(shaper: &mut Shaper, fonts: &FontSet, rows: usize) -> Block {
        let aligns = [Align::Left, Align::Center, Align::Right];
        let mut row = |texts: [&str; 3]| -> Vec<Prepared> {
            texts
                .iter()
                .zip(aligns)
                .map(|(t, a)| cell(shaper, fonts, t, a))
                .collect()
        };
        let mut cells = vec![row(["Date", "Réunion", "Lieu"])];
        cells.extend((0..rows).map(|i| match i % 3 {
            0 => row(["15 mai", "Comité syndical", "Arras"]),
            1 => row(["28 juin", "Bureau élargi aux maires du territoire", "Lens"]),
            _ => row(["12 septembre", "Conférence", "Béthune, salle des fêtes"]),
        }));
        let style = |w: f32| RowStyle {
            leading: Pt(11.0),
            rule: Some(("black".into(), Pt(w))),
        };
        Block {
            content: Content::Table(Box::new(Table::new(
                cells,
                style(0.75),
                style(0.5),
                Pt(6.0),
            ))),
            leading: Pt(11.0),
            space_before: Pt(6.0),
            space_after: Pt(6.0),
            keep_with_next: false,
            heading: false,
            grid: None,
            style: 2,
            space_between: None,
        }
    }

    /// The table cells placed in a slot: (row, column, repeated).
    fn cells_in(f: &Filled) -> Vec<(usize, usize, bool)> {
        f.placed
            .iter()
            .filter_map(|p| match p {
                Placed::Cell {
                    row,
                    column,
                    repeated,
                    ..
                } => Some((*row, *column, *repeated)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn table_columns_fit_the_frame_in_order() {
        let fonts = fonts();
        let mut shaper = Shaper::new(&fonts, Language::French);
        let block = table(&mut shaper, &fonts, 3);
        let Content::Table(t) = &block.content else {
            unreachable!()
        };
        for width in [90.0, 120.0, 135.0, 160.0, 240.0, 400.0] {
            let set = t.set(Pt(width));
            let total = set.width();
            assert!(
                (total.0 - width).abs() < 0.01,
                "at {width} pt the table is {total:?} wide"
            );
            let mut right = Pt(-1.0);
            for &(x, w) in &set.columns {
                assert!(
                    x > right && w.0 > 0.0,
                    "columns overlap at {width} pt: {:?}",
                    set.columns
                );
                right = x + w;
            }
            for row in &set.rows {
                for (lines, &(_, w)) in row.cells.iter().zip(&set.columns) {
                    for line in lines {
                        let end = line
                            .runs
                            .iter()
                            .map(|r| r.x + r.width)
                            .fold(Pt::ZERO, Pt::max);
                        assert!(
                            line.overfull || end.0 <= w.0 + 0.01,
                            "a line ends at {end:?} in a column {w:?} wide at {width} pt"
                        );
                    }
                }
            }
        }
        // Wide enough for every cell on one line: one line per row.
        let wide = t.set(Pt(400.0));
        assert!(wide
            .rows
            .iter()
            .all(|r| r.cells.iter().all(|c| c.len() == 1)));
        assert!((wide.rows[0].height.0 - 11.75).abs() < 1e-3);
        // Narrow: the long cells break; no line sticks out until the words do not fit.
        let narrow = t.set(Pt(135.0));

        assert!(narrow
            .rows
            .iter()
            .any(|r| r.cells.iter().any(|c| c.len() > 1)));
        assert!(narrow
            .rows
            .iter()
            .all(|r| r.cells.iter().flatten().all(|l| !l.overfull)));
        // Too narrow for its words: they stick out, and no cell gets an empty line.
        let squeezed = t.set(Pt(40.0));
        assert!(squeezed
            .rows
            .iter()
            .any(|r| r.cells.iter().flatten().any(|l| l.overfull)));
        assert!(squeezed.rows.iter().all(|r| r
            .cells
            .iter()
            .flatten()
            .all(|l| l.runs.iter().any(|r| !r.glyphs.is_empty()))));
    }

    #[test]
    fn a_table_splits_between_rows_with_its_header_repeated() {
        let fonts = fonts();
        let mut shaper = Shaper::new(&fonts, Language::French);
        let blocks = vec![
            para(&mut shaper, &fonts, 1, false),
            table(&mut shaper, &fonts, 14),
            para(&mut shaper, &fonts, 1, false),
        ];
        for height in [9.0, 10.0, 12.0, 15.0] {
            let poured = pour_into(&blocks, &slots(20, height), false);
            assert_eq!(poured.end.block, blocks.len(), "overset at {height} lines");
            let mut body = Vec::new();
            for (k, f) in poured.filled.iter().enumerate() {
                let cells = cells_in(f);
                if cells.is_empty() {
                    continue;
                }
                let rows: Vec<usize> = cells.iter().map(|c| c.0).collect();
                assert_eq!(rows[0], 0, "slot {k} does not start with the header");
                assert!(
                    rows.iter().any(|&r| r > 0),
                    "the header stands alone in slot {k} at {height} lines"
                );
                let repeated = cells.iter().filter(|c| c.0 == 0).all(|c| c.2);
                assert_eq!(repeated, !body.is_empty(), "slot {k}: repeated header flag");
                for &(row, column, _) in &cells {
                    if row > 0 && column == 0 && !body.contains(&row) {
                        body.push(row);
                    }
                }
                // Every cell of a row is in the slot that holds the row.
                for &row in rows.iter().filter(|&&r| r > 0) {
                    for column in 0..3 {
                        assert!(cells.iter().any(|c| c.0 == row && c.1 == column));
                    }
                }
                // Lines stay within the slot.
                for p in &f.placed {
                    if let Placed::Cell { baseline, .. } = p {
                        assert!(baseline.0 <= f.slot.area.bottom().0, "slot {k} overflows");
                    }
                }
            }
            assert_eq!(
                body,
                (1..=14).collect::<Vec<_>>(),
                "rows in order, each once"
            );
            let slots_with_table = poured
                .filled
                .iter()
                .filter(|f| !cells_in(f).is_empty())
                .count();
            assert!(
                slots_with_table > 1,
                "the table should split at {height} lines"
            );
        }
    }

    #[test]
    fn a_table_whose_rows_no_frame_holds_is_overset() {
        let fonts = fonts();
        let mut shaper = Shaper::new(&fonts, Language::French);
        let blocks = vec![table(&mut shaper, &fonts, 3)];
        // Room for the header but not for the header and a row.
        let poured = pour_into(&blocks, &slots(6, 1.5), false);
        assert_eq!(poured.end.block, 0);
        assert!(poured.filled.iter().all(|f| f.placed.is_empty()));
    }
}
