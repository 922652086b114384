//! The finishing steps every parser takes once its blocks are built: outline levels ranked from
//! the headings' own levels, each block's section, and the back matter marked as boilerplate.
//! Written once here, called by the text and the PDF parser alike.

use crate::{Block, BlockKind, OutlineEntry, Report};

/// A heading a parser found, before outline levels are assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The parser's own level (a numbering depth, a type size rank): only its order matters.
    pub raw_level: u8,
    /// Heading text.
    pub title: String,
    /// Index into the blocks of the heading block.
    pub block: usize,
}

/// How a parser finds where the back matter (disclaimers, rating definitions) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackMatter {
    /// By outline sections: a section whose title names back matter (`分析师声明`, `免责声明`) is
    /// boilerplate up to the next section of the same or a higher level that does not.
    Sections,
    /// By printed lines: everything from the first heading or paragraph that opens back matter,
    /// in the second half of a document of `pages` pages (a two-page note anywhere), to the end.
    FromFirstHeading {
        /// The document's page count.
        pages: usize,
    },
}

/// The levels of a list of raw levels, densely ranked (1 = the outermost used): `[2, 4, 2, 3]`
/// → `[1, 3, 1, 2]`, so a report whose shallowest numbering is `1.1` still starts at level 1.
pub fn rank_levels<K: Ord + Clone>(raw: &[K]) -> Vec<u8> {
    let mut used: Vec<K> = raw.to_vec();
    used.sort();
    used.dedup();
    raw.iter().map(|k| used.iter().position(|u| u == k).map_or(1, |p| (p + 1).min(255) as u8)).collect()
}

impl Report {
    /// Holds figure and table sources as the model does: a parser that found a source by its
    /// printed line (`资料来源：光大证券研究所，Wind； 注：样本区间…`) keeps it without the prefix,
    /// and the note printed on the same line goes to `notes`, before any note printed below
    /// (renderers add their own `资料来源：`, which would otherwise print twice).
    pub fn split_source_lines(&mut self) {
        let items = self
            .figures
            .iter_mut()
            .map(|f| (&mut f.source, &mut f.notes))
            .chain(self.tables.iter_mut().map(|t| (&mut t.source, &mut t.notes)));
        for (source, notes) in items {
            let Some(line) = source.take() else { continue };
            let split = yanbao_vocab::source::split(&line);
            *source = split.source;
            if let Some(note) = split.note {
                *notes = Some(match notes.take() {
                    Some(below) => format!("{note} {below}"),
                    None => note,
                });
            }
        }
    }

    /// Brings what an older parser printed in its own form to the vocabulary's one form
    /// (report format 6): the institution's canonical broker name (`光大证券研究所` →
    /// `光大证券`), caption labels as `图 1`, sources without prefix and their notes apart.
    pub fn to_canonical_forms(&mut self) {
        if let Some(name) = self.institution.as_deref().and_then(yanbao_vocab::canonical_broker) {
            self.institution = Some(name.to_string());
        }
        for label in self.figures.iter_mut().map(|f| &mut f.label).chain(self.tables.iter_mut().map(|t| &mut t.label)) {
            // The label read again as a caption's start: `图1` → `图 1`, `Fig. 3` → `Figure 3`.
            if let Some(caption) = yanbao_vocab::caption::parse(&format!("{label}：x")) {
                *label = caption.label;
            }
        }
        self.split_source_lines();
    }

    /// Finishes a parsed body: the outline from `headings` (levels densely ranked, see
    /// [`rank_levels`]), every block's `section`, and back matter marked `boilerplate` the way
    /// `back_matter` says. Replaces the report's blocks and outline.
    pub fn finish(&mut self, blocks: Vec<Block>, headings: &[Heading], back_matter: BackMatter) {
        let levels = rank_levels(&headings.iter().map(|h| h.raw_level).collect::<Vec<_>>());
        let outline = headings.iter().zip(levels).map(|(h, level)| OutlineEntry { level, title: h.title.clone(), block: h.block }).collect();
        self.finish_with_outline(blocks, outline, back_matter);
    }

    /// [`Report::finish`] for a parser that ranked its outline itself: sets every block's
    /// section and marks the back matter.
    pub fn finish_with_outline(&mut self, mut blocks: Vec<Block>, outline: Vec<OutlineEntry>, back_matter: BackMatter) {
        assign_sections(&mut blocks, &outline);
        match back_matter {
            BackMatter::Sections => mark_back_matter_sections(&mut blocks, &outline),
            BackMatter::FromFirstHeading { pages } => mark_back_matter_from_heading(&mut blocks, pages),
        }
        self.blocks = blocks;
        self.outline = outline;
    }
}

/// Sets each block's section to the latest outline entry at or before it.
fn assign_sections(blocks: &mut [Block], outline: &[OutlineEntry]) {
    let mut current: Option<usize> = None;
    let mut next_entry = 0;
    for (index, block) in blocks.iter_mut().enumerate() {
        while next_entry < outline.len() && outline[next_entry].block <= index {
            current = Some(next_entry);
            next_entry += 1;
        }
        block.section = current;
    }
}

/// Marks the blocks of back-matter sections: from a back-matter heading up to the next heading
/// of the same or a higher level that is not one.
fn mark_back_matter_sections(blocks: &mut [Block], outline: &[OutlineEntry]) {
    let mut open_level: Option<u8> = None;
    let mut entries = outline.iter().peekable();
    for (index, block) in blocks.iter_mut().enumerate() {
        while let Some(entry) = entries.next_if(|e| e.block <= index) {
            if yanbao_vocab::back_matter::is_section_title(&entry.title) {
                open_level = Some(open_level.map_or(entry.level, |l| l.min(entry.level)));
            } else if open_level.is_some_and(|l| entry.level <= l) {
                open_level = None;
            }
        }
        if open_level.is_some() {
            block.boilerplate = true;
        }
    }
}

/// Marks everything from the first back-matter heading (or paragraph) of the second half of
/// the document to its end.
fn mark_back_matter_from_heading(blocks: &mut [Block], pages: usize) {
    let earliest_page = ((pages as f32) * 0.5).floor().max(1.0) as u32;
    let start = blocks.iter().position(|block| {
        block.page.map(|p| p > earliest_page || pages <= 2).unwrap_or(false)
            && matches!(block.kind, BlockKind::Heading | BlockKind::Paragraph)
            && yanbao_vocab::back_matter::is_heading(&block.text)
    });
    if let Some(start) = start {
        for block in &mut blocks[start..] {
            block.boilerplate = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(kind: BlockKind, text: &str, page: u32) -> Block {
        Block { kind, text: text.into(), page: Some(page), ..Block::default() }
    }

    #[test]
    fn levels_are_densely_ranked() {
        assert_eq!(rank_levels(&[2u8, 4, 2, 3]), vec![1, 3, 1, 2]);
        assert!(rank_levels::<u8>(&[]).is_empty());
    }

    #[test]
    fn sections_and_back_matter_by_sections() {
        let blocks = vec![
            block(BlockKind::Heading, "一、投资要点", 1),
            block(BlockKind::Paragraph, "正文", 1),
            block(BlockKind::Heading, "分析师声明", 2),
            block(BlockKind::Paragraph, "本人具有中国证券业协会授予的证券投资咨询执业资格", 2),
        ];
        let headings = [Heading { raw_level: 1, title: "一、投资要点".into(), block: 0 }, Heading { raw_level: 1, title: "分析师声明".into(), block: 2 }];
        let mut report = Report::default();
        report.finish(blocks, &headings, BackMatter::Sections);
        assert_eq!(report.outline.len(), 2);
        assert_eq!(report.blocks.iter().map(|b| b.section).collect::<Vec<_>>(), vec![Some(0), Some(0), Some(1), Some(1)]);
        assert_eq!(report.blocks.iter().map(|b| b.boilerplate).collect::<Vec<_>>(), vec![false, false, true, true]);
    }

    #[test]
    fn back_matter_from_the_first_heading_of_the_second_half() {
        let blocks = vec![
            block(BlockKind::Paragraph, "免责声明", 1),
            block(BlockKind::Paragraph, "正文", 5),
            block(BlockKind::Heading, "免责声明", 9),
            block(BlockKind::Paragraph, "本报告仅供参考", 10),
        ];
        let mut report = Report::default();
        report.finish(blocks, &[], BackMatter::FromFirstHeading { pages: 10 });
        assert_eq!(report.blocks.iter().map(|b| b.boilerplate).collect::<Vec<_>>(), vec![false, false, true, true]);
    }
}
