//! The page model on real output: issues of one to five pages of text the
//! engine was not tuned on fill every page (no blank sidebar strip, no text
//! over text, the masthead on the last page); masters by side; a page count
//! the layout fixes or bounds; frames with no text left undrawn; and every
//! structural fault of a layout refused when it is read, naming both places.

#[allow(dead_code)]
mod common;

use common::{
    example_issue, example_layout, manifest_dir, maquette, render, render_edition,
    render_expecting_failure, run, story_lines_mut, tool, write_json, TestDir,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The page count `pdfinfo` reports.
fn page_count(pdf: &Path) -> usize {
    let info = tool("pdfinfo", [pdf]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo's output:\n{info}"))
}

/// Runs `tools/pagecheck.py` (ink over ink, blank sidebar strips, what the
/// last page holds) and fails the test with its report.
fn pagecheck(pdf: &Path, last_has: &str) {
    let out = Command::new("python3")
        .arg(manifest_dir().join("tools/pagecheck.py"))
        .arg(pdf)
        .args(["--sidebar-x", "70", "--last-has", last_has])
        .output()
        .expect("python3 is needed to run tools/pagecheck.py: install python3");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "pagecheck failed: {report}");
}

/// The text of page `page` (1-based).
fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    tool(
        "pdftotext",
        [
            "-f".as_ref(),
            n.as_ref(),
            "-l".as_ref(),
            n.as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    )
}

/// The PMA fixture `lettre-pma-NN.json`.
fn fixture(n: u32) -> PathBuf {
    manifest_dir().join(format!("tests/fixtures/lettre-pma-{n:02}.json"))
}

#[test]
fn issues_of_one_to_five_pages_fill_every_page() {
    let dir = TestDir::new("issues_of_one_to_five_pages_fill_every_page");
    for (n, pages) in [(2, 2), (3, 3), (4, 4), (5, 5), (6, 1)] {
        let pdf = dir.join(&format!("issue-{n}.pdf"));
        render(&fixture(n), &pdf);
        assert_eq!(page_count(&pdf), pages, "issue {n}");
        pagecheck(&pdf, "Directeur de publication");
        let last = page_text(&pdf, pages);
        assert!(
            last.contains("Maison Syndicale"),
            "issue {n}: masthead not on the last page"
        );
        if pages > 1 {
            assert!(
                last.contains("ZOOM SUR"),
                "issue {n}: ZOOM SUR not on the last page"
            );
            for page in 1..pages {
                assert!(
                    !page_text(&pdf, page).contains("Directeur de publication"),
                    "issue {n}: the masthead is on page {page} too"
                );
            }
        }
    }
}

#[test]
fn the_example_keeps_its_two_pages() {
    let dir = TestDir::new("the_example_keeps_its_two_pages");
    let pdf = common::render_example(&dir);
    assert_eq!(page_count(&pdf), 2);
    pagecheck(&pdf, "Directeur de publication");
}

/// The example issue with its main story `times` as long, and the example
/// layout changed by `edit`, written into `dir`.
fn variant(dir: &TestDir, times: usize, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut layout = example_layout();
    edit(&mut layout);
    let layout_path = write_json(dir, "layout.json", &layout);
    let mut issue = example_issue();
    issue["layout"] = Value::from(layout_path.to_str().unwrap());
    let main = story_lines_mut(&mut issue, "main");
    let once = main.clone();
    for _ in 1..times {
        main.push(Value::from(""));
        main.extend(once.iter().cloned());
    }
    write_json(dir, "issue.json", &issue)
}

#[test]
fn a_fixed_page_count_that_is_exceeded_fails_with_the_numbers() {
    let dir = TestDir::new("a_fixed_page_count_that_is_exceeded_fails_with_the_numbers");
    let issue = variant(&dir, 3, |l| l["pages"]["count"] = json!(2));
    let stderr = render_expecting_failure(&dir, &issue, 1);
    for expected in [
        "story `main`",
        "did not fit",
        "2 pages the layout allows",
        "lines",
        "words",
        "Markdown line",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
}

#[test]
fn fewer_pages_of_text_than_required_say_how_much_room_is_left() {
    let dir = TestDir::new("fewer_pages_of_text_than_required_say_how_much_room_is_left");
    let issue = variant(&dir, 1, |l| l["pages"]["count"] = json!({ "min": 3 }));
    let pdf = dir.join("out.pdf");
    let output = run(&mut common::render_command(&issue, &pdf));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("room is left") && stderr.contains("lines in chain `main`"),
        "{stderr}"
    );
    assert_eq!(page_count(&pdf), 3);
    pagecheck(&pdf, "Directeur de publication");
}

#[test]
fn a_booklet_takes_a_multiple_of_four_pages() {
    let dir = TestDir::new("a_booklet_takes_a_multiple_of_four_pages");
    let issue = variant(&dir, 2, |l| {
        l["pages"]["count"] = json!({ "multiple_of": 4 })
    });
    let pdf = dir.join("out.pdf");
    render(&issue, &pdf);
    assert_eq!(page_count(&pdf), 4);
    pagecheck(&pdf, "Directeur de publication");
}

#[test]
fn masters_alternate_by_side() {
    let dir = TestDir::new("masters_alternate_by_side");
    let issue = variant(&dir, 4, |l| {
        let between = l["masters"]["next"].clone();
        for (side, mark) in [("left", "verso"), ("right", "recto")] {
            let mut m = between.clone();
            for item in m["items"].as_array_mut().unwrap() {
                if item["text"] == "{page} / {pages}" {
                    item["text"] = Value::from(format!("{mark} {{page}}"));
                }
            }
            l["masters"][format!("next-{side}")] = m;
        }
        l["masters"].as_object_mut().unwrap().remove("next");
        l["pages"]["next"] = json!({ "left": "next-left", "right": "next-right" });
        for frame in l["chains"]["main"]["frames"].as_array_mut().unwrap() {
            if let Some(name) = frame.as_str().unwrap().strip_prefix("next/") {
                *frame = Value::from(format!("next-left/{name}"));
            }
        }
        let extra: Vec<Value> = ["col0", "col1", "col2"]
            .iter()
            .map(|c| Value::from(format!("next-right/{c}")))
            .collect();
        l["chains"]["main"]["frames"]
            .as_array_mut()
            .unwrap()
            .extend(extra);
    });
    let pdf = dir.join("out.pdf");
    render(&issue, &pdf);
    let pages = page_count(&pdf);
    assert!(pages >= 4, "{pages} pages");
    for page in 2..pages {
        let side = if page % 2 == 0 { "verso" } else { "recto" };
        let text = page_text(&pdf, page);
        assert!(
            text.contains(&format!("{side} {page}")),
            "page {page} is not {side}:\n{text}"
        );
    }
    pagecheck(&pdf, "Directeur de publication");
}

#[test]
fn a_chain_with_no_story_is_not_drawn_and_check_says_so() {
    let dir = TestDir::new("a_chain_with_no_story_is_not_drawn_and_check_says_so");
    let mut issue = example_issue();
    issue["stories"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["name"] != "zoom");
    let issue = write_json(&dir, "issue.json", &issue);
    let out = run(&mut maquette(["check".as_ref(), issue.as_os_str()]));
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(report.contains("chain `zoom`"), "{report}");
    let pdf = dir.join("out.pdf");
    render(&issue, &pdf);
    assert!(
        !page_text(&pdf, 2).contains("ZOOM SUR"),
        "the empty frame's label is drawn"
    );
}

#[test]
fn overlapping_frames_of_two_chains_are_a_warning() {
    let dir = TestDir::new("overlapping_frames_of_two_chains_are_a_warning");
    let issue = variant(&dir, 1, |l| {
        for item in l["masters"]["last"]["items"].as_array_mut().unwrap() {
            if item["name"] == "photo" {
                item["y_mm"] = json!(80);
            }
        }
    });
    let out = run(&mut maquette(["check".as_ref(), issue.as_os_str()]));
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        report.contains("overlap") && report.contains("`zoom`") && report.contains("`photo`"),
        "{report}"
    );
}

/// A faulty layout: the run fails with exit 2, writes nothing, and its
/// error names the layout file and each of `expected`.
fn refused(test: &str, edit: impl FnOnce(&mut Value), expected: &[&str]) {
    let dir = TestDir::new(test);
    let issue = variant(&dir, 1, edit);
    let stderr = render_expecting_failure(&dir, &issue, 2);
    assert!(
        stderr.contains("layout.json"),
        "the layout file is not named:\n{stderr}"
    );
    assert!(stderr.contains("hint:"), "no hint:\n{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "no `{e}` in:\n{stderr}");
    }
}

#[test]
fn a_frame_in_two_chains_is_refused() {
    refused(
        "a_frame_in_two_chains_is_refused",
        |l| l["chains"]["zoom"]["frames"] = json!(["last/zoom", "last/col2"]),
        &[
            "`last/col2`",
            "chain `main`",
            "chain `zoom`",
            "chains.zoom.frames[1]",
        ],
    );
}

#[test]
fn a_frame_twice_in_one_chain_is_refused() {
    refused(
        "a_frame_twice_in_one_chain_is_refused",
        |l| l["chains"]["photo"]["frames"] = json!(["last/photo", "last/photo"]),
        &[
            "named twice in chain `photo`",
            "chains.photo.frames[0]",
            "chains.photo.frames[1]",
        ],
    );
}

#[test]
fn two_frames_of_one_name_on_a_master_are_refused() {
    refused(
        "two_frames_of_one_name_on_a_master_are_refused",
        |l| {
            for item in l["masters"]["last"]["items"].as_array_mut().unwrap() {
                if item["name"] == "photo" {
                    item["name"] = json!("zoom");
                }
            }
        },
        &["two frames named `zoom`", "masters.last.items["],
    );
}

#[test]
fn a_chain_naming_a_missing_frame_or_master_is_refused() {
    refused(
        "a_chain_naming_a_missing_frame",
        |l| l["chains"]["photo"]["frames"] = json!(["last/picture"]),
        &[
            "no frame named `picture`",
            "chains.photo.frames[0]",
            "photo",
        ],
    );
    refused(
        "a_chain_naming_a_missing_master",
        |l| l["chains"]["photo"]["frames"] = json!(["back/photo"]),
        &["no master named `back`", "chains.photo.frames[0]"],
    );
}

#[test]
fn a_master_no_page_can_use_is_refused() {
    refused(
        "a_master_no_page_can_use_is_refused",
        |l| l["masters"]["spare"] = json!({ "items": [] }),
        &[
            "no page can use master `spare`",
            "masters.spare",
            "last is `last`",
        ],
    );
    refused(
        "pages_naming_a_missing_master_is_refused",
        |l| l["pages"]["last"] = json!("back"),
        &["no master named `back`", "pages.last"],
    );
}

#[test]
fn a_page_count_that_makes_no_sense_is_refused() {
    refused(
        "a_page_count_max_below_min",
        |l| l["pages"]["count"] = json!({ "min": 5, "max": 3 }),
        &["fewer than the fewest", "pages.count.max"],
    );
    refused(
        "a_page_count_with_no_multiple",
        |l| l["pages"]["count"] = json!({ "min": 5, "max": 7, "multiple_of": 4 }),
        &["multiple of 4", "pages.count.multiple_of"],
    );
    refused(
        "a_page_count_of_zero",
        |l| l["pages"]["count"] = json!(0),
        &["at least one page", "pages.count"],
    );
}

#[test]
fn two_stories_of_one_name_are_refused() {
    let dir = TestDir::new("two_stories_of_one_name_are_refused");
    let mut issue = example_issue();
    let stories = issue["stories"].as_array_mut().unwrap();
    let zoom = stories
        .iter()
        .find(|s| s["name"] == "zoom")
        .unwrap()
        .clone();
    stories.push(zoom);
    let issue = write_json(&dir, "issue.json", &issue);
    let stderr = render_expecting_failure(&dir, &issue, 2);
    for e in [
        "issue.json",
        "two stories are named `zoom`",
        "stories[2]",
        "stories[5]",
        "hint:",
    ] {
        assert!(stderr.contains(e), "no `{e}` in:\n{stderr}");
    }
}

#[test]
fn a_language_tag_must_be_well_formed_and_supported() {
    let dir = TestDir::new("a_language_tag_must_be_well_formed_and_supported");
    for (tag, expected) in [
        ("english", "not a BCP 47 language tag"),
        ("it-IT", "no typographic rules"),
    ] {
        let mut issue = example_issue();
        issue["meta"]["language"] = Value::from(tag);
        let issue = write_json(&dir, "issue.json", &issue);
        let stderr = render_expecting_failure(&dir, &issue, 2);
        for e in ["issue.json", "meta.language", expected, "en-GB", "fr-FR"] {
            assert!(stderr.contains(e), "{tag}: no `{e}` in:\n{stderr}");
        }
    }
}

#[test]
fn the_second_publication_renders_from_its_layout_alone() {
    let dir = TestDir::new("the_second_publication_renders_from_its_layout_alone");
    let issue = manifest_dir().join("examples/harbour-news-01.json");
    for edition in ["web", "print"] {
        let pdf = dir.join(&format!("harbour-{edition}.pdf"));
        render_edition(&issue, edition, &pdf);
        // A saddle-stitched booklet: a multiple of four A5 pages.
        assert_eq!(page_count(&pdf) % 4, 0);
        let info = tool("pdfinfo", ["-box".as_ref(), pdf.as_os_str()]);
        let trim: Vec<f64> = info
            .lines()
            .find_map(|l| l.strip_prefix("TrimBox:"))
            .map(|b| {
                b.split_whitespace()
                    .filter_map(|v| v.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            trim.len() == 4
                && (trim[2] - trim[0] - 419.53).abs() < 0.1
                && (trim[3] - trim[1] - 595.28).abs() < 0.1,
            "not A5:\n{info}"
        );
        // No text over text, anywhere.
        let check = Command::new("python3")
            .arg(manifest_dir().join("tools/pagecheck.py"))
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
        let pages = page_count(&pdf);
        let last = page_text(&pdf, pages);
        assert!(
            last.contains("WHAT’S ON") || last.contains("WHAT'S ON"),
            "{last}"
        );
        assert!(
            last.contains("Editor:"),
            "the masthead is not on the back page"
        );
        // English typography from plain typing: curly quotes, no French spaces.
        let all = tool("pdftotext", [pdf.as_os_str(), "-".as_ref()]);
        assert!(
            all.contains('“') && all.contains('’'),
            "straight quotes left as typed"
        );
        assert!(
            !all.contains('«') && !all.contains('\u{202f}'),
            "French rules in an English issue"
        );
        assert!(!all.contains('|'), "table markup printed");
    }
    // The calendar is a table: its rows read across, in order.
    let layout = tool(
        "pdftotext",
        [
            "-layout".as_ref(),
            dir.join("harbour-web.pdf").as_os_str(),
            "-".as_ref(),
        ],
    );
    let row = layout
        .lines()
        .find(|l| l.contains("Knit and natter"))
        .unwrap_or_else(|| panic!("no calendar row:\n{layout}"));
    let (date, event, place) = (
        row.find("Tue 10 Nov"),
        row.find("Knit"),
        row.find("Net loft"),
    );
    assert!(date < event && event < place && place.is_some(), "{row}");
}

/// Formats grow, never break: the layout as it was before pages had a
/// `last` master (only `first` and `next`) still renders, and gives the very
/// bytes the shipped layout gives the example.
#[test]
fn the_layout_format_of_issue_1_still_renders_the_same_bytes() {
    let dir = TestDir::new("the_layout_format_of_issue_1_still_renders_the_same_bytes");
    let legacy = manifest_dir().join("tests/fixtures/legacy/lettre-pma-01-v1.json");
    for edition in ["web", "print"] {
        let mut pdfs = Vec::new();
        for (name, issue) in [
            ("legacy", legacy.clone()),
            ("now", common::example_issue_path()),
        ] {
            let pdf = dir.join(&format!("{name}-{edition}.pdf"));
            render_edition(&issue, edition, &pdf);
            pdfs.push(std::fs::read(&pdf).unwrap());
        }
        assert!(
            pdfs[0] == pdfs[1],
            "the {edition} edition differs between the two layout formats"
        );
    }
}
