//! The two editions of an issue and the preflight, checked on real output
//! with real tools: the print edition (PDF/X-4: page boxes, output intent,
//! CMYK, crop marks, bleed) with pdfinfo, qpdf, pdftoppm, pdffonts and
//! Ghostscript; the web edition (tagged PDF/UA-1: structure tree, artifacts,
//! links) with qpdf; `--edition both`; and `maquette check`, each fault
//! injected alone into a copy of the example issue or layout.

#[allow(dead_code)] // each test crate uses its own part of the shared helpers
mod common;

use std::collections::HashMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use common::pages::{page_content, parent_tree, structure_elements, Element};
use common::qpdf::{pdf_string, stream_data, QpdfJson};
use common::words::normalise;
use common::*;
use image::GrayImage;
use serde_json::Value;

/// Points per millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;
/// The bleed the example layout asks for (3 mm), in points.
const BLEED_PT: f64 = 3.0 * PT_PER_MM;
/// The A4 page, in points.
const A4_PT: (f64, f64) = (595.276, 841.89);

// ---------------------------------------------------------------------------
// Running maquette and the tools.
// ---------------------------------------------------------------------------

/// The example's print edition, rendered as `dir/p.pdf`.
fn print_edition(dir: &TestDir) -> PathBuf {
    let pdf = dir.join("p.pdf");
    render_edition(&example_issue_path(), "print", &pdf);
    assert!(pdf.is_file(), "{} was not written", pdf.display());
    pdf
}

/// The example's web edition (the default edition), rendered into `dir`.
fn web_edition(dir: &TestDir) -> PathBuf {
    render_example(dir)
}

/// Runs a tool that must exit 0 and print nothing at all, neither output nor warning.
fn assert_silent(name: &str, args: &[&std::ffi::OsStr]) {
    let output = tool_output(name, args);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(
        output.status.success() && stdout.trim().is_empty() && stderr.trim().is_empty(),
        "`{name} {args:?}` should exit 0 and print nothing; it exited with {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
}

/// Ghostscript and pdftoppm read every page of `pdf` without a word of
/// warning, and pdfinfo reads it without a word on stderr.
fn assert_renders_silently(dir: &TestDir, pdf: &Path) {
    let info = tool_output("pdfinfo", [pdf]);
    assert_success(&info, "pdfinfo");
    let stderr = String::from_utf8_lossy(&info.stderr);
    assert!(stderr.trim().is_empty(), "pdfinfo warns:\n{stderr}");
    assert_silent(
        "gs",
        &[
            "-q".as_ref(),
            "-dNOPAUSE".as_ref(),
            "-dBATCH".as_ref(),
            "-sDEVICE=nullpage".as_ref(),
            pdf.as_os_str(),
        ],
    );
    let root = dir.join("low-resolution");
    assert_silent(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "20".as_ref(),
            pdf.as_os_str(),
            root.as_os_str(),
        ],
    );
}

/// The value of `field` in pdfinfo's output (`Field:   value`).
fn info_field(info: &str, field: &str) -> Option<String> {
    info.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .map(|value| value.trim().to_string())
}

/// The page count pdfinfo reads.
fn page_count(pdf: &Path) -> usize {
    let info = tool("pdfinfo", [pdf]);
    info_field(&info, "Pages")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo shows no page count:\n{info}"))
}

/// Text with every kind of space a plain space, runs of spaces collapsed, trimmed.
fn plain(text: &str) -> String {
    normalise(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Page boxes (pdfinfo -box).
// ---------------------------------------------------------------------------

/// A page box as pdfinfo prints it, in points: left, bottom, right, top.
#[derive(Debug, Clone, Copy)]
struct PdfBox {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl PdfBox {
    fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// How far `inner` lies inside this box on each side: left, bottom, right, top.
    fn margins(&self, inner: &PdfBox) -> [f64; 4] {
        [
            inner.x0 - self.x0,
            inner.y0 - self.y0,
            self.x1 - inner.x1,
            self.y1 - inner.y1,
        ]
    }
}

/// The MediaBox, BleedBox and TrimBox of every page, from `pdfinfo -box -f 1 -l N`.
fn page_boxes(pdf: &Path) -> Vec<HashMap<String, PdfBox>> {
    let pages = page_count(pdf);
    let last = pages.to_string();
    let info = tool(
        "pdfinfo",
        [
            "-box".as_ref(),
            "-f".as_ref(),
            "1".as_ref(),
            "-l".as_ref(),
            last.as_ref(),
            pdf.as_os_str(),
        ],
    );
    let mut boxes = vec![HashMap::new(); pages];
    for line in info.lines() {
        // `Page    1 MediaBox:      0.00     0.00   657.64   904.25`
        let words: Vec<&str> = line.split_whitespace().collect();
        let [page, number, name, x0, y0, x1, y1] = words[..] else {
            continue;
        };
        let (Some(name), "Page") = (name.strip_suffix("Box:"), page) else {
            continue;
        };
        let number: usize = number.parse().expect("a page number");
        let n = |s: &str| s.parse::<f64>().expect("a box coordinate");
        let pdf_box = PdfBox {
            x0: n(x0),
            y0: n(y0),
            x1: n(x1),
            y1: n(y1),
        };
        boxes[number - 1].insert(name.to_string(), pdf_box);
    }
    for (i, page) in boxes.iter().enumerate() {
        for name in ["Media", "Bleed", "Trim"] {
            assert!(
                page.contains_key(name),
                "pdfinfo shows no {name}Box for page {}:\n{info}",
                i + 1
            );
        }
    }
    boxes
}

// ---------------------------------------------------------------------------
// Raster checks (pdftoppm).
// ---------------------------------------------------------------------------

/// Page `page` of `pdf` rendered by pdftoppm at 72 dpi in grey (1 px = 1 pt, the MediaBox).
fn raster_72dpi(dir: &TestDir, pdf: &Path, page: usize) -> GrayImage {
    let root = dir.join(&format!("page-{page}"));
    let page = page.to_string();
    tool(
        "pdftoppm",
        [
            "-r".as_ref(),
            "72".as_ref(),
            "-gray".as_ref(),
            "-png".as_ref(),
            "-singlefile".as_ref(),
            "-f".as_ref(),
            page.as_ref(),
            "-l".as_ref(),
            page.as_ref(),
            pdf.as_os_str(),
            root.as_os_str(),
        ],
    );
    let png = root.with_extension("png");
    image::open(&png)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", png.display()))
        .to_luma8()
}

/// The pixels wholly inside a rectangle given in PDF points (origin at the
/// MediaBox's bottom left), less one pixel on each side.
fn pixels(media: &PdfBox, x0: f64, y0: f64, x1: f64, y1: f64) -> (Range<u32>, Range<u32>) {
    let column = |x: f64| x - media.x0;
    let row = |y: f64| media.y1 - y;
    let inner = |a: f64, b: f64| (a.ceil() as u32 + 1)..(b.floor() as u32).saturating_sub(1);
    (inner(column(x0), column(x1)), inner(row(y1), row(y0)))
}

/// The darkest and the lightest grey of a region of a raster.
fn grey_range(image: &GrayImage, (columns, rows): &(Range<u32>, Range<u32>)) -> (u8, u8) {
    assert!(
        !columns.is_empty() && !rows.is_empty(),
        "empty region {columns:?} × {rows:?}"
    );
    let mut range = (u8::MAX, u8::MIN);
    for y in rows.clone() {
        for x in columns.clone() {
            let grey = image.get_pixel(x, y)[0];
            range = (range.0.min(grey), range.1.max(grey));
        }
    }
    range
}

// ---------------------------------------------------------------------------
// The preflight (`maquette check`).
// ---------------------------------------------------------------------------

/// What `maquette check` printed, and how it exited.
struct Report {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Report {
    /// The report's findings: every line of stdout but the last (the summary).
    fn findings(&self) -> Vec<&str> {
        let lines: Vec<&str> = self.stdout.lines().collect();
        lines[..lines.len().saturating_sub(1)].to_vec()
    }

    /// The summary line: `…: N error(s), M warning(s) for the … edition(s)`.
    fn summary(&self) -> &str {
        self.stdout.lines().last().unwrap_or("")
    }

    /// The error and warning counts the summary line gives.
    fn counts(&self) -> (usize, usize) {
        let summary = self.summary();
        let count = |label: &str| -> usize {
            let before = summary
                .split_once(label)
                .unwrap_or_else(|| panic!("no `{label}` in the summary line: {summary}"))
                .0;
            let number = before
                .rsplit([' ', ','])
                .find(|w| !w.is_empty())
                .unwrap_or("");
            number
                .parse()
                .unwrap_or_else(|_| panic!("cannot read the count of {label} in: {summary}"))
        };
        (count(" error(s)"), count(" warning(s)"))
    }

    /// The finding that starts with `prefix` (`error [print]:`, `warning`…) and contains each of `words`.
    fn find(&self, prefix: &str, words: &[&str]) -> Option<&str> {
        self.findings()
            .into_iter()
            .find(|line| line.starts_with(prefix) && words.iter().all(|w| line.contains(w)))
    }

    /// Checks the exit code and that the summary agrees with the findings listed.
    fn assert_exit(&self, code: i32) {
        assert_eq!(
            self.code,
            Some(code),
            "expected `check` to exit with {code}\n{self}"
        );
        if code == 2 {
            return;
        }
        let errors = self
            .findings()
            .iter()
            .filter(|l| l.starts_with("error"))
            .count();
        let warnings = self
            .findings()
            .iter()
            .filter(|l| l.starts_with("warning"))
            .count();
        assert_eq!(
            self.counts(),
            (errors, warnings),
            "the summary does not count the findings listed\n{self}"
        );
        assert_eq!(
            errors + warnings,
            self.findings().len(),
            "every finding should start with `error` or `warning`\n{self}"
        );
        assert_eq!(
            code == 1,
            errors > 0,
            "exit {code} with {errors} error(s)\n{self}"
        );
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `maquette check ISSUE [--edition EDITION]`.
fn check(issue: &Path, edition: Option<&str>) -> Report {
    let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), issue.as_os_str()];
    if let Some(edition) = edition {
        args.extend(["--edition", edition].map(std::ffi::OsStr::new));
    }
    let output = run(&mut maquette(args));
    Report {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `maquette render ISSUE --edition EDITION -o dir/out.pdf` expecting
/// it to refuse: exit 1, `error: …` on stderr, and no file written.
fn assert_render_refused(dir: &TestDir, issue: &Path, edition: &str) -> String {
    let before = dir.listing();
    let out = dir.join("out.pdf");
    let output = run(&mut maquette([
        "render".as_ref(),
        issue.as_os_str(),
        "--edition".as_ref(),
        edition.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "render --edition {edition} should refuse with exit 1; stderr:\n{stderr}"
    );
    assert!(
        stderr.starts_with("error: "),
        "stderr should start with `error: `:\n{stderr}"
    );
    assert_eq!(
        dir.listing(),
        before,
        "a refused render --edition {edition} must write no file; stderr:\n{stderr}"
    );
    stderr
}

/// The example issue with its photo story's image replaced by the Markdown `image`.
fn issue_with_photo(image: &str) -> Value {
    let mut issue = example_issue();
    let lines = story_lines_mut(&mut issue, "photo");
    let line = lines
        .iter_mut()
        .find(|line| line.as_str().is_some_and(|l| l.starts_with("![")))
        .expect("the photo story has an image line");
    *line = Value::from(image);
    issue
}

/// The path of the example's photo (as the example issue names it, made absolute).
fn example_photo() -> String {
    let mut issue = example_issue();
    let lines = story_lines_mut(&mut issue, "photo");
    let line = lines
        .iter()
        .filter_map(Value::as_str)
        .find(|l| l.starts_with("!["))
        .expect("the photo story has an image line");
    let target = line.split_once("](").expect("a Markdown image").1;
    target
        .trim_end_matches(')')
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

/// The example issue using a copy of `layout`, written as `dir/layout.json`.
fn issue_with_layout(dir: &TestDir, layout: &Value) -> Value {
    let layout_path = write_json(dir, "layout.json", layout);
    let mut issue = example_issue();
    issue["layout"] = Value::from(layout_path.to_str().unwrap());
    issue
}

/// Writes a `width` × `height` PNG (a smooth colour gradient) as `dir/name`.
fn write_png(dir: &TestDir, name: &str, width: u32, height: u32) -> PathBuf {
    let path = dir.join(name);
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x + y) * 127 / (width + height)) as u8 + 64,
        ])
    });
    picture
        .save(&path)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// A copy of Open Sans Regular as `dir/name` whose OS/2 `fsType` is 0x0002
/// (Restricted License embedding): its licence forbids embedding it.
fn restricted_font(dir: &TestDir, name: &str) -> PathBuf {
    let mut font = fs::read(manifest_dir().join("fonts/OpenSans-Regular.ttf"))
        .expect("cannot read fonts/OpenSans-Regular.ttf");
    let tables = usize::from(u16::from_be_bytes([font[4], font[5]]));
    let entry = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|&entry| &font[entry..entry + 4] == b"OS/2")
        .expect("Open Sans has no OS/2 table");
    let offset = u32::from_be_bytes(font[entry + 8..entry + 12].try_into().unwrap()) as usize;
    font[offset + 8..offset + 10].copy_from_slice(&0x0002u16.to_be_bytes());
    let path = dir.join(name);
    fs::write(&path, font).expect("cannot write the font copy");
    path
}

/// The text of every Markdown link (`[text](target)`) of every story of `issue`.
fn link_texts(issue: &Value) -> Vec<String> {
    let mut texts = Vec::new();
    for story in issue["stories"].as_array().unwrap() {
        for line in story["text"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
        {
            let mut rest = line;
            while let Some(start) = rest.find('[') {
                let after = &rest[start + 1..];
                let Some(end) = after.find("](") else { break };
                if !rest[..start].ends_with('!') {
                    texts.push(after[..end].to_string());
                }
                rest = &after[end..];
            }
        }
    }
    texts
}

/// The texts of the Markdown headings `prefix` (`## `, `### `) of the example, story by story.
fn example_headings() -> Vec<(String, String)> {
    // The frame labels of the layout (set in capitals) head their stories.
    let labels = [("agenda", "AGENDA"), ("zoom", "ZOOM SUR")];
    let issue = example_issue();
    let mut headings = Vec::new();
    for story in issue["stories"].as_array().unwrap() {
        let name = story["name"].as_str().unwrap();
        let label = labels
            .iter()
            .find(|(story, _)| *story == name)
            .map(|(_, label)| *label);
        if let Some(label) = label {
            headings.push(("H2".to_string(), label.to_string()));
        }
        let shift = usize::from(label.is_some());
        for line in story["text"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
        {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if (2..=3).contains(&hashes) && line[hashes..].starts_with(' ') {
                let level = (hashes + shift).min(6);
                headings.push((format!("H{level}"), plain(&line[hashes + 1..])));
            }
        }
    }
    headings
}

/// The shipped print colour profile (FOGRA39).
fn fogra39() -> Vec<u8> {
    fs::read(manifest_dir().join("layouts/icc/FOGRA39L_coated.icc"))
        .expect("cannot read layouts/icc/FOGRA39L_coated.icc")
}

// ===========================================================================
// The print edition.
// ===========================================================================

/// Every page of the print edition: an A4 TrimBox, a BleedBox 3 mm larger on
/// each side, and a MediaBox with at least 5 mm more around it for the marks.
#[test]
fn print_page_boxes_are_a4_trim_3mm_bleed_and_room_for_marks() {
    let dir = TestDir::new("print_page_boxes_are_a4_trim_3mm_bleed_and_room_for_marks");
    let pdf = print_edition(&dir);
    let boxes = page_boxes(&pdf);
    assert_eq!(boxes.len(), 2, "the example makes two pages");
    for (i, page) in boxes.iter().enumerate() {
        let (media, bleed, trim) = (page["Media"], page["Bleed"], page["Trim"]);
        let page = i + 1;
        assert!(
            (trim.width() - A4_PT.0).abs() < 0.1 && (trim.height() - A4_PT.1).abs() < 0.1,
            "page {page}: the TrimBox is not A4: {trim:?}"
        );
        for (side, margin) in ["left", "bottom", "right", "top"]
            .iter()
            .zip(bleed.margins(&trim))
        {
            assert!(
                (margin - BLEED_PT).abs() < 0.02,
                "page {page}: the bleed is {margin:.3} pt on the {side}, not 3 mm ({BLEED_PT:.3} pt): \
                 BleedBox {bleed:?}, TrimBox {trim:?}"
            );
        }
        for (side, margin) in ["left", "bottom", "right", "top"]
            .iter()
            .zip(media.margins(&bleed))
        {
            assert!(
                margin >= 5.0 * PT_PER_MM - 0.02,
                "page {page}: only {:.2} mm of MediaBox beyond the bleed on the {side}, \
                 no room for crop marks: MediaBox {media:?}, BleedBox {bleed:?}",
                margin / PT_PER_MM
            );
        }
    }
}

/// The print edition is PDF 1.6 and PDF/X-4: a GTS_PDFX output intent for
/// FOGRA39 that embeds the layout's ICC profile byte for byte, and the
/// PDF/X version and trapping state in the Info dictionary and the XMP.
#[test]
fn print_edition_is_pdfx4_for_fogra39() {
    let dir = TestDir::new("print_edition_is_pdfx4_for_fogra39");
    let pdf = print_edition(&dir);

    let info = tool("pdfinfo", [&pdf]);
    assert_eq!(
        info_field(&info, "PDF version").as_deref(),
        Some("1.6"),
        "{info}"
    );

    let json = QpdfJson::of(&pdf);
    let catalog = json.catalog();
    let intents = json.get(catalog, "/OutputIntents");
    let intents = intents
        .as_array()
        .unwrap_or_else(|| panic!("the catalog has no /OutputIntents array: {catalog}"));
    assert_eq!(intents.len(), 1, "expected one output intent: {intents:?}");
    let intent = json.resolve(&intents[0]);
    assert_eq!(intent["/S"], "/GTS_PDFX", "output intent: {intent}");
    assert_eq!(
        pdf_string(&intent["/OutputConditionIdentifier"]).as_deref(),
        Some("FOGRA39"),
        "output intent: {intent}"
    );
    let profile_ref = intent["/DestOutputProfile"]
        .as_str()
        .unwrap_or_else(|| panic!("the output intent has no /DestOutputProfile: {intent}"));
    assert_eq!(
        json.object(profile_ref)["/N"],
        4,
        "the output profile is not a 4-component (CMYK) profile"
    );
    assert!(
        stream_data(&pdf, profile_ref) == fogra39(),
        "the /DestOutputProfile stream is not layouts/icc/FOGRA39L_coated.icc"
    );

    let document_info = json.get(json.object("trailer"), "/Info");
    assert_eq!(
        pdf_string(&document_info["/GTS_PDFXVersion"]).as_deref(),
        Some("PDF/X-4"),
        "Info: {document_info}"
    );
    assert_eq!(document_info["/Trapped"], "/False", "Info: {document_info}");

    let metadata = catalog["/Metadata"]
        .as_str()
        .unwrap_or_else(|| panic!("the catalog has no /Metadata stream: {catalog}"));
    let xmp = String::from_utf8_lossy(&stream_data(&pdf, metadata)).into_owned();
    assert!(
        xmp.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"),
        "the XMP does not give the PDF/X version:\n{xmp}"
    );
    assert!(
        xmp.contains("<pdf:Trapped>False</pdf:Trapped>") || xmp.contains("pdf:Trapped=\"False\""),
        "the XMP does not say pdf:Trapped False:\n{xmp}"
    );
    for (property, value) in [("VersionID", "1"), ("RenditionClass", "default")] {
        let element = format!("<xmpMM:{property}>{value}</xmpMM:{property}>");
        assert!(
            xmp.matches(&element).count() == 1 && xmp.matches(property).count() == 2,
            "the XMP should give xmpMM:{property} once, as {value}:\n{xmp}"
        );
    }
}

/// The print edition uses no RGB: no /DeviceRGB anywhere, and no page
/// content sets a colour in an RGB space (`rg`/`RG`, or a 3-component space).
#[test]
fn print_edition_sets_no_rgb_colour() {
    let dir = TestDir::new("print_edition_sets_no_rgb_colour");
    let pdf = print_edition(&dir);

    let qdf = dir.join("p.qdf.pdf");
    tool(
        "qpdf",
        [
            "--qdf".as_ref(),
            "--object-streams=disable".as_ref(),
            pdf.as_os_str(),
            qdf.as_os_str(),
        ],
    );
    let uncompressed = fs::read(&qdf).unwrap();
    assert!(
        !uncompressed.windows(10).any(|w| w == b"/DeviceRGB"),
        "the print edition names /DeviceRGB (see `qpdf --qdf`)"
    );

    let json = QpdfJson::of(&pdf);
    let mut rgb = Vec::new();
    for page in 0..json.pages().len() {
        for (operator, space) in page_content(&pdf, &json, page).colour_ops {
            if space.components == 3 || operator == "rg" || operator == "RG" {
                rgb.push(format!("page {}: `{operator}` in {space:?}", page + 1));
            }
        }
    }
    let count = rgb.len();
    rgb.dedup();
    assert!(
        rgb.is_empty(),
        "the print edition sets RGB colours ({count} operators), e.g.:\n  {}",
        rgb[..rgb.len().min(5)].join("\n  ")
    );
}

/// The print edition's crop marks are stroked in registration colour
/// (/Separation /All), and no page has annotations (PDF/X forbids links on the page).
#[test]
fn print_edition_has_registration_marks_and_no_annotations() {
    let dir = TestDir::new("print_edition_has_registration_marks_and_no_annotations");
    let pdf = print_edition(&dir);
    let json = QpdfJson::of(&pdf);
    for (i, page) in json.pages().into_iter().enumerate() {
        let annotations = json.get(page, "/Annots");
        assert!(
            annotations.as_array().is_none_or(Vec::is_empty),
            "page {} of the print edition has annotations: {annotations}",
            i + 1
        );
        let content = page_content(&pdf, &json, i);
        let registration = content.colour_ops.iter().any(|(operator, space)| {
            operator == "CS" && space.family == "Separation" && space.detail == "/All"
        });
        assert!(
            registration,
            "page {} strokes nothing in a /Separation /All colour space; colour operators: {:?}",
            i + 1,
            content.colour_ops
        );
    }
}

/// In print, body text (EB Garamond 10 pt) is 100 % K on the press's CMYK:
/// `0 0 0 1 k` (DeviceCMYK, which PDF/X-4 ties to the output intent) or
/// `0 0 0 1 scn` in an ICCBased space with the FOGRA39 profile; only link
/// text has another colour.
#[test]
fn print_body_text_is_100_percent_black() {
    let dir = TestDir::new("print_body_text_is_100_percent_black");
    let pdf = print_edition(&dir);
    let json = QpdfJson::of(&pdf);
    let profile = fogra39();
    // Link text may be broken across lines, with or without a hyphen.
    let bare = |text: &str| -> String {
        plain(text)
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{2010}' | '\u{2011}'))
            .collect()
    };
    let links: Vec<String> = link_texts(&example_issue())
        .iter()
        .map(|t| bare(t))
        .collect();

    let mut profiles: HashMap<String, bool> = HashMap::new();
    let mut body_runs = 0;
    let mut wrong = Vec::new();
    for page in 0..json.pages().len() {
        let content = page_content(&pdf, &json, page);
        if page == 0 {
            let text = String::from_utf8_lossy(&content.bytes);
            let tokens: Vec<&str> = text.split_whitespace().collect();
            assert!(
                tokens
                    .windows(5)
                    .any(|w| w[..4] == ["0", "0", "0", "1"] && matches!(w[4], "sc" | "scn" | "k")),
                "page 1's content never sets 100 % K (`0 0 0 1 sc`, `scn` or `k`)"
            );
        }
        for shown in content.shown {
            if !shown.font.contains("EBGaramond12-Regular") || (shown.size - 10.0).abs() > 0.01 {
                continue;
            }
            body_runs += 1;
            let space = &shown.space;
            let in_profile = space.family == "DeviceCMYK"
                || space.family == "ICCBased"
                    && space.components == 4
                    && *profiles
                        .entry(space.detail.clone())
                        .or_insert_with(|| stream_data(&pdf, &space.detail) == profile);
            // A run of only spaces or hyphens (a link broken across lines) may be in any colour.
            let text = bare(&shown.text);
            let black = shown.colour == [0.0, 0.0, 0.0, 1.0];
            let link = text.is_empty() || links.iter().any(|l| l.contains(&text));
            if !in_profile || !(black || link) {
                wrong.push(format!(
                    "page {}: « {} » in {:?} {:?}",
                    page + 1,
                    shown.text,
                    space,
                    shown.colour
                ));
            }
        }
    }
    assert!(
        body_runs >= 100,
        "only {body_runs} runs of body text (EBGaramond12-Regular 10 pt) found"
    );
    assert!(
        wrong.is_empty(),
        "{} of {body_runs} runs of body text are not 100 % K on the press's CMYK:\n  {}",
        wrong.len(),
        wrong[..wrong.len().min(10)].join("\n  ")
    );
}

/// Page 1 of the print edition, rasterised: a crop mark beside and above or
/// below each corner outside the bleed; the top bleed corners blank; the
/// bottom strip (a `bleed: true` box on the trim edge) filling the bleed and
/// stopping at the BleedBox.
#[test]
fn print_crop_marks_outside_the_bleed_and_the_strip_bleeds() {
    let dir = TestDir::new("print_crop_marks_outside_the_bleed_and_the_strip_bleeds");
    let pdf = print_edition(&dir);
    let boxes = &page_boxes(&pdf)[0];
    let (media, bleed, trim) = (boxes["Media"], boxes["Bleed"], boxes["Trim"]);
    let image = raster_72dpi(&dir, &pdf, 1);
    assert!(
        (f64::from(image.width()) - media.width()).abs() < 1.0
            && (f64::from(image.height()) - media.height()).abs() < 1.0,
        "pdftoppm -r 72 should render the MediaBox ({media:?}) at 1 px per point, not {}×{} px",
        image.width(),
        image.height()
    );
    let region =
        |x0: f64, y0: f64, x1: f64, y1: f64| grey_range(&image, &pixels(&media, x0, y0, x1, y1));
    let reach = 6.0 * PT_PER_MM;

    // Each corner: a mark in the slug beside the bleed, along the trim line,
    // and one in the slug above or below it.
    for (corner, x, y) in [
        ("top left", trim.x0, trim.y1),
        ("top right", trim.x1, trim.y1),
        ("bottom left", trim.x0, trim.y0),
        ("bottom right", trim.x1, trim.y0),
    ] {
        let beside = if x == trim.x0 {
            region(media.x0, y - reach, bleed.x0, y + reach)
        } else {
            region(bleed.x1, y - reach, media.x1, y + reach)
        };
        let over = if y == trim.y1 {
            region(x - reach, bleed.y1, x + reach, media.y1)
        } else {
            region(x - reach, media.y0, x + reach, bleed.y0)
        };
        assert!(
            beside.0 < 128 && over.0 < 128,
            "no crop mark outside the bleed at the {corner} corner \
             (darkest grey beside: {}, above/below: {})",
            beside.0,
            over.0
        );
    }

    // The top corners of the bleed: nothing bleeds there.
    for (corner, x0, x1) in [
        ("top left", bleed.x0, trim.x0),
        ("top right", trim.x1, bleed.x1),
    ] {
        let (darkest, _) = region(x0, trim.y1, x1, bleed.y1);
        assert!(
            darkest >= 250,
            "the {corner} corner of the bleed should be blank, its darkest grey is {darkest}"
        );
    }

    // The bottom strip runs into the bleed, below the trim and at both bottom
    // corners, and stops at the BleedBox.
    let inset = 10.0 * PT_PER_MM;
    for (place, (darkest, lightest)) in [
        (
            "the bottom bleed",
            region(trim.x0 + inset, bleed.y0, trim.x1 - inset, trim.y0),
        ),
        (
            "the bottom-left bleed corner",
            region(bleed.x0, bleed.y0, trim.x0, trim.y0),
        ),
        (
            "the bottom-right bleed corner",
            region(trim.x1, bleed.y0, bleed.x1, trim.y0),
        ),
    ] {
        assert!(
            lightest < 200,
            "the bottom strip does not fill {place}: greys from {darkest} to {lightest}"
        );
    }
    let (darkest, _) = region(trim.x0 + inset, media.y0, trim.x1 - inset, bleed.y0);
    assert!(
        darkest >= 250,
        "the bottom strip goes beyond the BleedBox (darkest grey below it: {darkest})"
    );
}

/// Every font of the print edition is embedded, subset and mapped to Unicode.
#[test]
fn print_fonts_are_embedded_subset_and_mapped() {
    let dir = TestDir::new("print_fonts_are_embedded_subset_and_mapped");
    let pdf = print_edition(&dir);
    assert_fonts_embedded_subset_mapped(&pdf);
}

/// Ghostscript, pdftoppm and pdfinfo read the print edition without a warning.
#[test]
fn print_edition_renders_without_warnings() {
    let dir = TestDir::new("print_edition_renders_without_warnings");
    let pdf = print_edition(&dir);
    assert_renders_silently(&dir, &pdf);
}

// ===========================================================================
// The web edition.
// ===========================================================================

/// The web edition is tagged PDF/UA-1 and PDF/A-2a: Tagged, /MarkInfo
/// /Marked, /Lang fr-FR, a structure tree, the title displayed, and the
/// PDF/UA and PDF/A identification in the XMP.
#[test]
fn web_edition_is_tagged_pdf_ua() {
    let dir = TestDir::new("web_edition_is_tagged_pdf_ua");
    let pdf = web_edition(&dir);

    let info = tool("pdfinfo", [&pdf]);
    assert_eq!(
        info_field(&info, "Tagged").as_deref(),
        Some("yes"),
        "{info}"
    );

    let json = QpdfJson::of(&pdf);
    let catalog = json.catalog();
    assert_eq!(
        json.get(catalog, "/MarkInfo")["/Marked"],
        true,
        "catalog: {catalog}"
    );
    assert_eq!(
        pdf_string(json.get(catalog, "/Lang")).as_deref(),
        Some("fr-FR"),
        "catalog: {catalog}"
    );
    assert!(
        json.get(catalog, "/StructTreeRoot").is_object(),
        "the catalog has no /StructTreeRoot: {catalog}"
    );
    assert_eq!(
        json.get(catalog, "/ViewerPreferences")["/DisplayDocTitle"],
        true,
        "catalog: {catalog}"
    );
    let metadata = catalog["/Metadata"]
        .as_str()
        .unwrap_or_else(|| panic!("the catalog has no /Metadata stream: {catalog}"));
    let xmp = String::from_utf8_lossy(&stream_data(&pdf, metadata)).into_owned();
    assert!(
        xmp.contains("<pdfuaid:part>1</pdfuaid:part>"),
        "the XMP does not claim PDF/UA-1:\n{xmp}"
    );
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>")
            && xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
        "the XMP does not claim PDF/A-2a:\n{xmp}"
    );
}

/// The web edition's structure tree reads as the issue does: one H1 (the
/// publication's name) before any other heading; the H2s of the agenda, the
/// articles and the zoom in the issue's order, and the H3s, each tagged with
/// the text it shows; lists with their parts; a Figure with alternative text
/// for the logo and for the photo; links.
#[test]
fn web_structure_tree_reads_in_order() {
    let dir = TestDir::new("web_structure_tree_reads_in_order");
    let pdf = web_edition(&dir);
    let json = QpdfJson::of(&pdf);
    let elements = structure_elements(&pdf, &json);
    let tags: Vec<&str> = elements.iter().map(|e| e.tag.as_str()).collect();
    let outline: Vec<String> = elements
        .iter()
        .map(|e| format!("{} « {} »", e.tag, plain(&e.text)))
        .collect();
    let outline = outline.join("\n  ");

    for tag in [
        "H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Figure", "Link",
    ] {
        assert!(
            tags.contains(&tag),
            "no {tag} in the structure tree:\n  {outline}"
        );
    }

    let headings: Vec<&Element> = elements
        .iter()
        .filter(|e| e.tag.len() == 2 && e.tag.starts_with('H'))
        .collect();
    assert_eq!(
        headings[0].tag, "H1",
        "the first heading is not H1:\n  {outline}"
    );
    assert_eq!(
        headings.iter().filter(|e| e.tag == "H1").count(),
        1,
        "expected one H1:\n  {outline}"
    );
    let publication = example_issue()["meta"]["publication"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        plain(&headings[0].text),
        publication,
        "the H1 is not the title"
    );

    // Labels, then each story's headings, in the issue's order, at their levels.
    let expected = example_headings();
    let shown: Vec<(String, String)> = headings
        .iter()
        .filter(|e| e.tag != "H1")
        .map(|e| (e.tag.clone(), plain(&e.text)))
        .collect();
    assert_eq!(
        shown, expected,
        "the headings (level, text) are not in the issue's order"
    );
    let titles: Vec<(String, String)> = headings
        .iter()
        .filter(|e| e.tag != "H1")
        .filter_map(|e| e.title.as_deref().map(|t| (e.tag.clone(), plain(t))))
        .collect();
    assert_eq!(
        titles, expected,
        "the headings' /T titles are not the headings"
    );
    assert!(
        headings.iter().filter(|e| e.tag == "H2").count() >= 5,
        "expected at least 5 H2 (agenda, three articles, zoom):\n  {outline}"
    );

    let figures: Vec<&Element> = elements.iter().filter(|e| e.tag == "Figure").collect();
    for figure in &figures {
        assert!(
            figure
                .alt
                .as_deref()
                .is_some_and(|alt| !alt.trim().is_empty()),
            "a Figure has no alternative text: {figure:?}"
        );
    }
    let alts: Vec<String> = figures
        .iter()
        .filter_map(|f| f.alt.as_deref().map(plain))
        .collect();
    let layout = example_layout();
    let logo_alt = layout["masters"]["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["kind"] == "image")
        .and_then(|item| item["alt"].as_str())
        .expect("the first master has an image with alt text (the logo)");
    let photo = example_issue();
    let photo_line = photo["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["text"].as_array().unwrap())
        .filter_map(Value::as_str)
        .find(|l| l.starts_with("!["))
        .unwrap();
    let photo_alt = &photo_line[2..photo_line.find("](").unwrap()];
    for (what, alt) in [("the logo", logo_alt), ("the photo", photo_alt)] {
        assert!(
            alts.contains(&plain(alt)),
            "no Figure for {what} with its alternative text « {alt} »; Figures: {alts:?}\n  {outline}"
        );
    }

    // Reading order, as the issue lists its stories: the logo with the
    // masthead (before the agenda's first list), the photo after the
    // articles' lists and after the zoom's H2 (the zoom story comes first).
    let figure_with = |alt: &str| {
        elements
            .iter()
            .position(|e| e.tag == "Figure" && e.alt.as_deref().map(plain) == Some(plain(alt)))
            .unwrap()
    };
    let first_list = tags.iter().position(|t| *t == "L").unwrap();
    let last_list = tags.iter().rposition(|t| *t == "L").unwrap();
    let last_h2 = tags.iter().rposition(|t| *t == "H2").unwrap();
    assert!(
        figure_with(logo_alt) < first_list,
        "the logo should be read before the agenda's lists:\n  {outline}"
    );
    assert!(
        last_list < figure_with(photo_alt) && last_h2 < figure_with(photo_alt),
        "the photo should be read after the lists and after the last H2 (the zoom's):\n  {outline}"
    );
}

/// The running header of page 2 is marked as an artifact and is not in the
/// structure tree; the page-1 masthead text is.
#[test]
fn web_running_header_is_an_artifact() {
    let dir = TestDir::new("web_running_header_is_an_artifact");
    let pdf = web_edition(&dir);
    let json = QpdfJson::of(&pdf);
    let page2 = page_content(&pdf, &json, 1);

    let layout = example_layout();
    let runhead = layout["masters"]["next"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["style"] == "runhead-left")
        .and_then(|item| item["text"].as_str())
        .expect("the next master has a left running header");
    let runhead = plain(runhead);

    let artifacts: Vec<String> = page2
        .marked
        .iter()
        .filter(|m| m.tag == "Artifact")
        .map(|m| plain(&m.text))
        .collect();
    assert!(
        artifacts.iter().any(|text| text.contains(&runhead)),
        "« {runhead} » is not in an /Artifact sequence on page 2; artifacts: {artifacts:?}"
    );
    let tagged: Vec<String> = page2
        .marked
        .iter()
        .filter(|m| m.mcid.is_some())
        .map(|m| plain(&m.text))
        .collect();
    assert!(
        !tagged.iter().any(|text| text.contains("Réinventons")),
        "the running header is tagged content on page 2: {tagged:?}"
    );

    let elements = structure_elements(&pdf, &json);
    let tree_text: Vec<String> = elements.iter().map(|e| plain(&e.text)).collect();
    assert!(
        !tree_text.iter().any(|text| text.contains(&runhead)),
        "the running header « {runhead} » is in the structure tree"
    );
    assert!(
        tree_text.iter().any(|text| text == "Réinventons-nous"),
        "the page-1 tagline « Réinventons-nous » is not in the structure tree"
    );
}

/// The web edition has no PDF/X output intent; its links are link
/// annotations with a description (/Contents), each the child of a Link
/// structure element through /StructParent.
#[test]
fn web_edition_has_tagged_links_and_only_the_pdfa_output_intent() {
    let dir = TestDir::new("web_edition_has_tagged_links_and_only_the_pdfa_output_intent");
    let pdf = web_edition(&dir);
    let json = QpdfJson::of(&pdf);
    let catalog = json.catalog();
    let intents: Vec<Value> = json
        .get(catalog, "/OutputIntents")
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| json.resolve(i).clone())
        .collect();
    assert!(
        intents.len() == 1 && intents[0]["/S"] == "/GTS_PDFA1",
        "the web edition should have one output intent, PDF/A's (sRGB), not the press's: {intents:?}"
    );
    let profile = json.resolve(&intents[0]["/DestOutputProfile"]);
    assert_eq!(
        profile["/N"], 3,
        "the web edition's output intent is not an RGB profile: {profile}"
    );
    let document_info = json.get(json.object("trailer"), "/Info");
    assert!(
        document_info["/GTS_PDFXVersion"].is_null(),
        "the web edition claims PDF/X: {document_info}"
    );

    let parents = parent_tree(&json);
    let mut links = 0;
    for (i, page) in json.pages().into_iter().enumerate() {
        for annotation in json.get(page, "/Annots").as_array().into_iter().flatten() {
            let annotation = json.resolve(annotation);
            if annotation["/Subtype"] != "/Link" {
                continue;
            }
            links += 1;
            let where_ = format!("page {}: link annotation {annotation}", i + 1);
            assert!(
                pdf_string(&annotation["/Contents"]).is_some_and(|c| !c.trim().is_empty()),
                "{where_} has no /Contents"
            );
            let key = annotation["/StructParent"]
                .as_i64()
                .unwrap_or_else(|| panic!("{where_} has no /StructParent"));
            let parent = parents
                .get(&key)
                .map(|value| json.resolve(value))
                .unwrap_or_else(|| {
                    panic!("{where_}: /StructParent {key} is not in the ParentTree")
                });
            assert_eq!(
                parent["/S"], "/Link",
                "{where_}: its structure parent is not a Link element: {parent}"
            );
        }
    }
    assert!(
        links >= 3,
        "expected at least 3 link annotations, found {links}"
    );
}

/// Ghostscript, pdftoppm and pdfinfo read the web edition without a warning.
#[test]
fn web_edition_renders_without_warnings() {
    let dir = TestDir::new("web_edition_renders_without_warnings");
    let pdf = web_edition(&dir);
    assert_renders_silently(&dir, &pdf);
}

// ===========================================================================
// Both editions, and where they are written.
// ===========================================================================

/// `--edition both -o x.pdf` writes exactly `x-web.pdf` (tagged) and
/// `x-print.pdf` (PDF 1.6, PDF/X).
#[test]
fn both_editions_side_by_side() {
    let dir = TestDir::new("both_editions_side_by_side");
    render_edition(&example_issue_path(), "both", &dir.join("x.pdf"));
    assert_eq!(dir.listing(), ["x-print.pdf", "x-web.pdf"]);

    let print = dir.join("x-print.pdf");
    let info = tool("pdfinfo", [&print]);
    assert_eq!(
        info_field(&info, "PDF version").as_deref(),
        Some("1.6"),
        "{info}"
    );
    let json = QpdfJson::of(&print);
    let intents = json.get(json.catalog(), "/OutputIntents");
    let intent = json.resolve(&intents[0]);
    assert_eq!(
        intent["/S"], "/GTS_PDFX",
        "x-print.pdf has no PDF/X output intent"
    );
    let document_info = json.get(json.object("trailer"), "/Info");
    assert_eq!(
        pdf_string(&document_info["/GTS_PDFXVersion"]).as_deref(),
        Some("PDF/X-4")
    );

    let web = dir.join("x-web.pdf");
    let info = tool("pdfinfo", [&web]);
    assert_eq!(
        info_field(&info, "Tagged").as_deref(),
        Some("yes"),
        "{info}"
    );
    let json = QpdfJson::of(&web);
    let intents = json.get(json.catalog(), "/OutputIntents");
    assert_eq!(
        json.resolve(&intents[0])["/S"],
        "/GTS_PDFA1",
        "x-web.pdf has no PDF/A output intent"
    );
}

/// Without `-o`, `--edition both` writes `ISSUE-web.pdf` and
/// `ISSUE-print.pdf` next to the issue, and `--edition print` `ISSUE-print.pdf`.
#[test]
fn editions_default_output_names() {
    let dir = TestDir::new("editions_default_output_names");
    let issue = write_json(&dir, "issue.json", &example_issue());
    let render = |edition: &str| {
        let output = run(&mut maquette([
            "render".as_ref(),
            issue.as_os_str(),
            "--edition".as_ref(),
            edition.as_ref(),
        ]));
        assert_success(&output, &format!("maquette render --edition {edition}"));
    };
    render("both");
    assert_eq!(
        dir.listing(),
        ["issue-print.pdf", "issue-web.pdf", "issue.json"]
    );
    fs::remove_file(dir.join("issue-print.pdf")).unwrap();
    fs::remove_file(dir.join("issue-web.pdf")).unwrap();
    render("print");
    assert_eq!(dir.listing(), ["issue-print.pdf", "issue.json"]);
}

// ===========================================================================
// The preflight: `maquette check`.
// ===========================================================================

/// The shipped example passes the preflight for both editions: exit 0, no error.
#[test]
fn check_passes_the_example() {
    let report = check(&example_issue_path(), Some("both"));
    report.assert_exit(0);
    assert_eq!(
        report.counts(),
        (0, 0),
        "no error and no warning expected\n{report}"
    );
    assert!(
        report.summary().ends_with("for the web and print editions"),
        "`--edition both` should cover both editions\n{report}"
    );
    // By default, check checks what render writes by default: the web edition.
    let default = check(&example_issue_path(), None);
    default.assert_exit(0);
    assert!(
        default
            .summary()
            .ends_with("for the web edition (add `--edition both` to check the print edition too)"),
        "the default check should be render's default edition, and say how to check print\n{default}"
    );
}

/// A word too long for its column is broken by force and reported, with the
/// story and its Markdown line.
#[test]
fn check_reports_a_word_wider_than_its_frame() {
    let dir = TestDir::new("check_reports_a_word_wider_than_its_frame");
    let mut issue = example_issue();
    let main = story_lines_mut(&mut issue, "main");
    main.insert(
        2,
        "Voici un mot trop long : AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA."
            .into(),
    );
    main.insert(3, "".into());
    let issue = write_json(&dir, "issue.json", &issue);
    let report = check(&issue, Some("both"));
    report.assert_exit(0);
    assert!(
        report
            .find("warning", &["`main`", "line 3", "broken by force"])
            .is_some(),
        "no warning about the word broken by force\n{report}"
    );
}

/// A story too long for its frames (the agenda six times over): exit 1, an error naming it.
#[test]
fn check_reports_an_overset_story() {
    let dir = TestDir::new("check_reports_an_overset_story");
    let mut issue = example_issue();
    let agenda = story_lines_mut(&mut issue, "agenda");
    *agenda = (0..6).flat_map(|_| agenda.clone()).collect();
    let issue = write_json(&dir, "issue.json", &issue);
    let report = check(&issue, Some("both"));
    report.assert_exit(1);
    assert!(
        report.find("error", &["`agenda`", "did not fit"]).is_some(),
        "no error saying the agenda did not fit\n{report}"
    );
}

/// A character no font has (☃ in the main story): exit 1, an error naming the
/// story, the character, its code point and its Markdown line; `render` refuses.
#[test]
fn check_reports_a_character_no_font_has() {
    let dir = TestDir::new("check_reports_a_character_no_font_has");
    let mut issue = example_issue();
    let main = story_lines_mut(&mut issue, "main");
    let index = main
        .iter()
        .position(|l| l.as_str().is_some_and(|l| l.starts_with("Lundi")))
        .expect("the main story has a paragraph starting with « Lundi »");
    main[index] = Value::from(
        main[index]
            .as_str()
            .unwrap()
            .replacen("Lundi", "Lundi ☃", 1),
    );
    let issue = write_json(&dir, "issue.json", &issue);

    let report = check(&issue, Some("both"));
    report.assert_exit(1);
    let line = format!("line {}", index + 1);
    assert!(
        report
            .find("error", &["`main`", "☃", "U+2603", &line])
            .is_some(),
        "no error naming the story `main`, « ☃ », U+2603 and the Markdown {line}\n{report}"
    );
    assert_render_refused(&dir, &issue, "web");
}

/// An image too coarse for print (200 px over ~52 mm, under 150 ppi): an
/// error for print, a warning for the web; render refuses print, writes web.
#[test]
fn check_low_resolution_image_stops_print_only() {
    let dir = TestDir::new("check_low_resolution_image_stops_print_only");
    let png = write_png(&dir, "coarse.png", 200, 133);
    let issue = issue_with_photo(&format!("![Un dégradé de couleurs]({})", png.display()));
    let issue = write_json(&dir, "issue.json", &issue);

    let print = check(&issue, Some("print"));
    print.assert_exit(1);
    assert!(
        print.find("error [print]", &["ppi"]).is_some(),
        "no print error about ppi\n{print}"
    );

    let web = check(&issue, Some("web"));
    web.assert_exit(0);
    assert!(
        web.find("warning", &["ppi"]).is_some(),
        "no warning about ppi for the web\n{web}"
    );

    assert_render_refused(&dir, &issue, "print");
    let out = dir.join("web.pdf");
    render_edition(&issue, "web", &out);
    assert!(out.is_file(), "render --edition web wrote no PDF");
}

/// A medium image (500 px over ~52 mm, about 240 ppi): only a warning, print passes.
#[test]
fn check_medium_resolution_image_is_a_warning() {
    let dir = TestDir::new("check_medium_resolution_image_is_a_warning");
    let png = write_png(&dir, "medium.png", 500, 333);
    let issue = issue_with_photo(&format!("![Un dégradé de couleurs]({})", png.display()));
    let issue = write_json(&dir, "issue.json", &issue);

    let print = check(&issue, Some("print"));
    print.assert_exit(0);
    assert!(
        print.find("warning", &["ppi"]).is_some(),
        "no warning about ppi\n{print}"
    );
}

/// An image without alternative text stops the web edition only; marked
/// `"decorative"` it passes.
#[test]
fn check_image_without_alt_text_stops_web_only() {
    let dir = TestDir::new("check_image_without_alt_text_stops_web_only");
    let photo = example_photo();
    let issue = write_json(
        &dir,
        "issue.json",
        &issue_with_photo(&format!("![]({photo})")),
    );

    let web = check(&issue, Some("web"));
    web.assert_exit(1);
    assert!(
        web.find("error", &["alternative text"]).is_some(),
        "no error about alternative text\n{web}"
    );
    check(&issue, Some("print")).assert_exit(0);

    let decorative = issue_with_photo(&format!("![]({photo} \"decorative\")"));
    let decorative = write_json(&dir, "decorative.json", &decorative);
    let both = check(&decorative, Some("both"));
    both.assert_exit(0);
    assert!(
        both.find("", &["alternative text"]).is_none(),
        "a decorative image needs no alternative text\n{both}"
    );
}

/// A swatch with only an RGB value (teal without `cmyk`) stops print only.
#[test]
fn check_rgb_only_swatch_stops_print_only() {
    let dir = TestDir::new("check_rgb_only_swatch_stops_print_only");
    let mut layout = example_layout();
    let teal = layout["swatches"]["teal"]
        .as_object_mut()
        .expect("the layout has a `teal` swatch");
    assert!(
        teal.remove("cmyk").is_some(),
        "`teal` has a cmyk value to remove"
    );
    let issue = write_json(&dir, "issue.json", &issue_with_layout(&dir, &layout));

    let print = check(&issue, Some("print"));
    print.assert_exit(1);
    assert!(
        print.find("error [print]", &["teal", "cmyk"]).is_some(),
        "no print error naming the swatch `teal` and `cmyk`\n{print}"
    );
    check(&issue, Some("web")).assert_exit(0);
}

/// A font whose licence (OS/2 fsType 0x0002) forbids embedding: exit 1, an error about embedding.
#[test]
fn check_font_that_may_not_be_embedded() {
    let dir = TestDir::new("check_font_that_may_not_be_embedded");
    let font = restricted_font(&dir, "OpenSans-Restricted.ttf");
    let mut layout = example_layout();
    layout["fonts"]["sans"]["regular"] = Value::from(font.to_str().unwrap());
    let issue = write_json(&dir, "issue.json", &issue_with_layout(&dir, &layout));

    let report = check(&issue, Some("both"));
    report.assert_exit(1);
    assert!(
        report.find("error", &["embed"]).is_some(),
        "no error about embedding the font\n{report}"
    );
}

/// Malformed JSON: `check` exits 2.
#[test]
fn check_refuses_malformed_json() {
    let dir = TestDir::new("check_refuses_malformed_json");
    let issue = dir.join("issue.json");
    fs::write(&issue, "{ \"layout\": ").unwrap();
    let report = check(&issue, Some("both"));
    report.assert_exit(2);
    assert!(report.stderr.starts_with("error: "), "{report}");
}

/// A link's description (/Contents, what a screen reader says) is in the
/// issue's language: French, English, German.
#[test]
fn link_descriptions_speak_the_issue_language() {
    let dir = TestDir::new("link_descriptions_speak_the_issue_language");
    for (issue, link, mail) in [
        ("examples/lettre-pma-01.json", "Lien vers ", "Écrire à "),
        (
            "tests/fixtures/lettre-pma-07-en.json",
            "Link to ",
            "Write to ",
        ),
        (
            "tests/fixtures/lettre-pma-08-de.json",
            "Link zu ",
            "E-Mail an ",
        ),
    ] {
        let pdf = dir.join("web.pdf");
        render_edition(&manifest_dir().join(issue), "web", &pdf);
        let json = QpdfJson::of(&pdf);
        let mut said: Vec<String> = Vec::new();
        for page in json.pages() {
            for annotation in json.get(page, "/Annots").as_array().into_iter().flatten() {
                said.extend(pdf_string(&json.resolve(annotation)["/Contents"]));
            }
        }
        assert!(
            said.iter().any(|s| s.starts_with(link)) && said.iter().any(|s| s.starts_with(mail)),
            "{issue}: the links of the web edition should say « {link}… » and « {mail}… »: {said:?}"
        );
        assert!(
            said.iter()
                .all(|s| s.starts_with(link) || s.starts_with(mail)),
            "{issue}: a link described in another language: {said:?}"
        );
    }
}
