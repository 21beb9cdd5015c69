//! End-to-end tests of the `maquette` binary: each renders a real issue and
//! checks the PDF with real tools (poppler-utils' pdftotext, pdffonts and
//! pdfinfo, and qpdf), or checks how a bad input is refused.

#[allow(dead_code)] // each test crate uses its own part of the shared helpers
mod common;

use std::fs;

use common::qpdf::{pdf_string, QpdfJson};
use common::words::{markdown_to_text, normalise, words_of, PdfWords};
use common::*;
use serde_json::Value;

/// Every word of every story of the example, and the header, is in the PDF's text.
#[test]
fn every_word_of_the_issue_is_in_the_pdf() {
    let dir = TestDir::new("every_word_of_the_issue_is_in_the_pdf");
    let pdf = render_example(&dir);
    let pdf_text = tool("pdftotext", [pdf.as_os_str(), "-".as_ref()]);
    let printed = PdfWords::new(&pdf_text);

    let issue: Value =
        serde_json::from_str(&fs::read_to_string(example_issue_path()).unwrap()).unwrap();
    let mut missing = Vec::new();
    let mut checked = 0;
    for story in issue["stories"].as_array().unwrap() {
        let lines: Vec<&str> = match &story["text"] {
            Value::String(text) => text.lines().collect(),
            Value::Array(lines) => lines.iter().map(|l| l.as_str().unwrap()).collect(),
            other => panic!("unexpected story text: {other}"),
        };
        for word in words_of(&markdown_to_text(&lines)) {
            checked += 1;
            if !printed.contains(&word) {
                missing.push(format!("{} in story `{}`", word, story["name"]));
            }
        }
    }
    assert!(checked > 500, "only {checked} words were checked");
    assert!(
        missing.is_empty(),
        "{} words of the issue are not in the PDF:\n  {}\n--- pdftotext output:\n{pdf_text}",
        missing.len(),
        missing.join("\n  ")
    );

    for piece in ["numéro", "juillet", "2017"] {
        assert!(printed.contains(piece), "the header lacks `{piece}`");
    }
    assert!(
        normalise(&pdf_text).contains("La lettre du PMA"),
        "the publication's name is not in the PDF"
    );
}

/// Every font is embedded, subset, and maps its glyphs back to Unicode.
#[test]
fn fonts_are_embedded_subset_and_mapped() {
    let dir = TestDir::new("fonts_are_embedded_subset_and_mapped");
    let pdf = render_example(&dir);
    assert_fonts_embedded_subset_mapped(&pdf);
}

/// qpdf finds no syntax or stream encoding error in the PDF.
#[test]
fn qpdf_finds_no_error() {
    let dir = TestDir::new("qpdf_finds_no_error");
    let pdf = render_example(&dir);
    // `tool` already fails the test if qpdf exits with a non-zero code.
    let report = tool("qpdf", ["--check".as_ref(), pdf.as_os_str()]);
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "qpdf --check says:\n{report}"
    );
}

/// The example makes two pages, all of them A4.
#[test]
fn pages_are_a4() {
    let dir = TestDir::new("pages_are_a4");
    let pdf = render_example(&dir);

    let info = tool("pdfinfo", [&pdf]);
    assert_eq!(info_field(&info, "Pages").as_deref(), Some("2"), "{info}");
    let size = info_field(&info, "Page size").expect("pdfinfo shows no page size");
    assert_a4(&size);

    let info = tool("pdfinfo", ["-f", "1", "-l", "2", pdf.to_str().unwrap()]);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|line| line.starts_with("Page ") && line.contains(" size:"))
        .map(|line| line.split_once("size:").unwrap().1.trim())
        .collect();
    assert_eq!(sizes.len(), 2, "expected the size of 2 pages:\n{info}");
    sizes.into_iter().for_each(assert_a4);
}

/// The value of `field` in pdfinfo's output (`Field:   value`).
fn info_field(info: &str, field: &str) -> Option<String> {
    info.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .map(|value| value.trim().to_string())
}

/// Checks a pdfinfo page size such as `595.276 x 841.89 pts (A4)`.
fn assert_a4(size: &str) {
    assert!(size.contains("(A4)"), "not an A4 page: {size}");
    let numbers: Vec<f64> = size
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    let [width, height] = numbers[..] else {
        panic!("cannot read the page size: {size}")
    };
    assert!(
        (width - 595.276).abs() < 0.5 && (height - 841.89).abs() < 0.5,
        "not 595.276 × 841.89 pt: {size}"
    );
}

/// The document's title, author and language are set from the issue.
#[test]
fn metadata_title_author_language() {
    let dir = TestDir::new("metadata_title_author_language");
    let pdf = render_example(&dir);

    let info = tool("pdfinfo", [&pdf]);
    let title = info_field(&info, "Title").unwrap_or_default();
    assert!(title.contains("La lettre du PMA"), "title: {title:?}");
    let author = info_field(&info, "Author").unwrap_or_default();
    assert_eq!(normalise(&author), "Pôle Métropolitain de l’Artois");

    let qpdf = QpdfJson::of(&pdf);
    let lang = qpdf.get(qpdf.catalog(), "/Lang");
    assert_eq!(
        pdf_string(lang).as_deref(),
        Some("fr-FR"),
        "the catalog's /Lang is {lang}"
    );
}

/// The Markdown links are link annotations, and each article has a bookmark.
#[test]
fn links_and_bookmarks() {
    let dir = TestDir::new("links_and_bookmarks");
    let pdf = render_example(&dir);
    let qpdf = QpdfJson::of(&pdf);

    let mut uris = Vec::new();
    for page in qpdf.pages() {
        let annotations = qpdf.get(page, "/Annots");
        for annotation in annotations.as_array().into_iter().flatten() {
            let annotation = qpdf.resolve(annotation);
            if annotation["/Subtype"] == "/Link" {
                let action = qpdf.get(annotation, "/A");
                if action["/S"] == "/URI" {
                    uris.extend(pdf_string(qpdf.get(action, "/URI")));
                }
            }
        }
    }
    for uri in [
        "mailto:coline.senechal@pm-artois.fr",
        "mailto:guerric.caron@pm-artois.fr",
        "http://polemetropolitainartois.fr",
    ] {
        assert!(
            uris.iter().any(|u| u == uri),
            "no link to {uri}; links: {uris:?}"
        );
    }

    assert!(
        !qpdf.get(qpdf.catalog(), "/Outlines").is_null(),
        "the catalog has no /Outlines"
    );
    let entries = qpdf.outline_entries();
    let titles: Vec<String> = entries
        .iter()
        .map(|entry| normalise(entry["title"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        titles,
        [
            "Déjà le 7ème Comité syndical !",
            "Forte mobilisation pour le deuxième atelier du Forum Énergie",
            "Le Pôle Métropolitain écrit à Xavier Bertrand",
            "Le Pôle Métropolitain de l’Artois a son site web !",
        ]
    );
    for entry in entries {
        assert!(
            entry["destpageposfrom1"].is_u64(),
            "bookmark without a page to go to: {entry}"
        );
    }
}

/// The same input gives the same bytes, with or without SOURCE_DATE_EPOCH.
#[test]
fn same_input_same_bytes() {
    let dir = TestDir::new("same_input_same_bytes");
    let issue = example_issue_path();
    let render_to = |name: &str, epoch: Option<&str>| {
        let pdf = dir.join(name);
        let mut command = render_command(&issue, &pdf);
        if let Some(epoch) = epoch {
            command.env("SOURCE_DATE_EPOCH", epoch);
        }
        assert_success(&run(&mut command), &format!("render {name}"));
        fs::read(pdf).unwrap()
    };

    let with_epoch = render_to("epoch-a.pdf", Some("1498867200"));
    let with_epoch_again = render_to("epoch-b.pdf", Some("1498867200"));
    let without = render_to("plain-a.pdf", None);
    let without_again = render_to("plain-b.pdf", None);
    assert!(
        with_epoch == with_epoch_again,
        "two renders with SOURCE_DATE_EPOCH differ"
    );
    assert!(
        without == without_again,
        "two renders without SOURCE_DATE_EPOCH differ"
    );
}

/// Malformed JSON: exit 2, and stderr points at the file, line and column.
#[test]
fn malformed_json_is_refused_with_its_position() {
    let dir = TestDir::new("malformed_json_is_refused_with_its_position");
    // A trailing comma after the last story.
    let text = serde_json::to_string_pretty(&example_issue()).unwrap();
    let text = text
        .strip_suffix("\n}")
        .expect("pretty JSON ends with `\\n}`");
    let text = format!("{text},\n}}\n");
    let issue = dir.join("bad.json");
    fs::write(&issue, &text).unwrap();
    // The error is at the `}` that follows the comma: last line, column 1.
    let line = text.lines().count();

    let stderr = render_expecting_failure(&dir, &issue, 2);
    assert!(
        stderr.contains(&format!("bad.json:{line}:1:")),
        "stderr should point at bad.json:{line}:1, got:\n{stderr}"
    );
    assert!(
        stderr.contains("comma"),
        "stderr should name the fault:\n{stderr}"
    );
}

/// An unknown field: exit 2, and stderr names the field and its path.
#[test]
fn unknown_field_is_refused_with_its_path() {
    let dir = TestDir::new("unknown_field_is_refused_with_its_path");

    let mut issue = example_issue();
    issue["meta"]["nombre"] = Value::from(2);
    let path = write_json(&dir, "meta.json", &issue);
    let stderr = render_expecting_failure(&dir, &path, 2);
    for expected in ["unknown field", "nombre", "`meta.nombre`", "meta.json:"] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }

    let mut issue = example_issue();
    issue["titre"] = Value::from("La lettre");
    let path = write_json(&dir, "top.json", &issue);
    let stderr = render_expecting_failure(&dir, &path, 2);
    for expected in ["unknown field", "`titre`", "top.json:"] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
}

/// A layout naming a font file that does not exist: exit 2, stderr names it.
#[test]
fn missing_font_file_is_named() {
    let dir = TestDir::new("missing_font_file_is_named");
    let missing_font = dir.join("fonts/NoSuchFont-Regular.otf");
    let mut layout = example_layout();
    layout["fonts"]["serif"]["regular"] = Value::from(missing_font.to_str().unwrap());
    let layout = write_json(&dir, "layout.json", &layout);
    let mut issue = example_issue();
    issue["layout"] = Value::from(layout.to_str().unwrap());
    let issue = write_json(&dir, "issue.json", &issue);

    let stderr = render_expecting_failure(&dir, &issue, 2);
    assert!(
        stderr.contains(missing_font.to_str().unwrap()),
        "stderr should name {}:\n{stderr}",
        missing_font.display()
    );
}

/// An image file that does not exist: exit 2, stderr names it.
#[test]
fn missing_image_file_is_named() {
    let dir = TestDir::new("missing_image_file_is_named");
    let mut issue = example_issue();
    for line in story_lines_mut(&mut issue, "photo") {
        let text = line.as_str().unwrap();
        if let Some((alt, _)) = text.split_once("](") {
            *line = Value::from(format!("{alt}](images/nonexistent.jpg)"));
        }
    }
    let issue = write_json(&dir, "issue.json", &issue);

    let stderr = render_expecting_failure(&dir, &issue, 2);
    assert!(
        stderr.contains("images/nonexistent.jpg"),
        "stderr should name the image:\n{stderr}"
    );
}

/// A story too long for its frames fails the layout (exit 1), and an
/// existing output file survives the failed run.
#[test]
fn overset_story_fails_and_keeps_the_old_output() {
    let dir = TestDir::new("overset_story_fails_and_keeps_the_old_output");
    let mut issue = example_issue();
    let agenda = story_lines_mut(&mut issue, "agenda");
    *agenda = agenda
        .iter()
        .cycle()
        .take(6 * agenda.len())
        .cloned()
        .collect();
    let issue = write_json(&dir, "issue.json", &issue);
    let previous = b"%PDF-1.7 the previous issue, which must survive".to_vec();
    fs::write(dir.join("out.pdf"), &previous).unwrap();

    // render_expecting_failure also checks out.pdf is unchanged.
    let stderr = render_expecting_failure(&dir, &issue, 1);
    for expected in ["agenda", "did not fit"] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
    assert_eq!(fs::read(dir.join("out.pdf")).unwrap(), previous);
}

/// An issue naming a layout file that does not exist: exit 2.
#[test]
fn missing_layout_file_is_refused() {
    let dir = TestDir::new("missing_layout_file_is_refused");
    let missing_layout = dir.join("no-such-layout.json");
    let mut issue = example_issue();
    issue["layout"] = Value::from(missing_layout.to_str().unwrap());
    let issue = write_json(&dir, "issue.json", &issue);

    let stderr = render_expecting_failure(&dir, &issue, 2);
    assert!(
        stderr.contains("no-such-layout.json"),
        "stderr should name the layout file:\n{stderr}"
    );
}

/// `--help` lists the `render` command; `--version` prints the crate's version.
#[test]
fn help_and_version() {
    let output = run(&mut maquette(["--help"]));
    assert_success(&output, "maquette --help");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains("render"),
        "--help does not mention render:\n{help}"
    );

    let output = run(&mut maquette(["--version"]));
    assert_success(&output, "maquette --version");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("maquette {}", env!("CARGO_PKG_VERSION"))
    );
}

/// Without `-o`, the PDF goes next to the issue, with the `.pdf` extension.
#[test]
fn default_output_path() {
    let dir = TestDir::new("default_output_path");
    let issue = write_json(&dir, "x.json", &example_issue());
    let output = run(&mut maquette(["render".as_ref(), issue.as_os_str()]));
    assert_success(&output, "maquette render x.json");
    assert_eq!(dir.listing(), ["x.json", "x.pdf"]);
    let info = tool("pdfinfo", [dir.join("x.pdf")]);
    assert_eq!(info_field(&info, "Pages").as_deref(), Some("2"), "{info}");
}

/// A change made to the example's issue and layout.
type Change = Box<dyn Fn(&mut Value, &mut Value)>;

/// A misspelt field, value, story or style name is answered with « did you
/// mean … », and the values a field takes are listed.
#[test]
fn misspelt_names_get_a_did_you_mean() {
    let dir = TestDir::new("misspelt_names_get_a_did_you_mean");
    let cases: [(&str, Change, &[&str]); 4] = [
        (
            "field",
            Box::new(|issue, _| issue["meta"]["nmber"] = Value::from(2)),
            &["meta.nmber", "did you mean `number`?"],
        ),
        (
            "story",
            Box::new(|issue, _| issue["stories"][0]["name"] = Value::from("agneda")),
            &["stories[0].name", "did you mean `agenda`?"],
        ),
        (
            "value",
            Box::new(|_, layout| {
                layout["paragraph_styles"]["body"]["align"] = Value::from("justified")
            }),
            &[
                "paragraph_styles.body.align",
                "`justify`, `left`, `right`, `center`",
                "did you mean `justify`?",
            ],
        ),
        (
            "style",
            Box::new(|_, layout| layout["element_styles"]["paragraph"] = Value::from("bdy")),
            &["did you mean `body`?"],
        ),
    ];
    for (what, change, expected) in cases {
        let mut issue = example_issue();
        let mut layout = layout_with_absolute_paths(&example_layout_path());
        change(&mut issue, &mut layout);
        let layout_file = write_json(&dir, &format!("{what}-layout.json"), &layout);
        issue["layout"] = Value::from(layout_file.to_string_lossy().into_owned());
        let issue_file = write_json(&dir, &format!("{what}.json"), &issue);
        let stderr = render_expecting_failure(&dir, &issue_file, 2);
        for needle in expected {
            assert!(
                stderr.contains(needle),
                "a misspelt {what}: no « {needle} » in:\n{stderr}"
            );
        }
    }
}
