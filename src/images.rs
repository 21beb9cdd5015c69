//! Images: SVG (kept as vectors), PNG and JPEG (passed through unchanged),
//! each read once however often it is placed.

use crate::error::{Error, Problem, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use usvg::{Group, Node, Paint};

/// An image ready for the PDF writer.
pub enum Picture {
    /// A vector drawing.
    Svg(Arc<usvg::Tree>),
    /// A raster image (JPEG data is embedded as it is).
    Raster(krilla::image::Image),
}

/// A loaded image and its size.
pub struct LoadedImage {
    /// Where it was read from.
    pub path: PathBuf,
    /// The drawing or pixels.
    pub picture: Picture,
    /// Natural width (pixels, or SVG user units).
    pub width: f32,
    /// Natural height.
    pub height: f32,
    /// Whether the drawing has text, which is not drawn (no fonts are given to SVG).
    pub drops_text: bool,
}

/// Index of an image in an [`ImageStore`].
pub type ImageId = usize;

/// The most pixels a raster image may have (its size is read from its header
/// before it is decoded): 100 million, a 10 000 × 10 000 image.
pub const MAX_PIXELS: u64 = 100_000_000;

/// Checks a PNG or JPEG before decoding: its header's size within
/// [`MAX_PIXELS`], and the file whole (PNG's end chunk, JPEG's end marker).
fn check_raster(bytes: &[u8], png: bool) -> std::result::Result<(), String> {
    let size =
        imagesize::blob_size(bytes).map_err(|e| format!("its header cannot be read ({e})"))?;
    let pixels = size.width as u64 * size.height as u64;
    if pixels > MAX_PIXELS {
        return Err(format!(
            "it is {} × {} pixels, more than the {} million maquette reads; scale it down",
            size.width,
            size.height,
            MAX_PIXELS / 1_000_000
        ));
    }
    let whole = if png {
        bytes.len() >= 12 && &bytes[bytes.len() - 8..bytes.len() - 4] == b"IEND"
    } else {
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        tail.windows(2).any(|w| w == [0xFF, 0xD9])
    };
    if !whole {
        return Err("the file is cut short (its end marker is missing): export it again".into());
    }
    Ok(())
}

/// The images of a document, each loaded once.
#[derive(Default)]
pub struct ImageStore {
    images: Vec<LoadedImage>,
    by_path: HashMap<PathBuf, ImageId>,
}

impl ImageStore {
    /// Loads an image (or returns the one already loaded from this path).
    pub fn load(&mut self, path: &Path) -> Result<ImageId> {
        if let Some(&id) = self.by_path.get(path) {
            return Ok(id);
        }
        let bytes = crate::error::map_input(path, "image file", crate::error::MAX_IMAGE_BYTES)?;
        let bad = |why: String| {
            Error::input(
                Problem::new(format!("cannot use this image: {why}"))
                    .in_file(path)
                    .hint("give an SVG, PNG or JPEG file"),
            )
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let image = match ext.as_str() {
            "svg" => {
                let tree = usvg::Tree::from_data(&bytes, &usvg::Options::default())
                    .map_err(|e| bad(e.to_string()))?;
                let size = tree.size();
                LoadedImage {
                    path: path.to_path_buf(),
                    width: size.width(),
                    height: size.height(),
                    picture: Picture::Svg(Arc::new(tree)),
                    drops_text: bytes.windows(5).any(|w| w == b"<text"),
                }
            }
            "png" | "jpg" | "jpeg" => {
                check_raster(&bytes, ext == "png").map_err(bad)?;
                let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
                let data: krilla::Data = shared.into();
                // No `/Interpolate`: PDF/A (the web edition) and PDF/X (the
                // print edition) both forbid asking the viewer to smooth an image.
                let img = if ext == "png" {
                    krilla::image::Image::from_png(data, false)
                } else {
                    krilla::image::Image::from_jpeg(data, false)
                }
                .map_err(bad)?;
                let (w, h) = img.size();
                LoadedImage {
                    path: path.to_path_buf(),
                    width: w as f32,
                    height: h as f32,
                    picture: Picture::Raster(img),
                    drops_text: false,
                }
            }
            other => return Err(bad(format!("unknown image type `.{other}`"))),
        };
        if image.width <= 0.0 || image.height <= 0.0 {
            return Err(bad("it has no size".into()));
        }
        self.images.push(image);
        let id = self.images.len() - 1;
        self.by_path.insert(path.to_path_buf(), id);
        Ok(id)
    }

    /// The files the images were read from.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.images.iter().map(|i| i.path.as_path())
    }

    /// The image with this id.
    pub fn get(&self, id: ImageId) -> &LoadedImage {
        &self.images[id]
    }

    /// Height divided by width.
    pub fn aspect(&self, id: ImageId) -> f32 {
        let i = &self.images[id];
        i.height / i.width
    }
}

/// Can this drawing be drawn with flat CMYK colours?
pub fn svg_is_flat(tree: &usvg::Tree) -> bool {
    flat_group(tree.root())
}

/// The flat RGB colours a drawing uses, as `#rrggbb`.
pub fn svg_colors(tree: &usvg::Tree) -> Vec<String> {
    let mut out = Vec::new();
    collect_colors(tree.root(), &mut out);
    out.sort();
    out.dedup();
    out
}

fn flat_group(g: &Group) -> bool {
    g.clip_path().is_none()
        && g.mask().is_none()
        && g.filters().is_empty()
        && g.children().iter().all(|n| match n {
            Node::Group(g) => flat_group(g),
            Node::Path(p) => {
                let flat = |paint: &Paint| matches!(paint, Paint::Color(_));
                p.fill().is_none_or(|f| flat(f.paint()))
                    && p.stroke().is_none_or(|s| flat(s.paint()))
            }
            Node::Image(_) | Node::Text(_) => false,
        })
}

fn collect_colors(g: &Group, out: &mut Vec<String>) {
    for n in g.children() {
        match n {
            Node::Group(g) => collect_colors(g, out),
            Node::Path(p) => {
                let paints = p
                    .fill()
                    .map(|f| f.paint())
                    .into_iter()
                    .chain(p.stroke().map(|s| s.paint()));
                for paint in paints {
                    if let Paint::Color(c) = paint {
                        out.push(format!("#{:02x}{:02x}{:02x}", c.red, c.green, c.blue));
                    }
                }
            }
            _ => {}
        }
    }
}
