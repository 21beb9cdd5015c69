//! Errors a user can act on: each names the file, where in it, and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// Every way a run can fail, grouped by who has to act.
#[derive(Debug)]
pub enum Error {
    /// The input (issue, layout, font or image file) is wrong or missing: exit code 2.
    Input(Box<Problem>),
    /// The input is valid but cannot be laid out (overset, missing glyph): exit code 1.
    Layout(Box<Problem>),
    /// The output could not be written: exit code 2.
    Output(Box<Problem>),
}

/// What went wrong, where, and what to do about it.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// The file concerned, if any.
    pub file: Option<PathBuf>,
    /// Line and column (1-based) in that file, if known.
    pub position: Option<(usize, usize)>,
    /// The JSON path (`stories.main`) or story name concerned, if any.
    pub path: Option<String>,
    /// What went wrong.
    pub message: String,
    /// What the user should do.
    pub hint: Option<String>,
}

impl Problem {
    /// A problem with a message only.
    pub fn new(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            ..Problem::default()
        }
    }

    /// Names the file concerned.
    pub fn in_file(mut self, file: &Path) -> Problem {
        self.file = Some(file.to_path_buf());
        self
    }

    /// Names the JSON path or story concerned.
    pub fn at(mut self, path: impl Into<String>) -> Problem {
        self.path = Some(path.into());
        self
    }

    /// Adds what the user should do.
    pub fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }
}

impl Error {
    /// A bad-input error.
    pub fn input(p: Problem) -> Error {
        Error::Input(Box::new(p))
    }

    /// A layout failure.
    pub fn layout(p: Problem) -> Error {
        Error::Layout(Box::new(p))
    }

    /// An output failure.
    pub fn output(p: Problem) -> Error {
        Error::Output(Box::new(p))
    }

    /// The same error, naming the file concerned (if it had none).
    pub fn in_file(self, file: &Path) -> Error {
        self.amend(|p| {
            p.file.get_or_insert_with(|| file.to_path_buf());
        })
    }

    /// The same error, naming the JSON path or story concerned (if it had none).
    pub fn at(self, path: impl Into<String>) -> Error {
        self.amend(|p| {
            p.path.get_or_insert_with(|| path.into());
        })
    }

    /// The same error with its problem amended.
    fn amend(mut self, f: impl FnOnce(&mut Problem)) -> Error {
        match &mut self {
            Error::Input(p) | Error::Layout(p) | Error::Output(p) => f(p),
        }
        self
    }

    /// The process exit code for this error: 1 for layout failures, 2 for bad input.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Layout(_) => 1,
            Error::Input(_) | Error::Output(_) => 2,
        }
    }

    /// The problem behind this error.
    pub fn problem(&self) -> &Problem {
        match self {
            Error::Input(p) | Error::Layout(p) | Error::Output(p) => p,
        }
    }

    /// An input error about a file that could not be read.
    pub fn unreadable(file: &Path, what: &str, err: std::io::Error) -> Error {
        Error::input(
            Problem::new(format!("cannot read the {what}: {err}"))
                .in_file(file)
                .hint(format!(
                    "check that the {what} exists at this path (paths are relative to the file that names them)"
                )),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.problem();
        if let Some(file) = &p.file {
            write!(f, "{}", file.display())?;
            if let Some((line, col)) = p.position {
                write!(f, ":{line}:{col}")?;
            }
            write!(f, ": ")?;
        }
        if let Some(path) = &p.path {
            write!(f, "at `{path}`: ")?;
        }
        write!(f, "{}", p.message)?;
        if let Some(hint) = &p.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The result type of the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The largest issue or layout file read, in bytes.
pub const MAX_JSON_BYTES: u64 = 16 << 20;
/// The largest font file read, in bytes.
pub const MAX_FONT_BYTES: u64 = 64 << 20;
/// The largest image file read, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 64 << 20;
/// The largest colour profile read, in bytes.
pub const MAX_PROFILE_BYTES: u64 = 16 << 20;

/// An input file's bytes: mapped from the file (fonts and images are large
/// and mostly not read: a font's subset is a few of its glyphs), or read
/// into memory (an empty file, which cannot be mapped).
pub enum FileBytes {
    /// The file, mapped read-only.
    Mapped(memmap2::Mmap),
    /// The file, read.
    Read(Vec<u8>),
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(map) => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_ref()
    }
}

/// Maps a whole input file, with the checks of [`read_input`]: a regular
/// file no larger than `limit`.
pub fn map_input(path: &Path, what: &str, limit: u64) -> Result<FileBytes> {
    let meta = input_metadata(path, what, limit)?;
    if meta.len() == 0 {
        return Ok(FileBytes::Read(Vec::new()));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::unreadable(path, what, e))?;
    // SAFETY: the map is read-only and private. The file is one the user
    // named as an input; were it truncated in place while maquette runs,
    // reading the lost pages would fault, as it does for every program that
    // maps its fonts. An editor or a copy that replaces the file (a new file
    // renamed over it) leaves this map on the old one, intact.
    let map = unsafe { memmap2::MmapOptions::new().map(&file) };
    match map {
        // The file grew since it was measured.
        Ok(map) if map.len() as u64 > limit => Err(too_large(path, what, limit)),
        Ok(map) => Ok(FileBytes::Mapped(map)),
        // A file system that cannot map: read it.
        Err(_) => read_input(path, what, limit).map(FileBytes::Read),
    }
}

/// The metadata of an input file, refusing what is not a regular file and
/// what is larger than `limit`.
fn input_metadata(path: &Path, what: &str, limit: u64) -> Result<std::fs::Metadata> {
    let meta = std::fs::metadata(path).map_err(|e| Error::unreadable(path, what, e))?;
    if !meta.is_file() {
        return Err(Error::input(
            Problem::new(format!(
                "the {what} is not a regular file (a folder, a device or a pipe)"
            ))
            .in_file(path)
            .hint(format!("name the {what} itself")),
        ));
    }
    if meta.len() > limit {
        return Err(too_large(path, what, limit));
    }
    Ok(meta)
}

/// Reads a whole input file, refusing what is not a regular file (a device,
/// a pipe, a folder: reading it may never end) and what is larger than `limit`.
pub fn read_input(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let meta = input_metadata(path, what, limit)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::unreadable(path, what, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, what, limit));
    }
    Ok(bytes)
}

/// The error for an input file larger than `limit`.
fn too_large(path: &Path, what: &str, limit: u64) -> Error {
    Error::input(
        Problem::new(format!(
            "the {what} is larger than the {} MiB maquette reads",
            limit >> 20
        ))
        .in_file(path)
        .hint("check that this is the right file"),
    )
}

/// The candidate closest to a misspelt `word`, if one is close enough to be
/// what was meant: the same but for case, or a third of its letters off at most.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| {
            let distance = if c.to_lowercase() == word.to_lowercase() {
                0
            } else {
                strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase())
            };
            (distance, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `hint`, opened by « did you mean `x`? » when a candidate is close to `word`.
pub fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    hint: String,
) -> String {
    match closest(word, candidates) {
        Some(c) => format!("did you mean `{c}`? Otherwise {hint}"),
        None => hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapped_input_reads_as_the_file_and_keeps_the_checks() {
        let dir = std::env::temp_dir().join(format!("maquette-map-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let full = dir.join("font.otf");
        std::fs::write(&full, b"OTTO and some tables").unwrap();
        let empty = dir.join("empty.otf");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(
            &*map_input(&full, "font file", 1 << 20).unwrap(),
            b"OTTO and some tables"
        );
        assert!(map_input(&empty, "font file", 1 << 20).unwrap().is_empty());
        let large = map_input(&full, "font file", 4).err().unwrap().to_string();
        assert!(large.contains("larger than"), "{large}");
        let folder = map_input(&dir, "font file", 1 << 20)
            .err()
            .unwrap()
            .to_string();
        assert!(folder.contains("not a regular file"), "{folder}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
