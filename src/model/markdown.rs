//! Markdown running text → blocks of styled spans, with pulldown-cmark.
//!
//! Supported: paragraphs, headings, emphasis, strong, links, ordered and
//! unordered lists, block quotes (captions), hard line breaks, images standing
//! alone in a paragraph, pipe tables, HTML comments (ignored as notes to the
//! editor). Anything else is refused rather than silently dropped.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// What kind of block a paragraph of the story is.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// An ordinary paragraph.
    Paragraph,
    /// A heading of the given level (1–6).
    Heading(u8),
    /// A list item; `number` is set in numbered lists.
    ListItem {
        /// The item's number in a numbered list.
        number: Option<u64>,
    },
    /// A paragraph inside a block quote.
    Quote,
    /// An image alone in its paragraph.
    Image {
        /// The image file, relative to the issue file.
        src: String,
        /// Its alternative text.
        alt: String,
        /// Its title: `decorative` marks an image that has no alternative text.
        title: String,
    },
    /// A pipe table (the block's own spans are empty: the text is in the cells).
    Table(Table),
}

/// How the cells of a table column are aligned, as its `|---|` line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnAlign {
    /// No colon: the column takes its paragraph style's alignment.
    None,
    /// `:---`.
    Left,
    /// `:---:`.
    Center,
    /// `---:`.
    Right,
}

/// A table cell's text.
pub type Cell = Vec<Span>;

/// A row of a table: one cell per column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// Its cells, one per column (a row typed with fewer has empty ones at its end).
    pub cells: Vec<Cell>,
    /// Its line in the Markdown source (1-based).
    pub line: usize,
}

/// A pipe table: a header row, body rows, and each column's alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Each column's alignment; there are as many columns as header cells.
    pub columns: Vec<ColumnAlign>,
    /// The header row.
    pub header: Row,
    /// The body rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// Every row, the header first.
    pub fn all_rows(&self) -> impl Iterator<Item = &Row> {
        std::iter::once(&self.header).chain(&self.rows)
    }
}

/// A run of text with one set of character attributes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Span {
    /// The text; `\n` is a forced line break.
    pub text: String,
    /// Emphasis (`*…*`).
    pub italic: bool,
    /// Strong (`**…**`).
    pub strong: bool,
    /// Link target, if the span is a link.
    pub link: Option<String>,
}

/// A block of the story: a paragraph, heading, list item, caption or image.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Its kind.
    pub kind: BlockKind,
    /// Its text.
    pub spans: Vec<Span>,
    /// The line of the Markdown source it starts on (1-based).
    pub line: usize,
}

impl Block {
    /// The block's plain text (a table's: its cells, a row per line).
    pub fn text(&self) -> String {
        match &self.kind {
            BlockKind::Table(t) => t
                .all_rows()
                .map(|r| {
                    r.cells
                        .iter()
                        .map(|c| spans_text(c))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            _ => spans_text(&self.spans),
        }
    }
}

/// The plain text of some spans.
pub fn spans_text(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// A Markdown construct maquette does not lay out, with the line it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsupported {
    /// What it is.
    pub what: String,
    /// Its line in the Markdown source (1-based).
    pub line: usize,
    /// What to do about it, when there is more to say than « use what maquette lays out ».
    pub hint: Option<String>,
}

impl Unsupported {
    /// The construct `what` on line `line`.
    fn new(what: impl Into<String>, line: usize) -> Unsupported {
        Unsupported {
            what: what.into(),
            line,
            hint: None,
        }
    }

    /// The same, with what to do about it.
    fn hint(self, hint: impl Into<String>) -> Unsupported {
        Unsupported {
            hint: Some(hint.into()),
            ..self
        }
    }
}

/// A table being read: the table so far, the row being read and where its text ends.
struct TableState {
    table: Table,
    row: Row,
    /// Where the row's source ends, and where its last cell read ends.
    row_end: usize,
    cell_end: usize,
}

impl ColumnAlign {
    /// The alignment pulldown-cmark read from the `|---|` line.
    fn of(a: &Alignment) -> ColumnAlign {
        match a {
            Alignment::None => ColumnAlign::None,
            Alignment::Left => ColumnAlign::Left,
            Alignment::Center => ColumnAlign::Center,
            Alignment::Right => ColumnAlign::Right,
        }
    }
}

/// Whether the source of a row holds cells after the last one the table
/// kept (pulldown-cmark drops cells beyond the header's count): anything but
/// the closing `|` and spaces between the end of that cell and the end of the row.
fn has_extra_cells(source: &str, cell_end: usize, row_end: usize) -> bool {
    let rest = source.get(cell_end..row_end).unwrap_or("").trim();
    !rest.strip_prefix('|').unwrap_or(rest).trim().is_empty()
}

impl TableState {
    /// A table with these column alignments, no row read yet.
    fn new(alignments: &[Alignment]) -> TableState {
        TableState {
            table: Table {
                columns: alignments.iter().map(ColumnAlign::of).collect(),
                header: Row::default(),
                rows: Vec::new(),
            },
            row: Row::default(),
            row_end: 0,
            cell_end: 0,
        }
    }

    /// Starts a row on Markdown line `line`, whose source ends at `end`.
    fn start_row(&mut self, line: usize, end: usize) {
        self.row = Row {
            cells: Vec::new(),
            line,
        };
        self.row_end = end;
        self.cell_end = end;
    }

    /// Ends a cell (the block its text was read into), whose source ends at `end`.
    fn end_cell(&mut self, cell: Option<Block>, end: usize) {
        self.row
            .cells
            .push(cell.map(|b| b.spans).unwrap_or_default());
        self.cell_end = end;
    }

    /// Ends the header row or a body row. A row with more cells than the
    /// header is an error; one with fewer gets empty cells.
    fn end_row(&mut self, source: &str, header: bool) -> Result<(), Unsupported> {
        let columns = self.table.columns.len();
        if self.row.cells.len() > columns || has_extra_cells(source, self.cell_end, self.row_end) {
            return Err(Unsupported::new(
                format!("a table row with more cells than the table's {columns} columns"),
                self.row.line,
            )
            .hint(
                "give every row at most as many cells as the header: add a column to the header \
                 and to its `|---|` line, or move the extra text into another cell",
            ));
        }
        let mut row = std::mem::take(&mut self.row);
        row.cells.resize(columns, Vec::new());
        if header {
            self.table.header = row;
        } else {
            self.table.rows.push(row);
        }
        Ok(())
    }
}

/// HTML with its comments taken out (what is left is text the editor typed).
pub fn without_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        match rest[open..].find("-->") {
            Some(close) => rest = &rest[open + close + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Parses a story's Markdown into blocks.
pub fn parse(source: &str) -> Result<Vec<Block>, Unsupported> {
    let newlines: Vec<usize> = source.match_indices('\n').map(|(i, _)| i).collect();
    let line_of = |offset: usize| newlines.partition_point(|&n| n < offset) + 1;
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let (mut italic, mut strong) = (0u32, 0u32);
    let mut link: Option<String> = None;
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote_depth = 0u32;
    let mut image: Option<(String, String, String)> = None;
    let mut table: Option<TableState> = None;

    let push_text = |current: &mut Option<Block>,
                     text: &str,
                     italic: u32,
                     strong: u32,
                     link: &Option<String>| {
        let Some(block) = current.as_mut() else {
            return;
        };
        let (italic, strong) = (italic > 0, strong > 0);
        match block.spans.last_mut() {
            Some(s) if s.italic == italic && s.strong == strong && s.link == *link => {
                s.text.push_str(text)
            }
            _ => block.spans.push(Span {
                text: text.to_string(),
                italic,
                strong,
                link: link.clone(),
            }),
        }
    };

    for (event, range) in Parser::new_ext(source, Options::ENABLE_TABLES).into_offset_iter() {
        let line = line_of(range.start);
        match event {
            Event::Start(Tag::Paragraph) => {
                // The first paragraph of a list item continues the item's block.
                let continues_item = matches!(&current, Some(b) if b.spans.is_empty());
                if !continues_item {
                    if let Some(b) = current.take() {
                        blocks.push(b);
                    }
                    let kind = if quote_depth > 0 {
                        BlockKind::Quote
                    } else {
                        BlockKind::Paragraph
                    };
                    current = Some(Block {
                        kind,
                        spans: Vec::new(),
                        line,
                    });
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                // A heading inside a list item ends the item's text before it.
                if let Some(b) = current.take().filter(|b| !b.spans.is_empty()) {
                    blocks.push(b);
                }
                current = Some(Block {
                    kind: BlockKind::Heading(level),
                    spans: Vec::new(),
                    line,
                });
            }
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                if let Some(b) = current.take() {
                    blocks.push(b);
                }
                let number = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        Some(*n - 1)
                    }
                    _ => None,
                };
                current = Some(Block {
                    kind: BlockKind::ListItem { number },
                    spans: Vec::new(),
                    line,
                });
            }
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth = quote_depth.saturating_sub(1),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                if let Some(b) = current.take() {
                    if !b.spans.is_empty() || matches!(b.kind, BlockKind::Image { .. }) {
                        blocks.push(b);
                    }
                }
            }
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => link = None,
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => image = Some((dest_url.to_string(), String::new(), title.to_string())),
            Event::End(TagEnd::Image) => {
                let (src, alt, title) = image.take().unwrap_or_default();
                if table.is_some() {
                    return Err(Unsupported::new("an image in a table cell", line).hint(
                        "put the image in a paragraph of its own, before or after the table",
                    ));
                }
                match current.as_mut() {
                    Some(b) if b.spans.is_empty() && b.kind == BlockKind::Paragraph => {
                        b.kind = BlockKind::Image { src, alt, title };
                    }
                    _ => {
                        return Err(Unsupported::new(
                            "an image inside a line of text (put it in a paragraph of its own)",
                            line,
                        ))
                    }
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, alt, _)) = image.as_mut() {
                    alt.push_str(&text);
                } else if matches!(&current, Some(b) if matches!(b.kind, BlockKind::Image { .. })) {
                    return Err(Unsupported::new(
                        "text after an image in the same paragraph",
                        line,
                    ));
                } else {
                    push_text(&mut current, &text, italic, strong, &link);
                }
            }
            Event::SoftBreak => push_text(&mut current, " ", italic, strong, &link),
            Event::HardBreak => push_text(&mut current, "\n", italic, strong, &link),
            Event::Html(html) | Event::InlineHtml(html) => {
                // Comments are notes to the editor; text typed after one is text.
                let rest = without_comments(&html);
                let rest = rest.trim();
                if rest.contains('<') {
                    return Err(Unsupported::new(
                        format!("HTML (`{}`)", html.trim().lines().next().unwrap_or("")),
                        line,
                    ));
                }
                if !rest.is_empty() {
                    if current.is_none() {
                        current = Some(Block {
                            kind: BlockKind::Paragraph,
                            spans: Vec::new(),
                            line,
                        });
                    }
                    let text = rest.split_whitespace().collect::<Vec<_>>().join(" ");
                    push_text(&mut current, &text, italic, strong, &link);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => return Err(Unsupported::new("a code block", line)),
            Event::Start(Tag::Table(alignments)) => {
                if !lists.is_empty() || quote_depth > 0 {
                    return Err(Unsupported::new("a table inside a list or a block quote", line)
                        .hint("put the table on its own, after a blank line, outside lists and quotes"));
                }
                if let Some(b) = current.take().filter(|b| !b.spans.is_empty()) {
                    blocks.push(b);
                }
                table = Some(TableState::new(&alignments));
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.start_row(line, range.end);
                }
            }
            Event::Start(Tag::TableCell) => {
                current = Some(Block {
                    kind: BlockKind::Paragraph,
                    spans: Vec::new(),
                    line,
                })
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(t) = table.as_mut() {
                    t.end_cell(current.take(), range.end);
                }
            }
            Event::End(end @ (TagEnd::TableHead | TagEnd::TableRow)) => {
                if let Some(t) = table.as_mut() {
                    t.end_row(source, end == TagEnd::TableHead)?;
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = table.take() {
                    blocks.push(Block {
                        line: t.table.header.line,
                        kind: BlockKind::Table(t.table),
                        spans: Vec::new(),
                    });
                }
            }
            Event::Rule => return Err(Unsupported::new("a horizontal rule", line)),
            _ => {}
        }
    }
    if let Some(b) = current.take() {
        blocks.push(b);
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_headings_lists_and_links() {
        let md = "## Titre\n\nUn *mot* et **deux**  \nfin [lien](mailto:a@b.fr).\n\n1. un ;\n2. deux.\n\n- a,  \nle 4\n";
        let blocks = parse(md).unwrap();
        assert_eq!(blocks.len(), 5);
        assert_eq!(blocks[0].kind, BlockKind::Heading(2));
        assert_eq!(blocks[1].text(), "Un mot et deux\nfin lien.");
        assert!(blocks[1].spans.iter().any(|s| s.italic && s.text == "mot"));
        assert!(blocks[1]
            .spans
            .iter()
            .any(|s| s.link.as_deref() == Some("mailto:a@b.fr")));
        assert_eq!(blocks[2].kind, BlockKind::ListItem { number: Some(1) });
        assert_eq!(blocks[3].kind, BlockKind::ListItem { number: Some(2) });
        assert_eq!(blocks[4].text(), "a,\nle 4");
        assert_eq!(blocks[4].line, 9);
    }

    #[test]
    fn image_alone_and_comments() {
        let md = "<!-- note -->\n\n![Des panneaux](img/p.jpg)\n\n> Légende\n\n![](filet.png \"decorative\")\n";
        let blocks = parse(md).unwrap();
        let image = |src: &str, alt: &str, title: &str| BlockKind::Image {
            src: src.into(),
            alt: alt.into(),
            title: title.into(),
        };
        assert_eq!(blocks[0].kind, image("img/p.jpg", "Des panneaux", ""));
        assert_eq!(blocks[2].kind, image("filet.png", "", "decorative"));
        assert_eq!(blocks[1].kind, BlockKind::Quote);
    }

    #[test]
    fn refuses_what_it_cannot_lay_out() {
        assert_eq!(parse("texte\n\n```\ncode\n```\n").unwrap_err().line, 3);
        assert!(parse("a <b>gras</b>").is_err());
        assert!(parse("- un\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n").is_err());
        assert!(parse("| a | b |\n|---|---|\n| ![x](p.png) | 2 |\n").is_err());
    }

    /// The table of `md`, the only block it holds.
    fn table_of(md: &str) -> Table {
        let blocks = parse(md).unwrap();
        assert_eq!(blocks.len(), 1, "{blocks:?}");
        match &blocks[0].kind {
            BlockKind::Table(t) => t.clone(),
            other => panic!("not a table: {other:?}"),
        }
    }

    /// The plain text of each cell of a row.
    fn texts(row: &Row) -> Vec<String> {
        row.cells.iter().map(|c| spans_text(c)).collect()
    }

    #[test]
    fn pipe_tables_with_header_rows_and_inline_styles() {
        let md = "Avant.\n\n| Date | Réunion | Lieu |\n|------|---------|------|\n\
                  | 15 mai | *Comité* syndical | [Arras](https://arras.fr) |\n\
                  | 28 juin | **Bureau** | Lens |\n\nAprès.\n";
        let blocks = parse(md).unwrap();
        assert_eq!(blocks.len(), 3, "{blocks:?}");
        assert_eq!(blocks[0].text(), "Avant.");
        assert_eq!(blocks[2].text(), "Après.");
        let BlockKind::Table(t) = &blocks[1].kind else {
            panic!("not a table: {:?}", blocks[1].kind);
        };
        assert_eq!(blocks[1].line, 3);
        assert_eq!(texts(&t.header), ["Date", "Réunion", "Lieu"]);
        assert_eq!(t.header.line, 3);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(texts(&t.rows[0]), ["15 mai", "Comité syndical", "Arras"]);
        assert_eq!((t.rows[0].line, t.rows[1].line), (5, 6));
        let cell = &t.rows[0].cells[1];
        assert!(cell[0].italic && cell[0].text == "Comité" && !cell[1].italic);
        assert!(t.rows[1].cells[1][0].strong);
        assert_eq!(
            t.rows[0].cells[2][0].link.as_deref(),
            Some("https://arras.fr")
        );
        assert_eq!(
            blocks[1].text(),
            "Date Réunion Lieu\n15 mai Comité syndical Arras\n28 juin Bureau Lens"
        );
    }

    #[test]
    fn column_alignments() {
        let t = table_of("| a | b | c | d |\n|---|:--|:-:|--:|\n| 1 | 2 | 3 | 4 |\n");
        assert_eq!(
            t.columns,
            [
                ColumnAlign::None,
                ColumnAlign::Left,
                ColumnAlign::Center,
                ColumnAlign::Right
            ]
        );
    }

    #[test]
    fn short_rows_get_empty_cells_and_headers_may_stand_alone() {
        let t = table_of("a | b | c\n--|---|--\nun | deux\n| seul |\n");
        assert_eq!(texts(&t.rows[0]), ["un", "deux", ""]);
        assert_eq!(texts(&t.rows[1]), ["seul", "", ""]);
        let t = table_of("| a | b |\n|---|---|\n");
        assert!(t.rows.is_empty());
        assert_eq!(texts(&t.header), ["a", "b"]);
    }

    #[test]
    fn escaped_pipes_stay_in_their_cell() {
        let t = table_of("| a | b |\n|---|---|\n| x \\| y | z |\n");
        assert_eq!(texts(&t.rows[0]), ["x | y", "z"]);
    }

    #[test]
    fn extra_cells_are_an_error_naming_their_line() {
        let md = "Texte.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 1 | 2 | 3 |\n";
        let err = parse(md).unwrap_err();
        assert_eq!(err.line, 6, "{err:?}");
        assert!(err.what.contains("more cells"), "{err:?}");
        assert!(err.hint.is_some());
        // Even an empty extra cell, and without the closing pipe.
        assert_eq!(
            parse("| a | b |\n|---|---|\n| 1 | 2 | |\n")
                .unwrap_err()
                .line,
            3
        );
        assert_eq!(parse("a | b\n--|--\n1 | 2 | 3\n").unwrap_err().line, 3);
        // A closing pipe and trailing spaces are no extra cell.
        assert!(parse("| a | b |  \n|---|---|\n| 1 | 2 |   \n").is_ok());
    }

    #[test]
    fn nothing_is_dropped_around_lists_and_comments() {
        let blocks = parse("- item un\n  ## titre\n\nsuite").unwrap();
        let texts: Vec<String> = blocks.iter().map(Block::text).collect();
        assert_eq!(texts, ["item un", "titre", "suite"]);
        assert_eq!(blocks[1].kind, BlockKind::Heading(2));
        let blocks = parse("<!-- note --> suite du texte\n\nAutre.").unwrap();
        let texts: Vec<String> = blocks.iter().map(Block::text).collect();
        assert_eq!(texts, ["suite du texte", "Autre."]);
        assert!(parse("<!-- note --> <b>gras</b>").is_err());
    }
}
