//! Time per stage and per page, and whole processes beside Typst's.
//!
//! Four issues: the example (2 pages), the example with its main story
//! repeated to about 50 pages, the main stories of six issues one after the
//! other (some 13 pages of text that does not repeat), and a stress issue
//! with the example's repeated to about 1 000 pages (within the engine's
//! limits on pages and characters). For each, in process: the
//! median time of reading, layout and PDF, for the web edition and for both,
//! in all and per page. Then the whole command as a user runs it, wall time
//! (median), CPU time and peak memory (from `/usr/bin/time`, when installed),
//! and the same for Typst on `benches/typst/` when a `typst` binary is on the
//! `PATH` (or named by `TYPST`): the two run in turn, so that whatever else
//! the machine does weighs on both alike.
//!
//! Run with `cargo bench --bench stages`.

use maquette::model::issue::MAX_TEXT_CHARS;
use maquette::Edition;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs of each measurement on the small issues; the median is reported.
const RUNS: usize = 21;
/// Runs on the stress issue (each takes seconds).
const STRESS_RUNS: usize = 3;
/// Copies of the main story in the stress issue (about 1 000 pages).
const STRESS_COPIES: usize = 1000;
/// Copies of the main story in the long issue (about 50 pages), as in
/// `benches/typst/lettre-pma-x50.typ`.
const LONG_COPIES: usize = 50;

/// One issue to measure.
struct Case {
    name: String,
    issue: PathBuf,
    runs: usize,
    /// The Typst source setting the same letter, if there is one.
    typst: Option<PathBuf>,
}

/// One whole process: wall time, and CPU time and peak memory when known.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    cpu: Option<Duration>,
    rss_kib: Option<u64>,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("examples/lettre-pma-01.json");
    let main_chars = main_story_chars(&example);
    let stress_copies = STRESS_COPIES;
    assert!(
        stress_copies * main_chars < MAX_TEXT_CHARS,
        "the stress issue is within the limit on characters"
    );
    let typst_dir = root.join("benches/typst");
    let cases = [
        Case {
            name: "example (lettre-pma-01)".into(),
            issue: example.clone(),
            runs: RUNS,
            typst: Some(typst_dir.join("lettre-pma-01.typ")),
        },
        Case {
            name: format!("main story x{LONG_COPIES}"),
            issue: long_issue(root, &example, LONG_COPIES),
            runs: RUNS,
            typst: Some(typst_dir.join("lettre-pma-x50.typ")),
        },
        Case {
            name: "six main stories, distinct".into(),
            issue: distinct_issue(root, &example),
            runs: RUNS,
            typst: Some(typst_dir.join("lettre-pma-distinct.typ")),
        },
        Case {
            name: format!("stress, main x{stress_copies}"),
            issue: long_issue(root, &example, stress_copies),
            runs: STRESS_RUNS,
            typst: None,
        },
    ];
    println!("In process, medians (per page in brackets):");
    println!(
        "{:<26} {:<9} {:>5} {:>8} {:>20} {:>20} {:>20}",
        "issue", "editions", "pages", "read", "layout", "pdf", "total"
    );
    let mut page_counts = Vec::new();
    for case in &cases {
        for (label, editions) in [
            ("web", &[Edition::Web][..]),
            ("both", &[Edition::Web, Edition::Print][..]),
        ] {
            let mut stages: Vec<maquette::Timings> = Vec::new();
            let mut pages = 0;
            for _ in 0..case.runs {
                let r = maquette::render(&case.issue, editions, &maquette::Options::default())
                    .expect("the issue renders");
                pages = r.pages;
                stages.push(r.timings);
            }
            let pick =
                |f: fn(&maquette::Timings) -> Duration| median(stages.iter().map(f).collect());
            let per = |d: Duration| format!("{} ({})", ms(d), ms(d / pages.max(1) as u32));
            println!(
                "{:<26} {label:<9} {pages:>5} {:>8} {:>20} {:>20} {:>20}",
                case.name,
                ms(pick(|t| t.read)),
                per(pick(|t| t.layout)),
                per(pick(|t| t.pdf)),
                per(pick(|t| t.read + t.layout + t.pdf)),
            );
            if label == "web" {
                page_counts.push(pages);
            }
        }
    }
    let typst = std::env::var_os("TYPST")
        .map(PathBuf::from)
        .or_else(|| on_path("typst"));
    let timer = Path::new("/usr/bin/time").exists();
    println!();
    println!(
        "Whole processes, medians{}{}:",
        if timer {
            " (CPU and peak memory from /usr/bin/time)"
        } else {
            " (no /usr/bin/time: no CPU or memory figures)"
        },
        match &typst {
            Some(t) => format!(", beside {}", typst_version(t)),
            None => ", no Typst (set TYPST or put `typst` on the PATH)".into(),
        }
    );
    println!(
        "{:<26} {:<18} {:>11} {:>11} {:>10} {:>14} {:>22}",
        "issue", "what", "wall", "cpu", "memory", "memory/page", "ratio to Typst"
    );
    for (case, &pages) in cases.iter().zip(&page_counts) {
        let typst_run = typst.as_ref().zip(case.typst.as_ref());
        let mut ours: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
        let mut theirs: Vec<Run> = Vec::new();
        for _ in 0..case.runs {
            for (i, flag) in ["web", "both"].into_iter().enumerate() {
                ours[i].push(run_maquette(&case.issue, flag, timer));
            }
            if let Some((bin, source)) = typst_run {
                theirs.push(run_typst(bin, root, source, timer));
            }
        }
        let typst_median = (!theirs.is_empty()).then(|| summary(&theirs));
        let web = summary(&ours[0]);
        for (i, what) in ["maquette, web", "maquette, both"].into_iter().enumerate() {
            let m = summary(&ours[i]);
            let ratio = match typst_median {
                Some(t) if i == 0 => format!(
                    "{:.2} wall{}",
                    m.wall.as_secs_f64() / t.wall.as_secs_f64(),
                    m.rss_kib
                        .zip(t.rss_kib)
                        .map(|(a, b)| format!(", {:.2} memory", a as f64 / b as f64))
                        .unwrap_or_default()
                ),
                _ if i == 1 => format!(
                    "({:.2} x web alone)",
                    m.wall.as_secs_f64() / web.wall.as_secs_f64()
                ),
                _ => String::new(),
            };
            print_run(&case.name, what, m, Some(pages), &ratio);
        }
        if let Some(t) = typst_median {
            print_run(&case.name, "Typst", t, None, "");
        }
    }
}

/// Prints one line of the process table (memory per page when `pages` is known).
fn print_run(case: &str, what: &str, r: Run, pages: Option<usize>, ratio: &str) {
    println!(
        "{case:<26} {what:<18} {:>11} {:>11} {:>10} {:>14} {ratio:>22}",
        ms(r.wall),
        r.cpu.map(ms).unwrap_or_else(|| "-".into()),
        r.rss_kib
            .map(|k| format!("{:.1} MiB", k as f64 / 1024.0))
            .unwrap_or_else(|| "-".into()),
        r.rss_kib
            .zip(pages.filter(|&p| p > 0))
            .map(|(k, p)| format!("{:.0} KiB", k as f64 / p as f64))
            .unwrap_or_else(|| "-".into()),
    );
}

/// The median of each figure of some runs.
fn summary(runs: &[Run]) -> Run {
    let cpu: Vec<Duration> = runs.iter().filter_map(|r| r.cpu).collect();
    let mut rss: Vec<u64> = runs.iter().filter_map(|r| r.rss_kib).collect();
    rss.sort_unstable();
    Run {
        wall: median(runs.iter().map(|r| r.wall).collect()),
        cpu: (!cpu.is_empty()).then(|| median(cpu)),
        rss_kib: rss.get(rss.len() / 2).copied(),
    }
}

/// The whole `maquette render`, as a user runs it: process start to PDF written.
fn run_maquette(issue: &Path, edition: &str, timer: bool) -> Run {
    let out = std::env::temp_dir().join(format!("maquette-bench-{}.pdf", std::process::id()));
    let args = [
        "render",
        "--edition",
        edition,
        issue.to_str().expect("UTF-8 path"),
        "-o",
        out.to_str().expect("UTF-8 path"),
    ];
    let run = timed(
        Path::new(env!("CARGO_BIN_EXE_maquette")),
        &args,
        None,
        timer,
    );
    for suffix in ["", "-web", "-print"] {
        let _ = std::fs::remove_file(
            out.with_file_name(format!("maquette-bench-{}{suffix}.pdf", std::process::id())),
        );
    }
    run
}

/// The whole `typst compile` of a source setting the same letter.
fn run_typst(typst: &Path, root: &Path, source: &Path, timer: bool) -> Run {
    let out = std::env::temp_dir().join(format!("maquette-bench-typst-{}.pdf", std::process::id()));
    let args = [
        "compile",
        "--root",
        ".",
        "--font-path",
        "fonts",
        "--ignore-system-fonts",
        source.to_str().expect("UTF-8 path"),
        out.to_str().expect("UTF-8 path"),
    ];
    let run = timed(typst, &args, Some(root), timer);
    let _ = std::fs::remove_file(&out);
    run
}

/// Runs a command, under `/usr/bin/time` when `timer`, and measures it.
fn timed(program: &Path, args: &[&str], dir: Option<&Path>, timer: bool) -> Run {
    let report = std::env::temp_dir().join(format!("maquette-bench-{}.time", std::process::id()));
    let mut command = if timer {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%U %S %M", "-o"]).arg(&report).arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let start = Instant::now();
    let status = command.status().expect("the command runs");
    let wall = start.elapsed();
    assert!(status.success(), "{} {args:?} failed", program.display());
    let figures: Vec<f64> = std::fs::read_to_string(&report)
        .ok()
        .filter(|_| timer)
        .map(|s| {
            s.split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    match figures[..] {
        [user, sys, rss] => Run {
            wall,
            cpu: Some(Duration::from_secs_f64(user + sys)),
            rss_kib: Some(rss as u64),
        },
        _ => Run {
            wall,
            cpu: None,
            rss_kib: None,
        },
    }
}

/// A program found on the `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// What `typst --version` says.
fn typst_version(typst: &Path) -> String {
    Command::new(typst)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| typst.display().to_string())
}

/// The characters of the example's main story.
fn main_story_chars(example: &Path) -> usize {
    main_story(example)
        .iter()
        .map(|l| l.as_str().unwrap_or("").chars().count() + 1)
        .sum()
}

/// The lines of an issue's main story.
fn main_story(issue: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(issue).expect("the issue exists");
    let issue: serde_json::Value = serde_json::from_str(&text).expect("the issue is JSON");
    let main = issue["stories"]
        .as_array()
        .expect("stories")
        .iter()
        .find(|s| s["name"] == "main")
        .expect("a main story");
    main["text"].as_array().expect("lines").clone()
}

/// The example with its main story repeated `copies` times, written next to
/// the system's temp files.
fn long_issue(root: &Path, example: &Path, copies: usize) -> PathBuf {
    let lines = main_story(example);
    let mut long = Vec::new();
    for _ in 0..copies {
        long.extend(lines.iter().cloned());
        long.push("".into());
    }
    issue_with_main(root, example, long, &format!("x{copies}"))
}

/// The example with, for main story, those of the example and of the
/// fixtures 02–06 one after the other (as `benches/typst/lettre-pma-distinct.typ`
/// sets them): some 13 pages of text that does not
/// repeat, where the long issue repeats its words (which flatters the
/// caches of shaped and hyphenated words).
fn distinct_issue(root: &Path, example: &Path) -> PathBuf {
    let mut lines = Vec::new();
    let fixtures = (2..=6).map(|n| root.join(format!("tests/fixtures/lettre-pma-0{n}.json")));
    for issue in std::iter::once(example.to_path_buf()).chain(fixtures) {
        lines.extend(main_story(&issue));
        lines.push("".into());
    }
    issue_with_main(root, example, lines, "distinct")
}

/// The example with `main` for main story, its layout and photo named by
/// absolute paths, written next to the system's temp files (`tag` in its name).
fn issue_with_main(
    root: &Path,
    example: &Path,
    mut main: Vec<serde_json::Value>,
    tag: &str,
) -> PathBuf {
    let text = std::fs::read_to_string(example).expect("the example exists");
    let mut issue: serde_json::Value = serde_json::from_str(&text).expect("the example is JSON");
    issue["layout"] = root
        .join("layouts/lettre-pma.json")
        .to_string_lossy()
        .into_owned()
        .into();
    for story in issue["stories"].as_array_mut().expect("stories") {
        if story["name"] == "main" {
            story["text"] = std::mem::take(&mut main).into();
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
        std::env::temp_dir().join(format!("maquette-bench-{tag}-{}.json", std::process::id()));
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
