//! Helpers shared by the integration tests: running `maquette` and the real
//! PDF tools (poppler-utils, qpdf, Ghostscript), per-test temporary folders,
//! and copies of the shipped example issue that can be mutated to inject one
//! fault.

pub mod content;
pub mod pages;
pub mod qpdf;
pub mod words;

use std::ffi::OsStr;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The crate root: `examples/`, `layouts/` and `fonts/` live under it.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped example issue.
pub fn example_issue_path() -> PathBuf {
    manifest_dir().join("examples/lettre-pma-01.json")
}

/// The shipped layout the example issue uses.
pub fn example_layout_path() -> PathBuf {
    manifest_dir().join("layouts/lettre-pma.json")
}

/// A fresh folder of its own for one test, removed when the test passes
/// (kept for inspection when it fails).
pub struct TestDir {
    path: PathBuf,
}

impl TestDir {
    pub fn new(test_name: &str) -> Self {
        let path = std::env::temp_dir()
            .join("maquette-tests")
            .join(format!("{test_name}-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path).expect("cannot clear an old test folder");
        }
        fs::create_dir_all(&path).expect("cannot create the test folder");
        TestDir { path }
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The names of the files in the folder, sorted.
    pub fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.path)
            .expect("cannot list the test folder")
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// A `maquette` command, with `SOURCE_DATE_EPOCH` cleared so that runs do not
/// depend on the environment the tests are started in.
pub fn maquette<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_maquette"));
    command.args(args).env_remove("SOURCE_DATE_EPOCH");
    command
}

/// The command `maquette render ISSUE -o OUT`.
pub fn render_command(issue: &Path, out: &Path) -> Command {
    maquette([
        OsStr::new("render"),
        issue.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ])
}

/// Runs a command to completion and returns its output.
pub fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// Renders `issue` to `pdf` and checks that it succeeds.
pub fn render(issue: &Path, pdf: &Path) {
    let output = run(&mut render_command(issue, pdf));
    assert_success(&output, &format!("maquette render {}", issue.display()));
    assert!(pdf.is_file(), "{} was not written", pdf.display());
}

/// Runs `maquette render ISSUE --edition EDITION -o OUT` and checks that it succeeds.
pub fn render_edition(issue: &Path, edition: &str, out: &Path) {
    let output = run(&mut maquette([
        OsStr::new("render"),
        issue.as_os_str(),
        OsStr::new("--edition"),
        OsStr::new(edition),
        OsStr::new("-o"),
        out.as_os_str(),
    ]));
    assert_success(
        &output,
        &format!("maquette render {} --edition {edition}", issue.display()),
    );
}

/// Renders the shipped example into `dir` and returns the PDF's path.
pub fn render_example(dir: &TestDir) -> PathBuf {
    let pdf = dir.join("lettre-pma-01.pdf");
    render(&example_issue_path(), &pdf);
    pdf
}

pub fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "`{what}` failed with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// The package that provides one of the real tools the tests run.
fn package_of(tool: &str) -> &'static str {
    match tool {
        "qpdf" => "qpdf",
        "gs" => "ghostscript",
        _ => "poppler-utils",
    }
}

/// Runs one of the real PDF tools, whatever its exit status, and returns
/// its output; fails the test, saying what to install, when it is not there.
pub fn tool_output<I, S>(name: &str, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    match Command::new(name).args(args).output() {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let package = package_of(name);
            panic!(
                "`{name}` is not installed: these tests check the PDF with real tools, \
                 install {package} (e.g. `apt-get install {package}`)"
            )
        }
        Err(e) => panic!("cannot run `{name}`: {e}"),
    }
}

/// Runs one of the real PDF tools and returns its standard output; fails the
/// test, saying what to install, when the tool is not there.
pub fn tool<I, S>(name: &str, args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = tool_output(name, args);
    assert_success(&output, name);
    String::from_utf8(output.stdout)
        .unwrap_or_else(|e| panic!("`{name}` printed something that is not UTF-8: {e}"))
}

/// The example issue as JSON, with its `layout` path and its photo's image
/// path made absolute, so that a copy written anywhere renders as the
/// original does: a test then mutates it to inject exactly one fault.
pub fn example_issue() -> Value {
    let text = fs::read_to_string(example_issue_path()).expect("cannot read the example issue");
    let mut issue: Value = serde_json::from_str(&text).expect("the example issue is not JSON");
    issue["layout"] = Value::from(example_layout_path().to_str().unwrap());
    let images = manifest_dir().join("examples/images/");
    let relative = "](images/";
    let absolute = format!("]({}", images.to_str().unwrap());
    let mut rewritten = 0;
    for line in story_lines_mut(&mut issue, "photo") {
        if let Value::String(line) = line {
            if line.contains(relative) {
                *line = line.replace(relative, &absolute);
                rewritten += 1;
            }
        }
    }
    assert_eq!(
        rewritten, 1,
        "the example's photo story should hold one image"
    );
    issue
}

/// The lines of the story `name` of `issue` (its text as an array of lines).
pub fn story_lines_mut<'a>(issue: &'a mut Value, name: &str) -> &'a mut Vec<Value> {
    let story = issue["stories"]
        .as_array_mut()
        .expect("`stories` is an array")
        .iter_mut()
        .find(|story| story["name"] == name)
        .unwrap_or_else(|| panic!("the example has no story `{name}`"));
    story["text"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("story `{name}` is not an array of lines"))
}

/// Writes `value` as pretty JSON to `dir/name` and returns the path.
pub fn write_json(dir: &TestDir, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    let text = serde_json::to_string_pretty(value).unwrap();
    fs::write(&path, text).expect("cannot write a test file");
    path
}

/// The example layout as JSON, with every font and image path and the print
/// colour profile's path made absolute (they are relative to the layout
/// file), so that a copy can live anywhere.
pub fn example_layout() -> Value {
    layout_with_absolute_paths(&example_layout_path())
}

/// The layout file at `layout_path` as JSON, its font, image and profile
/// paths made absolute, so that a copy can live anywhere.
pub fn layout_with_absolute_paths(layout_path: &Path) -> Value {
    let layout_dir = layout_path.parent().unwrap().to_path_buf();
    let text = fs::read_to_string(layout_path).expect("cannot read the layout");
    let mut layout: Value = serde_json::from_str(&text).expect("the layout is not JSON");
    let absolute = |path: &mut Value| {
        let relative = path.as_str().expect("a path is a string");
        *path = Value::from(layout_dir.join(relative).to_str().unwrap());
    };
    for family in layout["fonts"].as_object_mut().unwrap().values_mut() {
        family
            .as_object_mut()
            .unwrap()
            .values_mut()
            .for_each(absolute);
    }
    for master in layout["masters"].as_object_mut().unwrap().values_mut() {
        for item in master["items"].as_array_mut().unwrap() {
            if let Some(file) = item.get_mut("file") {
                absolute(file);
            }
        }
    }
    if let Some(profile) = layout
        .get_mut("print")
        .and_then(|p| p.get_mut("icc_profile"))
    {
        absolute(profile);
    }
    layout
}

/// Renders `issue` to `dir/out.pdf`, expecting it to fail: checks the exit
/// code, that stderr says `error: …`, and that the folder is left exactly as
/// it was: no new PDF, no temporary file, and a PDF that was already there
/// unchanged byte for byte. Returns stderr for further checks.
pub fn render_expecting_failure(dir: &TestDir, issue: &Path, code: i32) -> String {
    let out = dir.join("out.pdf");
    let listing_before = dir.listing();
    let out_before = fs::read(&out).ok();

    let output = run(&mut render_command(issue, &out));

    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "expected exit code {code}, stderr:\n{stderr}"
    );
    assert!(
        stderr.starts_with("error: "),
        "stderr should start with `error: `, got:\n{stderr}"
    );
    match out_before {
        None => assert!(
            !out.exists(),
            "a failed run must not write its output file; stderr:\n{stderr}"
        ),
        Some(bytes) => assert!(
            fs::read(&out).ok() == Some(bytes),
            "a failed run must leave the existing output file untouched; stderr:\n{stderr}"
        ),
    }
    assert_eq!(
        dir.listing(),
        listing_before,
        "a failed run must leave no file behind; stderr:\n{stderr}"
    );
    stderr
}

/// `pdffonts` lists at least two fonts, each embedded, subset and mapped to Unicode.
pub fn assert_fonts_embedded_subset_mapped(pdf: &Path) {
    let listing = tool("pdffonts", [pdf]);
    let rows: Vec<&str> = listing
        .lines()
        .skip_while(|line| !line.starts_with("---"))
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert!(rows.len() >= 2, "expected at least 2 fonts:\n{listing}");
    for row in rows {
        // Read from the right: the type can hold spaces (`CID TrueType`).
        let columns: Vec<&str> = row.split_whitespace().rev().collect();
        assert!(columns.len() >= 7, "cannot read this pdffonts row: {row}");
        assert_eq!(
            (columns[4], columns[3], columns[2]),
            ("yes", "yes", "yes"),
            "font not embedded, subset and mapped (emb sub uni): {row}"
        );
    }
}
