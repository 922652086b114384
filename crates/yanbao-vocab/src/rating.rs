//! Rating words and actions: `买入`, `增持（维持）`, `维持“买入”评级`, `首次覆盖`, `买入-A`.

use regex::Regex;
use std::sync::LazyLock;

/// Rating words brokers print, longest first so that 强烈推荐 is not read as 推荐.
pub const RATING_WORDS: [&str; 20] = [
    "强烈推荐", "谨慎推荐", "审慎推荐", "审慎增持", "谨慎增持", "优于大市", "跑赢大市", "跑赢行业", "强于大市", "同步大市",
    "弱于大市", "买入", "增持", "推荐", "中性", "持有", "减持", "卖出", "看好", "看淡",
];

/// Words for what a broker did to its rating, longest first.
pub const ACTION_WORDS: [&str; 11] = ["首次覆盖", "首次评级", "维持", "首次", "上调", "下调", "调高", "调低", "提高", "降低", "上修"];

/// The rating words of company notes (industry words 看好 and 看淡 left out), as one alternation.
fn company_words() -> String {
    RATING_WORDS.iter().filter(|w| !matches!(**w, "看好" | "看淡")).copied().collect::<Vec<_>>().join("|")
}

/// A cover line that is a rating and nothing else, optionally labelled, with an action in
/// brackets: `投资评级：买入（维持）`, `增持`. Group 1 is the rating as printed.
pub static COVER_RATING: LazyLock<Regex> = LazyLock::new(|| {
    let words = RATING_WORDS.join("|");
    Regex::new(&format!(r"^(?:投资评级|评级)?\s*[:：]?\s*((?:{words})(?:\s*[（(](?:维持|首次|上调|下调)[)）])?)$")).expect("valid regex")
});

/// A rating word with its action or grade: `增持（维持）`, `买入-A`, `推荐 维持评级`. Group 1 is
/// the word, group 2 or 3 the action.
pub static RATING_WITH_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"({})\s*(?:[（(]\s*(维持|首次|上调|下调|首次覆盖)\s*[)）]|[-—]\s*[ABC]|\s*(维持|首次)(?:评级)?)?",
        company_words()
    ))
    .expect("valid regex")
});

/// The label of a rating field: `投资评级：`, `评级:`, `Rating:`.
pub static RATING_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:投资评级|评级|Rating)\s*[:：]|^(?:投资评级|评级)\s*").expect("valid regex"));

/// A rating word before 评级 in running text: `维持“买入”评级`, `首次覆盖，给予“增持”评级`,
/// `维持买入-A 的投资评级`. Group 2 is the word, group 3 or 1 the action.
pub static RATING_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    let words = RATING_WORDS.join("|");
    Regex::new(&format!(
        r#"(?:(维持|首次覆盖|首次|上调|下调|调高|调低)(?:\s*[，,]\s*)?)?[^。；，,]{{0,6}}?[“”「」"'\s]*({words})(?:\s*[-—]\s*[ABC])?[“”「」"'\s]*(?:[（(](维持|首次)[)）])?\s*(?:的)?\s*(?:投资)?评级"#
    ))
    .expect("valid regex")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_as_printed() {
        assert!(COVER_RATING.is_match("投资评级：买入（维持）"));
        assert!(COVER_RATING.is_match("增持"));
        assert!(!COVER_RATING.is_match("买入理由"));
        let caps = RATING_WITH_ACTION.captures("增持（维持）").unwrap();
        assert_eq!((&caps[1], &caps[2]), ("增持", "维持"));
        assert_eq!(&RATING_WITH_ACTION.captures("强烈推荐").unwrap()[1], "强烈推荐");
        let caps = RATING_IN_TEXT.captures("维持“买入”评级").unwrap();
        assert_eq!((caps.get(1).map(|m| m.as_str()), &caps[2]), (Some("维持"), "买入"));
        assert!(RATING_LABEL.is_match("投资评级：增持"));
    }
}
