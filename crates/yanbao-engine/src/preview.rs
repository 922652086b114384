//! The preview cut: which leading part of a report the public may read — redaction policy, so
//! it lives in the engine, and search, the API and the pages all follow the one policy.
//!
//! [`cut`] is a pure function of the report and the [`PreviewPolicy`]: it ends the preview at a
//! block boundary (so never inside a table or a figure), never shows boilerplate blocks, and
//! never ends on a dangling heading. [`preview_of`] then builds the [`ReportPreview`] that both
//! the preview page and `GET /api/reports/{id}/preview` render: it holds only what lies before
//! the cut, so no text from beyond it can leak (entities, events, numbers, tables and figures
//! beyond the cut are dropped with their blocks) — with one deliberate exception: the report's
//! section titles ([`ReportPreview::sections`]), all of them, because the outline is what a
//! reader decides on. A title beyond the cut is listed, never its section's text.
//!
//! The library applies its policy when it indexes a report (`Library::index_report`): every
//! block hit says whether its block is in the preview ([`crate::Hit::previewed`]) without the
//! report being read at search time. The policy the index was built with is recorded with the
//! index's commits (and in the store's settings); [`Library::set_preview_policy`] with another
//! policy rebuilds the index.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::Serialize;
use yanbao_model::{Analyst, Block, BlockKind, Figure, OutlineEntry, Report, Table};

use crate::{EngineError, Library};

/// Notice ending a Chinese preview.
pub const NOTICE_ZH: &str = "预览已结束，完整报告链接和二维码如下";
/// Notice ending an English preview.
pub const NOTICE_EN: &str = "Preview ended — full report:";

/// How much of a report the public preview shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PreviewPolicy {
    /// This fraction (0–1) of the body blocks.
    Fraction(f64),
    /// Blocks until this many characters of body text are shown.
    Chars(usize),
    /// Blocks on the first this many pages (paged sources; text sources fall back to 3,000 characters a page).
    Pages(u32),
}

impl Default for PreviewPolicy {
    /// About two screens of reading: 3,000 characters.
    fn default() -> PreviewPolicy {
        PreviewPolicy::Chars(3000)
    }
}

impl fmt::Display for PreviewPolicy {
    /// `chars:3000`, `fraction:0.25` or `pages:2` (what [`FromStr`] reads back).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreviewPolicy::Fraction(fraction) => write!(f, "fraction:{fraction}"),
            PreviewPolicy::Chars(chars) => write!(f, "chars:{chars}"),
            PreviewPolicy::Pages(pages) => write!(f, "pages:{pages}"),
        }
    }
}

impl FromStr for PreviewPolicy {
    type Err = String;

    /// Reads `chars:3000`, `fraction:0.25` (or `25%`) and `pages:2`.
    fn from_str(text: &str) -> Result<PreviewPolicy, String> {
        let text = text.trim();
        let invalid = || format!("invalid preview policy {text:?}: expected chars:N, fraction:F, N% or pages:N");
        if let Some(percent) = text.strip_suffix('%') {
            let value: f64 = percent.trim().parse().map_err(|_| invalid())?;
            return Ok(PreviewPolicy::Fraction(value / 100.0));
        }
        let (kind, value) = text.split_once(':').ok_or_else(invalid)?;
        match kind.trim() {
            "chars" => value.trim().parse().map(PreviewPolicy::Chars).map_err(|_| invalid()),
            "fraction" => value.trim().parse().map(PreviewPolicy::Fraction).map_err(|_| invalid()),
            "pages" => value.trim().parse().map(PreviewPolicy::Pages).map_err(|_| invalid()),
            _ => Err(invalid()),
        }
    }
}

/// Characters counted as one page when a pages policy meets a source without pages.
const CHARS_PER_PAGE: usize = 3000;

/// Where the preview of a report ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewCut {
    /// Indices of the blocks shown, in order (none of them boilerplate, all before `end`).
    pub shown: Vec<usize>,
    /// Index of the first block not shown: everything from here on is beyond the cut.
    pub end: usize,
    /// True when some body text lies beyond the cut.
    pub truncated: bool,
}

impl PreviewCut {
    /// True when block `index` is part of the preview.
    pub fn shows(&self, index: usize) -> bool {
        self.shown.binary_search(&index).is_ok()
    }
}

/// Returns the characters a block contributes to the preview budget.
fn block_weight(block: &Block) -> usize {
    block.text.chars().filter(|c| !c.is_whitespace()).count().max(1)
}

/// Returns how many leading body blocks (of `weights.len()`) fit the budget under `policy`.
///
/// At least one block is always shown, so a report whose first block is long still has a preview.
fn blocks_within(policy: &PreviewPolicy, weights: &[usize], pages: &[Option<u32>]) -> usize {
    let total = weights.len();
    if total == 0 {
        return 0;
    }
    let count = match *policy {
        PreviewPolicy::Fraction(fraction) => {
            let fraction = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 };
            (total as f64 * fraction).ceil() as usize
        }
        PreviewPolicy::Chars(budget) => count_within_chars(weights, budget),
        PreviewPolicy::Pages(max_pages) => {
            if pages.iter().all(Option::is_none) {
                count_within_chars(weights, CHARS_PER_PAGE.saturating_mul(max_pages as usize))
            } else {
                // Blocks without a page inherit the last page seen.
                let mut last_page = 1u32;
                let mut count = 0;
                for page in pages {
                    last_page = page.unwrap_or(last_page);
                    if last_page > max_pages {
                        break;
                    }
                    count += 1;
                }
                count
            }
        }
    };
    count.clamp(1, total)
}

/// Returns how many leading blocks fit in `budget` characters (a block that would overflow it is left out).
fn count_within_chars(weights: &[usize], budget: usize) -> usize {
    let mut used = 0usize;
    let mut count = 0;
    for weight in weights {
        if used + weight > budget {
            break;
        }
        used += weight;
        count += 1;
    }
    count
}

/// Returns where the preview of `report` ends under `policy`.
///
/// The cut lies between two body blocks; trailing headings (a section title whose text would
/// all be beyond the cut) are moved beyond it too.
pub fn cut(report: &Report, policy: &PreviewPolicy) -> PreviewCut {
    let body: Vec<usize> = report.body_blocks().map(|(index, _)| index).collect();
    let weights: Vec<usize> = body.iter().map(|&i| block_weight(&report.blocks[i])).collect();
    let pages: Vec<Option<u32>> = body.iter().map(|&i| report.blocks[i].page).collect();
    let mut count = blocks_within(policy, &weights, &pages);
    while count > 1 && report.blocks[body[count - 1]].kind == BlockKind::Heading && count < body.len() {
        count -= 1;
    }
    let shown: Vec<usize> = body[..count].to_vec();
    let end = if count < body.len() { body[count] } else { report.blocks.len() };
    PreviewCut { shown, end, truncated: count < body.len() }
}

/// A shown block, with its index in the full report (so anchors and citations stay stable).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewBlock {
    /// Index into the full report's blocks.
    pub index: usize,
    /// The block.
    #[serde(flatten)]
    pub block: Block,
}

/// How the preview ends and where the full report is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewEnd {
    /// True when the report goes on beyond what is shown (here or at its source).
    pub truncated: bool,
    /// The notice closing the preview.
    pub notice: String,
    /// Link to the full report (the source's own link for ingested previews, else the public full view here: never a signed link).
    pub full_report_url: Option<String>,
    /// Blocks shown.
    pub shown_blocks: usize,
    /// Body blocks of the full report (boilerplate excluded).
    pub body_blocks: usize,
}

/// A section title of the report in its preview's outline card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewSection {
    /// 1 = top-level section.
    pub level: u8,
    /// The heading text.
    pub title: String,
    /// Index of the heading block in the full report.
    pub block: usize,
    /// True when the heading is shown in the preview (a link can point at it); false when the
    /// section lies beyond the cut (its text is in the full report only).
    pub in_preview: bool,
}

/// Returns every section title of the report for its outline card, boilerplate sections
/// (disclaimers, rating definitions) left out, each saying whether the cut shows it.
pub fn sections_of(report: &Report, cut: &PreviewCut) -> Vec<PreviewSection> {
    report
        .outline
        .iter()
        .filter(|entry| !report.blocks.get(entry.block).is_some_and(|block| block.boilerplate))
        .map(|entry| PreviewSection { level: entry.level, title: entry.title.clone(), block: entry.block, in_preview: cut.shows(entry.block) })
        .collect()
}

/// The public preview of a report: metadata and the blocks before the cut, nothing after it
/// but the section titles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportPreview {
    /// Report id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Subtitle or series.
    pub subtitle: Option<String>,
    /// Publisher of this copy.
    pub publisher: Option<String>,
    /// Research institution.
    pub institution: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Analysts with registration numbers.
    pub analysts: Vec<Analyst>,
    /// Report date.
    pub date: Option<String>,
    /// Report year.
    pub year: Option<i32>,
    /// `zh` or `en`.
    pub language: String,
    /// Report type.
    pub report_type: Option<String>,
    /// The company the report covers.
    pub company: Option<yanbao_model::Company>,
    /// Rating word.
    pub rating: Option<String>,
    /// 维持 | 首次 | 上调 | 下调.
    pub rating_action: Option<yanbao_model::securities::RatingAction>,
    /// Target price.
    pub target_price: Option<f64>,
    /// Currency of the target price.
    pub target_currency: Option<String>,
    /// Page count of the source.
    pub pages: Option<u32>,
    /// Source file name.
    pub source: String,
    /// Source media type.
    pub media_type: String,
    /// The report this file is another copy of, when the library holds it twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Outline entries whose heading is shown.
    pub outline: Vec<OutlineEntry>,
    /// Sections of the full report not shown (count only).
    pub more_sections: usize,
    /// Every section title of the report, shown or beyond the cut (the outline card).
    pub sections: Vec<PreviewSection>,
    /// Shown blocks.
    pub blocks: Vec<PreviewBlock>,
    /// Tables among the shown blocks.
    pub tables: Vec<Table>,
    /// Figures among the shown blocks.
    pub figures: Vec<PreviewFigure>,
    /// Pages shown as pictures: pages 1 to this number, each wholly before the cut
    /// (`/reports/{id}/pages/{n}`); 0 for a report not read from a PDF.
    pub page_pictures: u32,
    /// How the preview ends.
    pub end: PreviewEnd,
}

/// A figure of the preview, with its place among the report's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewFigure {
    /// Index in the report's `figures` (`/reports/{id}/figures/{index}`).
    pub index: usize,
    /// True when the chart can be shown as a picture (a PDF figure whose region is known).
    pub picture: bool,
    /// The figure.
    #[serde(flatten)]
    pub figure: Figure,
}

/// Returns the notice for a report's language.
pub fn notice_for(language: &str) -> &'static str {
    if language == "en" {
        NOTICE_EN
    } else {
        NOTICE_ZH
    }
}

/// Builds the preview of `report` for `cut`; `full_report_url` is where the full report lives
/// when the report does not carry its own link.
pub fn preview_of(report: &Report, cut: &PreviewCut, own_full_url: Option<String>) -> ReportPreview {
    let blocks: Vec<PreviewBlock> = cut
        .shown
        .iter()
        .filter_map(|&index| report.blocks.get(index).map(|block| PreviewBlock { index, block: block.clone() }))
        .collect();
    let outline: Vec<OutlineEntry> = report.outline.iter().filter(|o| cut.shows(o.block)).cloned().collect();
    let carried_url = report.preview.full_report_url.clone().filter(|url| !url.trim().is_empty());
    let full_report_url = match carried_url {
        Some(url) => Some(url),
        None => own_full_url,
    };
    let body_blocks = report.body_blocks().count();
    ReportPreview {
        id: report.id.clone(),
        title: report.title.clone(),
        subtitle: report.subtitle.clone(),
        publisher: report.publisher.clone(),
        institution: report.institution.clone(),
        authors: report.authors.clone(),
        analysts: report.analysts.clone(),
        date: report.date.clone(),
        year: report.year,
        language: report.language.clone(),
        report_type: report.report_type.clone(),
        company: report.company.clone(),
        rating: report.rating.clone(),
        rating_action: report.rating_action,
        target_price: report.target_price,
        target_currency: report.target_currency.clone(),
        pages: report.source.pages,
        source: report.source.file_name().to_string(),
        media_type: report.source.media_type.clone(),
        duplicate_of: report.duplicate_of.clone(),
        more_sections: report.outline.len() - outline.len(),
        sections: sections_of(report, cut),
        outline,
        tables: report.tables.iter().filter(|t| cut.shows(t.block)).cloned().collect(),
        figures: report
            .figures
            .iter()
            .enumerate()
            .filter(|(_, f)| cut.shows(f.block))
            .map(|(index, f)| PreviewFigure { index, picture: crate::pictures::figure_has_picture(report, index), figure: f.clone() })
            .collect(),
        page_pictures: crate::pictures::public_pages(report, cut),
        end: PreviewEnd {
            truncated: cut.truncated || report.preview.truncated,
            notice: notice_for(&report.language).to_string(),
            full_report_url,
            shown_blocks: blocks.len(),
            body_blocks,
        },
        blocks,
    }
}

/// Key of the preview policy in the index's commit metadata and in the store's settings.
const POLICY_KEY: &str = "preview_policy";

impl Library {
    /// The preview policy in force: the one the search index was built with (recorded with its
    /// commits), else the library's setting, else the default.
    pub fn preview_policy(&self) -> PreviewPolicy {
        if let Some(policy) = self.index.meta(POLICY_KEY).and_then(|text| text.parse().ok()) {
            return policy;
        }
        // A new or rebuilt index: it is (re)filled under the library's setting; record it with
        // the documents at their next commit.
        let policy: PreviewPolicy = self.store.setting(POLICY_KEY).ok().flatten().and_then(|text| text.parse().ok()).unwrap_or_default();
        if let Err(e) = self.index.set_meta(POLICY_KEY, &policy.to_string()) {
            tracing::warn!("cannot record the preview policy with the index: {e}");
        }
        policy
    }

    /// Makes `policy` the library's preview policy (the server passes its configured one).
    /// When the index was built under another policy, it is rebuilt from the store so that
    /// every hit's [`previewed`](crate::Hit::previewed) follows the new cut. Returns whether
    /// it was rebuilt.
    pub fn set_preview_policy(&self, policy: PreviewPolicy) -> Result<bool, EngineError> {
        let text = policy.to_string();
        if self.store.setting(POLICY_KEY)?.as_deref() != Some(text.as_str()) {
            self.store.set_setting(POLICY_KEY, &text)?;
        }
        let built: Option<PreviewPolicy> = self.index.meta(POLICY_KEY).and_then(|t| t.parse().ok());
        if built == Some(policy) {
            return Ok(false);
        }
        self.index.set_meta(POLICY_KEY, &text)?;
        if built.is_none() && self.index.is_empty() {
            // Nothing indexed yet: the next commit records the policy with the first documents.
            return Ok(false);
        }
        tracing::warn!(from = %built.map(|p| p.to_string()).unwrap_or_else(|| "unknown".into()), to = %text, "the preview policy changed; rebuilding the search index");
        if let Err(e) = self.reindex(&mut |_, _| {}) {
            // The committed documents still follow the old policy: say so (another process may
            // hold the index writer; the next start tries again).
            if let Some(old) = built {
                self.index.set_meta(POLICY_KEY, &old.to_string())?;
            }
            return Err(e);
        }
        Ok(true)
    }

    /// Adds (or replaces) a report in the search index, with the preview cut of the policy in
    /// force; visible after the next index commit. Every indexing path goes through here.
    pub(crate) fn index_report(&self, report: &Report) -> Result<(), EngineError> {
        if !self.indexing {
            return Ok(());
        }
        let shown = cut(report, &self.preview_policy()).shown;
        self.index.add_report(report, &shown)?;
        Ok(())
    }

    /// The public preview of a stored report under the library's policy, `None` when there is
    /// no such report. `own_full_url` is where the full report can be read when the report does
    /// not carry its own link (the server's public full-view link).
    ///
    /// A report previewed again before the library changes is answered from the previews kept
    /// for the index's generation (every change of a report commits the index), without reading
    /// the report again.
    pub fn preview(&self, id: &str, own_full_url: Option<String>) -> Result<Option<Arc<ReportPreview>>, EngineError> {
        let policy = self.preview_policy();
        let generation = self.index.reader_generation();
        let key = format!("{id}\u{1f}{policy}\u{1f}{}", own_full_url.as_deref().unwrap_or(""));
        if let Some(kept) = self.previews.get(generation, &key) {
            return Ok(Some(kept));
        }
        let Some(report) = self.get(id)? else { return Ok(None) };
        let shown = cut(&report, &policy);
        let preview = Arc::new(preview_of(&report, &shown, own_full_url));
        self.previews.put(generation, key, preview.clone());
        Ok(Some(preview))
    }

    /// For each `(report id, block)`, whether the public preview shows that block — read from
    /// the index (fast fields of the report's document), never from the report. `None` for
    /// reports the index does not hold (unknown, or another file of a stored report).
    pub fn previewed(&self, places: &[(&str, usize)]) -> Result<Vec<Option<bool>>, EngineError> {
        let ids: Vec<&str> = places.iter().map(|(id, _)| *id).collect();
        let extents = self.index.preview_extents(&ids)?;
        Ok(places.iter().map(|(id, block)| extents.get(*id).map(|extent| extent.shows(*block))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(kind: BlockKind, text: &str) -> Block {
        Block { kind, text: text.to_string(), ..Block::default() }
    }

    fn report_of(blocks: Vec<Block>) -> Report {
        Report { id: "ab".into(), blocks, language: "zh".into(), ..Report::default() }
    }

    #[test]
    fn chars_policy_cuts_at_a_block_boundary() {
        let report = report_of(vec![
            block(BlockKind::Paragraph, "一二三四五"),
            block(BlockKind::Paragraph, "六七八九十"),
            block(BlockKind::Paragraph, "十一十二十三"),
        ]);
        let cut = cut(&report, &PreviewPolicy::Chars(12));
        assert_eq!(cut.shown, vec![0, 1]);
        assert_eq!(cut.end, 2);
        assert!(cut.truncated);
    }

    #[test]
    fn a_table_is_never_split_and_never_half_shown() {
        let report = report_of(vec![
            block(BlockKind::Paragraph, "开头"),
            block(BlockKind::Table, &"表格内容".repeat(100)),
            block(BlockKind::Paragraph, "结尾"),
        ]);
        let cut = cut(&report, &PreviewPolicy::Chars(50));
        assert_eq!(cut.shown, vec![0]);
        assert_eq!(cut.end, 1);
    }

    #[test]
    fn at_least_one_block_is_shown() {
        let report = report_of(vec![block(BlockKind::Paragraph, &"长".repeat(10_000)), block(BlockKind::Paragraph, "b")]);
        assert_eq!(cut(&report, &PreviewPolicy::Chars(10)).shown, vec![0]);
        assert_eq!(cut(&report, &PreviewPolicy::Fraction(0.0)).shown, vec![0]);
    }

    #[test]
    fn boilerplate_is_never_shown() {
        let mut disclaimer = block(BlockKind::Paragraph, "免责声明");
        disclaimer.boilerplate = true;
        let report = report_of(vec![block(BlockKind::Paragraph, "正文"), disclaimer, block(BlockKind::Paragraph, "正文二")]);
        let cut = cut(&report, &PreviewPolicy::Fraction(1.0));
        assert_eq!(cut.shown, vec![0, 2]);
        assert!(!cut.truncated);
        assert_eq!(cut.end, 3);
    }

    #[test]
    fn a_dangling_heading_moves_beyond_the_cut() {
        let report = report_of(vec![
            block(BlockKind::Paragraph, "一二三四"),
            block(BlockKind::Heading, "二、标题"),
            block(BlockKind::Paragraph, "很长的段落内容很长的段落内容"),
        ]);
        let cut = cut(&report, &PreviewPolicy::Chars(9));
        assert_eq!(cut.shown, vec![0]);
        assert_eq!(cut.end, 1);
    }

    #[test]
    fn pages_policy_uses_pages_when_known() {
        let mut blocks = Vec::new();
        for page in 1..=4u32 {
            blocks.push(Block { page: Some(page), ..block(BlockKind::Paragraph, "页") });
        }
        let report = report_of(blocks);
        assert_eq!(cut(&report, &PreviewPolicy::Pages(2)).shown, vec![0, 1]);
    }

    #[test]
    fn fraction_policy_rounds_up_and_tolerates_nonsense() {
        let report = report_of((0..10).map(|i| block(BlockKind::Paragraph, &format!("段{i}"))).collect());
        assert_eq!(cut(&report, &PreviewPolicy::Fraction(0.25)).shown.len(), 3);
        assert_eq!(cut(&report, &PreviewPolicy::Fraction(f64::NAN)).shown.len(), 1);
        assert_eq!(cut(&report, &PreviewPolicy::Fraction(7.0)).shown.len(), 10);
    }

    #[test]
    fn empty_reports_have_an_empty_preview() {
        let report = report_of(vec![]);
        let cut = cut(&report, &PreviewPolicy::default());
        assert!(cut.shown.is_empty());
        assert!(!cut.truncated);
        let preview = preview_of(&report, &cut, None);
        assert!(preview.blocks.is_empty());
    }

    #[test]
    fn preview_drops_everything_beyond_the_cut() {
        let mut report = report_of(vec![
            block(BlockKind::Heading, "一、可见"),
            block(BlockKind::Paragraph, "可见段落"),
            block(BlockKind::Heading, "二、隐藏标题"),
            block(BlockKind::Table, "表 1 隐藏表格"),
        ]);
        report.outline = vec![
            OutlineEntry { level: 1, title: "一、可见".into(), block: 0 },
            OutlineEntry { level: 1, title: "二、后续章节".into(), block: 2 },
        ];
        report.blocks[2].text = "二、后续章节".into();
        report.tables = vec![Table { label: "表 1".into(), caption: "隐藏表格".into(), block: 3, ..Table::default() }];
        let cut = cut(&report, &PreviewPolicy::Chars(8));
        let preview = preview_of(&report, &cut, Some("http://x/full".into()));
        let json = serde_json::to_string(&preview).unwrap();
        assert!(!json.contains("隐藏"), "{json}");
        assert_eq!(preview.more_sections, 1);
        // The section titles are all listed, the one beyond the cut marked so (its text stays hidden).
        let sections: Vec<(&str, bool)> = preview.sections.iter().map(|s| (s.title.as_str(), s.in_preview)).collect();
        assert_eq!(sections, vec![("一、可见", true), ("二、后续章节", false)]);
        assert_eq!(preview.end.notice, NOTICE_ZH);
        assert_eq!(preview.end.full_report_url.as_deref(), Some("http://x/full"));
    }

    #[test]
    fn a_carried_link_wins_over_our_own() {
        let mut report = report_of(vec![block(BlockKind::Paragraph, "a")]);
        report.preview.full_report_url = Some("https://example.com/r".into());
        report.preview.truncated = true;
        let preview = preview_of(&report, &cut(&report, &PreviewPolicy::default()), Some("http://x".into()));
        assert_eq!(preview.end.full_report_url.as_deref(), Some("https://example.com/r"));
        assert!(preview.end.truncated);
        assert_eq!(notice_for("en"), NOTICE_EN);
        assert_eq!(yanbao_model::file_name_of("/a/b/c.md"), "c.md");
    }

    #[test]
    fn policies_read_back_what_they_write() {
        for policy in [PreviewPolicy::Chars(1500), PreviewPolicy::Fraction(0.25), PreviewPolicy::Pages(2)] {
            assert_eq!(policy.to_string().parse::<PreviewPolicy>(), Ok(policy));
        }
        assert_eq!("30%".parse::<PreviewPolicy>(), Ok(PreviewPolicy::Fraction(0.3)));
        assert!("lots".parse::<PreviewPolicy>().is_err());
        assert!("chars:-1".parse::<PreviewPolicy>().is_err());
    }

    /// A Markdown report of 30 body paragraphs and a disclaimer section (boilerplate).
    fn long_markdown() -> String {
        let mut text = String::from("# 晶圆代工景气跟踪：产能维持高位\n\n## 一、行业概况\n\n");
        for i in 0..30 {
            text.push_str(&format!("第{i}段：半导体行业景气延续，晶圆代工产能利用率维持高位，封装测试订单第{i}次环比回升，设备国产化率稳步提高。\n\n"));
        }
        text.push_str("## 免责声明\n\n本报告仅供本公司客户使用，半导体行业观点仅供参考，不构成投资建议。\n\n");
        text
    }

    fn library_with_long_report() -> (Library, Report) {
        let library = Library::open_in_memory().unwrap();
        let id = library.ingest_bytes("semi.md", long_markdown().as_bytes()).unwrap().id.unwrap();
        let report = library.get(&id).unwrap().unwrap();
        assert!(report.blocks.iter().any(|b| b.boilerplate), "the disclaimer is boilerplate");
        (library, report)
    }

    fn paragraph_hits(library: &Library) -> crate::SearchResponse {
        // Every passage (not one per report): the test counts them.
        let request = crate::SearchRequest { query: "半导体".into(), scope: crate::Scope::Paragraphs, limit: 100, group_by_report: Some(false), ..crate::SearchRequest::default() };
        library.search(&request).unwrap()
    }

    #[test]
    fn hits_know_whether_their_block_is_previewed_under_the_policy_in_force() {
        let (library, report) = library_with_long_report();
        for policy in [PreviewPolicy::Chars(400), PreviewPolicy::Fraction(0.5), PreviewPolicy::Chars(100_000)] {
            library.set_preview_policy(policy).unwrap();
            assert_eq!(library.preview_policy(), policy);
            let expected = cut(&report, &policy);
            let response = paragraph_hits(&library);
            // Every body paragraph, never the disclaimer: the total counts exactly those hits.
            assert_eq!(response.total, 30, "{policy}");
            assert_eq!(response.hits.len(), 30);
            let mut before = 0;
            for hit in &response.hits {
                let block = hit.block.unwrap();
                assert!(!report.blocks[block].boilerplate);
                assert_eq!(hit.previewed, expected.shows(block), "{policy}: block {block}");
                before += usize::from(hit.previewed);
            }
            // Blocks on both sides of the cut, unless the policy shows everything.
            assert!(before > 0);
            assert_eq!(before < 30, expected.truncated, "{policy}");
            // Citations elsewhere get the same answer from the index.
            let places: Vec<(&str, usize)> = (0..report.blocks.len()).map(|b| (report.id.as_str(), b)).collect();
            let shown = library.previewed(&places).unwrap();
            for (block, shown) in shown.iter().enumerate() {
                assert_eq!(*shown, Some(expected.shows(block)), "{policy}: block {block}");
            }
            assert_eq!(library.previewed(&[("ffff", 0)]).unwrap(), vec![None]);
            // The page preview follows the same cut.
            let preview = library.preview(&report.id, None).unwrap().unwrap();
            assert_eq!(preview.blocks.iter().map(|b| b.index).collect::<Vec<_>>(), expected.shown);
        }
        assert!(library.preview("ffff", None).unwrap().is_none());
    }

    #[test]
    fn the_policy_is_recorded_with_the_index_and_a_change_rebuilds_it() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let library = Library::open(dir.path()).unwrap();
            assert!(!library.set_preview_policy(PreviewPolicy::Chars(400)).unwrap(), "an empty index needs no rebuild");
            let id = library.ingest_bytes("semi.md", long_markdown().as_bytes()).unwrap().id.unwrap();
            assert!(!library.set_preview_policy(PreviewPolicy::Chars(400)).unwrap(), "same policy, no rebuild");
            id
        };
        let library = Library::open(dir.path()).unwrap();
        assert_eq!(library.preview_policy(), PreviewPolicy::Chars(400));
        let report = library.get(&id).unwrap().unwrap();
        let shown = |library: &Library| paragraph_hits(library).hits.iter().filter(|h| h.previewed).count();
        let expected = cut(&report, &PreviewPolicy::Chars(400)).shown.iter().filter(|&&b| report.blocks[b].text.contains("半导体")).count();
        assert!(expected > 0 && expected < 30);
        assert_eq!(shown(&library), expected);
        assert!(library.set_preview_policy(PreviewPolicy::Fraction(1.0)).unwrap(), "another policy rebuilds");
        assert_eq!(shown(&library), 30);
        drop(library);
        // A rebuilt index (deleted here) is refilled under the library's recorded policy.
        std::fs::remove_dir_all(dir.path().join("index")).unwrap();
        let library = Library::open(dir.path()).unwrap();
        assert_eq!(library.preview_policy(), PreviewPolicy::Fraction(1.0));
        assert_eq!(shown(&library), 30);
    }
}
