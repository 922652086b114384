//! Sentence and clause boundaries of Chinese and English running text.
//!
//! The rules live in [`yanbao_model::excerpt`], so the sentences events are read from and the
//! contexts the model cuts around numbers agree.

pub use yanbao_model::excerpt::{clause_starts, sentence_spans};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_chinese_stops_not_decimals() {
        let text = "支持率从53.9%下滑至42.8%。9 月 25 日孟晚舟女士成功归国！On Nov. 16, 2021 they met. Done";
        let sentences: Vec<&str> = sentence_spans(text).iter().map(|(s, e)| text[*s..*e].trim()).collect();
        assert_eq!(sentences, vec!["支持率从53.9%下滑至42.8%。", "9 月 25 日孟晚舟女士成功归国！", "On Nov. 16, 2021 they met.", "Done"]);
    }

    #[test]
    fn clauses_split_on_commas_but_not_thousands() {
        let text = "金额1,000亿，同比增长, 显著";
        let bounds = clause_starts(text, 0, text.len());
        assert_eq!(bounds.len(), 2);
        assert!(text[bounds[0]..].starts_with("同比"));
    }
}
