//! Blocks: a page's body lines, in reading order, into paragraphs (joined across lines, columns
//! and pages), list items, headings, the title, captioned figures and tables and unlabelled
//! tables; contents entries and cover metadata left out; then the outline and the closing
//! boilerplate (the model's finishing steps).

use std::collections::{HashMap, HashSet};

use once_cell::sync::Lazy;
use regex::Regex;
use yanbao_model::finish::{BackMatter, Heading};
use yanbao_model::normalize::{clean, fold, is_han};
use yanbao_model::{Block, BlockKind, Figure, Report, Table};

use super::captions::{find_captions, CaptionHit};
use super::tables::table_regions;
use crate::cover::{is_contact_line, is_cover_metadata, CoverFacts};
use crate::lines::{push_wrapped, vertical_overlap, Line};
use crate::order::reading_order;
use crate::page::{LayoutPage, TextLine};
use yanbao_vocab as vocab;

/// Lays out the body lines of every page into the report's blocks, outline, figures and tables.
/// Runs after the running text is marked and the cover read (the title and the cover metadata
/// are recognised among the lines).
pub fn build_blocks(pages: &[LayoutPage], report: &mut Report) {
    let mut builder = BlockBuilder::new(body_font_size(pages), pages.len());
    builder.body_bold = body_is_bold(pages);
    builder.title_key = fold(&report.title);
    builder.cover_page = pages.iter().find(|p| p.lines.iter().any(|l| !l.running)).map(|p| p.number).unwrap_or(1);
    builder.cover = CoverFacts::of(report);
    for page in pages {
        builder.add_page(page);
    }
    builder.finish(report);
}

/// Returns the most common font size of body lines, weighted by characters.
fn body_font_size(pages: &[LayoutPage]) -> f32 {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for line in pages.iter().flat_map(|p| &p.lines) {
        // Paragraph-like lines only: table cells and chart labels are set smaller.
        if !line.running && line.line.chars >= 12 {
            *counts.entry((line.line.size * 2.0).round() as i32).or_default() += line.line.chars;
        }
    }
    counts.into_iter().max_by_key(|(size, n)| (*n, *size)).map(|(size, _)| size as f32 / 2.0).unwrap_or(10.0)
}

/// True when most body characters are set in a bold face (a 黑体 body font).
fn body_is_bold(pages: &[LayoutPage]) -> bool {
    let (mut bold, mut total) = (0usize, 0usize);
    for line in pages.iter().flat_map(|p| &p.lines).filter(|l| !l.running) {
        total += line.line.chars;
        if line.line.bold {
            bold += line.line.chars;
        }
    }
    bold * 2 > total
}

/// Builds blocks page by page.
struct BlockBuilder {
    body_size: f32,
    /// The body font itself is bold (黑体 bodies): boldness then marks nothing.
    body_bold: bool,
    /// Folded cover title: its wrapped lines on the first page make one title block.
    title_key: String,
    /// Index of the title block once emitted.
    title_block: Option<usize>,
    /// The page whose sidebar holds the cover metadata (the first page with body lines).
    cover_page: u32,
    /// What the cover says (analysts, related reports, date), to keep its lines out of the body.
    cover: CoverFacts,
    page_count: usize,
    blocks: Vec<Block>,
    figures: Vec<Figure>,
    tables: Vec<Table>,
    /// (raw level, block index, title)
    headings: Vec<(u8, usize, String)>,
    /// The paragraph being built: its lines' geometry.
    open: Option<OpenParagraph>,
    /// Source line to attach to a caption of the previous page that had none.
    pending_source: Vec<(bool, usize)>,
    /// A captioned table whose source did not appear on its page (it may continue on the next).
    continuing_table: Option<usize>,
    /// Caption key → (is a table, index into tables/figures), to merge continuation pages.
    seen_labels: HashMap<String, (bool, usize)>,
}

/// The paragraph under construction.
#[derive(Debug, Clone)]
struct OpenParagraph {
    block: usize,
    x0: f32,
    x1: f32,
    last: Line,
    page: u32,
    lines: usize,
    text: String,
}

impl BlockBuilder {
    fn new(body_size: f32, page_count: usize) -> Self {
        BlockBuilder {
            body_size,
            body_bold: false,
            title_key: String::new(),
            title_block: None,
            cover_page: 1,
            cover: CoverFacts::default(),
            page_count,
            blocks: Vec::new(),
            figures: Vec::new(),
            tables: Vec::new(),
            headings: Vec::new(),
            open: None,
            pending_source: Vec::new(),
            seen_labels: HashMap::new(),
            continuing_table: None,
        }
    }

    /// Lays out one page.
    fn add_page(&mut self, page: &LayoutPage) {
        let body: Vec<usize> = (0..page.lines.len()).filter(|&i| !page.lines[i].running).collect();
        let geometry: Vec<&Line> = body.iter().map(|&i| &page.lines[i].line).collect();
        let order: Vec<usize> = reading_order(&geometry).into_iter().map(|k| body[k]).collect();
        let toc_page = is_toc_page(page);
        // A caption of the previous page still waiting for its source: the first source line here.
        let mut consumed: HashSet<usize> = HashSet::new();
        if !self.pending_source.is_empty() {
            let first_caption = order.iter().position(|&i| vocab::caption::parse_printed(&page.lines[i].text).is_some()).unwrap_or(order.len());
            if let Some(&source_line) = order[..first_caption].iter().find(|&&i| vocab::source::is_source(&page.lines[i].text)) {
                let text = page.lines[source_line].text.clone();
                for (is_table, index) in std::mem::take(&mut self.pending_source) {
                    if is_table {
                        if let Some(table) = self.tables.get_mut(index) {
                            table.source = Some(text.clone());
                        }
                    } else if let Some(figure) = self.figures.get_mut(index) {
                        figure.source = Some(text.clone());
                    }
                }
                consumed.insert(source_line);
            }
            self.pending_source.clear();
        }
        let hits = if toc_page { Vec::new() } else { find_captions(page, &body) };
        let mut hit_at: HashMap<usize, usize> = HashMap::new();
        for (k, hit) in hits.iter().enumerate() {
            hit_at.insert(hit.line, k);
            consumed.extend(hit.consumed.iter().copied());
        }
        let free: Vec<usize> = body.iter().copied().filter(|i| !consumed.contains(i) && !hit_at.contains_key(i)).collect();
        let grids = table_regions(page, &free);
        let mut grid_of: HashMap<usize, usize> = HashMap::new();
        for (g, grid) in grids.iter().enumerate() {
            for &i in &grid.members {
                grid_of.insert(i, g);
            }
        }
        let mut grid_done = vec![false; grids.len()];
        // A captioned table left without its source on the previous page continues in the first
        // grid of this page when nothing else comes before it: one table across the break.
        let mut continuing = self.continuing_table.take();
        for &index in &order {
            if let Some(&k) = hit_at.get(&index) {
                self.close_paragraph();
                self.emit_caption(&hits[k], page.number);
                // A table caption without a source line: the grid right after it is its body.
                continuing = self.continuing_table.take();
                continue;
            }
            if consumed.contains(&index) {
                continue;
            }
            if let Some(&g) = grid_of.get(&index) {
                if !grid_done[g] {
                    grid_done[g] = true;
                    self.close_paragraph();
                    match continuing.and_then(|t| self.tables.get_mut(t)) {
                        Some(table) => table.rows.extend(grids[g].rows.iter().cloned()),
                        None => self.emit_grid(page.number, &grids[g].rows),
                    }
                }
                continue;
            }
            continuing = None;
            let line = &page.lines[index];
            // Contents and list-of-figures entries are the outline, cover sidebar lines the
            // report's metadata (analysts, contacts, related reports): neither is body text.
            let contents = vocab::contents::ends_with_dot_leaders(&line.text)
                || vocab::contents::is_section_numbers(&line.text)
                || (toc_page && (vocab::contents::is_printed_entry(&line.text) || fold(&line.text).contains("目录") || reads_as_caption(&line.text)));
            let metadata = is_contact_line(&line.text) || (page.number == self.cover_page && is_cover_metadata(&line.text, &self.cover));
            if contents || metadata {
                self.close_paragraph();
                continue;
            }
            self.add_line(line);
        }
        // Still open at the page end: the table may go on over the break.
        self.continuing_table = continuing.filter(|&t| self.tables.get(t).map(|table| table.source.is_none()).unwrap_or(false));
    }

    /// Emits an unlabelled table (a grid of short cells, or a ruled grid).
    fn emit_grid(&mut self, page: u32, rows: &[Vec<String>]) {
        let text = rows.iter().map(|r| r.join(" ")).collect::<Vec<_>>().join("\n");
        let block = self.push_block(BlockKind::Table, text, page);
        let (header, body) = match rows.split_first() {
            Some((first, rest)) => (first.clone(), rest.to_vec()),
            None => (Vec::new(), Vec::new()),
        };
        self.tables.push(Table { header, rows: body, page: Some(page), block, ..Table::default() });
    }

    /// Emits the block, figure or table of a caption.
    fn emit_caption(&mut self, hit: &CaptionHit, page: u32) {
        let key = format!("{}|{}", fold(&hit.label), fold(&hit.caption));
        let text = format!("{} {}", hit.label, hit.caption);
        let kind = if hit.is_table { BlockKind::Table } else { BlockKind::Figure };
        let block = self.push_block(kind, text, page);
        if let Some(&(is_table, index)) = self.seen_labels.get(&key) {
            // The same caption repeated on a continuation page: one table, one figure; the
            // continuation may carry the source the first page lacked.
            if is_table {
                if let Some(table) = self.tables.get_mut(index) {
                    if table.source.is_none() {
                        table.source = hit.source.clone();
                    }
                    table.rows.extend(hit.rows.iter().skip(1).cloned());
                }
            } else if let Some(figure) = self.figures.get_mut(index) {
                if figure.source.is_none() {
                    figure.source = hit.source.clone();
                }
            }
            return;
        }
        let index = if hit.is_table { self.tables.len() } else { self.figures.len() };
        self.seen_labels.insert(key, (hit.is_table, index));
        if hit.is_table {
            let (header, rows) = match hit.rows.split_first() {
                Some((first, rest)) => (first.clone(), rest.to_vec()),
                None => (Vec::new(), Vec::new()),
            };
            self.tables.push(Table {
                label: hit.label.clone(),
                caption: hit.caption.clone(),
                header,
                rows,
                source: hit.source.clone(),
                notes: hit.notes.clone(),
                page: Some(page),
                block,
            });
            if hit.source.is_none() {
                self.pending_source.push((true, self.tables.len() - 1));
                self.continuing_table = Some(self.tables.len() - 1);
            }
        } else {
            self.figures.push(Figure {
                label: hit.label.clone(),
                caption: hit.caption.clone(),
                source: hit.source.clone(),
                notes: hit.notes.clone(),
                page: Some(page),
                bbox: hit.bbox,
                block,
            });
            if hit.source.is_none() {
                self.pending_source.push((false, self.figures.len() - 1));
            }
        }
    }

    /// Appends a block and returns its index.
    fn push_block(&mut self, kind: BlockKind, text: String, page: u32) -> usize {
        self.blocks.push(Block { kind, text, page: Some(page), section: None, boilerplate: false, ocr: false });
        self.blocks.len() - 1
    }

    /// Closes the open paragraph.
    fn close_paragraph(&mut self) {
        if let Some(open) = self.open.take() {
            if let Some(block) = self.blocks.get_mut(open.block) {
                block.text = clean(&open.text);
                if block.kind == BlockKind::Paragraph && yanbao_model::normalize::looks_like_formula(&block.text) {
                    block.kind = BlockKind::Formula;
                }
            }
        }
    }

    /// Adds a body line: a heading, the continuation of the open paragraph, or a new paragraph.
    fn add_line(&mut self, line: &TextLine) {
        // Folded only where a title line can be: large type on the first page.
        let title_line = line.page == 1 && line.line.size >= self.body_size + 1.5 && {
            let key = fold(&line.text);
            key.chars().count() >= 4 && self.title_key.contains(&key)
        };
        if title_line {
            self.close_paragraph();
            match self.title_block {
                Some(block) if block + 1 == self.blocks.len() => {
                    if let Some(title) = self.blocks.get_mut(block) {
                        push_wrapped(&mut title.text, &line.text);
                    }
                }
                _ => {
                    // The title is a heading block but not a section of the outline.
                    let block = self.push_block(BlockKind::Heading, line.text.clone(), line.page);
                    self.title_block = Some(block);
                }
            }
            return;
        }
        if let Some(level) = self.heading_level(line) {
            self.close_paragraph();
            let block = self.push_block(BlockKind::Heading, line.text.clone(), line.page);
            self.headings.push((level, block, line.text.clone()));
            return;
        }
        let continues = match &self.open {
            Some(open) => continues_paragraph(open, line, self.body_size),
            None => false,
        };
        if continues {
            if let Some(open) = self.open.as_mut() {
                push_wrapped(&mut open.text, &line.text);
                open.x0 = open.x0.min(line.line.x0);
                open.x1 = open.x1.max(line.line.x1);
                open.last = line.line.clone();
                open.page = line.page;
                open.lines += 1;
            }
            return;
        }
        self.close_paragraph();
        let kind = if starts_list_item(&line.text) { BlockKind::List } else { BlockKind::Paragraph };
        let block = self.push_block(kind, line.text.clone(), line.page);
        self.open = Some(OpenParagraph {
            block,
            x0: line.line.x0,
            x1: line.line.x1,
            last: line.line.clone(),
            page: line.page,
            lines: 1,
            text: line.text.clone(),
        });
    }

    /// Returns the raw heading level of a line, or `None` for body text.
    fn heading_level(&self, line: &TextLine) -> Option<u8> {
        let text = &line.text;
        let chars = text.chars().count();
        if !(2..=45).contains(&chars) || text.ends_with(['。', '，', '；', ',', ';']) || vocab::source::is_source(text) {
            return None;
        }
        let emphasised = (line.line.bold && !self.body_bold) || line.line.size >= self.body_size + 0.9;
        if let Some(level) = vocab::numbering::printed_level(text) {
            // `1.《…》` is a related-report list item, not a section.
            if text.contains('《') {
                return None;
            }
            if emphasised && chars >= 4 && text.chars().any(|c| is_han(c) || c.is_alphabetic()) {
                return Some(level);
            }
            return None;
        }
        let letters = text.chars().filter(|c| is_han(*c) || c.is_alphabetic()).count();
        // Cover sidebars are full of short bold labels (分析师, 相关研报): there only larger type
        // makes an unnumbered heading, and a `——series` line is the subtitle, not a section.
        let larger = line.line.size >= self.body_size + 0.9;
        if line.page == 1 && (!larger || text.starts_with('—')) {
            return None;
        }
        if emphasised && chars <= 25 && letters >= 2 && line.line.size >= self.body_size - 0.1 && !text.contains('：') {
            return Some(if line.line.size >= self.body_size + 3.0 { 1 } else { 2 });
        }
        None
    }

    /// Finishes the report: outline, sections and boilerplate (the model's finishing steps, see
    /// [`Report::finish`]), figures and tables.
    fn finish(mut self, report: &mut Report) {
        self.close_paragraph();
        let headings: Vec<Heading> =
            self.headings.iter().map(|(raw_level, block, title)| Heading { raw_level: *raw_level, title: title.clone(), block: *block }).collect();
        report.finish(self.blocks, &headings, BackMatter::FromFirstHeading { pages: self.page_count });
        report.figures = self.figures;
        report.tables = self.tables;
    }
}

/// True when a line continues the open paragraph: next line of the same column, or the top of
/// the next column or page after a line that did not end a sentence.
fn continues_paragraph(open: &OpenParagraph, line: &TextLine, body_size: f32) -> bool {
    let last = &open.last;
    let size = last.size.max(1.0);
    if (line.line.size - last.size).abs() > 0.8 || starts_list_item(&line.text) || vocab::source::is_source(&line.text) || vocab::source::is_note(&line.text) {
        return false;
    }
    // The rest of the same row (a run split off by a font or spacing change).
    let same_row = vertical_overlap(last.y0, last.y1, line.line.y0, line.line.y1) >= 0.5;
    if line.page == open.page && same_row && line.line.x0 >= last.x1 - 1.0 && line.line.x0 - last.x1 < 3.0 * size {
        return true;
    }
    let overlap_x = line.line.x0 < open.x1 && line.line.x1 > open.x0;
    let below = line.line.y0 > last.y0 + 0.3 * last.height();
    let gap = line.line.y0 - last.y1;
    if line.page == open.page && below && overlap_x && gap < 1.3 * last.height().max(size) {
        let indented = line.line.x0 > open.x0 + 1.5 * size;
        let previous_short = open.lines >= 1 && last.x1 < open.x1 - 2.5 * size && ends_sentence(&open.text);
        return !indented && !previous_short;
    }
    if vocab::source::is_source(&open.text) || vocab::source::is_note(&open.text) {
        return false;
    }
    // Column or page continuation: only body-size text after an unfinished sentence whose last
    // line ran to the column's edge (a short last line ends its block: a sidebar item).
    let full_last_line = last.x1 >= open.x1 - 2.0 * size;
    let unfinished = !ends_sentence(&open.text) && full_last_line && line.line.width() > 0.5 * (open.x1 - open.x0);
    let new_column = line.page == open.page && line.line.y0 < last.y0 && !overlap_x;
    let new_page = line.page == open.page + 1;
    unfinished && (new_column || new_page) && (last.size - body_size).abs() < 0.6
}

/// True for lines that open a list item (`1）`, `（2）`, bullets).
pub fn starts_list_item(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('•' | '●' | '▪' | '■' | '◆' | '◇' | '□' | '○' | '►' | '▶' | '➢' | '✓' | '√' | '-' | '–') => true,
        Some(c) if c.is_ascii_digit() => {
            let rest: String = text.chars().skip_while(|c| c.is_ascii_digit()).take(1).collect();
            rest == "）" || rest == ")"
        }
        _ => false,
    }
}

/// True for a contents / list-of-figures page: a 目录 heading or several dot-leader entries.
///
/// A page read by OCR loses its leaders (the detector boxes the dots apart from the entry, or
/// not at all): under a 图表目录 heading, three lines that read as captions (`图3:`, `表1：…`)
/// make it a list of figures too, and its lines are entries, not the report's captions.
fn is_toc_page(page: &LayoutPage) -> bool {
    let entries = page.lines.iter().filter(|l| vocab::contents::is_printed_entry(&l.text)).count();
    let caption_like = || page.lines.iter().filter(|l| reads_as_caption(&l.text)).count();
    // The heading matters only with one or two entries: fold the lines only then.
    let heading = || {
        page.lines.iter().any(|l| {
            let f = fold(&l.text);
            f == "目录" || f == "图表目录" || f == "插图目录" || f == "表格目录" || f == "图目录" || f == "表目录" || f.eq_ignore_ascii_case("contents")
        })
    };
    entries >= 3 || ((entries >= 1 || caption_like() >= 3) && heading())
}

/// True for a caption line or a bare caption label (`图3:`, `表 12：`, an OCR'd list-of-figures
/// entry whose title was boxed apart).
fn reads_as_caption(text: &str) -> bool {
    static BARE_LABEL: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(图表|图|表|Figure|Table|Exhibit)\s*\d+\s*[:：.]?$").unwrap());
    vocab::caption::parse_printed(text).is_some() || BARE_LABEL.is_match(text.trim())
}

/// True when a line ends a sentence (so a paragraph may end with it).
fn ends_sentence(line: &str) -> bool {
    matches!(line.trim_end().chars().last(), Some('。' | '！' | '？' | '；' | '.' | '!' | '?' | ';' | '：' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items() {
        assert!(starts_list_item("1）资产收益率为正；"));
        assert!(starts_list_item("• 风险提示"));
        assert!(!starts_list_item("2022年光伏装机"));
    }

    fn page_of(texts: &[&str]) -> LayoutPage {
        let lines = texts
            .iter()
            .enumerate()
            .map(|(i, text)| TextLine { line: Line { text: text.to_string(), y0: 20.0 * i as f32, y1: 20.0 * i as f32 + 12.0, x1: 300.0, size: 10.0, ..Line::default() }, text: text.to_string(), page: 3, running: false })
            .collect();
        LayoutPage { number: 3, width: 595.0, height: 842.0, lines, ..LayoutPage::default() }
    }

    #[test]
    fn a_list_of_figures_read_by_ocr_is_known_without_its_leaders() {
        // OCR boxes the dot leaders apart from the entries (or not at all).
        assert!(is_toc_page(&page_of(&["图表目录", "图1: 2019-08至2022-08金股数量，", "图2：2022年8月行业内金股覆盖度。", "图3:", "图4:"])));
        // Captions on a body page are captions.
        assert!(!is_toc_page(&page_of(&["图1：上证指数走势", "图2：成交量", "图3：换手率", "正文。"])));
        assert!(is_toc_page(&page_of(&["目录", "1 概况..........3"])));
    }
}
