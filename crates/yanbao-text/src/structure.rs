//! Second pass: classified items → blocks, outline, tables and figures.
//!
//! Captions look ahead for their table or their source line; paragraphs split by page breaks
//! are joined; section levels come from the numbering scheme, `#` count only as a fallback.

use crate::items::Item;
use crate::lines::{self, Caption, CaptionKind, Numbering, SourceLine};
use yanbao_model::finish::BackMatter;
use yanbao_model::{Block, BlockKind, Figure, OutlineEntry, Report, Table};
use yanbao_model::normalize::is_cjk;

/// How many non-blank lines of chart residue (axis labels, legends) a caption may skip to reach
/// its source line.
const RESIDUE_BUDGET: usize = 15;
/// Longest line still taken for chart residue rather than running text.
const RESIDUE_MAX_CHARS: usize = 50;
/// A paragraph never grows beyond this by joining (bounds work on soft-wrapped huge files).
const MAX_JOINED_BYTES: usize = 32 * 1024;

/// A heading seen in the body, before its level is known.
struct PendingHeading {
    block: usize,
    hashes: u8,
    numbering: Option<Numbering>,
    title: String,
}

/// Builds the body of a report from items.
struct Builder {
    blocks: Vec<Block>,
    tables: Vec<Table>,
    figures: Vec<Figure>,
    headings: Vec<PendingHeading>,
    /// The last block is a paragraph that a page-break continuation may extend.
    paragraph_open: bool,
    /// The last block is a list that further items extend.
    list_open: bool,
    notice: Option<String>,
    url: Option<String>,
    toc_lines: usize,
}

/// The structured body: what [`build`] fills into a report.
pub struct Body {
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// Outline with levels assigned.
    pub outline: Vec<OutlineEntry>,
    /// Tables.
    pub tables: Vec<Table>,
    /// Figures.
    pub figures: Vec<Figure>,
    /// Preview notice, if the source was cut off.
    pub notice: Option<String>,
    /// Full-report link after the notice.
    pub url: Option<String>,
    /// Table-of-contents lines kept out of the body.
    pub toc_lines: usize,
}

/// Turns classified items into the report body.
pub fn build(items: &[Item]) -> Body {
    let mut builder = Builder {
        blocks: Vec::new(),
        tables: Vec::new(),
        figures: Vec::new(),
        headings: Vec::new(),
        paragraph_open: false,
        list_open: false,
        notice: None,
        url: None,
        toc_lines: 0,
    };
    let mut index = 0;
    while index < items.len() {
        index = builder.step(items, index);
    }
    Body {
        blocks: builder.blocks,
        outline: assign_levels(&builder.headings),
        tables: builder.tables,
        figures: builder.figures,
        notice: builder.notice,
        url: builder.url,
        toc_lines: builder.toc_lines,
    }
}

/// What a caption's look-ahead found.
enum Found {
    Table(usize),
    Source(usize),
    Nothing,
}

impl Builder {
    /// Handles the item at `index` and returns the index of the next unhandled item.
    fn step(&mut self, items: &[Item], index: usize) -> usize {
        match &items[index] {
            Item::Blank => index + 1,
            Item::Residue(_) => {
                self.list_open = false;
                index + 1
            }
            Item::Heading { hashes, text, numbering } => {
                self.push_heading(*hashes, text.clone(), *numbering);
                index + 1
            }
            Item::Caption(caption) => self.caption(items, index, caption),
            Item::Table { header, rows } => {
                if self.continue_table(header, rows) {
                    return self.attach_sources_after(items, index + 1);
                }
                let block = self.push_block(BlockKind::Table, table_text("", "", header, rows));
                self.tables.push(Table { header: header.clone(), rows: rows.clone(), block, ..Table::default() });
                self.attach_sources_after(items, index + 1)
            }
            Item::Source(source) => {
                self.orphan_source(source);
                index + 1
            }
            Item::Toc(_) => {
                self.toc_lines += 1;
                self.close();
                index + 1
            }
            Item::Notice(text) => {
                self.notice.get_or_insert_with(|| text.trim_end_matches(['：', ':']).to_string());
                self.close();
                index + 1
            }
            Item::Url(url) => {
                self.url.get_or_insert_with(|| url.clone());
                index + 1
            }
            Item::ListItem(text) => {
                self.list_item(text);
                index + 1
            }
            Item::Text(text) => {
                self.text(text);
                index + 1
            }
        }
    }

    fn close(&mut self) {
        self.paragraph_open = false;
        self.list_open = false;
    }

    fn push_block(&mut self, kind: BlockKind, text: String) -> usize {
        self.close();
        self.blocks.push(Block { kind, text, ..Block::default() });
        self.blocks.len() - 1
    }

    fn push_heading(&mut self, hashes: u8, title: String, numbering: Option<Numbering>) {
        let block = self.push_block(BlockKind::Heading, title.clone());
        self.headings.push(PendingHeading { block, hashes, numbering, title });
    }

    /// Running text: a page-break continuation is joined to the paragraph before; anything else
    /// starts a paragraph.
    fn text(&mut self, text: &str) {
        if self.paragraph_open {
            if let Some(last) = self.blocks.last_mut() {
                if should_join(&last.text, text) {
                    if needs_space(&last.text, text) {
                        last.text.push(' ');
                    }
                    last.text.push_str(text);
                    return;
                }
            }
        }
        self.push_block(BlockKind::Paragraph, text.to_string());
        self.paragraph_open = true;
    }

    fn list_item(&mut self, text: &str) {
        if self.list_open {
            if let Some(last) = self.blocks.last_mut() {
                if last.text.len() < MAX_JOINED_BYTES {
                    last.text.push('\n');
                    last.text.push_str(text);
                    return;
                }
            }
        }
        self.push_block(BlockKind::List, text.to_string());
        self.list_open = true;
    }

    /// Appends an uncaptioned table to the table just before it when it continues it across a
    /// page break: nothing in between, same number of columns, no source line yet. Its "header"
    /// is then a body row (converters put a separator after every first row).
    fn continue_table(&mut self, header: &[String], rows: &[Vec<String>]) -> bool {
        let Some(last) = self.blocks.len().checked_sub(1) else {
            return false;
        };
        if self.blocks[last].kind != BlockKind::Table {
            return false;
        }
        let Some(table) = self.tables.last_mut().filter(|t| t.block == last) else {
            return false;
        };
        let columns = if table.header.is_empty() { table.rows.first().map_or(0, Vec::len) } else { table.header.len() };
        let incoming = if header.is_empty() { rows.first().map_or(0, Vec::len) } else { header.len() };
        if table.source.is_some() || columns == 0 || columns != incoming || table.rows.is_empty() {
            return false;
        }
        let mut appended = Vec::with_capacity(rows.len() + 1);
        if !header.is_empty() {
            appended.push(header.to_vec());
        }
        appended.extend(rows.iter().cloned());
        let block = &mut self.blocks[last];
        for row in &appended {
            if block.text.len() < MAX_JOINED_BYTES * 8 {
                block.text.push('\n');
                block.text.push_str(&row.join(" | "));
            }
        }
        table.rows.extend(appended);
        true
    }

    /// A caption: a table when cells follow before any source line, else a figure; either takes
    /// the source/notes lines that follow (past blank lines, images and chart residue).
    fn caption(&mut self, items: &[Item], index: usize, caption: &Caption) -> usize {
        let (found, residue) = look_ahead(items, index + 1);
        match found {
            Found::Table(at) => {
                let Item::Table { header, rows } = &items[at] else {
                    return index + 1;
                };
                let text = table_text(&caption.label, &caption.caption, header, rows);
                let block = self.push_block(BlockKind::Table, text);
                self.tables.push(Table {
                    label: caption.label.clone(),
                    caption: caption.caption.clone(),
                    header: header.clone(),
                    rows: rows.clone(),
                    block,
                    ..Table::default()
                });
                self.attach_sources_after(items, at + 1)
            }
            Found::Source(at) => {
                let mut text = label_and_caption(&caption.label, &caption.caption);
                for line in residue.iter().filter(|l| !l.is_empty()) {
                    text.push('\n');
                    text.push_str(line);
                }
                self.push_captioned(caption, text);
                self.attach_sources_after(items, at)
            }
            Found::Nothing => {
                self.push_captioned(caption, label_and_caption(&caption.label, &caption.caption));
                index + 1
            }
        }
    }

    /// Records a caption without cells: a table (its cells were an image) when labelled 表/Table,
    /// else a figure.
    fn push_captioned(&mut self, caption: &Caption, text: String) {
        if caption.kind == CaptionKind::Table {
            let block = self.push_block(BlockKind::Table, text);
            self.tables.push(Table { label: caption.label.clone(), caption: caption.caption.clone(), block, ..Table::default() });
        } else {
            let block = self.push_block(BlockKind::Figure, text);
            self.figures.push(Figure { label: caption.label.clone(), caption: caption.caption.clone(), block, ..Figure::default() });
        }
    }

    /// Attaches the source/notes lines starting at `index` (past blank lines) to the last table or
    /// figure; returns the index after them.
    fn attach_sources_after(&mut self, items: &[Item], index: usize) -> usize {
        let mut next = index;
        let mut cursor = index;
        while cursor < items.len() {
            match &items[cursor] {
                Item::Blank | Item::Residue(_) => cursor += 1,
                Item::Source(source) if self.last_item_accepts(source) => {
                    self.apply_source(source);
                    cursor += 1;
                    next = cursor;
                }
                _ => break,
            }
        }
        next
    }

    /// True when the last table/figure has room for this line (a second 资料来源 belongs to the
    /// next figure; extra notes lines are fine).
    fn last_item_accepts(&self, source: &SourceLine) -> bool {
        match self.last_captioned() {
            Some((source_set, _)) => source.source.is_none() || !source_set,
            None => false,
        }
    }

    /// Returns (has source, has notes) of the table or figure of the last block.
    fn last_captioned(&self) -> Option<(bool, bool)> {
        let last = self.blocks.len().checked_sub(1)?;
        if let Some(t) = self.tables.last().filter(|t| t.block == last) {
            return Some((t.source.is_some(), t.notes.is_some()));
        }
        self.figures.last().filter(|f| f.block == last).map(|f| (f.source.is_some(), f.notes.is_some()))
    }

    fn apply_source(&mut self, line: &SourceLine) {
        if let Some(last) = self.blocks.len().checked_sub(1) {
            self.apply_source_to(last, line);
        }
    }

    /// Sets source/notes of the table or figure whose block is `target`, and appends them to its
    /// block text so search finds them.
    fn apply_source_to(&mut self, target: usize, line: &SourceLine) {
        // Tables and figures are pushed in block order: search back only as far as `target`.
        let table = self.tables.iter_mut().rev().take_while(|t| t.block >= target).find(|t| t.block == target);
        let (source, notes) = if let Some(t) = table {
            (&mut t.source, &mut t.notes)
        } else if let Some(f) = self.figures.iter_mut().rev().take_while(|f| f.block >= target).find(|f| f.block == target) {
            (&mut f.source, &mut f.notes)
        } else {
            return;
        };
        if let Some(s) = &line.source {
            source.get_or_insert_with(|| s.clone());
        }
        if let Some(n) = &line.notes {
            match notes {
                Some(existing) => {
                    existing.push(' ');
                    existing.push_str(n);
                }
                None => *notes = Some(n.clone()),
            }
        }
        let mut extra = String::new();
        if let Some(s) = &line.source {
            extra.push_str(&format!("\n资料来源：{s}"));
        }
        if let Some(n) = &line.notes {
            extra.push_str(&format!("\n注：{n}"));
        }
        if let Some(block) = self.blocks.get_mut(target) {
            block.text.push_str(&extra);
            let trimmed = block.text.trim_start();
            if trimmed.len() != block.text.len() {
                block.text = trimmed.to_string();
            }
        }
    }

    /// Returns the block of the earliest recent table/figure (among the last three blocks) that
    /// still lacks a source: two captions side by side are followed by their two source lines.
    fn recent_without_source(&self) -> Option<usize> {
        let first_recent = self.blocks.len().saturating_sub(3);
        let tables = self.tables.iter().rev().take_while(|t| t.block >= first_recent).filter(|t| t.source.is_none()).map(|t| t.block);
        let figures = self.figures.iter().rev().take_while(|f| f.block >= first_recent).filter(|f| f.source.is_none()).map(|f| f.block);
        tables.chain(figures).min()
    }

    /// A source line with no caption before it: it belongs to the table/figure just before when
    /// that has none, else to an unlabelled figure (an image whose caption was lost). Never body text.
    fn orphan_source(&mut self, source: &SourceLine) {
        if self.last_item_accepts(source) {
            self.apply_source(source);
            return;
        }
        if source.source.is_some() {
            if let Some(target) = self.recent_without_source() {
                self.apply_source_to(target, source);
                return;
            }
        }
        let block = self.push_block(BlockKind::Figure, String::new());
        self.figures.push(Figure { block, ..Figure::default() });
        self.apply_source(source);
    }
}

/// Scans past blank lines, images and short chart-residue lines after a caption for a table or a
/// source line; returns what it found and the residue lines it skipped.
fn look_ahead(items: &[Item], start: usize) -> (Found, Vec<String>) {
    let mut residue = Vec::new();
    let mut budget = RESIDUE_BUDGET;
    let mut cursor = start;
    while cursor < items.len() && budget > 0 {
        match &items[cursor] {
            Item::Blank => {}
            Item::Residue(text) => {
                residue.push(text.clone());
                budget -= 1;
            }
            Item::Text(text) if is_chart_residue(text) => {
                residue.push(text.clone());
                budget -= 1;
            }
            Item::Table { .. } => return (Found::Table(cursor), residue),
            Item::Source(_) => return (Found::Source(cursor), residue),
            _ => break,
        }
        cursor += 1;
    }
    (Found::Nothing, residue)
}

/// True for a short line that reads like chart residue (axis labels, legends, units), not prose:
/// `180`, `Percent by Source`, `—801710. SI 建筑村料一000001. SH 上证碂指`.
fn is_chart_residue(text: &str) -> bool {
    text.chars().count() <= RESIDUE_MAX_CHARS && !text.ends_with(['。', '！', '？']) && !lines::starts_new_block(text)
}

/// True when `next` continues the sentence `prev` left open at a page break:
/// `…互联网和` + `新能源) 争取利益…`.
fn should_join(prev: &str, next: &str) -> bool {
    let prev_chars = prev.chars().count();
    prev_chars >= 20
        && (prev_chars >= 60 || prev.contains(['，', ',', '、', '；']) || continues_latin_sentence(prev, next))
        && !prev.contains('@')
        && !prev.contains("://")
        && prev.len() < MAX_JOINED_BYTES
        && !lines::ends_sentence(prev)
        && !lines::starts_new_block(next)
        && !lines::is_plain_numbered_heading(next)
}

/// True for an English sentence cut mid-way: `…cooled and the` + `central bank signalled…`.
fn continues_latin_sentence(prev: &str, next: &str) -> bool {
    let ends_in_word = prev.chars().last().is_some_and(|c| c.is_ascii_lowercase() || c == ',');
    let starts_in_word = next.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    ends_in_word && starts_in_word
}

/// True when two joined pieces need a space (Latin word boundary), false inside CJK text.
fn needs_space(prev: &str, next: &str) -> bool {
    match (prev.chars().last(), next.chars().next()) {
        (Some(a), Some(b)) => !is_cjk(a) && !is_cjk(b),
        _ => false,
    }
}

fn label_and_caption(label: &str, caption: &str) -> String {
    match (label.is_empty(), caption.is_empty()) {
        (true, _) => caption.to_string(),
        (false, true) => label.to_string(),
        (false, false) => format!("{label} {caption}"),
    }
}

/// Searchable text of a table block: label, caption, then the cells row by row.
fn table_text(label: &str, caption: &str, header: &[String], rows: &[Vec<String>]) -> String {
    let mut text = label_and_caption(label, caption);
    for row in std::iter::once(header).chain(rows.iter().map(|r| r.as_slice())) {
        if row.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&row.join(" | "));
    }
    text
}

/// Assigns outline levels: numbered titles by the rank of their scheme among the schemes the
/// report uses (so `一、` titles are siblings whatever their `#` count), unnumbered ones by `#`
/// count relative to the shallowest.
fn assign_levels(headings: &[PendingHeading]) -> Vec<OutlineEntry> {
    let mut schemes: Vec<Numbering> = headings.iter().filter_map(|h| h.numbering).collect();
    schemes.sort();
    schemes.dedup();
    let min_hashes = headings.iter().filter(|h| h.hashes > 0).map(|h| h.hashes).min().unwrap_or(1);
    headings
        .iter()
        .map(|h| {
            let level = match h.numbering {
                Some(scheme) => schemes.iter().position(|s| *s == scheme).map_or(1, |p| p + 1),
                None if h.hashes == 0 => 1,
                None => (h.hashes - min_hashes) as usize + 1,
            };
            OutlineEntry { level: level.min(6) as u8, title: h.title.clone(), block: h.block }
        })
        .collect()
}

/// Fills the body into a report.
pub fn fill(report: &mut Report, body: Body) {
    // The model's finishing steps: sections, and back-matter sections marked as boilerplate.
    report.finish_with_outline(body.blocks, body.outline, BackMatter::Sections);
    report.tables = body.tables;
    report.figures = body.figures;
    if let Some(notice) = body.notice {
        report.preview.truncated = true;
        report.preview.notice = Some(notice);
    }
    report.preview.full_report_url = body.url;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::items_of;

    #[test]
    fn page_break_sentences_are_joined() {
        let body = build(&items_of("第三，拜登总统要为五大竞选基本盘（金融、科技、医疗、互联网和\n\n新能源) 争取利益, 预计会要求中国继续开放相关市场。\n\n第一，新段落。", false));
        assert_eq!(body.blocks.len(), 2);
        assert!(body.blocks[0].text.contains("互联网和新能源"));
    }

    #[test]
    fn disclaimers_are_boilerplate() {
        let mut report = Report::default();
        fill(&mut report, build(&items_of("## 一、正文\n\n正文段落。\n\n## 免责声明\n\n本报告仅供客户使用。\n\n## 评级体系说明\n\n买入：…\n", false)));
        let flags: Vec<bool> = report.blocks.iter().map(|b| b.boilerplate).collect();
        assert_eq!(flags, [false, false, true, true, true, true]);
    }

    #[test]
    fn cover_lines_are_not_glued() {
        let body = build(&items_of("证券分析师 王平 执业证书：S0600523020004\n\n研究助理 李明\n", false));
        assert_eq!(body.blocks.len(), 2);
    }

    #[test]
    fn headings_and_captions_are_not_glued() {
        let body = build(&items_of("这是一段没有句号结尾的，比较长的文字内容而且还要更长一些\n\n## 二、下一节\n\n图1：某图\n", false));
        assert_eq!(body.blocks.len(), 3);
        assert_eq!(body.figures.len(), 1);
    }

    #[test]
    fn numbered_sections_are_siblings_whatever_their_hashes() {
        let body = build(&items_of("# 标题\n### 一、第一节\n正文。\n## 二、第二节\n正文。\n### 三、第三节\n#### （一）小节\n", false));
        let levels: Vec<u8> = body.outline.iter().map(|o| o.level).collect();
        assert_eq!(levels[1], levels[2]);
        assert_eq!(levels[2], levels[3]);
        assert!(levels[4] > levels[3]);
    }

    #[test]
    fn figure_takes_source_past_residue_and_images() {
        let body = build(&items_of("图表：2000-2022美国的风电\n\n180\n\n3,000\n\n![](a.png)\n\n来源: BNEF, EIA, 中泰证券研究所\n正文继续。", false));
        assert_eq!(body.figures.len(), 1);
        assert_eq!(body.figures[0].source.as_deref(), Some("BNEF, EIA,中泰证券研究所"));
        assert_eq!(body.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph).count(), 1);
    }

    #[test]
    fn exhibit_followed_by_cells_is_a_table() {
        let body = build(&items_of("图表 3：估值\n\n| 公司 | PE |\n|---|---|\n| A | 10 |\n\n资料来源：Wind\n", false));
        assert_eq!(body.tables.len(), 1);
        assert_eq!(body.tables[0].source.as_deref(), Some("Wind"));
        assert!(body.figures.is_empty());
    }

    #[test]
    fn a_table_continued_after_a_page_break_is_one_table() {
        let text = "表4: 光伏玻璃冷修生产线\n\n| 序号 | 生产线 |\n| :---: | :---: |\n| 1 | 东莞一窑五线 |\n\n\n| 2 | 福建一窑四线 |\n| :---: | :---: |\n| 3 | 合肥一窑四线 |\n\n资料来源: 卓创资讯\n";
        let body = build(&items_of(text, false));
        assert_eq!(body.tables.len(), 1);
        assert_eq!(body.tables[0].rows.len(), 3);
        assert_eq!(body.tables[0].source.as_deref(), Some("卓创资讯"));
    }

    #[test]
    fn glued_caption_after_source_starts_next_figure() {
        let body = build(&items_of("图3：公司股权结构\n\n数据来源：公司公告, 东吴证券研究所图4：主要子公司分布图\n\n数据来源：公司公告\n", false));
        assert_eq!(body.figures.len(), 2);
        assert_eq!(body.figures[0].source.as_deref(), Some("公司公告，东吴证券研究所"));
        assert_eq!(body.figures[1].label, "图 4");
        assert_eq!(body.figures[1].source.as_deref(), Some("公司公告"));
    }
}
