//! Every number of the layout checked against the range that makes sense for
//! it, when the layout is read: a value outside is an error that names the
//! field, the range and its unit, never a PDF with text lost or a hang.

use super::layout::{FrameSpec, Item, Layout, ParagraphStyle, StrokeSpec};
use crate::error::Problem;

/// Page sizes, in millimetres: from a business card to a large poster.
pub const PAGE_MM: (f32, f32) = (20.0, 2000.0);
/// Bleed, in millimetres.
pub const BLEED_MM: (f32, f32) = (0.0, 20.0);
/// Type sizes, in points.
pub const SIZE_PT: (f32, f32) = (1.0, 400.0);
/// Leading and the baseline grid's pitch, in points.
pub const LEADING_PT: (f32, f32) = (1.0, 500.0);
/// Vertical spaces and indents, in points.
pub const SPACE_PT: (f32, f32) = (0.0, 1000.0);
/// Indents, in points (a list's label hangs in it).
pub const INDENT_PT: (f32, f32) = (0.0, 200.0);
/// Letter-spacing allowed to justification, in percent.
pub const LETTER_SPACING_PCT: (f32, f32) = (0.0, 10.0);
/// Range of the widest word space a justified line may take, in em.
pub const MAX_SPACE_EM: (f32, f32) = (0.1, 10.0);
/// Tracking, in em.
pub const TRACKING_EM: (f32, f32) = (-0.1, 1.0);
/// Space between table columns, in points.
pub const COLUMN_GAP_PT: (f32, f32) = (0.0, 100.0);
/// Line widths, in points.
pub const STROKE_PT: (f32, f32) = (0.05, 20.0);
/// The smallest frame or text, in millimetres each way.
pub const MIN_FRAME_MM: f32 = 1.0;

/// Checks that `value` is a number in `range`.
fn within(
    value: f32,
    (lo, hi): (f32, f32),
    unit: &str,
    at: impl Into<String>,
) -> Result<(), Problem> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        return Ok(());
    }
    Err(Problem::new(format!("{value} {unit} is out of range"))
        .at(at)
        .hint(format!("give a value from {lo} to {hi} {unit}")))
}

/// Checks every number of the layout.
pub fn check(layout: &Layout) -> Result<(), Problem> {
    let page = &layout.page;
    within(page.width_mm.0, PAGE_MM, "mm", "page.width_mm")?;
    within(page.height_mm.0, PAGE_MM, "mm", "page.height_mm")?;
    within(page.bleed_mm.0, BLEED_MM, "mm", "page.bleed_mm")?;
    if let Some(grid) = layout.baseline_grid_pt {
        within(grid.0, LEADING_PT, "pt", "baseline_grid_pt")?;
    }
    for (name, style) in &layout.paragraph_styles {
        check_style(style, &format!("paragraph_styles.{name}"))?;
    }
    let area = Area {
        w: page.width_mm.0,
        h: page.height_mm.0,
        bleed: page.bleed_mm.0,
    };
    for (mname, master) in &layout.masters {
        for (i, item) in master.items.iter().enumerate() {
            check_item(item, &area, &format!("masters.{mname}.items[{i}]"))?;
        }
    }
    Ok(())
}

/// The numbers of a paragraph style.
fn check_style(s: &ParagraphStyle, at: &str) -> Result<(), Problem> {
    within(s.size_pt.0, SIZE_PT, "pt", format!("{at}.size_pt"))?;
    within(s.leading_pt.0, LEADING_PT, "pt", format!("{at}.leading_pt"))?;
    within(
        s.space_before_pt.0,
        SPACE_PT,
        "pt",
        format!("{at}.space_before_pt"),
    )?;
    within(
        s.space_after_pt.0,
        SPACE_PT,
        "pt",
        format!("{at}.space_after_pt"),
    )?;
    if let Some(b) = s.space_between_pt {
        within(b.0, SPACE_PT, "pt", format!("{at}.space_between_pt"))?;
    }
    within(s.indent_pt.0, INDENT_PT, "pt", format!("{at}.indent_pt"))?;
    within(
        s.letter_spacing_pct,
        LETTER_SPACING_PCT,
        "%",
        format!("{at}.letter_spacing_pct"),
    )?;
    within(
        s.max_space_em,
        MAX_SPACE_EM,
        "em",
        format!("{at}.max_space_em"),
    )?;
    within(
        s.tracking_em,
        TRACKING_EM,
        "em",
        format!("{at}.tracking_em"),
    )?;
    if let Some(gap) = s.column_gap_pt {
        within(gap.0, COLUMN_GAP_PT, "pt", format!("{at}.column_gap_pt"))?;
    }
    if let Some(rule) = &s.rule_below {
        within(
            rule.width_pt.0,
            STROKE_PT,
            "pt",
            format!("{at}.rule_below.width_pt"),
        )?;
    }
    Ok(())
}

/// The page's size and bleed, in millimetres.
struct Area {
    w: f32,
    h: f32,
    bleed: f32,
}

impl Area {
    /// The page without its bleed: where text may go.
    fn trimmed(&self) -> Area {
        Area {
            w: self.w,
            h: self.h,
            bleed: 0.0,
        }
    }

    /// Checks that a rectangle lies on the page (its bleed included) and is not empty.
    fn holds(&self, [x, y, w, h]: [f32; 4], min: f32, at: &str) -> Result<(), Problem> {
        for (v, f) in [(x, "x_mm"), (y, "y_mm"), (w, "w_mm"), (h, "h_mm")] {
            if !v.is_finite() {
                return Err(Problem::new(format!("{v} is not a length"))
                    .at(format!("{at}.{f}"))
                    .hint("give a length in millimetres"));
            }
        }
        if w < min || h < min {
            return Err(Problem::new(format!("a {w} × {h} mm item is too small"))
                .at(at.to_string())
                .hint(format!("give it a width and height of at least {min} mm")));
        }
        let b = self.bleed;
        if x < -b || y < -b || x + w > self.w + b + 0.01 || y + h > self.h + b + 0.01 {
            let bleed = if b > 0.0 {
                format!(" and its {b} mm bleed")
            } else {
                " (text stays inside the trimmed page)".to_string()
            };
            return Err(Problem::new(format!(
                "the item ({x}, {y}, {w} × {h} mm) lies off the {} × {} mm page{bleed}",
                self.w, self.h
            ))
            .at(at.to_string())
            .hint("move or resize it to lie on the page (positions are from the page's top-left corner)"));
        }
        Ok(())
    }
}

/// The numbers of an item of a master.
fn check_item(item: &Item, area: &Area, at: &str) -> Result<(), Problem> {
    match item {
        Item::Frame(f) => check_frame(f, area, at),
        Item::Box(b) => {
            area.holds([b.x_mm.0, b.y_mm.0, b.w_mm.0, b.h_mm.0], 0.01, at)?;
            check_stroke(b.stroke.as_ref(), at)
        }
        Item::Text(t) => {
            area.trimmed()
                .holds([t.x_mm.0, 0.0, t.w_mm.0, MIN_FRAME_MM], MIN_FRAME_MM, at)?;
            within(
                t.baseline_mm.0,
                (0.0, area.h),
                "mm",
                format!("{at}.baseline_mm"),
            )
        }
        Item::Image(img) => area.holds(
            [img.x_mm.0, img.y_mm.0, img.w_mm.0, MIN_FRAME_MM],
            MIN_FRAME_MM,
            at,
        ),
    }
}

/// The numbers of a text frame: on the page itself (text in the bleed would
/// be trimmed off), with room for text inside its insets and label.
fn check_frame(f: &FrameSpec, area: &Area, at: &str) -> Result<(), Problem> {
    area.trimmed()
        .holds([f.x_mm.0, f.y_mm.0, f.w_mm.0, f.h_mm.0], MIN_FRAME_MM, at)?;
    check_stroke(f.stroke.as_ref(), at)?;
    for (i, inset) in f.inset_mm.iter().enumerate() {
        within(inset.0, (0.0, 1000.0), "mm", format!("{at}.inset_mm[{i}]"))?;
    }
    let label = f.label.as_ref().map_or(0.0, |l| l.h_mm.0);
    within(label, (0.0, f.h_mm.0), "mm", format!("{at}.label.h_mm"))?;
    let [t, r, b, l] = f.inset_mm.map(|m| m.0);
    if f.w_mm.0 - l - r < MIN_FRAME_MM || f.h_mm.0 - t - b - label < MIN_FRAME_MM {
        return Err(Problem::new("the frame's insets and label leave no room for text")
            .at(format!("{at}.inset_mm"))
            .hint(format!(
                "make the insets smaller or the frame larger: at least {MIN_FRAME_MM} mm must remain each way"
            )));
    }
    Ok(())
}

/// A stroke's width is positive and sensible.
fn check_stroke(stroke: Option<&StrokeSpec>, at: &str) -> Result<(), Problem> {
    match stroke {
        Some(s) => within(
            s.width_pt.0,
            STROKE_PT,
            "pt",
            format!("{at}.stroke.width_pt"),
        ),
        None => Ok(()),
    }
}
