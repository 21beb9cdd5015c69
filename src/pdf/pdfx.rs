//! PDF/X-4 for the print edition: what krilla does not write, added after it
//! with lopdf — the output intent (GTS_PDFX with the press's ICC profile),
//! `GTS_PDFXVersion` and `Trapped` in the document information and in the XMP
//! metadata, with the version identification PDF/X-4 wants there
//! (`xmpMM:VersionID`, `xmpMM:RenditionClass` `default`). krilla already
//! writes PDF 1.6, DeviceCMYK and ICC-based colour only, embedded fonts, and
//! the trim and bleed boxes. Black is then set to overprint
//! ([`super::overprint`]) unless the layout says otherwise.

use crate::error::{Error, Problem, Result};
use crate::pages::Document;
use lopdf::{Dictionary, Object, Stream, StringFormat};

/// The PDF/X version this module makes.
pub const PDFX_VERSION: &str = "PDF/X-4";

/// The press's ICC profile, read, checked and compressed for the output
/// intent: work that does not wait for the pages, done beside them (a
/// profile shipped with maquette was compressed when it was built).
pub struct OutputProfile {
    /// The profile, zlib-compressed.
    deflated: Vec<u8>,
}

impl OutputProfile {
    /// Reads the layout's CMYK profile, checks it and compresses it.
    pub fn prepare(doc: &Document) -> Result<OutputProfile> {
        let profile = crate::icc::read(&doc.layout, &doc.layout_file)?;
        crate::icc::check_header(
            &crate::icc::profile_path(&doc.layout, &doc.layout_file)?,
            &profile,
        )?;
        Ok(OutputProfile::from_profile(&profile))
    }

    /// A profile compressed: a shipped one at the best level when maquette
    /// was built, any other now at the fastest (see [`deflate`]).
    fn from_profile(profile: &[u8]) -> OutputProfile {
        let deflated = match crate::icc::shipped_deflated(profile) {
            Some(deflated) => deflated.to_vec(),
            None => deflate(profile, flate2::Compression::fast()),
        };
        OutputProfile { deflated }
    }
}

/// Makes krilla's PDF a PDF/X-4 file for the layout's printing condition.
pub fn conform(bytes: Vec<u8>, doc: &Document, profile: OutputProfile) -> Result<Vec<u8>> {
    let spec = crate::icc::print_spec(&doc.layout, &doc.layout_file)?;
    let fail = |what: &str, e: lopdf::Error| {
        Error::output(
            Problem::new(format!(
                "cannot make the print edition PDF/X-4 ({what}): {e}"
            ))
            .hint("this is a bug in maquette; please report it with the issue file"),
        )
    };
    let mut pdf =
        lopdf::Document::load_mem(&bytes).map_err(|e| fail("reading krilla's output", e))?;
    // The parsed document replaces krilla's bytes: one copy of the file in memory.
    let size = bytes.len();
    drop(bytes);
    let mut dict = Dictionary::new();
    dict.set("N", 4);
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let profile_size = profile.deflated.len();
    let profile_id = pdf.add_object(Stream::new(dict, profile.deflated));
    let text = |s: &str| Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    let mut intent = Dictionary::new();
    intent.set("Type", Object::Name(b"OutputIntent".to_vec()));
    intent.set("S", Object::Name(b"GTS_PDFX".to_vec()));
    intent.set(
        "OutputConditionIdentifier",
        text(&spec.output_condition_identifier),
    );
    intent.set("OutputCondition", text(&spec.output_condition));
    intent.set("Info", text(&spec.output_condition));
    intent.set("RegistryName", text(&spec.registry));
    intent.set("DestOutputProfile", Object::Reference(profile_id));
    let intent_id = pdf.add_object(intent);
    pdf.catalog_mut()
        .map_err(|e| fail("finding the catalog", e))?
        .set(
            "OutputIntents",
            Object::Array(vec![Object::Reference(intent_id)]),
        );

    let info_id = match pdf.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => id,
        Err(_) => {
            let id = pdf.add_object(Dictionary::new());
            pdf.trailer.set("Info", Object::Reference(id));
            id
        }
    };
    let info = pdf
        .get_dictionary_mut(info_id)
        .map_err(|e| fail("reading the document information", e))?;
    info.set("GTS_PDFXVersion", text(PDFX_VERSION));
    info.set("Trapped", Object::Name(b"False".to_vec()));

    if spec.overprint_black {
        super::overprint::overprint_black(&mut pdf)
            .map_err(|e| fail("setting black to overprint", e))?;
    }

    let metadata_id = pdf
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(Object::as_reference)
        .map_err(|e| fail("finding the XMP metadata", e))?;
    let stream = pdf
        .get_object_mut(metadata_id)
        .and_then(Object::as_stream_mut)
        .map_err(|e| fail("reading the XMP metadata", e))?;
    let xmp = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    let xmp = add_pdfx_to_xmp(&String::from_utf8_lossy(&xmp));
    stream.dict.remove(b"Filter");
    stream.dict.remove(b"DecodeParms");
    stream.set_content(xmp.into_bytes());
    compress_content(&mut pdf);

    let mut out = Vec::with_capacity(size + profile_size);
    pdf.save_to(&mut out)
        .map_err(|e| fail("writing", lopdf::Error::IO(e)))?;
    Ok(out)
}

/// The compression level of the print edition's content streams (krilla
/// writes the web edition's at zlib's default, 6). Measured against 6: the
/// example's file is 0.5 % larger and the ×50 letter's 6.5 %, for half the
/// time (3.3 → 2.3 ms, 38 → 21 ms); at 2 the ×50 file grows by 13 %.
const CONTENT_LEVEL: u32 = 3;

/// Compresses, once and on every core, the streams krilla wrote uncompressed
/// for the overprint step (page contents, forms, Unicode maps): every stream
/// without a filter but the XMP metadata (which PDF/X wants readable) and font
/// files (krilla compresses those when it pays).
fn compress_content(pdf: &mut lopdf::Document) {
    use rayon::prelude::*;
    fn name<'s>(s: &'s Stream, key: &[u8]) -> Option<&'s [u8]> {
        s.dict.get(key).and_then(Object::as_name).ok()
    }
    let mut streams: Vec<&mut Stream> = pdf
        .objects
        .values_mut()
        .filter_map(|o| o.as_stream_mut().ok())
        .filter(|s| {
            !s.dict.has(b"Filter")
                && !s.dict.has(b"Length1")
                && name(s, b"Type") != Some(b"Metadata")
                && name(s, b"Subtype").is_none_or(|t| t == b"Form")
        })
        .collect();
    // One compressor for each core, reset from stream to stream: each new
    // one allocates and clears some 380 kB, most streams are a few hundred
    // bytes. The streams are dealt out largest first, in turn.
    streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
    let cores = rayon::current_num_threads().max(1);
    let mut shares: Vec<Vec<&mut Stream>> = (0..cores).map(|_| Vec::new()).collect();
    for (k, s) in streams.into_iter().enumerate() {
        shares[k % cores].push(s);
    }
    shares.into_par_iter().for_each(|share| {
        let mut compressor = flate2::Compress::new(flate2::Compression::new(CONTENT_LEVEL), true);
        for s in share {
            compressor.reset();
            let packed = deflate_with(&mut compressor, &s.content);
            if packed.len() < s.content.len() {
                s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                s.set_content(packed);
            }
        }
    });
}

/// Zlib-compresses data with a compressor just made or reset.
fn deflate_with(compressor: &mut flate2::Compress, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let read = compressor.total_in() as usize;
        let status = compressor
            .compress_vec(&data[read..], &mut out, flate2::FlushCompress::Finish)
            // Compressing into memory with valid parameters cannot fail.
            .expect("compressing in memory");
        if status == flate2::Status::StreamEnd {
            return out;
        }
        out.reserve(out.capacity().max(64));
    }
}

/// Zlib-compresses data at `level` with flate2's encoder (a profile not
/// shipped with maquette, at the fastest: FOGRA39's 245 kB take 12 million
/// instructions at level 1 and give 164 kB; zlib takes 50 times as long at
/// level 9, for 132 kB). The profile keeps the encoder rather than
/// [`deflate_with`]: at level 1 zlib-rs's bytes change with the room each
/// call writes into, and the encoder's are the ones the files always had.
fn deflate(data: &[u8], level: flate2::Compression) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 2), level);
    // Writing to a Vec cannot fail.
    encoder.write_all(data).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// The version of the document the XMP names (`xmpMM:VersionID`): each
/// rendering is the first version of its file.
const VERSION_ID: &str = "1";

/// What PDF/X-4 wants in the XMP, each property with its namespace and value:
/// the PDF/X version, the trapping state, and the version identification
/// (a `VersionID`, and `default` as the rendition: the file to print, not a proof).
const PDFX_PROPERTIES: [(&str, &str, &str); 4] = [
    (
        "pdfxid:GTS_PDFXVersion",
        "http://www.npes.org/pdfx/ns/id/",
        PDFX_VERSION,
    ),
    ("pdf:Trapped", "http://ns.adobe.com/pdf/1.3/", "False"),
    (
        "xmpMM:VersionID",
        "http://ns.adobe.com/xap/1.0/mm/",
        VERSION_ID,
    ),
    (
        "xmpMM:RenditionClass",
        "http://ns.adobe.com/xap/1.0/mm/",
        "default",
    ),
];

/// The XMP packet with the PDF/X properties set: a property the packet
/// already has (krilla writes `xmpMM:RenditionClass` as `proof`) gets its
/// new value in place, the others are added in a description of their own,
/// so that each property has one value.
fn add_pdfx_to_xmp(xmp: &str) -> String {
    let mut xmp = xmp.to_string();
    let mut added = String::new();
    let mut namespaces: Vec<(&str, &str)> = Vec::new();
    for (name, namespace, value) in PDFX_PROPERTIES {
        if !set_in_place(&mut xmp, name, value) {
            added.push_str(&format!("<{name}>{value}</{name}>"));
            let prefix = name.split(':').next().unwrap_or_default();
            if !namespaces.iter().any(|(p, _)| *p == prefix) {
                namespaces.push((prefix, namespace));
            }
        }
    }
    if added.is_empty() {
        return xmp;
    }
    let declarations: String = namespaces
        .iter()
        .map(|(prefix, namespace)| format!(" xmlns:{prefix}=\"{namespace}\""))
        .collect();
    let description =
        format!("<rdf:Description rdf:about=\"\"{declarations}>{added}</rdf:Description>");
    match xmp.rfind("</rdf:RDF>") {
        Some(i) => format!("{}{description}{}", &xmp[..i], &xmp[i..]),
        None => xmp,
    }
}

/// Gives the XMP property `name` the value `value` where the packet has it,
/// as an element (`<name>…</name>`) or an attribute (`name="…"`); false if
/// the packet does not have it.
fn set_in_place(xmp: &mut String, name: &str, value: &str) -> bool {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    if let Some(start) = xmp.find(&open) {
        let from = start + open.len();
        if let Some(len) = xmp[from..].find(&close) {
            xmp.replace_range(from..from + len, value);
            return true;
        }
    }
    let attribute = format!(" {name}=\"");
    if let Some(start) = xmp.find(&attribute) {
        let from = start + attribute.len();
        if let Some(len) = xmp[from..].find('"') {
            xmp.replace_range(from..from + len, value);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The content streams' bytes are those the encoder wrote before. (At
    /// level 1, which the profile takes, zlib-rs's bytes change with the room
    /// each call writes into: the profile keeps the encoder.)
    #[test]
    fn a_reset_compressor_writes_what_a_new_one_writes() {
        use std::io::Read;
        let level = flate2::Compression::new(CONTENT_LEVEL);
        // Larger than the output's first capacity, and one that is not.
        let big: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i * 7919 % 251).to_le_bytes())
            .collect();
        let small = b"BT /F1 10 Tf (du texte) Tj ET".repeat(3);
        let mut reused = flate2::Compress::new(level, true);
        for data in [&big[..], &small[..], &big[..], &[][..]] {
            reused.reset();
            let packed = deflate_with(&mut reused, data);
            assert_eq!(packed, deflate(data, level));
            let mut unpacked = Vec::new();
            flate2::read::ZlibDecoder::new(&packed[..])
                .read_to_end(&mut unpacked)
                .unwrap();
            assert_eq!(unpacked, data);
        }
    }

    /// The shipped profile comes compressed from the build, any other is
    /// compressed now; both give back the profile's bytes.
    #[test]
    fn a_profile_is_compressed_at_build_time_only_if_shipped() {
        use std::io::Read;
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/layouts/icc/FOGRA39L_coated.icc"
        );
        let shipped = std::fs::read(path).unwrap();
        let mut other = shipped.clone();
        // A byte of the tag data changed: the header stays whole.
        *other.last_mut().unwrap() ^= 1;
        assert!(crate::icc::shipped_deflated(&other).is_none());
        for (profile, from_build) in [(&shipped, true), (&other, false)] {
            let packed = OutputProfile::from_profile(profile).deflated;
            let built = crate::icc::shipped_deflated(profile);
            assert_eq!(built.is_some_and(|b| b == packed), from_build);
            let mut unpacked = Vec::new();
            flate2::read::ZlibDecoder::new(&packed[..])
                .read_to_end(&mut unpacked)
                .unwrap();
            assert_eq!(&unpacked, profile);
        }
    }

    #[test]
    fn xmp_gets_the_pdfx_version_inside_its_rdf() {
        let xmp = "<?xpacket begin?><x:xmpmeta><rdf:RDF><rdf:Description rdf:about=\"\"/></rdf:RDF></x:xmpmeta>";
        let out = add_pdfx_to_xmp(xmp);
        let version = out
            .find("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>")
            .unwrap();
        assert!(version < out.find("</rdf:RDF>").unwrap());
        assert!(out.contains("<pdf:Trapped>False</pdf:Trapped>"));
        assert!(out.contains("<xmpMM:VersionID>1</xmpMM:VersionID>"));
        assert!(out.contains("<xmpMM:RenditionClass>default</xmpMM:RenditionClass>"));
        assert!(out.contains("xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\""));
    }

    #[test]
    fn a_property_krilla_wrote_gets_its_value_in_place() {
        let xmp = "<rdf:RDF><rdf:Description rdf:about=\"\" xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\
                   <xmpMM:RenditionClass>proof</xmpMM:RenditionClass></rdf:Description>\
                   <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" pdf:Trapped=\"True\"/></rdf:RDF>";
        let out = add_pdfx_to_xmp(xmp);
        assert_eq!(out.matches("RenditionClass>").count(), 2, "{out}");
        assert!(out.contains("<xmpMM:RenditionClass>default</xmpMM:RenditionClass>"));
        assert!(!out.contains("proof"));
        assert_eq!(out.matches("Trapped").count(), 1, "{out}");
        assert!(out.contains("pdf:Trapped=\"False\""));
        assert_eq!(
            out.matches("<xmpMM:VersionID>1</xmpMM:VersionID>").count(),
            1
        );
        // Adding again changes nothing.
        assert_eq!(add_pdfx_to_xmp(&out), out);
    }
}
