//! Stream ends a validator cannot misread. A stream's data is followed by an
//! end-of-line and `endstream`. When compressed data happens to end with a
//! carriage return (its checksum's last byte: one stream in 256), the bytes
//! read `\r\nendstream`, which PDF/A validators take for a CR LF end-of-line,
//! so the stream looks one byte shorter than its `/Length`. Such a stream
//! gets a CR LF end-of-line of its own (`\r` `\r\n` `endstream`), and the
//! cross-reference table is shifted to match.

use crate::error::{Error, Problem, Result};

/// What ends a stream whose data ends with a carriage return, when the
/// writer puts a line feed before `endstream` (as krilla and lopdf do).
const AMBIGUOUS_END: &[u8] = b"\r\nendstream";

/// The PDF unchanged, or with a CR LF before `endstream` wherever the data
/// ends with a carriage return, and its cross-reference table moved to match.
/// The bytes are moved within their own buffer: a copy of the file would
/// take as much memory again, and 0.3 ms on the example (whose web edition
/// has such a stream).
pub fn unambiguous(mut bytes: Vec<u8>) -> Result<Vec<u8>> {
    // Each insertion goes after the data's own carriage return.
    let at: Vec<usize> = memchr::memmem::find_iter(&bytes, AMBIGUOUS_END)
        .map(|i| i + 1)
        .collect();
    if at.is_empty() {
        return Ok(bytes);
    }
    let fail = |what: &str| {
        Error::output(
            Problem::new(format!(
                "cannot end the PDF's streams unambiguously: {what}"
            ))
            .hint("this is a bug in maquette; please report it with the issue file"),
        )
    };
    let shift = |offset: usize| at.partition_point(|&a| a <= offset);
    let (xref, start_at) = start_xref(&bytes).ok_or_else(|| fail("no startxref"))?;
    if bytes.get(xref..xref + 4) != Some(b"xref") {
        return Err(fail("the cross-reference is not a table"));
    }
    // Every stream comes before `startxref`: what follows it is written anew.
    if at.last().is_some_and(|&a| a > start_at) {
        return Err(fail("a stream after startxref"));
    }
    insert_carriage_returns(&mut bytes, start_at, &at);
    let table = xref + shift(xref);
    bytes.extend_from_slice(format!("{table}\n%%EOF\n").as_bytes());
    shift_entries(&mut bytes[table..], &shift).ok_or_else(|| fail("a malformed table"))?;
    Ok(bytes)
}

/// Keeps `bytes` up to `end`, with a carriage return inserted before each
/// offset of `at` (ascending, none past `end`): each stretch between two
/// offsets moves once, last first, by the insertions before it.
fn insert_carriage_returns(bytes: &mut Vec<u8>, end: usize, at: &[usize]) {
    bytes.truncate(end);
    bytes.resize(end + at.len(), 0);
    let mut stretch_end = end;
    for (k, &a) in at.iter().enumerate().rev() {
        bytes.copy_within(a..stretch_end, a + k + 1);
        bytes[a + k] = b'\r';
        stretch_end = a;
    }
}

/// The offset `startxref` gives, and where that number starts.
fn start_xref(bytes: &[u8]) -> Option<(usize, usize)> {
    const KEY: &[u8] = b"startxref";
    let key = memchr::memmem::rfind(bytes, KEY)?;
    let mut i = key + KEY.len();
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let value = std::str::from_utf8(&bytes[i..i + digits])
        .ok()?
        .parse()
        .ok()?;
    Some((value, i))
}

/// Moves every in-use entry of the cross-reference table at the start of
/// `table` by `shift(offset)`; entries keep their ten digits.
fn shift_entries(table: &mut [u8], shift: &dyn Fn(usize) -> usize) -> Option<()> {
    let end = table.windows(7).position(|w| w == b"trailer")?;
    let mut i = 0;
    while i + 20 <= end {
        let line = &table[i..i + 20];
        let entry =
            line[10] == b' ' && line[16] == b' ' && line[..10].iter().all(u8::is_ascii_digit);
        if entry && line[17] == b'n' {
            let offset: usize = std::str::from_utf8(&line[..10]).ok()?.parse().ok()?;
            let moved = format!("{:010}", offset + shift(offset));
            table[i..i + 10].copy_from_slice(moved.as_bytes());
        }
        i += if entry { 20 } else { 1 };
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zlib-compressed `data`.
    fn deflate(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn carriage_returns_go_before_each_offset_and_the_rest_is_cut() {
        let mut bytes = b"ab|cd|ef|gh".to_vec();
        insert_carriage_returns(&mut bytes, 9, &[2, 3, 8]);
        assert_eq!(bytes, b"ab\r|\rcd|ef\r|");
        let mut none = b"abc".to_vec();
        insert_carriage_returns(&mut none, 2, &[]);
        assert_eq!(none, b"ab");
    }

    #[test]
    fn a_stream_ending_with_a_carriage_return_gets_its_own_end_of_line() {
        // Content whose compressed form ends with \r (its checksum's last byte).
        let content = (0..100_000u32)
            .map(|n| format!("% {n}\n0 0 m\n"))
            .find(|c| deflate(c.as_bytes()).last() == Some(&b'\r'))
            .expect("some content compresses to a final \\r");
        let mut pdf = lopdf::Document::with_version("1.7");
        // A table, as krilla writes and lopdf keeps for what it loaded.
        pdf.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let mut dict = lopdf::Dictionary::new();
        dict.set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
        let first = pdf.add_object(lopdf::Stream::new(dict, deflate(content.as_bytes())));
        let second = pdf.add_object(lopdf::Object::Integer(7));
        let mut bytes = Vec::new();
        pdf.save_to(&mut bytes).unwrap();
        assert!(bytes
            .windows(AMBIGUOUS_END.len())
            .any(|w| w == AMBIGUOUS_END));
        let fixed = unambiguous(bytes).unwrap();
        assert!(fixed.windows(12).any(|w| w == b"\r\r\nendstream"));
        // Every entry of the table points at its object.
        let (xref, _) = start_xref(&fixed).unwrap();
        let table = std::str::from_utf8(&fixed[xref..]).unwrap();
        for (n, line) in table
            .lines()
            .skip(2)
            .take_while(|l| l.len() == 18)
            .enumerate()
        {
            if line.ends_with(" n") {
                let offset: usize = line[..10].parse().unwrap();
                assert!(
                    fixed[offset..].starts_with(format!("{n} 0 obj").as_bytes()),
                    "{line}"
                );
            }
        }
        let back = lopdf::Document::load_mem(&fixed).unwrap();
        let stream = back.get_object(first).unwrap().as_stream().unwrap();
        assert_eq!(stream.decompressed_content().unwrap(), content.as_bytes());
        assert_eq!(back.get_object(second).unwrap().as_i64().unwrap(), 7);
    }
}
