//! Bounded excerpts of block text: the context of a key number, the text of an event.
//!
//! A report's numbers and events point into their block (index + character span); what they
//! carry of the text around them is cut here, to a bounded number of characters, at clause
//! boundaries where possible and with `…` where something was cut. The work is bounded too:
//! an excerpt never looks further than its size from its focus, so a number in a 30 KB block
//! without a sentence end costs as much as one in a short sentence.
//!
//! Spans are **character** offsets (Unicode scalar values: Rust `chars()`, Python `str`
//! indices, JavaScript `Array.from(text)`), half-open `[start, end)`.

use std::fmt;
use std::ops::Range;

/// Most characters of a key number's context (ellipses included).
pub const NUMBER_CONTEXT_CHARS: usize = 60;
/// Most characters of an event's text (ellipses included).
pub const EVENT_TEXT_CHARS: usize = 200;
/// Marks where an excerpt was cut.
pub const ELLIPSIS: char = '…';

/// A bounded piece of text around a focus (a number, a date), borrowed from the text it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Excerpt<'a> {
    /// Text before the focus.
    pub before: &'a str,
    /// The focus itself.
    pub focus: &'a str,
    /// Text after the focus.
    pub after: &'a str,
    /// True when text of the sentence (or region) before `before` was left out.
    pub cut_before: bool,
    /// True when text of the sentence (or region) after `after` was left out.
    pub cut_after: bool,
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.cut_before {
            write!(f, "{ELLIPSIS}")?;
        }
        write!(f, "{}{}{}", self.before, self.focus, self.after)?;
        if self.cut_after {
            write!(f, "{ELLIPSIS}")?;
        }
        Ok(())
    }
}

/// True when the character `c` at byte `offset` of `text` ends a sentence: 。！？!?;； and line
/// breaks; a `.` only when followed by whitespace (or the end), not after a month or title
/// abbreviation (`Nov.`, `Dr.`), and after a digit only when it closes a number of two digits
/// or more before a capital (`since April 3, 2014. Prior to…`), not a list number (`1. `).
pub fn is_sentence_end(text: &str, offset: usize, c: char) -> bool {
    match c {
        '。' | '！' | '？' | '!' | '?' | ';' | '；' | '\n' => true,
        '.' => {
            let next = text[offset + 1..].chars().next();
            let previous = text[..offset].chars().next_back();
            next.is_none_or(char::is_whitespace)
                && (!previous.is_some_and(|p| p.is_ascii_digit()) || number_ends_sentence(text, offset))
                && !is_abbreviation_dot(&text[..offset])
        }
        _ => false,
    }
}

/// True when the dot at `offset`, right after a number, ends an English sentence: two digits
/// or more before it and a capital letter after the space (`…since April 3, 2014. Prior…`).
fn number_ends_sentence(text: &str, offset: usize) -> bool {
    let digits = text[..offset].chars().rev().take_while(char::is_ascii_digit).count();
    let capital_next = text[offset + 1..].trim_start().starts_with(|c: char| c.is_ascii_uppercase());
    digits >= 2 && capital_next
}

/// True when the comma at `offset` sits inside an English date, between the day and the year
/// (`August 19, 2004`): it separates no clauses.
fn is_date_comma(text: &str, offset: usize) -> bool {
    let head = &text[..offset];
    let head = ["st", "nd", "rd", "th"].iter().find_map(|suffix| head.strip_suffix(suffix)).unwrap_or(head);
    let before = head.trim_end_matches(|c: char| c.is_ascii_digit());
    let day_digits = head.len() - before.len();
    let month = before.trim_end().trim_end_matches('.').rsplit(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    let year = text[offset + 1..].trim_start();
    let year_digits = year.chars().take_while(char::is_ascii_digit).count();
    (1..=2).contains(&day_digits) && year_digits == 4 && is_month_name(month)
}

/// True for an English month name or its abbreviation (`August`, `Aug`, `Sept`).
fn is_month_name(word: &str) -> bool {
    const MONTHS: [&str; 12] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    let lower = word.to_ascii_lowercase();
    lower.len() >= 3 && MONTHS.iter().any(|m| *m == lower || (m.starts_with(&lower) && lower.len() <= 4))
}

/// True when the word before a dot is a month abbreviation (`Nov.`), which does not end a sentence.
fn is_abbreviation_dot(before: &str) -> bool {
    let word = before.rsplit(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    matches!(word, "Jan" | "Feb" | "Mar" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov" | "Dec" | "Mr" | "Ms" | "Dr" | "No" | "vs" | "Co" | "Inc" | "Ltd" | "U.S")
}

/// Returns the byte spans of the sentences of a text (see [`is_sentence_end`]), blank ones left out.
pub fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (offset, c) in text.char_indices() {
        if is_sentence_end(text, offset, c) {
            let end = offset + c.len_utf8();
            push_span(text, &mut spans, start, end);
            start = end;
        }
    }
    push_span(text, &mut spans, start, text.len());
    spans
}

fn push_span(text: &str, spans: &mut Vec<(usize, usize)>, start: usize, end: usize) {
    if !text[start..end].trim().is_empty() {
        spans.push((start, end));
    }
}

/// True when the character `c` at byte `offset` ends a clause: ，、；：| and a `,` that is not a
/// thousands separator nor the comma of an English date (`August 19, 2004`).
fn is_clause_end(text: &str, offset: usize, c: char) -> bool {
    match c {
        '，' | '；' | '：' | '、' | '|' => true,
        ',' => {
            let previous = text[..offset].chars().next_back();
            let next = text[offset + 1..].chars().next();
            let thousands = previous.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
            !thousands && !is_date_comma(text, offset)
        }
        _ => false,
    }
}

/// Returns the byte offsets where clauses start inside `text[start..end]`: just after each
/// ，；：, and after a `,` that is not a thousands separator.
pub fn clause_starts(text: &str, start: usize, end: usize) -> Vec<usize> {
    text[start..end]
        .char_indices()
        .filter(|&(offset, c)| c != '、' && c != '|' && is_clause_end(text, start + offset, c))
        .map(|(offset, c)| start + offset + c.len_utf8())
        .collect()
}

/// Returns the excerpt of the sentence around `focus` (byte range of `text`), at most
/// `max_chars` characters with its ellipses: the whole sentence when it fits, else the clauses
/// around the focus that fit, else a window of characters centred on it.
///
/// Looks at most `max_chars` characters either side of the focus.
pub fn sentence_excerpt(text: &str, focus: Range<usize>, max_chars: usize) -> Excerpt<'_> {
    excerpt_in(text, 0..text.len(), focus, max_chars, true)
}

/// Returns the excerpt of `region` (byte range of `text`, taken as one unit: an event's
/// sentence or segment) around `focus`, at most `max_chars` characters with its ellipses.
pub fn excerpt(text: &str, region: Range<usize>, focus: Range<usize>, max_chars: usize) -> Excerpt<'_> {
    excerpt_in(text, region, focus, max_chars, false)
}

fn excerpt_in(text: &str, region: Range<usize>, focus: Range<usize>, max_chars: usize, stop_at_sentence_end: bool) -> Excerpt<'_> {
    let region = floor_boundary(text, region.start)..floor_boundary(text, region.end.max(region.start));
    let focus_start = floor_boundary(text, focus.start.clamp(region.start, region.end));
    let focus = focus_start..floor_boundary(text, focus.end.clamp(focus_start, region.end));
    let look = max_chars;

    // The sentence around the focus, as far as `look` characters either side.
    let mut left = focus.start;
    let mut open_left = false;
    for (count, (offset, c)) in text[region.start..focus.start].char_indices().rev().enumerate() {
        let at = region.start + offset;
        if stop_at_sentence_end && is_sentence_end(text, at, c) {
            break;
        }
        if count == look {
            open_left = true;
            break;
        }
        left = at;
    }
    let mut right = focus.end;
    let mut open_right = false;
    for (count, (offset, c)) in text[focus.end..region.end].char_indices().enumerate() {
        if count == look {
            open_right = true;
            break;
        }
        let at = focus.end + offset;
        right = at + c.len_utf8();
        if stop_at_sentence_end && is_sentence_end(text, at, c) {
            break;
        }
    }
    // Blank space and table cell bars (`| a | b |`) at the sentence ends are not part of it.
    let blank = |c: char| c.is_whitespace() || c == '|';
    if !open_left {
        left += text[left..focus.start].len() - text[left..focus.start].trim_start_matches(blank).len();
    }
    if !open_right {
        right -= text[focus.end..right].len() - text[focus.end..right].trim_end_matches(blank).len();
    }

    // Character positions of the window (byte offsets, and the end).
    let positions: Vec<usize> = text[left..right].char_indices().map(|(i, _)| left + i).chain(std::iter::once(right)).collect();
    let char_of = |byte: usize| positions.partition_point(|&p| p < byte);
    let (focus_first, focus_last) = (char_of(focus.start), char_of(focus.end));
    let whole = positions.len() - 1;
    if !open_left && !open_right && whole <= max_chars {
        return Excerpt { before: &text[left..focus.start], focus: &text[focus.clone()], after: &text[focus.end..right], cut_before: false, cut_after: false };
    }

    let budget = max_chars.saturating_sub(2).max(focus_last - focus_first);
    // Clause bounds of the window, as character indices into `positions`.
    let mut bounds: Vec<usize> = vec![0];
    for (index, &at) in positions[..whole].iter().enumerate() {
        let c = text[at..].chars().next().unwrap_or(' ');
        if is_clause_end(text, at, c) && index + 1 < whole {
            bounds.push(index + 1);
        }
    }
    bounds.push(whole);
    let mut lo = bounds.partition_point(|&b| b <= focus_first).saturating_sub(1);
    let mut hi = bounds.partition_point(|&b| b < focus_last).min(bounds.len() - 1);
    let (start, end) = if bounds[hi] - bounds[lo] > budget {
        // No clause fits: a window of characters centred on the focus.
        let slack = budget - (focus_last - focus_first);
        let mut start = focus_first.saturating_sub(slack / 2);
        let end = (start + budget).min(whole);
        start = start.min(end.saturating_sub(budget));
        (start, end)
    } else {
        loop {
            let mut grew = false;
            if hi + 1 < bounds.len() && bounds[hi + 1] - bounds[lo] <= budget {
                hi += 1;
                grew = true;
            }
            if lo > 0 && bounds[hi] - bounds[lo - 1] <= budget {
                lo -= 1;
                grew = true;
            }
            if !grew {
                break;
            }
        }
        // Room left: fill it with characters of the clauses either side (half each, the rest
        // to the side that has more), so a long clause next door is shown in part.
        let (mut start, mut end) = (bounds[lo], bounds[hi]);
        let leftover = budget - (end - start);
        if leftover >= 8 {
            let after = (leftover / 2).max(leftover.saturating_sub(start)).min(whole - end);
            let before = (leftover - after).min(start);
            let after = (leftover - before).min(whole - end);
            start -= before;
            end += after;
        }
        (start, end)
    };
    let cut_before = start > 0 || open_left;
    let cut_after = end < whole || open_right;
    let (start_byte, end_byte) = (positions[start].min(focus.start), positions[end].max(focus.end));
    let mut before = &text[start_byte..focus.start];
    let mut after = &text[focus.end..end_byte];
    if cut_before {
        before = before.trim_start_matches(|c: char| c.is_whitespace() || c == '|');
    }
    if cut_after {
        after = after.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '，' | ',' | '、' | '；' | '：' | ';' | ':'));
    }
    Excerpt { before, focus: &text[focus.start..focus.end], after, cut_before, cut_after }
}

/// A text cut to at most `max_chars` characters from its start, at a clause boundary where
/// possible, with `…` where cut (whole when it fits).
pub fn bounded(text: &str, max_chars: usize) -> String {
    excerpt(text, 0..text.len(), 0..0, max_chars).to_string()
}

/// The largest char boundary of `text` at or below `offset`.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Returns the character span `[start, end)` of a byte range of `text`.
pub fn char_span(text: &str, bytes: Range<usize>) -> [usize; 2] {
    let start = floor_boundary(text, bytes.start);
    let end = floor_boundary(text, bytes.end.max(start));
    let first = text[..start].chars().count();
    [first, first + text[start..end].chars().count()]
}

/// Returns the byte range of a character span of `text`, or None when it lies beyond the text.
pub fn byte_range(text: &str, span: [usize; 2]) -> Option<Range<usize>> {
    let [start, end] = span;
    if end < start {
        return None;
    }
    let mut indices = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len()));
    let start_byte = indices.nth(start)?;
    let end_byte = if end == start { start_byte } else { indices.nth(end - start - 1)? };
    Some(start_byte..end_byte)
}

/// Converts increasing byte offsets of one text to character offsets in one pass (a smaller
/// offset than the last one starts the count again).
#[derive(Debug, Clone)]
pub struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    /// A counter at the start of `text`.
    pub fn new(text: &'a str) -> CharCounter<'a> {
        CharCounter { text, byte: 0, chars: 0 }
    }

    /// The character offset of byte `offset` (which must be a char boundary).
    pub fn at(&mut self, offset: usize) -> usize {
        let offset = floor_boundary(self.text, offset);
        if offset < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..offset].chars().count();
        self.byte = offset;
        self.chars
    }

    /// The character span of a byte range.
    pub fn span(&mut self, bytes: Range<usize>) -> [usize; 2] {
        let start = self.at(bytes.start);
        let end = start + self.text[floor_boundary(self.text, bytes.start)..floor_boundary(self.text, bytes.end.max(bytes.start))].chars().count();
        [start, end]
    }
}

/// True when a number at `bytes` of `text` is glued to other numbers: right after a `%`
/// (`15.0%32.8%`, chart axes `0%2%4%6%`, table cells run together), right before a digit
/// (`82%051015`), or longer than 15 digits (axis labels `2000200120022003…` read as one
/// number). Such runs are flattened charts and tables, not key numbers, and their values are
/// not to be trusted.
pub fn is_glued_number(text: &str, bytes: Range<usize>) -> bool {
    let (start, end) = (floor_boundary(text, bytes.start), floor_boundary(text, bytes.end.max(bytes.start)));
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let digits = text[start..end].bytes().filter(u8::is_ascii_digit).count();
    before.is_some_and(|c| matches!(c, '%' | '％') || c.is_numeric()) || after.is_some_and(|c| c.is_ascii_digit()) || digits > 15
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(text: &str, needle: &str, max: usize) -> String {
        let start = text.find(needle).unwrap();
        sentence_excerpt(text, start..start + needle.len(), max).to_string()
    }

    #[test]
    fn english_dates_split_neither_sentences_nor_clauses() {
        // samples/en_us_2022-alphabet-annual-report-56-59.pdf, page 1.
        let text = "Our Class A stock has been listed on the Nasdaq Global Select Market under the symbol “GOOG” since August 19, 2004 and under the symbol “GOOGL” since April 3, 2014. Prior to August 19, 2004, there was no public market for our stock.";
        let sentences: Vec<&str> = sentence_spans(text).iter().map(|(s, e)| text[*s..*e].trim()).collect();
        assert_eq!(sentences.len(), 2, "{sentences:?}");
        assert!(sentences[1].starts_with("Prior to August 19, 2004,"));
        let first = sentences[0];
        let clauses: Vec<&str> = clause_starts(first, 0, first.len()).iter().map(|&b| &first[b..]).collect();
        assert!(clauses.is_empty(), "no clause starts at the year of a date: {clauses:?}");
        assert!(is_date_comma("since Aug. 19, 2004", "since Aug. 19".len()));
        assert!(is_date_comma("on the 19th, August 19th, 2004", "on the 19th, August 19th".len()));
        assert!(!is_date_comma("sales rose 19, 2004 units", "sales rose 19".len()));
        // A list number or a decimal still ends nothing.
        assert_eq!(sentence_spans("see 1. Introduction and 53.9% more").len(), 1);
    }

    #[test]
    fn short_sentences_are_kept_whole() {
        let text = "前言。支持率已经从上任时的53.9%下滑至42.8%，下滑了8.7个百分点。下一句。";
        assert_eq!(context(text, "42.8%", 60), "支持率已经从上任时的53.9%下滑至42.8%，下滑了8.7个百分点。");
    }

    #[test]
    fn long_sentences_are_cut_at_clauses() {
        let text = format!("{}，营收同比增长12.3%，{}。", "甲".repeat(80), "乙".repeat(80));
        let cut = context(&text, "12.3%", 60);
        assert!(cut.starts_with('…') && cut.ends_with('…') && cut.contains("，营收同比增长12.3%，"), "{cut}");
        assert_eq!(cut.chars().count(), 60, "room left is filled from the clauses either side");
        let text = format!("{}，净利润1.2亿元，同比增长20%，毛利率45%，{}。", "甲".repeat(80), "乙".repeat(80));
        let cut = context(&text, "20%", 60);
        assert!(cut.contains("净利润1.2亿元，同比增长20%，毛利率45%"), "{cut}");
        assert!(cut.chars().count() <= 60);
    }

    #[test]
    fn a_number_in_a_huge_run_gets_a_bounded_window() {
        let text = format!("{}营收12.3%{}", "数".repeat(15_000), "据".repeat(15_000));
        let cut = context(&text, "12.3%", 60);
        assert!(cut.chars().count() <= 60, "{cut}");
        assert!(cut.starts_with('…') && cut.ends_with('…') && cut.contains("营收12.3%"), "{cut}");
    }

    #[test]
    fn table_rows_lose_their_outer_bars() {
        let text = "| 行业评级 | 推荐： | 相对基准指数涨幅10%以上 |\n| 中性 |";
        assert_eq!(context(text, "10%", 60), "行业评级 | 推荐： | 相对基准指数涨幅10%以上");
    }

    #[test]
    fn spans_are_characters() {
        let text = "营收12.3%，净利";
        let start = text.find("12.3%").unwrap();
        let span = char_span(text, start..start + "12.3%".len());
        assert_eq!(span, [2, 7]);
        assert_eq!(&text[byte_range(text, span).unwrap()], "12.3%");
        assert_eq!(byte_range(text, [10, 10]), Some(text.len()..text.len()));
        assert_eq!(byte_range(text, [10, 11]), None);
        let mut counter = CharCounter::new(text);
        assert_eq!(counter.span(start..start + 5), [2, 7]);
        assert_eq!(counter.at(0), 0);
    }

    #[test]
    fn glued_numbers_are_runs() {
        let text = "渗透率0%2%4%，增长12%。";
        let at = |n: &str| text.find(n).unwrap();
        assert!(is_glued_number(text, at("2%")..at("2%") + 2));
        assert!(!is_glued_number(text, at("12%")..at("12%") + 3));
        assert!(is_glued_number(text, at("0%")..at("0%") + 2), "followed by a digit");
        let axis = "单位：20002001200220032004200520062007万人";
        assert!(is_glued_number(axis, axis.find('2').unwrap()..axis.find("万人").unwrap() + "万人".len()));
    }

    #[test]
    fn sentences_split_on_chinese_stops_not_decimals() {
        let text = "支持率从53.9%下滑至42.8%。9 月 25 日孟晚舟女士成功归国！On Nov. 16, 2021 they met. Done";
        let sentences: Vec<&str> = sentence_spans(text).iter().map(|(s, e)| text[*s..*e].trim()).collect();
        assert_eq!(sentences, vec!["支持率从53.9%下滑至42.8%。", "9 月 25 日孟晚舟女士成功归国！", "On Nov. 16, 2021 they met.", "Done"]);
    }
}
