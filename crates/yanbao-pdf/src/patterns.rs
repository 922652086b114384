//! Text patterns of broker reports: caption labels, source lines, headings, dates, page numbers.
//! Each function takes one normalised line and is tested on the line that motivated it.

use once_cell::sync::Lazy;
use regex::Regex;

static CAPTION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(图表|插图|附图|附表|图|表|Figure|Fig\.|Table|Exhibit|Chart)\s*([0-9]{1,3}(?:[.\-－][0-9]{1,3})*[a-zA-Z]?)\s*(?:[：:．.、，,]\s*|\s+)?(.*)$").unwrap()
});
static SOURCE: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(资料来源|数据来源|来源|Sources?)\s*[:：]").unwrap());
static NOTE: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(注|备注|说明|Notes?)\s*[0-9]?\s*[:：]").unwrap());
static LEADER: Lazy<Regex> = Lazy::new(|| Regex::new(r"([.…·．\-_]{4,}|\s)\s*[-–]?\s*[0-9]{1,3}\s*[-–]?$").unwrap());
static REFERENCE_START: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(展示|是|为|中可|中的|中，|中,|中我|中所|可以|可见|表示|显示|分别展示|分别为|分别是|分别给出|分别表示|分别对应|分别列出|分别比较|分别统计|给出|所示|反映|至图|至表|和图|和表|与图|与表|及图|及表|、图|、表|说明|描述|列出|表明|呈现|对比了|统计了|报告了|汇总了|刻画了|的|则|里|即|也|还|中展示|中列|中给|展现|告诉|揭示|代表|绘制|记录|清晰|直观|进一步|同样|相比|所列|中，)").unwrap()
});
static TEMPLATE_TAG: Lazy<Regex> = Lazy::new(|| {
    // Whole tags, tags cut in two by the text they wrap (`[Table_` … `RatingDescription]`).
    Regex::new(r"(?i)\[Table_[A-Za-z ]+\]|Table_[A-Za-z]+ ?[A-Za-z]*|\[Table_\s*|\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\]").unwrap()
});
static PAGE_NUMBER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:[-–—]\s*[0-9]{1,4}\s*[-–—]|第\s*[0-9]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9]{1,4}\s*页)?|[0-9]{1,4}\s*/\s*[0-9]{1,4}|[0-9]{1,4}|Page\s+[0-9]{1,4}(?:\s+of\s+[0-9]{1,4})?)$").unwrap()
});
static HEADING_NUMBER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:(?P<cn>[一二三四五六七八九十]{1,3})\s*[、．.]|[（(](?P<cnp>[一二三四五六七八九十]{1,3})[）)]|(?P<dot>[0-9]{1,2}(?:\.[0-9]{1,2}){1,3})\.?(?:\s|[^0-9.%])|(?P<num>[0-9]{1,2})\s*[、．.](?:\s|[^0-9])|第[一二三四五六七八九十0-9]{1,3}[章节部分]|[（(](?P<nump>[0-9]{1,2})[）)])").unwrap()
});
static DATE_CN: Lazy<Regex> = Lazy::new(|| Regex::new(r"((?:19|20)[0-9]{2})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日").unwrap());
static DATE_NUM: Lazy<Regex> = Lazy::new(|| Regex::new(r"((?:19|20)[0-9]{2})\s*[-./]\s*([0-9]{1,2})\s*[-./]\s*([0-9]{1,2})(?:[^0-9]|$)").unwrap());
static DATE_EN: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(January|February|March|April|May|June|July|August|September|October|November|December)\s+([0-9]{1,2}),\s*((?:19|20)[0-9]{2})").unwrap()
});
static BACK_MATTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:[0-9一二三四五六七八九十]+\s*[、.．]\s*)?(分析师声明|分析师承诺|分析师简介|分析师介绍|作者简介|研究团队简介|分析师与研究助理简介|免责声明|免责条款|法律声明|重要声明|特别声明|重要提示|一般声明|信息披露|投资评级说明|评级说明|投资评级定义|股票投资评级|行业投资评级|公司评级|证券投资咨询业务|Disclaimer|Important Disclosures?|Analyst Certification)").unwrap()
});

/// A caption label and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// Label as printed without colon (`图表 1`, `图1`, `Figure 3`).
    pub label: String,
    /// Kind: `table` for 表/Table labels, else `figure`.
    pub is_table: bool,
    /// Caption text without the label.
    pub text: String,
}

/// Parses a caption line (`图表 12：沪深300走势`, `表 2 回测结果`, `Figure 1.1. VIX`).
pub fn caption(line: &str) -> Option<Caption> {
    // Every label word starts with one of these (a quick no for most lines).
    if !line.starts_with(['图', '表', '插', '附', 'F', 'T', 'E', 'C']) {
        return None;
    }
    let captures = CAPTION.captures(line)?;
    let word = captures.get(1)?.as_str();
    let number = captures.get(2)?.as_str();
    let text = captures.get(3).map(|m| m.as_str().trim()).unwrap_or("");
    // `图 1 中…` running text and sentences such as `表 1 显示…` are not captions.
    if text.is_empty() || text.ends_with('。') || text.chars().count() > 80 || REFERENCE_START.is_match(text) {
        return None;
    }
    // 东海: `图 1 (上证指数近 1 年走势）` — the caption without its enclosing brackets.
    let text = strip_enclosing_brackets(text);
    let separator_gap = &line[word.len()..];
    let spaced = separator_gap.starts_with(' ');
    let label = if spaced { format!("{word} {number}") } else { format!("{word}{number}") };
    let is_table = matches!(word, "表" | "附表" | "Table");
    Some(Caption { label, is_table, text: text.to_string() })
}

static BARE_LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(图表|图|表|Figure|Fig\.|Table|Exhibit)\s*([0-9]{1,3}(?:[.\-][0-9]{1,3})*)?\s*[：:.]?$").unwrap()
});

/// True for a caption label printed apart from its text (`图表11：`, `图`, `Figure 2.`), which the
/// layout joins with the text to its right.
pub fn is_bare_label(line: &str) -> bool {
    let line = line.trim();
    line.starts_with(['图', '表', 'F', 'T', 'E']) && BARE_LABEL.is_match(line)
}

/// Removes one pair of brackets enclosing the whole caption text.
fn strip_enclosing_brackets(text: &str) -> &str {
    let opens = text.starts_with('(') || text.starts_with('（');
    let closes = text.ends_with(')') || text.ends_with('）');
    if opens && closes {
        let inner = text.trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
        if !inner.contains(['(', '（', ')', '）']) {
            return inner.trim();
        }
    }
    text
}

static INNER_LABEL: Lazy<Regex> = Lazy::new(|| Regex::new(r"(图表|图|表|Figure|Table)\s*[0-9]{1,3}\s*[：:]").unwrap());

/// Returns the character offsets where a second caption (or source line) starts inside a caption
/// (or source) line: two side-by-side captions printed as one run, `图10：…净值图11：…净值`.
pub fn inner_caption_starts(line: &str) -> Vec<usize> {
    if is_source(line) {
        static INNER_SOURCE: Lazy<Regex> = Lazy::new(|| Regex::new(r"(资料来源|数据来源)\s*[:：]").unwrap());
        return INNER_SOURCE.find_iter(line).filter(|m| m.start() > 0).map(|m| line[..m.start()].chars().count()).collect();
    }
    if !CAPTION.is_match(line) {
        return Vec::new();
    }
    let mut starts: Vec<usize> = INNER_LABEL.find_iter(line).filter(|m| m.start() > 0).map(|m| line[..m.start()].chars().count()).collect();
    if starts.is_empty() {
        // 华西: `图 24 …走势图 25 …净值` — no colons; accept only the next number in sequence.
        static NUMBERED: Lazy<Regex> = Lazy::new(|| Regex::new(r"(图表|图|表)\s*([0-9]{1,3})").unwrap());
        let mut found = NUMBERED.captures_iter(line);
        let first: Option<(String, u32)> = found
            .next()
            .and_then(|c| Some((c.get(1)?.as_str().to_string(), c.get(2)?.as_str().parse().ok()?)));
        if let Some((word, first)) = first {
            for c in found {
                let (Some(whole), Some(label), Some(number)) = (c.get(0), c.get(1), c.get(2)) else { continue };
                if label.as_str() == word && number.as_str().parse::<u32>().ok() == Some(first + 1) {
                    starts.push(line[..whole.start()].chars().count());
                }
            }
        }
    }
    starts
}

/// True for `资料来源：…`, `数据来源:` and `Source:` lines.
pub fn is_source(line: &str) -> bool {
    line.starts_with(['资', '数', '来', 'S']) && SOURCE.is_match(line)
}

/// True for `注：…` and `备注：…` lines.
pub fn is_note(line: &str) -> bool {
    line.starts_with(['注', '备', '说', 'N']) && NOTE.is_match(line)
}

/// True for a table-of-contents entry: text, then dot leaders (or a space) and a page number.
pub fn is_toc_entry(line: &str) -> bool {
    (line.contains("....") || line.contains("…") || line.contains("···") || line.contains("．．")) && LEADER.is_match(line)
}

/// True for a contents entry by its dot leaders alone (`表9：…对比……17`, `1.2、表现.......6`):
/// at least four leader characters right before a closing page number.
pub fn ends_with_dot_leaders(line: &str) -> bool {
    static DOTS: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?:[.…·．_]{4,}|…{2,}|…\.{2,})\s*[-–]?\s*[0-9]{1,3}\s*[-–]?$").unwrap());
    DOTS.is_match(line)
}

/// True for a row of bare section numbers (`1.1. 1.2.`, `2.2 2.3 2.4`): the numbers column of a
/// contents page, printed apart from the titles.
pub fn is_section_numbers(line: &str) -> bool {
    static NUMBERS: Lazy<Regex> = Lazy::new(|| Regex::new(r"^[0-9]{1,2}(?:\.[0-9]{1,2})*\.?(?:\s+[0-9]{1,2}(?:\.[0-9]{1,2})*\.?)+$").unwrap());
    line.contains('.') && NUMBERS.is_match(line.trim())
}

/// Removes Word template tags (`[Table_Title]`, `Table_BaseI nfo`) from a line.
pub fn strip_template_tags(line: &str) -> String {
    if !line.contains("Table_") && !line.contains("TABLE_") && !line.contains("table_") && !line.contains(']') {
        return line.to_string();
    }
    TEMPLATE_TAG.replace_all(line, "").trim().to_string()
}

/// True for page-number lines (`1`, `-2-`, `3/4`, `第 5 页`, `Page 6`).
pub fn is_page_number(line: &str) -> bool {
    PAGE_NUMBER.is_match(line.trim())
}

/// Returns the heading level implied by a numbering prefix: 一、 → 1, （一） → 2, 1. / 1、 → 2
/// (re-ranked per report), 1.1 → 2, 1.1.1 → 3, (1) → 4.
pub fn heading_numbering(line: &str) -> Option<u8> {
    let captures = HEADING_NUMBER.captures(line)?;
    if captures.name("cn").is_some() {
        return Some(1);
    }
    if captures.name("cnp").is_some() {
        return Some(2);
    }
    if let Some(dot) = captures.name("dot") {
        let depth = dot.as_str().matches('.').count() as u8 + 1;
        return Some(depth.min(4));
    }
    if captures.name("num").is_some() {
        return Some(1);
    }
    if captures.name("nump").is_some() {
        return Some(4);
    }
    Some(1)
}

/// Returns the first date in a line as `YYYY-MM-DD` (`2022年07月19日`, `2019-11-17`, `July 9, 2021`).
pub fn find_date(line: &str) -> Option<String> {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    for pattern in [&*DATE_CN, &*DATE_NUM] {
        if let Some(c) = pattern.captures(&compact) {
            if let Some(date) = valid_date(c.get(1)?.as_str(), c.get(2)?.as_str(), c.get(3)?.as_str()) {
                return Some(date);
            }
        }
    }
    let c = DATE_EN.captures(line)?;
    let month = match c.get(1)?.as_str() {
        "January" => 1, "February" => 2, "March" => 3, "April" => 4, "May" => 5, "June" => 6,
        "July" => 7, "August" => 8, "September" => 9, "October" => 10, "November" => 11, _ => 12,
    };
    valid_date(c.get(3)?.as_str(), &month.to_string(), c.get(2)?.as_str())
}

/// Builds `YYYY-MM-DD` when month and day are in range.
fn valid_date(year: &str, month: &str, day: &str) -> Option<String> {
    let year: u32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    let day: u32 = day.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// True for the heading that opens the closing disclaimer and rating pages.
pub fn is_back_matter_heading(line: &str) -> bool {
    BACK_MATTER.is_match(line) && line.chars().count() <= 30
}

/// True when a line ends a sentence (so a paragraph may end with it).
pub fn ends_sentence(line: &str) -> bool {
    matches!(line.trim_end().chars().last(), Some('。' | '！' | '？' | '；' | '.' | '!' | '?' | ';' | '：' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions() {
        let c = caption("图表 12：沪深300指数走势").unwrap();
        assert_eq!((c.label.as_str(), c.text.as_str(), c.is_table), ("图表 12", "沪深300指数走势", false));
        let c = caption("表2 各参数回测结果").unwrap();
        assert_eq!((c.label.as_str(), c.is_table), ("表2", true));
        assert_eq!(caption("图1、RSRS指标分布").unwrap().text, "RSRS指标分布");
        assert_eq!(caption("Figure 1.1. VIX index level").unwrap().label, "Figure 1.1");
        assert!(caption("表 1 显示了回测的结果。").is_none());
        assert!(caption("图书馆").is_none());
        assert_eq!(caption("图 5（续）：回测").map(|c| c.label), Some("图 5".to_string()));
        // Sentences that refer to a figure are not captions (天风, 国泰君安, 国海).
        assert!(caption("图6 展示了市销率SPTTM因子滚动12期IC均值的曲线").is_none());
        assert!(caption("表2 分别展示了以原始因子滚动12期ICIR加权").is_none());
        assert!(caption("图1 为1996年1月到2010年8月Tsharp值与上证综指走势图，").is_none());
        assert!(caption("图12 中可以看出，2010年之后").is_none());
        assert_eq!(caption("图1 (上证指数近1年走势）").unwrap().text, "上证指数近1年走势");
        assert_eq!(caption("表 3 中国市场回测").unwrap().text, "中国市场回测");
    }

    #[test]
    fn side_by_side_captions_in_one_run() {
        let line = "图10：上证50指数日内动量策略净值（2013.01.25-2024.07.31）图11：沪深300指数日内动量策略净值";
        assert_eq!(inner_caption_starts(line), vec![41]);
        assert!(inner_caption_starts("图1：如表2所示").is_empty());
        assert_eq!(inner_caption_starts("图24 因子分组超额收益走势图25 因子分组净值"), vec![14]);
        assert!(inner_caption_starts("图24 与图3对比").is_empty());
        // 招商 p18: two source lines side by side.
        assert_eq!(inner_caption_starts("资料来源：Wind，招商证券资料来源：Wind，招商证券"), vec![14]);
    }

    #[test]
    fn bare_labels() {
        assert!(is_bare_label("图表11："));
        assert!(is_bare_label("图"));
        assert!(is_bare_label("Figure 2."));
        assert!(!is_bare_label("图表11：因子测试"));
    }

    #[test]
    fn sources_and_notes() {
        assert!(is_source("资料来源：德邦研究所，聚源数据"));
        assert!(is_source("数据来源: Wind"));
        assert!(is_source("Source: Cboe"));
        assert!(!is_source("来源于公司公告的数据"));
        assert!(is_note("注：样本区间为2010-2020"));
        assert!(is_note("备注：净利润为归属母公司所有者的净利润"));
    }

    #[test]
    fn toc_entries() {
        assert!(is_toc_entry("图表 1：不同交易者结构下的动量 ............................ 4"));
        assert!(is_toc_entry("图1：策略净值……………………5"));
        assert!(!is_toc_entry("图表 1：不同交易者结构下的动量"));
        assert!(is_toc_entry("图8 异常端点修正：价格走在上下行之前..........................- 10 -"));
        assert!(ends_with_dot_leaders("表9：不同参数下的策略表现对比……17"));
        assert!(is_section_numbers("1.1. 1.2."));
        assert!(is_section_numbers("2.2 2.3 2.4 2.5 2.6"));
        assert!(!is_section_numbers("23.0 30.8 29.9 38.9 112.5"));
        assert!(!is_section_numbers("2019"));
        assert!(ends_with_dot_leaders("1.1、RSRS指标原理及构建方式........5"));
        assert!(!ends_with_dot_leaders("换手率上升……增长 12"));
    }

    #[test]
    fn template_tags() {
        assert_eq!(strip_template_tags("[Table_Title] 综合期限多样性"), "综合期限多样性");
        assert_eq!(strip_template_tags("Table_BaseI nfo"), "");
        assert_eq!(strip_template_tags("Table 1"), "Table 1");
        assert_eq!(strip_template_tags("TABLE_ANALYSISINFO"), "");
        // 德邦 p4: a tag cut in two by the heading it wraps.
        assert_eq!(strip_template_tags("[Table_ 1. 投资评级的比较和评级标准： RatingDescription]"), "1. 投资评级的比较和评级标准：");
        assert_eq!(strip_template_tags("见[1]"), "见[1]");
    }

    #[test]
    fn page_numbers() {
        for line in ["1", "-1-", "3/4", "第 5 页", "Page 6", "- 12 -"] {
            assert!(is_page_number(line), "{line}");
        }
        assert!(!is_page_number("2022年"));
    }

    #[test]
    fn heading_levels() {
        assert_eq!(heading_numbering("一、RSRS指标回顾"), Some(1));
        assert_eq!(heading_numbering("（二）样本外表现"), Some(2));
        assert_eq!(heading_numbering("2.1 数据说明"), Some(2));
        assert_eq!(heading_numbering("2.1.3 参数"), Some(3));
        assert_eq!(heading_numbering("3. 结论"), Some(1));
        assert_eq!(heading_numbering("2.5%的收益"), None);
        assert_eq!(heading_numbering("2019年"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(find_date("2022 年 07 月 19 日").as_deref(), Some("2022-07-19"));
        assert_eq!(find_date("2019-11-17 金融工程").as_deref(), Some("2019-11-17"));
        assert_eq!(find_date("2017.02.21").as_deref(), Some("2017-02-21"));
        assert_eq!(find_date("July 9, 2021").as_deref(), Some("2021-07-09"));
        assert_eq!(find_date("2022-13-40"), None);
    }

    #[test]
    fn back_matter() {
        assert!(is_back_matter_heading("分析师声明"));
        assert!(is_back_matter_heading("信息披露"));
        assert!(is_back_matter_heading("免责声明"));
        assert!(!is_back_matter_heading("风险提示：模型失效"));
    }
}
