//! Markdown running text → blocks of styled spans, with pulldown-cmark.
//!
//! Supported: paragraphs, headings, emphasis, strong, links, ordered and
//! unordered lists, block quotes (captions), hard line breaks, images standing
//! alone in a paragraph, HTML comments (ignored as notes to the editor).
//! Anything else is refused rather than silently dropped.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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
    /// The block's plain text.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A Markdown construct maquette does not lay out, with the line it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsupported {
    /// What it is.
    pub what: String,
    /// Its line in the Markdown source (1-based).
    pub line: usize,
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

    for (event, range) in Parser::new_ext(source, Options::empty()).into_offset_iter() {
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
                match current.as_mut() {
                    Some(b) if b.spans.is_empty() && b.kind == BlockKind::Paragraph => {
                        b.kind = BlockKind::Image { src, alt, title };
                    }
                    _ => {
                        return Err(Unsupported {
                            what:
                                "an image inside a line of text (put it in a paragraph of its own)"
                                    .into(),
                            line,
                        })
                    }
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, alt, _)) = image.as_mut() {
                    alt.push_str(&text);
                } else if matches!(&current, Some(b) if matches!(b.kind, BlockKind::Image { .. })) {
                    return Err(Unsupported {
                        what: "text after an image in the same paragraph".into(),
                        line,
                    });
                } else {
                    push_text(&mut current, &text, italic, strong, &link);
                }
            }
            Event::SoftBreak => push_text(&mut current, " ", italic, strong, &link),
            Event::HardBreak => push_text(&mut current, "\n", italic, strong, &link),
            Event::Html(html) | Event::InlineHtml(html) => {
                let t = html.trim();
                if !(t.is_empty() || t.starts_with("<!--") && t.ends_with("-->")) {
                    return Err(Unsupported {
                        what: format!("HTML (`{}`)", t.lines().next().unwrap_or("")),
                        line,
                    });
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                return Err(Unsupported {
                    what: "a code block".into(),
                    line,
                })
            }
            Event::Start(Tag::Table(_)) => {
                return Err(Unsupported {
                    what: "a table".into(),
                    line,
                })
            }
            Event::Rule => {
                return Err(Unsupported {
                    what: "a horizontal rule".into(),
                    line,
                })
            }
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
    }
}
