//! Key numbers: percentages and amounts with units, each with its sentence.

use std::sync::LazyLock;

use regex::Regex;
use yanbao_model::{BlockKind, KeyNumber, Report};

use crate::text::sentence_around;

/// A number followed by a unit, longest unit first (`亿美元` before `亿`).
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<num> \d{1,3}(?:,\d{3})+(?:\.\d+)? | \d+(?:\.\d+)? )
        \s* \\? (?P<unit>
            %|％|个百分点|百分点|pct|bps?|BP
          | 万亿美元|亿美元|万美元|美元|万亿港元|亿港元|港元|亿欧元|欧元|万亿日元|亿日元|日元
          | 万亿元|亿元|万元|元
          | 万亿|亿
          | 万吨|吨|万辆|辆|万桶|桶|亿立方米|立方米|万千瓦|千瓦时|GWh|GW|MWh|MW|kWh
          | 万人次|亿人次|万人|亿人|万户|万台|亿股|万股|万份
          | 项|家|份|倍
        )",
    )
    .expect("valid regex")
});

/// Returns the key numbers of a report's paragraphs and lists, then of its table rows (the row
/// text stands as the sentence).
pub fn extract_numbers(report: &Report) -> Vec<KeyNumber> {
    let mut numbers = Vec::new();
    for (index, block) in report.blocks.iter().enumerate() {
        if !matches!(block.kind, BlockKind::Paragraph | BlockKind::List) || block.boilerplate {
            continue;
        }
        numbers.extend(numbers_in(&block.text, index));
    }
    for table in &report.tables {
        for row in &table.rows {
            let row_text = row.iter().map(|c| c.trim()).collect::<Vec<_>>().join(" ");
            numbers.extend(numbers_in(&row_text, table.block));
        }
    }
    numbers
}

/// Returns the amounts with units in one text.
pub fn numbers_in(text: &str, block: usize) -> Vec<KeyNumber> {
    let mut numbers = Vec::new();
    for caps in AMOUNT.captures_iter(text) {
        let (Some(whole), Some(num), Some(unit)) = (caps.get(0), caps.name("num"), caps.name("unit")) else { continue };
        if !stands_alone(text, whole.start(), whole.end(), unit.as_str()) {
            continue;
        }
        let Ok(value) = num.as_str().replace(',', "").parse::<f64>() else { continue };
        numbers.push(KeyNumber {
            text: whole.as_str().to_string(),
            value,
            unit: normalise_unit(unit.as_str()),
            sentence: sentence_around(text, whole.start()).to_string(),
            block,
        });
    }
    numbers
}

/// True when the number is not the tail of a code or word (`S0350`, `H1`) and an ASCII unit is
/// not the head of a longer word (`5 BPS` yes, `3 percent` no match anyway).
fn stands_alone(text: &str, start: usize, end: usize, unit: &str) -> bool {
    let before_ok = text[..start].chars().next_back().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'));
    let ascii_unit = unit.chars().all(|c| c.is_ascii_alphabetic());
    let after_ok = !ascii_unit || text[end..].chars().next().is_none_or(|c| !c.is_ascii_alphabetic());
    before_ok && after_ok
}

fn normalise_unit(unit: &str) -> String {
    match unit {
        "％" => "%".to_string(),
        "百分点" => "个百分点".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_from_the_seed_sentences() {
        let text = "美国同意供应商销货给华为的出口许可有 113 份, 价值 610 亿美元; 此外, 还有 188 份价值近 420 亿美元的出口许可授予中芯国际供应商。";
        let found: Vec<(String, f64, String)> = numbers_in(text, 3).into_iter().map(|n| (n.text, n.value, n.unit)).collect();
        assert_eq!(found[1], ("610 亿美元".to_string(), 610.0, "亿美元".to_string()));
        assert_eq!(found.len(), 4);
        let rates = numbers_in("支持率已经从上任时的53.9%下滑至42.8%，下滑了8.7个百分点。", 0);
        let texts: Vec<&str> = rates.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, vec!["53.9%", "42.8%", "8.7个百分点"]);
        assert_eq!(numbers_in("公布了 549 项产品清单", 0)[0].unit, "项");
        assert_eq!(numbers_in("营收 11.76 亿元，同比", 0)[0].value, 11.76);
        assert_eq!(numbers_in("收入1,234.5亿元", 0)[0].value, 1234.5);
    }

    #[test]
    fn codes_and_dates_are_not_amounts() {
        assert!(numbers_in("S0350522110003 2021年11月12日 第3页", 0).is_empty());
        assert!(numbers_in("", 0).is_empty());
    }
}
