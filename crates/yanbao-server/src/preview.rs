//! The preview cut: which leading part of a report the public may read.
//!
//! [`cut`] is a pure function of the report and the [`PreviewPolicy`]: it ends the preview at a
//! block boundary (so never inside a table or a figure), never shows boilerplate blocks, and
//! never ends on a dangling heading. [`preview_of`] then builds the [`ReportPreview`] that both
//! the preview page and `GET /api/reports/{id}/preview` render: it holds only what lies before
//! the cut, so no text from beyond it can leak (entities, events, numbers and outline entries
//! beyond the cut are dropped with their blocks).

use serde::Serialize;
use yanbao_model::{Analyst, Block, BlockKind, Figure, OutlineEntry, Report, Table};

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
    /// Link to the full report (the source's own link for ingested previews, else a signed link here).
    pub full_report_url: Option<String>,
    /// Blocks shown.
    pub shown_blocks: usize,
    /// Body blocks of the full report (boilerplate excluded).
    pub body_blocks: usize,
}

/// The public preview of a report: metadata and the blocks before the cut, nothing after it.
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
    /// Rating.
    pub rating: Option<String>,
    /// Target price.
    pub target_price: Option<String>,
    /// Page count of the source.
    pub pages: Option<u32>,
    /// Source file name.
    pub source: String,
    /// Source media type.
    pub media_type: String,
    /// Outline entries whose heading is shown.
    pub outline: Vec<OutlineEntry>,
    /// Sections of the full report not shown (count only).
    pub more_sections: usize,
    /// Shown blocks.
    pub blocks: Vec<PreviewBlock>,
    /// Tables among the shown blocks.
    pub tables: Vec<Table>,
    /// Figures among the shown blocks.
    pub figures: Vec<Figure>,
    /// How the preview ends.
    pub end: PreviewEnd,
}

/// Returns the notice for a report's language.
pub fn notice_for(language: &str) -> &'static str {
    if language == "en" {
        NOTICE_EN
    } else {
        NOTICE_ZH
    }
}

/// Returns the file name of a source path (uploads and sample paths should not reveal folders).
fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
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
        rating: report.rating.clone(),
        target_price: report.target_price.clone(),
        pages: report.source.pages,
        source: file_name(&report.source.path),
        media_type: report.source.media_type.clone(),
        more_sections: report.outline.len() - outline.len(),
        outline,
        tables: report.tables.iter().filter(|t| cut.shows(t.block)).cloned().collect(),
        figures: report.figures.iter().filter(|f| cut.shows(f.block)).cloned().collect(),
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
            OutlineEntry { level: 1, title: "二、隐藏标题".into(), block: 2 },
        ];
        report.tables = vec![Table { label: "表 1".into(), caption: "隐藏表格".into(), block: 3, ..Table::default() }];
        let cut = cut(&report, &PreviewPolicy::Chars(8));
        let preview = preview_of(&report, &cut, Some("http://x/full".into()));
        let json = serde_json::to_string(&preview).unwrap();
        assert!(!json.contains("隐藏"), "{json}");
        assert_eq!(preview.more_sections, 1);
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
        assert_eq!(file_name("/a/b/c.md"), "c.md");
    }
}
