//! maquette lays out print newsletters.
pub mod compose;
pub mod error;
pub mod fonts;
pub mod model;
pub mod units;
