//! What every stage reports: the two editions and the findings (warnings and
//! errors) that the reading of the layout, the layout itself and the
//! preflight gather for the user. It sits below every stage.

use std::fmt;

/// One of the two PDFs made from an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edition {
    /// Downloaded and e-mailed: RGB, tagged PDF/UA-1, links and bookmarks.
    Web,
    /// For the print shop: CMYK, PDF/X-4, bleed and crop marks.
    Print,
}

impl Edition {
    /// The edition's name, as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Web => "web",
            Edition::Print => "print",
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a look; the PDF is still written.
    Warning,
    /// The PDF of the editions concerned is not written.
    Error,
}

/// Something the preflight found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// The editions it concerns (both when empty).
    pub editions: Vec<Edition>,
    /// What and where, and what to do.
    pub message: String,
}

impl Finding {
    /// An error for every edition.
    pub fn error(message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            editions: Vec::new(),
            message: message.into(),
        }
    }

    /// A warning for every edition.
    pub fn warning(message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            editions: Vec::new(),
            message: message.into(),
        }
    }

    /// The same finding, for one edition only.
    pub fn only(mut self, edition: Edition) -> Finding {
        self.editions = vec![edition];
        self
    }

    /// Does it concern this edition?
    pub fn concerns(&self, edition: Edition) -> bool {
        self.editions.is_empty() || self.editions.contains(&edition)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let editions = match self.editions.as_slice() {
            [] => String::new(),
            list => format!(
                " [{}]",
                list.iter().map(|e| e.name()).collect::<Vec<_>>().join(", ")
            ),
        };
        write!(f, "{severity}{editions}: {}", self.message)
    }
}
