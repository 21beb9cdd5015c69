//! Tables in the flow: column widths sized to the frame, each cell's lines
//! set at its column's width, rows stacked with their rules, and how many
//! rows fit in the room a frame has left.

use super::{Placed, BASELINE_RATIO};
use crate::compose::{Line, Prepared};
use crate::units::{Pt, Rect};

/// The width at which a cell's lines are its unbreakable words.
const NARROWEST: Pt = Pt(1.0);
/// The width at which a cell is set on one line.
const WIDEST: Pt = Pt(100_000.0);
/// The narrowest a column gets in a table far too wide for its frame.
const MIN_COLUMN: Pt = Pt(1.0);
/// Rounding allowed when rows are fitted in a frame.
const FIT_TOLERANCE: f32 = 0.01;

/// How the rows of one kind (the header, the body) are set.
#[derive(Debug, Clone, PartialEq)]
pub struct RowStyle {
    /// Distance between the baselines of a cell's lines.
    pub leading: Pt,
    /// The rule under each row: its swatch and width.
    pub rule: Option<(String, Pt)>,
}

/// A table: its cells composed, row by row, and how its rows are set.
pub struct Table {
    /// Every row's cells, one per column; the header row first.
    rows: Vec<Vec<Prepared>>,
    /// How the header row is set.
    header: RowStyle,
    /// How the body rows are set.
    body: RowStyle,
    /// Space between columns.
    gap: Pt,
    /// Each column's natural widths, widest first: its widest cell set on
    /// one line, its widest word, its widest piece of a word between
    /// hyphenation points (its widest line at a tiny width).
    measures: [Vec<Pt>; 3],
}

/// A row of a table set at one frame width.
#[derive(Debug, Clone)]
pub struct SetRow {
    /// Each cell's lines, one cell per column.
    pub cells: Vec<Vec<Line>>,
    /// Distance between baselines.
    pub leading: Pt,
    /// The rule under it.
    pub rule: Option<(String, Pt)>,
    /// Its height: its tallest cell's lines, and its rule.
    pub height: Pt,
}

/// A table set at one frame width.
#[derive(Debug, Clone)]
pub struct SetTable {
    /// Each column's left edge, from the frame's left edge, and width.
    pub columns: Vec<(Pt, Pt)>,
    /// The rows, the header first.
    pub rows: Vec<SetRow>,
}

impl Table {
    /// A table of rows of cells, the header row first (each row of as many
    /// cells as the header), set as `header` and `body` say, `gap` between
    /// its columns.
    pub fn new(rows: Vec<Vec<Prepared>>, header: RowStyle, body: RowStyle, gap: Pt) -> Table {
        let columns = rows.first().map_or(0, Vec::len);
        let mut measures = [0, 1, 2].map(|_| vec![Pt::ZERO; columns]);
        let [line, word, piece] = &mut measures;
        for row in &rows {
            for (c, cell) in row.iter().enumerate().take(columns) {
                let w = cell.widest_word();
                piece[c] = piece[c].max(cell.widest_line(NARROWEST).min(w));
                word[c] = word[c].max(w);
                line[c] = line[c].max(cell.widest_line(WIDEST)).max(word[c]);
            }
        }
        Table {
            rows,
            header,
            body,
            gap,
            measures,
        }
    }

    /// The table set in a frame `width` wide.
    pub fn set(&self, width: Pt) -> SetTable {
        let widths = column_widths(&self.measures, self.gap, width);
        let mut x = Pt::ZERO;
        let columns: Vec<(Pt, Pt)> = widths
            .iter()
            .map(|&w| {
                let column = (x, w);
                x += w + self.gap;
                column
            })
            .collect();
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                let style = if r == 0 { &self.header } else { &self.body };
                let cells: Vec<Vec<Line>> = row
                    .iter()
                    .zip(&widths)
                    .map(|(p, &w)| without_empty_tail(p.lines(w)))
                    .collect();
                let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
                SetRow {
                    height: style.leading * lines as f32
                        + style.rule.as_ref().map_or(Pt::ZERO, |r| r.1),
                    cells,
                    leading: style.leading,
                    rule: style.rule.clone(),
                }
            })
            .collect();
        SetTable { columns, rows }
    }
}

/// The width of each of a table's columns in a frame `width` wide, `gap`
/// apart, from each column's natural widths, widest first (`measures[0]`:
/// its widest cell on one line; then narrower ones: its widest word, its
/// widest piece of a word). If the widest fit, each column gets its widest
/// and a share of the room left in proportion to it; else, at the first
/// narrower measure that fits, each gets that and a share of the rest in
/// proportion to how much wider the measure before would make it; else the
/// narrowest, scaled down to fit (its words then stick out).
pub fn column_widths(measures: &[Vec<Pt>], gap: Pt, width: Pt) -> Vec<Pt> {
    let n = measures.iter().map(Vec::len).min().unwrap_or(0);
    let room = width - gap * n.saturating_sub(1) as f32;
    let sum = |v: &[Pt]| v.iter().take(n).fold(Pt::ZERO, |a, &b| a + b);
    // Each column's share of `spare` by `weight`; even shares if all weigh nothing.
    let shared = |base: &[Pt], weight: &dyn Fn(usize) -> Pt, spare: Pt| -> Vec<Pt> {
        let total = (0..n).fold(Pt::ZERO, |a, c| a + weight(c));
        (0..n)
            .map(|c| match total.0 > 0.0 {
                true => base[c] + spare * (weight(c) / total),
                false => base[c] + spare / n as f32,
            })
            .collect()
    };
    let Some(widest) = measures.first() else {
        return Vec::new();
    };
    if sum(widest) <= room {
        return shared(widest, &|c| widest[c], room - sum(widest));
    }
    for pair in measures.windows(2) {
        let [wider, narrower] = pair else { continue };
        if sum(narrower) <= room {
            return shared(narrower, &|c| wider[c] - narrower[c], room - sum(narrower));
        }
    }
    let narrowest = measures.last().unwrap_or(widest);
    let total = sum(narrowest);
    (0..n)
        .map(|c| match total.0 > 0.0 {
            true => (narrowest[c] * (room.max(Pt::ZERO) / total)).max(MIN_COLUMN),
            false => MIN_COLUMN,
        })
        .collect()
}

/// Lines without the empty ones at their end (the breaker ends a paragraph
/// whose last word is too wide for its measure with an empty line).
fn without_empty_tail(mut lines: Vec<Line>) -> Vec<Line> {
    while lines
        .last()
        .is_some_and(|l| l.runs.iter().all(|r| r.glyphs.is_empty()))
    {
        lines.pop();
    }
    lines
}

impl SetTable {
    /// How many body rows from `from` fit below the header in `room`; `None`
    /// if not even the header does.
    pub fn rows_fitting(&self, from: usize, room: Pt) -> Option<usize> {
        let header = self.rows.first()?.height;
        if header.0 > room.0 + FIT_TOLERANCE {
            return None;
        }
        let mut used = header;
        let body = self.rows.get(1 + from..).unwrap_or(&[]);
        Some(
            body.iter()
                .take_while(|r| {
                    used += r.height;
                    used.0 <= room.0 + FIT_TOLERANCE
                })
                .count(),
        )
    }

    /// The height of the header and `take` body rows from `from`.
    pub fn height(&self, from: usize, take: usize) -> Pt {
        let header = self.rows.first().map_or(Pt::ZERO, |r| r.height);
        let body = self.rows.get(1 + from..).unwrap_or(&[]);
        body.iter().take(take).fold(header, |h, r| h + r.height)
    }

    /// Its width: from its first column's left edge to its last's right edge.
    pub fn width(&self) -> Pt {
        self.columns.last().map_or(Pt::ZERO, |&(x, w)| x + w)
    }

    /// Places the header (marked as repeated when `from` is not the first
    /// body row) and `take` body rows from `from`, the header's top at `top`,
    /// in a frame whose left edge is at `left`; returns the bottom of the last row.
    pub fn place(
        &self,
        block: usize,
        from: usize,
        take: usize,
        (left, top): (Pt, Pt),
        placed: &mut Vec<Placed>,
    ) -> Pt {
        let mut y = top;
        let rows = std::iter::once(0).chain(1 + from..1 + from + take);
        for r in rows {
            let Some(row) = self.rows.get(r) else { break };
            for (column, (lines, &(x, width))) in row.cells.iter().zip(&self.columns).enumerate() {
                for (i, line) in lines.iter().enumerate() {
                    placed.push(Placed::Cell {
                        block,
                        row: r,
                        column,
                        repeated: r == 0 && from > 0,
                        line: line.clone(),
                        x,
                        width,
                        baseline: y + row.leading * (BASELINE_RATIO + i as f32),
                    });
                }
            }
            y += row.height;
            if let Some((color, w)) = &row.rule {
                let rect = Rect {
                    x: left,
                    y: y - *w,
                    w: self.width(),
                    h: *w,
                };
                placed.push(Placed::Rule {
                    block,
                    rect,
                    color: color.clone(),
                });
            }
        }
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[f32]) -> Vec<Pt> {
        v.iter().map(|&x| Pt(x)).collect()
    }

    fn total(widths: &[Pt], gap: f32) -> f32 {
        widths.iter().map(|w| w.0).sum::<f32>() + gap * (widths.len() - 1) as f32
    }

    /// Column widths from each column's widest line (`max`) and widest word (`min`).
    fn widths(min: &[f32], max: &[f32], gap: f32, width: f32) -> Vec<Pt> {
        column_widths(&[pts(max), pts(min)], Pt(gap), Pt(width))
    }

    #[test]
    fn widest_cells_fit_and_share_the_room_left_in_proportion() {
        let w = widths(&[10.0, 20.0], &[30.0, 60.0], 10.0, 190.0);
        assert!((total(&w, 10.0) - 190.0).abs() < 1e-3, "{w:?}");
        assert!(
            (w[0].0 - 60.0).abs() < 1e-3 && (w[1].0 - 120.0).abs() < 1e-3,
            "{w:?}"
        );
    }

    #[test]
    fn narrowest_fit_and_share_by_how_much_wider_they_would_be() {
        // Room for 100 pt of columns: 30 of minimum, 70 shared as 20 : 50.
        let w = widths(&[10.0, 20.0], &[30.0, 70.0], 10.0, 110.0);
        assert!((total(&w, 10.0) - 110.0).abs() < 1e-3, "{w:?}");
        assert!(
            (w[0].0 - 30.0).abs() < 1e-3 && (w[1].0 - 70.0).abs() < 1e-3,
            "{w:?}"
        );
        let w = widths(&[10.0, 20.0], &[30.0, 70.0], 10.0, 70.0);
        assert!((w[0].0 - 10.0 - 30.0 * 20.0 / 70.0).abs() < 1e-3, "{w:?}");
        assert!(w[0] >= Pt(10.0) && w[1] >= Pt(20.0));
    }

    #[test]
    fn too_wide_a_table_is_scaled_down_to_the_frame() {
        let w = widths(&[40.0, 80.0], &[50.0, 90.0], 10.0, 70.0);
        assert!((total(&w, 10.0) - 70.0).abs() < 1e-3, "{w:?}");
        assert!((w[1].0 / w[0].0 - 2.0).abs() < 1e-3, "{w:?}");
        // Even a frame narrower than the gaps gives every column some width.
        let w = widths(&[40.0, 80.0], &[50.0, 90.0], 10.0, 5.0);
        assert!(w.iter().all(|c| c.0 > 0.0), "{w:?}");
        // Empty columns share the frame.
        let w = widths(&[0.0, 0.0], &[0.0, 0.0], 10.0, 110.0);
        assert_eq!(w, pts(&[50.0, 50.0]));
    }

    #[test]
    fn words_too_wide_fall_back_on_hyphenation_before_sticking_out() {
        // Lines 60 + 60, words 40 + 30, pieces of words 20 + 20.
        let m = [pts(&[60.0, 60.0]), pts(&[40.0, 30.0]), pts(&[20.0, 20.0])];
        let w = column_widths(&m, Pt(0.0), Pt(80.0));
        assert_eq!(w, pts(&[44.0, 36.0]), "words fit: the rest by line − word");
        let w = column_widths(&m, Pt(0.0), Pt(60.0));
        // Pieces fit: the rest by word − piece.
        assert!((w[0].0 - 100.0 / 3.0).abs() < 1e-3, "{w:?}");
        assert!((w[1].0 - 80.0 / 3.0).abs() < 1e-3, "{w:?}");
        let w = column_widths(&m, Pt(0.0), Pt(20.0));
        assert_eq!(
            w,
            pts(&[10.0, 10.0]),
            "not even the pieces fit: scaled down"
        );
    }
}
