//! The structure tree of the web edition (tagged PDF, PDF/UA-1): content is
//! collected as it is drawn, page by page, and ordered as the issue reads —
//! title, stories in the order, each block as its role says.

use crate::pages::Origin;
use crate::story::{BlockInfo, Role};
use krilla::tagging::{Identifier, ListNumbering, Node, Tag, TagGroup, TagTree};
use std::collections::HashMap;
use std::num::NonZeroU16;

/// A piece of tagged content of a block.
enum Piece {
    /// Text or an image.
    Content(Identifier),
    /// A list item's label.
    Label(Identifier),
    /// Link text and its annotation (added once the page's annotations are).
    Link(Identifier, Option<Identifier>),
}

/// Tagged content, gathered in drawing order, keyed by where it belongs.
#[derive(Default)]
pub struct Collector {
    front: Vec<(Front, Identifier)>,
    labels: HashMap<usize, Vec<Identifier>>,
    blocks: HashMap<(usize, usize), Vec<Piece>>,
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
    key: (usize, usize),
    index: usize,
}

impl Collector {
    /// Records drawn content; `label` for a list item's label, `link` for link text.
    /// Returns where a link's annotation must go.
    pub fn add(
        &mut self,
        origin: Origin,
        id: Identifier,
        label: bool,
        link: bool,
    ) -> Option<PendingLink> {
        match origin {
            Origin::Artifact => None,
            Origin::Front { title } => {
                self.front
                    .push((if title { Front::Title } else { Front::Text }, id));
                None
            }
            Origin::Label { story } => {
                self.labels.entry(story).or_default().push(id);
                None
            }
            Origin::Story { story, block } => {
                let pieces = self.blocks.entry((story, block)).or_default();
                let piece = match (label, link) {
                    (true, _) => Piece::Label(id),
                    (false, true) => Piece::Link(id, None),
                    (false, false) => Piece::Content(id),
                };
                pieces.push(piece);
                link.then(|| PendingLink {
                    key: (story, block),
                    index: pieces.len() - 1,
                })
            }
        }
    }

    /// Records a drawn image with its alternative text.
    pub fn add_figure(&mut self, origin: Origin, id: Identifier, alt: &str) {
        match origin {
            Origin::Front { .. } => self.front.push((Front::Figure(alt.to_string()), id)),
            other => {
                self.add(other, id, false, false);
            }
        }
    }

    /// Attaches a link annotation to the link text it belongs to.
    pub fn attach(&mut self, pending: PendingLink, annotation: Identifier) {
        if let Some(Piece::Link(_, slot)) = self
            .blocks
            .get_mut(&pending.key)
            .and_then(|p| p.get_mut(pending.index))
        {
            *slot = Some(annotation);
        }
    }

    /// The tag tree: front matter, then every story's blocks in reading order.
    pub fn tree(mut self, stories: &[Vec<BlockInfo>], title: &str) -> TagTree {
        let mut tree = TagTree::new();
        // The title first: PDF/UA wants H1 to be the first heading.
        let mut front = std::mem::take(&mut self.front);
        front.sort_by_key(|(kind, _)| !matches!(kind, Front::Title));
        for (kind, id) in front {
            let tag: krilla::tagging::TagKind = match kind {
                Front::Title => Tag::Hn(level(1), Some(title.to_string())).into(),
                Front::Text => Tag::P.into(),
                Front::Figure(alt) => Tag::Figure(Some(alt)).into(),
            };
            tree.push(TagGroup::with_children(tag, vec![id.into()]));
        }
        for (s, blocks) in stories.iter().enumerate() {
            if let Some(ids) = self.labels.remove(&s) {
                tree.push(TagGroup::with_children(
                    Tag::P,
                    ids.into_iter().map(Node::from).collect(),
                ));
            }
            let mut list: Option<TagGroup> = None;
            for (b, info) in blocks.iter().enumerate() {
                let pieces = self.blocks.remove(&(s, b)).unwrap_or_default();
                if pieces.is_empty() {
                    continue;
                }
                if let Role::ListItem(number) = info.role {
                    let list = list.get_or_insert_with(|| {
                        let numbering = if number.is_some() {
                            ListNumbering::Decimal
                        } else {
                            ListNumbering::Circle
                        };
                        TagGroup::new(Tag::L(numbering))
                    });
                    list.push(list_item(pieces));
                    continue;
                }
                if let Some(done) = list.take() {
                    tree.push(done);
                }
                let kind: krilla::tagging::TagKind = match &info.role {
                    Role::Heading(l) => {
                        Tag::Hn(level(u16::from(*l)), Some(info.text.replace('\n', " "))).into()
                    }
                    Role::Figure { alt, .. } => Tag::Figure(alt.clone()).into(),
                    Role::Paragraph | Role::Caption | Role::ListItem(_) => Tag::P.into(),
                };
                tree.push(TagGroup::with_children(kind, nodes(pieces)));
            }
            if let Some(done) = list.take() {
                tree.push(done);
            }
        }
        tree
    }
}

/// A heading level (at least 1).
fn level(l: u16) -> NonZeroU16 {
    NonZeroU16::new(l.max(1)).unwrap_or(NonZeroU16::MIN)
}

/// The pieces of a block as tag-tree nodes (links become Link groups).
fn nodes(pieces: Vec<Piece>) -> Vec<Node> {
    pieces
        .into_iter()
        .map(|p| match p {
            Piece::Content(id) | Piece::Label(id) => id.into(),
            Piece::Link(id, annotation) => {
                let mut children: Vec<Node> = vec![id.into()];
                children.extend(annotation.map(Node::from));
                TagGroup::with_children(Tag::Link, children).into()
            }
        })
        .collect()
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
