//! First pass: decoded text → a flat list of classified items (one per line, tables grouped).
//!
//! Every line is cleaned here (markup removed, `normalize::clean` applied) so later passes only
//! see normalised text.

use crate::lines::{self, Caption, Numbering, SourceLine};
use crate::markup;
use regex::Regex;
use std::sync::LazyLock;
use yanbao_model::normalize::clean;

/// Lines longer than this (in bytes) are cut into pieces so one huge line cannot blow up memory
/// in later passes.
const MAX_LINE_BYTES: usize = 64 * 1024;
/// A `$$` block longer than this is not display math but a stray fence.
const MAX_MATH_LINES: usize = 60;

/// One classified line (or a group of table rows).
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An empty or whitespace-only line.
    Blank,
    /// Image placeholders, display-math chart legends: not body text.
    Residue(String),
    /// A Markdown `#` heading (`hashes` ≥ 1) with its cleaned text.
    Heading {
        /// Number of `#`.
        hashes: u8,
        /// Cleaned title.
        text: String,
        /// Numbering scheme, read before cleaning (which drops the space in `2.1 水泥`).
        numbering: Option<Numbering>,
    },
    /// A figure or table caption (also when written as a heading, `## 图1：…`).
    Caption(Caption),
    /// A 资料来源/注 line.
    Source(SourceLine),
    /// A table given as pipe rows, tab-separated rows or HTML.
    Table {
        /// Header cells (may be empty).
        header: Vec<String>,
        /// Body rows.
        rows: Vec<Vec<String>>,
    },
    /// A table-of-contents entry (dot leaders and page number).
    Toc(String),
    /// The preview cut-off notice.
    Notice(String),
    /// A line that carries a URL right after the preview notice.
    Url(String),
    /// A bullet or numbered list item.
    ListItem(String),
    /// Running text.
    Text(String),
}

/// A raw line after the first, purely syntactic look.
enum RawLine {
    Blank,
    MathFence,
    Heading(u8, String),
    PipeRow(Vec<String>),
    PipeSeparator,
    TabRow(Vec<String>),
    Other(String),
}

static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(#{1,6})(?:\s+|(?:[^#\s]))").expect("valid regex"));
static SEPARATOR_CELL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^:?-{2,}:?$").expect("valid regex"));

/// Splits decoded text into classified items.
pub fn items_of(text: &str, is_html: bool) -> Vec<Item> {
    let converted;
    let text = if is_html {
        converted = markup::html_to_markdown(text);
        converted.as_str()
    } else if text.contains("<table") || text.contains("<TABLE") {
        converted = markup::html_tables_to_pipes(text);
        converted.as_str()
    } else {
        text
    };
    // Lines are looked at lazily, so only one raw line is alive at a time.
    let raw_lines = text.split('\n').flat_map(|line| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let pieces: Vec<RawLine> = if line.len() > MAX_LINE_BYTES {
            split_long_line(line).into_iter().map(|piece| RawLine::Other(piece.to_string())).collect()
        } else {
            vec![raw_line(line)]
        };
        pieces
    });
    group(raw_lines)
}

/// Cuts a huge line at char boundaries (preferring after 。 or a space) into pieces of at most
/// [`MAX_LINE_BYTES`].
fn split_long_line(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = line;
    while rest.len() > MAX_LINE_BYTES {
        let mut cut = MAX_LINE_BYTES;
        while cut > 0 && !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let window = &rest[..cut];
        let nice = window.rfind('。').map(|p| p + '。'.len_utf8()).or_else(|| window.rfind(' ').map(|p| p + 1));
        if let Some(nice_cut) = nice.filter(|p| *p > cut / 2) {
            cut = nice_cut;
        }
        if cut == 0 {
            break;
        }
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    pieces.push(rest);
    pieces
}

/// Looks at one raw line's syntax only: blank, `#` heading, pipe row, tab row, other.
fn raw_line(line: &str) -> RawLine {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return RawLine::Blank;
    }
    if trimmed == "$$" {
        return RawLine::MathFence;
    }
    let unquoted = trimmed.trim_start_matches('>').trim_start();
    if let Some(m) = HEADING.captures(unquoted).and_then(|c| c.get(1)) {
        let hashes = m.as_str().len() as u8;
        let rest = unquoted[m.end()..].trim().trim_end_matches('#').trim();
        return RawLine::Heading(hashes, rest.to_string());
    }
    if unquoted.starts_with('|') && unquoted.matches('|').count() >= 2 {
        let cells = split_pipe_row(unquoted);
        if !cells.is_empty() && cells.iter().all(|c| SEPARATOR_CELL.is_match(c.trim())) {
            return RawLine::PipeSeparator;
        }
        return RawLine::PipeRow(cells);
    }
    if line.contains('\t') {
        let cells: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
        if cells.iter().filter(|c| !c.is_empty()).count() >= 2 {
            return RawLine::TabRow(cells);
        }
    }
    RawLine::Other(unquoted.to_string())
}

/// Splits `| a | b\|c |` into `["a", "b|c"]` (escaped pipes kept inside cells).
fn split_pipe_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    cells.push(current);
    cells
}

/// Returns the cleaned text of a line: markup removed, then normalised.
pub fn clean_text(raw: &str) -> String {
    clean_fast(&markup::strip_inline(raw))
}

/// Characters that `normalize::clean` may change: whitespace and odd spaces, zero-width and
/// control characters, private-use glyphs, radicals and compatibility ideographs, full-width
/// letters and digits, and the ASCII punctuation it turns full-width.
static CLEAN_TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\s\x{200B}-\x{200D}\x{FEFF}\x{00AD}\p{Cc}\x{E000}-\x{F8FF}\x{2E80}-\x{2FDF}\x{F900}-\x{FAFF}\x{FF05}\x{FF0E}\x{FF10}-\x{FF19}\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A},;:?!()]")
        .expect("valid regex")
});

/// `normalize::clean`, skipped for lines it would return unchanged (most lines of Chinese text
/// with full-width punctuation): same result, a fraction of the work on large files.
pub fn clean_fast(text: &str) -> String {
    if CLEAN_TRIGGER.is_match(text) {
        clean(text)
    } else {
        text.to_string()
    }
}

/// Groups raw lines into items: table rows into tables, display math into residue, and
/// classifies the remaining lines.
fn group(raw_lines: impl Iterator<Item = RawLine>) -> Vec<Item> {
    let mut items = Vec::new();
    let mut pipe_rows: Vec<Vec<String>> = Vec::new();
    let mut pipe_separator_after_first = false;
    let mut tab_rows: Vec<Vec<String>> = Vec::new();
    // Lines inside a `$$` display-math block (chart legends, formulas) are held back until the
    // block closes; a block that never closes within MAX_MATH_LINES is replayed as ordinary lines.
    let mut in_math = false;
    let mut math_lines: Vec<RawLine> = Vec::new();
    let mut replay: std::collections::VecDeque<RawLine> = std::collections::VecDeque::new();
    let mut raw_lines = raw_lines;
    let mut after_notice = false;
    loop {
        let raw = match replay.pop_front() {
            Some(raw) => raw,
            None => match raw_lines.next() {
                Some(raw) => raw,
                None if in_math => {
                    in_math = false;
                    replay.extend(math_lines.drain(..));
                    continue;
                }
                None => break,
            },
        };
        if in_math {
            match raw {
                RawLine::MathFence => {
                    in_math = false;
                    let text = math_residue(&math_lines);
                    math_lines.clear();
                    items.push(Item::Residue(text));
                }
                other if math_lines.len() < MAX_MATH_LINES => math_lines.push(other),
                other => {
                    in_math = false;
                    replay.extend(math_lines.drain(..));
                    replay.push_back(other);
                }
            }
            continue;
        }
        let is_pipe = matches!(raw, RawLine::PipeRow(_) | RawLine::PipeSeparator);
        if !is_pipe && !pipe_rows.is_empty() {
            items.push(pipe_table(std::mem::take(&mut pipe_rows), pipe_separator_after_first));
            pipe_separator_after_first = false;
        }
        let is_tab = matches!(raw, RawLine::TabRow(_));
        if !is_tab && !tab_rows.is_empty() {
            items.extend(tab_table(std::mem::take(&mut tab_rows)));
        }
        match raw {
            RawLine::Blank => items.push(Item::Blank),
            RawLine::MathFence => in_math = true,
            RawLine::PipeSeparator => {
                if pipe_rows.len() == 1 {
                    pipe_separator_after_first = true;
                }
            }
            RawLine::PipeRow(cells) => pipe_rows.push(cells.iter().map(|c| clean_text(c)).collect()),
            RawLine::TabRow(cells) => tab_rows.push(cells.iter().map(|c| clean_text(c)).collect()),
            RawLine::Heading(hashes, text) => {
                let stripped = markup::strip_inline(&text);
                let cleaned = clean_fast(&stripped);
                if cleaned.is_empty() {
                    items.push(Item::Blank);
                } else if lines::is_preview_notice(&cleaned) {
                    after_notice = true;
                    items.push(Item::Notice(cleaned));
                } else if let Some(caption) = lines::parse_caption(&stripped).filter(|_| !lines::is_toc_entry(&cleaned)) {
                    push_caption(caption, &mut items);
                } else if lines::is_toc_entry(&cleaned) {
                    items.push(Item::Toc(cleaned));
                } else {
                    items.push(Item::Heading { hashes, text: cleaned, numbering: lines::numbering(&stripped) });
                }
            }
            RawLine::Other(line) => {
                if after_notice {
                    if let Some(url) = lines::first_url(&line) {
                        items.push(Item::Url(url));
                        after_notice = false;
                        continue;
                    }
                }
                let stripped = markup::strip_inline(&line);
                let cleaned = clean_fast(&stripped);
                if cleaned.is_empty() {
                    items.push(Item::Residue(String::new()));
                    continue;
                }
                if lines::is_preview_notice(&cleaned) {
                    after_notice = true;
                    items.push(Item::Notice(cleaned));
                    continue;
                }
                classify_text(&stripped, cleaned, &mut items);
            }
        }
    }
    if !pipe_rows.is_empty() {
        items.push(pipe_table(pipe_rows, pipe_separator_after_first));
    }
    if !tab_rows.is_empty() {
        items.extend(tab_table(tab_rows));
    }
    items
}

/// The plain reading of the lines of a display-math block.
fn math_residue(lines: &[RawLine]) -> String {
    let mut latex = String::new();
    for line in lines {
        if let RawLine::Other(text) | RawLine::Heading(_, text) = line {
            latex.push_str(text);
            latex.push(' ');
        }
    }
    clean(&markup::latex_to_text(&latex))
}

/// Classifies one non-heading line (markup stripped, and cleaned), pushing one or two items
/// (a glued caption is split off). Captions and sources are parsed before cleaning, which
/// removes the spaces that separate `图 1 上周各行业涨跌幅`.
fn classify_text(stripped: &str, cleaned: String, items: &mut Vec<Item>) {
    if lines::is_toc_entry(&cleaned) {
        items.push(Item::Toc(cleaned));
        return;
    }
    if let Some(source) = lines::parse_source_line(stripped) {
        let glued = source.glued_caption.clone();
        items.push(Item::Source(source));
        if let Some(caption) = glued.as_deref().and_then(lines::parse_caption) {
            items.push(Item::Caption(caption));
        }
        return;
    }
    if let Some(caption) = lines::parse_caption(stripped) {
        push_caption(caption, items);
        return;
    }
    if let Some((before, caption_text)) = lines::split_trailing_caption(stripped) {
        if let Some(caption) = lines::parse_caption(&caption_text) {
            items.push(Item::Text(before));
            items.push(Item::Caption(caption));
            return;
        }
    }
    if lines::is_plain_numbered_heading(stripped.trim()) {
        items.push(Item::Heading { hashes: 0, text: cleaned, numbering: lines::numbering(stripped) });
        return;
    }
    if let Some(item) = lines::list_item(stripped) {
        items.push(Item::ListItem(clean_fast(item)));
        return;
    }
    items.push(Item::Text(cleaned));
}

/// Pushes a caption, and the source line the converter glued to its end, if any.
/// Two captions printed side by side (`图表11：…等图表12: 青年人…`) become two captions.
fn push_caption(caption: Caption, items: &mut Vec<Item>) {
    let (mut caption, source) = lines::split_caption_source(&caption);
    let (first, second) = lines::split_glued_caption(&caption.caption);
    let second = second.and_then(|text| lines::parse_caption(&text));
    if second.is_some() {
        caption.caption = first.trim().to_string();
    }
    items.push(Item::Caption(caption));
    if let Some(second) = second {
        items.push(Item::Caption(second));
    }
    if let Some(source) = source {
        items.push(Item::Source(source));
    }
}

/// Builds a table from pipe rows: the first row is the header when a separator follows it or
/// when there are several rows.
fn pipe_table(mut rows: Vec<Vec<String>>, separator_after_first: bool) -> Item {
    rows.retain(|row| row.iter().any(|c| !c.is_empty()));
    if rows.is_empty() {
        return Item::Blank;
    }
    if separator_after_first || rows.len() > 1 {
        let header = rows.remove(0);
        Item::Table { header, rows }
    } else {
        Item::Table { header: Vec::new(), rows }
    }
}

/// Builds a table from tab-separated rows; a lone tab row is just text.
fn tab_table(rows: Vec<Vec<String>>) -> Vec<Item> {
    if rows.len() < 2 {
        return rows
            .into_iter()
            .map(|row| {
                let joined: Vec<String> = row.into_iter().filter(|c| !c.is_empty()).collect();
                Item::Text(joined.join(" "))
            })
            .collect();
    }
    let mut rows: Vec<Vec<String>> = rows.into_iter().map(trim_trailing_empty).collect();
    let header = rows.remove(0);
    vec![Item::Table { header, rows }]
}

fn trim_trailing_empty(mut row: Vec<String>) -> Vec<String> {
    while row.len() > 1 && row.last().is_some_and(|c| c.is_empty()) {
        row.pop();
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_table_with_space_line_before_rows() {
        let text = "表 1: 9 月以来, 中美关系不断释放缓和信号\n\n \n时间\t事件\n5 月 27 日\t刘鹤副总理与美贸易代表戴琪通话。\n6 月 2 日\t刘鹤副总理与美国财政部长耶伦通话。\n\n资料来源: 中国新闻网, 光大证券研究所\n";
        let items = items_of(text, false);
        let kinds: Vec<&str> = items
            .iter()
            .map(|i| match i {
                Item::Caption(_) => "caption",
                Item::Table { .. } => "table",
                Item::Source(_) => "source",
                Item::Blank => "blank",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["caption", "blank", "blank", "table", "blank", "source", "blank"]);
        let Item::Table { header, rows } = &items[3] else { panic!("no table") };
        assert_eq!(header, &["时间", "事件"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], "5月27日");
    }

    #[test]
    fn pipe_tables_and_separators() {
        let items = items_of("| 材料名称 | 国产化率 |\n|---|---|\n| 硅片 | 10\\% |\n", false);
        assert_eq!(items[0], Item::Table { header: vec!["材料名称".into(), "国产化率".into()], rows: vec![vec!["硅片".into(), "10%".into()]] });
    }

    #[test]
    fn caption_headings_and_notice() {
        let items = items_of("## 图1：一级行业周张跌幅一览 (申万指数)\n**预览已结束，完整报告链接和二维码如下：**\n\n[https://a.cn/r?id=1\\\\_2](https://a.cn/r?id=1_2)\n", false);
        assert!(matches!(&items[0], Item::Caption(c) if c.label == "图 1"));
        assert!(matches!(&items[1], Item::Notice(n) if n.starts_with("预览已结束")));
        assert_eq!(items[3], Item::Url("https://a.cn/r?id=1_2".into()));
    }

    #[test]
    fn fast_clean_matches_clean() {
        for line in ["中美元首视频会晤，可能谈些什么", "9 月 10 日", "⼤盘２０２１", "基本盘, 稳固", "a\u{200B}b", "（一）概况", "增长5.8%", "x\u{E000}y", " 首尾 "] {
            assert_eq!(clean_fast(line), clean(line), "{line}");
        }
    }

    #[test]
    fn side_by_side_captions_are_two() {
        let items = items_of("图表11：青年就业集中在制造、批发零售、住宿餐饮等图表12: 青年人制造业就业集中在计算机通信、电气等\n", false);
        let labels: Vec<&str> = items.iter().filter_map(|i| match i {
            Item::Caption(c) => Some(c.label.as_str()),
            _ => None,
        }).collect();
        assert_eq!(labels, ["图表 11", "图表 12"]);
    }

    #[test]
    fn display_math_is_residue_and_a_stray_fence_loses_nothing() {
        let items = items_of("$$\n\\begin{aligned}\n& -2016-2019 \\\\\n\\end{aligned}\n$$\n正文。\n", false);
        assert!(matches!(&items[0], Item::Residue(t) if t.contains("2016")));
        assert_eq!(items[1], Item::Text("正文。".into()));
        let stray = format!("$$\n{}", "一段正文。\n".repeat(100));
        let items = items_of(&stray, false);
        assert_eq!(items.iter().filter(|i| matches!(i, Item::Text(_))).count(), 100);
        let unclosed = items_of("$$\n## 一、标题\n正文。", false);
        assert!(unclosed.iter().any(|i| matches!(i, Item::Heading { .. })));
    }

    #[test]
    fn huge_lines_are_cut() {
        let line = "很长的句子。".repeat(100_000);
        let items = items_of(&line, false);
        assert!(items.len() > 5);
    }
}
