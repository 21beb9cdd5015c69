//! Black that overprints, in the print edition: 100 % K text, and 100 % K
//! rules and strokes no wider than [`THIN`], are painted with an extended
//! graphics state that sets overprint (`/OP true /op true /OPM 1`), so they
//! do not knock out the colours under them (the tint of a sidebar, a photo)
//! and no white halo shows when the plates shift on the press. krilla writes
//! no overprint, so this step rewrites the content streams after it, with
//! lopdf: before each painting operator it sets overprint on or off as the
//! painted colour and shape want, and leaves everything else as it was.
//! The streams it writes stay uncompressed: [`super::pdfx`] compresses every
//! content stream once, at the end.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, ObjectId, Stream};
use std::collections::{BTreeSet, HashSet};

/// The widest rule or stroke that overprints, in points: a thin line is
/// what a misregistration of a tenth of a millimetre spoils; a wider black
/// area knocks out, as rich black and large solids should.
pub const THIN: f32 = 2.0;

/// The resource name of the graphics state that sets overprint.
const OVERPRINT: &[u8] = b"MqOverprint";
/// The resource name of the graphics state that sets knock-out (the default).
const KNOCKOUT: &[u8] = b"MqKnockout";

/// A colour as the content stream sets it.
#[derive(Debug, Clone, PartialEq)]
struct Paint {
    /// Whether its space is DeviceCMYK.
    cmyk: bool,
    /// Its components.
    components: Vec<f32>,
}

impl Paint {
    /// The initial colour: black in DeviceGray.
    fn initial() -> Paint {
        Paint {
            cmyk: false,
            components: vec![0.0],
        }
    }

    /// Whether it is 100 % K and nothing else.
    fn is_pure_black(&self) -> bool {
        // krilla writes components in 1/255 steps.
        const EPSILON: f32 = 0.5 / 255.0;
        self.cmyk
            && matches!(self.components[..], [c, m, y, k]
                if c < EPSILON && m < EPSILON && y < EPSILON && k > 1.0 - EPSILON)
    }
}

/// The graphics state this step follows.
#[derive(Debug, Clone)]
struct State {
    fill: Paint,
    stroke: Paint,
    /// The current transformation matrix.
    ctm: [f32; 6],
    line_width: f32,
    /// Whether overprint is set.
    overprint: bool,
}

impl Default for State {
    fn default() -> State {
        State {
            fill: Paint::initial(),
            stroke: Paint::initial(),
            ctm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            line_width: 1.0,
            overprint: false,
        }
    }
}

impl State {
    /// A point in page space.
    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.ctm;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// How much lengths grow from user space to page space (on average).
    fn scale(&self) -> f32 {
        let [a, b, c, d, ..] = self.ctm;
        (a * d - b * c).abs().sqrt()
    }
}

/// The page-space bounding box of the path being built.
#[derive(Debug, Clone, Copy, Default)]
struct Extent {
    min: (f32, f32),
    max: (f32, f32),
    empty: bool,
}

impl Extent {
    fn new() -> Extent {
        Extent {
            empty: true,
            ..Extent::default()
        }
    }

    fn add(&mut self, (x, y): (f32, f32)) {
        if self.empty {
            *self = Extent {
                min: (x, y),
                max: (x, y),
                empty: false,
            };
        } else {
            self.min = (self.min.0.min(x), self.min.1.min(y));
            self.max = (self.max.0.max(x), self.max.1.max(y));
        }
    }

    /// Whether it is no wider than [`THIN`] one way or the other.
    fn is_thin(&self) -> bool {
        !self.empty && (self.max.0 - self.min.0).min(self.max.1 - self.min.1) <= THIN
    }
}

/// Makes 100 % black text and thin rules overprint on every page of `pdf`
/// and in the drawings (form XObjects) the pages use.
pub fn overprint_black(pdf: &mut lopdf::Document) -> lopdf::Result<()> {
    let mut on = Dictionary::new();
    on.set("Type", Object::Name(b"ExtGState".to_vec()));
    on.set("OP", true);
    on.set("op", true);
    on.set("OPM", 1);
    let mut off = Dictionary::new();
    off.set("Type", Object::Name(b"ExtGState".to_vec()));
    off.set("OP", false);
    off.set("op", false);
    off.set("OPM", 0);
    let states = (pdf.add_object(on), pdf.add_object(off));

    let mut forms: BTreeSet<ObjectId> = BTreeSet::new();
    for page in pdf.get_pages().into_values() {
        let content = pdf.get_page_content(page);
        let Some(rewritten) = rewrite(&content)? else {
            collect_forms(pdf, page, &mut forms);
            continue;
        };
        // The page's content streams, made one with the new content.
        let old = pdf.get_page_contents(page);
        let stream = Stream::new(Dictionary::new(), rewritten);
        let contents = match old.first() {
            Some(&first) => {
                *pdf.get_object_mut(first)? = Object::Stream(stream);
                first
            }
            None => pdf.add_object(stream),
        };
        for id in old.iter().skip(1) {
            pdf.objects.remove(id);
        }
        pdf.get_dictionary_mut(page)?
            .set("Contents", Object::Reference(contents));
        add_states(pdf, page, states)?;
        collect_forms(pdf, page, &mut forms);
    }
    let mut done: HashSet<ObjectId> = HashSet::new();
    while let Some(form) = forms.pop_first() {
        if !done.insert(form) {
            continue;
        }
        let content = {
            let stream = pdf.get_object(form).and_then(Object::as_stream)?;
            stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone())
        };
        if let Some(rewritten) = rewrite(&content)? {
            let stream = pdf.get_object_mut(form).and_then(Object::as_stream_mut)?;
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(rewritten);
            add_states(pdf, form, states)?;
        }
        collect_forms(pdf, form, &mut forms);
    }
    Ok(())
}

/// The resources of a page or a form (its own dictionary, made if missing;
/// a page's inherited resources are copied onto it).
fn resources_mut(pdf: &mut lopdf::Document, owner: ObjectId) -> lopdf::Result<&mut Dictionary> {
    let inherited = match pdf.get_object(owner)? {
        Object::Dictionary(d) if !d.has(b"Resources") => {
            pdf.get_page_resources(owner).ok().and_then(|(dict, ids)| {
                dict.cloned().or_else(|| {
                    ids.first()
                        .and_then(|id| pdf.get_dictionary(*id).ok().cloned())
                })
            })
        }
        _ => None,
    };
    let resources_id = {
        let dict = match pdf.get_object_mut(owner)? {
            Object::Stream(s) => &mut s.dict,
            other => other.as_dict_mut()?,
        };
        if !dict.has(b"Resources") {
            dict.set("Resources", inherited.unwrap_or_default());
        }
        match dict.get(b"Resources")? {
            Object::Reference(id) => Some(*id),
            _ => None,
        }
    };
    match resources_id {
        Some(id) => pdf.get_dictionary_mut(id),
        None => {
            let dict = match pdf.get_object_mut(owner)? {
                Object::Stream(s) => &mut s.dict,
                other => other.as_dict_mut()?,
            };
            dict.get_mut(b"Resources")?.as_dict_mut()
        }
    }
}

/// Adds the two graphics states to the resources of a page or a form.
fn add_states(
    pdf: &mut lopdf::Document,
    owner: ObjectId,
    (on, off): (ObjectId, ObjectId),
) -> lopdf::Result<()> {
    let resources = resources_mut(pdf, owner)?;
    let states_id = match resources.get(b"ExtGState") {
        Ok(Object::Reference(id)) => Some(*id),
        Ok(_) => None,
        Err(_) => {
            resources.set("ExtGState", Dictionary::new());
            None
        }
    };
    let states = match states_id {
        Some(id) => pdf.get_dictionary_mut(id)?,
        None => resources_mut(pdf, owner)?
            .get_mut(b"ExtGState")?
            .as_dict_mut()?,
    };
    states.set(OVERPRINT, Object::Reference(on));
    states.set(KNOCKOUT, Object::Reference(off));
    Ok(())
}

/// Adds the form XObjects a page or a form uses to `into`.
fn collect_forms(pdf: &lopdf::Document, owner: ObjectId, into: &mut BTreeSet<ObjectId>) {
    let resources = match pdf.get_object(owner) {
        Ok(Object::Stream(s)) => s.dict.get(b"Resources").ok(),
        Ok(Object::Dictionary(_)) => None,
        _ => return,
    };
    let resources: Option<&Dictionary> = match resources {
        Some(r) => pdf.dereference(r).ok().and_then(|(_, o)| o.as_dict().ok()),
        None => pdf.get_page_resources(owner).ok().and_then(|(dict, ids)| {
            dict.or_else(|| ids.first().and_then(|id| pdf.get_dictionary(*id).ok()))
        }),
    };
    let Some(xobjects) = resources
        .and_then(|r| r.get(b"XObject").ok())
        .and_then(|x| pdf.dereference(x).ok())
        .and_then(|(_, o)| o.as_dict().ok())
    else {
        return;
    };
    for (_, value) in xobjects.iter() {
        if let Ok(id) = value.as_reference() {
            let is_form = pdf
                .get_object(id)
                .and_then(Object::as_stream)
                .is_ok_and(|s| {
                    s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form")
                });
            if is_form {
                into.insert(id);
            }
        }
    }
}

/// A number operand.
fn number(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

/// The numbers among the operands.
fn numbers(operands: &[Object]) -> Vec<f32> {
    operands.iter().filter_map(number).collect()
}

/// A content stream with overprint set where black wants it; `None` if
/// nothing in it overprints (the stream is left as it is).
fn rewrite(content: &[u8]) -> lopdf::Result<Option<Vec<u8>>> {
    let content = Content::decode(content)?;
    let mut out: Vec<Operation> = Vec::with_capacity(content.operations.len() + 16);
    let mut state = State::default();
    let mut saved: Vec<State> = Vec::new();
    let mut path = Extent::new();
    let mut changed = false;
    for op in content.operations {
        let operands = &op.operands;
        // Whether this operator paints, and if so whether it should overprint.
        let paints: Option<bool> = match op.operator.as_str() {
            "q" => {
                saved.push(state.clone());
                None
            }
            "Q" => {
                if let Some(s) = saved.pop() {
                    state = s;
                }
                None
            }
            "cm" => {
                if let [a, b, c, d, e, f] = numbers(operands)[..] {
                    let [a0, b0, c0, d0, e0, f0] = state.ctm;
                    state.ctm = [
                        a * a0 + b * c0,
                        a * b0 + b * d0,
                        c * a0 + d * c0,
                        c * b0 + d * d0,
                        e * a0 + f * c0 + e0,
                        e * b0 + f * d0 + f0,
                    ];
                }
                None
            }
            "w" => {
                if let Some(w) = operands.first().and_then(number) {
                    state.line_width = w;
                }
                None
            }
            "k" | "K" | "g" | "G" | "rg" | "RG" => {
                let paint = Paint {
                    cmyk: matches!(op.operator.as_str(), "k" | "K"),
                    components: numbers(operands),
                };
                if op.operator.chars().all(char::is_lowercase) {
                    state.fill = paint;
                } else {
                    state.stroke = paint;
                }
                None
            }
            "cs" | "CS" => {
                let cmyk = operands.first().and_then(|o| o.as_name().ok()) == Some(b"DeviceCMYK");
                let paint = Paint {
                    cmyk,
                    components: if cmyk {
                        vec![0.0, 0.0, 0.0, 1.0]
                    } else {
                        vec![0.0]
                    },
                };
                if op.operator == "cs" {
                    state.fill = paint;
                } else {
                    state.stroke = paint;
                }
                None
            }
            "sc" | "scn" => {
                state.fill.components = numbers(operands);
                None
            }
            "SC" | "SCN" => {
                state.stroke.components = numbers(operands);
                None
            }
            "gs" => {
                // krilla's own graphics states set opacity, never overprint.
                None
            }
            "m" | "l" => {
                if let [x, y] = numbers(operands)[..] {
                    path.add(state.apply(x, y));
                }
                None
            }
            "c" | "v" | "y" => {
                for pair in numbers(operands).chunks(2) {
                    if let [x, y] = pair {
                        path.add(state.apply(*x, *y));
                    }
                }
                None
            }
            "re" => {
                if let [x, y, w, h] = numbers(operands)[..] {
                    for (px, py) in [(x, y), (x + w, y), (x, y + h), (x + w, y + h)] {
                        path.add(state.apply(px, py));
                    }
                }
                None
            }
            "Tj" | "TJ" | "'" | "\"" => Some(state.fill.is_pure_black()),
            "f" | "F" | "f*" => Some(state.fill.is_pure_black() && path.is_thin()),
            "S" | "s" => {
                Some(state.stroke.is_pure_black() && state.line_width * state.scale() <= THIN)
            }
            "B" | "B*" | "b" | "b*" => Some(
                state.fill.is_pure_black()
                    && path.is_thin()
                    && state.stroke.is_pure_black()
                    && state.line_width * state.scale() <= THIN,
            ),
            "sh" | "Do" | "BI" => Some(false),
            _ => None,
        };
        if let Some(want) = paints {
            if want != state.overprint {
                let name = if want { OVERPRINT } else { KNOCKOUT };
                out.push(Operation::new("gs", vec![Object::Name(name.to_vec())]));
                state.overprint = want;
                changed = true;
            }
        }
        let ends_path = matches!(
            op.operator.as_str(),
            "f" | "F" | "f*" | "S" | "s" | "B" | "B*" | "b" | "b*" | "n"
        );
        out.push(op);
        if ends_path {
            path = Extent::new();
        }
    }
    if !changed {
        return Ok(None);
    }
    Content { operations: out }.encode().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(content: &str) -> String {
        rewrite(content.as_bytes())
            .unwrap()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    #[test]
    fn black_text_overprints_and_coloured_text_knocks_out() {
        let out = rewritten(
            "q 0 0 0 1 k BT /f0 10 Tf (a) Tj ET Q q 0.5 0 0 0 k BT /f0 10 Tf (b) Tj ET Q",
        );
        let on = out.find("/MqOverprint gs").expect(&out);
        assert!(on < out.find("(a)").unwrap(), "{out}");
        // After Q the state is knock-out again: nothing to set before (b).
        assert_eq!(out.matches(" gs").count(), 1, "{out}");
    }

    #[test]
    fn a_thin_black_rule_overprints_a_black_box_does_not() {
        let out = rewritten("0 0 0 1 k 10 10 100 0.5 re f 0 0 0 1 k 10 10 100 50 re f");
        let on = out.find("/MqOverprint gs").expect(&out);
        let off = out.find("/MqKnockout gs").expect(&out);
        assert!(on < off, "{out}");
        assert_eq!(out.matches(" gs").count(), 2, "{out}");
    }

    #[test]
    fn rich_black_and_tints_are_left_alone() {
        assert_eq!(rewritten("0.6 0.4 0.4 1 k BT (a) Tj ET"), "");
        assert_eq!(rewritten("0 0 0 0.5 k 0 0 100 1 re f"), "");
    }
}
