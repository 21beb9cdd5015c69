//! The layout file: page geometry, swatches, fonts, styles, page masters, chains.
//!
//! It is what a designer sets once per publication; nothing in it is specific
//! to one issue. Lengths carry their unit in the field name (`x_mm`, `size_pt`).

use crate::units::{Mm, Pt};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The most pages an issue may have, whatever its layout says: a story
/// running away (a missing frame, a runaway paste) stops here.
pub const MAX_PAGES: u32 = 1000;

/// A publication's layout: everything but the words.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The JSON Schema this file follows (`schemas/layout.schema.json`), for
    /// editors that complete and check fields; maquette does not read it.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// A human name for the layout.
    pub name: String,
    /// Page size and bleed.
    pub page: PageSpec,
    /// What the print edition needs: the press's colour profile (without it,
    /// the layout makes the web edition only).
    pub print: Option<PrintSpec>,
    /// Pitch of the baseline grid that body text snaps to (styles with `grid`).
    pub baseline_grid_pt: Option<Pt>,
    /// Named colours, each in CMYK for print and RGB for screens.
    pub swatches: BTreeMap<String, Swatch>,
    /// Font families by role name, each a set of font files.
    pub fonts: BTreeMap<String, FontFamily>,
    /// Paragraph styles by name.
    pub paragraph_styles: BTreeMap<String, ParagraphStyle>,
    /// Which paragraph style each Markdown element takes, unless a chain says otherwise.
    #[serde(default)]
    pub element_styles: ElementStyles,
    /// Page masters by name.
    pub masters: BTreeMap<String, Master>,
    /// Which master makes each page (first, between, last, a one-page
    /// issue; by side if double-sided) and how many pages an issue may have.
    pub pages: PageSequence,
    /// Chains of frames by name; a story of the same name is poured into each.
    pub chains: BTreeMap<String, Chain>,
}

/// Page size and bleed.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageSpec {
    /// Trimmed page width.
    pub width_mm: Mm,
    /// Trimmed page height.
    pub height_mm: Mm,
    /// How far artwork touching the trim edge extends beyond it.
    #[serde(default = "default_bleed")]
    pub bleed_mm: Mm,
}

fn default_bleed() -> Mm {
    Mm(3.0)
}

/// The printing condition of the print edition (its PDF/X output intent).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintSpec {
    /// The CMYK output profile (ICC), relative to the layout file.
    pub icc_profile: String,
    /// The registered name of the printing condition, such as `FOGRA39`.
    pub output_condition_identifier: String,
    /// A human description of it.
    pub output_condition: String,
    /// The registry the identifier comes from.
    #[serde(default = "default_registry")]
    pub registry: String,
    /// Whether 100 % black text and thin rules overprint (the print shops'
    /// default: no knock-out under black, so no white halo when the plates
    /// shift); `false` knocks them out.
    #[serde(default = "default_overprint_black")]
    pub overprint_black: bool,
}

fn default_overprint_black() -> bool {
    true
}

fn default_registry() -> String {
    "http://www.color.org".into()
}

/// A named colour, defined for both editions.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Swatch {
    /// Cyan, magenta, yellow, black in percent (0–100), for print; a swatch
    /// without it cannot be printed (the preflight says so).
    pub cmyk: Option<[f32; 4]>,
    /// `#rrggbb`, for screens.
    pub rgb: String,
}

impl Swatch {
    /// The RGB value as bytes, if it is written `#rrggbb`.
    pub fn rgb_bytes(&self) -> Option<[u8; 3]> {
        parse_rgb(&self.rgb)
    }
}

/// Parses a colour written `#rrggbb`.
pub fn parse_rgb(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([c(0)?, c(2)?, c(4)?])
}

/// A font family: one file per weight and slant, paths relative to the layout file.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FontFamily {
    /// The upright regular face (required).
    pub regular: String,
    /// Italic.
    pub italic: Option<String>,
    /// Semibold upright.
    pub semibold: Option<String>,
    /// Semibold italic.
    pub semibold_italic: Option<String>,
    /// Bold upright.
    pub bold: Option<String>,
    /// Bold italic.
    pub bold_italic: Option<String>,
}

/// Font weight of a style.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    /// Regular.
    #[default]
    Regular,
    /// Semibold.
    Semibold,
    /// Bold.
    Bold,
}

/// How lines of a paragraph are set horizontally.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// Flush left and right, last line flush left.
    #[default]
    Justify,
    /// Flush left, ragged right.
    Left,
    /// Flush right.
    Right,
    /// Centred.
    Center,
}

/// A paragraph style.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParagraphStyle {
    /// Font family role (a key of `fonts`).
    pub font: String,
    /// Weight.
    #[serde(default)]
    pub weight: Weight,
    /// Whether the whole paragraph is italic.
    #[serde(default)]
    pub italic: bool,
    /// Font size.
    pub size_pt: Pt,
    /// Distance between baselines.
    pub leading_pt: Pt,
    /// Horizontal alignment.
    #[serde(default)]
    pub align: Align,
    /// Whether words may be hyphenated.
    #[serde(default)]
    pub hyphenate: bool,
    /// Space above the paragraph (dropped at the top of a frame).
    #[serde(default)]
    pub space_before_pt: Pt,
    /// Space below the paragraph.
    #[serde(default)]
    pub space_after_pt: Pt,
    /// Space between two consecutive paragraphs of this style (list items),
    /// instead of the space after and before.
    pub space_between_pt: Option<Pt>,
    /// Text colour (a swatch name).
    #[serde(default = "default_color")]
    pub color: String,
    /// Colour of link text (a swatch name); the text colour if absent.
    pub link_color: Option<String>,
    /// Left indent of every line (list items hang their label in it).
    #[serde(default)]
    pub indent_pt: Pt,
    /// Label before a list item: `"–"`; for numbered lists `{n}` is the number.
    pub label: Option<String>,
    /// Weight of `**strong**` text.
    #[serde(default = "default_strong")]
    pub strong_weight: Weight,
    /// Colour of `**strong**` text (a swatch name); the text colour if absent.
    pub strong_color: Option<String>,
    /// Keep this paragraph in the same frame as the start of the next one.
    #[serde(default)]
    pub keep_with_next: bool,
    /// Put the first line on the layout's baseline grid (body text, lists).
    #[serde(default)]
    pub grid: bool,
    /// Even out the lines of a ragged paragraph (headings), so the last is no stub.
    #[serde(default)]
    pub balance: bool,
    /// How far justification may letter-space words, in percent of their
    /// glyphs' advances (2 by default; less for small sans-serif text, where it shows).
    #[serde(default = "default_letter_spacing")]
    pub letter_spacing_pct: f32,
    /// Widest a word space may grow to justify a line, in em (0.37 by
    /// default); a line that would need wider spaces, for want of a better
    /// break (a long address, an amount), is set flush left with its spaces
    /// that wide, as a newspaper's H&J quads a line it cannot justify.
    #[serde(default = "default_max_space")]
    pub max_space_em: f32,
    /// Make a bookmark (PDF outline entry) of each paragraph in this style.
    #[serde(default)]
    pub bookmark: bool,
    /// Set the text in capitals.
    #[serde(default)]
    pub uppercase: bool,
    /// Extra space between letters, in em.
    #[serde(default)]
    pub tracking_em: f32,
    /// Draw a bar of this swatch along the frame's left edge, beside the
    /// paragraph (a caption's bar; give the style an `indent_pt` to clear it).
    pub rule_left: Option<String>,
    /// A rule drawn under each table row whose cells take this style, across the table.
    pub rule_below: Option<StrokeSpec>,
    /// Space between table columns, read from the body cells' style; one em of it if absent.
    pub column_gap_pt: Option<Pt>,
}

fn default_color() -> String {
    "black".into()
}

/// ±2 %: microtype's range of font expansion, too small to see in a serif
/// text face but enough to spare the word spaces of a narrow column.
fn default_letter_spacing() -> f32 {
    2.0
}

/// A word space of 0.37 em (InDesign's usual maximum, 133 % of a 0.28 em
/// space): past it, a justified line shows holes.
fn default_max_space() -> f32 {
    0.37
}

fn default_strong() -> Weight {
    Weight::Bold
}

/// The paragraph style of each Markdown element; unset ones fall back to the layout's.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementStyles {
    /// Ordinary paragraphs.
    pub paragraph: Option<String>,
    /// `#` headings.
    pub heading1: Option<String>,
    /// `##` headings.
    pub heading2: Option<String>,
    /// `###` headings and deeper.
    pub heading3: Option<String>,
    /// List items, unordered.
    pub list_item: Option<String>,
    /// List items, numbered.
    pub numbered_item: Option<String>,
    /// Block quotes (used for captions).
    pub quote: Option<String>,
    /// A paragraph made of an image only.
    pub image: Option<String>,
    /// The cells of a table's header row.
    pub table_header: Option<String>,
    /// The cells of a table's body rows (their style also spaces the table and its columns).
    pub table_cell: Option<String>,
}

impl ElementStyles {
    /// These styles, with unset ones taken from `fallback`.
    pub fn or(&self, fallback: &ElementStyles) -> ElementStyles {
        let pick = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
        ElementStyles {
            paragraph: pick(&self.paragraph, &fallback.paragraph),
            heading1: pick(&self.heading1, &fallback.heading1),
            heading2: pick(&self.heading2, &fallback.heading2),
            heading3: pick(&self.heading3, &fallback.heading3),
            list_item: pick(&self.list_item, &fallback.list_item),
            numbered_item: pick(&self.numbered_item, &fallback.numbered_item),
            quote: pick(&self.quote, &fallback.quote),
            image: pick(&self.image, &fallback.image),
            table_header: pick(&self.table_header, &fallback.table_header),
            table_cell: pick(&self.table_cell, &fallback.table_cell),
        }
    }
}

/// Which masters make the pages, by position and side, and how many pages an issue may have.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageSequence {
    /// Master of page 1.
    pub first: MasterChoice,
    /// Master of the pages between the first and the last (of every page after
    /// the first when `last` is not given).
    pub next: MasterChoice,
    /// Master of the last page of an issue of two pages or more; `next` if absent.
    pub last: Option<MasterChoice>,
    /// Master of a one-page issue, whose first page is also its last; `first` if absent.
    pub only: Option<MasterChoice>,
    /// How many pages an issue may have; any number up to the engine's cap if absent.
    pub count: Option<PageCount>,
}

/// A master for a position: one for both sides, or one per side of a
/// double-sided publication (page 1 is a right-hand page).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum MasterChoice {
    /// The same master on left- and right-hand pages.
    One(String),
    /// A master for left-hand (even) pages and one for right-hand (odd) pages.
    Sides(Sides),
}

/// The masters of left- and right-hand pages.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sides {
    /// Master of left-hand (even-numbered) pages.
    pub left: String,
    /// Master of right-hand (odd-numbered) pages.
    pub right: String,
}

impl PageSequence {
    /// The page counts allowed: fewest, most, and the step they go by.
    pub fn bounds(&self) -> (u32, u32, u32) {
        match &self.count {
            None => (1, MAX_PAGES, 1),
            Some(PageCount::Exact(n)) => (*n, *n, 1),
            Some(PageCount::Range(r)) => (
                r.min.unwrap_or(1),
                r.max.unwrap_or(MAX_PAGES),
                r.multiple_of.unwrap_or(1),
            ),
        }
    }

    /// Whether an issue may have `n` pages.
    pub fn allows(&self, n: u32) -> bool {
        let (min, max, step) = self.bounds();
        (min..=max).contains(&n) && step > 0 && n.is_multiple_of(step)
    }

    /// The master of page `page` (0-based) of an issue of `count` pages.
    pub fn master(&self, page: usize, count: usize) -> &str {
        let choice = if count == 1 {
            self.only.as_ref().unwrap_or(&self.first)
        } else if page == 0 {
            &self.first
        } else if page + 1 == count {
            self.last.as_ref().unwrap_or(&self.next)
        } else {
            &self.next
        };
        choice.on(page.is_multiple_of(2))
    }

    /// Every master the sequence names, with the JSON path naming it.
    pub fn names(&self) -> Vec<(String, &str)> {
        let mut out = self.first.names("pages.first");
        out.extend(self.next.names("pages.next"));
        if let Some(last) = &self.last {
            out.extend(last.names("pages.last"));
        }
        if let Some(only) = &self.only {
            out.extend(only.names("pages.only"));
        }
        out
    }
}

impl MasterChoice {
    /// The master of a page on the right-hand side (`right`) or the left.
    pub fn on(&self, right: bool) -> &str {
        match self {
            MasterChoice::One(m) => m,
            MasterChoice::Sides(s) if right => &s.right,
            MasterChoice::Sides(s) => &s.left,
        }
    }

    /// Every master it names, with the JSON path of each below `at`.
    pub fn names(&self, at: &str) -> Vec<(String, &str)> {
        match self {
            MasterChoice::One(m) => vec![(at.to_string(), m.as_str())],
            MasterChoice::Sides(s) => vec![
                (format!("{at}.left"), s.left.as_str()),
                (format!("{at}.right"), s.right.as_str()),
            ],
        }
    }
}

/// The page count an issue may have: exactly so many, or a range.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum PageCount {
    /// Exactly this many pages (a folded A3 sheet: 4).
    Exact(u32),
    /// A range, and maybe a step (a saddle-stitched booklet: a multiple of 4).
    Range(PageRange),
}

/// A range of page counts.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageRange {
    /// Fewest pages (1 if absent).
    pub min: Option<u32>,
    /// Most pages (the engine's cap if absent).
    pub max: Option<u32>,
    /// The page count is a multiple of this (1 if absent).
    pub multiple_of: Option<u32>,
}

/// A page master: the frames and furniture every page made from it carries.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Master {
    /// What is on the page, drawn in this order.
    pub items: Vec<Item>,
}

/// Something placed on a page master.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Item {
    /// A text frame that a chain flows through.
    Frame(FrameSpec),
    /// A filled and/or stroked rectangle.
    Box(BoxSpec),
    /// A line of text from a template such as `"numéro {number} — {month} {year}"`.
    Text(TextSpec),
    /// An image (SVG, PNG or JPEG) with its alternative text.
    Image(ImageSpec),
}

/// A text frame.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameSpec {
    /// The frame's name, referred to by chains as `master/name`.
    pub name: String,
    /// Left edge from the page's left edge.
    pub x_mm: Mm,
    /// Top edge from the page's top edge.
    pub y_mm: Mm,
    /// Width.
    pub w_mm: Mm,
    /// Height.
    pub h_mm: Mm,
    /// Background swatch.
    pub fill: Option<String>,
    /// Border.
    pub stroke: Option<StrokeSpec>,
    /// Distance from the frame's edges to its text: top, right, bottom, left.
    #[serde(default)]
    pub inset_mm: [Mm; 4],
    /// Where the text sits when it does not fill the frame.
    #[serde(default)]
    pub valign: VAlign,
    /// Shrink the frame's box (fill and border) to the text it holds.
    #[serde(default)]
    pub fit: bool,
    /// A label drawn as a band along the frame's top edge (« ZOOM SUR »).
    pub label: Option<LabelSpec>,
    /// Extend the fill into the bleed on the sides that touch the trim edge.
    #[serde(default)]
    pub bleed: bool,
    /// Fixed furniture: drawn (fill, border, label) even on a page where it
    /// receives no text; other frames are drawn only where they hold text.
    #[serde(default)]
    pub fixed: bool,
}

/// A tab label on top of a frame.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelSpec {
    /// The label's text.
    pub text: String,
    /// Its paragraph style.
    pub style: String,
    /// The tab's background swatch.
    pub fill: String,
    /// The tab's height.
    pub h_mm: Mm,
}

/// Vertical alignment of a frame's text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VAlign {
    /// Text starts at the top.
    #[default]
    Top,
    /// Text ends at the bottom.
    Bottom,
}

/// A stroke.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StrokeSpec {
    /// Swatch.
    pub color: String,
    /// Line width.
    pub width_pt: Pt,
}

/// A decorative rectangle.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoxSpec {
    /// Left edge.
    pub x_mm: Mm,
    /// Top edge.
    pub y_mm: Mm,
    /// Width.
    pub w_mm: Mm,
    /// Height.
    pub h_mm: Mm,
    /// Fill swatch.
    pub fill: Option<String>,
    /// Border.
    pub stroke: Option<StrokeSpec>,
    /// Extend into the bleed on the sides that touch the trim edge.
    #[serde(default)]
    pub bleed: bool,
}

/// What a text of a master is in the document's structure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextRole {
    /// Page furniture (running header, folio): not read out.
    #[default]
    Artifact,
    /// The document's title (H1).
    Title,
    /// Text read before the stories (the organisation's name).
    Text,
}

/// A single-paragraph text from a template.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextSpec {
    /// Left edge of the text box.
    pub x_mm: Mm,
    /// Baseline of the first line.
    pub baseline_mm: Mm,
    /// Width of the text box.
    pub w_mm: Mm,
    /// Paragraph style.
    pub style: String,
    /// The text, with `{field}` placeholders filled from the issue.
    pub text: String,
    /// What it is in the document's structure.
    #[serde(default)]
    pub role: TextRole,
}

/// An image on a master.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    /// Left edge.
    pub x_mm: Mm,
    /// Top edge.
    pub y_mm: Mm,
    /// Width (the height follows the image's proportions).
    pub w_mm: Mm,
    /// The file, relative to the layout file.
    pub file: String,
    /// Alternative text, read out by screen readers.
    pub alt: Option<String>,
    /// Set for a purely decorative image, which has no alternative text.
    #[serde(default)]
    pub decorative: bool,
}

/// A chain of frames and how a story is styled in it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// Frames as `master/frame`: on each page, in this order, the frames of
    /// that page's master; pages are filled in order, so the frames of a
    /// master used by several pages repeat on each of them.
    pub frames: Vec<String>,
    /// Paragraph styles of the Markdown elements in this chain.
    #[serde(default)]
    pub styles: ElementStyles,
    /// Balance the text across the chain's frames on its last page.
    #[serde(default)]
    pub balance: bool,
}

impl Layout {
    /// Checks the layout: its structure (page sequence, masters, chains) and
    /// that every swatch, font family and style it names exists. Returns the
    /// warnings, or the first fault.
    pub fn check(&self) -> Result<Vec<crate::error::Problem>, crate::error::Problem> {
        super::values::check(self)?;
        let warnings = super::structure::check(self)?;
        self.check_names()?;
        Ok(warnings)
    }

    /// Checks that every swatch, font family and style the layout names exists.
    fn check_names(&self) -> Result<(), crate::error::Problem> {
        use crate::error::Problem;
        let swatch = |name: &str, at: String| -> Result<(), Problem> {
            match self.swatches.get(name) {
                None => Err(Problem::new(format!("no swatch named `{name}`"))
                    .at(at)
                    .hint(format!(
                        "define it under `swatches` or use one of: {}",
                        self.swatches.keys().cloned().collect::<Vec<_>>().join(", ")
                    ))),
                Some(_) => Ok(()),
            }
        };
        for (name, s) in &self.swatches {
            if s.rgb_bytes().is_none() {
                return Err(Problem::new(format!("`{}` is not an RGB colour", s.rgb))
                    .at(format!("swatches.{name}.rgb"))
                    .hint("write it as #rrggbb"));
            }
            if s.cmyk.iter().flatten().any(|v| !(0.0..=100.0).contains(v)) {
                return Err(Problem::new("CMYK values are percentages from 0 to 100")
                    .at(format!("swatches.{name}.cmyk"))
                    .hint("give cyan, magenta, yellow and black as four numbers from 0 to 100"));
            }
        }
        for (name, st) in &self.paragraph_styles {
            swatch(&st.color, format!("paragraph_styles.{name}.color"))?;
            if let Some(c) = &st.link_color {
                swatch(c, format!("paragraph_styles.{name}.link_color"))?;
            }
            if let Some(c) = &st.strong_color {
                swatch(c, format!("paragraph_styles.{name}.strong_color"))?;
            }
            if let Some(c) = &st.rule_left {
                swatch(c, format!("paragraph_styles.{name}.rule_left"))?;
            }
            check_table_fields(name, st, &swatch)?;
            if !self.fonts.contains_key(&st.font) {
                return Err(Problem::new(format!("no font family named `{}`", st.font))
                    .at(format!("paragraph_styles.{name}.font"))
                    .hint(format!(
                        "use one of: {}",
                        self.fonts.keys().cloned().collect::<Vec<_>>().join(", ")
                    )));
            }
            if st.size_pt.0 <= 0.0 || st.leading_pt.0 <= 0.0 {
                return Err(Problem::new("size and leading must be positive")
                    .at(format!("paragraph_styles.{name}"))
                    .hint("give `size_pt` and `leading_pt` in points, such as 10 and 12"));
            }
        }
        for (mname, m) in &self.masters {
            for (i, item) in m.items.iter().enumerate() {
                let at = |f: &str| format!("masters.{mname}.items[{i}].{f}");
                let (fill, stroke) = match item {
                    Item::Frame(f) => {
                        if let Some(l) = &f.label {
                            swatch(&l.fill, at("label.fill"))?;
                        }
                        (&f.fill, &f.stroke)
                    }
                    Item::Box(b) => (&b.fill, &b.stroke),
                    _ => continue,
                };
                if let Some(c) = fill {
                    swatch(c, at("fill"))?;
                }
                if let Some(s) = stroke {
                    swatch(&s.color, at("stroke.color"))?;
                }
            }
        }
        Ok(())
    }
}

/// Checks a style's table fields: its rule's swatch (with `swatch`) and
/// width, and its column gap.
fn check_table_fields(
    name: &str,
    st: &ParagraphStyle,
    swatch: &dyn Fn(&str, String) -> Result<(), crate::error::Problem>,
) -> Result<(), crate::error::Problem> {
    use crate::error::Problem;
    if let Some(rule) = &st.rule_below {
        let at = format!("paragraph_styles.{name}.rule_below");
        swatch(&rule.color, format!("{at}.color"))?;
        if !(rule.width_pt.0.is_finite() && rule.width_pt.0 > 0.0) {
            return Err(Problem::new("a rule's width must be positive")
                .at(format!("{at}.width_pt"))
                .hint("give it a width in points, such as 0.5"));
        }
    }
    if st
        .column_gap_pt
        .is_some_and(|g| !(g.0.is_finite() && g.0 >= 0.0))
    {
        return Err(
            Problem::new("the space between table columns cannot be negative")
                .at(format!("paragraph_styles.{name}.column_gap_pt"))
                .hint("give it in points, such as 8, or 0 for columns that touch"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgb_colours() {
        assert_eq!(parse_rgb("#1f6e78"), Some([0x1f, 0x6e, 0x78]));
        assert!(parse_rgb("1f6e78").is_none());
        assert!(parse_rgb("#1f6e7").is_none());
        assert!(parse_rgb("#1f6e7g").is_none());
    }
}
