//! Paints a synthetic, photo-like stand-in picture for the newsletter:
//! new information panels inaugurated along a park path, with the slag
//! heaps (terrils) of the mining basin on the horizon.
//!
//! Everything is computed procedurally from a fixed-seed xorshift generator,
//! so two runs write byte-identical files. Run it with:
//!
//! ```sh
//! cargo run --release --example make_photo
//! ```
//!
//! It writes `examples/images/panneaux.jpg` (1500×1000, JPEG quality 85).

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::PathBuf;

use image::codecs::jpeg::JpegEncoder;
use image::ExtendedColorType;

/// Picture width in pixels.
const W: usize = 1500;
/// Picture height in pixels.
const H: usize = 1000;
/// Screen row of the horizon.
const HORIZON: f32 = 590.0;
/// Screen column the camera looks at.
const CENTRE_X: f32 = 700.0;
/// Focal length in pixels.
const FOCAL: f32 = 1000.0;
/// Camera height above the ground, in metres.
const EYE: f32 = 1.6;
/// Colour of the haze that distant things fade into.
const HAZE: Rgb = [0.80, 0.85, 0.88];

/// An RGB colour with components in 0..1.
type Rgb = [f32; 3];

/// Hand-written xorshift64* generator: the only source of randomness.
struct XorShift(u64);

impl XorShift {
    /// Returns the next raw 64-bit value.
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Returns a uniform float in 0..1.
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Returns a uniform float in `lo..hi`.
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Returns a roughly Gaussian float with zero mean and unit variance.
    fn gauss(&mut self) -> f32 {
        (self.unit() + self.unit() + self.unit() + self.unit() - 2.0) * 1.732
    }
}

/// Smooth value noise on a 256×256 lattice filled from the generator.
struct Noise {
    grid: Vec<f32>,
}

impl Noise {
    /// Fills the lattice with uniform values.
    fn new(rng: &mut XorShift) -> Self {
        Noise {
            grid: (0..256 * 256).map(|_| rng.unit()).collect(),
        }
    }

    /// Returns the lattice value at integer coordinates, wrapping around.
    fn cell(&self, x: i64, y: i64) -> f32 {
        self.grid[((y & 255) * 256 + (x & 255)) as usize]
    }

    /// Returns smoothly interpolated noise in 0..1.
    fn at(&self, x: f32, y: f32) -> f32 {
        let (fx, fy) = (x.floor(), y.floor());
        let (ix, iy) = (fx as i64, fy as i64);
        let (tx, ty) = (smooth(x - fx), smooth(y - fy));
        let top = lerp(self.cell(ix, iy), self.cell(ix + 1, iy), tx);
        let bottom = lerp(self.cell(ix, iy + 1), self.cell(ix + 1, iy + 1), tx);
        lerp(top, bottom, ty)
    }

    /// Fractal noise in 0..1; octaves finer than `footprint` are left out.
    fn fbm(&self, x: f32, y: f32, octaves: u32, footprint: f32) -> f32 {
        let (mut sum, mut norm, mut amp, mut freq) = (0.0, 0.0, 1.0, 1.0);
        let (mut px, mut py) = (x, y);
        for _ in 0..octaves {
            let fade = 1.0 - smoothstep(0.25, 0.5, freq * footprint);
            sum += amp * fade * self.at(px, py);
            norm += amp * fade;
            (px, py) = (px * 1.6 - py * 1.2 + 17.3, px * 1.2 + py * 1.6 + 5.1);
            freq *= 2.0;
            amp *= 0.5;
        }
        if norm > 0.0 {
            sum / norm
        } else {
            0.5
        }
    }
}

/// Linear interpolation between two numbers.
fn lerp(a: f32, b: f32, t: f32) -> f32 {
    a + (b - a) * t
}

/// Cubic ease used to smooth noise interpolation.
fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

/// Hermite step from 0 at `e0` to 1 at `e1`.
fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    smooth(((x - e0) / (e1 - e0)).clamp(0.0, 1.0))
}

/// Linear interpolation between two colours.
fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        lerp(a[0], b[0], t),
        lerp(a[1], b[1], t),
        lerp(a[2], b[2], t),
    ]
}

/// Multiplies a colour by a brightness factor.
fn shade(c: Rgb, k: f32) -> Rgb {
    [c[0] * k, c[1] * k, c[2] * k]
}

/// Projects a world point (lateral metres, height metres, depth metres) to the screen.
fn project(x: f32, y: f32, z: f32) -> (f32, f32) {
    (CENTRE_X + FOCAL * x / z, HORIZON + FOCAL * (EYE - y) / z)
}

/// The floating-point picture being painted.
struct Canvas {
    px: Vec<Rgb>,
}

impl Canvas {
    /// Creates a black canvas.
    fn new() -> Self {
        Canvas {
            px: vec![[0.0; 3]; W * H],
        }
    }

    /// Blends colour `c` over pixel (x, y) with opacity `a`, ignoring out-of-range pixels.
    fn blend(&mut self, x: i64, y: i64, c: Rgb, a: f32) {
        if a <= 0.0 || x < 0 || y < 0 || x >= W as i64 || y >= H as i64 {
            return;
        }
        let p = &mut self.px[y as usize * W + x as usize];
        *p = mix(*p, c, a.min(1.0));
    }

    /// Applies a separable 3-tap box blur, `passes` times.
    fn soften(&mut self, passes: usize) {
        for _ in 0..passes {
            self.box_pass(1, W);
            self.box_pass(W, H);
        }
    }

    /// One box-blur pass along the axis whose neighbour stride is `step`.
    fn box_pass(&mut self, step: usize, len: usize) {
        let src = self.px.clone();
        for (i, p) in self.px.iter_mut().enumerate() {
            let pos = if step == 1 { i % W } else { i / W };
            let a = if pos > 0 { src[i - step] } else { src[i] };
            let b = if pos + 1 < len { src[i + step] } else { src[i] };
            for k in 0..3 {
                p[k] = (a[k] + src[i][k] + b[k]) / 3.0;
            }
        }
    }

    /// Converts to 8-bit RGB bytes.
    fn to_bytes(&self) -> Vec<u8> {
        self.px
            .iter()
            .flat_map(|c| c.map(|v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8))
            .collect()
    }
}

/// One information panel on its posts, standing on the ground facing the camera.
struct Sign {
    /// Lateral position of the panel centre, in metres.
    x: f32,
    /// Distance from the camera, in metres.
    z: f32,
    /// Panel width in metres.
    width: f32,
    /// Height of the panel's lower edge above the ground, in metres.
    bottom: f32,
    /// Height of the panel's upper edge above the ground, in metres.
    top: f32,
    /// Lateral offsets of the posts from the panel centre, in metres.
    posts: Vec<f32>,
    /// Main colour of the panel face.
    colour: Rgb,
    /// Whether a tricolour inauguration ribbon hangs between the posts.
    ribbon: bool,
}

/// The three panels of the scene, farthest first.
fn signs() -> Vec<Sign> {
    vec![
        Sign {
            x: 5.4,
            z: 30.0,
            width: 0.7,
            bottom: 0.25,
            top: 2.1,
            posts: vec![0.0],
            colour: [0.16, 0.34, 0.24],
            ribbon: false,
        },
        Sign {
            x: -3.3,
            z: 12.0,
            width: 1.3,
            bottom: 1.0,
            top: 2.0,
            posts: vec![-0.45, 0.45],
            colour: [0.45, 0.26, 0.14],
            ribbon: false,
        },
        Sign {
            x: 2.9,
            z: 7.0,
            width: 1.7,
            bottom: 1.05,
            top: 2.15,
            posts: vec![-0.65, 0.65],
            colour: [0.12, 0.43, 0.47],
            ribbon: true,
        },
    ]
}

/// Paints the sky gradient, sun glow and soft clouds.
fn paint_sky(c: &mut Canvas, noise: &Noise) {
    for y in 0..HORIZON as usize + 2 {
        for x in 0..W {
            let t = (y as f32 / HORIZON).powf(1.4);
            let mut col = mix([0.34, 0.54, 0.79], [0.82, 0.87, 0.91], t);
            let (dx, dy) = (x as f32 + 200.0, y as f32 + 150.0);
            let glow = (-(dx * dx + dy * dy) / 900_000.0).exp();
            col = mix(col, [1.0, 0.97, 0.90], 0.3 * glow);
            let (fx, fy) = (x as f32 / 380.0, y as f32 / 120.0);
            let cover = smoothstep(0.50, 0.72, noise.fbm(fx, fy, 6, 0.0));
            let body = noise.fbm(fx * 1.7 + 3.0, fy * 1.7 - 0.12, 5, 0.0);
            let cloud = mix([0.74, 0.77, 0.82], [0.99, 0.98, 0.96], body);
            let fade = smoothstep(HORIZON, HORIZON * 0.45, y as f32);
            col = mix(col, cloud, cover * fade * 0.9);
            c.px[y * W + x] = col;
        }
    }
}

/// Height in pixels of a cone-shaped slag heap at horizontal distance `u` (0 at peak, 1 at foot).
fn cone_profile(u: f32) -> f32 {
    let r = 0.07;
    let top = (u * u + r * r).sqrt() - r;
    let foot = (1.0 + r * r).sqrt() - r;
    (1.0 - top / foot).max(0.0).powf(1.15)
}

/// Paints one slag heap: peak column, left and right spread and height in pixels, colour, haze.
fn paint_terril(c: &mut Canvas, noise: &Noise, heap: [f32; 4], base: Rgb, haze: f32) {
    let [cx, left, right, height] = heap;
    let foot = HORIZON + 4.0;
    for x in (cx - left) as i64..=(cx + right) as i64 {
        let u = (x as f32 - cx) / if (x as f32) < cx { left } else { right };
        let ridge = noise.fbm(x as f32 / 9.0, cx, 3, 0.0) * 3.0;
        let top = foot - height * cone_profile(u.abs()) - ridge + 1.5;
        for y in (top.floor() as i64).max(0)..foot as i64 {
            let cover = (y as f32 + 1.0 - top).clamp(0.0, 1.0);
            let light = 0.95 - 0.28 * (u * 9.0).tanh();
            let depth = ((y as f32 - top) / height).min(1.0);
            let ray = (x as f32 - cx) / (y as f32 - foot + height + 10.0);
            let gully = noise.fbm(ray * 30.0 + cx, y as f32 / 25.0, 4, 0.0);
            let patch = noise.fbm(x as f32 / 30.0, y as f32 / 18.0 + cx, 4, 0.0);
            let streak = 1.0 + 1.6 * (gully - 0.5);
            let mut col = shade(base, light * streak * (0.85 + 0.3 * patch));
            let scrub = noise.fbm(x as f32 / 14.0 + cx, y as f32 / 8.0, 4, 0.0);
            let green = smoothstep(0.5, 0.62, scrub) * smoothstep(0.3, 0.8, depth);
            col = mix(col, shade([0.26, 0.40, 0.18], light * streak), green);
            col = mix(col, HAZE, haze + 0.15 * depth);
            c.blend(x, y, col, cover);
        }
    }
}

/// The slag heaps on the horizon, back to front: peak column, left and right
/// spread and height in pixels, base colour, and how much haze veils them.
const TERRILS: [([f32; 4], Rgb, f32); 4] = [
    ([1190.0, 300.0, 380.0, 105.0], [0.30, 0.40, 0.24], 0.55),
    ([310.0, 230.0, 260.0, 160.0], [0.25, 0.24, 0.24], 0.42),
    ([530.0, 250.0, 290.0, 192.0], [0.24, 0.23, 0.23], 0.36),
    ([935.0, 170.0, 230.0, 62.0], [0.33, 0.43, 0.26], 0.45),
];

/// Paints the row of slag heaps on the horizon.
fn paint_terrils(c: &mut Canvas, noise: &Noise) {
    for (heap, base, haze) in TERRILS {
        paint_terril(c, noise, heap, base, haze);
    }
}

/// Height in pixels of the tree line above the horizon, for every column.
fn treeline_heights(noise: &Noise, rng: &mut XorShift) -> Vec<f32> {
    let mut h: Vec<f32> = (0..W)
        .map(|x| 8.0 + noise.fbm(x as f32 / 70.0, 40.0, 5, 0.0) * 16.0)
        .collect();
    for _ in 0..150 {
        let (cx, r) = (rng.range(-30.0, W as f32 + 30.0), rng.range(7.0, 24.0));
        let lift = rng.range(6.0, 22.0) * noise.fbm(cx / 300.0, 9.0, 3, 0.0);
        for (x, hx) in h.iter_mut().enumerate() {
            let dx = (x as f32 - cx) / r;
            *hx = hx.max(lift + r * 0.8 * (1.0 - dx * dx).max(0.0).sqrt());
        }
    }
    h
}

/// Paints the band of trees and hedges along the horizon.
fn paint_treeline(c: &mut Canvas, noise: &Noise, rng: &mut XorShift) {
    for (x, crowns) in treeline_heights(noise, rng).into_iter().enumerate() {
        let (x, fx) = (x as i64, x as f32);
        let top = HORIZON - 4.0 - crowns - noise.at(fx / 3.0, 7.0) * 2.0;
        for y in top.floor() as i64..HORIZON as i64 + 3 {
            let cover = (y as f32 + 1.0 - top).clamp(0.0, 1.0);
            let leaf = noise.fbm(fx / 5.0, y as f32 / 4.0, 3, 0.0);
            let lit = 1.15 - 0.5 * ((y as f32 - top) / 40.0).min(1.0);
            let col = shade([0.20, 0.32, 0.15], lit * (0.7 + 0.6 * leaf));
            c.blend(x, y, mix(col, HAZE, 0.30), cover);
        }
    }
}

/// Lateral position of the path's centre line at depth `z`, in metres.
fn path_centre(z: f32) -> f32 {
    -0.6 + 3.0 * (z / 25.0).sin()
}

/// Fraction (0..1) of the ground pixel at world (x, z) that is gravel path.
fn path_cover(noise: &Noise, x: f32, z: f32, px_per_m: f32) -> f32 {
    let ragged = (noise.fbm(z * 1.5, x * 0.2, 4, 1.5 / px_per_m) - 0.5) * 0.35;
    let edge = 1.3 + ragged - (x - path_centre(z)).abs();
    smoothstep(-0.7, 0.7, edge * px_per_m)
}

/// Fraction (0..1) of sunlight blocked at ground point (x, z) by the signs.
fn shadow_at(signs: &[Sign], x: f32, z: f32) -> f32 {
    let mut dark: f32 = 0.0;
    for s in signs {
        let h = (z - s.z) / 0.55;
        if h <= 0.0 {
            continue;
        }
        let sx = x - 0.75 * h - s.x;
        let soft = 0.03 + 0.04 * h;
        let span = |half: f32| smoothstep(-soft, soft, half - sx.abs());
        let within = |lo: f32, hi: f32| smoothstep(-soft, soft, (h - lo).min(hi - h));
        let mut d = span(s.width / 2.0) * within(s.bottom, s.top);
        for p in &s.posts {
            let post = smoothstep(-soft, soft, 0.05 - (sx - p).abs()) * within(-1.0, s.bottom);
            d = d.max(post);
        }
        dark = dark.max(d);
    }
    dark
}

/// Colour of the lawn at world (x, z); `foot` is the pixel footprint in metres.
fn grass_colour(noise: &Noise, x: f32, z: f32, foot: f32, blades: f32) -> Rgb {
    let patches = noise.fbm(x / 6.0, z / 6.0, 4, foot / 6.0);
    let tuft = noise.fbm(x * 3.0, z * 3.0, 5, foot * 3.0);
    let near = smoothstep(14.0, 4.0, z);
    let mut grass = mix(
        [0.55, 0.60, 0.43],
        [0.36, 0.47, 0.22],
        smoothstep(120.0, 6.0, z),
    );
    let lush = smoothstep(0.55, 0.8, patches) * 0.6;
    grass = mix(grass, [0.56, 0.60, 0.30], lush);
    grass = mix(
        grass,
        [0.22, 0.34, 0.14],
        smoothstep(0.45, 0.2, patches) * 0.5,
    );
    grass = shade(grass, 0.78 + 0.4 * tuft + 0.2 * blades * near * near);
    let off = (x - path_centre(z)).abs();
    mix(grass, [0.52, 0.52, 0.34], 0.35 * smoothstep(1.9, 1.3, off))
}

/// Colour of the gravel path at world (x, z): lighter where it is most walked on.
fn gravel_colour(noise: &Noise, x: f32, z: f32, foot: f32) -> Rgb {
    let grit = noise.fbm(x * 12.0, z * 12.0, 4, foot * 12.0);
    let off = (x - path_centre(z)).abs();
    let worn = smoothstep(1.2, 0.0, off);
    let gravel = mix([0.66, 0.60, 0.50], [0.84, 0.78, 0.66], 0.3 + 0.5 * worn);
    let lip = 1.0 - 0.12 * smoothstep(0.9, 1.3, off);
    shade(gravel, (0.85 + 0.3 * grit) * lip)
}

/// Colour of the ground (grass or gravel) at screen pixel (x, y).
fn ground_colour(noise: &Noise, signs: &[Sign], x: usize, y: usize) -> Rgb {
    let dy = (y as f32 + 0.5 - HORIZON).max(0.3);
    let z = FOCAL * EYE / dy;
    let wx = (x as f32 - CENTRE_X) * z / FOCAL;
    let px_per_m = FOCAL / z;
    let blades = noise.at(x as f32 / 2.2, y as f32 / 14.0) - 0.5;
    let grass = grass_colour(noise, wx, z, 1.0 / px_per_m, blades);
    let gravel = gravel_colour(noise, wx, z, 1.0 / px_per_m);
    let mut col = mix(grass, gravel, path_cover(noise, wx, z, px_per_m));
    col = shade(col, 1.0 - 0.45 * shadow_at(signs, wx, z));
    mix(col, HAZE, smoothstep(20.0, 400.0, z) * 0.55)
}

/// Paints the lawn and the gravel path from the horizon to the bottom edge.
fn paint_ground(c: &mut Canvas, noise: &Noise, signs: &[Sign]) {
    for y in HORIZON as usize..H {
        for x in 0..W {
            c.px[y * W + x] = ground_colour(noise, signs, x, y);
        }
    }
}

/// A leafy tree standing in the park: lateral position, depth, height and crown radius in metres.
struct Tree {
    x: f32,
    z: f32,
    height: f32,
    crown: f32,
}

/// The scattered park trees, farthest first.
fn trees() -> Vec<Tree> {
    let t = |x, z, height, crown| Tree {
        x,
        z,
        height,
        crown,
    };
    vec![
        t(-26.0, 75.0, 9.0, 3.2),
        t(38.0, 70.0, 10.0, 3.6),
        t(-33.0, 55.0, 8.0, 3.0),
        t(-20.0, 60.0, 6.0, 2.6),
        t(33.0, 52.0, 9.0, 3.4),
    ]
}

/// Crown density at crown coordinates (dx, dy) in radii: a union of a few leaf masses.
fn crown_density(blobs: &[[f32; 3]], dx: f32, dy: f32) -> f32 {
    blobs
        .iter()
        .map(|[bx, by, br]| 1.0 - ((dx - bx).powi(2) + (dy - by).powi(2)).sqrt() / br)
        .fold(-1.0, f32::max)
}

/// Darkens the grass with the soft shadow a tree standing at screen (gx, gy) casts.
fn paint_tree_shadow(c: &mut Canvas, gx: f32, gy: f32, px: f32) {
    for y in (gy - 0.6 * px) as i64..(gy + 0.4 * px) as i64 {
        for x in (gx - 1.5 * px) as i64..(gx + 5.0 * px) as i64 {
            let (dx, dy) = ((x as f32 - gx) / px - 1.6, (y as f32 - gy) / px + 0.1);
            let d = (dx / 3.0).powi(2) + (dy / 0.25).powi(2);
            c.blend(x, y, [0.0; 3], 0.35 * smoothstep(1.0, 0.4, d));
        }
    }
}

/// Picks the leaf masses of a crown: centre offsets and radii, in crown radii.
fn crown_blobs(rng: &mut XorShift) -> Vec<[f32; 3]> {
    let mut blobs = vec![[0.0, 0.1, 0.75]];
    for i in 0..7 {
        let a = i as f32 * 0.9 + rng.range(0.0, 0.6);
        let d = rng.range(0.35, 0.6);
        blobs.push([a.cos() * d, a.sin() * d * 1.15, rng.range(0.35, 0.5)]);
    }
    blobs
}

/// Paints a lumpy, sunlit crown of radius `r` pixels centred on screen (cx, cy).
fn paint_crown(c: &mut Canvas, noise: &Noise, blobs: &[[f32; 3]], (cx, cy): (f32, f32), r: f32) {
    for y in (cy - 1.4 * r) as i64..(cy + 1.2 * r) as i64 {
        for x in (cx - 1.3 * r) as i64..(cx + 1.3 * r) as i64 {
            let (dx, dy) = ((x as f32 - cx) / r, (y as f32 - cy) / r);
            let lump = noise.fbm(x as f32 / (r * 0.2), y as f32 / (r * 0.2), 4, 0.0);
            let dense = crown_density(blobs, dx, dy) + 0.35 * (lump - 0.5);
            let leaf = noise.fbm(x as f32 / 2.0, y as f32 / 2.0, 3, 0.0);
            let light = 0.8 - 0.3 * (dx * 0.6 + dy * 0.8) + 0.8 * (lump - 0.5) + 0.6 * dense;
            let col = shade([0.22, 0.33, 0.15], light.max(0.3) * (0.75 + 0.5 * leaf));
            let cover = (dense * r * 0.6).clamp(0.0, 1.0);
            c.blend(x, y, mix(col, HAZE, 0.3), cover);
        }
    }
}

/// Paints one tree: ground shadow, trunk and crown.
fn paint_tree(c: &mut Canvas, noise: &Noise, rng: &mut XorShift, t: &Tree) {
    let px = FOCAL / t.z;
    let (gx, gy) = project(t.x, 0.0, t.z);
    paint_tree_shadow(c, gx, gy, px);
    let centre = project(t.x, t.height - t.crown, t.z);
    paint_post(c, gx, 0.15 * px, centre.1, gy + 1.0, [0.36, 0.30, 0.24]);
    paint_crown(c, noise, &crown_blobs(rng), centre, t.crown * px);
}

/// Scatters small white and yellow wild flowers over the grass.
fn paint_flowers(c: &mut Canvas, noise: &Noise, rng: &mut XorShift) {
    for _ in 0..1400 {
        let z = 4.0 + 60.0 * rng.unit().powi(2);
        let x = rng.range(-1.2, 1.2) * z;
        let size = (0.018 * FOCAL / z).max(0.6);
        let yellow = rng.unit() < 0.4;
        let meadow = noise.fbm(x / 3.0 + 50.0, z / 3.0, 3, 0.0);
        if meadow < 0.58 || path_cover(noise, x, z, FOCAL / z) > 0.1 {
            continue;
        }
        let (sx, sy) = project(x, 0.0, z);
        let col = if yellow {
            [0.93, 0.82, 0.32]
        } else {
            [0.93, 0.93, 0.88]
        };
        paint_disc(c, sx, sy - size, size, col, 0.7);
    }
}

/// Paints an anti-aliased disc.
fn paint_disc(c: &mut Canvas, cx: f32, cy: f32, r: f32, col: Rgb, alpha: f32) {
    for y in (cy - r - 1.0) as i64..=(cy + r + 1.0) as i64 {
        for x in (cx - r - 1.0) as i64..=(cx + r + 1.0) as i64 {
            let d = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
            c.blend(x, y, col, alpha * (r + 0.5 - d).clamp(0.0, 1.0));
        }
    }
}

/// Paints tall foreground grass blades as thin curved strokes.
fn paint_blades(c: &mut Canvas, noise: &Noise, rng: &mut XorShift) {
    for _ in 0..9000 {
        let (x, y) = (
            rng.range(-20.0, W as f32 + 20.0),
            rng.range(800.0, H as f32 + 10.0),
        );
        let z = FOCAL * EYE / (y - HORIZON);
        let wx = (x - CENTRE_X) * z / FOCAL;
        if path_cover(noise, wx, z, FOCAL / z) > 0.3 {
            continue;
        }
        let len = rng.range(0.04, 0.12) * FOCAL / z;
        let lean = rng.gauss() * 0.35;
        let col = shade([0.32, 0.50, 0.18], rng.range(0.7, 1.3));
        for i in 0..len as usize {
            let t = i as f32 / len;
            let bx = x + lean * len * t * t;
            c.blend(bx as i64, (y - i as f32) as i64, col, 0.55 * (1.0 - t));
        }
    }
}

/// Signed distance in pixels from (x, y) to a rounded rectangle (negative inside).
fn rounded_rect(x: f32, y: f32, rect: [f32; 4], radius: f32) -> f32 {
    let (cx, cy) = ((rect[0] + rect[2]) / 2.0, (rect[1] + rect[3]) / 2.0);
    let (hw, hh) = ((rect[2] - rect[0]) / 2.0, (rect[3] - rect[1]) / 2.0);
    let qx = (x - cx).abs() - hw + radius;
    let qy = (y - cy).abs() - hh + radius;
    qx.max(qy).min(0.0) + (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt() - radius
}

/// Paints one post or trunk as a shaded cylinder between two screen rows.
fn paint_post(c: &mut Canvas, cx: f32, half: f32, top: f32, bottom: f32, col: Rgb) {
    for y in top as i64..bottom as i64 {
        for x in (cx - half - 1.0) as i64..=(cx + half + 1.0) as i64 {
            let u = (x as f32 + 0.5 - cx) / half;
            let cover = (half + 0.5 - (x as f32 + 0.5 - cx).abs()).clamp(0.0, 1.0);
            let light = 0.55 + 0.45 * (1.0 - (u + 0.35).powi(2)).max(0.0);
            c.blend(x, y, shade(col, light), cover);
        }
    }
}

/// A light block printed on a panel: rectangle in 0..1 panel coordinates and its colour.
type Block = ([f32; 4], Rgb);

/// Lays out the pale "text" bars, logo and picture frame of a panel.
fn panel_layout(rng: &mut XorShift, base: Rgb, tall: bool) -> (Vec<Block>, [f32; 4]) {
    let paper = mix(base, [0.97, 0.97, 0.94], 0.78);
    let mut blocks = vec![
        ([0.07, 0.06, 0.62, 0.15], [0.97, 0.97, 0.94]),
        ([0.80, 0.05, 0.93, 0.16], [0.65, 0.86, 0.79]),
    ];
    let (text_right, rows) = if tall { (0.93, 11) } else { (0.55, 7) };
    let first = if tall { 0.48 } else { 0.26 };
    let pitch = (0.93 - first) / rows as f32;
    for i in 0..rows {
        let top = first + i as f32 * pitch;
        let end = if i % 4 == 3 {
            0.35
        } else {
            rng.range(0.75, 1.0)
        };
        let right = 0.07 + (text_right - 0.07) * end;
        blocks.push(([0.07, top, right, top + pitch * 0.42], paper));
    }
    let picture = if tall {
        [0.07, 0.21, 0.93, 0.42]
    } else {
        [0.60, 0.26, 0.93, 0.88]
    };
    (blocks, picture)
}

/// Colour of the little landscape photo printed on a panel, at picture coordinates (u, v).
fn panel_picture(u: f32, v: f32) -> Rgb {
    let hill = 0.62 - 0.45 * cone_profile(((u - 0.4) / 0.45).abs());
    if v > 0.72 {
        shade([0.45, 0.62, 0.28], 1.1 - 0.3 * v)
    } else if v > hill {
        shade([0.36, 0.40, 0.36], 1.15 - 0.3 * (u - 0.4).signum())
    } else {
        mix([0.55, 0.72, 0.88], [0.86, 0.90, 0.92], v / 0.6)
    }
}

/// Colour of a panel face at panel coordinates (u, v); `px` is the panel width in pixels.
fn panel_face(s: &Sign, layout: &(Vec<Block>, [f32; 4]), u: f32, v: f32, px: f32) -> Rgb {
    let sheen = 0.08 * (-(u - v * 0.6 - 0.2).powi(2) * 20.0).exp();
    let mut col = shade(s.colour, 1.08 - 0.18 * v + sheen);
    let (blocks, pic) = layout;
    for (rect, ink) in blocks {
        let d = rounded_rect(u, v, *rect, 0.01) * px;
        col = mix(col, *ink, (0.5 - d).clamp(0.0, 1.0));
    }
    let d = rounded_rect(u, v, *pic, 0.0) * px;
    let (pu, pv) = (
        (u - pic[0]) / (pic[2] - pic[0]),
        (v - pic[1]) / (pic[3] - pic[1]),
    );
    let photo = shade(panel_picture(pu, pv), 1.0 + sheen);
    let framed = mix(photo, [0.95, 0.95, 0.92], smoothstep(-1.6, -0.6, d));
    mix(col, framed, (0.5 - d).clamp(0.0, 1.0))
}

/// Paints the tricolour ribbon sagging between screen columns `left` and `right` from row `y`.
fn paint_ribbon(c: &mut Canvas, left: f32, right: f32, y: f32, width: f32) {
    let colours = [[0.10, 0.20, 0.55], [0.96, 0.96, 0.94], [0.80, 0.12, 0.15]];
    for x in left as i64..right as i64 {
        let t = (x as f32 - left) / (right - left);
        let sag = 4.0 * t * (1.0 - t) * width * 3.0;
        let top = y + sag;
        for (i, col) in colours.iter().enumerate() {
            let y0 = top + i as f32 * width / 3.0;
            for yy in y0 as i64..(y0 + width / 3.0).ceil() as i64 {
                let light = 0.9 + 0.2 * (t * 9.0).sin();
                c.blend(x, yy, shade(*col, light), 1.0);
            }
        }
    }
}

/// Paints the face of a sign's panel, with its metal rim, between screen corners.
fn paint_panel(c: &mut Canvas, s: &Sign, rng: &mut XorShift, [x0, y0, x1, y1]: [f32; 4]) {
    let px = FOCAL / s.z;
    let layout = panel_layout(rng, s.colour, s.top - s.bottom > s.width * 1.5);
    let (frame, radius) = (0.025 * px, 0.04 * px);
    for y in (y0 - 2.0) as i64..=(y1 + 2.0) as i64 {
        for x in (x0 - 2.0) as i64..=(x1 + 2.0) as i64 {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let d = rounded_rect(fx, fy, [x0, y0, x1, y1], radius);
            let (u, v) = ((fx - x0) / (x1 - x0), (fy - y0) / (y1 - y0));
            let face = panel_face(s, &layout, u, v, x1 - x0);
            let rim = smoothstep(-frame - 0.7, -frame + 0.7, d);
            let metal = shade([0.78, 0.79, 0.80], 1.05 - 0.3 * v);
            c.blend(x, y, mix(face, metal, rim), (0.5 - d).clamp(0.0, 1.0));
        }
    }
}

/// Paints one sign: posts, panel and optional ribbon.
fn paint_sign(c: &mut Canvas, s: &Sign, rng: &mut XorShift) {
    let px = FOCAL / s.z;
    let (_, ground) = project(0.0, 0.0, s.z);
    let (_, post_top) = project(0.0, s.top - 0.1, s.z);
    for p in &s.posts {
        let (sx, _) = project(s.x + p, 0.0, s.z);
        paint_post(c, sx, 0.04 * px, post_top, ground, [0.42, 0.43, 0.45]);
    }
    let (x0, y0) = project(s.x - s.width / 2.0, s.top, s.z);
    let (x1, y1) = project(s.x + s.width / 2.0, s.bottom, s.z);
    paint_panel(c, s, rng, [x0, y0, x1, y1]);
    if s.ribbon {
        let (left, _) = project(s.x + s.posts[0], 0.0, s.z);
        let (right, ry) = project(s.x + s.posts[1], 0.85, s.z);
        paint_ribbon(c, left, right, ry, 0.06 * px);
    }
}

/// Adds film grain, a gentle contrast curve and a vignette.
fn finish(c: &mut Canvas, rng: &mut XorShift) {
    for (i, p) in c.px.iter_mut().enumerate() {
        let (x, y) = (
            (i % W) as f32 / W as f32 - 0.5,
            (i / W) as f32 / H as f32 - 0.5,
        );
        let vignette = 1.0 - 0.35 * (x * x + y * y);
        let grain = rng.gauss() * 0.022;
        for (k, v) in p.iter_mut().enumerate() {
            let tint = [1.02, 1.0, 0.97][k];
            let s = (*v * vignette * tint + grain).clamp(0.0, 1.0);
            *v = lerp(s, smooth(s), 0.25);
        }
    }
}

/// Paints the whole scene.
fn paint() -> Canvas {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let noise = Noise::new(&mut rng);
    let signs = signs();
    let mut c = Canvas::new();
    paint_sky(&mut c, &noise);
    paint_terrils(&mut c, &noise);
    paint_treeline(&mut c, &noise, &mut rng);
    paint_ground(&mut c, &noise, &signs);
    for t in &trees() {
        paint_tree(&mut c, &noise, &mut rng, t);
    }
    paint_flowers(&mut c, &noise, &mut rng);
    paint_blades(&mut c, &noise, &mut rng);
    c.soften(2);
    for s in &signs {
        paint_sign(&mut c, s, &mut rng);
    }
    c.soften(1);
    finish(&mut c, &mut rng);
    c
}

/// Paints the picture and writes it as a baseline RGB JPEG.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/images");
    fs::create_dir_all(&dir)?;
    let path = dir.join("panneaux.jpg");
    let bytes = paint().to_bytes();
    let mut out = BufWriter::new(File::create(&path)?);
    JpegEncoder::new_with_quality(&mut out, 85).encode(
        &bytes,
        W as u32,
        H as u32,
        ExtendedColorType::Rgb8,
    )?;
    println!("{}", path.display());
    Ok(())
}
