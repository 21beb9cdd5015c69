//! The `maquette` command: parse arguments, call the library, map errors to exit codes.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
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
    /// Lay out an issue and write its PDF.
    Render {
        /// The issue file (JSON).
        issue: PathBuf,
        /// Where to write the PDF (default: the issue's path with `.pdf`).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the time spent in each stage on standard error.
        #[arg(long)]
        timings: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Render {
            issue,
            output,
            timings,
        } => {
            let output = output.unwrap_or_else(|| issue.with_extension("pdf"));
            let options = maquette::Options {
                timestamp: source_date_epoch(),
            };
            let result = maquette::render(&issue, &options)
                .and_then(|r| maquette::write_atomically(&output, &r.bytes).map(|()| r));
            match result {
                Ok(r) => {
                    if timings {
                        let t = r.timings;
                        eprintln!(
                            "read {:.2} ms, layout {:.2} ms, pdf {:.2} ms, total {:.2} ms ({} pages)",
                            ms(t.read),
                            ms(t.layout),
                            ms(t.pdf),
                            ms(t.read + t.layout + t.pdf),
                            r.pages
                        );
                    }
                    eprintln!("wrote {} ({} pages)", output.display(), r.pages);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(e.exit_code() as u8)
                }
            }
        }
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
