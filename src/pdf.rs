//! PDF output with krilla: fonts embedded and subset with their Unicode
//! maps, links, bookmarks and metadata. The same document gives the same bytes.

use crate::compose::LineRun;
use crate::error::{Error, Problem, Result};
use crate::images::Picture;
use crate::pages::{Document, Mark};
use crate::units::{Pt, Rect};
use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{GlyphId, KrillaGlyph};
use krilla::{Document as PdfDocument, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};

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

/// Writes the document as a PDF (the web edition) and returns its bytes.
pub fn write(doc: &Document, date: Timestamp) -> Result<Vec<u8>> {
    let settings = SerializeSettings {
        ..SerializeSettings::default()
    };
    let mut pdf = PdfDocument::new_with(settings);
    let size = Size::from_wh(doc.width.0, doc.height.0)
        .ok_or_else(|| Error::input(bad_layout("the page size must be positive")))?;
    for page in &doc.pages {
        let mut links: Vec<(Rect, String)> = Vec::new();
        let mut p = pdf.start_page_with(PageSettings::new(size));
        {
            let mut surface = p.surface();
            for mark in &page.marks {
                match mark {
                    Mark::Rect { rect, fill, stroke } => {
                        let Some(path) = rect_path(*rect) else {
                            continue;
                        };
                        surface.set_fill(fill.as_ref().map(|f| fill_of(doc, f)).transpose()?);
                        surface.set_stroke(match stroke {
                            Some((color, width)) => Some(Stroke {
                                paint: color_of(doc, color)?.into(),
                                width: width.0,
                                ..Stroke::default()
                            }),
                            None => None,
                        });
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                    Mark::Text {
                        runs, x, baseline, ..
                    } => {
                        for run in runs {
                            draw_run(doc, &mut surface, run, *x, *baseline)?;
                            if let Some(uri) = &run.style.link {
                                let size = run.style.size.0;
                                let rect = Rect {
                                    x: *x + run.x,
                                    y: *baseline - Pt(size * 0.8),
                                    w: run.width,
                                    h: Pt(size * 1.05),
                                };
                                links.push((rect, uri.clone()));
                            }
                        }
                    }
                    Mark::Image { image, rect, .. } => {
                        let loaded = doc.images.get(*image);
                        let Some(sz) = Size::from_wh(rect.w.0, rect.h.0) else {
                            continue;
                        };
                        surface.push_transform(&Transform::from_translate(rect.x.0, rect.y.0));
                        match &loaded.picture {
                            Picture::Raster(img) => surface.draw_image(img.clone(), sz),
                            Picture::Svg(tree) => {
                                surface.draw_svg(tree, sz, SvgSettings::default());
                            }
                        }
                        surface.pop();
                    }
                }
            }
            surface.set_fill(None);
            surface.finish();
        }
        for (rect, uri) in merge_links(links) {
            let Some(r) = krilla::geom::Rect::from_xywh(rect.x.0, rect.y.0, rect.w.0, rect.h.0)
            else {
                continue;
            };
            let target = Target::Action(LinkAction::new(uri.clone()).into());
            let alt = uri
                .strip_prefix("mailto:")
                .map_or_else(|| format!("Lien vers {uri}"), |m| format!("Écrire à {m}"));
            p.add_annotation(Annotation::new_link(
                LinkAnnotation::new(r, target),
                Some(alt),
            ));
        }
        p.finish();
    }
    let mut outline = Outline::new();
    for b in &doc.bookmarks {
        outline.push_child(OutlineNode::new(
            b.title.clone(),
            XyzDestination::new(b.page, Point::from_xy(0.0, b.y.0.max(0.0))),
        ));
    }
    pdf.set_outline(outline);
    let meta = &doc.issue.meta;
    let mut metadata = Metadata::new()
        .title(doc.title.clone())
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
        metadata = metadata.authors(vec![author.clone()]);
    }
    if let Some(d) = &meta.description {
        metadata = metadata.description(d.clone());
    }
    pdf.set_metadata(metadata);
    pdf.finish().map_err(|e| {
        Error::output(
            Problem::new(format!("the PDF writer failed: {e:?}"))
                .hint("this is a bug in maquette; please report it with the issue file"),
        )
    })
}

/// Draws a run of glyphs with its baseline at `baseline`, its frame's left edge at `x`.
fn draw_run(
    doc: &Document,
    surface: &mut krilla::surface::Surface,
    run: &LineRun,
    x: Pt,
    baseline: Pt,
) -> Result<()> {
    if run.glyphs.is_empty() {
        return Ok(());
    }
    let size = run.style.size.0;
    let glyphs: Vec<KrillaGlyph> = run
        .glyphs
        .iter()
        .map(|g| {
            KrillaGlyph::new(
                GlyphId::new(u32::from(g.id)),
                g.advance / size,
                g.x_offset / size,
                g.y_offset / size,
                0.0,
                g.range.clone(),
                None,
            )
        })
        .collect();
    surface.set_fill(Some(fill_of(doc, &run.style.color)?));
    let font = doc.fonts.face(run.style.face).pdf_font.clone();
    surface.draw_glyphs(
        Point::from_xy((x + run.x).0, baseline.0),
        &glyphs,
        font,
        &run.text,
        size,
        false,
    );
    Ok(())
}

/// Adjacent link rectangles of the same target on one line become one.
fn merge_links(links: Vec<(Rect, String)>) -> Vec<(Rect, String)> {
    let mut out: Vec<(Rect, String)> = Vec::new();
    for (r, uri) in links {
        if let Some((last, last_uri)) = out.last_mut() {
            if *last_uri == uri
                && (last.y - r.y).0.abs() < 0.1
                && (r.x - last.right()).0.abs() < 1.0
            {
                last.w = r.right() - last.x;
                continue;
            }
        }
        out.push((r, uri));
    }
    out
}

/// A closed rectangle path.
fn rect_path(r: Rect) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(krilla::geom::Rect::from_xywh(r.x.0, r.y.0, r.w.0, r.h.0)?);
    pb.finish()
}

/// The RGB colour of a swatch.
fn color_of(doc: &Document, swatch: &str) -> Result<rgb::Color> {
    let s = doc.layout.swatches.get(swatch).ok_or_else(|| {
        bad_layout(&format!("no swatch named `{swatch}`")).hint(format!(
            "define it under `swatches` or use one of: {}",
            doc.layout
                .swatches
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ))
    });
    let s = s.map_err(Error::input)?;
    parse_rgb(&s.rgb).ok_or_else(|| {
        Error::input(
            bad_layout(&format!(
                "swatch `{swatch}`: `{}` is not an RGB colour",
                s.rgb
            ))
            .at(format!("swatches.{swatch}.rgb"))
            .hint("write it as #rrggbb"),
        )
    })
}

/// A fill of a swatch's colour.
fn fill_of(doc: &Document, swatch: &str) -> Result<Fill> {
    Ok(Fill {
        paint: color_of(doc, swatch)?.into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    })
}

/// Parses `#rrggbb`.
pub fn parse_rgb(text: &str) -> Option<rgb::Color> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(rgb::Color::new(c(0)?, c(2)?, c(4)?))
}

/// A problem in the layout file.
fn bad_layout(msg: &str) -> Problem {
    Problem::new(msg.to_string())
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
    fn rgb_swatches() {
        assert!(parse_rgb("#1f6e78").is_some());
        assert!(parse_rgb("1f6e78").is_none());
        assert!(parse_rgb("#1f6e7").is_none());
    }
}
