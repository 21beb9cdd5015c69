//! Lengths as types: PostScript points for everything the engine computes,
//! millimetres only where a human writes a position in the layout file.

use serde::Deserialize;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// Points per millimetre (72 pt = 25.4 mm).
const PT_PER_MM: f32 = 72.0 / 25.4;

/// A length in PostScript points (1/72 inch), the engine's working unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Pt(pub f32);

/// A length in millimetres, as written in layout files.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Mm(pub f32);

impl Mm {
    /// This length in points.
    pub fn to_pt(self) -> Pt {
        Pt(self.0 * PT_PER_MM)
    }
}

impl From<Mm> for Pt {
    fn from(mm: Mm) -> Pt {
        mm.to_pt()
    }
}

impl Pt {
    /// Zero points.
    pub const ZERO: Pt = Pt(0.0);

    /// This length in millimetres.
    pub fn to_mm(self) -> Mm {
        Mm(self.0 / PT_PER_MM)
    }

    /// The larger of two lengths.
    pub fn max(self, other: Pt) -> Pt {
        Pt(self.0.max(other.0))
    }

    /// The smaller of two lengths.
    pub fn min(self, other: Pt) -> Pt {
        Pt(self.0.min(other.0))
    }
}

impl Add for Pt {
    type Output = Pt;
    fn add(self, o: Pt) -> Pt {
        Pt(self.0 + o.0)
    }
}

impl AddAssign for Pt {
    fn add_assign(&mut self, o: Pt) {
        self.0 += o.0;
    }
}

impl Sub for Pt {
    type Output = Pt;
    fn sub(self, o: Pt) -> Pt {
        Pt(self.0 - o.0)
    }
}

impl SubAssign for Pt {
    fn sub_assign(&mut self, o: Pt) {
        self.0 -= o.0;
    }
}

impl Neg for Pt {
    type Output = Pt;
    fn neg(self) -> Pt {
        Pt(-self.0)
    }
}

impl Mul<f32> for Pt {
    type Output = Pt;
    fn mul(self, k: f32) -> Pt {
        Pt(self.0 * k)
    }
}

impl Div<f32> for Pt {
    type Output = Pt;
    fn div(self, k: f32) -> Pt {
        Pt(self.0 / k)
    }
}

impl Div for Pt {
    type Output = f32;
    fn div(self, o: Pt) -> f32 {
        self.0 / o.0
    }
}

/// A rectangle on the page, top-left origin, y growing downwards.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: Pt,
    /// Top edge.
    pub y: Pt,
    /// Width.
    pub w: Pt,
    /// Height.
    pub h: Pt,
}

impl Rect {
    /// The rectangle shrunk by an inset on each side.
    pub fn inset(self, top: Pt, right: Pt, bottom: Pt, left: Pt) -> Rect {
        Rect {
            x: self.x + left,
            y: self.y + top,
            w: (self.w - left - right).max(Pt::ZERO),
            h: (self.h - top - bottom).max(Pt::ZERO),
        }
    }

    /// The bottom edge.
    pub fn bottom(self) -> Pt {
        self.y + self.h
    }

    /// The right edge.
    pub fn right(self) -> Pt {
        self.x + self.w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a4_width_in_points() {
        assert!((Mm(210.0).to_pt().0 - 595.2756).abs() < 1e-3);
        assert!((Pt(72.0).to_mm().0 - 25.4).abs() < 1e-4);
    }
}
