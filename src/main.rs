//! The `maquette` command: parse arguments, call the library, map errors to exit codes.

use clap::{Parser, Subcommand, ValueEnum};
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
        /// Where to write the PDF (default: the issue's path with `.pdf`, or
        /// `-print.pdf`; with `--edition both`, `-web` and `-print` are added to it).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Which edition to write.
        #[arg(long, value_enum, default_value_t = Editions::Web)]
        edition: Editions,
        /// Print the time spent in each stage on standard error.
        #[arg(long)]
        timings: bool,
    },
    /// Lay out an issue without writing a PDF and report what would stop a
    /// print shop or an accessibility audit (a preflight).
    Check {
        /// The issue file (JSON).
        issue: PathBuf,
        /// Which edition to check.
        #[arg(long, value_enum, default_value_t = Editions::Both)]
        edition: Editions,
    },
    /// Print the JSON Schema of the issue or the layout file, which editors
    /// such as VS Code use to complete and check fields (`schemas/` ships both).
    Schema {
        /// Which file's schema.
        #[arg(value_enum)]
        of: SchemaOf,
    },
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
            output,
            edition,
            timings,
        } => return render_all(&issues, output, edition, timings),
        Command::Check { issue, edition } => check(&issue, edition),
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
fn render_all(
    issues: &[PathBuf],
    output: Option<PathBuf>,
    editions: Editions,
    timings: bool,
) -> ExitCode {
    if output.is_some() && issues.len() > 1 {
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
        if let Err(e) = render(issue, output.clone(), editions, timings, &shared) {
            eprintln!("error: {e}");
            worst = worst.max(e.exit_code());
        }
    }
    ExitCode::from(worst as u8)
}

/// `maquette render` of one issue: all PDFs are made in memory, then each is written atomically.
fn render(
    issue: &Path,
    output: Option<PathBuf>,
    editions: Editions,
    timings: bool,
    shared: &[PathBuf],
) -> maquette::error::Result<()> {
    let options = maquette::Options {
        timestamp: source_date_epoch(),
    };
    let rendered = maquette::render(issue, &editions.list(), &options)?;
    for finding in &rendered.findings {
        eprintln!("{finding}");
    }
    let paths: Vec<PathBuf> = rendered
        .editions
        .iter()
        .map(|(edition, _)| {
            output_path(
                issue,
                output.as_deref(),
                *edition,
                editions == Editions::Both,
            )
        })
        .collect();
    let mut inputs = rendered.inputs.clone();
    inputs.extend_from_slice(shared);
    for path in &paths {
        maquette::check_output(path, &inputs)?;
    }
    for ((edition, bytes), path) in rendered.editions.iter().zip(&paths) {
        maquette::write_atomically(path, bytes)?;
        eprintln!(
            "wrote {} ({} edition, {} pages)",
            path.display(),
            edition.name(),
            rendered.pages
        );
    }
    if timings {
        let t = rendered.timings;
        eprintln!(
            "read {:.2} ms, layout {:.2} ms, pdf {:.2} ms, total {:.2} ms ({} pages)",
            ms(t.read),
            ms(t.layout),
            ms(t.pdf),
            ms(t.read + t.layout + t.pdf),
            rendered.pages
        );
    }
    Ok(())
}

/// `maquette check`: the preflight report on standard output; exit 1 if it has errors.
fn check(issue: &Path, editions: Editions) -> maquette::error::Result<ExitCode> {
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
        "{}: {errors} error(s), {warnings} warning(s) for the {} edition{}",
        issue.display(),
        names.join(" and "),
        if names.len() > 1 { "s" } else { "" }
    );
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
