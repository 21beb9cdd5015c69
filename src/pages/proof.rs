//! The proof: the issue's pages with their frames outlined and named and the
//! baseline grid drawn, what did not fit set after them on marked overset
//! pages, and « PROOF / ÉPREUVE » across the top of every page, so that the
//! editor sees where and how much to cut, and no one takes it for an edition.

use super::{frame_marks, furniture_line, Drawing, Mark, Origin, Page};
use crate::compose::shape::Shaper;
use crate::error::Result;
use crate::flow::{self, Filled, LineCache, Placed, Slot};
use crate::model::language::Language;
use crate::model::layout::{FrameSpec, Item, Layout};
use crate::placement::PlacedStory;
use crate::sequence::{mm_rect, text_area};
use crate::units::{Mm, Pt, Rect};

/// The proof's ink: marks, titles, overset markers (magenta).
const INK: &str = "maquette-proof-ink";
/// Frame outlines and names (cyan).
const FRAME: &str = "maquette-proof-frame";
/// Baseline grid lines (light cyan).
const GRID: &str = "maquette-proof-grid";
/// Text on the proof's band (white).
const PAPER: &str = "maquette-proof-paper";
/// Overset page titles.
const TITLE: &str = "maquette-proof-title";
/// Notes under the titles.
const NOTE: &str = "maquette-proof-note";
/// Frame names.
const NAME: &str = "maquette-proof-name";
/// The « PROOF / ÉPREUVE » band's text.
const BAND: &str = "maquette-proof-band";

/// Margin of an overset page, and gutter between its columns.
const MARGIN: Mm = Mm(15.0);
/// Gutter between the columns of an overset page.
const GUTTER: Mm = Mm(5.0);
/// Height of the band across the top of every page.
const BAND_H: Mm = Mm(7.0);
/// The most overset pages made for one story.
const MAX_OVERSET_PAGES: usize = 20;

/// What the proof tells of one overset story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overset {
    /// The story's name.
    pub story: String,
    /// Lines over, at the width of the chain's last frame.
    pub lines: usize,
    /// Words over.
    pub words: usize,
    /// The first overset page (0-based).
    pub page: usize,
}

/// Adds the proof's swatches and paragraph styles to the layout (set in its
/// sans-serif family if it has one, bold where the family has a bold face).
pub(super) fn prepare(layout: &mut Layout) {
    let swatch = |cmyk: [f32; 4], rgb: &str| {
        serde_json::from_value(serde_json::json!({ "cmyk": cmyk, "rgb": rgb }))
            .expect("a proof swatch is well-formed")
    };
    for (name, cmyk, rgb) in [
        (INK, [0.0, 100.0, 0.0, 0.0], "#d6007e"),
        (FRAME, [100.0, 0.0, 0.0, 0.0], "#0093d3"),
        (GRID, [40.0, 0.0, 0.0, 0.0], "#a6dcf2"),
        (PAPER, [0.0, 0.0, 0.0, 0.0], "#ffffff"),
    ] {
        layout.swatches.insert(name.into(), swatch(cmyk, rgb));
    }
    let family = layout
        .fonts
        .keys()
        .find(|k| k.to_lowercase().contains("sans"))
        .or_else(|| layout.fonts.keys().next())
        .cloned()
        .unwrap_or_default();
    let bold = layout.fonts.get(&family).is_some_and(|f| f.bold.is_some());
    let weight = if bold { "bold" } else { "regular" };
    for (name, size, leading, color, weight) in [
        (TITLE, 13.0, 16.0, INK, weight),
        (NOTE, 8.5, 11.0, INK, "regular"),
        (NAME, 5.5, 6.5, FRAME, "regular"),
        (BAND, 9.0, 11.0, PAPER, weight),
    ] {
        let style = serde_json::json!({
            "font": family, "weight": weight, "size_pt": size, "leading_pt": leading,
            "align": "left", "color": color,
        });
        layout.paragraph_styles.insert(
            name.into(),
            serde_json::from_value(style).expect("a proof style is well-formed"),
        );
    }
}

/// Makes the pages a proof: outlines, names and grids on the issue's pages,
/// an overset page (or several) for each story that did not fit, and the
/// band on every page. Returns what was over.
pub(super) fn finish(
    pages: &mut Vec<Page>,
    stories: &[PlacedStory],
    drawing: &Drawing,
    shaper: &mut Shaper,
) -> Result<Vec<Overset>> {
    let layout = drawing.styles.layout;
    let issue_pages = pages.len();
    let mut over = Vec::new();
    for s in stories {
        if s.fits {
            continue;
        }
        let name = s.frames_name(layout);
        let first = pages.len();
        let (new_pages, lines, words) = overset_pages(s, &name, first, drawing, shaper)?;
        pages.extend(new_pages);
        over.push(Overset {
            story: name,
            lines,
            words,
            page: first,
        });
    }
    for (page_index, page) in pages.iter_mut().enumerate().take(issue_pages) {
        let master = &layout.masters[&page.master];
        for item in &master.items {
            if let Item::Frame(spec) = item {
                outline(spec, &page.master, layout, drawing, shaper, &mut page.marks)?;
            }
        }
        for (s, o) in stories.iter().filter(|s| !s.fits).zip(&over) {
            let Some(last) = s.filled.iter().rev().find(|f| f.slot.page == page_index) else {
                continue;
            };
            if s.filled.last().map(|f| f.slot.page) == Some(page_index) {
                overset_marker(last, o, drawing, shaper, &mut page.marks)?;
            }
        }
    }
    let count = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        band(i, count, &over, layout, drawing, shaper, &mut page.marks)?;
    }
    Ok(over)
}

impl PlacedStory<'_> {
    /// The story's name: its chain's (the key of the layout's `chains` whose frames it has).
    fn frames_name(&self, layout: &Layout) -> String {
        let frames: Vec<String> = self
            .frames
            .frames
            .iter()
            .map(|(m, f)| format!("{m}/{}", f.name))
            .collect();
        layout
            .chains
            .iter()
            .find(|(_, c)| c.frames == frames)
            .map_or_else(|| format!("story {}", self.index + 1), |(n, _)| n.clone())
    }
}

/// Lines of a furniture text in `style` from `baseline` down, with the
/// typography of English (the proof's own words) unless `language` says
/// otherwise; returns the baseline after them.
#[allow(clippy::too_many_arguments)]
fn lines(
    drawing: &Drawing,
    shaper: &mut Shaper,
    language: Option<Language>,
    style: &str,
    text: &str,
    x: Pt,
    baseline: Pt,
    width: Pt,
    marks: &mut Vec<Mark>,
) -> Result<Pt> {
    let leading = drawing.styles.paragraph(style, "proof")?.leading_pt;
    let mut set = |text: &str| {
        furniture_line(
            drawing.styles,
            shaper,
            style,
            text,
            width,
            language.unwrap_or(Language::English),
            "proof",
        )
    };
    // A face without a dash or an accent gets the text in plain ASCII; one
    // without even that gets no proof text (the marks are still drawn).
    let set = set(text).or_else(|_| set(&ascii(text))).unwrap_or_default();
    let mut y = baseline;
    for line in set {
        marks.push(Mark::Text {
            runs: line.runs,
            x,
            baseline: y,
            origin: Origin::Artifact,
        });
        y += leading;
    }
    Ok(y)
}

/// The pages that show what did not fit of story `s`, set in
/// columns as wide as its chain's last frame, from page `first` on; with the
/// lines and words over.
fn overset_pages(
    s: &PlacedStory,
    name: &str,
    first: usize,
    drawing: &Drawing,
    shaper: &mut Shaper,
) -> Result<(Vec<Page>, usize, usize)> {
    let layout = drawing.styles.layout;
    let (w, h): (Pt, Pt) = (layout.page.width_mm.into(), layout.page.height_mm.into());
    let (margin, gutter): (Pt, Pt) = (MARGIN.into(), GUTTER.into());
    let live = (w - margin * 2.0).max(Pt(36.0));
    let column = s.frames.last_width().min(live).max(Pt(36.0));
    let per_page = (((live + gutter).0 / (column + gutter).0).floor() as usize).max(1);
    let top: Pt = Mm(38.0).into();
    let bottom = (h - margin).max(top + Pt(72.0));
    let spec = |k: usize| -> FrameSpec {
        let x = margin + (column + gutter) * (k % per_page) as f32;
        serde_json::from_value(serde_json::json!({
            "name": "overset", "x_mm": x.to_mm().0, "y_mm": top.to_mm().0,
            "w_mm": column.to_mm().0, "h_mm": (bottom - top).to_mm().0,
        }))
        .expect("an overset column is well-formed")
    };
    let slot = |k: usize| {
        (k / per_page < MAX_OVERSET_PAGES).then(|| Slot {
            page: first + k / per_page,
            frame: 0,
            area: text_area(&spec(k)),
        })
    };
    let mut cache = LineCache::new(&s.story.blocks);
    let poured = flow::pour(&mut cache, s.end, &slot, &|_| None);
    let (mut lines_over, mut words) = (0, 0);
    let mut rows = Vec::new();
    for f in &poured.filled {
        for p in &f.placed {
            match p {
                Placed::Line { line, .. } => {
                    lines_over += 1;
                    let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
                    words += text.split_whitespace().count();
                    words -= usize::from(line.splits_word && words > 0);
                }
                Placed::Cell {
                    block, row, line, ..
                } => {
                    if !rows.contains(&(*block, *row)) {
                        rows.push((*block, *row));
                        lines_over += 1;
                    }
                    let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
                    words += text.split_whitespace().count();
                }
                Placed::Image { .. } => lines_over += 1,
                Placed::Rule { .. } => {}
            }
        }
    }
    let count = poured
        .filled
        .iter()
        .map(|f| f.slot.page + 1 - first)
        .max()
        .unwrap_or(1);
    let mut pages: Vec<Page> = (0..count)
        .map(|_| Page {
            master: "proof".into(),
            marks: Vec::new(),
        })
        .collect();
    let stories = std::slice::from_ref(s);
    for (k, f) in poured.filled.iter().enumerate() {
        let marks = &mut pages[f.slot.page - first].marks;
        let spec = spec(k);
        let column_rect = mm_rect(spec.x_mm, spec.y_mm, spec.w_mm, spec.h_mm);
        marks.push(outline_rect(column_rect, INK));
        let mut unused = Vec::new();
        frame_marks(
            &spec,
            &[(0, f)],
            stories,
            drawing,
            shaper,
            "proof",
            marks,
            &mut unused,
            f.slot.page,
        )?;
    }
    let more = poured.end.block < s.story.blocks.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let mut marks = Vec::new();
        let title = format!("OVERSET — story `{name}`: {lines_over} lines, {words} words over");
        let title = match count {
            1 => title,
            n => format!("{title} ({}/{n})", i + 1),
        };
        let y = lines(
            drawing,
            shaper,
            None,
            TITLE,
            &title,
            margin,
            Mm(20.0).into(),
            live,
            &mut marks,
        )?;
        let width_mm = column.to_mm().0;
        let mut note = match drawing.language {
            Language::French => format!(
                "Ce qui suit ne tient pas dans les cadres du récit `{name}` : le texte en trop, \
                 composé à la largeur de son dernier cadre ({width_mm:.0} mm). Coupez-en autant, \
                 ou donnez plus de place à sa chaîne dans la maquette."
            ),
            _ => format!(
                "What follows did not fit in the frames of story `{name}`: the text over, set at \
                 the width of its last frame ({width_mm:.0} mm). Cut this much, or give its chain \
                 more room in the layout."
            ),
        };
        if more && i + 1 == count {
            note.push_str(&format!(
                " (only the first {MAX_OVERSET_PAGES} pages of it are shown.)"
            ));
        }
        lines(
            drawing,
            shaper,
            Some(drawing.language),
            NOTE,
            &note,
            margin,
            y,
            live,
            &mut marks,
        )?;
        marks.append(&mut page.marks);
        page.marks = marks;
    }
    Ok((pages, lines_over, words))
}

/// A proof text in plain ASCII, for a face that lacks a dash or an accent.
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '—' | '–' | '·' => '-',
            'É' => 'E',
            'é' | 'è' | 'ê' => 'e',
            'à' | 'â' => 'a',
            '«' | '»' | '“' | '”' => '"',
            '’' => '\'',
            c if c.is_ascii() => c,
            _ => '?',
        })
        .collect()
}

/// A rectangle outlined in `color`.
fn outline_rect(rect: Rect, color: &str) -> Mark {
    Mark::Rect {
        rect,
        fill: None,
        stroke: Some((color.into(), Pt(0.5))),
        bleed: [false; 4],
    }
}

/// A frame outlined, its baseline grid drawn and its name set at its top.
fn outline(
    spec: &FrameSpec,
    master: &str,
    layout: &Layout,
    drawing: &Drawing,
    shaper: &mut Shaper,
    marks: &mut Vec<Mark>,
) -> Result<()> {
    let frame = mm_rect(spec.x_mm, spec.y_mm, spec.w_mm, spec.h_mm);
    let area = text_area(spec);
    if let Some(pitch) = layout.baseline_grid_pt.filter(|p| p.0 >= 1.0) {
        let mut y = area.y + pitch;
        while y <= area.bottom() {
            marks.push(Mark::Rect {
                rect: Rect {
                    x: area.x,
                    y: y - Pt(0.15),
                    w: area.w,
                    h: Pt(0.3),
                },
                fill: Some(GRID.into()),
                stroke: None,
                bleed: [false; 4],
            });
            y += pitch;
        }
    }
    marks.push(outline_rect(frame, FRAME));
    let id = format!("{master}/{}", spec.name);
    let chain = layout
        .chains
        .iter()
        .find(|(_, c)| c.frames.contains(&id))
        .map(|(n, _)| n.as_str());
    let label = match chain {
        Some(c) => format!("{id} · {c}"),
        None => format!("{id} · no chain"),
    };
    let width = frame.w.max(Pt(60.0));
    lines(
        drawing,
        shaper,
        None,
        NAME,
        &label,
        frame.x + Pt(1.5),
        frame.y - Pt(1.5),
        width,
        marks,
    )?;
    Ok(())
}

/// The overset marker at the foot of a story's last frame: a magenta box with
/// « + », and how much is over and where to see it.
fn overset_marker(
    last: &Filled,
    over: &Overset,
    drawing: &Drawing,
    shaper: &mut Shaper,
    marks: &mut Vec<Mark>,
) -> Result<()> {
    let area = last.slot.area;
    let side = Pt(9.0);
    let rect = Rect {
        x: area.right() - side,
        y: area.bottom() - side,
        w: side,
        h: side,
    };
    marks.push(Mark::Rect {
        rect,
        fill: Some(INK.into()),
        stroke: None,
        bleed: [false; 4],
    });
    lines(
        drawing,
        shaper,
        None,
        BAND,
        "+",
        rect.x + Pt(2.2),
        rect.bottom() - Pt(2.0),
        side,
        marks,
    )?;
    let text = format!("{} lines over: page {}", over.lines, over.page + 1);
    let width = area.w.max(Pt(60.0));
    let note_width = Pt(text.chars().count() as f32 * 4.0);
    lines(
        drawing,
        shaper,
        None,
        NOTE,
        &text,
        (rect.x - note_width - Pt(3.0)).max(area.x),
        rect.bottom() - Pt(1.5),
        width,
        marks,
    )?;
    Ok(())
}

/// The band across the top of a page: « PROOF / ÉPREUVE », the page, and what is over.
fn band(
    page: usize,
    pages: usize,
    over: &[Overset],
    layout: &Layout,
    drawing: &Drawing,
    shaper: &mut Shaper,
    marks: &mut Vec<Mark>,
) -> Result<()> {
    let w: Pt = layout.page.width_mm.into();
    let h: Pt = BAND_H.into();
    marks.push(Mark::Rect {
        rect: Rect {
            x: Pt::ZERO,
            y: Pt::ZERO,
            w,
            h,
        },
        fill: Some(INK.into()),
        stroke: None,
        bleed: [false; 4],
    });
    let state = match over.len() {
        0 => "everything fits".to_string(),
        _ => {
            let names: Vec<String> = over
                .iter()
                .map(|o| format!("`{}` +{} lines", o.story, o.lines))
                .collect();
            format!("overset: {}", names.join(", "))
        }
    };
    let text = format!(
        "PROOF / ÉPREUVE — not for print or publication — page {}/{pages} — {state}",
        page + 1
    );
    let margin: Pt = Mm(5.0).into();
    lines(
        drawing,
        shaper,
        None,
        BAND,
        &text,
        margin,
        h * 0.68,
        w - margin * 2.0,
        marks,
    )?;
    Ok(())
}
