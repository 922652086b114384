//! Contents (目录, 图表目录) entries: a title, dot leaders and a page number
//! (`1. 本周行情回顾 ..... 5`, `图1：策略净值……………………5`), and the numbers column of a
//! contents page printed apart from its titles.

use regex::Regex;
use std::sync::LazyLock;

static TOC_LEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\.{3,}|…{2,}|·{3,}|(?:\.\s){3,}|_{4,}|-{4,}|\. \.)\s*[.\-\s]*-?\s*[0-9]{1,3}\s*-?\s*$").expect("valid regex")
});
static LEADER_OR_SPACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([.…·．\-_]{4,}|\s)\s*[-–]?\s*[0-9]{1,3}\s*[-–]?$").expect("valid regex"));
static DOTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:[.…·．_]{4,}|…{2,}|…\.{2,})\s*[-–]?\s*[0-9]{1,3}\s*[-–]?$").expect("valid regex"));
static NUMBERS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{1,2}(?:\.[0-9]{1,2})*\.?(?:\s+[0-9]{1,2}(?:\.[0-9]{1,2})*\.?)+$").expect("valid regex"));

/// True for a contents entry of converted text: dot leaders and a page number
/// (`1. 本周行情回顾 ..... 5`, `图表2 …............ - 7 -`).
pub fn is_entry(line: &str) -> bool {
    TOC_LEADER.is_match(line.trim_end())
}

/// True for a contents entry printed on a contents page: some leader characters anywhere, and
/// leaders (or a space) right before the closing page number.
pub fn is_printed_entry(line: &str) -> bool {
    (line.contains("....") || line.contains('…') || line.contains("···") || line.contains("．．")) && LEADER_OR_SPACE.is_match(line)
}

/// True for a contents entry by its dot leaders alone (`表9：…对比……17`, `1.2、表现.......6`):
/// at least four leader characters right before a closing page number.
pub fn ends_with_dot_leaders(line: &str) -> bool {
    DOTS.is_match(line)
}

/// True for a row of bare section numbers (`1.1. 1.2.`, `2.2 2.3 2.4`): the numbers column of a
/// contents page, printed apart from the titles.
pub fn is_section_numbers(line: &str) -> bool {
    line.contains('.') && NUMBERS.is_match(line.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_converted_text() {
        assert!(is_entry("1. 本周行情回顾 ..... 5"));
        assert!(is_entry("图 1：公司发展历程 ..... 6"));
        assert!(is_entry("1 本周市场表现 (1127-1201) .....  .3"));
        assert!(is_entry("图表2 2022 年申万一级行业涨跌幅............................................................. - 7 -"));
        assert!(!is_entry("截至2022年5月，美国运行和在建的PEM电解水制氢产能超620MW。"));
    }

    #[test]
    fn printed_entries() {
        assert!(is_printed_entry("图表 1：不同交易者结构下的动量 ............................ 4"));
        assert!(is_printed_entry("图1：策略净值……………………5"));
        assert!(!is_printed_entry("图表 1：不同交易者结构下的动量"));
        assert!(is_printed_entry("图8 异常端点修正：价格走在上下行之前..........................- 10 -"));
        assert!(ends_with_dot_leaders("表9：不同参数下的策略表现对比……17"));
        assert!(is_section_numbers("1.1. 1.2."));
        assert!(is_section_numbers("2.2 2.3 2.4 2.5 2.6"));
        assert!(!is_section_numbers("23.0 30.8 29.9 38.9 112.5"));
        assert!(!is_section_numbers("2019"));
        assert!(ends_with_dot_leaders("1.1、RSRS指标原理及构建方式........5"));
        assert!(!ends_with_dot_leaders("换手率上升……增长 12"));
    }
}
