//! The `maquette` command: parse arguments, call the library, map errors to exit codes.

use clap::{Args, Parser, Subcommand, ValueEnum};
use maquette::{Edition, Severity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Lays out print newsletters from an issue file (JSON + Markdown) and a layout file.
#[derive(Parser)]
#[command(name = "maquette", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lay out an issue and write its PDF: the web edition, the print edition, or both.
    Render {
        /// The issue file (JSON), or several: each is rendered in turn.
        #[arg(required = true, num_args = 1..)]
        issues: Vec<PathBuf>,
        #[command(flatten)]
        out: Out,
        /// Print the time spent in each stage on standard error.
        #[arg(long)]
        timings: bool,
    },
    /// Lay out an issue without writing a PDF and report what would stop a
    /// print shop or an accessibility audit (a preflight).
    Check {
        /// The issue file (JSON).
        issue: PathBuf,
        /// Which edition to check: the web edition by default, as `render` writes it.
        #[arg(long, value_enum, default_value_t = Editions::Web)]
        edition: Editions,
        /// Also write a proof (`ISSUE-proof.pdf`, or `-o`): frames, grid, and what does not fit.
        #[arg(long)]
        proof: bool,
        /// Where to write the proof.
        #[arg(short, long, requires = "proof")]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of the issue or the layout file, which editors
    /// such as VS Code use to complete and check fields (`schemas/` ships both).
    Schema {
        /// Which file's schema.
        #[arg(value_enum)]
        of: SchemaOf,
    },
    /// Start an issue: the next one from the last (number + 1, the next date,
    /// the same stories), or a first one from a layout (`--layout`).
    New {
        /// The last issue file, to start the next from.
        #[arg(required_unless_present = "layout", conflicts_with = "layout")]
        from: Option<PathBuf>,
        /// Start a first issue from this layout file: one placeholder story per chain.
        #[arg(long)]
        layout: Option<PathBuf>,
        /// The new issue file (never replaced unless `--force`).
        #[arg(short, long)]
        output: PathBuf,
        /// Keep the text of every story (default: placeholders, images kept).
        #[arg(long)]
        keep_text: bool,
        /// Keep the text of this story (standing copy: `--keep masthead`); may be repeated.
        #[arg(long, value_name = "STORY")]
        keep: Vec<String>,
        /// The new issue's date (YYYY-MM-DD or YYYY-MM); default: by the publication's rhythm.
        #[arg(long)]
        date: Option<String>,
        /// With `--layout`: the publication's name (default: the layout's `name`).
        #[arg(long, requires = "layout")]
        publication: Option<String>,
        /// With `--layout`: the text's language tag (default: fr-FR).
        #[arg(long, requires = "layout")]
        language: Option<String>,
        /// Replace the output if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Render an issue again on every save of the issue, its layout, or an
    /// image or font it uses; one line per run. Stop it with Ctrl-C.
    Watch {
        /// The issue file (JSON).
        issue: PathBuf,
        #[command(flatten)]
        out: Out,
    },
    /// Write PNG images of an issue's pages (no PDF): page 1 is the thumbnail.
    Preview {
        /// The issue file (JSON).
        issue: PathBuf,
        /// The image to write (default: `ISSUE-page-N.png`; with several pages, `-page-N` is added).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Only these pages (1 is the first); may be repeated. Default: every page.
        #[arg(long, value_name = "N")]
        page: Vec<usize>,
        /// Images of the proof rather than the web edition.
        #[arg(long)]
        proof: bool,
        #[command(flatten)]
        size: PngSize,
    },
}

/// Where and what `render` and `watch` write.
#[derive(Args, Clone)]
struct Out {
    /// Where to write the PDF (default: the issue's path with `.pdf`, or
    /// `-print.pdf`; with `--edition both`, `-web` and `-print` are added to it).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Which edition to write.
    #[arg(long, value_enum, default_value_t = Editions::Web)]
    edition: Editions,
    /// Write a proof instead (`-proof.pdf`), even when a story does not fit:
    /// frames outlined and named, baseline grid, the text over on marked pages.
    #[arg(long)]
    proof: bool,
    /// Also write PNG images of the pages (`NAME-page-N.png`, of the web edition or the proof).
    #[arg(long)]
    png: bool,
    #[command(flatten)]
    size: PngSize,
}

/// The size of page images.
#[derive(Args, Clone, Copy)]
struct PngSize {
    /// Page images this many pixels wide (default 800).
    #[arg(long, value_name = "PIXELS", conflicts_with = "dpi")]
    png_width: Option<u32>,
    /// Page images at this resolution, in pixels per inch.
    #[arg(long)]
    dpi: Option<f32>,
}

impl PngSize {
    fn size(self) -> maquette::raster::Size {
        match (self.png_width, self.dpi) {
            (_, Some(dpi)) => maquette::raster::Size::Dpi(dpi),
            (Some(w), None) => maquette::raster::Size::Width(w),
            (None, None) => maquette::raster::Size::default(),
        }
    }
}

/// The files a schema describes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaOf {
    /// The issue file.
    Issue,
    /// The layout file.
    Layout,
}

/// The editions a command works on.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Editions {
    /// The web edition: RGB, tagged PDF/UA-1, links and bookmarks.
    Web,
    /// The print edition: CMYK, PDF/X-4, bleed and crop marks.
    Print,
    /// Both.
    Both,
}

impl Editions {
    fn list(self) -> Vec<Edition> {
        match self {
            Editions::Web => vec![Edition::Web],
            Editions::Print => vec![Edition::Print],
            Editions::Both => vec![Edition::Web, Edition::Print],
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render {
            issues,
            out,
            timings,
        } => return render_all(&issues, &out, timings),
        Command::Check {
            issue,
            edition,
            proof,
            output,
        } => check(&issue, edition, proof.then_some(output)),
        Command::New {
            from,
            layout,
            output,
            keep_text,
            keep,
            date,
            publication,
            language,
            force,
        } => {
            let made = match (&from, &layout) {
                (Some(from), _) => {
                    let how = maquette::scaffold::Next {
                        keep_text,
                        keep,
                        date,
                    };
                    maquette::scaffold::next(from, &output, &how)
                }
                (None, Some(layout)) => {
                    let how = maquette::scaffold::First {
                        publication,
                        language,
                        date,
                    };
                    maquette::scaffold::first(layout, &output, &how)
                }
                (None, None) => unreachable!("clap requires one"),
            };
            // The new file never replaces the issue or the layout it starts from.
            let sources: Vec<PathBuf> = from.iter().chain(&layout).cloned().collect();
            made.and_then(|made| new(&made, &output, &sources, force))
        }
        Command::Watch { issue, out } => watch(&issue, &out),
        Command::Preview {
            issue,
            output,
            page,
            proof,
            size,
        } => preview(&issue, output.as_deref(), &page, proof, size),
        Command::Schema { of } => {
            let kind = match of {
                SchemaOf::Issue => maquette::model::schema::Kind::Issue,
                SchemaOf::Layout => maquette::model::schema::Kind::Layout,
            };
            print!("{}", maquette::model::schema::json(kind));
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// `maquette render` of one issue or several; the exit code is the worst of them.
fn render_all(issues: &[PathBuf], out: &Out, timings: bool) -> ExitCode {
    if out.output.is_some() && issues.len() > 1 {
        eprintln!(
            "error: `-o` names one output, but {} issue files were given\n  hint: render them one at a time with `-o`, or without `-o` (each PDF goes beside its issue)",
            issues.len()
        );
        return ExitCode::from(2);
    }
    // No output may replace an issue or a layout of another issue of the
    // command (one issue's own inputs are checked by `render`).
    let shared: Vec<PathBuf> = issues
        .iter()
        .filter(|_| issues.len() > 1)
        .flat_map(|i| {
            let layout = maquette::read(i).ok().map(|r| r.layout_file);
            std::iter::once(i.clone()).chain(layout)
        })
        .collect();
    let mut worst = 0;
    for issue in issues {
        match render(issue, out, &shared, true) {
            Ok(done) => {
                if timings {
                    let t = done.timings;
                    eprintln!(
                        "read {:.2} ms, layout {:.2} ms, pdf {:.2} ms, total {:.2} ms ({} pages)",
                        ms(t.read),
                        ms(t.layout),
                        ms(t.pdf),
                        ms(t.read + t.layout + t.pdf),
                        done.pages
                    );
                }
                if done.errors > 0 {
                    worst = worst.max(1);
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                worst = worst.max(e.exit_code());
            }
        }
    }
    ExitCode::from(worst as u8)
}

/// What a run of `render` wrote and found.
struct Done {
    /// Pages of the PDF (with a proof's overset pages).
    pages: usize,
    /// What the preflight found, one line each.
    findings: Vec<String>,
    /// Errors among them (a proof is written even so).
    errors: usize,
    /// Every file the run read.
    inputs: Vec<PathBuf>,
    /// Time per stage.
    timings: maquette::Timings,
}

/// `maquette render` of one issue: all PDFs (or the proof) are made in
/// memory, then each is written atomically, with the page images if asked;
/// `loud` prints the findings and what was written.
fn render(
    issue: &Path,
    out: &Out,
    shared: &[PathBuf],
    loud: bool,
) -> maquette::error::Result<Done> {
    let options = maquette::Options {
        timestamp: source_date_epoch(),
    };
    // Each file to write, with what it is; and the PDF the page images show.
    let mut files: Vec<(PathBuf, Vec<u8>, String)> = Vec::new();
    let (done, shown) = if out.proof {
        let proof = maquette::proof(issue, &options)?;
        let what = match proof.overset.len() {
            0 => format!("proof, {} pages, everything fits", proof.pages),
            n => format!(
                "proof, {} pages and {} overset page(s) for {n} story(ies) that do not fit",
                proof.issue_pages,
                proof.pages - proof.issue_pages
            ),
        };
        let path = proof_path(issue, out.output.as_deref());
        files.push((path, proof.bytes.clone(), what));
        let done = Done::of(proof.pages, &proof.findings, proof.inputs, proof.timings);
        (done, Some(proof.bytes))
    } else {
        let mut editions = out.edition.list();
        // Page images show the web edition, written or not.
        let images_only = out.png && !editions.contains(&Edition::Web);
        if images_only {
            editions.push(Edition::Web);
        }
        let rendered = maquette::render(issue, &editions, &options)?;
        let mut shown = None;
        for (edition, bytes) in rendered.editions {
            // The web edition is kept for the page images only if they are asked for.
            if out.png && edition == Edition::Web {
                if images_only {
                    shown = Some(bytes);
                    continue;
                }
                shown = Some(bytes.clone());
            }
            let both = out.edition == Editions::Both;
            let path = output_path(issue, out.output.as_deref(), edition, both);
            let what = format!("{} edition, {} pages", edition.name(), rendered.pages);
            files.push((path, bytes, what));
        }
        let done = Done::of(
            rendered.pages,
            &rendered.findings,
            rendered.inputs,
            rendered.timings,
        );
        (done, shown)
    };
    if loud {
        for finding in &done.findings {
            eprintln!("{finding}");
        }
    }
    if out.png {
        let pdf = shown.as_deref().unwrap_or_default();
        let base = files
            .first()
            .map_or_else(|| issue.with_extension("pdf"), |f| f.0.clone());
        for (path, image) in page_images(pdf, &base, None, &[], out.size)? {
            files.push((
                path,
                image.png,
                format!("{}×{} px", image.width, image.height),
            ));
        }
    }
    let mut inputs = done.inputs.clone();
    inputs.extend_from_slice(shared);
    for (path, _, _) in &files {
        maquette::check_output(path, &inputs)?;
    }
    for (path, bytes, what) in &files {
        maquette::write_atomically(path, bytes)?;
        if loud {
            eprintln!("wrote {} ({what})", path.display());
        }
    }
    if loud && done.errors > 0 {
        eprintln!(
            "the proof shows {} error(s): the issue is not ready to print; `maquette check` lists them",
            done.errors
        );
    }
    Ok(done)
}

impl Done {
    /// What a run found, with its findings as lines.
    fn of(
        pages: usize,
        findings: &[maquette::Finding],
        inputs: Vec<PathBuf>,
        timings: maquette::Timings,
    ) -> Done {
        Done {
            pages,
            errors: findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            findings: findings.iter().map(|f| f.to_string()).collect(),
            inputs,
            timings,
        }
    }
}

/// The page images of `pdf` (the 1-based `pages`, or all), each with its
/// path: `output` itself for a single image, else `BASE-page-N.png` from
/// `output` or `base` (a PDF's path).
fn page_images(
    pdf: &[u8],
    base: &Path,
    output: Option<&Path>,
    pages: &[usize],
    size: PngSize,
) -> maquette::error::Result<Vec<(PathBuf, maquette::raster::PageImage)>> {
    let only: Vec<usize> = pages.iter().map(|p| p.wrapping_sub(1)).collect();
    let only = (!pages.is_empty()).then_some(only.as_slice());
    let images = maquette::raster::pages(pdf, size.size(), only)?;
    let numbers: Vec<usize> = match pages.is_empty() {
        true => (1..=images.len()).collect(),
        false => {
            let mut n = pages.to_vec();
            n.sort_unstable();
            n.dedup();
            n
        }
    };
    let single = output.filter(|_| images.len() == 1);
    let base = output.unwrap_or(base);
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(images
        .into_iter()
        .zip(numbers)
        .map(|(image, n)| {
            let path = single.map_or_else(
                || base.with_file_name(format!("{stem}-page-{n}.png")),
                Path::to_path_buf,
            );
            (path, image)
        })
        .collect())
}

/// `maquette new`: writes the new issue, never over an existing file unless `force`.
fn new(
    made: &maquette::scaffold::NewIssue,
    output: &Path,
    sources: &[PathBuf],
    force: bool,
) -> maquette::error::Result<ExitCode> {
    use maquette::error::{Error, Problem};
    if output.exists() && !force {
        return Err(Error::output(
            Problem::new("the new issue's file exists already")
                .in_file(output)
                .hint("name another file with `-o`, or give `--force` to replace it"),
        ));
    }
    maquette::check_output(output, sources)?;
    maquette::write_atomically(output, made.json.as_bytes())?;
    let kept: Vec<&str> = made
        .stories
        .iter()
        .filter(|s| s.1)
        .map(|s| s.0.as_str())
        .collect();
    let placeholders = made.stories.len() - kept.len();
    eprintln!(
        "wrote {}: issue {}, dated {} ({}); {} stories, {placeholders} with placeholders{}",
        output.display(),
        made.number,
        made.date,
        made.date_from,
        made.stories.len(),
        match kept.is_empty() {
            true => String::new(),
            false => format!(", text kept in {}", kept.join(", ")),
        }
    );
    eprintln!(
        "next: write the text, then `maquette watch {}`",
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `maquette watch`: renders now and on every save, one line per run on standard output.
fn watch(issue: &Path, out: &Out) -> maquette::error::Result<ExitCode> {
    use std::io::Write;
    let mut last: Vec<PathBuf> = Vec::new();
    let mut once = || {
        let start = std::time::Instant::now();
        let run = match render(issue, out, &[], false) {
            Ok(done) => {
                last = done.inputs.clone();
                maquette::watch::Run {
                    pages: Some(done.pages),
                    took: start.elapsed(),
                    problems: done.findings,
                }
            }
            Err(e) => maquette::watch::Run {
                pages: None,
                took: start.elapsed(),
                problems: maquette::watch::problems_of(&e),
            },
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        println!("{}", run.line(now));
        let _ = std::io::stdout().flush();
        last.clone()
    };
    eprintln!(
        "watching {} and the files it uses; stop with Ctrl-C",
        issue.display()
    );
    maquette::watch::watch(issue, &mut once)?;
    Ok(ExitCode::SUCCESS)
}

/// `maquette preview`: PNG images of the pages, and no PDF.
fn preview(
    issue: &Path,
    output: Option<&Path>,
    pages: &[usize],
    proof: bool,
    size: PngSize,
) -> maquette::error::Result<ExitCode> {
    let options = maquette::Options {
        timestamp: source_date_epoch(),
    };
    let (pdf, inputs) = if proof {
        let p = maquette::proof(issue, &options)?;
        (p.bytes, p.inputs)
    } else {
        let mut r = maquette::render(issue, &[Edition::Web], &options)?;
        for finding in &r.findings {
            eprintln!("{finding}");
        }
        (r.editions.remove(0).1, r.inputs)
    };
    let base = issue.with_extension("png");
    let images = page_images(&pdf, &base, output, pages, size)?;
    for (path, _) in &images {
        maquette::check_output(path, &inputs)?;
    }
    for (path, image) in &images {
        maquette::write_atomically(path, &image.png)?;
        eprintln!(
            "wrote {} ({}×{} px)",
            path.display(),
            image.width,
            image.height
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Where a proof is written: `-o` or the issue's path, its name ending in `-proof.pdf`.
fn proof_path(issue: &Path, output: Option<&Path>) -> PathBuf {
    let base = output.map_or_else(|| issue.with_extension("pdf"), Path::to_path_buf);
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match stem.ends_with("-proof") {
        true => base.with_extension("pdf"),
        false => base.with_file_name(format!("{stem}-proof.pdf")),
    }
}

/// `maquette check`: the preflight report on standard output, and the proof
/// if asked (`Some` output); exit 1 if it has errors.
fn check(
    issue: &Path,
    editions: Editions,
    proof: Option<Option<PathBuf>>,
) -> maquette::error::Result<ExitCode> {
    let findings = maquette::check(issue, &editions.list())?;
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    for finding in &findings {
        println!("{finding}");
    }
    let names: Vec<&str> = editions.list().iter().map(|e| e.name()).collect();
    println!(
        "{}: {errors} error(s), {warnings} warning(s) for the {} edition{}{}",
        issue.display(),
        names.join(" and "),
        if names.len() > 1 { "s" } else { "" },
        if editions == Editions::Web {
            " (add `--edition both` to check the print edition too)"
        } else {
            ""
        }
    );
    if let Some(output) = proof {
        let options = maquette::Options {
            timestamp: source_date_epoch(),
        };
        let proof = maquette::proof(issue, &options)?;
        let path = proof_path(issue, output.as_deref());
        maquette::check_output(&path, &proof.inputs)?;
        maquette::write_atomically(&path, &proof.bytes)?;
        println!(
            "wrote {} (proof: {} pages, {} overset page(s))",
            path.display(),
            proof.pages,
            proof.pages - proof.issue_pages
        );
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where an edition is written: `-o` or the issue's path, with `-web`/`-print` when both are.
fn output_path(issue: &Path, output: Option<&Path>, edition: Edition, both: bool) -> PathBuf {
    let base = output.map_or_else(|| issue.with_extension("pdf"), Path::to_path_buf);
    let suffixed = |suffix: &str| {
        let stem = base
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        base.with_file_name(format!("{stem}-{suffix}.pdf"))
    };
    match (edition, both, output.is_some()) {
        (_, true, _) => suffixed(edition.name()),
        (Edition::Print, false, false) => suffixed("print"),
        _ => base,
    }
}

/// Milliseconds, for printing.
fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The build date from `SOURCE_DATE_EPOCH`, for reproducible output.
fn source_date_epoch() -> Option<maquette::pdf::Timestamp> {
    let s = std::env::var("SOURCE_DATE_EPOCH").ok()?;
    s.trim()
        .parse::<i64>()
        .ok()
        .map(maquette::pdf::Timestamp::from_unix)
}
