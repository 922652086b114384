//! The words of a broker's forecast table and price target: year columns (`2024E`, `2022A`),
//! the unit printed with a row label, `目标价 32.96 元`.

use regex::Regex;
use std::sync::LazyLock;

/// A forecast-year column head: `2024E`, `2024 E`, `24E`, `FY2024E`, `2024F`. Group 1 is the year.
pub static FORECAST_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:FY)?\s*((?:20)?\d{2})\s*[EeFfＥ](?:/[EeFf])?$").expect("valid regex"));
/// A reported-year column head: `2022A`, `2022`.
pub static ACTUAL_YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:FY)?\s*(?:20)?\d{2}\s*[Aa]?$").expect("valid regex"));
/// The unit printed with a row label: `营业收入（百万元）`, `每股收益 (元/股)`. Group 1 is the unit.
pub static LABEL_UNIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[（(]\s*([^)）]{1,8}?)\s*[)）]?\s*$").expect("valid regex"));

/// A target price in text or a table cell: `目标价 32.96 元`, `6 个月目标价 349.3 元`,
/// `目标价格（港元）：45.2`. Group 3 is the number; 4, 1 or 2 the currency as printed.
pub static TARGET_PRICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:目标价格?|目标股价)\s*(?:[（(]\s*(元|港元|港币|美元|人民币)\s*[)）])?\s*(?:[:：为至是]\s*)?(人民币|HK\$|US\$|\$)?\s*(\d+(?:\.\d+)?)\s*(元|港元|港币|美元|HKD|USD|RMB)?")
        .expect("valid regex")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forecast_heads() {
        assert_eq!(&FORECAST_YEAR.captures("2024E").unwrap()[1], "2024");
        assert_eq!(&FORECAST_YEAR.captures("FY24E").unwrap()[1], "24");
        assert!(ACTUAL_YEAR.is_match("2022A"));
        assert!(!FORECAST_YEAR.is_match("2022A"));
        assert_eq!(&LABEL_UNIT.captures("营业收入（百万元）").unwrap()[1], "百万元");
        assert_eq!(&TARGET_PRICE.captures("6 个月目标价 349.3 元").unwrap()[3], "349.3");
    }
}
