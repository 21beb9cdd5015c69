//! PDF output with krilla, each edition from the same document. Both embed
//! and subset every font with its Unicode map and carry bookmarks and
//! metadata; the web edition is RGB, tagged and validated as PDF/UA-1 and
//! PDF/A-2a, with links; the print edition is CMYK on the press's profile,
//! with bleed, crop marks and page boxes, made PDF/X-4 by its `pdfx` step.
//! The same document gives the same bytes.

mod overprint;
mod pdfx;
mod streams;
mod tags;
mod text;
pub mod vector;

use crate::compose::LineRun;
use crate::error::{Error, Problem, Result};
use crate::fonts::Face;
use crate::images::Picture;
use crate::model::language::Language;
use crate::pages::{Document, Mark, Origin};
use crate::report::Edition;
use crate::units::{Mm, Pt, Rect};
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::separation::{self, SeparationColorant, SeparationSpace};
use krilla::color::{cmyk, rgb, Color};
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, PdfVersion};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Identifier, SpanTag};
use krilla::text::{GlyphId, KrillaGlyph};
use krilla::{Document as PdfDocument, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};
use std::collections::HashMap;

/// How the PDF is dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
    /// Hour, minute, second (UTC).
    pub time: (u8, u8, u8),
}

impl Timestamp {
    /// A timestamp from a Unix time (as in `SOURCE_DATE_EPOCH`).
    pub fn from_unix(seconds: i64) -> Timestamp {
        let days = seconds.div_euclid(86_400);
        let secs = seconds.rem_euclid(86_400);
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Timestamp {
            year,
            month,
            day,
            time: (
                (secs / 3600) as u8,
                (secs / 60 % 60) as u8,
                (secs % 60) as u8,
            ),
        }
    }
}

/// Gap between the bleed edge and the start of a crop mark.
const CROP_MARK_GAP: Mm = Mm(1.0);
/// Length of a crop mark.
const CROP_MARK_LENGTH: Mm = Mm(5.0);
/// Width of a crop mark (the usual 0.25 pt hairline).
const CROP_MARK_WIDTH: Pt = Pt(0.25);
/// Paper kept around the crop marks on the print edition's media box.
const MEDIA_MARGIN: Mm = Mm(2.0);

/// How one edition draws: its colours.
struct Press<'d> {
    doc: &'d Document,
    edition: Edition,
    /// Whether content is tagged (the web edition, not a proof).
    tagged: bool,
    /// Each swatch's colour in this edition, worked out once.
    palette: HashMap<&'d str, Color>,
    /// In print, the CMYK of each swatch, by its RGB (for drawings' colours).
    cmyk_of_rgb: HashMap<[u8; 3], Color>,
    /// This edition's own handles on the faces, by [`crate::fonts::FaceId`] (see
    /// [`crate::fonts::Face::own_pdf_font`]).
    fonts: Vec<krilla::text::Font>,
}

impl<'d> Press<'d> {
    /// The colours of an edition: RGB on screen, the swatches' CMYK in print.
    fn new(doc: &'d Document, edition: Edition) -> Result<Press<'d>> {
        let mut palette = HashMap::new();
        let mut cmyk_of_rgb = HashMap::new();
        for (name, s) in &doc.layout.swatches {
            let [r, g, b] = s.rgb_bytes().ok_or_else(|| {
                Error::input(
                    Problem::new(format!("swatch `{name}`: `{}` is not an RGB colour", s.rgb))
                        .in_file(&doc.layout_file)
                        .hint("write it as #rrggbb"),
                )
            })?;
            let cmyk = s.cmyk.map(|c| cmyk_color(c.map(|v| v / 100.0)));
            if let Some(c) = &cmyk {
                cmyk_of_rgb.insert([r, g, b], c.clone());
            }
            let color = match (edition, cmyk) {
                (Edition::Print, Some(c)) => c,
                _ => rgb::Color::new(r, g, b).into(),
            };
            palette.insert(name.as_str(), color);
        }
        Ok(Press {
            doc,
            edition,
            tagged: edition == Edition::Web && doc.proof.is_none(),
            palette,
            cmyk_of_rgb,
            fonts: doc.fonts.faces().iter().map(Face::own_pdf_font).collect(),
        })
    }

    /// The colour of a swatch in this edition.
    fn color(&self, swatch: &str) -> Result<Color> {
        self.palette.get(swatch).cloned().ok_or_else(|| {
            Error::input(
                Problem::new(format!("no swatch named `{swatch}`"))
                    .in_file(&self.doc.layout_file)
                    .hint("define it under `swatches` in the layout"),
            )
        })
    }

    /// A drawing's RGB colour in print: the CMYK of the swatch with this RGB,
    /// or a conversion by formula when there is none.
    fn drawing_color(&self, r: u8, g: u8, b: u8) -> Color {
        self.cmyk_of_rgb
            .get(&[r, g, b])
            .cloned()
            .unwrap_or_else(|| cmyk_color(naive_cmyk(r, g, b)))
    }

    /// A fill of a swatch's colour.
    fn fill(&self, swatch: &str) -> Result<Fill> {
        Ok(Fill {
            paint: self.color(swatch)?.into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        })
    }
}

/// A link found while drawing: where it is, where it goes, where its tag waits.
type FoundLink = (Rect, String, Option<tags::PendingLink>);

/// Writes one edition of the document as a PDF and returns its bytes; a
/// document laid out as a proof is written as a proof (RGB, untagged, no
/// PDF/X or PDF/A claim, whatever `edition` says).
pub fn write(doc: &Document, edition: Edition, date: Timestamp) -> Result<Vec<u8>> {
    let proof = doc.proof.is_some();
    let edition = if proof { Edition::Web } else { edition };
    let bytes = if edition == Edition::Print {
        // The press's profile is read and checked beside the pages, as a
        // job of rayon's (a thread of its own cost the start of one).
        let mut profile = None;
        let bytes = rayon::in_place_scope(|scope| {
            scope.spawn(|_| profile = Some(pdfx::OutputProfile::prepare(doc)));
            draw(doc, edition, date)
        });
        let profile = profile.expect("the scope ran the profile's job");
        pdfx::conform(bytes?, doc, profile?)?
    } else if proof {
        draw(doc, edition, date)?
    } else {
        without_suspects_flag(draw(doc, edition, date)?)
    };
    streams::unambiguous(bytes)
}

/// Draws the pages of an edition (or of the proof) with krilla and gives
/// krilla's PDF.
fn draw(doc: &Document, edition: Edition, date: Timestamp) -> Result<Vec<u8>> {
    let proof = doc.proof.is_some();
    let print = edition == Edition::Print;
    // What only the web edition has: tags, links, how each line reads at its end.
    let web = !print && !proof;
    let settings = if proof {
        proof_settings()
    } else if print {
        print_settings()?
    } else {
        web_settings()?
    };
    let mut pdf = PdfDocument::new_with(settings);
    let bleed = doc.bleed;
    let offset = if print {
        bleed + CROP_MARK_GAP.to_pt() + CROP_MARK_LENGTH.to_pt() + MEDIA_MARGIN.to_pt()
    } else {
        Pt::ZERO
    };
    let press = Press::new(doc, edition)?;
    let sheet = Size::from_wh((doc.width + offset * 2.0).0, (doc.height + offset * 2.0).0)
        .ok_or_else(|| Error::input(Problem::new("the page size must be positive")))?;
    let mut tags = tags::Collector::default();
    // How each line reads at its end: in the web edition, what its text needs there.
    let line_ends = web.then(|| text::line_ends(doc));
    // The glyphs of a run as krilla takes them, in one buffer from run to run.
    let mut glyphs = Vec::new();
    for (page_index, page) in doc.pages.iter().enumerate() {
        let mut links: Vec<FoundLink> = Vec::new();
        let mut settings = PageSettings::new(sheet);
        if print {
            let trim = Rect {
                x: offset,
                y: offset,
                w: doc.width,
                h: doc.height,
            };
            let bleed_box = Rect {
                x: offset - bleed,
                y: offset - bleed,
                w: doc.width + bleed * 2.0,
                h: doc.height + bleed * 2.0,
            };
            settings = settings
                .with_trim_box(kr_rect(trim))
                .with_bleed_box(kr_rect(bleed_box));
        }
        let mut p = pdf.start_page_with(settings);
        {
            let mut surface = p.surface();
            surface.push_transform(&Transform::from_translate(offset.0, offset.0));
            for (m, mark) in page.marks.iter().enumerate() {
                let end = line_ends
                    .as_ref()
                    .map_or(text::LineEnd::AsDrawn, |ends| ends[page_index][m]);
                draw_mark(
                    &press,
                    &mut surface,
                    mark,
                    end,
                    &mut tags,
                    &mut links,
                    &mut glyphs,
                )?;
            }
            surface.pop();
            if print {
                crop_marks(&mut surface, doc, offset);
            }
            surface.finish();
        }
        // Links are for screens; PDF/X allows no annotation on the page.
        if web {
            for (rect, uri, pending) in links {
                let Some(r) = kr_rect(rect) else { continue };
                let target = Target::Action(LinkAction::new(uri.clone()).into());
                let alt = link_description(&uri, doc.language);
                let id = p.add_tagged_annotation(Annotation::new_link(
                    LinkAnnotation::new(r, target),
                    Some(alt),
                ));
                if let Some(pending) = pending {
                    tags.attach(pending, id);
                }
            }
        }
        p.finish();
    }
    // The pages' drawing is freed before krilla writes the file, its peak:
    // on the ×50 letter, 34.0 → 31.9 MiB.
    crate::memory::release_freed();
    let mut outline = Outline::new();
    for b in &doc.bookmarks {
        let y = (b.y + offset).0.max(0.0);
        outline.push_child(OutlineNode::new(
            b.title.clone(),
            XyzDestination::new(b.page, Point::from_xy(0.0, y)),
        ));
    }
    pdf.set_outline(outline);
    if web {
        pdf.set_tag_tree(tags.tree(&doc.stories, &doc.title));
    }
    pdf.set_metadata(metadata(doc, date));
    pdf.finish().map_err(|e| writer_error(e, doc, edition))
}

/// What a link says it does, for a screen reader, in the issue's language.
fn link_description(uri: &str, language: Language) -> String {
    let (link, mail) = match language {
        Language::French => ("Lien vers", "Écrire à"),
        Language::English => ("Link to", "Write to"),
        Language::German => ("Link zu", "E-Mail an"),
    };
    match uri.strip_prefix("mailto:") {
        Some(address) => format!("{mail} {address}"),
        None => format!("{link} {uri}"),
    }
}

/// Blanks krilla's `/Suspects false` (the default value) in the catalog's
/// `/MarkInfo`: poppler (22.12) wrongly reports a false flag as a syntax error.
/// Spaces of the same length keep every byte offset of the file valid.
fn without_suspects_flag(mut bytes: Vec<u8>) -> Vec<u8> {
    const FLAG: &[u8] = b"/Suspects false";
    if let Some(at) = memchr::memmem::find(&bytes, FLAG) {
        bytes[at..at + FLAG.len()].fill(b' ');
    }
    bytes
}

/// What the PDF writer's refusal means for the user: a font or an image it
/// cannot embed names its file; anything else is maquette's fault.
fn writer_error(e: krilla::error::KrillaError, doc: &Document, edition: Edition) -> Error {
    use krilla::error::KrillaError;
    match e {
        KrillaError::Font(font, why) => {
            let face = doc.fonts.faces().iter().find(|f| f.pdf_font == font);
            let mut p = Problem::new(format!(
                "the {} edition cannot embed this font: {why}",
                edition.name()
            ))
            .hint("the font file may be corrupt: use another copy or another font");
            if let Some(face) = face {
                p = p.in_file(&face.path);
            }
            Error::input(p)
        }
        KrillaError::Image(_, _, why) => Error::input(
            Problem::new(format!(
                "the {} edition cannot embed an image: {why}",
                edition.name()
            ))
            .in_file(&doc.issue_file)
            .hint("an image file may be corrupt: export it again as PNG or JPEG"),
        ),
        other => Error::output(
            Problem::new(format!(
                "the PDF writer refused the {} edition ({})",
                edition.name(),
                writer_reason(&other)
            ))
            .in_file(&doc.issue_file)
            .hint("this is a bug in maquette; please report it with the issue file"),
        ),
    }
}

/// A short reason for a refusal of the PDF writer, without its debug dump.
fn writer_reason(e: &krilla::error::KrillaError) -> String {
    use krilla::error::KrillaError;
    match e {
        KrillaError::Validation(errors) => {
            // The kinds of error (`ImageInterpolation`, …), without their locations.
            let mut kinds: Vec<String> = errors
                .iter()
                .map(|(e, _)| {
                    let kind = format!("{e:?}");
                    kind.split(['(', ' ', '{'])
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect();
            kinds.dedup();
            format!(
                "{} conformance error(s): {}",
                errors.len(),
                kinds.join(", ")
            )
        }
        KrillaError::Limit(_) => "a limit of the PDF format was exceeded".into(),
        _ => "an internal inconsistency".into(),
    }
}

/// Web edition: tagged, validated as PDF/UA-1 and PDF/A-2a at once (krilla
/// checks both profiles and writes what both need: the sRGB output intent,
/// the PDF/A and PDF/UA identification, the XMP extension schemas).
fn web_settings() -> Result<SerializeSettings> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .with_archival_validator(Archival::A2_A)
        .finish()
        .map_err(|e| {
            Error::output(
                Problem::new(format!("cannot configure PDF/UA-1 with PDF/A-2a: {e:?}"))
                    .hint("this is a bug in maquette; please report it"),
            )
        })?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: true,
        xmp_metadata: true,
        ..SerializeSettings::default()
    })
}

/// A proof: plain PDF, RGB, untagged, claiming no standard (it is not an edition).
fn proof_settings() -> SerializeSettings {
    SerializeSettings {
        enable_tagging: false,
        xmp_metadata: true,
        ..SerializeSettings::default()
    }
}

/// Print edition: PDF 1.6, CMYK swatches as DeviceCMYK (characterised by the
/// output intent's profile, which [`pdfx`] adds), RGB images and drawings
/// ICC-based (sRGB), never DeviceRGB.
fn print_settings() -> Result<SerializeSettings> {
    let configuration = ConfigurationBuilder::new()
        .with_version(PdfVersion::Pdf16)
        .finish()
        .map_err(|e| Error::output(Problem::new(format!("cannot configure PDF 1.6: {e:?}"))))?;
    // With `no_device_cs` and no CMYK profile, krilla writes RGB and grey as
    // ICC-based colour and CMYK as DeviceCMYK: pure 100 % K black text.
    // Content streams are left uncompressed: the overprint step reads and
    // rewrites them, and `pdfx` compresses them once afterwards.
    Ok(SerializeSettings {
        configuration,
        compress_content_streams: false,
        no_device_cs: true,
        cmyk_profile: None,
        xmp_metadata: true,
        enable_tagging: false,
        ..SerializeSettings::default()
    })
}

/// The document's metadata: title, author, language, description, date.
fn metadata(doc: &Document, date: Timestamp) -> Metadata {
    let meta = &doc.issue.meta;
    // What the editor typed, with its apostrophes as the text has them.
    let typed = |t: &str| t.replace('\'', "’");
    let title = match doc.proof {
        Some(_) => format!("PROOF / ÉPREUVE — {}", typed(&doc.title)),
        None => typed(&doc.title),
    };
    let mut metadata = Metadata::new()
        .title(title)
        .language(meta.language.clone())
        .creator(format!("maquette {}", env!("CARGO_PKG_VERSION")))
        .creation_date(
            DateTime::new(date.year)
                .month(date.month)
                .day(date.day)
                .hour(date.time.0)
                .minute(date.time.1)
                .second(date.time.2)
                .utc_offset_hour(0)
                .utc_offset_minute(0),
        );
    if let Some(author) = &meta.author {
        metadata = metadata.authors(vec![typed(author)]);
    }
    if let Some(d) = &meta.description {
        metadata = metadata.description(typed(d));
    }
    metadata
}

/// Draws one mark, tagging it in the web edition; a line of text reads as
/// `end` says at its end.
fn draw_mark(
    press: &Press,
    surface: &mut Surface,
    mark: &Mark,
    end: text::LineEnd,
    tags: &mut tags::Collector,
    links: &mut Vec<FoundLink>,
    glyphs: &mut Vec<KrillaGlyph>,
) -> Result<()> {
    let web = press.edition == Edition::Web;
    match mark {
        Mark::Rect {
            rect,
            fill,
            stroke,
            bleed,
        } => {
            let r = if web {
                *rect
            } else {
                extend_into_bleed(*rect, *bleed, press.doc.bleed)
            };
            let Some(path) = rect_path(r) else {
                return Ok(());
            };
            surface.set_fill(fill.as_ref().map(|f| press.fill(f)).transpose()?);
            surface.set_stroke(match stroke {
                Some((color, width)) => Some(Stroke {
                    paint: press.color(color)?.into(),
                    width: width.0,
                    ..Stroke::default()
                }),
                None => None,
            });
            tagged(surface, press.tagged, None, ArtifactType::Layout, |s| {
                s.draw_path(&path)
            });
            surface.set_stroke(None);
        }
        Mark::Text {
            runs,
            x,
            baseline,
            origin,
        } => {
            // The last run as it reads at the line's end; the others as drawn.
            let ending = runs.last().and_then(|last| {
                // The face's space, if it has one (not `.notdef`, glyph 0).
                let space = press
                    .doc
                    .fonts
                    .faces()
                    .get(last.style.face.0)
                    .map(|f| f.space_glyph)
                    .filter(|&g| g != 0);
                text::ending(last, end, space)
            });
            let ending_of = |k: usize| ending.as_ref().filter(|_| k + 1 == runs.len());
            // Plain runs are tagged together; a link or a list label on its own.
            let mut i = 0;
            while i < runs.len() {
                let alone = |r: &LineRun| r.label || r.style.link.is_some();
                let mut j = i + 1;
                while j < runs.len() && !alone(&runs[i]) && !alone(&runs[j]) {
                    j += 1;
                }
                let mut drawn = Ok(());
                // Text not read is page furniture: a running header, a folio,
                // a table header repeated on the next column.
                let furniture = ArtifactType::PaginationOther;
                let id = tagged(surface, press.tagged, Some(*origin), furniture, |s| {
                    drawn = (i..j).try_for_each(|k| {
                        let at = Point::from_xy((*x + runs[k].x).0, baseline.0);
                        draw_run(press, s, &runs[k], ending_of(k), at, glyphs)
                    });
                });
                drawn?;
                let link = runs[i].style.link.clone();
                let kind = match (&link, runs[i].label) {
                    (_, true) => tags::Kind::ListLabel,
                    (Some(uri), false) => tags::Kind::Link(uri),
                    (None, false) => tags::Kind::Content,
                };
                let text: String = (i..j)
                    .map(|k| text::reads(&runs[k], ending_of(k)))
                    .collect();
                let pending = id.and_then(|id| tags.add(*origin, id, kind, &text));
                if let Some(uri) = link {
                    let size = runs[i].style.size.0;
                    let rect = Rect {
                        x: *x + runs[i].x,
                        y: *baseline - Pt(size * 0.8),
                        w: runs[i].width,
                        h: Pt(size * 1.05),
                    };
                    links.push((rect, uri, pending));
                }
                i = j;
            }
        }
        Mark::Image {
            image,
            rect,
            alt,
            origin,
        } => {
            let loaded = press.doc.images.get(*image);
            let Some(size) = Size::from_wh(rect.w.0, rect.h.0) else {
                return Ok(());
            };
            let origin = alt.as_ref().map(|_| *origin);
            // An image without alternative text is decoration.
            let id = tagged(surface, press.tagged, origin, ArtifactType::Layout, |s| {
                s.push_transform(&Transform::from_translate(rect.x.0, rect.y.0));
                match &loaded.picture {
                    Picture::Raster(img) => s.draw_image(img.clone(), size),
                    Picture::Svg(tree) if !web && crate::images::svg_is_flat(tree) => {
                        vector::draw(s, tree, rect.w.0, rect.h.0, &|r, g, b| {
                            press.drawing_color(r, g, b)
                        });
                    }
                    Picture::Svg(tree) => {
                        s.draw_svg(tree, size, SvgSettings::default());
                    }
                }
                s.pop();
            });
            if let (Some(id), Some(origin), Some(alt)) = (id, origin, alt) {
                tags.add_figure(origin, id, alt);
            }
        }
    }
    Ok(())
}

/// Runs `draw` as tagged content in the web edition: real content for an
/// origin that is read, an artifact of type `artifact` otherwise (krilla
/// writes `/Pagination` for pagination artifacts, `/Layout` for layout ones).
/// Returns the content's identifier.
fn tagged(
    surface: &mut Surface,
    web: bool,
    origin: Option<Origin>,
    artifact: ArtifactType,
    draw: impl FnOnce(&mut Surface),
) -> Option<Identifier> {
    if !web {
        draw(surface);
        return None;
    }
    let read = origin.filter(|o| *o != Origin::Artifact);
    let tag = match read {
        Some(_) => ContentTag::Span(SpanTag::empty()),
        None => ContentTag::Artifact(Artifact::with_kind(artifact)),
    };
    let id = surface.start_tagged(tag);
    draw(surface);
    surface.end_tagged();
    read.map(|_| id)
}

/// A rectangle grown by `bleed` on the sides (top, right, bottom, left) that run into the bleed.
fn extend_into_bleed(r: Rect, sides: [bool; 4], bleed: Pt) -> Rect {
    let [top, right, bottom, left] = sides.map(|s| if s { bleed } else { Pt::ZERO });
    Rect {
        x: r.x - left,
        y: r.y - top,
        w: r.w + left + right,
        h: r.h + top + bottom,
    }
}

/// Crop marks at the four corners of the trimmed page, outside the bleed,
/// 0.25 pt, in registration colour (all separations).
fn crop_marks(surface: &mut Surface, doc: &Document, offset: Pt) {
    let registration = separation::Color::new(
        255,
        SeparationSpace::new(
            SeparationColorant::AllColorants,
            cmyk::Color::new(255, 255, 255, 255).into(),
        ),
    );
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: Color::from(registration).into(),
        width: CROP_MARK_WIDTH.0,
        ..Stroke::default()
    }));
    let start = doc.bleed + CROP_MARK_GAP.to_pt();
    let len = CROP_MARK_LENGTH.to_pt();
    let (l, t, r, b) = (offset, offset, offset + doc.width, offset + doc.height);
    let mut pb = PathBuilder::new();
    for (x, y, sx, sy) in [
        (l, t, -1.0, -1.0),
        (r, t, 1.0, -1.0),
        (l, b, -1.0, 1.0),
        (r, b, 1.0, 1.0),
    ] {
        // On each corner: a mark along the top or bottom trim line, and one along the side.
        pb.move_to((x + start * sx).0, y.0);
        pb.line_to((x + (start + len) * sx).0, y.0);
        pb.move_to(x.0, (y + start * sy).0);
        pb.line_to(x.0, (y + (start + len) * sy).0);
    }
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
    surface.set_stroke(None);
}

/// A CMYK colour from fractions (0–1).
fn cmyk_color(c: [f32; 4]) -> Color {
    let [c, m, y, k] = c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8);
    cmyk::Color::new(c, m, y, k).into()
}

/// CMYK (0–1) from RGB by the usual formula, for drawing colours with no swatch.
pub fn naive_cmyk(r: u8, g: u8, b: u8) -> [f32; 4] {
    let [r, g, b] = [r, g, b].map(|v| f32::from(v) / 255.0);
    let k = 1.0 - r.max(g).max(b);
    if k >= 1.0 {
        return [0.0, 0.0, 0.0, 1.0];
    }
    [
        (1.0 - r - k) / (1.0 - k),
        (1.0 - g - k) / (1.0 - k),
        (1.0 - b - k) / (1.0 - k),
        k,
    ]
}

/// A krilla rectangle.
fn kr_rect(r: Rect) -> Option<krilla::geom::Rect> {
    krilla::geom::Rect::from_xywh(r.x.0, r.y.0, r.w.0, r.h.0)
}

/// Draws a run of glyphs from `at` (its first glyph's pen on the baseline),
/// the last of its line with how the line reads at its end; `glyphs` is the
/// buffer krilla's glyphs are made in.
fn draw_run(
    press: &Press,
    surface: &mut Surface,
    run: &LineRun,
    ending: Option<&text::Ending>,
    at: Point,
    glyphs: &mut Vec<KrillaGlyph>,
) -> Result<()> {
    let added = ending.and_then(|e| e.added.as_ref());
    if run.glyphs.is_empty() && added.is_none() {
        return Ok(());
    }
    let text = text::reads(run, ending);
    let size = run.style.size.0;
    let placed = run.glyphs.iter().chain(added).enumerate();
    glyphs.clear();
    glyphs.extend(placed.map(|(k, g)| {
        let (x_offset, y_offset) = run.offset(k);
        let end = run.text_end(k, added, text.len());
        KrillaGlyph::new(
            GlyphId::new(u32::from(g.id)),
            g.advance / size,
            x_offset / size,
            y_offset / size,
            0.0,
            g.start as usize..end,
            None,
        )
    }));
    surface.set_fill(Some(press.fill(&run.style.color)?));
    let font = press.fonts[run.style.face.0].clone();
    surface.draw_glyphs(at, glyphs, font, text, size, false);
    Ok(())
}

/// A closed rectangle path.
fn rect_path(r: Rect) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(krilla::geom::Rect::from_xywh(r.x.0, r.y.0, r.w.0, r.h.0)?);
    pb.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_to_civil_date() {
        assert_eq!(
            Timestamp::from_unix(0),
            Timestamp {
                year: 1970,
                month: 1,
                day: 1,
                time: (0, 0, 0)
            }
        );
        let t = Timestamp::from_unix(1_498_867_200); // 2017-07-01T00:00:00Z
        assert_eq!((t.year, t.month, t.day), (2017, 7, 1));
        let t = Timestamp::from_unix(951_827_696); // 2000-02-29T12:34:56Z
        assert_eq!(
            (t.year, t.month, t.day, t.time),
            (2000, 2, 29, (12, 34, 56))
        );
    }

    #[test]
    fn the_suspects_flag_is_blanked_in_place() {
        let pdf = b"<</Marked true/Suspects false>>".to_vec();
        let out = without_suspects_flag(pdf.clone());
        assert_eq!(out.len(), pdf.len());
        assert_eq!(out, b"<</Marked true               >>".to_vec());
    }
}
