//! Page images: the pages of a PDF that [`crate::pdf`] wrote, rasterised
//! with hayro (a PDF renderer in pure Rust) and encoded as PNG, so a
//! thumbnail looks exactly as the PDF does, with no external program.

use crate::error::{Error, Problem, Result};
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::kurbo::Affine;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::vello_cpu::{Pixmap, RasterizerSettings, RenderContext, Resources, TargetInit};
use hayro::{render_into, RenderCache, RenderSettings};

/// The widest page image made, in pixels.
pub const MAX_WIDTH: u32 = 10_000;
/// The highest resolution of a page image, in dots per inch.
pub const MAX_DPI: f32 = 1200.0;

/// How large a page image is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Size {
    /// This many pixels wide, the height in proportion.
    Width(u32),
    /// This many pixels per inch of the page.
    Dpi(f32),
}

impl Default for Size {
    fn default() -> Size {
        Size::Width(800)
    }
}

impl Size {
    /// Checks the size is one maquette makes (1–10 000 pixels wide, 10–1 200 dpi).
    pub fn check(self) -> Result<Size> {
        let ok = match self {
            Size::Width(w) => (1..=MAX_WIDTH).contains(&w),
            Size::Dpi(d) => (10.0..=MAX_DPI).contains(&d),
        };
        match ok {
            true => Ok(self),
            false => Err(Error::input(
                Problem::new(format!(
                    "{self:?} is not a size maquette makes page images at"
                ))
                .hint("give `--png-width` from 1 to 10000 pixels, or `--dpi` from 10 to 1200"),
            )),
        }
    }
}

/// One page image.
pub struct PageImage {
    /// The PNG file's bytes.
    pub png: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Rasterises the pages of `pdf` (all of them, or the 0-based `only` ones)
/// on white at `size`, as PNG images.
pub fn pages(pdf: &[u8], size: Size, only: Option<&[usize]>) -> Result<Vec<PageImage>> {
    let size = size.check()?;
    let fail = |what: String| {
        Error::output(Problem::new(what).hint("this is a bug in maquette; please report it"))
    };
    let pdf = Pdf::new(pdf.to_vec())
        .map_err(|e| fail(format!("cannot read back the PDF to make images: {e:?}")))?;
    let count = pdf.pages().len();
    if let Some(&missing) = only.and_then(|o| o.iter().find(|&&p| p >= count)) {
        return Err(Error::input(
            Problem::new(format!(
                "there is no page {} in {count} pages",
                missing.wrapping_add(1)
            ))
            .hint("pages count from 1, the first page is 1"),
        ));
    }
    let cache = RenderCache::new();
    let interpreter = InterpreterSettings::default();
    let settings = RenderSettings::default();
    let mut out = Vec::new();
    for (i, page) in pdf.pages().iter().enumerate() {
        if only.is_some_and(|o| !o.contains(&i)) {
            continue;
        }
        let (w, h) = page.render_dimensions();
        let scale = match size {
            Size::Width(px) => px as f64 / w as f64,
            Size::Dpi(dpi) => dpi as f64 / 72.0,
        };
        let px = |v: f32| ((v as f64 * scale).round() as u32).clamp(1, u16::MAX as u32) as u16;
        let (pw, ph) = (px(w), px(h));
        let mut ctx = RenderContext::new(pw, ph);
        let transform = Affine::scale(scale) * page.initial_transform(true).to_kurbo();
        render_into(page, &cache, &interpreter, &settings, &mut ctx, transform);
        ctx.flush();
        let mut pixmap = Pixmap::new(pw, ph);
        ctx.render_with(
            &mut pixmap,
            &mut Resources::default(),
            RasterizerSettings {
                target_init: TargetInit::Clear(WHITE),
                ..Default::default()
            },
        );
        let png = pixmap
            .into_png()
            .map_err(|e| fail(format!("cannot encode page {} as PNG: {e}", i + 1)))?;
        out.push(PageImage {
            png,
            width: pw as u32,
            height: ph as u32,
        });
    }
    Ok(out)
}
