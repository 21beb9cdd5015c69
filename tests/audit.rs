//! The audit a print shop's preflight and an accessibility reviewer make,
//! object by object, on both editions of every shipped issue and fixture,
//! read with lopdf (not with the engine's code):
//!
//! - web: every content item (text, path, image, shading) is inside marked
//!   content with an MCID or inside an artifact, and every artifact is typed
//!   (`/Pagination` or `/Layout`); a Figure holds no structure element (its
//!   caption is beside it) and marks no text; the text read from the
//!   structure tree has a space at each line end where the source has one,
//!   and a line-end hyphen the breaker added reads U+00AD;
//! - print: no RGB (`rg`/`RG`, DeviceRGB anywhere); 100 % K text and thin
//!   100 % K rules overprint, nothing else does (or nothing at all when the
//!   layout turns overprint off); the XMP gives `xmpMM:VersionID` once and
//!   `xmpMM:RenditionClass` once, `default`.
//!
//! The audit is checked to fail on PDFs broken on purpose, one fault each.
//! The independent validator (PyPI `page-validation`) passes every web
//! edition for PDF/UA-1 and PDF/A-2a.

#[allow(dead_code)] // each test crate uses its own part of the shared helpers
mod common;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::content::ToUnicode;
use common::*;
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId};
use serde_json::Value;

/// The widest 100 % K rule that must overprint, in points (the engine's rule).
const THIN: f64 = 2.0;

/// Which edition a PDF is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edition {
    Web,
    Print,
}

impl Edition {
    fn name(self) -> &'static str {
        match self {
            Edition::Web => "web",
            Edition::Print => "print",
        }
    }
}

// ---------------------------------------------------------------------------
// The source words: what the text read from the PDF must be made of.
// ---------------------------------------------------------------------------

/// The text of an issue and its layout, normalised, to tell a word broken
/// across lines (« possibi » + « lité », « Béthune- » + « Bruay », an
/// address) from two words glued together (« septième » + « séance »).
struct Corpus {
    text: String,
}

/// Text as the corpus compares it: lower case, soft hyphens gone, one apostrophe, spaces plain.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|&c| c != '\u{ad}')
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\'' => '’',
            '\u{2010}' | '\u{2011}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

impl Corpus {
    /// Every string of the issue file and of its layout file, the month names, the page numbers.
    fn of_issue(issue: &Path) -> Corpus {
        fn strings(value: &Value, out: &mut String) {
            match value {
                Value::String(s) => {
                    out.push_str(s);
                    out.push('\n');
                }
                Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
                Value::Object(map) => map.values().for_each(|v| strings(v, out)),
                Value::Number(n) => {
                    out.push_str(&n.to_string());
                    out.push('\n');
                }
                _ => {}
            }
        }
        let read = |path: &Path| -> Value {
            serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
        };
        let issue_json = read(issue);
        let mut text = String::new();
        strings(&issue_json, &mut text);
        if let Some(layout) = issue_json["layout"].as_str() {
            strings(&read(&issue.parent().unwrap().join(layout)), &mut text);
        }
        text.push_str(
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre \
             January February March April May June July August September October November December",
        );
        Corpus { text: fold(&text) }
    }

    /// Whether `piece` (folded) occurs in the source.
    fn has(&self, piece: &str) -> bool {
        let piece = fold(piece);
        let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
        piece.is_empty() || self.text.contains(piece)
    }
}

/// What is wrong where one line of a block ends and the next begins.
#[derive(Debug, PartialEq, Eq)]
enum Joint {
    /// A space, a soft hyphen, a compound's own hyphen, an address broken at a separator.
    Fine,
    /// Two words glued: the line end reads no space.
    MissingSpace(String),
    /// A word broken by the engine whose hyphen reads as a hard hyphen, not U+00AD.
    HardHyphen(String),
}

/// Judges the end of the text `before` (up to a line end) against the start of `after`.
fn joint(before: &str, after: &str, corpus: &Corpus) -> Joint {
    let (Some(last), Some(first)) = (before.chars().last(), after.chars().next()) else {
        return Joint::Fine;
    };
    if last.is_whitespace() || first.is_whitespace() || last == '\u{ad}' {
        return Joint::Fine;
    }
    let tail: String = {
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        before[start..].to_string()
    };
    let head = after.split(char::is_whitespace).next().unwrap_or("");
    let glued = format!("{tail}{head}");
    if matches!(last, '-' | '\u{2010}') {
        let stem = &tail[..tail.len() - last.len_utf8()];
        if corpus.has(&glued) {
            // The source has the hyphen: a compound broken at it.
            return Joint::Fine;
        }
        if corpus.has(&format!("{stem}{head}")) {
            return Joint::HardHyphen(format!("{stem}-{head}"));
        }
        return Joint::MissingSpace(glued);
    }
    if corpus.has(&glued) {
        // A word or an address broken where the source has no space.
        Joint::Fine
    } else {
        Joint::MissingSpace(glued)
    }
}

// ---------------------------------------------------------------------------
// Walking the content streams.
// ---------------------------------------------------------------------------

/// A colour as set in a content stream.
#[derive(Debug, Clone, PartialEq)]
struct Paint {
    cmyk: bool,
    components: Vec<f64>,
}

impl Paint {
    fn initial() -> Paint {
        Paint {
            cmyk: false,
            components: vec![0.0],
        }
    }

    /// 100 % K, no C, M or Y.
    fn pure_black(&self) -> bool {
        const E: f64 = 0.5 / 255.0;
        self.cmyk
            && matches!(self.components[..], [c, m, y, k] if c < E && m < E && y < E && k > 1.0 - E)
    }
}

/// The graphics state the audit follows.
#[derive(Debug, Clone)]
struct Gstate {
    ctm: [f64; 6],
    fill: Paint,
    stroke: Paint,
    line_width: f64,
    /// Fill overprint, stroke overprint, overprint mode.
    overprint: (bool, bool, i64),
}

impl Default for Gstate {
    fn default() -> Self {
        Gstate {
            ctm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            fill: Paint::initial(),
            stroke: Paint::initial(),
            line_width: 1.0,
            overprint: (false, false, 0),
        }
    }
}

impl Gstate {
    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.ctm;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn concat(&mut self, m: [f64; 6]) {
        let [a, b, c, d, e, f] = m;
        let [a0, b0, c0, d0, e0, f0] = self.ctm;
        self.ctm = [
            a * a0 + b * c0,
            a * b0 + b * d0,
            c * a0 + d * c0,
            c * b0 + d * d0,
            e * a0 + f * c0 + e0,
            e * b0 + f * d0 + f0,
        ];
    }
}

/// An open marked-content sequence.
#[derive(Debug, Clone)]
struct Open {
    mcid: Option<i64>,
    artifact: bool,
    actual_text: bool,
}

/// What a marked-content sequence (by page and MCID) holds.
#[derive(Debug, Default, Clone)]
struct Marked {
    text: String,
    /// Baselines (page space) of its first and last text.
    first_y: Option<f64>,
    last_y: Option<f64>,
    has_text: bool,
}

/// The audit of one PDF.
struct Audit<'a> {
    doc: &'a Document,
    edition: Edition,
    overprint: bool,
    findings: Vec<String>,
    marked: HashMap<(ObjectId, i64), Marked>,
    /// Artifact types met, and how many.
    artifact_types: BTreeMap<String, usize>,
    /// Counts for the report.
    text_items: usize,
    overprinted: usize,
}

/// A name or a string operand.
fn bytes_of(o: &Object) -> Option<&[u8]> {
    match o {
        Object::Name(n) => Some(n),
        Object::String(s, _) => Some(s),
        _ => None,
    }
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn nums(operands: &[Object]) -> Vec<f64> {
    operands.iter().filter_map(num).collect()
}

/// A PDF text string as Rust text (UTF-16BE with BOM, or byte by byte).
fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

impl<'a> Audit<'a> {
    fn new(doc: &'a Document, edition: Edition, overprint: bool) -> Self {
        Audit {
            doc,
            edition,
            overprint,
            findings: Vec::new(),
            marked: HashMap::new(),
            artifact_types: BTreeMap::new(),
            text_items: 0,
            overprinted: 0,
        }
    }

    fn resolve<'o>(&'o self, o: &'o Object) -> &'o Object {
        self.doc.dereference(o).map_or(o, |(_, o)| o)
    }

    fn dict<'o>(&'o self, o: Option<&'o Object>) -> Option<&'o Dictionary> {
        o.map(|o| self.resolve(o)).and_then(|o| o.as_dict().ok())
    }

    /// Entry `key` of the resources' category `category` (`Font`, `XObject`…).
    fn resource<'o>(
        &'o self,
        resources: Option<&'o Dictionary>,
        category: &[u8],
        key: &[u8],
    ) -> Option<&'o Object> {
        let cat = self.dict(resources?.get(category).ok())?;
        cat.get(key).ok().map(|o| self.resolve(o))
    }

    /// Whether a colour space resource (or name) is DeviceCMYK, or DeviceRGB.
    fn space_kind(&self, resources: Option<&Dictionary>, name: &[u8]) -> (bool, bool) {
        let resolved = match name {
            b"DeviceCMYK" | b"DeviceRGB" | b"DeviceGray" => Object::Name(name.to_vec()),
            _ => self
                .resource(resources, b"ColorSpace", name)
                .cloned()
                .unwrap_or(Object::Null),
        };
        match &resolved {
            Object::Name(n) => (n == b"DeviceCMYK", n == b"DeviceRGB"),
            _ => (false, false),
        }
    }

    /// Walks a content stream with its resources; `marked` says whether it
    /// is drawn inside marked content already (a form invoked there).
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        page: ObjectId,
        content: &[u8],
        resources: Option<&Dictionary>,
        start: Gstate,
        marked: bool,
        depth: usize,
        where_: &str,
    ) {
        let ops: Vec<Operation> = match Content::decode(content) {
            Ok(c) => c.operations,
            Err(e) => {
                self.findings
                    .push(format!("{where_}: content stream unreadable: {e}"));
                return;
            }
        };
        let mut gs = start;
        let mut saved: Vec<Gstate> = Vec::new();
        let mut open: Vec<Open> = Vec::new();
        let mut font: Option<ToUnicode> = None;
        let mut text_y = 0.0f64;
        let mut path: Vec<(f64, f64)> = Vec::new();
        for op in &ops {
            let operands = &op.operands;
            let is_marked = marked || open.iter().any(|o| o.mcid.is_some() || o.artifact);
            let mcid = open.iter().rev().find_map(|o| o.mcid);
            let in_actual_text = open.iter().any(|o| o.actual_text);
            match op.operator.as_str() {
                "q" => saved.push(gs.clone()),
                "Q" => gs = saved.pop().unwrap_or_default(),
                "cm" => {
                    if let [a, b, c, d, e, f] = nums(operands)[..] {
                        gs.concat([a, b, c, d, e, f]);
                    }
                }
                "w" => gs.line_width = operands.first().and_then(num).unwrap_or(1.0),
                "gs" => {
                    let name = operands.first().and_then(bytes_of).unwrap_or_default();
                    if let Some(state) = self
                        .resource(resources, b"ExtGState", name)
                        .and_then(|o| o.as_dict().ok())
                    {
                        let flag = |k: &[u8]| state.get(k).ok().and_then(|o| o.as_bool().ok());
                        let stroke = flag(b"OP");
                        if let Some(op_) = stroke {
                            gs.overprint.1 = op_;
                            gs.overprint.0 = op_;
                        }
                        if let Some(fill) = flag(b"op") {
                            gs.overprint.0 = fill;
                        }
                        if let Ok(m) = state.get(b"OPM").and_then(Object::as_i64) {
                            gs.overprint.2 = m;
                        }
                    }
                }
                "k" | "K" | "g" | "G" | "rg" | "RG" => {
                    if matches!(op.operator.as_str(), "rg" | "RG") && self.edition == Edition::Print
                    {
                        self.findings.push(format!(
                            "{where_}: RGB colour operator `{}` in print",
                            op.operator
                        ));
                    }
                    let paint = Paint {
                        cmyk: matches!(op.operator.as_str(), "k" | "K"),
                        components: nums(operands),
                    };
                    if op.operator.chars().all(char::is_lowercase) {
                        gs.fill = paint;
                    } else {
                        gs.stroke = paint;
                    }
                }
                "cs" | "CS" => {
                    let name = operands.first().and_then(bytes_of).unwrap_or_default();
                    let (cmyk, rgb) = self.space_kind(resources, name);
                    if rgb && self.edition == Edition::Print {
                        self.findings.push(format!(
                            "{where_}: DeviceRGB colour space selected in print"
                        ));
                    }
                    let paint = Paint {
                        cmyk,
                        components: if cmyk {
                            vec![0.0, 0.0, 0.0, 1.0]
                        } else {
                            vec![0.0]
                        },
                    };
                    if op.operator == "cs" {
                        gs.fill = paint;
                    } else {
                        gs.stroke = paint;
                    }
                }
                "sc" | "scn" => gs.fill.components = nums(operands),
                "SC" | "SCN" => gs.stroke.components = nums(operands),
                "BMC" | "BDC" => {
                    let tag = operands
                        .first()
                        .and_then(bytes_of)
                        .unwrap_or_default()
                        .to_vec();
                    let props: Option<Dictionary> = match operands.get(1) {
                        Some(Object::Dictionary(d)) => Some(d.clone()),
                        Some(Object::Name(n)) => self
                            .resource(resources, b"Properties", n)
                            .and_then(|o| o.as_dict().ok())
                            .cloned(),
                        _ => None,
                    };
                    let artifact = tag == b"Artifact";
                    if artifact && self.edition == Edition::Web {
                        let kind = props
                            .as_ref()
                            .and_then(|p| p.get(b"Type").ok())
                            .and_then(|t| t.as_name().ok())
                            .map(|t| String::from_utf8_lossy(t).into_owned());
                        match kind.as_deref() {
                            Some("Pagination" | "Layout" | "Page" | "Background") => {}
                            other => self.findings.push(format!(
                                "{where_}: an artifact without a /Type of Pagination or Layout ({other:?})"
                            )),
                        }
                        *self
                            .artifact_types
                            .entry(kind.unwrap_or_else(|| "none".into()))
                            .or_default() += 1;
                    }
                    let mcid = props
                        .as_ref()
                        .and_then(|p| p.get(b"MCID").ok())
                        .and_then(|m| m.as_i64().ok());
                    let actual = props
                        .as_ref()
                        .and_then(|p| p.get(b"ActualText").ok())
                        .and_then(bytes_of)
                        .map(text_string);
                    if let (Some(actual), Some(id)) =
                        (&actual, open.iter().rev().find_map(|o| o.mcid))
                    {
                        if !in_actual_text {
                            self.marked
                                .entry((page, id))
                                .or_default()
                                .text
                                .push_str(actual);
                        }
                    }
                    open.push(Open {
                        mcid,
                        artifact,
                        actual_text: actual.is_some(),
                    });
                }
                "EMC" if open.pop().is_none() => {
                    self.findings.push(format!("{where_}: EMC without BDC"));
                }
                "Tf" => {
                    let name = operands.first().and_then(bytes_of).unwrap_or_default();
                    font = self
                        .resource(resources, b"Font", name)
                        .and_then(|f| f.as_dict().ok())
                        .and_then(|f| f.get(b"ToUnicode").ok())
                        .map(|t| self.resolve(t))
                        .and_then(|t| t.as_stream().ok())
                        .map(|s| {
                            ToUnicode::parse(
                                &s.decompressed_content()
                                    .unwrap_or_else(|_| s.content.clone()),
                            )
                        });
                }
                "Tm" => {
                    if let [_, _, _, _, e, f] = nums(operands)[..] {
                        text_y = gs.apply(e, f).1;
                    }
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    self.text_items += 1;
                    let mut shown = Vec::new();
                    for o in operands {
                        match o {
                            Object::String(s, _) => shown.push(s.clone()),
                            Object::Array(items) => {
                                for i in items {
                                    if let Object::String(s, _) = i {
                                        shown.push(s.clone());
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    let text: String = shown
                        .iter()
                        .map(|s| {
                            font.as_ref()
                                .map_or_else(|| "\u{fffd}".into(), |f| f.decode(s))
                        })
                        .collect();
                    self.check_marked(is_marked, where_, &format!("text « {text} »"));
                    if let Some(id) = mcid {
                        let m = self.marked.entry((page, id)).or_default();
                        if !in_actual_text {
                            m.text.push_str(&text);
                        }
                        m.has_text = true;
                        m.first_y.get_or_insert(text_y);
                        m.last_y = Some(text_y);
                    }
                    let black = gs.fill.pure_black();
                    self.check_overprint(&gs, black, where_, &format!("text « {text} »"));
                }
                "m" | "l" | "c" | "v" | "y" => {
                    for pair in nums(operands).chunks(2) {
                        if let [x, y] = pair {
                            path.push(gs.apply(*x, *y));
                        }
                    }
                }
                "re" => {
                    if let [x, y, w, h] = nums(operands)[..] {
                        for (px, py) in [(x, y), (x + w, y), (x, y + h), (x + w, y + h)] {
                            path.push(gs.apply(px, py));
                        }
                    }
                }
                "f" | "F" | "f*" | "S" | "s" | "B" | "B*" | "b" | "b*" => {
                    self.check_marked(
                        is_marked,
                        where_,
                        &format!("a path painted with `{}`", op.operator),
                    );
                    let fills = !matches!(op.operator.as_str(), "S" | "s");
                    let strokes =
                        matches!(op.operator.as_str(), "S" | "s" | "B" | "B*" | "b" | "b*");
                    let thin_path = {
                        let (xs, ys): (Vec<f64>, Vec<f64>) = path.iter().copied().unzip();
                        let span = |v: &[f64]| {
                            v.iter().copied().fold(f64::MIN, f64::max)
                                - v.iter().copied().fold(f64::MAX, f64::min)
                        };
                        !path.is_empty() && span(&xs).min(span(&ys)) <= THIN
                    };
                    let [a, b, c, d, ..] = gs.ctm;
                    let width = gs.line_width * (a * d - b * c).abs().sqrt();
                    let wants = (!fills || (gs.fill.pure_black() && thin_path))
                        && (!strokes || (gs.stroke.pure_black() && width <= THIN));
                    self.check_overprint(
                        &gs,
                        wants,
                        where_,
                        &format!("a path painted with `{}`", op.operator),
                    );
                    path.clear();
                }
                "n" => path.clear(),
                "sh" => {
                    self.check_marked(is_marked, where_, "a shading");
                    self.check_overprint(&gs, false, where_, "a shading");
                }
                "BI" | "ID" => {
                    self.check_marked(is_marked, where_, "an inline image");
                }
                "Do" => {
                    let name = operands.first().and_then(bytes_of).unwrap_or_default();
                    let Some(xobject) = self
                        .resource(resources, b"XObject", name)
                        .and_then(|o| o.as_stream().ok())
                        .cloned()
                    else {
                        self.findings
                            .push(format!("{where_}: Do of a missing XObject"));
                        continue;
                    };
                    let subtype = xobject
                        .dict
                        .get(b"Subtype")
                        .and_then(Object::as_name)
                        .unwrap_or_default();
                    if subtype == b"Image" {
                        self.check_marked(is_marked, where_, "an image");
                        self.check_overprint(&gs, false, where_, "an image");
                    } else if subtype == b"Form" && depth < 16 {
                        let content = xobject
                            .decompressed_content()
                            .unwrap_or_else(|_| xobject.content.clone());
                        let form_resources =
                            self.dict(xobject.dict.get(b"Resources").ok()).cloned();
                        let mut inner = gs.clone();
                        if let Some(m) = xobject
                            .dict
                            .get(b"Matrix")
                            .ok()
                            .and_then(|m| m.as_array().ok())
                        {
                            if let [a, b, c, d, e, f] = nums(m)[..] {
                                inner.concat([a, b, c, d, e, f]);
                            }
                        }
                        self.walk(
                            page,
                            &content,
                            form_resources.as_ref(),
                            inner,
                            is_marked,
                            depth + 1,
                            &format!("{where_} > form"),
                        );
                    }
                }
                _ => {}
            }
        }
        if !open.is_empty() {
            self.findings.push(format!(
                "{where_}: {} marked-content sequence(s) left open",
                open.len()
            ));
        }
    }

    /// In the web edition, a content item outside marked content is a finding.
    fn check_marked(&mut self, is_marked: bool, where_: &str, what: &str) {
        if self.edition == Edition::Web && !is_marked {
            self.findings.push(format!(
                "{where_}: {what} is outside any marked content or artifact"
            ));
        }
    }

    /// In print, what should overprint does (fill overprint with mode 1), and nothing else does.
    fn check_overprint(&mut self, gs: &Gstate, wants: bool, where_: &str, what: &str) {
        if self.edition != Edition::Print {
            return;
        }
        let wants = wants && self.overprint;
        let on = gs.overprint.0 || gs.overprint.1;
        if on {
            self.overprinted += 1;
        }
        if wants && !(gs.overprint.0 && gs.overprint.1 && gs.overprint.2 == 1) {
            self.findings.push(format!(
                "{where_}: {what} is 100 % K but does not overprint (/OP /op true, /OPM 1)"
            ));
        } else if !wants && on {
            self.findings.push(format!(
                "{where_}: {what} overprints but is not thin 100 % K black"
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// The structure tree.
// ---------------------------------------------------------------------------

/// A structure element: its type, alternative text, and kids in order.
#[derive(Debug)]
struct Elem {
    tag: String,
    alt: Option<String>,
    kids: Vec<Kid>,
}

#[derive(Debug)]
enum Kid {
    Content(ObjectId, i64),
    Elem(usize),
}

/// Reads the structure tree into a flat list of elements (index 0 is the first).
fn structure(doc: &Document) -> Vec<Elem> {
    fn node(
        doc: &Document,
        o: &Object,
        page: Option<ObjectId>,
        out: &mut Vec<Elem>,
        kids: &mut Vec<Kid>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        let page_of = |d: &Dictionary| {
            d.get(b"Pg")
                .ok()
                .and_then(|p| p.as_reference().ok())
                .or(page)
        };
        match o {
            Object::Integer(mcid) => {
                if let Some(p) = page {
                    kids.push(Kid::Content(p, *mcid));
                }
            }
            Object::Array(items) => {
                for i in items {
                    node(doc, i, page, out, kids, depth + 1);
                }
            }
            Object::Reference(_) => {
                if let Ok((_, resolved)) = doc.dereference(o) {
                    node(doc, resolved, page, out, kids, depth + 1);
                }
            }
            Object::Dictionary(d) => {
                let kind = d.get(b"Type").and_then(Object::as_name).unwrap_or_default();
                if kind == b"MCR" {
                    if let (Some(p), Ok(mcid)) =
                        (page_of(d), d.get(b"MCID").and_then(Object::as_i64))
                    {
                        kids.push(Kid::Content(p, mcid));
                    }
                } else if kind == b"OBJR" {
                } else if let Ok(tag) = d.get(b"S").and_then(Object::as_name) {
                    let index = out.len();
                    out.push(Elem {
                        tag: String::from_utf8_lossy(tag).into_owned(),
                        alt: d.get(b"Alt").ok().and_then(bytes_of).map(text_string),
                        kids: Vec::new(),
                    });
                    kids.push(Kid::Elem(index));
                    let mut own = Vec::new();
                    if let Ok(k) = d.get(b"K") {
                        node(doc, k, page_of(d), out, &mut own, depth + 1);
                    }
                    out[index].kids = own;
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let root = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_dict().ok());
    if let Some(k) = root.and_then(|r| r.get(b"K").ok()) {
        node(doc, k, None, &mut out, &mut Vec::new(), 0);
    }
    out
}

/// The marked contents of an element, its descendants' included, in order.
fn contents(elems: &[Elem], i: usize, out: &mut Vec<(ObjectId, i64)>) {
    for kid in &elems[i].kids {
        match kid {
            Kid::Content(p, m) => out.push((*p, *m)),
            Kid::Elem(e) => contents(elems, *e, out),
        }
    }
}

/// Elements whose text is a run of lines: the joints between them are checked.
const BLOCKS: [&str; 14] = [
    "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "Caption", "LBody", "Lbl", "TD", "TH", "Note",
];

/// Line ends checked, and of what kind, for the report.
#[derive(Debug, Default)]
struct LineEnds {
    total: usize,
    space: usize,
    soft_hyphen: usize,
    as_drawn: usize,
}

/// Audits a PDF's structure tree against its content: Figures, and the line
/// ends of the text read from it.
fn audit_structure(a: &mut Audit, corpus: &Corpus, ends: &mut LineEnds) {
    let elems = structure(a.doc);
    if elems.is_empty() {
        a.findings
            .push("the web edition has no structure tree".into());
        return;
    }
    for (i, e) in elems.iter().enumerate() {
        if e.tag == "Figure" {
            let alt = e.alt.clone().unwrap_or_default();
            for kid in &e.kids {
                match kid {
                    Kid::Elem(k) => a.findings.push(format!(
                        "Figure « {alt} » holds a {} element: a reader that speaks its /Alt never reads it",
                        elems[*k].tag
                    )),
                    Kid::Content(p, m) => {
                        if let Some(marked) = a.marked.get(&(*p, *m)).filter(|m| m.has_text) {
                            a.findings.push(format!("Figure « {alt} » marks text « {} »", marked.text));
                        }
                    }
                }
            }
        }
        if !BLOCKS.contains(&e.tag.as_str()) {
            continue;
        }
        // A block inside another block (a Lbl in an LI is not) is judged with its parent.
        let mut seq = Vec::new();
        contents(&elems, i, &mut seq);
        let mut text = String::new();
        let mut prev: Option<&Marked> = None;
        let mut prev_page = None;
        for key in &seq {
            let Some(m) = a.marked.get(key) else {
                a.findings.push(format!(
                    "{}: MCID {} of its page has no content",
                    e.tag, key.1
                ));
                continue;
            };
            if let (Some(p), Some(py), Some(ny)) = (prev, prev.and_then(|p| p.last_y), m.first_y) {
                let new_line = prev_page != Some(key.0) || (py - ny).abs() > 0.5;
                if new_line && !p.text.is_empty() && !m.text.is_empty() {
                    ends.total += 1;
                    match text.chars().last() {
                        Some('\u{ad}') => ends.soft_hyphen += 1,
                        Some(c) if c.is_whitespace() => ends.space += 1,
                        _ => ends.as_drawn += 1,
                    }
                    match joint(&text, &m.text, corpus) {
                        Joint::Fine => {}
                        Joint::MissingSpace(glued) => a.findings.push(format!(
                            "{}: no space at a line end in the tagged text: « {glued} »",
                            e.tag
                        )),
                        Joint::HardHyphen(word) => a.findings.push(format!(
                            "{}: a line-end hyphen the engine added reads as a hard hyphen, not U+00AD: « {word} »",
                            e.tag
                        )),
                    }
                }
            }
            text.push_str(&m.text);
            prev = Some(m);
            prev_page = Some(key.0);
        }
    }
}

/// Audits the XMP of the print edition: one VersionID, one RenditionClass, `default`.
fn audit_xmp(a: &mut Audit) {
    let xmp = a
        .doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Metadata").ok())
        .and_then(|m| a.doc.dereference(m).ok())
        .and_then(|(_, m)| m.as_stream().ok())
        .map(|s| {
            String::from_utf8_lossy(
                &s.decompressed_content()
                    .unwrap_or_else(|_| s.content.clone()),
            )
            .into_owned()
        })
        .unwrap_or_default();
    let values = |name: &str| -> Vec<String> {
        let mut out = Vec::new();
        let open = format!("<xmpMM:{name}>");
        for (at, _) in xmp.match_indices(&open) {
            let rest = &xmp[at + open.len()..];
            out.push(rest[..rest.find('<').unwrap_or(0)].to_string());
        }
        let attribute = format!("xmpMM:{name}=\"");
        for (at, _) in xmp.match_indices(&attribute) {
            let rest = &xmp[at + attribute.len()..];
            out.push(rest[..rest.find('"').unwrap_or(0)].to_string());
        }
        out
    };
    let version = values("VersionID");
    if version.len() != 1 || version[0].trim().is_empty() {
        a.findings.push(format!(
            "XMP: xmpMM:VersionID should be given once, it is given as {version:?}"
        ));
    }
    let rendition = values("RenditionClass");
    if rendition != ["default"] {
        a.findings.push(format!(
            "XMP: xmpMM:RenditionClass should be `default` once, it is {rendition:?}"
        ));
    }
}

/// Whether any object of the file names DeviceRGB.
fn names_device_rgb(doc: &Document) -> Vec<String> {
    fn has(o: &Object, depth: usize) -> bool {
        depth < 32
            && match o {
                Object::Name(n) => n == b"DeviceRGB",
                Object::Array(items) => items.iter().any(|i| has(i, depth + 1)),
                Object::Dictionary(d) => d.iter().any(|(_, v)| has(v, depth + 1)),
                Object::Stream(s) => s.dict.iter().any(|(_, v)| has(v, depth + 1)),
                _ => false,
            }
    }
    doc.objects
        .iter()
        .filter(|(_, o)| has(o, 0))
        .map(|(id, _)| format!("object {} {} names /DeviceRGB", id.0, id.1))
        .collect()
}

/// What the audit found in one edition, and the counts for the report.
struct Report {
    findings: Vec<String>,
    line_ends: LineEnds,
    artifact_types: BTreeMap<String, usize>,
    text_items: usize,
    overprinted: usize,
}

/// Audits the PDF at `path`, an `edition` of an issue whose source is `corpus`.
fn audit_pdf(path: &Path, edition: Edition, corpus: &Corpus, overprint: bool) -> Report {
    let doc = Document::load(path)
        .unwrap_or_else(|e| panic!("lopdf cannot read {}: {e}", path.display()));
    audit_document(&doc, edition, corpus, overprint)
}

fn audit_document(doc: &Document, edition: Edition, corpus: &Corpus, overprint: bool) -> Report {
    let mut a = Audit::new(doc, edition, overprint);
    for (number, page) in doc.get_pages() {
        let content = doc.get_page_content(page);
        let resources = doc.get_page_resources(page).ok().and_then(|(dict, ids)| {
            dict.cloned().or_else(|| {
                ids.first()
                    .and_then(|id| doc.get_dictionary(*id).ok().cloned())
            })
        });
        a.walk(
            page,
            &content,
            resources.as_ref(),
            Gstate::default(),
            false,
            0,
            &format!("page {number}"),
        );
    }
    let mut line_ends = LineEnds::default();
    match edition {
        Edition::Web => audit_structure(&mut a, corpus, &mut line_ends),
        Edition::Print => {
            audit_xmp(&mut a);
            let rgb = names_device_rgb(doc);
            a.findings.extend(rgb);
        }
    }
    Report {
        findings: a.findings,
        line_ends,
        artifact_types: a.artifact_types,
        text_items: a.text_items,
        overprinted: a.overprinted,
    }
}

// ---------------------------------------------------------------------------
// The issues, rendered.
// ---------------------------------------------------------------------------

/// Every shipped issue and fixture: examples/*.json, tests/fixtures/*.json,
/// the table fixture and the legacy-format fixture.
fn all_issues() -> Vec<PathBuf> {
    let root = manifest_dir();
    let mut issues = Vec::new();
    for folder in ["examples", "tests/fixtures"] {
        let mut found: Vec<PathBuf> = fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        found.sort();
        issues.extend(found);
    }
    issues.push(root.join("tests/fixtures/tables/issue.json"));
    issues.push(root.join("tests/fixtures/legacy/lettre-pma-01-v1.json"));
    issues
}

/// Renders both editions of `issue` into `dir` as NAME-web.pdf and NAME-print.pdf.
fn render_both(dir: &TestDir, issue: &Path, name: &str) -> (PathBuf, PathBuf) {
    let out = dir.join(&format!("{name}.pdf"));
    let output = run(&mut maquette([
        "render".as_ref(),
        issue.as_os_str(),
        "--edition".as_ref(),
        "both".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    assert_success(
        &output,
        &format!("maquette render {} --edition both", issue.display()),
    );
    (
        dir.join(&format!("{name}-web.pdf")),
        dir.join(&format!("{name}-print.pdf")),
    )
}

/// A name for an issue's outputs: its folder and file stem.
fn issue_name(issue: &Path) -> String {
    let folder = issue
        .parent()
        .and_then(Path::file_name)
        .unwrap_or_default()
        .to_string_lossy();
    let stem = issue.file_stem().unwrap_or_default().to_string_lossy();
    format!("{folder}-{stem}")
}

/// Audits PDFs made elsewhere (by another build, say): both editions of
/// every issue, found in the folder `MAQUETTE_AUDIT_DIR` as
/// `FOLDER-STEM-web.pdf` or `STEM-web.pdf` (and `-print.pdf`). Prints what it
/// finds; run with `--ignored`.
#[test]
#[ignore]
fn audit_the_pdfs_in_maquette_audit_dir() {
    let Ok(folder) = std::env::var("MAQUETTE_AUDIT_DIR") else {
        return;
    };
    let folder = PathBuf::from(folder);
    for issue in all_issues() {
        let corpus = Corpus::of_issue(&issue);
        let stem = issue
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        for edition in [Edition::Web, Edition::Print] {
            let Some(pdf) = [issue_name(&issue), stem.clone()]
                .iter()
                .map(|n| folder.join(format!("{n}-{}.pdf", edition.name())))
                .find(|p| p.is_file())
            else {
                continue;
            };
            let report = audit_pdf(&pdf, edition, &corpus, true);
            let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
            for f in &report.findings {
                let kind = f.split(": ").skip(1).collect::<Vec<_>>().join(": ");
                let kind = kind
                    .split(['«', '('])
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                *kinds.entry(kind).or_default() += 1;
            }
            println!(
                "{} ({} line ends, artifacts {:?}): {} findings {kinds:#?}",
                pdf.display(),
                report.line_ends.total,
                report.artifact_types,
                report.findings.len()
            );
        }
    }
}

#[test]
fn both_editions_of_every_issue_pass_the_audit() {
    let dir = TestDir::new("both_editions_of_every_issue_pass_the_audit");
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for issue in all_issues() {
        let name = issue_name(&issue);
        let corpus = Corpus::of_issue(&issue);
        let (web, print) = render_both(&dir, &issue, &name);
        for (edition, pdf) in [(Edition::Web, &web), (Edition::Print, &print)] {
            let report = audit_pdf(pdf, edition, &corpus, true);
            summary.push(format!(
                "{name} {}: {} text items, {} line ends ({} spaces, {} soft hyphens, {} as drawn), artifacts {:?}, {} items overprinted, {} findings",
                edition.name(),
                report.text_items,
                report.line_ends.total,
                report.line_ends.space,
                report.line_ends.soft_hyphen,
                report.line_ends.as_drawn,
                report.artifact_types,
                report.overprinted,
                report.findings.len()
            ));
            failures.extend(
                report
                    .findings
                    .into_iter()
                    .map(|f| format!("{name} {}: {f}", edition.name())),
            );
            if edition == Edition::Web {
                assert!(
                    report.line_ends.total > 20,
                    "{name}: too few line ends found to judge"
                );
            } else {
                assert!(
                    report.overprinted > 20,
                    "{name}: too little black overprints"
                );
            }
        }
    }
    eprintln!("{}", summary.join("\n"));
    assert!(
        failures.is_empty(),
        "{} finding(s):\n  {}",
        failures.len(),
        failures[..failures.len().min(60)].join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// The audit fails where it should.
// ---------------------------------------------------------------------------

#[test]
fn joints_tell_a_glued_word_and_a_hard_hyphen_from_a_broken_word() {
    let corpus = Corpus {
        text: fold(
            "Lundi avait lieu la septième séance du Comité. La possibilité de Béthune-Bruay, \
             www.pma-artois.fr/agenda",
        ),
    };
    assert_eq!(joint("la septième ", "séance", &corpus), Joint::Fine);
    assert_eq!(
        joint("la septième", "séance du", &corpus),
        Joint::MissingSpace("septièmeséance".into())
    );
    assert_eq!(joint("la possibi\u{ad}", "lité", &corpus), Joint::Fine);
    assert_eq!(
        joint("la possibi-", "lité de", &corpus),
        Joint::HardHyphen("possibi-lité".into())
    );
    assert_eq!(joint("de Béthune-", "Bruay,", &corpus), Joint::Fine);
    assert_eq!(joint("www.pma-", "artois.fr/agenda", &corpus), Joint::Fine);
    assert_eq!(joint("www.pma-artois.fr/", "agenda", &corpus), Joint::Fine);
}

/// The example's page 1 content with `extra` appended, as the page's only stream.
fn with_page_content(doc: &mut Document, edit: impl Fn(&str) -> String) {
    let page = *doc.get_pages().get(&1).unwrap();
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    let ids = doc.get_page_contents(page);
    let stream = lopdf::Stream::new(Dictionary::new(), edit(&content).into_bytes());
    *doc.get_object_mut(ids[0]).unwrap() = Object::Stream(stream);
    doc.get_dictionary_mut(page)
        .unwrap()
        .set("Contents", Object::Reference(ids[0]));
}

#[test]
fn the_audit_finds_each_fault_put_into_a_good_pdf() {
    let dir = TestDir::new("the_audit_finds_each_fault_put_into_a_good_pdf");
    let issue = example_issue_path();
    let corpus = Corpus::of_issue(&issue);
    let (web, print) = render_both(&dir, &issue, "x");
    let load = |p: &Path| Document::load(p).unwrap();
    let findings =
        |doc: &Document, edition: Edition| audit_document(doc, edition, &corpus, true).findings;
    assert!(findings(&load(&web), Edition::Web).is_empty());
    assert!(findings(&load(&print), Edition::Print).is_empty());
    let expect = |doc: &Document, edition: Edition, what: &str| {
        let found = findings(doc, edition);
        assert!(
            found.iter().any(|f| f.contains(what)),
            "the audit should find « {what} » in the broken {} edition; it found {found:?}",
            edition.name()
        );
    };

    // Print: RGB colour, in an operator and as a colour space.
    let mut doc = load(&print);
    with_page_content(&mut doc, |c| format!("q 1 0 0 rg 0 0 1 1 re f Q\n{c}"));
    expect(&doc, Edition::Print, "RGB colour operator");
    let mut doc = load(&print);
    let id = doc.add_object(Object::Name(b"DeviceRGB".to_vec()));
    expect(
        &doc,
        Edition::Print,
        &format!("object {} 0 names /DeviceRGB", id.0),
    );

    // Print: black text that knocks out.
    let mut doc = load(&print);
    with_page_content(&mut doc, |c| c.replace("/MqOverprint gs", ""));
    expect(&doc, Edition::Print, "does not overprint");
    // Print: overprint on colour.
    let mut doc = load(&print);
    with_page_content(&mut doc, |c| {
        format!("/MqOverprint gs 0.5 0.2 0 0 k 0 0 100 100 re f\n{c}")
    });
    expect(&doc, Edition::Print, "overprints but is not");

    // Print: the XMP as krilla writes it.
    let mut doc = load(&print);
    let metadata = doc
        .catalog()
        .unwrap()
        .get(b"Metadata")
        .unwrap()
        .as_reference()
        .unwrap();
    let stream = doc
        .get_object_mut(metadata)
        .unwrap()
        .as_stream_mut()
        .unwrap();
    let xmp = String::from_utf8_lossy(
        &stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone()),
    )
    .replace("<xmpMM:VersionID>1</xmpMM:VersionID>", "")
    .replace("RenditionClass>default<", "RenditionClass>proof<");
    stream.dict.remove(b"Filter");
    stream.set_content(xmp.into_bytes());
    expect(&doc, Edition::Print, "xmpMM:VersionID");
    expect(&doc, Edition::Print, "xmpMM:RenditionClass");

    // Web: content outside marked content; an untyped artifact.
    let mut doc = load(&web);
    with_page_content(&mut doc, |c| format!("{c}\n0 0 m 10 10 l S"));
    expect(&doc, Edition::Web, "outside any marked content");
    let mut doc = load(&web);
    with_page_content(&mut doc, |c| {
        format!("{c}\n/Artifact BMC 0 0 m 10 10 l S EMC")
    });
    expect(&doc, Edition::Web, "an artifact without a /Type");

    // Web: a Caption inside its Figure, and a Figure that marks text.
    let mut doc = load(&web);
    let (figure, caption) = {
        let mut figure = None;
        let mut caption = None;
        for (id, o) in &doc.objects {
            if let Ok(d) = o.as_dict() {
                match d.get(b"S").and_then(Object::as_name) {
                    Ok(b"Figure") if d.has(b"Alt") && figure.is_none() => figure = Some(*id),
                    Ok(b"Caption") => caption = Some(*id),
                    _ => {}
                }
            }
        }
        (figure.expect("a Figure"), caption.expect("a Caption"))
    };
    let figure_dict = doc.get_dictionary_mut(figure).unwrap();
    let mut kids = match figure_dict.get(b"K").unwrap().clone() {
        Object::Array(a) => a,
        other => vec![other],
    };
    kids.push(Object::Reference(caption));
    figure_dict.set("K", Object::Array(kids));
    expect(&doc, Edition::Web, "holds a Caption element");

    // Web: glued words — every line-end space read as nothing.
    let mut doc = load(&web);
    for o in doc.objects.values_mut() {
        if let Ok(s) = o.as_stream_mut() {
            let data = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            if data.windows(9).any(|w| w == b"begincmap") {
                // The space reads as a zero-width space, which is no space.
                let text = String::from_utf8_lossy(&data).replace("<0020>", "<200B>");
                s.dict.remove(b"Filter");
                s.set_content(text.into_bytes());
            }
        }
    }
    expect(&doc, Edition::Web, "no space at a line end");
}

#[test]
fn with_overprint_off_nothing_overprints() {
    let dir = TestDir::new("with_overprint_off_nothing_overprints");
    let mut layout = layout_with_absolute_paths(&example_layout_path());
    layout["print"]["overprint_black"] = Value::Bool(false);
    let layout_path = write_json(&dir, "layout.json", &layout);
    let mut issue = example_issue();
    issue["layout"] = Value::String(layout_path.to_string_lossy().into_owned());
    let issue_path = write_json(&dir, "issue.json", &issue);
    let corpus = Corpus::of_issue(&example_issue_path());
    let out = dir.join("x.pdf");
    let output = run(&mut maquette([
        "render".as_ref(),
        issue_path.as_os_str(),
        "--edition".as_ref(),
        "print".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    assert_success(&output, "maquette render with overprint_black false");
    let report = audit_pdf(&out, Edition::Print, &corpus, false);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(
        report.overprinted, 0,
        "something overprints with overprint_black false"
    );
}

// ---------------------------------------------------------------------------
// The independent validator.
// ---------------------------------------------------------------------------

/// The pinned release of the validator the tests install.
const VALIDATOR: &str = "page-validation==0.11.0";

/// The Python of a virtual environment under target/ that has the
/// validator, made and filled from PyPI if it is missing (as scripts/test does).
fn validator_python() -> PathBuf {
    let venv = manifest_dir().join("target/validator");
    let python = venv.join("bin/python");
    let has_it = |python: &Path| {
        python.is_file()
            && Command::new(python)
                .args(["-c", "import page"])
                .output()
                .is_ok_and(|o| o.status.success())
    };
    if !has_it(&python) {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .output()
            .expect("cannot run python3: install python3 and python3-venv (scripts/test does)");
        assert!(
            made.status.success(),
            "python3 -m venv failed: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        let installed = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", VALIDATOR])
            .output()
            .expect("cannot run the virtual environment's pip");
        assert!(
            installed.status.success(),
            "pip install {VALIDATOR} failed (PyPI must be reachable): {}",
            String::from_utf8_lossy(&installed.stderr)
        );
    }
    assert!(
        has_it(&python),
        "the validator is not importable from {}",
        python.display()
    );
    python
}

/// The validator's verdict on each PDF for each profile: (file, profile, compliant, failed rules).
const VALIDATE: &str = r#"
import json, sys, page
out = []
for path in sys.argv[2:]:
    for profile in sys.argv[1].split(","):
        r = page.validate_pdf(path, profile=profile)
        out.append({"file": path, "profile": profile, "compliant": r.is_compliant,
                    "failed": sorted({f.rule_id + ": " + f.message for f in r.failures})})
print(json.dumps(out))
"#;

/// The Harbour Lines issue with every heading of its main story one or two
/// levels deeper than it is (`##` → `###`, `###` → `####`): the headings
/// then skip levels in Markdown, which the web edition must not.
fn harbour_with_deeper_headings(dir: &TestDir) -> PathBuf {
    let path = manifest_dir().join("examples/harbour-news-01.json");
    let mut issue: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let layout = manifest_dir().join("layouts/harbour-news.json");
    issue["layout"] = Value::from(layout.to_str().unwrap());
    let mut deepened = 0;
    for story in issue["stories"].as_array_mut().unwrap() {
        let deepen = |line: &str| {
            if line.starts_with("## ") || line.starts_with("### ") {
                format!("#{line}")
            } else {
                line.to_string()
            }
        };
        match &mut story["text"] {
            Value::String(text) => {
                *text = text.lines().map(deepen).collect::<Vec<_>>().join("\n");
                deepened += 1;
            }
            Value::Array(lines) => {
                for line in lines.iter_mut() {
                    if let Value::String(l) = line {
                        *l = deepen(l);
                    }
                }
                deepened += 1;
            }
            _ => {}
        }
    }
    assert!(deepened > 0);
    write_json(dir, "harbour-deeper.json", &issue)
}

/// The heading levels of a web edition's structure tree, in reading order.
fn heading_levels(pdf: &Path) -> Vec<u32> {
    let doc = Document::load(pdf).unwrap();
    structure(&doc)
        .iter()
        .filter_map(|e| e.tag.strip_prefix('H').and_then(|l| l.parse().ok()))
        .collect()
}

#[test]
fn headings_nest_whatever_levels_the_markdown_gives() {
    let dir = TestDir::new("headings_nest_whatever_levels_the_markdown_gives");
    let issue = harbour_with_deeper_headings(&dir);
    let (web, _) = render_both(&dir, &issue, "deeper");
    let levels = heading_levels(&web);
    assert_eq!(
        levels.first(),
        Some(&1),
        "the first heading is not an H1: {levels:?}"
    );
    for pair in levels.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "a heading level is skipped: {levels:?}"
        );
    }
    assert!(
        levels.iter().filter(|&&l| l == 3).count() >= 3,
        "{levels:?}"
    );
}

#[test]
fn every_web_edition_passes_the_independent_validator_for_pdf_ua_1_and_pdf_a_2a() {
    let dir = TestDir::new("every_web_edition_passes_the_independent_validator");
    let python = validator_python();
    let mut pdfs = Vec::new();
    let mut issues = all_issues();
    issues.push(harbour_with_deeper_headings(&dir));
    for issue in issues {
        let name = issue_name(&issue);
        let (web, _) = render_both(&dir, &issue, &name);
        pdfs.push(web);
    }
    let output = Command::new(&python)
        .args(["-c", VALIDATE, "ua1,2a"])
        .args(&pdfs)
        .output()
        .expect("cannot run the validator");
    assert!(
        output.status.success(),
        "the validator failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verdicts: Vec<Value> =
        serde_json::from_slice(&output.stdout).expect("the validator's JSON");
    assert_eq!(verdicts.len(), pdfs.len() * 2);
    let failed: Vec<String> = verdicts
        .iter()
        .filter(|v| v["compliant"] != true)
        .map(|v| format!("{} ({}): {}", v["file"], v["profile"], v["failed"]))
        .collect();
    assert!(
        failed.is_empty(),
        "not compliant:\n  {}",
        failed.join("\n  ")
    );
}
