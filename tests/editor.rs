//! The editor's workflow, run as the editor would: `maquette new` starts
//! the next issue (and a first one from a layout), `watch` renders on every
//! save, `render --proof` shows what does not fit, `--png` and `preview`
//! make page images. Each runs the binary and checks the files it writes
//! with real tools (pdftotext, pdfinfo) or by reading the PNG.

#[allow(dead_code)] // each test crate uses its own part of the shared helpers
mod common;

use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// The text of a PDF, page by page.
fn pages_of(pdf: &Path) -> Vec<String> {
    let text = tool("pdftotext", [pdf.as_os_str(), OsStr::new("-")]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Words joined by single spaces (pdftotext breaks lines and hyphenates).
fn flat(text: &str) -> String {
    text.replace("-\n", "")
        .replace('\u{ad}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn new_starts_the_next_issue_and_a_first_one_that_render() {
    let dir = TestDir::new("new_starts_the_next_issue_and_a_first_one_that_render");
    fs::create_dir_all(dir.join("numero-2")).unwrap();
    let next = dir.join("numero-2/lettre-pma-02.json");
    let example = example_issue_path();
    let new = |args: &[&OsStr]| {
        let mut all = vec![OsStr::new("new")];
        all.extend_from_slice(args);
        run(&mut maquette(all))
    };
    let out = new(&[example.as_os_str(), "-o".as_ref(), next.as_os_str()]);
    assert_success(&out, "maquette new");
    let issue: Value = serde_json::from_str(&fs::read_to_string(&next).unwrap()).unwrap();
    assert_eq!(issue["meta"]["number"], 2);
    assert_eq!(
        issue["meta"]["date"], "2017-08-01",
        "one month after issue 1"
    );
    let layout = issue["layout"].as_str().unwrap();
    assert!(layout.starts_with("../"), "not relative: {layout}");
    let resolved = dir.join("numero-2").join(layout).canonicalize().unwrap();
    assert_eq!(resolved, example_layout_path().canonicalize().unwrap());
    let description = issue["meta"]["description"].as_str().unwrap();
    assert!(description.contains("numéro 2, août 2017"), "{description}");
    let names: Vec<&str> = issue["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["agenda", "main", "zoom", "photo", "masthead"]);
    let text = fs::read_to_string(&next).unwrap();
    assert!(!text.contains("Comité syndical"), "the text was kept");
    let photo = text
        .split("](")
        .nth(1)
        .and_then(|t| t.split(')').next())
        .unwrap_or_else(|| panic!("the photo was not kept:\n{text}"));
    let resolved = dir.join("numero-2").join(photo).canonicalize();
    assert!(
        resolved.is_ok(),
        "the photo's path `{photo}` does not work from the new folder"
    );

    // It renders from its own folder, as issue 2 of August 2017, with placeholders.
    let pdf = dir.join("numero-2/lettre-pma-02.pdf");
    render(&next, &pdf);
    let printed = flat(&pages_of(&pdf).join("\n"));
    for piece in [
        "numéro 2 — août 2017",
        "Titre de l’article",
        "remplacez ce paragraphe",
    ] {
        assert!(
            printed.contains(piece),
            "`{piece}` is not in the PDF:\n{printed}"
        );
    }

    // Never over an existing file, unless --force.
    let before = fs::read(&next).unwrap();
    let refused = new(&[
        example.as_os_str(),
        "-o".as_ref(),
        next.as_os_str(),
        "--keep-text".as_ref(),
    ]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("lettre-pma-02.json") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        fs::read(&next).unwrap(),
        before,
        "the existing file was touched"
    );
    let forced = new(&[
        example.as_os_str(),
        "-o".as_ref(),
        next.as_os_str(),
        "--keep-text".as_ref(),
        "--force".as_ref(),
    ]);
    assert_success(&forced, "maquette new --keep-text --force");
    render(&next, &pdf);
    let printed = flat(&pages_of(&pdf).join("\n"));
    assert!(
        printed.contains("Comité syndical"),
        "--keep-text lost the text"
    );
    assert!(printed.contains("numéro 2"), "{printed}");

    // --keep keeps one story's text (standing copy), the others get placeholders.
    let kept = dir.join("numero-2/kept.json");
    let out = new(&[
        example.as_os_str(),
        "-o".as_ref(),
        kept.as_os_str(),
        "--keep".as_ref(),
        "masthead".as_ref(),
    ]);
    assert_success(&out, "maquette new --keep masthead");
    let text = fs::read_to_string(&kept).unwrap();
    assert!(text.contains("Directeur de publication") && !text.contains("Comité syndical"));
    let out = new(&[
        example.as_os_str(),
        "-o".as_ref(),
        dir.join("numero-2/x.json").as_os_str(),
        "--keep".as_ref(),
        "mastehad".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("masthead"),
        "the known names are not listed"
    );

    // The rhythm: with issue 2 two months after issue 1 beside it, issue 3 is two months after 2.
    let mut second: Value = serde_json::from_str(&fs::read_to_string(&next).unwrap()).unwrap();
    second["meta"]["date"] = Value::from("2017-09-01");
    fs::write(&next, serde_json::to_string_pretty(&second).unwrap()).unwrap();
    fs::copy(&example, dir.join("numero-2/lettre-pma-01.json")).unwrap();
    let third = dir.join("numero-2/lettre-pma-03.json");
    let out = new(&[next.as_os_str(), "-o".as_ref(), third.as_os_str()]);
    assert_success(&out, "maquette new (issue 3)");
    let issue: Value = serde_json::from_str(&fs::read_to_string(&third).unwrap()).unwrap();
    assert_eq!(
        issue["meta"]["date"],
        "2017-11-01",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A first issue from each shipped layout: one placeholder story per chain, and it renders.
    for (layout, language, chains) in [
        ("layouts/lettre-pma.json", "fr-FR", 5),
        ("layouts/harbour-news.json", "en-GB", 4),
    ] {
        let first = dir.join(&format!("first-{language}.json"));
        let layout = manifest_dir().join(layout);
        let out = new(&[
            "--layout".as_ref(),
            layout.as_os_str(),
            "--language".as_ref(),
            language.as_ref(),
            "--date".as_ref(),
            "2026-01".as_ref(),
            "-o".as_ref(),
            first.as_os_str(),
        ]);
        assert_success(&out, "maquette new --layout");
        let issue: Value = serde_json::from_str(&fs::read_to_string(&first).unwrap()).unwrap();
        assert_eq!(issue["meta"]["number"], 1);
        assert_eq!(issue["stories"].as_array().unwrap().len(), chains);
        let pdf = first.with_extension("pdf");
        render(&first, &pdf);
        assert!(!pages_of(&pdf).is_empty());
    }

    // Even with --force, the new file never replaces the layout it starts from.
    let layout = dir.join("layout-copy.json");
    fs::copy(example_layout_path(), &layout).unwrap();
    let before = fs::read(&layout).unwrap();
    let out = new(&[
        "--layout".as_ref(),
        layout.as_os_str(),
        "-o".as_ref(),
        layout.as_os_str(),
        "--force".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(fs::read(&layout).unwrap(), before);
}

#[test]
fn watch_renders_again_on_every_save_and_survives_a_typo() {
    let dir = TestDir::new("watch_renders_again_on_every_save_and_survives_a_typo");
    // The issue and a copy of its layout in the test's folder, to be saved in turn.
    let layout_path = write_json(&dir, "layout.json", &example_layout());
    let with_layout = |mut issue: Value| {
        issue["layout"] = Value::from(layout_path.to_str().unwrap());
        issue
    };
    let issue_path = write_json(&dir, "issue.json", &with_layout(example_issue()));
    let pdf = dir.join("issue.pdf");
    let mut child = maquette([
        OsStr::new("watch"),
        issue_path.as_os_str(),
        "-o".as_ref(),
        pdf.as_os_str(),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .expect("cannot start maquette watch");
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    let next_line = |what: &str| {
        rx.recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no output line {what}"))
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let (_, first) = next_line("for the first run");
        assert!(first.contains(" 2 pages "), "{first}");
        assert!(first.contains(" ms "), "{first}");
        let before = fs::read(&pdf).expect("the first run wrote no PDF");

        // A save, as an editor does it: a new file renamed over the old.
        let mut issue = with_layout(example_issue());
        story_lines_mut(&mut issue, "main")[2] =
            Value::from("Le mot Xylophonique ouvre cet article.");
        let tmp = dir.join(".issue.json.swp");
        fs::write(&tmp, serde_json::to_string_pretty(&issue).unwrap()).unwrap();
        let saved = Instant::now();
        fs::rename(&tmp, &issue_path).unwrap();
        let (at, second) = next_line("after the save");
        let took = at - saved;
        eprintln!("save to line: {} ms ({second})", took.as_millis());
        assert!(second.contains(" pages "), "{second}");
        let after = fs::read(&pdf).unwrap();
        assert_ne!(before, after, "the PDF did not change");
        assert!(flat(&pages_of(&pdf).join("\n")).contains("Xylophonique"));
        assert!(
            took < Duration::from_secs(5),
            "the change took {took:?} to render"
        );

        // A typo: reported, the PDF kept, and the watcher goes on.
        fs::write(&issue_path, "{ \"layout\": ").unwrap();
        let (_, third) = next_line("after the typo");
        assert!(
            third.contains("not written") && third.contains("1 problem"),
            "{third}"
        );
        assert!(
            third.contains("issue.json"),
            "the problem names no file: {third}"
        );
        assert_eq!(
            fs::read(&pdf).unwrap(),
            after,
            "a failed run touched the PDF"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the watcher died on a typo"
        );
        fs::write(
            &issue_path,
            serde_json::to_string_pretty(&with_layout(example_issue())).unwrap(),
        )
        .unwrap();
        let (_, fourth) = next_line("after the fix");
        assert!(fourth.contains(" 2 pages "), "{fourth}");
        let fixed = fs::read(&pdf).unwrap();

        // A save of the layout (its teal made red) renders again too.
        let mut layout = example_layout();
        layout["swatches"]["teal"]["rgb"] = Value::from("#c0392b");
        fs::write(&layout_path, serde_json::to_string_pretty(&layout).unwrap()).unwrap();
        let (_, fifth) = next_line("after the layout's save");
        assert!(fifth.contains(" 2 pages "), "{fifth}");
        assert_ne!(
            fs::read(&pdf).unwrap(),
            fixed,
            "the layout's change is not in the PDF"
        );
    }));
    child.kill().unwrap();
    child.wait().unwrap();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn a_proof_shows_what_does_not_fit() {
    let dir = TestDir::new("a_proof_shows_what_does_not_fit");
    let mut issue = example_issue();
    let agenda = story_lines_mut(&mut issue, "agenda");
    let once = agenda.clone();
    for _ in 0..5 {
        agenda.push(Value::from(""));
        agenda.extend(once.iter().cloned());
    }
    let issue_path = write_json(&dir, "long.json", &issue);

    // Without --proof nothing is written; check names the first words over.
    let refused = run(&mut render_command(&issue_path, &dir.join("long.pdf")));
    assert_eq!(refused.status.code(), Some(1));
    let check = run(&mut maquette([OsStr::new("check"), issue_path.as_os_str()]));
    let report = String::from_utf8_lossy(&check.stdout).into_owned();
    let from = report
        .split("from « ")
        .nth(1)
        .and_then(|r| r.split("… »").next())
        .unwrap_or_else(|| panic!("check names no first words over:\n{report}"))
        .to_string();

    let out = run(&mut maquette([
        OsStr::new("render"),
        issue_path.as_os_str(),
        "--proof".as_ref(),
    ]));
    assert_eq!(
        out.status.code(),
        Some(1),
        "a proof of an overset issue still says it does not fit"
    );
    let proof = dir.join("long-proof.pdf");
    assert!(
        proof.is_file(),
        "no proof: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.join("long.pdf").exists(), "a proof wrote an edition");
    let pages = pages_of(&proof);
    assert!(pages.len() >= 3, "no overset page: {} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("PROOF / ÉPREUVE"),
            "page {} has no proof mark",
            i + 1
        );
    }
    let overset: String = pages[2..].join("\n");
    let head = flat(&overset);
    assert!(head.contains("OVERSET — story `agenda`:"), "{head}");
    assert!(
        head.contains("lines,") && head.contains("words over"),
        "{head}"
    );
    let first_words: Vec<&str> = from.split_whitespace().take(3).collect();
    assert!(
        head.contains(&first_words.join(" ")),
        "the overset pages do not show the first words over (« {from} »):\n{head}"
    );
    // The issue's own pages show the frames' names.
    assert!(
        flat(&pages[0]).contains("first/sidebar · agenda"),
        "{}",
        pages[0]
    );
    let info = tool("pdfinfo", [proof.as_os_str()]);
    assert!(info.contains("Title:") && info.contains("PROOF"), "{info}");
    assert!(flat(&info).contains("Tagged: no"), "{info}");
    // It claims no standard: no PDF/X output intent, no PDF/A identification.
    let bytes = fs::read(&proof).unwrap();
    for claim in [&b"GTS_PDFX"[..], b"pdfaid:part", b"pdfuaid:part"] {
        assert!(
            !bytes.windows(claim.len()).any(|w| w == claim),
            "the proof claims {}",
            String::from_utf8_lossy(claim)
        );
    }

    // check --proof writes the same proof.
    let out_path = dir.join("from-check.pdf");
    let out = run(&mut maquette([
        OsStr::new("check"),
        issue_path.as_os_str(),
        "--proof".as_ref(),
        "-o".as_ref(),
        out_path.as_os_str(),
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        dir.join("from-check-proof.pdf").is_file(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The width and height in a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

/// How many different colours an image has, and the share of its pixels that are not white.
fn variety(png: &Path) -> (usize, f64) {
    let image = image::open(png).unwrap().to_rgb8();
    let mut colours = std::collections::HashSet::new();
    let mut inked = 0usize;
    for p in image.pixels() {
        colours.insert(p.0);
        inked += usize::from(p.0 != [255, 255, 255]);
    }
    (
        colours.len(),
        inked as f64 / (image.width() * image.height()) as f64,
    )
}

/// Checks that `dir` holds the example's two page images `STEM-page-N.png`,
/// each `size` pixels and showing a page, not a blank.
fn assert_pages_shown(dir: &TestDir, stem: &str, size: (u32, u32)) {
    for page in 1..=2 {
        let png = dir.join(&format!("{stem}-page-{page}.png"));
        let bytes = fs::read(&png).unwrap_or_else(|_| panic!("no {}", png.display()));
        assert_eq!(png_size(&bytes), size, "page {page}");
        let (colours, inked) = variety(&png);
        assert!(
            colours > 50 && inked > 0.05,
            "page {page} looks blank: {colours} colours, {inked:.3} inked"
        );
    }
}

#[test]
fn page_images_have_the_size_asked_for_and_show_the_page() {
    let dir = TestDir::new("page_images_have_the_size_asked_for_and_show_the_page");
    let pdf = dir.join("lettre.pdf");
    let out = run(&mut maquette([
        OsStr::new("render"),
        example_issue_path().as_os_str(),
        "-o".as_ref(),
        pdf.as_os_str(),
        "--png".as_ref(),
        "--png-width".as_ref(),
        "800".as_ref(),
    ]));
    assert_success(&out, "maquette render --png");
    assert!(pdf.is_file());
    // A4 at 800 px wide: 800 × 1131.
    assert_pages_shown(&dir, "lettre", (800, 1131));

    // preview: page 1 only, at 50 dpi, to a name of one's choice, and no PDF.
    let thumb = dir.join("thumb.png");
    let out = run(&mut maquette([
        OsStr::new("preview"),
        example_issue_path().as_os_str(),
        "--page".as_ref(),
        "1".as_ref(),
        "--dpi".as_ref(),
        "50".as_ref(),
        "-o".as_ref(),
        thumb.as_os_str(),
    ]));
    assert_success(&out, "maquette preview");
    let (w, h) = png_size(&fs::read(&thumb).unwrap());
    assert_eq!((w, h), (413, 585), "A4 at 50 dpi");
    assert!(variety(&thumb).0 > 20);
    let listing = dir.listing();
    assert_eq!(
        listing.iter().filter(|f| f.ends_with(".png")).count(),
        3,
        "{listing:?}"
    );
    let bad = run(&mut maquette([
        OsStr::new("preview"),
        example_issue_path().as_os_str(),
        "--page".as_ref(),
        "9".as_ref(),
        "-o".as_ref(),
        dir.join("nine.png").as_os_str(),
    ]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no page 9"));
}

#[test]
fn page_images_of_a_print_run_show_the_web_edition_without_writing_it() {
    let dir = TestDir::new("page_images_of_a_print_run_show_the_web_edition_without_writing_it");
    let pdf = dir.join("lettre.pdf");
    let out = run(&mut maquette([
        OsStr::new("render"),
        example_issue_path().as_os_str(),
        "--edition".as_ref(),
        "print".as_ref(),
        "-o".as_ref(),
        pdf.as_os_str(),
        "--png".as_ref(),
        "--png-width".as_ref(),
        "400".as_ref(),
    ]));
    assert_success(&out, "maquette render --edition print --png");
    // The one PDF written is the print edition: PDF/X, pages larger than
    // A4 (595 × 842 pt) by the bleed and the crop marks.
    let bytes = fs::read(&pdf).unwrap();
    assert!(
        bytes.windows(8).any(|w| w == b"GTS_PDFX"),
        "no PDF/X output intent"
    );
    let info = tool("pdfinfo", [pdf.as_os_str()]);
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap_or_else(|| panic!("{info}"));
    let width: f64 = size.split_whitespace().next().unwrap().parse().unwrap();
    assert!(width > 600.0, "{size}");
    let listing = dir.listing();
    let pdfs: Vec<&String> = listing.iter().filter(|f| f.ends_with(".pdf")).collect();
    assert_eq!(pdfs, ["lettre.pdf"], "{listing:?}");
    // The web edition's pages (A4, no bleed) at 400 px wide: 400 × 566.
    assert_pages_shown(&dir, "lettre", (400, 566));
}
