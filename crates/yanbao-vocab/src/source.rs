//! Source and note lines under a figure or table: `资料来源：Wind，华泰证券`, `数据来源: Wind`,
//! `Source: Cboe`, `注：样本区间为2010-2020`, and the split of `资料来源：X；注：Y` into the
//! source `X` and the note `Y` (the model's `source` holds no prefix, its `notes` the note).

use regex::Regex;
use std::sync::LazyLock;

static SOURCE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(资料来源|数据来源|资源来源|信息来源|来源|sources?|data\s+sources?)\s*[:：]\s*").expect("valid regex")
});
static NOTE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i)(备注|注释|说明|注\s*[0-9]*|notes?)\s*[0-9]?\s*[:：]\s*").expect("valid regex"));
static INLINE_NOTE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[\s。；;])(备注|注)\s*[:：]").expect("valid regex"));

/// True for `资料来源：…`, `数据来源:`, `信息来源：` and `Source:` lines.
pub fn is_source(line: &str) -> bool {
    source_prefix_len(line).is_some()
}

/// True for `注：…`, `注1：`, `备注：…`, `说明：` and `Note:` lines.
pub fn is_note(line: &str) -> bool {
    NOTE_PREFIX.is_match(line.trim_start())
}

/// The byte length of a source line's prefix (`资料来源：` with the spaces after it), if it has one.
fn source_prefix_len(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    SOURCE_PREFIX.find(trimmed).map(|m| m.end() + (line.len() - trimmed.len()))
}

/// Returns a source line without its prefix: `资料来源：Wind，华泰证券` → `Wind，华泰证券`. Only
/// one prefix goes (`资料来源：来源：Wind` → `来源：Wind`), and a source that merely starts with the
/// word (`Sourced from Wind`) is left whole.
pub fn without_prefix(line: &str) -> &str {
    match source_prefix_len(line) {
        Some(end) => line[end..].trim(),
        None => line.trim(),
    }
}

/// Returns a note line without its prefix: `注：样本区间` → `样本区间`.
pub fn note_without_prefix(line: &str) -> &str {
    let trimmed = line.trim();
    match NOTE_PREFIX.find(trimmed) {
        Some(m) => trimmed[m.end()..].trim(),
        None => trimmed,
    }
}

/// A source or note line split into its source and its note.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceNote {
    /// The source without its prefix (None for a note line or an empty `资料来源：`).
    pub source: Option<String>,
    /// The note without its prefix: a `注：` line, or the `注：…` printed on a source line.
    pub note: Option<String>,
}

/// Splits a source or note line: `资料来源：光大证券研究所，Wind； 注：样本区间为同上` → source
/// `光大证券研究所，Wind`, note `样本区间为同上`; `注：折线为支持率` → note only. A source with no
/// prefix is taken as a source. A note in brackets (`(注: 截至…)`) stays in the source.
pub fn split(line: &str) -> SourceNote {
    let line = line.trim();
    if source_prefix_len(line).is_none() && NOTE_PREFIX.is_match(line) {
        return SourceNote { source: None, note: non_empty(note_without_prefix(line)) };
    }
    let body = without_prefix(line);
    match INLINE_NOTE.find(body) {
        Some(m) if m.start() > 0 => SourceNote { source: non_empty(&body[..m.start()]), note: non_empty(&body[m.end()..]) },
        _ => SourceNote { source: non_empty(body), note: None },
    }
}

static GLUED_SOURCE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(资料来源|数据来源|信息来源)\s*[:：]").expect("valid regex"));

/// The byte offset of a source line glued inside a text after something else
/// (`存量企业债发行人属性分布资料来源：Wind` → at `资料来源`); None when there is none or it
/// starts the text.
pub fn glued_start(text: &str) -> Option<usize> {
    GLUED_SOURCE.find(text).map(|m| m.start()).filter(|&start| start > 0)
}

/// The character offsets where a second source line starts inside a source line printed as one
/// run with it (招商: `资料来源：Wind，招商证券资料来源：Wind，招商证券` → `[14]`).
pub fn inner_starts(line: &str) -> Vec<usize> {
    GLUED_SOURCE.find_iter(line).filter(|m| m.start() > 0 && !m.as_str().starts_with("信息")).map(|m| line[..m.start()].chars().count()).collect()
}

/// The text trimmed of spaces and a closing `；`, or None when nothing is left.
fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim().trim_end_matches(['；', ';']).trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_notes() {
        assert!(is_source("资料来源：德邦研究所，聚源数据"));
        assert!(is_source("数据来源: Wind"));
        assert!(is_source("Source: Cboe"));
        assert!(!is_source("来源于公司公告的数据"));
        assert!(!is_source("来源于公司公告的数据显示"));
        assert!(is_note("注：样本区间为2010-2020"));
        assert!(is_note("备注：净利润为归属母公司所有者的净利润"));
    }

    #[test]
    fn prefixes_removed() {
        assert_eq!(without_prefix("资料来源：Wind，华泰证券研究所"), "Wind，华泰证券研究所");
        assert_eq!(without_prefix(" 数据来源: 国家统计局 "), "国家统计局");
        assert_eq!(without_prefix("来源：公司公告"), "公司公告");
        assert_eq!(without_prefix("Source : Bloomberg"), "Bloomberg");
        assert_eq!(without_prefix("Data sources: Cboe"), "Cboe");
        assert_eq!(without_prefix("Wind，华泰证券研究所"), "Wind，华泰证券研究所");
        assert_eq!(without_prefix("Sourced from Wind"), "Sourced from Wind");
        assert_eq!(without_prefix("资料来源：来源：Wind"), "来源：Wind");
    }

    #[test]
    fn notes_split_off() {
        // 光大 (the drift of issue 11): one line, source and note.
        let s = split("资料来源：光大证券研究所，Wind； 注：样本区间为 2017/3/31 – 2019/11/13");
        assert_eq!(s.source.as_deref(), Some("光大证券研究所，Wind"));
        assert_eq!(s.note.as_deref(), Some("样本区间为 2017/3/31 – 2019/11/13"));
        let s = split("资料来源：fivethirtyeight 备注：该数据更新截至2021年11月12日");
        assert_eq!((s.source.as_deref(), s.note.as_deref()), (Some("fivethirtyeight"), Some("该数据更新截至2021年11月12日")));
        assert_eq!(split("注：折线为支持率"), SourceNote { source: None, note: Some("折线为支持率".into()) });
        assert_eq!(split("资料来源：").source, None);
        // A bracketed note belongs to the source.
        let s = split("资料来源：Wind, 中泰证券研究所整理 (注: 截至 2022 年 11 月 2 日)");
        assert!(s.note.is_none());
        assert_eq!(split("Source: Bloomberg").source.as_deref(), Some("Bloomberg"));
    }

    #[test]
    fn glued_sources() {
        assert_eq!(glued_start("存量企业债发行人属性分布资料来源：Wind"), Some("存量企业债发行人属性分布".len()));
        assert_eq!(glued_start("资料来源：Wind"), None);
        assert_eq!(inner_starts("资料来源：Wind，招商证券资料来源：Wind，招商证券"), vec![14]);
    }
}
