//! Stories → flow blocks: each Markdown block takes its paragraph style from
//! the chain, its runs their faces and colours, and is composed.

use crate::compose::shape::Shaper;
use crate::compose::{ParagraphInput, Prepared, RunStyle, StyledRun};
use crate::error::{Error, Problem, Result};
use crate::flow::{Block, Content, RowStyle, Table};
use crate::fonts::FontSet;
use crate::images::ImageId;
use crate::model::language::Language;
use crate::model::layout::{Align, ElementStyles, Layout, ParagraphStyle, Weight};
use crate::model::markdown::{self, BlockKind, ColumnAlign, Span};
use crate::report::{Edition, Finding};
use crate::units::Pt;
use std::path::Path;

/// What a block is in the document's structure (for bookmarks and tagging).
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// A heading of the given level.
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// A list item, numbered or not.
    ListItem(Option<u64>),
    /// A caption.
    Caption,
    /// An image, with its alternative text (`None`: decorative).
    Figure {
        /// The image.
        image: ImageId,
        /// Alternative text, read out by screen readers; `None` for a decorative image.
        alt: Option<String>,
    },
    /// A table.
    Table {
        /// How many columns it has.
        columns: usize,
        /// The Markdown line of each row, the header's first.
        row_lines: Vec<usize>,
    },
}

/// A story's blocks: what the flow needs, and what the later stages need.
pub struct Story {
    /// The blocks as the flow sees them.
    pub blocks: Vec<Block>,
    /// What each block is, in the same order.
    pub info: Vec<BlockInfo>,
}

/// What the stages after the flow need to know about a block.
pub struct BlockInfo {
    /// Its role.
    pub role: Role,
    /// Its text after typography (for bookmarks).
    pub text: String,
    /// Its paragraph style's name.
    pub style: String,
    /// The Markdown line it comes from.
    pub line: usize,
}

/// Resolves style names to faces and sizes.
pub struct Styles<'a> {
    /// The layout.
    pub layout: &'a Layout,
    /// Its fonts.
    pub fonts: &'a FontSet,
    /// The layout file, for error messages.
    pub layout_file: &'a Path,
    /// The language, whose typography applies.
    pub language: Language,
}

impl Styles<'_> {
    /// The paragraph style of this name.
    pub fn paragraph(&self, name: &str, used_at: &str) -> Result<&ParagraphStyle> {
        self.layout.paragraph_styles.get(name).ok_or_else(|| {
            Error::input(
                Problem::new(format!("no paragraph style named `{name}`"))
                    .in_file(self.layout_file)
                    .at(used_at)
                    .hint(crate::error::suggest(
                        name,
                        self.layout.paragraph_styles.keys().map(String::as_str),
                        format!(
                            "add it under `paragraph_styles` or use one of: {}",
                            self.layout
                                .paragraph_styles
                                .keys()
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
            )
        })
    }

    /// The look of a run in a paragraph style, with emphasis, strength and link.
    pub fn run(
        &self,
        style: &ParagraphStyle,
        style_name: &str,
        italic: bool,
        strong: bool,
        link: Option<&str>,
    ) -> Result<RunStyle> {
        let weight = if strong {
            style.strong_weight
        } else {
            style.weight
        };
        let italic = italic != style.italic;
        let face = self.fonts.find(&style.font, weight, italic).ok_or_else(|| {
            let variant = match (weight, italic) {
                (Weight::Regular, false) => "regular",
                (Weight::Regular, true) => "italic",
                (Weight::Semibold, false) => "semibold",
                (Weight::Semibold, true) => "semibold_italic",
                (Weight::Bold, false) => "bold",
                (Weight::Bold, true) => "bold_italic",
            };
            Error::input(
                Problem::new(format!(
                    "paragraph style `{style_name}` needs the `{variant}` face of font family `{}`, which the layout does not give",
                    style.font
                ))
                .in_file(self.layout_file)
                .at(format!("fonts.{}.{variant}", style.font))
                .hint("add that face's file to the family, or change the style's font or weight"),
            )
        })?;
        let color = match (link, strong) {
            (Some(_), _) => style.link_color.clone(),
            (None, true) => style.strong_color.clone(),
            (None, false) => None,
        }
        .unwrap_or_else(|| style.color.clone());
        let link = link.map(link_target).transpose()?;
        Ok(RunStyle {
            face,
            size: style.size_pt,
            color,
            link,
            tracking: style.size_pt * style.tracking_em,
        })
    }
}

/// The schemes a link may use: the web, e-mail and the telephone.
pub const LINK_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// A link's target as written in the PDF: one of [`LINK_SCHEMES`]; a bare
/// address gets its scheme (`a@b.fr` → `mailto:`, `site.fr` → `http://`).
pub fn link_target(dest: &str) -> Result<String> {
    let dest = dest.trim();
    let refuse = |why: String| {
        Err(Error::input(Problem::new(why).hint(
            "link to a web address (https://…), an e-mail address (mailto:…) or a telephone number (tel:…)",
        )))
    };
    if dest.is_empty() {
        return refuse(
            "a link has no target: write it between the parentheses, [text](https://…)".into(),
        );
    }
    let scheme = dest.split_once(':').map(|(s, _)| s).filter(|s| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    match scheme {
        Some(s) if LINK_SCHEMES.contains(&s.to_ascii_lowercase().as_str()) => Ok(dest.to_string()),
        Some(s) if !s.chars().all(|c| c.is_ascii_digit()) => refuse(format!(
            "the link `{dest}` uses `{s}:`, which a newsletter has no use for"
        )),
        _ if dest.contains(char::is_whitespace) || dest.starts_with(['/', '#', '.']) => refuse(
            format!("the link `{dest}` is not an address a reader can follow"),
        ),
        _ if dest.contains('@') && !dest.contains('/') => Ok(format!("mailto:{dest}")),
        _ if dest.contains('.') => Ok(format!("http://{dest}")),
        _ => refuse(format!(
            "the link `{dest}` is not an address a reader can follow"
        )),
    }
}

/// The most characters one paragraph may have (some ten columns of text):
/// a limit on the line breaker's work, far above any real paragraph.
pub const MAX_PARAGRAPH_CHARS: usize = 20_000;

/// Loads an image named in a story (path, Markdown line) and gives its id and height/width ratio.
pub type ImageLoader<'a> = dyn FnMut(&str, usize) -> Result<(ImageId, f32)> + 'a;

/// A story parsed, its blocks done but for the paragraphs' composition:
/// the paragraphs of several stories are composed together, on every core.
pub struct Parsed<'s> {
    story: &'s str,
    pending: Vec<Pending<'s>>,
}

/// Parses a story's Markdown and makes its blocks, all but composing its
/// paragraphs (see [`Parsed::finish`]).
pub fn parse<'s>(
    story: &'s str,
    source: &str,
    elements: &ElementStyles,
    styles: &'s Styles,
    shaper: &mut Shaper,
    load_image: &mut ImageLoader,
    findings: &mut Vec<Finding>,
) -> Result<Parsed<'s>> {
    let parsed = markdown::parse(source).map_err(|u| {
        Error::input(
            Problem::new(format!(
                "line {} of the story's Markdown: maquette cannot lay out {}",
                u.line, u.what
            ))
            .at(format!("stories[{story}]"))
            .hint(u.hint.unwrap_or_else(|| {
                "use paragraphs, headings, emphasis, links, lists, block quotes, tables and images only"
                    .into()
            })),
        )
    })?;
    // Every block but the paragraphs' composition first; then the
    // paragraphs, composed together on every core; then the blocks in order.
    let mut pending: Vec<Pending> = Vec::with_capacity(parsed.len());
    for block in parsed {
        let chars = block
            .spans
            .iter()
            .map(|s| s.text.chars().count())
            .sum::<usize>();
        if chars > MAX_PARAGRAPH_CHARS {
            return Err(Error::input(
                Problem::new(format!(
                    "the paragraph at Markdown line {} has {chars} characters, more than the {MAX_PARAGRAPH_CHARS} \
                     maquette sets in one paragraph",
                    block.line
                ))
                .at(format!("stories[{story}]"))
                .hint("split it into paragraphs (a blank line between them)"),
            ));
        }
        let (element, role) = match &block.kind {
            BlockKind::Table(table) => {
                let (b, info) = table_block(story, table, elements, styles, shaper, findings)?;
                pending.push(Pending::Ready(b, info));
                continue;
            }
            BlockKind::Paragraph => (("paragraph", &elements.paragraph), Role::Paragraph),
            BlockKind::Heading(1) => (("heading1", &elements.heading1), Role::Heading(1)),
            BlockKind::Heading(2) => (("heading2", &elements.heading2), Role::Heading(2)),
            BlockKind::Heading(l) => (("heading3", &elements.heading3), Role::Heading(*l)),
            BlockKind::ListItem { number: None } => {
                (("list_item", &elements.list_item), Role::ListItem(None))
            }
            BlockKind::ListItem { number: Some(n) } => (
                ("numbered_item", &elements.numbered_item),
                Role::ListItem(Some(*n)),
            ),
            BlockKind::Quote => (("quote", &elements.quote), Role::Caption),
            BlockKind::Image { src, alt, title } => {
                let decorative = title.trim() == "decorative";
                if alt.trim().is_empty() && !decorative {
                    findings.push(
                        Finding::error(format!(
                            "story `{story}`, Markdown line {}: the image `{src}` has no alternative text; \
                             describe it between the brackets, ![Des panneaux au bord d'un chemin]({src}), \
                             or mark it ![]({src} \"decorative\")",
                            block.line
                        ))
                        .only(Edition::Web),
                    );
                }
                let (image, aspect) = load_image(src, block.line)?;
                let alt = (!decorative && !alt.trim().is_empty()).then(|| alt.clone());
                let (style_name, pstyle) =
                    element_style(story, ("image", &elements.image), block.line, styles)?;
                let info = BlockInfo {
                    role: Role::Figure { image, alt },
                    text: String::new(),
                    style: style_name.to_string(),
                    line: block.line,
                };
                let content = Content::Image { aspect };
                pending.push(Pending::Ready(
                    flow_block(content, style_name, pstyle, styles),
                    info,
                ));
                continue;
            }
        };
        let (style_name, pstyle) = element_style(story, element, block.line, styles)?;
        let label = match (&role, &pstyle.label) {
            (Role::ListItem(number), Some(template)) => {
                let text =
                    template.replace("{n}", &number.map(|n| n.to_string()).unwrap_or_default());
                Some(StyledRun {
                    text,
                    style: styles.run(pstyle, style_name, false, false, None)?,
                })
            }
            _ => None,
        };
        let text = TextStyle {
            name: style_name,
            style: pstyle,
            align: pstyle.align,
        };
        let input = paragraph_input(&block.spans, label, &text, styles)
            .map_err(|e| e.at(format!("stories[{story}] (Markdown line {})", block.line)))?;
        pending.push(Pending::Text {
            input,
            style_name: style_name.to_string(),
            pstyle,
            role,
            line: block.line,
        });
    }
    Ok(Parsed { story, pending })
}

impl<'s> Parsed<'s> {
    /// The paragraphs to compose, in order.
    pub fn inputs(&self) -> Vec<&ParagraphInput> {
        self.pending
            .iter()
            .filter_map(|p| match p {
                Pending::Text { input, .. } => Some(input),
                Pending::Ready(..) => None,
            })
            .collect()
    }

    /// The story, its paragraphs composed: it takes them from `composed`,
    /// one for each of [`Parsed::inputs`], in their order.
    pub fn finish(
        self,
        composed: &mut impl Iterator<Item = Prepared>,
        styles: &Styles,
        findings: &mut Vec<Finding>,
    ) -> Story {
        let Parsed { story, pending } = self;
        let mut out = Story {
            blocks: Vec::with_capacity(pending.len()),
            info: Vec::with_capacity(pending.len()),
        };
        for p in pending {
            let (block, info) = match p {
                Pending::Ready(block, info) => (block, info),
                Pending::Text {
                    style_name,
                    pstyle,
                    role,
                    line,
                    ..
                } => {
                    let prepared = composed.next().expect("one composed paragraph per input");
                    let at = Place {
                        story,
                        line,
                        what: "the paragraph",
                    };
                    report_missing(&prepared, &at, &style_name, findings);
                    paragraph_block(prepared, (&style_name, pstyle), role, line, styles)
                }
            };
            out.blocks.push(block);
            out.info.push(info);
        }
        put_quotes_on_grid(&mut out.blocks, styles.layout.baseline_grid_pt);
        out
    }
}

/// A composed paragraph's block, spaced as its style says, and what it is.
fn paragraph_block(
    prepared: Prepared,
    (style_name, pstyle): (&str, &ParagraphStyle),
    role: Role,
    line: usize,
    styles: &Styles,
) -> (Block, BlockInfo) {
    let text = prepared.text().to_string();
    let mut block = flow_block(
        Content::Text(Box::new(prepared)),
        style_name,
        pstyle,
        styles,
    );
    // A paragraph that ends with a colon introduces what follows: it stays
    // in the frame where that starts.
    block.keep_with_next |= text.trim_end().ends_with(':');
    let info = BlockInfo {
        role,
        text,
        style: style_name.to_string(),
        line,
    };
    (block, info)
}

/// Puts on the grid a paragraph off it that sits in text on the grid and
/// whose leading is the grid's pitch (a block quote in the running text), so
/// it is spaced like the paragraphs around it and its lines line up with
/// the next column's.
fn put_quotes_on_grid(blocks: &mut [Block], pitch: Option<Pt>) {
    let Some(pitch) = pitch else { return };
    for i in 1..blocks.len() {
        let follows_grid = blocks[i - 1].grid.is_some();
        let b = &mut blocks[i];
        let text = matches!(b.content, Content::Text(_));
        if follows_grid
            && text
            && b.grid.is_none()
            && !b.heading
            && (b.leading - pitch).0.abs() < 0.01
        {
            b.grid = Some(pitch);
        }
    }
}

/// The paragraph style the chain (or the layout) gives an element — its
/// name in `element_styles` and the style it names, if any — with an error
/// naming the story's Markdown line when there is none.
fn element_style<'n, 's>(
    story: &str,
    (element, name): (&str, &'n Option<String>),
    line: usize,
    styles: &'s Styles,
) -> Result<(&'n str, &'s ParagraphStyle)> {
    let style_name = name.as_deref().ok_or_else(|| {
        Error::input(
            Problem::new(format!(
                "story `{story}` has a {} (Markdown line {line}) but the layout gives no style for it",
                element.replace('_', " "),
            ))
            .in_file(styles.layout_file)
            .at(format!("chains.{story}.styles.{element}"))
            .hint("name a paragraph style for this element in the chain or in `element_styles`"),
        )
    })?;
    let used_at = format!("chains.{story}.styles.{element}");
    Ok((style_name, styles.paragraph(style_name, &used_at)?))
}

/// A paragraph style as a block of text takes it: its name, the style, and
/// the alignment it is set with (a table column's may differ from the style's).
struct TextStyle<'s> {
    name: &'s str,
    style: &'s ParagraphStyle,
    align: Align,
}

/// Where a composed text comes from, for messages.
struct Place<'a> {
    story: &'a str,
    line: usize,
    what: &'a str,
}

/// A block of a story being built: done, or a paragraph still to compose.
pub(crate) enum Pending<'s> {
    /// A block done (an image, a table).
    Ready(Block, BlockInfo),
    /// A paragraph to compose, with its style and what it is.
    Text {
        input: ParagraphInput,
        style_name: String,
        pstyle: &'s ParagraphStyle,
        role: Role,
        line: usize,
    },
}

/// Composes spans (a table cell's) in a style.
fn compose_spans(
    spans: &[Span],
    text: &TextStyle,
    styles: &Styles,
    shaper: &mut Shaper,
) -> Result<Prepared> {
    Ok(Prepared::new(
        shaper,
        &paragraph_input(spans, None, text, styles)?,
    ))
}

/// What composing spans (a paragraph's, a cell's) in a style takes, after a
/// list label if any.
fn paragraph_input(
    spans: &[Span],
    label: Option<StyledRun>,
    text: &TextStyle,
    styles: &Styles,
) -> Result<ParagraphInput> {
    let pstyle = text.style;
    let mut runs = Vec::with_capacity(spans.len());
    for span in spans {
        let t = if pstyle.uppercase {
            span.text.to_uppercase()
        } else {
            span.text.clone()
        };
        // Bare addresses (« osons-nos-talents.fr », an e-mail) become links.
        for (piece, auto) in autolinks(&t, span.link.is_none()) {
            let link = span.link.as_deref().or(auto.as_deref());
            let style = styles.run(pstyle, text.name, span.italic, span.strong, link)?;
            runs.push(StyledRun {
                text: piece.to_string(),
                style,
            });
        }
    }
    let input = ParagraphInput {
        runs,
        label,
        align: text.align,
        hyphenate: pstyle.hyphenate,
        language: styles.language,
        indent: pstyle.indent_pt,
        balance: pstyle.balance,
        letter_spacing: pstyle.letter_spacing_pct / 100.0,
        max_space: pstyle.max_space_em,
    };
    Ok(input)
}

/// An error for each character of a composed text that its style's font lacks.
fn report_missing(prepared: &Prepared, at: &Place, style_name: &str, findings: &mut Vec<Finding>) {
    for m in &prepared.missing {
        let column = prepared
            .text()
            .char_indices()
            .take_while(|(i, _)| *i < m.offset)
            .count()
            + 1;
        findings.push(Finding::error(format!(
            "story `{}`, Markdown line {}, character {column} of {}: the font of style \
             `{style_name}` has no glyph for « {} » (U+{:04X}); replace the character or give the style \
             a font that has it",
            at.story, at.line, at.what, m.character, m.character as u32
        )));
    }
}

/// A block of the flow holding `content`, spaced as its paragraph style says.
fn flow_block(
    content: Content,
    style_name: &str,
    pstyle: &ParagraphStyle,
    styles: &Styles,
) -> Block {
    Block {
        content,
        leading: pstyle.leading_pt,
        space_before: pstyle.space_before_pt,
        space_after: pstyle.space_after_pt,
        keep_with_next: pstyle.keep_with_next,
        heading: pstyle.keep_with_next && !pstyle.grid,
        grid: if pstyle.grid {
            styles.layout.baseline_grid_pt
        } else {
            None
        },
        style: styles
            .layout
            .paragraph_styles
            .keys()
            .position(|k| k == style_name)
            .unwrap_or(usize::MAX),
        space_between: pstyle.space_between_pt,
    }
}

/// A table's block: every cell composed in the header's or the body's style
/// with its column's alignment; the table spaced as the body cells' style says.
fn table_block(
    story: &str,
    table: &markdown::Table,
    elements: &ElementStyles,
    styles: &Styles,
    shaper: &mut Shaper,
    findings: &mut Vec<Finding>,
) -> Result<(Block, BlockInfo)> {
    let line = table.header.line;
    let header = element_style(
        story,
        ("table_header", &elements.table_header),
        line,
        styles,
    )?;
    let body = element_style(story, ("table_cell", &elements.table_cell), line, styles)?;
    let rows = compose_cells(story, table, [header, body], styles, shaper, findings)?;
    let text = rows
        .iter()
        .map(|row| row.iter().map(|p| p.text()).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    let row_style = |style: &ParagraphStyle| RowStyle {
        leading: style.leading_pt,
        rule: style
            .rule_below
            .as_ref()
            .map(|r| (r.color.clone(), r.width_pt)),
    };
    let gap = body.1.column_gap_pt.unwrap_or(body.1.size_pt);
    let content = Content::Table(Box::new(Table::new(
        rows,
        row_style(header.1),
        row_style(body.1),
        gap,
    )));
    let info = BlockInfo {
        role: Role::Table {
            columns: table.columns.len(),
            row_lines: table.all_rows().map(|r| r.line).collect(),
        },
        text,
        style: body.0.to_string(),
        line,
    };
    Ok((flow_block(content, body.0, body.1, styles), info))
}

/// Every cell of a table composed, row by row, in the header's style (the
/// first row) or the body's, with its column's alignment.
fn compose_cells(
    story: &str,
    table: &markdown::Table,
    [header, body]: [(&str, &ParagraphStyle); 2],
    styles: &Styles,
    shaper: &mut Shaper,
    findings: &mut Vec<Finding>,
) -> Result<Vec<Vec<Prepared>>> {
    let mut rows: Vec<Vec<Prepared>> = Vec::with_capacity(table.rows.len() + 1);
    for (r, row) in table.all_rows().enumerate() {
        let (name, style) = if r == 0 { header } else { body };
        let mut cells = Vec::with_capacity(row.cells.len());
        for (c, (spans, column)) in row.cells.iter().zip(&table.columns).enumerate() {
            let text = TextStyle {
                name,
                style,
                align: cell_align(*column, style.align),
            };
            let prepared = compose_spans(spans, &text, styles, shaper)
                .map_err(|e| e.at(format!("stories[{story}] (Markdown line {})", row.line)))?;
            let what = format!("the table cell in column {}", c + 1);
            let at = Place {
                story,
                line: row.line,
                what: &what,
            };
            report_missing(&prepared, &at, name, findings);
            cells.push(prepared);
        }
        rows.push(cells);
    }
    Ok(rows)
}

/// How a table cell's lines are set: as its column's `|---|` line says, or
/// else as its style says, but flush left rather than justified.
fn cell_align(column: ColumnAlign, style: Align) -> Align {
    match (column, style) {
        (ColumnAlign::Left, _) | (ColumnAlign::None, Align::Justify | Align::Left) => Align::Left,
        (ColumnAlign::Center, _) | (ColumnAlign::None, Align::Center) => Align::Center,
        (ColumnAlign::Right, _) | (ColumnAlign::None, Align::Right) => Align::Right,
    }
}

/// Splits text around the URLs and e-mail addresses it holds (when `find` is
/// set), each with the link it makes: `mailto:` for an address, `http://`
/// added to a bare domain.
fn autolinks(text: &str, find: bool) -> Vec<(&str, Option<String>)> {
    if !find {
        return vec![(text, None)];
    }
    let mut out = Vec::new();
    let mut at = 0;
    for span in crate::compose::items::url_spans(text) {
        // Punctuation after an address is not part of it.
        let end = span.start
            + text[span.clone()]
                .trim_end_matches([
                    '.', ',', ';', ':', '!', '?', ')', ']', '»', '"', '”', '’', '“', '\'', '>',
                ])
                .len();
        let address = &text[span.start..end];
        if address.is_empty() {
            continue;
        }
        let target = if address.contains("://") {
            address.to_string()
        } else if address.contains('@') {
            format!("mailto:{address}")
        } else {
            format!("http://{address}")
        };
        if span.start > at {
            out.push((&text[at..span.start], None));
        }
        out.push((address, Some(target)));
        at = end;
    }
    if at < text.len() || out.is_empty() {
        out.push((&text[at..], None));
    }
    out
}

/// Fills `{field}` placeholders of a template; an unknown field is an error naming it.
pub fn fill_template(
    template: &str,
    field: &dyn Fn(&str) -> Option<String>,
) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in `{template}`"))?;
        let name = &after[..close];
        out.push_str(&field(name).ok_or_else(|| name.to_string())?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_addresses_become_links() {
        let pieces = autolinks(
            "plus d’informations sur osons-nos-talents.fr, ou a@b.fr.",
            true,
        );
        let links: Vec<(&str, Option<&str>)> =
            pieces.iter().map(|(t, l)| (*t, l.as_deref())).collect();
        assert_eq!(
            links,
            vec![
                ("plus d’informations sur ", None),
                ("osons-nos-talents.fr", Some("http://osons-nos-talents.fr")),
                (", ou ", None),
                ("a@b.fr", Some("mailto:a@b.fr")),
                (".", None),
            ]
        );
        assert_eq!(autolinks("rien", true), vec![("rien", None)]);
    }

    #[test]
    fn link_targets() {
        assert_eq!(link_target("https://a.fr/x").unwrap(), "https://a.fr/x");
        assert_eq!(link_target("mailto:a@b.fr").unwrap(), "mailto:a@b.fr");
        assert_eq!(link_target("tel:+33321000000").unwrap(), "tel:+33321000000");
        assert_eq!(link_target("a@b.fr").unwrap(), "mailto:a@b.fr");
        assert_eq!(
            link_target("www.pm-artois.fr").unwrap(),
            "http://www.pm-artois.fr"
        );
        for bad in [
            "",
            "  ",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "#top",
            "/x",
            "texte libre",
        ] {
            assert!(link_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn templates() {
        let f = |n: &str| (n == "number").then(|| "1".to_string());
        assert_eq!(fill_template("numéro {number}", &f).unwrap(), "numéro 1");
        assert_eq!(fill_template("numéro {nombre}", &f).unwrap_err(), "nombre");
    }
}
