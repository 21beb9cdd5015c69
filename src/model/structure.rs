//! The layout's structure checked when it is read: the page sequence, the
//! masters and their frames, the chains that thread them. Every fault names
//! both places concerned and what to change; overlapping frames of different
//! chains are only a warning (a designer may mean it).

use super::layout::{Item, Layout, PageCount, MAX_PAGES};
use crate::error::Problem;
use crate::units::Mm;
use std::collections::BTreeMap;

/// Overlap, in millimetres each way, below which two frames only touch.
const OVERLAP_MM: f32 = 0.5;

/// A frame found on a master: where it is declared and its rectangle.
struct FrameAt {
    item: usize,
    rect: [f32; 4],
}

/// Checks the layout's structure; returns its warnings, or the first fault.
pub fn check(layout: &Layout) -> Result<Vec<Problem>, Problem> {
    check_sequence(layout)?;
    let frames = frames_by_master(layout)?;
    check_masters_used(layout)?;
    let owners = check_chains(layout, &frames)?;
    Ok(overlaps(&frames, &owners))
}

/// The problem of a name that is not one of the layout's masters.
fn no_master(layout: &Layout, name: &str) -> Problem {
    Problem::new(format!("no master named `{name}`")).hint(crate::error::suggest(
        name,
        layout.masters.keys().map(String::as_str),
        format!(
            "name one of the masters defined under `masters`: {}",
            list(layout.masters.keys())
        ),
    ))
}

/// The masters named by `pages` exist, and its page count makes sense.
fn check_sequence(layout: &Layout) -> Result<(), Problem> {
    for (at, name) in layout.pages.names() {
        if !layout.masters.contains_key(name) {
            return Err(no_master(layout, name).at(at));
        }
    }
    let (min, max, step) = layout.pages.bounds();
    let at = match &layout.pages.count {
        Some(PageCount::Exact(_)) => "pages.count",
        _ => "pages.count.min",
    };
    if min == 0 {
        return Err(Problem::new("an issue has at least one page")
            .at(at)
            .hint("give a page count of 1 or more"));
    }
    if max > MAX_PAGES {
        return Err(Problem::new(format!(
            "{max} pages is more than the {MAX_PAGES} maquette sets at most"
        ))
        .at("pages.count")
        .hint(format!("allow at most {MAX_PAGES} pages")));
    }
    if max < min {
        return Err(Problem::new(format!(
            "the most pages ({max}) is fewer than the fewest ({min})"
        ))
        .at("pages.count.max")
        .hint("make `max` at least `min`"));
    }
    if step == 0 || !(min..=max).any(|n| n % step == 0) {
        return Err(Problem::new(format!(
            "no page count from {min} to {max} is a multiple of {step}"
        ))
        .at("pages.count.multiple_of")
        .hint("widen the range or change `multiple_of` (4 for a saddle-stitched booklet)"));
    }
    Ok(())
}

/// The text frames of each master by name; two of one name on a master are a fault.
fn frames_by_master(layout: &Layout) -> Result<BTreeMap<&str, BTreeMap<&str, FrameAt>>, Problem> {
    let mut out = BTreeMap::new();
    for (mname, master) in &layout.masters {
        let mut frames: BTreeMap<&str, FrameAt> = BTreeMap::new();
        for (i, item) in master.items.iter().enumerate() {
            let Item::Frame(f) = item else { continue };
            if let Some(first) = frames.get(f.name.as_str()) {
                return Err(Problem::new(format!(
                    "master `{mname}` has two frames named `{}`: items[{}] and items[{i}]",
                    f.name, first.item
                ))
                .at(format!("masters.{mname}.items[{i}].name"))
                .hint("give each frame of a master its own name (chains name frames as `master/frame`)"));
            }
            let Mm(x) = f.x_mm;
            let Mm(y) = f.y_mm;
            frames.insert(
                f.name.as_str(),
                FrameAt {
                    item: i,
                    rect: [x, y, x + f.w_mm.0, y + f.h_mm.0],
                },
            );
        }
        out.insert(mname.as_str(), frames);
    }
    Ok(out)
}

/// Every master is used by some page of the sequence.
fn check_masters_used(layout: &Layout) -> Result<(), Problem> {
    let named: Vec<&str> = layout.pages.names().into_iter().map(|(_, n)| n).collect();
    for name in layout.masters.keys() {
        if !named.contains(&name.as_str()) {
            return Err(Problem::new(format!("no page can use master `{name}`"))
                .at(format!("masters.{name}"))
                .hint(format!(
                    "name it in `pages` (first, next, last or only; {}), or remove it",
                    describe(layout)
                )));
        }
    }
    Ok(())
}

/// What `pages` names today, for hints.
fn describe(layout: &Layout) -> String {
    layout
        .pages
        .names()
        .into_iter()
        .map(|(at, n)| format!("{} is `{n}`", at.trim_start_matches("pages.")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every chain names frames that exist, each frame in one chain only, once.
/// Returns the chain owning each frame (`master/frame`).
fn check_chains<'l>(
    layout: &'l Layout,
    frames: &BTreeMap<&str, BTreeMap<&str, FrameAt>>,
) -> Result<BTreeMap<&'l str, (&'l str, String)>, Problem> {
    let mut owners: BTreeMap<&str, (&str, String)> = BTreeMap::new();
    for (cname, chain) in &layout.chains {
        if chain.frames.is_empty() {
            return Err(Problem::new(format!("chain `{cname}` has no frames"))
                .at(format!("chains.{cname}.frames"))
                .hint("list the frames it threads, as `master/frame`"));
        }
        for (i, r) in chain.frames.iter().enumerate() {
            let at = format!("chains.{cname}.frames[{i}]");
            let (master, frame) = r.split_once('/').ok_or_else(|| {
                Problem::new(format!("`{r}` is not of the form `master/frame`"))
                    .at(&at)
                    .hint("write the master's name, a slash, and the frame's name")
            })?;
            let on_master = frames
                .get(master)
                .ok_or_else(|| no_master(layout, master).at(&at))?;
            if !on_master.contains_key(frame) {
                return Err(Problem::new(format!(
                    "master `{master}` has no frame named `{frame}`"
                ))
                .at(&at)
                .hint(crate::error::suggest(
                    frame,
                    on_master.keys().copied(),
                    format!(
                        "add the frame to the master or use one of its frames: {}",
                        list(on_master.keys())
                    ),
                )));
            }
            if let Some((other, other_at)) = owners.get(r.as_str()) {
                let what = if *other == cname.as_str() {
                    format!(
                        "frame `{r}` is named twice in chain `{cname}`, at `{other_at}` and here"
                    )
                } else {
                    format!("frame `{r}` is in chain `{other}` (at `{other_at}`) and in chain `{cname}`")
                };
                return Err(Problem::new(what).at(&at).hint(
                    "a frame takes the text of one story once: remove it here, or add another frame to the master",
                ));
            }
            owners.insert(r.as_str(), (cname.as_str(), at));
        }
    }
    Ok(owners)
}

/// Frames of different chains that overlap on one master: warnings.
fn overlaps(
    frames: &BTreeMap<&str, BTreeMap<&str, FrameAt>>,
    owners: &BTreeMap<&str, (&str, String)>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for (master, on_master) in frames {
        let chained: Vec<(&str, &FrameAt, &str)> = on_master
            .iter()
            .filter_map(|(name, f)| {
                let (chain, _) = owners.get(format!("{master}/{name}").as_str())?;
                Some((*name, f, *chain))
            })
            .collect();
        for (i, (a, fa, ca)) in chained.iter().enumerate() {
            for (b, fb, cb) in &chained[i + 1..] {
                let dx = fa.rect[2].min(fb.rect[2]) - fa.rect[0].max(fb.rect[0]);
                let dy = fa.rect[3].min(fb.rect[3]) - fa.rect[1].max(fb.rect[1]);
                if ca != cb && dx > OVERLAP_MM && dy > OVERLAP_MM {
                    out.push(
                        Problem::new(format!(
                            "on master `{master}`, frame `{a}` (chain `{ca}`) and frame `{b}` (chain `{cb}`) \
                             overlap by {dx:.1} × {dy:.1} mm: their texts may print over each other"
                        ))
                        .at(format!("masters.{master}.items[{}]", fb.item))
                        .hint("move or resize one of them"),
                    );
                }
            }
        }
    }
    out
}

/// Names, comma-separated, for hints.
fn list<S: AsRef<str>>(names: impl Iterator<Item = S>) -> String {
    names
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
