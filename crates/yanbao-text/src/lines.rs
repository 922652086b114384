//! Line heuristics: what one cleaned line of a converted report is (caption, source line,
//! table-of-contents entry, numbered section title, list item, preview notice …).
//!
//! Each function is small and pure, and tested on the real line that motivated it.

use regex::Regex;
use std::sync::LazyLock;
use yanbao_model::normalize::clean;

pub use yanbao_vocab::caption::{Caption, CaptionKind};
pub use yanbao_vocab::contents::is_entry as is_toc_entry;
pub use yanbao_vocab::numbering::{numbering, Numbering};
use yanbao_vocab::{caption, source};

/// Parses a caption line (see [`yanbao_vocab::caption::parse`]) with its text normalised:
/// `图1：…`, `图表 1-4.PDCI…`, `图表：…`, `Figure 3. …`.
pub fn parse_caption(line: &str) -> Option<Caption> {
    let mut parsed = caption::parse(line)?;
    parsed.caption = clean(&parsed.caption);
    Some(parsed)
}

/// A 资料来源/注 line split into source and notes, plus a caption glued to its end.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceLine {
    /// The source with its prefix removed.
    pub source: Option<String>,
    /// 注/备注 text.
    pub notes: Option<String>,
    /// A caption that the converter glued to the end of the line
    /// (`资料来源：Wind, 东吴证券研究所图4：主要子公司分布图`).
    pub glued_caption: Option<String>,
}

/// Parses a source or notes line: `资料来源：fivethirtyeight 备注：该数据更新截至2021年11月12日`
/// → source `fivethirtyeight`, notes `该数据更新截至2021年11月12日` (see
/// [`yanbao_vocab::source::split`]).
pub fn parse_source_line(line: &str) -> Option<SourceLine> {
    let line = line.trim();
    if !source::is_source(line) && !source::is_note(line) {
        return None;
    }
    let (body, glued_caption) = caption::split_glued(line);
    let split = source::split(body);
    Some(SourceLine { source: split.source.and_then(|s| non_empty(&s)), notes: split.note.and_then(|n| non_empty(&n)), glued_caption })
}

/// Splits a caption that the converter glued to its source line:
/// `存量企业债发行人属性分布（截至2023年5月31日）资料来源：Wind资讯，远东资信整理`.
pub fn split_caption_source(caption: &Caption) -> (Caption, Option<SourceLine>) {
    if let Some(start) = source::glued_start(&caption.caption) {
        let source = parse_source_line(&caption.caption[start..]);
        let mut trimmed = caption.clone();
        trimmed.caption = caption.caption[..start].trim().to_string();
        return (trimmed, source);
    }
    (caption.clone(), None)
}

/// Splits `…东吴证券研究所图4：主要子公司分布图` into the text before the glued caption and the caption.
pub fn split_glued_caption(text: &str) -> (&str, Option<String>) {
    caption::split_glued(text)
}

/// Splits a paragraph that ends in a caption after a full stop:
/// `…也将先进制程的竞争队伍。图32: 不同先进制程对应厂商`.
pub fn split_trailing_caption(text: &str) -> Option<(String, String)> {
    let start = caption::last_glued_start(text)?;
    let before = clean(&text[..start]);
    if before.is_empty() || !before.ends_with(['。', '！', '？', '.']) {
        return None;
    }
    let caption = text[start..].trim();
    let parsed = parse_caption(caption)?;
    (parsed.caption.chars().count() <= 60 && !parsed.caption.contains('。')).then(|| (before, caption.to_string()))
}

fn non_empty(text: &str) -> Option<String> {
    let cleaned = clean(text);
    let trimmed = cleaned.trim().trim_end_matches(['；', ';']).trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// True when a line without `#` reads as a numbered section title: a numbering scheme that is
/// not a plain list (`（1）`, `①`), short, and with no sentence punctuation inside.
pub fn is_plain_numbered_heading(line: &str) -> bool {
    let Some(scheme) = numbering(line) else {
        return false;
    };
    if matches!(scheme, Numbering::ParenArabic | Numbering::Circled) {
        return false;
    }
    let length = line.chars().count();
    if !(3..=40).contains(&length) {
        return false;
    }
    !line.contains(['。', '，', '；', '！', '？', ';', '：', ':']) && !line.ends_with(['，', ','])
}

/// True when text ends a sentence, so that the next paragraph starts a new one.
pub fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end();
    match trimmed.chars().last() {
        None => true,
        Some(c) => matches!(
            c,
            '。' | '！' | '？' | '；' | '：' | '…' | '”' | '」' | '』' | '）' | ')' | '.' | '!' | '?' | ';' | ':' | '】' | '》' | '|'
        ),
    }
}

static NEW_BLOCK_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-*+•●○■□◆◇▪▶►➢➤✓√Ø>]|第[一二三四五六七八九十]+[，、,]|首先|其次|最后|此外|另外|【|[（(][0-9一二三四五六七八九十]{1,3}[)）]|[0-9]{1,2}[、)）])").expect("valid regex")
});

/// True when a line starts like a new block (list marker, 第一，, (1), 【…】) and must not be
/// glued to the paragraph before it.
pub fn starts_new_block(text: &str) -> bool {
    NEW_BLOCK_START.is_match(text.trim_start()) || numbering(text).is_some() || parse_caption(text).is_some() || parse_source_line(text).is_some()
}

static LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[-*+•●○■◆▪➢➤]|[0-9]{1,2}\.)\s+(\S.*)$").expect("valid regex"));

/// Returns the text of a bullet list item (`- 本周行业热点: …`, `• …`, `1. …`).
pub fn list_item(line: &str) -> Option<&str> {
    let caps = LIST_ITEM.captures(line.trim())?;
    caps.get(1).map(|m| m.as_str())
}

/// True for the preview cut-off notice (`**预览已结束，完整报告链接和二维码如下：**`).
pub fn is_preview_notice(line: &str) -> bool {
    PREVIEW_NOTICE.is_match(line)
}

static PREVIEW_NOTICE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"预览已?结束|完整报告链接").expect("valid regex"));

static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"https?://[^\s)\]<>]+").expect("valid regex"));

/// Returns the first URL in a raw line (`[url](url)` or bare), Markdown escapes removed.
pub fn first_url(raw_line: &str) -> Option<String> {
    // A link target is cleaner than its text (which often keeps doubled escapes).
    let target = LINK_TARGET.captures(raw_line).and_then(|caps| caps.get(1)).map(|m| m.as_str());
    let haystack = target.unwrap_or(raw_line);
    let found = URL.find(haystack)?;
    let url: String = found.as_str().chars().filter(|c| *c != '\\').collect();
    Some(url.trim_end_matches(['.', ',', '，', '。']).to_string())
}

static LINK_TARGET: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\]\((https?://[^)\s]+)\)").expect("valid regex"));

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_model::normalize::fold;

    #[test]
    fn source_lines() {
        let s = parse_source_line("资料来源：fivethirtyeight 备注：该数据更新截至2021年11月12日").unwrap();
        assert_eq!(s.source.as_deref(), Some("fivethirtyeight"));
        assert_eq!(s.notes.as_deref(), Some("该数据更新截至2021年11月12日"));
        let s = parse_source_line("资料来源: 中国新闻网, 新华社, 中国商务部, USTR, 美国财政部, 光大证券研究所").unwrap();
        assert_eq!(fold(s.source.as_deref().unwrap_or("")), fold("中国新闻网, 新华社, 中国商务部, USTR, 美国财政部, 光大证券研究所"));
        let s = parse_source_line("数据来源：公司公告, 东吴证券研究所图4：主要子公司分布图（2022 年）").unwrap();
        assert_eq!(fold(s.source.as_deref().unwrap_or("")), fold("公司公告, 东吴证券研究所"));
        assert_eq!(s.glued_caption.as_deref(), Some("图4：主要子公司分布图（2022 年）"));
        assert_eq!(parse_source_line("注：折线为支持率").unwrap().notes.as_deref(), Some("折线为支持率"));
        assert_eq!(parse_source_line("Source: Bloomberg").unwrap().source.as_deref(), Some("Bloomberg"));
        assert!(parse_source_line("来源于公司公告的数据显示").is_none());
        let s = parse_source_line("资料来源：Wind, 中泰证券研究所整理 (注: 截至 2022 年 11 月 2 日)").unwrap();
        assert!(s.notes.is_none());
        assert_eq!(parse_caption("表 4 全球主要新冠疫苗销售额、销量情况（单位：亿美元/亿元人民币，亿剂）").unwrap().label, "表 4");
        assert_eq!(parse_caption("图 24 2015-2024 年中国眼科医疗市场规模（单位: 十亿元）").unwrap().label, "图 24");
    }

    #[test]
    fn caption_with_glued_source() {
        let caption = parse_caption("图 7：存量企业债发行人属性分布（截至 2023 年 5 月 31 日）资料来源: Wind 资讯, 远东资信整理").unwrap();
        let (caption, source) = split_caption_source(&caption);
        assert_eq!(caption.caption, "存量企业债发行人属性分布（截至2023年5月31日）");
        assert_eq!(fold(source.and_then(|s| s.source).as_deref().unwrap_or("")), fold("Wind 资讯, 远东资信整理"));
    }

    #[test]
    fn trailing_captions_split_off() {
        let (before, caption) = split_trailing_caption("也将先进制程的竞争队伍。图32: 不同先进制程对应厂商").unwrap();
        assert_eq!(before, "也将先进制程的竞争队伍。");
        assert_eq!(caption, "图32: 不同先进制程对应厂商");
        assert!(split_trailing_caption("如图1：所示的趋势").is_none());
    }

    #[test]
    fn sentence_ends_and_new_blocks() {
        assert!(!ends_sentence("第三，拜登总统要为五大竞选基本盘（金融、科技、医疗、互联网和"));
        assert!(ends_sentence("稳固摇摆州。"));
        assert!(starts_new_block("第一，第一阶段协议即将到期"));
        assert!(starts_new_block("图1：截至11月12日"));
        assert!(!starts_new_block("新能源) 争取利益, 预计会要求中国继续开放相关市场。"));
        assert!(!starts_new_block("摆州。我们分析，拜登目前有三个对华核心诉求"));
    }

    #[test]
    fn preview_and_urls() {
        assert!(is_preview_notice("预览已结束，完整报告链接和二维码如下："));
        assert_eq!(
            first_url(r"[https://www.yunbaogao.cn/report/index/report?reportId=1\\_29530](https://www.yunbaogao.cn/report/index/report?reportId=1_29530)").as_deref(),
            Some("https://www.yunbaogao.cn/report/index/report?reportId=1_29530")
        );
    }
}
