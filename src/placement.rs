//! Placement: how many pages the issue takes, and each story poured into its
//! chain's frames on those pages.
//!
//! The page count is the smallest the layout allows at which every story
//! fits. A story that does not fit even then is reported with how much is
//! over; an issue whose text needs fewer pages than the layout requires is
//! told how much room is left. A balanced chain whose story ends before the
//! chain's last page is spread over the remaining pages, so none is empty.

use crate::flow::{self, Filled, LineCache, Placed, Position, Slot};
use crate::model::layout::{Layout, MAX_PAGES};
use crate::report::Finding;
use crate::sequence::{self, ChainFrames};
use crate::story::Story;
use crate::units::Pt;
use std::path::Path;

/// A story to place: its blocks and its chain.
pub struct StoryIn<'l> {
    /// Its index in the issue.
    pub index: usize,
    /// Its name (the chain's).
    pub name: String,
    /// Its composed blocks.
    pub story: Story,
    /// Its chain's frames.
    pub frames: ChainFrames<'l>,
    /// Whether the chain balances its last page.
    pub balance: bool,
}

/// A story placed in its frames.
pub struct PlacedStory<'l> {
    /// Its index in the issue.
    pub index: usize,
    /// The story.
    pub story: Story,
    /// Its chain's frames.
    pub frames: ChainFrames<'l>,
    /// What each slot it used holds, in order.
    pub filled: Vec<Filled>,
    /// Whether all of it fits (an overset story is reported as such).
    pub fits: bool,
    /// Where pouring stopped: the end of the story, or the first line that did not fit.
    pub end: Position,
}

/// The pages of the issue and the stories in them.
pub struct Placement<'l> {
    /// The master of each page.
    pub masters: Vec<&'l str>,
    /// The stories, in the issue's order.
    pub stories: Vec<PlacedStory<'l>>,
    /// What placing found: overset stories, room left, empty chains.
    pub findings: Vec<Finding>,
}

/// Every story poured at one page count.
struct Attempt {
    count: usize,
    poured: Vec<flow::Poured>,
    slots: Vec<Vec<Slot>>,
}

impl Attempt {
    /// The stories (indices into the list) that did not fit.
    fn overset(&self, stories: &[StoryIn]) -> Vec<usize> {
        (0..stories.len())
            .filter(|&i| self.poured[i].end.block < stories[i].story.blocks.len())
            .collect()
    }
}

/// Where the files are, for messages.
pub struct Files<'a> {
    /// The issue file.
    pub issue: &'a Path,
    /// The layout file.
    pub layout: &'a Path,
}

/// Chooses the page count and pours every story.
pub fn place<'l>(layout: &'l Layout, stories: Vec<StoryIn<'l>>, files: &Files) -> Placement<'l> {
    // The lines of the next slot are set in this scope while a slot is poured.
    let (attempt, findings) = rayon::in_place_scope(|scope| {
        let mut caches: Vec<LineCache> = stories
            .iter()
            .map(|s| LineCache::pipelined(&s.story.blocks, scope))
            .collect();
        pour_all(layout, &stories, &mut caches, files)
    });
    let masters = sequence::masters(layout, attempt.count);
    let placed = stories
        .into_iter()
        .zip(attempt.poured)
        .map(|(s, p)| PlacedStory {
            fits: p.end.block >= s.story.blocks.len(),
            end: p.end,
            index: s.index,
            story: s.story,
            frames: s.frames,
            filled: p.filled,
        })
        .collect();
    Placement {
        masters,
        stories: placed,
        findings,
    }
}

/// Pours every story at the fewest pages the layout allows where they fit
/// (or the most, if they fit at none): that attempt, and what was found.
fn pour_all(
    layout: &Layout,
    stories: &[StoryIn],
    caches: &mut [LineCache],
    files: &Files,
) -> (Attempt, Vec<Finding>) {
    let (min, max, _) = layout.pages.bounds();
    let (min, max) = (min.max(1) as usize, max.clamp(1, MAX_PAGES) as usize);
    let pour_at = |caches: &mut [LineCache], count: usize| {
        let masters = sequence::masters(layout, count);
        let slots: Vec<Vec<Slot>> = stories.iter().map(|s| s.frames.slots(&masters)).collect();
        let poured = stories
            .iter()
            .zip(caches.iter_mut())
            .zip(&slots)
            .map(|((s, cache), slots)| flow::pour_story(cache, slots, s.balance))
            .collect();
        Attempt {
            count,
            poured,
            slots,
        }
    };
    let counts: Vec<usize> = (min..=max)
        .filter(|&k| layout.pages.allows(k as u32))
        .collect();
    let first = estimate(layout, stories, caches, max);
    let mut at = counts
        .iter()
        .position(|&k| k >= first)
        .unwrap_or(counts.len().saturating_sub(1));
    let mut n = counts.get(at).copied().unwrap_or(min);
    let mut attempt = pour_at(caches, n);
    loop {
        let overset = attempt.overset(stories);
        // More pages help a story whose chain has frames on the pages
        // between, or an issue of one page (whose masters differ).
        let helps = n < 2 || overset.iter().any(|&i| stories[i].frames.repeats(layout));
        if overset.is_empty() || !helps || at + 1 >= counts.len() {
            break;
        }
        at += 1;
        n = counts[at];
        // One attempt's lines in memory at a time.
        drop(attempt);
        attempt = pour_at(caches, n);
    }
    let mut findings = Vec::new();
    for i in attempt.overset(stories) {
        let s = &stories[i];
        let end = attempt.poured[i].end;
        let lines = flow::lines_left(&mut caches[i], end, s.frames.last_width());
        findings.push(overset(
            layout,
            s,
            (end, &attempt.slots[i]),
            lines,
            n,
            files,
        ));
    }
    if attempt.overset(stories).is_empty() && n == min && n > 1 {
        let fewer = pour_at(caches, n - 1);
        if fewer.overset(stories).is_empty() {
            findings.push(room_left(layout, stories, &attempt, files));
        }
    }
    findings.extend(empty_chains(layout, stories, files));
    (attempt, findings)
}

/// The masters of an issue of `count` pages where every page after the
/// first is a page between (the longest run of pages a story may take).
fn estimate_masters(layout: &Layout, count: usize) -> Vec<&str> {
    (0..count)
        .map(|page| {
            if page == 0 {
                layout.pages.first.on(true)
            } else {
                layout.pages.next.on(page % 2 == 0)
            }
        })
        .collect()
}

/// The length that comes most often (the last of those that tie), if any.
fn most_common(lengths: impl IntoIterator<Item = Pt>) -> Option<Pt> {
    let mut counts: Vec<(Pt, usize)> = Vec::new();
    for length in lengths {
        match counts.iter_mut().find(|(l, _)| *l == length) {
            Some((_, n)) => *n += 1,
            None => counts.push((length, 1)),
        }
    }
    counts.into_iter().max_by_key(|&(_, n)| n).map(|(l, _)| l)
}

/// The fewest pages worth trying: one fewer than the stories that grow with
/// the issue take when every page after the first is a page between.
fn estimate(layout: &Layout, stories: &[StoryIn], caches: &mut [LineCache], max: usize) -> usize {
    let masters = estimate_masters(layout, max);
    stories
        .iter()
        .zip(caches.iter_mut())
        .filter(|(s, _)| s.frames.repeats(layout))
        .map(|(s, cache)| {
            let slots = s.frames.slots(&masters);
            let poured = flow::pour_story(cache, &slots, false);
            let pages = poured
                .filled
                .iter()
                .filter(|f| !f.placed.is_empty())
                .map(|f| f.slot.page + 1)
                .max()
                .unwrap_or(1);
            pages.saturating_sub(1)
        })
        .max()
        .unwrap_or(1)
        .max(1)
}

/// The error for a story that did not fit: which, how much, from where.
fn overset(
    layout: &Layout,
    s: &StoryIn,
    (end, slots): (Position, &[Slot]),
    lines: usize,
    pages: usize,
    files: &Files,
) -> Finding {
    let left = &s.story.info[end.block.min(s.story.info.len().saturating_sub(1))..];
    let words: usize = left.iter().map(|b| b.text.split_whitespace().count()).sum();
    let start: String = left
        .first()
        .map(|b| {
            b.text
                .split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(80)
                .collect::<String>()
        })
        .unwrap_or_default();
    let line = left.first().map_or(0, |b| b.line);
    let (_, max, _) = layout.pages.bounds();
    let room = if s.frames.repeats(layout) {
        if max >= MAX_PAGES {
            format!("it needs more than the {MAX_PAGES} pages maquette makes at most")
        } else {
            format!(
                "it needs more than the {pages} pages the layout allows (`pages.count` in {})",
                files.layout.display()
            )
        }
    } else {
        let mut used: Vec<String> = slots
            .iter()
            .map(|slot| {
                let (master, spec) = s.frames.frames[slot.frame];
                format!("{master}/{}", spec.name)
            })
            .collect();
        used.dedup();
        match used.is_empty() {
            true => format!("its chain has no frame on an issue of {pages} page(s)"),
            false => format!("its frames ({}) are full", used.join(", ")),
        }
    };
    Finding::error(format!(
        "{}: story `{}` did not fit: {room}; about {lines} lines ({words} words) are over, from « {start}… » \
         (Markdown line {line}); shorten the story by that much, or give its chain more room in the layout",
        files.issue.display(),
        s.name,
    ))
}

/// The warning for an issue whose text would fit in fewer pages than the layout requires.
fn room_left(layout: &Layout, stories: &[StoryIn], attempt: &Attempt, files: &Files) -> Finding {
    let mut parts = Vec::new();
    for (i, s) in stories.iter().enumerate() {
        if !s.frames.repeats(layout) {
            continue;
        }
        let used: Vec<&Filled> = attempt.poured[i].filled.iter().collect();
        let free: Pt = attempt.slots[i]
            .iter()
            .enumerate()
            .map(|(k, slot)| match used.get(k) {
                Some(f) if !f.placed.is_empty() => slot.area.bottom() - f.bottom,
                _ => slot.area.h,
            })
            .fold(Pt::ZERO, |a, b| a + b.max(Pt::ZERO));
        let leading = body_leading(&s.story).0.max(1.0);
        parts.push(format!(
            "about {:.0} lines in chain `{}`",
            free.0 / leading,
            s.name
        ));
    }
    Finding::warning(format!(
        "{}: the text would fit in fewer than the {} pages the layout requires; room is left: {} \
         (the text is spread over the pages); add text, or let the layout allow fewer pages",
        files.issue.display(),
        attempt.count,
        parts.join(", ")
    ))
}

/// The leading most of a story's lines have.
fn body_leading(story: &Story) -> Pt {
    most_common(story.blocks.iter().map(|b| b.leading)).unwrap_or(Pt(12.0))
}

/// Warnings for the chains that no story of the issue fills.
fn empty_chains(layout: &Layout, stories: &[StoryIn], files: &Files) -> Vec<Finding> {
    layout
        .chains
        .keys()
        .filter(|c| !stories.iter().any(|s| &s.name == *c))
        .map(|c| {
            Finding::warning(format!(
                "{}: no story of the issue is named `{c}`, so the frames of chain `{c}` stay empty and are not drawn",
                files.issue.display()
            ))
        })
        .collect()
}

/// Whether a page holds any text or image of a story.
pub fn page_has_text(stories: &[PlacedStory], page: usize) -> bool {
    stories.iter().any(|s| {
        s.filled.iter().any(|f| {
            f.slot.page == page
                && f.placed.iter().any(|p| {
                    matches!(
                        p,
                        Placed::Line { .. } | Placed::Image { .. } | Placed::Cell { .. }
                    )
                })
        })
    })
}
