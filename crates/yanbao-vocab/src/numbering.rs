//! Heading numbering schemes: `第一章`, `一、`, `（一）`, `1.1`, `(1)`, `①`, and the outline
//! level each implies.

use regex::Regex;
use std::sync::LazyLock;

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

/// Returns the numbering scheme a section title of converted text starts with, if any.
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

static PRINTED_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?P<cn>[一二三四五六七八九十]{1,3})\s*[、．.]|[（(](?P<cnp>[一二三四五六七八九十]{1,3})[）)]|(?P<dot>[0-9]{1,2}(?:\.[0-9]{1,2}){1,3})\.?(?:\s|[^0-9.%])|(?P<num>[0-9]{1,2})\s*[、．.](?:\s|[^0-9])|第[一二三四五六七八九十0-9]{1,3}[章节部分]|[（(](?P<nump>[0-9]{1,2})[）)])").expect("valid regex")
});

/// Returns the heading level a printed line's numbering implies (a PDF heading candidate):
/// 一、 → 1, （一） → 2, 1. / 1、 → 1 (re-ranked per report), 1.1 → 2, 1.1.1 → 3, (1) → 4,
/// 第一章 → 1. Stricter than [`numbering`]: a bare number needs its `.` or `、`.
pub fn printed_level(line: &str) -> Option<u8> {
    let captures = PRINTED_NUMBER.captures(line)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn printed_heading_levels() {
        assert_eq!(printed_level("一、RSRS指标回顾"), Some(1));
        assert_eq!(printed_level("（二）样本外表现"), Some(2));
        assert_eq!(printed_level("2.1 数据说明"), Some(2));
        assert_eq!(printed_level("2.1.3 参数"), Some(3));
        assert_eq!(printed_level("3. 结论"), Some(1));
        assert_eq!(printed_level("2.5%的收益"), None);
        assert_eq!(printed_level("2019年"), None);
    }
}
