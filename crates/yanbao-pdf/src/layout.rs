//! Layout analysis: the lines of every page into the blocks, outline, figures and tables of a report.
//!
//! Steps: normalise line text (template tags dropped); find running headers and footers by
//! repetition in the page margins; order each page's lines by recursive XY-cuts (columns and
//! sidebars first); find captions with their source and note lines geometrically; join lines into
//! paragraphs across lines, columns and pages; mark headings and the closing boilerplate.

use std::collections::{HashMap, HashSet};

use yanbao_model::normalize::{clean, fold, is_han};
use yanbao_model::finish::{BackMatter, Heading};
use yanbao_model::{Block, BlockKind, Figure, PageBox, Report, Table};

use crate::extract::{Document, Shape};
use crate::lines::{build_lines_ruled, Line};
use yanbao_vocab as vocab;

/// The lines of one page with the page size.
#[derive(Debug, Clone, Default)]
pub struct PageLines {
    /// 1-based page number.
    pub number: u32,
    /// Page width.
    pub width: f32,
    /// Page height.
    pub height: f32,
    /// Lines in extraction order.
    pub lines: Vec<Line>,
}

/// Builds the lines of every page.
pub fn page_lines(document: &Document) -> Vec<PageLines> {
    document
        .pages
        .iter()
        .enumerate()
        .map(|(index, page)| PageLines { number: index as u32 + 1, width: page.width, height: page.height, lines: build_lines_ruled(&page.glyphs, &crate::ruled::separators(&page.shapes)) })
        .collect()
}

/// A line ready for layout: normalised text and its role flags.
#[derive(Debug, Clone)]
pub struct TextLine {
    /// Geometry and style.
    pub line: Line,
    /// Normalised text (template tags removed, [`clean`] applied).
    pub text: String,
    /// 1-based page.
    pub page: u32,
    /// Running header/footer or page number.
    pub running: bool,
}

/// A page prepared for layout.
#[derive(Debug, Clone, Default)]
pub struct LayoutPage {
    /// 1-based page number.
    pub number: u32,
    /// Page width.
    pub width: f32,
    /// Page height.
    pub height: f32,
    /// Lines with normalised text.
    pub lines: Vec<TextLine>,
    /// Images and drawn shapes.
    pub shapes: Vec<Shape>,
}

/// Fills the report from the extracted document.
pub fn build_report(document: &Document, report: &mut Report) {
    let mut pages = prepare_pages(document);
    let total_chars: usize = pages.iter().flat_map(|p| &p.lines).map(|l| l.line.chars).sum();
    if total_chars == 0 {
        report.warnings.push("no text layer: the pdf has no extractable text (scanned or image-only)".into());
        return;
    }
    if document.hidden_chars > 0 {
        report.warnings.push(format!("{} invisible or rotated characters skipped", document.hidden_chars));
    }
    report.running_text = mark_running(&mut pages);
    let body_size = body_font_size(&pages);
    report.language = detect_language(&pages);
    crate::cover::read_cover(&pages, report);
    let mut builder = BlockBuilder::new(body_size, pages.len());
    builder.body_bold = body_is_bold(&pages);
    builder.title_key = fold(&report.title);
    builder.cover_page = pages.iter().find(|p| p.lines.iter().any(|l| !l.running)).map(|p| p.number).unwrap_or(1);
    builder.cover = crate::cover::CoverFacts::of(report);
    for page in &pages {
        builder.add_page(page);
    }
    builder.finish(report);
}

/// Turns extracted pages into layout pages: lines built, text normalised, empty lines dropped.
pub fn prepare_pages(document: &Document) -> Vec<LayoutPage> {
    let mut out = Vec::with_capacity(document.pages.len());
    for (index, page) in document.pages.iter().enumerate() {
        let number = index as u32 + 1;
        let mut lines = Vec::new();
        let separators = crate::ruled::separators(&page.shapes);
        for line in split_double_captions(join_split_labels(build_lines_ruled(&page.glyphs, &separators))) {
            let text = clean(&vocab::page::strip_template_tags(&line.text));
            if text.is_empty() {
                continue;
            }
            lines.push(TextLine { line, text, page: number, running: false });
        }
        out.push(LayoutPage { number, width: page.width, height: page.height, lines, shapes: page.shapes.clone() });
    }
    out
}

/// Joins a caption label printed apart (`图表11：` … `“日间反转”因子测试`, `图` … `1不同期限…`)
/// with the nearest text to its right on the same row.
pub fn join_split_labels(mut lines: Vec<Line>) -> Vec<Line> {
    // Bare labels reach far for their text; a caption reaches a little for the rest of its row
    // (申万: `表1：沪深300,` then `简单均线交叉策略年度表现` after a comma's gap).
    let labels: Vec<usize> = (0..lines.len())
        .filter(|&i| vocab::caption::is_bare_label(&lines[i].text) || vocab::caption::parse_printed(&lines[i].text).is_some() || vocab::source::is_source(&lines[i].text))
        .collect();
    if labels.is_empty() {
        return lines;
    }
    let mut removed = vec![false; lines.len()];
    for label in labels {
        if removed[label] {
            continue;
        }
        let l = lines[label].clone();
        let partner = (0..lines.len())
            .filter(|&j| j != label && !removed[j])
            .filter(|&j| {
                let o = &lines[j];
                let gap = o.x0 - l.x1;
                let reach = if vocab::caption::is_bare_label(&l.text) { 6.0 } else { 2.0 };
                crate::lines::vertical_overlap(l.y0, l.y1, o.y0, o.y1) >= 0.5
                    && gap > -1.0
                    && gap < reach * l.size.max(1.0)
                    && (o.size - l.size).abs() < 0.6
                    && vocab::caption::parse_printed(&o.text).is_none()
                    && !vocab::source::is_source(&o.text)
            })
            .min_by(|&a, &b| lines[a].x0.total_cmp(&lines[b].x0));
        if let Some(partner) = partner {
            let other = lines[partner].clone();
            let text = other.text.clone();
            let joined = &mut lines[label];
            if joined.text.ends_with(|c: char| c.is_ascii_digit()) {
                joined.text.push(' ');
            }
            joined.text.push_str(&text);
            joined.x1 = joined.x1.max(other.x1);
            joined.y0 = joined.y0.min(other.y0);
            joined.y1 = joined.y1.max(other.y1);
            joined.chars += other.chars;
            removed[partner] = true;
        }
    }
    lines.into_iter().zip(removed).filter(|(_, gone)| !gone).map(|(line, _)| line).collect()
}

/// Splits a line holding two side-by-side captions into one line per caption; the box is divided
/// in proportion to the characters (CJK captions are set in one width).
pub fn split_double_captions(lines: Vec<Line>) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let starts = vocab::caption::inner_starts(&line.text);
        if starts.is_empty() {
            out.push(line);
            continue;
        }
        let chars: Vec<char> = line.text.chars().collect();
        let total = chars.len().max(1) as f32;
        let mut bounds = vec![0usize];
        bounds.extend(starts);
        bounds.push(chars.len());
        for pair in bounds.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            let text: String = chars[from..to].iter().collect();
            let piece = Line {
                text: text.trim().to_string(),
                x0: line.x0 + line.width() * from as f32 / total,
                x1: line.x0 + line.width() * to as f32 / total,
                chars: to - from,
                ..line.clone()
            };
            out.push(piece);
        }
    }
    out
}

/// Returns the repetition key of a margin line: folded, digits replaced by `#`.
pub fn running_key(text: &str) -> String {
    let mut key = String::new();
    for c in fold(text).chars() {
        if c.is_ascii_digit() {
            if !key.ends_with('#') {
                key.push('#');
            }
        } else {
            key.push(c);
        }
    }
    key
}

/// True when a line lies in the top or bottom margin band of its page.
fn in_margin(line: &Line, page_height: f32) -> bool {
    line.y1 <= page_height * 0.14 || line.y0 >= page_height * 0.88
}

/// Marks running headers/footers and page numbers; returns the distinct running strings.
///
/// A margin line is running text when its key repeats on at least 30 % of the pages (two at least).
pub fn mark_running(pages: &mut [LayoutPage]) -> Vec<String> {
    let mut pages_by_key: HashMap<String, HashSet<u32>> = HashMap::new();
    let mut size_by_key: HashMap<String, f32> = HashMap::new();
    // The key of every margin line, computed once (folding is the costly part).
    let mut margin_keys: Vec<Vec<Option<String>>> = Vec::with_capacity(pages.len());
    for page in pages.iter() {
        let mut keys = Vec::with_capacity(page.lines.len());
        for line in &page.lines {
            if in_margin(&line.line, page.height) {
                let key = running_key(&line.text);
                let size = size_by_key.entry(key.clone()).or_insert(0.0);
                *size = size.max(line.line.size);
                pages_by_key.entry(key.clone()).or_default().insert(page.number);
                keys.push(Some(key));
            } else {
                keys.push(None);
            }
        }
        margin_keys.push(keys);
    }
    let needed = ((pages.len() as f32) * 0.3).ceil().max(2.0) as usize;
    let mut running_text = Vec::new();
    let mut recorded: HashSet<String> = HashSet::new();
    mark_numeric_stamps(pages, needed.max(3), &mut running_text, &mut recorded);
    for (page, keys) in pages.iter_mut().zip(margin_keys) {
        let height = page.height;
        for (line, margin_key) in page.lines.iter_mut().zip(keys) {
            let Some(key) = margin_key else {
                // A confirmed running string set a little lower (a cover's taller header band).
                let near_edge = line.line.y1 <= height * 0.25 || line.line.y0 >= height * 0.8;
                if !near_edge {
                    continue;
                }
                let key = running_key(&line.text);
                let confirmed = key.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && pages_by_key.get(&key).map(|set| set.len() >= needed).unwrap_or(false);
                // Same size as in the margins: a cover title that repeats a header stays.
                let same_size = size_by_key.get(&key).map(|s| line.line.size <= s + 0.5).unwrap_or(false);
                if confirmed && same_size {
                    line.running = true;
                }
                continue;
            };
            if vocab::page::is_page_number(&line.text) {
                line.running = true;
                continue;
            }
            // Numbers alone (table cells near the top edge) are not running text.
            let wordy = key.chars().filter(|c| c.is_alphabetic()).count() >= 2;
            let repeated = wordy && pages_by_key.get(&key).map(|set| set.len() >= needed).unwrap_or(false);
            if repeated {
                line.running = true;
                if recorded.insert(key) {
                    running_text.push(line.text.clone());
                }
            }
        }
    }
    running_text
}

/// Marks numeric stamps repeated page after page anywhere on the page (a download stamp
/// `23056204/43348/20191030 10:40` beside the body, a date printed over every page's charts) as
/// running text: the same numeric line, character for character, on `needed` pages or more.
fn mark_numeric_stamps(pages: &mut [LayoutPage], needed: usize, running_text: &mut Vec<String>, recorded: &mut HashSet<String>) {
    let stamp_key = |text: &str| {
        let key = fold(text);
        (key.chars().count() >= 6 && crate::numeric::is_numeric_line(&key)).then_some(key)
    };
    let mut pages_by_stamp: HashMap<String, HashSet<u32>> = HashMap::new();
    for page in pages.iter() {
        for line in &page.lines {
            if let Some(key) = stamp_key(&line.text) {
                pages_by_stamp.entry(key).or_default().insert(page.number);
            }
        }
    }
    pages_by_stamp.retain(|_, set| set.len() >= needed);
    if pages_by_stamp.is_empty() {
        return;
    }
    for line in pages.iter_mut().flat_map(|p| p.lines.iter_mut()) {
        if let Some(key) = stamp_key(&line.text).filter(|key| pages_by_stamp.contains_key(key)) {
            line.running = true;
            if recorded.insert(key) {
                running_text.push(line.text.clone());
            }
        }
    }
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

/// Returns `en` when Latin letters outnumber Han characters four to one, else `zh`.
fn detect_language(pages: &[LayoutPage]) -> String {
    let (mut han, mut latin) = (0usize, 0usize);
    for line in pages.iter().flat_map(|p| &p.lines).take(4000) {
        for c in line.text.chars() {
            if is_han(c) {
                han += 1;
            } else if c.is_ascii_alphabetic() {
                latin += 1;
            }
        }
    }
    if latin > 4 * han { "en".into() } else { "zh".into() }
}

/// Orders line indices by recursive XY-cuts: a clean vertical gutter splits columns (unless the
/// two sides align row by row like a table), else the widest horizontal gap splits bands.
pub fn reading_order(lines: &[&Line]) -> Vec<usize> {
    let indices: Vec<usize> = (0..lines.len()).collect();
    let mut out = Vec::with_capacity(lines.len());
    xy_cut(lines, indices, &mut out, 0);
    out
}

/// One level of the XY-cut recursion.
fn xy_cut(lines: &[&Line], mut indices: Vec<usize>, out: &mut Vec<usize>, depth: usize) {
    if indices.len() <= 1 || depth > 64 {
        sort_rows(lines, &mut indices);
        out.extend(indices);
        return;
    }
    let vertical = widest_gap(indices.iter().map(|&i| (lines[i].x0, lines[i].x1)));
    let horizontal = widest_gap(indices.iter().map(|&i| (lines[i].y0, lines[i].y1)));
    let typical_height = {
        let mut heights: Vec<f32> = indices.iter().map(|&i| lines[i].height()).collect();
        heights.sort_by(f32::total_cmp);
        heights[heights.len() / 2]
    };
    // A clean gutter through the whole region: columns (or a sidebar), unless the two sides are
    // the cells of a table, which are read row by row.
    if let Some((split, gap)) = vertical {
        if gap >= 5.0 {
            let (left, right): (Vec<usize>, Vec<usize>) = indices.iter().partition(|&&i| lines[i].x1 <= split);
            if !left.is_empty() && !right.is_empty() && !rows_align(lines, &left, &right, typical_height) {
                xy_cut(lines, left, out, depth + 1);
                xy_cut(lines, right, out, depth + 1);
                return;
            }
        }
    }
    // A gutter between the narrow lines, crossed by a few wide ones (a title over two columns, a
    // full-width paragraph under a sidebar): cut into bands at the wide lines, then columns.
    if let Some(bands) = bands_at_spanning_lines(lines, &indices) {
        for band in bands {
            xy_cut(lines, band, out, depth + 1);
        }
        return;
    }
    if let Some((split, gap)) = horizontal {
        if gap > 0.0 {
            let (top, bottom): (Vec<usize>, Vec<usize>) = indices.iter().partition(|&&i| lines[i].y1 <= split);
            if !top.is_empty() && !bottom.is_empty() {
                xy_cut(lines, top, out, depth + 1);
                xy_cut(lines, bottom, out, depth + 1);
                return;
            }
        }
    }
    sort_rows(lines, &mut indices);
    out.extend(indices);
}

/// Finds a column gutter among the narrow lines of a region and, when a few wide lines cross it,
/// returns the region cut into horizontal bands at those lines (each wide line is its own band).
fn bands_at_spanning_lines(lines: &[&Line], indices: &[usize]) -> Option<Vec<Vec<usize>>> {
    if indices.len() < 6 {
        return None;
    }
    let left = indices.iter().map(|&i| lines[i].x0).fold(f32::MAX, f32::min);
    let right = indices.iter().map(|&i| lines[i].x1).fold(f32::MIN, f32::max);
    let width = (right - left).max(1.0);
    let narrow: Vec<usize> = indices.iter().copied().filter(|&i| lines[i].width() < 0.55 * width).collect();
    let (split, gap) = widest_gap(narrow.iter().map(|&i| (lines[i].x0, lines[i].x1)))?;
    if gap < 5.0 {
        return None;
    }
    let left_count = narrow.iter().filter(|&&i| lines[i].x1 <= split).count();
    let right_count = narrow.len() - left_count;
    if left_count < 3 || right_count < 3 {
        return None;
    }
    let mut spanning: Vec<usize> = indices.iter().copied().filter(|&i| lines[i].x0 < split && lines[i].x1 > split).collect();
    if spanning.is_empty() || spanning.len() * 3 > indices.len() {
        return None;
    }
    spanning.sort_by(|&a, &b| lines[a].center_y().total_cmp(&lines[b].center_y()));
    let mut bands: Vec<Vec<usize>> = vec![Vec::new(); spanning.len() * 2 + 1];
    for &i in indices {
        if let Some(k) = spanning.iter().position(|&s| s == i) {
            bands[2 * k + 1].push(i);
            continue;
        }
        let centre = lines[i].center_y();
        let slot = spanning.iter().take_while(|&&s| lines[s].center_y() < centre).count();
        bands[2 * slot].push(i);
    }
    bands.retain(|band| !band.is_empty());
    if bands.len() < 2 {
        return None;
    }
    Some(bands)
}

/// Sorts line indices top-down into rows (lines whose centres are close), each row left to right.
/// Two stable passes keep the order total whatever the geometry.
fn sort_rows(lines: &[&Line], indices: &mut Vec<usize>) {
    indices.sort_by(|&a, &b| lines[a].center_y().total_cmp(&lines[b].center_y()));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for &index in indices.iter() {
        let line = lines[index];
        match rows.last_mut() {
            Some(row) if row.first().map(|&f| (lines[f].center_y() - line.center_y()).abs() < 0.4 * lines[f].height().min(line.height())).unwrap_or(false) => row.push(index),
            _ => rows.push(vec![index]),
        }
    }
    indices.clear();
    for mut row in rows {
        row.sort_by(|&a, &b| lines[a].x0.total_cmp(&lines[b].x0));
        indices.extend(row);
    }
}

/// Returns the middle and width of the widest gap between projected intervals.
fn widest_gap(intervals: impl Iterator<Item = (f32, f32)>) -> Option<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = intervals.filter(|(a, b)| a.is_finite() && b.is_finite()).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<(f32, f32)> = None;
    let mut reach = spans.first()?.1;
    for span in spans.iter().skip(1) {
        if span.0 > reach {
            let gap = span.0 - reach;
            if best.map(|(_, g)| gap > g).unwrap_or(true) {
                best = Some(((span.0 + reach) / 2.0, gap));
            }
        }
        reach = reach.max(span.1);
    }
    best
}

/// True when the lines on the two sides of a gutter sit on the same rows and are short (a table
/// or a key-data grid, read row by row), rather than two columns of running text.
fn rows_align(lines: &[&Line], left: &[usize], right: &[usize], typical_height: f32) -> bool {
    if left.len() < 2 || right.len() < 2 {
        return false;
    }
    let tolerance = 0.3 * typical_height.max(1.0);
    let aligned = left
        .iter()
        .filter(|&&l| right.iter().any(|&r| (lines[l].y0 - lines[r].y0).abs() < tolerance))
        .count();
    let fraction = aligned as f32 / left.len().min(right.len()) as f32;
    let mean_width = |side: &[usize]| side.iter().map(|&i| lines[i].width()).sum::<f32>() / side.len() as f32;
    let short = 12.0 * typical_height.max(1.0);
    fraction > 0.6 && mean_width(left) < short && mean_width(right) < short
}

/// A caption found on a page with what belongs to it.
#[derive(Debug, Clone, Default)]
struct CaptionHit {
    /// Index of the caption line in the page.
    line: usize,
    label: String,
    caption: String,
    is_table: bool,
    source: Option<String>,
    notes: Option<String>,
    /// Lines of this page consumed by the caption (wrapped text, chart text, cells, source, notes).
    consumed: Vec<usize>,
    /// Table rows from the consumed grid.
    rows: Vec<Vec<String>>,
    /// The chart's region on its page: the caption's column, between the caption and its source
    /// line (or, without a source, the next caption below or the end of the page's text).
    bbox: Option<PageBox>,
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
    cover: crate::cover::CoverFacts,
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
            cover: crate::cover::CoverFacts::default(),
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
                || (toc_page && (vocab::contents::is_printed_entry(&line.text) || fold(&line.text).contains("目录")));
            let metadata = crate::cover::is_contact_line(&line.text) || (page.number == self.cover_page && crate::cover::is_cover_metadata(&line.text, &self.cover));
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
        self.blocks.push(Block { kind, text, page: Some(page), section: None, boilerplate: false });
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
    let same_row = crate::lines::vertical_overlap(last.y0, last.y1, line.line.y0, line.line.y1) >= 0.5;
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

/// Appends the next line of a wrapped text (paragraph, title, caption): with a space between
/// Latin words (`Results and` + `Reaffirms`), without one inside Chinese text.
pub(crate) fn push_wrapped(text: &mut String, next: &str) {
    if needs_space(text, next) {
        text.push(' ');
    }
    text.push_str(next);
}

/// True when two joined line texts need a space between them (Latin word boundary).
fn needs_space(before: &str, after: &str) -> bool {
    match (before.chars().last(), after.chars().next()) {
        (Some(a), Some(b)) => (a.is_ascii_alphanumeric() || a == ',' || a == '.') && b.is_ascii_alphanumeric() && !a.eq(&'-'),
        _ => false,
    }
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
fn is_toc_page(page: &LayoutPage) -> bool {
    let entries = page.lines.iter().filter(|l| vocab::contents::is_printed_entry(&l.text)).count();
    // The heading matters only with one or two entries: fold the lines only then.
    let heading = || {
        page.lines.iter().any(|l| {
            let f = fold(&l.text);
            f == "目录" || f == "图表目录" || f == "插图目录" || f == "表格目录" || f == "图目录" || f == "表目录" || f.eq_ignore_ascii_case("contents")
        })
    };
    entries >= 3 || (entries >= 1 && heading())
}

/// Finds the captions of a page and what belongs to each (geometrically, not by reading order).
fn find_captions(page: &LayoutPage, body: &[usize]) -> Vec<CaptionHit> {
    let lines = &page.lines;
    let content_right = body.iter().map(|&i| lines[i].line.x1).fold(0.0f32, f32::max);
    let content_left = body.iter().map(|&i| lines[i].line.x0).fold(f32::MAX, f32::min);
    let content_bottom = body.iter().map(|&i| lines[i].line.y1).fold(0.0f32, f32::max);
    let caption_lines: Vec<(usize, vocab::caption::Caption)> = body
        .iter()
        .filter_map(|&i| vocab::caption::parse_printed(&lines[i].text).map(|c| (i, c)))
        .filter(|(i, _)| !vocab::contents::is_printed_entry(&lines[*i].text))
        .collect();
    let mut claimed: HashSet<usize> = caption_lines.iter().map(|(i, _)| *i).collect();
    let mut hits = Vec::new();
    for (index, caption) in &caption_lines {
        let cap = &lines[*index].line;
        // Region: from the caption's left edge to the next caption on the same row, else the page content.
        let right = caption_lines
            .iter()
            .map(|(j, _)| &lines[*j].line)
            .filter(|other| other.x0 > cap.x1 - 1.0 && (other.center_y() - cap.center_y()).abs() < cap.height())
            .map(|other| other.x0 - 2.0)
            .fold(content_right + 1.0, f32::min);
        let left = caption_lines
            .iter()
            .map(|(j, _)| &lines[*j].line)
            .filter(|other| other.x1 < cap.x0 + 1.0 && (other.center_y() - cap.center_y()).abs() < cap.height())
            .map(|other| other.x1 + 2.0)
            .fold(f32::MIN, f32::max);
        // Alone on its row, a (centred) caption owns the full content width (中泰: a centred
        // `图2：` over a source line printed at the left margin).
        let left = if left == f32::MIN { content_left - 1.0 } else { left };
        let in_region = |l: &Line| {
            let overlap = l.x1.min(right) - l.x0.max(left);
            overlap > 0.5 * l.width().max(1.0)
        };
        // Next caption below in the same region bounds the search.
        let limit = caption_lines
            .iter()
            .map(|(j, _)| &lines[*j].line)
            .filter(|other| other.y0 > cap.y1 - 0.5 && in_region(other))
            .map(|other| other.y0)
            .fold(page.height + 1.0, f32::min);
        let mut hit = CaptionHit { line: *index, label: caption.label.clone(), caption: caption.caption.clone(), is_table: caption.is_table(), ..CaptionHit::default() };
        // Wrapped caption: the next line, same style, right below, when the caption filled its region.
        let mut below: Vec<usize> = body
            .iter()
            .copied()
            .filter(|&i| i != *index && !claimed.contains(&i) && lines[i].line.y0 > cap.y0 + 0.5 * cap.height() && lines[i].line.y0 < limit && in_region(&lines[i].line))
            .collect();
        below.sort_by(|&a, &b| lines[a].line.y0.total_cmp(&lines[b].line.y0));
        if let Some(&next) = below.first() {
            let n = &lines[next].line;
            let wrapped = cap.x1 > right - 3.0 * cap.size
                && (n.size - cap.size).abs() < 0.3
                && n.y0 - cap.y1 < 0.6 * cap.height()
                && n.x0 < cap.x0 + 4.0 * cap.size
                && !vocab::source::is_source(&lines[next].text)
                && lines[next].text.chars().count() < 40;
            if wrapped {
                push_wrapped(&mut hit.caption, &lines[next].text);
                hit.caption = clean(&hit.caption);
                hit.consumed.push(next);
                claimed.insert(next);
            }
        }
        let source = below.iter().copied().find(|&i| !claimed.contains(&i) && vocab::source::is_source(&lines[i].text));
        if let Some(source_index) = source {
            let source_line = &lines[source_index].line;
            hit.source = Some(lines[source_index].text.clone());
            claimed.insert(source_index);
            hit.consumed.push(source_index);
            // A source wrapped onto the next line (招商: `…至2024` / `年4月16日`).
            let region_width = (right - left).max(1.0);
            if source_line.width() > 0.6 * region_width.min(source_line.width() * 1.6) {
                let continuation = below.iter().copied().find(|&i| {
                    let l = &lines[i].line;
                    !claimed.contains(&i)
                        && l.y0 > source_line.y0 + 0.5 * source_line.height()
                        && l.y0 - source_line.y1 < 0.6 * source_line.height()
                        && (l.size - source_line.size).abs() < 0.3
                        && (l.x0 - source_line.x0).abs() < 3.0 * source_line.size
                        && lines[i].text.chars().count() < 40
                        && !vocab::source::is_note(&lines[i].text)
                        && vocab::caption::parse_printed(&lines[i].text).is_none()
                });
                if let Some(next) = continuation {
                    hit.source = Some(clean(&format!("{}{}", lines[source_index].text, lines[next].text)));
                    claimed.insert(next);
                    hit.consumed.push(next);
                }
            }
            let mut grid: Vec<usize> = Vec::new();
            for &i in &below {
                if claimed.contains(&i) {
                    continue;
                }
                let l = &lines[i].line;
                if l.y0 < source_line.y0 - 0.5 {
                    if vocab::source::is_note(&lines[i].text) {
                        hit.notes = Some(join_notes(hit.notes.take(), &lines[i].text));
                    } else {
                        grid.push(i);
                    }
                    hit.consumed.push(i);
                    claimed.insert(i);
                } else if l.y0 - source_line.y1 < 0.8 * source_line.height() && vocab::source::is_note(&lines[i].text) {
                    hit.notes = Some(join_notes(hit.notes.take(), &lines[i].text));
                    hit.consumed.push(i);
                    claimed.insert(i);
                }
            }
            if hit.is_table {
                hit.rows = grid_rows(lines, &grid);
            }
        } else if hit.is_table {
            // A table whose source line is on a later page (or missing): its short cells run
            // down from the caption until the first longer line of words (中泰 表2, a table of
            // figures filling its page; a table of sentences stays text, as its cells read).
            let mut grid: Vec<usize> = Vec::new();
            for &i in &below {
                if claimed.contains(&i) {
                    continue;
                }
                let text = &lines[i].text;
                let prose = text.chars().count() > 16 && crate::numeric::numeric_share(text) < 0.5;
                if prose || vocab::source::is_note(text) {
                    break;
                }
                grid.push(i);
            }
            if grid.len() >= 4 {
                claimed.extend(grid.iter().copied());
                hit.consumed.extend(grid.iter().copied());
                hit.rows = grid_rows(lines, &grid);
            }
        }
        // The chart: below the caption (and its wrapped line), above the source line — or,
        // without one, down to the next caption or the end of the page's text.
        let top = hit.consumed.first().filter(|&&i| !source.is_some_and(|s| s == i)).map_or(cap.y1, |&i| lines[i].line.y1.max(cap.y1));
        // A caption that is not centred starts its chart's column (a chart in a cover's
        // sidebar, the second of two side by side): the chart begins where its caption does.
        let centred = ((cap.x0 + cap.x1) / 2.0 - (left + right) / 2.0).abs() < 0.1 * (right - left);
        let chart_left = if centred { left } else { left.max(cap.x0 - 0.5 * cap.size) };
        let bottom = match source {
            Some(source_index) => lines[source_index].line.y0,
            // Without a source line, the chart ends at the first line of text as large as the
            // caption (its own axis labels and legend are smaller type).
            None => below
                .iter()
                .map(|&i| &lines[i])
                .filter(|l| l.line.y0 > top && l.line.x1 > chart_left && l.line.x0 < right)
                .find(|l| l.line.size >= 0.9 * cap.size && l.text.chars().count() >= 4 && crate::numeric::numeric_share(&l.text) < 0.5)
                .map_or(limit.min(content_bottom), |l| l.line.y0.min(limit)),
        };
        hit.bbox = PageBox::around(chart_left.max(0.0), top + 1.0, right.min(page.width), bottom - 1.0).filter(|b| b.height() >= 20);
        hits.push(hit);
    }
    hits
}

/// An unlabelled table found on a page: its lines and its rows of cell texts.
#[derive(Debug, Clone, Default)]
struct TableRegion {
    /// Line indices of the page that belong to the table.
    members: Vec<usize>,
    /// Rows of cell texts.
    rows: Vec<Vec<String>>,
}

/// Finds the unlabelled tables among a page's free lines: grids drawn with cell borders first
/// ([`crate::ruled`]), then runs of short cells aligned in rows ([`find_grids`]).
fn table_regions(page: &LayoutPage, free: &[usize]) -> Vec<TableRegion> {
    let lines = &page.lines;
    let mut taken: HashSet<usize> = HashSet::new();
    let mut regions = Vec::new();
    for grid in crate::ruled::grids(&crate::ruled::rules(&page.shapes)) {
        let members: Vec<usize> = free
            .iter()
            .copied()
            .filter(|i| !taken.contains(i) && grid.contains((lines[*i].line.x0 + lines[*i].line.x1) / 2.0, lines[*i].line.center_y()))
            .collect();
        if members.len() < 2 {
            continue;
        }
        taken.extend(members.iter().copied());
        let rows = crate::ruled::table_rows(&grid, lines, &members);
        regions.push(TableRegion { members, rows });
    }
    let rest: Vec<usize> = free.iter().copied().filter(|i| !taken.contains(i)).collect();
    for grid in find_grids(page, &rest) {
        let rows = grid.iter().map(|row| row.iter().map(|&i| lines[i].text.clone()).collect()).collect();
        regions.push(TableRegion { members: grid.into_iter().flatten().collect(), rows });
    }
    regions
}

/// Finds unlabelled tables: runs of at least two consecutive rows of three or more short cells
/// (financial statements, key-data boxes). Returns each grid as rows of line indices, cells left
/// to right.
fn find_grids(page: &LayoutPage, free: &[usize]) -> Vec<Vec<Vec<usize>>> {
    let lines = &page.lines;
    let mut sorted: Vec<usize> = free.to_vec();
    sorted.sort_by(|&a, &b| lines[a].line.center_y().total_cmp(&lines[b].line.center_y()));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for i in sorted {
        match rows.last_mut() {
            Some(row) if row.first().map(|&f| (lines[f].line.center_y() - lines[i].line.center_y()).abs() < 0.5 * lines[f].line.height()).unwrap_or(false) => row.push(i),
            _ => rows.push(vec![i]),
        }
    }
    let is_grid_row = |row: &Vec<usize>| row.len() >= 3 && row.iter().all(|&i| lines[i].text.chars().count() <= 24);
    let mut grids: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut current: Vec<Vec<usize>> = Vec::new();
    for mut row in rows {
        row.sort_by(|&a, &b| lines[a].line.x0.total_cmp(&lines[b].line.x0));
        let close = current
            .last()
            .and_then(|previous| previous.first())
            .zip(row.first())
            .map(|(&p, &r)| lines[r].line.y0 - lines[p].line.y1 < 2.5 * lines[p].line.height())
            .unwrap_or(true);
        if is_grid_row(&row) && close {
            current.push(row);
        } else {
            if current.len() >= 2 {
                grids.push(std::mem::take(&mut current));
            }
            current.clear();
            if is_grid_row(&row) {
                current.push(row);
            }
        }
    }
    if current.len() >= 2 {
        grids.push(current);
    }
    grids
}

/// Appends a note line, without its `注：` prefix, to the notes collected so far.
fn join_notes(previous: Option<String>, line: &str) -> String {
    let note = vocab::source::note_without_prefix(line);
    match previous {
        Some(text) => format!("{text} {note}"),
        None => note.to_string(),
    }
}

/// Groups table lines into rows by their vertical centre; cells left to right.
fn grid_rows(lines: &[TextLine], grid: &[usize]) -> Vec<Vec<String>> {
    let mut sorted: Vec<&TextLine> = grid.iter().map(|&i| &lines[i]).collect();
    sorted.sort_by(|a, b| a.line.center_y().total_cmp(&b.line.center_y()));
    let mut rows: Vec<Vec<&TextLine>> = Vec::new();
    for line in sorted {
        match rows.last_mut() {
            Some(row) if row.first().map(|f| (f.line.center_y() - line.line.center_y()).abs() < 0.5 * f.line.height()).unwrap_or(false) => row.push(line),
            _ => rows.push(vec![line]),
        }
    }
    rows.into_iter()
        .map(|mut row| {
            row.sort_by(|a, b| a.line.x0.total_cmp(&b.line.x0));
            row.into_iter().map(|l| l.text.clone()).collect()
        })
        .collect()
}

/// True when a line ends a sentence (so a paragraph may end with it).
fn ends_sentence(line: &str) -> bool {
    matches!(line.trim_end().chars().last(), Some('。' | '！' | '？' | '；' | '.' | '!' | '?' | ';' | '：' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x0: f32, y0: f32, x1: f32, size: f32) -> Line {
        Line { text: String::new(), x0, y0, x1, y1: y0 + size, size, bold: false, font: 0, chars: 1 }
    }

    #[test]
    fn sidebar_is_read_before_body() {
        // 德邦 p1: sidebar at x 24–190, body at x 200–567, lines interleaved in y.
        let lines = [line(24.0, 161.0, 74.0, 10.0), line(200.0, 164.0, 240.0, 10.0), line(24.0, 174.0, 54.0, 10.0), line(200.0, 192.0, 566.0, 10.0)];
        let refs: Vec<&Line> = lines.iter().collect();
        assert_eq!(reading_order(&refs), vec![0, 2, 1, 3]);
    }

    #[test]
    fn a_title_over_two_columns_cuts_bands() {
        // A wide title, then a sidebar (x 24–190) beside a body column (x 200–560).
        let mut lines = vec![line(24.0, 50.0, 560.0, 18.0)];
        for k in 0..4 {
            lines.push(line(24.0, 100.0 + 20.0 * k as f32, 150.0, 10.0));
            lines.push(line(200.0, 105.0 + 20.0 * k as f32, 560.0, 10.0));
        }
        lines.push(line(24.0, 300.0, 560.0, 10.0));
        let refs: Vec<&Line> = lines.iter().collect();
        assert_eq!(reading_order(&refs), vec![0, 1, 3, 5, 7, 2, 4, 6, 8, 9]);
    }

    #[test]
    fn table_rows_are_read_row_by_row() {
        let lines = [line(24.0, 100.0, 60.0, 10.0), line(100.0, 100.0, 130.0, 10.0), line(24.0, 115.0, 60.0, 10.0), line(100.0, 115.0, 130.0, 10.0)];
        let refs: Vec<&Line> = lines.iter().collect();
        assert_eq!(reading_order(&refs), vec![0, 1, 2, 3]);
    }

    #[test]
    fn running_keys_ignore_page_numbers() {
        assert_eq!(running_key("敬请参阅最后一页特别声明 -2-"), running_key("敬请参阅最后一页特别声明 -13-"));
    }

    #[test]
    fn split_labels_are_joined() {
        let mut label = line(56.8, 150.8, 98.9, 10.5);
        label.text = "图表11：".into();
        let mut text = line(119.8, 150.8, 270.5, 10.5);
        text.text = "“日间反转-换手翻转”因子测试".into();
        let joined = join_split_labels(vec![label, text]);
        assert_eq!(joined.len(), 1);
        assert_eq!(joined[0].text, "图表11：“日间反转-换手翻转”因子测试");
    }

    #[test]
    fn list_items() {
        assert!(starts_list_item("1）资产收益率为正；"));
        assert!(starts_list_item("• 风险提示"));
        assert!(!starts_list_item("2022年光伏装机"));
    }

    #[test]
    fn latin_words_get_a_space_when_joined() {
        assert!(needs_space("the VIX", "index"));
        assert!(!needs_space("金刚线", "产能"));
        let mut title = String::from("Kroger Reports Second Quarter 2023 Results and");
        push_wrapped(&mut title, "Reaffirms Guidance");
        assert_eq!(title, "Kroger Reports Second Quarter 2023 Results and Reaffirms Guidance");
    }

    #[test]
    fn gaps() {
        assert_eq!(widest_gap([(0.0, 10.0), (30.0, 40.0), (12.0, 20.0)].into_iter()), Some((25.0, 10.0)));
        assert_eq!(widest_gap(std::iter::empty()), None);
    }
}
