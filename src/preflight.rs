//! Preflight: what would stop a print shop or an accessibility audit, found
//! before a PDF is written — overset stories, characters a font lacks, images
//! too coarse for their size or without alternative text, fonts that may not
//! be embedded, colours with no CMYK definition.

use crate::images::Picture;
use crate::pages::{Document, Mark};
pub use crate::report::{Edition, Finding, Severity};

/// Resolution below which an image is flagged (ppi at its placed size).
pub const GOOD_PPI: f32 = 300.0;
/// Resolution below which an image cannot go to print (ppi at its placed size).
pub const MIN_PRINT_PPI: f32 = 150.0;

/// What a vector drawing's colours become in print.
fn drawing_colors(doc: &Document, tree: &usvg::Tree, name: &str) -> Vec<Finding> {
    if !crate::images::svg_is_flat(tree) {
        return vec![Finding::warning(format!(
            "{name}: the drawing has gradients, images, text or effects; the print edition keeps it in \
             colour-managed RGB (use flat colours to have it in CMYK)"
        ))
        .only(Edition::Print)];
    }
    let known = |c: &str| {
        let drawn = crate::model::layout::parse_rgb(c);
        doc.layout
            .swatches
            .values()
            .any(|s| s.cmyk.is_some() && s.rgb_bytes() == drawn)
    };
    crate::images::svg_colors(tree)
        .into_iter()
        .filter(|c| !known(c))
        .map(|c| {
            Finding::warning(format!(
                "{name}: the drawing's colour {c} is no swatch of the layout; the print edition converts it to \
                 CMYK by formula — add a swatch with this `rgb` and its `cmyk`"
            ))
            .only(Edition::Print)
        })
        .collect()
}

/// Everything the preflight finds for these editions: what layout found, and
/// the checks of the laid-out document.
pub fn findings(doc: &Document, editions: &[Edition]) -> Vec<Finding> {
    let concerned = |f: &Finding| editions.iter().any(|&e| f.concerns(e));
    let mut out: Vec<Finding> = doc
        .findings
        .iter()
        .filter(|f| concerned(f))
        .cloned()
        .collect();
    out.extend(
        check_document(doc, editions.contains(&Edition::Print))
            .into_iter()
            .filter(concerned),
    );
    out
}

/// The checks that need the laid-out pages: image resolution, CMYK swatches,
/// embeddable fonts, and, when `print` is asked for, the press's profile.
fn check_document(doc: &Document, print: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for (page, p) in doc.pages.iter().enumerate() {
        for mark in &p.marks {
            let Mark::Image { image, rect, .. } = mark else {
                continue;
            };
            let loaded = doc.images.get(*image);
            if loaded.drops_text {
                out.push(Finding::warning(format!(
                    "{}: the drawing has text, which maquette does not draw in SVG; convert its text to paths",
                    loaded.path.display()
                )));
            }
            if let Picture::Svg(tree) = &loaded.picture {
                out.extend(drawing_colors(
                    doc,
                    tree,
                    &loaded.path.display().to_string(),
                ));
                continue;
            }
            let inches = rect.w.0 / 72.0;
            let ppi = loaded.width / inches;
            let place = format!(
                "{} on page {}: {:.0} ppi at its placed width of {:.1} mm",
                loaded.path.display(),
                page + 1,
                ppi,
                rect.w.to_mm().0
            );
            if ppi < MIN_PRINT_PPI {
                out.push(
                    Finding::error(format!("{place}, below the {MIN_PRINT_PPI:.0} ppi print needs; give a larger image"))
                        .only(Edition::Print),
                );
                out.push(
                    Finding::warning(format!("{place}, below {GOOD_PPI:.0} ppi"))
                        .only(Edition::Web),
                );
            } else if ppi < GOOD_PPI {
                out.push(Finding::warning(format!(
                    "{place}, below the {GOOD_PPI:.0} ppi print asks for"
                )));
            }
        }
    }
    for (name, swatch) in &doc.layout.swatches {
        if swatch.cmyk.is_none() {
            out.push(
                Finding::error(format!(
                    "swatch `{name}` has only an RGB value; give it `cmyk` percentages in the layout for print"
                ))
                .only(Edition::Print),
            );
        }
    }
    // The press's profile (and the `print` section naming it), for print only.
    if print {
        if let Err(e) = crate::icc::check_file(&doc.layout, &doc.layout_file) {
            out.push(Finding::error(e.to_string().replace('\n', " ")).only(Edition::Print));
        }
    }
    for face in doc.fonts.faces() {
        if !face.embeddable {
            out.push(Finding::error(format!(
                "{}: the font's licence flags (OS/2 fsType) forbid embedding it; choose a font whose licence allows embedding",
                face.path.display()
            )));
        }
    }
    out
}
