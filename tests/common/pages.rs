//! A page's content as its operators draw it — colour spaces and colours,
//! fonts, the text shown, marked content — and the structure tree of a
//! tagged PDF with the text each element marks: read through qpdf (objects
//! and decoded streams), never through the engine's own code.

// Not every test crate that includes `common` reads pages.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::content::{operations, Operand, ToUnicode};
use super::qpdf::{pdf_string, stream_data, QpdfJson};

/// A colour space as the content stream selects it.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    /// Its family, e.g. `DeviceGray`, `ICCBased`, `Separation`.
    pub family: String,
    /// How many components a colour in it has.
    pub components: usize,
    /// The ICC profile's stream ("12 0 R"), or the separation's colorant.
    pub detail: String,
}

impl Space {
    /// A device colour space (`DeviceGray`, `DeviceRGB`, `DeviceCMYK`).
    pub fn device(family: &str) -> Space {
        let components = match family {
            "DeviceGray" | "G" => 1,
            "DeviceRGB" | "RGB" => 3,
            "DeviceCMYK" | "CMYK" => 4,
            _ => 0,
        };
        Space {
            family: family.to_string(),
            components,
            detail: String::new(),
        }
    }
}

/// A string of glyphs a page shows, with the font and fill colour it is shown in.
#[derive(Debug)]
pub struct Shown {
    /// The font's /BaseFont, e.g. `/ABCDEF+EBGaramond12-Regular`.
    pub font: String,
    /// The font size set by `Tf`.
    pub size: f64,
    /// The fill colour space.
    pub space: Space,
    /// The fill colour's components.
    pub colour: Vec<f64>,
    /// The text, through the font's ToUnicode map.
    pub text: String,
}

/// A marked-content sequence: its tag, its MCID if it has one, and its
/// text (its /ActualText if it has one, else the text shown in it).
#[derive(Debug)]
pub struct Marked {
    /// The tag without its slash: `Artifact`, `Span`, `P`…
    pub tag: String,
    /// The marked-content identifier the structure tree refers to.
    pub mcid: Option<i64>,
    /// The /ActualText of its properties.
    pub actual_text: Option<String>,
    /// Its text, the nested sequences' included.
    pub text: String,
}

/// What one page's content stream does, operator by operator.
#[derive(Debug, Default)]
pub struct PageContent {
    /// The decoded content stream.
    pub bytes: Vec<u8>,
    /// Each colour-setting operator that names a space (`cs`, `CS`, `rg`, `k`…) and the space.
    pub colour_ops: Vec<(String, Space)>,
    /// Each string of glyphs shown.
    pub shown: Vec<Shown>,
    /// Each marked-content sequence, closed in order.
    pub marked: Vec<Marked>,
}

/// `key` of a page, inherited from its parents if the page lacks it.
fn inherited<'a>(json: &'a QpdfJson, page: &'a Value, key: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    let mut node = page;
    for _ in 0..32 {
        if !node[key].is_null() {
            return json.resolve(&node[key]);
        }
        node = json.get(node, "/Parent");
        if node.is_null() {
            break;
        }
    }
    &NULL
}

/// The colour space a resource value (a name or an array) describes.
fn space_of(json: &QpdfJson, value: &Value) -> Space {
    match json.resolve(value) {
        Value::String(name) => Space::device(name.trim_start_matches('/')),
        Value::Array(items) => {
            let family = items[0].as_str().unwrap_or("").trim_start_matches('/');
            let (components, detail) = match family {
                "ICCBased" => {
                    let profile = items[1].as_str().unwrap_or("").to_string();
                    let n = json.object(&profile)["/N"].as_u64().unwrap_or(0) as usize;
                    (n, profile)
                }
                "Separation" => (1, items[1].as_str().unwrap_or("").to_string()),
                "DeviceN" => (
                    json.resolve(&items[1]).as_array().map_or(0, Vec::len),
                    String::new(),
                ),
                "Indexed" | "CalGray" => (1, String::new()),
                "CalRGB" | "Lab" => (3, String::new()),
                _ => (0, String::new()),
            };
            Space {
                family: family.to_string(),
                components,
                detail,
            }
        }
        other => panic!("cannot read the colour space {other}"),
    }
}

/// Reads page `index` (from 0): its content stream through qpdf, interpreted
/// with its resources (colour spaces, and fonts with their ToUnicode maps).
pub fn page_content(pdf: &Path, json: &QpdfJson, index: usize) -> PageContent {
    let page = json.pages()[index];
    let resources = inherited(json, page, "/Resources");
    let contents: Vec<&str> = match json.resolve(&page["/Contents"]) {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => page["/Contents"].as_str().into_iter().collect(),
    };
    let mut bytes = Vec::new();
    for stream in contents {
        bytes.extend(stream_data(pdf, stream));
        bytes.push(b'\n');
    }

    let mut fonts: HashMap<String, (String, ToUnicode)> = HashMap::new();
    if let Value::Object(entries) = json.get(resources, "/Font") {
        for (name, font) in entries {
            let font = json.resolve(font);
            let base = font["/BaseFont"].as_str().unwrap_or("").to_string();
            let cmap = match font["/ToUnicode"].as_str() {
                Some(stream) => ToUnicode::parse(&stream_data(pdf, stream)),
                None => ToUnicode::parse(b""),
            };
            fonts.insert(name.trim_start_matches('/').to_string(), (base, cmap));
        }
    }
    let space = |name: &str| match name {
        "DeviceGray" | "DeviceRGB" | "DeviceCMYK" | "Pattern" => Space::device(name),
        _ => {
            let value = json.get(json.get(resources, "/ColorSpace"), &format!("/{name}"));
            assert!(
                !value.is_null(),
                "page {} uses an undefined colour space /{name}",
                index + 1
            );
            space_of(json, value)
        }
    };

    let mut content = interpret(&bytes, space, &fonts);
    content.bytes = bytes;
    content
}

/// Follows a content stream's operators: graphics state (fill colour, font),
/// colour operators, text shown and marked content.
fn interpret(
    bytes: &[u8],
    space: impl Fn(&str) -> Space,
    fonts: &HashMap<String, (String, ToUnicode)>,
) -> PageContent {
    #[derive(Clone)]
    struct State {
        fill_space: Space,
        fill: Vec<f64>,
        font: String,
        size: f64,
    }
    let mut state = State {
        fill_space: Space::device("DeviceGray"),
        fill: vec![0.0],
        font: String::new(),
        size: 0.0,
    };
    let mut saved = Vec::new();
    let mut open: Vec<Marked> = Vec::new();
    let mut out = PageContent::default();
    for op in operations(bytes) {
        let numbers: Vec<f64> = op.operands.iter().filter_map(Operand::number).collect();
        let first_name = op.operands.first().and_then(Operand::name).unwrap_or("");
        match op.operator.as_str() {
            "q" => saved.push(state.clone()),
            "Q" => state = saved.pop().unwrap_or(state),
            "cs" | "CS" => {
                let selected = space(first_name);
                if op.operator == "cs" {
                    state.fill = vec![0.0; selected.components];
                    state.fill_space = selected.clone();
                }
                out.colour_ops.push((op.operator.clone(), selected));
            }
            "sc" | "scn" => state.fill = numbers,
            "g" | "rg" | "k" | "G" | "RG" | "K" => {
                let family = match op.operator.to_ascii_lowercase().as_str() {
                    "g" => "DeviceGray",
                    "rg" => "DeviceRGB",
                    _ => "DeviceCMYK",
                };
                if op.operator.chars().all(|c| c.is_ascii_lowercase()) {
                    state.fill_space = Space::device(family);
                    state.fill = numbers;
                }
                out.colour_ops
                    .push((op.operator.clone(), Space::device(family)));
            }
            "Tf" => {
                state.font = first_name.to_string();
                state.size = numbers.first().copied().unwrap_or(0.0);
            }
            "Tj" | "TJ" | "'" | "\"" => {
                let (base, text) = match fonts.get(&state.font) {
                    Some((base, cmap)) => {
                        let text: String = match op.operands.last() {
                            Some(Operand::String(s)) => cmap.decode(s),
                            Some(Operand::Array(items)) => items
                                .iter()
                                .filter_map(|item| match item {
                                    Operand::String(s) => Some(cmap.decode(s)),
                                    _ => None,
                                })
                                .collect(),
                            _ => String::new(),
                        };
                        (base.clone(), text)
                    }
                    None => (format!("(unknown font /{})", state.font), String::new()),
                };
                if let Some(marked) = open.last_mut() {
                    marked.text.push_str(&text);
                }
                out.shown.push(Shown {
                    font: base,
                    size: state.size,
                    space: state.fill_space.clone(),
                    colour: state.fill.clone(),
                    text,
                });
            }
            "BMC" | "BDC" => {
                let properties = op.operands.get(1);
                open.push(Marked {
                    tag: first_name.to_string(),
                    mcid: properties
                        .and_then(|p| p.entry("MCID"))
                        .and_then(Operand::number)
                        .map(|n| n as i64),
                    actual_text: match properties.and_then(|p| p.entry("ActualText")) {
                        Some(Operand::String(s)) => Some(text_string(s)),
                        _ => None,
                    },
                    text: String::new(),
                });
            }
            "EMC" => {
                if let Some(mut marked) = open.pop() {
                    if let Some(actual) = marked.actual_text.clone() {
                        marked.text = actual;
                    }
                    if let Some(parent) = open.last_mut() {
                        parent.text.push_str(&marked.text);
                    }
                    out.marked.push(marked);
                }
            }
            _ => {}
        }
    }
    out
}

/// A PDF text string: UTF-16BE after a byte order mark, else (about) PDFDocEncoding.
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A structure element of a tagged PDF.
#[derive(Debug)]
pub struct Element {
    /// Its type (`/S`), without the slash: `H1`, `P`, `Figure`…
    pub tag: String,
    /// Its title (`/T`), if it has one.
    pub title: Option<String>,
    /// Its alternative text (`/Alt`), if it has one.
    pub alt: Option<String>,
    /// The text shown by the content it marks, its descendants' included.
    pub text: String,
}

/// The structure tree's elements in document (reading) order, depth first,
/// each with the text of the marked content it refers to.
pub fn structure_elements(pdf: &Path, json: &QpdfJson) -> Vec<Element> {
    let mut texts: HashMap<(String, i64), String> = HashMap::new();
    for (i, page) in json.page_references().into_iter().enumerate() {
        for marked in page_content(pdf, json, i).marked {
            if let Some(mcid) = marked.mcid {
                texts.insert((page.to_string(), mcid), marked.text);
            }
        }
    }
    let root = json.get(json.catalog(), "/StructTreeRoot");
    assert!(root.is_object(), "the catalog has no /StructTreeRoot");
    let mut elements = Vec::new();
    collect_elements(json, &root["/K"], None, &texts, &mut elements);
    elements
}

/// Adds the structure elements under `node` to `out`; returns the text `node` marks.
fn collect_elements(
    json: &QpdfJson,
    node: &Value,
    page: Option<&str>,
    texts: &HashMap<(String, i64), String>,
    out: &mut Vec<Element>,
) -> String {
    let text_of = |page: Option<&str>, mcid: Option<i64>| match (page, mcid) {
        (Some(page), Some(mcid)) => texts
            .get(&(page.to_string(), mcid))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    match node {
        Value::Number(mcid) => text_of(page, mcid.as_i64()),
        Value::Array(kids) => kids
            .iter()
            .map(|kid| collect_elements(json, kid, page, texts, out))
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Value::String(reference) if reference.ends_with(" R") => {
            collect_elements(json, json.resolve(node), page, texts, out)
        }
        Value::Object(dict) => {
            let page = dict.get("/Pg").and_then(Value::as_str).or(page);
            if let Some(tag) = dict.get("/S").and_then(Value::as_str) {
                let index = out.len();
                out.push(Element {
                    tag: tag.trim_start_matches('/').to_string(),
                    title: dict.get("/T").and_then(pdf_string),
                    alt: dict.get("/Alt").and_then(pdf_string),
                    text: String::new(),
                });
                let kids = dict.get("/K").unwrap_or(&Value::Null);
                let text = collect_elements(json, kids, page, texts, out);
                out[index].text = text.clone();
                text
            } else if dict.get("/Type").and_then(Value::as_str) == Some("/MCR") {
                text_of(page, dict.get("/MCID").and_then(Value::as_i64))
            } else {
                String::new()
            }
        }
        _ => String::new(),
    }
}

/// The structure tree's ParentTree (a number tree) as key → value.
pub fn parent_tree(json: &QpdfJson) -> HashMap<i64, &Value> {
    fn walk<'a>(json: &'a QpdfJson, node: &'a Value, into: &mut HashMap<i64, &'a Value>) {
        let node = json.resolve(node);
        if let Some(nums) = node["/Nums"].as_array() {
            for pair in nums.chunks(2) {
                if let [key, value] = pair {
                    into.insert(key.as_i64().expect("a ParentTree key"), value);
                }
            }
        }
        for kid in node["/Kids"].as_array().into_iter().flatten() {
            walk(json, kid, into);
        }
    }
    let mut map = HashMap::new();
    let root = json.get(json.catalog(), "/StructTreeRoot");
    walk(json, &root["/ParentTree"], &mut map);
    map
}
