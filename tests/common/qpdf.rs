//! Reading a PDF's objects through `qpdf --json` (JSON version 2), so that
//! the structure checks rest on qpdf's parser, not on ours.

use std::path::Path;

use serde_json::Value;

use super::{assert_success, tool, tool_output};

/// A PDF as `qpdf --json --json-key=…` describes it.
pub struct QpdfJson {
    json: Value,
}

impl QpdfJson {
    pub fn of(pdf: &Path) -> Self {
        let text = tool(
            "qpdf",
            [
                "--json=2".as_ref(),
                "--json-key=qpdf".as_ref(),
                "--json-key=pages".as_ref(),
                "--json-key=outlines".as_ref(),
                pdf.as_os_str(),
            ],
        );
        let json = serde_json::from_str(&text).expect("qpdf --json printed invalid JSON");
        QpdfJson { json }
    }

    /// The object `reference` ("12 0 R", or "trailer"): its value, or its
    /// dictionary if it is a stream.
    pub fn object(&self, reference: &str) -> &Value {
        let key = if reference == "trailer" {
            reference.to_string()
        } else {
            format!("obj:{reference}")
        };
        let object = &self.json["qpdf"][1][&key];
        if let Some(dict) = object.get("stream") {
            &dict["dict"]
        } else {
            object
                .get("value")
                .unwrap_or_else(|| panic!("qpdf shows no object {reference}"))
        }
    }

    /// `value` itself, or the object it refers to if it is a reference.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.as_str() {
            Some(s) if is_reference(s) => self.object(s),
            _ => value,
        }
    }

    /// The entry `key` of a dictionary, references followed.
    pub fn get<'a>(&'a self, dict: &'a Value, key: &str) -> &'a Value {
        self.resolve(&self.resolve(dict)[key])
    }

    /// The document catalog.
    pub fn catalog(&self) -> &Value {
        self.get(self.object("trailer"), "/Root")
    }

    /// The page objects, in order.
    pub fn pages(&self) -> Vec<&Value> {
        self.page_references()
            .into_iter()
            .map(|reference| self.object(reference))
            .collect()
    }

    /// The references of the page objects ("12 0 R"), in order.
    pub fn page_references(&self) -> Vec<&str> {
        self.json["pages"]
            .as_array()
            .expect("qpdf --json lists no pages")
            .iter()
            .map(|page| page["object"].as_str().unwrap())
            .collect()
    }

    /// The outline (bookmarks) as qpdf reads it: titles, depth first.
    pub fn outline_entries(&self) -> Vec<&Value> {
        fn walk<'a>(items: &'a Value, into: &mut Vec<&'a Value>) {
            for item in items.as_array().into_iter().flatten() {
                into.push(item);
                walk(&item["kids"], into);
            }
        }
        let mut entries = Vec::new();
        walk(&self.json["outlines"], &mut entries);
        entries
    }
}

/// The decoded data of the stream `reference` ("12 0 R"), as
/// `qpdf --show-object --filtered-stream-data` prints it.
#[allow(dead_code)] // not every test crate reads stream data
pub fn stream_data(pdf: &Path, reference: &str) -> Vec<u8> {
    let number = reference
        .strip_suffix(" R")
        .unwrap_or(reference)
        .replace(' ', ",");
    let output = tool_output(
        "qpdf",
        [
            format!("--show-object={number}").as_ref(),
            "--filtered-stream-data".as_ref(),
            pdf.as_os_str(),
        ],
    );
    assert_success(&output, &format!("qpdf --show-object={number}"));
    output.stdout
}

fn is_reference(s: &str) -> bool {
    let parts: Vec<&str> = s.split(' ').collect();
    parts.len() == 3
        && parts[2] == "R"
        && parts[..2]
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A PDF string as qpdf's JSON v2 writes it: `u:` + text (a text string it
/// could decode), or `b:` + hex bytes (UTF-16BE with a BOM, or bytes).
pub fn pdf_string(value: &Value) -> Option<String> {
    let s = value.as_str()?;
    if let Some(text) = s.strip_prefix("u:") {
        return Some(text.to_string());
    }
    let hex = s.strip_prefix("b:")?;
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect::<Option<_>>()?;
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16(&units).ok()
        }
        None => Some(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}
