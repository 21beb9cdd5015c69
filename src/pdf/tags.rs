//! The structure tree of the web edition (tagged PDF, PDF/UA-1): content is
//! collected as it is drawn, page by page, and ordered as the issue reads —
//! title, stories in the order, each block as its role says. A frame's
//! label (« Agenda », « Zoom sur ») heads its story as an H2, the story's own
//! headings one level below; a caption goes into the figure before it.

use crate::pages::Origin;
use crate::story::{BlockInfo, Role};
use krilla::tagging::{Identifier, ListNumbering, Node, Tag, TagGroup, TagKind, TagTree};
use std::collections::HashMap;
use std::num::NonZeroU16;

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
            Origin::Story { story, block } => {
                let pieces = self.blocks.entry((story, block)).or_default();
                let (piece, pending) = match kind {
                    Kind::ListLabel => (Piece::Label(id), false),
                    Kind::Link(uri) => (Piece::Link(id, uri.to_string(), None), true),
                    Kind::Content => (Piece::Content(id), false),
                };
                pieces.push(piece);
                pending.then(|| PendingLink {
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
            let h1 = Tag::Hn(level(1), Some(title.to_string()));
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
                    let heading = Tag::Hn(level(2), Some(label.trim().to_string()));
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
                let pieces = self.blocks.remove(&(s, b)).unwrap_or_default();
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
                    fig.push(TagGroup::with_children(Tag::Caption, nodes(pieces)));
                    continue;
                }
                if let Some(done) = figure.take() {
                    tree.push(done);
                }
                let kind: TagKind = match &info.role {
                    Role::Heading(l) => {
                        let text = info.text.replace('\n', " ");
                        Tag::Hn(level(u16::from(*l) + shift), Some(text)).into()
                    }
                    Role::Figure { alt, .. } => {
                        figure = Some(TagGroup::with_children(
                            Tag::Figure(alt.clone()),
                            nodes(pieces),
                        ));
                        continue;
                    }
                    Role::Paragraph | Role::Caption | Role::ListItem(_) => Tag::P.into(),
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

/// A heading level (at least 1).
fn level(l: u16) -> NonZeroU16 {
    NonZeroU16::new(l.max(1)).unwrap_or(NonZeroU16::MIN)
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
