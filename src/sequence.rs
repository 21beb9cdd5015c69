//! The page sequence: which master makes each page of an issue of a given
//! length (by position — first, between, last, a one-page issue — and by
//! side), and the slots a chain offers on those pages: on each page, in the
//! chain's order, the chain's frames that belong to that page's master.

use crate::flow::Slot;
use crate::model::layout::{FrameSpec, Item, Layout};
use crate::units::{Mm, Pt, Rect};

/// A chain's frames, resolved on their masters.
pub struct ChainFrames<'l> {
    /// Each frame, as `(master, frame)`, in the chain's order.
    pub frames: Vec<(&'l str, &'l FrameSpec)>,
}

impl<'l> ChainFrames<'l> {
    /// The frames of chain `name` (the layout's check has made sure they exist;
    /// one that does not is left out).
    pub fn of(layout: &'l Layout, name: &str) -> ChainFrames<'l> {
        let frames = layout
            .chains
            .get(name)
            .map(|c| c.frames.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|r| {
                let (master, frame) = r.split_once('/')?;
                let (mname, m) = layout.masters.get_key_value(master)?;
                let spec = m.items.iter().find_map(|it| match it {
                    Item::Frame(f) if f.name == frame => Some(f),
                    _ => None,
                })?;
                Some((mname.as_str(), spec))
            })
            .collect();
        ChainFrames { frames }
    }

    /// The slots of the chain on pages made from `masters`, in pouring order.
    pub fn slots(&self, masters: &[&str]) -> Vec<Slot> {
        let mut out = Vec::new();
        for (page, master) in masters.iter().enumerate() {
            for (frame, (m, spec)) in self.frames.iter().enumerate() {
                if m == master {
                    out.push(Slot {
                        page,
                        frame,
                        area: text_area(spec),
                    });
                }
            }
        }
        out
    }

    /// Whether the chain has frames on the pages between the first and the
    /// last, so that a longer issue gives it more room.
    pub fn repeats(&self, layout: &Layout) -> bool {
        let between = [layout.pages.next.on(true), layout.pages.next.on(false)];
        self.frames.iter().any(|(m, _)| between.contains(m))
    }

    /// The width of the chain's last frame (where text that did not fit would go).
    pub fn last_width(&self) -> Pt {
        self.frames
            .last()
            .map_or(Pt::ZERO, |(_, spec)| text_area(spec).w)
    }
}

/// The masters of the pages of an issue of `count` pages.
pub fn masters(layout: &Layout, count: usize) -> Vec<&str> {
    (0..count)
        .map(|page| layout.pages.master(page, count))
        .collect()
}

/// Where text goes in a frame: inside its insets, below its label.
pub fn text_area(spec: &FrameSpec) -> Rect {
    let [t, r, b, l] = spec.inset_mm.map(Pt::from);
    let label = spec.label.as_ref().map_or(Pt::ZERO, |l| l.h_mm.into());
    mm_rect(spec.x_mm, spec.y_mm, spec.w_mm, spec.h_mm).inset(t + label, r, b, l)
}

/// A rectangle from millimetre coordinates.
pub fn mm_rect(x: Mm, y: Mm, w: Mm, h: Mm) -> Rect {
    Rect {
        x: x.into(),
        y: y.into(),
        w: w.into(),
        h: h.into(),
    }
}
