//! maquette lays out print newsletters: an issue file (JSON, running text in
//! Markdown) and a layout file (page masters, frames, chains, styles) in, a PDF out.
//!
//! The pipeline runs one way, one module per stage; a module uses only those
//! above it in this list, and the shared types ([`units`], [`error`],
//! [`report`], [`memory`]) sit below them all:
//!
//! 1. [`model`] reads the issue and the layout, and checks them (values,
//!    structure, language), with errors that point at the file, line, column and field;
//! 2. [`fonts`], [`images`] and [`icc`] load what the layout and the stories name;
//! 3. [`compose`] makes paragraphs: typography in the issue's language,
//!    shaping (HarfRust), hyphenation (hypher), Knuth–Plass line breaking;
//! 4. [`flow`] pours blocks through slots, keeping headings with their text,
//!    avoiding orphans and widows, balancing, laying out tables;
//! 5. [`story`] turns each story's Markdown into the flow's blocks;
//! 6. [`sequence`] gives each page its master (position, side) and each chain its slots;
//! 7. [`placement`] chooses the page count and pours every story;
//! 8. [`accounting`] checks that every word of every story was placed;
//! 9. [`pages`] draws the pages: furniture, frames and what they hold;
//! 10. [`preflight`] checks what would stop a print shop or an accessibility audit;
//! 11. [`pdf`] writes the web edition (tagged PDF/UA-1) and the print edition
//!     (PDF/X-4) with krilla, or a proof;
//! 12. [`raster`] makes PNG images of a PDF's pages (hayro);
//! 13. [`scaffold`] starts an issue: the next from the last, or a first from a layout;
//! 14. [`watch`] renders an issue again on every save of a file it reads (notify).
//!
//! ```no_run
//! use maquette::Edition;
//! let issue = std::path::Path::new("examples/lettre-pma-01.json");
//! let rendered = maquette::render(issue, &[Edition::Web, Edition::Print], &Default::default())?;
//! for (edition, bytes) in rendered.editions {
//!     std::fs::write(format!("lettre-pma-01-{}.pdf", edition.name()), bytes)?;
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod accounting;
pub mod compose;
pub mod error;
pub mod flow;
pub mod fonts;
pub mod icc;
pub mod images;
pub mod memory;
pub mod model;
pub mod pages;
pub mod pdf;
pub mod placement;
pub mod preflight;
pub mod raster;
pub mod report;
pub mod scaffold;
pub mod sequence;
pub mod story;
pub mod units;
pub mod watch;

use error::{Error, Problem, Result};
use model::issue::{Date, Issue};
use model::layout::Layout;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use report::{Edition, Finding, Severity};

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The date written in the PDF (`SOURCE_DATE_EPOCH`); the issue's date if absent.
    pub timestamp: Option<pdf::Timestamp>,
}

/// Time spent in each stage of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading and checking the issue and layout files.
    pub read: Duration,
    /// Loading fonts and images, composing text, flowing it and making pages.
    pub layout: Duration,
    /// Writing the PDFs.
    pub pdf: Duration,
}

/// An edition and its PDF file's bytes.
pub type EditionPdf = (Edition, Vec<u8>);

/// The PDFs of a run and what it took.
pub struct Rendered {
    /// Each edition asked for, with its PDF file's bytes.
    pub editions: Vec<EditionPdf>,
    /// The page count.
    pub pages: usize,
    /// What the preflight found (warnings only: errors stop the run).
    pub findings: Vec<Finding>,
    /// Time per stage.
    pub timings: Timings,
    /// Every file the run read (an output must never replace one).
    pub inputs: Vec<PathBuf>,
}

/// What was read: the issue, its layout, where that is, and what reading it warned of.
pub struct Inputs {
    /// The issue.
    pub issue: Issue,
    /// Its layout.
    pub layout: Layout,
    /// The layout file.
    pub layout_file: PathBuf,
    /// Warnings about the layout (frames of different chains that overlap…).
    pub warnings: Vec<Finding>,
}

/// Reads an issue file and the layout it names, and checks the layout.
pub fn read(issue_file: &Path) -> Result<Inputs> {
    let issue: Issue = model::load_json(issue_file, "issue file")?;
    let layout_file = model::resolve(issue_file, &issue.layout);
    let layout: Layout = model::load_json(&layout_file, "layout file").map_err(|e| match e {
        Error::Input(p) if p.position.is_none() && p.path.is_none() => {
            Error::input((*p).at("layout").hint(
                "the issue's `layout` field names the layout file, relative to the issue file",
            ))
        }
        other => other,
    })?;
    let warnings = layout
        .check()
        .map_err(|p| Error::input(p.in_file(&layout_file)))?
        .into_iter()
        .map(|p| Finding::warning(Error::input(p.in_file(&layout_file)).to_string()))
        .collect();
    Ok(Inputs {
        issue,
        layout,
        layout_file,
        warnings,
    })
}

/// Lays out what was read (as a proof if `proof`); the layout's warnings
/// come first among the findings.
fn compose(inputs: Inputs, issue_file: &Path, proof: bool) -> Result<pages::Document> {
    // Laid out on one of rayon's threads: the paragraphs and the lines it
    // sets on every core are rayon's jobs, which a thread of rayon's shares
    // in while it waits for them, where any other thread sleeps until they
    // are done.
    let mut doc = rayon::scope(|_| {
        pages::compose(
            inputs.issue,
            issue_file,
            inputs.layout,
            &inputs.layout_file,
            proof,
        )
    })?;
    doc.findings.splice(0..0, inputs.warnings);
    // The layout's paragraphs and tried lines are freed: on the ×50 letter
    // the peak fell from 49 to 41 MiB when it was added, and is 31.3 →
    // 29.2 MiB with the layout on rayon's threads (medians of 21 runs),
    // for 1.6–2 ms.
    memory::release_freed();
    Ok(doc)
}

/// Lays out an issue without writing anything (what layout found is in the document).
pub fn lay_out(issue_file: &Path) -> Result<pages::Document> {
    compose(read(issue_file)?, issue_file, false)
}

/// The preflight of an issue: everything found, for the editions asked for.
pub fn check(issue_file: &Path, editions: &[Edition]) -> Result<Vec<Finding>> {
    Ok(preflight::findings(&lay_out(issue_file)?, editions))
}

/// Lays out an issue and writes the PDFs of the editions asked for, in memory.
/// Fails, writing nothing, if the preflight finds an error in any of them.
pub fn render(issue_file: &Path, editions: &[Edition], options: &Options) -> Result<Rendered> {
    let t0 = Instant::now();
    let inputs = read(issue_file)?;
    let t1 = Instant::now();
    let timestamp = timestamp(&inputs, options);
    let doc = compose(inputs, issue_file, false)?;
    let findings = preflight::findings(&doc, editions);
    let errors: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("  {f}"))
        .collect();
    if !errors.is_empty() {
        return Err(Error::layout(
            Problem::new(format!(
                "the preflight found {} error(s):\n{}",
                errors.len(),
                errors.join("\n")
            ))
            .in_file(issue_file)
            .hint("fix them and run again; `maquette check` lists everything it finds"),
        ));
    }
    let t2 = Instant::now();
    let out = write_editions(&doc, editions, timestamp)?;
    let t3 = Instant::now();
    let rendered = Rendered {
        inputs: doc.inputs(),
        editions: out,
        pages: doc.pages.len(),
        findings,
        timings: Timings {
            read: t1 - t0,
            layout: t2 - t1,
            pdf: t3 - t2,
        },
    };
    // The layout is freed on another thread while the files are written:
    // some 4 ms on the ×50 letter.
    rayon::spawn(move || drop(doc));
    Ok(rendered)
}

/// The PDFs of `editions`, in their order, written side by side from the
/// same layout. An edition is written on one of rayon's threads: krilla
/// compresses each page of the web edition as a rayon job, and the print
/// edition's streams are compressed as rayon jobs, which that thread takes
/// up itself while it waits, where this one would sleep until they are done
/// (×50 letter: web, PDF stage 91 → 74 ms, medians of 41 runs; print alone,
/// 149 → 142 ms and 42.0 → 40.5 MiB, medians of 21). With both editions,
/// the print edition is written on this thread: as rayon's second job it
/// took more time, beside a web edition that keeps both of rayon's threads
/// busy.
fn write_editions(
    doc: &pages::Document,
    editions: &[Edition],
    timestamp: pdf::Timestamp,
) -> Result<Vec<EditionPdf>> {
    let write = |edition: Edition| pdf::write(doc, edition, timestamp).map(|b| (edition, b));
    let mut written: Vec<Option<Result<EditionPdf>>> = editions.iter().map(|_| None).collect();
    rayon::in_place_scope(|scope| {
        let mut here = Vec::new();
        for (slot, &edition) in written.iter_mut().zip(editions) {
            if edition == Edition::Web || editions.len() == 1 {
                scope.spawn(move |_| *slot = Some(write(edition)));
            } else {
                here.push((slot, edition));
            }
        }
        for (slot, edition) in here {
            *slot = Some(write(edition));
        }
    });
    written.into_iter().flatten().collect()
}

/// The date written in the PDF: `SOURCE_DATE_EPOCH`'s, or the issue's.
fn timestamp(inputs: &Inputs, options: &Options) -> pdf::Timestamp {
    options.timestamp.unwrap_or_else(|| {
        let d = Date::parse(&inputs.issue.meta.date).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: None,
        });
        pdf::Timestamp {
            year: d.year,
            month: d.month,
            day: d.day.unwrap_or(1),
            time: (0, 0, 0),
        }
    })
}

/// A proof's PDF and what it shows.
pub struct Proof {
    /// The PDF file's bytes.
    pub bytes: Vec<u8>,
    /// Its page count: the issue's pages and the overset pages after them.
    pub pages: usize,
    /// The issue's pages (without the overset pages).
    pub issue_pages: usize,
    /// What did not fit, story by story.
    pub overset: Vec<pages::Overset>,
    /// Everything the preflight found, errors included (for both editions).
    pub findings: Vec<Finding>,
    /// Every file the run read.
    pub inputs: Vec<PathBuf>,
    /// Time per stage.
    pub timings: Timings,
}

/// Lays out an issue as a proof, even when a story does not fit, and writes
/// its PDF in memory: frames outlined and named, the baseline grid, the text
/// that did not fit on overset pages after the last, a « PROOF / ÉPREUVE »
/// band on every page. It is no edition: RGB, untagged, no PDF/X or PDF/A.
pub fn proof(issue_file: &Path, options: &Options) -> Result<Proof> {
    let t0 = Instant::now();
    let inputs = read(issue_file)?;
    let t1 = Instant::now();
    let timestamp = timestamp(&inputs, options);
    let doc = compose(inputs, issue_file, true)?;
    let findings = preflight::findings(&doc, &[Edition::Web, Edition::Print]);
    let overset = doc.proof.clone().unwrap_or_default();
    let t2 = Instant::now();
    let bytes = pdf::write(&doc, Edition::Web, timestamp)?;
    let t3 = Instant::now();
    let issue_pages = overset.first().map_or(doc.pages.len(), |o| o.page);
    Ok(Proof {
        bytes,
        pages: doc.pages.len(),
        issue_pages,
        overset,
        findings,
        inputs: doc.inputs(),
        timings: Timings {
            read: t1 - t0,
            layout: t2 - t1,
            pdf: t3 - t2,
        },
    })
}

/// Checks that `path` may receive an output: it is not one of the run's
/// `inputs` (the issue, the layout, a font, an image, the profile, by any
/// name or link), and, if it exists, it is a regular file (not a device, a
/// folder or a pipe).
pub fn check_output(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    let refuse =
        |why: String, hint: &str| Err(Error::output(Problem::new(why).in_file(path).hint(hint)));
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return refuse(
                "the output exists and is not a regular file (a folder, a device or a pipe)".into(),
                "name a PDF file to write with `-o`",
            );
        }
    }
    let out = same_file_key(path);
    for input in inputs {
        if out.is_some() && same_file_key(input) == out || canonical(input) == canonical(path) {
            return refuse(
                format!(
                    "the output would replace {}, which this run reads",
                    input.display()
                ),
                "name another output file with `-o`",
            );
        }
    }
    Ok(())
}

/// The device and inode of an existing file (hard links and symbolic links share them).
fn same_file_key(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// A path made absolute with its folder's links resolved, for comparison.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so
/// that a failed write never leaves a truncated file nor destroys the old one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |what: &str, e: std::io::Error| {
        Error::output(
            Problem::new(format!("cannot {what}: {e}"))
                .in_file(path)
                .hint("check that the folder exists and is writable"),
        )
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out.pdf".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes)
        .map_err(|e| fail("write the output", e))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| fail("replace the output", e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
