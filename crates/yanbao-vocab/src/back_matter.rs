//! Back-matter headings: the disclaimer, analyst statement and rating-definition pages every
//! report of a broker repeats (`分析师声明`, `免责声明`, `投资评级说明`, `Disclaimer`).

use regex::Regex;
use std::sync::LazyLock;

/// The words that open back matter, each a heading of its own.
pub const HEADINGS: [&str; 29] = [
    "分析师声明", "分析师承诺", "分析师简介", "分析师介绍", "作者简介", "研究团队简介", "分析师与研究助理简介", "免责声明", "免责条款",
    "法律声明", "重要声明", "特别声明", "披露声明", "重要提示", "一般声明", "信息披露", "投资评级说明", "评级说明", "评级体系", "评级标准",
    "投资评级定义", "股票投资评级", "行业投资评级", "公司评级", "证券投资咨询业务", "Disclaimer", "Important Disclosures",
    "Important Disclosure", "Analyst Certification",
];

static OPENING: LazyLock<Regex> = LazyLock::new(|| {
    let words = HEADINGS.map(regex::escape).join("|");
    Regex::new(&format!(r"^(?:[0-9一二三四五六七八九十]+\s*[、.．]\s*)?(?:{words})")).expect("valid regex")
});

/// True for a line that opens the back matter: a heading (numbered or not, at most 30
/// characters) that starts with one of [`HEADINGS`].
pub fn is_heading(line: &str) -> bool {
    line.chars().count() <= 30 && OPENING.is_match(line)
}

/// True for a section title of back matter: at most 30 characters, naming one of [`HEADINGS`]
/// anywhere (`七、分析师声明及免责声明`).
pub fn is_section_title(title: &str) -> bool {
    title.chars().count() <= 30 && HEADINGS.iter().any(|w| title.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_matter_headings() {
        assert!(is_heading("分析师声明"));
        assert!(is_heading("信息披露"));
        assert!(is_heading("免责声明"));
        assert!(is_heading("5. 免责声明"));
        assert!(!is_heading("风险提示：模型失效"));
        assert!(is_section_title("七、分析师声明及免责声明"));
        assert!(is_section_title("评级体系"));
        assert!(!is_section_title("投资建议"));
    }
}
