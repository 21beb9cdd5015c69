//! SVG drawings in the print edition, drawn with the layout's CMYK colours:
//! a flat colour of the drawing that is a swatch's RGB takes that swatch's
//! CMYK, any other is converted by formula (and the preflight says so). Only
//! what a logo needs is drawn this way — paths with flat fills and strokes;
//! a drawing with gradients, images, text, masks, clips or filters is left to
//! krilla-svg, colour-managed RGB.

use krilla::color::Color;
use krilla::geom::{PathBuilder, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, Stroke};
use krilla::surface::Surface;
use usvg::tiny_skia_path::PathSegment;
use usvg::{Group, Node, Paint};

/// Draws a flat drawing scaled to `w` × `h` points, its colours mapped by `color`.
pub fn draw(
    surface: &mut Surface,
    tree: &usvg::Tree,
    w: f32,
    h: f32,
    color: &dyn Fn(u8, u8, u8) -> Color,
) {
    let size = tree.size();
    surface.push_transform(&Transform::from_scale(w / size.width(), h / size.height()));
    draw_group(surface, tree.root(), color);
    surface.pop();
}

fn draw_group(surface: &mut Surface, g: &Group, color: &dyn Fn(u8, u8, u8) -> Color) {
    for n in g.children() {
        match n {
            Node::Group(g) => draw_group(surface, g, color),
            Node::Path(p) if p.is_visible() => {
                let Some(path) = convert(p.data()) else {
                    continue;
                };
                let t = p.abs_transform();
                surface.push_transform(&Transform::from_row(t.sx, t.ky, t.kx, t.sy, t.tx, t.ty));
                let paint = |paint: &Paint| match paint {
                    Paint::Color(c) => Some(color(c.red, c.green, c.blue)),
                    _ => None,
                };
                let fill = p.fill().and_then(|f| {
                    let rule = match f.rule() {
                        usvg::FillRule::NonZero => FillRule::NonZero,
                        usvg::FillRule::EvenOdd => FillRule::EvenOdd,
                    };
                    Some(Fill {
                        paint: paint(f.paint())?.into(),
                        opacity: opacity(f.opacity().get()),
                        rule,
                    })
                });
                let stroke = p.stroke().and_then(|s| {
                    Some(Stroke {
                        paint: paint(s.paint())?.into(),
                        width: s.width().get(),
                        miter_limit: s.miterlimit().get(),
                        line_cap: match s.linecap() {
                            usvg::LineCap::Butt => LineCap::Butt,
                            usvg::LineCap::Round => LineCap::Round,
                            usvg::LineCap::Square => LineCap::Square,
                        },
                        line_join: match s.linejoin() {
                            usvg::LineJoin::Miter | usvg::LineJoin::MiterClip => LineJoin::Miter,
                            usvg::LineJoin::Round => LineJoin::Round,
                            usvg::LineJoin::Bevel => LineJoin::Bevel,
                        },
                        opacity: opacity(s.opacity().get()),
                        dash: None,
                    })
                });
                surface.set_fill(fill);
                surface.set_stroke(stroke);
                surface.draw_path(&path);
                surface.set_stroke(None);
                surface.pop();
            }
            _ => {}
        }
    }
}

/// A krilla opacity.
fn opacity(o: f32) -> NormalizedF32 {
    NormalizedF32::new(o.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE)
}

/// A usvg path as a krilla path.
fn convert(data: &usvg::tiny_skia_path::Path) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    for segment in data.segments() {
        match segment {
            PathSegment::MoveTo(p) => pb.move_to(p.x, p.y),
            PathSegment::LineTo(p) => pb.line_to(p.x, p.y),
            PathSegment::QuadTo(a, p) => pb.quad_to(a.x, a.y, p.x, p.y),
            PathSegment::CubicTo(a, b, p) => pb.cubic_to(a.x, a.y, b.x, b.y, p.x, p.y),
            PathSegment::Close => pb.close(),
        }
    }
    pb.finish()
}
