//! Black that overprints, in the print edition: 100 % K text, and 100 % K
//! rules and strokes no wider than [`THIN`], are painted with an extended
//! graphics state that sets overprint (`/OP true /op true /OPM 1`), so they
//! do not knock out the colours under them (the tint of a sidebar, a photo)
//! and no white halo shows when the plates shift on the press. krilla writes
//! no overprint, so this step rewrites the content streams after it (the
//! document opened with lopdf, each page's stream scanned on every core):
//! before each painting operator it sets overprint on or off as the painted
//! colour and shape want, and copies every other byte as it was. The
//! streams it writes stay uncompressed: [`super::pdfx`] compresses every
//! content stream once, at the end.

use lopdf::{Dictionary, Object, ObjectId, Stream};
use std::borrow::Cow;
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

    // The pages' streams are read on every core, then replaced one by one.
    let pages: Vec<ObjectId> = pdf.get_pages().into_values().collect();
    let rewritten: Vec<Option<Vec<u8>>> = {
        use rayon::prelude::*;
        let contents: Vec<Cow<[u8]>> = pages.iter().map(|&p| page_content(pdf, p)).collect();
        contents.par_iter().map(|c| rewrite(c)).collect()
    };
    let mut forms: BTreeSet<ObjectId> = BTreeSet::new();
    for (page, rewritten) in pages.into_iter().zip(rewritten) {
        let Some(rewritten) = rewritten else {
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
        if let Some(rewritten) = rewrite(&content) {
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

/// A page's content: its one unfiltered stream as it is (what krilla writes
/// for the print edition), or its streams decoded and joined.
fn page_content(pdf: &lopdf::Document, page: ObjectId) -> Cow<'_, [u8]> {
    if let [id] = pdf.get_page_contents(page)[..] {
        if let Ok(stream) = pdf.get_object(id).and_then(Object::as_stream) {
            if !stream.dict.has(b"Filter") {
                return Cow::Borrowed(&stream.content);
            }
        }
    }
    Cow::Owned(pdf.get_page_content(page))
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

/// What a content stream's token is, as far as this step cares.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    /// A number, as written (read only where an operator needs it).
    Number(&'a [u8]),
    /// A name, without its slash.
    Name(&'a [u8]),
    /// Any other operand: a string, an array, a dictionary, a boolean, null.
    Other,
    /// An operator.
    Operator(&'a [u8]),
}

/// Reads a content stream token by token, without building any of it: the
/// rewrite copies the stream's own bytes and only inserts operators.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// PDF's white-space characters.
fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// PDF's delimiters.
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl<'a> Scanner<'a> {
    /// Skips white space and comments.
    fn skip_white(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            if is_white(b) {
                self.at += 1;
            } else if b == b'%' {
                self.skip_comment();
            } else {
                break;
            }
        }
    }

    /// Skips a comment, up to the end of its line.
    fn skip_comment(&mut self) {
        let rest = &self.bytes[self.at..];
        self.at += memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
    }

    /// The regular characters from here.
    fn word(&mut self) -> &'a [u8] {
        let from = self.at;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|&b| !is_white(b) && !is_delimiter(b))
        {
            self.at += 1;
        }
        &self.bytes[from..self.at]
    }

    /// Skips a literal string, its opening parenthesis already read: from
    /// parenthesis to parenthesis (krilla writes a glyph as two octal escapes),
    /// each counting unless an odd run of backslashes escapes it.
    fn skip_string(&mut self) {
        let mut depth = 1;
        while let Some(next) = memchr::memchr2(b'(', b')', &self.bytes[self.at..]) {
            let paren = self.at + next;
            self.at = paren + 1;
            let backslashes = self.bytes[..paren]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            if backslashes % 2 == 1 {
                continue;
            }
            if self.bytes[paren] == b'(' {
                depth += 1;
            } else {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
        }
        self.at = self.bytes.len();
    }

    /// Skips a dictionary up to its `>>`, its `<<` already read, token by
    /// token (a hex string in it holds a `>`).
    fn skip_dictionary(&mut self) {
        loop {
            self.skip_white();
            if self.at >= self.bytes.len() {
                return;
            }
            if self.bytes[self.at..].starts_with(b">>") {
                self.at += 2;
                return;
            }
            self.next_token();
        }
    }

    /// Skips an array, its opening bracket already read, with what it holds
    /// (a page's text is mostly `TJ` arrays). Only a literal string or a
    /// comment can hold a bracket that is not one, so the rest is passed
    /// over up to the next bracket, parenthesis or percent sign.
    fn skip_array(&mut self) {
        let mut depth = 1;
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                b'(' => self.skip_string(),
                b'%' => self.skip_comment(),
                _ => {}
            }
        }
    }

    /// Skips an inline image's data, up to and including its `EI`.
    fn skip_inline_image(&mut self) {
        // The data starts after `ID` and one white-space character.
        while let Some((_, token)) = self.next() {
            if token == Token::Operator(b"ID") {
                break;
            }
        }
        self.at += 1;
        while self.at < self.bytes.len() {
            let ends = self.bytes[self.at..].starts_with(b"EI")
                && self.at > 0
                && is_white(self.bytes[self.at - 1])
                && self.bytes.get(self.at + 2).is_none_or(|&b| is_white(b));
            self.at += 1;
            if ends {
                self.at += 1;
                return;
            }
        }
    }

    /// The token here (white space already skipped), or `None` at the end.
    fn next_token(&mut self) -> Option<Token<'a>> {
        let &b = self.bytes.get(self.at)?;
        Some(match b {
            b'(' => {
                self.at += 1;
                self.skip_string();
                Token::Other
            }
            b'<' if self.bytes.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                self.skip_dictionary();
                Token::Other
            }
            b'<' => {
                // A hex string holds no `>` but its end.
                self.at = memchr::memchr(b'>', &self.bytes[self.at..])
                    .map_or(self.bytes.len(), |end| self.at + end + 1);
                Token::Other
            }
            b'[' => {
                self.at += 1;
                self.skip_array();
                Token::Other
            }
            b'/' => {
                self.at += 1;
                Token::Name(self.word())
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => Token::Number(self.word()),
            _ if is_delimiter(b) => {
                // A stray closing delimiter: nothing to read.
                self.at += 1;
                Token::Other
            }
            _ => match self.word() {
                b"true" | b"false" | b"null" => Token::Other,
                op => Token::Operator(op),
            },
        })
    }

    /// The next token and where it starts, or `None` at the end.
    fn next(&mut self) -> Option<(usize, Token<'a>)> {
        self.skip_white();
        let start = self.at;
        let token = self.next_token()?;
        if token == Token::Operator(b"BI") {
            self.skip_inline_image();
        }
        Some((start, token))
    }
}

/// A content stream with overprint set where black wants it; `None` if
/// nothing in it overprints (the stream is left as it is). The stream's
/// bytes are copied as they are, with `/MqOverprint gs` or `/MqKnockout gs`
/// inserted before the operands of a painting operator where the state
/// must change.
fn rewrite(content: &[u8]) -> Option<Vec<u8>> {
    let mut scanner = Scanner {
        bytes: content,
        at: 0,
    };
    // Room for the stream and for some of the operators inserted.
    let mut out: Vec<u8> = Vec::with_capacity(content.len() + content.len() / 32);
    let mut copied = 0;
    let mut changed = false;
    let mut state = State::default();
    let mut saved: Vec<State> = Vec::new();
    let mut path = Extent::new();
    // The operands of the operator to come, and where the first starts.
    let mut operands: Vec<&[u8]> = Vec::new();
    let mut numbers: Vec<f32> = Vec::new();
    let mut name: Option<&[u8]> = None;
    let mut operands_start: Option<usize> = None;
    while let Some((start, token)) = scanner.next() {
        let op = match token {
            Token::Operator(op) => op,
            operand => {
                operands_start.get_or_insert(start);
                match operand {
                    Token::Number(n) => operands.push(n),
                    Token::Name(n) => {
                        name.get_or_insert(n);
                    }
                    _ => {}
                }
                continue;
            }
        };
        numbers.clear();
        if reads_numbers(op) {
            numbers.extend(
                operands
                    .iter()
                    .filter_map(|n| std::str::from_utf8(n).ok()?.parse::<f32>().ok()),
            );
        }
        let paints = state.follow(op, &numbers, name, &mut saved, &mut path);
        if let Some(want) = paints {
            if want != state.overprint {
                let at = operands_start.unwrap_or(start);
                out.extend_from_slice(&content[copied..at]);
                out.push(b'/');
                out.extend_from_slice(if want { OVERPRINT } else { KNOCKOUT });
                out.extend_from_slice(b" gs\n");
                copied = at;
                changed = true;
                state.overprint = want;
            }
        }
        if matches!(
            op,
            b"f" | b"F" | b"f*" | b"S" | b"s" | b"B" | b"B*" | b"b" | b"b*" | b"n"
        ) {
            path = Extent::new();
        }
        operands.clear();
        name = None;
        operands_start = None;
    }
    if !changed {
        return None;
    }
    out.extend_from_slice(&content[copied..]);
    Some(out)
}

/// Whether [`State::follow`] reads the numbers given to this operator.
fn reads_numbers(op: &[u8]) -> bool {
    matches!(
        op,
        b"cm"
            | b"w"
            | b"k"
            | b"K"
            | b"g"
            | b"G"
            | b"rg"
            | b"RG"
            | b"sc"
            | b"scn"
            | b"SC"
            | b"SCN"
            | b"m"
            | b"l"
            | b"c"
            | b"v"
            | b"y"
            | b"re"
    )
}

impl State {
    /// Follows one operator with its number operands and first name
    /// operand; for a painting operator, whether it should overprint.
    fn follow(
        &mut self,
        op: &[u8],
        numbers: &[f32],
        name: Option<&[u8]>,
        saved: &mut Vec<State>,
        path: &mut Extent,
    ) -> Option<bool> {
        match op {
            b"q" => saved.push(self.clone()),
            b"Q" => {
                if let Some(s) = saved.pop() {
                    *self = s;
                }
            }
            b"cm" => {
                if let [a, b, c, d, e, f] = numbers[..] {
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
            b"w" => {
                if let Some(&w) = numbers.first() {
                    self.line_width = w;
                }
            }
            b"k" | b"K" | b"g" | b"G" | b"rg" | b"RG" => {
                let paint = Paint {
                    cmyk: matches!(op, b"k" | b"K"),
                    components: numbers.to_vec(),
                };
                if op[0].is_ascii_lowercase() {
                    self.fill = paint;
                } else {
                    self.stroke = paint;
                }
            }
            b"cs" | b"CS" => {
                let cmyk = name == Some(b"DeviceCMYK");
                let paint = Paint {
                    cmyk,
                    components: if cmyk {
                        vec![0.0, 0.0, 0.0, 1.0]
                    } else {
                        vec![0.0]
                    },
                };
                if op == b"cs" {
                    self.fill = paint;
                } else {
                    self.stroke = paint;
                }
            }
            b"sc" | b"scn" => self.fill.components = numbers.to_vec(),
            b"SC" | b"SCN" => self.stroke.components = numbers.to_vec(),
            // krilla's own graphics states (`gs`) set opacity, never overprint.
            b"m" | b"l" | b"c" | b"v" | b"y" => {
                for pair in numbers.chunks_exact(2) {
                    path.add(self.apply(pair[0], pair[1]));
                }
            }
            b"re" => {
                if let [x, y, w, h] = numbers[..] {
                    for (px, py) in [(x, y), (x + w, y), (x, y + h), (x + w, y + h)] {
                        path.add(self.apply(px, py));
                    }
                }
            }
            b"Tj" | b"TJ" | b"'" | b"\"" => return Some(self.fill.is_pure_black()),
            b"f" | b"F" | b"f*" => return Some(self.fill.is_pure_black() && path.is_thin()),
            b"S" | b"s" => return Some(self.strokes_thin_black()),
            b"B" | b"B*" | b"b" | b"b*" => {
                return Some(
                    self.fill.is_pure_black() && path.is_thin() && self.strokes_thin_black(),
                )
            }
            b"sh" | b"Do" | b"BI" => return Some(false),
            _ => {}
        }
        None
    }

    /// Whether a stroke now would be 100 % K and thin.
    fn strokes_thin_black(&self) -> bool {
        self.stroke.is_pure_black() && self.line_width * self.scale() <= THIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(content: &str) -> String {
        rewrite(content.as_bytes())
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

    /// An array is passed over whole, whatever brackets its strings,
    /// comments and inner arrays hold, and its hex strings too.
    #[test]
    fn an_array_ends_at_its_own_closing_bracket() {
        let src = b"[(a]b\\)c) (\\\\) (\\\\\\)]) ((x)\\\\) [1 [2]] <00ff> << /K (]) >> %c]\n 4] TJ <0a]> Tj 0 0 0 1 k";
        let mut scanner = Scanner { bytes: src, at: 0 };
        let tokens: Vec<Token> = std::iter::from_fn(|| scanner.next().map(|(_, t)| t)).collect();
        assert_eq!(
            tokens,
            [
                Token::Other,
                Token::Operator(b"TJ"),
                Token::Other,
                Token::Operator(b"Tj"),
                Token::Number(b"0"),
                Token::Number(b"0"),
                Token::Number(b"0"),
                Token::Number(b"1"),
                Token::Operator(b"k"),
            ]
        );
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
    fn strings_arrays_and_dictionaries_are_read_whole_and_copied_as_they_are() {
        let src = "/Span <</MCID 3 /ActualText (a \\) k) >> BDC 0 0 0 1 k BT [(x\\)) 12 (y (z) 0 0 1 k)] TJ ET EMC";
        let out = rewritten(src);
        assert_eq!(out.replace("/MqOverprint gs\n", ""), src, "{out}");
        let on = out.find("/MqOverprint gs").expect(&out);
        assert!(
            on > out.find("BT").unwrap() && on < out.find("[(x").unwrap(),
            "{out}"
        );
        assert_eq!(out.matches(" gs").count(), 1, "{out}");
    }

    #[test]
    fn an_inline_image_is_skipped_and_knocks_out() {
        let out = rewritten("0 0 0 1 k BT (a) Tj ET BI /W 1 /H 1 ID \x01Tj) EI (b) Tj");
        assert_eq!(out.matches("/MqOverprint gs").count(), 2, "{out}");
        assert_eq!(out.matches("/MqKnockout gs").count(), 1, "{out}");
        assert!(
            out.find("/MqKnockout gs").unwrap() < out.find("BI").unwrap(),
            "{out}"
        );
    }

    #[test]
    fn rich_black_and_tints_are_left_alone() {
        assert_eq!(rewritten("0.6 0.4 0.4 1 k BT (a) Tj ET"), "");
        assert_eq!(rewritten("0 0 0 0.5 k 0 0 100 1 re f"), "");
    }
}
