//! Turning user input into search terms, without any query syntax.
//!
//! A query is split into *chunks*: runs of text between spaces, or the inside of a pair of double
//! quotes (a phrase). Every chunk must match (AND); within a chunk, the whole words of jieba's cut
//! or, failing that, all the character bigrams must match. An English word matches itself or,
//! ranked below, its other forms (its stem). Nothing the user types is ever parsed
//! as an operator: `AND`, `(`, `:` are just text, and stray quotes are ignored.

use crate::snippet::MarkTerm;
use crate::tokenize::{query_gram_tokens, query_word_tokens, runs, word_stem, RunKind, Tok};
use crate::IndexError;

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// Most word terms accepted in one query.
pub const MAX_QUERY_TERMS: usize = 32;

/// One unit of a query that must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The chunk as typed (after cleaning).
    pub text: String,
    /// True for a double-quoted phrase.
    pub phrase: bool,
    /// jieba's cut of the chunk (Han words, lowercased Latin words and numbers).
    pub words: Vec<Tok>,
    /// The English stem of each of [`words`](Self::words) (`None` for Han words and numbers).
    pub stems: Vec<Option<String>>,
    /// Grams that must all match (bigrams, unigrams of single-character runs, Latin words), with positions.
    pub grams: Vec<Tok>,
    /// True when the chunk has Han characters (so the gram field adds recall).
    pub has_han: bool,
}

/// Splits a query into raw pieces: `(text, is_phrase)`, quotes removed; an unclosed quote
/// starts a phrase that runs to the end.
pub fn split_pieces(query: &str) -> Vec<(String, bool)> {
    let mut pieces = Vec::new();
    let mut in_phrase = false;
    let mut current = String::new();
    let flush = |current: &mut String, phrase: bool, pieces: &mut Vec<(String, bool)>| {
        let trimmed = current.trim();
        if !trimmed.is_empty() {
            pieces.push((trimmed.to_string(), phrase));
        }
        current.clear();
    };
    for c in query.chars() {
        match c {
            '"' | '“' | '”' | '「' | '」' => {
                flush(&mut current, in_phrase, &mut pieces);
                in_phrase = !in_phrase;
            }
            _ if c.is_whitespace() && !in_phrase => flush(&mut current, false, &mut pieces),
            _ => current.push(c),
        }
    }
    flush(&mut current, in_phrase, &mut pieces);
    pieces
}

/// Returns the chunks of a user query, or an error when it is too long.
///
/// Pieces without any letter, digit or Han character (`(((`, emoji) are dropped, so such a
/// query has no chunks and finds nothing.
pub fn parse_query(raw: &str) -> Result<Vec<Chunk>, IndexError> {
    let char_count = raw.chars().count();
    if char_count > MAX_QUERY_CHARS {
        return Err(IndexError::QueryTooLong(format!("{char_count} characters, at most {MAX_QUERY_CHARS}")));
    }
    let mut chunks = Vec::new();
    let mut term_count = 0;
    // Split before cleaning: `clean` drops the space between Latin and Han text, and the user's
    // spaces separate chunks that must each match on their own.
    for (piece, phrase) in split_pieces(raw) {
        let piece = bare_code(&piece).unwrap_or(piece);
        let text = yanbao_model::normalize::clean(&piece);
        let words = query_word_tokens(&text);
        if words.is_empty() {
            continue;
        }
        let grams = query_gram_tokens(&text);
        let has_han = runs(&text).iter().any(|r| r.kind == RunKind::Han);
        term_count += words.len();
        let stems = words.iter().map(|word| word_stem(&word.text)).collect();
        chunks.push(Chunk { text, phrase, words, stems, grams, has_han });
    }
    if term_count > MAX_QUERY_TERMS {
        return Err(IndexError::QueryTooLong(format!("{term_count} terms, at most {MAX_QUERY_TERMS}")));
    }
    Ok(chunks)
}

/// Returns the bare code when the piece is one security code with its exchange (`603477.SH`,
/// `SH603477`, `0700.HK`, `NASDAQ:AAPL`): reports print one listing as `603477`, `603477.SH` or
/// `（603477）`, and all of them should match.
pub(crate) fn bare_code(piece: &str) -> Option<String> {
    let piece = piece.trim();
    match yanbao_model::securities::find_codes(piece).as_slice() {
        [one] if one.marked && one.start == 0 && one.end == piece.len() => Some(one.security.code.clone()),
        _ => None,
    }
}

/// Returns the strings to mark in snippets for these chunks: each Han run whole, jieba words of
/// two or more characters (not for phrases), Latin words and numbers, and the stems of English
/// words (not for phrases, which match as typed).
pub fn mark_terms(chunks: &[Chunk]) -> Vec<MarkTerm> {
    let mut terms: Vec<MarkTerm> = Vec::new();
    let mut push = |text: String, bounded: bool, stem: bool| {
        if !text.is_empty() && !terms.iter().any(|t| t.text == text && t.stem == stem) {
            terms.push(MarkTerm { text, bounded, stem });
        }
    };
    for chunk in chunks {
        for run in runs(&chunk.text) {
            if run.kind == RunKind::Han {
                push(chunk.text[run.start..run.end].to_string(), false, false);
            }
        }
        if chunk.phrase {
            // A phrase is marked whole (its Han runs above, its Latin words below), never by
            // its separate words: a lone 气候 is not a match of "气候联合宣言".
            for word in chunk.words.iter().filter(|w| !w.text.chars().any(yanbao_model::normalize::is_han)) {
                push(word.text.clone(), true, false);
            }
            continue;
        }
        for (word, stem) in chunk.words.iter().zip(&chunk.stems) {
            let is_han = word.text.chars().any(yanbao_model::normalize::is_han);
            if is_han && word.text.chars().count() < 2 {
                continue;
            }
            push(word.text.clone(), !is_han, false);
            if let Some(stem) = stem {
                push(stem.clone(), true, true);
            }
        }
    }
    terms
}

/// Which end of a range a partial date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateEnd {
    /// The first day (`2021-11` → 2021-11-01).
    Start,
    /// The last day (`2021-11` → 2021-11-31, which is fine for comparisons).
    End,
}

/// Returns a date key `YYYYMMDD` for `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (also with `/` or `.`),
/// filling missing parts from the given end of the period; `None` when it is not such a date.
pub fn date_key(text: &str, end: DateEnd) -> Option<i64> {
    let parts: Vec<&str> = text.trim().split(['-', '/', '.']).collect();
    let number = |s: &str| -> Option<i64> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let year = number(parts.first()?)?;
    if !(1000..=9999).contains(&year) || parts[0].len() != 4 {
        return None;
    }
    let (month_default, day_default) = match end {
        DateEnd::Start => (1, 1),
        DateEnd::End => (12, 31),
    };
    let month = match parts.get(1) {
        Some(m) => number(m)?,
        None => month_default,
    };
    let day = match parts.get(2) {
        Some(d) => number(d)?,
        None => day_default,
    };
    if parts.len() > 3 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(year * 10_000 + month * 100 + day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_within_256_characters_but_over_32_words_is_refused_as_too_long() {
        // The fuzzer's `search` target met this limit (a 226-character query, 34 words after
        // segmentation: fuzz/fuzz_targets/search.rs); the refusal is `QueryTooLong`, not a panic.
        let words: Vec<String> = (0..33).map(|i| format!("w{i}")).collect();
        let query = words.join(" ");
        assert!(query.chars().count() <= MAX_QUERY_CHARS);
        let error = parse_query(&query).expect_err("33 words");
        assert!(matches!(&error, IndexError::QueryTooLong(why) if why == "33 terms, at most 32"), "{error}");
        assert!(parse_query(&words[..32].join(" ")).is_ok());
    }

    #[test]
    fn splits_phrases_and_words() {
        assert_eq!(
            split_pieces("USTR \"关税排除\" 清单"),
            vec![("USTR".to_string(), false), ("关税排除".to_string(), true), ("清单".to_string(), false)]
        );
        assert_eq!(split_pieces("\"trade war"), vec![("trade war".to_string(), true)]);
        assert!(split_pieces("\"").is_empty());
        assert!(split_pieces("   ").is_empty());
    }

    #[test]
    fn a_code_with_its_exchange_searches_the_bare_code() {
        for query in ["603477.SH", "SH603477", "sh.603477", "603477"] {
            let chunks = parse_query(query).unwrap();
            assert_eq!(chunks.len(), 1, "{query}");
            assert_eq!(chunks[0].words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), vec!["603477"], "{query}");
        }
        // Not a code: left as typed.
        assert_eq!(parse_query("20230202.SH").unwrap()[0].words.len(), 2);
    }

    #[test]
    fn mixed_query_gives_two_chunks() {
        let chunks = parse_query("USTR 关税").unwrap();
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].words[0].text, "ustr");
        assert!(!chunks[0].has_han);
        assert!(chunks[1].has_han);
    }

    #[test]
    fn hostile_queries_give_no_chunks_or_an_error() {
        for q in ["\"", "(((", "🎉", "\u{0}", "", "  ", ":::", "\"\"\""] {
            assert!(parse_query(q).unwrap().is_empty(), "{q:?}");
        }
        let long = "中".repeat(10_000);
        let err = parse_query(&long).unwrap_err().to_string();
        assert!(err.contains("query too long"), "{err}");
        let many: String = (0..40).map(|i| format!("w{i} ")).collect();
        assert!(parse_query(&many).is_err());
        // Operators are just words.
        let ops = parse_query("AND OR").unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].words[0].text, "and");
    }

    #[test]
    fn mark_terms_keep_whole_han_runs_and_skip_single_chars() {
        let chunks = parse_query("中美元首 USTR").unwrap();
        let marks: Vec<String> = mark_terms(&chunks).into_iter().map(|m| m.text).collect();
        assert!(marks.contains(&"中美元首".to_string()), "{marks:?}");
        assert!(marks.contains(&"美元".to_string()), "{marks:?}");
        assert!(!marks.contains(&"中".to_string()), "{marks:?}");
        assert!(marks.contains(&"ustr".to_string()), "{marks:?}");
        let phrase = parse_query("\"气候联合宣言\"").unwrap();
        let marks: Vec<String> = mark_terms(&phrase).into_iter().map(|m| m.text).collect();
        assert_eq!(marks, vec!["气候联合宣言".to_string()]);
    }

    #[test]
    fn english_words_carry_their_stems_and_mark_their_forms() {
        let chunks = parse_query("reaffirm Sales 2023 销售").unwrap();
        let stems: Vec<Option<&str>> = chunks.iter().flat_map(|c| c.stems.iter().map(Option::as_deref)).collect();
        assert_eq!(stems, vec![Some("reaffirm"), Some("sale"), None, None]);
        let marks = mark_terms(&chunks);
        assert!(marks.iter().any(|m| m.text == "sales" && !m.stem), "{marks:?}");
        assert!(marks.iter().any(|m| m.text == "sale" && m.stem), "{marks:?}");
        // A phrase matches as typed: no stem marks.
        assert!(mark_terms(&parse_query("\"identical sales\"").unwrap()).iter().all(|m| !m.stem));
    }

    #[test]
    fn date_keys_fill_missing_parts() {
        assert_eq!(date_key("2021-11-16", DateEnd::Start), Some(20211116));
        assert_eq!(date_key("2021-11", DateEnd::Start), Some(20211101));
        assert_eq!(date_key("2021-11", DateEnd::End), Some(20211131));
        assert_eq!(date_key("2021", DateEnd::End), Some(20211231));
        assert_eq!(date_key("2021/9/10", DateEnd::Start), Some(20210910));
        for bad in ["", "21", "2021-13", "2021-00-01", "abcd", "2021-1-1-1", "２０２１", "-"] {
            assert_eq!(date_key(bad, DateEnd::Start), None, "{bad}");
        }
    }
}
