//! Sentence and clause boundaries of Chinese and English running text.

/// Returns the byte spans of the sentences of a text: split after 。！？!?; and at line breaks.
///
/// A `.` ends a sentence only when followed by whitespace and not preceded by a digit, so
/// `53.9%` and `Nov. 16` stay whole (the latter costs one extra split only before a capital).
pub fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        let ends = match c {
            '。' | '！' | '？' | '!' | '?' | ';' | '；' | '\n' => true,
            '.' => next.is_none_or(char::is_whitespace) && !previous.is_some_and(|p| p.is_ascii_digit()) && !is_abbreviation_dot(&text[start..offset]),
            _ => false,
        };
        previous = Some(c);
        if ends {
            let end = offset + c.len_utf8();
            push_span(text, &mut spans, start, end);
            start = end;
        }
    }
    push_span(text, &mut spans, start, text.len());
    spans
}

/// True when the word before a dot is a month abbreviation (`Nov.`), which does not end a sentence.
fn is_abbreviation_dot(before: &str) -> bool {
    let word = before.rsplit(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    matches!(word, "Jan" | "Feb" | "Mar" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov" | "Dec" | "Mr" | "Ms" | "Dr" | "No" | "vs" | "Co" | "Inc" | "Ltd" | "U.S")
}

fn push_span(text: &str, spans: &mut Vec<(usize, usize)>, start: usize, end: usize) {
    if !text[start..end].trim().is_empty() {
        spans.push((start, end));
    }
}

/// Returns the byte offsets where clauses start inside `text[start..end]`: just after each
/// ，、；：, and after `,` that is not a thousands separator.
pub fn clause_starts(text: &str, start: usize, end: usize) -> Vec<usize> {
    let mut bounds = Vec::new();
    let slice = &text[start..end];
    let mut chars = slice.char_indices().peekable();
    let mut previous: Option<char> = None;
    while let Some((offset, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        let is_bound = match c {
            '，' | '；' | '：' => true,
            ',' => !(previous.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit())),
            _ => false,
        };
        previous = Some(c);
        if is_bound {
            bounds.push(start + offset + c.len_utf8());
        }
    }
    bounds
}

/// Returns the sentence of `text` around byte `offset`, trimmed.
pub fn sentence_around(text: &str, offset: usize) -> &str {
    for (start, end) in sentence_spans(text) {
        if offset >= start && offset < end {
            return text[start..end].trim();
        }
    }
    text.trim()
}

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
