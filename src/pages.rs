//! Page composition: pages made from the masters, each story poured through
//! its chain, frames and furniture drawn, the result a display list per page.

use crate::compose::shape::Shaper;
use crate::compose::{LineRun, ParagraphInput, Prepared, StyledRun};
use crate::error::{Error, Problem, Result};
use crate::flow::{self, Filled, Placed};
use crate::fonts::FontSet;
use crate::images::{ImageId, ImageStore};
use crate::model::issue::{Date, Issue};
use crate::model::language::Language;
use crate::model::layout::{FrameSpec, ImageSpec, Item, Layout, TextRole, TextSpec, VAlign};
use crate::placement::{self, PlacedStory};
use crate::report::{Edition, Finding};
use crate::sequence::{mm_rect, text_area, ChainFrames};
use crate::story::{self, BlockInfo, Role, Story, Styles};
use crate::units::{Pt, Rect};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod proof;
pub use proof::Overset;

/// How close to the trim edge a side must be to count as touching it.
const EDGE_TOLERANCE: Pt = Pt(0.1);
/// How far a line may pass the page's right edge (hanging punctuation) before it is text lost.
const OFF_PAGE_TOLERANCE: Pt = Pt(2.0);
/// Width of a caption's bar.
const RULE_LEFT_WIDTH: Pt = Pt(2.0);

/// Where a mark comes from, for the structure of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Page furniture (running header, page number, decoration): not read out.
    Artifact,
    /// Read before the stories: the title (`title`, an H1) and the publisher's name.
    Front {
        /// Whether it is the document's title.
        title: bool,
    },
    /// A frame's label (« Agenda »), read before the story `story` it introduces.
    Label {
        /// Story index.
        story: usize,
    },
    /// Block `block` of story `story` (indices in the issue).
    Story {
        /// Story index.
        story: usize,
        /// Block index within the story.
        block: usize,
    },
    /// A cell of the table that is block `block` of story `story`.
    Cell {
        /// Story index.
        story: usize,
        /// Block index within the story.
        block: usize,
        /// Row: 0 is the header, body rows count from 1.
        row: usize,
        /// Column.
        column: usize,
    },
}

/// Something drawn on a page.
pub enum Mark {
    /// A rectangle, filled and/or stroked.
    Rect {
        /// Where.
        rect: Rect,
        /// Fill swatch.
        fill: Option<String>,
        /// Stroke swatch and width.
        stroke: Option<(String, Pt)>,
        /// The sides (top, right, bottom, left) that run into the bleed in print.
        bleed: [bool; 4],
    },
    /// A set line of text.
    Text {
        /// Its runs; their `x` is relative to `x` (shared with the set line).
        runs: Arc<[LineRun]>,
        /// Left edge of the frame.
        x: Pt,
        /// Baseline.
        baseline: Pt,
        /// Where it comes from.
        origin: Origin,
    },
    /// An image.
    Image {
        /// Which.
        image: ImageId,
        /// Where.
        rect: Rect,
        /// Alternative text; `None` for a decorative image.
        alt: Option<String>,
        /// Where it comes from.
        origin: Origin,
    },
}

/// A page: its master and what is drawn on it.
pub struct Page {
    /// The master it was made from.
    pub master: String,
    /// What is drawn, in order.
    pub marks: Vec<Mark>,
}

/// An outline entry: a heading and where it is.
pub struct Bookmark {
    /// The heading's text.
    pub title: String,
    /// Its page.
    pub page: usize,
    /// The top of its first line.
    pub y: Pt,
}

/// A laid-out issue, ready to be written.
pub struct Document {
    /// Trimmed page width.
    pub width: Pt,
    /// Trimmed page height.
    pub height: Pt,
    /// Bleed.
    pub bleed: Pt,
    /// The pages.
    pub pages: Vec<Page>,
    /// Outline entries, in reading order.
    pub bookmarks: Vec<Bookmark>,
    /// The fonts.
    pub fonts: FontSet,
    /// The images.
    pub images: ImageStore,
    /// The layout (for swatches).
    pub layout: Layout,
    /// The issue (for metadata).
    pub issue: Issue,
    /// The issue's language (link descriptions, typography).
    pub language: Language,
    /// The document title.
    pub title: String,
    /// The layout file (paths in the layout are relative to it).
    pub layout_file: PathBuf,
    /// The issue file.
    pub issue_file: PathBuf,
    /// What each block of each story is, in the issue's order.
    pub stories: Vec<Vec<BlockInfo>>,
    /// What the preflight found while laying out.
    pub findings: Vec<Finding>,
    /// In a proof, what did not fit, story by story (`None` for the editions).
    pub proof: Option<Vec<Overset>>,
}

impl Document {
    /// Every file the run read: the issue, the layout, fonts, images, the press profile.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut out = vec![self.issue_file.clone(), self.layout_file.clone()];
        out.extend(self.fonts.faces().iter().map(|f| f.path.clone()));
        out.extend(self.images.paths().map(Path::to_path_buf));
        if let Ok(icc) = crate::icc::profile_path(&self.layout, &self.layout_file) {
            out.push(icc);
        }
        out
    }
}

/// What furniture and frames need while the pages are drawn.
struct Drawing<'a, 'l> {
    styles: &'a Styles<'l>,
    layout_file: &'a Path,
    language: Language,
    field: &'a dyn Fn(&str, usize) -> Option<String>,
}

/// Lays out an issue: everything but writing the PDF. A `proof` has its
/// frames outlined and named, the baseline grid, what did not fit on overset
/// pages after the last, and a « PROOF / ÉPREUVE » band on every page.
pub fn compose(
    issue: Issue,
    issue_file: &Path,
    mut layout: Layout,
    layout_file: &Path,
    proof: bool,
) -> Result<Document> {
    if proof {
        proof::prepare(&mut layout);
    }
    let language = issue
        .check()
        .map_err(|p| Error::input(p.in_file(issue_file)))?;
    let date = issue_date(&issue, issue_file)?;
    let fonts = FontSet::load(&layout.fonts, layout_file)?;
    let mut images = ImageStore::default();
    let mut shaper = Shaper::new(&fonts, language);
    let mut findings = Vec::new();
    let styles = Styles {
        layout: &layout,
        fonts: &fonts,
        layout_file,
        language,
    };
    let built = build_stories(
        &issue,
        issue_file,
        &styles,
        &mut shaper,
        &mut images,
        &mut findings,
    )?;
    let files = placement::Files {
        issue: issue_file,
        layout: layout_file,
    };
    let placed = placement::place(&layout, built, &files);
    findings.extend(placed.findings.iter().cloned());
    // What the check that no word is lost finds goes here, before the
    // overfull lines: it runs while the pages are drawn.
    let accounted_at = findings.len();
    for s in &placed.stories {
        findings.extend(overfull(
            &issue.stories[s.index].name,
            &s.story,
            &s.filled,
            issue_file,
            layout.page.width_mm.into(),
        ));
    }
    let month = date.month_name(&issue.meta.language).to_string();
    let pages_field = placed.masters.len().to_string();
    let field =
        |name: &str, page: usize| template_field(&issue, &date, &month, &pages_field, name, page);
    let drawing = Drawing {
        styles: &styles,
        layout_file,
        language,
        field: &field,
    };
    let contents = frame_contents(&placed.stories);
    let mut bookmarks = Vec::new();
    let mut sink = Sink {
        images: &mut images,
        findings: &mut findings,
        bookmarks: &mut bookmarks,
    };
    let (mut pages, accounted) = draw_pages(
        &placed,
        &contents,
        &issue,
        issue_file,
        &drawing,
        &mut shaper,
        &mut sink,
    )?;
    findings.splice(accounted_at..accounted_at, accounted);
    let empty: Vec<usize> = (0..placed.masters.len())
        .filter(|&p| !placement::page_has_text(&placed.stories, p))
        .collect();
    if !empty.is_empty() {
        findings.push(Finding::warning(format!(
            "{}: {} hold no text of any story: add text, or let the layout allow fewer pages",
            issue_file.display(),
            page_ranges(&empty)
        )));
    }
    let overset = match proof {
        true => Some(proof::finish(
            &mut pages,
            &placed.stories,
            &drawing,
            &mut shaper,
        )?),
        false => None,
    };
    bookmarks.sort_by_key(|b: &(usize, usize, Bookmark)| (b.0, b.1));
    let bookmarks = bookmarks.into_iter().map(|b| b.2).collect();
    let title = document_title(&issue, &month, &date);
    drop(shaper);
    drop(contents);
    let mut stories: Vec<(usize, Vec<BlockInfo>)> = placed
        .stories
        .into_iter()
        .map(|s| (s.index, s.story.info))
        .collect();
    stories.sort_by_key(|(i, _)| *i);
    let stories = stories.into_iter().map(|(_, info)| info).collect();
    Ok(Document {
        width: layout.page.width_mm.into(),
        height: layout.page.height_mm.into(),
        bleed: layout.page.bleed_mm.into(),
        pages,
        bookmarks,
        fonts,
        images,
        layout,
        issue,
        language,
        title,
        layout_file: layout_file.to_path_buf(),
        issue_file: issue_file.to_path_buf(),
        stories,
        findings,
        proof: overset,
    })
}

/// Draws every page and, meanwhile on another core, checks that no word of
/// the issue is lost (the check only reads the placed stories). Returns the
/// pages, and what the check found.
fn draw_pages(
    placed: &placement::Placement,
    contents: &Contents,
    issue: &Issue,
    issue_file: &Path,
    drawing: &Drawing,
    shaper: &mut Shaper,
    sink: &mut Sink,
) -> Result<(Vec<Page>, Vec<Finding>)> {
    let mut accounted = Vec::new();
    let mut pages = Vec::with_capacity(placed.masters.len());
    rayon::in_place_scope(|scope| -> Result<()> {
        scope.spawn(|_| {
            accounted = crate::accounting::check(&placed.stories, &issue.stories, issue_file)
        });
        for (page, master) in placed.masters.iter().enumerate() {
            let on_page = PageInput {
                page,
                master,
                contents,
                stories: &placed.stories,
            };
            pages.push(draw_page(&on_page, drawing, shaper, sink)?);
        }
        Ok(())
    })?;
    Ok((pages, accounted))
}

/// Pages (0-based) as a reader counts them: « page 3 », « pages 3, 5–9 ».
fn page_ranges(pages: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        parts.push(match j > i {
            true => format!("{}–{}", pages[i] + 1, pages[j] + 1),
            false => (pages[i] + 1).to_string(),
        });
        i = j + 1;
    }
    let word = if pages.len() == 1 { "page" } else { "pages" };
    format!("{word} {}", parts.join(", "))
}

/// The issue's date, read from `meta.date`.
fn issue_date(issue: &Issue, issue_file: &Path) -> Result<Date> {
    Date::parse(&issue.meta.date).ok_or_else(|| {
        Error::input(
            Problem::new(format!("`{}` is not a date", issue.meta.date))
                .in_file(issue_file)
                .at("meta.date")
                .hint("write the date as YYYY-MM-DD or YYYY-MM, e.g. 2017-07"),
        )
    })
}

/// The value of a `{field}` of a master's text on page `page` (0-based).
fn template_field(
    issue: &Issue,
    date: &Date,
    month: &str,
    pages: &str,
    name: &str,
    page: usize,
) -> Option<String> {
    Some(match name {
        "publication" => issue.meta.publication.clone(),
        "number" => issue.meta.number.to_string(),
        "month" => month.to_string(),
        "year" => date.year.to_string(),
        "page" => (page + 1).to_string(),
        "pages" => pages.to_string(),
        other => issue.fields.get(other)?.clone(),
    })
}

/// The document's title: the issue's own, or publication, number and date.
fn document_title(issue: &Issue, month: &str, date: &Date) -> String {
    match &issue.meta.title {
        Some(t) => t.clone(),
        None => {
            let number = match Language::from_tag(&issue.meta.language) {
                Ok(Language::English) => "issue",
                Ok(Language::German) => "Ausgabe",
                _ => "numéro",
            };
            format!(
                "{} — {number} {} — {} {}",
                issue.meta.publication, issue.meta.number, month, date.year
            )
        }
    }
}

/// What each frame of each page holds: by page and frame name, the stories'
/// filled slots (story index into the placed stories).
type Contents<'p> = HashMap<(usize, &'p str), Vec<(usize, &'p Filled)>>;

/// What each frame of each page holds.
fn frame_contents<'p>(stories: &'p [PlacedStory]) -> Contents<'p> {
    let mut contents: Contents = HashMap::new();
    for (pi, s) in stories.iter().enumerate() {
        for f in &s.filled {
            let name = s.frames.frames[f.slot.frame].1.name.as_str();
            contents
                .entry((f.slot.page, name))
                .or_default()
                .push((pi, f));
        }
    }
    contents
}

/// The page being drawn and what its frames hold.
struct PageInput<'a, 'p> {
    page: usize,
    master: &'a str,
    contents: &'a Contents<'p>,
    stories: &'a [PlacedStory<'p>],
}

/// Where drawing a page leaves what it gathers besides its marks.
struct Sink<'a> {
    images: &'a mut ImageStore,
    findings: &'a mut Vec<Finding>,
    bookmarks: &'a mut Vec<(usize, usize, Bookmark)>,
}

/// Draws one page: the items of its master in order, frames with what they hold.
fn draw_page(
    input: &PageInput,
    drawing: &Drawing,
    shaper: &mut Shaper,
    sink: &mut Sink,
) -> Result<Page> {
    let layout = drawing.styles.layout;
    let master_name = input.master;
    let page = input.page;
    let mut marks = Vec::new();
    for (ii, item) in layout.masters[master_name].items.iter().enumerate() {
        let at = format!("masters.{master_name}.items[{ii}]");
        match item {
            Item::Box(b) => {
                let rect = mm_rect(b.x_mm, b.y_mm, b.w_mm, b.h_mm);
                marks.push(Mark::Rect {
                    rect,
                    fill: b.fill.clone(),
                    stroke: b.stroke.as_ref().map(|s| (s.color.clone(), s.width_pt)),
                    bleed: bleed_sides(b.bleed, rect, layout),
                })
            }
            Item::Image(img) => {
                let mark = image_mark(
                    img,
                    &at,
                    page,
                    sink.images,
                    sink.findings,
                    drawing.layout_file,
                )?;
                marks.push(mark);
            }
            Item::Text(t) => text_marks(t, &at, page, drawing, shaper, &mut marks)?,
            Item::Frame(spec) => {
                let held = input.contents.get(&(page, spec.name.as_str()));
                frame_marks(
                    spec,
                    held.map(Vec::as_slice).unwrap_or(&[]),
                    input.stories,
                    drawing,
                    shaper,
                    &at,
                    &mut marks,
                    sink.bookmarks,
                    page,
                )?;
            }
        }
    }
    // Pages are kept to the end: no room held past their marks.
    marks.shrink_to_fit();
    Ok(Page {
        master: master_name.to_string(),
        marks,
    })
}

/// Every story of the issue composed with its chain's styles, ready to place.
fn build_stories<'l>(
    issue: &Issue,
    issue_file: &Path,
    styles: &Styles<'l>,
    shaper: &mut Shaper,
    images: &mut ImageStore,
    findings: &mut Vec<Finding>,
) -> Result<Vec<placement::StoryIn<'l>>> {
    let layout = styles.layout;
    let mut parsed_stories = Vec::with_capacity(issue.stories.len());
    for (si, s) in issue.stories.iter().enumerate() {
        let chain = layout.chains.get(&s.name).ok_or_else(|| {
            Error::input(
                Problem::new(format!(
                    "the layout has no chain named `{}` for this story",
                    s.name
                ))
                .in_file(issue_file)
                .at(format!("stories[{si}].name"))
                .hint(crate::error::suggest(
                    &s.name,
                    layout.chains.keys().map(String::as_str),
                    format!(
                        "name one of the layout's chains: {}",
                        layout.chains.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )),
            )
        })?;
        let elements = chain.styles.or(&layout.element_styles);
        let mut load_image = |src: &str, line: usize| -> Result<(ImageId, f32)> {
            let path = crate::model::resolve(issue_file, src);
            let id = images
                .load(&path)
                .map_err(|e| e.at(format!("stories[{si}] (Markdown line {line})")))?;
            Ok((id, images.aspect(id)))
        };
        // What parsing the story finds names the issue file; so does what
        // composing it finds, kept in the story's order.
        let mut found = Vec::new();
        let parsed = story::parse(
            &s.name,
            &s.text.source(),
            &elements,
            styles,
            shaper,
            &mut load_image,
            &mut found,
        )
        .map_err(|e| e.in_file(issue_file))?;
        parsed_stories.push((si, chain.balance, parsed, found));
    }
    // The paragraphs of every story, composed together on every core.
    let composed = {
        let inputs: Vec<_> = parsed_stories
            .iter()
            .flat_map(|(_, _, parsed, _)| parsed.inputs())
            .collect();
        crate::compose::prepare_all(shaper, &inputs)
    };
    let mut composed = composed.into_iter();
    let mut out = Vec::with_capacity(parsed_stories.len());
    for (si, balance, parsed, mut found) in parsed_stories {
        let story = parsed.finish(&mut composed, styles, &mut found);
        for f in &mut found {
            f.message = format!("{}: {}", issue_file.display(), f.message);
        }
        findings.extend(found);
        let s = &issue.stories[si];
        out.push(placement::StoryIn {
            index: si,
            name: s.name.clone(),
            story,
            frames: ChainFrames::of(layout, &s.name),
            balance,
        });
    }
    Ok(out)
}

/// An image of a master, placed; one with no alternative text is an error for the web edition.
fn image_mark(
    img: &ImageSpec,
    at: &str,
    page: usize,
    images: &mut ImageStore,
    findings: &mut Vec<Finding>,
    layout_file: &Path,
) -> Result<Mark> {
    let id = images
        .load(&crate::model::resolve(layout_file, &img.file))
        .map_err(|e| e.at(format!("{at}.file")))?;
    let w: Pt = img.w_mm.into();
    let rect = Rect {
        x: img.x_mm.into(),
        y: img.y_mm.into(),
        w,
        h: w * images.aspect(id),
    };
    if img.alt.is_none() && !img.decorative && page == 0 {
        findings.push(
            Finding::error(format!(
                "{}: at `{at}`: the image `{}` has no alternative text; give it `alt`, \
                 or `\"decorative\": true` if it carries no information",
                layout_file.display(),
                img.file
            ))
            .only(Edition::Web),
        );
    }
    let origin = if img.decorative || img.alt.is_none() {
        Origin::Artifact
    } else {
        Origin::Front { title: false }
    };
    Ok(Mark::Image {
        image: id,
        rect,
        alt: img.alt.clone(),
        origin,
    })
}

/// The lines of a text of a master (a template filled in for this page).
fn text_marks(
    t: &TextSpec,
    at: &str,
    page: usize,
    drawing: &Drawing,
    shaper: &mut Shaper,
    marks: &mut Vec<Mark>,
) -> Result<()> {
    let text = story::fill_template(&t.text, &|n| (drawing.field)(n, page)).map_err(|name| {
        Error::input(
            Problem::new(format!("unknown field `{{{name}}}` in a text template"))
                .in_file(drawing.layout_file)
                .at(format!("{at}.text"))
                .hint("use {publication}, {number}, {month}, {year}, {page}, {pages} or a field of the issue's `fields`"),
        )
    })?;
    let runs = furniture_line(
        drawing.styles,
        shaper,
        &t.style,
        &text,
        t.w_mm.into(),
        drawing.language,
        at,
    )?;
    let mut baseline: Pt = t.baseline_mm.into();
    let leading = drawing.styles.paragraph(&t.style, at)?.leading_pt;
    let origin = match t.role {
        TextRole::Artifact => Origin::Artifact,
        TextRole::Title => Origin::Front { title: true },
        TextRole::Text => Origin::Front { title: false },
    };
    for line in runs {
        marks.push(Mark::Text {
            runs: line.runs,
            x: t.x_mm.into(),
            baseline,
            origin,
        });
        baseline += leading;
    }
    Ok(())
}

/// Sets a furniture text (a template filled in) as lines.
#[allow(clippy::too_many_arguments)]
fn furniture_line(
    styles: &Styles,
    shaper: &mut Shaper,
    style: &str,
    text: &str,
    width: Pt,
    language: Language,
    at: &str,
) -> Result<Vec<crate::compose::Line>> {
    let pstyle = styles.paragraph(style, &format!("{at}.style"))?;
    let run_style = styles.run(pstyle, style, false, false, None)?;
    let text = if pstyle.uppercase {
        text.to_uppercase()
    } else {
        text.to_string()
    };
    let input = ParagraphInput {
        runs: vec![StyledRun {
            text,
            style: run_style,
        }],
        label: None,
        align: pstyle.align,
        hyphenate: false,
        language,
        indent: pstyle.indent_pt,
        balance: false,
        letter_spacing: pstyle.letter_spacing_pct / 100.0,
        max_space: pstyle.max_space_em,
    };
    let prepared = Prepared::new(shaper, &input);
    if let Some(m) = prepared.missing.first() {
        return Err(Error::layout(
            Problem::new(format!(
                "the font of style `{style}` has no glyph for « {} » (U+{:04X})",
                m.character, m.character as u32
            ))
            .in_file(styles.layout_file)
            .at(at.to_string())
            .hint("replace the character, or give the style a font that has it"),
        ));
    }
    Ok(prepared.lines(width))
}

/// The marks of a text frame: its box, its label, and the text it holds. A
/// frame that holds nothing on this page is not drawn, unless it is fixed.
#[allow(clippy::too_many_arguments)]
fn frame_marks(
    spec: &FrameSpec,
    held: &[(usize, &Filled)],
    stories: &[PlacedStory],
    drawing: &Drawing,
    shaper: &mut Shaper,
    at: &str,
    marks: &mut Vec<Mark>,
    bookmarks: &mut Vec<(usize, usize, Bookmark)>,
    page: usize,
) -> Result<()> {
    let styles = drawing.styles;
    let frame = mm_rect(spec.x_mm, spec.y_mm, spec.w_mm, spec.h_mm);
    let area = text_area(spec);
    let used_bottom = held.iter().map(|(_, f)| f.bottom).fold(area.y, Pt::max);
    let empty = held.iter().all(|(_, f)| f.placed.is_empty());
    if empty && !spec.fixed {
        return Ok(());
    }
    let shift = match spec.valign {
        VAlign::Top => Pt::ZERO,
        VAlign::Bottom => area.bottom() - used_bottom,
    };
    let bottom_inset: Pt = spec.inset_mm[2].into();
    let box_rect = if spec.fit {
        // Shrunk to its text, and moved with it when the text sits at the bottom.
        Rect {
            y: frame.y + shift,
            h: used_bottom - frame.y + bottom_inset,
            ..frame
        }
    } else {
        frame
    };
    if spec.fill.is_some() || spec.stroke.is_some() {
        marks.push(Mark::Rect {
            rect: box_rect,
            fill: spec.fill.clone(),
            stroke: spec.stroke.as_ref().map(|s| (s.color.clone(), s.width_pt)),
            bleed: bleed_sides(spec.bleed, box_rect, styles.layout),
        });
    }
    if let Some(label) = &spec.label {
        let h: Pt = label.h_mm.into();
        marks.push(Mark::Rect {
            rect: Rect { h, ..frame },
            fill: Some(label.fill.clone()),
            stroke: None,
            bleed: bleed_sides(spec.bleed, Rect { h, ..frame }, styles.layout),
        });
        let pstyle = styles.paragraph(&label.style, &format!("{at}.label.style"))?;
        let inset_left: Pt = spec.inset_mm[3].into();
        let lines = furniture_line(
            styles,
            shaper,
            &label.style,
            &label.text,
            frame.w - inset_left * 2.0,
            drawing.language,
            &format!("{at}.label"),
        )?;
        // Centre the label's capitals in the band.
        let cap = styles
            .fonts
            .face(styles.run(pstyle, &label.style, false, false, None)?.face)
            .cap_height
            * pstyle.size_pt.0;
        let baseline = frame.y + (h + Pt(cap)) / 2.0;
        let origin = held.first().filter(|(_, f)| !f.placed.is_empty()).map_or(
            Origin::Artifact,
            |(pi, _)| Origin::Label {
                story: stories[*pi].index,
            },
        );
        if lines.len() > 1 {
            return Err(Error::input(
                Problem::new(format!(
                    "the label « {} » does not fit on one line of its band",
                    label.text
                ))
                .in_file(drawing.layout_file)
                .at(format!("{at}.label.text"))
                .hint("shorten the label, make its style smaller or the frame wider"),
            ));
        }
        for line in lines.into_iter().take(1) {
            marks.push(Mark::Text {
                runs: line.runs,
                x: frame.x + inset_left,
                baseline,
                origin,
            });
        }
    }
    for (pi, filled) in held {
        let story = &stories[*pi].index;
        let blocks = &stories[*pi].story;
        for placed in &filled.placed {
            match placed {
                Placed::Line {
                    block,
                    index,
                    line,
                    baseline,
                } => {
                    let info = &blocks.info[*block];
                    let leading = blocks.blocks[*block].leading;
                    let style = styles.layout.paragraph_styles.get(&info.style);
                    let baseline = *baseline + shift;
                    if *index == 0 && style.is_some_and(|s| s.bookmark) {
                        let b = Bookmark {
                            title: bookmark_title(&info.text),
                            page,
                            y: baseline - leading,
                        };
                        bookmarks.push((*story, *block, b));
                    }
                    if let Some(rule) = style.and_then(|s| s.rule_left.clone()) {
                        let top = baseline - leading * flow::BASELINE_RATIO;
                        let rect = Rect {
                            x: area.x,
                            y: top,
                            w: RULE_LEFT_WIDTH,
                            h: leading,
                        };
                        marks.push(Mark::Rect {
                            rect,
                            fill: Some(rule),
                            stroke: None,
                            bleed: [false; 4],
                        });
                    }
                    marks.push(Mark::Text {
                        runs: line.runs.clone(),
                        x: area.x,
                        baseline,
                        origin: Origin::Story {
                            story: *story,
                            block: *block,
                        },
                    });
                }
                Placed::Cell {
                    block,
                    row,
                    column,
                    repeated,
                    line,
                    x,
                    baseline,
                    ..
                } => {
                    // A header repeated at the top of a continuation frame is
                    // read once, where the table starts: here it is an artifact.
                    let (runs, origin) = if *repeated {
                        (without_links(&line.runs).into(), Origin::Artifact)
                    } else {
                        let origin = Origin::Cell {
                            story: *story,
                            block: *block,
                            row: *row,
                            column: *column,
                        };
                        (line.runs.clone(), origin)
                    };
                    marks.push(Mark::Text {
                        runs,
                        x: area.x + *x,
                        baseline: *baseline + shift,
                        origin,
                    });
                }
                Placed::Rule { rect, color, .. } => marks.push(Mark::Rect {
                    rect: Rect {
                        y: rect.y + shift,
                        ..*rect
                    },
                    fill: Some(color.clone()),
                    stroke: None,
                    bleed: [false; 4],
                }),
                Placed::Image { block, rect } => {
                    let Role::Figure { image, alt } = &blocks.info[*block].role else {
                        continue;
                    };
                    marks.push(Mark::Image {
                        image: *image,
                        rect: Rect {
                            y: rect.y + shift,
                            ..*rect
                        },
                        alt: alt.clone(),
                        origin: Origin::Story {
                            story: *story,
                            block: *block,
                        },
                    });
                }
            }
        }
    }
    Ok(())
}

/// Runs as an artifact shows them: with no link (the table's first header
/// holds them).
fn without_links(runs: &[LineRun]) -> Vec<LineRun> {
    runs.iter()
        .map(|r| match &r.style.link {
            Some(_) => LineRun {
                style: std::sync::Arc::new(crate::compose::RunStyle {
                    link: None,
                    ..(*r.style).clone()
                }),
                ..r.clone()
            },
            None => r.clone(),
        })
        .collect()
}

/// A heading's text as an outline title: one line, no forced breaks.
fn bookmark_title(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lines wider than their frame or their table column (a word too long to
/// break), and words broken by force: one warning per block.
fn overfull(
    story: &str,
    blocks: &Story,
    filled: &[Filled],
    issue_file: &Path,
    page_width: Pt,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut reported = Vec::new();
    let mut off_page = Vec::new();
    for f in filled {
        for placed in &f.placed {
            let (block, line, room, row, left) = match placed {
                Placed::Line { block, line, .. } => {
                    (*block, line, f.slot.area.w, None, f.slot.area.x)
                }
                Placed::Cell {
                    block,
                    line,
                    width,
                    row,
                    x,
                    ..
                } => (*block, line, *width, Some(*row), f.slot.area.x + *x),
                _ => continue,
            };
            let right = line
                .runs
                .iter()
                .map(|r| r.x + r.width)
                .fold(Pt::ZERO, Pt::max);
            if left + right > page_width + OFF_PAGE_TOLERANCE && !off_page.contains(&block) {
                // Text that would print off the page is text lost.
                off_page.push(block);
                let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
                let start: String = text.chars().take(30).collect();
                out.push(Finding::error(format!(
                    "{}: story `{story}`, Markdown line {}: a line runs {:.0} mm off the page (« {start}… »): \
                     its paragraph style's size, indent or table gap is too large for the frame",
                    issue_file.display(),
                    blocks.info[block].line,
                    (left + right - page_width).to_mm().0
                )));
            }
            if !(line.overfull || line.forced) || reported.contains(&block) {
                continue;
            }
            reported.push(block);
            let text: String = line.runs.iter().map(|r| r.text.as_str()).collect();
            let info = &blocks.info[block];
            let md_line = match (&info.role, row) {
                (Role::Table { row_lines, .. }, Some(r)) => {
                    row_lines.get(r).copied().unwrap_or(info.line)
                }
                _ => info.line,
            };
            let advice = if line.overfull {
                overfull_advice(right, room, &text, row.is_some())
            } else {
                let end: String = text
                    .trim_end_matches(['\u{AD}', '\u{2010}', '-'])
                    .chars()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!(
                    "a word too long for its column is broken by force (« …{end} »); shorten it, \
                     or give it a hyphen or a space where it may break"
                )
            };
            let message = format!(
                "{}: story `{story}`, Markdown line {md_line}: {advice}",
                issue_file.display()
            );
            // A cell's line past its column prints over the next column.
            out.push(if line.overfull && row.is_some() {
                Finding::error(message)
            } else {
                Finding::warning(message)
            });
        }
    }
    out
}

/// What to say of a line that sticks out of its room (a frame or a table column).
/// `right` is where the line ends, from the room's left edge.
fn overfull_advice(right: Pt, room: Pt, text: &str, in_table: bool) -> String {
    let over = (right - room).to_mm().0;
    let start: String = text.chars().take(30).collect();
    if in_table {
        format!(
            "a line of a table cell sticks out of its column by {over:.1} mm (« {start}… »); \
             the table is too wide for its frame: shorten its longest words, give them a hyphen, \
             or use fewer columns"
        )
    } else {
        format!(
            "a line sticks out of its frame by {over:.1} mm (« {start}… »); \
             a word too long for the column: shorten it or give it a hyphen"
        )
    }
}

/// The sides of a rectangle that run into the bleed: those on the trim edge, if it bleeds.
fn bleed_sides(bleeds: bool, r: Rect, layout: &Layout) -> [bool; 4] {
    let (w, h): (Pt, Pt) = (layout.page.width_mm.into(), layout.page.height_mm.into());
    let on = |a: Pt, b: Pt| (a - b).0.abs() < EDGE_TOLERANCE.0;
    [
        on(r.y, Pt::ZERO),
        on(r.right(), w),
        on(r.bottom(), h),
        on(r.x, Pt::ZERO),
    ]
    .map(|touch| touch && bleeds)
}
