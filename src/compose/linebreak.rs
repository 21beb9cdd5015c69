//! Knuth–Plass: the whole paragraph is broken at once, choosing the breaks
//! that minimise the total demerits of its lines (Knuth & Plass, « Breaking
//! paragraphs into lines », 1981), as TeX does.

/// A cost that forbids a break (TeX's 10000).
pub const INFINITE_PENALTY: f32 = 10_000.0;
/// Stretch that absorbs any space: the last line's fill.
pub const FILL: f32 = 100_000.0;
/// Badness of a line that cannot be stretched enough (TeX's 10000).
const INFINITE_BADNESS: f32 = 10_000.0;

/// An element of a paragraph, as the line breaker sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Ink that cannot break: a word or the part of a word between hyphenation points.
    Box {
        /// Natural width.
        width: f32,
        /// How much it may grow at ratio 1 (letter-spacing).
        stretch: f32,
        /// How much it may shrink at ratio -1.
        shrink: f32,
    },
    /// Space that stretches and shrinks; a line may end at it if a box precedes it.
    Glue {
        /// Natural width.
        width: f32,
        /// How much it may grow at ratio 1.
        stretch: f32,
        /// How much it may shrink at ratio -1.
        shrink: f32,
    },
    /// A possible break with a cost; `width` is added to the line if it breaks here (the hyphen).
    Penalty {
        /// Width added at a break here.
        width: f32,
        /// Cost of breaking here; ≥ INFINITE_PENALTY forbids, ≤ -INFINITE_PENALTY forces.
        cost: f32,
        /// A hyphen break: two in a row cost extra.
        flagged: bool,
    },
}

/// How lines are judged: TeX's parameters, in its units.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Largest badness accepted.
    pub tolerance: f32,
    /// Added to each line's badness before squaring: favours fewer lines.
    pub line_penalty: f32,
    /// Extra demerits for two hyphenated lines in a row.
    pub double_hyphen_demerits: f32,
    /// Extra demerits for a hyphenated penultimate line.
    pub final_hyphen_demerits: f32,
    /// Extra demerits when adjacent lines differ by more than one fitness class.
    pub adj_demerits: f32,
    /// Stretch added to every line (TeX's emergency stretch; ragged-right lines use it too).
    pub line_stretch: f32,
    /// Most hyphenated lines in a row (a longer ladder is refused).
    pub max_hyphen_run: u8,
    /// A line (counted from 0) that must not end inside a word: the last line
    /// of a column, so that no word is split across a column or page break.
    pub unhyphenated_line: Option<u32>,
    /// Set to make a bad paragraph rather than fail: lines may overflow.
    pub rescue: bool,
    /// Glue ratio past which a justified line is set flush left (its spaces
    /// at their widest): such a line is judged as that ratio plus
    /// [`QUAD_LEFT_BADNESS`] and [`QUAD_LEFT_BADNESS_PER_EM`] for each em it
    /// falls short, when that is less than its badness (infinite: never).
    pub quad_ratio: f32,
    /// The paragraph's em, in points, to measure how short a line falls.
    pub em: f32,
    /// Breaks that cost more are not considered (the first pass leaves the
    /// last resorts — an address cut at its own hyphen, a word broken by
    /// force — to the passes after it).
    pub max_cost: f32,
}

/// Badness added to a line set flush left for want of a justifiable break:
/// the loose pass takes it where the only other way is a worse break (an
/// address cut at its own hyphen), the first pass never.
pub const QUAD_LEFT_BADNESS: f32 = 1000.0;
/// Badness added for each em a line set flush left falls short of the
/// measure: one short by more than some 2.4 em is refused by the loose pass.
pub const QUAD_LEFT_BADNESS_PER_EM: f32 = 350.0;

/// A break chosen by the breaker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Index of the item the line ends at.
    pub at: usize,
    /// The line's adjustment ratio (how much its glue stretched, -1…∞).
    pub ratio: f32,
}

#[derive(Clone, Copy)]
struct Node {
    at: usize,
    line_start: usize,
    fitness: u8,
    flagged: bool,
    hyphen_run: u8,
    /// Lines before this break.
    line: u32,
    demerits: f32,
    ratio: f32,
    prev: Option<usize>,
}

/// What a stretch of items can do: its natural width and how it may grow or shrink.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// Natural width.
    pub width: f32,
    /// Stretch of its glue at ratio 1.
    pub stretch: f32,
    /// Shrink of its glue at ratio -1.
    pub shrink: f32,
    /// Stretch of its boxes (letter-spacing), used before the glue's.
    pub box_stretch: f32,
    /// Shrink of its boxes, used before the glue's.
    pub box_shrink: f32,
}

impl Totals {
    /// Adds an item.
    pub fn add(&mut self, item: &Item) {
        match *item {
            Item::Box {
                width,
                stretch,
                shrink,
            } => {
                self.width += width;
                self.box_stretch += stretch;
                self.box_shrink += shrink;
            }
            Item::Glue {
                width,
                stretch,
                shrink,
            } => {
                self.width += width;
                self.stretch += stretch;
                self.shrink += shrink;
            }
            Item::Penalty { .. } => {}
        }
    }

    /// The totals of the items between `self` (a running total) and `later`.
    fn since(&self, later: &Totals) -> Totals {
        Totals {
            width: later.width - self.width,
            stretch: later.stretch - self.stretch,
            shrink: later.shrink - self.shrink,
            box_stretch: later.box_stretch - self.box_stretch,
            box_shrink: later.box_shrink - self.box_shrink,
        }
    }

    /// How a line of these items is set to `width`: the boxes take up to their
    /// stretch or shrink first (letters hardly show it), then the glue takes
    /// the rest. Returns the amount the boxes take and the glue's ratio
    /// (infinite when the glue cannot reach the width).
    pub fn fit(&self, natural: f32, width: f32, extra_stretch: f32) -> (f32, f32) {
        let need = width - natural;
        if need >= 0.0 {
            let boxes = need.min(self.box_stretch);
            let rest = need - boxes;
            let stretch = self.stretch + extra_stretch;
            let ratio = if rest <= 0.0 {
                0.0
            } else if stretch > 0.0 {
                rest / stretch
            } else {
                f32::INFINITY
            };
            (boxes, ratio)
        } else {
            let boxes = need.max(-self.box_shrink);
            let rest = need - boxes;
            let ratio = if rest >= 0.0 {
                0.0
            } else if self.shrink > 0.0 {
                rest / self.shrink
            } else {
                f32::NEG_INFINITY
            };
            (boxes, ratio)
        }
    }
}

/// Where the line after a break at `at` starts: discardable items are dropped.
fn line_start(items: &[Item], at: usize) -> usize {
    let mut i = at + 1;
    while i < items.len() {
        match items[i] {
            Item::Box { .. } => break,
            Item::Penalty { cost, .. } if cost <= -INFINITE_PENALTY => break,
            _ => i += 1,
        }
    }
    i
}

/// Does a break at item `i` cut a word (a hyphen, a compound's hyphen, a URL)?
pub fn splits_word(items: &[Item], i: usize) -> bool {
    matches!(items[i], Item::Penalty { .. }) && matches!(items.get(i + 1), Some(Item::Box { .. }))
}

/// The fitness class of a ratio: tight, decent, loose, very loose.
fn fitness(ratio: f32) -> u8 {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// How far the first and last glyphs of a line may hang into the margins
/// (optical margin alignment): `left[i]` if a line starts at item `i`,
/// `right[i]` if it ends at item `i`. Empty slices mean no hanging.
#[derive(Debug, Clone, Copy, Default)]
pub struct Margins<'a> {
    /// Hang into the left margin, by the item a line starts at.
    pub left: &'a [f32],
    /// Hang into the right margin, by the item a line ends at.
    pub right: &'a [f32],
}

impl Margins<'_> {
    /// The extra width a line from `start` to `end` gains by hanging.
    pub fn gain(&self, start: usize, end: usize) -> f32 {
        self.left.get(start).copied().unwrap_or(0.0) + self.right.get(end).copied().unwrap_or(0.0)
    }
}

/// The most break candidates kept alive at once: far more than any real
/// paragraph needs (a few dozen), a bound on the work of a pathological one.
pub const MAX_ACTIVE: usize = 256;

/// Breaks `items` into lines of width `width`; `None` if no set of breaks meets
/// the tolerance (never with `params.rescue`). The last item must be a forced break.
pub fn break_lines(
    items: &[Item],
    margins: Margins,
    width: f32,
    params: &Params,
) -> Option<Vec<Break>> {
    let mut sums = Vec::with_capacity(items.len() + 1);
    let mut running = Totals::default();
    sums.push(running);
    for item in items {
        running.add(item);
        sums.push(running);
    }
    let mut nodes: Vec<Node> = vec![Node {
        at: 0,
        line_start: 0,
        fitness: 1,
        flagged: false,
        hyphen_run: 0,
        line: 0,
        demerits: 0.0,
        ratio: 0.0,
        prev: None,
    }];
    let mut active: Vec<usize> = vec![0];
    let last = items.len().checked_sub(1)?;
    // Best candidate per fitness class and key: (class, key, demerits, node,
    // ratio), for the break being looked at (one buffer for them all).
    let mut best: Vec<(u8, u32, f32, usize, f32)> = Vec::with_capacity(8);

    for (i, item) in items.iter().enumerate() {
        let (cost, flagged, break_width) = match *item {
            Item::Penalty {
                cost,
                flagged,
                width,
            } if cost < INFINITE_PENALTY && cost <= params.max_cost => (cost, flagged, width),
            Item::Glue { .. } if i > 0 && matches!(items[i - 1], Item::Box { .. }) => {
                (0.0, false, 0.0)
            }
            _ => continue,
        };
        let forced = cost <= -INFINITE_PENALTY;
        let splits_word = splits_word(items, i);
        best.clear();
        let run_after = |n: &Node| if flagged { n.hyphen_run + 1 } else { 0 };
        let mut overfull_fallback: Option<(f32, usize, f32)> = None;
        let mut k = 0;
        while k < active.len() {
            let a = active[k];
            let node = nodes[a];
            let start = node.line_start;
            let line = sums[start].since(&sums[i]);
            let natural = line.width + break_width - margins.gain(start, i);
            let (_, ratio) = line.fit(natural, width, params.line_stretch);
            if ratio < -1.0 || forced {
                active.swap_remove(k);
                if ratio < -1.0 {
                    let d = node.demerits + INFINITE_BADNESS * INFINITE_BADNESS;
                    if overfull_fallback.is_none_or(|(bd, _, _)| d < bd) {
                        overfull_fallback = Some((d, a, ratio));
                    }
                    continue;
                }
            } else {
                k += 1;
            }
            let mut badness = if ratio.is_infinite() {
                INFINITE_BADNESS
            } else {
                (100.0 * ratio.abs().powi(3)).min(INFINITE_BADNESS)
            };
            if ratio > params.quad_ratio && ratio.is_finite() {
                let short = (ratio - params.quad_ratio) * (line.stretch + params.line_stretch);
                let quad = 100.0 * params.quad_ratio.powi(3)
                    + QUAD_LEFT_BADNESS
                    + QUAD_LEFT_BADNESS_PER_EM * short / params.em;
                badness = badness.min(quad);
            }
            if badness > params.tolerance && !(forced && params.rescue) {
                continue;
            }
            // Even a rescue pass keeps these: its overfull fallback always ends the paragraph.
            if flagged && node.hyphen_run >= params.max_hyphen_run {
                continue;
            }
            if splits_word && params.unhyphenated_line == Some(node.line) {
                continue;
            }
            let mut d = (params.line_penalty + badness).powi(2);
            if cost > 0.0 {
                d += cost * cost;
            } else if !forced {
                d -= cost * cost;
            }
            if flagged && node.flagged {
                d += params.double_hyphen_demerits;
            }
            if i == last && node.flagged {
                d += params.final_hyphen_demerits;
            }
            let class = fitness(ratio.min(10.0));
            if class.abs_diff(node.fitness) > 1 {
                d += params.adj_demerits;
            }
            let total = node.demerits + d;
            // Nodes that differ in what they allow next are kept apart: the
            // line number where one line is constrained, and the length of the
            // hyphen ladder (a cheaper node at the ladder's limit must not hide
            // one that may still hyphenate).
            let line_key = params
                .unhyphenated_line
                .map_or(0, |l| (node.line + 1).min(l + 2));
            let key = line_key * 4 + u32::from(run_after(&node).min(3));
            match best.iter_mut().find(|b| b.0 == class && b.1 == key) {
                Some(b) if total < b.2 => *b = (class, key, total, a, ratio),
                Some(_) => {}
                None => best.push((class, key, total, a, ratio)),
            }
        }
        let mut added = false;
        for &(class, _, demerits, prev, ratio) in &best {
            {
                let hyphen_run = run_after(&nodes[prev]);
                nodes.push(Node {
                    at: i,
                    line_start: line_start(items, i),
                    fitness: class,
                    flagged,
                    hyphen_run,
                    line: nodes[prev].line + 1,
                    demerits,
                    ratio,
                    prev: Some(prev),
                });
                active.push(nodes.len() - 1);
                added = true;
            }
        }
        if active.len() > 2 * MAX_ACTIVE {
            // A pathological paragraph (a wall of addresses, one line's
            // constraint deep in a long paragraph): keep the best nodes only,
            // so the work stays linear in the paragraph's length.
            active.sort_by(|&a, &b| nodes[a].demerits.total_cmp(&nodes[b].demerits));
            active.truncate(MAX_ACTIVE);
        }
        if active.is_empty() && !added {
            // Nothing fits: only a rescue pass makes an overfull line here.
            let (demerits, prev, ratio) = match overfull_fallback {
                Some(f) if params.rescue => f,
                _ => return None,
            };
            let hyphen_run = run_after(&nodes[prev]);
            nodes.push(Node {
                at: i,
                line_start: line_start(items, i),
                fitness: 1,
                flagged,
                hyphen_run,
                line: nodes[prev].line + 1,
                demerits,
                ratio: ratio.max(-1.0),
                prev: Some(prev),
            });
            active.push(nodes.len() - 1);
        }
    }
    let end = active
        .iter()
        .copied()
        .filter(|&a| nodes[a].at == last)
        .min_by(|&a, &b| nodes[a].demerits.total_cmp(&nodes[b].demerits))?;
    let mut breaks = Vec::new();
    let mut cur = Some(end);
    while let Some(c) = cur {
        if nodes[c].prev.is_some() {
            breaks.push(Break {
                at: nodes[c].at,
                ratio: nodes[c].ratio,
            });
        }
        cur = nodes[c].prev;
    }
    breaks.reverse();
    Some(breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            tolerance: 200.0,
            line_penalty: 10.0,
            double_hyphen_demerits: 10_000.0,
            final_hyphen_demerits: 5_000.0,
            adj_demerits: 10_000.0,
            line_stretch: 0.0,
            max_hyphen_run: 2,
            unhyphenated_line: None,
            rescue: false,
            quad_ratio: f32::INFINITY,
            em: 10.0,
            max_cost: INFINITE_PENALTY,
        }
    }

    /// Words of the given widths separated by spaces of width 1 (stretch 1, shrink 0.5).
    fn words(widths: &[f32]) -> Vec<Item> {
        let mut items = Vec::new();
        for (i, &w) in widths.iter().enumerate() {
            if i > 0 {
                items.push(Item::Glue {
                    width: 1.0,
                    stretch: 1.0,
                    shrink: 0.5,
                });
            }
            items.push(Item::Box {
                width: w,
                stretch: 0.0,
                shrink: 0.0,
            });
        }
        items.push(Item::Glue {
            width: 0.0,
            stretch: FILL,
            shrink: 0.0,
        });
        items.push(Item::Penalty {
            width: 0.0,
            cost: -INFINITE_PENALTY,
            flagged: false,
        });
        items
    }

    #[test]
    fn breaks_into_even_lines() {
        // Six words of 4 in lines of 14: two lines of three words (4+1+4+1+4 = 14).
        let items = words(&[4.0; 6]);
        let breaks = break_lines(&items, Margins::default(), 14.0, &params()).unwrap();
        assert_eq!(breaks.len(), 2);
        assert!(breaks[0].ratio.abs() < 1e-6);
    }

    #[test]
    fn prefers_even_spacing_to_a_greedy_fill() {
        // A greedy breaker fills the first line and leaves the second very loose;
        // Knuth–Plass spreads the looseness.
        let items = words(&[3.0, 3.0, 3.0, 3.0, 9.0, 3.0]);
        let breaks = break_lines(&items, Margins::default(), 16.0, &params()).unwrap();
        let first = breaks[0].ratio;
        assert!(first.abs() <= 1.0, "first line ratio {first}");
    }

    #[test]
    fn impossible_lines_fail_without_rescue_and_overflow_with_it() {
        let items = words(&[30.0, 2.0]);
        assert!(break_lines(&items, Margins::default(), 10.0, &params()).is_none());
        let rescued = break_lines(
            &items,
            Margins::default(),
            10.0,
            &Params {
                rescue: true,
                ..params()
            },
        )
        .unwrap();
        assert_eq!(rescued.last().unwrap().at, items.len() - 1);
    }

    #[test]
    fn hyphen_break_is_used_when_it_helps() {
        // « aaaa bbbb-cccc »: without the hyphen the lines are very uneven.
        let items = vec![
            Item::Box {
                width: 6.0,
                stretch: 0.0,
                shrink: 0.0,
            },
            Item::Glue {
                width: 1.0,
                stretch: 1.0,
                shrink: 0.5,
            },
            Item::Box {
                width: 3.0,
                stretch: 0.0,
                shrink: 0.0,
            },
            Item::Penalty {
                width: 1.0,
                cost: 50.0,
                flagged: true,
            },
            Item::Box {
                width: 6.0,
                stretch: 0.0,
                shrink: 0.0,
            },
            Item::Glue {
                width: 0.0,
                stretch: FILL,
                shrink: 0.0,
            },
            Item::Penalty {
                width: 0.0,
                cost: -INFINITE_PENALTY,
                flagged: false,
            },
        ];
        let breaks = break_lines(&items, Margins::default(), 10.5, &params()).unwrap();
        assert_eq!(breaks[0].at, 3);
    }
}
