//! Watching an issue: the issue is rendered again on every save of its file,
//! its layout, or any font, image or profile it uses, as the run before read
//! them (notify, debounced; reading a file is no change). A run that fails (a JSON typo) is reported and
//! the watching goes on; each run's outputs are written atomically by the
//! caller, so a PDF is never half-written.

use crate::error::{Error, Problem, Result};
use notify_debouncer_full::notify::event::EventKind;
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long the watcher waits after a change for the next one before it
/// renders (an editor's save may write a file several times).
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// Renders with `run` now and after every change to the files the last run
/// read (it returns them; after a failure, those of the run before and the
/// issue). Returns only if watching fails.
pub fn watch(issue: &Path, run: &mut dyn FnMut() -> Vec<PathBuf>) -> Result<()> {
    let fail = |what: String| {
        Error::input(
            Problem::new(what)
                .in_file(issue)
                .hint("check that the issue's folder exists and can be read"),
        )
    };
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer =
        new_debouncer(DEBOUNCE, None, tx).map_err(|e| fail(format!("cannot watch files: {e}")))?;
    let mut dirs: HashSet<PathBuf> = HashSet::new();
    let mut files: HashSet<PathBuf> = HashSet::new();
    let mut follow = |inputs: Vec<PathBuf>,
                      files: &mut HashSet<PathBuf>,
                      dirs: &mut HashSet<PathBuf>|
     -> Result<()> {
        files.clear();
        for input in std::iter::once(issue.to_path_buf()).chain(inputs) {
            files.extend(names_of(&input));
        }
        let wanted: HashSet<PathBuf> = files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        for dir in wanted.difference(dirs) {
            debouncer
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(|e| fail(format!("cannot watch {}: {e}", dir.display())))?;
        }
        for dir in dirs.difference(&wanted) {
            let _ = debouncer.unwatch(dir);
        }
        *dirs = wanted;
        Ok(())
    };
    // The issue's folder is watched before the first run, so no save is missed.
    follow(Vec::new(), &mut files, &mut dirs)?;
    loop {
        let inputs = run();
        follow(inputs, &mut files, &mut dirs)?;
        loop {
            let events = rx
                .recv()
                .map_err(|_| fail("the file watcher stopped".into()))?;
            let Ok(events) = events else { continue };
            // Reading a file (as a run does) is not a change.
            let changed = events
                .iter()
                .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                .any(|e| e.paths.iter().any(|p| files.contains(p)));
            if changed {
                break;
            }
        }
    }
}

/// The names by which a change to `file` is reported: its path with its
/// folder made absolute, and the file it links to.
fn names_of(file: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let (Ok(dir), Some(name)) = (dir.canonicalize(), file.file_name()) {
        out.push(dir.join(name));
    }
    if let Ok(target) = file.canonicalize() {
        if !out.contains(&target) {
            out.push(target);
        }
    }
    out
}

/// What one run found, as the watcher prints it.
pub struct Run {
    /// The page count, if the run wrote its PDF.
    pub pages: Option<usize>,
    /// How long it took.
    pub took: Duration,
    /// Its problems (errors and warnings), one line each.
    pub problems: Vec<String>,
}

impl Run {
    /// `HH:MM:SS  N pages  T ms  k problems`, then the first problem, on one line;
    /// the time of day is `now` (seconds since 1970, UTC).
    pub fn line(&self, now: i64) -> String {
        let t = crate::pdf::Timestamp::from_unix(now).time;
        let pages = match self.pages {
            Some(1) => "1 page".to_string(),
            Some(n) => format!("{n} pages"),
            None => "not written".to_string(),
        };
        let k = self.problems.len();
        let mut line = format!(
            "{:02}:{:02}:{:02}  {pages}  {} ms  {k} problem{}",
            t.0,
            t.1,
            t.2,
            self.took.as_millis(),
            if k == 1 { "" } else { "s" }
        );
        if let Some(first) = self.problems.first() {
            line.push_str("  first: ");
            line.push_str(first);
        }
        line
    }
}

/// The problems an error stands for, one line each: the preflight's errors
/// it lists, or its own first line.
pub fn problems_of(e: &Error) -> Vec<String> {
    let text = e.to_string();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default().to_string();
    if !first.ends_with("error(s):") {
        return vec![first];
    }
    lines
        .filter(|l| l.starts_with("  ") && !l.trim_start().starts_with("hint:"))
        .map(|l| l.trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_reads_on_one_line() {
        let run = Run {
            pages: Some(2),
            took: Duration::from_millis(312),
            problems: vec!["warning: a".into(), "warning: b".into()],
        };
        assert_eq!(
            run.line(3600 * 9 + 61),
            "09:01:01  2 pages  312 ms  2 problems  first: warning: a"
        );
    }
}
