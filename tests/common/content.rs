//! Reading PDF content streams (and ToUnicode CMaps, which share their
//! syntax) as operators and operands, after qpdf has decoded them: enough to
//! follow colours, fonts, marked content and the text each shows.

// Not every test crate that includes `common` reads content streams.
#![allow(dead_code)]

use std::collections::HashMap;

/// An operand of a content-stream operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Number(f64),
    Name(String),
    String(Vec<u8>),
    Array(Vec<Operand>),
    Dict(Vec<(String, Operand)>),
    /// `true`, `false`, `null`, or a keyword inside an array or dictionary.
    Keyword(String),
}

impl Operand {
    /// The number, if it is one.
    pub fn number(&self) -> Option<f64> {
        match self {
            Operand::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The name without its slash, if it is one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Operand::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The entry `key` (without slash) of a dictionary operand.
    pub fn entry(&self, key: &str) -> Option<&Operand> {
        match self {
            Operand::Dict(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// One operator with the operands before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub operator: String,
    pub operands: Vec<Operand>,
}

/// A lexical token.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Name(String),
    String(Vec<u8>),
    ArrayStart,
    ArrayEnd,
    DictStart,
    DictEnd,
    Keyword(String),
}

fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Splits a content stream into tokens.
struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while !matches!(self.peek(), None | Some(b'\n' | b'\r')) {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The regular characters from here (a name's, number's or keyword's).
    fn regular(&mut self) -> &[u8] {
        let start = self.pos;
        while matches!(self.peek(), Some(b) if !is_white(b) && !is_delimiter(b)) {
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }

    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1;
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(value as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        out
    }

    fn hex_string(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut digits = Vec::new();
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            if let Some(d) = char::from(b).to_digit(16) {
                digits.push(d as u8);
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(0);
        }
        digits.chunks(2).map(|p| p[0] * 16 + p[1]).collect()
    }

    fn next(&mut self) -> Option<Token> {
        self.skip_space();
        let b = self.peek()?;
        Some(match b {
            b'(' => Token::String(self.literal_string()),
            b'<' if self.bytes.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Token::DictStart
            }
            b'<' => Token::String(self.hex_string()),
            b'>' if self.bytes.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Token::DictEnd
            }
            b'[' => {
                self.pos += 1;
                Token::ArrayStart
            }
            b']' => {
                self.pos += 1;
                Token::ArrayEnd
            }
            b'/' => {
                self.pos += 1;
                Token::Name(unescape_name(self.regular()))
            }
            b'{' | b'}' | b')' | b'>' => {
                self.pos += 1;
                Token::Keyword(char::from(b).to_string())
            }
            _ => {
                let word = String::from_utf8_lossy(self.regular()).into_owned();
                match word.parse::<f64>() {
                    Ok(n)
                        if word
                            .bytes()
                            .all(|c| c.is_ascii_digit() || b"+-.".contains(&c)) =>
                    {
                        Token::Number(n)
                    }
                    _ => Token::Keyword(word),
                }
            }
        })
    }

    /// Skips an inline image's data, after its `ID` operator, up to `EI`.
    fn skip_inline_image(&mut self) {
        self.pos += 1;
        while self.pos + 2 <= self.bytes.len() {
            let end = &self.bytes[self.pos..];
            let before = self.bytes[self.pos - 1];
            let after = end.get(2).copied();
            if end.starts_with(b"EI") && is_white(before) && after.is_none_or(is_white) {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
        self.pos = self.bytes.len();
    }
}

/// A name's text, `#xx` escapes decoded.
fn unescape_name(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 3 <= raw.len() {
            if let Ok(b) = u8::from_str_radix(&String::from_utf8_lossy(&raw[i + 1..i + 3]), 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads the object that starts with `first` (an array or dictionary is read whole).
fn object(lexer: &mut Lexer, first: Token) -> Operand {
    match first {
        Token::Number(n) => Operand::Number(n),
        Token::Name(n) => Operand::Name(n),
        Token::String(s) => Operand::String(s),
        Token::Keyword(k) => Operand::Keyword(k),
        Token::ArrayStart => {
            let mut items = Vec::new();
            while let Some(token) = lexer.next() {
                if token == Token::ArrayEnd {
                    break;
                }
                items.push(object(lexer, token));
            }
            Operand::Array(items)
        }
        Token::DictStart => {
            let mut entries = Vec::new();
            while let Some(token) = lexer.next() {
                match token {
                    Token::DictEnd => break,
                    Token::Name(key) => {
                        let Some(value) = lexer.next() else { break };
                        entries.push((key, object(lexer, value)));
                    }
                    _ => {}
                }
            }
            Operand::Dict(entries)
        }
        Token::ArrayEnd | Token::DictEnd => Operand::Keyword(String::new()),
    }
}

/// The operations of a (decoded) content stream, in order.
pub fn operations(content: &[u8]) -> Vec<Operation> {
    let mut lexer = Lexer {
        bytes: content,
        pos: 0,
    };
    let mut out = Vec::new();
    let mut operands = Vec::new();
    while let Some(token) = lexer.next() {
        match token {
            Token::Keyword(k) if !matches!(k.as_str(), "true" | "false" | "null") => {
                if k == "ID" {
                    lexer.skip_inline_image();
                }
                out.push(Operation {
                    operator: k,
                    operands: std::mem::take(&mut operands),
                });
            }
            token => operands.push(object(&mut lexer, token)),
        }
    }
    out
}

/// A ToUnicode CMap: character code (its bytes) → text.
pub struct ToUnicode {
    map: HashMap<Vec<u8>, String>,
    code_len: usize,
}

impl ToUnicode {
    /// Reads a ToUnicode CMap's `bfchar` and `bfrange` entries.
    pub fn parse(cmap: &[u8]) -> Self {
        let mut map = HashMap::new();
        for op in operations(cmap) {
            match op.operator.as_str() {
                "endbfchar" => {
                    for pair in op.operands.chunks(2) {
                        if let [Operand::String(code), Operand::String(text)] = pair {
                            map.insert(code.clone(), utf16be(text));
                        }
                    }
                }
                "endbfrange" => {
                    for triple in op.operands.chunks(3) {
                        let [Operand::String(lo), Operand::String(hi), target] = triple else {
                            continue;
                        };
                        let (lo_n, hi_n) = (be_number(lo), be_number(hi));
                        for (i, code) in (lo_n..=hi_n).enumerate() {
                            let key = code.to_be_bytes()[8 - lo.len()..].to_vec();
                            let text = match target {
                                Operand::String(first) => {
                                    let mut units = first.clone();
                                    let last = units.len() - 1;
                                    units[last] = units[last].wrapping_add(i as u8);
                                    utf16be(&units)
                                }
                                Operand::Array(items) => match items.get(i) {
                                    Some(Operand::String(t)) => utf16be(t),
                                    _ => continue,
                                },
                                _ => continue,
                            };
                            map.insert(key, text);
                        }
                    }
                }
                _ => {}
            }
        }
        let code_len = map.keys().map(Vec::len).min().unwrap_or(1);
        ToUnicode { map, code_len }
    }

    /// The text of a shown string; an unmapped code is U+FFFD.
    pub fn decode(&self, shown: &[u8]) -> String {
        shown
            .chunks(self.code_len)
            .map(|code| {
                self.map
                    .get(code)
                    .map_or_else(|| "\u{fffd}".to_string(), Clone::clone)
            })
            .collect()
    }
}

/// A big-endian unsigned number.
fn be_number(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |n, &b| n << 8 | u64::from(b))
}

/// UTF-16BE bytes as text.
fn utf16be(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}
