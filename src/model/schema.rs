//! JSON Schemas of the issue and the layout files, generated from the types
//! maquette reads them into (their doc comments become the descriptions an
//! editor shows), so that an editor such as VS Code completes and checks
//! fields as one types. `schemas/` ships them; a test keeps it in step.

use super::issue::Issue;
use super::layout::Layout;

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An issue file.
    Issue,
    /// A layout file.
    Layout,
}

impl Kind {
    /// The shipped schema's file name (in `schemas/`).
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Issue => "issue.schema.json",
            Kind::Layout => "layout.schema.json",
        }
    }
}

/// The JSON Schema of a kind of file, as pretty JSON ending with a newline.
pub fn json(kind: Kind) -> String {
    let schema = match kind {
        Kind::Issue => schemars::schema_for!(Issue),
        Kind::Layout => schemars::schema_for!(Layout),
    };
    // A schema is plain JSON data: writing it to a string cannot fail.
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}
