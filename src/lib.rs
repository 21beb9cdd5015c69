//! maquette lays out print newsletters: an issue file (JSON, running text in
//! Markdown) and a layout file (page masters, frames, chains, styles) in, a PDF out.
//!
//! The pipeline runs one way, one module per stage:
//!
//! 1. [`model`] reads the issue and the layout, with errors that point at the
//!    file, line, column and field;
//! 2. [`fonts`] loads the layout's faces;
//! 3. [`compose`] makes paragraphs: French typography, shaping (rustybuzz),
//!    hyphenation (hypher), Knuth–Plass line breaking, justification;
//! 4. [`flow`] pours each story through its chain of frames, keeping headings
//!    with their text, avoiding orphans and widows, balancing the last page;
//! 5. [`pages`] builds the pages from their masters, with furniture;
//! 6. [`pdf`] writes the PDF with krilla.
//!
//! ```no_run
//! let pdf = maquette::render(std::path::Path::new("examples/lettre-pma-01.json"), &Default::default())?;
//! std::fs::write("lettre-pma-01.pdf", pdf.bytes)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod compose;
pub mod error;
pub mod flow;
pub mod fonts;
pub mod images;
pub mod model;
pub mod pages;
pub mod pdf;
pub mod story;
pub mod units;

use error::{Error, Problem, Result};
use model::issue::{Date, Issue};
use model::layout::Layout;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    /// Writing the PDF.
    pub pdf: Duration,
}

/// A rendered PDF and what it took.
pub struct Rendered {
    /// The PDF file's bytes.
    pub bytes: Vec<u8>,
    /// Its page count.
    pub pages: usize,
    /// Time per stage.
    pub timings: Timings,
}

/// Reads an issue file and the layout it names.
pub fn read(issue_file: &Path) -> Result<(Issue, Layout, PathBuf)> {
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
    layout
        .check()
        .map_err(|p| Error::input(p.in_file(&layout_file)))?;
    Ok((issue, layout, layout_file))
}

/// Lays out an issue without writing anything.
pub fn lay_out(issue_file: &Path) -> Result<pages::Document> {
    let (issue, layout, layout_file) = read(issue_file)?;
    pages::compose(issue, issue_file, layout, &layout_file)
}

/// Lays out an issue and writes its PDF (the web edition) to memory.
pub fn render(issue_file: &Path, options: &Options) -> Result<Rendered> {
    let t0 = Instant::now();
    let (issue, layout, layout_file) = read(issue_file)?;
    let t1 = Instant::now();
    let timestamp = match options.timestamp {
        Some(t) => t,
        None => {
            let d = Date::parse(&issue.meta.date).unwrap_or(Date {
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
        }
    };
    let doc = pages::compose(issue, issue_file, layout, &layout_file)?;
    let t2 = Instant::now();
    let bytes = pdf::write(&doc, timestamp)?;
    let t3 = Instant::now();
    Ok(Rendered {
        bytes,
        pages: doc.pages.len(),
        timings: Timings {
            read: t1 - t0,
            layout: t2 - t1,
            pdf: t3 - t2,
        },
    })
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
