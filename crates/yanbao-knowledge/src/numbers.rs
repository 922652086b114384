//! Key numbers: percentages and amounts with units, each pointing into its block with a bounded context.

use std::sync::LazyLock;

use regex::Regex;
use yanbao_model::excerpt::{is_glued_number, sentence_excerpt, CharCounter, NUMBER_CONTEXT_CHARS};
use yanbao_model::{BlockKind, KeyNumber, Report};

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

/// Returns the key numbers of a report's paragraphs and lists, then of its table rows.
///
/// A table row's numbers point into the table's block (whose text holds the cells, row by row):
/// each is found there after the previous one; one that is not (a number across two cells) is
/// left out. Its context is then the row's line of the block.
pub fn extract_numbers(report: &Report) -> Vec<KeyNumber> {
    let mut numbers = Vec::new();
    for (index, block) in report.blocks.iter().enumerate() {
        if !matches!(block.kind, BlockKind::Paragraph | BlockKind::List) || block.boilerplate {
            continue;
        }
        numbers.extend(numbers_in(&block.text, index));
    }
    for table in &report.tables {
        let Some(block) = report.blocks.get(table.block) else { continue };
        let block_text = block.text.as_str();
        let mut counter = CharCounter::new(block_text);
        let mut cursor = 0;
        for row in &table.rows {
            let row_text = row.iter().map(|c| c.trim()).collect::<Vec<_>>().join(" ");
            for number in numbers_in(&row_text, table.block) {
                let Some(start) = block_text[cursor..].find(number.text.as_str()).map(|i| cursor + i) else { continue };
                let range = start..start + number.text.len();
                cursor = range.end;
                numbers.push(KeyNumber {
                    span: counter.span(range.clone()),
                    context: sentence_excerpt(block_text, range, NUMBER_CONTEXT_CHARS).to_string(),
                    ..number
                });
            }
        }
    }
    numbers
}

/// Returns the amounts with units in one text (the text of block `block`): each with its
/// character span in `text` and the sentence around it cut to [`NUMBER_CONTEXT_CHARS`].
///
/// Numbers glued into a run of numbers (`0%2%4%6%`, table cells run together) are left out:
/// they are flattened charts and tables, not key numbers. Linear in the text: a context looks
/// no further than its size from its number.
pub fn numbers_in(text: &str, block: usize) -> Vec<KeyNumber> {
    let mut numbers = Vec::new();
    let mut counter = CharCounter::new(text);
    for caps in AMOUNT.captures_iter(text) {
        let (Some(whole), Some(num), Some(unit)) = (caps.get(0), caps.name("num"), caps.name("unit")) else { continue };
        if !stands_alone(text, whole.start(), whole.end(), unit.as_str()) || is_glued_number(text, whole.range()) {
            continue;
        }
        let Ok(value) = num.as_str().replace(',', "").parse::<f64>() else { continue };
        numbers.push(KeyNumber {
            text: whole.as_str().to_string(),
            value,
            unit: normalise_unit(unit.as_str()),
            block,
            span: counter.span(whole.range()),
            context: sentence_excerpt(text, whole.range(), NUMBER_CONTEXT_CHARS).to_string(),
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
    fn a_number_in_a_huge_block_gets_a_bounded_context_and_its_span() {
        // 30 KB without a sentence end, the number in the middle.
        let filler = "半导体产业高景气面板价格持续上涨";
        let text = format!("{}营收同比增长 12.3%，{}", filler.repeat(320), filler.repeat(320));
        assert!(text.len() > 30_000 && !text.contains('。'));
        let found = numbers_in(&text, 7);
        assert_eq!(found.len(), 1);
        let number = &found[0];
        assert_eq!(number.block, 7);
        let range = yanbao_model::excerpt::byte_range(&text, number.span).unwrap();
        assert_eq!(&text[range], number.text);
        assert_eq!(number.span[0], filler.chars().count() * 320 + "营收同比增长 ".chars().count());
        assert!(number.context.chars().count() <= NUMBER_CONTEXT_CHARS, "{}", number.context);
        assert!(number.context.contains("营收同比增长 12.3%"), "{}", number.context);
        assert!(number.context.starts_with('…') && number.context.ends_with('…'));
    }

    #[test]
    fn many_numbers_in_a_huge_block_cost_linear_time() {
        // 3,000 numbers in 100 KB without a sentence end: was one sentence scan per number.
        let text = "增速为12.5%，".repeat(3_000);
        let started = std::time::Instant::now();
        let found = numbers_in(&text, 0);
        assert_eq!(found.len(), 3_000);
        assert!(found.iter().all(|n| n.context.chars().count() <= NUMBER_CONTEXT_CHARS));
        assert_eq!(found[2_999].span, [2_999 * 9 + 3, 2_999 * 9 + 8]);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn runs_of_numbers_are_not_key_numbers() {
        let found = numbers_in("全球智能手机渗透率0%2%4%6%8%10%，YOY9.7%15.0%32.8%，同比增长15%。", 0);
        let texts: Vec<&str> = found.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, vec!["15%"]);
    }

    #[test]
    fn codes_and_dates_are_not_amounts() {
        assert!(numbers_in("S0350522110003 2021年11月12日 第3页", 0).is_empty());
        assert!(numbers_in("", 0).is_empty());
    }
}
