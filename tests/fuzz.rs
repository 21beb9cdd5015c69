//! A mutation fuzzer on the example issue and layout, from a fixed seed: each
//! run changes a few values (numbers to extremes, strings to hostile text or
//! Markdown, fields removed or repeated) and lays the issue out in both
//! editions. Whatever the input, the engine must not panic, must finish in
//! a few seconds, and when it succeeds the PDF must hold every letter of the
//! stories; when it fails its error must name a file. The corpus of inputs
//! that once broke it lives in `tests/fuzz/` and is replayed first.
//!
//! `MAQUETTE_FUZZ_RUNS` (default 150) and `MAQUETTE_FUZZ_SEED` change the campaign.

#[allow(dead_code)]
mod common;

use common::{example_issue, example_layout, manifest_dir, tool, TestDir};
use maquette::Edition;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long one run may take before it counts as a hang.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Numbers a designer should never type, and some they might.
const NUMBERS: [f64; 14] = [
    0.0,
    -1.0,
    -0.001,
    1e-9,
    0.3,
    2.0,
    57.0,
    2000.0,
    1e6,
    1e9,
    3.4e38,
    1e39,
    -1e30,
    4294967296.0,
];

/// Text an editor (or an attacker) might type.
fn hostile_strings() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "x".repeat(500),
        "/".repeat(3000),
        "L’été, l’enjeu — « déjà » !".into(),
        "- item\n  ## titre perdu\n\nsuite".into(),
        "- item\n## titre\n".into(),
        "<!-- note --> suite du texte".into(),
        "| Date | Lieu |\n|---|---|\n| 1er mars | Lens |\n".into(),
        "```\ncode\n```".into(),
        "[lien](javascript:alert(1))".into(),
        "[vide]()".into(),
        "![](absent.png)".into(),
        "# Titre\n\n###### petit\n\n> citation\n> > imbriquée".into(),
        "a\u{0301}\u{0301}\u{0301} e\u{200d} \u{202e}txet \u{1F600}\u{1F1EB}\u{1F1F7}".into(),
        "1. un\n2. deux\n   - a\n   - b\n3. trois".into(),
        "mot ".repeat(2000),
        "https://a.fr/".repeat(200),
        "**gras *et italique***".into(),
        "\u{0}\u{7}\u{1b}[31m".into(),
        "{publication} {nope}".into(),
        "#rrggbb".into(),
        "../../../../etc/passwd".into(),
        "english".into(),
        "2018-02-30".into(),
    ]
}

/// Every path to a number or a string in a JSON value.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(i.to_string());
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

/// The value at `path`.
fn at<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, k| match v {
        Value::Object(m) => m.get_mut(k),
        Value::Array(a) => k.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

/// Changes one leaf of `doc`: a number to an extreme, a string to hostile
/// text, or a field removed.
fn mutate(doc: &mut Value, rng: &mut Rng, strings: &[String]) {
    let mut all = Vec::new();
    leaves(doc, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    let Some(leaf) = at(doc, &path) else { return };
    match rng.below(10) {
        0 => {
            // Remove the field (or array element) altogether.
            if let Some((last, parent)) = path.split_last() {
                match at(doc, parent) {
                    Some(Value::Object(m)) => {
                        m.remove(last);
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(i) = last.parse::<usize>() {
                            if i < a.len() {
                                a.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        1..=4 if leaf.is_number() => *leaf = Value::from(*rng.pick(&NUMBERS)),
        _ if leaf.is_string() => *leaf = Value::from(rng.pick(strings).clone()),
        _ => *leaf = Value::from(*rng.pick(&NUMBERS)),
    }
}

/// How each letter and digit of `text` is counted (lower-cased).
fn letters(text: &str) -> HashMap<char, usize> {
    let mut out = HashMap::new();
    for c in text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
    {
        *out.entry(c).or_default() += 1;
    }
    out
}

/// The letters of the stories' text (Markdown read with the engine's own
/// parser's options, images' alternative texts and comments left out).
fn story_letters(issue: &Value) -> HashMap<char, usize> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut text = String::new();
    for story in issue["stories"].as_array().into_iter().flatten() {
        let source = match &story["text"] {
            Value::String(s) => s.clone(),
            Value::Array(lines) => lines
                .iter()
                .map(|l| l.as_str().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        };
        let mut in_image = 0;
        for event in Parser::new_ext(&source, Options::ENABLE_TABLES) {
            match event {
                Event::Start(Tag::Image { .. }) => in_image += 1,
                Event::End(TagEnd::Image) => in_image -= 1,
                Event::Text(t) | Event::Code(t) if in_image == 0 => {
                    text.push_str(&t);
                    text.push(' ');
                }
                _ => {}
            }
        }
    }
    letters(&text)
}

/// What one run did.
enum Outcome {
    Written(Vec<u8>),
    Refused(String),
    Panicked(String),
    Hung,
}

/// Renders `issue` in both editions, and as a proof (made even when a story
/// does not fit: it must not panic either), on a thread of its own, within [`TIME_LIMIT`].
fn run(issue: &Path) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let issue = issue.to_path_buf();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            let _ = maquette::proof(&issue, &Default::default());
            maquette::render(&issue, &[Edition::Web, Edition::Print], &Default::default())
        });
        let outcome = match result {
            Ok(Ok(r)) => Outcome::Written(
                r.editions
                    .into_iter()
                    .next()
                    .map(|e| e.1)
                    .unwrap_or_default(),
            ),
            Ok(Err(e)) => Outcome::Refused(e.to_string()),
            Err(p) => Outcome::Panicked(
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            ),
        };
        let _ = tx.send(outcome);
    });
    rx.recv_timeout(TIME_LIMIT).unwrap_or(Outcome::Hung)
}

/// Runs written and refused in this process (for the campaign's summary).
static WRITTEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Checks one input; returns what went wrong, if anything.
fn check(dir: &TestDir, issue: &Value, layout: &Value, name: &str) -> Option<String> {
    let layout_path = dir.join(&format!("{name}-layout.json"));
    std::fs::write(&layout_path, serde_json::to_string(layout).unwrap()).unwrap();
    let mut issue = issue.clone();
    issue["layout"] = Value::from(layout_path.to_str().unwrap());
    let issue_path = dir.join(&format!("{name}.json"));
    std::fs::write(&issue_path, serde_json::to_string(&issue).unwrap()).unwrap();
    match run(&issue_path) {
        Outcome::Panicked(m) => Some(format!("panic: {m}")),
        Outcome::Hung => Some(format!("no answer within {TIME_LIMIT:?}")),
        Outcome::Refused(m) if !m.contains(".json") && !m.contains('/') => {
            Some(format!("an error that names no file: {m}"))
        }
        Outcome::Refused(m) if m.contains("Some(") || m.contains("{ ..") => {
            Some(format!("an error with debug output: {m}"))
        }
        Outcome::Refused(m) => {
            if std::env::var("MAQUETTE_FUZZ_VERBOSE").is_ok() {
                eprintln!(
                    "refused: {}",
                    m.lines().take(3).collect::<Vec<_>>().join(" | ")
                );
            }
            None
        }
        Outcome::Written(pdf) => {
            WRITTEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let pdf_path = dir.join(&format!("{name}.pdf"));
            std::fs::write(&pdf_path, pdf).unwrap();
            let printed = letters(&tool("pdftotext", [pdf_path.as_os_str(), "-".as_ref()]));
            let want = story_letters(&issue);
            let lost: Vec<String> = want
                .iter()
                .filter(|(c, n)| printed.get(c).copied().unwrap_or(0) < **n)
                .map(|(c, n)| format!("{c}: {} of {n}", printed.get(c).copied().unwrap_or(0)))
                .collect();
            (!lost.is_empty()).then(|| format!("exit 0 with letters lost: {}", lost.join(", ")))
        }
    }
}

/// The inputs kept from earlier campaigns: `tests/fuzz/*.json`, each
/// `{ "issue": …changes…, "layout": …changes… }` merged into the example.
fn corpus() -> Vec<(String, Value)> {
    let dir = manifest_dir().join("tests/fuzz");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (
                name,
                serde_json::from_str(&text).expect("a corpus file is JSON"),
            )
        })
        .collect()
}

/// Merges `patch` into `doc` (objects key by key, anything else replaced).
fn merge(doc: &mut Value, patch: &Value) {
    match (doc, patch) {
        (Value::Object(d), Value::Object(p)) => {
            for (k, v) in p {
                match d.get_mut(k) {
                    Some(x) if v.is_object() => merge(x, v),
                    _ => {
                        d.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (d, p) => *d = p.clone(),
    }
}

#[test]
fn the_corpus_of_past_crashers_runs_clean() {
    let dir = TestDir::new("fuzz_corpus");
    let mut failures = Vec::new();
    for (name, case) in corpus() {
        let (mut issue, mut layout) = (example_issue(), example_layout());
        merge(&mut issue, &case["issue"]);
        merge(&mut layout, &case["layout"]);
        if let Some(f) = check(&dir, &issue, &layout, &name) {
            failures.push(format!("{name}: {f}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mutated_inputs_never_panic_hang_or_lose_text() {
    let runs: usize = std::env::var("MAQUETTE_FUZZ_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("MAQUETTE_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x6d61_7175_6574_7465);
    let dir = TestDir::new("fuzz");
    let strings = hostile_strings();
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    for n in 0..runs {
        let (mut issue, mut layout) = (example_issue(), example_layout());
        for _ in 0..1 + rng.below(3) {
            if rng.below(2) == 0 {
                mutate(&mut issue, &mut rng, &strings);
            } else {
                mutate(&mut layout, &mut rng, &strings);
            }
        }
        if let Some(f) = check(&dir, &issue, &layout, &format!("run-{n}")) {
            let kept = dir.join(&format!("run-{n}-case.json"));
            let case = serde_json::json!({ "issue": issue, "layout": layout });
            std::fs::write(&kept, serde_json::to_string_pretty(&case).unwrap()).unwrap();
            failures.push(format!("run {n} ({}): {f}", kept.display()));
        }
    }
    let written = WRITTEN.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "fuzz: {runs} runs from seed {seed}, {written} wrote a PDF, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {runs} runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
