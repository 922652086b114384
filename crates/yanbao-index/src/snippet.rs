//! Highlighted snippets: the best ~120-character window of a stored text, HTML-escaped, with
//! `<mark>…</mark>` around the query's words.
//!
//! Matching is by substring on the stored text, not by re-tokenising it: a query word is marked
//! wherever it occurs (元首 inside 中美元首 included), Latin words only at word boundaries and
//! case-insensitively. A stem term marks every word of the text with that English stem (`sale`
//! marks `Sales`), as the stem field matched it.

use crate::tokenize::{runs, word_stem, RunKind};

/// Length of a snippet window, in characters.
pub const SNIPPET_CHARS: usize = 120;
/// Characters of context kept before the first match of the chosen window.
const LEAD_CHARS: usize = 20;
/// Matches considered per term, to bound the work on long texts.
const MAX_MATCHES_PER_TERM: usize = 200;

/// A string to mark in snippets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkTerm {
    /// The text to find, lowercased when Latin.
    pub text: String,
    /// True when the term must stand at word boundaries (Latin words and numbers).
    pub bounded: bool,
    /// True when `text` is an English stem: every letter word with that stem is marked.
    pub stem: bool,
}

/// A match of term `term` at byte range `start..end` of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    start: usize,
    end: usize,
    term: usize,
}

/// True when the byte range `start..end` of `text` is not glued to ASCII letters or digits.
fn at_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let glued = |c: Option<char>| c.map(|c| c.is_ascii_alphanumeric()).unwrap_or(false);
    !glued(before) && !glued(after)
}

/// Returns the non-overlapping matches of the terms in the text, longer terms first, in text order.
fn find_matches(text: &str, terms: &[MarkTerm]) -> Vec<Match> {
    let lowered = text.to_ascii_lowercase();
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(terms[i].text.len()));
    let mut taken: Vec<Match> = Vec::new();
    for term_index in order {
        let term = &terms[term_index];
        if term.text.is_empty() {
            continue;
        }
        let mut found = 0;
        let places: Vec<(usize, usize)> = if term.stem {
            stem_places(&lowered, &term.text)
        } else {
            lowered.match_indices(term.text.as_str()).map(|(start, piece)| (start, start + piece.len())).collect()
        };
        for (start, end) in places {
            if term.bounded && !at_word_boundary(&lowered, start, end) {
                continue;
            }
            if taken.iter().any(|m| m.start < end && start < m.end) {
                continue;
            }
            taken.push(Match { start, end, term: term_index });
            found += 1;
            if found >= MAX_MATCHES_PER_TERM {
                break;
            }
        }
    }
    taken.sort_by_key(|m| m.start);
    taken
}

/// Returns the byte ranges of the letter words of `lowered` whose English stem is `stem`.
///
/// Only words sharing the stem's first characters are stemmed (a stem is its word's beginning
/// but for a changed last letter: `happi` for `happy`), so long texts cost little.
fn stem_places(lowered: &str, stem: &str) -> Vec<(usize, usize)> {
    let lead: String = stem.chars().take(stem.chars().count().saturating_sub(1).clamp(1, 3)).collect();
    let mut places = Vec::new();
    for run in runs(lowered).into_iter().filter(|run| run.kind == RunKind::Alnum) {
        let word = &lowered[run.start..run.end];
        if word.starts_with(lead.as_str()) && word_stem(word).as_deref() == Some(stem) {
            places.push((run.start, run.end));
            if places.len() >= MAX_MATCHES_PER_TERM {
                break;
            }
        }
    }
    places
}

/// Returns the byte offset `chars` characters before `offset` (or 0).
fn back_chars(text: &str, offset: usize, chars: usize) -> usize {
    text[..offset].char_indices().rev().take(chars).last().map(|(i, _)| i).unwrap_or(offset)
}

/// Returns the byte offset `chars` characters after `offset` (or the end).
fn forward_chars(text: &str, offset: usize, chars: usize) -> usize {
    text[offset..].char_indices().nth(chars).map(|(i, _)| offset + i).unwrap_or(text.len())
}

/// Scores a window: the length of the distinct terms it holds matters most (a whole phrase
/// beats one of its words), then the number of matches.
fn window_score(matches: &[Match], start: usize, end: usize) -> usize {
    let inside: Vec<&Match> = matches.iter().filter(|m| m.start >= start && m.end <= end).collect();
    let mut distinct: Vec<(usize, usize)> = inside.iter().map(|m| (m.term, m.end - m.start)).collect();
    distinct.sort_unstable();
    distinct.dedup_by_key(|(term, _)| *term);
    let covered: usize = distinct.iter().map(|(_, bytes)| bytes).sum();
    covered * 100 + inside.len()
}

/// Returns the byte range of the best window: the one holding the most distinct terms, then the
/// most matches, then the earliest.
fn best_window(text: &str, matches: &[Match]) -> (usize, usize) {
    let mut best: Option<(usize, usize, usize)> = None;
    for m in matches {
        let start = back_chars(text, m.start, LEAD_CHARS);
        let end = forward_chars(text, start, SNIPPET_CHARS).max(m.end);
        let score = window_score(matches, start, end);
        if best.map(|(s, _, _)| score > s).unwrap_or(true) {
            best = Some((score, start, end));
        }
    }
    match best {
        Some((_, start, end)) => (start, end),
        None => (0, forward_chars(text, 0, SNIPPET_CHARS)),
    }
}

/// Appends text HTML-escaped, with line breaks and tabs turned into spaces.
pub fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
}

/// Returns the snippet of `text` for the terms: the best window, HTML-escaped, matches wrapped in
/// `<mark>…</mark>`, with `…` where the text is cut. Text without matches gives its opening.
pub fn snippet(text: &str, terms: &[MarkTerm]) -> String {
    let text = text.trim();
    let matches = find_matches(text, terms);
    let (start, end) = best_window(text, &matches);
    let mut out = String::with_capacity((end - start) * 2);
    if start > 0 {
        out.push('…');
    }
    let mut cursor = start;
    for m in matches.iter().filter(|m| m.start >= start && m.end <= end) {
        push_escaped(&mut out, &text[cursor..m.start]);
        out.push_str("<mark>");
        push_escaped(&mut out, &text[m.start..m.end]);
        out.push_str("</mark>");
        cursor = m.end;
    }
    push_escaped(&mut out, &text[cursor..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cjk(text: &str) -> MarkTerm {
        MarkTerm { text: text.to_string(), bounded: false, stem: false }
    }

    fn latin(text: &str) -> MarkTerm {
        MarkTerm { text: text.to_string(), bounded: true, stem: false }
    }

    #[test]
    fn a_stem_marks_the_other_forms_of_its_word() {
        // The Kroger release's headline sentence.
        let text = "Kroger Reaffirms Full-Year Guidance; identical sales without fuel increased 3.5%, and a sale ended";
        let stem = MarkTerm { text: "reaffirm".into(), bounded: true, stem: true };
        let s = snippet(text, &[stem]);
        assert!(s.contains("<mark>Reaffirms</mark>"), "{s}");
        let s = snippet(text, &[MarkTerm { text: "sale".into(), bounded: true, stem: true }]);
        assert!(s.contains("<mark>sales</mark>") && s.contains("a <mark>sale</mark> ended"), "{s}");
        // Not words that merely begin the same way.
        assert!(!snippet("salesforce salt", &[MarkTerm { text: "sale".into(), bounded: true, stem: true }]).contains("<mark>"));
    }

    #[test]
    fn marks_words_inside_compounds() {
        let s = snippet("11 月 13 日，外交部宣布 11 月 16 日中美元首将举行视频会晤。", &[cjk("元首")]);
        assert!(s.contains("中美<mark>元首</mark>将"), "{s}");
    }

    #[test]
    fn latin_terms_are_case_insensitive_and_bounded() {
        let s = snippet("10 月初 USTR 已经就 549 项商品的关税排除清单, 向公众征询意见 15490", &[latin("ustr"), latin("549")]);
        assert!(s.contains("<mark>USTR</mark>"), "{s}");
        assert!(s.contains("<mark>549</mark> 项"), "{s}");
        assert!(!s.contains("<mark>549</mark>0"), "{s}");
    }

    #[test]
    fn picks_the_window_with_most_terms_and_escapes_html() {
        let mut text = "无关内容。".repeat(60);
        text.push_str("<b>关税</b> 排除 & 清单");
        let s = snippet(&text, &[cjk("关税"), cjk("清单")]);
        assert!(s.starts_with('…'), "{s}");
        assert!(s.contains("&lt;b&gt;<mark>关税</mark>&lt;/b&gt;"), "{s}");
        assert!(s.contains("&amp; <mark>清单</mark>"), "{s}");
        assert!(s.chars().count() < SNIPPET_CHARS + 60);
    }

    #[test]
    fn whole_phrase_window_beats_an_earlier_single_word() {
        // From the seed: 气候 appears alone before 中美达成气候联合宣言.
        let text = "推进在气候变化、疫情防控、经济复苏以及重大国际和地区问题上的协调和合作。此后中美关系便开始进入缓和阶段，9 月 25 日孟晚舟女士成功归国，10 月 5 日 USTR（美国贸易代表办公室）公布关税排除清单，10 月 6 日双方就元首会晤一事达成了初步共识，11 月 10 日中美达成气候联合宣言。";
        let s = snippet(text, &[cjk("气候联合宣言"), cjk("气候")]);
        assert!(s.contains("<mark>气候联合宣言</mark>"), "{s}");
    }

    #[test]
    fn longer_terms_win_overlaps() {
        let s = snippet("关税排除清单", &[cjk("关税"), cjk("关税排除清单")]);
        assert_eq!(s, "<mark>关税排除清单</mark>");
    }

    #[test]
    fn no_match_gives_the_opening() {
        let text = "拜登上任以来支持率快速下滑".repeat(20);
        let s = snippet(&text, &[cjk("不存在")]);
        assert!(s.starts_with("拜登"));
        assert!(s.ends_with('…'));
        assert_eq!(snippet("", &[]), "");
    }

    #[test]
    fn junk_never_panics() {
        for text in ["", "🎉", "\u{0}", "a", "ÅÅÅ", "İstanbul USTR"] {
            for term in ["", "i", "🎉", "\u{0}", "ustr"] {
                let _ = snippet(text, &[latin(term), cjk(term)]);
            }
        }
    }
}
