//! Markdown pipe tables, end to end: the fixture in `tests/fixtures/tables`
//! (an A5 layout with a wide frame above two columns, an issue with a short
//! calendar table and a long agenda table that runs over both columns and
//! onto page 2) rendered by the binary and read back with pdftotext
//! (`-layout`, cropped to frames, and `-bbox-layout`) and qpdf; and the
//! faults a table can have, each injected alone into a copy of the fixture.

#[allow(dead_code)] // each test crate uses its own part of the shared helpers
mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use common::pages::{structure_elements, Element};
use common::qpdf::QpdfJson;
use common::words::normalise;
use common::*;
use serde_json::Value;

/// Points per millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;
/// How far apart two edges may be and still count as one (pdftotext rounds).
const SAME_X: f64 = 0.6;

/// The fixture's folder.
fn fixture_dir() -> PathBuf {
    manifest_dir().join("tests/fixtures/tables")
}

/// The fixture issue.
fn fixture_issue_path() -> PathBuf {
    fixture_dir().join("issue.json")
}

/// The fixture issue as JSON, its layout path made absolute so a copy renders anywhere.
fn fixture_issue() -> Value {
    let text = fs::read_to_string(fixture_issue_path()).expect("cannot read the fixture issue");
    let mut issue: Value = serde_json::from_str(&text).expect("the fixture issue is not JSON");
    issue["layout"] = Value::from(fixture_dir().join("layout.json").to_str().unwrap());
    issue
}

/// The fixture layout as JSON, its font and profile paths made absolute.
fn fixture_layout() -> Value {
    common::layout_with_absolute_paths(&fixture_dir().join("layout.json"))
}

/// The rows of the calendar table, as the fixture types them: each row's cells.
fn calendar_rows() -> Vec<Vec<String>> {
    table_rows(&fixture_issue(), "calendar")
}

/// The cells of every row of the first table in story `name`, header first,
/// Markdown markup removed (`*x*`, `**x**`, `[x](url)`).
fn table_rows(issue: &Value, name: &str) -> Vec<Vec<String>> {
    let story = issue["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap();
    story["text"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|l| l.starts_with('|') && !l.starts_with("|-") && !l.starts_with("|:"))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| plain_cell(c.trim()))
                .collect()
        })
        .collect()
}

/// A cell's text without its Markdown markup.
fn plain_cell(cell: &str) -> String {
    let text = match (cell.find("]("), cell.strip_prefix('[')) {
        (Some(end), Some(_)) => cell[1..end].to_string(),
        _ => cell.to_string(),
    };
    text.replace('*', "")
}

/// Renders the fixture (both editions) into `dir`; returns the web and print PDFs.
fn render_fixture(dir: &TestDir) -> (PathBuf, PathBuf) {
    let out = dir.join("tables.pdf");
    let output = run(&mut maquette([
        "render".as_ref(),
        fixture_issue_path().as_os_str(),
        "--edition".as_ref(),
        "both".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    assert_success(&output, "maquette render the tables fixture --edition both");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("warning"),
        "the tables fixture renders with warnings:\n{stderr}"
    );
    let (web, print) = (dir.join("tables-web.pdf"), dir.join("tables-print.pdf"));
    assert!(web.is_file() && print.is_file(), "{:?}", dir.listing());
    (web, print)
}

/// `pdftotext -layout` of page `page` (1-based), cropped to the rectangle
/// `(x, y, w, h)` in millimetres if given.
fn layout_text(pdf: &Path, page: usize, crop: Option<(f64, f64, f64, f64)>) -> String {
    let page = page.to_string();
    let mut args: Vec<String> = vec![
        "-layout".into(),
        "-f".into(),
        page.clone(),
        "-l".into(),
        page,
    ];
    if let Some((x, y, w, h)) = crop {
        for (flag, mm) in [("-x", x), ("-y", y), ("-W", w), ("-H", h)] {
            args.push(flag.into());
            args.push(format!("{:.0}", mm * PT_PER_MM));
        }
    }
    args.push(pdf.to_str().unwrap().into());
    args.push("-".into());
    tool("pdftotext", &args)
}

/// A word as `pdftotext -bbox-layout` places it, in points from the page's top-left.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// The words of page `page` (1-based) with their boxes.
fn page_words(pdf: &Path, page: usize) -> Vec<Word> {
    let page = page.to_string();
    let html = tool(
        "pdftotext",
        [
            "-bbox-layout",
            "-f",
            &page,
            "-l",
            &page,
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let start = tag
            .find(&key)
            .map(|i| i + key.len())
            .expect("a bbox attribute");
        let end = tag[start..].find('"').unwrap() + start;
        tag[start..end].parse().expect("a number")
    };
    let mut words = Vec::new();
    for piece in html.split("<word ").skip(1) {
        let (tag, rest) = piece.split_once('>').expect("a word tag");
        let text = rest.split("</word>").next().unwrap_or("");
        words.push(Word {
            text: unescape(text),
            x0: attr(tag, "xMin"),
            y0: attr(tag, "yMin"),
            x1: attr(tag, "xMax"),
            y1: attr(tag, "yMax"),
        });
    }
    words
}

/// Text of pdftotext's HTML with its entities decoded.
fn unescape(text: &str) -> String {
    text.replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The words of a page set on one line of a table row: for each cell of
/// `row` (its Markdown text), the words of the page on the line of the
/// row's first word, in order, grouped by cell; `None` if the page has no
/// line that reads as the row.
fn row_cells(words: &[Word], row: &[String]) -> Option<Vec<Vec<Word>>> {
    let wanted: Vec<Vec<String>> = row
        .iter()
        .map(|cell| {
            normalise(cell)
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .collect();
    let all: Vec<&String> = wanted.iter().flatten().collect();
    let first = all.first()?;
    for start in words.iter().filter(|w| normalise(&w.text) == **first) {
        let mut line: Vec<&Word> = words
            .iter()
            .filter(|w| (w.y0 - start.y0).abs() < 1.0 && w.x0 >= start.x0 - SAME_X)
            .collect();
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        if line.len() < all.len()
            || line
                .iter()
                .zip(&all)
                .any(|(w, text)| normalise(&w.text) != **text)
        {
            continue;
        }
        let mut line = line.into_iter();
        return Some(
            wanted
                .iter()
                .map(|cell| line.by_ref().take(cell.len()).cloned().collect())
                .collect(),
        );
    }
    None
}

/// Every cell of the calendar is on its row's line, in column order, and
/// no `|` of the Markdown is printed, in either edition.
#[test]
fn table_rows_read_on_one_line_each_in_column_order() {
    let dir = TestDir::new("table_rows_read_on_one_line_each_in_column_order");
    let (web, print) = render_fixture(&dir);
    for pdf in [&web, &print] {
        let page = layout_text(pdf, 1, None);
        for row in calendar_rows() {
            let cells: Vec<String> = row.iter().filter(|c| !c.is_empty()).cloned().collect();
            let on_one_line = page.lines().any(|line| {
                let line = normalise(line);
                let mut at = 0;
                cells
                    .iter()
                    .all(|cell| match line[at..].find(&normalise(cell)) {
                        Some(i) => {
                            at += i + cell.len();
                            true
                        }
                        None => false,
                    })
            });
            assert!(
                on_one_line,
                "no line of {} reads the row {cells:?} in order:\n{page}",
                pdf.display()
            );
        }
        let all = tool("pdftotext", [pdf.as_os_str(), OsStr::new("-")]);
        assert!(
            !all.contains('|'),
            "a `|` of the Markdown is printed in {}:\n{all}",
            pdf.display()
        );
    }
}

/// In the calendar, the cells of each column share their edge: the left one
/// of the columns set flush left (no colon, and `:---`), the right one of
/// the `---:` column, the middle of the `:---:` one; and no two words of
/// any page touch.
#[test]
fn table_columns_align_and_no_words_overlap() {
    let dir = TestDir::new("table_columns_align_and_no_words_overlap");
    let (web, _) = render_fixture(&dir);
    let words = page_words(&web, 1);
    let rows: Vec<Vec<Vec<Word>>> = calendar_rows()
        .iter()
        .map(|row| {
            row_cells(&words, row)
                .unwrap_or_else(|| panic!("no line of page 1 reads the row {row:?}"))
        })
        .collect();
    // Date: no alignment (the cell style's justify, flush left in a cell);
    // Réunion: centred; Salle: left; Lieu: right.
    let edge = |cell: &[Word], column: usize| -> Option<f64> {
        let (first, last) = (cell.first()?, cell.last()?);
        Some(match column {
            1 => (first.x0 + last.x1) / 2.0,
            3 => last.x1,
            _ => first.x0,
        })
    };
    for column in 0..4 {
        let edges: Vec<f64> = rows
            .iter()
            .filter_map(|row| edge(&row[column], column))
            .collect();
        assert!(edges.len() >= 4, "column {column}: {edges:?}");
        let (lo, hi) = edges
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        assert!(
            hi - lo < SAME_X * 2.0,
            "the cells of column {} do not line up: {edges:?}",
            column + 1
        );
    }
    // Columns in order, each clear of the next.
    for row in &rows {
        let spans: Vec<(f64, f64)> = row
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| (c[0].x0, c[c.len() - 1].x1))
            .collect();
        for pair in spans.windows(2) {
            assert!(pair[0].1 < pair[1].0, "cells overlap or swap: {spans:?}");
        }
    }
    for page in [1, 2] {
        assert_no_overlap(&page_words(&web, page), page);
    }
}

/// No two words of a page overlap by more than rounding.
fn assert_no_overlap(words: &[Word], page: usize) {
    for (i, a) in words.iter().enumerate() {
        for b in &words[i + 1..] {
            let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
            let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
            assert!(
                dx < 0.5 || dy < 0.5,
                "words overlap on page {page}: {a:?} and {b:?}"
            );
        }
    }
}

/// The agenda table, too long for one column, continues in the next column
/// and on page 2, split only between rows: each frame holding it starts
/// with the header, every row is printed once, whole, in order.
#[test]
fn a_long_table_splits_between_rows_with_its_header_on_each_frame() {
    let dir = TestDir::new("a_long_table_splits_between_rows_with_its_header_on_each_frame");
    let (web, _) = render_fixture(&dir);
    let rows = table_rows(&fixture_issue(), "agenda");
    let header = &rows[0];
    let dates: Vec<String> = rows[1..].iter().map(|r| normalise(&r[0])).collect();
    let mut seen: Vec<String> = Vec::new();
    let mut frames_with_table = 0;
    for page in [1, 2] {
        for x in [15.0, 77.0] {
            let text = layout_text(&web, page, Some((x, 100.0, 56.0, 90.0)));
            let lines: Vec<String> = text
                .lines()
                .map(normalise)
                .filter(|l| !l.trim().is_empty())
                .collect();
            let Some(head) = lines.iter().position(|l| l.starts_with(&header[0])) else {
                continue;
            };
            frames_with_table += 1;
            if frames_with_table == 1 {
                assert!(
                    lines[..head].iter().any(|l| l.contains("Toute l")),
                    "the table should follow its heading:\n{text}"
                );
            } else {
                assert_eq!(
                    head, 0,
                    "page {page}: the frame does not start with the header:\n{text}"
                );
            }
            assert!(
                lines[head].trim_end().ends_with(header[2].as_str()),
                "the header is not one line of its cells:\n{text}"
            );
            for line in &lines[head + 1..] {
                if let Some(date) = dates.iter().find(|d| line.starts_with(d.as_str())) {
                    seen.push(date.clone());
                }
            }
            assert!(
                lines.len() > head + 1,
                "page {page}: a header without rows under it:\n{text}"
            );
        }
    }
    assert!(
        frames_with_table >= 3,
        "the table should take three frames or more"
    );
    assert_eq!(seen, dates, "each row once, in order");
}

/// The web edition tags each table as Table > TR > TH / TD, the header's
/// cells with their text and a column scope, each body cell with its text
/// and its link; a header repeated at the top of a continuation frame is
/// not read again.
#[test]
fn web_edition_tags_tables_as_rows_of_header_and_data_cells() {
    let dir = TestDir::new("web_edition_tags_tables_as_rows_of_header_and_data_cells");
    let (web, _) = render_fixture(&dir);
    let json = QpdfJson::of(&web);
    let elements = structure_elements(&web, &json);
    let outline = elements
        .iter()
        .map(|e| format!("{} « {} »", e.tag, normalise(&e.text)))
        .collect::<Vec<_>>()
        .join("\n  ");
    let tables: Vec<usize> = elements
        .iter()
        .enumerate()
        .filter(|(_, e)| e.tag == "Table")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(tables.len(), 2, "expected two tables:\n  {outline}");
    let issue = fixture_issue();
    for (&at, story) in tables.iter().zip(["calendar", "agenda"]) {
        let rows = table_rows(&issue, story);
        let end = elements[at + 1..]
            .iter()
            .position(|e| !matches!(e.tag.as_str(), "TR" | "TH" | "TD" | "Link"))
            .map_or(elements.len(), |p| at + 1 + p);
        let inside = &elements[at + 1..end];
        let tagged: Vec<&Element> = inside.iter().filter(|e| e.tag != "Link").collect();
        let mut expected = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            expected.push(("TR".to_string(), row.join(" ")));
            for cell in row {
                let tag = if r == 0 { "TH" } else { "TD" };
                expected.push((tag.to_string(), cell.clone()));
            }
        }
        // Compared without spaces: a cell's lines are joined by one.
        let squeeze = |t: &str| normalise(t).split_whitespace().collect::<String>();
        let got: Vec<(String, String)> = tagged
            .iter()
            .map(|e| (e.tag.clone(), squeeze(&e.text)))
            .collect();
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(t, s)| (t, squeeze(&s)))
            .collect();
        assert_eq!(got, expected, "table of `{story}`:\n  {outline}");
    }
    // The link of a cell is a Link inside its TD.
    let link = elements
        .iter()
        .position(|e| e.tag == "Link")
        .expect("no Link in the structure tree");
    assert_eq!(normalise(&elements[link].text), "Béthune");
    assert_eq!(
        elements[link - 1].tag,
        "TD",
        "the link is not in its cell:\n  {outline}"
    );
    // Every TH declares that it heads its column.
    let scopes = header_scopes(&json);
    assert_eq!(scopes.len(), 4 + 3, "one TH per header cell: {scopes:?}");
    assert!(scopes.iter().all(|s| s == "/Column"), "{scopes:?}");
}

/// The `/Scope` of every TH structure element.
fn header_scopes(json: &QpdfJson) -> Vec<String> {
    fn walk(json: &QpdfJson, node: &Value, out: &mut Vec<String>, depth: usize) {
        assert!(depth < 64, "the structure tree is too deep");
        let node = json.resolve(node);
        match node {
            Value::Array(kids) => kids.iter().for_each(|k| walk(json, k, out, depth + 1)),
            Value::Object(dict) => {
                if dict.get("/S").and_then(Value::as_str) == Some("/TH") {
                    let attributes = json.resolve(dict.get("/A").unwrap_or(&Value::Null));
                    let list = match attributes {
                        Value::Array(list) => list.clone(),
                        other => vec![other.clone()],
                    };
                    let scope = list
                        .iter()
                        .find_map(|a| json.get(a, "/Scope").as_str().map(str::to_string))
                        .unwrap_or_default();
                    out.push(scope);
                }
                if dict.contains_key("/S") {
                    if let Some(kids) = dict.get("/K") {
                        walk(json, kids, out, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
    let root = json.get(json.catalog(), "/StructTreeRoot");
    let mut out = Vec::new();
    walk(json, &root["/K"], &mut out, 0);
    out
}

/// Writes `issue` (and `layout`, if given, which the issue then uses) into `dir`.
fn write_case(dir: &TestDir, mut issue: Value, layout: Option<&Value>) -> PathBuf {
    if let Some(layout) = layout {
        let path = write_json(dir, "layout.json", layout);
        issue["layout"] = Value::from(path.to_str().unwrap());
    }
    write_json(dir, "issue.json", &issue)
}

/// The calendar story's lines of a copy of the fixture issue.
fn calendar_lines(issue: &mut Value) -> &mut Vec<Value> {
    story_lines_mut(issue, "calendar")
}

/// A row with more cells than the header is refused, naming its Markdown
/// line, and nothing is written.
#[test]
fn a_row_with_more_cells_than_the_header_is_refused_with_its_line() {
    let dir = TestDir::new("a_row_with_more_cells_than_the_header_is_refused_with_its_line");
    let mut issue = fixture_issue();
    let lines = calendar_lines(&mut issue);
    let at = lines
        .iter()
        .position(|l| l.as_str().is_some_and(|l| l.starts_with("| 28 juin")))
        .unwrap();
    lines[at] = Value::from("| 28 juin | Bureau | Salle Bollaert | Lens | en visio |");
    let issue = write_case(&dir, issue, None);
    let stderr = render_expecting_failure(&dir, &issue, 2);
    let line = format!("line {} of the story's Markdown", at + 1);
    for needle in [
        line.as_str(),
        "more cells than the table's 4 columns",
        "stories[calendar]",
        "hint: give every row at most as many cells as the header",
    ] {
        assert!(
            stderr.contains(needle),
            "stderr lacks « {needle} »:\n{stderr}"
        );
    }
}

/// A table in a chain whose styles (and the layout's) name no table style is
/// refused, naming the element, the story's line and where to add it.
#[test]
fn a_table_with_no_style_for_its_cells_is_refused() {
    let dir = TestDir::new("a_table_with_no_style_for_its_cells_is_refused");
    for (element, what) in [
        ("table_header", "table header"),
        ("table_cell", "table cell"),
    ] {
        let mut layout = fixture_layout();
        layout["element_styles"]
            .as_object_mut()
            .unwrap()
            .remove(element);
        let issue = write_case(&dir, fixture_issue(), Some(&layout));
        let stderr = render_expecting_failure(&dir, &issue, 2);
        for needle in [
            format!("story `calendar` has a {what} (Markdown line 5)"),
            "the layout gives no style for it".to_string(),
            format!("chains.calendar.styles.{element}"),
        ] {
            assert!(
                stderr.contains(&needle),
                "stderr lacks « {needle} »:\n{stderr}"
            );
        }
    }
}

/// A rule's swatch must exist and its width be positive; a column gap may
/// not be negative: each fault is refused at its field.
#[test]
fn table_style_fields_are_checked() {
    let dir = TestDir::new("table_style_fields_are_checked");
    let cases: [(&str, Value, &str); 3] = [
        (
            "rule_below",
            serde_json::json!({ "color": "tael", "width_pt": 0.5 }),
            "paragraph_styles.table-head.rule_below.color",
        ),
        (
            "rule_below",
            serde_json::json!({ "color": "teal", "width_pt": 0 }),
            "paragraph_styles.table-head.rule_below.width_pt",
        ),
        (
            "column_gap_pt",
            Value::from(-2),
            "paragraph_styles.table-head.column_gap_pt",
        ),
    ];
    for (field, value, at) in cases {
        let mut layout = fixture_layout();
        layout["paragraph_styles"]["table-head"][field] = value;
        let issue = write_case(&dir, fixture_issue(), Some(&layout));
        let stderr = render_expecting_failure(&dir, &issue, 2);
        assert!(
            stderr.contains(at),
            "stderr does not name `{at}`:\n{stderr}"
        );
        assert!(stderr.contains("hint: "), "no hint:\n{stderr}");
    }
}

/// A table whose words are too wide for its frame is still laid out, its
/// columns scaled to the frame and its too-wide words broken by force, and
/// `check` warns of them, with the Markdown line of their row.
#[test]
fn a_table_too_wide_for_its_frame_is_reported() {
    let dir = TestDir::new("a_table_too_wide_for_its_frame_is_reported");
    let mut issue = fixture_issue();
    let lines = story_lines_mut(&mut issue, "agenda");
    lines.extend(
        [
            "",
            "| Sigle | Nom | Code |",
            "|---|---|---|",
            "| PMA | Pôle | 1 |",
            "| CABBALR | COMMUNAUTÉDAGGLOMÉRATIONDEBÉTHUNEBRUAY | 62000620006200062000 |",
        ]
        .map(Value::from),
    );
    let (header_line, last_line) = (lines.len() - 3, lines.len());
    let issue = write_case(&dir, issue, None);
    let output = run(&mut maquette(["check".as_ref(), issue.as_os_str()]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let warning = stdout
        .lines()
        .find(|l| {
            l.starts_with("warning")
                && (l.contains("sticks out of its column") || l.contains("broken by force"))
        })
        .unwrap_or_else(|| panic!("no warning about the table:\n{stdout}"));
    let named =
        (header_line..=last_line).any(|line| warning.contains(&format!("Markdown line {line}:")));
    assert!(
        warning.contains("story `agenda`") && named,
        "the warning should name a row of the table (lines {header_line}–{last_line}): {warning}"
    );
}

/// A character the cell style's font lacks is an error of the preflight,
/// naming the row's Markdown line and the cell's column.
#[test]
fn a_character_missing_from_a_cell_font_is_reported_with_its_cell() {
    let dir = TestDir::new("a_character_missing_from_a_cell_font_is_reported_with_its_cell");
    let mut issue = fixture_issue();
    let lines = calendar_lines(&mut issue);
    let at = lines
        .iter()
        .position(|l| l.as_str().is_some_and(|l| l.starts_with("| 3 octobre")))
        .unwrap();
    lines[at] = Value::from("| 3 octobre | Forum ☃ énergie | | Liévin |");
    let issue = write_case(&dir, issue, None);
    let output = run(&mut maquette(["check".as_ref(), issue.as_os_str()]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let line = format!(
        "Markdown line {}, character 7 of the table cell in column 2",
        at + 1
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("error") && l.contains(&line) && l.contains("U+2603")),
        "no error naming « {line} » and U+2603:\n{stdout}"
    );
}
