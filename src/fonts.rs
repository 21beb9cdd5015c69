//! Fonts: the layout's font files loaded once, with the metrics composition needs.

use crate::error::{Error, Problem, Result};
use crate::model::layout::{FontFamily, Weight};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a face in a [`FontSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaceId(pub usize);

/// One font file, loaded, with the metrics the layout needs, in em.
pub struct Face {
    /// Where it was read from.
    pub path: PathBuf,
    /// The file's bytes.
    pub data: Arc<crate::error::FileBytes>,
    /// The face for the PDF writer.
    pub pdf_font: krilla::text::Font,
    /// The face for the shaper (HarfRust): the tables it prepares for
    /// shaping are prepared once, for all threads.
    pub shaping: harfrust::Font,
    /// Font units per em.
    pub units_per_em: f32,
    /// Height of capitals, in em.
    pub cap_height: f32,
    /// Advance of the space, in em.
    pub space: f32,
    /// Glyph id of the space.
    pub space_glyph: u16,
    /// The line-end hyphen: glyph id, advance in em, and the text it reads as.
    pub hyphen: (u16, f32, char),
    /// Whether its licence flags allow embedding it in a PDF.
    pub embeddable: bool,
}

/// The faces a layout declares, by family, weight and slant.
pub struct FontSet {
    faces: Vec<Face>,
    by_style: BTreeMap<(String, Weight, bool), FaceId>,
}

impl FontSet {
    /// Loads every face of every family; paths are relative to `layout_file`.
    pub fn load(families: &BTreeMap<String, FontFamily>, layout_file: &Path) -> Result<FontSet> {
        let mut set = FontSet {
            faces: Vec::new(),
            by_style: BTreeMap::new(),
        };
        let mut by_path: BTreeMap<PathBuf, FaceId> = BTreeMap::new();
        for (family, files) in families {
            let variants = [
                (Weight::Regular, false, Some(&files.regular), "regular"),
                (Weight::Regular, true, files.italic.as_ref(), "italic"),
                (Weight::Semibold, false, files.semibold.as_ref(), "semibold"),
                (
                    Weight::Semibold,
                    true,
                    files.semibold_italic.as_ref(),
                    "semibold_italic",
                ),
                (Weight::Bold, false, files.bold.as_ref(), "bold"),
                (
                    Weight::Bold,
                    true,
                    files.bold_italic.as_ref(),
                    "bold_italic",
                ),
            ];
            for (weight, italic, file, field) in variants {
                let Some(file) = file else { continue };
                let path = crate::model::resolve(layout_file, file);
                let id = match by_path.get(&path) {
                    Some(id) => *id,
                    None => {
                        let face = Face::load(&path)
                            .map_err(|e| e.at(format!("fonts.{family}.{field}")))?;
                        set.faces.push(face);
                        let id = FaceId(set.faces.len() - 1);
                        by_path.insert(path, id);
                        id
                    }
                };
                set.by_style.insert((family.clone(), weight, italic), id);
            }
        }
        Ok(set)
    }

    /// The face for a family, weight and slant, if the layout declares it.
    pub fn find(&self, family: &str, weight: Weight, italic: bool) -> Option<FaceId> {
        self.by_style
            .get(&(family.to_string(), weight, italic))
            .copied()
    }

    /// The face with this id.
    pub fn face(&self, id: FaceId) -> &Face {
        &self.faces[id.0]
    }

    /// All faces, indexed by [`FaceId`].
    pub fn faces(&self) -> &[Face] {
        &self.faces
    }
}

/// Why a font file is cut short or garbled, if it is: every table its
/// directory lists must lie inside the file.
fn truncated(bytes: &[u8]) -> Option<String> {
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let u32_at = |i: usize| {
        bytes
            .get(i..i + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    if bytes.get(..4) == Some(b"ttcf") {
        return None;
    }
    let tables = usize::from(u16_at(4)?);
    for t in 0..tables {
        let record = 12 + 16 * t;
        let (Some(offset), Some(length)) = (u32_at(record + 8), u32_at(record + 12)) else {
            return Some("its table directory is cut short".into());
        };
        if u64::from(offset) + u64::from(length) > bytes.len() as u64 {
            let tag = String::from_utf8_lossy(bytes.get(record..record + 4).unwrap_or(b"????"));
            return Some(format!(
                "its `{tag}` table runs past the end of the file (cut short?)"
            ));
        }
    }
    None
}

/// A new handle of the PDF writer on a font file's bytes (`None` if it
/// cannot read them).
fn pdf_font_of(data: &Arc<crate::error::FileBytes>) -> Option<krilla::text::Font> {
    let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = data.clone();
    krilla::text::Font::new(shared.into(), 0)
}

/// The shaper's face on a font file's bytes (`None` if it cannot read them).
fn shaping_font_of(data: &Arc<crate::error::FileBytes>) -> Option<harfrust::Font> {
    let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = data.clone();
    harfrust::Font::new(harfrust::font::Blob::from(shared), 0)
}

impl Face {
    /// A handle of the PDF writer's on this face that no other writer
    /// shares, for an edition's own. krilla clones the handle it is given at
    /// every glyph it draws, and the clones of one handle count on one
    /// cache line: two editions drawn at once on two cores with one handle
    /// pass that line from core to core, glyph after glyph (×50 letter, both
    /// editions: 350.7 → 318.4 ms of CPU). The new handle reads the same
    /// bytes, so it draws the same file.
    pub fn own_pdf_font(&self) -> krilla::text::Font {
        pdf_font_of(&self.data).unwrap_or_else(|| self.pdf_font.clone())
    }

    /// Reads a font file and checks that it may be embedded in a PDF.
    pub fn load(path: &Path) -> Result<Face> {
        let bytes = crate::error::map_input(path, "font file", crate::error::MAX_FONT_BYTES)?;
        let bad = |msg: String| {
            Error::input(
                Problem::new(msg)
                    .in_file(path)
                    .hint("name an OpenType (.otf) or TrueType (.ttf) font file in the layout"),
            )
        };
        if let Some(why) = truncated(&bytes) {
            return Err(bad(format!("the font file is corrupt: {why}")));
        }
        let parsed = ttf_parser::Face::parse(&bytes, 0)
            .map_err(|e| bad(format!("not a usable font: {e}")))?;
        let embeddable = parsed.permissions() != Some(ttf_parser::Permissions::Restricted);
        let upem = f32::from(parsed.units_per_em());
        let space = parsed
            .glyph_index(' ')
            .and_then(|g| parsed.glyph_hor_advance(g))
            .map_or(0.25, |a| f32::from(a) / upem);
        let space_glyph = parsed.glyph_index(' ').map_or(0, |g| g.0);
        let hyphen = line_end_hyphen(&parsed);
        let ascender = f32::from(parsed.ascender()) / upem;
        let cap_height = parsed
            .capital_height()
            .map_or(ascender * 0.7, |c| f32::from(c) / upem);
        let data = Arc::new(bytes);
        let pdf_font =
            pdf_font_of(&data).ok_or_else(|| bad("the PDF writer cannot read this font".into()))?;
        let shaping =
            shaping_font_of(&data).ok_or_else(|| bad("the shaper cannot read this font".into()))?;
        Ok(Face {
            path: path.to_path_buf(),
            data,
            pdf_font,
            shaping,
            units_per_em: upem,
            cap_height,
            space,
            space_glyph,
            hyphen,
            embeddable,
        })
    }
}

/// The line-end hyphen of a face: glyph id, advance in em, and the text it
/// reads as. A face with a glyph of its own for U+2010 draws line-end hyphens
/// with it, so that it can read as a soft hyphen (the word stays whole when
/// copied) while the hyphen of « Béthune-Bruay » reads as itself; otherwise
/// the hyphen reads as a hyphen.
fn line_end_hyphen(face: &ttf_parser::Face) -> (u16, f32, char) {
    let minus = face.glyph_index('-').unwrap_or_default();
    let (g, text) = match face.glyph_index('\u{2010}') {
        Some(g) if g != minus => (g, '\u{AD}'),
        _ => (minus, '-'),
    };
    let adv = face.glyph_hor_advance(g).unwrap_or(0);
    (g.0, f32::from(adv) / f32::from(face.units_per_em()), text)
}

/// The vendored EB Garamond as the family `serif`, for unit tests.
#[cfg(test)]
pub fn serif_for_tests() -> FontSet {
    let regular = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fonts/EBGaramond12-Regular.otf"
    );
    let family = FontFamily {
        regular: regular.to_string(),
        italic: None,
        semibold: None,
        semibold_italic: None,
        bold: None,
        bold_italic: None,
    };
    let families = BTreeMap::from([("serif".to_string(), family)]);
    FontSet::load(&families, Path::new("/")).expect("the vendored font loads")
}
