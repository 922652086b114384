//! Page furniture: page-number lines (`-2-`, `3/4`, `第 5 页`) and the Word template tags some
//! brokers leave in their text (`[Table_Title]`).

use regex::Regex;
use std::sync::LazyLock;

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-–—]\s*[0-9]{1,4}\s*[-–—]|第\s*[0-9]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9]{1,4}\s*页)?|[0-9]{1,4}\s*/\s*[0-9]{1,4}|[0-9]{1,4}|Page\s+[0-9]{1,4}(?:\s+of\s+[0-9]{1,4})?)$").expect("valid regex")
});
static TEMPLATE_TAG: LazyLock<Regex> = LazyLock::new(|| {
    // Whole tags, tags cut in two by the text they wrap (`[Table_` … `RatingDescription]`).
    Regex::new(r"(?i)\[Table_[A-Za-z ]+\]|Table_[A-Za-z]+ ?[A-Za-z]*|\[Table_\s*|\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\]").expect("valid regex")
});

/// True for page-number lines (`1`, `-2-`, `3/4`, `第 5 页`, `Page 6`).
pub fn is_page_number(line: &str) -> bool {
    PAGE_NUMBER.is_match(line.trim())
}

/// Removes Word template tags (`[Table_Title]`, `Table_BaseI nfo`) from a line.
pub fn strip_template_tags(line: &str) -> String {
    if !line.contains("Table_") && !line.contains("TABLE_") && !line.contains("table_") && !line.contains(']') {
        return line.to_string();
    }
    TEMPLATE_TAG.replace_all(line, "").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for line in ["1", "-1-", "3/4", "第 5 页", "Page 6", "- 12 -"] {
            assert!(is_page_number(line), "{line}");
        }
        assert!(!is_page_number("2022年"));
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
}
