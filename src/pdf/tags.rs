//! The structure tree of the web edition (tagged PDF, PDF/UA-1): content is
//! collected as it is drawn, page by page, and ordered as the issue reads —
//! title, stories in the order, each block as its role says. A frame's
//! label (« Agenda », « Zoom sur ») heads its story as an H2, the story's own
//! headings one level below, every heading level then nested (H1 first, no
//! level skipped, whatever levels the layout's styles give); a figure and
//! its caption are siblings in a Div (a reader that speaks the figure's
//! alternative text still reads the caption); a table is Table > TR > TH
//! (the header row, scoped to its column) or TD.

use crate::pages::Origin;
use crate::story::{BlockInfo, Role};
use krilla::tagging::{
    Identifier, ListNumbering, Node, TableHeaderScope, Tag, TagGroup, TagKind, TagTree,
};
use std::collections::HashMap;
use std::num::NonZeroU16;

/// Where the pieces of a block go: story, block, and the table cell (row, column) if any.
type Key = (usize, usize, Option<(usize, usize)>);

/// A piece of tagged content of a block.
enum Piece {
    /// Text or an image.
    Content(Identifier),
    /// A list item's label.
    Label(Identifier),
    /// Link text, its target, and its annotation (added once the page's annotations are).
    Link(Identifier, String, Option<Identifier>),
}

/// What drawn content is, for the collector.
pub enum Kind<'a> {
    /// Text or an image.
    Content,
    /// A list item's label.
    ListLabel,
    /// Link text, to this target.
    Link(&'a str),
}

/// Tagged content, gathered in drawing order, keyed by where it belongs.
#[derive(Default)]
pub struct Collector {
    front: Vec<(Front, Identifier)>,
    labels: HashMap<usize, (String, Vec<Identifier>)>,
    blocks: HashMap<Key, Vec<Piece>>,
}

/// What a piece of front matter is.
enum Front {
    /// The document's title.
    Title,
    /// Text read before the stories.
    Text,
    /// An image, with its alternative text.
    Figure(String),
}

/// A link waiting for its annotation: where its piece is.
pub struct PendingLink {
    key: Key,
    index: usize,
}

impl Collector {
    /// Records drawn content with its text; returns where a link's annotation must go.
    pub fn add(
        &mut self,
        origin: Origin,
        id: Identifier,
        kind: Kind,
        text: &str,
    ) -> Option<PendingLink> {
        match origin {
            Origin::Artifact => None,
            Origin::Front { title } => {
                self.front
                    .push((if title { Front::Title } else { Front::Text }, id));
                None
            }
            Origin::Label { story } => {
                let (label, ids) = self.labels.entry(story).or_default();
                label.push_str(text);
                ids.push(id);
                None
            }
            Origin::Story { story, block } => self.add_piece((story, block, None), id, kind),
            Origin::Cell {
                story,
                block,
                row,
                column,
            } => self.add_piece((story, block, Some((row, column))), id, kind),
        }
    }

    /// Records a piece of a block or a cell; returns where a link's annotation must go.
    fn add_piece(&mut self, key: Key, id: Identifier, kind: Kind) -> Option<PendingLink> {
        let pieces = self.blocks.entry(key).or_default();
        let (piece, pending) = match kind {
            Kind::ListLabel => (Piece::Label(id), false),
            Kind::Link(uri) => (Piece::Link(id, uri.to_string(), None), true),
            Kind::Content => (Piece::Content(id), false),
        };
        pieces.push(piece);
        pending.then(|| PendingLink {
            key,
            index: pieces.len() - 1,
        })
    }

    /// Records a drawn image with its alternative text.
    pub fn add_figure(&mut self, origin: Origin, id: Identifier, alt: &str) {
        match origin {
            Origin::Front { .. } => self.front.push((Front::Figure(alt.to_string()), id)),
            other => {
                self.add(other, id, Kind::Content, "");
            }
        }
    }

    /// Attaches a link annotation to the link text it belongs to.
    pub fn attach(&mut self, pending: PendingLink, annotation: Identifier) {
        let piece = self
            .blocks
            .get_mut(&pending.key)
            .and_then(|p| p.get_mut(pending.index));
        if let Some(Piece::Link(_, _, slot)) = piece {
            *slot = Some(annotation);
        }
    }

    /// The tag tree: front matter, then every story's blocks in reading order.
    pub fn tree(mut self, stories: &[Vec<BlockInfo>], title: &str) -> TagTree {
        let mut tree = TagTree::new();
        let mut headings = Headings::default();
        // The title first: PDF/UA wants H1 to be the first heading.
        let mut front = std::mem::take(&mut self.front);
        front.sort_by_key(|(kind, _)| !matches!(kind, Front::Title));
        // The title's lines make one H1.
        let title_ids: Vec<Node> = front
            .iter()
            .filter(|(kind, _)| matches!(kind, Front::Title))
            .map(|(_, id)| Node::from(*id))
            .collect();
        if !title_ids.is_empty() {
            let h1 = Tag::Hn(headings.level(1), Some(title.to_string()));
            tree.push(TagGroup::with_children(h1, title_ids));
        }
        for (kind, id) in front {
            let tag: TagKind = match kind {
                Front::Title => continue,
                Front::Text => Tag::P.into(),
                Front::Figure(alt) => Tag::Figure(Some(alt)).into(),
            };
            tree.push(TagGroup::with_children(tag, vec![id.into()]));
        }
        for (s, blocks) in stories.iter().enumerate() {
            // A labelled story: the label is its heading, its own headings go one down.
            let shift = match self.labels.remove(&s) {
                Some((label, ids)) => {
                    let heading = Tag::Hn(headings.level(2), Some(label.trim().to_string()));
                    tree.push(TagGroup::with_children(
                        heading,
                        ids.into_iter().map(Node::from).collect(),
                    ));
                    1
                }
                None => 0,
            };
            let mut list: Option<TagGroup> = None;
            let mut figure: Option<TagGroup> = None;
            for (b, info) in blocks.iter().enumerate() {
                if let Role::Table { columns, row_lines } = &info.role {
                    if let Some(table) = self.table(s, b, *columns, row_lines.len()) {
                        for done in [list.take(), figure.take()].into_iter().flatten() {
                            tree.push(done);
                        }
                        tree.push(table);
                    }
                    continue;
                }
                let pieces = self.blocks.remove(&(s, b, None)).unwrap_or_default();
                if pieces.is_empty() {
                    continue;
                }
                if let Role::ListItem(number) = info.role {
                    let list = list.get_or_insert_with(|| {
                        // Dashes and bullets are in the items' labels: no numbering to declare.
                        let numbering = if number.is_some() {
                            ListNumbering::Decimal
                        } else {
                            ListNumbering::None
                        };
                        TagGroup::new(Tag::L(numbering))
                    });
                    list.push(list_item(pieces));
                    continue;
                }
                if let Some(done) = list.take() {
                    tree.push(done);
                }
                if let (Role::Caption, Some(fig)) = (&info.role, figure.as_mut()) {
                    // The caption beside the figure, not in it: a reader that
                    // speaks a figure's /Alt skips what the figure holds.
                    fig.push(TagGroup::with_children(Tag::Caption, nodes(pieces)));
                    continue;
                }
                if let Some(done) = figure.take() {
                    tree.push(done);
                }
                let kind: TagKind = match &info.role {
                    Role::Heading(l) => {
                        let text = info.text.replace('\n', " ");
                        Tag::Hn(headings.level(u16::from(*l) + shift), Some(text)).into()
                    }
                    Role::Figure { alt, .. } => {
                        // A Div that holds the figure, and its caption if one follows.
                        figure = Some(TagGroup::with_children(
                            Tag::Div,
                            vec![
                                TagGroup::with_children(Tag::Figure(alt.clone()), nodes(pieces))
                                    .into(),
                            ],
                        ));
                        continue;
                    }
                    Role::Paragraph | Role::Caption | Role::ListItem(_) | Role::Table { .. } => {
                        Tag::P.into()
                    }
                };
                tree.push(TagGroup::with_children(kind, nodes(pieces)));
            }
            for done in [list.take(), figure.take()].into_iter().flatten() {
                tree.push(done);
            }
        }
        tree
    }
}

impl Collector {
    /// The table that is block `block` of story `s`: a TR per row, a TH per
    /// header cell (its scope the column), a TD per body cell, each with its
    /// text; `None` if none of it was drawn.
    fn table(&mut self, s: usize, b: usize, columns: usize, rows: usize) -> Option<TagGroup> {
        let mut drawn = false;
        let mut table = TagGroup::new(Tag::Table);
        for r in 0..rows {
            let mut tr = TagGroup::new(Tag::TR);
            for c in 0..columns {
                let pieces = self
                    .blocks
                    .remove(&(s, b, Some((r, c))))
                    .unwrap_or_default();
                drawn |= !pieces.is_empty();
                let cell: TagKind = if r == 0 {
                    Tag::TH(TableHeaderScope::Column).into()
                } else {
                    Tag::TD.into()
                };
                tr.push(TagGroup::with_children(cell, nodes(pieces)));
            }
            table.push(tr);
        }
        drawn.then_some(table)
    }
}

/// The headings met so far, to nest the next one: each open heading's
/// level as asked (the Markdown level, shifted under a frame's label) and as given.
#[derive(Default)]
struct Headings {
    open: Vec<(u16, u16)>,
}

impl Headings {
    /// The level a heading asked at `wanted` gets: one below the nearest
    /// heading before it that asked for less, H1 if there is none. The first
    /// heading is an H1 and no level is skipped, as PDF/UA wants, while
    /// headings that asked for the same level stay at the same level.
    fn level(&mut self, wanted: u16) -> NonZeroU16 {
        while self.open.last().is_some_and(|(asked, _)| *asked >= wanted) {
            self.open.pop();
        }
        let given = self.open.last().map_or(1, |(_, given)| given + 1);
        self.open.push((wanted, given));
        NonZeroU16::new(given).unwrap_or(NonZeroU16::MIN)
    }
}

/// The pieces of a block as tag-tree nodes: a link, even broken across
/// lines, becomes one Link group with its text and its annotations.
fn nodes(pieces: Vec<Piece>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    let mut link: Option<(String, TagGroup)> = None;
    for piece in pieces {
        match piece {
            Piece::Link(id, uri, annotation) => {
                match &mut link {
                    Some((open, group)) if *open == uri => {
                        group.push(id);
                        if let Some(a) = annotation {
                            group.push(a);
                        }
                    }
                    _ => {
                        if let Some((_, done)) = link.take() {
                            out.push(done.into());
                        }
                        let mut children: Vec<Node> = vec![id.into()];
                        children.extend(annotation.map(Node::from));
                        link = Some((uri, TagGroup::with_children(Tag::Link, children)));
                    }
                }
                continue;
            }
            Piece::Content(id) | Piece::Label(id) => {
                if let Some((_, done)) = link.take() {
                    out.push(done.into());
                }
                out.push(id.into());
            }
        }
    }
    if let Some((_, done)) = link.take() {
        out.push(done.into());
    }
    out
}

/// A list item: its label (Lbl) and its body (LBody).
fn list_item(pieces: Vec<Piece>) -> TagGroup {
    let (labels, body): (Vec<Piece>, Vec<Piece>) = pieces
        .into_iter()
        .partition(|p| matches!(p, Piece::Label(_)));
    let mut item = TagGroup::new(Tag::LI);
    if !labels.is_empty() {
        item.push(TagGroup::with_children(Tag::Lbl, nodes(labels)));
    }
    item.push(TagGroup::with_children(Tag::LBody, nodes(body)));
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(asked: &[u16]) -> Vec<u16> {
        let mut headings = Headings::default();
        asked.iter().map(|&l| headings.level(l).get()).collect()
    }

    #[test]
    fn headings_nest_whatever_levels_they_ask() {
        // The title, then a story whose headings start at ###.
        assert_eq!(levels(&[1, 3, 3, 4, 2, 3]), [1, 2, 2, 3, 2, 3]);
        // No title: the first heading is an H1.
        assert_eq!(levels(&[2, 3, 2]), [1, 2, 1]);
        // A frame's label (H2) over its story's ## (asked as 3).
        assert_eq!(levels(&[1, 2, 3, 4, 2, 3]), [1, 2, 3, 4, 2, 3]);
        // A jump of several levels down, then back up.
        assert_eq!(levels(&[1, 5, 2, 6]), [1, 2, 2, 3]);
    }
}
