//! Caption labels: `图表 12：沪深300走势`, `表 2 回测结果`, `Figure 1.1. VIX`, and the one label
//! form both parsers emit (`图 1`, `图表 1-4`, `Figure 3`: the word, one space, the number).

use regex::Regex;
use std::sync::LazyLock;

/// Whether a caption labels a figure, a table, or either (`图表 3`, `Exhibit 4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptionKind {
    /// 图, 附图, 插图, Figure, Fig., Chart.
    Figure,
    /// 表, 附表, Table.
    Table,
    /// 图表, Exhibit: a table if cells follow, else a figure.
    Either,
}

/// A caption line split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// Canonical label (see [`label`]): `图 1`, `图表 1-4`, `Figure 3`, or the bare word for
    /// unnumbered captions (`图表`).
    pub label: String,
    /// Caption text without the label.
    pub caption: String,
    /// What the label says the caption belongs to.
    pub kind: CaptionKind,
}

impl Caption {
    /// True when the label names a table (表, 附表, Table).
    pub fn is_table(&self) -> bool {
        self.kind == CaptionKind::Table
    }
}

/// The kind a label word names (`表` → Table, `图表` → Either, `Fig.` → Figure).
pub fn kind_of(word: &str) -> CaptionKind {
    match word.to_ascii_lowercase().trim_end_matches('.') {
        "表" | "附表" | "table" => CaptionKind::Table,
        "图表" | "exhibit" => CaptionKind::Either,
        _ => CaptionKind::Figure,
    }
}

/// The one label form of both parsers: the label word (English words spelled out: `Fig.` →
/// `Figure`), one space, the number with its inner spaces removed (`图1` → `图 1`,
/// `图表 1 - 4` → `图表 1-4`); the bare word when there is no number.
pub fn label(word: &str, number: Option<&str>) -> String {
    let word = match word.to_ascii_lowercase().trim_end_matches('.') {
        "figure" | "fig" => "Figure",
        "table" => "Table",
        "exhibit" => "Exhibit",
        "chart" => "Chart",
        _ => word,
    };
    match number.map(|n| n.split_whitespace().collect::<String>()).filter(|n| !n.is_empty()) {
        Some(number) => format!("{word} {number}"),
        None => word.to_string(),
    }
}

static CAPTION_ZH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(附图|附表|图表|图|表)\s*([0-9]{1,3}(?:\s*[-－—.．]\s*[0-9]{1,3})*)?\s*([:：.．、]|\s)\s*(\S.*)$").expect("valid regex")
});
static CAPTION_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(figure|fig\.?|table|exhibit|chart)\s*([0-9]{1,3}(?:[-.][0-9]{1,3})*[A-Za-z]?)\s*[:.：]\s*(\S.*)$").expect("valid regex")
});

/// Parses a caption line of converted text: `图1：…`, `图 2:…`, `图表 12：…`, `图表 1-4.PDCI…`,
/// `表 1: …`, `图表：…` (unnumbered, colon required), `Figure 3. …`, `Exhibit 4: …`,
/// `Table 2: …`. The caption text is returned as printed (the caller normalises it).
pub fn parse(line: &str) -> Option<Caption> {
    let line = line.trim();
    if let Some(caps) = CAPTION_ZH.captures(line) {
        let word = caps.get(1).map_or("", |m| m.as_str());
        let number = caps.get(2).map(|m| m.as_str());
        let separator = caps.get(3).map_or("", |m| m.as_str());
        let caption = caps.get(4).map_or("", |m| m.as_str()).trim();
        let spaced = separator.trim().is_empty();
        match &number {
            None if !matches!(separator, ":" | "：") => return None,
            Some(_) if spaced && !plausible_spaced_caption(caption) => return None,
            _ => {}
        }
        if normalised_len(caption) > 120 || caption.starts_with(['：', ':']) {
            return None;
        }
        return Some(Caption { label: label(word, number), caption: caption.to_string(), kind: kind_of(word) });
    }
    let caps = CAPTION_EN.captures(line)?;
    let word = caps.get(1).map_or("", |m| m.as_str());
    let number = caps.get(2).map(|m| m.as_str());
    let caption = caps.get(3).map_or("", |m| m.as_str()).trim();
    if normalised_len(caption) > 160 {
        return None;
    }
    Some(Caption { label: label(word, number), caption: caption.to_string(), kind: kind_of(word) })
}

/// A caption whose label is followed by a space instead of a colon (`图 2 商贸零售板块…`) must
/// read like a title, not like a sentence that starts with `表 1 列示了…。`.
fn plausible_spaced_caption(caption: &str) -> bool {
    let length = normalised_len(caption);
    length <= 60 && !caption.contains('。')
}

/// The length of a caption once normalised: a run of spaces next to a Chinese character counts
/// for nothing, any other run for one (`截至 22.02, 单位: 亿元` is measured as printed without
/// its spaces, as the parsers store it).
fn normalised_len(text: &str) -> usize {
    let chars: Vec<char> = text.trim().chars().collect();
    let cjk = |c: char| matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF);
    let mut length = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let (before, after) = (i.checked_sub(1).map(|k| chars[k]), chars.get(j).copied());
            let both_alnum = before.is_some_and(|c| c.is_ascii_alphanumeric()) && after.is_some_and(|c| c.is_ascii_alphanumeric());
            if both_alnum || !(before.is_some_and(cjk) || after.is_some_and(cjk)) {
                length += 1;
            }
            i = j;
            continue;
        }
        length += 1;
        i += 1;
    }
    length
}

static PRINTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(图表|插图|附图|附表|图|表|Figure|Fig\.|Table|Exhibit|Chart)\s*([0-9]{1,3}(?:[.\-－][0-9]{1,3})*[a-zA-Z]?)\s*(?:[：:．.、，,]\s*|\s+)?(.*)$").expect("valid regex")
});
static REFERENCE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(展示|是|为|中可|中的|中，|中,|中我|中所|可以|可见|表示|显示|分别展示|分别为|分别是|分别给出|分别表示|分别对应|分别列出|分别比较|分别统计|给出|所示|反映|至图|至表|和图|和表|与图|与表|及图|及表|、图|、表|说明|描述|列出|表明|呈现|对比了|统计了|报告了|汇总了|刻画了|的|则|里|即|也|还|中展示|中列|中给|展现|告诉|揭示|代表|绘制|记录|清晰|直观|进一步|同样|相比|所列|中，)").expect("valid regex")
});

/// Parses a caption printed on a page (one layout line): a numbered label, then the caption
/// (`图表 12：沪深300走势`, `表2 各参数回测结果`, `Figure 1.1. VIX`). Stricter than [`parse`]
/// about sentences: `图 1 中…`, `表 1 显示…` and text ending in `。` refer to a figure and are
/// not captions.
pub fn parse_printed(line: &str) -> Option<Caption> {
    // Every label word starts with one of these (a quick no for most lines).
    if !line.starts_with(['图', '表', '插', '附', 'F', 'T', 'E', 'C']) {
        return None;
    }
    let captures = PRINTED.captures(line)?;
    let word = captures.get(1)?.as_str();
    let number = captures.get(2)?.as_str();
    let text = captures.get(3).map(|m| m.as_str().trim()).unwrap_or("");
    if text.is_empty() || text.ends_with('。') || text.chars().count() > 80 || REFERENCE_START.is_match(text) {
        return None;
    }
    // 东海: `图 1 (上证指数近 1 年走势）` — the caption without its enclosing brackets.
    let text = strip_enclosing_brackets(text);
    Some(Caption { label: label(word, Some(number)), caption: text.to_string(), kind: kind_of(word) })
}

static BARE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(图表|图|表|Figure|Fig\.|Table|Exhibit)\s*([0-9]{1,3}(?:[.\-][0-9]{1,3})*)?\s*[：:.]?$").expect("valid regex")
});

/// True for a caption label printed apart from its text (`图表11：`, `图`, `Figure 2.`), which a
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

static INNER_LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(图表|图|表|Figure|Table)\s*[0-9]{1,3}\s*[：:]").expect("valid regex"));

/// Returns the character offsets where a second caption (or source line) starts inside a caption
/// (or source) line: two side-by-side captions printed as one run, `图10：…净值图11：…净值`.
pub fn inner_starts(line: &str) -> Vec<usize> {
    if crate::source::is_source(line) {
        return crate::source::inner_starts(line);
    }
    if !PRINTED.is_match(line) {
        return Vec::new();
    }
    let mut starts: Vec<usize> = INNER_LABEL.find_iter(line).filter(|m| m.start() > 0).map(|m| line[..m.start()].chars().count()).collect();
    if starts.is_empty() {
        // 华西: `图 24 …走势图 25 …净值` — no colons; accept only the next number in sequence.
        static NUMBERED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(图表|图|表)\s*([0-9]{1,3})").expect("valid regex"));
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

static GLUED_CAPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:图表|图|表)\s*[0-9]{1,3}(?:\s*[-.][0-9]{1,3})*\s*[:：]|(?:图表|图|表)\s+[0-9]{1,3}\s+\S").expect("valid regex"));

/// Splits `…东吴证券研究所图4：主要子公司分布图` into the text before the glued caption and the caption.
pub fn split_glued(text: &str) -> (&str, Option<String>) {
    if let Some(m) = GLUED_CAPTION.find(text) {
        if m.start() > 0 {
            let caption = text[m.start()..].trim();
            if parse(caption).is_some() {
                return (&text[..m.start()], Some(caption.to_string()));
            }
        }
    }
    (text, None)
}

/// The byte offset of the last caption label inside a text (`…竞争队伍。图32: 不同…` → at `图32`).
pub fn last_glued_start(text: &str) -> Option<usize> {
    GLUED_CAPTION.find_iter(text).last().map(|m| m.start())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_label_form() {
        assert_eq!(label("图", Some("1")), "图 1");
        assert_eq!(label("图表", Some("1 - 4")), "图表 1-4");
        assert_eq!(label("Fig.", Some("2")), "Figure 2");
        assert_eq!(label("图表", None), "图表");
        // Both parsers give the same label for the same printed caption.
        assert_eq!(parse("图1：策略净值").unwrap().label, parse_printed("图1：策略净值").unwrap().label);
        assert_eq!(parse_printed("图 1：策略净值").unwrap().label, "图 1");
    }

    #[test]
    fn captions_in_all_forms() {
        let c = parse("图1：截至11月12日，拜登支持率已经从上任时的53.9%下滑至42.8%").unwrap();
        assert_eq!((c.label.as_str(), c.kind), ("图 1", CaptionKind::Figure));
        assert_eq!(parse("图 2：与特朗普、奥巴马").unwrap().label, "图 2");
        let c = parse("图表 1-4.PDCI 综合指数（周）").unwrap();
        assert_eq!((c.label.as_str(), c.caption.as_str(), c.kind), ("图表 1-4", "PDCI 综合指数（周）", CaptionKind::Either));
        assert_eq!(parse("图表：美国氢气生产结构（2020年）").unwrap().label, "图表");
        assert_eq!(parse("图 2 商贸零售板块成交量和收盘价情况（周频次）").unwrap().label, "图 2");
        assert_eq!(parse("Figure 3. Revenue by segment").unwrap().label, "Figure 3");
        assert_eq!(parse("Exhibit 4: Margins").unwrap().kind, CaptionKind::Either);
        assert_eq!(parse("Table 2: Forecasts").unwrap().kind, CaptionKind::Table);
        assert_eq!(parse("表 4 全球主要新冠疫苗销售额、销量情况（单位：亿美元/亿元人民币，亿剂）").unwrap().label, "表 4");
        assert_eq!(parse("图 24 2015-2024 年中国眼科医疗市场规模（单位: 十亿元）").unwrap().label, "图 24");
    }

    #[test]
    fn spaced_captions_are_measured_without_their_spaces() {
        // 上海证券: two captions on one line, the first 60 characters long once normalised.
        let line = "图 7 基本医保累计结余及结余率情况（截至 22.02,单位: 亿元)图 8 基本医保当月结余及结余率情况（截至 22.02,单位: 亿元)";
        assert_eq!(parse(line).map(|c| c.label), Some("图 7".to_string()));
        assert_eq!(normalised_len("截至 22.02, 单位 亿元"), "截至22.02,单位亿元".chars().count());
        assert_eq!(normalised_len("Revenue by segment"), 18);
    }

    #[test]
    fn non_captions() {
        assert!(parse("图表目录").is_none());
        assert!(parse("表明市场情绪回暖。").is_none());
        assert!(parse("表 1 列示了主要公司的估值，可以看到。").is_none());
        assert!(parse("Figure 3 shows the margin trend").is_none());
    }

    #[test]
    fn printed_captions() {
        let c = parse_printed("图表 12：沪深300指数走势").unwrap();
        assert_eq!((c.label.as_str(), c.caption.as_str(), c.is_table()), ("图表 12", "沪深300指数走势", false));
        let c = parse_printed("表2 各参数回测结果").unwrap();
        assert_eq!((c.label.as_str(), c.is_table()), ("表 2", true));
        assert_eq!(parse_printed("图1、RSRS指标分布").unwrap().caption, "RSRS指标分布");
        assert_eq!(parse_printed("Figure 1.1. VIX index level").unwrap().label, "Figure 1.1");
        assert!(parse_printed("表 1 显示了回测的结果。").is_none());
        assert!(parse_printed("图书馆").is_none());
        assert_eq!(parse_printed("图 5（续）：回测").map(|c| c.label), Some("图 5".to_string()));
        // Sentences that refer to a figure are not captions (天风, 国泰君安, 国海).
        assert!(parse_printed("图6 展示了市销率SPTTM因子滚动12期IC均值的曲线").is_none());
        assert!(parse_printed("表2 分别展示了以原始因子滚动12期ICIR加权").is_none());
        assert!(parse_printed("图1 为1996年1月到2010年8月Tsharp值与上证综指走势图，").is_none());
        assert!(parse_printed("图12 中可以看出，2010年之后").is_none());
        assert_eq!(parse_printed("图1 (上证指数近1年走势）").unwrap().caption, "上证指数近1年走势");
        assert_eq!(parse_printed("表 3 中国市场回测").unwrap().caption, "中国市场回测");
    }

    #[test]
    fn side_by_side_captions_in_one_run() {
        let line = "图10：上证50指数日内动量策略净值（2013.01.25-2024.07.31）图11：沪深300指数日内动量策略净值";
        assert_eq!(inner_starts(line), vec![41]);
        assert!(inner_starts("图1：如表2所示").is_empty());
        assert_eq!(inner_starts("图24 因子分组超额收益走势图25 因子分组净值"), vec![14]);
        assert!(inner_starts("图24 与图3对比").is_empty());
        // 招商 p18: two source lines side by side.
        assert_eq!(inner_starts("资料来源：Wind，招商证券资料来源：Wind，招商证券"), vec![14]);
    }

    #[test]
    fn bare_labels() {
        assert!(is_bare_label("图表11："));
        assert!(is_bare_label("图"));
        assert!(is_bare_label("Figure 2."));
        assert!(!is_bare_label("图表11：因子测试"));
    }

    #[test]
    fn glued_captions() {
        let (before, caption) = split_glued("公司公告, 东吴证券研究所图4：主要子公司分布图（2022 年）");
        assert_eq!((before, caption.as_deref()), ("公司公告, 东吴证券研究所", Some("图4：主要子公司分布图（2022 年）")));
        assert_eq!(last_glued_start("竞争队伍。图32: 不同先进制程对应厂商"), Some("竞争队伍。".len()));
    }
}
