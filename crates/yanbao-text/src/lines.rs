//! Line heuristics: what one cleaned line of a converted report is (caption, source line,
//! table-of-contents entry, numbered section title, list item, preview notice …).
//!
//! Each function is small and pure, and tested on the real line that motivated it.

use regex::Regex;
use std::sync::LazyLock;
use yanbao_model::normalize::clean;

/// Whether a caption labels a figure, a table, or either (`图表 3`, `Exhibit 4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptionKind {
    /// 图, Figure, Fig., Chart.
    Figure,
    /// 表, Table.
    Table,
    /// 图表, Exhibit: a table if cells follow, else a figure.
    Either,
}

/// A caption line split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// Normalised label (`图 1`, `图表 1-4`, `Figure 3`), or the bare word for unnumbered captions.
    pub label: String,
    /// Caption text without the label.
    pub caption: String,
    /// What the label says the caption belongs to.
    pub kind: CaptionKind,
}

static CAPTION_ZH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(附图|附表|图表|图|表)\s*([0-9]{1,3}(?:\s*[-－—.．]\s*[0-9]{1,3})*)?\s*([:：.．、]|\s)\s*(\S.*)$").expect("valid regex")
});
static CAPTION_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(figure|fig\.?|table|exhibit|chart)\s*([0-9]{1,3}(?:[-.][0-9]{1,3})*[A-Za-z]?)\s*[:.：]\s*(\S.*)$").expect("valid regex")
});

/// Parses a caption line: `图1：…`, `图 2:…`, `图表 12：…`, `## 图表 1-4.PDCI…`, `表 1: …`,
/// `图表：…` (unnumbered, colon required), `Figure 3. …`, `Exhibit 4: …`, `Table 2: …`.
pub fn parse_caption(line: &str) -> Option<Caption> {
    let line = line.trim();
    if let Some(caps) = CAPTION_ZH.captures(line) {
        let word = caps.get(1).map_or("", |m| m.as_str());
        let number = caps.get(2).map(|m| m.as_str().split_whitespace().collect::<String>());
        let separator = caps.get(3).map_or("", |m| m.as_str());
        let caption = clean(caps.get(4).map_or("", |m| m.as_str()));
        let kind = match word {
            "图" | "附图" => CaptionKind::Figure,
            "表" | "附表" => CaptionKind::Table,
            _ => CaptionKind::Either,
        };
        let spaced = separator.trim().is_empty();
        match &number {
            None if !matches!(separator, ":" | "：") => return None,
            Some(_) if spaced && !plausible_spaced_caption(&caption) => return None,
            _ => {}
        }
        if caption.chars().count() > 120 || caption.starts_with(['：', ':']) {
            return None;
        }
        let label = match number {
            Some(n) => format!("{word} {n}"),
            None => word.to_string(),
        };
        return Some(Caption { label, caption, kind });
    }
    let caps = CAPTION_EN.captures(line)?;
    let word = caps.get(1).map_or("", |m| m.as_str());
    let number = caps.get(2).map_or("", |m| m.as_str());
    let caption = clean(caps.get(3).map_or("", |m| m.as_str()));
    if caption.chars().count() > 160 {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    let (kind, canonical) = match lower.trim_end_matches('.') {
        "table" => (CaptionKind::Table, "Table"),
        "exhibit" => (CaptionKind::Either, "Exhibit"),
        "chart" => (CaptionKind::Figure, "Chart"),
        _ => (CaptionKind::Figure, "Figure"),
    };
    Some(Caption { label: format!("{canonical} {number}"), caption, kind })
}

/// A caption whose label is followed by a space instead of a colon (`图 2 商贸零售板块…`) must
/// read like a title, not like a sentence that starts with `表 1 列示了…。`.
fn plausible_spaced_caption(caption: &str) -> bool {
    let length = caption.chars().count();
    length <= 60 && !caption.contains('。')
}

static SOURCE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(资料来源|数据来源|资源来源|信息来源|来源|sources?|data\s+sources?)\s*[:：]\s*").expect("valid regex")
});
static NOTES_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i)(备注|注释|注\s*[0-9]*|notes?)\s*[:：]\s*").expect("valid regex"));
static INLINE_NOTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s。；;])(备注|注)\s*[:：]").expect("valid regex"));
static GLUED_CAPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:图表|图|表)\s*[0-9]{1,3}(?:\s*[-.][0-9]{1,3})*\s*[:：]|(?:图表|图|表)\s+[0-9]{1,3}\s+\S").expect("valid regex"));

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
/// → source `fivethirtyeight`, notes `该数据更新截至2021年11月12日`.
pub fn parse_source_line(line: &str) -> Option<SourceLine> {
    let line = line.trim();
    let (is_source, rest) = if let Some(m) = SOURCE_PREFIX.find(line) {
        (true, &line[m.end()..])
    } else if let Some(m) = NOTES_PREFIX.find(line) {
        (false, &line[m.end()..])
    } else {
        return None;
    };
    let (body, glued_caption) = split_glued_caption(rest);
    let mut parsed = SourceLine { glued_caption, ..SourceLine::default() };
    if is_source {
        match INLINE_NOTES.find(body) {
            Some(m) if m.start() > 0 => {
                parsed.source = non_empty(&body[..m.start()]);
                parsed.notes = non_empty(&body[m.end()..]);
            }
            _ => parsed.source = non_empty(body),
        }
    } else {
        parsed.notes = non_empty(body);
    }
    Some(parsed)
}

static GLUED_SOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(资料来源|数据来源|信息来源)\s*[:：]").expect("valid regex"));

/// Splits a caption that the converter glued to its source line:
/// `存量企业债发行人属性分布（截至2023年5月31日）资料来源：Wind资讯，远东资信整理`.
pub fn split_caption_source(caption: &Caption) -> (Caption, Option<SourceLine>) {
    if let Some(m) = GLUED_SOURCE.find(&caption.caption) {
        if m.start() > 0 {
            let source = parse_source_line(&caption.caption[m.start()..]);
            let mut trimmed = caption.clone();
            trimmed.caption = caption.caption[..m.start()].trim().to_string();
            return (trimmed, source);
        }
    }
    (caption.clone(), None)
}

/// Splits `…东吴证券研究所图4：主要子公司分布图` into the text before the glued caption and the caption.
pub fn split_glued_caption(text: &str) -> (&str, Option<String>) {
    if let Some(m) = GLUED_CAPTION.find(text) {
        if m.start() > 0 {
            let caption = text[m.start()..].trim();
            if parse_caption(caption).is_some() {
                return (&text[..m.start()], Some(caption.to_string()));
            }
        }
    }
    (text, None)
}

/// Splits a paragraph that ends in a caption after a full stop:
/// `…也将先进制程的竞争队伍。图32: 不同先进制程对应厂商`.
pub fn split_trailing_caption(text: &str) -> Option<(String, String)> {
    let m = GLUED_CAPTION.find_iter(text).last()?;
    let before = clean(&text[..m.start()]);
    if before.is_empty() || !before.ends_with(['。', '！', '？', '.']) {
        return None;
    }
    let caption = text[m.start()..].trim();
    let parsed = parse_caption(caption)?;
    (parsed.caption.chars().count() <= 60 && !parsed.caption.contains('。')).then(|| (before, caption.to_string()))
}

fn non_empty(text: &str) -> Option<String> {
    let cleaned = clean(text);
    let trimmed = cleaned.trim().trim_end_matches(['；', ';']).trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

static TOC_LEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\.{3,}|…{2,}|·{3,}|(?:\.\s){3,}|_{4,}|-{4,}|\. \.)\s*[.\-\s]*-?\s*[0-9]{1,3}\s*-?\s*$").expect("valid regex")
});

/// True for a table-of-contents entry: dot leaders and a page number (`1. 本周行情回顾 ..... 5`).
pub fn is_toc_entry(line: &str) -> bool {
    TOC_LEADER.is_match(line.trim_end())
}

/// The numbering scheme of a section title, ranked from outermost to innermost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Numbering {
    /// 第一章, 第二部分, 第三节.
    Chapter,
    /// 一、 二. 三，
    ChineseNumeral,
    /// （一） (二)
    ParenChineseNumeral,
    /// 1 / 1.1 / 1.1.1 — the depth is the number of components.
    Arabic(u8),
    /// (1) （2） 1)
    ParenArabic,
    /// ① ②
    Circled,
}

static CHAPTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^第\s*[一二三四五六七八九十百零〇0-9]+\s*[章节部篇]").expect("valid regex"));
static CN_NUMERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[一二三四五六七八九十]{1,3}\s*[、.．，,]\s*\S").expect("valid regex"));
static PAREN_CN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*[、.]?\s*\S").expect("valid regex"));
static ARABIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,2}(?:\s?[.．]\s?[0-9]{1,3}){0,3})(?:[.．、。]\s*|\s+)([^\s0-9.．].*)$").expect("valid regex")
});
static PAREN_ARABIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[（(]\s*[0-9]{1,2}\s*[)）]|[0-9]{1,2}[)）])\s*\S").expect("valid regex"));

/// Returns the numbering scheme a section title starts with, if any.
///
/// `一、中美元首视频会晤` → ChineseNumeral; `（三）国内外行业` → ParenChineseNumeral;
/// `2.1.2 量: …` → Arabic(3); `1.2. 大宗供应链` → Arabic(2); `2023 年展望` → None.
pub fn numbering(title: &str) -> Option<Numbering> {
    let title = title.trim();
    if CHAPTER.is_match(title) {
        return Some(Numbering::Chapter);
    }
    if CN_NUMERAL.is_match(title) {
        return Some(Numbering::ChineseNumeral);
    }
    if PAREN_CN.is_match(title) {
        return Some(Numbering::ParenChineseNumeral);
    }
    if let Some(caps) = ARABIC.captures(title) {
        let rest = caps.get(2).map_or("", |m| m.as_str());
        if rest.starts_with(['月', '日', '年', '%', '个', '倍', '家', '亿', '万', '元', '只', '天', '周', '季']) {
            // `5 月 MDI 出口大幅改善` starts with a date or an amount, not a section number.
            return None;
        }
        let number = caps.get(1).map_or("", |m| m.as_str());
        let depth = number.split(['.', '．']).filter(|part| !part.trim().is_empty()).count();
        return Some(Numbering::Arabic(depth.clamp(1, 4) as u8));
    }
    if PAREN_ARABIC.is_match(title) {
        return Some(Numbering::ParenArabic);
    }
    if title.starts_with(['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩']) {
        return Some(Numbering::Circled);
    }
    None
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
    fn captions_in_all_forms() {
        let c = parse_caption("图1：截至11月12日，拜登支持率已经从上任时的53.9%下滑至42.8%").unwrap();
        assert_eq!((c.label.as_str(), c.kind), ("图 1", CaptionKind::Figure));
        assert_eq!(parse_caption("图 2：与特朗普、奥巴马").unwrap().label, "图 2");
        assert_eq!(fold(&parse_caption("表 1: 9 月以来, 中美关系不断释放缓和信号").unwrap().caption), fold("9 月以来, 中美关系不断释放缓和信号"));
        let c = parse_caption("图表 1-4.PDCI 综合指数（周）").unwrap();
        assert_eq!((c.label.as_str(), c.caption.as_str(), c.kind), ("图表 1-4", "PDCI综合指数（周）", CaptionKind::Either));
        assert_eq!(parse_caption("图表：美国氢气生产结构（2020年）").unwrap().label, "图表");
        assert_eq!(parse_caption("图 2 商贸零售板块成交量和收盘价情况（周频次）").unwrap().label, "图 2");
        assert_eq!(parse_caption("Figure 3. Revenue by segment").unwrap().label, "Figure 3");
        assert_eq!(parse_caption("Exhibit 4: Margins").unwrap().kind, CaptionKind::Either);
        assert_eq!(parse_caption("Table 2: Forecasts").unwrap().kind, CaptionKind::Table);
    }

    #[test]
    fn non_captions() {
        assert!(parse_caption("图表目录").is_none());
        assert!(parse_caption("表明市场情绪回暖。").is_none());
        assert!(parse_caption("表 1 列示了主要公司的估值，可以看到。").is_none());
        assert!(parse_caption("Figure 3 shows the margin trend").is_none());
    }

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
    fn toc_entries() {
        assert!(is_toc_entry("1. 本周行情回顾 ..... 5"));
        assert!(is_toc_entry("图 1：公司发展历程 ..... 6"));
        assert!(is_toc_entry("1 本周市场表现 (1127-1201) .....  .3"));
        assert!(is_toc_entry("图表2 2022 年申万一级行业涨跌幅............................................................. - 7 -"));
        assert!(!is_toc_entry("截至2022年5月，美国运行和在建的PEM电解水制氢产能超620MW。"));
    }

    #[test]
    fn numbering_schemes() {
        assert_eq!(numbering("一、中美元首视频会晤，可能会谈些什么？"), Some(Numbering::ChineseNumeral));
        assert_eq!(numbering("三、美方诉求:更新第一阶段协议"), Some(Numbering::ChineseNumeral));
        assert_eq!(numbering("（三）国内外行业及公司估值情况"), Some(Numbering::ParenChineseNumeral));
        assert_eq!(numbering("( 二) 最新观点"), Some(Numbering::ParenChineseNumeral));
        assert_eq!(numbering("一. 最新研究观点"), Some(Numbering::ChineseNumeral));
        assert_eq!(numbering("2.1.2 量: 1一5月"), Some(Numbering::Arabic(3)));
        assert_eq!(numbering("1.2. 大宗供应链"), Some(Numbering::Arabic(2)));
        assert_eq!(numbering("1. 中芯国际：国内首屈一指的晶圆代工厂"), Some(Numbering::Arabic(1)));
        assert_eq!(numbering("4 相关公司梳理"), Some(Numbering::Arabic(1)));
        assert_eq!(numbering("2023 年经济展望"), None);
        assert_eq!(numbering("5 月 MDI 出口大幅改善, 看好下半年量价齐升"), None);
        assert_eq!(numbering("第一，第一阶段协议即将到期"), None);
        assert_eq!(numbering("第二章 行业概况"), Some(Numbering::Chapter));
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
