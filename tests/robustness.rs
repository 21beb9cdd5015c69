//! The engine's promises on bad and hostile input, run as a user runs it:
//! exit 2 with an error naming the file and the fix, no file written or
//! changed, never a panic; an output never replaces an input; corrupt files
//! refused; limits said; no text lost with exit 0.

#[allow(dead_code)]
mod common;

use common::{
    example_issue, example_layout, manifest_dir, render_command, render_expecting_failure, run,
    story_lines_mut, tool, write_json, TestDir,
};
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};

/// The example issue, using a copy of the example layout changed by `edit`.
fn with_layout(dir: &TestDir, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut layout = example_layout();
    edit(&mut layout);
    let layout_path = write_json(dir, "layout.json", &layout);
    let mut issue = example_issue();
    issue["layout"] = Value::from(layout_path.to_str().unwrap());
    write_json(dir, "issue.json", &issue)
}

/// The example issue changed by `edit`.
fn with_issue(dir: &TestDir, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut issue = example_issue();
    edit(&mut issue);
    write_json(dir, "issue.json", &issue)
}

/// Runs `render ISSUE -o OUT` and expects exit `code` with every `expected` in stderr.
fn refused_with(dir: &TestDir, issue: &Path, code: i32, expected: &[&str]) -> String {
    let stderr = render_expecting_failure(dir, issue, code);
    for e in expected {
        assert!(stderr.contains(e), "no `{e}` in:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn an_output_never_replaces_an_input() {
    let dir = TestDir::new("an_output_never_replaces_an_input");
    let issue = with_issue(&dir, |_| {});
    let layout = common::example_layout_path();
    let font = manifest_dir().join("fonts/OpenSans-Regular.ttf");
    for target in [issue.clone(), layout, font] {
        let before = fs::read(&target).unwrap();
        let out = run(&mut render_command(&issue, &target));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", target.display());
        assert!(stderr.contains("which this run reads"), "{stderr}");
        assert_eq!(
            fs::read(&target).unwrap(),
            before,
            "{} was changed",
            target.display()
        );
    }
    // An issue named like its own default output.
    let named_pdf = dir.join("lettre.pdf");
    fs::copy(&issue, &named_pdf).unwrap();
    let before = fs::read(&named_pdf).unwrap();
    let out = run(&mut common::maquette([
        "render".as_ref(),
        named_pdf.as_os_str(),
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read(&named_pdf).unwrap(), before);
}

#[test]
fn an_output_that_is_not_a_regular_file_is_refused() {
    let dir = TestDir::new("an_output_that_is_not_a_regular_file_is_refused");
    let issue = with_issue(&dir, |_| {});
    let folder = dir.join("folder");
    fs::create_dir(&folder).unwrap();
    for target in [PathBuf::from("/dev/null"), folder.clone()] {
        let out = run(&mut render_command(&issue, &target));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
    let meta = fs::metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null was replaced by a file");
    assert!(folder.is_dir());
}

#[test]
fn an_input_that_is_not_a_regular_file_is_refused() {
    let dir = TestDir::new("an_input_that_is_not_a_regular_file_is_refused");
    let issue = with_issue(&dir, |i| i["layout"] = json!("/dev/zero"));
    refused_with(&dir, &issue, 2, &["/dev/zero", "not a regular file"]);
}

#[test]
fn corrupt_fonts_images_and_profiles_are_refused_naming_the_file() {
    let dir = TestDir::new("corrupt_fonts_images_and_profiles_are_refused_naming_the_file");
    let font = fs::read(manifest_dir().join("fonts/OpenSans-Regular.ttf")).unwrap();
    let cut_font = dir.join("cut.ttf");
    fs::write(&cut_font, &font[..font.len() / 2]).unwrap();
    let issue = with_layout(&dir, |l| {
        l["fonts"]["sans"]["regular"] = json!(cut_font.to_str().unwrap())
    });
    refused_with(&dir, &issue, 2, &["cut.ttf", "corrupt"]);

    let photo = fs::read(manifest_dir().join("examples/images/panneaux.jpg")).unwrap();
    let cut_photo = dir.join("cut.jpg");
    fs::write(&cut_photo, &photo[..photo.len() / 2]).unwrap();
    let issue = with_issue(&dir, |i| {
        let photo = story_lines_mut(i, "photo");
        let line = photo[0].as_str().unwrap();
        let start = line.find("](").unwrap() + 2;
        photo[0] = Value::from(format!("{}{})", &line[..start], cut_photo.display()));
    });
    refused_with(&dir, &issue, 2, &["cut.jpg", "cut short"]);

    let icc = fs::read(manifest_dir().join("layouts/icc/FOGRA39L_coated.icc")).unwrap();
    let cut_icc = dir.join("cut.icc");
    fs::write(&cut_icc, &icc[..icc.len() / 2]).unwrap();
    let issue = with_layout(&dir, |l| {
        l["print"]["icc_profile"] = json!(cut_icc.to_str().unwrap())
    });
    let out = dir.join("out.pdf");
    let output = run(&mut common::maquette([
        "render".as_ref(),
        issue.as_os_str(),
        "--edition".as_ref(),
        "print".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("cut.icc") && stderr.contains("corrupt"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// A change to the layout.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn values_out_of_range_are_refused_with_the_range() {
    let cases: [(&str, Edit, &str); 8] = [
        (
            "bleed",
            Box::new(|l| l["page"]["bleed_mm"] = json!(-3)),
            "page.bleed_mm",
        ),
        (
            "page",
            Box::new(|l| l["page"]["width_mm"] = json!(1e9)),
            "page.width_mm",
        ),
        (
            "grid",
            Box::new(|l| l["baseline_grid_pt"] = json!(-12)),
            "baseline_grid_pt",
        ),
        (
            "size",
            Box::new(|l| l["paragraph_styles"]["body"]["size_pt"] = json!(2000)),
            "paragraph_styles.body.size_pt",
        ),
        (
            "huge",
            Box::new(|l| l["paragraph_styles"]["body"]["size_pt"] = json!(1e39)),
            "paragraph_styles.body.size_pt",
        ),
        (
            "spacing",
            Box::new(|l| l["paragraph_styles"]["body"]["letter_spacing_pct"] = json!(-3)),
            "letter_spacing_pct",
        ),
        (
            "cmyk",
            Box::new(|l| l["swatches"]["teal"]["cmyk"] = json!([185, 0, 0, 0])),
            "swatches.teal.cmyk",
        ),
        (
            "frame",
            Box::new(|l| {
                for item in l["masters"]["first"]["items"].as_array_mut().unwrap() {
                    if item["name"] == "col2" {
                        item["x_mm"] = json!(400);
                    }
                }
            }),
            "masters.first.items[",
        ),
    ];
    for (name, edit, at) in cases {
        let dir = TestDir::new(&format!("values_out_of_range_{name}"));
        let issue = with_layout(&dir, edit);
        refused_with(&dir, &issue, 2, &["layout.json", at, "hint:"]);
    }
}

#[test]
fn a_date_that_is_not_in_the_calendar_is_refused() {
    let dir = TestDir::new("a_date_that_is_not_in_the_calendar_is_refused");
    let issue = with_issue(&dir, |i| i["meta"]["date"] = json!("2018-02-30"));
    refused_with(&dir, &issue, 2, &["issue.json", "meta.date", "2018-02-30"]);
}

#[test]
fn links_to_other_schemes_or_nowhere_are_refused() {
    for (name, link) in [
        ("javascript", "[ici](javascript:alert(1))"),
        ("empty", "[ici]()"),
        ("file", "[ici](file:///etc/passwd)"),
    ] {
        let dir = TestDir::new(&format!("links_refused_{name}"));
        let issue = with_issue(&dir, |i| story_lines_mut(i, "zoom").push(Value::from(link)));
        refused_with(
            &dir,
            &issue,
            2,
            &["issue.json", "stories[zoom]", "Markdown line", "hint:"],
        );
    }
}

#[test]
fn a_word_wider_than_its_column_is_broken_with_a_warning() {
    let dir = TestDir::new("a_word_wider_than_its_column_is_broken_with_a_warning");
    let word = "x".repeat(300);
    let issue = with_issue(&dir, |i| {
        story_lines_mut(i, "main").insert(2, Value::from(format!("Un mot {word} fin.")));
    });
    let pdf = dir.join("out.pdf");
    let out = run(&mut render_command(&issue, &pdf));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("broken by force"), "{stderr}");
    let text: String = tool("pdftotext", [pdf.as_os_str(), "-".as_ref()])
        .chars()
        .filter(|&c| c == 'x')
        .collect();
    assert!(
        text.len() >= 300,
        "only {} of the 300 letters are in the PDF",
        text.len()
    );
}

#[test]
fn overlong_fields_and_paragraphs_are_refused_with_the_limit() {
    let dir = TestDir::new("overlong_fields_and_paragraphs_are_refused_with_the_limit");
    let issue = with_issue(&dir, |i| {
        i["meta"]["publication"] = Value::from("P".repeat(40_000))
    });
    refused_with(&dir, &issue, 2, &["meta.publication", "200"]);
    let issue = with_issue(&dir, |i| {
        story_lines_mut(i, "main").push(Value::from("mot ".repeat(10_000)));
    });
    refused_with(&dir, &issue, 2, &["issue.json", "20000", "split it"]);
}

#[test]
fn a_lost_heading_in_a_list_fails_rather_than_vanish() {
    let dir = TestDir::new("a_lost_heading_in_a_list_fails_rather_than_vanish");
    let issue = with_issue(&dir, |i| {
        let zoom = story_lines_mut(i, "zoom");
        zoom.push(Value::from(""));
        zoom.push(Value::from("- un point"));
        zoom.push(Value::from("  ## un titre"));
    });
    let pdf = dir.join("out.pdf");
    let out = run(&mut render_command(&issue, &pdf));
    if out.status.success() {
        let text = tool("pdftotext", [pdf.as_os_str(), "-".as_ref()]);
        assert!(
            text.contains("un point") && text.contains("un titre"),
            "text lost with exit 0"
        );
    } else {
        assert!(!pdf.exists());
    }
}
