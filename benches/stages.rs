//! Time per stage for the example issue and for a generated issue of about
//! 50 pages (the main story repeated), plus the whole process as a user runs it.
//!
//! Run with `cargo bench --bench stages`. Prints medians over repeated runs.

use maquette::Edition;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs of each measurement; the median is reported.
const RUNS: usize = 21;
/// Copies of the main story in the long issue (about 50 pages).
const LONG_COPIES: usize = 30;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("examples/lettre-pma-01.json");
    let long = long_issue(root, &example);
    println!(
        "{:<28} {:<10} {:>6} {:>9} {:>9} {:>9} {:>9} {:>11}",
        "issue", "editions", "pages", "read", "layout", "pdf", "total", "process"
    );
    for (name, path) in [
        ("example (lettre-pma-01)", example.clone()),
        ("generated, main story x30", long),
    ] {
        for (label, editions, flag) in [
            ("web", &[Edition::Web][..], "web"),
            ("web+print", &[Edition::Web, Edition::Print][..], "both"),
        ] {
            let mut stages: Vec<maquette::Timings> = Vec::new();
            let mut pages = 0;
            for _ in 0..RUNS {
                let r = maquette::render(&path, editions, &maquette::Options::default())
                    .expect("the issue renders");
                pages = r.pages;
                stages.push(r.timings);
            }
            let process = median((0..RUNS).map(|_| run_process(&path, flag)).collect());
            let pick =
                |f: fn(&maquette::Timings) -> Duration| median(stages.iter().map(f).collect());
            println!(
                "{name:<28} {label:<10} {pages:>6} {:>9} {:>9} {:>9} {:>9} {:>11}",
                ms(pick(|t| t.read)),
                ms(pick(|t| t.layout)),
                ms(pick(|t| t.pdf)),
                ms(pick(|t| t.read + t.layout + t.pdf)),
                ms(process)
            );
        }
    }
}

/// The whole command, as a user runs it: process start to PDF written.
fn run_process(issue: &Path, edition: &str) -> Duration {
    let out = std::env::temp_dir().join(format!("maquette-bench-{}.pdf", std::process::id()));
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_maquette"))
        .args([
            "render",
            "--edition",
            edition,
            issue.to_str().expect("UTF-8 path"),
            "-o",
            out.to_str().expect("UTF-8 path"),
        ])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the binary runs");
    let took = start.elapsed();
    assert!(
        status.success(),
        "maquette render failed on {}",
        issue.display()
    );
    for suffix in ["", "-web", "-print"] {
        let _ = std::fs::remove_file(
            out.with_file_name(format!("maquette-bench-{}{suffix}.pdf", std::process::id())),
        );
    }
    took
}

/// The example with its main story repeated, written next to the system's temp files.
fn long_issue(root: &Path, example: &Path) -> PathBuf {
    let text = std::fs::read_to_string(example).expect("the example exists");
    let mut issue: serde_json::Value = serde_json::from_str(&text).expect("the example is JSON");
    issue["layout"] = root
        .join("layouts/lettre-pma.json")
        .to_string_lossy()
        .into_owned()
        .into();
    for story in issue["stories"].as_array_mut().expect("stories") {
        if story["name"] == "main" {
            let lines = story["text"].as_array().expect("lines").clone();
            let mut long = Vec::new();
            for _ in 0..LONG_COPIES {
                long.extend(lines.iter().cloned());
                long.push("".into());
            }
            story["text"] = long.into();
        }
        if story["name"] == "photo" {
            let abs = root
                .join("examples/images/panneaux.jpg")
                .to_string_lossy()
                .into_owned();
            let lines: Vec<serde_json::Value> = story["text"]
                .as_array()
                .expect("lines")
                .iter()
                .map(|l| {
                    l.as_str()
                        .unwrap_or("")
                        .replace("(images/panneaux.jpg)", &format!("({abs})"))
                        .into()
                })
                .collect();
            story["text"] = lines.into();
        }
    }
    let path =
        std::env::temp_dir().join(format!("maquette-bench-long-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_string(&issue).expect("serialises"))
        .expect("temp dir writable");
    path
}

/// The median of some durations.
fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Milliseconds, two decimals.
fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
